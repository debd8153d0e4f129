//! `anjing report`: fills the report's plain data from the case and writes one HTML file.

use std::path::{Path, PathBuf};

use anjing_report::{
    ArtifactRow, ContributorRow, FindingRow, FindingStatus, LegalBasisRow, ProblemRow, RecordRow,
    ReportInput,
};
use anjing_vault::Case;
use anyhow::{Context, Result};

fn to_ts(s: &str) -> Option<jiff::Timestamp> {
    s.parse().ok()
}

/// Builds the report input from a case.
pub fn build_input(case: &Case) -> Result<ReportInput> {
    let info = case.info()?;
    let artifacts = case.artifacts()?;
    let records = case.records()?;
    let findings = case.findings()?;
    let problems = case.problems()?;
    let rules_version = findings.first().map(|f| f.rules_version.clone()).unwrap_or_default();
    // Bases stored with a finding are shown only if they apply to the case as it is now
    // (lender type, illegal debt, forged documents may have been filled in since).
    let law = anjing_law::Library::builtin().context("内置法条数据有误")?;
    let scope = anjing_law::CaseScope::from_facts(&case.facts()?);

    let mut contributors: Vec<ContributorRow> = Vec::new();
    for a in &artifacts {
        if !contributors.iter().any(|c| c.name == a.contributor && c.relation == a.relation) {
            contributors.push(ContributorRow {
                name: a.contributor.clone(),
                relation: a.relation.clone(),
                is_borrower: a.relation.is_empty()
                    || a.relation == "本人"
                    || a.contributor == "本人",
            });
        }
    }

    let input = ReportInput {
        case_title: info.title,
        generated_at: jiff::Timestamp::now(),
        rules_version,
        log_head: case.log_head()?,
        artifacts: artifacts
            .iter()
            .map(|a| ArtifactRow {
                sha256: a.sha256.clone(),
                file_name: a.file_name.clone(),
                contributor: if a.relation.is_empty() {
                    a.contributor.clone()
                } else {
                    format!("{}（{}）", a.contributor, a.relation)
                },
                format: anjing_import::artifact_format_name_zh(&a.format).to_string(),
                record_count: a.records.max(0) as u64,
                problem_count: a.problems.max(0) as u64,
                imported_at: to_ts(&a.imported_at),
                device: a.device.clone(),
            })
            .collect(),
        contributors,
        records: records
            .iter()
            .map(|r| RecordRow {
                id: r.id,
                kind: r.kind,
                direction: r.direction,
                counterparty_raw: r.counterparty.clone(),
                number: r.number.clone(),
                number_class: r.class(),
                time: r.timestamp(),
                text: r.text.clone(),
                duration_s: r.duration_s.map(|d| d.max(0) as u64),
                call_result: r.call_result,
                contributor: r.contributor.clone(),
            })
            .collect(),
        findings: findings
            .iter()
            .map(|f| FindingRow {
                record_id: f.record_id,
                record_ids: f.record_ids.clone(),
                practice: f.practice,
                rule: f.rule.clone(),
                spans: f.spans.clone(),
                explanation: f.explanation.clone(),
                legal_bases: f
                    .legal_bases
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter(|b| {
                                law.applies_to(f.practice, b["id"].as_str().unwrap_or(""), &scope)
                                    == anjing_law::Applies::Yes
                            })
                            .map(|b| LegalBasisRow {
                                citation_zh: b["citation_zh"].as_str().unwrap_or("").to_string(),
                                statement_zh: b["statement_zh"].as_str().unwrap_or("").to_string(),
                                confidence_label_zh: b["confidence_label_zh"]
                                    .as_str()
                                    .unwrap_or("")
                                    .to_string(),
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                status: match &f.review {
                    Some(r) if r.decision == anjing_vault::review::Decision::Confirmed => {
                        FindingStatus::Confirmed
                    }
                    Some(r) if r.decision == anjing_vault::review::Decision::Rejected => {
                        FindingStatus::Rejected { reason: r.reason.clone() }
                    }
                    _ => FindingStatus::Unreviewed,
                },
            })
            .collect(),
        problems: problems
            .iter()
            .map(|p| ProblemRow {
                artifact: p.file_name.clone(),
                locator: match (&p.locator, p.line, p.column) {
                    (Some(l), Some(line), Some(col)) => format!("{l}（第 {line} 行第 {col} 列）"),
                    (Some(l), _, _) => l.clone(),
                    _ => "整个文件".into(),
                },
                message_zh: p.message_zh.clone(),
            })
            .collect(),
        // What to do today, from the law data (seed advice as corrected by the reference).
        next_steps: anjing_law::first_steps()
            .iter()
            .map(|g| format!("{}：{}", g.title_zh, g.detail_zh))
            .collect(),
    };
    Ok(input)
}

/// Writes the report and logs that it was made. Returns the path written.
///
/// Unless `all` is set, the timeline keeps only the records of numbers that a
/// finding is about: the report may be shown to the police or a lender, and the
/// borrower's and relatives' private conversations do not belong in it.
pub fn write_report(case: &mut Case, output: Option<&Path>, all: bool) -> Result<PathBuf> {
    let mut input = build_input(case)?;
    if !all {
        input.retain_flagged_numbers();
    }
    let html = anjing_report::render_html(&input);
    let path = output.map(Path::to_path_buf).unwrap_or_else(|| case.root().join("报告.html"));
    std::fs::write(&path, html.as_bytes())
        .with_context(|| format!("无法写入报告文件 {}", path.display()))?;
    let sha = anjing_vault::blob::hash_reader(html.as_bytes())?.0;
    case.log_event("report", &serde_json::json!({"sha256": sha, "records": input.records.len(), "findings": input.findings.len()}))?;
    Ok(path)
}

pub fn report(dir: &Path, output: Option<&Path>, all: bool) -> Result<PathBuf> {
    let mut case = Case::open(dir)?;
    let path = write_report(&mut case, output, all)?;
    crate::export::checkpoint_after(&mut case, "报告")?;
    Ok(path)
}
