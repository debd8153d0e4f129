//! End-to-end tests of `review`, `eval`, `number` and `check-message`, driving the
//! binary like `tests/cli.rs`. The case is the bundled synthetic demo.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{assert_status, bin, run, stdout};

fn json_lines(o: &Output) -> Vec<serde_json::Value> {
    stdout(o)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
        .collect()
}

fn detect_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../anjing-detect")
}

fn demo_case() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("case");
    let o = bin().arg("demo").arg(&dir).output().unwrap();
    assert_status(&o, 0);
    (tmp, dir)
}

fn findings(dir: &Path) -> Vec<serde_json::Value> {
    let o = run(dir, &["findings", "--json"]);
    assert_status(&o, 0);
    json_lines(&o)
}

fn by_key<'a>(fs: &'a [serde_json::Value], key: &str) -> &'a serde_json::Value {
    fs.iter().find(|f| f["finding_key"] == key).unwrap_or_else(|| panic!("no finding {key}"))
}

#[test]
fn review_decisions_are_logged_survive_reanalysis_and_reach_the_report() {
    let (_tmp, dir) = demo_case();
    let fs = findings(&dir);
    assert!(fs.iter().all(|f| !f["finding_key"].as_str().unwrap().is_empty()));
    assert!(fs.iter().all(|f| f["review"].is_null()));
    let threat = fs.iter().find(|f| f["practice"] == "threat").unwrap();
    let threat_key = threat["finding_key"].as_str().unwrap().to_string();
    assert!(threat_key.starts_with('r'), "{threat_key}");
    let insult = fs.iter().find(|f| f["practice"] == "insult").unwrap();
    let insult_key = insult["finding_key"].as_str().unwrap().to_string();
    let pattern = fs.iter().find(|f| f["record_id"].is_null()).unwrap();
    let pattern_key = pattern["finding_key"].as_str().unwrap().to_string();
    assert!(pattern_key.starts_with("p:"), "{pattern_key}");

    // An unknown finding is an error.
    assert_status(&run(&dir, &["review", "confirm", "no-such-key"]), 1);

    let reason = "对方是我的朋友，在开玩笑";
    assert_status(&run(&dir, &["review", "reject", &threat_key, "--reason", reason]), 0);
    // By row id, and a pattern finding by key.
    let insult_id = insult["id"].to_string();
    assert_status(&run(&dir, &["review", "confirm", &insult_id, "--reason", "确实骂人"]), 0);
    assert_status(&run(&dir, &["review", "confirm", &pattern_key]), 0);

    // Each decision is a log entry.
    let log = json_lines(&run(&dir, &["log", "--json"]));
    let reviews: Vec<_> = log.iter().filter(|e| e["action"] == "review").collect();
    assert_eq!(reviews.len(), 3);
    assert_eq!(reviews[0]["detail"]["finding_key"], threat_key.as_str());
    assert_eq!(reviews[0]["detail"]["decision"], "rejected");
    assert_eq!(reviews[0]["detail"]["reason"], reason);
    assert_eq!(reviews[1]["detail"]["finding_key"], insult_key.as_str());

    let fs = findings(&dir);
    let t = by_key(&fs, &threat_key);
    assert_eq!(t["review"]["decision"], "rejected");
    assert_eq!(t["review"]["reason"], reason);
    assert!(t["review"]["at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(by_key(&fs, &insult_key)["review"]["decision"], "confirmed");

    // Re-analysis with the same rules: nothing changes, decisions stay.
    let o = run(&dir, &["analyze", "--json"]);
    assert_status(&o, 0);
    let detail: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(detail["changes"]["compared"], true);
    assert_eq!(detail["changes"]["added"].as_array().unwrap().len(), 0);
    assert_eq!(detail["changes"]["removed"].as_array().unwrap().len(), 0);
    let fs = findings(&dir);
    assert_eq!(by_key(&fs, &threat_key)["review"]["decision"], "rejected");
    assert_eq!(by_key(&fs, &pattern_key)["review"]["decision"], "confirmed");

    // A rule change (the insult rules removed): the reviewed insult finding is
    // reported as removed, with its decision; the log entry holds the counts.
    let rules = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(detect_dir().join("rules/cn")).unwrap() {
        let p = e.unwrap().path();
        if p.file_name().unwrap() != "insult.toml" {
            std::fs::copy(&p, rules.path().join(p.file_name().unwrap())).unwrap();
        }
    }
    let o = run(&dir, &["analyze", "--rules", rules.path().to_str().unwrap(), "--json"]);
    assert_status(&o, 0);
    let detail: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let removed_reviewed = detail["changes"]["removed_reviewed"].as_array().unwrap();
    assert!(removed_reviewed.iter().any(|k| k == insult_key.as_str()), "{detail}");
    let log = json_lines(&run(&dir, &["log", "--json"]));
    let last = log.iter().rev().find(|e| e["action"] == "analyze").unwrap();
    assert!(last["detail"]["changes"]["removed"].as_u64().unwrap() >= 1);
    assert!(last["detail"]["changes"]["removed_reviewed"].as_u64().unwrap() >= 1);
    let o = run(&dir, &["analyze", "--rules", rules.path().to_str().unwrap()]);
    assert_status(&o, 0);

    // Back to the built-in rules: the finding and its decision are back.
    let o = run(&dir, &["analyze"]);
    assert_status(&o, 0);
    assert!(stdout(&o).contains("与上次分析相比"), "{}", stdout(&o));
    let fs = findings(&dir);
    assert_eq!(by_key(&fs, &insult_key)["review"]["decision"], "confirmed");

    // Clearing withdraws a decision (and is logged too).
    assert_status(&run(&dir, &["review", "clear", &insult_key]), 0);
    assert!(by_key(&findings(&dir), &insult_key)["review"].is_null());

    // The reason is optional: a bare reject is a decision with an empty reason.
    assert_status(&run(&dir, &["review", "reject", &insult_key]), 0);
    let fs = findings(&dir);
    let r = &by_key(&fs, &insult_key)["review"];
    assert_eq!(r["decision"], "rejected");
    assert_eq!(r["reason"], "");
    assert_status(&run(&dir, &["review", "clear", &insult_key]), 0);

    // The report shows the rejection with the user's reason.
    let out = dir.join("r.html");
    assert_status(&run(&dir, &["report", "--all", "-o", out.to_str().unwrap()]), 0);
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.contains("你认为不对"));
    assert!(html.contains(reason));
    assert!(html.contains("已核对属实"));

    // review list shows the decisions; the case still checks.
    let list = stdout(&run(&dir, &["review", "list"]));
    assert!(list.contains("已否定") && list.contains(reason));
    let rows = json_lines(&run(&dir, &["review", "list", "--json"]));
    assert_eq!(rows.len(), fs.len());
    assert_status(&run(&dir, &["check"]), 0);
}

#[test]
fn eval_prints_f1_lines_and_exits_0() {
    let data = detect_dir().join("tests/data/dev-messages.jsonl");
    let o = bin().args(["eval", "--dataset"]).arg(&data).output().unwrap();
    assert_status(&o, 0);
    let out = stdout(&o);
    for needle in ["F1", "threat", "is_collection", "macro-F1", "混淆矩阵", "misses"] {
        assert!(out.contains(needle), "missing {needle}:\n{out}");
    }
    let o = bin().args(["eval", "--json", "--dataset"]).arg(&data).output().unwrap();
    assert_status(&o, 0);
    let r: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(r["all"]["items"], 102);
    assert!(r["certain"]["items"].as_u64().unwrap() < 102);
    assert!(r["all"]["is_collection"]["score"]["f1"].as_f64().unwrap() > 0.9);
    // Every miss carries its text.
    for m in r["misses"].as_array().unwrap() {
        assert!(!m["text"].as_str().unwrap().is_empty());
    }

    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad.jsonl");
    std::fs::write(
        &bad,
        "{\"id\":\"x\",\"text\":\"t\",\"is_collection\":\"yes\",\"labels\":[]}\nnot json\n",
    )
    .unwrap();
    let o = bin().args(["eval", "--dataset"]).arg(&bad).output().unwrap();
    assert_status(&o, 1);
    assert!(String::from_utf8_lossy(&o.stderr).contains("第 2 行"));
}

#[test]
fn number_explains_a_virtual_operator_number() {
    let o = bin().args(["number", "17112345678"]).output().unwrap();
    assert_status(&o, 0);
    let out = stdout(&o);
    assert!(out.contains("虚拟运营商"), "{out}");
    assert!(out.contains("+8617112345678"));
    assert!(out.contains("归属地"));
    assert!(out.contains("不是对方"));
    let o = bin().args(["number", "--json", "+86 171 1234 5678"]).output().unwrap();
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["class"], "virtual_mobile");
    assert_eq!(v["mobile"]["virtual_operator"], true);
    assert!(!v["mobile"]["province"].as_str().unwrap().is_empty());

    let out = stdout(&bin().args(["number", "0095588"]).output().unwrap());
    assert!(out.contains("山寨号"), "{out}");
    let out = stdout(&bin().args(["number", "12368"]).output().unwrap());
    assert!(out.contains("法院"), "{out}");
    let out = stdout(&bin().args(["number", "10690123456789"]).output().unwrap());
    assert!(out.contains("不能证明"), "{out}");
    let out = stdout(&bin().args(["number", "0531-88886666"]).output().unwrap());
    assert!(out.contains("济南"), "{out}");
}

#[test]
fn check_message_rates_a_safe_account_transfer_high() {
    let text = "【公安局】你的银行卡涉嫌洗钱，请立即转账到安全账户配合调查，否则冻结全部资产。";
    let o = bin().args(["check-message", text]).output().unwrap();
    assert_status(&o, 0);
    let out = stdout(&o);
    assert!(out.contains("风险：高"), "{out}");
    assert!(out.contains("安全账户"));
    assert!(out.contains("110"));
    let o =
        bin().args(["check-message", "--json", "--sender", "17112345678", text]).output().unwrap();
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["level"], "high");
    assert_eq!(v["level_zh"], "高");
    assert!(v["reasons"].as_array().unwrap().iter().any(|r| r["code"] == "sender:virtual"));
    assert!(v["advice"].as_array().unwrap().iter().any(|a| a.as_str().unwrap().contains("官方")));

    let o = bin().args(["check-message", "今晚一起吃饭吗？"]).output().unwrap();
    assert!(stdout(&o).contains("风险：低"), "{}", stdout(&o));
}

#[test]
fn classify_adds_the_check_message_risk_to_each_line() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in.jsonl");
    let scam = "【公安局】你的银行卡涉嫌洗钱，请立即转账到安全账户配合调查，否则冻结全部资产。";
    let lines = [
        serde_json::json!({"id": "a", "text": scam, "sender": "17112345678"}),
        serde_json::json!({"id": "b", "text": "再不还钱就联系你的家人和同事"}),
        serde_json::json!({"id": 3, "text": "今晚一起吃饭吗？"}),
    ];
    let body: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(&input, body).unwrap();
    let o = bin().args(["classify", input.to_str().unwrap()]).output().unwrap();
    assert_status(&o, 0);
    let out = json_lines(&o);
    assert_eq!(out.len(), 3);
    // The contract fields stay.
    for v in &out {
        for k in ["id", "is_collection", "practices", "findings", "risk"] {
            assert!(v.get(k).is_some(), "{k} missing in {v}");
        }
    }
    assert_eq!(out[0]["risk"]["level"], "high");
    assert_eq!(out[0]["risk"]["level_zh"], "高");
    assert!(
        out[0]["risk"]["reasons"].as_array().unwrap().iter().any(|r| r["code"] == "sender:virtual")
    );
    assert!(!out[0]["risk"]["advice"].as_array().unwrap().is_empty());
    // One rule for two practices is one reason.
    let codes: Vec<&str> = out[1]["risk"]["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    let mut dedup = codes.clone();
    dedup.dedup();
    assert_eq!(codes, dedup);
    assert_eq!(out[2]["id"], 3);
    assert_eq!(out[2]["risk"]["level"], "low");
    assert_eq!(out[2]["is_collection"], false);
}
