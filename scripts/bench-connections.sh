#!/usr/bin/env bash
# The connections benchmark (docs/benchmarks.md): a two-node cluster on its own database and
# Redis prefix, COUNT seeded members, then load/Distance.Load `connections` in one driver process
# per 10,000 connections (the open-file limit is 20,000 per process). Node memory (RSS from /proc,
# the GC heap from /metrics, and the live heap after a full GC from scripts/live-heap.sh) is
# sampled before and while the connections are held.
#   COUNT=20000 scripts/bench-connections.sh
set -euo pipefail
source "$(dirname "$0")/env.sh"
source "$(dirname "$0")/bench-lib.sh"
cd "$REPO_ROOT"

export DISTANCE_BASE_PORT="${DISTANCE_BASE_PORT:-5700}"
LOAD_DB="${LOAD_DB:-distance_load}"
COUNT="${COUNT:-5000}"
PER_PROCESS="${PER_PROCESS:-10000}"
PARALLEL="${PARALLEL:-64}"
HOLD="${HOLD:-40}"
OUT_DIR="$REPO_ROOT/load/out"
mkdir -p "$OUT_DIR"

bench_env "$LOAD_DB" "${LOAD_DB#distance_}:"
db_connection="$(local_mariadb_connection "$LOAD_DB")"
export RateLimiting__Member__TokenLimit=100000 RateLimiting__Member__TokensPerPeriod=100000

driver_pids=()
cleanup() {
  set +e
  bench_stop "${driver_pids[@]}"
  bash scripts/cluster.sh down
  bench_drop "$LOAD_DB"
}
trap cleanup EXIT

bench_build_driver
"${driver[@]}" chat --seed --pairs "$(( (COUNT + 1) / 2 ))" --connection "$db_connection"
bash scripts/cluster.sh up 2 >/dev/null
node_pids=("$(cat "$LOCAL_DIR"/cluster/node-1.pid)" "$(cat "$LOCAL_DIR"/cluster/node-2.pid)")

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
# The GC heap size in bytes as the node's Prometheus endpoint reports it (OpenTelemetry runtime metrics).
heap_bytes() { curl -fsS "http://127.0.0.1:$1/metrics" | awk '/^dotnet_gc_last_collection_heap_size_bytes/ {s += $2} END {printf "%.0f", s}'; }
sample() {
  local total_rss=0 total_heap=0
  for i in 1 2; do
    total_rss=$((total_rss + $(rss_kb "${node_pids[$((i - 1))]}")))
    total_heap=$((total_heap + $(heap_bytes $((DISTANCE_BASE_PORT + i))) ))
  done
  echo "$total_rss $total_heap"
}
# The live heap of both nodes after a full GC: no garbage of the handshakes in it.
live_heap() { echo $(( $(bash scripts/live-heap.sh "${node_pids[0]}") + $(bash scripts/live-heap.sh "${node_pids[1]}") )); }

sleep 5
read -r rss_before heap_before < <(sample)
live_before=$(live_heap)
log "before: nodes RSS $((rss_before / 1024)) MB, GC heap $((heap_before / 1048576)) MB, live heap $((live_before / 1048576)) MB; connecting $COUNT"
rm -f "$OUT_DIR"/connections-driver-*.log
processes=$(( (COUNT + PER_PROCESS - 1) / PER_PROCESS ))
started=$(date +%s.%N)
for p in $(seq 0 $((processes - 1))); do
  first=$((p * PER_PROCESS + 1)); n=$(( COUNT - p * PER_PROCESS < PER_PROCESS ? COUNT - p * PER_PROCESS : PER_PROCESS ))
  "${driver[@]}" connections --count "$n" --first "$first" --parallel "$PARALLEL" --hold "$HOLD" \
    --urls "http://127.0.0.1:$((DISTANCE_BASE_PORT + 1)),http://127.0.0.1:$((DISTANCE_BASE_PORT + 2))" >"$OUT_DIR/connections-driver-$p.log" 2>&1 &
  driver_pids+=($!)
done
for p in $(seq 0 $((processes - 1))); do
  for _ in $(seq 1200); do grep -q '^connected' "$OUT_DIR/connections-driver-$p.log" && break; sleep 0.1; done
done
connected_at=$(date +%s.%N)
cat "$OUT_DIR"/connections-driver-*.log
# Let the nodes settle (a GC after the burst of handshakes) before sampling.
sleep 10
read -r rss_after heap_after < <(sample)
live_after=$(live_heap)
awk -v n="$COUNT" -v t="$(echo "$connected_at - $started" | bc)" -v r0="$rss_before" -v r1="$rss_after" -v h0="$heap_before" -v h1="$heap_after" \
  -v l0="$live_before" -v l1="$live_after" 'BEGIN {
  printf "%d connections in %.1f s = %.0f/s overall; nodes RSS %+.0f MB = %.1f KB/connection; GC heap %+.0f MB = %.1f KB/connection; live heap after a full GC %+.0f MB = %.1f KB/connection\n",
    n, t, n / t, (r1 - r0) / 1024, (r1 - r0) / n, (h1 - h0) / 1048576, (h1 - h0) / 1024 / n, (l1 - l0) / 1048576, (l1 - l0) / 1024 / n }'
status=0
for pid in "${driver_pids[@]}"; do wait "$pid" || status=1; done
driver_pids=()
cat "$OUT_DIR"/connections-driver-*.log | grep "still connected"
exit $status
