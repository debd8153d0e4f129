//! End-to-end tests of `anjing timestamp request|attach` against a local OpenSSL TSA, and of
//! the tokens in evidence packages (`anjing verify` and `openssl ts -verify`).

mod common;

use std::path::Path;

use common::*;

fn demo_case(dir: &Path) -> std::path::PathBuf {
    let case = dir.join("case");
    let o = bin().arg("demo").arg(&case).output().unwrap();
    assert_status(&o, 0);
    case
}

fn round_trip(key: &str) {
    if !have_openssl() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let case = demo_case(dir.path());
    let tsa = Tsa::new(&dir.path().join("tsa"), key);

    // Request: DER over the latest signed checkpoint, with instructions in Chinese.
    let tsq = dir.path().join("req.tsq");
    let o = run(&case, &["timestamp", "request", "-o", tsq.to_str().unwrap()]);
    assert_status(&o, 0);
    let out = stdout(&o);
    assert!(out.contains("application/timestamp-query") && out.contains("RFC 3161"), "{out}");
    assert!(out.contains("不指定、不推荐"), "{out}");
    let text = String::from_utf8_lossy(
        &openssl(&tsa.dir, &["ts", "-query", "-in", tsq.to_str().unwrap(), "-text"]).stdout,
    )
    .into_owned();
    assert!(text.contains("sha256") && text.contains("Certificate required: yes"), "{text}");
    assert!(text.contains("Nonce: 0x"), "{text}");

    let tsr = tsa.reply(&tsq, &dir.path().join("resp.tsr"));
    let o =
        run(&case, &["timestamp", "attach", tsr.to_str().unwrap(), "--tsq", tsq.to_str().unwrap()]);
    assert_status(&o, 0);
    let out = stdout(&o);
    assert!(
        out.contains("时间戳有效") && out.contains("北京时间") && out.contains("Anjing Test TSA"),
        "{out}"
    );
    // Attaching it twice changes nothing.
    let o = run(&case, &["timestamp", "attach", tsr.to_str().unwrap()]);
    assert_status(&o, 5);
    assert!(stderr(&o).contains("已经保存过"), "{}", stderr(&o));
    // The log records it; check still passes.
    let log = stdout(&run(&case, &["log", "--json"]));
    assert!(log.contains("\"timestamp\""), "{log}");
    assert_status(&run(&case, &["check"]), 0);

    // Export: the package carries the token and the checkpoint it stamps; verify checks it.
    let zip = dir.path().join("p.zip");
    assert_status(&run(&case, &["export", "-o", zip.to_str().unwrap()]), 0);
    let o = verify(&zip);
    assert_status(&o, 0);
    let out = stdout(&o);
    assert!(out.contains("✓ 可信时间戳（RFC 3161）：1 个时间戳有效"), "{out}");
    assert!(out.contains("北京时间") && out.contains("需要你自己确认"), "{out}");

    // … and the token verifies with stock OpenSSL over the unpacked files.
    let unpacked = dir.path().join("unpacked");
    unpack(&zip, &unpacked);
    let o = openssl(
        &unpacked,
        &[
            "ts",
            "-verify",
            "-data",
            "timestamps/1.checkpoint",
            "-in",
            "timestamps/1.tsr",
            "-CAfile",
            tsa.ca().to_str().unwrap(),
        ],
    );
    assert!(stdout(&o).contains("Verification: OK"), "{} {}", stdout(&o), stderr(&o));
    // The guide tells a clerk how.
    let guide = std::fs::read_to_string(unpacked.join("验证说明.html")).unwrap();
    assert!(guide.contains("openssl ts -verify -data timestamps/1.checkpoint"), "{guide}");
    // sha256sum -c style: every file listed.
    let sums = std::fs::read_to_string(unpacked.join("SHA256SUMS")).unwrap();
    assert!(sums.contains("  timestamps/1.tsr\n") && sums.contains("  timestamps/1.checkpoint\n"));
}

#[test]
fn rsa_tsa_round_trip() {
    round_trip("rsa");
}

#[test]
fn p256_tsa_round_trip() {
    round_trip("ec");
}

#[test]
fn wrong_tokens_are_refused() {
    if !have_openssl() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let case = demo_case(dir.path());
    let tsa = Tsa::new(&dir.path().join("tsa"), "ec");

    // A token over other data.
    let other = dir.path().join("other.txt");
    std::fs::write(&other, "不是检查点").unwrap();
    let oq = dir.path().join("other.tsq");
    tsa.query_for(&other, &oq);
    let or = tsa.reply(&oq, &dir.path().join("other.tsr"));
    let o = run(&case, &["timestamp", "attach", or.to_str().unwrap()]);
    assert_status(&o, 5);
    assert!(stderr(&o).contains("不是本案件的任何检查点"), "{}", stderr(&o));

    // A reply to one request attached with another request (same checkpoint, other nonce).
    let q1 = dir.path().join("q1.tsq");
    let q2 = dir.path().join("q2.tsq");
    assert_status(&run(&case, &["timestamp", "request", "-o", q1.to_str().unwrap()]), 0);
    assert_status(&run(&case, &["timestamp", "request", "-o", q2.to_str().unwrap()]), 0);
    let r1 = tsa.reply(&q1, &dir.path().join("r1.tsr"));
    let o =
        run(&case, &["timestamp", "attach", r1.to_str().unwrap(), "--tsq", q2.to_str().unwrap()]);
    assert_status(&o, 5);
    assert!(stderr(&o).contains("随机数"), "{}", stderr(&o));

    // A flipped byte in the token's signature, or in its TSTInfo.
    let good = std::fs::read(&r1).unwrap();
    for (what, at) in [("signature", good.len() - 3), ("tstinfo", find_gen_time(&good))] {
        let mut bad = good.clone();
        bad[at] ^= 0x01;
        let p = dir.path().join(format!("bad-{what}.tsr"));
        std::fs::write(&p, &bad).unwrap();
        let o = run(&case, &["timestamp", "attach", p.to_str().unwrap()]);
        assert_status(&o, 5);
        assert!(stderr(&o).contains("没有保存这个时间戳"), "{what}: {}", stderr(&o));
    }
    // Nothing was stored by any of these.
    let log = stdout(&run(&case, &["log", "--json"]));
    assert!(!log.contains("\"timestamp\""));
    // The good one still attaches.
    assert_status(
        &run(&case, &["timestamp", "attach", r1.to_str().unwrap(), "--tsq", q1.to_str().unwrap()]),
        0,
    );
}

/// The offset of a digit of the GeneralizedTime (tag 0x18) in a DER response.
fn find_gen_time(der: &[u8]) -> usize {
    der.windows(2).position(|w| w == [0x18, 0x0f]).expect("GeneralizedTime") + 5
}
