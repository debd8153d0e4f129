#!/usr/bin/env python3
"""Writes the small phone-database fixtures next to this script (standard library only).

    python3 crates/anjing-import/tests/data/gen_dbs.py

Schemas follow AOSP TelephonyProvider / ContactsProvider and iOS as documented in
shared/reference/formats.md §2–3; vendor columns are Samsung-/Xiaomi-like. All numbers
and texts are synthetic. The tests in tests/db.rs assert exact values from here: change
both together. The output is deterministic (fixed rows, no timestamps of the run).
"""

import os
import sqlite3

HERE = os.path.dirname(os.path.abspath(__file__))


def fresh(name, wal=False):
    path = os.path.join(HERE, name)
    for p in (path, path + "-wal", path + "-shm", path + "-journal"):
        if os.path.exists(p):
            os.remove(p)
    con = sqlite3.connect(path)
    if wal:
        # Real Android telephony databases are in WAL mode: the header says so,
        # and a careless read-only open would create -wal/-shm next to the evidence.
        con.execute("PRAGMA journal_mode=WAL")
    return con, path


def finish(con, path, user_version):
    con.execute(f"PRAGMA user_version={user_version}")
    con.commit()
    con.execute("VACUUM")
    con.close()
    for p in (path + "-wal", path + "-shm"):
        assert not os.path.exists(p), p


def typedstream(text):
    """A minimal NSAttributedString typedstream as iOS writes into message.attributedBody."""
    b = bytearray(b"\x04\x0bstreamtyped\x81\xe8\x03\x84\x01@\x84\x84\x84")
    b += b"\x12NSAttributedString\x00\x84\x84\x08NSObject\x00\x85\x92\x84\x84\x84"
    b += b"\x08NSString\x01\x94\x84\x01+"
    t = text.encode("utf-8")
    if len(t) < 0x80:
        b.append(len(t))
    else:
        b.append(0x81)
        b += len(t).to_bytes(2, "little")
    b += t
    b += b"\x86\x84\x02iI\x01\x05\x92\x84\x84\x84\x0cNSDictionary\x00\x94\x84\x01i\x01\x92\x86\x86"
    return bytes(b)


COMMON_MMS = """
CREATE TABLE pdu (_id INTEGER PRIMARY KEY AUTOINCREMENT, thread_id INTEGER, date INTEGER, date_sent INTEGER DEFAULT 0,
  msg_box INTEGER, read INTEGER DEFAULT 0, m_id TEXT, sub TEXT, sub_cs INTEGER, ct_t TEXT, ct_l TEXT, exp INTEGER,
  m_cls TEXT, m_type INTEGER, v INTEGER, m_size INTEGER, pri INTEGER, rr INTEGER, rpt_a INTEGER, resp_st INTEGER,
  st INTEGER, tr_id TEXT, retr_st INTEGER, retr_txt TEXT, retr_txt_cs INTEGER, read_status INTEGER, ct_cls INTEGER,
  resp_txt TEXT, d_tm INTEGER, d_rpt INTEGER, locked INTEGER DEFAULT 0, seen INTEGER DEFAULT 0{extra});
CREATE TABLE part (_id INTEGER PRIMARY KEY AUTOINCREMENT, mid INTEGER, seq INTEGER DEFAULT 0, ct TEXT, name TEXT,
  chset INTEGER, cd TEXT, fn TEXT, cid TEXT, cl TEXT, ctt_s INTEGER, ctt_t TEXT, _data TEXT, text TEXT);
CREATE TABLE addr (_id INTEGER PRIMARY KEY, msg_id INTEGER, contact_id INTEGER, address TEXT, type INTEGER, charset INTEGER);
CREATE TABLE threads (_id INTEGER PRIMARY KEY AUTOINCREMENT, date INTEGER DEFAULT 0, message_count INTEGER DEFAULT 0,
  recipient_ids TEXT, snippet TEXT, snippet_cs INTEGER DEFAULT 0, read INTEGER DEFAULT 1, type INTEGER DEFAULT 0,
  error INTEGER DEFAULT 0, has_attachment INTEGER DEFAULT 0);
CREATE TABLE canonical_addresses (_id INTEGER PRIMARY KEY AUTOINCREMENT, address TEXT);
"""


def android_v53():
    """Old AOSP mmssms.db (user_version 53): the 16-column sms table, no date_sent/sub_id."""
    con, path = fresh("android-mmssms-v53.db")
    con.executescript("""
    CREATE TABLE sms (_id INTEGER PRIMARY KEY, thread_id INTEGER, address TEXT, person INTEGER, date INTEGER,
      protocol INTEGER, read INTEGER DEFAULT 0, status INTEGER DEFAULT -1, type INTEGER, reply_path_present INTEGER,
      subject TEXT, body TEXT, service_center TEXT, locked INTEGER DEFAULT 0, error_code INTEGER DEFAULT 0,
      seen INTEGER DEFAULT 0);
    """ + COMMON_MMS.format(extra=""))
    con.executemany(
        "INSERT INTO sms VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [
            (1, 1, "+8613812345678", None, 1700000000000, 0, 1, -1, 1, 0, None,
             "【XX金融】您的借款已逾期3天，今日18点前不还款将联系您的紧急联系人。", "+8613800100500", 0, 0, 1),
            (2, 1, "+8613812345678", None, 1700000600000, None, 1, -1, 2, None, None, "我下周一还", None, 0, 0, 1),
            # A unit mix-up: seconds stored where milliseconds belong (shows as January 1970).
            (5, 2, "10690000123", None, 1700000000, 0, 1, -1, 1, 0, None, "验证码 123456", None, 0, 0, 1),
        ],
    )
    con.execute("INSERT INTO pdu (_id, thread_id, date, msg_box, m_type, ct_t, sub, read, seen) "
                "VALUES (3, 1, 1700001000, 1, 132, 'application/vnd.wap.multipart.related', NULL, 1, 1)")
    con.executemany(
        "INSERT INTO part (_id, mid, seq, ct, name, chset, cl, _data, text) VALUES (?,?,?,?,?,?,?,?,?)",
        [
            (10, 3, -1, "application/smil", None, None, "smil.xml", None, "<smil><body/></smil>"),
            (11, 3, 0, "text/plain", None, 106, "text_0.txt", None, "这是你家人的照片吧？"),
            (12, 3, 1, "image/jpeg", "IMG_0001.jpg", None, "IMG_0001.jpg",
             "/data/user_de/0/com.android.providers.telephony/app_parts/PART_1700001000_IMG_0001.jpg", None),
        ],
    )
    con.executemany(
        "INSERT INTO addr VALUES (?,?,?,?,?,?)",
        [(20, 3, None, "+8617012345678", 137, 106), (21, 3, None, "insert-address-token", 151, 106)],
    )
    con.execute("INSERT INTO threads (_id, recipient_ids, snippet) VALUES (1, '1', '我下周一还')")
    con.execute("INSERT INTO canonical_addresses VALUES (1, '+8613812345678')")
    finish(con, path, 53)


def android_v69_vendor():
    """Newer AOSP mmssms.db (user_version 69 + vendor) in WAL mode, with date_sent, sub_id, creator
    and Samsung-/Xiaomi-like extra columns (one a BLOB), plus Samsung's spam_sms table."""
    con, path = fresh("android-mmssms-v69-vendor.db", wal=True)
    sms_cols = """(_id INTEGER PRIMARY KEY, thread_id INTEGER, address TEXT, person INTEGER, date INTEGER,
      date_sent INTEGER DEFAULT 0, protocol INTEGER, read INTEGER DEFAULT 0, status INTEGER DEFAULT -1,
      type INTEGER, reply_path_present INTEGER, subject TEXT, body TEXT, service_center TEXT,
      locked INTEGER DEFAULT 0, sub_id INTEGER DEFAULT -1, error_code INTEGER DEFAULT -1, creator TEXT,
      seen INTEGER DEFAULT 0,
      sim_slot INTEGER DEFAULT 0, sim_imsi TEXT, secret_mode INTEGER DEFAULT 0, spam_report INTEGER DEFAULT 0,
      mx_status INTEGER DEFAULT 0, block_type INTEGER DEFAULT 0, marker TEXT, b2c_extra BLOB)"""
    con.executescript(
        f"CREATE TABLE sms {sms_cols};\nCREATE TABLE spam_sms {sms_cols};\n"
        + COMMON_MMS.format(extra=", sub_id INTEGER DEFAULT -1, creator TEXT, text_only INTEGER DEFAULT 0")
    )
    ins = ("INSERT INTO {t} (_id, thread_id, address, date, date_sent, protocol, read, type, body, service_center,"
           " sub_id, creator, seen, sim_slot, sim_imsi, marker, b2c_extra) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
    con.executemany(
        ins.format(t="sms"),
        [
            (7, 3, "95188", 1763380800123, 1763380799000, 0, 1, 1,
             "【某某消费金融】尊敬的客户，您的账单已逾期，请于今日内还款，以免影响征信。", "+8613800200500",
             2, "com.android.messaging", 1, 1, "460011234567890", "collection", b"\x00\x01\xfe\xff"),
            (8, 3, "95188", 1763381000000, 0, None, 1, 2, "已还款，请核实", None,
             2, "com.android.mms", 1, 1, "460011234567890", None, None),
            (9, 4, "+8618612345678", 1763390000000, 0, 0, 0, 9, "type 9 is no AOSP box", None,
             1, None, 0, 0, None, None, None),
        ],
    )
    con.executemany(
        ins.format(t="spam_sms"),
        [(1, 9, "+8616512345678", 1763400000000, 1763399999000, 0, 0, 1,
          "再不还钱就去你单位找你，让你同事都知道你是老赖", "+8613800300500",
          1, "com.samsung.android.messaging", 0, 0, None, "spam", None)],
    )
    con.execute("INSERT INTO pdu (_id, thread_id, date, date_sent, msg_box, m_type, ct_t, sub, sub_id, creator,"
                " text_only, read, seen) VALUES (4, 4, 1763383600, 0, 2, 128,"
                " 'application/vnd.wap.multipart.related', '还款截图', 2, 'com.android.mms', 1, 1, 1)")
    con.executemany(
        "INSERT INTO part (_id, mid, seq, ct, chset, cl, text) VALUES (?,?,?,?,?,?,?)",
        [(30, 4, 0, "text/plain", 106, "text_0.txt", "第一段"), (31, 4, 1, "text/plain", 106, "text_1.txt", "第二段")],
    )
    con.executemany(
        "INSERT INTO addr VALUES (?,?,?,?,?,?)",
        [
            (40, 4, None, "insert-address-token", 137, 106),
            (41, 4, None, "+8613812345678", 151, 106),
            (42, 4, None, "+8613912345678", 151, 106),
            # An address of an MMS that is not in pdu (deleted message): reported, not lost.
            (43, 99, None, "+8613000000000", 137, 106),
        ],
    )
    finish(con, path, 69)


def android_calllog():
    """calllog.db (ContactsProvider CallLogDatabaseHelper v12 columns, subset) with a Xiaomi-like mark column."""
    con, path = fresh("android-calllog.db", wal=True)
    con.executescript("""
    CREATE TABLE calls (_id INTEGER PRIMARY KEY AUTOINCREMENT, number TEXT, presentation INTEGER NOT NULL DEFAULT 1,
      post_dial_digits TEXT NOT NULL DEFAULT '', via_number TEXT NOT NULL DEFAULT '', date INTEGER, duration INTEGER,
      data_usage INTEGER, type INTEGER, features INTEGER NOT NULL DEFAULT 0, subscription_component_name TEXT,
      subscription_id TEXT, phone_account_address TEXT, phone_account_hidden INTEGER NOT NULL DEFAULT 0,
      sub_id INTEGER DEFAULT -1, new INTEGER, name TEXT, numbertype INTEGER, numberlabel TEXT, countryiso TEXT,
      voicemail_uri TEXT, is_read INTEGER, geocoded_location TEXT, lookup_uri TEXT, matched_number TEXT,
      normalized_number TEXT, photo_id INTEGER NOT NULL DEFAULT 0, photo_uri TEXT, formatted_number TEXT,
      add_for_all_users INTEGER NOT NULL DEFAULT 1, last_modified INTEGER DEFAULT 0,
      call_screening_component_name TEXT, call_screening_app_name TEXT, block_reason INTEGER NOT NULL DEFAULT 0,
      missed_reason INTEGER NOT NULL DEFAULT 0, mark_content TEXT, mark_count INTEGER DEFAULT 0);
    CREATE TABLE voicemail_status (_id INTEGER PRIMARY KEY AUTOINCREMENT, source_package TEXT);
    """)
    rows = [
        # _id, number, date, duration, type, geocoded_location, block_reason, mark_content
        (1, "+8617012345678", 1763380800000, 35, 1, "江苏连云港", 0, None),
        (2, "+8617012345679", 1763380900000, 0, 3, "江苏连云港", 0, "催收"),
        (3, "+8617012345680", 1763381000000, 0, 5, "广东深圳", 0, None),
        (4, "+8617012345681", 1763381100000, 0, 6, "广东深圳", 1, "骚扰电话"),
        (5, "95188", 1763381200000, 0, 2, None, 0, None),
        (6, "95188", 1763381300000, 61, 2, None, 0, None),
        (7, "-2", 1763381400000, 0, 3, None, 0, None),
    ]
    for r in rows:
        con.execute(
            "INSERT INTO calls (_id, number, date, duration, type, geocoded_location, block_reason, mark_content,"
            " countryiso, subscription_id, presentation) VALUES (?,?,?,?,?,?,?,?,'CN','1',?)",
            r + ((2 if r[1] == "-2" else 1),),
        )
    finish(con, path, 12)


def ios_sms():
    """iOS sms.db: nanosecond dates (iOS 11+), one second-resolution date (older iOS), a text-less
    message whose body is only in attributedBody (iOS 16+), a group message sent from this phone
    and a message with an attachment."""
    con, path = fresh("ios-sms.db")
    con.executescript("""
    CREATE TABLE handle (ROWID INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, id TEXT NOT NULL, country TEXT,
      service TEXT NOT NULL, uncanonicalized_id TEXT, person_centric_id TEXT, UNIQUE (id, service));
    CREATE TABLE message (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, text TEXT,
      replace INTEGER DEFAULT 0, service_center TEXT, handle_id INTEGER DEFAULT 0, subject TEXT, country TEXT,
      attributedBody BLOB, version INTEGER DEFAULT 0, type INTEGER DEFAULT 0, service TEXT, account TEXT,
      error INTEGER DEFAULT 0, date INTEGER, date_read INTEGER, date_delivered INTEGER, is_delivered INTEGER DEFAULT 0,
      is_finished INTEGER DEFAULT 0, is_from_me INTEGER DEFAULT 0, is_read INTEGER DEFAULT 0, is_sent INTEGER DEFAULT 0,
      cache_has_attachments INTEGER DEFAULT 0, cache_roomnames TEXT, item_type INTEGER DEFAULT 0,
      associated_message_guid TEXT, associated_message_type INTEGER DEFAULT 0, was_downgraded INTEGER DEFAULT 0,
      date_edited INTEGER DEFAULT 0);
    CREATE TABLE chat (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, style INTEGER,
      state INTEGER, account_id TEXT, properties BLOB, chat_identifier TEXT, service_name TEXT, room_name TEXT,
      display_name TEXT);
    CREATE TABLE chat_handle_join (chat_id INTEGER, handle_id INTEGER, UNIQUE(chat_id, handle_id));
    CREATE TABLE chat_message_join (chat_id INTEGER, message_id INTEGER, message_date INTEGER DEFAULT 0,
      PRIMARY KEY (chat_id, message_id));
    CREATE TABLE attachment (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, created_date INTEGER
      DEFAULT 0, filename TEXT, uti TEXT, mime_type TEXT, transfer_state INTEGER DEFAULT 0, is_outgoing INTEGER DEFAULT 0,
      transfer_name TEXT, total_bytes INTEGER DEFAULT 0);
    CREATE TABLE message_attachment_join (message_id INTEGER, attachment_id INTEGER, UNIQUE(message_id, attachment_id));
    CREATE TABLE _SqliteDatabaseProperties (key TEXT, value TEXT, UNIQUE(key));
    """)
    con.executemany("INSERT INTO handle VALUES (?,?,?,?,?,?)", [
        (1, "+8613812345678", "cn", "SMS", "13812345678", None),
        (2, "106980095188", "cn", "SMS", None, None),
        (3, "+8613912345678", "cn", "iMessage", None, None),
    ])
    con.executemany("INSERT INTO chat (ROWID, guid, style, chat_identifier, service_name, display_name, properties)"
                    " VALUES (?,?,?,?,?,?,?)", [
        (1, "SMS;-;+8613812345678", 45, "+8613812345678", "SMS", "", None),
        (2, "iMessage;+;chat123456789", 43, "chat123456789", "iMessage", "家人", b"bplist00\x08"),
    ])
    con.executemany("INSERT INTO chat_handle_join VALUES (?,?)", [(1, 1), (2, 1), (2, 3)])
    msgs = [
        # ROWID, guid, text, handle_id, attributedBody, service, date, is_from_me, cache_has_attachments
        (1, "G-1", "【催收】您已逾期，今天不处理明天上门。", 1, typedstream("【催收】您已逾期，今天不处理明天上门。"),
         "SMS", 721692000123456789, 0, 0, 0),
        (2, "G-2", "Old iOS message", 2, None, "SMS", 599079037, 0, 0, 0),
        (3, "G-3", None, 1, typedstream("再不还钱，我们就把你的照片发到通讯录所有人。" * 2), "SMS",
         721692600000000000, 0, 0, 0),
        (4, "G-4", "大家帮我看看这个号码", 0, None, "iMessage", 721693000000000000, 1, 0, 1),
        (5, "G-5", "\ufffc", 1, None, "SMS", 721693500000000000, 1, 1, 1),
    ]
    con.executemany("INSERT INTO message (ROWID, guid, text, handle_id, attributedBody, service, date, is_from_me,"
                    " cache_has_attachments, is_sent, account) VALUES (?,?,?,?,?,?,?,?,?,?,'p:0')", msgs)
    con.executemany("INSERT INTO chat_message_join VALUES (?,?,?)",
                    [(1, 1, 0), (1, 2, 0), (1, 3, 0), (2, 4, 0), (1, 5, 0)])
    con.execute("INSERT INTO attachment (ROWID, guid, created_date, filename, uti, mime_type, transfer_name,"
                " total_bytes, is_outgoing) VALUES (1, 'AT-1', 721693500, "
                "'~/Library/SMS/Attachments/ab/11/AT-1/IMG_0002.HEIC', 'public.heic', 'image/heic', 'IMG_0002.HEIC',"
                " 123456, 1)")
    con.execute("INSERT INTO message_attachment_join VALUES (5, 1)")
    con.execute("INSERT INTO _SqliteDatabaseProperties VALUES ('_ClientVersion', '17000')")
    finish(con, path, 17000)


def ios_call_history():
    """CallHistory.storedata (Core Data): ZDATE float seconds since 2001, ZADDRESS text or BLOB."""
    con, path = fresh("ios-CallHistory.storedata")
    con.executescript("""
    CREATE TABLE ZCALLRECORD (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZANSWERED INTEGER,
      ZCALL_CATEGORY INTEGER, ZCALLTYPE INTEGER, ZDISCONNECTED_CAUSE INTEGER, ZFACE_TIME_DATA BLOB,
      ZFILTERED_OUT_REASON INTEGER, ZHANDLE_TYPE INTEGER, ZJUNKCONFIDENCE INTEGER, ZNUMBER_AVAILABILITY INTEGER,
      ZORIGINATED INTEGER, ZREAD INTEGER, ZVERIFICATIONSTATUS INTEGER, ZDATE TIMESTAMP, ZDURATION FLOAT,
      ZADDRESS VARCHAR, ZISO_COUNTRY_CODE VARCHAR, ZLOCATION VARCHAR, ZNAME VARCHAR, ZSERVICE_PROVIDER VARCHAR,
      ZUNIQUE_ID VARCHAR);
    CREATE TABLE Z_PRIMARYKEY (Z_ENT INTEGER PRIMARY KEY, Z_NAME VARCHAR, Z_SUPER INTEGER, Z_MAX INTEGER);
    CREATE TABLE Z_METADATA (Z_VERSION INTEGER PRIMARY KEY, Z_UUID VARCHAR(255), Z_PLIST BLOB);
    """)
    rows = [
        # Z_PK, ZANSWERED, ZCALLTYPE, ZORIGINATED, ZDATE, ZDURATION, ZADDRESS, ZLOCATION, ZSERVICE_PROVIDER
        (1, 1, 1, 0, 721692000.5, 42.6, "+8617012345678", "江苏省", "com.apple.Telephony"),
        (2, 0, 1, 0, 721692100.0, 0.0, b"+8617012345679", "江苏省", "com.apple.Telephony"),
        (3, 0, 1, 1, 721692200.25, 0.0, "95188", None, "com.apple.Telephony"),
        (4, 1, 0, 1, 721692300.0, 120.0, "wxid_abc123", None, "com.tencent.xin"),
        (5, 0, 16, 0, 721692400.0, 0.0, "+8613912345678", None, "com.apple.FaceTime"),
    ]
    for r in rows:
        con.execute(
            "INSERT INTO ZCALLRECORD (Z_PK, Z_ENT, Z_OPT, ZANSWERED, ZCALLTYPE, ZORIGINATED, ZDATE, ZDURATION,"
            " ZADDRESS, ZLOCATION, ZSERVICE_PROVIDER, ZISO_COUNTRY_CODE, ZCALL_CATEGORY, ZUNIQUE_ID)"
            " VALUES (?,2,1,?,?,?,?,?,?,?,?,'cn',1,?)",
            r + (f"UID-{r[0]}",),
        )
    con.execute("INSERT INTO Z_PRIMARYKEY VALUES (2, 'CallRecord', 0, 5)")
    con.execute("INSERT INTO Z_METADATA VALUES (1, 'UUID-FIXTURE', NULL)")
    finish(con, path, 0)


if __name__ == "__main__":
    android_v53()
    android_v69_vendor()
    android_calllog()
    ios_sms()
    ios_call_history()
