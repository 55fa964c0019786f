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
  export Redis__KeyPrefix="$DRILL_DB:"
  export Jwt__SigningKey="$(openssl rand -base64 32)"
  export ASPNETCORE_ENVIRONMENT=Development
  export Logging__LogLevel__Default=Information
  if [ ! -f "$DRILLS_DLL" ] || [ -n "$(find load/Distance.Drills -name '*.cs' -newer "$DRILLS_DLL" | head -1)" ]; then
    dotnet build load/Distance.Drills -c Release -nologo -v quiet -clp:ErrorsOnly >&2
  fi
  bash scripts/cluster.sh up 2 >&2
}

# Stops the cluster and every engine ha.sh started (their data goes with them); keeps the node logs.
drill_down() {
  if [ -d "$CLUSTER_DIR" ]; then
    local keep="$LOCAL_DIR/logs/$DRILL_NAME-$(date +%H%M%S)"
    mkdir -p "$keep" && cp "$CLUSTER_DIR"/node-*.log "$keep/" 2>/dev/null || true
  fi
  bash scripts/cluster.sh down >&2 || true
  bash scripts/ha.sh down >&2 || true
}
