#!/usr/bin/env bash
# Load tests of the edge gateway, on loopback only, bounded in time, leaving no process behind.
#
#   loadtest/run.sh SCENARIO [--runs N] [--modes off,memory,redis] [--duration S] [--rate R] [--shoppers K] [--n N]
#   loadtest/run.sh report          # only regenerate BENCHMARKS.md from the latest results
#   loadtest/run.sh SCENARIO --standin   # self-test of the harness against its StandIn (not the gateway)
#
# SCENARIO: burst | cold | shoppers | ttl-expiry | ceiling | browser-flow | l2-hit | redis-down | sentinel | startup |
#           cdn | hostile | faults | rolling | crash | all
# Builds what it needs (gateway jar when missing or older than src/ or pom.xml; the loadtest module),
# then loadtest/scripts/harness.py starts the simulator, gateway(s) and load tools, measures, stops them,
# writes loadtest/results/<scenario>/<timestamp>.json, plots to loadtest/plots/, and BENCHMARKS.md.
# Environment knobs: see loadtest/README.md (LT_SIM_*_MS, LT_GATEWAY_JAVA_OPTS, LT_PIN, ...).
set -euo pipefail

LT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$LT_DIR/.." && pwd)"
SCENARIOS=(burst cold shoppers ttl-expiry ceiling browser-flow l2-hit redis-down sentinel startup cdn hostile faults rolling crash)

usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
[[ $# -ge 1 ]] || usage 2
[[ "$1" == "-h" || "$1" == "--help" ]] && usage 0
SCENARIO="$1"; shift
STANDIN=0
for a in "$@"; do [[ "$a" == "--standin" ]] && STANDIN=1; done

log() { printf '[run.sh] %s\n' "$*" >&2; }

# ------------------------------------------------------------------ cleanup: everything we started goes
PIDFILE="$(mktemp -t lt-pids.XXXXXX)"
export LT_PIDFILE="$PIDFILE"
HARNESS_PID=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM HUP
  if [[ -n "$HARNESS_PID" ]] && kill -0 "$HARNESS_PID" 2>/dev/null; then
    kill -TERM "$HARNESS_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$HARNESS_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$HARNESS_PID" 2>/dev/null || true
  fi
  # safety net: children the harness started are session leaders (pid == sid); kill any left alive
  if [[ -s "$PIDFILE" ]]; then
    while read -r pid name; do
      [[ -r "/proc/$pid/stat" ]] || continue
      sid="$(awk '{print $6}' "/proc/$pid/stat" 2>/dev/null || true)"
      if [[ "$sid" == "$pid" ]]; then
        log "stopping leftover $name (pid $pid)"
        kill -TERM -- "-$pid" 2>/dev/null || true
        sleep 0.5
        kill -KILL -- "-$pid" 2>/dev/null || true
      fi
    done < "$PIDFILE"
  fi
  rm -f "$PIDFILE"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# ------------------------------------------------------------------ tools
need_apt=()
command -v java >/dev/null || { log "java (JDK 17) is required"; exit 1; }
command -v mvn >/dev/null || { log "maven is required"; exit 1; }
command -v python3 >/dev/null || { log "python3 is required"; exit 1; }
command -v wrk >/dev/null || need_apt+=(wrk)
command -v gnuplot >/dev/null || need_apt+=(gnuplot-nox)
command -v taskset >/dev/null || need_apt+=(util-linux)
if [[ ${#need_apt[@]} -gt 0 ]]; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    log "installing ${need_apt[*]}"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    log "missing tools: ${need_apt[*]} (install them: apt-get install -y ${need_apt[*]})"; exit 1
  fi
fi

# ------------------------------------------------------------------ builds
newer_than() { # newer_than TARGET PATH... : true when TARGET is missing or any file under PATHs is newer
  local target="$1"; shift
  [[ -e "$target" ]] || return 0
  [[ -n "$(find "$@" -newer "$target" -type f -print -quit 2>/dev/null)" ]]
}
if [[ "$SCENARIO" != "report" ]]; then
  if [[ $STANDIN -eq 0 && -z "${LT_GATEWAY_JAR:-}" ]]; then
    if newer_than "$ROOT/target/edge-gateway.jar" "$ROOT/src/main" "$ROOT/pom.xml"; then
      log "building the gateway (mvn -B -q package -DskipTests)"
      (cd "$ROOT" && mvn -B -q package -DskipTests)
    fi
  fi
  if newer_than "$LT_DIR/target/loadtest.jar" "$LT_DIR/src" "$LT_DIR/pom.xml" || [[ ! -s "$LT_DIR/target/gatling.classpath" ]]; then
    log "building the loadtest module (mvn -B -q -f loadtest/pom.xml package)"
    (cd "$LT_DIR" && mvn -B -q package)
  fi
fi

# ------------------------------------------------------------------ run
run_one() {
  python3 "$LT_DIR/scripts/harness.py" "$@" --command "loadtest/run.sh $*" &
  HARNESS_PID=$!
  local rc=0
  wait "$HARNESS_PID" || rc=$?
  HARNESS_PID=""
  return "$rc"
}

if [[ "$SCENARIO" == "all" ]]; then
  rc=0
  for s in "${SCENARIOS[@]}"; do run_one "$s" "$@" || rc=$?; done
  exit "$rc"
fi
run_one "$SCENARIO" "$@"
