//! Three case profiles run end to end (`anjing init`, `import`, `facts`, `analyze`,
//! `advise --json` and text), checked line by line against shared/reference/legal-cn.md:
//!
//! (a) a bank credit-card case with events in 2026;
//! (b) an unlicensed lender whose collection runs from 2025-11 to 2026-02, across the
//!     2026-01-01 change of 治安管理处罚法;
//! (c) a scam dressed as collection, with no known lender.
//!
//! Each test builds its case from a small SMS backup written here (texts modelled on the demo's
//! synthetic episode), so the dates are exact.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_anjing"))
}

fn run(dir: &Path, args: &[&str]) -> Output {
    bin().arg("-C").arg(dir).args(args).stdin(Stdio::null()).output().expect("run anjing")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[track_caller]
fn ok(o: &Output) -> String {
    assert_eq!(
        o.status.code(),
        Some(0),
        "--- stdout\n{}\n--- stderr\n{}",
        stdout(o),
        String::from_utf8_lossy(&o.stderr)
    );
    stdout(o)
}

/// Epoch milliseconds of a Beijing-time instant `YYYY-MM-DD HH:MM`.
fn ms(at: &str) -> i64 {
    let dt: jiff::civil::DateTime = at.replace(' ', "T").parse().unwrap();
    dt.to_zoned_datetime(jiff::tz::TimeZone::fixed(jiff::tz::offset(8)))
        .unwrap()
        .timestamp()
        .as_millisecond()
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;")
}

/// An SMS Backup & Restore file of received messages `(from, Beijing time, text)`.
fn sbr(messages: &[(&str, &str, &str)]) -> String {
    let mut x = format!(
        "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count=\"{}\">\n",
        messages.len()
    );
    for (from, at, body) in messages {
        x.push_str(&format!(
            "  <sms protocol=\"0\" address=\"{from}\" date=\"{}\" type=\"1\" subject=\"null\" body=\"{}\" toa=\"null\" sc_toa=\"null\" service_center=\"null\" read=\"1\" status=\"-1\" locked=\"0\" date_sent=\"0\" readable_date=\"\" contact_name=\"(Unknown)\" />\n",
            ms(at),
            xml_escape(body)
        ));
    }
    x.push_str("</smses>\n");
    x
}

struct Case {
    _tmp: tempfile::TempDir,
    dir: std::path::PathBuf,
}

fn new_case() -> Case {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("case");
    ok(&bin().arg("init").arg(&dir).output().unwrap());
    Case { _tmp: tmp, dir }
}

impl Case {
    fn import(&self, name: &str, from: &str, relation: &str, messages: &[(&str, &str, &str)]) {
        let file = self._tmp.path().join(name);
        std::fs::write(&file, sbr(messages)).unwrap();
        ok(&run(
            &self.dir,
            &["import", file.to_str().unwrap(), "--from", from, "--relation", relation],
        ));
    }

    fn facts(&self, sets: &[&str]) -> String {
        let mut args = vec!["facts", "--set"];
        args.extend_from_slice(sets);
        ok(&run(&self.dir, &args))
    }

    /// `(advise --json, advise text)` as of 2026-03-01. With `ANJING_PROFILE_DUMP=DIR`, both
    /// are also written to `DIR/<name>.json|txt` for reading the plan line by line.
    fn advise(&self, name: &str) -> (Value, String) {
        ok(&run(&self.dir, &["analyze"]));
        let json = ok(&run(&self.dir, &["advise", "--json", "--as-of", "2026-03-01"]));
        let text = ok(&run(&self.dir, &["advise", "--as-of", "2026-03-01"]));
        if let Some(dump) = std::env::var_os("ANJING_PROFILE_DUMP") {
            let dump = Path::new(&dump);
            std::fs::create_dir_all(dump).unwrap();
            std::fs::write(dump.join(format!("{name}.json")), &json).unwrap();
            std::fs::write(dump.join(format!("{name}.txt")), &text).unwrap();
        }
        (serde_json::from_str(&json).expect("advise --json is JSON"), text)
    }
}

fn step_ids(a: &Value) -> Vec<String> {
    a["plan"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["channel_id"].as_str().unwrap().to_string())
        .collect()
}

fn step<'a>(a: &'a Value, id: &str) -> &'a Value {
    a["plan"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["channel_id"] == id)
        .unwrap_or_else(|| panic!("{id} not in {:?}", step_ids(a)))
}

fn bases(a: &Value) -> Vec<&Value> {
    a["legal_bases"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["bases"].as_array().unwrap())
        .collect()
}

fn basis<'a>(a: &'a Value, id: &str) -> Option<&'a Value> {
    bases(a).into_iter().find(|b| b["article_id"] == id)
}

fn basis_ids(a: &Value) -> Vec<String> {
    bases(a).iter().map(|b| b["article_id"].as_str().unwrap().to_string()).collect()
}

fn deadline<'a>(a: &'a Value, id: &str) -> &'a Value {
    a["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == id)
        .unwrap_or_else(|| panic!("deadline {id} missing: {}", a["deadlines"]))
}

/// What every plan must never say (legal-cn.md §0, §8.0, §3.2, §11).
#[track_caller]
fn never_overstates(text: &str) {
    for name in ["银保监会", "银监会"] {
        for (at, _) in text.match_indices(name) {
            let before = &text[..at];
            assert!(
                before.ends_with('原') || before.ends_with("原中国"),
                "{name} named as current near: {}",
                &text[before.len().saturating_sub(60)..(at + 30).min(text.len())]
            );
        }
    }
    for phrase in
        ["已构成", "一定违法", "必然构成", "肯定违法", "已经犯罪", "就是犯罪", "已涉嫌刑事犯罪"]
    {
        assert!(!text.contains(phrase), "overstatement {phrase}");
    }
    // UNVERIFIED in the reference: never stated.
    for unverified in ["96110", "12315", "21:00至次日8:00", "自律公约》第", "行为终了之日"]
    {
        assert!(!text.contains(unverified), "UNVERIFIED {unverified} stated");
    }
}

/// Every criminal basis names its threshold and says who decides; every VERIFIED-2 or
/// industry basis is labelled and not quoted.
#[track_caller]
fn bases_are_careful(a: &Value) {
    for g in a["legal_bases"].as_array().unwrap() {
        for b in g["bases"].as_array().unwrap() {
            let label = b["confidence_label_zh"].as_str().unwrap();
            match b["confidence"].as_str().unwrap() {
                "verified" => {}
                "verified_2" | "industry" => {
                    assert!(b["text_zh"].is_null(), "{b}");
                    assert!(label.contains("据公开报道"), "{b}");
                }
                other => panic!("{other} cited: {b}"),
            }
            if g["area"] == "industry" {
                assert!(label.contains("行业自律规范"), "{b}");
            }
            for u in b["engaged_by"].as_array().unwrap() {
                let s = u["statement_zh"].as_str().unwrap();
                assert!(s.contains("可能") || s.contains("涉嫌") || s.contains("标准"), "{s}");
                if g["area"] == "criminal" {
                    assert!(s.contains("情节") || s.contains("数额"), "{s}");
                }
                if g["area"] == "industry" {
                    assert!(!s.contains("违法"), "industry rule called law: {s}");
                }
            }
        }
    }
}

/// The events a basis covers, over all practices that engage it: `(first, last)`.
fn covered(b: &Value) -> (String, String) {
    let spans: Vec<&Value> = b["engaged_by"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|u| u.get("events").filter(|e| !e.is_null()))
        .collect();
    assert!(!spans.is_empty(), "no events for {}", b["article_id"]);
    let first = spans.iter().map(|e| e["first"].as_str().unwrap()).min().unwrap();
    let last = spans.iter().map(|e| e["last"].as_str().unwrap()).max().unwrap();
    (first.to_string(), last.to_string())
}

// --- (a) bank credit card, 2026 ------------------------------------------------------------

#[test]
fn profile_a_bank_credit_card_in_2026() {
    let c = new_case();
    c.import(
        "borrower.xml",
        "张伟",
        "本人",
        &[
            (
                "95588",
                "2026-02-03 10:00",
                "【安和银行】您尾号6688的信用卡本期账单已逾期，请尽快还款。",
            ),
            (
                "17112346601",
                "2026-02-06 00:30",
                "张伟，再不还款就通知你通讯录所有人，你爸妈同事都会知道你欠钱不还，后果自负！！",
            ),
            (
                "17112346602",
                "2026-02-12 14:00",
                "张伟，你同事王强和你领导我们都已经通知了，下一个就是你爸妈，你看着办。",
            ),
            (
                "17112346601",
                "2026-02-20 09:30",
                "张伟，外访组明天上门到你家和你单位，当面处理你的欠款，别说没提醒你。",
            ),
        ],
    );
    c.import(
        "mother.xml",
        "李梅",
        "母亲",
        &[(
            "17112346603",
            "2026-02-10 12:00",
            "李梅女士，你儿子张伟在我平台借款逾期不还，请转告他尽快还款，否则后果自负。",
        )],
    );
    c.facts(&[
        "lender_type=信用卡",
        "lender_name=安和银行股份有限公司信用卡中心",
        "borrower_name=张伟",
        "contacted_people=家人、同事",
    ]);
    let (a, text) = c.advise("a-bank");
    never_overstates(&text);
    never_overstates(&a.to_string());
    bases_are_careful(&a);

    // Routing: the bank, then 国家金融监督管理总局 12378; no local regulator, no 互金协会.
    let ids = step_ids(&a);
    assert_eq!(&ids[..2], ["lender", "12378"], "{ids:?}");
    for absent in ["local-regulator", "nifa"] {
        assert!(!ids.contains(&absent.to_string()), "{absent}: {ids:?}");
    }
    let s12378 = step(&a, "12378");
    assert!(s12378["name_zh"].as_str().unwrap().contains("国家金融监督管理总局（原银保监会）"));
    // A licensed lender: the full name is what 12378 asks for, and the case has it.
    assert!(text.contains("涉事机构全称：已有（安和银行股份有限公司信用卡中心）"), "{text}");

    // Only the 2025 revision: every event is in 2026.
    let ids = basis_ids(&a);
    assert!(ids.iter().any(|i| i.starts_with("psl-2025-50")), "{ids:?}");
    assert!(!ids.iter().any(|i| i.starts_with("psl-2012")), "{ids:?}");
    assert!(!text.contains("（2012年修正）第四十二条"), "{text}");
    // A legal debt: no 催收非法债务罪, and the plan says why.
    assert!(!ids.contains(&"criminal-law-293-1".to_string()), "{ids:?}");
    let left_out = a["bases_left_out_zh"].to_string();
    assert!(left_out.contains("第二百九十三条之一") && left_out.contains("持牌机构"), "{left_out}");
    // Credit-card rule and the 2026 guideline: labelled, the guideline as self-regulation.
    let cc = basis(&a, "credit-card-measures-2011-68").expect("credit-card rule");
    assert_eq!(cc["confidence_label_zh"], "据公开报道");
    assert!(cc["citation_zh"].as_str().unwrap().starts_with("原中国银监会"), "{cc}");
    assert!(ids.iter().any(|i| i.starts_with("cba-2026")), "{ids:?}");
    assert!(!ids.iter().any(|i| i.starts_with("nifa-")), "{ids:?}");
    let notes = a["plan"]["notes_zh"].to_string();
    assert!(notes.contains("中国银行业协会2026年1月30日"), "{notes}");

    // Deadlines from the earliest abusive event, 2026-02-06 00:30 Beijing time (still
    // 2026-02-05 in UTC: the date is Beijing's); the bank's reminder of 2026-02-03 is not abusive.
    let six = deadline(&a, "public_security_six_months");
    assert_eq!(six["counted_from"], "2026-02-06");
    assert_eq!(six["due"], "2026-08-06");
    assert_eq!(six["due_for_latest"], "2026-08-20");
    assert_eq!(six["passed"], false);
    let line = six["line_zh"].as_str().unwrap();
    assert!(line.contains("最早的违规事件在2026-02-06"), "{line}");
    assert!(line.contains("应在2026-08-06前向公安机关报案"), "{line}");
    assert!(!line.contains("2012年修正"), "{line}");
    assert_eq!(deadline(&a, "civil_limitation_three_years")["due"], "2029-02-06");
    let rec = deadline(&a, "credit_card_recordings_two_years");
    assert_eq!(rec["due"], "2028-02-06");
    assert!(rec["line_zh"].as_str().unwrap().starts_with("据公开报道"));
    assert!(text.contains("应在2026-08-06前向公安机关报案"), "{text}");
    // The general notes are not repeated beside the computed dates, and the 2026-01-01
    // version switch is not mentioned for a case wholly in 2026.
    assert!(!notes.contains("治安处罚：六个月"), "{notes}");
    assert!(!notes.contains("第四十二条"), "{notes}");

    // Who was contacted: stored as codes, shown by name, with their own rights.
    let fc = &a["plan"]["for_contacts"];
    assert_eq!(fc["groups"], serde_json::json!(["relatives", "colleagues"]));
    assert!(text.contains("被联系的人：家人、亲属、同事"), "{text}");
    let rights = fc["rights_zh"].to_string();
    assert!(rights.contains("第一千零三十三条第（一）项") && rights.contains("名誉权"), "{rights}");
    assert!(rights.contains("债务相关第三人"), "{rights}");
    assert!(fc["message_zh"].as_str().unwrap().contains("与工作无关"));
    // Stored as its code; the lender type says credit card in --json.
    assert_eq!(a["facts"]["lender_type"], "credit_card");
    assert_eq!(a["lender_type"], "credit_card");
    assert!(!a["uncertain_zh"].to_string().contains("没有说明是不是信用卡"));

    // The same case said to be a bank loan, not a credit card: routed the same, but the
    // credit-card rule and its two-year recordings are not this case's, and the plan says how
    // to say it is a credit card. The change is logged.
    c.facts(&["lender_type=bank"]);
    let last = facts_log(&c.dir).pop().unwrap();
    assert_eq!(
        last["detail"]["changed"]["lender_type"],
        serde_json::json!({"old": "credit_card", "new": "bank"})
    );
    let (b, text) = c.advise("a-bank-loan");
    never_overstates(&text);
    assert_eq!(b["lender_type"], "bank");
    assert_eq!(&step_ids(&b)[..2], ["lender", "12378"]);
    assert!(basis(&b, "credit-card-measures-2011-68").is_none());
    assert!(!b["deadlines"].to_string().contains("credit_card_recordings"), "{}", b["deadlines"]);
    assert!(basis_ids(&b).iter().any(|i| i.starts_with("cba-2026")));
    let uncertain = b["uncertain_zh"].to_string();
    assert!(uncertain.contains("lender_type=credit_card"), "{uncertain}");
    let left_out = b["bases_left_out_zh"].to_string();
    assert!(
        left_out.contains("信用卡业务监督管理办法") && left_out.contains("credit_card"),
        "{left_out}"
    );
}

// --- (b) unlicensed lender, 2025-11 to 2026-02 ----------------------------------------------

#[test]
fn profile_b_unlicensed_lender_across_the_2026_change() {
    let c = new_case();
    c.import(
        "borrower.xml",
        "张伟",
        "本人",
        &[
            (
                "17112346601",
                "2025-11-03 10:00",
                "张伟：再不还款就通知你通讯录所有人，让你家人朋友全知道你是欠钱不还的人，后果自负",
            ),
            (
                "17112346602",
                "2025-12-20 23:30",
                "张伟你个老赖，借钱不还的废物，活着都浪费空气，你全家都替你丢脸。",
            ),
            (
                "17112346604",
                "2026-01-15 09:00",
                "张伟，最后通知：今天不还款就通知你通讯录所有人，父母同事一个不落，后果自负！",
            ),
            (
                "17112346605",
                "2026-02-10 22:40",
                "张伟，外访组明天上门到你家和你单位，当面处理你的欠款，别说没提醒你。",
            ),
        ],
    );
    c.import(
        "mother.xml",
        "李梅",
        "母亲",
        &[
            (
                "17112346603",
                "2025-11-20 12:00",
                "你养的什么儿子，欠钱不还的老赖一个，没脸没皮的东西，一家子都是骗子。",
            ),
            (
                "17112346606",
                "2026-02-01 12:00",
                "李梅女士，你儿子张伟在我平台借款逾期不还，请转告他尽快还款，否则后果自负。",
            ),
        ],
    );
    c.facts(&["lender_type=unlicensed", "app_name=快闪借", "contacted_people=relatives"]);
    let (a, text) = c.advise("b-unlicensed");
    never_overstates(&text);
    never_overstates(&a.to_string());
    bases_are_careful(&a);

    // Police first; never 12378, the lender's customer service or a financial regulator.
    let ids = step_ids(&a);
    assert_eq!(ids[0], "police", "{ids:?}");
    for absent in ["12378", "lender", "local-regulator", "nifa"] {
        assert!(!ids.contains(&absent.to_string()), "{absent}: {ids:?}");
    }
    // Not even the places to avoid send an unlicensed case to 12378.
    assert!(!text.contains("12378"), "{text}");
    // No full registered name is asked of an unlicensed lender; the clues are.
    assert!(!text.contains("涉事机构全称"), "{text}");
    assert!(!a["plan"].to_string().contains("涉事机构全称"));
    assert!(
        text.contains("对方身份线索（App名称、催收号码、收款账户）：已有（App名称“快闪借”"),
        "{text}"
    );
    for court in ["court-civil", "court-injunction"] {
        let why = step(&a, court)["why_zh"].as_str().unwrap();
        assert!(why.contains("先报警，由公安机关查明对方身份"), "{court}: {why}");
    }
    let police_why = step(&a, "police")["why_zh"].as_str().unwrap();
    assert!(police_why.contains("达到“情节严重”程度的，可能构成催收非法债务罪"), "{police_why}");
    // 自诉 is criminal procedure: no 民事诉讼法 article is given for it.
    let private = step(&a, "court-private-prosecution")["why_zh"].as_str().unwrap();
    assert!(
        private.contains("先报警，由公安机关查明") && !private.contains("民事诉讼法"),
        "{private}"
    );

    // Both versions of 治安管理处罚法, each over the events of its own period.
    let old = basis(&a, "psl-2012-42-item-5").expect("old 第四十二条第（五）项");
    let (from, to) = covered(old);
    assert!(from.as_str() >= "2025-11-03" && to.as_str() <= "2025-12-31", "{from}..{to}");
    let new = basis(&a, "psl-2025-50-item-5").expect("new 第五十条第一款第（五）项");
    let (from, to) = covered(new);
    assert!(from.as_str() >= "2026-01-01" && to.as_str() <= "2026-02-10", "{from}..{to}");
    assert!(text.contains("（2012年修正）第四十二条"), "{text}");
    assert!(text.contains("（2025年修订）第五十条"), "{text}");
    assert!(text.contains("本案2025-11-03至"), "{text}");
    // Articles in force only from 2026 cover only 2026 events.
    if let Some(b) = basis(&a, "psl-2025-56") {
        assert!(covered(b).0.as_str() >= "2026-01-01");
    }

    // 催收非法债务罪: listed for an unlicensed lender, with its threshold and its limit.
    let b293 = basis(&a, "criminal-law-293-1").expect("293之一 for an illegal debt");
    for u in b293["engaged_by"].as_array().unwrap() {
        let s = u["statement_zh"].as_str().unwrap();
        assert!(
            s.contains("仅针对非法债务") && s.contains("达到“情节严重”程度的，可能构成"),
            "{s}"
        );
    }
    let b253 = basis(&a, "criminal-law-253-1").expect("253之一");
    for u in b253["engaged_by"].as_array().unwrap() {
        let s = u["statement_zh"].as_str().unwrap();
        assert!(s.contains("达到") && s.contains("情节严重") && s.contains("可能构成"), "{s}");
    }
    // No credit-card rule, no bank association guideline for an unlicensed lender.
    let ids = basis_ids(&a);
    assert!(!ids.iter().any(|i| i.starts_with("credit-card") || i.starts_with("cba-")), "{ids:?}");

    // Deadlines: from 2025-11-03, with the version of the six-month rule named.
    let six = deadline(&a, "public_security_six_months");
    assert_eq!(six["due"], "2026-05-03");
    assert_eq!(six["due_for_latest"], "2026-08-10");
    let line = six["line_zh"].as_str().unwrap();
    assert!(
        line.contains("最早的违规事件在2025-11-03，")
            || line.contains("最早的违规事件在2025-11-03（北京时间）"),
        "{line}"
    );
    assert!(line.contains("应在2026-05-03前向公安机关报案"), "{line}");
    assert!(line.contains("2012年修正的版本，本程序没有收录该版本的相应条文"), "{line}");
    assert!(line.contains("由公安机关认定"), "{line}");
    let three = deadline(&a, "civil_limitation_three_years");
    assert_eq!(three["due"], "2028-11-03");
    assert!(three["line_zh"].as_str().unwrap().contains("知道义务人之日起算"));
    assert!(!a["deadlines"].to_string().contains("credit_card_recordings"));
    // The relatives' own rights, without the bank association's guideline.
    let rights = a["plan"]["for_contacts"]["rights_zh"].to_string();
    assert!(rights.contains("用自己的名义") && !rights.contains("中国银行业协会"), "{rights}");
}

// --- (c) a scam dressed as collection ---------------------------------------------------------

#[test]
fn profile_c_scam_with_no_known_lender() {
    let c = new_case();
    c.import(
        "borrower.xml",
        "张伟",
        "本人",
        &[
            ("17112346609", "2026-02-02 10:00", "【滨江市滨江区人民法院】传票通知：张伟（身份证3201**********1234），你因借款合同纠纷已被立案，案号（2026）滨0102民初第00017号。请于3日内联系承办人处理：17112346609，逾期不处理将依法强制执行并列入失信被执行人名单。"),
            ("17112346610", "2026-02-04 15:00", "张伟，公司对公账户年底已冻结，今天请把还款8236元转到财务个人账户：6217 0000 1234 5678，户名刘某某，转账后截图发我，立刻给你结清销账。"),
        ],
    );
    c.facts(&["scam_signs=yes", "repayment_account=刘某某 6217 0000 1234 5678"]);
    let (a, text) = c.advise("c-scam");
    never_overstates(&text);
    never_overstates(&a.to_string());
    bases_are_careful(&a);

    // 110 first; nobody to sue or complain about at a regulator.
    let ids = step_ids(&a);
    assert_eq!(ids[0], "police", "{ids:?}");
    for absent in ["12378", "lender", "local-regulator", "nifa", "court-civil", "court-injunction"]
    {
        assert!(!ids.contains(&absent.to_string()), "{absent}: {ids:?}");
    }
    let why = step(&a, "police")["why_zh"].as_str().unwrap();
    assert!(why.contains("达到“数额较大”标准的，可能构成诈骗罪") && why.contains("110"), "{why}");
    assert!(!text.contains("涉事机构全称"), "{text}");
    assert!(!text.contains("12378"), "{text}");
    // The account the money was to go to identifies the people behind it.
    assert!(text.contains("收款账户“刘某某 6217 0000 1234 5678”"), "{text}");
    let notes = a["plan"]["notes_zh"].to_string();
    assert!(notes.contains("可能并不是真正的放贷方"), "{notes}");

    // The scam provisions, with thresholds; no 催收非法债务罪 when the debt cannot be told.
    let ids = basis_ids(&a);
    for id in ["criminal-law-266", "fraud-interp-2011-1", "psl-2025-58"] {
        assert!(ids.contains(&id.to_string()), "{id}: {ids:?}");
    }
    assert!(!ids.contains(&"criminal-law-293-1".to_string()), "{ids:?}");
    assert!(!ids.iter().any(|i| i.starts_with("psl-2012")), "{ids:?}");
    for b in bases(&a) {
        if b["article_id"] == "criminal-law-266" {
            let s = b["engaged_by"][0]["statement_zh"].as_str().unwrap();
            assert!(s.contains("达到“数额较大”标准的，可能构成诈骗罪"), "{s}");
        }
    }
    // A made-up court notice is not, by itself, a forged document under 刑法第二百八十条.
    assert!(!ids.contains(&"criminal-law-280".to_string()), "{ids:?}");

    // Deadlines from 2026-02-02; no civil claim is planned, so no limitation of damages.
    assert_eq!(deadline(&a, "public_security_six_months")["due"], "2026-08-02");
    assert!(!a["deadlines"].to_string().contains("civil_limitation"), "{}", a["deadlines"]);
    assert!(!a["plan"]["notes_zh"].to_string().contains("第四十二条"));
    assert!(!a["deadlines"].to_string().contains("credit_card_recordings"));
    // No one else was contacted: nothing for contacts.
    assert!(a["plan"]["for_contacts"].is_null());
}

// --- who was contacted: asked once, stored, logged --------------------------------------------

fn facts_log(dir: &Path) -> Vec<Value> {
    ok(&run(dir, &["log", "--json"]))
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|e| e["action"] == "facts")
        .collect()
}

#[test]
fn who_was_contacted_is_stored_once_and_logged_when_changed() {
    let c = new_case();
    c.facts(&["contacted_people=同事、家人"]);
    let log = facts_log(&c.dir);
    assert_eq!(log.len(), 1);
    assert_eq!(
        log[0]["detail"]["changed"]["contacted_people"],
        serde_json::json!({"old": null, "new": "relatives,colleagues"})
    );
    // The same answer in another order or words is no change.
    let out = c.facts(&["contacted_people=relatives, colleagues"]);
    assert!(out.contains("没有变化"), "{out}");
    assert_eq!(facts_log(&c.dir).len(), 1);
    // A change is logged with old and new.
    c.facts(&["contacted_people=relatives,colleagues,employer"]);
    let log = facts_log(&c.dir);
    assert_eq!(log.len(), 2);
    assert_eq!(log[1]["detail"]["changed"]["contacted_people"]["old"], "relatives,colleagues");
    // Nonsense and contradictions are refused, nothing stored.
    let o = run(&c.dir, &["facts", "--set", "contacted_people=邻居的狗"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("colleagues"));
    let o = run(&c.dir, &["facts", "--set", "third_parties_contacted=no"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("矛盾"));
    assert_eq!(facts_log(&c.dir).len(), 2);
    let shown = ok(&run(&c.dir, &["facts"]));
    assert!(
        shown.contains("被联系的是哪些人（你所知道的）：家人、亲属、同事、工作单位（领导）"),
        "{shown}"
    );

    // Stated only, no evidence: the plan treats it as third-party contact, said to be stated.
    let text = ok(&run(&c.dir, &["advise", "--as-of", "2026-03-01"]));
    assert!(
        text.contains("被联系的人：家人、亲属、同事、工作单位（领导）（据你填写，证据中尚未发现）"),
        "{text}"
    );
    assert!(text.contains("据你填写，证据中尚未发现"), "{text}");
    assert!(text.contains("可以发给他们的话"), "{text}");
    assert!(
        text.contains("被联系的人（据你填写）：家人、亲属、同事、工作单位（领导）。"),
        "{text}"
    );
    let a: Value =
        serde_json::from_str(&ok(&run(&c.dir, &["advise", "--json", "--as-of", "2026-03-01"])))
            .unwrap();
    assert!(basis(&a, "civil-code-1033-item-1").is_some(), "{}", a["legal_bases"]);
    // No dated event: no deadline date is guessed.
    assert!(a["deadlines"].as_array().unwrap().iter().all(|d| d["due"].is_null()));
    assert!(a["deadlines_zh"].to_string().contains("无法计算具体日期"));
}

#[test]
fn who_was_contacted_is_asked_only_when_someone_was() {
    let c = new_case();
    // Fill everything before the question, answer "no" to third parties: not asked who.
    c.facts(&[
        "borrower_name=张伟",
        "borrower_id_number=11010519491231002X",
        "borrower_phone=13800138000",
        "borrower_address=某市某区",
        "lender_type=bank",
        "lender_name=安和银行股份有限公司",
        "app_name=安和",
        "loan_contract=合同",
        "loan_amount=5000元",
        "contacts_access=no",
    ]);
    let ask = |input: &str| {
        use std::io::Write;
        let mut child = bin()
            .arg("-C")
            .arg(&c.dir)
            .args(["facts", "--ask"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
        let o = child.wait_with_output().unwrap();
        ok(&o)
    };
    let out = ask("否\n");
    assert!(!out.contains("被联系的是哪些人？"), "{out}");
    // Changed to yes: asked who, once.
    c.facts(&["third_parties_contacted="]);
    let out = ask("是\n家人，朋友\n");
    assert_eq!(out.matches("被联系的是哪些人？").count(), 1, "{out}");
    let facts: Value = serde_json::from_str(&ok(&run(&c.dir, &["facts", "--json"]))).unwrap();
    assert_eq!(facts["contacted_people"], "relatives,friends");
    assert_eq!(facts["third_parties_contacted"], "yes");
}
