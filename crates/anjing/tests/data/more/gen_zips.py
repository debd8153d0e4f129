#!/usr/bin/env python3
"""Writes the ZIP fixtures of tests/import_zip.rs (standard library only; deterministic but for the WAL salts SQLite draws at random):

* `sms-ie-messages.zip` — what the mother's Android phone gives with the SMS Import/Export app
  (com.github.tmo1.sms_ie, "Export messages"), sent over WeChat: `messages.ndjson` first (SMS and
  MMS objects with the provider's columns as strings, MMS `date` in seconds, `__parts`,
  `__sender_address`, `__recipient_addresses`), then each MMS part's media as
  `data/<last path segment of the part's _data>` (tmo1/sms-ie ImportExportMessages.kt). One MMS
  has a photo (the EXIF JPEG of this folder), one a recording (the AMR of this folder) and a
  part whose file the app could not copy (no `data/` entry), and `data/` holds one file no MMS
  names (the PNG of this folder).
* `mmssms-with-wal.zip` — an mmssms.db copied off a rooted phone while the messaging app was
  running, zipped with its `-wal` and `-shm`: the newest SMS (id 3, "只在 WAL 里") is only in the
  write-ahead log, the database file holds ids 1–2.
* `mmssms-bad-wal.zip` — the same database with its WAL damaged in transfer (the WAL header's
  checksum broken, as a cut or corrupted copy leaves it): the database's own rows are imported,
  the WAL is stored and reported as not applied.
"""
import json, os

from mmssms_fixture import db_with_wal, write_zip as _write_zip

HERE = os.path.dirname(os.path.abspath(__file__))
FIXED = (2026, 1, 7, 12, 0, 0)


def read(name):
    with open(os.path.join(HERE, name), "rb") as f:
        return f.read()


def write_zip(name, entries):
    _write_zip(os.path.join(HERE, name), entries, FIXED)


APP_PARTS = "/data/user/0/com.android.providers.telephony/app_parts/"
msgs = [
    {"_id": "101", "thread_id": "7", "address": "17112346601", "date": "1767621100000", "date_sent": "1767621098000",
     "read": "1", "status": "-1", "type": "1", "body": "张伟，今天不还钱，明天我们去你家", "seen": "1",
     "sub_id": "1", "__display_name": "催收A"},
    {"_id": "102", "thread_id": "7", "address": "17112346601", "date": "1767621160000", "date_sent": "0",
     "read": "1", "status": "-1", "type": "2", "body": "不要来我家，我在想办法", "seen": "1", "sub_id": "1"},
    {"_id": "55", "thread_id": "7", "date": "1767621185", "date_sent": "1767621183", "msg_box": "1", "read": "1",
     "m_type": "132", "ct_t": "application/vnd.wap.multipart.related", "sub_id": "1", "seen": "1",
     "text_only": "0",
     "__sender_address": {"_id": "301", "msg_id": "55", "address": "17112346601", "type": "137",
                          "charset": "106", "__display_name": "催收A"},
     "__recipient_addresses": [{"_id": "302", "msg_id": "55", "address": "13800138000", "type": "151",
                                "charset": "106"}],
     "__parts": [
         {"_id": "401", "mid": "55", "seq": "-1", "ct": "application/smil", "cl": "smil.xml",
          "text": "<smil><body><par><img src=\"photo.jpg\"/><text src=\"text_0.txt\"/></par></body></smil>"},
         {"_id": "402", "mid": "55", "seq": "0", "ct": "image/jpeg", "name": "photo.jpg", "cl": "photo.jpg",
          "_data": APP_PARTS + "PART_1767621185000_photo.jpg"},
         {"_id": "403", "mid": "55", "seq": "0", "ct": "text/plain", "chset": "106", "cl": "text_0.txt",
          "text": "这是你家门口，认得吧"},
     ]},
    {"_id": "56", "thread_id": "7", "date": "1767700000", "msg_box": "1", "read": "0", "m_type": "132",
     "ct_t": "application/vnd.wap.multipart.related", "sub_id": "1",
     "__sender_address": {"_id": "303", "msg_id": "56", "address": "17112346602", "type": "137", "charset": "106"},
     "__recipient_addresses": [{"_id": "304", "msg_id": "56", "address": "13800138000", "type": "151",
                                "charset": "106"}],
     "__parts": [
         {"_id": "404", "mid": "56", "seq": "0", "ct": "audio/amr", "name": "rec.amr", "cl": "rec.amr",
          "_data": APP_PARTS + "PART_1767700000000_rec.amr"},
         {"_id": "405", "mid": "56", "seq": "0", "ct": "image/jpeg", "name": "lost.jpg", "cl": "lost.jpg",
          "_data": APP_PARTS + "PART_1767700000001_lost.jpg"},
         {"_id": "406", "mid": "56", "seq": "0", "ct": "text/plain", "chset": "106", "text": "听听你妈怎么说的"},
     ]},
]
ndjson = "".join(json.dumps(m, ensure_ascii=False, separators=(",", ":")) + "\n" for m in msgs)
write_zip("sms-ie-messages.zip", [
    ("messages.ndjson", ndjson.encode("utf-8")),
    ("data/PART_1767621185000_photo.jpg", read("photo-exif.jpg")),
    ("data/PART_1767700000000_rec.amr", read("13812345678_20260105221305.amr")),
    ("data/PART_1767799999999_unused.png", read("Screenshot_20260105-221305.png")),
])


base = [
    (1, 1, "+8617112346601", 1767621100000, 1, "张伟，今天不还钱，明天我们去你家", 1, "com.android.mms"),
    (2, 1, "+8617112346601", 1767621160000, 2, "不要来我家，我在想办法", 1, "com.android.mms"),
]
newest = [(3, 1, "+8617112346601", 1767707500000, 1, "只在 WAL 里：今晚十点前还款，否则联系你单位", 0,
           "com.android.mms")]
db, wal, shm = db_with_wal(base, newest)
assert len(wal) > 32, "the newest row must be in the WAL"
write_zip("mmssms-with-wal.zip", [
    ("手机备份/mmssms.db", db),
    ("手机备份/mmssms.db-shm", shm),
    ("手机备份/mmssms.db-wal", wal),  # after the database and the -shm, as a file manager orders them
])
# The same WAL with its header checksum broken: SQLite takes none of its frames.
bad_wal = bytearray(wal)
bad_wal[28] ^= 0xFF
write_zip("mmssms-bad-wal.zip", [
    ("mmssms.db-wal", bytes(bad_wal)),  # before the database
    ("mmssms.db", db),
])
