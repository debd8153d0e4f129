//! `anjing review`: the user confirms or rejects findings. Decisions are keyed
//! by the finding key (`anjing_vault::review`), logged, and survive re-analysis.

use std::io::{BufWriter, Write};
use std::path::Path;

use anjing_vault::Case;
use anjing_vault::review::Decision;
use anyhow::{Result, bail};
use clap::Subcommand;

use crate::exit::Status;

#[derive(Subcommand, Debug)]
pub enum ReviewCommand {
    /// 列出全部发现和你的复核结论。List findings with their current decision.
    List {
        #[arg(long)]
        json: bool,
    },
    /// 确认一项发现属实。Confirm a finding.
    Confirm {
        /// 发现的编号或键（见 anjing review list）。Finding id or key.
        finding: String,
        /// 说明（可选）。Reason (optional).
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// 否定一项发现（误报），可以写明理由。Reject a finding (a reason is optional).
    Reject {
        /// 发现的编号或键。Finding id or key.
        finding: String,
        /// 为什么不对（可选），例如“这是我自己的朋友开玩笑”。Why it is wrong (optional).
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// 撤销对一项发现的结论。Withdraw a decision.
    Clear {
        /// 发现的编号或键。Finding id or key.
        finding: String,
        #[arg(long, default_value = "")]
        reason: String,
    },
}

pub fn run(dir: &Path, cmd: ReviewCommand) -> Result<Status> {
    match cmd {
        ReviewCommand::List { json } => list(dir, json),
        ReviewCommand::Confirm { finding, reason } => {
            decide(dir, &finding, Decision::Confirmed, &reason)
        }
        ReviewCommand::Reject { finding, reason } => {
            decide(dir, &finding, Decision::Rejected, &reason)
        }
        ReviewCommand::Clear { finding, reason } => {
            decide(dir, &finding, Decision::Cleared, &reason)
        }
    }
}

fn list(dir: &Path, json: bool) -> Result<Status> {
    let case = Case::open(dir)?;
    let findings = case.findings()?;
    let mut out = BufWriter::new(std::io::stdout().lock());
    if !json && findings.is_empty() {
        writeln!(out, "还没有分析结果。请先运行 anjing analyze。")?;
    }
    for f in &findings {
        if json {
            // The same objects as `anjing findings --json` (key and review included).
            serde_json::to_writer(&mut out, f)?;
            writeln!(out)?;
        } else {
            let state = match &f.review {
                None => "未复核".to_string(),
                Some(r) if r.reason.is_empty() => r.decision.name_zh().to_string(),
                Some(r) => format!("{}：{}", r.decision.name_zh(), r.reason),
            };
            writeln!(out, "#{:<5} [{}] {}  {}", f.id, f.practice.name_zh(), state, f.finding_key)?;
            writeln!(out, "       {}", crate::case_cmds::one_line(&f.explanation, 70))?;
        }
    }
    if !json && !findings.is_empty() {
        writeln!(
            out,
            "\n确认：anjing review confirm 编号    否定：anjing review reject 编号 [--reason \"理由\"]"
        )?;
    }
    out.flush()?;
    Ok(Status::Ok)
}

fn decide(dir: &Path, reference: &str, decision: Decision, reason: &str) -> Result<Status> {
    let mut case = Case::open(dir)?;
    let Some(f) = case.finding_by_ref(reference)? else {
        bail!(
            "找不到发现“{reference}”。请用 anjing review list 查看编号或键。(no such finding id or key)"
        );
    };
    if f.finding_key.is_empty() {
        bail!(
            "这项发现来自旧版本的分析，请先重新运行 anjing analyze。(finding has no key; re-run analyze)"
        );
    }
    let about = serde_json::json!({
        "id": f.id,
        "practice": f.practice,
        "rule": f.rule,
        "record_id": f.record_id,
        "rules_version": f.rules_version,
    });
    let entry = case.record_review(&f.finding_key, decision, reason.trim(), &about)?;
    crate::export::checkpoint_after(&mut case, "复核结论")?;
    let what = match decision {
        Decision::Confirmed => "已确认",
        Decision::Rejected => "已否定",
        Decision::Cleared => "已撤销结论",
    };
    println!(
        "{what}：#{} [{}] {}（日志第 {} 条）",
        f.id,
        f.practice.name_zh(),
        f.finding_key,
        entry.log_seq
    );
    if !entry.reason.is_empty() {
        println!("理由：{}", entry.reason);
    }
    println!("这个结论按发现的键保存，重新分析后仍然有效。");
    Ok(Status::Ok)
}

/// Prints what changed versus the previous analysis (from the detail `AnalysisWriter::commit` returns).
pub fn print_changes(detail: &serde_json::Value) {
    let c = &detail["changes"];
    if c["compared"] != true {
        return;
    }
    let n = |k: &str| c[k].as_array().map(|a| a.len()).unwrap_or(0);
    let (added, removed) = (n("added"), n("removed"));
    if added == 0 && removed == 0 {
        println!("与上次分析相比：发现没有变化。");
        return;
    }
    println!("与上次分析相比：新增 {added} 项，不再出现 {removed} 项。");
    let show = |title: &str, key: &str| {
        if let Some(a) = c[key].as_array().filter(|a| !a.is_empty()) {
            println!("  {title}：");
            for k in a.iter().take(20) {
                println!("    {}", k.as_str().unwrap_or(""));
            }
            if a.len() > 20 {
                println!("    ……共 {} 项", a.len());
            }
        }
    };
    show("新增", "added");
    show("不再出现", "removed");
    if n("removed_reviewed") > 0 {
        show("不再出现、但你复核过的（结论仍保留，发现再出现时继续有效）", "removed_reviewed");
    }
}
