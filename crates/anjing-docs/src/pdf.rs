//! PDF renderer: the same [`Document`] as the DOCX, laid out on A4 and written with krilla.
//!
//! krilla writes the PDF (fonts embedded as subsets with a ToUnicode map, so the text can be
//! searched and copied); the layout is ours and deliberately small: paragraphs broken into
//! lines by Chinese rules (a line never starts with `，。）」` and never ends with `（「`; Latin
//! words and numbers are not split unless a single one is wider than the line), justified
//! body text with a two-character first-line indent, tables that continue on the next page
//! with their header repeated, charts drawn as vectors (usvg outlines their text with the
//! shipped font), and `第 N 页，共 M 页` on every page.
//!
//! Only the two shipped fonts are used (never the system's), so a PDF is the same on every
//! machine: identical input gives identical bytes. A character the shipped font does not have
//! (an emoji, a rare hanzi) is drawn as `□` but keeps its real text in the PDF (copying gives
//! the original character), and a note at the end says how many there were.
//!
//! The file is written as PDF/A-2b, the archival profile courts and archives accept.

use krilla::color::rgb;
use krilla::configure::{Archival, ConfigurationBuilder};
use krilla::destination::XyzDestination;
use krilla::geom::{PathBuilder, Point, Rect, Transform};
use krilla::metadata::{DateTime, Metadata};
use krilla::num::NormalizedF32;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, GlyphId, KrillaGlyph};
use krilla::{Document as PdfDocument, SerializeSettings};
use resvg::usvg;
use skrifa::MetadataProvider;
use skrifa::instance::{LocationRef, Size as FontSize};

use crate::DocsError;
use crate::model::{Block, Document, Inline, ParaStyle, Table};
use crate::png::{FONT_BOLD, FONT_REGULAR};

/// A4 in PostScript points.
const PAGE_W: f32 = 595.276;
const PAGE_H: f32 = 841.89;
/// 2.54 cm top/bottom, 3.17 cm left/right, as the DOCX.
const MARGIN_TB: f32 = 72.0;
const MARGIN_LR: f32 = 89.86;
const TEXT_W: f32 = PAGE_W - 2.0 * MARGIN_LR;
const BOTTOM: f32 = PAGE_H - MARGIN_TB;
/// 四号 body, 二号 title, 五号 tables and notes (as the DOCX).
const BODY: f32 = 14.0;
const TITLE: f32 = 22.0;
const SMALL: f32 = 10.5;
/// Line height as a multiple of the font size.
const LEADING_BODY: f32 = 1.7;
const LEADING_SMALL: f32 = 1.45;
const CELL_PAD: f32 = 4.0;
/// The glyph drawn for a character the shipped font lacks.
const TOFU: char = '□';
const ASCENT: f32 = 0.88;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Color {
    Black,
    Grey,
    Red,
}

impl Color {
    fn rgb(self) -> rgb::Color {
        match self {
            Color::Black => rgb::Color::new(0, 0, 0),
            Color::Grey => rgb::Color::new(0x59, 0x59, 0x59),
            Color::Red => rgb::Color::new(0xC0, 0, 0),
        }
    }
}

/// How a run of characters is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Style {
    bold: bool,
    color: Color,
    /// Yellow background (a `【待填写】` marker).
    highlight: bool,
    size: f32,
}

/// One character, measured.
#[derive(Debug, Clone)]
struct Atom {
    ch: char,
    glyph: u32,
    /// Advance in points.
    width: f32,
    style: Style,
}

/// A laid-out line: atoms, and the extra space after each atom (justification).
#[derive(Debug, Clone)]
struct Line {
    atoms: Vec<Atom>,
    gap: f32,
    /// Horizontal offset inside the box (right or centre alignment, first-line indent).
    dx: f32,
}

/// What is drawn on a page, in points from the top-left corner.
enum Item {
    Text {
        x: f32,
        baseline: f32,
        line: Line,
    },
    Rect {
        rect: Rect,
        fill: rgb::Color,
    },
    Stroke {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
    },
    /// A chart of the document, drawn as vectors into a box `w` wide.
    Chart {
        x: f32,
        y: f32,
        w: f32,
        chart: usize,
    },
}

/// The shipped fonts, for measuring (skrifa) and for writing (krilla).
struct Fonts {
    regular: Face,
    bold: Face,
}

struct Face {
    pdf: Font,
    charmap: skrifa::charmap::Charmap<'static>,
    metrics: skrifa::metrics::GlyphMetrics<'static>,
    upem: f32,
}

impl Face {
    fn load(data: &'static [u8]) -> Result<Face, DocsError> {
        let bad = || DocsError::Pdf("内嵌字体无法读取 (shipped font unreadable)".into());
        let font = skrifa::FontRef::new(data).map_err(|_| bad())?;
        let upem =
            f32::from(font.metrics(FontSize::unscaled(), LocationRef::default()).units_per_em);
        Ok(Face {
            pdf: Font::new(data.into(), 0).ok_or_else(bad)?,
            charmap: font.charmap(),
            metrics: font.glyph_metrics(FontSize::unscaled(), LocationRef::default()),
            upem,
        })
    }
}

impl Fonts {
    fn face(&self, bold: bool) -> &Face {
        if bold { &self.bold } else { &self.regular }
    }
}

/// Characters that must not begin a line (closing punctuation).
fn no_break_before(c: char) -> bool {
    "，。、；：？！）】」』》〉”’％,.;:?!)]}%…—～·ー".contains(c)
}

/// Characters that must not end a line (opening punctuation).
fn no_break_after(c: char) -> bool {
    "（【「『《〈“‘([{".contains(c)
}

/// Letters and digits of Latin text: a run of them (a phone number, a URL piece, a word)
/// is kept on one line.
fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '@' | '_' | '-' | '*' | '#' | '+') || {
        let u = c as u32;
        (0xC0..=0x24F).contains(&u)
    }
}

struct Layout<'f> {
    fonts: &'f Fonts,
    pages: Vec<Vec<Item>>,
    /// Top of the free space on the current page.
    y: f32,
    /// Headings and where they are, for the PDF outline.
    marks: Vec<(String, usize, f32)>,
    tofu: usize,
}

impl<'f> Layout<'f> {
    fn new(fonts: &'f Fonts) -> Self {
        Layout { fonts, pages: vec![Vec::new()], y: MARGIN_TB, marks: Vec::new(), tofu: 0 }
    }

    fn page(&mut self) -> &mut Vec<Item> {
        self.pages.last_mut().expect("one page at least")
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = MARGIN_TB;
    }

    /// Starts a new page unless `h` points still fit (and the page is not empty).
    fn ensure(&mut self, h: f32) {
        if self.y + h > BOTTOM && !self.page().is_empty() {
            self.new_page();
        }
    }

    /// Measures text in one style. Control characters are dropped (tab becomes a space),
    /// characters the font lacks become `□`, newlines are kept as forced breaks.
    fn atoms(&mut self, text: &str, style: Style, out: &mut Vec<Atom>) {
        let face = self.fonts.face(style.bold);
        for ch in text.chars() {
            let ch = match ch {
                '\t' => ' ',
                '\n' => '\n',
                c if c.is_control() => continue,
                c => c,
            };
            if ch == '\n' {
                out.push(Atom { ch, glyph: 0, width: 0.0, style });
                continue;
            }
            let gid = match face.charmap.map(ch) {
                Some(g) if g.to_u32() != 0 => g,
                _ => {
                    self.tofu += 1;
                    face.charmap.map(TOFU).unwrap_or_default()
                }
            };
            let adv = face.metrics.advance_width(gid).unwrap_or(face.upem);
            out.push(Atom { ch, glyph: gid.to_u32(), width: adv / face.upem * style.size, style });
        }
    }

    fn runs_atoms(&mut self, runs: &[Inline], base: Style) -> Vec<Atom> {
        let mut out = Vec::new();
        for r in runs {
            match r {
                Inline::Text(s) => self.atoms(s, base, &mut out),
                Inline::Strong(s) => self.atoms(s, Style { bold: true, ..base }, &mut out),
                Inline::Missing(_) => self.atoms(
                    &r.plain(),
                    Style { bold: true, color: Color::Red, highlight: true, ..base },
                    &mut out,
                ),
            }
        }
        out
    }

    /// Breaks atoms into lines of at most `width` points (the first line `indent` narrower).
    /// `justify`: spread the extra space over the gaps of every line but the last of a
    /// paragraph.
    fn break_lines(atoms: &[Atom], width: f32, indent: f32, justify: bool) -> Vec<Line> {
        let mut lines = Vec::new();
        let mut start = 0;
        let mut first = true;
        while start < atoms.len() {
            let avail = if first { width - indent } else { width };
            let mut w = 0.0;
            let mut i = start;
            let mut last_ok: Option<usize> = None; // break before this index
            let mut forced = false;
            while i < atoms.len() {
                let a = &atoms[i];
                if a.ch == '\n' {
                    forced = true;
                    break;
                }
                if i > start && can_break(&atoms[i - 1], a) {
                    last_ok = Some(i);
                }
                if w + a.width > avail && i > start {
                    break;
                }
                w += a.width;
                i += 1;
            }
            let fits_here = i >= atoms.len()
                || forced
                || atoms[i].ch == ' '
                || can_break(&atoms[i - 1], &atoms[i]);
            let end = if fits_here {
                i
            } else {
                // Pull the last breakable point back; a single unbreakable run wider than the
                // line is cut where it overflows.
                match last_ok {
                    Some(b) if b > start => b,
                    _ => i,
                }
            };
            let mut line: Vec<Atom> = atoms[start..end].to_vec();
            while line.last().is_some_and(|a| a.ch == ' ') {
                line.pop();
            }
            let used: f32 = line.iter().map(|a| a.width).sum();
            let is_last = end >= atoms.len() || forced;
            let gap = if justify && !is_last && line.len() > 1 {
                let g = (avail - used) / (line.len() - 1) as f32;
                if g < BODY { g.max(0.0) } else { 0.0 }
            } else {
                0.0
            };
            lines.push(Line { atoms: line, gap, dx: if first { indent } else { 0.0 } });
            first = false;
            start = end;
            if forced {
                start += 1; // the newline itself
                first = false;
            }
            // A line never starts with a space left over from the break.
            while start < atoms.len() && atoms[start].ch == ' ' {
                start += 1;
            }
        }
        if lines.is_empty() {
            lines.push(Line { atoms: Vec::new(), gap: 0.0, dx: indent });
        }
        lines
    }

    /// A paragraph in a box of `width` at `x`.
    fn para(&mut self, atoms: &[Atom], x: f32, width: f32, p: ParaLook) {
        let lh = p.size * p.leading;
        let mut lines = Self::break_lines(atoms, width, p.indent, p.justify);
        for line in &mut lines {
            let used: f32 = line.atoms.iter().map(|a| a.width).sum();
            match p.align {
                Align::Left => {}
                Align::Right => line.dx = (width - used).max(0.0),
                Align::Center => line.dx = ((width - used) / 2.0).max(0.0),
            }
        }
        self.y += p.before;
        for line in lines {
            self.ensure(lh);
            let baseline = self.y + (lh - p.size) / 2.0 + ASCENT * p.size;
            self.push_line(x, baseline, line);
            self.y += lh;
        }
        self.y += p.after;
    }

    fn push_line(&mut self, x: f32, baseline: f32, line: Line) {
        // Highlight rectangles behind marked atoms.
        let mut cx = x + line.dx;
        for a in &line.atoms {
            if a.style.highlight {
                let top = baseline - ASCENT * a.style.size - 1.0;
                if let Some(rect) =
                    Rect::from_xywh(cx, top, a.width + line.gap, a.style.size * 1.1 + 1.0)
                {
                    self.page().push(Item::Rect { rect, fill: rgb::Color::new(255, 255, 0) });
                }
            }
            cx += a.width + line.gap;
        }
        self.page().push(Item::Text { x, baseline, line });
    }

    fn heading(&mut self, text: &str) {
        let style = Style { bold: true, color: Color::Black, highlight: false, size: BODY };
        let mut atoms = Vec::new();
        self.atoms(text, style, &mut atoms);
        // Keep with the next two lines.
        self.ensure(BODY * LEADING_BODY * 3.0 + 6.0);
        self.marks.push((text.to_string(), self.pages.len() - 1, self.y));
        self.para(&atoms, MARGIN_LR, TEXT_W, ParaLook { before: 6.0, ..ParaLook::body(false) });
    }

    fn table(&mut self, t: &Table) {
        let n = t.header.len().max(1);
        let total: u32 = t.widths.iter().take(n).sum::<u32>().max(1);
        let mut widths: Vec<f32> =
            t.widths.iter().take(n).map(|w| TEXT_W * *w as f32 / total as f32).collect();
        widths.resize(n, TEXT_W / n as f32);
        let lh = SMALL * LEADING_SMALL;
        let plain = Style { bold: false, color: Color::Black, highlight: false, size: SMALL };
        let cell_lines = |this: &mut Self, runs: &[Inline], w: f32, header: bool| {
            let atoms = if header {
                let mut a = Vec::new();
                this.atoms(
                    &runs.iter().map(Inline::plain).collect::<String>(),
                    Style { bold: true, ..plain },
                    &mut a,
                );
                a
            } else {
                this.runs_atoms(runs, plain)
            };
            Self::break_lines(&atoms, (w - 2.0 * CELL_PAD).max(SMALL), 0.0, false)
        };
        let header: Vec<Vec<Line>> = t
            .header
            .iter()
            .zip(&widths)
            .map(|(h, w)| cell_lines(self, &[Inline::Text(h.clone())], *w, true))
            .collect();
        let rows: Vec<Vec<Vec<Line>>> = t
            .rows
            .iter()
            .map(|r| {
                widths
                    .iter()
                    .enumerate()
                    .map(|(i, w)| {
                        cell_lines(self, r.get(i).map(|c| c.as_slice()).unwrap_or(&[]), *w, false)
                    })
                    .collect()
            })
            .collect();
        let height = |cells: &[Vec<Line>]| {
            cells.iter().map(Vec::len).max().unwrap_or(1).max(1) as f32 * lh + 2.0 * CELL_PAD
        };
        let header_h = height(&header);
        // The header and the first row together, so a header never stands alone.
        let first_h =
            rows.first().map(|r| height(r)).unwrap_or(0.0).min(BOTTOM - MARGIN_TB - header_h);
        self.ensure(header_h + first_h);
        self.table_row(&header, &widths, true);
        for row in &rows {
            let total_lines = row.iter().map(Vec::len).max().unwrap_or(1).max(1);
            let mut from = 0;
            while from < total_lines {
                let room = ((BOTTOM - self.y - 2.0 * CELL_PAD) / lh).floor().max(0.0) as usize;
                let left = total_lines - from;
                if room == 0 || (room < left && room < 2) {
                    self.new_page();
                    self.table_row(&header, &widths, true);
                    continue;
                }
                let take = left.min(room);
                let slice: Vec<Vec<Line>> =
                    row.iter().map(|c| c.iter().skip(from).take(take).cloned().collect()).collect();
                self.table_row_fixed(&slice, &widths, false, take);
                from += take;
                if from < total_lines {
                    self.new_page();
                    self.table_row(&header, &widths, true);
                }
            }
        }
        self.y += 8.0;
    }

    fn table_row(&mut self, cells: &[Vec<Line>], widths: &[f32], header: bool) {
        let n = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
        self.table_row_fixed(cells, widths, header, n);
    }

    /// One row (or the part of a row that fits) with `n` lines, borders around every cell.
    fn table_row_fixed(&mut self, cells: &[Vec<Line>], widths: &[f32], header: bool, n: usize) {
        let lh = SMALL * LEADING_SMALL;
        let h = n.max(1) as f32 * lh + 2.0 * CELL_PAD;
        let top = self.y;
        if header && let Some(rect) = Rect::from_xywh(MARGIN_LR, top, TEXT_W, h) {
            self.page().push(Item::Rect { rect, fill: rgb::Color::new(0xE7, 0xE6, 0xE6) });
        }
        let mut x = MARGIN_LR;
        for (cell, w) in cells.iter().zip(widths) {
            for (k, line) in cell.iter().enumerate() {
                let baseline = top + CELL_PAD + k as f32 * lh + (lh - SMALL) / 2.0 + ASCENT * SMALL;
                self.push_line(x + CELL_PAD, baseline, line.clone());
            }
            x += w;
        }
        // Borders: top, bottom, and every vertical.
        let right = MARGIN_LR + TEXT_W;
        self.page().push(Item::Stroke { x1: MARGIN_LR, y1: top, x2: right, y2: top });
        self.page().push(Item::Stroke { x1: MARGIN_LR, y1: top + h, x2: right, y2: top + h });
        let mut x = MARGIN_LR;
        self.page().push(Item::Stroke { x1: x, y1: top, x2: x, y2: top + h });
        for w in widths {
            x += w;
            self.page().push(Item::Stroke { x1: x, y1: top, x2: x, y2: top + h });
        }
        self.y += h;
    }

    fn chart(&mut self, title: &str, chart: usize, aspect: f32) {
        let w = TEXT_W;
        let h = (w * aspect).min(BOTTOM - MARGIN_TB - 40.0);
        let style = Style { bold: true, color: Color::Black, highlight: false, size: SMALL };
        let mut atoms = Vec::new();
        self.atoms(title, style, &mut atoms);
        self.ensure(SMALL * LEADING_SMALL + h + 8.0);
        self.para(
            &atoms,
            MARGIN_LR,
            TEXT_W,
            ParaLook {
                size: SMALL,
                leading: LEADING_SMALL,
                align: Align::Center,
                ..ParaLook::body(false)
            },
        );
        let y = self.y;
        let w = (h / aspect.max(0.01)).min(TEXT_W);
        self.page().push(Item::Chart { x: MARGIN_LR + (TEXT_W - w) / 2.0, y, w, chart });
        self.y += h + 8.0;
    }
}

fn can_break(prev: &Atom, next: &Atom) -> bool {
    if no_break_before(next.ch) || no_break_after(prev.ch) {
        return false;
    }
    if prev.ch == ' ' || next.ch == ' ' {
        return true;
    }
    !(is_word(prev.ch) && is_word(next.ch))
}

#[derive(Debug, Clone, Copy)]
enum Align {
    Left,
    Right,
    Center,
}

#[derive(Debug, Clone, Copy)]
struct ParaLook {
    size: f32,
    leading: f32,
    indent: f32,
    justify: bool,
    align: Align,
    before: f32,
    after: f32,
}

impl ParaLook {
    fn body(indent: bool) -> Self {
        ParaLook {
            size: BODY,
            leading: LEADING_BODY,
            indent: if indent { 2.0 * BODY } else { 0.0 },
            justify: true,
            align: Align::Left,
            before: 0.0,
            after: 3.0,
        }
    }
}

/// Lays a document out into pages.
fn layout<'f>(doc: &Document, fonts: &'f Fonts) -> Result<Layout<'f>, DocsError> {
    let mut l = Layout::new(fonts);
    let title = Style { bold: true, color: Color::Black, highlight: false, size: TITLE };
    let mut atoms = Vec::new();
    l.atoms(&doc.title, title, &mut atoms);
    l.para(
        &atoms,
        MARGIN_LR,
        TEXT_W,
        ParaLook {
            size: TITLE,
            leading: 1.5,
            align: Align::Center,
            justify: false,
            after: 6.0,
            ..ParaLook::body(false)
        },
    );
    if !doc.subtitle.is_empty() {
        let mut atoms = Vec::new();
        l.atoms(&doc.subtitle, Style { bold: false, size: BODY, ..title }, &mut atoms);
        l.para(
            &atoms,
            MARGIN_LR,
            TEXT_W,
            ParaLook { align: Align::Center, justify: false, ..ParaLook::body(false) },
        );
    }
    for block in &doc.blocks {
        match block {
            Block::Heading(h) => l.heading(h),
            Block::Para(p) => {
                let base = Style { bold: false, color: Color::Black, highlight: false, size: BODY };
                let (style, look, x, w) = match p.style {
                    ParaStyle::Body => (base, ParaLook::body(true), MARGIN_LR, TEXT_W),
                    ParaStyle::Plain => (base, ParaLook::body(false), MARGIN_LR, TEXT_W),
                    ParaStyle::Right => (
                        base,
                        ParaLook { align: Align::Right, justify: false, ..ParaLook::body(false) },
                        MARGIN_LR,
                        TEXT_W,
                    ),
                    ParaStyle::Quote => {
                        (base, ParaLook::body(false), MARGIN_LR + 21.0, TEXT_W - 42.0)
                    }
                    ParaStyle::Note => (
                        Style { size: SMALL, color: Color::Grey, ..base },
                        ParaLook { size: SMALL, leading: LEADING_SMALL, ..ParaLook::body(false) },
                        MARGIN_LR,
                        TEXT_W,
                    ),
                };
                let atoms = l.runs_atoms(&p.runs, style);
                l.para(&atoms, x, w, look);
            }
            Block::Table(t) => l.table(t),
            Block::Chart(i) => {
                let Some(c) = doc.charts.get(*i) else { continue };
                l.chart(&c.title, *i, (c.height / c.width.max(1.0)) as f32);
            }
        }
    }
    if l.tofu > 0 {
        let n = l.tofu;
        let note = format!(
            "说明：本文件中有 {n} 个字符（如表情符号、生僻字）不在内嵌字体中，显示为“{TOFU}”；\
             复制或检索文字时仍是原字符。原文以原始文件为准。"
        );
        let mut atoms = Vec::new();
        let s = Style { bold: false, color: Color::Grey, highlight: false, size: SMALL };
        l.atoms(&note, s, &mut atoms);
        l.para(
            &atoms,
            MARGIN_LR,
            TEXT_W,
            ParaLook { size: SMALL, leading: LEADING_SMALL, before: 6.0, ..ParaLook::body(false) },
        );
    }
    Ok(l)
}

/// Draws one line: consecutive atoms of one style become one text object.
fn draw_line(surface: &mut Surface, fonts: &Fonts, x: f32, baseline: f32, line: &Line) {
    let mut cx = x + line.dx;
    let mut i = 0;
    while i < line.atoms.len() {
        let style = line.atoms[i].style;
        let mut j = i;
        while j < line.atoms.len() && line.atoms[j].style == style {
            j += 1;
        }
        let seg = &line.atoms[i..j];
        let text: String = seg.iter().map(|a| a.ch).collect();
        let mut glyphs = Vec::with_capacity(seg.len());
        let mut at = 0;
        let mut width = 0.0;
        for a in seg {
            let len = a.ch.len_utf8();
            let adv = a.width + line.gap;
            glyphs.push(KrillaGlyph::new(
                GlyphId::new(a.glyph),
                adv / style.size,
                0.0,
                0.0,
                0.0,
                at..at + len,
                None,
            ));
            at += len;
            width += adv;
        }
        surface.set_fill(Some(Fill {
            paint: style.color.rgb().into(),
            opacity: NormalizedF32::ONE,
            rule: Default::default(),
        }));
        let face = fonts.face(style.bold);
        surface.draw_glyphs(
            Point::from_xy(cx, baseline),
            &glyphs,
            face.pdf.clone(),
            &text,
            style.size,
            false,
        );
        cx += width;
        i = j;
    }
}

/// Draws a parsed SVG chart as PDF vectors: every path with its solid fill and stroke
/// (the charts use nothing else), text as the outlines usvg made with the shipped font.
fn draw_svg_group(s: &mut Surface, g: &usvg::Group, opacity: f32) {
    let opacity = opacity * g.opacity().get();
    for node in g.children() {
        match node {
            usvg::Node::Group(g) => draw_svg_group(s, g, opacity),
            usvg::Node::Path(p) => draw_svg_path(s, p, opacity),
            usvg::Node::Text(t) => draw_svg_group(s, t.flattened(), opacity),
            usvg::Node::Image(_) => {}
        }
    }
}

fn draw_svg_path(s: &mut Surface, p: &usvg::Path, opacity: f32) {
    if !p.is_visible() {
        return;
    }
    let mut pb = PathBuilder::new();
    for seg in p.data().segments() {
        use usvg::tiny_skia_path::PathSegment as S;
        match seg {
            S::MoveTo(a) => pb.move_to(a.x, a.y),
            S::LineTo(a) => pb.line_to(a.x, a.y),
            S::QuadTo(a, b) => pb.quad_to(a.x, a.y, b.x, b.y),
            S::CubicTo(a, b, c) => pb.cubic_to(a.x, a.y, b.x, b.y, c.x, c.y),
            S::Close => pb.close(),
        }
    }
    let Some(path) = pb.finish() else { return };
    let color = |paint: &usvg::Paint| match paint {
        usvg::Paint::Color(c) => Some(rgb::Color::new(c.red, c.green, c.blue)),
        _ => None,
    };
    let alpha =
        |o: f32| NormalizedF32::new((o * opacity).clamp(0.0, 1.0)).unwrap_or(NormalizedF32::ONE);
    let t = p.abs_transform();
    s.push_transform(&Transform::from_row(t.sx, t.ky, t.kx, t.sy, t.tx, t.ty));
    if let Some(f) = p.fill()
        && let Some(c) = color(f.paint())
    {
        s.set_stroke(None);
        s.set_fill(Some(Fill {
            paint: c.into(),
            opacity: alpha(f.opacity().get()),
            rule: match f.rule() {
                usvg::FillRule::EvenOdd => krilla::paint::FillRule::EvenOdd,
                usvg::FillRule::NonZero => krilla::paint::FillRule::NonZero,
            },
        }));
        s.draw_path(&path);
    }
    if let Some(st) = p.stroke()
        && let Some(c) = color(st.paint())
    {
        s.set_fill(None);
        s.set_stroke(Some(Stroke {
            paint: c.into(),
            width: st.width().get(),
            opacity: alpha(st.opacity().get()),
            ..Default::default()
        }));
        s.draw_path(&path);
        s.set_stroke(None);
    }
    s.pop();
}

fn footer_line(fonts: &Fonts, page: usize, pages: usize) -> (f32, Line) {
    let mut l = Layout::new(fonts);
    let mut atoms = Vec::new();
    let s = Style { bold: false, color: Color::Black, highlight: false, size: SMALL };
    l.atoms(&format!("第 {page} 页，共 {pages} 页"), s, &mut atoms);
    let used: f32 = atoms.iter().map(|a| a.width).sum();
    (MARGIN_LR + (TEXT_W - used) / 2.0, Line { atoms, gap: 0.0, dx: 0.0 })
}

pub(crate) fn render(doc: &Document) -> Result<Vec<u8>, DocsError> {
    let fonts = Fonts { regular: Face::load(FONT_REGULAR)?, bold: Face::load(FONT_BOLD)? };
    let laid = layout(doc, &fonts)?;
    let config = ConfigurationBuilder::new()
        .with_archival_validator(Archival::A2_B)
        .finish()
        .map_err(|e| DocsError::Pdf(format!("{e:?}")))?;
    let settings = SerializeSettings { configuration: config, ..Default::default() };
    let mut pdf = PdfDocument::new_with(settings);
    let pages = laid.pages.len();
    for (n, items) in laid.pages.iter().enumerate() {
        let size = PageSettings::from_wh(PAGE_W, PAGE_H).expect("A4 is a valid size");
        let mut page = pdf.start_page_with(size);
        let mut s = page.surface();
        for item in items {
            match item {
                Item::Rect { rect, fill } => {
                    let mut pb = PathBuilder::new();
                    pb.push_rect(*rect);
                    if let Some(path) = pb.finish() {
                        s.set_stroke(None);
                        s.set_fill(Some(Fill { paint: (*fill).into(), ..Default::default() }));
                        s.draw_path(&path);
                    }
                }
                Item::Stroke { x1, y1, x2, y2 } => {
                    let mut pb = PathBuilder::new();
                    pb.move_to(*x1, *y1);
                    pb.line_to(*x2, *y2);
                    if let Some(path) = pb.finish() {
                        s.set_fill(None);
                        s.set_stroke(Some(Stroke {
                            paint: rgb::Color::new(0, 0, 0).into(),
                            width: 0.5,
                            ..Default::default()
                        }));
                        s.draw_path(&path);
                        s.set_stroke(None);
                    }
                }
                Item::Text { x, baseline, line } => draw_line(&mut s, &fonts, *x, *baseline, line),
                Item::Chart { x, y, w, chart } => {
                    let Some(c) = doc.charts.get(*chart) else { continue };
                    let tree = crate::png::parse(&c.svg)?;
                    let scale = *w / tree.size().width().max(1.0);
                    s.push_transform(&Transform::from_row(scale, 0.0, 0.0, scale, *x, *y));
                    draw_svg_group(&mut s, tree.root(), 1.0);
                    s.pop();
                }
            }
        }
        let (fx, line) = footer_line(&fonts, n + 1, pages);
        draw_line(&mut s, &fonts, fx, PAGE_H - MARGIN_TB / 2.0, &line);
        s.finish();
        page.finish();
    }
    let mut outline = Outline::new();
    for (title, page, y) in &laid.marks {
        outline.push_child(OutlineNode::new(
            title.clone(),
            XyzDestination::new(*page, Point::from_xy(MARGIN_LR, *y)),
        ));
    }
    pdf.set_outline(outline);
    // A fixed date: identical input gives identical bytes (the case log has the real time).
    let meta = Metadata::new()
        .title(doc.title.clone())
        .language("zh-CN".into())
        .creator("Anjing 安静".into())
        .creation_date(DateTime::new(2000));
    pdf.set_metadata(meta);
    pdf.finish().map_err(|e| DocsError::Pdf(format!("{e:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str, chars_wide: f32) -> Vec<String> {
        let fonts = Fonts {
            regular: Face::load(FONT_REGULAR).unwrap(),
            bold: Face::load(FONT_BOLD).unwrap(),
        };
        let mut l = Layout::new(&fonts);
        let style = Style { bold: false, color: Color::Black, highlight: false, size: BODY };
        let mut atoms = Vec::new();
        l.atoms(text, style, &mut atoms);
        Layout::break_lines(&atoms, chars_wide * BODY + 0.1, 0.0, true)
            .into_iter()
            .map(|line| line.atoms.iter().map(|a| a.ch).collect())
            .collect()
    }

    #[test]
    fn closing_punctuation_never_starts_a_line() {
        // Five characters fit; the comma would be the sixth: it pulls 五 down with it.
        assert_eq!(lines("一二三四五，六七", 5.0), ["一二三四", "五，六七"]);
        assert_eq!(lines("一二三四五。", 5.0), ["一二三四", "五。"]);
    }

    #[test]
    fn opening_punctuation_never_ends_a_line() {
        assert_eq!(lines("一二三四（五六）", 5.0), ["一二三四", "（五六）"]);
    }

    #[test]
    fn numbers_stay_whole_and_newlines_break() {
        // A phone number (half-width digits) moves to the next line whole.
        let l = lines("请联系13812345678处理", 8.0);
        assert!(l.iter().any(|s| s.contains("13812345678")), "{l:?}");
        assert_eq!(lines("第一行\n第二行", 20.0), ["第一行", "第二行"]);
        // A run wider than the line is cut rather than lost.
        let long = "1".repeat(200);
        let l = lines(&long, 10.0);
        assert_eq!(l.concat(), long);
    }
}
