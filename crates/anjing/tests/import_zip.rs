//! ZIPs whose members belong together, and progress on large imports, end to end.
//! Fixtures: `tests/data/more/gen_zips.py` (which real case each stands for is said there).
//! * An SMS Import/Export ZIP: the MMS parts' media are artifacts linked to their MMS records.
//! * A phone database zipped with its `-wal`/`-shm`: the rows only in the WAL are imported.
//! * Progress: a terminal gets a bar, a pipe nothing; Ctrl-C during a ZIP import leaves a case
//!   that `check` accepts, and running the import again completes it.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use serde_json::Value;

use common::*;

fn import(dir: &Path, file: &Path) -> Output {
    run(dir, &["import", file.to_str().unwrap(), "--from", "李梅", "--relation", "母亲"])
}

fn artifacts(dir: &Path) -> Vec<(String, String, String)> {
    let conn = rusqlite::Connection::open(dir.join("anjing.db")).unwrap();
    let mut st =
        conn.prepare("SELECT file_name, format, sha256 FROM artifacts ORDER BY file_name").unwrap();
    st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// Every source's original fields of a record.
fn originals(dir: &Path, id: i64) -> Vec<Value> {
    let conn = rusqlite::Connection::open(dir.join("anjing.db")).unwrap();
    let mut st = conn.prepare("SELECT original FROM record_sources WHERE record_id = ?1").unwrap();
    st.query_map([id], |r| r.get::<_, String>(0))
        .unwrap()
        .map(|s| serde_json::from_str(&s.unwrap()).unwrap())
        .collect()
}

fn zip_member(zip: &Path, name: &str) -> Vec<u8> {
    use std::io::Read as _;
    let mut z = zip::ZipArchive::new(std::fs::File::open(zip).unwrap()).unwrap();
    let mut f = z.by_name(name).unwrap();
    let mut v = Vec::new();
    f.read_to_end(&mut v).unwrap();
    v
}

#[test]
fn smsie_zip_media_are_artifacts_linked_to_their_mms() {
    let case = new_case();
    let zip = data_more("sms-ie-messages.zip");
    let o = import(case.path(), &zip);
    assert_status(&o, 0);
    assert!(stdout(&o).contains("另存为原始文件：3 个彩信附件"), "{}", stdout(&o));
    let arts = artifacts(case.path());
    let names: Vec<(&str, &str)> = arts.iter().map(|(n, f, _)| (n.as_str(), f.as_str())).collect();
    assert_eq!(
        names,
        [
            ("sms-ie-messages.zip", "zip"),
            ("sms-ie-messages.zip!/data/PART_1767621185000_photo.jpg", "mms_part"),
            ("sms-ie-messages.zip!/data/PART_1767700000000_rec.amr", "mms_part"),
            ("sms-ie-messages.zip!/data/PART_1767799999999_unused.png", "mms_part"),
            ("sms-ie-messages.zip!/messages.ndjson", "sms_ie"),
        ]
    );
    // The media are not screenshots or recordings of their own: 2 SMS and 2 MMS, nothing else.
    let recs = records(case.path());
    let kinds: Vec<&str> = recs.iter().map(|r| r["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds.iter().filter(|k| **k == "sms").count(), 2, "{kinds:?}");
    assert_eq!(kinds.iter().filter(|k| **k == "mms").count(), 2, "{kinds:?}");
    assert_eq!(recs.len(), 4, "{kinds:?}");

    // The photo MMS points at the stored blob of its JPEG part, byte for byte.
    let photo = recs.iter().find(|r| r["text"] == "这是你家门口，认得吧").expect("photo MMS");
    assert_eq!(photo["counterparty"], "17112346601");
    let orig = &originals(case.path(), photo["id"].as_i64().unwrap())[0];
    let links = orig["__anjing_attachments"].as_array().expect("linked parts");
    assert_eq!(links.len(), 1, "{links:?}");
    let jpeg = zip_member(&zip, "data/PART_1767621185000_photo.jpg");
    let sha = sha256_hex(&jpeg);
    assert_eq!(links[0]["sha256"], sha.as_str());
    assert_eq!(links[0]["ct"], "image/jpeg");
    assert_eq!(links[0]["part"], 1);
    assert_eq!(links[0]["member"], "sms-ie-messages.zip!/data/PART_1767621185000_photo.jpg");
    // What the photo says of itself: the phone that took it and when (EXIF).
    let meta = &links[0]["meta"];
    assert_eq!((meta["make"].as_str(), meta["model"].as_str()), (Some("HUAWEI"), Some("ELS-AN00")));
    assert_eq!(meta["taken"], "2026-01-05T14:30:15Z");
    let blob = case.path().join("blobs").join(&sha[..2]).join(&sha);
    assert_eq!(std::fs::read(blob).unwrap(), jpeg, "the link names the stored original");
    // The part objects themselves are kept as exported.
    assert_eq!(
        orig["__parts"][1]["_data"].as_str().unwrap().rsplit('/').next(),
        Some("PART_1767621185000_photo.jpg")
    );

    // The recording MMS: its AMR linked, the part the app could not copy reported.
    let voice = recs.iter().find(|r| r["counterparty"] == "17112346602").expect("voice MMS");
    let orig = &originals(case.path(), voice["id"].as_i64().unwrap())[0];
    let links = orig["__anjing_attachments"].as_array().unwrap();
    assert_eq!(links.len(), 1);
    assert_eq!(links[0]["ct"], "audio/amr");
    assert_eq!(
        (links[0]["meta"]["codec"].as_str(), links[0]["meta"]["duration_ms"].as_u64()),
        (Some("AMR-NB"), Some(2000))
    );
    let ps = problems(case.path());
    let missing: Vec<&Value> = ps.iter().filter(|p| p["code"] == "mms_media_missing").collect();
    assert_eq!(missing.len(), 1, "{ps:?}");
    assert!(missing[0]["message_zh"].as_str().unwrap().contains("PART_1767700000001_lost.jpg"));
    let unused: Vec<&Value> = ps.iter().filter(|p| p["code"] == "mms_part_unreferenced").collect();
    assert_eq!(unused.len(), 1, "{ps:?}");
    assert!(unused[0]["locator"].as_str().unwrap().ends_with("PART_1767799999999_unused.png"));
    assert!(ps.iter().all(|p| p["severity"] == "warning"), "{ps:?}");

    // Each media artifact has its import log entry, naming the messages it belongs to.
    let log = json_lines(&run(case.path(), &["log", "--json"]));
    let msgs_sha = &arts.iter().find(|a| a.1 == "sms_ie").unwrap().2;
    let parts: Vec<&Value> = log
        .iter()
        .filter(|e| e["action"] == "import" && e["detail"]["format"] == "mms_part")
        .collect();
    assert_eq!(parts.len(), 3);
    assert!(parts.iter().all(|e| e["detail"]["attachment_of"] == msgs_sha.as_str()), "{parts:?}");
    assert_status(&run(case.path(), &["check"]), 0);
    // Importing it again changes nothing.
    let before = log.len();
    assert!(stdout(&import(case.path(), &zip)).contains("以前已经导入过"));
    assert_eq!(log_len(case.path()), before);
}

#[test]
fn a_database_zipped_with_its_wal_gives_the_rows_only_in_the_wal() {
    let case = new_case();
    let zip = data_more("mmssms-with-wal.zip");
    let stored_before: Vec<u8> = std::fs::read(&zip).unwrap();
    let o = import(case.path(), &zip);
    assert_status(&o, 0);
    assert!(stdout(&o).contains("1 个数据库预写日志"), "{}", stdout(&o));
    let recs = records(case.path());
    let texts: Vec<&str> = recs.iter().filter_map(|r| r["text"].as_str()).collect();
    assert_eq!(recs.len(), 3, "{texts:?}");
    assert!(texts.iter().any(|t| t.starts_with("只在 WAL 里")), "{texts:?}");
    let arts = artifacts(case.path());
    let formats: Vec<(&str, &str)> =
        arts.iter().map(|(n, f, _)| (n.as_str(), f.as_str())).collect();
    assert_eq!(
        formats,
        [
            ("mmssms-with-wal.zip", "zip"),
            ("mmssms-with-wal.zip!/手机备份/mmssms.db", "android_mmssms"),
            ("mmssms-with-wal.zip!/手机备份/mmssms.db-wal", "sqlite_wal"),
        ]
    );
    // The stored originals are byte-exact: the database still lacks row 3, the WAL is the WAL.
    for (name, _, sha) in &arts[1..] {
        let member = name.split("!/").nth(1).unwrap();
        assert_eq!(sha256_hex(&zip_member(&zip, member)), *sha, "{name}");
        let blob = case.path().join("blobs").join(&sha[..2]).join(sha);
        assert_eq!(sha256_hex(&std::fs::read(blob).unwrap()), *sha);
    }
    assert_eq!(std::fs::read(&zip).unwrap(), stored_before);
    let log = json_lines(&run(case.path(), &["log", "--json"]));
    let wal = log.iter().find(|e| e["detail"]["format"] == "sqlite_wal").expect("WAL logged");
    assert_eq!(wal["detail"]["companion_of"], arts[1].2.as_str());
    let c: Vec<String> =
        problems(case.path()).iter().map(|p| p["code"].as_str().unwrap().to_string()).collect();
    assert!(c.contains(&"wal_applied".to_string()), "{c:?}");
    assert!(c.contains(&"member_companion".to_string()), "the -shm is named: {c:?}");
    assert!(!c.contains(&"member_not_an_export".to_string()), "{c:?}");
    // No scratch copy is left in the case.
    let left: Vec<String> = std::fs::read_dir(case.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".anjing-wal-"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    assert_status(&run(case.path(), &["check"]), 0);
}

#[test]
fn a_damaged_wal_is_kept_and_reported_and_the_database_still_read() {
    let case = new_case();
    let o = import(case.path(), &data_more("mmssms-bad-wal.zip"));
    assert_status(&o, 3); // damaged: what the WAL held could not be read
    assert!(stdout(&o).contains("wal_unreadable"), "{}", stdout(&o));
    let recs = records(case.path());
    assert_eq!(recs.len(), 2, "{recs:?}");
    let ps = problems(case.path());
    let bad = ps.iter().find(|p| p["code"] == "wal_unreadable").expect("wal_unreadable");
    assert_eq!(bad["severity"], "damaged");
    let formats: Vec<String> = artifacts(case.path()).into_iter().map(|a| a.1).collect();
    assert!(formats.contains(&"sqlite_wal".to_string()), "{formats:?}");
    assert_status(&run(case.path(), &["check"]), 0);
}

/// A WAL-mode mmssms.db of `n` SMS whose last `in_wal` rows are only in its WAL.
fn big_db(dir: &Path, n: i64, in_wal: i64) -> (PathBuf, PathBuf) {
    let path = dir.join("mmssms.db");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0;
         CREATE TABLE sms (_id INTEGER PRIMARY KEY, thread_id INTEGER, address TEXT, date INTEGER,
           type INTEGER, body TEXT, read INTEGER);
         CREATE TABLE pdu (_id INTEGER PRIMARY KEY, thread_id INTEGER, date INTEGER, msg_box INTEGER,
           m_type INTEGER);",
    )
    .unwrap();
    let insert = |from: i64, to: i64| {
        let tx = conn.unchecked_transaction().unwrap();
        {
            let mut st = tx.prepare("INSERT INTO sms VALUES (?1, 1, ?2, ?3, 1, ?4, 1)").unwrap();
            for i in from..to {
                st.execute(rusqlite::params![
                    i,
                    format!("1711234{:04}", i % 10_000),
                    1_767_621_100_000i64 + i * 1000,
                    format!("第{i}条：今天不还钱，明天我们去你家，通知你的家人和单位")
                ])
                .unwrap();
            }
        }
        tx.commit().unwrap();
    };
    insert(1, n - in_wal + 1);
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
    insert(n - in_wal + 1, n + 1);
    // Copy while the connection is open: the last rows stay in the copied WAL.
    let (db, wal) = (dir.join("copy.db"), dir.join("copy.db-wal"));
    std::fs::copy(&path, &db).unwrap();
    std::fs::copy(dir.join("mmssms.db-wal"), &wal).unwrap();
    drop(conn);
    (db, wal)
}

fn zip_files(dest: &Path, files: &[(&str, &Path)]) {
    use std::io::Write as _;
    let mut w = zip::ZipWriter::new(std::fs::File::create(dest).unwrap());
    for (name, path) in files {
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        w.start_file(*name, opts).unwrap();
        w.write_all(&std::fs::read(path).unwrap()).unwrap();
    }
    w.finish().unwrap();
}

/// The progress callback the CLI draws its bar from: called as a database (alone or in a ZIP)
/// is read, rising, ending at the total.
#[test]
fn database_and_zip_imports_report_progress() {
    let work = tempfile::tempdir().unwrap();
    let (db, wal) = big_db(work.path(), 30_000, 10);
    let zip = work.path().join("手机.zip");
    zip_files(&zip, &[("mmssms.db", &db), ("mmssms.db-wal", &wal)]);
    // Alone, the WAL beside it is applied too (the vault looks for `NAME-wal`).
    for (file, expect) in [(&db, 30_000), (&zip, 30_000)] {
        let case = new_case();
        let calls = std::rc::Rc::new(std::cell::RefCell::new(Vec::<(u64, u64)>::new()));
        let seen = calls.clone();
        let mut opts = anjing_vault::ImportOptions {
            progress: Some(Box::new(move |d, t| seen.borrow_mut().push((d, t)))),
            ..Default::default()
        };
        let mut c = anjing_vault::Case::open(case.path()).unwrap();
        let r = c.import_file_with(file, "本人", "", &mut opts).unwrap();
        let read: u64 = r.records_read + r.members.iter().map(|m| m.records_read).sum::<u64>();
        assert_eq!(read, expect, "{}", file.display());
        let calls = calls.borrow();
        assert!(calls.len() >= 3, "{}: only {calls:?}", file.display());
        assert!(calls.windows(2).all(|w| w[0].0 <= w[1].0), "{calls:?}");
        let (done, total) = *calls.last().unwrap();
        assert!(total > 1 << 20, "{total}");
        assert_eq!(done, total, "{calls:?}");
        assert!(calls.iter().any(|(d, t)| *d > 0 && d < t), "some step in between: {calls:?}");
    }
}

/// A terminal gets the bar (through `script`, which gives the command a pseudo-terminal); a
/// pipe gets no bar at all.
#[cfg(unix)]
#[test]
fn the_bar_shows_on_a_terminal_and_not_in_a_pipe() {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("no `script` here: terminal case skipped");
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let (db, _) = big_db(work.path(), 60_000, 0);
    let case = new_case();
    let piped = run(case.path(), &["import", db.to_str().unwrap()]);
    assert_status(&piped, 0);
    assert!(!String::from_utf8_lossy(&piped.stderr).contains("导入 "), "no bar in a pipe");
    let case = new_case();
    let cmd = format!(
        "{} -C {} import {}",
        env!("CARGO_BIN_EXE_anjing"),
        case.path().display(),
        db.display()
    );
    let tty = Command::new("script").args(["-qec", &cmd, "/dev/null"]).output().unwrap();
    let shown = String::from_utf8_lossy(&tty.stdout);
    assert!(shown.contains("导入 copy.db"), "{shown}");
    assert!(shown.contains("MiB") || shown.contains("KiB"), "{shown}");
}

#[cfg(unix)]
#[test]
fn ctrl_c_during_a_zip_import_leaves_a_case_check_accepts_and_a_rerun_completes_it() {
    let work = tempfile::tempdir().unwrap();
    let (db, wal) = big_db(work.path(), 100_000, 50);
    let zip = work.path().join("妈妈的手机.zip");
    zip_files(&zip, &[("mmssms.db", &db), ("mmssms.db-wal", &wal)]);
    let case = new_case();
    let log_before = log_len(case.path());
    let child = spawn_import(case.path(), &zip, &[]);
    // Once the WAL has been applied to a scratch copy (the members are being imported): Ctrl-C.
    let scratch = || has_wal_scratch(case.path());
    interrupt_when(child, scratch, Duration::from_millis(2), Duration::from_millis(100));
    assert!(records(case.path()).is_empty(), "interrupted: no record may be left");
    assert_eq!(log_len(case.path()), log_before, "nothing logged");
    assert_status(&run(case.path(), &["check"]), 0);
    // Running it again completes it, and clears the scratch copy the killed run left.
    assert_status(&run(case.path(), &["import", zip.to_str().unwrap()]), 0);
    assert_eq!(records(case.path()).len(), 100_000);
    assert!(!scratch(), "scratch copies are removed");
    assert_status(&run(case.path(), &["check"]), 0);
}

/// 李梅 first sends the `mmssms.db` she copied off her running phone, later the whole folder
/// zipped with its `-wal` (`tests/data/more/gen_later_wal.py`: SMS 3–4 only in the WAL, SMS 2
/// marked read by it). The ZIP's database is the one the case has: its WAL is stored as the
/// database's companion and applied, and only what the case lacks is added. Importing the ZIP
/// again, or the same pair from the folder, changes nothing.
#[test]
fn a_zip_with_the_wal_of_a_database_imported_alone_adds_only_the_wal_rows() {
    let case = new_case();
    let sent = tempfile::tempdir().unwrap();
    let db = sent.path().join("mmssms.db");
    std::fs::copy(data_more("later-wal/mmssms.db"), &db).unwrap();
    assert_status(&import(case.path(), &db), 0);
    assert_eq!(records(case.path()).len(), 2);
    assert_status(&run(case.path(), &["check"]), 0);

    let zip = data_more("mmssms-later-wal.zip");
    let o = import(case.path(), &zip);
    assert_status(&o, 0);
    assert!(stdout(&o).contains("1 个数据库预写日志"), "{}", stdout(&o));
    assert!(stdout(&o).contains("这个数据库以前已经导入过"), "{}", stdout(&o));
    let recs = records(case.path());
    assert_eq!(recs.len(), 4, "{recs:?}");
    let wal_only: Vec<&Value> =
        recs.iter().filter(|r| r["text"].as_str().unwrap().starts_with("只在 WAL 里")).collect();
    assert_eq!(wal_only.len(), 2, "each row only in the WAL once: {recs:?}");
    let arts = artifacts(case.path());
    let formats: Vec<(&str, &str)> =
        arts.iter().map(|(n, f, _)| (n.as_str(), f.as_str())).collect();
    assert_eq!(
        formats,
        [
            ("mmssms-later-wal.zip", "zip"),
            ("mmssms-later-wal.zip!/手机备份/mmssms.db-wal", "sqlite_wal"),
            ("mmssms.db", "android_mmssms"),
        ]
    );
    let (zip_sha, wal_sha, db_sha) = (&arts[0].2, &arts[1].2, &arts[2].2);
    assert_eq!(sha256_hex(&zip_member(&zip, "手机备份/mmssms.db-wal")), *wal_sha);
    for r in &wal_only {
        let srcs = r["sources"].as_array().unwrap();
        assert_eq!(srcs.len(), 1, "{srcs:?}");
        assert_eq!(srcs[0]["artifact"], db_sha.as_str());
        assert!(srcs[0]["locator"].as_str().unwrap().ends_with(&format!("+wal:{wal_sha}")));
    }
    let log = json_lines(&run(case.path(), &["log", "--json"]));
    let entry =
        &log.iter().find(|e| e["detail"]["artifact"] == wal_sha.as_str()).unwrap()["detail"];
    assert_eq!(entry["companion_of"], db_sha.as_str());
    assert_eq!(entry["container"], zip_sha.as_str());
    assert_eq!(entry["database_already_imported"], true);
    assert_eq!(entry["added_to_database"]["records_new"], 2);
    let ps = problems(case.path());
    let applied: Vec<&Value> = ps.iter().filter(|p| p["code"] == "wal_applied").collect();
    assert_eq!(applied.len(), 1, "{ps:?}");
    assert_eq!(applied[0]["artifact"], db_sha.as_str());
    assert!(
        applied[0]["message_zh"]
            .as_str()
            .unwrap()
            .starts_with("同一压缩包里有 手机备份/mmssms.db-wal")
    );
    assert_status(&run(case.path(), &["check"]), 0);

    // Again, as the same ZIP or as the folder: nothing changes.
    let snapshot = |dir: &Path| (records(dir), problems(dir), log_len(dir), artifacts(dir));
    let before = snapshot(case.path());
    assert!(stdout(&import(case.path(), &zip)).contains("以前已经导入过"));
    assert_eq!(snapshot(case.path()), before);
    std::fs::copy(data_more("later-wal/mmssms.db-wal"), sent.path().join("mmssms.db-wal")).unwrap();
    assert!(stdout(&import(case.path(), &db)).contains("以前已经导入过"));
    assert_eq!(snapshot(case.path()), before);
    assert_status(&run(case.path(), &["check"]), 0);
}

/// Killed while it adds what a later `-wal` holds, the import leaves the case as it was (`check`
/// accepts it, no WAL artifact, no record); running it again completes it, each row once.
#[cfg(unix)]
#[test]
fn killing_the_import_of_a_later_wal_leaves_a_case_check_accepts_and_a_rerun_completes_it() {
    let work = tempfile::tempdir().unwrap();
    let (db, _wal) = big_db(work.path(), 100_000, 50);
    // First the database alone, as sent over WeChat.
    let sent = work.path().join("sent");
    std::fs::create_dir(&sent).unwrap();
    std::fs::copy(&db, sent.join("mmssms.db")).unwrap();
    let case = new_case();
    assert_status(&run(case.path(), &["import", sent.join("mmssms.db").to_str().unwrap()]), 0);
    assert_eq!(records(case.path()).len(), 99_950);
    let log_before = log_len(case.path());
    let count_sources = || -> i64 {
        rusqlite::Connection::open(case.path().join("anjing.db"))
            .unwrap()
            .query_row("SELECT count(*) FROM record_sources", [], |r| r.get(0))
            .unwrap()
    };
    // Later the folder: `copy.db` with `copy.db-wal` beside it.
    let child = spawn_import(case.path(), &db, &[]);
    let scratch = || has_wal_scratch(case.path());
    interrupt_when(child, scratch, Duration::from_millis(2), Duration::from_millis(100));
    assert_eq!(records(case.path()).len(), 99_950, "interrupted: nothing added");
    assert_eq!(count_sources(), 99_950);
    assert_eq!(log_len(case.path()), log_before, "nothing logged");
    assert!(!artifacts(case.path()).iter().any(|a| a.1 == "sqlite_wal"));
    assert_status(&run(case.path(), &["check"]), 0);
    // Again: it completes, the 50 rows only in the WAL added once each.
    assert_status(&run(case.path(), &["import", db.to_str().unwrap()]), 0);
    assert_eq!(records(case.path()).len(), 100_000);
    assert_eq!(count_sources(), 100_000);
    assert!(!scratch(), "scratch copies are removed");
    assert_status(&run(case.path(), &["check"]), 0);
}
