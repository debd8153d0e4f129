/*!
A phone database copied while the phone was using it keeps its newest rows in
the write-ahead log beside it (`mmssms.db-wal`): SQLite only moves them into
the database file at a checkpoint. Opened immutable (as [`crate::db`] opens
every database) the database alone does not show them.

[`apply`] copies the stored database and the stored WAL next to each other
into a scratch folder, checkpoints the WAL into that copy and returns the
copy: the importers read it like any database, and the stored artifacts are
never opened for writing. The `-shm` file is only an index SQLite rebuilds
from the WAL; it holds no rows and is not needed.
*/

use std::path::{Path, PathBuf};

use crate::{Format, Problem, Severity};

/// Prefix of the scratch folders [`apply`] makes (removed when dropped; a
/// killed import may leave one, which [`clear_stale`] removes).
pub const SCRATCH_PREFIX: &str = ".anjing-wal-";

/// Prefix of the scratch folders earlier versions made for a database imported
/// with its `-wal` beside it (removed by [`clear_stale`] too).
pub const LEGACY_SCRATCH_PREFIX: &str = ".wal-merge-";

/// A scratch copy of a database with its WAL applied; the folder is removed on drop.
#[derive(Debug)]
pub struct Merged {
    dir: PathBuf,
    db: PathBuf,
}

impl Merged {
    /// The merged copy, to hand to [`crate::import_path`] or [`crate::import_stored`].
    pub fn path(&self) -> &Path {
        &self.db
    }
}

impl Drop for Merged {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Copies `db` and `wal` into a new folder under `scratch_in` (as `db` and
/// `db-wal`) and checkpoints the WAL into the copy. `db` and `wal` are only
/// read. An error means the WAL could not be applied (damaged: SQLite accepts
/// none of its frames, or the result fails `quick_check`); the caller then
/// reads `db` alone and says so. SQLite cannot tell a WAL of *another*
/// database of the same page size: the name beside the database is trusted.
pub fn apply(db: &Path, wal: &Path, scratch_in: &Path) -> Result<Merged, String> {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let dir = scratch_in.join(format!("{SCRATCH_PREFIX}{}-{stamp}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("scratch folder {}: {e}", dir.display()))?;
    let merged = Merged { db: dir.join("db"), dir };
    std::fs::copy(db, &merged.db).map_err(|e| format!("copy database: {e}"))?;
    std::fs::copy(wal, merged.dir.join("db-wal")).map_err(|e| format!("copy WAL: {e}"))?;
    let frames_before = wal_frames(wal);
    let conn = rusqlite::Connection::open_with_flags(
        &merged.db,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| e.to_string())?;
    conn.execute_batch("PRAGMA trusted_schema = OFF;").map_err(|e| e.to_string())?;
    // (busy, frames in the WAL, frames checkpointed): a WAL SQLite does not accept (wrong
    // salt, another database's) is ignored and gives 0 frames. (FULL, not TRUNCATE: TRUNCATE
    // reports the emptied log, 0 frames, whatever it held.)
    let (busy, log, done): (i64, i64, i64) = conn
        .query_row("PRAGMA wal_checkpoint(FULL)", [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .map_err(|e| e.to_string())?;
    conn.pragma_update(None, "journal_mode", "DELETE").map_err(|e| e.to_string())?;
    // SQLite cannot tell a WAL that belongs to another database of the same page size; what
    // such a mix-up breaks shows here.
    let check: String =
        conn.query_row("PRAGMA quick_check(1)", [], |r| r.get(0)).map_err(|e| e.to_string())?;
    drop(conn);
    if check != "ok" {
        return Err(format!(
            "the database with the WAL applied fails SQLite's quick_check: {check}"
        ));
    }
    if busy != 0 || done < log {
        return Err(format!("checkpoint incomplete: {done} of {log} frames"));
    }
    if log <= 0 && frames_before > 0 {
        return Err(format!(
            "SQLite accepted none of the WAL's {frames_before} frames (damaged, or not this database's)"
        ));
    }
    Ok(merged)
}

/// How many frames a WAL file holds by its size (32-byte header, frames of 24 + page size).
fn wal_frames(wal: &Path) -> u64 {
    let Ok(bytes) = std::fs::read(wal) else { return 0 };
    if bytes.len() < 32 || !matches!(&bytes[..4], [0x37, 0x7f, 0x06, 0x82 | 0x83]) {
        return 0;
    }
    let page = u32::from_be_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as u64;
    if page == 0 {
        return 0;
    }
    (bytes.len() as u64 - 32) / (24 + page)
}

/// Whether the head of a file is a SQLite write-ahead log.
pub fn is_wal(head: &[u8]) -> bool {
    matches!(head.get(..4), Some([0x37, 0x7f, 0x06, 0x82 | 0x83]))
}

/// Removes scratch folders a killed import left in `scratch_in` (this
/// version's and earlier versions'). Only to be called while holding the
/// case's write transaction (no other import runs).
pub fn clear_stale(scratch_in: &Path) {
    let Ok(entries) = std::fs::read_dir(scratch_in) else { return };
    for e in entries.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if (name.starts_with(SCRATCH_PREFIX) || name.starts_with(LEGACY_SCRATCH_PREFIX))
            && e.file_type().map(|t| t.is_dir()).unwrap_or(false)
        {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Code of the warning that a database's WAL was stored and applied.
pub const APPLIED: &str = "wal_applied";
/// Code of the damage that a database's WAL was stored but could not be applied.
pub const UNREADABLE: &str = "wal_unreadable";

/// Where a database's `-wal` was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// `NAME-wal` in the same folder as the database file imported.
    BesideFile,
    /// A member of the same ZIP as the database.
    InZip,
}

/// A stored WAL, as a problem names it.
#[derive(Debug, Clone, Copy)]
pub struct WalFile<'a> {
    /// As the user knows it: the path beside the database, or the ZIP member's name.
    pub name: &'a str,
    pub size: u64,
    pub sha256: &'a str,
    pub found: Found,
}

/// A WAL that came after its database: the database was already in the case (imported
/// without it), and only the rows the case did not have yet were added.
#[derive(Debug, Clone, Copy)]
pub struct Later {
    /// Records added (rows only in the WAL, or changed by it).
    pub added: u64,
    /// Rows read from the merged copy that the case already had.
    pub already: u64,
}

/// The locator of a row (or a problem about a row) read from a database that was already in
/// the case, with a WAL that came later applied: `sms/_id=9` becomes
/// `sms/_id=9+wal:<the WAL's SHA-256>`. The row is the database's as that WAL updates it, so
/// the source names the database artifact and the locator the WAL (the database alone, as
/// stored and as first imported, may not hold it, or hold it otherwise).
pub fn later_locator(locator: &str, wal_sha256: &str) -> String {
    format!("{locator}{LATER_MARK}{wal_sha256}")
}

/// What [`later_locator`] puts between the row's locator and the WAL's SHA-256.
pub const LATER_MARK: &str = "+wal:";

/// The problem that says what became of a database's WAL, the one wording for every path that
/// applies one: `wal_applied` (a warning: stored, applied, its rows imported) when `applied` is
/// `Ok`, else `wal_unreadable` (damaged: stored, but what only it held was not imported), with
/// [`apply`]'s reason. `later` when the database itself was imported before, without the WAL.
pub fn problem(wal: &WalFile<'_>, applied: Result<(), &str>, later: Option<Later>) -> Problem {
    let (place, beside_en) = match wal.found {
        Found::BesideFile => ("同一文件夹里有", "found beside the database"),
        Found::InZip => ("同一压缩包里有", "beside the database in the ZIP"),
    };
    let (name, size, sha) = (wal.name, wal.size, wal.sha256);
    match (applied, later) {
        (Ok(()), None) => Problem {
            severity: Severity::Warning,
            code: APPLIED.into(),
            locator: None,
            message_zh: format!(
                "{place} {name}（{size} 字节，SHA-256 {sha}）：已原样保存，并把其中尚未写回数据库的最新记录一起导入（在数据库副本上合并，原文件未改动）"
            ),
            cause_en: format!("write-ahead log {beside_en}: stored and applied to a scratch copy"),
        },
        (Ok(()), Some(l)) => Problem {
            severity: Severity::Warning,
            code: APPLIED.into(),
            locator: None,
            message_zh: format!(
                "{place} {name}（{size} 字节，SHA-256 {sha}）：这个数据库以前已经导入过（当时没有这个 -wal）。这次把 -wal 原样保存，在数据库副本上合并后补充导入了 {} 条只在 -wal 里或被它改动的记录（它们的来源位置后注明“+wal:”和这个 -wal 的 SHA-256），其余 {} 条已在案件中，没有重复导入（原文件未改动）",
                l.added, l.already
            ),
            cause_en: format!(
                "write-ahead log {beside_en}, the database already in the case: stored and applied to a scratch copy; {} rows added, {} already in the case",
                l.added, l.already
            ),
        },
        (Err(e), None) => Problem {
            severity: Severity::Damaged,
            code: UNREADABLE.into(),
            locator: None,
            message_zh: format!(
                "{place} {name}（SHA-256 {sha}）：已原样保存，但无法合并进数据库副本，其中尚未写回数据库的记录没有导入"
            ),
            cause_en: format!("cannot apply the write-ahead log: {e}"),
        },
        (Err(e), Some(_)) => Problem {
            severity: Severity::Damaged,
            code: UNREADABLE.into(),
            locator: None,
            message_zh: format!(
                "{place} {name}（SHA-256 {sha}）：这个数据库以前已经导入过（当时没有这个 -wal）。这次把 -wal 原样保存，但无法合并进数据库副本，其中尚未写回数据库的记录没有导入"
            ),
            cause_en: format!(
                "cannot apply the write-ahead log of a database already in the case: {e}"
            ),
        },
    }
}

/// How many records a phone database holds, counted on the tables the
/// importer reads (for a progress bar); `None` when they cannot be counted.
pub fn count_records(format: Format, path: &Path) -> Option<u64> {
    let tables: &[&str] = match format {
        Format::AndroidMmsSms => &["sms", "spam_sms", "pdu"],
        Format::AndroidCallLog => &["calls"],
        Format::IosSms => &["message"],
        Format::IosCallHistory => &["ZCALLRECORD"],
        _ => return None,
    };
    let conn = crate::db::open_immutable(path).ok()?;
    let present = crate::db::tables(&conn).ok()?;
    let mut n = 0u64;
    for t in tables {
        let Some(name) = present.iter().find(|p| p.eq_ignore_ascii_case(t)) else { continue };
        let c: i64 = conn
            .query_row(&format!("SELECT count(*) FROM {}", crate::db::quote(name)), [], |r| {
                r.get(0)
            })
            .ok()?;
        n += c.max(0) as u64;
    }
    Some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_the_wal_magic_only() {
        assert!(is_wal(&[0x37, 0x7f, 0x06, 0x82, 0, 0x2d, 0xe2, 0x18]));
        assert!(is_wal(&[0x37, 0x7f, 0x06, 0x83]));
        assert!(!is_wal(b"SQLite format 3\0"));
        assert!(!is_wal(b"\x37\x7f"));
    }

    #[test]
    fn one_wording_for_every_wal_problem() {
        let w = WalFile { name: "mmssms.db-wal", size: 4152, sha256: "ab12", found: Found::InZip };
        let p = problem(&w, Ok(()), None);
        assert_eq!((p.code.as_str(), p.severity), (APPLIED, Severity::Warning));
        assert!(
            p.message_zh.starts_with("同一压缩包里有 mmssms.db-wal（4152 字节，SHA-256 ab12）")
        );
        assert!(p.cause_en.contains("in the ZIP"), "{}", p.cause_en);
        let beside = WalFile { found: Found::BesideFile, ..w };
        let p = problem(&beside, Err("checkpoint incomplete"), None);
        assert_eq!((p.code.as_str(), p.severity), (UNREADABLE, Severity::Damaged));
        assert!(p.message_zh.starts_with("同一文件夹里有 mmssms.db-wal（SHA-256 ab12）"));
        assert!(p.cause_en.ends_with("checkpoint incomplete"), "{}", p.cause_en);
        let p = problem(&beside, Ok(()), Some(Later { added: 2, already: 5 }));
        assert_eq!(p.code, APPLIED);
        assert!(
            p.message_zh.contains("以前已经导入过") && p.message_zh.contains("补充导入了 2 条")
        );
        assert!(p.message_zh.contains("其余 5 条已在案件中"), "{}", p.message_zh);
        let p = problem(&beside, Err("bad"), Some(Later { added: 0, already: 0 }));
        assert_eq!((p.code.as_str(), p.severity), (UNREADABLE, Severity::Damaged));
        assert!(
            p.message_zh.contains("以前已经导入过") && p.cause_en.contains("already in the case")
        );
        assert_eq!(later_locator("sms/_id=9", "ab12"), "sms/_id=9+wal:ab12");
    }

    #[test]
    fn clear_stale_removes_scratch_folders_of_both_prefixes_only() {
        let dir = tempfile::tempdir().unwrap();
        for d in [".anjing-wal-1-2", ".wal-merge-abc", "blobs", ".anjing-walnut"] {
            std::fs::create_dir(dir.path().join(d)).unwrap();
            std::fs::write(dir.path().join(d).join("db"), b"x").unwrap();
        }
        std::fs::write(dir.path().join(".wal-merge-file"), b"not a folder").unwrap();
        clear_stale(dir.path());
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, [".anjing-walnut", ".wal-merge-file", "blobs"]);
    }
}
