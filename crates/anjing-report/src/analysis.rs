//! Facts computed once from the input: local times, counts, per-number
//! statistics, which findings touch which record.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use anjing_model::phone::NumberClass;
use anjing_model::{Direction, Practice, RecordKind};
use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::{FindingRow, RecordRow, ReportInput};

/// A record's time in Asia/Shanghai.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Local {
    /// Days since 1970-01-01 (local civil date).
    pub day: i64,
    pub year: i16,
    pub month: i8,
    pub dom: i8,
    pub hour: i8,
    pub minute: i8,
    pub second: i8,
    /// 0 = Monday … 6 = Sunday.
    pub weekday: u8,
}

impl Local {
    pub(crate) fn of(ts: Timestamp, tz: &TimeZone) -> Local {
        let z = ts.to_zoned_datetime(tz.clone());
        let (year, month, dom) = (z.year(), z.month(), z.day());
        let day = days_from_civil(year.into(), month.into(), dom.into());
        Local {
            day,
            year,
            month,
            dom,
            hour: z.hour(),
            minute: z.minute(),
            second: z.second(),
            weekday: weekday_of_day(day),
        }
    }

    /// Whether it falls between 22:00 and 08:00.
    pub(crate) fn is_night(&self) -> bool {
        self.hour >= 22 || self.hour < 8
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
pub(crate) fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date (year, month, day) of a day number.
pub(crate) fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { yoe + era * 400 + 1 } else { yoe + era * 400 }, m, d)
}

/// 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday).
pub(crate) fn weekday_of_day(day: i64) -> u8 {
    (day + 3).rem_euclid(7) as u8
}

pub(crate) const WEEKDAYS_ZH: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];

/// Whether a record was received (not sent by the contributor).
pub(crate) fn is_received(r: &RecordRow) -> bool {
    !matches!(r.direction, Direction::Out)
}

/// Whether a record is a contact attempt drawn in the charts: a received call,
/// SMS or MMS.
pub(crate) fn is_contact(r: &RecordRow) -> bool {
    is_received(r) && matches!(r.kind, RecordKind::Call | RecordKind::Sms | RecordKind::Mms)
}

/// Ids of every record a counted finding names (its text record or pattern
/// records); with `abusive_only`, lawful reminders are left out.
pub(crate) fn named_record_ids(findings: &[FindingRow], abusive_only: bool) -> HashSet<i64> {
    findings
        .iter()
        .filter(|f| f.status.counts() && (!abusive_only || f.practice.is_abusive()))
        .flat_map(|f| f.record_id.into_iter().chain(f.record_ids.iter().copied()))
        .collect()
}

/// Normalised numbers of the records that counted findings name.
pub(crate) fn flagged_numbers(
    records: &[RecordRow],
    findings: &[FindingRow],
    abusive_only: bool,
) -> HashSet<String> {
    let named = named_record_ids(findings, abusive_only);
    records.iter().filter(|r| named.contains(&r.id)).map(|r| r.number.clone()).collect()
}

/// What the report knows about one number.
#[derive(Debug)]
pub(crate) struct NumberStat<'a> {
    pub number: &'a str,
    pub class: NumberClass,
    pub raws: BTreeSet<&'a str>,
    pub calls_in: usize,
    pub messages_in: usize,
    pub other_in: usize,
    pub sent: usize,
    pub unanswered: usize,
    pub night: usize,
    pub first: Option<Timestamp>,
    pub last: Option<Timestamp>,
    pub contributors: BTreeSet<&'a str>,
    pub flagged: bool,
}

impl NumberStat<'_> {
    pub(crate) fn contacts(&self) -> usize {
        self.calls_in + self.messages_in
    }
    pub(crate) fn received(&self) -> usize {
        self.calls_in + self.messages_in + self.other_in
    }
}

/// Everything computed from the input.
pub(crate) struct Analysis<'a> {
    /// Local time of each record, by index into `input.records`.
    pub local: Vec<Option<Local>>,
    /// Record indices in time order (undated last), ties by id then index.
    pub order: Vec<usize>,
    /// The first record with each id (anchors go to it).
    pub by_id: HashMap<i64, usize>,
    /// Whether record index i gets the `r{id}` anchor (first of its id).
    pub anchored: Vec<bool>,
    /// Record ids touched by a counted abusive finding.
    pub abusive_records: HashSet<i64>,
    /// Counted finding indices touching each record id.
    pub findings_of: HashMap<i64, Vec<usize>>,
    /// Highlight spans for each record id from counted message findings.
    pub spans_of: HashMap<i64, Vec<(usize, usize, Practice)>>,
    pub kinds: BTreeMap<RecordKind, usize>,
    /// Message records (SMS/MMS) with a counted message-level finding.
    pub collection_messages: usize,
    /// Counted findings per practice.
    pub practices: BTreeMap<Practice, usize>,
    /// Numbers that received records came from, flagged first, then by count.
    pub numbers: Vec<NumberStat<'a>>,
    /// Contributor names that are not the borrower and received a record from
    /// a flagged number.
    pub reached: BTreeSet<&'a str>,
    pub first: Option<Timestamp>,
    pub last: Option<Timestamp>,
}

impl<'a> Analysis<'a> {
    pub(crate) fn new(input: &'a ReportInput) -> Analysis<'a> {
        let tz = anjing_model::time::shanghai();
        let records = &input.records;
        let local: Vec<Option<Local>> =
            records.iter().map(|r| r.time.map(|t| Local::of(t, &tz))).collect();

        let mut order: Vec<usize> = (0..records.len()).collect();
        order.sort_by_key(|&i| (records[i].time.is_none(), records[i].time, records[i].id, i));

        let mut by_id = HashMap::new();
        let mut anchored = vec![false; records.len()];
        for (i, r) in records.iter().enumerate() {
            if let std::collections::hash_map::Entry::Vacant(e) = by_id.entry(r.id) {
                e.insert(i);
                anchored[i] = true;
            }
        }

        let mut findings_of: HashMap<i64, Vec<usize>> = HashMap::new();
        let mut spans_of: HashMap<i64, Vec<(usize, usize, Practice)>> = HashMap::new();
        let mut practices = BTreeMap::new();
        let mut message_flagged: HashSet<i64> = HashSet::new();
        for (fi, f) in input.findings.iter().enumerate() {
            if !f.status.counts() {
                continue;
            }
            *practices.entry(f.practice).or_insert(0) += 1;
            let mut ids: Vec<i64> =
                f.record_id.into_iter().chain(f.record_ids.iter().copied()).collect();
            ids.sort_unstable();
            ids.dedup();
            for id in ids {
                findings_of.entry(id).or_default().push(fi);
            }
            if let Some(id) = f.record_id {
                if !f.practice.is_pattern() {
                    message_flagged.insert(id);
                }
                spans_of
                    .entry(id)
                    .or_default()
                    .extend(f.spans.iter().map(|s| (s[0], s[1], f.practice)));
            }
        }

        let abusive_records = named_record_ids(&input.findings, true);
        let mut kinds = BTreeMap::new();
        for r in records {
            *kinds.entry(r.kind).or_insert(0) += 1;
        }
        let collection_messages = by_id
            .iter()
            .filter(|(id, i)| {
                message_flagged.contains(id)
                    && matches!(records[**i].kind, RecordKind::Sms | RecordKind::Mms)
            })
            .count();

        // Numbers with any counted finding are collection numbers; those with
        // an abusive one are flagged.
        let collection = flagged_numbers(records, &input.findings, false);
        let flagged = flagged_numbers(records, &input.findings, true);
        let borrowers: HashSet<&str> =
            input.contributors.iter().filter(|c| c.is_borrower).map(|c| c.name.as_str()).collect();

        let mut numbers: HashMap<&str, NumberStat<'a>> = HashMap::new();
        let mut reached = BTreeSet::new();
        for (i, r) in records.iter().enumerate() {
            let received = is_received(r);
            let is_flagged = flagged.contains(&r.number);
            if received
                && collection.contains(&r.number)
                && !borrowers.contains(r.contributor.as_str())
            {
                reached.insert(r.contributor.as_str());
            }
            let s = numbers.entry(r.number.as_str()).or_insert_with(|| NumberStat {
                number: r.number.as_str(),
                class: r.number_class,
                raws: BTreeSet::new(),
                calls_in: 0,
                messages_in: 0,
                other_in: 0,
                sent: 0,
                unanswered: 0,
                night: 0,
                first: None,
                last: None,
                contributors: BTreeSet::new(),
                flagged: is_flagged,
            });
            s.raws.insert(r.counterparty_raw.as_str());
            if !received {
                s.sent += 1;
                continue;
            }
            match r.kind {
                RecordKind::Call => {
                    s.calls_in += 1;
                    if r.call_result.is_some_and(|c| c.is_unanswered()) {
                        s.unanswered += 1;
                    }
                }
                RecordKind::Sms | RecordKind::Mms => s.messages_in += 1,
                _ => s.other_in += 1,
            }
            if local[i].is_some_and(|l| l.is_night()) && is_contact(r) {
                s.night += 1;
            }
            if let Some(t) = r.time {
                s.first = Some(s.first.map_or(t, |f| f.min(t)));
                s.last = Some(s.last.map_or(t, |l| l.max(t)));
            }
            s.contributors.insert(r.contributor.as_str());
        }
        let mut numbers: Vec<NumberStat<'a>> =
            numbers.into_values().filter(|s| s.received() > 0).collect();
        numbers.sort_by(|a, b| {
            (b.flagged, b.contacts(), b.received())
                .cmp(&(a.flagged, a.contacts(), a.received()))
                .then_with(|| a.number.cmp(b.number))
        });

        let first = records.iter().filter_map(|r| r.time).min();
        let last = records.iter().filter_map(|r| r.time).max();

        Analysis {
            abusive_records,
            local,
            order,
            by_id,
            anchored,
            findings_of,
            spans_of,
            kinds,
            collection_messages,
            practices,
            numbers,
            reached,
            first,
            last,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_day_numbers_round_trip() {
        for (y, m, d) in
            [(1970, 1, 1), (2000, 2, 29), (2026, 3, 4), (1, 1, 1), (-44, 3, 15), (9999, 12, 31)]
        {
            let n = days_from_civil(y, m, d);
            assert_eq!(civil_from_days(n), (y, m, d));
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        // 2026-03-04 is a Wednesday.
        assert_eq!(weekday_of_day(days_from_civil(2026, 3, 4)), 2);
    }

    #[test]
    fn local_time_is_shanghai() {
        let tz = anjing_model::time::shanghai();
        let ts: Timestamp = "2026-03-04T15:15:09Z".parse().unwrap();
        let l = Local::of(ts, &tz);
        assert_eq!((l.year, l.month, l.dom, l.hour, l.weekday), (2026, 3, 4, 23, 2));
        assert!(l.is_night());
    }
}
