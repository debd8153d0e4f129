//! Parse throughput and peak memory of the SMS Backup & Restore importer.
//!
//! ```text
//! python3 scripts/gen-big-sbr.py 200 /tmp/big-sbr.xml
//! cargo run --release -p anjing-import --example parse_bench -- /tmp/big-sbr.xml
//! ```
//!
//! The sink only counts (records, problems, text bytes), so what is measured is
//! reading, unescaping, deriving fields and building each `RawRecord`.

use std::fs::File;
use std::io::BufReader;
use std::time::Instant;

use anjing_import::{Problem, RawRecord, RecordSink, SinkError, sbr};

#[derive(Default)]
struct Counting {
    records: u64,
    problems: u64,
    text_bytes: u64,
    parts: u64,
}

impl RecordSink for Counting {
    fn record(&mut self, r: RawRecord) -> Result<(), SinkError> {
        self.records += 1;
        self.text_bytes += r.text.as_ref().map_or(0, |t| t.len() as u64);
        if let Some(p) = r.original.get("parts").and_then(|p| p.as_array()) {
            self.parts += p.len() as u64;
        }
        Ok(())
    }
    fn problem(&mut self, p: Problem) -> Result<(), SinkError> {
        if self.problems < 5 {
            eprintln!("problem: {} {}", p.code, p.cause_en);
        }
        self.problems += 1;
        Ok(())
    }
}

/// Peak resident set size in KiB (Linux `VmHWM`), if known.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: parse_bench FILE")?;
    let size = std::fs::metadata(&path)?.len();
    let reader = BufReader::with_capacity(256 * 1024, File::open(&path)?);
    let mut sink = Counting::default();
    let start = Instant::now();
    let stats = sbr::import(reader, &mut sink)?;
    let secs = start.elapsed().as_secs_f64();
    let mb = size as f64 / (1024.0 * 1024.0);
    println!("file:        {path} ({mb:.1} MiB)");
    println!("time:        {secs:.3} s");
    println!("throughput:  {:.1} MiB/s", mb / secs);
    println!(
        "records:     {} ({:.0} records/s), mms parts {}, text {} bytes",
        stats.records,
        stats.records as f64 / secs,
        sink.parts,
        sink.text_bytes
    );
    println!("problems:    {} (truncated: {})", stats.problems, stats.truncated);
    match peak_rss_kib() {
        Some(kib) => println!("peak RSS:    {:.1} MiB (VmHWM)", kib as f64 / 1024.0),
        None => println!("peak RSS:    unknown (no /proc/self/status)"),
    }
    Ok(())
}
