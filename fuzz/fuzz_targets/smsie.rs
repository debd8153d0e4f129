//! SMS Import/Export NDJSON / JSON array: any bytes, never a panic.
#![no_main]

use anjing_import::{Problem, RawRecord, RecordSink, SinkError};
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
    let _ = anjing_import::smsie::looks_like_smsie(data);
    let _ = anjing_import::smsie::import(data, &mut Null);
});
