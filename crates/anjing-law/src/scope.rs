//! Which bases apply to *this* case: some rules bind only some lenders (the 中国银行业协会
//! guideline binds its members, the credit-card measures only credit cards), and some articles
//! need a fact beyond the practice (刑法第二百九十三条之一 only an illegal debt, 刑法第二百八十条
//! only a forged document). The plan, the documents, the report and the stored findings all
//! ask [`Library::applies`], so they say the same thing.

use std::collections::BTreeMap;

use anjing_model::Practice;
use jiff::civil::Date;
use serde::Serialize;

use crate::advise::LenderType;
use crate::library::{Basis, Condition, Library};

/// What the case says about itself that decides whether a basis applies.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct CaseScope {
    /// Who lent the money.
    pub lender_type: LenderType,
    /// What the person said about the debt being illegal (高利放贷等): `None` when not said.
    pub illegal_debt: Option<bool>,
    /// The person said they received a forged document (传票、公函、律师函…).
    pub forged_documents: bool,
}

impl CaseScope {
    /// From the case's stored facts (`lender_type`, `illegal_debt`, `forged_documents`, as
    /// `anjing facts` stores them).
    pub fn from_facts(facts: &BTreeMap<String, String>) -> CaseScope {
        let yes_no = |k: &str| match facts.get(k).map(String::as_str) {
            Some("yes") => Some(true),
            Some("no") => Some(false),
            _ => None,
        };
        CaseScope {
            lender_type: facts
                .get("lender_type")
                .and_then(|c| LenderType::from_code(c))
                .unwrap_or_default(),
            illegal_debt: yes_no("illegal_debt"),
            forged_documents: yes_no("forged_documents") == Some(true),
        }
    }

    /// Whether the debt is illegal as far as the case knows: `None` when it cannot be told.
    pub fn debt_is_illegal(&self) -> Option<bool> {
        match (self.illegal_debt, self.lender_type) {
            (Some(said), _) => Some(said),
            (None, LenderType::UnlicensedOrUnknown) => Some(true),
            (None, LenderType::Unknown) => None,
            (None, _) => Some(false),
        }
    }
}

/// Whether a basis applies to a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "applies", content = "why_zh")]
pub enum Applies {
    /// It does (as far as the practice and date go).
    Yes,
    /// It does not, and why (for a "未列出" line).
    No(String),
    /// It cannot be told, and why; not listed as a basis.
    Uncertain(String),
}

/// Rules that bind only some lenders: instrument id, lender types, scope as the law data's
/// notes and summaries state it (legal-cn.md §5).
const LENDER_SCOPED: [(&str, &[LenderType], &str); 3] = [
    (
        "cba-2026-collection-guideline",
        &[LenderType::Bank, LenderType::CreditCard, LenderType::ConsumerFinance],
        "只适用于会员单位（银行、消费金融公司等持牌机构）及其委托的外部催收机构",
    ),
    (
        "nifa-post-loan-collection-guideline",
        &[LenderType::ConsumerFinance, LenderType::MicroLoan],
        "适用于商业银行、消费金融公司、小额贷款公司等开展个人网络消费信贷的贷后催收（信用卡不属于个人网络消费信贷）",
    ),
    ("credit-card-measures-2011", &[LenderType::CreditCard], "只适用于信用卡案件"),
];

/// The instrument the reference scopes to 信用卡 (legal-cn.md §5.4).
const CREDIT_CARD_MEASURES: &str = "credit-card-measures-2011";

/// Why the credit-card rules are not listed for a bank debt not said to be a credit card.
const CREDIT_CARD_UNSAID_ZH: &str = "据公开报道，该办法只适用于信用卡案件；本案填写的放贷方类型是“银行”，没有说明是不是信用卡，这里不列出。如果这笔欠款是信用卡欠款，请填写 lender_type=credit_card（信用卡）。";

impl Library {
    /// Whether `basis` applies to a case with this scope. See the module documentation.
    pub fn applies(&self, basis: &Basis, scope: &CaseScope) -> Applies {
        let Some(a) = self.article(&basis.article_id) else { return Applies::Yes };
        if let Some((_, types, what)) =
            LENDER_SCOPED.iter().find(|(id, _, _)| *id == a.instrument_id)
            && !types.contains(&scope.lender_type)
        {
            // A bank debt not said to be a credit card: it may still be one.
            if a.instrument_id == CREDIT_CARD_MEASURES && scope.lender_type == LenderType::Bank {
                return Applies::Uncertain(CREDIT_CARD_UNSAID_ZH.to_string());
            }
            return Applies::No(format!(
                "据公开报道，该规范{what}；本案放贷方类型是“{}”，这里不列出。",
                scope.lender_type.name_zh()
            ));
        }
        match basis.condition {
            None => Applies::Yes,
            Some(Condition::IllegalDebt) => match scope.debt_is_illegal() {
                Some(true) => Applies::Yes,
                Some(false) if scope.illegal_debt == Some(false) => Applies::No(
                    "本罪只适用于高利放贷等产生的非法债务；你填写的是这笔借款不属于非法债务，这里不列出。"
                        .to_string(),
                ),
                Some(false) => Applies::No(format!(
                    "本罪只适用于高利放贷等产生的非法债务；本案放贷方是{}（持牌机构），催收合法债务不适用本罪，这里不列出。",
                    scope.lender_type.name_zh()
                )),
                None => Applies::Uncertain(
                    "本罪只适用于高利放贷等产生的非法债务；本案放贷方类型尚不清楚，是否属于非法债务无法确定，所以不作为依据列出。查清放贷方后可以用 anjing facts 填写 lender_type 或 illegal_debt。"
                        .to_string(),
                ),
            },
            Some(Condition::ForgedDocument) if scope.forged_documents => Applies::Yes,
            Some(Condition::ForgedDocument) => Applies::No(
                "本条针对伪造的传票、公函、印章等文书；短信里声称“已立案”“要坐牢”等说法本身不是伪造文书，这里不列出。如果收到过伪造的文书，可以填写 anjing facts --set forged_documents=yes。"
                    .to_string(),
            ),
        }
    }

    /// Whether a basis stored earlier (a finding's practice and article id) applies to the
    /// case as it is now: facts may have changed since the finding was stored.
    pub fn applies_to(&self, practice: Practice, article_id: &str, scope: &CaseScope) -> Applies {
        let far = (jiff::civil::date(1900, 1, 1), jiff::civil::date(2999, 12, 31));
        match self
            .bases_for_range(practice, far.0, far.1)
            .into_iter()
            .find(|b| b.article_id == article_id)
        {
            Some(b) => self.applies(&b, scope),
            None => Applies::Yes,
        }
    }

    /// The bases of a practice over `from..=to` that apply to the case, and one line for each
    /// left out (`citation〔label〕：why`), uncertain ones included.
    pub fn scoped_bases_for_range(
        &self,
        practice: Practice,
        from: Date,
        to: Date,
        scope: &CaseScope,
    ) -> (Vec<Basis>, Vec<String>) {
        let mut kept = Vec::new();
        let mut left_out = Vec::new();
        for b in self.bases_for_range(practice, from, to) {
            match self.applies(&b, scope) {
                Applies::Yes => kept.push(b),
                Applies::No(why) | Applies::Uncertain(why) => {
                    left_out.push(left_out_line(self, &b, &why))
                }
            }
        }
        (kept, left_out)
    }
}

/// `citation〔label〕：why`, naming the whole instrument for lender-scoped rules.
fn left_out_line(lib: &Library, b: &Basis, why: &str) -> String {
    let scoped = lib
        .article(&b.article_id)
        .filter(|a| LENDER_SCOPED.iter().any(|(id, _, _)| *id == a.instrument_id));
    let name = match scoped {
        Some(a) => format!("{}{}", a.issuer_zh.as_deref().unwrap_or(""), a.instrument_zh),
        None => b.citation_zh.clone(),
    };
    format!("{name}〔{}〕：{why}", b.label_zh)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn ids(lib: &Library, p: Practice, scope: &CaseScope) -> Vec<String> {
        lib.scoped_bases_for_range(p, date(2026, 2, 1), date(2026, 2, 1), scope)
            .0
            .into_iter()
            .map(|b| b.article_id)
            .collect()
    }

    fn scope(t: LenderType) -> CaseScope {
        CaseScope { lender_type: t, ..CaseScope::default() }
    }

    #[test]
    fn illegal_debt_offence_only_for_unlicensed_lenders_or_a_stated_illegal_debt() {
        let lib = Library::builtin().unwrap();
        for t in [LenderType::Bank, LenderType::ConsumerFinance, LenderType::MicroLoan] {
            assert!(!ids(&lib, Practice::Threat, &scope(t)).contains(&"criminal-law-293-1".into()));
        }
        assert!(
            ids(&lib, Practice::Threat, &scope(LenderType::UnlicensedOrUnknown))
                .contains(&"criminal-law-293-1".into())
        );
        // Unknown: uncertain, not listed, and said so.
        let (kept, out) = lib.scoped_bases_for_range(
            Practice::Threat,
            date(2026, 2, 1),
            date(2026, 2, 1),
            &scope(LenderType::Unknown),
        );
        assert!(kept.iter().all(|b| b.article_id != "criminal-law-293-1"));
        assert!(
            out.iter().any(|l| l.contains("第二百九十三条之一") && l.contains("无法确定")),
            "{out:?}"
        );
        let stated = CaseScope { illegal_debt: Some(true), ..scope(LenderType::Unknown) };
        assert!(ids(&lib, Practice::Threat, &stated).contains(&"criminal-law-293-1".into()));
    }

    #[test]
    fn lender_scoped_rules_follow_the_lender_type() {
        let lib = Library::builtin().unwrap();
        let night = |t| ids(&lib, Practice::NightContact, &scope(t));
        // 互金协会: 个人网络消费信贷, not bank credit cards.
        assert!(!night(LenderType::Bank).iter().any(|i| i.starts_with("nifa-")));
        assert!(night(LenderType::MicroLoan).iter().any(|i| i.starts_with("nifa-")));
        assert!(night(LenderType::Bank).iter().any(|i| i.starts_with("cba-2026")));
        assert!(night(LenderType::CreditCard).iter().any(|i| i.starts_with("cba-2026")));
        assert!(!night(LenderType::CreditCard).iter().any(|i| i.starts_with("nifa-")));
        let unl = ids(&lib, Practice::ThirdPartyContact, &scope(LenderType::UnlicensedOrUnknown));
        assert!(!unl.iter().any(|i| i.starts_with("credit-card") || i.starts_with("cba-")));
    }

    #[test]
    fn credit_card_rules_only_for_a_credit_card() {
        let lib = Library::builtin().unwrap();
        let third = |t| ids(&lib, Practice::ThirdPartyContact, &scope(t));
        assert!(third(LenderType::CreditCard).contains(&"credit-card-measures-2011-68".into()));
        for t in [LenderType::Bank, LenderType::ConsumerFinance, LenderType::MicroLoan] {
            assert!(!third(t).iter().any(|i| i.starts_with("credit-card")), "{t:?}");
        }
        // A bank not said to be a credit card: uncertain, and how to say so is given.
        let (_, out) = lib.scoped_bases_for_range(
            Practice::ThirdPartyContact,
            date(2026, 2, 1),
            date(2026, 2, 1),
            &scope(LenderType::Bank),
        );
        assert!(out.iter().any(|l| l.contains("lender_type=credit_card")), "{out:?}");
        let (_, out) = lib.scoped_bases_for_range(
            Practice::ThirdPartyContact,
            date(2026, 2, 1),
            date(2026, 2, 1),
            &scope(LenderType::ConsumerFinance),
        );
        assert!(!out.iter().any(|l| l.contains("lender_type=credit_card")), "{out:?}");
        let f = BTreeMap::from([("lender_type".to_string(), "credit_card".to_string())]);
        assert_eq!(CaseScope::from_facts(&f).lender_type, LenderType::CreditCard);
    }

    #[test]
    fn forgery_articles_need_a_forged_document() {
        let lib = Library::builtin().unwrap();
        let plain = ids(&lib, Practice::FakeLegal, &scope(LenderType::Bank));
        for id in ["criminal-law-280", "psl-2025-63-item-1", "psl-2025-63-item-3"] {
            assert!(!plain.contains(&id.to_string()), "{plain:?}");
        }
        let forged = CaseScope { forged_documents: true, ..scope(LenderType::Bank) };
        let with = ids(&lib, Practice::FakeLegal, &forged);
        assert!(with.contains(&"criminal-law-280".to_string()), "{with:?}");
    }

    #[test]
    fn facts_give_the_scope() {
        let f = BTreeMap::from([
            ("lender_type".to_string(), "unlicensed".to_string()),
            ("forged_documents".to_string(), "yes".to_string()),
        ]);
        let s = CaseScope::from_facts(&f);
        assert_eq!(s.lender_type, LenderType::UnlicensedOrUnknown);
        assert!(s.forged_documents);
        assert_eq!(s.debt_is_illegal(), Some(true));
        assert_eq!(CaseScope::from_facts(&BTreeMap::new()).debt_is_illegal(), None);
    }
}
