#!/usr/bin/env python3
"""Writes the seed corpora of the new fuzz targets (deterministic; standard library only).

Run from anywhere: `python3 fuzz/gen_seeds.py`. Seeds are copied from the test fixtures
(crates/anjing-import/tests/data, crates/anjing/tests/data{,/more}) or derived from them
(the phone databases are rewritten with 512-byte pages so each stays far below 64 KiB);
the rest are written here. See fuzz/README.md for the table.
"""
import io, os, shutil, sqlite3, struct, tempfile, wave, zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
IMP = os.path.join(ROOT, "crates/anjing-import/tests/data")
CLI = os.path.join(ROOT, "crates/anjing/tests/data")
MORE = os.path.join(CLI, "more")
FIXED = (2026, 1, 7, 12, 0, 0)


def put(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    assert len(data) < 64 * 1024, (target, name, len(data))
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def read(*p):
    with open(os.path.join(*p), "rb") as f:
        return f.read()


def zip_bytes(members):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            z.writestr(zipfile.ZipInfo(name, FIXED), data)
    return buf.getvalue()


# table: the CSV fixtures and a two-sheet XLSX written by hand (shared and inline strings).
for n in ["bill-gbk.csv", "lawyer-sms-bom.csv", "unmapped.csv"]:
    put("table", n, read(MORE, n))
put("table", "semicolon-crlf.csv",
    "时间;号码;内容\r\n2026-01-05 22:13;17112346601;明天上门\r\n1767622380;+8613800138000;\"a;b\"\r\n"
    .encode("utf-8"))
CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
      '<Default Extension="xml" ContentType="application/xml"/>'
      '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
      '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
      '<Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
      '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
      '</Types>')
RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        '</Relationships>')
WB = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
      'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
      '<sheet name="通话详单" sheetId="1" r:id="rId1"/><sheet name="说明" sheetId="2" r:id="rId2"/></sheets></workbook>')
WBRELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
          '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
          '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/>'
          '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
          '</Relationships>')
SST = ('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="6" uniqueCount="6">'
       '<si><t>起始时间</t></si><si><t>对方号码</t></si><si><t>通话时长</t></si><si><t>通信方式</t></si>'
       '<si><t>被叫</t></si><si><t>1分23秒</t></si></sst>')
S1 = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
      '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row>'
      '<row r="2"><c r="A2"><v>46027.925752314816</v></c><c r="B2"><v>17112346601</v></c><c r="C2" t="s"><v>5</v></c><c r="D2" t="s"><v>4</v></c></row>'
      '<row r="3"><c r="A3" t="inlineStr"><is><t>2026-01-06 08:01:00</t></is></c><c r="B3" t="str"><v>+86 139 0013 9000</v></c><c r="C3"><v>125</v></c><c r="D3" t="e"><v>#N/A</v></c></row>'
      '</sheetData></worksheet>')
S2 = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
      '<row r="1"><c r="A1" t="inlineStr"><is><t>本表由运营商 App 导出</t></is></c></row></sheetData></worksheet>')
put("table", "bill.xlsx", zip_bytes([
    ("[Content_Types].xml", CT), ("_rels/.rels", RELS), ("xl/workbook.xml", WB),
    ("xl/_rels/workbook.xml.rels", WBRELS), ("xl/sharedStrings.xml", SST),
    ("xl/worksheets/sheet1.xml", S1), ("xl/worksheets/sheet2.xml", S2)]))

# container: the ZIP fixtures (GBK names and a nested ZIP, path traversal and a symlink,
# a 1000:1 bomb), an empty archive and a stored (uncompressed) member with a UTF-8 name.
for n in ["wechat-gbk.zip", "traversal.zip", "bomb.zip",
          # members that belong together: sms-ie messages + data/ media, a database + its -wal
          "sms-ie-messages.zip", "mmssms-with-wal.zip", "mmssms-bad-wal.zip"]:
    put("container", n, read(MORE, n))
put("smsie", "zip-messages.ndjson", zipfile.ZipFile(os.path.join(MORE, "sms-ie-messages.zip")).read("messages.ndjson"))
put("container", "empty.zip", b"PK\x05\x06" + b"\0" * 18)
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
    z.writestr(zipfile.ZipInfo("截图/Screenshot_20260105-221305.png", FIXED),
               read(MORE, "Screenshot_20260105-221305.png"))
    z.writestr(zipfile.ZipInfo("目录/", FIXED), b"")
put("container", "stored-utf8.zip", buf.getvalue())

# media: the image and AMR fixtures, a short AMR-WB, a WAV and an ID3v2 + MPEG frame header.
put("media", "photo-exif.jpg", read(MORE, "photo-exif.jpg"))
put("media", "screenshot.png", read(MORE, "Screenshot_20260105-221305.png"))
put("media", "image.png", read(CLI, "image.png"))
put("media", "recorder-nb.amr", read(MORE, "13812345678_20260105221305.amr"))
# HEIC (with and without an Exif item), M4A (AAC) and MP3 recordings: anjing-import/tests/data/gen_media.py.
for src, n in [("IMG_0001.HEIC", "iphone.heic"), ("heic-no-exif.heic", "no-exif.heic"),
               ("通话录音 13812345678 2026-01-05 22-13.m4a", "recorder.m4a"),
               ("13900139000_20260106080102.mp3", "recorder.mp3"), ("truncated.m4a", "truncated.m4a")]:
    put("media", n, read(IMP, src))
# AMR-WB: 10 frames of mode 8 (23.85 kbit/s, 60 bytes after the header byte) and one NO_DATA.
put("media", "short-wb.amr", b"#!AMR-WB\n" + (bytes([8 << 3 | 4]) + b"\x55" * 60) * 10 + bytes([15 << 3 | 4]))
wbuf = io.BytesIO()
with wave.open(wbuf, "wb") as w:
    w.setnchannels(1); w.setsampwidth(2); w.setframerate(8000)
    w.writeframes(b"\0\1" * 800)
put("media", "call.wav", wbuf.getvalue())
title = "催收电话".encode("utf-16")  # with BOM
tit2 = b"TIT2" + struct.pack(">I", len(title) + 1) + b"\0\0" + b"\x01" + title
def syncsafe(n):
    return bytes([(n >> 21) & 0x7F, (n >> 14) & 0x7F, (n >> 7) & 0x7F, n & 0x7F])
frame = b"\xff\xfb\x90\x64" + b"\0" * 413  # MPEG-1 layer III, 128 kbit/s, 44.1 kHz
put("media", "tagged.mp3", b"ID3\x03\x00\x00" + syncsafe(len(tit2)) + tit2 + frame * 3)
# Raw AAC (ADTS), as some Android recorders write `.aac`: ID3v2 tag, then 4 AAC-LC frames (44.1 kHz,
# stereo, no CRC) of 300 bytes each (anjing_import::adts).
def adts(n):
    return bytes([0xFF, 0xF1, 1 << 6 | 4 << 2, 2 << 6 | (n >> 11) & 3, (n >> 3) & 0xFF, (n & 7) << 5 | 0x1F, 0xFC]) + b"\x21" * (n - 7)
put("media", "recorder.aac", b"ID3\x04\x00\x00" + syncsafe(0) + adts(300) * 4)

# note: documents as `anjing note add` writes them, one with an unreadable time, one with extra keys.
put("note", "visit.json", '{"anjing_note":1,"from":"李梅","kind":"visit","number":"17112346601","relation":"母亲","summary":"两个人上门，在门上贴了纸条","time":"2026-01-05 22:13","written_at":"2026-01-07T04:00:00Z"}'.encode())
put("note", "bad-time.json", '{"anjing_note":1,"kind":"call","number":"","summary":"打了三次","time":"昨晚"}'.encode())
put("note", "extra.json", '{"anjing_note":2,"kind":"wechat","summary":"语音\\u0000\\ud83d\\ude00","time":"2026/1/6 8:05","x":[1,{"y":null}]}'.encode())

# unescape: attribute values as SBR exports write them.
put("unescape", "surrogates.txt", b"&#55357;&#56832; ok &#55357; lone &#56832; &#xD83D;&#xDE00;")
put("unescape", "entities.txt", b"a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos; &#10;&#13;&#x9; &nbsp; & &#; &#x110000; &#0;")
put("unescape", "plain.txt", "还钱，不然明天上门找你家人".encode())

# android / ios: the phone databases of crates/anjing-import/tests/data (gen_dbs.py), rewritten
# with 512-byte pages (VACUUM); the two WAL ones stay in WAL mode (header bytes 18/19 = 2).
def shrink(src, wal):
    with tempfile.TemporaryDirectory() as tmp:
        p = os.path.join(tmp, "x.db")
        shutil.copy(os.path.join(IMP, src), p)
        con = sqlite3.connect(p)
        con.execute("PRAGMA journal_mode=DELETE")
        con.execute("PRAGMA page_size=512")
        con.execute("VACUUM")
        if wal:
            con.execute("PRAGMA journal_mode=WAL")
        con.close()
        return read(p)
put("android", "mmssms-v53.db", shrink("android-mmssms-v53.db", False))
put("android", "mmssms-v69-vendor.db", shrink("android-mmssms-v69-vendor.db", True))
put("android", "calllog.db", shrink("android-calllog.db", True))
put("ios", "sms.db", shrink("ios-sms.db", False))
put("ios", "CallHistory.storedata", shrink("ios-CallHistory.storedata", False))

# sniff: the first bytes (at most 8 KiB, what the vault sniffs) of one file of each format.
heads = {
    "sbr-messages.xml": read(IMP, "messages.xml"),
    "sbr-calls.xml": read(IMP, "calls.xml"),
    "foreign.xml": read(CLI, "foreign.xml"),
    "not-an-export.txt": read(CLI, "not-an-export.txt"),
    "smsie.ndjson": read(HERE, "corpus/smsie/messages.ndjson"),
    "bill-gbk.csv": read(MORE, "bill-gbk.csv"),
    "bom.csv": read(MORE, "lawyer-sms-bom.csv"),
    "note.json": read(HERE, "corpus/note/visit.json"),
    "photo.jpg": read(MORE, "photo-exif.jpg"),
    "recorder.amr": read(MORE, "13812345678_20260105221305.amr"),
    "call.wav": read(HERE, "corpus/media/call.wav"),
    "bill.xlsx": read(HERE, "corpus/table/bill.xlsx"),
    "wechat.zip": read(MORE, "wechat-gbk.zip"),
    "empty.zip": b"PK\x05\x06" + b"\0" * 18,
    "sqlite-head.db": read(HERE, "corpus/android/calllog.db")[:512],
    "heic-head": b"\0\0\0\x18ftypheic\0\0\0\0mif1heic",
    "m4a-head": b"\0\0\0\x18ftypM4A \0\0\0\0M4A isom",
}
for n, d in heads.items():
    put("sniff", n, d[:8192])
