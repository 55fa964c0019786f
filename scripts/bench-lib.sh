# Shared setup and teardown of the bench-*.sh scripts: sourced after env.sh, not run.

# Benchmarks keep their keys in a Redis database of their own: the test suite scans database 0 for its
# fixtures' keys, and the matching benchmark's cell index (~580,000 keys for 1M members) made each of
# those scans take seconds, enough for a fixture's cleanup to time out under the suite's load.
BENCH_REDIS_DB=1
# bench_redis_cli ARGS...: redis-cli on the local Redis, in the benchmarks' database.
bench_redis_cli() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" -n "$BENCH_REDIS_DB" "$@"; }
# bench_redis_delete PATTERN: deletes the keys matching PATTERN in the benchmarks' database.
bench_redis_delete() {
  bench_redis_cli --scan --pattern "$1" | xargs -r -n 500 redis-cli -h 127.0.0.1 -p "$REDIS_PORT" -n "$BENCH_REDIS_DB" del >/dev/null
}

# bench_env DB PREFIX [DB_OPTIONS]: the local Redis and MariaDB up, and the nodes' configuration
# (environment variables that cluster.sh passes on) for database DB and Redis key prefix PREFIX.
# DB_OPTIONS are extra MySqlConnector options for the nodes, e.g. "Connection Reset=false".
bench_env() {
  bash scripts/services.sh up
  export Database__ConnectionString="$(local_mariadb_connection "$1");Maximum Pool Size=200${3:+;$3}"
  export Redis__ConnectionString="$(local_redis_connection),defaultDatabase=$BENCH_REDIS_DB"
  export Redis__KeyPrefix="$2"
  export Logging__LogLevel__Default=Warning
  # The figures in docs/benchmarks.md were measured without a push worker; cluster.sh starts none
  # here unless asked (scripts/bench-push.sh runs its own).
  export DISTANCE_PUSH_WORKERS="${DISTANCE_PUSH_WORKERS:-0}"
}

# bench_raise_rate_limits: hub and member rate limits far above the offered rates. They stay on (every send
# still takes a token from Redis); the nodes read them from the environment.
bench_raise_rate_limits() {
  local method
  for method in SendMessage MarkRead SyncRoom Default; do
    export "RateLimiting__Hub__${method}__TokenLimit=100000" "RateLimiting__Hub__${method}__TokensPerPeriod=100000"
    export "RateLimiting__Hub__${method}__ReplenishmentPeriod=00:00:01"
  done
  export RateLimiting__Member__TokenLimit=100000 RateLimiting__Member__TokensPerPeriod=100000
}

# bench_build_driver: a Release build of load/Distance.Load; the array `driver` runs it.
# DRIVER_ENV="NAME=value ..." sets the driver's runtime alone (the nodes' is DISTANCE_NODE_{1,2}_ENV).
bench_build_driver() {
  dotnet build load/Distance.Load -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
  driver=(env ${DRIVER_ENV:-} dotnet load/Distance.Load/bin/Release/net10.0/Distance.Load.dll)
}

# bench_build_baseline: publishes the bare baseline host (load/Distance.Baseline) for bench_start_baseline.
bench_build_baseline() {
  dotnet publish load/Distance.Baseline -c Release -o "$LOCAL_DIR/baseline" -nologo -v quiet -clp:ErrorsOnly >/dev/null
}

# bench_start_baseline PORT CHANNEL_PREFIX [NAME=value...]: starts a bare baseline host on PORT with its
# Redis channels under CHANNEL_PREFIX and the given runtime settings; its pid is left in bench_baseline_pid.
# bench_wait_baseline PORT...: waits (up to 30 s each) until those hosts answer.
bench_start_baseline() {
  local port=$1 prefix=$2
  shift 2
  (cd "$LOCAL_DIR/baseline" && Redis="$(local_redis_connection)" ChannelPrefix="$prefix" \
    exec env "$@" dotnet Distance.Baseline.dll --urls "http://127.0.0.1:$port" >"$LOCAL_DIR/baseline-$port.log" 2>&1) &
  bench_baseline_pid=$!
}
bench_wait_baseline() {
  local port
  for port in "$@"; do
    for _ in $(seq 300); do curl -fsS -o /dev/null "http://127.0.0.1:$port/health" 2>/dev/null && break; sleep 0.1; done
  done
}

# bench_drop DB: drops the benchmark's database and deletes its Redis keys (prefix $Redis__KeyPrefix).
bench_drop() {
  mariadb --protocol=tcp -h 127.0.0.1 -P "$MARIADB_PORT" -uroot -e "DROP DATABASE IF EXISTS \`$1\`"
  bench_redis_delete "$Redis__KeyPrefix*"
}

# bench_teardown DB: on exit, what a benchmark leaves behind: this worktree's nodes, the database DB and its keys.
bench_teardown() {
  set +e
  bash scripts/cluster.sh down
  bench_drop "$1"
}

# bench_stop PID...: SIGTERM to processes the script started itself (never by name).
bench_stop() {
  local pid
  for pid in "$@"; do kill -TERM "$pid" 2>/dev/null; done
  return 0
}

# bench_node_pids: the pids of this worktree's cluster nodes, comma separated.
bench_node_pids() {
  local pids=() pidfile
  for pidfile in "$LOCAL_DIR"/cluster/node-*.pid; do [ -e "$pidfile" ] && pids+=("$(cat "$pidfile")"); done
  (IFS=,; echo "${pids[*]}")
}

# bench_redis_pid, bench_mariadb_pid: the pid of the Redis / the MariaDB that serves our port
# (there may be others on the machine); empty when it cannot be found.
bench_redis_pid() {
  redis-cli -h 127.0.0.1 -p "$REDIS_PORT" info server 2>/dev/null | awk -F: '/^process_id:/ {print $2}' | tr -d '\r' || true
}
bench_mariadb_pid() {
  local pid
  pid=$(cat "$(mariadb --protocol=tcp -h 127.0.0.1 -P "$MARIADB_PORT" -uroot -N -e 'SELECT @@pid_file' 2>/dev/null)" 2>/dev/null || true)
  [ -n "$pid" ] || pid=$(pgrep -x mariadbd | head -1 || true)
  echo "$pid"
}

# bench_service_pids: both of them, comma separated, leaving out one that cannot be found.
bench_service_pids() {
  local redis mariadb
  redis=$(bench_redis_pid); mariadb=$(bench_mariadb_pid)
  echo "${redis}${redis:+${mariadb:+,}}${mariadb}"
}
