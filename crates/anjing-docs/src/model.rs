//! The document model: what every document is made of, before it becomes DOCX or HTML.
//!
//! Builders (`crate::build`) produce a [`Document`] from plain data; renderers (`crate::docx`,
//! `crate::html`) only lay it out. Every string in the model is plain text: renderers escape
//! it for their format, so hostile texts print literally.

use serde::Serialize;

/// A run of text inside a paragraph or a table cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Inline {
    /// Plain text.
    Text(String),
    /// Bold text (labels like `原告：`).
    Strong(String),
    /// A fact the case does not have yet, printed as a visible `【待填写：label】`.
    Missing(String),
}

impl Inline {
    /// The text as it reads on paper.
    pub fn plain(&self) -> String {
        match self {
            Inline::Text(s) | Inline::Strong(s) => s.clone(),
            Inline::Missing(label) => missing_marker(label),
        }
    }
}

/// `【待填写：借款人身份证号】`.
pub fn missing_marker(label: &str) -> String {
    format!("【待填写：{label}】")
}

/// How a paragraph is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ParaStyle {
    /// Body text: first-line indent of two characters, justified.
    Body,
    /// No indent (party lines, addressee `此致`).
    Plain,
    /// Right-aligned (signature and date).
    Right,
    /// A quoted statute text, indented on both sides.
    Quote,
    /// A small note in grey (how the document was made, what to check).
    Note,
}

/// A paragraph: runs of text with one style.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Para {
    pub style: ParaStyle,
    pub runs: Vec<Inline>,
}

/// A table with a header row. Cells are runs of text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Table {
    pub header: Vec<String>,
    /// Relative column widths (one per header cell).
    pub widths: Vec<u32>,
    pub rows: Vec<Vec<Vec<Inline>>>,
}

/// One block of a document, in reading order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Block {
    /// A section heading such as `诉讼请求`.
    Heading(String),
    Para(Para),
    Table(Table),
    /// A chart: index into [`Document::charts`].
    Chart(usize),
}

/// A chart as standalone SVG (Chinese labels, `font-family="sans-serif"`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChartSvg {
    pub title: String,
    pub svg: String,
    pub width: f64,
    pub height: f64,
}

/// Who a document is for: court and police versions keep every name and number they need;
/// public versions are masked when redaction is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Audience {
    /// A court or the police: never masked.
    Official,
    /// A regulator, a hotline, the lender, friends: masked with `--redact`.
    Public,
}

/// A finished document, ready to render.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Document {
    /// Stable ASCII id of the type, e.g. `civil-complaint`.
    pub id: &'static str,
    /// The title printed at the top, e.g. `民事起诉状`.
    pub title: String,
    /// A line under the title (the variant, e.g. `（被联系亲友适用）`), may be empty.
    pub subtitle: String,
    pub blocks: Vec<Block>,
    /// What the case does not have yet, in the order first needed (the labels of the
    /// `【待填写】` markers in the document).
    pub missing: Vec<String>,
    pub charts: Vec<ChartSvg>,
    pub audience: Audience,
    /// Whether third parties' names and numbers were masked.
    pub redacted: bool,
}

impl Document {
    /// The whole text as it reads on paper, one block per line (tables: cells joined by tabs).
    pub fn plain_text(&self) -> String {
        let mut out = format!("{}\n{}\n", self.title, self.subtitle);
        let runs = |r: &[Inline]| r.iter().map(Inline::plain).collect::<String>();
        for b in &self.blocks {
            match b {
                Block::Heading(h) => out.push_str(h),
                Block::Para(p) => out.push_str(&runs(&p.runs)),
                Block::Table(t) => {
                    out.push_str(&t.header.join("\t"));
                    for row in &t.rows {
                        out.push('\n');
                        out.push_str(&row.iter().map(|c| runs(c)).collect::<Vec<_>>().join("\t"));
                    }
                }
                Block::Chart(i) => {
                    out.push_str(self.charts.get(*i).map(|c| c.title.as_str()).unwrap_or(""))
                }
            }
            out.push('\n');
        }
        out
    }
}
