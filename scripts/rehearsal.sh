#!/usr/bin/env bash
# The production rehearsal: docker-compose.yml's topology without Docker, from Debian's packages,
# on loopback. Two nodes in Production with the settings rendered from docker-compose.yml +
# .env.example (`docker-compose config`; the empty values filled as an operator would), Debian's
# nginx with deploy/nginx/*, Prometheus and Alertmanager with deploy/prometheus/* and
# deploy/alertmanager/*, MariaDB and Redis with the compose command lines, the push worker with its
# rendered settings (providers off, as .env.example leaves them), an SMTP sink, the SMS
# providers' stand-in (tools/Distance.StandIns) behind HTTPS, and an HTTPS alert webhook. scripts/rehearsal/render.py says what
# is rewritten (addresses and container paths, nothing else); scripts/rehearsal/checks.py what is
# proven. Prints one closing line, `rehearsal: PASS` or `rehearsal: FAIL <why>`; stops everything
# it started, whatever happens. ~2 minutes, most of it the real `for: 1m` of DistanceNodeDown.
#   DISTANCE_REHEARSAL_BASE_PORT (5800): ports base+06 MariaDB, +79 Redis, +11/+12 nodes, +14 push worker,
#     +80/+43 nginx HTTP/HTTPS, +90 Prometheus, +93 Alertmanager, +20 SMS (HTTPS; the stand-in
#     itself on +22), +21 webhook, +25 SMTP
#   DISTANCE_REHEARSAL_BUILD=0 uses the existing Release build of the SMS stand-in (scripts/test.sh has
#     just built it); the nodes and the push worker always run the images their Dockerfiles build
#   DISTANCE_REHEARSAL_COMPOSE / _NGINX: another compose file or nginx folder (the mutation runs
#     of docs/operations.md)
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$REPO_ROOT"

BASE="${DISTANCE_REHEARSAL_BASE_PORT:-5800}"
R="$LOCAL_DIR/rehearsal"
COMPOSE_FILE="${DISTANCE_REHEARSAL_COMPOSE:-docker-compose.yml}"
PY=/usr/bin/python3
PORTS=$(printf '{"mariadb":%d,"redis":%d,"node1":%d,"node2":%d,"push-worker":%d,"http":%d,"https":%d,"prometheus":%d,"alertmanager":%d,"sms":%d,"webhook":%d,"smtp":%d}' \
  $((BASE+6)) $((BASE+79)) $((BASE+11)) $((BASE+12)) $((BASE+14)) $((BASE+80)) $((BASE+43)) $((BASE+90)) $((BASE+93)) $((BASE+20)) $((BASE+21)) $((BASE+25)))
port() { "$PY" -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$PORTS" "$1"; }

RESULT=""
PIDS=()
finish() {
  local code=$?
  trap - EXIT INT TERM
  # Everything this run started, newest first, so nodes stop before the Redis and MariaDB they
  # use: SIGTERM, then SIGKILL after 10 s.
  local i pid
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    pid=${PIDS[$i]}
    kill -TERM "$pid" 2>/dev/null || continue
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  rm -rf "$R/mariadb" "$R/redis" "$R/volumes"
  [ -n "$RESULT" ] || RESULT="FAIL stopped early (exit $code); logs in $R/logs"
  echo "rehearsal: $RESULT"
  [[ "$RESULT" == PASS* ]] && exit 0 || exit 1
}
trap finish EXIT
trap 'RESULT="FAIL interrupted"; exit 1' INT TERM
fail() { RESULT="FAIL $*; logs in $R/logs"; exit 1; }
step() { log "rehearsal: $*"; }

# ---- Tools: Debian's packages ---------------------------------------------------------------------
missing=()
command -v nginx >/dev/null || missing+=(nginx)
command -v prometheus >/dev/null || missing+=(prometheus)
command -v prometheus-alertmanager >/dev/null || missing+=(prometheus-alertmanager)
command -v docker-compose >/dev/null || missing+=(docker-compose)
command -v redis-server >/dev/null || missing+=(redis-server)
command -v mariadbd >/dev/null || missing+=(mariadb-server)
command -v mariadb >/dev/null || missing+=(mariadb-client)
command -v openssl >/dev/null || missing+=(openssl)
"$PY" -c "import yaml" 2>/dev/null || missing+=(python3-yaml)
if [ ${#missing[@]} -gt 0 ]; then
  step "installing ${missing[*]} (apt)"
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  # Debian starts an installed nginx on port 80 unless told not to; nothing here wants that.
  DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

for p in $(echo "$PORTS" | grep -o '[0-9]\+'); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then fail "port $p is taken (DISTANCE_REHEARSAL_BASE_PORT picks others)"; fi
done

rm -rf "$R"
mkdir -p "$R/logs" "$R/sinks" "$R/tls"

# ---- TLS: a throw-away CA and a certificate for localhost / 127.0.0.1 -----------------------------
step "certificates"
(
  cd "$R/tls"
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=Distance rehearsal CA" \
    -keyout ca.key -out ca.pem 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout privkey.pem -out server.csr 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n' >server.ext
  openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 1 -extfile server.ext \
    -out fullchain.pem 2>/dev/null
  # The nodes and Alertmanager trust the system's CAs plus this one (the stand-ins speak HTTPS).
  cat /etc/ssl/certs/ca-certificates.crt ca.pem >trust.pem
)

# ---- Settings: .env.example filled as an operator would, then compose's own rendering -------------
step "rendering $COMPOSE_FILE with .env.example"
"$PY" scripts/rehearsal/render.py env "$REPO_ROOT" "$R/.env" "$PORTS"
docker-compose --env-file "$R/.env" -f "$COMPOSE_FILE" --project-directory "$REPO_ROOT" config >"$R/compose.yml" 2>"$R/logs/compose.log" \
  || fail "docker-compose config refused the settings: $(tail -1 "$R/logs/compose.log")"
if [ -n "${DISTANCE_REHEARSAL_NGINX:-}" ]; then
  sed -i "s|$REPO_ROOT/deploy/nginx|$(realpath "$DISTANCE_REHEARSAL_NGINX")|g" "$R/compose.yml"
fi
"$PY" scripts/rehearsal/render.py files "$REPO_ROOT" "$R/compose.yml" "$R" "$PORTS" 2>"$R/logs/render.log" \
  || fail "$(tail -1 "$R/logs/render.log")"

# ---- The images, built from their Dockerfiles as docker build would (scripts/rehearsal/image.py) -----
image() {
  "$PY" scripts/rehearsal/image.py "$REPO_ROOT" "$2" "$R/image-$1" >"$R/logs/image-$1.log" 2>&1 \
    || fail "the $1 image did not build from $2: $({ grep -m1 ': error ' "$R/logs/image-$1.log" || tail -1 "$R/logs/image-$1.log"; } | cut -c1-300)"
}
step "building the images from Distance.Realtime/Dockerfile and Distance.Push/Dockerfile"
image node Distance.Realtime/Dockerfile
image push Distance.Push/Dockerfile

# ---- MariaDB and Redis, as the compose services run them ------------------------------------------
step "mariadb :$(port mariadb), redis :$(port redis)"
mkdir -p "$R/mariadb" "$R/redis"
mariadb-install-db --datadir="$R/mariadb/data" --user="$(id -un)" --auth-root-authentication-method=normal \
  --skip-test-db >"$R/logs/mariadb-install.log" 2>&1 || fail "mariadb-install-db failed"
mapfile -t mariadb_args < <("$PY" -c "import json,sys; print('\n'.join(json.load(open(sys.argv[1]))['args']))" "$R/mariadb.json")
mariadbd --no-defaults --datadir="$R/mariadb/data" --socket="$R/mariadb/mysql.sock" --pid-file="$R/mariadb/mariadb.pid" \
  --port="$(port mariadb)" --bind-address=127.0.0.1 --user="$(id -un)" "${mariadb_args[@]}" \
  --log-error="$R/logs/mariadb.log" >/dev/null 2>&1 &
PIDS+=($!)
mapfile -t redis_args <"$R/redis.args"
redis-server "${redis_args[@]}" --port "$(port redis)" --bind 127.0.0.1 --dir "$R/redis" \
  --logfile "$R/logs/redis.log" >/dev/null 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do mariadb-admin --socket="$R/mariadb/mysql.sock" -uroot ping >/dev/null 2>&1 && break; sleep 0.1; done
# What the MariaDB image does with MARIADB_DATABASE / MARIADB_USER / MARIADB_PASSWORD.
"$PY" - "$R/mariadb.json" >"$R/mariadb/init.sql" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
password = c["password"].replace("\\", "\\\\").replace("'", "\\'")
print("DELETE FROM mysql.global_priv WHERE User = ''; FLUSH PRIVILEGES;")
print(f"CREATE DATABASE `{c['database']}`;")
print(f"CREATE USER '{c['user']}'@'%' IDENTIFIED BY '{password}';")
print(f"GRANT ALL ON `{c['database']}`.* TO '{c['user']}'@'%';")
EOF
mariadb --socket="$R/mariadb/mysql.sock" -uroot <"$R/mariadb/init.sql" || fail "mariadb did not start or take its account"
redis-cli -p "$(port redis)" ping >/dev/null 2>&1 || sleep 0.5
redis-cli -p "$(port redis)" ping 2>/dev/null | grep -q PONG || fail "redis did not start"

# ---- The outside world's stand-ins ----------------------------------------------------------------
# The SMS providers' APIs (tools/Distance.StandIns, plain http on loopback) behind an HTTPS
# forwarder, accepting the credentials rendered for the nodes; the webhook and an SMTP sink.
STANDINS="$REPO_ROOT/tools/Distance.StandIns/bin/Release/net10.0/Distance.StandIns.dll"
if [ "${DISTANCE_REHEARSAL_BUILD:-1}" != 0 ] || [ ! -f "$STANDINS" ]; then
  dotnet build tools/Distance.StandIns -c Release -nologo -v quiet -clp:ErrorsOnly >"$R/logs/build-standins.log" 2>&1 \
    || fail "the SMS stand-in did not build"
fi
mapfile -t STANDIN_ENV <"$R/standin.env"
env -i PATH="$PATH" HOME="$HOME" DOTNET_CLI_TELEMETRY_OPTOUT=1 "${STANDIN_ENV[@]}" \
  dotnet "$STANDINS" --urls "http://127.0.0.1:$((BASE + 22))" >"$R/logs/standins.log" 2>&1 &
PIDS+=($!)
"$PY" scripts/rehearsal/sinks.py "$R/sinks" "$R/tls/fullchain.pem" "$R/tls/privkey.pem" \
  "$(port sms)" "$((BASE + 22))" "$(port webhook)" "$(port smtp)" >"$R/logs/sinks.log" 2>&1 &
PIDS+=($!)

# ---- Two nodes in Production, each with its rendered environment alone ---------------------------
# A service's image (its folder, its Dockerfile ENV, its ENTRYPOINT) and its rendered environment.
image_of() { if [ "$1" = push-worker ]; then echo "$R/image-push"; else echo "$R/image-node"; fi; }
node_env() {
  local image; image=$(image_of "$1")
  mapfile -t NODE_ENV <"$R/$1.env"
  mapfile -t IMAGE_ENV <"$image/image.env"
  mapfile -t ENTRYPOINT <"$image/entrypoint"
  WORKDIR=$(cat "$image/workdir")
}
start_node() {
  node_env "$1"
  (
    cd "$WORKDIR"
    # compose's nofile, as far as this machine's hard limit allows (raising it needs CAP_SYS_RESOURCE).
    if [ -f "$R/$1.nofile" ]; then
      wanted=$(cat "$R/$1.nofile") hard=$(ulimit -Hn)
      [ "$hard" = unlimited ] || [ "$hard" -ge "$wanted" ] && ulimit -n "$wanted" || ulimit -n "$hard"
    fi
    # The image's own settings (Dockerfile ENV), then compose's, as in a container; nothing from this shell.
    exec env -i PATH="$PATH" HOME="$HOME" DOTNET_CLI_TELEMETRY_OPTOUT=1 SSL_CERT_FILE="$R/tls/trust.pem" \
      "${IMAGE_ENV[@]}" "${NODE_ENV[@]}" "${ENTRYPOINT[@]}"
  ) >"$R/logs/$1.log" 2>&1 &
  PIDS+=($!)
  echo $! >"$R/$1.pid"
}
# The compose health check itself ([CMD, dotnet, Distance.Realtime.dll / Distance.Push.dll, --healthcheck]).
healthy() {
  node_env "$1"
  mapfile -t test_cmd <"$R/$1.health"
  (cd "$WORKDIR" && env -i PATH="$PATH" HOME="$HOME" DOTNET_CLI_TELEMETRY_OPTOUT=1 "${IMAGE_ENV[@]}" "${NODE_ENV[@]}" timeout 10 "${test_cmd[@]}") >/dev/null 2>&1
}
step "nodes :$(port node1) :$(port node2) and the push worker :$(port push-worker) (Production)"
start_node node1
start_node node2
start_node push-worker
for node in node1 node2 push-worker; do
  ok=""
  # Poll cheaply while the node boots; then the compose health check itself must pass.
  for _ in $(seq 480); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$(port "$node")/health/ready" 2>/dev/null && healthy "$node"; then ok=1; break; fi
    kill -0 "$(cat "$R/$node.pid")" 2>/dev/null || break
    sleep 0.5
  done
  if [ -z "$ok" ]; then
    # The node's last words that are not a stack trace: an options failure names the setting.
    fail "$node did not become healthy: $(grep -v -E '^\s+at |^--- ' "$R/logs/$node.log" | tail -1 | cut -c1-300)"
  fi
done
step "both nodes and the push worker report ready through their compose health check"

# ---- nginx ----------------------------------------------------------------------------------------
diff -u deploy/nginx/nginx.conf "$R/nginx/nginx.conf" >"$R/nginx.diff" || true
nginx -t -q -c "$R/nginx/nginx.conf" -g "pid $R/nginx.pid;" 2>"$R/logs/nginx-t.log" || fail "nginx -t: $(head -1 "$R/logs/nginx-t.log")"
nginx -c "$R/nginx/nginx.conf" -g "pid $R/nginx.pid; daemon off;" >"$R/logs/nginx.log" 2>&1 &
PIDS+=($!)
step "nginx -t passes; nginx on :$(port http) and :$(port https) ($(grep -c '^+[^+]' "$R/nginx.diff") lines rewritten)"

# ---- Prometheus and Alertmanager ------------------------------------------------------------------
promtool check config "$R/prometheus/prometheus.yml" >"$R/logs/promtool.log" 2>&1 || fail "promtool check config"
promtool check rules "$R/prometheus/alerts.yml" >>"$R/logs/promtool.log" 2>&1 || fail "promtool check rules"
amtool check-config "$R/alertmanager/alertmanager.yml" >"$R/logs/amtool.log" 2>&1 || fail "amtool check-config"
mapfile -t am_args <"$R/alertmanager.args"
SSL_CERT_FILE="$R/tls/trust.pem" prometheus-alertmanager "${am_args[@]}" --cluster.listen-address= >"$R/logs/alertmanager.log" 2>&1 &
PIDS+=($!)
mapfile -t prom_args <"$R/prometheus.args"
prometheus "${prom_args[@]}" >"$R/logs/prometheus.log" 2>&1 &
PIDS+=($!)
step "promtool and amtool pass; prometheus :$(port prometheus), alertmanager :$(port alertmanager)"
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$(port https)") 2>/dev/null && break; sleep 0.1; done

# ---- Through nginx, as a client ---------------------------------------------------------------------
step "checks through nginx"
if ! "$PY" scripts/rehearsal/checks.py "$R" "$PORTS" all | tee "$R/logs/checks.log"; then
  fail "$(tail -1 "$R/logs/checks.log")"
fi

# ---- Kill a node: the alert reaches the webhook -----------------------------------------------------
targets_up() {
  curl -fsS "http://127.0.0.1:$(port prometheus)/api/v1/query?query=sum(up%7Bjob%3D%22distance%22%7D)" 2>/dev/null \
    | "$PY" -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else 0)' 2>/dev/null || true
}
for _ in $(seq 60); do [ "$(targets_up)" = 2 ] && break; sleep 1; done
[ "$(targets_up)" = 2 ] || fail "Prometheus never saw both nodes up"
worker_up() {
  curl -fsS "http://127.0.0.1:$(port prometheus)/api/v1/query?query=count(distance_push_stream_lag_seconds)%20and%20on()%20sum(up%7Bjob%3D%22distance-push%22%7D)%20%3D%3D%201" 2>/dev/null \
    | "$PY" -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else 0)' 2>/dev/null || true
}
for _ in $(seq 30); do [ "$(worker_up)" = 1 ] && break; sleep 1; done
[ "$(worker_up)" = 1 ] || fail "Prometheus never scraped the push worker (job distance-push) and its stream lag"
step "Prometheus scrapes the push worker: distance_push_stream_lag_seconds is there"
step "Prometheus scrapes both nodes; killing node2 (SIGKILL)"
killed_at=$(date +%s)
{ kill -KILL "$(cat "$R/node2.pid")"; wait "$(cat "$R/node2.pid")"; } 2>/dev/null || true
"$PY" scripts/rehearsal/checks.py "$R" "$PORTS" degraded | tee -a "$R/logs/checks.log" || fail "nginx did not fail over to node1"
alert=""
for _ in $(seq 180); do
  alert=$(grep -m1 'DistanceNodeDown' "$R/sinks/webhook.jsonl" || true)
  [ -n "$alert" ] && break
  sleep 1
done
[ -n "$alert" ] || fail "no DistanceNodeDown reached the webhook within 180 s of the kill"
echo "$alert" | "$PY" -c '
import json, sys
entry = json.load(sys.stdin)["payload"]
attachment = entry["attachments"][0]
assert attachment["title"].startswith("[FIRING") and "DistanceNodeDown" in attachment["title"], attachment["title"]
assert "docs/operations.md#" in attachment["text"], attachment["text"]
print("  ok   the webhook got a Slack-compatible DistanceNodeDown: " + attachment["title"])
' || fail "the webhook payload is not the expected Slack message"
step "alert delivered $(( $(date +%s) - killed_at )) s after the kill"

RESULT="PASS (compose settings boot the nodes and the push worker in Production; nginx, Prometheus and Alertmanager as shipped)"
