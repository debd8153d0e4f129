/*!
Spreadsheets: carrier itemised call lists (运营商通话详单) and lists a user or a
lawyer typed, as CSV (UTF-8, UTF-8 with BOM, GBK) or XLSX.

**Columns.** The header row is found among the first [`HEADER_SCAN`] rows
(carrier bills start with a title and account lines): the first row in which
a time or a number column is recognised. Recognised headers (case and spaces
ignored, a unit in brackets like `时长(秒)` dropped):

| field | headers |
|---|---|
| `time` | 时间 通话时间 发送时间 起始时间 开始时间 接收时间 呼叫时间 日期时间 time datetime timestamp |
| `date` | 日期 通话日期 date (joined with a `time` column that holds only a clock time) |
| `number` | 号码 对方号码 电话 手机号 电话号码 手机号码 对端号码 通话号码 联系电话 number phone address |
| `type` | 类型 呼叫类型 通话类型 通信方式 呼叫方式 type |
| `duration` | 时长 通话时长 通信时长 duration |
| `text` | 内容 短信内容 正文 消息内容 信息内容 content text body message |
| `direction` | 方向 收发 direction |

`--map 时间=time,号码=number` ([`Hints::column_map`]) names columns explicitly
(targets: `time date number type duration text direction kind ignore`); a
mapped header wins over the vocabulary.

**Values.** Times are Asia/Shanghai wall clock ([`TimeUnit::ShanghaiText`]):
`2026-01-05 22:13:05`, `2026/1/5 22:13`, `2026年1月5日 22:13`, `20260105221305`,
and Excel serial dates in XLSX. Durations: `83`, `83秒`, `1分23秒`, `1小时2分3秒`,
`00:01:23`, `01:23`. Types: 主叫/呼出/拨出 (outgoing call), 被叫/呼入/来电 (incoming),
未接, 拒接, 拦截, 发送/接收 (SMS). Every cell goes into `original` under its
header (a duplicate header as `名称#2`, a cell without header as `列N`).

**Problems.** A cell that cannot be read keeps its record and adds a `Damaged`
problem (`bad_time`, `bad_duration`, `bad_type`, `missing_time`,
`missing_number`); a row with neither time nor number (合计, 备注) is not a
record and is reported as a `Warning` (`not_a_record`) quoting it; rows above
the header are reported as one `Warning` (`preamble`). Undecodable bytes are a
`Damaged` problem (`bad_encoding`) and the cell is kept with U+FFFD.
*/

use std::collections::BTreeMap;
use std::io::{BufRead, Read, Seek};
use std::sync::LazyLock;

use anjing_model::time::TimeUnit;
use anjing_model::{CallResult, Direction, RecordKind};
use jiff::Timestamp;
use regex::Regex;
use serde_json::Value;

use crate::{Hints, ImportError, ImportStats, Locator, Problem, RawRecord, RecordSink, Severity};

/// The header row is looked for among this many first rows.
pub const HEADER_SCAN: usize = 30;
/// Bytes looked at to choose between UTF-8 and GBK.
const ENCODING_PROBE: usize = 256 * 1024;
/// A cell longer than this is cut in `original` (the file keeps it whole).
const MAX_CELL: usize = 64 * 1024;
/// A row with more cells than this keeps only the first ones (a broken file).
const MAX_COLUMNS: usize = 1024;

/// What a column means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Time,
    Date,
    Number,
    Type,
    Duration,
    Text,
    Direction,
    Kind,
    Ignore,
}

impl Field {
    fn from_target(s: &str) -> Option<Field> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "time" | "datetime" => Field::Time,
            "date" => Field::Date,
            "number" | "phone" => Field::Number,
            "type" => Field::Type,
            "duration" => Field::Duration,
            "text" | "content" | "body" => Field::Text,
            "direction" => Field::Direction,
            "kind" => Field::Kind,
            "ignore" | "-" => Field::Ignore,
            _ => return None,
        })
    }

    fn from_header(h: &str) -> Option<Field> {
        let h = normalise_header(h);
        let f = match h.as_str() {
            "时间" | "通话时间" | "发送时间" | "起始时间" | "开始时间" | "接收时间"
            | "呼叫时间" | "日期时间" | "通话起始时间" | "短信时间" | "记录时间" | "收发时间"
            | "time" | "datetime" | "date/time" | "dateandtime" | "timestamp" | "starttime"
            | "calltime" => Field::Time,
            "日期" | "通话日期" | "发送日期" | "date" => Field::Date,
            "号码" | "对方号码" | "电话" | "手机号" | "电话号码" | "手机号码" | "对端号码"
            | "通话号码" | "联系电话" | "联系号码" | "来电号码" | "发信人号码" | "对方电话"
            | "number" | "phone" | "phonenumber" | "address" | "tel" => Field::Number,
            "类型" | "呼叫类型" | "通话类型" | "通信方式" | "呼叫方式" | "通话方式"
            | "短信类型" | "type" | "calltype" => Field::Type,
            "时长" | "通话时长" | "通信时长" | "持续时间" | "duration" => {
                Field::Duration
            }
            "内容" | "短信内容" | "正文" | "消息内容" | "信息内容" | "短信正文" | "content"
            | "text" | "body" | "message" => Field::Text,
            "方向" | "收发" | "收/发" | "收发方向" | "direction" => Field::Direction,
            _ => return None,
        };
        Some(f)
    }
}

fn normalise_header(h: &str) -> String {
    let mut s: String = h
        .trim_start_matches('\u{feff}')
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '_')
        .collect::<String>()
        .to_lowercase();
    // Drop a trailing unit in brackets: 时长(秒), 时长（秒）, duration[s].
    for (open, close) in [('(', ')'), ('（', '）'), ('[', ']')] {
        if s.ends_with(close)
            && let Some(i) = s.rfind(open)
            && i > 0
        {
            s.truncate(i);
        }
    }
    s
}

/// The header row and what each column means.
#[derive(Debug, Clone)]
struct Columns {
    /// Names for `original`, one per column (deduplicated, never empty).
    names: Vec<String>,
    fields: Vec<Option<Field>>,
}

impl Columns {
    fn col(&self, f: Field) -> Option<usize> {
        self.fields.iter().position(|x| *x == Some(f))
    }
    fn has(&self, f: Field) -> bool {
        self.col(f).is_some()
    }
}

/// Parses `--map` pairs; unknown targets are an error the CLI shows.
pub fn parse_map(spec: &str) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for part in spec.split([',', '，']).map(str::trim).filter(|p| !p.is_empty()) {
        let Some((h, t)) = part.split_once(['=', '＝']) else {
            return Err(format!("“{part}”不是“表头=字段”的形式 (expected HEADER=FIELD)"));
        };
        if Field::from_target(t).is_none() {
            return Err(format!(
                "不认识的字段“{t}”，可用：time date number type duration text direction kind ignore (unknown field)"
            ));
        }
        out.push((h.trim().to_string(), t.trim().to_string()));
    }
    Ok(out)
}

fn columns_for(row: &[String], hints: &Hints) -> Columns {
    let mut names = Vec::with_capacity(row.len());
    let mut fields = Vec::with_capacity(row.len());
    let mut seen: BTreeMap<String, u32> = BTreeMap::new();
    for (i, h) in row.iter().enumerate() {
        let h = h.trim().trim_start_matches('\u{feff}').trim();
        let base = if h.is_empty() { format!("列{}", i + 1) } else { h.to_string() };
        let n = seen.entry(base.clone()).or_default();
        *n += 1;
        names.push(if *n == 1 { base } else { format!("{base}#{n}") });
        let mapped = hints
            .column_map
            .iter()
            .find(|(k, _)| k.trim() == h || normalise_header(k) == normalise_header(h))
            .and_then(|(_, t)| Field::from_target(t));
        let f = mapped.or_else(|| Field::from_header(h));
        // A field is taken by its first column only (a second 号码 stays in `original`).
        let f = f.filter(|f| *f == Field::Ignore || !fields.contains(&Some(*f)));
        fields.push(f);
    }
    Columns { names, fields }
}

/// Finds the header among the first rows: the first row naming a time or number column.
fn find_header(rows: &[Vec<String>], hints: &Hints) -> Result<(usize, Columns), ImportError> {
    for (i, row) in rows.iter().enumerate() {
        let cols = columns_for(row, hints);
        if cols.has(Field::Time) || cols.has(Field::Number) || cols.has(Field::Date) {
            return Ok((i, cols));
        }
    }
    let found: Vec<&str> = rows
        .iter()
        .find(|r| r.iter().filter(|c| !c.trim().is_empty()).count() >= 2)
        .map(|r| r.iter().map(|c| c.trim()).filter(|c| !c.is_empty()).take(20).collect())
        .unwrap_or_default();
    let list = if found.is_empty() { "（没有）".to_string() } else { found.join("、") };
    Err(ImportError::NotAnExport {
        reason_zh: format!(
            "表格里找不到时间列或号码列（找到的列：{list}）。请用 --map 指定，例如 --map 时间=time,号码=number"
        ),
        reason_en: format!(
            "no time or number column among the first {HEADER_SCAN} rows (columns: {}); use --map HEADER=time,HEADER=number",
            found.join(", ")
        ),
    })
}

// ---------------------------------------------------------------------------
// Values

static DATE_TIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:(?:\s+|T|\s*)(\d{1,2})\s*[:：时点]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2})(?:[.,](\d{1,9}))?\s*秒?|\s*分)?)?\s*$",
    )
    .expect("static regex")
});
static COMPACT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\d{4})(\d{2})(\d{2})(?:[\sT_-]?(\d{2})(\d{2})(\d{2})?)?$").expect("static regex")
});
static CLOCK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(\d{1,2})\s*[:：时点]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2})(?:[.,]\d+)?\s*秒?|\s*分)?$",
    )
    .expect("static regex")
});

/// A wall-clock text in Asia/Shanghai → instant. `None` when it is no date.
pub fn parse_wall_clock(s: &str) -> Option<Timestamp> {
    let s = s.trim();
    let caps = DATE_TIME.captures(s).or_else(|| COMPACT.captures(s))?;
    let num = |i: usize| caps.get(i).map(|m| m.as_str().parse::<i64>().ok()).unwrap_or(Some(0));
    let (y, mo, d) = (num(1)?, num(2)?, num(3)?);
    let (h, mi, se) = (num(4)?, num(5)?, num(6)?);
    let frac_ns = caps
        .get(7)
        .map(|m| {
            let digits = &m.as_str()[..m.as_str().len().min(9)];
            digits.parse::<i64>().unwrap_or(0) * 10i64.pow(9 - digits.len() as u32)
        })
        .unwrap_or(0);
    civil(y, mo, d, h, mi, se, frac_ns)
}

fn civil(y: i64, mo: i64, d: i64, h: i64, mi: i64, se: i64, ns: i64) -> Option<Timestamp> {
    let dt = jiff::civil::DateTime::new(
        i16::try_from(y).ok()?,
        i8::try_from(mo).ok()?,
        i8::try_from(d).ok()?,
        i8::try_from(h).ok()?,
        i8::try_from(mi).ok()?,
        i8::try_from(se).ok()?,
        i32::try_from(ns).ok()?,
    )
    .ok()?;
    dt.to_zoned_datetime(anjing_model::time::shanghai()).ok().map(|z| z.timestamp())
}

/// Whether a time value is only a clock time (`22:13`, `22:13:05`).
fn is_clock(s: &str) -> bool {
    CLOCK.is_match(s.trim())
}

/// An Excel serial date (1900 system) → instant, Asia/Shanghai wall clock.
fn from_excel_serial(serial: f64) -> Option<Timestamp> {
    if !serial.is_finite() || !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    // Days since 1899-12-30 (absorbs Excel's 1900 leap-year bug for dates after March 1900).
    let ms = (serial * 86_400_000.0).round() as i64;
    let base = jiff::civil::date(1899, 12, 30).at(0, 0, 0, 0);
    let dt = base.checked_add(jiff::SignedDuration::from_millis(ms)).ok()?;
    dt.to_zoned_datetime(anjing_model::time::shanghai()).ok().map(|z| z.timestamp())
}

static HMS_ZH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:(\d+)\s*(?:小时|时|h|hr|hours?))?\s*(?:(\d+)\s*(?:分钟|分|m|min|mins|minutes?|'))?\s*(?:(\d+(?:\.\d+)?)\s*(?:秒钟|秒|s|sec|secs|seconds?|\x22)?)?$")
        .expect("static regex")
});
static HMS_COLON: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:\.\d+)?)$").expect("static regex")
});

/// A duration text → whole seconds. `None` when it is no duration.
pub fn parse_duration(s: &str) -> Option<i64> {
    let s = s.trim().to_lowercase();
    if s.is_empty() {
        return None;
    }
    let secs = |m: Option<regex::Match>| -> Option<f64> {
        m.map(|m| m.as_str().parse::<f64>().ok()).unwrap_or(Some(0.0))
    };
    let total = if let Some(c) = HMS_COLON.captures(&s) {
        secs(c.get(1))? * 3600.0 + secs(c.get(2))? * 60.0 + secs(c.get(3))?
    } else if let Some(c) = HMS_ZH.captures(&s) {
        if c.get(1).is_none() && c.get(2).is_none() && c.get(3).is_none() {
            return None;
        }
        secs(c.get(1))? * 3600.0 + secs(c.get(2))? * 60.0 + secs(c.get(3))?
    } else {
        return None;
    };
    (total.is_finite() && total < 1e12).then(|| total.round() as i64)
}

/// What a 类型/方向 cell says.
#[derive(Debug, Clone, Copy, Default)]
struct TypeInfo {
    kind: Option<RecordKind>,
    direction: Option<Direction>,
    result: Option<CallResult>,
}

fn parse_type(s: &str) -> Option<TypeInfo> {
    let t = s.trim().to_lowercase();
    let t = t.as_str();
    let (kind, direction, result) = match t {
        "主叫" | "呼出" | "拨出" | "去电" | "已拨" | "已拨电话" | "外呼" | "拨打" | "主叫通话"
        | "outgoing" | "out" | "dialed" | "outgoing call" => {
            (Some(RecordKind::Call), Some(Direction::Out), None)
        }
        "被叫" | "呼入" | "来电" | "已接" | "已接来电" | "接听" | "被叫通话" | "incoming"
        | "in" | "received call" | "incoming call" => {
            (Some(RecordKind::Call), Some(Direction::In), None)
        }
        "未接" | "未接来电" | "未接听" | "missed" | "missed call" => {
            (Some(RecordKind::Call), Some(Direction::In), Some(CallResult::Missed))
        }
        "拒接" | "已拒接" | "拒听" | "挂断" | "rejected" | "declined" => {
            (Some(RecordKind::Call), Some(Direction::In), Some(CallResult::Rejected))
        }
        "拦截" | "已拦截" | "骚扰拦截" | "blocked" => {
            (Some(RecordKind::Call), Some(Direction::In), Some(CallResult::Blocked))
        }
        "发送" | "发出" | "已发送" | "发件" | "sent" | "send" => {
            (Some(RecordKind::Sms), Some(Direction::Out), None)
        }
        "接收" | "收到" | "已接收" | "收件" | "inbox" | "received" | "receive" => {
            (Some(RecordKind::Sms), Some(Direction::In), None)
        }
        "短信" | "sms" | "信息" | "消息" => (Some(RecordKind::Sms), None, None),
        "彩信" | "mms" => (Some(RecordKind::Mms), None, None),
        "通话" | "电话" | "语音" | "call" | "voice" => (Some(RecordKind::Call), None, None),
        "上门" | "来访" | "visit" | "微信" | "wechat" | "手记" | "note" => {
            (Some(RecordKind::Note), None, None)
        }
        _ => return None,
    };
    Some(TypeInfo { kind, direction, result })
}

// ---------------------------------------------------------------------------
// Rows → records

/// One cell: its text and, for XLSX date cells, the Excel serial.
#[derive(Debug, Clone, Default)]
struct Cell {
    text: String,
    serial: Option<f64>,
}

impl Cell {
    fn text(s: String) -> Cell {
        Cell { text: s, serial: None }
    }
}

struct RowEmitter<'s> {
    sink: &'s mut dyn RecordSink,
    cols: Columns,
    stats: ImportStats,
    index: u64,
}

impl RowEmitter<'_> {
    fn problem(&mut self, p: Problem) -> Result<(), ImportError> {
        self.stats.problems += 1;
        self.sink.problem(p)?;
        Ok(())
    }

    fn emit(&mut self, cells: &[Cell], locator: Locator) -> Result<(), ImportError> {
        if cells.iter().all(|c| c.text.trim().is_empty()) {
            return Ok(()); // a blank row is no record
        }
        let cols = &self.cols;
        let get = |f: Field| -> Option<&Cell> {
            cols.col(f).and_then(|i| cells.get(i)).filter(|c| !c.text.trim().is_empty())
        };
        let mut original = BTreeMap::new();
        for (i, c) in cells.iter().enumerate() {
            let name = cols.names.get(i).cloned().unwrap_or_else(|| format!("列{}", i + 1));
            let mut text = c.text.clone();
            if text.len() > MAX_CELL {
                let mut cut = MAX_CELL;
                while !text.is_char_boundary(cut) {
                    cut -= 1;
                }
                text.truncate(cut);
            }
            if let Some(serial) = c.serial {
                original.insert(format!("{name}#excel_serial"), Value::from(serial));
            }
            original.insert(name, Value::String(text));
        }
        let time_cell = get(Field::Time);
        let date_cell = get(Field::Date);
        let number_cell = get(Field::Number);
        let time_readable = |c: Option<&Cell>| {
            c.is_some_and(|c| {
                c.serial.is_some() || parse_wall_clock(&c.text).is_some() || is_clock(&c.text)
            })
        };
        let no_content = get(Field::Duration).is_none() && get(Field::Text).is_none();
        if number_cell.is_none()
            && !time_readable(time_cell)
            && !time_readable(date_cell)
            && (no_content || (time_cell.is_none() && date_cell.is_none()))
        {
            let quoted: Vec<&str> =
                cells.iter().map(|c| c.text.trim()).filter(|t| !t.is_empty()).take(6).collect();
            return self.problem(Problem {
                severity: Severity::Warning,
                code: "not_a_record".into(),
                message_zh: format!(
                    "{} 没有时间也没有号码（可能是合计或说明行），没有作为记录导入：{}",
                    locator.path,
                    quoted.join(" | ")
                ),
                cause_en: "row without time and number columns".into(),
                locator: Some(locator),
            });
        }
        let mut problems: Vec<(&'static str, String, String)> = Vec::new();

        // Time: a full date-time, a date plus a clock column, or an Excel serial.
        let (time, time_raw) = match (time_cell, date_cell) {
            (Some(t), Some(d)) if t.serial.is_none() && is_clock(&t.text) => {
                let raw = format!("{} {}", d.text.trim(), t.text.trim());
                let ts = match d.serial {
                    Some(s) => from_excel_serial(s.floor()).and_then(|day| {
                        let secs = parse_duration(&t.text)?; // hh:mm:ss as seconds of day
                        day.checked_add(jiff::SignedDuration::from_secs(secs)).ok()
                    }),
                    None => parse_wall_clock(&raw),
                };
                (ts, raw)
            }
            (Some(c), _) | (None, Some(c)) => {
                let ts = match c.serial {
                    Some(s) => from_excel_serial(s),
                    None => parse_wall_clock(&c.text).or_else(|| {
                        // A bare number in an XLSX text/number cell may be a serial date too.
                        c.text
                            .trim()
                            .parse::<f64>()
                            .ok()
                            .filter(|f| (20000.0..80000.0).contains(f))
                            .and_then(from_excel_serial)
                    }),
                };
                (ts, c.text.trim().to_string())
            }
            (None, None) => (None, String::new()),
        };
        if time.is_none() {
            if time_raw.is_empty() {
                problems.push(("missing_time", "没有时间".into(), "empty time cell".into()));
            } else {
                problems.push((
                    "bad_time",
                    format!("时间“{}”无法识别", crate::media::clip(&time_raw, 40)),
                    format!("unreadable time {time_raw:?}"),
                ));
            }
        } else if let Some(ts) = time {
            let y = ts.to_zoned_datetime(anjing_model::time::shanghai()).year();
            if !(2000..=2100).contains(&y) {
                problems.push((
                    "implausible_time",
                    format!("时间“{time_raw}”不合常理（{y} 年）"),
                    format!("implausible year {y}"),
                ));
            }
        }

        let counterparty = number_cell.map(number_text).unwrap_or_default();
        if counterparty.is_empty() && cols.has(Field::Number) {
            problems.push(("missing_number", "没有号码".into(), "empty number cell".into()));
        }

        let mut info = TypeInfo::default();
        for f in [Field::Kind, Field::Type, Field::Direction] {
            if let Some(c) = get(f) {
                match parse_type(&c.text) {
                    Some(t) => {
                        info.kind = info.kind.or(t.kind);
                        info.direction = info.direction.or(t.direction);
                        info.result = info.result.or(t.result);
                    }
                    None => problems.push((
                        "bad_type",
                        format!("类型“{}”无法识别，方向记为不明", crate::media::clip(&c.text, 20)),
                        format!("unknown type value {:?}", c.text),
                    )),
                }
            }
        }

        let duration_s = match get(Field::Duration) {
            Some(c) => {
                let d = match c.serial {
                    Some(s) if (0.0..1.0).contains(&s) => Some((s * 86_400.0).round() as i64),
                    _ => parse_duration(&c.text),
                };
                if d.is_none() {
                    problems.push((
                        "bad_duration",
                        format!("时长“{}”无法识别", crate::media::clip(&c.text, 20)),
                        format!("unreadable duration {:?}", c.text),
                    ));
                }
                d
            }
            None => None,
        };
        let text = get(Field::Text).map(|c| c.text.clone());

        let kind = info.kind.unwrap_or(if get(Field::Duration).is_some() {
            RecordKind::Call
        } else if text.is_some() {
            RecordKind::Sms
        } else if cols.has(Field::Duration) || !cols.has(Field::Text) {
            RecordKind::Call
        } else {
            RecordKind::Sms
        });
        let call_result = (kind == RecordKind::Call).then(|| {
            info.result.unwrap_or(match duration_s {
                Some(d) if d > 0 => CallResult::Answered,
                _ => CallResult::Unknown,
            })
        });

        let record = RawRecord {
            kind,
            direction: info.direction.unwrap_or(Direction::Unknown),
            counterparty,
            time,
            time_raw,
            time_unit: TimeUnit::ShanghaiText,
            text,
            duration_s: if kind == RecordKind::Call {
                duration_s
            } else {
                duration_s.filter(|_| false)
            },
            call_result,
            locator: locator.clone(),
            original,
        };
        self.stats.records += 1;
        self.index += 1;
        self.sink.record(record)?;
        for (code, zh, en) in problems {
            let severity =
                if code == "implausible_time" { Severity::Warning } else { Severity::Damaged };
            self.problem(Problem {
                severity,
                code: code.into(),
                message_zh: format!("{}：{zh}，记录已保留", locator.path),
                cause_en: en,
                locator: Some(locator.clone()),
            })?;
        }
        Ok(())
    }
}

fn number_text(c: &Cell) -> String {
    let t = c.text.trim();
    // 13812345678.0 or 1.3812345678E10 from a spreadsheet's number cell.
    if let Ok(f) = t.parse::<f64>()
        && f.is_finite()
        && f.fract() == 0.0
        && f.abs() < 1e16
        && (t.contains('.') || t.contains(['e', 'E']))
    {
        return format!("{}", f as i64);
    }
    t.to_string()
}

// ---------------------------------------------------------------------------
// CSV

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Utf8,
    Gbk,
}

fn choose_encoding(head: &[u8]) -> Encoding {
    match std::str::from_utf8(head) {
        Ok(_) => Encoding::Utf8,
        // The probe may cut a multi-byte character at its end.
        Err(e) if e.error_len().is_none() => Encoding::Utf8,
        Err(_) => Encoding::Gbk,
    }
}

/// Decodes one field; `true` when bytes were not valid in the chosen (or fallback) encoding.
fn decode(bytes: &[u8], enc: Encoding) -> (String, bool) {
    if enc == Encoding::Utf8
        && let Ok(s) = std::str::from_utf8(bytes)
    {
        return (s.to_string(), false);
    }
    let (s, bad) = encoding_rs::GBK.decode_without_bom_handling(bytes);
    (s.into_owned(), bad)
}

fn delimiter_of(line: &str) -> u8 {
    let mut best = (b',', 0usize);
    for d in [b',', b'\t', b';', b'|'] {
        let n = line.bytes().filter(|b| *b == d).count();
        if n > best.1 {
            best = (d, n);
        }
    }
    best.0
}

/// Whether the head of a file looks like a delimited text table.
pub(crate) fn looks_like_table(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    if head.is_empty() || head.contains(&0) {
        return false;
    }
    let text = match choose_encoding(head) {
        Encoding::Utf8 => String::from_utf8_lossy(head).into_owned(),
        Encoding::Gbk => {
            let (s, bad) = encoding_rs::GBK.decode_without_bom_handling(head);
            if bad && s.chars().filter(|c| *c == '\u{fffd}').count() > 2 {
                return false;
            }
            s.into_owned()
        }
    };
    if text.trim_start().starts_with('<') || text.trim_start().starts_with('{') {
        return false;
    }
    let controls = text.chars().filter(|c| c.is_control() && !"\r\n\t".contains(*c)).count();
    if controls > 0 {
        return false;
    }
    let mut lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    // The last line may be cut by the probe.
    if lines.len() > 2 && !text.ends_with('\n') {
        lines.pop();
    }
    if lines.is_empty() {
        return false;
    }
    // The delimiter most lines agree on.
    let d =
        delimiter_of(lines.iter().rev().take(5).copied().collect::<Vec<_>>().join("\n").as_str());
    let with = lines.iter().filter(|l| l.as_bytes().contains(&d)).count();
    with >= 2.min(lines.len()) && with * 2 >= lines.len()
}

fn csv_reader<R: Read>(r: R, delimiter: u8) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .double_quote(true)
        .from_reader(r)
}

struct CsvHead<R> {
    encoding: Encoding,
    /// Lines end in CRLF: the csv crate then reports a record's start one line
    /// (and one byte) early, at the `\n` of the previous terminator.
    crlf: bool,
    reader: csv::Reader<std::io::Chain<std::io::Cursor<Vec<u8>>, R>>,
}

fn open_csv<R: BufRead>(mut reader: R) -> Result<CsvHead<R>, ImportError> {
    let mut head = Vec::with_capacity(64 * 1024);
    (&mut reader).take(ENCODING_PROBE as u64).read_to_end(&mut head)?;
    let skip = if head.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
    let encoding = choose_encoding(&head[skip..]);
    let first_lines: Vec<u8> = head[skip..].iter().copied().take(16 * 1024).collect();
    let (sample, _) = decode(&first_lines, encoding);
    let sample_lines: Vec<&str> =
        sample.lines().filter(|l| !l.trim().is_empty()).take(40).collect();
    // Prefer the delimiter of the widest line among the first ones (the header, not a title).
    let delimiter = sample_lines
        .iter()
        .max_by_key(|l| l.bytes().filter(|b| [b',', b'\t', b';', b'|'].contains(b)).count())
        .map(|l| delimiter_of(l))
        .unwrap_or(b',');
    let crlf = head.windows(2).any(|w| w == b"\r\n");
    let mut cursor = std::io::Cursor::new(head);
    cursor.set_position(skip as u64);
    Ok(CsvHead { encoding, crlf, reader: csv_reader(cursor.chain(reader), delimiter) })
}

fn decode_record(rec: &csv::ByteRecord, enc: Encoding) -> (Vec<Cell>, bool) {
    let mut bad = false;
    let cells = rec
        .iter()
        .take(MAX_COLUMNS)
        .map(|f| {
            let (s, b) = decode(f, enc);
            bad |= b;
            Cell::text(s)
        })
        .collect();
    (cells, bad)
}

/// Where a record starts, 1-based line and byte offset (see [`CsvHead::crlf`]).
fn start_of(rec: &csv::ByteRecord, crlf: bool) -> csv::Position {
    let mut p = rec.position().cloned().unwrap_or_else(csv::Position::new);
    if crlf && p.record() > 0 {
        p.set_line(p.line() + 1);
        p.set_byte(p.byte() + 1);
    }
    p
}

fn csv_locator(pos: Option<&csv::Position>, index: u64) -> Locator {
    let line = pos.map(|p| p.line()).unwrap_or(0);
    Locator {
        path: format!("行 {line}"),
        index,
        line,
        column: 0,
        offset: pos.map(|p| p.byte()).unwrap_or(0),
    }
}

fn csv_error(e: csv::Error) -> ImportError {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => ImportError::Io(io),
        other => ImportError::Io(std::io::Error::other(format!("{other:?}"))),
    }
}

/// Reads the header rows only: the check before anything is stored.
pub fn confirm_csv<R: BufRead>(reader: R, hints: &Hints) -> Result<(), ImportError> {
    let mut h = open_csv(reader)?;
    let mut rows = Vec::new();
    let mut rec = csv::ByteRecord::new();
    while rows.len() < HEADER_SCAN && h.reader.read_byte_record(&mut rec).map_err(csv_error)? {
        rows.push(decode_record(&rec, h.encoding).0.into_iter().map(|c| c.text).collect());
    }
    find_header(&rows, hints).map(|_| ())
}

/// Imports a CSV table, streaming: constant memory whatever the number of rows.
pub fn import_csv<R: BufRead>(
    reader: R,
    hints: &Hints,
    sink: &mut dyn RecordSink,
) -> Result<ImportStats, ImportError> {
    let mut h = open_csv(reader)?;
    let mut first: Vec<(Vec<Cell>, bool, csv::Position)> = Vec::new();
    let mut rec = csv::ByteRecord::new();
    while first.len() < HEADER_SCAN && h.reader.read_byte_record(&mut rec).map_err(csv_error)? {
        let (cells, bad) = decode_record(&rec, h.encoding);
        first.push((cells, bad, start_of(&rec, h.crlf)));
    }
    let texts: Vec<Vec<String>> =
        first.iter().map(|(c, _, _)| c.iter().map(|c| c.text.clone()).collect()).collect();
    let (header_at, cols) = find_header(&texts, hints)?;
    let mut em = RowEmitter { sink, cols, stats: ImportStats::default(), index: 0 };
    if header_at > 0 {
        let lines: Vec<String> =
            first[..header_at].iter().map(|(_, _, p)| p.line().to_string()).collect();
        em.problem(Problem {
            severity: Severity::Warning,
            code: "preamble".into(),
            locator: Some(csv_locator(Some(&first[0].2), 0)),
            message_zh: format!(
                "表头在第 {} 行；前面的第 {} 行是标题或说明，没有作为记录导入（原文件中仍保留）",
                first[header_at].2.line(),
                lines.join("、")
            ),
            cause_en: format!("{header_at} row(s) above the header row"),
        })?;
    }
    let handle = |em: &mut RowEmitter, cells: Vec<Cell>, bad: bool, pos: &csv::Position| {
        let loc = csv_locator(Some(pos), em.index);
        if bad {
            em.problem(Problem {
                severity: Severity::Damaged,
                code: "bad_encoding".into(),
                locator: Some(loc.clone()),
                message_zh: format!(
                    "{} 有无法解码的字节（既不是 UTF-8 也不是 GBK），已用 � 代替",
                    loc.path
                ),
                cause_en: "bytes invalid in UTF-8 and GBK".into(),
            })?;
        }
        em.emit(&cells, loc)
    };
    for (cells, bad, pos) in first.into_iter().skip(header_at + 1) {
        handle(&mut em, cells, bad, &pos)?;
    }
    loop {
        match h.reader.read_byte_record(&mut rec) {
            Ok(true) => {
                let (cells, bad) = decode_record(&rec, h.encoding);
                let pos = start_of(&rec, h.crlf);
                handle(&mut em, cells, bad, &pos)?;
            }
            Ok(false) => break,
            Err(e) => {
                let pos = e.position().cloned();
                let line = pos.as_ref().map(|p| p.line()).unwrap_or(0);
                if let csv::ErrorKind::Io(_) = e.kind() {
                    return Err(csv_error(e));
                }
                em.problem(Problem {
                    severity: Severity::Unreadable,
                    code: "malformed_csv".into(),
                    locator: Some(csv_locator(pos.as_ref(), em.index)),
                    message_zh: format!("第 {line} 行之后的内容无法按表格读取"),
                    cause_en: e.to_string(),
                })?;
                break;
            }
        }
    }
    Ok(em.stats)
}

// ---------------------------------------------------------------------------
// XLSX

/// Limits for the ZIP inside an XLSX (calamine holds shared strings in memory).
fn xlsx_limits() -> crate::container::Limits {
    crate::container::Limits {
        max_total: 512 * 1024 * 1024,
        max_entry: 512 * 1024 * 1024,
        ..Default::default()
    }
}

fn open_xlsx<R: Read + Seek>(mut reader: R) -> Result<calamine::Xlsx<R>, ImportError> {
    use calamine::Reader as _;
    crate::container::confirm(&mut reader, &xlsx_limits())?;
    reader.rewind()?;
    calamine::Xlsx::new(reader).map_err(|e| ImportError::NotAnExport {
        reason_zh: "文件像 Excel 表格，但无法打开（可能已损坏或加密）".into(),
        reason_en: format!("xlsx: {e}"),
    })
}

fn cell_of(v: &calamine::DataRef) -> Cell {
    use calamine::DataRef as D;
    match v {
        D::Int(i) => Cell::text(i.to_string()),
        D::Float(f) => Cell::text(if f.fract() == 0.0 && f.abs() < 1e16 {
            format!("{}", *f as i64)
        } else {
            f.to_string()
        }),
        D::String(s) => Cell::text(s.clone()),
        D::SharedString(s) => Cell::text(s.to_string()),
        D::Bool(b) => Cell::text(b.to_string()),
        D::DateTime(dt) => {
            let serial = dt.as_f64();
            let text = if serial.is_finite() && serial >= 1.0 && dt.is_datetime() {
                let (y, mo, d, h, mi, s, _) = dt.to_ymd_hms_milli();
                format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
            } else if serial.is_finite() && (0.0..1.0).contains(&serial) {
                let secs = (serial * 86_400.0).round() as i64;
                format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
            } else {
                serial.to_string()
            };
            Cell { text, serial: Some(serial) }
        }
        D::DateTimeIso(s) | D::DurationIso(s) => Cell::text(s.clone()),
        D::Error(e) => Cell::text(format!("#{e}")),
        D::Empty => Cell::default(),
    }
}

/// Streams the rows of one sheet: `(1-based row number, cells)`.
fn for_each_row<R: Read + Seek>(
    wb: &mut calamine::Xlsx<R>,
    sheet: &str,
    mut each: impl FnMut(u32, Vec<Cell>) -> Result<bool, ImportError>,
) -> Result<(), ImportError> {
    let mut cells = wb
        .worksheet_cells_reader(sheet)
        .map_err(|e| ImportError::Io(std::io::Error::other(e.to_string())))?;
    let mut row: Vec<Cell> = Vec::new();
    let mut row_no: Option<u32> = None;
    loop {
        let next =
            cells.next_cell().map_err(|e| ImportError::Io(std::io::Error::other(e.to_string())))?;
        let Some(c) = next else { break };
        let (r, col) = c.get_position();
        if row_no != Some(r) {
            if let Some(prev) = row_no
                && !each(prev + 1, std::mem::take(&mut row))?
            {
                return Ok(());
            }
            row_no = Some(r);
        }
        let col = col as usize;
        if col < MAX_COLUMNS {
            if row.len() <= col {
                row.resize(col + 1, Cell::default());
            }
            row[col] = cell_of(c.get_value());
        }
    }
    if let Some(prev) = row_no {
        each(prev + 1, row)?;
    }
    Ok(())
}

fn first_rows<R: Read + Seek>(
    wb: &mut calamine::Xlsx<R>,
    sheet: &str,
) -> Result<Vec<(u32, Vec<Cell>)>, ImportError> {
    let mut rows = Vec::new();
    for_each_row(wb, sheet, |n, cells| {
        rows.push((n, cells));
        Ok(rows.len() < HEADER_SCAN)
    })?;
    Ok(rows)
}

fn texts(rows: &[(u32, Vec<Cell>)]) -> Vec<Vec<String>> {
    rows.iter().map(|(_, c)| c.iter().map(|c| c.text.clone()).collect()).collect()
}

/// Checks that some sheet of the workbook has a usable header.
pub fn confirm_xlsx<R: Read + Seek>(reader: R, hints: &Hints) -> Result<(), ImportError> {
    use calamine::Reader as _;
    let mut wb = open_xlsx(reader)?;
    let mut first_err = None;
    for sheet in wb.sheet_names() {
        match find_header(&texts(&first_rows(&mut wb, &sheet)?), hints) {
            Ok(_) => return Ok(()),
            Err(e) => {
                first_err.get_or_insert(e);
            }
        }
    }
    Err(first_err.unwrap_or(ImportError::NotAnExport {
        reason_zh: "Excel 文件里没有工作表".into(),
        reason_en: "workbook has no sheets".into(),
    }))
}

/// Imports every sheet with a recognisable header; other sheets are a `Warning`.
pub fn import_xlsx<R: Read + Seek>(
    reader: R,
    hints: &Hints,
    sink: &mut dyn RecordSink,
) -> Result<ImportStats, ImportError> {
    use calamine::Reader as _;
    let mut wb = open_xlsx(reader)?;
    let mut stats = ImportStats::default();
    let mut index = 0u64;
    let mut imported_any = false;
    let names = wb.sheet_names();
    for sheet in &names {
        let head = first_rows(&mut wb, sheet)?;
        let (header_at, cols) = match find_header(&texts(&head), hints) {
            Ok(h) => h,
            Err(_) if head.is_empty() => continue,
            Err(e) => {
                stats.problems += 1;
                sink.problem(Problem {
                    severity: Severity::Warning,
                    code: "sheet_skipped".into(),
                    locator: Some(Locator {
                        path: format!("{sheet}!"),
                        index,
                        line: 0,
                        column: 0,
                        offset: 0,
                    }),
                    message_zh: format!("工作表“{sheet}”没有导入：{e}"),
                    cause_en: format!("sheet {sheet:?} has no time or number column"),
                })?;
                continue;
            }
        };
        imported_any = true;
        let header_row = head[header_at].0;
        let mut em = RowEmitter { sink: &mut *sink, cols, stats: ImportStats::default(), index };
        if header_at > 0 {
            em.problem(Problem {
                severity: Severity::Warning,
                code: "preamble".into(),
                locator: Some(Locator { path: format!("{sheet}!R{}", head[0].0), index, line: head[0].0 as u64, column: 0, offset: 0 }),
                message_zh: format!("工作表“{sheet}”的表头在第 {header_row} 行；前面 {header_at} 行是标题或说明，没有作为记录导入"),
                cause_en: format!("{header_at} row(s) above the header row"),
            })?;
        }
        for_each_row(&mut wb, sheet, |n, cells| {
            if n > header_row {
                let loc = Locator {
                    path: format!("{sheet}!R{n}"),
                    index: em.index,
                    line: n as u64,
                    column: 0,
                    offset: 0,
                };
                em.emit(&cells, loc)?;
            }
            Ok(true)
        })?;
        index = em.index;
        stats.records += em.stats.records;
        stats.problems += em.stats.problems;
    }
    if !imported_any && stats.problems == 0 {
        return Err(ImportError::NotAnExport {
            reason_zh: "Excel 文件里没有内容".into(),
            reason_en: "workbook is empty".into(),
        });
    }
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_in_common_forms_are_shanghai_wall_clock() {
        let want = "2026-01-05T14:13:05Z";
        for s in [
            "2026-01-05 22:13:05",
            "2026/1/5 22:13:05",
            "2026年1月5日 22:13:05",
            "2026年1月5日22时13分05秒",
            "20260105221305",
            "2026-01-05T22:13:05",
        ] {
            let ts = parse_wall_clock(s).unwrap_or_else(|| panic!("{s}"));
            assert_eq!(anjing_model::time::rfc3339_utc(ts), want, "{s}");
        }
        assert_eq!(
            anjing_model::time::rfc3339_utc(parse_wall_clock("2026/1/5 22:13").unwrap()),
            "2026-01-05T14:13:00Z"
        );
        assert_eq!(
            anjing_model::time::rfc3339_utc(parse_wall_clock("2026年1月5日").unwrap()),
            "2026-01-04T16:00:00Z"
        );
        for bad in ["", "昨天晚上", "2026-13-05 22:13", "2026-02-30", "22:13", "1e999"] {
            assert!(parse_wall_clock(bad).is_none(), "{bad}");
        }
        // 2026-01-05 22:13:05 as an Excel serial.
        let serial = 46027.0 + (22.0 * 3600.0 + 13.0 * 60.0 + 5.0) / 86400.0;
        assert_eq!(anjing_model::time::rfc3339_utc(from_excel_serial(serial).unwrap()), want);
        assert!(from_excel_serial(f64::NAN).is_none());
    }

    #[test]
    fn durations() {
        for (s, d) in [
            ("83", 83),
            ("83秒", 83),
            ("1分23秒", 83),
            ("1小时2分3秒", 3723),
            ("00:01:23", 83),
            ("01:23", 83),
            ("1:02:03", 3723),
            ("2分", 120),
            ("83s", 83),
        ] {
            assert_eq!(parse_duration(s), Some(d), "{s}");
        }
        for bad in ["", "很久", "1分钟多", "-5"] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
    }

    #[test]
    fn headers_and_map() {
        let row: Vec<String> = ["起始时间", "通信方式", "对方号码", "通话时长(秒)", "备注", "备注"]
            .map(String::from)
            .to_vec();
        let c = columns_for(&row, &Hints::default());
        assert_eq!(
            c.fields[..4],
            [Some(Field::Time), Some(Field::Type), Some(Field::Number), Some(Field::Duration)]
        );
        assert_eq!(c.names[5], "备注#2");
        let hints = Hints {
            column_map: parse_map("when=time，who=number").unwrap(),
            ..Default::default()
        };
        let c = columns_for(&["when".into(), "who".into(), "what".into()], &hints);
        assert_eq!(c.fields, vec![Some(Field::Time), Some(Field::Number), None]);
        assert!(parse_map("a=b").is_err());
        let e = find_header(&[vec!["id".into(), "msg".into()]], &Hints::default()).unwrap_err();
        assert!(e.to_string().contains("id、msg") && e.to_string().contains("--map"), "{e}");
    }

    #[test]
    fn table_sniffing() {
        assert!(looks_like_table("时间,号码\n2026-01-05 22:13,13812345678\n".as_bytes()));
        let (gbk, _, _) = encoding_rs::GBK
            .encode("中国移动通话详单\n起始时间,通信方式,对方号码\n2026-01-05 22:13,主叫,138\n");
        assert!(looks_like_table(&gbk));
        assert!(!looks_like_table(
            "1月6日 上午10点 15012340817 打来，说要上门\n下一行\n".as_bytes()
        ));
        assert!(!looks_like_table(b"<smses>"));
        assert!(!looks_like_table(b"a,b\x00\x01,c\n"));
    }

    struct Collect(Vec<RawRecord>, Vec<Problem>);
    impl RecordSink for Collect {
        fn record(&mut self, r: RawRecord) -> Result<(), crate::SinkError> {
            self.0.push(r);
            Ok(())
        }
        fn problem(&mut self, p: Problem) -> Result<(), crate::SinkError> {
            self.1.push(p);
            Ok(())
        }
    }

    #[test]
    fn gbk_bill_with_preamble_footer_and_damage() {
        let text = "中国移动通话详单\n起始时间,通信方式,对方号码,通话时长,通话地点\n2026-01-05 22:13:05,被叫,17112346601,1分23秒,深圳\n2026/1/6 8:01,主叫,13900139000,00:00:45,深圳\n昨天,被叫,15012340817,很久,深圳\n合计,,,,\n";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        let mut s = Collect(vec![], vec![]);
        let st = import_csv(&gbk[..], &Hints::default(), &mut s).unwrap();
        assert_eq!(st.records, 3);
        let r = &s.0[0];
        assert_eq!(
            (r.kind, r.direction, r.duration_s, r.call_result),
            (RecordKind::Call, Direction::In, Some(83), Some(CallResult::Answered))
        );
        assert_eq!(r.locator.path, "行 3");
        assert_eq!(r.original["通话地点"], "深圳");
        assert_eq!(s.0[1].direction, Direction::Out);
        assert!(s.0[2].time.is_none());
        let codes: Vec<&str> = s.1.iter().map(|p| p.code.as_str()).collect();
        assert_eq!(codes, ["preamble", "bad_time", "bad_duration", "not_a_record"]);
    }

    #[test]
    fn crlf_lines_and_offsets_point_at_the_row() {
        let text = b"title\r\ntime,number\r\n2026-01-05 22:13,138\r\n\"2026-01-06\r\n 08:00\",139\r\n2026-01-07 09:00,150\r\n";
        let mut s = Collect(vec![], vec![]);
        import_csv(&text[..], &Hints::default(), &mut s).unwrap();
        let at: Vec<(u64, u64)> = s.0.iter().map(|r| (r.locator.line, r.locator.offset)).collect();
        assert_eq!(at, [(3, 20), (4, 42), (6, 68)]);
        for (line, off) in at {
            assert!(
                text[off as usize..].starts_with(b"2026")
                    || text[off as usize..].starts_with(b"\"2026"),
                "{line}"
            );
        }
    }

    #[test]
    fn hostile_input_never_panics() {
        let mut s = Collect(vec![], vec![]);
        for input in [
            &b"\"unclosed,quote\n\xff\xfe,1\n"[..],
            b"time,number\n\"a\"b\",c\n,,,,,,,\n",
            b"\xEF\xBB\xBF",
            b"",
        ] {
            let _ = import_csv(input, &Hints::default(), &mut s);
        }
    }
}
