//! Citations from `anjing-law`: quoted only when VERIFIED, labelled otherwise.

use std::sync::OnceLock;

use anjing_law::{Area, Article, Basis, CaseScope, Confidence, Library};
use anjing_model::Practice;
use jiff::civil::Date;

use crate::model::{Inline, Para, ParaStyle};

pub(crate) fn library() -> Option<&'static Library> {
    static LIB: OnceLock<Option<Library>> = OnceLock::new();
    LIB.get_or_init(|| Library::builtin().ok()).as_ref()
}

pub(crate) fn article(id: &str) -> Option<&'static Article> {
    library()?.article(id)
}

/// The citation of an article, e.g. `《中华人民共和国民法典》第九百九十七条`; empty if unknown.
pub(crate) fn cite(id: &str) -> String {
    article(id).map(|a| a.citation_zh()).unwrap_or_default()
}

/// A paragraph stating what an article says: the verbatim text in quotation marks when it is
/// VERIFIED, a paraphrase marked “据公开报道” (and “行业自律规范”) otherwise. `None` when the
/// article is unknown or UNVERIFIED (never shown).
pub(crate) fn statute_para(id: &str) -> Option<Para> {
    let a = article(id)?;
    let mut runs = vec![Inline::Strong(a.citation_zh())];
    if a.quotable() {
        let text = a.text.as_deref().unwrap_or_default().replace('\n', "");
        runs.push(Inline::Text(if a.excerpt {
            format!("规定（节录）：“{text}”")
        } else {
            format!("规定：“{text}”")
        }));
    } else {
        let summary = a.summary_zh.as_deref()?;
        match a.confidence {
            Confidence::Verified2 => {
                runs.push(Inline::Text(format!("（据公开报道，非原文）：{summary}")))
            }
            Confidence::Industry => {
                runs.push(Inline::Text(format!("（行业自律规范，据公开报道，非法律）：{summary}")))
            }
            Confidence::Verified => runs.push(Inline::Text(format!("：{summary}"))),
            Confidence::Unverified => return None,
        }
    }
    Some(Para { style: ParaStyle::Quote, runs })
}

/// The bases the practices found may engage over the case's dates, each article once,
/// civil first. Only the given areas, and only those that apply to this case (lender type,
/// illegal debt, forged documents: `Library::applies`, as the plan decides).
pub(crate) fn bases(
    practices: &[Practice],
    from: Date,
    to: Date,
    areas: &[Area],
    scope: &CaseScope,
) -> Vec<Basis> {
    let Some(lib) = library() else { return Vec::new() };
    let mut out: Vec<Basis> = Vec::new();
    for p in practices {
        for b in lib.scoped_bases_for_range(*p, from, to, scope).0 {
            if areas.contains(&b.area)
                && b.confidence != Confidence::Unverified
                && !out.iter().any(|o| o.article_id == b.article_id)
            {
                out.push(b);
            }
        }
    }
    out.sort_by_key(|b| b.area);
    out
}

/// One line for a basis: `citation：statement（label）`.
pub(crate) fn basis_para(b: &Basis) -> Para {
    let label = match b.confidence {
        Confidence::Verified if b.label_zh == Confidence::Verified.label_zh() => String::new(),
        _ => format!("（{}）", b.label_zh),
    };
    Para {
        style: ParaStyle::Body,
        runs: vec![
            Inline::Strong(format!("{}{label}", b.citation_zh)),
            Inline::Text(format!("：{}", b.statement_zh)),
        ],
    }
}
