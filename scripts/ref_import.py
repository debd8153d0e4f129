#!/usr/bin/env python3
"""Reference importer for the benchmarks (standard library only): what a short Python program
does with the same file, to compare `anjing import` against (scripts/bench-import.sh).

    python3 scripts/ref_import.py sbr FILE.xml OUT.db
    python3 scripts/ref_import.py mmssms FILE.db OUT.db

sbr:    a streaming parse (xml.etree XMLPullParser, fed line by line; elements cleared as they
        end) of an SMS Backup & Restore file, one row per sms/mms/call with its attributes as
        JSON, all inserted into sqlite3 in one transaction.
mmssms: every row of an Android mmssms.db's sms table, and every pdu with its parts and
        addresses, copied into sqlite3 in one transaction, the original columns as JSON.

Expat refuses character references to UTF-16 surrogates (`&#55357;`), which real SBR files
contain (formats.md); they are replaced by U+FFFD before parsing, as Anjing does.
It does not hash or store the original, keep a log, merge duplicates or normalise numbers:
it is the floor of what an import costs in Python, not a like-for-like program.
"""

import json
import re
import sqlite3
import sys
import time
import xml.etree.ElementTree as ET

SURROGATE_REF = re.compile(r"&#(?:[xX][dD][89a-fA-F][0-9a-fA-F]{2}|5[5-7][0-9]{3});")

SCHEMA = """
CREATE TABLE records (id INTEGER PRIMARY KEY, kind TEXT, address TEXT, date INTEGER, type TEXT,
                      body TEXT, original TEXT);
"""


def sbr(path, con):
    cur = con.cursor()
    parser = ET.XMLPullParser(events=("end",))
    rows = []
    n = 0

    def flush():
        cur.executemany(
            "INSERT INTO records (kind, address, date, type, body, original) VALUES (?,?,?,?,?,?)", rows
        )
        rows.clear()

    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if "&#" in line:
                line = SURROGATE_REF.sub("\ufffd", line)
            parser.feed(line)
            for _, el in parser.read_events():
                tag = el.tag
                if tag in ("sms", "call"):
                    a = el.attrib
                    rows.append((tag, a.get("address") or a.get("number"), int(a.get("date", "0") or 0),
                                 a.get("type"), a.get("body"), json.dumps(a, ensure_ascii=False)))
                elif tag == "mms":
                    a = dict(el.attrib)
                    parts = [dict(p.attrib) for p in el.iter("part")]
                    addrs = [dict(p.attrib) for p in el.iter("addr")]
                    text = "\n".join(p.get("text", "") for p in parts if p.get("ct") == "text/plain")
                    a["parts"], a["addrs"] = parts, addrs
                    rows.append(("mms", a.get("address"), int(a.get("date", "0") or 0), a.get("msg_box"),
                                 text, json.dumps(a, ensure_ascii=False)))
                else:
                    continue
                el.clear()
                n += 1
                if len(rows) >= 1000:
                    flush()
    flush()
    return n


def mmssms(path, con):
    src = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    src.row_factory = sqlite3.Row
    cur = con.cursor()
    n = 0
    rows = []
    for r in src.execute("SELECT * FROM sms"):
        d = dict(r)
        rows.append(("sms", d.get("address"), d.get("date"), str(d.get("type")), d.get("body"),
                     json.dumps(d, ensure_ascii=False, default=str)))
        n += 1
        if len(rows) >= 1000:
            cur.executemany(
                "INSERT INTO records (kind, address, date, type, body, original) VALUES (?,?,?,?,?,?)", rows)
            rows.clear()
    parts = {}
    for p in src.execute("SELECT * FROM part"):
        parts.setdefault(p["mid"], []).append(dict(p))
    addrs = {}
    for a in src.execute("SELECT * FROM addr"):
        addrs.setdefault(a["msg_id"], []).append(dict(a))
    for r in src.execute("SELECT * FROM pdu"):
        d = dict(r)
        ps, ads = parts.get(d["_id"], []), addrs.get(d["_id"], [])
        text = "\n".join(p.get("text") or "" for p in ps if p.get("ct") == "text/plain")
        peer = next((a["address"] for a in ads if a.get("type") == 137), None)
        d["parts"], d["addrs"] = ps, ads
        rows.append(("mms", peer, d.get("date"), str(d.get("msg_box")), text,
                     json.dumps(d, ensure_ascii=False, default=str)))
        n += 1
    cur.executemany(
        "INSERT INTO records (kind, address, date, type, body, original) VALUES (?,?,?,?,?,?)", rows)
    return n


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("sbr", "mmssms"):
        sys.exit(__doc__)
    kind, path, out = sys.argv[1:]
    start = time.perf_counter()
    con = sqlite3.connect(out)
    con.executescript(SCHEMA)
    con.execute("BEGIN")
    n = (sbr if kind == "sbr" else mmssms)(path, con)
    con.commit()
    con.close()
    print(f"{n} records in {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
