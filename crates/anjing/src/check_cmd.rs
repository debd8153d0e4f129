//! `anjing check-message "TEXT"`: a risk level with reasons and advice.

use std::path::Path;

use anjing_detect::check::{self, RiskLevel};
use anyhow::Result;

use crate::exit::Status;

pub fn check_message(
    text: &str,
    sender: Option<&str>,
    rules: Option<&Path>,
    json: bool,
) -> Result<Status> {
    let detector = crate::detect_cmds::load_detector(rules)?;
    let r = check::check_message(&detector, text, sender);
    if json {
        println!("{}", serde_json::to_string_pretty(&r)?);
        return Ok(Status::Ok);
    }
    let mark = match r.level {
        RiskLevel::High => "⚠⚠",
        RiskLevel::Medium => "⚠",
        RiskLevel::Low => "✓",
    };
    println!("{mark} 风险：{}　{}", r.level_zh, r.summary_zh);
    if let Some(n) = &r.sender {
        let place = n
            .mobile
            .as_ref()
            .filter(|m| !m.province.is_empty())
            .map(|m| format!("，归属地 {} {}", m.province, m.city))
            .unwrap_or_default();
        println!("发件号码：{}（{}{place}）", n.normalized, n.class_zh);
    }
    if r.classification.is_collection {
        println!("这是一条催收短信。");
    }
    if !r.reasons.is_empty() {
        println!("\n理由：");
        for x in &r.reasons {
            println!("  · {}", x.text_zh);
        }
    }
    println!("\n建议：");
    for (i, a) in r.advice.iter().enumerate() {
        println!("  {}. {a}", i + 1);
    }
    Ok(Status::Ok)
}
