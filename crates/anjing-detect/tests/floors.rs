//! Regression floors: the built-in rules must keep the figures reached on the
//! real development set (committed copy `tests/data/dev-messages.jsonl` of
//! `shared/data/dev-messages.jsonl`; override with `ANJING_DEV_DATA`) and on the
//! synthetic check sets in `tests/data/`, on the published texts in
//! `tests/data/published.jsonl`, `tests/data/published-2.jsonl` and `tests/data/published-3.jsonl` and on the adversarial set `tests/data/adversarial.jsonl`. Scoring is `anjing_detect::eval`, the
//! same as `anjing eval`.

use std::path::PathBuf;

use anjing_detect::{Detector, eval};

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name)
}

#[track_caller]
fn floor(path: &std::path::Path, certain_only: bool, min_f1: f64, min_acc: f64) {
    let src = std::fs::read_to_string(path).unwrap();
    let items = eval::parse_jsonl(&src).unwrap();
    let report = eval::evaluate(&Detector::builtin().unwrap(), &items);
    let s = if certain_only { &report.certain } else { &report.all };
    eprintln!(
        "{} (certain_only={certain_only}): macro-F1 {:.3}, is_collection accuracy {:.3}",
        path.display(),
        s.macro_f1,
        s.is_collection.accuracy
    );
    assert!(s.macro_f1 >= min_f1, "macro-F1 {:.3} fell below {min_f1}", s.macro_f1);
    assert!(
        s.is_collection.accuracy >= min_acc,
        "accuracy {:.3} fell below {min_acc}",
        s.is_collection.accuracy
    );
}

#[test]
fn dev_set_floors() {
    let path = std::env::var_os("ANJING_DEV_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| data("dev-messages.jsonl"));
    // Reached: all 0.942 / 0.990; certain 1.000 / 1.000.
    floor(&path, false, 0.92, 0.98);
    floor(&path, true, 0.98, 0.98);
}

#[test]
fn synthetic_floors() {
    // Reached: 1.000 / 1.000 (tuned on) and 0.958 / 1.000 (holdout; 0.630 / 0.840 before tuning;
    // 1.000 / 1.000 after the adversarial fixes, with syn2-0008 relabelled).
    floor(&data("synthetic.jsonl"), false, 0.95, 0.96);
    floor(&data("synthetic-holdout.jsonl"), false, 0.90, 0.96);
}

#[test]
fn published_floors() {
    // Real published texts gathered after the rules were tuned on the dev set.
    // First run, before any rule change: all 0.647 / 0.632, certain 0.700 / 0.769.
    // Reached after generic rule changes: all 0.982 / 0.895, certain 1.000 / 1.000; then
    // 0.982 / 0.912 with the deadline/condition + consequence signal (不处理就冻结…).
    // (is_collection misses are fragments with no debt or demand word.)
    floor(&data("published.jsonl"), false, 0.93, 0.89);
    floor(&data("published.jsonl"), true, 0.95, 0.95);
}

#[test]
fn published_2_floors() {
    // Second batch of real published texts (mostly police and regulator anti-fraud notices,
    // news reports, a court's own report), gathered and labelled before any rule change for it.
    // First run: all 0.485 / 0.950, certain (10 items, 9 of them scam) 0.091 / 1.000.
    // Weak spots at that run: scam SMS with links (ETC, 医保, 积分, bank phishing) 2 of 20,
    // insult 0 of 2, disclosure 0 of 2.
    // After the published-3 round (generic: phishing links with masked URLs, points and 医保
    // lures, "谨防过期" no longer read as an anti-fraud tail, family-emergency transfers,
    // court e-service notices): all 0.596 / 0.950, certain 0.474 / 1.000.
    floor(&data("published-2.jsonl"), false, 0.56, 0.93);
    floor(&data("published-2.jsonl"), true, 0.40, 0.95);
}

#[test]
fn published_3_floors() {
    // Third batch of real published texts (ETC/医保/积分 phishing, refund and credit-repair
    // scams, child-in-hospital and kidnapping calls, fake police, 12368 examples, police
    // warnings that quote scams, victims retelling scams, a borrower's account of
    // collectors), labelled before any run.
    // First run, before any rule change: all 0.313 / 0.898, certain (18 items) 0.651 / 0.944.
    // Weak spots at that run: scam 1 of 17 (phishing links, family emergencies, refunds,
    // credit repair, student accounts), threat 1 of 5, police warnings quoting scams flagged.
    // Reached after generic rule changes: all 0.916 / 0.939, certain 0.984 / 1.000; then
    // 0.944 / 0.939 once advice about 传票 (如果收到传票…, 假传票, 有没有收到传票) was no
    // longer read as fake_legal.
    floor(&data("published-3.jsonl"), false, 0.92, 0.92);
    floor(&data("published-3.jsonl"), true, 0.95, 0.95);
}

#[test]
fn adversarial_floors() {
    // Written by the team: an audit's failures (pinyin with spaces, Cantonese, fake court
    // notices from any sender, spoofed 12368, workplace and chat-group threats, personal
    // accounts, parcel phishing, a bank's own 95xxx reminder, 逾期 of books and licences…),
    // 2-3 variants of each, and a second batch scored before any rule change for it.
    // First run of the audit part (adv-0001..0083), before the fixes: 0.302 / 0.602.
    // First run of the second batch (adv-0084..0113), after them: 0.892 / 0.900.
    // Reached: 1.000 / 1.000 on all 116 (three hard negatives found by probing the new rules).
    // Third batch (adv-0117..0142: phishing with bare domains, 注销校园贷, family emergencies,
    // insults without debt words, genuine court e-service, police warnings quoting scams),
    // first run before the rules were changed for it: 0.163 / 1.000 (10 of 26 exact).
    // Reached: 1.000 / 1.000 on all 142.
    // Fourth batch (adv-0143..0154: traffic-fine and provident-fund phishing, 'new number'
    // and hospital-account transfers, a ransom demand, a genuine court e-service notice, a
    // bank's own 95xxx reminder with a link, a child's ordinary request for money): 7 of 12
    // probes exact before the rules were changed for them; reached 1.000 / 1.000 on all 154.
    // Fifth batch (adv-0155..0171: a lender's own reminder with a link and no sender, phishing
    // under a bank's name asking for card numbers or codes, advice sentences about 传票, collection
    // fragments with no debt word — deadline + demand + consequence — and work/parcel deadlines
    // as hard negatives): 6 of the first 15 exact before the rules were changed for them
    // (macro-F1 0.528, accuracy 0.800); adv-0170 was written after the fixes and failed until
    // the 传票 advice mask looked across a comma. Reached 1.000 / 1.000 on all 171.
    floor(&data("adversarial.jsonl"), false, 0.95, 0.97);
}
