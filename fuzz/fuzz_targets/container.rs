//! ZIP containers: central-directory checks (bomb limits) and the member walk
//! with its path guards, as `import_with(Format::Zip, …)` does them; any bytes
//! give members and problems or an error, never a panic.
#![no_main]

use std::io::Cursor;

use anjing_import::{Format, Hints, Problem, RawRecord, RecordSink, SinkError, container};
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
    let hints = Hints { file_name: "原始文件.zip".into(), ..Hints::default() };
    let _ = anjing_import::confirm(Format::Zip, Cursor::new(data), &hints);
    let _ = anjing_import::import_with(Format::Zip, Cursor::new(data), &hints, &mut Null);
    // Which members belong together (a database and its -wal, sms-ie messages and data/).
    if let Ok(plan) = container::plan(Cursor::new(data)) {
        for (name, _) in plan.groups() {
            let _ = plan.role(name);
        }
    }
    // Name decoding and the path guard on the raw bytes, too.
    let name = container::decode_name(data);
    let _ = container::unsafe_path(&name);
});
