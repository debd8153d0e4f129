//! Writes every document of the report's demo case as PDF into a folder, to look at:
//! `cargo run -p anjing-docs --example pdf-demo -- /tmp/pdf`.
fn main() {
    let dir =
        std::path::PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "pdf-demo".into()));
    std::fs::create_dir_all(&dir).expect("output folder");
    let input = anjing_docs::DocsInput {
        facts: [
            ("borrower_name", "王芳"),
            ("lender_name", "某某网络小额贷款有限公司"),
            ("app_name", "快闪借"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect(),
        evidence: anjing_report::demo_input(),
        date: jiff::civil::date(2026, 3, 1),
    };
    for kind in anjing_docs::DocKind::ALL {
        let doc = anjing_docs::build(kind, &input, anjing_docs::Options::default());
        let t = std::time::Instant::now();
        let pdf = anjing_docs::render_pdf(&doc).expect("pdf");
        let path = dir.join(format!("{}.pdf", kind.id()));
        std::fs::write(&path, &pdf).expect("write");
        println!("{} {} bytes {:?}", path.display(), pdf.len(), t.elapsed());
    }
}
