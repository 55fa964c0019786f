#!/usr/bin/env bash
# HA drill 1: kill -9 of the Redis primary under chat across two nodes that find Redis through
# three sentinels. The sentinels promote the replica; sends fail fast with "unavailable" meanwhile;
# chat resumes within 10 s; every acknowledged message is stored once and reaches its recipient
# (live or through SyncRoom). The killed node comes back 15 s later and must rejoin as a replica. ~70 s.
source "$(dirname "$0")/ha-lib.sh"
drill_start redis-failover
drill_run --pairs "${PAIRS:-30}" --rate 2 --duration 30 --fault-at 8 \
  --fault "port=\$(bash scripts/ha.sh redis-primary); echo \$port >'$HA_DIR/killed'; kill -9 \$(cat '$HA_DIR'/redis-\$port/redis.pid)" \
  --restore-after 15 \
  --restore "killed=\$(cat '$HA_DIR/killed'); [ \"\$(bash scripts/ha.sh redis-primary)\" != \"\$killed\" ] && bash scripts/ha.sh start-redis \$killed"
