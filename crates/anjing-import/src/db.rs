/*!
Reading phone databases (SQLite) as evidence: opened immutable and read-only,
so nothing — no journal, no `-wal`, no `-shm` — is ever created next to the
file and not a byte of it changes.

The vault hands the *stored copy* (the blob) to [`crate::import_path`]. Which
schema a database holds is decided by its tables ([`detect`]), never by the
file name. Tables are read by rowid in ascending order; columns are picked by
name (after the statement names them), never by position, so any AOSP or iOS
version and any vendor's extra columns are read alike and every column of a
row is kept in [`RawRecord::original`](crate::RawRecord::original):
INTEGER and REAL as JSON numbers, TEXT as strings, NULL as `null`, and BLOBs
as `{"blob_len": n, "sha256": "…"}` (plus `"hex"` for blobs of at most
[`BLOB_HEX_MAX`] bytes).

A damaged database is read as far as it can be: when SQLite reports a
corrupt page while a table is scanned, the rows before it are kept, an
`unreadable_rows` problem names the table and the last rowid read, and the
scan tries to resume after it with growing jumps (a damaged leaf page loses
only its own rows).
*/

use std::collections::BTreeMap;
use std::path::Path;

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags, Row};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::{
    Format, ImportError, ImportStats, Locator, Problem, RawRecord, RecordSink, Severity,
    time_sanity,
};

/// The first 16 bytes of every SQLite 3 database file.
pub const SQLITE_MAGIC: &[u8] = b"SQLite format 3\0";

/// BLOBs up to this many bytes are also kept as hex in `original`.
pub const BLOB_HEX_MAX: usize = 256;

/// The alias under which the scanner selects each row's rowid.
const ROWID: &str = "__anjing_rowid";

/// Opens `path` immutable and read-only (`file:…?immutable=1`, `SQLITE_OPEN_READ_ONLY |
/// SQLITE_OPEN_URI`): SQLite takes no lock, creates no `-wal`/`-shm`/journal and
/// never writes; views and triggers of the file cannot call functions
/// (`trusted_schema = OFF`).
pub fn open_immutable(path: &Path) -> Result<Connection, rusqlite::Error> {
    let uri = format!("file:{}?mode=ro&immutable=1", uri_path(path));
    let conn = Connection::open_with_flags(
        uri,
        OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.execute_batch("PRAGMA trusted_schema = OFF; PRAGMA query_only = ON;")?;
    check_column_names(&conn)?;
    Ok(conn)
}

/// Refuses a schema with a column name that is not UTF-8 (a damaged or crafted
/// file: SQLite does not check): rusqlite's `Statement::column_names` panics on
/// one, and the importers name the columns of every `SELECT *`. Like a table
/// name that is not UTF-8 (see [`tables`]), it makes the file unreadable.
fn check_column_names(conn: &Connection) -> Result<(), rusqlite::Error> {
    // Every schema entry, whatever its `type` says: SQLite reads a `tablE` row as a table.
    let mut st = conn.prepare("SELECT name FROM sqlite_master")?;
    let owners: Vec<String> = st
        .query_map([], |r| Ok(r.get_ref(0)?.as_str().ok().map(str::to_owned)))?
        .filter_map(|n| n.transpose())
        .collect::<Result<_, _>>()?;
    let mut cols = conn.prepare("SELECT name FROM pragma_table_xinfo(?1)")?;
    for owner in owners {
        // A view that cannot be resolved is the importer's to report, not ours.
        let Ok(mut rows) = cols.query([&owner]) else { continue };
        while let Ok(Some(row)) = rows.next() {
            let name = row.get_ref(0)?;
            if let ValueRef::Text(b) | ValueRef::Blob(b) = name
                && std::str::from_utf8(b).is_err()
            {
                return Err(rusqlite::Error::InvalidColumnName(format!(
                    "{owner}.{} (column name is not UTF-8)",
                    String::from_utf8_lossy(b)
                )));
            }
        }
    }
    Ok(())
}

/// Percent-encodes a path for a `file:` URI (everything but unreserved characters and `/`).
fn uri_path(path: &Path) -> String {
    #[cfg(unix)]
    let bytes: Vec<u8> = {
        use std::os::unix::ffi::OsStrExt;
        path.as_os_str().as_bytes().to_vec()
    };
    #[cfg(not(unix))]
    let bytes: Vec<u8> = {
        let s = path.to_string_lossy().replace('\\', "/");
        // `C:/x` must be written `/C:/x` in a file: URI.
        if s.as_bytes().get(1) == Some(&b':') { format!("/{s}") } else { s }.into_bytes()
    };
    let mut out = String::with_capacity(bytes.len());
    for b in bytes {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else if cfg!(not(unix)) && b == b':' {
            out.push(':');
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The names of the database's tables, sorted.
pub fn tables(conn: &Connection) -> Result<Vec<String>, rusqlite::Error> {
    let mut st =
        conn.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")?;
    let names = st.query_map([], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
    Ok(names)
}

fn has(tables: &[String], name: &str) -> bool {
    tables.iter().any(|t| t.eq_ignore_ascii_case(name))
}

/// Picks the phone-database schema from the table names.
pub fn detect(tables: &[String]) -> Option<Format> {
    if has(tables, "sms") && has(tables, "pdu") {
        Some(Format::AndroidMmsSms)
    } else if has(tables, "calls") {
        Some(Format::AndroidCallLog)
    } else if has(tables, "message") && has(tables, "handle") {
        Some(Format::IosSms)
    } else if has(tables, "ZCALLRECORD") {
        Some(Format::IosCallHistory)
    } else {
        None
    }
}

fn not_export(zh: String, en: String) -> ImportError {
    ImportError::NotAnExport { reason_zh: zh, reason_en: en }
}

/// Opens the database at `path` and names its schema; an unknown schema or an
/// unreadable file is [`ImportError::NotAnExport`] with the reason (and the
/// table names).
pub fn sniff_db(path: &Path) -> Result<Format, ImportError> {
    let unreadable = |e: rusqlite::Error| {
        not_export(
            format!("SQLite 数据库已损坏或无法打开，读不出表结构：{e}"),
            format!("SQLite database cannot be opened or its schema read: {e}"),
        )
    };
    let conn = open_immutable(path).map_err(unreadable)?;
    let names = tables(&conn).map_err(unreadable)?;
    detect(&names).ok_or_else(|| {
        let list = if names.is_empty() { "（无）".to_string() } else { names.join(", ") };
        not_export(
            format!("这是一个 SQLite 数据库，但不是可识别的手机短信/通话数据库（表：{list}）"),
            format!("SQLite database of an unknown schema (tables: {})", names.join(", ")),
        )
    })
}

/// One SQLite value as JSON, as kept in `original`.
pub fn value_json(v: ValueRef<'_>) -> Value {
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::from(i),
        ValueRef::Real(f) => {
            serde_json::Number::from_f64(f).map(Value::Number).unwrap_or(Value::Null)
        }
        ValueRef::Text(t) => Value::String(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => blob_json(b),
    }
}

/// A BLOB as kept in `original`: length, SHA-256 and, when small, hex.
pub fn blob_json(b: &[u8]) -> Value {
    let mut m = serde_json::Map::new();
    m.insert("blob_len".into(), Value::from(b.len() as u64));
    m.insert("sha256".into(), Value::String(hex::encode(Sha256::digest(b))));
    if b.len() <= BLOB_HEX_MAX {
        m.insert("hex".into(), Value::String(hex::encode(b)));
    }
    Value::Object(m)
}

/// The row's columns (by the statement's names, from `skip` on) as an `original` map.
/// A name seen twice keeps both, the later as `name#2`.
pub fn row_map(row: &Row<'_>, names: &[String], skip: usize) -> BTreeMap<String, Value> {
    let mut m = BTreeMap::new();
    for (i, name) in names.iter().enumerate().skip(skip) {
        let v = row.get_ref(i).map(value_json).unwrap_or(Value::Null);
        let mut key = name.clone();
        let mut n = 1;
        while m.contains_key(&key) {
            n += 1;
            key = format!("{name}#{n}");
        }
        m.insert(key, v);
    }
    m
}

/// Text of a row value (TEXT as is, numbers printed, BLOB as UTF-8 without NULs), `None` for NULL.
pub fn text_of(v: ValueRef<'_>) -> Option<String> {
    match v {
        ValueRef::Null => None,
        ValueRef::Integer(i) => Some(i.to_string()),
        ValueRef::Real(f) => Some(f.to_string()),
        ValueRef::Text(t) => Some(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Some(String::from_utf8_lossy(b).trim_matches('\0').to_string()),
    }
}

/// Import state shared by the database importers.
pub struct Ctx<'s> {
    pub sink: &'s mut dyn RecordSink,
    pub stats: ImportStats,
    /// 0-based ordinal of the next record in the file.
    pub index: u64,
}

impl<'s> Ctx<'s> {
    pub fn new(sink: &'s mut dyn RecordSink) -> Self {
        Ctx { sink, stats: ImportStats::default(), index: 0 }
    }

    pub fn problem(&mut self, p: Problem) -> Result<(), ImportError> {
        self.stats.problems += 1;
        self.sink.problem(p)?;
        Ok(())
    }

    /// Delivers a record with its problems (and the time-sanity check).
    pub fn record(&mut self, r: RawRecord, probs: Vec<Problem>) -> Result<(), ImportError> {
        let sanity = time_sanity(r.time, &r.time_raw, r.time_unit, &r.locator);
        self.stats.records += 1;
        self.index += 1;
        self.sink.record(r)?;
        for p in probs.into_iter().chain(sanity) {
            self.problem(p)?;
        }
        Ok(())
    }

    /// A locator for a row: `table/_id=N` (the key column's name, `rowid` when none).
    pub fn locator(&self, table: &str, key: &str, rowid: i64) -> Locator {
        Locator {
            path: format!("{table}/{key}={rowid}"),
            index: self.index,
            line: 0,
            column: 0,
            offset: 0,
        }
    }
}

/// Whether `table` has a column `col` (case-insensitive), by `PRAGMA table_info`.
pub fn columns(conn: &Connection, table: &str) -> Result<Vec<String>, rusqlite::Error> {
    let mut st = conn.prepare(&format!("PRAGMA table_info({})", quote(table)))?;
    let cols = st.query_map([], |r| r.get::<_, String>(1))?.collect::<Result<Vec<_>, _>>()?;
    Ok(cols)
}

/// Quotes an identifier for SQL.
pub fn quote(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

/// The column that names a row in locators: `key` if the table has it, else `rowid`.
pub fn key_name(cols: &[String], key: &str) -> String {
    cols.iter().find(|c| c.eq_ignore_ascii_case(key)).cloned().unwrap_or_else(|| "rowid".into())
}

/// Scans `table` by ascending rowid and calls `each(ctx, rowid, row, names)` for
/// every row; `names[0]` is the rowid alias, the table's own columns follow.
/// Corrupt pages become `unreadable_rows` problems and the scan resumes past them.
pub fn scan_table<F>(
    conn: &Connection,
    ctx: &mut Ctx<'_>,
    table: &str,
    mut each: F,
) -> Result<(), ImportError>
where
    F: FnMut(&mut Ctx<'_>, i64, &Row<'_>, &[String]) -> Result<(), ImportError>,
{
    let sql = format!(
        "SELECT _rowid_ AS {ROWID}, * FROM {} WHERE _rowid_ > ?1 ORDER BY _rowid_",
        quote(table)
    );
    let mut stmt = match conn.prepare(&sql) {
        Ok(s) => s,
        Err(e) => {
            return ctx.problem(Problem {
                severity: Severity::Unreadable,
                code: "unreadable_table".into(),
                locator: Some(Locator {
                    path: table.into(),
                    index: ctx.index,
                    line: 0,
                    column: 0,
                    offset: 0,
                }),
                message_zh: format!(
                    "数据库表 {table} 无法读取（文件可能已损坏），其中的记录未能导入"
                ),
                cause_en: format!("cannot prepare a scan of table {table}: {e}"),
            });
        }
    };
    let names: Vec<String> = stmt.column_names().map(str::to_owned).collect();
    // Resume point, last rowid read, and an open gap (last good rowid, first error).
    let mut after = i64::MIN;
    let mut last_good = i64::MIN;
    let mut gap: Option<(i64, String)> = None;
    let mut jump: i64 = 1;
    'probe: loop {
        let mut rows = match stmt.query([after]) {
            Ok(r) => r,
            Err(e) => {
                gap.get_or_insert((last_good, e.to_string()));
                if !advance(&mut after, &mut jump) {
                    break 'probe;
                }
                continue 'probe;
            }
        };
        loop {
            match rows.next() {
                Ok(Some(row)) => {
                    let rowid: i64 = row.get(0).unwrap_or(after.saturating_add(1));
                    if rowid <= after {
                        // A damaged b-tree can hand back a row before the resume
                        // point: skip it, so the scan only moves forward (no row
                        // twice, no endless re-probing of the same pages).
                        continue;
                    }
                    if let Some((from, cause)) = gap.take() {
                        gap_problem(ctx, table, from, Some(rowid), &cause)?;
                    }
                    jump = 1;
                    after = rowid;
                    last_good = rowid;
                    each(ctx, rowid, row, &names)?;
                }
                Ok(None) => break 'probe,
                Err(e) => {
                    gap.get_or_insert((last_good, e.to_string()));
                    if !advance(&mut after, &mut jump) {
                        break 'probe;
                    }
                    continue 'probe;
                }
            }
        }
    }
    if let Some((from, cause)) = gap.take() {
        gap_problem(ctx, table, from, None, &cause)?;
    }
    Ok(())
}

/// Moves the resume point forward by a doubling jump; false when nothing is left to try.
fn advance(after: &mut i64, jump: &mut i64) -> bool {
    if *jump > (1 << 40) {
        return false;
    }
    match after.checked_add(*jump) {
        Some(a) if *after != i64::MIN => {
            *after = a;
            *jump = jump.saturating_mul(2);
            true
        }
        // Failed before the first row: probe from rowid 0 upwards.
        _ if *after == i64::MIN => {
            *after = 0;
            true
        }
        _ => false,
    }
}

fn gap_problem(
    ctx: &mut Ctx<'_>,
    table: &str,
    from: i64,
    to: Option<i64>,
    cause: &str,
) -> Result<(), ImportError> {
    let from_txt = if from == i64::MIN { "开头".to_string() } else { format!("rowid {from}") };
    let (zh, en) = match to {
        Some(to) => (
            format!(
                "数据库表 {table} 中 {from_txt} 之后、rowid {to} 之前的行无法读取（数据页损坏），可能有记录缺失；其余记录已导入"
            ),
            format!(
                "table {table}: rows after {from_txt} and before rowid {to} unreadable: {cause}"
            ),
        ),
        None => (
            format!(
                "数据库表 {table} 中 {from_txt} 之后的行无法读取（数据页损坏），可能有记录缺失；之前的记录已导入"
            ),
            format!("table {table}: rows after {from_txt} unreadable: {cause}"),
        ),
    };
    ctx.problem(Problem {
        severity: Severity::Unreadable,
        code: "unreadable_rows".into(),
        locator: Some(Locator {
            path: format!("{table}/rowid>{}", if from == i64::MIN { 0 } else { from }),
            index: ctx.index,
            line: 0,
            column: 0,
            offset: 0,
        }),
        message_zh: zh,
        cause_en: en,
    })
}

/// A child row: its parent id (when readable) and its columns.
type ChildRow = (Option<i64>, BTreeMap<String, Value>);

/// Child rows (MMS parts, addresses) read in one pass ordered by their parent id,
/// handed out parent by parent while the parents are scanned in id order.
pub struct Children<'s> {
    rows: Option<rusqlite::Rows<'s>>,
    names: Vec<String>,
    parent_col: usize,
    table: &'static str,
    pending: Option<ChildRow>,
}

impl<'s> Children<'s> {
    /// `stmt` must select `*` from `table` ordered by `parent_col`.
    pub fn new(
        stmt: Option<&'s mut rusqlite::Statement<'_>>,
        table: &'static str,
        parent_col: &str,
        ctx: &mut Ctx<'_>,
    ) -> Result<Self, ImportError> {
        let mut me =
            Children { rows: None, names: Vec::new(), parent_col: 0, table, pending: None };
        let Some(stmt) = stmt else { return Ok(me) };
        me.names = stmt.column_names().map(str::to_owned).collect();
        me.parent_col =
            me.names.iter().position(|n| n.eq_ignore_ascii_case(parent_col)).unwrap_or(0);
        match stmt.query([]) {
            Ok(rows) => me.rows = Some(rows),
            Err(e) => me.fail(ctx, &e)?,
        }
        Ok(me)
    }

    fn fail(&mut self, ctx: &mut Ctx<'_>, e: &rusqlite::Error) -> Result<(), ImportError> {
        self.rows = None;
        let table = self.table;
        ctx.problem(Problem {
            severity: Severity::Unreadable,
            code: "unreadable_table".into(),
            locator: Some(Locator { path: table.into(), index: ctx.index, line: 0, column: 0, offset: 0 }),
            message_zh: format!("数据库表 {table}（彩信附件/地址）无法完整读取（文件可能已损坏），部分彩信内容可能缺失"),
            cause_en: format!("reading table {table} failed: {e}"),
        })
    }

    fn next(&mut self, ctx: &mut Ctx<'_>) -> Result<Option<ChildRow>, ImportError> {
        if let Some(p) = self.pending.take() {
            return Ok(Some(p));
        }
        let Some(rows) = self.rows.as_mut() else { return Ok(None) };
        match rows.next() {
            Ok(Some(row)) => {
                let parent = match row.get_ref(self.parent_col) {
                    Ok(ValueRef::Integer(i)) => Some(i),
                    Ok(v) => text_of(v).and_then(|t| t.trim().parse().ok()),
                    Err(_) => None,
                };
                Ok(Some((parent, row_map(row, &self.names, 0))))
            }
            Ok(None) => {
                self.rows = None;
                Ok(None)
            }
            Err(e) => {
                self.fail(ctx, &e)?;
                Ok(None)
            }
        }
    }

    /// The child rows of parent `id`; rows of smaller (or no) parent ids that were
    /// skipped are reported as `orphan_row` warnings.
    pub fn take(&mut self, id: i64, ctx: &mut Ctx<'_>) -> Result<Vec<Value>, ImportError> {
        let mut out = Vec::new();
        while let Some((parent, m)) = self.next(ctx)? {
            match parent {
                Some(p) if p == id => out.push(Value::Object(m.into_iter().collect())),
                Some(p) if p > id => {
                    self.pending = Some((parent, m));
                    break;
                }
                _ => self.orphan(ctx, parent, &m)?,
            }
        }
        Ok(out)
    }

    /// Reports every row left (their parents were never seen).
    pub fn finish(&mut self, ctx: &mut Ctx<'_>) -> Result<(), ImportError> {
        while let Some((parent, m)) = self.next(ctx)? {
            self.orphan(ctx, parent, &m)?;
        }
        Ok(())
    }

    fn orphan(
        &mut self,
        ctx: &mut Ctx<'_>,
        parent: Option<i64>,
        m: &BTreeMap<String, Value>,
    ) -> Result<(), ImportError> {
        let table = self.table;
        let id = m.get("_id").map(|v| v.to_string()).unwrap_or_else(|| "?".into());
        let parent_txt = parent.map(|p| p.to_string()).unwrap_or_else(|| "null".into());
        let text = m.get("text").and_then(Value::as_str).unwrap_or("");
        ctx.problem(Problem {
            severity: Severity::Warning,
            code: "orphan_row".into(),
            locator: Some(Locator { path: format!("{table}/_id={id}"), index: ctx.index, line: 0, column: 0, offset: 0 }),
            message_zh: format!(
                "数据库表 {table} 的第 _id={id} 行属于不存在的彩信（{parent_txt}），未能归入任何记录{}",
                if text.is_empty() { String::new() } else { format!("；其文字为：{text}") }
            ),
            cause_en: format!("row {table}/_id={id} refers to missing parent {parent_txt}"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_escapes_odd_path_characters() {
        #[cfg(unix)]
        assert_eq!(uri_path(Path::new("/tmp/证据 #1?.db")), "/tmp/%E8%AF%81%E6%8D%AE%20%231%3F.db");
    }

    #[test]
    fn detects_schemas_by_tables() {
        let t = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            detect(&t(&["addr", "part", "pdu", "sms", "threads"])),
            Some(Format::AndroidMmsSms)
        );
        assert_eq!(detect(&t(&["calls", "voicemail_status"])), Some(Format::AndroidCallLog));
        assert_eq!(detect(&t(&["chat", "handle", "message"])), Some(Format::IosSms));
        assert_eq!(detect(&t(&["ZCALLRECORD", "Z_METADATA"])), Some(Format::IosCallHistory));
        assert_eq!(detect(&t(&["foo"])), None);
    }

    #[test]
    fn blobs_are_digested() {
        let v = value_json(ValueRef::Blob(b"abc"));
        assert_eq!(v["blob_len"], 3);
        assert_eq!(v["sha256"], "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(v["hex"], "616263");
        assert!(value_json(ValueRef::Blob(&[0u8; 300])).get("hex").is_none());
    }
}
