//! The tampering suite: from one exported demo package (with an RFC 3161 token when `openssl`
//! is installed), every kind of change is detected by `anjing verify` (exit 5) and the changed
//! item is named. Two kinds of forger: a careless one (changes a file, leaves SHA256SUMS) and a
//! careful one (rewrites SHA256SUMS to match); the second must still be caught wherever the
//! signed log anchors the file.

mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::*;

struct Fixture {
    _dir: tempfile::TempDir,
    /// The package under attack.
    zip: PathBuf,
    /// An earlier export of the same case (for replay).
    old_zip: PathBuf,
    has_token: bool,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let case = dir.path().join("case");
        assert_status(&bin().arg("demo").arg(&case).output().unwrap(), 0);
        let old_zip = dir.path().join("old.zip");
        assert_status(&run(&case, &["export", "-o", old_zip.to_str().unwrap()]), 0);
        let has_token = have_openssl();
        if has_token {
            let tsa = Tsa::new(&dir.path().join("tsa"), "rsa");
            timestamp_case(&case, &tsa, dir.path());
        }
        let zip = dir.path().join("p.zip");
        assert_status(&run(&case, &["export", "-o", zip.to_str().unwrap()]), 0);
        assert_status(&verify(&zip), 0);
        assert_status(&verify(&old_zip), 0);
        Fixture { _dir: dir, zip, old_zip, has_token }
    })
}

fn files() -> Vec<(String, Vec<u8>)> {
    read_zip(&fixture().zip)
}

fn bytes_of<'a>(files: &'a mut [(String, Vec<u8>)], name: &str) -> &'a mut Vec<u8> {
    &mut files.iter_mut().find(|(n, _)| n == name).unwrap_or_else(|| panic!("no {name}")).1
}

fn first(prefix: &str) -> String {
    files().into_iter().map(|(n, _)| n).find(|n| n.starts_with(prefix)).unwrap()
}

/// Writes `files`, verifies, and requires exit 5 and a failure line naming one of `names`.
#[track_caller]
fn assert_caught(what: &str, files: &[(String, Vec<u8>)], names: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("t.zip");
    write_zip(&zip, files);
    assert_caught_zip(what, &zip, names)
}

#[track_caller]
fn assert_caught_zip(what: &str, zip: &Path, names: &[&str]) -> String {
    let o = verify(zip);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(5), "{what}: not detected\n{out}");
    let failures: Vec<&str> = out.lines().filter(|l| l.trim_start().starts_with('✗')).collect();
    assert!(
        names.iter().any(|n| failures.iter().any(|l| l.contains(n))),
        "{what}: no failure names {names:?}\n{out}"
    );
    assert!(out.contains("结论：✗"), "{what}\n{out}");
    out
}

fn flip_middle(b: &mut [u8]) {
    let i = b.len() / 2;
    b[i] ^= 0x01;
}

/// Every kind of file in the package.
fn kinds() -> Vec<String> {
    let mut k = vec![
        first("originals/"),
        "records.csv".into(),
        "findings.json".into(),
        "log.jsonl".into(),
        "checkpoint".into(),
        "case.pub".into(),
        first("proofs/"),
        "manifest.json".into(),
        "SHA256SUMS".into(),
        "验证说明.html".into(),
    ];
    if fixture().has_token {
        k.push("timestamps/1.tsr".into());
        k.push("timestamps/1.checkpoint".into());
    }
    k
}

#[test]
fn one_flipped_byte_in_any_file_is_named() {
    for name in kinds() {
        let mut f = files();
        let b = bytes_of(&mut f, &name);
        if name == "SHA256SUMS" {
            // A hex digit of the first hash: still a well-formed line.
            b[0] = if b[0] == b'0' { b'1' } else { b'0' };
        } else {
            flip_middle(b);
        }
        assert_caught(&format!("flip in {name}"), &f, &[&name]);
    }
}

#[test]
fn a_flipped_byte_is_caught_even_when_sha256sums_is_rewritten() {
    // The files the signed log anchors: a forger who also fixes SHA256SUMS is still caught.
    let mut anchored = vec![
        (first("originals/"), vec![first("originals/")]),
        ("records.csv".to_string(), vec!["records.csv".to_string()]),
        ("findings.json".to_string(), vec!["findings.json".to_string()]),
        ("log.jsonl".to_string(), vec!["日志第".to_string(), "log.jsonl".to_string()]),
        ("checkpoint".to_string(), vec!["checkpoint".to_string()]),
        ("case.pub".to_string(), vec!["case.pub".to_string(), "checkpoint".to_string()]),
        (first("proofs/"), vec![first("originals/"), first("proofs/")]),
    ];
    if fixture().has_token {
        anchored.push(("timestamps/1.tsr".into(), vec!["timestamps/1.tsr".into()]));
        anchored.push(("timestamps/1.checkpoint".into(), vec!["timestamps/1.".into()]));
    }
    for (name, expect) in anchored {
        let mut f = files();
        flip_middle(bytes_of(&mut f, &name));
        fix_sums(&mut f);
        let expect: Vec<&str> = expect.iter().map(String::as_str).collect();
        assert_caught(&format!("flip in {name}, sums fixed"), &f, &expect);
    }
}

#[test]
fn a_flipped_byte_in_the_zip_itself_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let mut raw = std::fs::read(&fixture().zip).unwrap();
    // Inside the first original's compressed data (the first local entry).
    raw[200] ^= 0x01;
    let zip = dir.path().join("t.zip");
    std::fs::write(&zip, &raw).unwrap();
    assert_caught_zip("flip in the ZIP", &zip, &[&first("originals/")]);
}

#[test]
fn a_deleted_file_is_named() {
    for name in kinds().into_iter().filter(|n| n != "SHA256SUMS") {
        let mut f = files();
        f.retain(|(n, _)| *n != name);
        assert_caught(&format!("{name} deleted"), &f, &[&name]);
    }
    // Deleted with SHA256SUMS rewritten: an original, a proof, a timestamp token.
    let mut gone =
        vec![(first("originals/"), first("originals/")), (first("proofs/"), first("originals/"))];
    if fixture().has_token {
        gone.push(("timestamps/1.tsr".into(), "日志第".into()));
    }
    for (name, expect) in gone {
        let mut f = files();
        f.retain(|(n, _)| *n != name);
        if name.starts_with("originals/") {
            // Also drop it from nothing else: the manifest still lists it.
        }
        fix_sums(&mut f);
        assert_caught(&format!("{name} deleted, sums fixed"), &f, &[&expect]);
    }
}

#[test]
fn an_added_file_is_named() {
    let mut f = files();
    f.push(("originals/extra-证据.txt".into(), "后加的".as_bytes().to_vec()));
    assert_caught("added original", &f, &["originals/extra-证据.txt"]);
    let mut f = files();
    f.push(("notes.txt".into(), b"x".to_vec()));
    assert_caught("added file", &f, &["notes.txt"]);
    // Added and listed in SHA256SUMS: an "original" whose hash is not its name, a stray proof.
    let mut f = files();
    f.push(("originals/extra.txt".into(), b"x".to_vec()));
    f.push((format!("proofs/{}.json", "0".repeat(64)), b"{}".to_vec()));
    fix_sums(&mut f);
    assert_caught("added original, sums fixed", &f, &["originals/extra.txt"]);
}

#[test]
fn reordered_log_lines_are_named() {
    let mut f = files();
    let log = bytes_of(&mut f, "log.jsonl");
    let text = String::from_utf8(log.clone()).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines.swap(2, 3);
    *log = (lines.join("\n") + "\n").into_bytes();
    assert_caught("reordered log", &f, &["log.jsonl"]);
    fix_sums(&mut f);
    assert_caught("reordered log, sums fixed", &f, &["日志第 3 条", "日志第 4 条"]);
}

#[test]
fn a_truncated_log_is_named() {
    for (what, cut) in [("last line dropped", 1usize), ("half the log dropped", 0)] {
        let mut f = files();
        let log = bytes_of(&mut f, "log.jsonl");
        let text = String::from_utf8(log.clone()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let keep = if cut == 1 { lines.len() - 1 } else { lines.len() / 2 };
        *log = (lines[..keep].join("\n") + "\n").into_bytes();
        fix_sums(&mut f);
        assert_caught(what, &f, &["log.jsonl"]);
    }
    // Cut in the middle of a line.
    let mut f = files();
    let log = bytes_of(&mut f, "log.jsonl");
    log.truncate(log.len() - 20);
    fix_sums(&mut f);
    assert_caught("log cut mid-line", &f, &["日志第", "log.jsonl"]);
}

#[test]
fn a_swapped_key_is_named() {
    // The forger signs the same checkpoint with a key of their own and ships its public key.
    let mut f = files();
    let note = String::from_utf8(bytes_of(&mut f, "checkpoint").clone()).unwrap();
    let body = note.split("\n\n").next().unwrap().to_string() + "\n";
    let cp = anjing_proof::Checkpoint::parse(&body).unwrap();
    let name = String::from_utf8(bytes_of(&mut f, "case.pub").clone()).unwrap();
    let name = name.split('+').next().unwrap().to_string();
    let key = anjing_proof::SigningKey::generate(&name).unwrap();
    *bytes_of(&mut f, "checkpoint") =
        anjing_proof::sign_checkpoint(&cp, &key).unwrap().into_bytes();
    *bytes_of(&mut f, "case.pub") = format!("{}\n", key.verifier_key()).into_bytes();
    fix_sums(&mut f);
    let out = assert_caught("swapped key", &f, &["case.pub"]);
    assert!(out.contains("公钥被替换过"), "{out}");
    // Pinning the key a verifier was given beforehand also refuses the original signer's
    // package when the key differs.
    let o = bin()
        .arg("verify")
        .arg(&fixture().zip)
        .arg("--key")
        .arg(key.verifier_key())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(5));
}

#[test]
fn a_replayed_older_checkpoint_is_named() {
    let old = read_zip(&fixture().old_zip);
    let old_cp = old.iter().find(|(n, _)| n == "checkpoint").unwrap().1.clone();
    let mut f = files();
    assert_ne!(*bytes_of(&mut f, "checkpoint"), old_cp);
    *bytes_of(&mut f, "checkpoint") = old_cp.clone();
    assert_caught("old checkpoint", &f, &["checkpoint"]);
    fix_sums(&mut f);
    let out = assert_caught("old checkpoint, sums fixed", &f, &["checkpoint"]);
    assert!(out.contains("换成了旧的") || out.contains("manifest.json"), "{out}");

    // The older checkpoint with the log cut to match it: the log no longer holds what the
    // rest of the package (manifest, timestamps) refers to.
    let old_log = old.iter().find(|(n, _)| n == "log.jsonl").unwrap().1.clone();
    *bytes_of(&mut f, "log.jsonl") = old_log;
    fix_sums(&mut f);
    assert_caught("old checkpoint and old log", &f, &["checkpoint", "timestamps/1.tsr"]);
}
