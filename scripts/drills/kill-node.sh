#!/usr/bin/env bash
# Drill 1: kill -9 node 1 under steady chat across two nodes. Its clients reconnect (SignalR
# automatic reconnect, through a failover proxy standing in for the load balancer) to node 2 and
# catch up with SyncRoom; every acknowledged message must exist exactly once. Reports the
# reconnect and catch-up times (p50/p99). ~60 s.
source "$(dirname "$0")/lib.sh"
drill_start kill-node
drill_run --pairs "${PAIRS:-40}" --rate 2 --duration 20 --fault-at 8 --fault "kill -9 $(node_pid 1)"
