//! iOS attributedBody typedstream text recovery: any bytes, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(d) = anjing_import::typedstream::decode(data) {
        assert!(d.text.len() <= data.len() * 3);
    }
});
