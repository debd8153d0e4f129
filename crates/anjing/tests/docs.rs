//! End-to-end: `anjing demo`, then `anjing docs make all`, read back as a clerk would.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_anjing"))
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run anjing")
}

#[track_caller]
fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// `word/document.xml` of a DOCX, with tags dropped (text only, entities left as written).
fn document_xml(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("DOCX is a ZIP");
    let mut xml = String::new();
    zip.by_name("word/document.xml").unwrap().read_to_string(&mut xml).unwrap();
    let mut text = String::new();
    let mut in_tag = false;
    for c in xml.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}

#[test]
fn demo_then_docs_make_all() {
    let tmp = tempfile::tempdir().unwrap();
    let case = tmp.path().join("case");
    let out = ok(&run(tmp.path(), &["demo", case.to_str().unwrap()]));
    assert!(out.contains("文书已写入"));
    assert!(case.join("文书").join("民事起诉状（借款人）.docx").exists(), "demo writes the set");

    let list = ok(&run(&case, &["docs", "list"]));
    assert!(list.contains("civil-complaint") && list.contains("evidence-list"));

    let dir_a = tmp.path().join("a");
    let out = ok(&run(
        &case,
        &["docs", "make", "all", "-o", dir_a.to_str().unwrap(), "--date", "2026-03-01"],
    ));
    assert!(out.contains("还缺"), "missing facts are printed:\n{out}");
    let complaint = document_xml(&dir_a.join("民事起诉状（借款人）.docx"));
    for w in
        ["原告", "被告", "诉讼请求", "事实与理由", "证据和证据来源", "此致", "具状人", "隐私权纠纷"]
    {
        assert!(complaint.contains(w), "起诉状 lacks {w}");
    }
    assert!(complaint.contains("【待填写："), "missing facts are marked");
    assert!(complaint.contains("2026年3月1日"));
    // Every type also as a print-ready PDF (its text is checked in anjing-docs/tests/pdf.rs).
    for k in ["证据目录", "民事起诉状（借款人）", "报案材料", "致亲友的说明"]
    {
        let pdf = std::fs::read(dir_a.join(format!("{k}.pdf"))).expect(k);
        assert!(pdf.starts_with(b"%PDF-"), "{k}.pdf");
    }
    for f in std::fs::read_dir(&dir_a).unwrap() {
        let p = f.unwrap().path();
        if p.extension().is_some_and(|e| e == "docx") {
            let t = document_xml(&p);
            assert!(!anjing_law_defunct(&t), "{} names 银保监会 as current", p.display());
        }
    }
    let evidence = document_xml(&dir_a.join("证据目录.docx"));
    let artifacts = ok(&run(&case, &["log", "--json"]));
    assert!(!artifacts.is_empty());
    assert!(evidence.contains("SHA-256"));

    // Same case, same date: same bytes.
    let dir_b = tmp.path().join("b");
    ok(&run(
        &case,
        &["docs", "make", "all", "-o", dir_b.to_str().unwrap(), "--date", "2026-03-01"],
    ));
    for f in std::fs::read_dir(&dir_a).unwrap() {
        let p = f.unwrap().path();
        let q = dir_b.join(p.file_name().unwrap());
        assert_eq!(
            std::fs::read(&p).unwrap(),
            std::fs::read(&q).unwrap(),
            "{} differs",
            p.display()
        );
    }

    // Redaction: the mother's name is masked in the complaint to a regulator, kept for court.
    let dir_r = tmp.path().join("r");
    ok(&run(
        &case,
        &["docs", "make", "all", "-o", dir_r.to_str().unwrap(), "--redact", "--date", "2026-03-01"],
    ));
    let public = document_xml(&dir_r.join("投诉书.docx"));
    let court = document_xml(&dir_r.join("民事起诉状（被联系亲友）.docx"));
    assert!(court.contains("李梅"));
    assert!(!public.contains("李梅") && public.contains("李*"));

    let bad = run(&case, &["docs", "make", "nonsense"]);
    assert!(!bad.status.success());
}

fn anjing_law_defunct(text: &str) -> bool {
    ["银保监会", "银行保险监督管理委员会", "银监会"].iter().any(|n| {
        text.match_indices(n)
            .any(|(at, _)| !text[..at].ends_with('原') && !text[..at].ends_with("原中国"))
    })
}
