//! Evaluates the built-in rule packs on a labelled JSON Lines file.
//!
//! ```text
//! cargo run -p anjing-detect --example eval -- [PATH] [--verbose]
//! ```
//! PATH defaults to `../shared/data/dev-messages.jsonl` (relative to the repository root;
//! the example also tries `/work/shared/data/dev-messages.jsonl`). Each line needs `id`,
//! `text`, `is_collection` ("yes"/"no" or a bool) and `labels`; `sender` and `uncertain` are
//! optional. Prints per-label precision/recall/F1 and is_collection accuracy, for all
//! items and for `uncertain != true` items, and lists the misclassified ids.
//!
//! Figures reached (rule set version printed by the run; `tests/floors.rs` keeps them):
//!
//! | set | items | macro-F1 (labels present) | is_collection accuracy | exact |
//! |---|---|---|---|---|
//! | dev, all | 102 | 0.942 | 0.990 | 100/102 |
//! | dev, `uncertain != true` | 63 | 1.000 | 1.000 | 63/63 |
//! | `tests/data/synthetic.jsonl` (50, tuned on after a first run of 0.846 / 0.940) | 50 | 1.000 | 1.000 | 50/50 |
//! | `tests/data/synthetic-holdout.jsonl`, **first run, before any tuning** | 25 | 0.630 | 0.840 | 15/25 |
//! | `tests/data/synthetic-holdout.jsonl`, after generic fixes | 25 | 0.958 | 1.000 | 24/25 |
//!
//! The dev misses are two uncertain items (dev-0066: "进一步行动…法律诉讼" labelled
//! third_party_contact + fake_legal; dev-0098: a private creditor's "骂骂咧咧" labelled
//! insult). The rules were written with the dev set in view, so its figures overstate
//! quality; the holdout first run (recall was the weak side: third-party contact,
//! disclosure, fake_legal phrasings not foreseen) is the more honest estimate for unseen
//! messages.
//!
//! ```text
//! cargo run -p anjing-detect --example eval
//! cargo run -p anjing-detect --example eval -- crates/anjing-detect/tests/data/synthetic-holdout.jsonl --verbose
//! ```

use std::collections::BTreeSet;

use anjing_detect::{Detector, Message};
use anjing_model::Practice;
use serde::Deserialize;

#[derive(Deserialize)]
struct Item {
    id: String,
    text: String,
    #[serde(default)]
    sender: Option<String>,
    is_collection: serde_json::Value,
    #[serde(default)]
    labels: Vec<String>,
    #[serde(default)]
    uncertain: Option<bool>,
}

fn yes(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Bool(b) => *b,
        serde_json::Value::String(s) => s == "yes" || s == "true",
        _ => false,
    }
}

struct Scored<'a> {
    item: &'a Item,
    gold: BTreeSet<Practice>,
    pred: BTreeSet<Practice>,
    gold_coll: bool,
    pred_coll: bool,
}

fn report(title: &str, rows: &[&Scored<'_>]) -> (f64, f64) {
    println!("\n== {title}: {} items ==", rows.len());
    println!(
        "{:<22} {:>4} {:>4} {:>4} {:>6} {:>6} {:>6}",
        "label", "tp", "fp", "fn", "P", "R", "F1"
    );
    let mut f1s = Vec::new();
    for p in Practice::MESSAGE {
        let tp = rows.iter().filter(|r| r.gold.contains(&p) && r.pred.contains(&p)).count();
        let fp = rows.iter().filter(|r| !r.gold.contains(&p) && r.pred.contains(&p)).count();
        let fn_ = rows.iter().filter(|r| r.gold.contains(&p) && !r.pred.contains(&p)).count();
        let prec = if tp + fp == 0 { 1.0 } else { tp as f64 / (tp + fp) as f64 };
        let rec = if tp + fn_ == 0 { 1.0 } else { tp as f64 / (tp + fn_) as f64 };
        let f1 = if prec + rec == 0.0 { 0.0 } else { 2.0 * prec * rec / (prec + rec) };
        if tp + fn_ > 0 {
            f1s.push(f1);
        }
        println!(
            "{:<22} {:>4} {:>4} {:>4} {:>6.3} {:>6.3} {:>6.3}",
            p.code(),
            tp,
            fp,
            fn_,
            prec,
            rec,
            f1
        );
    }
    let macro_f1 = f1s.iter().sum::<f64>() / f1s.len().max(1) as f64;
    let acc = rows.iter().filter(|r| r.gold_coll == r.pred_coll).count() as f64
        / rows.len().max(1) as f64;
    let exact = rows.iter().filter(|r| r.gold == r.pred && r.gold_coll == r.pred_coll).count();
    println!(
        "macro-F1 (labels present) {macro_f1:.3}   is_collection accuracy {acc:.3}   exact match {exact}/{}",
        rows.len()
    );
    (macro_f1, acc)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let verbose = args.iter().any(|a| a == "--verbose" || a == "-v");
    let path = args.iter().find(|a| !a.starts_with('-')).cloned().unwrap_or_else(|| {
        [
            "../shared/data/dev-messages.jsonl",
            "../../../shared/data/dev-messages.jsonl",
            "/work/shared/data/dev-messages.jsonl",
        ]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
        .unwrap_or("../shared/data/dev-messages.jsonl")
        .to_string()
    });
    let src = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    let items: Vec<Item> = src
        .lines()
        .filter(|l| {
            !l.trim().is_empty()
                && !l.trim_start().starts_with("//")
                && !l.trim_start().starts_with('#')
        })
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad line {l}: {e}")))
        .collect();
    let det = Detector::builtin().expect("built-in rules compile");
    println!("rules {} from {path}", det.version());
    let scored: Vec<Scored<'_>> = items
        .iter()
        .map(|it| {
            let c =
                det.classify(&Message { text: &it.text, sender: it.sender.as_deref(), time: None });
            Scored {
                item: it,
                gold: it.labels.iter().filter_map(|l| Practice::from_code(l)).collect(),
                pred: c.practices.iter().copied().collect(),
                gold_coll: yes(&it.is_collection),
                pred_coll: c.is_collection,
            }
        })
        .collect();
    let all: Vec<&Scored<'_>> = scored.iter().collect();
    let certain: Vec<&Scored<'_>> =
        scored.iter().filter(|s| s.item.uncertain != Some(true)).collect();
    report("all", &all);
    report("uncertain != true", &certain);
    println!("\n== misclassified ==");
    for s in &scored {
        if s.gold != s.pred || s.gold_coll != s.pred_coll {
            let codes = |set: &BTreeSet<Practice>| {
                set.iter().map(|p| p.code()).collect::<Vec<_>>().join(",")
            };
            println!(
                "{}{} coll {}/{} gold [{}] pred [{}]",
                s.item.id,
                if s.item.uncertain == Some(true) { " (uncertain)" } else { "" },
                s.gold_coll,
                s.pred_coll,
                codes(&s.gold),
                codes(&s.pred)
            );
            if verbose {
                println!("    {}", s.item.text);
                let c = det.classify(&Message {
                    text: &s.item.text,
                    sender: s.item.sender.as_deref(),
                    time: None,
                });
                for f in &c.findings {
                    println!("    - {} {} {:?}", f.practice, f.rule, f.spans);
                }
                println!("    signals {:?}", det.fired_signals(&Message::text(&s.item.text)));
            }
        }
    }
}
