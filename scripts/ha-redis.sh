# Redis with Sentinel for scripts/ha.sh: sourced, not run. A primary and a replica, each from a
# config file of its own (the sentinels rewrite it on a failover), and three sentinels, a quorum
# of two, that find each other through the primary.

redis_ok() { redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null | grep -q PONG; }

# start_redis_node PORT: a node comes back as what its config file says; after a failover the
# sentinels have rewritten the old primary's file, or they turn it into a replica within a second.
start_redis_node() {
  local port=$1 dir="$HA_DIR/redis-$1"
  redis_ok "$port" && return
  mkdir -p "$dir"
  if [ ! -f "$dir/redis.conf" ]; then
    {
      echo "port $port"; echo "bind 127.0.0.1"; echo "dir $dir"; echo "appendonly yes"
      echo "appendfsync everysec"; echo 'save ""'; echo "maxclients 10000"
      [ "$port" != "$REDIS_PRIMARY_PORT" ] && echo "replicaof 127.0.0.1 $REDIS_PRIMARY_PORT"
    } >"$dir/redis.conf"
  fi
  redis-server "$dir/redis.conf" --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" >/dev/null
  for _ in $(seq 50); do redis_ok "$port" && echo "started redis $port" && return; sleep 0.1; done
  log "redis $port did not start; see $dir/redis.log"; exit 1
}

# A primary is declared down after 1 s without answers; a failover may take 5 s before a retry.
start_sentinel() {
  local port=$1 dir="$HA_DIR/sentinel-$1"
  redis_ok "$port" && return
  mkdir -p "$dir"
  if [ ! -f "$dir/sentinel.conf" ]; then
    cat >"$dir/sentinel.conf" <<CONF
port $port
bind 127.0.0.1
dir $dir
sentinel monitor $SERVICE_NAME 127.0.0.1 $REDIS_PRIMARY_PORT 2
sentinel down-after-milliseconds $SERVICE_NAME 1000
sentinel failover-timeout $SERVICE_NAME 5000
sentinel parallel-syncs $SERVICE_NAME 1
CONF
  fi
  # redis-sentinel is redis-server in sentinel mode; Debian ships it as a separate package.
  redis-server "$dir/sentinel.conf" --sentinel --daemonize yes --pidfile "$dir/sentinel.pid" \
    --logfile "$dir/sentinel.log" >/dev/null
  for _ in $(seq 50); do redis_ok "$port" && echo "started sentinel $port" && return; sleep 0.1; done
  log "sentinel $port did not start; see $dir/sentinel.log"; exit 1
}

redis_up_all() {
  start_redis_node "$REDIS_PRIMARY_PORT"
  start_redis_node "$REDIS_REPLICA_PORT"
  for port in "${SENTINEL_PORTS[@]}"; do start_sentinel "$port"; done
  # Ready when every sentinel knows the primary, its replica and the two other sentinels.
  for _ in $(seq 100); do
    local ready=0
    for port in "${SENTINEL_PORTS[@]}"; do
      local info; info=$(redis-cli -p "$port" info sentinel 2>/dev/null | grep "name=$SERVICE_NAME" || true)
      [[ "$info" == *status=ok*slaves=1,sentinels=3* ]] && ready=$((ready + 1))
    done
    [ "$ready" -eq 3 ] && echo "sentinels ${SENTINEL_PORTS[*]} watch $SERVICE_NAME" && return
    sleep 0.2
  done
  log "the sentinels did not all see the primary, its replica and each other; see $HA_DIR/sentinel-*/sentinel.log"
  exit 1
}

redis_down_all() {
  local pids=()
  for pidfile in "$HA_DIR"/redis-*/redis.pid "$HA_DIR"/sentinel-*/sentinel.pid; do
    [ -f "$pidfile" ] && pids+=("$(cat "$pidfile")")
  done
  for port in "${SENTINEL_PORTS[@]}" "$REDIS_PRIMARY_PORT" "$REDIS_REPLICA_PORT"; do
    redis_ok "$port" && redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  done
  rm -rf "${HA_DIR:?}"/redis-* "${HA_DIR:?}"/sentinel-*
}

redis_status() {
  for port in "$REDIS_PRIMARY_PORT" "$REDIS_REPLICA_PORT"; do
    if redis_ok "$port"; then echo "redis 127.0.0.1:$port $(redis-cli -p "$port" role | head -1)"; else echo "redis 127.0.0.1:$port down"; fi
  done
  for port in "${SENTINEL_PORTS[@]}"; do
    redis_ok "$port" && echo "sentinel 127.0.0.1:$port up" || echo "sentinel 127.0.0.1:$port down"
  done
}
