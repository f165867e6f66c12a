#!/usr/bin/env bash
# Side-by-side: raw LMDB in C (raw-lmdb/raw_lmdb.c) and Lumbung (lumbung-bench), in one run,
# on the same disk, interleaved round by round so that a noisy neighbour hits both alike.
# Prints a markdown table of rates and ratios; every measurement's JSON line goes to $OUT.
#
#   cd Benchmarks && ./compare.sh
#
# Environment (defaults in brackets):
#   LUMBUNG_BENCH_DIR  where the data directories go, on the real disk, not tmpfs [/tmp]
#   ROUNDS             interleaved rounds [5]
#   SINGLE             durable commits of one event, per round and side [500]
#   CONCURRENT         events appended by the 8 writers, per round [4000]
#   WRITERS            concurrent writers [8]
#   MORE_WRITERS       a second, diagnostic writer count (0: none) [64]
#   BATCH_TOTAL        events appended in batches over all rounds; the scans read them [1000000]
#   BATCH              events per commit [1000]
#   SCAN_REPEATS       passes of each scan (the median is reported) [5]
#   OUT                JSON lines of every measurement [$LUMBUNG_BENCH_DIR/lumbung-compare-<time>.jsonl]
#   SKIP_BUILD=1       use the binaries already built
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
base="${LUMBUNG_BENCH_DIR:-/tmp}"
ROUNDS="${ROUNDS:-5}"
SINGLE="${SINGLE:-500}"
CONCURRENT="${CONCURRENT:-4000}"
WRITERS="${WRITERS:-8}"
MORE_WRITERS="${MORE_WRITERS:-64}"
BATCH_TOTAL="${BATCH_TOTAL:-1000000}"
BATCH="${BATCH:-1000}"
SCAN_REPEATS="${SCAN_REPEATS:-5}"
OUT="${OUT:-$base/lumbung-compare-$(date -u +%Y%m%dT%H%M%SZ).jsonl}"

if [ "$(stat -f -c %T "$base")" = "tmpfs" ]; then
    echo "compare.sh: $base is tmpfs; set LUMBUNG_BENCH_DIR to a directory on a real disk" >&2
    exit 2
fi
per_round=$(( BATCH_TOTAL / ROUNDS / BATCH * BATCH ))
if [ "$per_round" -lt "$BATCH" ]; then
    echo "compare.sh: BATCH_TOTAL / ROUNDS must be at least BATCH" >&2
    exit 2
fi

if [ "${SKIP_BUILD:-}" != 1 ]; then
    echo "building (release) ..." >&2
    "$here/raw-lmdb/build.sh"
    (cd "$here" && swift build -c release --product lumbung-bench >&2)
fi
raw="$here/raw-lmdb/raw_lmdb"
lb="$(cd "$here" && swift build -c release --show-bin-path)/lumbung-bench"

work="$(mktemp -d "$base/lumbung-compare.XXXXXX")"
trap 'rm -rf "$work"' EXIT
: > "$OUT"

run() {  # run LABEL CMD...: one JSON line, tagged with the round, appended to $OUT
    local line
    line="$("$@")"
    echo "${line%\}},\"round\":$round}" >> "$OUT"
    echo "  $line" | cut -c1-150 >&2
}

round=0
record_bytes="$("$lb" record-size | sed -E 's/.*"record_bytes":([0-9]+).*/\1/')"
echo "record size: $record_bytes bytes; rounds: $ROUNDS; data under $work; results: $OUT" >&2
mkdir -p "$work/raw-batch" "$work/raw-indexed"

for round in $(seq 1 "$ROUNDS"); do
    echo "round $round/$ROUNDS" >&2
    # Alternate which side goes first, so drift in the machine's load does not favour one.
    for side in $( [ $((round % 2)) = 1 ] && echo "raw lumbung" || echo "lumbung raw" ); do
        if [ "$side" = raw ]; then
            mkdir -p "$work/raw-single"
            run "$raw" put "$work/raw-single" "$SINGLE" "$record_bytes" 1
            rm -rf "$work/raw-single"
            mkdir -p "$work/raw-single"   # diagnostic: the same without fsync (software cost of a commit)
            RAW_NOSYNC=1 run "$raw" put "$work/raw-single" "$SINGLE" "$record_bytes" 1
            rm -rf "$work/raw-single"
            run "$raw" put "$work/raw-batch" "$per_round" "$record_bytes" "$BATCH"
            run "$raw" put "$work/raw-indexed" "$per_round" "$record_bytes" "$BATCH" indexed
        else
            run "$lb" single "$work/lumbung-single" "$SINGLE"
            rm -rf "$work/lumbung-single"
            LUMBUNG_BENCH_NOSYNC=1 run "$lb" single "$work/lumbung-single" "$SINGLE"
            rm -rf "$work/lumbung-single"
            run "$lb" concurrent "$work/lumbung-concurrent" "$CONCURRENT" "$WRITERS"
            rm -rf "$work/lumbung-concurrent"
            if [ "$MORE_WRITERS" -gt 0 ]; then
                run "$lb" concurrent "$work/lumbung-concurrent" "$CONCURRENT" "$MORE_WRITERS"
                rm -rf "$work/lumbung-concurrent"
            fi
            run "$lb" batch "$work/lumbung-batch" "$per_round" "$BATCH"
        fi
    done
done

round=0
echo "scans" >&2
run "$raw" scan "$work/raw-batch" "$SCAN_REPEATS"
run "$lb" scan "$work/lumbung-batch" "$SCAN_REPEATS" decode
run "$lb" scan "$work/lumbung-batch" "$SCAN_REPEATS" fields
run "$raw" scan "$work/raw-batch" "$SCAN_REPEATS"

python3 - "$OUT" "$WRITERS" "$BATCH" "$MORE_WRITERS" <<'EOF'
import json, statistics, sys, os, datetime
path, writers, batch, more = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rows = [json.loads(l) for l in open(path) if l.strip()]
def by(bench, **kw):
    return [r for r in rows if r["bench"] == bench and all(r.get(k) == v for k, v in kw.items())]
def med(xs): return statistics.median(xs) if xs else float("nan")
def rounds(bench, **kw): return {r["round"]: r for r in by(bench, **kw)}
def ratio_med(a, b, key_a="events_per_s", key_b="events_per_s"):
    common = sorted(set(a) & set(b))
    return med([a[k][key_a] / b[k][key_b] for k in common]), [a[k][key_a] / b[k][key_b] for k in common]
def fmt(x): return f"{x:,.0f}"

single = rounds("lumbung.single"); raw1 = rounds("raw.put", batch=1)
single_ns = rounds("lumbung.single-nosync"); raw1_ns = rounds("raw.put-nosync", batch=1)
conc = rounds("lumbung.concurrent", writers=writers)
conc_more = rounds("lumbung.concurrent", writers=more)
lbatch = rounds("lumbung.batch"); rbatch = rounds("raw.put", batch=batch); ibatch = rounds("raw.put-indexed")
scan_raw = by("raw.scan"); scan_dec = by("lumbung.scan-decode"); scan_fld = by("lumbung.scan-fields")

def spread(xs): return "" if not xs else f" (rounds: {', '.join(f'{x:.2f}' for x in xs)})"
r1, r1s = ratio_med(single, raw1, "events_per_s", "commits_per_s")
rc, rcs = ratio_med(conc, single)
rb, rbs = ratio_med(lbatch, rbatch)
ri, ris = ratio_med(lbatch, ibatch)
raw_scan = max(r["events_per_s"] for r in scan_raw)
dec = scan_dec[0]["events_per_s"] if scan_dec else float("nan")
fld = scan_fld[0]["events_per_s"] if scan_fld else float("nan")
raw_cpu = max(r["events_per_cpu_s"] for r in scan_raw)
dec_cpu = scan_dec[0]["events_per_cpu_s"] if scan_dec else float("nan")
fld_cpu = scan_fld[0]["events_per_cpu_s"] if scan_fld else float("nan")
events_per_commit = med([r["events_per_commit"] for r in conc.values()])
def verdict(x, target): return "met" if x >= target else "**missed**"

print(f"\n## Lumbung vs raw LMDB ({datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, load {open('/proc/loadavg').read().split()[0]})\n")
print("Rates are medians over the rounds; a ratio is the median of the per-round ratios (the two sides ran back to back in each round).\n")
print("| measurement | raw LMDB (C) | Lumbung | ratio | target |")
print("|---|---:|---:|---:|---|")
print(f"| 1 durable event per commit, 1 writer (events/s) | {fmt(med([r['commits_per_s'] for r in raw1.values()]))} commits/s | {fmt(med([r['events_per_s'] for r in single.values()]))} | {r1:.2f}x{spread(r1s)} | >= 0.7x: {verdict(r1, 0.7)} |")
if single_ns and raw1_ns:
    rn, rns = ratio_med(single_ns, raw1_ns, "events_per_s", "commits_per_s")
    print(f"| same without fsync: the software cost of a commit (diagnostic) | {fmt(med([r['commits_per_s'] for r in raw1_ns.values()]))} commits/s | {fmt(med([r['events_per_s'] for r in single_ns.values()]))} | {rn:.2f}x{spread(rns)} | (diagnostic) |")
print(f"| batches of {batch} events per commit (events/s) | {fmt(med([r['events_per_s'] for r in rbatch.values()]))} | {fmt(med([r['events_per_s'] for r in lbatch.values()]))} | {rb:.3f}x{spread(rbs)} | >= 0.3x: {verdict(rb, 0.3)} |")
print(f"| same, raw LMDB doing Lumbung's index puts too (events/s) | {fmt(med([r['events_per_s'] for r in ibatch.values()]))} | {fmt(med([r['events_per_s'] for r in lbatch.values()]))} | {ri:.2f}x{spread(ris)} | (diagnostic) |")
print(f"| {writers} concurrent writers, 1 event per request (events/s), vs Lumbung's 1 writer | {fmt(med([r['events_per_s'] for r in single.values()]))} (1 writer) | {fmt(med([r['events_per_s'] for r in conc.values()]))} ({events_per_commit:.1f} events/commit) | {rc:.2f}x{spread(rcs)} | >= 10x: {verdict(rc, 10)} |")
if conc_more:
    rm, rms = ratio_med(conc_more, single)
    epc = med([r["events_per_commit"] for r in conc_more.values()])
    print(f"| {more} concurrent writers, same (diagnostic) | {fmt(med([r['events_per_s'] for r in single.values()]))} (1 writer) | {fmt(med([r['events_per_s'] for r in conc_more.values()]))} ({epc:.1f} events/commit) | {rm:.2f}x{spread(rms)} | (diagnostic) |")
n = scan_dec[0]["events"] if scan_dec else 0
print(f"| full scan of {n:,} events, decode (events/s) | {fmt(raw_scan)} (cursor only) | {fmt(dec)} | {dec / raw_scan:.3f}x | >= 2M/s: {verdict(dec, 2e6)} |")
print(f"| full scan, every field read in place, no copy (events/s) | {fmt(raw_scan)} (cursor only) | {fmt(fld)} | {fld / raw_scan:.3f}x | (diagnostic) |")
print(f"| full scan, decode, per CPU-second (events/s of CPU time) | {fmt(raw_cpu)} (cursor only) | {fmt(dec_cpu)} | {dec_cpu / raw_cpu:.3f}x | >= 2M/s: {verdict(dec_cpu, 2e6)} |")
print(f"| full scan, fields in place, per CPU-second (diagnostic) | {fmt(raw_cpu)} (cursor only) | {fmt(fld_cpu)} | {fld_cpu / raw_cpu:.3f}x | (diagnostic) |")
vb = next((r["value_bytes"] for r in rows if "value_bytes" in r), "?")
rb_ = sorted({r["record_bytes"] for r in rows if "record_bytes" in r})
print(f"\nRaw values: {vb} bytes; Lumbung's records of the same events: {rb_[0] if rb_ else '?'}-{vb} bytes. JSON lines: {path}")
EOF
