#!/usr/bin/env bash
# The auditor's toolkit at 1M+ events (issue 5), in one run, release builds:
#
#   1. the cost the Merkle tree adds to batched appends (merkle-bench overhead: tree off and on,
#      alternating round by round, ratio per round);
#   2. a 1M-event log (merkle-bench proofs): tree heads, inclusion and consistency proof times
#      inside one process, and the files the independent script checks;
#   3. on that log, with the lumbung CLI: `export --format ndjson` (events/s, MB/s), `verify`
#      (events/s), `audit digest`, `audit prove` of a random position (one process each), then
#      `audit verify-export --digest` (events/s);
#   4. Scripts/verify_export.py (rfc8785 + cryptography, no Lumbung code) on the proofs of step 2
#      and 3 against their signed digests, and on the whole export against the CLI's digest.
#
#   cd Benchmarks && ./audit.sh
#
# Environment (defaults in brackets):
#   LUMBUNG_BENCH_DIR  where the data directories go, on the real disk, not tmpfs [/tmp]
#   EVENTS             events in the log and in each overhead run [1000000]
#   BATCH              events per append request [1000]
#   ROUNDS             overhead rounds (each: tree off and tree on) [3]
#   SAMPLES            timed samples of each proof operation [5000]
#   PROVES             `lumbung audit prove` processes timed [20]
#   LUMBUNG_PYTHON     the Python of Scripts/verify_export.py [../.venv/bin/python3, made by `make deps`]
#   PYTHON_EXPORT=0    skip the Python script's check of the whole export (minutes at 1M)
#   OUT                JSON lines of every measurement [$LUMBUNG_BENCH_DIR/lumbung-audit-<time>.jsonl]
#   KEEP=1             keep the log and the export (their directory is printed)
#   SKIP_BUILD=1       use the binaries already built
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
base="${LUMBUNG_BENCH_DIR:-/tmp}"
EVENTS="${EVENTS:-1000000}"
BATCH="${BATCH:-1000}"
ROUNDS="${ROUNDS:-3}"
SAMPLES="${SAMPLES:-5000}"
PROVES="${PROVES:-20}"
OUT="${OUT:-$base/lumbung-audit-$(date -u +%Y%m%dT%H%M%SZ).jsonl}"

if [ "$(stat -f -c %T "$base")" = "tmpfs" ]; then
    echo "audit.sh: $base is tmpfs; set LUMBUNG_BENCH_DIR to a directory on a real disk" >&2
    exit 2
fi
[ -x /usr/bin/time ] || { echo "audit.sh: needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
# The Python of Scripts/verify_export.py: the tests' virtual environment (`make deps` makes it).
python="${LUMBUNG_PYTHON:-$root/.venv/bin/python3}"
"$python" -c 'import rfc8785, cryptography' 2>/dev/null || {
    echo "audit.sh: $python needs rfc8785 and cryptography (run \`make deps\`, or set LUMBUNG_PYTHON)" >&2
    exit 2
}

if [ "${SKIP_BUILD:-}" != 1 ]; then
    echo "building (release) ..." >&2
    (cd "$root" && swift build -c release --product lumbung >&2)
    (cd "$here" && swift build -c release --product merkle-bench >&2)
fi
lumbung="$(cd "$root" && swift build -c release --show-bin-path)/lumbung"
mb="$(cd "$here" && swift build -c release --show-bin-path)/merkle-bench"
script="$root/Scripts/verify_export.py"

work="$(mktemp -d "$base/lumbung-audit.XXXXXX")"
if [ "${KEEP:-}" = 1 ]; then
    echo "keeping $work" >&2
else
    trap 'rm -rf "$work"' EXIT
fi
: > "$OUT"
data="$work/data"

emit() {  # emit JSON: one line to $OUT and to stdout
    echo "$1" >> "$OUT"
    echo "$1"
}

now() { date +%s.%N; }

# timed CMD...: runs CMD (stdout kept in $work/timed.out), then sets $s (wall seconds) and $cpu
# (user + system CPU seconds): on a shared machine the CPU time says what the work costs, the wall
# time what the machine gave it.
timed() {
    local rc=0
    /usr/bin/time -o "$work/time.txt" -f "%e %U %S" "$@" > "$work/timed.out" || rc=$?
    read -r s user sys < <(tail -1 "$work/time.txt")
    cpu=$(python3 -c "print(round($user + $sys, 2))")
    return $rc
}

# rates COUNT: the JSON members for COUNT items in $s wall and $cpu CPU seconds
rates() {
    echo "\"seconds\":$s,\"cpuSeconds\":$cpu,\"eventsPerSecond\":$(rate "$1" "$s"),\"eventsPerCPUSecond\":$(rate "$1" "$cpu")"
}

# elapsed START: seconds since START, to the millisecond
elapsed() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.3f}')" "$1" "$(now)"; }

# rate COUNT SECONDS: COUNT / SECONDS, rounded
rate() { python3 -c "import sys; print(round(float(sys.argv[1]) / float(sys.argv[2])))" "$1" "$2"; }

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); data under $work; results: $OUT" >&2
emit "{\"step\":\"machine\",\"cores\":$(nproc),\"loadAverage\":\"$(cut -d' ' -f1-3 /proc/loadavg)\",\"utc\":\"$(date -u +%FT%TZ)\"}"

# 1. The tree's cost on batched appends.
echo "1. overhead: $ROUNDS rounds of $EVENTS events, tree off and on" >&2
"$mb" overhead --events "$EVENTS" --batch "$BATCH" --rounds "$ROUNDS" | while read -r line; do emit "$line"; done

# 2. A log of EVENTS events, proof times inside one process, files for the script.
echo "2. proofs in a $EVENTS-event log" >&2
"$mb" proofs --events "$EVENTS" --batch "$BATCH" --samples "$SAMPLES" --keep "$data" | while read -r line; do emit "$line"; done
emit "{\"step\":\"python: inclusion proof (merkle-bench) against its digest\",\"result\":$("$python" "$script" --prove "$data/proof.json" --digest "$data/digest.json" --public-key "$(jq -r .publicKey "$data/digest.json")" --event "$data/event.json")}"
emit "{\"step\":\"python: consistency proof (merkle-bench) against its digest\",\"result\":$("$python" "$script" --prove "$data/consistency.json" --digest "$data/digest.json" --public-key "$(jq -r .publicKey "$data/digest.json")")}"

# 3. The CLI on that log.
echo "3. CLI: export, verify, digest, prove, verify-export" >&2
# The same log's export twice: the first run reads the log from disk if the page cache lost it.
for run in 1 2; do
    timed "$lumbung" export --data-dir "$data" --format ndjson --output "$work/export.ndjson"
    bytes=$(stat -c %s "$work/export.ndjson")
    lines=$(wc -l < "$work/export.ndjson")
    emit "{\"step\":\"lumbung export --format ndjson (run $run)\",\"events\":$lines,\"bytes\":$bytes,$(rates "$lines"),\"megabytesPerSecond\":$(python3 -c "print(round($bytes / 1e6 / $s, 1))"),\"megabytesPerCPUSecond\":$(python3 -c "print(round($bytes / 1e6 / $cpu, 1))")}"
done

timed "$lumbung" verify --data-dir "$data" 2>/dev/null || true
emit "{\"step\":\"lumbung verify\",\"events\":$lines,$(rates "$lines"),\"result\":$(cat "$work/timed.out")}"

"$lumbung" audit digest --data-dir "$data" > "$work/digest.json"
# The auditor's pinned key: the benchmark made this data directory, so it reads the key from it.
key=$("$lumbung" audit public-key --data-dir "$data" | jq -r .publicKey)
emit "{\"step\":\"lumbung audit digest\",\"result\":$(cat "$work/digest.json")}"

t=$(now)
for i in $(seq 1 "$PROVES"); do
    p=$(python3 -c "import random; print(random.randint(1, $lines))")
    "$lumbung" audit prove --data-dir "$data" --position "$p" > "$work/prove-$i.json"
done
s=$(elapsed "$t")
emit "{\"step\":\"lumbung audit prove (one process each, startup included)\",\"processes\":$PROVES,\"secondsEach\":$(python3 -c "print(round($s / $PROVES, 4))")}"
p=$(python3 -c "import json; print(json.load(open('$work/prove-1.json'))['position'])")
"$lumbung" read --data-dir "$data" --all --from "$p" --limit 1 > "$work/event-cli.json"
emit "{\"step\":\"python: inclusion proof of position $p (lumbung audit prove) against the CLI's digest\",\"result\":$("$python" "$script" --prove "$work/prove-1.json" --digest "$work/digest.json" --public-key "$key" --event "$work/event-cli.json")}"

timed "$lumbung" audit verify-export "$work/export.ndjson" --digest "$work/digest.json" --public-key "$key" 2>/dev/null || true
emit "{\"step\":\"lumbung audit verify-export --digest\",\"events\":$lines,$(rates "$lines"),\"result\":$(cat "$work/timed.out")}"

# 4. The independent script on the whole export.
if [ "${PYTHON_EXPORT:-1}" != 0 ]; then
    echo "4. Scripts/verify_export.py on the whole export (slow)" >&2
    timed "$python" "$script" "$work/export.ndjson" --digest "$work/digest.json" --public-key "$key" || true
    emit "{\"step\":\"python: verify_export.py EXPORT --digest\",\"events\":$lines,$(rates "$lines"),\"result\":$(cat "$work/timed.out")}"
fi
echo "done; JSON lines in $OUT" >&2
