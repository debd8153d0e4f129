/*!
Message detection for Anjing: rule packs as data, text normalisation with an
offset map, and the classification of one message into practices.

* [`Detector::builtin`] compiles the rule packs bundled from `rules/cn/` TOML files;
  [`Detector::from_dir`] compiles a folder of rule files (for reviewers).
* [`Detector::classify`] normalises a message (see [`normalize`]), runs every
  keyword of the pack through one Aho-Corasick automaton (which also holds, per
  regex, literals that every match starts and ends with: a regex runs only when
  both occur), evaluates the rules and signals whose triggers occur, and returns
  the findings with character spans into the **original** text.

Detection knows nothing of the law: it reports practices; `anjing-law` maps
practices to legal bases.

Decision (docs/design.md §4): a message is collection when a collection signal
or an "implies collection" rule fires and no "not collection" signal or
"blocks collection" rule fires (verification codes, bank credit notices, loan
ads, private debts, credit-repair scams…). `legit_reminder` is reported exactly
when the message is collection and no abusive practice was found.
*/

pub mod check;
pub mod eval;
pub mod normalize;
pub mod patterns;
mod rules;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anjing_model::Practice;
use serde::{Deserialize, Serialize};

pub use normalize::Normalized;
use rules::{CollectionEffect, Matcher, Pack, SignalEffect, TermRef};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Nothing wrong (a lawful reminder) or context only.
    Info,
    /// Improper, worth recording.
    Warning,
    /// Clearly abusive or fraudulent.
    Serious,
}

impl Severity {
    /// The name stored with a finding, as serde writes it (`info`, `warning`, `serious`).
    pub fn code(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Serious => "serious",
        }
    }
}

/// Errors reading or compiling rule packs. Messages name the file, the line and the rule id.
#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    #[error("{path}: cannot read rule files: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{file}:{line}: TOML error: {message}")]
    Toml { file: String, line: usize, message: String },
    #[error("{file}:{line}: rule `{rule}`: unknown practice `{practice}`")]
    UnknownPractice { file: String, line: usize, rule: String, practice: String },
    #[error("{file}:{line}: rule `{rule}`: bad regex `{pattern}`: {message}")]
    BadRegex { file: String, line: usize, rule: String, pattern: String, message: String },
    #[error("{file}:{line}: rule `{rule}`: duplicate id (first defined at {first})")]
    DuplicateId { file: String, line: usize, rule: String, first: String },
    #[error("{file}:{line}: rule `{rule}`: empty pattern list or empty pattern")]
    EmptyPattern { file: String, line: usize, rule: String },
    #[error("{file}:{line}: rule `{rule}`: unknown group `@{group}`")]
    UnknownGroup { file: String, line: usize, rule: String, group: String },
    #[error("{file}:{line}: rule `{rule}`: {message}")]
    Invalid { file: String, line: usize, rule: String, message: String },
    #[error("the rule pack holds no rules")]
    NoRules,
}

/// One message to classify.
#[derive(Debug, Clone, Copy, Default)]
pub struct Message<'a> {
    pub text: &'a str,
    pub sender: Option<&'a str>,
    pub time: Option<jiff::Timestamp>,
}

impl<'a> Message<'a> {
    /// A message with text only.
    pub fn text(text: &'a str) -> Message<'a> {
        Message { text, sender: None, time: None }
    }
}

/// What detection concluded about one message.
#[derive(Debug, Clone, Serialize)]
pub struct Classification {
    pub is_collection: bool,
    /// Sorted, de-duplicated practices of the findings (plus `legit_reminder`).
    pub practices: Vec<Practice>,
    pub findings: Vec<Finding>,
}

/// One finding: a practice, the rule that fired, where, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub practice: Practice,
    /// Rule id, e.g. `threat.visit`.
    pub rule: String,
    /// Character offsets (Unicode scalar values) into the original text, `[start, end)`.
    pub spans: Vec<[usize; 2]>,
    /// Plain Chinese: what was found and why it matters, quoting the words.
    pub explanation: String,
    pub severity: Severity,
}

/// The rule files bundled into the binary.
const BUILTIN: &[(&str, &str)] = &[
    ("groups.toml", include_str!("../rules/cn/groups.toml")),
    ("collection.toml", include_str!("../rules/cn/collection.toml")),
    ("guards.toml", include_str!("../rules/cn/guards.toml")),
    ("third_party.toml", include_str!("../rules/cn/third_party.toml")),
    ("threat.toml", include_str!("../rules/cn/threat.toml")),
    ("insult.toml", include_str!("../rules/cn/insult.toml")),
    ("fake_legal.toml", include_str!("../rules/cn/fake_legal.toml")),
    ("impersonation.toml", include_str!("../rules/cn/impersonation.toml")),
    ("scam.toml", include_str!("../rules/cn/scam.toml")),
];

/// Files in a rule folder that are not message rules (pattern thresholds).
const NOT_MESSAGE_RULES: &[&str] = &["thresholds.toml"];

/// Compiled rule packs.
#[derive(Debug)]
pub struct Detector {
    pack: Pack,
    version: String,
}

const LEGIT_RULE: &str = "legit.reminder";

impl Detector {
    /// The rule packs bundled into the binary (`crates/anjing-detect/rules/cn/*.toml`).
    pub fn builtin() -> Result<Detector, RuleError> {
        let files: Vec<(String, String)> =
            BUILTIN.iter().map(|(n, s)| (format!("rules/cn/{n}"), s.to_string())).collect();
        Detector::from_sources(files)
    }

    /// Rule packs from a folder of `.toml` files (for reviewers editing rules).
    /// `thresholds.toml` (pattern thresholds) is skipped.
    pub fn from_dir(dir: &Path) -> Result<Detector, RuleError> {
        let io = |source| RuleError::Io { path: dir.to_path_buf(), source };
        let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(io)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| !NOT_MESSAGE_RULES.contains(&n))
            })
            .collect();
        paths.sort();
        let mut files = Vec::new();
        for p in paths {
            let src = std::fs::read_to_string(&p)
                .map_err(|source| RuleError::Io { path: p.clone(), source })?;
            files.push((rules::display_name(&p), src));
        }
        Detector::from_sources(files)
    }

    /// Rule packs from `(file name, contents)` pairs (names are used in error messages).
    pub fn from_sources(files: Vec<(String, String)>) -> Result<Detector, RuleError> {
        let pack = rules::compile(&files)?;
        let version = pack_version(&files);
        Ok(Detector { pack, version })
    }

    /// A short stable id of the rule set: the first 12 hex digits of the SHA-256
    /// of the rule files (by bare file name, sorted), stored with findings.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The ids of all rules, in pack order.
    pub fn rule_ids(&self) -> Vec<&str> {
        self.pack.rules.iter().map(|r| r.id.as_str()).collect()
    }

    /// Where a rule is defined: `(file, line)`.
    pub fn rule_location(&self, id: &str) -> Option<(&str, usize)> {
        self.pack.rules.iter().find(|r| r.id == id).map(|r| (r.file.as_str(), r.line))
    }

    /// The ids of the signals (collection evidence, not-collection evidence, guards)
    /// that fire on a message: for debugging rules and for the eval report.
    pub fn fired_signals(&self, msg: &Message<'_>) -> Vec<&str> {
        let norm = Normalized::new(msg.text);
        let sender = msg.sender.map(normalize_sender);
        let hits = Hits::new(&self.pack, &norm.text);
        self.pack
            .signals
            .iter()
            .enumerate()
            .filter(|(si, s)| hits.may_fire(&self.pack, &s.matcher, false, *si))
            .map(|(_, s)| s)
            .filter(|s| eval_matcher(&s.matcher, &hits, &norm.text, sender.as_deref()).is_some())
            .map(|s| s.id.as_str())
            .collect()
    }

    /// Classifies one message.
    pub fn classify(&self, msg: &Message<'_>) -> Classification {
        let norm = Normalized::new(msg.text);
        let sender = msg.sender.map(normalize_sender);
        let hits = Hits::new(&self.pack, &norm.text);
        let ev = |m: &Matcher| eval_matcher(m, &hits, &norm.text, sender.as_deref());

        // Signals.
        let mut is_coll_evidence = Vec::new();
        let mut blocked = false;
        let mut suppress_all = false;
        let mut suppressed: BTreeSet<Practice> = BTreeSet::new();
        for (si, s) in self.pack.signals.iter().enumerate() {
            if !hits.may_fire(&self.pack, &s.matcher, false, si) {
                continue;
            }
            if let Some(spans) = ev(&s.matcher) {
                match s.effect {
                    Some(SignalEffect::Collection) => is_coll_evidence.extend(spans),
                    Some(SignalEffect::NotCollection) => blocked = true,
                    None => {}
                }
                suppress_all |= s.suppress_all;
                suppressed.extend(s.suppress.iter().copied());
            }
        }
        let allowed = |p: Practice| !suppress_all && !suppressed.contains(&p);

        // First pass.
        let mut raw: Vec<RawFinding> = Vec::new();
        let mut implied = false;
        for (ri, r) in self.pack.rules.iter().enumerate() {
            if r.is_second_pass() || !hits.may_fire(&self.pack, &r.matcher, true, ri) {
                continue;
            }
            let Some(spans) = ev(&r.matcher) else { continue };
            let mut any = false;
            for &p in &r.practices {
                if allowed(p) {
                    raw.push((ri, p, spans.clone()));
                    any = true;
                }
            }
            if any {
                match r.collection {
                    CollectionEffect::Implies => implied = true,
                    CollectionEffect::Blocks => blocked = true,
                    CollectionEffect::Neutral => {}
                }
            }
        }
        let is_collection = (implied || !is_coll_evidence.is_empty()) && !blocked;

        // Second pass.
        for (ri, r) in self.pack.rules.iter().enumerate() {
            if !r.is_second_pass() || !hits.may_fire(&self.pack, &r.matcher, true, ri) {
                continue;
            }
            if r.when_collection.is_some_and(|c| c != is_collection) {
                continue;
            }
            let mut spans = Vec::new();
            if !r.when_practices.is_empty() {
                let found: Vec<_> =
                    raw.iter().filter(|f| r.when_practices.contains(&f.1)).collect();
                if found.is_empty() {
                    continue;
                }
                for f in found {
                    spans.extend(f.2.iter().copied());
                }
            }
            let Some(own) = ev(&r.matcher) else { continue };
            if !own.is_empty() {
                spans = own;
            }
            for &p in &r.practices {
                if allowed(p) {
                    raw.push((ri, p, spans.clone()));
                }
            }
        }

        let mut findings: Vec<Finding> = Vec::new();
        for (ri, p, spans) in raw {
            let r = &self.pack.rules[ri];
            if findings.iter().any(|f| f.practice == p && f.rule == r.id) {
                continue;
            }
            let spans = to_original_spans(&norm, &spans);
            let template = match &r.explanation_no_debt {
                Some(e) if !is_collection => e,
                _ => &r.explanation,
            };
            findings.push(Finding {
                practice: p,
                rule: r.id.clone(),
                explanation: render(template, msg.text, &spans, p),
                spans,
                severity: r.severity,
            });
        }
        if is_collection && !findings.iter().any(|f| f.practice.is_abusive()) {
            let spans = to_original_spans(&norm, &is_coll_evidence);
            findings.push(Finding {
                practice: Practice::LegitReminder,
                rule: LEGIT_RULE.to_string(),
                explanation: render(
                    "这是一条催还欠款的消息（{quote}），没有发现威胁、辱骂、联系第三人、虚构法律后果等不当做法。提醒按时还款、说明逾期费用、上报征信或依法起诉，本身都是正常的催收内容。",
                    msg.text,
                    &spans,
                    Practice::LegitReminder,
                ),
                spans,
                severity: Severity::Info,
            });
        }
        findings.sort_by(|a, b| a.practice.cmp(&b.practice).then_with(|| a.rule.cmp(&b.rule)));
        let practices: Vec<Practice> =
            findings.iter().map(|f| f.practice).collect::<BTreeSet<_>>().into_iter().collect();
        Classification { is_collection, practices, findings }
    }
}

fn pack_version(files: &[(String, String)]) -> String {
    use sha2::{Digest, Sha256};
    let mut sorted: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, s)| (n.rsplit(['/', '\\']).next().unwrap_or(n), s.as_str()))
        .collect();
    sorted.sort();
    let mut h = Sha256::new();
    for (n, s) in sorted {
        h.update(n.as_bytes());
        h.update([0]);
        h.update(s.as_bytes());
        h.update([0]);
    }
    h.finalize().iter().take(6).map(|b| format!("{b:02x}")).collect()
}

/// Sender numbers: drop spaces and dashes and a +86/0086 prefix on mobiles.
fn normalize_sender(s: &str) -> String {
    let t: String = s.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    for p in ["+86", "0086"] {
        if let Some(rest) = t.strip_prefix(p) {
            return rest.to_string();
        }
    }
    if t.len() == 13 && t.starts_with("86") && t[2..].starts_with('1') {
        return t[2..].to_string();
    }
    t
}

/// A finding before mapping: rule index, practice, byte spans of the normalised text.
type RawFinding = (usize, Practice, Vec<(usize, usize)>);

/// Per-message term hits (byte ranges in the normalised text). Sparse: a message hits a
/// few dozen of the pack's terms, so only those get a list (allocating and dropping one
/// list per term of the pack was a visible share of classify time). The buffers are
/// reused from message to message on each thread ([`HITS_POOL`]): allocation was about a
/// fifth of classify time.
struct Hits {
    b: HitsBuf,
}

#[derive(Default)]
struct HitsBuf {
    /// The literals found, sorted: (literal, index into `ranges`). A message finds a few
    /// dozen of the pack's ~1,200 literals, so a sorted list searched by halving beats a
    /// table filled per message.
    lit: Vec<(u32, u32)>,
    /// Per regex: index into `ranges`, or `NONE`.
    re: Vec<u32>,
    /// Per term found: its spans, a range of `spans` (one list for all terms, so that a
    /// message costs a few allocations rather than one per term found).
    ranges: Vec<(u32, u32)>,
    spans: Vec<(usize, usize)>,
    /// Per matcher ([`Pack::matcher_index`]): whether one of its triggers occurs.
    live: Vec<bool>,
    /// Scratch of [`Hits::new`]: per regex, the first prefix-gate start and the last
    /// suffix-gate end; the literal matches before grouping.
    first_start: Vec<usize>,
    last_end: Vec<usize>,
    lit_hits: Vec<(u32, usize, usize)>,
}

thread_local! {
    /// One set of [`Hits`] buffers per thread, taken by [`Hits::new`] and given back on drop.
    static HITS_POOL: std::cell::RefCell<Option<HitsBuf>> = const { std::cell::RefCell::new(None) };
}

impl std::ops::Deref for Hits {
    type Target = HitsBuf;
    fn deref(&self) -> &HitsBuf {
        &self.b
    }
}

impl Drop for Hits {
    fn drop(&mut self) {
        let b = std::mem::take(&mut self.b);
        // During thread teardown the pool may be gone; the buffers are then simply freed.
        let _ = HITS_POOL.try_with(|p| {
            if let Ok(mut slot) = p.try_borrow_mut() {
                *slot = Some(b);
            }
        });
    }
}

const NONE: u32 = u32::MAX;

impl Hits {
    fn new(pack: &Pack, text: &str) -> Hits {
        let b = HITS_POOL.try_with(|p| p.try_borrow_mut().ok().and_then(|mut s| s.take()));
        let mut h: HitsBuf = b.ok().flatten().unwrap_or_default();
        let n_re = pack.regexes.len();
        h.lit.clear();
        h.re.clear();
        h.re.resize(n_re, NONE);
        h.ranges.clear();
        h.spans.clear();
        h.live.clear();
        h.live.resize(pack.matcher_count(), false);
        let n_lit = pack.literals.len();
        // Per regex: where the first prefix-gate literal starts, where the last suffix-gate
        // literal ends. A match starts at the one and ends at the other, so it lies between.
        let mut first_start = std::mem::take(&mut h.first_start);
        let mut last_end = std::mem::take(&mut h.last_end);
        let mut lit_hits = std::mem::take(&mut h.lit_hits);
        first_start.clear();
        first_start.resize(n_re, usize::MAX);
        last_end.clear();
        last_end.resize(n_re, 0);
        lit_hits.clear();
        for m in pack.automaton.find_overlapping_iter(text) {
            let p = m.pattern().as_usize();
            if p < n_lit {
                lit_hits.push((p as u32, m.start(), m.end()));
            }
            for &(r, bit) in &pack.gate_opens[p] {
                let r = r as usize;
                if bit == rules::GATE_PREFIX {
                    first_start[r] = first_start[r].min(m.start());
                } else {
                    last_end[r] = last_end[r].max(m.end());
                }
            }
        }
        // Group by literal, each literal's spans in the order found.
        lit_hits.sort_by_key(|x| x.0);
        h.spans.reserve(lit_hits.len());
        for (k, &(p, s, e)) in lit_hits.iter().enumerate() {
            if k == 0 || lit_hits[k - 1].0 != p {
                h.lit.push((p, h.ranges.len() as u32));
                let p = p as usize;
                let a = h.spans.len() as u32;
                h.ranges.push((a, a));
                for &u in &pack.lit_trigger_of[p] {
                    h.live[u as usize] = true;
                }
            }
            h.spans.push((s, e));
            if let Some(r) = h.ranges.last_mut() {
                r.1 = h.spans.len() as u32;
            }
        }
        for (i, re) in pack.regexes.iter().enumerate() {
            let need = pack.gate_needs[i];
            let start = if need & rules::GATE_PREFIX != 0 { first_start[i] } else { 0 };
            if start == usize::MAX {
                continue;
            }
            // With a prefix gate a match is not empty, so it ends after `start`.
            if need & rules::GATE_SUFFIX != 0 && last_end[i] <= start {
                continue;
            }
            let a = h.spans.len();
            find_all(re, text, start, &mut h.spans);
            if h.spans.len() > a {
                for &u in &pack.re_trigger_of[i] {
                    h.live[u as usize] = true;
                }
                h.re[i] = h.ranges.len() as u32;
                h.ranges.push((a as u32, h.spans.len() as u32));
            }
        }
        h.first_start = first_start;
        h.last_end = last_end;
        h.lit_hits = lit_hits;
        Hits { b: h }
    }

    /// Whether the matcher may fire: it has no triggers, or one of them occurs.
    fn may_fire(&self, pack: &Pack, m: &Matcher, rule: bool, i: usize) -> bool {
        m.triggers.is_empty() || self.live[pack.matcher_index(rule, i)]
    }

    fn get(&self, t: TermRef) -> &[(usize, usize)] {
        let slot = match t {
            TermRef::Lit(i) => match self.lit.binary_search_by_key(&(i as u32), |l| l.0) {
                Ok(k) => self.lit[k].1,
                Err(_) => NONE,
            },
            TermRef::Re(i) => self.re[i],
        };
        if slot == NONE {
            return &[];
        }
        let (a, b) = self.ranges[slot as usize];
        &self.spans[a as usize..b as usize]
    }
}

/// `re.find_iter(text)` as byte ranges, given that no match starts before `start`: the search
/// begins there (a regex search respects the context before its start). An empty match,
/// whose successor `find_iter` treats specially, sends it back to `find_iter` itself.
/// Appends them to `out`.
fn find_all(re: &regex::Regex, text: &str, start: usize, out: &mut Vec<(usize, usize)>) {
    let base = out.len();
    let mut at = start;
    while let Some(m) = re.find_at(text, at) {
        if m.is_empty() {
            out.truncate(base);
            out.extend(re.find_iter(text).map(|m| (m.start(), m.end())));
            return;
        }
        out.push((m.start(), m.end()));
        at = m.end();
    }
}

/// Evaluates a matcher: `None` when it does not fire, else the trigger spans
/// (empty for a matcher without triggers).
fn eval_matcher(
    m: &Matcher,
    hits: &Hits,
    text: &str,
    sender: Option<&str>,
) -> Option<Vec<(usize, usize)>> {
    if !m.sender.is_empty() && !sender.is_some_and(|s| m.sender.iter().any(|r| r.is_match(s))) {
        return None;
    }
    if sender.is_some_and(|s| m.sender_excludes.iter().any(|r| r.is_match(s))) {
        return None;
    }
    if !m.sender_if_known.is_empty()
        && sender.is_some_and(|s| !s.is_empty() && !m.sender_if_known.iter().any(|r| r.is_match(s)))
    {
        return None;
    }
    if m.excludes.iter().any(|&t| !hits.get(t).is_empty()) {
        return None;
    }
    if !m.requires.iter().all(|g| g.iter().any(|&t| !hits.get(t).is_empty())) {
        return None;
    }
    if m.triggers.is_empty() {
        return Some(Vec::new());
    }
    let mut spans: Vec<(usize, usize)> = m
        .triggers
        .iter()
        .flat_map(|&t| hits.get(t).iter().copied())
        .filter(|&(s, _)| !(m.negation && is_negated(text, s)))
        .filter(|&(s, e)| {
            !m.mask.iter().any(|&t| hits.get(t).iter().any(|&(ms, me)| ms < e && s < me))
        })
        .collect();
    if spans.is_empty() {
        return None;
    }
    spans.sort();
    spans.dedup();
    Some(spans)
}

/// Multi-character negators that cancel a trigger right after them.
const NEGATORS: &[&str] = &[
    "不会",
    "不得",
    "没有",
    "无需",
    "不用",
    "绝不",
    "并不",
    "从不",
    "严禁",
    "禁止",
    "请勿",
    "切勿",
    "不再",
    "从未",
    "不曾",
    "不可能",
    "不能",
    "并未",
    "未曾",
    "谨防",
    "警惕",
    "防范",
    "拒绝",
    "不存在",
    "不是",
    "不需要",
    "不允许",
    "杜绝",
];
/// The first characters of [`NEGATORS`] (a test keeps the two in step).
const NEGATOR_FIRST: &[char] = &[
    '不', '没', '无', '绝', '并', '从', '严', '禁', '请', '切', '未', '谨', '警', '防', '拒', '杜',
];
/// Single-character negators; they must touch the trigger.
const NEGATORS_1: &[char] = &['不', '没', '未', '勿', '无', '非'];
/// A gap holding one of these is a condition or a dare, not a negation ("不还就上门", "别逼我们上门").
const NOT_NEGATION_GAP: &[&str] =
    &["就", "则", "便", "否则", "的话", "如果", "要是", "逼", "等", "让", "怪", "以为", "才", "还"];

/// Whether the match starting at byte `start` is negated within its clause.
fn is_negated(text: &str, start: usize) -> bool {
    // Only the last 8 characters of the clause matter: look back at most 8 characters and
    // stop after clause punctuation.
    let before = &text[..start];
    let mut window_start = before.len();
    for (n, (i, c)) in before.char_indices().rev().enumerate() {
        if matches!(c, ',' | '。' | '!' | '?' | ';' | '\n') {
            break;
        }
        window_start = i;
        if n == 7 {
            break;
        }
    }
    let window = &before[window_start..];
    if window.chars().last().is_some_and(|c| NEGATORS_1.contains(&c)) {
        return true;
    }
    // Most windows hold no character a negator starts with (checking this once per
    // character is far cheaper than searching the window once per negator).
    if !window.chars().any(|c| NEGATOR_FIRST.contains(&c)) {
        return false;
    }
    for n in NEGATORS {
        // A negator can only occur where its first character does (cheaper than `rfind`
        // on every negator, which was visible in profiles).
        let Some(first) = n.chars().next() else { continue };
        if !window.contains(first) {
            continue;
        }
        if let Some(pos) = window.rfind(n) {
            let gap = &window[pos + n.len()..];
            if gap.chars().count() <= 5 && !NOT_NEGATION_GAP.iter().any(|g| gap.contains(g)) {
                return true;
            }
        }
    }
    false
}

/// Byte spans of the normalised text → merged character spans of the original.
fn to_original_spans(norm: &Normalized, spans: &[(usize, usize)]) -> Vec<[usize; 2]> {
    let mut out: Vec<[usize; 2]> = spans.iter().map(|&(s, e)| norm.original_span(s, e)).collect();
    out.sort();
    let mut merged: Vec<[usize; 2]> = Vec::new();
    for s in out {
        match merged.last_mut() {
            Some(last) if s[0] <= last[1] => last[1] = last[1].max(s[1]),
            _ => merged.push(s),
        }
    }
    merged
}

/// Fills `{quote}` (the matched original words, quoted) and `{practice}`.
fn render(template: &str, original: &str, spans: &[[usize; 2]], p: Practice) -> String {
    let mut quotes: [&str; 3] = [""; 3];
    let mut n = 0;
    for s in spans {
        let q = char_slice(original, s[0], s[1]).trim();
        if !q.is_empty() && !quotes[..n].contains(&q) {
            quotes[n] = q;
            n += 1;
        }
        if n == 3 {
            break;
        }
    }
    // One pass over the template, one allocation: `{quote}` and `{practice}` are replaced
    // where they occur.
    let quoted: usize = quotes[..n].iter().map(|q| q.len() + 9).sum();
    let mut out = String::with_capacity(template.len() + quoted.max(12));
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if let Some(after) = tail.strip_prefix("{quote}") {
            if n == 0 {
                out.push_str("相关内容");
            }
            for (k, q) in quotes[..n].iter().enumerate() {
                if k > 0 {
                    out.push('、');
                }
                out.push('“');
                out.push_str(q);
                out.push('”');
            }
            rest = after;
        } else if let Some(after) = tail.strip_prefix("{practice}") {
            out.push_str(p.name_zh());
            rest = after;
        } else {
            out.push('{');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

/// The characters `[start, end)` of `s` (clamped to its length).
fn char_slice(s: &str, start: usize, end: usize) -> &str {
    let mut idx = s.char_indices().map(|(i, _)| i).chain([s.len()]);
    let b = idx.nth(start).unwrap_or(s.len());
    let e = if end > start { idx.nth(end - start - 1).unwrap_or(s.len()) } else { b };
    &s[b..e]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negation_rules() {
        let n = |s: &str, w: &str| {
            let t = Normalized::new(s).text;
            is_negated(&t, t.find(w).unwrap())
        };
        assert!(n("我们不会上门", "上门"));
        assert!(n("我们不会安排人员上门", "上门"));
        assert!(!n("今天不还钱就爆通讯录", "爆通讯录"));
        assert!(!n("再不还我们就上门", "上门"));
        assert!(!n("不要逼我们上门", "上门"));
        assert!(n("不上门", "上门"));
        assert!(!n("不还钱,上门", "上门"));
    }

    /// The stored severity of a finding is the name in the classify contract's JSON.
    #[test]
    fn severity_codes_are_the_serde_names() {
        for s in [Severity::Info, Severity::Warning, Severity::Serious] {
            assert_eq!(serde_json::to_value(s).unwrap(), s.code());
        }
    }

    #[test]
    fn sender_normalisation() {
        assert_eq!(normalize_sender("+86 138-0013-8000"), "13800138000");
        assert_eq!(normalize_sender("8613800138000"), "13800138000");
        assert_eq!(normalize_sender("12368"), "12368");
    }
}

#[cfg(test)]
mod negator_table {
    #[test]
    fn negator_first_characters_cover_every_negator() {
        for n in super::NEGATORS {
            let c = n.chars().next().unwrap();
            assert!(super::NEGATOR_FIRST.contains(&c), "{n}: add {c} to NEGATOR_FIRST");
        }
    }
}
