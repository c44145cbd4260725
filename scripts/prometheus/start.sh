#!/usr/bin/env bash
# Starts a real Prometheus (Debian's `prometheus` package, see install.sh) on loopback with a config of ours and
# a data dir under .run/, waits for /-/ready and prints its base URL (http://127.0.0.1:<port>) on stdout.
# Starting one that already runs for this data dir is a no-op.
#
# Usage: scripts/prometheus/start.sh [--port N] [--data-dir DIR] [--config FILE]
# Env:   PROMETHEUS_PORT (default 9090), PROMETHEUS_DATA_DIR (default <root>/.run/prometheus/data-<port>),
#        PROMETHEUS_CONFIG (default <root>/deploy/prometheus/prometheus.yml: scrapes the `make up` services and
#        sends alerts to the local Alertmanager), PROMETHEUS_BIN (default /usr/bin/prometheus),
#        PROMETHEUS_READY_TIMEOUT seconds (default 30), PROMETHEUS_RETENTION (default 2d)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=../lib/daemon.sh
source "$root/scripts/lib/daemon.sh"
port="${PROMETHEUS_PORT:-9090}"
data="${PROMETHEUS_DATA_DIR:-}"
config="${PROMETHEUS_CONFIG:-$root/deploy/prometheus/prometheus.yml}"
bin="${PROMETHEUS_BIN:-/usr/bin/prometheus}"
timeout="${PROMETHEUS_READY_TIMEOUT:-30}"
retention="${PROMETHEUS_RETENTION:-2d}"
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port="$2"; shift 2 ;;
    --data-dir) data="$2"; shift 2 ;;
    --config) config="$2"; shift 2 ;;
    *) echo "prometheus start: unknown argument $1 (usage: start.sh [--port N] [--data-dir DIR] [--config FILE])" >&2; exit 2 ;;
  esac
done
case "$port" in '' | *[!0-9]*) echo "prometheus start: port must be a number, got '$port'" >&2; exit 2 ;; esac
[ -x "$bin" ] || { echo "prometheus start: $bin not found (run scripts/prometheus/install.sh)" >&2; exit 1; }
[ -r "$config" ] || { echo "prometheus start: config $config not found" >&2; exit 1; }
config="$(cd "$(dirname "$config")" && pwd)/$(basename "$config")"
data="${data:-$root/.run/prometheus/data-$port}"
mkdir -p "$data/tsdb"
data="$(cd "$data" && pwd)"
pidfile="$data/prometheus.pid"
log="$data/prometheus.log"
url="http://127.0.0.1:$port"

is_ours() { daemon_is "$1" "--storage.tsdb.path=$data/tsdb"; }

ready() { curl -fsS -o /dev/null --max-time 2 "$url/-/ready" 2>/dev/null; }

find_ours() { daemon_find "--storage.tsdb.path=$data/tsdb"; }

wait_ready() {
  local deadline=$((SECONDS + timeout))
  until ready; do
    if ! is_ours "$1" && ! find_ours >/dev/null; then
      echo "prometheus start: process exited; last lines of $log:" >&2
      tail -n 20 "$log" >&2 || true
      exit 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "prometheus start: not ready at $url within ${timeout}s; last lines of $log:" >&2
      tail -n 20 "$log" >&2 || true
      exit 1
    fi
    sleep 0.2
  done
}

if [ -f "$pidfile" ]; then
  pid="$(cat "$pidfile")"
  if is_ours "$pid"; then
    wait_ready "$pid"
    echo "$url"
    exit 0
  fi
  rm -f "$pidfile"
fi
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  echo "prometheus start: port $port on 127.0.0.1 is already in use (set PROMETHEUS_PORT)" >&2
  exit 1
fi

# setsid: Prometheus outlives the shell (and the jest process) that started it; stop.sh ends it.
# --web.enable-lifecycle: POST /-/reload re-reads the config and rules without a restart.
setsid "$bin" \
  --config.file="$config" \
  --storage.tsdb.path="$data/tsdb" \
  --storage.tsdb.retention.time="$retention" \
  --web.listen-address="127.0.0.1:$port" \
  --web.external-url="$url" \
  --web.enable-lifecycle \
  --log.level=info </dev/null >"$log" 2>&1 &
pid=$!
echo "$pid" >"$pidfile"
wait_ready "$pid"
if ! is_ours "$pid"; then find_ours >"$pidfile"; fi
echo "$url"
