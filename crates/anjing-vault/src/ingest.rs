//! Importing one file into a case.
//!
//! 1. Sniff the first bytes: a file that is not an export changes nothing.
//! 2. Stream the file into the blob store (hash at intake).
//! 3. In ONE transaction: register the contributor and the artifact, run the
//!    importer over the *stored copy*, insert records (merging events already
//!    known from another export of the same phone), sources and problems, and
//!    append the `import` log entry. A crash anywhere before the commit leaves
//!    the case as it was; running the import again completes it.
//!
//! A file the case already has changes nothing, except a phone database that now comes with a
//! `-wal` the case does not have: that WAL is stored, applied and what only it holds added
//! (`wal_later.rs`).

use std::io::Read;
use std::path::Path;

use anjing_import::{Format, Problem, RawRecord, RecordSink, Severity, SinkError};
use rusqlite::{OptionalExtension, Transaction, params};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::{Case, VaultError, io_err, log, open_buffered};

/// Version string of the importers, stored with each artifact.
pub const IMPORTER_VERSION: &str = concat!("anjing-import ", env!("CARGO_PKG_VERSION"));

/// What one import did.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub file: String,
    pub artifact: String,
    pub size: u64,
    pub format: Option<Format>,
    /// The file was already in the case: nothing changed.
    pub already_imported: bool,
    pub records_read: u64,
    /// Records new to the case.
    pub records_new: u64,
    /// Records already known from another export, now linked to this one too.
    pub records_merged: u64,
    /// The first problems (at most [`MAX_PROBLEMS_IN_REPORT`]); all are in the case.
    pub problems: Vec<Problem>,
    /// How many problems there were in all.
    pub problem_count: u64,
    /// The file ended before its markup was complete.
    pub truncated: bool,
    /// The file was damaged: records were kept as far as they could be read.
    pub damaged: bool,
    /// Records read, by kind code (`sms`, `mms`, `call`…).
    pub by_kind: std::collections::BTreeMap<String, u64>,
    /// For a ZIP: what each member imported as an artifact of its own did.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<ImportReport>,
    /// The database was already in the case and came again with a `-wal` the case did not
    /// have: the WAL was stored and applied, and the counts above are of the records it added
    /// (see `wal_later.rs`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wal_later: Option<WalLater>,
}

/// What a `-wal` that came after its database did.
#[derive(Debug, Clone, Serialize)]
pub struct WalLater {
    /// The WAL's SHA-256: an artifact of its own now (`sqlite_wal`, `companion_of` the database).
    pub wal: String,
    /// Its artifact's `file_name`.
    pub wal_file: String,
    pub wal_size: u64,
    /// Whether it could be applied (else a `wal_unreadable` problem, and nothing was added).
    pub applied: bool,
    /// Rows of the database with the WAL applied that the case already had: not added again.
    pub records_already_in_case: u64,
}

impl ImportReport {
    /// Whether the file had any problem at all (warnings included).
    pub fn has_problems(&self) -> bool {
        self.problem_count > 0 || self.truncated
    }
}

pub(crate) fn import_file(
    case: &mut Case,
    path: &Path,
    contributor: &str,
    relation: &str,
) -> Result<ImportReport, VaultError> {
    import_file_with(case, path, contributor, relation, &mut Default::default())
}

pub(crate) fn import_file_with(
    case: &mut Case,
    path: &Path,
    contributor: &str,
    relation: &str,
    opts: &mut crate::members::ImportOptions<'_>,
) -> Result<ImportReport, VaultError> {
    // The import inserts only rows whose references it has just made or read (its
    // contributor, its artifacts, the records it inserted or found by key): checking them
    // again per row cost three B-tree lookups per record (200 MB SBR: 15.9 → 11 s CPU with
    // the statement journal gone too). SQLite ignores this pragma inside a transaction, so
    // it is set before the import's and restored after, whatever happened.
    case.conn.pragma_update(None, "foreign_keys", "OFF")?;
    let bulk = BulkJournal::enter(&case.conn, path, opts.bulk);
    let flusher = bulk.as_ref().map(|_| Flusher::start(&case.root.join(crate::DB_FILE)));
    let result = import_file_fk_off(case, path, contributor, relation, opts, bulk.is_some());
    drop(flusher);
    let left = bulk.map(|b| b.leave(&case.conn));
    let restored = case.conn.pragma_update(None, "foreign_keys", "ON");
    let report = result?;
    restored?;
    if let Some(left) = left {
        left?;
    }
    Ok(report)
}

/// While a bulk import runs, a thread asks the kernel every half second to write the
/// database's dirty pages to disk (`fdatasync` on a handle of its own). SQLite writes the pages
/// an import adds into the OS cache as its page cache fills, and the kernel would keep them
/// there until the commit's fsync, which then had hundreds of MB to write while nothing else
/// ran (200 MB SBR: the last ~0.7 s of the import). Written early, they go out while the
/// importer works. An extra fsync never changes what SQLite's own syncs guarantee.
struct Flusher {
    stop: Option<std::sync::mpsc::Sender<()>>,
    handle: Option<std::thread::JoinHandle<()>>,
}

impl Flusher {
    const EVERY: std::time::Duration = std::time::Duration::from_millis(500);

    fn start(db: &Path) -> Flusher {
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let db = db.to_path_buf();
        let handle = std::thread::Builder::new()
            .name("anjing-flush".into())
            .spawn(move || {
                let Ok(file) = std::fs::File::open(&db) else { return };
                while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
                    stopped.recv_timeout(Self::EVERY)
                {
                    // Best effort: a failed early flush leaves the work to the commit's fsync.
                    let _ = file.sync_data();
                }
            })
            .ok();
        Flusher { stop: Some(stop), handle }
    }
}

impl Drop for Flusher {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

/// Files at least this large are imported with [`BulkJournal`] when the caller allows it.
pub const BULK_MIN_BYTES: u64 = 32 << 20;

/// A large import by a batch job (`anjing import`) writes the database directly, with a
/// rollback journal, instead of through the WAL: every page it adds is written once, not
/// once to the WAL and again when the WAL is checkpointed into the database (200 MB SBR,
/// 347 k records: 2.4 → 0.8 s of system time, see ARCHITECTURE.md → Performance). Atomicity
/// is SQLite's as before: the journal holds the pages that existed, the pages added past the
/// old end of the file are cut off again if the import dies (`synchronous=FULL` while it
/// runs, so a power cut cannot tear the database either). The price: readers wait until the
/// import commits (opening the case says it is busy, [`VaultError::Busy`]), so it is used
/// only when no other connection has the case open at the start (SQLite refuses to leave WAL
/// mode otherwise, and the import then runs through the WAL as usual), never by the web
/// app, and only for files of [`BULK_MIN_BYTES`] or more.
struct BulkJournal;

impl BulkJournal {
    fn enter(conn: &rusqlite::Connection, path: &Path, allowed: bool) -> Option<BulkJournal> {
        // ANJING_BULK_MIN_BYTES moves the threshold (tests and benchmarks of this path).
        let min = std::env::var("ANJING_BULK_MIN_BYTES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(BULK_MIN_BYTES);
        let large = std::fs::metadata(path).is_ok_and(|m| m.len() >= min);
        if !allowed || !large {
            return None;
        }
        let mode: String = conn.query_row("PRAGMA journal_mode=DELETE", [], |r| r.get(0)).ok()?;
        if !mode.eq_ignore_ascii_case("delete") {
            return None;
        }
        let bulk = BulkJournal;
        match conn.pragma_update(None, "synchronous", "FULL") {
            Ok(()) => Some(bulk),
            Err(_) => {
                let _ = bulk.leave(conn);
                None
            }
        }
    }

    /// Back to WAL (also after a failed import: its transaction was rolled back by then).
    fn leave(self, conn: &rusqlite::Connection) -> Result<(), VaultError> {
        let mode: String = conn
            .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
            .map_err(crate::busy_or_db)?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        match mode.eq_ignore_ascii_case("wal") {
            true => Ok(()),
            false => Err(VaultError::Busy),
        }
    }
}

fn import_file_fk_off(
    case: &mut Case,
    path: &Path,
    contributor: &str,
    relation: &str,
    opts: &mut crate::members::ImportOptions<'_>,
    bulk: bool,
) -> Result<ImportReport, VaultError> {
    let file_name = match opts.hints.file_name.as_str() {
        "" => path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        given => given.to_string(),
    };
    let device = opts.device.trim().to_string();
    let device = device.as_str();
    // 1. Sniff.
    let mut head = Vec::with_capacity(8192);
    open_buffered(path)?.take(8192).read_to_end(&mut head).map_err(io_err(path))?;
    let format =
        anjing_import::sniff(&head).and_then(|f| anjing_import::refine(f, path)).map_err(|e| {
            match e {
                anjing_import::ImportError::NotAnExport { reason_zh, reason_en } => {
                    VaultError::NotAnExport {
                        path: path.to_path_buf(),
                        message_zh: reason_zh,
                        cause_en: reason_en,
                    }
                }
                other => {
                    VaultError::Import { path: path.to_path_buf(), message: other.to_string() }
                }
            }
        })?;

    // 2. Store the original byte-exact before anything is derived from it.
    anjing_import::confirm(format, open_buffered(path)?, &opts.hints)
        .map_err(|e| crate::members::import_error(path, e))?;
    // Its fsync runs while the importer reads the copy; the blob gets its name (after the
    // fsync) just before the commit.
    let pending = case.blobs.put_pending(open_buffered(path)?).map_err(io_err(path))?;
    let stored = pending.stored.clone();
    let mut blob_path = pending.path().to_path_buf();
    // A phone database copied while in use keeps its newest rows in `NAME-wal` beside it:
    // that file is evidence too. It is stored byte-exact, and the records are read from a
    // scratch copy of the stored database with the stored WAL applied (the originals are
    // never opened for writing).
    let wal = match format.needs_path() {
        true => companion_wal(path),
        false => None,
    };
    let wal_stored = match &wal {
        Some(w) => Some(case.blobs.put(open_buffered(w)?).map_err(io_err(w))?),
        None => None,
    };
    // Where the scratch copy with the WAL applied is made (after the write transaction is
    // taken: a scratch folder found then was left by a killed import).
    let scratch_in = case.blobs.root().parent().unwrap_or(case.blobs.root()).to_path_buf();

    let mut report = ImportReport {
        file: file_name.clone(),
        artifact: stored.sha256.clone(),
        size: stored.size,
        format: Some(format),
        already_imported: false,
        records_read: 0,
        records_new: 0,
        records_merged: 0,
        problems: Vec::new(),
        problem_count: 0,
        truncated: false,
        damaged: false,
        by_kind: Default::default(),
        members: Vec::new(),
        wal_later: None,
    };

    // The records-tree salts of new records come from the case key (none yet: the
    // checkpoint makes the key and hashes the leaves).
    let salt_key =
        case.read_signing_key().ok().flatten().map(|key| crate::records_tree::salt_key(&key));

    // 3. One transaction for everything derived from the file.
    let tx = case.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    // A killed import may have left a scratch copy of a database (no import but this one runs
    // now: it holds the case's write transaction).
    anjing_import::wal::clear_stale(&scratch_in);
    let known: Option<String> = tx
        .query_row("SELECT status FROM artifacts WHERE sha256 = ?1", [&stored.sha256], |r| r.get(0))
        .optional()?;
    if known.is_some() {
        // A registered original that had gone missing is back under its name.
        pending.persist().map_err(io_err(path))?;
        // The database came before without the WAL that is beside it now: store and apply the
        // WAL, and add what only it holds (a WAL the case has is never applied again).
        if let (Some(w), Some(wal_path)) = (&wal_stored, &wal)
            && let Some(db) = crate::wal_later::database(&tx, &stored.sha256)?
            && !crate::wal_later::artifact_known(&tx, &w.sha256)?
        {
            let contributor_id = register_contributor(&tx, contributor, relation)?;
            let who =
                crate::members::Who { id: contributor_id, name: contributor, relation, device };
            let wal_name =
                wal_path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let shown = wal_path.display().to_string();
            let db_path = case.blobs.path_of(&stored.sha256);
            let wal_blob = case.blobs.path_of(&w.sha256);
            let later = crate::wal_later::LaterWal {
                db: &db,
                db_path: &db_path,
                wal: w,
                wal_path: &wal_blob,
                wal_file_name: &wal_name,
                wal_shown: &shown,
                found: anjing_import::wal::Found::BesideFile,
                container: None,
                report_file: &file_name,
            };
            let blobs = &case.blobs;
            let report =
                crate::wal_later::import(&tx, &scratch_in, &who, &later, |sink, merged| {
                    crate::members::run(
                        &tx,
                        blobs,
                        db.format,
                        merged,
                        &file_name,
                        &db.sha256,
                        &who,
                        opts,
                        sink,
                        &mut Vec::new(),
                    )
                })?;
            tx.commit()?;
            return Ok(report);
        }
        report.already_imported = true;
        let (records, problems) = tx.query_row(
            "SELECT records, problems FROM artifacts WHERE sha256 = ?1",
            [&stored.sha256],
            |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)),
        )?;
        report.records_read = records as u64;
        report.records_merged = records as u64;
        report.problem_count = problems as u64;
        report.damaged = known.as_deref() == Some("damaged");
        return Ok(report);
    }

    // The WAL is applied only now that the import holds the write transaction: SQLite must
    // take its frames and the merged copy pass quick_check, or the database is read alone
    // and the WAL reported as not applied (`wal_unreadable`).
    let mut wal_error = None;
    let _merged = match &wal_stored {
        Some(w) => {
            match anjing_import::wal::apply(&blob_path, &case.blobs.path_of(&w.sha256), &scratch_in)
            {
                Ok(merged) => {
                    blob_path = merged.path().to_path_buf();
                    Some(merged)
                }
                Err(e) => {
                    wal_error = Some(e);
                    None
                }
            }
        }
        None => None,
    };

    let contributor_id = register_contributor(&tx, contributor, relation)?;
    let deferred = match bulk {
        true => DeferredIndexes::drop_if_small(&tx)?,
        false => None,
    };
    let imported_at = anjing_model::time::rfc3339_utc(jiff::Timestamp::now());
    NewArtifact {
        sha256: &stored.sha256,
        size: stored.size,
        file_name: &file_name,
        format: format.code(),
        contributor_id,
        imported_at: &imported_at,
        device,
    }
    .insert(&tx, false)?;

    if let (Some(w), Some(wal_path)) = (&wal_stored, &wal) {
        let wal_name =
            wal_path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let fresh = NewArtifact {
            sha256: &w.sha256,
            size: w.size,
            file_name: &wal_name,
            format: anjing_import::SQLITE_WAL,
            contributor_id,
            imported_at: &imported_at,
            device,
        }
        .insert(&tx, true)?;
        if fresh {
            log::append(
                &tx,
                "import",
                &serde_json::json!({
                    "artifact": w.sha256,
                    "size": w.size,
                    "file_name": wal_name,
                    "format": anjing_import::SQLITE_WAL,
                    "importer": IMPORTER_VERSION,
                    "contributor": contributor,
                    "relation": relation,
                    "device": device,
                    "companion_of": stored.sha256,
                    "records_read": 0,
                    "status": "complete",
                }),
            )?;
        }
    }

    let mut sink = VaultSink {
        tx: &tx,
        artifact: &stored.sha256,
        contributor_id,
        read: 0,
        new: 0,
        merged: 0,
        problems: Vec::new(),
        problem_count: 0,
        damaged_problems: 0,
        by_kind: Default::default(),
        leaves: salt_key.map(|salt_key| {
            crate::records_tree::LeafWorker::new(salt_key, &stored.sha256, contributor, relation)
        }),
        known: None,
    };
    let who = crate::members::Who { id: contributor_id, name: contributor, relation, device };
    let stats = crate::members::run(
        &tx,
        &case.blobs,
        format,
        &blob_path,
        &file_name,
        &stored.sha256,
        &who,
        opts,
        &mut sink,
        &mut report.members,
    )?;
    if let Some(leaves) = sink.leaves.take() {
        leaves.finish(&tx)?;
    }
    if let (Some(w), Some(wal_path)) = (&wal_stored, &wal) {
        let shown = wal_path.display().to_string();
        let file = anjing_import::wal::WalFile {
            name: &shown,
            size: w.size,
            sha256: &w.sha256,
            found: anjing_import::wal::Found::BesideFile,
        };
        let problem =
            anjing_import::wal::problem(&file, wal_error.as_deref().map_or(Ok(()), Err), None);
        anjing_import::RecordSink::problem(&mut sink, problem)
            .map_err(|e| VaultError::Import { path: path.to_path_buf(), message: e.0 })?;
    }
    let VaultSink { read, new, merged, problems, problem_count, damaged_problems, by_kind, .. } =
        sink;
    report.by_kind = by_kind;

    report.records_read = read;
    report.records_new = new;
    report.records_merged = merged;
    report.truncated = stats.truncated;
    report.problems = problems;
    report.problem_count = problem_count;
    report.damaged = stats.truncated || damaged_problems > 0;
    let status = if report.damaged { "damaged" } else { "complete" };
    tx.execute(
        "UPDATE artifacts SET status = ?2, records = ?3, problems = ?4 WHERE sha256 = ?1",
        params![stored.sha256, status, read as i64, problem_count as i64],
    )?;
    log::append(
        &tx,
        "import",
        &serde_json::json!({
            "artifact": stored.sha256,
            "size": stored.size,
            "file_name": file_name,
            "format": format.code(),
            "importer": IMPORTER_VERSION,
            "contributor": contributor,
            "relation": relation,
            "device": device,
            "records_read": read,
            "records_new": new,
            "records_merged": merged,
            "by_kind": report.by_kind,
            "problems": problem_count,
            "status": status,
        }),
    )?;
    if let Some(deferred) = deferred {
        deferred.rebuild(&tx)?;
    }
    pending.persist().map_err(io_err(path))?;
    tx.commit()?;
    Ok(report)
}

/// The secondary index a bulk import into a case that holds few records drops when it starts
/// and builds again (same definition, read from the schema) before it commits, in the same
/// transaction: SQLite builds an index from sorted keys far faster than it inserts a few
/// hundred thousand keys one by one in random order, and the numbers of a phone's messages,
/// with a collector's rotating numbers, come in nearly random order. A killed or failed
/// import rolls the drop back with everything else. The indexes whose keys arrive in order
/// stay (the event key, which begins with the time; the time; the sources' record ids):
/// rebuilding them would scan their whole tables at the end, while nothing else runs
/// (measured: 1 GB SBR 35.8 s with all three rebuilt, 34.0 s with the number index alone).
struct DeferredIndexes(Vec<String>);

impl DeferredIndexes {
    const NAMES: [&str; 1] = ["records_number"];
    /// Cases with fewer records than this rebuild the indexes; larger ones insert into them.
    const MAX_RECORDS: i64 = 100_000;

    fn drop_if_small(tx: &Transaction<'_>) -> Result<Option<Self>, VaultError> {
        let max: Option<i64> = tx.query_row("SELECT max(id) FROM records", [], |r| r.get(0))?;
        if max.unwrap_or(0) >= Self::MAX_RECORDS {
            return Ok(None);
        }
        let mut sqls = Vec::new();
        for name in Self::NAMES {
            let sql: Option<String> = tx
                .query_row(
                    "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?1",
                    [name],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(sql) = sql {
                tx.execute_batch(&format!("DROP INDEX \"{name}\""))?;
                sqls.push(sql);
            }
        }
        Ok(Some(DeferredIndexes(sqls)))
    }

    /// Builds the indexes. SQLite's sorter keeps as many bytes of keys in memory as the page
    /// cache may hold before it writes sorted runs to temporary files, on top of the cache
    /// itself: both are held to a quarter of the usual while the indexes are built, so peak
    /// memory stays what the import needs (1 GB SBR: 93 MiB with the full cache, see
    /// ARCHITECTURE.md → Performance).
    fn rebuild(self, tx: &Transaction<'_>) -> Result<(), VaultError> {
        tx.pragma_update(None, "cache_size", crate::CACHE_KIB / 4)?;
        let built = self.0.iter().try_for_each(|sql| tx.execute_batch(sql));
        tx.pragma_update(None, "cache_size", crate::CACHE_KIB)?;
        Ok(built?)
    }
}

/// A new row of `artifacts`: status `complete` with no records or problems yet (an import
/// updates the three when it ends; a companion file keeps them).
pub(crate) struct NewArtifact<'a> {
    pub sha256: &'a str,
    pub size: u64,
    pub file_name: &'a str,
    pub format: &'a str,
    pub contributor_id: i64,
    pub imported_at: &'a str,
    pub device: &'a str,
}

impl NewArtifact<'_> {
    /// Inserts the row. With `once`, an artifact the case already has is left as it is and
    /// `false` returned; without, it is an error (the caller checked it is new).
    pub(crate) fn insert(&self, tx: &Transaction<'_>, once: bool) -> Result<bool, VaultError> {
        let sql = if once {
            "INSERT INTO artifacts (sha256, size, file_name, format, contributor_id, imported_at, importer, status, records, problems, device)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'complete', 0, 0, ?8) ON CONFLICT DO NOTHING"
        } else {
            "INSERT INTO artifacts (sha256, size, file_name, format, contributor_id, imported_at, importer, status, records, problems, device)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'complete', 0, 0, ?8)"
        };
        let n = tx.execute(
            sql,
            params![
                self.sha256,
                self.size as i64,
                self.file_name,
                self.format,
                self.contributor_id,
                self.imported_at,
                IMPORTER_VERSION,
                self.device
            ],
        )?;
        Ok(n == 1)
    }
}

/// The contributor's id, registering them when new.
fn register_contributor(
    tx: &Transaction<'_>,
    name: &str,
    relation: &str,
) -> Result<i64, VaultError> {
    tx.execute(
        "INSERT INTO contributors (name, relation) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
        params![name, relation],
    )?;
    Ok(tx.query_row(
        "SELECT id FROM contributors WHERE name = ?1 AND relation = ?2",
        params![name, relation],
        |r| r.get(0),
    )?)
}

pub(crate) fn severity_code(s: Severity) -> &'static str {
    match s {
        Severity::Warning => "warning",
        Severity::Damaged => "damaged",
        Severity::Unreadable => "unreadable",
    }
}

pub(crate) struct VaultSink<'t> {
    tx: &'t Transaction<'t>,
    artifact: &'t str,
    contributor_id: i64,
    read: u64,
    new: u64,
    merged: u64,
    problems: Vec<Problem>,
    problem_count: u64,
    damaged_problems: u64,
    by_kind: std::collections::BTreeMap<String, u64>,
    /// Hashes the records-tree leaves of new records while the import runs (top-level
    /// imports of a case with a key; otherwise the next checkpoint computes them).
    leaves: Option<crate::records_tree::LeafWorker>,
    /// Reading a database already in the case with a later WAL applied: what it already has
    /// is left out, what is added is named after the WAL.
    pub(crate) known: Option<crate::wal_later::Known>,
}

/// How many problems an [`ImportReport`] carries in memory; the rest are only in the case.
pub const MAX_PROBLEMS_IN_REPORT: usize = 200;

/// The identity of an event: the same event in two exports of one contributor's
/// phone yields the same key. Different contributors' phones are different events.
fn dedup_key(contributor_id: i64, r: &RawRecord, number: &str) -> [u8; 16] {
    let mut h = Sha256::new();
    let sep = [0x1fu8];
    h.update(contributor_id.to_le_bytes());
    for part in [
        r.kind.code(),
        r.direction.code(),
        number,
        &r.time.map(|t| t.as_millisecond().to_string()).unwrap_or_else(|| r.time_raw.clone()),
        r.text.as_deref().unwrap_or("\u{0}"),
        &r.duration_s.map(|d| d.to_string()).unwrap_or_default(),
        r.call_result.map(|c| c.code()).unwrap_or(""),
    ] {
        h.update(sep);
        h.update(part.as_bytes());
    }
    // 128 bits are plenty to tell events apart within one case, and half the
    // size of the full digest keeps the unique index in the page cache.
    let digest = h.finalize();
    let mut key = [0u8; 16];
    key.copy_from_slice(&digest[..16]);
    key
}

/// The event key as stored: the event's time (milliseconds, big-endian; zero when there is
/// none or it is before 1970) in front of its 128-bit identity. A phone writes its messages in
/// time order, so keys that begin with the time are inserted near the end of the unique index
/// instead of anywhere in it: the pages being written stay few and in the page cache however
/// large the case grows (a 1 GB import spent a quarter of its CPU time reading back pages of
/// a randomly ordered index). Identity is unchanged: the time is already part of the hash.
/// Schema migration 10 prefixes the keys of older cases the same way.
pub(crate) fn time_ordered(time_ms: Option<i64>, key: [u8; 16]) -> [u8; 24] {
    let mut out = [0u8; 24];
    if let Some(t) = time_ms.filter(|t| *t >= 0) {
        out[..8].copy_from_slice(&t.to_be_bytes());
    }
    out[8..].copy_from_slice(&key);
    out
}

impl<'t> VaultSink<'t> {
    pub(crate) fn new(tx: &'t Transaction<'t>, artifact: &'t str, contributor_id: i64) -> Self {
        VaultSink {
            tx,
            artifact,
            contributor_id,
            read: 0,
            new: 0,
            merged: 0,
            problems: Vec::new(),
            problem_count: 0,
            damaged_problems: 0,
            by_kind: Default::default(),
            leaves: None,
            known: None,
        }
    }

    /// Records read and stored so far (sources written).
    pub(crate) fn records_read(&self) -> u64 {
        self.read
    }

    /// The report of an artifact imported through this sink.
    pub(crate) fn into_report(
        self,
        file: &str,
        stored: &crate::blob::StoredBlob,
        format: Format,
        stats: &anjing_import::ImportStats,
    ) -> ImportReport {
        ImportReport {
            file: file.to_string(),
            artifact: stored.sha256.clone(),
            size: stored.size,
            format: Some(format),
            already_imported: false,
            records_read: self.read,
            records_new: self.new,
            records_merged: self.merged,
            problems: self.problems,
            problem_count: self.problem_count,
            truncated: stats.truncated,
            damaged: stats.truncated || self.damaged_problems > 0,
            by_kind: self.by_kind,
            members: Vec::new(),
            wal_later: None,
        }
    }
}

/// A record made ready for the database off the database thread: the number normalised, the
/// event's key computed and the original fields serialised (see [`crate::members`]: the
/// importer and this run on one thread, the inserts on another).
pub(crate) struct Prepared {
    key: [u8; 24],
    pub(crate) kind: &'static str,
    pub(crate) direction: &'static str,
    pub(crate) counterparty: String,
    pub(crate) number: String,
    pub(crate) number_class: &'static str,
    pub(crate) time_ms: Option<i64>,
    pub(crate) time_raw: String,
    pub(crate) time_unit: &'static str,
    pub(crate) text: Option<String>,
    pub(crate) duration_s: Option<i64>,
    pub(crate) call_result: Option<&'static str>,
    pub(crate) locator: String,
    pub(crate) line: i64,
    pub(crate) col: i64,
    pub(crate) offset: i64,
    pub(crate) original: String,
    /// `original` reads back as the same bytes (no floating-point number in it: only those
    /// may not survive serde_json's parse and print exactly), so the records-tree leaf can
    /// hash it as it is instead of parsing it again (see `records_tree::new_record_leaf`).
    pub(crate) original_canonical: bool,
}

/// Whether a JSON value holds a floating-point number anywhere.
fn has_float(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Number(n) => n.is_f64(),
        serde_json::Value::Array(a) => a.iter().any(has_float),
        serde_json::Value::Object(o) => o.values().any(has_float),
        _ => false,
    }
}

impl Prepared {
    pub(crate) fn new(
        contributor_id: i64,
        artifact: &str,
        r: RawRecord,
    ) -> Result<Self, SinkError> {
        let num = anjing_model::phone::parse(&r.counterparty);
        let key = time_ordered(
            r.time.map(|t| t.as_millisecond()),
            crate::members::media_key(dedup_key(contributor_id, &r, &num.normalized), &r, artifact),
        );
        let original = serde_json::to_string(&r.original).map_err(|e| SinkError(e.to_string()))?;
        let original_canonical = !r.original.values().any(has_float);
        Ok(Prepared {
            key,
            kind: r.kind.code(),
            direction: r.direction.code(),
            counterparty: r.counterparty,
            number: num.normalized,
            number_class: num.class.code(),
            time_ms: r.time.map(|t| t.as_millisecond()),
            time_raw: r.time_raw,
            time_unit: r.time_unit.code(),
            text: r.text,
            duration_s: r.duration_s,
            call_result: r.call_result.map(|c| c.code()),
            locator: r.locator.path,
            line: r.locator.line as i64,
            col: r.locator.column as i64,
            offset: r.locator.offset as i64,
            original,
            original_canonical,
        })
    }
}

impl VaultSink<'_> {
    pub(crate) fn contributor_id(&self) -> i64 {
        self.contributor_id
    }

    pub(crate) fn artifact(&self) -> &str {
        self.artifact
    }

    /// Inserts a prepared record, or links it to the event already in the case.
    pub(crate) fn insert(&mut self, mut p: Prepared) -> Result<(), SinkError> {
        if let Some(known) = self.known.as_mut()
            && known.has_source(&mut p.locator, &p.original)
        {
            return Ok(());
        }
        self.read += 1;
        match self.by_kind.get_mut(p.kind) {
            Some(n) => *n += 1,
            None => {
                self.by_kind.insert(p.kind.to_string(), 1);
            }
        }
        let db = |e: rusqlite::Error| SinkError(e.to_string());
        // No RETURNING: SQLite runs it as a trigger, which makes every insert write a
        // statement journal; the new id is the connection's last rowid.
        let changed = self
            .tx
            .prepare_cached(
                "INSERT INTO records (dedup_key, kind, direction, counterparty, number, number_class, time_ms,
                                      time_raw, time_unit, text, duration_s, call_result, contributor_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
                 ON CONFLICT (dedup_key) DO NOTHING",
            )
            .map_err(db)?
            .execute(
                params![
                    p.key,
                    p.kind,
                    p.direction,
                    p.counterparty,
                    p.number,
                    p.number_class,
                    p.time_ms,
                    p.time_raw,
                    p.time_unit,
                    p.text,
                    p.duration_s,
                    p.call_result,
                    self.contributor_id,
                ],
            )
            .map_err(db)?;
        let inserted = (changed == 1).then(|| self.tx.last_insert_rowid());
        let id = match inserted {
            Some(id) => {
                self.new += 1;
                id
            }
            None => {
                self.merged += 1;
                let id: i64 = self
                    .tx
                    .prepare_cached("SELECT id FROM records WHERE dedup_key = ?1")
                    .map_err(db)?
                    .query_row([&p.key], |row| row.get(0))
                    .map_err(db)?;
                // The record gains a source: its leaf in the records tree changes.
                self.tx
                    .prepare_cached("DELETE FROM record_leaves WHERE record_id = ?1")
                    .map_err(db)?
                    .execute([id])
                    .map_err(db)?;
                if let Some(leaves) = self.leaves.as_mut() {
                    leaves.merged(id);
                }
                id
            }
        };
        self.tx
            .prepare_cached(
                "INSERT INTO record_sources (record_id, artifact, locator, line, col, offset, original)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .map_err(db)?
            .execute(params![id, self.artifact, p.locator, p.line, p.col, p.offset, p.original])
            .map_err(db)?;
        if inserted.is_some()
            && let Some(leaves) = self.leaves.as_mut()
        {
            leaves.submit(self.tx, id, p).map_err(|e| SinkError(e.to_string()))?;
        }
        Ok(())
    }
}

impl RecordSink for VaultSink<'_> {
    fn record(&mut self, r: RawRecord) -> Result<(), SinkError> {
        let p = Prepared::new(self.contributor_id, self.artifact, r)?;
        self.insert(p)
    }

    fn problem(&mut self, mut p: Problem) -> Result<(), SinkError> {
        if let Some(known) = &self.known
            && known.has_problem(&mut p)
        {
            return Ok(());
        }
        let (loc, line, col) = match &p.locator {
            Some(l) => (Some(l.path.as_str()), Some(l.line as i64), Some(l.column as i64)),
            None => (None, None, None),
        };
        self.tx
            .prepare_cached(
                "INSERT INTO problems (artifact, severity, code, locator, line, col, message_zh, cause_en)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )
            .and_then(|mut st| {
                st.execute(params![
                    self.artifact,
                    severity_code(p.severity),
                    p.code,
                    loc,
                    line,
                    col,
                    p.message_zh,
                    p.cause_en
                ])
            })
            .map_err(|e| SinkError(e.to_string()))?;
        self.problem_count += 1;
        if p.severity != Severity::Warning {
            self.damaged_problems += 1;
        }
        if self.problems.len() < MAX_PROBLEMS_IN_REPORT {
            self.problems.push(p);
        }
        Ok(())
    }
}

/// `NAME-wal` beside a database file, when it is there and not empty.
fn companion_wal(path: &Path) -> Option<std::path::PathBuf> {
    let mut name = path.file_name()?.to_os_string();
    name.push("-wal");
    let wal = path.with_file_name(name);
    match std::fs::metadata(&wal) {
        Ok(m) if m.is_file() && m.len() > 0 => Some(wal),
        _ => None,
    }
}
