//! iOS sms.db / CallHistory.storedata: any file bytes give records and
//! problems or an error, never a panic (the vault's route `refine` +
//! `import_path`, and each importer on any schema).
#![no_main]

mod common;

use anjing_import::{Format, ios};
use common::{Null, scratch};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = scratch("ios.db", data);
    match anjing_import::refine(Format::Sqlite, &path) {
        Ok(f @ (Format::IosSms | Format::IosCallHistory)) => {
            let _ = anjing_import::import_path(f, &path, &mut Null);
            let _ = match f {
                Format::IosSms => ios::import_call_history(&path, &mut Null),
                _ => ios::import_sms(&path, &mut Null),
            };
        }
        _ => {
            let _ = ios::import_sms(&path, &mut Null);
            let _ = ios::import_call_history(&path, &mut Null);
        }
    }
});
