#!/usr/bin/env bash
# Runs one Distance node on http://localhost:5000 in Development.
# Starts the local Redis and MariaDB first unless the environment points at external ones
# (Database__ConnectionString and Redis__ConnectionString).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$REPO_ROOT"

if [ -z "${Database__ConnectionString:-}" ] || [ -z "${Redis__ConnectionString:-}" ]; then
  bash scripts/services.sh up
  export Database__ConnectionString="${Database__ConnectionString:-$(local_mariadb_connection distance)}"
  export Redis__ConnectionString="${Redis__ConnectionString:-$(local_redis_connection)}"
fi

export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
exec dotnet run --project Distance.Realtime -c Release --no-launch-profile --urls "${DISTANCE_URLS:-http://localhost:5000}"
