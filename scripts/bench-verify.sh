#!/usr/bin/env bash
# Benchmark of `anjing verify` against `sha256sum` over the same files, in one run (not a
# timed test). Usage: [KIND=amr|sbr] scripts/bench-verify.sh [SIZE_MB] [WORKDIR]
#
# Builds a case whose originals are SIZE_MB (default 2048) of synthetic AMR call recordings
# (4 files: the `#!AMR` header and 12.2 kbit/s frames of random bytes, so they do not
# compress, like real recordings), exports the evidence package, unpacks it, and times, with
# the page cache warm for both (each is run once before it is timed):
#   A  sha256sum -c SHA256SUMS   in the unpacked folder (what a clerk runs)
#   B  anjing verify package.zip (reads the ZIP, inflates, hashes every file once, then the
#                                 log chain, signature, Merkle root and proofs)
# and prints B's speed as a percentage of A's (goal: at least 80 %).
#
# Measured 2026-11-23 on the 2-core dev VM (x86-64 with SHA-NI; GNU coreutils sha256sum
# does not use it here), release build, two runs each:
#   2048 MB of AMR (package 2.15 GB, 4 originals of 512 MiB, stored uncompressed):
#     sha256sum -c 10.9 / 11.2 s (0.20 GB/s); anjing verify 2.05 / 2.09 s (1.04 GB/s,
#     8.6 MiB peak RSS) -> 530 % of sha256sum's speed. Export took 12 s, import 9 s.
#   KIND=sbr 200 MB of SMS XML (deflated: package 0.07 GB, 0.32 GB of files with records.csv):
#     sha256sum -c 1.45 s; anjing verify 0.68 s (inflate-bound) -> 213 %.
#   Before originals of recordings/images were stored rather than deflated, verify of the AMR
#   package ran at 0.19 GB/s (67 % of the time in inflate): 90 % of sha256sum at 512 MB.
# One pass per file: each ZIP entry is inflated, CRC-checked and SHA-256-hashed while read
# (sha2 0.11 picks the SHA-NI code at run time: `sha2::sha256::x86_sha::compress` in perf).
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-2048}
work=${2:-$(mktemp -d)}
mkdir -p "$work"
cargo build --release -q -p anjing
bin=$PWD/target/release/anjing

kind=${KIND:-amr}
if [ "$kind" = sbr ]; then
  # Text exports instead: one SMS Backup & Restore XML of SIZE_MB (deflated in the ZIP).
  inputs=("$work/big-$size.xml")
  [ -f "${inputs[0]}" ] || python3 scripts/gen-big-sbr.py "$size" "${inputs[0]}"
else
  inputs=("$work"/录音-*.amr)
fi
[ "$kind" = sbr ] || python3 - "$size" "$work" <<'PY'
import os, sys
size_mb, work = int(sys.argv[1]), sys.argv[2]
per = size_mb * 1024 * 1024 // 4
for i in range(4):
    path = os.path.join(work, f"录音-1380013800{i}-20260101120{i}00.amr")
    if os.path.exists(path) and os.path.getsize(path) >= per:
        continue
    with open(path, "wb") as f:
        f.write(b"#!AMR\n")
        frames = per // 32
        chunk = 32768  # frames per write
        done = 0
        while done < frames:
            n = min(chunk, frames - done)
            payload = bytearray(os.urandom(n * 32))
            payload[0::32] = b"\x3c" * n  # frame header: mode 7 (12.2 kbit/s), quality bit
            f.write(payload)
            done += n
PY

rm -rf "$work/case" "$work/unpacked" "$work/package.zip"
"$bin" init "$work/case" >/dev/null
[ "$kind" = sbr ] || inputs=("$work"/录音-*.amr)
/usr/bin/time -f '%e' -o "$work/import.txt" "$bin" -C "$work/case" import "${inputs[@]}" --from 本人 >/dev/null
/usr/bin/time -f '%e' -o "$work/export.txt" "$bin" -C "$work/case" export -o "$work/package.zip" >/dev/null
mkdir "$work/unpacked"
(cd "$work/unpacked" && unzip -q ../package.zip)

pkg_bytes=$(stat -c %s "$work/package.zip")
file_bytes=$(cd "$work/unpacked" && find . -type f -not -name SHA256SUMS -printf '%s\n' | awk '{s+=$1} END {printf "%d\n", s}')
# Warm the page cache for both, then time each.
(cd "$work/unpacked" && sha256sum -c --quiet SHA256SUMS)
"$bin" verify "$work/package.zip" >/dev/null
/usr/bin/time -f '%e' -o "$work/a.txt" bash -c "cd '$work/unpacked' && sha256sum -c --quiet SHA256SUMS"
/usr/bin/time -f '%e %M' -o "$work/b.txt" "$bin" verify "$work/package.zip" >/dev/null
read -r a < "$work/a.txt"
read -r b kb < "$work/b.txt"
read -r e < "$work/export.txt"
python3 - "$pkg_bytes" "$file_bytes" "$a" "$b" "$kb" "$e" <<'PY'
import sys
pkg, files, a, b, kb, e = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6])
print(f"package {pkg/1e9:.2f} GB, files {files/1e9:.2f} GB (export took {e:.1f} s)")
print(f"sha256sum -c : {a:.2f} s, {files/1e9/a:.2f} GB/s")
print(f"anjing verify: {b:.2f} s, {files/1e9/b:.2f} GB/s, peak RSS {kb/1024:.1f} MiB")
print(f"anjing verify runs at {100*a/b:.0f} % of sha256sum's speed (goal: >= 80 %)")
PY
