#!/usr/bin/env bash
# Throughput of `classify` (single thread) against a short Python reference over the
# same input, in one run, with the ratio. Not a timed test.
# Usage: scripts/bench-classify.sh [N_RUST] [N_PYTHON]
#   N_RUST    messages for the Rust detector (default 1000000: the dev set repeated)
#   N_PYTHON  messages for the Python reference (default 100000; its rate is per message,
#             so a shorter run gives the same figure in less time)
# Install jieba for the reference with `pip install jieba` (it falls back to plain re/in).
# The Rust side also prints its thread CPU time: on a shared machine compare builds by that.
# Measured 2026-12-04 (2-core dev machine, load 4-5), `scripts/bench-classify.sh 1000000 20000`:
#   Rust 50,956 messages/s (13.2 s thread CPU: 75,801 per CPU-second), Python (jieba 0.42.1)
#   1,490 messages/s, ratio 34.2x. Details: crates/anjing-detect/examples/classify_bench.rs.
# Measured 2026-12-06 (same machine, load average 8-10 from other builds), after the
# allocation/negation/evasion-DFA work, `CARGO_TARGET_DIR=... scripts/bench-classify.sh 1000000 20000`:
#   Rust 58,579 messages/s wall (8.88 s thread CPU: 112,601 per CPU-second), Python (jieba
#   0.42.1) 1,502 messages/s, ratio 39.0x. Instructions per message (valgrind callgrind,
#   independent of load): 56,272 before, 43,033 after.
# Measured 2026-12-06 at a quiet moment (load < 1), same command, after the wording/link rules:
#   Rust 136,858 messages/s wall (7.21 s thread CPU: 138,633 per CPU-second), Python 2,881
#   messages/s, ratio 47.5x.
# The Rust binary is looked up under $CARGO_TARGET_DIR (default target/).
set -euo pipefail
cd "$(dirname "$0")/.."
n_rust=${1:-1000000}
n_py=${2:-100000}
data=crates/anjing-detect/tests/data/dev-messages.jsonl
cargo build --release -q -p anjing-detect --example classify_bench
rust_out=$("${CARGO_TARGET_DIR:-target}/release/examples/classify_bench" "$data" "$n_rust")
echo "$rust_out"
py_out=$(python3 scripts/classify_bench_ref.py "$data" "$n_py")
echo "$py_out"
rust_rate=$(echo "$rust_out" | sed -n 's/.*: \([0-9]*\) messages\/s.*/\1/p' | head -1)
py_rate=$(echo "$py_out" | sed -n 's/.*: \([0-9]*\) messages\/s.*/\1/p' | head -1)
python3 -c "print(f'ratio Rust / Python: {$rust_rate / $py_rate:.1f}x (wall rates, single thread each)')"
