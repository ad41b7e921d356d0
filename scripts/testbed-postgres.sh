#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on loopback for the decision-log tests (PostgresDecisionLog).
#
#   scripts/testbed-postgres.sh start   start it (creating it on first use) and print the export line
#   scripts/testbed-postgres.sh url     print the URL of the running cluster (exit 1 when it is not running)
#   scripts/testbed-postgres.sh stop    stop it (the data stays for the next start)
#   scripts/testbed-postgres.sh wipe    stop it and delete its directory
#
#   eval "$(scripts/testbed-postgres.sh start)"   # exports TESSERA_TEST_POSTGRES_URL for `swift test`
#
# The cluster lives in ${TESSERA_TESTBED_DIR:-<repo>/.testbed}/postgres (git-ignored), listens on
# 127.0.0.1 only, on the first free port from 55432, and has a role `tessera` (password auth, SCRAM, allowed
# to create databases: the tests make one per test) owning the database `tessera_test`. initdb and postgres
# refuse to run as root, so when run as root the server runs as the `postgres` user, which owns the data
# directory. Binaries: $PG_BIN, or the newest /usr/lib/postgresql/*/bin, or PATH.
# Debian/Ubuntu packages: postgresql (pulls postgresql-15 (server, initdb, pg_ctl) and postgresql-client-15
# (psql, pg_isready) on Debian 12); `apt-get install -y postgresql` is enough.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
dir="${TESSERA_TESTBED_DIR:-$repo/.testbed}/postgres"
data="$dir/data"
run="$dir/run"
log="$dir/server.log"
url_file="$dir/url"

find_bin() {
    if [ -n "${PG_BIN:-}" ]; then
        echo "$PG_BIN"
        return
    fi
    local newest
    newest="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    if [ -n "$newest" ] && [ -x "$newest/initdb" ]; then
        echo "$newest"
    elif command -v initdb >/dev/null 2>&1; then
        dirname "$(command -v initdb)"
    else
        echo "testbed-postgres: no PostgreSQL server binaries (initdb, pg_ctl) found; install them with" \
            "'apt-get install -y postgresql' or set PG_BIN" >&2
        exit 1
    fi
}

# Runs a command as the owner of the cluster: `postgres` when we are root, else ourselves.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

running() {
    [ -f "$data/postmaster.pid" ] && as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1
}

port_free() {
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

print_url() {
    echo "export TESSERA_TEST_POSTGRES_URL='$(cat "$url_file")'"
}

bin="$(find_bin)"

case "${1:-}" in
start)
    if running && [ -f "$url_file" ]; then
        print_url
        exit 0
    fi
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then
        if ! id postgres >/dev/null 2>&1; then
            echo "testbed-postgres: running as root needs a 'postgres' user to own the cluster" \
                "(the postgresql package creates it)" >&2
            exit 1
        fi
        chown postgres: "$dir"
    fi
    chmod 700 "$dir"
    if [ ! -f "$data/PG_VERSION" ]; then
        password="$(head -c 18 /dev/urandom | base64 | tr -d '+/=')"
        printf '%s\n' "$password" >"$dir/password.tmp"
        if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir/password.tmp"; fi
        echo "testbed-postgres: creating a cluster in $data" >&2
        as_owner "$bin/initdb" -D "$data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
            --encoding=UTF8 --locale=C >"$dir/initdb.log" 2>&1 || {
            cat "$dir/initdb.log" >&2
            exit 1
        }
        chmod 600 "$dir/password.tmp"
        mv "$dir/password.tmp" "$dir/password"
    fi
    password="$(cat "$dir/password")"
    as_owner mkdir -p "$run"
    port=55432
    while ! port_free "$port"; do
        port=$((port + 1))
        if [ "$port" -gt 55532 ]; then
            echo "testbed-postgres: no free port in 55432-55532 on 127.0.0.1" >&2
            exit 1
        fi
    done
    as_owner "$bin/pg_ctl" -D "$data" -l "$log" -w -t 30 \
        -o "-p $port -h 127.0.0.1 -k $run -c max_connections=200" start >/dev/null || {
        echo "testbed-postgres: the server did not start; its log ($log):" >&2
        tail -n 20 "$log" >&2 || true
        exit 1
    }
    ready=0
    for _ in $(seq 1 100); do
        if "$bin/pg_isready" -q -h 127.0.0.1 -p "$port"; then
            ready=1
            break
        fi
        sleep 0.1
    done
    if [ "$ready" -ne 1 ]; then
        echo "testbed-postgres: the server on 127.0.0.1:$port is not ready after 10 s; see $log" >&2
        exit 1
    fi
    psql=(as_owner "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$run" -p "$port" -U postgres -d postgres)
    if [ "$("${psql[@]}" -tAc "SELECT 1 FROM pg_roles WHERE rolname = 'tessera'")" != "1" ]; then
        "${psql[@]}" -c "CREATE ROLE tessera LOGIN CREATEDB PASSWORD '$password'"
    fi
    if [ "$("${psql[@]}" -tAc "SELECT 1 FROM pg_database WHERE datname = 'tessera_test'")" != "1" ]; then
        "${psql[@]}" -c "CREATE DATABASE tessera_test OWNER tessera"
    fi
    echo "postgres://tessera:$password@127.0.0.1:$port/tessera_test" >"$url_file"
    chmod 600 "$url_file"
    print_url
    ;;
url)
    if running && [ -f "$url_file" ]; then
        cat "$url_file"
    else
        echo "testbed-postgres: not running (scripts/testbed-postgres.sh start)" >&2
        exit 1
    fi
    ;;
stop)
    if running; then
        as_owner "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null
        echo "testbed-postgres: stopped" >&2
    fi
    ;;
wipe)
    if running; then as_owner "$bin/pg_ctl" -D "$data" -m immediate -w stop >/dev/null; fi
    rm -rf "$dir"
    echo "testbed-postgres: removed $dir" >&2
    ;;
*)
    echo "usage: $0 start|stop|url|wipe" >&2
    exit 2
    ;;
esac
