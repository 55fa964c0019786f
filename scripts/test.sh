#!/usr/bin/env bash
# The whole test suite: starts (installing when missing) the local Redis and MariaDB, builds,
# runs every test against them, then the static checks of the deployment files.
# Extra arguments go to `dotnet test` (e.g. --filter FullyQualifiedName~Chat).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$REPO_ROOT"

bash scripts/services.sh up
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

bash scripts/check-deploy.sh || status=$?
bash scripts/check-k6.sh || status=$?

echo "tests: $passed passed, $failed failed, $skipped skipped"
exit $status
