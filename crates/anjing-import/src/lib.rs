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

pub mod adts;
pub mod amr;
pub mod android;
pub mod container;
pub mod db;
pub mod ios;
pub mod media;
pub mod note;
pub mod sbr;
pub mod smsie;
pub mod sniff;
pub mod table;
pub mod typedstream;
pub mod unescape;
pub mod wal;

pub use sniff::{Format, sniff};

/// Artifact format code of an MMS part's media stored for the MMS that names it
/// (from an sms-ie export), not imported on its own.
pub const MMS_PART: &str = "mms_part";
/// Artifact format code of a database's write-ahead log (`NAME-wal`), stored
/// and applied to a copy of the database ([`wal::apply`]).
pub const SQLITE_WAL: &str = "sqlite_wal";

/// The plain Chinese name of a stored artifact format code: a [`Format`]'s
/// [`Format::name_zh`], the companion files' own names ([`MMS_PART`],
/// [`SQLITE_WAL`]), and the code itself for a code this version does not know
/// (shown as stored rather than hidden).
pub fn artifact_format_name_zh(code: &str) -> &str {
    match code {
        MMS_PART => "彩信附件（图片、录音等）",
        SQLITE_WAL => "数据库的预写日志（-wal）",
        other => Format::from_code(other).map(Format::name_zh).unwrap_or(other),
    }
}

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
    /// A container was refused as a whole (zip bomb, too many entries): nothing is imported.
    #[error("拒绝导入：{reason_zh} (refused: {reason_en})")]
    Refused { reason_zh: String, reason_en: String },
}

/// What the user (or the file's name) tells about a file beyond its bytes.
#[derive(Debug, Clone, Default)]
pub struct Hints {
    /// The file's name, or a ZIP member's path: recorders and screenshot tools
    /// put a number and a time into it.
    pub file_name: String,
    /// `--number`: the other party of a screenshot or recording.
    pub number: Option<String>,
    /// `--time`: when it happened, Asia/Shanghai wall clock.
    pub time: Option<String>,
    /// `--map 时间=time,号码=number`: spreadsheet header → field (see [`table`]).
    pub column_map: Vec<(String, String)>,
    /// Files that came with this one and belong to its records, by their path
    /// relative to this file's folder (`data/PART_1767621185000.jpg` next to an
    /// sms-ie `messages.ndjson` in its ZIP): the MMS parts' media, already
    /// stored as artifacts of their own. The importer links each record to
    /// the ones it names (see [`smsie`]).
    pub attachments: BTreeMap<String, Attachment>,
}

/// A stored file that belongs to records of another one (an MMS part's media).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attachment {
    /// SHA-256 of the stored bytes: the artifact (and blob) name.
    pub sha256: String,
    /// Where it came from, as an artifact's file name: `导出.zip!/data/PART_1.jpg`.
    pub member: String,
    pub size: u64,
    /// What the media says of itself ([`media::describe_file`]): codec, duration, EXIF time…
    pub meta: Option<serde_json::Value>,
}

/// Largest file the in-memory paths of [`import`] buffer (XLSX, media) when
/// the reader cannot seek; the vault always uses [`import_with`] on the stored copy.
pub const MAX_BUFFERED: u64 = 512 * 1024 * 1024;

/// Like [`import`], for a seekable reader (the vault's stored copy), with the user's hints.
pub fn import_with<R: std::io::BufRead + std::io::Seek>(
    format: Format,
    reader: R,
    hints: &Hints,
    sink: &mut dyn RecordSink,
) -> Result<ImportStats, ImportError> {
    match format {
        Format::Csv => table::import_csv(reader, hints, sink),
        Format::Xlsx => table::import_xlsx(reader, hints, sink),
        Format::Image | Format::Audio => media::import(format, reader, hints, sink),
        Format::Note => note::import(reader, sink),
        Format::Zip => container::list(reader, hints, sink),
        Format::SmsIe => smsie::import_with(reader, hints, sink),
        other => import(other, reader, sink),
    }
}

/// Checks, before anything is stored, that a sniffed file can really be
/// imported with these hints (a table has a time or number column, a ZIP is
/// no bomb). Refusals are [`ImportError::NotAnExport`] or [`ImportError::Refused`].
pub fn confirm<R: std::io::BufRead + std::io::Seek>(
    format: Format,
    reader: R,
    hints: &Hints,
) -> Result<(), ImportError> {
    match format {
        Format::Csv => table::confirm_csv(reader, hints),
        Format::Xlsx => table::confirm_xlsx(reader, hints),
        Format::Zip => container::confirm(reader, &container::Limits::default()).map(|_| ()),
        _ => Ok(()),
    }
}

fn buffered<R: std::io::Read>(reader: R) -> Result<std::io::Cursor<Vec<u8>>, ImportError> {
    use std::io::Read as _;
    let mut buf = Vec::new();
    reader.take(MAX_BUFFERED + 1).read_to_end(&mut buf)?;
    if buf.len() as u64 > MAX_BUFFERED {
        return Err(ImportError::Refused {
            reason_zh: "文件太大，无法在内存中读取".into(),
            reason_en: format!("larger than {MAX_BUFFERED} bytes for an unseekable reader"),
        });
    }
    Ok(std::io::Cursor::new(buf))
}

/// Reads `reader` as `format` and streams everything to `sink`.
pub fn import<R: std::io::BufRead>(
    format: Format,
    reader: R,
    sink: &mut dyn RecordSink,
) -> Result<ImportStats, ImportError> {
    match format {
        Format::SbrMessages | Format::SbrCalls => sbr::import(reader, sink),
        Format::SmsIe => smsie::import(reader, sink),
        Format::Sqlite
        | Format::AndroidMmsSms
        | Format::AndroidCallLog
        | Format::IosSms
        | Format::IosCallHistory => Err(ImportError::Io(std::io::Error::other(format!(
            "数据库需要按文件路径读取 (format {} needs a file path: use import_path)",
            format.code()
        )))),
        Format::Csv => table::import_csv(reader, &Hints::default(), sink),
        Format::Note => note::import(reader, sink),
        Format::Xlsx | Format::Image | Format::Audio | Format::Zip => {
            import_with(format, buffered(reader)?, &Hints::default(), sink)
        }
    }
}

impl Format {
    /// Whether this format is read from a file path ([`import_path`]) rather than a stream.
    pub fn needs_path(self) -> bool {
        matches!(
            self,
            Format::Sqlite
                | Format::AndroidMmsSms
                | Format::AndroidCallLog
                | Format::IosSms
                | Format::IosCallHistory
        )
    }
}

/// Second sniffing step for formats the head bytes cannot settle: a SQLite
/// database is opened (immutable, read-only: nothing is written next to it)
/// and its schema picked by its tables. An unknown schema is
/// [`ImportError::NotAnExport`] naming the tables. Other formats pass unchanged.
pub fn refine(format: Format, path: &std::path::Path) -> Result<Format, ImportError> {
    match format {
        Format::Sqlite => db::sniff_db(path),
        other => Ok(other),
    }
}

/// Reads the file at `path` as `format`: databases are opened immutable and
/// read-only ([`db::open_immutable`]); streaming formats are read through a
/// buffer as by [`import`]. The vault passes the stored copy's path.
pub fn import_path(
    format: Format,
    path: &std::path::Path,
    sink: &mut dyn RecordSink,
) -> Result<ImportStats, ImportError> {
    match refine(format, path)? {
        Format::AndroidMmsSms => android::import_mmssms(path, sink),
        Format::AndroidCallLog => android::import_calllog(path, sink),
        Format::IosSms => ios::import_sms(path, sink),
        Format::IosCallHistory => ios::import_call_history(path, sink),
        other => {
            let file = std::fs::File::open(path)?;
            import(other, std::io::BufReader::with_capacity(1 << 16, file), sink)
        }
    }
}

/// Publishes how far an import has got, in bytes of the file (see [`import_stored`]).
pub type Progress<'a> = &'a dyn Fn(u64);

/// A reader that publishes how many bytes have been consumed.
struct Counted<'p, R> {
    inner: R,
    pos: u64,
    shown: u64,
    progress: Progress<'p>,
}

impl<R> Counted<'_, R> {
    fn advance(&mut self, n: u64) {
        self.pos += n;
        if self.pos - self.shown >= PROGRESS_STEP {
            self.shown = self.pos;
            (self.progress)(self.pos);
        }
    }
}

/// Progress is published at most every this many bytes.
const PROGRESS_STEP: u64 = 64 * 1024;

impl<R: std::io::Read> std::io::Read for Counted<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.advance(n as u64);
        Ok(n)
    }
}

impl<R: std::io::BufRead> std::io::BufRead for Counted<'_, R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }
    fn consume(&mut self, amt: usize) {
        self.inner.consume(amt);
        self.advance(amt as u64);
    }
}

impl<R: std::io::Seek> std::io::Seek for Counted<'_, R> {
    fn seek(&mut self, to: std::io::SeekFrom) -> std::io::Result<u64> {
        self.pos = self.inner.seek(to)?;
        Ok(self.pos)
    }
}

/// A sink that counts the records of a database and publishes the share read
/// so far, scaled to the file's size (a database is not read front to back).
struct CountingSink<'s, 'p> {
    inner: &'s mut dyn RecordSink,
    done: u64,
    rows: u64,
    size: u64,
    shown: u64,
    progress: Progress<'p>,
}

impl RecordSink for CountingSink<'_, '_> {
    fn record(&mut self, record: RawRecord) -> Result<(), SinkError> {
        self.inner.record(record)?;
        self.done += 1;
        let at = ((self.done.min(self.rows) as u128 * self.size as u128) / self.rows.max(1) as u128)
            as u64;
        if at.saturating_sub(self.shown) >= PROGRESS_STEP {
            self.shown = at;
            (self.progress)(at);
        }
        Ok(())
    }
    fn problem(&mut self, problem: Problem) -> Result<(), SinkError> {
        self.inner.problem(problem)
    }
}

/// Reads a stored file at `path` with the user's `hints`, whatever its format
/// (a ZIP only lists its members: the vault imports them), and tells
/// `progress` how far it has got in bytes of the file: streaming formats as
/// they are read, databases by the share of their rows delivered (counted
/// first with `count(*)` on the tables that hold the records).
pub fn import_stored(
    format: Format,
    path: &std::path::Path,
    hints: &Hints,
    sink: &mut dyn RecordSink,
    progress: Progress<'_>,
) -> Result<ImportStats, ImportError> {
    let size = std::fs::metadata(path)?.len();
    let format = refine(format, path)?;
    if format.needs_path() {
        let rows = wal::count_records(format, path).unwrap_or(0);
        if rows == 0 {
            return import_path(format, path, sink);
        }
        let mut counting = CountingSink { inner: sink, done: 0, rows, size, shown: 0, progress };
        return import_path(format, path, &mut counting);
    }
    let file = std::fs::File::open(path)?;
    let reader = Counted {
        inner: std::io::BufReader::with_capacity(1 << 16, file),
        pos: 0,
        shown: 0,
        progress,
    };
    match format {
        Format::SmsIe => smsie::import_with(reader, hints, sink),
        other => import_with(other, reader, hints, sink),
    }
}

/// Earliest plausible time of a phone record (no export holds events before 2000).
pub const PLAUSIBLE_FROM_MS: i64 = 946_684_800_000;

/// Checks a derived time: before 2000-01-01 or more than a day after now
/// (year 1970, a unit mix-up such as seconds read as milliseconds) gives an
/// `implausible_time` warning. The record is kept as read either way.
pub fn time_sanity(
    time: Option<Timestamp>,
    raw: &str,
    unit: TimeUnit,
    locator: &Locator,
) -> Option<Problem> {
    let t = time?;
    let latest = Timestamp::now().as_millisecond().saturating_add(86_400_000);
    let ms = t.as_millisecond();
    if (PLAUSIBLE_FROM_MS..=latest).contains(&ms) {
        return None;
    }
    let shown = anjing_model::time::display(t);
    let when = if ms < PLAUSIBLE_FROM_MS { "早于 2000 年" } else { "晚于当前时间" };
    let place = if locator.line > 0 {
        format!("第 {} 行的记录", locator.line)
    } else {
        format!("记录 {} ", locator.path)
    };
    Some(Problem {
        severity: Severity::Warning,
        code: "implausible_time".into(),
        locator: Some(locator.clone()),
        message_zh: format!(
            "{place}的时间 {shown}（北京时间）{when}，可能是时间单位或时钟错误；记录已保留，原始值为 {raw}"
        ),
        cause_en: format!(
            "time {} from raw {raw:?} ({}) is before 2000 or more than a day in the future",
            anjing_model::time::rfc3339_utc(t),
            unit.code()
        ),
    })
}

#[cfg(test)]
mod naming_tests {
    use super::*;

    #[test]
    fn every_artifact_format_has_a_chinese_name_and_unknown_codes_show_as_stored() {
        for f in Format::ALL {
            assert_eq!(artifact_format_name_zh(f.code()), f.name_zh());
        }
        assert_eq!(artifact_format_name_zh("mms_part"), "彩信附件（图片、录音等）");
        assert_eq!(artifact_format_name_zh("sqlite_wal"), "数据库的预写日志（-wal）");
        assert_eq!(artifact_format_name_zh("from_the_future"), "from_the_future");
    }
}
