#!/usr/bin/env bash
# Load on loopback with wrk, 32 connections: the cek resi lookup and the latest prices against
# the trivial /ping route of the same server, in the same run. Prints requests/s, p99 and ratios.
# Usage: Benchmarks/http.sh [seconds per route, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
swift build -c release --product lumbung >/dev/null
bin=.build/release/lumbung
dir=$(mktemp -d /tmp/lumbung-http-XXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
seed=$($bin seed --data-dir "$dir" 2>/dev/null)
receipt=$(echo "$seed" | python3 -c 'import json,sys; print(json.load(sys.stdin)["demoReceiptNumber"])')
pin=$(echo "$seed" | python3 -c 'import json,sys; print(json.load(sys.stdin)["demoPIN"])')
$bin serve --data-dir "$dir" --port "$port" --lookup-burst 100000000 --lookup-rate 100000000 >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/ping" >/dev/null && break; sleep 0.1; done
run() { # name path
  local out rps p99
  out=$(wrk -t2 -c32 -d"${secs}s" --latency "http://127.0.0.1:$port$2")
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
  echo "$1|$rps|$p99|${non2xx:-0}"
}
base=$(run ping /ping)
lookup=$(run "cek resi" "/v1/documents/applications/$receipt?pin=$pin")
latest=$(run "latest prices" "/v1/prices/latest?commodityId=beras-km1")
echo "date: $(date -u +%F), $(nproc) cores, wrk -t2 -c32 -d${secs}s"
echo "| route | requests/s | p99 | non-2xx | ratio to /ping |"
echo "|---|---|---|---|---|"
brps=$(echo "$base" | cut -d'|' -f2)
for row in "$base" "$lookup" "$latest"; do
  IFS='|' read -r name rps p99 non <<<"$row"
  ratio=$(python3 -c "print(f'{float(\"$rps\")/float(\"$brps\"):.2f}x')")
  echo "| $name | $rps | $p99 | $non | $ratio |"
done
