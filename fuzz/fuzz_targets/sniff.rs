//! Content sniffing on arbitrary head bytes, then the vault's pre-store check
//! (`confirm`) for the sniffed format: never a panic.
#![no_main]

use std::io::Cursor;

use anjing_import::{Format, Hints};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The vault sniffs the first 8 KiB of a file.
    if let Ok(format) = anjing_import::sniff(&data[..data.len().min(8192)]) {
        assert_eq!(Format::from_code(format.code()), Some(format));
        let _ = format.name_zh();
        let _ = anjing_import::confirm(format, Cursor::new(data), &Hints::default());
    }
});
