/*!
The case vault: one folder per case, like a git repository.

```text
CASE/
  anjing.db        SQLite: contributors, artifacts, records, sources, problems, findings, log
  blobs/ab/ab…     every original file, byte-exact, named by its SHA-256
  keys/case.key    the case's ed25519 checkpoint signing key (0600; not yet encrypted at rest)
  keys/case.pub    its verifier key (also in `meta` and in the `init` log entry)
  checkpoint       the latest signed checkpoint of the log (see [`proofs`])
```

The vault is the only writer of a case. It stores originals before deriving
anything from them, runs an importer inside one transaction per file, and
appends a hash-chained log entry in the same transaction as every change, so
an interrupted import leaves the case exactly as it was before.

**Architecture invariant:** the vault knows formats only through the
`anjing-import` seam and findings only as plain data handed to it; it never
runs detection itself.
*/

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use serde::Serialize;

pub mod blob;
pub mod check;
pub mod disclosure;
pub mod documents;
pub mod facts;
pub mod ingest;
pub mod log;
pub mod members;
pub mod package;
pub mod proofs;
pub mod query;
pub mod records_tree;
pub mod review;
pub mod schema;
pub mod timestamps;
pub(crate) mod wal_later;

pub use blob::BlobStore;
pub use check::{CheckFault, CheckReport};
pub use ingest::ImportReport;
pub use log::LogEntry;
pub use members::ImportOptions;
pub use query::{
    AnalysisSink, AnalysisWriter, FindingView, ProblemView, RecordFilter, RecordPage, RecordView,
    SourceRef,
};

/// The database file inside a case folder.
pub const DB_FILE: &str = "anjing.db";
/// The blob folder inside a case folder.
pub const BLOB_DIR: &str = "blobs";

/// Errors of the vault. Display is Chinese first, English cause second.
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error(
        "“{0}”不是安静案件文件夹（找不到 anjing.db）。请先运行 anjing init，或用 -C 指定案件文件夹。(not a case folder)"
    )]
    NotACase(PathBuf),
    #[error("“{0}”已经是一个案件文件夹，没有做任何改动。(already a case folder)")]
    AlreadyACase(PathBuf),
    #[error(
        "案件数据库版本 {found} 比本程序支持的版本 {supported} 新，请升级安静。(database schema too new)"
    )]
    TooNew { found: i64, supported: i64 },
    #[error("“{path}”：{message_zh} ({cause_en})")]
    NotAnExport { path: PathBuf, message_zh: String, cause_en: String },
    #[error("读写文件“{path}”失败：{source} (I/O error)")]
    Io { path: PathBuf, source: std::io::Error },
    #[error(
        "案件正在导入一个大文件，导入结束前暂时不能打开，请稍后再试。(the case is busy: a large import is writing it)"
    )]
    Busy,
    #[error("案件数据库出错：{0} (database error)")]
    Db(#[from] rusqlite::Error),
    #[error(
        "导入“{path}”时出错，本次导入已全部撤销：{message} (import failed and was rolled back)"
    )]
    Import { path: PathBuf, message: String },
    #[error("案件签名密钥有问题：{message_zh} ({cause_en})")]
    Key { message_zh: String, cause_en: String },
    #[error(
        "案件日志在第 {seq} 条处与记录不符，拒绝签署检查点：{message_zh}。请运行 anjing check 查看。(log changed; refusing to sign)"
    )]
    LogBroken { seq: i64, message_zh: String },
    #[error("签名或证明出错：{0}")]
    Proof(#[from] anjing_proof::ProofError),
    #[error("写证据包“{path}”失败：{message} (package error)")]
    Package { path: PathBuf, message: String },
}

pub(crate) fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> VaultError + '_ {
    move |source| VaultError::Io { path: path.to_path_buf(), source }
}

/// The page cache of a case's connection (negative: KiB), 32 MiB. Peak memory of an import
/// is the page cache plus a constant; measured on a 200 MB SBR file and a 1 M-row
/// mmssms.db, 32 MiB costs no user time against 64 MiB and a little system time (pages
/// spilled to the WAL and read back), for 30–40 MiB less peak memory.
pub(crate) const CACHE_KIB: i64 = -32768;

/// How long opening a case waits for a large import that writes the database directly (its
/// rollback journal keeps readers out until it commits) before saying the case is busy.
const OPEN_BUSY_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

/// A locked database is [`VaultError::Busy`]; anything else a database error.
pub(crate) fn busy_or_db(e: rusqlite::Error) -> VaultError {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
            VaultError::Busy
        }
        _ => VaultError::Db(e),
    }
}

/// An open case.
pub struct Case {
    root: PathBuf,
    conn: Connection,
    blobs: BlobStore,
}

/// Facts about a case shown by `anjing` commands.
#[derive(Debug, Clone, Serialize)]
pub struct CaseInfo {
    pub case_id: String,
    pub title: String,
    pub created_at: String,
    pub schema_version: i64,
}

impl Case {
    /// Makes `dir` a new case folder (creating it if needed) and logs the creation.
    pub fn init(dir: &Path, title: &str) -> Result<Case, VaultError> {
        std::fs::create_dir_all(dir).map_err(io_err(dir))?;
        let db = dir.join(DB_FILE);
        if db.exists() {
            return Err(VaultError::AlreadyACase(dir.to_path_buf()));
        }
        let case_id = random_id();
        // The signing key is written before the database, and its verifier key is
        // recorded in the `init` entry, so the log itself says which key signs it.
        let verifier_key = proofs::create_case_key(dir, &case_id)?;
        let mut case = Case::open_db(dir, &db, true)?;
        let tx = case.conn.transaction()?;
        let created_at = anjing_model::time::rfc3339_utc(jiff::Timestamp::now());
        for (k, v) in [
            ("case_id", case_id.as_str()),
            ("title", title),
            ("created_at", &created_at),
            (proofs::META_VERIFIER_KEY, &verifier_key),
        ] {
            tx.execute("INSERT INTO meta (key, value) VALUES (?1, ?2)", params![k, v])?;
        }
        log::append(
            &tx,
            "init",
            &serde_json::json!({
                "case_id": case_id,
                "title": title,
                "schema_version": schema::SCHEMA_VERSION,
                "verifier_key": verifier_key,
            }),
        )?;
        tx.commit()?;
        std::fs::create_dir_all(dir.join(BLOB_DIR)).map_err(io_err(dir))?;
        Ok(case)
    }

    /// Opens an existing case folder.
    pub fn open(dir: &Path) -> Result<Case, VaultError> {
        let db = dir.join(DB_FILE);
        if !db.is_file() {
            return Err(VaultError::NotACase(dir.to_path_buf()));
        }
        Case::open_db(dir, &db, false)
    }

    fn open_db(dir: &Path, db: &Path, create: bool) -> Result<Case, VaultError> {
        let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        if create {
            flags |= OpenFlags::SQLITE_OPEN_CREATE;
        }
        let mut conn = Connection::open_with_flags(db, flags)?;
        // WAL keeps readers working during an import and survives a killed
        // process: an uncommitted import simply never happened. A case is in another
        // journal mode while a large import writes it directly (see `ingest::BulkJournal`):
        // switching back needs its lock, so a short wait, then a plain "busy" error. After
        // such an import was killed, SQLite rolls its journal back first. (Where the file
        // system cannot do WAL, SQLite answers with the old mode and the case works without.)
        conn.busy_timeout(OPEN_BUSY_WAIT)?;
        let _mode: String =
            conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0)).map_err(busy_or_db)?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // Up to 32 MiB of page cache (see `CACHE_KIB`): a large import inserts into
        // B-trees in random key order, and the default 2 MiB cache spills to the WAL on
        // nearly every insert (measured: 1.3 M page writes for a 50 MB file).
        conn.pragma_update(None, "cache_size", CACHE_KIB)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        schema::migrate(&mut conn)?;
        Ok(Case { root: dir.to_path_buf(), conn, blobs: BlobStore::new(dir.join(BLOB_DIR)) })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn blobs(&self) -> &BlobStore {
        &self.blobs
    }

    /// Read access for queries elsewhere in the workspace (read-only use only).
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    pub fn info(&self) -> Result<CaseInfo, VaultError> {
        let get = |k: &str| -> Result<String, VaultError> {
            Ok(self
                .conn
                .query_row("SELECT value FROM meta WHERE key = ?1", [k], |r| r.get(0))
                .optional()?
                .unwrap_or_default())
        };
        Ok(CaseInfo {
            case_id: get("case_id")?,
            title: get("title")?,
            created_at: get("created_at")?,
            schema_version: schema::SCHEMA_VERSION,
        })
    }

    /// Every log entry, in order.
    pub fn log(&self) -> Result<Vec<LogEntry>, VaultError> {
        log::entries(&self.conn)
    }

    /// The hash of the newest log entry.
    pub fn log_head(&self) -> Result<Option<String>, VaultError> {
        Ok(self
            .conn
            .query_row("SELECT hash FROM log ORDER BY seq DESC LIMIT 1", [], |r| r.get(0))
            .optional()?)
    }

    /// Imports one file for a contributor. See [`ingest`].
    pub fn import_file(
        &mut self,
        path: &Path,
        contributor: &str,
        relation: &str,
    ) -> Result<ImportReport, VaultError> {
        ingest::import_file(self, path, contributor, relation)
    }

    /// Imports one file with the user's hints and a progress callback; a ZIP's
    /// members are imported as artifacts of their own in the same transaction.
    /// See [`members`].
    pub fn import_file_with(
        &mut self,
        path: &Path,
        contributor: &str,
        relation: &str,
        opts: &mut ImportOptions<'_>,
    ) -> Result<ImportReport, VaultError> {
        ingest::import_file_with(self, path, contributor, relation, opts)
    }

    /// Re-hashes every blob, walks the log chain and cross-checks artifacts against the log.
    pub fn check(&self) -> Result<CheckReport, VaultError> {
        check::run(self)
    }
}

/// A 128-bit random id in hex, from the OS (no extra dependency: the kernel's
/// urandom, with a time-based fallback on systems without it).
fn random_id() -> String {
    let mut buf = [0u8; 16];
    let ok = File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut buf)).is_ok();
    if !ok {
        let t = jiff::Timestamp::now().as_nanosecond().to_le_bytes();
        buf.copy_from_slice(&t[..16]);
    }
    hex::encode(buf)
}

pub(crate) fn open_buffered(path: &Path) -> Result<BufReader<File>, VaultError> {
    Ok(BufReader::with_capacity(256 * 1024, File::open(path).map_err(io_err(path))?))
}
