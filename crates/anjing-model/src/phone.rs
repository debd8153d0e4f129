/*!
Chinese phone-number normalisation and classification.

Collectors rotate numbers, spoof service numbers and send from SMS gateways, so
the raw string as exported is always kept as evidence; this module derives a
*normalised* form used to group records by number, and a *class* that tells the
user what kind of number it is (`reference/formats.md` §4.2).

Normalised forms:
- mainland mobiles: `+86` followed by the 11 digits (`+8613812345678`);
- mainland landlines: `+86` + area code without the trunk `0` + local number
  (`+861065123456`);
- service, gateway, government and carrier numbers: their bare digits (`95588`,
  `12368`, `106980095533`, `4008123123`);
- other international numbers: `+` and the digits as given;
- anything else (alphanumeric senders, e-mail handles): trimmed, unchanged.
*/

use serde::{Deserialize, Serialize};

/// What kind of number a sender or caller is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NumberClass {
    /// An ordinary mainland mobile number.
    Mobile,
    /// A virtual-operator (MVNO) mobile: 170, 171, 162, 165, 167.
    VirtualMobile,
    /// A mainland landline with an area code.
    Landline,
    /// A nationwide 95xxx customer-service number (banks, insurers, fintech).
    Service95,
    /// A province/city 96xxx service number.
    Service96,
    /// A 106 SMS gateway / enterprise sender code.
    SmsGateway,
    /// A 400/800 enterprise number.
    Enterprise400,
    /// A 12xxx government hotline (12368 courts, 12378, 12381…).
    Government,
    /// Carrier service numbers (10086, 10010, 10000, 10099).
    Carrier,
    /// Police emergency and anti-fraud numbers (110, 96110).
    Police,
    /// A number outside the mainland (+852, 00 1…), or displayed with a foreign prefix.
    International,
    /// Hidden, empty or unparseable.
    Unknown,
    /// Letters rather than digits (an alphanumeric sender id or e-mail handle).
    Alphanumeric,
}

impl NumberClass {
    /// A plain-Chinese description of the class.
    pub fn name_zh(self) -> &'static str {
        match self {
            NumberClass::Mobile => "手机号",
            NumberClass::VirtualMobile => "虚拟运营商手机号（170/171/162/165/167）",
            NumberClass::Landline => "固定电话",
            NumberClass::Service95 => "95 开头的全国客服号",
            NumberClass::Service96 => "96 开头的地方服务号",
            NumberClass::SmsGateway => "106 短信群发通道",
            NumberClass::Enterprise400 => "400/800 企业号",
            NumberClass::Government => "12 开头的政府热线",
            NumberClass::Carrier => "运营商客服号",
            NumberClass::Police => "公安报警/反诈号码",
            NumberClass::International => "境外号码或显示为境外前缀",
            NumberClass::Unknown => "未知或隐藏号码",
            NumberClass::Alphanumeric => "字母名称发件人",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            NumberClass::Mobile => "mobile",
            NumberClass::VirtualMobile => "virtual_mobile",
            NumberClass::Landline => "landline",
            NumberClass::Service95 => "service95",
            NumberClass::Service96 => "service96",
            NumberClass::SmsGateway => "sms_gateway",
            NumberClass::Enterprise400 => "enterprise400",
            NumberClass::Government => "government",
            NumberClass::Carrier => "carrier",
            NumberClass::Police => "police",
            NumberClass::International => "international",
            NumberClass::Unknown => "unknown",
            NumberClass::Alphanumeric => "alphanumeric",
        }
    }
}

/// A normalised number with its class.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Number {
    /// The normalised form (see the module docs).
    pub normalized: String,
    pub class: NumberClass,
}

/// An MMS address as encoded on the air (3GPP TS 23.140): `+8613812345678/TYPE=PLMN`. Some
/// messaging apps store it so; the number is the part before the suffix.
fn without_plmn_type(s: &str) -> &str {
    const SUFFIX: &str = "/TYPE=PLMN";
    match s.len().checked_sub(SUFFIX.len()) {
        Some(at) if s.is_char_boundary(at) && s[at..].eq_ignore_ascii_case(SUFFIX) => {
            s[..at].trim()
        }
        _ => s,
    }
}

/// Normalises and classifies a raw number as exported by a phone.
///
/// Never fails: what cannot be understood is kept trimmed and classed
/// [`NumberClass::Unknown`] or [`NumberClass::Alphanumeric`].
pub fn parse(raw: &str) -> Number {
    let trimmed = without_plmn_type(raw.trim());
    if trimmed.is_empty() || trimmed.eq_ignore_ascii_case("null") || trimmed.starts_with('-') {
        // Android uses "-1", "-2" for private/unknown numbers.
        return Number { normalized: trimmed.to_string(), class: NumberClass::Unknown };
    }
    // Keep digits and a leading plus; drop spaces, dashes, dots, brackets and
    // full-width variants of them.
    let mut plus = false;
    let mut digits = String::with_capacity(trimmed.len());
    let mut other = false;
    for (i, c) in trimmed.chars().enumerate() {
        match c {
            '0'..='9' => digits.push(c),
            '０'..='９' => digits.push(char::from(b'0' + (c as u32 - '０' as u32) as u8)),
            '+' | '＋' if i == 0 => plus = true,
            ' ' | '-' | '.' | '(' | ')' | '\u{3000}' | '－' | '（' | '）' | '\u{a0}' => {}
            _ => other = true,
        }
    }
    if other || digits.is_empty() {
        return Number { normalized: trimmed.to_string(), class: NumberClass::Alphanumeric };
    }

    // Strip the country code of the mainland; anything else international.
    let had_country_code = plus || digits.starts_with("0086");
    let national: &str = if plus {
        match digits.strip_prefix("86") {
            Some(rest) => rest,
            None => {
                return Number {
                    normalized: format!("+{digits}"),
                    class: NumberClass::International,
                };
            }
        }
    } else if let Some(rest) = digits.strip_prefix("0086") {
        rest
    } else if let Some(rest) = digits.strip_prefix("00") {
        return Number { normalized: format!("+{rest}"), class: NumberClass::International };
    } else if digits.len() == 13 && digits.starts_with("86") && digits.as_bytes()[2] == b'1' {
        &digits[2..]
    } else {
        &digits
    };

    classify_national(national, had_country_code)
}

fn classify_national(n: &str, had_country_code: bool) -> Number {
    let b = n.as_bytes();
    let keep = |class| Number { normalized: n.to_string(), class };
    // After +86 a Beijing landline reads 10 + 8 digits; without the country
    // code such a string would be a 106 gateway or carrier code.
    if had_country_code && b.len() == 10 && n.starts_with("10") {
        return Number { normalized: format!("+86{n}"), class: NumberClass::Landline };
    }
    // Mobile: 11 digits starting 13–19.
    if b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]) {
        let class =
            if is_virtual_prefix(n) { NumberClass::VirtualMobile } else { NumberClass::Mobile };
        return Number { normalized: format!("+86{n}"), class };
    }
    if n == "110" || n == "96110" {
        return keep(NumberClass::Police);
    }
    if matches!(n, "10086" | "10010" | "10000" | "10099" | "10001" | "10011") {
        return keep(NumberClass::Carrier);
    }
    if n.starts_with("106") && b.len() >= 5 {
        return keep(NumberClass::SmsGateway);
    }
    if (n.starts_with("400") || n.starts_with("800")) && b.len() == 10 {
        return keep(NumberClass::Enterprise400);
    }
    if n.starts_with("95") && (5..=8).contains(&b.len()) {
        return keep(NumberClass::Service95);
    }
    if n.starts_with("96") && (5..=8).contains(&b.len()) {
        return keep(NumberClass::Service96);
    }
    if n.starts_with("12") && b.len() == 5 {
        return keep(NumberClass::Government);
    }
    // Landline with trunk prefix 0: 010/02x + 8 digits, 0xxx + 7–8 digits.
    if b.len() >= 10 && b.len() <= 12 && b[0] == b'0' && b[1] != b'0' {
        return Number { normalized: format!("+86{}", &n[1..]), class: NumberClass::Landline };
    }
    // Landline already without the trunk 0 (as after +86): 10/2x + 8, 3xx–9xx + 7–8.
    if b.len() >= 9 && b.len() <= 11 && b[0] != b'0' && b[0] != b'1' {
        return Number { normalized: format!("+86{n}"), class: NumberClass::Landline };
    }
    keep(NumberClass::Unknown)
}

fn is_virtual_prefix(n: &str) -> bool {
    ["170", "171", "162", "165", "167"].iter().any(|p| n.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(raw: &str, normalized: &str, class: NumberClass) {
        let n = parse(raw);
        assert_eq!((n.normalized.as_str(), n.class), (normalized, class), "input {raw:?}");
    }

    #[test]
    fn an_mms_address_with_its_plmn_type_is_the_same_number() {
        // How some messaging apps store an MMS sender (3GPP TS 23.140 address encoding): it
        // must group with the same number's SMS and calls.
        check("+8613812345678/TYPE=PLMN", "+8613812345678", NumberClass::Mobile);
        check("13812345678/type=plmn", "+8613812345678", NumberClass::Mobile);
        check("/TYPE=PLMN", "", NumberClass::Unknown);
        check("张三/TYPE=PLMN", "张三", NumberClass::Alphanumeric);
    }

    #[test]
    fn mobiles_in_every_common_spelling_become_one_number() {
        for raw in [
            "13812345678",
            "+8613812345678",
            "008613812345678",
            "8613812345678",
            "138 1234 5678",
            "+86 138-1234-5678",
            "１３８１２３４５６７８",
        ] {
            check(raw, "+8613812345678", NumberClass::Mobile);
        }
    }

    #[test]
    fn virtual_operator_ranges_are_flagged() {
        check("17112345678", "+8617112345678", NumberClass::VirtualMobile);
        check("16512345678", "+8616512345678", NumberClass::VirtualMobile);
        check("17012345678", "+8617012345678", NumberClass::VirtualMobile);
        check("17312345678", "+8617312345678", NumberClass::Mobile);
    }

    #[test]
    fn service_gateway_and_government_numbers_keep_their_digits() {
        check("95588", "95588", NumberClass::Service95);
        check("106980095533", "106980095533", NumberClass::SmsGateway);
        check("1069012345678", "1069012345678", NumberClass::SmsGateway);
        check("12368", "12368", NumberClass::Government);
        check("4008123123", "4008123123", NumberClass::Enterprise400);
        check("10086", "10086", NumberClass::Carrier);
        check("96110", "96110", NumberClass::Police);
        check("962888", "962888", NumberClass::Service96);
    }

    #[test]
    fn landlines_and_foreign_numbers() {
        check("010-65123456", "+861065123456", NumberClass::Landline);
        check("0531 8888 6666", "+8653188886666", NumberClass::Landline);
        check("+86 10 6512 3456", "+861065123456", NumberClass::Landline);
        check("+85291234567", "+85291234567", NumberClass::International);
        check("0095588", "+95588", NumberClass::International);
    }

    #[test]
    fn odd_inputs_never_panic_and_keep_the_raw_text() {
        check("null", "null", NumberClass::Unknown);
        check("-2", "-2", NumberClass::Unknown);
        check("", "", NumberClass::Unknown);
        check("CoopMobile", "CoopMobile", NumberClass::Alphanumeric);
        check("13800000001~13800000002", "13800000001~13800000002", NumberClass::Alphanumeric);
        check("+", "+", NumberClass::Alphanumeric);
    }
}
