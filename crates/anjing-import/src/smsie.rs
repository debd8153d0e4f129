/*!
SMS Import/Export (sms-ie, `com.github.tmo1.sms_ie`, F-Droid) exports.

What the app writes (read from its source, tmo1/sms-ie
`ImportExportMessages.kt` and `ImportExportCallLog.kt`, v2 storage format):

* **Messages**: a ZIP holding `messages.ndjson` (one JSON object per line) and
  `data/` (MMS media files). Each SMS object has the Android `sms` provider's
  columns as **strings** (`address`, `body`, `date` in ms, `type`, `read`,
  `sub_id`…, null columns left out) plus `__display_name`. An MMS object (it
  has `m_type`) has the `pdu` columns (`date` in **seconds**, `msg_box`…; BLOB
  columns as `<name>__base64__`), `__sender_address` (the `addr` row of type
  137), `__recipient_addresses` (the other `addr` rows) and `__parts` (the
  `part` rows, text in `text`, media file name in `_data`).
* **Call log**: a JSON **array** (pretty-printed) of objects with the
  `CallLog.Calls` columns as strings (`number`, `date` ms, `duration` s,
  `type`…) plus `display_name`.

This importer reads both layouts from a stream — NDJSON lines or one JSON
array, element by element — and tells SMS, MMS and calls apart per object
(`m_type` → MMS; `number` and `duration` → call; otherwise SMS), so a
`calls.ndjson` or an old v1 `messages.json` array reads too. The ZIP itself is
opened by the container importer ([`crate::container::plan`]): the app writes
`messages.ndjson` first, then each MMS part's media as `data/<last path
segment of the part's _data>`. The vault stores those files as artifacts of
their own (format `mms_part`, not separate screenshots) and hands their hashes
here in [`Hints::attachments`]; [`import_with`] links each MMS to them.
Derivation is the Android one ([`crate::android`]); every key of the object
is kept in `original` except that a `…__base64__` value is replaced by
`{"base64_len", "sha256"}` (SHA-256 of the base64 text; the bytes stay in the
stored original).

Locators: NDJSON `line:N` (1-based line, its byte offset), array `/N`
(0-based element, JSON Pointer). Problem codes: `bad_json`, `not_an_object`,
`malformed_json`, `truncated` (Unreadable), and the Android ones.
*/

use std::collections::{BTreeMap, BTreeSet};
use std::io::BufRead;

use anjing_model::time::TimeUnit;
use serde::de::{self, DeserializeSeed, SeqAccess, Visitor};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::android::{derive_call, derive_mms, derive_sms};
use crate::db::Ctx;
use crate::{Attachment, Hints, ImportError, ImportStats, Locator, Problem, RecordSink, Severity};

/// Whether the head of a file looks like an sms-ie export: JSON (an object or an
/// array of objects) with Android message or call-log keys.
pub fn looks_like_smsie(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let start = head.iter().position(|b| !b.is_ascii_whitespace());
    let Some(start) = start else { return false };
    let rest = &head[start..];
    let object = match rest[0] {
        b'{' => rest,
        b'[' => {
            let after = &rest[1..];
            match after.iter().position(|b| !b.is_ascii_whitespace()) {
                Some(p) if after[p] == b'{' => &after[p..],
                _ => return false,
            }
        }
        _ => return false,
    };
    // Only the first object counts (the head may cut it).
    let first = object.split(|&b| b == b'\n').next().unwrap_or(object);
    let first = if rest[0] == b'[' { object.get(..4096).unwrap_or(object) } else { first };
    let has = |k: &str| memchr::memmem::find(first, format!("\"{k}\"").as_bytes()).is_some();
    has("date")
        && (has("address") || has("number"))
        && (has("type") || has("msg_box") || has("m_type") || has("duration"))
}

/// Reads an sms-ie export (NDJSON or a JSON array) and streams it to `sink`.
pub fn import<R: BufRead>(
    reader: R,
    sink: &mut dyn RecordSink,
) -> Result<ImportStats, ImportError> {
    import_with(reader, &Hints::default(), sink)
}

/// The MMS media of an export: the stored `data/` files ([`Hints::attachments`])
/// and which of them the records named.
struct Links<'h> {
    files: &'h BTreeMap<String, Attachment>,
    used: BTreeSet<String>,
}

/// The ZIP member an MMS part's media was written to: `data/` + the last path
/// segment of its `_data` (sms-ie writes `data/<Uri(_data).lastPathSegment>`).
pub fn part_member(data: &str) -> Option<String> {
    let seg = data.rsplit('/').next().filter(|s| !s.is_empty())?;
    Some(format!("data/{seg}"))
}

/// Like [`import`], linking each MMS to its parts' media in `hints.attachments`
/// (the files of the export's `data/` folder, already stored): the record's
/// `original` gains `__anjing_attachments`, one `{part, _data, ct, member,
/// sha256, size, meta?}` per part whose file is there, so the record points at the
/// stored media blob. A part whose file is missing is a `mms_media_missing`
/// warning on its record; a file no MMS names is a `mms_part_unreferenced`
/// warning (it stays stored either way).
pub fn import_with<R: BufRead>(
    mut reader: R,
    hints: &Hints,
    sink: &mut dyn RecordSink,
) -> Result<ImportStats, ImportError> {
    let mut links = Links { files: &hints.attachments, used: BTreeSet::new() };
    let mut ctx = Ctx::new(sink);
    let stats = read_all(&mut reader, &mut ctx, &mut links)?;
    if stats.is_some() {
        for (name, a) in links.files.iter().filter(|(n, _)| !links.used.contains(*n)) {
            ctx.problem(Problem {
                severity: Severity::Warning,
                code: "mms_part_unreferenced".into(),
                locator: Some(Locator {
                    path: a.member.clone(),
                    index: 0,
                    line: 0,
                    column: 0,
                    offset: 0,
                }),
                message_zh: format!(
                    "导出里的“{name}”没有哪条彩信引用它（{} 字节，SHA-256 {}），文件已原样保存",
                    a.size, a.sha256
                ),
                cause_en: format!("{name}: no MMS part names this file"),
            })?;
        }
    }
    Ok(ctx.stats)
}

/// Reads the records; `None` when the file was empty.
fn read_all<R: BufRead>(
    mut reader: R,
    ctx: &mut Ctx<'_>,
    links: &mut Links<'_>,
) -> Result<Option<()>, ImportError> {
    // Skip a BOM and leading white space to see which layout it is.
    let mut offset = 0u64;
    let mut line = 1u64;
    let first = loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok(None);
        }
        if offset == 0 && buf.starts_with(b"\xEF\xBB\xBF") {
            reader.consume(3);
            offset = 3;
            continue;
        }
        match buf.iter().position(|b| !b.is_ascii_whitespace()) {
            Some(p) => {
                line += buf[..p].iter().filter(|&&b| b == b'\n').count() as u64;
                let first = buf[p];
                reader.consume(p);
                offset += p as u64;
                break first;
            }
            None => {
                let n = buf.len();
                line += buf.iter().filter(|&&b| b == b'\n').count() as u64;
                offset += n as u64;
                reader.consume(n);
            }
        }
    };
    if first == b'[' {
        import_array(reader, ctx, links)?;
    } else {
        import_ndjson(reader, ctx, links, line, offset)?;
    }
    Ok(Some(()))
}

fn import_ndjson<R: BufRead>(
    mut reader: R,
    ctx: &mut Ctx<'_>,
    links: &mut Links<'_>,
    first_line: u64,
    first_offset: u64,
) -> Result<(), ImportError> {
    // Lines before the first non-blank one were consumed except for their
    // content; count from the line the reader stands on.
    let mut line_no = first_line;
    let mut offset = first_offset;
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let n = reader.read_until(b'\n', &mut buf)?;
        if n == 0 {
            break;
        }
        let ended = buf.last() == Some(&b'\n');
        let content = trim_ascii(&buf);
        let locator = Locator {
            path: format!("line:{line_no}"),
            index: ctx.index,
            line: line_no,
            column: 1,
            offset,
        };
        if !content.is_empty() {
            match serde_json::from_slice::<Value>(content) {
                Ok(Value::Object(obj)) => deliver(ctx, links, obj, locator)?,
                Ok(_) => ctx.problem(unreadable(
                    &locator,
                    "not_an_object",
                    format!("第 {line_no} 行不是一条短信或通话记录（不是 JSON 对象），已跳过"),
                    "NDJSON line is not a JSON object".into(),
                ))?,
                Err(e) if !ended && e.is_eof() => {
                    ctx.stats.truncated = true;
                    ctx.problem(unreadable(
                        &locator,
                        "truncated",
                        format!("文件在第 {line_no} 行中途结束（导出可能被中断），这一行未能读取；之前的记录已导入"),
                        format!("file ends inside the JSON object on line {line_no}: {e}"),
                    ))?
                }
                Err(e) => ctx.problem(unreadable(
                    &locator,
                    "bad_json",
                    format!("第 {line_no} 行无法解析（JSON 格式损坏），这一行的记录未能读取；其余行照常导入"),
                    format!("line {line_no} is not valid JSON: {e}"),
                ))?,
            }
        }
        line_no += 1;
        offset += n as u64;
    }
    Ok(())
}

fn trim_ascii(b: &[u8]) -> &[u8] {
    let start = b.iter().position(|c| !c.is_ascii_whitespace()).unwrap_or(b.len());
    let end = b.iter().rposition(|c| !c.is_ascii_whitespace()).map_or(start, |e| e + 1);
    &b[start..end.max(start)]
}

fn unreadable(locator: &Locator, code: &str, zh: String, en: String) -> Problem {
    Problem {
        severity: Severity::Unreadable,
        code: code.into(),
        locator: Some(locator.clone()),
        message_zh: zh,
        cause_en: en,
    }
}

/// One JSON object → a record.
fn deliver(
    ctx: &mut Ctx<'_>,
    links: &mut Links<'_>,
    obj: Map<String, Value>,
    locator: Locator,
) -> Result<(), ImportError> {
    let mut original: BTreeMap<String, Value> = obj
        .into_iter()
        .map(|(k, v)| {
            if k.ends_with("__base64__")
                && let Value::String(s) = &v
            {
                let digest = serde_json::json!({
                    "base64_len": s.len(),
                    "sha256": hex::encode(Sha256::digest(s.as_bytes())),
                });
                return (k, digest);
            }
            (k, v)
        })
        .collect();
    let mut probs = Vec::new();
    if original.contains_key("m_type") {
        link_parts(&mut original, links, &locator, &mut probs);
    }
    let r = if original.contains_key("m_type") {
        derive_mms(
            original,
            &["__parts"],
            &["__sender_address", "__recipient_addresses"],
            locator,
            &mut probs,
        )
    } else if original.contains_key("duration") && original.contains_key("number") {
        derive_call(original, locator, &mut probs)
    } else {
        derive_sms(original, locator, TimeUnit::UnixMs, &mut probs)
    };
    ctx.record(r, probs)
}

/// Adds `__anjing_attachments` (the stored media of the MMS's parts) to an MMS
/// object, and a `mms_media_missing` warning when a part's file is not there.
fn link_parts(
    original: &mut BTreeMap<String, Value>,
    links: &mut Links<'_>,
    locator: &Locator,
    probs: &mut Vec<Problem>,
) {
    let Some(Value::Array(parts)) = original.get("__parts") else { return };
    let mut linked = Vec::new();
    let mut missing = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        let Some(data) = part.get("_data").and_then(Value::as_str) else { continue };
        let Some(member) = part_member(data) else { continue };
        match links.files.get(&member) {
            Some(a) => {
                links.used.insert(member.clone());
                let mut link = serde_json::json!({
                    "part": i,
                    "_data": data,
                    "ct": part.get("ct").cloned().unwrap_or(Value::Null),
                    "member": a.member,
                    "sha256": a.sha256,
                    "size": a.size,
                });
                if let Some(meta) = &a.meta {
                    link["meta"] = meta.clone();
                }
                linked.push(link);
            }
            None => missing.push(member),
        }
    }
    if !linked.is_empty() {
        original.insert("__anjing_attachments".into(), Value::Array(linked));
    }
    if !missing.is_empty() {
        probs.push(Problem {
            severity: Severity::Warning,
            code: "mms_media_missing".into(),
            locator: Some(locator.clone()),
            message_zh: format!(
                "这条彩信的附件（{}）不在导入的文件里：SMS Import/Export 导出的 ZIP 里 data/ 文件夹应有这些文件；彩信的文字和收发信息已导入",
                missing.join("、")
            ),
            cause_en: format!("MMS part media not among the export's files: {}", missing.join(", ")),
        });
    }
}

/// Streams the elements of a top-level JSON array.
fn import_array<R: BufRead>(
    reader: R,
    ctx: &mut Ctx<'_>,
    links: &mut Links<'_>,
) -> Result<(), ImportError> {
    let mut de = serde_json::Deserializer::from_reader(reader);
    let mut failed: Option<ImportError> = None;
    let res = de::Deserializer::deserialize_seq(
        &mut de,
        Elements { ctx: &mut *ctx, links, failed: &mut failed },
    );
    if let Some(e) = failed {
        return Err(e);
    }
    let res = res.and_then(|()| de.end());
    if let Err(e) = res {
        let eof = e.is_eof();
        ctx.stats.truncated |= eof;
        let locator = Locator {
            path: format!("/{}", ctx.index),
            index: ctx.index,
            line: e.line() as u64,
            column: e.column() as u64,
            offset: 0,
        };
        let (code, zh) = if eof {
            (
                "truncated",
                format!(
                    "文件在第 {} 行中途结束（导出可能被中断），之后的记录未能读取；之前的记录已导入",
                    e.line()
                ),
            )
        } else {
            (
                "malformed_json",
                format!(
                    "第 {} 行第 {} 列 JSON 格式损坏，之后的记录未能读取；之前的记录已导入",
                    e.line(),
                    e.column()
                ),
            )
        };
        ctx.problem(unreadable(&locator, code, zh, format!("JSON array unreadable: {e}")))?;
    }
    Ok(())
}

struct Elements<'a, 'b, 's, 'l, 'h> {
    ctx: &'a mut Ctx<'s>,
    links: &'l mut Links<'h>,
    failed: &'b mut Option<ImportError>,
}

impl<'de> Visitor<'de> for Elements<'_, '_, '_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON array of message or call objects")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0u64;
        while let Some(v) = seq.next_element_seed(ValueSeed)? {
            let locator = Locator {
                path: format!("/{i}"),
                index: self.ctx.index,
                line: 0,
                column: 0,
                offset: 0,
            };
            let res = match v {
                Value::Object(obj) => deliver(self.ctx, self.links, obj, locator),
                _ => self.ctx.problem(unreadable(
                    &locator,
                    "not_an_object",
                    format!("第 {} 个元素不是一条短信或通话记录（不是 JSON 对象），已跳过", i + 1),
                    format!("array element {i} is not a JSON object"),
                )),
            };
            if let Err(e) = res {
                *self.failed = Some(e);
                return Err(de::Error::custom("sink failed"));
            }
            i += 1;
        }
        Ok(())
    }
}

struct ValueSeed;

impl<'de> DeserializeSeed<'de> for ValueSeed {
    type Value = Value;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        serde::Deserialize::deserialize(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_messages_and_calls_but_not_other_json() {
        assert!(looks_like_smsie(br#"{"_id":"1","thread_id":"1","address":"10086","date":"1700000000000","type":"1","body":"x"}"#));
        assert!(looks_like_smsie(b"[\n  {\n    \"number\": \"10086\",\n    \"date\": \"1700000000000\",\n    \"duration\": \"0\",\n    \"type\": \"3\""));
        assert!(!looks_like_smsie(br#"{"name":"x","date":"2024"}"#));
        assert!(!looks_like_smsie(b"[1,2,3]"));
        assert!(!looks_like_smsie(b"<smses>"));
    }
}
