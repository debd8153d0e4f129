//! The case key and signed checkpoints of the case log.
//!
//! Every case has an Ed25519 signing key (`anjing-proof`'s [`SigningKey`]) named
//! `anjing-case-<first 16 hex of the case id>`:
//!
//! ```text
//! CASE/keys/case.key   private key text (PRIVATE+KEY+…), mode 0600 on Unix
//! CASE/keys/case.pub   verifier key text (<name>+<key hash>+<base64 key>)
//! CASE/checkpoint      the latest signed checkpoint (also in the `checkpoints` table)
//! ```
//!
//! The private key is **not yet encrypted at rest**: anyone who can read the case folder can
//! sign checkpoints for it. What a checkpoint proves is therefore "the log has not changed
//! since this checkpoint was handed out or published", not "only the victim could have made
//! it". The verifier key is stored in `meta` and recorded in the log itself (the `init`
//! entry, or a `case_key` entry for a case made before keys existed), so a package shows in
//! its own signed log which key signs it.
//!
//! # Leaves
//!
//! The Merkle leaves are the log entries, in `seq` order: **leaf `i` (0-based) has as leaf data
//! the 32 raw bytes of entry `seq = i + 1`'s `hash`** (the hex-decoded SHA-256 of its canonical
//! bytes, see [`crate::log`]), and so the leaf hash is `SHA-256(0x00 ‖ hash bytes)`. The entry
//! hash already covers the entry's content and the previous hash, so a 32-byte leaf keeps
//! proofs small and lets a verifier check one entry with nothing but that entry. Changing
//! this is a format change: every signed root would change.
//!
//! A checkpoint is the C2SP note `anjing.case/<case id>\n<size>\n<base64 root>\n` signed with
//! the case key; `size` is the number of log entries it covers. Writing a checkpoint is not
//! itself logged (the log would grow past the checkpoint). Before signing, the vault checks
//! the hash chain and that the newest earlier checkpoint still matches the log, so it never
//! signs over a log that was changed.

use std::io::Write;
use std::path::{Path, PathBuf};

use anjing_proof::{Checkpoint, Hash, SigningKey, sign_checkpoint, verify_signed_checkpoint};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use crate::{Case, VaultError, io_err, log};

/// Folder of the case key inside a case folder.
pub const KEYS_DIR: &str = "keys";
/// The private key file inside [`KEYS_DIR`].
pub const KEY_FILE: &str = "case.key";
/// The verifier key file inside [`KEYS_DIR`].
pub const PUB_FILE: &str = "case.pub";
/// The latest signed checkpoint, in the case folder.
pub const CHECKPOINT_FILE: &str = "checkpoint";
/// The `meta` key holding the verifier key text.
pub const META_VERIFIER_KEY: &str = "verifier_key";

/// The checkpoint origin of a case: `anjing.case/<case id>`.
pub fn origin(case_id: &str) -> String {
    format!("anjing.case/{case_id}")
}

/// The key name of a case: `anjing-case-<first 16 hex of the case id>`.
pub fn key_name(case_id: &str) -> String {
    let short: String = case_id.chars().filter(char::is_ascii_hexdigit).take(16).collect();
    format!("anjing-case-{short}")
}

/// The leaf data of a log entry: the 32 raw bytes of its hex `hash`, or `None` when the
/// stored hash is not 64 hex digits.
pub fn leaf_data(entry_hash_hex: &str) -> Option<[u8; 32]> {
    let bytes = hex::decode(entry_hash_hex).ok()?;
    bytes.try_into().ok()
}

/// The Merkle leaf hashes of log entries given by their hex hashes, in order. On a hash that
/// is not 64 hex digits, returns `Err(i)` with its 0-based position.
pub fn leaf_hashes<'a>(hashes: impl IntoIterator<Item = &'a str>) -> Result<Vec<Hash>, usize> {
    hashes
        .into_iter()
        .enumerate()
        .map(|(i, h)| leaf_data(h).map(|d| anjing_proof::leaf_hash(&d)).ok_or(i))
        .collect()
}

/// A stored checkpoint.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct StoredCheckpoint {
    pub size: i64,
    pub note: String,
    pub at: String,
}

fn key_err(zh: impl Into<String>, en: impl Into<String>) -> VaultError {
    VaultError::Key { message_zh: zh.into(), cause_en: en.into() }
}

/// Writes `bytes` to `path` through a temporary file in the same folder (fsync, rename).
/// The temporary file is created with mode 0600 on Unix, which the final file keeps.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), VaultError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp =
        tempfile::Builder::new().prefix(".incoming-").tempfile_in(dir).map_err(io_err(path))?;
    tmp.write_all(bytes).map_err(io_err(path))?;
    tmp.as_file().sync_all().map_err(io_err(path))?;
    tmp.persist(path).map_err(|e| VaultError::Io { path: path.to_path_buf(), source: e.error })?;
    Ok(())
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> Result<(), VaultError> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).map_err(io_err(path))
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _mode: u32) -> Result<(), VaultError> {
    Ok(())
}

fn key_path(case_dir: &Path) -> PathBuf {
    case_dir.join(KEYS_DIR).join(KEY_FILE)
}

/// Generates the case key, writes `keys/case.key` (0600) and `keys/case.pub`, and returns
/// the verifier key text. Overwrites stray key files of a case folder that has no database.
pub(crate) fn create_case_key(case_dir: &Path, case_id: &str) -> Result<String, VaultError> {
    let key = SigningKey::generate(&key_name(case_id))?;
    write_key_files(case_dir, &key)?;
    Ok(key.verifier_key())
}

fn write_key_files(case_dir: &Path, key: &SigningKey) -> Result<(), VaultError> {
    let dir = case_dir.join(KEYS_DIR);
    std::fs::create_dir_all(&dir).map_err(io_err(&dir))?;
    set_mode(&dir, 0o700)?;
    // NOT encrypted at rest yet (see the module doc); only file permissions protect it.
    let private = key_path(case_dir);
    write_atomic(&private, key.to_file_text().as_bytes())?;
    set_mode(&private, 0o600)?;
    let public = dir.join(PUB_FILE);
    write_atomic(&public, format!("{}\n", key.verifier_key()).as_bytes())?;
    set_mode(&public, 0o644)?;
    Ok(())
}

/// Checks a stored checkpoint note against the case's verifier key and the log's leaves.
/// Returns the checkpoint, or (Chinese message, English cause).
pub fn verify_checkpoint_note(
    note: &str,
    verifier_key: &str,
    expected_origin: &str,
    leaves: &[Hash],
) -> Result<Checkpoint, (String, String)> {
    let cp = verify_signed_checkpoint(note, verifier_key).map_err(|e| {
        (format!("检查点的签名无效或格式不对：{e}"), format!("signature check failed: {e}"))
    })?;
    if cp.origin != expected_origin {
        return Err((
            format!("检查点属于另一个案件（来源“{}”）", cp.origin),
            format!("origin {:?} is not {:?}", cp.origin, expected_origin),
        ));
    }
    let Some(prefix) = usize::try_from(cp.size).ok().and_then(|n| leaves.get(..n)) else {
        return Err((
            format!(
                "检查点覆盖 {} 条日志，但日志只有 {} 条（日志被删减过）",
                cp.size,
                leaves.len()
            ),
            format!("checkpoint size {} exceeds the {} log entries", cp.size, leaves.len()),
        ));
    };
    if anjing_proof::root(prefix) != cp.root {
        return Err((
            format!("前 {} 条日志的默克尔根与检查点签名时的不同（日志在签名后被改动过）", cp.size),
            format!("Merkle root of the first {} entries differs from the signed root", cp.size),
        ));
    }
    Ok(cp)
}

impl Case {
    /// The case's verifier key text, if the case has a key yet.
    pub fn verifier_key(&self) -> Result<Option<String>, VaultError> {
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [META_VERIFIER_KEY], |r| r.get(0))
            .optional()?)
    }

    /// The leaf hashes of the whole log, in order.
    pub fn log_leaves(&self) -> Result<Vec<Hash>, VaultError> {
        let hashes: Vec<(i64, String)> = self
            .conn
            .prepare("SELECT seq, hash FROM log ORDER BY seq")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        leaf_hashes(hashes.iter().map(|(_, h)| h.as_str())).map_err(|i| VaultError::LogBroken {
            seq: hashes[i].0,
            message_zh: format!("第 {} 条日志的哈希不是 64 位十六进制数", hashes[i].0),
        })
    }

    /// Every stored checkpoint, oldest first.
    pub fn checkpoints(&self) -> Result<Vec<StoredCheckpoint>, VaultError> {
        let mut st = self.conn.prepare("SELECT size, note, at FROM checkpoints ORDER BY size")?;
        let rows = st.query_map([], |r| {
            Ok(StoredCheckpoint { size: r.get(0)?, note: r.get(1)?, at: r.get(2)? })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The newest stored checkpoint.
    pub fn latest_checkpoint(&self) -> Result<Option<StoredCheckpoint>, VaultError> {
        Ok(self.checkpoints()?.pop())
    }

    /// The case signing key: loaded from `keys/case.key`, or, for a case made before keys
    /// existed, generated now and announced in the log (`case_key` entry).
    pub(crate) fn signing_key(&mut self) -> Result<SigningKey, VaultError> {
        let path = key_path(&self.root);
        let Some(registered) = self.verifier_key()? else {
            let case_id = self.info()?.case_id;
            let key = SigningKey::generate(&key_name(&case_id))?;
            write_key_files(&self.root, &key)?;
            let tx = self.conn.transaction()?;
            tx.execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2)",
                params![META_VERIFIER_KEY, key.verifier_key()],
            )?;
            log::append(&tx, "case_key", &serde_json::json!({"verifier_key": key.verifier_key()}))?;
            tx.commit()?;
            return Ok(key);
        };
        read_key_file(&path, &registered)
    }

    /// The case signing key, read without changing anything: `None` when the case has no
    /// registered key yet.
    pub(crate) fn read_signing_key(&self) -> Result<Option<SigningKey>, VaultError> {
        match self.verifier_key()? {
            Some(registered) => read_key_file(&key_path(&self.root), &registered).map(Some),
            None => Ok(None),
        }
    }
}

fn read_key_file(path: &Path, registered: &str) -> Result<SigningKey, VaultError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        key_err(
            format!("读不到案件私钥 {}，无法签署检查点", path.display()),
            format!("cannot read {}: {e}", path.display()),
        )
    })?;
    let key = SigningKey::from_file_text(&text).map_err(|e| {
        key_err(
            format!("案件私钥文件 {} 格式不对：{e}", path.display()),
            "malformed private key file",
        )
    })?;
    if key.verifier_key() != registered {
        return Err(key_err(
            format!("私钥文件 {} 与案件登记的公钥不一致（被替换过？）", path.display()),
            "private key does not match the registered verifier key",
        ));
    }
    Ok(key)
}

impl Case {
    /// Signs a checkpoint over the whole log, stores it, writes `CASE/checkpoint` and returns
    /// the signed note. A log that has not grown since the last checkpoint gets that one back.
    /// When the records changed since the last `records_root` entry, one is appended first
    /// (see [`crate::records_tree`]), so every checkpoint commits to the current records.
    ///
    /// Refuses ([`VaultError::LogBroken`]) to sign a log whose hash chain is broken or that no
    /// longer matches the newest earlier checkpoint.
    pub fn checkpoint(&mut self) -> Result<String, VaultError> {
        let key = self.signing_key()?;
        let (_, chain_faults) = log::verify_chain(&self.conn)?;
        if let Some(f) = chain_faults.into_iter().next() {
            return Err(VaultError::LogBroken { seq: f.seq, message_zh: f.message_zh });
        }
        let mut leaves = self.log_leaves()?;
        let origin = origin(&self.info()?.case_id);
        let latest = self.latest_checkpoint()?;
        if let Some(prev) = &latest {
            verify_checkpoint_note(&prev.note, &key.verifier_key(), &origin, &leaves).map_err(
                |(zh, _)| VaultError::LogBroken {
                    seq: prev.size,
                    message_zh: format!("第 {} 条日志处的检查点：{zh}", prev.size),
                },
            )?;
        }
        // Commit to the records tree first, so that the signed log covers it (disclosures).
        if crate::records_tree::commit_root(&mut self.conn, &key)? {
            leaves = self.log_leaves()?;
        }
        let size = leaves.len() as i64;
        let note = match latest.filter(|c| c.size == size) {
            Some(same) => same.note,
            None => {
                let cp = Checkpoint::new(origin, size as u64, anjing_proof::root(&leaves));
                let note = sign_checkpoint(&cp, &key)?;
                let at = anjing_model::time::rfc3339_utc(jiff::Timestamp::now());
                self.conn.execute(
                    "INSERT INTO checkpoints (size, note, at) VALUES (?1, ?2, ?3)",
                    params![size, note, at],
                )?;
                note
            }
        };
        write_atomic(&self.root.join(CHECKPOINT_FILE), note.as_bytes())?;
        Ok(note)
    }

    /// The inclusion proof of log entry `seq` (1-based) in the tree of the first `size` entries.
    pub fn log_inclusion_proof(&self, seq: i64, size: u64) -> Result<Vec<Hash>, VaultError> {
        let leaves = self.log_leaves()?;
        let n = usize::try_from(size).unwrap_or(usize::MAX).min(leaves.len());
        Ok(anjing_proof::inclusion_proof(&leaves[..n], (seq - 1).max(0) as u64)?)
    }
}

/// The verifier key the log announces: the `init` entry's, or the latest `case_key` entry's.
pub fn announced_key(entries: &[log::LogEntry]) -> Option<String> {
    entries
        .iter()
        .filter(|e| e.action == "init" || e.action == "case_key")
        .filter_map(|e| e.detail.get("verifier_key").and_then(|k| k.as_str()))
        .next_back()
        .map(str::to_string)
}

/// The checkpoint part of `anjing check`: every stored checkpoint (signature with the case
/// key, origin, root of the first `size` entries), the `checkpoint` file, and the key files.
pub(crate) fn check(case: &Case, faults: &mut Vec<crate::CheckFault>) -> Result<(), VaultError> {
    let mut fault = |item: String, zh: String, en: String| {
        faults.push(crate::CheckFault {
            area: "checkpoint".into(),
            item,
            message_zh: zh,
            cause_en: en,
        })
    };
    let stored = case.checkpoints()?;
    let registered = case.verifier_key()?;
    let Some(vkey) = registered else {
        if !stored.is_empty() {
            fault(
                "key".into(),
                "有检查点，但案件没有登记签名公钥".into(),
                "checkpoints without a registered verifier key".into(),
            );
        }
        return Ok(());
    };
    if let Some(announced) = announced_key(&case.log()?)
        && announced != vkey
    {
        fault(
            "key".into(),
            "数据库登记的签名公钥与案件日志中记录的公钥不一致".into(),
            "meta verifier key differs from the key recorded in the log".into(),
        );
    }
    let pub_file = case.root.join(KEYS_DIR).join(PUB_FILE);
    if let Ok(text) = std::fs::read_to_string(&pub_file)
        && text.trim() != vkey
    {
        fault(
            "key".into(),
            format!("公钥文件 {} 与案件登记的公钥不一致", pub_file.display()),
            "keys/case.pub differs from the registered verifier key".into(),
        );
    }
    let leaves = match case.log_leaves() {
        Ok(l) => l,
        // The chain check names the entry; without leaves no root can be compared.
        Err(VaultError::LogBroken { seq, message_zh }) => {
            fault(seq.to_string(), message_zh, "log hash is not 64 hex digits".into());
            return Ok(());
        }
        Err(e) => return Err(e),
    };
    let origin = origin(&case.info()?.case_id);
    for c in &stored {
        match verify_checkpoint_note(&c.note, &vkey, &origin, &leaves) {
            Ok(cp) if cp.size as i64 != c.size => fault(
                c.size.to_string(),
                format!("检查点（{} 条日志）签名内容中的条数是 {}，与登记的不符", c.size, cp.size),
                "stored size differs from the signed size".into(),
            ),
            Ok(_) => {}
            Err((zh, en)) => {
                fault(c.size.to_string(), format!("检查点（覆盖 {} 条日志）：{zh}", c.size), en)
            }
        }
    }
    let file = case.root.join(CHECKPOINT_FILE);
    if let Ok(note) = std::fs::read_to_string(&file)
        && let Err((zh, en)) = verify_checkpoint_note(&note, &vkey, &origin, &leaves)
    {
        fault("file".into(), format!("检查点文件 {}：{zh}", file.display()), en);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case_with_log() -> (tempfile::TempDir, Case) {
        let dir = tempfile::tempdir().unwrap();
        let mut case = Case::init(&dir.path().join("c"), "测试").unwrap();
        case.log_event("report", &serde_json::json!({"n": 1})).unwrap();
        case.log_event("report", &serde_json::json!({"n": 2})).unwrap();
        (dir, case)
    }

    #[test]
    fn key_files_and_meta_at_init() {
        let (_d, case) = case_with_log();
        let vkey = case.verifier_key().unwrap().unwrap();
        let info = case.info().unwrap();
        assert!(vkey.starts_with(&format!("anjing-case-{}+", &info.case_id[..16])), "{vkey}");
        let pub_text = std::fs::read_to_string(case.root().join("keys/case.pub")).unwrap();
        assert_eq!(pub_text.trim(), vkey);
        let private = case.root().join("keys/case.key");
        let key = SigningKey::from_file_text(&std::fs::read_to_string(&private).unwrap()).unwrap();
        assert_eq!(key.verifier_key(), vkey);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&private).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // The log announces the key.
        assert_eq!(announced_key(&case.log().unwrap()).as_deref(), Some(vkey.as_str()));
    }

    #[test]
    fn checkpoint_signs_the_root_of_the_entry_hashes() {
        let (_d, mut case) = case_with_log();
        let note = case.checkpoint().unwrap();
        let entries = case.log().unwrap();
        assert_eq!(entries.len(), 3);
        // Independent computation of the root: leaf data = raw entry hash bytes.
        let leaves: Vec<Hash> = entries
            .iter()
            .map(|e| anjing_proof::leaf_hash(&hex::decode(&e.hash).unwrap()))
            .collect();
        let vkey = case.verifier_key().unwrap().unwrap();
        let cp = verify_signed_checkpoint(&note, &vkey).unwrap();
        assert_eq!(cp.size, 3);
        assert_eq!(cp.root, anjing_proof::root(&leaves));
        assert_eq!(cp.origin, format!("anjing.case/{}", case.info().unwrap().case_id));
        assert_eq!(std::fs::read_to_string(case.root().join(CHECKPOINT_FILE)).unwrap(), note);
        // Same log, same checkpoint; a grown log gets a new one, consistent with the old.
        assert_eq!(case.checkpoint().unwrap(), note);
        case.log_event("report", &serde_json::json!({"n": 3})).unwrap();
        let note2 = case.checkpoint().unwrap();
        let cp2 = verify_signed_checkpoint(&note2, &vkey).unwrap();
        assert_eq!(cp2.size, 4);
        let leaves = case.log_leaves().unwrap();
        let proof = anjing_proof::consistency_proof(&leaves, 3, 4).unwrap();
        anjing_proof::verify_consistency(3, 4, &cp.root, &cp2.root, &proof).unwrap();
        // Inclusion of entry 2 in the second checkpoint.
        let proof = case.log_inclusion_proof(2, 4).unwrap();
        anjing_proof::verify_inclusion(&leaves[1], 1, 4, &proof, &cp2.root).unwrap();
        assert_eq!(case.checkpoints().unwrap().len(), 2);
        assert!(case.check().unwrap().ok());
    }

    #[test]
    fn check_names_a_tampered_checkpoint() {
        let (_d, mut case) = case_with_log();
        case.checkpoint().unwrap();
        // Someone re-signs a different root with another key behind the program's back.
        let other = SigningKey::generate("anjing-case-0000").unwrap();
        let forged = sign_checkpoint(
            &Checkpoint::new(origin(&case.info().unwrap().case_id), 3, [7u8; 32]),
            &other,
        )
        .unwrap();
        case.conn.execute_batch("DROP TRIGGER checkpoints_append_only_update;").unwrap();
        case.conn.execute("UPDATE checkpoints SET note = ?1 WHERE size = 3", [&forged]).unwrap();
        let report = case.check().unwrap();
        let f: Vec<_> = report.faults.iter().filter(|f| f.area == "checkpoint").collect();
        assert_eq!(f.len(), 1, "{:?}", report.faults);
        assert_eq!(f[0].item, "3");
        assert!(f[0].message_zh.contains("签名无效"), "{}", f[0].message_zh);
        // And no new checkpoint is signed over it.
        assert!(matches!(case.checkpoint(), Err(VaultError::LogBroken { .. })));
    }

    #[test]
    fn check_finds_a_log_rewritten_after_a_checkpoint() {
        let (_d, mut case) = case_with_log();
        case.checkpoint().unwrap();
        // Rewrite entry 3 and recompute its hash: the chain still verifies, the root does not.
        let e = &case.log().unwrap()[2];
        let detail = r#"{"n":99}"#;
        let hash = log::entry_hash(3, &e.at, &e.action, &e.prev_hash, detail);
        case.conn.execute_batch("DROP TRIGGER log_append_only_update;").unwrap();
        case.conn
            .execute("UPDATE log SET detail = ?1, hash = ?2 WHERE seq = 3", params![detail, hash])
            .unwrap();
        let report = case.check().unwrap();
        assert!(report.faults.iter().all(|f| f.area != "log"), "{:?}", report.faults);
        let f: Vec<_> = report.faults.iter().filter(|f| f.area == "checkpoint").collect();
        assert_eq!(f.len(), 2, "stored checkpoint and the file: {:?}", report.faults);
        assert!(f.iter().any(|f| f.item == "3" && f.message_zh.contains("默克尔根")));
        assert!(matches!(case.checkpoint(), Err(VaultError::LogBroken { seq: 3, .. })));
    }

    #[test]
    fn check_names_a_tampered_checkpoint_file() {
        let (_d, mut case) = case_with_log();
        let note = case.checkpoint().unwrap();
        let tampered = note.replacen("\n3\n", "\n2\n", 1);
        std::fs::write(case.root().join(CHECKPOINT_FILE), tampered).unwrap();
        let report = case.check().unwrap();
        assert_eq!(report.faults.len(), 1, "{:?}", report.faults);
        assert_eq!(
            (report.faults[0].area.as_str(), report.faults[0].item.as_str()),
            ("checkpoint", "file")
        );
    }

    #[test]
    fn a_case_without_a_key_gets_one_on_first_checkpoint() {
        let (_d, mut case) = case_with_log();
        // Simulate a case from before keys: no meta row, no key files, no key in the log
        // (a fresh log without the init key: rebuild the log table content).
        case.conn.execute("DELETE FROM meta WHERE key = ?1", [META_VERIFIER_KEY]).unwrap();
        std::fs::remove_dir_all(case.root().join(KEYS_DIR)).unwrap();
        let note = case.checkpoint().unwrap();
        let vkey = case.verifier_key().unwrap().unwrap();
        assert!(verify_signed_checkpoint(&note, &vkey).is_ok());
        let entries = case.log().unwrap();
        assert_eq!(entries.last().unwrap().action, "case_key");
        assert_eq!(announced_key(&entries).as_deref(), Some(vkey.as_str()));
        assert!(case.root().join("keys/case.key").is_file());
        assert!(case.check().unwrap().ok(), "{:?}", case.check().unwrap().faults);
    }

    #[test]
    fn leaf_data_is_the_raw_entry_hash() {
        let h = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
        assert_eq!(leaf_data(h).unwrap().to_vec(), hex::decode(h).unwrap());
        assert!(leaf_data("zz").is_none());
        assert_eq!(leaf_hashes(["00".repeat(32).as_str(), "x"]), Err(1));
        assert_eq!(key_name("0123456789abcdef0123"), "anjing-case-0123456789abcdef");
    }
}
