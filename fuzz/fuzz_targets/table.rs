//! CSV and XLSX tables: header search, confirm and import, with and without a
//! `--map`; any bytes give records and problems or an error, never a panic.
#![no_main]

use std::io::Cursor;

use anjing_import::{Hints, Problem, RawRecord, RecordSink, SinkError, table};
use libfuzzer_sys::fuzz_target;

struct Null;

impl RecordSink for Null {
    fn record(&mut self, _: RawRecord) -> Result<(), SinkError> {
        Ok(())
    }
    fn problem(&mut self, _: Problem) -> Result<(), SinkError> {
        Ok(())
    }
}

fuzz_target!(|data: &[u8]| {
    let plain = Hints::default();
    let mapped = Hints {
        column_map: table::parse_map("当时=time,谁=number,说了什么=text").unwrap_or_default(),
        ..Hints::default()
    };
    for hints in [&plain, &mapped] {
        if data.starts_with(b"PK") {
            let _ = table::confirm_xlsx(Cursor::new(data), hints);
            let _ = table::import_xlsx(Cursor::new(data), hints, &mut Null);
        } else {
            let _ = table::confirm_csv(data, hints);
            let _ = table::import_csv(data, hints, &mut Null);
        }
    }
});
