#!/usr/bin/env bash
# Replication speed, reproducibly, on loopback (docs/replication.md gives the numbers measured):
#  1. throughput, ROUNDS times: N events already committed on the primary, then a relay (into a
#     new stream) and a replica (into a new data directory) start. Per round: events/s from the
#     relay's start to the replica's commit of the last one (the commit time the follower logs,
#     so the harness's polling neither adds CPU load nor rounds the time), and the steady rate,
#     from the replica's commits of the 10% and the 90% mark (process starts, connections and
#     the first fetch left out); the CPU each process spent. Then the median of the rounds.
#  2. lag under a sustained load of RATE events/s appended to the primary for SECONDS: the
#     replica logs, per committed batch, how long after the primary recorded its last event it
#     committed it (follow --lag-log); p50/p99/max of those.
# Runs a 3-node JetStream cluster (R3, file storage) unless NODES=1. Needs nats-server, python3.
#   Benchmarks/replication.sh            N=200000 ROUNDS=3 RATE=10000 SECONDS_LOAD=30 NODES=3
source "$(dirname "$0")/replication-lib.sh"
N=${N:-200000}
ROUNDS=${ROUNDS:-3}
RATE=${RATE:-10000}
SECS=${SECONDS_LOAD:-30}
NODES=${NODES:-3}
# The primary's audit public key, which its replicas trust (follow --primary-key).
primary_key() { "$LUMBUNG" audit public-key --data-dir "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["publicKey"])'; }
start_nats "$NODES"
REPLICAS=$(( NODES >= 3 ? 3 : 1 ))

# --- 1. throughput -----------------------------------------------------------------------------
P="$WORK/primary"
echo "seeding $N events into the primary..." >&2
for ((off = 0; off < N; off += 10000)); do
  c=$(( N - off < 10000 ? N - off : 10000 ))
  bench_events "$c" "$off" > "$WORK/chunk.ndjson"
  "$LUMBUNG" append --data-dir "$P" --ndjson "$WORK/chunk.ndjson" --atomic > /dev/null
done
natsCPU() { local p t=0; for p in "${NATS_PIDS[@]}"; do t="$t + $(cpu "$p")"; done; python3 -c "print($t)"; }
for round in $(seq 1 "$ROUNDS"); do
  R="$WORK/replica$round"; MP=$(port)
  nats0=$(natsCPU)
  start=$(date +%s%3N)
  "$LUMBUNG" relay --data-dir "$P" --nats "$URLS" --replicas "$REPLICAS" --stream "BENCH$round" --subject-prefix "bench$round" --metrics-port "$MP" > "$WORK/relay$round.log" 2>&1 & RELAY=$!; PIDS+=($RELAY)
  "$LUMBUNG" follow --primary-key "$(primary_key "$P")" --data-dir "$R" --nats "$URLS" --stream "BENCH$round" --subject-prefix "bench$round" --lag-log "$WORK/tp$round.log" > "$WORK/follow$round.log" 2>&1 & FOLLOW=$!; PIDS+=($FOLLOW)
  end=$(await_replica "$WORK/tp$round.log" "$N" $FOLLOW "$WORK/follow$round.log")
  echo "$round $start $end $(cpu $RELAY) $(cpu $FOLLOW) $nats0 $(natsCPU)" >> "$WORK/rounds"
  kill -9 $RELAY $FOLLOW 2>/dev/null || true
  wait $RELAY $FOLLOW 2>/dev/null || true
done
python3 - "$WORK" "$N" "$REPLICAS" "$NODES" "$(nproc)" "$NATS_GOMAXPROCS" <<'PY'
import statistics, sys
work, n, replicas, nodes, cores = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
gomaxprocs = sys.argv[6] if sys.argv[6] != "0" else "default"
totals, steadies = [], []
for line in open(f"{work}/rounds"):
    r, start, end, relay, follow, nats0, nats1 = line.split()
    t = (int(end) - int(start)) / 1000
    commits = [tuple(int(x) for x in l.split()) for l in open(f"{work}/tp{r}.log") if l.strip()]
    a = next(c for c in commits if c[0] >= n * 0.1)
    b = next(c for c in commits if c[0] >= n * 0.9)
    steady = (b[0] - a[0]) * 1000 / max(1, b[2] - a[2])
    cpu = [float(relay), float(follow), float(nats1) - float(nats0)]
    totals.append(n / t); steadies.append(steady)
    print(f"round {r}: {n} events relayed and replicated in {t:.2f} s = {n / t:,.0f} events/s end to end, "
          f"{steady:,.0f} events/s steady (10%-90%); CPU s per 100,000 events: relay {cpu[0] * 1e5 / n:.2f}, "
          f"follower {cpu[1] * 1e5 / n:.2f}, nats-server {cpu[2] * 1e5 / n:.2f}; {sum(cpu) / t:.2f} of {cores} cores busy")
print(f"throughput (R{replicas}, {nodes} node(s), nats-server GOMAXPROCS={gomaxprocs}), median of {len(totals)} rounds: {statistics.median(totals):,.0f} events/s end to end "
      f"({min(totals):,.0f}-{max(totals):,.0f}), {statistics.median(steadies):,.0f} events/s steady ({min(steadies):,.0f}-{max(steadies):,.0f})")
PY

# --- 2. lag under a sustained load -------------------------------------------------------------
# The last round's stream and replica, with a relay and a replica running again.
"$LUMBUNG" relay --data-dir "$P" --nats "$URLS" --replicas "$REPLICAS" --stream "BENCH$ROUNDS" --subject-prefix "bench$ROUNDS" > "$WORK/relay.log" 2>&1 & RELAY=$!; PIDS+=($RELAY)
"$LUMBUNG" follow --primary-key "$(primary_key "$P")" --data-dir "$R" --nats "$URLS" --stream "BENCH$ROUNDS" --subject-prefix "bench$ROUNDS" --lag-log "$WORK/lag.log" > "$WORK/follow2.log" 2>&1 & FOLLOW=$!; PIDS+=($FOLLOW)
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
