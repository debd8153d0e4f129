//! The per-record Merkle tree: what lets a victim show *some* records (the messages her mother
//! received) and prove they belong to the signed case log, without showing the rest.
//!
//! # Construction
//!
//! Every record has one **canonical JSON** (built in `for_each_record_json`): its stored fields, its
//! contributor, every source (artifact hash, locator, line, column, offset and the original
//! field values) and a 128-bit **salt**, serialised compactly with keys sorted (as
//! `serde_json` writes a `Value`). The salt is `SHA-256(salt key ‖ record id)` truncated, where
//! the salt key is derived from the case signing key ([`anjing_proof::SigningKey::derive_secret`]
//! with label `record-salt`): stable across checkpoints, unknown to anyone without the key, so
//! the sibling hashes in a proof cannot be used to confirm a guess about an undisclosed record.
//!
//! Leaf `i` (0-based) of the records tree is the record with the `i`-th smallest id; its leaf
//! data is `SHA-256(canonical JSON)` and its leaf hash `SHA-256(0x00 ‖ leaf data)` (RFC 6962,
//! like the log's leaves). Before a checkpoint is signed ([`crate::Case::checkpoint`]), when the
//! records changed since the last commitment (count, source count, largest id), the vault
//! appends a log entry `records_root` with `{root, records, sources, max_id}`; the signed
//! checkpoint then covers that root. A disclosure package carries, per shown record, its
//! canonical JSON and an inclusion proof against `root`, and the `records_root` entry with its
//! own inclusion proof against the signed checkpoint.

use anjing_proof::{Hash, SigningKey};
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

use crate::{VaultError, log};

/// The log action that commits to the records tree.
pub const RECORDS_ROOT: &str = "records_root";
/// Version of the canonical record JSON (the `v` field).
pub const RECORD_JSON_VERSION: i64 = 1;

/// The salt key of a case.
pub(crate) fn salt_key(key: &SigningKey) -> [u8; 32] {
    key.derive_secret("record-salt")
}

fn salt(salt_key: &[u8; 32], id: i64) -> String {
    let mut h = Sha256::new();
    h.update(salt_key);
    h.update(id.to_le_bytes());
    hex::encode(&h.finalize()[..16])
}

/// The canonical bytes of a record JSON value (compact, keys sorted).
pub fn canonical_bytes(record: &serde_json::Value) -> Vec<u8> {
    serde_json::to_vec(record).expect("JSON values always serialise")
}

/// The leaf hash of a record JSON value: `SHA-256(0x00 ‖ SHA-256(canonical bytes))`.
pub fn record_leaf(record: &serde_json::Value) -> Hash {
    let data: [u8; 32] = Sha256::digest(canonical_bytes(record)).into();
    anjing_proof::leaf_hash(&data)
}

const SELECT: &str = "SELECT r.id, r.kind, r.direction, r.counterparty, r.number, r.number_class,
        r.time_ms, r.time_raw, r.time_unit, r.text, r.duration_s, r.call_result, c.name, c.relation
   FROM records r JOIN contributors c ON c.id = r.contributor_id";

/// Calls `f` with (id, canonical JSON) of every record whose id `keep` accepts, in id order.
pub(crate) fn for_each_record_json(
    conn: &Connection,
    salt_key: &[u8; 32],
    mut keep: impl FnMut(i64) -> bool,
    mut f: impl FnMut(i64, serde_json::Value) -> Result<(), VaultError>,
) -> Result<(), VaultError> {
    let mut st = conn.prepare(&format!("{SELECT} ORDER BY r.id"))?;
    let mut src = conn.prepare(
        "SELECT artifact, locator, line, col, offset, original FROM record_sources
          WHERE record_id = ?1 ORDER BY artifact, locator",
    )?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        if !keep(id) {
            continue;
        }
        let sources: Vec<serde_json::Value> = src
            .query_map([id], |s| {
                let original: String = s.get(5)?;
                Ok(serde_json::json!({
                    "artifact": s.get::<_, String>(0)?,
                    "locator": s.get::<_, String>(1)?,
                    "line": s.get::<_, i64>(2)?,
                    "column": s.get::<_, i64>(3)?,
                    "offset": s.get::<_, i64>(4)?,
                    "original": serde_json::from_str::<serde_json::Value>(&original)
                        .unwrap_or(serde_json::Value::String(original)),
                }))
            })?
            .collect::<Result<_, _>>()?;
        let time_ms: Option<i64> = r.get(6)?;
        let record = serde_json::json!({
            "v": RECORD_JSON_VERSION,
            "id": id,
            "kind": r.get::<_, String>(1)?,
            "direction": r.get::<_, String>(2)?,
            "counterparty": r.get::<_, String>(3)?,
            "number": r.get::<_, String>(4)?,
            "number_class": r.get::<_, String>(5)?,
            "time_ms": time_ms,
            "time": time_ms
                .and_then(anjing_model::time::from_unix_ms)
                .map(anjing_model::time::rfc3339_utc),
            "time_raw": r.get::<_, String>(7)?,
            "time_unit": r.get::<_, String>(8)?,
            "text": r.get::<_, Option<String>>(9)?,
            "duration_s": r.get::<_, Option<i64>>(10)?,
            "call_result": r.get::<_, Option<String>>(11)?,
            "contributor": r.get::<_, String>(12)?,
            "relation": r.get::<_, String>(13)?,
            "sources": sources,
            "salt": salt(salt_key, id),
        });
        f(id, record)?;
    }
    Ok(())
}

/// The leaves of the records tree, in id order, with the ids.
pub(crate) fn leaves(
    conn: &Connection,
    salt_key: &[u8; 32],
) -> Result<(Vec<i64>, Vec<Hash>), VaultError> {
    let (mut ids, mut leaves) = (Vec::new(), Vec::new());
    for_each_record_json(
        conn,
        salt_key,
        |_| true,
        |id, v| {
            ids.push(id);
            leaves.push(record_leaf(&v));
            Ok(())
        },
    )?;
    Ok((ids, leaves))
}

/// (records, sources, max id): what changes when records are added or merged.
fn fingerprint(conn: &Connection) -> Result<(i64, i64, i64), VaultError> {
    let (n, max): (i64, i64) =
        conn.query_row("SELECT count(*), coalesce(max(id), 0) FROM records", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    let s: i64 = conn.query_row("SELECT count(*) FROM record_sources", [], |r| r.get(0))?;
    Ok((n, s, max))
}

/// The newest `records_root` log entry.
pub fn latest_root_entry(conn: &Connection) -> Result<Option<log::LogEntry>, VaultError> {
    let seq: Option<i64> = conn
        .query_row(
            "SELECT seq FROM log WHERE action = ?1 ORDER BY seq DESC LIMIT 1",
            [RECORDS_ROOT],
            |r| r.get(0),
        )
        .optional()?;
    Ok(match seq {
        Some(seq) => log::entries(conn)?.into_iter().find(|e| e.seq == seq),
        None => None,
    })
}

/// Appends a `records_root` entry when the records changed since the last one. Returns
/// whether it appended. Called by [`crate::Case::checkpoint`] before signing.
pub(crate) fn commit_root(conn: &mut Connection, key: &SigningKey) -> Result<bool, VaultError> {
    let (n, s, max) = fingerprint(conn)?;
    let last = latest_root_entry(conn)?;
    let unchanged = match &last {
        Some(e) => {
            e.detail["records"].as_i64() == Some(n)
                && e.detail["sources"].as_i64() == Some(s)
                && e.detail["max_id"].as_i64() == Some(max)
        }
        None => n == 0,
    };
    if unchanged {
        return Ok(false);
    }
    let (_, leaves) = leaves(conn, &salt_key(key))?;
    let tx = conn.transaction()?;
    log::append(
        &tx,
        RECORDS_ROOT,
        &serde_json::json!({
            "root": hex::encode(anjing_proof::root(&leaves)),
            "records": leaves.len(),
            "sources": s,
            "max_id": max,
            "leaf": "SHA-256(0x00 || SHA-256(canonical record JSON)), records in id order",
        }),
    )?;
    tx.commit()?;
    Ok(true)
}

/// Chooses records for a disclosure.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Contributor names (e.g. 李梅).
    pub contributors: Vec<String>,
    /// Phone numbers, as typed (normalised before comparing).
    pub numbers: Vec<String>,
    /// Record ids.
    pub ids: Vec<i64>,
}

impl Selection {
    pub fn is_empty(&self) -> bool {
        self.contributors.is_empty() && self.numbers.is_empty() && self.ids.is_empty()
    }
}

/// The ids of the records a selection picks: every given criterion must hold.
pub(crate) fn select(conn: &Connection, sel: &Selection) -> Result<Vec<i64>, VaultError> {
    let numbers: Vec<String> =
        sel.numbers.iter().map(|n| anjing_model::phone::parse(n).normalized).collect();
    let mut st = conn.prepare(
        "SELECT r.id, c.name, r.number, r.counterparty FROM records r
           JOIN contributors c ON c.id = r.contributor_id ORDER BY r.id",
    )?;
    let rows = st.query_map(params![], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, name, number, counterparty) = row?;
        let ok = (sel.contributors.is_empty() || sel.contributors.contains(&name))
            && (numbers.is_empty()
                || numbers.contains(&number)
                || sel.numbers.contains(&counterparty))
            && (sel.ids.is_empty() || sel.ids.contains(&id));
        if ok {
            out.push(id);
        }
    }
    Ok(out)
}
