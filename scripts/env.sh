# Shared settings for the scripts: sourced, not run.
# Ports and folders can be overridden from the environment.
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOCAL_DIR="${DISTANCE_LOCAL_DIR:-$REPO_ROOT/.local}"
REDIS_PORT="${DISTANCE_REDIS_PORT:-6380}"
MARIADB_PORT="${DISTANCE_MARIADB_PORT:-3307}"
REDIS_DIR="$LOCAL_DIR/redis"
MARIADB_DIR="$LOCAL_DIR/mariadb"
MARIADB_SOCKET="$MARIADB_DIR/mysql.sock"

# Settings that cut tail latency on small machines (measured in docs/machine.md).
export DOTNET_ThreadPool_UnfairSemaphoreSpinLimit="${DOTNET_ThreadPool_UnfairSemaphoreSpinLimit:-0}"
export DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS="${DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS:-1}"
# A 64 MB gen0 budget: a tenth of the collections, and the chat's cold-surge p99 about halved
# (docs/benchmarks.md "The cold surge on the faster machine"). Only an environment variable sets it (the GC has no
# runtimeconfig name for it).
export DOTNET_GCgen0size="${DOTNET_GCgen0size:-0x4000000}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1

local_redis_connection() { echo "127.0.0.1:$REDIS_PORT"; }
local_mariadb_connection() { echo "Server=127.0.0.1;Port=$MARIADB_PORT;User ID=root;Database=${1:-distance}"; }

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

