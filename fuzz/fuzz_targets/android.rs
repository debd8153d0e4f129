//! Android mmssms.db / calllog.db: any file bytes give records and problems or
//! an error, never a panic (the vault's route `refine` + `import_path`, and
//! each importer on any schema).
#![no_main]

mod common;

use anjing_import::{Format, android};
use common::{Null, scratch};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = scratch("android.db", data);
    match anjing_import::refine(Format::Sqlite, &path) {
        Ok(f @ (Format::AndroidMmsSms | Format::AndroidCallLog)) => {
            let _ = anjing_import::import_path(f, &path, &mut Null);
            // The other Android importer on the same file: an error, not a panic.
            let _ = match f {
                Format::AndroidMmsSms => android::import_calllog(&path, &mut Null),
                _ => android::import_mmssms(&path, &mut Null),
            };
        }
        _ => {
            let _ = android::import_mmssms(&path, &mut Null);
            let _ = android::import_calllog(&path, &mut Null);
        }
    }
});
