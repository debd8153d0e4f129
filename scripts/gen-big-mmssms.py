#!/usr/bin/env python3
"""Writes a large synthetic Android mmssms.db for the import benchmark (standard library only).

    python3 scripts/gen-big-mmssms.py ROWS FILE

ROWS sms rows (AOSP schema of Android 10+, user_version 69, with Samsung/Xiaomi-like vendor
columns), plus one MMS (pdu + SMIL, text and sometimes an image part + two addresses) per 30
sms rows. Seeded: the same ROWS always gives the same file. Texts mix collection messages,
scams and ordinary chat like scripts/gen-big-sbr.py; numbers rotate over mobile, virtual
operator and 106 gateway forms. All synthetic.
"""

import os
import random
import sqlite3
import sys

BODIES = [
    "【XX金融】{name}您好，您的借款已逾期{d}天，请今日内还款，以免影响征信。",
    "{name}，你欠的{m}元再不还，我们就联系你通讯录里所有人！",
    "你好，你儿子{name}在我平台借款逾期，请转告他尽快还款。",
    "【XX法院】你因拖欠网贷已被起诉，案号(2025)京0105民初{d}号，请速联系处理。",
    "您的额度已冻结，请将{m}元转入安全账户验证还款能力。",
    "妈，晚上回家吃饭吗？",
    "明天下午三点开会，别忘了带材料。",
    "Your verification code is {d}. Do not share it.",
]
NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静"]


def number(rng):
    r = rng.random()
    if r < 0.6:
        return "+86" + rng.choice(["138", "139", "186", "150", "199"]) + f"{rng.randrange(10**8):08d}"
    if r < 0.8:
        return rng.choice(["170", "171", "165"]) + f"{rng.randrange(10**8):08d}"
    return "10690" + f"{rng.randrange(10**8):08d}"


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    rows, path = int(sys.argv[1]), sys.argv[2]
    for p in (path, path + "-wal", path + "-shm", path + "-journal"):
        if os.path.exists(p):
            os.remove(p)
    rng = random.Random(20240305)
    con = sqlite3.connect(path)
    con.executescript("""
    CREATE TABLE sms (_id INTEGER PRIMARY KEY AUTOINCREMENT, thread_id INTEGER, address TEXT, person INTEGER,
      date INTEGER, date_sent INTEGER DEFAULT 0, protocol INTEGER, read INTEGER DEFAULT 0, status INTEGER DEFAULT -1,
      type INTEGER, reply_path_present INTEGER, subject TEXT, body TEXT, service_center TEXT, locked INTEGER DEFAULT 0,
      sub_id INTEGER DEFAULT -1, error_code INTEGER DEFAULT 0, creator TEXT, seen INTEGER DEFAULT 0,
      sim_slot INTEGER DEFAULT 0, spam_report INTEGER DEFAULT 0, mark_content TEXT);
    CREATE TABLE pdu (_id INTEGER PRIMARY KEY AUTOINCREMENT, thread_id INTEGER, date INTEGER, date_sent INTEGER DEFAULT 0,
      msg_box INTEGER, read INTEGER DEFAULT 0, m_id TEXT, sub TEXT, sub_cs INTEGER, ct_t TEXT, m_type INTEGER,
      m_size INTEGER, pri INTEGER, locked INTEGER DEFAULT 0, seen INTEGER DEFAULT 0, sub_id INTEGER DEFAULT -1);
    CREATE TABLE part (_id INTEGER PRIMARY KEY AUTOINCREMENT, mid INTEGER, seq INTEGER DEFAULT 0, ct TEXT, name TEXT,
      chset INTEGER, cd TEXT, fn TEXT, cid TEXT, cl TEXT, ctt_s INTEGER, ctt_t TEXT, _data TEXT, text TEXT);
    CREATE TABLE addr (_id INTEGER PRIMARY KEY, msg_id INTEGER, contact_id INTEGER, address TEXT, type INTEGER,
      charset INTEGER);
    CREATE TABLE threads (_id INTEGER PRIMARY KEY AUTOINCREMENT, date INTEGER DEFAULT 0, message_count INTEGER DEFAULT 0,
      recipient_ids TEXT, snippet TEXT);
    CREATE TABLE canonical_addresses (_id INTEGER PRIMARY KEY AUTOINCREMENT, address TEXT);
    """)
    date = 1_262_304_000_000  # 2010-01-01 UTC; ~300 s apart, 1 M rows end in 2019
    sms, pdus, parts, addrs = [], [], [], []
    pdu_id = part_id = addr_id = 0
    for i in range(rows):
        date += rng.randint(1000, 600000)
        body = rng.choice(BODIES).format(name=rng.choice(NAMES), d=rng.randint(1, 9999), m=rng.randint(100, 50000))
        t = rng.choice([1, 1, 1, 2])
        sms.append((rng.randint(1, 500), number(rng), None, date, date - rng.randint(0, 5000), 0, 1, -1, t, 0, None,
                    body, "+8613800100500", 0, rng.choice([1, 2]), 0, "com.android.mms", 1, rng.choice([0, 1]),
                    0, rng.choice([None, None, "骚扰电话", "疑似诈骗"])))
        if i % 30 == 29:
            pdu_id += 1
            box = rng.choice([1, 2])
            pdus.append((pdu_id, rng.randint(1, 500), date // 1000, box, f"NOK{rng.getrandbits(48):012X}", None,
                         "application/vnd.wap.multipart.related", 132 if box == 1 else 128, 129, 1))
            part_id += 1
            parts.append((part_id, pdu_id, -1, "application/smil", None, None, "smil.xml", None,
                          "<smil><body><par dur=\"5000ms\"/></body></smil>"))
            part_id += 1
            parts.append((part_id, pdu_id, 0, "text/plain", None, 106, "text_0.txt", None, body))
            if rng.random() < 0.3:
                part_id += 1
                parts.append((part_id, pdu_id, 1, "image/jpeg", "IMG_0001.jpg", None, "IMG_0001.jpg",
                              f"/data/user_de/0/com.android.providers.telephony/app_parts/PART_{date}_IMG.jpg", None))
            peer = number(rng)
            for a, typ in ((peer, 137), ("insert-address-token", 151)) if box == 1 else (
                    ("insert-address-token", 137), (peer, 151)):
                addr_id += 1
                addrs.append((addr_id, pdu_id, None, a, typ, 106))
        if len(sms) >= 10000:
            con.executemany(
                "INSERT INTO sms (thread_id, address, person, date, date_sent, protocol, read, status, type, "
                "reply_path_present, subject, body, service_center, locked, sub_id, error_code, creator, seen, "
                "sim_slot, spam_report, mark_content) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", sms)
            sms.clear()
    if sms:
        con.executemany(
            "INSERT INTO sms (thread_id, address, person, date, date_sent, protocol, read, status, type, "
            "reply_path_present, subject, body, service_center, locked, sub_id, error_code, creator, seen, "
            "sim_slot, spam_report, mark_content) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", sms)
    con.executemany("INSERT INTO pdu (_id, thread_id, date, msg_box, m_id, sub, ct_t, m_type, pri, seen) "
                    "VALUES (?,?,?,?,?,?,?,?,?,?)", pdus)
    con.executemany("INSERT INTO part (_id, mid, seq, ct, name, chset, cl, _data, text) VALUES (?,?,?,?,?,?,?,?,?)",
                    parts)
    con.executemany("INSERT INTO addr VALUES (?,?,?,?,?,?)", addrs)
    con.execute("PRAGMA user_version=69")
    con.commit()
    con.close()


if __name__ == "__main__":
    main()
