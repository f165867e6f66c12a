#!/usr/bin/env bash
# Load on loopback with wrk, 32 connections: the cek resi lookup, the latest prices and the
# portal's prices page against the trivial /ping route of the same server, in the same run.
# Prints requests/s, p99 and ratios.
# Usage: Benchmarks/http.sh [seconds per route and round, default 5] [rounds, default 5]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-5}
rounds=${2:-5}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
# BUILD_PATH: where the release build goes (default .build; another path keeps a debug build's lock free).
build_path=${BUILD_PATH:-.build}
# SKIP_BUILD=1: measure the release binary already in BUILD_PATH.
# EVENTS=N: seed about N events (lumbung seed --events N) instead of the 2018 scenario (~25,000).
# DATA_DIR=D RECEIPT=R PIN=P: serve a data directory seeded before (kept, not removed), looking up R with P.
[ "${SKIP_BUILD:-0}" = 1 ] || swift build -c release --product lumbung --build-path "$build_path" >/dev/null
bin=$build_path/release/lumbung
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
if [ -n "${DATA_DIR:-}" ]; then
  dir=$DATA_DIR
  receipt=$RECEIPT
  pin=$PIN
  keep=1
else
  dir=$(mktemp -d /tmp/lumbung-http-XXXX)
  seed=$($bin seed --data-dir "$dir" ${EVENTS:+--events "$EVENTS"} 2>/dev/null)
  receipt=$(echo "$seed" | python3 -c 'import json,sys; print(json.load(sys.stdin)["demoReceiptNumber"])')
  pin=$(echo "$seed" | python3 -c 'import json,sys; print(json.load(sys.stdin)["demoPIN"])')
  keep=
fi
$bin serve --data-dir "$dir" --port "$port" --lookup-burst 100000000 --lookup-rate 100000000 >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; [ -n "$keep" ] || rm -rf "$dir"' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/ping" >/dev/null && break; sleep 0.1; done
run() { # path -> "rps p99ms non2xx"
  local out
  out=$(wrk -t2 -c32 -d"${secs}s" --latency "http://127.0.0.1:$port$1")
  echo "$out" | python3 -c '
import re, sys
t = sys.stdin.read()
rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", t).group(1))
m = re.search(r"\n\s+99%\s+([0-9.]+)(us|ms|s)", t)
p99 = float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]
n = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", t)
print(rps, p99, n.group(1) if n else 0)'
}
# The routes take turns, round after round, so that a change in the machine's load falls on all
# of them alike; the table gives each route's median over the rounds.
names=("ping" "cek resi" "latest prices" "portal /harga-pasar")
paths=("/ping" "/v1/documents/applications/$receipt?pin=$pin" "/v1/prices/latest?commodityId=beras-km1" "/harga-pasar")
results=$(mktemp)
for round in $(seq "$rounds"); do
  for i in 0 1 2 3; do
    echo "$i $(run "${paths[$i]}")" >> "$results"
  done
done
echo "date: $(date -u +%F), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), wrk -t2 -c32, $rounds rounds of ${secs}s per route"
python3 - "$results" "${names[@]}" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
names = sys.argv[2:]
med = {}
for i, name in enumerate(names):
    mine = [r for r in rows if int(r[0]) == i]
    med[i] = (statistics.median(float(r[1]) for r in mine), statistics.median(float(r[2]) for r in mine),
              sum(int(r[3]) for r in mine), [round(float(r[1])) for r in mine])
print("| route | requests/s (median) | p99 (median) | non-2xx | ratio to /ping | each round |")
print("|---|---|---|---|---|---|")
for i, name in enumerate(names):
    rps, p99, non, each = med[i]
    print(f"| {name} | {rps:.0f} | {p99:.2f} ms | {non} | {rps / med[0][0]:.2f}x | {' '.join(map(str, each))} |")
PY
rm -f "$results"
