//! The timeline's paged SQL query (`Case::records_page`, used by `anjing serve`) gives exactly
//! what filtering every record in Rust gives, page by page: number, contributor, practice
//! (direct and pattern findings), flagged-only, Shanghai date windows, and records without a
//! time last. Case: the bundled demo (a borrower, her mother and a colleague) plus an export
//! with an unreadable date (`damaged-bad-date.xml`, a hand-edited SBR file).

mod common;

use anjing_vault::{Case, RecordFilter, RecordView};
use common::*;

fn case() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let case = tmp.path().join("case");
    assert_status(&run(tmp.path(), &["demo", case.to_str().unwrap()]), 0);
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let bad = data.join("damaged-bad-date.xml");
    run(&case, &["import", bad.to_str().unwrap(), "--from", "王强", "--relation", "同事"]);
    assert_status(&run(&case, &["analyze"]), 0);
    (tmp, case)
}

/// The reference: every record, filtered one by one.
fn expected(
    case: &Case,
    keep: impl Fn(&RecordView, &[&anjing_vault::FindingView]) -> bool,
) -> Vec<i64> {
    let findings = case.findings().unwrap();
    case.records()
        .unwrap()
        .into_iter()
        .filter(|r| {
            let fs: Vec<_> = findings
                .iter()
                .filter(|f| f.record_id == Some(r.id) || f.record_ids.contains(&r.id))
                .collect();
            keep(r, &fs)
        })
        .map(|r| r.id)
        .collect()
}

/// Every page of the SQL listing, concatenated, with the totals checked.
fn paged(case: &Case, f: &RecordFilter, size: usize) -> Vec<i64> {
    let mut out = Vec::new();
    let mut offset = 0;
    loop {
        let p = case.records_page(f, offset, size).unwrap();
        assert!(p.records.len() <= size);
        out.extend(p.records.iter().map(|r| r.id));
        assert!(p.records.iter().all(|r| !r.sources.is_empty()), "sources are loaded");
        offset += size;
        if offset >= p.total {
            assert_eq!(out.len(), p.total);
            return out;
        }
    }
}

#[test]
fn paged_sql_listing_matches_filtering_every_record() {
    let (_tmp, dir) = case();
    let case = Case::open(&dir).unwrap();
    let all = expected(&case, |_, _| true);
    assert!(all.len() > 10);
    let untimed = case.records().unwrap().iter().filter(|r| r.time_ms.is_none()).count();
    assert!(untimed >= 1, "the bad-date record has no time");
    // Page sizes that cut across the timed/untimed boundary.
    for size in [1, 3, 7, 50] {
        assert_eq!(paged(&case, &RecordFilter::default(), size), all, "size {size}");
    }
    let recs = case.records().unwrap();
    let number = recs.iter().find(|r| r.number.starts_with("+86")).unwrap().number.clone();
    let f = RecordFilter { number: Some(number.clone()), ..Default::default() };
    assert_eq!(paged(&case, &f, 2), expected(&case, |r, _| r.number == number));

    let f = RecordFilter { counterparty_contains: Some("1234".into()), ..Default::default() };
    assert_eq!(paged(&case, &f, 2), expected(&case, |r, _| r.counterparty.contains("1234")));

    let f = RecordFilter { contributor: Some("王强".into()), ..Default::default() };
    let want = expected(&case, |r, _| r.contributor == "王强");
    assert!(!want.is_empty());
    assert_eq!(paged(&case, &f, 2), want);

    let f = RecordFilter { flagged_only: true, ..Default::default() };
    let want = expected(&case, |_, fs| !fs.is_empty());
    assert!(!want.is_empty() && want.len() < all.len());
    assert_eq!(paged(&case, &f, 4), want);

    for practice in anjing_model::Practice::ALL {
        let code = practice.code();
        let f = RecordFilter { practice: Some(code.into()), ..Default::default() };
        let want = expected(&case, |_, fs| fs.iter().any(|f| f.practice.code() == code));
        assert_eq!(paged(&case, &f, 5), want, "{code}");
    }
    // Pattern findings (over many records) count for the records they name.
    let pattern = case.findings().unwrap().into_iter().find(|f| f.record_id.is_none());
    if let Some(p) = pattern {
        let f = RecordFilter { practice: Some(p.practice.code().into()), ..Default::default() };
        let got = paged(&case, &f, 50);
        assert!(p.record_ids.iter().all(|id| got.contains(id)));
    }

    // A date window in Asia/Shanghai: one day.
    let day =
        recs.iter().find_map(|r| r.timestamp()).map(anjing_model::time::shanghai_date).unwrap();
    let ms =
        |d: jiff::civil::Date| anjing_model::time::shanghai_midnight(d).unwrap().as_millisecond();
    let f = RecordFilter {
        from_ms: Some(ms(day)),
        to_ms: Some(ms(day.tomorrow().unwrap())),
        ..Default::default()
    };
    let want = expected(&case, |r, _| {
        r.timestamp().is_some_and(|t| anjing_model::time::shanghai_date(t) == day)
    });
    assert!(!want.is_empty());
    assert_eq!(paged(&case, &f, 3), want);

    // Hostile filter text is a bound parameter, not SQL.
    let f = RecordFilter {
        counterparty_contains: Some("' OR 1=1 --".into()),
        contributor: Some("\"); DROP TABLE records; --".into()),
        ..Default::default()
    };
    assert_eq!(case.records_page(&f, 0, 50).unwrap().total, 0);
    assert_eq!(case.records().unwrap().len(), all.len());

    // The findings for a page: direct ones and the pattern findings naming its records.
    let first = case.records_page(&RecordFilter::default(), 0, 5).unwrap();
    let ids: Vec<i64> = first.records.iter().map(|r| r.id).collect();
    let got: Vec<i64> = case.findings_for_records(&ids).unwrap().iter().map(|f| f.id).collect();
    let want: Vec<i64> = case
        .findings()
        .unwrap()
        .iter()
        .filter(|f| {
            f.record_id.is_some_and(|id| ids.contains(&id))
                || (f.record_id.is_none() && f.record_ids.iter().any(|id| ids.contains(id)))
        })
        .map(|f| f.id)
        .collect();
    assert_eq!(got, want);
    let names = case.contributor_names().unwrap();
    let mut sorted = names.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(names, sorted);
    let from_records: std::collections::BTreeSet<String> =
        case.records().unwrap().into_iter().map(|r| r.contributor).collect();
    assert!(from_records.iter().all(|n| names.contains(n)), "{names:?}");
}
