//! A small made-up case, for previews (`cargo run -p anjing-report --example
//! demo`), tests and a `--demo` flag in the CLI. Every name and number in it is
//! invented.

use anjing_model::phone::parse;
use anjing_model::{CallResult, Direction, Practice, RecordKind};
use jiff::Timestamp;

use crate::{
    ArtifactRow, ContributorRow, FindingRow, FindingStatus, LegalBasisRow, ProblemRow, RecordRow,
    ReportInput,
};

fn at(s: &str) -> Option<Timestamp> {
    anjing_model::time::from_raw(s, anjing_model::time::TimeUnit::ShanghaiText)
}

/// Character span of the first occurrence of `needle` in `text`.
fn span(text: &str, needle: &str) -> [usize; 2] {
    match text.find(needle) {
        Some(b) => {
            let start = text[..b].chars().count();
            [start, start + needle.chars().count()]
        }
        None => [0, 0],
    }
}

fn law(citation: &str, statement: &str, confidence: &str) -> LegalBasisRow {
    LegalBasisRow {
        citation_zh: citation.into(),
        statement_zh: statement.into(),
        confidence_label_zh: confidence.into(),
    }
}

struct Builder {
    records: Vec<RecordRow>,
    findings: Vec<FindingRow>,
}

impl Builder {
    fn sms(&mut self, time: &str, raw: &str, who: &str, text: &str) -> i64 {
        let id = self.records.len() as i64 + 1;
        let n = parse(raw);
        self.records.push(RecordRow {
            id,
            kind: RecordKind::Sms,
            direction: Direction::In,
            counterparty_raw: raw.into(),
            number: n.normalized,
            number_class: n.class,
            time: at(time),
            text: Some(text.into()),
            duration_s: None,
            call_result: None,
            contributor: who.into(),
        });
        id
    }

    fn call(&mut self, time: &str, raw: &str, who: &str, result: CallResult, secs: u64) -> i64 {
        let id = self.records.len() as i64 + 1;
        let n = parse(raw);
        self.records.push(RecordRow {
            id,
            kind: RecordKind::Call,
            direction: Direction::In,
            counterparty_raw: raw.into(),
            number: n.normalized,
            number_class: n.class,
            time: at(time),
            text: None,
            duration_s: Some(secs),
            call_result: Some(result),
            contributor: who.into(),
        });
        id
    }

    fn flag(&mut self, id: i64, practice: Practice, rule: &str, words: &[&str], why: &str) {
        let text = self.records[(id - 1) as usize].text.clone().unwrap_or_default();
        let legal_bases = match practice {
            Practice::Threat | Practice::Insult => vec![law(
                "《治安管理处罚法》（2025年修订）第五十条（摘要）",
                "写恐吓信或者用其他方法威胁他人人身安全的，公然侮辱他人的，多次发送侮辱、恐吓等信息干扰他人正常生活的，处拘留或者罚款。",
                "很可能适用",
            )],
            Practice::ThirdPartyContact | Practice::Disclosure => vec![law(
                "《个人信息保护法》第十条（摘要）",
                "任何组织、个人不得非法收集、使用、加工、传输他人个人信息，不得非法买卖、提供或者公开他人个人信息。",
                "可能适用",
            )],
            Practice::FakeLegal => vec![law(
                "行业催收规范（演示数据）",
                "催收时不得冒用行政机关、司法机关等名义，不得用虚假的法律后果吓唬人。",
                "演示数据",
            )],
            _ => vec![],
        };
        self.findings.push(FindingRow {
            record_id: Some(id),
            record_ids: vec![],
            practice,
            rule: rule.into(),
            spans: words.iter().map(|w| span(&text, w)).collect(),
            explanation: why.into(),
            legal_bases,
            status: FindingStatus::Unreviewed,
        });
    }
}

/// The demo case: a borrower, her mother and a colleague, harassed over ten days.
pub fn demo_input() -> ReportInput {
    let mut b = Builder { records: vec![], findings: vec![] };
    let me = "本人";
    let mum = "李梅";
    let colleague = "王强";

    let m1 = b.sms(
        "2026-03-02 09:12:00",
        "17112345678",
        me,
        "【某某金融】您的借款已逾期3天，请今天之内还款，否则我们将联系你的紧急联系人。",
    );
    b.flag(
        m1,
        Practice::ThirdPartyContact,
        "cn.third_party.contact_threat",
        &["联系你的紧急联系人"],
        "对方说要联系你的亲友。催收不能把欠款的事告诉与借款无关的人。",
    );
    b.call("2026-03-02 09:30:00", "17112345678", me, CallResult::Missed, 0);
    b.call("2026-03-02 09:31:00", "17112345678", me, CallResult::Rejected, 0);
    b.call("2026-03-02 13:02:00", "+86 138 1234 5678", me, CallResult::Answered, 83);
    let m2 = b.sms(
        "2026-03-03 23:41:00",
        "13812345678",
        me,
        "再不还钱，我们明天就上门，到时候别怪我们不客气。你就是个老赖。",
    );
    b.flag(
        m2,
        Practice::Threat,
        "cn.threat.visit",
        &["明天就上门", "别怪我们不客气"],
        "对方说要上门，还说“别怪我们不客气”，这是在恐吓你。",
    );
    b.flag(
        m2,
        Practice::Insult,
        "cn.insult.laolai",
        &["老赖"],
        "对方骂你是“老赖”。这是侮辱人格的说法。",
    );
    for (t, r) in [
        ("2026-03-03 23:50:00", CallResult::Missed),
        ("2026-03-04 00:05:00", CallResult::Missed),
        ("2026-03-04 06:40:00", CallResult::Missed),
    ] {
        b.call(t, "13812345678", me, r, 0);
    }
    let m3 = b.sms(
        "2026-03-04 10:20:00",
        "1069012345678",
        me,
        "【法务部】您的案件已移交法院立案，将冻结您名下所有银行卡，并上报征信失信名单。",
    );
    b.flag(
        m3,
        Practice::FakeLegal,
        "cn.fake_legal.filed",
        &["已移交法院立案", "冻结您名下所有银行卡"],
        "法院立案会由法院正式通知，不会由催收短信通知。“冻结所有银行卡”是吓人的说法。",
    );
    let m4 = b.sms(
        "2026-03-04 11:00:00",
        "17112345678",
        mum,
        "阿姨您好，您女儿张伟在我司借款逾期不还，请您转告她尽快还钱，不然影响全家。",
    );
    b.flag(
        m4,
        Practice::ThirdPartyContact,
        "cn.third_party.relative",
        &["阿姨您好"],
        "对方直接给你母亲发短信催债。",
    );
    b.flag(
        m4,
        Practice::Disclosure,
        "cn.disclosure.debt",
        &["借款逾期不还"],
        "对方把你欠款的事告诉了你母亲。",
    );
    b.call("2026-03-04 11:05:00", "17112345678", mum, CallResult::Answered, 245);
    b.call("2026-03-05 22:30:00", "021-5555 6666", mum, CallResult::Missed, 0);
    let m5 = b.sms(
        "2026-03-06 14:00:00",
        "16512345678",
        colleague,
        "王先生，你同事张伟欠钱不还，你们公司还让这种人上班？",
    );
    b.flag(
        m5,
        Practice::Disclosure,
        "cn.disclosure.debt",
        &["欠钱不还"],
        "对方把你欠款的事告诉了你的同事。",
    );
    let m6 = b.sms("2026-03-08 10:00:00", "95588", me, "您尾号1234的账户今日入账500元。");
    let _ = m6;
    let m7 = b.sms(
        "2026-03-09 08:10:00",
        "17112345678",
        me,
        "您好，您在某某金融的借款已逾期，请及时处理，如有困难可致电客服协商。",
    );
    b.flag(
        m7,
        Practice::LegitReminder,
        "cn.reminder.basic",
        &[],
        "这是一条正常的还款提醒，没有发现违规的说法。",
    );
    b.findings.push(FindingRow {
        record_id: None,
        record_ids: vec![5, 6, 7, 8, 12],
        practice: Practice::NightContact,
        rule: "cn.pattern.night".into(),
        spans: vec![],
        explanation: "对方在晚上 10 点到早上 8 点之间联系了 5 次。夜间催收会打扰你和家人休息。"
            .into(),
        legal_bases: vec![law(
            "行业催收规范（演示数据）",
            "催收应避开休息时间，不得在夜间联系。",
            "演示数据",
        )],
        status: FindingStatus::Confirmed,
    });
    b.findings.push(FindingRow {
        record_id: Some(m6),
        record_ids: vec![],
        practice: Practice::Scam,
        rule: "cn.scam.account".into(),
        spans: vec![span("您尾号1234的账户今日入账500元。", "入账")],
        explanation: "提到了账户和钱，可能是诈骗。".into(),
        legal_bases: vec![],
        status: FindingStatus::Rejected { reason: "这是银行的正常通知。".into() },
    });

    let records = b.records;
    let count = |who: &str| records.iter().filter(|r| r.contributor == who).count() as u64;
    ReportInput {
        case_title: "演示案件".into(),
        generated_at: at("2026-03-10 20:00:00").unwrap_or(Timestamp::UNIX_EPOCH),
        rules_version: "cn-2026.03-demo".into(),
        log_head: Some("9f2c4e1a7b3d5f60e8a1c2b3d4e5f60718293a4b5c6d7e8f9012a3b4c5d6e7f8".into()),
        artifacts: vec![
            ArtifactRow {
                sha256: "3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b".into(),
                file_name: "sms-20260310.xml".into(),
                contributor: me.into(),
                format: "SMS Backup & Restore 短信备份".into(),
                record_count: count(me),
                problem_count: 1,
                imported_at: at("2026-03-10 19:40:00"),
                device: String::new(),
            },
            ArtifactRow {
                sha256: "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9".into(),
                file_name: "妈妈的手机.xml".into(),
                contributor: mum.into(),
                format: "SMS Backup & Restore 短信备份".into(),
                record_count: count(mum),
                problem_count: 0,
                imported_at: at("2026-03-10 19:45:00"),
                device: "妈妈的手机".into(),
            },
            ArtifactRow {
                sha256: "6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b".into(),
                file_name: "王强截图说明.txt".into(),
                contributor: colleague.into(),
                format: "手动记录".into(),
                record_count: count(colleague),
                problem_count: 0,
                imported_at: at("2026-03-10 19:50:00"),
                device: String::new(),
            },
        ],
        contributors: vec![
            ContributorRow { name: me.into(), relation: "本人".into(), is_borrower: true },
            ContributorRow { name: mum.into(), relation: "母亲".into(), is_borrower: false },
            ContributorRow { name: colleague.into(), relation: "同事".into(), is_borrower: false },
        ],
        records,
        findings: b.findings,
        problems: vec![ProblemRow {
            artifact: "sms-20260310.xml".into(),
            locator: "第 57 条短信".into(),
            message_zh: "这条短信没有时间，已跳过。".into(),
        }],
        next_steps: vec![
            "保存好这份报告和手机里的原始短信、通话记录，不要删除。".into(),
            "拨打 12378（银行保险消费者投诉热线）投诉这家机构的催收方式，说明对方威胁上门、骚扰你的母亲和同事。".into(),
            "如果对方真的上门，或者威胁伤害你和家人，马上拨打 110。".into(),
            "告诉家人和同事：他们没有替你还钱的义务，可以不理会这些电话和短信。".into(),
        ],
    }
}
