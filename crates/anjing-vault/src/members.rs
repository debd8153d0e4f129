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
//! Members that belong together (a database and its `-wal`, an sms-ie
//! `messages.ndjson` and its `data/` media) are imported together after the
//! walk: see [`grouped`].

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{SyncSender, sync_channel};

use anjing_import::container::{self, Limits};
use anjing_import::{Format, Hints, ImportError, ImportStats, Problem, RawRecord, Severity};
use anjing_model::RecordKind;
use rusqlite::Transaction;

use crate::ingest::{ImportReport, Prepared, VaultSink};
use crate::{BlobStore, VaultError, open_buffered};

mod grouped;

/// Progress of the current file: `(bytes read, total bytes)`.
pub type Progress<'a> = dyn FnMut(u64, u64) + 'a;

/// What the user said about the files of one `anjing import`.
#[derive(Default)]
pub struct ImportOptions<'a> {
    /// `--map`, `--number`, `--time`; `file_name` (when set) replaces the file's own name.
    pub hints: Hints,
    /// Called as the stored copy is read (for a progress bar).
    pub progress: Option<Box<Progress<'a>>>,
    /// `--device`: the phone or export the files came from ("妈妈的华为手机", "iTunes 备份
    /// 2026-02-01"), stored on every artifact of the import and logged with it.
    pub device: String,
    /// The caller is a batch job that may keep the case to itself while a large file is
    /// imported (`anjing import`; never the web app): see `ingest::BulkJournal`.
    pub bulk: bool,
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
            // A killed import may have left a scratch copy of a database: none is in use now
            // (this import holds the case's write transaction).
            let case_root = blobs.root().parent().unwrap_or(blobs.root());
            anjing_import::wal::clear_stale(case_root);
            let total = container::confirm(open_buffered(blob_path)?, &Limits::default())
                .map(|o| o.declared_total)
                .unwrap_or(0);
            let progress = grouped::ZipProgress::new(opts.progress.as_deref_mut(), total);
            let z = grouped::Zip {
                tx,
                blobs,
                display,
                sha256,
                who,
                hints: &hints,
                depth: 0,
                budget: &budget,
            };
            let stats = z.import_members(blob_path, sink, members, &progress)?;
            progress.finish();
            Ok(stats)
        }
        // Streaming exports publish how far they have read; databases (read by path: SQLite
        // opens the stored copy, or its scratch copy with the WAL applied, itself) how many of
        // their rows they have delivered.
        other => {
            let total = std::fs::metadata(blob_path).map(|m| m.len()).unwrap_or(0);
            let hints = &hints;
            pipelined(sink, opts.progress.as_deref_mut(), total, move |sink, shared| {
                let publish = |p: u64| shared.store(p, Ordering::Relaxed);
                anjing_import::import_stored(other, blob_path, hints, sink, &publish)
            })
            .map_err(err)
        }
    }
}

/// The contributor of an import.
pub(crate) struct Who<'a> {
    pub id: i64,
    pub name: &'a str,
    pub relation: &'a str,
    /// The device or export the file came from, as the contributor said (may be empty).
    pub device: &'a str,
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
        let mut opts = ImportOptions {
            hints: Hints { file_name: name, ..Hints::default() },
            ..Default::default()
        };
        let path = tmp.path().to_path_buf();
        self.import_file_with(&path, &note.from, &note.relation, &mut opts)
    }
}
