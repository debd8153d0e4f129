//! SMS Backup & Restore importer against the fixtures in `tests/data/`.

use std::path::PathBuf;

use anjing_import::{
    ImportError, ImportStats, Problem, RawRecord, RecordSink, Severity, SinkError, sbr,
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

fn fixture(name: &str) -> Vec<u8> {
    let p: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests", "data", name].iter().collect();
    std::fs::read(p).unwrap()
}

fn run(bytes: &[u8]) -> (Collect, ImportStats) {
    let mut sink = Collect::default();
    let stats = sbr::import(bytes, &mut sink).unwrap();
    assert_eq!(stats.records, sink.records.len() as u64);
    assert_eq!(stats.problems, sink.problems.len() as u64);
    (sink, stats)
}

fn s(r: &RawRecord, k: &str) -> String {
    match r.original.get(k) {
        Some(Value::String(v)) => v.clone(),
        other => panic!("original[{k}] = {other:?}"),
    }
}

fn time(r: &RawRecord) -> String {
    rfc3339_utc(r.time.expect("time"))
}

/// The 1-based line and column of the first occurrence of `needle` in `text`.
fn line_col(text: &str, needle: &str) -> (u64, u64) {
    let at = text.find(needle).unwrap_or_else(|| panic!("{needle} not in fixture"));
    let before = &text[..at];
    let line = before.matches('\n').count() as u64 + 1;
    let col = before.rsplit('\n').next().unwrap().chars().count() as u64 + 1;
    (line, col)
}

fn codes(problems: &[Problem]) -> Vec<(&str, Severity)> {
    problems.iter().map(|p| (p.code.as_str(), p.severity)).collect()
}

#[test]
fn realistic_messages_backup() {
    let bytes = fixture("messages.xml");
    let text = std::str::from_utf8(&bytes).unwrap();
    let (sink, stats) = run(&bytes);
    assert!(!stats.truncated);
    assert_eq!(stats.records, 5);
    assert!(sink.problems.is_empty(), "{:#?}", sink.problems);
    let r = &sink.records;

    // 1: incoming collector SMS, Chinese body with &#10; and &amp;.
    assert_eq!(r[0].kind, RecordKind::Sms);
    assert_eq!(r[0].direction, Direction::In);
    assert_eq!(r[0].counterparty, "+8617012345678");
    assert_eq!(time(&r[0]), "2024-03-04T16:55:09Z");
    assert_eq!(r[0].time_raw, "1709571309000");
    assert_eq!(r[0].time_unit, TimeUnit::UnixMs);
    assert_eq!(
        r[0].text.as_deref(),
        Some(
            "【XX花】您已逾期3天，欠款\n2,350.00元。今日18点前不还款，将联系您的通讯录&紧急联系人！"
        )
    );
    assert_eq!(r[0].duration_s, None);
    assert_eq!(r[0].call_result, None);
    assert_eq!(s(&r[0], "subject"), "null");
    assert_eq!(s(&r[0], "readable_date"), "2024年3月5日 00:55:09");
    assert_eq!(s(&r[0], "contact_name"), "(Unknown)");
    assert_eq!(s(&r[0], "service_center"), "+8613800100500");
    assert_eq!(r[0].original.len(), 16);
    assert!(!r[0].original.contains_key("parts"));
    assert_eq!(r[0].locator.path, "/smses/sms[1]");
    assert_eq!(r[0].locator.index, 0);
    assert_eq!((r[0].locator.line, r[0].locator.column), line_col(text, "<sms protocol"));
    assert_eq!((r[0].locator.line, r[0].locator.column), (10, 3));
    assert_eq!(r[0].locator.offset, text.find("<sms protocol").unwrap() as u64);

    // 2: outgoing reply, emoji as surrogate pairs (decimal and hex), unknown attribute kept.
    assert_eq!(r[1].direction, Direction::Out);
    assert_eq!(r[1].counterparty, "17012345678");
    assert_eq!(r[1].text.as_deref(), Some("我在想办法，请不要打给我家人🙏😭"));
    assert_eq!(time(&r[1]), "2024-03-04T18:00:00.123Z");
    assert_eq!(s(&r[1], "rcs_message_id"), "null");
    assert_eq!(s(&r[1], "date_sent"), "0");
    assert_eq!(r[1].locator.path, "/smses/sms[2]");
    assert_eq!((r[1].locator.line, r[1].locator.column), (11, 3));

    // 3: incoming MMS with a picture: From addr (137) is the counterparty.
    let m = &r[2];
    assert_eq!(m.kind, RecordKind::Mms);
    assert_eq!(m.direction, Direction::In);
    assert_eq!(m.counterparty, "+8616512349876");
    assert_eq!(time(m), "2024-03-05T00:53:20Z");
    assert_eq!(m.text.as_deref(), Some("这是你家的照片吧？\n再不还钱就上门 🏠"));
    assert_eq!(m.locator.path, "/smses/mms[1]");
    assert_eq!(m.locator.index, 2);
    assert_eq!((m.locator.line, m.locator.column), (12, 3));
    assert_eq!(s(m, "m_id"), "NOK5AB12CD34EF");
    assert_eq!(s(m, "msg_box"), "1");
    let parts = m.original["parts"].as_array().unwrap();
    assert_eq!(parts.len(), 3);
    assert_eq!(parts[0]["ct"], "application/smil");
    assert_eq!(parts[0]["cid"], "<smil>");
    assert!(parts[0]["text"].as_str().unwrap().starts_with("<smil><body><par dur=\"5000ms\">"));
    // The picture: data replaced by its length and digest, the rest kept.
    assert_eq!(parts[1]["ct"], "image/jpeg");
    assert_eq!(parts[1]["name"], "photo.jpg");
    assert!(parts[1].get("data").is_none());
    assert_eq!(parts[1]["data_len"], 128);
    assert_eq!(
        parts[1]["data_sha256"],
        "68a1b5fca452cc99011045ba755393928ff9cec4534bea89825685b6d2b5fc9c"
    );
    assert_eq!(parts[2]["chset"], "106");
    assert_eq!(
        m.original["addrs"],
        json!([
            {"address": "+8616512349876", "type": "137", "charset": "106"},
            {"address": "+8613912345678", "type": "151", "charset": "106"},
        ])
    );

    // 4: draft with a "null" address: Out, no counterparty, "null" kept in the original.
    assert_eq!(r[3].direction, Direction::Out);
    assert_eq!(r[3].counterparty, "");
    assert_eq!(s(&r[3], "address"), "null");
    assert_eq!(s(&r[3], "type"), "3");
    assert_eq!(s(&r[3], "contact_name"), "null");
    assert_eq!(r[3].locator.path, "/smses/sms[3]");
    assert_eq!(r[3].locator.index, 3);

    // 5: outgoing group MMS: To addrs (151) joined with ~, text parts joined by newlines.
    assert_eq!(r[4].direction, Direction::Out);
    assert_eq!(r[4].counterparty, "13800000001~13800000002");
    assert_eq!(r[4].text.as_deref(), Some("爸妈，有人打电话说我欠钱，\n不要理他们，也别给钱。"));
    assert_eq!(r[4].locator.path, "/smses/mms[2]");
    assert_eq!(r[4].locator.index, 4);
    assert_eq!(s(&r[4], "contact_name"), "妈妈, 爸爸");
}

#[test]
fn calls_of_every_type() {
    let bytes = fixture("calls.xml");
    let text = std::str::from_utf8(&bytes).unwrap();
    let (sink, stats) = run(&bytes);
    assert!(!stats.truncated);
    let got: Vec<_> = sink
        .records
        .iter()
        .map(|r| (r.counterparty.as_str(), r.direction, r.call_result, r.duration_s))
        .collect();
    use CallResult::*;
    use Direction::{In, Out};
    assert_eq!(
        got,
        vec![
            ("+8617012340001", In, Some(Answered), Some(125)),
            ("17012340001", Out, Some(CallResult::Unknown), Some(0)),
            ("17012340002", In, Some(Missed), Some(0)),
            ("17012340003", In, Some(Voicemail), Some(0)),
            ("17012340004", In, Some(Rejected), Some(0)),
            ("17012340005", In, Some(Blocked), Some(0)),
            ("13900000000", In, Some(Answered), Some(42)),
            ("", In, Some(Missed), Some(0)),
            ("95588", Direction::Unknown, Some(CallResult::Unknown), Some(61)),
            ("17012340001", Out, Some(Answered), Some(33)),
        ]
    );
    for (i, r) in sink.records.iter().enumerate() {
        assert_eq!(r.kind, RecordKind::Call);
        assert_eq!(r.text, None);
        assert_eq!(r.locator.path, format!("/calls/call[{}]", i + 1));
        assert_eq!(r.locator.index, i as u64);
        assert_eq!(r.locator.line, 10 + i as u64);
        assert_eq!(r.locator.column, 3);
    }
    assert_eq!(time(&sink.records[0]), "2024-03-04T17:00:00Z");
    assert_eq!(s(&sink.records[7], "presentation"), "2");
    assert_eq!(s(&sink.records[7], "number"), "");
    assert_eq!(s(&sink.records[0], "post_dial_digits"), "");
    assert!(s(&sink.records[0], "subscription_component_name").starts_with("com.android.phone/"));

    // Unknown vendor type: a warning on that record; count="9" for 10 calls: a warning on the root.
    assert_eq!(
        codes(&sink.problems),
        vec![("unknown_type", Severity::Warning), ("count_mismatch", Severity::Warning)]
    );
    let p = &sink.problems[0];
    let loc = p.locator.as_ref().unwrap();
    assert_eq!(loc.path, "/calls/call[9]");
    assert_eq!((loc.line, loc.column), line_col(text, "<call number=\"95588\""));
    assert!(p.message_zh.contains("方向不明"));
    let root = sink.problems[1].locator.as_ref().unwrap();
    assert_eq!((root.path.as_str(), root.line, root.column), ("/calls", 9, 1));
}

#[test]
fn damaged_fields_are_kept_and_reported() {
    let bytes = fixture("bad_fields.xml");
    let text = std::str::from_utf8(&bytes).unwrap();
    let (sink, stats) = run(&bytes);
    assert!(!stats.truncated);
    let r = &sink.records;
    assert_eq!(r.len(), 7);

    // Every problem, in order, with its record path.
    let got: Vec<_> = sink
        .problems
        .iter()
        .map(|p| (p.code.as_str(), p.severity, p.locator.as_ref().unwrap().path.as_str()))
        .collect();
    use Severity::*;
    assert_eq!(
        got,
        vec![
            ("bad_date", Damaged, "/smses/sms[1]"),
            ("missing_attribute", Damaged, "/smses/sms[2]"),
            ("missing_attribute", Damaged, "/smses/sms[3]"),
            ("missing_attribute", Damaged, "/smses/sms[4]"),
            ("lone_surrogate", Warning, "/smses/sms[5]"),
            ("unknown_entity", Warning, "/smses/sms[5]"),
            ("duplicate_attribute", Warning, "/smses/sms[5]"),
            ("unknown_type", Warning, "/smses/sms[5]"),
            ("unknown_element", Warning, "/smses/rcs_message[1]"),
            ("bad_duration", Damaged, "/smses/call[1]"),
            ("missing_attribute", Damaged, "/smses/mms[1]"),
            ("count_mismatch", Warning, "/smses"),
        ]
    );

    // bad date: kept, no time, raw value kept.
    assert_eq!(r[0].time, None);
    assert_eq!(r[0].time_raw, "bad");
    assert_eq!(r[0].text.as_deref(), Some("验证码 1234"));
    let loc = sink.problems[0].locator.as_ref().unwrap();
    assert_eq!((loc.line, loc.column), line_col(text, "<sms address=\"10690000\""));
    assert_eq!(loc.index, 0);
    // missing date / address / type.
    assert_eq!((r[1].time, r[1].time_raw.as_str()), (None, ""));
    assert!(sink.problems[1].cause_en.contains("\"date\""));
    assert_eq!(r[2].counterparty, "");
    assert!(sink.problems[2].cause_en.contains("\"address\""));
    assert_eq!(r[3].direction, Direction::Unknown);
    assert!(sink.problems[3].cause_en.contains("\"type\""));
    // lone surrogates and &nbsp;: U+FFFD, literal entity; the duplicate body kept as body#2.
    assert_eq!(r[4].text.as_deref(), Some("半个\u{FFFD}表情&nbsp;和\u{FFFD}"));
    assert!(sink.problems[4].cause_en.starts_with("2 lone"));
    assert_eq!(s(&r[4], "body#2"), "第二个正文");
    assert_eq!(r[4].direction, Direction::Unknown);
    // The unknown element: skipped, reported at its place; it takes no record index.
    let loc = sink.problems[8].locator.as_ref().unwrap();
    assert_eq!((loc.line, loc.column, loc.index), (13, 3, 5));
    // call with a bad duration.
    assert_eq!(r[5].kind, RecordKind::Call);
    assert_eq!(r[5].locator.path, "/smses/call[1]");
    assert_eq!(r[5].locator.index, 5);
    assert_eq!(r[5].duration_s, None);
    assert_eq!(r[5].call_result, Some(CallResult::Answered));
    // MMS without msg_box, with an empty parts and no addrs: address attribute used.
    assert_eq!(r[6].kind, RecordKind::Mms);
    assert_eq!(r[6].direction, Direction::Unknown);
    assert_eq!(r[6].counterparty, "4");
    assert_eq!(r[6].text, None);
    assert_eq!(r[6].original["parts"], json!([]));
    assert_eq!(r[6].original["addrs"], json!([]));
}

#[test]
fn unclosed_element_mid_file_keeps_what_came_before() {
    let bytes = fixture("unclosed_mid.xml");
    let text = std::str::from_utf8(&bytes).unwrap();
    let (sink, stats) = run(&bytes);
    assert!(!stats.truncated);
    assert_eq!(sink.records.len(), 2);
    assert_eq!(sink.records[0].text.as_deref(), Some("第一条"));
    let mms = &sink.records[1];
    assert_eq!(mms.kind, RecordKind::Mms);
    assert_eq!(mms.text.as_deref(), Some("彩信文字"));
    assert_eq!(mms.counterparty, "+8616512349876");
    assert_eq!(
        codes(&sink.problems),
        vec![
            ("incomplete_record", Severity::Damaged),
            ("malformed_xml", Severity::Unreadable),
            ("count_mismatch", Severity::Warning),
        ]
    );
    let p = &sink.problems[1];
    let loc = p.locator.as_ref().unwrap();
    assert_eq!((loc.line, loc.column), line_col(text, "</mms>"));
    assert_eq!((loc.line, loc.column), (10, 3));
    assert_eq!(loc.offset, text.find("</mms>").unwrap() as u64);
    assert_eq!(loc.path, "/smses/mms[1]");
    assert!(p.cause_en.contains("expected </parts>, found </mms>"), "{}", p.cause_en);
    assert!(p.cause_en.contains("line 10, column 3"));
    assert!(p.message_zh.contains("第 10 行第 3 列"));
}

#[test]
fn truncated_backup_keeps_complete_records() {
    let bytes = fixture("truncated.xml");
    let text = std::str::from_utf8(&bytes).unwrap();
    let (sink, stats) = run(&bytes);
    assert!(stats.truncated);
    assert_eq!(sink.records.len(), 2);
    assert_eq!(sink.records[1].text.as_deref(), Some("第二条完整的短信\n两行"));
    assert_eq!(
        codes(&sink.problems),
        vec![("truncated", Severity::Unreadable), ("count_mismatch", Severity::Warning)]
    );
    let loc = sink.problems[0].locator.as_ref().unwrap();
    // Reported at the start of the tag that was cut off.
    assert_eq!(
        (loc.line, loc.column),
        line_col(text, "<sms protocol=\"0\" address=\"+8617012345678\" date=\"1709571309002\"")
    );
    assert_eq!(loc.path, "/smses");
    assert_eq!(loc.index, 2);
}

#[test]
fn content_after_root_is_reported() {
    let bytes = fixture("garbage_after_root.xml");
    let (sink, stats) = run(&bytes);
    assert!(!stats.truncated);
    assert_eq!(sink.records.len(), 1);
    assert_eq!(codes(&sink.problems), vec![("content_after_root", Severity::Unreadable)]);
    let loc = sink.problems[0].locator.as_ref().unwrap();
    assert_eq!((loc.line, loc.column), (7, 1));

    // Plain junk text after the root as well; whitespace and comments are fine.
    let (sink, _) = run(b"<smses count=\"0\"></smses>\n<!-- ok -->\n \0junk");
    assert_eq!(codes(&sink.problems), vec![("content_after_root", Severity::Unreadable)]);
    let (sink, _) = run(b"<smses count=\"0\"></smses>\n<!-- ok -->\n\n");
    assert!(sink.problems.is_empty());
}

#[test]
fn malformed_attribute_keeps_going() {
    let bytes = fixture("malformed_attr.xml");
    let text = std::str::from_utf8(&bytes).unwrap();
    let (sink, stats) = run(&bytes);
    assert!(!stats.truncated);
    assert_eq!(sink.records.len(), 2);
    assert_eq!(s(&sink.records[0], "address"), "17012345678");
    assert_eq!(sink.records[0].original.len(), 1);
    assert_eq!(sink.records[1].text.as_deref(), Some("下一条正常"));
    assert_eq!(
        codes(&sink.problems),
        vec![
            ("malformed_xml", Severity::Unreadable),
            ("missing_attribute", Severity::Damaged),
            ("missing_attribute", Severity::Damaged),
        ]
    );
    let loc = sink.problems[0].locator.as_ref().unwrap();
    let (line, col) = line_col(text, "1709571309000 type");
    assert_eq!((loc.line, loc.column), (line, col));
    assert_eq!(loc.path, "/smses/sms[1]");
}

#[test]
fn invalid_utf8_in_a_record_is_read_with_replacement() {
    let mut bytes =
        b"<smses>\n<sms address=\"1\" date=\"1709571309000\" type=\"1\" body=\"ab".to_vec();
    bytes.extend_from_slice(b"\xff\xfe");
    bytes.extend_from_slice(
        b"cd\" />\n<sms address=\"2\" date=\"1709571310000\" type=\"2\" body=\"ok\" />\n</smses>\n",
    );
    let (sink, stats) = run(&bytes);
    assert!(!stats.truncated, "{:#?}", sink.problems);
    assert_eq!(sink.records.len(), 2);
    assert_eq!(sink.records[0].text.as_deref(), Some("ab\u{FFFD}\u{FFFD}cd"));
    assert_eq!(codes(&sink.problems), vec![("invalid_utf8", Severity::Damaged)]);
    let loc = sink.problems[0].locator.as_ref().unwrap();
    assert_eq!((loc.line, loc.column, loc.index), (2, 56, 0));
    assert_eq!(sink.records[1].counterparty, "2");
}

#[test]
fn bom_crlf_and_single_quotes() {
    let bytes = b"\xEF\xBB\xBF<?xml version='1.0'?>\r\n<smses count='1'>\r\n  <sms address='10086' date='1709571309000' type='1' body='\xE4\xBD\xA0\xE5\xA5\xBD \"x\"' />\r\n</smses>\r\n";
    let (sink, _) = run(bytes);
    assert!(sink.problems.is_empty(), "{:?}", sink.problems);
    let r = &sink.records[0];
    assert_eq!(r.text.as_deref(), Some("你好 \"x\""));
    assert_eq!((r.locator.line, r.locator.column, r.locator.offset), (3, 3, 47));
}

#[test]
fn foreign_and_empty_inputs() {
    let mut sink = Collect::default();
    assert!(matches!(
        sbr::import(&b"<html><body/></html>"[..], &mut sink),
        Err(ImportError::NotAnExport { .. })
    ));
    assert!(matches!(sbr::import(&b""[..], &mut sink), Err(ImportError::NotAnExport { .. })));
    assert!(sink.records.is_empty() && sink.problems.is_empty());
    // Only a prolog: an interrupted backup.
    let (sink, stats) = run(b"<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n");
    assert!(stats.truncated);
    assert_eq!(codes(&sink.problems), vec![("truncated", Severity::Unreadable)]);
}

/// A sink that fails stops the import with an error.
#[test]
fn sink_errors_stop_the_import() {
    struct Fail;
    impl RecordSink for Fail {
        fn record(&mut self, _: RawRecord) -> Result<(), SinkError> {
            Err(SinkError("disk full".into()))
        }
        fn problem(&mut self, _: Problem) -> Result<(), SinkError> {
            Ok(())
        }
    }
    let bytes = fixture("messages.xml");
    assert!(matches!(sbr::import(&bytes[..], &mut Fail), Err(ImportError::Sink(_))));
}

/// Cutting a backup at every byte never panics, and what is read is a prefix of
/// the full read (an MMS cut inside is delivered as `incomplete_record`).
#[test]
fn truncation_at_every_byte_reads_a_prefix() {
    for name in ["messages.xml", "calls.xml", "bad_fields.xml"] {
        let bytes = fixture(name);
        let (full, _) = run(&bytes);
        for cut in 0..bytes.len() {
            let mut sink = Collect::default();
            let stats = match sbr::import(&bytes[..cut], &mut sink) {
                Ok(s) => s,
                Err(ImportError::NotAnExport { .. }) => {
                    assert!(sink.records.is_empty());
                    continue;
                }
                Err(e) => panic!("{name} cut at {cut}: {e}"),
            };
            assert!(stats.truncated || cut + 1 >= bytes.len(), "{name} cut at {cut}");
            let incomplete = sink.problems.iter().any(|p| p.code == "incomplete_record");
            let complete = sink.records.len() - usize::from(incomplete);
            for (a, b) in sink.records.iter().zip(&full.records).take(complete) {
                assert_eq!(
                    serde_json::to_value(a).unwrap(),
                    serde_json::to_value(b).unwrap(),
                    "{name} cut at {cut}"
                );
            }
            if incomplete {
                let a = sink.records.last().unwrap();
                let b = &full.records[complete];
                assert_eq!(a.locator, b.locator, "{name} cut at {cut}");
                assert_eq!(a.time, b.time);
                assert_eq!(a.direction, b.direction);
            }
        }
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]
    /// Arbitrary bytes spliced into a real backup never panic.
    #[test]
    fn never_panics_on_mangled_input(at in 0usize..4200, junk in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..16), drop in 0usize..8) {
        let mut bytes = fixture("messages.xml");
        let at = at.min(bytes.len());
        let end = (at + drop).min(bytes.len());
        bytes.splice(at..end, junk);
        let mut sink = Collect::default();
        let _ = sbr::import(&bytes[..], &mut sink);
    }
}

/// An excerpt of a real Google Messages export (SMS Backup & Restore, 2024, RCS
/// chats stored as `<mms>`): a 1:1 RCS message whose `addrs` list the sender as
/// both CC (130) and From (137), a sent MMS, a received group RCS message whose
/// `address` is `group_8@rcs.google.com`, an image MMS, `date_sent` in seconds
/// and `sub_id` on parts. See `tests/data/README.md` for the source.
#[test]
fn real_google_messages_rcs_export() {
    let (sink, stats) = run(&fixture("sbr-google-messages-rcs.xml"));
    assert_eq!(stats.records, 6);
    assert!(sink.problems.is_empty(), "{:?}", sink.problems);
    let r = &sink.records;
    let got: Vec<(RecordKind, Direction, &str)> =
        r.iter().map(|r| (r.kind, r.direction, r.counterparty.as_str())).collect();
    assert_eq!(
        got,
        [
            (RecordKind::Sms, Direction::In, "+15550000001"),
            (RecordKind::Sms, Direction::Out, "+15550000004"),
            (RecordKind::Mms, Direction::In, "+15550000006"),
            (RecordKind::Mms, Direction::Out, "+15550000006"),
            // The group chat's sender is its From addr, not the RCS group address.
            (RecordKind::Mms, Direction::In, "+15550000009"),
            (RecordKind::Mms, Direction::In, "+15550000011"),
        ]
    );
    assert_eq!(time(&r[0]), "2017-12-02T14:49:27.463Z");
    assert_eq!(r[1].text.as_deref(), Some("Body text 10\nBody text 11\nBody text 12"));
    assert_eq!(time(&r[2]), "2024-07-14T22:53:13Z");
    assert_eq!(r[2].text.as_deref(), Some("Body text 45"));
    // Only the text/plain part, not the SMIL layout.
    assert_eq!(r[3].text.as_deref(), Some("Body text 46"));
    assert_eq!(r[4].text.as_deref(), Some("Body text 47"));
    assert_eq!(s(&r[4], "address"), "group_8@rcs.google.com");
    assert_eq!(r[5].text.as_deref(), Some("Body text 54"));
    // `date_sent` of an MMS is in seconds: kept as written, never used as the time.
    assert_eq!(s(&r[2], "date_sent"), "1720997593");
    let parts = r[5].original["parts"].as_array().unwrap();
    assert_eq!(parts.len(), 3);
    assert_eq!(parts[1]["data_len"], 96);
    assert_eq!(parts[1]["sub_id"], "1");
    assert_eq!(r[2].original["addrs"].as_array().unwrap().len(), 3);
}

/// An old-app backup (2012–2014 app versions; synthetic, mimicking
/// fkleon/sms-backup-manager's `sms-and-mms.xml`): no `sub_id` on the SMS, an MMS
/// without `<addrs>`, single-quoted SMIL with raw double quotes, an empty
/// `data=""`, `m_size="null"`, XML comments and tabs between records, a sent MMS
/// whose From is `insert-address-token`, and a `count` that is wrong.
#[test]
fn old_app_version_backup() {
    let (sink, stats) = run(&fixture("sbr-old-app-2012.xml"));
    assert_eq!(stats.records, 3);
    assert_eq!(codes(&sink.problems), [("count_mismatch", Severity::Warning)]);
    let r = &sink.records;
    assert_eq!((r[0].direction, r[0].counterparty.as_str()), (Direction::Out, "+4915100000001"));
    assert_eq!(r[0].text.as_deref(), Some("Klar "));
    assert_eq!(time(&r[0]), "2012-05-11T09:47:44.538Z");
    // No <addrs>: the sender is the MMS's own `address`.
    assert_eq!((r[1].direction, r[1].counterparty.as_str()), (Direction::In, "+4917600000002"));
    assert_eq!(r[1].text, None);
    assert_eq!(r[1].original["addrs"], json!([]));
    let parts = r[1].original["parts"].as_array().unwrap();
    assert!(parts[0]["text"].as_str().unwrap().contains("<region id=\"Image\""));
    assert_eq!(parts[1]["data_len"], 0);
    assert_eq!(s(&r[1], "m_size"), "null");
    // Sent group MMS: the To addrs, never the From placeholder.
    assert_eq!(
        (r[2].direction, r[2].counterparty.as_str()),
        (Direction::Out, "+12120000003~+4921500000004")
    );
    assert_eq!(r[2].text.as_deref(), Some("Wo bist du?"));
}
