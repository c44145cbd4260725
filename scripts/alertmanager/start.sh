#!/usr/bin/env bash
# Starts a real Prometheus Alertmanager (Debian's prometheus-alertmanager, see install.sh) on loopback, with a
# config and storage in a data dir of ours, clustering disabled; waits for /-/ready and prints its base URL
# (http://127.0.0.1:<port>) on stdout. Starting one that already runs for this data dir is a no-op.
#
# Usage: scripts/alertmanager/start.sh [--port N] [--data-dir DIR]
# Env:   ALERTMANAGER_PORT (default 9193: Alertmanager's usual 9093 is the local Kafka controller's port),
#        ALERTMANAGER_DATA_DIR (default <root>/.alertmanager/data-<port>),
#        ALERTMANAGER_BIN (default /usr/bin/prometheus-alertmanager), ALERTMANAGER_READY_TIMEOUT seconds (30)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=../lib/daemon.sh
source "$root/scripts/lib/daemon.sh"
port="${ALERTMANAGER_PORT:-9193}"
data="${ALERTMANAGER_DATA_DIR:-}"
bin="${ALERTMANAGER_BIN:-/usr/bin/prometheus-alertmanager}"
timeout="${ALERTMANAGER_READY_TIMEOUT:-30}"
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port="$2"; shift 2 ;;
    --data-dir) data="$2"; shift 2 ;;
    *) echo "alertmanager start: unknown argument $1" >&2; exit 2 ;;
  esac
done
case "$port" in '' | *[!0-9]*) echo "alertmanager start: port must be a number, got '$port'" >&2; exit 2 ;; esac
[ -x "$bin" ] || { echo "alertmanager start: $bin not found (run scripts/alertmanager/install.sh)" >&2; exit 1; }
data="${data:-$root/.alertmanager/data-$port}"
mkdir -p "$data/storage"
data="$(cd "$data" && pwd)"
pidfile="$data/alertmanager.pid"
log="$data/alertmanager.log"
url="http://127.0.0.1:$port"

is_ours() { daemon_is "$1" "--config.file=$data/alertmanager.yml"; }

ready() { curl -fsS -o /dev/null --max-time 2 "$url/-/ready" 2>/dev/null; }

find_ours() { daemon_find "--config.file=$data/alertmanager.yml"; }

wait_ready() {
  local deadline=$((SECONDS + timeout))
  until ready; do
    if ! is_ours "$1" && ! find_ours >/dev/null; then
      echo "alertmanager start: process exited; last lines of $log:" >&2
      tail -n 20 "$log" >&2 || true
      exit 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "alertmanager start: not ready at $url within ${timeout}s; last lines of $log:" >&2
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
  echo "alertmanager start: port $port on 127.0.0.1 is already in use (set ALERTMANAGER_PORT)" >&2
  exit 1
fi

# One receiver without integrations: twinstate reads alerts back through the API. Short group timings keep
# local runs responsive.
cat >"$data/alertmanager.yml" <<YAML
# Written by scripts/alertmanager/start.sh on every start; edit the script, not this file.
route:
  receiver: twinstate-null
  group_by: [tenant, alertname]
  group_wait: 1s
  group_interval: 5s
  repeat_interval: 1h
receivers:
  - name: twinstate-null
YAML

# setsid: Alertmanager outlives the shell (and the jest process) that started it; stop.sh ends it.
setsid "$bin" \
  --config.file="$data/alertmanager.yml" \
  --storage.path="$data/storage" \
  --web.listen-address="127.0.0.1:$port" \
  --web.external-url="$url" \
  --cluster.listen-address= \
  --log.level=info </dev/null >"$log" 2>&1 &
pid=$!
echo "$pid" >"$pidfile"
wait_ready "$pid"
if ! is_ours "$pid"; then find_ours >"$pidfile"; fi
echo "$url"
