//! Adversarial spellings of the key words of each practice: pinyin and
//! homophones, separators and emoji between characters, full-width forms,
//! zero-width characters and Traditional script. Each base sentence is
//! detected; each variant must keep the same practice.

use anjing_detect::{Detector, Message};
use anjing_model::Practice::{self, *};

fn det() -> &'static Detector {
    use std::sync::OnceLock;
    static D: OnceLock<Detector> = OnceLock::new();
    D.get_or_init(|| Detector::builtin().expect("built-in rules compile"))
}

/// Inserts `sep` between every pair of adjacent Han characters.
fn spread(text: &str, sep: &str) -> String {
    let mut out = String::new();
    let mut prev_han = false;
    for c in text.chars() {
        let han = ('\u{4e00}'..='\u{9fff}').contains(&c);
        if han && prev_han {
            out.push_str(sep);
        }
        out.push(c);
        prev_han = han;
    }
    out
}

#[track_caller]
fn keeps(p: Practice, variants: &[&str]) {
    for v in variants {
        let c = det().classify(&Message::text(v));
        assert!(c.practices.contains(&p), "{p} lost in {v:?}: {:?}", c.findings);
    }
}

#[track_caller]
fn keeps_spread(p: Practice, base: &str) {
    let mut all = vec![base.to_string()];
    for sep in [" ", "-", "*", "·", "😡", "\u{200b}", "　", "|"] {
        all.push(spread(base, sep));
    }
    let refs: Vec<&str> = all.iter().map(String::as_str).collect();
    keeps(p, &refs);
}

#[test]
fn separators_and_emoji_between_characters() {
    keeps_spread(ThirdPartyContact, "再不还钱就联系你的家人和同事");
    keeps_spread(Threat, "再不还钱我们就上门找你");
    keeps_spread(Threat, "今天不还就爆通讯录");
    keeps_spread(FakeLegal, "你的欠款已经立案，等着坐牢吧");
    keeps_spread(FakeLegal, "逾期不还将冻结你名下所有银行卡");
    keeps_spread(Impersonation, "我是法院的工作人员，你的借款已逾期");
    keeps_spread(Insult, "欠钱不还的老赖，真不要脸");
    keeps_spread(Scam, "请把欠款转到安全账户");
    keeps_spread(Disclosure, "您的朋友张三在我司借款逾期未还，请转告他");
}

#[test]
fn pinyin_and_homophones() {
    keeps(
        ThirdPartyContact,
        &["再不还钱就联系你的jia人", "再不还就通知你的fu母", "不还钱就打到你dan位去"],
    );
    keeps(
        Threat,
        &["再不还明天就shang门", "不还就曝tong讯录", "今天不还就爆txl", "不还钱就去你hu籍地走访"],
    );
    keeps(FakeLegal, &["逾期不还等着zuolao", "你的欠款已经li案了", "等着收chuanpiao吧"]);
    keeps(Impersonation, &["我是lvshi，你的借款已逾期", "这里是gong安局，你涉嫌恶意透支"]);
    keeps(Insult, &["你这个lao赖", "欠钱不还的煞笔", "tmd 还不还钱"]);
    keeps(Scam, &["把yzm发给我，帮你处理逾期", "把钱转到an全账户"]);
}

#[test]
fn full_width_and_traditional() {
    keeps(ThirdPartyContact, &["再不還錢就聯繫你的家人", "不還就打電話給你的領導"]);
    keeps(Threat, &["再不還錢我們就上門", "今天不還就爆通訊錄", "再不還錢就去你老家貼大字報"]);
    keeps(FakeLegal, &["你的欠款已經立案，等著坐牢", "凍結你名下所有銀行卡", "等著收法院傳票吧"]);
    keeps(Impersonation, &["我是律師事務所的，你已逾期", "【ＸＸ法院】你的借款已逾期"]);
    keeps(Insult, &["欠錢不還的老賴", "你這個人渣", "你們全家都是廢物"]);
    keeps(Scam, &["請把驗證碼告訴我", "請轉到安全賬戶"]);
    keeps(Disclosure, &["您的朋友在我司借款逾期未還，請轉告他"]);
    keeps(Threat, &["今天不还就爆ＴＸＬ", "再不还就爆ｔｘｌ"]);
}

#[test]
fn phishing_family_emergency_and_student_account_scams_in_evasive_spellings() {
    keeps(
        Scam,
        &[
            "您的ETC認證已失效，請點擊鏈接重新認證",
            "【醫保】您的醫保賬戶已停用，請打開 yb-gov.top 恢復",
            "积分今晚清零，点 击 兑 换 jf.vip",
            "您的账户存在异常，已被限制交易，请登录 bank-safe.cc 解除",
            "你儿子在学校打架被扣下了，马上把赔偿金打到这个卡上",
            "您女兒出車禍在搶救，請馬上轉賬交押金",
            "您的学生账户未注销，会影响征信，请按客服指引操作",
        ],
    );
}

#[track_caller]
fn lacks(p: Practice, texts: &[(&str, Option<&str>)]) {
    for &(t, sender) in texts {
        let c = det().classify(&Message { text: t, sender, time: None });
        assert!(!c.practices.contains(&p), "{p} wrongly found in {t:?}: {:?}", c.findings);
    }
}

#[test]
fn genuine_court_e_service_is_not_fake_legal() {
    lacks(
        FakeLegal,
        &[
            (
                "【12368】杭州市西湖区人民法院：（2026）浙0106民初1234号案件的传票已电子送达，请登录人民法院在线服务查收。",
                Some("12368"),
            ),
            (
                "你诉某公司劳动争议一案，本院已受理，现通过全国法院统一送达平台将受理通知书、举证通知书、开庭传票发送至你的手机，请注意查收。",
                None,
            ),
        ],
    );
    // The same form with a deposit into a clerk's account is still a fake.
    let c = det().classify(&Message::text(
        "【12368】某某法院：（2026）民初888号案件需缴纳保证金3000元，请转账至书记员个人账户",
    ));
    assert!(c.practices.contains(&FakeLegal) && c.practices.contains(&Scam), "{:?}", c.findings);
}

#[test]
fn police_warnings_quoting_scams_are_not_scams() {
    lacks(
        Scam,
        &[
            ("民警提醒：公安机关不会通过电话办案，更不会让您把钱转到安全账户。", None),
            ("凡是提到“注销校园贷”“学生账户升级”的一定是诈骗，请立即挂断。", None),
            ("收到ETC认证失效、医保卡停用等带链接的短信，不要点击，谨防被骗。", None),
        ],
    );
}

#[test]
fn insults_without_debt_words() {
    keeps(
        Insult,
        &[
            "你这种人活该穷一辈子",
            "看看你那副穷酸样，没用的东西",
            "去你妈的，别装可怜",
            "你全家都是骗子",
        ],
    );
}
