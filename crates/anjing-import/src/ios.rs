/*!
iOS databases: `sms.db` (Messages: SMS, iMessage, RCS) and
`CallHistory.storedata` (Core Data SQLite, table `ZCALLRECORD`).

**sms.db.** One record per `message` row, in ROWID order; locator
`message/ROWID=N`. Every column of the row is kept in
[`RawRecord::original`](crate::RawRecord::original) (BLOBs such as
`attributedBody` as length + SHA-256, see [`crate::db`]), plus
`original["handle"]` (the `handle` row), `original["chats"]` (the `chat` rows
the message belongs to) and `original["attachments"]` (the `attachment` rows:
file name, MIME type, size…; the files themselves are not in the database).
Derived fields:

* time from `date`, seconds or nanoseconds since 2001-01-01 (rule: a value
  above 10¹² is nanoseconds, [`TimeUnit::AppleNs`], else [`TimeUnit::AppleS`]);
* direction from `is_from_me` (1 → out, 0 → in);
* counterparty: `handle.id` (E.164 number, short code or e-mail); for a
  message without a handle (a group message sent from this phone) the chat's
  participants joined with `~`, else the chat identifier;
* text from `text`, or recovered from `attributedBody`
  ([`crate::typedstream`]) when `text` is NULL or empty;
* kind `mms` when the message has attachments, `sms` otherwise (iMessage
  included: `service` says which).

**CallHistory.storedata.** One record per `ZCALLRECORD` row; locator
`ZCALLRECORD/Z_PK=N`. `ZDATE` is Core Data seconds since 2001 (a float, kept
exactly as printed), `ZDURATION` float seconds (rounded), `ZADDRESS` text or
a BLOB (read as UTF-8), `ZORIGINATED` 1 → out; result: answered when
`ZANSWERED` = 1, an incoming call not answered is **missed**, an outgoing one
not answered is answered if it lasted, else unknown. `ZLOCATION`,
`ZSERVICE_PROVIDER` (WeChat and other VoIP apps), `ZCALLTYPE`,
`ZFILTERED_OUT_REASON`… stay in `original`.

Problem codes: `missing_field`, `bad_date` (Damaged), `unknown_direction`,
`attributed_body_unreadable`, `implausible_time` (Warning), and those of
[`crate::db`].
*/

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use anjing_model::time::{self, TimeUnit};
use anjing_model::{CallResult, Direction, RecordKind};
use rusqlite::Connection;
use rusqlite::types::ValueRef;
use serde_json::Value;

use crate::android::{field_i64, field_str, open, sql_err};
use crate::db::{self, Ctx};
use crate::typedstream;
use crate::{ImportError, ImportStats, Locator, Problem, RawRecord, RecordSink, Severity};

/// Apple-epoch values above this are nanoseconds.
const NS_THRESHOLD: f64 = 1e12;

/// Reads an iOS `sms.db`.
pub fn import_sms(path: &Path, sink: &mut dyn RecordSink) -> Result<ImportStats, ImportError> {
    let conn = open(path)?;
    let tables = db::tables(&conn).map_err(sql_err)?;
    let has = |t: &str| tables.iter().any(|x| x == t);
    let mut ctx = Ctx::new(sink);

    // Handles are few (one per correspondent): read them once.
    let mut handles: HashMap<i64, BTreeMap<String, Value>> = HashMap::new();
    if let Ok(mut st) = conn.prepare("SELECT ROWID AS __anjing_rowid, * FROM handle") {
        let names: Vec<String> = st.column_names().map(str::to_owned).collect();
        if let Ok(mut rows) = st.query([]) {
            while let Ok(Some(row)) = rows.next() {
                if let Ok(id) = row.get::<_, i64>(0) {
                    let mut m = db::row_map(row, &names, 1);
                    m.insert("ROWID".into(), Value::from(id));
                    handles.insert(id, m);
                }
            }
        }
    }
    let mut chats_of = prepare(
        &conn,
        has("chat") && has("chat_message_join"),
        "SELECT c.ROWID AS __anjing_rowid, c.* FROM chat_message_join j JOIN chat c ON c.ROWID = j.chat_id
         WHERE j.message_id = ?1 ORDER BY c.ROWID",
    );
    let mut members_of = prepare(
        &conn,
        has("chat_handle_join"),
        "SELECT h.id FROM chat_handle_join j JOIN handle h ON h.ROWID = j.handle_id
         WHERE j.chat_id = ?1 ORDER BY h.ROWID",
    );
    let mut attachments_of = prepare(
        &conn,
        has("attachment") && has("message_attachment_join"),
        "SELECT a.ROWID AS __anjing_rowid, a.* FROM message_attachment_join j JOIN attachment a
         ON a.ROWID = j.attachment_id WHERE j.message_id = ?1 ORDER BY a.ROWID",
    );

    db::scan_table(&conn, &mut ctx, "message", |ctx, rowid, row, names| {
        let mut original = db::row_map(row, names, 1);
        original.entry("ROWID".into()).or_insert(Value::from(rowid));
        let locator = ctx.locator("message", "ROWID", rowid);
        let mut probs = Vec::new();

        let handle = field_i64(&original, "handle_id").and_then(|h| handles.get(&h));
        if let Some(h) = handle {
            original.insert("handle".into(), Value::Object(h.clone().into_iter().collect()));
        }
        let chats = rows_json(chats_of.as_mut(), rowid);
        let attachments = rows_json(attachments_of.as_mut(), rowid);

        let mut counterparty = handle.and_then(|h| field_str(h, "id")).unwrap_or_default();
        if counterparty.is_empty() {
            let mut members = Vec::new();
            for c in &chats {
                if let (Some(st), Some(cid)) =
                    (members_of.as_mut(), c.get("ROWID").and_then(Value::as_i64))
                    && let Ok(mut rows) = st.query([cid])
                {
                    while let Ok(Some(r)) = rows.next() {
                        if let Some(id) = r.get_ref(0).ok().and_then(db::text_of) {
                            members.push(id);
                        }
                    }
                }
            }
            counterparty = if members.is_empty() {
                chats
                    .iter()
                    .filter_map(|c| c.get("chat_identifier").and_then(Value::as_str))
                    .collect::<Vec<_>>()
                    .join("~")
            } else {
                members.join("~")
            };
        }
        let kind = if attachments.is_empty() { RecordKind::Sms } else { RecordKind::Mms };
        original.insert(
            "chats".into(),
            Value::Array(
                chats.into_iter().map(|m| Value::Object(m.into_iter().collect())).collect(),
            ),
        );
        original.insert(
            "attachments".into(),
            Value::Array(
                attachments.into_iter().map(|m| Value::Object(m.into_iter().collect())).collect(),
            ),
        );

        // Time: Apple epoch, s or ns.
        let (time, time_raw, time_unit) = apple_time(
            row.get_ref(names.iter().position(|n| n == "date").unwrap_or(usize::MAX)).ok(),
        );
        if time_raw.is_empty() {
            probs.push(damaged(
                &locator,
                "missing_field",
                "短信（iOS）记录缺少时间 date，已保存但时间为空",
                "date is NULL or missing",
            ));
        } else if time.is_none() {
            probs.push(damaged(
                &locator,
                "bad_date",
                &format!("短信（iOS）记录的时间值“{time_raw}”无法识别，已保存但时间为空"),
                &format!("date {time_raw:?} is not Apple epoch seconds/nanoseconds"),
            ));
        }

        let direction = match field_i64(&original, "is_from_me") {
            Some(1) => Direction::Out,
            Some(0) => Direction::In,
            _ => {
                probs.push(Problem {
                    severity: Severity::Warning,
                    code: "unknown_direction".into(),
                    locator: Some(locator.clone()),
                    message_zh: "短信（iOS）记录的 is_from_me 值无法识别，收发方向记为“方向不明”"
                        .into(),
                    cause_en: format!("is_from_me is {:?}", original.get("is_from_me")),
                });
                Direction::Unknown
            }
        };

        let mut text = field_str(&original, "text").filter(|t| !t.is_empty());
        if text.is_none() {
            let body =
                names.iter().position(|n| n == "attributedBody").and_then(|i| row.get_ref(i).ok());
            if let Some(ValueRef::Blob(b)) = body {
                match typedstream::decode(b) {
                    Ok(d) => {
                        if d.truncated || d.lossy {
                            probs.push(Problem {
                                severity: Severity::Warning,
                                code: "attributed_body_unreadable".into(),
                                locator: Some(locator.clone()),
                                message_zh: "短信（iOS）正文只能从 attributedBody 部分恢复（数据被截断或含非 UTF-8 字节），原始数据已保存".into(),
                                cause_en: format!("attributedBody text truncated={} lossy={}", d.truncated, d.lossy),
                            });
                        }
                        original.insert("text_from".into(), Value::from("attributedBody"));
                        text = Some(d.text);
                    }
                    Err(e) => probs.push(Problem {
                        severity: Severity::Warning,
                        code: "attributed_body_unreadable".into(),
                        locator: Some(locator.clone()),
                        message_zh: "短信（iOS）没有 text 字段，attributedBody 中的正文也无法解析；原始数据已保存".into(),
                        cause_en: format!("attributedBody not decodable: {e:?}"),
                    }),
                }
            }
        }

        let r = RawRecord {
            kind,
            direction,
            counterparty,
            time,
            time_raw,
            time_unit,
            text,
            duration_s: None,
            call_result: None,
            locator,
            original,
        };
        ctx.record(r, probs)
    })?;
    Ok(ctx.stats)
}

fn prepare<'c>(conn: &'c Connection, ok: bool, sql: &str) -> Option<rusqlite::Statement<'c>> {
    if ok { conn.prepare(sql).ok() } else { None }
}

/// Rows of a per-message query as `original` maps (empty when the query cannot run).
fn rows_json(st: Option<&mut rusqlite::Statement<'_>>, id: i64) -> Vec<BTreeMap<String, Value>> {
    let Some(st) = st else { return Vec::new() };
    let names: Vec<String> = st.column_names().map(str::to_owned).collect();
    let mut out = Vec::new();
    if let Ok(mut rows) = st.query([id]) {
        while let Ok(Some(r)) = rows.next() {
            let mut m = db::row_map(r, &names, 1);
            if let Ok(id) = r.get::<_, i64>(0) {
                m.entry("ROWID".into()).or_insert(Value::from(id));
            }
            out.push(m);
        }
    }
    out
}

/// An Apple-epoch `date` value: (instant, raw text, unit).
fn apple_time(v: Option<ValueRef<'_>>) -> (Option<jiff::Timestamp>, String, TimeUnit) {
    let (raw, f) = match v {
        Some(ValueRef::Integer(i)) => (i.to_string(), i as f64),
        Some(ValueRef::Real(f)) => (f.to_string(), f),
        Some(ValueRef::Text(t)) => {
            let s = String::from_utf8_lossy(t).trim().to_string();
            let f = s.parse::<f64>().unwrap_or(f64::NAN);
            (s, f)
        }
        _ => return (None, String::new(), TimeUnit::AppleS),
    };
    let unit = if f.abs() > NS_THRESHOLD { TimeUnit::AppleNs } else { TimeUnit::AppleS };
    (time::from_raw(&raw, unit), raw, unit)
}

/// Apple-epoch seconds (`ZDATE`) as an instant, for values a time can hold: a
/// damaged `ZDATE` of 1e300 would overflow the conversion to milliseconds.
fn apple_s(raw: &str) -> Option<jiff::Timestamp> {
    raw.trim().parse::<f64>().ok().filter(|f| f.abs() <= NS_THRESHOLD)?;
    time::from_raw(raw, TimeUnit::AppleS)
}

fn damaged(locator: &Locator, code: &str, zh: &str, en: &str) -> Problem {
    Problem {
        severity: Severity::Damaged,
        code: code.into(),
        locator: Some(locator.clone()),
        message_zh: zh.into(),
        cause_en: en.into(),
    }
}

/// Reads an iOS `CallHistory.storedata`.
pub fn import_call_history(
    path: &Path,
    sink: &mut dyn RecordSink,
) -> Result<ImportStats, ImportError> {
    let conn = open(path)?;
    let table = db::tables(&conn)
        .map_err(sql_err)?
        .into_iter()
        .find(|t| t.eq_ignore_ascii_case("ZCALLRECORD"))
        .unwrap_or_else(|| "ZCALLRECORD".into());
    let mut ctx = Ctx::new(sink);
    let cols = db::columns(&conn, &table).unwrap_or_default();
    let key = db::key_name(&cols, "Z_PK");
    db::scan_table(&conn, &mut ctx, &table, |ctx, rowid, row, names| {
        let original = db::row_map(row, names, 1);
        let locator = ctx.locator(&table, &key, rowid);
        let mut probs = Vec::new();
        let col = |n: &str| {
            names.iter().position(|x| x.eq_ignore_ascii_case(n)).and_then(|i| row.get_ref(i).ok())
        };

        let (time, time_raw) = match col("ZDATE") {
            Some(ValueRef::Real(f)) => (apple_s(&f.to_string()), f.to_string()),
            Some(ValueRef::Integer(i)) => (apple_s(&i.to_string()), i.to_string()),
            Some(ValueRef::Text(t)) => {
                let s = String::from_utf8_lossy(t).trim().to_string();
                (apple_s(&s), s)
            }
            _ => (None, String::new()),
        };
        if time_raw.is_empty() {
            probs.push(damaged(
                &locator,
                "missing_field",
                "通话（iOS）记录缺少时间 ZDATE，已保存但时间为空",
                "ZDATE is NULL or missing",
            ));
        } else if time.is_none() {
            probs.push(damaged(
                &locator,
                "bad_date",
                &format!("通话（iOS）记录的时间值“{time_raw}”无法识别，已保存但时间为空"),
                &format!("ZDATE {time_raw:?} is not Core Data seconds"),
            ));
        }
        let duration_s = match col("ZDURATION") {
            Some(ValueRef::Real(f)) if f.is_finite() => Some(f.round() as i64),
            Some(ValueRef::Integer(i)) => Some(i),
            Some(ValueRef::Text(t)) => String::from_utf8_lossy(t)
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|f| f.is_finite())
                .map(|f| f.round() as i64),
            _ => None,
        };
        let counterparty = col("ZADDRESS").and_then(db::text_of).unwrap_or_default();
        let answered = field_i64(&original, "ZANSWERED") == Some(1);
        let (direction, result) = match field_i64(&original, "ZORIGINATED") {
            Some(1) if answered || duration_s.is_some_and(|d| d > 0) => {
                (Direction::Out, CallResult::Answered)
            }
            Some(1) => (Direction::Out, CallResult::Unknown),
            Some(0) if answered => (Direction::In, CallResult::Answered),
            Some(0) => (Direction::In, CallResult::Missed),
            _ => {
                probs.push(Problem {
                    severity: Severity::Warning,
                    code: "unknown_direction".into(),
                    locator: Some(locator.clone()),
                    message_zh: "通话（iOS）记录的 ZORIGINATED 值无法识别，方向记为“方向不明”"
                        .into(),
                    cause_en: format!("ZORIGINATED is {:?}", original.get("ZORIGINATED")),
                });
                (Direction::Unknown, CallResult::Unknown)
            }
        };
        let r = RawRecord {
            kind: RecordKind::Call,
            direction,
            counterparty,
            time,
            time_raw,
            time_unit: TimeUnit::AppleS,
            text: None,
            duration_s,
            call_result: Some(result),
            locator,
            original,
        };
        ctx.record(r, probs)
    })?;
    Ok(ctx.stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apple_seconds_and_nanoseconds() {
        let (t1, raw1, u1) = apple_time(Some(ValueRef::Integer(599_079_037)));
        let (t2, raw2, u2) = apple_time(Some(ValueRef::Integer(599_079_037_000_000_000)));
        assert_eq!((u1, u2), (TimeUnit::AppleS, TimeUnit::AppleNs));
        assert_eq!((raw1.as_str(), raw2.as_str()), ("599079037", "599079037000000000"));
        assert_eq!(t1, t2);
        assert_eq!(time::rfc3339_utc(t1.unwrap()), "2019-12-26T18:50:37Z");
        assert_eq!(apple_time(None).0, None);
        assert_eq!(apple_time(Some(ValueRef::Text(b"x"))).0, None);
    }
}
