/*!
Rule packs: TOML files read, validated and compiled once.

A pack is a set of `.toml` files. Each file may hold:

* `[groups]` — named term lists, referenced from any file as `"@name"`;
* `[[rule]]` — a rule that reports a practice (see [`RawRule`]);
* `[[signal]]` — a message-level signal that does not report a practice by itself:
  evidence that the message is (or is not) debt collection, or a guard that
  suppresses findings (an anti-fraud warning, a complaint quoting threats, a
  genuine court notice).

Terms are literal words (matched with one Aho-Corasick automaton over all terms of
the pack), `"re:<regex>"` (a regular expression) or `"@group"`. Literal terms are
normalised exactly like message text, so rule authors may write Traditional or
full-width forms. Regexes run on the normalised text: lowercase, half-width ASCII
punctuation (`,` `!` `?` `:` `;` `(` `)`) except `。` and `、`; the placeholder
`{S}` stands for "one character of the same clause" (`[^,。!?;\n]`).
*/

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use anjing_model::Practice;
use regex::Regex;
use serde::Deserialize;

use crate::normalize::normalize_term;
use crate::{RuleError, Severity};

/// One character of the same clause, for `{S}` in rule regexes.
pub const SAME_CLAUSE: &str = r"[^,。!?;\n]";

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    groups: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    rule: Vec<toml::Spanned<RawRule>>,
    #[serde(default)]
    signal: Vec<toml::Spanned<RawSignal>>,
}

/// The fields of a `[[rule]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRule {
    /// Stable id, e.g. `threat.visit`.
    pub id: String,
    /// The practice code reported.
    pub practice: String,
    /// Further practices the same words establish (e.g. a threat to tell the family
    /// is both `third_party_contact` and `threat`).
    #[serde(default)]
    pub also: Vec<String>,
    /// `info`, `warning` or `serious`.
    pub severity: Severity,
    /// The plain-Chinese explanation; `{quote}` is replaced by the quoted words.
    pub explanation: String,
    /// The explanation used instead when the message is not debt collection (a scam that
    /// claims a crime is not "turning a debt into a crime").
    #[serde(default)]
    pub explanation_no_debt: Option<String>,
    #[serde(flatten)]
    pub matcher: RawMatcher,
    /// `implies`: a message where this rule fires is collection (unless blocked);
    /// `blocks`: it is not; `neutral` (default).
    #[serde(default)]
    pub collection: CollectionEffect,
    /// Second pass: fire only when one of these practices was already found.
    #[serde(default)]
    pub when_practices: Vec<String>,
    /// Second pass: fire only when the collection decision is this.
    #[serde(default)]
    pub when_collection: Option<bool>,
}

/// The fields of a `[[signal]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSignal {
    pub id: String,
    #[serde(flatten)]
    pub matcher: RawMatcher,
    /// `collection` or `not_collection`, or none (a pure guard).
    #[serde(default)]
    pub effect: Option<SignalEffect>,
    /// Practices whose findings this signal removes; `"all"` for every practice.
    #[serde(default)]
    pub suppress: Vec<String>,
    /// Why this signal exists (for reviewers; not shown to users).
    #[serde(default)]
    #[allow(dead_code)]
    pub note: Option<String>,
}

/// Matching conditions shared by rules and signals.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawMatcher {
    /// Literal trigger terms (or `@group`).
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Trigger regexes (normalised text).
    #[serde(default)]
    pub regex: Vec<String>,
    /// Each inner list is a group; every group needs at least one term present anywhere in the message.
    #[serde(default)]
    pub requires_any: Vec<Vec<String>>,
    /// If any of these terms is present anywhere in the message, the rule does not fire.
    #[serde(default)]
    pub excludes: Vec<String>,
    /// Trigger matches that overlap a match of one of these terms are dropped
    /// (寄到你家 masks 到你家; 上门取件 masks 上门).
    #[serde(default)]
    pub mask: Vec<String>,
    /// Drop trigger matches negated just before (不会上门, 没有起诉). Default true.
    #[serde(default = "yes")]
    pub negation: bool,
    /// Fire only when the sender matches one of these regexes.
    #[serde(default)]
    pub sender: Vec<String>,
    /// Do not fire when the sender matches one of these regexes.
    #[serde(default)]
    pub sender_excludes: Vec<String>,
    /// When the sender is known, fire only if it matches one of these regexes
    /// (a message without a sender is not held back).
    #[serde(default)]
    pub sender_if_known: Vec<String>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize, Default, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum CollectionEffect {
    Implies,
    Blocks,
    #[default]
    Neutral,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum SignalEffect {
    Collection,
    NotCollection,
}

/// A reference to a compiled term.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TermRef {
    Lit(usize),
    Re(usize),
}

/// Compiled matching conditions.
#[derive(Debug)]
pub struct Matcher {
    pub triggers: Vec<TermRef>,
    pub requires: Vec<Vec<TermRef>>,
    pub excludes: Vec<TermRef>,
    pub mask: Vec<TermRef>,
    pub negation: bool,
    pub sender: Vec<Regex>,
    pub sender_excludes: Vec<Regex>,
    pub sender_if_known: Vec<Regex>,
}

/// A compiled rule.
#[derive(Debug)]
pub struct Rule {
    pub id: String,
    pub practices: Vec<Practice>,
    pub severity: Severity,
    pub explanation: String,
    pub explanation_no_debt: Option<String>,
    pub matcher: Matcher,
    pub collection: CollectionEffect,
    pub when_practices: Vec<Practice>,
    pub when_collection: Option<bool>,
    pub file: String,
    pub line: usize,
}

impl Rule {
    /// Whether this rule runs in the second pass (after the collection decision).
    pub fn is_second_pass(&self) -> bool {
        !self.when_practices.is_empty() || self.when_collection.is_some()
    }
}

/// A compiled signal.
#[derive(Debug)]
pub struct Signal {
    pub id: String,
    pub matcher: Matcher,
    pub effect: Option<SignalEffect>,
    /// `None` = suppress nothing; `Some(empty)` never happens; "all" = every practice.
    pub suppress: Vec<Practice>,
    pub suppress_all: bool,
}

/// Everything compiled from a pack.
#[derive(Debug)]
pub struct Pack {
    pub literals: Vec<String>,
    /// The literals (pattern `i` is `literals[i]`), then the regexes' gate literals.
    pub automaton: AhoCorasick,
    pub regexes: Vec<Regex>,
    /// Per automaton pattern: the gates it opens, as (regex index, gate bit).
    pub gate_opens: Vec<Vec<(u32, u8)>>,
    /// Per regex: the gate bits that must all be open for it to run.
    pub gate_needs: Vec<u8>,
    pub rules: Vec<Rule>,
    pub signals: Vec<Signal>,
    /// Per literal: the matchers that have it as a trigger (see [`Pack::matcher_index`]).
    pub lit_trigger_of: Vec<Vec<u32>>,
    /// Per regex: the matchers that have it as a trigger.
    pub re_trigger_of: Vec<Vec<u32>>,
}

impl Pack {
    /// Number of matchers: the signals', then the rules'.
    pub fn matcher_count(&self) -> usize {
        self.signals.len() + self.rules.len()
    }

    /// Index of signal `i`'s matcher (`rule` false) or of rule `i`'s (`rule` true).
    pub fn matcher_index(&self, rule: bool, i: usize) -> usize {
        if rule { self.signals.len() + i } else { i }
    }
}

struct Builder {
    literal_ids: HashMap<String, usize>,
    literals: Vec<String>,
    regex_ids: HashMap<String, usize>,
    regex_src: Vec<String>,
    regexes: Vec<Regex>,
    groups: BTreeMap<String, Vec<String>>,
}

struct Ctx<'a> {
    file: &'a str,
    line: usize,
    id: &'a str,
}

impl Builder {
    fn term(
        &mut self,
        raw: &str,
        ctx: &Ctx<'_>,
        out: &mut Vec<TermRef>,
        depth: usize,
    ) -> Result<(), RuleError> {
        if let Some(name) = raw.strip_prefix('@') {
            let Some(terms) = self.groups.get(name).cloned() else {
                return Err(RuleError::UnknownGroup {
                    file: ctx.file.to_string(),
                    line: ctx.line,
                    rule: ctx.id.to_string(),
                    group: name.to_string(),
                });
            };
            if depth > 4 {
                return Err(RuleError::Invalid {
                    file: ctx.file.to_string(),
                    line: ctx.line,
                    rule: ctx.id.to_string(),
                    message: format!("group @{name} nests too deeply"),
                });
            }
            for t in &terms {
                self.term(t, ctx, out, depth + 1)?;
            }
            return Ok(());
        }
        if let Some(re) = raw.strip_prefix("re:") {
            out.push(TermRef::Re(self.regex(re, ctx)?));
            return Ok(());
        }
        let norm = normalize_term(raw);
        if norm.trim().is_empty() {
            return Err(RuleError::EmptyPattern {
                file: ctx.file.to_string(),
                line: ctx.line,
                rule: ctx.id.to_string(),
            });
        }
        let next = self.literals.len();
        let id = *self.literal_ids.entry(norm.clone()).or_insert(next);
        if id == next {
            self.literals.push(norm);
        }
        out.push(TermRef::Lit(id));
        Ok(())
    }

    fn regex(&mut self, src: &str, ctx: &Ctx<'_>) -> Result<usize, RuleError> {
        if src.is_empty() {
            return Err(RuleError::EmptyPattern {
                file: ctx.file.to_string(),
                line: ctx.line,
                rule: ctx.id.to_string(),
            });
        }
        let expanded = self.expand_groups(src, ctx)?.replace("{S}", SAME_CLAUSE);
        if let Some(&id) = self.regex_ids.get(&expanded) {
            return Ok(id);
        }
        // Each regex keeps its own lazy-DFA cache: with the default 2 MiB, the Unicode-class
        // repetitions (`{S}{0,12}`) can make it give up and fall back to a slower engine.
        let re = regex::RegexBuilder::new(&expanded)
            .size_limit(1 << 22)
            .dfa_size_limit(16 << 20)
            .build()
            .map_err(|e| RuleError::BadRegex {
                file: ctx.file.to_string(),
                line: ctx.line,
                rule: ctx.id.to_string(),
                pattern: src.to_string(),
                message: e.to_string(),
            })?;
        if re.is_match("") {
            return Err(RuleError::Invalid {
                file: ctx.file.to_string(),
                line: ctx.line,
                rule: ctx.id.to_string(),
                message: format!("regex `{src}` matches the empty string"),
            });
        }
        let id = self.regexes.len();
        self.regexes.push(re);
        self.regex_src.push(expanded.clone());
        self.regex_ids.insert(expanded, id);
        Ok(id)
    }

    /// Replaces `{@name}` by an alternation of the group's literal terms (normalised, escaped,
    /// longest first).
    fn expand_groups(&self, src: &str, ctx: &Ctx<'_>) -> Result<String, RuleError> {
        let mut out = String::with_capacity(src.len());
        let mut rest = src;
        while let Some(pos) = rest.find("{@") {
            out.push_str(&rest[..pos]);
            let after = &rest[pos + 2..];
            let Some(end) = after.find('}') else {
                out.push_str(&rest[pos..]);
                rest = "";
                break;
            };
            let name = &after[..end];
            let Some(terms) = self.groups.get(name) else {
                return Err(RuleError::UnknownGroup {
                    file: ctx.file.to_string(),
                    line: ctx.line,
                    rule: ctx.id.to_string(),
                    group: name.to_string(),
                });
            };
            let mut alts: Vec<String> = Vec::new();
            for t in terms {
                if t.starts_with('@') || t.starts_with("re:") {
                    return Err(RuleError::Invalid {
                        file: ctx.file.to_string(),
                        line: ctx.line,
                        rule: ctx.id.to_string(),
                        message: format!(
                            "group @{name} used in a regex must hold only literal terms"
                        ),
                    });
                }
                alts.push(regex::escape(&normalize_term(t)));
            }
            alts.sort_by_key(|a| std::cmp::Reverse(a.len()));
            alts.dedup();
            out.push_str("(?:");
            out.push_str(&alts.join("|"));
            out.push(')');
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }

    fn terms(&mut self, raws: &[String], ctx: &Ctx<'_>) -> Result<Vec<TermRef>, RuleError> {
        let mut out = Vec::new();
        for r in raws {
            self.term(r, ctx, &mut out, 0)?;
        }
        Ok(out)
    }

    fn sender_regexes(&mut self, raws: &[String], ctx: &Ctx<'_>) -> Result<Vec<Regex>, RuleError> {
        raws.iter()
            .map(|r| {
                Regex::new(r).map_err(|e| RuleError::BadRegex {
                    file: ctx.file.to_string(),
                    line: ctx.line,
                    rule: ctx.id.to_string(),
                    pattern: r.clone(),
                    message: e.to_string(),
                })
            })
            .collect()
    }

    fn matcher(
        &mut self,
        raw: &RawMatcher,
        ctx: &Ctx<'_>,
        need_triggers: bool,
    ) -> Result<Matcher, RuleError> {
        let mut triggers = self.terms(&raw.keywords, ctx)?;
        for r in &raw.regex {
            triggers.push(TermRef::Re(self.regex(r, ctx)?));
        }
        if need_triggers && triggers.is_empty() {
            return Err(RuleError::EmptyPattern {
                file: ctx.file.to_string(),
                line: ctx.line,
                rule: ctx.id.to_string(),
            });
        }
        let mut requires = Vec::new();
        for g in &raw.requires_any {
            let t = self.terms(g, ctx)?;
            if t.is_empty() {
                return Err(RuleError::EmptyPattern {
                    file: ctx.file.to_string(),
                    line: ctx.line,
                    rule: ctx.id.to_string(),
                });
            }
            requires.push(t);
        }
        Ok(Matcher {
            triggers,
            requires,
            excludes: self.terms(&raw.excludes, ctx)?,
            mask: self.terms(&raw.mask, ctx)?,
            negation: raw.negation,
            sender: self.sender_regexes(&raw.sender, ctx)?,
            sender_excludes: self.sender_regexes(&raw.sender_excludes, ctx)?,
            sender_if_known: self.sender_regexes(&raw.sender_if_known, ctx)?,
        })
    }
}

fn line_of(src: &str, byte: usize) -> usize {
    src[..byte.min(src.len())].bytes().filter(|&b| b == b'\n').count() + 1
}

fn practice(code: &str, ctx: &Ctx<'_>) -> Result<Practice, RuleError> {
    Practice::from_code(code).ok_or_else(|| RuleError::UnknownPractice {
        file: ctx.file.to_string(),
        line: ctx.line,
        rule: ctx.id.to_string(),
        practice: code.to_string(),
    })
}

/// Parses, validates and compiles a pack from `(file name, contents)` pairs.
pub fn compile(files: &[(String, String)]) -> Result<Pack, RuleError> {
    let mut parsed = Vec::new();
    let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut group_file: HashMap<String, String> = HashMap::new();
    for (name, src) in files {
        let raw: RawFile = toml::from_str(src).map_err(|e| RuleError::Toml {
            file: name.clone(),
            line: e.span().map(|s| line_of(src, s.start)).unwrap_or(0),
            message: e.message().to_string(),
        })?;
        for (g, terms) in &raw.groups {
            if let Some(first) = group_file.insert(g.clone(), name.clone()) {
                return Err(RuleError::Invalid {
                    file: name.clone(),
                    line: 0,
                    rule: format!("@{g}"),
                    message: format!("group defined twice (first in {first})"),
                });
            }
            groups.insert(g.clone(), terms.clone());
        }
        parsed.push((name, src, raw));
    }
    let mut b = Builder {
        literal_ids: HashMap::new(),
        literals: Vec::new(),
        regex_ids: HashMap::new(),
        regex_src: Vec::new(),
        regexes: Vec::new(),
        groups,
    };
    let mut seen: HashMap<String, (String, usize)> = HashMap::new();
    let mut check_dup = |id: &str, file: &str, line: usize| -> Result<(), RuleError> {
        if id.trim().is_empty() {
            return Err(RuleError::Invalid {
                file: file.to_string(),
                line,
                rule: String::new(),
                message: "empty id".into(),
            });
        }
        if let Some((f, l)) = seen.get(id) {
            return Err(RuleError::DuplicateId {
                file: file.to_string(),
                line,
                rule: id.to_string(),
                first: format!("{f}:{l}"),
            });
        }
        seen.insert(id.to_string(), (file.to_string(), line));
        Ok(())
    };
    let mut rules = Vec::new();
    let mut signals = Vec::new();
    for (name, src, raw) in &parsed {
        for r in &raw.rule {
            let line = line_of(src, r.span().start);
            let r = r.get_ref();
            let ctx = Ctx { file: name, line, id: &r.id };
            check_dup(&r.id, name, line)?;
            let mut practices = vec![practice(&r.practice, &ctx)?];
            for a in &r.also {
                let p = practice(a, &ctx)?;
                if !practices.contains(&p) {
                    practices.push(p);
                }
            }
            if practices.iter().any(|p| p.is_pattern() || *p == Practice::LegitReminder) {
                return Err(RuleError::Invalid {
                    file: name.to_string(),
                    line,
                    rule: r.id.clone(),
                    message: "message rules may only report the seven abusive message practices"
                        .into(),
                });
            }
            let when_practices = r
                .when_practices
                .iter()
                .map(|p| practice(p, &ctx))
                .collect::<Result<Vec<_>, _>>()?;
            let second = !when_practices.is_empty() || r.when_collection.is_some();
            let matcher = b.matcher(&r.matcher, &ctx, !second)?;
            if r.explanation.trim().is_empty()
                || r.explanation_no_debt.as_ref().is_some_and(|e| e.trim().is_empty())
            {
                return Err(RuleError::Invalid {
                    file: name.to_string(),
                    line,
                    rule: r.id.clone(),
                    message: "empty explanation".into(),
                });
            }
            rules.push(Rule {
                id: r.id.clone(),
                practices,
                severity: r.severity,
                explanation: r.explanation.trim().to_string(),
                explanation_no_debt: r.explanation_no_debt.as_ref().map(|e| e.trim().to_string()),
                matcher,
                collection: r.collection,
                when_practices,
                when_collection: r.when_collection,
                file: name.to_string(),
                line,
            });
        }
        for s in &raw.signal {
            let line = line_of(src, s.span().start);
            let s = s.get_ref();
            let ctx = Ctx { file: name, line, id: &s.id };
            check_dup(&s.id, name, line)?;
            // A signal needs a trigger, unless it is about the sender alone.
            let matcher = b.matcher(&s.matcher, &ctx, s.matcher.sender.is_empty())?;
            let mut suppress = Vec::new();
            let mut suppress_all = false;
            for p in &s.suppress {
                if p == "all" {
                    suppress_all = true;
                } else {
                    suppress.push(practice(p, &ctx)?);
                }
            }
            if s.effect.is_none() && suppress.is_empty() && !suppress_all {
                return Err(RuleError::Invalid {
                    file: name.to_string(),
                    line,
                    rule: s.id.clone(),
                    message: "a signal needs an effect or a suppress list".into(),
                });
            }
            signals.push(Signal {
                id: s.id.clone(),
                matcher,
                effect: s.effect,
                suppress,
                suppress_all,
            });
        }
    }
    if rules.is_empty() {
        return Err(RuleError::NoRules);
    }
    // Every regex gets two gates: literals one of which each of its matches starts with, and
    // literals one of which each ends with (regex-syntax's literal extraction). A regex runs
    // on a message only when the keyword automaton, which also holds the gate literals, saw a
    // prefix literal starting before the end of a suffix literal, and then from the first
    // prefix literal on. That skips nearly every regex on nearly every message (a `RegexSet`
    // over all of them was a third of classify time) without changing a result: every match
    // lies between those two occurrences.
    let mut patterns: Vec<Vec<u8>> = b.literals.iter().map(|l| l.as_bytes().to_vec()).collect();
    let mut pattern_ids: HashMap<Vec<u8>, usize> =
        patterns.iter().enumerate().map(|(i, p)| (p.clone(), i)).collect();
    let mut gate_opens: Vec<Vec<(u32, u8)>> = vec![Vec::new(); patterns.len()];
    let mut gate_needs: Vec<u8> = Vec::with_capacity(b.regex_src.len());
    for (ri, src) in b.regex_src.iter().enumerate() {
        let mut needs = 0u8;
        for (bit, lits) in
            [(GATE_PREFIX, gate_literals(src, false)), (GATE_SUFFIX, gate_literals(src, true))]
        {
            let Some(lits) = lits else { continue };
            needs |= bit;
            for lit in lits {
                let next = patterns.len();
                let id = *pattern_ids.entry(lit.clone()).or_insert(next);
                if id == next {
                    patterns.push(lit);
                    gate_opens.push(Vec::new());
                }
                gate_opens[id].push((ri as u32, bit));
            }
        }
        gate_needs.push(needs);
    }
    let automaton = AhoCorasickBuilder::new()
        .match_kind(MatchKind::Standard)
        .build(&patterns)
        .map_err(|e| RuleError::Invalid {
            file: String::new(),
            line: 0,
            rule: String::new(),
            message: format!("keyword automaton: {e}"),
        })?;
    // Which matchers each term triggers: a matcher none of whose triggers occurs cannot fire,
    // so classify evaluates only the matchers of the terms found (and those without triggers).
    let mut lit_trigger_of: Vec<Vec<u32>> = vec![Vec::new(); b.literals.len()];
    let mut re_trigger_of: Vec<Vec<u32>> = vec![Vec::new(); b.regexes.len()];
    let matchers = signals.iter().map(|s| &s.matcher).chain(rules.iter().map(|r| &r.matcher));
    for (mi, m) in matchers.enumerate() {
        for &t in &m.triggers {
            let users = match t {
                TermRef::Lit(i) => &mut lit_trigger_of[i],
                TermRef::Re(i) => &mut re_trigger_of[i],
            };
            if users.last() != Some(&(mi as u32)) {
                users.push(mi as u32);
            }
        }
    }
    Ok(Pack {
        lit_trigger_of,
        re_trigger_of,
        literals: b.literals,
        automaton,
        regexes: b.regexes,
        gate_opens,
        gate_needs,
        rules,
        signals,
    })
}

/// Gate literals are cut to this many characters (a prefix keeps its first ones, a suffix its last).
const GATE_CHARS: usize = 3;

/// Gate bit: a prefix literal of the regex occurs in the text.
pub const GATE_PREFIX: u8 = 1;
/// Gate bit: a suffix literal of the regex occurs in the text.
pub const GATE_SUFFIX: u8 = 2;

/// Literals such that every match of `src` starts (or, with `suffix`, ends) with one of them,
/// cut to [`GATE_CHARS`] characters and reduced to those that start (end) with no other one.
/// `None` when there is no such finite set of non-empty literals (the regex then always runs).
fn gate_literals(src: &str, suffix: bool) -> Option<Vec<Vec<u8>>> {
    use regex_syntax::hir::literal::{ExtractKind, Extractor};
    let hir = regex_syntax::Parser::new().parse(src).ok()?;
    let mut ex = Extractor::new();
    if suffix {
        ex.kind(ExtractKind::Suffix);
    }
    let seq = ex.extract(&hir);
    let lits = seq.literals()?;
    if lits.is_empty() || lits.iter().any(|l| l.as_bytes().is_empty()) {
        return None;
    }
    // At most GATE_CHARS characters of each literal: nearly as selective as the whole
    // literal and far fewer patterns for the automaton.
    let max = GATE_CHARS;
    let mut all: Vec<&[u8]> = lits
        .iter()
        .map(|l| {
            let b = l.as_bytes();
            let Ok(t) = std::str::from_utf8(b) else { return b };
            let n = t.chars().count();
            if n <= max {
                b
            } else if suffix {
                let cut = t.char_indices().nth(n - max).map(|(i, _)| i).unwrap_or(0);
                &b[cut..]
            } else {
                let cut = t.char_indices().nth(max).map(|(i, _)| i).unwrap_or(b.len());
                &b[..cut]
            }
        })
        .collect();
    all.sort_by_key(|l| (l.len(), l.to_vec()));
    all.dedup();
    // Where a longer literal occurs, one of its prefixes (suffixes) occurs at the same start
    // (end), so the shorter one alone gives the same gate and the same bound on the match.
    let mut kept: Vec<Vec<u8>> = Vec::new();
    for l in all {
        if !kept.iter().any(|k| if suffix { l.ends_with(k) } else { l.starts_with(k) }) {
            kept.push(l.to_vec());
        }
    }
    Some(kept)
}

/// Where the files came from, for error messages.
pub fn display_name(path: &std::path::Path) -> String {
    let p: PathBuf =
        path.components().rev().take(3).collect::<Vec<_>>().into_iter().rev().collect();
    p.display().to_string()
}
