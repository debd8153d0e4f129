//! End-to-end tests of `anjing export`, `anjing verify` and `anjing checkpoint`: the
//! evidence package a court or lawyer receives, and what happens when it is changed.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use common::{
    assert_status, bin, fix_sums, read_zip, run, sha256_hex, stderr, stdout, verify, write_zip,
};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name)
}

/// The demo case and its package, built once for all tests (read-only afterwards).
struct Demo {
    _dir: tempfile::TempDir,
    case: PathBuf,
    zip: PathBuf,
}

fn demo() -> &'static Demo {
    static DEMO: OnceLock<Demo> = OnceLock::new();
    DEMO.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let case = dir.path().join("case");
        let o = bin().arg("demo").arg(&case).output().unwrap();
        assert_status(&o, 0);
        let zip = dir.path().join("证据包.zip");
        let o = run(&case, &["export", "-o", zip.to_str().unwrap()]);
        assert_status(&o, 0);
        assert!(stdout(&o).contains("证据包已写入"), "{}", stdout(&o));
        Demo { _dir: dir, case, zip }
    })
}

/// Copies the demo package with `change` applied to its files.
fn tampered(dir: &Path, change: impl Fn(&str, &mut Vec<u8>)) -> PathBuf {
    let mut files = read_zip(&demo().zip);
    for (name, bytes) in &mut files {
        change(name, bytes);
    }
    let out = dir.join("tampered.zip");
    write_zip(&out, &files);
    out
}

#[test]
fn the_demo_package_verifies() {
    let d = demo();
    let o = verify(&d.zip);
    assert_status(&o, 0);
    let out = stdout(&o);
    for title in
        ["包结构", "文件清单", "原始文件", "日志哈希链", "检查点签名", "默克尔根", "包含证明"]
    {
        assert!(out.contains(&format!("✓ {title}")), "{title} not passed:\n{out}");
    }
    assert!(out.contains("全部核对通过"));
    assert!(!out.contains('✗'));

    // The package has the documented layout.
    let names: Vec<String> = read_zip(&d.zip).into_iter().map(|(n, _)| n).collect();
    for required in [
        "SHA256SUMS",
        "checkpoint",
        "case.pub",
        "log.jsonl",
        "manifest.json",
        "records.csv",
        "findings.json",
        "验证说明.html",
    ] {
        assert!(names.iter().any(|n| n == required), "missing {required}: {names:?}");
    }
    assert_eq!(names.iter().filter(|n| n.starts_with("originals/")).count(), 5);
    assert_eq!(names.iter().filter(|n| n.starts_with("proofs/")).count(), 5);

    // JSON output for tools.
    let o = bin().arg("verify").arg(&d.zip).arg("--json").output().unwrap();
    assert_status(&o, 0);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["checks"].as_array().unwrap().len(), 9);
    assert!(v["checks"].as_array().unwrap().iter().all(|c| c["ok"] == true));
}

#[test]
fn export_is_logged_and_checkpointed_and_the_case_still_checks() {
    let d = demo();
    let log: Vec<serde_json::Value> = stdout(&run(&d.case, &["log", "--json"]))
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let export = log.iter().find(|e| e["action"] == "export").expect("export entry");
    let zip_bytes = std::fs::read(&d.zip).unwrap();
    assert_eq!(export["detail"]["sha256"].as_str().unwrap(), sha256_hex(&zip_bytes));
    // The latest checkpoint covers the export entry too.
    let o = run(&d.case, &["checkpoint"]);
    assert_status(&o, 0);
    let note = stdout(&o);
    let lines: Vec<&str> = note.lines().collect();
    assert!(lines[0].starts_with("anjing.case/"));
    assert_eq!(lines[1], log.len().to_string());
    assert!(note.contains("\n\n\u{2014} anjing-case-"));
    assert_eq!(std::fs::read_to_string(d.case.join("checkpoint")).unwrap(), note);
    let o = run(&d.case, &["check"]);
    assert_status(&o, 0);
    assert!(stdout(&o).contains("签名检查点有效"), "{}", stdout(&o));
    // The package's checkpoint came before the export entry was written.
    let pkg_note = read_zip(&d.zip).into_iter().find(|(n, _)| n == "checkpoint").unwrap().1;
    let pkg_size: usize =
        String::from_utf8(pkg_note).unwrap().lines().nth(1).unwrap().parse().unwrap();
    assert_eq!(pkg_size + 1, log.len());
}

#[test]
fn sha256sum_accepts_the_unpacked_package() {
    let d = demo();
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in read_zip(&d.zip) {
        let path = dir.path().join(&name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    let o = match Command::new("sha256sum")
        .arg("-c")
        .arg("SHA256SUMS")
        .current_dir(dir.path())
        .output()
    {
        Ok(o) => o,
        Err(e) => {
            println!("NOTE: sha256sum not available ({e}); skipped the standard-tool check");
            return;
        }
    };
    assert!(o.status.success(), "sha256sum -c failed:\n{}\n{}", stdout(&o), stderr(&o));
    let listed = std::fs::read_to_string(dir.path().join("SHA256SUMS")).unwrap();
    let files = read_zip(&d.zip).len();
    assert_eq!(listed.lines().count(), files - 1, "every other file is listed");
    assert_eq!(stdout(&o).lines().count(), files - 1);
}

#[test]
fn a_changed_original_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let z = tampered(dir.path(), |name, bytes| {
        if name.ends_with("-mother-sms.xml") {
            let text = String::from_utf8(bytes.clone()).unwrap();
            *bytes = text.replacen("date=\"", "date=\"1", 1).into_bytes();
        }
    });
    let o = verify(&z);
    assert_status(&o, 5);
    let out = stdout(&o);
    assert!(out.contains("✗ 文件清单"), "{out}");
    assert!(out.contains("✗ 原始文件"), "{out}");
    let line = out
        .lines()
        .find(|l| l.contains("-mother-sms.xml") && l.contains("改动"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(line.contains("originals/"), "{line}");
    assert!(out.contains("结论：✗"));
}

#[test]
fn a_changed_log_line_is_named_even_with_fixed_sums() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = read_zip(&demo().zip);
    for (name, bytes) in &mut files {
        if name == "log.jsonl" {
            let text = String::from_utf8(bytes.clone()).unwrap();
            let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
            // Entry 3 is the second import: claim fewer new records.
            lines[2] = lines[2].replacen("\"records_new\":", "\"records_new\":1", 1);
            *bytes = (lines.join("\n") + "\n").into_bytes();
        }
    }
    fix_sums(&mut files);
    let z = dir.path().join("log.zip");
    write_zip(&z, &files);
    let o = verify(&z);
    assert_status(&o, 5);
    let out = stdout(&o);
    assert!(out.contains("✓ 文件清单"), "sums were fixed: {out}");
    assert!(out.contains("✗ 日志哈希链"), "{out}");
    assert!(out.contains("日志第 3 条"), "{out}");
}

#[test]
fn a_rewritten_log_with_recomputed_hashes_fails_the_signed_root() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = read_zip(&demo().zip);
    for (name, bytes) in &mut files {
        if name == "log.jsonl" {
            let text = String::from_utf8(bytes.clone()).unwrap();
            let mut prev = anjing_vault::log::GENESIS.to_string();
            let mut out = String::new();
            for line in text.lines() {
                let mut e: serde_json::Value = serde_json::from_str(line).unwrap();
                if e["seq"] == 3 {
                    e["detail"]["contributor"] = "别人".into();
                }
                e["prev_hash"] = prev.clone().into();
                let detail = serde_json::to_string(&e["detail"]).unwrap();
                let h = anjing_vault::log::entry_hash(
                    e["seq"].as_i64().unwrap(),
                    e["at"].as_str().unwrap(),
                    e["action"].as_str().unwrap(),
                    &prev,
                    &detail,
                );
                e["hash"] = h.clone().into();
                prev = h;
                out.push_str(&serde_json::to_string(&e).unwrap());
                out.push('\n');
            }
            *bytes = out.into_bytes();
        }
    }
    fix_sums(&mut files);
    let z = dir.path().join("rewritten.zip");
    write_zip(&z, &files);
    let o = verify(&z);
    assert_status(&o, 5);
    let out = stdout(&o);
    assert!(out.contains("✓ 日志哈希链"), "{out}");
    assert!(out.contains("✗ 默克尔根"), "{out}");
}

#[test]
fn a_changed_checkpoint_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let z = tampered(dir.path(), |name, bytes| {
        if name == "checkpoint" {
            let text = String::from_utf8(bytes.clone()).unwrap();
            let mut lines: Vec<&str> = text.split('\n').collect();
            let n: u64 = lines[1].parse().unwrap();
            let smaller = (n - 1).to_string();
            lines[1] = &smaller;
            *bytes = lines.join("\n").into_bytes();
        }
    });
    let o = verify(&z);
    assert_status(&o, 5);
    let out = stdout(&o);
    assert!(out.contains("✗ 检查点签名"), "{out}");
    assert!(out.contains("✗ checkpoint"), "{out}");
}

#[test]
fn a_foreign_key_is_refused() {
    let d = demo();
    let other = tempfile::tempdir().unwrap();
    let o = bin().arg("init").arg(other.path()).output().unwrap();
    assert_status(&o, 0);
    let foreign = std::fs::read_to_string(other.path().join("keys/case.pub")).unwrap();
    let o = bin().arg("verify").arg(&d.zip).arg("--key").arg(foreign.trim()).output().unwrap();
    assert_status(&o, 5);
    assert!(stdout(&o).contains("--key"), "{}", stdout(&o));
    let own = std::fs::read_to_string(d.case.join("keys/case.pub")).unwrap();
    let o = bin().arg("verify").arg(&d.zip).arg("--key").arg(own.trim()).output().unwrap();
    assert_status(&o, 0);
}

#[test]
fn unsafe_names_and_extra_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = read_zip(&demo().zip);
    files.push(("../evil.txt".to_string(), b"x".to_vec()));
    let z = dir.path().join("evil.zip");
    write_zip(&z, &files);
    let o = verify(&z);
    assert_status(&o, 5);
    assert!(stdout(&o).contains("../evil.txt"), "{}", stdout(&o));
    assert!(stdout(&o).contains("拒绝"), "{}", stdout(&o));

    let mut files = read_zip(&demo().zip);
    files.push(("extra.txt".to_string(), b"added later".to_vec()));
    let z = dir.path().join("extra.zip");
    write_zip(&z, &files);
    let o = verify(&z);
    assert_status(&o, 5);
    assert!(stdout(&o).contains("extra.txt"), "{}", stdout(&o));

    let not_zip = dir.path().join("not.zip");
    std::fs::write(&not_zip, b"PK but not really").unwrap();
    assert_status(&verify(&not_zip), 5);
}

#[test]
fn records_csv_has_a_bom_and_neutralises_formulas() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("c");
    assert_status(&bin().arg("init").arg(&case).output().unwrap(), 0);
    let o = run(&case, &["import", data("hostile-sms.xml").to_str().unwrap()]);
    assert!(o.status.success() || o.status.code() == Some(3), "{}", stderr(&o));
    let z = dir.path().join("p.zip");
    assert_status(&run(&case, &["export", "-o", z.to_str().unwrap()]), 0);
    assert_status(&verify(&z), 0);
    let files = read_zip(&z);
    let csv = &files.iter().find(|(n, _)| n == "records.csv").unwrap().1;
    assert!(csv.starts_with(&[0xEF, 0xBB, 0xBF]), "UTF-8 BOM");
    let csv = String::from_utf8(csv.clone()).unwrap();
    assert!(csv.contains(r#""'=HYPERLINK(""http://x"")""#), "{csv}");
    assert!(!csv.contains(r#","=HYPERLINK"#));
    // Every row is quoted and CRLF-terminated; the header plus 7 records.
    assert_eq!(csv.matches("\r\n").count(), 8, "{csv}");
    // Hostile texts never become paths, and the HTML guide escapes what it shows.
    assert!(files.iter().all(|(n, _)| !n.contains("..")));
    let guide =
        String::from_utf8(files.iter().find(|(n, _)| n == "验证说明.html").unwrap().1.clone())
            .unwrap();
    assert!(!guide.contains("<script"));
    assert!(guide.contains("certutil -hashfile"));
    assert!(guide.contains("sha256sum -c SHA256SUMS"));
    assert!(guide.contains("shasum -a 256 -c SHA256SUMS"));
}

#[test]
fn check_names_a_tampered_checkpoint_file() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("c");
    assert_status(&bin().arg("init").arg(&case).output().unwrap(), 0);
    let o = run(&case, &["import", data("overlap-a.xml").to_str().unwrap()]);
    assert_status(&o, 0);
    assert_status(&run(&case, &["check"]), 0);
    let path = case.join("checkpoint");
    let note = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<String> = note.split('\n').map(str::to_string).collect();
    // Swap the root for another valid-looking one.
    lines[2] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=".to_string();
    std::fs::write(&path, lines.join("\n")).unwrap();
    let o = run(&case, &["check"]);
    assert_status(&o, 5);
    assert!(stdout(&o).contains("检查点 file"), "{}", stdout(&o));
    // Export refuses a case that fails its check.
    let z = dir.path().join("p.zip");
    let o = run(&case, &["export", "-o", z.to_str().unwrap()]);
    assert_status(&o, 5);
    assert!(!z.exists());
}

// ---- Selective disclosure ----

struct Disclosure {
    _dir: tempfile::TempDir,
    /// A demo case of its own (the shared demo case stays read-only).
    case: PathBuf,
    zip: PathBuf,
}

fn mother_disclosure() -> &'static Disclosure {
    static D: OnceLock<Disclosure> = OnceLock::new();
    D.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let case = dir.path().join("case");
        assert_status(&bin().arg("demo").arg(&case).output().unwrap(), 0);
        let zip = dir.path().join("母亲.zip");
        let o = run(&case, &["export", "--only-contributor", "李梅", "-o", zip.to_str().unwrap()]);
        assert_status(&o, 0);
        assert!(stdout(&o).contains("部分出示的证据包已写入"), "{}", stdout(&o));
        // The disclosure is logged too, and the case still checks.
        let log = stdout(&run(&case, &["log", "--json"]));
        assert!(log.contains("\"disclosure\""), "{log}");
        assert_status(&run(&case, &["check"]), 0);
        Disclosure { _dir: dir, case, zip }
    })
}

fn demo_records() -> Vec<serde_json::Value> {
    let o = run(&demo().case, &["records", "--json"]);
    assert_status(&o, 0);
    stdout(&o).lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[test]
fn a_disclosure_of_the_mothers_records_verifies_and_hides_the_rest() {
    let d = mother_disclosure();
    let o = verify(&d.zip);
    assert_status(&o, 0);
    let out = stdout(&o);
    assert!(out.contains("部分出示") && out.contains("✓ 出示的记录"), "{out}");

    let files = read_zip(&d.zip);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert!(!names.iter().any(|n| n.starts_with("originals/") || *n == "log.jsonl"), "{names:?}");
    assert!(!names.contains(&"findings.json"));
    let all_text: String =
        files.iter().map(|(_, b)| String::from_utf8_lossy(b).into_owned()).collect();

    let records = demo_records();
    let is_mothers = |r: &serde_json::Value| r["contributor"] == "李梅";
    let mothers: Vec<&str> =
        records.iter().filter(|r| is_mothers(r)).filter_map(|r| r["text"].as_str()).collect();
    assert!(!mothers.is_empty());
    for t in &mothers {
        assert!(all_text.contains(&t.replace('"', "\\\"")) || all_text.contains(t), "missing {t}");
    }
    // Not one text of the borrower's own messages (unless the mother got the same text).
    let own: Vec<&str> = records
        .iter()
        .filter(|r| !is_mothers(r))
        .filter_map(|r| r["text"].as_str())
        .filter(|t| t.chars().count() >= 6 && !mothers.contains(t))
        .collect();
    assert!(own.len() > 50, "{}", own.len());
    for t in own {
        assert!(!all_text.contains(t), "the borrower's message leaked: {t}");
    }
    let shown = names.iter().filter(|n| n.starts_with("records/")).count();
    assert_eq!(shown, records.iter().filter(|r| is_mothers(r)).count());
}

#[test]
fn editing_a_disclosed_record_is_caught() {
    let d = mother_disclosure();
    let dir = tempfile::tempdir().unwrap();
    let mut files = read_zip(&d.zip);
    let (name, bytes) = files.iter_mut().find(|(n, _)| n.starts_with("records/")).unwrap();
    let name = name.clone();
    let mut doc: serde_json::Value = serde_json::from_slice(bytes).unwrap();
    doc["record"]["fields"]["time_raw"]["value"] = serde_json::json!("1700000000000");
    *bytes = serde_json::to_vec_pretty(&doc).unwrap();
    fix_sums(&mut files);
    let out = dir.path().join("t.zip");
    write_zip(&out, &files);
    let o = verify(&out);
    assert_status(&o, 5);
    assert!(stdout(&o).contains(&format!("✗ {name}：记录与签名时登记的不同")), "{}", stdout(&o));

    // records.csv edited alone (sums fixed): it no longer matches the proved records.
    let mut files = read_zip(&d.zip);
    for (n, b) in &mut files {
        if n == "records.csv" {
            let t = String::from_utf8(b.clone()).unwrap().replacen("李梅", "王芳", 1);
            *b = t.into_bytes();
        }
    }
    fix_sums(&mut files);
    write_zip(&out, &files);
    let o = verify(&out);
    assert_status(&o, 5);
    assert!(
        stdout(&o).contains("✗ records.csv：与 records/ 中经过证明的记录不一致"),
        "{}",
        stdout(&o)
    );

    // A disclosure by number and by record ids.
    let case = &d.case;
    let z2 = dir.path().join("ids.zip");
    assert_status(&run(case, &["export", "--records", "1,2,3", "-o", z2.to_str().unwrap()]), 0);
    let o = verify(&z2);
    assert_status(&o, 0);
    assert!(stdout(&o).contains("3 条记录的包含证明有效"), "{}", stdout(&o));
    let z3 = dir.path().join("none.zip");
    let o = run(case, &["export", "--only-number", "10000", "-o", z3.to_str().unwrap()]);
    assert_status(&o, 1);
    assert!(stderr(&o).contains("没有符合条件的记录"), "{}", stderr(&o));
}

/// A package for a public channel (a regulator's web form): `export --redact` shows every
/// record but none of the mother's identity, her daughter's number, the family's private
/// messages or the originals, and still proves each record belongs to the signed log.
#[test]
fn a_redacted_package_hides_the_relatives_and_still_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("case");
    assert_status(&bin().arg("demo").arg(&case).output().unwrap(), 0);
    let zip = dir.path().join("公开.zip");
    let o = run(&case, &["export", "--redact", "-o", zip.to_str().unwrap()]);
    assert_status(&o, 0);
    assert!(stdout(&o).contains("已遮盖亲友信息的证据包已写入"), "{}", stdout(&o));
    let o = verify(&zip);
    assert_status(&o, 0);
    let out = stdout(&o);
    assert!(out.contains("✓ 出示的记录") && out.contains("个字段已遮盖"), "{out}");

    let files = read_zip(&zip);
    let all_text: String =
        files.iter().map(|(_, b)| String::from_utf8_lossy(b).into_owned()).collect();
    // The mother, her daughter's number, the contact names on her phone, a private message
    // between mother and daughter: none of it is anywhere in the package.
    for secret in ["李梅", "18600186000", "女儿丽丽", "儿子伟伟", "妈，早点休息"] {
        assert!(!all_text.contains(secret), "{secret} leaked");
    }
    assert!(!files.iter().any(|(n, _)| n.starts_with("originals/")));
    let csv = files.iter().find(|(n, _)| n == "records.csv").map(|(_, b)| b.clone()).unwrap();
    let csv = String::from_utf8(csv).unwrap();
    assert!(csv.contains("李*（母亲）"), "{csv}");
    assert!(csv.contains("与催收无关的记录，内容不出示"));
    // Collection texts are shown (the collectors are not protected): every record the demo
    // classifies as collection, sent from a kept number, is in the CSV with its words.
    let records = demo_records();
    assert_eq!(csv.lines().count() - 1, records.len(), "every record is listed");
    let guide = files.iter().find(|(n, _)| n == "验证说明.html").map(|(_, b)| b.clone()).unwrap();
    assert!(String::from_utf8(guide).unwrap().contains("遮盖了亲友的信息"));
    let manifest: serde_json::Value =
        serde_json::from_slice(&files.iter().find(|(n, _)| n == "manifest.json").unwrap().1)
            .unwrap();
    assert_eq!(manifest["redacted"], true);
    assert!(manifest["hidden_fields"].as_u64().unwrap() > records.len() as u64);

    // A hidden field's digest changed, or a hidden field dropped: the record fails.
    for change in ["digest", "drop"] {
        let mut files = read_zip(&zip);
        let (name, bytes) = files
            .iter_mut()
            .find(|(n, b)| n.starts_with("records/") && String::from_utf8_lossy(b).contains("李*"))
            .unwrap();
        let name = name.clone();
        let mut doc: serde_json::Value = serde_json::from_slice(bytes).unwrap();
        let fields = doc["record"]["fields"].as_object_mut().unwrap();
        if change == "digest" {
            fields["contributor"]["digest"] = serde_json::json!("ab".repeat(32));
        } else {
            fields.remove("contributor");
        }
        *bytes = serde_json::to_vec_pretty(&doc).unwrap();
        fix_sums(&mut files);
        let out = dir.path().join(format!("{change}.zip"));
        write_zip(&out, &files);
        let o = verify(&out);
        assert_status(&o, 5);
        assert!(
            stdout(&o).contains(&format!("✗ {name}：记录与签名时登记的不同")),
            "{}",
            stdout(&o)
        );
    }

    // Redaction combines with a selection: only the mother's records, still masked.
    let z2 = dir.path().join("母亲-公开.zip");
    let o = run(
        &case,
        &["export", "--redact", "--only-contributor", "李梅", "-o", z2.to_str().unwrap()],
    );
    assert_status(&o, 0);
    assert_status(&verify(&z2), 0);
    let text: String =
        read_zip(&z2).iter().map(|(_, b)| String::from_utf8_lossy(b).into_owned()).collect();
    assert!(!text.contains("李梅"), "the selection itself must not name her");
}

/// The demo drafts the document set (`anjing docs make all`): the package carries each
/// draft under documents/, byte-exact and hashed into the signed log, so a court or a
/// regulator receives the papers together with the evidence they cite.
#[test]
fn the_package_carries_the_drafted_documents() {
    let d = demo();
    let files = read_zip(&d.zip);
    let docs: Vec<&(String, Vec<u8>)> =
        files.iter().filter(|(n, _)| n.starts_with("documents/")).collect();
    assert!(
        docs.iter().any(|(n, _)| n == "documents/证据目录.docx"),
        "{:?}",
        docs.iter().map(|(n, _)| n).collect::<Vec<_>>()
    );
    // Byte-exact: the same bytes `docs make` wrote into the case's 文书 folder.
    let (_, bytes) = docs.iter().find(|(n, _)| n == "documents/证据目录.docx").unwrap();
    assert_eq!(bytes, &std::fs::read(d.case.join("文书").join("证据目录.docx")).unwrap());
    assert!(bytes.starts_with(b"PK"), "a DOCX is a ZIP");
    // The manifest lists them.
    let (_, manifest) = files.iter().find(|(n, _)| n == "manifest.json").unwrap();
    let m: serde_json::Value = serde_json::from_slice(manifest).unwrap();
    assert_eq!(m["documents"].as_array().unwrap().len(), docs.len());

    let out = stdout(&verify(&d.zip));
    assert!(out.contains("✓ 记录表和分析结果"), "{out}");
    assert!(out.contains(&format!("含 {} 份文书", docs.len())), "{out}");

    let dir = tempfile::tempdir().unwrap();
    // A forger edits a document and rewrites SHA256SUMS: the signed log still names it.
    let mut edited = files.clone();
    for (name, bytes) in &mut edited {
        if name == "documents/告知函.html" {
            let text = String::from_utf8(bytes.clone()).unwrap();
            *bytes = text.replacen("<body", "<body data-x=\"1\"", 1).into_bytes();
        }
    }
    fix_sums(&mut edited);
    let z = dir.path().join("edited.zip");
    write_zip(&z, &edited);
    let o = verify(&z);
    assert_status(&o, 5);
    let out = stdout(&o);
    assert!(out.contains("✓ 文件清单"), "sums were fixed: {out}");
    assert!(out.contains("✗ 记录表和分析结果"), "{out}");
    assert!(
        out.lines().any(|l| l.contains("documents/告知函.html") && l.contains("不同")),
        "{out}"
    );

    // A document slipped in, and one taken out, with SHA256SUMS rewritten each time.
    let mut added = files.clone();
    added.push(("documents/法院判决书.docx".to_string(), b"forged".to_vec()));
    fix_sums(&mut added);
    let z = dir.path().join("added.zip");
    write_zip(&z, &added);
    let out = stdout(&verify(&z));
    assert!(
        out.lines().any(|l| l.contains("documents/法院判决书.docx") && l.contains("后加")),
        "{out}"
    );

    let mut removed: Vec<(String, Vec<u8>)> =
        files.iter().filter(|(n, _)| n != "documents/证据目录.docx").cloned().collect();
    fix_sums(&mut removed);
    let z = dir.path().join("removed.zip");
    write_zip(&z, &removed);
    let o = verify(&z);
    assert_status(&o, 5);
    let out = stdout(&o);
    assert!(
        out.lines().any(|l| l.contains("documents/证据目录.docx") && l.contains("删除")),
        "{out}"
    );
}

/// A stored draft changed inside the case folder is named by `anjing check`.
#[test]
fn check_names_a_changed_document_blob() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("case");
    assert_status(&bin().arg("demo").arg(&case).output().unwrap(), 0);
    let o = run(&case, &["log", "--json"]);
    let docs_entry = stdout(&o)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|e| e["action"] == "docs")
        .unwrap_or_else(|| panic!("no docs entry: {}", stdout(&o)));
    let sha = docs_entry["detail"]["files"][0]["sha256"].as_str().unwrap().to_string();
    let blob = case.join("blobs").join(&sha[..2]).join(&sha);
    let mut bytes = std::fs::read(&blob).unwrap();
    bytes.push(b' ');
    std::fs::write(&blob, bytes).unwrap();
    let o = run(&case, &["check"]);
    assert_status(&o, 5);
    let all = format!("{}{}", stdout(&o), stderr(&o));
    assert!(all.contains(&sha) && all.contains("文书"), "{all}");
}
