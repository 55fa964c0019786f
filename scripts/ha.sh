#!/usr/bin/env bash
# High-availability engines on loopback, apart from the everyday services (scripts/services.sh):
#   MariaDB primary 127.0.0.1:3320 and a GTID replica 127.0.0.1:3321 replicating from it;
#   Redis primary 127.0.0.1:6400, a replica 127.0.0.1:6401 and three sentinels 26400-26402
#   watching them under the service name "distance".
# Their own ports (no other script uses 3320-3329, 6400-6409, 26400-26409) and data under
# .local/ha/, so a drill may kill them without touching anything else.
#   scripts/ha.sh up [mariadb|redis]     install when missing, start, wire replication (idempotent)
#   scripts/ha.sh down [mariadb|redis]   stop everything this script started, remove its data
#   scripts/ha.sh status                 one line per process
#   scripts/ha.sh start-replica          start the MariaDB replica again after a drill killed it
#   scripts/ha.sh start-redis PORT       start one Redis node again (it rejoins as a replica)
#   scripts/ha.sh redis-primary          the port of the Redis primary, as the sentinels name it
#   eval "$(scripts/ha.sh env DATABASE)"  exports the nodes' connection strings for these engines
# DISTANCE_HA_DB_PRIMARY_PORT (replica: +1), DISTANCE_HA_REDIS_PRIMARY_PORT (replica: +1) and
# DISTANCE_HA_SENTINEL_PORT (three: +0..+2) move everything, e.g. for the drills.
set -euo pipefail
source "$(dirname "$0")/env.sh"

HA_DIR="$LOCAL_DIR/ha"
DB_PRIMARY_PORT="${DISTANCE_HA_DB_PRIMARY_PORT:-3320}"
DB_REPLICA_PORT=$((DB_PRIMARY_PORT + 1))
REDIS_PRIMARY_PORT="${DISTANCE_HA_REDIS_PRIMARY_PORT:-6400}"
REDIS_REPLICA_PORT=$((REDIS_PRIMARY_PORT + 1))
SENTINEL_BASE="${DISTANCE_HA_SENTINEL_PORT:-26400}"
SENTINEL_PORTS=("$SENTINEL_BASE" $((SENTINEL_BASE + 1)) $((SENTINEL_BASE + 2)))
SERVICE_NAME=distance

# The same Debian packages as the everyday services, installed the same way.
install_packages() { bash "$(dirname "$0")/services.sh" install; }

sql() { local port=$1; shift; mariadb --protocol=tcp -h 127.0.0.1 -P "$port" -uroot -N -B "$@"; }
db_up() { mariadb-admin --protocol=tcp -h 127.0.0.1 -P "$1" -uroot ping >/dev/null 2>&1; }

# start_db NAME PORT SERVER_ID: binary log with GTIDs on both, so either could become the primary.
start_db() {
  local name=$1 port=$2 id=$3 dir="$HA_DIR/$1"
  db_up "$port" && return
  mkdir -p "$dir"
  if [ ! -d "$dir/data/mysql" ]; then
    mariadb-install-db --datadir="$dir/data" --user="$(id -un)" \
      --auth-root-authentication-method=normal --skip-test-db >"$dir/install.log" 2>&1
  fi
  nohup mariadbd --no-defaults --datadir="$dir/data" --socket="$dir/mysql.sock" \
    --pid-file="$dir/mariadb.pid" --port="$port" --bind-address=127.0.0.1 --user="$(id -un)" \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci --max-connections=1000 \
    --innodb-buffer-pool-size=256M --server-id="$id" --log-bin=binlog --binlog-format=ROW \
    --log-slave-updates=ON --gtid-strict-mode=ON \
    --log-error="$dir/error.log" >/dev/null 2>&1 &
  for _ in $(seq 150); do db_up "$port" && echo "started mariadb $name on $port" && return; sleep 0.1; done
  log "mariadb $name did not start; see $dir/error.log"; exit 1
}

# The replica follows the primary by GTID; read_only keeps applications from writing to it.
wire_replica() {
  local running
  running=$(sql "$DB_REPLICA_PORT" -e "SHOW SLAVE STATUS" | wc -l)
  [ "$running" -gt 0 ] && { sql "$DB_REPLICA_PORT" -e "START SLAVE"; return; }
  sql "$DB_PRIMARY_PORT" -e "CREATE USER IF NOT EXISTS 'repl'@'127.0.0.1' IDENTIFIED BY 'repl';
    GRANT REPLICATION SLAVE ON *.* TO 'repl'@'127.0.0.1'"
  sql "$DB_REPLICA_PORT" -e "SET GLOBAL read_only = ON;
    CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=$DB_PRIMARY_PORT, MASTER_USER='repl',
      MASTER_PASSWORD='repl', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1, MASTER_HEARTBEAT_PERIOD=1;
    START SLAVE"
  echo "replica 127.0.0.1:$DB_REPLICA_PORT follows 127.0.0.1:$DB_PRIMARY_PORT (GTID)"
}

mariadb_up_all() {
  start_db mariadb-primary "$DB_PRIMARY_PORT" 1
  start_db mariadb-replica "$DB_REPLICA_PORT" 2
  wire_replica
}

# The server is asked to shut down and waited for (bounded) before its data goes: removing
# files under a server still flushing them fails, and leaves a half-deleted folder behind.
stop_db() {
  local name=$1 port=$2 dir="$HA_DIR/$1" pid=""
  [ -f "$dir/mariadb.pid" ] && pid=$(cat "$dir/mariadb.pid")
  db_up "$port" && mariadb-admin --protocol=tcp -h 127.0.0.1 -P "$port" -uroot shutdown 2>/dev/null || true
  if [ -n "$pid" ]; then
    for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -rf "${dir:?}"
}

source "$(dirname "$0")/ha-redis.sh"

case "${1:-up}" in
  up)
    install_packages
    case "${2:-all}" in
      mariadb) mariadb_up_all ;;
      redis) redis_up_all ;;
      *) mariadb_up_all; redis_up_all ;;
    esac
    ;;
  down)
    case "${2:-all}" in
      mariadb) stop_db mariadb-replica "$DB_REPLICA_PORT"; stop_db mariadb-primary "$DB_PRIMARY_PORT" ;;
      redis) redis_down_all ;;
      *) stop_db mariadb-replica "$DB_REPLICA_PORT"; stop_db mariadb-primary "$DB_PRIMARY_PORT"; redis_down_all ;;
    esac
    ;;
  redis-primary)
    redis-cli -p "$SENTINEL_BASE" sentinel get-master-addr-by-name "$SERVICE_NAME" | sed -n 2p
    ;;
  env)
    database="${2:-distance}"
    sentinels=$(printf '127.0.0.1:%s,' "${SENTINEL_PORTS[@]}")
    echo "export Database__ConnectionString='Server=127.0.0.1;Port=$DB_PRIMARY_PORT;User ID=root;Database=$database;Maximum Pool Size=200'"
    echo "export Database__ReadConnectionString='Server=127.0.0.1;Port=$DB_REPLICA_PORT;User ID=root;Database=$database;Maximum Pool Size=200'"
    echo "export Redis__ConnectionString='${sentinels}serviceName=$SERVICE_NAME'"
    ;;
  start-replica) start_db mariadb-replica "$DB_REPLICA_PORT" 2; wire_replica ;;
  start-redis) start_redis_node "$2" ;;
  status)
    for port in "$DB_PRIMARY_PORT" "$DB_REPLICA_PORT"; do
      db_up "$port" && echo "mariadb 127.0.0.1:$port up" || echo "mariadb 127.0.0.1:$port down"
    done
    redis_status
    ;;
  *) echo "usage: $0 up|down [mariadb|redis] | status | env [DATABASE] | redis-primary | start-replica | start-redis PORT" >&2; exit 2 ;;
esac
