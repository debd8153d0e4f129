//! Deadlines computed against a case's own dates, only for the periods the reference states
//! (legal-cn.md §4.2, §6.5, §5.4):
//!
//! - 治安管理处罚法（2025年修订）第二十五条第一款: six months (VERIFIED);
//! - 民法典第一百八十八条: three years for a claim for damages (VERIFIED, excerpt), while
//!   第九百九十五条 exempts 停止侵害、赔礼道歉… from limitation;
//! - 《商业银行信用卡业务监督管理办法》第六十八条: collection recordings kept at least two
//!   years (VERIFIED-2 points, credit cards only), so ask the bank for them in time.
//!
//! How a period is counted is *our* method, said as such: from the day of each act (the
//! earliest act first), which is the safe reading; whether a continuing course of conduct is
//! counted otherwise is for the authority to decide. Dates are Asia/Shanghai calendar days,
//! and a deadline is "before" the computed day, never "on or before", to stay on the safe side.
//! Periods that run from a date the case does not hold (30 days after a court's 保全, 15
//! working days for a 12378 reply) are not computed.

use jiff::ToSpan;
use jiff::civil::Date;
use serde::Serialize;

use crate::advise::LenderType;
use crate::article::Confidence;
use crate::library::Library;

/// The first day of the 2025 revision of 治安管理处罚法.
const PSL_2025_FROM: (i16, i8, i8) = (2026, 1, 1);

/// What the deadlines are computed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct DeadlineFacts {
    /// Who lent the money (the credit-card rule binds credit cards only).
    pub lender_type: LenderType,
    /// The earliest abusive event with a readable date (Asia/Shanghai).
    pub first_event: Option<Date>,
    /// The latest abusive event with a readable date (Asia/Shanghai).
    pub last_event: Option<Date>,
    /// Whether some abusive events have no readable date (left out of the computation).
    pub undated_events: bool,
    /// Today (Asia/Shanghai).
    pub as_of: Option<Date>,
    /// The plan claims nothing in a civil court (a scam with no known lender): the three-year
    /// limitation of a claim for damages is then not listed.
    pub no_civil_claim: bool,
}

/// One deadline for this case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deadline {
    /// Stable id: `public_security_six_months`, `civil_limitation_three_years`,
    /// `credit_card_recordings_two_years`.
    pub id: &'static str,
    /// A short title, e.g. `治安处罚：六个月`.
    pub title_zh: &'static str,
    /// Library ids the deadline relies on.
    pub article_ids: Vec<&'static str>,
    /// How sure the reference is of the period.
    pub confidence: Confidence,
    /// [`Confidence::label_zh`] of the period's source.
    pub confidence_label_zh: &'static str,
    /// The event date the period is counted from (the earliest dated event); `None` when the
    /// case has no dated event, and the deadline cannot be computed.
    pub counted_from: Option<Date>,
    /// The day before which to act, counted from `counted_from`.
    pub due: Option<Date>,
    /// The same day counted from the latest dated event (acts nearer to today run out later).
    pub due_for_latest: Option<Date>,
    /// Whether `due` is already past on `as_of` (`None` without either date).
    pub passed: Option<bool>,
    /// Days from `as_of` to `due` (negative when past).
    pub days_left: Option<i64>,
    /// The whole statement for people.
    pub line_zh: String,
}

/// The deadlines of a case. With no dated event, each period still appears, saying it cannot
/// be computed, instead of a guessed date.
pub fn deadlines(library: &Library, facts: &DeadlineFacts) -> Vec<Deadline> {
    let mut out = vec![six_months(library, facts)];
    if !facts.no_civil_claim {
        out.push(three_years(library, facts));
    }
    if facts.lender_type == LenderType::CreditCard {
        out.push(recordings(library, facts));
    }
    out
}

fn add(d: Date, span: jiff::Span) -> Option<Date> {
    d.checked_add(span).ok()
}

fn days_between(from: Date, to: Date) -> Option<i64> {
    from.until(to).ok().map(|s| i64::from(s.get_days()))
}

/// The computed dates of one period: (counted_from, due, due_for_latest, passed, days_left).
type Computed = (Option<Date>, Option<Date>, Option<Date>, Option<bool>, Option<i64>);

fn compute(facts: &DeadlineFacts, span: jiff::Span) -> Computed {
    let first = facts.first_event.or(facts.last_event);
    let last = facts.last_event.or(facts.first_event);
    let due = first.and_then(|d| add(d, span));
    let due_latest = last.filter(|l| Some(*l) != first).and_then(|d| add(d, span));
    let passed = due.zip(facts.as_of).map(|(d, today)| d <= today);
    let days_left = due.zip(facts.as_of).and_then(|(d, today)| days_between(today, d));
    (first, due, due_latest, passed, days_left)
}

impl Deadline {
    /// A deadline from its computed dates and its statement.
    fn new(
        id: &'static str,
        title_zh: &'static str,
        article_ids: Vec<&'static str>,
        confidence: Confidence,
        (counted_from, due, due_for_latest, passed, days_left): Computed,
        line_zh: String,
    ) -> Deadline {
        Deadline {
            id,
            title_zh,
            article_ids,
            confidence,
            confidence_label_zh: confidence.label_zh(),
            counted_from,
            due,
            due_for_latest,
            passed,
            days_left,
            line_zh,
        }
    }
}

/// `（还有 61 天）` / `（已过）`.
fn left_zh(days_left: Option<i64>) -> String {
    match days_left {
        Some(n) if n > 0 && n <= 30 => format!("（按今天计算只剩{n}天，请尽快办理）"),
        Some(n) if n > 0 => format!("（按今天计算还有{n}天）"),
        Some(_) => "（这个日期已经过了）".to_string(),
        None => String::new(),
    }
}

fn undated_zh(facts: &DeadlineFacts) -> &'static str {
    if facts.undated_events {
        "没有可读日期的记录不在计算之内，请按它们实际发生的日期另行计算。"
    } else {
        ""
    }
}

fn six_months(library: &Library, facts: &DeadlineFacts) -> Deadline {
    let id = "psl-2025-25-para-1";
    let a = library.article(id);
    let citation = a.map(|a| a.citation_zh()).unwrap_or_default();
    let text = a.and_then(|a| a.text.clone()).unwrap_or_default();
    let (from, due, due_latest, passed, days_left) = compute(facts, 6.months());
    let switch = jiff::civil::date(PSL_2025_FROM.0, PSL_2025_FROM.1, PSL_2025_FROM.2);
    let line_zh = match (from, due) {
        (Some(first), Some(due)) => {
            let mut s = format!("{citation}规定：“{text}”");
            if passed == Some(true) {
                s.push_str(&format!(
                    "本案最早的违规事件在{first}（北京时间），到{due}已满六个月：这一天之前没有被公安机关发现的较早行为，可能不再处罚。"
                ));
            } else {
                s.push_str(&format!(
                    "本案最早的违规事件在{first}（北京时间），为免这次行为超过六个月，应在{due}前向公安机关报案{}。",
                    left_zh(days_left)
                ));
            }
            if let (Some(last), Some(end)) = (facts.last_event, due_latest) {
                s.push_str(&format!(
                    "最近一次在{last}，到{end}满六个月；期限内的行为仍可报案，请尽早报警。"
                ));
            } else if passed == Some(true) {
                s.push_str("期限内的行为仍可报案，请尽早报警。");
            }
            s.push_str(
                "这里按每次行为发生之日起算，是最稳妥的算法；对方的骚扰如果连续不断，期限从哪天起算由公安机关认定。",
            );
            if first < switch {
                s.push_str(
                    "这一款引自2025年修订的治安管理处罚法（2026年1月1日起施行）；2026年1月1日前的行为适用2012年修正的版本，本程序没有收录该版本的相应条文，期限以公安机关的认定为准。",
                );
            }
            s.push_str(undated_zh(facts));
            s
        }
        _ => format!(
            "{citation}规定：“{text}”本案没有可读日期的违规记录，无法计算具体日期；请按事情实际发生的日期计算，尽早报警。"
        ),
    };
    Deadline::new(
        "public_security_six_months",
        "治安处罚：六个月",
        vec![id],
        Confidence::Verified,
        (from, due, due_latest, passed, days_left),
        line_zh,
    )
}

fn three_years(library: &Library, facts: &DeadlineFacts) -> Deadline {
    let id = "civil-code-188";
    let a = library.article(id);
    let citation = a.map(|a| a.citation_zh()).unwrap_or_default();
    let text = a.and_then(|a| a.text.clone()).unwrap_or_default();
    let exempt = library.article("civil-code-995").map(|a| a.citation_zh()).unwrap_or_default();
    let (from, due, due_latest, passed, days_left) = compute(facts, 3.years());
    let head = format!(
        "{citation}规定，“{text}”，自权利人知道或者应当知道权利受到损害以及义务人之日起计算。"
    );
    let tail =
        format!("请求停止侵害、消除影响、恢复名誉、赔礼道歉，不适用诉讼时效的规定（{exempt}）。");
    let line_zh = match (from, due) {
        (Some(first), Some(due)) => {
            let mut s = head;
            if passed == Some(true) {
                s.push_str(&format!(
                    "本案最早的违规事件在{first}（北京时间）：如果当时就知道受到损害、也知道对方是谁，请求赔偿的诉讼时效到{due}已经届满，较早行为的赔偿请求可能得不到支持。"
                ));
            } else {
                s.push_str(&format!(
                    "本案最早的违规事件在{first}（北京时间）：如果当时就知道受到损害、也知道对方是谁，请求赔偿应在{due}前起诉{}。",
                    left_zh(days_left)
                ));
            }
            if matches!(facts.lender_type, LenderType::UnlicensedOrUnknown | LenderType::Unknown) {
                s.push_str(
                    "对方身份不明的，要从知道义务人之日起算，期限可能更晚；稳妥起见仍按上面的日期准备。",
                );
            }
            s.push_str(&tail);
            s.push_str(undated_zh(facts));
            s
        }
        _ => format!(
            "{head}本案没有可读日期的违规记录，无法计算具体日期；请按事情实际发生的日期计算。{tail}"
        ),
    };
    Deadline::new(
        "civil_limitation_three_years",
        "赔偿请求：三年诉讼时效",
        vec![id, "civil-code-995"],
        Confidence::Verified,
        (from, due, due_latest, passed, days_left),
        line_zh,
    )
}

fn recordings(library: &Library, facts: &DeadlineFacts) -> Deadline {
    let id = "credit-card-measures-2011-68";
    let citation = library.article(id).map(|a| a.citation_zh()).unwrap_or_default();
    let (from, due, due_latest, passed, days_left) = compute(facts, 2.years());
    let head = format!(
        "据公开报道（原文措辞未核实），{citation}要求信用卡催收过程录音或记录，并至少保存2年。"
    );
    let line_zh = match (from, due) {
        (Some(first), Some(due)) => {
            let mut s = head;
            if passed == Some(true) {
                s.push_str(&format!(
                    "本案最早的违规催收在{first}（北京时间），到{due}已满2年，较早的录音银行可能已不再保存；仍可书面要求银行提供尚在保存的催收录音和记录。"
                ));
            } else {
                s.push_str(&format!(
                    "本案最早的违规催收在{first}（北京时间）：如需银行调取催收录音，建议在{due}前书面提出{}，并保留提出的记录。",
                    left_zh(days_left)
                ));
            }
            s.push_str(undated_zh(facts));
            s
        }
        _ => format!(
            "{head}本案没有可读日期的违规记录，无法计算具体日期；请尽早书面要求银行提供催收录音和记录。"
        ),
    };
    Deadline::new(
        "credit_card_recordings_two_years",
        "信用卡催收录音：至少保存2年",
        vec![id],
        Confidence::Verified2,
        (from, due, due_latest, passed, days_left),
        line_zh,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wording;
    use jiff::civil::date;

    fn lib() -> Library {
        Library::builtin().unwrap()
    }

    fn facts(first: Option<Date>, last: Option<Date>, today: Date) -> DeadlineFacts {
        DeadlineFacts {
            lender_type: LenderType::UnlicensedOrUnknown,
            first_event: first,
            last_event: last,
            undated_events: false,
            as_of: Some(today),
            no_civil_claim: false,
        }
    }

    fn find<'a>(d: &'a [Deadline], id: &str) -> &'a Deadline {
        d.iter().find(|x| x.id == id).unwrap_or_else(|| panic!("{id} missing"))
    }

    #[test]
    fn six_months_from_the_earliest_event_with_the_article_quoted() {
        let f = facts(Some(date(2025, 11, 3)), Some(date(2026, 2, 10)), date(2026, 3, 1));
        let d = deadlines(&lib(), &f);
        let six = find(&d, "public_security_six_months");
        assert_eq!(six.due, Some(date(2026, 5, 3)));
        assert_eq!(six.due_for_latest, Some(date(2026, 8, 10)));
        assert_eq!(six.passed, Some(false));
        assert_eq!(six.days_left, Some(63));
        let l = &six.line_zh;
        assert!(l.contains("最早的违规事件在2025-11-03"), "{l}");
        assert!(l.contains("应在2026-05-03前向公安机关报案"), "{l}");
        assert!(l.contains("第二十五条第一款规定：“违反治安管理行为在六个月以内没有被公安机关发现的，不再处罚。”"), "{l}");
        assert!(l.contains("2026-08-10"), "{l}");
        // Our method is said to be ours; continuing acts are left to the police.
        assert!(l.contains("最稳妥的算法") && l.contains("由公安机关认定"), "{l}");
        // Events before 2026-01-01: the version the quote comes from is named.
        assert!(l.contains("2012年修正的版本，本程序没有收录"), "{l}");
        // Nothing invented about when the period starts for continuing acts.
        assert!(!l.contains("行为终了之日"), "{l}");
    }

    #[test]
    fn a_passed_six_months_says_so_without_a_false_due_date() {
        let f = facts(Some(date(2025, 9, 1)), Some(date(2026, 2, 1)), date(2026, 3, 2));
        let six = find(&deadlines(&lib(), &f), "public_security_six_months").clone();
        assert_eq!(six.passed, Some(true));
        assert!(six.line_zh.contains("到2026-03-01已满六个月"), "{}", six.line_zh);
        assert!(!six.line_zh.contains("应在2026-03-01前"), "{}", six.line_zh);
        assert!(six.days_left.unwrap() <= 0);
    }

    #[test]
    fn a_near_deadline_is_urgent() {
        let f = facts(Some(date(2025, 9, 15)), Some(date(2025, 9, 15)), date(2026, 3, 1));
        let six = find(&deadlines(&lib(), &f), "public_security_six_months").clone();
        assert_eq!(six.days_left, Some(14));
        assert!(six.line_zh.contains("只剩14天"), "{}", six.line_zh);
    }

    #[test]
    fn events_only_from_2026_name_no_old_version() {
        let f = facts(Some(date(2026, 2, 1)), Some(date(2026, 2, 1)), date(2026, 3, 1));
        let six = find(&deadlines(&lib(), &f), "public_security_six_months").clone();
        assert!(!six.line_zh.contains("2012年修正"), "{}", six.line_zh);
        assert_eq!(six.due_for_latest, None);
        assert!(six.line_zh.contains("应在2026-08-01前"), "{}", six.line_zh);
    }

    #[test]
    fn three_years_for_damages_and_no_limitation_for_stopping() {
        let f = facts(Some(date(2025, 11, 3)), Some(date(2026, 2, 10)), date(2026, 3, 1));
        let three = find(&deadlines(&lib(), &f), "civil_limitation_three_years").clone();
        assert_eq!(three.due, Some(date(2028, 11, 3)));
        let l = &three.line_zh;
        assert!(l.contains("“向人民法院请求保护民事权利的诉讼时效期间为三年”"), "{l}");
        assert!(l.contains("应在2028-11-03前起诉"), "{l}");
        assert!(l.contains("不适用诉讼时效") && l.contains("第九百九十五条"), "{l}");
        // Unlicensed: the obligor may be unknown, so the period may start later.
        assert!(l.contains("知道义务人之日起算"), "{l}");
    }

    #[test]
    fn the_recordings_rule_is_for_credit_cards_only_and_said_to_be_reported() {
        let mut f = facts(Some(date(2026, 2, 3)), Some(date(2026, 2, 20)), date(2026, 3, 1));
        assert!(!deadlines(&lib(), &f).iter().any(|d| d.id == "credit_card_recordings_two_years"));
        // A bank debt not said to be a credit card: the rule is not the case's.
        f.lender_type = LenderType::Bank;
        assert!(!deadlines(&lib(), &f).iter().any(|d| d.id == "credit_card_recordings_two_years"));
        f.lender_type = LenderType::CreditCard;
        let d = deadlines(&lib(), &f);
        let rec = find(&d, "credit_card_recordings_two_years");
        assert_eq!(rec.due, Some(date(2028, 2, 3)));
        assert_eq!(rec.confidence, Confidence::Verified2);
        assert!(rec.line_zh.starts_with("据公开报道"), "{}", rec.line_zh);
        assert!(rec.line_zh.contains("原中国银监会"), "{}", rec.line_zh);
        let three = find(&d, "civil_limitation_three_years");
        assert!(!three.line_zh.contains("知道义务人之日起算"), "{}", three.line_zh);
    }

    #[test]
    fn without_dates_nothing_is_guessed() {
        let mut f = facts(None, None, date(2026, 3, 1));
        f.lender_type = LenderType::CreditCard;
        for d in deadlines(&lib(), &f) {
            assert_eq!(d.due, None, "{}", d.id);
            assert_eq!(d.passed, None);
            assert!(d.line_zh.contains("无法计算具体日期"), "{}", d.line_zh);
            let iso_date = d
                .line_zh
                .as_bytes()
                .windows(10)
                .any(|w| w[4] == b'-' && w[7] == b'-' && w[..4].iter().all(u8::is_ascii_digit));
            assert!(!iso_date, "a date in {}", d.line_zh);
        }
    }

    #[test]
    fn no_civil_claim_no_limitation_of_damages() {
        let mut f = facts(Some(date(2026, 2, 1)), None, date(2026, 3, 1));
        f.no_civil_claim = true;
        let d = deadlines(&lib(), &f);
        assert!(d.iter().all(|x| x.id != "civil_limitation_three_years"));
        assert!(d.iter().any(|x| x.id == "public_security_six_months"));
    }

    #[test]
    fn undated_events_are_said_to_be_left_out() {
        let mut f = facts(Some(date(2026, 2, 1)), Some(date(2026, 2, 1)), date(2026, 3, 1));
        f.undated_events = true;
        for d in deadlines(&lib(), &f) {
            assert!(d.line_zh.contains("没有可读日期的记录不在计算之内"), "{}", d.line_zh);
        }
    }

    #[test]
    fn deadline_wording_is_careful() {
        for t in [LenderType::Bank, LenderType::CreditCard, LenderType::UnlicensedOrUnknown] {
            for (first, today) in
                [(date(2025, 1, 1), date(2026, 3, 1)), (date(2026, 2, 1), date(2026, 3, 1))]
            {
                let f = DeadlineFacts {
                    lender_type: t,
                    first_event: Some(first),
                    last_event: Some(today),
                    undated_events: false,
                    as_of: Some(today),
                    no_civil_claim: false,
                };
                for d in deadlines(&lib(), &f) {
                    assert!(!wording::overstates(&d.line_zh), "{}", d.line_zh);
                    assert!(!wording::names_defunct_regulator_as_current(&d.line_zh));
                    for id in &d.article_ids {
                        assert!(lib().article(id).is_some(), "{id}");
                    }
                }
            }
        }
    }
}
