#!/usr/bin/env bash
# Replication speed, reproducibly, on loopback (docs/replication.md gives the numbers measured):
#  1. throughput: N events already committed on the primary, then a relay and a replica start;
#     events/s from the relay's start to the replica's commit of the last one (the commit time
#     the follower logs, so the harness's polling neither adds CPU load nor rounds the time);
#  2. lag under a sustained load of RATE events/s appended to the primary for SECONDS: the
#     replica logs, per committed batch, how long after the primary recorded its last event it
#     committed it (follow --lag-log); p50/p99/max of those.
# Runs a 3-node JetStream cluster (R3, file storage) unless NODES=1. Needs nats-server, python3.
#   Benchmarks/replication.sh            N=200000 RATE=10000 SECONDS_LOAD=30 NODES=3
source "$(dirname "$0")/replication-lib.sh"
N=${N:-200000}
RATE=${RATE:-10000}
SECS=${SECONDS_LOAD:-30}
NODES=${NODES:-3}
start_nats "$NODES"
REPLICAS=$(( NODES >= 3 ? 3 : 1 ))

# --- 1. throughput -----------------------------------------------------------------------------
P="$WORK/primary"; R="$WORK/replica"
echo "seeding $N events into the primary..." >&2
for ((off = 0; off < N; off += 10000)); do
  c=$(( N - off < 10000 ? N - off : 10000 ))
  bench_events "$c" "$off" > "$WORK/chunk.ndjson"
  "$LUMBUNG" append --data-dir "$P" --ndjson "$WORK/chunk.ndjson" --atomic > /dev/null
done
MP=$(port)
start=$(date +%s%3N)
"$LUMBUNG" relay --data-dir "$P" --nats "$URLS" --replicas "$REPLICAS" --stream BENCH --metrics-port "$MP" > "$WORK/relay.log" 2>&1 & RELAY=$!; PIDS+=($RELAY)
"$LUMBUNG" follow --data-dir "$R" --nats "$URLS" --stream BENCH --lag-log "$WORK/lag1.log" > "$WORK/follow.log" 2>&1 & FOLLOW=$!; PIDS+=($FOLLOW)
relayed=""
while [ "$(replica_position "$WORK/lag1.log")" -lt "$N" ]; do
  sleep 0.2
  if [ -z "$relayed" ] && [ "$(published "$MP")" = "$N" ]; then relayed=$(date +%s%3N); fi
  kill -0 $RELAY 2>/dev/null || { cat "$WORK/relay.log" >&2; exit 1; }
done
end=$(await_replica "$WORK/lag1.log" "$N" $FOLLOW "$WORK/follow.log")
relayed=${relayed:-$end}
natsCPU=0; for p in "${NATS_PIDS[@]}"; do natsCPU="$natsCPU + $(cpu "$p")"; done
python3 -c "n=$N; t=($end-$start)/1000; r=($relayed-$start)/1000; print(f'throughput: {n} events relayed and replicated in {t:.2f} s = {n/t:,.0f} events/s (R$REPLICAS, $NODES node(s)); the relay alone had all of them in the stream after {r:.2f} s = {n/r:,.0f} events/s (polled every 0.2 s)')"
python3 -c "n=$N; t=($end-$start)/1000; c=[$(cpu $RELAY), $(cpu $FOLLOW), $natsCPU]; print(f'CPU seconds per 100,000 events: relay {c[0]*1e5/n:.2f}, follower {c[1]*1e5/n:.2f}, nats-server {c[2]*1e5/n:.2f}; {sum(c)/t:.2f} of the machine\'s $(nproc) cores busy with them')"

# --- 2. lag under a sustained load -------------------------------------------------------------
kill -9 $FOLLOW 2>/dev/null || true
"$LUMBUNG" follow --data-dir "$R" --nats "$URLS" --stream BENCH --lag-log "$WORK/lag.log" > "$WORK/follow2.log" 2>&1 & FOLLOW=$!; PIDS+=($FOLLOW)
echo "appending $RATE events/s for $SECS s..." >&2
python3 - "$RATE" "$SECS" "$N" <<'PY' | "$LUMBUNG" append --data-dir "$P" --ndjson - > /dev/null
import json, sys, time
rate, secs, off = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
tick = 0.01
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
await_replica "$WORK/lag.log" "$TOTAL" $FOLLOW "$WORK/follow2.log" > /dev/null
python3 - "$WORK/lag.log" "$RATE" "$N" <<'PY'
import sys
# Only batches of the load (positions after the N seeded events, which the restarted follower
# may see delivered again first).
lags = sorted(int(l.split()[1]) for l in open(sys.argv[1]) if l.strip() and int(l.split()[0]) > int(sys.argv[3]))
def pct(p): return lags[min(len(lags) - 1, int(round(p / 100 * (len(lags) - 1))))]
print(f"lag at {sys.argv[2]} events/s (primary commit -> replica commit, per batch, {len(lags)} batches): "
      f"p50 {pct(50)} ms, p99 {pct(99)} ms, max {lags[-1]} ms")
PY
