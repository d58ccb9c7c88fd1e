#!/usr/bin/env bash
# The WebSocket fan-out benchmarks, in about a minute, all on 127.0.0.1:
#   1. chorusd: bench_ws_fanout with 1, 100 and 1000 subscribers on /v1.0/ws, each
#      run POSTing groupcalls (2 simulated legs, ~15 events each) as fast as they are
#      delivered (a bounded number in flight): events/s delivered summed over the
#      subscribers, p50/p99 latency from state change (tm_update) to receipt. The
#      1-subscriber run records 300 real event frames.
#   2. the reference: benchmarks/ws_reference/server.js (Node's ws) replaying those
#      frames to the same numbers of subscribers as fast as they take them, latency
#      from its "ts" stamp.
#   3. both again at 1000 subscribers at half of their own maximum load, for p99.
# Then a table: subscribers, chorusd events/s, p50, p99, reference events/s, p50,
# p99, and the ratio chorusd/reference.
#
#   benchmarks/run_ws_benchmarks.sh [BUILD_DIR]     (default ./build)
#
# Builds nothing: build chorusd and bench_ws_fanout first. Installs the reference's
# npm dependencies into benchmarks/ws_reference/node_modules when they are missing.
# Environment: WS_BENCH_SECONDS (measured seconds per run, default 5);
# WS_BENCH_PERF=1 records chorusd with perf during its 1000-subscriber run and prints
# the top symbols.
set -euo pipefail

build=${1:-./build}
here=$(cd "$(dirname "$0")" && pwd)
reference_dir=$here/ws_reference
chorusd=$build/transport/chorusd
client=$build/benchmarks/bench_ws_fanout
seconds=${WS_BENCH_SECONDS:-5}
counts=(1 100 1000)

for binary in "$chorusd" "$client"; do
  if [ ! -x "$binary" ]; then
    echo "missing $binary: build it first (cmake --build $build --target chorusd bench_ws_fanout)" >&2
    exit 2
  fi
done
command -v node >/dev/null || { echo "node is required for the reference server" >&2; exit 2; }

# 1000 subscribers are 1000 sockets in the client and 1000 in each server.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 4096 ]; then
  echo "need at least 4096 open files (ulimit -n is $(ulimit -n))" >&2
  exit 2
fi

if [ ! -d "$reference_dir/node_modules/ws" ]; then
  echo "installing the reference server's npm dependencies"
  npm install --prefix "$reference_dir" --no-audit --no-fund --loglevel=error >/dev/null
fi

work=$(mktemp -d)
pids=()
# Whatever happens, no server outlives the script.
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# Waits (up to 10 s) for "listening on <scheme>://127.0.0.1:<port>" in a log; prints the port.
port_from() {
  local log=$1
  for _ in $(seq 100); do
    local port
    port=$(grep -o 'listening on [a-z]*://127\.0\.0\.1:[0-9]*' "$log" 2>/dev/null | head -1 | cut -d: -f3)
    [ -n "$port" ] && { echo "$port"; return 0; }
    sleep 0.1
  done
  echo "no 'listening on' line in $log:" >&2
  cat "$log" >&2
  return 1
}

# One value from a saved RESULT line: result_value FILE key
result_value() {
  { grep '^RESULT ' "$1" | tr ' ' '\n' | grep "^$2=" | cut -d= -f2; } 2>/dev/null || true
}

# Runs bench_ws_fanout (which also reads the server's CPU use in its window); its
# report goes to the terminal, indented, and is kept in $work/<label>.txt.
run_client() {
  local label=$1 server_pid=$2
  shift 2
  local out=$work/$label.txt status=0
  "$client" --seconds "$seconds" --server-pid "$server_pid" "$@" >"$out" 2>&1 || status=$?
  sed "s/^/  [$label] /" "$out" | grep -v '\] RESULT '
  [ "$status" -eq 0 ] || echo "  [$label] bench_ws_fanout exited with status $status" >&2
}

key=bench-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
customer=$(cat /proc/sys/kernel/random/uuid)
"$chorusd" --listen 127.0.0.1:0 --api-key "$key=$customer" --ws-queue-events 1000000 \
  --log-level warn >"$work/chorusd.log" 2>&1 &
chorusd_pid=$!
pids+=("$chorusd_pid")
chorusd_port=$(port_from "$work/chorusd.log")
echo "chorusd on 127.0.0.1:$chorusd_port (pid $chorusd_pid, --ws-queue-events 1000000)," \
  "$(nproc) cores, $seconds s per run"

# In flight (closed loop): groupcalls whose groupcall_hangup has not reached every
# subscriber. One subscriber needs many to keep the engine busy; with 100 or more the
# fan-out is the bottleneck and more would only lengthen every connection's queue.
in_flight_for() { if [ "$1" -le 1 ]; then echo 64; else echo 2; fi; }

chorusd_client() {
  local label=$1 subscribers=$2
  shift 2
  run_client "$label" "$chorusd_pid" --mode chorusd --url "ws://127.0.0.1:$chorusd_port" \
    --key "$key" --customer "$customer" --subscribers "$subscribers" "$@"
}

echo
echo "== chorusd, as fast as delivered"
for n in "${counts[@]}"; do
  extra=(--max-in-flight "$(in_flight_for "$n")")
  [ "$n" -eq "${counts[0]}" ] && extra+=(--record "$work/frames.txt" --record-frames 300)
  if [ "$n" -eq 1000 ] && [ "${WS_BENCH_PERF:-0}" = 1 ] && command -v perf >/dev/null; then
    (sleep 3 && perf record -g -p "$chorusd_pid" -o "$work/perf.data" -- sleep 3 \
      >/dev/null 2>&1) &
    perf_pid=$!
  fi
  chorusd_client "chorusd-$n" "$n" "${extra[@]}"
done
frames=$(wc -l <"$work/frames.txt" 2>/dev/null || echo 0)
[ "$frames" -gt 0 ] || { echo "no event frames were recorded for the reference" >&2; exit 1; }
echo "  recorded $frames chorusd event frames for the reference"

# The reference server, restarted for each run so that it starts sending only once
# that run's subscribers are all connected.
reference_client() {
  local label=$1 subscribers=$2
  shift 2
  node "$reference_dir/server.js" --frames "$work/frames.txt" --clients "$subscribers" "$@" \
    --max-seconds 60 >"$work/$label-server.log" 2>&1 &
  local pid=$!
  pids+=("$pid")
  local port
  port=$(port_from "$work/$label-server.log")
  run_client "$label" "$pid" --mode reference --url "ws://127.0.0.1:$port" \
    --subscribers "$subscribers"
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

echo
echo "== reference (node $(node --version), ws $(node -p "require('$reference_dir/node_modules/ws/package.json').version")), as fast as taken"
for n in "${counts[@]}"; do reference_client "reference-$n" "$n" --rate 0; done

# Half of each server's own maximum at 1000 subscribers: chorusd at half the
# groupcalls/s of its closed-loop run, the reference at half its events/s, sent in
# bursts as large as a groupcall's events (measured in the 1-subscriber run), since
# chorusd's come that way.
max_groupcalls=$(result_value "$work/chorusd-1000.txt" groupcalls_per_s)
max_reference=$(result_value "$work/reference-1000.txt" events_per_s)
half_groupcalls=$(awk -v g="$max_groupcalls" 'BEGIN { printf "%.2f", g / 2 }')
half_reference=$(awk -v e="$max_reference" 'BEGIN { printf "%.0f", e / 1000 / 2 }')
burst=$(awk -v e="$(result_value "$work/chorusd-1.txt" events_per_s)" \
  -v g="$(result_value "$work/chorusd-1.txt" groupcalls_per_s)" \
  'BEGIN { b = g > 0 ? e / g : 1; printf "%.0f", b < 1 ? 1 : b }')
echo
echo "== half load at 1000 subscribers: chorusd $half_groupcalls groupcalls/s," \
  "reference $half_reference events/s to each subscriber in bursts of $burst"
if awk -v g="$half_groupcalls" 'BEGIN { exit !(g > 0) }'; then
  chorusd_client "chorusd-half" 1000 --rate "$half_groupcalls" --max-in-flight 2
fi
if [ "${half_reference:-0}" -gt 0 ]; then
  reference_client "reference-half" 1000 --rate "$half_reference" --burst "$burst"
fi

echo
echo "stopping chorusd (SIGTERM)"
kill -TERM "$chorusd_pid"
status=0
wait "$chorusd_pid" || status=$?
echo "  chorusd exited with status $status"

if [ -n "${perf_pid:-}" ]; then
  wait "$perf_pid" 2>/dev/null || true
  echo
  echo "== perf: chorusd during its 1000-subscriber run (top symbols, self time)"
  perf report -i "$work/perf.data" --no-children --sort sym --stdio 2>/dev/null |
    grep -E '^ +[0-9]' | head -25 | cut -c1-160
fi

# One table row from two saved runs.
row() {
  local label=$1 chorusd_file=$2 reference_file=$3
  local c_eps="-" c_p50="-" c_p99="-" r_eps="-" r_p50="-" r_p99="-" ratio="-" lost="-"
  if [ -f "$chorusd_file" ] && grep -q '^RESULT ' "$chorusd_file"; then
    c_eps=$(result_value "$chorusd_file" events_per_s)
    c_p50=$(result_value "$chorusd_file" p50_ms)
    c_p99=$(result_value "$chorusd_file" p99_ms)
    lost=$(($(result_value "$chorusd_file" dropped) + $(result_value "$chorusd_file" seq_gaps)))
  fi
  if [ -f "$reference_file" ] && grep -q '^RESULT ' "$reference_file"; then
    r_eps=$(result_value "$reference_file" events_per_s)
    r_p50=$(result_value "$reference_file" p50_ms)
    r_p99=$(result_value "$reference_file" p99_ms)
  fi
  if [ "$c_eps" != "-" ] && [ "$r_eps" != "-" ] && [ "$r_eps" != 0 ]; then
    ratio=$(awk -v a="$c_eps" -v b="$r_eps" 'BEGIN { printf "%.2fx", a / b }')
  fi
  printf "%-12s %12s %10s %10s %12s %10s %10s %7s %7s\n" "$label" "$c_eps" "$c_p50" "$c_p99" \
    "$r_eps" "$r_p50" "$r_p99" "$ratio" "$lost"
}

echo
echo "WebSocket fan-out, events/s delivered (sum over subscribers), latency in ms:"
printf "%-12s %12s %10s %10s %12s %10s %10s %7s %7s\n" subscribers "chorusd ev/s" "p50" "p99" \
  "ref ev/s" "p50" "p99" ratio dropped
for n in "${counts[@]}"; do row "$n" "$work/chorusd-$n.txt" "$work/reference-$n.txt"; done
row "1000 @ half" "$work/chorusd-half.txt" "$work/reference-half.txt"
echo "(dropped: chorusd events_dropped counts plus seq gaps; ratio: chorusd / reference)"

# CPU in the measured window: the server's cores used and its CPU time per event
# delivered (steadier than events/s when other work shares the machine), and the
# client's cores.
cpu_row() {
  local label=$1 c=$2 r=$3 v
  local fields=()
  for file in "$c" "$r"; do
    for key in server_cpu server_us_per_event client_cpu; do
      v=$(result_value "$file" "$key")
      fields+=("${v:--}")
    done
  done
  printf "%-12s %10s %10s %10s %10s %10s %10s\n" "$label" "${fields[@]}"
}
echo
echo "CPU in the window (cores; server µs per event delivered):"
printf "%-12s %10s %10s %10s %10s %10s %10s\n" subscribers "chorusd" "us/event" "client" \
  "reference" "us/event" "client"
for n in "${counts[@]}"; do cpu_row "$n" "$work/chorusd-$n.txt" "$work/reference-$n.txt"; done
cpu_row "1000 @ half" "$work/chorusd-half.txt" "$work/reference-half.txt"
exit "$status"
