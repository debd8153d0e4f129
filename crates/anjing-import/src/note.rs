//! The manual contact log: `anjing note add` writes one small canonical JSON
//! document per note, which is stored like any other original and read back
//! by this importer as one record of kind `note`.
//!
//! Document (keys sorted, UTF-8, no whitespace — [`document`] writes it):
//! `{"anjing_note":1,"from":"本人","kind":"visit","number":"171…","relation":"","summary":"…","time":"2026-01-05 22:13","written_at":"2026-…Z"}`

use std::collections::BTreeMap;
use std::io::BufRead;

use anjing_model::time::TimeUnit;
use anjing_model::{Direction, RecordKind};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{ImportError, ImportStats, Locator, Problem, RawRecord, RecordSink, Severity};

/// Largest note document read.
const MAX_NOTE: u64 = 1 << 20;
const MARKER: &[u8] = b"{\"anjing_note\":";

/// What a person noted about one contact.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Note {
    /// Format version (1).
    pub anjing_note: u32,
    /// `call`, `sms`, `visit`, `wechat` (others are kept as written).
    pub kind: String,
    /// When it happened, Asia/Shanghai wall clock as typed.
    pub time: String,
    #[serde(default)]
    pub number: String,
    pub summary: String,
    /// Who wrote the note and their relation to the borrower.
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub relation: String,
    /// When the note was written (UTC, RFC 3339).
    #[serde(default)]
    pub written_at: String,
}

/// The kinds `anjing note add --kind` accepts.
pub const NOTE_KINDS: &[(&str, &str)] =
    &[("call", "电话"), ("sms", "短信"), ("visit", "上门"), ("wechat", "微信")];

/// The canonical bytes of a note (sorted keys, compact).
pub fn document(note: &Note) -> Vec<u8> {
    let v = serde_json::to_value(note).unwrap_or(Value::Null);
    // serde_json's Map is a BTreeMap without `preserve_order`: keys come out sorted.
    serde_json::to_vec(&v).unwrap_or_default()
}

pub(crate) fn looks_like_note(head: &[u8]) -> bool {
    head.trim_ascii_start().starts_with(MARKER)
}

/// Reads a note document: one record of kind `note`.
pub fn import<R: BufRead>(
    reader: R,
    sink: &mut dyn RecordSink,
) -> Result<ImportStats, ImportError> {
    let mut buf = Vec::new();
    std::io::Read::read_to_end(&mut std::io::Read::take(reader, MAX_NOTE), &mut buf)?;
    let value: Value = serde_json::from_slice(&buf).map_err(|e| ImportError::NotAnExport {
        reason_zh: "手记文件不是有效的 JSON".into(),
        reason_en: format!("note: {e}"),
    })?;
    let note: Note =
        serde_json::from_value(value.clone()).map_err(|e| ImportError::NotAnExport {
            reason_zh: "手记文件缺少必要的字段".into(),
            reason_en: format!("note: {e}"),
        })?;
    let original: BTreeMap<String, Value> = match value {
        Value::Object(m) => m.into_iter().collect(),
        _ => BTreeMap::new(),
    };
    let time = crate::table::parse_wall_clock(&note.time);
    let locator = Locator { path: "/".into(), index: 0, line: 1, column: 1, offset: 0 };
    sink.record(RawRecord {
        kind: RecordKind::Note,
        direction: Direction::In,
        counterparty: note.number.clone(),
        time,
        time_raw: note.time.clone(),
        time_unit: TimeUnit::ShanghaiText,
        text: Some(note.summary.clone()),
        duration_s: None,
        call_result: None,
        locator: locator.clone(),
        original,
    })?;
    let mut stats = ImportStats { records: 1, ..Default::default() };
    if time.is_none() {
        stats.problems += 1;
        sink.problem(Problem {
            severity: Severity::Damaged,
            code: "bad_time".into(),
            locator: Some(locator),
            message_zh: format!("手记的时间“{}”无法识别，记录已保留", note.time),
            cause_en: "unreadable note time".into(),
        })?;
    }
    Ok(stats)
}
