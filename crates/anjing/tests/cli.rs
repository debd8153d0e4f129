//! End-to-end tests of the `anjing` binary, as a user (or another tool) drives it.
//!
//! Fixtures are under `tests/data/` (see the README there for the real case each
//! stands for); the demo episode under `demo/` is synthetic.

mod common;

use std::path::Path;

use common::*;

#[test]
fn records_json_follows_the_listing_contract() {
    let case = new_case();
    let o =
        run(case.path(), &["import", data("quirks-sms.xml").to_str().unwrap(), "--from", "本人"]);
    assert!(o.status.success() || o.status.code() == Some(3), "{}", stderr(&o));
    let recs = json_lines(&run(case.path(), &["records", "--json"]));
    assert!(!recs.is_empty());
    for r in &recs {
        for key in [
            "id",
            "kind",
            "direction",
            "counterparty",
            "number",
            "time",
            "time_raw",
            "contributor",
            "sources",
        ] {
            assert!(r.get(key).is_some(), "missing {key} in {r}");
        }
        assert!(["sms", "mms", "call", "note"].contains(&r["kind"].as_str().unwrap()));
        assert!(["in", "out", "unknown"].contains(&r["direction"].as_str().unwrap()));
        if let Some(t) = r["time"].as_str() {
            assert!(t.ends_with('Z'), "time must be RFC 3339 UTC: {t}");
            assert!(t.parse::<jiff::Timestamp>().is_ok());
        }
        let src = r["sources"].as_array().unwrap();
        assert!(!src.is_empty());
        assert_eq!(src[0]["artifact"].as_str().unwrap().len(), 64);
        assert!(src[0]["locator"].as_str().unwrap().starts_with("/smses/"));
        assert_eq!(r["contributor"], "本人");
    }
    // A surrogate-pair emoji body arrives as one real character.
    assert!(
        recs.iter()
            .any(|r| r["text"].as_str().is_some_and(|t| t.chars().any(|c| c as u32 >= 0x1F300))),
        "no emoji decoded from surrogate references"
    );
}

#[test]
fn importing_the_same_file_twice_changes_nothing() {
    let case = new_case();
    let f = data("quirks-sms.xml");
    run(case.path(), &["import", f.to_str().unwrap()]);
    let before_log = log_len(case.path());
    let before = stdout(&run(case.path(), &["records", "--json"]));
    let o = run(case.path(), &["import", f.to_str().unwrap()]);
    assert!(stdout(&o).contains("以前已经导入过"), "{}", stdout(&o));
    assert_eq!(log_len(case.path()), before_log);
    assert_eq!(stdout(&run(case.path(), &["records", "--json"])), before);
}

#[test]
fn overlapping_exports_add_only_new_events_and_link_shared_ones() {
    let case = new_case();
    let a = run(case.path(), &["import", data("overlap-a.xml").to_str().unwrap(), "--json"]);
    assert_status(&a, 0);
    let b = run(case.path(), &["import", data("overlap-b.xml").to_str().unwrap(), "--json"]);
    assert_status(&b, 0);
    let rb: serde_json::Value = serde_json::from_str(&stdout(&b)).unwrap();
    assert_eq!(rb[0]["records_new"], 2);
    assert_eq!(rb[0]["records_merged"], 3);
    let recs = json_lines(&run(case.path(), &["records", "--json"]));
    assert_eq!(recs.len(), 7);
    let linked = recs.iter().filter(|r| r["sources"].as_array().unwrap().len() == 2).count();
    assert_eq!(linked, 3, "shared events must list both exports as sources");
}

/// Two exports of the same events from two phones of one contributor (a borrower who
/// backed up an old and a new phone): every source names the phone it came from, the
/// import log records it (tamper-evident), and a file imported without `--device` says so
/// with an empty device, never a guess.
#[test]
fn each_source_names_the_device_it_came_from() {
    let case = new_case();
    let a = run(
        case.path(),
        &["import", data("overlap-a.xml").to_str().unwrap(), "--device", "旧手机 小米9"],
    );
    assert_status(&a, 0);
    assert!(stdout(&a).contains("来源设备：旧手机 小米9"), "{}", stdout(&a));
    let b = run(case.path(), &["import", data("overlap-b.xml").to_str().unwrap()]);
    assert_status(&b, 0);
    let recs = json_lines(&run(case.path(), &["records", "--json"]));
    let shared: Vec<_> =
        recs.iter().filter(|r| r["sources"].as_array().unwrap().len() == 2).collect();
    assert_eq!(shared.len(), 3);
    for r in shared {
        let devices: Vec<&str> = r["sources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["device"].as_str().unwrap())
            .collect();
        assert_eq!(devices, ["旧手机 小米9", ""], "{r}");
    }
    let log = json_lines(&run(case.path(), &["log", "--json"]));
    let imports: Vec<_> = log.iter().filter(|e| e["action"] == "import").collect();
    assert_eq!(imports.len(), 2, "{log:?}");
    assert_eq!(imports[0]["detail"]["device"], "旧手机 小米9", "{:?}", imports[0]);
    assert_eq!(imports[1]["detail"]["device"], "", "{:?}", imports[1]);
    assert_status(&run(case.path(), &["check"]), 0);
}

#[test]
fn not_an_export_changes_nothing_and_exits_4() {
    let case = new_case();
    let before = log_len(case.path());
    // (`image.png` is a screenshot now: see import_more.rs.)
    for f in ["not-an-export.txt", "empty.xml", "foreign.xml"] {
        let o = run(case.path(), &["import", data(f).to_str().unwrap()]);
        assert_status(&o, 4);
        assert!(stderr(&o).contains(f), "the message must name the file: {}", stderr(&o));
    }
    assert_eq!(log_len(case.path()), before);
    assert_eq!(blob_count(case.path()), 0, "nothing may be stored for a non-export");
    assert!(json_lines(&run(case.path(), &["records", "--json"])).is_empty());
}

#[test]
fn damaged_files_keep_readable_records_name_each_problem_and_exit_3() {
    for f in ["damaged-bad-date.xml", "damaged-unclosed.xml", "damaged-truncated.xml"] {
        let case = new_case();
        let o = run(case.path(), &["import", data(f).to_str().unwrap()]);
        assert_status(&o, 3);
        assert!(stdout(&o).contains("损坏"), "{f}: {}", stdout(&o));
        let problems = json_lines(&run(case.path(), &["problems", "--json"]));
        assert!(!problems.is_empty(), "{f}: problems must be listed");
        for p in &problems {
            assert_eq!(p["file_name"], f);
            assert!(!p["message_zh"].as_str().unwrap().is_empty());
        }
        assert!(
            problems.iter().any(|p| p["line"].as_i64().unwrap_or(0) > 0),
            "{f}: at least one problem names a line: {problems:?}"
        );
        let recs = json_lines(&run(case.path(), &["records", "--json"]));
        assert!(!recs.is_empty(), "{f}: the readable records are kept");
        // The original is stored byte-exact even though it is damaged.
        let sha = recs[0]["sources"][0]["artifact"].as_str().unwrap().to_string();
        let stored = std::fs::read(case.path().join("blobs").join(&sha[..2]).join(&sha)).unwrap();
        assert_eq!(stored, std::fs::read(data(f)).unwrap());
        assert_status(&run(case.path(), &["check"]), 0);
    }
}

#[test]
fn bad_date_record_is_kept_without_a_time() {
    let case = new_case();
    run(case.path(), &["import", data("damaged-bad-date.xml").to_str().unwrap()]);
    let recs = json_lines(&run(case.path(), &["records", "--json"]));
    let bad: Vec<_> = recs.iter().filter(|r| r["time"].is_null()).collect();
    assert_eq!(bad.len(), 1);
    assert_eq!(bad[0]["time_raw"], "bad");
}

#[test]
fn check_names_a_tampered_blob_and_a_tampered_log_entry() {
    let case = new_case();
    run(case.path(), &["import", data("overlap-a.xml").to_str().unwrap()]);
    assert_status(&run(case.path(), &["check"]), 0);

    // Change one byte of the stored original.
    let recs = json_lines(&run(case.path(), &["records", "--json"]));
    let sha = recs[0]["sources"][0]["artifact"].as_str().unwrap().to_string();
    let blob = case.path().join("blobs").join(&sha[..2]).join(&sha);
    let mut bytes = std::fs::read(&blob).unwrap();
    let last = bytes.len() - 2;
    bytes[last] ^= 0x20;
    std::fs::write(&blob, &bytes).unwrap();
    let o = run(case.path(), &["check"]);
    assert_status(&o, 5);
    assert!(stdout(&o).contains(&sha), "the blob must be named: {}", stdout(&o));
    bytes[last] ^= 0x20;
    std::fs::write(&blob, &bytes).unwrap();
    assert_status(&run(case.path(), &["check"]), 0);

    // Edit log entry 2 directly in the database, bypassing the append-only triggers.
    let conn = rusqlite::Connection::open(case.path().join("anjing.db")).unwrap();
    conn.execute_batch(
        "DROP TRIGGER log_append_only_update;
         UPDATE log SET detail = replace(detail, '\"records_new\":5', '\"records_new\":1') WHERE seq = 2;",
    )
    .unwrap();
    drop(conn);
    let o = run(case.path(), &["check", "--json"]);
    assert_status(&o, 5);
    let report: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(report["faults"][0]["area"], "log");
    assert_eq!(report["faults"][0]["item"], "2");
}

/// A forger edits a collector's message in the database (the blob and the log untouched):
/// `check` re-hashes every record against the signed records tree and names the change. The
/// leaf cache is checked too, and a merge (overlap-b adds sources to overlap-a's events) drops
/// the cached leaves it makes stale, so the next root is right.
#[test]
fn check_names_an_edited_record_and_a_stale_leaf_cache() {
    let case = new_case();
    run(case.path(), &["import", data("overlap-a.xml").to_str().unwrap()]);
    assert_status(&run(case.path(), &["import", data("overlap-b.xml").to_str().unwrap()]), 0);
    let o = run(case.path(), &["check"]);
    assert_status(&o, 0);
    assert!(stdout(&o).contains("条记录逐字段重新计算指纹"), "{}", stdout(&o));
    let db = case.path().join("anjing.db");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let (cached, records): (i64, i64) = conn
        .query_row(
            "SELECT (SELECT count(*) FROM record_leaves), (SELECT count(*) FROM records)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(cached, records, "every record has its cached leaf after the checkpoint");

    // A stale cache entry (what the next checkpoint would sign) is named.
    conn.execute("UPDATE record_leaves SET leaf = zeroblob(32) WHERE record_id = 1", []).unwrap();
    let o = run(case.path(), &["check", "--json"]);
    assert_status(&o, 5);
    let report: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(report["faults"][0]["item"], "record_leaves", "{report}");
    conn.execute("DELETE FROM record_leaves WHERE record_id = 1", []).unwrap();
    assert_status(&run(case.path(), &["check"]), 0);

    // "还款" becomes "已结清" in one message: the records no longer match the signed root.
    let n = conn
        .execute("UPDATE records SET text = '已结清' WHERE id = (SELECT min(id) FROM records WHERE text IS NOT NULL)", [])
        .unwrap();
    assert_eq!(n, 1);
    drop(conn);
    let o = run(case.path(), &["check", "--json"]);
    assert_status(&o, 5);
    let report: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let areas: Vec<&str> =
        report["faults"].as_array().unwrap().iter().filter_map(|f| f["area"].as_str()).collect();
    assert!(areas.contains(&"records"), "{report}");
    let o = run(case.path(), &["check"]);
    assert!(stdout(&o).contains("记录或其来源被改动过"), "{}", stdout(&o));
}

/// A large synthetic SBR export (80,000 SMS, ~17 MB), so that an import of it is still running
/// when another process looks at the case: what a borrower's years-long backup is.
fn write_big_sbr(big: &Path) {
    {
        use std::io::Write;
        let mut f = std::io::BufWriter::new(std::fs::File::create(big).unwrap());
        writeln!(
            f,
            "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count=\"1\">"
        )
        .unwrap();
        for i in 0..80_000u64 {
            writeln!(
                f,
                "  <sms protocol=\"0\" address=\"1380013{:04}\" date=\"{}\" type=\"1\" subject=\"null\" body=\"您的借款已逾期，请尽快还款 第{i}条\" toa=\"null\" sc_toa=\"null\" service_center=\"null\" read=\"1\" status=\"-1\" locked=\"0\" />",
                i % 10_000,
                1_765_000_000_000u64 + i * 1000
            )
            .unwrap();
        }
        writeln!(f, "</smses>").unwrap();
    }
}

#[test]
fn a_killed_import_leaves_a_valid_case_and_can_be_run_again() {
    let case = new_case();
    let big = case.path().join("big.xml");
    write_big_sbr(&big);
    let child = spawn_import(case.path(), &big, &[]);
    std::thread::sleep(std::time::Duration::from_millis(400));
    kill(child);

    // Whatever moment it died at, the case is consistent...
    assert_status(&run(case.path(), &["check"]), 0);
    let n = json_lines(&run(case.path(), &["records", "--json"])).len();
    assert!(n == 0 || n == 80_000, "an import is all or nothing, found {n} records");
    // ...and importing again completes it.
    let o = run(case.path(), &["import", big.to_str().unwrap()]);
    assert_status(&o, 0);
    assert_eq!(json_lines(&run(case.path(), &["records", "--json"])).len(), 80_000);
    assert_status(&run(case.path(), &["check"]), 0);
}

/// The journal mode stored in a case's database file.
fn journal_mode(case: &Path) -> String {
    let conn = rusqlite::Connection::open(case.join("anjing.db")).unwrap();
    conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap()
}

/// Every index of the case database with its definition.
fn indexes(case: &Path) -> Vec<(String, Option<String>)> {
    let conn = rusqlite::Connection::open(case.join("anjing.db")).unwrap();
    let mut st = conn
        .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name")
        .unwrap();
    st.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect()
}

/// `anjing import FILE` on the path of a file of 32 MB or more (ANJING_BULK_MIN_BYTES=0: the
/// database written directly, with a rollback journal, and the secondary indexes of a small
/// case built again at the end).
fn bulk_import(case: &Path, file: &Path) -> std::process::Command {
    import_command(case, file, &[("ANJING_BULK_MIN_BYTES", "0")])
}

#[test]
fn a_large_import_that_writes_the_database_directly_is_all_or_nothing() {
    let case = new_case();
    let schema = indexes(case.path());
    assert!(schema.iter().any(|(name, _)| name == "records_number"), "{schema:?}");
    let big = case.path().join("big.xml");
    write_big_sbr(&big);
    let mut child = bulk_import(case.path(), &big).spawn().unwrap();
    // While it runs, another command sees the case before or after the import, or is told
    // plainly that the case is busy: never half an import, never a database error.
    loop {
        let o = run(case.path(), &["records", "--json"]);
        if o.status.code() == Some(0) {
            let n = json_lines(&o).len();
            assert!(n == 0 || n == 80_000, "a reader saw {n} records of an import under way");
        } else {
            assert!(stderr(&o).contains("案件正在导入一个大文件"), "{}", stderr(&o));
        }
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(child.wait().unwrap().success());
    assert_eq!(journal_mode(case.path()), "wal", "the case is back in WAL mode");
    assert_eq!(indexes(case.path()), schema, "every index is there again, as it was defined");
    assert_eq!(json_lines(&run(case.path(), &["records", "--json"])).len(), 80_000);
    // The rebuilt indexes hold every row and answer queries: the records of one number.
    let conn = rusqlite::Connection::open(case.path().join("anjing.db")).unwrap();
    let ok: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(ok, "ok");
    let n: i64 = conn
        .query_row(
            "SELECT count(*) FROM records INDEXED BY records_number WHERE number = '+8613800130007'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 8);
    drop(conn);
    assert_status(&run(case.path(), &["check"]), 0);

    // Killed in the middle: the rollback journal undoes it (indexes included), and the
    // import runs again.
    let case = new_case();
    let big = case.path().join("big.xml");
    write_big_sbr(&big);
    let child = bulk_import(case.path(), &big).spawn().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(600));
    kill(child);
    assert_status(&run(case.path(), &["check"]), 0);
    assert_eq!(journal_mode(case.path()), "wal");
    assert_eq!(indexes(case.path()), schema);
    let n = json_lines(&run(case.path(), &["records", "--json"])).len();
    assert!(n == 0 || n == 80_000, "an import is all or nothing, found {n} records");
    assert!(bulk_import(case.path(), &big).status().unwrap().success());
    assert_eq!(json_lines(&run(case.path(), &["records", "--json"])).len(), 80_000);
    assert_eq!(indexes(case.path()), schema);
    assert_status(&run(case.path(), &["check"]), 0);
}

#[test]
fn commands_outside_a_case_explain_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(dir.path(), &["records"]);
    assert_status(&o, 1);
    assert!(stderr(&o).contains("anjing init"), "{}", stderr(&o));
}
