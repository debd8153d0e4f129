#!/usr/bin/env python3
"""Writes the fixtures of the "WAL that comes later" tests in tests/import_db.rs and
tests/import_zip.rs (standard library only; deterministic but for the WAL salts SQLite draws at
random, so the three files are written together and must be committed together).

The real case they stand for: 李梅 copies her phone's mmssms.db (rooted phone, a file manager, while
the messaging app is running) and sends the borrower just that file over WeChat; the newest
messages are still in mmssms.db-wal, which she did not send. Days later she sends the whole folder,
-wal included (`later-wal/`), or the folder zipped (`mmssms-later-wal.zip`). The database file in
all three places is the same bytes, so the case already has it when the -wal arrives.

* `later-wal/mmssms.db` — SMS 1 and 2 (2 unread); page size 1024 to keep it small.
* `later-wal/mmssms.db-wal` — what the messaging app wrote after the last checkpoint: SMS 3 and 4
  (two collector threats, only here) and SMS 2 marked read (a row the WAL changes).
* `mmssms-later-wal.zip` — `手机备份/mmssms.db` and `手机备份/mmssms.db-wal`, the same bytes.
"""
import os, shutil, sqlite3, tempfile, zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
FIXED = (2026, 1, 9, 20, 0, 0)

# The same tables as gen_zips.py's mmssms.db (an AOSP mmssms.db cut down to what the importer reads).
SCHEMA = """
CREATE TABLE sms (_id INTEGER PRIMARY KEY, thread_id INTEGER, address TEXT, person INTEGER, date INTEGER,
  date_sent INTEGER DEFAULT 0, protocol INTEGER, read INTEGER DEFAULT 0, status INTEGER DEFAULT -1, type INTEGER,
  reply_path_present INTEGER, subject TEXT, body TEXT, service_center TEXT, locked INTEGER DEFAULT 0,
  sub_id INTEGER DEFAULT -1, error_code INTEGER DEFAULT -1, creator TEXT, seen INTEGER DEFAULT 0);
CREATE TABLE pdu (_id INTEGER PRIMARY KEY AUTOINCREMENT, thread_id INTEGER, date INTEGER, msg_box INTEGER,
  m_type INTEGER, ct_t TEXT, sub TEXT, read INTEGER DEFAULT 0, seen INTEGER DEFAULT 0);
CREATE TABLE part (_id INTEGER PRIMARY KEY AUTOINCREMENT, mid INTEGER, seq INTEGER DEFAULT 0, ct TEXT, name TEXT,
  chset INTEGER, cl TEXT, _data TEXT, text TEXT);
CREATE TABLE addr (_id INTEGER PRIMARY KEY, msg_id INTEGER, contact_id INTEGER, address TEXT, type INTEGER,
  charset INTEGER);
"""
INS = "INSERT INTO sms (_id, thread_id, address, date, type, body, read, creator) VALUES (?,?,?,?,?,?,?,?)"

base = [
    (1, 1, "+8617112346601", 1767621100000, 1, "李梅，你儿子张伟欠款不还，今天必须还清", 1, "com.android.mms"),
    (2, 1, "+8617112346601", 1767700000000, 1, "不还钱就把他的事发到你们小区群里", 0, "com.android.mms"),
]
newest = [
    (3, 1, "+8617112346601", 1767707500000, 1, "只在 WAL 里：今晚十点前还款，否则联系你单位", 0, "com.android.mms"),
    (4, 1, "+8617112346602", 1767711100000, 1, "只在 WAL 里：明天上午我们去你公司，当着同事的面要钱", 0,
     "com.android.mms"),
]

d = tempfile.mkdtemp()
try:
    path = os.path.join(d, "mmssms.db")
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA page_size=1024")
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA wal_autocheckpoint=0")
    con.executescript(SCHEMA)
    for r in base:
        con.execute(INS, r)
    con.execute("PRAGMA user_version=69")
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for r in newest:
        con.execute(INS, r)
    con.execute("UPDATE sms SET read = 1, seen = 1 WHERE _id = 2")
    # Copy while the connection is open, as a file manager copies a running phone's files.
    db, wal = (open(path + s, "rb").read() for s in ("", "-wal"))
    con.close()
finally:
    shutil.rmtree(d)
assert len(wal) > 32, "the newest rows must be in the WAL"

out = os.path.join(HERE, "later-wal")
os.makedirs(out, exist_ok=True)
for name, data in (("mmssms.db", db), ("mmssms.db-wal", wal)):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
with zipfile.ZipFile(os.path.join(HERE, "mmssms-later-wal.zip"), "w", zipfile.ZIP_DEFLATED) as z:
    for name, data in (("手机备份/mmssms.db", db), ("手机备份/mmssms.db-wal", wal)):
        info = zipfile.ZipInfo(name, FIXED)
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, data)
