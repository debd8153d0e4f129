//! Imports that need more than one stream: user hints (`--map`, `--number`,
//! `--time`), a progress callback, and ZIP containers whose members become
//! artifacts of their own — all inside the ONE transaction of the outer import
//! (see [`crate::ingest`]): the container and every member commit together or
//! not at all.
//!
//! A member is streamed (through the importer's size caps) into the blob
//! store, sniffed there, and imported from the stored copy like any file; its
//! artifact's `file_name` is its provenance, `微信文件.zip!/子目录/短信.xml`, and
//! its `import` log entry names the container. Members that are not exports
//! stay inside the stored container and are listed as `Warning` problems of
//! the container; nested ZIPs are followed to depth [`Limits::max_depth`].

use std::cell::RefCell;
use std::io::{BufRead, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{SyncSender, sync_channel};

use anjing_import::container::{self, Limits};
use anjing_import::{Format, Hints, ImportError, ImportStats, Problem, RawRecord, Severity};
use anjing_model::RecordKind;
use rusqlite::{OptionalExtension, Transaction, params};

use crate::ingest::{IMPORTER_VERSION, ImportReport, Prepared, VaultSink};
use crate::{BlobStore, VaultError, log, open_buffered};

/// Progress of the current file: `(bytes read, total bytes)`.
pub type Progress<'a> = dyn FnMut(u64, u64) + 'a;

/// What the user said about the files of one `anjing import`.
#[derive(Default)]
pub struct ImportOptions<'a> {
    /// `--map`, `--number`, `--time`; `file_name` (when set) replaces the file's own name.
    pub hints: Hints,
    /// Called as the stored copy is read (for a progress bar).
    pub progress: Option<Box<Progress<'a>>>,
}

/// Maps an importer error to the vault's: refusals and non-exports change nothing.
pub(crate) fn import_error(path: &Path, e: ImportError) -> VaultError {
    match e {
        ImportError::NotAnExport { reason_zh, reason_en } => VaultError::NotAnExport {
            path: path.to_path_buf(),
            message_zh: reason_zh,
            cause_en: reason_en,
        },
        ImportError::Refused { reason_zh, reason_en } => VaultError::NotAnExport {
            path: path.to_path_buf(),
            message_zh: format!("拒绝导入，案件没有改动：{reason_zh}"),
            cause_en: reason_en,
        },
        other => VaultError::Import { path: path.to_path_buf(), message: other.to_string() },
    }
}

/// Counts the bytes the importer reads from the stored copy.
/// A reader that publishes how far it has read, for the progress bar on the other thread.
struct Position<R> {
    inner: R,
    pos: u64,
    shared: Arc<AtomicU64>,
}

impl<R> Position<R> {
    fn advance(&mut self, n: u64) {
        self.pos += n;
        self.shared.store(self.pos, Ordering::Relaxed);
    }
}

impl<R: Read> Read for Position<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.advance(n as u64);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Position<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }
    fn consume(&mut self, amt: usize) {
        self.inner.consume(amt);
        self.advance(amt as u64);
    }
}

impl<R: Seek> Seek for Position<R> {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        self.pos = self.inner.seek(to)?;
        self.shared.store(self.pos, Ordering::Relaxed);
        Ok(self.pos)
    }
}

/// Records (and problems) handed from the importer thread to the database thread at a time.
const BATCH: usize = 512;

enum Item {
    Record(Prepared),
    Problem(Problem),
}

/// The importer thread's sink: prepares each record (number, key, original JSON) and sends
/// batches to the database thread.
struct ChannelSink {
    contributor_id: i64,
    artifact: String,
    buf: Vec<Item>,
    tx: SyncSender<Vec<Item>>,
}

impl ChannelSink {
    fn push(&mut self, item: Item) -> Result<(), anjing_import::SinkError> {
        self.buf.push(item);
        if self.buf.len() >= BATCH { self.flush() } else { Ok(()) }
    }

    fn flush(&mut self) -> Result<(), anjing_import::SinkError> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let batch = std::mem::replace(&mut self.buf, Vec::with_capacity(BATCH));
        self.tx.send(batch).map_err(|_| {
            anjing_import::SinkError("数据库写入已停止 (the database side stopped)".into())
        })
    }
}

impl anjing_import::RecordSink for ChannelSink {
    fn record(&mut self, r: RawRecord) -> Result<(), anjing_import::SinkError> {
        let p = Prepared::new(self.contributor_id, &self.artifact, r)?;
        self.push(Item::Record(p))
    }
    fn problem(&mut self, p: Problem) -> Result<(), anjing_import::SinkError> {
        self.push(Item::Problem(p))
    }
}

/// Runs `work` (an importer over the stored copy) on a thread of its own while this thread
/// inserts what it delivers, in the import's transaction: parsing and SQLite each keep a core
/// busy instead of taking turns. `work` gets the sink and the position counter its reader
/// should publish to; `progress` is called here, as the position moves.
fn pipelined<F>(
    sink: &mut VaultSink<'_>,
    mut progress: Option<&mut Progress<'_>>,
    total: u64,
    work: F,
) -> Result<ImportStats, ImportError>
where
    F: FnOnce(
            &mut dyn anjing_import::RecordSink,
            Arc<AtomicU64>,
        ) -> Result<ImportStats, ImportError>
        + Send,
{
    let (tx, rx) = sync_channel::<Vec<Item>>(8);
    let pos = Arc::new(AtomicU64::new(0));
    let (contributor_id, artifact) = (sink.contributor_id(), sink.artifact().to_string());
    std::thread::scope(|s| {
        let worker_pos = Arc::clone(&pos);
        let worker =
            std::thread::Builder::new().name("anjing-parse".into()).spawn_scoped(s, move || {
                let mut ch =
                    ChannelSink { contributor_id, artifact, buf: Vec::with_capacity(BATCH), tx };
                let stats = work(&mut ch, worker_pos)?;
                ch.flush()?;
                Ok(stats)
            });
        let worker = match worker {
            Ok(w) => w,
            Err(e) => {
                return Err(ImportError::Sink(anjing_import::SinkError(format!(
                    "无法启动导入线程 (cannot start the importer thread): {e}"
                ))));
            }
        };
        let mut failed = None;
        let mut shown = 0u64;
        'batches: for batch in rx.iter() {
            for item in batch {
                let done = match item {
                    Item::Record(p) => sink.insert(p),
                    Item::Problem(p) => anjing_import::RecordSink::problem(sink, p),
                };
                if let Err(e) = done {
                    failed = Some(e);
                    break 'batches;
                }
            }
            if let Some(p) = progress.as_mut() {
                let now = pos.load(Ordering::Relaxed).min(total);
                if now.abs_diff(shown) >= 256 * 1024 {
                    shown = now;
                    p(now, total);
                }
            }
        }
        // Dropping the receiver makes the importer's next send fail: it stops.
        drop(rx);
        let result = worker.join().unwrap_or_else(|_| {
            Err(ImportError::Sink(anjing_import::SinkError(
                "导入线程意外终止 (the importer thread panicked)".into(),
            )))
        });
        if let Some(e) = failed {
            return Err(ImportError::Sink(e));
        }
        if let Some(p) = progress.as_mut()
            && result.is_ok()
        {
            p(total, total);
        }
        result
    })
}

/// Runs the right importer over a stored blob. Formats this module knows
/// (tables, media, notes) get the hints; a ZIP imports its members; every
/// other format goes through [`anjing_import::import_path`] unchanged.
#[allow(clippy::too_many_arguments)]
pub(crate) fn run(
    tx: &Transaction<'_>,
    blobs: &BlobStore,
    format: Format,
    blob_path: &Path,
    display: &str,
    sha256: &str,
    who: &Who<'_>,
    opts: &mut ImportOptions<'_>,
    sink: &mut VaultSink<'_>,
    members: &mut Vec<ImportReport>,
) -> Result<ImportStats, VaultError> {
    let mut hints = opts.hints.clone();
    hints.file_name = display.to_string();
    let err = |e| import_error(blob_path, e);
    match format {
        Format::Zip => {
            let budget = std::cell::Cell::new(Limits::default().max_total);
            import_members(
                tx, blobs, blob_path, display, sha256, who, &hints, 0, &budget, sink, members,
            )
        }
        Format::Csv | Format::Xlsx | Format::Image | Format::Audio | Format::Note => {
            let reader = open_buffered(blob_path)?;
            let total = std::fs::metadata(blob_path).map(|m| m.len()).unwrap_or(0);
            let hints = &hints;
            pipelined(sink, opts.progress.as_deref_mut(), total, move |sink, shared| {
                let reader = Position { inner: reader, pos: 0, shared };
                anjing_import::import_with(format, reader, hints, sink)
            })
            .map_err(err)
        }
        // Streaming exports (SBR XML, sms-ie) publish how far they have read.
        other if !other.needs_path() => {
            let reader = open_buffered(blob_path)?;
            let total = std::fs::metadata(blob_path).map(|m| m.len()).unwrap_or(0);
            pipelined(sink, opts.progress.as_deref_mut(), total, move |sink, shared| {
                anjing_import::import(other, Position { inner: reader, pos: 0, shared }, sink)
            })
            .map_err(err)
        }
        // Databases are read by path (SQLite opens the stored copy itself).
        other => pipelined(sink, None, 0, move |sink, _| {
            anjing_import::import_path(other, blob_path, sink)
        })
        .map_err(err),
    }
}

/// The contributor of an import.
pub(crate) struct Who<'a> {
    pub id: i64,
    pub name: &'a str,
    pub relation: &'a str,
}

fn warning(code: &str, path: String, zh: String, en: String) -> Problem {
    Problem {
        severity: Severity::Warning,
        code: code.into(),
        locator: Some(anjing_import::Locator { path, index: 0, line: 0, column: 0, offset: 0 }),
        message_zh: zh,
        cause_en: en,
    }
}

#[allow(clippy::too_many_arguments)]
fn import_members(
    tx: &Transaction<'_>,
    blobs: &BlobStore,
    zip_path: &Path,
    display: &str,
    zip_sha: &str,
    who: &Who<'_>,
    hints: &Hints,
    depth: u32,
    budget: &std::cell::Cell<u64>,
    sink: &mut VaultSink<'_>,
    members: &mut Vec<ImportReport>,
) -> Result<ImportStats, VaultError> {
    let limits = Limits::default();
    let problems = RefCell::new(Vec::new());
    let mut failure: Option<VaultError> = None;
    let file = open_buffered(zip_path)?;
    let walked = container::walk(
        file,
        display,
        &limits,
        budget,
        &mut |name, _size, reader| {
            let member_display = format!("{display}!/{name}");
            let at = || member_display.clone();
            let stored = match blobs.put(reader) {
                Ok(s) => s,
                Err(e) => return Err(container::refusal(&e).unwrap_or(ImportError::Io(e))),
            };
            let path = blobs.path_of(&stored.sha256);
            let mut head = Vec::with_capacity(8192);
            open_buffered(&path)
                .map_err(|e| ImportError::Io(std::io::Error::other(e.to_string())))?
                .take(8192)
                .read_to_end(&mut head)?;
            let member_hints = Hints {
                file_name: member_display.clone(),
                column_map: hints.column_map.clone(),
                ..Hints::default()
            };
            let format = anjing_import::sniff(&head)
                .and_then(|f| anjing_import::refine(f, &path))
                .and_then(|f| {
                    let r = std::io::BufReader::new(std::fs::File::open(&path)?);
                    anjing_import::confirm(f, r, &member_hints).map(|_| f)
                });
            let format = match format {
                Ok(f) => f,
                Err(ImportError::NotAnExport { reason_zh, reason_en }) => {
                    problems.borrow_mut().push(warning(
                        "member_not_an_export",
                        at(),
                        format!("压缩包里的“{name}”不是可识别的导出文件，没有单独导入（仍原样保存在压缩包里）：{reason_zh}"),
                        reason_en,
                    ));
                    return Ok(());
                }
                Err(e) => return Err(e),
            };
            let known: Option<String> = tx
                .query_row(
                    "SELECT file_name FROM artifacts WHERE sha256 = ?1",
                    [&stored.sha256],
                    |r| r.get(0),
                )
                .optional()
                .map_err(|e| ImportError::Io(std::io::Error::other(e.to_string())))?;
            if let Some(first) = known {
                problems.borrow_mut().push(warning(
                    "member_already_imported",
                    at(),
                    format!("压缩包里的“{name}”和已导入的“{first}”内容完全相同，没有重复导入"),
                    "member already an artifact".into(),
                ));
                return Ok(());
            }
            if format == Format::Zip && depth + 1 >= limits.max_depth {
                problems.borrow_mut().push(warning(
                    "too_deep",
                    at(),
                    format!(
                        "压缩包“{name}”嵌套超过 {} 层，没有再解开（仍原样保存）",
                        limits.max_depth
                    ),
                    "nested zip beyond the depth limit".into(),
                ));
                return Ok(());
            }
            let r = import_member(
                tx,
                blobs,
                &stored,
                &path,
                &member_display,
                format,
                zip_sha,
                who,
                &member_hints,
                depth + 1,
                budget,
            );
            match r {
                Ok(report) => {
                    members.push(report);
                    Ok(())
                }
                Err(e) => {
                    let msg = e.to_string();
                    failure = Some(e);
                    Err(ImportError::Io(std::io::Error::other(msg)))
                }
            }
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
    let mut stats = ImportStats::default();
    for p in problems.into_inner() {
        stats.problems += 1;
        anjing_import::RecordSink::problem(sink, p)
            .map_err(|e| VaultError::Import { path: zip_path.to_path_buf(), message: e.0 })?;
    }
    Ok(stats)
}

/// Registers one member as an artifact, imports it and logs it (same tx).
#[allow(clippy::too_many_arguments)]
fn import_member(
    tx: &Transaction<'_>,
    blobs: &BlobStore,
    stored: &crate::blob::StoredBlob,
    path: &Path,
    display: &str,
    format: Format,
    container_sha: &str,
    who: &Who<'_>,
    hints: &Hints,
    depth: u32,
    budget: &std::cell::Cell<u64>,
) -> Result<ImportReport, VaultError> {
    let imported_at = anjing_model::time::rfc3339_utc(jiff::Timestamp::now());
    tx.execute(
        "INSERT INTO artifacts (sha256, size, file_name, format, contributor_id, imported_at, importer, status, records, problems)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'complete', 0, 0)",
        params![stored.sha256, stored.size as i64, display, format.code(), who.id, imported_at, IMPORTER_VERSION],
    )?;
    let mut sink = VaultSink::new(tx, &stored.sha256, who.id);
    let mut members = Vec::new();
    let stats = match format {
        Format::Zip => import_members(
            tx,
            blobs,
            path,
            display,
            &stored.sha256,
            who,
            hints,
            depth,
            budget,
            &mut sink,
            &mut members,
        )?,
        Format::Csv | Format::Xlsx | Format::Image | Format::Audio | Format::Note => {
            anjing_import::import_with(format, open_buffered(path)?, hints, &mut sink)
                .map_err(|e| import_error(path, e))?
        }
        other => {
            anjing_import::import_path(other, path, &mut sink).map_err(|e| import_error(path, e))?
        }
    };
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
            "container": container_sha,
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

/// Screenshots and recordings are one event per file: two different images
/// with no number and time must not merge, so their key includes the file.
pub(crate) fn media_key(key: [u8; 16], r: &RawRecord, artifact: &str) -> [u8; 16] {
    if !matches!(r.kind, RecordKind::Image | RecordKind::Recording) {
        return key;
    }
    use sha2::{Digest, Sha256};
    let d = Sha256::new().chain_update(key).chain_update(artifact.as_bytes()).finalize();
    let mut out = [0u8; 16];
    out.copy_from_slice(&d[..16]);
    out
}

impl crate::Case {
    /// `anjing note add`: writes the note as a small canonical JSON document,
    /// stores it like any original and imports it (one record of kind `note`),
    /// so a note has an artifact, a source and a log entry like everything else.
    pub fn add_note(
        &mut self,
        note: &anjing_import::note::Note,
    ) -> Result<ImportReport, VaultError> {
        use std::io::Write as _;
        let doc = anjing_import::note::document(note);
        let mut tmp = tempfile::Builder::new()
            .prefix(".note-")
            .suffix(".json")
            .tempfile_in(self.root())
            .map_err(crate::io_err(self.root()))?;
        tmp.write_all(&doc).and_then(|_| tmp.flush()).map_err(crate::io_err(tmp.path()))?;
        let name = format!("手记 {} {}.json", note.time.replace([':', '/'], "-"), note.kind);
        let mut opts =
            ImportOptions { hints: Hints { file_name: name, ..Hints::default() }, progress: None };
        let path = tmp.path().to_path_buf();
        self.import_file_with(&path, &note.from, &note.relation, &mut opts)
    }
}
