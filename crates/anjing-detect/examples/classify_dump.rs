//! Dumps `Detector::classify` (and `fired_signals`) as JSON Lines for labelled sets, so
//! that two builds can be compared byte for byte after a change that must not change results.
//!
//! ```text
//! cargo run --release -p anjing-detect --example classify_dump -- FILE.jsonl... > out.jsonl
//! ```
//!
//! Each message is classified as given (with its `sender`, if any), then with a few
//! senders (a court number, a bank's 95xxx number, a mobile, an SMS gateway), and then in
//! variants that exercise normalisation: full-width ASCII, separators and zero-width
//! characters between characters, Traditional characters and inserted pinyin.

use anjing_detect::{Detector, Message, eval};

const SENDERS: &[&str] = &["12368", "95588", "+86 138-0013-8000", "1069012345678", ""];

fn variants(text: &str) -> Vec<String> {
    let full_width: String = text
        .chars()
        .map(|c| match c {
            '!'..='~' => char::from_u32(c as u32 - 0x21 + 0xFF01).unwrap_or(c),
            ' ' => '\u{3000}',
            _ => c,
        })
        .collect();
    let mut sep = String::new();
    let mut zw = String::new();
    let mut emoji = String::new();
    for (i, c) in text.chars().enumerate() {
        sep.push(c);
        zw.push(c);
        emoji.push(c);
        if i % 2 == 0 {
            sep.push('-');
            zw.push('\u{200b}');
        }
        if i % 3 == 1 {
            emoji.push_str(" 😡 ");
        }
    }
    let trad = text
        .replace('们', "們")
        .replace('还', "還")
        .replace('钱', "錢")
        .replace("通讯录", "通訊錄")
        .replace('门', "門");
    let pinyin = text
        .replace("通讯录", "tong xun lu")
        .replace("家人", "jia ren")
        .replace("逾期", "yuqi")
        .replace("催收", "崔收")
        .replace("上门", "shang men");
    vec![full_width, sep, zw, emoji, trad, pinyin, text.to_uppercase()]
}

fn main() {
    let det = Detector::builtin().expect("built-in rules compile");
    for path in std::env::args().skip(1) {
        let src = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let items = eval::parse_jsonl(&src).unwrap_or_else(|e| panic!("{path}: {e}"));
        for it in &items {
            let mut cases: Vec<(String, Option<String>)> =
                vec![(it.text.clone(), it.sender.clone())];
            for s in SENDERS {
                cases.push((it.text.clone(), Some(s.to_string())));
            }
            for v in variants(&it.text) {
                cases.push((v, None));
            }
            for (k, (text, sender)) in cases.iter().enumerate() {
                let msg = Message { text, sender: sender.as_deref(), time: None };
                let c = det.classify(&msg);
                let line = serde_json::json!({
                    "file": path, "id": it.id, "case": k, "sender": sender,
                    "classification": c, "signals": det.fired_signals(&msg),
                });
                println!("{line}");
            }
        }
    }
}
