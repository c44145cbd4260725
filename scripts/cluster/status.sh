#!/usr/bin/env bash
# `make status`: which parts of the local cluster are running.
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
source scripts/cluster/services.sh
run="$root/.run/cluster"
for entry in "${TWINSTATE_SERVICES[@]}"; do
  read -r name grpc metrics <<<"$entry"
  pidfile="$run/$name.pid"
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    ready="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$metrics/readyz")"
    echo "$name: running (pid $(cat "$pidfile"), readyz $ready, gRPC :$grpc)"
  else
    echo "$name: not running"
  fi
done
