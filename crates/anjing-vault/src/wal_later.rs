//! A phone database already in the case that comes again with a `-wal` the case does not have.
//!
//! The real case: a relative first sends the `mmssms.db` she copied off her phone, and later
//! the whole folder, `mmssms.db-wal` included (or both in a ZIP). The database has the same
//! SHA-256 as the artifact already in the case, but its newest rows are only in the WAL. So,
//! in the import's one transaction:
//!
//! 1. the WAL is stored byte-exact as an artifact of its own (format `sqlite_wal`,
//!    `companion_of` the database), as when the two come together;
//! 2. it is applied to a scratch copy of the *stored* database by [`anjing_import::wal::apply`]
//!    (same checks, same `wal_applied` / `wal_unreadable` problem, worded by
//!    [`anjing_import::wal::problem`]);
//! 3. the merged copy is read, and a row is added only when the database artifact does not
//!    already have it as a source with the same locator and the same original fields ([`Known`]):
//!    rows only in the WAL, and rows the WAL changed. Problems the database already has are not
//!    repeated.
//!
//! **What the added sources name.** A row read from the merged copy is a row of the database
//! *as the WAL updates it*: its source names the database artifact (as when database and WAL
//! come together, so both orders give sources in the same artifact), and its locator names the
//! WAL: `sms/_id=9+wal:<the WAL's SHA-256>` ([`anjing_import::wal::later_locator`]). So a source
//! never repeats one the first import wrote (same artifact, same locator), a row the WAL changed
//! is kept beside the version the database alone gave, and a reader knows that the database
//! alone does not show it that way: apply that WAL. The records keep the database artifact's
//! contributor (they are events of that phone, whoever sent the WAL); the WAL artifact names
//! who sent it.
//!
//! The problem goes to the database artifact (whose records it explains), whose row's counts
//! and status are updated; the one `import` log entry is the WAL's, with `companion_of`,
//! `database_already_imported: true` and what was added (`added_to_database`). A WAL the case
//! already has is never applied again: importing the same pair a third time changes nothing.

use std::path::Path;

use anjing_import::wal::{self, Found, WalFile};
use anjing_import::{Format, ImportStats, Problem};
use rusqlite::{OptionalExtension, Transaction, params};
use sha2::{Digest, Sha256};

use crate::blob::StoredBlob;
use crate::ingest::{IMPORTER_VERSION, ImportReport, VaultSink, WalLater, severity_code};
use crate::members::Who;
use crate::{VaultError, log};

/// The database artifact a later WAL belongs to, as the case has it.
pub(crate) struct Database {
    pub sha256: String,
    pub size: u64,
    pub file_name: String,
    pub format: Format,
    pub contributor_id: i64,
    pub contributor: String,
    pub relation: String,
}

/// The artifact `sha256` when the case has it and it is a phone database (read by path, so a
/// WAL applies to it); `None` otherwise.
pub(crate) fn database(tx: &Transaction<'_>, sha256: &str) -> Result<Option<Database>, VaultError> {
    let row = tx
        .query_row(
            "SELECT a.size, a.file_name, a.format, a.contributor_id, c.name, c.relation
               FROM artifacts a JOIN contributors c ON c.id = a.contributor_id
              WHERE a.sha256 = ?1",
            [sha256],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                ))
            },
        )
        .optional()?;
    Ok(row.and_then(|(size, file_name, format, contributor_id, contributor, relation)| {
        let format = Format::from_code(&format).filter(|f| f.needs_path())?;
        Some(Database {
            sha256: sha256.to_string(),
            size: size.max(0) as u64,
            file_name,
            format,
            contributor_id,
            contributor,
            relation,
        })
    }))
}

/// Whether the case has an artifact of this hash.
pub(crate) fn artifact_known(tx: &Transaction<'_>, sha256: &str) -> Result<bool, VaultError> {
    Ok(tx
        .query_row("SELECT 1 FROM artifacts WHERE sha256 = ?1", [sha256], |_| Ok(()))
        .optional()?
        .is_some())
}

/// What the database artifact already has: the sink leaves those rows and problems out and
/// names the rows it adds after the WAL.
pub(crate) struct Known {
    /// [`source_key`] of every source of the database artifact, sorted (16 bytes a row: a
    /// million-row database costs 16 MiB while the WAL is applied).
    sources: Vec<[u8; 16]>,
    /// [`problem_key`] of every problem of the database artifact, sorted.
    problems: Vec<[u8; 16]>,
    wal_sha256: String,
    /// Rows of the merged copy the case already had.
    pub(crate) already: u64,
}

fn key(parts: &[&str]) -> [u8; 16] {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p.as_bytes());
    }
    let mut out = [0u8; 16];
    out.copy_from_slice(&h.finalize()[..16]);
    out
}

fn source_key(locator: &str, original: &str) -> [u8; 16] {
    key(&[locator, original])
}

fn problem_key(severity: &str, code: &str, locator: Option<&str>, message_zh: &str) -> [u8; 16] {
    key(&[severity, code, locator.unwrap_or("\u{0}"), message_zh])
}

impl Known {
    pub(crate) fn load(
        tx: &Transaction<'_>,
        db: &str,
        wal_sha256: &str,
    ) -> Result<Self, VaultError> {
        // No index by artifact (migration 7): one pass over the sources.
        let mut st =
            tx.prepare("SELECT locator, original FROM record_sources WHERE artifact = ?1")?;
        let mut sources = st
            .query_map([db], |r| Ok(source_key(&r.get::<_, String>(0)?, &r.get::<_, String>(1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        sources.sort_unstable();
        let mut st = tx.prepare(
            "SELECT severity, code, locator, message_zh FROM problems WHERE artifact = ?1",
        )?;
        let mut problems = st
            .query_map([db], |r| {
                Ok(problem_key(
                    &r.get::<_, String>(0)?,
                    &r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?.as_deref(),
                    &r.get::<_, String>(3)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        problems.sort_unstable();
        Ok(Known { sources, problems, wal_sha256: wal_sha256.to_string(), already: 0 })
    }

    /// Whether the database artifact already has this row (same locator, same original
    /// fields); if not, `locator` becomes the added source's ([`wal::later_locator`]).
    pub(crate) fn has_source(&mut self, locator: &mut String, original: &str) -> bool {
        if self.sources.binary_search(&source_key(locator, original)).is_ok() {
            self.already += 1;
            return true;
        }
        *locator = wal::later_locator(locator, &self.wal_sha256);
        false
    }

    /// Whether the database artifact already has this problem; if not, a locator it has is
    /// named after the WAL like the rows.
    pub(crate) fn has_problem(&self, p: &mut Problem) -> bool {
        let k = problem_key(
            severity_code(p.severity),
            &p.code,
            p.locator.as_ref().map(|l| l.path.as_str()),
            &p.message_zh,
        );
        if self.problems.binary_search(&k).is_ok() {
            return true;
        }
        if let Some(l) = p.locator.as_mut() {
            l.path = wal::later_locator(&l.path, &self.wal_sha256);
        }
        false
    }
}

/// A later WAL and the database it belongs to.
pub(crate) struct LaterWal<'a> {
    pub db: &'a Database,
    /// The stored database.
    pub db_path: &'a Path,
    pub wal: &'a StoredBlob,
    /// The stored WAL.
    pub wal_path: &'a Path,
    /// The WAL artifact's `file_name` (its name beside the database, or `ZIP!/member`).
    pub wal_file_name: &'a str,
    /// The WAL as the problem names it (its path beside the database, or the member's name).
    pub wal_shown: &'a str,
    pub found: Found,
    /// The ZIP it came in (its SHA-256), for the log entry.
    pub container: Option<&'a str>,
    /// The report's `file`.
    pub report_file: &'a str,
}

/// Registers and applies a later WAL and adds what it brings (see the module documentation),
/// in the caller's transaction. `read` runs the database's importer over the merged copy into
/// the sink it is given.
pub(crate) fn import(
    tx: &Transaction<'_>,
    scratch_in: &Path,
    who: &Who<'_>,
    later: &LaterWal<'_>,
    read: impl FnOnce(&mut VaultSink<'_>, &Path) -> Result<ImportStats, VaultError>,
) -> Result<ImportReport, VaultError> {
    let (db, w) = (later.db, later.wal);
    let imported_at = anjing_model::time::rfc3339_utc(jiff::Timestamp::now());
    crate::ingest::NewArtifact {
        sha256: &w.sha256,
        size: w.size,
        file_name: later.wal_file_name,
        format: anjing_import::SQLITE_WAL,
        contributor_id: who.id,
        imported_at: &imported_at,
        device: who.device,
    }
    .insert(tx, false)?;
    // The same checks as when the two come together; the stored originals are only read.
    let merged = wal::apply(later.db_path, later.wal_path, scratch_in);
    let mut sink = VaultSink::new(tx, &db.sha256, db.contributor_id);
    sink.known = Some(Known::load(tx, &db.sha256, &w.sha256)?);
    let mut stats = match &merged {
        Ok(m) => read(&mut sink, m.path())?,
        Err(_) => ImportStats::default(),
    };
    let known = sink.known.take().map(|k| k.already).unwrap_or(0);
    let file =
        WalFile { name: later.wal_shown, size: w.size, sha256: &w.sha256, found: later.found };
    let applied = merged.as_ref().map(|_| ()).map_err(String::as_str);
    let problem = wal::problem(
        &file,
        applied,
        Some(wal::Later { added: sink.records_read(), already: known }),
    );
    stats.problems += 1;
    anjing_import::RecordSink::problem(&mut sink, problem)
        .map_err(|e| VaultError::Import { path: later.db_path.to_path_buf(), message: e.0 })?;
    let applied = applied.is_ok();
    // The scratch copy is removed here.
    drop(merged);

    let stored = StoredBlob { sha256: db.sha256.clone(), size: db.size, existed: true };
    let mut report = sink.into_report(later.report_file, &stored, db.format, &stats);
    report.wal_later = Some(WalLater {
        wal: w.sha256.clone(),
        wal_file: later.wal_file_name.to_string(),
        wal_size: w.size,
        applied,
        records_already_in_case: known,
    });
    tx.execute(
        "UPDATE artifacts SET records = records + ?2, problems = problems + ?3,
                status = CASE WHEN ?4 THEN 'damaged' ELSE status END
          WHERE sha256 = ?1",
        params![db.sha256, report.records_read as i64, report.problem_count as i64, report.damaged],
    )?;
    let db_status: String =
        tx.query_row("SELECT status FROM artifacts WHERE sha256 = ?1", [&db.sha256], |r| r.get(0))?;
    let mut detail = serde_json::json!({
        "artifact": w.sha256,
        "size": w.size,
        "file_name": later.wal_file_name,
        "format": anjing_import::SQLITE_WAL,
        "importer": IMPORTER_VERSION,
        "contributor": who.name,
        "relation": who.relation,
        "device": who.device,
        "companion_of": db.sha256,
        "records_read": 0,
        "status": "complete",
        "database_already_imported": true,
        "applied": applied,
        "added_to_database": {
            "artifact": db.sha256,
            "file_name": db.file_name,
            "contributor": db.contributor,
            "relation": db.relation,
            "records_read": report.records_read,
            "records_new": report.records_new,
            "records_merged": report.records_merged,
            "records_already_in_case": known,
            "by_kind": report.by_kind,
            "problems": report.problem_count,
            "status": db_status,
        },
    });
    if let Some(c) = later.container {
        detail["container"] = serde_json::Value::from(c);
    }
    log::append(tx, "import", &detail)?;
    Ok(report)
}
