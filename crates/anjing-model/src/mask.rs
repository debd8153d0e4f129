//! Masking of third parties: the borrower's relatives, friends and colleagues whose names and
//! numbers a public document or a redacted evidence package must not show.
//!
//! Names become `李*`; every mainland mobile number (11 digits starting with 1, optionally
//! behind a country code) that is not in the keep set becomes `138****1234`. The keep set holds
//! the numbers that are not a third party's: the collectors' and the borrower's own.

use std::collections::BTreeSet;

/// `13812341234` → `138****1234`; fewer than 8 digits are all masked.
pub fn mask_number(digits: &str) -> String {
    let chars: Vec<char> = digits.chars().collect();
    if chars.len() < 8 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 7))
}

/// `李梅` → `李*`.
pub fn mask_name(name: &str) -> String {
    let mut it = name.chars();
    match it.next() {
        Some(first) => std::iter::once(first).chain(it.map(|_| '*')).collect(),
        None => String::new(),
    }
}

/// The last 11 digits of a number as written (`+86 138-1234-1234` → `13812341234`): the form
/// the keep set holds.
pub fn last11(s: &str) -> String {
    let d: Vec<char> = s.chars().filter(char::is_ascii_digit).collect();
    d[d.len().saturating_sub(11)..].iter().collect()
}

/// Whether a contributor is the borrower (本人) rather than a contacted third party.
pub fn is_borrower(name: &str, relation: &str) -> bool {
    relation.trim().is_empty() || relation.trim() == "本人" || name == "本人"
}

/// Masks the given names and the mobiles not kept, in any text.
#[derive(Debug, Clone, Default)]
pub struct Masker {
    names: Vec<String>,
    keep: BTreeSet<String>,
}

impl Masker {
    /// `names`: third parties' names (names shorter than two characters are ignored: one
    /// character would mask every occurrence of a common character); `keep`: numbers in any
    /// written form that stay visible.
    pub fn new(
        names: impl IntoIterator<Item = String>,
        keep: impl IntoIterator<Item = String>,
    ) -> Masker {
        let mut names: Vec<String> = names
            .into_iter()
            .map(|n| n.trim().to_string())
            .filter(|n| n.chars().count() >= 2)
            .collect();
        // Longest first, so 李梅梅 is masked whole before 李梅.
        names.sort_by_key(|n| (std::cmp::Reverse(n.chars().count()), n.clone()));
        names.dedup();
        let keep = keep.into_iter().map(|k| last11(&k)).filter(|k| !k.is_empty()).collect();
        Masker { names, keep }
    }

    /// Whether a number (any written form) is kept visible.
    pub fn keeps(&self, number: &str) -> bool {
        self.keep.contains(&last11(number))
    }

    /// The text with names and unkept mobiles masked.
    pub fn text(&self, s: &str) -> String {
        let mut out = s.to_string();
        for n in &self.names {
            out = out.replace(n.as_str(), &mask_name(n));
        }
        self.numbers(&out)
    }

    /// Masks runs of digits that are mainland mobiles (last 11 digits start with 1, at most
    /// 13 digits with the country code) and not kept.
    pub fn numbers(&self, s: &str) -> String {
        let chars: Vec<char> = s.chars().collect();
        let mut out = String::with_capacity(s.len());
        let mut i = 0;
        while i < chars.len() {
            if chars[i].is_ascii_digit() {
                let start = i;
                while i < chars.len() && chars[i].is_ascii_digit() {
                    i += 1;
                }
                let run: String = chars[start..i].iter().collect();
                let tail = last11(&run);
                let mobile = tail.len() == 11 && tail.starts_with('1') && run.len() <= 13;
                if mobile && !self.keep.contains(&tail) {
                    out.push_str(&mask_number(&run));
                } else {
                    out.push_str(&run);
                }
            } else {
                out.push(chars[i]);
                i += 1;
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_names_and_unkept_mobiles_only() {
        assert_eq!(mask_number("13812341234"), "138****1234");
        assert_eq!(mask_number("95588"), "*****");
        assert_eq!(mask_name("李梅"), "李*");
        let m = Masker::new(["李梅".to_string(), "王".to_string()], ["+8617100001111".to_string()]);
        assert_eq!(
            m.text("李梅你好，王总，13812341234，+8617100001111，95588"),
            "李*你好，王总，138****1234，+8617100001111，95588"
        );
        assert!(m.keeps("171 0000 1111") && !m.keeps("13812341234"));
        assert!(
            is_borrower("张伟", "本人") && is_borrower("张伟", "") && !is_borrower("李梅", "母亲")
        );
    }
}
