//! Phone databases (Android mmssms.db / calllog.db, iOS sms.db / CallHistory.storedata) and
//! SMS Import/Export JSON, against the fixtures written by `tests/data/gen_dbs.py`.

use std::path::{Path, PathBuf};

use anjing_import::{
    Format, ImportError, ImportStats, Problem, RawRecord, RecordSink, Severity, SinkError,
    import_path, refine, sniff, typedstream,
};
use anjing_model::time::{TimeUnit, rfc3339_utc};
use anjing_model::{CallResult, Direction, RecordKind};
use serde_json::{Value, json};

#[derive(Default)]
struct Collect {
    records: Vec<RawRecord>,
    problems: Vec<Problem>,
}

impl RecordSink for Collect {
    fn record(&mut self, record: RawRecord) -> Result<(), SinkError> {
        self.records.push(record);
        Ok(())
    }
    fn problem(&mut self, problem: Problem) -> Result<(), SinkError> {
        self.problems.push(problem);
        Ok(())
    }
}

fn fixture(name: &str) -> PathBuf {
    [env!("CARGO_MANIFEST_DIR"), "tests", "data", name].iter().collect()
}

fn detect(path: &Path) -> Result<Format, ImportError> {
    let bytes = std::fs::read(path).unwrap();
    sniff(&bytes[..bytes.len().min(8192)]).and_then(|f| refine(f, path))
}

/// Imports a copy of the fixture in a fresh folder (so the checks on the folder are exact).
fn run(name: &str) -> (Collect, ImportStats) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("blob");
    std::fs::copy(fixture(name), &path).unwrap();
    let format = detect(&path).unwrap();
    let mut sink = Collect::default();
    let stats = import_path(format, &path, &mut sink).unwrap();
    assert_eq!(stats.records, sink.records.len() as u64);
    assert_eq!(stats.problems, sink.problems.len() as u64);
    (sink, stats)
}

fn time(r: &RawRecord) -> String {
    rfc3339_utc(r.time.expect("time"))
}

fn codes(p: &[Problem]) -> Vec<(String, String)> {
    p.iter()
        .map(|p| (p.code.clone(), p.locator.as_ref().map(|l| l.path.clone()).unwrap_or_default()))
        .collect()
}

#[test]
fn schemas_are_detected_by_tables_not_names() {
    assert_eq!(detect(&fixture("android-mmssms-v53.db")).unwrap(), Format::AndroidMmsSms);
    assert_eq!(detect(&fixture("android-mmssms-v69-vendor.db")).unwrap(), Format::AndroidMmsSms);
    assert_eq!(detect(&fixture("android-calllog.db")).unwrap(), Format::AndroidCallLog);
    assert_eq!(detect(&fixture("ios-sms.db")).unwrap(), Format::IosSms);
    assert_eq!(detect(&fixture("ios-CallHistory.storedata")).unwrap(), Format::IosCallHistory);
    let head = std::fs::read(fixture("ios-sms.db")).unwrap();
    assert_eq!(sniff(&head[..100]).unwrap(), Format::Sqlite);
}

#[test]
fn unknown_sqlite_schema_is_not_an_export_and_names_the_tables() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.db");
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch("CREATE TABLE notes (id INTEGER, body TEXT); CREATE TABLE tags (x);")
            .unwrap();
    }
    match detect(&path) {
        Err(ImportError::NotAnExport { reason_zh, reason_en }) => {
            assert!(reason_zh.contains("notes, tags"), "{reason_zh}");
            assert!(reason_en.contains("notes, tags"), "{reason_en}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn android_old_aosp_v53() {
    let (s, st) = run("android-mmssms-v53.db");
    assert_eq!(st.records, 4);
    let r = &s.records;
    // sms/_id=1: received collection SMS.
    assert_eq!(r[0].kind, RecordKind::Sms);
    assert_eq!(r[0].direction, Direction::In);
    assert_eq!(r[0].counterparty, "+8613812345678");
    assert_eq!(time(&r[0]), "2023-11-14T22:13:20Z");
    assert_eq!(r[0].time_raw, "1700000000000");
    assert_eq!(r[0].time_unit, TimeUnit::UnixMs);
    assert_eq!(
        r[0].text.as_deref(),
        Some("【XX金融】您的借款已逾期3天，今日18点前不还款将联系您的紧急联系人。")
    );
    assert_eq!((r[0].duration_s, r[0].call_result), (None, None));
    assert_eq!(r[0].locator.path, "sms/_id=1");
    assert_eq!(r[0].locator.index, 0);
    // All 16 columns of the old table, typed as stored.
    assert_eq!(r[0].original.len(), 16);
    assert_eq!(r[0].original["service_center"], json!("+8613800100500"));
    assert_eq!(r[0].original["person"], Value::Null);
    assert_eq!(r[0].original["status"], json!(-1));
    assert!(!r[0].original.contains_key("date_sent"));
    // sms/_id=2: sent.
    assert_eq!((r[1].direction, r[1].text.as_deref()), (Direction::Out, Some("我下周一还")));
    assert_eq!(r[1].locator.path, "sms/_id=2");
    // sms/_id=5: seconds where ms belong → kept, with an implausible_time warning.
    assert_eq!(r[2].locator.path, "sms/_id=5");
    assert_eq!(time(&r[2]), "1970-01-20T16:13:20Z");
    assert_eq!(r[2].time_raw, "1700000000");
    // pdu/_id=3: received MMS; text from the text/plain part, sender from addr type 137.
    let m = &r[3];
    assert_eq!((m.kind, m.direction), (RecordKind::Mms, Direction::In));
    assert_eq!(m.counterparty, "+8617012345678");
    assert_eq!(m.text.as_deref(), Some("这是你家人的照片吧？"));
    assert_eq!(time(m), "2023-11-14T22:30:00Z");
    assert_eq!((m.time_raw.as_str(), m.time_unit), ("1700001000", TimeUnit::UnixS));
    assert_eq!(m.locator.path, "pdu/_id=3");
    assert_eq!(m.locator.index, 3);
    let parts = m.original["parts"].as_array().unwrap();
    assert_eq!(parts.len(), 3);
    assert_eq!(parts[0]["ct"], "application/smil");
    assert_eq!(parts[2]["name"], "IMG_0001.jpg");
    assert!(parts[2]["_data"].as_str().unwrap().ends_with("PART_1700001000_IMG_0001.jpg"));
    assert_eq!(m.original["addrs"].as_array().unwrap().len(), 2);
    assert_eq!(m.original["m_type"], 132);

    assert_eq!(codes(&s.problems), [("implausible_time".into(), "sms/_id=5".into())]);
    assert_eq!(s.problems[0].severity, Severity::Warning);
    assert!(s.problems[0].message_zh.contains("1970"), "{}", s.problems[0].message_zh);
}

#[test]
fn android_new_aosp_with_vendor_columns_and_spam_table() {
    let (s, _) = run("android-mmssms-v69-vendor.db");
    let r = &s.records;
    assert_eq!(r.len(), 5);
    let a = &r[0];
    assert_eq!(
        (a.kind, a.direction, a.counterparty.as_str()),
        (RecordKind::Sms, Direction::In, "95188")
    );
    assert_eq!(time(a), "2025-11-17T12:00:00.123Z");
    assert_eq!(a.original["date_sent"], 1763380799000i64);
    assert_eq!(a.original["sub_id"], 2);
    assert_eq!(a.original["creator"], "com.android.messaging");
    // Vendor columns kept; a BLOB as length + digest (+ hex when small).
    assert_eq!(a.original["sim_imsi"], "460011234567890");
    assert_eq!(a.original["marker"], "collection");
    assert_eq!(a.original["b2c_extra"]["blob_len"], 4);
    assert_eq!(a.original["b2c_extra"]["hex"], "0001feff");
    assert_eq!(
        a.original["b2c_extra"]["sha256"],
        "c5dbae22661af6db18a1f676db82a7ef7de46d27c3a263a872f00478b0d99fc4"
    );
    assert_eq!(a.original.len(), 27);
    assert_eq!((r[1].direction, r[1].locator.path.as_str()), (Direction::Out, "sms/_id=8"));
    // type 9: kept, direction unknown, warned.
    assert_eq!((r[2].direction, r[2].locator.path.as_str()), (Direction::Unknown, "sms/_id=9"));
    // Samsung spam_sms: the filtered collection message is evidence too.
    assert_eq!(r[3].locator.path, "spam_sms/_id=1");
    assert_eq!(r[3].text.as_deref(), Some("再不还钱就去你单位找你，让你同事都知道你是老赖"));
    assert_eq!(r[3].direction, Direction::In);
    // Sent MMS to two people: counterparty = the To (151) addresses.
    let m = &r[4];
    assert_eq!((m.kind, m.direction), (RecordKind::Mms, Direction::Out));
    assert_eq!(m.counterparty, "+8613812345678~+8613912345678");
    assert_eq!(m.text.as_deref(), Some("第一段\n第二段"));
    assert_eq!(m.original["sub"], "还款截图");
    assert_eq!(m.locator.path, "pdu/_id=4");
    assert_eq!(
        codes(&s.problems),
        [
            ("unknown_type".to_string(), "sms/_id=9".to_string()),
            ("orphan_row".to_string(), "addr/_id=43".to_string()),
        ]
    );
}

#[test]
fn android_call_log() {
    let (s, _) = run("android-calllog.db");
    let want = [
        (Direction::In, CallResult::Answered, 35, "+8617012345678"),
        (Direction::In, CallResult::Missed, 0, "+8617012345679"),
        (Direction::In, CallResult::Rejected, 0, "+8617012345680"),
        (Direction::In, CallResult::Blocked, 0, "+8617012345681"),
        (Direction::Out, CallResult::Unknown, 0, "95188"),
        (Direction::Out, CallResult::Answered, 61, "95188"),
        (Direction::In, CallResult::Missed, 0, "-2"),
    ];
    assert_eq!(s.records.len(), want.len());
    for (i, (r, w)) in s.records.iter().zip(want).enumerate() {
        assert_eq!(r.kind, RecordKind::Call);
        assert_eq!((r.direction, r.call_result, r.duration_s), (w.0, Some(w.1), Some(w.2)), "{i}");
        assert_eq!(r.counterparty, w.3);
        assert_eq!(r.locator.path, format!("calls/_id={}", i + 1));
        assert_eq!(r.locator.index, i as u64);
        assert_eq!(r.time_unit, TimeUnit::UnixMs);
        assert_eq!(r.text, None);
    }
    assert_eq!(time(&s.records[0]), "2025-11-17T12:00:00Z");
    assert_eq!(s.records[0].original["geocoded_location"], "江苏连云港");
    assert_eq!(s.records[3].original["block_reason"], 1);
    assert_eq!(s.records[3].original["mark_content"], "骚扰电话");
    assert_eq!(s.records[6].original["presentation"], 2);
    assert!(s.problems.is_empty(), "{:?}", codes(&s.problems));
}

#[test]
fn ios_messages() {
    let (s, _) = run("ios-sms.db");
    let r = &s.records;
    assert_eq!(r.len(), 5);
    // Nanoseconds since 2001 (iOS 11+).
    assert_eq!((r[0].direction, r[0].counterparty.as_str()), (Direction::In, "+8613812345678"));
    assert_eq!((r[0].time_raw.as_str(), r[0].time_unit), ("721692000123456789", TimeUnit::AppleNs));
    assert_eq!(time(&r[0]), "2023-11-14T22:00:00.123Z");
    assert_eq!(r[0].text.as_deref(), Some("【催收】您已逾期，今天不处理明天上门。"));
    assert_eq!(r[0].locator.path, "message/ROWID=1");
    assert_eq!(r[0].original["handle"]["id"], "+8613812345678");
    assert_eq!(r[0].original["service"], "SMS");
    assert_eq!(r[0].original["attributedBody"]["blob_len"], 164);
    assert_eq!(r[0].original["chats"][0]["chat_identifier"], "+8613812345678");
    // Seconds since 2001 (older iOS).
    assert_eq!((r[1].time_raw.as_str(), r[1].time_unit), ("599079037", TimeUnit::AppleS));
    assert_eq!(time(&r[1]), "2019-12-26T18:50:37Z");
    assert_eq!(r[1].counterparty, "106980095188");
    // text NULL: recovered from attributedBody (a >127-byte text, 0x81 length form).
    let body = "再不还钱，我们就把你的照片发到通讯录所有人。".repeat(2);
    assert_eq!(r[2].text.as_deref(), Some(body.as_str()));
    assert_eq!(r[2].original["text"], Value::Null);
    assert_eq!(r[2].original["text_from"], "attributedBody");
    // Group message from me (handle_id 0): counterparty = the chat's members.
    assert_eq!(r[3].direction, Direction::Out);
    assert_eq!(r[3].counterparty, "+8613812345678~+8613912345678");
    assert_eq!(r[3].original["chats"][0]["display_name"], "家人");
    assert_eq!(r[3].original["chats"][0]["properties"]["blob_len"], 9);
    // With an attachment: kind mms, the attachment listed.
    assert_eq!((r[4].kind, r[4].direction), (RecordKind::Mms, Direction::Out));
    let att = &r[4].original["attachments"][0];
    assert_eq!(att["mime_type"], "image/heic");
    assert_eq!(att["transfer_name"], "IMG_0002.HEIC");
    assert_eq!(att["total_bytes"], 123456);
    assert_eq!(att["ROWID"], 1);
    assert!(att.get("ROWID#2").is_none());
    for x in r {
        assert_eq!(x.kind == RecordKind::Mms, x.locator.path == "message/ROWID=5");
    }
    assert!(s.problems.is_empty(), "{:?}", codes(&s.problems));
}

#[test]
fn ios_call_history() {
    let (s, _) = run("ios-CallHistory.storedata");
    let want = [
        (Direction::In, CallResult::Answered, 43, "+8617012345678", "721692000.5"),
        (Direction::In, CallResult::Missed, 0, "+8617012345679", "721692100"),
        (Direction::Out, CallResult::Unknown, 0, "95188", "721692200.25"),
        (Direction::Out, CallResult::Answered, 120, "wxid_abc123", "721692300"),
        (Direction::In, CallResult::Missed, 0, "+8613912345678", "721692400"),
    ];
    assert_eq!(s.records.len(), want.len());
    for (i, (r, w)) in s.records.iter().zip(want).enumerate() {
        assert_eq!((r.direction, r.call_result, r.duration_s), (w.0, Some(w.1), Some(w.2)), "{i}");
        assert_eq!(r.counterparty, w.3);
        assert_eq!((r.time_raw.as_str(), r.time_unit), (w.4, TimeUnit::AppleS));
        assert_eq!(r.locator.path, format!("ZCALLRECORD/Z_PK={}", i + 1));
    }
    assert_eq!(time(&s.records[0]), "2023-11-14T22:00:00.500Z");
    assert_eq!(s.records[0].original["ZLOCATION"], "江苏省");
    assert_eq!(s.records[0].original["ZDURATION"], 42.6);
    // ZADDRESS stored as a BLOB: read as text, kept as digest + hex.
    assert_eq!(s.records[1].original["ZADDRESS"]["hex"], "2b38363137303132333435363739");
    assert_eq!(s.records[3].original["ZSERVICE_PROVIDER"], "com.tencent.xin");
    assert!(s.problems.is_empty());
}

/// Every file in `dir`, with its bytes.
fn listing(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap())
        })
        .collect();
    v.sort();
    v
}

#[test]
fn databases_are_opened_immutable_nothing_is_written_next_to_them() {
    for name in [
        // The two WAL-mode fixtures are the dangerous ones: a plain read-only open creates -shm/-wal.
        "android-mmssms-v69-vendor.db",
        "android-calllog.db",
        "android-mmssms-v53.db",
        "ios-sms.db",
        "ios-CallHistory.storedata",
    ] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::copy(fixture(name), &path).unwrap();
        let before = listing(dir.path());
        let format = detect(&path).unwrap();
        let mut sink = Collect::default();
        import_path(format, &path, &mut sink).unwrap();
        assert!(!sink.records.is_empty());
        assert_eq!(listing(dir.path()), before, "{name}: files appeared or bytes changed");
    }
}

/// A database with enough rows to span many pages, written by the test.
fn big_sms_db(path: &Path, rows: i64) {
    let c = rusqlite::Connection::open(path).unwrap();
    c.execute_batch(
        "CREATE TABLE sms (_id INTEGER PRIMARY KEY, address TEXT, date INTEGER, type INTEGER, body TEXT);
         CREATE TABLE pdu (_id INTEGER PRIMARY KEY, date INTEGER, msg_box INTEGER);
         CREATE TABLE part (_id INTEGER PRIMARY KEY, mid INTEGER, seq INTEGER, ct TEXT, text TEXT);
         CREATE TABLE addr (_id INTEGER PRIMARY KEY, msg_id INTEGER, address TEXT, type INTEGER);",
    )
    .unwrap();
    let tx = c.unchecked_transaction().unwrap();
    for i in 1..=rows {
        tx.execute(
            "INSERT INTO sms VALUES (?1, '13812345678', ?2, 1, ?3)",
            rusqlite::params![
                i,
                1_763_380_800_000i64 + i * 1000,
                format!("第 {i} 条催收短信，请尽快还款。")
            ],
        )
        .unwrap();
    }
    tx.commit().unwrap();
}

#[test]
fn corrupt_page_in_the_middle_keeps_the_rest_and_reports_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mmssms.db");
    big_sms_db(&path, 3000);
    let mut bytes = std::fs::read(&path).unwrap();
    let page = 4096;
    let pages = bytes.len() / page;
    assert!(pages > 20, "{pages}");
    // Scribble over one leaf page in the middle (its header and cell pointers).
    let mid = (pages / 2) * page;
    for b in &mut bytes[mid..mid + 64] {
        *b ^= 0xA5;
    }
    std::fs::write(&path, &bytes).unwrap();
    let format = detect(&path).unwrap();
    let mut sink = Collect::default();
    let stats = import_path(format, &path, &mut sink).unwrap();
    assert!(stats.records > 2000 && stats.records < 3000, "{}", stats.records);
    let bad: Vec<_> = sink.problems.iter().filter(|p| p.code == "unreadable_rows").collect();
    assert!(!bad.is_empty(), "{:?}", codes(&sink.problems));
    assert_eq!(bad[0].severity, Severity::Unreadable);
    assert!(bad[0].message_zh.contains("sms"));
    // Rows on both sides of the damage were read, in order.
    let ids: Vec<&str> = sink.records.iter().map(|r| r.locator.path.as_str()).collect();
    assert_eq!(ids[0], "sms/_id=1");
    assert_eq!(*ids.last().unwrap(), "sms/_id=3000");
}

#[test]
fn flipped_bytes_anywhere_never_panic() {
    for name in ["android-mmssms-v69-vendor.db", "ios-sms.db", "ios-CallHistory.storedata"] {
        let orig = std::fs::read(fixture(name)).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.db");
        let mut step = 0;
        for at in (100..orig.len()).step_by(509) {
            step += 1;
            let mut b = orig.clone();
            for x in &mut b[at..(at + 48).min(orig.len())] {
                *x = x.wrapping_mul(31).wrapping_add(step as u8);
            }
            std::fs::write(&path, &b).unwrap();
            // A clear error (schema unreadable) or records and problems; never a panic.
            if let Ok(format) = detect(&path) {
                let mut sink = Collect::default();
                let _ = import_path(format, &path, &mut sink);
            }
        }
    }
}

#[test]
fn truncated_database_is_a_clear_error_or_problems() {
    let orig = std::fs::read(fixture("android-mmssms-v53.db")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.db");
    std::fs::write(&path, &orig[..orig.len() / 2]).unwrap();
    match detect(&path) {
        Ok(format) => {
            let mut sink = Collect::default();
            let _ = import_path(format, &path, &mut sink);
        }
        Err(ImportError::NotAnExport { reason_zh, .. }) => assert!(reason_zh.contains("SQLite")),
        Err(e) => panic!("{e}"),
    }
    std::fs::write(&path, &orig[..100]).unwrap();
    assert!(matches!(detect(&path), Err(ImportError::NotAnExport { .. })));
}

// ---------------------------------------------------------------------------------------------
// SMS Import/Export

fn smsie(text: &str) -> (Collect, ImportStats) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("messages.ndjson");
    std::fs::write(&path, text).unwrap();
    let format = detect(&path).unwrap();
    assert_eq!(format, Format::SmsIe);
    let mut sink = Collect::default();
    let stats = import_path(format, &path, &mut sink).unwrap();
    (sink, stats)
}

#[test]
fn smsie_messages_ndjson() {
    let text = concat!(
        r#"{"_id":"12","thread_id":"3","address":"+8613812345678","date":"1763380800000","date_sent":"1763380799000","read":"1","status":"-1","type":"1","body":"今天必须还款","service_center":"+8613800100500","locked":"0","sub_id":"1","error_code":"-1","creator":"com.android.messaging","seen":"1","__display_name":"催收A"}"#,
        "\n\n",
        r#"{"_id":"13","thread_id":"3","address":"+8613812345678","date":"1763381000000","type":"2","body":"好的"}"#,
        "\n",
        r#"{"_id":"5","thread_id":"4","date":"1763383600","date_sent":"0","msg_box":"1","read":"1","m_type":"132","sub":"通知","ct_t":"application/vnd.wap.multipart.related","__sender_address":{"address":"+8617012345678","type":"137","charset":"106"},"__recipient_addresses":[{"address":"+8613900000000","type":"151","charset":"106"}],"__parts":[{"seq":"-1","ct":"application/smil","text":"<smil/>"},{"seq":"0","ct":"text/plain","chset":"106","text":"我们已到你家楼下"},{"seq":"1","ct":"image/jpeg","_data":"PART_1.jpg","cl":"PART_1.jpg"}],"m_id__base64__":"AAEC"}"#,
        "\n",
        "{not json}\n",
        r#"{"_id":"14","address":"95188","date":"1763390000000","type":"1","body":"cut"#,
    );
    let (s, st) = smsie(text);
    assert_eq!(st.records, 3);
    let a = &s.records[0];
    assert_eq!(
        (a.kind, a.direction, a.counterparty.as_str()),
        (RecordKind::Sms, Direction::In, "+8613812345678")
    );
    assert_eq!((a.time_raw.as_str(), a.time_unit), ("1763380800000", TimeUnit::UnixMs));
    assert_eq!(time(a), "2025-11-17T12:00:00Z");
    assert_eq!(a.text.as_deref(), Some("今天必须还款"));
    assert_eq!(a.original["__display_name"], "催收A");
    assert_eq!(a.original["sub_id"], "1");
    assert_eq!((a.locator.path.as_str(), a.locator.line, a.locator.offset), ("line:1", 1, 0));
    assert_eq!(s.records[1].direction, Direction::Out);
    assert_eq!(s.records[1].locator.path, "line:3");
    let m = &s.records[2];
    assert_eq!(
        (m.kind, m.direction, m.counterparty.as_str()),
        (RecordKind::Mms, Direction::In, "+8617012345678")
    );
    assert_eq!(m.text.as_deref(), Some("我们已到你家楼下"));
    assert_eq!((m.time_raw.as_str(), m.time_unit), ("1763383600", TimeUnit::UnixS));
    assert_eq!(time(m), "2025-11-17T12:46:40Z");
    assert_eq!(m.original["m_id__base64__"]["base64_len"], 4);
    assert_eq!(m.original["__parts"][2]["_data"], "PART_1.jpg");
    assert_eq!(m.locator.index, 2);
    assert_eq!(
        codes(&s.problems),
        [
            // The MMS's image is in the export ZIP's data/ folder, not in this file.
            ("mms_media_missing".to_string(), "line:4".to_string()),
            ("bad_json".to_string(), "line:5".to_string()),
            ("truncated".to_string(), "line:6".to_string())
        ]
    );
    assert!(st.truncated);
}

#[test]
fn smsie_call_log_json_array() {
    let text = r#"[
  {
    "_id": "1",
    "number": "+8617012345678",
    "date": "1763380800000",
    "duration": "0",
    "type": "3",
    "geocoded_location": "江苏连云港",
    "display_name": "未知"
  },
  {
    "number": "95188",
    "date": "1763380900000",
    "duration": "75",
    "type": "2"
  },
  7
]"#;
    let (s, st) = smsie(text);
    assert_eq!(st.records, 2);
    let c = &s.records[0];
    assert_eq!(
        (c.kind, c.direction, c.call_result),
        (RecordKind::Call, Direction::In, Some(CallResult::Missed))
    );
    assert_eq!((c.counterparty.as_str(), c.duration_s), ("+8617012345678", Some(0)));
    assert_eq!(c.original["geocoded_location"], "江苏连云港");
    assert_eq!(c.locator.path, "/0");
    let d = &s.records[1];
    assert_eq!(
        (d.direction, d.call_result, d.duration_s),
        (Direction::Out, Some(CallResult::Answered), Some(75))
    );
    assert_eq!(d.locator.path, "/1");
    assert_eq!(codes(&s.problems), [("not_an_object".to_string(), "/2".to_string())]);
}

#[test]
fn smsie_truncated_array_keeps_what_was_read() {
    let (s, st) = smsie(
        r#"[{"number":"1","date":"1763380800000","duration":"1","type":"1"},{"number":"2","da"#,
    );
    assert_eq!(st.records, 1);
    assert!(st.truncated);
    assert_eq!(s.problems[0].code, "truncated");
}

#[test]
fn typedstream_decoder_round_trips_built_blobs() {
    for t in ["", "a", "还款", &"x".repeat(127), &"催".repeat(200), &"y".repeat(70_000)] {
        assert_eq!(typedstream::decode(&typedstream::encode_for_tests(t)).unwrap().text, t);
    }
}

/// Found by `cargo fuzz run android` / `ios`: a schema whose column name is not
/// UTF-8 made rusqlite's `column_names` panic. Each importer (and `refine`) now
/// refuses the file with a clear error naming the column.
#[test]
fn column_name_not_utf8_is_a_clear_error_not_a_panic() {
    for name in [
        "fuzz-android-column-not-utf8.db",
        "fuzz-ios-column-not-utf8.db",
        // The schema row's type is `tablE`: SQLite still reads it as a table.
        "fuzz-calllog-type-case-column-not-utf8.db",
        "fuzz-callhistory-type-case-column-not-utf8.storedata",
    ] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("blob");
        std::fs::copy(fixture(name), &path).unwrap();
        let err = detect(&path).unwrap_err();
        assert!(matches!(err, ImportError::NotAnExport { .. }), "{name}: {err}");
        assert!(err.to_string().contains("not UTF-8"), "{name}: {err}");
        for format in
            [Format::AndroidMmsSms, Format::AndroidCallLog, Format::IosSms, Format::IosCallHistory]
        {
            let mut sink = Collect::default();
            let err = import_path(format, &path, &mut sink).unwrap_err();
            assert!(err.to_string().contains("not UTF-8"), "{name} as {format:?}: {err}");
            assert!(sink.records.is_empty(), "{name} as {format:?}");
        }
    }
}

/// Found by `cargo fuzz run android` (a hang): a damaged `calls` b-tree ("rowid 3
/// out of order") handed a row before the resume point back after each error, so
/// the scan re-probed the same pages for ever, importing the same rows again and
/// again. It must end, with each row at most once and the damage reported.
#[test]
fn rowids_out_of_order_in_a_damaged_table_end_the_scan() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("blob");
    std::fs::copy(fixture("fuzz-calllog-rowid-out-of-order.db"), &path).unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut sink = Collect::default();
        let result = import_path(Format::AndroidCallLog, &path, &mut sink);
        let _ = tx.send((result.map(|s| s.records), sink));
    });
    let (result, sink) =
        rx.recv_timeout(std::time::Duration::from_secs(60)).expect("the scan ends");
    let ids: Vec<&Value> = sink.records.iter().map(|r| &r.original["_id"]).collect();
    let mut unique = ids.clone();
    unique.dedup();
    assert_eq!(ids, unique, "no row twice");
    if let Ok(n) = result {
        assert_eq!(n, sink.records.len() as u64);
    }
    assert!(
        sink.problems.iter().any(|p| p.code == "unreadable_rows"),
        "{:?}",
        codes(&sink.problems)
    );
}

/// Found by `cargo fuzz run ios`: a `ZDATE` far beyond any date (a damaged REAL)
/// overflowed the Apple-seconds-to-milliseconds conversion (a panic with overflow
/// checks). The call is kept without a time, with a problem.
#[test]
fn call_history_zdate_beyond_any_date_is_a_problem_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("blob");
    std::fs::copy(fixture("fuzz-callhistory-zdate-huge.storedata"), &path).unwrap();
    let mut sink = Collect::default();
    let _ = import_path(Format::IosCallHistory, &path, &mut sink);
    assert!(sink.records.iter().any(|r| r.time.is_none() && !r.time_raw.is_empty()));
}

/// An sms-ie `messages.ndjson` read with the `data/` files of its ZIP (as the vault hands them
/// over, already stored): each MMS names the stored blob of each part's media; a file that no
/// MMS names and a part whose file is missing are warnings.
#[test]
fn smsie_links_mms_parts_to_their_stored_media() {
    let text = concat!(
        r#"{"_id":"1","address":"10086","date":"1763380800000","type":"1","body":"话费"}"#,
        "\n",
        r#"{"_id":"5","date":"1763383600","msg_box":"1","m_type":"132","__sender_address":{"address":"17012345678","type":"137"},"__parts":[{"seq":"0","ct":"text/plain","text":"看看这是谁"},{"seq":"1","ct":"image/jpeg","_data":"/data/user/0/com.android.providers.telephony/app_parts/PART_1.jpg"},{"seq":"2","ct":"image/png","_data":"/data/user/0/com.android.providers.telephony/app_parts/PART_2.png"}]}"#,
        "\n",
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("blob");
    std::fs::write(&path, text).unwrap();
    let att = |sha: &str, name: &str| anjing_import::Attachment {
        sha256: sha.repeat(64),
        member: format!("导出.zip!/{name}"),
        size: 10,
        meta: None,
    };
    let hints = anjing_import::Hints {
        attachments: [
            ("data/PART_1.jpg".to_string(), att("a", "data/PART_1.jpg")),
            ("data/PART_9.jpg".to_string(), att("b", "data/PART_9.jpg")),
        ]
        .into_iter()
        .collect(),
        ..Default::default()
    };
    let mut sink = Collect::default();
    let steps = std::cell::RefCell::new(Vec::new());
    let stats = anjing_import::import_stored(Format::SmsIe, &path, &hints, &mut sink, &|p| {
        steps.borrow_mut().push(p)
    })
    .unwrap();
    assert_eq!(stats.records, 2);
    let mms = &sink.records[1];
    assert_eq!(mms.kind, RecordKind::Mms);
    assert_eq!(
        mms.original["__anjing_attachments"],
        json!([{
            "part": 1,
            "_data": "/data/user/0/com.android.providers.telephony/app_parts/PART_1.jpg",
            "ct": "image/jpeg",
            "member": "导出.zip!/data/PART_1.jpg",
            "sha256": "a".repeat(64),
            "size": 10,
        }])
    );
    assert!(!sink.records[0].original.contains_key("__anjing_attachments"));
    assert_eq!(
        codes(&sink.problems),
        [
            ("mms_media_missing".to_string(), "line:2".to_string()),
            ("mms_part_unreferenced".to_string(), "导出.zip!/data/PART_9.jpg".to_string()),
        ]
    );
    assert!(sink.problems[0].message_zh.contains("data/PART_2.png"));
    assert!(sink.problems.iter().all(|p| p.severity == Severity::Warning));
    assert_eq!(anjing_import::smsie::part_member("PART_3.jpg").as_deref(), Some("data/PART_3.jpg"));
    assert_eq!(anjing_import::smsie::part_member("/x/"), None);
}

/// A WAL-mode database copied with its `-wal`: [`anjing_import::wal::apply`] gives a scratch copy
/// with the rows only in the WAL, the inputs unchanged, and the scratch folder gone when dropped;
/// a damaged WAL is refused with a reason.
#[test]
fn wal_apply_reads_rows_only_in_the_wal_and_never_writes_the_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let make = |name: &str, rows: &[(i64, &str)], in_wal: &[(i64, &str)]| {
        let p = dir.path().join(name);
        let c = rusqlite::Connection::open(&p).unwrap();
        c.execute_batch(
            "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0;
             CREATE TABLE sms (_id INTEGER PRIMARY KEY, address TEXT, date INTEGER, type INTEGER, body TEXT);
             CREATE TABLE pdu (_id INTEGER PRIMARY KEY, date INTEGER, msg_box INTEGER, m_type INTEGER);",
        )
        .unwrap();
        let ins = |rows: &[(i64, &str)]| {
            for (id, body) in rows {
                c.execute(
                    "INSERT INTO sms VALUES (?1, '10086', 1763380800000, 1, ?2)",
                    rusqlite::params![id, body],
                )
                .unwrap();
            }
        };
        ins(rows);
        c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
        ins(in_wal);
        let (db, wal) =
            (dir.path().join(format!("{name}.copy")), dir.path().join(format!("{name}.wal")));
        std::fs::copy(&p, &db).unwrap();
        std::fs::copy(dir.path().join(format!("{name}-wal")), &wal).unwrap();
        drop(c);
        (db, wal)
    };
    let (db, wal) = make("a.db", &[(1, "一")], &[(2, "只在 WAL 里")]);
    let (db_bytes, wal_bytes) = (std::fs::read(&db).unwrap(), std::fs::read(&wal).unwrap());
    assert!(anjing_import::wal::is_wal(&wal_bytes));
    let scratch = tempfile::tempdir().unwrap();
    let texts = |p: &Path| -> Vec<String> {
        let mut c = Collect::default();
        import_path(Format::AndroidMmsSms, p, &mut c).unwrap();
        c.records.iter().map(|r| r.text.clone().unwrap()).collect()
    };
    assert_eq!(texts(&db), ["一"], "alone, the database lacks the WAL's row");
    let merged = anjing_import::wal::apply(&db, &wal, scratch.path()).unwrap();
    assert_eq!(texts(merged.path()), ["一", "只在 WAL 里"]);
    assert_eq!(anjing_import::wal::count_records(Format::AndroidMmsSms, merged.path()), Some(2));
    let folder = merged.path().parent().unwrap().to_path_buf();
    drop(merged);
    assert!(!folder.exists(), "the scratch folder is removed");
    assert_eq!(std::fs::read(&db).unwrap(), db_bytes);
    assert_eq!(std::fs::read(&wal).unwrap(), wal_bytes);
    // A WAL whose header checksum was damaged in a copy: SQLite takes none of its frames.
    let mut bad = wal_bytes.clone();
    bad[28] ^= 0xFF;
    let bad_wal = dir.path().join("bad.wal");
    std::fs::write(&bad_wal, &bad).unwrap();
    let e = anjing_import::wal::apply(&db, &bad_wal, scratch.path()).unwrap_err();
    assert!(e.contains("none of the WAL"), "{e}");
    assert_eq!(std::fs::read_dir(scratch.path()).unwrap().count(), 0);
}
