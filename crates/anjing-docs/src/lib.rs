/*!
Anjing documents: the papers a regulator, a police station and a court accept, drafted from
the case.

The CLI fills a [`DocsInput`] with plain data (the case facts as `key → value`, the evidence
as an [`anjing_report::ReportInput`], the date) and asks for a [`DocKind`]. A builder turns
that into a [`Document`] (title, headings, paragraphs, tables, charts, `【待填写】` markers),
and a renderer lays it out: [`render_docx`] (A4, editable in Word/WPS) and [`render_html`]
(a self-contained preview) and [`render_pdf`] (PDF/A-2b, fonts embedded, ready to print).

**Invariant: a missing fact is never silent.** Every fact a document needs and the case does
not have is printed as a visible `【待填写：…】` marker and listed in [`Document::missing`].

**Invariant: the law comes from `anjing-law`.** Statute texts are quoted only when the law
layer marks them VERIFIED; VERIFIED-2 entries are paraphrased with “据公开报道”; industry
rules are labelled “行业自律规范”. 银保监会 is never named as a current body.

**Invariant: texts are hostile.** Message texts, names and facts are plain strings in the
model; each renderer escapes them for its format (XML for DOCX, HTML for the preview) and
drops control characters that XML cannot hold, so they print literally.
*/

mod build;
mod docx;
mod facts;
mod html;
mod law;
mod model;
mod pdf;
mod png;
mod redact;
mod stats;

use std::collections::BTreeMap;

pub use facts::FACT_KEYS;
pub use model::{
    Audience, Block, ChartSvg, Document, Inline, Para, ParaStyle, Table, missing_marker,
};
pub use png::{FONT_BOLD, FONT_REGULAR};

/// Errors while rendering.
#[derive(Debug, thiserror::Error)]
pub enum DocsError {
    #[error("无法生成 DOCX 文件 (DOCX packaging failed): {0}")]
    Docx(String),
    #[error("无法把图表转为图片 (chart rasterisation failed): {0}")]
    Chart(String),
    #[error("无法生成 PDF 文件 (PDF writing failed): {0}")]
    Pdf(String),
}

/// Everything a document is built from. Plain data: the caller decides what goes in.
#[derive(Debug, Clone)]
pub struct DocsInput {
    /// Facts the evidence cannot tell (`anjing facts`), by key; see [`FACT_KEYS`].
    pub facts: BTreeMap<String, String>,
    /// The evidence: records, findings with their legal bases, original files with SHA-256.
    /// Pass only the relevant records (see `ReportInput::retain_flagged_numbers`).
    pub evidence: anjing_report::ReportInput,
    /// The date printed on the documents (Asia/Shanghai civil date).
    pub date: jiff::civil::Date,
}

/// How to build a document.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Mask third parties' names and numbers (`138****1234`) in documents meant for public
    /// channels. Court and police versions are never masked.
    pub redact: bool,
}

/// The document types, in the order they are listed and made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DocKind {
    EvidenceList,
    NoticeLetter,
    CivilComplaint,
    CivilComplaintRelative,
    Injunction,
    Preservation,
    PoliceReport,
    Complaint,
    Report12321,
    ContactsMessage,
    WitnessStatement,
}

impl DocKind {
    pub const ALL: [DocKind; 11] = [
        DocKind::EvidenceList,
        DocKind::NoticeLetter,
        DocKind::CivilComplaint,
        DocKind::CivilComplaintRelative,
        DocKind::Injunction,
        DocKind::Preservation,
        DocKind::PoliceReport,
        DocKind::Complaint,
        DocKind::Report12321,
        DocKind::ContactsMessage,
        DocKind::WitnessStatement,
    ];

    /// Stable ASCII id used on the command line and in file names.
    pub fn id(self) -> &'static str {
        match self {
            DocKind::EvidenceList => "evidence-list",
            DocKind::NoticeLetter => "notice-letter",
            DocKind::CivilComplaint => "civil-complaint",
            DocKind::CivilComplaintRelative => "civil-complaint-relative",
            DocKind::Injunction => "injunction",
            DocKind::Preservation => "preservation",
            DocKind::PoliceReport => "police-report",
            DocKind::Complaint => "complaint",
            DocKind::Report12321 => "report-12321",
            DocKind::ContactsMessage => "contacts-message",
            DocKind::WitnessStatement => "witness-statement",
        }
    }

    /// The Chinese name, used as the file name.
    pub fn name_zh(self) -> &'static str {
        match self {
            DocKind::EvidenceList => "证据目录",
            DocKind::NoticeLetter => "告知函",
            DocKind::CivilComplaint => "民事起诉状（借款人）",
            DocKind::CivilComplaintRelative => "民事起诉状（被联系亲友）",
            DocKind::Injunction => "人格权侵害禁令申请书",
            DocKind::Preservation => "行为保全申请书（诉讼中）",
            DocKind::PoliceReport => "报案材料",
            DocKind::Complaint => "投诉书",
            DocKind::Report12321 => "12321举报内容",
            DocKind::ContactsMessage => "致亲友的说明",
            DocKind::WitnessStatement => "证人证言",
        }
    }

    /// What it is for, one line.
    pub fn purpose_zh(self) -> &'static str {
        match self {
            DocKind::EvidenceList => {
                "向法院提交证据时附上的清单，列明来源、证明目的和原始文件的 SHA-256"
            }
            DocKind::NoticeLetter => {
                "寄给放贷机构或催收方：停止联系第三人、停止泄露、删除通讯录信息"
            }
            DocKind::CivilComplaint => "借款人起诉催收方侵害隐私权、个人信息权益",
            DocKind::CivilComplaintRelative => "被催收电话、短信打扰的亲友以自己的名义起诉",
            DocKind::Injunction => "诉前向法院申请责令停止骚扰（民法典第九百九十七条）",
            DocKind::Preservation => "起诉后在诉讼中申请行为保全（民事诉讼法第一百零三条）",
            DocKind::PoliceReport => "到派出所报案时提交：时间线、号码、威胁内容，并要求受案回执",
            DocKind::Complaint => "向 12378、地方金融管理部门或互金协会投诉",
            DocKind::Report12321 => "向 12321 举报骚扰短信、电话的短信格式和网页表单内容",
            DocKind::ContactsMessage => "发给被联系到的亲友：发生了什么、不要替还、保留证据",
            DocKind::WitnessStatement => "被联系亲友填写的证人证言模板",
        }
    }

    /// Who reads it: court and police versions are never masked.
    pub fn audience(self) -> Audience {
        match self {
            DocKind::EvidenceList
            | DocKind::CivilComplaint
            | DocKind::CivilComplaintRelative
            | DocKind::Injunction
            | DocKind::Preservation
            | DocKind::PoliceReport
            | DocKind::WitnessStatement => Audience::Official,
            DocKind::NoticeLetter
            | DocKind::Complaint
            | DocKind::Report12321
            | DocKind::ContactsMessage => Audience::Public,
        }
    }

    /// The kind with this id.
    pub fn from_id(id: &str) -> Option<DocKind> {
        DocKind::ALL.into_iter().find(|k| k.id() == id || k.name_zh() == id)
    }
}

/// Builds one document. Never panics on any input; deterministic for a given input.
pub fn build(kind: DocKind, input: &DocsInput, options: Options) -> Document {
    build::build(kind, input, options)
}

/// Renders a document as DOCX bytes (A4, SimSun/仿宋 style fallbacks, page numbers).
pub fn render_docx(doc: &Document) -> Result<Vec<u8>, DocsError> {
    docx::render(doc)
}

/// Renders a document as PDF/A-2b bytes (A4, the shipped font embedded, page numbers).
/// Deterministic: identical input gives identical bytes.
pub fn render_pdf(doc: &Document) -> Result<Vec<u8>, DocsError> {
    pdf::render(doc)
}

/// Renders a document as one self-contained HTML page (inline CSS and SVG, no scripts).
pub fn render_html(doc: &Document) -> String {
    html::render(doc)
}

/// Rasterises an SVG chart to PNG with the shipped font (`scale` × its px size).
pub fn chart_png(chart: &ChartSvg, scale: f32) -> Result<Vec<u8>, DocsError> {
    png::render(&chart.svg, scale)
}
