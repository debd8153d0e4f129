#!/usr/bin/env python3
"""Generate Anjing's bundled synthetic demo episode (SMS Backup & Restore XML).

Deterministic: a fixed seed, fixed export times, no clock, no network. Python 3.11 stdlib only.

    python3 scripts/gen-demo.py            # writes crates/anjing/demo/*
    python3 scripts/gen-demo.py --check    # regenerate in memory, fail if the committed files differ

Everything here is invented: people, numbers, the app 快闪借, the lender 某某网络小额贷款有限公司,
the bank 安和银行 and every message. The story runs 2025-12-10 .. 2026-01-20 (Asia/Shanghai), across
the 2026-01-01 change of the public-security administration punishment law.

Output (see crates/anjing/demo/README.md, also written by this script):
  borrower-sms.xml        张伟's phone, full export taken 2026-01-20
  borrower-sms-older.xml  张伟's phone, earlier export taken 2026-01-05 (exact subset of the above)
  borrower-calls.xml      张伟's call log
  mother-sms.xml          李梅's phone (his mother, a contacted relative)
  mother-calls.xml        李梅's call log
  expected.json           the intended labels of every record (for tests), keyed by file and element index
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import random
import struct
import sys
import uuid
import zlib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "crates" / "anjing" / "demo"

SEED = 20251210
CST = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")

SYNTH_COMMENT = (
    "<!-- SYNTHETIC DEMO DATA written for Anjing (安静); every person, number, lender and message "
    "is invented. 合成演示数据：人物、号码、机构和短信均为虚构。 -->"
)

# --------------------------------------------------------------------------------------------
# People and numbers (all fictional)
# --------------------------------------------------------------------------------------------
BORROWER = "13800138000"  # 张伟, +86 138 0013 8000
MOTHER = "13900139000"  # 李梅
COLLEAGUE = "13700137000"  # 王强, colleague
FRIEND = "15800158000"  # 陈晨, friend
NEIGHBOUR = "13600136000"  # 赵阿姨, mother's neighbour
SISTER = "18600186000"  # 张丽, his sister (in mother's contacts)

LENDER_GW = "1069088812345"  # 106 gateway with 【快闪借】 signature
LENDER_400 = "4000001234"  # lender customer service line
BANK = "95388"  # 安和银行 (invented bank on a 95 number)
CODE_GW = "1069055501234"  # verification codes 【小象外卖】
CARRIER = "10086"
ANTIFRAUD = "96110"
PHARMACY = "1069022233344"  # pharmacy membership notices  # police anti-fraud warning line (genuine warning: hard negative)
SCAM_GW = "10659123456789"
PARCEL_GW = "1069077700088"  # parcel-locker notices 【闪达快递】
LOAN_AD_GW = "1069066612345"  # loan ads 【速易花】 (hard negative: ad, no demand)  # "debt optimisation" ad, no proper signature

# Rotating collector numbers: ordinary mobiles and virtual-operator (170/171/165/167) numbers,
# several differing only in the last digits.
COLLECTORS = [
    "15012340817",
    "18876541203",
    "13612347790",
    "15987650342",
    "13245670918",
    "18512349066",
    "17055518001",
    "17055518002",
    "17112346601",
    "17112346602",
    "17112346603",
    "16512340089",
    "16755502211",
    "19912347710",
]
FAKE_COURT = "17112346609"  # "court notice" not from 12368
TRANSFER_SCAMMER = "19912347788"  # asks for transfer into a personal account

SMSC = "+8613800250500"

# contact names as stored on each phone
BORROWER_CONTACTS = {
    MOTHER: "妈妈",
    COLLEAGUE: "王强",
    FRIEND: "陈晨",
    BANK: "安和银行",
    CARRIER: "10086",
}
MOTHER_CONTACTS = {
    BORROWER: "儿子伟伟",
    NEIGHBOUR: "赵阿姨",
    SISTER: "女儿丽丽",
    CARRIER: "10086",
}

# --------------------------------------------------------------------------------------------
# XML writing helpers
# --------------------------------------------------------------------------------------------


def esc(s: str) -> str:
    """Escape an attribute value the way Android's KXmlSerializer does in SBR exports:
    & < > " as entities, control characters as numeric references, and characters outside the
    BMP as *two* numeric references to their UTF-16 surrogates (the export bug)."""
    out = []
    for ch in s:
        c = ord(ch)
        if ch == "&":
            out.append("&amp;")
        elif ch == "<":
            out.append("&lt;")
        elif ch == ">":
            out.append("&gt;")
        elif ch == '"':
            out.append("&quot;")
        elif c < 0x20:
            out.append(f"&#{c};")
        elif c > 0xFFFF:
            v = c - 0x10000
            out.append(f"&#{0xD800 + (v >> 10)};&#{0xDC00 + (v & 0x3FF)};")
        else:
            out.append(ch)
    return "".join(out)


def attrs(pairs: list[tuple[str, str]]) -> str:
    return " ".join(f'{k}="{esc(str(v))}"' for k, v in pairs)


def to_ms(local: dt.datetime) -> int:
    return int(local.replace(tzinfo=CST).timestamp() * 1000)


def readable(ms: int) -> str:
    """zh_CN medium date-time, as a Chinese-locale phone renders it (display only)."""
    t = dt.datetime.fromtimestamp(ms / 1000, CST)
    ampm = "上午" if t.hour < 12 else "下午"
    h = t.hour % 12 or 12
    return f"{t.year}年{t.month}月{t.day}日 {ampm}{h}:{t.minute:02d}:{t.second:02d}"


def header_stamp(local: dt.datetime) -> str:
    return local.strftime("%d/%m/%Y %H:%M:%S")


def tiny_png(w: int = 12, h: int = 12) -> bytes:
    """A small valid RGB PNG: a grey 'document' with a red stamp-like block."""
    rows = []
    for y in range(h):
        row = bytearray([0])
        for x in range(w):
            if 6 <= x <= 10 and 6 <= y <= 10:
                row += bytes((200, 30, 30))
            elif y in (2, 4) and 1 <= x <= 10:
                row += bytes((60, 60, 60))
            else:
                row += bytes((235, 235, 235))
        rows.append(bytes(row))
    raw = b"".join(rows)

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


# --------------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------------


class Sms:
    def __init__(self, when, address, body, typ=1, labels=(), coll=None, display_addr=None, read=1):
        self.when = when  # local Asia/Shanghai naive datetime
        self.address = address
        self.display_addr = display_addr or address
        self.body = body
        self.typ = typ
        self.labels = list(labels)
        self.is_collection = coll
        self.read = read
        self.ms = 0

    def xml(self, contacts, rng_ms):
        ms = self.ms
        received = self.typ == 1
        pairs = [
            ("protocol", "0"),
            ("address", self.display_addr),
            ("date", str(ms)),
            ("type", str(self.typ)),
            ("subject", "null"),
            ("body", self.body),
            ("toa", "null"),
            ("sc_toa", "null"),
            ("service_center", SMSC if received else "null"),
            ("read", str(self.read)),
            ("status", "-1"),
            ("locked", "0"),
            ("date_sent", str(ms - rng_ms) if received else "0"),
            ("sub_id", "1"),
            ("readable_date", readable(ms)),
            ("contact_name", contacts.get(self.address, "(Unknown)")),
        ]
        return f"  <sms {attrs(pairs)} />"


class Mms:
    def __init__(self, when, sender, to, text, labels=(), coll=None, image=True):
        self.when = when
        self.address = sender
        self.to = to
        self.text = text
        self.labels = list(labels)
        self.is_collection = coll
        self.image = image
        self.typ = 1
        self.ms = 0

    def xml(self, contacts, rng_ms, mid):
        ms = self.ms
        png = base64.b64encode(tiny_png()).decode()
        smil = (
            '<smil><head><layout><root-layout/><region id="Image" top="0" left="0" height="80%" '
            'width="100%"/><region id="Text" top="80%" left="0" height="20%" width="100%"/></layout>'
            '</head><body><par dur="5000ms"><img src="image000000.png" region="Image"/>'
            '<text src="text_0.txt" region="Text"/></par></body></smil>'
        )
        top = [
            ("date", str(ms)),
            ("rr", "129"),
            ("sub", "null"),
            ("ct_t", "application/vnd.wap.multipart.related"),
            ("read_status", "null"),
            ("seen", "1"),
            ("msg_box", "1"),
            ("address", self.address),
            ("sub_cs", "null"),
            ("resp_st", "null"),
            ("retr_st", "null"),
            ("d_tm", "null"),
            ("text_only", "0"),
            ("exp", "604800"),
            ("locked", "0"),
            ("m_id", mid),
            ("st", "null"),
            ("retr_txt_cs", "null"),
            ("retr_txt", "null"),
            ("creator", "com.android.mms"),
            ("date_sent", str(ms - rng_ms)),
            ("read", "1"),
            ("m_size", str(2300 + len(png))),
            ("rpt_a", "null"),
            ("ct_cls", "null"),
            ("pri", "129"),
            ("sub_id", "1"),
            ("tr_id", "T" + mid[-12:]),
            ("resp_txt", "null"),
            ("ct_l", "http://mmsc.example.invalid/" + mid[-8:]),
            ("m_cls", "personal"),
            ("d_rpt", "129"),
            ("v", "18"),
            ("m_type", "132"),
            ("readable_date", readable(ms)),
            ("contact_name", contacts.get(self.address, "(Unknown)")),
        ]
        part_keys = ["seq", "ct", "name", "chset", "cd", "fn", "cid", "cl", "ctt_s", "ctt_t", "text"]
        parts = [
            ["-1", "application/smil", "null", "null", "null", "null", "<smil>", "smil.xml", "null", "null", smil],
            ["0", "image/png", "image000000.png", "null", "null", "null", "<image000000>", "image000000.png",
             "null", "null", "null"],
            ["0", "text/plain", "null", "106", "null", "null", "<text_0>", "text_0.txt", "null", "null", self.text],
        ]
        lines = [f"  <mms {attrs(top)}>", "    <parts>"]
        for p in parts:
            pairs = list(zip(part_keys, p))
            if p[1] == "image/png":
                pairs.append(("data", png))
            lines.append(f"      <part {attrs(pairs)} />")
        lines.append("    </parts>")
        lines.append("    <addrs>")
        lines.append(f"      <addr {attrs([('address', self.address), ('type', '137'), ('charset', '106')])} />")
        for t in self.to:
            lines.append(f"      <addr {attrs([('address', t), ('type', '151'), ('charset', '106')])} />")
        lines.append("    </addrs>")
        lines.append("  </mms>")
        return "\n".join(lines)


class Call:
    def __init__(self, when, number, typ, duration=0, presentation=1, labels=(), display_num=None):
        self.when = when
        self.number = number
        self.display_num = display_num if display_num is not None else number
        self.typ = typ
        self.duration = duration
        self.presentation = presentation
        self.labels = list(labels)
        self.ms = 0

    def xml(self, contacts):
        pairs = [
            ("number", self.display_num),
            ("duration", str(self.duration)),
            ("date", str(self.ms)),
            ("type", str(self.typ)),
            ("presentation", str(self.presentation)),
            ("subscription_id", "1"),
            ("post_dial_digits", ""),
            ("subscription_component_name", "com.android.phone/com.android.services.telephony.TelephonyConnectionService"),
            ("readable_date", readable(self.ms)),
            ("contact_name", contacts.get(self.number, "(Unknown)")),
        ]
        return f"  <call {attrs(pairs)} />"


# --------------------------------------------------------------------------------------------
# The story
# --------------------------------------------------------------------------------------------

D = dt.datetime
rng = random.Random(SEED)


def at(day: dt.date, h: int, m: int | None = None, s: int | None = None) -> dt.datetime:
    m = rng.randrange(60) if m is None else m
    s = rng.randrange(60) if s is None else s
    return D(day.year, day.month, day.day, h, m, s)


def days(start: dt.date, end: dt.date):
    d = start
    while d <= end:
        yield d
        d += dt.timedelta(days=1)


START = dt.date(2025, 12, 10)
END = dt.date(2026, 1, 20)

# Script families with small variations (what number rotation looks like).
AMT = "8236"

LEGIT_SCRIPT = [
    "张伟，你在快闪借的欠款{amt}元已逾期{n}天，今天{t}点前必须处理，请勿拖延。",
    "张伟你好，快闪借账单{amt}元已逾期{n}天，请今天{t}点前还款，收到请回复。",
    "张伟，快闪借欠款{amt}元逾期{n}天了，今天{t}点前处理一下，谢谢配合。",
]
BLAST_SCRIPT = [
    "张伟，再不还款就通知你通讯录所有人，让你父母同事都知道你欠钱不还，后果自负！",
    "张伟，再不还款就通知你通讯录所有人，你爸妈同事都会知道你欠钱不还，后果自负！！",
    "张伟：再不还款就通知你通讯录所有人，让你家人朋友全知道你是欠钱不还的人，后果自负",
    "张伟，最后通知：今天不还款就通知你通讯录所有人，父母同事一个不落，后果自负！",
]
VISIT_SCRIPT = [
    ("张伟，我司已安排外访人员，{d}上门到你户籍地核实情况，请家里留人。", ["threat"]),
    ("张伟，外访组{d}上门到你家和你单位，当面处理你的欠款，别说没提醒你。", ["threat", "third_party_contact"]),
    ("张伟，已安排外访人员{d}上门，到时候街坊邻居都看着，你自己掂量。", ["threat"]),
]
FAKE_LEGAL_SCRIPT = [
    "张伟，你的案件已立案，即将移交经侦部门，你已涉嫌恶意诈骗，今天不处理明天直接冻结你名下所有银行卡并上失信名单。",
    "张伟，你的欠款案件已立案，材料今天移交经侦，涉嫌诈骗，明天冻结你名下银行卡，上失信名单后坐不了高铁飞机。",
    "张伟，系统已触发立案程序，你涉嫌恶意透支诈骗，24小时内不处理即移交经侦并冻结你名下所有账户。",
]
CONTACTED_SCRIPT = [
    ("张伟，你同事王强和你领导我们都已经通知了，下一个就是你爸妈，你看着办。", ["third_party_contact", "threat"]),
    ("张伟，你单位的同事已经接到我们电话了，还要继续让我们打给你亲戚吗？", ["third_party_contact"]),
]

MOTHER_DISCLOSE = [
    "李梅女士，你儿子张伟在我平台借款逾期不还，请转告他尽快还款，否则后果自负。",
    "阿姨您好，您儿子张伟在快闪借平台欠款{amt}元已逾期多日，他留的紧急联系人是您，麻烦转告他今天处理。",
    "李梅，你儿子张伟在我平台借款逾期不还，请转告他今天必须还款，否则后果自负！",
    "你儿子张伟在我平台借款逾期不还，请转告他，今天再不处理后果自负。",
]
MOTHER_VISIT = [
    "李梅，你儿子欠钱不还，明天我们的人上门去你家坐坐，让邻居都看看。",
    "李梅，你儿子张伟欠款{amt}元不还，我们外访人员这周上门到你家，让街坊邻居评评理。",
]
MOTHER_VILLAGE = [
    "再不让你儿子张伟还钱，就把他欠钱不还的事发到你们村委会和亲戚群里。",
]
MOTHER_INSULT = "你养的什么儿子，欠钱不还的老赖一个，没脸没皮的东西，一家子都是骗子。"
MOTHER_LAWYER = (
    "【华正律师事务所】律师函：李梅女士，张伟借款合同纠纷一案，您作为其紧急联系人及直系亲属负有连带还款责任，"
    "须于3日内代为偿还{amt}元，否则本所将对您一并起诉并申请冻结您的银行账户。"
)


def build_borrower_sms() -> list:
    R = []
    add = R.append
    L = lambda d, h: at(d, h)  # noqa: E731

    def coll_addr(num):
        # phones store some senders with +86, others bare: exercises normalisation
        return ("+86" + num) if int(num[-1]) % 2 == 0 else num

    # --- ordinary life, throughout (hard negatives) ---
    for d in days(START, END):
        if d.day % 3 == 0:
            add(Sms(at(d, rng.choice([8, 10, 12, 19])), BANK, f"【安和银行】您尾号6688的储蓄卡{d.month}月{d.day}日消费支出{rng.randrange(18, 260)}.{rng.randrange(10, 99)}元，余额{rng.randrange(300, 900)}.{rng.randrange(10, 99)}元。",
                    coll=False))
        if d.day % 4 == 1:
            code = rng.randrange(100000, 999999)
            add(Sms(at(d, 12), CODE_GW, f"【小象外卖】验证码{code}，5分钟内有效，请勿泄露给他人。", coll=False))
        if d.day % 4 == 3:
            add(Sms(at(d, rng.choice([11, 15, 17])), PARCEL_GW,
                    f"【闪达快递】您的包裹已到小区东门驿站，取件码{rng.randrange(1, 9)}-{rng.randrange(1, 6)}-{rng.randrange(1000, 9999)}，请于21:00前取件。",
                    coll=False))
        if d.day % 9 == 5:
            add(Sms(at(d, 13), LOAN_AD_GW,
                    "【速易花】尊敬的用户，您有一笔最高50000元的借款额度待领取，最快3分钟到账，详询APP。回T退订",
                    coll=False))
    add(Sms(at(dt.date(2025, 12, 15), 9), BANK, "【安和银行】您尾号6688的储蓄卡12月15日09:02工资收入5,230.00元，余额5,612.35元。", coll=False))
    add(Sms(at(dt.date(2026, 1, 15), 9), BANK, "【安和银行】您尾号6688的储蓄卡1月15日09:05工资收入5,230.00元，余额1,046.80元。", coll=False))
    add(Sms(at(dt.date(2025, 12, 20), 11), CARRIER, "尊敬的客户，截至12月20日您的话费余额为12.60元，为避免停机请及时充值。", coll=False))
    add(Sms(at(dt.date(2025, 12, 11), 19, 5, 15), MOTHER, "儿子，周末回家吃饭吗？妈给你包饺子\U0001F95F", coll=False))
    add(Sms(at(dt.date(2025, 12, 11), 19, 40, 30), MOTHER, "好的妈，周六回\U0001F60A", typ=2, coll=False))
    add(Sms(at(dt.date(2025, 12, 12), 8, 50), COLLEAGUE, "明早九点周会，别迟到\U0001F602\n会议室换到3楼", coll=False))
    add(Sms(at(dt.date(2025, 12, 18), 21), FRIEND, "周末打球不？老地方\U0001F3C0", coll=False))
    add(Sms(at(dt.date(2025, 12, 18), 21, 30), FRIEND, "这周不去了，最近事多", typ=2, coll=False))
    add(Sms(at(dt.date(2025, 12, 22), 14), COLLEAGUE, "伟哥，今天有人打电话到我这说你欠网贷，还问我是不是你同事，你没事吧？", coll=False))
    add(Sms(at(dt.date(2025, 12, 22), 14, 50), COLLEAGUE, "对不起连累你了，我在处理，他们再打来你直接挂掉就行", typ=2, coll=False))
    add(Sms(at(dt.date(2025, 12, 24), 20, 5, 44), MOTHER, "伟伟，今天好多陌生人打电话发短信给我，说你欠钱，到底怎么回事？妈很担心\U0001F622", coll=False))
    add(Sms(at(dt.date(2025, 12, 24), 20, 30, 2), MOTHER, "妈，我借了个网贷逾期了，我在想办法，你别理他们，陌生电话都别接。", typ=2, coll=False))
    add(Sms(at(dt.date(2026, 1, 1), 0, 5), FRIEND, "新年快乐\U0001F389\U0001F389 有事说一声，兄弟在", coll=False))
    add(Sms(at(dt.date(2026, 1, 1), 0, 20), FRIEND, "谢谢兄弟，新年快乐\U0001F64F", typ=2, coll=False))
    add(Sms(at(dt.date(2026, 1, 9), 10), ANTIFRAUD, "【反诈提醒】近期有不法分子冒充网贷平台或“债务优化”机构，以停息挂账、修复征信、转账至个人账户等为由实施诈骗，请提高警惕。", coll=False))
    add(Sms(at(dt.date(2026, 1, 12), 19, 38, 23), MOTHER, "儿子，钱的事别太着急，实在不行妈这里还有点，先顾好身体\U00002764\U0000FE0F", coll=False))
    add(Sms(at(dt.date(2026, 1, 16), 18), COLLEAGUE, "律所的联系方式发你了：法律援助可以打12348问问", coll=False))

    # --- the lender's own reminders (legit) from the 106 gateway ---
    add(Sms(at(dt.date(2025, 12, 10), 9), LENDER_GW, f"【快闪借】尊敬的张伟，您在快闪借的借款8000.00元已于12月08日到期，当前已逾期2天，应还金额{AMT}.50元。请尽快登录APP还款，逾期将上报征信，影响您的信用记录。回T退订",
            labels=["legit_reminder"], coll=True))
    add(Sms(at(dt.date(2025, 12, 12), 9), LENDER_GW, "【快闪借】您的借款已逾期，请尽快还款，逾期将上报征信。如有疑问请致电客服400-000-1234。回T退订",
            labels=["legit_reminder"], coll=True))
    add(Sms(at(dt.date(2025, 12, 15), 10), LENDER_GW, "【快闪借】张伟您好，您的借款已逾期7天，已产生逾期费用，请今日内处理，避免影响个人征信。回T退订",
            labels=["legit_reminder"], coll=True))
    add(Sms(at(dt.date(2025, 12, 20), 10), LENDER_GW, "【快闪借】您的账单已逾期12天，如仍未还款，平台将依法委托第三方机构进行催收并保留依法起诉的权利。回T退订",
            labels=["legit_reminder"], coll=True))
    add(Sms(at(dt.date(2026, 1, 10), 10), LENDER_GW, "【快闪借】您的借款已逾期33天，逾期信息已按规定报送征信机构。请尽快还款，还清后将按规定更新记录。回T退订",
            labels=["legit_reminder"], coll=True))

    # --- collection from rotating mobiles ---
    pool = COLLECTORS[:]

    def pick():
        return rng.choice(pool)

    # legit-worded personal-mobile demands (rotation of one script)
    for d in days(dt.date(2025, 12, 13), END):
        for _ in range(rng.choice([1, 1, 2, 2, 3])):
            n = (d - dt.date(2025, 12, 8)).days
            hour = rng.choice([9, 10, 11, 14, 16])
            deadline = rng.choice([t for t in (12, 15, 17, 18, 20) if t > hour + 1])
            body = rng.choice(LEGIT_SCRIPT).format(amt=AMT, n=n, t=deadline)
            num = pick()
            add(Sms(at(d, hour), num, body, labels=["legit_reminder"], coll=True, display_addr=coll_addr(num)))
    # 爆通讯录 threats from many numbers
    for d in [dt.date(2025, 12, x) for x in (17, 18, 19, 21, 23, 25, 26, 29, 31)] + [dt.date(2026, 1, x) for x in (2, 4, 6, 7, 9, 11, 14, 16, 18)]:
        for _ in range(rng.choice([1, 2, 2, 3])):
            num = pick()
            hour = rng.choice([8, 11, 13, 19, 22, 23])
            add(Sms(at(d, hour), num, rng.choice(BLAST_SCRIPT), labels=["threat", "third_party_contact"], coll=True,
                    display_addr=coll_addr(num)))
    # visit threats
    for d, when in [(dt.date(2025, 12, 19), "明天"), (dt.date(2025, 12, 27), "本周六"), (dt.date(2026, 1, 6), "明天"),
                    (dt.date(2026, 1, 13), "后天"), (dt.date(2026, 1, 19), "明天")]:
        num = pick()
        text, labels = rng.choice(VISIT_SCRIPT)
        add(Sms(at(d, rng.choice([10, 15, 21])), num, text.format(d=when), labels=labels, coll=True,
                display_addr=coll_addr(num)))
    # fake legal claims
    for d in [dt.date(2025, 12, 24), dt.date(2025, 12, 31), dt.date(2026, 1, 3), dt.date(2026, 1, 9), dt.date(2026, 1, 16)]:
        num = pick()
        add(Sms(at(d, rng.choice([9, 16, 23])), num, rng.choice(FAKE_LEGAL_SCRIPT), labels=["fake_legal"], coll=True,
                display_addr=coll_addr(num)))
    # "we already contacted your colleagues"
    for d in [dt.date(2025, 12, 22), dt.date(2025, 12, 25), dt.date(2026, 1, 8), dt.date(2026, 1, 17)]:
        num = pick()
        text, labels = rng.choice(CONTACTED_SCRIPT)
        add(Sms(at(d, 17), num, text, labels=labels, coll=True, display_addr=coll_addr(num)))
    # insult
    add(Sms(at(dt.date(2025, 12, 28), 23, 14), "18512349066", "张伟你个老赖，借钱不还的废物，活着都浪费空气，你全家都替你丢脸。",
            labels=["insult"], coll=True))
    add(Sms(at(dt.date(2026, 1, 14), 23, 2), "17112346602", "张伟你就是个没脸没皮的骗子，借钱的时候装孙子，还钱的时候装死。",
            labels=["insult"], coll=True, display_addr="+8617112346602"))
    # fake court notice, not from 12368
    add(Sms(at(dt.date(2026, 1, 2), 10, 11), FAKE_COURT,
            "【滨江市滨江区人民法院】传票通知：张伟（身份证3201**********1234），你因借款合同纠纷已被立案，案号（2026）滨0102民初第00017号。"
            "请于3日内联系承办人处理：17112346609，逾期不处理将依法强制执行并列入失信被执行人名单。",
            labels=["fake_legal", "impersonation"], coll=True))
    # scam: 停息挂账 / 修复征信
    add(Sms(at(dt.date(2026, 1, 6), 13), SCAM_GW,
            "网贷逾期被爆通讯录？专业法务团队帮您停息挂账、协商延期、修复征信，先办理后收费，加V：tingxi2026 咨询。拒收请回复R",
            labels=["scam"], coll=False))
    # scam: transfer to a personal account
    add(Sms(at(dt.date(2026, 1, 8), 16, 40), TRANSFER_SCAMMER,
            f"张伟，公司对公账户年底已冻结，今天请把还款{AMT}元转到财务个人账户：6217 0000 1234 5678，户名刘某某，转账后截图发我，立刻给你结清销账。",
            labels=["scam"], coll=True))
    # what he replies to (so every reply follows a message from that number)
    add(Sms(at(dt.date(2025, 12, 17), 11, 40), "15012340817", LEGIT_SCRIPT[0].format(amt=AMT, n=9, t=18),
            labels=["legit_reminder"], coll=True, display_addr=coll_addr("15012340817")))
    add(Sms(at(dt.date(2025, 12, 23), 20, 58), "17055518001", BLAST_SCRIPT[0], labels=["threat", "third_party_contact"],
            coll=True, display_addr=coll_addr("17055518001")))
    add(Sms(at(dt.date(2026, 1, 4), 9, 12), "13612347790", CONTACTED_SCRIPT[0][0], labels=CONTACTED_SCRIPT[0][1],
            coll=True, display_addr=coll_addr("13612347790")))
    add(Sms(at(dt.date(2026, 1, 15), 10, 2), "16512340089", FAKE_LEGAL_SCRIPT[2], labels=["fake_legal"],
            coll=True, display_addr=coll_addr("16512340089")))
    # his replies (type 2)
    add(Sms(at(dt.date(2025, 12, 17), 12, 3), "15012340817", "我在想办法，这个月底发工资先还一部分。", typ=2, coll=False, display_addr="15012340817"))
    add(Sms(at(dt.date(2025, 12, 23), 21, 15), "17055518001", "请不要再骚扰我的家人和同事，有事直接找我。", typ=2, coll=False))
    add(Sms(at(dt.date(2026, 1, 4), 9, 30), "13612347790", "我在想办法，请不要再骚扰我的家人，你们再打我父母电话我就报警了。", typ=2, coll=False))
    add(Sms(at(dt.date(2026, 1, 8), 17, 2), TRANSFER_SCAMMER, "我只会通过快闪借APP还款，不会转到个人账户。", typ=2, coll=False))
    add(Sms(at(dt.date(2026, 1, 15), 10, 20), "16512340089", "我已向12378和当地金融监管部门投诉，请停止骚扰我的家人。", typ=2, coll=False))

    # MMS: contract + ID photo threat
    add(Mms(at(dt.date(2025, 12, 26), 20, 17), "16755502211", [BORROWER],
            "张伟，这是你的借款合同和身份证照片，今晚12点前不处理，就把这张图发给你通讯录所有人和你们单位群\U0001F621",
            labels=["threat", "third_party_contact"], coll=True))
    return R


def build_mother_sms() -> list:
    R = []
    add = R.append
    # her own life
    add(Sms(at(dt.date(2025, 12, 11), 19, 5, 12), BORROWER, "儿子，周末回家吃饭吗？妈给你包饺子\U0001F95F", typ=2, coll=False))
    add(Sms(at(dt.date(2025, 12, 11), 19, 40, 33), BORROWER, "好的妈，周六回\U0001F60A", coll=False))
    add(Sms(at(dt.date(2025, 12, 14), 8), NEIGHBOUR, "李姐，明早菜市场鸡蛋特价，一起去啊", coll=False))
    add(Sms(at(dt.date(2025, 12, 14), 8, 20), NEIGHBOUR, "好，七点楼下见", typ=2, coll=False))
    add(Sms(at(dt.date(2025, 12, 20), 11), CARRIER, "尊敬的客户，您本月套餐内通话剩余35分钟，流量剩余1.2GB。", coll=False))
    add(Sms(at(dt.date(2025, 12, 24), 20, 5, 41), BORROWER, "伟伟，今天好多陌生人打电话发短信给我，说你欠钱，到底怎么回事？妈很担心\U0001F622", typ=2, coll=False))
    add(Sms(at(dt.date(2025, 12, 24), 20, 30, 5), BORROWER, "妈，我借了个网贷逾期了，我在想办法，你别理他们，陌生电话都别接。", coll=False))
    add(Sms(at(dt.date(2025, 12, 25), 9), SISTER, "妈，弟弟的事我知道了，那些人再发短信你截图留着，别回他们", coll=False))
    add(Sms(at(dt.date(2026, 1, 1), 8, 30), SISTER, "妈，新年快乐\U0001F9E7 身体健康！", coll=False))
    add(Sms(at(dt.date(2026, 1, 7), 15), CODE_GW, f"【小象外卖】验证码{rng.randrange(100000, 999999)}，5分钟内有效，请勿泄露给他人。", coll=False))
    add(Sms(at(dt.date(2026, 1, 12), 19, 38, 20), BORROWER, "儿子，钱的事别太着急，实在不行妈这里还有点，先顾好身体\U00002764\U0000FE0F", typ=2, coll=False))
    add(Sms(at(dt.date(2026, 1, 17), 10), NEIGHBOUR, "李姐，昨天有人在楼下打听你家，是不是那些催债的？要不要报警", coll=False))
    for d in days(START, END):
        if d.day % 6 == 2:
            add(Sms(at(d, 9), PHARMACY, f"【康宁大药房】会员您好，您的积分余额{rng.randrange(200, 900)}分，本周五降压药会员价，欢迎到店。回T退订", coll=False))
        if d.day % 8 == 4:
            add(Sms(at(d, 20), SISTER, rng.choice(["妈，早点休息", "妈，明天降温多穿点", "妈，周末我带孩子回去看你\U0001F917"]), coll=False))

    # collection aimed at her
    pool = COLLECTORS[:]
    # the first one, which she answers the next morning
    add(Sms(at(dt.date(2025, 12, 21), 19, 58), "13245670918", MOTHER_DISCLOSE[1].format(amt=AMT),
            labels=["third_party_contact", "disclosure"], coll=True))
    disclose_days = [d for d in days(dt.date(2025, 12, 22), END) if rng.random() < 0.75]
    for d in disclose_days:
        num = rng.choice(pool)
        body = rng.choice(MOTHER_DISCLOSE).format(amt=AMT)
        labels = ["third_party_contact", "disclosure"] + (["threat"] if "后果自负" in body else [])
        add(Sms(at(d, rng.choice([9, 12, 18, 22])), num, body, labels=labels, coll=True,
                display_addr=("+86" + num) if rng.random() < 0.5 else num))
    for d in [dt.date(2025, 12, 26), dt.date(2026, 1, 9)]:
        num = rng.choice(pool)
        add(Sms(at(d, 21), num, rng.choice(MOTHER_VISIT).format(amt=AMT), labels=["threat", "third_party_contact", "disclosure"], coll=True))
    add(Sms(at(dt.date(2026, 1, 4), 20, 44), "15987650342", MOTHER_VILLAGE[0], labels=["threat", "third_party_contact", "disclosure"], coll=True))
    add(Sms(at(dt.date(2025, 12, 29), 23, 31), "18512349066", MOTHER_INSULT, labels=["insult", "third_party_contact", "disclosure"], coll=True))
    add(Sms(at(dt.date(2026, 1, 11), 14, 2), "17112346603", MOTHER_LAWYER.format(amt=AMT),
            labels=["fake_legal", "impersonation", "third_party_contact", "disclosure"], coll=True))
    # her replies
    add(Sms(at(dt.date(2025, 12, 22), 9, 40), "13245670918", "你们是谁？不要再给我发了", typ=2, coll=False))
    add(Sms(at(dt.date(2026, 1, 5), 21, 5), "15987650342", "你们再发这种短信，我就去派出所报警。", typ=2, coll=False))
    # group MMS (blast to contact list)
    add(Mms(at(dt.date(2025, 12, 28), 19, 2), "17055518002", [MOTHER, SISTER, "13700137000", "13511112222", "13833334444"],
            "【通知】张伟在快闪借借款逾期不还，恶意拖欠，请各位亲友督促其还款，并转告他本人。",
            labels=["third_party_contact", "disclosure"], coll=True))
    return R


def build_borrower_calls() -> list:
    C = []
    add = C.append
    # lender's customer-service line (legit) early on
    add(Call(at(dt.date(2025, 12, 11), 10), LENDER_400, 1, 94))
    add(Call(at(dt.date(2025, 12, 13), 15), LENDER_400, 3))
    add(Call(at(dt.date(2025, 12, 14), 11), LENDER_400, 1, 61))
    # daily pressure from rotating numbers
    for d in days(dt.date(2025, 12, 15), END):
        for _ in range(rng.randrange(2, 7)):
            num = rng.choice(COLLECTORS)
            h = rng.choice([9, 10, 11, 12, 14, 15, 16, 17, 18, 19, 20])
            typ = rng.choice([3, 3, 5, 5, 1])
            dur = rng.randrange(8, 200) if typ == 1 else 0
            add(Call(at(d, h), num, typ, dur, labels=["collection_call"]))
        # some night calls
        if rng.random() < 0.35:
            num = rng.choice(COLLECTORS)
            add(Call(at(d, rng.choice([22, 23, 6, 7])), num, rng.choice([3, 5]), 0, labels=["collection_call", "night"]))
    # floods: many attempts from one number in one day
    floods = [
        (dt.date(2025, 12, 23), "17112346601", 14, (8, 21), [3, 3, 5]),
        (dt.date(2025, 12, 30), "16512340089", 11, (22, 24), [3, 5]),  # a night-time flood (22:00-24:00)
        (dt.date(2026, 1, 8), "13612347790", 16, (8, 22), [3, 5, 5]),
        (dt.date(2026, 1, 14), "17055518002", 12, (9, 20), [6]),  # he blocked it: all refused (type 6)
    ]
    for d, num, n, (h0, h1), types in floods:
        base = D(d.year, d.month, d.day, h0, 0, 0)
        span = (h1 - h0) * 3600 - 120
        offs = sorted(rng.sample(range(0, span), n))
        for o in offs:
            lab = ["collection_call", "flood"]
            t = base + dt.timedelta(seconds=o)
            if t.hour >= 22 or t.hour < 8:
                lab.append("night")
            add(Call(t, num, rng.choice(types), 0, labels=lab))
    # a withheld-number call at night
    add(Call(at(dt.date(2026, 1, 2), 23, 41), "-2", 3, 0, presentation=2, labels=["night"]))
    # a blocked call from the fake-court number
    add(Call(at(dt.date(2026, 1, 3), 9, 15), FAKE_COURT, 6, 0, labels=["collection_call"]))
    # transfer scammer called too (answered)
    add(Call(at(dt.date(2026, 1, 8), 16, 30), TRANSFER_SCAMMER, 1, 142))
    # genuine anti-fraud warning call (hard negative)
    add(Call(at(dt.date(2026, 1, 9), 10, 20), ANTIFRAUD, 1, 73))
    # family and friends
    for d, h, m, dur in [(dt.date(2025, 12, 13), 18, 20, 312), (dt.date(2025, 12, 24), 20, 40, 905), (dt.date(2025, 12, 28), 21, 5, 420),
                         (dt.date(2026, 1, 5), 19, 30, 610), (dt.date(2026, 1, 12), 19, 15, 1210), (dt.date(2026, 1, 18), 12, 0, 240)]:
        add(Call(at(d, h, m, (d.day * 7) % 60), MOTHER, 2, dur))  # same instant as in the mother's log
    add(Call(at(dt.date(2025, 12, 29), 19, 2, (29 * 7) % 60), MOTHER, 1, 530))
    add(Call(at(dt.date(2025, 12, 22), 14, 35), COLLEAGUE, 1, 188))
    add(Call(at(dt.date(2026, 1, 16), 17, 50), COLLEAGUE, 2, 95))
    add(Call(at(dt.date(2025, 12, 18), 20, 55), FRIEND, 1, 140))
    add(Call(at(dt.date(2026, 1, 16), 18, 30), "12348", 2, 480))
    return C


def build_mother_calls() -> list:
    C = []
    add = C.append
    for d in days(dt.date(2025, 12, 21), END):
        for _ in range(rng.randrange(0, 5)):
            num = rng.choice(COLLECTORS)
            typ = rng.choice([3, 3, 5, 1])
            dur = rng.randrange(15, 150) if typ == 1 else 0
            add(Call(at(d, rng.choice([8, 9, 10, 13, 16, 18, 20])), num, typ, dur, labels=["collection_call"]))
        if rng.random() < 0.3:
            add(Call(at(d, rng.choice([22, 23, 6])), rng.choice(COLLECTORS), 3, 0, labels=["collection_call", "night"]))
    # flood at the mother's phone
    base = D(2025, 12, 24, 7, 30, 0)
    for o in sorted(rng.sample(range(0, 14 * 3600), 13)):
        t = base + dt.timedelta(seconds=o)
        lab = ["collection_call", "flood"] + (["night"] if t.hour < 8 else [])
        add(Call(t, "18876541203", rng.choice([3, 5]), 0, labels=lab))
    add(Call(at(dt.date(2026, 1, 6), 9, 12), "18876541203", 6, 0, labels=["collection_call"]))  # blocked
    # family
    for d, h, m, typ, dur in [(dt.date(2025, 12, 13), 18, 20, 1, 312), (dt.date(2025, 12, 24), 20, 40, 1, 905),
                              (dt.date(2025, 12, 25), 9, 10, 1, 640), (dt.date(2025, 12, 28), 21, 5, 1, 420),
                              (dt.date(2025, 12, 29), 19, 2, 2, 530), (dt.date(2026, 1, 5), 19, 30, 1, 610),
                              (dt.date(2026, 1, 12), 19, 15, 1, 1210), (dt.date(2026, 1, 18), 12, 0, 1, 240)]:
        add(Call(at(d, h, m, (d.day * 7) % 60), SISTER if (d.day == 25) else BORROWER, typ, dur))
    add(Call(at(dt.date(2025, 12, 16), 10), NEIGHBOUR, 1, 75))
    add(Call(at(dt.date(2026, 1, 17), 10, 15), NEIGHBOUR, 2, 130))
    return C


# --------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------


def finalize(records):
    """Sort by time, give millisecond timestamps (unique, with sub-second noise)."""
    records.sort(key=lambda r: (r.when, getattr(r, "address", getattr(r, "number", ""))))
    seen = set()
    for r in records:
        ms = to_ms(r.when) + rng.randrange(0, 1000)
        while ms in seen:
            ms += 1
        seen.add(ms)
        r.ms = ms
    return records


def sms_file(records, contacts, created: dt.datetime, backup_set: str, rec_xml: list[str]) -> str:
    head = [
        "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>",
        SYNTH_COMMENT,
        f"<!--File Created By SMS Backup & Restore v10.20.002 on {header_stamp(created)}-->",
        '<?xml-stylesheet type="text/xsl" href="sms.xsl"?>',
        f'<smses count="{len(records)}" backup_set="{backup_set}" backup_date="{to_ms(created)}" type="full">',
    ]
    return "\n".join(head + rec_xml + ["</smses>", ""])


def calls_file(records, contacts, created: dt.datetime, backup_set: str) -> str:
    head = [
        "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>",
        SYNTH_COMMENT,
        f"<!--File Created By SMS Backup & Restore v10.20.002 on {header_stamp(created)}-->",
        '<?xml-stylesheet type="text/xsl" href="calls.xsl"?>',
        f'<calls count="{len(records)}" backup_set="{backup_set}" backup_date="{to_ms(created)}" type="full">',
    ]
    return "\n".join(head + [r.xml(contacts) for r in records] + ["</calls>", ""])


def render_sms(records, contacts):
    out = []
    for r in records:
        jitter = rng.randrange(1000, 9000)
        if isinstance(r, Mms):
            mid = "0" + uuid.UUID(int=rng.getrandbits(128)).hex[:23]
            out.append(r.xml(contacts, jitter, mid))
        else:
            out.append(r.xml(contacts, jitter))
    return out


def new_uuid() -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def sms_label_row(i, r):
    return {
        "index": i,
        "kind": "mms" if isinstance(r, Mms) else "sms",
        "address": r.address,
        "date": r.ms,
        "local": dt.datetime.fromtimestamp(r.ms / 1000, CST).strftime("%Y-%m-%d %H:%M:%S"),
        "direction": "in" if r.typ == 1 else "out",
        "is_collection": r.is_collection,
        "labels": sorted(r.labels),
        "night": is_night(r.ms),
    }


def call_label_row(i, c):
    return {
        "index": i,
        "number": c.display_num,
        "date": c.ms,
        "local": dt.datetime.fromtimestamp(c.ms / 1000, CST).strftime("%Y-%m-%d %H:%M:%S"),
        "type": c.typ,
        "duration": c.duration,
        "collector": "collection_call" in c.labels,
        "flood": "flood" in c.labels,
        "night": is_night(c.ms),
    }


def is_night(ms: int) -> bool:
    h = dt.datetime.fromtimestamp(ms / 1000, CST).hour
    return h >= 22 or h < 8


def generate() -> dict[str, str]:
    files: dict[str, str] = {}

    b_sms = finalize(build_borrower_sms())
    m_sms = finalize(build_mother_sms())
    b_calls = finalize(build_borrower_calls())
    m_calls = finalize(build_mother_calls())

    b_xml = render_sms(b_sms, BORROWER_CONTACTS)
    m_xml = render_sms(m_sms, MOTHER_CONTACTS)

    new_export = D(2026, 1, 20, 21, 30, 12)
    old_export = D(2026, 1, 5, 20, 14, 33)
    cut = to_ms(old_export)
    n_old = sum(1 for r in b_sms if r.ms < cut)

    files["borrower-sms.xml"] = sms_file(b_sms, BORROWER_CONTACTS, new_export, new_uuid(), b_xml)
    files["borrower-sms-older.xml"] = sms_file(b_sms[:n_old], BORROWER_CONTACTS, old_export, new_uuid(), b_xml[:n_old])
    files["borrower-calls.xml"] = calls_file(b_calls, BORROWER_CONTACTS, D(2026, 1, 20, 21, 31, 40), new_uuid())
    files["mother-sms.xml"] = sms_file(m_sms, MOTHER_CONTACTS, D(2026, 1, 19, 10, 2, 51), new_uuid(), m_xml)
    files["mother-calls.xml"] = calls_file(m_calls, MOTHER_CONTACTS, D(2026, 1, 19, 10, 3, 30), new_uuid())

    expected = {
        "note": "Intended labels of the synthetic demo (what the story was written to contain). "
        "Element index = 0-based position among <sms>/<mms> (or <call>) records in the file. "
        "Practice labels follow shared/data/README.md; night = 22:00-08:00 Asia/Shanghai.",
        "files": {},
    }
    for name, recs, kind in [("borrower-sms.xml", b_sms, "sms"), ("borrower-sms-older.xml", b_sms[:n_old], "sms"),
                             ("mother-sms.xml", m_sms, "sms"), ("borrower-calls.xml", b_calls, "call"),
                             ("mother-calls.xml", m_calls, "call")]:
        if kind == "sms":
            rows = [sms_label_row(i, r) for i, r in enumerate(recs)]
            practices = Counter(l for r in recs for l in r.labels)
            summary = {
                "records": len(recs),
                "sms": sum(1 for r in recs if isinstance(r, Sms)),
                "mms": sum(1 for r in recs if isinstance(r, Mms)),
                "sent": sum(1 for r in recs if r.typ == 2),
                "collection": sum(1 for r in recs if r.is_collection),
                "not_collection": sum(1 for r in recs if not r.is_collection),
                "practices": dict(sorted(practices.items())),
                "collection_senders": len({r.address for r in recs if r.is_collection and r.typ == 1 and r.address != LENDER_GW}),
                "rotating_numbers": len({r.address for r in recs if r.typ == 1 and r.address in COLLECTORS}),
                "night_collection": sum(1 for r in recs if r.is_collection and is_night(r.ms)),
                "before_2026": sum(1 for r in recs if r.ms < to_ms(D(2026, 1, 1))),
            }
            if name == "borrower-sms-older.xml":
                summary["subset_of"] = "borrower-sms.xml elements 0.." + str(n_old - 1)
        else:
            rows = [call_label_row(i, c) for i, c in enumerate(recs)]
            per_day = Counter((c.number, dt.datetime.fromtimestamp(c.ms / 1000, CST).date().isoformat()) for c in recs
                              if "collection_call" in c.labels)
            summary = {
                "records": len(recs),
                "by_type": dict(sorted(Counter(str(c.typ) for c in recs).items())),
                "collector_calls": sum(1 for c in recs if "collection_call" in c.labels),
                "collector_numbers": len({c.number for c in recs if "collection_call" in c.labels}),
                "night_collector_calls": sum(1 for c in recs if "collection_call" in c.labels and is_night(c.ms)),
                "night_calls_all": sum(1 for c in recs if is_night(c.ms)),
                "flood_days_10plus_one_number": sorted(f"{d} {n}: {k}" for (n, d), k in per_day.items() if k >= 10),
                "withheld": sum(1 for c in recs if c.presentation == 2),
            }
        expected["files"][name] = {"summary": summary, "records": rows}
    files["expected.json"] = dump_expected(expected)
    files["README.md"] = readme(expected)
    return files


def dump_expected(exp) -> str:
    """JSON with one record per line (small, diff-friendly)."""
    j = lambda o: json.dumps(o, ensure_ascii=False, sort_keys=False)  # noqa: E731
    out = ["{", f' "note": {j(exp["note"])},', ' "files": {']
    names = list(exp["files"])
    for k, name in enumerate(names):
        f = exp["files"][name]
        out.append(f"  {j(name)}: {{")
        out.append(f'   "summary": {j(f["summary"])},')
        out.append('   "records": [')
        rows = f["records"]
        for i, r in enumerate(rows):
            out.append("    " + j(r) + ("," if i + 1 < len(rows) else ""))
        out.append("   ]")
        out.append("  }" + ("," if k + 1 < len(names) else ""))
    out += [" }", "}", ""]
    text = "\n".join(out)
    assert json.loads(text) == exp
    return text


def readme(exp) -> str:
    f = exp["files"]
    bs, ms_, bc, mc, old = (f["borrower-sms.xml"]["summary"], f["mother-sms.xml"]["summary"],
                            f["borrower-calls.xml"]["summary"], f["mother-calls.xml"]["summary"],
                            f["borrower-sms-older.xml"]["summary"])

    def prac(s):
        return ", ".join(f"`{k}` {v}" for k, v in s["practices"].items())

    return f"""# Demo episode (synthetic)

**Everything here is invented** — people, numbers, the app 快闪借, the lender 某某网络小额贷款有限公司,
the bank 安和银行, the law firm and court names, and every message. 本目录全部为合成演示数据。

## The story / 故事

- 张伟（+86 138 0013 8000）在“快闪借”App（某某网络小额贷款有限公司）借了 8000 元，2025-12-08 到期未还。
- 12 月 10 日起平台 106 通道发送正常的逾期提醒（上报征信、依法委托催收）；12 月中旬起，十几个轮换的手机号和
  170/171/165/167 虚拟号码开始用几乎相同的话术短信、电话轰炸，威胁“爆通讯录”、上门外访，冒充已立案、移交经侦、
  冻结银行卡，辱骂他是“老赖”，还冒充法院发“传票通知”（并非来自 12368）。
- 12 月 21 日起他母亲李梅也收到催收：告知她儿子欠款、威胁上门、辱骂、冒充律师事务所称她负“连带还款责任”，
  以及一条群发给通讯录多人的彩信。同事王强也接到电话。
- 2026 年 1 月起还出现“停息挂账、修复征信”的诈骗短信，以及要求转账到“财务个人账户”的骗局；张伟回复只通过 App 还款，
  向 12378 投诉，咨询 12348 法律援助。时间跨越 2026-01-01（治安管理处罚法修订施行）。
- Zhang Wei borrowed 8,000 yuan on the invented app 快闪借 and fell behind on 2025-12-08. The lender's 106 gateway
  sends lawful reminders; from mid-December rotating mobile and virtual-operator numbers send near-identical scripts,
  flood his phone with calls (also at night), threaten to blast his contact list and to visit, claim a case is filed and
  accounts will be frozen, insult him, and fake a court summons. His mother Li Mei is told about the debt, threatened,
  insulted, and sent a fake lawyer's letter claiming family liability. In January come a "debt optimisation" scam and a
  request to pay into a personal account. The episode spans the 2026-01-01 law change.

## Files

| file | phone | records |
|---|---|---|
| `borrower-sms.xml` | 张伟, SBR export 2026-01-20 | {bs['records']} ({bs['sms']} SMS, {bs['mms']} MMS, {bs['sent']} sent) |
| `borrower-sms-older.xml` | 张伟, earlier export 2026-01-05 | {old['records']} — byte-identical records, elements 0..{old['records'] - 1} of `borrower-sms.xml` |
| `borrower-calls.xml` | 张伟 | {bc['records']} calls |
| `mother-sms.xml` | 李梅 (mother, contacted relative) | {ms_['records']} ({ms_['sms']} SMS, {ms_['mms']} MMS, {ms_['sent']} sent) |
| `mother-calls.xml` | 李梅 | {mc['records']} calls |
| `expected.json` | — | intended labels of every record (0-based element index per file) and per-file summaries |

All files follow SMS Backup & Restore v10 exactly: dates in ms UTC, `"null"` for empty values, `&#10;` newlines,
emoji as UTF-16 surrogate references (`&#55357;&#56832;`, the Android export bug — a strict XML parser rejects
them; the importer must decode the pairs), `readable_date` in zh_CN form, `contact_name` or `(Unknown)`,
and MMS with SMIL, `text/plain` and a small base64 PNG part plus `<addrs>` (137 = From, 151 = To).
Senders are stored sometimes as `+86…`, sometimes bare (same collectors in both forms) to exercise normalisation.

## What a good detector should find (as written; labels per `shared/data/README.md`)

- **borrower-sms.xml**: {bs['collection']} collection messages from {bs['collection_senders']} different collector numbers
  (besides the lender's 106 gateway), {bs['night_collection']} of them at night; practices: {prac(bs)}.
  {bs['not_collection']} non-collection messages are hard negatives (bank notices from 95388, verification codes,
  carrier notice, a 96110 anti-fraud warning, family/colleague chat about the debt, his own replies).
  The `scam` items: one "停息挂账/修复征信" ad (not collection) and one "transfer to the finance officer's personal
  account" demand. The fake court notice (`fake_legal`+`impersonation`) is not from 12368.
- **mother-sms.xml**: practices: {prac(ms_)} — every collection message here is `third_party_contact` and
  `disclosure`; the 律师函 claims family liability (`fake_legal`, `impersonation`). The group MMS is addressed to five
  contacts (爆通讯录).
- **number_rotation**: the same few scripts (legit-worded demand, 爆通讯录 threat, visit, 立案/经侦/冻结) arrive from
  {bs['rotating_numbers']} rotating numbers on the borrower's phone and {ms_['rotating_numbers']} on the mother's;
  17055518001/17055518002 and 17112346601/02/03/09 differ only in the last digits.
- **borrower-calls.xml**: {bc['collector_calls']} calls from {bc['collector_numbers']} collector numbers, {bc['night_collector_calls']} of
  them at night (22:00–08:00 Asia/Shanghai); flooding (≥10 attempts by one number in one day):
  {'; '.join(bc['flood_days_10plus_one_number'])} (the 2025-12-30 one between 22:00 and 24:00); by type {bc['by_type']}; one withheld call (`number="-2"`,
  presentation 2); blocked calls (type 6) including a whole flood on 2026-01-14; outgoing calls to his mother.
- **mother-calls.xml**: {mc['collector_calls']} collector calls from {mc['collector_numbers']} numbers, {mc['night_collector_calls']} at night; flooding:
  {'; '.join(mc['flood_days_10plus_one_number'])}; by type {mc['by_type']}.
- Importing `borrower-sms.xml` and `borrower-sms-older.xml` into one case must give {bs['records']} records, of which
  {old['records']} are shared events linked to both sources. {bs['before_2026']} borrower SMS fall before 2026-01-01 and the rest after,
  so both versions of the law apply.

## Regenerate

```
python3 scripts/gen-demo.py           # rewrite these files (deterministic: fixed seed, no clock)
python3 scripts/gen-demo.py --check   # verify the committed files are what the script produces
```
"""


def check_xml(text: str) -> None:
    """Parse after replacing surrogate-pair references (which strict parsers reject)."""
    import re
    import xml.dom.minidom

    def fix(m):
        hi, lo = int(m.group(1)), int(m.group(2))
        return f"&#{0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)};"

    fixed = re.sub(r"&#(5[5-6]\d{3});&#(5[6-7]\d{3});", fix, text)
    assert not re.search(r"&#5[5-7]\d{3};", fixed), "lone surrogate reference"
    xml.dom.minidom.parseString(fixed.encode("utf-8"))


def main(argv) -> int:
    files = generate()
    for name, text in files.items():
        if name.endswith(".xml"):
            check_xml(text)
    if "--check" in argv:
        bad = [n for n, t in files.items() if not (OUT / n).exists() or (OUT / n).read_text("utf-8") != t]
        if bad:
            print("differs from generator output:", ", ".join(bad))
            return 1
        print("demo files up to date")
        return 0
    OUT.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (OUT / name).write_text(text, "utf-8", newline="\n")
        print(f"{name:26s} {len(text.encode()):8d} bytes")
    old = files["borrower-sms-older.xml"]
    new = files["borrower-sms.xml"]
    # the older export's records must be an exact prefix of the newer one's
    body = lambda t: t.split('type="full">\n', 1)[1].rsplit("</smses>", 1)[0]  # noqa: E731
    assert body(new).startswith(body(old))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
