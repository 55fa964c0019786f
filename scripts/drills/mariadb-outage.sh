#!/usr/bin/env bash
# Drill 3: MariaDB stopped for 30 s under steady chat. The ack waits for a MariaDB commit, so
# sends answer "unavailable" fast meanwhile and are retried with the same clientMessageId; routes
# needing the database answer 503 ProblemDetails quickly; readiness goes red then green; sends
# recover by themselves; nothing acknowledged is lost. ~80 s.
source "$(dirname "$0")/lib.sh"
drill_start mariadb-outage
drill_run --pairs "${PAIRS:-30}" --rate 2 --duration 50 --fault-at 6 \
  --fault "mariadb-admin --protocol=tcp -h 127.0.0.1 -P $MARIADB_PORT -uroot shutdown" \
  --restore-after 30 --restore "bash scripts/services.sh up"
