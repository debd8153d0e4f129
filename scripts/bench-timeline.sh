#!/usr/bin/env bash
# Loopback load test of the web app's timeline (a benchmark, not a test).
# Usage: scripts/bench-timeline.sh [SIZE_MB] [WORKDIR] [SECONDS]
#
# Builds a case of ~100,000 records (SIZE_MB 60 of scripts/gen-big-sbr.py gives ~104,000),
# runs `anjing analyze` on it, starts `anjing serve` on 127.0.0.1 and drives it with wrk
# (Debian packages `wrk` and `sqlite3`, installed when missing and root) for SECONDS (default 30) with 4
# connections: a mix of timeline pages a user opens (first page, deep pages, filtered by
# number, by contributor, by practice, findings only, a date window). Prints wrk's latency
# distribution; the target (issue 8) is p95 < 150 ms.
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-60}
work=${2:-$(mktemp -d)}
secs=${3:-30}
mkdir -p "$work"
if ! command -v wrk >/dev/null || ! command -v sqlite3 >/dev/null; then
    [[ "$(id -u)" == 0 ]] || { echo "needs: sudo apt-get install wrk sqlite3" >&2; exit 1; }
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk sqlite3 >/dev/null
fi
cargo build --release -q -p anjing
bin=$PWD/target/release/anjing
file="$work/big-$size.xml"
[ -f "$file" ] || python3 scripts/gen-big-sbr.py "$size" "$file"
root="$work/cases"
case="$root/bench"
if [ ! -f "$case/.ready" ]; then
    rm -rf "$root"
    mkdir -p "$root"
    "$bin" init "$case" >/dev/null
    /usr/bin/time -f 'import: %e s, peak RSS %M KiB' "$bin" -C "$case" import "$file" --from 本人 >/dev/null
    /usr/bin/time -f 'analyze: %e s, peak RSS %M KiB' "$bin" -C "$case" analyze >/dev/null
    touch "$case/.ready"
fi
records=$(sqlite3 "$case/anjing.db" 'select count(*) from records')
findings=$(sqlite3 "$case/anjing.db" 'select count(*) from findings')
echo "case: $records records, $findings findings"

port=18377
"$bin" serve --root "$root" --port "$port" > "$work/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 50); do grep -q token= "$work/serve.log" 2>/dev/null && break; sleep 0.1; done
token=$(grep -o 'token=[0-9a-f]*' "$work/serve.log" | head -1 | cut -d= -f2)
number=$(sqlite3 "$case/anjing.db" "select number from records where number like '+86%' limit 1")
pages=$((records / 50))
cat > "$work/mix.lua" <<LUA
-- The pages of a timeline session, chosen at random per request.
local paths = {
  "/c/bench/timeline",
  "/c/bench/timeline?page=2",
  "/c/bench/timeline?page=$((pages / 2))",
  "/c/bench/timeline?page=$pages",
  "/c/bench/timeline?number=$(python3 -c "import urllib.parse,sys; print(urllib.parse.quote(sys.argv[1]))" "$number")",
  "/c/bench/timeline?contributor=%E6%9C%AC%E4%BA%BA&page=100",
  "/c/bench/timeline?practice=threat",
  "/c/bench/timeline?practice=threat&page=50",
  "/c/bench/timeline?only=findings&page=10",
  "/c/bench/timeline?from=2023-11-20&to=2023-11-21",
}
wrk.headers["Cookie"] = "anjing_session=$token"
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
done = function(summary, latency, requests)
  io.write(string.format("requests %d, errors %d; p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms (target p95 < 150 ms)\n",
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
response = function(status, headers, body)
  if status ~= 200 then
    io.stderr:write("status " .. status .. "\n")
  end
end
LUA
# Warm the page cache once, then measure.
curl -s -o /dev/null -w 'first page: %{http_code} %{time_total}s\n' -H "Cookie: anjing_session=$token" "http://127.0.0.1:$port/c/bench/timeline"
wrk -t 2 -c 4 -d "${secs}s" --latency -s "$work/mix.lua" "http://127.0.0.1:$port"
