#!/usr/bin/env bash
# Drill 2: Redis stopped for 5 s under steady chat, then started again. Sends meanwhile fail fast
# with "unavailable" (no hang), HTTP answers 503 ProblemDetails (no 500), the nodes get the
# backplane back by themselves, readiness goes red then green, nothing acknowledged is lost. ~60 s.
source "$(dirname "$0")/lib.sh"
drill_start redis-restart
drill_run --pairs "${PAIRS:-30}" --rate 2 --duration 25 --fault-at 6 \
  --fault "redis-cli -h 127.0.0.1 -p $REDIS_PORT shutdown >/dev/null 2>&1 || true; while redis-cli -h 127.0.0.1 -p $REDIS_PORT ping >/dev/null 2>&1; do sleep 0.1; done" \
  --restore-after 5 --restore "bash scripts/services.sh up"
