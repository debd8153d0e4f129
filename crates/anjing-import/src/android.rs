/*!
Android telephony databases: `mmssms.db` (tables `sms`, `pdu`, `part`, `addr`)
and `calllog.db` (table `calls`; older phones keep it in `contacts2.db`).

Any AOSP version and any vendor's extra columns are read alike: columns are
picked by name, never by position, and every column of a row is kept in
[`RawRecord::original`] (see [`crate::db`] for how values are kept).
Samsung's `spam_sms` (messages the phone filtered as spam — often exactly the
collectors' messages) is read like `sms` when present.

Derived fields follow the provider's code tables (`formats.md` §2, as in the
SBR importer): SMS `type` 1 inbox → in, 2–6 (sent, draft, outbox, failed,
queued) → out; MMS `msg_box` 1 → in, 2–5 → out, with the counterparty from
`addr` (type 137 From for received, 151 To for sent); call `type` 1 incoming,
2 outgoing, 3 missed, 4 voicemail, 5 rejected, 6 blocked, 7 answered
elsewhere. `sms.date` and `calls.date` are Unix **milliseconds**; `pdu.date`
is Unix **seconds**. An MMS's parts and addresses are kept under
`original["parts"]` and `original["addrs"]` as arrays of their rows.

Locators name the table and the row's key: `sms/_id=123`, `pdu/_id=7`,
`calls/_id=42`; `index` is the record's ordinal in the file.

Problem codes: `missing_field` (Damaged: a required column is NULL or absent),
`bad_date` (Damaged), `bad_duration` (Damaged), `unknown_type` (Warning),
`implausible_time` (Warning), and from [`crate::db`] `unreadable_rows`,
`unreadable_table`, `orphan_row`.
*/

use std::collections::BTreeMap;
use std::path::Path;

use anjing_model::time::{self, TimeUnit};
use anjing_model::{CallResult, Direction, RecordKind};
use serde_json::Value;

use crate::db::{self, Children, Ctx};
use crate::{ImportError, ImportStats, Locator, Problem, RawRecord, RecordSink, Severity};

/// Reads an Android `mmssms.db`.
pub fn import_mmssms(path: &Path, sink: &mut dyn RecordSink) -> Result<ImportStats, ImportError> {
    let conn = open(path)?;
    let tables = db::tables(&conn).map_err(sql_err)?;
    let mut ctx = Ctx::new(sink);
    for table in ["sms", "spam_sms"] {
        if !tables.iter().any(|t| t == table) {
            continue;
        }
        let cols = db::columns(&conn, table).unwrap_or_default();
        let key = db::key_name(&cols, "_id");
        db::scan_table(&conn, &mut ctx, table, |ctx, rowid, row, names| {
            let original = db::row_map(row, names, 1);
            let locator = ctx.locator(table, &key, rowid);
            let mut probs = Vec::new();
            let r = derive_sms(original, locator, TimeUnit::UnixMs, &mut probs);
            ctx.record(r, probs)
        })?;
    }
    if tables.iter().any(|t| t == "pdu") {
        import_pdu(&conn, &tables, &mut ctx)?;
    }
    Ok(ctx.stats)
}

fn import_pdu(
    conn: &rusqlite::Connection,
    tables: &[String],
    ctx: &mut Ctx<'_>,
) -> Result<(), ImportError> {
    let cols = db::columns(conn, "pdu").unwrap_or_default();
    let key = db::key_name(&cols, "_id");
    let child_stmt = |table: &str, parent: &str, order: &str| {
        if !tables.iter().any(|t| t == table) {
            return None;
        }
        let cols = db::columns(conn, table).ok()?;
        if !cols.iter().any(|c| c == parent) {
            return None;
        }
        let order =
            if cols.iter().any(|c| c == order) { format!(", {order}") } else { String::new() };
        conn.prepare(&format!("SELECT * FROM {table} ORDER BY {parent}{order}, _rowid_")).ok()
    };
    let mut part_stmt = child_stmt("part", "mid", "seq");
    let mut addr_stmt = child_stmt("addr", "msg_id", "_id");
    let mut parts = Children::new(part_stmt.as_mut(), "part", "mid", ctx)?;
    let mut addrs = Children::new(addr_stmt.as_mut(), "addr", "msg_id", ctx)?;
    db::scan_table(conn, ctx, "pdu", |ctx, rowid, row, names| {
        let mut original = db::row_map(row, names, 1);
        let id = original.get("_id").and_then(Value::as_i64).unwrap_or(rowid);
        let p = parts.take(id, ctx)?;
        let a = addrs.take(id, ctx)?;
        original.insert("parts".into(), Value::Array(p));
        original.insert("addrs".into(), Value::Array(a));
        let locator = ctx.locator("pdu", &key, rowid);
        let mut probs = Vec::new();
        let r = derive_mms(original, &["parts"], &["addrs"], locator, &mut probs);
        ctx.record(r, probs)
    })?;
    parts.finish(ctx)?;
    addrs.finish(ctx)?;
    Ok(())
}

/// Reads an Android `calllog.db` (or a `contacts2.db` with a `calls` table).
pub fn import_calllog(path: &Path, sink: &mut dyn RecordSink) -> Result<ImportStats, ImportError> {
    let conn = open(path)?;
    let mut ctx = Ctx::new(sink);
    let cols = db::columns(&conn, "calls").unwrap_or_default();
    let key = db::key_name(&cols, "_id");
    db::scan_table(&conn, &mut ctx, "calls", |ctx, rowid, row, names| {
        let original = db::row_map(row, names, 1);
        let locator = ctx.locator("calls", &key, rowid);
        let mut probs = Vec::new();
        let r = derive_call(original, locator, &mut probs);
        ctx.record(r, probs)
    })?;
    Ok(ctx.stats)
}

pub(crate) fn open(path: &Path) -> Result<rusqlite::Connection, ImportError> {
    db::open_immutable(path).map_err(sql_err)
}

/// A database that cannot be opened or listed at all (it was sniffed as readable,
/// so this is damage or a changed file): the import stops and nothing is kept.
pub(crate) fn sql_err(e: rusqlite::Error) -> ImportError {
    ImportError::Io(std::io::Error::other(format!(
        "SQLite 数据库无法读取，文件可能已损坏 (SQLite database unreadable): {e}"
    )))
}

// ---------------------------------------------------------------------------------------------
// Derivation, shared with the SMS Import/Export importer (same column names; there
// every value is a string).

/// A field as text: strings as they are, numbers printed; `None` for absent, `null`
/// or the literal string `"null"`.
pub(crate) fn field_str(m: &BTreeMap<String, Value>, k: &str) -> Option<String> {
    match m.get(k)? {
        Value::String(s) if s == "null" => None,
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A field as a whole number (from a number or a string of digits).
pub(crate) fn field_i64(m: &BTreeMap<String, Value>, k: &str) -> Option<i64> {
    match m.get(k)? {
        Value::Number(n) => {
            n.as_i64().or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
        }
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

struct Derive<'a> {
    locator: &'a Locator,
    probs: &'a mut Vec<Problem>,
    what: &'static str,
}

impl Derive<'_> {
    fn damaged(&mut self, code: &str, zh: String, en: String) {
        self.probs.push(Problem {
            severity: Severity::Damaged,
            code: code.into(),
            locator: Some(self.locator.clone()),
            message_zh: zh,
            cause_en: en,
        });
    }

    fn require(&mut self, m: &BTreeMap<String, Value>, keys: &[&str]) {
        for &k in keys {
            if field_str(m, k).is_none() {
                let (path, what) = (self.locator.path.clone(), self.what);
                self.damaged(
                    "missing_field",
                    format!("{what}记录 {path} 缺少 {k}，已保存但该项为空"),
                    format!("required field {k:?} missing or null at {path}"),
                );
            }
        }
    }

    fn time(
        &mut self,
        m: &BTreeMap<String, Value>,
        key: &str,
        unit: TimeUnit,
    ) -> (Option<jiff::Timestamp>, String) {
        let raw = field_str(m, key).unwrap_or_default();
        let t = time::from_raw(&raw, unit);
        if t.is_none() && !raw.is_empty() {
            let (path, what) = (self.locator.path.clone(), self.what);
            self.damaged(
                "bad_date",
                format!("{what}记录 {path} 的时间值“{raw}”无法识别，已保存但时间为空"),
                format!("{key} {raw:?} is not {}", unit.code()),
            );
        }
        (t, raw)
    }

    fn unknown_type(&mut self, key: &str, raw: Option<String>) {
        let raw = raw.unwrap_or_default();
        let (path, what) = (self.locator.path.clone(), self.what);
        self.probs.push(Problem {
            severity: Severity::Warning,
            code: "unknown_type".into(),
            locator: Some(self.locator.clone()),
            message_zh: format!(
                "{what}记录 {path} 的类型值 {key}=“{raw}”无法识别，收发方向记为“方向不明”"
            ),
            cause_en: format!("unknown {key} value {raw:?}; direction unknown"),
        });
    }
}

/// An SMS row (`sms` table, SBR-like JSON) → record. `date` in `unit` (ms on Android).
pub(crate) fn derive_sms(
    original: BTreeMap<String, Value>,
    locator: Locator,
    unit: TimeUnit,
    probs: &mut Vec<Problem>,
) -> RawRecord {
    let mut d = Derive { locator: &locator, probs, what: "短信" };
    d.require(&original, &["date", "address", "type"]);
    let (time, time_raw) = d.time(&original, "date", unit);
    let direction = match field_i64(&original, "type") {
        Some(1) => Direction::In,
        // 2 sent, 3 draft, 4 outbox, 5 failed, 6 queued: all written on this phone.
        Some(2..=6) => Direction::Out,
        _ => Direction::Unknown,
    };
    if direction == Direction::Unknown && original.get("type").is_some_and(|v| !v.is_null()) {
        d.unknown_type("type", field_str(&original, "type"));
    }
    RawRecord {
        kind: RecordKind::Sms,
        direction,
        counterparty: field_str(&original, "address").unwrap_or_default(),
        time,
        time_raw,
        time_unit: unit,
        text: field_str(&original, "body"),
        duration_s: None,
        call_result: None,
        locator,
        original,
    }
}

/// An MMS (`pdu` row with its parts and addresses, or an sms-ie MMS object) → record.
/// `date` is Unix seconds. Parts are under `parts_keys`, address rows under
/// `addrs_keys` (each an object or an array of objects with `address` and `type`).
pub(crate) fn derive_mms(
    original: BTreeMap<String, Value>,
    parts_keys: &[&str],
    addrs_keys: &[&str],
    locator: Locator,
    probs: &mut Vec<Problem>,
) -> RawRecord {
    let mut d = Derive { locator: &locator, probs, what: "彩信" };
    d.require(&original, &["date", "msg_box"]);
    let (time, time_raw) = d.time(&original, "date", TimeUnit::UnixS);
    let direction = match field_i64(&original, "msg_box") {
        Some(1) => Direction::In,
        // 2 sent, 4 outbox; 3 draft and 5 failed are also this phone's own.
        Some(2..=5) => Direction::Out,
        _ => Direction::Unknown,
    };
    if direction == Direction::Unknown && original.get("msg_box").is_some_and(|v| !v.is_null()) {
        d.unknown_type("msg_box", field_str(&original, "msg_box"));
    }
    let obj = |v: &Value| -> BTreeMap<String, Value> {
        v.as_object()
            .map(|o| o.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default()
    };
    let gather = |keys: &[&str]| -> Vec<BTreeMap<String, Value>> {
        let mut out = Vec::new();
        for k in keys {
            match original.get(*k) {
                Some(Value::Array(a)) => out.extend(a.iter().map(obj)),
                Some(v @ Value::Object(_)) => out.push(obj(v)),
                _ => {}
            }
        }
        out
    };
    let parts = gather(parts_keys);
    let texts: Vec<String> = parts
        .iter()
        .filter(|p| field_str(p, "ct").is_some_and(|ct| ct.eq_ignore_ascii_case("text/plain")))
        .filter_map(|p| field_str(p, "text"))
        .collect();
    let text = if texts.is_empty() { None } else { Some(texts.join("\n")) };
    let want = match direction {
        Direction::In => Some(137),
        Direction::Out => Some(151),
        Direction::Unknown => None,
    };
    let addr_list = gather(addrs_keys);
    let counterparty = want
        .map(|t| {
            addr_list
                .iter()
                .filter(|a| field_i64(a, "type") == Some(t))
                .filter_map(|a| field_str(a, "address"))
                .filter(|a| !a.is_empty() && a != "insert-address-token")
                .collect::<Vec<_>>()
                .join("~")
        })
        .unwrap_or_default();
    RawRecord {
        kind: RecordKind::Mms,
        direction,
        counterparty,
        time,
        time_raw,
        time_unit: TimeUnit::UnixS,
        text,
        duration_s: None,
        call_result: None,
        locator,
        original,
    }
}

/// A `calls` row (or an sms-ie call object) → record. `date` ms, `duration` s.
pub(crate) fn derive_call(
    original: BTreeMap<String, Value>,
    locator: Locator,
    probs: &mut Vec<Problem>,
) -> RawRecord {
    let mut d = Derive { locator: &locator, probs, what: "通话" };
    d.require(&original, &["date", "number", "type", "duration"]);
    let (time, time_raw) = d.time(&original, "date", TimeUnit::UnixMs);
    let duration_s = field_i64(&original, "duration");
    if let (Some(raw), None) = (field_str(&original, "duration"), duration_s) {
        let path = locator.path.clone();
        d.damaged(
            "bad_duration",
            format!("通话记录 {path} 的时长“{raw}”无法识别，已保存但时长为空"),
            format!("duration {raw:?} is not a whole number of seconds"),
        );
    }
    let (direction, result) = match field_i64(&original, "type") {
        Some(1) => (Direction::In, CallResult::Answered),
        Some(2) if duration_s.is_some_and(|d| d > 0) => (Direction::Out, CallResult::Answered),
        Some(2) => (Direction::Out, CallResult::Unknown),
        Some(3) => (Direction::In, CallResult::Missed),
        Some(4) => (Direction::In, CallResult::Voicemail),
        Some(5) => (Direction::In, CallResult::Rejected),
        Some(6) => (Direction::In, CallResult::Blocked),
        // Answered on another device (CallLog.Calls.ANSWERED_EXTERNALLY_TYPE).
        Some(7) => (Direction::In, CallResult::Answered),
        _ => (Direction::Unknown, CallResult::Unknown),
    };
    if direction == Direction::Unknown && original.get("type").is_some_and(|v| !v.is_null()) {
        d.unknown_type("type", field_str(&original, "type"));
    }
    RawRecord {
        kind: RecordKind::Call,
        direction,
        counterparty: field_str(&original, "number").unwrap_or_default(),
        time,
        time_raw,
        time_unit: TimeUnit::UnixMs,
        text: None,
        duration_s,
        call_result: Some(result),
        locator,
        original,
    }
}
