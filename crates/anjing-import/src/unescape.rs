//! Our own XML attribute-value unescaper.
//!
//! Android exports (SMS Backup & Restore among them) write emoji as *pairs of
//! UTF-16 surrogate character references* (`&#55357;&#56832;` for 😀), which is
//! not legal XML and makes quick-xml's `normalized_value()` fail. This module
//! decodes what real exports contain and never fails:
//!
//! * the five predefined entities `&amp; &lt; &gt; &quot; &apos;`;
//! * decimal and hexadecimal character references (`&#10;`, `&#x1F30D;`);
//! * a high surrogate reference directly followed by a low surrogate reference
//!   is paired into one scalar value (decimal or hex, in any mix);
//! * a lone surrogate becomes U+FFFD and is counted in [`EscapeIssues`];
//! * an unknown entity (`&nbsp;`), a bare `&`, or a reference to a value that is
//!   no character (`&#0;`, `&#x110000;`) is kept literally and counted.
//!
//! Literal characters are kept as they are (no XML whitespace normalisation of
//! attribute values): the export is evidence, and `&#10;` is how SMS Backup &
//! Restore writes a newline anyway.

use std::fmt::Write as _;

/// What the unescaper had to repair or leave alone in one value.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct EscapeIssues {
    /// Surrogate references without their partner, replaced by U+FFFD.
    pub lone_surrogates: u32,
    /// Unknown entities, bare `&` and references to non-characters, kept literally.
    pub kept_literally: u32,
    /// The first few of those, as written in the file (for the problem message).
    pub examples: Vec<String>,
}

impl EscapeIssues {
    pub fn is_empty(&self) -> bool {
        self.lone_surrogates == 0 && self.kept_literally == 0
    }

    fn note(&mut self, literal: &str, lone_surrogate: bool) {
        if lone_surrogate {
            self.lone_surrogates += 1;
        } else {
            self.kept_literally += 1;
        }
        if self.examples.len() < 3 {
            let mut s = String::new();
            // Bound the example: an unknown "entity" can be up to MAX_REF bytes.
            for c in literal.chars().take(40) {
                let _ = s.write_char(c);
            }
            self.examples.push(s);
        }
    }
}

/// Longest reference we look at (`&#x0010FFFF;` and friends are far shorter).
const MAX_REF: usize = 32;

/// Decodes an attribute value as written between the quotes.
pub fn unescape(raw: &str, issues: &mut EscapeIssues) -> String {
    let bytes = raw.as_bytes();
    let Some(first) = memchr::memchr(b'&', bytes) else {
        return raw.to_owned();
    };
    let mut out = String::with_capacity(raw.len());
    out.push_str(&raw[..first]);
    let mut i = first;
    while i < bytes.len() {
        // Here bytes[i] == b'&'.
        let end = (i + 1 + MAX_REF).min(bytes.len());
        let Some(semi) = memchr::memchr(b';', &bytes[i + 1..end]).map(|p| i + 1 + p) else {
            // A bare ampersand: keep it.
            issues.note(&raw[i..].chars().take(12).collect::<String>(), false);
            out.push('&');
            i += 1;
            i = copy_plain(raw, i, &mut out);
            continue;
        };
        let name = &raw[i + 1..semi];
        let mut next = semi + 1;
        match name {
            "amp" => out.push('&'),
            "lt" => out.push('<'),
            "gt" => out.push('>'),
            "quot" => out.push('"'),
            "apos" => out.push('\''),
            _ => match parse_char_ref(name) {
                Some(cp @ 0xD800..=0xDBFF) => {
                    // A high surrogate: pair it with an immediately following low one.
                    let paired = next_ref(raw, next).and_then(|(low, after)| {
                        (0xDC00..=0xDFFF).contains(&low).then_some((low, after))
                    });
                    match paired {
                        Some((low, after)) => {
                            let c = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                            // Always a valid scalar value by construction.
                            out.push(char::from_u32(c).unwrap_or('\u{FFFD}'));
                            next = after;
                        }
                        None => {
                            issues.note(&raw[i..next], true);
                            out.push('\u{FFFD}');
                        }
                    }
                }
                Some(0xDC00..=0xDFFF) => {
                    issues.note(&raw[i..next], true);
                    out.push('\u{FFFD}');
                }
                Some(cp) => match char::from_u32(cp).filter(|c| *c != '\0') {
                    Some(c) => out.push(c),
                    None => {
                        issues.note(&raw[i..next], false);
                        out.push_str(&raw[i..next]);
                    }
                },
                None => {
                    // Unknown entity or malformed reference: keep it as written.
                    issues.note(&raw[i..next], false);
                    out.push_str(&raw[i..next]);
                }
            },
        }
        i = copy_plain(raw, next, &mut out);
    }
    out
}

/// Copies text up to the next `&` (or the end); returns where it stopped.
fn copy_plain(raw: &str, from: usize, out: &mut String) -> usize {
    let bytes = raw.as_bytes();
    let to = memchr::memchr(b'&', &bytes[from..]).map_or(bytes.len(), |p| from + p);
    out.push_str(&raw[from..to]);
    to
}

/// Parses a character reference at `at` (`&#...;`), returning the code point and
/// the position after it.
fn next_ref(raw: &str, at: usize) -> Option<(u32, usize)> {
    let rest = raw.get(at..)?;
    if !rest.starts_with("&#") {
        return None;
    }
    let end = (MAX_REF + 1).min(rest.len());
    let semi = memchr::memchr(b';', &rest.as_bytes()[1..end])? + 1;
    parse_char_ref(&rest[1..semi]).map(|cp| (cp, at + semi + 1))
}

/// Parses the name part of a character reference (`#10`, `#x1F30D`), without `&` and `;`.
fn parse_char_ref(name: &str) -> Option<u32> {
    let digits = name.strip_prefix('#')?;
    let (digits, radix) = match digits.strip_prefix(['x', 'X']) {
        Some(hex) => (hex, 16),
        None => (digits, 10),
    };
    if digits.is_empty() || digits.len() > 10 {
        return None;
    }
    let mut v: u32 = 0;
    for c in digits.chars() {
        v = v.checked_mul(radix)?.checked_add(c.to_digit(radix)?)?;
    }
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn un(s: &str) -> (String, EscapeIssues) {
        let mut i = EscapeIssues::default();
        (unescape(s, &mut i), i)
    }

    #[test]
    fn predefined_entities_and_char_refs() {
        let (s, i) = un("a&amp;b&lt;c&gt;d&quot;e&apos;f&#10;g&#x41;&#X42;");
        assert_eq!(s, "a&b<c>d\"e'f\ngAB");
        assert!(i.is_empty());
        assert_eq!(un("plain 中文").0, "plain 中文");
    }

    #[test]
    fn surrogate_pairs_decimal_hex_and_mixed() {
        assert_eq!(un("&#55357;&#56832;").0, "😀");
        assert_eq!(un("x&#xD83D;&#xDE00;y").0, "x😀y");
        assert_eq!(un("&#xd83d;&#56832;").0, "😀");
        // A proper astral reference needs no pairing.
        assert_eq!(un("&#x1F30D;").0, "🌍");
        let (s, i) = un("&#55357;&#55357;&#56832;");
        assert_eq!(s, "\u{FFFD}😀");
        assert_eq!(i.lone_surrogates, 1);
    }

    #[test]
    fn lone_surrogates_become_replacement_characters() {
        for raw in ["&#55357;", "&#55357;x", "&#56832;", "&#xDE00;&#xD83D;", "&#55357;&amp;"] {
            let (s, i) = un(raw);
            assert!(s.contains('\u{FFFD}'), "{raw} -> {s}");
            assert!(i.lone_surrogates >= 1, "{raw}");
        }
        assert_eq!(un("&#xDE00;&#xD83D;").1.lone_surrogates, 2);
    }

    #[test]
    fn unknown_and_broken_references_are_kept_literally() {
        for raw in [
            "&nbsp;",
            "a & b",
            "&",
            "&#;",
            "&#x;",
            "&#0;",
            "&#x110000;",
            "&#99999999999;",
            "&#12a;",
            "AT&T",
        ] {
            let (s, i) = un(raw);
            assert_eq!(s, raw, "{raw}");
            assert!(i.kept_literally >= 1, "{raw}");
            assert!(!i.examples.is_empty());
        }
    }

    #[test]
    fn never_panics_on_cut_multibyte_and_long_refs() {
        let long = format!("&{};", "中".repeat(40));
        assert_eq!(un(&long).0, long);
        let (s, _) = un("&中文");
        assert_eq!(s, "&中文");
        let (s, _) = un("&#55357;&#5");
        assert_eq!(s, "\u{FFFD}&#5");
    }
}
