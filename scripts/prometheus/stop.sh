#!/usr/bin/env bash
# Stops the Prometheus that start.sh started for a data dir (SIGTERM: it flushes its head block; SIGKILL
# after 20 s). Stopping one that is not running is a no-op.
#
# Usage: scripts/prometheus/stop.sh [--port N] [--data-dir DIR]   (same defaults as start.sh)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
port="${PROMETHEUS_PORT:-9090}"
data="${PROMETHEUS_DATA_DIR:-}"
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port="$2"; shift 2 ;;
    --data-dir) data="$2"; shift 2 ;;
    *) echo "prometheus stop: unknown argument $1" >&2; exit 2 ;;
  esac
done
data="${data:-$root/.run/prometheus/data-$port}"
[ -d "$data" ] || exit 0
data="$(cd "$data" && pwd)"
pidfile="$data/prometheus.pid"
[ -f "$pidfile" ] || exit 0
pid="$(cat "$pidfile")"
if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "--storage.tsdb.path=$data/tsdb"; then
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
fi
rm -f "$pidfile"
