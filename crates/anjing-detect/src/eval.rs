//! Evaluation of a detector on a labelled JSON Lines file (`anjing eval`, the
//! `eval` example and the floor tests share it).
//!
//! Each line: `id`, `text`, `is_collection` (`"yes"`/`"no"` or a bool),
//! `labels` (practice codes); optional `sender` and `uncertain`. Blank lines and
//! lines starting with `#` or `//` are skipped. Scores are given for all items
//! and for the items not marked `uncertain`.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use anjing_model::Practice;
use serde::{Deserialize, Serialize};

use crate::{Detector, Message};

/// One labelled message.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub id: String,
    pub text: String,
    pub sender: Option<String>,
    pub is_collection: bool,
    pub labels: Vec<String>,
    pub uncertain: bool,
}

#[derive(Deserialize)]
struct RawItem {
    id: serde_json::Value,
    text: String,
    #[serde(default)]
    sender: Option<String>,
    is_collection: serde_json::Value,
    #[serde(default)]
    labels: Vec<String>,
    #[serde(default)]
    uncertain: Option<serde_json::Value>,
}

/// A line that could not be read.
#[derive(Debug, thiserror::Error)]
#[error("第 {line} 行无法读取 (line {line}): {message}")]
pub struct EvalError {
    pub line: usize,
    pub message: String,
}

fn truthy(v: &serde_json::Value) -> Option<bool> {
    match v {
        serde_json::Value::Bool(b) => Some(*b),
        serde_json::Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "yes" | "true" | "y" | "1" => Some(true),
            "no" | "false" | "n" | "0" => Some(false),
            _ => None,
        },
        serde_json::Value::Number(n) => n.as_i64().map(|n| n != 0),
        _ => None,
    }
}

/// Reads a dataset. Fails on the first malformed line, naming it.
pub fn parse_jsonl(src: &str) -> Result<Vec<Item>, EvalError> {
    let mut out = Vec::new();
    for (i, line) in src.lines().enumerate() {
        let l = line.trim();
        if l.is_empty() || l.starts_with('#') || l.starts_with("//") {
            continue;
        }
        let err = |message: String| EvalError { line: i + 1, message };
        let raw: RawItem = serde_json::from_str(l).map_err(|e| err(e.to_string()))?;
        let is_collection = truthy(&raw.is_collection).ok_or_else(|| {
            err(format!("is_collection must be yes/no or a bool, got {}", raw.is_collection))
        })?;
        out.push(Item {
            id: match raw.id {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            },
            text: raw.text,
            sender: raw.sender,
            is_collection,
            labels: raw.labels,
            uncertain: raw.uncertain.as_ref().and_then(truthy).unwrap_or(false),
        });
    }
    Ok(out)
}

/// Precision, recall and F1 of one label.
#[derive(Debug, Clone, Serialize)]
pub struct LabelScore {
    pub label: String,
    pub tp: usize,
    pub fp: usize,
    #[serde(rename = "fn")]
    pub fn_: usize,
    /// Gold items carrying the label.
    pub support: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl LabelScore {
    fn new(label: &str, tp: usize, fp: usize, fn_: usize) -> LabelScore {
        let precision = if tp + fp == 0 { 1.0 } else { tp as f64 / (tp + fp) as f64 };
        let recall = if tp + fn_ == 0 { 1.0 } else { tp as f64 / (tp + fn_) as f64 };
        let f1 = if precision + recall == 0.0 {
            0.0
        } else {
            2.0 * precision * recall / (precision + recall)
        };
        LabelScore { label: label.into(), tp, fp, fn_, support: tp + fn_, precision, recall, f1 }
    }
}

/// The `is_collection` confusion matrix.
#[derive(Debug, Clone, Serialize)]
pub struct Confusion {
    /// Gold yes, predicted yes.
    pub tp: usize,
    /// Gold no, predicted yes.
    pub fp: usize,
    /// Gold yes, predicted no.
    #[serde(rename = "fn")]
    pub fn_: usize,
    /// Gold no, predicted no.
    pub tn: usize,
    pub accuracy: f64,
    pub score: LabelScore,
}

/// Scores over one subset of the items.
#[derive(Debug, Clone, Serialize)]
pub struct Subset {
    pub name: String,
    pub items: usize,
    pub labels: Vec<LabelScore>,
    /// Mean F1 over the labels present in the gold data.
    pub macro_f1: f64,
    pub is_collection: Confusion,
    /// Items whose practices and is_collection are both right.
    pub exact: usize,
}

/// An item the detector got wrong.
#[derive(Debug, Clone, Serialize)]
pub struct Miss {
    pub id: String,
    pub text: String,
    pub uncertain: bool,
    pub gold_collection: bool,
    pub pred_collection: bool,
    pub gold: Vec<String>,
    pub pred: Vec<String>,
    /// Gold labels not predicted.
    pub missing: Vec<String>,
    /// Predicted labels not in the gold.
    pub extra: Vec<String>,
    /// `practice rule` of every finding, for reviewers.
    pub findings: Vec<String>,
}

/// A whole evaluation.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub rules_version: String,
    pub all: Subset,
    pub certain: Subset,
    pub misses: Vec<Miss>,
    /// Labels in the data that are not practice codes (ignored in scoring).
    pub unknown_labels: Vec<String>,
}

struct Scored {
    gold: BTreeSet<Practice>,
    pred: BTreeSet<Practice>,
    gold_coll: bool,
    pred_coll: bool,
    uncertain: bool,
}

fn subset(name: &str, rows: &[&Scored]) -> Subset {
    let mut labels = Vec::new();
    let mut f1s = Vec::new();
    for p in Practice::MESSAGE {
        let tp = rows.iter().filter(|r| r.gold.contains(&p) && r.pred.contains(&p)).count();
        let fp = rows.iter().filter(|r| !r.gold.contains(&p) && r.pred.contains(&p)).count();
        let fn_ = rows.iter().filter(|r| r.gold.contains(&p) && !r.pred.contains(&p)).count();
        let s = LabelScore::new(p.code(), tp, fp, fn_);
        if s.support > 0 {
            f1s.push(s.f1);
        }
        labels.push(s);
    }
    let c = |g: bool, p: bool| rows.iter().filter(|r| r.gold_coll == g && r.pred_coll == p).count();
    let (tp, fp, fn_, tn) = (c(true, true), c(false, true), c(true, false), c(false, false));
    Subset {
        name: name.into(),
        items: rows.len(),
        macro_f1: f1s.iter().sum::<f64>() / f1s.len().max(1) as f64,
        is_collection: Confusion {
            tp,
            fp,
            fn_,
            tn,
            accuracy: (tp + tn) as f64 / rows.len().max(1) as f64,
            score: LabelScore::new("is_collection", tp, fp, fn_),
        },
        exact: rows.iter().filter(|r| r.gold == r.pred && r.gold_coll == r.pred_coll).count(),
        labels,
    }
}

fn codes(set: &BTreeSet<Practice>) -> Vec<String> {
    set.iter().map(|p| p.code().to_string()).collect()
}

/// Classifies every item and scores the result.
pub fn evaluate(detector: &Detector, items: &[Item]) -> Report {
    let mut unknown = BTreeSet::new();
    let mut misses = Vec::new();
    let scored: Vec<Scored> = items
        .iter()
        .map(|it| {
            let c = detector.classify(&Message {
                text: &it.text,
                sender: it.sender.as_deref(),
                time: None,
            });
            let gold: BTreeSet<Practice> = it
                .labels
                .iter()
                .filter_map(|l| {
                    let p = Practice::from_code(l.trim());
                    if p.is_none() {
                        unknown.insert(l.clone());
                    }
                    p
                })
                .collect();
            let pred: BTreeSet<Practice> = c.practices.iter().copied().collect();
            if gold != pred || it.is_collection != c.is_collection {
                misses.push(Miss {
                    id: it.id.clone(),
                    text: it.text.clone(),
                    uncertain: it.uncertain,
                    gold_collection: it.is_collection,
                    pred_collection: c.is_collection,
                    gold: codes(&gold),
                    pred: codes(&pred),
                    missing: codes(&gold.difference(&pred).copied().collect()),
                    extra: codes(&pred.difference(&gold).copied().collect()),
                    findings: c
                        .findings
                        .iter()
                        .map(|f| format!("{} {}", f.practice.code(), f.rule))
                        .collect(),
                });
            }
            Scored {
                gold,
                pred,
                gold_coll: it.is_collection,
                pred_coll: c.is_collection,
                uncertain: it.uncertain,
            }
        })
        .collect();
    let all: Vec<&Scored> = scored.iter().collect();
    let certain: Vec<&Scored> = scored.iter().filter(|s| !s.uncertain).collect();
    Report {
        rules_version: detector.version().to_string(),
        all: subset("all", &all),
        certain: subset("certain", &certain),
        misses,
        unknown_labels: unknown.into_iter().collect(),
    }
}

impl Subset {
    fn render(&self, out: &mut String, title: &str) {
        let _ = writeln!(out, "\n== {title}：{} 条 ({} items) ==", self.items, self.name);
        let _ = writeln!(
            out,
            "{:<22} {:>4} {:>4} {:>4} {:>5} {:>6} {:>6} {:>6}",
            "label", "tp", "fp", "fn", "gold", "P", "R", "F1"
        );
        for s in self.labels.iter().chain(std::iter::once(&self.is_collection.score)) {
            let _ = writeln!(
                out,
                "{:<22} {:>4} {:>4} {:>4} {:>5} {:>6.3} {:>6.3} {:>6.3}",
                s.label, s.tp, s.fp, s.fn_, s.support, s.precision, s.recall, s.f1
            );
        }
        let c = &self.is_collection;
        let _ = writeln!(out, "is_collection 混淆矩阵 (confusion)：");
        let _ = writeln!(out, "              判为是  判为否");
        let _ = writeln!(out, "  实际是     {:>6}  {:>6}", c.tp, c.fn_);
        let _ = writeln!(out, "  实际否     {:>6}  {:>6}", c.fp, c.tn);
        let _ = writeln!(
            out,
            "macro-F1 (labels present) {:.3}   is_collection accuracy {:.3}   exact match {}/{}",
            self.macro_f1, c.accuracy, self.exact, self.items
        );
    }
}

impl Report {
    /// The human-readable report. `verbose` adds each miss's findings.
    pub fn render_text(&self, verbose: bool) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "规则版本 (rules) {}", self.rules_version);
        self.all.render(&mut out, "全部");
        self.certain.render(&mut out, "不含存疑（uncertain != true）");
        if !self.unknown_labels.is_empty() {
            let _ = writeln!(out, "\n未知标签（未计分）：{}", self.unknown_labels.join(", "));
        }
        let _ = writeln!(out, "\n== 判错的条目 (misses)：{} ==", self.misses.len());
        for m in &self.misses {
            let _ = writeln!(
                out,
                "{}{}  催收 实际{}/判为{}  标注 [{}]  判为 [{}]{}{}",
                m.id,
                if m.uncertain { "（存疑）" } else { "" },
                if m.gold_collection { "是" } else { "否" },
                if m.pred_collection { "是" } else { "否" },
                m.gold.join(","),
                m.pred.join(","),
                if m.missing.is_empty() {
                    String::new()
                } else {
                    format!("  漏 [{}]", m.missing.join(","))
                },
                if m.extra.is_empty() {
                    String::new()
                } else {
                    format!("  多 [{}]", m.extra.join(","))
                },
            );
            let _ = writeln!(out, "    {}", m.text.replace('\n', " "));
            if verbose {
                for f in &m.findings {
                    let _ = writeln!(out, "    - {f}");
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_yes_no_and_bools_and_skips_comments() {
        let src = r#"# comment
{"id": "a", "text": "x", "is_collection": "yes", "labels": ["threat"]}

{"id": 2, "text": "y", "is_collection": false, "labels": [], "uncertain": true}
"#;
        let items = parse_jsonl(src).unwrap();
        assert_eq!(items.len(), 2);
        assert!(items[0].is_collection && !items[1].is_collection);
        assert_eq!(items[1].id, "2");
        assert!(items[1].uncertain);
        let e = parse_jsonl("{\"id\":1,\"text\":\"x\",\"is_collection\":\"maybe\"}").unwrap_err();
        assert_eq!(e.line, 1);
    }

    #[test]
    fn scores_and_confusion() {
        let det = Detector::builtin().unwrap();
        let items = parse_jsonl(
            r#"{"id":"1","text":"你再不还钱，我们明天就上门找你家人","is_collection":"yes","labels":["threat"]}
{"id":"2","text":"今晚一起吃饭吗","is_collection":"no","labels":[]}
{"id":"3","text":"今晚一起吃饭吗","is_collection":"yes","labels":["insult"],"uncertain":true}"#,
        )
        .unwrap();
        let r = evaluate(&det, &items);
        assert_eq!(r.all.items, 3);
        assert_eq!(r.certain.items, 2);
        assert_eq!(r.all.is_collection.fn_, 1);
        assert_eq!(r.all.is_collection.tn, 1);
        assert!(r.misses.iter().any(|m| m.id == "3" && m.missing == vec!["insult"]));
        let text = r.render_text(false);
        assert!(text.contains("F1") && text.contains("今晚一起吃饭吗"));
    }
}
