#!/usr/bin/env bash
# The push benchmark (docs/benchmarks.md): RECORDS push records queued on distance:push (half FCM,
# half Web Push), drained by ONE push worker process (Release build, production settings) against
# the providers' stand-ins, which load/Distance.Load `push` hosts in its own process. Reports
# records/s and the worker's CPU per record (/proc). No node runs: records are queued as the relays
# queue them. Take the cluster lock: flock -o /tmp/distance-cluster.lock scripts/bench-push.sh (-o, or
# services it starts keep the lock while they run)
#   RECORDS=50000 WEBPUSH_SHARE=0.5 CONCURRENCY=32 scripts/bench-push.sh
set -euo pipefail
source "$(dirname "$0")/env.sh"
source "$(dirname "$0")/bench-lib.sh"
cd "$REPO_ROOT"

LOAD_DB="${LOAD_DB:-distance_push_bench}"
RECORDS="${RECORDS:-50000}"

bench_env "$LOAD_DB" "pushbench:"
trap 'bench_drop "$LOAD_DB"' EXIT
# The worker only opens a connection for its readiness (nothing here is a gone device).
mariadb --protocol=tcp -h 127.0.0.1 -P "$MARIADB_PORT" -uroot -e "CREATE DATABASE IF NOT EXISTS \`$LOAD_DB\`"

dotnet build Distance.Push -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
bench_build_driver
"${driver[@]}" push --records "$RECORDS" --webpush-share "${WEBPUSH_SHARE:-0.5}" \
  --concurrency "${CONCURRENCY:-32}" --batch "${BATCH:-200}" \
  --redis "$Redis__ConnectionString" --prefix "$Redis__KeyPrefix" --connection "$(local_mariadb_connection "$LOAD_DB")"
