#!/usr/bin/env bash
# HA drill 2: kill -9 of the MariaDB replica under matching load on two nodes. Matching keeps
# answering from the primary with 0 errors; once the replica is back and has caught up, the
# lag-tolerant reads move back to it; no public profile is ever staler than the 1 s bound. ~50 s.
source "$(dirname "$0")/ha-lib.sh"
drill_start mariadb-replica-kill
drill_run --pairs "${PAIRS:-30}" --rate 15 --duration 35 --fault-at 8 \
  --fault "kill -9 \$(cat '$HA_DIR/mariadb-replica/mariadb.pid')" \
  --restore-after 10 --restore "bash scripts/ha.sh start-replica"
