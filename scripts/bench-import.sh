#!/usr/bin/env bash
# Benchmark of a whole `anjing import` (parse + store in the case database + hash the original +
# log + records-tree leaves + checkpoint), not a timed test, against a short Python reference
# importer of the same file (scripts/ref_import.py: streaming parse + sqlite3, one transaction).
#
#   scripts/bench-import.sh [SIZE] [WORKDIR]            SMS Backup & Restore XML of SIZE MB (default 200)
#   KIND=mmssms scripts/bench-import.sh [ROWS] [WORKDIR] Android mmssms.db with ROWS sms rows (default 1000000)
#
# Generates the input with scripts/gen-big-sbr.py / gen-big-mmssms.py (seeded), imports it into a
# fresh case with the release build, and prints MB/s, records/s, peak memory (maximum resident set
# size from GNU time), the import/checkpoint split (ANJING_TIMINGS) and the ratio to Python.
# BIN=PATH uses that binary instead of building one; BASE_BIN=PATH also imports the same file with
# another build (e.g. the commit before a change) right before, for a before/after in one run.
# Measured 2026-12-06 on the 2-core dev machine at a quiet moment (load < 1), build of 99a8c36:
#   200 MB SBR, 346,997 records: 5.95 s (9.48 s CPU), 35.2 MB/s, 58,319 records/s, 65.7 MiB peak;
#     Python 9.21 s, 97.7 MiB: ratio 1.55x.
#   KIND=mmssms 1000000 (1,033,333 records, 182.8 MB): 17.28 s (28.0 s CPU), 59,799 records/s,
#     81.5 MiB peak; Python 16.89 s, 226.6 MiB: ratio 0.98x. (History in ARCHITECTURE.md.)
# 2026-12-07 (bulk journal, streamed records root), load ~2: 200 MB 6.15 s, 34.1 MB/s, 58.8 MiB
#   (Python 12.77 s: 2.08x); mmssms 1000000 20.8 s, 63.5 MiB; 1000 MB (1.73 M records) 37.6 s,
#   27.7 MB/s, 60.9 MiB (Python 66.2 s: 1.75x).
# 2026-12-07 later (time-ordered event keys, indexes rebuilt after a bulk import), host with CPU steal:
#   200 MB 7.06 s, 29.7 MB/s, 65.7 MiB (Python 15.40 s: 2.18x); mmssms 1000000 16.36 s, 63.2 MiB
#   (Python 28.74 s: 1.76x); 1000 MB 33.84 s, 31.0 MB/s, 65.9 MiB (Python 78.64 s: 2.32x).
# + early flush of dirty pages (same host): 200 MB 7.01 s, 63.7 MiB, 2.10x; mmssms 16.68 s, 65.0 MiB,
#   1.88x; 1000 MB 29.78 s, 35.2 MB/s, 66.1 MiB, 2.42x.
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${KIND:-sbr}
work=${2:-$(mktemp -d)}
mkdir -p "$work"
case "$kind" in
  sbr)
    size=${1:-200}
    file="$work/big-$size.xml"
    [ -f "$file" ] || python3 scripts/gen-big-sbr.py "$size" "$file" ;;
  mmssms)
    rows=${1:-1000000}
    file="$work/mmssms-$rows.db"
    [ -f "$file" ] || python3 scripts/gen-big-mmssms.py "$rows" "$file" ;;
  *) echo "KIND must be sbr or mmssms" >&2; exit 2 ;;
esac
if [ -z "${BIN:-}" ]; then
  cargo build --release -q -p anjing
fi
bin=${BIN:-target/release/anjing}
bytes=$(stat -c %s "$file")
if [ -n "${BASE_BIN:-}" ]; then
  rm -rf "$work/base-case"
  "$BASE_BIN" init "$work/base-case" >/dev/null
  /usr/bin/time -f '%e %M %U %S' -o "$work/base-time.txt" "$BASE_BIN" -C "$work/base-case" import "$file" \
    >/dev/null 2>&1 || true
  read -r bsecs bkb bu bs < "$work/base-time.txt"
  python3 -c "import sys; b,s,kb,u,y=int(sys.argv[1]),float(sys.argv[2]),int(sys.argv[3]),float(sys.argv[4]),float(sys.argv[5]); print(f'base build: {s:.2f} s ({u+y:.2f} s CPU), {b/1e6/s:.1f} MB/s, peak RSS {kb/1024:.1f} MiB')" \
    "$bytes" "$bsecs" "$bkb" "$bu" "$bs"
  rm -rf "$work/base-case"
fi
rm -rf "$work/case" "$work/ref.db"
"$bin" init "$work/case" >/dev/null
ANJING_TIMINGS=1 /usr/bin/time -f '%e %M %U %S' -o "$work/time.txt" "$bin" -C "$work/case" import "$file" \
  >/dev/null 2>"$work/timings.txt" || true
read -r secs kb usr sys < "$work/time.txt"
records=$("$bin" -C "$work/case" records --json | wc -l)
/usr/bin/time -f '%e %M' -o "$work/ref-time.txt" python3 scripts/ref_import.py "$kind" "$file" "$work/ref.db" >/dev/null
read -r ref_secs ref_kb < "$work/ref-time.txt"
grep '^timings' "$work/timings.txt" || true
python3 - "$bytes" "$secs" "$kb" "$records" "$ref_secs" "$ref_kb" "$usr" "$sys" <<'PY'
import sys
b, s, kb, n, rs, rkb = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6])
cpu = float(sys.argv[7]) + float(sys.argv[8])
print(f"file {b/1e6:.1f} MB, {n} records")
print(f"anjing import: {s:.2f} s ({cpu:.2f} s CPU), {b/1e6/s:.1f} MB/s, {n/s:,.0f} records/s, peak RSS {kb/1024:.1f} MiB")
print(f"python reference: {rs:.2f} s, {b/1e6/rs:.1f} MB/s, peak RSS {rkb/1024:.1f} MiB")
print(f"ratio (python time / anjing time): {rs/s:.2f}x")
PY
