#!/usr/bin/env bash
# The REST benchmarks, in about a minute and a half, all on 127.0.0.1:
#   1. the ceiling: wrk GET on bench_minimal_http (Beast alone, chorusd's I/O
#      threads, a body of the groupcall's size);
#   2. for each store, a fresh chorusd: --store memory (the store off), SQLite with
#      --sync full (on, every commit durable: chorusd's default) and SQLite with
#      --sync normal, each SQLite one on a new --data-dir under the run's temp
#      directory:
#        - wrk GET /v1.0/groupcalls/{id} (memory and full): requests/s and its
#          share of the ceiling;
#        - bench_rest_create: 20,000 groupcall creations (10 simulated
#          destinations each) over 32 keep-alive connections: creations/s, p50/p99,
#          non-200 answers, chorusd's CPU per creation (steadier than creations/s
#          when other work shares the machine), and the store's own counters from
#          /metrics.
# Then a table by store, and what the store costs: --sync full against memory.
#
#   benchmarks/run_rest_benchmarks.sh [BUILD_DIR]     (default ./build)
#
# Builds nothing: build chorusd, bench_minimal_http and bench_rest_create first
# (a Release build: the numbers mean nothing otherwise). The temp directory is
# under $TMPDIR (default /tmp): put it on the disk whose fsync you mean to measure.
# Installs wrk with apt-get when it is missing. Environment: REST_BENCH_WRK_SECONDS
# (each GET run, default 10), REST_BENCH_CREATIONS (default 20000).
set -euo pipefail

build=${1:-./build}
here=$(cd "$(dirname "$0")" && pwd)
source "$here/bench_servers.sh"
chorusd=$build/transport/chorusd
minimal=$build/benchmarks/bench_minimal_http
create=$build/benchmarks/bench_rest_create
io_threads=2  # both servers get the same number of I/O threads
wrk_seconds=${REST_BENCH_WRK_SECONDS:-10}
creations=${REST_BENCH_CREATIONS:-20000}

require_binaries "cmake --build $build --target chorusd bench_minimal_http bench_rest_create" \
  "$chorusd" "$minimal" "$create"

ensure_wrk() {
  command -v wrk >/dev/null && return 0
  local sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  echo "installing wrk"
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq wrk >/dev/null ||
    { $sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq wrk >/dev/null; }
}

# Runs wrk on one URL; its report goes to the terminal, indented, and its
# requests/s into $work/get-LABEL.rps.
wrk_get() {
  local label=$1 url=$2 out=$work/wrk-$1.txt
  wrk -t2 -c64 -d"${wrk_seconds}s" -H "Authorization: Bearer $key" "$url" >"$out"
  sed "s/^/  [$label] /" "$out"
  grep '^Requests/sec:' "$out" | awk '{print $2}' >"$work/get-$label.rps"
}

# Checks that a GET answers 200 and prints its Content-Length.
body_size() {
  local response
  response=$(http_get "$1" "$2")
  if ! head -1 <<<"$response" | grep -q ' 200 '; then
    echo "GET $2 on port $1 did not answer 200:" >&2
    echo "$response" >&2
    return 1
  fi
  grep -i '^content-length:' <<<"$response" | tr -dc '0-9'
}

# Creates the groupcall the GET load reads (one destination that answers and hangs
# up at once) and waits (up to 5 s) until it has ended, so that every GET returns
# the same snapshot; prints its path.
ended_groupcall() {
  local port=$1 id path
  local body='{"source":{"type":"tel","target":"+15550100"},"destinations":[{"type":"endpoint","target":"w@sim;answer=1;hangup=1"}],"ring_method":"ring_all"}'
  id=$(http_post "$port" /v1.0/groupcalls "$body" |
    grep -o '"id":"[0-9a-f-]*"' | head -1 | cut -d'"' -f4 || true)
  [ -n "$id" ] || { echo "creating the groupcall failed" >&2; return 1; }
  path=/v1.0/groupcalls/$id
  for _ in $(seq 50); do
    http_get "$port" "$path" | grep -q '"status":"hangup"' && break
    sleep 0.1
  done
  echo "$path"
}

# The GET load on chorusd (on port $chorusd_port) with store LABEL.
get_load() {
  local label=$1 path bytes
  path=$(ended_groupcall "$chorusd_port")
  bytes=$(body_size "$chorusd_port" "$path")
  echo "wrk -t2 -c64 -d${wrk_seconds}s GET $path ($bytes bytes):"
  wrk_get "$label" "http://127.0.0.1:$chorusd_port$path"
}

# The creations on chorusd with store LABEL; the report in $work/create-LABEL.txt.
create_load() {
  local label=$1 status=0
  echo "bench_rest_create, $creations creations over 32 connections:"
  "$create" --url "http://127.0.0.1:$chorusd_port" --key "$key" --requests "$creations" \
    --connections 32 --timeout-s 60 --server-pid "$chorusd_pid" >"$work/create-$label.txt" ||
    status=$?
  grep -v '^RESULT ' "$work/create-$label.txt" | sed "s/^/  [$label] /"
  # The store's own view of the run (none for memory): commits, rows, commit latency.
  http_get "$chorusd_port" /metrics | grep '^chorus_store_' | sed "s/^/  [$label] /" || true
  return "$status"
}

ensure_wrk
bench_begin
echo "$(nproc) cores, $io_threads I/O threads for every server"

echo
echo "== the ceiling: bench_minimal_http"
start_server minimal "$minimal" --port 0 --threads "$io_threads" --max-seconds 120
minimal_port=$server_port
minimal_path=/v1.0/groupcalls/00000000-0000-4000-8000-000000000000
echo "wrk -t2 -c64 -d${wrk_seconds}s GET ($(body_size "$minimal_port" "$minimal_path") bytes):"
wrk_get minimal "http://127.0.0.1:$minimal_port$minimal_path"
stop_server "$server_pid" || true

# One fresh chorusd per store. Each line: a label, whether the GET load runs, then
# chorusd's store flags (a data directory is added for SQLite).
stores=(
  "memory get --store memory"
  "sqlite-full get --store sqlite --sync full"
  "sqlite-normal - --store sqlite --sync normal"
)
create_status=0
for entry in "${stores[@]}"; do
  read -r -a words <<<"$entry"
  label=${words[0]}
  flags=("${words[@]:2}")
  [ "${flags[1]}" = sqlite ] && flags+=(--data-dir "$work/data-$label")
  start_chorusd "chorusd-$label" --io-threads "$io_threads" "${flags[@]}"
  echo
  echo "== chorusd ${flags[*]} (on 127.0.0.1:$chorusd_port)"
  [ "${words[1]}" = get ] && get_load "$label"
  create_load "$label" || create_status=$?
  status=0
  stop_server "$chorusd_pid" || status=$?
  echo "  chorusd exited with status $status (SIGTERM)"
  [ "$status" -eq 0 ] || create_status=$status
done

# One cell of the table: a file's value, or "-".
cell() {
  local value=""
  if [ "$2" = rps ]; then
    [ -f "$work/get-$1.rps" ] && value=$(cat "$work/get-$1.rps")
  else
    [ -f "$work/create-$1.txt" ] && value=$(result_value "$work/create-$1.txt" "$2")
  fi
  echo "${value:--}"
}

# a / b as a percentage, or "-".
share() {
  awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.0f%%", 100 * a / b; else print "-" }'
}

minimal_rps=$(cell minimal rps)
echo
echo "REST on $(nproc) cores; GET /v1.0/groupcalls/{id} (wrk -t2 -c64), POST /v1.0/groupcalls" \
  "(10 destinations, $creations over 32 connections), latency in ms:"
row() { printf "%-16s %10s %9s %12s %8s %8s %8s %12s\n" "$@"; }
row store "GET req/s" "of ceil" "creations/s" p50 p99 non-200 "us/creation"
row "(minimal http)" "$minimal_rps" 100% - - - - -
for label in memory sqlite-full sqlite-normal; do
  get=$(cell "$label" rps)
  row "$label" "$get" "$(share "$get" "$minimal_rps")" "$(cell "$label" requests_per_s)" \
    "$(cell "$label" p50_ms)" "$(cell "$label" p99_ms)" "$(cell "$label" non_200)" \
    "$(cell "$label" server_us_per_request)"
done
echo "(us/creation: chorusd's CPU, user and system, per creation answered)"
echo
echo "what the store costs (--sync full against memory):" \
  "GET $(share "$(cell sqlite-full rps)" "$(cell memory rps)") of memory's req/s," \
  "creations $(share "$(cell sqlite-full requests_per_s)" "$(cell memory requests_per_s)")" \
  "of memory's/s, p99 $(cell memory p99_ms) -> $(cell sqlite-full p99_ms) ms, CPU per" \
  "creation $(cell memory server_us_per_request) -> $(cell sqlite-full server_us_per_request) us"
exit "$create_status"
