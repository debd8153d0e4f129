#!/usr/bin/env python3
"""Writes the fixtures of this folder (deterministic; run from anywhere). See README.md."""
import io, os, struct, zipfile, zlib

HERE = os.path.dirname(os.path.abspath(__file__))
FIXED = (2026, 1, 7, 12, 0, 0)


def put(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


# 1. Carrier itemised bill (China Mobile style), GBK, with title/account lines and a total row.
bill = (
    "中国移动通话详单\r\n"
    "客户姓名：张伟,手机号码：13800138000,查询月份：2026年01月\r\n"
    "起始时间,通话地点,通信方式,对方号码,通话时长,通信类型,费用(元)\r\n"
    "2026-01-05 22:13:05,深圳,被叫,17112346601,1分23秒,国内通话,0.00\r\n"
    "2026-01-05 23:41:10,深圳,被叫,17112346602,25秒,国内通话,0.00\r\n"
    "2026-01-06 08:01:00,深圳,主叫,13900139000,00:02:05,国内通话,0.00\r\n"
    "2026-01-06 09:30:00,深圳,被叫,18876541203,很久,国内通话,0.00\r\n"
    "合计,,,,,,0.00\r\n"
)
put("bill-gbk.csv", bill.encode("gbk"))

# 2. SMS typed by a lawyer from screenshots: UTF-8 with BOM, separate date and time columns.
sms = (
    "日期,时间,号码,短信内容,方向,备注\n"
    "2026/1/5,22:13,15012340817,\"张伟，欠款今天不还，明天上门找你家人\",接收,截图1\n"
    "2026年1月6日,8:05:30,+86 188 7654 1203,再不还就通知你通讯录所有人,接收,截图2\n"
    "2026-01-06,23:50,17112346601,\"你的案件已立案，即将移交经侦，\"\"冻结\"\"银行卡\",收到,截图3\n"
)
put("lawyer-sms-bom.csv", b"\xef\xbb\xbf" + sms.encode("utf-8"))

# 3. A CSV with no time/number column (needs --map).
put("unmapped.csv", "当时,谁,说了什么\n2026-01-05 22:13,17112346601,明天上门\n".encode("utf-8"))


# 4. PNG screenshot (4×2 RGB), name as Android writes it.
def png(w, h):
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * w for _ in range(h))
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
shot = png(4, 2)
put("Screenshot_20260105-221305.png", shot)


# 5. JPEG with EXIF (Make, Model, DateTimeOriginal + OffsetTimeOriginal), via Pillow.
from PIL import Image
img = Image.new("RGB", (8, 6), (200, 30, 30))
exif = Image.Exif()
exif[0x010F] = "HUAWEI"
exif[0x0110] = "ELS-AN00"
exif[0x0132] = "2026:01:06 09:00:00"
ifd = exif.get_ifd(0x8769)
ifd[0x9003] = "2026:01:05 22:30:15"   # DateTimeOriginal
ifd[0x9011] = "+08:00"                # OffsetTimeOriginal
buf = io.BytesIO()
img.save(buf, "JPEG", exif=exif.tobytes(), quality=50)
put("photo-exif.jpg", buf.getvalue())

# 6. AMR-NB call recording: header + 100 frames of 12.2 kbit/s (2.0 s), recorder-style name.
amr = b"#!AMR\n" + (bytes([0x3C]) + bytes(31)) * 100
put("13812345678_20260105221305.amr", amr)


def zip_bytes(entries):
    """entries: (name_bytes, data, flags) ; name bytes written raw (GBK without the UTF-8 flag)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        placeholders = []
        for i, (name, data, extra) in enumerate(entries):
            ph = ("Q%dQ" % i).ljust(len(name), "Z").encode()
            info = zipfile.ZipInfo(ph.decode(), FIXED)
            info.compress_type = zipfile.ZIP_DEFLATED
            if extra == "symlink":
                info.create_system = 3
                info.external_attr = (0o120777 << 16)
            z.writestr(info, data)
            placeholders.append((ph, name))
    b = out.getvalue()
    for ph, name in placeholders:
        assert len(ph) == len(name)
        b = b.replace(ph, name)  # local header and central directory
    return b


gbk = lambda s: s.encode("gbk")
sbr = open(os.path.join(HERE, "..", "overlap-a.xml"), "rb").read()
inner = zip_bytes([(b"13812345678_20260105221305.amr", amr, None)])
put("wechat-gbk.zip", zip_bytes([
    (gbk("妈妈的手机/短信.xml"), sbr, None),
    (gbk("妈妈的手机/截图_20260106-080102.png"), png(2, 2), None),
    (gbk("说明.txt"), "妈妈手机里的短信和截图".encode("utf-8"), None),
    (gbk("录音/录音.zip"), inner, None),
]))

# 7. Path traversal, absolute path and a symlink, next to one good member.
put("traversal.zip", zip_bytes([
    (b"../../evil.xml", sbr, None),
    (b"/tmp/abs.xml", sbr, None),
    (b"link.xml", b"/etc/passwd", "symlink"),
    (b"ok/Screenshot_20260105-221305.png", shot, None),
]))

# 8. Zip bomb: 20 MiB of zeros deflate to ~20 KiB (ratio ~1000:1).
put("bomb.zip", zip_bytes([(b"zeros.xml", b"\0" * (20 << 20), None)]))
