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
    // With the media of an export's data/ folder, as the vault reads a sms-ie ZIP.
    let attachment = |name: &str| anjing_import::Attachment {
        sha256: "0".repeat(64),
        member: format!("导出.zip!/{name}"),
        size: 1,
        meta: Some(serde_json::json!({"codec": "AAC"})),
    };
    let hints = anjing_import::Hints {
        attachments: ["data/PART_1.jpg", "data/a", "data/"]
            .into_iter()
            .map(|n| (n.to_string(), attachment(n)))
            .collect(),
        ..Default::default()
    };
    let _ = anjing_import::smsie::import_with(data, &hints, &mut Null);
});
