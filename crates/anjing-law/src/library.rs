//! The [`Library`]: every article, and which articles a practice may engage on a given date.

use std::collections::HashMap;

use anjing_model::Practice;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::article::{self, Area, Article, Confidence};
use crate::error::LawError;
use crate::wording;

const MAPPING_FILE: &str = "law/cn/mapping.toml";
const MAPPING_TOML: &str = include_str!("../law/cn/mapping.toml");

/// A legal basis that a practice may engage, ready to show to a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Basis {
    /// The practice this basis was found for.
    pub practice: Practice,
    /// The article's stable id, e.g. `psl-2025-50-item-5`.
    pub article_id: String,
    /// Branch of law.
    pub area: Area,
    /// Full citation, e.g. `《中华人民共和国民法典》第一千零三十三条第（一）项`.
    pub citation_zh: String,
    /// What the practice may engage, in careful plain Chinese ("可能违反", "可能构成"…).
    pub statement_zh: String,
    /// How sure the reference is of the article.
    pub confidence: Confidence,
    /// First day the article was in force, if recorded.
    pub effective_from: Option<Date>,
    /// Last day the article was in force, if it is no longer.
    pub effective_to: Option<Date>,
    /// A fact of the case the basis needs besides the practice (e.g. an illegal debt), if
    /// any; see [`Library::applies`].
    pub condition: Option<Condition>,
    /// The label to show next to the citation: the confidence label, except that a VERIFIED
    /// entry held only as our summary says so instead of "已核对原文".
    pub label_zh: &'static str,
}

/// A fact of the case, beyond the practice, that a basis needs (`condition` in
/// `mapping.toml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// The debt is illegal (高利放贷等产生的非法债务): 刑法第二百九十三条之一 only.
    IllegalDebt,
    /// A forged document (传票、公函、律师函…) was received, not just a claim in a message.
    ForgedDocument,
}

/// One line of `law/cn/mapping.toml`: a practice may engage an article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MappingEntry {
    /// The practice.
    pub practice: Practice,
    /// The article id it may engage.
    pub article: String,
    /// How to say so.
    pub statement_zh: String,
    /// A fact of the case the basis needs besides the practice, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<Condition>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MappingFile {
    basis: Vec<MappingEntry>,
}

/// All statutes and the practice mapping, loaded from the embedded data files.
#[derive(Debug, Clone)]
pub struct Library {
    articles: Vec<Article>,
    index: HashMap<String, usize>,
    mapping: Vec<MappingEntry>,
}

impl Library {
    /// Loads and checks the built-in data (`law/cn/*.toml`).
    ///
    /// Fails if a file does not parse, an id repeats, the mapping names an article that does
    /// not exist or is UNVERIFIED, or an entry breaks a rule of [`Article`].
    pub fn builtin() -> Result<Library, LawError> {
        let mut articles = Vec::new();
        for (file, text) in article::STATUTE_FILES {
            articles.extend(article::parse_file(file, text)?);
        }
        let mapping: MappingFile = toml::from_str(MAPPING_TOML)
            .map_err(|e| LawError::Parse { file: MAPPING_FILE, source: Box::new(e) })?;
        Library::from_parts(articles, mapping.basis)
    }

    fn from_parts(articles: Vec<Article>, mapping: Vec<MappingEntry>) -> Result<Library, LawError> {
        let invalid = |file: &'static str, message: String| LawError::Invalid { file, message };
        let mut index = HashMap::new();
        for (i, a) in articles.iter().enumerate() {
            if index.insert(a.id.clone(), i).is_some() {
                return Err(invalid("law/cn/*.toml", format!("article id {} is used twice", a.id)));
            }
        }
        let mut seen = std::collections::HashSet::new();
        for m in &mapping {
            let Some(&i) = index.get(&m.article) else {
                return Err(invalid(MAPPING_FILE, format!("unknown article {}", m.article)));
            };
            let a = &articles[i];
            if a.confidence == Confidence::Unverified {
                return Err(invalid(MAPPING_FILE, format!("{} is UNVERIFIED", m.article)));
            }
            if m.practice == Practice::LegitReminder {
                return Err(invalid(MAPPING_FILE, "legit_reminder engages nothing".into()));
            }
            if !seen.insert((m.practice, m.article.clone())) {
                return Err(invalid(
                    MAPPING_FILE,
                    format!("{} -> {} is listed twice", m.practice, m.article),
                ));
            }
            if m.statement_zh.trim().is_empty()
                || wording::overstates(&m.statement_zh)
                || wording::names_defunct_regulator_as_current(&m.statement_zh)
            {
                return Err(invalid(
                    MAPPING_FILE,
                    format!("{} -> {}: statement is empty or overstates", m.practice, m.article),
                ));
            }
        }
        Ok(Library { articles, index, mapping })
    }

    /// The article with this id.
    pub fn article(&self, id: &str) -> Option<&Article> {
        self.index.get(id).map(|&i| &self.articles[i])
    }

    /// Every article, in data-file order.
    pub fn articles(&self) -> &[Article] {
        &self.articles
    }

    /// The practice → article mapping, in data-file order.
    pub fn mapping(&self) -> &[MappingEntry] {
        &self.mapping
    }

    /// Legal bases a practice may engage for an event on `date` (Asia/Shanghai civil date).
    ///
    /// The version of a statute is chosen by the date: 治安管理处罚法（2012年修正）第四十二条
    /// up to 2025-12-31, （2025年修订）第五十条 from 2026-01-01. Bases are ordered civil,
    /// administrative, criminal, industry, and within an area as in `mapping.toml`.
    /// `legit_reminder` engages nothing.
    pub fn bases_for(&self, practice: Practice, date: Date) -> Vec<Basis> {
        self.bases_for_range(practice, date, date)
    }

    /// For a case spanning dates: the union of the bases over `from..=to` (either order), so
    /// both 治安管理处罚法 2012 第四十二条 and 2025 第五十条 appear when it spans 2026-01-01.
    pub fn bases_for_range(&self, practice: Practice, from: Date, to: Date) -> Vec<Basis> {
        let (from, to) = if from <= to { (from, to) } else { (to, from) };
        let mut out: Vec<Basis> = self
            .mapping
            .iter()
            .filter(|m| m.practice == practice)
            .filter_map(|m| {
                let a = self.article(&m.article)?;
                a.overlaps(from, to).then(|| Basis {
                    practice,
                    article_id: a.id.clone(),
                    area: a.area,
                    citation_zh: a.citation_zh(),
                    statement_zh: m.statement_zh.clone(),
                    confidence: a.confidence,
                    effective_from: a.effective_from,
                    effective_to: a.effective_to,
                    condition: m.condition,
                    label_zh: a.label_zh(),
                })
            })
            .collect();
        // Stable: keeps the data-file order within an area.
        out.sort_by_key(|b| b.area);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn lib() -> Library {
        Library::builtin().expect("built-in law data loads")
    }

    fn ids(bases: &[Basis]) -> Vec<&str> {
        bases.iter().map(|b| b.article_id.as_str()).collect()
    }

    fn has_prefix(bases: &[Basis], prefix: &str) -> bool {
        bases.iter().any(|b| b.article_id.starts_with(prefix))
    }

    #[test]
    fn public_security_law_switches_on_2026_01_01() {
        let lib = lib();
        for p in [Practice::ThirdPartyContact, Practice::Threat, Practice::Flooding] {
            let before = lib.bases_for(p, date(2025, 12, 31));
            assert!(has_prefix(&before, "psl-2012-42"), "{p}: {:?}", ids(&before));
            assert!(!has_prefix(&before, "psl-2025-"), "{p}: {:?}", ids(&before));

            let after = lib.bases_for(p, date(2026, 1, 1));
            assert!(has_prefix(&after, "psl-2025-50"), "{p}: {:?}", ids(&after));
            assert!(!has_prefix(&after, "psl-2012-"), "{p}: {:?}", ids(&after));

            let span = lib.bases_for_range(p, date(2025, 12, 1), date(2026, 2, 1));
            assert!(has_prefix(&span, "psl-2012-42") && has_prefix(&span, "psl-2025-50"));
            // Either order of the bounds gives the same answer.
            assert_eq!(span, lib.bases_for_range(p, date(2026, 2, 1), date(2025, 12, 1)));
        }
        let before = lib.bases_for(Practice::Flooding, date(2025, 12, 31));
        let b = before.iter().find(|b| b.article_id == "psl-2012-42-item-5").unwrap();
        assert_eq!(
            b.citation_zh,
            "《中华人民共和国治安管理处罚法》（2012年修正）第四十二条第（五）项"
        );
        let after = lib.bases_for(Practice::Flooding, date(2026, 1, 1));
        let b = after.iter().find(|b| b.article_id == "psl-2025-50-item-5").unwrap();
        assert_eq!(
            b.citation_zh,
            "《中华人民共和国治安管理处罚法》（2025年修订）第五十条第一款第（五）项"
        );
    }

    #[test]
    fn a_range_is_the_union_of_its_days_without_duplicates() {
        let lib = lib();
        let span = lib.bases_for_range(Practice::Threat, date(2025, 12, 31), date(2026, 1, 1));
        let mut expected: Vec<String> = lib
            .bases_for(Practice::Threat, date(2025, 12, 31))
            .into_iter()
            .chain(lib.bases_for(Practice::Threat, date(2026, 1, 1)))
            .map(|b| b.article_id)
            .collect();
        expected.sort();
        expected.dedup();
        let mut got: Vec<String> = span.iter().map(|b| b.article_id.clone()).collect();
        got.sort();
        assert_eq!(got, expected);
    }

    #[test]
    fn dated_rules_apply_only_from_their_start() {
        let lib = lib();
        // 中银协指引 was published 2026-01-30.
        let jan = lib.bases_for(Practice::NightContact, date(2026, 1, 29));
        assert!(!has_prefix(&jan, "cba-2026"), "{:?}", ids(&jan));
        let feb = lib.bases_for(Practice::NightContact, date(2026, 1, 30));
        assert!(has_prefix(&feb, "cba-2026-collection-guideline-hours"));
        // 刑法第二百九十三条之一 from 2021-03-01.
        let old = lib.bases_for(Practice::Threat, date(2021, 2, 28));
        assert!(!ids(&old).contains(&"criminal-law-293-1"));
        let new = lib.bases_for(Practice::Threat, date(2021, 3, 1));
        assert!(ids(&new).contains(&"criminal-law-293-1"));
    }

    #[test]
    fn every_abusive_practice_has_bases_and_legit_reminder_has_none() {
        let lib = lib();
        for p in Practice::ALL {
            for d in [date(2024, 6, 1), date(2026, 6, 1)] {
                let bases = lib.bases_for(p, d);
                if p == Practice::LegitReminder {
                    assert!(bases.is_empty(), "{d}: {:?}", ids(&bases));
                } else {
                    assert!(!bases.is_empty(), "{p} {d}");
                    // A scam is a matter for the police, not a civil claim against a lender;
                    // forged documents have no civil basis in §9 of the reference.
                    if p != Practice::Scam && p != Practice::FakeLegal {
                        assert!(bases.iter().any(|b| b.area == Area::Civil), "{p} {d}");
                    }
                }
            }
        }
        let all = lib.bases_for_range(Practice::LegitReminder, date(2000, 1, 1), date(2100, 1, 1));
        assert!(all.is_empty());
    }

    #[test]
    fn bases_are_ordered_by_area() {
        let lib = lib();
        for p in Practice::ALL {
            let bases = lib.bases_for_range(p, date(2020, 1, 1), date(2027, 1, 1));
            assert!(bases.windows(2).all(|w| w[0].area <= w[1].area), "{p}");
            assert!(bases.iter().all(|b| b.practice == p));
        }
    }

    #[test]
    fn every_id_the_mapping_names_exists_and_is_citable() {
        let lib = lib();
        assert!(!lib.mapping().is_empty());
        for m in lib.mapping() {
            let a = lib.article(&m.article).unwrap_or_else(|| panic!("{}", m.article));
            assert_ne!(a.confidence, Confidence::Unverified, "{}", a.id);
            assert!(a.text.is_some() || a.summary_zh.is_some(), "{}", a.id);
        }
    }

    #[test]
    fn unverified_entries_are_never_quotable_nor_cited() {
        let lib = lib();
        let unverified: Vec<&Article> =
            lib.articles().iter().filter(|a| a.confidence == Confidence::Unverified).collect();
        assert!(unverified.iter().any(|a| a.id == "nifa-2018-collection-convention"));
        for a in unverified {
            assert!(!a.quotable() && a.text.is_none() && a.summary_zh.is_none(), "{}", a.id);
            assert!(lib.mapping().iter().all(|m| m.article != a.id), "{}", a.id);
        }
        for a in lib.articles() {
            if a.confidence != Confidence::Verified {
                assert!(!a.quotable(), "{} is not VERIFIED but quotable", a.id);
            }
        }
    }

    #[test]
    fn nothing_names_the_banking_regulator_as_current() {
        let lib = lib();
        let mut strings: Vec<&str> = Vec::new();
        for a in lib.articles() {
            strings.extend([a.instrument_zh.as_str(), a.label_zh.as_str(), a.source.as_str()]);
            strings.extend(
                [&a.issuer_zh, &a.text, &a.summary_zh, &a.note_zh, &a.topic_zh]
                    .into_iter()
                    .flatten()
                    .map(String::as_str),
            );
        }
        strings.extend(lib.mapping().iter().map(|m| m.statement_zh.as_str()));
        for s in strings {
            assert!(!wording::names_defunct_regulator_as_current(s), "{s}");
        }
    }

    #[test]
    fn statements_are_worded_carefully() {
        let lib = lib();
        for p in Practice::ALL {
            for b in lib.bases_for_range(p, date(2020, 1, 1), date(2027, 12, 31)) {
                let s = &b.statement_zh;
                let who = format!("{p} -> {}: {s}", b.article_id);
                assert!(!wording::overstates(s), "overstates: {who}");
                match b.area {
                    Area::Criminal => {
                        assert!(s.contains("情节"), "no 情节 threshold wording: {who}");
                        assert!(s.contains("可能构成") || s.contains("涉嫌"), "{who}");
                        // "达到……的，可能构成", except where the basic offence has no
                        // threshold (招摇撞骗, 伪造公文) or the entry lists the threshold cases.
                        let no_threshold = ["criminal-law-279", "criminal-law-280"]
                            .contains(&b.article_id.as_str())
                            || b.article_id.starts_with("provocation-interp-2013");
                        assert!(no_threshold || s.contains("达到"), "no 达到……的: {who}");
                    }
                    Area::Industry => {
                        assert!(s.contains("行业自律规范（据公开报道"), "{who}");
                        assert!(s.contains("违反行业自律指引"), "{who}");
                        assert!(!s.contains("违法"), "industry rule called 违法: {who}");
                    }
                    Area::Civil | Area::Administrative => {
                        assert!(s.contains("可能") || s.contains("涉嫌"), "{who}");
                    }
                }
                if b.article_id == "criminal-law-293-1" {
                    assert!(s.contains("仅针对非法债务（如高利放贷等产生的债务）"), "{who}");
                }
                if matches!(b.confidence, Confidence::Verified2 | Confidence::Industry) {
                    assert!(s.contains("据公开报道"), "{who}");
                }
            }
        }
    }

    #[test]
    fn night_and_flooding_do_not_claim_the_provocation_interpretation_covers_mere_nuisance() {
        let lib = lib();
        for p in [Practice::NightContact, Practice::Flooding] {
            for b in lib.bases_for(p, date(2026, 6, 1)) {
                let s = &b.statement_zh;
                assert!(!s.contains("属于司法解释列举的寻衅滋事"), "{p}: {s}");
                if b.article_id.starts_with("provocation-interp-2013-3") {
                    assert!(s.contains("辱骂、恐吓") && s.contains("不属于辱骂、恐吓"), "{s}");
                }
            }
        }
    }

    #[test]
    fn fake_legal_follows_section_9_and_scams_name_the_scam_provisions() {
        let lib = lib();
        let fake = lib.bases_for(Practice::FakeLegal, date(2026, 6, 1));
        assert!(!fake.iter().any(|b| b.article_id.starts_with("civil-code")), "{:?}", ids(&fake));
        for b in &fake {
            if b.article_id == "criminal-law-280" || b.article_id.starts_with("psl-2025-63") {
                assert_eq!(b.condition, Some(Condition::ForgedDocument), "{}", b.article_id);
            }
        }
        let scam = lib.bases_for(Practice::Scam, date(2026, 6, 1));
        for id in ["criminal-law-266", "criminal-law-279", "psl-2025-58", "psl-2025-62-para-1"] {
            assert!(ids(&scam).contains(&id), "{id}: {:?}", ids(&scam));
        }
        let illegal = lib.bases_for(Practice::Threat, date(2026, 6, 1));
        let b = illegal.iter().find(|b| b.article_id == "criminal-law-293-1").unwrap();
        assert_eq!(b.condition, Some(Condition::IllegalDebt));
    }

    #[test]
    fn articles_new_in_the_2025_revision_say_from_when_they_apply() {
        let lib = lib();
        for m in lib.mapping() {
            if ["psl-2025-56", "psl-2025-58", "psl-2025-62", "psl-2025-63"]
                .iter()
                .any(|p| m.article.starts_with(p))
            {
                assert!(
                    m.statement_zh.starts_with("（2026年1月1日起施行的条文，适用于此后的行为）"),
                    "{} -> {}: {}",
                    m.practice,
                    m.article,
                    m.statement_zh
                );
            }
        }
    }

    #[test]
    fn summaries_are_not_labelled_as_checked_originals() {
        let lib = lib();
        let b = lib
            .bases_for(Practice::Threat, date(2025, 6, 1))
            .into_iter()
            .find(|b| b.article_id == "psl-2012-42-item-1")
            .unwrap();
        assert_eq!(b.confidence, Confidence::Verified);
        assert_ne!(b.label_zh, "已核对原文");
        let b = lib
            .bases_for(Practice::Threat, date(2025, 6, 1))
            .into_iter()
            .find(|b| b.article_id == "psl-2012-42-item-5")
            .unwrap();
        assert_eq!(b.label_zh, "已核对原文");
    }

    #[test]
    fn citations_carry_instrument_version_and_label() {
        let lib = lib();
        let cite = |id: &str| lib.article(id).unwrap().citation_zh();
        assert_eq!(
            cite("civil-code-1033-item-1"),
            "《中华人民共和国民法典》第一千零三十三条第（一）项"
        );
        assert_eq!(cite("criminal-law-253-1"), "《中华人民共和国刑法》第二百五十三条之一");
        assert_eq!(
            cite("cba-2026-collection-guideline"),
            "中国银行业协会《金融机构个人消费类贷款催收工作指引（试行）》"
        );
        assert_eq!(cite("pipl-44"), "《中华人民共和国个人信息保护法》第四十四条");
    }

    #[test]
    fn bad_mapping_is_rejected() {
        let lib = lib();
        let unknown = MappingEntry {
            practice: Practice::Threat,
            article: "civil-code-9999".into(),
            statement_zh: "可能违反".into(),
            condition: None,
        };
        assert!(Library::from_parts(lib.articles.clone(), vec![unknown]).is_err());
        let overstated = MappingEntry {
            practice: Practice::Threat,
            article: "criminal-law-246".into(),
            statement_zh: "已构成侮辱罪".into(),
            condition: None,
        };
        assert!(Library::from_parts(lib.articles.clone(), vec![overstated]).is_err());
        let unverified = MappingEntry {
            practice: Practice::Threat,
            article: "nifa-2018-collection-convention".into(),
            statement_zh: "可能违反行业自律指引".into(),
            condition: None,
        };
        assert!(Library::from_parts(lib.articles.clone(), vec![unverified]).is_err());
    }
}
