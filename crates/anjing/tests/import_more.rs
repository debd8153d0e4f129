//! End-to-end tests of spreadsheets, media, notes and ZIP containers, driving
//! the real binary. Fixtures: `tests/data/more/` (README there says which real
//! case each stands for).

mod common;

use std::path::Path;
use std::process::Output;

use serde_json::Value;

use common::*;

fn import(dir: &Path, file: &str, extra: &[&str]) -> Output {
    let f = data_more(file);
    let mut args = vec!["import", f.to_str().unwrap()];
    args.extend_from_slice(extra);
    run(dir, &args)
}

fn codes(ps: &[Value]) -> Vec<String> {
    ps.iter().map(|p| p["code"].as_str().unwrap().to_string()).collect()
}

#[test]
fn gbk_carrier_bill_gives_calls_with_durations_and_names_its_problems() {
    let case = new_case();
    let o = import(case.path(), "bill-gbk.csv", &[]);
    assert_status(&o, 3); // one unreadable duration: kept, reported
    let s = stdout(&o);
    assert!(s.contains("表格（CSV）") && s.contains("通话 4"), "{s}");
    assert!(s.contains("问题按类型") && s.contains("bad_duration"), "{s}");
    let recs = records(case.path());
    assert_eq!(recs.len(), 4);
    let first = &recs.iter().find(|r| r["counterparty"] == "17112346601").unwrap();
    assert_eq!(first["kind"], "call");
    assert_eq!(first["direction"], "in");
    assert_eq!(first["duration_s"], 83);
    assert_eq!(first["call_result"], "answered");
    assert_eq!(first["time"], "2026-01-05T14:13:05Z");
    assert_eq!(first["time_unit"], "shanghai_text");
    assert_eq!(first["sources"][0]["locator"], "行 4");
    let out_call = recs.iter().find(|r| r["counterparty"] == "13900139000").unwrap();
    assert_eq!(
        (out_call["direction"].as_str(), out_call["duration_s"].as_i64()),
        (Some("out"), Some(125))
    );
    let damaged = recs.iter().find(|r| r["counterparty"] == "18876541203").unwrap();
    assert!(damaged["duration_s"].is_null());
    let ps = problems(case.path());
    let c = codes(&ps);
    assert!(
        c.contains(&"bad_duration".into())
            && c.contains(&"preamble".into())
            && c.contains(&"not_a_record".into()),
        "{c:?}"
    );
    // Every cell of the row is kept by its header.
    let id = first["id"].as_i64().unwrap();
    let conn = rusqlite::Connection::open(case.path().join("anjing.db")).unwrap();
    let original: String = conn
        .query_row("SELECT original FROM record_sources WHERE record_id = ?1", [id], |r| r.get(0))
        .unwrap();
    let original: Value = serde_json::from_str(&original).unwrap();
    assert_eq!(original["通话地点"], "深圳");
    assert_eq!(original["费用(元)"], "0.00");
    assert_eq!(original["通话时长"], "1分23秒");
}

#[test]
fn bom_csv_typed_by_a_lawyer_joins_date_and_time() {
    let case = new_case();
    assert_status(
        &import(case.path(), "lawyer-sms-bom.csv", &["--from", "王律师", "--relation", "律师"]),
        0,
    );
    let recs = records(case.path());
    assert_eq!(recs.len(), 3);
    let times: Vec<&str> = recs.iter().map(|r| r["time"].as_str().unwrap()).collect();
    assert!(
        times.contains(&"2026-01-05T14:13:00Z")
            && times.contains(&"2026-01-06T00:05:30Z")
            && times.contains(&"2026-01-06T15:50:00Z"),
        "{times:?}"
    );
    assert!(recs.iter().all(|r| r["kind"] == "sms" && r["direction"] == "in"));
    assert!(recs.iter().any(|r| r["text"].as_str().unwrap().contains("\"冻结\"银行卡")));
    assert!(recs.iter().any(|r| r["number"] == "+8618876541203"));
    assert!(problems(case.path()).is_empty());
}

#[test]
fn unknown_columns_are_refused_with_a_map_hint_and_map_fixes_it() {
    let case = new_case();
    let o = import(case.path(), "unmapped.csv", &[]);
    assert_status(&o, 4);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("当时") && err.contains("--map"), "{err}");
    assert_eq!(blob_count(case.path()), 0, "a refused table stores nothing");
    assert_status(
        &import(case.path(), "unmapped.csv", &["--map", "当时=time,谁=number,说了什么=text"]),
        0,
    );
    let recs = records(case.path());
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0]["text"], "明天上门");
    assert_eq!(recs[0]["counterparty"], "17112346601");
    // A bad --map is a usage error before anything happens.
    assert_status(&import(case.path(), "unmapped.csv", &["--map", "当时=when"]), 1);
}

#[test]
fn screenshots_photos_and_recordings_are_records_with_metadata() {
    let case = new_case();
    assert_status(
        &import(case.path(), "Screenshot_20260105-221305.png", &["--number", "15012340817"]),
        0,
    );
    assert_status(&import(case.path(), "photo-exif.jpg", &[]), 0); // no number: a warning only
    assert_status(&import(case.path(), "13812345678_20260105221305.amr", &[]), 0);
    let recs = records(case.path());
    assert_eq!(recs.len(), 3);
    let shot =
        recs.iter().find(|r| r["kind"] == "image" && r["counterparty"] == "15012340817").unwrap();
    assert_eq!(shot["time"], "2026-01-05T14:13:05Z");
    let photo = recs.iter().find(|r| r["kind"] == "image" && r["counterparty"] == "").unwrap();
    assert_eq!(photo["time"], "2026-01-05T14:30:15Z");
    let rec = recs.iter().find(|r| r["kind"] == "recording").unwrap();
    assert_eq!(rec["counterparty"], "13812345678");
    assert_eq!(rec["time"], "2026-01-05T14:13:05Z");
    assert_eq!(rec["duration_s"], 2);
    let conn = rusqlite::Connection::open(case.path().join("anjing.db")).unwrap();
    let meta = |id: &Value| -> Value {
        let s: String = conn
            .query_row(
                "SELECT original FROM record_sources WHERE record_id = ?1",
                [id.as_i64().unwrap()],
                |r| r.get(0),
            )
            .unwrap();
        serde_json::from_str(&s).unwrap()
    };
    let m = meta(&shot["id"]);
    assert_eq!(
        (m["width"].as_u64(), m["height"].as_u64(), m["time_source"].as_str()),
        (Some(4), Some(2), Some("file_name"))
    );
    assert_eq!(m["number_source"], "user");
    let m = meta(&photo["id"]);
    assert_eq!(
        (m["make"].as_str(), m["model"].as_str(), m["time_source"].as_str()),
        (Some("HUAWEI"), Some("ELS-AN00"), Some("exif"))
    );
    let m = meta(&rec["id"]);
    assert_eq!((m["codec"].as_str(), m["frames"].as_u64()), (Some("AMR-NB"), Some(100)));
    assert!(codes(&problems(case.path())).contains(&"no_number".to_string()));
    // The same screenshot again changes nothing; a second, different image never merges with the first.
    assert!(
        stdout(&import(case.path(), "Screenshot_20260105-221305.png", &[]))
            .contains("以前已经导入过")
    );
}

#[test]
fn notes_are_artifacts_records_and_log_entries() {
    let case = new_case();
    let o = run(
        case.path(),
        &[
            "note",
            "add",
            "--time",
            "2026-01-05 22:13",
            "--number",
            "17112346601",
            "--kind",
            "visit",
            "--summary",
            "两个人到家门口拍照，说明天还来",
            "--from",
            "李梅",
            "--relation",
            "母亲",
        ],
    );
    assert_status(&o, 0);
    assert!(stdout(&o).contains("已记下"), "{}", stdout(&o));
    let recs = records(case.path());
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0]["kind"], "note");
    assert_eq!(recs[0]["time"], "2026-01-05T14:13:00Z");
    assert_eq!(recs[0]["contributor"], "李梅");
    let l = stdout(&run(case.path(), &["note", "list"]));
    assert!(l.contains("上门") && l.contains("两个人到家门口"), "{l}");
    let log = json_lines(&run(case.path(), &["log", "--json"]));
    let last = log.iter().rev().find(|e| e["action"] == "import").unwrap();
    assert!(last["detail"].to_string().contains("\"format\":\"note\""), "{last}");
    assert_eq!(blob_count(case.path()), 1, "the note's document is stored as an original");
    assert_status(&run(case.path(), &["check"]), 0);
    // Bad input is refused before anything is written.
    assert_status(
        &run(case.path(), &["note", "add", "--time", "昨天", "--kind", "call", "--summary", "x"]),
        1,
    );
    assert_status(
        &run(
            case.path(),
            &["note", "add", "--time", "2026-01-05 22:13", "--kind", "fax", "--summary", "x"],
        ),
        1,
    );
    assert_eq!(records(case.path()).len(), 1);
}

#[test]
fn wechat_zip_with_gbk_names_imports_every_member_in_one_go() {
    let case = new_case();
    let o = import(case.path(), "wechat-gbk.zip", &["--from", "李梅", "--relation", "母亲"]);
    assert_status(&o, 0);
    let s = stdout(&o);
    assert!(s.contains("wechat-gbk.zip!/妈妈的手机/短信.xml"), "{s}");
    let arts: Vec<String> = {
        let conn = rusqlite::Connection::open(case.path().join("anjing.db")).unwrap();
        let mut st = conn.prepare("SELECT file_name FROM artifacts ORDER BY file_name").unwrap();
        st.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
    };
    assert_eq!(
        arts,
        [
            "wechat-gbk.zip",
            "wechat-gbk.zip!/妈妈的手机/截图_20260106-080102.png",
            "wechat-gbk.zip!/妈妈的手机/短信.xml",
            "wechat-gbk.zip!/录音/录音.zip",
            "wechat-gbk.zip!/录音/录音.zip!/13812345678_20260105221305.amr",
        ]
    );
    let recs = records(case.path());
    assert_eq!(recs.iter().filter(|r| r["kind"] == "sms").count(), 5);
    assert_eq!(recs.iter().filter(|r| r["kind"] == "image").count(), 1);
    assert_eq!(recs.iter().filter(|r| r["kind"] == "recording").count(), 1);
    assert!(recs.iter().all(|r| r["contributor"] == "李梅"));
    let ps = problems(case.path());
    let txt = ps.iter().find(|p| p["code"] == "member_not_an_export").unwrap();
    assert!(txt["locator"].as_str().unwrap().ends_with("说明.txt"), "{txt}");
    // One log entry per artifact, each member naming its container.
    let log = json_lines(&run(case.path(), &["log", "--json"]));
    assert_eq!(log.iter().filter(|e| e["action"] == "import").count(), 5);
    assert_status(&run(case.path(), &["check"]), 0);
    // Importing it again changes nothing.
    let before = log.len();
    assert!(stdout(&import(case.path(), "wechat-gbk.zip", &[])).contains("以前已经导入过"));
    assert_eq!(log_len(case.path()), before);
}

#[test]
fn traversal_and_symlinks_are_refused_as_problems_and_the_rest_imported() {
    let case = new_case();
    let o = import(case.path(), "traversal.zip", &[]);
    assert_status(&o, 0);
    let recs = records(case.path());
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0]["kind"], "image");
    let c = codes(&problems(case.path()));
    assert_eq!(c.iter().filter(|c| *c == "unsafe_path").count(), 2, "{c:?}");
    assert!(c.contains(&"symlink".to_string()), "{c:?}");
    // Nothing escaped: no file was written next to the case.
    let parent = case.path().parent().unwrap();
    assert!(!parent.join("evil.xml").exists() && !Path::new("/tmp/abs.xml").exists());
}

#[test]
fn a_zip_bomb_is_refused_and_nothing_changes() {
    let case = new_case();
    let log_before = log_len(case.path());
    let o = import(case.path(), "bomb.zip", &[]);
    assert_status(&o, 4);
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("压缩炸弹"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(blob_count(case.path()), 0);
    assert_eq!(log_len(case.path()), log_before);
}

#[cfg(unix)]
#[test]
fn ctrl_c_during_a_large_import_leaves_the_case_unchanged() {
    use std::time::Duration;
    let case = new_case();
    // A CSV large enough that its import is still running well after its
    // original is stored (the transaction starts right after that).
    let big = case.path().join("big.csv");
    {
        use std::io::Write;
        let mut f = std::io::BufWriter::new(std::fs::File::create(&big).unwrap());
        writeln!(f, "时间,号码,内容").unwrap();
        for i in 0..60_000u64 {
            writeln!(
                f,
                "2026-01-05 22:{:02}:{:02},1380013{:04},第{i}条 今天不还就上门",
                (i / 60) % 60,
                i % 60,
                i % 10_000
            )
            .unwrap();
        }
    }
    let log_before = log_len(case.path());
    let child = spawn_import(case.path(), &big, &[]);
    // Once the original is in the blob store (the import transaction is open): SIGINT, as
    // Ctrl-C on a terminal sends.
    let stored = || blob_count(case.path()) > 0;
    interrupt_when(child, stored, Duration::from_millis(5), Duration::from_millis(150));
    assert!(records(case.path()).is_empty(), "interrupted: no record may be left");
    assert_eq!(log_len(case.path()), log_before, "nothing logged");
    assert_status(&run(case.path(), &["check"]), 0); // the stored original is an orphan blob at most
    // And the same import then completes.
    assert_status(&run(case.path(), &["import", big.to_str().unwrap()]), 0);
    assert_eq!(records(case.path()).len(), 60_000);
}
