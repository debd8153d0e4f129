//! `anjing check-message`: is this message a scam, and what should I do?
//!
//! Puts the detector's findings together with what the sender number is
//! (`anjing-numbers`) and a few text signals (links, court or police claims)
//! into a risk level 低/中/高 with reasons and concrete advice. All the texts
//! shown are data: `advice/cn/check.toml`.

use std::collections::BTreeSet;

use anjing_model::Practice;
use anjing_model::phone::NumberClass;
use serde::{Deserialize, Serialize};

use crate::{Classification, Detector, Message, Severity};

const ADVICE_TOML: &str = include_str!("../advice/cn/check.toml");

/// The risk level of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskLevel {
    Low,
    Medium,
    High,
}

/// One reason for the level.
#[derive(Debug, Clone, Serialize)]
pub struct Reason {
    /// `finding:<rule>`, `sender:<kind>` or `text:<kind>`.
    pub code: String,
    pub text_zh: String,
    /// The level this reason alone would give.
    pub level: RiskLevel,
}

/// What `check-message` concluded.
#[derive(Debug, Clone, Serialize)]
pub struct CheckResult {
    pub level: RiskLevel,
    pub level_zh: String,
    pub summary_zh: String,
    pub reasons: Vec<Reason>,
    pub advice: Vec<String>,
    /// The detector's result on the text.
    pub classification: Classification,
    /// What the sender number is, when one was given.
    pub sender: Option<anjing_numbers::NumberInfo>,
    /// The triggers that selected the advice (for tests and reviewers).
    pub triggers: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct Texts {
    levels: Triple,
    level_summary: Triple,
    sender: SenderTexts,
    text: TextTexts,
    advice: Vec<Advice>,
}

#[derive(Debug, Deserialize)]
struct Triple {
    low: String,
    medium: String,
    high: String,
}

impl Triple {
    fn get(&self, l: RiskLevel) -> &str {
        match l {
            RiskLevel::Low => &self.low,
            RiskLevel::Medium => &self.medium,
            RiskLevel::High => &self.high,
        }
    }
}

#[derive(Debug, Deserialize)]
struct SenderTexts {
    spoofed: String,
    foreign: String,
    #[serde(rename = "virtual")]
    virtual_: String,
    gateway: String,
    court_not_12368: String,
    court_12368: String,
}

#[derive(Debug, Deserialize)]
struct TextTexts {
    link: String,
}

#[derive(Debug, Deserialize)]
struct Advice {
    when: Vec<String>,
    text: String,
}

fn texts() -> &'static Texts {
    static TEXTS: std::sync::OnceLock<Texts> = std::sync::OnceLock::new();
    // The file is compiled in and covered by tests; a parse failure is a build defect.
    TEXTS.get_or_init(|| toml::from_str(ADVICE_TOML).expect("advice/cn/check.toml is valid"))
}

/// The risk part of a [`CheckResult`], as `anjing classify` adds it to each line.
#[derive(Debug, Clone, Serialize)]
pub struct Risk {
    pub level: RiskLevel,
    pub level_zh: String,
    pub summary_zh: String,
    pub reasons: Vec<Reason>,
    pub advice: Vec<String>,
}

impl CheckResult {
    /// The level, reasons and advice without the classification and the number details.
    pub fn risk(&self) -> Risk {
        Risk {
            level: self.level,
            level_zh: self.level_zh.clone(),
            summary_zh: self.summary_zh.clone(),
            reasons: self.reasons.clone(),
            advice: self.advice.clone(),
        }
    }
}

fn has_link(text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    t.contains("http://")
        || t.contains("https://")
        || t.contains("www.")
        || [".cn/", ".com/", ".cc/", ".top/", ".vip/", ".xyz/"].iter().any(|d| t.contains(d))
}

fn mentions(text: &str, words: &[&str]) -> bool {
    words.iter().any(|w| text.contains(w))
}

const COURT_WORDS: &[&str] = &["法院", "传票", "立案", "起诉", "开庭", "诉讼", "判决", "执行局"];
const POLICE_WORDS: &[&str] = &["公安", "警察", "民警", "派出所", "检察院", "刑警", "警官"];
const CODE_WORDS: &[&str] = &["验证码", "密码", "校验码", "动态码"];

/// Checks one message; `sender` is the number as shown on the phone, if known.
pub fn check_message(detector: &Detector, text: &str, sender: Option<&str>) -> CheckResult {
    let c = detector.classify(&Message { text, sender, time: None });
    assess(c, text, sender)
}

/// The risk level, reasons and advice for a message already classified (`anjing classify`
/// gives the same as `check-message` without classifying twice).
pub fn assess(c: Classification, text: &str, sender: Option<&str>) -> CheckResult {
    let t = texts();
    let mut reasons: Vec<Reason> = Vec::new();
    let mut triggers: BTreeSet<String> = BTreeSet::new();
    triggers.insert("always".into());
    if c.is_collection {
        triggers.insert("collection".into());
    }
    for p in &c.practices {
        triggers.insert(p.code().to_string());
    }
    for f in &c.findings {
        let level = match f.practice {
            Practice::Scam | Practice::Impersonation => RiskLevel::High,
            Practice::LegitReminder => RiskLevel::Low,
            _ if f.severity == Severity::Serious => RiskLevel::Medium,
            _ => RiskLevel::Medium,
        };
        if f.rule.starts_with("scam.code") {
            triggers.insert("code".into());
        }
        if f.rule.contains("account") || f.rule.contains("transfer") {
            triggers.insert("account".into());
        }
        if f.practice != Practice::LegitReminder {
            // One rule that establishes two practices (a threat to tell the family is
            // third-party contact and a threat) is one reason, at the higher level.
            let code = format!("finding:{}", f.rule);
            match reasons.iter_mut().find(|r| r.code == code) {
                Some(r) => r.level = r.level.max(level),
                None => reasons.push(Reason { code, text_zh: f.explanation.clone(), level }),
            }
        }
    }
    if mentions(text, CODE_WORDS) && c.practices.contains(&Practice::Scam) {
        triggers.insert("code".into());
    }
    let court = mentions(text, COURT_WORDS);
    let police = mentions(text, POLICE_WORDS);
    if court {
        triggers.insert("court".into());
    }
    if police {
        triggers.insert("police".into());
    }
    let info = sender.filter(|s| !s.trim().is_empty()).map(anjing_numbers::explain);
    // A bank's own 95xxx reminder with no abusive wording: its link is the bank's.
    let own_bank_notice = info.as_ref().is_some_and(|n| n.class == NumberClass::Service95)
        && !c.practices.iter().any(|p| p.is_abusive());
    if has_link(text) {
        triggers.insert("link".into());
        reasons.push(Reason {
            code: "text:link".into(),
            text_zh: t.text.link.clone(),
            level: if own_bank_notice {
                RiskLevel::Low
            } else if c.is_collection || !c.findings.is_empty() {
                RiskLevel::Medium
            } else {
                RiskLevel::Low
            },
        });
    }

    if let Some(n) = &info {
        match n.class {
            NumberClass::International => {
                if let Some(what) = &n.lookalike_of {
                    triggers.insert("spoofed_sender".into());
                    reasons.push(Reason {
                        code: "sender:spoofed".into(),
                        text_zh: t.sender.spoofed.replace("{what}", what),
                        level: RiskLevel::High,
                    });
                } else {
                    triggers.insert("foreign_sender".into());
                    reasons.push(Reason {
                        code: "sender:foreign".into(),
                        text_zh: t.sender.foreign.clone(),
                        level: if c.is_collection || court || police {
                            RiskLevel::High
                        } else {
                            RiskLevel::Medium
                        },
                    });
                }
            }
            NumberClass::VirtualMobile => {
                triggers.insert("virtual_sender".into());
                reasons.push(Reason {
                    code: "sender:virtual".into(),
                    text_zh: t.sender.virtual_.clone(),
                    level: RiskLevel::Low,
                });
            }
            NumberClass::SmsGateway if c.is_collection || court => reasons.push(Reason {
                code: "sender:gateway".into(),
                text_zh: t.sender.gateway.clone(),
                level: RiskLevel::Low,
            }),
            _ => {}
        }
        if court {
            if n.normalized == "12368" {
                reasons.push(Reason {
                    code: "sender:court_12368".into(),
                    text_zh: t.sender.court_12368.clone(),
                    level: RiskLevel::Low,
                });
            } else if c.is_collection || c.practices.contains(&Practice::FakeLegal) {
                reasons.push(Reason {
                    code: "sender:court_not_12368".into(),
                    text_zh: t.sender.court_not_12368.clone(),
                    level: RiskLevel::Medium,
                });
            }
        }
    }

    let level = reasons.iter().map(|r| r.level).max().unwrap_or(RiskLevel::Low);
    reasons.sort_by_key(|r| std::cmp::Reverse(r.level));
    let advice = t
        .advice
        .iter()
        .filter(|a| a.when.iter().any(|w| triggers.contains(w)))
        .map(|a| a.text.clone())
        .collect();
    CheckResult {
        level,
        level_zh: t.levels.get(level).to_string(),
        summary_zh: t.level_summary.get(level).to_string(),
        reasons,
        advice,
        classification: c,
        sender: info,
        triggers: triggers.into_iter().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn det() -> Detector {
        Detector::builtin().unwrap()
    }

    #[test]
    fn one_rule_for_two_practices_is_one_reason() {
        let r = check_message(&det(), "再不还钱就联系你的家人和同事", None);
        let codes: Vec<&str> = r.reasons.iter().map(|x| x.code.as_str()).collect();
        let mut dedup = codes.clone();
        dedup.sort();
        dedup.dedup();
        assert_eq!(codes.len(), dedup.len(), "{codes:?}");
        assert!(r.classification.practices.len() >= 2);
    }

    #[test]
    fn genuine_bank_reminder_is_low_and_spoofed_court_is_high() {
        let bank = "【招商银行】您的信用卡已逾期，欠款1200元，请尽快通过掌上生活APP或点击 https://cmbt.cn/x 还款。";
        let r = check_message(&det(), bank, Some("95555"));
        assert_eq!(r.level, RiskLevel::Low, "{r:#?}");
        assert!(!r.classification.practices.contains(&Practice::Scam));
        let court = "【XX法院】你的网贷欠款案已立案，请于今日将欠款转入法官个人账户6222xxxx，否则强制执行。";
        let r = check_message(&det(), court, Some("12368"));
        assert_eq!(r.level, RiskLevel::High, "{r:#?}");
    }

    #[test]
    fn advice_file_parses_and_names_known_triggers() {
        let t = texts();
        let known = [
            "always",
            "scam",
            "impersonation",
            "fake_legal",
            "threat",
            "insult",
            "disclosure",
            "third_party_contact",
            "legit_reminder",
            "collection",
            "code",
            "account",
            "link",
            "court",
            "police",
            "spoofed_sender",
            "foreign_sender",
            "virtual_sender",
        ];
        for a in &t.advice {
            for w in &a.when {
                assert!(known.contains(&w.as_str()), "unknown trigger {w}");
            }
        }
    }

    #[test]
    fn safe_account_transfer_is_high() {
        let r = check_message(
            &det(),
            "您的账户涉嫌洗钱，请立即将资金转账到安全账户配合调查。",
            Some("13812345678"),
        );
        assert_eq!(r.level, RiskLevel::High, "{r:#?}");
        assert_eq!(r.level_zh, "高");
        assert!(r.advice.iter().any(|a| a.contains("安全账户")));
        assert!(r.advice.iter().any(|a| a.contains("官方")));
    }

    #[test]
    fn spoofed_bank_number_is_high_even_for_a_plain_text() {
        let r = check_message(&det(), "您的信用卡已逾期，请尽快处理。", Some("0095588"));
        assert_eq!(r.level, RiskLevel::High);
        assert!(r.reasons[0].code == "sender:spoofed");
    }

    #[test]
    fn plain_reminder_is_low() {
        let r = check_message(
            &det(),
            "【某某银行】尊敬的客户，您的信用卡本期账单已到期，请及时还款。",
            Some("95588"),
        );
        assert_eq!(r.level, RiskLevel::Low, "{r:#?}");
        assert!(!r.advice.is_empty());
    }

    #[test]
    fn court_claim_from_a_mobile_points_to_12368() {
        let r = check_message(
            &det(),
            "你的网贷欠款已逾期，法院已立案，明天将上门传票，速联系处理。",
            Some("17112345678"),
        );
        assert!(r.level >= RiskLevel::Medium, "{r:#?}");
        assert!(r.advice.iter().any(|a| a.contains("12368")));
        assert!(r.reasons.iter().any(|x| x.code == "sender:virtual"));
    }
}
