#!/usr/bin/env bash
# Local Redis and MariaDB for development, tests and the local cluster: no Docker, no systemd.
# Each runs as an ordinary background process on 127.0.0.1 with its data under .local/.
#   scripts/services.sh up       install when missing, start when not running (idempotent);
#                                prints "started redis" / "started mariadb" for what it started
#   scripts/services.sh down [redis|mariadb]   stop both (or one) cleanly
#   scripts/services.sh status   one line per service
#   scripts/services.sh install  only install redis-server and mariadb-server when missing (scripts/ha.sh)
# A server already on the port is used only when it is this checkout's (its data folder is this
# checkout's .local/): another checkout's Redis or MariaDB, or one whose data folder is gone, is
# refused with a message, never used or stopped. DISTANCE_USE_RUNNING_SERVICES=1 accepts a foreign
# one on purpose (several worktrees sharing one set of services).
# MARIADB_ARGS adds server options for an A/B, e.g. MARIADB_ARGS=--thread-handling=pool-of-threads.
set -euo pipefail
source "$(dirname "$0")/env.sh"

install_packages() {
  local missing=()
  command -v redis-server >/dev/null || missing+=(redis-server)
  command -v mariadbd >/dev/null || missing+=(mariadb-server)
  command -v mariadb >/dev/null || missing+=(mariadb-client)
  [ ${#missing[@]} -eq 0 ] && return
  log "installing ${missing[*]} (apt)"
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

redis_up() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; }
mariadb_up() { mariadb-admin --protocol=tcp -h 127.0.0.1 -P "$MARIADB_PORT" -uroot ping >/dev/null 2>&1; }

# Where the running servers keep their data, as they say themselves.
redis_dir() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" config get dir 2>/dev/null | sed -n 2p; }
mariadb_datadir() {
  mariadb --protocol=tcp -h 127.0.0.1 -P "$MARIADB_PORT" -uroot -N -B -e 'SELECT @@datadir' 2>/dev/null | sed 's:/*$::'
}

# ensure_ours NAME PORT SERVER_DIR OUR_DIR: a running server is used (or stopped) only when its data
# folder is ours; anything else stops the script with what to do about it.
ensure_ours() {
  local name=$1 port=$2 theirs=$3 ours; ours=$(realpath -m "$4")
  [ "$theirs" = "$ours" ] && [ -d "$ours" ] && return 0
  [ "${DISTANCE_USE_RUNNING_SERVICES:-0}" = 1 ] && return 0
  local whose="belongs to another checkout (its data is in $theirs)"
  # Redis reports no folder once its working folder is deleted; MariaDB still names its own.
  [ -z "$theirs" ] && whose="has lost its data folder (it was deleted under the running server)"
  [ -n "$theirs" ] && [ ! -d "$theirs" ] && whose="has lost its data folder ($theirs no longer exists)"
  log "$name on 127.0.0.1:$port $whose, not to this one ($ours)."
  log "  Pick free ports for this checkout: DISTANCE_REDIS_PORT=... DISTANCE_MARIADB_PORT=... (docs/configuration.md),"
  log "  stop that server from its own checkout, or share it on purpose with DISTANCE_USE_RUNNING_SERVICES=1."
  exit 1
}
redis_ours() { ensure_ours redis "$REDIS_PORT" "$(redis_dir)" "$REDIS_DIR"; }
mariadb_ours() { ensure_ours mariadb "$MARIADB_PORT" "$(mariadb_datadir)" "$MARIADB_DIR/data"; }

start_redis() {
  if redis_up; then redis_ours; return; fi
  mkdir -p "$REDIS_DIR"
  # appendonly + everysec: a restart keeps codes, limits and queued messages.
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --dir "$REDIS_DIR" \
    --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log" \
    --appendonly yes --appendfsync everysec --save "" --maxclients 50000 >/dev/null
  for _ in $(seq 50); do redis_up && echo "started redis" && return; sleep 0.1; done
  log "redis did not start; see $REDIS_DIR/redis.log"; exit 1
}

start_mariadb() {
  if mariadb_up; then mariadb_ours; return; fi
  mkdir -p "$MARIADB_DIR"
  if [ ! -d "$MARIADB_DIR/data/mysql" ]; then
    mariadb-install-db --datadir="$MARIADB_DIR/data" --user="$(id -un)" \
      --auth-root-authentication-method=normal --skip-test-db >"$MARIADB_DIR/install.log" 2>&1
  fi
  nohup mariadbd --no-defaults --datadir="$MARIADB_DIR/data" --socket="$MARIADB_SOCKET" \
    --pid-file="$MARIADB_DIR/mariadb.pid" --port="$MARIADB_PORT" --bind-address=127.0.0.1 \
    --user="$(id -un)" --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
    --max-connections=2000 --innodb-buffer-pool-size=1G --innodb-flush-log-at-trx-commit=1 \
    --log-error="$MARIADB_DIR/error.log" ${MARIADB_ARGS:-} >/dev/null 2>&1 &
  for _ in $(seq 100); do mariadb_up && echo "started mariadb" && return; sleep 0.1; done
  log "mariadb did not start; see $MARIADB_DIR/error.log"; exit 1
}

pid_of() { [ -f "$1" ] && cat "$1" || echo "?"; }

case "${1:-up}" in
  up)
    install_packages
    start_redis
    start_mariadb
    ;;
  down)
    which="${2:-all}"
    if [ "$which" != mariadb ] && redis_up; then
      redis_ours
      redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown >/dev/null 2>&1 || true
    fi
    if [ "$which" != redis ] && mariadb_up; then
      mariadb_ours
      mariadb-admin --protocol=tcp -h 127.0.0.1 -P "$MARIADB_PORT" -uroot shutdown || true
    fi
    ;;
  install) install_packages ;;
  status)
    redis_up && echo "redis 127.0.0.1:$REDIS_PORT pid $(pid_of "$REDIS_DIR/redis.pid")" || echo "redis down"
    mariadb_up && echo "mariadb 127.0.0.1:$MARIADB_PORT pid $(pid_of "$MARIADB_DIR/mariadb.pid")" || echo "mariadb down"
    ;;
  *) echo "usage: $0 up|down|status|install" >&2; exit 2 ;;
esac
