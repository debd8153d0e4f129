//! Turning character spans (possibly hostile or buggy) into highlighted HTML.
//!
//! Spans are character offsets (Unicode scalar values) into a record's text, as
//! in the `anjing classify` contract. They may overlap, come in any order,
//! have start after end, or point past the end of the text: they are clamped,
//! normalised and merged so that the output never panics and marks never nest
//! or cross.

use std::collections::BTreeSet;

use anjing_model::Practice;

use crate::html::Html;

/// One merged highlight: a character range and the practices that flagged it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Mark {
    pub start: usize,
    pub end: usize,
    pub practices: BTreeSet<Practice>,
}

/// Clamps every span to `0..=len`, orders its ends, drops empty ones and merges
/// overlapping or touching spans (their practices are united).
pub(crate) fn merge_spans(len: usize, spans: &[(usize, usize, Practice)]) -> Vec<Mark> {
    let mut v: Vec<(usize, usize, Practice)> = spans
        .iter()
        .map(|&(a, b, p)| {
            let (a, b) = (a.min(len), b.min(len));
            (a.min(b), a.max(b), p)
        })
        .filter(|&(a, b, _)| a < b)
        .collect();
    v.sort_by_key(|&(a, b, _)| (a, b));
    let mut out: Vec<Mark> = Vec::new();
    for (a, b, p) in v {
        match out.last_mut() {
            Some(last) if a <= last.end => {
                last.end = last.end.max(b);
                last.practices.insert(p);
            }
            _ => out.push(Mark { start: a, end: b, practices: BTreeSet::from([p]) }),
        }
    }
    out
}

/// Byte offsets of every character boundary: `bounds[i]` is where character
/// `i` starts, and the last entry is `text.len()`.
fn char_bounds(text: &str) -> Vec<usize> {
    text.char_indices().map(|(i, _)| i).chain(std::iter::once(text.len())).collect()
}

/// The characters `start..end` of `text` after clamping (for quoting the
/// triggering words in the findings list).
pub(crate) fn span_text(text: &str, start: usize, end: usize) -> &str {
    let b = char_bounds(text);
    let n = b.len() - 1;
    let (s, e) = (start.min(n), end.min(n));
    let (s, e) = (s.min(e), s.max(e));
    &text[b[s]..b[e]]
}

/// Writes `text` escaped, with each merged span wrapped in
/// `<mark title="…">`, the title naming the practices in Chinese.
pub(crate) fn write_highlighted(h: &mut Html, text: &str, spans: &[(usize, usize, Practice)]) {
    let bounds = char_bounds(text);
    let marks = merge_spans(bounds.len() - 1, spans);
    let mut pos = 0usize; // in characters
    for m in marks {
        h.text(&text[bounds[pos]..bounds[m.start]]);
        let title: Vec<&str> = m.practices.iter().map(|p| p.name_zh()).collect();
        h.raw("<mark").attr("title", &title.join("、")).raw(">");
        h.text(&text[bounds[m.start]..bounds[m.end]]);
        h.raw("</mark>");
        pos = m.end;
    }
    h.text(&text[bounds[pos]..]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use Practice::*;

    fn render(text: &str, spans: &[(usize, usize, Practice)]) -> String {
        let mut h = Html::default();
        write_highlighted(&mut h, text, spans);
        h.finish()
    }

    #[test]
    fn marks_use_character_offsets() {
        assert_eq!(
            render("再不还钱就上门", &[(5, 7, Threat)]),
            "再不还钱就<mark title=\"威胁恐吓\">上门</mark>"
        );
    }

    #[test]
    fn overlapping_unordered_and_reversed_spans_merge() {
        let m = merge_spans(10, &[(6, 8, Insult), (1, 3, Threat), (4, 2, Threat), (7, 9, Threat)]);
        assert_eq!(m.len(), 2);
        assert_eq!((m[0].start, m[0].end), (1, 4));
        assert_eq!((m[1].start, m[1].end), (6, 9));
        assert_eq!(m[1].practices, BTreeSet::from([Threat, Insult]));
    }

    #[test]
    fn out_of_range_spans_are_clamped_or_dropped() {
        assert_eq!(
            render("abc", &[(2, usize::MAX, Threat), (9, 12, Insult)]),
            "ab<mark title=\"威胁恐吓\">c</mark>"
        );
        assert_eq!(render("", &[(0, 5, Threat)]), "");
        assert_eq!(render("abc", &[(1, 1, Threat)]), "abc");
    }

    #[test]
    fn highlighted_text_is_escaped() {
        assert_eq!(
            render("<b>x</b>", &[(0, 3, Threat)]),
            "<mark title=\"威胁恐吓\">&lt;b&gt;</mark>x&lt;/b&gt;"
        );
    }

    #[test]
    fn span_text_clamps() {
        assert_eq!(span_text("你好世界", 2, 99), "世界");
        assert_eq!(span_text("你好世界", 3, 1), "好世");
        assert_eq!(span_text("", 3, 1), "");
    }
}
