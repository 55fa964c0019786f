#!/usr/bin/env bash
# Runs the fault drills one after another (each starts and stops its own private services and
# cluster) and prints one line per drill, then a total. Exit status: the number of failed drills.
#   scripts/drills/run-all.sh                 all five
#   scripts/drills/run-all.sh kill-node sigterm
set -uo pipefail
cd "$(dirname "$0")"
drills=("$@")
[ ${#drills[@]} -gt 0 ] || drills=(kill-node redis-restart mariadb-outage sigterm slow-consumer)
failed=0
for drill in "${drills[@]}"; do
  started=$(date +%s)
  # Each drill reports on stderr and prints only its PASS/FAIL line on stdout.
  line=$(bash "./$drill.sh")
  status=$?
  [ "$status" -eq 0 ] || failed=$((failed + 1))
  echo "$line ($(( $(date +%s) - started ))s)"
done
echo "drills: $(( ${#drills[@]} - failed )) passed, $failed failed"
exit $failed
