#!/usr/bin/env bash
# scripts/services.sh uses or stops only its own checkout's Redis and MariaDB. Two "checkouts"
# (two .local folders) on private ports (DISTANCE_OWNERSHIP_BASE_PORT, default 5860: +0..+3):
# B must refuse A's servers for `up` and `down` alike, with a message, and leave them running;
# a server whose data folder is gone is refused too; A stops its own. Prints one PASS/FAIL line.
set -uo pipefail
cd "$(dirname "$0")/../.."
BASE="${DISTANCE_OWNERSHIP_BASE_PORT:-5860}"
WORK=$(mktemp -d)
A="$WORK/a" B="$WORK/b"
failures=()
services() { # services DIR REDIS_PORT MARIADB_PORT ARGS…
  local dir=$1 redis=$2 mariadb=$3; shift 3
  DISTANCE_LOCAL_DIR="$dir" DISTANCE_REDIS_PORT="$redis" DISTANCE_MARIADB_PORT="$mariadb" bash scripts/services.sh "$@"
}
expect() { # expect NAME CONDITION…
  local name=$1; shift
  if "$@"; then echo "  ok   $name"; else echo "  FAIL $name"; failures+=("$name"); fi
}
cleanup() {
  services "$A" $BASE $((BASE + 1)) down >/dev/null 2>&1
  services "$B" $((BASE + 2)) $((BASE + 3)) down >/dev/null 2>&1
  DISTANCE_USE_RUNNING_SERVICES=1 services "$B" $BASE $((BASE + 1)) down >/dev/null 2>&1
  rm -rf "$WORK"
}
trap cleanup EXIT

services "$A" $BASE $((BASE + 1)) up >/dev/null || { echo "services-ownership: FAIL A could not start its services"; exit 1; }
out=$(services "$B" $BASE $((BASE + 1)) up 2>&1); code=$?
expect "another checkout's Redis is refused by up" test $code -ne 0
expect "the refusal names the owner and the way out" grep -q "belongs to another checkout.*$A/redis" <<<"$out"
out=$(services "$B" $BASE $((BASE + 1)) down 2>&1); code=$?
expect "another checkout's Redis is refused by down" test $code -ne 0
expect "A's Redis still runs after B's down" bash -c "redis-cli -p $BASE ping | grep -q PONG"
# B's own Redis on its own port, A's MariaDB on the shared one: the MariaDB check speaks.
out=$(services "$B" $((BASE + 2)) $((BASE + 1)) up 2>&1); code=$?
expect "another checkout's MariaDB is refused" test $code -ne 0
expect "the MariaDB refusal names its data folder" grep -q "mariadb.*belongs to another checkout.*$A/mariadb/data" <<<"$out"
services "$B" $((BASE + 2)) $((BASE + 3)) down >/dev/null 2>&1
expect "A's own up reuses its servers" services "$A" $BASE $((BASE + 1)) up
# The issue's case: the data folder deleted under running servers (a removed worktree).
rm -rf "$A/redis" "$A/mariadb/data"
out=$(services "$A" $BASE $((BASE + 1)) up 2>&1); code=$?
expect "a Redis whose data folder is gone is refused" test $code -ne 0
expect "the refusal says the data folder is gone" grep -q "redis.*has lost its data folder" <<<"$out"
out=$(services "$A" $((BASE + 2)) $((BASE + 1)) up 2>&1); code=$?
expect "a MariaDB whose data folder is gone is refused" test $code -ne 0
expect "the MariaDB refusal says so" grep -q "mariadb.*has lost its data folder" <<<"$out"
services "$A" $((BASE + 2)) $((BASE + 3)) down >/dev/null 2>&1
DISTANCE_USE_RUNNING_SERVICES=1 services "$A" $BASE $((BASE + 1)) down >/dev/null 2>&1
expect "down stops them" bash -c "! redis-cli -p $BASE ping >/dev/null 2>&1"

if [ ${#failures[@]} -eq 0 ]; then echo "services-ownership: PASS"; else echo "services-ownership: FAIL ${failures[*]}"; exit 1; fi
