//! What the documents say about the evidence: who was contacted, by which numbers, when,
//! with which words. Computed once per build from the plain [`ReportInput`].

use std::collections::{BTreeMap, BTreeSet};

use anjing_model::{Direction, Practice, RecordKind};
use anjing_report::{RecordRow, ReportInput};
use jiff::civil::Date;
use jiff::tz::TimeZone;

/// One number that contacted the borrower or a relative and that a finding is about.
#[derive(Debug, Clone)]
pub(crate) struct NumberLine {
    pub number: String,
    pub calls: usize,
    pub messages: usize,
    pub first: Option<jiff::Timestamp>,
    pub last: Option<jiff::Timestamp>,
    /// Whose phones it reached (contributor names).
    pub reached: BTreeSet<String>,
}

/// One flagged message, for timelines and 12321 lines.
#[derive(Debug, Clone)]
pub(crate) struct Event {
    pub time: Option<jiff::Timestamp>,
    pub contributor: String,
    pub number: String,
    pub kind: RecordKind,
    pub text: String,
    pub practices: BTreeSet<Practice>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Stats {
    pub borrower_contributors: Vec<String>,
    /// Relatives and others whose phones were reached: (name, relation).
    pub relatives: Vec<(String, String)>,
    pub numbers: Vec<NumberLine>,
    pub events: Vec<Event>,
    /// Counted, abusive practices with the number of findings.
    pub practices: BTreeMap<Practice, usize>,
    pub first: Option<Date>,
    pub last: Option<Date>,
    pub night_contacts: usize,
}

pub(crate) fn shanghai() -> TimeZone {
    TimeZone::get("Asia/Shanghai").unwrap_or(TimeZone::UTC)
}

/// `2026年3月4日 21:05` in Asia/Shanghai.
pub(crate) fn fmt_time(t: Option<jiff::Timestamp>) -> String {
    match t {
        Some(t) => {
            let z = t.to_zoned_datetime(shanghai());
            format!("{}年{}月{}日 {:02}:{:02}", z.year(), z.month(), z.day(), z.hour(), z.minute())
        }
        None => "时间不详".to_string(),
    }
}

/// `2026年3月4日`.
pub(crate) fn fmt_date(d: Date) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

fn received(r: &RecordRow) -> bool {
    r.direction != Direction::Out
}

impl Stats {
    pub(crate) fn of(input: &ReportInput) -> Stats {
        let mut s = Stats::default();
        for c in &input.contributors {
            if c.is_borrower {
                s.borrower_contributors.push(c.name.clone());
            } else if !s.relatives.iter().any(|(n, _)| n == &c.name) {
                s.relatives.push((c.name.clone(), c.relation.clone()));
            }
        }
        let by_id: BTreeMap<i64, &RecordRow> = input.records.iter().map(|r| (r.id, r)).collect();
        let mut flagged_numbers: BTreeSet<&str> = BTreeSet::new();
        let mut events: BTreeMap<i64, BTreeSet<Practice>> = BTreeMap::new();
        for f in input.findings.iter().filter(|f| f.status.counts() && f.practice.is_abusive()) {
            *s.practices.entry(f.practice).or_default() += 1;
            for id in f.record_id.iter().chain(&f.record_ids) {
                if let Some(r) = by_id.get(id)
                    && received(r)
                {
                    if !r.number.is_empty() {
                        flagged_numbers.insert(r.number.as_str());
                    }
                    if f.practice == Practice::NightContact {
                        s.night_contacts += 1;
                    }
                }
            }
            if let Some(id) = f.record_id
                && by_id.get(&id).is_some_and(|r| r.text.is_some())
            {
                events.entry(id).or_default().insert(f.practice);
            }
        }
        let tz = shanghai();
        let mut numbers: BTreeMap<&str, NumberLine> = BTreeMap::new();
        for r in input.records.iter().filter(|r| received(r)) {
            if !flagged_numbers.contains(r.number.as_str()) {
                continue;
            }
            let n = numbers.entry(r.number.as_str()).or_insert_with(|| NumberLine {
                number: r.number.clone(),
                calls: 0,
                messages: 0,
                first: None,
                last: None,
                reached: BTreeSet::new(),
            });
            if r.kind == RecordKind::Call {
                n.calls += 1;
            } else {
                n.messages += 1;
            }
            n.reached.insert(r.contributor.clone());
            if let Some(t) = r.time {
                n.first = Some(n.first.map_or(t, |f| f.min(t)));
                n.last = Some(n.last.map_or(t, |l| l.max(t)));
                let d = t.to_zoned_datetime(tz.clone()).date();
                s.first = Some(s.first.map_or(d, |f| f.min(d)));
                s.last = Some(s.last.map_or(d, |l| l.max(d)));
            }
        }
        s.numbers = numbers.into_values().collect();
        s.numbers.sort_by(|a, b| {
            (b.calls + b.messages).cmp(&(a.calls + a.messages)).then(a.number.cmp(&b.number))
        });
        for (id, practices) in events {
            let r = by_id[&id];
            s.events.push(Event {
                time: r.time,
                contributor: r.contributor.clone(),
                number: if r.number.is_empty() {
                    r.counterparty_raw.clone()
                } else {
                    r.number.clone()
                },
                kind: r.kind,
                text: r.text.clone().unwrap_or_default(),
                practices,
            });
        }
        s.events.sort_by(|a, b| a.time.cmp(&b.time).then(a.number.cmp(&b.number)));
        s
    }

    /// The relation of a contributor as the user gave it.
    pub(crate) fn relation_of(&self, name: &str) -> Option<&str> {
        self.relatives.iter().find(|(n, _)| n == name).map(|(_, r)| r.as_str())
    }

    /// Relatives whose phones a flagged number reached.
    pub(crate) fn reached_relatives(&self) -> Vec<(String, String)> {
        self.relatives
            .iter()
            .filter(|(n, _)| self.numbers.iter().any(|l| l.reached.contains(n)))
            .cloned()
            .collect()
    }

    pub(crate) fn total_contacts(&self) -> usize {
        self.numbers.iter().map(|n| n.calls + n.messages).sum()
    }

    /// `威胁恐吓（3次）、联系第三人（12次）`.
    pub(crate) fn practice_summary(&self) -> String {
        self.practices
            .iter()
            .map(|(p, n)| format!("{}（{n}处）", p.name_zh()))
            .collect::<Vec<_>>()
            .join("、")
    }
}
