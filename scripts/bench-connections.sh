#!/usr/bin/env bash
# The connections benchmark (docs/benchmarks.md): a two-node cluster on its own database and
# Redis prefix, COUNT seeded members, then load/Distance.Load `connections` in one driver process
# per 10,000 connections (the open-file limit is 20,000 per process). Node memory (RSS from /proc,
# the GC heap from /metrics, and the live heap after a full GC from scripts/live-heap.sh) is
# sampled before and while the connections are held; the CPU the nodes, Redis and MariaDB used over
# the connect window is reported per connect (each driver reports its own).
#   COUNT=20000 scripts/bench-connections.sh
#   CLIENT=signalr COUNT=20000 scripts/bench-connections.sh   # the reference client instead of raw WebSockets
set -euo pipefail
source "$(dirname "$0")/env.sh"
source "$(dirname "$0")/bench-lib.sh"
cd "$REPO_ROOT"

export DISTANCE_BASE_PORT="${DISTANCE_BASE_PORT:-5700}"
LOAD_DB="${LOAD_DB:-distance_load}"
COUNT="${COUNT:-5000}"
PER_PROCESS="${PER_PROCESS:-10000}"
PARALLEL="${PARALLEL:-64}"
CLIENT="${CLIENT:-raw}"      # raw: a WebSocket and the JSON handshake; signalr: the reference client
# The storm hits nodes that have been running (the survivors of a node loss): WARM members connect,
# stay a few seconds and leave first, so the handshake path is compiled; WARM=0 measures cold nodes.
WARM="${WARM:-2000}"
HOLD="${HOLD:-90}"   # long enough for both live-heap samples below (~10 s and ~45 s after the storm)
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
"${driver[@]}" chat --seed --pairs "$(( (COUNT + WARM + 1) / 2 ))" --connection "$db_connection"
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
# Hub connections both nodes hold now (SignalR's own gauge): a live heap sampled after the drivers
# began closing would be too small, so each sample says how many it saw.
held() {
  local port
  for port in $((DISTANCE_BASE_PORT + 1)) $((DISTANCE_BASE_PORT + 2)); do curl -fsS "http://127.0.0.1:$port/metrics"; done |
    awk '/^signalr_server_active_connections/ {s += $2} END {printf "%d\n", s}'
}
# Collections (all generations) and seconds paused by the GC so far, both nodes together.
gc_sum() {
  local port
  for port in $((DISTANCE_BASE_PORT + 1)) $((DISTANCE_BASE_PORT + 2)); do curl -fsS "http://127.0.0.1:$port/metrics"; done |
    awk '/^dotnet_gc_collections_total/ {c += $2} /^dotnet_gc_pause_time_seconds_total/ {p += $2} END {printf "%d %.3f\n", c, p}'
}
# CPU seconds (user + system) a process has used so far, from /proc: per-process, so the other
# tenants of a shared machine do not count.
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$1/stat" 2>/dev/null || echo 0; }
cpu_sum() { local t=0 pid; for pid in "$@"; do t=$(echo "$t + $(cpu_seconds "$pid")" | bc); done; echo "$t"; }
service_pids=(); IFS=, read -ra service_pids <<<"$(bench_service_pids)"

sleep 5
if [ "$WARM" -gt 0 ]; then
  "${driver[@]}" connections --count "$WARM" --first "$((COUNT + 1))" --parallel "$PARALLEL" --hold 3 --client "$CLIENT" \
    --urls "http://127.0.0.1:$((DISTANCE_BASE_PORT + 1)),http://127.0.0.1:$((DISTANCE_BASE_PORT + 2))" | sed 's/^/warm-up: /'
  sleep 5
fi
read -r rss_before heap_before < <(sample)
live_before=$(live_heap)
log "before: nodes RSS $((rss_before / 1024)) MB, GC heap $((heap_before / 1048576)) MB, live heap $((live_before / 1048576)) MB; connecting $COUNT"
rm -f "$OUT_DIR"/connections-driver-*.log
processes=$(( (COUNT + PER_PROCESS - 1) / PER_PROCESS ))
nodes_cpu0=$(cpu_sum "${node_pids[@]}"); services_cpu0=$(cpu_sum "${service_pids[@]}"); read -r gcs0 pause0 < <(gc_sum)
started=$(date +%s.%N)
for p in $(seq 0 $((processes - 1))); do
  first=$((p * PER_PROCESS + 1)); n=$(( COUNT - p * PER_PROCESS < PER_PROCESS ? COUNT - p * PER_PROCESS : PER_PROCESS ))
  "${driver[@]}" connections --count "$n" --first "$first" --parallel "$PARALLEL" --hold "$HOLD" --client "$CLIENT" \
    --urls "http://127.0.0.1:$((DISTANCE_BASE_PORT + 1)),http://127.0.0.1:$((DISTANCE_BASE_PORT + 2))" >"$OUT_DIR/connections-driver-$p.log" 2>&1 &
  driver_pids+=($!)
done
for p in $(seq 0 $((processes - 1))); do
  for _ in $(seq 1200); do grep -q '^connected' "$OUT_DIR/connections-driver-$p.log" && break; sleep 0.1; done
done
connected_at=$(date +%s.%N)
nodes_cpu1=$(cpu_sum "${node_pids[@]}"); services_cpu1=$(cpu_sum "${service_pids[@]}"); read -r gcs1 pause1 < <(gc_sum)
cat "$OUT_DIR"/connections-driver-*.log
# Let the nodes settle (a GC after the burst of handshakes) before sampling.
sleep 10
read -r rss_after heap_after < <(sample)
live_after=$(live_heap); held_after=$(held)
# Again ~45 s after the storm: what the burst left reachable for a while has gone by then.
sleep 20
live_later=$(live_heap); held_later=$(held)
awk -v n="$COUNT" -v t="$(echo "$connected_at - $started" | bc)" -v r0="$rss_before" -v r1="$rss_after" -v h0="$heap_before" -v h1="$heap_after" \
  -v l0="$live_before" -v l1="$live_after" -v l2="$live_later" -v c1="$held_after" -v c2="$held_later" 'BEGIN {
  printf "%d connections in %.1f s = %.0f/s overall; nodes RSS %+.0f MB = %.1f KB/connection; GC heap %+.0f MB = %.1f KB/connection\n",
    n, t, n / t, (r1 - r0) / 1024, (r1 - r0) / n, (h1 - h0) / 1048576, (h1 - h0) / 1024 / n
  printf "live heap after a full GC: ~10 s after the storm %+.0f MB = %.1f KB/connection (%d held); ~45 s after %+.0f MB = %.1f KB/connection (%d held)%s\n",
    (l1 - l0) / 1048576, (l1 - l0) / 1024 / n, c1, (l2 - l0) / 1048576, (l2 - l0) / 1024 / n, c2,
    (c1 < n || c2 < n) ? " -- NOT ALL HELD: the figure is too small" : "" }'
awk -v n="$COUNT" -v t="$(echo "$connected_at - $started" | bc)" -v nodes="$(echo "$nodes_cpu1 - $nodes_cpu0" | bc)" \
  -v services="$(echo "$services_cpu1 - $services_cpu0" | bc)" -v gcs="$((gcs1 - gcs0))" -v pause="$(echo "$pause1 - $pause0" | bc)" 'BEGIN {
  printf "CPU over the connect window (%s client): nodes %.2f cores = %.2f ms/connect; Redis + MariaDB %.2f cores = %.2f ms/connect (shared servers: an upper bound); nodes GC: %d collections, %.2f s paused\n",
    "'"$CLIENT"'", nodes / t, 1000 * nodes / n, services / t, 1000 * services / n, gcs, pause }'
status=0
for pid in "${driver_pids[@]}"; do wait "$pid" || status=1; done
driver_pids=()
cat "$OUT_DIR"/connections-driver-*.log | grep "still connected"
exit $status
