//! XLSX import: the workbook is written in the test (rust_xlsxwriter), as a
//! lawyer's Excel list of calls: a title row, Chinese headers, a real Excel
//! date-time cell, a number typed as a number, a text time and a broken row.

use std::io::Cursor;

use anjing_import::{Format, Hints, Problem, RawRecord, RecordSink, SinkError};
use rust_xlsxwriter::{Format as XFormat, Workbook};

#[derive(Default)]
struct Collect(Vec<RawRecord>, Vec<Problem>);
impl RecordSink for Collect {
    fn record(&mut self, r: RawRecord) -> Result<(), SinkError> {
        self.0.push(r);
        Ok(())
    }
    fn problem(&mut self, p: Problem) -> Result<(), SinkError> {
        self.1.push(p);
        Ok(())
    }
}

fn workbook() -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("通话记录").unwrap();
    let date = XFormat::new().set_num_format("yyyy-mm-dd hh:mm:ss");
    ws.write_string(0, 0, "张伟案 催收来电整理（律师）").unwrap();
    for (c, h) in ["通话时间", "对方号码", "呼叫类型", "通话时长", "备注"].iter().enumerate()
    {
        ws.write_string(1, c as u16, *h).unwrap();
    }
    // 2026-01-05 22:13:05 as an Excel serial with a date format.
    let serial = 46027.0 + (22.0 * 3600.0 + 13.0 * 60.0 + 5.0) / 86400.0;
    ws.write_number_with_format(2, 0, serial, &date).unwrap();
    ws.write_number(2, 1, 17112346601.0).unwrap();
    ws.write_string(2, 2, "未接").unwrap();
    ws.write_number(2, 3, 0.0).unwrap();
    ws.write_string(2, 4, "深夜").unwrap();
    ws.write_string(3, 0, "2026年1月6日 08:05").unwrap();
    ws.write_string(3, 1, "15012340817").unwrap();
    ws.write_string(3, 2, "呼入").unwrap();
    ws.write_string(3, 3, "1分23秒").unwrap();
    ws.write_string(4, 0, "不记得了").unwrap();
    ws.write_string(4, 1, "18876541203").unwrap();
    ws.write_string(4, 2, "呼入").unwrap();
    let other = wb.add_worksheet().set_name("说明").unwrap();
    other.write_string(0, 0, "这张表没有时间和号码").unwrap();
    other.write_string(0, 1, "只是说明").unwrap();
    wb.save_to_buffer().unwrap()
}

#[test]
fn xlsx_rows_become_calls_with_excel_dates_and_problems() {
    let bytes = workbook();
    assert_eq!(anjing_import::sniff(&bytes[..bytes.len().min(8192)]).unwrap(), Format::Xlsx);
    anjing_import::confirm(Format::Xlsx, Cursor::new(&bytes), &Hints::default()).unwrap();
    let mut s = Collect::default();
    let stats =
        anjing_import::import_with(Format::Xlsx, Cursor::new(&bytes), &Hints::default(), &mut s)
            .unwrap();
    assert_eq!(stats.records, 3);
    let r = &s.0[0];
    assert_eq!(r.locator.path, "通话记录!R3");
    assert_eq!(r.counterparty, "17112346601");
    assert_eq!(anjing_model::time::rfc3339_utc(r.time.unwrap()), "2026-01-05T14:13:05Z");
    assert_eq!(r.call_result, Some(anjing_model::CallResult::Missed));
    assert!(r.original.contains_key("通话时间#excel_serial"));
    assert_eq!(r.original["备注"], "深夜");
    let r = &s.0[1];
    assert_eq!((r.duration_s, r.direction), (Some(83), anjing_model::Direction::In));
    assert_eq!(anjing_model::time::rfc3339_utc(r.time.unwrap()), "2026-01-06T00:05:00Z");
    assert!(s.0[2].time.is_none());
    let codes: Vec<&str> = s.1.iter().map(|p| p.code.as_str()).collect();
    assert!(
        codes.contains(&"preamble")
            && codes.contains(&"bad_time")
            && codes.contains(&"sheet_skipped"),
        "{codes:?}"
    );
}

#[test]
fn truncated_or_garbage_xlsx_is_an_error_not_a_panic() {
    let bytes = workbook();
    for cut in [10, 100, bytes.len() / 2, bytes.len() - 10] {
        let mut s = Collect::default();
        let _ = anjing_import::import_with(
            Format::Xlsx,
            Cursor::new(&bytes[..cut]),
            &Hints::default(),
            &mut s,
        );
    }
}
