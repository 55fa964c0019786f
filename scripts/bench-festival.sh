#!/usr/bin/env bash
# The festival benchmark (issue 7, load/README.md): festival night times MULTIPLE on a two-node
# cluster with its own database and Redis prefix. `festival --seed` bulk-loads the crowd of MEMBERS
# verified members around one campus (locations, rooms 2k-1/2k with 20 messages of history) and
# BACKGROUND members elsewhere; then load/Distance.Load `festival` offers 33 x MULTIPLE HTTP
# requests/s of the real mix over both nodes while the crowd, connected to both, chats at
# 4,000 x MULTIPLE messages an hour: WARMUP seconds, then DURATION measured. The last line of the
# driver says PASS or FAIL against the targets (p99 <= 100 ms, zero errors); so does the exit code.
# Everything it starts (and its database and keys) is removed on exit.
#   scripts/bench-festival.sh                                  # x100 for 10 minutes after 1 of warm-up: the issue's target
#   MULTIPLE=20 DURATION=30 WARMUP=5 scripts/bench-festival.sh # a smoke run
set -euo pipefail
source "$(dirname "$0")/env.sh"
source "$(dirname "$0")/bench-lib.sh"
cd "$REPO_ROOT"

export DISTANCE_BASE_PORT="${DISTANCE_BASE_PORT:-5720}"
LOAD_DB="${LOAD_DB:-distance_festival_load}"   # never the development or test databases
MULTIPLE="${MULTIPLE:-100}"
DURATION="${DURATION:-600}"
# A node's first minute under load goes largely to the JIT (~0.5 cores each at 66 requests/s in a
# first run after start, ~0.1 in the next): the warm-up absorbs it.
WARMUP="${WARMUP:-60}"
MEMBERS="${MEMBERS:-5000}"
BACKGROUND="${BACKGROUND:-100000}"
MIX="${MIX:-location:45,matches:15,rooms:25,history:15}"
CLIENTS="${CLIENTS:-64}"
OUT_DIR="$REPO_ROOT/load/out"
CSV="${CSV:-$OUT_DIR/festival-$(date -u +%Y%m%dT%H%M%S).csv}"
mkdir -p "$OUT_DIR"

bench_env "$LOAD_DB" "${LOAD_DB#distance_}:"
db_connection="$(local_mariadb_connection "$LOAD_DB")"

# Rate limits stay on at their defaults (every request and hub call still takes a token from
# Redis): the load is spread over the crowd as real members would spread it. At x100 with 5,000
# members a member makes 3,300/5,000 = 0.66 requests/s (global member limit: 20/s, burst 120),
# 0.10 match queries/s (matching: 1 per 2 s, burst 10) and sends 111/5,000 = 0.022 messages/s
# (SendMessage: 5/s, burst 20). Callers are drawn at random, so only a limit whose sustained rate
# is within 4x of a member's mean rate would ever refuse a burst: such a limit (a larger MULTIPLE
# or fewer MEMBERS) is raised to 4x the mean rate per second, with a burst of 10 s of that, and no
# further.
raise_limit() {  # KEY DEFAULT_PER_SECOND DEFAULT_BURST MEAN_PER_SECOND
  local needed
  needed=$(awk -v mean="$4" -v limit="$2" 'BEGIN { if (4 * mean > limit) printf "%d", 4 * mean + 1 }')
  [ -n "$needed" ] || return 0
  local burst=$(( needed * 10 > $3 ? needed * 10 : $3 ))
  export "RateLimiting__${1}__TokensPerPeriod=$needed" "RateLimiting__${1}__TokenLimit=$burst" "RateLimiting__${1}__ReplenishmentPeriod=00:00:01"
  log "raised rate limit $1 to $needed/s, burst $burst (a member's mean rate here: $4/s)"
}
matches_share=$(echo "$MIX" | tr ',' '\n' | awk -F: '$1 == "matches" {print $2}')
per_member() { awk -v rate="$1" -v members="$MEMBERS" 'BEGIN { printf "%.4f", rate / members }'; }
raise_limit Member 20 120 "$(per_member "$(awk -v m="$MULTIPLE" 'BEGIN { print 33 * m }')")"
raise_limit Matching 0.5 10 "$(per_member "$(awk -v m="$MULTIPLE" -v s="${matches_share:-0}" 'BEGIN { print 33 * m * s / 100 }')")"
raise_limit Hub__SendMessage 5 20 "$(per_member "$(awk -v m="$MULTIPLE" 'BEGIN { print 4000 * m / 3600 }')")"

trap 'bench_teardown "$LOAD_DB"' EXIT

log "building the load driver"
bench_build_driver
log "seeding $MEMBERS crowd members with rooms and $BACKGROUND background members into $LOAD_DB"
"${driver[@]}" festival --seed --members "$MEMBERS" --background "$BACKGROUND" --connection "$db_connection"

log "starting 2 nodes from port $((DISTANCE_BASE_PORT + 1))"
bash scripts/cluster.sh up 2 >/dev/null
service_pids="$(bench_service_pids)"
pids="$(bench_node_pids)${service_pids:+,$service_pids}"

log "festival x$MULTIPLE: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); ${WARMUP}s warm-up, ${DURATION}s measured"
status=0
"${driver[@]}" festival --members "$MEMBERS" --multiple "$MULTIPLE" --mix "$MIX" --duration "$DURATION" --warmup "$WARMUP" \
  --clients "$CLIENTS" --connection "$db_connection" --pids "$pids" --csv "$CSV" --label "${LABEL:-x$MULTIPLE}" \
  --urls "http://127.0.0.1:$((DISTANCE_BASE_PORT + 1)),http://127.0.0.1:$((DISTANCE_BASE_PORT + 2))" || status=$?
log "load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "CSV: $CSV"
exit $status
