#!/usr/bin/env python3
"""Writes the tiny media fixtures of tests/media.rs (standard library only, deterministic).

Real cases they stand for:
* `IMG_0001.HEIC`   — an iPhone photo of a collector's visit (HEIC with an Exif item: Make Apple,
                      Model iPhone 13, DateTimeOriginal 2026:01:05 22:13:05 +08:00, 64x48 `ispe`).
                      Its image item is two bytes of an HEVC NAL header, not a decodable picture:
                      Anjing stores a photo byte-exact and reads only its boxes (ftyp, ispe) and
                      Exif, never the pixels, so a real bitstream would test nothing more.
* `heic-no-exif.heic` — a HEIC saved by an editing app that dropped the metadata (no Exif item).
* `通话录音 13812345678 2026-01-05 22-13.m4a` — a call recording from a Chinese phone's recorder:
                      MP4/M4A, one AAC-LC track, 8 kHz mono, 3.5 s (mdhd 28000/8000).
* `13900139000_20260106080102.mp3` — a recording converted to MP3 by a recorder app: an ID3v2.3 tag
                      (TIT2 "催收电话") and 77 silent MPEG-1 Layer III frames, 128 kbit/s, 44.1 kHz, mono
                      (77 × 1152 / 44100 ≈ 2.01 s).
* `truncated.m4a`   — the same M4A cut inside its `moov` (an interrupted WeChat transfer).
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def box(kind, payload):
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def fullbox(kind, version, flags, payload):
    return box(kind, struct.pack(">I", (version << 24) | flags) + payload)


def tiff_exif():
    """A big-endian TIFF with IFD0 (Make, Model, ExifIFD pointer) and an Exif IFD."""
    entries0 = []
    data = b""
    base = 8
    make, model = b"Apple\0", b"iPhone 13\0"
    dto, off = b"2026:01:05 22:13:05\0", b"+08:00\0"
    n0, n1 = 3, 2
    ifd0_size = 2 + n0 * 12 + 4
    ifd1_at = base + ifd0_size
    ifd1_size = 2 + n1 * 12 + 4
    data_at = ifd1_at + ifd1_size
    blobs = [make, model, dto, off]
    offs = []
    p = data_at
    for b in blobs:
        offs.append(p)
        p += len(b)
    ifd0 = struct.pack(">H", n0)
    ifd0 += struct.pack(">HHII", 0x010F, 2, len(make), offs[0])
    ifd0 += struct.pack(">HHII", 0x0110, 2, len(model), offs[1])
    ifd0 += struct.pack(">HHII", 0x8769, 4, 1, ifd1_at)
    ifd0 += struct.pack(">I", 0)
    ifd1 = struct.pack(">H", n1)
    ifd1 += struct.pack(">HHII", 0x9003, 2, len(dto), offs[2])
    ifd1 += struct.pack(">HHII", 0x9011, 2, len(off), offs[3])
    ifd1 += struct.pack(">I", 0)
    return b"MM\x00\x2a" + struct.pack(">I", base) + ifd0 + ifd1 + b"".join(blobs)


def heic(with_exif):
    ftyp = box(b"ftyp", b"heic" + struct.pack(">I", 0) + b"mif1heic")
    hdlr = fullbox(b"hdlr", 0, 0, struct.pack(">I", 0) + b"pict" + b"\0" * 12 + b"\0")
    pitm = fullbox(b"pitm", 0, 0, struct.pack(">H", 1))
    infes = [fullbox(b"infe", 2, 0, struct.pack(">HH", 1, 0) + b"hvc1" + b"\0")]
    if with_exif:
        infes.append(fullbox(b"infe", 2, 0, struct.pack(">HH", 2, 0) + b"Exif" + b"\0"))
    iinf = fullbox(b"iinf", 0, 0, struct.pack(">H", len(infes)) + b"".join(infes))
    ispe = fullbox(b"ispe", 0, 0, struct.pack(">II", 64, 48))
    iprp = box(b"iprp", box(b"ipco", ispe) + fullbox(b"ipma", 0, 0, struct.pack(">IHBB", 1, 1, 1, 0x81)))
    # A 2-byte HEVC NAL header (length-prefixed), not a picture: the importer never decodes pixels.
    image = b"\0\0\0\x02" + b"\x26\x01"
    exif = struct.pack(">I", 6) + b"Exif\0\0" + tiff_exif() if with_exif else b""
    items = [(1, image)] + ([(2, exif)] if with_exif else [])

    def iloc(mdat_start):
        body = struct.pack(">HH", 0x4400, len(items))  # offset 4, length 4, base 0
        p = mdat_start + 8
        for item_id, payload in items:
            body += struct.pack(">HHHII", item_id, 0, 1, p, len(payload))
            p += len(payload)
        return fullbox(b"iloc", 0, 0, body)

    def meta(mdat_start):
        return fullbox(b"meta", 0, 0, hdlr + pitm + iloc(mdat_start) + iinf + iprp)

    start = len(ftyp) + len(meta(0))
    mdat = box(b"mdat", b"".join(p for _, p in items))
    return ftyp + meta(start) + mdat


def m4a():
    ftyp = box(b"ftyp", b"M4A " + struct.pack(">I", 0) + b"M4A mp42isom")
    mvhd = fullbox(b"mvhd", 0, 0, struct.pack(">IIII", 0, 0, 1000, 3500) + struct.pack(">IH", 0x00010000, 0x0100)
                   + b"\0" * 10 + struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000) + b"\0" * 24
                   + struct.pack(">I", 2))
    tkhd = fullbox(b"tkhd", 0, 3, struct.pack(">IIIII", 0, 0, 1, 0, 3500) + b"\0" * 8 + struct.pack(">HHHH", 0, 0, 0x0100, 0)
                   + struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000) + struct.pack(">II", 0, 0))
    mdhd = fullbox(b"mdhd", 0, 0, struct.pack(">IIII", 0, 0, 8000, 28000) + struct.pack(">HH", 0x55C4, 0))
    hdlr = fullbox(b"hdlr", 0, 0, struct.pack(">I", 0) + b"soun" + b"\0" * 12 + b"SoundHandler\0")
    # esds: ES descriptor → decoder config (AAC, object type 0x40) → decoder specific info (AAC-LC, 8 kHz, mono).
    dsi = bytes([0x05, 0x02, 0x15, 0x88])  # tag 5, len 2: 00010 1011 0001 000 = LC, 8000 Hz (idx 11), 1 ch
    dcd = bytes([0x04, 13 + len(dsi), 0x40, 0x15, 0, 0, 0]) + struct.pack(">II", 16000, 16000) + dsi
    sl = bytes([0x06, 0x01, 0x02])
    es = bytes([0x03, 3 + len(dcd) + len(sl), 0x00, 0x01, 0x00]) + dcd + sl
    esds = fullbox(b"esds", 0, 0, es)
    mp4a = box(b"mp4a", b"\0" * 6 + struct.pack(">H", 1) + struct.pack(">HHI", 0, 0, 0)
               + struct.pack(">HHHH", 1, 16, 0, 0) + struct.pack(">I", 8000 << 16) + esds)
    stsd = fullbox(b"stsd", 0, 0, struct.pack(">I", 1) + mp4a)
    stts = fullbox(b"stts", 0, 0, struct.pack(">III", 1, 28, 1000))
    stsc = fullbox(b"stsc", 0, 0, struct.pack(">I", 0))
    stsz = fullbox(b"stsz", 0, 0, struct.pack(">II", 0, 0))
    stco = fullbox(b"stco", 0, 0, struct.pack(">I", 0))
    stbl = box(b"stbl", stsd + stts + stsc + stsz + stco)
    smhd = fullbox(b"smhd", 0, 0, struct.pack(">HH", 0, 0))
    minf = box(b"minf", smhd + stbl)
    mdia = box(b"mdia", mdhd + hdlr + minf)
    trak = box(b"trak", tkhd + mdia)
    moov = box(b"moov", mvhd + trak)
    mdat = box(b"mdat", b"\0" * 400)
    return ftyp + moov + mdat


def mp3():
    title = "催收电话".encode("utf-16")  # BOM + UTF-16
    frame = b"TIT2" + struct.pack(">I", 1 + len(title)) + b"\0\0" + b"\x01" + title
    size = len(frame) + 10  # some padding
    syncsafe = bytes([(size >> 21) & 0x7F, (size >> 14) & 0x7F, (size >> 7) & 0x7F, size & 0x7F])
    tag = b"ID3\x03\x00\x00" + syncsafe + frame + b"\0" * 10
    header = b"\xFF\xFB\x90\xC0"  # MPEG-1 Layer III, 128 kbit/s, 44100 Hz, no padding, mono
    frames = (header + b"\0" * (417 - 4)) * 77
    return tag + frames


def write(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


write("IMG_0001.HEIC", heic(True))
write("heic-no-exif.heic", heic(False))
full = m4a()
write("通话录音 13812345678 2026-01-05 22-13.m4a", full)
write("truncated.m4a", full[:120])
write("13900139000_20260106080102.mp3", mp3())
