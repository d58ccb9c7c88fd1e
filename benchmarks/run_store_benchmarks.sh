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
require_binaries "cmake --build $build --target bench_engine" "$bench"
bench_begin

start_postgres

echo "== bench_engine: store off, SQLite, PostgreSQL 15 ($pg_url, fsync on)"
CHORUS_BENCH_POSTGRES_URL="$pg_url" \
  "$bench" --benchmark_filter="${BENCH_FILTER:-BM_GroupcallLifecycle/|Stored/|Postgres/}" 2>&1 | grep -E '^BM_|^-'
