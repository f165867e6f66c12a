#!/usr/bin/env bash
# Replication speed, reproducibly, on loopback (docs/replication.md gives the numbers measured):
#  1. throughput: N events already committed on the primary, then a relay and a replica start;
#     events/s from the relay's start to the replica's commit of the last one;
#  2. lag under a sustained load of RATE events/s appended to the primary for SECONDS: the
#     replica logs, per committed batch, how long after the primary recorded its last event it
#     committed it (follow --lag-log); p50/p99/max of those.
# Runs a 3-node JetStream cluster (R3, file storage) unless NODES=1. Needs nats-server, python3.
#   Benchmarks/replication.sh            N=200000 RATE=10000 SECONDS=30 NODES=3
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-200000}
RATE=${RATE:-10000}
SECS=${SECONDS_LOAD:-30}
NODES=${NODES:-3}
BUILD=${BUILD:-release}
swift build -c "$BUILD" --product lumbung >/dev/null
LUMBUNG="$(swift build -c "$BUILD" --show-bin-path)/lumbung"
WORK=$(mktemp -d /tmp/lumbung-repl-bench.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

# --- the NATS cluster --------------------------------------------------------------------------
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
declare -a CP RP HP
for i in $(seq 1 "$NODES"); do CP[$i]=$(port); RP[$i]=$(port); HP[$i]=$(port); done
ROUTES=$(for i in $(seq 1 "$NODES"); do printf 'nats-route://127.0.0.1:%s,' "${RP[$i]}"; done | sed 's/,$//')
URLS=$(for i in $(seq 1 "$NODES"); do printf 'nats://127.0.0.1:%s,' "${CP[$i]}"; done | sed 's/,$//')
for i in $(seq 1 "$NODES"); do
  {
    echo "server_name: n$i"; echo "listen: 127.0.0.1:${CP[$i]}"; echo "http: 127.0.0.1:${HP[$i]}"
    echo "jetstream { store_dir: \"$WORK/js-n$i\", max_file_store: 20GB, max_memory_store: 1GB }"
    if [ "$NODES" -gt 1 ]; then
      echo "cluster { name: bench, listen: 127.0.0.1:${RP[$i]}, routes: [${ROUTES//,/, }] }"
    fi
  } > "$WORK/n$i.conf"
  nats-server -c "$WORK/n$i.conf" > "$WORK/n$i.log" 2>&1 & PIDS+=($!)
done
for i in $(seq 1 "$NODES"); do
  for _ in $(seq 1 300); do
    curl -sf "http://127.0.0.1:${HP[$i]}/healthz" >/dev/null 2>&1 && break; sleep 0.2
  done
done
REPLICAS=$(( NODES >= 3 ? 3 : 1 ))

head_of() { "$LUMBUNG" stats --data-dir "$1" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["headPosition"])' 2>/dev/null || echo 0; }
events() {  # events(count, offset): NDJSON of small events over 1000 streams
  python3 - "$1" "$2" <<'PY'
import json, sys
n, off = int(sys.argv[1]), int(sys.argv[2])
out = sys.stdout
for i in range(off, off + n):
    out.write(json.dumps({"stream": f"bench-{i % 1000}", "type": "bench.ticked",
                          "data": {"i": i, "sensor": f"s-{i % 97}", "value": i % 1013}}) + "\n")
PY
}

# --- 1. throughput -----------------------------------------------------------------------------
P="$WORK/primary"; R="$WORK/replica"
echo "seeding $N events into the primary..." >&2
for ((off = 0; off < N; off += 10000)); do
  c=$(( N - off < 10000 ? N - off : 10000 ))
  events "$c" "$off" > "$WORK/chunk.ndjson"
  "$LUMBUNG" append --data-dir "$P" --ndjson "$WORK/chunk.ndjson" --atomic > /dev/null
done
MP=$(port)
published() { curl -sf "http://127.0.0.1:$MP/metrics" 2>/dev/null | awk '/^lumbung_relay_published_position/ {print $2}' || true; }
start=$(date +%s.%N)
"$LUMBUNG" relay --data-dir "$P" --nats "$URLS" --replicas "$REPLICAS" --stream BENCH --metrics-port "$MP" > "$WORK/relay.log" 2>&1 & RELAY=$!; PIDS+=($RELAY)
"$LUMBUNG" follow --data-dir "$R" --nats "$URLS" --stream BENCH > "$WORK/follow.log" 2>&1 & FOLLOW=$!; PIDS+=($FOLLOW)
relayed=""
while [ "$(head_of "$R")" -lt "$N" ]; do
  sleep 0.2
  if [ -z "$relayed" ] && [ "$(published)" = "$N" ]; then relayed=$(date +%s.%N); fi
  kill -0 $RELAY 2>/dev/null && kill -0 $FOLLOW 2>/dev/null || { cat "$WORK/relay.log" "$WORK/follow.log" >&2; exit 1; }
done
end=$(date +%s.%N)
relayed=${relayed:-$end}
python3 -c "n=$N; t=$end-$start; r=$relayed-$start; print(f'throughput: {n} events relayed and replicated in {t:.2f} s = {n/t:,.0f} events/s (R$REPLICAS, $NODES node(s)); the relay alone had all of them in the stream after {r:.2f} s = {n/r:,.0f} events/s')"

# --- 2. lag under a sustained load -------------------------------------------------------------
kill -9 $FOLLOW 2>/dev/null || true
rm -f "$WORK/lag.log"
"$LUMBUNG" follow --data-dir "$R" --nats "$URLS" --stream BENCH --lag-log "$WORK/lag.log" > "$WORK/follow2.log" 2>&1 & FOLLOW=$!; PIDS+=($FOLLOW)
# Waits for the replica to reach a position; fails (with the follower's log) if it dies first.
replica_reaches() {
  while [ "$(head_of "$R")" -lt "$1" ]; do
    sleep 0.2
    kill -0 $FOLLOW 2>/dev/null || { echo "the follower died:" >&2; cat "$WORK/follow2.log" >&2; exit 1; }
  done
}
replica_reaches "$N"
rm -f "$WORK/lag.log"
echo "appending $RATE events/s for $SECS s..." >&2
python3 - "$RATE" "$SECS" "$N" <<'PY' | "$LUMBUNG" append --data-dir "$P" --ndjson - > /dev/null
import json, sys, time
rate, secs, off = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
tick = 0.01
per_tick = rate * tick
start = time.monotonic()
sent = 0
i = off
while True:
    now = time.monotonic() - start
    if now >= secs:
        break
    due = int(now * rate)
    while sent < due:
        sys.stdout.write(json.dumps({"stream": f"bench-{i % 1000}", "type": "bench.ticked",
                                     "data": {"i": i, "sensor": f"s-{i % 97}", "value": i % 1013}}) + "\n")
        sent += 1
        i += 1
    sys.stdout.flush()
    time.sleep(tick)
print(f"sent {sent} events in {time.monotonic() - start:.1f} s", file=sys.stderr)
PY
TOTAL=$(head_of "$P")
replica_reaches "$TOTAL"
python3 - "$WORK/lag.log" "$RATE" <<'PY'
import sys
lags = sorted(int(l.split()[1]) for l in open(sys.argv[1]) if l.strip())
def pct(p): return lags[min(len(lags) - 1, int(round(p / 100 * (len(lags) - 1))))]
print(f"lag at {sys.argv[2]} events/s (primary commit -> replica commit, per batch, {len(lags)} batches): "
      f"p50 {pct(50)} ms, p99 {pct(99)} ms, max {lags[-1]} ms")
PY
