#!/usr/bin/env bash
# Replication's legs one at a time, with the CPU each process spent, on one JetStream node (R1):
#  1. the relay alone: N events already in a primary, published into an empty stream;
#  2. the follower alone: the full stream replicated into an empty replica (its views included).
# Where Benchmarks/replication.sh measures them together (all competing for the same cores), this
# shows what each leg can do and what it costs: CPU seconds per 100,000 events for the relay, the
# follower and nats-server.
#   Benchmarks/replication-legs.sh            N=100000
source "$(dirname "$0")/replication-lib.sh"
N=${N:-100000}
start_nats 1
NATS=${NATS_PIDS[0]}
MP=$(port)

echo "seeding $N events into the primary..." >&2
bench_events "$N" 0 > "$WORK/all.ndjson"
"$LUMBUNG" append --data-dir "$WORK/primary" --ndjson "$WORK/all.ndjson" > /dev/null

report() {  # report(label, events, seconds, process cpu, nats cpu)
  python3 -c "n=$2; t=($3); print(f'$1: {n:,} events in {t:.2f} s = {n/t:,.0f} events/s; CPU per 100,000 events: this process {($4)*100000/n:.2f} s, nats-server {($5)*100000/n:.2f} s')"
}

# The primary's audit public key, which its replicas trust (follow --primary-key).
primary_key() { "$LUMBUNG" audit public-key --data-dir "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["publicKey"])'; }
nats0=$(cpu $NATS)
start=$(date +%s%3N)
"$LUMBUNG" relay --data-dir "$WORK/primary" --nats "$URLS" --replicas 1 --stream LEGS --metrics-port "$MP" > "$WORK/relay.log" 2>&1 & RELAY=$!; PIDS+=($RELAY)
until [ "$(published "$MP")" = "$N" ]; do sleep 0.1; kill -0 $RELAY 2>/dev/null || { cat "$WORK/relay.log" >&2; exit 1; }; done
end=$(date +%s%3N)
relayCPU=$(cpu $RELAY); nats1=$(cpu $NATS)
kill -TERM $RELAY; wait $RELAY 2>/dev/null || true
report "relay alone (log -> empty stream; polled every 0.1 s)" "$N" "($end - $start) / 1000" "$relayCPU" "$nats1 - $nats0"

start=$(date +%s%3N)
"$LUMBUNG" follow --primary-key "$(primary_key "$WORK/primary")" --data-dir "$WORK/replica" --nats "$URLS" --stream LEGS --lag-log "$WORK/lag.log" > "$WORK/follow.log" 2>&1 & FOLLOW=$!; PIDS+=($FOLLOW)
end=$(await_replica "$WORK/lag.log" "$N" $FOLLOW "$WORK/follow.log")
followCPU=$(cpu $FOLLOW); nats2=$(cpu $NATS)
kill -TERM $FOLLOW; wait $FOLLOW 2>/dev/null || true
report "follower alone (full stream -> empty replica)" "$N" "($end - $start) / 1000" "$followCPU" "$nats2 - $nats1"
