#!/usr/bin/env bash
# Stops the broker that scripts/kafka/start.sh started for a data dir: SIGTERM (Kafka shuts down cleanly,
# flushing logs and resigning as controller), waits, then SIGKILL after KAFKA_STOP_TIMEOUT seconds
# (default 30). Removes the pid file. Stopping a broker that is not running is a no-op.
#
# Usage: scripts/kafka/stop.sh [--port N] [--data-dir DIR]   (same defaults as start.sh)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
port="${KAFKA_PORT:-9092}"
data="${KAFKA_DATA_DIR:-}"
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port="$2"; shift 2 ;;
    --data-dir) data="$2"; shift 2 ;;
    *) echo "stop: unknown argument $1 (usage: stop.sh [--port N] [--data-dir DIR])" >&2; exit 2 ;;
  esac
done
data="${data:-$root/.kafka/data-$port}"
[ -d "$data" ] || exit 0
data="$(cd "$data" && pwd)"
pidfile="$data/kafka.pid"
timeout="${KAFKA_STOP_TIMEOUT:-30}"
[ -f "$pidfile" ] || exit 0
pid="$(cat "$pidfile")"

is_ours() {
  [ -r "/proc/$1/cmdline" ] && tr '\0' ' ' <"/proc/$1/cmdline" | grep -q "kafka.Kafka $data/server.properties"
}

if is_ours "$pid"; then
  kill -TERM "$pid"
  deadline=$(($(date +%s) + timeout))
  while is_ours "$pid" && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.2; done
  if is_ours "$pid"; then
    echo "stop: broker $pid did not exit within ${timeout}s, sending SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
    while is_ours "$pid"; do sleep 0.1; done
  fi
fi
rm -f "$pidfile"
