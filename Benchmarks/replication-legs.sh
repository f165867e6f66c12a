#!/usr/bin/env bash
# Replication's legs one at a time, with the CPU each process spent, on one JetStream node (R1):
#  1. the relay alone: N events already in a primary, published into an empty stream;
#  2. the follower alone: the full stream replicated into an empty replica (its views included).
# Where Benchmarks/replication.sh measures them together (all competing for the same cores), this
# shows what each leg can do and what it costs: CPU seconds per 100,000 events for the relay, the
# follower and nats-server.
#   Benchmarks/replication-legs.sh            N=100000
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-100000}
BUILD=${BUILD:-release}
swift build -c "$BUILD" --product lumbung >/dev/null
LUMBUNG="$(swift build -c "$BUILD" --show-bin-path)/lumbung"
WORK=$(mktemp -d /tmp/lumbung-repl-legs.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
CP=$(port); HP=$(port); MP=$(port)
cat > "$WORK/n.conf" <<CONF
listen: 127.0.0.1:$CP
http: 127.0.0.1:$HP
jetstream { store_dir: "$WORK/js", max_file_store: 20GB, max_memory_store: 1GB }
CONF
nats-server -c "$WORK/n.conf" > "$WORK/n.log" 2>&1 & NATS=$!; PIDS+=($NATS)
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$HP/healthz" >/dev/null 2>&1 && break; sleep 0.1; done

echo "seeding $N events into the primary..." >&2
python3 - "$N" > "$WORK/all.ndjson" <<'PY'
import json, sys
for i in range(int(sys.argv[1])):
    sys.stdout.write(json.dumps({"stream": f"bench-{i % 1000}", "type": "bench.ticked",
                                 "data": {"i": i, "sensor": f"s-{i % 97}", "value": i % 1013}}) + "\n")
PY
"$LUMBUNG" append --data-dir "$WORK/primary" --ndjson "$WORK/all.ndjson" > /dev/null

cpu() { awk '{printf "%.2f", ($14 + $15) / 100}' "/proc/$1/stat"; }  # user + system seconds
head_of() { "$LUMBUNG" stats --data-dir "$1" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["headPosition"])' 2>/dev/null || echo 0; }
published() { curl -sf "http://127.0.0.1:$MP/metrics" 2>/dev/null | awk '/^lumbung_relay_published_position/ {print $2}' || true; }
report() {  # report(label, events, seconds, process cpu, nats cpu)
  python3 -c "n=$2; t=$3; print(f'$1: {n:,} events in {t:.2f} s = {n/t:,.0f} events/s; CPU per 100,000 events: this process {$4*100000/n:.2f} s, nats-server {$5*100000/n:.2f} s')"
}

nats0=$(cpu $NATS)
start=$(date +%s.%N)
"$LUMBUNG" relay --data-dir "$WORK/primary" --nats "nats://127.0.0.1:$CP" --replicas 1 --stream LEGS --metrics-port "$MP" > "$WORK/relay.log" 2>&1 & RELAY=$!; PIDS+=($RELAY)
until [ "$(published)" = "$N" ]; do sleep 0.05; kill -0 $RELAY 2>/dev/null || { cat "$WORK/relay.log" >&2; exit 1; }; done
end=$(date +%s.%N)
relayCPU=$(cpu $RELAY); nats1=$(cpu $NATS)
kill -TERM $RELAY; wait $RELAY 2>/dev/null || true
report "relay alone (log -> empty stream)" "$N" "$end - $start" "$relayCPU" "$nats1 - $nats0"

start=$(date +%s.%N)
"$LUMBUNG" follow --data-dir "$WORK/replica" --nats "nats://127.0.0.1:$CP" --stream LEGS > "$WORK/follow.log" 2>&1 & FOLLOW=$!; PIDS+=($FOLLOW)
until [ "$(head_of "$WORK/replica")" -ge "$N" ]; do sleep 0.05; kill -0 $FOLLOW 2>/dev/null || { cat "$WORK/follow.log" >&2; exit 1; }; done
end=$(date +%s.%N)
followCPU=$(cpu $FOLLOW); nats2=$(cpu $NATS)
kill -TERM $FOLLOW; wait $FOLLOW 2>/dev/null || true
report "follower alone (full stream -> empty replica)" "$N" "$end - $start" "$followCPU" "$nats2 - $nats1"
