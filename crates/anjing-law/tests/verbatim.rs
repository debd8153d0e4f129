//! Every stored statute text must occur, character for character, in the single source of
//! legal truth: `shared/reference/legal-cn.md` (the `shared/` folder sits beside the repository
//! checkout, locally and in CI).
//!
//! # The one normalisation allowed
//!
//! The reference is Markdown. Before searching it we
//!
//! 1. delete every `**` (Markdown bold markers). The reference bolds words *inside* some quotes
//!    (e.g. 2017 解释第五条 `财产信息**五十条**以上的`); the markers are the editor's emphasis,
//!    not the statute's words. Stored texts may not contain `*` at all (the loader rejects it),
//!    so nothing a stored text says can come from the markers;
//! 2. blank out (replace by an empty line) every line that is not statute material: engineering
//!    notes (lines starting with `>`) and table rows (lines starting with `|`). This makes the
//!    check stricter, not looser: a stored text cannot be satisfied by the reference's own
//!    commentary.
//!
//! Nothing else is normalised: no whitespace folding, no full-width/half-width folding (the
//! reference's half-width `:` in 治安法 2012 第四十二条 and `;` in 个保法第六十九条 are kept),
//! no line-ending change. A text that spans lines keeps the reference's `\n` between them.

use std::path::PathBuf;

use anjing_law::{Confidence, Library};

fn reference_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/reference/legal-cn.md")
}

fn normalised_reference() -> String {
    let path = reference_path();
    let raw = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read the legal reference at {}: {e}.\n\
             The verbatim check needs shared/reference/legal-cn.md beside the repository \
             checkout (…/shared next to …/main). It must not pass without it.",
            path.display()
        )
    });
    normalise(&raw)
}

/// The normalisation documented at the top of this file, and nothing more.
fn normalise(markdown: &str) -> String {
    markdown
        .replace("**", "")
        .split('\n')
        .map(|line| if line.starts_with('>') || line.starts_with('|') { "" } else { line })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_stored_text_occurs_verbatim_in_the_reference() {
    let reference = normalised_reference();
    let library = Library::builtin().expect("built-in law data loads");
    let mut checked = 0;
    let mut missing = Vec::new();
    for a in library.articles() {
        if let Some(text) = &a.text {
            checked += 1;
            if !reference.contains(text.as_str()) {
                missing.push(format!("{}: {text}", a.id));
            }
        }
    }
    assert!(missing.is_empty(), "texts not found verbatim in legal-cn.md:\n{}", missing.join("\n"));
    // Guard against the check passing vacuously (e.g. every text dropped from the data).
    assert!(checked >= 80, "only {checked} texts were checked");
}

#[test]
fn quotable_texts_are_only_verified_ones() {
    let library = Library::builtin().unwrap();
    for a in library.articles() {
        if a.text.is_some() {
            assert_eq!(a.confidence, Confidence::Verified, "{}", a.id);
        }
    }
}

#[test]
fn normalisation_only_drops_bold_markers_and_commentary() {
    let md = "**第一条** 甲**乙**丙\n> 工程提示：甲乙丙\n| 表 | 甲乙丙 |\n丁:戊;";
    assert_eq!(normalise(md), "第一条 甲乙丙\n\n\n丁:戊;");
}

#[test]
fn reference_mentions_every_source_commit() {
    // The reference names the snapshots that its VERIFIED texts were copied from; if it is
    // replaced by another document, the verbatim check above would be meaningless.
    let reference = normalised_reference();
    assert!(reference.contains("2f4c5c23716267af9dbebbbbd6cbbf732b101981"));
    assert!(reference.contains("7620c2a5ca750bea4a6220fd5482eebb67febc86"));
}
