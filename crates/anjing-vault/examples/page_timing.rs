//! Times the steps of one timeline page on a case (a probe for scripts/bench-timeline.sh):
//! `cargo run --release -p anjing-vault --example page_timing -- CASE_DIR [PAGE]`.
use std::time::Instant;

fn main() {
    let dir = std::env::args().nth(1).expect("case folder");
    let page: usize = std::env::args().nth(2).and_then(|p| p.parse().ok()).unwrap_or(2);
    for _ in 0..3 {
        let t = Instant::now();
        let case = anjing_vault::Case::open(std::path::Path::new(&dir)).expect("case");
        let t_open = t.elapsed();
        let got = case
            .records_page(&anjing_vault::RecordFilter::default(), (page - 1) * 50, 50)
            .expect("page");
        let t_page = t.elapsed();
        let ids: Vec<i64> = got.records.iter().map(|r| r.id).collect();
        let f = case.findings_for_records(&ids).expect("findings");
        let t_find = t.elapsed();
        let names = case.contributor_names().expect("names");
        let t_names = t.elapsed();
        drop(case);
        println!(
            "open {t_open:?} page {:?} findings {:?} ({}) names {:?} ({}) close {:?}",
            t_page - t_open,
            t_find - t_page,
            f.len(),
            t_names - t_find,
            names.len(),
            t.elapsed() - t_names
        );
    }
}
