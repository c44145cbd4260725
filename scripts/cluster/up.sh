#!/usr/bin/env bash
# `make up`: a local twinstate cluster on loopback — a real single-node Kafka (KRaft), the design's topics,
# every service that exists, each as a background process with its log and pid under .run/.
# Running it again starts only what is not running; data lives in .kafka/ and survives `make down`.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
export PATH="$(scripts/ensure-node.sh):$PATH"
source scripts/cluster/services.sh
run="$root/.run/cluster"
mkdir -p "$run/logs"

export KAFKA_PORT="${KAFKA_PORT:-9092}"
brokers="$(scripts/kafka/start.sh | tail -n 1)"
export KAFKA_BROKERS="$brokers"
node scripts/create-topics.ts

started=()
for entry in "${TWINSTATE_SERVICES[@]}"; do
  read -r name grpc metrics <<<"$entry"
  main="services/$name/src/main.ts"
  [ -f "$main" ] || continue
  pidfile="$run/$name.pid"
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    started+=("$name (already running, pid $(cat "$pidfile"))")
    continue
  fi
  GRPC_PORT="$grpc" HTTP_PORT="$metrics" SERVICE_NAME="$name" \
    nohup node "$main" >>"$run/logs/$name.log" 2>&1 &
  echo $! >"$pidfile"
  started+=("$name: gRPC 127.0.0.1:$grpc, metrics http://127.0.0.1:$metrics/metrics, ready http://127.0.0.1:$metrics/readyz, log .run/cluster/logs/$name.log")
done

# Wait for every started service to report ready (or die trying, with its log tail).
for entry in "${TWINSTATE_SERVICES[@]}"; do
  read -r name grpc metrics <<<"$entry"
  [ -f "$run/$name.pid" ] || continue
  for _ in $(seq 1 120); do
    if curl -fs "http://127.0.0.1:$metrics/readyz" >/dev/null 2>&1; then break; fi
    if ! kill -0 "$(cat "$run/$name.pid")" 2>/dev/null; then
      echo "up: $name exited; last log lines:" >&2
      tail -n 30 "$run/logs/$name.log" >&2
      exit 1
    fi
    sleep 0.5
  done
done

echo
echo "twinstate is up"
echo "  kafka: $brokers (KRaft, data in .kafka/)"
for line in "${started[@]}"; do echo "  $line"; done
[ ${#started[@]} -gt 0 ] || echo "  (no services exist yet)"
echo "  stop with: make down"
