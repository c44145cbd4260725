#!/usr/bin/env bash
# `make down`: stops what `make up` started — the demo generator first (it saves its simulated truth), then
# the services (SIGTERM: they drain and commit), Prometheus, Alertmanager and the broker. Topics and data are
# kept, so the next `make up` resumes from them.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
source scripts/cluster/services.sh
run="$root/.run/cluster"

stop_process() {
  local name="$1" pidfile="$run/$1.pid"
  [ -f "$pidfile" ] || return 0
  local pid
  pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "down: $name did not stop in 30 s, killing" >&2
      kill -KILL "$pid"
    fi
    echo "stopped $name"
  fi
  rm -f "$pidfile"
}

stop_process demo
# The services stop concurrently (each drains its own transactions); then wait for all.
for entry in "${TWINSTATE_SERVICES[@]}"; do
  read -r name _ _ <<<"$entry"
  stop_process "$name" &
done
wait
PROMETHEUS_PORT="$TWINSTATE_PROMETHEUS_PORT" scripts/prometheus/stop.sh && echo "stopped prometheus"
ALERTMANAGER_PORT="$TWINSTATE_ALERTMANAGER_PORT" scripts/alertmanager/stop.sh && echo "stopped alertmanager"
KAFKA_PORT="${KAFKA_PORT:-9092}" scripts/kafka/stop.sh && echo "stopped kafka"
