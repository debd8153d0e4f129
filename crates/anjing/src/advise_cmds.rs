//! `anjing facts` (what the evidence cannot tell, asked once and stored) and `anjing advise`
//! (what to do, in order, with the legal bases and deadlines for this case).
//!
//! The known fact keys live in one table, [`FACT_KEYS`]; the vault stores them as plain
//! strings and logs every change (`anjing_vault::facts`). Everything said about the law comes
//! from `anjing-law`'s data: channels and first steps (`advise`, `first_steps`), bases by date
//! (`bases_for_range`) with their confidence labels, and the limitation notes. This module only
//! adds what the case itself shows: its dates, numbers, findings and what is still missing.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;

use anjing_law::{Area, CaseFacts, Confidence, Guidance, Have, LenderType, Library, Plan, Step};
use anjing_model::{Direction, Practice};
use anjing_vault::Case;
use anyhow::{Context, Result, bail};
use jiff::ToSpan;
use jiff::civil::Date;
use serde::Serialize;

use crate::exit::Status;

/// What kind of value a fact takes, and so how it is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    LenderType,
    YesNo,
    IdNumber,
    Phone,
    Amount,
    /// Who was contacted: a set of [`anjing_law::Contacted`] codes, stored comma-separated
    /// in a fixed order so that the same answer is never logged as a change.
    People,
}

/// One known fact key.
pub struct FactKey {
    /// The stored key.
    pub key: &'static str,
    /// Its name for people.
    pub label_zh: &'static str,
    /// The question asked by `anjing facts` on a terminal.
    question_zh: &'static str,
    kind: Kind,
}

/// Every fact the program knows about, in the order they are asked.
pub const FACT_KEYS: &[FactKey] = &[
    FactKey {
        key: "borrower_name",
        label_zh: "借款人姓名",
        question_zh: "借款人（通常是你本人）的姓名？",
        kind: Kind::Text,
    },
    FactKey {
        key: "borrower_id_number",
        label_zh: "借款人身份证号",
        question_zh: "借款人的身份证号？（起诉、报案时需要）",
        kind: Kind::IdNumber,
    },
    FactKey {
        key: "borrower_phone",
        label_zh: "借款人联系电话",
        question_zh: "借款人的联系电话？（投诉时留的联系方式）",
        kind: Kind::Phone,
    },
    FactKey {
        key: "borrower_address",
        label_zh: "借款人住址",
        question_zh: "借款人的住址？（起诉时需要）",
        kind: Kind::Text,
    },
    FactKey {
        key: "lender_type",
        label_zh: "放贷方类型",
        question_zh: "钱是从哪类机构借的？",
        kind: Kind::LenderType,
    },
    FactKey {
        key: "lender_name",
        label_zh: "放贷机构全称",
        question_zh: "放贷机构的全称？（见借款合同或App里的借款协议，例如“某某网络小额贷款有限公司”）",
        kind: Kind::Text,
    },
    FactKey {
        key: "app_name",
        label_zh: "借款App名称",
        question_zh: "借款用的App叫什么？",
        kind: Kind::Text,
    },
    FactKey {
        key: "loan_contract",
        label_zh: "借款合同编号或借款记录",
        question_zh: "借款合同编号，或者借款记录在哪里（例如“App内借款协议截图”）？",
        kind: Kind::Text,
    },
    FactKey {
        key: "loan_amount",
        label_zh: "借款金额",
        question_zh: "借了多少钱？（例如“5000元”）",
        kind: Kind::Amount,
    },
    FactKey {
        key: "contacts_access",
        label_zh: "App是否强制索取通讯录",
        question_zh: "借款App是否要求读取通讯录，不同意就不能借款？",
        kind: Kind::YesNo,
    },
    FactKey {
        key: "third_parties_contacted",
        label_zh: "亲友、同事是否被联系过（你所知道的）",
        question_zh: "据你所知，催收方有没有联系过你的亲友、同事？",
        kind: Kind::YesNo,
    },
    FactKey {
        key: "contacted_people",
        label_zh: "被联系的是哪些人（你所知道的）",
        question_zh: "被联系的是哪些人？可以填多项，用逗号或顿号分开：家人亲属、朋友、同事、工作单位（领导）、不清楚",
        kind: Kind::People,
    },
    FactKey {
        key: "threats",
        label_zh: "是否受到过威胁（你所知道的）",
        question_zh: "有没有受到过威胁（包括电话里的）？",
        kind: Kind::YesNo,
    },
    FactKey {
        key: "scam_signs",
        label_zh: "是否有诈骗迹象",
        question_zh: "对方有没有要求转账到个人账户、索要验证码，或者冒充公检法？",
        kind: Kind::YesNo,
    },
    FactKey {
        key: "illegal_debt",
        label_zh: "是否属于高利放贷等非法债务（你所知道的）",
        question_zh: "这笔借款是不是高利放贷等非法债务（例如无牌放贷、“砍头息”、利息远超法律保护的上限）？",
        kind: Kind::YesNo,
    },
    FactKey {
        key: "forged_documents",
        label_zh: "是否收到过伪造的传票、公函、律师函等文书",
        question_zh: "有没有收到过看起来是伪造的法院传票、公安通知、公函或律师函（纸质或图片，不只是短信里的说法）？",
        kind: Kind::YesNo,
    },
    FactKey {
        key: "repayment_account",
        label_zh: "对方指定的还款或转账账户",
        question_zh: "对方让你把钱还到或转到哪个账户？（户名、账号或收款码上的名字；无牌放贷往往只能靠它查明身份）",
        kind: Kind::Text,
    },
    FactKey {
        key: "collector_company",
        label_zh: "催收公司名称",
        question_zh: "催收公司的名称（如果对方说过）？",
        kind: Kind::Text,
    },
    FactKey {
        key: "remedy",
        label_zh: "想要的结果（诉求）",
        question_zh: "你希望达到什么结果？（例如“停止联系我的亲友、删除通讯录信息、赔礼道歉”）",
        kind: Kind::Text,
    },
    FactKey {
        key: "damages",
        label_zh: "主张的赔偿",
        question_zh: "打算主张哪些赔偿、多少钱？（例如“维权开支800元，精神损害赔偿”）",
        kind: Kind::Text,
    },
    FactKey {
        key: "notes", label_zh: "备注", question_zh: "还有什么要记下的？", kind: Kind::Text
    },
];

/// The `anjing facts --help` text listing every key (kept in step with [`FACT_KEYS`] by a test).
pub const FACTS_HELP: &str = "\
可以填写的信息 (keys):
  borrower_name            借款人姓名
  borrower_id_number       借款人身份证号（18位，最后一位可以是X）
  borrower_phone           借款人联系电话
  borrower_address         借款人住址
  lender_type              放贷方类型：credit_card（信用卡）、bank（银行贷款，不是信用卡）、
                           consumer_finance（消费金融公司）、micro_loan（小额贷款公司，含网络小贷）、
                           unlicensed（无牌放贷）、unknown（不清楚）。信用卡欠款请填 credit_card：
                           信用卡办法的规定（催收录音至少保存2年等）只适用于信用卡
  lender_name              放贷机构全称（见借款合同）
  app_name                 借款App名称
  loan_contract            借款合同编号或借款记录
  loan_amount              借款金额
  contacts_access          App是否强制索取通讯录：yes / no / unknown
  third_parties_contacted  亲友、同事是否被联系过（你所知道的）：yes / no / unknown
  contacted_people         被联系的是哪些人，可填多项：relatives（家人亲属）、friends（朋友）、
                           colleagues（同事）、employer（工作单位、领导）、unknown（不清楚是谁），
                           例如 contacted_people=relatives,colleagues 或 contacted_people=家人、同事
  threats                  是否受到过威胁（你所知道的）：yes / no / unknown
  scam_signs               是否有诈骗迹象（转账到个人账户、索要验证码、冒充公检法）：yes / no / unknown
  illegal_debt             是否属于高利放贷等非法债务（你所知道的）：yes / no / unknown
  forged_documents         是否收到过伪造的传票、公函、律师函等文书：yes / no / unknown
  repayment_account        对方指定的还款或转账账户（户名、账号、收款码）
  collector_company        催收公司名称
  remedy                   想要的结果（诉求）
  damages                  主张的赔偿
  notes                    备注

不带参数在终端运行时会逐项询问尚未填写的信息（直接按回车跳过）。
值留空（key=）表示删除这一项。每次改动都会写入案件日志。

示例 (examples):
  anjing facts                                      逐项询问
  anjing facts --set lender_type=micro_loan app_name=快闪借
  anjing facts --json";

/// The lender types, in the order `anjing facts` offers them (an answer may be the number).
const LENDER_TYPES: [(&str, &str, LenderType); 6] = [
    ("credit_card", "信用卡", LenderType::CreditCard),
    ("bank", "银行贷款，不是信用卡", LenderType::Bank),
    ("consumer_finance", "消费金融公司", LenderType::ConsumerFinance),
    ("micro_loan", "小额贷款公司，含网络小贷", LenderType::MicroLoan),
    ("unlicensed", "无牌放贷", LenderType::UnlicensedOrUnknown),
    ("unknown", "不清楚", LenderType::Unknown),
];

fn fact_key(key: &str) -> Option<&'static FactKey> {
    FACT_KEYS.iter().find(|k| k.key == key)
}

fn label(key: &str) -> &'static str {
    fact_key(key).map(|k| k.label_zh).unwrap_or("")
}

fn lender_type_allowed() -> String {
    LENDER_TYPES.iter().map(|(c, n, _)| format!("{c}（{n}）")).collect::<Vec<_>>().join("、")
}

/// A stored lender type's name for people, e.g. `micro_loan（小额贷款公司，含网络小贷）`.
fn lender_type_display(code: &str) -> String {
    LENDER_TYPES
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(c, n, _)| format!("{c}（{n}）"))
        .unwrap_or_else(|| code.to_string())
}

fn parse_lender_type(v: &str) -> Option<&'static str> {
    let lower = v.trim().to_lowercase();
    // The number of the interactive menu.
    if let Ok(n) = lower.parse::<usize>() {
        return n.checked_sub(1).and_then(|i| LENDER_TYPES.get(i)).map(|t| t.0);
    }
    let code = match lower.as_str() {
        "credit_card" | "信用卡" | "信用卡欠款" | "银行信用卡" => "credit_card",
        "bank" | "银行" | "银行贷款" | "银行或信用卡" => "bank",
        "consumer_finance" | "消费金融" | "消费金融公司" | "消金" => "consumer_finance",
        "micro_loan" | "小贷" | "小额贷款" | "小额贷款公司" | "网络小贷" | "网络小额贷款" => {
            "micro_loan"
        }
        "unlicensed" | "无牌" | "无牌放贷" | "高利贷" | "私人放贷" => "unlicensed",
        "unknown" | "不知道" | "不清楚" => "unknown",
        _ => return None,
    };
    Some(code)
}

fn parse_yes_no(v: &str) -> Option<&'static str> {
    match v.trim().to_lowercase().as_str() {
        "yes" | "y" | "true" | "是" | "有" | "对" | "是的" => Some("yes"),
        "no" | "n" | "false" | "否" | "没有" | "无" | "不是" => Some("no"),
        "unknown" | "不知道" | "不清楚" => Some("unknown"),
        _ => None,
    }
}

/// The group for one word of a `contacted_people` answer.
fn parse_contacted_word(w: &str) -> Option<anjing_law::Contacted> {
    use anjing_law::Contacted;
    let w = w.trim().to_lowercase();
    if let Some(c) = Contacted::from_code(&w) {
        return Some(c);
    }
    Some(match w.as_str() {
        "家人" | "亲属" | "家人亲属" | "亲戚" | "家属" | "父母" | "配偶" | "子女" | "兄弟姐妹"
        | "家里人" | "relative" | "family" => Contacted::Relatives,
        "朋友" | "同学" | "好友" | "friend" => Contacted::Friends,
        "同事" | "colleague" => Contacted::Colleagues,
        "工作单位" | "单位" | "领导" | "公司" | "老板" | "雇主" | "工作单位（领导）" => {
            Contacted::Employer
        }
        "不清楚" | "不知道" | "不清楚是谁" | "其他人" => Contacted::Unknown,
        _ => return None,
    })
}

/// A `contacted_people` answer as stored: codes in display order, comma-separated.
fn parse_contacted(v: &str) -> Option<String> {
    let mut groups = Vec::new();
    for w in v.split([',', '，', '、', ';', '；', '/', ' ', '和']).filter(|w| !w.trim().is_empty())
    {
        groups.push(parse_contacted_word(w)?);
    }
    groups.sort();
    groups.dedup();
    if groups.is_empty() {
        return None;
    }
    Some(groups.iter().map(|g| g.code()).collect::<Vec<_>>().join(","))
}

/// The stored `contacted_people` codes as groups (unknown codes skipped).
fn contacted_groups(v: Option<&String>) -> Vec<anjing_law::Contacted> {
    v.map(|v| v.split(',').filter_map(anjing_law::Contacted::from_code).collect())
        .unwrap_or_default()
}

fn contacted_display(v: &str) -> String {
    let groups: Vec<_> = v.split(',').filter_map(anjing_law::Contacted::from_code).collect();
    if groups.is_empty() { v.to_string() } else { anjing_law::contacted_names_zh(&groups) }
}

fn yes_no_display(v: &str) -> &str {
    match v {
        "yes" => "是",
        "no" => "否",
        "unknown" => "不清楚",
        other => other,
    }
}

/// Whether an 18-digit resident ID number has a valid check character (GB 11643).
fn id_number_ok(v: &str) -> bool {
    let chars: Vec<char> = v.chars().collect();
    if chars.len() == 15 {
        return chars.iter().all(char::is_ascii_digit);
    }
    if chars.len() != 18 || !chars[..17].iter().all(char::is_ascii_digit) {
        return false;
    }
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = chars[..17].iter().zip(W).map(|(c, w)| c.to_digit(10).unwrap_or(0) * w).sum();
    let check = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'][(sum % 11) as usize];
    chars[17].to_ascii_uppercase() == check
}

/// Checks and normalises one value. The error names the key and what it may be.
fn normalize(key: &str, raw: &str) -> Result<String, String> {
    let Some(k) = fact_key(key) else {
        let known: Vec<&str> = FACT_KEYS.iter().map(|k| k.key).collect();
        return Err(format!("没有“{key}”这一项。可以填写的有：{}", known.join("、")));
    };
    let v = raw.trim();
    if v.is_empty() {
        return Ok(String::new());
    }
    let bad =
        |allowed: &str| Err(format!("{}（{}）不能是“{v}”。可以填：{allowed}", k.key, k.label_zh));
    match k.kind {
        Kind::Text => {
            if v.chars().count() > 500 {
                return bad("不超过500个字的文字");
            }
            Ok(v.to_string())
        }
        Kind::LenderType => match parse_lender_type(v) {
            Some(c) => Ok(c.to_string()),
            None => bad(&lender_type_allowed()),
        },
        Kind::YesNo => match parse_yes_no(v) {
            Some(c) => Ok(c.to_string()),
            None => bad("yes（是）、no（否）、unknown（不清楚）"),
        },
        Kind::IdNumber => {
            let up = v.to_ascii_uppercase();
            if id_number_ok(&up) {
                Ok(up)
            } else {
                bad("18位居民身份证号码（前17位是数字，最后一位是数字或X，校验位要正确）")
            }
        }
        Kind::Phone => {
            use anjing_model::phone::NumberClass;
            match anjing_model::phone::parse(v).class {
                NumberClass::Mobile | NumberClass::VirtualMobile | NumberClass::Landline => {
                    Ok(v.to_string())
                }
                _ => bad("手机号码（11位）或带区号的固定电话"),
            }
        }
        Kind::People => match parse_contacted(v) {
            Some(c) => Ok(c),
            None => bad(
                "relatives（家人亲属）、friends（朋友）、colleagues（同事）、employer（工作单位、领导）、unknown（不清楚是谁），可填多项，用逗号分开",
            ),
        },
        Kind::Amount => {
            let has_number = v.chars().any(|c| {
                c.is_ascii_digit()
                    || ('０'..='９').contains(&c)
                    || "一二三四五六七八九十百千万".contains(c)
            });
            if has_number { Ok(v.to_string()) } else { bad("金额，例如“5000元”") }
        }
    }
}

/// The licensed lender type a registered name suggests, from the words in it.
fn name_suggests(name: &str) -> Option<&'static str> {
    if name.contains("消费金融") {
        Some("consumer_finance")
    } else if name.contains("小额贷款") || name.contains("小贷") {
        Some("micro_loan")
    } else if name.contains("银行") {
        Some("bank")
    } else {
        None
    }
}

/// A lender type that the lender's own name contradicts: `(stated, suggested)`.
fn lender_mismatch(facts: &BTreeMap<String, String>) -> Option<(&str, &'static str)> {
    let stated = facts.get("lender_type")?.as_str();
    let suggested = name_suggests(facts.get("lender_name")?)?;
    // A credit card is issued by a bank.
    let same = stated == suggested || (stated == "credit_card" && suggested == "bank");
    (!same && stated != "unknown").then_some((stated, suggested))
}

/// Refuses facts that contradict each other. An unlicensed lender with a licensed-sounding
/// name is allowed (lenders borrow names); the plan says it is uncertain.
fn check_consistent(facts: &BTreeMap<String, String>) -> Result<(), String> {
    check_consistent_on(facts, Face::Cli)
}

/// Where a refusal is read: the fix it suggests is a command or a form field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Face {
    Cli,
    Web,
}

fn check_consistent_on(facts: &BTreeMap<String, String>, face: Face) -> Result<(), String> {
    if facts.get("third_parties_contacted").is_some_and(|v| v == "no")
        && let Some(people) = facts.get("contacted_people")
    {
        let fix = match face {
            Face::Cli => {
                "例如：anjing facts --set third_parties_contacted=yes，或 anjing facts --set contacted_people="
            }
            Face::Web => {
                "例如把“亲友、同事是否被联系过”改为“是”，或者取消勾选“被联系的是哪些人”里的各项"
            }
        };
        return Err(format!(
            "third_parties_contacted（亲友、同事是否被联系过）填的是“否”，但 contacted_people（被联系的是哪些人）填了“{}”。两者矛盾，没有保存。请改正其中一项，{fix}",
            contacted_display(people)
        ));
    }
    if let Some((stated, suggested)) = lender_mismatch(facts)
        && stated != "unlicensed"
    {
        let fix = match face {
            Face::Cli => format!("例如：anjing facts --set lender_type={suggested}"),
            Face::Web => format!("例如把“放贷方类型”改为 {suggested}"),
        };
        return Err(format!(
            "lender_type（放贷方类型）填的是 {}，但 lender_name（放贷机构全称）“{}”看起来是 {}。两者矛盾，没有保存。请核对借款合同，改正其中一项，{fix}",
            lender_type_display(stated),
            facts["lender_name"],
            lender_type_display(suggested),
        ));
    }
    Ok(())
}

/// Parses `key=value` arguments, checking each value and refusing contradictions.
fn parse_sets(sets: &[String]) -> Result<Vec<(String, String)>> {
    let mut out: Vec<(String, String)> = Vec::new();
    for s in sets {
        let Some((k, v)) = s.split_once('=') else {
            bail!(
                "“{s}”的写法不对，应当是 key=value，例如 lender_type=bank。运行 anjing facts --help 查看可以填写的项目"
            );
        };
        let k = k.trim();
        let v = normalize(k, v).map_err(anyhow::Error::msg)?;
        if let Some((_, prev)) = out.iter().find(|(pk, _)| pk == k) {
            if *prev != v {
                bail!(
                    "{k}（{}）在同一次填写中出现了两个不同的值（“{prev}”和“{v}”），没有保存。请只填一个",
                    label(k)
                );
            }
            continue;
        }
        out.push((k.to_string(), v));
    }
    Ok(out)
}

fn merged(stored: &BTreeMap<String, String>, new: &[(String, String)]) -> BTreeMap<String, String> {
    let mut m = stored.clone();
    for (k, v) in new {
        if v.is_empty() {
            m.remove(k);
        } else {
            m.insert(k.clone(), v.clone());
        }
    }
    m
}

fn display_value(key: &str, value: &str) -> String {
    match fact_key(key).map(|k| k.kind) {
        Some(Kind::LenderType) => lender_type_display(value),
        Some(Kind::YesNo) => yes_no_display(value).to_string(),
        Some(Kind::People) => contacted_display(value),
        _ => value.to_string(),
    }
}

fn print_facts(out: &mut dyn Write, facts: &BTreeMap<String, String>) -> std::io::Result<()> {
    writeln!(out, "案件信息（用 anjing facts --set key=value 修改）：")?;
    for k in FACT_KEYS {
        let v = facts.get(k.key).map(|v| display_value(k.key, v));
        writeln!(out, "  {:<24} {}：{}", k.key, k.label_zh, v.as_deref().unwrap_or("（未填写）"))?;
    }
    for (k, v) in facts.iter().filter(|(k, _)| fact_key(k).is_none()) {
        writeln!(out, "  {k:<24} （未知项目）：{v}")?;
    }
    out.flush()
}

/// A reader that stopped reading (`anjing facts | head`) is not an error: stop quietly.
fn quiet_on_broken_pipe(r: std::io::Result<()>) -> Result<()> {
    match r {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

fn save(case: &mut Case, answers: &[(String, String)]) -> Result<()> {
    let pairs: Vec<(&str, &str)> = answers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let update = case.set_facts(&pairs)?;
    if update.changes.is_empty() {
        println!("没有变化，没有写入日志。");
        return Ok(());
    }
    println!("已保存（案件日志第 {} 条）：", update.log.map(|l| l.seq).unwrap_or_default());
    for c in &update.changes {
        let show = |v: &Option<String>| {
            v.as_deref().map(|v| display_value(&c.key, v)).unwrap_or_else(|| "（未填写）".into())
        };
        println!("  {}：{} → {}", label(&c.key), show(&c.old), show(&c.new));
    }
    Ok(())
}

/// Saves the facts form of the web app: every value checked as `--set` checks it (an empty
/// value clears the fact); the message says what is wrong, nothing is saved then.
pub fn save_form(case: &mut Case, pairs: &[(String, String)]) -> std::result::Result<(), String> {
    let mut new = Vec::new();
    for (k, v) in pairs {
        let v = v.trim();
        let value = if v.is_empty() {
            String::new()
        } else {
            normalize(k, v).map_err(|e| format!("{}：{e}", label(k)))?
        };
        new.push((k.clone(), value));
    }
    let stored = case.facts().map_err(|e| e.to_string())?;
    check_consistent_on(&merged(&stored, &new), Face::Web)?;
    let pairs: Vec<(&str, &str)> = new.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    case.set_facts(&pairs).map_err(|e| e.to_string())?;
    Ok(())
}

/// Asks the missing facts, one line of input per question; Enter skips, end of input stops.
fn ask(case: &mut Case, input: &mut dyn BufRead) -> Result<()> {
    let stored = case.facts()?;
    println!("下面逐项询问案件信息，不知道或不想填的直接按回车跳过。");
    println!("这些信息只保存在本机的案件文件夹里，用来判断该向哪里投诉、还缺什么材料。\n");
    let mut answers: Vec<(String, String)> = Vec::new();
    let mut out = std::io::stdout();
    'keys: for k in FACT_KEYS.iter().filter(|k| !stored.contains_key(k.key)) {
        // Who was contacted is asked only when someone may have been.
        if k.key == "contacted_people" {
            let said = answers
                .iter()
                .rev()
                .find(|(key, _)| key == "third_parties_contacted")
                .map(|(_, v)| v)
                .or(stored.get("third_parties_contacted"));
            if said.is_some_and(|v| v == "no") {
                continue;
            }
        }
        let mut tries = 0;
        loop {
            println!("{}", k.question_zh);
            match k.kind {
                Kind::LenderType => {
                    for (i, (c, n, _)) in LENDER_TYPES.iter().enumerate() {
                        println!("  {}. {n}（{c}）", i + 1);
                    }
                    print!("请输入编号或名称：");
                }
                Kind::YesNo => print!("是 / 否 / 不清楚："),
                Kind::People => print!("例如“家人、同事”："),
                _ => print!("> "),
            }
            out.flush()?;
            let mut line = String::new();
            if input.read_line(&mut line)? == 0 {
                println!();
                break 'keys;
            }
            let line = line.trim();
            if line.is_empty() {
                println!();
                break;
            }
            let result = normalize(k.key, line).and_then(|v| {
                let mut next = answers.clone();
                next.push((k.key.to_string(), v.clone()));
                check_consistent(&merged(&stored, &next)).map(|()| v)
            });
            match result {
                Ok(v) => {
                    answers.push((k.key.to_string(), v));
                    println!();
                    break;
                }
                Err(e) => {
                    println!("{e}");
                    tries += 1;
                    if tries >= 3 {
                        println!("先跳过这一项。\n");
                        break;
                    }
                }
            }
        }
    }
    if answers.is_empty() {
        println!("没有填写新的信息。");
        return Ok(());
    }
    save(case, &answers)
}

/// `anjing facts`.
pub fn facts(dir: &Path, sets: &[String], json: bool, force_ask: bool) -> Result<Status> {
    let mut case = Case::open(dir)?;
    if !sets.is_empty() {
        let new = parse_sets(sets)?;
        check_consistent(&merged(&case.facts()?, &new)).map_err(anyhow::Error::msg)?;
        if json {
            let pairs: Vec<(&str, &str)> =
                new.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            case.set_facts(&pairs)?;
        } else {
            save(&mut case, &new)?;
        }
    } else if force_ask || (!json && std::io::stdin().is_terminal()) {
        ask(&mut case, &mut std::io::stdin().lock())?;
        println!();
    }
    let facts = case.facts()?;
    let mut out = std::io::stdout().lock();
    if json {
        let text = serde_json::to_string_pretty(&facts)?;
        quiet_on_broken_pipe(writeln!(out, "{text}").and_then(|()| out.flush()))?;
    } else {
        quiet_on_broken_pipe(print_facts(&mut out, &facts))?;
    }
    Ok(Status::Ok)
}

// ---------------------------------------------------------------------------------------
// advise

/// What the evidence shows about a yes/no fact, and what the person said.
#[derive(Debug, Clone, Serialize)]
pub struct Observed {
    /// The answer used for the plan.
    pub value: bool,
    /// Whether the evidence shows it.
    pub from_evidence: bool,
    /// What the person said (`yes`/`no`/`unknown`), if anything.
    pub stated: Option<String>,
}

/// What the case's evidence shows.
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceSummary {
    pub records: usize,
    pub undated_records: usize,
    /// Whether `anjing analyze` has been run.
    pub analysed: bool,
    /// Abusive practices found (rejected findings left out): code, name, count.
    pub practices: Vec<PracticeCount>,
    /// Dates of the abusive events (Asia/Shanghai), if any had a readable date.
    pub first_event: Option<Date>,
    pub last_event: Option<Date>,
    /// Numbers with abusive findings.
    pub collector_numbers: Vec<String>,
    pub third_parties_contacted: Observed,
    /// Who was contacted, as the person said (`contacted_people`).
    pub contacted_people: Vec<anjing_law::Contacted>,
    pub threats: Observed,
    pub scam_signs: Observed,
    /// Per practice, the dated records behind its findings (for the bases of each version).
    #[serde(skip)]
    pub practice_dates: BTreeMap<Practice, Vec<Date>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PracticeCount {
    pub practice: Practice,
    pub name_zh: &'static str,
    pub count: usize,
    pub first: Option<Date>,
    pub last: Option<Date>,
}

/// A plan step with what it still lacks, ready to print.
#[derive(Debug, Clone, Serialize)]
pub struct StepOut {
    #[serde(flatten)]
    pub step: Step,
    pub confidence_label_zh: Option<&'static str>,
    /// e.g. `12378 需要涉事机构全称：尚未填写（anjing facts --set lender_name=…）`.
    pub lacking_zh: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlanOut {
    pub steps: Vec<StepOut>,
    pub notes_zh: Vec<String>,
    pub avoid: Vec<anjing_law::Avoid>,
    /// For the people the collectors contacted: their rights and a message to send them.
    pub for_contacts: Option<anjing_law::ForContacts>,
}

/// One line to send to 12321 by SMS.
#[derive(Debug, Clone, Serialize)]
pub struct SmsReport {
    pub number: String,
    pub text: String,
    /// `号码*内容`, to send to 12321 from the phone that received the message.
    pub line: String,
    pub received_by: String,
    pub time_local: Option<String>,
    pub practices: Vec<Practice>,
}

/// A practice that engages a basis, with the careful wording from the law data.
#[derive(Debug, Clone, Serialize)]
pub struct BasisUse {
    pub practice: Practice,
    pub name_zh: &'static str,
    /// Only the person's statement (`anjing facts`) says so; the evidence does not show it.
    pub from_statement: bool,
    pub statement_zh: String,
    /// The case's dated records of this practice that fall in the article's period of force:
    /// each version of a statute is shown with the events it covers. `None`: no dated record.
    pub events: Option<EventSpan>,
}

/// The dated records a basis covers.
#[derive(Debug, Clone, Serialize)]
pub struct EventSpan {
    pub count: usize,
    pub first: Date,
    pub last: Date,
    /// e.g. `本案2025-11-03至2025-12-20的4条记录`.
    pub zh: String,
}

/// One legal basis for this case.
#[derive(Debug, Clone, Serialize)]
pub struct BasisOut {
    pub article_id: String,
    pub citation_zh: String,
    pub confidence: Confidence,
    pub confidence_label_zh: &'static str,
    /// The verbatim text, only for VERIFIED articles.
    pub text_zh: Option<String>,
    /// The paraphrase for entries without a quotable text (says 据公开报道 where it must).
    pub summary_zh: Option<String>,
    pub effective_from: Option<Date>,
    pub effective_to: Option<Date>,
    pub engaged_by: Vec<BasisUse>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AreaBases {
    pub area: Area,
    pub heading_zh: &'static str,
    pub bases: Vec<BasisOut>,
}

/// Everything `anjing advise` says, also its `--json`.
#[derive(Debug, Clone, Serialize)]
pub struct Advice {
    pub case_title: String,
    pub as_of: Date,
    pub facts: BTreeMap<String, String>,
    pub lender_type: LenderType,
    pub evidence: EvidenceSummary,
    /// What is unknown or contradictory, said instead of guessed.
    pub uncertain_zh: Vec<String>,
    pub first_steps: Vec<Guidance>,
    pub plan: PlanOut,
    pub sms_reports_12321: Vec<SmsReport>,
    /// The dates the bases were chosen for, and how.
    pub bases_dates_zh: String,
    pub legal_bases: Vec<AreaBases>,
    /// Bases left out for this case, and why (from the law data's own wording).
    pub bases_left_out_zh: Vec<String>,
    /// The deadlines as lines for people (the dates, then each period).
    pub deadlines_zh: Vec<String>,
    /// The deadlines computed against the case's dates (`anjing_law::deadlines`).
    pub deadlines: Vec<anjing_law::Deadline>,
}

/// Finding ids whose latest review decision is `rejected` (reviews, migration 3).
fn rejected_findings(case: &Case) -> HashSet<i64> {
    let sql = "SELECT f.id FROM findings f WHERE f.finding_key != '' AND
                 (SELECT r.decision FROM reviews r WHERE r.finding_key = f.finding_key
                   ORDER BY r.id DESC LIMIT 1) = 'rejected'";
    let conn = case.connection();
    let Ok(mut st) = conn.prepare(sql) else { return HashSet::new() };
    st.query_map([], |r| r.get::<_, i64>(0))
        .map(|rows| rows.flatten().collect())
        .unwrap_or_default()
}

fn is_borrower(relation: &str) -> bool {
    relation.is_empty() || relation == "本人"
}

/// The number as a person types it: mainland `+86` dropped.
fn dial_form(number: &str, raw: &str) -> String {
    match number.strip_prefix("+86") {
        Some(n) if !n.is_empty() => {
            // Landlines are stored without the trunk 0.
            if n.len() == 11 && n.starts_with('1') { n.to_string() } else { format!("0{n}") }
        }
        _ if !number.is_empty() => number.to_string(),
        _ => raw.trim().to_string(),
    }
}

fn practice_weight(p: Practice) -> u32 {
    match p {
        Practice::Threat => 6,
        Practice::Disclosure | Practice::Impersonation => 5,
        Practice::Insult | Practice::FakeLegal => 4,
        Practice::ThirdPartyContact | Practice::Scam => 3,
        _ => 1,
    }
}

fn severity_weight(s: &str) -> u32 {
    match s {
        "serious" => 3,
        "warning" => 2,
        _ => 1,
    }
}

fn observed(stated: Option<&String>, from_evidence: bool) -> Observed {
    Observed {
        value: from_evidence || stated.is_some_and(|s| s == "yes"),
        from_evidence,
        stated: stated.cloned(),
    }
}

/// How to fill what a requirement asks for, when the case can hold it.
fn fill_hint(requirement_key: &str) -> &'static str {
    match requirement_key {
        "lender_name" => "（anjing facts --set lender_name=…）",
        "app_name" => "（anjing facts --set app_name=…）",
        "reporter_name" => "（anjing facts --set borrower_name=…）",
        "reporter_phone" => "（anjing facts --set borrower_phone=…）",
        "lender_clues" => {
            "（anjing facts --set app_name=… repayment_account=…；催收号码由 anjing import 导入后自动列出）"
        }
        "collector_numbers" | "evidence" | "timeline" | "sms_text" => {
            "（anjing import 导入手机导出的短信、通话记录，再运行 anjing analyze）"
        }
        _ => "",
    }
}

/// Builds the advice for a case as of a date.
pub fn build(case: &Case, as_of: Date) -> Result<Advice> {
    let law = Library::builtin().context("内置法条数据有误")?;
    let info = case.info()?;
    let facts = case.facts()?;
    let records = case.records()?;
    let analysed = !case.classifications()?.is_empty();
    let collection: HashSet<i64> =
        case.classifications()?.into_iter().filter(|c| c.1).map(|c| c.0).collect();
    let rejected = rejected_findings(case);
    let findings: Vec<_> = case
        .findings()?
        .into_iter()
        .filter(|f| f.practice.is_abusive() && !rejected.contains(&f.id))
        .collect();
    let by_id: HashMap<i64, &anjing_vault::RecordView> =
        records.iter().map(|r| (r.id, r)).collect();
    let date_of =
        |id: &i64| by_id.get(id).and_then(|r| r.timestamp()).map(anjing_model::time::shanghai_date);

    // Per practice: count and date range of the records behind its findings.
    let mut per: BTreeMap<Practice, (usize, Option<Date>, Option<Date>)> = BTreeMap::new();
    let mut dated: BTreeMap<Practice, BTreeMap<i64, Date>> = BTreeMap::new();
    let mut numbers: BTreeSet<String> = BTreeSet::new();
    for f in &findings {
        let e = per.entry(f.practice).or_insert((0, None, None));
        e.0 += 1;
        let ids: Vec<i64> = f.record_id.into_iter().chain(f.record_ids.iter().copied()).collect();
        for id in &ids {
            if let Some(d) = date_of(id) {
                dated.entry(f.practice).or_default().insert(*id, d);
                e.1 = Some(e.1.map_or(d, |x: Date| x.min(d)));
                e.2 = Some(e.2.map_or(d, |x: Date| x.max(d)));
            }
            if let Some(r) = by_id.get(id)
                && !r.number.is_empty()
            {
                numbers.insert(dial_form(&r.number, &r.counterparty));
            }
        }
    }
    let first_event = per.values().filter_map(|v| v.1).min();
    let last_event = per.values().filter_map(|v| v.2).max();
    // Abusive findings with a record that has no readable date: left out of the deadlines.
    let undated_abuse = findings.iter().any(|f| {
        f.record_id.into_iter().chain(f.record_ids.iter().copied()).any(|id| date_of(&id).is_none())
    });
    let practices: Vec<PracticeCount> = Practice::ALL
        .into_iter()
        .filter_map(|p| {
            per.get(&p).map(|&(count, first, last)| PracticeCount {
                practice: p,
                name_zh: p.name_zh(),
                count,
                first,
                last,
            })
        })
        .collect();
    let found = |p: Practice| per.contains_key(&p);

    // Third parties: findings say so, or a relative's phone holds collection messages.
    let collector_raw: HashSet<&str> = findings
        .iter()
        .flat_map(|f| f.record_id.into_iter().chain(f.record_ids.iter().copied()))
        .filter_map(|id| by_id.get(&id).map(|r| r.number.as_str()))
        .filter(|n| !n.is_empty())
        .collect();
    let relatives_reached = records.iter().any(|r| {
        !is_borrower(&r.contributor_relation)
            && r.direction != Direction::Out
            && (collection.contains(&r.id) || collector_raw.contains(r.number.as_str()))
    });
    let third_evidence = found(Practice::ThirdPartyContact)
        || found(Practice::Disclosure)
        || found(Practice::ThirdPartyReach)
        || relatives_reached;
    // Naming who was contacted says that someone was.
    let contacted = contacted_groups(facts.get("contacted_people"));
    let third_stated = match facts.get("third_parties_contacted") {
        Some(v) if v == "yes" || contacted.is_empty() => Some(v.clone()),
        _ if !contacted.is_empty() => Some("yes".to_string()),
        _ => None,
    };
    let evidence = EvidenceSummary {
        records: records.len(),
        undated_records: records.iter().filter(|r| r.timestamp().is_none()).count(),
        analysed,
        practices,
        first_event,
        last_event,
        collector_numbers: numbers.into_iter().collect(),
        third_parties_contacted: observed(third_stated.as_ref(), third_evidence),
        contacted_people: contacted.clone(),
        threats: observed(facts.get("threats"), found(Practice::Threat)),
        scam_signs: observed(facts.get("scam_signs"), found(Practice::Scam)),
        practice_dates: dated.into_iter().map(|(p, m)| (p, m.into_values().collect())).collect(),
    };

    let lender_code = facts.get("lender_type").map(String::as_str).unwrap_or("unknown");
    let lender_type = LENDER_TYPES
        .iter()
        .find(|(c, _, _)| *c == lender_code)
        .map(|t| t.2)
        .unwrap_or(LenderType::Unknown);
    let text = |k: &str| facts.get(k).filter(|v| !v.trim().is_empty()).cloned();
    let case_facts = CaseFacts {
        lender_type,
        lender_name: text("lender_name"),
        app_name: text("app_name"),
        demanded_contacts_access: facts.get("contacts_access").is_some_and(|v| v == "yes"),
        contacted_third_parties: evidence.third_parties_contacted.value,
        contacted: contacted.clone(),
        payment_account: text("repayment_account"),
        threats: evidence.threats.value,
        scam_signs: evidence.scam_signs.value,
        reporter_name: text("borrower_name"),
        reporter_phone: text("borrower_phone"),
        collector_numbers: evidence.collector_numbers.clone(),
        evidence_count: records.len(),
        first_event,
        last_event,
        illegal_debt: match facts.get("illegal_debt").map(String::as_str) {
            Some("yes") => Some(true),
            Some("no") => Some(false),
            _ => None,
        },
        as_of: Some(as_of),
    };
    let counts: Vec<(Practice, usize)> = per.iter().map(|(p, v)| (*p, v.0)).collect();
    let plan = anjing_law::advise(&case_facts, &counts);

    let uncertain_zh = uncertainties(&facts, &evidence, lender_code);
    let plan = plan_out(plan, &facts);
    let sms_reports_12321 = sms_reports(&findings, &by_id);
    let scope = anjing_law::CaseScope::from_facts(&facts);
    let (bases_dates_zh, legal_bases, bases_left_out_zh) =
        legal_bases(&law, &evidence, &facts, &scope, as_of);
    let deadlines = anjing_law::deadlines(
        &law,
        &anjing_law::DeadlineFacts {
            lender_type,
            first_event,
            last_event,
            undated_events: undated_abuse,
            as_of: Some(as_of),
            no_civil_claim: !plan.steps.iter().any(|s| s.step.channel_id.starts_with("court-"))
                && !plan.steps.is_empty(),
        },
    );
    let deadlines_zh = deadlines_lines(&evidence, &deadlines, as_of);
    Ok(Advice {
        case_title: info.title,
        as_of,
        facts,
        lender_type,
        evidence,
        uncertain_zh,
        first_steps: anjing_law::first_steps().to_vec(),
        plan,
        sms_reports_12321,
        bases_dates_zh,
        legal_bases,
        bases_left_out_zh,
        deadlines_zh,
        deadlines,
    })
}

fn uncertainties(
    facts: &BTreeMap<String, String>,
    ev: &EvidenceSummary,
    lender_code: &str,
) -> Vec<String> {
    let mut out = Vec::new();
    match facts.get("lender_type").map(String::as_str) {
        None => out.push(
            "放贷方类型尚未填写，所以计划没有列出金融监管部门（不同类型的机构投诉去处不同）。请查借款合同后填写：anjing facts --set lender_type=credit_card / bank / consumer_finance / micro_loan / unlicensed".to_string(),
        ),
        Some("unknown") => out.push(
            "你填写的放贷方类型是“不清楚”，所以计划没有列出金融监管部门。查清后请更新：anjing facts --set lender_type=…".to_string(),
        ),
        Some(known) if LENDER_TYPES.iter().all(|(c, _, _)| *c != known) => out.push(format!(
            "放贷方类型“{known}”无法识别，计划按“不清楚”处理。可以填：{}",
            lender_type_allowed()
        )),
        _ => {}
    }
    if let Some((stated, suggested)) = lender_mismatch(facts) {
        out.push(format!(
            "放贷方类型填的是 {}，但放贷机构全称“{}”看起来是 {}。两者不一致，计划暂按你填写的类型安排；如果实际是后者，投诉去处会不同。请核对借款合同。",
            lender_type_display(stated),
            facts["lender_name"],
            lender_type_display(suggested)
        ));
    }
    if lender_code == "bank" {
        out.push("放贷方类型填的是“银行”，没有说明是不是信用卡：《商业银行信用卡业务监督管理办法》的催收规定（据公开报道：不得向与债务无关的第三人催收，催收录音至少保存2年）只适用于信用卡，所以计划没有引用。如果这是信用卡欠款，请填写 anjing facts --set lender_type=credit_card。".to_string());
    }
    if matches!(lender_code, "bank" | "credit_card" | "consumer_finance" | "micro_loan")
        && !facts.contains_key("lender_name")
    {
        out.push("放贷机构全称尚未填写：投诉、起诉都要写明对方全称（anjing facts --set lender_name=…）。".to_string());
    }
    for (what, obs, key) in [
        ("亲友、同事被联系", &ev.third_parties_contacted, "third_parties_contacted"),
        ("受到威胁", &ev.threats, "threats"),
        ("诈骗迹象", &ev.scam_signs, "scam_signs"),
    ] {
        if obs.from_evidence && obs.stated.as_deref() == Some("no") {
            out.push(format!(
                "你填写的是没有{what}，但证据里有这类记录。计划按证据安排；请核对（anjing findings），如果是误判可以修改填写：anjing facts --set {key}=…"
            ));
        }
    }
    if ev.records == 0 {
        out.push("案件里还没有证据：先导入手机导出的短信、通话记录（anjing import），计划才能说明对方做了什么。".to_string());
    } else if !ev.analysed {
        out.push(
            "证据还没有分析：请先运行 anjing analyze，计划才能列出发现的违规做法。".to_string(),
        );
    } else if !ev.practices.is_empty() {
        out.push("违规做法是程序自动识别的，可能有误判。请逐条核对（anjing findings），交给警方、监管部门或法院前以原始短信为准。".to_string());
    }
    if ev.records > 0 && ev.undated_records == ev.records {
        out.push("所有记录都没有可读的日期：无法确定适用哪个版本的法条，也无法计算期限。下面的法律依据按可能的日期范围列出。".to_string());
    } else if ev.undated_records > 0 {
        out.push(format!(
            "有 {} 条记录没有可读的日期，日期范围和期限只按有日期的记录计算。",
            ev.undated_records
        ));
    } else if !ev.practices.is_empty() && ev.first_event.is_none() {
        out.push("发现的违规做法没有可读的日期：无法确定适用哪个版本的法条。".to_string());
    }
    out
}

fn plan_out(plan: Plan, facts: &BTreeMap<String, String>) -> PlanOut {
    let filled = |key: &str| -> Option<String> {
        let fact = match key {
            "contract" => "loan_contract",
            "demands" => "remedy",
            _ => return None,
        };
        facts.get(fact).cloned()
    };
    let steps = plan
        .steps
        .into_iter()
        .map(|mut step| {
            for r in &mut step.asks {
                if let Some(v) = filled(&r.key) {
                    r.status = Have::Filled(v);
                }
            }
            let lacking_zh = step
                .asks
                .iter()
                .filter(|r| r.status == Have::Missing)
                .map(|r| {
                    format!(
                        "{} 需要{}：{}{}",
                        step.short_zh,
                        r.label_zh,
                        r.missing_zh,
                        fill_hint(&r.key)
                    )
                })
                .collect();
            StepOut {
                confidence_label_zh: step.confidence.map(Confidence::label_zh),
                step,
                lacking_zh,
            }
        })
        .collect();
    PlanOut { steps, notes_zh: plan.notes_zh, avoid: plan.avoid, for_contacts: plan.for_contacts }
}

/// The worst received messages, as 12321 SMS report lines (at most five).
fn sms_reports(
    findings: &[anjing_vault::FindingView],
    by_id: &HashMap<i64, &anjing_vault::RecordView>,
) -> Vec<SmsReport> {
    let mut scored: BTreeMap<i64, (u32, BTreeSet<Practice>)> = BTreeMap::new();
    for f in findings.iter().filter(|f| !f.practice.is_pattern()) {
        let Some(id) = f.record_id else { continue };
        let e = scored.entry(id).or_default();
        if e.1.insert(f.practice) {
            e.0 += practice_weight(f.practice) * severity_weight(&f.severity);
        }
    }
    let mut rows: Vec<(u32, &anjing_vault::RecordView, Vec<Practice>)> = scored
        .into_iter()
        .filter_map(|(id, (score, ps))| {
            let r = by_id.get(&id)?;
            let usable = r.kind.is_message()
                && r.direction != Direction::Out
                && r.text.as_deref().is_some_and(|t| !t.trim().is_empty())
                && !dial_form(&r.number, &r.counterparty).is_empty();
            usable.then(|| (score, *r, ps.into_iter().collect()))
        })
        .collect();
    rows.sort_by(|a, b| {
        b.0.cmp(&a.0).then(a.1.time_ms.cmp(&b.1.time_ms)).then(a.1.id.cmp(&b.1.id))
    });
    let mut seen_texts = HashSet::new();
    rows.into_iter()
        .filter(|(_, r, _)| seen_texts.insert((r.number.clone(), r.text.clone())))
        .take(5)
        .map(|(_, r, practices)| {
            let number = dial_form(&r.number, &r.counterparty);
            let text = r.text.clone().unwrap_or_default();
            SmsReport {
                line: anjing_law::sms_report_12321(&number, &text),
                number,
                text,
                received_by: if r.contributor_relation.is_empty() {
                    r.contributor.clone()
                } else {
                    format!("{}（{}）", r.contributor, r.contributor_relation)
                },
                time_local: r.time_local.clone(),
                practices,
            }
        })
        .collect()
}

/// Practices the person stated (`anjing facts`) that the evidence does not show, with the
/// fact key: their bases are listed too, said to come from the statement.
const STATED_PRACTICES: [(&str, Practice); 4] = [
    ("threats", Practice::Threat),
    ("third_parties_contacted", Practice::ThirdPartyContact),
    ("scam_signs", Practice::Scam),
    ("forged_documents", Practice::FakeLegal),
];

/// The bases of every practice found (and stated), over that practice's dates, grouped by
/// area; rules that do not bind this lender, and articles needing a fact the case lacks, are
/// left out with the reason (`anjing_law::Library::applies`).
fn legal_bases(
    law: &Library,
    ev: &EvidenceSummary,
    facts: &BTreeMap<String, String>,
    scope: &anjing_law::CaseScope,
    as_of: Date,
) -> (String, Vec<AreaBases>, Vec<String>) {
    let case_range = ev.first_event.zip(ev.last_event);
    // With no dates at all, every version that may apply to events up to today (three years
    // back, the civil limitation period) is listed rather than one guessed.
    let fallback = undated_range(as_of);
    let dates_zh = match case_range {
        Some((a, b)) => {
            format!("按各项违规做法发生的日期（{a} 至 {b}，北京时间）选择当时有效的法条版本。")
        }
        None => format!(
            "没有可读日期的违规记录，无法确定适用哪个版本：下面列出 {} 至 {} 之间可能适用的各个版本（例如治安管理处罚法2012年修正的第四十二条和2025年修订的第五十条），请以事情发生的实际日期为准。",
            fallback.0, fallback.1
        ),
    };
    let mut uses: Vec<(Practice, Option<Date>, Option<Date>, bool)> =
        ev.practices.iter().map(|pc| (pc.practice, pc.first, pc.last, false)).collect();
    for (key, p) in STATED_PRACTICES {
        let stated = facts.get(key).is_some_and(|v| v == "yes")
            || (key == "third_parties_contacted" && !ev.contacted_people.is_empty());
        if stated && !uses.iter().any(|u| u.0 == p) {
            uses.push((p, None, None, true));
        }
    }
    let mut left_out = Vec::new();
    let mut by_article: Vec<BasisOut> = Vec::new();
    for (practice, first, last, stated) in uses {
        let (from, to) = match (first, last) {
            (Some(a), Some(b)) => (a, b),
            _ => case_range.unwrap_or(fallback),
        };
        let (kept, out) = law.scoped_bases_for_range(practice, from, to, scope);
        for line in out {
            if !left_out.contains(&line) {
                left_out.push(line);
            }
        }
        for b in kept {
            let article = law.article(&b.article_id);
            let use_ = BasisUse {
                practice,
                name_zh: practice.name_zh(),
                from_statement: stated,
                statement_zh: b.statement_zh.clone(),
                events: event_span(
                    ev.practice_dates.get(&practice).map(Vec::as_slice).unwrap_or_default(),
                    b.effective_from,
                    b.effective_to,
                ),
            };
            if let Some(o) = by_article.iter_mut().find(|o| o.article_id == b.article_id) {
                o.engaged_by.push(use_);
                continue;
            }
            by_article.push(BasisOut {
                article_id: b.article_id.clone(),
                citation_zh: b.citation_zh.clone(),
                confidence: b.confidence,
                confidence_label_zh: b.label_zh,
                text_zh: article.filter(|a| a.quotable()).and_then(|a| a.text.clone()),
                summary_zh: article.and_then(|a| a.summary_zh.clone()),
                effective_from: b.effective_from,
                effective_to: b.effective_to,
                engaged_by: vec![use_],
            });
        }
    }
    let areas = [Area::Civil, Area::Administrative, Area::Criminal, Area::Industry];
    let grouped = areas
        .into_iter()
        .filter_map(|area| {
            let bases: Vec<BasisOut> = by_article
                .iter()
                .filter(|b| law.article(&b.article_id).is_some_and(|a| a.area == area))
                .cloned()
                .collect();
            (!bases.is_empty()).then(|| AreaBases { area, heading_zh: area.name_zh(), bases })
        })
        .collect();
    (dates_zh, grouped, left_out)
}

/// The dates whose law may apply to an undated event: three years back (the civil limitation
/// period) to today, so both versions of a statute changed in between are listed.
pub fn undated_range(as_of: Date) -> (Date, Date) {
    (as_of.checked_sub(3.years()).unwrap_or(as_of), as_of)
}

/// The dated records of a practice that fall in `from..=to` (an article's period of force).
fn event_span(dates: &[Date], from: Option<Date>, to: Option<Date>) -> Option<EventSpan> {
    let inside: Vec<Date> = dates
        .iter()
        .copied()
        .filter(|d| from.is_none_or(|f| *d >= f) && to.is_none_or(|t| *d <= t))
        .collect();
    let first = *inside.iter().min()?;
    let last = *inside.iter().max()?;
    let count = inside.len();
    let zh = if first == last {
        format!("本案{first}的{count}条记录")
    } else {
        format!("本案{first}至{last}的{count}条记录")
    };
    Some(EventSpan { count, first, last, zh })
}

/// The deadline lines: the case's dates, then each period computed against them.
fn deadlines_lines(
    ev: &EvidenceSummary,
    deadlines: &[anjing_law::Deadline],
    as_of: Date,
) -> Vec<String> {
    let mut out = Vec::new();
    match (ev.first_event, ev.last_event) {
        (Some(first), Some(last)) => out
            .push(format!("本案违规记录的日期：{first} 至 {last}（北京时间），按 {as_of} 计算。")),
        _ => out.push(
            "没有可读日期的违规记录，无法按日期计算六个月等期限。如果骚扰还在继续，请尽早报警。"
                .to_string(),
        ),
    }
    for d in deadlines {
        out.push(format!("{}〔{}〕：{}", d.title_zh, d.confidence_label_zh, d.line_zh));
    }
    out
}

fn print_advice(a: &Advice) {
    println!("安静（Anjing）行动计划：{}（按 {} 计算）", a.case_title, a.as_of);
    println!(
        "以下根据你填写的信息和导入的证据整理，不是法律意见；是否违法、是否构成犯罪，由公安机关、监管部门或法院认定。"
    );

    println!("\n一、现在该做什么");
    for (i, g) in a.first_steps.iter().enumerate() {
        println!("  {}. {}：{}", i + 1, g.title_zh, g.detail_zh);
    }

    if !a.uncertain_zh.is_empty() {
        println!("\n二、还不确定的地方");
        for u in &a.uncertain_zh {
            println!("  · {u}");
        }
    } else {
        println!("\n二、还不确定的地方：没有");
    }

    println!(
        "\n三、行动计划（按顺序；放贷方类型：{}）",
        a.facts
            .get("lender_type")
            .map(|c| lender_type_display(c))
            .unwrap_or_else(|| "尚未填写".into())
    );
    if a.plan.steps.is_empty() {
        println!("  目前没有需要投诉或报案的事项。");
    }
    for (i, s) in a.plan.steps.iter().enumerate() {
        let label = s.confidence_label_zh.map(|l| format!("〔{l}〕")).unwrap_or_default();
        println!("  {}. {}：{}{label}", i + 1, s.step.short_zh, s.step.name_zh);
        println!("     为什么：{}", s.step.why_zh);
        for h in &s.step.how_zh {
            println!("     怎么做：{h}");
        }
        let asks: Vec<String> = s.step.asks.iter().map(|r| r.line_zh()).collect();
        if !asks.is_empty() {
            println!("     需要：{}", asks.join("；"));
        }
        for l in &s.lacking_zh {
            println!("     还缺：{l}");
        }
    }
    if !a.plan.avoid.is_empty() {
        println!("  不建议作为首选：");
        for v in &a.plan.avoid {
            println!("    · {}：{}", v.name_zh, v.why_zh);
        }
    }

    println!("\n四、被联系的人");
    match &a.plan.for_contacts {
        None => println!("  目前没有发现、你也没有填写亲友、同事被联系的情况。"),
        Some(c) => {
            let source =
                match (c.groups.is_empty(), a.evidence.third_parties_contacted.from_evidence) {
                    (false, true) => "据你填写；证据中也有联系第三人的记录",
                    (false, false) => "据你填写，证据中尚未发现",
                    (true, true) => "证据中有联系第三人的记录",
                    (true, false) => "据你填写",
                };
            println!("  被联系的人：{}（{source}）", c.who_zh);
            if c.groups.is_empty() {
                println!(
                    "  还没有填写被联系的是哪些人：anjing facts --set contacted_people=relatives,colleagues（家人亲属、朋友、同事、工作单位……）"
                );
            }
            for r in &c.rights_zh {
                println!("  · {r}");
            }
            println!("  可以发给他们的话：");
            println!("  {}", c.message_zh);
        }
    }

    println!("\n五、向 12321 短信举报");
    if a.sms_reports_12321.is_empty() {
        println!("  没有可举报的违规短信。");
    } else {
        println!(
            "  用收到短信的那部手机，把下面每一行作为一条短信发送到 12321（格式：号码*原短信内容）："
        );
        for r in &a.sms_reports_12321 {
            println!(
                "  （{}{}收到）",
                r.received_by,
                r.time_local.as_deref().map(|t| format!("，{t}")).unwrap_or_default()
            );
            println!("  {}", r.line);
        }
    }

    println!("\n六、可能涉及的法律依据");
    println!("  {}", a.bases_dates_zh);
    if a.legal_bases.is_empty() {
        println!("  没有发现违规做法，你也没有填写这类情况，暂无需要列出的依据。");
    }
    let stated = a.legal_bases.iter().flat_map(|g| &g.bases).flat_map(|b| &b.engaged_by);
    if stated.clone().any(|u| u.from_statement) {
        println!(
            "  标有“据你填写”的依据来自你在 anjing facts 中填写的情况，导入的证据中尚未发现这类记录；请尽量补充短信、通话记录或录音。"
        );
    }
    if !a.evidence.contacted_people.is_empty() && !a.legal_bases.is_empty() {
        println!(
            "  被联系的人（据你填写）：{}。下面“联系第三人”的依据也保护他们本人，见“四、被联系的人”。",
            anjing_law::contacted_names_zh(&a.evidence.contacted_people)
        );
    }
    for group in &a.legal_bases {
        println!("  【{}】", group.heading_zh);
        for b in &group.bases {
            println!("  · {}〔{}〕", b.citation_zh, b.confidence_label_zh);
            for u in &b.engaged_by {
                let source = if u.from_statement {
                    "（据你填写，证据中尚未发现）"
                } else {
                    ""
                };
                let events = u.events.as_ref().map(|e| format!("（{}）", e.zh)).unwrap_or_default();
                println!("      {}{source}{events}：{}", u.name_zh, u.statement_zh);
            }
        }
    }
    for l in &a.bases_left_out_zh {
        println!("  未列出：{l}");
    }

    println!("\n七、期限和提醒");
    for d in &a.deadlines_zh {
        println!("  · {d}");
    }
    for n in &a.plan.notes_zh {
        println!("  · {n}");
    }
    println!("\n法条原文见 anjing advise --json（只有已核对原文的条文才给出原文）。");
}

/// The first lines of the plan, for `anjing demo`.
pub fn summary_lines(a: &Advice, steps: usize) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(g) = a.first_steps.first() {
        out.push(format!("现在该做什么：{}。", g.title_zh));
    }
    for (i, s) in a.plan.steps.iter().take(steps).enumerate() {
        out.push(format!("{}. {}：{}", i + 1, s.step.short_zh, s.step.why_zh));
    }
    if let Some(l) = a.plan.steps.iter().flat_map(|s| &s.lacking_zh).next() {
        out.push(format!("还缺：{l}"));
    }
    out
}

/// Today in Asia/Shanghai.
pub fn today() -> Date {
    anjing_model::time::shanghai_date(jiff::Timestamp::now())
}

/// `anjing advise`.
pub fn advise(dir: &Path, json: bool, as_of: Option<&str>) -> Result<Status> {
    let case = Case::open(dir)?;
    let as_of = match as_of {
        Some(s) => s
            .trim()
            .parse::<Date>()
            .with_context(|| format!("日期“{s}”的写法不对，应当像 2026-03-01"))?,
        None => today(),
    };
    let advice = build(&case, as_of)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&advice)?);
    } else {
        print_advice(&advice);
    }
    Ok(Status::Ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_help_lists_every_key() {
        for k in FACT_KEYS {
            assert!(FACTS_HELP.contains(k.key), "{} missing from FACTS_HELP", k.key);
        }
        for (c, _, _) in LENDER_TYPES {
            assert!(FACTS_HELP.contains(c), "{c}");
        }
    }

    #[test]
    fn values_are_checked_and_normalised() {
        assert_eq!(normalize("lender_type", "小贷").unwrap(), "micro_loan");
        assert_eq!(normalize("lender_type", " Bank ").unwrap(), "bank");
        assert_eq!(normalize("lender_type", "信用卡").unwrap(), "credit_card");
        assert_eq!(normalize("lender_type", "Credit_Card").unwrap(), "credit_card");
        assert_eq!(normalize("lender_type", "1").unwrap(), "credit_card");
        assert_eq!(normalize("lender_type", "4").unwrap(), "micro_loan");
        assert!(normalize("lender_type", "7").is_err() && normalize("lender_type", "0").is_err());
        let e = normalize("lender_type", "xyz").unwrap_err();
        assert!(e.contains("lender_type") && e.contains("consumer_finance") && e.contains("xyz"));
        assert_eq!(normalize("contacts_access", "是").unwrap(), "yes");
        assert!(normalize("contacts_access", "也许").is_err());
        assert!(normalize("no_such_key", "1").unwrap_err().contains("borrower_name"));
        // A valid check digit (GB 11643 example) and a typo.
        assert_eq!(
            normalize("borrower_id_number", "11010519491231002x").unwrap(),
            "11010519491231002X"
        );
        assert!(normalize("borrower_id_number", "110105194912310021").is_err());
        assert!(normalize("borrower_phone", "138 0013 8000").is_ok());
        assert!(normalize("borrower_phone", "95588").is_err());
        assert!(normalize("loan_amount", "五千元").is_ok());
        assert!(normalize("loan_amount", "很多").is_err());
        assert_eq!(normalize("notes", "  ").unwrap(), "");
    }

    #[test]
    fn contradictions_are_refused_but_unlicensed_names_only_flagged() {
        let m = |t: &str, n: &str| {
            BTreeMap::from([
                ("lender_type".to_string(), t.to_string()),
                ("lender_name".to_string(), n.to_string()),
            ])
        };
        assert!(check_consistent(&m("bank", "某某网络小额贷款有限公司")).is_err());
        assert!(check_consistent(&m("credit_card", "某某银行股份有限公司")).is_ok());
        assert!(check_consistent(&m("credit_card", "某某网络小额贷款有限公司")).is_err());
        assert!(check_consistent(&m("micro_loan", "某某网络小额贷款有限公司")).is_ok());
        assert!(check_consistent(&m("consumer_finance", "某某消费金融有限公司")).is_ok());
        assert!(check_consistent(&m("unlicensed", "某某银行")).is_ok());
        assert!(lender_mismatch(&m("unlicensed", "某某银行")).is_some());
        assert!(check_consistent(&m("unknown", "某某银行")).is_ok());
        let e = parse_sets(&["app_name=甲".into(), "app_name=乙".into()]).unwrap_err();
        assert!(e.to_string().contains("两个不同的值"), "{e}");
        assert!(parse_sets(&["lender_type".into()]).is_err());
    }

    #[test]
    fn who_was_contacted_is_normalised_to_codes_in_one_order() {
        assert_eq!(normalize("contacted_people", "同事、家人").unwrap(), "relatives,colleagues");
        assert_eq!(
            normalize("contacted_people", "家人和同事，家人").unwrap(),
            "relatives,colleagues"
        );
        assert_eq!(normalize("contacted_people", "employer, unknown").unwrap(), "employer,unknown");
        assert_eq!(normalize("contacted_people", "领导 朋友").unwrap(), "friends,employer");
        let e = normalize("contacted_people", "家人、邻居").unwrap_err();
        assert!(e.contains("relatives") && e.contains("邻居"), "{e}");
        assert_eq!(contacted_display("relatives,colleagues"), "家人、亲属、同事");
        let m = |t: &str, p: &str| {
            BTreeMap::from([
                ("third_parties_contacted".to_string(), t.to_string()),
                ("contacted_people".to_string(), p.to_string()),
            ])
        };
        assert!(check_consistent(&m("no", "relatives")).unwrap_err().contains("矛盾"));
        assert!(check_consistent(&m("yes", "relatives")).is_ok());
        assert!(check_consistent(&m("unknown", "relatives")).is_ok());
    }

    #[test]
    fn numbers_are_shown_as_dialled() {
        assert_eq!(dial_form("+8613800138000", "+86 138 0013 8000"), "13800138000");
        assert_eq!(dial_form("+861065123456", "010-65123456"), "01065123456");
        assert_eq!(dial_form("106980095533", "106980095533"), "106980095533");
    }
}
