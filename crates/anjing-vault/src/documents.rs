//! Documents drafted from the case (`anjing docs make`): each generated file is stored in
//! the blob store under its SHA-256 and listed in one `docs` log entry, so an evidence
//! package can carry exactly the papers Anjing wrote (`documents/` in [`crate::package`])
//! and a verifier can tie each of them to the signed log.
//!
//! A document is derived data: making it again (after new facts or a new analysis) logs a
//! new `docs` entry, and the latest entry for a file name is the one a package carries.
//! Files the user edits afterwards in Word/WPS are theirs; the package holds the drafts as
//! generated.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::{Case, VaultError, io_err, log};

/// The log action that lists generated documents.
pub const DOCS_ACTION: &str = "docs";

/// One generated file to be stored.
pub struct DocumentFile<'a> {
    /// Document type id (`evidence_list`, `notice_letter`…).
    pub doc_type: &'a str,
    /// The file name it was written under (`证据目录.docx`).
    pub file_name: &'a str,
    pub bytes: &'a [u8],
}

/// A generated file the case holds, as listed by its latest `docs` log entry.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct StoredDocument {
    pub file_name: String,
    pub doc_type: String,
    pub sha256: String,
    pub size: u64,
    /// The `docs` log entry that lists it.
    pub log_seq: i64,
    /// Made with third parties masked (`--redact`).
    pub redacted: bool,
}

impl Case {
    /// Stores each file byte-exact in the blob store, then appends one `docs` log entry
    /// listing type, file name, SHA-256 and size. The blobs are written (and fsynced) before
    /// the entry, so a logged document always has its bytes.
    pub fn record_documents(
        &mut self,
        files: &[DocumentFile<'_>],
        redact: bool,
    ) -> Result<crate::query::LogEntryRef, VaultError> {
        let mut listed = Vec::with_capacity(files.len());
        for f in files {
            let path = self.root.join(f.file_name);
            let stored = self.blobs.put(f.bytes).map_err(io_err(&path))?;
            listed.push(serde_json::json!({
                "type": f.doc_type,
                "file": f.file_name,
                "sha256": stored.sha256,
                "size": stored.size,
            }));
        }
        let tx = self.conn.transaction()?;
        let e =
            log::append(&tx, DOCS_ACTION, &serde_json::json!({"redact": redact, "files": listed}))?;
        tx.commit()?;
        Ok(crate::query::LogEntryRef { seq: e.seq, hash: e.hash })
    }

    /// The generated documents the case holds: for each file name the latest logged version.
    /// Documents logged by versions that did not store their bytes are left out.
    pub fn documents(&self) -> Result<Vec<StoredDocument>, VaultError> {
        Ok(latest_documents(&self.log()?))
    }

    /// Opens a stored document's bytes.
    pub fn open_document(&self, doc: &StoredDocument) -> std::io::Result<std::fs::File> {
        self.blobs.open(&doc.sha256)
    }
}

/// Every stored document listed by the `docs` entries of `entries`, in log order (all
/// versions). Listings without a size come from versions that did not store the bytes and
/// are skipped, as are malformed ones: the log chain, not this reader, vouches for entries.
pub fn logged_documents(entries: &[crate::LogEntry]) -> Vec<StoredDocument> {
    let mut out = Vec::new();
    for e in entries.iter().filter(|e| e.action == DOCS_ACTION) {
        let redacted = e.detail["redact"].as_bool().unwrap_or(false);
        for f in e.detail["files"].as_array().into_iter().flatten() {
            let (Some(name), Some(sha), Some(size)) =
                (f["file"].as_str(), f["sha256"].as_str(), f["size"].as_u64())
            else {
                continue;
            };
            let hex64 = sha.len() == 64 && sha.bytes().all(|b| b.is_ascii_hexdigit());
            if !hex64 || name.is_empty() {
                continue;
            }
            out.push(StoredDocument {
                file_name: name.to_string(),
                doc_type: f["type"].as_str().unwrap_or_default().to_string(),
                sha256: sha.to_ascii_lowercase(),
                size,
                log_seq: e.seq,
                redacted,
            });
        }
    }
    out
}

/// For each file name, the latest of [`logged_documents`], by file name.
pub fn latest_documents(entries: &[crate::LogEntry]) -> Vec<StoredDocument> {
    let mut by_name: BTreeMap<String, StoredDocument> = BTreeMap::new();
    for d in logged_documents(entries) {
        by_name.insert(d.file_name.clone(), d);
    }
    by_name.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_latest_version_of_each_file_is_kept_and_bytes_are_stored() {
        let dir = tempfile::tempdir().unwrap();
        let mut case = Case::init(dir.path(), "t").unwrap();
        case.record_documents(
            &[
                DocumentFile {
                    doc_type: "evidence_list",
                    file_name: "证据目录.docx",
                    bytes: b"v1",
                },
                DocumentFile {
                    doc_type: "notice_letter", file_name: "告知函.docx", bytes: b"n"
                },
            ],
            false,
        )
        .unwrap();
        let second = case
            .record_documents(
                &[DocumentFile {
                    doc_type: "evidence_list",
                    file_name: "证据目录.docx",
                    bytes: b"v2",
                }],
                true,
            )
            .unwrap();
        let docs = case.documents().unwrap();
        assert_eq!(docs.len(), 2);
        let list = docs.iter().find(|d| d.file_name == "证据目录.docx").unwrap();
        assert_eq!(list.log_seq, second.seq);
        assert!(list.redacted);
        assert_eq!(list.size, 2);
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut case.open_document(list).unwrap(), &mut bytes).unwrap();
        assert_eq!(bytes, b"v2");
        // The case still checks: documents are blobs, not artifacts.
        assert!(case.check().unwrap().ok());
    }
}
