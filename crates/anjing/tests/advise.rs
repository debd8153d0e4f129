//! End-to-end tests of `anjing facts` and `anjing advise`, driving the binary.
//!
//! The demo case (synthetic, spanning 2025-12 to 2026-01) is the main fixture; a tiny SBR file
//! with unreadable dates is written by the test itself.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_anjing"))
}

fn run(dir: &Path, args: &[&str]) -> Output {
    bin().arg("-C").arg(dir).args(args).stdin(Stdio::null()).output().expect("run anjing")
}

fn run_with_stdin(dir: &Path, args: &[&str], input: &str) -> Output {
    let mut child = bin()
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run anjing");
    // The program may exit without reading its input (it must not ask when stdin is not a
    // terminal): a broken pipe here is that behaviour, not a failure.
    if let Err(e) = child.stdin.take().unwrap().write_all(input.as_bytes()) {
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
    }
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[track_caller]
fn assert_status(o: &Output, code: i32) {
    assert_eq!(
        o.status.code(),
        Some(code),
        "expected exit {code}\n--- stdout\n{}\n--- stderr\n{}",
        stdout(o),
        stderr(o)
    );
}

fn new_case() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    assert_status(&bin().arg("init").arg(dir.path()).output().unwrap(), 0);
    dir
}

fn demo_case() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("demo");
    let o = bin().arg("demo").arg(&case).output().unwrap();
    assert_status(&o, 0);
    // The demo prints the first lines of its plan.
    assert!(stdout(&o).contains("行动计划（前几步"), "{}", stdout(&o));
    // Keep the TempDir alive by returning the parent; the case is `demo` inside it.
    std::fs::rename(&case, dir.path().join("case")).unwrap();
    dir
}

fn case_dir(t: &tempfile::TempDir) -> std::path::PathBuf {
    t.path().join("case")
}

fn facts_log_entries(dir: &Path) -> Vec<serde_json::Value> {
    let o = run(dir, &["log", "--json"]);
    assert_status(&o, 0);
    stdout(&o)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|e| e["action"] == "facts")
        .collect()
}

fn advise_json(dir: &Path) -> serde_json::Value {
    let o = run(dir, &["advise", "--json", "--as-of", "2026-03-01"]);
    assert_status(&o, 0);
    serde_json::from_str(&stdout(&o)).expect("advise --json is JSON")
}

fn advise_text(dir: &Path) -> String {
    let o = run(dir, &["advise", "--as-of", "2026-03-01"]);
    assert_status(&o, 0);
    stdout(&o)
}

fn step_ids(advice: &serde_json::Value) -> Vec<String> {
    advice["plan"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["channel_id"].as_str().unwrap().to_string())
        .collect()
}

/// Every occurrence of the defunct regulator's name is historical (`原…`).
#[track_caller]
fn no_defunct_regulator(text: &str) {
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
}

#[test]
fn facts_are_logged_once_and_unchanged_values_are_not_logged() {
    let case = new_case();
    let dir = case.path();
    let o = run(dir, &["facts", "--set", "lender_type=bank", "app_name=某某借"]);
    assert_status(&o, 0);
    let entries = facts_log_entries(dir);
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["detail"]["changed"]["lender_type"]["new"], "bank");
    assert_eq!(entries[0]["detail"]["changed"]["app_name"]["old"], serde_json::Value::Null);

    let o = run(dir, &["facts", "--set", "lender_type=bank"]);
    assert_status(&o, 0);
    assert!(stdout(&o).contains("没有变化"), "{}", stdout(&o));
    assert_eq!(facts_log_entries(dir).len(), 1);

    // A change logs old and new; Chinese aliases are accepted.
    assert_status(&run(dir, &["facts", "--set", "lender_type=消费金融"]), 0);
    let entries = facts_log_entries(dir);
    assert_eq!(entries.len(), 2);
    assert_eq!(
        entries[1]["detail"]["changed"]["lender_type"],
        serde_json::json!({"old": "bank", "new": "consumer_finance"})
    );

    let o = run(dir, &["facts", "--json"]);
    assert_status(&o, 0);
    let facts: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(facts, serde_json::json!({"lender_type": "consumer_finance", "app_name": "某某借"}));
    assert_status(&run(dir, &["check"]), 0);
}

#[test]
fn unknown_and_contradictory_values_are_refused() {
    let case = new_case();
    let dir = case.path();
    let o = run(dir, &["facts", "--set", "lender_type=xyz"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    for needle in ["lender_type", "xyz", "bank", "consumer_finance", "micro_loan", "unlicensed"] {
        assert!(err.contains(needle), "{needle} not in {err}");
    }
    let o = run(dir, &["facts", "--set", "no_such_key=1"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no_such_key"), "{}", stderr(&o));

    // A bank whose name says it is a small-loan company: refused, nothing stored.
    let o =
        run(dir, &["facts", "--set", "lender_type=bank", "lender_name=某某网络小额贷款有限公司"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("矛盾") && stderr(&o).contains("lender_name"), "{}", stderr(&o));
    // The same key twice with two values.
    let o = run(dir, &["facts", "--set", "app_name=甲", "app_name=乙"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(facts_log_entries(dir).is_empty());
    let o = run(dir, &["facts", "--json"]);
    assert_eq!(stdout(&o).trim(), "{}");
}

#[test]
fn facts_are_asked_line_by_line_and_not_asked_when_piped() {
    let case = new_case();
    let dir = case.path();
    // Not a terminal and no flags: print the facts, ask nothing, store nothing.
    let o = run_with_stdin(dir, &["facts"], "张伟\n");
    assert_status(&o, 0);
    assert!(stdout(&o).contains("借款人姓名：（未填写）"), "{}", stdout(&o));
    assert!(facts_log_entries(dir).is_empty());

    // --ask: one answer a line; Enter skips; a bad answer is asked again; end of input stops.
    let answers = "张伟\n\n\n\nxyz\n4\n某某网络小额贷款有限公司\n";
    let o = run_with_stdin(dir, &["facts", "--ask"], answers);
    assert_status(&o, 0);
    assert!(stdout(&o).contains("钱是从哪类机构借的"), "{}", stdout(&o));
    assert!(stdout(&o).contains("不能是“xyz”"), "{}", stdout(&o));
    let o = run(dir, &["facts", "--json"]);
    let facts: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        facts,
        serde_json::json!({
            "borrower_name": "张伟",
            "lender_type": "micro_loan",
            "lender_name": "某某网络小额贷款有限公司",
        })
    );
    assert_eq!(facts_log_entries(dir).len(), 1);
}

#[test]
fn the_demo_plan_routes_by_lender_type() {
    let t = demo_case();
    let dir = case_dir(&t);

    // Demo facts: a small-loan company; no 12378.
    let a = advise_json(&dir);
    assert_eq!(a["facts"]["lender_type"], "micro_loan");
    let ids = step_ids(&a);
    assert!(!ids.contains(&"12378".to_string()), "{ids:?}");
    assert!(ids.contains(&"local-regulator".to_string()), "{ids:?}");

    for (t, with_12378) in
        [("bank", true), ("consumer_finance", true), ("unlicensed", false), ("unknown", false)]
    {
        let o = run(&dir, &["facts", "--set", &format!("lender_type={t}"), "lender_name="]);
        assert_status(&o, 0);
        let a = advise_json(&dir);
        let ids = step_ids(&a);
        assert_eq!(ids.contains(&"12378".to_string()), with_12378, "{t}: {ids:?}");
        if with_12378 {
            let lacking: Vec<String> = a["plan"]["steps"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|s| s["lacking_zh"].as_array().unwrap().clone())
                .map(|l| l.as_str().unwrap().to_string())
                .collect();
            assert!(
                lacking.iter().any(|l| l.starts_with("12378 需要涉事机构全称：尚未填写")
                    && l.contains("anjing facts --set lender_name=")),
                "{t}: {lacking:?}"
            );
            let text = advise_text(&dir);
            assert!(text.contains("12378 需要涉事机构全称：尚未填写"), "{text}");
        } else {
            assert_eq!(ids[0], "police", "{t}: {ids:?}");
            let text = advise_text(&dir);
            // No step line names 12378 (it may appear only in the 12363 caution).
            assert!(
                !text.lines().any(|l| l.trim_start().starts_with(|c: char| c.is_ascii_digit())
                    && l.contains("12378")),
                "{text}"
            );
        }
        if t == "unknown" {
            let u = a["uncertain_zh"].to_string();
            assert!(u.contains("不清楚"), "{u}");
        }
    }
}

#[test]
fn the_demo_plan_cites_both_versions_carefully() {
    let t = demo_case();
    let dir = case_dir(&t);
    let text = advise_text(&dir);
    let json_text = stdout(&run(&dir, &["advise", "--json", "--as-of", "2026-03-01"]));
    for s in [&text, &json_text] {
        no_defunct_regulator(s);
    }
    // The case spans 2026-01-01: both 治安管理处罚法 versions.
    assert!(text.contains("（2012年修正）第四十二条"), "{text}");
    assert!(text.contains("（2025年修订）第五十条"), "{text}");
    // Sections for a frightened person, in order.
    let pos = |s: &str| text.find(s).unwrap_or_else(|| panic!("{s} missing"));
    assert!(
        pos("现在该做什么") < pos("行动计划（按顺序")
            && pos("行动计划（按顺序") < pos("12321 短信举报")
    );
    assert!(text.contains("先别慌，不要恐慌式还款"));

    let a: serde_json::Value = serde_json::from_str(&json_text).unwrap();
    let groups = a["legal_bases"].as_array().unwrap();
    let areas: Vec<&str> = groups.iter().map(|g| g["area"].as_str().unwrap()).collect();
    assert_eq!(&areas[..3], ["civil", "administrative", "criminal"], "{areas:?}");
    for g in groups {
        for b in g["bases"].as_array().unwrap() {
            let label = b["confidence_label_zh"].as_str().unwrap();
            assert!(!label.is_empty());
            match b["confidence"].as_str().unwrap() {
                // Quoted verbatim where the reference holds the text, else our summary.
                "verified" => assert!(b["text_zh"].is_string() || b["summary_zh"].is_string()),
                "verified_2" | "industry" => {
                    assert!(b["text_zh"].is_null(), "{b}");
                    assert!(label.contains("据公开报道"), "{b}");
                }
                other => panic!("{other} cited: {b}"),
            }
            if g["area"] == "criminal" {
                for u in b["engaged_by"].as_array().unwrap() {
                    let s = u["statement_zh"].as_str().unwrap();
                    assert!(s.contains("情节") || s.contains("数额"), "{s}");
                    assert!(!s.contains("已构成"), "{s}");
                }
            }
            if g["area"] == "industry" {
                assert!(label.contains("行业自律规范"), "{b}");
            }
        }
    }
    // 12321 SMS lines: number*original text.
    let reports = a["sms_reports_12321"].as_array().unwrap();
    assert!(!reports.is_empty() && reports.len() <= 5);
    for r in reports {
        let line = r["line"].as_str().unwrap();
        let (num, body) = line.split_once('*').unwrap();
        assert!(!num.is_empty() && num.chars().all(|c| c.is_ascii_digit()), "{line}");
        assert_eq!(body, r["text"].as_str().unwrap());
        assert!(text.contains(line));
    }
    // Deadlines against the case's dates.
    let d = a["deadlines_zh"].to_string();
    assert!(d.contains("2025-12-") && d.contains("满六个月"), "{d}");
}

#[test]
fn the_report_uses_the_law_crates_first_steps() {
    let t = demo_case();
    let html = std::fs::read_to_string(case_dir(&t).join("报告.html")).unwrap();
    assert!(html.contains("先别慌，不要恐慌式还款"), "first steps missing from the report");
    no_defunct_regulator(&html);
}

const UNDATED_SBR: &str = r#"<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>
<smses count="2">
  <sms protocol="0" address="17112346603" date="null" type="1" subject="null" body="张伟：再不还款就通知你通讯录所有人，让你家人朋友全知道你是欠钱不还的人，后果自负" toa="null" sc_toa="null" service_center="null" read="1" status="-1" locked="0" date_sent="0" readable_date="" contact_name="(Unknown)" />
  <sms protocol="0" address="17112346604" date="" type="1" subject="null" body="明天上门找你，后果自负" toa="null" sc_toa="null" service_center="null" read="1" status="-1" locked="0" date_sent="0" readable_date="" contact_name="(Unknown)" />
</smses>
"#;

#[test]
fn a_case_without_dates_or_evidence_says_so_and_does_not_crash() {
    let case = new_case();
    let dir = case.path();
    // Nothing imported yet.
    let text = advise_text(dir);
    assert!(text.contains("还没有证据"), "{text}");
    assert!(text.contains("放贷方类型尚未填写"), "{text}");

    let file = dir.join("undated.xml");
    std::fs::write(&file, UNDATED_SBR).unwrap();
    let o = run(dir, &["import", file.to_str().unwrap()]);
    assert_status(&o, 3);
    assert_status(&run(dir, &["analyze"]), 0);
    assert_status(&run(dir, &["facts", "--set", "lender_type=unlicensed"]), 0);
    let text = advise_text(dir);
    assert!(text.contains("没有可读的日期"), "{text}");
    let a = advise_json(dir);
    assert!(a["evidence"]["first_event"].is_null());
    assert_eq!(a["evidence"]["undated_records"], 2);
    // Unlicensed lender: police first, no 12378.
    let ids = step_ids(&a);
    assert_eq!(ids[0], "police", "{ids:?}");
    assert!(!ids.contains(&"12378".to_string()));
    // With no dates, both versions of the public-security law are listed, not one guessed.
    assert!(text.contains("第四十二条") && text.contains("第五十条"), "{text}");
    assert!(a["deadlines_zh"].to_string().contains("无法按日期计算"));
}

/// Every article id listed in the plan's bases section.
fn basis_ids(a: &serde_json::Value) -> Vec<String> {
    a["legal_bases"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["bases"].as_array().unwrap().clone())
        .map(|b| b["article_id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_illegal_debt_offence_follows_the_lender_type() {
    let t = demo_case();
    let dir = case_dir(&t);
    // Demo: a licensed small-loan company.
    let a = advise_json(&dir);
    assert!(!basis_ids(&a).contains(&"criminal-law-293-1".into()));
    assert!(a["bases_left_out_zh"].to_string().contains("第二百九十三条之一"));
    for (t, listed) in [("bank", false), ("unlicensed", true), ("unknown", false)] {
        assert_status(
            &run(&dir, &["facts", "--set", &format!("lender_type={t}"), "lender_name="]),
            0,
        );
        let a = advise_json(&dir);
        assert_eq!(basis_ids(&a).contains(&"criminal-law-293-1".into()), listed, "{t}");
        if t == "unknown" {
            let out = a["bases_left_out_zh"].to_string();
            assert!(out.contains("第二百九十三条之一") && out.contains("无法确定"), "{out}");
        }
        if t == "bank" {
            // 互金协会's guideline covers 个人网络消费信贷, not bank credit cards.
            assert!(!basis_ids(&a).iter().any(|i| i.starts_with("nifa-")), "{:?}", basis_ids(&a));
            // Every event predates the 中银协 guideline (2026-01-30): not mentioned.
            let notes = a["plan"]["notes_zh"].to_string();
            assert!(!notes.contains("中国银行业协会2026年1月30日"), "{notes}");
        }
    }
    // A stated illegal debt lists it whatever the lender type.
    assert_status(&run(&dir, &["facts", "--set", "illegal_debt=yes"]), 0);
    assert!(basis_ids(&advise_json(&dir)).contains(&"criminal-law-293-1".into()));
}

#[test]
fn stated_facts_without_records_give_bases_said_to_come_from_the_statement() {
    let case = new_case();
    let dir = case.path();
    let o = run(
        dir,
        &["facts", "--set", "lender_type=unlicensed", "threats=yes", "third_parties_contacted=yes"],
    );
    assert_status(&o, 0);
    let text = advise_text(dir);
    assert!(!text.contains("暂无需要列出的依据"), "{text}");
    assert!(text.contains("据你填写，证据中尚未发现"), "{text}");
    let a = advise_json(dir);
    let ids = basis_ids(&a);
    assert!(ids.contains(&"criminal-law-293-1".into()), "{ids:?}");
    let police = &a["plan"]["steps"][0];
    assert_eq!(police["channel_id"], "police");
    assert!(police["why_zh"].as_str().unwrap().contains("你填写的情况"), "{police}");
}

#[test]
fn a_scam_goes_to_110_with_the_scam_provisions_and_no_civil_suit() {
    let case = new_case();
    let dir = case.path();
    assert_status(&run(dir, &["facts", "--set", "scam_signs=yes"]), 0);
    let a = advise_json(dir);
    let ids = step_ids(&a);
    assert_eq!(ids, ["police"], "{ids:?}");
    let why = a["plan"]["steps"][0]["why_zh"].as_str().unwrap();
    assert!(why.contains("诈骗") && why.contains("110"), "{why}");
    for absent in ["威胁人身安全", "侮辱", "透露欠款"] {
        assert!(!why.contains(absent), "{absent}: {why}");
    }
    let text = advise_text(dir);
    assert!(!text.contains("需要涉事机构全称"), "{text}");
    let bases = basis_ids(&a);
    for id in ["criminal-law-266", "fraud-interp-2011-1", "criminal-law-279"] {
        assert!(bases.contains(&id.to_string()), "{id}: {bases:?}");
    }
}

#[test]
fn deadlines_say_only_what_the_reference_holds() {
    let t = demo_case();
    let text = advise_text(&case_dir(&t));
    assert!(!text.contains("仍在继续的骚扰从最近一次起算"), "{text}");
    // Events before 2026-01-01: the version of the six-month rule is named.
    assert!(text.contains("第二十五条第一款"), "{text}");
    assert!(text.contains("2012年修正的版本，本程序没有收录该版本的相应条文"), "{text}");
    // The App contacts point is the draft's wording.
    assert!(!text.contains("据公开报道，网络借贷类App的必要个人信息不含通讯录"));
}

#[test]
fn undated_findings_store_both_versions_with_the_uncertainty() {
    let case = new_case();
    let dir = case.path();
    let file = dir.join("undated.xml");
    std::fs::write(&file, UNDATED_SBR).unwrap();
    assert_status(&run(dir, &["import", file.to_str().unwrap()]), 3);
    assert_status(&run(dir, &["analyze"]), 0);
    let o = run(dir, &["findings", "--json"]);
    assert_status(&o, 0);
    let out = stdout(&o);
    assert!(out.contains("psl-2012-42") && out.contains("psl-2025-50"), "{out}");
    assert!(out.contains("记录没有可读的日期"), "{out}");
}

#[test]
fn facts_piped_into_a_closed_reader_exits_quietly() {
    let case = new_case();
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let o = bin()
        .arg("-C")
        .arg(case.path())
        .arg("facts")
        .stdin(Stdio::null())
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let err = stderr(&o);
    assert!(!err.contains("panicked") && !err.contains("Broken pipe"), "{err}");
    assert_eq!(o.status.code(), Some(0), "{err}");
}

#[test]
fn the_report_shows_only_bases_that_bind_this_lender() {
    let t = demo_case();
    let dir = case_dir(&t);
    let html = std::fs::read_to_string(dir.join("报告.html")).unwrap();
    // The demo's lender is a licensed small-loan company.
    assert!(!html.contains("第二百九十三条之一"), "micro_loan report cites 293之一");
    assert_status(&run(&dir, &["facts", "--set", "lender_type=bank", "lender_name="]), 0);
    assert_status(&run(&dir, &["report"]), 0);
    let html = std::fs::read_to_string(dir.join("报告.html")).unwrap();
    assert!(!html.contains("第二百九十三条之一"), "bank report cites 293之一");
    assert_status(&run(&dir, &["facts", "--set", "lender_type=unlicensed"]), 0);
    assert_status(&run(&dir, &["report"]), 0);
    let html = std::fs::read_to_string(dir.join("报告.html")).unwrap();
    assert!(!html.contains("信用卡业务监督管理办法"), "unlicensed report cites credit-card rules");
}
