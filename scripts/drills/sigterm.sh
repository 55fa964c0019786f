#!/usr/bin/env bash
# Drill 4: SIGTERM to node 1 under steady chat. In-flight sends complete or fail cleanly
# ("unavailable" or a closed connection, then retried on node 2), the node exits within its
# shutdown timeout, nothing acknowledged is lost. ~60 s.
source "$(dirname "$0")/lib.sh"
drill_start sigterm
pid=$(node_pid 1)
drill_run --pairs "${PAIRS:-40}" --rate 2 --duration 20 --fault-at 8 \
  --fault "kill -TERM $pid; for i in \$(seq 300); do kill -0 $pid 2>/dev/null || exit 0; sleep 0.1; done; exit 1"
