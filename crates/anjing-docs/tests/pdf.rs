//! PDF output read back by a real PDF reader (poppler's `pdftotext`, `pdffonts`, `pdfinfo`,
//! installed by `scripts/test-all.sh`): every document type gives a PDF whose text is the
//! document's text, with the shipped font embedded as a subset, page numbers, A4 pages,
//! hostile texts printed literally, long tables continued over pages, deterministic bytes.
//!
//! The input is the report's demo case (the 快闪借 case: a borrower, her mother and a
//! colleague blasted by collectors) and the hostile case of `tests/docs.rs`.

use std::path::Path;
use std::process::Command;

mod common;

use anjing_docs::{DocKind, DocsInput, Options};
use common::input;

fn facts() -> Vec<(&'static str, &'static str)> {
    vec![
        ("borrower_name", "王芳"),
        ("borrower_phone", "13900001111"),
        ("lender_name", "某某网络小额贷款有限公司"),
        ("app_name", "快闪借"),
    ]
}

fn tool(name: &str, args: &[&str], pdf: &Path) -> String {
    let mut cmd = Command::new(name);
    cmd.args(args).arg(pdf);
    if name == "pdftotext" {
        cmd.arg("-");
    }
    let out = match cmd.output() {
        Ok(o) => o,
        Err(e) => panic!("{name} is needed (Debian: apt-get install poppler-utils): {e}"),
    };
    assert!(
        out.status.success(),
        "{name} rejected the PDF: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 from poppler")
}

struct Read {
    text: String,
    fonts: String,
    info: String,
}

fn read(bytes: &[u8]) -> Read {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, bytes).unwrap();
    Read {
        text: tool("pdftotext", &["-raw", "-enc", "UTF-8"], &path),
        fonts: tool("pdffonts", &[], &path),
        info: tool("pdfinfo", &[], &path),
    }
}

/// Text without the spaces and line breaks that layout introduced.
fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn pages(info: &str) -> usize {
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("pdfinfo prints Pages")
}

#[test]
fn every_type_reads_back_with_its_text_fonts_and_page_numbers() {
    let input = input(&facts());
    for kind in DocKind::ALL {
        let doc = anjing_docs::build(kind, &input, Options::default());
        let bytes = anjing_docs::render_pdf(&doc).expect("pdf");
        assert!(bytes.starts_with(b"%PDF-"), "{}", kind.id());
        let r = read(&bytes);
        let text = squash(&r.text);
        // Title and every paragraph's words are there, in order of the document.
        assert!(text.contains(&squash(&doc.title)), "{}: title", kind.id());
        let mut at = 0;
        for line in doc.plain_text().lines().skip(2) {
            for cell in line.split('\t') {
                let want = squash(cell);
                if want.is_empty() {
                    continue;
                }
                match text[at..].find(&want) {
                    Some(i) => at += i,
                    None => {
                        // Table cells break over lines next to their neighbours; they must
                        // at least be somewhere in the text.
                        let pieces: Vec<&str> = cell.split_whitespace().collect();
                        for p in pieces {
                            let p: String = p.chars().take(6).collect();
                            assert!(text.contains(&p), "{}: missing {p:?}", kind.id());
                        }
                    }
                }
            }
        }
        // The shipped font, embedded as subsets (regular and bold), with a ToUnicode map.
        let font_lines: Vec<&str> = r.fonts.lines().skip(2).collect();
        assert!(!font_lines.is_empty(), "{}: no fonts", kind.id());
        for l in &font_lines {
            assert!(l.contains("NotoSerifCJK") || l.contains("Noto"), "{}: {l}", kind.id());
            let cols: Vec<&str> = l.split_whitespace().collect();
            // name type encoding emb sub uni object-id
            let n = cols.len();
            assert_eq!(&cols[n - 5..n - 2], &["yes", "yes", "yes"], "{}: {l}", kind.id());
        }
        // A4 and page numbers on every page.
        assert!(r.info.contains("595.276 x 841.89") || r.info.contains("595.28 x 841.89"));
        let n = pages(&r.info);
        for p in 1..=n {
            assert!(text.contains(&format!("第{p}页，共{n}页")), "{}: page {p} of {n}", kind.id());
        }
        let title = r.info.lines().find_map(|l| l.strip_prefix("Title:")).map(str::trim);
        assert_eq!(title, Some(doc.title.as_str()), "{}", r.info);
    }
}

#[test]
fn missing_facts_are_visible_in_the_pdf() {
    let input = input(&[]);
    let doc = anjing_docs::build(DocKind::CivilComplaint, &input, Options::default());
    assert!(!doc.missing.is_empty());
    let text = squash(&read(&anjing_docs::render_pdf(&doc).unwrap()).text);
    for m in &doc.missing {
        assert!(text.contains(&squash(&anjing_docs::missing_marker(m))), "marker for {m}");
    }
}

const HOSTILE: &str =
    "<script>alert(1)</script> ]]> %PDF-1.7 endobj (\\) BT /F1 Tj ET #set *b* \u{1}";

/// A collector's SMS that tries to break out of the PDF (string delimiters, operators, a fake
/// header), one with an emoji the font does not have, and a 30 KB message (a real pasted
/// "legal notice" spam), so the police report's evidence table runs over several pages.
fn hostile_input() -> DocsInput {
    let mut input = input(&facts());
    let long: String = "逾期不还将上门".repeat(1500) + "【尾】";
    let texts = [HOSTILE.to_string(), "再不还钱😀就去你单位".to_string(), long];
    for (n, text) in texts.into_iter().enumerate() {
        common::add_flagged_sms(&mut input, 900_001 + n as i64, text);
    }
    input
}

#[test]
fn hostile_and_long_texts_print_literally_over_pages() {
    let input = hostile_input();
    let doc = anjing_docs::build(DocKind::PoliceReport, &input, Options::default());
    let bytes = anjing_docs::render_pdf(&doc).unwrap();
    let r = read(&bytes);
    let text = squash(&r.text);
    let printable: String = HOSTILE.chars().filter(|c| !c.is_control()).collect();
    assert!(text.contains(&squash(&printable)), "hostile text literal:\n{}", &r.text[..2000]);
    // The emoji keeps its text (copy gives it back) and the note says one was not drawn.
    assert!(text.contains("再不还钱😀就去你单位"));
    assert!(text.contains("不在内嵌字体中"));
    // The 30 KB message is there in full, over several pages (the table header and page
    // number of each new page come between its parts).
    let whole = "逾期不还将上门".repeat(1500) + "【尾】";
    let prose = text.matches("逾期不还将上门").count();
    assert!(prose >= 1500, "only {prose} of 1500 repeats");
    let last_page = text.rfind("逾期不还将上门").unwrap();
    assert!(text[last_page..].starts_with("逾期不还将上门【尾】"));
    assert!(!text.contains(&"逾期不还将上门".repeat(750)), "the message does run over pages");
    assert!(whole.len() > 30_000);
    assert!(pages(&r.info) >= 5, "{}", r.info);
    // Still exactly one PDF: the fake header in the text did not end the file.
    assert_eq!(bytes.windows(5).filter(|w| w == b"%%EOF").count(), 1);
}

#[test]
fn identical_input_gives_identical_pdf_bytes() {
    let input = input(&facts());
    for kind in [DocKind::PoliceReport, DocKind::EvidenceList] {
        let a = anjing_docs::render_pdf(&anjing_docs::build(kind, &input, Options::default()));
        let b = anjing_docs::render_pdf(&anjing_docs::build(kind, &input, Options::default()));
        assert_eq!(a.unwrap(), b.unwrap(), "{}", kind.id());
    }
}

#[test]
fn pdf_is_archival_pdf_a_2b() {
    let doc = anjing_docs::build(DocKind::EvidenceList, &input(&facts()), Options::default());
    let bytes = anjing_docs::render_pdf(&doc).unwrap();
    let s = String::from_utf8_lossy(&bytes);
    assert!(s.contains("<pdfaid:part>2</pdfaid:part>"), "PDF/A part");
    assert!(s.contains("<pdfaid:conformance>B</pdfaid:conformance>"), "PDF/A conformance");
}

#[test]
fn charts_are_vectors_not_pictures() {
    let doc = anjing_docs::build(DocKind::PoliceReport, &input(&facts()), Options::default());
    assert!(!doc.charts.is_empty(), "the police report has charts");
    let with = anjing_docs::render_pdf(&doc).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, &with).unwrap();
    let images = tool("pdfimages", &["-list"], &path);
    assert_eq!(images.lines().count(), 2, "no raster images, only the header:\n{images}");
    // The charts add drawing: the same document without them is clearly smaller.
    let mut bare = doc.clone();
    bare.blocks.retain(|b| !matches!(b, anjing_docs::Block::Chart(_)));
    let without = anjing_docs::render_pdf(&bare).unwrap();
    assert!(with.len() > without.len() + 5_000, "{} vs {}", with.len(), without.len());
}
