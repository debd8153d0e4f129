"""What gen_zips.py and gen_later_wal.py share (standard library only): an AOSP mmssms.db cut down to
the tables and columns the importer reads, written in WAL mode with its newest rows only in the WAL
and copied while the connection is open (as a file manager copies a running phone's files), and
ZIPs written with fixed member times."""
import os, shutil, sqlite3, tempfile, zipfile

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


def db_with_wal(rows_in_db, rows_in_wal, page_size=None, then_sql=()):
    """(db bytes, wal bytes, shm bytes) of a WAL-mode database whose last rows (and the statements
    `then_sql`) are only in the WAL. SQLite draws the WAL salts at random: the WAL bytes differ
    from run to run."""
    d = tempfile.mkdtemp()
    try:
        path = os.path.join(d, "mmssms.db")
        con = sqlite3.connect(path, isolation_level=None)
        if page_size:
            con.execute(f"PRAGMA page_size={int(page_size)}")
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA wal_autocheckpoint=0")
        con.executescript(SCHEMA)
        for r in rows_in_db:
            con.execute(INS, r)
        con.execute("PRAGMA user_version=69")
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        for r in rows_in_wal:
            con.execute(INS, r)
        for sql in then_sql:
            con.execute(sql)
        # Copy while the connection is open, as a backup tool copies a running phone's files.
        out = tuple(open(path + s, "rb").read() for s in ("", "-wal", "-shm"))
        con.close()
        return out
    finally:
        shutil.rmtree(d)


def write_zip(path, entries, fixed):
    """A deflated ZIP of (name, bytes) entries, in order, each dated `fixed`."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in entries:
            info = zipfile.ZipInfo(n, fixed)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
