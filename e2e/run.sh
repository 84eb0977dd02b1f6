#!/usr/bin/env bash
# Real-client checks (issue 3): the official @klevu/core SDK and a headless Chromium drive the gateway end to
# end against the simulator. Maven runs this in its integration-test phase (after package built the jar);
# `mvn -B verify -DskipE2e` leaves it out. Run alone: `mvn -B -q package -DskipTests && bash e2e/run.sh`.
#
# It: makes sure Debian's chromium is there (installs it when root and missing), runs `npm ci` when
# package-lock.json changed since the last install, makes a throwaway TLS certificate, starts the simulator
# and the gateway on free loopback ports, runs every e2e/*.test.mjs with node's test runner, and always
# stops what it started. Logs and screenshots land in e2e/out/ (gitignored).
#
# Knobs: E2E_JAR (default target/edge-gateway.jar), E2E_CHROMIUM (/usr/bin/chromium), E2E_JAVA_OPTS,
# E2E_TEST_TIMEOUT_S (300), E2E_START_TIMEOUT_S (60), E2E_FILES (the check files to run, default all of them;
# without a browser check among them no browser is needed).
set -euo pipefail

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$E2E_DIR")"
JAR="${E2E_JAR:-$ROOT/target/edge-gateway.jar}"
OUT="$E2E_DIR/out"
CHROMIUM="${E2E_CHROMIUM:-/usr/bin/chromium}"
JAVA_OPTS_E2E="${E2E_JAVA_OPTS:--Xms64m -Xmx384m -XX:+UseSerialGC -XX:TieredStopAtLevel=1}"
TEST_TIMEOUT_S="${E2E_TEST_TIMEOUT_S:-300}"
START_TIMEOUT_S="${E2E_START_TIMEOUT_S:-60}"
API_KEY="klevu-demo-api-key"
FILES="${E2E_FILES:-sdk.test.mjs parity.test.mjs sdk-browser.test.mjs browser.test.mjs}"

log() { echo "[e2e] $*"; }
die() { echo "[e2e] FAILED: $*" >&2; exit 1; }
started_at=$SECONDS

for tool in java node npm openssl curl; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is not on PATH"
done
[ -f "$JAR" ] || die "no $JAR: build it first (mvn -B -q package -DskipTests); mvn -B verify does it for you"

# ---- Chromium: Debian's package, never a downloaded browser ----------------------------------------------
if [[ " $FILES " == *browser* ]] && [ ! -x "$CHROMIUM" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing Debian's chromium (first run only)"
    timeout 600 apt-get update -qq
    DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -qq chromium >/dev/null
  fi
  [ -x "$CHROMIUM" ] || die "no browser at $CHROMIUM: apt-get install chromium (as root), or set E2E_CHROMIUM"
fi

# ---- node dependencies, exactly as locked ------------------------------------------------------------------
cd "$E2E_DIR"
lock_sum="$(sha256sum package-lock.json | cut -d' ' -f1)"
stamp="node_modules/.e2e-lock-sha256"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$lock_sum" ] \
    && [ -f node_modules/@klevu/core/package.json ] && [ -f node_modules/playwright-core/package.json ]; then
  log "node_modules matches package-lock.json (npm ci skipped)"
else
  log "npm ci"
  timeout 300 npm ci --no-audit --no-fund --prefer-offline --loglevel=error
  echo "$lock_sum" > "$stamp"
fi

# ---- scratch: certificate, browser profiles, ports ---------------------------------------------------------
mkdir -p "$OUT"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/edge-e2e.XXXXXX")"
mkdir -p "$WORK/tmp"
PIDS=()

# Stops what this script started: the two JVMs and the test runner's process group by their ids, then any
# browser still alive whose profile directory lies in this run's own scratch directory.
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  for pid in "${PIDS[@]}"; do
    kill -TERM -- "$pid" 2>/dev/null || true
  done
  local deadline=$((SECONDS + 15))
  for pid in "${PIDS[@]}"; do
    pid="${pid#-}"
    while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
  done
  for pid in "${PIDS[@]}"; do
    kill -KILL -- "$pid" 2>/dev/null || true
  done
  for proc in /proc/[0-9]*; do
    if { tr '\0' ' ' < "$proc/cmdline"; } 2>/dev/null | grep -qF -- "--user-data-dir=$WORK/"; then
      kill -KILL "${proc#/proc/}" 2>/dev/null || true
    fi
  done
  rm -rf "$WORK"
  log "done in $((SECONDS - started_at)) s (exit $status)"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
  -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null || die "openssl could not make the test certificate"

# five free loopback ports, all held at once so they differ
read -r SIM_PORT HTTP_PORT OPS_PORT TLS_PORT STORE_PORT < <(node -e '
  const net = require("node:net");
  const servers = [];
  const next = () => {
    if (servers.length === 5) {
      console.log(servers.map((s) => s.address().port).join(" "));
      servers.forEach((s) => s.close());
      return;
    }
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => { servers.push(s); next(); });
  };
  next();')
[ -n "$STORE_PORT" ] || die "could not find free ports"

# waits until url answers 2xx, as long as pid lives, at most START_TIMEOUT_S
wait_ready() {
  local url=$1 pid=$2 what=$3 log_file=$4
  local deadline=$((SECONDS + START_TIMEOUT_S))
  until curl -fsS -m 2 -o /dev/null "$url" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 30 "$log_file" >&2 || true
      die "$what exited before it was ready"
    fi
    if [ $SECONDS -ge $deadline ]; then
      tail -n 30 "$log_file" >&2 || true
      die "$what not ready after ${START_TIMEOUT_S} s ($url)"
    fi
    sleep 0.25
  done
}

# ---- the simulated Klevu + Klaviyo ------------------------------------------------------------------------
SIM="http://127.0.0.1:$SIM_PORT"
# shellcheck disable=SC2086
java $JAVA_OPTS_E2E -jar "$JAR" simulate --port "$SIM_PORT" > "$OUT/simulator.log" 2>&1 &
PIDS+=($!)
wait_ready "$SIM/__sim/health" "${PIDS[-1]}" "simulator" "$OUT/simulator.log"

# ---- the gateway, wired to it (as --demo does), with its TLS listener --------------------------------------
# shellcheck disable=SC2086
env EDGE_HTTP_HOST=127.0.0.1 EDGE_HTTP_PORT="$HTTP_PORT" EDGE_OPS_HOST=127.0.0.1 EDGE_OPS_PORT="$OPS_PORT" \
  EDGE_TLS_PORT="$TLS_PORT" EDGE_TLS_CERT_PATH="$WORK/cert.pem" EDGE_TLS_KEY_PATH="$WORK/key.pem" \
  EDGE_PUBLIC_BASE_URL="https://127.0.0.1:$TLS_PORT" \
  EDGE_CORS_ORIGINS="http://127.0.0.1:$STORE_PORT" EDGE_DEMO_PAGE=true \
  EDGE_KLEVU_API_KEY="$API_KEY" \
  EDGE_KLEVU_VISITOR_URL="$SIM/public/1.0" EDGE_KLEVU_CONFIG_URL="$SIM/recommendations/" \
  EDGE_KLEVU_STATS_URL="$SIM/analytics/collect" EDGE_KLAVIYO_URL="$SIM" EDGE_KLAVIYO_PRIVATE_KEY=pk_e2e_not_a_secret \
  EDGE_SEARCH_ALLOWED_HOSTS="127.0.0.1:$SIM_PORT" EDGE_SEARCH_SCHEME=http \
  EDGE_CACHE_MODE=memory EDGE_REDIS_URL= EDGE_COOKIE_SECRET=e2e-cookie-secret-e2e-cookie-secret EDGE_HASH_PEPPER=e2e-pepper-not-a-secret \
  EDGE_EVENTS_FLUSH_MS=100 \
  EDGE_REQUEST_TIMEOUT_MS=5000 EDGE_SEGMENTS_BUDGET_MS=3000 EDGE_UPSTREAM_TIMEOUT_MS=3000 \
  java $JAVA_OPTS_E2E -jar "$JAR" > "$OUT/gateway.log" 2>&1 &
PIDS+=($!)
wait_ready "http://127.0.0.1:$OPS_PORT/health/ready" "${PIDS[-1]}" "gateway" "$OUT/gateway.log"
# The checks are about what real clients see, not about latency: the budgets above are generous for a shared
# 2-core machine, and a few requests warm the JVMs (a cold first request may otherwise overrun the segments
# budget and be served, correctly, unpersonalised). Warm-up calls use their own shopper and list.
for i in 1 2 3; do
  curl -s -m 10 -o /dev/null "http://127.0.0.1:$HTTP_PORT/v1/recommendations/k-e2e-warmup?_kx=E2eWarmUpShopper$i.WarmUp" || true
  curl -sk -m 10 -o /dev/null "https://127.0.0.1:$TLS_PORT/v1/recommendations/k-e2e-warmup?_kx=E2eWarmUpShopper$i.WarmUp" || true
done
log "simulator $SIM, gateway http://127.0.0.1:$HTTP_PORT + https://127.0.0.1:$TLS_PORT, up after $((SECONDS - started_at)) s"

# ---- the checks ---------------------------------------------------------------------------------------------
# One file at a time: they read the simulator's shared call counters. The runner gets its own process group
# (setsid) so that the cleanup can stop it and its children by one id.
set +e
# shellcheck disable=SC2086
env E2E_GATEWAY_URL="http://127.0.0.1:$HTTP_PORT" E2E_GATEWAY_TLS_URL="https://127.0.0.1:$TLS_PORT" \
  E2E_SIM_URL="$SIM" E2E_STOREFRONT_PORT="$STORE_PORT" E2E_KLEVU_API_KEY="$API_KEY" \
  E2E_CHROMIUM="$CHROMIUM" E2E_CERT_PATH="$WORK/cert.pem" NODE_EXTRA_CA_CERTS="$WORK/cert.pem" TMPDIR="$WORK/tmp" \
  setsid timeout -k 10 "$TEST_TIMEOUT_S" node --test --test-reporter=tap --test-concurrency=1 \
  $FILES > "$OUT/results.tap" 2>&1 &
runner=$!
PIDS+=("-$runner")
wait "$runner"
status=$?
set -e
unset 'PIDS[-1]'

cat "$OUT/results.tap"
passed="$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$OUT/results.tap" | tail -n 1)"
failed="$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$OUT/results.tap" | tail -n 1)"
if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
  die "the checks did not finish within ${TEST_TIMEOUT_S} s"
fi
if [ "$status" -ne 0 ] || [ "${failed:-1}" != 0 ] || [ "${passed:-0}" -eq 0 ]; then
  echo "[e2e] --- gateway log (tail) ---" >&2
  tail -n 40 "$OUT/gateway.log" >&2 || true
  die "real-client checks: ${passed:-0} passed, ${failed:-?} failed (runner exit $status); details in e2e/out/"
fi
log "real-client checks: $passed passed, 0 failed"
