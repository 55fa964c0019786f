#!/usr/bin/env bash
# The per-request floor (docs/benchmarks.md "What a request costs, layer by layer"): one node on its
# own small database, the bare baseline host beside it, and load/Distance.Load `floor` at one offered
# rate against one path per layer, from the bare host's health check to an authenticated MariaDB
# read. Reports latency and the CPU per request of the host, MariaDB and Redis. Stops all it started.
#   scripts/bench-floor.sh            # RATE=1000 DURATION=20 WARMUP=10; override with the environment
#   LAYERS="me rooms" scripts/bench-floor.sh   # some of: bare io-redis io-mariadb io-both pipeline limit me rooms (the default)
#                                              # and io-mix io-mix-rm io-location io-match io-rooms io-history io-gate
# The io-* layers are the bare host doing only a request's unavoidable round trips (IoFloor.cs);
# io-mix is the festival mix's I/O with one Redis call per request (MixFloor.cs), io-KIND one kind
# of it alone, io-mix-rm the mix with room lists and history pages read from a Redis read model in
# that one call: these seed the festival's crowd (MEMBERS, BACKGROUND) instead of ten pairs.
set -euo pipefail
source "$(dirname "$0")/env.sh"
source "$(dirname "$0")/bench-lib.sh"
cd "$REPO_ROOT"

export DISTANCE_BASE_PORT="${DISTANCE_BASE_PORT:-5800}"
FLOOR_DB="${FLOOR_DB:-distance_floor_bench}"   # never the development or test databases
RATE="${RATE:-1000}"
DURATION="${DURATION:-20}"
WARMUP="${WARMUP:-10}"
BASELINE_PORT="${BASELINE_PORT:-5810}"
LAYERS=" ${LAYERS:-bare io-redis io-mariadb io-both pipeline limit me rooms} "
MIX_KINDS="location match rooms history gate"   # the io-KIND layers
MEMBERS="${MEMBERS:-5000}"
BACKGROUND="${BACKGROUND:-100000}"

bench_env "$FLOOR_DB" "floor_bench:"
bench_raise_rate_limits
# Anonymous requests all come from 127.0.0.1: one bucket, raised like the members' ones.
export RateLimiting__Anonymous__TokenLimit=100000 RateLimiting__Anonymous__TokensPerPeriod=100000
baseline_pid=""
cleanup() {
  set +e
  [ -n "$baseline_pid" ] && bench_stop "$baseline_pid"
  bash scripts/cluster.sh down
  bench_drop "$FLOOR_DB"
}
trap cleanup EXIT

log "building the load driver and the baseline host"
bench_build_driver
bench_build_baseline
layer() { [[ "$LAYERS" == *" $1 "* ]]; }
mix_layers() {
  local kind
  for kind in mix mix-rm $MIX_KINDS; do layer "io-$kind" && return 0; done
  return 1
}
# Members 1 and 2 share room 1: /api/me and /api/rooms read real rows (so they do in the festival's seed).
mix_members=()
if mix_layers; then
  log "seeding the festival's $MEMBERS crowd members with rooms and $BACKGROUND background members"
  "${driver[@]}" festival --seed --members "$MEMBERS" --background "$BACKGROUND" --connection "$(local_mariadb_connection "$FLOOR_DB")" >/dev/null
  mix_members=(MixMembers="$MEMBERS")
  # The read model's start-up writes (a statement per member and room) only when a layer reads it.
  if layer io-mix-rm; then mix_members+=(MixReadModel=true); fi
else
  "${driver[@]}" chat --seed --pairs 10 --connection "$(local_mariadb_connection "$FLOOR_DB")" >/dev/null
fi

log "starting 1 node on $((DISTANCE_BASE_PORT + 1)) and the baseline host on $BASELINE_PORT"
bash scripts/cluster.sh up 1 >/dev/null
bench_start_baseline "$BASELINE_PORT" floor-baseline: MariaDb="$Database__ConnectionString" \
  Redis="$Redis__ConnectionString" KeyPrefix="${Redis__KeyPrefix}baseline:" "${mix_members[@]}"
baseline_pid=$bench_baseline_pid
bench_wait_baseline "$BASELINE_PORT"

node="http://127.0.0.1:$((DISTANCE_BASE_PORT + 1))"
services="$(bench_service_pids)"
node_pids="$(bench_node_pids)${services:+,$services}"
log "load: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $RATE requests/s, ${DURATION}s after ${WARMUP}s"
run() { "${driver[@]}" floor --rate "$RATE" --duration "$DURATION" --warmup "$WARMUP" "$@"; }
if layer bare; then
  echo "# the bare host (Kestrel, one minimal-API endpoint, nothing else)"
  run --url "http://127.0.0.1:$BASELINE_PORT" --path /health --pids "$baseline_pid"
fi
if layer io-redis; then
  echo "# the bare host and one Redis round trip (EXISTS, as the revocation check)"
  run --url "http://127.0.0.1:$BASELINE_PORT" --path /floor/redis --pids "$baseline_pid${services:+,$services}"
fi
if layer io-mariadb; then
  echo "# the bare host and one MariaDB primary-key read (the columns of /api/me), no Dapper"
  run --url "http://127.0.0.1:$BASELINE_PORT" --path /floor/mariadb --pids "$baseline_pid${services:+,$services}"
fi
if layer io-both; then
  echo "# the bare host, one Redis round trip and then one MariaDB read: the I/O of the simplest signed-in read"
  run --url "http://127.0.0.1:$BASELINE_PORT" --path /floor/both --pids "$baseline_pid${services:+,$services}"
fi
if layer io-mix; then
  echo "# the festival mix's I/O on the bare host: one Redis call per request (revocation and buckets), Distance's statements, the shown record"
  run --url "http://127.0.0.1:$BASELINE_PORT" --path /floor/mix --pids "$baseline_pid${services:+,$services}"
fi
if layer io-mix-rm; then
  echo "# the same with room lists and history pages answered by that Redis call from a read model (no statement)"
  run --url "http://127.0.0.1:$BASELINE_PORT" --path "/floor/mix?model=redis" --pids "$baseline_pid${services:+,$services}"
fi
for kind in $MIX_KINDS; do
  if layer "io-$kind"; then
    echo "# the mix's I/O for $kind requests alone (gate: the Redis call alone, as a read answered from Redis)"
    run --url "http://127.0.0.1:$BASELINE_PORT" --path "/floor/mix?only=$kind" --pids "$baseline_pid${services:+,$services}"
  fi
done
if layer pipeline; then
  echo "# the node's pipeline, no Redis or MariaDB (health checks are exempt from the limits)"
  run --url "$node" --path /health/live --pids "$node_pids"
fi
if layer limit; then
  echo "# + the global limit (one token-bucket script in Redis), anonymous; a 404 (no Web Push key is configured)"
  run --url "$node" --path /api/push/webpush-key --pids "$node_pids"
fi
if layer me; then
  echo "# + a member's token (JWT, the revocation check in Redis), the member's limit, one MariaDB read"
  run --url "$node" --path /api/me --member 1 --pids "$node_pids"
fi
if layer rooms; then
  echo "# the same for the room list (one statement)"
  run --url "$node" --path /api/rooms --member 1 --pids "$node_pids"
fi
