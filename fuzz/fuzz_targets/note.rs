//! `anjing note add` documents: any bytes give one record or an error, never a panic.
#![no_main]

use anjing_import::{Problem, RawRecord, RecordSink, SinkError, note};
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
    if note::import(data, &mut Null).is_ok() {
        // A readable note written back canonically reads again.
        let v: serde_json::Value = serde_json::from_slice(data).expect("import parsed it");
        let n: note::Note = serde_json::from_value(v).expect("import accepted it");
        let doc = note::document(&n);
        assert!(note::import(&doc[..], &mut Null).is_ok());
    }
});
