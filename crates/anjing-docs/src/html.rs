//! HTML preview: one self-contained page (inline CSS and SVG, no scripts, CSP forbids them).

use crate::model::{Block, Document, Inline, ParaStyle};

/// Escapes `& < > " '` and shows characters HTML cannot hold as `�`.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || ('\u{7f}'..='\u{9f}').contains(&c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

const CSS: &str = "body{font-family:\"Noto Serif CJK SC\",\"Source Han Serif SC\",\"SimSun\",\"Songti SC\",serif;max-width:800px;margin:0 auto;padding:24px;line-height:1.8;font-size:16px;color:#111;overflow-wrap:anywhere}\
h1{text-align:center;font-size:26px;margin:8px 0}.sub{text-align:center}h2{font-size:17px;margin:18px 0 6px}\
p{margin:4px 0;white-space:pre-wrap}p.body{text-indent:2em}p.right{text-align:right}p.quote{margin-left:2em;margin-right:2em}p.note{color:#555;font-size:14px}\
table{border-collapse:collapse;width:100%;font-size:13px;margin:8px 0}th,td{border:1px solid #444;padding:3px 5px;vertical-align:top;white-space:pre-wrap}th{background:#e7e6e6}\
.missing{background:#ff0;color:#c00000;font-weight:bold}figure{margin:12px 0}figcaption{text-align:center;font-weight:bold}svg{width:100%;height:auto}\
.missing-list{border:2px solid #c00000;padding:8px 12px;margin:12px 0}@media print{.missing-list{display:none}}";

fn inlines(out: &mut String, runs: &[Inline]) {
    for i in runs {
        match i {
            Inline::Text(s) => out.push_str(&escape(s)),
            Inline::Strong(s) => {
                out.push_str("<b>");
                out.push_str(&escape(s));
                out.push_str("</b>");
            }
            Inline::Missing(_) => {
                out.push_str("<span class=\"missing\">");
                out.push_str(&escape(&i.plain()));
                out.push_str("</span>");
            }
        }
    }
}

pub(crate) fn render(doc: &Document) -> String {
    let mut o = String::with_capacity(16 * 1024);
    o.push_str("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">");
    o.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">");
    o.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>");
    o.push_str(&escape(&doc.title));
    o.push_str("</title><style>");
    o.push_str(CSS);
    o.push_str("</style></head><body>\n");
    if !doc.missing.is_empty() {
        o.push_str("<div class=\"missing-list\"><b>还缺以下信息（文中以【待填写】标出，打印前请补全）：</b>");
        o.push_str(&escape(&doc.missing.join("、")));
        o.push_str("</div>\n");
    }
    o.push_str("<h1>");
    o.push_str(&escape(&doc.title));
    o.push_str("</h1>\n");
    if !doc.subtitle.is_empty() {
        o.push_str("<p class=\"sub\">");
        o.push_str(&escape(&doc.subtitle));
        o.push_str("</p>\n");
    }
    for b in &doc.blocks {
        match b {
            Block::Heading(h) => {
                o.push_str("<h2>");
                o.push_str(&escape(h));
                o.push_str("</h2>\n");
            }
            Block::Para(p) => {
                o.push_str(match p.style {
                    ParaStyle::Body => "<p class=\"body\">",
                    ParaStyle::Plain => "<p>",
                    ParaStyle::Right => "<p class=\"right\">",
                    ParaStyle::Quote => "<p class=\"quote\">",
                    ParaStyle::Note => "<p class=\"note\">",
                });
                inlines(&mut o, &p.runs);
                o.push_str("</p>\n");
            }
            Block::Table(t) => {
                o.push_str("<table><thead><tr>");
                for h in &t.header {
                    o.push_str("<th>");
                    o.push_str(&escape(h));
                    o.push_str("</th>");
                }
                o.push_str("</tr></thead><tbody>\n");
                for r in &t.rows {
                    o.push_str("<tr>");
                    for c in r {
                        o.push_str("<td>");
                        inlines(&mut o, c);
                        o.push_str("</td>");
                    }
                    o.push_str("</tr>\n");
                }
                o.push_str("</tbody></table>\n");
            }
            Block::Chart(i) => {
                if let Some(c) = doc.charts.get(*i) {
                    // The SVG comes from anjing-report, which escapes every input string.
                    o.push_str("<figure><figcaption>");
                    o.push_str(&escape(&c.title));
                    o.push_str("</figcaption>");
                    o.push_str(&c.svg);
                    o.push_str("</figure>\n");
                }
            }
        }
    }
    o.push_str("</body></html>\n");
    o
}
