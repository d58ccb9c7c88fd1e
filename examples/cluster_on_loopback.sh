#!/usr/bin/env bash
# A three-node chorusd cluster on 127.0.0.1, for trying issue 20's cluster by hand:
# a PostgreSQL 15 and a nats-server of its own (in a temporary directory, gone when
# the script ends), and three nodes, node-a, node-b and node-c, sharing them, each
# on a free port with one API key. It prints each node's URL and the key, and
# stops everything on Ctrl-C. Build chorusd first:
#
#   cmake --build build --target chorusd && examples/cluster_on_loopback.sh [BUILD_DIR]
#
# Then, for instance: create a groupcall on node-a, watch it on node-b's WebSocket
# (ws://127.0.0.1:PORT/v1.0/ws?token=KEY, subscribe to customer_id:CUSTOMER), and
# hang it up through node-c.
set -euo pipefail

build=${1:-./build}
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../benchmarks/bench_servers.sh"
chorusd=$build/transport/chorusd
require_binaries "cmake --build $build --target chorusd" "$chorusd"
bench_begin
trap 'exit 130' INT TERM  # so that the EXIT trap stops every server
start_postgres
start_nats
echo "PostgreSQL $pg_url, NATS $nats_url (in $work)"
for name in node-a node-b node-c; do
  start_chorusd "$name" --postgres "$pg_url" --nats "$nats_url" --node-id "$name" --log-level info
  echo "$name: http://127.0.0.1:$chorusd_port (log $work/$name.log)"
done
echo "API key $key for customer $customer; Ctrl-C stops the cluster"
wait
