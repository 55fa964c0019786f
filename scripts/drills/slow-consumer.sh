#!/usr/bin/env bash
# Drill 5: a client on node 1 stops reading its socket (but keeps pinging) while its opponent
# floods the room from node 2. Node 1's memory (GC heap from /metrics, RSS from /proc) must stay
# bounded and the slow connection must be closed; a control pair keeps chatting live. The hub's
# SendMessage limit is raised for this drill so the flood is big in a short time (at the product's
# 5 messages/s the same growth would take hours). ~70 s.
source "$(dirname "$0")/lib.sh"
export RateLimiting__Hub__SendMessage__TokenLimit=1000000
export RateLimiting__Hub__SendMessage__TokensPerPeriod=1000000
export RateLimiting__Hub__SendMessage__ReplenishmentPeriod=00:00:01
drill_start slow-consumer
drill_run --duration 50 --rate 2
