#!/usr/bin/env bash
# Runs the three high-availability drills (each starts and stops its own engines and cluster) and
# prints one line per drill, then a total; ROUNDS=2 runs them twice in a row. Exit status: failures.
# Takes the cluster lock itself: only one cluster or drill runs on a machine at a time. flock -o keeps
# the lock's descriptor from the drill's children: a daemon started under it (services.sh when the
# shared services were down) would otherwise hold the lock for as long as it runs.
set -uo pipefail
[ -n "${DISTANCE_CLUSTER_LOCKED:-}" ] || DISTANCE_CLUSTER_LOCKED=1 exec flock -o /tmp/distance-cluster.lock bash "$0" "$@"
cd "$(dirname "$0")"
drills=("$@")
[ ${#drills[@]} -gt 0 ] || drills=(redis-failover mariadb-replica-kill replication-stop)
rounds="${ROUNDS:-1}"
failed=0
for round in $(seq "$rounds"); do
  for drill in "${drills[@]}"; do
    started=$(date +%s)
    line=$(bash "./$drill.sh")
    status=$?
    [ "$status" -eq 0 ] || failed=$((failed + 1))
    echo "round $round: $line ($(( $(date +%s) - started ))s)"
  done
done
echo "ha drills: $(( ${#drills[@]} * rounds - failed )) passed, $failed failed"
exit $failed
