#!/usr/bin/env bash
# SIP groupcalls per second, Chorus beside Kamailio, in one run, on 127.0.0.1 only.
# Both ring the same three destinations, three sipp UAS processes: one answers
# (uas_answer.xml: 180, 200, ACK, BYE), two ring until cancelled (uas_ring.xml:
# 180, CANCEL, 487, ACK); the winner is hung up as soon as it answers.
#
#   1. Kamailio 5.6 (kamailio.cfg: a forking proxy, no database) in front of the
#      three, a sipp caller (uac_caller.xml) placing CALLS calls with at most
#      IN_FLIGHT at once (-r RATE -rp 1000 -l IN_FLIGHT -m CALLS): successful
#      calls/s, and CPU per call of the kamailio processes (/proc, before/after);
#   2. bench_sip (the embedding API and the SIP leg driver): CALLS groupcalls with
#      at most IN_FLIGHT live at once: groupcalls/s, setup-to-answer p50/p99, and
#      its own CPU per groupcall (getrusage).
#   Each phase gets fresh destinations on free ports, and their CPU per call is
#   given too (sipp's share of the machine differs between the two set-ups: the
#   Kamailio half also runs a sipp caller, Chorus is its own caller).
#   Then both rates, their ratio (chorus/kamailio) and CPU per call; RUNS repeats
#   both phases (the machine is shared: compare several runs).
#
#   benchmarks/sip/run_sip_benchmarks.sh [BUILD_DIR]     (default ./build)
#
# Environment: CALLS (20000), IN_FLIGHT (100), RATE (the caller's ceiling, 5000/s),
# RUNS (1), KAMAILIO_CHILDREN (UDP workers, 2), ANSWER_DELAY_MS (between the
# winner's 180 and 200, 0), ONLY (kamailio, chorus or both), KEEP_WORK=1 keeps the
# logs (sipp's *_errors.log, kamailio.log, bench_sip.out).
# Builds nothing: build bench_sip first, in Release
# (cmake --build BUILD_DIR --target bench_sip). Needs sipp (sip-tester) and
# kamailio (.ci/install-deps installs both).
set -euo pipefail

build=${1:-./build}
here=$(cd "$(dirname "$0")" && pwd)
bench_sip=$(realpath -m "$build/benchmarks/bench_sip")
calls=${CALLS:-20000}
in_flight=${IN_FLIGHT:-100}
rate=${RATE:-5000}
runs=${RUNS:-1}
children=${KAMAILIO_CHILDREN:-2}
answer_delay=${ANSWER_DELAY_MS:-0}
only=${ONLY:-both}
buffer=4194304  # socket buffers: bursts on loopback overflow the default ones

sipp_bin=$(command -v sipp || true)
kamailio_bin=$(command -v kamailio || echo /usr/sbin/kamailio)
[ -n "$sipp_bin" ] || { echo "sipp is missing: apt-get install sip-tester" >&2; exit 2; }
if [ "$only" != chorus ] && [ ! -x "$kamailio_bin" ]; then
  echo "kamailio is missing: apt-get install kamailio" >&2
  exit 2
fi
if [ "$only" != kamailio ] && [ ! -x "$bench_sip" ]; then
  echo "missing $bench_sip: build it first (cmake --build $build --target bench_sip)" >&2
  exit 2
fi

work=$(mktemp -d)
pids=()
# Whatever happens, nothing this script started outlives it.
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  sleep 0.3
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "${KEEP_WORK:-0}" = 1 ]; then echo "logs kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A free UDP port in the ephemeral range, never one this run already handed out.
used_ports=" "
free_port() {
  local port
  while :; do
    port=$((32768 + RANDOM % 28000))
    case "$used_ports" in *" $port "*) continue ;; esac
    if [ -z "$(ss -Hauln "sport = :$port" 2>/dev/null)" ]; then
      used_ports+="$port "
      echo "$port"
      return
    fi
  done
}

# Waits (up to 5 s) until something listens on UDP 127.0.0.1:PORT.
await_port() {
  local port=$1 what=$2
  for _ in $(seq 50); do
    [ -n "$(ss -Hluln "sport = :$port" 2>/dev/null)" ] && return 0
    sleep 0.1
  done
  echo "$what is not listening on 127.0.0.1:$port" >&2
  return 1
}

# utime + stime of the given processes, in clock ticks.
cpu_ticks() {
  local pid sum=0 ticks
  for pid in "$@"; do
    ticks=$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | awk '{print $12 + $13}') || ticks=0
    sum=$((sum + ${ticks:-0}))
  done
  echo "$sum"
}
hz=$(getconf CLK_TCK)

# The last value of a column of a sipp -trace_stat CSV.
stat_column() {
  awk -F';' -v name="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i }
                          END { print (c ? $c : "?") }' "$1"
}

# Three sipp UAS destinations: one answering, two ringing until cancelled.
# Sets dest_ports and dest_pids.
start_destinations() {
  local tag=$1 i scenario port
  dest_ports=()
  dest_pids=()
  for i in 1 2 3; do
    scenario=$([ "$i" = 1 ] && echo uas_answer || echo uas_ring)
    port=$(free_port)
    (cd "$work" && exec "$sipp_bin" -sf "$here/$scenario.xml" -i 127.0.0.1 -p "$port" \
      -cp "$(free_port)" -nostdin -buff_size "$buffer" -d "$answer_delay" \
      -trace_err -error_file "$work/$tag-dest$i-errors.log" \
      -trace_stat -stf "$work/$tag-dest$i.csv" -fd 1 >"$work/$tag-dest$i.out" 2>&1) &
    pids+=($!)
    dest_pids+=($!)
    dest_ports+=("$port")
  done
  for i in 0 1 2; do await_port "${dest_ports[$i]}" "sipp destination $((i + 1))"; done
}

# Stops the destinations softly (SIGUSR1: sipp writes its final statistics), then
# for good; prints how many calls each failed.
stop_destinations() {
  local tag=$1 pid i
  for pid in "${dest_pids[@]}"; do kill -USR1 "$pid" 2>/dev/null || true; done
  for _ in $(seq 30); do
    kill -0 "${dest_pids[@]}" 2>/dev/null || break
    sleep 0.1
  done
  for pid in "${dest_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait "${dest_pids[@]}" 2>/dev/null || true
  local failed=""
  for i in 1 2 3; do
    failed+="$(stat_column "$work/$tag-dest$i.csv" 'FailedCall(C)') "
  done
  echo "  destinations' failed calls (answer, ring, ring): $failed"
}

# Prints the first lines of every sipp error log of a phase that has any.
show_errors() {
  local log
  for log in "$work"/$1-*errors.log; do
    [ -s "$log" ] || continue
    echo "  $(basename "$log"):"
    # sipp writes its events without line breaks between them: cut each one short.
    grep -o "Aborting[^']*'[^']*'[^']*'[^ ]* [^ ]* [^ ]*\|Dead call[^']*" "$log" | head -3 |
      cut -c 1-160 | sed 's/^/    /' || true
  done
}

# Phase 1. Sets k_rate, k_cpu_ms, k_dest_cpu_ms, k_caller_cpu_ms, k_failed.
run_kamailio() {
  local tag=kamailio-$1
  start_destinations "$tag"
  local port caller_port
  port=$(free_port)
  caller_port=$(free_port)
  mkdir -p "$work/$tag-run"
  sed -e "s/@PORT@/$port/" -e "s/@CHILDREN@/$children/" -e "s/@DEST1@/${dest_ports[0]}/" \
    -e "s/@DEST2@/${dest_ports[1]}/" -e "s/@DEST3@/${dest_ports[2]}/" \
    "$here/kamailio.cfg" >"$work/$tag.cfg"
  # -m: tm keeps every finished transaction for its wait timer (5 s), thousands a
  # second; 256 MB of shared memory runs out at this rate.
  "$kamailio_bin" -DD -E -f "$work/$tag.cfg" -m 1024 -M 16 -Y "$work/$tag-run" \
    >"$work/$tag.log" 2>&1 &
  local kamailio_pid=$!
  pids+=("$kamailio_pid")
  await_port "$port" kamailio || { cat "$work/$tag.log" >&2; return 1; }
  sleep 0.3  # its workers fork after the socket is bound
  local kamailio_pids=("$kamailio_pid" $(pgrep -P "$kamailio_pid" || true))

  local cpu_k0 cpu_d0 t0 t1 caller_rc=0
  cpu_k0=$(cpu_ticks "${kamailio_pids[@]}")
  cpu_d0=$(cpu_ticks "${dest_pids[@]}")
  times >"$work/times-before"  # in this shell: a $(times) would be a subshell's
  t0=$(date +%s.%N)
  (cd "$work" && timeout $((60 + calls / 100)) "$sipp_bin" "127.0.0.1:$port" \
    -sf "$here/uac_caller.xml" -s bench -i 127.0.0.1 -p "$caller_port" -cp "$(free_port)" \
    -nostdin -buff_size "$buffer" -r "$rate" -rp 1000 -l "$in_flight" -m "$calls" \
    -trace_err -error_file "$work/$tag-caller-errors.log" \
    -trace_stat -stf "$work/$tag-caller.csv" -fd 1 >"$work/$tag-caller.out" 2>&1) ||
    caller_rc=$?
  t1=$(date +%s.%N)
  times >"$work/times-after"
  local cpu_k1 cpu_d1
  cpu_k1=$(cpu_ticks "${kamailio_pids[@]}")
  cpu_d1=$(cpu_ticks "${dest_pids[@]}")
  kill -TERM "$kamailio_pid" 2>/dev/null || true
  wait "$kamailio_pid" 2>/dev/null || true
  echo "Kamailio run $1 (sipp caller exit $caller_rc):"
  stop_destinations "$tag"

  local ok
  ok=$(stat_column "$work/$tag-caller.csv" 'SuccessfulCall(C)')
  k_failed=$(stat_column "$work/$tag-caller.csv" 'FailedCall(C)')
  k_rate=$(awk -v n="$ok" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", n / (b - a) }')
  k_cpu_ms=$(awk -v t=$((cpu_k1 - cpu_k0)) -v hz="$hz" -v n="$ok" \
    'BEGIN { printf "%.4f", n ? t / hz * 1000 / n : 0 }')
  k_dest_cpu_ms=$(awk -v t=$((cpu_d1 - cpu_d0)) -v hz="$hz" -v n="$ok" \
    'BEGIN { printf "%.4f", n ? t / hz * 1000 / n : 0 }')
  # The caller's CPU: bash's `times` line for reaped children, before and after.
  k_caller_cpu_ms=$(tail -q -n 1 "$work/times-before" "$work/times-after" | paste -sd ' ' |
    awk -v n="$ok" '
    function secs(t) { split(t, p, "m"); return p[1] * 60 + p[2] }
    { printf "%.4f", n ? (secs($3) + secs($4) - secs($1) - secs($2)) * 1000 / n : 0 }')
  echo "  calls completed: $ok, failed: $k_failed, in $(awk -v a="$t0" -v b="$t1" \
    'BEGIN { printf "%.2f", b - a }') s: $k_rate calls/s"
  echo "  CPU per call: kamailio ${k_cpu_ms} ms, destinations ${k_dest_cpu_ms} ms," \
    "sipp caller ${k_caller_cpu_ms} ms"
  [ "$k_failed" = 0 ] || show_errors "$tag" || true
}

# Phase 2. Sets c_rate, c_cpu_ms, c_dest_cpu_ms, c_failed.
run_chorus() {
  local tag=chorus-$1
  start_destinations "$tag"
  local rc=0 out="$work/$tag-bench_sip.out"
  timeout $((120 + calls / 100)) "$bench_sip" \
    --destinations "sip:answer@127.0.0.1:${dest_ports[0]},sip:ring@127.0.0.1:${dest_ports[1]},sip:ring@127.0.0.1:${dest_ports[2]}" \
    --groupcalls "$calls" --in-flight "$in_flight" \
    --peer-pids "$(IFS=,; echo "${dest_pids[*]}")" >"$out" 2>"$work/$tag-bench_sip.err" || rc=$?
  echo "Chorus run $1 (bench_sip exit $rc):"
  sed 's/^/  /' "$out"
  [ "$rc" = 0 ] || tail -5 "$work/$tag-bench_sip.err" | sed 's/^/  stderr: /'
  stop_destinations "$tag"
  value() { awk -F': ' -v k="$1" '$1 == k { print $2 }' "$out"; }
  c_rate=$(value groupcalls_per_s)
  c_cpu_ms=$(value cpu_ms_per_groupcall_self)
  c_dest_cpu_ms=$(value cpu_ms_per_groupcall_peers)
  c_failed=$(value groupcalls_failed)
  [ "${c_failed:-1}" = 0 ] || show_errors "$tag" || true
}

echo "SIP benchmark: $calls calls per run, at most $in_flight in flight, $runs run(s)," \
  "answer delay ${answer_delay} ms, $(nproc) cores"
summary=()
for run in $(seq "$runs"); do
  k_rate=- k_cpu_ms=- k_dest_cpu_ms=- k_caller_cpu_ms=- k_failed=-
  c_rate=- c_cpu_ms=- c_dest_cpu_ms=- c_failed=-
  [ "$only" = chorus ] || run_kamailio "$run"
  [ "$only" = kamailio ] || run_chorus "$run"
  ratio=$(awk -v c="$c_rate" -v k="$k_rate" \
    'BEGIN { if (c + 0 > 0 && k + 0 > 0) printf "%.2f", c / k; else print "-" }')
  summary+=("$(printf '%-4s %10s %10s %8s %14s %14s %12s %12s %9s %9s' "$run" "$k_rate" \
    "$c_rate" "$ratio" "$k_cpu_ms" "$c_cpu_ms" "$k_dest_cpu_ms" "$c_dest_cpu_ms" \
    "$k_failed" "$c_failed")")
done

echo
echo "calls/s: successful calls (Kamailio) and groupcalls (Chorus) per second;"
echo "CPU ms/call: the kamailio processes, or bench_sip (engine, driver and caller);"
echo "dest ms/call: the three sipp destinations together."
printf '%-4s %10s %10s %8s %14s %14s %12s %12s %9s %9s\n' run kamailio/s chorus/s ratio \
  "kam CPU ms" "chorus CPU ms" "kam dest ms" "chr dest ms" "kam fail" "chr fail"
printf '%s\n' "${summary[@]}"
echo "target (issue 18): chorus >= 1000 groupcalls/s and ratio >= 0.5"
