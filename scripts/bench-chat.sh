#!/usr/bin/env bash
# The chat benchmark (docs/benchmarks.md): a two-node cluster on its own database and Redis
# prefix, two bare SignalR baseline hosts, then load/Distance.Load `chat` at each offered rate,
# baseline and Distance in the same run. Everything it starts (and its database and keys) is
# removed on exit.
#   scripts/bench-chat.sh                                   # defaults below; override, e.g.
#   RATES=500,1000,2000,3000 DURATION=20 REPEAT=3 scripts/bench-chat.sh
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$REPO_ROOT"

export DISTANCE_BASE_PORT="${DISTANCE_BASE_PORT:-5700}"
LOAD_DB="${LOAD_DB:-distance_load}"   # never the development or test databases
PAIRS="${PAIRS:-1000}"
RATES="${RATES:-500,1000,2000,3000}"
DURATION="${DURATION:-20}"
WARMUP="${WARMUP:-5}"
REPEAT="${REPEAT:-1}"
BASELINE_PORT="${BASELINE_PORT:-5710}"
OUT_DIR="$REPO_ROOT/load/out"
CSV="${CSV:-$OUT_DIR/chat-$(date -u +%Y%m%dT%H%M%S).csv}"
mkdir -p "$OUT_DIR" "$LOCAL_DIR"

bash scripts/services.sh up
db_connection="$(local_mariadb_connection "$LOAD_DB")"
export Database__ConnectionString="$db_connection;Maximum Pool Size=200"
export Redis__ConnectionString="$(local_redis_connection)"
export Redis__KeyPrefix="${LOAD_DB#distance_}:"
export Logging__LogLevel__Default=Warning
export_benchmark_rate_limits

baseline_pids=()
cleanup() {
  set +e
  for pid in "${baseline_pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  bash scripts/cluster.sh down
  mariadb --protocol=tcp -h 127.0.0.1 -P "$MARIADB_PORT" -uroot -e "DROP DATABASE IF EXISTS \`$LOAD_DB\`"
  redis-cli -h 127.0.0.1 -p "$REDIS_PORT" --scan --pattern "$Redis__KeyPrefix*" | xargs -r -n 500 redis-cli -h 127.0.0.1 -p "$REDIS_PORT" del >/dev/null
}
trap cleanup EXIT

log "building the load driver and the baseline host"
dotnet build load/Distance.Load -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
dotnet publish load/Distance.Baseline -c Release -o "$LOCAL_DIR/baseline" -nologo -v quiet -clp:ErrorsOnly >/dev/null
driver=(dotnet load/Distance.Load/bin/Release/net10.0/Distance.Load.dll)

log "seeding $PAIRS rooms into $LOAD_DB"
"${driver[@]}" chat --seed --pairs "$PAIRS" --connection "$db_connection"

log "starting 2 nodes from port $((DISTANCE_BASE_PORT + 1)) and the baseline on $((BASELINE_PORT + 1)),$((BASELINE_PORT + 2))"
bash scripts/cluster.sh up 2 >/dev/null
for i in 1 2; do
  (cd "$LOCAL_DIR/baseline" && Redis="$(local_redis_connection)" ChannelPrefix="load-baseline:" \
    exec dotnet Distance.Baseline.dll --urls "http://127.0.0.1:$((BASELINE_PORT + i))" >"$LOCAL_DIR/baseline-$i.log" 2>&1) &
  baseline_pids+=($!)
done
for i in 1 2; do
  for _ in $(seq 300); do curl -fsS -o /dev/null "http://127.0.0.1:$((BASELINE_PORT + i))/health" 2>/dev/null && break; sleep 0.1; done
done

pids="$(cat "$LOCAL_DIR"/cluster/node-1.pid),$(cat "$LOCAL_DIR"/cluster/node-2.pid),${baseline_pids[0]},${baseline_pids[1]}"
redis_pid=$(pgrep -x redis-server | head -1 || true); mariadb_pid=$(pgrep -x mariadbd | head -1 || true)
pids="$pids${redis_pid:+,$redis_pid}${mariadb_pid:+,$mariadb_pid}"
for run in $(seq "$REPEAT"); do
  log "run $run/$REPEAT: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); rates $RATES, ${DURATION}s each after ${WARMUP}s warm-up"
  "${driver[@]}" chat --pairs "$PAIRS" --connection "$db_connection" \
    --urls "http://127.0.0.1:$((DISTANCE_BASE_PORT + 1)),http://127.0.0.1:$((DISTANCE_BASE_PORT + 2))" \
    --baseline-urls "http://127.0.0.1:$((BASELINE_PORT + 1)),http://127.0.0.1:$((BASELINE_PORT + 2))" \
    --rates "$RATES" --duration "$DURATION" --warmup "$WARMUP" --pids "$pids" --csv "$CSV" --label "${LABEL:-run}$run"
done

echo
column -t -s, "$CSV"
echo "CSV: $CSV"
