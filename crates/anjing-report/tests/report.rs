//! The report parsed with a real HTML parser: structure, links, highlights,
//! and hostile input.

use anjing_model::phone::NumberClass;
use anjing_model::{CallResult, Direction, Practice, RecordKind};
use anjing_report::{
    ArtifactRow, ContributorRow, FindingRow, FindingStatus, LegalBasisRow, ProblemRow, RecordRow,
    ReportInput, demo_input, render_html,
};
use jiff::Timestamp;
use scraper::{ElementRef, Html, Selector};

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

fn parse(html: &str) -> Html {
    let doc = Html::parse_document(html);
    assert!(doc.errors.is_empty(), "HTML parse errors: {:?}", doc.errors);
    doc
}

fn text_of(e: ElementRef) -> String {
    e.text().collect()
}

fn ts(s: &str) -> Option<Timestamp> {
    Some(s.parse().unwrap())
}

fn record(id: i64, time: Option<Timestamp>, number: &str, text: Option<&str>) -> RecordRow {
    RecordRow {
        id,
        kind: if text.is_some() { RecordKind::Sms } else { RecordKind::Call },
        direction: Direction::In,
        counterparty_raw: number.to_string(),
        number: number.to_string(),
        number_class: NumberClass::Mobile,
        time,
        text: text.map(str::to_string),
        duration_s: None,
        call_result: text.is_none().then_some(CallResult::Missed),
        contributor: "本人".to_string(),
    }
}

fn finding(record_id: i64, practice: Practice, spans: Vec<[usize; 2]>) -> FindingRow {
    FindingRow {
        record_id: Some(record_id),
        record_ids: vec![],
        practice,
        rule: "test.rule".to_string(),
        spans,
        explanation: "测试".to_string(),
        legal_bases: vec![],
        status: FindingStatus::Unreviewed,
    }
}

fn base(records: Vec<RecordRow>, findings: Vec<FindingRow>) -> ReportInput {
    ReportInput {
        case_title: "测试案件".to_string(),
        generated_at: "2026-03-10T12:00:00Z".parse().unwrap(),
        rules_version: "test".to_string(),
        log_head: None,
        artifacts: vec![],
        contributors: vec![ContributorRow {
            name: "本人".to_string(),
            relation: "本人".to_string(),
            is_borrower: true,
        }],
        records,
        findings,
        problems: vec![],
        next_steps: vec![],
    }
}

/// Every in-page link points at an element that exists; nothing links out.
fn assert_links_resolve(doc: &Html) {
    let ids: std::collections::HashSet<String> =
        doc.select(&sel("[id]")).map(|e| e.value().attr("id").unwrap().to_string()).collect();
    for a in doc.select(&sel("[href]")) {
        let href = a.value().attr("href").unwrap();
        let target = href.strip_prefix('#').unwrap_or_else(|| panic!("external link {href}"));
        assert!(ids.contains(target), "dangling link {href}");
    }
    assert_eq!(doc.select(&sel("[src]")).count(), 0);
}

/// No element can run anything.
fn assert_inert(doc: &Html) {
    assert_eq!(doc.select(&sel("script")).count(), 0);
    assert_eq!(doc.select(&sel("img")).count(), 0);
    assert_eq!(doc.select(&sel("style")).count(), 1);
    assert_eq!(doc.select(&sel("iframe, object, embed, link, base, form")).count(), 0);
    for e in doc.select(&sel("*")) {
        for (name, _) in e.value().attrs() {
            assert!(!name.starts_with("on"), "event handler attribute {name}");
        }
    }
    let csp = doc.select(&sel("meta[http-equiv=Content-Security-Policy]")).next().unwrap();
    let content = csp.value().attr("content").unwrap();
    assert!(content.starts_with("default-src 'none'; style-src 'unsafe-inline'; img-src data:"));
}

#[test]
fn demo_report_has_every_section_and_one_item_per_record() {
    let input = demo_input();
    let html = render_html(&input);
    let doc = parse(&html);
    assert_inert(&doc);
    assert_links_resolve(&doc);

    for id in ["overview", "charts", "numbers", "findings", "timeline", "problems", "integrity"] {
        assert_eq!(doc.select(&sel(&format!("section#{id}"))).count(), 1, "section {id}");
    }
    assert!(html.contains("本报告由安静（Anjing）在本机生成，未上传任何数据"));
    assert!(html.contains("2026-03-10 20:00:00")); // generated_at in Asia/Shanghai
    assert!(html.contains("现在该做什么"));
    assert_eq!(doc.select(&sel(".todo li")).count(), input.next_steps.len());

    // One timeline item per record, each with an integer anchor.
    let items: Vec<ElementRef> = doc.select(&sel("#timeline li.rec")).collect();
    assert_eq!(items.len(), input.records.len());
    for r in &input.records {
        assert_eq!(doc.select(&sel(&format!("li#r{}", r.id))).count(), 1);
    }
    // Three SVG charts with Chinese labels.
    assert_eq!(doc.select(&sel("#charts svg")).count(), 3);
    assert!(html.contains("夜间"));
    // Every counted finding has an article; the rejected one too, apart.
    assert_eq!(doc.select(&sel("article.finding")).count(), input.findings.len());
    assert_eq!(doc.select(&sel("article.finding.rejected")).count(), 1);
    // Integrity: every artifact hash and the log head are shown.
    for a in &input.artifacts {
        assert!(html.contains(&a.sha256));
    }
    assert!(html.contains(input.log_head.as_deref().unwrap()));
    assert!(html.contains("anjing check"));
}

#[test]
fn marks_contain_exactly_the_span_characters() {
    let input = demo_input();
    let doc = parse(&render_html(&input));
    let mut expected: Vec<(i64, String)> = vec![];
    for f in input.findings.iter().filter(|f| f.status.counts()) {
        let Some(id) = f.record_id else { continue };
        let text = input.records.iter().find(|r| r.id == id).unwrap().text.clone().unwrap();
        let chars: Vec<char> = text.chars().collect();
        for s in &f.spans {
            expected.push((id, chars[s[0]..s[1]].iter().collect()));
        }
    }
    expected.sort();
    let mut got: Vec<(i64, String)> = vec![];
    for li in doc.select(&sel("li.rec")) {
        let id: i64 = li.value().attr("id").unwrap()[1..].parse().unwrap();
        for m in li.select(&sel("mark")) {
            assert!(m.value().attr("title").is_some_and(|t| !t.is_empty()));
            got.push((id, text_of(m)));
        }
    }
    got.sort();
    assert_eq!(got, expected);
    // The rejected finding's words are not highlighted.
    assert!(!got.iter().any(|(_, t)| t == "入账"));
}

#[test]
fn highlighted_text_reads_back_as_the_original() {
    let text = "先生您好，再不还钱就上门，你这个老赖！😡 别怪我们不客气";
    let input = base(
        vec![record(1, ts("2026-03-04T02:00:00Z"), "+8613812345678", Some(text))],
        vec![
            finding(1, Practice::Threat, vec![[9, 12], [0, 0], [30, 2]]),
            finding(1, Practice::Insult, vec![[16, 18], [100, 200]]),
        ],
    );
    let doc = parse(&render_html(&input));
    let div = doc.select(&sel("li#r1 .text")).next().unwrap();
    assert_eq!(text_of(div), text);
    let marks: Vec<(String, String)> = div
        .select(&sel("mark"))
        .map(|m| (text_of(m), m.value().attr("title").unwrap().to_string()))
        .collect();
    // [30,2] is reversed and clamped to [2, 28): it swallows the other spans.
    let chars: Vec<char> = text.chars().collect();
    let all: String = chars[2..].iter().collect();
    assert_eq!(marks, vec![(all, "威胁恐吓、侮辱辱骂".to_string())]);
}

const HOSTILE: &[&str] = &[
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "'><img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "</style><style>body{display:none}</style>",
    "]]><![CDATA[<script>x</script>",
    "<!-- <svg onload=alert(1)>",
    "</title></svg><script>alert(1)</script>",
    "a\u{0}b\u{FFFD}c",
    "\u{202E}txt.exe",
    "&lt;already escaped&gt; &amp; &#60;",
];

fn hostile_input() -> ReportInput {
    let mut records = vec![];
    let mut findings = vec![];
    for (i, h) in HOSTILE.iter().enumerate() {
        let id = i as i64 + 1;
        let text = format!("前缀{h}后缀");
        let mut r = record(id, ts("2026-03-04T15:00:00Z"), h, Some(&text));
        r.counterparty_raw = format!("raw{h}");
        r.contributor = h.to_string();
        records.push(r);
        let start = 2; // "前缀" is two characters
        let mut f = finding(id, Practice::Threat, vec![[start, start + h.chars().count()]]);
        f.rule = h.to_string();
        f.explanation = h.to_string();
        f.legal_bases = vec![LegalBasisRow {
            citation_zh: h.to_string(),
            statement_zh: h.to_string(),
            confidence_label_zh: h.to_string(),
        }];
        if i % 3 == 0 {
            f.status = FindingStatus::Rejected { reason: h.to_string() };
        }
        findings.push(f);
    }
    // A pattern finding naming hostile numbers' records and a missing record.
    findings.push(FindingRow {
        record_id: None,
        record_ids: vec![1, 2, 999],
        practice: Practice::NightContact,
        rule: HOSTILE[1].to_string(),
        spans: vec![[0, 5]],
        explanation: HOSTILE[0].to_string(),
        legal_bases: vec![],
        status: FindingStatus::Confirmed,
    });
    let long: String = "<script>".repeat(20_000);
    records.push(record(100, None, "<b>", Some(&long)));
    findings.push(finding(100, Practice::Insult, vec![[8, 16], [159_990, usize::MAX]]));
    let mut input = base(records, findings);
    let h = HOSTILE.join("");
    input.case_title = h.clone();
    input.rules_version = h.clone();
    input.log_head = Some(h.clone());
    input.next_steps = HOSTILE.iter().map(|s| s.to_string()).collect();
    input.contributors.push(ContributorRow {
        name: HOSTILE[1].to_string(),
        relation: HOSTILE[0].to_string(),
        is_borrower: false,
    });
    input.artifacts = vec![ArtifactRow {
        sha256: h.clone(),
        file_name: h.clone(),
        contributor: h.clone(),
        format: h.clone(),
        record_count: 1,
        problem_count: 1,
        imported_at: None,
        device: h.clone(),
    }];
    input.problems =
        vec![ProblemRow { artifact: h.clone(), locator: h.clone(), message_zh: h.clone() }];
    input
}

#[test]
fn hostile_strings_never_become_markup() {
    let input = hostile_input();
    let html = render_html(&input);
    for bad in ["<script", "<img", "</style><style>", "<!--", "<![CDATA", "<svg onload", "]]>"] {
        assert!(!html.contains(bad), "raw {bad:?} in output");
    }
    assert!(!html.contains('\u{0}'));
    assert!(!html.contains('\u{202E}'));
    assert!(!html.to_ascii_lowercase().contains("href=\"javascript"));
    // Every `onerror=` left is inside escaped text, never inside a tag.
    for (i, _) in html.match_indices("onerror=") {
        let before = &html[..i];
        assert!(before.rfind('>') > before.rfind('<'), "onerror= inside a tag at {i}");
    }
    let doc = parse(&html);
    assert_inert(&doc);
    assert_links_resolve(&doc);
    assert_eq!(doc.select(&sel("li.rec")).count(), input.records.len());
    assert_eq!(doc.select(&sel("svg")).count(), 3);
    // Hostile numbers in the SVG charts read back as text.
    let svg_titles: Vec<String> = doc.select(&sel("svg title")).map(text_of).collect();
    assert!(svg_titles.iter().any(|t| t.starts_with(HOSTILE[1])), "{svg_titles:?}");
    // The page title is the escaped text, read back intact.
    let title = text_of(doc.select(&sel("head title")).next().unwrap());
    assert!(title.starts_with("<script>alert(1)</script>"));
}

#[test]
fn hostile_texts_are_highlighted_as_text() {
    let input = hostile_input();
    let doc = parse(&render_html(&input));
    for (i, h) in HOSTILE.iter().enumerate() {
        let id = i as i64 + 1;
        let li = doc.select(&sel(&format!("li#r{id}"))).next().unwrap();
        let marks: Vec<String> = li.select(&sel("mark")).map(text_of).collect();
        let shown = h.replace('\u{0}', "␀").replace('\u{202E}', "⟦U+202E⟧");
        if i % 3 == 0 {
            assert!(marks.is_empty(), "rejected finding highlighted: {h:?}");
        } else {
            assert_eq!(marks, vec![shown.clone()], "record {id}");
        }
        let text = text_of(li.select(&sel(".text")).next().unwrap());
        assert_eq!(text, format!("前缀{shown}后缀"));
    }
    // The long text: both spans kept, the second clamped to the end.
    let li = doc.select(&sel("li#r100")).next().unwrap();
    let marks: Vec<String> = li.select(&sel("mark")).map(text_of).collect();
    assert_eq!(marks, vec!["<script>".to_string(), "t><script>".to_string()]);
    assert_eq!(text_of(li.select(&sel(".text")).next().unwrap()).len(), 160_000);
    // The missing record of the pattern finding is named but not linked.
    assert!(render_html(&input).contains("记录 999（不在本报告中）"));
}

/// A small deterministic generator, so the fuzz below needs no dependency.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 =
            self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

#[test]
fn random_spans_never_break_the_markup() {
    let alphabet: Vec<char> = "还钱上门老赖<>&\"'ab 😡\n\u{301}é—".chars().collect();
    let mut rng = Lcg(42);
    let mut records = vec![];
    let mut findings = vec![];
    for id in 1..=200i64 {
        let len = rng.below(60) as usize;
        let text: String =
            (0..len).map(|_| alphabet[rng.below(alphabet.len() as u64) as usize]).collect();
        records.push(record(id, ts("2026-03-04T01:00:00Z"), "+8613800000000", Some(&text)));
        for _ in 0..rng.below(4) {
            let spans = (0..rng.below(5))
                .map(|_| {
                    let big = rng.below(10) == 0;
                    let a = if big {
                        usize::MAX - rng.below(3) as usize
                    } else {
                        rng.below(70) as usize
                    };
                    [a, rng.below(70) as usize]
                })
                .collect();
            let p = Practice::MESSAGE[rng.below(8) as usize];
            findings.push(finding(id, p, spans));
        }
    }
    let input = base(records, findings);
    let doc = parse(&render_html(&input));
    assert_eq!(doc.select(&sel("li.rec")).count(), 200);
    assert_eq!(doc.select(&sel("mark mark")).count(), 0);
    for r in &input.records {
        let text = r.text.as_deref().unwrap();
        if text.is_empty() {
            continue;
        }
        let div = doc.select(&sel(&format!("li#r{} .text", r.id))).next().unwrap();
        assert_eq!(text_of(div), text, "record {}", r.id);
    }
}

#[test]
fn days_are_grouped_in_shanghai_time() {
    let input = base(
        vec![
            record(3, ts("2026-03-03T16:30:00Z"), "+8613800000001", None), // 3月4日 00:30
            record(1, ts("2026-03-03T15:59:59Z"), "+8613800000001", None), // 3月3日 23:59
            record(2, None, "+8613800000001", Some("没有时间")),
            record(4, ts("2026-03-04T03:00:00Z"), "+8613800000002", Some("你好")), // 3月4日 11:00
        ],
        vec![],
    );
    let doc = parse(&render_html(&input));
    let days: Vec<String> = doc.select(&sel("#timeline h3.day")).map(text_of).collect();
    assert_eq!(days.len(), 3);
    assert!(days[0].starts_with("2026年3月3日 周二"), "{days:?}");
    assert!(days[1].starts_with("2026年3月4日 周三") && days[1].contains("2 条"), "{days:?}");
    assert!(days[2].starts_with("时间不明"));
    let order: Vec<&str> =
        doc.select(&sel("li.rec")).map(|e| e.value().attr("id").unwrap()).collect();
    assert_eq!(order, ["r1", "r3", "r4", "r2"]);
    // Both midnight-side records are marked 夜间, the 11:00 one is not.
    assert_eq!(doc.select(&sel("li.rec .night")).count(), 2);
}

#[test]
fn empty_case_renders() {
    let html = render_html(&base(vec![], vec![]));
    let doc = parse(&html);
    assert_inert(&doc);
    assert_links_resolve(&doc);
    assert_eq!(doc.select(&sel("li.rec")).count(), 0);
    assert_eq!(doc.select(&sel("svg")).count(), 0);
    // The default first steps are shown when the caller gives none.
    assert!(doc.select(&sel(".todo li")).count() >= 1);
}

#[test]
fn duplicate_record_ids_get_one_anchor() {
    let input = base(
        vec![
            record(7, ts("2026-03-04T01:00:00Z"), "+8613800000001", Some("上门")),
            record(7, ts("2026-03-04T02:00:00Z"), "+8613800000001", Some("上门")),
        ],
        vec![finding(7, Practice::Threat, vec![[0, 2]])],
    );
    let doc = parse(&render_html(&input));
    assert_eq!(doc.select(&sel("li.rec")).count(), 2);
    assert_eq!(doc.select(&sel("#r7")).count(), 1);
    assert_links_resolve(&doc);
}

#[test]
fn output_is_deterministic() {
    let input = demo_input();
    assert_eq!(render_html(&input), render_html(&input));
}

#[test]
fn long_time_ranges_are_bucketed() {
    let input = base(
        vec![
            record(1, ts("1971-01-01T00:00:00Z"), "+8613800000001", None),
            record(2, ts("2026-03-04T00:00:00Z"), "+8613800000001", None),
        ],
        vec![],
    );
    let html = render_html(&input);
    parse(&html);
    assert!(html.contains("每年收到的电话和短信"));
    assert!(html.len() < 200_000);
}

#[test]
fn retain_flagged_numbers_drops_unrelated_conversations() {
    let mut input = base(
        vec![
            record(1, ts("2026-03-04T01:00:00Z"), "+8613800000001", Some("再不还钱就上门")),
            record(2, ts("2026-03-04T02:00:00Z"), "+8613800000001", None),
            record(3, ts("2026-03-04T03:00:00Z"), "+8613900000000", Some("妈，晚上回家吃饭")),
        ],
        vec![finding(1, Practice::Threat, vec![[5, 7]])],
    );
    input.retain_flagged_numbers();
    let ids: Vec<i64> = input.records.iter().map(|r| r.id).collect();
    assert_eq!(ids, [1, 2]);
}

#[test]
fn a_large_case_renders_quickly() {
    // 30 000 records over 60 days from 300 numbers, one finding per 10 records.
    let mut records = vec![];
    let mut findings = vec![];
    let start: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
    for id in 0..30_000i64 {
        let t = start + jiff::SignedDuration::from_secs(id * 173);
        let number = format!("+86138{:08}", id % 300);
        let text = (id % 2 == 0).then_some("再不还钱，明天就上门找你家人");
        records.push(record(id, Some(t), &number, text));
        if id % 10 == 0 {
            findings.push(finding(id, Practice::Threat, vec![[6, 11]]));
        }
    }
    let input = base(records, findings);
    let t0 = std::time::Instant::now();
    let html = render_html(&input);
    let took = t0.elapsed();
    assert!(took.as_secs() < 20, "took {took:?}");
    assert_eq!(html.matches("<li class=\"rec").count(), 30_000);
}
