/*!
Importers: one module per phone-export format, all behind one seam.

An importer reads an original file *as a stream* and hands what it finds to a
[`RecordSink`]: records ([`RawRecord`]) and problems ([`Problem`]). It never
writes anywhere itself; the vault decides what is stored.

**Architecture invariant:** an importer never drops a record silently. What it
cannot fully read is either delivered with its raw fields and a problem, or
reported as a problem that names the file position and the reason.

**Architecture invariant:** importers know nothing of detection, the law or the
case database.
*/

use std::collections::BTreeMap;

use anjing_model::time::TimeUnit;
use anjing_model::{CallResult, Direction, RecordKind};
use jiff::Timestamp;
use serde::Serialize;

pub mod sbr;
pub mod sniff;
pub mod unescape;

pub use sniff::{Format, sniff};

/// Where a record or problem sits in its artifact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Locator {
    /// A path anyone can evaluate against the original file. For XML exports it
    /// is an XPath with 1-based positions among same-named siblings, e.g.
    /// `/smses/sms[5]` (try `xmllint --xpath '/smses/sms[5]' file.xml`).
    pub path: String,
    /// 0-based index of the record element among all record elements of the file.
    pub index: u64,
    /// 1-based line and column of the element's start tag (0 when unknown).
    pub line: u64,
    pub column: u64,
    /// Byte offset of the element's start in the file.
    pub offset: u64,
}

/// One event as read from an export, before the vault normalises and stores it.
#[derive(Debug, Clone, Serialize)]
pub struct RawRecord {
    pub kind: RecordKind,
    pub direction: Direction,
    /// The other party exactly as exported ("" when the export has none).
    pub counterparty: String,
    /// The derived UTC instant; `None` when the raw value could not be read
    /// (then a problem was reported too).
    pub time: Option<Timestamp>,
    /// The raw time value exactly as exported.
    pub time_raw: String,
    pub time_unit: TimeUnit,
    /// Message text (SMS body, MMS text parts joined by newlines, note summary).
    pub text: Option<String>,
    /// Call duration in seconds.
    pub duration_s: Option<i64>,
    pub call_result: Option<CallResult>,
    pub locator: Locator,
    /// Every original attribute/field of the record, decoded but otherwise
    /// untouched, unknown ones included. Nested structures (MMS parts and
    /// addresses) are kept under their own keys as JSON arrays.
    pub original: BTreeMap<String, serde_json::Value>,
}

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Something was odd but nothing was lost (e.g. a lone surrogate replaced by U+FFFD).
    Warning,
    /// A record was kept with missing or unreadable fields.
    Damaged,
    /// A part of the file could not be read at all (cut off, broken markup).
    Unreadable,
}

/// Something an importer could not read cleanly.
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    pub severity: Severity,
    /// A stable machine code, e.g. `bad_date`, `missing_attribute`, `truncated`.
    pub code: String,
    /// Where, when known.
    pub locator: Option<Locator>,
    /// Plain Chinese for the user.
    pub message_zh: String,
    /// The technical cause in English.
    pub cause_en: String,
}

/// Receives what an importer reads. The vault implements it inside one transaction.
pub trait RecordSink {
    fn record(&mut self, record: RawRecord) -> Result<(), SinkError>;
    fn problem(&mut self, problem: Problem) -> Result<(), SinkError>;
}

/// The sink failed (e.g. the database); the import must stop and roll back.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct SinkError(pub String);

/// What an importer counted.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportStats {
    pub records: u64,
    pub problems: u64,
    /// Whether the file ended before its markup was complete (cut off).
    pub truncated: bool,
}

/// Errors that stop an import before or while reading.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Not an export this program knows: nothing is imported.
    #[error("不是可识别的手机导出文件：{reason_zh} (not a recognised export: {reason_en})")]
    NotAnExport { reason_zh: String, reason_en: String },
    #[error("读取文件失败 (I/O error): {0}")]
    Io(#[from] std::io::Error),
    #[error("保存失败 (sink error): {0}")]
    Sink(#[from] SinkError),
}

/// Reads `reader` as `format` and streams everything to `sink`.
pub fn import<R: std::io::BufRead>(
    format: Format,
    reader: R,
    sink: &mut dyn RecordSink,
) -> Result<ImportStats, ImportError> {
    match format {
        Format::SbrMessages | Format::SbrCalls => sbr::import(reader, sink),
    }
}
