#!/usr/bin/env bash
# What a cluster of chorusd nodes costs, in one run on 127.0.0.1 (issue 20). On this
# 2-core machine three nodes cannot show scale-out, so it measures the cluster path
# against a lone node, with a PostgreSQL 15 (fsync on) and a nats-server of its own:
#   1. REST groupcall creations/s (bench_rest_create: 10 simulated legs each, one
#      answers, nine are cancelled; $CLUSTER_BENCH_CREATIONS, default 20,000, over 32
#      connections): a lone node on SQLite (--sync full), then one node on PostgreSQL
#      + NATS, then three (the creations split over them).
#   2. Event latency, state change to receipt (bench_ws_fanout: 100 WebSocket
#      subscribers, groupcalls of 2 legs): subscribers and groupcalls on node A, then
#      subscribers on node B with the groupcalls POSTed to A (--post-url), each as
#      fast as it goes and then at half that rate, for p50/p99.
#   3. Forwarded operations (bench_rest_create --conference-update: PUTs of a
#      conference on node A that change nothing, $CLUSTER_BENCH_UPDATES, default
#      4,000, over 4 connections): sent to A, which runs it, then to B, which hands
#      each to A over NATS; the difference is what forwarding costs.
# Targets (issue 20): a node in a cluster at least half the rate of a lone node;
# cross-node event p99 under 5 ms at half load.
#
#   benchmarks/run_cluster_benchmarks.sh [BUILD_DIR]     (default ./build)
set -euo pipefail

build=${1:-./build}
here=$(cd "$(dirname "$0")" && pwd)
source "$here/bench_servers.sh"
chorusd=$build/transport/chorusd
create=$build/benchmarks/bench_rest_create
fanout=$build/benchmarks/bench_ws_fanout
creations=${CLUSTER_BENCH_CREATIONS:-20000}
seconds=${CLUSTER_BENCH_SECONDS:-5}
updates=${CLUSTER_BENCH_UPDATES:-4000}
require_binaries "cmake --build $build --target chorusd bench_rest_create bench_ws_fanout" \
  "$chorusd" "$create" "$fanout"
bench_begin
start_postgres
start_nats
echo "$(nproc) cores; PostgreSQL at $pg_url, NATS at $nats_url"

node_flags() {  # NAME
  echo --postgres "$pg_url" --nats "$nats_url" --node-id "$1"
}

# The creations split over the nodes listening on PORTS, all at once; one line.
creations_on() {  # LABEL PORT...
  local label=$1 port pids=() begin end answered=0 p99=0
  shift
  local share=$((creations / $#)) connections=$((32 / $#)) extra=$((creations % $#))
  begin=$(date +%s.%N)
  for port in "$@"; do
    # The first node takes what does not divide evenly: all $creations are sent.
    "$create" --url "http://127.0.0.1:$port" --key "$key" --requests "$((share + extra))" \
      --connections "$connections" --timeout-s 120 >"$work/create-$label-$port.txt" &
    pids+=("$!")
    extra=0
  done
  for port in "${pids[@]}"; do wait "$port" || true; done
  end=$(date +%s.%N)
  for port in "$@"; do
    answered=$((answered + $(result_value "$work/create-$label-$port.txt" answered)))
    p99=$(awk -v a="$p99" -v b="$(result_value "$work/create-$label-$port.txt" p99_ms)" \
      'BEGIN { print (b > a ? b : a) }')
  done
  awk -v n="$answered" -v b="$begin" -v e="$end" -v p="$p99" -v l="$label" -v c="$#" \
    'BEGIN { printf "  %-12s %d node(s): %d creations answered 200, %.0f/s, p99 %.1f ms\n",
             l, c, n, n / (e - b), p }'
  echo "RESULT label=$label creations_per_s=$(awk -v n="$answered" -v b="$begin" -v e="$end" \
    'BEGIN { printf "%.0f", n / (e - b) }') p99_ms=$p99" >>"$work/summary.txt"
}

# bench_ws_fanout with its subscribers on SUB_PORT and its groupcalls POSTed to
# POST_PORT, as fast as it goes and then at half that rate.
latency_on() {  # LABEL SUB_PORT POST_PORT
  local label=$1 sub=$2 post=$3 half
  "$fanout" --url "ws://127.0.0.1:$sub" --post-url "http://127.0.0.1:$post" --key "$key" \
    --customer "$customer" --subscribers 100 --seconds "$seconds" >"$work/$label-full.txt" || true
  half=$(awk -v g="$(result_value "$work/$label-full.txt" groupcalls_per_s)" \
    'BEGIN { printf "%.0f", g / 2 }')
  "$fanout" --url "ws://127.0.0.1:$sub" --post-url "http://127.0.0.1:$post" --key "$key" \
    --customer "$customer" --subscribers 100 --seconds "$seconds" --rate "$half" \
    --max-in-flight 8 >"$work/$label-half.txt" || true
  local run
  for run in full half; do
    printf '  %-12s %-4s %8s events/s  p50 %6s ms  p99 %6s ms  dropped %s\n' "$label" "$run" \
      "$(result_value "$work/$label-$run.txt" events_per_s)" \
      "$(result_value "$work/$label-$run.txt" p50_ms)" \
      "$(result_value "$work/$label-$run.txt" p99_ms)" \
      "$(result_value "$work/$label-$run.txt" dropped)"
  done
}

echo
echo "== 1. REST creations: a lone node on SQLite, then nodes on PostgreSQL + NATS"
start_chorusd lone --data-dir "$work/lone" --sync full
creations_on lone "$chorusd_port"
stop_server "$chorusd_pid" || true

# shellcheck disable=SC2046  # the flags are words
start_chorusd node-a $(node_flags node-a)
a_port=$chorusd_port
creations_on one-node "$a_port"
# shellcheck disable=SC2046
start_chorusd node-b $(node_flags node-b)
b_port=$chorusd_port
# shellcheck disable=SC2046
start_chorusd node-c $(node_flags node-c)
c_port=$chorusd_port
creations_on three-nodes "$a_port" "$b_port" "$c_port"

echo
echo "== 2. Event latency, 100 subscribers: on the node that made the groupcall, then on another"
latency_on same-node "$a_port" "$a_port"
latency_on cross-node "$b_port" "$a_port"

echo
echo "== 3. Forwarded operations: a conference on node A updated through A, then through B"
conference=$(http_post "$a_port" /v1.0/conferences '{}' | grep -o '"id":"[0-9a-f-]*"' | head -1 |
  cut -d'"' -f4)
for via in "local $a_port" "forwarded $b_port"; do
  read -r label port <<<"$via"
  "$create" --url "http://127.0.0.1:$port" --key "$key" --conference-update "$conference" \
    --requests "$updates" --connections 4 >"$work/update-$label.txt" || true
  printf '  %-10s %8s requests/s  p50 %6s ms  p99 %6s ms  non-200 %s\n' "$label" \
    "$(result_value "$work/update-$label.txt" requests_per_s)" \
    "$(result_value "$work/update-$label.txt" p50_ms)" \
    "$(result_value "$work/update-$label.txt" p99_ms)" \
    "$(result_value "$work/update-$label.txt" non_200)"
done
