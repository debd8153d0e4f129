//! Masking of third parties in documents meant for public channels.
//!
//! Third parties are the borrower's relatives, friends and colleagues: their names (from the
//! evidence and the facts) become `李*`, and every mobile number in any text that is neither a
//! collector's number nor the borrower's own becomes `138****1234`. Court and police versions
//! are never masked (see [`crate::DocKind::audience`]).

use anjing_model::mask::{Masker, last11};

use crate::DocsInput;
use crate::model::{Block, Document, Inline};
use crate::stats::Stats;

fn inline(r: &Masker, i: &mut Inline) {
    if let Inline::Text(s) | Inline::Strong(s) = i {
        *s = r.text(s);
    }
}

pub(crate) fn apply(doc: &mut Document, stats: &Stats, input: &DocsInput) {
    let mut names: Vec<String> = stats.relatives.iter().map(|(n, _)| n.clone()).collect();
    for key in ["relative_name", "witness_name"] {
        if let Some(v) = input.facts.get(key).map(|v| v.trim()).filter(|v| !v.is_empty()) {
            names.push(v.to_string());
        }
    }
    // Names the borrower is known by are not third parties.
    let borrower: Vec<&str> = stats
        .borrower_contributors
        .iter()
        .map(String::as_str)
        .chain(input.facts.get("borrower_name").map(String::as_str))
        .collect();
    names.retain(|n| !borrower.contains(&n.as_str()));
    let mut keep: Vec<String> = stats.numbers.iter().map(|n| last11(&n.number)).collect();
    if let Some(p) = input.facts.get("borrower_phone") {
        keep.push(p.clone());
    }
    let r = Masker::new(names, keep);
    for block in &mut doc.blocks {
        match block {
            Block::Heading(h) => *h = r.text(h),
            Block::Para(p) => p.runs.iter_mut().for_each(|i| inline(&r, i)),
            Block::Table(t) => {
                for row in &mut t.rows {
                    for cell in row {
                        cell.iter_mut().for_each(|i| inline(&r, i));
                    }
                }
            }
            Block::Chart(_) => {}
        }
    }
    for c in &mut doc.charts {
        c.svg = r.text(&c.svg);
    }
    doc.redacted = true;
}
