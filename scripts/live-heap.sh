#!/usr/bin/env bash
# The live managed heap of a running .NET process, in bytes: dotnet-gcdump (the repository's tool
# manifest) makes the process run a full blocking GC and walks what survives it. Unlike the heap
# size at the last collection, this holds no garbage, so it is the figure for "memory per
# connection". The dump itself is thrown away.
#   scripts/live-heap.sh PID
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$REPO_ROOT"
pid="${1:?usage: scripts/live-heap.sh PID}"
dotnet tool restore >/dev/null
dump=$(mktemp --suffix=.gcdump)
trap 'rm -f "$dump"' EXIT
dotnet tool run dotnet-gcdump collect -p "$pid" -o "$dump" >/dev/null 2>&1
dotnet tool run dotnet-gcdump report "$dump" | awk '/GC Heap bytes/ { gsub(",", "", $1); print $1; exit }'
