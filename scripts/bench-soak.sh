#!/usr/bin/env bash
# The soak benchmark (issue #7): a two-node cluster on its own database and Redis prefix, node 2
# under DOTNET_GCHeapHardLimit (512 MB), then load/Distance.Load `soak`: chat at RATE msg/s
# cross-node for DURATION s after WARMUP s, every node's RSS, GC heap per generation and GC pauses
# sampled every SAMPLE s into load/out/soak-*.csv, each node's live heap after a full GC at the end of
# warm-up and of the run (scripts/live-heap.sh), and PASS/FAIL per target. Afterwards each capped
# node must still be alive, with no OutOfMemory in its log. Everything it starts (and its database
# and keys) is removed on exit; the exit status is 0 only if every target passed.
#   scripts/bench-soak.sh                                      # 30 minutes at 1,000 msg/s
#   RATE=500 DURATION=60 WARMUP=10 scripts/bench-soak.sh       # a smoke run
#   /usr/bin/python3 scripts/plot-soak.py load/out/soak-<time>.csv   # docs/benchmarks-soak-heap.png
set -euo pipefail
source "$(dirname "$0")/env.sh"
source "$(dirname "$0")/bench-lib.sh"
cd "$REPO_ROOT"

export DISTANCE_BASE_PORT="${DISTANCE_BASE_PORT:-5740}"
LOAD_DB="${LOAD_DB:-distance_soak_load}"   # dropped and recreated: a *load* name, never the development or test databases
PAIRS="${PAIRS:-1000}"
RATE="${RATE:-1000}"
DURATION="${DURATION:-1800}"
WARMUP="${WARMUP:-60}"
SAMPLE="${SAMPLE:-5}"
WINDOW="${WINDOW:-60}"                     # seconds of messages verified in MariaDB and forgotten at a time
CAPPED_NODES="${CAPPED_NODES-2}"           # nodes under the heap limit: "2", "1 2", or "" for none
HEAP_LIMIT="${HEAP_LIMIT:-0x20000000}"     # DOTNET_GCHeapHardLimit, bytes in hex: 512 MB
OUT_DIR="$REPO_ROOT/load/out"
CSV="${CSV:-$OUT_DIR/soak-$(date -u +%Y%m%dT%H%M%S).csv}"
mkdir -p "$OUT_DIR" "$LOCAL_DIR"

bench_env "$LOAD_DB" "${LOAD_DB#distance_}:"
db_connection="$(local_mariadb_connection "$LOAD_DB")"
bench_raise_rate_limits
# Added to what the caller gave the node (DISTANCE_NODE_<n>_ENV, e.g. a GC setting to compare), not instead of it.
for n in $CAPPED_NODES; do
  node_env_var="DISTANCE_NODE_${n}_ENV"
  export "$node_env_var=${!node_env_var:-} DOTNET_GCHeapHardLimit=$HEAP_LIMIT"
done

trap 'bench_teardown "$LOAD_DB"' EXIT

log "building the load driver"
bench_build_driver

log "seeding $PAIRS rooms into $LOAD_DB"
"${driver[@]}" chat --seed --pairs "$PAIRS" --connection "$db_connection"

log "starting 2 nodes from port $((DISTANCE_BASE_PORT + 1)); under DOTNET_GCHeapHardLimit=$HEAP_LIMIT: node(s) ${CAPPED_NODES:-none}"
bash scripts/cluster.sh up 2 >/dev/null
node_pids=("$(cat "$LOCAL_DIR"/cluster/node-1.pid)" "$(cat "$LOCAL_DIR"/cluster/node-2.pid)")

log "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $RATE msg/s for ${DURATION}s after ${WARMUP}s warm-up, samples every ${SAMPLE}s"
status=0
"${driver[@]}" soak --pairs "$PAIRS" --connection "$db_connection" \
  --urls "http://127.0.0.1:$((DISTANCE_BASE_PORT + 1)),http://127.0.0.1:$((DISTANCE_BASE_PORT + 2))" \
  --pids "${node_pids[0]},${node_pids[1]}" --rate "$RATE" --duration "$DURATION" --warmup "$WARMUP" \
  --sample "$SAMPLE" --window "$WINDOW" --csv "$CSV" --label "${LABEL:-soak}" --live-heap scripts/live-heap.sh || status=$?

# "Never runs out": the capped node still runs, and nothing in its log speaks of running out.
for n in $CAPPED_NODES; do
  if kill -0 "${node_pids[$((n - 1))]}" 2>/dev/null; then
    echo "PASS  node $n (DOTNET_GCHeapHardLimit=$HEAP_LIMIT) still running"
  else
    echo "FAIL  node $n (DOTNET_GCHeapHardLimit=$HEAP_LIMIT) is gone; the end of its log:"; tail -20 "$LOCAL_DIR/cluster/node-$n.log"; status=1
  fi
  if grep -qi "OutOfMemory" "$LOCAL_DIR/cluster/node-$n.log"; then
    echo "FAIL  node $n's log mentions OutOfMemory:"; grep -i -m 5 "OutOfMemory" "$LOCAL_DIR/cluster/node-$n.log"; status=1
  else
    echo "PASS  no OutOfMemory in node $n's log"
  fi
done
echo "CSV: $CSV  (plot: /usr/bin/python3 scripts/plot-soak.py $CSV)"
exit $status
