//! Photos and recordings in the formats phones really write (HEIC, M4A, MP3), against the tiny
//! fixtures written by `tests/data/gen_media.py` (each one's real case is named there): the
//! metadata is read (EXIF time and device, pixel size, codec, duration), and where it cannot be,
//! a clear problem is recorded and the record is still delivered — never a panic.

use std::io::Cursor;
use std::path::PathBuf;

use anjing_import::{
    Format, Hints, Problem, RawRecord, RecordSink, Severity, SinkError, import_with, sniff,
};
use anjing_model::RecordKind;
use anjing_model::time::rfc3339_utc;

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
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Sniffs the bytes (never the name) and imports them as the vault would, with the file's name.
fn run_bytes(name: &str, bytes: Vec<u8>) -> (Format, Collect) {
    let format = sniff(&bytes[..bytes.len().min(8192)]).unwrap();
    let hints = Hints { file_name: name.to_string(), ..Hints::default() };
    let mut sink = Collect::default();
    let stats = import_with(format, Cursor::new(bytes), &hints, &mut sink).unwrap();
    assert_eq!(stats.records, 1, "{name}: one record per file");
    assert_eq!(sink.records.len(), 1);
    (format, sink)
}

fn run(name: &str) -> (Format, Collect) {
    run_bytes(name, fixture(name))
}

fn codes(c: &Collect) -> Vec<(&str, Severity)> {
    c.problems.iter().map(|p| (p.code.as_str(), p.severity)).collect()
}

#[test]
fn heic_photo_gives_exif_time_device_and_size() {
    let (format, c) = run("IMG_0001.HEIC");
    assert_eq!(format, Format::Image);
    let r = &c.records[0];
    assert_eq!(r.kind, RecordKind::Image);
    let m = &r.original;
    assert_eq!(m["container"], "heif");
    assert_eq!((m["make"].as_str(), m["model"].as_str()), (Some("Apple"), Some("iPhone 13")));
    assert_eq!((m["width"].as_u64(), m["height"].as_u64()), (Some(64), Some(48)));
    // 22:13:05 at +08:00 is 14:13:05 UTC; the EXIF time wins over a name without one.
    assert_eq!(m["time_source"], "exif");
    assert_eq!(rfc3339_utc(r.time.unwrap()), "2026-01-05T14:13:05Z");
    assert_eq!(r.time_raw, "2026:01:05 22:13:05 +08:00");
    // No number in the name and none given: only that is said.
    assert_eq!(codes(&c), [("no_number", Severity::Warning)]);
}

#[test]
fn heic_without_exif_is_kept_and_says_what_is_missing() {
    let (_, c) = run("heic-no-exif.heic");
    let r = &c.records[0];
    assert!(r.time.is_none());
    assert_eq!(r.original["container"], "heif");
    assert_eq!(r.original["width"].as_u64(), Some(64));
    assert!(!r.original.contains_key("make"));
    let got = codes(&c);
    assert!(got.contains(&("no_time", Severity::Warning)), "{got:?}");
    assert!(got.contains(&("no_number", Severity::Warning)), "{got:?}");
    assert!(got.iter().all(|(_, s)| *s == Severity::Warning), "{got:?}");
}

#[test]
fn m4a_call_recording_gives_codec_duration_and_the_number_and_time_of_its_name() {
    let (format, c) = run("通话录音 13812345678 2026-01-05 22-13.m4a");
    assert_eq!(format, Format::Audio);
    let r = &c.records[0];
    assert_eq!(r.kind, RecordKind::Recording);
    let m = &r.original;
    assert_eq!(m["container"], "mp4");
    assert_eq!(m["codec"], "AAC");
    assert_eq!(m["duration_ms"].as_u64(), Some(3500));
    assert_eq!((m["sample_rate"].as_u64(), m["channels"].as_u64()), (Some(8000), Some(1)));
    assert_eq!(r.duration_s, Some(4)); // 3.5 s rounds to 4
    assert_eq!(r.counterparty, "13812345678");
    assert_eq!(rfc3339_utc(r.time.unwrap()), "2026-01-05T14:13:00Z");
    assert!(c.problems.is_empty(), "{:?}", codes(&c));
}

#[test]
fn mp3_recording_gives_codec_duration_and_tags() {
    let (format, c) = run("13900139000_20260106080102.mp3");
    assert_eq!(format, Format::Audio);
    let r = &c.records[0];
    let m = &r.original;
    assert_eq!(m["container"], "mpeg");
    assert_eq!(m["codec"], "MP3");
    let ms = m["duration_ms"].as_u64().unwrap();
    assert!(
        (1950..=2060).contains(&ms),
        "77 frames of 1152 samples at 44.1 kHz ≈ 2011 ms, got {ms}"
    );
    assert_eq!(r.duration_s, Some(2));
    assert_eq!((m["sample_rate"].as_u64(), m["channels"].as_u64()), (Some(44100), Some(1)));
    assert_eq!(m["tags"]["TrackTitle"], "催收电话");
    assert_eq!(r.counterparty, "13900139000");
    assert_eq!(rfc3339_utc(r.time.unwrap()), "2026-01-06T00:01:02Z");
    assert!(c.problems.is_empty(), "{:?}", codes(&c));
}

#[test]
fn a_cut_recording_is_kept_with_a_damaged_problem() {
    let (_, c) = run("truncated.m4a");
    let r = &c.records[0];
    assert_eq!(r.kind, RecordKind::Recording);
    assert_eq!(r.duration_s, None);
    let p = c.problems.iter().find(|p| p.code == "bad_audio").expect("bad_audio");
    assert_eq!(p.severity, Severity::Damaged);
    assert!(p.message_zh.contains("已原样保存"), "{}", p.message_zh);
}

/// Every prefix and many corruptions of the fixtures: a record and problems, never a panic.
#[test]
fn cut_and_corrupted_media_never_panic() {
    for name in [
        "IMG_0001.HEIC",
        "heic-no-exif.heic",
        "通话录音 13812345678 2026-01-05 22-13.m4a",
        "13900139000_20260106080102.mp3",
    ] {
        let full = fixture(name);
        let step = (full.len() / 97).max(1);
        for cut in (16..full.len()).step_by(step) {
            let bytes = full[..cut].to_vec();
            let Ok(format) = sniff(&bytes) else { continue };
            let mut sink = Collect::default();
            let hints = Hints { file_name: name.into(), ..Hints::default() };
            let _ = import_with(format, Cursor::new(bytes), &hints, &mut sink);
        }
        for (i, at) in (8..full.len()).step_by(step).enumerate() {
            let mut bytes = full.clone();
            bytes[at] ^= 0x5A ^ (i as u8);
            let Ok(format) = sniff(&bytes) else { continue };
            let mut sink = Collect::default();
            let hints = Hints { file_name: name.into(), ..Hints::default() };
            if import_with(format, Cursor::new(bytes), &hints, &mut sink).is_ok() {
                assert_eq!(sink.records.len(), 1, "{name} flipped at {at}");
            }
        }
    }
}

/// An ID3-tagged raw AAC (ADTS) stream, as some Android recorders and voice-message exports write
/// `.aac` files: 44.1 kHz stereo AAC-LC, 86 frames of 300 bytes (about 2 s).
fn adts_recording() -> Vec<u8> {
    let mut a = b"ID3\x04\x00\x00\x00\x00\x00\x00".to_vec();
    for _ in 0..86 {
        let len = 300usize;
        let mut f = vec![0u8; len];
        f[..7].copy_from_slice(&[
            0xFF,
            0xF1,
            (1 << 6) | (4 << 2),
            (2 << 6) | ((len >> 11) as u8 & 0x03),
            (len >> 3) as u8,
            ((len & 0x07) as u8) << 5 | 0x1F,
            0xFC,
        ]);
        a.extend(f);
    }
    a
}

#[test]
fn raw_aac_recording_gives_codec_duration_and_bitrate() {
    let (format, c) = run_bytes("录音_13812345678_20260105221305.aac", adts_recording());
    assert_eq!(format, Format::Audio);
    let m = &c.records[0].original;
    assert_eq!((m["container"].as_str(), m["codec"].as_str()), (Some("aac"), Some("AAC")));
    assert_eq!(m["duration_ms"].as_u64(), Some(1996)); // 86 × 1024 / 44100 s = 1.9969 s
    assert_eq!((m["sample_rate"].as_u64(), m["channels"].as_u64()), (Some(44100), Some(2)));
    assert_eq!(m["bitrate_kbps"].as_u64(), Some(103));
    assert_eq!(c.records[0].duration_s, Some(2));
    assert!(c.problems.is_empty(), "{:?}", codes(&c));
}

/// What fuzzing found: ADTS frame headers whose length field is 0 made the audio library loop
/// without end. Read as a recording, the file ends quickly with a damaged-audio problem.
#[test]
fn aac_frames_of_length_zero_are_a_problem_not_a_hang() {
    let start = std::time::Instant::now();
    for bytes in [
        fixture("fuzz-aac-bitrate-overflow.bin"),
        [b"ID3\x04\x00\x00\x00\x00\x00\x00".as_slice(), &fixture("fuzz-aac-bitrate-overflow.bin")]
            .concat(),
    ] {
        let mut sink = Collect::default();
        let hints = Hints { file_name: "x.aac".into(), ..Hints::default() };
        import_with(Format::Audio, Cursor::new(bytes), &hints, &mut sink).unwrap();
        assert_eq!(sink.records.len(), 1);
        assert!(codes(&sink).contains(&("bad_audio", Severity::Damaged)), "{:?}", codes(&sink));
    }
    assert!(start.elapsed() < std::time::Duration::from_secs(10));
    let mut cut = adts_recording();
    cut.truncate(5000);
    let (_, c) = run_bytes("cut.aac", cut);
    assert!(codes(&c).contains(&("bad_audio", Severity::Damaged)));
    assert_eq!(c.records[0].original["frames"].as_u64(), Some(16));
}
