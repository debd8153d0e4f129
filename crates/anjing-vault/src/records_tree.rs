//! The per-record Merkle tree: what lets a victim show *some* records (the messages her mother
//! received) and prove they belong to the signed case log, without showing the rest.
//!
//! # Construction
//!
//! Every record has one **flat JSON** (built in `for_each_record_json`): its stored fields, its
//! contributor, every source (artifact hash, locator, line, column, offset and the original
//! field values) and a 128-bit record **salt**. The salt is `SHA-256(salt key ‖ record id)`
//! truncated, where the salt key is derived from the case signing key
//! ([`anjing_proof::SigningKey::derive_secret`] with label `record-salt`): stable across
//! checkpoints and unknown to anyone without the key.
//!
//! Since version 2 each field is committed on its own, so that a redacted package can hide one
//! field (a relative's name, a friend's number) and still prove the rest:
//!
//! ```text
//! field salt   = hex(SHA-256(record salt ‖ 0x00 ‖ field name)[..16])
//! field digest = hex(SHA-256("anjing-record-field-v2" ‖ 0x00 ‖ field name ‖ 0x00 ‖
//!                            field salt ‖ 0x00 ‖ canonical JSON of the value))
//! commitment   = {"fields": {name: field digest, …}, "id": id, "v": 2}
//! ```
//!
//! A shown field is given as `{"value", "salt"}`, a hidden one as `{"digest", "masked"}`
//! (`masked` is display only, e.g. `李*`). Each field has its own salt, so showing one field
//! reveals nothing that would let a reader test guesses about a hidden one (a masked mobile
//! `138****1234` has only 10⁴ candidates: without its salt none can be confirmed).
//!
//! Leaf `i` (0-based) of the records tree is the record with the `i`-th smallest id; its leaf
//! data is `SHA-256(canonical commitment)` and its leaf hash `SHA-256(0x00 ‖ leaf data)` (RFC
//! 6962, like the log's leaves). Canonical JSON is compact with keys sorted (as `serde_json`
//! writes a `Value`). Version 1 (whole flat JSON hashed as one leaf) is still verified in old
//! packages. Before a checkpoint is signed ([`crate::Case::checkpoint`]), when the records
//! changed since the last commitment (count, source count, largest id, version), the vault
//! appends a log entry `records_root` with `{root, records, sources, max_id, version}`; the
//! signed checkpoint then covers that root. A disclosure package carries, per shown record,
//! its fields and an inclusion proof against `root`, and the `records_root` entry with its own
//! inclusion proof against the signed checkpoint.

use anjing_proof::{Hash, SigningKey};
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

use crate::{VaultError, log};

/// The log action that commits to the records tree.
pub const RECORDS_ROOT: &str = "records_root";
/// Version of the record commitment (the `v` field): 2 commits field by field.
pub const RECORD_JSON_VERSION: i64 = 2;
/// Fields of the flat JSON that are not committed as fields (they are in the commitment
/// itself, or derive the field salts).
const NOT_FIELDS: [&str; 3] = ["v", "id", "salt"];

/// The salt key of a case.
pub(crate) fn salt_key(key: &SigningKey) -> [u8; 32] {
    key.derive_secret("record-salt")
}

fn salt(salt_key: &[u8; 32], id: i64) -> String {
    let mut h = Sha256::new();
    h.update(salt_key);
    h.update(id.to_le_bytes());
    hex_lower(&h.finalize()[..16])
}

/// Lower-case hex, as `hex::encode` writes it (that one goes char by char: a tenth of the
/// time of a records-tree leaf went there).
fn hex_lower(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = vec![0u8; bytes.len() * 2];
    for (pair, b) in out.chunks_exact_mut(2).zip(bytes) {
        pair[0] = DIGITS[(b >> 4) as usize];
        pair[1] = DIGITS[(b & 0xf) as usize];
    }
    // Every byte written is an ASCII hex digit: this never fails.
    String::from_utf8(out).unwrap_or_default()
}

/// Feeds serialised JSON straight into a hash (no intermediate buffer).
struct HashWriter<'a>(&'a mut Sha256);

impl std::io::Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The canonical bytes of a record JSON value (compact, keys sorted).
pub fn canonical_bytes(record: &serde_json::Value) -> Vec<u8> {
    serde_json::to_vec(record).expect("JSON values always serialise")
}

/// The version-1 leaf of a flat record JSON value: `SHA-256(0x00 ‖ SHA-256(canonical bytes))`.
pub fn record_leaf(record: &serde_json::Value) -> Hash {
    let data: [u8; 32] = Sha256::digest(canonical_bytes(record)).into();
    anjing_proof::leaf_hash(&data)
}

/// The salt of one field, from the record salt.
pub fn field_salt(record_salt: &str, field: &str) -> String {
    let mut h = Sha256::new();
    h.update(record_salt.as_bytes());
    h.update([0]);
    h.update(field.as_bytes());
    hex_lower(&h.finalize()[..16])
}

/// The digest that commits to one field's value.
pub fn field_digest(field: &str, salt: &str, value: &serde_json::Value) -> String {
    let mut h = field_hasher(field, salt);
    // The canonical bytes of the value (see `canonical_bytes`), written into the hash.
    serde_json::to_writer(HashWriter(&mut h), value).expect("JSON values always serialise");
    hex_lower(&h.finalize())
}

/// A field digest's hash, fed everything before the value's canonical bytes.
fn field_hasher(field: &str, salt: &str) -> Sha256 {
    let mut h = Sha256::new();
    h.update(b"anjing-record-field-v2\0");
    h.update(field.as_bytes());
    h.update([0]);
    h.update(salt.as_bytes());
    h.update([0]);
    h
}

/// A flat record opened field by field (every field shown): the `record` of a v2 disclosure.
pub fn open_record(flat: &serde_json::Value) -> serde_json::Value {
    let record_salt = flat["salt"].as_str().unwrap_or("");
    let mut fields = serde_json::Map::new();
    if let Some(obj) = flat.as_object() {
        for (k, v) in obj.iter().filter(|(k, _)| !NOT_FIELDS.contains(&k.as_str())) {
            fields.insert(
                k.clone(),
                serde_json::json!({"value": v, "salt": field_salt(record_salt, k)}),
            );
        }
    }
    serde_json::json!({"v": RECORD_JSON_VERSION, "id": flat["id"], "fields": fields})
}

/// Hides one field of an opened record: its value and salt are replaced by its digest and a
/// display mask. Returns false when the field is not there (or already hidden).
pub fn hide_field(record: &mut serde_json::Value, field: &str, masked: &str) -> bool {
    let Some(f) = record["fields"].get_mut(field) else { return false };
    let (Some(salt), Some(value)) = (f["salt"].as_str(), f.get("value")) else { return false };
    let digest = field_digest(field, salt, value);
    *f = serde_json::json!({"digest": digest, "masked": masked});
    true
}

/// The leaf of a v2 record (fields shown or hidden), or why it cannot be computed.
pub fn opened_leaf(record: &serde_json::Value) -> Result<Hash, String> {
    if record["v"].as_i64() != Some(2) {
        return Err("记录的格式版本不是 2".into());
    }
    let id = record["id"].as_i64().ok_or("缺少记录编号")?;
    let fields = record["fields"].as_object().ok_or("缺少 fields")?;
    let mut digests = serde_json::Map::new();
    for (k, f) in fields {
        let digest = match (f.get("value"), f["salt"].as_str(), f["digest"].as_str()) {
            (Some(v), Some(salt), None) => field_digest(k, salt, v),
            (None, None, Some(d)) if d.len() == 64 && d.bytes().all(|b| b.is_ascii_hexdigit()) => {
                d.to_ascii_lowercase()
            }
            _ => return Err(format!("字段“{k}”既不是原文加盐，也不是 64 位指纹")),
        };
        digests.insert(k.clone(), serde_json::Value::String(digest));
    }
    Ok(commitment_leaf(id, digests))
}

fn commitment_leaf(id: i64, digests: serde_json::Map<String, serde_json::Value>) -> Hash {
    let commitment = serde_json::json!({"v": RECORD_JSON_VERSION, "id": id, "fields": digests});
    let mut h = Sha256::new();
    serde_json::to_writer(HashWriter(&mut h), &commitment).expect("JSON values always serialise");
    let data: [u8; 32] = h.finalize().into();
    anjing_proof::leaf_hash(&data)
}

/// The v2 leaf of a flat record JSON value (what the records tree holds).
pub fn flat_leaf(flat: &serde_json::Value) -> Hash {
    let record_salt = flat["salt"].as_str().unwrap_or("");
    let mut digests = serde_json::Map::new();
    if let Some(obj) = flat.as_object() {
        for (k, v) in obj.iter().filter(|(k, _)| !NOT_FIELDS.contains(&k.as_str())) {
            let salt = field_salt(record_salt, k);
            digests.insert(k.clone(), serde_json::Value::String(field_digest(k, &salt, v)));
        }
    }
    commitment_leaf(flat["id"].as_i64().unwrap_or(0), digests)
}

/// What a reader sees of an opened record: shown values, and the mask for hidden fields
/// (`null` when a hidden field has no mask). Keys `v`, `id` as in the flat JSON; the list of
/// hidden field names under `hidden`.
pub fn shown_values(record: &serde_json::Value) -> serde_json::Value {
    let mut out = serde_json::Map::new();
    out.insert("v".into(), record["v"].clone());
    out.insert("id".into(), record["id"].clone());
    let mut hidden = Vec::new();
    if let Some(fields) = record["fields"].as_object() {
        for (k, f) in fields {
            match f.get("value") {
                Some(v) => out.insert(k.clone(), v.clone()),
                None => {
                    hidden.push(serde_json::Value::String(k.clone()));
                    out.insert(k.clone(), f["masked"].clone())
                }
            };
        }
    }
    out.insert("hidden".into(), serde_json::Value::Array(hidden));
    serde_json::Value::Object(out)
}

const SELECT: &str = "SELECT r.id, r.kind, r.direction, r.counterparty, r.number, r.number_class,
        r.time_ms, r.time_raw, r.time_unit, r.text, r.duration_s, r.call_result, c.name, c.relation
   FROM records r JOIN contributors c ON c.id = r.contributor_id";

/// Calls `f` with (id, flat JSON) of every record whose id `keep` accepts, in id order.
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
            leaves.push(flat_leaf(&v));
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
                && e.detail["version"].as_i64() == Some(RECORD_JSON_VERSION)
        }
        None => n == 0,
    };
    if unchanged {
        return Ok(false);
    }
    let tx = conn.transaction()?;
    let tree = cached_root(&tx, &salt_key(key))?;
    log::append(
        &tx,
        RECORDS_ROOT,
        &serde_json::json!({
            "root": hex::encode(tree.root()),
            "records": tree.len(),
            "sources": s,
            "max_id": max,
            "version": RECORD_JSON_VERSION,
            "leaf": "SHA-256(0x00 || SHA-256(canonical {fields: {name: field digest}, id, v: 2})), records in id order",
        }),
    )?;
    tx.commit()?;
    Ok(true)
}

/// Meta key: the commitment version the `record_leaves` cache was computed for.
const META_LEAF_VERSION: &str = "record_leaves_version";

/// Records whose leaves are hashed together, spread over the cores.
const LEAF_BATCH: usize = 4096;

/// The records tree over the leaves in id order, from the leaf cache (`record_leaves`),
/// computing and storing the leaves of records that have none: new records, and merged ones
/// (the import drops the cached leaf of a record that gains a source). A large import so hashes
/// only what it added, not the whole case; the root is folded leaf by leaf
/// ([`anjing_proof::RootBuilder`]), so memory does not grow with the case (1.7 M records held
/// as a list were 55 MB more at the checkpoint after a 1 GB import). [`check_records`]
/// recomputes everything without the cache.
pub(crate) fn cached_root(
    conn: &Connection,
    salt_key: &[u8; 32],
) -> Result<anjing_proof::RootBuilder, VaultError> {
    let version: Option<i64> = conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [META_LEAF_VERSION], |r| {
            r.get::<_, String>(0)
        })
        .optional()?
        .and_then(|v| v.parse().ok());
    if version != Some(RECORD_JSON_VERSION) {
        conn.execute("DELETE FROM record_leaves", [])?;
        conn.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![META_LEAF_VERSION, RECORD_JSON_VERSION.to_string()],
        )?;
    }
    let missing: std::collections::HashSet<i64> = conn
        .prepare("SELECT id FROM records WHERE id NOT IN (SELECT record_id FROM record_leaves)")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    if !missing.is_empty() {
        let mut insert =
            conn.prepare("INSERT OR REPLACE INTO record_leaves (record_id, leaf) VALUES (?1, ?2)")?;
        let mut batch = Vec::with_capacity(LEAF_BATCH);
        let flush = |batch: &mut Vec<(i64, serde_json::Value)>,
                     insert: &mut rusqlite::Statement<'_>|
         -> Result<(), VaultError> {
            for (id, leaf) in par_flat_leaves(std::mem::take(batch)) {
                insert.execute(params![id, &leaf[..]])?;
            }
            Ok(())
        };
        for_each_record_json(
            conn,
            salt_key,
            |id| missing.contains(&id),
            |id, v| {
                batch.push((id, v));
                if batch.len() >= LEAF_BATCH {
                    flush(&mut batch, &mut insert)?;
                }
                Ok(())
            },
        )?;
        flush(&mut batch, &mut insert)?;
    }
    let mut st = conn.prepare(
        "SELECT l.leaf FROM records r JOIN record_leaves l ON l.record_id = r.id ORDER BY r.id",
    )?;
    let mut tree = anjing_proof::RootBuilder::new();
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let blob = r.get_ref(0)?.as_blob().unwrap_or_default();
        tree.push(<Hash>::try_from(blob).unwrap_or([0; 32]));
    }
    Ok(tree)
}

/// [`flat_leaf`] of each record, on one thread per core. The records are moved into the
/// threads: dropping the JSON values is a good part of the work too.
fn par_flat_leaves(batch: Vec<(i64, serde_json::Value)>) -> Vec<(i64, Hash)> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
    let leaves = |chunk: Vec<(i64, serde_json::Value)>| -> Vec<(i64, Hash)> {
        chunk.into_iter().map(|(id, v)| (id, flat_leaf(&v))).collect()
    };
    if threads < 2 || batch.len() < 64 {
        return leaves(batch);
    }
    let per = batch.len().div_ceil(threads);
    let mut chunks = Vec::with_capacity(threads);
    let mut rest = batch;
    while rest.len() > per {
        let tail = rest.split_off(per);
        chunks.push(rest);
        rest = tail;
    }
    chunks.push(rest);
    std::thread::scope(|s| {
        let handles: Vec<_> = chunks.into_iter().map(|c| s.spawn(move || leaves(c))).collect();
        handles.into_iter().flat_map(|h| h.join().expect("hashing a leaf cannot panic")).collect()
    })
}

/// Lower-case hex of `N` bytes into a fixed buffer of `M = 2N` bytes (no allocation).
fn hex_into<const M: usize>(bytes: &[u8]) -> [u8; M] {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0u8; M];
    for (pair, b) in out.chunks_exact_mut(2).zip(bytes) {
        pair[0] = DIGITS[(b >> 4) as usize];
        pair[1] = DIGITS[(b & 0xf) as usize];
    }
    out
}

/// The leaf of a record just inserted by an import, with its one source: the same bytes
/// [`flat_leaf`] hashes for the flat JSON [`for_each_record_json`] builds (`check` compares the
/// two), written field by field instead of through a `serde_json::Value` of the whole record,
/// into one scratch buffer and fixed-size hex (`salt`, [`field_salt`], [`field_digest`] and
/// [`hex_lower`] spelled out without their allocations).
pub(crate) fn new_record_leaf(
    salt_key: &[u8; 32],
    id: i64,
    artifact: &str,
    contributor: &str,
    relation: &str,
    p: &crate::ingest::Prepared,
) -> Hash {
    use std::io::Write as _;
    fn str_json(out: &mut Vec<u8>, s: &str) {
        serde_json::to_writer(&mut *out, s).expect("strings always serialise");
    }
    fn opt_str(out: &mut Vec<u8>, s: Option<&str>) {
        match s {
            Some(s) => str_json(out, s),
            None => out.extend_from_slice(b"null"),
        }
    }
    fn opt_int(out: &mut Vec<u8>, n: Option<i64>) {
        match n {
            Some(n) => write!(out, "{n}").expect("writing to a Vec never fails"),
            None => out.extend_from_slice(b"null"),
        }
    }
    let time =
        p.time_ms.and_then(anjing_model::time::from_unix_ms).map(anjing_model::time::rfc3339_utc);
    let record_salt: [u8; 32] = {
        let mut h = Sha256::new();
        h.update(salt_key);
        h.update(id.to_le_bytes());
        hex_into(&h.finalize()[..16])
    };
    let mut value = Vec::with_capacity(p.original.len() + 256);
    let mut commitment = Vec::with_capacity(16 + 15 * 100);
    commitment.extend_from_slice(b"{\"fields\":{");
    // Committed fields in the order of their names (as a JSON object's keys are written).
    for (i, name) in [
        "call_result",
        "contributor",
        "counterparty",
        "direction",
        "duration_s",
        "kind",
        "number",
        "number_class",
        "relation",
        "sources",
        "text",
        "time",
        "time_ms",
        "time_raw",
        "time_unit",
    ]
    .into_iter()
    .enumerate()
    {
        value.clear();
        match name {
            "call_result" => opt_str(&mut value, p.call_result),
            "contributor" => str_json(&mut value, contributor),
            "counterparty" => str_json(&mut value, &p.counterparty),
            "direction" => str_json(&mut value, p.direction),
            "duration_s" => opt_int(&mut value, p.duration_s),
            "kind" => str_json(&mut value, p.kind),
            "number" => str_json(&mut value, &p.number),
            "number_class" => str_json(&mut value, p.number_class),
            "relation" => str_json(&mut value, relation),
            "sources" => {
                value.extend_from_slice(b"[{\"artifact\":");
                str_json(&mut value, artifact);
                write!(value, ",\"column\":{},\"line\":{},\"locator\":", p.col, p.line)
                    .expect("writing to a Vec never fails");
                str_json(&mut value, &p.locator);
                write!(value, ",\"offset\":{},\"original\":", p.offset)
                    .expect("writing to a Vec never fails");
                if p.original_canonical {
                    // What `for_each_record_json` would read back and print: the same bytes.
                    value.extend_from_slice(p.original.as_bytes());
                } else {
                    // The stored original, read back as `for_each_record_json` reads it.
                    let original: serde_json::Value = serde_json::from_str(&p.original)
                        .unwrap_or_else(|_| serde_json::Value::String(p.original.clone()));
                    serde_json::to_writer(&mut value, &original)
                        .expect("JSON values always serialise");
                }
                value.extend_from_slice(b"}]");
            }
            "text" => opt_str(&mut value, p.text.as_deref()),
            "time" => opt_str(&mut value, time.as_deref()),
            "time_ms" => opt_int(&mut value, p.time_ms),
            "time_raw" => str_json(&mut value, &p.time_raw),
            _ => str_json(&mut value, p.time_unit),
        }
        // field salt = hex(SHA-256(record salt ‖ 0 ‖ name)[..16])
        let field_salt: [u8; 32] = {
            let mut h = Sha256::new();
            h.update(record_salt);
            h.update([0]);
            h.update(name.as_bytes());
            hex_into(&h.finalize()[..16])
        };
        // field digest, as `field_hasher` + the value's canonical bytes
        let mut h = Sha256::new();
        h.update(b"anjing-record-field-v2\0");
        h.update(name.as_bytes());
        h.update([0]);
        h.update(field_salt);
        h.update([0]);
        h.update(&value);
        let digest: [u8; 64] = hex_into(&h.finalize());
        if i > 0 {
            commitment.push(b',');
        }
        commitment.push(b'"');
        commitment.extend_from_slice(name.as_bytes());
        commitment.extend_from_slice(b"\":\"");
        commitment.extend_from_slice(&digest);
        commitment.push(b'"');
    }
    write!(commitment, "}},\"id\":{id},\"v\":{RECORD_JSON_VERSION}}}")
        .expect("writing to a Vec never fails");
    let data: [u8; 32] = Sha256::digest(&commitment).into();
    anjing_proof::leaf_hash(&data)
}

/// New records handed to the leaf thread at a time.
const LEAF_JOBS: usize = 256;

type LeafJobs = Vec<(i64, crate::ingest::Prepared)>;

/// A thread that hashes the leaves of the records an import inserts, while the import runs;
/// [`LeafWorker::finish`] stores them in the leaf cache in the import's transaction. Records
/// merged during the import are left out (the next checkpoint hashes them with all sources).
pub(crate) struct LeafWorker {
    jobs: Option<std::sync::mpsc::SyncSender<LeafJobs>>,
    results: std::sync::mpsc::Receiver<Vec<(i64, Hash)>>,
    handle: Option<std::thread::JoinHandle<()>>,
    pending: LeafJobs,
    merged: std::collections::HashSet<i64>,
}

impl LeafWorker {
    pub(crate) fn new(
        salt_key: [u8; 32],
        artifact: &str,
        contributor: &str,
        relation: &str,
    ) -> Self {
        let (jobs, job_rx) = std::sync::mpsc::sync_channel::<LeafJobs>(16);
        let (result_tx, results) = std::sync::mpsc::channel();
        let (artifact, contributor, relation) =
            (artifact.to_string(), contributor.to_string(), relation.to_string());
        let handle = std::thread::Builder::new()
            .name("anjing-leaves".into())
            .spawn(move || {
                for batch in job_rx {
                    let leaves: Vec<(i64, Hash)> = batch
                        .iter()
                        .map(|(id, p)| {
                            (
                                *id,
                                new_record_leaf(
                                    &salt_key,
                                    *id,
                                    &artifact,
                                    &contributor,
                                    &relation,
                                    p,
                                ),
                            )
                        })
                        .collect();
                    drop(batch);
                    if result_tx.send(leaves).is_err() {
                        return;
                    }
                }
            })
            .ok();
        LeafWorker {
            jobs: handle.as_ref().map(|_| jobs),
            results,
            handle,
            pending: Vec::with_capacity(LEAF_JOBS),
            merged: Default::default(),
        }
    }

    /// A record the import inserted (id and the values it was inserted with).
    pub(crate) fn submit(
        &mut self,
        conn: &Connection,
        id: i64,
        p: crate::ingest::Prepared,
    ) -> Result<(), VaultError> {
        if self.jobs.is_none() {
            return Ok(());
        }
        self.pending.push((id, p));
        if self.pending.len() >= LEAF_JOBS {
            let batch = std::mem::replace(&mut self.pending, Vec::with_capacity(LEAF_JOBS));
            if let Some(jobs) = &self.jobs
                && jobs.send(batch).is_err()
            {
                self.jobs = None;
            }
            while let Ok(done) = self.results.try_recv() {
                self.store(conn, done)?;
            }
        }
        Ok(())
    }

    /// A record that gained a source during this import: its leaf is not final.
    pub(crate) fn merged(&mut self, id: i64) {
        self.merged.insert(id);
    }

    fn store(&self, conn: &Connection, done: Vec<(i64, Hash)>) -> Result<(), VaultError> {
        let mut st = conn.prepare_cached(
            "INSERT OR REPLACE INTO record_leaves (record_id, leaf) VALUES (?1, ?2)",
        )?;
        for (id, leaf) in done {
            if !self.merged.contains(&id) {
                st.execute(params![id, &leaf[..]])?;
            }
        }
        Ok(())
    }

    /// Waits for the last leaves and stores them.
    pub(crate) fn finish(mut self, conn: &Connection) -> Result<(), VaultError> {
        let batch = std::mem::take(&mut self.pending);
        if let Some(jobs) = self.jobs.take()
            && !batch.is_empty()
        {
            let _ = jobs.send(batch);
        }
        // The sender is gone: the thread ends after the last batch.
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
        while let Ok(done) = self.results.try_recv() {
            self.store(conn, done)?;
        }
        Ok(())
    }
}

/// What [`check_records`] found wrong with the records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RecordsFault {
    /// The records no longer hash to the root of the newest `records_root` entry, though the
    /// counts it recorded still match: a record or source was edited.
    RootMismatch { seq: i64, committed: String, actual: String },
    /// Fewer records or sources than the newest `records_root` entry committed to.
    Missing { seq: i64, committed: (i64, i64), actual: (i64, i64) },
    /// Cached leaves that differ from the records they stand for (record ids, first few).
    StaleCache { ids: Vec<i64> },
}

/// `anjing check`: recomputes every record's leaf from the records themselves (not the cache)
/// and compares the root with the newest `records_root` entry (when the records have not grown
/// since: records added after it are signed at the next checkpoint), and the cache with the
/// fresh leaves.
pub(crate) fn check_records(
    conn: &Connection,
    salt_key: &[u8; 32],
) -> Result<Vec<RecordsFault>, VaultError> {
    let mut faults = Vec::new();
    let Some(entry) = latest_root_entry(conn)? else { return Ok(faults) };
    let (n, s, max) = fingerprint(conn)?;
    let (ids, fresh) = leaves(conn, salt_key)?;
    let committed = (
        entry.detail["records"].as_i64().unwrap_or(0),
        entry.detail["sources"].as_i64().unwrap_or(0),
    );
    let same_counts = committed == (n, s) && entry.detail["max_id"].as_i64() == Some(max);
    if n < committed.0 || s < committed.1 {
        faults.push(RecordsFault::Missing { seq: entry.seq, committed, actual: (n, s) });
    } else if same_counts && entry.detail["version"].as_i64() == Some(RECORD_JSON_VERSION) {
        let actual = hex::encode(anjing_proof::root(&fresh));
        let root = entry.detail["root"].as_str().unwrap_or("").to_string();
        if actual != root {
            faults.push(RecordsFault::RootMismatch { seq: entry.seq, committed: root, actual });
        }
    }
    let cached: std::collections::HashMap<i64, Vec<u8>> = conn
        .prepare("SELECT record_id, leaf FROM record_leaves")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let stale: Vec<i64> = ids
        .iter()
        .zip(&fresh)
        .filter(|(id, leaf)| cached.get(id).is_some_and(|c| c.as_slice() != &leaf[..]))
        .map(|(id, _)| *id)
        .take(10)
        .collect();
    if !stale.is_empty() {
        faults.push(RecordsFault::StaleCache { ids: stale });
    }
    Ok(faults)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A relative's message as the vault holds it (the mother's phone, a collector's SMS).
    fn flat() -> serde_json::Value {
        serde_json::json!({
            "v": 2, "id": 7, "kind": "sms", "direction": "in", "counterparty": "13800001111",
            "number": "+8613800001111", "contributor": "李梅", "relation": "母亲",
            "text": "你儿子欠款不还", "sources": [{"artifact": "ab", "locator": "sms[3]"}],
            "salt": "00112233445566778899aabbccddeeff",
        })
    }

    #[test]
    fn hiding_a_field_keeps_the_leaf_and_changing_one_breaks_it() {
        let flat = flat();
        let leaf = flat_leaf(&flat);
        let mut opened = open_record(&flat);
        assert_eq!(opened_leaf(&opened).unwrap(), leaf);
        assert!(hide_field(&mut opened, "contributor", "李*"));
        assert!(hide_field(&mut opened, "sources", "（已遮盖）"));
        assert!(!hide_field(&mut opened, "contributor", "again"), "already hidden");
        assert_eq!(opened_leaf(&opened).unwrap(), leaf);
        let text = serde_json::to_string(&opened).unwrap();
        assert!(!text.contains("李梅") && !text.contains("sms[3]"), "{text}");
        // The hidden field's salt is not in the record: a guess cannot be checked.
        let salt = field_salt("00112233445566778899aabbccddeeff", "contributor");
        assert!(!text.contains(&salt));
        let shown = shown_values(&opened);
        assert_eq!(shown["contributor"], "李*");
        assert_eq!(shown["hidden"], serde_json::json!(["contributor", "sources"]));

        let mut edited = opened.clone();
        edited["fields"]["text"]["value"] = "已结清".into();
        assert_ne!(opened_leaf(&edited).unwrap(), leaf);
        let mut edited = opened.clone();
        edited["fields"]["contributor"]["digest"] = "0".repeat(64).into();
        assert_ne!(opened_leaf(&edited).unwrap(), leaf);
        let mut edited = opened.clone();
        edited["id"] = 8.into();
        assert_ne!(opened_leaf(&edited).unwrap(), leaf);
        let mut edited = opened;
        edited["fields"].as_object_mut().unwrap().remove("relation");
        assert_ne!(opened_leaf(&edited).unwrap(), leaf);
    }

    /// The leaf format is a promise to every package already handed out: this value was
    /// computed independently (Python's hashlib and json.dumps with sorted keys) from the
    /// construction in the module comment.
    #[test]
    fn leaf_of_a_known_record_never_changes() {
        assert_eq!(
            hex::encode(flat_leaf(&flat())),
            "0da45fd3a65172948178ec70fa728bccaa07591f2a078ac8c25aeee39e2c9ba4"
        );
        assert_eq!(hex_lower(&[0x00, 0x9f, 0xa0, 0xff]), hex::encode([0x00, 0x9f, 0xa0, 0xff]));
    }

    /// The leaves the import hashes on its own thread (field by field, `new_record_leaf`) are
    /// the leaves of the flat JSON `check` and disclosures rebuild from the database: for SMS
    /// with MMS parts, calls, and iOS rows with REAL (floating-point) Core Data times.
    #[test]
    fn leaves_hashed_during_import_equal_the_leaves_rebuilt_from_the_database() {
        let data =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../anjing-import/tests/data");
        let dir = tempfile::tempdir().unwrap();
        let mut case = crate::Case::init(dir.path(), "t").unwrap();
        let mut total = 0;
        for (file, who, relation) in [
            ("messages.xml", "本人", ""),
            ("calls.xml", "李梅", "母亲"),
            ("ios-CallHistory.storedata", "本人", ""),
            ("ios-sms.db", "本人", ""),
            ("android-mmssms-v69-vendor.db", "王强", "同事"),
        ] {
            let report = case.import_file(&data.join(file), who, relation).unwrap();
            assert!(report.records_new > 0, "{file}");
            total += report.records_new;
        }
        let key = case.read_signing_key().unwrap().expect("a new case has its key");
        let salt_key = salt_key(&key);
        let (ids, fresh) = leaves(&case.conn, &salt_key).unwrap();
        assert_eq!(ids.len() as u64, total);
        let cached: std::collections::HashMap<i64, Vec<u8>> = case
            .conn
            .prepare("SELECT record_id, leaf FROM record_leaves")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(cached.len(), ids.len(), "every new record got its leaf during the import");
        for (id, leaf) in ids.iter().zip(&fresh) {
            assert_eq!(cached[id].as_slice(), &leaf[..], "record {id}");
        }
        assert!(check_records(&case.conn, &salt_key).unwrap().is_empty());
    }

    #[test]
    fn field_salts_differ_per_field_and_per_record() {
        let a = field_salt("s1", "number");
        assert_ne!(a, field_salt("s1", "counterparty"));
        assert_ne!(a, field_salt("s2", "number"));
        assert_eq!(a.len(), 32);
    }
}
