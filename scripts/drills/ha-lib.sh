# Shared by the high-availability drills: sourced, not run. Like lib.sh, but the cluster runs on
# scripts/ha.sh's engines at the drills' own ports (never the 3320/6400/26400 of the tests):
# a MariaDB primary 3322 with a GTID replica 3323, Redis 6402/6403 behind sentinels 26403-26405.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

export DISTANCE_HA_DB_PRIMARY_PORT="${DISTANCE_DRILL_HA_DB_PORT:-3322}"
export DISTANCE_HA_REDIS_PRIMARY_PORT="${DISTANCE_DRILL_HA_REDIS_PORT:-6402}"
export DISTANCE_HA_SENTINEL_PORT="${DISTANCE_DRILL_HA_SENTINEL_PORT:-26403}"
HA_REPLICA_PORT=$((DISTANCE_HA_DB_PRIMARY_PORT + 1))
HA_DIR="$LOCAL_DIR/ha"

drill_up() {
  bash scripts/ha.sh up >&2
  DRILL_DB="distance_drill_$(date +%s)_$RANDOM"
  eval "$(bash scripts/ha.sh env "$DRILL_DB")"
  export Database__ReplicaMaxLag=00:00:01
  drill_start_nodes
}

# Stops the cluster (keeping its logs) and every engine ha.sh started (their data goes with them).
drill_down() {
  drill_stop_nodes
  bash scripts/ha.sh down >&2 || true
}
