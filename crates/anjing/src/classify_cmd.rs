//! `anjing classify`: the JSON Lines contract of design.md §4, plus the risk level,
//! reasons and advice that `check-message` gives (issue 4 §5: "the same in classify").
//!
//! Each output line keeps the contract fields (`id`, `is_collection`, `practices`,
//! `findings` with `practice`, `rule`, `spans`, `explanation`, `severity`,
//! `legal_bases`) and adds `risk: {level, level_zh, summary_zh, reasons, advice}`.

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;

use anjing_detect::{Message, check};
use anjing_law::Library;
use anyhow::{Context, Result};
use serde::Deserialize;

use crate::exit::Status;

/// One input line of `anjing classify`.
#[derive(Debug, Deserialize)]
struct ClassifyInput {
    id: serde_json::Value,
    text: String,
    #[serde(default)]
    sender: Option<String>,
    /// RFC 3339, or Unix milliseconds as a number.
    #[serde(default)]
    time: Option<serde_json::Value>,
}

fn parse_time(v: &serde_json::Value) -> Option<jiff::Timestamp> {
    match v {
        serde_json::Value::String(s) => s.parse::<jiff::Timestamp>().ok().or_else(|| {
            anjing_model::time::from_raw(s, anjing_model::time::TimeUnit::ShanghaiText)
        }),
        serde_json::Value::Number(n) => n.as_i64().and_then(anjing_model::time::from_unix_ms),
        _ => None,
    }
}

pub fn classify(input: Option<&Path>, rules: Option<&Path>) -> Result<Status> {
    let detector = crate::detect_cmds::load_detector(rules)?;
    let law = Library::builtin().context("内置法条数据有误")?;
    let (reader, name): (Box<dyn BufRead>, String) = match input {
        None => (Box::new(std::io::stdin().lock()), "<标准输入>".into()),
        Some(p) if p == Path::new("-") => (Box::new(std::io::stdin().lock()), "<标准输入>".into()),
        Some(p) => (
            Box::new(BufReader::new(
                std::fs::File::open(p)
                    .with_context(|| format!("无法打开输入文件 {}", p.display()))?,
            )),
            p.display().to_string(),
        ),
    };
    let mut out = BufWriter::new(std::io::stdout().lock());
    let mut status = Status::Ok;
    for (i, line) in reader.lines().enumerate() {
        let line = line.with_context(|| format!("读取 {name} 第 {} 行失败", i + 1))?;
        if line.trim().is_empty() {
            continue;
        }
        let msg: ClassifyInput = match serde_json::from_str(&line) {
            Ok(m) => m,
            Err(e) => {
                status = Status::Damaged;
                eprintln!("{name} 第 {} 行不是有效的输入（需要 {{\"id\", \"text\"}}）：{e}", i + 1);
                let err = serde_json::json!({
                    "id": null, "line": i + 1,
                    "error": format!("第 {} 行无法解析 (line {} is not valid input): {e}", i + 1, i + 1),
                });
                serde_json::to_writer(&mut out, &err)?;
                writeln!(out)?;
                continue;
            }
        };
        let ts = msg.time.as_ref().and_then(parse_time);
        let sender = msg.sender.as_deref();
        let c = detector.classify(&Message { text: &msg.text, sender, time: ts });
        let r = check::assess(c, &msg.text, sender);
        // The dates whose law applies: the event's date; undated, every version that may apply.
        let (from, to) = crate::detect_cmds::law_dates(ts);
        let c = &r.classification;
        let findings: Vec<serde_json::Value> = c
            .findings
            .iter()
            .map(|f| {
                let ids: Vec<String> = law
                    .bases_for_range(f.practice, from, to)
                    .into_iter()
                    .map(|b| b.article_id)
                    .collect();
                serde_json::json!({
                    "practice": f.practice,
                    "rule": f.rule,
                    "spans": f.spans,
                    "explanation": f.explanation,
                    "severity": f.severity,
                    "legal_bases": ids,
                })
            })
            .collect();
        let out_line = serde_json::json!({
            "id": msg.id,
            "is_collection": c.is_collection,
            "practices": c.practices,
            "findings": findings,
            "risk": r.risk(),
        });
        serde_json::to_writer(&mut out, &out_line)?;
        writeln!(out)?;
    }
    out.flush()?;
    Ok(status)
}
