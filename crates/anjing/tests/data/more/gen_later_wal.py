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
import os

from mmssms_fixture import db_with_wal, write_zip

HERE = os.path.dirname(os.path.abspath(__file__))
FIXED = (2026, 1, 9, 20, 0, 0)

base = [
    (1, 1, "+8617112346601", 1767621100000, 1, "李梅，你儿子张伟欠款不还，今天必须还清", 1, "com.android.mms"),
    (2, 1, "+8617112346601", 1767700000000, 1, "不还钱就把他的事发到你们小区群里", 0, "com.android.mms"),
]
newest = [
    (3, 1, "+8617112346601", 1767707500000, 1, "只在 WAL 里：今晚十点前还款，否则联系你单位", 0, "com.android.mms"),
    (4, 1, "+8617112346602", 1767711100000, 1, "只在 WAL 里：明天上午我们去你公司，当着同事的面要钱", 0,
     "com.android.mms"),
]

# Page size 1024 keeps it small; SMS 2 marked read is a row the WAL changes.
db, wal, _shm = db_with_wal(base, newest, page_size=1024,
                            then_sql=["UPDATE sms SET read = 1, seen = 1 WHERE _id = 2"])
assert len(wal) > 32, "the newest rows must be in the WAL"

out = os.path.join(HERE, "later-wal")
os.makedirs(out, exist_ok=True)
for name, data in (("mmssms.db", db), ("mmssms.db-wal", wal)):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
write_zip(os.path.join(HERE, "mmssms-later-wal.zip"),
          [("手机备份/mmssms.db", db), ("手机备份/mmssms.db-wal", wal)], FIXED)
