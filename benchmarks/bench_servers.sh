# Sourced (never run) by run_rest_benchmarks.sh and run_ws_benchmarks.sh: what both
# need to run servers for a benchmark on 127.0.0.1 and to read their reports.
#
#   bench_begin                 makes $work (a temp directory) and traps EXIT so
#                               that no server outlives the script and $work goes
#                               (BENCH_KEEP_WORK=1 keeps it: logs and outputs)
#   require_binaries HINT FILE...   exits 2 naming what to build when one is missing
#   start_server LABEL CMD...   runs CMD in the background, its output in
#                               $work/LABEL.log; sets server_pid and, once the log
#                               says "listening on <scheme>://127.0.0.1:<port>",
#                               server_port (exits 1 if it never does, or dies)
#   start_chorusd LABEL FLAGS...  chorusd on an ephemeral loopback port with the
#                               run's API key ($key for customer $customer), log
#                               level warn, and FLAGS; sets chorusd_pid, chorusd_port
#   start_postgres              a PostgreSQL 15 of the run's own (initdb into $work,
#                               fsync on, as the postgres user when root) on a free
#                               loopback port; sets pg_url (exits 1 if it never starts)
#   start_nats                  nats-server on a free loopback port; sets nats_url
#   stop_server PID             SIGTERM and wait; returns its exit status
#   result_value FILE KEY       one value of the "RESULT key=value ..." line in FILE
#   http_get PORT PATH          one GET with the run's key over bash's /dev/tcp
#   http_post PORT PATH BODY    one POST of a JSON body, likewise
#
# Expects $chorusd (the binary) before start_chorusd is called.

key=bench-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
customer=$(cat /proc/sys/kernel/random/uuid)
server_pids=()

bench_begin() {
  work=$(mktemp -d)
  trap bench_cleanup EXIT
}

# The servers stop last started first, each before the next: a chorusd finishes
# its last commits while the PostgreSQL and NATS it uses still run.
bench_cleanup() {
  local i pid
  for ((i = ${#server_pids[@]} - 1; i >= 0; i--)); do
    pid=${server_pids[i]}
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  # BENCH_KEEP_WORK=1 keeps the servers' logs and the clients' outputs to read.
  if [ "${BENCH_KEEP_WORK:-0}" = 1 ]; then
    echo "kept $work"
  else
    rm -rf "$work"
  fi
}

require_binaries() {
  local hint=$1 binary
  shift
  for binary in "$@"; do
    if [ ! -x "$binary" ]; then
      echo "missing $binary: build it first ($hint)" >&2
      exit 2
    fi
  done
}

# Waits (up to 20 s) for the "listening on" line of the server PID logging to LOG.
await_listening() {
  local log=$1 pid=$2 port
  for _ in $(seq 200); do
    port=$(grep -o 'listening on [a-z]*://127\.0\.0\.1:[0-9]*' "$log" 2>/dev/null |
      head -1 | cut -d: -f3 || true)
    if [ -n "$port" ]; then
      server_port=$port
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "no 'listening on' line from pid $pid in $log:" >&2
  cat "$log" >&2
  exit 1
}

# Each server runs in a session of its own (setsid): a Ctrl-C at the terminal
# reaches the script alone, whose EXIT trap then stops the servers in order.
start_server() {
  local label=$1
  shift
  setsid "$@" >"$work/$label.log" 2>&1 &
  server_pid=$!
  server_pids+=("$server_pid")
  await_listening "$work/$label.log" "$server_pid"
}

start_chorusd() {
  local label=$1
  shift
  start_server "$label" "$chorusd" --listen 127.0.0.1:0 --api-key "$key=$customer" \
    --log-level warn "$@"
  chorusd_pid=$server_pid
  chorusd_port=$server_port
}

# A loopback port nobody holds now (PostgreSQL and nats-server take no port 0).
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Waits (up to 30 s) for LINE in LOG while PID lives; false otherwise.
await_line() {
  local log=$1 pid=$2 line=$3
  for _ in $(seq 300); do
    grep -q "$line" "$log" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# Runs CMD (each {PORT} in it a free loopback port) until LOG shows LINE, on a new
# port when it does not (it was taken meanwhile); sets ready_port.
start_on_free_port() {  # LOG LINE CMD...
  local log=$1 line=$2 port arg args
  shift 2
  for _ in 1 2 3 4 5; do
    port=$(free_port)
    args=()
    for arg in "$@"; do args+=("${arg//\{PORT\}/$port}"); done
    setsid "${args[@]}" >"$log" 2>&1 &
    server_pids+=("$!")
    if await_line "$log" "$!" "$line"; then
      ready_port=$port
      return 0
    fi
  done
  echo "never ready ($log):" >&2
  cat "$log" >&2
  exit 1
}

start_postgres() {
  local bin=${CHORUS_POSTGRES_BIN_DIR:-/usr/lib/postgresql/15/bin} as=()
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres "$work"
    as=(runuser -u postgres --)
  fi
  "${as[@]}" "$bin/initdb" -D "$work/pg" -A trust -U chorus -E UTF8 --locale=C \
    --no-instructions >"$work/initdb.log"
  start_on_free_port "$work/pg.log" "ready to accept connections" "${as[@]}" "$bin/postgres" \
    -D "$work/pg" -p "{PORT}" -k "$work" -c listen_addresses=127.0.0.1 -c max_connections=100
  pg_url="postgresql://chorus@127.0.0.1:$ready_port/postgres"
}

start_nats() {
  start_on_free_port "$work/nats.log" "Server is ready" nats-server -a 127.0.0.1 -p "{PORT}"
  nats_url="nats://127.0.0.1:$ready_port"
}

stop_server() {
  local pid=$1 status=0 kept=() other
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" || status=$?
  for other in "${server_pids[@]}"; do [ "$other" = "$pid" ] || kept+=("$other"); done
  server_pids=("${kept[@]}")
  return "$status"
}

result_value() {
  { grep '^RESULT ' "$1" | tr ' ' '\n' | grep "^$2=" | cut -d= -f2; } 2>/dev/null || true
}

# One HTTP/1.1 exchange with Connection: close, so that no HTTP client beyond the
# benchmark's own is needed. Prints the whole response.
http_exchange() {
  local port=$1 request=$2
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  printf '%s' "$request" >&3
  timeout 5 cat <&3 || true
  exec 3<&-
}

http_get() {
  http_exchange "$1" "GET $2 HTTP/1.1"$'\r\n'"Host: 127.0.0.1"$'\r\n'"Authorization: Bearer $key"$'\r\n'"Connection: close"$'\r\n\r\n'
}

http_post() {
  local body=$3
  http_exchange "$1" "POST $2 HTTP/1.1"$'\r\n'"Host: 127.0.0.1"$'\r\n'"Authorization: Bearer $key"$'\r\n'"Content-Type: application/json"$'\r\n'"Content-Length: ${#body}"$'\r\n'"Connection: close"$'\r\n\r\n'"$body"
}
