//! Statutes as data: one [`Article`] per article, paragraph or item the program uses.
//!
//! The entries live in `law/cn/*.toml`, are embedded with `include_str!` and are checked when
//! the [`Library`](crate::Library) is built. The TOML groups articles under their instrument
//! (a law, an interpretation, a rule); an [`Article`] carries the instrument's fields so that
//! callers never have to look two things up.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::error::LawError;
use crate::wording;

/// Which branch of law an article belongs to, and so which kind of consequence it can have.
///
/// The order is the order in which bases are shown: civil remedies first, then
/// administrative (police, regulators), criminal, and industry self-regulation last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Area {
    /// Civil law and civil procedure: 民法典, 个人信息保护法 (civil parts), evidence rules.
    Civil,
    /// Administrative law: 治安管理处罚法, regulators' rules, administrative liability.
    Administrative,
    /// Criminal law and the interpretations that set its thresholds.
    Criminal,
    /// Industry self-regulation (协会指引). Not law: breaking it is not "违法".
    Industry,
}

impl Area {
    /// The heading a person reads, e.g. `民事依据`.
    pub fn name_zh(self) -> &'static str {
        match self {
            Area::Civil => "民事依据",
            Area::Administrative => "行政依据",
            Area::Criminal => "刑事依据",
            Area::Industry => "行业自律规范",
        }
    }
}

/// How sure the reference is of an entry (legal-cn.md §0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// VERIFIED: copied word for word from the statute text. May be quoted.
    Verified,
    /// VERIFIED-2: consistent secondary sources, original not read. Paraphrase only, with
    /// "据公开报道"; never quoted as the original.
    #[serde(rename = "verified_2")]
    Verified2,
    /// A VERIFIED-2 industry self-regulation rule: shown with "据公开报道" and "行业自律规范".
    Industry,
    /// UNVERIFIED: from memory or contradictory sources. Never shown, never cited; kept in
    /// the data only so that nobody adds it back by mistake.
    Unverified,
}

impl Confidence {
    /// A short label for people, e.g. next to a citation.
    pub fn label_zh(self) -> &'static str {
        match self {
            Confidence::Verified => "已核对原文",
            Confidence::Verified2 => "据公开报道",
            Confidence::Industry => "行业自律规范（据公开报道）",
            Confidence::Unverified => "未核实，不引用",
        }
    }
}

/// One article, paragraph (款) or item (项) of a legal instrument.
///
/// Ids are ASCII and stable: `civil-code-1033`, `civil-code-1033-item-1`, `pipl-65-para-1`,
/// `criminal-law-253-1` (第二百五十三条之一), `psl-2012-42`, `psl-2025-50-item-5`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Article {
    /// Stable ASCII id.
    pub id: String,
    /// The instrument's id, e.g. `psl-2025`.
    pub instrument_id: String,
    /// Full title with book-title marks, e.g. `《中华人民共和国民法典》`.
    pub instrument_zh: String,
    /// Who issued it where the title alone does not say (industry rules, regulators).
    pub issuer_zh: Option<String>,
    /// The version where numbering depends on it, e.g. `2025年修订`.
    pub version_zh: Option<String>,
    /// The article label, e.g. `第一千零三十三条第（一）项`. Empty for a rule cited as a whole.
    pub label_zh: String,
    /// What the article is about, in a few words.
    pub topic_zh: Option<String>,
    /// Branch of law.
    pub area: Area,
    /// The verbatim text, exactly as in `reference/legal-cn.md`. Only VERIFIED entries have one.
    pub text: Option<String>,
    /// Whether `text` is only part of the article (the rest is not held).
    pub excerpt: bool,
    /// Our paraphrase, for entries without a quotable text (VERIFIED-2 ones say "据公开报道").
    pub summary_zh: Option<String>,
    /// First day in force (inclusive). `None`: in force before any event the program handles,
    /// or not known (then `note_zh` says so).
    pub effective_from: Option<Date>,
    /// Last day in force (inclusive). `None`: still in force.
    pub effective_to: Option<Date>,
    /// Where the reference took it from (its source code and path).
    pub source: String,
    /// How sure the reference is.
    pub confidence: Confidence,
    /// A caution for whoever uses the entry.
    pub note_zh: Option<String>,
}

impl Article {
    /// Whether the text may be shown in quotation marks as the statute's own words.
    pub fn quotable(&self) -> bool {
        self.confidence == Confidence::Verified && self.text.is_some()
    }

    /// The label to show next to a citation of this entry: [`Confidence::label_zh`], except
    /// that a VERIFIED entry the program holds only as a summary is not marked "已核对原文".
    pub fn label_zh(&self) -> &'static str {
        if self.confidence == Confidence::Verified && self.text.is_none() {
            "要点转述，非原文"
        } else {
            self.confidence.label_zh()
        }
    }

    /// The citation, e.g. `《中华人民共和国治安管理处罚法》（2025年修订）第五十条第一款第（五）项`.
    pub fn citation_zh(&self) -> String {
        let mut s = String::new();
        if let Some(issuer) = &self.issuer_zh {
            s.push_str(issuer);
        }
        s.push_str(&self.instrument_zh);
        if let Some(version) = &self.version_zh {
            s.push('（');
            s.push_str(version);
            s.push('）');
        }
        s.push_str(&self.label_zh);
        s
    }

    /// Whether the article was in force on `date`.
    pub fn in_force_on(&self, date: Date) -> bool {
        self.overlaps(date, date)
    }

    /// Whether the article was in force on at least one day of `from..=to`.
    pub fn overlaps(&self, from: Date, to: Date) -> bool {
        self.effective_from.is_none_or(|start| start <= to)
            && self.effective_to.is_none_or(|end| end >= from)
    }
}

/// The data files holding statutes, in load order.
pub(crate) const STATUTE_FILES: [(&str, &str); 6] = [
    ("law/cn/civil.toml", include_str!("../law/cn/civil.toml")),
    ("law/cn/pipl.toml", include_str!("../law/cn/pipl.toml")),
    ("law/cn/public-security.toml", include_str!("../law/cn/public-security.toml")),
    ("law/cn/criminal.toml", include_str!("../law/cn/criminal.toml")),
    ("law/cn/industry.toml", include_str!("../law/cn/industry.toml")),
    ("law/cn/evidence.toml", include_str!("../law/cn/evidence.toml")),
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StatuteFile {
    #[serde(default)]
    instrument: Vec<InstrumentDoc>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InstrumentDoc {
    id: String,
    title_zh: String,
    issuer_zh: Option<String>,
    version_zh: Option<String>,
    area: Area,
    effective_from: Option<Date>,
    effective_to: Option<Date>,
    source: String,
    confidence: Confidence,
    note_zh: Option<String>,
    #[serde(default)]
    article: Vec<ArticleDoc>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ArticleDoc {
    id: String,
    label_zh: String,
    topic_zh: Option<String>,
    area: Option<Area>,
    text: Option<String>,
    #[serde(default)]
    excerpt: bool,
    summary_zh: Option<String>,
    effective_from: Option<Date>,
    effective_to: Option<Date>,
    source: Option<String>,
    confidence: Option<Confidence>,
    note_zh: Option<String>,
}

/// Parses one statute file into articles, checking each entry on its own.
pub(crate) fn parse_file(file: &'static str, toml_text: &str) -> Result<Vec<Article>, LawError> {
    let doc: StatuteFile =
        toml::from_str(toml_text).map_err(|e| LawError::Parse { file, source: Box::new(e) })?;
    let mut out = Vec::new();
    for inst in doc.instrument {
        for a in inst.article {
            let article = Article {
                id: a.id,
                instrument_id: inst.id.clone(),
                instrument_zh: inst.title_zh.clone(),
                issuer_zh: inst.issuer_zh.clone(),
                version_zh: inst.version_zh.clone(),
                label_zh: a.label_zh,
                topic_zh: a.topic_zh,
                area: a.area.unwrap_or(inst.area),
                text: a.text,
                excerpt: a.excerpt,
                summary_zh: a.summary_zh,
                effective_from: a.effective_from.or(inst.effective_from),
                effective_to: a.effective_to.or(inst.effective_to),
                source: a.source.unwrap_or_else(|| inst.source.clone()),
                confidence: a.confidence.unwrap_or(inst.confidence),
                note_zh: a.note_zh.or_else(|| inst.note_zh.clone()),
            };
            check_article(&article).map_err(|message| LawError::Invalid {
                file,
                message: format!("article {}: {message}", article.id),
            })?;
            out.push(article);
        }
    }
    Ok(out)
}

/// The rules every entry must keep. Returns what is wrong.
fn check_article(a: &Article) -> Result<(), String> {
    if a.id.is_empty()
        || !a.id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err("id must be non-empty lowercase ASCII letters, digits and '-'".into());
    }
    if !(a.instrument_zh.starts_with('《') && a.instrument_zh.ends_with('》')) {
        return Err("instrument title must be written with 《》".into());
    }
    if let (Some(from), Some(to)) = (a.effective_from, a.effective_to)
        && from > to
    {
        return Err(format!("effective_from {from} is after effective_to {to}"));
    }
    if let Some(text) = &a.text {
        if a.confidence != Confidence::Verified {
            return Err("only VERIFIED entries may hold a verbatim text".into());
        }
        if text.trim() != text || text.is_empty() {
            return Err("text must be non-empty with no leading or trailing whitespace".into());
        }
        if text.contains('*') || text.contains('#') || text.contains('>') {
            return Err("text must not contain markdown markup (*, #, >)".into());
        }
    }
    match a.confidence {
        Confidence::Verified => {
            if a.text.is_none() && a.summary_zh.is_none() {
                return Err("a VERIFIED entry needs a text or a summary".into());
            }
        }
        Confidence::Verified2 | Confidence::Industry => match &a.summary_zh {
            Some(s) if s.contains("据公开报道") => {}
            _ => {
                return Err(
                    "a VERIFIED-2 or industry entry needs a summary saying 据公开报道".into()
                );
            }
        },
        Confidence::Unverified => {
            if a.text.is_some() || a.summary_zh.is_some() {
                return Err("an UNVERIFIED entry must hold neither text nor summary".into());
            }
        }
    }
    if (a.confidence == Confidence::Industry) != (a.area == Area::Industry)
        && a.confidence != Confidence::Unverified
    {
        return Err("industry rules have confidence = \"industry\" and area = \"industry\"".into());
    }
    for s in [
        Some(&a.instrument_zh),
        a.issuer_zh.as_ref(),
        a.text.as_ref(),
        a.summary_zh.as_ref(),
        a.note_zh.as_ref(),
        a.topic_zh.as_ref(),
    ]
    .into_iter()
    .flatten()
    {
        if wording::names_defunct_regulator_as_current(s) {
            return Err(format!("names a defunct regulator as current: {s}"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "[[instrument]]\nid = \"x\"\ntitle_zh = \"《某法》\"\narea = \"civil\"\n\
                        source = \"s\"\n";

    fn parse(body: &str) -> Result<Vec<Article>, LawError> {
        parse_file("test.toml", &format!("{HEAD}{body}"))
    }

    #[test]
    fn secondary_sources_cannot_hold_a_verbatim_text() {
        let r = parse(
            "confidence = \"verified_2\"\n[[instrument.article]]\nid = \"x-1\"\nlabel_zh = \"第一条\"\n\
             text = \"原文\"\nsummary_zh = \"据公开报道，要点\"\n",
        );
        assert!(r.is_err());
    }

    #[test]
    fn unverified_holds_nothing_and_verified_2_says_reported() {
        let r = parse(
            "confidence = \"unverified\"\n[[instrument.article]]\nid = \"x-1\"\nlabel_zh = \"\"\n\
             summary_zh = \"要点\"\n",
        );
        assert!(r.is_err());
        let r = parse(
            "confidence = \"verified_2\"\n[[instrument.article]]\nid = \"x-1\"\nlabel_zh = \"\"\n\
             summary_zh = \"要点\"\n",
        );
        assert!(r.is_err());
        let ok = parse(
            "confidence = \"verified_2\"\n[[instrument.article]]\nid = \"x-1\"\nlabel_zh = \"\"\n\
             summary_zh = \"据公开报道，要点\"\n",
        )
        .unwrap();
        assert!(!ok[0].quotable());
    }

    #[test]
    fn markup_and_defunct_regulators_are_rejected() {
        let r = parse(
            "confidence = \"verified\"\n[[instrument.article]]\nid = \"x-1\"\nlabel_zh = \"第一条\"\n\
             text = \"甲**乙**\"\n",
        );
        assert!(r.is_err());
        let r = parse(
            "confidence = \"verified\"\n[[instrument.article]]\nid = \"x-1\"\nlabel_zh = \"第一条\"\n\
             summary_zh = \"向银保监会投诉\"\n",
        );
        assert!(r.is_err());
    }

    #[test]
    fn dates_are_inclusive() {
        let a = parse(
            "confidence = \"verified\"\neffective_from = \"2026-01-01\"\neffective_to = \"2026-12-31\"\n\
             [[instrument.article]]\nid = \"x-1\"\nlabel_zh = \"第一条\"\ntext = \"甲\"\n",
        )
        .unwrap()
        .remove(0);
        use jiff::civil::date;
        assert!(!a.in_force_on(date(2025, 12, 31)));
        assert!(a.in_force_on(date(2026, 1, 1)));
        assert!(a.in_force_on(date(2026, 12, 31)));
        assert!(!a.in_force_on(date(2027, 1, 1)));
        assert!(a.overlaps(date(2025, 1, 1), date(2026, 1, 1)));
    }
}
