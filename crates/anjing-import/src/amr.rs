//! AMR-NB / AMR-WB storage format (RFC 4867 §5): header plus frame-size walk.
//!
//! Chinese call recorders write `#!AMR\n` (narrowband, 8 kHz) or `#!AMR-WB\n`
//! (wideband, 16 kHz) files; neither lofty nor symphonia reads them. Every
//! frame is 20 ms and its size follows from the frame type in its one-byte
//! header, so the duration is a count. The reader allocates nothing that
//! depends on the input and never panics (fuzzed with the media importer).

use std::io::{self, Read};

const NB_MAGIC: &[u8] = b"#!AMR\n";
const WB_MAGIC: &[u8] = b"#!AMR-WB\n";

/// Bytes of a frame including its header byte, by frame type; 0 = invalid.
const NB_SIZES: [u8; 16] = [13, 14, 16, 18, 20, 21, 27, 32, 6, 0, 0, 0, 0, 0, 0, 1];
const WB_SIZES: [u8; 16] = [18, 24, 33, 37, 41, 47, 51, 59, 61, 6, 0, 0, 0, 0, 1, 1];

/// What the walk found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AmrInfo {
    pub wideband: bool,
    /// Frames read completely (each 20 ms).
    pub frames: u64,
    /// Frames carrying speech (not SID / NO_DATA).
    pub speech_frames: u64,
    /// Where reading stopped early and why (offset of the bad frame header).
    pub stopped: Option<(u64, String)>,
}

impl AmrInfo {
    pub fn duration_ms(&self) -> u64 {
        self.frames * 20
    }
    pub fn codec(&self) -> &'static str {
        if self.wideband { "AMR-WB" } else { "AMR-NB" }
    }
}

/// Whether `head` starts with an AMR storage-format header.
pub fn is_amr(head: &[u8]) -> bool {
    head.starts_with(NB_MAGIC) || head.starts_with(WB_MAGIC)
}

/// Reads an AMR file to its end. `Ok(None)` when it has no AMR header.
pub fn read<R: Read>(mut r: R) -> io::Result<Option<AmrInfo>> {
    let mut magic = [0u8; 9];
    let mut got = 0;
    while got < magic.len() {
        match r.read(&mut magic[got..])? {
            0 => break,
            n => got += n,
        }
    }
    let (wideband, header_len) = if magic[..got].starts_with(WB_MAGIC) {
        (true, WB_MAGIC.len())
    } else if magic[..got].starts_with(NB_MAGIC) {
        (false, NB_MAGIC.len())
    } else {
        return Ok(None);
    };
    let sizes = if wideband { &WB_SIZES } else { &NB_SIZES };
    let speech_types = if wideband { 9 } else { 8 };
    let mut info = AmrInfo { wideband, ..Default::default() };
    // Bytes read past the header, carried over from the magic buffer.
    let mut pending: Vec<u8> = magic[header_len..got].to_vec();
    let mut offset = header_len as u64;
    let mut buf = [0u8; 64];
    let mut next = |buf: &mut [u8], r: &mut R| -> io::Result<usize> {
        let mut filled = 0;
        while !pending.is_empty() && filled < buf.len() {
            buf[filled] = pending.remove(0);
            filled += 1;
        }
        while filled < buf.len() {
            match r.read(&mut buf[filled..])? {
                0 => break,
                n => filled += n,
            }
        }
        Ok(filled)
    };
    loop {
        let n = next(&mut buf[..1], &mut r)?;
        if n == 0 {
            break;
        }
        let toc = buf[0];
        let ft = ((toc >> 3) & 0x0f) as usize;
        let size = sizes[ft] as usize;
        if toc & 0x80 != 0 || size == 0 {
            info.stopped =
                Some((offset, format!("invalid frame header 0x{toc:02x} (frame type {ft})")));
            break;
        }
        let body = size - 1;
        let n = next(&mut buf[..body], &mut r)?;
        if n < body {
            info.stopped =
                Some((offset, format!("file ends inside a frame ({n} of {body} bytes)")));
            break;
        }
        info.frames += 1;
        if ft < speech_types {
            info.speech_frames += 1;
        }
        offset += size as u64;
    }
    Ok(Some(info))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_frames_of_both_kinds() {
        let mut nb = b"#!AMR\n".to_vec();
        for _ in 0..50 {
            nb.push(7 << 3 | 0x04); // 12.2 kbit/s, 32 bytes
            nb.extend_from_slice(&[0u8; 31]);
        }
        nb.push(15 << 3); // NO_DATA
        let i = read(&nb[..]).unwrap().unwrap();
        assert_eq!(
            (i.frames, i.speech_frames, i.duration_ms(), i.codec()),
            (51, 50, 1020, "AMR-NB")
        );
        assert!(i.stopped.is_none());

        let mut wb = b"#!AMR-WB\n".to_vec();
        wb.push(8 << 3 | 0x04);
        wb.extend_from_slice(&[0u8; 60]);
        wb.push(2 << 3);
        wb.extend_from_slice(&[0u8; 10]); // cut off
        let i = read(&wb[..]).unwrap().unwrap();
        assert_eq!((i.frames, i.codec()), (1, "AMR-WB"));
        assert!(i.stopped.unwrap().1.contains("ends inside"));
    }

    #[test]
    fn rejects_other_files_and_never_panics() {
        assert_eq!(read(&b"ID3\x04"[..]).unwrap(), None);
        assert_eq!(read(&b""[..]).unwrap(), None);
        let bad = read(&b"#!AMR\n\xff\xff"[..]).unwrap().unwrap();
        assert_eq!(bad.frames, 0);
        assert!(bad.stopped.is_some());
        for n in 0..=255u8 {
            let _ = read(&[b"#!AMR\n".as_slice(), &[n; 100]].concat()[..]);
            let _ = read(&[b"#!AMR-WB\n".as_slice(), &[n; 100]].concat()[..]);
        }
    }
}
