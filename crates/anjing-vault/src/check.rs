//! `anjing check`: is the case still what was recorded?
//!
//! Re-hashes every stored original, walks the log's hash chain, and checks that
//! every artifact in the database was recorded by an `import` log entry with
//! the same hash (a row slipped in behind the log's back is named too), and checks every
//! signed checkpoint against the case key and the log (see [`crate::proofs`]).

use std::collections::HashSet;

use serde::Serialize;

use crate::{Case, VaultError, log};

/// One thing that is wrong.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CheckFault {
    /// `blob`, `document`, `log`, `checkpoint`, `records` or `database`.
    pub area: String,
    /// The blob hash, log sequence number, or checkpoint size (`key`/`file` for the key
    /// files and the `checkpoint` file) concerned.
    pub item: String,
    pub message_zh: String,
    pub cause_en: String,
}

/// The result of a check.
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    pub blobs_checked: usize,
    /// Stored drafts of generated documents re-hashed.
    pub documents_checked: usize,
    pub log_entries: usize,
    /// Signed checkpoints verified.
    pub checkpoints: usize,
    /// Records whose fields were re-hashed against the signed records tree (`None` when the
    /// case's private key is not there: the records tree's salts come from it).
    pub records_checked: Option<usize>,
    pub faults: Vec<CheckFault>,
}

impl CheckReport {
    pub fn ok(&self) -> bool {
        self.faults.is_empty()
    }
}

pub(crate) fn run(case: &Case) -> Result<CheckReport, VaultError> {
    let mut faults = Vec::new();

    let integrity: String = case.conn.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
    if integrity != "ok" {
        faults.push(CheckFault {
            area: "database".into(),
            item: "anjing.db".into(),
            message_zh: "案件数据库文件已损坏".into(),
            cause_en: format!("PRAGMA quick_check: {integrity}"),
        });
    }

    // Blobs.
    let mut stmt =
        case.conn.prepare("SELECT sha256, size, file_name FROM artifacts ORDER BY rowid")?;
    let artifacts: Vec<(String, i64, String)> =
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<Result<_, _>>()?;
    for (sha, size, name) in &artifacts {
        let valid_name = sha.len() == 64 && sha.bytes().all(|b| b.is_ascii_hexdigit());
        if !valid_name {
            faults.push(CheckFault {
                area: "database".into(),
                item: sha.clone(),
                message_zh: format!("原始文件“{name}”登记的哈希值格式不对"),
                cause_en: "artifact hash is not 64 hex digits".into(),
            });
            continue;
        }
        match case.blobs.rehash(sha) {
            Ok((actual, actual_size)) => {
                if &actual != sha {
                    faults.push(CheckFault {
                        area: "blob".into(),
                        item: sha.clone(),
                        message_zh: format!(
                            "原始文件“{name}”（{sha}）的内容被改动过：现在的 SHA-256 是 {actual}"
                        ),
                        cause_en: format!("blob content hashes to {actual}"),
                    });
                } else if actual_size as i64 != *size {
                    faults.push(CheckFault {
                        area: "blob".into(),
                        item: sha.clone(),
                        message_zh: format!("原始文件“{name}”的大小与登记的不同"),
                        cause_en: format!("size {actual_size} != recorded {size}"),
                    });
                }
            }
            Err(e) => faults.push(CheckFault {
                area: "blob".into(),
                item: sha.clone(),
                message_zh: format!("原始文件“{name}”（{sha}）不见了或无法读取"),
                cause_en: e.to_string(),
            }),
        }
    }

    // Generated documents: every stored draft any `docs` entry lists must still be in the
    // blob store, byte-exact.
    let entries = log::entries(&case.conn)?;
    let mut doc_blobs = std::collections::BTreeMap::new();
    for d in crate::documents::logged_documents(&entries) {
        doc_blobs.insert(d.sha256.clone(), d);
    }
    for (sha, d) in &doc_blobs {
        let (name, seq) = (&d.file_name, d.log_seq);
        match case.blobs.rehash(sha) {
            Ok((actual, _)) if &actual == sha => {}
            Ok((actual, _)) => faults.push(CheckFault {
                area: "document".into(),
                item: sha.clone(),
                message_zh: format!(
                    "日志第 {seq} 条登记的文书“{name}”（{sha}）的内容被改动过：现在的 SHA-256 是 {actual}"
                ),
                cause_en: format!("document blob content hashes to {actual}"),
            }),
            Err(e) => faults.push(CheckFault {
                area: "document".into(),
                item: sha.clone(),
                message_zh: format!("日志第 {seq} 条登记的文书“{name}”（{sha}）不见了或无法读取"),
                cause_en: e.to_string(),
            }),
        }
    }

    // Log chain.
    let (log_entries, chain_faults) = log::verify_chain(&case.conn)?;
    for f in chain_faults {
        faults.push(CheckFault {
            area: "log".into(),
            item: f.seq.to_string(),
            message_zh: f.message_zh,
            cause_en: f.cause_en,
        });
    }
    if log_entries == 0 {
        faults.push(CheckFault {
            area: "log".into(),
            item: "0".into(),
            message_zh: "案件日志是空的（至少应有建立案件的记录）".into(),
            cause_en: "empty log".into(),
        });
    }

    // Every artifact must have been logged by an import entry.
    let logged: HashSet<String> = entries
        .into_iter()
        .filter(|e| e.action == "import")
        .filter_map(|e| e.detail.get("artifact").and_then(|a| a.as_str()).map(str::to_string))
        .collect();
    for (sha, _, name) in &artifacts {
        if !logged.contains(sha) {
            faults.push(CheckFault {
                area: "database".into(),
                item: sha.clone(),
                message_zh: format!("原始文件“{name}”在数据库中，但日志里没有它的导入记录"),
                cause_en: "artifact row without an import log entry".into(),
            });
        }
    }

    // Signed checkpoints: signature with the case key, and the root of the first `size` entries.
    crate::proofs::check(case, &mut faults)?;

    // Records: every field re-hashed against the newest signed records root.
    let records_checked = match case.read_signing_key() {
        Ok(Some(key)) => {
            let salt_key = crate::records_tree::salt_key(&key);
            for f in crate::records_tree::check_records(&case.conn, &salt_key)? {
                faults.push(records_fault(f));
            }
            let n: i64 = case.conn.query_row("SELECT count(*) FROM records", [], |r| r.get(0))?;
            Some(n as usize)
        }
        // No key: no records root was ever signed. A missing or replaced key file is named by
        // the checkpoint check above when it matters.
        Ok(None) | Err(_) => None,
    };

    let checkpoints = case.checkpoints()?.len();
    Ok(CheckReport {
        blobs_checked: artifacts.len(),
        documents_checked: doc_blobs.len(),
        log_entries,
        checkpoints,
        records_checked,
        faults,
    })
}

fn records_fault(f: crate::records_tree::RecordsFault) -> CheckFault {
    use crate::records_tree::RecordsFault;
    match f {
        RecordsFault::RootMismatch { seq, committed, actual } => CheckFault {
            area: "records".into(),
            item: seq.to_string(),
            message_zh: format!(
                "记录或其来源被改动过：现在的记录与日志第 {seq} 条签名时记下的指纹不一致"
            ),
            cause_en: format!("records tree root {actual} != committed {committed}"),
        },
        RecordsFault::Missing { seq, committed, actual } => CheckFault {
            area: "records".into(),
            item: seq.to_string(),
            message_zh: format!(
                "记录少了：日志第 {seq} 条承诺了 {} 条记录、{} 个来源，现在只有 {} 条记录、{} 个来源",
                committed.0, committed.1, actual.0, actual.1
            ),
            cause_en: format!("records/sources {actual:?} < committed {committed:?}"),
        },
        RecordsFault::StaleCache { ids } => CheckFault {
            area: "database".into(),
            item: "record_leaves".into(),
            message_zh: format!(
                "记录指纹缓存与记录内容不一致（记录 {}），下一次签名会用错的指纹：请勿签名，检查数据库是否被改动",
                ids.iter().map(i64::to_string).collect::<Vec<_>>().join("、")
            ),
            cause_en: "cached record leaves differ from the records".into(),
        },
    }
}
