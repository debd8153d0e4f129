#!/usr/bin/env bash
# Benchmark of a whole `anjing import` (parse + store in the case database),
# not a timed test. Usage: scripts/bench-import.sh [SIZE_MB] [WORKDIR]
# Generates a synthetic SMS Backup & Restore file of SIZE_MB (default 200) with
# scripts/gen-big-sbr.py, imports it into a fresh case with the release build,
# and prints MB/s and peak memory (maximum resident set size from GNU time).
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-200}
work=${2:-$(mktemp -d)}
mkdir -p "$work"
file="$work/big-$size.xml"
[ -f "$file" ] || python3 scripts/gen-big-sbr.py "$size" "$file"
cargo build --release -q -p anjing
bin=target/release/anjing
rm -rf "$work/case"
"$bin" init "$work/case" >/dev/null
bytes=$(stat -c %s "$file")
/usr/bin/time -f '%e %M' -o "$work/time.txt" "$bin" -C "$work/case" import "$file" >/dev/null || true
read -r secs kb < "$work/time.txt"
records=$("$bin" -C "$work/case" records --json | wc -l)
python3 - "$bytes" "$secs" "$kb" "$records" <<'PY'
import sys
b, s, kb, n = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
print(f"file {b/1e6:.1f} MB, {n} records, {s:.2f} s, {b/1e6/s:.1f} MB/s, peak RSS {kb/1024:.1f} MiB")
PY
