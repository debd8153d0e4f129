//! One builder per document type: plain data in, a [`Document`] out.

use anjing_law::Area;
use anjing_model::{Practice, RecordKind};

use crate::facts::Facts;
use crate::law::{self, basis_para, statute_para};
use crate::model::{Audience, Block, ChartSvg, Document, Inline, Para, ParaStyle, Table};
use crate::stats::{Stats, fmt_date, fmt_time};
use crate::{DocKind, DocsInput, Options, redact};

fn t(s: impl Into<String>) -> Inline {
    Inline::Text(s.into())
}

fn b(s: impl Into<String>) -> Inline {
    Inline::Strong(s.into())
}

/// How many quoted messages a narrative shows (the full list is in the timeline table).
const QUOTES: usize = 8;

struct Builder<'a> {
    input: &'a DocsInput,
    f: Facts<'a>,
    s: Stats,
    blocks: Vec<Block>,
    charts: Vec<ChartSvg>,
}

impl<'a> Builder<'a> {
    fn heading(&mut self, s: &str) {
        self.blocks.push(Block::Heading(s.to_string()));
    }
    fn para(&mut self, style: ParaStyle, runs: Vec<Inline>) {
        self.blocks.push(Block::Para(Para { style, runs }));
    }
    fn body(&mut self, runs: Vec<Inline>) {
        self.para(ParaStyle::Body, runs);
    }
    fn plain(&mut self, runs: Vec<Inline>) {
        self.para(ParaStyle::Plain, runs);
    }
    fn note(&mut self, s: &str) {
        self.para(ParaStyle::Note, vec![t(s)]);
    }
    fn statute(&mut self, id: &str) {
        if let Some(p) = statute_para(id) {
            self.blocks.push(Block::Para(p));
        }
    }
    fn table(&mut self, header: &[&str], widths: &[u32], rows: Vec<Vec<Vec<Inline>>>) {
        self.blocks.push(Block::Table(Table {
            header: header.iter().map(|h| h.to_string()).collect(),
            widths: widths.to_vec(),
            rows,
        }));
    }
    fn charts(&mut self) {
        for c in anjing_report::charts(&self.input.evidence) {
            self.charts.push(ChartSvg {
                title: c.title,
                svg: c.svg,
                width: c.width,
                height: c.height,
            });
            self.blocks.push(Block::Chart(self.charts.len() - 1));
        }
    }

    fn date(&self) -> String {
        fmt_date(self.input.date)
    }

    /// `2026年1月5日至2026年2月20日`, or markers when nothing is dated.
    fn period(&self) -> Vec<Inline> {
        match (self.s.first, self.s.last) {
            (Some(a), Some(z)) if a == z => vec![t(fmt_date(a))],
            (Some(a), Some(z)) => vec![t(format!("{}至{}", fmt_date(a), fmt_date(z)))],
            _ => vec![self.f.missing("骚扰发生的期间")],
        }
    }

    fn lender(&self) -> Inline {
        self.f.field("lender_name")
    }

    /// The borrower's name: the fact, else the contributor marked 本人 in the evidence.
    fn borrower_name(&self) -> Inline {
        match self.f.get("borrower_name") {
            Some(n) => t(n),
            None => match self.s.borrower_contributors.first() {
                Some(n) if n != "本人" => t(n.clone()),
                _ => self.f.field("borrower_name"),
            },
        }
    }

    /// The contacted relative: the facts, else the first one the evidence shows reached.
    fn relative(&self) -> (Inline, Inline) {
        let reached = self.s.reached_relatives();
        let name = match self.f.get("relative_name") {
            Some(n) => t(n),
            None => match reached.first() {
                Some((n, _)) => t(n.clone()),
                None => self.f.field("relative_name"),
            },
        };
        let relation = match self.f.get("relative_relation") {
            Some(r) => t(r),
            None => match reached.first() {
                Some((_, r)) if !r.is_empty() => t(r.clone()),
                _ => self.f.field("relative_relation"),
            },
        };
        (name, relation)
    }

    fn person(&mut self, role: &str, prefix: &str, name: Inline) {
        let k = |s: &str| format!("{prefix}_{s}");
        let f = &self.f;
        let runs = vec![
            b(format!("{role}：")),
            name,
            t("，性别："),
            f.field(&k("gender")),
            t("，出生日期："),
            f.field(&k("birth_date")),
            t("，民族："),
            f.field(&k("ethnicity")),
            t("，职业及工作单位："),
            f.field(&k("occupation")),
            t("，住所："),
            f.field(&k("address")),
            t("，公民身份号码："),
            f.field(&k("id_number")),
            t("，联系电话："),
            f.field(&k("phone")),
            t("。"),
        ];
        self.plain(runs);
    }

    fn borrower_party(&mut self, role: &str) {
        let name = self.borrower_name();
        self.person(role, "borrower", name);
    }

    fn relative_party(&mut self, role: &str) {
        let (name, relation) = self.relative();
        self.person(role, "relative", name);
        self.plain(vec![t("（系借款人"), self.borrower_name(), t("的"), relation, t("）")]);
    }

    fn defendants(&mut self, role: &str) {
        let one = if self.f.get("collector_company").is_some() { "一" } else { "" };
        let runs = vec![
            b(format!("{role}{one}：")),
            self.lender(),
            t("，住所："),
            self.f.field("lender_address"),
            t("，法定代表人："),
            self.f.field("lender_representative"),
            t("。"),
        ];
        self.plain(runs);
        if self.f.get("collector_company").is_some() {
            let runs = vec![
                b(format!("{role}二：")),
                self.f.field("collector_company"),
                t("，住所："),
                self.f.field("collector_address"),
                t("。"),
            ];
            self.plain(runs);
        }
    }

    fn loan_sentence(&mut self, who: Inline) {
        let mut runs = vec![who, t("通过“"), self.f.field("app_name"), t("”向")];
        runs.push(self.lender());
        runs.extend([t("借款（借款情况："), self.f.field("loan_contract"), t("）。")]);
        self.body(runs);
    }

    /// The facts of the harassment, from the evidence.
    fn harassment_facts(&mut self, subject: &str) {
        let s = &self.s;
        let reached = s.reached_relatives();
        let mut runs = self.period();
        runs.push(t(format!(
            "，{subject}（或其委托的催收人员）使用{}个号码，拨打电话、发送短信共{}次",
            s.numbers.len(),
            s.total_contacts()
        )));
        if !reached.is_empty() {
            let who: Vec<String> = reached
                .iter()
                .map(|(n, r)| if r.is_empty() { n.clone() } else { format!("{r}{n}") })
                .collect();
            runs.push(t(format!("，其中联系到借款人的{}", who.join("、"))));
        }
        if s.night_contacts > 0 {
            runs.push(t(format!("，夜间（22:00至次日8:00）联系{}次", s.night_contacts)));
        }
        runs.push(t("。"));
        if !s.practices.is_empty() {
            runs.push(t(format!(
                "经逐条整理，上述短信和通话中存在{}等情形（每一条均附原始记录的时间、号码和内容，见证据目录）。",
                s.practice_summary()
            )));
        }
        if s.numbers.is_empty() {
            runs = vec![self.f.missing("催收号码、次数和内容（案件中尚无被标记的记录）")];
        }
        self.body(runs);
        let quotes: Vec<_> = self.s.events.iter().take(QUOTES).cloned().collect();
        for e in quotes {
            let kind = if e.kind == RecordKind::Call { "通话中称" } else { "发送短信称" };
            let who = match self.s.relation_of(&e.contributor) {
                Some(r) if !r.is_empty() => format!("借款人的{r}{}", e.contributor),
                _ => e.contributor.clone(),
            };
            self.body(vec![t(format!(
                "{}，号码{}向{who}{kind}：“{}”",
                fmt_time(e.time),
                e.number,
                e.text
            ))]);
        }
        if self.s.events.len() > QUOTES {
            self.body(vec![t(format!(
                "以上仅列举{QUOTES}条，全部{}条见附表及证据目录。",
                self.s.events.len()
            ))]);
        }
    }

    fn practices(&self) -> Vec<Practice> {
        self.s.practices.keys().copied().collect()
    }

    /// The dates whose law applies: the case's; with no dated record, every version that may
    /// apply up to the document's date (three years back), never that date's law alone.
    fn law_range(&self) -> (jiff::civil::Date, jiff::civil::Date) {
        let d = self.input.date;
        match (self.s.first, self.s.last) {
            (Some(a), Some(z)) => (a, z),
            _ => (d.checked_sub(jiff::ToSpan::years(3)).unwrap_or(d), d),
        }
    }

    /// What decides which bases apply to this case (lender type and stated facts).
    fn scope(&self) -> anjing_law::CaseScope {
        anjing_law::CaseScope::from_facts(&self.input.facts)
    }

    fn numbers_table(&mut self) {
        let rows = self
            .s
            .numbers
            .iter()
            .enumerate()
            .map(|(i, n)| {
                vec![
                    vec![t((i + 1).to_string())],
                    vec![t(n.number.clone())],
                    vec![t(n.calls.to_string())],
                    vec![t(n.messages.to_string())],
                    vec![t(fmt_time(n.first))],
                    vec![t(fmt_time(n.last))],
                    vec![t(n.reached.iter().cloned().collect::<Vec<_>>().join("、"))],
                ]
            })
            .collect();
        self.table(
            &["序号", "号码", "来电", "短信", "首次", "最后", "联系到"],
            &[6, 22, 7, 7, 18, 18, 12],
            rows,
        );
    }

    fn timeline_table(&mut self) {
        let rows = self
            .s
            .events
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let practices: Vec<&str> = e.practices.iter().map(|p| p.name_zh()).collect();
                vec![
                    vec![t((i + 1).to_string())],
                    vec![t(fmt_time(e.time))],
                    vec![t(e.number.clone())],
                    vec![t(e.contributor.clone())],
                    vec![t(e.text.clone())],
                    vec![t(practices.join("、"))],
                ]
            })
            .collect();
        self.table(
            &["序号", "时间", "号码", "接收人", "内容", "涉及情形"],
            &[6, 15, 21, 9, 35, 14],
            rows,
        );
    }

    /// The evidence list rows (证据规定第十九条: 分类编号、来源、证明对象和内容).
    fn evidence_rows(&self) -> Vec<Vec<Vec<Inline>>> {
        let ev = &self.input.evidence;
        let mut rows = Vec::new();
        for (i, a) in ev.artifacts.iter().enumerate() {
            let name = format!(
                "{}提供的{}导出文件（{}，{}条记录）",
                a.contributor,
                kind_of(&a.format),
                a.format,
                a.record_count
            );
            let from_relative =
                self.s.relatives.iter().any(|(n, _)| a.contributor.starts_with(n.as_str()));
            let purpose = if from_relative {
                "证明催收方以电话、短信联系借款人的亲友，以及联系的时间、号码和内容"
            } else {
                "证明催收方联系借款人本人的时间、号码、次数和内容"
            };
            rows.push(vec![
                vec![t((i + 1).to_string())],
                vec![t(name)],
                vec![t(format!("{}手机导出的电子数据（原始文件）", a.contributor))],
                vec![t(purpose)],
                vec![t(format!("电子数据：{}", a.file_name))],
                vec![t(a.sha256.clone())],
            ]);
        }
        let n = rows.len();
        rows.push(vec![
            vec![t((n + 1).to_string())],
            vec![t("催收号码、次数及内容汇总表（由上述原始文件整理）")],
            vec![t("根据序号1至".to_string() + &n.to_string() + "的电子数据整理")],
            vec![t("证明骚扰的频次、时段、号码数量和具体内容")],
            vec![self.f.missing("页码")],
            vec![t("—")],
        ]);
        rows.push(vec![
            vec![t((n + 2).to_string())],
            vec![t("运营商盖章的通话详单")],
            vec![t("到营业厅打印")],
            vec![t("印证手机中的通话记录（中立第三方提供）")],
            vec![self.f.missing("页码")],
            vec![t("—")],
        ]);
        rows
    }

    fn evidence_summary(&mut self) {
        let n = self.input.evidence.artifacts.len();
        self.body(vec![t(format!(
            "证据为手机短信、通话记录导出的原始文件{n}份及据此整理的汇总表，均为电子数据，来源为当事人本人及亲友的手机；每份原始文件的 SHA-256 校验值见所附《证据目录》。原手机保留备查，可当庭演示。"
        ))]);
    }

    fn witnesses(&mut self) {
        let reached = self.s.reached_relatives();
        if reached.is_empty() {
            self.body(vec![t("证人："), self.f.missing("证人姓名和住所（如有）")]);
            return;
        }
        for (name, relation) in reached {
            let rel = if relation.is_empty() {
                String::new()
            } else {
                format!("（借款人的{relation}）")
            };
            let runs = if self.f.get("relative_name") == Some(name.as_str()) {
                vec![
                    t(format!("证人：{name}{rel}，住所：")),
                    self.f.field("relative_address"),
                    t("。"),
                ]
            } else {
                vec![
                    t(format!("证人：{name}{rel}，住所：")),
                    self.f.missing(&format!("证人{name}的住所")),
                    t("。"),
                ]
            };
            self.body(runs);
        }
    }

    fn court_close(&mut self, signer: &str, name: Inline) {
        self.plain(vec![t("此致")]);
        self.plain(vec![self.f.field("court")]);
        self.para(ParaStyle::Right, vec![t(format!("{signer}：")), name, t("（签名）")]);
        self.para(ParaStyle::Right, vec![t(self.date())]);
    }

    fn finish(self, kind: DocKind, title: &str, subtitle: &str, options: Options) -> Document {
        let mut doc = Document {
            id: kind.id(),
            title: title.to_string(),
            subtitle: subtitle.to_string(),
            blocks: self.blocks,
            missing: self.f.into_missing(),
            charts: self.charts,
            audience: kind.audience(),
            redacted: false,
        };
        if options.redact && doc.audience == Audience::Public {
            redact::apply(&mut doc, &self.s, self.input);
        }
        doc
    }
}

fn kind_of(format: &str) -> &'static str {
    let f = format.to_lowercase();
    if f.contains("call") || format.contains("通话") {
        "通话记录"
    } else if f.contains("sms") || format.contains("短信") {
        "短信"
    } else {
        "手机数据"
    }
}

pub(crate) fn build(kind: DocKind, input: &DocsInput, options: Options) -> Document {
    let mut w = Builder {
        input,
        f: Facts::new(&input.facts),
        s: Stats::of(&input.evidence),
        blocks: Vec::new(),
        charts: Vec::new(),
    };
    match kind {
        DocKind::EvidenceList => evidence_list(&mut w),
        DocKind::NoticeLetter => notice_letter(&mut w),
        DocKind::CivilComplaint => civil_complaint(&mut w, false),
        DocKind::CivilComplaintRelative => civil_complaint(&mut w, true),
        DocKind::Injunction => injunction(&mut w, false),
        DocKind::Preservation => injunction(&mut w, true),
        DocKind::PoliceReport => police_report(&mut w),
        DocKind::Complaint => complaint(&mut w),
        DocKind::Report12321 => report_12321(&mut w),
        DocKind::ContactsMessage => contacts_message(&mut w),
        DocKind::WitnessStatement => witness_statement(&mut w),
    }
    let (title, subtitle) = match kind {
        DocKind::CivilComplaint => ("民事起诉状", "（借款人适用）"),
        DocKind::CivilComplaintRelative => ("民事起诉状", "（被联系亲友适用）"),
        DocKind::Preservation => ("行为保全申请书", "（诉讼中）"),
        DocKind::Injunction => ("人格权侵害禁令申请书", ""),
        DocKind::Report12321 => ("12321 举报内容", ""),
        DocKind::ContactsMessage => ("致亲友的说明", ""),
        k => (k.name_zh(), ""),
    };
    w.finish(kind, title, subtitle, options)
}

fn evidence_list(w: &mut Builder) {
    w.plain(vec![b("提交人："), w.borrower_name()]);
    w.plain(vec![b("案号："), w.f.missing("案号（立案后填写）")]);
    let rows = w.evidence_rows();
    w.table(
        &["序号", "证据名称", "证据来源", "证明目的", "页码", "原始文件 SHA-256"],
        &[5, 22, 15, 22, 10, 26],
        rows,
    );
    w.note("说明：依据《最高人民法院关于民事诉讼证据的若干规定》第十九条，证据应逐一分类编号，说明来源、证明对象和内容，签名并注明提交日期，按对方当事人人数提交副本。SHA-256 是原始文件的校验值，用于核对导出后文件未被改动，不能单独证明内容真实；原手机请保留备查。");
    w.para(ParaStyle::Right, vec![t("提交人："), w.borrower_name(), t("（签名）")]);
    w.para(ParaStyle::Right, vec![t(format!("提交日期：{}", w.date()))]);
}

fn notice_letter(w: &mut Builder) {
    let mut to = vec![w.lender()];
    if w.f.get("collector_company").is_some() {
        to.extend([t("、"), w.f.field("collector_company")]);
    }
    to.push(t("："));
    w.plain(to);
    let mut r =
        vec![t("本人"), w.borrower_name(), t("（联系电话："), w.f.field("borrower_phone"), t("）")];
    r.extend([
        t("曾通过“"),
        w.f.field("app_name"),
        t("”与贵司发生借贷关系（"),
        w.f.field("loan_contract"),
        t("）。"),
    ]);
    r.push(t("本人对合法债务的正常沟通不持异议，但近期贵司或贵司委托的催收人员存在以下情形："));
    w.body(r);
    w.harassment_facts("贵司");
    w.body(vec![t("为此，本人依法告知并要求：")]);
    w.body(vec![t(
        "一、立即停止以电话、短信、即时通讯工具等任何方式联系本人通讯录中的亲友、同事等第三人；",
    )]);
    w.body(vec![t("二、立即停止向任何第三人透露本人的借款、逾期等个人信息；")]);
    w.body(vec![t("三、删除贵司及贵司委托的催收机构所收集、保存的本人通讯录及其中第三人的个人信息，并停止对上述信息的任何处理，书面告知删除结果；")]);
    w.body(vec![t("四、与本人沟通还款事宜时，只使用本人的联系方式，不在22:00至次日8:00之间联系，不使用威胁、侮辱性语言。")]);
    w.heading("依据");
    for id in ["pipl-44", "pipl-47", "civil-code-1032", "civil-code-1033-item-1", "pipl-69"] {
        w.statute(id);
    }
    w.body(vec![t("如贵司继续上述行为，本人将保留全部证据，依法向金融监管部门投诉、向公安机关报案，并向人民法院提起诉讼。")]);
    w.para(ParaStyle::Right, vec![t("告知人："), w.borrower_name(), t("（签名）")]);
    w.para(ParaStyle::Right, vec![t(w.date())]);
    w.note("寄送建议：通过挂号信或 EMS 寄往放贷机构住所，并保留寄送凭证；也可通过 App 内客服提交并截图留存。");
}

fn civil_complaint(w: &mut Builder, relative: bool) {
    if relative {
        w.relative_party("原告");
    } else {
        w.borrower_party("原告");
    }
    w.defendants("被告");
    w.plain(vec![b("案由："), t("隐私权纠纷、个人信息保护纠纷")]);
    w.heading("诉讼请求");
    let who = if relative { "原告" } else { "原告及原告通讯录中的联系人" };
    w.body(vec![t(format!("一、判令被告立即停止以电话、短信等方式侵扰{who}的私人生活安宁；"))]);
    if relative {
        w.body(vec![t("二、判令被告删除其收集、保存的原告个人信息（包括姓名、电话号码）；")]);
    } else {
        w.body(vec![t("二、判令被告停止向第三人披露原告的借款等个人信息，并删除其收集、保存的原告通讯录信息；")]);
    }
    w.body(vec![t("三、判令被告向原告书面赔礼道歉；")]);
    w.body(vec![t("四、判令被告赔偿原告精神损害抚慰金人民币"), w.f.field("damages"), t("元；")]);
    w.body(vec![t("五、本案诉讼费用由被告承担。")]);
    if let Some(remedy) = w.f.get("remedy") {
        w.body(vec![t(format!("（原告的其他诉求：{remedy}）"))]);
    }
    w.heading("事实与理由");
    if relative {
        let (name, relation) = w.relative();
        w.body(vec![t("原告"), name, t("系借款人"), w.borrower_name(), t("的"), relation, t("。原告并非借款合同的当事人，对该借款不负有任何还款义务，也从未同意被告处理原告的个人信息。")]);
        let who = w.borrower_name();
        w.loan_sentence(who);
    } else {
        w.loan_sentence(t("原告"));
    }
    w.harassment_facts("被告");
    w.body(vec![t(if relative {
        "被告未经原告同意获取并使用原告的电话号码，反复以电话、短信侵扰原告的私人生活安宁，并向原告透露借款人的债务信息，侵害了原告的隐私权和个人信息权益。"
    } else {
        "被告以电话、短信等方式反复侵扰原告的私人生活安宁，并联系原告通讯录中的亲友、透露原告的借款信息，侵害了原告的隐私权和个人信息权益，给原告造成严重精神损害。"
    })]);
    w.body(vec![t("依照下列规定，原告的诉讼请求应予支持：")]);
    for id in [
        "civil-code-1032",
        "civil-code-1033-item-1",
        "civil-code-1034",
        "civil-code-1165",
        "civil-code-1183",
        "pipl-69",
        "pipl-47",
    ] {
        w.statute(id);
    }
    w.body(vec![t(format!(
        "本案属于侵权纠纷，依照{}，由侵权行为地或者被告住所地人民法院管辖。",
        law::cite("cpl-2023-29")
    ))]);
    w.heading("证据和证据来源，证人姓名和住所");
    w.evidence_summary();
    w.witnesses();
    w.court_close("具状人", if relative { w.relative().0 } else { w.borrower_name() });
    w.plain(vec![
        t("附：1. 本起诉状副本"),
        w.f.missing("份数（按被告人数）"),
        t("份；2. 证据目录及证据一套；3. 原告身份证复印件。"),
    ]);
    w.note(&format!(
        "本起诉状按照{}所列事项生成（原告和被告的身份信息，诉讼请求和所根据的事实与理由，证据和证据来源，证人姓名和住所）。案由按“隐私权、个人信息保护纠纷”项下填写，立案时以法院确定的为准。",
        law::cite("cpl-2023-124")
    ));
}

fn injunction(w: &mut Builder, in_suit: bool) {
    w.borrower_party("申请人");
    w.defendants("被申请人");
    if in_suit {
        w.plain(vec![b("案号："), w.f.missing("案号（立案后填写）")]);
    }
    w.heading("请求事项");
    w.body(vec![t("一、责令被申请人立即停止以拨打电话、发送短信等方式侵扰申请人及申请人通讯录联系人的私人生活安宁；")]);
    w.body(vec![t("二、责令被申请人停止向申请人的亲友、同事等第三人透露申请人的借款等个人信息；")]);
    w.body(vec![t("三、责令被申请人停止处理其收集的申请人通讯录信息。")]);
    w.heading("事实与理由");
    w.loan_sentence(t("申请人"));
    w.harassment_facts("被申请人");
    if in_suit {
        w.body(vec![t("申请人已就上述侵权行为向贵院提起诉讼（案号见上）。被申请人的骚扰行为仍在持续，若不在判决前责令其停止，申请人及其亲友将继续受到侵扰，造成难以弥补的损害。依照下列规定，特申请行为保全：")]);
        w.statute("cpl-2023-103");
        w.body(vec![t("如贵院责令提供担保，申请人将依法提供。")]);
    } else {
        w.body(vec![t("一、被申请人正在实施侵害申请人人格权的违法行为：上述电话和短信有原始记录为证，且持续至今。")]);
        w.body(vec![t("二、不及时制止将使申请人的合法权益受到难以弥补的损害：骚扰已扩散到申请人的亲友、同事，信息一经泄露无法收回，申请人的私人生活安宁和社会评价持续受损。")]);
        w.body(vec![t("依照下列规定，特向贵院申请人格权侵害禁令：")]);
        w.statute("civil-code-997");
        w.statute("civil-code-1033-item-1");
    }
    w.heading("证据");
    w.evidence_summary();
    w.court_close("申请人", w.borrower_name());
    w.note("说明：人格权侵害禁令的实体依据是民法典第九百九十七条；目前尚未检索到专门规定禁令程序的司法解释，实务中以“申请人格权侵害禁令”立案，具体材料要求以受理法院为准。");
}

fn police_report(w: &mut Builder) {
    w.plain(vec![w.f.field("police_station"), t("：")]);
    w.plain(vec![
        b("报案人："),
        w.borrower_name(),
        t("，公民身份号码："),
        w.f.field("borrower_id_number"),
        t("，联系电话："),
        w.f.field("borrower_phone"),
        t("，住址："),
        w.f.field("borrower_address"),
        t("。"),
    ]);
    let mut r = vec![b("被举报人："), t("使用下列号码的催收人员；其自称代表")];
    r.extend([w.lender(), t("（借款App：“"), w.f.field("app_name"), t("”）催收。")]);
    w.plain(r);
    w.heading("一、事实经过");
    w.harassment_facts("对方");
    w.heading("二、涉及的号码和次数");
    w.numbers_table();
    w.charts();
    w.heading("三、逐条记录（时间、号码、内容）");
    w.timeline_table();
    w.heading("四、可能涉及的违法犯罪");
    w.body(vec![t("以下为根据记录内容整理的可能涉及的规定，是否构成违法犯罪由公安机关依法认定：")]);
    let (from, to) = w.law_range();
    let scope = w.scope();
    for basis in
        law::bases(&w.practices(), from, to, &[Area::Administrative, Area::Criminal], &scope)
    {
        w.blocks.push(Block::Para(basis_para(&basis)));
    }
    w.heading("五、请求");
    w.body(vec![t("一、依法受理本案并开展调查，制止上述骚扰、威胁行为；")]);
    w.body(vec![t("二、依法向本人出具受案回执；")]);
    w.body(vec![t("三、对涉嫌非法获取、提供本人及亲友个人信息的行为一并调查。")]);
    if law::article("psl-2025-90").is_some_and(|a| a.in_force_on(w.input.date)) {
        w.statute("psl-2025-90");
    }
    w.body(vec![t("本人可提供手机原件供核查，并保证所述情况属实。")]);
    w.para(ParaStyle::Right, vec![t("报案人："), w.borrower_name(), t("（签名）")]);
    w.para(ParaStyle::Right, vec![t(w.date())]);
}

fn complaint(w: &mut Builder) {
    let to = match w.f.get("lender_type") {
        Some("bank" | "credit_card" | "consumer_finance") => {
            "国家金融监督管理总局（12378 热线）".to_string()
        }
        Some("micro_loan") => {
            "当地地方金融监管部门；中国互联网金融协会举报平台（如为会员）".to_string()
        }
        Some("unlicensed") => {
            "（无牌放贷不宜向金融监管部门投诉，建议直接向公安机关报案）".to_string()
        }
        _ => {
            "国家金融监督管理总局（12378）或当地地方金融监管部门（按放贷机构类型选择）".to_string()
        }
    };
    w.plain(vec![b("投诉对象（受理机构）："), t(to)]);
    w.plain(vec![
        b("投诉人："),
        w.borrower_name(),
        t("，联系电话："),
        w.f.field("borrower_phone"),
        t("，住址："),
        w.f.field("borrower_address"),
        t("。"),
    ]);
    w.plain(vec![b("被投诉机构全称："), w.lender()]);
    if w.f.get("collector_company").is_some() {
        w.plain(vec![b("催收机构："), w.f.field("collector_company")]);
    }
    w.plain(vec![
        b("借款App："),
        w.f.field("app_name"),
        t("；借款情况："),
        w.f.field("loan_contract"),
    ]);
    w.heading("一、投诉事实");
    w.harassment_facts("被投诉机构");
    w.numbers_table();
    w.heading("二、投诉诉求");
    match w.f.get("remedy") {
        Some(r) => w.body(vec![t(r)]),
        None => {
            w.body(vec![t("一、责令被投诉机构及其委托的催收机构停止联系投诉人的亲友、同事等第三人，停止透露投诉人的债务信息；")]);
            w.body(vec![t("二、责令其删除违规收集的投诉人通讯录信息；")]);
            w.body(vec![t("三、对上述违规催收行为依法依规处理，并书面答复投诉人。")]);
        }
    }
    w.heading("三、依据");
    let (from, to) = w.law_range();
    let scope = w.scope();
    for basis in law::bases(&w.practices(), from, to, &[Area::Civil, Area::Industry], &scope) {
        w.blocks.push(Block::Para(basis_para(&basis)));
    }
    w.heading("四、证据清单");
    let rows = w.evidence_rows();
    let rows = rows
        .into_iter()
        .map(|mut r| {
            r.truncate(4);
            r
        })
        .collect();
    w.table(&["序号", "证据名称", "证据来源", "证明目的"], &[6, 34, 25, 35], rows);
    w.para(ParaStyle::Right, vec![t("投诉人："), w.borrower_name()]);
    w.para(ParaStyle::Right, vec![t(w.date())]);
    // Where to submit follows the lender type, as the plan routes it.
    w.note(match w.f.get("lender_type") {
        Some("bank" | "credit_card" | "consumer_finance") => "提交方式：拨打 12378 时选择类别和属地，说明机构全称、经过和诉求，记下投诉编号，再按要求补交本投诉书和证据。",
        Some("micro_loan") => "提交方式：向当地地方金融监管部门提交（各地名称不一，请在当地政府官方网站查询投诉方式）；如果该机构是中国互联网金融协会的会员，也可以在协会举报平台 https://jubao.nifa.org.cn 实名举报。",
        Some("unlicensed") => "提交方式：无牌放贷不宜向金融监管部门投诉。本投诉书可以作为向放贷方提出的书面投诉留存；对威胁、骚扰和非法使用个人信息，建议持报案材料直接向公安机关报案。",
        _ => "提交方式：先查明放贷机构的类型（见借款合同或App内的借款协议）：银行、消费金融公司拨打 12378；小额贷款公司向当地地方金融监管部门提交；无牌放贷不宜向金融监管部门投诉，建议直接向公安机关报案。",
    });
}

fn report_12321(w: &mut Builder) {
    w.body(vec![t("短信举报：用收到短信的手机，把下面每一行作为一条短信发送到 12321（格式为“被举报号码*原短信内容”，据公开报道）。")]);
    let events: Vec<_> =
        w.s.events.iter().filter(|e| e.kind != RecordKind::Call).cloned().collect();
    let mut by_phone: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for e in &events {
        by_phone
            .entry(e.contributor.clone())
            .or_default()
            .push(anjing_law::sms_report_12321(&e.number, &e.text));
    }
    if by_phone.is_empty() {
        w.body(vec![w.f.missing("被举报短信（案件中尚无被标记的短信）")]);
    }
    for (who, lines) in by_phone {
        w.heading(&format!("用{who}的手机发送"));
        for l in lines {
            w.plain(vec![t(l)]);
        }
    }
    w.heading("网页或微信举报（www.12321.cn）需填写的内容");
    let mut rows = Vec::new();
    for (i, e) in events.iter().enumerate() {
        rows.push(vec![
            vec![t((i + 1).to_string())],
            vec![t(e.number.clone())],
            vec![t(fmt_time(e.time))],
            vec![t(e.text.clone())],
        ]);
    }
    w.table(&["序号", "被举报号码", "接收时间", "短信原文（未改动）"], &[6, 18, 20, 56], rows);
    w.plain(vec![b("接收号码："), w.f.field("borrower_phone")]);
    w.plain(vec![b("举报类型："), t("骚扰短信 / 骚扰电话")]);
    w.note("请同时附上短信截图；不要修改短信原文。");
}

/// The plan's advice for the contacted people (`anjing_law::contacts_advice`), when the facts
/// say who was contacted (`contacted_people`): `None` otherwise.
fn contacts_advice(w: &Builder) -> Option<anjing_law::ForContacts> {
    let groups: Vec<anjing_law::Contacted> =
        w.f.get("contacted_people")?
            .split(',')
            .filter_map(anjing_law::Contacted::from_code)
            .collect();
    if groups.is_empty() {
        return None;
    }
    let facts = anjing_law::CaseFacts {
        lender_type: w
            .f
            .get("lender_type")
            .and_then(anjing_law::LenderType::from_code)
            .unwrap_or_default(),
        contacted_third_parties: true,
        contacted: groups,
        first_event: w.s.first,
        last_event: w.s.last,
        ..anjing_law::CaseFacts::default()
    };
    Some(anjing_law::contacts_advice(&facts))
}

fn contacts_message(w: &mut Builder) {
    if let Some(fc) = contacts_advice(w) {
        return contacts_message_for(w, &fc);
    }
    w.body(vec![t("各位亲友：")]);
    w.body(vec![
        t("我是"),
        w.borrower_name(),
        t("。最近可能有人以催收为名给你们打电话、发短信，提到我的借款，给大家添了麻烦，非常抱歉。"),
    ]);
    w.body(vec![t("一、这是我和放贷方之间的事，你们没有替我还款的义务。不要向任何人转账，也不要相信“要负连带责任”“已经立案”之类的说法。")]);
    w.body(vec![t("二、请不要删除这些电话和短信。方便的话，请把短信截图、通话记录截图发给我，或者用手机自带的备份功能导出后发给我；我会一并作为证据使用。")]);
    w.body(vec![t("三、对方如果威胁、辱骂，或者冒充公安、法院，可以直接拨打 110。任何索要验证码、让你点链接的，都是诈骗。")]);
    w.body(vec![t(
        "四、我已经在依法处理（向监管部门投诉，必要时报警和起诉）。谢谢大家的理解和帮助。",
    )]);
    w.para(ParaStyle::Right, vec![w.borrower_name()]);
    w.para(ParaStyle::Right, vec![t(w.date())]);
}

/// The message for the groups the facts name, with their own rights, as the plan says them.
fn contacts_message_for(w: &mut Builder, fc: &anjing_law::ForContacts) {
    use anjing_law::Contacted;
    let known: Vec<Contacted> =
        fc.groups.iter().copied().filter(|g| *g != Contacted::Unknown).collect();
    // The plan's message starts with a greeting for one group (“各位同事：”); a letter to
    // several groups greets them all.
    let (greeting, body) = match fc.message_zh.split_once('：') {
        Some((g, b)) if known.len() == 1 => (g.to_string(), b.to_string()),
        Some((_, b)) => ("各位亲友".to_string(), b.to_string()),
        None => ("各位亲友".to_string(), fc.message_zh.clone()),
    };
    w.body(vec![t(format!("{greeting}："))]);
    w.body(vec![t("我是"), w.borrower_name(), t(format!("。{body}"))]);
    if !fc.rights_zh.is_empty() {
        w.heading(&format!("{}自己的权利", fc.who_zh));
        for (i, r) in fc.rights_zh.iter().enumerate() {
            w.body(vec![t(format!("{}. {r}", i + 1))]);
        }
    }
    w.para(ParaStyle::Right, vec![w.borrower_name()]);
    w.para(ParaStyle::Right, vec![t(w.date())]);
    w.note("以上说明是针对你们被联系的情况写的，不是法律意见；是否违法，由公安机关、监管部门或法院认定。");
}

fn witness_statement(w: &mut Builder) {
    let (name, relation) = w.relative();
    w.plain(vec![
        b("证人："),
        name.clone(),
        t("，性别："),
        w.f.field("relative_gender"),
        t("，出生日期："),
        w.f.field("relative_birth_date"),
        t("，公民身份号码："),
        w.f.field("relative_id_number"),
    ]);
    w.plain(vec![
        t("住所："),
        w.f.field("relative_address"),
        t("，联系电话："),
        w.f.field("relative_phone"),
    ]);
    w.plain(vec![t("与当事人"), w.borrower_name(), t("的关系："), relation]);
    w.heading("证言内容");
    let who = match &name {
        Inline::Text(n) => n.clone(),
        _ => String::new(),
    };
    let mine: Vec<_> = w.s.numbers.iter().filter(|n| n.reached.contains(&who)).cloned().collect();
    if mine.is_empty() {
        w.body(vec![
            t("本人于"),
            w.f.missing("开始接到电话或短信的日期"),
            t("起，陆续接到号码"),
            w.f.missing("来电或短信号码"),
            t("的电话、短信，对方称……"),
        ]);
    } else {
        let nums: Vec<String> = mine.iter().map(|n| n.number.clone()).collect();
        let calls: usize = mine.iter().map(|n| n.calls).sum();
        let sms: usize = mine.iter().map(|n| n.messages).sum();
        let first = mine.iter().filter_map(|n| n.first).min();
        w.body(vec![
            t(format!(
                "本人自{}起，陆续接到号码{}的来电{calls}次、短信{sms}条。对方向本人提到",
                fmt_time(first),
                nums.join("、")
            )),
            w.borrower_name(),
            t("的借款，内容包括（请核对并补充）："),
        ]);
        let quotes: Vec<_> =
            w.s.events.iter().filter(|e| e.contributor == who).take(QUOTES).cloned().collect();
        for e in quotes {
            w.body(vec![t(format!("{}，号码{}：“{}”", fmt_time(e.time), e.number, e.text))]);
        }
    }
    w.body(vec![t("本人从未向对方提供过自己的电话号码，也从未同意对方联系本人。上述电话和短信的原始记录仍保存在本人手机中，可以提供核查。")]);
    w.body(vec![t("本人保证以上证言属实，如有虚假，愿意承担法律责任。")]);
    w.para(ParaStyle::Right, vec![t("证人："), name, t("（签名）")]);
    w.para(ParaStyle::Right, vec![t(w.date())]);
    w.note("附：证人身份证复印件；证人手机的短信、通话记录截图或导出文件。证人一般应出庭作证，确有困难的可以申请书面证言。");
}
