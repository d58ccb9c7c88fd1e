#!/usr/bin/env bash
# What the store costs a groupcall lifecycle, SQLite beside PostgreSQL in one run:
# bench_engine's store-off lifecycle (the reference), its SQLite variants and its
# PostgreSQL variants against a PostgreSQL 15 of the script's own on loopback
# (initdb into a temporary directory; fsync on, as in production; as root, the
# server runs as the postgres user). Usage:
#   benchmarks/run_store_benchmarks.sh [BUILD_DIR]     (default: build)
# Figures: legs/s (items_per_second), cpu_us/leg, commits/s, rows/commit and the
# commit latency p50/p99 of each. Issue 20's target: a node on PostgreSQL at least
# half the rate of a lone node (on SQLite).
set -euo pipefail
cd "$(dirname "$0")/.."
source benchmarks/bench_servers.sh

build=${1:-build}
bench=$build/benchmarks/bench_engine
pg_bin=${CHORUS_POSTGRES_BIN_DIR:-/usr/lib/postgresql/15/bin}
require_binaries "cmake --build $build --target bench_engine" "$bench" "$pg_bin/initdb" \
  "$pg_bin/postgres"
bench_begin

as_postgres=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres "$work"
  as_postgres=(runuser -u postgres --)
fi
"${as_postgres[@]}" "$pg_bin/initdb" -D "$work/pg" -A trust -U chorus -E UTF8 --locale=C \
  --no-instructions > "$work/initdb.log"

# A free port: PostgreSQL takes no port 0, so try until one is free.
for _ in $(seq 20); do
  port=$((20000 + RANDOM % 40000))
  "${as_postgres[@]}" "$pg_bin/postgres" -D "$work/pg" -p "$port" -k "$work" \
    -c listen_addresses=127.0.0.1 -c max_connections=50 > "$work/pg.log" 2>&1 &
  pg_pid=$!
  server_pids+=("$pg_pid")
  for _ in $(seq 300); do
    grep -q "ready to accept connections" "$work/pg.log" && break
    kill -0 "$pg_pid" 2>/dev/null || break
    sleep 0.1
  done
  grep -q "ready to accept connections" "$work/pg.log" && break
  wait "$pg_pid" 2>/dev/null || true
  pg_pid=""
done
[ -n "${pg_pid:-}" ] || { echo "PostgreSQL did not start:" >&2; cat "$work/pg.log" >&2; exit 1; }

echo "== bench_engine: store off, SQLite, PostgreSQL 15 (127.0.0.1:$port, fsync on)"
CHORUS_BENCH_POSTGRES_URL="postgresql://chorus@127.0.0.1:$port/postgres" \
  "$bench" --benchmark_filter="${BENCH_FILTER:-BM_GroupcallLifecycle/|Stored/|Postgres/}" 2>&1 | grep -E '^BM_|^-'
