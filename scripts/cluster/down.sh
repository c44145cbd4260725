#!/usr/bin/env bash
# `make down`: stops the services `make up` started (SIGTERM, they drain and commit), then the broker.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
source scripts/cluster/services.sh
run="$root/.run/cluster"
for entry in "${TWINSTATE_SERVICES[@]}"; do
  read -r name _ _ <<<"$entry"
  pidfile="$run/$name.pid"
  [ -f "$pidfile" ] || continue
  pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && { echo "down: $name did not stop in 30 s, killing" >&2; kill -KILL "$pid"; }
    echo "stopped $name"
  fi
  rm -f "$pidfile"
done
KAFKA_PORT="${KAFKA_PORT:-9092}" scripts/kafka/stop.sh
