# Sourced by replication.sh and replication-legs.sh: what both need to run Lumbung against a
# JetStream cluster on loopback, measured without the harness competing for the same cores (no
# Python or `lumbung` process in a polling loop: the replica is watched through the last line of
# its `follow --lag-log`, the relay through one curl of its /metrics).
# Defines: $LUMBUNG (built), $WORK (removed on exit), PIDS (killed on exit), port, start_nats,
# bench_events, head_of, cpu, published, replica_position, await_replica.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
BUILD=${BUILD:-release}
swift build -c "$BUILD" --product lumbung >/dev/null 2>&1 || swift build -c "$BUILD" --product lumbung
LUMBUNG="$(swift build -c "$BUILD" --show-bin-path)/lumbung"
WORK=$(mktemp -d "/tmp/lumbung-$(basename "$0" .sh).XXXXXX")
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_nats NODES: a JetStream cluster of NODES nodes (one: no cluster block), file storage in
# $WORK; sets URLS (client URLs, comma-separated) and NATS_PIDS; returns when all are healthy.
# Each nats-server runs with GOMAXPROCS=$NATS_GOMAXPROCS (default 1; 0 leaves Go's default, one
# per core): on this 2-core machine it shares the cores with the relay and the replica, and with
# one processor its goroutines hand each message on within one thread instead of waking another
# (measured in Benchmarks/README.md, session 5).
NATS_GOMAXPROCS=${NATS_GOMAXPROCS:-1}
start_nats() {
  local nodes=$1 i
  local -a cp rp hp goenv=()
  [ "$NATS_GOMAXPROCS" = 0 ] || goenv=("GOMAXPROCS=$NATS_GOMAXPROCS")
  for i in $(seq 1 "$nodes"); do cp[$i]=$(port); rp[$i]=$(port); hp[$i]=$(port); done
  local routes
  routes=$(for i in $(seq 1 "$nodes"); do printf 'nats-route://127.0.0.1:%s, ' "${rp[$i]}"; done | sed 's/, $//')
  URLS=$(for i in $(seq 1 "$nodes"); do printf 'nats://127.0.0.1:%s,' "${cp[$i]}"; done | sed 's/,$//')
  NATS_PIDS=()
  for i in $(seq 1 "$nodes"); do
    {
      echo "server_name: n$i"; echo "listen: 127.0.0.1:${cp[$i]}"; echo "http: 127.0.0.1:${hp[$i]}"
      echo "jetstream { store_dir: \"$WORK/js-n$i\", max_file_store: 20GB, max_memory_store: 1GB }"
      if [ "$nodes" -gt 1 ]; then echo "cluster { name: bench, listen: 127.0.0.1:${rp[$i]}, routes: [$routes] }"; fi
    } > "$WORK/n$i.conf"
    env ${goenv[@]+"${goenv[@]}"} nats-server -c "$WORK/n$i.conf" > "$WORK/n$i.log" 2>&1 & PIDS+=($!); NATS_PIDS+=($!)
  done
  for i in $(seq 1 "$nodes"); do
    for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:${hp[$i]}/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
  done
}

# bench_events COUNT OFFSET: NDJSON of small events over 1000 streams, numbered from OFFSET.
bench_events() {
  python3 - "$1" "$2" <<'PY'
import json, sys
n, off = int(sys.argv[1]), int(sys.argv[2])
out = sys.stdout
for i in range(off, off + n):
    out.write(json.dumps({"stream": f"bench-{i % 1000}", "type": "bench.ticked",
                          "data": {"i": i, "sensor": f"s-{i % 97}", "value": i % 1013}}) + "\n")
PY
}

# head_of DATA_DIR: the log's head position (one `lumbung stats`; not for polling loops).
head_of() { "$LUMBUNG" stats --data-dir "$1" 2>/dev/null | sed -n 's/.*"headPosition":\([0-9]*\).*/\1/p'; }
# cpu PID: the process's user + system CPU seconds so far.
cpu() { awk '{printf "%.2f", ($14 + $15) / 100}' "/proc/$1/stat"; }
# published METRICS_PORT: the last position the relay had confirmed in the stream.
published() { curl -sf "http://127.0.0.1:$1/metrics" 2>/dev/null | awk '/^lumbung_relay_published_position/ {print $2}' || true; }
# replica_position LAG_LOG: the position of the replica's last committed batch (0 before any).
replica_position() { local line; line=$(tail -n 1 "$1" 2>/dev/null || true); echo "${line%% *}" | sed 's/^$/0/'; }
# await_replica LAG_LOG POSITION PID LOG: waits until the follower PID has committed POSITION
# (printing the commit time, ms since 1970, that it logged); fails with LOG if PID dies first.
await_replica() {
  local line
  while :; do
    line=$(tail -n 1 "$1" 2>/dev/null || true)
    if [ -n "$line" ] && [ "${line%% *}" -ge "$2" ]; then echo "${line##* }"; return; fi
    kill -0 "$3" 2>/dev/null || { echo "the follower died:" >&2; cat "$4" >&2; exit 1; }
    sleep 0.1
  done
}
