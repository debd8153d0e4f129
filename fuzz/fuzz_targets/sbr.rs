//! SMS Backup & Restore XML: any bytes give records and problems or an error, never a panic.
#![no_main]

use anjing_import::{Problem, RawRecord, RecordSink, SinkError};
use libfuzzer_sys::fuzz_target;

struct Count(u64);

impl RecordSink for Count {
    fn record(&mut self, r: RawRecord) -> Result<(), SinkError> {
        self.0 += 1 + r.original.len() as u64;
        Ok(())
    }
    fn problem(&mut self, p: Problem) -> Result<(), SinkError> {
        self.0 += p.message_zh.len() as u64;
        Ok(())
    }
}

fuzz_target!(|data: &[u8]| {
    let _ = anjing_import::sniff(data);
    let mut sink = Count(0);
    let _ = anjing_import::sbr::import(data, &mut sink);
});
