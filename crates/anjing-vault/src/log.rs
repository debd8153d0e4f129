//! The append-only, hash-chained case log.
//!
//! Every change to a case (init, import, analysis, review, export) appends one
//! entry in the same transaction as the change itself. An entry's hash is the
//! SHA-256 of its canonical bytes, which include the previous entry's hash, so
//! changing or removing any entry breaks every later link.
//!
//! Canonical bytes of entry `seq` (UTF-8, `\n`-separated, no trailing newline):
//!
//! ```text
//! anjing-log-v1
//! <seq>
//! <at, RFC 3339 UTC>
//! <action>
//! <prev_hash hex, 64 zeros for the first entry>
//! <detail, compact JSON with sorted keys>
//! ```
//!
//! **Architecture invariant:** nothing but [`append`] writes to the `log`
//! table, and SQLite triggers refuse UPDATE and DELETE on it.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::VaultError;

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One log entry as stored.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LogEntry {
    pub seq: i64,
    pub at: String,
    pub action: String,
    pub detail: serde_json::Value,
    pub prev_hash: String,
    pub hash: String,
}

/// The canonical bytes that are hashed for an entry.
pub fn canonical_bytes(seq: i64, at: &str, action: &str, prev_hash: &str, detail: &str) -> Vec<u8> {
    format!("anjing-log-v1\n{seq}\n{at}\n{action}\n{prev_hash}\n{detail}").into_bytes()
}

/// The hash of an entry's canonical bytes.
pub fn entry_hash(seq: i64, at: &str, action: &str, prev_hash: &str, detail: &str) -> String {
    hex::encode(Sha256::digest(canonical_bytes(seq, at, action, prev_hash, detail)))
}

/// Appends an entry. Call it inside the transaction that makes the change.
pub fn append(
    conn: &Connection,
    action: &str,
    detail: &serde_json::Value,
) -> Result<LogEntry, VaultError> {
    let last: Option<(i64, String)> = conn
        .query_row("SELECT seq, hash FROM log ORDER BY seq DESC LIMIT 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    let (seq, prev_hash) = match last {
        Some((s, h)) => (s + 1, h),
        None => (1, GENESIS.to_string()),
    };
    let at = anjing_model::time::rfc3339_utc(jiff::Timestamp::now());
    // serde_json's default map is a BTreeMap, so keys are sorted: canonical.
    let detail_text = serde_json::to_string(detail).expect("JSON values always serialise");
    let hash = entry_hash(seq, &at, action, &prev_hash, &detail_text);
    conn.execute(
        "INSERT INTO log (seq, at, action, detail, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![seq, at, action, detail_text, prev_hash, hash],
    )?;
    Ok(LogEntry { seq, at, action: action.to_string(), detail: detail.clone(), prev_hash, hash })
}

/// Every entry, in order.
pub fn entries(conn: &Connection) -> Result<Vec<LogEntry>, VaultError> {
    let mut stmt =
        conn.prepare("SELECT seq, at, action, detail, prev_hash, hash FROM log ORDER BY seq")?;
    let rows = stmt.query_map([], |r| {
        let detail: String = r.get(3)?;
        Ok(LogEntry {
            seq: r.get(0)?,
            at: r.get(1)?,
            action: r.get(2)?,
            detail: serde_json::from_str(&detail).unwrap_or(serde_json::Value::String(detail)),
            prev_hash: r.get(4)?,
            hash: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A break in the chain, found by [`verify_chain`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainFault {
    pub seq: i64,
    pub message_zh: String,
    pub cause_en: String,
}

/// Walks the chain from the first entry and reports every entry whose stored
/// hash, link or numbering is wrong. Reads the raw stored detail text, so any
/// change to the stored bytes is caught.
pub fn verify_chain(conn: &Connection) -> Result<(usize, Vec<ChainFault>), VaultError> {
    let mut stmt =
        conn.prepare("SELECT seq, at, action, detail, prev_hash, hash FROM log ORDER BY seq")?;
    let mut rows = stmt.query([])?;
    let mut faults = Vec::new();
    let mut expected_prev = GENESIS.to_string();
    let mut expected_seq = 1i64;
    let mut count = 0usize;
    while let Some(r) = rows.next()? {
        count += 1;
        let seq: i64 = r.get(0)?;
        let at: String = r.get(1)?;
        let action: String = r.get(2)?;
        let detail: String = r.get(3)?;
        let prev_hash: String = r.get(4)?;
        let hash: String = r.get(5)?;
        if seq != expected_seq {
            faults.push(ChainFault {
                seq,
                message_zh: format!("日志编号不连续：应为第 {expected_seq} 条，实际是第 {seq} 条（可能有条目被删除）"),
                cause_en: format!("sequence gap: expected {expected_seq}, found {seq}"),
            });
        }
        if prev_hash != expected_prev {
            faults.push(ChainFault {
                seq,
                message_zh: format!("第 {seq} 条日志记录的上一条哈希与上一条日志不符（链条断开）"),
                cause_en: format!(
                    "prev_hash {prev_hash} does not match the previous entry's hash {expected_prev}"
                ),
            });
        }
        let actual = entry_hash(seq, &at, &action, &prev_hash, &detail);
        if actual != hash {
            faults.push(ChainFault {
                seq,
                message_zh: format!("第 {seq} 条日志的内容与其哈希不符（内容被改动过）"),
                cause_en: format!("stored hash {hash} but content hashes to {actual}"),
            });
        }
        expected_prev = hash;
        expected_seq = seq + 1;
    }
    Ok((count, faults))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> Connection {
        let mut c = Connection::open_in_memory().unwrap();
        crate::schema::migrate(&mut c).unwrap();
        c
    }

    #[test]
    fn entries_chain_and_verify() {
        let c = db();
        let a = append(&c, "init", &serde_json::json!({"title": "t"})).unwrap();
        let b = append(&c, "import", &serde_json::json!({"z": 1, "a": "<x>"})).unwrap();
        assert_eq!(a.prev_hash, GENESIS);
        assert_eq!(b.prev_hash, a.hash);
        assert_eq!(verify_chain(&c).unwrap(), (2, vec![]));
        // Keys are stored sorted, so the stored text is canonical.
        let detail: String =
            c.query_row("SELECT detail FROM log WHERE seq = 2", [], |r| r.get(0)).unwrap();
        assert_eq!(detail, r#"{"a":"<x>","z":1}"#);
    }

    #[test]
    fn the_log_table_refuses_updates_and_deletes() {
        let c = db();
        append(&c, "init", &serde_json::json!({})).unwrap();
        assert!(c.execute("UPDATE log SET action = 'x'", []).is_err());
        assert!(c.execute("DELETE FROM log", []).is_err());
    }

    #[test]
    fn a_changed_entry_is_named() {
        let c = db();
        append(&c, "init", &serde_json::json!({})).unwrap();
        append(&c, "import", &serde_json::json!({"records": 5})).unwrap();
        append(&c, "analyze", &serde_json::json!({})).unwrap();
        // Someone edits entry 2 behind the program's back (triggers dropped first).
        c.execute_batch(
            "DROP TRIGGER log_append_only_update;
             UPDATE log SET detail = '{\"records\":50}' WHERE seq = 2;",
        )
        .unwrap();
        let (_, faults) = verify_chain(&c).unwrap();
        assert_eq!(faults.len(), 1);
        assert_eq!(faults[0].seq, 2);
        assert!(faults[0].message_zh.contains("内容被改动"));
    }
}
