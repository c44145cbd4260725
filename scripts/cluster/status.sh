#!/usr/bin/env bash
# `make status`: which parts of the local cluster are running.
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
source scripts/cluster/services.sh
run="$root/.run/cluster"

http_code() { curl -s -o /dev/null --max-time 2 -w '%{http_code}' "$1"; }

kafka_pid="$root/.kafka/data-${KAFKA_PORT:-9092}/kafka.pid"
if [ -f "$kafka_pid" ] && kill -0 "$(cat "$kafka_pid")" 2>/dev/null; then
  echo "kafka: running (pid $(cat "$kafka_pid"), 127.0.0.1:${KAFKA_PORT:-9092})"
else
  echo "kafka: not running"
fi
for entry in "${TWINSTATE_SERVICES[@]}" "demo - $TWINSTATE_DEMO_HTTP_PORT"; do
  read -r name grpc http <<<"$entry"
  pidfile="$run/$name.pid"
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    echo "$name: running (pid $(cat "$pidfile"), readyz $(http_code "http://127.0.0.1:$http/readyz"), gRPC :$grpc, HTTP :$http)"
  else
    echo "$name: not running"
  fi
done
p="http://127.0.0.1:$TWINSTATE_PROMETHEUS_PORT"
echo "prometheus: $p ready $(http_code "$p/-/ready")"
a="http://127.0.0.1:$TWINSTATE_ALERTMANAGER_PORT"
echo "alertmanager: $a ready $(http_code "$a/-/ready")"
