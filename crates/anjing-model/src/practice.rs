//! The taxonomy of collection practices (`docs/design.md` §2).

use serde::{Deserialize, Serialize};

/// A practice that detection can report about a message or a pattern of records.
///
/// The snake_case codes are part of the `anjing classify` contract and of the
/// case database: never rename one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Practice {
    /// Written to, or threatening to contact, a relative, friend, colleague or employer.
    ThirdPartyContact,
    /// Tells a third party about the debt.
    Disclosure,
    /// Visits, harm, exposure, 爆通讯录, invented consequences for the family.
    Threat,
    /// Degrading, obscene or humiliating words.
    Insult,
    /// Untrue or made-up legal claims (已立案, 经侦, 失信, 冻结…).
    FakeLegal,
    /// Claims to be a court, the police, a regulator or a lawyer.
    Impersonation,
    /// Asks for money into a personal account, a code, a link in a fraud context, debt-repair services.
    Scam,
    /// A collection message that uses none of the practices above.
    LegitReminder,
    /// Pattern: contact between 22:00 and 08:00 Asia/Shanghai.
    NightContact,
    /// Pattern: many attempts per day, in total or per number.
    Flooding,
    /// Pattern: many numbers sending one script.
    NumberRotation,
    /// Pattern: how many distinct contacts were reached about the borrower.
    ThirdPartyReach,
}

impl Practice {
    /// Every practice, in display order.
    pub const ALL: [Practice; 12] = [
        Practice::ThirdPartyContact,
        Practice::Disclosure,
        Practice::Threat,
        Practice::Insult,
        Practice::FakeLegal,
        Practice::Impersonation,
        Practice::Scam,
        Practice::LegitReminder,
        Practice::NightContact,
        Practice::Flooding,
        Practice::NumberRotation,
        Practice::ThirdPartyReach,
    ];

    /// The message-level practices (the eight codes of the classify contract).
    pub const MESSAGE: [Practice; 8] = [
        Practice::ThirdPartyContact,
        Practice::Disclosure,
        Practice::Threat,
        Practice::Insult,
        Practice::FakeLegal,
        Practice::Impersonation,
        Practice::Scam,
        Practice::LegitReminder,
    ];

    /// The stable snake_case code.
    pub fn code(self) -> &'static str {
        match self {
            Practice::ThirdPartyContact => "third_party_contact",
            Practice::Disclosure => "disclosure",
            Practice::Threat => "threat",
            Practice::Insult => "insult",
            Practice::FakeLegal => "fake_legal",
            Practice::Impersonation => "impersonation",
            Practice::Scam => "scam",
            Practice::LegitReminder => "legit_reminder",
            Practice::NightContact => "night_contact",
            Practice::Flooding => "flooding",
            Practice::NumberRotation => "number_rotation",
            Practice::ThirdPartyReach => "third_party_reach",
        }
    }

    /// Parses a snake_case code.
    pub fn from_code(code: &str) -> Option<Practice> {
        Practice::ALL.into_iter().find(|p| p.code() == code)
    }

    /// A short name in plain Chinese, for people.
    pub fn name_zh(self) -> &'static str {
        match self {
            Practice::ThirdPartyContact => "联系第三人",
            Practice::Disclosure => "向他人透露欠款",
            Practice::Threat => "威胁恐吓",
            Practice::Insult => "侮辱辱骂",
            Practice::FakeLegal => "虚假法律后果",
            Practice::Impersonation => "冒充公检法或律师",
            Practice::Scam => "疑似诈骗",
            Practice::LegitReminder => "正常催收提醒",
            Practice::NightContact => "夜间联系",
            Practice::Flooding => "频繁联系（轰炸）",
            Practice::NumberRotation => "多号码轮换",
            Practice::ThirdPartyReach => "波及的亲友人数",
        }
    }

    /// Whether this practice is abusive (everything except a lawful reminder).
    pub fn is_abusive(self) -> bool {
        !matches!(self, Practice::LegitReminder)
    }

    /// Whether this practice is computed over many records rather than read from one message.
    pub fn is_pattern(self) -> bool {
        matches!(
            self,
            Practice::NightContact
                | Practice::Flooding
                | Practice::NumberRotation
                | Practice::ThirdPartyReach
        )
    }
}

impl std::fmt::Display for Practice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_match_serde() {
        for p in Practice::ALL {
            assert_eq!(Practice::from_code(p.code()), Some(p));
            let json = serde_json::to_string(&p).unwrap();
            assert_eq!(json, format!("\"{}\"", p.code()));
        }
        assert_eq!(Practice::from_code("is_collection"), None);
    }
}
