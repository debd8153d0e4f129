//! Helpers shared by the end-to-end tests (CLI, imports, export, timestamps, tampering,
//! detection tools).
#![allow(dead_code)]

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_anjing"))
}

/// A fixture under `tests/data/` (the README there says which real case each stands for).
pub fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name)
}

/// A fixture under `tests/data/more/` (spreadsheets, media, notes, ZIPs, later WALs).
pub fn data_more(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/more").join(name)
}

pub fn run(dir: &Path, args: &[&str]) -> Output {
    bin().arg("-C").arg(dir).args(args).output().expect("run anjing")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[track_caller]
pub fn assert_status(o: &Output, code: i32) {
    assert_eq!(
        o.status.code(),
        Some(code),
        "expected exit {code}\n--- stdout\n{}\n--- stderr\n{}",
        stdout(o),
        stderr(o)
    );
}

/// A new, empty case in a temporary folder.
pub fn new_case() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let o = bin().arg("init").arg(dir.path()).output().unwrap();
    assert_status(&o, 0);
    dir
}

/// The JSON objects of a command's stdout, one a line (blank lines skipped).
pub fn json_lines(o: &Output) -> Vec<Value> {
    stdout(o)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
        .collect()
}

/// `records --json` of a case.
pub fn records(dir: &Path) -> Vec<Value> {
    json_lines(&run(dir, &["records", "--json"]))
}

/// `problems --json` of a case.
pub fn problems(dir: &Path) -> Vec<Value> {
    json_lines(&run(dir, &["problems", "--json"]))
}

/// The number of entries in a case's log (`log --json`).
pub fn log_len(dir: &Path) -> usize {
    json_lines(&run(dir, &["log", "--json"])).len()
}

/// The number of files in a case's blob store.
pub fn blob_count(dir: &Path) -> usize {
    std::fs::read_dir(dir.join("blobs"))
        .map(|rd| {
            rd.flatten()
                .filter(|d| d.path().is_dir())
                .map(|d| std::fs::read_dir(d.path()).unwrap().count())
                .sum()
        })
        .unwrap_or(0)
}

/// Whether an import's scratch copy of a database (`.anjing-wal-*`) is in the case folder.
pub fn has_wal_scratch(case: &Path) -> bool {
    std::fs::read_dir(case)
        .unwrap()
        .flatten()
        .any(|e| e.file_name().to_string_lossy().starts_with(".anjing-wal-"))
}

// ---- An `anjing import` run as a child process, to be killed or interrupted. ----

/// `anjing -C CASE import FILE` with `env` set, its stdout and stderr discarded.
pub fn import_command(case: &Path, file: &Path, env: &[(&str, &str)]) -> Command {
    let mut cmd = bin();
    cmd.envs(env.iter().copied())
        .arg("-C")
        .arg(case)
        .args(["import", file.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

/// Starts `anjing -C CASE import FILE` (see [`import_command`]).
pub fn spawn_import(case: &Path, file: &Path, env: &[(&str, &str)]) -> Child {
    import_command(case, file, env).spawn().expect("spawn anjing import")
}

/// The Ctrl-C harness: waits until `ready()` holds (polling every `poll`, a minute at most),
/// lets the child run `settle` more, sends it SIGINT as Ctrl-C on a terminal does, waits for
/// it and asserts that the signal ended it.
#[cfg(unix)]
#[track_caller]
pub fn interrupt_when(
    mut child: Child,
    ready: impl Fn() -> bool,
    poll: Duration,
    settle: Duration,
) {
    use std::os::unix::process::ExitStatusExt as _;
    let t0 = Instant::now();
    while !ready() && t0.elapsed().as_secs() < 60 {
        std::thread::sleep(poll);
    }
    std::thread::sleep(settle);
    let _ = Command::new("kill").args(["-INT", &child.id().to_string()]).status();
    let status = child.wait().unwrap();
    assert_eq!(status.signal(), Some(2), "the import must have been interrupted, got {status:?}");
}

/// Kills the child (SIGKILL) and reaps it.
pub fn kill(mut child: Child) {
    let _ = child.kill();
    let _ = child.wait();
}

pub fn verify(zip: &Path) -> Output {
    bin().arg("verify").arg(zip).output().expect("run anjing verify")
}

/// Every (name, bytes) of a ZIP, in order.
pub fn read_zip(path: &Path) -> Vec<(String, Vec<u8>)> {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut b = Vec::new();
            f.read_to_end(&mut b).unwrap();
            (f.name().unwrap().to_string(), b)
        })
        .collect()
}

pub fn write_zip(path: &Path, files: &[(String, Vec<u8>)]) {
    let mut w = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in files {
        w.start_file(name.as_str(), opts).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap();
}

pub fn sha256_hex(b: &[u8]) -> String {
    anjing_vault::blob::hash_reader(b).unwrap().0
}

/// Rewrites SHA256SUMS to match the (tampered) files, as a careful forger would.
pub fn fix_sums(files: &mut [(String, Vec<u8>)]) {
    let mut sums = String::new();
    for (name, bytes) in files.iter() {
        if name != "SHA256SUMS" {
            sums.push_str(&format!("{}  {name}\n", sha256_hex(bytes)));
        }
    }
    for (name, bytes) in files.iter_mut() {
        if name == "SHA256SUMS" {
            *bytes = sums.clone().into_bytes();
        }
    }
}

/// Unpacks a ZIP into `dir`.
pub fn unpack(zip: &Path, dir: &Path) {
    for (name, bytes) in read_zip(zip) {
        let p = dir.join(&name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
}

// ---- A throwaway RFC 3161 TSA made with `openssl req/x509` and `openssl ts -reply`. ----

pub fn have_openssl() -> bool {
    let ok = Command::new("openssl").arg("version").output().is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("note: openssl not found; RFC 3161 tests against a local TSA skipped");
    }
    ok
}

pub fn openssl(dir: &Path, args: &[&str]) -> Output {
    Command::new("openssl").current_dir(dir).args(args).output().expect("run openssl")
}

#[track_caller]
fn openssl_ok(dir: &Path, args: &[&str]) {
    let o = openssl(dir, args);
    assert!(o.status.success(), "openssl {args:?}: {}", stderr(&o));
}

/// A local TSA in a folder: CA certificate `ca.crt`, TSA certificate with a critical
/// timeStamping EKU, and `tsa.cnf` for `openssl ts -reply`.
pub struct Tsa {
    pub dir: PathBuf,
}

impl Tsa {
    /// `key`: `rsa` or `ec` (P-256).
    pub fn new(dir: &Path, key: &str) -> Tsa {
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(
            dir.join("tsa.cnf"),
            "[tsa]\ndefault_tsa = t\n[t]\nserial = ./serial\ncrypto_device = builtin\n\
             signer_cert = ./tsa.crt\ncerts = ./ca.crt\nsigner_key = ./tsa.key\n\
             signer_digest = sha256\ndefault_policy = 1.2.3.4.1\nother_policies = 1.2.3.4.2\n\
             digests = sha256\naccuracy = secs:1\nordering = yes\ntsa_name = yes\n\
             ess_cert_id_chain = no\ness_cert_id_alg = sha256\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("ext.cnf"),
            "[tsa_ext]\nbasicConstraints = critical,CA:FALSE\nkeyUsage = critical,digitalSignature\n\
             extendedKeyUsage = critical,timeStamping\nsubjectKeyIdentifier = hash\n",
        )
        .unwrap();
        std::fs::write(dir.join("serial"), "01\n").unwrap();
        openssl_ok(
            dir,
            &[
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                "ca.key",
                "-out",
                "ca.crt",
                "-subj",
                "/CN=Anjing Test CA",
                "-days",
                "3650",
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign",
            ],
        );
        if key == "rsa" {
            openssl_ok(dir, &["genrsa", "-out", "tsa.key", "2048"]);
        } else {
            openssl_ok(
                dir,
                &["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "tsa.key"],
            );
        }
        openssl_ok(
            dir,
            &["req", "-new", "-key", "tsa.key", "-subj", "/CN=Anjing Test TSA", "-out", "tsa.csr"],
        );
        openssl_ok(
            dir,
            &[
                "x509",
                "-req",
                "-in",
                "tsa.csr",
                "-CA",
                "ca.crt",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-days",
                "3650",
                "-extfile",
                "ext.cnf",
                "-extensions",
                "tsa_ext",
                "-out",
                "tsa.crt",
            ],
        );
        Tsa { dir: dir.to_path_buf() }
    }

    /// Answers a request file; returns the response file's path.
    pub fn reply(&self, tsq: &Path, out: &Path) -> PathBuf {
        let o = openssl(
            &self.dir,
            &[
                "ts",
                "-reply",
                "-config",
                "tsa.cnf",
                "-queryfile",
                tsq.to_str().unwrap(),
                "-out",
                out.to_str().unwrap(),
            ],
        );
        assert!(o.status.success(), "openssl ts -reply: {}", stderr(&o));
        out.to_path_buf()
    }

    /// A request over other data, made by openssl.
    pub fn query_for(&self, data: &Path, out: &Path) {
        openssl_ok(
            &self.dir,
            &[
                "ts",
                "-query",
                "-data",
                data.to_str().unwrap(),
                "-sha256",
                "-cert",
                "-out",
                out.to_str().unwrap(),
            ],
        );
    }

    pub fn ca(&self) -> PathBuf {
        self.dir.join("ca.crt")
    }
}

/// Requests, answers and attaches a timestamp for the case's latest checkpoint.
pub fn timestamp_case(case: &Path, tsa: &Tsa, work: &Path) {
    let tsq = work.join("req.tsq");
    let o = run(case, &["timestamp", "request", "-o", tsq.to_str().unwrap()]);
    assert_status(&o, 0);
    let tsr = tsa.reply(&tsq, &work.join("resp.tsr"));
    let o =
        run(case, &["timestamp", "attach", tsr.to_str().unwrap(), "--tsq", tsq.to_str().unwrap()]);
    assert_status(&o, 0);
}
