//! DOCX renderer: A4, conventional margins, a Song-style East Asian font, page numbers.
//!
//! DOCX does not embed fonts: the recipient's Word or WPS substitutes. Runs name `SimSun`
//! (present on every Chinese Windows) for East Asian text and `Times New Roman` for Latin;
//! the default language is set to `zh-CN` for East Asian text. Output is deterministic: the
//! package is re-written with fixed timestamps and fixed ids.

use std::io::{Cursor, Read, Write};

use docx_rs::{
    AlignmentType, BreakType, Docx, Footer, LineSpacing, NumPages, PageMargin, PageNum, Paragraph,
    Pic, Run, RunFonts, Shading, SpecialIndentType, Table as DTable, TableCell, TableRow,
    WidthType,
};

use crate::DocsError;
use crate::model::{Block, Document, Inline, ParaStyle};

/// A4 in twips.
const PAGE_W: u32 = 11906;
const PAGE_H: u32 = 16838;
/// 2.54 cm top/bottom, 3.17 cm left/right (Word's "normal" margins, usual for court papers).
const MARGIN_TB: i32 = 1440;
const MARGIN_LR: i32 = 1797;
const TEXT_W: u32 = PAGE_W - 2 * MARGIN_LR as u32;
/// Half-points: 四号 (14 pt) body, 二号 (22 pt) title, 五号 (10.5 pt) tables and notes.
const BODY: usize = 28;
const TITLE: usize = 44;
const SMALL: usize = 21;
const EAST_ASIA: &str = "SimSun";
const LATIN: &str = "Times New Roman";

fn fonts() -> RunFonts {
    RunFonts::new().east_asia(EAST_ASIA).ascii(LATIN).hi_ansi(LATIN).cs(LATIN)
}

/// Characters XML 1.0 cannot hold (C0 controls except tab/newline/CR, U+FFFE/FFFF, lone
/// surrogates cannot occur in a Rust string) are shown as `�` so the file stays well-formed
/// and the reader sees that something was there.
pub(crate) fn xml_safe(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => c,
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => '\u{FFFD}',
            c => c,
        })
        .collect()
}

/// A run, with newlines in the text turned into line breaks.
fn run(text: &str, size: usize) -> Vec<Run> {
    let text = xml_safe(text);
    let mut out = Vec::new();
    for (i, line) in text.split('\n').enumerate() {
        let mut r = Run::new().fonts(fonts()).size(size);
        if i > 0 {
            r = r.add_break(BreakType::TextWrapping);
        }
        out.push(r.add_text(line.replace('\r', "")));
    }
    out
}

fn add_inlines(mut p: Paragraph, runs: &[Inline], size: usize) -> Paragraph {
    for i in runs {
        match i {
            Inline::Text(s) => {
                for r in run(s, size) {
                    p = p.add_run(r);
                }
            }
            Inline::Strong(s) => {
                for r in run(s, size) {
                    p = p.add_run(r.bold());
                }
            }
            Inline::Missing(_) => {
                for r in run(&i.plain(), size) {
                    p = p.add_run(r.bold().color("C00000").highlight("yellow"));
                }
            }
        }
    }
    p
}

fn spacing() -> LineSpacing {
    // 1.5 lines.
    LineSpacing::new().line(360).after(60)
}

fn table(t: &crate::model::Table) -> DTable {
    let total: u32 = t.widths.iter().sum::<u32>().max(1);
    let grid: Vec<usize> = t
        .widths
        .iter()
        .map(|w| (u64::from(TEXT_W) * u64::from(*w) / u64::from(total)) as usize)
        .collect();
    let cell = |runs: &[Inline], w: usize, header: bool| {
        let mut p = Paragraph::new().line_spacing(LineSpacing::new().line(276));
        p = if header {
            p.add_run(
                Run::new().fonts(fonts()).size(SMALL).bold().add_text(xml_safe(&runs[0].plain())),
            )
        } else {
            add_inlines(p, runs, SMALL)
        };
        let mut c = TableCell::new().add_paragraph(p).width(w, WidthType::Dxa);
        if header {
            c = c.shading(Shading::new().fill("E7E6E6"));
        }
        c
    };
    let mut rows = vec![TableRow::new(
        t.header
            .iter()
            .zip(&grid)
            .map(|(h, w)| cell(&[Inline::Text(h.clone())], *w, true))
            .collect(),
    )];
    for r in &t.rows {
        rows.push(TableRow::new(
            grid.iter()
                .enumerate()
                .map(|(i, w)| cell(r.get(i).map(|c| c.as_slice()).unwrap_or(&[]), *w, false))
                .collect(),
        ));
    }
    DTable::new(rows).set_grid(grid).width(TEXT_W as usize, WidthType::Dxa)
}

pub(crate) fn render(doc: &Document) -> Result<Vec<u8>, DocsError> {
    let footer = Footer::new().add_paragraph(
        Paragraph::new()
            .align(AlignmentType::Center)
            .add_run(Run::new().fonts(fonts()).size(SMALL).add_text("第 "))
            .add_page_num(PageNum::new())
            .add_run(Run::new().fonts(fonts()).size(SMALL).add_text(" 页，共 "))
            .add_num_pages(NumPages::new())
            .add_run(Run::new().fonts(fonts()).size(SMALL).add_text(" 页")),
    );
    let mut d = Docx::new()
        .page_size(PAGE_W, PAGE_H)
        .page_margin(
            PageMargin::new().top(MARGIN_TB).bottom(MARGIN_TB).left(MARGIN_LR).right(MARGIN_LR),
        )
        .default_fonts(fonts())
        .default_size(BODY)
        .footer(footer)
        .created_at("2000-01-01T00:00:00Z")
        .updated_at("2000-01-01T00:00:00Z");
    d = d.add_paragraph(
        Paragraph::new()
            .align(AlignmentType::Center)
            .line_spacing(LineSpacing::new().after(120))
            .add_run(Run::new().fonts(fonts()).size(TITLE).bold().add_text(xml_safe(&doc.title))),
    );
    if !doc.subtitle.is_empty() {
        d = d.add_paragraph(
            Paragraph::new()
                .align(AlignmentType::Center)
                .add_run(Run::new().fonts(fonts()).size(BODY).add_text(xml_safe(&doc.subtitle))),
        );
    }
    let mut image_no = 0usize;
    for block in &doc.blocks {
        match block {
            Block::Heading(h) => {
                d = d.add_paragraph(
                    Paragraph::new()
                        .line_spacing(LineSpacing::new().line(360).before(120))
                        .keep_next(true)
                        .add_run(Run::new().fonts(fonts()).size(BODY).bold().add_text(xml_safe(h))),
                );
            }
            Block::Para(p) => {
                let (size, mut para) = match p.style {
                    ParaStyle::Note => {
                        (SMALL, Paragraph::new().line_spacing(LineSpacing::new().line(300)))
                    }
                    _ => (BODY, Paragraph::new().line_spacing(spacing())),
                };
                para = match p.style {
                    // Two characters of 14 pt = 560 twips (LibreOffice ignores firstLineChars alone).
                    ParaStyle::Body => para
                        .align(AlignmentType::Both)
                        .indent(None, Some(SpecialIndentType::FirstLine(560)), None, None)
                        .first_line_chars(200),
                    ParaStyle::Plain => para.align(AlignmentType::Both),
                    ParaStyle::Right => para.align(AlignmentType::Right),
                    ParaStyle::Quote => {
                        para.align(AlignmentType::Both).indent(Some(420), None, Some(420), None)
                    }
                    ParaStyle::Note => para.align(AlignmentType::Both),
                };
                let mut para = add_inlines(para, &p.runs, size);
                if p.style == ParaStyle::Note {
                    para = para.color("595959");
                }
                d = d.add_paragraph(para);
            }
            Block::Table(t) => {
                d = d.add_table(table(t));
                d = d.add_paragraph(Paragraph::new());
            }
            Block::Chart(i) => {
                let Some(c) = doc.charts.get(*i) else { continue };
                let png = crate::png::render(&c.svg, 2.0)?;
                image_no += 1;
                // Full text width; height keeps the aspect ratio. 1 twip = 635 EMU.
                let w_emu = TEXT_W * 635;
                let h_emu = (f64::from(w_emu) * c.height / c.width.max(1.0)) as u32;
                let pic =
                    Pic::new_with_dimensions(png, (c.width * 2.0) as u32, (c.height * 2.0) as u32)
                        .id(format!("rIdImage{image_no}"))
                        .size(w_emu, h_emu);
                d = d.add_paragraph(
                    Paragraph::new().align(AlignmentType::Center).keep_next(true).add_run(
                        Run::new().fonts(fonts()).size(SMALL).bold().add_text(xml_safe(&c.title)),
                    ),
                );
                d = d.add_paragraph(
                    Paragraph::new()
                        .align(AlignmentType::Center)
                        .add_run(Run::new().add_image(pic)),
                );
            }
        }
    }
    let mut raw = Cursor::new(Vec::new());
    d.build().pack(&mut raw).map_err(|e| DocsError::Docx(e.to_string()))?;
    normalise(&raw.into_inner())
}

/// Re-writes the package: fixed timestamps and order, `w:lang` zh-CN added to the default run
/// properties (docx-rs does not write it).
fn normalise(bytes: &[u8]) -> Result<Vec<u8>, DocsError> {
    let err = |e: &dyn std::fmt::Display| DocsError::Docx(e.to_string());
    let mut zin = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| err(&e))?;
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).map_err(|e| err(&e))?;
        if f.is_dir() {
            continue;
        }
        let name = f.name().map_err(|e| err(&e))?.to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).map_err(|e| err(&e))?;
        if name == "word/styles.xml" {
            let s = String::from_utf8_lossy(&data).into_owned();
            let lang = "<w:lang w:val=\"en-US\" w:eastAsia=\"zh-CN\" w:bidi=\"ar-SA\" />";
            let s = if let Some(at) = s.find("<w:rPrDefault>") {
                let rest = &s[at..];
                match rest.find("</w:rPr>") {
                    Some(end) => format!("{}{lang}{}", &s[..at + end], &s[at + end..]),
                    None => s,
                }
            } else {
                s
            };
            data = s.into_bytes();
        }
        out.start_file(name, opts).map_err(|e| err(&e))?;
        out.write_all(&data).map_err(|e| err(&e))?;
    }
    Ok(out.finish().map_err(|e| err(&e))?.into_inner())
}
