#!/usr/bin/env bash
# The chat benchmark (docs/benchmarks.md): a two-node cluster on its own database and Redis
# prefix, two bare SignalR baseline hosts, then load/Distance.Load `chat` at each offered rate,
# baseline and Distance in the same run. Everything it starts (and its database and keys) is
# removed on exit.
#   scripts/bench-chat.sh                                   # defaults below; override, e.g.
#   RATES=500,1000,2000,3000 DURATION=20 REPEAT=3 scripts/bench-chat.sh
#   COLD=1 scripts/bench-chat.sh      # the cold surge: per run, fresh nodes, and as soon as both are
#                                     # ready and the clients connected, 3,000 msg/s with no warm-up
#                                     # and no baseline; the whole run counts, also per 5-s window.
#                                     # The driver itself is warm (WARM_DRIVER=15 by default): it first
#                                     # runs 15 s against bare baseline hosts that are not measured, while
#                                     # the fresh nodes start and warm up, and surges them as soon as both
#                                     # are ready, so its own JIT stays out of the surge's first seconds
#   COLD=1 WARM_DRIVER=0 scripts/bench-chat.sh     # the cold surge with a cold driver
#   COLD=1 TARGET=baseline scripts/bench-chat.sh   # the same cold surge against the bare SignalR hub
#                                     # (fresh baseline hosts per run, no nodes): the machine's floor;
#                                     # BASELINE_ENV="DOTNET_TieredCompilation=0" sets the hosts' runtime;
#                                     # the warm driver warms on a second pair of bare hosts, not measured
#   DB_OPTIONS="MaximumPoolSize=16" scripts/bench-chat.sh   # extra MySqlConnector options for the nodes
#   CLIENT=signalr scripts/bench-chat.sh   # the driver's members on the reference client (ChatClient)
#                                          # instead of the raw JSON hub protocol (default: raw)
#   DRIVER_ENV="DOTNET_TieredPGO=1" scripts/bench-chat.sh   # the driver's own runtime (every bench-*.sh)
set -euo pipefail
source "$(dirname "$0")/env.sh"
source "$(dirname "$0")/bench-lib.sh"
cd "$REPO_ROOT"

export DISTANCE_BASE_PORT="${DISTANCE_BASE_PORT:-5700}"
LOAD_DB="${LOAD_DB:-distance_load}"   # never the development or test databases
PAIRS="${PAIRS:-1000}"
COLD="${COLD:-0}"
if [ "$COLD" = 1 ]; then
  RATES="${RATES:-3000}"; DURATION="${DURATION:-30}"; WARMUP=0; TIMELINE="${TIMELINE:-5}"
fi
RATES="${RATES:-500,1000,2000,3000}"
DURATION="${DURATION:-20}"
WARMUP="${WARMUP:-5}"
TIMELINE="${TIMELINE:-0}"
REPEAT="${REPEAT:-1}"
CLIENT="${CLIENT:-raw}"
TARGET="${TARGET:-chat}"
# A cold surge measures cold nodes, not a cold driver: by default the driver warms first (above).
WARM_DRIVER="${WARM_DRIVER:-$([ "$COLD" = 1 ] && echo 15 || echo 0)}"
[ "$TARGET" = chat ] || { [ "$TARGET" = baseline ] && [ "$COLD" = 1 ]; } || { echo "TARGET=baseline needs COLD=1" >&2; exit 2; }
BASELINE_PORT="${BASELINE_PORT:-5710}"
OUT_DIR="$REPO_ROOT/load/out"
CSV="${CSV:-$OUT_DIR/chat-$(date -u +%Y%m%dT%H%M%S).csv}"
mkdir -p "$OUT_DIR" "$LOCAL_DIR"

bench_env "$LOAD_DB" "${LOAD_DB#distance_}:" "${DB_OPTIONS:-}"
db_connection="$(local_mariadb_connection "$LOAD_DB")"
bench_raise_rate_limits

baseline_pids=()
warm_pids=()
driver_pid=""
cleanup() {
  set +e
  [ -z "$driver_pid" ] || kill "$driver_pid" 2>/dev/null
  bench_stop "${baseline_pids[@]}" "${warm_pids[@]}"
  bash scripts/cluster.sh down
  bench_drop "$LOAD_DB"
}
trap cleanup EXIT

log "building the load driver and the baseline host"
bench_build_driver
bench_build_baseline

log "seeding $PAIRS rooms into $LOAD_DB"
"${driver[@]}" chat --seed --pairs "$PAIRS" --connection "$db_connection"

# The bare baseline hosts: fresh processes, whose pids go into baseline_pids.
start_baseline() {
  local i
  for i in 1 2; do
    log "starting the baseline host on $((BASELINE_PORT + i))"
    # shellcheck disable=SC2086 # BASELINE_ENV is a list of NAME=value words
    bench_start_baseline "$((BASELINE_PORT + i))" load-baseline: ${BASELINE_ENV:-}
    baseline_pids+=("$bench_baseline_pid")
  done
  bench_wait_baseline "$((BASELINE_PORT + 1))" "$((BASELINE_PORT + 2))"
}
# With TARGET=baseline the driver warms up on a second pair of bare hosts, never measured.
warm_urls=""
start_warm_hosts() {
  local i
  for i in 3 4; do
    bench_start_baseline "$((BASELINE_PORT + i))" load-warm:
    warm_pids+=("$bench_baseline_pid")
  done
  bench_wait_baseline "$((BASELINE_PORT + 3))" "$((BASELINE_PORT + 4))"
  warm_urls="http://127.0.0.1:$((BASELINE_PORT + 3)),http://127.0.0.1:$((BASELINE_PORT + 4))"
}
stop_baseline() {
  local pid
  bench_stop "${baseline_pids[@]}"
  for pid in "${baseline_pids[@]}"; do while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done; done
  baseline_pids=()
}

# A warm driver against cold nodes warms while the nodes start (their warm-up takes longer than its
# warm-up), so the surge still comes in the first second after ready, not after the nodes idled.
EARLY_DRIVER=0
[ "$COLD" = 1 ] && [ "$TARGET" = chat ] && [ "$WARM_DRIVER" != 0 ] && EARLY_DRIVER=1
# TARGET=baseline (cold only): the bare hub alone, what SignalR and Redis do cold on this machine.
[ "$TARGET" = baseline ] || [ "$EARLY_DRIVER" = 1 ] || { log "starting 2 nodes from port $((DISTANCE_BASE_PORT + 1))"; bash scripts/cluster.sh up 2 >/dev/null; }
baseline_urls=""
[ "$TARGET" = baseline ] && [ "$WARM_DRIVER" != 0 ] && start_warm_hosts
if [ "$COLD" != 1 ] || [ "$TARGET" = baseline ] || [ "$WARM_DRIVER" != 0 ]; then
  baseline_urls="http://127.0.0.1:$((BASELINE_PORT + 1)),http://127.0.0.1:$((BASELINE_PORT + 2))"
  start_baseline
fi

# The processes whose CPU the driver reports: the nodes, the baseline hosts, Redis and MariaDB.
measured_pids() {
  local pids service_pids
  pids="$(bench_node_pids)${baseline_pids[0]:+,${baseline_pids[0]},${baseline_pids[1]}}"
  pids="${pids#,}"
  service_pids="$(bench_service_pids)"
  echo "$pids${service_pids:+,$service_pids}"
}
run_driver() {
  "${driver[@]}" chat --pairs "$PAIRS" --connection "$db_connection" \
    --urls "http://127.0.0.1:$((DISTANCE_BASE_PORT + 1)),http://127.0.0.1:$((DISTANCE_BASE_PORT + 2))" \
    ${baseline_urls:+--baseline-urls "$baseline_urls"} --timeline "$TIMELINE" $([ "$TARGET" = baseline ] && echo --baseline-only) \
    --rates "$RATES" --duration "$DURATION" --warmup "$WARMUP" --csv "$CSV" --label "${LABEL:-run}$run" --client "$CLIENT" \
    $([ "$WARM_DRIVER" != 0 ] && echo --warm-driver "$WARM_DRIVER") ${warm_urls:+--warm-urls "$warm_urls"} "$@"
}

for run in $(seq "$REPEAT"); do
  if [ "$EARLY_DRIVER" = 1 ]; then
    bash scripts/cluster.sh down >/dev/null
    pids_file="$LOCAL_DIR/bench-chat-$run.pids"
    rm -f "$pids_file"
    log "run $run/$REPEAT: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); the driver warms for ${WARM_DRIVER}s while 2 fresh nodes start"
    run_driver --wait-ready --pids-file "$pids_file" &
    driver_pid=$!
    bash scripts/cluster.sh up 2 >/dev/null
    # Whole or not at all: the driver reads the file as soon as it is there.
    measured_pids > "$pids_file.tmp" && mv "$pids_file.tmp" "$pids_file"
    wait "$driver_pid"
    driver_pid=""
    rm -f "$pids_file"
    continue
  fi
  if [ "$COLD" = 1 ] && [ "$run" -gt 1 ]; then
    log "restarting the $TARGET hosts: every cold run starts from fresh processes"
    if [ "$TARGET" = baseline ]; then
      stop_baseline; start_baseline
    else
      bash scripts/cluster.sh down >/dev/null
      bash scripts/cluster.sh up 2 >/dev/null
    fi
  fi
  log "run $run/$REPEAT: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); rates $RATES, ${DURATION}s each after ${WARMUP}s warm-up"
  run_driver --pids "$(measured_pids)"
done

echo
column -t -s, "$CSV"
echo "CSV: $CSV"
