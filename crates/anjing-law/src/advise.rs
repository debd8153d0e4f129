//! Channels and routing: where a person can complain or report, in what order, and what each
//! place asks for. Pure functions over [`CaseFacts`]; the CLI stores the facts.
//!
//! The channel facts, the reasons and the first steps are data (`law/cn/channels.toml`,
//! `law/cn/guidance.toml`); the order is the reference's routing by lender type
//! (legal-cn.md §8, "按放贷主体选路由"), adjusted by what was found.

use std::collections::HashMap;
use std::sync::OnceLock;

use anjing_model::Practice;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::article::Confidence;
use crate::error::LawError;
use crate::library::Library;
use crate::wording;

const CHANNELS_FILE: &str = "law/cn/channels.toml";
const CHANNELS_TOML: &str = include_str!("../law/cn/channels.toml");
const GUIDANCE_FILE: &str = "law/cn/guidance.toml";
const GUIDANCE_TOML: &str = include_str!("../law/cn/guidance.toml");

/// Who lent the money: this decides which regulator, if any, can hear a complaint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LenderType {
    /// A bank loan, or a bank debt not said to be a credit card (regulated by
    /// 国家金融监督管理总局). The credit-card rules do not bind it.
    Bank,
    /// A bank credit card (信用卡): routed like [`LenderType::Bank`], and the rules the reference
    /// scopes to 信用卡 (信用卡办法第六十八条, its two-year recordings) apply.
    CreditCard,
    /// A consumer-finance company (消费金融公司, regulated by 国家金融监督管理总局).
    ConsumerFinance,
    /// A small-loan company, including online small loans (小贷/网络小贷, local regulators).
    MicroLoan,
    /// No licence (an unlicensed or usurious lender), as far as the person knows.
    UnlicensedOrUnknown,
    /// Not known: the plan routes only by what was found and says how to find out.
    #[default]
    Unknown,
}

impl LenderType {
    /// The type for a code as `anjing facts` stores it (`bank`, `credit_card`,
    /// `consumer_finance`, `micro_loan`, `unlicensed`, `unknown`).
    pub fn from_code(code: &str) -> Option<LenderType> {
        Some(match code {
            "bank" => LenderType::Bank,
            "credit_card" => LenderType::CreditCard,
            "consumer_finance" => LenderType::ConsumerFinance,
            "micro_loan" => LenderType::MicroLoan,
            "unlicensed" => LenderType::UnlicensedOrUnknown,
            "unknown" => LenderType::Unknown,
            _ => return None,
        })
    }

    /// Whether the lender is a bank (a credit card is a bank's).
    pub fn is_bank(self) -> bool {
        matches!(self, LenderType::Bank | LenderType::CreditCard)
    }

    /// A short name for people.
    pub fn name_zh(self) -> &'static str {
        match self {
            LenderType::Bank => "银行",
            LenderType::CreditCard => "信用卡",
            LenderType::ConsumerFinance => "消费金融公司",
            LenderType::MicroLoan => "小额贷款公司（含网络小贷）",
            LenderType::UnlicensedOrUnknown => "无牌放贷",
            LenderType::Unknown => "尚不清楚",
        }
    }
}

/// Who was contacted about the debt, as the person tells it (`anjing facts contacted_people`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Contacted {
    /// Family and relatives (家人、亲属).
    Relatives,
    /// Friends and classmates.
    Friends,
    /// Colleagues.
    Colleagues,
    /// The employer or a superior (工作单位、领导).
    Employer,
    /// Someone, but the person does not know who.
    Unknown,
}

impl Contacted {
    /// Every group, in the order they are shown.
    pub const ALL: [Contacted; 5] = [
        Contacted::Relatives,
        Contacted::Friends,
        Contacted::Colleagues,
        Contacted::Employer,
        Contacted::Unknown,
    ];

    /// The code `anjing facts` stores (`relatives`, `friends`, `colleagues`, `employer`,
    /// `unknown`).
    pub fn code(self) -> &'static str {
        match self {
            Contacted::Relatives => "relatives",
            Contacted::Friends => "friends",
            Contacted::Colleagues => "colleagues",
            Contacted::Employer => "employer",
            Contacted::Unknown => "unknown",
        }
    }

    /// The group for a stored code.
    pub fn from_code(code: &str) -> Option<Contacted> {
        Contacted::ALL.into_iter().find(|c| c.code() == code.trim())
    }

    /// A short name for people.
    pub fn name_zh(self) -> &'static str {
        match self {
            Contacted::Relatives => "家人、亲属",
            Contacted::Friends => "朋友",
            Contacted::Colleagues => "同事",
            Contacted::Employer => "工作单位（领导）",
            Contacted::Unknown => "不清楚是谁的其他人",
        }
    }
}

/// `家人、亲属、同事`: the groups' names joined.
pub fn contacted_names_zh(groups: &[Contacted]) -> String {
    Contacted::ALL
        .into_iter()
        .filter(|c| groups.contains(c))
        .map(Contacted::name_zh)
        .collect::<Vec<_>>()
        .join("、")
}

/// What the case knows about itself. Everything is optional: `advise` says what is missing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CaseFacts {
    /// Who lent the money.
    pub lender_type: LenderType,
    /// The lender's full registered name (涉事机构全称), if known.
    pub lender_name: Option<String>,
    /// The lending App's name, if any.
    pub app_name: Option<String>,
    /// The App demanded access to the contact list (强制索取通讯录).
    pub demanded_contacts_access: bool,
    /// Relatives, friends or colleagues were contacted (as told by the person).
    pub contacted_third_parties: bool,
    /// Who was contacted, as told by the person (empty: not said).
    pub contacted: Vec<Contacted>,
    /// The account the collectors asked to be paid into (户名、账号、收款码), if noted: an
    /// unlicensed lender can often be identified only by it.
    pub payment_account: Option<String>,
    /// Threats were received (as told by the person).
    pub threats: bool,
    /// Signs of a scam: money into a personal account, codes asked for, fake officials.
    pub scam_signs: bool,
    /// The person's own name, for channels that want a real name.
    pub reporter_name: Option<String>,
    /// The person's own phone number or other contact.
    pub reporter_phone: Option<String>,
    /// The collectors' numbers seen in the evidence.
    pub collector_numbers: Vec<String>,
    /// How many evidence records the case holds.
    pub evidence_count: usize,
    /// The date of the earliest harassing event (Asia/Shanghai), for deadline warnings.
    pub first_event: Option<Date>,
    /// The date of the latest harassing event (Asia/Shanghai): rules published later (the
    /// 中国银行业协会 guideline) are mentioned only when some event is on or after their date.
    pub last_event: Option<Date>,
    /// What the person said about the debt being illegal (高利放贷等); `None`: not said.
    pub illegal_debt: Option<bool>,
    /// Today's date (Asia/Shanghai), for deadline warnings. Passed in to keep this pure.
    pub as_of: Option<Date>,
}

/// A place to complain or report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Channel {
    /// Stable id: `lender`, `12378`, `local-regulator`, `nifa`, `12321`, `12377`, `police`,
    /// `court-injunction`, `court-civil`, `court-private-prosecution`.
    pub id: String,
    /// A short name, e.g. `12378`.
    pub short_zh: String,
    /// The full name.
    pub name_zh: String,
    /// What it handles.
    pub handles_zh: String,
    /// How to use it, one line per point.
    pub how_zh: Vec<String>,
    /// Requirement keys (see [`Requirement`]).
    pub asks: Vec<String>,
    /// How sure the reference is of these facts; `None`: general advice, no outside fact.
    /// A VERIFIED-2 channel is shown with [`Confidence::label_zh`] (据公开报道).
    pub confidence: Option<Confidence>,
    /// Where the facts come from.
    pub source: Option<String>,
    /// Library article ids that `how_zh` relies on.
    #[serde(default)]
    pub articles: Vec<String>,
}

/// Whether the case already has what a channel asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "status", content = "value")]
pub enum Have {
    /// The case has it (the value, or a count).
    Filled(String),
    /// The case could hold it but does not yet.
    Missing,
    /// Something the person prepares outside the program.
    Prepare,
}

/// One thing a channel asks for, with the case's status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Requirement {
    /// Stable key, e.g. `lender_name`.
    pub key: String,
    /// What it is, e.g. `涉事机构全称`.
    pub label_zh: String,
    /// Whether the case has it.
    pub status: Have,
    /// How a missing value is described, e.g. `尚未填写`.
    pub missing_zh: String,
}

impl Requirement {
    /// One line for people, e.g. `涉事机构全称：尚未填写`.
    pub fn line_zh(&self) -> String {
        match &self.status {
            Have::Filled(v) => format!("{}：已有（{v}）", self.label_zh),
            Have::Missing => format!("{}：{}", self.label_zh, self.missing_zh),
            Have::Prepare => format!("{}：请自行准备", self.label_zh),
        }
    }
}

/// One step of a plan: a channel, why, and what it asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// The channel's id.
    pub channel_id: String,
    /// The channel's short name.
    pub short_zh: String,
    /// The channel's full name.
    pub name_zh: String,
    /// Why this step, for this case.
    pub why_zh: String,
    /// How to use the channel.
    pub how_zh: Vec<String>,
    /// What it asks for, and whether the case has it.
    pub asks: Vec<Requirement>,
    /// How sure the reference is of the channel facts.
    pub confidence: Option<Confidence>,
}

impl Step {
    /// What the case still lacks for this step, e.g. `12378 需要涉事机构全称：尚未填写`.
    pub fn lacking_zh(&self) -> Vec<String> {
        self.asks
            .iter()
            .filter(|r| r.status == Have::Missing)
            .map(|r| format!("{} 需要{}：{}", self.short_zh, r.label_zh, r.missing_zh))
            .collect()
    }
}

/// A piece of guidance: a first step or a deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Guidance {
    /// A short title.
    pub title_zh: String,
    /// The advice.
    pub detail_zh: String,
    /// Library article ids it relies on.
    #[serde(default)]
    pub articles: Vec<String>,
    /// For a limitation note: the id of the deadline (`anjing_law::deadlines`) that states the
    /// same period against the case's dates; the general note is then left out of the plan
    /// when the case has dated events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub computed: Option<String>,
    /// For a limitation note: shown only when the case has an event before this date, or no
    /// dated event at all (the 2026-01-01 version switch says nothing to a 2026-only case).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub only_before: Option<Date>,
}

/// A place people are often sent that is not the right first choice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Avoid {
    /// The place.
    pub name_zh: String,
    /// Why not.
    pub why_zh: String,
    /// Why not, for a lender no financial regulator hears (unlicensed, unknown): used instead
    /// of `why_zh` when that names a regulator's hotline.
    #[serde(default, skip_serializing)]
    pub why_no_regulator_zh: Option<String>,
}

/// For the people the collectors contacted: their own rights, and a message to send them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ForContacts {
    /// The groups contacted (empty: someone was, but the person did not say who).
    pub groups: Vec<Contacted>,
    /// `家人、亲属、同事`, or `亲友、同事等第三人` when not said.
    pub who_zh: String,
    /// What the law gives them and what they can do themselves, one point a line.
    pub rights_zh: Vec<String>,
    /// Library ids the points rely on.
    pub articles: Vec<String>,
    /// A message the borrower can send them.
    pub message_zh: String,
}

/// What to do, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Plan {
    /// The steps, in the order to take them.
    pub steps: Vec<Step>,
    /// Deadlines and cautions for this case.
    pub notes_zh: Vec<String>,
    /// Places not to start with.
    pub avoid: Vec<Avoid>,
    /// For the contacted people, when anyone was contacted (found or stated).
    pub for_contacts: Option<ForContacts>,
}

impl Plan {
    /// The channel ids in order (handy for tests and summaries).
    pub fn channel_ids(&self) -> Vec<&str> {
        self.steps.iter().map(|s| s.channel_id.as_str()).collect()
    }

    /// Everything the case still lacks, over all steps.
    pub fn lacking_zh(&self) -> Vec<String> {
        self.steps.iter().flat_map(Step::lacking_zh).collect()
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RequirementDoc {
    label_zh: String,
    fact: Option<Fact>,
    missing_zh: Option<String>,
}

/// Which case fact answers a requirement.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Fact {
    LenderName,
    AppName,
    AppViolation,
    ReporterName,
    ReporterPhone,
    CollectorNumbers,
    Evidence,
    /// App name, collection numbers, payment account: what identifies an unlicensed lender.
    LenderClues,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChannelsFile {
    channel: Vec<Channel>,
    requirement: HashMap<String, RequirementDoc>,
    reason: HashMap<String, String>,
    avoid: Vec<Avoid>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GuidanceFile {
    first_step: Vec<Guidance>,
    limitation: Vec<Guidance>,
    for_contacts: Vec<ContactPoint>,
    contacts_message: ContactsMessage,
}

/// One point for the contacted people (`[[for_contacts]]` in `guidance.toml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ContactPoint {
    #[serde(default)]
    groups: Vec<Contacted>,
    #[serde(default)]
    cba: bool,
    detail_zh: String,
    #[serde(default)]
    articles: Vec<String>,
}

/// The message for the contacted people (`[contacts_message]`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ContactsMessage {
    greeting_default: String,
    greeting: HashMap<Contacted, String>,
    body: String,
    work_line: String,
    closing: String,
}

/// Channel ids and reason keys the routing below uses; checked against the data at load.
const USED_CHANNELS: [&str; 10] = [
    "lender",
    "12378",
    "local-regulator",
    "nifa",
    "12321",
    "12377",
    "police",
    "court-injunction",
    "court-civil",
    "court-private-prosecution",
];
const USED_REASONS: [&str; 22] = [
    "lender",
    "regulator_licensed",
    "regulator_local",
    "nifa",
    "police_threat",
    "police_insult",
    "police_personal_info",
    "police_nuisance",
    "police_impersonation",
    "police_fake_legal",
    "police_stated",
    "police_close",
    "police_illegal_debt",
    "police_scam",
    "app_contacts",
    "numbers",
    "court_injunction",
    "court_civil",
    "court_private_prosecution",
    "court_unidentified",
    "court_private_unidentified",
    "police_identify",
];
/// Requirement keys the routing below adds or substitutes itself.
const USED_REQUIREMENTS: [&str; 1] = ["lender_clues"];

/// Channels, requirements, reasons and guidance, loaded from the embedded data.
#[derive(Debug, Clone)]
pub struct Guide {
    channels: Vec<Channel>,
    requirements: HashMap<String, RequirementDoc>,
    reasons: HashMap<String, String>,
    avoid: Vec<Avoid>,
    first_steps: Vec<Guidance>,
    limitations: Vec<Guidance>,
    for_contacts: Vec<ContactPoint>,
    contacts_message: ContactsMessage,
}

/// The deadline ids a limitation note may name as `computed`.
const DEADLINE_IDS: [&str; 3] = [
    "public_security_six_months",
    "civil_limitation_three_years",
    "credit_card_recordings_two_years",
];

impl Guide {
    /// Loads and checks `law/cn/channels.toml` and `law/cn/guidance.toml` against `library`.
    pub fn builtin(library: &Library) -> Result<Guide, LawError> {
        let ch: ChannelsFile = toml::from_str(CHANNELS_TOML)
            .map_err(|e| LawError::Parse { file: CHANNELS_FILE, source: Box::new(e) })?;
        let gd: GuidanceFile = toml::from_str(GUIDANCE_TOML)
            .map_err(|e| LawError::Parse { file: GUIDANCE_FILE, source: Box::new(e) })?;
        let guide = Guide {
            channels: ch.channel,
            requirements: ch.requirement,
            reasons: ch.reason,
            avoid: ch.avoid,
            first_steps: gd.first_step,
            limitations: gd.limitation,
            for_contacts: gd.for_contacts,
            contacts_message: gd.contacts_message,
        };
        guide.check(library)?;
        Ok(guide)
    }

    fn check(&self, library: &Library) -> Result<(), LawError> {
        let bad = |file, message: String| Err(LawError::Invalid { file, message });
        for id in USED_CHANNELS {
            if self.channel(id).is_none() {
                return bad(CHANNELS_FILE, format!("channel {id} is missing"));
            }
        }
        for key in USED_REASONS {
            if !self.reasons.contains_key(key) {
                return bad(CHANNELS_FILE, format!("reason {key} is missing"));
            }
        }
        for key in USED_REQUIREMENTS {
            if !self.requirements.contains_key(key) {
                return bad(CHANNELS_FILE, format!("requirement {key} is missing"));
            }
        }
        for g in &self.limitations {
            if let Some(id) = &g.computed
                && !DEADLINE_IDS.contains(&id.as_str())
            {
                return bad(GUIDANCE_FILE, format!("{}: unknown deadline {id}", g.title_zh));
            }
        }
        for p in &self.for_contacts {
            for id in &p.articles {
                if library.article(id).is_none() {
                    return bad(GUIDANCE_FILE, format!("for_contacts: unknown article {id}"));
                }
            }
        }
        for c in &self.channels {
            for key in &c.asks {
                if !self.requirements.contains_key(key) {
                    return bad(
                        CHANNELS_FILE,
                        format!("channel {}: unknown requirement {key}", c.id),
                    );
                }
            }
            for id in &c.articles {
                if library.article(id).is_none() {
                    return bad(CHANNELS_FILE, format!("channel {}: unknown article {id}", c.id));
                }
            }
            if c.confidence == Some(Confidence::Unverified) {
                return bad(CHANNELS_FILE, format!("channel {}: UNVERIFIED facts", c.id));
            }
        }
        for g in self.first_steps.iter().chain(&self.limitations) {
            for id in &g.articles {
                if library.article(id).is_none() {
                    return bad(GUIDANCE_FILE, format!("{}: unknown article {id}", g.title_zh));
                }
            }
        }
        for s in self.all_text() {
            if wording::names_defunct_regulator_as_current(s) || wording::overstates(s) {
                return bad(CHANNELS_FILE, format!("wording: {s}"));
            }
        }
        Ok(())
    }

    /// Every user-facing string in the channel and guidance data.
    pub fn all_text(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for c in &self.channels {
            out.extend([c.short_zh.as_str(), c.name_zh.as_str(), c.handles_zh.as_str()]);
            out.extend(c.how_zh.iter().map(String::as_str));
        }
        out.extend(self.requirements.values().map(|r| r.label_zh.as_str()));
        out.extend(self.reasons.values().map(String::as_str));
        for a in &self.avoid {
            out.extend([a.name_zh.as_str(), a.why_zh.as_str()]);
            out.extend(a.why_no_regulator_zh.as_deref());
        }
        for g in self.first_steps.iter().chain(&self.limitations) {
            out.extend([g.title_zh.as_str(), g.detail_zh.as_str()]);
        }
        out.extend(self.for_contacts.iter().map(|p| p.detail_zh.as_str()));
        let m = &self.contacts_message;
        out.extend([m.greeting_default.as_str(), &m.body, &m.work_line, &m.closing]);
        out.extend(m.greeting.values().map(String::as_str));
        out
    }

    /// The channel with this id.
    pub fn channel(&self, id: &str) -> Option<&Channel> {
        self.channels.iter().find(|c| c.id == id)
    }

    /// Every channel.
    pub fn channels(&self) -> &[Channel] {
        &self.channels
    }

    /// What to do first, before any complaint.
    pub fn first_steps(&self) -> &[Guidance] {
        &self.first_steps
    }

    /// Deadlines that matter (治安 6 months, civil limitation periods…).
    pub fn limitations(&self) -> &[Guidance] {
        &self.limitations
    }

    /// The plan for a case: which channels, in which order, why, and what is still missing.
    ///
    /// `practices_found` gives each practice detection found with its count; a count of 0
    /// means not found. Order follows the reference's routing by lender type: licensed
    /// lenders (bank, consumer finance) → lender complaint, 12378, then police and court;
    /// small-loan companies → lender, local regulator, 互金协会, police, court; unlicensed →
    /// police first (催收非法债务), then court, never 12378; unknown → police for the abuse
    /// found and a note on finding out who the lender is, no regulator. A suspected scam puts
    /// the police first whatever the lender; a scam with no known lender goes to the police
    /// only (no civil suit against a lender nobody can name). App contact-list demands add
    /// 12377 and 12321. The police step gives a reason only for what was found or stated.
    pub fn advise(&self, facts: &CaseFacts, practices_found: &[(Practice, usize)]) -> Plan {
        let found = |p: Practice| practices_found.iter().any(|&(q, n)| q == p && n > 0);
        let threats_found = found(Practice::Threat);
        let third_found = found(Practice::ThirdPartyContact)
            || found(Practice::ThirdPartyReach)
            || found(Practice::Disclosure);
        let threats = facts.threats || threats_found;
        let third_party =
            facts.contacted_third_parties || !facts.contacted.is_empty() || third_found;
        let insult = found(Practice::Insult);
        let impersonation = found(Practice::Impersonation);
        let fake_legal = found(Practice::FakeLegal);
        let official = impersonation || fake_legal;
        let harassment = found(Practice::NightContact)
            || found(Practice::Flooding)
            || found(Practice::NumberRotation);
        let scam = facts.scam_signs || found(Practice::Scam);
        let abuse = threats || third_party || insult || official || harassment;
        let no_name = facts.lender_name.as_deref().is_none_or(|n| n.trim().is_empty());
        let no_lender = facts.lender_type == LenderType::Unknown && no_name;
        // Unlicensed or unknown and not named: courts need a defendant the police may first
        // have to identify.
        let unidentified = no_name
            && matches!(facts.lender_type, LenderType::UnlicensedOrUnknown | LenderType::Unknown);
        // A scam with no known lender: the people writing may not be a lender at all.
        let scam_only = scam && no_lender;
        let illegal_debt = match (facts.illegal_debt, facts.lender_type) {
            (Some(said), _) => said,
            (None, t) => t == LenderType::UnlicensedOrUnknown,
        };

        let mut plan = PlanBuilder { guide: self, facts, steps: Vec::new() };
        if scam {
            plan.push("police", "police_scam");
        }
        if (abuse || facts.demanded_contacts_access) && !scam_only {
            match facts.lender_type {
                LenderType::Bank | LenderType::CreditCard | LenderType::ConsumerFinance => {
                    plan.push("lender", "lender");
                    plan.push("12378", "regulator_licensed");
                }
                LenderType::MicroLoan => {
                    plan.push("lender", "lender");
                    plan.push("local-regulator", "regulator_local");
                    plan.push("nifa", "nifa");
                }
                LenderType::UnlicensedOrUnknown | LenderType::Unknown if abuse && illegal_debt => {
                    plan.push("police", "police_illegal_debt");
                }
                // Not known: no regulator can be named, nor an illegal debt assumed; the
                // police (for the abuse found) and a note on finding out the lender type are
                // all that is safe to say.
                LenderType::UnlicensedOrUnknown | LenderType::Unknown => {}
            }
        }
        let police_reasons = |plan: &mut PlanBuilder| {
            if !abuse {
                return;
            }
            // One reason per kind of abuse actually found or stated, nothing else.
            if threats {
                plan.push("police", "police_threat");
            }
            if insult {
                plan.push("police", "police_insult");
            }
            if third_party {
                plan.push("police", "police_personal_info");
            }
            if harassment {
                plan.push("police", "police_nuisance");
            }
            if impersonation {
                plan.push("police", "police_impersonation");
            }
            if fake_legal {
                plan.push("police", "police_fake_legal");
            }
            let stated_only = (facts.threats && !threats_found)
                || ((facts.contacted_third_parties || !facts.contacted.is_empty()) && !third_found);
            if stated_only {
                plan.push("police", "police_stated");
            }
            if unidentified {
                plan.push("police", "police_identify");
            }
            plan.push("police", "police_close");
        };
        // With no regulator to name (unlicensed, unknown), the police come first.
        let police_first =
            matches!(facts.lender_type, LenderType::UnlicensedOrUnknown | LenderType::Unknown);
        if police_first {
            police_reasons(&mut plan);
        }
        if facts.demanded_contacts_access {
            plan.push("12377", "app_contacts");
            plan.push("12321", "app_contacts");
        }
        let message_abuse = threats || insult || official || harassment || third_party;
        if message_abuse {
            plan.push("12321", "numbers");
        }
        if !police_first {
            police_reasons(&mut plan);
        }
        if abuse && !scam_only {
            if threats || third_party || insult || harassment {
                plan.push("court-injunction", "court_injunction");
                if unidentified {
                    plan.push("court-injunction", "court_unidentified");
                }
            }
            plan.push("court-civil", "court_civil");
            if unidentified {
                plan.push("court-civil", "court_unidentified");
            }
            if insult {
                plan.push("court-private-prosecution", "court_private_prosecution");
                if unidentified {
                    plan.push("court-private-prosecution", "court_private_unidentified");
                }
            }
        }
        let mut steps = plan.steps;
        if let Some(police) = steps.iter_mut().find(|s| s.channel_id == "police") {
            let summary = found_summary(practices_found);
            if !summary.is_empty() {
                police.why_zh.push_str(&format!("本案已发现：{summary}。"));
            }
        }
        Plan {
            steps,
            notes_zh: self.notes(facts, abuse || scam, scam_only),
            avoid: self
                .avoid
                .iter()
                .map(|a| match (&a.why_no_regulator_zh, police_first) {
                    (Some(why), true) => Avoid { why_zh: why.clone(), ..a.clone() },
                    _ => a.clone(),
                })
                .collect(),
            for_contacts: third_party.then(|| self.for_contacts(facts)),
        }
    }

    /// Whether the 中国银行业协会 guideline may be cited: its members' cases (bank, consumer
    /// finance) with an event on or after its publication, or with no dates to tell.
    fn cba_applies(facts: &CaseFacts) -> bool {
        let published = jiff::civil::date(2026, 1, 30);
        matches!(
            facts.lender_type,
            LenderType::Bank | LenderType::CreditCard | LenderType::ConsumerFinance
        ) && facts.last_event.or(facts.first_event).is_none_or(|last| last >= published)
    }

    /// The contacted people's own rights and a message for them.
    fn for_contacts(&self, facts: &CaseFacts) -> ForContacts {
        let mut groups: Vec<Contacted> = facts.contacted.clone();
        groups.sort();
        groups.dedup();
        let known: Vec<Contacted> =
            groups.iter().copied().filter(|g| *g != Contacted::Unknown).collect();
        let who_zh = if known.is_empty() {
            "被联系的亲友、同事等第三人".to_string()
        } else {
            contacted_names_zh(&groups)
        };
        let mut rights_zh = Vec::new();
        let mut articles = Vec::new();
        for p in &self.for_contacts {
            if !p.groups.is_empty() && !p.groups.iter().any(|g| groups.contains(g)) {
                continue;
            }
            if p.cba && !Self::cba_applies(facts) {
                continue;
            }
            rights_zh.push(p.detail_zh.clone());
            for a in &p.articles {
                if !articles.contains(a) {
                    articles.push(a.clone());
                }
            }
        }
        let m = &self.contacts_message;
        let greeting = match known.as_slice() {
            [one] => m.greeting.get(one).unwrap_or(&m.greeting_default),
            _ => &m.greeting_default,
        };
        let mut message_zh = format!("{greeting}：{}", m.body);
        if known.iter().any(|g| matches!(g, Contacted::Colleagues | Contacted::Employer)) {
            message_zh.push_str(&m.work_line);
        }
        message_zh.push_str(&m.closing);
        ForContacts { groups, who_zh, rights_zh, articles, message_zh }
    }

    fn notes(&self, facts: &CaseFacts, anything: bool, scam_only: bool) -> Vec<String> {
        let mut notes = Vec::new();
        if !anything {
            notes.push(
                "目前没有发现违规催收的记录。请继续保存短信、通话记录和录音；如出现威胁、辱骂、联系亲友等情况，再按本计划投诉或报警。"
                    .to_string(),
            );
        }
        if scam_only {
            notes.push(
                "对方可能并不是真正的放贷方，所以本计划没有列出向放贷机构投诉或起诉放贷机构。先不要按对方的要求付款；如果你确实有借款，请通过借款合同或App查明放贷机构全称，并只通过其官方客服核实欠款，再用 anjing facts 填写放贷方类型。"
                    .to_string(),
            );
        }
        match facts.lender_type {
            LenderType::UnlicensedOrUnknown => notes.push(
                "如果能在借款合同、App或放款记录中查到放贷机构全称，并确认是银行、消费金融公司或小额贷款公司，可以改按持牌机构的路径向监管部门投诉。"
                    .to_string(),
            ),
            LenderType::Bank | LenderType::CreditCard | LenderType::ConsumerFinance => {
                // The guideline was published 2026-01-30: only events from then on.
                let published = jiff::civil::date(2026, 1, 30);
                match (facts.first_event, facts.last_event.or(facts.first_event)) {
                    (_, Some(last)) if last >= published => notes.push(
                        "据公开报道，中国银行业协会2026年1月30日发布的行业自律指引对催收时段（晚22:00至次日早8:00）、频次和联系第三人有明确要求，2026年1月30日以后的催收行为投诉时可以引用；违反的是行业自律指引，不能说成违法。"
                            .to_string(),
                    ),
                    (_, Some(_)) => {}
                    (None, None) => notes.push(
                        "据公开报道，中国银行业协会2026年1月30日发布了催收行业自律指引，只适用于此后的催收行为；本案记录没有可读的日期，能否引用要看事情发生的实际日期。违反的是行业自律指引，不能说成违法。"
                            .to_string(),
                    ),
                    (Some(_), None) => {}
                }
            }
            LenderType::MicroLoan => {}
            LenderType::Unknown => notes.push(
                "还不清楚放贷方是什么机构，所以本计划没有列出金融监管部门。请在借款合同、App的借款协议或放款记录中查找放贷机构全称：银行和消费金融公司、小额贷款公司、无牌放贷，投诉的去处不同。查到后用 anjing facts 填写，再看一次计划。"
                    .to_string(),
            ),
        }
        // A period computed against the case's dates (`deadlines`) is not repeated here.
        let dated = facts.first_event.or(facts.last_event).is_some();
        notes.extend(
            self.limitations
                .iter()
                .filter(|g| !(dated && g.computed.is_some()))
                .filter(|g| {
                    g.only_before.is_none_or(|before| facts.first_event.is_none_or(|f| f < before))
                })
                .map(|g| format!("{}：{}", g.title_zh, g.detail_zh)),
        );
        notes
    }
}

struct PlanBuilder<'a> {
    guide: &'a Guide,
    facts: &'a CaseFacts,
    steps: Vec<Step>,
}

impl PlanBuilder<'_> {
    /// Adds a step, or a further reason to the step already there for that channel.
    fn push(&mut self, channel_id: &str, reason: &str) {
        let why = self.guide.reasons.get(reason).cloned().unwrap_or_default();
        if let Some(step) = self.steps.iter_mut().find(|s| s.channel_id == channel_id) {
            if !step.why_zh.contains(&why) {
                step.why_zh.push_str(&why);
            }
            return;
        }
        let Some(c) = self.guide.channel(channel_id) else { return };
        let mut asks: Vec<Requirement> =
            c.asks.iter().filter_map(|key| self.requirement(key)).collect();
        let f = self.facts;
        let unidentified = f.lender_name.as_deref().is_none_or(|n| n.trim().is_empty())
            && matches!(f.lender_type, LenderType::UnlicensedOrUnknown | LenderType::Unknown);
        if unidentified
            && c.id == "police"
            && let Some(r) = self.requirement("lender_clues")
        {
            asks.push(r);
        }
        self.steps.push(Step {
            channel_id: c.id.clone(),
            short_zh: c.short_zh.clone(),
            name_zh: c.name_zh.clone(),
            why_zh: why,
            how_zh: c.how_zh.clone(),
            asks,
            confidence: c.confidence,
        });
    }

    fn requirement(&self, key: &str) -> Option<Requirement> {
        let f = self.facts;
        let no_name = f.lender_name.as_deref().is_none_or(|n| n.trim().is_empty());
        let unidentified = no_name
            && matches!(f.lender_type, LenderType::UnlicensedOrUnknown | LenderType::Unknown);
        // An unlicensed or unknown lender rarely has a name to give: ask for what identifies it.
        let key = if unidentified && key == "lender_name" { "lender_clues" } else { key };
        let doc = self.guide.requirements.get(key)?;
        let text = |v: &Option<String>| match v.as_deref().map(str::trim) {
            Some(s) if !s.is_empty() => Have::Filled(s.to_string()),
            _ => Have::Missing,
        };
        let status = match doc.fact {
            // Who the defendant is and where: for an unidentified lender, not something the
            // person can prepare alone.
            None if unidentified && matches!(key, "defendant_address" | "defendant_identity") => {
                Have::Missing
            }
            None => Have::Prepare,
            Some(Fact::LenderName) => text(&f.lender_name),
            Some(Fact::AppName) => text(&f.app_name),
            Some(Fact::ReporterName) => text(&f.reporter_name),
            Some(Fact::ReporterPhone) => text(&f.reporter_phone),
            Some(Fact::AppViolation) if f.demanded_contacts_access => {
                Have::Filled("强制索取通讯录".into())
            }
            Some(Fact::AppViolation) => Have::Prepare,
            Some(Fact::CollectorNumbers) if f.collector_numbers.is_empty() => Have::Missing,
            Some(Fact::CollectorNumbers) => {
                Have::Filled(format!("{}个号码", f.collector_numbers.len()))
            }
            Some(Fact::Evidence) if f.evidence_count == 0 => Have::Missing,
            Some(Fact::Evidence) => Have::Filled(format!("已有{}条记录", f.evidence_count)),
            Some(Fact::LenderClues) => {
                let mut clues = Vec::new();
                if let Have::Filled(app) = text(&f.app_name) {
                    clues.push(format!("App名称“{app}”"));
                }
                if !f.collector_numbers.is_empty() {
                    clues.push(format!("催收号码{}个", f.collector_numbers.len()));
                }
                if let Have::Filled(acct) = text(&f.payment_account) {
                    clues.push(format!("收款账户“{acct}”"));
                }
                if clues.is_empty() { Have::Missing } else { Have::Filled(clues.join("、")) }
            }
        };
        let unidentified_missing = unidentified
            && matches!(key, "defendant_address" | "defendant_identity")
            && status == Have::Missing;
        let missing_zh = if unidentified_missing {
            Some("尚不清楚（对方身份不明：可先报警，由公安机关查明后补充）".to_string())
        } else {
            doc.missing_zh.clone()
        };
        let missing_zh = missing_zh.unwrap_or_else(|| match doc.fact {
            Some(Fact::Evidence | Fact::CollectorNumbers) => "尚未导入".to_string(),
            _ => "尚未填写".to_string(),
        });
        Some(Requirement {
            key: key.to_string(),
            label_zh: doc.label_zh.clone(),
            status,
            missing_zh,
        })
    }
}

/// `威胁恐吓（3）、联系第三人（12）` for the abusive practices found, in display order.
fn found_summary(practices_found: &[(Practice, usize)]) -> String {
    Practice::ALL
        .into_iter()
        .filter(|p| p.is_abusive())
        .filter_map(|p| {
            let n: usize = practices_found.iter().filter(|(q, _)| *q == p).map(|(_, n)| n).sum();
            (n > 0).then(|| format!("{}（{n}）", p.name_zh()))
        })
        .collect::<Vec<_>>()
        .join("、")
}

/// The text of an SMS report to 12321: `被举报号码*原短信内容` (legal-cn.md §8, VERIFIED-2).
/// Send it to 12321 from the phone that received the message.
pub fn sms_report_12321(number: &str, original_text: &str) -> String {
    format!("{}*{}", number.trim(), original_text)
}

fn builtin_guide() -> &'static Guide {
    static GUIDE: OnceLock<Guide> = OnceLock::new();
    GUIDE.get_or_init(|| {
        // The embedded data is checked by this crate's tests; failing here means a data file
        // was edited without running them.
        let library = Library::builtin().expect("built-in law data is valid (see crate tests)");
        Guide::builtin(&library).expect("built-in channel data is valid (see crate tests)")
    })
}

/// The plan for a case, from the built-in data. See [`Guide::advise`].
pub fn advise(facts: &CaseFacts, practices_found: &[(Practice, usize)]) -> Plan {
    builtin_guide().advise(facts, practices_found)
}

/// The contacted people's own rights and a message for them, from the built-in data (what
/// [`Plan::for_contacts`] holds when anyone was contacted). The documents use it for the
/// 致亲友的说明.
pub fn contacts_advice(facts: &CaseFacts) -> ForContacts {
    builtin_guide().for_contacts(facts)
}

/// What to do first: don't pay in panic, keep evidence, tell contacts, never give codes,
/// report early.
pub fn first_steps() -> &'static [Guidance] {
    builtin_guide().first_steps()
}

/// Deadlines that matter: 治安 offences not discovered within six months are not punished;
/// the 2026-01-01 version switch; civil limitation periods.
pub fn limitation_notes() -> &'static [Guidance] {
    builtin_guide().limitations()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(lender_type: LenderType) -> CaseFacts {
        CaseFacts { lender_type, ..CaseFacts::default() }
    }

    const HARASSED: [(Practice, usize); 3] =
        [(Practice::ThirdPartyContact, 12), (Practice::Threat, 3), (Practice::LegitReminder, 5)];

    fn pos(plan: &Plan, id: &str) -> usize {
        plan.channel_ids().iter().position(|c| *c == id).unwrap_or_else(|| {
            panic!("{id} not in {:?}", plan.channel_ids());
        })
    }

    #[test]
    fn builtin_guide_loads_and_checks() {
        let lib = Library::builtin().unwrap();
        let g = Guide::builtin(&lib).unwrap();
        assert_eq!(g.channels().len(), USED_CHANNELS.len());
        assert!(!first_steps().is_empty() && !limitation_notes().is_empty());
    }

    #[test]
    fn licensed_lenders_go_lender_then_12378_then_police_then_court() {
        for t in [LenderType::Bank, LenderType::CreditCard, LenderType::ConsumerFinance] {
            let plan = advise(&facts(t), &HARASSED);
            let ids = plan.channel_ids();
            assert_eq!(ids[0], "lender", "{ids:?}");
            assert_eq!(ids[1], "12378", "{ids:?}");
            assert!(pos(&plan, "12378") < pos(&plan, "police"));
            assert!(pos(&plan, "police") < pos(&plan, "court-civil"));
            assert!(!ids.contains(&"local-regulator") && !ids.contains(&"nifa"));
            assert_eq!(*ids.last().unwrap(), "court-civil");
        }
    }

    #[test]
    fn small_loan_companies_go_to_the_local_regulator_and_nifa_not_12378() {
        let plan = advise(&facts(LenderType::MicroLoan), &HARASSED);
        let ids = plan.channel_ids();
        assert_eq!(&ids[..3], ["lender", "local-regulator", "nifa"], "{ids:?}");
        assert!(!ids.contains(&"12378"));
        assert!(pos(&plan, "nifa") < pos(&plan, "police"));
        assert!(pos(&plan, "police") < pos(&plan, "court-civil"));
    }

    #[test]
    fn unlicensed_lenders_go_to_the_police_first_and_never_to_12378() {
        let plan = advise(&facts(LenderType::UnlicensedOrUnknown), &HARASSED);
        let ids = plan.channel_ids();
        assert_eq!(ids[0], "police", "{ids:?}");
        assert!(!ids.contains(&"12378") && !ids.contains(&"lender"), "{ids:?}");
        let police = &plan.steps[0];
        assert!(police.why_zh.contains("催收非法债务罪"), "{}", police.why_zh);
        assert!(police.why_zh.contains("情节严重"));
        // Nothing points an unlicensed case to 12378, not even the list of places to avoid.
        for a in &plan.avoid {
            assert!(!a.why_zh.contains("12378"), "{}", a.why_zh);
        }
        assert!(police.why_zh.contains("威胁恐吓（3）"), "{}", police.why_zh);
        // Police appears once even though two reasons put it in the plan.
        assert_eq!(ids.iter().filter(|c| **c == "police").count(), 1);
    }

    #[test]
    fn an_unknown_lender_names_no_regulator_and_no_illegal_debt_offence() {
        assert_eq!(CaseFacts::default().lender_type, LenderType::Unknown);
        let plan = advise(&facts(LenderType::Unknown), &HARASSED);
        let ids = plan.channel_ids();
        assert_eq!(ids[0], "police", "{ids:?}");
        for id in ["12378", "local-regulator", "nifa", "lender"] {
            assert!(!ids.contains(&id), "{ids:?}");
        }
        // Not known to be an illegal debt: the 催收非法债务罪 reason is not given.
        assert!(!plan.steps[0].why_zh.contains("催收非法债务罪"), "{}", plan.steps[0].why_zh);
        assert!(plan.notes_zh.iter().any(|n| n.contains("还不清楚放贷方")), "{:?}", plan.notes_zh);
    }

    #[test]
    fn a_scam_puts_the_police_first_whatever_the_lender() {
        let f = CaseFacts { scam_signs: true, ..facts(LenderType::Bank) };
        let plan = advise(&f, &HARASSED);
        assert_eq!(plan.channel_ids()[0], "police");
        assert!(plan.steps[0].why_zh.contains("诈骗"));
        assert!(plan.channel_ids().contains(&"12378"));
    }

    #[test]
    fn a_scam_with_no_known_lender_goes_to_the_police_only() {
        let f = CaseFacts { scam_signs: true, ..facts(LenderType::Unknown) };
        let found = [(Practice::Scam, 2), (Practice::Impersonation, 1)];
        let plan = advise(&f, &found);
        let ids = plan.channel_ids();
        assert_eq!(ids[0], "police", "{ids:?}");
        for id in ["court-civil", "court-injunction", "lender", "12378", "local-regulator"] {
            assert!(!ids.contains(&id), "{id}: {ids:?}");
        }
        let why = &plan.steps[0].why_zh;
        assert!(why.contains("诈骗罪") && why.contains("110"), "{why}");
        // Only what was found: no threats, insults or disclosure were.
        for absent in ["威胁人身安全", "侮辱", "透露欠款", "深夜来电"] {
            assert!(!why.contains(absent), "{absent}: {why}");
        }
        assert!(why.contains("冒充公安、法院"), "{why}");
        assert!(plan.notes_zh.iter().any(|n| n.contains("可能并不是真正的放贷方")));
    }

    #[test]
    fn police_reasons_name_only_what_was_found_or_stated() {
        let plan = advise(&facts(LenderType::Bank), &[(Practice::NightContact, 4)]);
        let police = &plan.steps[pos(&plan, "police")];
        assert!(police.why_zh.contains("深夜来电"), "{}", police.why_zh);
        for absent in ["威胁", "侮辱", "透露欠款", "冒充"] {
            assert!(!police.why_zh.contains(absent), "{absent}: {}", police.why_zh);
        }
        let f = CaseFacts { threats: true, ..facts(LenderType::Bank) };
        let plan = advise(&f, &[]);
        let police = &plan.steps[pos(&plan, "police")];
        assert!(police.why_zh.contains("威胁人身安全"), "{}", police.why_zh);
        assert!(police.why_zh.contains("你填写的情况"), "{}", police.why_zh);
    }

    #[test]
    fn the_bank_association_guideline_is_mentioned_only_for_events_from_its_date() {
        use jiff::civil::date;
        let cba = |p: &Plan| p.notes_zh.iter().any(|n| n.contains("中国银行业协会"));
        let old = CaseFacts {
            first_event: Some(date(2025, 10, 1)),
            last_event: Some(date(2026, 1, 29)),
            ..facts(LenderType::Bank)
        };
        assert!(!cba(&advise(&old, &HARASSED)));
        let new = CaseFacts { last_event: Some(date(2026, 1, 30)), ..old.clone() };
        assert!(cba(&advise(&new, &HARASSED)));
        // Undated: mentioned, with the uncertainty said.
        let undated = facts(LenderType::ConsumerFinance);
        let plan = advise(&undated, &HARASSED);
        assert!(
            plan.notes_zh
                .iter()
                .any(|n| n.contains("中国银行业协会") && n.contains("没有可读的日期")),
            "{:?}",
            plan.notes_zh
        );
    }

    #[test]
    fn reasons_keep_to_what_the_reference_says() {
        let lib = Library::builtin().unwrap();
        let g = Guide::builtin(&lib).unwrap();
        // Only the draft (征求意见稿) is reported to leave contacts out of an App's necessary data.
        let app = &g.reasons["app_contacts"];
        assert!(app.contains("征求意见稿") && app.contains("尚未核实"), "{app}");
        // 民法典第一千一百八十三条: only a serious mental harm.
        assert!(g.reasons["court_civil"].contains("造成严重精神损害的"));
    }

    #[test]
    fn contact_list_demands_add_12377_and_12321() {
        let f = CaseFacts {
            demanded_contacts_access: true,
            app_name: Some("某某借".into()),
            ..facts(LenderType::MicroLoan)
        };
        let plan = advise(&f, &[]);
        let ids = plan.channel_ids();
        assert!(ids.contains(&"12377") && ids.contains(&"12321"), "{ids:?}");
        let s12377 = &plan.steps[pos(&plan, "12377")];
        assert!(s12377.lacking_zh().is_empty(), "{:?}", s12377.lacking_zh());
        // No abuse was found, so no police and no court.
        assert!(!ids.contains(&"police") && !ids.contains(&"court-civil"), "{ids:?}");
    }

    #[test]
    fn plan_says_what_the_case_still_lacks() {
        let plan = advise(&facts(LenderType::Bank), &HARASSED);
        let lacking = plan.lacking_zh();
        assert!(lacking.contains(&"12378 需要涉事机构全称：尚未填写".to_string()), "{lacking:?}");
        let f = CaseFacts {
            lender_name: Some("某某消费金融有限公司".into()),
            reporter_name: Some("张三".into()),
            reporter_phone: Some("13800000000".into()),
            evidence_count: 42,
            ..facts(LenderType::ConsumerFinance)
        };
        let plan = advise(&f, &HARASSED);
        let step = &plan.steps[pos(&plan, "12378")];
        assert!(step.lacking_zh().is_empty(), "{:?}", step.lacking_zh());
        let lines: Vec<String> = step.asks.iter().map(Requirement::line_zh).collect();
        assert!(lines.contains(&"涉事机构全称：已有（某某消费金融有限公司）".to_string()));
        assert!(lines.contains(&"事情经过：请自行准备".to_string()), "{lines:?}");
    }

    #[test]
    fn nothing_abusive_means_no_complaint_steps() {
        let plan = advise(&facts(LenderType::Bank), &[(Practice::LegitReminder, 9)]);
        assert!(plan.steps.is_empty(), "{:?}", plan.channel_ids());
        assert!(plan.notes_zh[0].contains("没有发现违规催收"));
        // Counts of zero are "not found".
        let plan = advise(&facts(LenderType::MicroLoan), &[(Practice::Threat, 0)]);
        assert!(plan.steps.is_empty());
    }

    #[test]
    fn insults_add_private_prosecution_and_harassment_adds_an_injunction() {
        let plan = advise(&facts(LenderType::Bank), &[(Practice::Insult, 2)]);
        let ids = plan.channel_ids();
        assert!(ids.contains(&"court-private-prosecution") && ids.contains(&"court-injunction"));
        let plan = advise(&facts(LenderType::Bank), &[(Practice::FakeLegal, 1)]);
        assert!(!plan.channel_ids().contains(&"court-injunction"));
        assert!(plan.channel_ids().contains(&"police"));
    }

    #[test]
    fn limitation_notes_are_general_only_where_no_date_is_computed() {
        use jiff::civil::date;
        assert!(limitation_notes().iter().any(|g| g.detail_zh.contains("六个月")));
        let six = |p: &Plan| p.notes_zh.iter().any(|n| n.contains("治安处罚：六个月"));
        let three = |p: &Plan| p.notes_zh.iter().any(|n| n.contains("三年诉讼时效"));
        // Undated: the general notes stand in for the computed deadlines.
        let plan = advise(&facts(LenderType::Bank), &HARASSED);
        assert!(six(&plan) && three(&plan), "{:?}", plan.notes_zh);
        // Dated: `deadlines` computes them; the plan does not repeat them.
        let f = CaseFacts {
            first_event: Some(date(2025, 9, 1)),
            last_event: Some(date(2026, 2, 1)),
            as_of: Some(date(2026, 3, 2)),
            ..facts(LenderType::Bank)
        };
        let plan = advise(&f, &HARASSED);
        assert!(!six(&plan) && !three(&plan), "{:?}", plan.notes_zh);
        // What cannot be computed from the case's dates stays, and says why.
        assert!(
            plan.notes_zh
                .iter()
                .any(|n| n.contains("三十日") && n.contains("不能按本案的日期计算")),
            "{:?}",
            plan.notes_zh
        );
        assert!(plan.notes_zh.iter().any(|n| n.contains("第四十二条") && n.contains("第五十条")));
        // Every event in 2026: the version switch is not mentioned.
        let f = CaseFacts { first_event: Some(date(2026, 1, 2)), ..f };
        let plan = advise(&f, &HARASSED);
        assert!(!plan.notes_zh.iter().any(|n| n.contains("第四十二条")), "{:?}", plan.notes_zh);
    }

    fn unlicensed_with(abuse: &[(Practice, usize)], f: CaseFacts) -> Plan {
        advise(&CaseFacts { lender_type: LenderType::UnlicensedOrUnknown, ..f }, abuse)
    }

    #[test]
    fn an_unidentified_lender_is_asked_for_clues_not_a_full_name() {
        let found =
            [(Practice::Threat, 2), (Practice::Insult, 1), (Practice::ThirdPartyContact, 3)];
        for t in [LenderType::UnlicensedOrUnknown, LenderType::Unknown] {
            let plan = advise(&facts(t), &found);
            assert_eq!(plan.channel_ids()[0], "police", "{:?}", plan.channel_ids());
            for s in &plan.steps {
                for r in &s.asks {
                    assert_ne!(r.label_zh, "涉事机构全称", "{}: {t:?}", s.channel_id);
                }
            }
            let lacking = plan.lacking_zh().join("\n");
            assert!(!lacking.contains("涉事机构全称"), "{lacking}");
            assert!(lacking.contains("对方身份线索（App名称、催收号码、收款账户）"), "{lacking}");
            for id in ["court-civil", "court-injunction", "court-private-prosecution"] {
                let step = &plan.steps[pos(&plan, id)];
                assert!(step.why_zh.contains("先报警，由公安机关查明"), "{id}");
                assert!(pos(&plan, "police") < pos(&plan, id));
            }
            // 自诉 is criminal procedure: no 民事诉讼法 article is cited for it.
            let private = &plan.steps[pos(&plan, "court-private-prosecution")];
            assert!(!private.why_zh.contains("民事诉讼法"), "{}", private.why_zh);
            assert!(private.why_zh.contains("第二百四十六条"), "{}", private.why_zh);
            let civil = &plan.steps[pos(&plan, "court-civil")];
            let addr = civil.asks.iter().find(|r| r.key == "defendant_address").unwrap();
            assert_eq!(addr.status, Have::Missing);
            assert!(addr.missing_zh.contains("由公安机关查明"), "{}", addr.missing_zh);
            let police = &plan.steps[pos(&plan, "police")];
            assert!(police.why_zh.contains("收款账户"), "{}", police.why_zh);
            assert!(police.asks.iter().any(|r| r.key == "lender_clues"));
        }
        // Clues on file are shown as had.
        let f = CaseFacts {
            app_name: Some("快闪借".into()),
            collector_numbers: vec!["17100000000".into(), "17100000001".into()],
            payment_account: Some("张某 6222****1234".into()),
            ..CaseFacts::default()
        };
        let plan = unlicensed_with(&found, f);
        let civil = &plan.steps[pos(&plan, "court-civil")];
        let clue = civil.asks.iter().find(|r| r.key == "lender_clues").unwrap();
        assert_eq!(
            clue.status,
            Have::Filled("App名称“快闪借”、催收号码2个、收款账户“张某 6222****1234”".into())
        );
        // A named unlicensed lender is asked for by name, as a court needs.
        let named = unlicensed_with(
            &found,
            CaseFacts {
                lender_name: Some("某某信息咨询有限公司".into()), ..CaseFacts::default()
            },
        );
        let civil = &named.steps[pos(&named, "court-civil")];
        assert!(civil.asks.iter().any(|r| r.key == "lender_name"));
        assert!(!civil.why_zh.contains("先报警，由公安机关查明对方身份"));
        // Licensed lenders keep 涉事机构全称 for 12378.
        let plan = advise(&facts(LenderType::ConsumerFinance), &found);
        assert!(plan.lacking_zh().iter().any(|l| l.starts_with("12378 需要涉事机构全称")));
    }

    #[test]
    fn contacted_people_get_their_own_rights_and_a_message() {
        use jiff::civil::date;
        let f = CaseFacts {
            contacted: vec![Contacted::Employer, Contacted::Relatives],
            ..facts(LenderType::Bank)
        };
        // Stated only: the plan still treats it as third-party contact.
        let plan = advise(&f, &[]);
        assert!(plan.channel_ids().contains(&"police"), "{:?}", plan.channel_ids());
        let police = &plan.steps[pos(&plan, "police")];
        assert!(police.why_zh.contains("你填写的情况"), "{}", police.why_zh);
        let c = plan.for_contacts.as_ref().unwrap();
        assert_eq!(c.groups, [Contacted::Relatives, Contacted::Employer]);
        assert_eq!(c.who_zh, "家人、亲属、工作单位（领导）");
        let all = c.rights_zh.join("\n");
        assert!(
            all.contains("第一千零三十三条第（一）项") && all.contains("用自己的名义"),
            "{all}"
        );
        assert!(all.contains("名誉权"), "{all}");
        // Undated bank case: the guideline's point on related and unrelated third parties.
        assert!(all.contains("债务相关第三人"), "{all}");
        assert!(c.message_zh.starts_with("你好：") && c.message_zh.contains("与工作无关"));
        assert!(c.message_zh.contains("不要替我还款") && c.message_zh.contains("12321"));
        for id in &c.articles {
            assert!(Library::builtin().unwrap().article(id).is_some(), "{id}");
        }
        // Relatives only, unlicensed lender: no 名誉权 point for work, no guideline point.
        let f = CaseFacts { contacted: vec![Contacted::Relatives], ..CaseFacts::default() };
        let plan = unlicensed_with(&[], f);
        let c = plan.for_contacts.unwrap();
        let all = c.rights_zh.join("\n");
        assert!(!all.contains("名誉权") && !all.contains("中国银行业协会"), "{all}");
        assert!(c.message_zh.starts_with("家里人：") && !c.message_zh.contains("与工作无关"));
        // A bank case whose events all predate the guideline: not cited.
        let f = CaseFacts {
            contacted: vec![Contacted::Relatives],
            first_event: Some(date(2025, 10, 1)),
            last_event: Some(date(2026, 1, 29)),
            ..facts(LenderType::Bank)
        };
        let c = advise(&f, &[]).for_contacts.unwrap();
        assert!(!c.rights_zh.join("").contains("中国银行业协会"));
        // Found in the evidence but not said who: a general greeting and who.
        let plan = advise(&facts(LenderType::MicroLoan), &[(Practice::ThirdPartyContact, 4)]);
        let c = plan.for_contacts.unwrap();
        assert!(c.groups.is_empty() && c.who_zh.contains("第三人"), "{}", c.who_zh);
        // Nobody contacted: nothing for contacts.
        assert!(
            advise(&facts(LenderType::MicroLoan), &[(Practice::Threat, 1)]).for_contacts.is_none()
        );
        for s in c.rights_zh.iter().chain([&c.message_zh]) {
            assert!(!wording::overstates(s) && !wording::names_defunct_regulator_as_current(s));
        }
    }

    #[test]
    fn first_steps_cover_the_essentials() {
        let all: String =
            first_steps().iter().map(|g| format!("{}{}", g.title_zh, g.detail_zh)).collect();
        for needle in ["恐慌式还款", "保存", "亲友", "验证码", "报警"] {
            assert!(all.contains(needle), "first steps miss {needle}");
        }
    }

    #[test]
    fn channel_wording_is_current_and_careful() {
        let lib = Library::builtin().unwrap();
        let g = Guide::builtin(&lib).unwrap();
        let text = g.all_text();
        for s in &text {
            assert!(!wording::names_defunct_regulator_as_current(s), "{s}");
            assert!(!wording::overstates(s), "{s}");
        }
        let c = g.channel("12378").unwrap();
        assert!(c.name_zh.contains("国家金融监督管理总局"));
        let c = g.channel("12321").unwrap();
        assert!(c.how_zh.iter().any(|l| l.contains("格式为“被举报号码*原短信内容”")));
        // UNVERIFIED facts from the reference are not stated anywhere.
        for s in &text {
            assert!(!s.contains("96110") && !s.contains("12315"), "{s}");
        }
        assert_eq!(sms_report_12321(" 10690000 ", "逾期不还上门"), "10690000*逾期不还上门");
    }

    #[test]
    fn plan_text_never_overstates() {
        for t in [
            LenderType::Bank,
            LenderType::CreditCard,
            LenderType::ConsumerFinance,
            LenderType::MicroLoan,
            LenderType::UnlicensedOrUnknown,
            LenderType::Unknown,
        ] {
            let all: Vec<(Practice, usize)> = Practice::ALL.iter().map(|&p| (p, 1)).collect();
            let f = CaseFacts { demanded_contacts_access: true, scam_signs: true, ..facts(t) };
            let plan = advise(&f, &all);
            for s in plan.steps.iter().map(|s| &s.why_zh).chain(&plan.notes_zh) {
                assert!(!wording::overstates(s), "{s}");
                assert!(!wording::names_defunct_regulator_as_current(s), "{s}");
            }
            if matches!(t, LenderType::UnlicensedOrUnknown | LenderType::Unknown) {
                assert!(!plan.channel_ids().contains(&"12378"));
            }
        }
    }
}
