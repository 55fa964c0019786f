#!/usr/bin/env bash
# The matching benchmark (docs/benchmarks.md): a one-node local cluster on its own database,
# 1M seeded members with a festival crowd, then load/Distance.Load `matching` with the naive
# full-scan baseline in the same run. Everything it starts is stopped on exit.
#   scripts/bench-matching.sh            # defaults below; override with the environment, e.g.
#   RATE=1500 DURATION=60 scripts/bench-matching.sh
#   SEED=0 scripts/bench-matching.sh     # reuse the last seeded database
#   SEED=0 BASELINE=0 RATE=500 UPDATES=0 scripts/bench-matching.sh   # the cost of one kind alone
#   CELL_INDEX=0 SEED=0 scripts/bench-matching.sh   # draws from MariaDB's buckets, not the Redis cell index
#   FLOOR=1 ... scripts/bench-matching.sh   # then the same match rate against a match's I/O alone on the bare host
#                                           # (MixFloor.cs: one Redis call, the buckets' statements, the shown record)
set -euo pipefail
source "$(dirname "$0")/env.sh"
source "$(dirname "$0")/bench-lib.sh"
cd "$REPO_ROOT"

export DISTANCE_BASE_PORT="${DISTANCE_BASE_PORT:-5200}"
BENCH_DB="${BENCH_DB:-distance_bench}"   # never the development or test databases
MEMBERS="${MEMBERS:-1000000}"
FESTIVAL="${FESTIVAL:-3000}"
RATE="${RATE:-1000}"
UPDATES="${UPDATES:-1000}"
DURATION="${DURATION:-30}"
WARMUP="${WARMUP:-10}"
CLIENTS="${CLIENTS:-64}"
NODES="${NODES:-1}"
SEED="${SEED:-1}"
BASELINE="${BASELINE:-1}"               # 0 skips the naive full-scan baseline
# Extra MySqlConnector options for the nodes, e.g. DB_OPTIONS="Connection Reset=false".
DB_OPTIONS="${DB_OPTIONS:-}"
CELL_INDEX="${CELL_INDEX:-1}"
FLOOR="${FLOOR:-0}"
BASELINE_PORT="${BASELINE_PORT:-5210}"
export Matching__CellIndex="$([ "$CELL_INDEX" = 0 ] && echo false || echo true)"

bench_env "$BENCH_DB" "${BENCH_DB}:" "$DB_OPTIONS"

log "building the load driver"
bench_build_driver
[ "$FLOOR" != 0 ] && bench_build_baseline

if [ "$SEED" != 0 ]; then
  log "seeding $MEMBERS members into $BENCH_DB"
  "${driver[@]}" seed --members "$MEMBERS" --festival "$FESTIVAL" --connection "$(local_mariadb_connection "$BENCH_DB")"
  # The load leaves ~1 GB of dirty pages whose flushing would be billed to the queries: wait (at
  # most two minutes) until MariaDB has written most of them.
  for _ in $(seq 120); do
    dirty=$(mariadb --protocol=tcp -h 127.0.0.1 -P "$MARIADB_PORT" -uroot -N -e "SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_pages_dirty'" | cut -f2)
    [ "${dirty:-0}" -lt 2000 ] && break
    sleep 1
  done
  log "dirty pages left after the seed: ${dirty:-?}"
fi

if [ "$SEED" != 0 ]; then
  # The cell index of an earlier seed is wrong for this one: without its marker the node rebuilds it.
  bench_redis_delete "${BENCH_DB}:cells:*"
fi

baseline_pid=""
cleanup() {
  set +e
  if [ -n "$baseline_pid" ]; then
    bench_stop "$baseline_pid"
    bench_redis_delete "${BENCH_DB}:baseline:*"
  fi
  bash scripts/cluster.sh down
}
trap cleanup EXIT
log "starting $NODES node(s) from port $((DISTANCE_BASE_PORT + 1))"
bash scripts/cluster.sh up "$NODES" >/dev/null
if [ "$CELL_INDEX" != 0 ]; then
  # Until the index is built, draws read the buckets: measure the index, not the fallback.
  for _ in $(seq 300); do
    [ "$(bench_redis_cli exists "${BENCH_DB}:cells:built")" = 1 ] && break
    sleep 1
  done
  log "cell index: $(bench_redis_cli get "${BENCH_DB}:cells:built" || true)"
fi

node_pid=$(cat "$LOCAL_DIR/cluster/node-1.pid")
mariadb_pid=$(bench_mariadb_pid)
redis_pid=$(bench_redis_pid)
log "load: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) before the run"
log "load: $RATE matches/s and $UPDATES location updates/s for ${DURATION}s ($CLIENTS connections)$([ "$BASELINE" != 0 ] && echo ", then the baseline")"
"${driver[@]}" matching --url "http://127.0.0.1:$((DISTANCE_BASE_PORT + 1))" --connection "$(local_mariadb_connection "$BENCH_DB")" \
  --festival "$FESTIVAL" --rate "$RATE" --updates "$UPDATES" --duration "$DURATION" --warmup "$WARMUP" --clients "$CLIENTS" \
  --pids "$node_pid${mariadb_pid:+,$mariadb_pid}${redis_pid:+,$redis_pid}" $([ "$BASELINE" != 0 ] && echo --baseline)

if [ "$FLOOR" != 0 ]; then
  bash scripts/cluster.sh down
  log "the floor: $RATE matches/s of a match's I/O alone on the bare host (port $BASELINE_PORT)"
  bench_start_baseline "$BASELINE_PORT" "${BENCH_DB}:baseline:" MariaDb="$(local_mariadb_connection "$BENCH_DB")" \
    Redis="$Redis__ConnectionString" KeyPrefix="${BENCH_DB}:baseline:" MixMembers="$((2 * FESTIVAL))"
  baseline_pid=$bench_baseline_pid
  bench_wait_baseline "$BASELINE_PORT"
  "${driver[@]}" floor --url "http://127.0.0.1:$BASELINE_PORT" --path "/floor/mix?only=match" --rate "$RATE" --duration "$DURATION" \
    --warmup "$WARMUP" --clients "$CLIENTS" --pids "$baseline_pid${mariadb_pid:+,$mariadb_pid}${redis_pid:+,$redis_pid}"
fi
