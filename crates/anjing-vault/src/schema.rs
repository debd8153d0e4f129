//! The case database schema and its migrations.
//!
//! The schema version lives in `PRAGMA user_version`. A migration is applied
//! once, in order, inside a transaction; an applied migration is never edited
//! (case folders live for years), a change is always a new migration.

use rusqlite::Connection;

use crate::VaultError;

/// Migrations, in order. Index `i` brings the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- A person who supplied evidence: the borrower (本人) or a contacted relative/colleague.
CREATE TABLE contributors (
    id       INTEGER PRIMARY KEY,
    name     TEXT NOT NULL,
    relation TEXT NOT NULL DEFAULT '',
    UNIQUE (name, relation)
);

-- One original file, stored byte-exact in blobs/ under its SHA-256.
CREATE TABLE artifacts (
    sha256         TEXT PRIMARY KEY,
    size           INTEGER NOT NULL,
    file_name      TEXT NOT NULL,
    format         TEXT NOT NULL,
    contributor_id INTEGER NOT NULL REFERENCES contributors(id),
    imported_at    TEXT NOT NULL,
    importer       TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('complete', 'damaged')),
    records        INTEGER NOT NULL,
    problems       INTEGER NOT NULL
);

-- One event. The same event seen in several exports is one row with several sources.
CREATE TABLE records (
    id             INTEGER PRIMARY KEY,
    dedup_key      BLOB NOT NULL UNIQUE,
    kind           TEXT NOT NULL,
    direction      TEXT NOT NULL,
    counterparty   TEXT NOT NULL,
    number         TEXT NOT NULL,
    number_class   TEXT NOT NULL,
    time_ms        INTEGER,
    time_raw       TEXT NOT NULL,
    time_unit      TEXT NOT NULL,
    text           TEXT,
    duration_s     INTEGER,
    call_result    TEXT,
    contributor_id INTEGER NOT NULL REFERENCES contributors(id)
);
CREATE INDEX records_time ON records(time_ms);
CREATE INDEX records_number ON records(number);

-- Where a record was read: the artifact, a locator into it and the original field values.
CREATE TABLE record_sources (
    record_id INTEGER NOT NULL REFERENCES records(id),
    artifact  TEXT NOT NULL REFERENCES artifacts(sha256),
    locator   TEXT NOT NULL,
    line      INTEGER NOT NULL,
    col       INTEGER NOT NULL,
    offset    INTEGER NOT NULL,
    original  TEXT NOT NULL,
    PRIMARY KEY (record_id, artifact, locator)
) WITHOUT ROWID;
CREATE INDEX record_sources_artifact ON record_sources(artifact);

-- What an importer could not read cleanly.
CREATE TABLE problems (
    id         INTEGER PRIMARY KEY,
    artifact   TEXT NOT NULL REFERENCES artifacts(sha256),
    severity   TEXT NOT NULL,
    code       TEXT NOT NULL,
    locator    TEXT,
    line       INTEGER,
    col        INTEGER,
    message_zh TEXT NOT NULL,
    cause_en   TEXT NOT NULL
);

-- Detection results (derived data: replaced by each analysis run, which is logged).
CREATE TABLE findings (
    id            INTEGER PRIMARY KEY,
    record_id     INTEGER REFERENCES records(id),
    practice      TEXT NOT NULL,
    rule          TEXT NOT NULL,
    severity      TEXT NOT NULL,
    spans         TEXT NOT NULL,
    explanation   TEXT NOT NULL,
    legal_bases   TEXT NOT NULL,
    record_ids    TEXT NOT NULL,
    details       TEXT NOT NULL,
    rules_version TEXT NOT NULL
);
CREATE INDEX findings_record ON findings(record_id);

-- Per-record collection verdicts of the last analysis.
CREATE TABLE classifications (
    record_id     INTEGER PRIMARY KEY REFERENCES records(id),
    is_collection INTEGER NOT NULL,
    practices     TEXT NOT NULL
);

-- The append-only, hash-chained log of every change to the case.
CREATE TABLE log (
    seq       INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    action    TEXT NOT NULL,
    detail    TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE TRIGGER log_append_only_update BEFORE UPDATE ON log
BEGIN SELECT RAISE(ABORT, 'the case log is append-only'); END;
CREATE TRIGGER log_append_only_delete BEFORE DELETE ON log
BEGIN SELECT RAISE(ABORT, 'the case log is append-only'); END;
"#,
    r#"
-- Signed checkpoints of the log (c2sp.org/tlog-checkpoint notes, see proofs.rs):
-- the Merkle root over the first `size` log entries, signed with the case key.
CREATE TABLE checkpoints (
    size INTEGER PRIMARY KEY,
    note TEXT NOT NULL,
    at   TEXT NOT NULL
);
CREATE TRIGGER checkpoints_append_only_update BEFORE UPDATE ON checkpoints
BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;
CREATE TRIGGER checkpoints_append_only_delete BEFORE DELETE ON checkpoints
BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;
"#,
    // 3: the user's decisions on findings. A decision names the finding by a
    // stable key (record id + practice + rule for message findings; practice +
    // rule + sorted supporting record ids for pattern findings), so it survives
    // re-analysis. Decisions are never updated: a later decision supersedes.
    r#"
CREATE TABLE reviews (
    id          INTEGER PRIMARY KEY,
    finding_key TEXT NOT NULL,
    decision    TEXT NOT NULL CHECK (decision IN ('confirmed', 'rejected', 'cleared')),
    reason      TEXT NOT NULL DEFAULT '',
    at          TEXT NOT NULL,
    log_seq     INTEGER NOT NULL
);
CREATE INDEX reviews_key ON reviews(finding_key);
CREATE TRIGGER reviews_append_only_update BEFORE UPDATE ON reviews
BEGIN SELECT RAISE(ABORT, 'reviews are append-only'); END;
CREATE TRIGGER reviews_append_only_delete BEFORE DELETE ON reviews
BEGIN SELECT RAISE(ABORT, 'reviews are append-only'); END;
ALTER TABLE findings ADD COLUMN finding_key TEXT NOT NULL DEFAULT '';
"#,
    // 4: RFC 3161 timestamp tokens over signed checkpoints.
    r#"
CREATE TABLE timestamps (
    id              INTEGER PRIMARY KEY,
    checkpoint_size INTEGER NOT NULL,
    imprint_sha256  TEXT NOT NULL,
    request         BLOB,
    response        BLOB NOT NULL,
    gen_time        TEXT NOT NULL,
    tsa             TEXT NOT NULL DEFAULT '',
    at              TEXT NOT NULL
);
"#,
    // 5: facts about the case that the evidence cannot tell (lender, names,
    // remedies). Current value per key; every change is also a log entry.
    r#"
CREATE TABLE facts (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    at    TEXT NOT NULL
);
"#,
    // 6: which records each finding is about (its own record and, for pattern findings,
    // every supporting record), so listings filter and page by finding in SQL. Derived
    // data, rewritten with the findings by each analysis.
    r#"
CREATE TABLE finding_records (
    record_id  INTEGER NOT NULL,
    finding_id INTEGER NOT NULL REFERENCES findings(id),
    PRIMARY KEY (record_id, finding_id)
) WITHOUT ROWID;
CREATE INDEX finding_records_finding ON finding_records(finding_id);
CREATE INDEX findings_practice ON findings(practice);
INSERT OR IGNORE INTO finding_records (record_id, finding_id)
    SELECT record_id, id FROM findings WHERE record_id IS NOT NULL
    UNION SELECT j.value, f.id FROM findings f, json_each(f.record_ids) j;
"#,
    // 7: record_sources becomes an ordinary rowid table. As a WITHOUT ROWID table its
    // rows (the original field values, ~400 bytes) lived inside the primary-key B-tree,
    // which SQLite recommends only for rows under ~1/20 of a page: a 60 MB SMS backup
    // made a 97 MB table at ~45 % page fill, and every insert moved those rows around
    // while balancing. Sources are only ever looked up by record, so one index on
    // `record_id` replaces the (record_id, artifact, locator) key and the artifact index;
    // an artifact is imported once (its hash is checked first), so the old key could not
    // repeat.
    r#"
CREATE TABLE record_sources_v7 (
    id        INTEGER PRIMARY KEY,
    record_id INTEGER NOT NULL REFERENCES records(id),
    artifact  TEXT NOT NULL REFERENCES artifacts(sha256),
    locator   TEXT NOT NULL,
    line      INTEGER NOT NULL,
    col       INTEGER NOT NULL,
    offset    INTEGER NOT NULL,
    original  TEXT NOT NULL
);
INSERT INTO record_sources_v7 (record_id, artifact, locator, line, col, offset, original)
    SELECT record_id, artifact, locator, line, col, offset, original FROM record_sources
     ORDER BY record_id, artifact, locator;
DROP TABLE record_sources;
ALTER TABLE record_sources_v7 RENAME TO record_sources;
CREATE INDEX record_sources_record ON record_sources(record_id);
"#,
    // 8: a cache of each record's leaf in the records tree (see records_tree.rs), so a
    // checkpoint hashes only the records an import added or merged, not the whole case.
    // Derived data: `check` recomputes every leaf from the records and names a cached
    // leaf that differs; the import deletes the leaf of a record that gains a source.
    r#"
CREATE TABLE record_leaves (
    record_id INTEGER PRIMARY KEY,
    leaf      BLOB NOT NULL
);
-- The record commitment version the cached leaves are for (records_tree::RECORD_JSON_VERSION).
INSERT INTO meta (key, value) VALUES ('record_leaves_version', '2')
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;
"#,
    // 9: the device or export an artifact came from, as the contributor described it
    // (`anjing import --device "妈妈的华为手机"`); empty when not said. Logged with the import.
    r#"
ALTER TABLE artifacts ADD COLUMN device TEXT NOT NULL DEFAULT '';
"#,
    // 10: event keys begin with the event's time (see `ingest::time_ordered`), so imports
    // insert them in order. Old 16-byte keys get the same 8-byte prefix the importer now
    // writes: the time in milliseconds, big-endian, or zeros when there is none or it is
    // negative. Identity is unchanged (the time was already hashed into the key). (`||` of
    // two blobs is text in SQLite: the key is joined in hex and made a blob again.)
    r#"
UPDATE records
   SET dedup_key = unhex(CASE WHEN time_ms >= 0 THEN printf('%016X', time_ms) ELSE '0000000000000000' END
                         || hex(dedup_key))
 WHERE length(dedup_key) = 16;
"#,
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Brings the database to [`SCHEMA_VERSION`]. Refuses a database from a newer build.
pub fn migrate(conn: &mut Connection) -> Result<(), VaultError> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if current > SCHEMA_VERSION {
        return Err(VaultError::TooNew { found: current, supported: SCHEMA_VERSION });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A case imported before migration 7 keeps every source, original values included, when
    /// record_sources becomes a rowid table; the old key's order is the new id order.
    #[test]
    fn migration_7_keeps_every_source() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "foreign_keys", "OFF").unwrap();
        for sql in &MIGRATIONS[..6] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 6).unwrap();
        for (record, locator, original) in
            [(2, "/smses/sms[0]", r#"{"body":"b"}"#), (1, "/smses/sms[1]", r#"{"body":"a"}"#)]
        {
            conn.execute(
                "INSERT INTO record_sources (record_id, artifact, locator, line, col, offset, original)
                 VALUES (?1, 'ab', ?2, 3, 4, 5, ?3)",
                rusqlite::params![record, locator, original],
            )
            .unwrap();
        }
        migrate(&mut conn).unwrap();
        let mut st = conn
            .prepare("SELECT id, record_id, locator, line, col, offset, original FROM record_sources ORDER BY id")
            .unwrap();
        let rows: Vec<(i64, i64, String, i64, i64, i64, String)> = st
            .query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(
            rows,
            [
                (1, 1, "/smses/sms[1]".into(), 3, 4, 5, r#"{"body":"a"}"#.into()),
                (2, 2, "/smses/sms[0]".into(), 3, 4, 5, r#"{"body":"b"}"#.into()),
            ]
        );
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(version, SCHEMA_VERSION);
    }

    /// A case imported before migration 10: each event key gets the time prefix the importer
    /// now writes, so the same export imported again merges with what is there.
    #[test]
    fn migration_10_prefixes_event_keys_like_the_importer() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "foreign_keys", "OFF").unwrap();
        for sql in &MIGRATIONS[..9] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 9).unwrap();
        let cases = [Some(1_709_600_109_000i64), Some(0), Some(-86_400_000), None, Some(i64::MAX)];
        for (i, t) in cases.iter().enumerate() {
            conn.execute(
                "INSERT INTO records (dedup_key, kind, direction, counterparty, number, number_class,
                     time_ms, time_raw, time_unit, contributor_id)
                 VALUES (?1, 'sms', 'in', 'x', 'x', 'mobile', ?2, '', 'ms', 1)",
                rusqlite::params![[i as u8; 16], t],
            )
            .unwrap();
        }
        migrate(&mut conn).unwrap();
        let keys_of = |conn: &Connection| -> Vec<Vec<u8>> {
            let mut st = conn.prepare("SELECT dedup_key FROM records ORDER BY id").unwrap();
            st.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
        };
        let keys = keys_of(&conn);
        for (i, (t, key)) in cases.iter().zip(&keys).enumerate() {
            assert_eq!(key.as_slice(), crate::ingest::time_ordered(*t, [i as u8; 16]), "{t:?}");
        }
        assert_eq!(&keys[0][..8], &[0, 0, 1, 0x8e, 0x0c, 0x1b, 0x71, 0xc8]);
        // Migrating again changes nothing.
        conn.pragma_update(None, "user_version", 9).unwrap();
        migrate(&mut conn).unwrap();
        assert_eq!(keys_of(&conn), keys);
    }

    /// A case analysed before migration 6: its findings (one on a record, one pattern over
    /// three records that also names the first) get their `finding_records` rows.
    #[test]
    fn migration_6_maps_existing_findings_to_their_records() {
        let mut conn = Connection::open_in_memory().unwrap();
        // Only the findings table matters here (no records or contributors).
        conn.pragma_update(None, "foreign_keys", "OFF").unwrap();
        for sql in &MIGRATIONS[..5] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 5).unwrap();
        let finding = |record: Option<i64>, practice: &str, ids: &str| {
            conn.execute(
                "INSERT INTO findings (record_id, practice, rule, severity, spans, explanation,
                     legal_bases, record_ids, details, rules_version, finding_key)
                 VALUES (?1, ?2, 'r', 'high', '[]', '', '[]', ?3, '{}', 'v', 'k')",
                rusqlite::params![record, practice, ids],
            )
            .unwrap();
        };
        finding(Some(7), "threat", "[]");
        finding(None, "flooding", "[7, 8, 9]");
        migrate(&mut conn).unwrap();
        let mut st = conn
            .prepare(
                "SELECT record_id, finding_id FROM finding_records ORDER BY record_id, finding_id",
            )
            .unwrap();
        let rows: Vec<(i64, i64)> =
            st.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect();
        assert_eq!(rows, [(7, 1), (7, 2), (8, 2), (9, 2)]);
    }
}
