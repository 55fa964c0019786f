#!/usr/bin/env bash
# HA drill 3: replication stopped (the replica's SQL thread) under matching load while a member
# keeps renaming itself, so the replica falls further behind every second. Reads move to the
# primary, no answer is staler than the 1 s bound, and they return once replication runs. ~50 s.
source "$(dirname "$0")/ha-lib.sh"
drill_start replication-stop
replica_sql() { echo "mariadb --protocol=tcp -h 127.0.0.1 -P $HA_REPLICA_PORT -uroot -e '$1'"; }
drill_run --pairs "${PAIRS:-30}" --rate 15 --duration 35 --fault-at 8 \
  --fault "$(replica_sql 'STOP SLAVE SQL_THREAD')" \
  --restore-after 10 --restore "$(replica_sql 'START SLAVE')"
