#!/usr/bin/env bash
# What a large log costs (issue 15), one size per run, with the lumbung CLI of a release build:
#
#   seed time (`lumbung seed --events N`) and its peak RSS, one CLI write (`lumbung append` of one
#   event), time from `lumbung serve` to the first 200 of /health and its VmRSS then,
#   and its VmRSS and RssAnon (the heap, without the mapped log) then,
#   the latency of an inclusion proof over HTTP (`/v1/audit/inclusion`, 20 positions across the log),
#   wrk on /ping, cek resi and the latest prices of the same server (-t2 -c32, WRK_SECS each),
#   `projections rebuild --all`, `export --format ndjson`, `verify` (each with the data directory
#   read into the page cache first), the data directory's size.
#
#   cd Benchmarks && SIZES="100000 1000000" ./scale.sh
#
# Environment (defaults in brackets):
#   LUMBUNG_BENCH_DIR  where the data directories go, on the real disk, not tmpfs [/tmp]
#   SIZES              event counts, one log each [100000]
#   LUMBUNG            the CLI to measure [../.build-release/release/lumbung, built here]
#   SKIP_BUILD=1       do not build (use $LUMBUNG as it is)
#   PORT               port of the timed `serve` [18475]
#   KEEP=1             keep the data directories (printed)
#   REBUILD=0          skip `projections rebuild --all` (its column says "-")
#   REBUILD_RUNS       rebuilds per size [3]: the column shows the median and, after it, the
#                      fastest and slowest (one run of this VM moved by up to 30%)
#   WRK_SECS           seconds of wrk per route [5]; 0 skips wrk (its columns say "-")
# Prints one markdown table row per size, with the `uptime` load at the start of the row.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
base="${LUMBUNG_BENCH_DIR:-/tmp}"
SIZES="${SIZES:-100000}"
PORT="${PORT:-18475}"
LUMBUNG="${LUMBUNG:-$root/.build-release/release/lumbung}"

if [ -z "${SKIP_BUILD:-}" ]; then
    (cd "$root" && swift build -c release --build-path .build-release --product lumbung) >&2
fi
[ -x "$LUMBUNG" ] || { echo "scale.sh: no lumbung binary at $LUMBUNG" >&2; exit 1; }
command -v curl >/dev/null || { echo "scale.sh: curl is needed for /health" >&2; exit 1; }
WRK_SECS="${WRK_SECS:-5}"
if [ "$WRK_SECS" != 0 ]; then command -v wrk >/dev/null || { echo "scale.sh: wrk is missing (apt-get install wrk), or WRK_SECS=0" >&2; exit 1; }; fi

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
rate() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%.0f", n / (b - a) }'; }
json_field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
# wrk on one path -> "requests/s p99-ms non-2xx"
wrk_run() {
    wrk -t2 -c32 -d"${WRK_SECS}s" --latency "http://127.0.0.1:$PORT$1" | python3 -c '
import re, sys
t = sys.stdin.read()
rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", t).group(1))
m = re.search(r"\n\s+99%\s+([0-9.]+)(us|ms|s)", t)
p99 = float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]
n = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", t)
print("%.0f %.2f %s" % (rps, p99, n.group(1) if n else 0))'
}

echo "| events | load (uptime) | seed s (ev/s) | seed peak RSS MB | one append s | /health s | RSS (anon) after start MB | proof ms (median, max) | /ping req/s | cek resi req/s (x ping, p99 ms) | latest prices req/s (x ping, p99 ms) | RSS (anon) after wrk MB | rebuild --all s (ev/s) [range] | export ev/s | verify ev/s | data MB |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
for n in $SIZES; do
    dir="$(mktemp -d "$base/lumbung-scale-XXXXXX")"
    data="$dir/data"
    load="$(uptime | sed 's/.*load average: //')"

    t0=$(now)
    /usr/bin/time -f '%M' -o "$dir/seed.rss" "$LUMBUNG" seed --data-dir "$data" --events "$n" >"$dir/seed.json" 2>"$dir/seed.err" \
        || { cat "$dir/seed.err" >&2; exit 1; }
    t1=$(now)
    events=$("$LUMBUNG" stats --data-dir "$data" | sed -E 's/.*"events":([0-9]+).*/\1/')
    seed_rss=$(awk '{ printf "%.0f", $1 / 1024 }' "$dir/seed.rss")
    receipt=$(json_field demoReceiptNumber <"$dir/seed.json")
    pin=$(json_field demoPIN <"$dir/seed.json")
    token=$("$LUMBUNG" keys create --data-dir "$data" --role auditor --name scale-bench 2>/dev/null | json_field token)

    a0=$(now)
    "$LUMBUNG" append --data-dir "$data" --stream "bench-1" --type "bench.written" --data '{"n":1}' >/dev/null
    a1=$(now)

    s0=$(now)
    "$LUMBUNG" serve --data-dir "$data" --port "$PORT" --lookup-burst 100000000 --lookup-rate 100000000 >"$dir/serve.log" 2>&1 &
    pid=$!
    until curl -fs "http://127.0.0.1:$PORT/health" >/dev/null; do
        kill -0 "$pid" 2>/dev/null || { cat "$dir/serve.log" >&2; exit 1; }
        sleep 0.05
    done
    s1=$(now)
    rss=$(awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$pid/status")
    # The heap and other private memory (RssAnon), without the log's and views' mapped pages.
    anon=$(awk '/RssAnon/ { printf "%.0f", $2 / 1024 }' "/proc/$pid/status")

    # An auditor's inclusion proof at 20 positions spread over the log (curl's own timing).
    proofs="$(for i in $(seq 20); do
        curl -fs -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $token" \
            "http://127.0.0.1:$PORT/v1/audit/inclusion?position=$(( (events * i) / 21 + 1 ))"
    done | sort -n | awk '{ t[NR] = $1 * 1000 } END { printf "%.1f, %.1f", t[int((NR + 1) / 2)], t[NR] }')"

    if [ "$WRK_SECS" != 0 ]; then
        read -r ping_rps _ _ <<<"$(wrk_run /ping)"
        read -r cek_rps cek_p99 cek_bad <<<"$(wrk_run "/v1/documents/applications/$receipt?pin=$pin")"
        read -r latest_rps latest_p99 latest_bad <<<"$(wrk_run "/v1/prices/latest?commodityId=beras-km1")"
        [ "$cek_bad" = 0 ] && [ "$latest_bad" = 0 ] || echo "scale.sh: non-2xx answers under wrk (cek resi $cek_bad, latest $latest_bad)" >&2
        ratio() { awk -v a="$1" -v b="$ping_rps" 'BEGIN { printf "%.2f", a / b }'; }
        cek="$cek_rps ($(ratio "$cek_rps")x, $cek_p99)"
        latest="$latest_rps ($(ratio "$latest_rps")x, $latest_p99)"
    else
        ping_rps="-" cek="-" latest="-"
    fi
    rss_wrk=$(awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$pid/status")
    anon_wrk=$(awk '/RssAnon/ { printf "%.0f", $2 / 1024 }' "/proc/$pid/status")
    kill "$pid"
    wait "$pid" 2>/dev/null || true

    # Each timed pass over the log (rebuild, export, verify) starts with the data directory in the
    # page cache: the first of them otherwise paid the disk for pages evicted since the seed (this
    # VM's DAMON pages out what has gone cold) and the next found them cached.
    warm() { cat "$data"/log/*.mdb "$data"/views/*.mdb >/dev/null; }
    if [ "${REBUILD:-1}" != 0 ]; then
        runs=()
        for _ in $(seq "${REBUILD_RUNS:-3}"); do
            warm
            r0=$(now)
            "$LUMBUNG" projections rebuild --all --data-dir "$data" >/dev/null 2>&1
            r1=$(now)
            runs+=("$(secs "$r0" "$r1")")
        done
        # "median (events/s at the median) [fastest-slowest]"
        rebuilt=$(printf '%s\n' "${runs[@]}" | sort -n | awk -v n="$events" '{ t[NR] = $1 } END {
            m = t[int((NR + 1) / 2)]; printf "%.2f (%.0f)", m, n / m; if (NR > 1) printf " [%.2f-%.2f]", t[1], t[NR] }')
    else
        rebuilt="-"
    fi
    warm
    e0=$(now)
    "$LUMBUNG" export --data-dir "$data" --format ndjson >/dev/null 2>&1
    e1=$(now)
    warm
    v0=$(now)
    "$LUMBUNG" verify --data-dir "$data" >/dev/null 2>&1
    v1=$(now)
    size=$(du -sm "$data" | cut -f1)

    echo "| $events | $load | $(secs "$t0" "$t1") ($(rate "$events" "$t0" "$t1")) | $seed_rss | $(secs "$a0" "$a1") | $(secs "$s0" "$s1") | $rss ($anon) | $proofs | $ping_rps | $cek | $latest | $rss_wrk ($anon_wrk) | $rebuilt | $(rate "$events" "$e0" "$e1") | $(rate "$events" "$v0" "$v1") | $size |"
    if [ -n "${KEEP:-}" ]; then echo "kept: $dir" >&2; else rm -rf "$dir"; fi
done
