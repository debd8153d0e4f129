/*!
The Anjing report: one self-contained HTML page in plain Simplified Chinese.

The CLI fills a [`ReportInput`] from the case vault (plain data, no database
here) and calls [`render_html`]. The page has no external resources at all:
inline CSS, inline SVG charts, no scripts (a Content-Security-Policy forbids
them), and it prints on A4 and reads on a 360 px phone screen.

```
let html = anjing_report::render_html(&anjing_report::demo_input());
assert!(html.starts_with("<!DOCTYPE html>"));
```

Sections: header, 概况 (counts and "现在该做什么"), charts (contacts per day,
hour × weekday heatmap, top numbers), 号码, 发现, 时间线 (with the triggering
words highlighted), 导入问题, 证据完整性.

**Security invariant:** message texts are written by adversaries. Every string
from the input is HTML-escaped wherever it lands (text, attributes, SVG);
markup can only come from literals in this crate (see `html.rs`); element ids
derived from records are integers only; spans are clamped and merged so that
hostile offsets cannot break the markup or panic.
*/

mod analysis;
mod charts;
mod demo;
mod highlight;
mod html;
mod render;

use anjing_model::phone::NumberClass;
use anjing_model::{CallResult, Direction, Practice, RecordKind};
use jiff::Timestamp;

pub use demo::demo_input;

/// Everything the report shows. Plain data: the caller decides what goes in.
#[derive(Debug, Clone)]
pub struct ReportInput {
    /// The case's name as the user gave it, e.g. `演示案件`.
    pub case_title: String,
    /// When the report was made (shown in Asia/Shanghai).
    pub generated_at: Timestamp,
    /// The version of the detection rule packs that produced the findings.
    pub rules_version: String,
    /// Hex hash of the latest entry of the case's hash-chained log, if any.
    pub log_head: Option<String>,
    /// The original files, as received.
    pub artifacts: Vec<ArtifactRow>,
    /// The people who supplied evidence (the borrower and relatives).
    pub contributors: Vec<ContributorRow>,
    /// The records to show. Every one appears in the timeline; counts and
    /// charts are computed from them. Pass only the case's relevant records
    /// (see [`ReportInput::retain_flagged_numbers`] to drop records from
    /// numbers that nothing was found about).
    pub records: Vec<RecordRow>,
    /// What detection found, including findings the user rejected (shown
    /// apart and not counted).
    pub findings: Vec<FindingRow>,
    /// Problems met while importing (unreadable rows, odd values).
    pub problems: Vec<ProblemRow>,
    /// Lines for the "现在该做什么" box, in plain Chinese, chosen by the
    /// caller (from the practices found and the channels). When empty, a
    /// safe default is shown.
    pub next_steps: Vec<String>,
}

/// One original file stored in the case.
#[derive(Debug, Clone)]
pub struct ArtifactRow {
    /// Lower-case hex SHA-256 of the exact bytes received.
    pub sha256: String,
    /// The file name as received.
    pub file_name: String,
    /// Who gave it: a [`ContributorRow::name`] (the relation is then added
    /// from there) or any display text such as `李梅（母亲）`, shown as given.
    pub contributor: String,
    /// The detected format, e.g. `SMS Backup & Restore XML`.
    pub format: String,
    /// How many records were read from it.
    pub record_count: u64,
    /// How many import problems it had.
    pub problem_count: u64,
    /// When it was added to the case.
    pub imported_at: Option<Timestamp>,
    /// The phone or export it came from, as the contributor said; empty when not said.
    pub device: String,
}

/// A person who supplied evidence.
#[derive(Debug, Clone)]
pub struct ContributorRow {
    /// How the user names them: `本人`, `李梅`.
    pub name: String,
    /// Relation to the borrower: `本人`, `母亲`, `同事`.
    pub relation: String,
    /// Whether this is the borrower. The others are the relatives, friends and
    /// colleagues whose phones collectors reached.
    pub is_borrower: bool,
}

/// One record (SMS, call, note…) as normalised by the importers.
#[derive(Debug, Clone)]
pub struct RecordRow {
    /// The record's id in the case (used for `#r{id}` anchors).
    pub id: i64,
    pub kind: RecordKind,
    /// Seen from the contributor's phone.
    pub direction: Direction,
    /// The counterparty's number or name exactly as exported.
    pub counterparty_raw: String,
    /// The normalised number (`anjing_model::phone::parse`), used for grouping.
    pub number: String,
    pub number_class: NumberClass,
    /// When it happened; `None` when the export had no usable time.
    pub time: Option<Timestamp>,
    /// The message text (SMS, MMS text, note), if any.
    pub text: Option<String>,
    /// Call duration in seconds, for calls.
    pub duration_s: Option<u64>,
    /// How a call ended, for calls.
    pub call_result: Option<CallResult>,
    /// Whose phone it came from (matches [`ContributorRow::name`]).
    pub contributor: String,
}

/// One conclusion of detection about a record or a pattern of records.
#[derive(Debug, Clone)]
pub struct FindingRow {
    /// The record whose text `spans` index into (message findings); `None`
    /// for pattern findings.
    pub record_id: Option<i64>,
    /// Further records this finding is about (pattern findings: the night
    /// calls, the flood of one day…). May be empty.
    pub record_ids: Vec<i64>,
    pub practice: Practice,
    /// The id of the rule that fired.
    pub rule: String,
    /// Character offsets `[start, end)` (Unicode scalar values) into the
    /// text of `record_id`. Any values are accepted: they are clamped,
    /// ordered and merged.
    pub spans: Vec<[usize; 2]>,
    /// Plain-Chinese explanation.
    pub explanation: String,
    /// The law this practice engages.
    pub legal_bases: Vec<LegalBasisRow>,
    /// Whether the user has reviewed it.
    pub status: FindingStatus,
}

/// A statute article or rule engaged by a finding.
#[derive(Debug, Clone)]
pub struct LegalBasisRow {
    /// E.g. `《治安管理处罚法》（2025年修订）第五十条`.
    pub citation_zh: String,
    /// The article's text or a faithful summary.
    pub statement_zh: String,
    /// How sure we are that it applies, in words: `很可能适用`.
    pub confidence_label_zh: String,
}

/// The user's decision on a finding. Rejected findings are listed apart, not
/// counted and not highlighted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FindingStatus {
    Unreviewed,
    Confirmed,
    Rejected {
        /// Why the user rejected it, in their words (may be empty).
        reason: String,
    },
}

impl FindingStatus {
    /// Whether the finding counts (not rejected).
    pub fn counts(&self) -> bool {
        !matches!(self, FindingStatus::Rejected { .. })
    }
}

/// A problem met while importing a file.
#[derive(Debug, Clone)]
pub struct ProblemRow {
    /// The file name of the artifact.
    pub artifact: String,
    /// Where in the file (element index, table and row…).
    pub locator: String,
    /// What went wrong, in plain Chinese.
    pub message_zh: String,
}

impl ReportInput {
    /// Keeps only the records from numbers that at least one counted finding
    /// is about (plus every record a counted finding names), so that the
    /// borrower's and relatives' private conversations stay out of a report
    /// that may be shown to others.
    pub fn retain_flagged_numbers(&mut self) {
        let flagged = analysis::flagged_numbers(&self.records, &self.findings, false);
        let named = analysis::named_record_ids(&self.findings, false);
        self.records.retain(|r| flagged.contains(r.number.as_str()) || named.contains(&r.id));
    }
}

/// A chart as a standalone SVG document, for other renderers (the documents of
/// `anjing-docs`, which rasterise it for DOCX). The same code draws the
/// report's charts.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// The caption, e.g. `每天收到的电话和短信`.
    pub title: String,
    /// A complete SVG document with `width`/`height` in px and
    /// `font-family="sans-serif"` (map that family to a loaded CJK font when
    /// rasterising: resvg drops text in a family it does not have).
    pub svg: String,
    pub width: f64,
    pub height: f64,
}

/// The report's charts (contacts over time, hour × weekday heatmap, the
/// numbers that called or texted most) as standalone SVG documents. Empty
/// when nothing dated was received. Deterministic for a given input.
pub fn charts(input: &ReportInput) -> Vec<Chart> {
    charts::standalone(input)
}

/// A record's text as escaped HTML with the spans (character offsets, clamped and merged)
/// wrapped in `<mark title="…">`; for the web app's timeline. Never panics.
pub fn highlight_html(text: &str, spans: &[(usize, usize, anjing_model::Practice)]) -> String {
    let mut h = html::Html::default();
    highlight::write_highlighted(&mut h, text, spans);
    h.finish()
}

/// Renders the whole report as one self-contained HTML document.
///
/// Never panics on any input; output is deterministic for a given input.
pub fn render_html(input: &ReportInput) -> String {
    render::render(input)
}
