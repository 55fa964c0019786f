#!/usr/bin/env bash
# Static checks of the files operators deploy with: the compose file with the settings of
# .env.example (Debian's docker-compose validates it offline; no Docker engine needed), the
# Prometheus configuration, alert rules and their unit tests (promtool), the Alertmanager
# configuration (amtool), and every alert's runbook_url leading to a section of docs/operations.md.
# scripts/rehearsal.sh then runs the same files for real.
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
command -v amtool >/dev/null || missing+=(prometheus-alertmanager)
[ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"

# .env.example as the only source of settings (nothing from this shell): a variable the compose
# file requires but .env.example does not list fails here. Empty values are the secrets an operator
# fills in; any placeholder validates.
env_file=$(mktemp)
trap 'rm -f "$env_file"' EXIT
sed -E 's/^([A-Z][A-Z0-9_]*)=$/\1=placeholder/' .env.example >"$env_file"
env -i PATH="$PATH" docker-compose --env-file "$env_file" -f docker-compose.yml config -q
log "docker-compose.yml is valid with the settings of .env.example"

promtool check config deploy/prometheus/prometheus.yml >/dev/null
promtool check rules deploy/prometheus/alerts.yml >/dev/null
promtool test rules deploy/prometheus/alerts.test.yml >/dev/null
amtool check-config deploy/alertmanager/alertmanager.yml >/dev/null
log "prometheus.yml, alerts.yml, the alerts' unit tests and alertmanager.yml pass promtool / amtool"

# Every alert names its runbook section, and the section exists (GitHub-style heading anchors).
python3 - <<'PY'
import re, sys
rules = open("deploy/prometheus/alerts.yml").read()
anchors = {re.sub(r"[^a-z0-9 _-]", "", h.strip().lower()).replace(" ", "-")
           for h in re.findall(r"^#+ (.+)$", open("docs/operations.md").read(), re.M)}
alerts = re.findall(r"- alert: (\w+)", rules)
links = dict(re.findall(r"- alert: (\w+)(?:(?!- alert:).)*?runbook_url: \"docs/operations.md#([\w-]+)\"", rules, re.S))
bad = [a for a in alerts if links.get(a) not in anchors]
if bad:
    sys.exit(f"alerts without a runbook section in docs/operations.md: {', '.join(bad)}")
PY
log "every alert's runbook_url leads to its section of docs/operations.md"
