//! End-to-end: phone databases and SMS Import/Export files through the `anjing` binary.
//!
//! The database fixtures live with the importer (`crates/anjing-import/tests/data/`, written
//! by `gen_dbs.py`; its README says which real export each stands for).

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::*;

fn db(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../anjing-import/tests/data").join(name)
}

/// A command's stdout and stderr together.
fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

#[test]
fn all_four_databases_import_with_sources_and_a_clean_check() {
    let case = new_case();
    let input = tempfile::tempdir().unwrap();
    for (name, from, n) in [
        ("android-mmssms-v69-vendor.db", "本人", 5),
        ("android-calllog.db", "本人", 7),
        ("ios-sms.db", "李梅", 5),
        ("ios-CallHistory.storedata", "李梅", 5),
    ] {
        // Import from a folder we watch: nothing may appear next to the evidence.
        let path = input.path().join(name);
        std::fs::copy(db(name), &path).unwrap();
        let before = std::fs::read(&path).unwrap();
        let o = run(case.path(), &["import", path.to_str().unwrap(), "--from", from]);
        assert_status(&o, 0);
        assert!(text(&o).contains(&format!("读出 {n} 条记录")), "{}", text(&o));
        assert_eq!(std::fs::read(&path).unwrap(), before);
    }
    let mut names: Vec<_> = std::fs::read_dir(input.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 4, "{names:?}");

    let recs = json_lines(&run(case.path(), &["records", "--json"]));
    assert_eq!(recs.len(), 22);
    let find = |loc: &str| {
        recs.iter()
            .find(|r| r["sources"].as_array().unwrap().iter().any(|s| s["locator"] == loc))
            .unwrap_or_else(|| panic!("no record from {loc}"))
    };
    let spam = find("spam_sms/_id=1");
    assert_eq!(spam["kind"], "sms");
    assert_eq!(spam["direction"], "in");
    assert_eq!(spam["text"], "再不还钱就去你单位找你，让你同事都知道你是老赖");
    let blocked = find("calls/_id=4");
    assert_eq!(blocked["call_result"], "blocked");
    assert_eq!(blocked["counterparty"], "+8617012345681");
    let ios = find("message/ROWID=3");
    assert_eq!(ios["time_unit"], "apple_ns");
    assert_eq!(ios["contributor"], "李梅");
    assert!(ios["text"].as_str().unwrap().starts_with("再不还钱"));
    let missed = find("ZCALLRECORD/Z_PK=2");
    assert_eq!(missed["call_result"], "missed");
    assert_eq!(missed["time_unit"], "apple_s");
    assert_eq!(missed["time_local"], "2023-11-15 06:01:40");

    let probs = json_lines(&run(case.path(), &["problems", "--json"]));
    let codes: Vec<_> = probs.iter().map(|p| p["code"].as_str().unwrap().to_string()).collect();
    assert_eq!(codes, ["unknown_type", "orphan_row"]);

    assert_status(&run(case.path(), &["check"]), 0);
}

#[test]
fn implausible_time_is_a_warning_and_the_record_is_kept() {
    let case = new_case();
    let o = run(
        case.path(),
        &["import", db("android-mmssms-v53.db").to_str().unwrap(), "--from", "本人"],
    );
    assert_status(&o, 0);
    assert!(text(&o).contains("早于 2000 年"), "{}", text(&o));
    let probs = json_lines(&run(case.path(), &["problems", "--json"]));
    assert_eq!(probs.len(), 1);
    assert_eq!(probs[0]["code"], "implausible_time");
    assert_eq!(probs[0]["severity"], "warning");
    assert_eq!(probs[0]["locator"], "sms/_id=5");
    assert_eq!(json_lines(&run(case.path(), &["records", "--json"])).len(), 4);
}

#[test]
fn unknown_sqlite_database_is_not_an_export_and_changes_nothing() {
    let case = new_case();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wechat.db");
    // A SQLite file of an unknown schema: the call-history fixture with its table renamed in
    // place (same length, so the file stays a valid database).
    let mut bytes = std::fs::read(db("ios-CallHistory.storedata")).unwrap();
    let from = b"ZCALLRECORD";
    let mut at = 0;
    while let Some(p) = bytes[at..].windows(from.len()).position(|w| w == from) {
        bytes[at + p..at + p + from.len()].copy_from_slice(b"ZOTHERTABLE");
        at += p + from.len();
    }
    std::fs::write(&path, &bytes).unwrap();
    let o = run(case.path(), &["import", path.to_str().unwrap(), "--from", "本人"]);
    assert_status(&o, 4);
    assert!(text(&o).contains("ZOTHERTABLE"), "{}", text(&o));
    assert!(json_lines(&run(case.path(), &["records", "--json"])).is_empty());
}

#[test]
fn corrupt_database_never_panics() {
    let case = new_case();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mmssms.db");
    let mut bytes = std::fs::read(db("android-mmssms-v69-vendor.db")).unwrap();
    let mid = bytes.len() / 2;
    for b in &mut bytes[mid..mid + 200] {
        *b = !*b;
    }
    std::fs::write(&path, &bytes).unwrap();
    let o = run(case.path(), &["import", path.to_str().unwrap(), "--from", "本人"]);
    assert!(matches!(o.status.code(), Some(0 | 1 | 3 | 4)), "{}", text(&o));
    assert!(!text(&o).contains("panicked"), "{}", text(&o));
    assert_status(&run(case.path(), &["check"]), 0);
}

#[test]
fn smsie_ndjson_imports() {
    let case = new_case();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("messages.ndjson");
    std::fs::write(
        &path,
        concat!(
            r#"{"_id":"1","address":"+8613812345678","date":"1763380800000","type":"1","body":"今天必须还款"}"#,
            "\n",
            r#"{"_id":"2","date":"1763383600","msg_box":"1","m_type":"132","__sender_address":{"address":"+8617012345678","type":"137"},"__parts":[{"ct":"text/plain","text":"我们已到你家楼下"}]}"#,
            "\n"
        ),
    )
    .unwrap();
    let o = run(case.path(), &["import", path.to_str().unwrap(), "--from", "本人"]);
    assert_status(&o, 0);
    assert!(text(&o).contains("SMS Import/Export"), "{}", text(&o));
    let recs = json_lines(&run(case.path(), &["records", "--json"]));
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[1]["kind"], "mms");
    assert_eq!(recs[1]["text"], "我们已到你家楼下");
    assert_eq!(recs[1]["sources"][0]["locator"], "line:2");
}

/// A phone database copied while the messaging app was running: the newest SMS (a collector's
/// threat) is only in `mmssms.db-wal` beside it. It must be imported, the WAL stored as evidence
/// of its own, and the user told; neither file next to the evidence is changed.
/// Copies a WAL-mode `mmssms.db` and its `-wal` into a folder of `export` while the writer is
/// still open: the newest SMS (`WAL_ONLY`) is only in the WAL. Returns the database's path.
fn db_with_wal(export: &Path) -> PathBuf {
    let phone = tempfile::tempdir().unwrap();
    let path = phone.path().join("mmssms.db");
    std::fs::copy(db("android-mmssms-v53.db"), &path).unwrap();
    let work = rusqlite::Connection::open(&path).unwrap();
    let mode: String = work.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
    work.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
    work.execute(
        "INSERT INTO sms (_id, thread_id, address, date, type, body, read, seen)
         VALUES (9, 1, '+8613812345678', 1700009000000, 1, ?1, 1, 1)",
        [WAL_ONLY],
    )
    .unwrap();
    // Copy the pair while the writer is still open (closing would fold the WAL back in).
    let copied = export.join("mmssms.db");
    std::fs::copy(&path, &copied).unwrap();
    std::fs::copy(phone.path().join("mmssms.db-wal"), export.join("mmssms.db-wal")).unwrap();
    drop(work);
    copied
}

const WAL_ONLY: &str = "今晚不还钱，明天就去你单位找你";

fn scratch_left(case: &Path) -> Vec<String> {
    std::fs::read_dir(case)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".wal-merge") || n.starts_with(".anjing-wal-"))
        .collect()
}

/// A phone database copied while the messaging app was running: the newest SMS (a collector's
/// threat) is only in `mmssms.db-wal` beside it. It must be imported, the WAL stored as evidence
/// of its own, and the user told; neither file next to the evidence is changed.
#[test]
fn the_newest_rows_in_a_wal_beside_the_database_are_imported_and_the_wal_is_kept() {
    let export = tempfile::tempdir().unwrap();
    let copied = db_with_wal(export.path());
    let before: Vec<Vec<u8>> = ["mmssms.db", "mmssms.db-wal"]
        .iter()
        .map(|n| std::fs::read(export.path().join(n)).unwrap())
        .collect();

    let case = new_case();
    let o = run(case.path(), &["import", copied.to_str().unwrap(), "--json"]);
    assert_status(&o, 0);
    let recs = json_lines(&run(case.path(), &["records", "--json"]));
    assert!(
        recs.iter().any(|r| r["text"] == "今晚不还钱，明天就去你单位找你"),
        "the row only in the WAL is imported: {recs:?}"
    );
    let problems = text(&run(case.path(), &["problems"]));
    assert!(problems.contains("mmssms.db-wal") && problems.contains("已原样保存"), "{problems}");
    let log = text(&run(case.path(), &["log"]));
    assert!(log.contains("mmssms.db-wal"), "the WAL's import is logged: {log}");
    let stored_wal = walk(&case.path().join("blobs"))
        .into_iter()
        .any(|f| std::fs::read(f).unwrap() == before[1]);
    assert!(stored_wal, "the WAL is stored byte-exact");
    assert_status(&run(case.path(), &["check"]), 0);
    let after: Vec<Vec<u8>> = ["mmssms.db", "mmssms.db-wal"]
        .iter()
        .map(|n| std::fs::read(export.path().join(n)).unwrap())
        .collect();
    assert_eq!(before, after, "the evidence files are untouched");
    assert!(!export.path().join("mmssms.db-shm").exists());
    // No scratch copy is left in the case.
    assert_eq!(scratch_left(case.path()), Vec::<String>::new());
    let ps = json_lines(&run(case.path(), &["problems", "--json"]));
    assert!(ps.iter().any(|p| p["code"] == "wal_applied"), "{ps:?}");
}

/// The `-wal` beside a database was damaged in transfer (its header checksum broken): SQLite
/// takes none of its frames. The WAL is still stored, the user is told that what it held was
/// not imported (`wal_unreadable`, damaged: exit 3), and the database's own rows are imported.
#[test]
fn a_damaged_wal_beside_a_database_is_kept_and_reported_and_the_database_still_read() {
    let export = tempfile::tempdir().unwrap();
    let copied = db_with_wal(export.path());
    let wal_path = export.path().join("mmssms.db-wal");
    let mut wal = std::fs::read(&wal_path).unwrap();
    wal[28] ^= 0xFF;
    std::fs::write(&wal_path, &wal).unwrap();

    let case = new_case();
    let o = run(case.path(), &["import", copied.to_str().unwrap()]);
    assert_status(&o, 3);
    assert!(text(&o).contains("wal_unreadable"), "{}", text(&o));
    let ps = json_lines(&run(case.path(), &["problems", "--json"]));
    let bad = ps.iter().find(|p| p["code"] == "wal_unreadable").expect("wal_unreadable");
    assert_eq!(bad["severity"], "damaged");
    assert!(!ps.iter().any(|p| p["code"] == "wal_applied"), "{ps:?}");

    // The database's own rows, as many as the database alone gives.
    let alone = new_case();
    let plain = tempfile::tempdir().unwrap();
    let plain_db = plain.path().join("mmssms.db");
    std::fs::copy(db("android-mmssms-v53.db"), &plain_db).unwrap();
    assert_status(&run(alone.path(), &["import", plain_db.to_str().unwrap()]), 0);
    let expected = json_lines(&run(alone.path(), &["records", "--json"])).len();
    let recs = json_lines(&run(case.path(), &["records", "--json"]));
    assert!(expected > 0);
    assert_eq!(recs.len(), expected, "{recs:?}");
    assert!(!recs.iter().any(|r| r["text"] == WAL_ONLY), "{recs:?}");

    let stored_wal =
        walk(&case.path().join("blobs")).into_iter().any(|f| std::fs::read(f).unwrap() == wal);
    assert!(stored_wal, "the damaged WAL is stored byte-exact");
    assert_eq!(std::fs::read(&wal_path).unwrap(), wal, "the evidence file is untouched");
    assert_eq!(scratch_left(case.path()), Vec::<String>::new());
    assert_status(&run(case.path(), &["check"]), 0);
}

/// A killed import leaves its scratch copy of a database in the case (this version's
/// `.anjing-wal-*`, earlier versions' `.wal-merge-*`): the next import removes them.
#[test]
fn scratch_folders_a_killed_import_left_are_removed_by_the_next_import() {
    let case = new_case();
    for d in [".wal-merge-Xy12ab", ".anjing-wal-4242-17000000000"] {
        let dir = case.path().join(d);
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(dir.join("db"), b"half a copy").unwrap();
        std::fs::write(dir.join("db-wal"), b"half a WAL").unwrap();
    }
    let input = tempfile::tempdir().unwrap();
    let path = input.path().join("calllog.db");
    std::fs::copy(db("android-calllog.db"), &path).unwrap();
    assert_status(&run(case.path(), &["import", path.to_str().unwrap()]), 0);
    assert_eq!(scratch_left(case.path()), Vec::<String>::new());
    assert_status(&run(case.path(), &["check"]), 0);
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().filter_map(|e| e.ok()) {
        let p = e.path();
        if p.is_dir() { out.extend(walk(&p)) } else { out.push(p) }
    }
    out
}

/// The fixtures of a `-wal` that comes after its database (`tests/data/more/gen_later_wal.py`):
/// 李梅 first sends the `mmssms.db` she copied off her running phone (SMS 1–2), days later the
/// whole folder with `mmssms.db-wal` (SMS 3–4 only there, SMS 2 marked read by it).
fn later_wal(name: &str) -> PathBuf {
    data_more("later-wal").join(name)
}

const LATER_WAL_ONLY: [&str; 2] = [
    "只在 WAL 里：今晚十点前还款，否则联系你单位",
    "只在 WAL 里：明天上午我们去你公司，当着同事的面要钱",
];

fn sha256_of(path: &Path) -> String {
    anjing_vault::blob::hash_reader(std::fs::File::open(path).unwrap()).unwrap().0
}

/// (locator, original fields) of every source of the case, in locator order.
fn sources(case: &Path) -> Vec<(i64, String, String, serde_json::Value)> {
    let conn = rusqlite::Connection::open(case.join("anjing.db")).unwrap();
    let mut st = conn
        .prepare(
            "SELECT record_id, artifact, locator, original FROM record_sources ORDER BY locator",
        )
        .unwrap();
    st.query_map([], |r| {
        Ok((
            r.get(0)?,
            r.get(1)?,
            r.get(2)?,
            serde_json::from_str(&r.get::<_, String>(3)?).unwrap(),
        ))
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

/// Everything a re-import must leave as it is: records, sources, problems, artifacts and log.
fn snapshot(case: &Path) -> (Vec<serde_json::Value>, usize, Vec<serde_json::Value>, usize) {
    (
        json_lines(&run(case, &["records", "--json"])),
        sources(case).len(),
        json_lines(&run(case, &["problems", "--json"])),
        json_lines(&run(case, &["log", "--json"])).len(),
    )
}

/// A relative first sends the copied `mmssms.db` alone, later the whole folder with its `-wal`.
/// The second import must store the WAL, apply it and add only what the case does not have: the
/// two rows only in the WAL (each once) and the row the WAL changed (a second source of the same
/// event), all sourced to the database with the WAL named in the locator; the third import of the
/// same pair changes nothing. `check` accepts the case after each.
#[test]
fn a_wal_beside_a_database_imported_before_adds_only_the_rows_the_case_lacks() {
    let case = new_case();
    let phone = tempfile::tempdir().unwrap();
    let db_path = phone.path().join("mmssms.db");
    std::fs::copy(later_wal("mmssms.db"), &db_path).unwrap();
    let db_sha = sha256_of(&db_path);
    let wal_sha = sha256_of(&later_wal("mmssms.db-wal"));
    let import = |json: bool| {
        let mut args =
            vec!["import", db_path.to_str().unwrap(), "--from", "李梅", "--relation", "母亲"];
        if json {
            args.push("--json");
        }
        run(case.path(), &args)
    };

    // 1. The database alone.
    assert_status(&import(false), 0);
    let first = json_lines(&run(case.path(), &["records", "--json"]));
    assert_eq!(first.len(), 2, "{first:?}");
    assert!(first.iter().all(|r| !LATER_WAL_ONLY.contains(&r["text"].as_str().unwrap())));
    assert_status(&run(case.path(), &["check"]), 0);
    let log_first = json_lines(&run(case.path(), &["log", "--json"])).len();

    // 2. The folder, with the -wal beside the database.
    let wal_path = phone.path().join("mmssms.db-wal");
    std::fs::copy(later_wal("mmssms.db-wal"), &wal_path).unwrap();
    let evidence: Vec<Vec<u8>> =
        [&db_path, &wal_path].iter().map(|p| std::fs::read(p).unwrap()).collect();
    let o = import(true);
    assert_status(&o, 0);
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let r = &report[0];
    assert_eq!(r["artifact"], db_sha.as_str());
    assert_eq!(r["already_imported"], false, "{r}");
    assert_eq!(
        (r["records_read"].as_u64(), r["records_new"].as_u64(), r["records_merged"].as_u64()),
        (Some(3), Some(2), Some(1)),
        "{r}"
    );
    assert_eq!(r["wal_later"]["wal"], wal_sha.as_str());
    assert_eq!(r["wal_later"]["applied"], true);
    assert_eq!(r["wal_later"]["records_already_in_case"], 1, "{r}");

    // Each row only in the WAL is one record with one source: the database, the WAL named.
    let recs = json_lines(&run(case.path(), &["records", "--json"]));
    assert_eq!(recs.len(), 4, "{recs:?}");
    for (text, id) in LATER_WAL_ONLY.iter().zip([3, 4]) {
        let found: Vec<_> = recs.iter().filter(|r| r["text"] == *text).collect();
        assert_eq!(found.len(), 1, "{text}: {recs:?}");
        let srcs = found[0]["sources"].as_array().unwrap();
        assert_eq!(srcs.len(), 1, "{srcs:?}");
        assert_eq!(srcs[0]["artifact"], db_sha.as_str());
        assert_eq!(srcs[0]["locator"], format!("sms/_id={id}+wal:{wal_sha}"));
    }
    // The row the WAL changed (marked read): the same event, now with both versions as sources;
    // the untouched row keeps its one source. No (artifact, locator) repeats.
    let srcs = sources(case.path());
    assert_eq!(srcs.len(), 5, "{srcs:?}");
    let row2: Vec<_> = srcs.iter().filter(|s| s.2.starts_with("sms/_id=2")).collect();
    assert_eq!(row2.len(), 2, "{row2:?}");
    assert_eq!(row2[0].0, row2[1].0, "one record");
    assert_eq!((row2[0].2.as_str(), &row2[0].3["read"]), ("sms/_id=2", &serde_json::json!(0)));
    assert_eq!(row2[1].2, format!("sms/_id=2+wal:{wal_sha}"));
    assert_eq!(row2[1].3["read"], 1);
    assert_eq!(srcs.iter().filter(|s| s.2.starts_with("sms/_id=1")).count(), 1);
    let mut keys: Vec<_> = srcs.iter().map(|s| (&s.1, &s.2)).collect();
    keys.dedup();
    assert_eq!(keys.len(), srcs.len());

    // The WAL is stored byte-exact, logged as the database's companion with what it added.
    let blob = case.path().join("blobs").join(&wal_sha[..2]).join(&wal_sha);
    assert_eq!(std::fs::read(blob).unwrap(), evidence[1]);
    let log = json_lines(&run(case.path(), &["log", "--json"]));
    let imports: Vec<_> = log[log_first..].iter().filter(|e| e["action"] == "import").collect();
    assert_eq!(imports.len(), 1, "one import entry: {imports:?}");
    let entry = &imports[0]["detail"];
    assert_eq!(entry["artifact"], wal_sha.as_str());
    assert_eq!(entry["format"], "sqlite_wal");
    assert_eq!(entry["companion_of"], db_sha.as_str());
    assert_eq!(entry["database_already_imported"], true);
    assert_eq!(entry["applied"], true);
    let added = &entry["added_to_database"];
    assert_eq!(added["artifact"], db_sha.as_str());
    assert_eq!(
        (added["records_new"].as_u64(), added["records_merged"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(added["records_already_in_case"], 1);
    // The database's problem names the WAL and says the database was there before.
    let probs = json_lines(&run(case.path(), &["problems", "--json"]));
    let applied: Vec<_> = probs.iter().filter(|p| p["code"] == "wal_applied").collect();
    assert_eq!(applied.len(), 1, "{probs:?}");
    assert_eq!(applied[0]["artifact"], db_sha.as_str());
    let msg = applied[0]["message_zh"].as_str().unwrap();
    assert!(msg.contains("以前已经导入过") && msg.contains(&wal_sha), "{msg}");
    assert_eq!(probs.len(), 1, "{probs:?}");
    assert_status(&run(case.path(), &["check"]), 0);
    assert_eq!(scratch_left(case.path()), Vec::<String>::new());
    let after: Vec<Vec<u8>> =
        [&db_path, &wal_path].iter().map(|p| std::fs::read(p).unwrap()).collect();
    assert_eq!(after, evidence, "the evidence files are untouched");
    assert!(!phone.path().join("mmssms.db-shm").exists());

    // 3. The same pair again: nothing changes, and the stored WAL is not applied again.
    let before = snapshot(case.path());
    let o = import(false);
    assert_status(&o, 0);
    assert!(text(&o).contains("以前已经导入过，案件没有改动"), "{}", text(&o));
    assert_eq!(snapshot(case.path()), before);
    assert_status(&run(case.path(), &["check"]), 0);
}

/// The `-wal` that comes later was damaged in transfer: it is stored, the database's problem
/// says what it held was not imported (damaged: exit 3), nothing is added, and importing it
/// again does not try again.
#[test]
fn a_damaged_wal_beside_a_database_imported_before_is_kept_and_reported() {
    let case = new_case();
    let phone = tempfile::tempdir().unwrap();
    let db_path = phone.path().join("mmssms.db");
    std::fs::copy(later_wal("mmssms.db"), &db_path).unwrap();
    assert_status(&run(case.path(), &["import", db_path.to_str().unwrap()]), 0);
    let mut wal = std::fs::read(later_wal("mmssms.db-wal")).unwrap();
    wal[28] ^= 0xFF;
    std::fs::write(phone.path().join("mmssms.db-wal"), &wal).unwrap();
    let o = run(case.path(), &["import", db_path.to_str().unwrap()]);
    assert_status(&o, 3);
    assert!(text(&o).contains("无法合并"), "{}", text(&o));
    let probs = json_lines(&run(case.path(), &["problems", "--json"]));
    let bad: Vec<_> = probs.iter().filter(|p| p["code"] == "wal_unreadable").collect();
    assert_eq!(bad.len(), 1, "{probs:?}");
    assert_eq!(bad[0]["severity"], "damaged");
    assert!(bad[0]["message_zh"].as_str().unwrap().contains("以前已经导入过"));
    assert_eq!(json_lines(&run(case.path(), &["records", "--json"])).len(), 2);
    let wal_sha = anjing_vault::blob::hash_reader(&wal[..]).unwrap().0;
    let blob = case.path().join("blobs").join(&wal_sha[..2]).join(&wal_sha);
    assert_eq!(std::fs::read(blob).unwrap(), wal, "the damaged WAL is stored byte-exact");
    assert_status(&run(case.path(), &["check"]), 0);
    let before = snapshot(case.path());
    let again = run(case.path(), &["import", db_path.to_str().unwrap()]);
    assert!(text(&again).contains("以前已经导入过"), "{}", text(&again));
    assert_eq!(snapshot(case.path()), before);
    assert_eq!(scratch_left(case.path()), Vec::<String>::new());
    assert_status(&run(case.path(), &["check"]), 0);
}
