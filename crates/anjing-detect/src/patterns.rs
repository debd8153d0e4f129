/*!
Pattern analysis over many records: `night_contact`, `flooding`,
`number_rotation`, `third_party_reach`.

A pure function over plain records ([`analyze`]); thresholds are data
(`rules/cn/thresholds.toml`), each with its source and kind. Industry
self-regulation (行业自律规范) is not law, and the explanations say so.

Only incoming records (`Direction::In`) of kind SMS, MMS or call count as
contact attempts.
*/

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use anjing_model::time::{shanghai_date, shanghai_hour};
use anjing_model::{CallResult, Direction, Practice, RecordKind};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::RuleError;
use crate::normalize::Normalized;

/// The contributor name of the borrower.
pub const BORROWER: &str = "本人";

/// One record, as the pattern analysis needs it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PatternRecord {
    pub id: i64,
    pub kind: RecordKind,
    pub direction: Direction,
    /// Normalised counterparty number.
    pub number: String,
    pub time: Timestamp,
    pub call_result: Option<CallResult>,
    pub text: Option<String>,
    /// Who supplied the record: `本人` (the borrower) or a contact's name.
    pub contributor: String,
}

/// A pattern finding over several records.
#[derive(Debug, Clone, Serialize)]
pub struct PatternFinding {
    pub practice: Practice,
    pub rule: String,
    pub record_ids: Vec<i64>,
    /// Plain Chinese.
    pub explanation: String,
    pub details: serde_json::Value,
}

/// Thresholds with their sources (`rules/cn/thresholds.toml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    pub night: Night,
    pub flooding: Flooding,
    pub rotation: Rotation,
    pub third_party: ThirdParty,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Night {
    pub start_hour: i8,
    pub end_hour: i8,
    pub kind: String,
    pub source: String,
    /// First day (Asia/Shanghai, `YYYY-MM-DD`) the norm applies, and whom it addresses.
    #[serde(default)]
    pub effective_from: Option<String>,
    #[serde(default)]
    pub applies_to: Option<String>,
}

/// When and to whom an industry norm applies (`effective_from`, `applies_to` of a
/// threshold in `thresholds.toml`). Without `effective_from` the norm is cited as before:
/// "不符合…的要求".
#[derive(Debug, Clone, Copy, Default)]
pub struct NormScope<'a> {
    /// First day (Asia/Shanghai) the norm applies, `YYYY-MM-DD`.
    pub effective_from: Option<&'a str>,
    /// Whom the norm addresses (plain Chinese), e.g. member institutions of an association.
    pub applies_to: Option<&'a str>,
}

impl NormScope<'_> {
    fn date(&self) -> Option<jiff::civil::Date> {
        self.effective_from.and_then(|d| d.parse().ok())
    }
}

macro_rules! norm_scope {
    ($($t:ty),*) => {$(
        impl $t {
            /// When and to whom this threshold's norm applies.
            pub fn scope(&self) -> NormScope<'_> {
                NormScope {
                    effective_from: self.effective_from.as_deref(),
                    applies_to: self.applies_to.as_deref(),
                }
            }
        }
    )*};
}
norm_scope!(Night, Flooding, ThirdParty);

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Flooding {
    pub max_unanswered_per_number_per_day: usize,
    pub kind: String,
    pub source: String,
    /// First day (Asia/Shanghai, `YYYY-MM-DD`) the norm applies, and whom it addresses.
    #[serde(default)]
    pub effective_from: Option<String>,
    #[serde(default)]
    pub applies_to: Option<String>,
    pub max_attempts_per_day: usize,
    pub max_attempts_per_number_per_day: usize,
    pub heuristic_kind: String,
    pub heuristic_source: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rotation {
    pub min_numbers: usize,
    pub min_similarity: f64,
    pub kind: String,
    pub source: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThirdParty {
    pub min_contributors: usize,
    pub kind: String,
    pub source: String,
    /// First day (Asia/Shanghai, `YYYY-MM-DD`) the norm applies, and whom it addresses.
    #[serde(default)]
    pub effective_from: Option<String>,
    #[serde(default)]
    pub applies_to: Option<String>,
}

impl Thresholds {
    /// The bundled thresholds.
    pub fn builtin() -> Result<Thresholds, RuleError> {
        Thresholds::from_toml(
            "rules/cn/thresholds.toml",
            include_str!("../rules/cn/thresholds.toml"),
        )
    }

    /// Parses thresholds; `name` is used in error messages.
    pub fn from_toml(name: &str, src: &str) -> Result<Thresholds, RuleError> {
        let t: Thresholds = toml::from_str(src).map_err(|e| RuleError::Toml {
            file: name.to_string(),
            line: e
                .span()
                .map(|s| src[..s.start.min(src.len())].matches('\n').count() + 1)
                .unwrap_or(0),
            message: e.message().to_string(),
        })?;
        let bad = |m: &str| RuleError::Invalid {
            file: name.to_string(),
            line: 0,
            rule: "thresholds".into(),
            message: m.into(),
        };
        if !(0..24).contains(&t.night.start_hour) || !(0..24).contains(&t.night.end_hour) {
            return Err(bad("night hours must be 0–23"));
        }
        if !(0.0..=1.0).contains(&t.rotation.min_similarity) || t.rotation.min_numbers < 2 {
            return Err(bad("rotation needs min_numbers ≥ 2 and 0 ≤ min_similarity ≤ 1"));
        }
        for scope in [t.night.scope(), t.flooding.scope(), t.third_party.scope()] {
            if let Some(d) = scope.effective_from
                && d.parse::<jiff::civil::Date>().is_err()
            {
                return Err(bad(&format!("effective_from must be a date YYYY-MM-DD, not {d:?}")));
            }
        }
        Ok(t)
    }
}

fn is_attempt(r: &PatternRecord) -> bool {
    r.direction == Direction::In
        && matches!(r.kind, RecordKind::Sms | RecordKind::Mms | RecordKind::Call)
}

fn is_night(hour: i8, t: &Night) -> bool {
    if t.start_hour > t.end_hour {
        hour >= t.start_hour || hour < t.end_hour
    } else {
        hour >= t.start_hour && hour < t.end_hour
    }
}

/// Runs every pattern rule. Findings are ordered by practice, then rule, then first record.
pub fn analyze(records: &[PatternRecord], thresholds: &Thresholds) -> Vec<PatternFinding> {
    let attempts: Vec<&PatternRecord> = records.iter().filter(|r| is_attempt(r)).collect();
    let mut out = Vec::new();
    night_contact(&attempts, &thresholds.night, &mut out);
    flooding(&attempts, &thresholds.flooding, &mut out);
    number_rotation(&attempts, &thresholds.rotation, &mut out);
    third_party_reach(&attempts, &thresholds.third_party, &mut out);
    out.sort_by(|a, b| {
        a.practice
            .cmp(&b.practice)
            .then_with(|| a.rule.cmp(&b.rule))
            .then_with(|| a.record_ids.first().cmp(&b.record_ids.first()))
    });
    out
}

fn sorted_ids<'a>(rs: impl IntoIterator<Item = &'a &'a PatternRecord>) -> Vec<i64> {
    let mut v: Vec<i64> = rs.into_iter().map(|r| r.id).collect();
    v.sort();
    v.dedup();
    v
}

fn night_contact(attempts: &[&PatternRecord], t: &Night, out: &mut Vec<PatternFinding>) {
    let night: Vec<&PatternRecord> =
        attempts.iter().copied().filter(|r| is_night(shanghai_hour(r.time), t)).collect();
    if night.is_empty() {
        return;
    }
    let days: BTreeSet<String> = night.iter().map(|r| shanghai_date(r.time).to_string()).collect();
    let numbers: BTreeSet<&str> = night.iter().map(|r| r.number.as_str()).collect();
    let (before, after) = split_by_date(&night, &t.scope());
    let requirement =
        format!("未经债务人同意，不在每日{:02}:00至次日{:02}:00催收", t.start_hour, t.end_hour);
    out.push(PatternFinding {
        practice: Practice::NightContact,
        rule: "pattern.night_contact".into(),
        record_ids: sorted_ids(&night),
        explanation: format!(
            "共有{}次来电或短信发生在夜间{:02}:00至次日{:02}:00（北京时间），涉及{}天、{}个号码。{}",
            night.len(),
            t.start_hour,
            t.end_hour,
            days.len(),
            numbers.len(),
            norm_clause(&t.source, &t.kind, &t.scope(), &requirement, "夜间催收", before, after)
        ),
        details: json!({"count": night.len(), "days": days, "numbers": numbers, "start_hour": t.start_hour, "end_hour": t.end_hour, "kind": t.kind, "source": t.source}),
    });
}

fn short_source(s: &str) -> &str {
    s.split('：').next().unwrap_or(s)
}

/// How many of `rs` fall before the norm's first day, and how many on or after it (all
/// "after" when the norm has no date).
fn split_by_date(rs: &[&PatternRecord], scope: &NormScope) -> (usize, usize) {
    match scope.date() {
        Some(d) => {
            let before = rs.iter().filter(|r| shanghai_date(r.time) < d).count();
            (before, rs.len() - before)
        }
        None => (0, rs.len()),
    }
}

/// The sentence that cites an industry norm for `before` events that happened before it
/// applied and `after` events on or after its first day. An event before the norm, or a
/// lender the norm does not address, is measured against it as a reference standard
/// (参照), never said to have broken it. `what` names the conduct (夜间催收).
fn norm_clause(
    source: &str,
    kind: &str,
    scope: &NormScope,
    requirement: &str,
    what: &str,
    before: usize,
    after: usize,
) -> String {
    let short = short_source(source);
    let Some(from) = scope.date() else {
        return format!("{what}不符合{short}的要求（这是{kind}，不是法律）。");
    };
    let whom = scope.applies_to.unwrap_or("金融机构");
    let applies = format!(
        "{short}是{kind}，不是法律；它约束的是{whom}，于{from}发布（报道没有提到另外的施行日期，这里从发布之日算起），要求{requirement}。"
    );
    let if_licensed = "如果联系您的是这类金融机构或它委托的催收机构";
    let otherwise = "如果对方是无牌放贷人或个人，这份指引并不直接约束它，只能作为参照标准";
    match (before, after) {
        (0, _) => format!("{applies}{if_licensed}，{what}不符合这份指引；{otherwise}。"),
        (_, 0) => format!(
            "这些联系都发生在{from}之前，当时{short}还没有发布。这里只把它作为参照标准（它要求{requirement}），不是说对方违反了它（这是{kind}，不是法律）。"
        ),
        _ => format!(
            "{applies}其中{after}次发生在{from}及以后：{if_licensed}，这{after}次{what}不符合这份指引；{otherwise}。另有{before}次发生在{from}之前，当时这份指引还没有发布，只作参照标准，不是说对方违反了它。"
        ),
    }
}

fn flooding(attempts: &[&PatternRecord], t: &Flooding, out: &mut Vec<PatternFinding>) {
    let mut per_day: BTreeMap<String, Vec<&PatternRecord>> = BTreeMap::new();
    let mut per_number_day: BTreeMap<(String, String), Vec<&PatternRecord>> = BTreeMap::new();
    for &r in attempts {
        let d = shanghai_date(r.time).to_string();
        per_day.entry(d.clone()).or_default().push(r);
        per_number_day.entry((r.number.clone(), d)).or_default().push(r);
    }
    for ((number, day), rs) in &per_number_day {
        let unanswered: Vec<&PatternRecord> = rs
            .iter()
            .copied()
            .filter(|r| {
                r.kind == RecordKind::Call && r.call_result.is_some_and(|c| c.is_unanswered())
            })
            .collect();
        if unanswered.len() > t.max_unanswered_per_number_per_day {
            let (before, after) = split_by_date(&unanswered, &t.scope());
            let requirement = format!(
                "债务人电话未接通时，对同一联系方式当天拨打不宜超过{}次",
                t.max_unanswered_per_number_per_day
            );
            out.push(PatternFinding {
                practice: Practice::Flooding,
                rule: "pattern.flooding.unanswered_per_number".into(),
                record_ids: sorted_ids(&unanswered),
                explanation: format!(
                    "{day}，号码{number}在电话未接通的情况下共拨打{}次，超过{}次。{}",
                    unanswered.len(),
                    t.max_unanswered_per_number_per_day,
                    norm_clause(&t.source, &t.kind, &t.scope(), &requirement, "这样反复拨打", before, after)
                ),
                details: json!({"date": day, "number": number, "unanswered": unanswered.len(), "threshold": t.max_unanswered_per_number_per_day, "kind": t.kind, "source": t.source}),
            });
        }
        if rs.len() > t.max_attempts_per_number_per_day {
            out.push(PatternFinding {
                practice: Practice::Flooding,
                rule: "pattern.flooding.per_number".into(),
                record_ids: sorted_ids(rs),
                explanation: format!(
                    "{day}，号码{number}共来电或发短信{}次，超过{}次，属于频繁联系（{}）。",
                    rs.len(),
                    t.max_attempts_per_number_per_day,
                    t.heuristic_kind
                ),
                details: json!({"date": day, "number": number, "attempts": rs.len(), "threshold": t.max_attempts_per_number_per_day, "kind": t.heuristic_kind, "source": t.heuristic_source}),
            });
        }
    }
    for (day, rs) in &per_day {
        if rs.len() > t.max_attempts_per_day {
            let numbers: BTreeSet<&str> = rs.iter().map(|r| r.number.as_str()).collect();
            out.push(PatternFinding {
                practice: Practice::Flooding,
                rule: "pattern.flooding.per_day".into(),
                record_ids: sorted_ids(rs),
                explanation: format!(
                    "{day}，一天内共收到{}次来电或短信（来自{}个号码），超过{}次，属于频繁联系（{}）。",
                    rs.len(),
                    numbers.len(),
                    t.max_attempts_per_day,
                    t.heuristic_kind
                ),
                details: json!({"date": day, "attempts": rs.len(), "numbers": numbers, "threshold": t.max_attempts_per_day, "kind": t.heuristic_kind, "source": t.heuristic_source}),
            });
        }
    }
}

/// Character 3-gram shingles of a normalised text, digits and Latin letters folded
/// (names, amounts and dates vary between copies of one script).
pub fn shingles(text: &str) -> HashSet<[char; 3]> {
    let norm = Normalized::new(text).text;
    let chars: Vec<char> = norm
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| {
            if c.is_ascii_digit() {
                '0'
            } else if c.is_ascii_alphabetic() {
                'a'
            } else {
                c
            }
        })
        .collect();
    chars.windows(3).map(|w| [w[0], w[1], w[2]]).collect()
}

/// Jaccard similarity of two shingle sets.
pub fn jaccard(a: &HashSet<[char; 3]>, b: &HashSet<[char; 3]>) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let inter = a.intersection(b).count();
    inter as f64 / (a.len() + b.len() - inter) as f64
}

fn find(parent: &mut [usize], mut x: usize) -> usize {
    while parent[x] != x {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    x
}

fn number_rotation(attempts: &[&PatternRecord], t: &Rotation, out: &mut Vec<PatternFinding>) {
    // Texts with at least a few shingles; identical texts share one entry.
    let texts: Vec<(&PatternRecord, HashSet<[char; 3]>)> = attempts
        .iter()
        .filter_map(|r| r.text.as_deref().map(|x| (*r, shingles(x))))
        .filter(|(_, s)| s.len() >= 4)
        .collect();
    let n = texts.len();
    let mut parent: Vec<usize> = (0..n).collect();
    // Blocking by a shared shingle keeps this near-linear on realistic data.
    let mut by_shingle: HashMap<[char; 3], Vec<usize>> = HashMap::new();
    for (i, (_, s)) in texts.iter().enumerate() {
        for sh in s {
            by_shingle.entry(*sh).or_default().push(i);
        }
    }
    let mut compared: HashSet<(usize, usize)> = HashSet::new();
    for list in by_shingle.values() {
        if list.len() > 2000 {
            continue; // a shingle shared by everything ("您的") says nothing
        }
        for (k, &i) in list.iter().enumerate() {
            for &j in &list[k + 1..] {
                if find(&mut parent, i) == find(&mut parent, j) || !compared.insert((i, j)) {
                    continue;
                }
                if jaccard(&texts[i].1, &texts[j].1) >= t.min_similarity {
                    let (a, b) = (find(&mut parent, i), find(&mut parent, j));
                    parent[a] = b;
                }
            }
        }
    }
    let mut clusters: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..n {
        let root = find(&mut parent, i);
        clusters.entry(root).or_default().push(i);
    }
    for members in clusters.values() {
        let numbers: BTreeSet<&str> = members.iter().map(|&i| texts[i].0.number.as_str()).collect();
        if numbers.len() < t.min_numbers {
            continue;
        }
        let recs: Vec<&PatternRecord> = members.iter().map(|&i| texts[i].0).collect();
        let sample: String =
            texts[members[0]].0.text.as_deref().unwrap_or("").chars().take(40).collect();
        out.push(PatternFinding {
            practice: Practice::NumberRotation,
            rule: "pattern.number_rotation".into(),
            record_ids: sorted_ids(&recs),
            explanation: format!(
                "{}个不同号码发来了{}条内容几乎相同的短信（例如：“{}”），像是同一方轮换号码发送同一套话术。",
                numbers.len(),
                recs.len(),
                sample
            ),
            details: json!({"numbers": numbers, "messages": recs.len(), "min_similarity": t.min_similarity, "kind": t.kind, "source": t.source}),
        });
    }
}

fn third_party_reach(attempts: &[&PatternRecord], t: &ThirdParty, out: &mut Vec<PatternFinding>) {
    let reached: Vec<&PatternRecord> =
        attempts.iter().copied().filter(|r| r.contributor.trim() != BORROWER).collect();
    let contributors: BTreeSet<&str> = reached.iter().map(|r| r.contributor.as_str()).collect();
    if contributors.len() < t.min_contributors || reached.is_empty() {
        return;
    }
    let numbers: BTreeSet<&str> =
        reached.iter().map(|r| r.number.as_str()).filter(|n| !n.trim().is_empty()).collect();
    let (before, after) = split_by_date(&reached, &t.scope());
    let requirement = "原则上不向与债务无关的第三人催收，也不透露具体债务信息";
    out.push(PatternFinding {
        practice: Practice::ThirdPartyReach,
        rule: "pattern.third_party_reach".into(),
        record_ids: sorted_ids(&reached),
        explanation: format!(
            "除本人外，已有{}位亲友或同事（{}）收到了{}次来电或短信，来自{}个不同号码。{}",
            contributors.len(),
            contributors.iter().copied().collect::<Vec<_>>().join("、"),
            reached.len(),
            numbers.len(),
            norm_clause(&t.source, &t.kind, &t.scope(), requirement, "找亲友或同事催收", before, after)
        ),
        details: json!({"contributors": contributors, "records": reached.len(), "numbers": numbers, "number_count": numbers.len(), "kind": t.kind, "source": t.source}),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        anjing_model::time::from_raw(s, anjing_model::time::TimeUnit::ShanghaiText).unwrap()
    }

    fn rec(
        id: i64,
        kind: RecordKind,
        number: &str,
        time: &str,
        result: Option<CallResult>,
        text: Option<&str>,
        who: &str,
    ) -> PatternRecord {
        PatternRecord {
            id,
            kind,
            direction: Direction::In,
            number: number.into(),
            time: ts(time),
            call_result: result,
            text: text.map(str::to_string),
            contributor: who.into(),
        }
    }

    fn th() -> Thresholds {
        Thresholds::builtin().unwrap()
    }

    /// `n` unanswered calls from one collector number to the borrower, a minute apart from
    /// 10:00 on `day` (Shanghai time).
    fn missed_calls(n: i64, day: &str) -> Vec<PatternRecord> {
        (0..n)
            .map(|i| {
                rec(
                    i,
                    RecordKind::Call,
                    "17012345678",
                    &format!("{day} 10:{i:02}:00"),
                    Some(CallResult::Missed),
                    None,
                    BORROWER,
                )
            })
            .collect()
    }

    /// A collector's SMS to the borrower's mother, disclosing the debt.
    fn sms_to_mother(time: &str) -> PatternRecord {
        rec(1, RecordKind::Sms, "17012345678", time, None, Some("你儿子欠钱"), "妈妈")
    }

    #[test]
    fn thresholds_parse_and_carry_sources() {
        let t = th();
        assert_eq!(t.night.start_hour, 22);
        assert_eq!(t.flooding.max_unanswered_per_number_per_day, 6);
        assert!(t.night.source.contains("中国银行业协会"));
        assert_eq!(t.night.kind, "行业自律规范");
        assert!(Thresholds::from_toml("x.toml", "[night]\nstart_hour = 30\n").is_err());
    }

    #[test]
    fn night_contact_uses_shanghai_time() {
        // 23:30 and 07:59 Shanghai are night; 08:00 and 21:59 are not.
        let rs = vec![
            rec(
                1,
                RecordKind::Call,
                "13800000001",
                "2026-03-04 23:30:00",
                Some(CallResult::Missed),
                None,
                BORROWER,
            ),
            rec(
                2,
                RecordKind::Sms,
                "13800000001",
                "2026-03-05 07:59:00",
                None,
                Some("还钱"),
                BORROWER,
            ),
            rec(
                3,
                RecordKind::Sms,
                "13800000001",
                "2026-03-05 08:00:00",
                None,
                Some("还钱"),
                BORROWER,
            ),
            rec(
                4,
                RecordKind::Sms,
                "13800000001",
                "2026-03-05 21:59:00",
                None,
                Some("还钱"),
                BORROWER,
            ),
        ];
        let f = analyze(&rs, &th());
        let night: Vec<_> = f.iter().filter(|f| f.practice == Practice::NightContact).collect();
        assert_eq!(night.len(), 1);
        assert_eq!(night[0].record_ids, vec![1, 2]);
        assert!(night[0].explanation.contains("不是法律"));
    }

    fn night_call(id: i64, time: &str) -> PatternRecord {
        rec(id, RecordKind::Call, "13800000001", time, Some(CallResult::Missed), None, BORROWER)
    }

    fn night_explanation(rs: &[PatternRecord]) -> String {
        let f = analyze(rs, &th());
        f.into_iter().find(|f| f.practice == Practice::NightContact).unwrap().explanation
    }

    #[test]
    fn industry_norm_has_a_first_day_and_an_addressee() {
        let t = th();
        for scope in [t.night.scope(), t.flooding.scope(), t.third_party.scope()] {
            assert_eq!(scope.effective_from, Some("2026-01-30"));
            assert!(scope.applies_to.unwrap().contains("金融机构"));
        }
        let bad = include_str!("../rules/cn/thresholds.toml").replacen(
            "effective_from = \"2026-01-30\"",
            "effective_from = \"30.1.2026\"",
            1,
        );
        assert!(Thresholds::from_toml("x.toml", &bad).is_err());
    }

    #[test]
    fn night_contact_after_the_guidance_is_measured_against_it_for_licensed_lenders() {
        let e = night_explanation(&[night_call(1, "2026-03-04 23:30:00")]);
        assert!(e.contains("不符合这份指引"), "{e}");
        assert!(e.contains("金融机构"), "{e}");
        assert!(e.contains("于2026-01-30发布"), "{e}");
        // An unlicensed lender is not bound by it: reference standard only.
        assert!(e.contains("无牌放贷人") && e.contains("参照"), "{e}");
        assert!(e.contains("不是法律") && !e.contains("违法"), "{e}");
    }

    #[test]
    fn night_contact_before_the_guidance_only_uses_it_as_a_reference() {
        let e = night_explanation(&[night_call(1, "2025-11-04 23:30:00")]);
        assert!(e.contains("参照"), "{e}");
        assert!(e.contains("不是说对方违反了它"), "{e}");
        assert!(!e.contains("不符合"), "{e}");
        // Both sides: one night call before, one after.
        let e = night_explanation(&[
            night_call(1, "2026-01-29 23:30:00"),
            night_call(2, "2026-01-30 23:30:00"),
        ]);
        assert!(e.contains("其中1次发生在2026-01-30及以后"), "{e}");
        assert!(e.contains("另有1次发生在2026-01-30之前"), "{e}");
    }

    #[test]
    fn flooding_and_third_party_before_the_guidance_are_not_called_breaches() {
        let f = analyze(&missed_calls(7, "2025-12-04"), &th());
        let hit = f.iter().find(|f| f.rule == "pattern.flooding.unanswered_per_number").unwrap();
        assert!(
            hit.explanation.contains("参照") && !hit.explanation.contains("不符合"),
            "{}",
            hit.explanation
        );
        let f = analyze(&[sms_to_mother("2025-12-04 10:00:00")], &th());
        let hit = f.iter().find(|f| f.practice == Practice::ThirdPartyReach).unwrap();
        assert!(
            hit.explanation.contains("参照") && !hit.explanation.contains("不符合"),
            "{}",
            hit.explanation
        );
        let f = analyze(&[sms_to_mother("2026-02-04 10:00:00")], &th());
        let hit = f.iter().find(|f| f.practice == Practice::ThirdPartyReach).unwrap();
        assert!(hit.explanation.contains("不符合这份指引"), "{}", hit.explanation);
    }

    #[test]
    fn outgoing_records_do_not_count() {
        let mut r =
            rec(1, RecordKind::Call, "13800000001", "2026-03-04 23:30:00", None, None, BORROWER);
        r.direction = Direction::Out;
        assert!(analyze(&[r], &th()).is_empty());
    }

    #[test]
    fn unanswered_calls_over_six_per_number_per_day() {
        let f6 = analyze(&missed_calls(6, "2026-03-04"), &th());
        assert!(!f6.iter().any(|f| f.rule == "pattern.flooding.unanswered_per_number"));
        let f7 = analyze(&missed_calls(7, "2026-03-04"), &th());
        let hit = f7.iter().find(|f| f.rule == "pattern.flooding.unanswered_per_number").unwrap();
        assert_eq!(hit.record_ids.len(), 7);
        assert_eq!(hit.details["unanswered"], 7);
        assert_eq!(hit.details["date"], "2026-03-04");
    }

    #[test]
    fn attempts_per_day_in_total() {
        let rs: Vec<_> = (0..21)
            .map(|i| {
                rec(
                    i,
                    RecordKind::Sms,
                    &format!("1380000{:04}", i),
                    "2026-03-04 12:00:00",
                    None,
                    Some(&format!("第{i}条 随机内容{}", i * 7919)),
                    BORROWER,
                )
            })
            .collect();
        let f = analyze(&rs, &th());
        assert!(f.iter().any(|f| f.rule == "pattern.flooding.per_day"));
    }

    #[test]
    fn rotation_clusters_near_identical_scripts_from_many_numbers() {
        let script = |name: &str, amt: &str| {
            format!(
                "{name}你好，你在XX平台的借款{amt}元已严重逾期，今天不处理将联系你的家人和单位。"
            )
        };
        let rs = vec![
            rec(
                1,
                RecordKind::Sms,
                "17000000001",
                "2026-03-04 10:00:00",
                None,
                Some(&script("张三", "3000")),
                BORROWER,
            ),
            rec(
                2,
                RecordKind::Sms,
                "17100000002",
                "2026-03-04 11:00:00",
                None,
                Some(&script("张三", "3050")),
                BORROWER,
            ),
            rec(
                3,
                RecordKind::Sms,
                "16500000003",
                "2026-03-05 10:00:00",
                None,
                Some(&script("张 三", "3100")),
                BORROWER,
            ),
            rec(
                4,
                RecordKind::Sms,
                "13900000004",
                "2026-03-05 10:00:00",
                None,
                Some("明天一起吃饭吗？我请客。"),
                BORROWER,
            ),
        ];
        let f = analyze(&rs, &th());
        let rot: Vec<_> = f.iter().filter(|f| f.practice == Practice::NumberRotation).collect();
        assert_eq!(rot.len(), 1, "{f:#?}");
        assert_eq!(rot[0].record_ids, vec![1, 2, 3]);
        // Two numbers are not enough.
        let f = analyze(&rs[..2], &th());
        assert!(!f.iter().any(|f| f.practice == Practice::NumberRotation));
    }

    #[test]
    fn third_party_reach_counts_distinct_contributors() {
        let rs = vec![
            rec(
                1,
                RecordKind::Sms,
                "17000000001",
                "2026-03-04 10:00:00",
                None,
                Some("你朋友欠钱"),
                "妈妈",
            ),
            rec(
                2,
                RecordKind::Call,
                "17000000002",
                "2026-03-04 10:05:00",
                Some(CallResult::Answered),
                None,
                "同事小王",
            ),
            rec(
                3,
                RecordKind::Call,
                "17000000001",
                "2026-03-04 10:06:00",
                Some(CallResult::Answered),
                None,
                "妈妈",
            ),
            rec(
                4,
                RecordKind::Call,
                "17000000001",
                "2026-03-04 10:07:00",
                Some(CallResult::Answered),
                None,
                BORROWER,
            ),
        ];
        let f = analyze(&rs, &th());
        let r = f.iter().find(|f| f.practice == Practice::ThirdPartyReach).unwrap();
        assert_eq!(r.record_ids, vec![1, 2, 3]);
        assert_eq!(r.details["contributors"].as_array().unwrap().len(), 2);
        assert_eq!(r.details["number_count"], 2);
        assert!(r.explanation.contains("来自2个不同号码"), "{}", r.explanation);
        assert!(analyze(&rs[3..], &th()).iter().all(|f| f.practice != Practice::ThirdPartyReach));
    }

    #[test]
    fn jaccard_basics() {
        let a = shingles("您的借款已逾期请还款");
        assert!((jaccard(&a, &a) - 1.0).abs() < 1e-9);
        assert!(jaccard(&a, &shingles("明天一起吃饭吗")) < 0.1);
    }
}
