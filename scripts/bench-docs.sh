#!/usr/bin/env bash
# Benchmark of `anjing docs make all` (a benchmark, not a test): every document type as PDF,
# DOCX and HTML, with charts, for a case of ~10,000 records.
# Usage: scripts/bench-docs.sh [SIZE_MB] [WORKDIR]
#
# SIZE_MB 6 of scripts/gen-big-sbr.py gives ~10,400 records (collection, scam and ordinary
# SMS/MMS from many numbers). The case is imported and analysed once, then `docs make all`
# is timed three times with the release build; prints the wall time of each run, the files
# and their sizes. The target (issue 6) is under 3 seconds for the whole set.
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-6}
work=${2:-$(mktemp -d)}
mkdir -p "$work"
cargo build --release -q -p anjing
bin=$PWD/target/release/anjing
file="$work/big-$size.xml"
[ -f "$file" ] || python3 scripts/gen-big-sbr.py "$size" "$file"
case="$work/case"
if [ ! -f "$case/.ready" ]; then
    rm -rf "$case"
    "$bin" init "$case" >/dev/null
    "$bin" -C "$case" import "$file" --from 本人 >/dev/null
    "$bin" -C "$case" analyze >/dev/null
    "$bin" -C "$case" facts --set lender_type=micro_loan --set lender_name=某某网络小额贷款有限公司 \
        --set borrower_name=王芳 >/dev/null
    touch "$case/.ready"
fi
records=$("$bin" -C "$case" records --json | wc -l)
findings=$("$bin" -C "$case" findings --json | wc -l)
echo "case: $records records, $findings findings"
for run in 1 2 3; do
    rm -rf "$work/out"
    /usr/bin/time -f "run $run: %e s wall, %U s user, peak RSS %M KiB" \
        "$bin" -C "$case" docs make all -o "$work/out" --date 2026-03-01 >/dev/null
done
ls -l "$work/out" | awk 'NR>1 {printf "  %10d  %s\n", $5, $9}'
for f in "$work/out"/*.pdf; do
    printf '  %-40s %s pages\n' "$(basename "$f")" "$(pdfinfo "$f" 2>/dev/null | awk '/^Pages:/ {print $2}')"
done
