//! Masking of third parties in documents meant for public channels.
//!
//! Third parties are the borrower's relatives, friends and colleagues: their names (from the
//! evidence and the facts) become `李*`, and every mobile number in any text that is neither a
//! collector's number nor the borrower's own becomes `138****1234`. Court and police versions
//! are never masked (see [`crate::DocKind::audience`]).

use std::collections::BTreeSet;

use crate::DocsInput;
use crate::model::{Block, Document, Inline};
use crate::stats::Stats;

/// `13812341234` → `138****1234`.
pub fn mask_number(digits: &str) -> String {
    let chars: Vec<char> = digits.chars().collect();
    if chars.len() < 8 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 7))
}

/// `李梅` → `李*`.
pub fn mask_name(name: &str) -> String {
    let mut it = name.chars();
    match it.next() {
        Some(first) => std::iter::once(first).chain(it.map(|_| '*')).collect(),
        None => String::new(),
    }
}

fn last11(s: &str) -> String {
    let d: Vec<char> = s.chars().filter(char::is_ascii_digit).collect();
    d[d.len().saturating_sub(11)..].iter().collect()
}

struct Redactor {
    names: Vec<String>,
    keep: BTreeSet<String>,
}

impl Redactor {
    fn text(&self, s: &str) -> String {
        let mut out = s.to_string();
        for n in &self.names {
            out = out.replace(n.as_str(), &mask_name(n));
        }
        self.numbers(&out)
    }

    /// Masks runs of 11 digits starting with 1 (mainland mobiles) not in `keep`.
    fn numbers(&self, s: &str) -> String {
        let chars: Vec<char> = s.chars().collect();
        let mut out = String::with_capacity(s.len());
        let mut i = 0;
        while i < chars.len() {
            if chars[i].is_ascii_digit() {
                let start = i;
                while i < chars.len() && chars[i].is_ascii_digit() {
                    i += 1;
                }
                let run: String = chars[start..i].iter().collect();
                let tail = last11(&run);
                let mobile = tail.len() == 11 && tail.starts_with('1') && run.len() <= 13;
                if mobile && !self.keep.contains(&tail) {
                    out.push_str(&mask_number(&run));
                } else {
                    out.push_str(&run);
                }
            } else {
                out.push(chars[i]);
                i += 1;
            }
        }
        out
    }

    fn inline(&self, i: &mut Inline) {
        if let Inline::Text(s) | Inline::Strong(s) = i {
            *s = self.text(s);
        }
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
    names.retain(|n| n.chars().count() >= 2 && !borrower.contains(&n.as_str()));
    names.sort_by_key(|n| std::cmp::Reverse(n.chars().count()));
    names.dedup();
    let mut keep: BTreeSet<String> = stats.numbers.iter().map(|n| last11(&n.number)).collect();
    if let Some(p) = input.facts.get("borrower_phone") {
        keep.insert(last11(p));
    }
    let r = Redactor { names, keep };
    for block in &mut doc.blocks {
        match block {
            Block::Heading(h) => *h = r.text(h),
            Block::Para(p) => p.runs.iter_mut().for_each(|i| r.inline(i)),
            Block::Table(t) => {
                for row in &mut t.rows {
                    for cell in row {
                        cell.iter_mut().for_each(|i| r.inline(i));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks() {
        assert_eq!(mask_number("13812341234"), "138****1234");
        assert_eq!(mask_name("李梅"), "李*");
        let r = Redactor { names: vec!["李梅".into()], keep: ["17100001111".to_string()].into() };
        assert_eq!(
            r.text("李梅你好，13812341234，+8617100001111，95588"),
            "李*你好，138****1234，+8617100001111，95588"
        );
    }
}
