#!/usr/bin/env bash
# The whole test suite: starts (installing when missing) the local Redis and MariaDB, checks the
# deployment files (installing docker-compose and prometheus when missing), builds, runs every
# test against them, then the k6 parse check, the browser test of the reference web client, the
# production rehearsal (scripts/rehearsal.sh) and the quick fault drills (scripts/drills).
# Redis and MariaDB are stopped at the end when this run started them, so nothing of this
# checkout stays behind for a later one to mistake for its own (DISTANCE_KEEP_SERVICES=1 keeps them).
# Extra arguments go to `dotnet test` (e.g. --filter FullyQualifiedName~Chat).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$REPO_ROOT"

started=$(bash scripts/services.sh up)
[ -z "$started" ] || echo "$started"
# The high-availability engines (scripts/ha.sh: a MariaDB primary with a GTID replica, Redis behind
# three sentinels, on ports of their own) for the HighAvailability tests; always stopped at the end.
bash scripts/ha.sh up >/dev/null
stop_started() {
  bash scripts/ha.sh down >/dev/null 2>&1 || true
  [ "${DISTANCE_KEEP_SERVICES:-0}" = 1 ] && return 0
  local service
  for service in redis mariadb; do
    if echo "$started" | grep -q "started $service"; then bash scripts/services.sh down "$service" || true; fi
  done
}
trap stop_started EXIT
# The deployment checks come first: they install docker-compose and prometheus when missing,
# and the dashboard test runs that Prometheus against a node.
deploy_status=0
bash scripts/check-deploy.sh || deploy_status=$?
dotnet build Distance.sln -c Release -nologo -clp:ErrorsOnly

results="$LOCAL_DIR/test-results"
rm -rf "$results"
status=0
# The nodes' latency settings from env.sh are not for the test host: with inline socket
# completions, the many in-process nodes, clients and blocking test helpers share the epoll
# threads, and connects to Redis and MariaDB time out.
# A test that hangs (no test takes a minute; the suite about three) ends the run after 5 minutes
# with its name in the output, instead of holding CI until its own timeout.
env -u DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS -u DOTNET_ThreadPool_UnfairSemaphoreSpinLimit -u DOTNET_GCgen0size \
  dotnet test Distance.sln -c Release --no-build --logger "trx;LogFileName=tests.trx" \
  --blame-hang-timeout 5m --blame-hang-dump-type none \
  --results-directory "$results" "$@" || status=$?

# One plain closing line, whatever the runner printed above.
trx="$results/tests.trx"
if [ -f "$trx" ]; then
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  value() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
  passed=$(value passed); failed=$(value failed); total=$(value total)
  skipped=$((total - passed - failed))
else
  passed=0; failed=0; skipped=0
  status=1
fi
# The failed tests by name with the first line of their message, at the end where a CI log's
# tail shows them (the runner's own report is thousands of lines above).
failures=""
if [ -f "$trx" ] && [ "$failed" -gt 0 ]; then
  failures=$(awk '
    /<UnitTestResult / && /outcome="Failed"/ {
      match($0, /testName="[^"]*"/); name = substr($0, RSTART + 10, RLENGTH - 11); open = 1; next }
    open && /<Message>/ {
      line = $0; sub(/.*<Message>/, "", line); sub(/<\/Message>.*/, "", line)
      print "  failed: " name "\n          " substr(line, 1, 400); open = 0 }
    open && /<\/UnitTestResult>/ { print "  failed: " name; open = 0 }' "$trx")
fi
# An aborted run (a hang ended by the blame timeout, or a crash) and a fixture's failed cleanup
# ("[Test Collection Cleanup Failure (…)]") fail no test: say so.
aborted=""
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then aborted=" (dotnet test failed outside any test: a hang, a crash or a collection's cleanup; see above)"; fi

[ "$deploy_status" -eq 0 ] || status=$deploy_status
bash scripts/check-k6.sh || status=$?

# The reference web client in a real browser against a two-node cluster; its node:test counts
# join the totals of the closing line.
e2e_log="$LOCAL_DIR/e2e.log"
bash scripts/test-e2e.sh 2>&1 | tee "$e2e_log" || status=1
e2e_count() { grep -Eo "^# $1 [0-9]+" "$e2e_log" | tail -1 | grep -Eo '[0-9]+' || echo 0; }
e2e_passed=$(e2e_count pass); e2e_failed=$(e2e_count fail)
[ "$e2e_passed" -gt 0 ] || status=1
passed=$((passed + e2e_passed)); failed=$((failed + e2e_failed))

# ---- Local services know whose they are (private ports 5860-5863, ~10 s) -------------------------
if bash scripts/tests/services-ownership.sh; then passed=$((passed + 1)); else failed=$((failed + 1)); status=1; fi

# ---- Production rehearsal ----------------------------------------------------------------------
# docker-compose.yml's settings booted without Docker behind Debian's nginx, with Prometheus and
# Alertmanager (~2 min; its own MariaDB, Redis and ports 5800-5899). DISTANCE_REHEARSAL=0 skips it.
if [ "${DISTANCE_REHEARSAL:-1}" != 0 ]; then
  if DISTANCE_REHEARSAL_BUILD=0 bash scripts/rehearsal.sh; then passed=$((passed + 1)); else failed=$((failed + 1)); status=1; fi
fi

# ---- Fault drills -------------------------------------------------------------------------
# The quick drills of scripts/drills (each ~1 min: its own private Redis, MariaDB and two-node
# cluster on 6390/3317/5601-5602, stopped afterwards). mariadb-outage and slow-consumer take
# longer and run with scripts/drills/run-all.sh. A failed drill fails the run; DISTANCE_DRILLS=0
# skips them (e.g. while iterating on one feature's tests).
if [ "${DISTANCE_DRILLS:-1}" != 0 ]; then
  bash scripts/drills/run-all.sh kill-node redis-restart sigterm || status=1
fi

[ -z "$failures" ] || echo "$failures"
echo "tests: $passed passed, $failed failed, $skipped skipped$aborted"
exit $status
