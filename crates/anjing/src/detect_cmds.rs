//! `anjing classify` (the JSON Lines contract of design.md §4) and `anjing analyze`.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use anjing_detect::{Detector, Message};
use anjing_law::{CaseScope, Library};
use anjing_model::{Direction, Practice};
use anjing_vault::Case;
use anjing_vault::query::{NewClassification, NewFinding};
use anyhow::{Context, Result};

use crate::exit::Status;

pub fn load_detector(rules: Option<&Path>) -> Result<Detector> {
    Ok(match rules {
        Some(dir) => {
            Detector::from_dir(dir).with_context(|| format!("规则文件夹 {} 有误", dir.display()))?
        }
        None => Detector::builtin().context("内置规则有误")?,
    })
}

/// The dates whose law applies: the event's date; for an undated event, every version that
/// may apply up to today (as the plan does), never today's law alone.
pub(crate) fn law_dates(ts: Option<jiff::Timestamp>) -> (jiff::civil::Date, jiff::civil::Date) {
    match ts {
        Some(t) => {
            let d = anjing_model::time::shanghai_date(t);
            (d, d)
        }
        None => crate::advise_cmds::undated_range(crate::advise_cmds::today()),
    }
}

/// Said with every basis of an undated finding.
const UNDATED_ZH: &str =
    "（记录没有可读的日期：这里列出可能适用的各个版本，适用哪个版本以事情发生的实际日期为准）";

/// Legal bases of a practice over its dates, as stored with a finding: only those that apply
/// to this case (lender type, illegal debt, forged documents: `Library::applies`), and for an
/// undated finding every version that may apply, said so.
pub fn bases_json(
    law: &Library,
    practice: Practice,
    (from, to): (jiff::civil::Date, jiff::civil::Date),
    undated: bool,
    scope: &CaseScope,
) -> serde_json::Value {
    let (kept, _) = law.scoped_bases_for_range(practice, from, to, scope);
    serde_json::Value::Array(kept.iter().map(|b| basis_json(b, undated)).collect())
}

fn basis_json(b: &anjing_law::Basis, undated: bool) -> serde_json::Value {
    let statement =
        if undated { format!("{UNDATED_ZH}{}", b.statement_zh) } else { b.statement_zh.clone() };
    serde_json::json!({
        "id": b.article_id,
        "citation_zh": b.citation_zh,
        "statement_zh": statement,
        "confidence": b.confidence,
        "confidence_label_zh": b.label_zh,
        "area": b.area,
    })
}

/// The legal bases of each (practice, dates) built once per analysis: a case of 100,000
/// messages has tens of thousands of findings but only a few hundred distinct days, and each
/// list holds the articles' verbatim text (analyze of 104 k records: 513 → 214 MiB peak,
/// ARCHITECTURE.md → Performance).
struct BasesMemo<'a> {
    law: &'a Library,
    scope: &'a CaseScope,
    lists:
        HashMap<(Practice, (jiff::civil::Date, jiff::civil::Date), bool), Arc<serde_json::Value>>,
}

impl BasesMemo<'_> {
    fn get(
        &mut self,
        practice: Practice,
        dates: (jiff::civil::Date, jiff::civil::Date),
        undated: bool,
    ) -> Arc<serde_json::Value> {
        let (law, scope) = (self.law, self.scope);
        Arc::clone(
            self.lists
                .entry((practice, dates, undated))
                .or_insert_with(|| Arc::new(bases_json(law, practice, dates, undated, scope))),
        )
    }
}

/// Runs detection over every received message of the case and stores the results. Records
/// are read one at a time (only what the patterns need is kept of each), and each verdict and
/// finding is written to the analysis transaction as soon as it is made.
pub fn analyze_case(case: &mut Case, rules: Option<&Path>) -> Result<serde_json::Value> {
    let detector = load_detector(rules)?;
    let law = Library::builtin().context("内置法条数据有误")?;
    let scope = CaseScope::from_facts(&case.facts()?);
    let mut memo = BasesMemo { law: &law, scope: &scope, lists: HashMap::new() };
    let mut timed = Vec::new();
    // Numbers that sent at least one collection message (dated or not).
    let mut collector_numbers = std::collections::HashSet::new();
    let mut writer = case.begin_analysis(detector.version())?;
    writer.for_each_record(|r, sink| {
        if let Some(p) = pattern_record(&r) {
            timed.push(p);
        }
        // Only what the phone received is read as collection; the user's own
        // replies are evidence but not findings about the collector.
        let Some(text) = r.text.as_deref() else { return Ok(()) };
        if r.direction == Direction::Out || !r.kind.is_message() {
            return Ok(());
        }
        let ts = r.timestamp();
        let c = detector.classify(&Message { text, sender: Some(&r.counterparty), time: ts });
        let dates = law_dates(ts);
        for f in &c.findings {
            sink.finding(&NewFinding {
                record_id: Some(r.id),
                practice: f.practice,
                rule: f.rule.clone(),
                severity: f.severity.code().to_string(),
                spans: f.spans.clone(),
                explanation: f.explanation.clone(),
                legal_bases: memo.get(f.practice, dates, ts.is_none()),
                record_ids: vec![r.id],
                details: serde_json::json!({}),
            })?;
        }
        if c.is_collection && !r.number.is_empty() {
            collector_numbers.insert(r.number.clone());
        }
        sink.classification(&NewClassification {
            record_id: r.id,
            is_collection: c.is_collection,
            practices: c.practices.clone(),
        })
    })?;
    let mut sink = writer.sink();
    for f in pattern_findings(timed, &collector_numbers, &mut memo)? {
        sink.finding(&f)?;
    }
    Ok(writer.commit()?)
}

/// What the patterns need of a record (those without a time have no place in them).
fn pattern_record(r: &anjing_vault::RecordView) -> Option<anjing_detect::patterns::PatternRecord> {
    use anjing_detect::patterns;
    Some(patterns::PatternRecord {
        id: r.id,
        kind: r.kind,
        direction: r.direction,
        number: r.number.clone(),
        time: r.timestamp()?,
        call_result: r.call_result,
        text: r.text.clone(),
        contributor: if r.contributor_relation.is_empty() || r.contributor_relation == "本人" {
            patterns::BORROWER.to_string()
        } else {
            r.contributor.clone()
        },
    })
}

/// Patterns over many records (night contact, flooding, number rotation,
/// third-party reach), computed over the numbers that sent at least one
/// collection message in this case: a relative's night-time call is not
/// collection. A number that only ever called is not included (yet).
fn pattern_findings(
    timed: Vec<anjing_detect::patterns::PatternRecord>,
    collector_numbers: &std::collections::HashSet<String>,
    memo: &mut BasesMemo<'_>,
) -> Result<Vec<NewFinding>> {
    use anjing_detect::patterns::{self, Thresholds};

    let input: Vec<_> =
        timed.into_iter().filter(|r| collector_numbers.contains(r.number.as_str())).collect();
    let thresholds = Thresholds::builtin().context("内置阈值数据有误")?;
    let times: HashMap<i64, jiff::Timestamp> = input.iter().map(|r| (r.id, r.time)).collect();
    let mut out = Vec::new();
    for f in patterns::analyze(&input, &thresholds) {
        let dates: Vec<jiff::civil::Date> = f
            .record_ids
            .iter()
            .filter_map(|id| times.get(id))
            .map(|t| anjing_model::time::shanghai_date(*t))
            .collect();
        let (range, undated) = match (dates.iter().min(), dates.iter().max()) {
            (Some(a), Some(b)) => ((*a, *b), false),
            _ => (law_dates(None), true),
        };
        let bases = memo.get(f.practice, range, undated);
        out.push(NewFinding {
            record_id: None,
            practice: f.practice,
            rule: f.rule,
            severity: "warning".into(),
            spans: Vec::new(),
            explanation: f.explanation,
            legal_bases: bases,
            record_ids: f.record_ids,
            details: f.details,
        });
    }
    Ok(out)
}

pub fn analyze(dir: &Path, rules: Option<&Path>, json: bool) -> Result<Status> {
    let mut case = Case::open(dir)?;
    let detail = analyze_case(&mut case, rules)?;
    crate::export::checkpoint_after(&mut case, "分析结果")?;
    if json {
        println!("{}", serde_json::to_string_pretty(&detail)?);
    } else {
        print_analysis(&detail);
        crate::review_cmds::print_changes(&detail);
    }
    Ok(Status::Ok)
}

pub fn print_analysis(detail: &serde_json::Value) {
    println!(
        "已分析 {} 条收到的短信，其中 {} 条是催收短信；共 {} 项发现：",
        detail["records_classified"], detail["collection_messages"], detail["findings"]
    );
    if let Some(map) = detail["by_practice"].as_object() {
        for p in Practice::ALL {
            if let Some(n) = map.get(p.code()) {
                println!("  {}：{n}", p.name_zh());
            }
        }
    }
}
