//! Shared by the SQLite targets: the importers read a path, so each input is
//! written to one temporary file per process (in /dev/shm when there is one).

use std::path::PathBuf;

use anjing_import::{Problem, RawRecord, RecordSink, SinkError};

pub struct Null;

impl RecordSink for Null {
    fn record(&mut self, _: RawRecord) -> Result<(), SinkError> {
        Ok(())
    }
    fn problem(&mut self, _: Problem) -> Result<(), SinkError> {
        Ok(())
    }
}

/// Writes `data` to this process's scratch database file and returns its path.
pub fn scratch(name: &str, data: &[u8]) -> PathBuf {
    let dir = if std::path::Path::new("/dev/shm").is_dir() {
        PathBuf::from("/dev/shm")
    } else {
        std::env::temp_dir()
    };
    let path = dir.join(format!("anjing-fuzz-{}-{name}", std::process::id()));
    std::fs::write(&path, data).expect("write scratch file");
    path
}
