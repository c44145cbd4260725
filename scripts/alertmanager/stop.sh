#!/usr/bin/env bash
# Stops the Alertmanager that start.sh started for a data dir (SIGTERM, then SIGKILL after 10 s).
#
# Usage: scripts/alertmanager/stop.sh [--port N] [--data-dir DIR]   (same defaults as start.sh)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
port="${ALERTMANAGER_PORT:-9193}"
data="${ALERTMANAGER_DATA_DIR:-}"
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port="$2"; shift 2 ;;
    --data-dir) data="$2"; shift 2 ;;
    *) echo "alertmanager stop: unknown argument $1" >&2; exit 2 ;;
  esac
done
data="${data:-$root/.alertmanager/data-$port}"
[ -d "$data" ] || exit 0
data="$(cd "$data" && pwd)"
pidfile="$data/alertmanager.pid"
[ -f "$pidfile" ] || exit 0
pid="$(cat "$pidfile")"
if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "--config.file=$data/alertmanager.yml"; then
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
fi
rm -f "$pidfile"
