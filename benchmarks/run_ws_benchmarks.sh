#!/usr/bin/env bash
# The WebSocket fan-out benchmarks, in about three minutes, all on 127.0.0.1,
# every server measured by the same client (bench_ws_fanout) at 1, 100 and 1000
# subscribers as fast as it delivers, then at 1000 at half of its own maximum load
# (for p99):
#   1. chorusd with the store off (--store memory) and on (SQLite, --sync full, on
#      a new --data-dir under the run's temp directory): bench_ws_fanout subscribes
#      on /v1.0/ws and POSTs groupcalls (2 simulated legs, ~15 events each) with a
#      bounded number in flight; latency from state change (tm_update) to receipt.
#      The first run records 300 real event frames.
#   2. the references, replaying those frames as fast as the subscribers take them,
#      latency from their "ts" stamp: Node's ws (ws_reference/server.js) and
#      uWebSockets (ws_reference/uws_server.js: the native uWS binaries of
#      @trufflesuite/uws-js-unofficial, broadcasting with its pub/sub app.publish).
# Half load: chorusd at half the groupcalls/s of its own 1000-subscriber run, a
# reference at half its events/s, in bursts as large as a groupcall's events.
# Light load, the floor under every latency: chorusd at 5 groupcalls/s, each
# reference at the events/s that made (store off), in the same bursts; what is
# left there is the kernel's loopback delivery to 1000 sockets and the client's
# reading of them, not load.
# Replay, the same traffic for every server: chorusd's half-load run (store off)
# records its events, and each reference sends them again at 1000 subscribers,
# each when its state-change time comes round (replay.js --as-recorded): chorusd's
# rate, and its shape, a groupcall's events in three instants over a few
# milliseconds rather than one burst; its latency runs from each event's due time,
# as chorusd's runs from its state change. A reference that cannot carry that rate
# at all (its 1000-subscriber events/s below it) is skipped.
# Then tables: events/s and latency of each server, chorusd/uWS, CPU per event, and
# what the store costs.
#
#   benchmarks/run_ws_benchmarks.sh [BUILD_DIR]     (default ./build)
#
# Builds nothing: build chorusd and bench_ws_fanout first (Release). Installs the
# references' npm dependencies (package-lock.json) into
# benchmarks/ws_reference/node_modules when they are missing. Environment:
# WS_BENCH_SECONDS (measured seconds per run, default 5); WS_BENCH_PERF=1 records
# chorusd (store off) with perf during its 1000-subscriber run and prints the top
# symbols.
set -euo pipefail

build=${1:-./build}
here=$(cd "$(dirname "$0")" && pwd)
source "$here/bench_servers.sh"
reference_dir=$here/ws_reference
chorusd=$build/transport/chorusd
client=$build/benchmarks/bench_ws_fanout
seconds=${WS_BENCH_SECONDS:-5}
counts=(1 100 1000)
loads=(1 100 1000 half light replay)
light_groupcalls=5
half_frames=4000 # events chorusd's half-load run records (4-5 s of it), replayed in a loop

require_binaries "cmake --build $build --target chorusd bench_ws_fanout" "$chorusd" "$client"
command -v node >/dev/null || { echo "node is required for the reference servers" >&2; exit 2; }

# 1000 subscribers are 1000 sockets in the client and 1000 in each server.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 4096 ]; then
  echo "need at least 4096 open files (ulimit -n is $(ulimit -n))" >&2
  exit 2
fi

if [ ! -d "$reference_dir/node_modules/ws" ] ||
  [ ! -d "$reference_dir/node_modules/@trufflesuite/uws-js-unofficial" ]; then
  echo "installing the reference servers' npm dependencies"
  npm ci --prefix "$reference_dir" --no-audit --no-fund --loglevel=error >/dev/null
fi

bench_begin
echo "$(nproc) cores, $seconds s per run"

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

# In flight (closed loop): groupcalls whose groupcall_hangup has not reached every
# subscriber. One subscriber needs many to keep the engine busy. With 100 or more the
# fan-out is the bottleneck: 8 groupcalls are about 100 events, 90 KiB, outstanding
# per subscriber, engine to client. The references send whenever no socket holds
# 64 KiB of their own backlog, on top of what the kernel buffers: a queue at least
# as deep. (With 2, as before, chorusd idled a third of a core waiting for the loop.)
in_flight_for() { if [ "$1" -le 1 ]; then echo 64; else echo 8; fi; }

# One chorusd (LABEL, store FLAGS) through every load; the first series recorded
# the frames the references replay.
chorusd_series() {
  local label=$1 n
  shift
  # Fan-out is I/O-thread work, and the engine is nearly idle here: the gateway
  # gets every core (the default is half, for REST and the engine to share).
  start_chorusd "$label" --ws-queue-events 1000000 --io-threads "$(nproc)" "$@"
  echo
  echo "== $label: chorusd $* on 127.0.0.1:$chorusd_port (pid $chorusd_pid," \
    "--ws-queue-events 1000000 --io-threads $(nproc)), as fast as delivered"
  for n in "${counts[@]}"; do
    local extra=(--max-in-flight "$(in_flight_for "$n")")
    [ -f "$work/frames.txt" ] || extra+=(--record "$work/frames.txt" --record-frames 300)
    [ "$n" -eq 1000 ] && [ "$label" = chorusd-memory ] && maybe_perf
    chorusd_client "$label-$n" "$n" "${extra[@]}"
  done
  local half
  half=$(awk -v g="$(result_value "$work/$label-1000.txt" groupcalls_per_s)" \
    'BEGIN { printf "%.2f", g / 2 }')
  echo "  half load at 1000 subscribers: $half groupcalls/s"
  if awk -v g="$half" 'BEGIN { exit !(g > 0) }'; then
    local record=()
    [ "$label" = chorusd-memory ] &&
      record=(--record "$work/half-frames.txt" --record-frames "$half_frames")
    chorusd_client "$label-half" 1000 --rate "$half" --max-in-flight 2 "${record[@]}"
    # The references replay this very traffic: for chorusd it is this run.
    [ "$label" = chorusd-memory ] && cp "$work/$label-half.txt" "$work/$label-replay.txt"
  fi
  echo "  light load at 1000 subscribers: $light_groupcalls groupcalls/s"
  chorusd_client "$label-light" 1000 --rate "$light_groupcalls" --max-in-flight 2
  local status=0
  stop_server "$chorusd_pid" || status=$?
  echo "  chorusd exited with status $status (SIGTERM)"
  [ "$status" -eq 0 ] || exit_status=$status
}

chorusd_client() {
  local label=$1 subscribers=$2
  shift 2
  run_client "$label" "$chorusd_pid" --mode chorusd --url "ws://127.0.0.1:$chorusd_port" \
    --key "$key" --customer "$customer" --subscribers "$subscribers" "$@"
}

maybe_perf() {
  [ "${WS_BENCH_PERF:-0}" = 1 ] && command -v perf >/dev/null || return 0
  (sleep 3 && perf record -g -p "$chorusd_pid" -o "$work/perf.data" -- sleep 3 \
    >/dev/null 2>&1) &
  perf_pid=$!
}

# A reference server (SCRIPT in ws_reference/), restarted for each run so that it
# starts sending only once that run's subscribers are all connected. FLAGS go to
# the server after --frames frames.txt (a later --frames replaces it).
reference_client() {
  local label=$1 script=$2 subscribers=$3
  shift 3
  start_server "$label-server" node "$reference_dir/$script" --frames "$work/frames.txt" \
    --clients "$subscribers" --max-seconds 60 "$@"
  local pid=$server_pid
  run_client "$label" "$pid" --mode reference --url "ws://127.0.0.1:$server_port" \
    --subscribers "$subscribers"
  stop_server "$pid" || true
}

# A 1000-subscriber run's events/s to each subscriber (FILE, its report), divided
# by PARTS (default 1), rounded.
per_subscriber() {
  awk -v e="$(result_value "$1" events_per_s)" -v parts="${2:-1}" \
    'BEGIN { printf "%.0f", e / 1000 / parts }'
}

# One reference (LABEL, SCRIPT) through every load.
reference_series() {
  local label=$1 script=$2 description=$3 n
  echo
  echo "== $label: $description, as fast as taken"
  for n in "${counts[@]}"; do reference_client "$label-$n" "$script" "$n" --rate 0; done
  local half
  half=$(per_subscriber "$work/$label-1000.txt" 2)
  echo "  half load at 1000 subscribers: $half events/s to each, in bursts of $burst"
  if [ "${half:-0}" -gt 0 ]; then
    reference_client "$label-half" "$script" 1000 --rate "$half" --burst "$burst"
  fi
  echo "  light load at 1000 subscribers: $light events/s to each (chorusd's at" \
    "$light_groupcalls groupcalls/s), in bursts of $burst"
  if [ "${light:-0}" -gt "${half:-0}" ]; then
    echo "  skipped: more than this server's half load"
  elif [ "${light:-0}" -gt 0 ]; then
    reference_client "$label-light" "$script" 1000 --rate "$light" --burst "$burst"
  fi
  local max replay
  max=$(per_subscriber "$work/$label-1000.txt")
  replay=$(per_subscriber "$work/chorusd-memory-half.txt")
  echo "  replay at 1000 subscribers: chorusd's half-load events as recorded" \
    "($replay events/s to each)"
  if [ ! -s "$work/half-frames.txt" ]; then
    echo "  skipped: chorusd's half-load run recorded nothing"
  elif [ "${replay:-0}" -gt "${max:-0}" ]; then
    echo "  skipped: more than this server's maximum ($max events/s to each)"
  else
    reference_client "$label-replay" "$script" 1000 --frames "$work/half-frames.txt" \
      --as-recorded 1
  fi
}

exit_status=0
chorusd_series chorusd-memory --store memory
frames=$(wc -l <"$work/frames.txt" 2>/dev/null || echo 0)
[ "$frames" -gt 0 ] || { echo "no event frames were recorded for the references" >&2; exit 1; }
echo "  recorded $frames chorusd event frames for the references"
chorusd_series chorusd-full --store sqlite --sync full --data-dir "$work/data"

# A groupcall's events, from the 1-subscriber run: the references' burst size.
burst=$(awk -v e="$(result_value "$work/chorusd-memory-1.txt" events_per_s)" \
  -v g="$(result_value "$work/chorusd-memory-1.txt" groupcalls_per_s)" \
  'BEGIN { b = g > 0 ? e / g : 1; printf "%.0f", b < 1 ? 1 : b }')
# The references' light load: the events/s each subscriber got from chorusd's.
light=$(per_subscriber "$work/chorusd-memory-light.txt")
ws_version=$(node -p "require('$reference_dir/node_modules/ws/package.json').version")
uws_version=$(node -p \
  "require('$reference_dir/node_modules/@trufflesuite/uws-js-unofficial/package.json').version")
reference_series node-ws server.js "Node $(node --version), ws $ws_version"
reference_series uws uws_server.js "uWS (@trufflesuite/uws-js-unofficial $uws_version), app.publish"

if [ -n "${perf_pid:-}" ]; then
  wait "$perf_pid" 2>/dev/null || true
  echo
  echo "== perf: chorusd (store off) during its 1000-subscriber run (top symbols, self time)"
  perf report -i "$work/perf.data" --no-children --sort sym --stdio 2>/dev/null |
    grep -E '^ +[0-9]' | head -25 | cut -c1-160
fi

servers=(chorusd-memory chorusd-full node-ws uws)

# A value from run LABEL-LOAD, or "-".
value() {
  local v=""
  [ -f "$work/$1-$2.txt" ] && v=$(result_value "$work/$1-$2.txt" "$3")
  echo "${v:--}"
}

# a / b to two places, or "-".
ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else print "-" }'
}

load_name() { case $1 in half | light | replay) echo "1000 @ $1" ;; *) echo "$1" ;; esac; }

# One table: for every load a row, for every server the given RESULT keys.
table() {
  local load server key
  for load in "${loads[@]}"; do
    printf "%-12s" "$(load_name "$load")"
    for server in "${servers[@]}"; do
      for key in "$@"; do printf " %9s" "$(value "$server" "$load" "$key")"; done
      printf " |"
    done
    [ "$1" = events_per_s ] && printf " %6s %6s" \
      "$(ratio "$(value chorusd-memory "$load" events_per_s)" "$(value uws "$load" events_per_s)")" \
      "$(ratio "$(value chorusd-full "$load" events_per_s)" "$(value uws "$load" events_per_s)")"
    echo
  done
}

header() {
  local width=$1 server
  printf "%-12s" ""
  for server in "${servers[@]}"; do printf " %-*s|" "$width" "$server"; done
  echo
}

# Lost events of a run: events_dropped counts plus seq gaps.
lost() {
  local d g
  d=$(value "$1" "$2" dropped) g=$(value "$1" "$2" seq_gaps)
  [ "$d" = - ] || [ "$g" = - ] && { echo -; return; }
  echo $((d + g))
}

echo
echo "WebSocket fan-out on $(nproc) cores, the same client for every server; events/s" \
  "delivered (sum over subscribers), latency in ms; chorusd-memory is the store off," \
  "chorusd-full the store on (--sync full):"
header 29
printf "%-12s" subscribers
for _ in "${servers[@]}"; do printf " %9s %9s %9s |" "ev/s" p50 p99; done
printf " %6s %6s\n" mem/uWS full/uWS
table events_per_s p50_ms p99_ms

echo
echo "lost events (events_dropped + seq gaps) and CPU in the window (server cores; server µs per event):"
header 29
printf "%-12s" subscribers
for _ in "${servers[@]}"; do printf " %9s %9s %9s |" lost cores "us/event"; done
echo
for load in "${loads[@]}"; do
  printf "%-12s" "$(load_name "$load")"
  for server in "${servers[@]}"; do
    printf " %9s %9s %9s |" "$(lost "$server" "$load")" "$(value "$server" "$load" server_cpu)" \
      "$(value "$server" "$load" server_us_per_event)"
  done
  echo
done

echo
echo "at 1000 subscribers: chorusd $(value chorusd-memory 1000 events_per_s) events/s" \
  "(store off), $(value chorusd-full 1000 events_per_s) (store on); uWS" \
  "$(value uws 1000 events_per_s), Node ws $(value node-ws 1000 events_per_s):" \
  "chorusd/uWS $(ratio "$(value chorusd-memory 1000 events_per_s)" "$(value uws 1000 events_per_s)")" \
  "(off), $(ratio "$(value chorusd-full 1000 events_per_s)" "$(value uws 1000 events_per_s)") (on)"
echo "server CPU per event at 1000 subscribers (steadier than events/s on a shared machine):" \
  "chorusd $(value chorusd-memory 1000 server_us_per_event) us (store off)," \
  "$(value chorusd-full 1000 server_us_per_event) us (store on); uWS" \
  "$(value uws 1000 server_us_per_event) us, Node ws $(value node-ws 1000 server_us_per_event) us:" \
  "uWS/chorusd $(ratio "$(value uws 1000 server_us_per_event)" \
    "$(value chorusd-memory 1000 server_us_per_event)") (off)"
echo "p99 at half load: chorusd $(value chorusd-memory half p99_ms) ms (store off)," \
  "$(value chorusd-full half p99_ms) ms (store on); uWS $(value uws half p99_ms) ms," \
  "Node ws $(value node-ws half p99_ms) ms"
echo "p99 with chorusd's half-load traffic replayed (every server the same events at the" \
  "same times; chorusd's own is its half-load run, store off): chorusd" \
  "$(value chorusd-memory replay p99_ms) ms, uWS $(value uws replay p99_ms) ms, Node ws" \
  "$(value node-ws replay p99_ms) ms; server µs per event chorusd" \
  "$(value chorusd-memory replay server_us_per_event), uWS $(value uws replay server_us_per_event)"
echo "p99 at light load (the floor: same events/s for every server): chorusd" \
  "$(value chorusd-memory light p99_ms) ms (store off), $(value chorusd-full light p99_ms) ms" \
  "(store on); uWS $(value uws light p99_ms) ms, Node ws $(value node-ws light p99_ms) ms"
echo "what the store costs at 1000 subscribers: events/s" \
  "$(ratio "$(value chorusd-full 1000 events_per_s)" "$(value chorusd-memory 1000 events_per_s)")" \
  "of the store off's; server µs per event $(value chorusd-memory 1000 server_us_per_event) ->" \
  "$(value chorusd-full 1000 server_us_per_event)"
exit "$exit_status"
