//! Every document type built from the report's demo case and from hostile input: the DOCX
//! opens, its XML is well-formed, required elements and verbatim citations are there, missing
//! facts are marked, hostile texts print literally, redaction masks, output is deterministic.

mod common;

use std::io::Read;

use anjing_docs::{DocKind, DocsInput, Options};
use common::input;
use quick_xml::events::Event;

fn full_facts() -> Vec<(&'static str, &'static str)> {
    vec![
        ("borrower_name", "王芳"),
        ("borrower_id_number", "110101199001011234"),
        ("borrower_phone", "13900001111"),
        ("borrower_address", "北京市东城区某街1号"),
        ("lender_type", "micro_loan"),
        ("lender_name", "某某网络小额贷款有限公司"),
        ("app_name", "快闪借"),
    ]
}

/// The file's entries, and the text of `word/document.xml` read with a real XML parser
/// (fails the test if the XML is not well-formed).
fn docx_text(bytes: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("DOCX is a ZIP");
    for name in ["[Content_Types].xml", "word/styles.xml", "word/document.xml"] {
        assert!(zip.by_name(name).is_ok(), "missing {name}");
    }
    let mut styles = String::new();
    zip.by_name("word/styles.xml").unwrap().read_to_string(&mut styles).unwrap();
    assert!(styles.contains("w:eastAsia=\"zh-CN\""), "w:lang eastAsia zh-CN");
    assert!(styles.contains("SimSun"));
    let mut xml = String::new();
    zip.by_name("word/document.xml").unwrap().read_to_string(&mut xml).unwrap();
    assert!(xml.contains("w:w=\"11906\"") && xml.contains("w:h=\"16838\""), "A4");
    let mut reader = quick_xml::Reader::from_str(&xml);
    let mut text = String::new();
    let mut depth = 0i64;
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => break,
            Ok(Event::Start(_)) => depth += 1,
            Ok(Event::End(_)) => {
                depth -= 1;
                // Paragraph ends become newlines so phrases from two paragraphs don't merge.
            }
            Ok(Event::Text(t)) => text.push_str(&t.into_inner()),
            Ok(Event::GeneralRef(r)) => {
                let name = r.clone().into_inner();
                if let Some(c) = r.resolve_char_ref().unwrap() {
                    text.push(c);
                } else {
                    text.push_str(match name.as_ref() {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        other => panic!("unknown entity {other}"),
                    });
                }
            }
            Ok(Event::CData(_)) => panic!("no CDATA expected"),
            Ok(_) => {}
            Err(e) => panic!("document.xml is not well-formed: {e}"),
        }
    }
    assert_eq!(depth, 0);
    text
}

fn make(kind: DocKind, input: &DocsInput, redact: bool) -> (anjing_docs::Document, String) {
    let doc = anjing_docs::build(kind, input, Options { redact });
    let bytes = anjing_docs::render_docx(&doc).expect("docx");
    (doc, docx_text(&bytes))
}

#[track_caller]
fn has_all(text: &str, words: &[&str]) {
    for w in words {
        assert!(text.contains(w), "missing {w:?}");
    }
}

#[test]
fn every_type_builds_and_opens() {
    let input = input(&full_facts());
    for kind in DocKind::ALL {
        let (doc, text) = make(kind, &input, false);
        assert!(text.contains(&doc.title), "{}", kind.id());
        assert!(!anjing_law::wording::names_defunct_regulator_as_current(&text), "{}", kind.id());
        assert!(!anjing_law::wording::overstates(&text), "{}", kind.id());
        let html = anjing_docs::render_html(&doc);
        assert!(html.starts_with("<!DOCTYPE html>") && !html.contains("<script"));
    }
}

#[test]
fn civil_complaint_has_every_element_of_article_124() {
    let input = input(&full_facts());
    for kind in [DocKind::CivilComplaint, DocKind::CivilComplaintRelative] {
        let (_, text) = make(kind, &input, false);
        has_all(
            &text,
            &[
                "民事起诉状",
                "原告",
                "被告",
                "诉讼请求",
                "事实与理由",
                "证据和证据来源",
                "证人",
                "此致",
                "具状人",
                "隐私权纠纷",
                "个人信息保护纠纷",
            ],
        );
    }
    let (_, text) = make(DocKind::CivilComplaintRelative, &input, false);
    assert!(text.contains("被联系亲友适用"));
}

#[test]
fn required_elements_per_type() {
    let input = input(&full_facts());
    let want: &[(DocKind, &[&str])] = &[
        (
            DocKind::EvidenceList,
            &["证据目录", "序号", "证据名称", "证据来源", "证明目的", "页码", "SHA-256"],
        ),
        (DocKind::NoticeLetter, &["告知函", "第四十四条", "第四十七条", "删除", "第三人"]),
        (
            DocKind::Injunction,
            &["人格权侵害禁令申请书", "申请人", "被申请人", "请求事项", "第九百九十七条", "此致"],
        ),
        (DocKind::Preservation, &["行为保全申请书", "第一百零三条", "案号"]),
        (DocKind::PoliceReport, &["报案材料", "报案人", "受案回执", "事实经过", "号码"]),
        (
            DocKind::Complaint,
            &["投诉书", "被投诉机构全称", "某某网络小额贷款有限公司", "投诉诉求", "证据清单"],
        ),
        (DocKind::Report12321, &["12321", "*"]),
        (DocKind::ContactsMessage, &["不要", "证据"]),
        (DocKind::WitnessStatement, &["证人", "证言", "属实"]),
    ];
    for (kind, words) in want {
        let (_, text) = make(*kind, &input, false);
        has_all(&text, words);
    }
    // The evidence list carries every original's SHA-256.
    let (_, text) = make(DocKind::EvidenceList, &input, false);
    for a in &input.evidence.artifacts {
        assert!(text.contains(&a.sha256));
    }
}

#[test]
fn citations_are_verbatim_from_the_law_layer() {
    let lib = anjing_law::Library::builtin().unwrap();
    let input = input(&full_facts());
    let cases: &[(DocKind, &[&str])] = &[
        (DocKind::NoticeLetter, &["pipl-44", "pipl-47", "civil-code-1032"]),
        (DocKind::Injunction, &["civil-code-997"]),
        (DocKind::Preservation, &["cpl-2023-103"]),
        (DocKind::CivilComplaint, &["civil-code-1032", "civil-code-1183", "pipl-69"]),
    ];
    for (kind, ids) in cases {
        let (_, text) = make(*kind, &input, false);
        for id in *ids {
            let a = lib.article(id).unwrap();
            assert!(a.quotable());
            let verbatim = a.text.as_deref().unwrap().replace('\n', "");
            assert!(text.contains(&verbatim), "{} does not quote {id} verbatim", kind.id());
            assert!(text.contains(&a.citation_zh()));
        }
    }
}

#[test]
fn missing_facts_are_marked_and_listed() {
    let input = input(&[]);
    let (doc, text) = make(DocKind::CivilComplaint, &input, false);
    assert!(
        text.contains("【待填写：借款人身份证号】") || text.contains("【待填写：放贷机构全称】")
    );
    assert!(doc.missing.iter().any(|m| m == "放贷机构全称"));
    assert!(doc.missing.iter().any(|m| m == "借款人身份证号"));
    // Every listed item is visible in the document.
    for m in &doc.missing {
        assert!(text.contains(&format!("【待填写：{m}】")), "{m} listed but not marked");
    }
    let html = anjing_docs::render_html(&doc);
    assert!(html.contains("还缺以下信息"));
    // With full facts, the lender is no longer missing.
    let (doc, _) = make(DocKind::CivilComplaint, &self::input(&full_facts()), false);
    assert!(!doc.missing.iter().any(|m| m == "放贷机构全称"));
}

const HOSTILE: &str = "<script>alert(1)</script> ]]> & &amp; \"' #set text(red) *bold* _x_ $x$ @ref \\ \u{1}\u{8}\u{b}";

fn hostile_input() -> DocsInput {
    let mut input = input(&[
        ("borrower_name", "王芳"),
        ("lender_name", HOSTILE),
        ("app_name", "#import \"/etc/passwd\""),
        ("remedy", "]]><w:p>注入</w:p>"),
    ]);
    let long: String = "长".repeat(100 * 1024 / 3) + "<尾>";
    for (id, text) in [(900_001, HOSTILE.to_string()), (900_002, long)] {
        common::add_flagged_sms(&mut input, id, text);
    }
    input
}

#[test]
fn hostile_texts_print_literally_and_keep_xml_well_formed() {
    let input = hostile_input();
    let printable: String = HOSTILE.chars().filter(|c| !c.is_control()).collect();
    for kind in DocKind::ALL {
        let (doc, text) = make(kind, &input, false);
        let html = anjing_docs::render_html(&doc);
        assert!(!html.contains("<script>"), "{}", kind.id());
        assert!(!html.contains("<w:p>"), "{}", kind.id());
        if doc.plain_text().contains("#set text(red)") {
            // Control characters are shown as U+FFFD; everything else is literal.
            let shown = HOSTILE.replace(['\u{1}', '\u{8}', '\u{b}'], "\u{FFFD}");
            assert!(text.contains(&shown), "{}: hostile text not literal", kind.id());
            assert!(text.contains(&printable[..20]));
        }
    }
    // The police report lists every flagged message in full, including the 100 KB one.
    let (_, text) = make(DocKind::PoliceReport, &input, false);
    assert!(
        text.contains("]]><w:p>注入</w:p>")
            || text.contains(HOSTILE.split('\u{1}').next().unwrap())
    );
    assert!(text.contains(&("长".repeat(1000) + "<尾>")));
    let (_, text) = make(DocKind::CivilComplaint, &input, false);
    assert!(text.contains("]]><w:p>注入</w:p>"), "remedy printed literally");
    assert!(text.contains("#import \"/etc/passwd\""));
}

#[test]
fn redaction_masks_third_parties_in_public_documents_only() {
    let mut input = input(&full_facts());
    let mother = input.evidence.contributors.iter().find(|c| !c.is_borrower).unwrap().name.clone();
    // A message that names a relative and her number.
    let first_sms = input.evidence.findings.iter().find_map(|f| f.record_id).unwrap();
    let r = input.evidence.records.iter_mut().find(|r| r.id == first_sms).unwrap();
    r.text = Some(format!("{mother}的电话13812341234我们已经有了"));
    let (doc, text) = make(DocKind::Complaint, &input, true);
    assert!(doc.redacted);
    assert!(!text.contains("13812341234"), "third-party number masked");
    assert!(text.contains("138****1234"));
    assert!(!text.contains(&mother), "relative's name masked");
    // The collectors' numbers stay: the regulator needs them.
    let collector = &input.evidence.records.iter().find(|r| r.id == first_sms).unwrap().number;
    let digits: String = collector.chars().filter(char::is_ascii_digit).collect();
    assert!(text.contains(&digits[digits.len() - 11..]));
    // Court versions keep everything.
    let (doc, text) = make(DocKind::PoliceReport, &input, true);
    assert!(!doc.redacted);
    assert!(text.contains("13812341234"));
}

#[test]
fn identical_input_gives_identical_bytes() {
    let input = input(&full_facts());
    for kind in [DocKind::PoliceReport, DocKind::EvidenceList, DocKind::CivilComplaint] {
        let a = anjing_docs::render_docx(&anjing_docs::build(kind, &input, Options::default()))
            .unwrap();
        let b = anjing_docs::render_docx(&anjing_docs::build(kind, &input, Options::default()))
            .unwrap();
        assert_eq!(a, b, "{}", kind.id());
        let h1 = anjing_docs::render_html(&anjing_docs::build(kind, &input, Options::default()));
        let h2 = anjing_docs::render_html(&anjing_docs::build(kind, &input, Options::default()));
        assert_eq!(h1, h2);
    }
}

#[test]
fn charts_rasterise_with_text() {
    let input = input(&full_facts());
    let doc = anjing_docs::build(DocKind::PoliceReport, &input, Options::default());
    assert!(!doc.charts.is_empty());
    let png = anjing_docs::chart_png(&doc.charts[0], 1.0).unwrap();
    assert!(png.starts_with(&[0x89, b'P', b'N', b'G']));
    // The same chart without its text renders to fewer bytes: the labels were drawn.
    let mut bare = doc.charts[0].clone();
    bare.svg = bare.svg.replace("<text", "<desc").replace("</text>", "</desc>");
    let png_bare = anjing_docs::chart_png(&bare, 1.0).unwrap();
    assert!(png.len() > png_bare.len() + 500, "chart text was not rendered");
}

#[test]
fn documents_cite_only_what_binds_this_lender() {
    let with = |t: &'static str| {
        let mut f = full_facts();
        f.retain(|(k, _)| *k != "lender_type" && *k != "lender_name");
        f.push(("lender_type", t));
        input(&f)
    };
    // A bank's legal debt: no 催收非法债务罪 in the police report.
    let (_, police) = make(DocKind::PoliceReport, &with("bank"), false);
    assert!(!police.contains("第二百九十三条之一"), "bank police report cites 293之一");
    // Unlicensed: the offence is there, the credit-card rules and the bank association are not,
    // and the complaint does not send the user to 12378.
    let unlicensed = with("unlicensed");
    let (_, police) = make(DocKind::PoliceReport, &unlicensed, false);
    assert!(police.contains("第二百九十三条之一"), "unlicensed police report lacks 293之一");
    assert!(!police.contains("信用卡业务监督管理办法"));
    let (_, complaint) = make(DocKind::Complaint, &unlicensed, false);
    assert!(!complaint.contains("中国银行业协会"));
    assert!(!complaint.contains("拨打 12378"), "unlicensed complaint says call 12378");
    assert!(complaint.contains("无牌放贷不宜向金融监管部门投诉"));
    // Unknown: 293之一 is uncertain, so not cited.
    let (_, police) = make(DocKind::PoliceReport, &with("unknown"), false);
    assert!(!police.contains("第二百九十三条之一"));
}

#[test]
fn credit_card_rules_only_in_a_credit_card_case() {
    let with = |t: &'static str, name: &'static str| {
        let mut f = full_facts();
        f.retain(|(k, _)| *k != "lender_type" && *k != "lender_name");
        f.push(("lender_type", t));
        f.push(("lender_name", name));
        input(&f)
    };
    let card = with("credit_card", "某某银行股份有限公司信用卡中心");
    let bank = with("bank", "某某银行股份有限公司");
    let text = |i: &DocsInput| {
        [DocKind::PoliceReport, DocKind::Complaint, DocKind::CivilComplaint]
            .iter()
            .map(|k| make(*k, i, false).1)
            .collect::<String>()
    };
    let card_text = text(&card);
    assert!(card_text.contains("信用卡业务监督管理办法"), "credit-card case lacks the rule");
    assert!(card_text.contains("据公开报道"), "the rule is labelled");
    assert!(
        !text(&bank).contains("信用卡业务监督管理办法"),
        "a bank loan cites the credit-card rule"
    );
    // A credit card is routed like a bank: 12378.
    let (_, complaint) = make(DocKind::Complaint, &card, false);
    assert!(complaint.contains("12378"), "{complaint}");
}

#[test]
fn the_contacts_message_follows_who_was_contacted() {
    let mut f = full_facts();
    f.push(("contacted_people", "colleagues"));
    let (doc, text) = make(DocKind::ContactsMessage, &input(&f), false);
    // The plan's message for this group, with the borrower's name and their own rights.
    let plan = anjing_law::contacts_advice(&anjing_law::CaseFacts {
        lender_type: anjing_law::LenderType::MicroLoan,
        contacted_third_parties: true,
        contacted: vec![anjing_law::Contacted::Colleagues],
        ..Default::default()
    });
    let (greeting, body) = plan.message_zh.split_once('：').unwrap();
    has_all(&text, &[&format!("{greeting}："), "我是王芳", body, "与工作无关", "同事自己的权利"]);
    assert!(!text.contains("各位亲友"), "{text}");
    for r in &plan.rights_zh {
        assert!(text.contains(r.as_str()), "right missing: {r}\n{text}");
    }
    assert!(!plan.rights_zh.is_empty());
    assert!(!doc.missing.iter().any(|m| m.contains("被联系")), "{:?}", doc.missing);

    // Several groups: one greeting for all; relatives' rights, no work line.
    let mut f = full_facts();
    f.push(("contacted_people", "relatives,friends"));
    let (_, text) = make(DocKind::ContactsMessage, &input(&f), false);
    has_all(&text, &["各位亲友：", "我是王芳", "家人、亲属、朋友自己的权利"]);
    assert!(!text.contains("与工作无关"), "{text}");

    // Nobody named: the general letter, as before.
    let (_, text) = make(DocKind::ContactsMessage, &input(&full_facts()), false);
    has_all(&text, &["各位亲友：", "没有替我还款的义务"]);
    assert!(!text.contains("自己的权利"), "{text}");
}
