//! Reading a case (the listing contracts) and storing analysis results.

use anjing_model::phone::NumberClass;
use anjing_model::{CallResult, Direction, Practice, RecordKind};
use rusqlite::{Row, params};
use serde::Serialize;

use crate::{Case, VaultError, log};

/// Where a record was read.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SourceRef {
    /// SHA-256 of the original file.
    pub artifact: String,
    /// Locator into it (an XPath for XML exports).
    pub locator: String,
    pub line: i64,
    pub column: i64,
    /// The file name the artifact had when it was imported.
    pub file_name: String,
    /// The device or export the artifact came from, as its contributor said (`--device`);
    /// empty when not said.
    pub device: String,
}

/// One record in the `anjing records --json` contract.
#[derive(Debug, Clone, Serialize)]
pub struct RecordView {
    pub id: i64,
    pub kind: RecordKind,
    pub direction: Direction,
    /// As exported.
    pub counterparty: String,
    /// Normalised (`+8613812345678`, `95588`).
    pub number: String,
    pub number_class: String,
    /// RFC 3339 UTC, or null when the raw value could not be read.
    pub time: Option<String>,
    pub time_raw: String,
    pub time_unit: String,
    /// Asia/Shanghai wall-clock time for people.
    pub time_local: Option<String>,
    pub text: Option<String>,
    pub duration_s: Option<i64>,
    pub call_result: Option<CallResult>,
    pub contributor: String,
    pub contributor_relation: String,
    pub sources: Vec<SourceRef>,
    #[serde(skip)]
    pub time_ms: Option<i64>,
}

impl RecordView {
    pub fn timestamp(&self) -> Option<jiff::Timestamp> {
        self.time_ms.and_then(anjing_model::time::from_unix_ms)
    }
    pub fn class(&self) -> NumberClass {
        anjing_model::phone::parse(&self.counterparty).class
    }
}

/// A stored finding (`anjing findings --json`).
#[derive(Debug, Clone, Serialize)]
pub struct FindingView {
    pub id: i64,
    /// The record the finding is about; null for pattern findings over many records.
    pub record_id: Option<i64>,
    pub practice: Practice,
    pub rule: String,
    pub severity: String,
    pub spans: Vec<[usize; 2]>,
    pub explanation: String,
    pub legal_bases: serde_json::Value,
    /// Records supporting a pattern finding.
    pub record_ids: Vec<i64>,
    pub details: serde_json::Value,
    pub rules_version: String,
    /// Stable across analysis runs (see [`crate::review`]); empty for findings
    /// stored before keys existed.
    pub finding_key: String,
    /// The user's decision in force, if any (`anjing review`).
    pub review: Option<crate::review::ReviewState>,
}

/// A stored import problem (`anjing problems --json`).
#[derive(Debug, Clone, Serialize)]
pub struct ProblemView {
    pub id: i64,
    pub artifact: String,
    pub file_name: String,
    pub severity: String,
    pub code: String,
    pub locator: Option<String>,
    pub line: Option<i64>,
    pub column: Option<i64>,
    pub message_zh: String,
    pub cause_en: String,
}

/// A stored artifact.
#[derive(Debug, Clone, Serialize)]
pub struct ArtifactView {
    pub sha256: String,
    pub size: i64,
    pub file_name: String,
    pub format: String,
    pub contributor: String,
    pub relation: String,
    pub imported_at: String,
    pub importer: String,
    pub status: String,
    pub records: i64,
    pub problems: i64,
    /// The device or export it came from (`--device`); empty when not said.
    pub device: String,
}

/// A finding to store, as produced by detection and the law layer.
#[derive(Debug, Clone)]
pub struct NewFinding {
    pub record_id: Option<i64>,
    pub practice: Practice,
    pub rule: String,
    pub severity: String,
    pub spans: Vec<[usize; 2]>,
    pub explanation: String,
    /// Shared: tens of thousands of findings of one practice on the same day cite the same
    /// articles (with their verbatim text), so an analysis builds each list once.
    pub legal_bases: std::sync::Arc<serde_json::Value>,
    pub record_ids: Vec<i64>,
    pub details: serde_json::Value,
}

/// The per-record verdict of an analysis.
#[derive(Debug, Clone)]
pub struct NewClassification {
    pub record_id: i64,
    pub is_collection: bool,
    pub practices: Vec<Practice>,
}

const RECORD_SELECT: &str =
    "SELECT r.id, r.kind, r.direction, r.counterparty, r.number, r.number_class, r.time_ms,
        r.time_raw, r.time_unit, r.text, r.duration_s, r.call_result, c.name, c.relation
   FROM records r JOIN contributors c ON c.id = r.contributor_id";

const SOURCES_SELECT: &str = "SELECT s.artifact, s.locator, s.line, s.col, a.file_name, a.device
       FROM record_sources s JOIN artifacts a ON a.sha256 = s.artifact
      WHERE s.record_id = ?1 ORDER BY a.imported_at, s.artifact, s.offset";

fn source_from_row(r: &Row<'_>) -> rusqlite::Result<SourceRef> {
    Ok(SourceRef {
        artifact: r.get(0)?,
        locator: r.get(1)?,
        line: r.get(2)?,
        column: r.get(3)?,
        file_name: r.get(4)?,
        device: r.get(5)?,
    })
}

const FINDING_SELECT: &str = "SELECT f.id, f.record_id, f.practice, f.rule, f.severity, f.spans,
        f.explanation, f.legal_bases, f.record_ids, f.details, f.rules_version, f.finding_key
   FROM findings f";

/// Which records a listing shows (`anjing serve`'s timeline). Empty means everything.
#[derive(Debug, Clone, Default)]
pub struct RecordFilter {
    /// The normalised number (`+8613812345678`), matched exactly…
    pub number: Option<String>,
    /// …or this text anywhere in the number as exported.
    pub counterparty_contains: Option<String>,
    /// The contributor's name, exactly.
    pub contributor: Option<String>,
    /// Only records a finding of this practice (code) is about, directly or as a pattern.
    pub practice: Option<String>,
    /// Only records some finding is about.
    pub flagged_only: bool,
    /// Time window in Unix ms: `from_ms <= time < to_ms`; records without a time are left
    /// out when either end is set.
    pub from_ms: Option<i64>,
    pub to_ms: Option<i64>,
}

/// One page of a listing.
#[derive(Debug, Clone)]
pub struct RecordPage {
    /// How many records pass the filter in all.
    pub total: usize,
    pub records: Vec<RecordView>,
}

impl RecordFilter {
    /// SQL conditions over `records r JOIN contributors c`, with their parameters. Every
    /// value is a bound parameter: user text never becomes SQL.
    fn sql(&self) -> (Vec<String>, Vec<rusqlite::types::Value>) {
        use rusqlite::types::Value;
        let mut c = Vec::new();
        let mut a: Vec<Value> = Vec::new();
        match (&self.number, &self.counterparty_contains) {
            (Some(n), Some(raw)) => {
                c.push("(r.number = ? OR instr(r.counterparty, ?) > 0)".to_string());
                a.push(Value::Text(n.clone()));
                a.push(Value::Text(raw.clone()));
            }
            (Some(n), None) => {
                c.push("r.number = ?".into());
                a.push(Value::Text(n.clone()));
            }
            (None, Some(raw)) => {
                c.push("instr(r.counterparty, ?) > 0".into());
                a.push(Value::Text(raw.clone()));
            }
            (None, None) => {}
        }
        if let Some(name) = &self.contributor {
            c.push("c.name = ?".into());
            a.push(Value::Text(name.clone()));
        }
        if let Some(p) = &self.practice {
            c.push(
                "r.id IN (SELECT fr.record_id FROM finding_records fr
                            JOIN findings f ON f.id = fr.finding_id WHERE f.practice = ?)"
                    .into(),
            );
            a.push(Value::Text(p.clone()));
        } else if self.flagged_only {
            c.push("EXISTS (SELECT 1 FROM finding_records fr WHERE fr.record_id = r.id)".into());
        }
        if self.from_ms.is_some() || self.to_ms.is_some() {
            c.push("r.time_ms IS NOT NULL".into());
        }
        if let Some(f) = self.from_ms {
            c.push("r.time_ms >= ?".into());
            a.push(Value::Integer(f));
        }
        if let Some(t) = self.to_ms {
            c.push("r.time_ms < ?".into());
            a.push(Value::Integer(t));
        }
        (c, a)
    }
}

fn record_from_row(r: &Row<'_>) -> rusqlite::Result<RecordView> {
    let kind: String = r.get(1)?;
    let direction: String = r.get(2)?;
    let call_result: Option<String> = r.get(11)?;
    let time_ms: Option<i64> = r.get(6)?;
    let ts = time_ms.and_then(anjing_model::time::from_unix_ms);
    Ok(RecordView {
        id: r.get(0)?,
        kind: RecordKind::from_code(&kind).unwrap_or(RecordKind::Note),
        direction: Direction::from_code(&direction).unwrap_or(Direction::Unknown),
        counterparty: r.get(3)?,
        number: r.get(4)?,
        number_class: r.get(5)?,
        time: ts.map(anjing_model::time::rfc3339_utc),
        time_raw: r.get(7)?,
        time_unit: r.get(8)?,
        time_local: ts.map(anjing_model::time::display),
        text: r.get(9)?,
        duration_s: r.get(10)?,
        call_result: call_result.as_deref().and_then(CallResult::from_code),
        contributor: r.get(12)?,
        contributor_relation: r.get(13)?,
        sources: Vec::new(),
        time_ms,
    })
}

impl Case {
    /// Calls `f` for every record in time order (records without a time last), with sources.
    pub fn for_each_record(
        &self,
        f: impl FnMut(RecordView) -> Result<(), VaultError>,
    ) -> Result<(), VaultError> {
        for_each_record_in(&self.conn, f)
    }

    /// One page of the records that pass `filter`, in time order (records without a time
    /// last), with their sources, and how many pass in all. Filtering, counting and paging
    /// happen in SQL, so a page of a 100,000-record case does not read the whole case.
    pub fn records_page(
        &self,
        filter: &RecordFilter,
        offset: usize,
        limit: usize,
    ) -> Result<RecordPage, VaultError> {
        let (clauses, args) = filter.sql();
        let cond = if clauses.is_empty() { "1".to_string() } else { clauses.join(" AND ") };
        // Counted over the indexes where possible: the contributors table only when the
        // filter names one, and the untimed records by the time index.
        let from = if filter.contributor.is_some() {
            "records r JOIN contributors c ON c.id = r.contributor_id"
        } else {
            "records r"
        };
        let count = |extra: &str| -> Result<usize, VaultError> {
            let sql = format!("SELECT count(*) FROM {from} WHERE {cond}{extra}");
            let n: i64 =
                self.conn.query_row(&sql, rusqlite::params_from_iter(args.iter()), |r| r.get(0))?;
            Ok(n as usize)
        };
        let total = count("")?;
        let timed = total - count(" AND r.time_ms IS NULL")?;
        let mut records = Vec::new();
        // Timed records walk the (time_ms, id) index; untimed ones follow them.
        let mut want = limit;
        let mut skip = offset;
        for timed_part in [true, false] {
            let part_len = if timed_part { timed } else { total - timed };
            if want == 0 {
                break;
            }
            if skip >= part_len {
                skip -= part_len;
                continue;
            }
            let null = if timed_part { "r.time_ms IS NOT NULL" } else { "r.time_ms IS NULL" };
            // The ids first, over the (time_ms, id) index without reading the rows skipped
            // by OFFSET; then those rows.
            let sql = format!(
                "SELECT r.id FROM {from} WHERE {null} AND {cond} ORDER BY r.time_ms, r.id LIMIT {want} OFFSET {skip}"
            );
            let mut st = self.conn.prepare(&sql)?;
            let ids: Vec<i64> = st
                .query_map(rusqlite::params_from_iter(args.iter()), |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            let mut one = self.conn.prepare_cached(&format!("{RECORD_SELECT} WHERE r.id = ?1"))?;
            let mut got = Vec::with_capacity(ids.len());
            for id in ids {
                got.push(one.query_row([id], record_from_row)?);
            }
            want -= got.len().min(want);
            skip = 0;
            records.extend(got);
        }
        let mut src = self.conn.prepare_cached(SOURCES_SELECT)?;
        for rec in &mut records {
            rec.sources = src.query_map([rec.id], source_from_row)?.collect::<Result<_, _>>()?;
        }
        Ok(RecordPage { total, records })
    }

    /// The names of everyone who gave evidence to the case, sorted (a small table; it does
    /// not touch the records).
    pub fn contributor_names(&self) -> Result<Vec<String>, VaultError> {
        let mut st = self.conn.prepare("SELECT DISTINCT name FROM contributors ORDER BY name")?;
        let v = st.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
        Ok(v)
    }

    /// The findings about any of `ids`: those on one of these records, and pattern findings
    /// (night contact, flooding…) whose supporting records include one of them.
    pub fn findings_for_records(&self, ids: &[i64]) -> Result<Vec<FindingView>, VaultError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        let sql = format!(
            "{FINDING_SELECT} WHERE f.id IN
                (SELECT finding_id FROM finding_records WHERE record_id IN ({list}))
              ORDER BY f.id"
        );
        self.findings_where(&sql)
    }

    /// All records, in time order.
    pub fn records(&self) -> Result<Vec<RecordView>, VaultError> {
        let mut out = Vec::new();
        self.for_each_record(|r| {
            out.push(r);
            Ok(())
        })?;
        Ok(out)
    }

    /// The original field values of a record, one map per source.
    pub fn originals(&self, record_id: i64) -> Result<Vec<serde_json::Value>, VaultError> {
        let mut st =
            self.conn.prepare("SELECT original FROM record_sources WHERE record_id = ?1")?;
        let v = st
            .query_map([record_id], |r| r.get::<_, String>(0))?
            .map(|s| s.map(|s| serde_json::from_str(&s).unwrap_or(serde_json::Value::String(s))))
            .collect::<Result<_, _>>()?;
        Ok(v)
    }

    pub fn findings(&self) -> Result<Vec<FindingView>, VaultError> {
        self.findings_where(&format!("{FINDING_SELECT} ORDER BY f.id"))
    }

    fn findings_where(&self, sql: &str) -> Result<Vec<FindingView>, VaultError> {
        let mut st = self.conn.prepare(sql)?;
        let reviews = crate::review::current(&self.conn)?;
        let rows = st.query_map([], |r| {
            let practice: String = r.get(2)?;
            let json = |i: usize| -> rusqlite::Result<serde_json::Value> {
                let s: String = r.get(i)?;
                Ok(serde_json::from_str(&s).unwrap_or(serde_json::Value::Null))
            };
            Ok(FindingView {
                id: r.get(0)?,
                record_id: r.get(1)?,
                practice: Practice::from_code(&practice).unwrap_or(Practice::LegitReminder),
                rule: r.get(3)?,
                severity: r.get(4)?,
                spans: serde_json::from_value(json(5)?).unwrap_or_default(),
                explanation: r.get(6)?,
                legal_bases: json(7)?,
                record_ids: serde_json::from_value(json(8)?).unwrap_or_default(),
                details: json(9)?,
                rules_version: r.get(10)?,
                finding_key: r.get(11)?,
                review: None,
            })
        })?;
        let mut out: Vec<FindingView> = rows.collect::<Result<_, _>>()?;
        for f in &mut out {
            f.review = reviews.get(&f.finding_key).cloned();
        }
        Ok(out)
    }

    /// Per-record verdicts of the last analysis: (record id, is_collection, practices).
    pub fn classifications(&self) -> Result<Vec<(i64, bool, Vec<Practice>)>, VaultError> {
        let mut st =
            self.conn.prepare("SELECT record_id, is_collection, practices FROM classifications")?;
        let rows = st.query_map([], |r| {
            let p: String = r.get(2)?;
            let codes: Vec<String> = serde_json::from_str(&p).unwrap_or_default();
            Ok((
                r.get(0)?,
                r.get::<_, i64>(1)? != 0,
                codes.iter().filter_map(|c| Practice::from_code(c)).collect(),
            ))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn problems(&self) -> Result<Vec<ProblemView>, VaultError> {
        let mut st = self.conn.prepare(
            "SELECT p.id, p.artifact, a.file_name, p.severity, p.code, p.locator, p.line, p.col,
                    p.message_zh, p.cause_en
               FROM problems p JOIN artifacts a ON a.sha256 = p.artifact ORDER BY p.id",
        )?;
        let rows = st.query_map([], |r| {
            Ok(ProblemView {
                id: r.get(0)?,
                artifact: r.get(1)?,
                file_name: r.get(2)?,
                severity: r.get(3)?,
                code: r.get(4)?,
                locator: r.get(5)?,
                line: r.get(6)?,
                column: r.get(7)?,
                message_zh: r.get(8)?,
                cause_en: r.get(9)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn artifacts(&self) -> Result<Vec<ArtifactView>, VaultError> {
        let mut st = self.conn.prepare(
            "SELECT a.sha256, a.size, a.file_name, a.format, c.name, c.relation, a.imported_at, a.importer,
                    a.status, a.records, a.problems, a.device
               FROM artifacts a JOIN contributors c ON c.id = a.contributor_id ORDER BY a.imported_at, a.rowid",
        )?;
        let rows = st.query_map([], |r| {
            Ok(ArtifactView {
                sha256: r.get(0)?,
                size: r.get(1)?,
                file_name: r.get(2)?,
                format: r.get(3)?,
                contributor: r.get(4)?,
                relation: r.get(5)?,
                imported_at: r.get(6)?,
                importer: r.get(7)?,
                status: r.get(8)?,
                records: r.get(9)?,
                problems: r.get(10)?,
                device: r.get(11)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Starts replacing the stored analysis: one transaction that deletes the previous
    /// findings and classifications, takes the new ones as detection produces them (so an
    /// analysis never holds them all in memory) and, at [`AnalysisWriter::commit`], appends
    /// the `analyze` log entry with the counts and what changed since the previous run.
    /// Dropped without a commit, nothing changes.
    pub fn begin_analysis(
        &mut self,
        rules_version: &str,
    ) -> Result<AnalysisWriter<'_>, VaultError> {
        let tx = self.conn.transaction()?;
        let previous_count: i64 =
            tx.query_row("SELECT count(*) FROM findings", [], |r| r.get(0))?;
        let previous = crate::review::Previous::load(&tx)?;
        tx.execute("DELETE FROM finding_records", [])?;
        tx.execute("DELETE FROM findings", [])?;
        tx.execute("DELETE FROM classifications", [])?;
        Ok(AnalysisWriter {
            tx,
            rules_version: rules_version.to_string(),
            previous_count,
            previous,
            state: AnalysisState::default(),
        })
    }

    /// Appends a log entry for a change made outside the tables above (e.g. a report written).
    pub fn log_event(
        &mut self,
        action: &str,
        detail: &serde_json::Value,
    ) -> Result<LogEntryRef, VaultError> {
        let tx = self.conn.transaction()?;
        let e = log::append(&tx, action, detail)?;
        tx.commit()?;
        Ok(LogEntryRef { seq: e.seq, hash: e.hash })
    }
}

/// A short reference to a log entry.
#[derive(Debug, Clone, Serialize)]
pub struct LogEntryRef {
    pub seq: i64,
    pub hash: String,
}

/// An analysis being stored (see [`Case::begin_analysis`]).
pub struct AnalysisWriter<'c> {
    tx: rusqlite::Transaction<'c>,
    rules_version: String,
    previous_count: i64,
    previous: crate::review::Previous,
    state: AnalysisState,
}

/// What an analysis keeps of what it stored: the findings' keys (to compare with the previous
/// run) and the counts of its log entry.
#[derive(Default)]
struct AnalysisState {
    keys: std::collections::BTreeSet<String>,
    findings: usize,
    by_practice: std::collections::BTreeMap<&'static str, i64>,
    classified: usize,
    collection: usize,
}

/// Where an analysis writes its classifications and findings.
pub struct AnalysisSink<'a> {
    conn: &'a rusqlite::Connection,
    rules_version: &'a str,
    state: &'a mut AnalysisState,
}

impl AnalysisWriter<'_> {
    /// Calls `f` with every record in time order (undated last), as [`Case::for_each_record`],
    /// and the sink to store what it finds.
    pub fn for_each_record(
        &mut self,
        mut f: impl FnMut(RecordView, &mut AnalysisSink<'_>) -> Result<(), VaultError>,
    ) -> Result<(), VaultError> {
        let mut sink = AnalysisSink {
            conn: &self.tx,
            rules_version: &self.rules_version,
            state: &mut self.state,
        };
        for_each_record_in(&self.tx, |r| f(r, &mut sink))
    }

    /// The sink, outside a walk over the records (findings over many records).
    pub fn sink(&mut self) -> AnalysisSink<'_> {
        AnalysisSink { conn: &self.tx, rules_version: &self.rules_version, state: &mut self.state }
    }

    /// Commits the analysis with its `analyze` log entry; returns the entry's detail, with the
    /// keys that changed under `changes` (the log keeps their counts).
    pub fn commit(self) -> Result<serde_json::Value, VaultError> {
        let st = &self.state;
        let changes = self.previous.changes(&st.keys);
        let detail = serde_json::json!({
            "rules_version": self.rules_version,
            "records_classified": st.classified,
            "collection_messages": st.collection,
            "findings": st.findings,
            "findings_replaced": self.previous_count,
            "by_practice": st.by_practice,
            "changes": changes.counts(),
        });
        log::append(&self.tx, "analyze", &detail)?;
        self.tx.commit()?;
        let mut out = detail;
        out["changes"] = serde_json::to_value(&changes).expect("changes serialise");
        Ok(out)
    }
}

impl AnalysisSink<'_> {
    pub fn classification(&mut self, c: &NewClassification) -> Result<(), VaultError> {
        let codes: Vec<&str> = c.practices.iter().map(|p| p.code()).collect();
        self.conn
            .prepare_cached(
                "INSERT INTO classifications (record_id, is_collection, practices) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![
                c.record_id,
                c.is_collection as i64,
                serde_json::to_string(&codes).expect("strings serialise")
            ])?;
        self.state.classified += 1;
        self.state.collection += c.is_collection as usize;
        Ok(())
    }

    pub fn finding(&mut self, f: &NewFinding) -> Result<(), VaultError> {
        let key = crate::review::finding_key(f);
        self.conn
            .prepare_cached(
                "INSERT INTO findings (record_id, practice, rule, severity, spans, explanation, legal_bases,
                                       record_ids, details, rules_version, finding_key)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?
            .execute(params![
                f.record_id,
                f.practice.code(),
                f.rule,
                f.severity,
                serde_json::to_string(&f.spans).expect("spans serialise"),
                f.explanation,
                f.legal_bases.to_string(),
                serde_json::to_string(&f.record_ids).expect("ids serialise"),
                f.details.to_string(),
                self.rules_version,
                key,
            ])?;
        let id = self.conn.last_insert_rowid();
        let mut link = self.conn.prepare_cached(
            "INSERT OR IGNORE INTO finding_records (record_id, finding_id) VALUES (?1, ?2)",
        )?;
        for r in f.record_id.iter().chain(&f.record_ids) {
            link.execute(params![r, id])?;
        }
        self.state.keys.insert(key);
        self.state.findings += 1;
        *self.state.by_practice.entry(f.practice.code()).or_insert(0) += 1;
        Ok(())
    }
}

/// Every record of `conn`'s case with its sources, in time order (undated last).
fn for_each_record_in(
    conn: &rusqlite::Connection,
    mut f: impl FnMut(RecordView) -> Result<(), VaultError>,
) -> Result<(), VaultError> {
    let sql = format!("{RECORD_SELECT} ORDER BY r.time_ms IS NULL, r.time_ms, r.id");
    let mut stmt = conn.prepare(&sql)?;
    let mut src = conn.prepare(SOURCES_SELECT)?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let mut rec = record_from_row(row)?;
        rec.sources = src.query_map([rec.id], source_from_row)?.collect::<Result<_, _>>()?;
        f(rec)?;
    }
    Ok(())
}

#[cfg(test)]
mod analysis_tests {
    use super::*;
    use std::path::Path;

    fn finding(record_id: i64, rule: &str) -> NewFinding {
        NewFinding {
            record_id: Some(record_id),
            practice: Practice::Threat,
            rule: rule.into(),
            severity: "serious".into(),
            spans: vec![[0, 2]],
            explanation: "威胁".into(),
            legal_bases: std::sync::Arc::new(serde_json::json!([])),
            record_ids: vec![record_id],
            details: serde_json::json!({}),
        }
    }

    fn count(case: &Case, table: &str) -> i64 {
        case.conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap()
    }

    /// An analysis streamed through the writer replaces the previous one only when it commits:
    /// a writer dropped half-way (an error in detection, Ctrl-C) leaves the stored analysis and
    /// the log as they were. The next run tells what changed by finding key.
    #[test]
    fn an_analysis_replaces_the_previous_one_only_when_it_commits() {
        let dir = tempfile::tempdir().unwrap();
        let mut case = Case::init(&dir.path().join("c"), "t").unwrap();
        // The hostile-SMS fixture: real collection texts with markup in them (a few records).
        let fixture =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../anjing/tests/data/hostile-sms.xml");
        case.import_file(&fixture, "本人", "").unwrap();
        let mut ids = Vec::new();
        case.for_each_record(|r| {
            ids.push(r.id);
            Ok(())
        })
        .unwrap();
        assert!(ids.len() >= 2);

        let mut w = case.begin_analysis("v1").unwrap();
        let mut seen = 0;
        w.for_each_record(|r, sink| {
            seen += 1;
            sink.classification(&NewClassification {
                record_id: r.id,
                is_collection: true,
                practices: vec![Practice::Threat],
            })?;
            sink.finding(&finding(r.id, "threat.a"))
        })
        .unwrap();
        assert_eq!(seen, ids.len());
        let first = w.commit().unwrap();
        assert_eq!(first["findings"], ids.len());
        assert_eq!(first["records_classified"], ids.len());
        assert_eq!(first["by_practice"]["threat"], ids.len());
        assert_eq!(count(&case, "finding_records"), ids.len() as i64);
        let log_len = count(&case, "log");

        // Dropped without a commit: nothing changes.
        let mut w = case.begin_analysis("v2").unwrap();
        w.sink().finding(&finding(ids[0], "threat.b")).unwrap();
        drop(w);
        assert_eq!(count(&case, "findings"), ids.len() as i64);
        assert_eq!(count(&case, "classifications"), ids.len() as i64);
        assert_eq!(count(&case, "log"), log_len);

        // A second run with one finding kept and one new: the changes say so.
        let mut w = case.begin_analysis("v2").unwrap();
        w.sink().finding(&finding(ids[0], "threat.a")).unwrap();
        w.sink().finding(&finding(ids[1], "threat.b")).unwrap();
        let second = w.commit().unwrap();
        assert_eq!(second["findings_replaced"], ids.len());
        assert_eq!(second["changes"]["kept"], 1);
        assert_eq!(
            second["changes"]["added"],
            serde_json::json!([format!("r{}:threat:threat.b", ids[1])])
        );
        assert_eq!(second["changes"]["removed"].as_array().unwrap().len(), ids.len() - 1);
        assert_eq!(count(&case, "findings"), 2);
        assert_eq!(count(&case, "classifications"), 0);
    }
}
