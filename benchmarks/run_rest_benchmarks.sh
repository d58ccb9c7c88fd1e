#!/usr/bin/env bash
# The REST benchmarks, in about a minute, all on 127.0.0.1:
#   1. wrk GET /v1.0/groupcalls/{id} on chorusd (its default store, SQLite with
#      --sync full), then the same load on bench_minimal_http (Beast alone, same
#      threads, a body of the same size): requests/s of each and chorusd's share of
#      that ceiling;
#   2. bench_rest_create: 20,000 groupcall creations (10 simulated destinations each)
#      over 32 keep-alive connections, on a fresh chorusd for each store: SQLite with
#      --sync full, SQLite with --sync normal, and --store memory, each SQLite one on
#      a new --data-dir under the run's temp directory: requests/s, p50/p99, non-200
#      answers, and a closing table of creations/s per store.
#
#   benchmarks/run_rest_benchmarks.sh [BUILD_DIR]     (default ./build)
#
# Builds nothing: build chorusd, bench_minimal_http and bench_rest_create first
# (a Release build: the numbers mean nothing otherwise). The temp directory is
# under $TMPDIR (default /tmp): put it on the disk whose fsync you mean to measure.
# Installs wrk with apt-get when it is missing.
set -euo pipefail

build=${1:-./build}
chorusd=$build/transport/chorusd
minimal=$build/benchmarks/bench_minimal_http
create=$build/benchmarks/bench_rest_create
io_threads=2  # both servers get the same number of I/O threads

for binary in "$chorusd" "$minimal" "$create"; do
  if [ ! -x "$binary" ]; then
    echo "missing $binary: build it first (cmake --build $build --target chorusd" \
      "bench_minimal_http bench_rest_create)" >&2
    exit 2
  fi
done

ensure_wrk() {
  command -v wrk >/dev/null && return 0
  local sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  echo "installing wrk"
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq wrk >/dev/null ||
    { $sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq wrk >/dev/null; }
}

work=$(mktemp -d)
pids=()
# Whatever happens, no server outlives the script.
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# Waits (up to 5 s) for "listening on http://127.0.0.1:<port>" in a log; prints the port.
port_from() {
  local log=$1
  for _ in $(seq 50); do
    local port
    port=$(grep -o 'listening on http://127\.0\.0\.1:[0-9]*' "$log" 2>/dev/null | head -1 | cut -d: -f3)
    [ -n "$port" ] && { echo "$port"; return 0; }
    sleep 0.1
  done
  echo "no 'listening on' line in $log:" >&2
  cat "$log" >&2
  return 1
}

# One HTTP/1.1 exchange with Connection: close over bash's /dev/tcp, so that no
# HTTP client beyond wrk is needed. Prints the whole response.
http_exchange() {
  local port=$1 request=$2
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  printf '%s' "$request" >&3
  timeout 5 cat <&3 || true
  exec 3<&-
}

http_get() {
  http_exchange "$1" $'GET '"$2"$' HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer '"$key"$'\r\nConnection: close\r\n\r\n'
}

# Creates the groupcall the GET load reads: one destination that answers and hangs up
# at once, so its snapshot stops changing (936 bytes, like the minimal server's body).
create_groupcall() {
  local body='{"source":{"type":"tel","target":"+15550100"},"destinations":[{"type":"endpoint","target":"w@sim;answer=1;hangup=1"}],"ring_method":"ring_all"}'
  http_exchange "$1" "POST /v1.0/groupcalls HTTP/1.1"$'\r\n'"Host: 127.0.0.1"$'\r\n'"Authorization: Bearer $key"$'\r\n'"Content-Type: application/json"$'\r\n'"Content-Length: ${#body}"$'\r\n'"Connection: close"$'\r\n\r\n'"$body" |
    grep -o '"id":"[0-9a-f-]*"' | head -1 | cut -d'"' -f4 || true
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

# Runs wrk on one URL; its report goes to the terminal, its requests/s to stdout.
wrk_rps() {
  local label=$1 url=$2 out=$work/wrk-$1.txt
  wrk -t2 -c64 -d10s -H "Authorization: Bearer $key" "$url" >"$out"
  sed "s/^/  [$label] /" "$out" >&2
  grep '^Requests/sec:' "$out" | awk '{print $2}'
}

stop_servers() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    local status=0
    wait "$pid" || status=$?
    echo "  pid $pid exited with status $status"
  done
  pids=()
}

ensure_wrk
key=bench-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
customer=$(cat /proc/sys/kernel/random/uuid)

# Starts chorusd with the given store flags, logging to $work/chorusd-LABEL.log.
start_chorusd() {
  local label=$1
  shift
  "$chorusd" --listen 127.0.0.1:0 --api-key "$key=$customer" --io-threads "$io_threads" \
    --log-level warn "$@" >"$work/chorusd-$label.log" 2>&1 &
  pids+=($!)
}

start_chorusd get --store sqlite --sync full --data-dir "$work/data-get"
"$minimal" --port 0 --threads "$io_threads" --max-seconds 120 >"$work/minimal.log" 2>&1 &
pids+=($!)
chorusd_port=$(port_from "$work/chorusd-get.log")
minimal_port=$(port_from "$work/minimal.log")
echo "chorusd on 127.0.0.1:$chorusd_port, bench_minimal_http on 127.0.0.1:$minimal_port" \
  "($io_threads I/O threads each, $(nproc) cores)"

id=$(create_groupcall "$chorusd_port")
[ -n "$id" ] || { echo "creating the groupcall failed" >&2; exit 1; }
sleep 0.2  # let it answer and hang up, so every GET returns the same snapshot
path=/v1.0/groupcalls/$id
chorusd_bytes=$(body_size "$chorusd_port" "$path")
minimal_bytes=$(body_size "$minimal_port" "$path")
echo "GET $path: chorusd body $chorusd_bytes bytes, minimal server body $minimal_bytes bytes"

echo "wrk -t2 -c64 -d10s, chorusd:"
chorusd_rps=$(wrk_rps chorusd "http://127.0.0.1:$chorusd_port$path")
echo "wrk -t2 -c64 -d10s, bench_minimal_http:"
minimal_rps=$(wrk_rps minimal "http://127.0.0.1:$minimal_port$path")
echo
echo "GET /v1.0/groupcalls/{id}: chorusd $chorusd_rps req/s, minimal Beast server $minimal_rps req/s," \
  "ratio $(awk -v a="$chorusd_rps" -v b="$minimal_rps" 'BEGIN { printf "%.1f%%", 100 * a / b }')"
echo

echo "stopping the servers (SIGTERM)"
stop_servers
echo

# Creations, one fresh chorusd per store. Each line of `stores`: a label, then
# chorusd's store flags (the data directory is added for SQLite).
stores=(
  "sqlite-full --store sqlite --sync full"
  "sqlite-normal --store sqlite --sync normal"
  "memory --store memory"
)
create_status=0
summary=()
for entry in "${stores[@]}"; do
  read -r -a words <<<"$entry"
  label=${words[0]}
  flags=("${words[@]:1}")
  [ "${flags[1]}" = sqlite ] && flags+=(--data-dir "$work/data-$label")
  start_chorusd "$label" "${flags[@]}"
  port=$(port_from "$work/chorusd-$label.log")
  echo "chorusd ${flags[*]} on 127.0.0.1:$port:"
  status=0
  "$create" --url "http://127.0.0.1:$port" --key "$key" --requests 20000 --connections 32 \
    --timeout-s 60 | tee "$work/create-$label.txt" || status=$?
  [ "$status" -eq 0 ] || create_status=$status
  rps=$(awk '/requests\/s/ { print $2 }' "$work/create-$label.txt")
  latency=$(grep -o 'p50 .* p99 [0-9.]* ms' "$work/create-$label.txt" || true)
  summary+=("$(printf '  %-14s %8s creations/s   %s' "$label" "${rps:-?}" "$latency")")
  # The store's own view of the run (none for memory): commits, rows, commit latency.
  http_get "$port" /metrics | grep '^chorus_store_' | sed 's/^/  /' || true
  echo "stopping chorusd (SIGTERM)"
  stop_servers
  echo
done

echo "POST /v1.0/groupcalls (10 destinations), 20,000 over 32 connections, by store:"
printf '%s\n' "${summary[@]}"
exit "$create_status"
