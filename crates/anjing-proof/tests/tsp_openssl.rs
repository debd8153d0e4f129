//! RFC 3161 checks against a local OpenSSL TSA (`openssl ts -reply`), with RSA and P-256
//! TSA certificates. Skipped, with a note, where `openssl` is not installed.

use std::path::Path;
use std::process::Command;

use anjing_proof::tsp;
use sha2::{Digest, Sha256};

fn openssl(dir: &Path, args: &[&str]) -> bool {
    Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .output()
        .map(|o| {
            if !o.status.success() {
                eprintln!("openssl {args:?}: {}", String::from_utf8_lossy(&o.stderr));
            }
            o.status.success()
        })
        .unwrap_or(false)
}

fn have_openssl() -> bool {
    let ok = Command::new("openssl").arg("version").output().is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("note: openssl not found; RFC 3161 tests against a local TSA skipped");
    }
    ok
}

const TSA_CNF: &str = "[tsa]\ndefault_tsa = t\n[t]\nserial = ./serial\ncrypto_device = builtin\n\
signer_cert = ./tsa.crt\ncerts = ./ca.crt\nsigner_key = ./tsa.key\nsigner_digest = sha256\n\
default_policy = 1.2.3.4.1\nother_policies = 1.2.3.4.2\ndigests = sha256\naccuracy = secs:1\n\
ordering = yes\ntsa_name = yes\ness_cert_id_chain = no\ness_cert_id_alg = sha256\n";

fn ext_cnf(eku_critical: bool) -> String {
    format!(
        "[tsa_ext]\nbasicConstraints = critical,CA:FALSE\nkeyUsage = critical,digitalSignature\n\
         extendedKeyUsage = {}timeStamping\nsubjectKeyIdentifier = hash\n",
        if eku_critical { "critical," } else { "" }
    )
}

/// A throwaway CA and TSA in `dir`; `key` is `rsa` or `ec`.
fn make_tsa(dir: &Path, key: &str, eku_critical: bool) {
    std::fs::write(dir.join("tsa.cnf"), TSA_CNF).unwrap();
    std::fs::write(dir.join("ext.cnf"), ext_cnf(eku_critical)).unwrap();
    std::fs::write(dir.join("serial"), "01\n").unwrap();
    assert!(openssl(
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
            "/CN=Test CA",
            "-days",
            "3650",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign",
        ]
    ));
    if key == "rsa" {
        assert!(openssl(dir, &["genrsa", "-out", "tsa.key", "2048"]));
    } else {
        assert!(openssl(
            dir,
            &["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "tsa.key"]
        ));
    }
    assert!(openssl(
        dir,
        &["req", "-new", "-key", "tsa.key", "-subj", "/CN=Test TSA", "-out", "tsa.csr"]
    ));
    assert!(openssl(
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
        ]
    ));
}

fn reply(dir: &Path, tsq: &[u8]) -> Vec<u8> {
    std::fs::write(dir.join("req.tsq"), tsq).unwrap();
    assert!(openssl(
        dir,
        &["ts", "-reply", "-config", "tsa.cnf", "-queryfile", "req.tsq", "-out", "resp.tsr"]
    ));
    std::fs::read(dir.join("resp.tsr")).unwrap()
}

fn round_trip(key: &str) {
    if !have_openssl() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    make_tsa(dir.path(), key, true);
    let data = b"anjing.case/0001\n3\nAAAA\n";
    let digest: [u8; 32] = Sha256::digest(data).into();
    let req = tsp::request(&digest).unwrap();
    let tsr = reply(dir.path(), &req.der);
    let info = tsp::verify_response(&tsr).unwrap();
    assert_eq!(info.imprint, digest);
    assert_eq!(info.nonce, req.nonce);
    assert_eq!(info.tsa_subject, "CN=Test TSA");
    assert_eq!(info.policy, "1.2.3.4.1");
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
    assert!(info.gen_time_unix.abs_diff(now.as_secs()) < 600);
    assert_eq!(
        info.signature_algorithm,
        if key == "rsa" { "RSA-SHA256" } else { "ECDSA-P256-SHA256" }
    );
    // The token alone verifies too.
    tsp::verify_token(&info.token_der).unwrap();

    // Every single flipped byte of the token's TSTInfo, attributes or signature is caught.
    let token_at = tsr.len() - info.token_der.len();
    let mut caught = 0;
    let mut tried = 0;
    for i in (token_at..tsr.len()).step_by(7) {
        let mut bad = tsr.clone();
        bad[i] ^= 0x01;
        tried += 1;
        if tsp::verify_response(&bad).map(|b| b.imprint == info.imprint && b == info).is_err() {
            caught += 1;
        } else {
            // A flip may land in an unsigned place (e.g. the CA certificate in the bag, or the
            // unsigned attributes); the stamped content must then be unchanged.
            let b = tsp::verify_response(&bad).unwrap();
            assert_eq!(
                (b.imprint, b.gen_time_unix, b.nonce),
                (info.imprint, info.gen_time_unix, info.nonce.clone())
            );
        }
    }
    assert!(caught * 2 > tried, "{caught} of {tried} flips caught");
}

#[test]
fn openssl_tsa_rsa() {
    round_trip("rsa");
}

#[test]
fn openssl_tsa_p256() {
    round_trip("ec");
}

#[test]
fn non_critical_eku_is_refused() {
    if !have_openssl() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    make_tsa(dir.path(), "ec", false);
    let req = tsp::request(&[1u8; 32]).unwrap();
    // OpenSSL itself refuses to sign with such a certificate; when it does not, we must.
    std::fs::write(dir.path().join("req.tsq"), &req.der).unwrap();
    if openssl(
        dir.path(),
        &["ts", "-reply", "-config", "tsa.cnf", "-queryfile", "req.tsq", "-out", "resp.tsr"],
    ) {
        let tsr = std::fs::read(dir.path().join("resp.tsr")).unwrap();
        let e = tsp::verify_response(&tsr).unwrap_err().to_string();
        assert!(e.contains("关键") || e.contains("拒绝"), "{e}");
    }
}
