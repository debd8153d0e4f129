//! Single-threaded throughput of `Detector::classify` (issue 4, performance).
//!
//! ```text
//! cargo run --release -p anjing-detect --example classify_bench -- [DATASET] [N]
//! scripts/bench-classify.sh [N]        # this and the Python reference, one run, with the ratio
//! ```
//!
//! DATASET defaults to the committed development set (`tests/data/dev-messages.jsonl`,
//! 102 real published messages); its texts are repeated until N messages (default
//! 1,000,000) have been classified. Rules are compiled once, before the clock starts.
//! Prints messages/s, MiB/s of text and a checksum of the verdicts (so the work cannot
//! be optimised away, and so two runs can be compared).
//!
//! Also prints the thread's CPU time (`/proc/thread-self/schedstat`) and messages per
//! CPU-second: on the shared 2-core dev machine other work stretches wall time, so compare
//! builds by CPU time, several runs each, interleaved (`/usr/bin/time` user time agrees).
//!
//! Figures measured 2026-12-04 on that machine, load average 4–8 on 2 cores (other engineers'
//! builds), 1,000,000 messages (the 102 dev texts repeated), `--release`. "before" is commit
//! 684174e, "after" the gated regexes and per-character table (commit dd6098e, same rules
//! `d9a4bec05c6d`, byte-identical `classify` output on every labelled set: see
//! `examples/classify_dump.rs`). Python reference: `scripts/classify_bench_ref.py` with
//! jieba 0.42.1 (65 rules, 672 keywords, 157 regexes, no normalisation or context checks).
//!
//! | build | command | wall msg/s | thread CPU | msg per CPU-second |
//! |---|---|---|---|---|
//! | before | this example, 1 M | 25,172 | 23.1 s | 43,298 |
//! | after | this example, 1 M (next run) | 52,114 | 12.6 s | 79,121 |
//! | before | this example, 1 M | 22,572 | 30.1 s | 33,282 |
//! | after | this example, 1 M (next run) | 59,198 | 11.4 s | 87,737 |
//! | before | this example, 1 M | 17,379 | 27.9 s | 35,881 |
//! | after | `scripts/bench-classify.sh 1000000 20000` (next run) | 50,956 | 13.2 s | 75,801 |
//!
//! Same run, Python reference: 1,490 msg/s over 20,000 messages; **ratio Rust / Python
//! 34.2×** (wall rates; both single thread). Per pair, the CPU-time speed-up is 1.8–2.6×
//! (2.3–2.75× on the minimum of interleaved 30,000-message runs); the spread is the
//! machine's load, not the code. Peak RSS 22 MiB before, 14 MiB after (no `RegexSet`
//! and its 64 MiB lazy-DFA allowance). Rule compilation ≈ 100–140 ms, once.
//!
//! Figures of 2026-12-06 (same machine, load average 8–10), rules `bef2e6d01a0f`, after
//! four changes with byte-identical `classify_dump` output on every labelled set and its
//! variants (6,305 classifications): literal hits kept as a sorted list instead of a table
//! filled per message, per-thread reuse of the hit buffers (allocation was about a fifth
//! of classify time), a quick "no negator can start here" test in `is_negated` (it cost
//! ~6,600 instructions a call), a full DFA for the evasion scan that runs on every
//! message, and explanations rendered in one pass. Instructions per message, measured
//! with `valgrind --tool=callgrind` (difference of 11,000- and 1,000-message runs, so
//! compilation cancels; independent of the machine's load): **56,272 before, 43,033
//! after (−24 %)**; the previous round's build (rules `d9a4bec05c6d`) took 57,168.
//!
//! | build | command | wall msg/s | thread CPU | msg per CPU-second |
//! |---|---|---|---|---|
//! | before | this example, 1 M | 39,181 | 15.3 s | 65,436 |
//! | after | this example, 1 M (next run) | 83,789 | 7.9 s | 127,336 |
//! | before | this example, 1 M | 49,784 | 13.3 s | 75,057 |
//! | after | this example, 1 M (next run) | 83,530 | 7.8 s | 128,184 |
//! | after | `scripts/bench-classify.sh 1000000 20000` | 58,579 | 8.9 s | 112,601 |
//!
//! Same run as the last line, Python reference (jieba 0.42.1): 1,502 msg/s; ratio 39.0×.
//! A full DFA for the main keyword automaton was tried and dropped: no fewer instructions.
//!
//! Where the time went before (perf, `perf record -g` on this example): the `RegexSet`
//! search over all 162 regexes on every message 18 %, then `find_iter` of the matching ones
//! 13 %, normalisation 26 % (per-character NFKC iterator, `to_lowercase`, a SipHash lookup
//! for Traditional characters, the evasion view built even without separators), rule and
//! signal evaluation 20 % (every matcher's triggers walked, `rfind` of 28 negators),
//! explanation rendering with a `Vec<char>` of the message per finding, and one `Vec` per
//! term found. What changed: regexes run only when the keyword automaton (which also holds,
//! per regex, the literals every match starts and ends with, from regex-syntax) saw a
//! prefix literal before the end of a suffix literal, and then from the first one; only the
//! matchers with a trigger found are evaluated; steps 1–3 of normalisation are one table
//! lookup per BMP character; one span list per message. The 100,000 msg/s target is
//! **not shown** on this loaded machine (≈ 80,000 per CPU-second here); re-measure on an
//! idle one.

use std::time::Instant;

use anjing_detect::{Detector, Message, eval};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = args.first().cloned().unwrap_or_else(|| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/dev-messages.jsonl").to_string()
    });
    let n: usize = args.get(1).and_then(|s| s.replace('_', "").parse().ok()).unwrap_or(1_000_000);
    let src = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    let items = eval::parse_jsonl(&src).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert!(!items.is_empty(), "{path} holds no messages");
    let texts: Vec<&str> = items.iter().map(|i| i.text.as_str()).collect();

    let t0 = Instant::now();
    let det = Detector::builtin().expect("built-in rules compile");
    let compile = t0.elapsed();

    let mut bytes = 0usize;
    let mut collection = 0usize;
    let mut findings = 0usize;
    let cpu0 = thread_cpu_ns();
    let start = Instant::now();
    for i in 0..n {
        let text = texts[i % texts.len()];
        bytes += text.len();
        let c = det.classify(&Message::text(text));
        collection += c.is_collection as usize;
        findings += c.findings.len();
    }
    let secs = start.elapsed().as_secs_f64();
    let cpu = thread_cpu_ns().zip(cpu0).map(|(b, a)| (b - a) as f64 / 1e9);
    println!(
        "rules {} compiled in {:.1} ms; {} distinct texts from {path}",
        det.version(),
        compile.as_secs_f64() * 1e3,
        texts.len()
    );
    println!(
        "classified {n} messages in {secs:.2} s: {:.0} messages/s, {:.1} MiB/s (single thread)",
        n as f64 / secs,
        bytes as f64 / secs / (1024.0 * 1024.0)
    );
    if let Some(cpu) = cpu {
        println!(
            "thread CPU time {cpu:.2} s: {:.0} messages per CPU-second (steadier than wall time on a shared machine)",
            n as f64 / cpu
        );
    }
    println!("checksum: {collection} collection, {findings} findings");
}

/// CPU time of this thread in ns (Linux: `/proc/thread-self/schedstat`), so that other work
/// on a shared machine does not count as classify time.
fn thread_cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}
