//! Images (EXIF via kamadak-exif) and recordings (lofty, own AMR reader):
//! any bytes give one record and problems or an error, never a panic.
#![no_main]

use std::io::Cursor;

use anjing_import::{Format, Hints, Problem, RawRecord, RecordSink, SinkError, amr, media};
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
    let hints = Hints { file_name: "13812345678_20260105221305.amr".into(), ..Hints::default() };
    let _ = anjing_import::import_with(Format::Image, Cursor::new(data), &hints, &mut Null);
    let _ = anjing_import::import_with(Format::Audio, Cursor::new(data), &hints, &mut Null);
    if let Ok(Some(info)) = amr::read(data) {
        assert!(info.speech_frames <= info.frames);
        assert!(info.frames <= data.len() as u64);
    }
    // Recorder and screenshot file names.
    let name = String::from_utf8_lossy(&data[..data.len().min(256)]);
    let _ = media::from_file_name(&name);
});
