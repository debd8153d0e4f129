//! The content-addressed blob store: `blobs/<first 2 hex>/<sha256 hex>`.
//!
//! A blob is written to a temporary file in the same folder, fsynced, then
//! renamed into place, so a blob that exists under its name is always complete.
//! Blobs are never modified; the only way a blob's bytes can disagree with its
//! name is outside damage, which `anjing check` reports.

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// The folder inside the store where a blob is written before it gets its name (a killed
/// import may leave a file there; no blob is ever read from it by name).
pub const INCOMING: &str = ".incoming";

/// An incoming file older than this was left by a killed import (no import runs for a
/// day) and is removed by the next one; younger files may belong to an import under way.
const STALE_INCOMING: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

/// Best effort: removes `.incoming-*` files last written more than `age` ago. Never a blob
/// (those live under their hash in the two-hex-digit folders), never an error for the import.
fn sweep_stale(incoming: &Path, age: std::time::Duration) {
    let Ok(entries) = fs::read_dir(incoming) else { return };
    let now = std::time::SystemTime::now();
    for e in entries.flatten() {
        let stale = e.file_name().to_string_lossy().starts_with(".incoming-")
            && e.metadata()
                .ok()
                .filter(|m| m.is_file())
                .and_then(|m| m.modified().ok())
                .is_some_and(|t| now.duration_since(t).is_ok_and(|d| d > age));
        if stale {
            let _ = fs::remove_file(e.path());
        }
    }
}

/// The blob folder of a case.
#[derive(Debug, Clone)]
pub struct BlobStore {
    root: PathBuf,
}

/// A stored blob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredBlob {
    pub sha256: String,
    pub size: u64,
    /// Whether the blob was already in the store.
    pub existed: bool,
}

impl BlobStore {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        BlobStore { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The path a blob with this hash has.
    pub fn path_of(&self, sha256: &str) -> PathBuf {
        // Hashes come from our own hex encoder; still never let a name escape the store.
        debug_assert!(sha256.len() == 64 && sha256.bytes().all(|b| b.is_ascii_hexdigit()));
        self.root.join(&sha256[..2]).join(sha256)
    }

    /// Streams `reader` into the store, hashing as it goes. Constant memory.
    pub fn put(&self, reader: impl Read) -> io::Result<StoredBlob> {
        self.put_pending(reader)?.persist()
    }

    /// Like [`BlobStore::put`], except that the fsync runs on a thread of its own while the
    /// caller goes on (an import parses the copy meanwhile), and the blob gets its name only
    /// at [`PendingBlob::persist`], after the fsync: a blob under its name is still always
    /// complete. Dropped without `persist`, the temporary file is removed.
    pub fn put_pending(&self, mut reader: impl Read) -> io::Result<PendingBlob> {
        // Incoming files wait in a folder of their own, beside the two-hex-digit folders.
        let incoming = self.root.join(INCOMING);
        fs::create_dir_all(&incoming)?;
        sweep_stale(&incoming, STALE_INCOMING);
        let mut tmp = tempfile::Builder::new().prefix(".incoming-").tempfile_in(&incoming)?;
        let mut hasher = Sha256::new();
        let mut size = 0u64;
        let mut buf = vec![0u8; 256 * 1024];
        loop {
            let n = match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            hasher.update(&buf[..n]);
            tmp.write_all(&buf[..n])?;
            size += n as u64;
        }
        let sha256 = hex::encode(hasher.finalize());
        let dest = self.path_of(&sha256);
        if dest.exists() {
            // Same content already stored; the temporary file is removed on drop.
            return Ok(PendingBlob {
                tmp: None,
                sync: None,
                dest,
                stored: StoredBlob { sha256, size, existed: true },
            });
        }
        let file = tmp.as_file().try_clone()?;
        let sync = std::thread::Builder::new()
            .name("anjing-fsync".into())
            .spawn(move || file.sync_all())
            .ok();
        if sync.is_none() {
            tmp.as_file().sync_all()?;
        }
        Ok(PendingBlob {
            tmp: Some(tmp),
            sync,
            dest,
            stored: StoredBlob { sha256, size, existed: false },
        })
    }

    /// Opens a stored blob for reading.
    pub fn open(&self, sha256: &str) -> io::Result<File> {
        File::open(self.path_of(sha256))
    }

    /// Re-hashes a stored blob and returns its actual SHA-256 and size.
    pub fn rehash(&self, sha256: &str) -> io::Result<(String, u64)> {
        hash_reader(self.open(sha256)?)
    }
}

/// A blob written and hashed, its fsync under way, not yet under its name (see
/// [`BlobStore::put_pending`]).
pub struct PendingBlob {
    tmp: Option<tempfile::NamedTempFile>,
    sync: Option<std::thread::JoinHandle<io::Result<()>>>,
    dest: PathBuf,
    /// Hash and size; `existed` when the store already had these bytes.
    pub stored: StoredBlob,
}

impl PendingBlob {
    /// Where the bytes can be read now: the temporary file (or the stored blob, when it
    /// existed already).
    pub fn path(&self) -> &Path {
        match &self.tmp {
            Some(t) => t.path(),
            None => &self.dest,
        }
    }

    /// Waits for the fsync, then renames the file into place and makes the rename durable.
    pub fn persist(mut self) -> io::Result<StoredBlob> {
        if let Some(sync) = self.sync.take() {
            sync.join().unwrap_or_else(|_| Err(io::Error::other("fsync thread panicked")))?;
        }
        let Some(tmp) = self.tmp.take() else { return Ok(self.stored) };
        let dir = self.dest.parent().expect("blob path has a parent");
        fs::create_dir_all(dir)?;
        tmp.persist(&self.dest).map_err(|e| e.error)?;
        // Make the rename durable too.
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(self.stored)
    }
}

/// SHA-256 and size of everything `reader` yields.
pub fn hash_reader(mut reader: impl Read) -> io::Result<(String, u64)> {
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(&buf[..n]);
        size += n as u64;
    }
    Ok((hex::encode(hasher.finalize()), size))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn put_is_content_addressed_and_idempotent() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::new(dir.path().join("blobs"));
        let a = store.put(&b"hello"[..]).unwrap();
        assert_eq!(a.sha256, "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
        assert!(!a.existed);
        let b = store.put(&b"hello"[..]).unwrap();
        assert!(b.existed);
        assert_eq!(fs::read(store.path_of(&a.sha256)).unwrap(), b"hello");
        // No temporary files are left behind.
        let mut entries: Vec<_> = fs::read_dir(store.root())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        entries.sort();
        assert_eq!(entries, [INCOMING, "2c"], "only the 2c/ folder and the incoming one");
        assert_eq!(fs::read_dir(store.root().join(INCOMING)).unwrap().count(), 0);
    }

    /// A pending blob is readable before its name exists, gets it at `persist`, and leaves
    /// nothing behind when dropped.
    #[test]
    fn a_pending_blob_is_named_only_when_persisted() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::new(dir.path().join("blobs"));
        let pending = store.put_pending(&b"hello"[..]).unwrap();
        let dest = store.path_of(&pending.stored.sha256);
        assert!(!dest.exists());
        assert_eq!(fs::read(pending.path()).unwrap(), b"hello");
        let stored = pending.persist().unwrap();
        assert!(!stored.existed);
        assert_eq!(fs::read(&dest).unwrap(), b"hello");
        let again = store.put_pending(&b"hello"[..]).unwrap();
        assert!(again.stored.existed);
        assert_eq!(again.path(), dest.as_path());
        drop(store.put_pending(&b"other"[..]).unwrap());
        assert_eq!(fs::read_dir(store.root().join(INCOMING)).unwrap().count(), 0);
    }

    /// A file a killed import left in `.incoming/` two days ago is removed by the next
    /// import; one written a minute ago (another import under way) is left alone.
    #[test]
    fn the_next_import_sweeps_only_stale_incoming_files() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::new(dir.path().join("blobs"));
        let incoming = store.root().join(INCOMING);
        fs::create_dir_all(&incoming).unwrap();
        let now = std::time::SystemTime::now();
        for (name, age_s) in [(".incoming-killed", 2 * 24 * 3600), (".incoming-running", 60)] {
            let f = File::create(incoming.join(name)).unwrap();
            f.set_modified(now - std::time::Duration::from_secs(age_s)).unwrap();
        }
        store.put(&b"hello"[..]).unwrap();
        let left: Vec<_> = fs::read_dir(&incoming)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(left, [".incoming-running"]);
    }
}
