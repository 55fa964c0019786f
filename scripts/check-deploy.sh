#!/usr/bin/env bash
# Static checks of the files operators deploy with: the compose file (Debian's docker-compose
# validates it offline; no Docker engine needed).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$REPO_ROOT"

if ! command -v docker-compose >/dev/null; then
  log "installing docker-compose (apt) to validate docker-compose.yml"
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends docker-compose >/dev/null
fi
JWT_SIGNING_KEY=check docker-compose -f docker-compose.yml config -q
log "docker-compose.yml is valid"
