//! SMS Backup & Restore XML (being built).
use crate::{ImportError, ImportStats, RecordSink};

pub fn import<R: std::io::BufRead>(
    _reader: R,
    _sink: &mut dyn RecordSink,
) -> Result<ImportStats, ImportError> {
    Err(ImportError::NotAnExport {
        reason_zh: "尚未实现".into(),
        reason_en: "not built yet".into(),
    })
}
