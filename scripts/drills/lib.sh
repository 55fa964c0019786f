# Shared by the fault drills: sourced, not run. Each drill gets private Redis and MariaDB
# (never the shared 6380/3307 other engineers' tests use), a fresh database, a random JWT key and
# a two-node cluster from scripts/cluster.sh; everything it started is stopped on exit, and the
# drill's PASS/FAIL line is printed last, after the clean-up.
set -euo pipefail

export DISTANCE_REDIS_PORT="${DISTANCE_DRILL_REDIS_PORT:-6390}"
export DISTANCE_MARIADB_PORT="${DISTANCE_DRILL_MARIADB_PORT:-3317}"
export DISTANCE_BASE_PORT="${DISTANCE_DRILL_BASE_PORT:-5600}"
DRILLS_SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export DISTANCE_LOCAL_DIR="${DISTANCE_DRILL_LOCAL_DIR:-$(realpath -m "$DRILLS_SCRIPT_DIR/../../.local/drills")}"
source "$DRILLS_SCRIPT_DIR/../env.sh"
cd "$REPO_ROOT"

if [ "$REDIS_PORT" = 6380 ] || [ "$MARIADB_PORT" = 3307 ]; then
  echo "FAIL drills: refusing to run against the shared services (6380/3307)"; exit 2
fi

CLUSTER_DIR="$LOCAL_DIR/cluster"
BASE_PORT="$DISTANCE_BASE_PORT"
DRILLS_DLL="$REPO_ROOT/load/Distance.Drills/bin/Release/net10.0/Distance.Drills.dll"
DRILL_RESULT=""
DRILL_STATUS=1
DRILL_DB=""

node_url() { echo "http://127.0.0.1:$((BASE_PORT + $1))"; }
node_pid() { cat "$CLUSTER_DIR/node-$1.pid"; }

# The drill's Redis prefix, a random JWT key and Development settings, the drill driver built if it is
# stale, and a 2-node cluster on the database and Redis the caller exported (drill_up here and in ha-lib.sh).
drill_start_nodes() {
  export Redis__KeyPrefix="$DRILL_DB:"
  export Jwt__SigningKey="$(openssl rand -base64 32)"
  export ASPNETCORE_ENVIRONMENT=Development
  export Logging__LogLevel__Default=Information
  if [ ! -f "$DRILLS_DLL" ] || [ -n "$(find load/Distance.Drills -name '*.cs' -newer "$DRILLS_DLL" | head -1)" ]; then
    dotnet build load/Distance.Drills -c Release -nologo -v quiet -clp:ErrorsOnly >&2
  fi
  bash scripts/cluster.sh up 2 >&2
}

# Keeps the node logs of the run under .local/drills/logs and stops the cluster.
drill_stop_nodes() {
  if [ -d "$CLUSTER_DIR" ]; then
    local keep="$LOCAL_DIR/logs/$DRILL_NAME-$(date +%H%M%S)"
    mkdir -p "$keep" && cp "$CLUSTER_DIR"/node-*.log "$keep/" 2>/dev/null || true
  fi
  bash scripts/cluster.sh down >&2 || true
}

# Private services, a fresh database, and a 2-node Development cluster on them.
drill_up() {
  bash scripts/services.sh up >&2
  DRILL_DB="distance_drill_$(date +%s)_$RANDOM"
  export Database__ConnectionString="Server=127.0.0.1;Port=$MARIADB_PORT;User ID=root;Database=$DRILL_DB;Maximum Pool Size=200"
  export Redis__ConnectionString="127.0.0.1:$REDIS_PORT"
  drill_start_nodes
}

# Stops the cluster (keeping its logs), drops the drill's data and stops the private services.
drill_down() {
  drill_stop_nodes
  if [ -n "$DRILL_DB" ]; then
    mariadb --protocol=tcp -h 127.0.0.1 -P "$MARIADB_PORT" -uroot -e "DROP DATABASE IF EXISTS \`$DRILL_DB\`" 2>/dev/null || true
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" --scan --pattern "$DRILL_DB:*" 2>/dev/null | xargs -r -n 500 redis-cli -h 127.0.0.1 -p "$REDIS_PORT" del >/dev/null 2>&1 || true
  fi
  bash scripts/services.sh down >&2 || true
}

drill_finish() {
  local code=$?
  trap - EXIT INT TERM
  drill_down 2>&1 | sed 's/^/  [clean-up] /' >&2 || true
  [ -n "$DRILL_RESULT" ] || DRILL_RESULT="FAIL $DRILL_NAME the drill stopped early (exit $code)"
  echo "$DRILL_RESULT"
  exit "$DRILL_STATUS"
}

# drill_start NAME: announce, arm the clean-up, bring the cluster up.
drill_start() {
  DRILL_NAME="$1"
  trap drill_finish EXIT
  trap 'DRILL_RESULT="FAIL $DRILL_NAME interrupted"; exit 1' INT TERM
  log "drill $DRILL_NAME: private redis :$REDIS_PORT, mariadb :$MARIADB_PORT, nodes :$((BASE_PORT + 1)) :$((BASE_PORT + 2))"
  if ! drill_up; then
    DRILL_RESULT="FAIL $DRILL_NAME the cluster did not start"
    exit 1
  fi
}

# drill_run ARGS…: runs the driver (bounded) with the cluster's addresses. Its report goes to
# stderr; its last line (PASS/FAIL) becomes the drill's result, printed last on stdout.
drill_run() {
  local out="$LOCAL_DIR/$DRILL_NAME.out" status
  set +e
  timeout 600 dotnet "$DRILLS_DLL" "$DRILL_NAME" --nodes "$(node_url 1),$(node_url 2)" --node-pids "$(node_pid 1),$(node_pid 2)" \
    --db "$Database__ConnectionString" --jwt-key "$Jwt__SigningKey" "$@" 2>&1 | tee "$out" >&2
  status=${PIPESTATUS[0]}
  set -e
  DRILL_RESULT="$(grep '^PASS \|^FAIL ' "$out" | tail -1)"
  [ -n "$DRILL_RESULT" ] || DRILL_RESULT="FAIL $DRILL_NAME the driver printed no result (exit $status)"
  if [ "$status" -eq 0 ] && [[ "$DRILL_RESULT" == PASS* ]]; then DRILL_STATUS=0; else DRILL_STATUS=1; fi
}
