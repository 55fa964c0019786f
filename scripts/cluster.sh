#!/usr/bin/env bash
# A real multi-node Distance on one machine, for operators, benchmarks and fault drills.
#   scripts/cluster.sh up N     local Redis + MariaDB, a Release build, N nodes on 127.0.0.1:5001..500N
#                               and DISTANCE_PUSH_WORKERS (1) push workers on 127.0.0.1:5101.. (/metrics, /health)
#   scripts/cluster.sh down     stops every process `up` started; nothing stray remains
#   scripts/cluster.sh status
#   scripts/cluster.sh restart I   stops node I (SIGTERM, as a deploy or crash would) and starts it
#                               again on its port from the same build, with the current environment
#   scripts/cluster.sh stop I      stops node I and leaves it down (`restart I` brings it back)
# Environment variables reach the nodes as ASP.NET Core configuration (Section__Key=value).
# DISTANCE_NODE_<I>_ENV adds environment for node I only, as space-separated NAME=value words, e.g.
# DISTANCE_NODE_2_ENV=DOTNET_GCHeapHardLimit=0x20000000 runs node 2 under a 512 MB GC heap limit.
# With Database__ConnectionString and Redis__ConnectionString set, no local service is started.
# Push workers read the same Database__/Redis__ settings as the nodes. Their providers come from the
# environment too (Push__Fcm__ServiceAccountFile, Push__WebPush__PublicKey/PrivateKey, docs/push.md);
# without them both providers are off and every record is dead-lettered as provider_disabled, which
# is what a machine without push credentials should do. The push benchmark (scripts/bench-push.sh)
# runs its own worker against the providers' stand-ins instead.
# HA=1 runs the nodes on the high-availability engines of scripts/ha.sh instead: a MariaDB primary
# with a GTID replica for lag-tolerant reads, and Redis found through three sentinels.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$REPO_ROOT"

CLUSTER_DIR="$LOCAL_DIR/cluster"
BIN_DIR="$CLUSTER_DIR/bin"
BASE_PORT="${DISTANCE_BASE_PORT:-5000}"
PUSH_BIN_DIR="$CLUSTER_DIR/push-bin"
PUSH_WORKERS="${DISTANCE_PUSH_WORKERS:-1}"

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

up() {
  local count="${1:-2}"
  mkdir -p "$CLUSTER_DIR"
  if [ "${HA:-0}" = 1 ] && { [ -z "${Database__ConnectionString:-}" ] || [ -z "${Redis__ConnectionString:-}" ]; }; then
    local started_ha; started_ha=$(bash scripts/ha.sh up)
    echo "$started_ha" | grep -q "^started" && touch "$CLUSTER_DIR/started-ha"
    eval "$(bash scripts/ha.sh env distance)"
  elif [ -z "${Database__ConnectionString:-}" ] || [ -z "${Redis__ConnectionString:-}" ]; then
    # Remember what this call started (services.sh says so), so `down` stops only that and never
    # a Redis or MariaDB that somebody else was already using.
    local started; started=$(bash scripts/services.sh up)
    echo "$started" | grep -q "started redis" && touch "$CLUSTER_DIR/started-redis"
    echo "$started" | grep -q "started mariadb" && touch "$CLUSTER_DIR/started-mariadb"
    export Database__ConnectionString="${Database__ConnectionString:-$(local_mariadb_connection distance)}"
    export Redis__ConnectionString="${Redis__ConnectionString:-$(local_redis_connection)}"
  fi

  publish Distance.Realtime "$BIN_DIR" publish.log

  for i in $(seq 1 "$count"); do
    # A fresh log per `up`; `restart` appends to it.
    alive "$CLUSTER_DIR/node-$i.pid" || : >"$CLUSTER_DIR/node-$i.log"
    start_node "$i"
  done
  for i in $(seq 1 "$count"); do wait_ready "$i"; done
  if [ "$PUSH_WORKERS" -gt 0 ]; then
    publish Distance.Push "$PUSH_BIN_DIR" publish-push.log
    for i in $(seq 1 "$PUSH_WORKERS"); do
      alive "$CLUSTER_DIR/push-$i.pid" || : >"$CLUSTER_DIR/push-$i.log"
      start_push_worker "$i"
    done
    for i in $(seq 1 "$PUSH_WORKERS"); do wait_ready "$i" push; done
  fi
  status
}

# publish PROJECT DIR LOG: a Release publish of PROJECT into DIR; its errors, if any, and exit.
publish() {
  if ! dotnet publish "$1" -c Release -o "$2" -nologo -v quiet -clp:ErrorsOnly >"$CLUSTER_DIR/$3" 2>&1; then
    log "the Release publish of $1 failed:"; grep -E "error" "$CLUSTER_DIR/$3" | sort -u >&2; exit 1
  fi
}

# Push worker I on BASE_PORT+100+I, like a node: from its build folder, exec'd so the pid is its own.
start_push_worker() {
  local i=$1 port=$((BASE_PORT + 100 + $1)) pidfile="$CLUSTER_DIR/push-$1.pid"
  if alive "$pidfile"; then return; fi
  (cd "$PUSH_BIN_DIR" && ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}" \
    exec nohup dotnet Distance.Push.dll --urls "http://127.0.0.1:$port" >>"$CLUSTER_DIR/push-$i.log" 2>&1) &
  echo $! >"$pidfile"
}

start_node() {
  local i=$1 port=$((BASE_PORT + $1)) pidfile="$CLUSTER_DIR/node-$1.pid"
  if alive "$pidfile"; then return; fi
  local node_env_var="DISTANCE_NODE_${i}_ENV" node_env=()
  read -ra node_env <<<"${!node_env_var:-}"
  # Started from the build folder so the node reads its own appsettings; exec keeps the
  # recorded pid the node's own, so `down` and the fault drills signal the right process.
  (cd "$BIN_DIR" && ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}" \
    exec env "${node_env[@]}" nohup dotnet Distance.Realtime.dll --urls "http://127.0.0.1:$port" \
    >>"$CLUSTER_DIR/node-$i.log" 2>&1) &
  echo $! >"$pidfile"
}

# wait_ready I [push]: node I (or push worker I) answers /health/ready.
wait_ready() {
  local i=$1 kind=${2:-node} port ready=""
  if [ "$kind" = push ]; then port=$((BASE_PORT + 100 + i)); else port=$((BASE_PORT + i)); fi
  for _ in $(seq 600); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$port/health/ready" 2>/dev/null; then ready=1; break; fi
    alive "$CLUSTER_DIR/$kind-$i.pid" || break
    sleep 0.1
  done
  if [ -z "$ready" ]; then
    log "$kind $i did not become ready; see $CLUSTER_DIR/$kind-$i.log"; tail -20 "$CLUSTER_DIR/$kind-$i.log" >&2; exit 1
  fi
}

stop_pids() {
  [ $# -gt 0 ] || return 0
  # SIGTERM lets each node drain its connections; a node that does not stop in time is killed.
  kill -TERM "$@" 2>/dev/null || true
  for _ in $(seq 250); do
    local running=0
    for pid in "$@"; do kill -0 "$pid" 2>/dev/null && running=1; done
    [ $running -eq 0 ] && return 0
    sleep 0.1
  done
  kill -KILL "$@" 2>/dev/null || true
}

restart() {
  local i=$1 pidfile="$CLUSTER_DIR/node-$1.pid"
  [ -x "$BIN_DIR/Distance.Realtime" ] || [ -f "$BIN_DIR/Distance.Realtime.dll" ] || { log "no build: run 'up' first"; exit 1; }
  if alive "$pidfile"; then stop_pids "$(cat "$pidfile")"; fi
  rm -f "$pidfile"
  start_node "$i"
  wait_ready "$i"
}

stop() {
  local pidfile="$CLUSTER_DIR/node-$1.pid"
  if alive "$pidfile"; then stop_pids "$(cat "$pidfile")"; fi
  rm -f "$pidfile"
}

status() {
  for pidfile in "$CLUSTER_DIR"/node-*.pid; do
    [ -e "$pidfile" ] || continue
    local i; i=$(basename "$pidfile" .pid); i=${i#node-}
    alive "$pidfile" && echo "node http://127.0.0.1:$((BASE_PORT + i)) pid $(cat "$pidfile")"
  done
  for pidfile in "$CLUSTER_DIR"/push-*.pid; do
    [ -e "$pidfile" ] || continue
    local i; i=$(basename "$pidfile" .pid); i=${i#push-}
    alive "$pidfile" && echo "push worker http://127.0.0.1:$((BASE_PORT + 100 + i)) pid $(cat "$pidfile")"
  done
  bash scripts/services.sh status | grep -v " down$" || true
  [ "${HA:-0}" = 1 ] && bash scripts/ha.sh status
  return 0
}

down() {
  local pids=()
  for pidfile in "$CLUSTER_DIR"/node-*.pid "$CLUSTER_DIR"/push-*.pid; do
    [ -e "$pidfile" ] || continue
    alive "$pidfile" && pids+=("$(cat "$pidfile")")
    rm -f "$pidfile"
  done
  stop_pids "${pids[@]}"
  if [ -f "$CLUSTER_DIR/started-ha" ]; then
    bash scripts/ha.sh down
    rm -f "$CLUSTER_DIR/started-ha"
  fi
  for service in redis mariadb; do
    if [ -f "$CLUSTER_DIR/started-$service" ]; then
      bash scripts/services.sh down "$service"
      rm -f "$CLUSTER_DIR/started-$service"
    fi
  done
}

case "${1:-}" in
  up) up "${2:-2}" ;;
  down) down ;;
  status) status ;;
  restart) restart "${2:?node number}" ;;
  stop) stop "${2:?node number}" ;;
  *) echo "usage: $0 up N | down | status | restart I | stop I" >&2; exit 2 ;;
esac
