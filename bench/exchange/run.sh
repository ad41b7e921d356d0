#!/usr/bin/env bash
# Token exchanges per second of `tessera serve` (issue 6): POST /oauth2/token with an RFC 8693 token
# exchange on loopback, each one an ES256 verification of the subject token (a jwks-file source), the
# grant policy (exchange/grants, through the decision engine) and an ES256 signature of the issued
# token. Measured with wrk against the decision log off (none) and SQLite durable. Run from anywhere:
#
#     bench/exchange/run.sh
#
# 1. Builds the release binary (repo root, scratch path .build-release); SKIP_BUILD=1 uses the one built.
# 2. In $OUT: an issuer key (P-256) and its JWKS file, an ES256 subject token valid for two hours, the
#    broker's signing key, a tessera.yaml (broker, one jwks-file source, one jwt target), the grant
#    policy, and the form body exchange.lua posts (python3 of the testbed venv with joserfc makes the
#    keys and the token: scripts/testbed.sh).
# 3. Starts two servers on 127.0.0.1: `tessera serve` with the decision log none, and with
#    sqlite:$OUT/durable.sqlite --log-mode durable; checks that each answers the exchange with 200 and
#    a token.
# 4. A short warm-up of each, then ROUNDS rounds of `wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency
#    -s exchange.lua` against each, interleaved (the order reversed in every other round), with the
#    server's CPU time read from /proc around each run.
# 5. Stops the servers with SIGTERM, checks that the durable log holds at least as many records as wrk
#    counted answers, and prints the summary table; every wrk output and the JSON lines are kept in $OUT.
#
# Environment: ROUNDS (3), DURATION (10s), THREADS (2), CONNECTIONS (16), PORT_BASE (18280), OUT (a new
# temporary directory), SKIP_BUILD (unset), KEEP_DB (unset: the SQLite log is deleted after the check),
# TESSERA_TESTBED_VENV (default <repo>/.testbed/venv). Needs wrk 4.x (`apt-get install -y wrk`), curl.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-16}
PORT_BASE=${PORT_BASE:-18280}
OUT=${OUT:-$(mktemp -d /tmp/tessera-exchange-bench.XXXXXX)}
mkdir -p "$OUT"
venv=${TESSERA_TESTBED_VENV:-$repo/.testbed/venv}
python="$venv/bin/python"

for tool in wrk curl; do
    command -v "$tool" > /dev/null || { echo "run.sh: $tool is missing (wrk: apt-get install -y wrk)" >&2; exit 2; }
done
"$python" -c 'import joserfc' 2> /dev/null || {
    echo "run.sh: no python with joserfc at $python: run scripts/testbed.sh (or set TESSERA_TESTBED_VENV)" >&2
    exit 2
}

if [[ -z ${SKIP_BUILD:-} ]]; then
    echo "== building the release binary (several minutes the first time)"
    (cd "$repo" && swift build -c release --product tessera --scratch-path .build-release)
fi
tessera="$repo/.build-release/release/tessera"
[[ -x $tessera ]] || { echo "run.sh: $tessera is missing (run without SKIP_BUILD)" >&2; exit 2; }

cd "$OUT"
mkdir -p keys policies/exchange
# The issuer's key, its public JWKS, a subject token valid for the run, the broker's key, the form body.
"$python" - <<'EOF_KEYS'
import json, os, time, urllib.parse
from joserfc import jwt
from joserfc.jwk import ECKey, KeySet

issuer_key = ECKey.generate_key("P-256", parameters={"kid": "bench-1", "alg": "ES256", "use": "sig"})
with open("issuer-jwks.json", "w") as f:
    json.dump(KeySet([issuer_key]).as_dict(private=False), f)
now = int(time.time())
claims = {"iss": "https://issuer.example", "sub": "bench-workload", "aud": "tessera", "iat": now,
          "nbf": now, "exp": now + 7200, "jti": "bench-subject-1"}
token = jwt.encode({"alg": "ES256", "kid": "bench-1", "typ": "JWT"}, claims, issuer_key, algorithms=["ES256"])
broker_key = ECKey.generate_key("P-256")
with open("keys/broker.pem", "wb") as f:
    f.write(broker_key.as_pem(private=True))
form = [("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange"), ("subject_token", token),
        ("subject_token_type", "urn:ietf:params:oauth:token-type:jwt"), ("audience", "https://orders.example.com"),
        ("scope", "orders.read")]
fd = os.open("exchange.form", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
with os.fdopen(fd, "w") as f:
    f.write(urllib.parse.urlencode(form, quote_via=urllib.parse.quote))
EOF_KEYS
cat > tessera.yaml <<'EOF_CONFIG'
broker:
  signing_keys:
    - file: keys/broker.pem
  grant_policy: exchange/grants
  default_ttl: 5m
sources:
  - name: files
    kind: jwks-file
    issuer: https://issuer.example
    jwks_file: issuer-jwks.json
    audiences: [tessera]
    algorithms: [ES256]
targets:
  - name: orders-api
    kind: jwt
    audience: https://orders.example.com
    max_lifetime: 15m
    scopes: [orders.read, orders.write]
EOF_CONFIG
cat > policies/exchange/grants.yaml <<'EOF_POLICY'
name: exchange/grants
input: map(string, dyn)
variables:
  sub: input.?subject.?sub.orValue("")
  requested: input.?request.?scope.orValue([])
rules:
  allow: input.?source.orValue("") == "files" && sub == "bench-workload" && input.?target.orValue("") == "orders-api"
decision: |
  {
    "allow": allow,
    "scopes": allow ? requested.filter(s, s in ["orders.read"]) : [],
    "ttl": "5m",
    "claims": {"workload": sub},
    "reasons": allow ? [] : ["no grant"]
  }
default:
  allow: false
  reasons: ["the grant policy could not evaluate the input"]
EOF_POLICY

names=(none durable)
declare -A port url pid
for index in "${!names[@]}"; do
    name=${names[$index]}
    port[$name]=$((PORT_BASE + index))
    url[$name]="http://127.0.0.1:${port[$name]}/oauth2/token"
done

cleanup() {
    for name in "${!pid[@]}"; do kill "${pid[$name]}" 2> /dev/null || true; done
    for name in "${!pid[@]}"; do wait "${pid[$name]}" 2> /dev/null || true; done
}
trap cleanup EXIT

# Both servers read $OUT/tessera.yaml (their working directory).
"$tessera" serve --addr "127.0.0.1:${port[none]}" --policies policies --decision-log none \
    --log-level warning > none.log 2>&1 &
pid[none]=$!
"$tessera" serve --addr "127.0.0.1:${port[durable]}" --policies policies --decision-log "sqlite:$OUT/durable.sqlite" \
    --log-mode durable --log-level warning > durable.log 2>&1 &
pid[durable]=$!

for name in "${names[@]}"; do
    answer=""
    for _ in $(seq 1 100); do
        answer=$(curl -s -X POST -H 'Content-Type: application/x-www-form-urlencoded' --data-binary @exchange.form \
            "${url[$name]}" || true)
        [[ -n $answer ]] && break
        kill -0 "${pid[$name]}" 2> /dev/null || { echo "run.sh: $name exited:" >&2; cat "$name.log" >&2; exit 1; }
        sleep 0.3
    done
    case $answer in
        *'"access_token":"'*) echo "$name ready: an exchange answers with a token" ;;
        *) echo "run.sh: $name answers '$answer', expected a token" >&2; cat "$name.log" >&2; exit 1 ;;
    esac
done

# CPU time (user + system, clock ticks) of a process so far.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# run_wrk NAME KIND ROUND DURATION: one wrk run, appended to results.jsonl.
run_wrk() {
    local name=$1 kind=$2 round=$3 duration=$4
    local file="wrk-$name-$kind-$round.txt" before after result
    before=$(cpu_ticks "${pid[$name]}")
    EXCHANGE_BODY_FILE="$OUT/exchange.form" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$duration" --latency \
        -s "$here/exchange.lua" "${url[$name]}" > "$file" 2>&1
    after=$(cpu_ticks "${pid[$name]}")
    kill -0 "${pid[$name]}" 2> /dev/null || { echo "run.sh: $name died during $file:" >&2; cat "$name.log" >&2; exit 1; }
    result=$(sed -n 's/^RESULT //p' "$file")
    [[ -n $result ]] || { echo "run.sh: no RESULT line in $file:" >&2; cat "$file" >&2; exit 1; }
    echo "{\"config\":\"$name\",\"kind\":\"$kind\",\"round\":$round,\"server_cpu_ticks\":$((after - before)),\"result\":$result}" \
        >> results.jsonl
    printf '%-8s %-6s %-3s %s\n' "$name" "$kind" "$round" "$result"
    sleep 1
}

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== commit: $(git -C "$repo" rev-parse --short HEAD)$(git -C "$repo" diff --quiet HEAD -- Sources || echo ' (Sources modified)')"
echo "== output: $OUT"
: > results.jsonl
echo "== warm-up (2 s each)"
for name in "${names[@]}"; do run_wrk "$name" warmup 0 2s; done
echo "== peak: wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency -s exchange.lua, $ROUNDS rounds"
for round in $(seq 1 "$ROUNDS"); do
    order=("${names[@]}")
    if ((round % 2 == 0)); then order=(durable none); fi
    for name in "${order[@]}"; do run_wrk "$name" peak "$round" "$DURATION"; done
done
echo "== load after the runs: $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== stopping the servers (SIGTERM)"
for name in "${names[@]}"; do kill -TERM "${pid[$name]}"; done
for name in "${names[@]}"; do
    status=0
    wait "${pid[$name]}" || status=$?
    ((status == 0)) || { echo "run.sh: $name exited with status $status:" >&2; cat "$name.log" >&2; }
    unset "pid[$name]"
done
"$python" - <<'EOF_CHECK'
import json, sqlite3
rows = [json.loads(line) for line in open("results.jsonl")]
records = sqlite3.connect("durable.sqlite").execute("select count(*) from decisions").fetchone()[0]
answered = sum(r["result"]["requests"] - r["result"]["non2xx"] for r in rows if r["config"] == "durable")
verdict = "ok" if records >= answered else f"MISSING {answered - records}"
print(f"decision log durable: {records} records, {answered} answers counted by wrk: {verdict}")
EOF_CHECK
[[ -n ${KEEP_DB:-} ]] || rm -f durable.sqlite*

echo "== summary (medians over rounds)"
"$python" - "$(getconf CLK_TCK)" <<'EOF'
import json, statistics, sys
ticks = int(sys.argv[1])
rows = [json.loads(line) for line in open("results.jsonl")]
print("| server | exchanges/s (median) | exchanges/s (range) | p50 ms | p99 ms | server CPU µs/exchange | non-2xx / errors |")
print("|---|---:|---:|---:|---:|---:|---:|")
for name in ["none", "durable"]:
    runs = [r for r in rows if r["config"] == name and r["kind"] == "peak"]
    rates = [r["result"]["rps"] for r in runs]
    cpu = [r["server_cpu_ticks"] / ticks * 1e6 / max(r["result"]["requests"], 1) for r in runs]
    bad = sum(r["result"]["non2xx"] + r["result"]["errors"] for r in rows if r["config"] == name)
    print(f"| tessera, log {name} | {statistics.median(rates):,.0f} | {min(rates):,.0f}–{max(rates):,.0f} "
          f"| {statistics.median([r['result']['p50_us'] for r in runs]) / 1000:.3f} "
          f"| {statistics.median([r['result']['p99_us'] for r in runs]) / 1000:.3f} "
          f"| {statistics.median(cpu):.0f} | {bad} |")
EOF
