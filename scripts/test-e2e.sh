#!/usr/bin/env bash
# Browser end-to-end test of the reference web client (tests/e2e): two headless Chromium contexts,
# each on its own node of a two-node cluster, sign up, match and chat through the page.
# Installs Debian's chromium (and nodejs/npm) and the locked npm packages when missing; brings the
# cluster up on its own database and Redis key prefix, and always brings it down.
#   DISTANCE_BASE_PORT      nodes on base+1 and base+2 (default 5500)
#   E2E_TIMEOUT             seconds each viewport's browser test may take (default 900)
#   E2E_VIEWPORTS           which sizes to run (default "phone desktop": 390×844 ko-KR, 1280×800 en-US)
#   E2E_TESTS               which browser test files run at each size (default: all of them)
#   E2E_UPDATE_SCREENSHOT=1 also refresh the phone-size screenshots in docs/screenshots/
# Screenshots and node logs of the run land in tests/e2e/artifacts/ (ignored).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$REPO_ROOT"

export DISTANCE_BASE_PORT="${DISTANCE_BASE_PORT:-5500}"
E2E_TIMEOUT="${E2E_TIMEOUT:-900}"
E2E_VIEWPORTS="${E2E_VIEWPORTS:-phone desktop}"
E2E_TESTS="${E2E_TESTS:-e2e.test.mjs safety.test.mjs}"
E2E_DIR="$REPO_ROOT/tests/e2e"
sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"

apt_install() {
  log "installing $* (apt)"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# Debian's chromium: a test tool's own browser download cannot work on these machines.
[ -x /usr/bin/chromium ] || apt_install chromium
command -v npm >/dev/null || apt_install nodejs npm
# playwright-core needs node 20; the page's modules are loaded by node's own ESM detection (20.19+).
node -e 'const [major, minor] = process.versions.node.split(".").map(Number); process.exit(major > 20 || (major === 20 && minor >= 19) ? 0 : 1)' \
  || { log "node >= 20.19 is needed for the e2e test (found $(node --version))"; exit 1; }
# A Korean font and an emoji font, or names and messages in the screenshots are empty boxes.
[ -n "$(fc-list :lang=ko 2>/dev/null)" ] || apt_install fonts-nanum
# (grep without -q reads to the end: with pipefail, -q would fail the pipe by closing it early.)
fc-list 2>/dev/null | grep -i emoji >/dev/null || apt_install fonts-noto-color-emoji

# npm ci from the committed lock file, again only when the lock file changed since.
if ! cmp -s "$E2E_DIR/package-lock.json" "$E2E_DIR/node_modules/.installed-lock.json" 2>/dev/null; then
  log "installing the e2e npm packages (npm ci)"
  (cd "$E2E_DIR" && timeout 300 npm ci --no-audit --no-fund --loglevel=error)
  cp "$E2E_DIR/package-lock.json" "$E2E_DIR/node_modules/.installed-lock.json"
fi
# The page serves a committed copy of the SignalR client: it must be the locked package's file.
node "$E2E_DIR/vendor-signalr.mjs" --check

# A database and key prefix of the e2e run's own, emptied first: rate-limit counters, codes and
# members of an earlier run cannot leak into this one, nor this run's into anybody else's.
bash scripts/services.sh up
database="distance_e2e_${DISTANCE_BASE_PORT}"
prefix="distance-e2e-${DISTANCE_BASE_PORT}:"
mariadb --protocol=tcp -h 127.0.0.1 -P "$MARIADB_PORT" -uroot -e "DROP DATABASE IF EXISTS \`$database\`"
# The rate limiter's keys carry the prefix inside (rl:tb:{<prefix>…}), hence the leading *.
redis-cli -h 127.0.0.1 -p "$REDIS_PORT" --scan --pattern "*${prefix}*" \
  | xargs -r -n 500 redis-cli -h 127.0.0.1 -p "$REDIS_PORT" del >/dev/null
export Database__ConnectionString; Database__ConnectionString="$(local_mariadb_connection "$database")"
export Redis__ConnectionString; Redis__ConnectionString="$(local_redis_connection)"
export Redis__KeyPrefix="$prefix"
# Every simulated student of the run comes from 127.0.0.1, where real ones come from many
# addresses: only the per-IP buckets are widened (sign-up codes above all); the per-member and hub
# limits stay as configured.
export RateLimiting__Verification__TokenLimit="${RateLimiting__Verification__TokenLimit:-200}"
export RateLimiting__Anonymous__TokenLimit="${RateLimiting__Anonymous__TokenLimit:-500}"
export RateLimiting__Auth__TokenLimit="${RateLimiting__Auth__TokenLimit:-200}"
# The operator of the safety story (the page shows the operator page only to this phone's logins).
export E2E_OPERATOR_PHONE="${E2E_OPERATOR_PHONE:-010-9999-0001}"
export Moderation__OperatorPhones__0="$E2E_OPERATOR_PHONE"
# Web Push (safety.test.mjs): a VAPID key pair of this run's own, the public half for the nodes'
# GET /api/push/webpush-key, both halves for the push worker. The test's subscription points at a
# push service stand-in on 127.0.0.1 over http, which only AllowInsecureEndpoints accepts.
read -r vapid_public vapid_private < <(node -e '
  const { privateKey } = require("node:crypto").generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const { x, y, d } = privateKey.export({ format: "jwk" });
  const point = Buffer.concat([Buffer.from([4]), Buffer.from(x, "base64url"), Buffer.from(y, "base64url")]);
  console.log(point.toString("base64url"), d);')
export Push__WebPush__PublicKey="$vapid_public" E2E_VAPID_PUBLIC_KEY="$vapid_public"
export Push__AllowInsecureEndpoints=true
# Short-lived access tokens, so the run also crosses a token refresh (the minimum is 1 minute).
export Jwt__AccessTokenLifetime="${Jwt__AccessTokenLifetime:-00:01:00}"

rm -rf "$E2E_DIR/artifacts"
mkdir -p "$E2E_DIR/artifacts"
PUSH_DIR="$LOCAL_DIR/e2e-push"
push_pid=""
finish() {
  local status=$?
  cp "$LOCAL_DIR"/cluster/node-*.log "$PUSH_DIR"/worker.log "$E2E_DIR/artifacts/" 2>/dev/null || true
  if [ -n "$push_pid" ]; then kill -TERM "$push_pid" 2>/dev/null || true; wait "$push_pid" 2>/dev/null || true; fi
  bash "$REPO_ROOT/scripts/cluster.sh" down || true
  exit $status
}
trap finish EXIT

# No worker of cluster.sh's: this run starts its own below, with the VAPID private key and a short idle delay.
DISTANCE_PUSH_WORKERS=0 timeout 600 bash scripts/cluster.sh up 2

# One push worker (Distance.Push) beside the nodes, so a push travels the whole way in the test:
# outbox → relay → distance:push → worker → the test's push service stand-in → service worker.
mkdir -p "$PUSH_DIR"
if ! dotnet publish Distance.Push -c Release -o "$PUSH_DIR/bin" -nologo -v quiet -clp:ErrorsOnly >"$PUSH_DIR/publish.log" 2>&1; then
  log "the push worker's Release publish failed:"; grep -E "error" "$PUSH_DIR/publish.log" | sort -u >&2; exit 1
fi
push_url="http://127.0.0.1:$((DISTANCE_BASE_PORT + 9))"
# Production, not Development: in Development the host validates every registered service at
# build, and AddDistanceData registers repositories whose PhoneHasher only the nodes provide.
(cd "$PUSH_DIR/bin" && ASPNETCORE_ENVIRONMENT=Production Push__WebPush__PrivateKey="$vapid_private" \
  Push__Worker__IdleDelay=00:00:00.100 exec dotnet Distance.Push.dll --urls "$push_url" >"$PUSH_DIR/worker.log" 2>&1) &
push_pid=$!
for _ in $(seq 300); do curl -fsS -o /dev/null "$push_url/health/ready" 2>/dev/null && break; sleep 0.1; done
curl -fsS -o /dev/null "$push_url/health/ready" || { log "the push worker did not become ready"; tail -20 "$PUSH_DIR/worker.log" >&2; exit 1; }

export E2E_NODE_A="http://127.0.0.1:$((DISTANCE_BASE_PORT + 1))"
export E2E_NODE_B="http://127.0.0.1:$((DISTANCE_BASE_PORT + 2))"
cd "$E2E_DIR"
node --test rooms.test.mjs
# The runner's own limit comes first, so the test can still close its browser; `timeout` is the backstop.
# Every size runs even when an earlier one failed; the script fails if any did.
failed=""
for viewport in $E2E_VIEWPORTS; do
  log "browser test at $viewport size"
  E2E_VIEWPORT="$viewport" timeout --kill-after=15 "$E2E_TIMEOUT" \
    node --test --test-concurrency=1 --test-timeout=$(((E2E_TIMEOUT - 20) * 1000)) $E2E_TESTS || failed="$failed $viewport"
done
[ -z "$failed" ] || { log "the browser test failed at:$failed"; exit 1; }
