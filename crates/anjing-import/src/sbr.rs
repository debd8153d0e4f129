/*!
SMS Backup & Restore (SyncTech) XML: `<smses>` message backups and `<calls>`
call-log backups, read as a stream.

The file is read with quick-xml's pull [`Reader`] over the caller's `BufRead`,
one event at a time. Nothing is accumulated across records: memory is bounded
by the largest single tag (an MMS `<part data="…">` can be megabytes of base64)
plus one MMS's parts and addresses, whatever the file size.

What is read, per record element (`<sms>`, `<mms>`, `<call>`):

* every attribute, decoded by our own unescaper ([`crate::unescape`], which
  pairs UTF-16 surrogate references such as `&#55357;&#56832;`), goes into
  [`RawRecord::original`] as a string, unknown attributes included, and the
  literal `"null"` kept as `"null"`; for derived fields `"null"` means absent;
* an MMS's `<parts>` and `<addrs>` are kept under `original["parts"]` and
  `original["addrs"]` as JSON arrays of attribute maps, except that a part's
  `data` (base64 media) is replaced by `data_len` and `data_sha256`
  (see `data_digest`; the media bytes stay in the stored original artifact);
* derived fields: direction, counterparty, time (from `date`, Unix ms; the
  locale-formatted `readable_date` is never parsed), text, call duration and
  result, and a [`Locator`] (XPath, 0-based record index, 1-based line and
  column of the start tag, byte offset).

Damage is reported, never punished: a record with a bad or missing field is
delivered with a `Damaged` problem; markup that cannot be read ends the import
with an `Unreadable` problem naming the line, column and reason (`truncated`
when the file was cut off inside the root, `malformed_xml` otherwise) and
everything read before it kept. Problem codes used here:

| code | severity | meaning |
|---|---|---|
| `bad_date` | Damaged | `date` present but not Unix milliseconds (record kept, `time: None`) |
| `missing_attribute` | Damaged | a required attribute is absent (record kept) |
| `bad_duration` | Damaged | a call's `duration` is not a whole number of seconds |
| `incomplete_record` | Damaged | an MMS whose end tag was never reached (delivered with what was read) |
| `unknown_type` | Warning | `type` / `msg_box` value outside the documented ones (direction unknown) |
| `duplicate_attribute` | Warning | the same attribute twice; later ones kept as `name#2`, `name#3`… |
| `lone_surrogate` | Warning | a surrogate reference without partner, replaced by U+FFFD |
| `unknown_entity` | Warning | unknown entity, bare `&` or bad reference, kept literally |
| `unknown_element` | Warning | an element this importer does not know (skipped, with its content) |
| `unexpected_text` | Warning | text where the format has none |
| `count_mismatch` | Warning | the root's `count` differs from the records read (it is never trusted) |
| `invalid_utf8` | Unreadable | bytes that are not UTF-8; that tag or text is skipped, reading goes on |
| `malformed_xml` | Unreadable | broken markup: the rest of the file (or the rest of one tag's attributes) is not read |
| `truncated` | Unreadable | the file ends inside the root element: an interrupted backup |
| `content_after_root` | Unreadable | something other than comments after the root element's end |
*/

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;
use std::io::{self, BufRead, Read};

use anjing_model::time::{self, TimeUnit};
use anjing_model::{CallResult, Direction, RecordKind};
use quick_xml::Reader;
use quick_xml::errors::Error as XmlError;
use quick_xml::events::Event;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::unescape::{EscapeIssues, unescape};
use crate::{ImportError, ImportStats, Locator, Problem, RawRecord, RecordSink, Severity};

const BOM: &[u8] = b"\xEF\xBB\xBF";
/// Nesting deeper than this is not an SMS backup; reading stops there.
const MAX_DEPTH: usize = 64;
/// After a tag this large, the read buffer is given back to the allocator.
const BUF_KEEP: usize = 1 << 20;
/// At most this many `invalid_utf8` problems before reading stops (a binary file).
const MAX_ENCODING_ERRORS: u32 = 100;

/// Reads an SMS Backup & Restore XML file (`<smses>` or `<calls>`) and streams
/// every record and problem to `sink`.
///
/// Returns [`ImportError::NotAnExport`] when the root element is neither
/// `<smses>` nor `<calls>` (then nothing was sent to the sink),
/// [`ImportError::Io`] when reading fails and [`ImportError::Sink`] when the
/// sink does; damaged content is reported to the sink and never an error.
pub fn import<R: BufRead>(
    reader: R,
    sink: &mut dyn RecordSink,
) -> Result<ImportStats, ImportError> {
    Importer::new(sink).run(reader)
}

// ---------------------------------------------------------------------------------------------
// Positions

/// A place in the file: byte offset and 1-based line and column (columns count
/// Unicode scalar values, so they match what an editor shows).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Pos {
    offset: u64,
    line: u64,
    column: u64,
}

impl Pos {
    const START: Pos = Pos { offset: 0, line: 1, column: 1 };

    fn advance(&mut self, bytes: &[u8]) {
        self.offset += bytes.len() as u64;
        match memchr::memrchr(b'\n', bytes) {
            Some(last) => {
                self.line += count_newlines(&bytes[..=last]);
                self.column = 1 + count_chars(&bytes[last + 1..]);
            }
            None => self.column += count_chars(bytes),
        }
    }

    fn advanced(mut self, bytes: &[u8]) -> Pos {
        self.advance(bytes);
        self
    }
}

fn count_newlines(bytes: &[u8]) -> u64 {
    count_where(bytes, |b| b == b'\n')
}

/// Counts UTF-8 scalar values (bytes that are not continuation bytes 0x80..=0xBF).
fn count_chars(bytes: &[u8]) -> u64 {
    count_where(bytes, |b| (b as i8) >= -0x40)
}

/// Counts bytes matching `pred`, in blocks the compiler vectorises.
#[inline(always)]
fn count_where(bytes: &[u8], pred: impl Fn(u8) -> bool) -> u64 {
    let mut n = 0u64;
    let mut blocks = bytes.chunks_exact(128);
    for block in &mut blocks {
        let mut k = 0u8;
        for &b in block {
            k += u8::from(pred(b));
        }
        n += u64::from(k);
    }
    n + blocks.remainder().iter().filter(|&&b| pred(b)).count() as u64
}

/// A `BufRead` that counts lines and columns of what its consumer consumed, so
/// positions cost one pass over the bytes as they stream by and no rescan.
struct Counting<R> {
    inner: R,
    pos: Pos,
}

impl<R: BufRead> Counting<R> {
    fn new(mut inner: R) -> io::Result<Self> {
        let mut pos = Pos::START;
        // Drop a UTF-8 byte-order mark here so it counts in offsets but not in columns.
        loop {
            match inner.fill_buf() {
                Ok(head) => {
                    if head.starts_with(BOM) {
                        inner.consume(BOM.len());
                        pos.offset = BOM.len() as u64;
                    }
                    break;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
        Ok(Counting { inner, pos })
    }
}

impl<R: BufRead> Read for Counting<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(out)?;
        self.pos.advance(&out[..n]);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Counting<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        // A second fill_buf without consume returns the same buffered bytes (no I/O).
        let Counting { inner, pos } = self;
        match inner.fill_buf() {
            Ok(avail) => {
                let n = amt.min(avail.len());
                pos.advance(&avail[..n]);
                pos.offset += (amt - n) as u64;
            }
            Err(_) => pos.offset += amt as u64,
        }
        inner.consume(amt);
    }
}

// ---------------------------------------------------------------------------------------------
// Attributes

/// One attribute as written: name and the raw value between the quotes, with
/// the value's byte offset inside the attribute text.
struct RawAttr<'a> {
    name: &'a str,
    value: &'a str,
}

/// Malformed attribute syntax at `at` (byte offset in the attribute text).
struct AttrSyntax {
    at: usize,
    reason: &'static str,
}

/// Splits the attribute text of a tag into raw attributes. On malformed syntax,
/// the attributes before it are still delivered and the error returned.
fn lex_attrs<'a>(s: &'a str, mut each: impl FnMut(RawAttr<'a>)) -> Result<(), AttrSyntax> {
    let b = s.as_bytes();
    let mut i = 0;
    let ws = |c: u8| matches!(c, b' ' | b'\t' | b'\r' | b'\n');
    loop {
        while i < b.len() && ws(b[i]) {
            i += 1;
        }
        if i >= b.len() {
            return Ok(());
        }
        let start = i;
        while i < b.len() && !ws(b[i]) && !matches!(b[i], b'=' | b'"' | b'\'' | b'<' | b'>' | b'&')
        {
            i += 1;
        }
        if i == start {
            return Err(AttrSyntax { at: i, reason: "expected an attribute name" });
        }
        let name = &s[start..i];
        while i < b.len() && ws(b[i]) {
            i += 1;
        }
        if i >= b.len() || b[i] != b'=' {
            return Err(AttrSyntax { at: i, reason: "expected '=' after the attribute name" });
        }
        i += 1;
        while i < b.len() && ws(b[i]) {
            i += 1;
        }
        if i >= b.len() || !matches!(b[i], b'"' | b'\'') {
            return Err(AttrSyntax { at: i, reason: "expected a quoted attribute value" });
        }
        let quote = b[i];
        let vstart = i + 1;
        let Some(len) = memchr::memchr(quote, &b[vstart..]) else {
            return Err(AttrSyntax { at: i, reason: "the attribute value is not closed" });
        };
        i = vstart + len + 1;
        each(RawAttr { name, value: &s[vstart..vstart + len] });
        if i < b.len() && !ws(b[i]) {
            return Err(AttrSyntax { at: i, reason: "expected whitespace between attributes" });
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The importer

/// Which records the root's children are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rec {
    Sms,
    Mms,
    Call,
}

impl Rec {
    fn from_name(name: &str) -> Option<Rec> {
        match name {
            "sms" => Some(Rec::Sms),
            "mms" => Some(Rec::Mms),
            "call" => Some(Rec::Call),
            _ => None,
        }
    }
    fn name(self) -> &'static str {
        match self {
            Rec::Sms => "sms",
            Rec::Mms => "mms",
            Rec::Call => "call",
        }
    }
}

/// An open element.
enum Frame {
    Root(String),
    Record(Rec),
    Parts,
    Addrs,
    Part,
    Addr,
    /// An element we do not know (already reported at its top); its content is skipped.
    Other(Box<str>),
}

impl Frame {
    fn name(&self) -> &str {
        match self {
            Frame::Root(n) => n,
            Frame::Record(r) => r.name(),
            Frame::Parts => "parts",
            Frame::Addrs => "addrs",
            Frame::Part => "part",
            Frame::Addr => "addr",
            Frame::Other(n) => n,
        }
    }
}

/// A record element whose end tag has not been read yet (an MMS, or a
/// non-empty `<sms>`/`<call>`).
struct Pending {
    rec: Rec,
    locator: Locator,
    original: BTreeMap<String, Value>,
    parts: Vec<Value>,
    addrs: Vec<Value>,
    parts_elems: u64,
    addrs_elems: u64,
    part_no: u64,
    addr_no: u64,
    problems: Vec<Problem>,
}

/// Whether reading goes on.
#[derive(PartialEq, Eq)]
enum Flow {
    Go,
    Stop,
}

struct Importer<'s> {
    sink: &'s mut dyn RecordSink,
    stats: ImportStats,
    root: Option<String>,
    root_locator: Option<Locator>,
    root_done: bool,
    root_count: Option<String>,
    stack: Vec<Frame>,
    pending: Option<Pending>,
    /// 0-based index of the next record element.
    next_index: u64,
    /// Same-named siblings seen so far under the root (for XPath positions).
    n_sms: u64,
    n_mms: u64,
    n_call: u64,
    n_other: BTreeMap<String, u64>,
    encoding_errors: u32,
}

impl<'s> Importer<'s> {
    fn new(sink: &'s mut dyn RecordSink) -> Self {
        Importer {
            sink,
            stats: ImportStats::default(),
            root: None,
            root_locator: None,
            root_done: false,
            root_count: None,
            stack: Vec::new(),
            pending: None,
            next_index: 0,
            n_sms: 0,
            n_mms: 0,
            n_call: 0,
            n_other: BTreeMap::new(),
            encoding_errors: 0,
        }
    }

    fn run<R: BufRead>(mut self, reader: R) -> Result<ImportStats, ImportError> {
        let counting = Counting::new(reader)?;
        // File offset where the current quick-xml reader started: its own offsets
        // count neither a byte-order mark `Counting` dropped nor what came before a
        // restart (see below).
        let bom = counting.pos.offset;
        let mut base = bom;
        let mut xml = xml_reader(counting);
        let mut buf: Vec<u8> = Vec::with_capacity(64 * 1024);
        loop {
            buf.clear();
            if buf.capacity() > BUF_KEEP {
                buf = Vec::with_capacity(64 * 1024);
            }
            let before = xml.get_ref().pos;
            let event = xml.read_event_into(&mut buf);
            let flow = match event {
                Ok(Event::Start(e)) => {
                    let name = e.name().0;
                    self.open(name, e.attributes_raw(), before, false)?
                }
                Ok(Event::Empty(e)) => {
                    let name = e.name().0;
                    self.open(name, e.attributes_raw(), before, true)?
                }
                Ok(Event::End(e)) => self.close(e.name().0, before)?,
                Ok(Event::Text(t)) => self.text(&t, before)?,
                Ok(Event::GeneralRef(r)) => self.text(&format!("&{};", &*r), before)?,
                Ok(Event::CData(c)) => self.text(&format!("<![CDATA[{}]]>", &*c), before)?,
                Ok(Event::Comment(_) | Event::PI(_) | Event::Decl(_) | Event::DocType(_)) => {
                    Flow::Go
                }
                Ok(Event::Eof) => {
                    if self.root.is_none() && before.offset == bom {
                        return Err(ImportError::NotAnExport {
                            reason_zh: "文件是空的".into(),
                            reason_en: "the file is empty".into(),
                        });
                    }
                    self.eof(before)?;
                    break;
                }
                Err(XmlError::Io(e)) => {
                    return Err(ImportError::Io(io::Error::new(e.kind(), e.to_string())));
                }
                Err(XmlError::Encoding(e)) => {
                    let at = before.advanced(valid_prefix(&buf));
                    let flow = self.encoding_error(&e.to_string(), &buf, before, at)?;
                    // quick-xml stops for good after such an error, although it
                    // consumed exactly the tag or text: go on with a fresh reader.
                    let inner = xml.into_inner();
                    base = inner.pos.offset;
                    xml = xml_reader(inner);
                    flow
                }
                Err(e) => {
                    let at = locate_in(before, &buf, xml.error_position() + base);
                    // Whatever the error, if the input is used up the file was cut off.
                    let at_eof = xml.get_mut().fill_buf().is_ok_and(<[u8]>::is_empty);
                    self.fatal(&e, at, at_eof)?;
                    Flow::Stop
                }
            };
            if flow == Flow::Stop {
                break;
            }
        }
        self.finish()
    }

    // ----- elements ------------------------------------------------------------------------

    fn open(&mut self, name: &str, attrs: &str, at: Pos, empty: bool) -> Result<Flow, ImportError> {
        // Where the attribute text starts, for positions of attribute errors.
        let attrs_at = || at.advanced(b"<").advanced(name.as_bytes());
        if self.stack.len() >= MAX_DEPTH {
            self.unreadable(
                "malformed_xml",
                at,
                "元素嵌套过深，不像短信备份文件；此处之后的内容未读取".into(),
                format!("elements nested deeper than {MAX_DEPTH} at <{name}>"),
            )?;
            return Ok(Flow::Stop);
        }
        let top = match self.stack.last() {
            None => return self.open_root(name, attrs, at, empty),
            Some(Frame::Root(_)) => 0,
            Some(Frame::Record(Rec::Mms)) => 1,
            Some(Frame::Parts) => 2,
            Some(Frame::Addrs) => 3,
            Some(Frame::Other(_)) => {
                self.push(Frame::Other(name.into()), empty);
                return Ok(Flow::Go);
            }
            Some(Frame::Record(_) | Frame::Part | Frame::Addr) => 4,
        };
        match (top, name) {
            (0, _) => match Rec::from_name(name) {
                Some(rec) => self.open_record(rec, name, attrs, at, empty, attrs_at()),
                None => {
                    let n = self.n_other.entry(name.to_owned()).or_insert(0);
                    *n += 1;
                    let n = *n;
                    let loc = Locator {
                        path: format!("/{}/{}[{}]", self.root_name(), name, n),
                        index: self.next_index,
                        line: at.line,
                        column: at.column,
                        offset: at.offset,
                    };
                    self.emit_problem(Problem {
                        severity: Severity::Warning,
                        code: "unknown_element".into(),
                        locator: Some(loc),
                        message_zh: format!(
                            "第 {} 行第 {} 列有一个不认识的元素 <{}>，已跳过（原文件中仍保留）",
                            at.line, at.column, name
                        ),
                        cause_en: format!("unknown record-level element <{name}> skipped"),
                    })?;
                    self.push(Frame::Other(name.into()), empty);
                    Ok(Flow::Go)
                }
            },
            (1, "parts") => {
                if let Some(p) = self.pending.as_mut() {
                    p.parts_elems += 1;
                    p.part_no = 0;
                }
                self.push(Frame::Parts, empty);
                Ok(Flow::Go)
            }
            (1, "addrs") => {
                if let Some(p) = self.pending.as_mut() {
                    p.addrs_elems += 1;
                    p.addr_no = 0;
                }
                self.push(Frame::Addrs, empty);
                Ok(Flow::Go)
            }
            (2, "part") | (3, "addr") => {
                let is_part = name == "part";
                self.open_child(is_part, attrs, at, attrs_at());
                self.push(if is_part { Frame::Part } else { Frame::Addr }, empty);
                Ok(Flow::Go)
            }
            _ => {
                // An element inside a record that the format does not have.
                let loc = self.child_locator(name, at);
                let problem = Problem {
                    severity: Severity::Warning,
                    code: "unknown_element".into(),
                    locator: Some(loc),
                    message_zh: format!(
                        "第 {} 行第 {} 列的记录里有一个不认识的元素 <{}>，已跳过（原文件中仍保留）",
                        at.line, at.column, name
                    ),
                    cause_en: format!("unknown element <{name}> inside a record skipped"),
                };
                self.record_problem(problem)?;
                self.push(Frame::Other(name.into()), empty);
                Ok(Flow::Go)
            }
        }
    }

    fn push(&mut self, frame: Frame, empty: bool) {
        if !empty {
            self.stack.push(frame);
        }
    }

    fn root_name(&self) -> &str {
        self.root.as_deref().unwrap_or("")
    }

    fn open_root(
        &mut self,
        name: &str,
        attrs: &str,
        at: Pos,
        empty: bool,
    ) -> Result<Flow, ImportError> {
        if self.root_done {
            self.after_root(&format!("<{name}>"), at)?;
            return Ok(Flow::Stop);
        }
        if name != "smses" && name != "calls" {
            return Err(ImportError::NotAnExport {
                reason_zh: format!(
                    "XML 根元素是 <{name}>，不是短信备份 <smses> 或通话备份 <calls>"
                ),
                reason_en: format!("unknown XML root element <{name}>"),
            });
        }
        self.root = Some(name.to_owned());
        let loc = Locator {
            path: format!("/{name}"),
            index: 0,
            line: at.line,
            column: at.column,
            offset: at.offset,
        };
        // `count` is never trusted; it is only compared at the end.
        let _ = lex_attrs(attrs, |a| {
            if a.name == "count" {
                self.root_count = Some(a.value.to_owned());
            }
        });
        self.root_locator = Some(loc);
        if empty {
            self.root_done = true;
        } else {
            self.stack.push(Frame::Root(name.to_owned()));
        }
        Ok(Flow::Go)
    }

    fn open_record(
        &mut self,
        rec: Rec,
        name: &str,
        attrs: &str,
        at: Pos,
        empty: bool,
        attrs_at: Pos,
    ) -> Result<Flow, ImportError> {
        let n = match rec {
            Rec::Sms => &mut self.n_sms,
            Rec::Mms => &mut self.n_mms,
            Rec::Call => &mut self.n_call,
        };
        *n += 1;
        let n = *n;
        let locator = Locator {
            path: format!("/{}/{}[{}]", self.root_name(), name, n),
            index: self.next_index,
            line: at.line,
            column: at.column,
            offset: at.offset,
        };
        self.next_index += 1;
        let mut pending = Pending {
            rec,
            locator,
            original: BTreeMap::new(),
            parts: Vec::new(),
            addrs: Vec::new(),
            parts_elems: 0,
            addrs_elems: 0,
            part_no: 0,
            addr_no: 0,
            problems: Vec::new(),
        };
        let mut map = std::mem::take(&mut pending.original);
        read_attrs(attrs, attrs_at, &pending.locator, &mut map, &mut pending.problems, false);
        pending.original = map;
        if empty {
            self.deliver(pending)?;
        } else {
            self.pending = Some(pending);
            self.stack.push(Frame::Record(rec));
        }
        Ok(Flow::Go)
    }

    /// A `<part>` or `<addr>` of the MMS being read.
    fn open_child(&mut self, is_part: bool, attrs: &str, at: Pos, attrs_at: Pos) {
        let Some(p) = self.pending.as_mut() else { return };
        let (elems, no) = if is_part {
            p.part_no += 1;
            (p.parts_elems, p.part_no)
        } else {
            p.addr_no += 1;
            (p.addrs_elems, p.addr_no)
        };
        let (group, child) = if is_part { ("parts", "part") } else { ("addrs", "addr") };
        let loc = Locator {
            path: format!("{}/{group}[{elems}]/{child}[{no}]", p.locator.path),
            index: p.locator.index,
            line: at.line,
            column: at.column,
            offset: at.offset,
        };
        let mut map = BTreeMap::new();
        read_attrs(attrs, attrs_at, &loc, &mut map, &mut p.problems, is_part);
        let obj: Map<String, Value> = map.into_iter().collect();
        if is_part {
            p.parts.push(Value::Object(obj));
        } else {
            p.addrs.push(Value::Object(obj));
        }
    }

    /// The locator of an element nested in the record being read.
    fn child_locator(&self, name: &str, at: Pos) -> Locator {
        let base = self.pending.as_ref().map(|p| (p.locator.path.as_str(), p.locator.index));
        let (path, index) = base.unwrap_or(("", self.next_index));
        Locator {
            path: format!("{path}/{name}"),
            index,
            line: at.line,
            column: at.column,
            offset: at.offset,
        }
    }

    fn close(&mut self, name: &str, at: Pos) -> Result<Flow, ImportError> {
        let Some(top) = self.stack.last() else {
            if self.root_done {
                self.after_root(&format!("</{name}>"), at)?;
            } else {
                self.unreadable(
                    "malformed_xml",
                    at,
                    format!(
                        "第 {} 行第 {} 列有多余的结束标记 </{}>；此处之后的内容未读取",
                        at.line, at.column, name
                    ),
                    format!("end tag </{name}> without a start tag"),
                )?;
            }
            return Ok(Flow::Stop);
        };
        if top.name() != name {
            let expected = top.name().to_owned();
            self.unreadable(
                "malformed_xml",
                at,
                format!(
                    "第 {} 行第 {} 列的结束标记 </{}> 与开始标记 <{}> 不配对（文件结构损坏）；此处之后的内容未读取",
                    at.line, at.column, name, expected
                ),
                format!("mismatched end tag: expected </{expected}>, found </{name}>"),
            )?;
            return Ok(Flow::Stop);
        }
        match self.stack.pop() {
            Some(Frame::Record(_)) => {
                if let Some(p) = self.pending.take() {
                    self.deliver(p)?;
                }
            }
            Some(Frame::Root(_)) => self.root_done = true,
            _ => {}
        }
        Ok(Flow::Go)
    }

    fn text(&mut self, text: &str, at: Pos) -> Result<Flow, ImportError> {
        if text.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n')) {
            return Ok(Flow::Go);
        }
        if self.root_done {
            self.after_root(text, at)?;
            return Ok(Flow::Stop);
        }
        if matches!(self.stack.last(), Some(Frame::Other(_))) {
            return Ok(Flow::Go); // inside an element already reported as unknown
        }
        let sample: String = text.trim().chars().take(40).collect();
        let problem = Problem {
            severity: Severity::Warning,
            code: "unexpected_text".into(),
            locator: Some(self.here_locator(at)),
            message_zh: format!(
                "第 {} 行第 {} 列有备份格式中不该出现的文字“{}”，已跳过（原文件中仍保留）",
                at.line, at.column, sample
            ),
            cause_en: format!("unexpected text content {sample:?}"),
        };
        if self.pending.is_some() {
            self.record_problem(problem)?;
        } else {
            self.emit_problem(problem)?;
        }
        Ok(Flow::Go)
    }

    /// A locator for a position that is not a record's start.
    fn here_locator(&self, at: Pos) -> Locator {
        let (path, index) = match (&self.pending, &self.root) {
            (Some(p), _) => (p.locator.path.clone(), p.locator.index),
            (None, Some(r)) => (format!("/{r}"), self.next_index),
            (None, None) => ("/".to_owned(), 0),
        };
        Locator { path, index, line: at.line, column: at.column, offset: at.offset }
    }

    fn eof(&mut self, at: Pos) -> Result<(), ImportError> {
        if self.root_done {
            return Ok(());
        }
        let open: Vec<String> = self.stack.iter().map(|f| format!("<{}>", f.name())).collect();
        let cause = if self.root.is_none() {
            "end of file before the root element".to_owned()
        } else {
            format!("end of file inside {}", open.join(""))
        };
        self.truncated(at, cause)
    }

    fn truncated(&mut self, at: Pos, cause_en: String) -> Result<(), ImportError> {
        self.stats.truncated = true;
        self.unreadable(
            "truncated",
            at,
            format!(
                "文件在第 {} 行第 {} 列处中断（备份可能没有完成或文件被截断）；之前的记录已全部读取，之后没有内容",
                at.line, at.column
            ),
            cause_en,
        )
    }

    /// A reader error that ends the import.
    fn fatal(&mut self, e: &XmlError, at: Pos, at_eof: bool) -> Result<(), ImportError> {
        if at_eof && !self.root_done {
            self.truncated(at, format!("end of file inside markup: {e}"))
        } else {
            self.unreadable(
                "malformed_xml",
                at,
                format!(
                    "第 {} 行第 {} 列起的内容不是有效的 XML，无法读取（{}）；之前的记录已全部读取",
                    at.line, at.column, e
                ),
                format!("malformed XML: {e}"),
            )
        }
    }

    /// Bytes that are not UTF-8. A start tag is still read, with U+FFFD for the
    /// bad bytes (the record is kept, marked damaged); other markup or text is
    /// skipped. Reading goes on either way.
    fn encoding_error(
        &mut self,
        err: &str,
        buf: &[u8],
        start: Pos,
        at: Pos,
    ) -> Result<Flow, ImportError> {
        self.encoding_errors += 1;
        let stop = self.encoding_errors >= MAX_ENCODING_ERRORS;
        let is_tag = buf.len() >= 3
            && buf.starts_with(b"<")
            && buf.ends_with(b">")
            && !matches!(buf[1], b'/' | b'!' | b'?');
        let mut flow = Flow::Go;
        let delivered_before = self.stats.records;
        if is_tag && !stop {
            let s = String::from_utf8_lossy(buf);
            let inner = &s[1..s.len() - 1];
            let (inner, empty) = match inner.strip_suffix('/') {
                Some(i) => (i, true),
                None => (inner, false),
            };
            let name_len = inner.find([' ', '\t', '\r', '\n']).unwrap_or(inner.len());
            flow = self.open(&inner[..name_len], &inner[name_len..], start, empty)?;
        }
        let recovered = is_tag && !stop;
        let mut loc = self.here_locator(at);
        if recovered && self.pending.is_none() && self.stats.records > delivered_before {
            // An empty record element was read and delivered: point at it.
            loc.index = self.next_index.saturating_sub(1);
        }
        let problem = Problem {
            severity: if recovered { Severity::Damaged } else { Severity::Unreadable },
            code: "invalid_utf8".into(),
            locator: Some(loc),
            message_zh: if recovered {
                format!(
                    "第 {} 行第 {} 列有无法识别的字节（不是 UTF-8 文字），已替换为“\u{FFFD}”后读取（原文件中仍保留）",
                    at.line, at.column
                )
            } else {
                format!(
                    "第 {} 行第 {} 列有无法识别的字节（不是 UTF-8 文字），从第 {} 行第 {} 列开始的这一段未能读取{}",
                    at.line,
                    at.column,
                    start.line,
                    start.column,
                    if stop { "；此类错误过多，之后的内容未读取" } else { "" }
                )
            },
            cause_en: format!(
                "invalid UTF-8 ({err}) at line {} column {}; {}",
                at.line,
                at.column,
                if recovered {
                    "tag read with U+FFFD replacements"
                } else {
                    "that markup or text was skipped"
                }
            ),
        };
        self.record_problem(problem)?;
        Ok(if stop { Flow::Stop } else { flow })
    }

    fn after_root(&mut self, what: &str, at: Pos) -> Result<(), ImportError> {
        let sample: String = what.trim().chars().take(40).collect();
        self.unreadable(
            "content_after_root",
            at,
            format!(
                "备份在 </{}> 处已经结束，但第 {} 行第 {} 列之后还有内容“{}”，未读取",
                self.root_name(),
                at.line,
                at.column,
                sample
            ),
            format!("content after the root element's end: {sample:?}"),
        )
    }

    fn unreadable(
        &mut self,
        code: &str,
        at: Pos,
        message_zh: String,
        cause_en: String,
    ) -> Result<(), ImportError> {
        let locator = self.here_locator(at);
        let problem = Problem {
            severity: Severity::Unreadable,
            code: code.into(),
            locator: Some(locator),
            message_zh,
            cause_en: format!(
                "{cause_en} (line {}, column {}, byte {})",
                at.line, at.column, at.offset
            ),
        };
        // An MMS cut off in the middle is delivered with what was read.
        if let Some(mut p) = self.pending.take() {
            p.problems.push(Problem {
                severity: Severity::Damaged,
                code: "incomplete_record".into(),
                locator: Some(p.locator.clone()),
                message_zh: format!(
                    "第 {} 行的这条{}没有读完（文件在其中损坏或中断），已保存读到的部分",
                    p.locator.line,
                    kind_zh(p.rec)
                ),
                cause_en: format!("<{}> element not closed: {cause_en}", p.rec.name()),
            });
            self.deliver(p)?;
        }
        self.stack.clear();
        self.emit_problem(problem)
    }

    fn finish(mut self) -> Result<ImportStats, ImportError> {
        if let (Some(raw), Some(loc)) = (self.root_count.clone(), self.root_locator.clone()) {
            let read = self.stats.records;
            if raw.trim().parse::<u64>().ok() != Some(read) {
                self.emit_problem(Problem {
                    severity: Severity::Warning,
                    code: "count_mismatch".into(),
                    locator: Some(loc),
                    message_zh: format!(
                        "文件开头声明有 {raw} 条记录，实际读到 {read} 条（该数字不可靠，仅供参考）"
                    ),
                    cause_en: format!("root count=\"{raw}\" but {read} records were read"),
                })?;
            }
        }
        Ok(self.stats)
    }

    // ----- output --------------------------------------------------------------------------

    fn emit_problem(&mut self, p: Problem) -> Result<(), ImportError> {
        self.stats.problems += 1;
        self.sink.problem(p)?;
        Ok(())
    }

    /// A problem that belongs to the record being read: sent right after it.
    fn record_problem(&mut self, p: Problem) -> Result<(), ImportError> {
        match self.pending.as_mut() {
            Some(pending) => {
                pending.problems.push(p);
                Ok(())
            }
            None => self.emit_problem(p),
        }
    }

    fn deliver(&mut self, p: Pending) -> Result<(), ImportError> {
        let Pending { rec, locator, mut original, parts, addrs, problems: mut probs, .. } = p;
        if rec == Rec::Mms || !parts.is_empty() {
            original.insert("parts".into(), Value::Array(parts));
        }
        if rec == Rec::Mms || !addrs.is_empty() {
            original.insert("addrs".into(), Value::Array(addrs));
        }
        let record = derive(rec, locator, original, &mut probs);
        self.stats.records += 1;
        self.sink.record(record)?;
        for problem in probs {
            self.emit_problem(problem)?;
        }
        Ok(())
    }
}

fn kind_zh(rec: Rec) -> &'static str {
    match rec {
        Rec::Sms => "短信",
        Rec::Mms => "彩信",
        Rec::Call => "通话记录",
    }
}

fn xml_reader<R: BufRead>(counting: Counting<R>) -> Reader<Counting<R>> {
    let mut xml = Reader::from_reader(counting);
    let cfg = xml.config_mut();
    cfg.check_end_names = false; // we check ourselves, and know what to report
    cfg.allow_unmatched_ends = true;
    cfg.allow_dangling_amp = true;
    cfg.expand_empty_elements = false;
    cfg.trim_text(false); // every byte of an event lands in `buf`: exact positions
    xml
}

/// The length of the longest valid UTF-8 prefix.
fn valid_prefix(buf: &[u8]) -> &[u8] {
    match std::str::from_utf8(buf) {
        Ok(_) => buf,
        Err(e) => &buf[..e.valid_up_to()],
    }
}

/// The position of file offset `err_at` inside the event that started at `start`
/// and whose bytes so far are `buf`.
fn locate_in(start: Pos, buf: &[u8], err_at: u64) -> Pos {
    if err_at <= start.offset {
        return start;
    }
    let k = ((err_at - start.offset) as usize).min(buf.len());
    start.advanced(&buf[..k])
}

/// Reads the attributes of a record, part or addr element into `map`.
fn read_attrs(
    attrs: &str,
    attrs_at: Pos,
    loc: &Locator,
    map: &mut BTreeMap<String, Value>,
    problems: &mut Vec<Problem>,
    is_part: bool,
) {
    let mut issues = EscapeIssues::default();
    let res = lex_attrs(attrs, |a| {
        let value = if is_part && a.name == "data" && a.value != "null" {
            None
        } else {
            let v = unescape(a.value, &mut issues);
            if !issues.is_empty() {
                problems.extend(escape_problems(loc, a.name, &issues));
                issues = EscapeIssues::default();
            }
            Some(v)
        };
        let mut key = a.name.to_owned();
        let value = match value {
            // The common case, with a single map lookup.
            Some(v) => match map.entry(key) {
                Entry::Vacant(slot) => {
                    slot.insert(Value::String(v));
                    return;
                }
                Entry::Occupied(_) => {
                    key = a.name.to_owned();
                    Some(v)
                }
            },
            None => None,
        };
        if map.contains_key(&key) || (value.is_none() && map.contains_key("data_len")) {
            let mut n = 2;
            while map.contains_key(&format!("{}#{n}", a.name)) {
                n += 1;
            }
            key = format!("{}#{n}", a.name);
            problems.push(Problem {
                severity: Severity::Warning,
                code: "duplicate_attribute".into(),
                locator: Some(loc.clone()),
                message_zh: format!(
                    "第 {} 行的元素重复写了属性 {}，后面的值另存为 {}",
                    loc.line, a.name, key
                ),
                cause_en: format!("duplicate attribute {:?}, later value kept as {key:?}", a.name),
            });
        }
        match value {
            Some(v) => {
                map.insert(key, Value::String(v));
            }
            None => {
                // Keep `data_len`/`data_sha256` next to each other, suffixed like the key.
                let suffix = key.strip_prefix("data").unwrap_or("");
                let (len, sha) = data_digest(a.value);
                map.insert(format!("data_len{suffix}"), Value::from(len));
                map.insert(format!("data_sha256{suffix}"), Value::String(sha));
            }
        }
    });
    if let Err(e) = res {
        let at = attrs_at.advanced(&attrs.as_bytes()[..e.at.min(attrs.len())]);
        problems.push(Problem {
            severity: Severity::Unreadable,
            code: "malformed_xml".into(),
            locator: Some(Locator {
                path: loc.path.clone(),
                index: loc.index,
                line: at.line,
                column: at.column,
                offset: at.offset,
            }),
            message_zh: format!(
                "第 {} 行第 {} 列的属性写法损坏，这个元素从此处起的其余属性未能读取（原文件中仍保留）",
                at.line, at.column
            ),
            cause_en: format!(
                "malformed attribute syntax: {} (line {}, column {}, byte {})",
                e.reason, at.line, at.column, at.offset
            ),
        });
    }
}

/// How an MMS part's `data` is kept in `original["parts"]`: base64 media, possibly
/// megabytes, is replaced by `data_len` (its length in characters) and
/// `data_sha256` (hex SHA-256 of the base64 text exactly as it stands in the
/// file, before any unescaping). The media bytes are not lost: they stay in the
/// stored original artifact, byte-exact, where the locator finds them and the
/// digest checks them. A `data="null"` is kept as the string `"null"`.
fn data_digest(raw: &str) -> (u64, String) {
    let len = if raw.is_ascii() { raw.len() } else { raw.chars().count() } as u64;
    (len, hex::encode(Sha256::digest(raw.as_bytes())))
}

fn escape_problems(loc: &Locator, attr: &str, issues: &EscapeIssues) -> Vec<Problem> {
    let mut out = Vec::new();
    let examples = issues.examples.join(" ");
    if issues.lone_surrogates > 0 {
        out.push(Problem {
            severity: Severity::Warning,
            code: "lone_surrogate".into(),
            locator: Some(loc.clone()),
            message_zh: format!(
                "第 {} 行属性 {} 中有 {} 个无法配对的表情/特殊字符编码，已显示为 “\u{FFFD}”（原文件中仍保留）",
                loc.line, attr, issues.lone_surrogates
            ),
            cause_en: format!(
                "{} lone UTF-16 surrogate reference(s) in {attr:?} replaced by U+FFFD: {examples}",
                issues.lone_surrogates
            ),
        });
    }
    if issues.kept_literally > 0 {
        out.push(Problem {
            severity: Severity::Warning,
            code: "unknown_entity".into(),
            locator: Some(loc.clone()),
            message_zh: format!(
                "第 {} 行属性 {} 中有 {} 处无法解码的转义写法，已按原样保留",
                loc.line, attr, issues.kept_literally
            ),
            cause_en: format!(
                "{} unknown entity / bad reference(s) in {attr:?} kept literally: {examples}",
                issues.kept_literally
            ),
        });
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Derived fields

fn get<'a>(m: &'a BTreeMap<String, Value>, k: &str) -> Option<&'a str> {
    m.get(k).and_then(Value::as_str)
}

/// The value, unless absent or the literal `"null"`.
fn val<'a>(m: &'a BTreeMap<String, Value>, k: &str) -> Option<&'a str> {
    get(m, k).filter(|v| *v != "null")
}

fn derive(
    rec: Rec,
    locator: Locator,
    original: BTreeMap<String, Value>,
    probs: &mut Vec<Problem>,
) -> RawRecord {
    let damaged = |probs: &mut Vec<Problem>, code: &str, zh: String, en: String| {
        probs.push(Problem {
            severity: Severity::Damaged,
            code: code.into(),
            locator: Some(locator.clone()),
            message_zh: zh,
            cause_en: en,
        });
    };
    let what = kind_zh(rec);
    let line = locator.line;
    let required: &[&str] = match rec {
        Rec::Sms => &["date", "address", "type"],
        Rec::Mms => &["date", "msg_box"],
        Rec::Call => &["date", "number", "type", "duration"],
    };
    for &k in required {
        if get(&original, k).is_none() {
            damaged(
                probs,
                "missing_attribute",
                format!("第 {line} 行的{what}缺少 {k} 属性，已保存但该项为空"),
                format!("required attribute {k:?} missing on <{}>", rec.name()),
            );
        }
    }

    // Time: `date` in Unix milliseconds. `readable_date` is display only, never parsed.
    let time_raw = get(&original, "date").unwrap_or("").to_owned();
    let time = time::from_raw(&time_raw, TimeUnit::UnixMs);
    if time.is_none() && get(&original, "date").is_some() {
        damaged(
            probs,
            "bad_date",
            format!("第 {line} 行的{what}时间值“{time_raw}”无法识别，已保存但时间为空"),
            format!("date {time_raw:?} is not Unix epoch milliseconds"),
        );
    }

    let type_key = if rec == Rec::Mms { "msg_box" } else { "type" };
    let type_raw = get(&original, type_key);
    let code = type_raw.and_then(|t| t.trim().parse::<i64>().ok());
    let mut unknown_type = type_raw.is_some();

    let mut text = None;
    let mut duration_s = None;
    let mut call_result = None;
    let (kind, direction, counterparty) = match rec {
        Rec::Sms => {
            let dir = match code {
                Some(1) => Direction::In,
                // 2 sent, 3 draft, 4 outbox, 5 failed, 6 queued: all written on this phone.
                Some(2..=6) => Direction::Out,
                _ => Direction::Unknown,
            };
            unknown_type &= dir == Direction::Unknown;
            text = val(&original, "body").map(str::to_owned);
            (RecordKind::Sms, dir, val(&original, "address").unwrap_or("").to_owned())
        }
        Rec::Mms => {
            let dir = match code {
                Some(1) => Direction::In,
                // 2 sent, 4 outbox; 3 draft and 5 failed are also this phone's own, as for SMS.
                Some(2..=5) => Direction::Out,
                _ => Direction::Unknown,
            };
            unknown_type &= dir == Direction::Unknown;
            let texts: Vec<&str> = original
                .get("parts")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter(|p| p.get("ct").and_then(Value::as_str) == Some("text/plain"))
                .filter_map(|p| p.get("text").and_then(Value::as_str))
                .filter(|t| *t != "null")
                .collect();
            if !texts.is_empty() {
                text = Some(texts.join("\n"));
            }
            let addr_type = match dir {
                Direction::In => Some("137"),
                Direction::Out => Some("151"),
                Direction::Unknown => None,
            };
            let from_addrs: Vec<&str> = match addr_type {
                Some(t) => original
                    .get("addrs")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter(|a| a.get("type").and_then(Value::as_str).map(str::trim) == Some(t))
                    .filter_map(|a| a.get("address").and_then(Value::as_str))
                    .filter(|a| *a != "null" && !a.is_empty())
                    .collect(),
                None => Vec::new(),
            };
            let cp = if from_addrs.is_empty() {
                val(&original, "address").unwrap_or("").to_owned()
            } else {
                from_addrs.join("~")
            };
            (RecordKind::Mms, dir, cp)
        }
        Rec::Call => {
            let raw_d = get(&original, "duration");
            duration_s = raw_d.and_then(|d| d.trim().parse::<i64>().ok());
            if let (Some(d), None) = (raw_d, duration_s) {
                damaged(
                    probs,
                    "bad_duration",
                    format!("第 {line} 行的通话时长“{d}”无法识别，已保存但时长为空"),
                    format!("duration {d:?} is not a whole number of seconds"),
                );
            }
            let (dir, res) = match code {
                Some(1) => (Direction::In, CallResult::Answered),
                Some(2) if duration_s.is_some_and(|d| d > 0) => {
                    (Direction::Out, CallResult::Answered)
                }
                Some(2) => (Direction::Out, CallResult::Unknown),
                Some(3) => (Direction::In, CallResult::Missed),
                Some(4) => (Direction::In, CallResult::Voicemail),
                Some(5) => (Direction::In, CallResult::Rejected),
                Some(6) => (Direction::In, CallResult::Blocked),
                // Answered on another device (Android CallLog.Calls.ANSWERED_EXTERNALLY_TYPE).
                Some(7) => (Direction::In, CallResult::Answered),
                _ => (Direction::Unknown, CallResult::Unknown),
            };
            unknown_type &= dir == Direction::Unknown;
            call_result = Some(res);
            (RecordKind::Call, dir, val(&original, "number").unwrap_or("").to_owned())
        }
    };
    if unknown_type {
        let t = type_raw.unwrap_or("");
        probs.push(Problem {
            severity: Severity::Warning,
            code: "unknown_type".into(),
            locator: Some(locator.clone()),
            message_zh: format!(
                "第 {line} 行的{what}类型值 {type_key}=“{t}”无法识别，收发方向记为“方向不明”"
            ),
            cause_en: format!("unknown {type_key} value {t:?}; direction unknown"),
        });
    }

    probs.extend(crate::time_sanity(time, &time_raw, TimeUnit::UnixMs, &locator));
    RawRecord {
        kind,
        direction,
        counterparty,
        time,
        time_raw,
        time_unit: TimeUnit::UnixMs,
        text,
        duration_s,
        call_result,
        locator,
        original,
    }
}
