//! The XML attribute unescaper (surrogate-pair char refs): any text, never a panic.
#![no_main]

use anjing_import::unescape::{EscapeIssues, unescape};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let raw = String::from_utf8_lossy(data);
    let mut issues = EscapeIssues::default();
    let out = unescape(&raw, &mut issues);
    if !raw.contains('&') {
        assert_eq!(out, raw, "text without references is unchanged");
        assert!(issues.is_empty());
    }
});
