//! The members of a ZIP, each an artifact of its own, in the outer import's transaction.
//!
//! Most members are stored, sniffed and imported as they come. Members that belong together
//! ([`container::plan`]) wait until the whole archive has been walked, because the app that
//! wrote it put the parts in its own order:
//! * a phone database and its `-wal` (and `-shm`): the WAL is stored as an artifact of its own
//!   (format `sqlite_wal`, logged with `companion_of`) and applied to a scratch copy of the
//!   stored database ([`anjing_import::wal::apply`]), so rows only in the WAL are imported; the
//!   stored originals are never opened for writing; a database the case already has whose WAL
//!   it does not have gets only what the WAL adds ([`crate::wal_later`]);
//! * an SMS Import/Export `messages.ndjson` and its `data/` folder: each media file is stored as
//!   an artifact of format `mms_part` (logged with `attachment_of`), not as a screenshot or
//!   recording of its own, and the MMS records name the blobs of their parts
//!   (`original.__anjing_attachments`, see [`anjing_import::smsie::import_with`]).

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use anjing_import::container::{self, Limits, Role};
use anjing_import::{Attachment, Format, Hints, ImportError, ImportStats, Problem};
use rusqlite::{OptionalExtension, Transaction, params};

use super::{Progress, Who, import_error, warning};
use crate::blob::StoredBlob;
use crate::ingest::{IMPORTER_VERSION, ImportReport, VaultSink};
use crate::{BlobStore, VaultError, log, open_buffered};

/// Progress over a ZIP: uncompressed bytes of the members imported so far.
pub(crate) struct ZipProgress<'p, 'q> {
    cb: RefCell<Option<&'p mut Progress<'q>>>,
    total: u64,
    base: Cell<u64>,
    shown: Cell<u64>,
}

impl<'p, 'q> ZipProgress<'p, 'q> {
    pub(crate) fn new(cb: Option<&'p mut Progress<'q>>, total: u64) -> Self {
        ZipProgress { cb: RefCell::new(cb), total, base: Cell::new(0), shown: Cell::new(0) }
    }

    pub(crate) fn none() -> Self {
        Self::new(None, 0)
    }

    fn at(&self, within: u64) {
        let now = (self.base.get() + within).min(self.total);
        if now.abs_diff(self.shown.get()) < 256 * 1024 && now < self.total {
            return;
        }
        self.shown.set(now);
        if let Some(cb) = self.cb.borrow_mut().as_mut() {
            cb(now, self.total);
        }
    }

    /// The whole ZIP has been read (members skipped or refused included).
    pub(crate) fn finish(&self) {
        self.base.set(self.total);
        self.shown.set(self.total);
        if let Some(cb) = self.cb.borrow_mut().as_mut() {
            cb(self.total, self.total);
        }
    }

    fn done(&self, size: u64) {
        self.base.set(self.base.get() + size);
        self.at(0);
    }
}

/// A member stored while the walk goes on, to be imported after it.
struct Stored {
    blob: StoredBlob,
    path: PathBuf,
}

/// An artifact registered together with a member (its WAL, an MMS part's media).
struct Companion<'a> {
    blob: &'a StoredBlob,
    display: String,
    format: &'static str,
    /// `companion_of` or `attachment_of`.
    relation: &'static str,
}

/// What a member import needs besides the member.
pub(crate) struct Zip<'a, 't> {
    pub tx: &'a Transaction<'t>,
    pub blobs: &'a BlobStore,
    pub display: &'a str,
    pub sha256: &'a str,
    pub who: &'a Who<'a>,
    pub hints: &'a Hints,
    pub depth: u32,
    pub budget: &'a Cell<u64>,
}

/// How to import one stored member.
#[derive(Default)]
struct Extra<'a> {
    /// Read this file instead of the stored blob (the scratch copy with the WAL applied).
    read_path: Option<&'a Path>,
    attachments: BTreeMap<String, Attachment>,
    problems: Vec<Problem>,
    companions: Vec<Companion<'a>>,
}

impl Zip<'_, '_> {
    /// Walks the ZIP at `zip_path` and imports its members (see the module documentation).
    pub(crate) fn import_members(
        &self,
        zip_path: &Path,
        sink: &mut VaultSink<'_>,
        members: &mut Vec<ImportReport>,
        progress: &ZipProgress<'_, '_>,
    ) -> Result<ImportStats, VaultError> {
        let limits = Limits::default();
        let problems = RefCell::new(Vec::new());
        let mut failure: Option<VaultError> = None;
        // An unreadable directory is the walk's to report; without a plan every member is alone.
        let plan = container::plan(open_buffered(zip_path)?).unwrap_or_default();
        let mut waiting: BTreeMap<String, Stored> = BTreeMap::new();
        let file = open_buffered(zip_path)?;
        let walked = container::walk(
            file,
            self.display,
            &limits,
            self.budget,
            &mut |name, _size, reader| {
                let blob = match self.blobs.put(reader) {
                    Ok(s) => s,
                    Err(e) => return Err(container::refusal(&e).unwrap_or(ImportError::Io(e))),
                };
                let path = self.blobs.path_of(&blob.sha256);
                if plan.role(name).deferred() {
                    waiting.insert(name.to_string(), Stored { blob, path });
                    return Ok(());
                }
                let r =
                    self.member(name, &blob, &path, Extra::default(), &problems, members, progress);
                progress.done(blob.size);
                r.map_err(|e| {
                    let msg = e.to_string();
                    failure = Some(e);
                    ImportError::Io(std::io::Error::other(msg))
                })
            },
            &mut |p| {
                problems.borrow_mut().push(p);
                Ok(())
            },
        );
        if let Some(e) = failure {
            return Err(e);
        }
        walked.map_err(|e| import_error(zip_path, e))?;
        for (name, role) in plan.groups() {
            match role {
                Role::Database { wal, shm } => self.database(
                    name,
                    wal,
                    shm.as_deref(),
                    &waiting,
                    &problems,
                    members,
                    progress,
                )?,
                Role::Messages { parts } => {
                    self.messages(name, parts, &plan, &waiting, &problems, members, progress)?
                }
                _ => {}
            }
        }
        let mut stats = ImportStats::default();
        for p in problems.into_inner() {
            stats.problems += 1;
            anjing_import::RecordSink::problem(sink, p)
                .map_err(|e| VaultError::Import { path: zip_path.to_path_buf(), message: e.0 })?;
        }
        Ok(stats)
    }

    fn member_display(&self, name: &str) -> String {
        format!("{}!/{name}", self.display)
    }

    /// A database member with its WAL beside it.
    #[allow(clippy::too_many_arguments)]
    fn database(
        &self,
        name: &str,
        wal: &str,
        shm: Option<&str>,
        waiting: &BTreeMap<String, Stored>,
        problems: &RefCell<Vec<Problem>>,
        members: &mut Vec<ImportReport>,
        progress: &ZipProgress<'_, '_>,
    ) -> Result<(), VaultError> {
        let (Some(db), Some(w)) = (waiting.get(name), waiting.get(wal)) else {
            // One of them was refused by the walk (and reported there): the other alone.
            for n in [name, wal] {
                if let Some(s) = waiting.get(n) {
                    self.alone(n, s, problems, members, progress)?;
                }
            }
            return Ok(());
        };
        if let Some(shm) = shm.filter(|s| waiting.contains_key(*s)) {
            problems.borrow_mut().push(warning(
                "member_companion",
                self.member_display(shm),
                format!(
                    "压缩包里的“{shm}”是数据库“{name}”的临时索引文件（-shm），不含记录，没有单独导入（仍原样保存在压缩包里）"
                ),
                "SQLite shared-memory index of a WAL database: no rows".into(),
            ));
        }
        let scratch_in = self.blobs.root().parent().unwrap_or(self.blobs.root());
        if self.known(&db.blob.sha256)?.is_some() {
            let later = self.later_wal(name, wal, db, w, scratch_in, problems, members, progress);
            progress.done(db.blob.size + w.blob.size);
            return later;
        }
        let merged = anjing_import::wal::apply(&db.path, &w.path, scratch_in);
        let wal_display = self.member_display(wal);
        let file = anjing_import::wal::WalFile {
            name: wal,
            size: w.blob.size,
            sha256: &w.blob.sha256,
            found: anjing_import::wal::Found::InZip,
        };
        let applied = merged.as_ref().map(|_| ()).map_err(String::as_str);
        let problem = anjing_import::wal::problem(&file, applied, None);
        let extra = Extra {
            read_path: merged.as_ref().ok().map(|m| m.path()),
            problems: vec![problem],
            companions: vec![Companion {
                blob: &w.blob,
                display: wal_display,
                format: "sqlite_wal",
                relation: "companion_of",
            }],
            ..Extra::default()
        };
        let r = self.member(name, &db.blob, &db.path, extra, problems, members, progress);
        progress.done(db.blob.size + w.blob.size);
        r
    }

    /// A database the case already has, with its WAL: the WAL's rows are added when the case
    /// does not have the WAL yet ([`crate::wal_later`]); a WAL the case has is not applied again.
    #[allow(clippy::too_many_arguments)]
    fn later_wal(
        &self,
        name: &str,
        wal: &str,
        db: &Stored,
        w: &Stored,
        scratch_in: &Path,
        problems: &RefCell<Vec<Problem>>,
        members: &mut Vec<ImportReport>,
        progress: &ZipProgress<'_, '_>,
    ) -> Result<(), VaultError> {
        let known_db = match crate::wal_later::database(self.tx, &db.blob.sha256)? {
            Some(d) if !crate::wal_later::artifact_known(self.tx, &w.blob.sha256)? => Some(d),
            _ => None,
        };
        let Some(known_db) = known_db else {
            // Both are in the case already (or the database is not one a WAL applies to).
            for (n, s) in [(name, db), (wal, w)] {
                if let Some(first) = self.known(&s.blob.sha256)? {
                    problems.borrow_mut().push(already(&self.member_display(n), n, &first));
                } else {
                    self.alone(n, s, problems, members, progress)?;
                }
            }
            return Ok(());
        };
        let display = self.member_display(name);
        let wal_display = self.member_display(wal);
        let later = crate::wal_later::LaterWal {
            db: &known_db,
            db_path: &db.path,
            wal: &w.blob,
            wal_path: &w.path,
            wal_file_name: &wal_display,
            wal_shown: wal,
            found: anjing_import::wal::Found::InZip,
            container: Some(self.sha256),
            report_file: &display,
        };
        let hints = Hints {
            file_name: display.clone(),
            column_map: self.hints.column_map.clone(),
            ..Hints::default()
        };
        let report =
            crate::wal_later::import(self.tx, scratch_in, self.who, &later, |sink, merged| {
                let shown = |p: u64| progress.at(p.min(db.blob.size));
                anjing_import::import_stored(known_db.format, merged, &hints, sink, &shown)
                    .map_err(|e| import_error(&db.path, e))
            })?;
        members.push(report);
        Ok(())
    }

    /// An sms-ie `messages.ndjson` with the media of its MMS parts.
    #[allow(clippy::too_many_arguments)]
    fn messages(
        &self,
        name: &str,
        parts: &[String],
        plan: &container::Plan,
        waiting: &BTreeMap<String, Stored>,
        problems: &RefCell<Vec<Problem>>,
        members: &mut Vec<ImportReport>,
        progress: &ZipProgress<'_, '_>,
    ) -> Result<(), VaultError> {
        let stored_parts: Vec<(&String, &Stored)> =
            parts.iter().filter_map(|p| waiting.get(p).map(|s| (p, s))).collect();
        let Some(msgs) = waiting.get(name) else {
            for (p, s) in stored_parts {
                self.alone(p, s, problems, members, progress)?;
            }
            return Ok(());
        };
        let mut head = Vec::with_capacity(8192);
        open_buffered(&msgs.path)?
            .take(8192)
            .read_to_end(&mut head)
            .map_err(crate::io_err(&msgs.path))?;
        let known = self.known(&msgs.blob.sha256)?.is_some();
        if known || !matches!(anjing_import::sniff(&head), Ok(Format::SmsIe)) {
            // Not an sms-ie export after all (or imported before): every file on its own.
            self.alone(name, msgs, problems, members, progress)?;
            for (p, s) in stored_parts {
                self.alone(p, s, problems, members, progress)?;
            }
            return Ok(());
        }
        let mut extra = Extra::default();
        for (p, s) in &stored_parts {
            let Role::Part { key, .. } = plan.role(p) else { continue };
            let display = self.member_display(p);
            extra.attachments.insert(
                key,
                Attachment {
                    sha256: s.blob.sha256.clone(),
                    member: display.clone(),
                    size: s.blob.size,
                    meta: anjing_import::media::describe_file(&s.path),
                },
            );
            extra.companions.push(Companion {
                blob: &s.blob,
                display,
                format: "mms_part",
                relation: "attachment_of",
            });
        }
        let size: u64 = stored_parts.iter().map(|(_, s)| s.blob.size).sum::<u64>() + msgs.blob.size;
        let r = self.member(name, &msgs.blob, &msgs.path, extra, problems, members, progress);
        progress.done(size);
        r
    }

    fn known(&self, sha256: &str) -> Result<Option<String>, VaultError> {
        Ok(self
            .tx
            .query_row("SELECT file_name FROM artifacts WHERE sha256 = ?1", [sha256], |r| r.get(0))
            .optional()?)
    }

    /// A stored member imported on its own, as if it had come without its group.
    fn alone(
        &self,
        name: &str,
        s: &Stored,
        problems: &RefCell<Vec<Problem>>,
        members: &mut Vec<ImportReport>,
        progress: &ZipProgress<'_, '_>,
    ) -> Result<(), VaultError> {
        self.member(name, &s.blob, &s.path, Extra::default(), problems, members, progress)
    }

    /// Sniffs one stored member and imports it as an artifact of its own (or says why not).
    #[allow(clippy::too_many_arguments)]
    fn member(
        &self,
        name: &str,
        blob: &StoredBlob,
        path: &Path,
        extra: Extra<'_>,
        problems: &RefCell<Vec<Problem>>,
        members: &mut Vec<ImportReport>,
        progress: &ZipProgress<'_, '_>,
    ) -> Result<(), VaultError> {
        let limits = Limits::default();
        let member_display = self.member_display(name);
        let at = || member_display.clone();
        let read_path = extra.read_path.unwrap_or(path);
        let mut head = Vec::with_capacity(8192);
        open_buffered(read_path)?
            .take(8192)
            .read_to_end(&mut head)
            .map_err(crate::io_err(read_path))?;
        let member_hints = Hints {
            file_name: member_display.clone(),
            column_map: self.hints.column_map.clone(),
            attachments: extra.attachments,
            ..Hints::default()
        };
        let format = anjing_import::sniff(&head)
            .and_then(|f| anjing_import::refine(f, read_path))
            .and_then(|f| {
                let r = std::io::BufReader::new(std::fs::File::open(read_path)?);
                anjing_import::confirm(f, r, &member_hints).map(|_| f)
            });
        let format = match format {
            Ok(f) => f,
            Err(ImportError::NotAnExport { reason_zh, reason_en }) => {
                let also = if extra.companions.is_empty() {
                    String::new()
                } else {
                    format!("；和它一起的 {} 个文件也没有导入", extra.companions.len())
                };
                problems.borrow_mut().push(warning(
                    "member_not_an_export",
                    at(),
                    format!("压缩包里的“{name}”不是可识别的导出文件，没有单独导入（仍原样保存在压缩包里）：{reason_zh}{also}"),
                    reason_en,
                ));
                return Ok(());
            }
            Err(e) => return Err(import_error(path, e)),
        };
        if let Some(first) = self.known(&blob.sha256)? {
            problems.borrow_mut().push(already(&at(), name, &first));
            return Ok(());
        }
        if format == Format::Zip && self.depth + 1 >= limits.max_depth {
            problems.borrow_mut().push(warning(
                "too_deep",
                at(),
                format!("压缩包“{name}”嵌套超过 {} 层，没有再解开（仍原样保存）", limits.max_depth),
                "nested zip beyond the depth limit".into(),
            ));
            return Ok(());
        }
        for c in &extra.companions {
            self.register(c, &blob.sha256)?;
        }
        let report = self.import_member(
            blob,
            path,
            read_path,
            &member_display,
            format,
            &member_hints,
            extra.problems,
            progress,
        )?;
        members.push(report);
        Ok(())
    }

    /// Registers a companion artifact (once) with its `import` log entry.
    fn register(&self, c: &Companion<'_>, of: &str) -> Result<(), VaultError> {
        let imported_at = anjing_model::time::rfc3339_utc(jiff::Timestamp::now());
        let fresh = crate::ingest::NewArtifact {
            sha256: &c.blob.sha256,
            size: c.blob.size,
            file_name: &c.display,
            format: c.format,
            contributor_id: self.who.id,
            imported_at: &imported_at,
            device: self.who.device,
        }
        .insert(self.tx, true)?;
        if fresh {
            let mut detail = serde_json::json!({
                    "artifact": c.blob.sha256,
                    "size": c.blob.size,
                    "file_name": c.display,
                    "format": c.format,
                    "importer": IMPORTER_VERSION,
                    "contributor": self.who.name,
                    "relation": self.who.relation,
                    "device": self.who.device,
                    "container": self.sha256,
                    "records_read": 0,
                    "status": "complete",
            });
            detail[c.relation] = serde_json::Value::from(of);
            log::append(self.tx, "import", &detail)?;
        }
        Ok(())
    }

    /// Registers one member as an artifact, imports it and logs it (same tx).
    #[allow(clippy::too_many_arguments)]
    fn import_member(
        &self,
        stored: &StoredBlob,
        path: &Path,
        read_path: &Path,
        display: &str,
        format: Format,
        hints: &Hints,
        extra_problems: Vec<Problem>,
        progress: &ZipProgress<'_, '_>,
    ) -> Result<ImportReport, VaultError> {
        let (tx, who) = (self.tx, self.who);
        let imported_at = anjing_model::time::rfc3339_utc(jiff::Timestamp::now());
        crate::ingest::NewArtifact {
            sha256: &stored.sha256,
            size: stored.size,
            file_name: display,
            format: format.code(),
            contributor_id: who.id,
            imported_at: &imported_at,
            device: who.device,
        }
        .insert(tx, false)?;
        let mut sink = VaultSink::new(tx, &stored.sha256, who.id);
        let mut members = Vec::new();
        let mut stats = match format {
            Format::Zip => {
                let nested =
                    Zip { display, sha256: &stored.sha256, hints, depth: self.depth + 1, ..*self };
                nested.import_members(path, &mut sink, &mut members, &ZipProgress::none())?
            }
            other => {
                let shown = |p: u64| progress.at(p.min(stored.size));
                anjing_import::import_stored(other, read_path, hints, &mut sink, &shown)
                    .map_err(|e| import_error(path, e))?
            }
        };
        for p in extra_problems {
            stats.problems += 1;
            anjing_import::RecordSink::problem(&mut sink, p)
                .map_err(|e| VaultError::Import { path: path.to_path_buf(), message: e.0 })?;
        }
        let mut report = sink.into_report(display, stored, format, &stats);
        report.members = members;
        let status = if report.damaged { "damaged" } else { "complete" };
        tx.execute(
            "UPDATE artifacts SET status = ?2, records = ?3, problems = ?4 WHERE sha256 = ?1",
            params![stored.sha256, status, report.records_read as i64, report.problem_count as i64],
        )?;
        log::append(
            tx,
            "import",
            &serde_json::json!({
                "artifact": stored.sha256,
                "size": stored.size,
                "file_name": display,
                "format": format.code(),
                "importer": IMPORTER_VERSION,
                "contributor": who.name,
                "relation": who.relation,
                "device": who.device,
                "container": self.sha256,
                "records_read": report.records_read,
                "records_new": report.records_new,
                "records_merged": report.records_merged,
                "by_kind": report.by_kind,
                "problems": report.problem_count,
                "status": status,
            }),
        )?;
        Ok(report)
    }
}

/// The warning that a member is already an artifact of the case.
fn already(at: &str, name: &str, first: &str) -> Problem {
    warning(
        "member_already_imported",
        at.to_string(),
        format!("压缩包里的“{name}”和已导入的“{first}”内容完全相同，没有重复导入"),
        "member already an artifact".into(),
    )
}
