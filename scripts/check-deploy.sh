#!/usr/bin/env bash
# Static checks of the files operators deploy with: the compose file (Debian's docker-compose
# validates it offline; no Docker engine needed) and the Prometheus configuration, alert rules
# and their unit tests (Debian's promtool, from the prometheus package).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$REPO_ROOT"

apt_install() {
  log "installing $* (apt) to validate the deployment files"
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

missing=()
command -v docker-compose >/dev/null || missing+=(docker-compose)
command -v promtool >/dev/null || missing+=(prometheus)
[ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"

JWT_SIGNING_KEY=check docker-compose -f docker-compose.yml config -q
log "docker-compose.yml is valid"

promtool check config deploy/prometheus/prometheus.yml >/dev/null
promtool check rules deploy/prometheus/alerts.yml >/dev/null
promtool test rules deploy/prometheus/alerts.test.yml >/dev/null
log "prometheus.yml, alerts.yml and the alerts' unit tests pass promtool"
