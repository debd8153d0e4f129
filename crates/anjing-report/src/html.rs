//! A tiny HTML writer that makes forgetting to escape impossible.
//!
//! Markup can only be written from `&'static str` literals compiled into this
//! crate ([`Html::raw`]). Every other string — message texts, numbers, names,
//! file names, rule ids, explanations, and even strings this crate formats
//! itself — goes through [`Html::text`] or [`Html::attr`], which escape
//! `& < > " '` and neutralise control characters. There is no other way to
//! append to the output.

use std::fmt::Write as _;

/// HTML under construction.
#[derive(Default)]
pub(crate) struct Html {
    out: String,
}

impl Html {
    pub(crate) fn with_capacity(n: usize) -> Self {
        Html { out: String::with_capacity(n) }
    }

    /// Appends markup written in this crate. Only string literals (or other
    /// `'static` strings of this program) can be passed, never input.
    pub(crate) fn raw(&mut self, markup: &'static str) -> &mut Self {
        self.out.push_str(markup);
        self
    }

    /// Appends text content, escaped.
    pub(crate) fn text(&mut self, s: &str) -> &mut Self {
        escape_into(&mut self.out, s);
        self
    }

    /// Appends ` name="value"` with the value escaped. The name is a literal.
    pub(crate) fn attr(&mut self, name: &'static str, value: &str) -> &mut Self {
        self.out.push(' ');
        self.out.push_str(name);
        self.out.push_str("=\"");
        escape_into(&mut self.out, value);
        self.out.push('"');
        self
    }

    /// Appends ` id="r123"`-style attributes: a literal prefix and an integer.
    pub(crate) fn id_attr(&mut self, prefix: &'static str, n: i64) -> &mut Self {
        let _ = write!(self.out, " id=\"{prefix}{n}\"");
        self
    }

    /// Appends ` href="#r123"`: an in-page link to an integer anchor.
    pub(crate) fn href_anchor(&mut self, prefix: &'static str, n: i64) -> &mut Self {
        let _ = write!(self.out, " href=\"#{prefix}{n}\"");
        self
    }

    /// Appends an integer.
    pub(crate) fn int(&mut self, n: impl Into<i128>) -> &mut Self {
        let _ = write!(self.out, "{}", n.into());
        self
    }

    /// Appends a finite number with at most one decimal (SVG coordinates).
    pub(crate) fn num(&mut self, x: f64) -> &mut Self {
        let x = if x.is_finite() { x } else { 0.0 };
        let r = (x * 10.0).round() / 10.0;
        if r.fract() == 0.0 {
            let _ = write!(self.out, "{}", r as i64);
        } else {
            let _ = write!(self.out, "{r:.1}");
        }
        self
    }

    /// Appends ` name="number"` (SVG geometry).
    pub(crate) fn num_attr(&mut self, name: &'static str, x: f64) -> &mut Self {
        self.out.push(' ');
        self.out.push_str(name);
        self.out.push_str("=\"");
        self.num(x);
        self.out.push('"');
        self
    }

    /// Appends another finished fragment (itself built with this writer).
    pub(crate) fn append(&mut self, other: Html) -> &mut Self {
        self.out.push_str(&other.out);
        self
    }

    pub(crate) fn finish(self) -> String {
        self.out
    }
}

/// Whether a character is a bidirectional formatting control, which could
/// reorder how the surrounding report reads. Such characters are shown as a
/// visible code instead (`⟦U+202E⟧`), which is also better evidence.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Escapes `s` for HTML text and double- or single-quoted attribute values.
///
/// - `& < > " '` become character references;
/// - C0 controls other than tab, line feed and carriage return become their
///   visible Control Pictures (NUL → `␀`), DEL becomes `␡`, C1 controls
///   become U+FFFD: HTML forbids them and parsers treat them inconsistently;
/// - bidi controls become a visible code so they cannot flip the page.
pub(crate) fn escape_into(out: &mut String, s: &str) {
    out.reserve(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            '\u{0}'..='\u{1F}' => {
                out.push(char::from_u32(0x2400 + c as u32).unwrap_or('\u{FFFD}'));
            }
            '\u{7F}' => out.push('\u{2421}'),
            '\u{80}'..='\u{9F}' => out.push('\u{FFFD}'),
            c if is_bidi_control(c) => {
                let _ = write!(out, "⟦U+{:04X}⟧", c as u32);
            }
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn esc(s: &str) -> String {
        let mut o = String::new();
        escape_into(&mut o, s);
        o
    }

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            esc(r#"<a href="x" title='y'>&</a>"#),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;"
        );
    }

    #[test]
    fn controls_become_visible() {
        assert_eq!(esc("a\u{0}b\u{7}c\u{7F}d\u{85}e"), "a␀b␇c␡d\u{FFFD}e");
        assert_eq!(esc("x\u{202E}y"), "x⟦U+202E⟧y");
        assert_eq!(esc("行1\n行2\t"), "行1\n行2\t");
    }

    #[test]
    fn attributes_are_escaped() {
        let mut h = Html::default();
        h.raw("<b").attr("title", "\" onmouseover=\"x").raw(">");
        assert_eq!(h.finish(), "<b title=\"&quot; onmouseover=&quot;x\">");
    }

    #[test]
    fn numbers_are_formatted_stably() {
        let mut h = Html::default();
        h.num(1.0).raw(" ").num(2.25).raw(" ").num(f64::NAN).raw(" ").int(-3i64);
        assert_eq!(h.finish(), "1 2.3 0 -3");
    }
}
