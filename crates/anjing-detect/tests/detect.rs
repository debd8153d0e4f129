//! Behaviour tests of the built-in rule packs: practices (positives and hard
//! negatives), spans into the original text, explanations, rule-file validation,
//! and floors on the development and synthetic sets.

use std::sync::OnceLock;

use Practice::*;
use anjing_detect::{Classification, Detector, Message, RuleError, Severity};
use anjing_model::Practice;

fn det() -> &'static Detector {
    static D: OnceLock<Detector> = OnceLock::new();
    D.get_or_init(|| Detector::builtin().expect("built-in rules compile"))
}

fn classify(text: &str) -> Classification {
    det().classify(&Message::text(text))
}

fn practices(text: &str) -> Vec<Practice> {
    classify(text).practices
}

#[track_caller]
fn has(text: &str, p: Practice) {
    let c = classify(text);
    assert!(c.practices.contains(&p), "expected {p} in {text:?}, got {:?}", c.practices);
}

#[track_caller]
fn lacks(text: &str, p: Practice) {
    let c = classify(text);
    assert!(!c.practices.contains(&p), "did not expect {p} in {text:?}, got {:?}", c.findings);
}

#[track_caller]
fn collection(text: &str, expected: bool) {
    let c = classify(text);
    assert_eq!(c.is_collection, expected, "is_collection of {text:?}: {:?}", c.findings);
}

fn slice(text: &str, span: [usize; 2]) -> String {
    text.chars().skip(span[0]).take(span[1] - span[0]).collect()
}

// ---- contract -----------------------------------------------------------------

#[test]
fn legit_reminder_exactly_when_collection_without_abuse() {
    for text in [
        "您的借款已逾期3天，请尽快还款，以免影响您的信用记录。",
        "如仍未还款，我司将依法向法院提起诉讼。",
        "您的欠款已逾期，我们将按合同约定上报征信并收取违约金，请尽快处理。",
        "我们不会上门，也不会联系您的家人，只是提醒您账单还未还清，请尽快处理。",
        "您好，我方将委托律师向您发送律师函，请于7日内还款。",
    ] {
        let c = classify(text);
        assert!(c.is_collection, "{text}");
        assert_eq!(c.practices, vec![LegitReminder], "{text}: {:?}", c.findings);
        let f = &c.findings[0];
        assert_eq!(f.severity, Severity::Info);
    }
    // Abuse in a collection message: no legit_reminder.
    let c = classify("您已逾期，再不还钱就爆你通讯录");
    assert!(c.is_collection);
    assert!(!c.practices.contains(&LegitReminder));
    // Not collection: no legit_reminder.
    assert!(
        !practices("【美团】3984（登录验证码），如非本人操作，请忽略。").contains(&LegitReminder)
    );
}

#[test]
fn practices_are_sorted_and_unique() {
    let c = classify("你个老赖，不还钱就爆你通讯录，让你全家都知道，等着坐牢吧！");
    let mut sorted = c.practices.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(c.practices, sorted);
    let from_findings: std::collections::BTreeSet<_> =
        c.findings.iter().map(|f| f.practice).collect();
    assert_eq!(c.practices, from_findings.into_iter().collect::<Vec<_>>());
}

#[test]
fn serialises_with_snake_case_codes() {
    let c = classify("今天不还钱就爆通讯录");
    let v = serde_json::to_value(&c).unwrap();
    assert_eq!(v["is_collection"], true);
    let ps: Vec<&str> =
        v["practices"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect();
    assert_eq!(ps, ["third_party_contact", "threat"]);
    assert_eq!(v["findings"][0]["severity"], "serious");
    assert!(v["findings"][0]["spans"][0].is_array());
}

// ---- practices: positives -------------------------------------------------------

#[test]
fn third_party_contact_and_disclosure() {
    for t in [
        "再不还款我们就联系你的父母和同事",
        "你不处理，明天就打电话给你单位领导",
        "已逾期，我们会通知您的紧急联系人",
        "会联系村委核实情况",
    ] {
        has(t, ThirdPartyContact);
        collection(t, true);
    }
    for t in [
        "您好，您的朋友张某在我平台借款已逾期两个月，请协助提醒他尽快还款。",
        "您是王某的紧急联系人，他欠款未还，请转告他联系我们。",
    ] {
        has(t, ThirdPartyContact);
        has(t, Disclosure);
        collection(t, true);
    }
}

#[test]
fn threats() {
    for t in [
        "您的信用卡已逾期，我行将安排外访人员上门核实。",
        "今天不还，明天我们的人就去你家。",
        "再不还款后果自负。",
        "不还钱就把你P图发到网上曝光",
        "欠债不还，小心点。",
        "你的欠款再不处理，孩子以后考公政审都过不了。",
        "已安排专人走访你的户籍地",
    ] {
        has(t, Threat);
        collection(t, true);
    }
}

#[test]
fn insults() {
    for t in ["你这个老赖，欠钱不还", "不要脸的东西，赶紧还钱", "欠钱不还的畜生"]
    {
        has(t, Insult);
    }
}

#[test]
fn fake_legal_claims() {
    for t in [
        "您的借款已逾期，已触发立案程序。",
        "已将你的材料移交当地公安经侦部门。",
        "你涉嫌恶意透支，将被追究刑事责任。",
        "逾期不还将被列入失信被执行人名单。",
        "三日内不还款将冻结你名下所有银行卡。",
        "作为紧急联系人，你要承担连带还款责任。",
        "等着收法院传票吧",
    ] {
        has(t, FakeLegal);
    }
}

#[test]
fn impersonation_and_fake_police_scam() {
    let c = classify("我是XX市公安局民警，你的身份证涉嫌洗钱，需要把资金转入安全账户核查。");
    assert!(!c.is_collection);
    for p in [Impersonation, FakeLegal, Scam] {
        assert!(c.practices.contains(&p), "{:?}", c.practices);
    }
    has("我是XX律师事务所的律师，受委托通知您尽快还清欠款。", Impersonation);
    // Posing as the lender's customer service is not impersonation.
    lacks("我是XX金融的客服，您的借款已逾期，请尽快还款。", Impersonation);
}

#[test]
fn scams() {
    for t in [
        "专业团队帮你停息挂账，征信修复，成功后收费",
        "根据国家政策，校园贷账户需要注销，否则影响征信",
        "您的贷款因卡号错误被冻结，需缴纳解冻金",
        "请把本期欠款转到我的个人账户，户名张三",
        "请把收到的验证码告诉我们工作人员，以便核实还款",
    ] {
        has(t, Scam);
    }
    collection("专业团队帮你停息挂账，征信修复，成功后收费", false);
}

// ---- hard negatives ----------------------------------------------------------

#[test]
fn hard_negatives_are_not_collection_and_carry_no_practice() {
    for t in [
        // verification codes
        "【汇丰银行中国】验证码:961886。任何人索取验证码均为诈骗，切勿泄露。",
        "【闲鱼】951826（验证码仅用于您本人登录验证）。别人包括客服要验证码是骗子。",
        // bank credit notices
        "您尾号0345卡8月15日工商银行收入(他行汇入)1,000元，余额1,000.00元。【工商银行】",
        // loan ads, approvals, disbursements, repayments received
        "恭喜您通过审核，最高可借50000元，点击申请",
        "您申请的借款已成功放款，请注意查收。",
        "我们已经收到您本月的还款1200元。",
        // anti-fraud warnings
        "【反诈中心】谨防冒充催收人员以注销账户为由要求转账，请勿轻信。",
        "中国移动提醒您：如接到声称您涉案、要求转账到安全账户的电话，请勿轻信，谨防诈骗。",
        // private debts
        "老王，上个月借你的两千块什么时候还我？",
        "你不还我钱还删我好友？",
        // a complaint quoting threats
        "我于3月5日收到催收短信称要爆我通讯录、上门找我父母，请监管部门依法处理该平台的暴力催收。",
        // services that go to the door, ordinary visits
        "快递员将于今天下午上门取件，请保持电话畅通。",
        "明天我去你家拿东西。",
        "请联系公司前台领取快递。",
        "周末带家人去公园玩，记得联系我。",
    ] {
        let c = classify(t);
        assert!(!c.is_collection, "is_collection of {t:?}: {:?}", c.findings);
        let abusive: Vec<_> = c.practices.iter().filter(|p| p.is_abusive()).collect();
        assert!(abusive.is_empty(), "{t:?}: {:?}", c.findings);
    }
}

#[test]
fn negated_visits_are_not_threats() {
    lacks("我们不会上门，请放心，只是提醒您尽快还款。", Threat);
    lacks("我们不会联系您的家人，请尽快处理欠款。", ThirdPartyContact);
    has("再不还我们就上门", Threat);
}

#[test]
fn bank_reminder_with_anti_fraud_tail_is_legit() {
    let c = det().classify(&Message {
        text: "【XX银行】您的信用卡已逾期，请勿相信任何要求转账到个人账户的信息，请通过官方渠道还款。",
        sender: Some("95588"),
        time: None,
    });
    assert!(c.is_collection);
    assert_eq!(c.practices, vec![LegitReminder], "{:?}", c.findings);
}

#[test]
fn genuine_court_sender_is_not_flagged() {
    let text = "【XX人民法院】您好，(2024)XX民初1234号案件已受理，请按时参加诉讼。";
    let c = det().classify(&Message { text, sender: Some("12368"), time: None });
    assert!(!c.is_collection);
    assert!(c.practices.is_empty(), "{:?}", c.findings);
}

// ---- spans -----------------------------------------------------------------------

#[test]
fn spans_point_at_the_original_words() {
    let text = "今天不还钱就爆通讯录";
    let c = classify(text);
    let f = c.findings.iter().find(|f| f.practice == Threat).unwrap();
    assert_eq!(f.spans, vec![[6, 10]]);
    assert_eq!(slice(text, f.spans[0]), "爆通讯录");
}

#[test]
fn spans_survive_evasion() {
    for (text, want) in [
        ("再不还钱就爆通-讯-录", "爆通-讯-录"),
        ("再不还钱就爆通 讯 录", "爆通 讯 录"),
        ("再不还钱就爆通*讯*录", "爆通*讯*录"),
        ("再不还钱就曝tong讯录", "曝tong讯录"),
        ("再不还钱就爆通\u{200b}讯\u{200b}录", "爆通\u{200b}讯\u{200b}录"),
        ("再不還錢就爆通訊錄", "爆通訊錄"),
        ("再不还钱就爆ＴＸＬ", "爆ＴＸＬ"),
        ("再不还钱就爆通😡讯😡录", "爆通😡讯😡录"),
    ] {
        let c = classify(text);
        let f = c
            .findings
            .iter()
            .find(|f| f.rule == "third_party.contact_list_blast")
            .unwrap_or_else(|| panic!("{text}: {:?}", c.findings));
        let len = text.chars().count();
        for s in &f.spans {
            assert!(s[0] < s[1] && s[1] <= len);
        }
        assert_eq!(slice(text, f.spans[0]), want, "{text}");
    }
}

#[test]
fn spans_are_char_offsets_not_bytes() {
    let text = "😀😀您已逾期，明天上门";
    let c = classify(text);
    let f = c.findings.iter().find(|f| f.practice == Threat).unwrap();
    assert_eq!(slice(text, f.spans[0]), "上门");
    assert_eq!(f.spans[0], [9, 11]);
}

// ---- explanations ------------------------------------------------------------------

#[test]
fn explanations_quote_the_original_words_in_chinese() {
    let text = "再不还就爆通-讯-录";
    let c = classify(text);
    let f = c.findings.iter().find(|f| f.rule == "third_party.contact_list_blast").unwrap();
    assert_eq!(
        f.explanation,
        "消息里说“爆通-讯-录”，这是“爆通讯录”式的威胁：要把欠款的事告诉通讯录里的亲友。这会让人害怕，也会打扰与债务无关的人。"
    );
    let c = classify("您的借款已逾期，请尽快还款");
    assert!(c.findings[0].explanation.starts_with("这是一条催还欠款的消息（"));
    for f in classify("你这个老赖，已移交经侦，等着坐牢吧，明天上门").findings
    {
        assert!(f.explanation.contains('“'), "{}", f.explanation);
        assert!(!f.explanation.contains("{quote}"));
    }
}

// ---- rule files --------------------------------------------------------------------

fn compile(src: &str) -> Result<Detector, RuleError> {
    Detector::from_sources(vec![("rules/test.toml".into(), src.into())])
}

#[test]
fn bad_regex_names_file_line_and_rule() {
    let src = "\n\n[[rule]]\nid = \"threat.bad\"\npractice = \"threat\"\nseverity = \"serious\"\nregex = ['(上门']\nexplanation = \"x\"\n";
    let e = compile(src).unwrap_err();
    assert!(matches!(e, RuleError::BadRegex { .. }), "{e:?}");
    let msg = e.to_string();
    assert!(msg.contains("rules/test.toml:3"), "{msg}");
    assert!(msg.contains("threat.bad"), "{msg}");
}

#[test]
fn unknown_practice_duplicate_id_and_empty_patterns_are_errors() {
    let e = compile("[[rule]]\nid = \"a\"\npractice = \"rudeness\"\nseverity = \"info\"\nkeywords = [\"x\"]\nexplanation = \"x\"\n")
        .unwrap_err();
    assert!(matches!(e, RuleError::UnknownPractice { .. }), "{e}");
    assert!(e.to_string().contains("rudeness") && e.to_string().contains(":1:"), "{e}");

    let e = compile("[[rule]]\nid = \"a\"\npractice = \"threat\"\nseverity = \"info\"\nkeywords = []\nexplanation = \"x\"\n")
        .unwrap_err();
    assert!(matches!(e, RuleError::EmptyPattern { .. }), "{e}");

    let two = "[[rule]]\nid = \"a\"\npractice = \"threat\"\nseverity = \"info\"\nkeywords = [\"x\"]\nexplanation = \"x\"\n";
    let e = compile(&format!("{two}\n{two}")).unwrap_err();
    assert!(matches!(e, RuleError::DuplicateId { .. }), "{e}");
    assert!(
        e.to_string().contains("rules/test.toml:8")
            && e.to_string().contains("first defined at rules/test.toml:1"),
        "{e}"
    );

    let e = compile("[[rule]]\nid = \"a\"\npractice = \"threat\"\nseverity = \"info\"\nkeywords = [\"@nope\"]\nexplanation = \"x\"\n")
        .unwrap_err();
    assert!(matches!(e, RuleError::UnknownGroup { .. }), "{e}");

    let e = compile("[[rule]]\nid = \"a\"\npractice = \"threat\"\nseverity = \"info\"\nkeywordz = [\"x\"]\nexplanation = \"x\"\n")
        .unwrap_err();
    assert!(matches!(e, RuleError::Toml { .. }), "{e}");
    assert!(e.to_string().contains("rules/test.toml:"), "{e}");
}

#[test]
fn builtin_and_dir_agree_and_version_is_stable() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/cn");
    let from_dir = Detector::from_dir(&dir).expect("rule folder compiles");
    assert_eq!(from_dir.version(), det().version());
    assert_eq!(det().version().len(), 12);
    assert!(det().version().chars().all(|c| c.is_ascii_hexdigit()));
    let sorted = |mut v: Vec<&str>| {
        v.sort();
        v.iter().map(|s| s.to_string()).collect::<Vec<_>>()
    };
    assert_eq!(sorted(from_dir.rule_ids()), sorted(det().rule_ids()));
    // Every rule file in the folder is bundled.
    let n = std::fs::read_dir(&dir)
        .unwrap()
        .filter(|e| {
            let p = e.as_ref().unwrap().path();
            p.extension().is_some_and(|x| x == "toml") && !p.ends_with("thresholds.toml")
        })
        .count();
    assert_eq!(n, 9, "a rule file was added to rules/cn but not to BUILTIN");
}

#[test]
fn rule_locations_are_known() {
    let (file, line) = det().rule_location("threat.visit").unwrap();
    assert!(file.ends_with("threat.toml"));
    assert!(line > 1);
}

#[test]
fn explanations_follow_the_collection_decision() {
    // A scam that claims a crime is not "turning a debt into a crime".
    let c = classify("您的账户涉嫌洗钱，请立即将资金转账到安全账户配合调查。");
    assert!(!c.is_collection);
    for f in c.findings.iter().filter(|f| matches!(f.practice, FakeLegal | Impersonation)) {
        assert!(!f.explanation.contains("欠款说成"), "{}", f.explanation);
        assert!(!f.explanation.contains("催收方"), "{}", f.explanation);
    }
    // The same claim in a collection message keeps the debt wording.
    let c = classify("你的网贷欠款已逾期，再不还款就追究刑事责任，等着坐牢。");
    assert!(c.is_collection);
    let f = c.findings.iter().find(|f| f.rule == "fake_legal.crime").unwrap();
    assert!(f.explanation.contains("欠款"), "{}", f.explanation);
    let c = classify("【XX公安局】你名下的银行卡涉嫌洗钱，请添加民警个人微信配合调查。");
    let f = c.findings.iter().find(|f| f.practice == Impersonation).unwrap();
    assert!(!f.explanation.contains("催收方"), "{}", f.explanation);
}

#[test]
fn sender_decides_court_and_bank_guards() {
    let court = "【XX市人民法院】张伟，你因拖欠XX网贷欠款被起诉，案号(2025)京0105民初1234号，请于3日内还清欠款，否则将强制执行并列入失信名单。";
    for sender in [Some("10690000123"), Some("13800138000"), None] {
        let c = det().classify(&Message { text: court, sender, time: None });
        assert!(c.is_collection, "{sender:?}");
        assert!(c.practices.contains(&Impersonation) && c.practices.contains(&FakeLegal));
    }
    let spoofed =
        "【XX法院】你的网贷欠款案已立案，请于今日将欠款转入法官个人账户6222xxxx，否则强制执行。";
    let c = det().classify(&Message { text: spoofed, sender: Some("12368"), time: None });
    assert!(c.practices.contains(&Scam) && !c.is_collection, "{:?}", c.findings);
    let bank = "【招商银行】您的信用卡已逾期，欠款1200元，请尽快通过掌上生活APP或点击 https://cmbt.cn/x 还款。";
    let c = det().classify(&Message { text: bank, sender: Some("95555"), time: None });
    assert_eq!(c.practices, vec![LegitReminder], "{:?}", c.findings);
    let c = det().classify(&Message { text: bank, sender: Some("13912345678"), time: None });
    assert!(c.practices.contains(&Scam));
    // With no sender, the bank's own signature names it: a link alone is not a scam.
    let c = det().classify(&Message { text: bank, sender: None, time: None });
    assert_eq!(c.practices, vec![LegitReminder], "{:?}", c.findings);
    // Unless the link asks for card numbers or codes.
    let phish =
        "【招商银行】您的信用卡已逾期，请点击 https://cmb-kf.top 输入卡号和短信验证码完成还款。";
    let c = det().classify(&Message { text: phish, sender: None, time: None });
    assert!(c.practices.contains(&Scam) && !c.is_collection, "{:?}", c.findings);
}
