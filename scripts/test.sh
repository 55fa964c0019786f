#!/usr/bin/env bash
# The whole test suite: starts (installing when missing) the local Redis and MariaDB, checks the
# deployment files (installing docker-compose and prometheus when missing), builds, and runs
# every test against them.
# Extra arguments go to `dotnet test` (e.g. --filter FullyQualifiedName~Chat).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$REPO_ROOT"

bash scripts/services.sh up
# The deployment checks come first: they install docker-compose and prometheus when missing,
# and the dashboard test runs that Prometheus against a node.
deploy_status=0
bash scripts/check-deploy.sh || deploy_status=$?
dotnet build Distance.sln -c Release -nologo -clp:ErrorsOnly

results="$LOCAL_DIR/test-results"
rm -rf "$results"
status=0
dotnet test Distance.sln -c Release --no-build --logger "trx;LogFileName=tests.trx" \
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

[ "$deploy_status" -eq 0 ] || status=$deploy_status
bash scripts/check-k6.sh || status=$?

echo "tests: $passed passed, $failed failed, $skipped skipped"
exit $status
