//! Shared by `tests/docs.rs` and `tests/pdf.rs`: the report's demo case (快闪借: a borrower, her
//! mother and a colleague blasted by collectors) with given facts, and flagged collector SMS
//! added to it.

use std::collections::BTreeMap;

use anjing_docs::DocsInput;
use anjing_model::{Direction, Practice, RecordKind};
use anjing_report::{FindingRow, FindingStatus, RecordRow};

pub fn input(facts: &[(&str, &str)]) -> DocsInput {
    DocsInput {
        facts: facts
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<BTreeMap<_, _>>(),
        evidence: anjing_report::demo_input(),
        date: jiff::civil::date(2026, 3, 1),
    }
}

/// Adds an SMS from a collector's number to the borrower, flagged as a threat.
pub fn add_flagged_sms(input: &mut DocsInput, id: i64, text: String) {
    input.evidence.records.push(RecordRow {
        id,
        kind: RecordKind::Sms,
        direction: Direction::In,
        counterparty_raw: "17100009999".into(),
        number: "+8617100009999".into(),
        number_class: anjing_model::phone::parse("17100009999").class,
        time: Some("2026-01-10T02:00:00Z".parse().unwrap()),
        text: Some(text),
        duration_s: None,
        call_result: None,
        contributor: input.evidence.contributors[0].name.clone(),
    });
    input.evidence.findings.push(FindingRow {
        record_id: Some(id),
        record_ids: vec![],
        practice: Practice::Threat,
        rule: "test".into(),
        spans: vec![[0, 3]],
        explanation: "测试".into(),
        legal_bases: vec![],
        status: FindingStatus::Unreviewed,
    });
}
