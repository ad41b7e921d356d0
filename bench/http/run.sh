#!/usr/bin/env bash
# HTTP throughput and latency of `tessera serve` for POST /v1/data/mcp/trust_boundaries/allow, against
# a trivial Hummingbird endpoint (bench/Tools/TrivialServer) measured in the same run, with wrk on
# loopback (issue 5). Run from anywhere; about 4 minutes after the builds:
#
#     bench/http/run.sh
#
# 1. Builds release binaries: `tessera` (repo root, scratch path .build-release) and `trivial-server`
#    (bench package, scratch path bench/.build-http). SKIP_BUILD=1 uses the binaries already built.
# 2. Starts four servers on 127.0.0.1: trivial-server, and `tessera serve` with the decision log off
#    (none), SQLite buffered, SQLite durable (files in a temporary directory); waits until each
#    answers the benchmark request correctly.
# 3. Peak: a short warm-up of each, then ROUNDS rounds of `wrk -t$THREADS -c$CONNECTIONS -d$DURATION
#    --latency -s post.lua` against each server, interleaved (trivial, none, buffered, durable; the
#    order reversed in every other round), with the server's CPU time read from /proc around each run.
# 4. Half load: for each server, drives half of its median peak rate: wrk 4.1 has no rate option, so
#    every connection pauses WRK_DELAY_MS (integer ms) after each response and the number of
#    connections sets the rate (rate ~ connections / (pause + latency)); short calibration runs
#    correct the connection count, then a measured run reports the achieved rate and p50/p99.
#    The pause is 1 ms by default: wrk's timers have 1 ms resolution and fire together, so longer
#    pauses over more connections send requests in bursts and raise the latency the run is meant
#    to measure (the trivial endpoint at 16,000-18,000 req/s: p99 1.3 ms with 1 ms pauses over 32
#    connections, 3.8 ms with 5 ms pauses over 108). Each connection stays a closed loop with a think
#    time, not an open-loop arrival process: a slower server also gets fewer requests.
#    Last, trivial-server paced at the rate tessera (log none) reached at half load: the latency floor of
#    the HTTP stack and wrk at that rate.
# 5. Stops the servers with SIGTERM and checks that each SQLite log holds at least as many records as
#    wrk counted answers. Prints the summary table; every wrk output and the JSON lines are kept in $OUT.
#
# Environment: ROUNDS (3), DURATION (10s), THREADS (2), CONNECTIONS (16), HALF_DURATION (10s),
# HALF_DELAY_MS (1), PORT_BASE (18180), OUT (a new temporary directory), SKIP_BUILD (unset), KEEP_DB
# (unset: the SQLite logs, a few hundred MB, are deleted after the record count check).
# Needs wrk 4.x (`apt-get install -y wrk`), curl and python3.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-16}
HALF_DURATION=${HALF_DURATION:-10s}
HALF_DELAY_MS=${HALF_DELAY_MS:-1}
PORT_BASE=${PORT_BASE:-18180}
OUT=${OUT:-$(mktemp -d /tmp/tessera-http-bench.XXXXXX)}
mkdir -p "$OUT"
BODY='{"input": {"agent": {"trust_level": "trusted"}, "request": {"operation": "execute", "tool": "shell"}}}'

for tool in wrk curl python3; do
    command -v "$tool" > /dev/null || { echo "run.sh: $tool is missing (wrk: apt-get install -y wrk)" >&2; exit 2; }
done

if [[ -z ${SKIP_BUILD:-} ]]; then
    echo "== building release binaries (several minutes the first time)"
    (cd "$repo" && swift build -c release --product tessera --scratch-path .build-release)
    (cd "$repo/bench" && swift build -c release --product trivial-server --scratch-path .build-http)
fi
tessera="$repo/.build-release/release/tessera"
trivial="$repo/bench/.build-http/release/trivial-server"
for binary in "$tessera" "$trivial"; do
    [[ -x $binary ]] || { echo "run.sh: $binary is missing (run without SKIP_BUILD)" >&2; exit 2; }
done

names=(trivial none buffered durable)
declare -A port url pid
for index in "${!names[@]}"; do port[${names[$index]}]=$((PORT_BASE + index)); done
url[trivial]="http://127.0.0.1:${port[trivial]}/trivial"
for name in none buffered durable; do
    url[$name]="http://127.0.0.1:${port[$name]}/v1/data/mcp/trust_boundaries/allow"
done

cleanup() {
    for name in "${!pid[@]}"; do kill "${pid[$name]}" 2> /dev/null || true; done
    for name in "${!pid[@]}"; do wait "${pid[$name]}" 2> /dev/null || true; done
}
trap cleanup EXIT

# The servers run in $OUT, so no ./tessera.yaml is picked up.
cd "$OUT"
"$trivial" --port "${port[trivial]}" > trivial.log 2>&1 &
pid[trivial]=$!
"$tessera" serve --addr "127.0.0.1:${port[none]}" --policies "$repo/policies" --decision-log none \
    --log-level warning > none.log 2>&1 &
pid[none]=$!
"$tessera" serve --addr "127.0.0.1:${port[buffered]}" --policies "$repo/policies" \
    --decision-log "sqlite:$OUT/buffered.sqlite" --log-mode buffered --log-level warning > buffered.log 2>&1 &
pid[buffered]=$!
"$tessera" serve --addr "127.0.0.1:${port[durable]}" --policies "$repo/policies" \
    --decision-log "sqlite:$OUT/durable.sqlite" --log-mode durable --log-level warning > durable.log 2>&1 &
pid[durable]=$!

for name in "${names[@]}"; do
    answer=""
    for _ in $(seq 1 100); do
        answer=$(curl -s -X POST -H 'Content-Type: application/json' -d "$BODY" "${url[$name]}" || true)
        [[ -n $answer ]] && break
        kill -0 "${pid[$name]}" 2> /dev/null || { echo "run.sh: $name exited:" >&2; cat "$name.log" >&2; exit 1; }
        sleep 0.3
    done
    case $answer in
        '{"result":true}' | '{"decision_id":"'*'","result":true}') echo "$name ready: $answer" ;;
        *) echo "run.sh: $name answers '$answer', expected result true" >&2; cat "$name.log" >&2; exit 1 ;;
    esac
done

# CPU time (user + system, clock ticks) of a process so far.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# run_wrk NAME KIND ROUND CONNECTIONS DURATION [DELAY_MS]: one wrk run, appended to results.jsonl.
run_wrk() {
    local name=$1 kind=$2 round=$3 connections=$4 duration=$5 delay=${6:-0}
    local file="wrk-$name-$kind-$round.txt" before after
    before=$(cpu_ticks "${pid[$name]}")
    WRK_DELAY_MS=$delay wrk -t"$THREADS" -c"$connections" -d"$duration" --latency -s "$here/post.lua" \
        "${url[$name]}" > "$file" 2>&1
    after=$(cpu_ticks "${pid[$name]}")
    kill -0 "${pid[$name]}" 2> /dev/null || { echo "run.sh: $name died during $file:" >&2; cat "$name.log" >&2; exit 1; }
    local result
    result=$(sed -n 's/^RESULT //p' "$file")
    [[ -n $result ]] || { echo "run.sh: no RESULT line in $file:" >&2; cat "$file" >&2; exit 1; }
    echo "{\"config\":\"$name\",\"kind\":\"$kind\",\"round\":$round,\"connections\":$connections,\"delay_ms\":$delay,\"server_cpu_ticks\":$((after - before)),\"result\":$result}" \
        >> results.jsonl
    printf '%-9s %-6s %-6s c=%-4s %s\n' "$name" "$kind" "$round" "$connections" "$result"
    sleep 1
}

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== commit: $(git -C "$repo" rev-parse --short HEAD)$(git -C "$repo" diff --quiet HEAD -- Sources policies || echo ' (Sources or policies modified)')"
echo "== output: $OUT"
: > results.jsonl
echo "== warm-up (2 s each)"
for name in "${names[@]}"; do run_wrk "$name" warmup 0 "$CONNECTIONS" 2s; done

echo "== peak: wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency, $ROUNDS rounds"
for round in $(seq 1 "$ROUNDS"); do
    order=("${names[@]}")
    if ((round % 2 == 0)); then order=(durable buffered none trivial); fi
    for name in "${order[@]}"; do run_wrk "$name" peak "$round" "$CONNECTIONS" "$DURATION"; done
done

echo "== half load: each connection pauses ${HALF_DELAY_MS} ms after each response"
median_peak() {
    python3 -c '
import json, statistics, sys
rates = [r["result"]["rps"] for r in map(json.loads, open("results.jsonl")) if r["config"] == sys.argv[1] and r["kind"] == "peak"]
print(statistics.median(rates))' "$1"
}
# connections for a rate: rate * (pause + ~0.6 ms of latency and timer lateness), at least THREADS.
connections_for() {
    python3 -c 'import sys; print(max(int(sys.argv[3]), round(float(sys.argv[1]) * (float(sys.argv[2]) + 0.6) / 1000)))' \
        "$1" "$HALF_DELAY_MS" "$THREADS"
}
# paced_run NAME KIND TARGET: calibrates the connection count for TARGET req/s (up to two 3 s runs,
# the second only when the first is more than 5% off), then one measured run of kind KIND.
paced_run() {
    local name=$1 kind=$2 target=$3 connections achieved previous pass
    connections=$(connections_for "$target")
    for pass in 1 2; do
        run_wrk "$name" "calib-$kind" "$pass" "$connections" 3s "$HALF_DELAY_MS"
        achieved=$(tail -n 1 results.jsonl | python3 -c 'import json, sys; print(json.load(sys.stdin)["result"]["rps"])')
        previous=$connections
        connections=$(python3 -c "print(max($THREADS, round($connections * $target / max($achieved, 1))))")
        if python3 -c "import sys; sys.exit(0 if abs($achieved / $target - 1) <= 0.05 else 1)"; then
            connections=$previous
            break
        fi
    done
    run_wrk "$name" "$kind" 1 "$connections" "$HALF_DURATION" "$HALF_DELAY_MS"
}
for name in "${names[@]}"; do
    paced_run "$name" half "$(python3 -c "print($(median_peak "$name") / 2)")"
done
# The floor of the stack and of wrk at tessera's half-load rate: trivial-server at the rate tessera
# (log none) reached in its half-load run.
none_half=$(python3 -c '
import json
print([r["result"]["rps"] for r in map(json.loads, open("results.jsonl")) if r["config"] == "none" and r["kind"] == "half"][-1])')
paced_run trivial same-rate "$none_half"

echo "== stopping the servers (SIGTERM; the buffered log commits what it holds)"
for name in "${names[@]}"; do kill -TERM "${pid[$name]}"; done
for name in "${names[@]}"; do
    status=0
    wait "${pid[$name]}" || status=$?
    ((status == 0)) || { echo "run.sh: $name exited with status $status:" >&2; cat "$name.log" >&2; }
    unset "pid[$name]"
done
# Every answer wrk counted must be in the log (the log may hold a few more: the readiness check, and
# requests in flight when a run ended).
python3 - <<'EOF_CHECK'
import json, sqlite3
rows = [json.loads(line) for line in open("results.jsonl")]
for name in ["buffered", "durable"]:
    records = sqlite3.connect(f"{name}.sqlite").execute("select count(*) from decisions").fetchone()[0]
    answered = sum(r["result"]["requests"] - r["result"]["non2xx"] for r in rows if r["config"] == name)
    verdict = "ok" if records >= answered else f"MISSING {answered - records}"
    print(f"decision log {name}: {records} records, {answered} answers counted by wrk: {verdict}")
EOF_CHECK
[[ -n ${KEEP_DB:-} ]] || rm -f buffered.sqlite* durable.sqlite*

echo "== summary (medians over rounds; ratio = tessera / trivial of the same round, median)"
python3 - "$(getconf CLK_TCK)" <<'EOF'
import json, statistics, sys
ticks = int(sys.argv[1])
rows = [json.loads(line) for line in open("results.jsonl")]
names = ["trivial", "none", "buffered", "durable"]
peak = {n: [r for r in rows if r["config"] == n and r["kind"] == "peak"] for n in names}
trivial_by_round = {r["round"]: r["result"]["rps"] for r in peak["trivial"]}
def med(values): return statistics.median(values) if values else float("nan")
print("| server | req/s (median) | req/s (range) | ratio to trivial | p50 ms | p99 ms | server CPU µs/req | half-load req/s (% of peak) | half p50 ms | half p99 ms | non-2xx / errors |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
same = [r["result"] for r in rows if r["config"] == "trivial" and r["kind"] == "same-rate"]
for n in names:
    runs = peak[n]
    rates = [r["result"]["rps"] for r in runs]
    ratios = [r["result"]["rps"] / trivial_by_round[r["round"]] for r in runs]
    cpu = [r["server_cpu_ticks"] / ticks * 1e6 / max(r["result"]["requests"], 1) for r in runs]
    half = [r for r in rows if r["config"] == n and r["kind"] == "half"]
    bad = sum(r["result"]["non2xx"] + r["result"]["errors"] for r in rows if r["config"] == n)
    half_text = "–"
    hp50 = hp99 = "–"
    if half:
        h = half[-1]["result"]
        half_text = f"{h['rps']:,.0f} ({100 * h['rps'] / med(rates):.0f}%)"
        hp50, hp99 = f"{h['p50_us'] / 1000:.3f}", f"{h['p99_us'] / 1000:.3f}"
    label = "trivial-server" if n == "trivial" else f"tessera, log {n}"
    print(f"| {label} | {med(rates):,.0f} | {min(rates):,.0f}–{max(rates):,.0f} | {med(ratios):.2f} "
          f"| {med([r['result']['p50_us'] for r in runs]) / 1000:.3f} | {med([r['result']['p99_us'] for r in runs]) / 1000:.3f} "
          f"| {med(cpu):.0f} | {half_text} | {hp50} | {hp99} | {bad} |")
if same:
    h = same[-1]
    print(f"| trivial-server at tessera's (log none) half-load rate | | | | | | | {h['rps']:,.0f} | "
          f"{h['p50_us'] / 1000:.3f} | {h['p99_us'] / 1000:.3f} | {h['non2xx'] + h['errors']} |")
EOF
