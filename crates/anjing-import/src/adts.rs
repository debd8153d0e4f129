//! Raw AAC in ADTS frames (ISO/IEC 13818-7 §6.2, ISO/IEC 14496-3 §1.A.2): a
//! frame-header walk for duration, sample rate, channels and bitrate.
//!
//! Some Android recorders and voice-message exports write `.aac` files: a
//! stream of ADTS frames, optionally after an ID3v2 tag. The audio library we
//! use for other containers (lofty 0.25) loops without end on a frame whose
//! length field is 0 (found by fuzzing, `fuzz/README.md`), so ADTS is read here.
//! Every frame is at least its own 7-byte header long, so the walk always moves
//! forward; it allocates nothing that depends on the input and never panics.

use std::io::{self, Read};

/// Sampling frequencies by `sampling_frequency_index`; 13–15 are reserved.
const RATES: [u32; 13] =
    [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

/// How far into the file (after an ID3v2 tag) the first frame may start.
const SEARCH_LIMIT: u64 = 64 * 1024;

/// What the walk found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AdtsInfo {
    /// Offset of the first frame.
    pub start: u64,
    /// Frames read completely.
    pub frames: u64,
    /// Bytes of those frames, headers included.
    pub bytes: u64,
    /// Sum of each frame's duration, in nanoseconds.
    pub duration_ns: u64,
    /// Of the first frame.
    pub sample_rate: u32,
    /// Channel configuration of the first frame (0 = defined in the stream).
    pub channels: u8,
    /// MPEG-4 audio object type of the first frame (1 Main, 2 LC, 3 SSR, 4 LTP).
    pub object_type: u8,
    /// Where reading stopped early and why (offset of the bad frame header).
    pub stopped: Option<(u64, String)>,
}

impl AdtsInfo {
    pub fn duration_ms(&self) -> u64 {
        self.duration_ns / 1_000_000
    }
    /// Average bitrate in kbit/s over the frames read (0 when nothing was read).
    pub fn bitrate_kbps(&self) -> u64 {
        let kbps = (u128::from(self.bytes) * 8_000_000).checked_div(u128::from(self.duration_ns));
        kbps.map_or(0, |k| k as u64)
    }
    pub fn codec(&self) -> &'static str {
        match self.object_type {
            1 => "AAC Main",
            3 => "AAC SSR",
            4 => "AAC LTP",
            _ => "AAC",
        }
    }
}

/// One parsed frame header.
#[derive(Debug, Clone, Copy)]
struct Header {
    frame_len: u64,
    sample_rate: u32,
    channels: u8,
    object_type: u8,
    samples: u64,
}

/// Parses the 7 fixed header bytes; `Err` says what is wrong.
fn header(b: &[u8; 7]) -> Result<Header, String> {
    if b[0] != 0xFF || b[1] & 0xF0 != 0xF0 {
        return Err(format!("no frame sync (bytes {:02x} {:02x})", b[0], b[1]));
    }
    if b[1] & 0x06 != 0 {
        return Err("layer is not 0 (MPEG audio, not ADTS)".into());
    }
    let protection_absent = b[1] & 0x01 == 1;
    let sf = ((b[2] >> 2) & 0x0F) as usize;
    let sample_rate = *RATES.get(sf).ok_or(format!("reserved sampling frequency index {sf}"))?;
    let frame_len = (u64::from(b[3] & 0x03) << 11) | (u64::from(b[4]) << 3) | u64::from(b[5] >> 5);
    let header_len = if protection_absent { 7 } else { 9 };
    if frame_len < header_len {
        return Err(format!("frame length {frame_len} is shorter than its header"));
    }
    Ok(Header {
        frame_len,
        sample_rate,
        channels: ((b[2] & 0x01) << 2) | (b[3] >> 6),
        object_type: (b[2] >> 6) + 1,
        samples: 1024 * (u64::from(b[6] & 0x03) + 1),
    })
}

/// Reads until `buf` is full or the input ends; returns the bytes read.
fn fill<R: Read>(r: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match r.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

/// Skips `n` bytes; returns how many could be skipped.
fn skip<R: Read>(r: &mut R, n: u64) -> io::Result<u64> {
    io::copy(&mut r.by_ref().take(n), &mut io::sink())
}

/// Reads an ADTS stream from its start (an ID3v2 tag first is skipped).
/// `Ok(None)` when no valid frame starts within the first 64 KiB.
pub fn read<R: Read>(mut r: R) -> io::Result<Option<AdtsInfo>> {
    let mut offset = 0u64;
    let mut win = [0u8; 10];
    let mut have = fill(&mut r, &mut win)?;
    // ID3v2 tags (there may be several), sizes as syncsafe integers.
    while have == 10 && &win[..3] == b"ID3" {
        let size = win[6..10].iter().fold(0u64, |a, &b| (a << 7) | u64::from(b & 0x7F));
        let footer = if win[5] & 0x10 != 0 { 10 } else { 0 };
        let body = size + footer;
        if skip(&mut r, body)? < body {
            return Ok(None);
        }
        offset += 10 + body;
        have = fill(&mut r, &mut win)?;
    }
    // Find the first frame: slide byte by byte over junk.
    let mut h = [0u8; 7];
    h[..have.min(7)].copy_from_slice(&win[..have.min(7)]);
    let mut pending: Vec<u8> = win[have.min(7)..have].to_vec();
    let mut have = have.min(7);
    let first = loop {
        if have < 7 {
            return Ok(None);
        }
        if let Ok(hd) = header(&h) {
            break hd;
        }
        if offset >= SEARCH_LIMIT {
            return Ok(None);
        }
        h.copy_within(1.., 0);
        have -= 1;
        offset += 1;
        if let Some(b) = (!pending.is_empty()).then(|| pending.remove(0)) {
            h[6] = b;
            have += 1;
        } else {
            have += fill(&mut r, &mut h[6..7])?;
        }
    };
    // Bytes already read past the first header go back in front of the reader.
    let mut r = io::Cursor::new(pending).chain(r);
    let mut info = AdtsInfo {
        start: offset,
        sample_rate: first.sample_rate,
        channels: first.channels,
        object_type: first.object_type,
        ..Default::default()
    };
    let mut hd = first;
    loop {
        let body = hd.frame_len - 7;
        let got = skip(&mut r, body)?;
        if got < body {
            info.stopped = Some((
                offset,
                format!("file ends inside a frame ({} of {} bytes)", got + 7, hd.frame_len),
            ));
            break;
        }
        info.frames += 1;
        info.bytes += hd.frame_len;
        info.duration_ns += hd.samples * 1_000_000_000 / u64::from(hd.sample_rate);
        offset += hd.frame_len;
        let n = fill(&mut r, &mut h)?;
        if n == 0 {
            break;
        }
        // An ID3v1 tag closes many files; it is not damage.
        if h.starts_with(b"TAG") {
            break;
        }
        if n < 7 {
            info.stopped =
                Some((offset, format!("file ends inside a frame header ({n} of 7 bytes)")));
            break;
        }
        match header(&h) {
            Ok(next) => hd = next,
            Err(why) => {
                info.stopped = Some((offset, format!("invalid frame header: {why}")));
                break;
            }
        }
    }
    Ok(Some(info))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One ADTS frame: MPEG-4 AAC LC, 44.1 kHz, stereo, no CRC, `len` bytes.
    fn frame(len: usize) -> Vec<u8> {
        let mut f = vec![0u8; len];
        f[0] = 0xFF;
        f[1] = 0xF1;
        f[2] = (1 << 6) | (4 << 2); // LC, 44.1 kHz, channel bit 2 = 0
        f[3] = (2 << 6) | ((len >> 11) as u8 & 0x03);
        f[4] = (len >> 3) as u8;
        f[5] = ((len & 0x07) as u8) << 5 | 0x1F;
        f[6] = 0xFC;
        f
    }

    #[test]
    fn sums_frames_after_an_id3_tag() {
        let mut a = b"ID3\x04\x00\x00\x00\x00\x00\x05hello".to_vec();
        for _ in 0..43 {
            a.extend(frame(371));
        }
        a.extend(b"TAG");
        a.extend([0u8; 125]);
        let i = read(&a[..]).unwrap().unwrap();
        assert_eq!(
            (i.start, i.frames, i.sample_rate, i.channels, i.codec()),
            (15, 43, 44100, 2, "AAC")
        );
        // 43 × 1024 samples at 44.1 kHz ≈ 998 ms; 371 B per 23.2 ms ≈ 127 kbit/s.
        assert_eq!(i.duration_ms(), 998);
        assert_eq!(i.bitrate_kbps(), 127);
        assert!(i.stopped.is_none());
    }

    #[test]
    fn a_cut_or_damaged_stream_says_where_it_stopped() {
        let mut a = frame(300);
        a.extend(frame(300));
        a.truncate(450);
        let i = read(&a[..]).unwrap().unwrap();
        assert_eq!(i.frames, 1);
        assert_eq!(i.stopped.as_ref().unwrap().0, 300);
        assert!(i.stopped.unwrap().1.contains("ends inside a frame"));

        let mut b = frame(300);
        b.extend([0x12; 50]);
        let i = read(&b[..]).unwrap().unwrap();
        assert_eq!(i.stopped.unwrap().1, "invalid frame header: no frame sync (bytes 12 12)");
    }

    /// The input that made lofty loop: frame headers whose length field is 0.
    #[test]
    fn a_zero_length_frame_is_damage_not_a_loop() {
        let bad = include_bytes!("../tests/data/fuzz-aac-bitrate-overflow.bin");
        let t = std::time::Instant::now();
        let i = read(&bad[..]).unwrap();
        assert!(t.elapsed() < std::time::Duration::from_secs(1));
        assert!(i.is_none_or(|i| i.frames <= bad.len() as u64 / 7));
        let mut zero = frame(7);
        zero[3] &= 0xFC;
        zero[4] = 0;
        zero[5] &= 0x1F;
        assert_eq!(read(&zero[..]).unwrap(), None);
    }

    #[test]
    fn rejects_other_files_and_never_panics() {
        assert_eq!(read(&b""[..]).unwrap(), None);
        assert_eq!(read(&b"#!AMR\n"[..]).unwrap(), None);
        assert_eq!(read(&b"ID3\x04\x00\x00\x7f\x7f\x7f\x7f"[..]).unwrap(), None);
        for n in 0..=255u8 {
            let _ = read(&[frame(9).as_slice(), &[n; 100]].concat()[..]);
            let _ = read(&[&[0xFF, 0xF1, n][..], &[n; 40]].concat()[..]);
        }
        // Junk longer than the search window is not AAC.
        let mut far = vec![0u8; 70_000];
        far.extend(frame(100));
        assert_eq!(read(&far[..]).unwrap(), None);
    }
}
