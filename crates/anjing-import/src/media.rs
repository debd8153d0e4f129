/*!
Screenshots, photos and call recordings: the file is the evidence; this
importer only describes it.

One record per file, of kind `image` or `recording`, whose `original` is the
metadata read from the file:

* images (PNG, JPEG, HEIC/HEIF, WebP, GIF): container type, pixel size (PNG
  `IHDR`, JPEG `SOFn`), and every EXIF field (kamadak-exif ≥ 0.6.2) — time
  taken (`DateTimeOriginal` + `OffsetTimeOriginal`), device (`Make`, `Model`);
* recordings: codec, duration, sample rate, channels, bitrate (lofty for
  M4A/MP3/WAV/AAC/Ogg/FLAC; our own [`crate::amr`] reader for AMR-NB/WB).

The record is linked to a number and a time: what the user gave (`--number`,
`--time`) first, then the image's EXIF time, then what the file name shows
(`13812345678_20260105221305.amr`, `通话录音 13812345678 2026-01-05 22-13.m4a`,
`Screenshot_20260105-221305.png`, `IMG_20260105_221305.jpg`); `original` says
which (`time_source`, `number_source`). Neither found is a `Warning`
(`no_time`, `no_number`); unreadable metadata is a `Damaged` problem
(`bad_metadata`, `bad_audio`) and the record is still delivered.
*/

use std::collections::BTreeMap;
use std::io::{BufRead, Read, Seek, SeekFrom};
use std::sync::LazyLock;

use anjing_model::time::TimeUnit;
use anjing_model::{Direction, RecordKind};
use jiff::Timestamp;
use regex::Regex;
use serde_json::{Value, json};

use crate::table::parse_wall_clock;
use crate::{
    Format, Hints, ImportError, ImportStats, Locator, Problem, RawRecord, RecordSink, Severity,
};

/// At most this many EXIF fields go into `original` (a crafted file may have thousands).
const MAX_EXIF_FIELDS: usize = 300;

/// Shortens a text for a message (characters, not bytes).
pub(crate) fn clip(s: &str, max: usize) -> String {
    if s.chars().count() > max {
        let mut t: String = s.chars().take(max).collect();
        t.push('…');
        t
    } else {
        s.to_string()
    }
}

/// Image and audio magic bytes (and ZIP, via [`crate::container`]).
pub(crate) fn sniff_binary(head: &[u8]) -> Option<Format> {
    let at = |o: usize, m: &[u8]| head.get(o..o + m.len()) == Some(m);
    if at(0, b"\x89PNG\r\n\x1a\n")
        || at(0, b"\xFF\xD8\xFF")
        || at(0, b"GIF87a")
        || at(0, b"GIF89a")
        || (at(0, b"RIFF") && at(8, b"WEBP"))
    {
        return Some(Format::Image);
    }
    if at(4, b"ftyp") {
        let brand = head.get(8..12)?;
        return Some(match brand {
            b"heic" | b"heix" | b"hevc" | b"hevx" | b"heim" | b"heis" | b"mif1" | b"msf1"
            | b"avif" => Format::Image,
            _ => Format::Audio, // M4A, MP4 (screen/call recordings), 3GP
        });
    }
    if crate::amr::is_amr(head)
        || at(0, b"ID3")
        || (at(0, b"RIFF") && at(8, b"WAVE"))
        || at(0, b"OggS")
        || at(0, b"fLaC")
        || (head.len() >= 2 && head[0] == 0xFF && head[1] & 0xE0 == 0xE0 && head[1] & 0x06 != 0)
    {
        return Some(Format::Audio);
    }
    crate::container::sniff_zip(head)
}

static NAME_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|\D)((?:\+?86[-\s]?)?1[3-9]\d{9}|0\d{2,3}-\d{7,8}|95\d{3,4}|400-?\d{3}-?\d{4})(?:\D|$)")
        .expect("static regex")
});
static NAME_TIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|\D)(20\d{2})[-_.年]?(\d{2})[-_.月]?(\d{2})日?[\s_T-]*(\d{2})[-_.:时]?(\d{2})(?:[-_.:分]?(\d{2}))?(?:\D|$)")
        .expect("static regex")
});

/// The number and the time a recorder or screenshot tool wrote into a file name.
pub fn from_file_name(name: &str) -> (Option<String>, Option<(Timestamp, String)>) {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let base = base.rsplit_once('.').map(|(b, _)| b).unwrap_or(base);
    let number = NAME_NUMBER.captures(base).map(|c| c[1].replace(['-', ' '], ""));
    let time = NAME_TIME.captures(base).and_then(|c| {
        let raw = c
            .get(0)
            .map(|m| m.as_str().trim_matches(|ch: char| !ch.is_ascii_digit()))
            .unwrap_or("");
        let num = |i: usize| c.get(i).and_then(|m| m.as_str().parse::<i64>().ok()).unwrap_or(0);
        let text = format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
            num(1),
            num(2),
            num(3),
            num(4),
            num(5),
            num(6)
        );
        parse_wall_clock(&text).map(|ts| (ts, raw.to_string()))
    });
    (number, time)
}

fn png_size(head: &[u8]) -> Option<(u32, u32)> {
    if head.get(12..16)? != b"IHDR" {
        return None;
    }
    let w = u32::from_be_bytes(head.get(16..20)?.try_into().ok()?);
    let h = u32::from_be_bytes(head.get(20..24)?.try_into().ok()?);
    Some((w, h))
}

/// The children of an ISO-BMFF box body: `(type, body)`; stops at the first malformed box.
fn bmff_boxes(mut b: &[u8]) -> impl Iterator<Item = ([u8; 4], &[u8])> {
    std::iter::from_fn(move || {
        let size = u32::from_be_bytes(b.get(0..4)?.try_into().ok()?) as usize;
        let kind: [u8; 4] = b.get(4..8)?.try_into().ok()?;
        let (hdr, size) = match size {
            0 => (8, b.len()),
            1 => (16, usize::try_from(u64::from_be_bytes(b.get(8..16)?.try_into().ok()?)).ok()?),
            n => (8, n),
        };
        if size < hdr || size > b.len() {
            return None;
        }
        let body = &b[hdr..size];
        b = &b[size..];
        Some((kind, body))
    })
}

/// The pixel size of a HEIF/HEIC/AVIF image: the first `ispe` property
/// (`meta` → `iprp` → `ipco`), read from the file's first 256 KiB.
fn heif_size<R: Read + Seek>(r: &mut R) -> Option<(u32, u32)> {
    r.rewind().ok()?;
    let mut head = Vec::new();
    r.take(256 * 1024).read_to_end(&mut head).ok()?;
    let (_, meta) = bmff_boxes(&head).find(|(k, _)| k == b"meta")?;
    let (_, iprp) = bmff_boxes(meta.get(4..)?).find(|(k, _)| k == b"iprp")?;
    let (_, ipco) = bmff_boxes(iprp).find(|(k, _)| k == b"ipco")?;
    let (_, ispe) = bmff_boxes(ipco).find(|(k, _)| k == b"ispe")?;
    let w = u32::from_be_bytes(ispe.get(4..8)?.try_into().ok()?);
    let h = u32::from_be_bytes(ispe.get(8..12)?.try_into().ok()?);
    Some((w, h))
}

/// Walks JPEG markers up to the first SOFn (bounded: at most 1000 segments).
fn jpeg_size<R: Read + Seek>(r: &mut R) -> Option<(u32, u32)> {
    r.seek(SeekFrom::Start(2)).ok()?;
    for _ in 0..1000 {
        let mut m = [0u8; 4];
        r.read_exact(&mut m).ok()?;
        if m[0] != 0xFF {
            return None;
        }
        let marker = m[1];
        let len = u16::from_be_bytes([m[2], m[3]]) as i64;
        if (0xC0..=0xCF).contains(&marker) && ![0xC4, 0xC8, 0xCC].contains(&marker) {
            let mut sof = [0u8; 5];
            r.read_exact(&mut sof).ok()?;
            let h = u16::from_be_bytes([sof[1], sof[2]]) as u32;
            let w = u16::from_be_bytes([sof[3], sof[4]]) as u32;
            return Some((w, h));
        }
        if len < 2 {
            return None;
        }
        r.seek(SeekFrom::Current(len - 2)).ok()?;
    }
    None
}

fn exif_time(exif: &exif::Exif) -> Option<(Timestamp, String)> {
    use exif::{In, Tag, Value as V};
    let ascii = |tag: Tag| -> Option<String> {
        match &exif.get_field(tag, In::PRIMARY)?.value {
            V::Ascii(v) => v.first().map(|b| String::from_utf8_lossy(b).trim().to_string()),
            _ => None,
        }
    };
    let raw = ascii(Tag::DateTimeOriginal).or_else(|| ascii(Tag::DateTime))?;
    // "2026:01:05 22:13:05" → "2026-01-05 22:13:05".
    let mut text: Vec<char> = raw.chars().collect();
    if text.len() >= 10 && text[4] == ':' && text[7] == ':' {
        text[4] = '-';
        text[7] = '-';
    }
    let text: String = text.into_iter().collect();
    if let Some(off) = ascii(Tag::OffsetTimeOriginal).filter(|o| o.len() == 6)
        && let Ok(ts) = format!("{}{off}", text.replacen(' ', "T", 1)).parse::<Timestamp>()
    {
        return Some((ts, format!("{raw} {off}")));
    }
    parse_wall_clock(&text).map(|ts| (ts, raw))
}

fn image_meta<R: BufRead + Seek>(
    r: &mut R,
    meta: &mut BTreeMap<String, Value>,
    issues: &mut Vec<(Severity, &'static str, String, String)>,
) -> Result<Option<(Timestamp, String)>, ImportError> {
    let mut head = [0u8; 32];
    r.rewind()?;
    let n = r.read(&mut head)?;
    let head = &head[..n];
    let container = if head.starts_with(b"\x89PNG") {
        "png"
    } else if head.starts_with(b"\xFF\xD8") {
        "jpeg"
    } else if head.starts_with(b"GIF") {
        "gif"
    } else if head.get(8..12) == Some(b"WEBP") {
        "webp"
    } else if head.get(8..12) == Some(b"avif") {
        "avif"
    } else {
        "heif"
    };
    meta.insert("container".into(), json!(container));
    let size = match container {
        "png" => png_size(head),
        "jpeg" => jpeg_size(r),
        "heif" | "avif" => heif_size(r),
        _ => None,
    };
    if let Some((w, h)) = size {
        meta.insert("width".into(), json!(w));
        meta.insert("height".into(), json!(h));
    }
    r.rewind()?;
    let mut time = None;
    match exif::Reader::new().read_from_container(r) {
        Ok(exif) => {
            let mut fields = serde_json::Map::new();
            for f in exif.fields().take(MAX_EXIF_FIELDS) {
                let key = if f.ifd_num == exif::In::PRIMARY {
                    f.tag.to_string()
                } else {
                    format!("{}@{}", f.tag, f.ifd_num)
                };
                if matches!(f.tag, exif::Tag::MakerNote) {
                    continue; // vendor binary blob: stays in the original file
                }
                let v = clip(&f.display_value().with_unit(&exif).to_string(), 200);
                fields.insert(key, Value::String(v));
            }
            for (k, tag) in [
                ("make", exif::Tag::Make),
                ("model", exif::Tag::Model),
                ("software", exif::Tag::Software),
            ] {
                if let Some(f) = exif.get_field(tag, exif::In::PRIMARY) {
                    let v = f.display_value().to_string();
                    meta.insert(k.into(), json!(clip(v.trim_matches('"'), 100)));
                }
            }
            meta.insert("exif".into(), Value::Object(fields));
            time = exif_time(&exif);
        }
        Err(exif::Error::NotFound(_)) | Err(exif::Error::BlankValue(_)) => {}
        Err(e) => issues.push((
            Severity::Damaged,
            "bad_metadata",
            "图片的 EXIF 信息损坏，无法读取拍摄时间和设备（图片本身已原样保存）".into(),
            format!("exif: {e}"),
        )),
    }
    Ok(time)
}

fn audio_meta<R: BufRead + Seek>(
    r: &mut R,
    meta: &mut BTreeMap<String, Value>,
    issues: &mut Vec<(Severity, &'static str, String, String)>,
) -> Result<Option<i64>, ImportError> {
    r.rewind()?;
    if let Some(info) = crate::amr::read(&mut *r)? {
        meta.insert("codec".into(), json!(info.codec()));
        meta.insert("container".into(), json!("amr"));
        meta.insert("frames".into(), json!(info.frames));
        meta.insert("duration_ms".into(), json!(info.duration_ms()));
        meta.insert("sample_rate".into(), json!(if info.wideband { 16000 } else { 8000 }));
        if let Some((at, why)) = &info.stopped {
            issues.push(cut_recording(*at, "amr", why));
        }
        return Ok(Some(((info.duration_ms() + 500) / 1000) as i64));
    }
    r.rewind()?;
    // (`read_tags`/`parsing_mode` take `&mut self` and return a copy: chain them on one value.)
    let opts = lofty::config::ParseOptions::new()
        .read_tags(true)
        .parsing_mode(lofty::config::ParsingMode::Relaxed);
    // A panic inside the audio library (hostile bytes it does not expect) is a reading error
    // like any other, never the end of the import: the file is stored and named either way.
    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let probe = lofty::probe::Probe::new(&mut *r).options(opts).guess_file_type();
        let probe = probe.map_err(|e| e.to_string())?;
        // Raw AAC (ADTS) is walked by our own reader: lofty 0.25 loops without end on
        // a frame whose length field is 0 (see `adts`).
        if probe.file_type() == Some(lofty::file::FileType::Aac) {
            return Ok(None);
        }
        probe.read().map(Some).map_err(|e| e.to_string())
    }))
    .unwrap_or_else(|_| Err("the audio reader (lofty) panicked on this file".to_string()));
    let read = match read {
        Ok(Some(file)) => Ok(file),
        Ok(None) => return adts_meta(r, meta, issues),
        Err(e) => Err(e),
    };
    match read {
        Ok(file) => {
            use lofty::file::AudioFile as _;
            use lofty::file::TaggedFileExt as _;
            let p = file.properties();
            let ms = p.duration().as_millis() as u64;
            let container = format!("{:?}", file.file_type());
            let codec = codec_of(&mut *r, file.file_type()).unwrap_or_else(|| container.clone());
            meta.insert("container".into(), json!(container.to_lowercase()));
            meta.insert("codec".into(), json!(codec));
            meta.insert("duration_ms".into(), json!(ms));
            if let Some(v) = p.sample_rate() {
                meta.insert("sample_rate".into(), json!(v));
            }
            if let Some(v) = p.channels() {
                meta.insert("channels".into(), json!(v));
            }
            if let Some(v) = p.audio_bitrate() {
                meta.insert("bitrate_kbps".into(), json!(v));
            }
            let mut tags = serde_json::Map::new();
            for t in file.tags() {
                for item in t.items().take(100) {
                    if let Some(text) = item.value().text() {
                        tags.insert(format!("{:?}", item.key()), json!(clip(text, 200)));
                    }
                }
            }
            if !tags.is_empty() {
                meta.insert("tags".into(), Value::Object(tags));
            }
            Ok(Some(((ms + 500) / 1000) as i64))
        }
        Err(e) => {
            issues.push(unreadable_recording(format!("lofty: {e}")));
            Ok(None)
        }
    }
}

/// A recording whose frames stop at byte `at` (damaged or cut off): what was read is kept.
fn cut_recording(at: u64, reader: &str, why: &str) -> (Severity, &'static str, String, String) {
    (
        Severity::Damaged,
        "bad_audio",
        format!("录音文件在第 {at} 字节处损坏或被截断，时长只计算到那里（文件已原样保存）"),
        format!("{reader}: {why}"),
    )
}

/// A recording whose format and duration cannot be read at all.
fn unreadable_recording(cause_en: String) -> (Severity, &'static str, String, String) {
    (Severity::Damaged, "bad_audio", "无法读取录音的格式和时长（文件已原样保存）".into(), cause_en)
}

/// Raw AAC: [`crate::adts`] walks the frames.
fn adts_meta<R: BufRead + Seek>(
    r: &mut R,
    meta: &mut BTreeMap<String, Value>,
    issues: &mut Vec<(Severity, &'static str, String, String)>,
) -> Result<Option<i64>, ImportError> {
    r.rewind()?;
    let Some(info) = crate::adts::read(&mut *r)? else {
        issues.push(unreadable_recording("adts: no valid AAC frame in the first 64 KiB".into()));
        return Ok(None);
    };
    meta.insert("container".into(), json!("aac"));
    meta.insert("codec".into(), json!(info.codec()));
    meta.insert("frames".into(), json!(info.frames));
    meta.insert("duration_ms".into(), json!(info.duration_ms()));
    meta.insert("sample_rate".into(), json!(info.sample_rate));
    if info.channels != 0 {
        meta.insert("channels".into(), json!(info.channels));
    }
    meta.insert("bitrate_kbps".into(), json!(info.bitrate_kbps()));
    if let Some((at, why)) = &info.stopped {
        issues.push(cut_recording(*at, "adts", why));
    }
    Ok(Some(((info.duration_ms() + 500) / 1000) as i64))
}

/// The codec inside a container lofty reads: `AAC`/`ALAC`/`FLAC` in MP4, `MP3`
/// (`MPEG-1 Layer 3`) for MPEG audio; `None` where lofty only knows the container.
fn codec_of<R: Read + Seek>(r: &mut R, ft: lofty::file::FileType) -> Option<String> {
    use lofty::file::AudioFile as _;
    let opts = lofty::config::ParseOptions::new()
        .read_tags(false)
        .parsing_mode(lofty::config::ParsingMode::Relaxed);
    r.rewind().ok()?;
    match ft {
        lofty::file::FileType::Mp4 => {
            let f = lofty::mp4::Mp4File::read_from(r, opts).ok()?;
            f.properties().codec().map(|c| format!("{c:?}"))
        }
        lofty::file::FileType::Mpeg => {
            let f = lofty::mpeg::MpegFile::read_from(r, opts).ok()?;
            let p = f.properties();
            let layer = match p.layer() {
                lofty::mpeg::Layer::Layer1 => 1,
                lofty::mpeg::Layer::Layer2 => 2,
                lofty::mpeg::Layer::Layer3 => 3,
            };
            Some(if layer == 3 { "MP3".to_string() } else { format!("MPEG Layer {layer}") })
        }
        _ => None,
    }
}

/// The metadata of a stored media file that belongs to another record (an MMS
/// part): what [`import`] would keep, compactly — container, codec, duration,
/// sample rate, channels, pixel size, EXIF device and the time taken (`taken`,
/// RFC 3339 UTC, with `taken_raw`) — plus `problems`, the codes of what could not
/// be read. `None` when the file is not an image or recording.
pub fn describe_file(path: &std::path::Path) -> Option<Value> {
    let mut head = Vec::with_capacity(64);
    std::fs::File::open(path).ok()?.take(64).read_to_end(&mut head).ok()?;
    let format = sniff_binary(&head).filter(|f| matches!(f, Format::Image | Format::Audio))?;
    let file = std::io::BufReader::new(std::fs::File::open(path).ok()?);
    #[derive(Default)]
    struct One(Option<RawRecord>, Vec<String>);
    impl RecordSink for One {
        fn record(&mut self, r: RawRecord) -> Result<(), crate::SinkError> {
            self.0 = Some(r);
            Ok(())
        }
        fn problem(&mut self, p: Problem) -> Result<(), crate::SinkError> {
            if p.severity != Severity::Warning {
                self.1.push(p.code);
            }
            Ok(())
        }
    }
    let mut one = One::default();
    import(format, file, &Hints::default(), &mut one).ok()?;
    let r = one.0?;
    let mut out = serde_json::Map::new();
    for k in [
        "container",
        "codec",
        "duration_ms",
        "sample_rate",
        "channels",
        "bitrate_kbps",
        "width",
        "height",
        "make",
        "model",
        "software",
    ] {
        if let Some(v) = r.original.get(k) {
            out.insert(k.into(), v.clone());
        }
    }
    if let (Some(t), Some("exif")) = (r.time, r.original.get("time_source").and_then(Value::as_str))
    {
        out.insert("taken".into(), json!(anjing_model::time::rfc3339_utc(t)));
        out.insert("taken_raw".into(), json!(r.time_raw));
    }
    if !one.1.is_empty() {
        out.insert("problems".into(), json!(one.1));
    }
    Some(Value::Object(out))
}

/// Describes one image or recording as one record.
pub fn import<R: BufRead + Seek>(
    format: Format,
    mut reader: R,
    hints: &Hints,
    sink: &mut dyn RecordSink,
) -> Result<ImportStats, ImportError> {
    let size = reader.seek(SeekFrom::End(0))?;
    let mut meta = BTreeMap::new();
    let mut issues = Vec::new();
    meta.insert("file_name".into(), json!(hints.file_name));
    meta.insert("size".into(), json!(size));
    let (kind, media_time, duration_s) = match format {
        Format::Image => {
            (RecordKind::Image, image_meta(&mut reader, &mut meta, &mut issues)?, None)
        }
        _ => (RecordKind::Recording, None, audio_meta(&mut reader, &mut meta, &mut issues)?),
    };
    let (name_number, name_time) = from_file_name(&hints.file_name);

    let user_time = hints.time.as_deref().map(str::trim).filter(|t| !t.is_empty());
    let (time, time_raw, time_source) = if let Some(t) = user_time {
        match parse_wall_clock(t) {
            Some(ts) => (Some(ts), t.to_string(), "user"),
            None => {
                issues.push((
                    Severity::Damaged,
                    "bad_time",
                    format!("给出的时间“{t}”无法识别"),
                    format!("unreadable --time {t:?}"),
                ));
                (None, t.to_string(), "user")
            }
        }
    } else if let Some((ts, raw)) = media_time {
        (Some(ts), raw, "exif")
    } else if let Some((ts, raw)) = name_time {
        (Some(ts), raw, "file_name")
    } else {
        (None, String::new(), "none")
    };
    let (number, number_source) =
        match (hints.number.as_deref().map(str::trim).filter(|n| !n.is_empty()), name_number) {
            (Some(n), _) => (n.to_string(), "user"),
            (None, Some(n)) => (n, "file_name"),
            (None, None) => (String::new(), "none"),
        };
    meta.insert("time_source".into(), json!(time_source));
    meta.insert("number_source".into(), json!(number_source));
    if time.is_none() && time_source == "none" {
        issues.push((
            Severity::Warning,
            "no_time",
            "没有找到时间（文件名和 EXIF 里都没有）：可以用 --time \"2026-01-05 22:13\" 补上"
                .into(),
            "no time from user, EXIF or file name".into(),
        ));
    }
    if number.is_empty() {
        issues.push((
            Severity::Warning,
            "no_number",
            "没有关联号码：可以用 --number 补上".into(),
            "no number from user or file name".into(),
        ));
    }
    let locator = Locator { path: "/".into(), index: 0, line: 0, column: 0, offset: 0 };
    sink.record(RawRecord {
        kind,
        direction: Direction::Unknown,
        counterparty: number,
        time,
        time_raw,
        time_unit: TimeUnit::ShanghaiText,
        text: None,
        duration_s,
        call_result: None,
        locator: locator.clone(),
        original: meta,
    })?;
    let mut stats = ImportStats { records: 1, ..Default::default() };
    for (severity, code, zh, en) in issues {
        stats.problems += 1;
        sink.problem(Problem {
            severity,
            code: code.into(),
            locator: Some(locator.clone()),
            message_zh: zh,
            cause_en: en,
        })?;
    }
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;
    use anjing_model::time::rfc3339_utc;

    #[test]
    fn recorder_and_screenshot_names() {
        let (n, t) = from_file_name("13812345678_20260105221305.amr");
        assert_eq!(n.as_deref(), Some("13812345678"));
        assert_eq!(rfc3339_utc(t.unwrap().0), "2026-01-05T14:13:05Z");
        let (n, t) = from_file_name("录音/通话录音 17112346601 2026-01-05 22-13.m4a");
        assert_eq!(n.as_deref(), Some("17112346601"));
        assert_eq!(rfc3339_utc(t.unwrap().0), "2026-01-05T14:13:00Z");
        let (n, t) = from_file_name("Screenshot_20260105-221305.png");
        assert_eq!(n, None);
        assert_eq!(rfc3339_utc(t.unwrap().0), "2026-01-05T14:13:05Z");
        let (_, t) = from_file_name("Screenshot_2026-01-05-22-13-05-123_com.tencent.mm.jpg");
        assert_eq!(rfc3339_utc(t.unwrap().0), "2026-01-05T14:13:05Z");
        let (n, t) = from_file_name("张三(+86 13812345678)_20261305.mp3");
        assert_eq!(n.as_deref(), Some("+8613812345678"));
        assert!(t.is_none());
        assert_eq!(from_file_name("photo.jpg"), (None, None));
    }

    #[test]
    fn sniffs_media_magic() {
        assert_eq!(sniff_binary(b"\x89PNG\r\n\x1a\n"), Some(Format::Image));
        assert_eq!(sniff_binary(b"\xFF\xD8\xFF\xE1"), Some(Format::Image));
        assert_eq!(sniff_binary(b"\0\0\0\x18ftypheic"), Some(Format::Image));
        assert_eq!(sniff_binary(b"\0\0\0\x18ftypM4A "), Some(Format::Audio));
        assert_eq!(sniff_binary(b"#!AMR\n"), Some(Format::Audio));
        assert_eq!(sniff_binary(b"ID3\x04"), Some(Format::Audio));
        assert_eq!(sniff_binary(b"RIFF\0\0\0\0WAVEfmt "), Some(Format::Audio));
        assert_eq!(sniff_binary(b"<smses>"), None);
        assert_eq!(sniff_binary(b"SQLite format 3\0"), None);
    }
}
