/*!
Number intelligence for Anjing, offline.

* [`segments`] reads `phone.dat` (PyPI `phone` 0.4.5, MIT, see `data/NOTICE`):
  the province, city and network of a mainland mobile number by its first 7
  digits, and the cities behind a landline area code.
* [`explain`] puts that together with the normalisation and class of
  [`anjing_model::phone`] and adds plain-Chinese notes on what a number of that
  kind does and does not prove.

归属地 is where a number was *registered*, never where its user is.
*/

pub mod segments;

use anjing_model::phone::{self, NumberClass};
use serde::Serialize;

pub use segments::{Network, Segment, SegmentTable};

/// What the table says about a mainland mobile number.
#[derive(Debug, Clone, Serialize)]
pub struct MobileInfo {
    pub province: String,
    pub city: String,
    /// The network from the table, e.g. 中国联通.
    pub network_zh: String,
    /// Whether the number is in a virtual-operator (转售) range, by prefix.
    pub virtual_operator: bool,
    /// For virtual-operator numbers: the network whose capacity is resold.
    pub resold_from_zh: Option<String>,
    /// With the trunk 0, e.g. `0411`.
    pub area_code: String,
}

/// What the table says about a landline's area code.
#[derive(Debug, Clone, Serialize)]
pub struct LandlineInfo {
    pub area_code: String,
    /// `省 市` for every city the table gives this code (several may share it).
    pub places: Vec<String>,
}

/// Everything Anjing can say about a number, offline.
#[derive(Debug, Clone, Serialize)]
pub struct NumberInfo {
    pub input: String,
    pub normalized: String,
    pub class: NumberClass,
    pub class_zh: &'static str,
    pub mobile: Option<MobileInfo>,
    pub landline: Option<LandlineInfo>,
    /// When the number imitates a domestic service, bank, government or
    /// police number behind a foreign prefix: what it imitates.
    pub lookalike_of: Option<String>,
    /// Plain-Chinese notes, most important first.
    pub notes: Vec<String>,
    /// Version header of the segment table (`2312` = December 2023).
    pub data_version: String,
}

/// The national (no `+86`) digits of a normalised mainland number.
fn national(normalized: &str) -> &str {
    normalized.strip_prefix("+86").unwrap_or(normalized)
}

/// The area code (with the trunk 0) of a normalised landline `+86…`.
fn area_code(normalized: &str) -> Option<String> {
    let n = normalized.strip_prefix("+86")?;
    let len = if n.starts_with("10") || n.starts_with('2') { 2 } else { 3 };
    n.get(..len).map(|c| format!("0{c}"))
}

/// What a number behind a foreign prefix imitates, if anything.
fn lookalike(normalized: &str) -> Option<String> {
    let d = normalized.strip_prefix('+')?;
    let len = d.len();
    if d.starts_with("95") && (5..=8).contains(&len) {
        return Some(format!("{d}（95 开头的银行、保险等全国客服号）"));
    }
    if d.starts_with("12") && len == 5 {
        return Some(format!("{d}（12 开头的政府热线）"));
    }
    if ["10086", "10010", "10000"].contains(&d) {
        return Some(format!("{d}（运营商客服号）"));
    }
    if d.ends_with("110") && len <= 8 {
        return Some("110（报警电话）".to_string());
    }
    None
}

const NOTE_REGISTRATION: &str =
    "归属地是这个号码开户登记的地方，不是对方现在所在的位置；手机号在全国都能用。";
const NOTE_VIRTUAL: &str = "这是虚拟运营商号段（170/171/162/165/167）。骚扰和诈骗电话里这类号码比较常见，但这只是一个信号，不能证明对方就是催收或骗子。";
const NOTE_GATEWAY: &str = "106 开头的是短信群发通道，任何公司都能租用。用 106 号码发来的短信，不能证明对方是正规机构，也不能证明是诈骗；要看内容，并通过官方渠道核实。正规的 106 短信开头应有【签名】。";
const NOTE_95: &str = "95 开头的 5 位号码是工信部分配给银行、保险等机构的全国客服号，真正的银行提醒会从这类号码发出。但来电显示可以伪造：涉及转账或验证码时，请挂断后自己拨打银行卡背面或官方 App 里的号码核实。";
const NOTE_96: &str = "96 开头的是省市一级的服务号（地方银行、公用事业等）。";
const NOTE_96110: &str = "96110 是公安反诈预警劝阻专线。接到它的来电请认真听，它不会让你转账。";
const NOTE_110: &str = "110 是报警电话。警察不会打电话让你转账，也没有什么“安全账户”。";
const NOTE_12368: &str = "12368 是人民法院的诉讼服务热线，法院确实会用 12368 发送案件短信。收到自称法院的短信，可以自己拨打 12368 核实案号和承办法官；不是从 12368 或法院公开号码发来的“法院通知”“传票”，要当心是假的。";
const NOTE_12: &str = "12 开头的 5 位号码是政府部门热线，例如 12378（金融消费者投诉）、12381（反诈预警短信）、12321（骚扰举报）、12345（政务服务）。";
const NOTE_400: &str =
    "400/800 是企业号码，可以在任何城市接听，无法定位；贷款平台和外包催收公司都常用。";
const NOTE_LANDLINE: &str = "固定电话的区号只说明电话装在哪个城市；来电显示可以伪造。";
const NOTE_CARRIER: &str = "这是运营商的官方客服号。";
const NOTE_FOREIGN: &str =
    "号码显示为境外（00 或 + 开头，且不是 +86）。国内的银行、法院、公安不会用境外号码联系你。";
const NOTE_LOOKALIKE: &str = "这是在真号码前面加了 00 或 + 的“山寨号”，不是真正的客服、政府或报警号码，是伪装，基本可以认定是诈骗。";
const NOTE_UNKNOWN: &str =
    "看不出是什么号码（隐藏号码、格式不对或字母名称）。不要回拨陌生号码给的“客服电话”。";

/// Explains a raw number as a phone would show it.
pub fn explain(raw: &str) -> NumberInfo {
    let n = phone::parse(raw);
    let table = SegmentTable::builtin();
    let mut notes: Vec<String> = Vec::new();
    let mut mobile = None;
    let mut landline = None;
    let mut lookalike_of = None;
    match n.class {
        NumberClass::Mobile | NumberClass::VirtualMobile => {
            let nat = national(&n.normalized);
            let resold = segments::virtual_operator(nat);
            if let Some(seg) = table.and_then(|t| t.lookup(nat)) {
                mobile = Some(MobileInfo {
                    province: seg.province.clone(),
                    city: seg.city.clone(),
                    network_zh: seg.network.name_zh().to_string(),
                    virtual_operator: resold.is_some(),
                    resold_from_zh: resold.map(|r| r.name_zh().to_string()),
                    area_code: seg.area_code.clone(),
                });
            } else if let Some(r) = resold {
                mobile = Some(MobileInfo {
                    province: String::new(),
                    city: String::new(),
                    network_zh: String::new(),
                    virtual_operator: true,
                    resold_from_zh: Some(r.name_zh().to_string()),
                    area_code: String::new(),
                });
            }
            if resold.is_some() || n.class == NumberClass::VirtualMobile {
                notes.push(NOTE_VIRTUAL.into());
            }
            notes.push(NOTE_REGISTRATION.into());
        }
        NumberClass::Landline => {
            if let Some(code) = area_code(&n.normalized) {
                let places = table
                    .map(|t| t.area_places(&code))
                    .unwrap_or(&[])
                    .iter()
                    .map(|(p, c)| if p == c { p.clone() } else { format!("{p} {c}") })
                    .collect();
                landline = Some(LandlineInfo { area_code: code, places });
            }
            notes.push(NOTE_LANDLINE.into());
        }
        NumberClass::SmsGateway => notes.push(NOTE_GATEWAY.into()),
        NumberClass::Service95 => notes.push(NOTE_95.into()),
        NumberClass::Service96 => notes.push(NOTE_96.into()),
        NumberClass::Police => {
            notes.push(if n.normalized == "96110" { NOTE_96110 } else { NOTE_110 }.into())
        }
        NumberClass::Government => {
            if n.normalized == "12368" {
                notes.push(NOTE_12368.into());
            } else {
                notes.push(NOTE_12.into());
            }
        }
        NumberClass::Enterprise400 => notes.push(NOTE_400.into()),
        NumberClass::Carrier => notes.push(NOTE_CARRIER.into()),
        NumberClass::International => {
            lookalike_of = lookalike(&n.normalized);
            if lookalike_of.is_some() {
                notes.push(NOTE_LOOKALIKE.into());
            }
            notes.push(NOTE_FOREIGN.into());
        }
        NumberClass::Unknown | NumberClass::Alphanumeric => notes.push(NOTE_UNKNOWN.into()),
    }
    NumberInfo {
        input: raw.to_string(),
        normalized: n.normalized,
        class: n.class,
        class_zh: n.class.name_zh(),
        mobile,
        landline,
        lookalike_of,
        notes,
        data_version: table.map(|t| t.version().to_string()).unwrap_or_default(),
    }
}

/// A short 归属地 for tables: `辽宁大连` for a mobile, `北京` when province and
/// city are the same; `None` for anything else.
pub fn place_short(raw: &str) -> Option<String> {
    let n = phone::parse(raw);
    if !matches!(n.class, NumberClass::Mobile | NumberClass::VirtualMobile) {
        return None;
    }
    let seg = SegmentTable::builtin()?.lookup(national(&n.normalized))?;
    Some(if seg.province == seg.city { seg.city } else { format!("{}{}", seg.province, seg.city) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn virtual_mobile_is_explained_with_its_place() {
        let i = explain("171 1234 5678");
        assert_eq!(i.normalized, "+8617112345678");
        assert_eq!(i.class, NumberClass::VirtualMobile);
        let m = i.mobile.unwrap();
        assert!(m.virtual_operator);
        assert_eq!(m.resold_from_zh.as_deref(), Some("中国联通"));
        assert_eq!(m.city, "大连");
        assert!(i.notes[0].contains("虚拟运营商"));
        assert!(i.notes.iter().any(|n| n.contains("不是对方现在所在的位置")));
    }

    #[test]
    fn ordinary_mobile_has_no_virtual_note() {
        let i = explain("+86 138-1234-5678");
        let m = i.mobile.unwrap();
        assert!(!m.virtual_operator);
        assert_eq!(m.network_zh, "中国移动");
        assert!(!i.notes.iter().any(|n| n.contains("虚拟运营商")));
        assert_eq!(place_short("13812345678").as_deref(), Some("江苏连云港"));
        assert_eq!(place_short("95588"), None);
    }

    #[test]
    fn landline_area_code_maps_to_city() {
        let i = explain("0531-88886666");
        let l = i.landline.unwrap();
        assert_eq!(l.area_code, "0531");
        assert!(l.places.iter().any(|p| p.contains("济南")));
        let b = explain("010-65123456").landline.unwrap();
        assert_eq!(b.area_code, "010");
        assert!(b.places.iter().any(|p| p.contains("北京")), "{:?}", b.places);
    }

    #[test]
    fn lookalikes_and_service_numbers() {
        let i = explain("0095588");
        assert_eq!(i.class, NumberClass::International);
        assert!(i.lookalike_of.unwrap().starts_with("95588"));
        assert!(i.notes[0].contains("山寨号"));
        assert!(explain("+0774110").lookalike_of.unwrap().contains("110"));
        assert!(explain("12368").notes[0].contains("12368"));
        assert!(explain("1069012345678").notes[0].contains("不能证明"));
        assert!(explain("95588").notes[0].contains("全国客服号"));
        assert!(explain("+85291234567").lookalike_of.is_none());
    }
}
