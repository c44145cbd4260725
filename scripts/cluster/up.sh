#!/usr/bin/env bash
# `make up`: a local twinstate cluster on loopback — a real single-node Kafka (KRaft), the design's topics, a
# real Alertmanager, every service (configured with the demo's twin definitions, contracts and alert rules
# from deploy/demo), a real Prometheus scraping them, and the demo telemetry generator (services/demo)
# publishing a simulated fleet. Each process runs in the background with its log and pid under .run/.
# Running it again starts only what is not running. Kafka data lives in .kafka/ and survives `make down`:
# after `make down`, `make up` resumes from the topics (twins, detectors and alerts restored from their
# changelogs; the demo resumes its simulated truth from .run/cluster/demo-state.json).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
export PATH="$(scripts/ensure-node.sh):$PATH"
export NODE_OPTIONS="${NODE_OPTIONS:---disable-warning=TimeoutNegativeWarning}"
source scripts/cluster/services.sh
run="$root/.run/cluster"
mkdir -p "$run/logs"

step() { echo "up: $*" >&2; }

export KAFKA_PORT="${KAFKA_PORT:-9092}"
step "kafka broker on 127.0.0.1:$KAFKA_PORT"
brokers="$(scripts/kafka/start.sh | tail -n 1)"
export KAFKA_BROKERS="$brokers"
step "topics"
node scripts/create-topics.ts >"$run/logs/topics.log" 2>&1 || { cat "$run/logs/topics.log" >&2; exit 1; }

step "alertmanager on 127.0.0.1:$TWINSTATE_ALERTMANAGER_PORT"
scripts/alertmanager/install.sh >/dev/null
alertmanager_url="$(ALERTMANAGER_PORT="$TWINSTATE_ALERTMANAGER_PORT" scripts/alertmanager/start.sh | tail -n 1)"

# gRPC bearer tokens (GRPC_AUTH_MODE=tokens, the services' default): one local admin token for every tenant,
# made once. The services only see its SHA-256 (tokens.yaml); the token itself stays in a 0600 file.
auth="$run/auth"
if [ ! -s "$auth/demo-admin.token" ] || [ ! -s "$auth/tokens.yaml" ]; then
  mkdir -p "$auth"
  chmod 700 "$auth"
  (umask 077; head -c 32 /dev/urandom | base64 | tr -d '/+=\n' >"$auth/demo-admin.token")
  cat >"$auth/tokens.yaml" <<YAML
# Written by scripts/cluster/up.sh: the local cluster's one token (admin of every tenant), stored as SHA-256.
tokens:
  - name: local-demo-admin
    sha256: $(printf %s "$(cat "$auth/demo-admin.token")" | sha256sum | cut -d' ' -f1)
    tenants: ["*"]
    roles: [admin]
YAML
fi

# Per-service configuration (env) of the demo cluster.
service_env() {
  echo "GRPC_AUTH_MODE=tokens GRPC_AUTH_TOKENS_FILE=$auth/tokens.yaml"
  case "$1" in
    ingest) echo "INGEST_CONTRACTS_DIR=$TWINSTATE_DEMO_CONTRACTS" ;;
    assimilation) echo "ASSIMILATION_DEFINITION_FILES=$TWINSTATE_DEMO_TWINS ASSIMILATION_WATCH_LIST=$TWINSTATE_DEMO_WATCH_LIST" ;;
    drift) echo "DRIFT_DEFINITION_FILES=$TWINSTATE_DEMO_TWINS" ;;
    alerting) echo "ALERTING_RULE_FILES=$TWINSTATE_DEMO_RULES ALERTING_ALERTMANAGER_URL=$alertmanager_url ALERTING_ALERTMANAGER_RESEND_INTERVAL_MS=30000" ;;
    demo) echo "DEMO_STATE_FILE=$run/demo-state.json" ;;
  esac
}

# start NAME GRPC_PORT HTTP_PORT: starts services/NAME/src/main.ts unless its pid file names a live process.
start() {
  local name="$1" grpc="$2" http="$3" pidfile="$run/$1.pid"
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    step "$name already running (pid $(cat "$pidfile"))"
    return
  fi
  step "$name (gRPC :$grpc, HTTP :$http)"
  # shellcheck disable=SC2046
  env $(service_env "$name") GRPC_PORT="$grpc" HTTP_PORT="$http" SERVICE_NAME="$name" \
    nohup node "services/$name/src/main.ts" >>"$run/logs/$name.log" 2>&1 &
  echo $! >"$pidfile"
}

# wait_ready NAME HTTP_PORT: until /readyz answers 200 (or the process dies: its log tail, exit 1).
wait_ready() {
  local name="$1" http="$2" pidfile="$run/$1.pid"
  for _ in $(seq 1 240); do
    if curl -fs "http://127.0.0.1:$http/readyz" >/dev/null 2>&1; then return; fi
    if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      echo "up: $name exited; last log lines (.run/cluster/logs/$name.log):" >&2
      tail -n 30 "$run/logs/$name.log" >&2
      exit 1
    fi
    sleep 0.5
  done
  echo "up: $name not ready after 120 s; last log lines:" >&2
  tail -n 30 "$run/logs/$name.log" >&2
  exit 1
}

for entry in "${TWINSTATE_SERVICES[@]}"; do
  read -r name grpc http <<<"$entry"
  start "$name" "$grpc" "$http"
done
for entry in "${TWINSTATE_SERVICES[@]}"; do
  read -r name grpc http <<<"$entry"
  wait_ready "$name" "$http"
done

step "prometheus on 127.0.0.1:$TWINSTATE_PROMETHEUS_PORT"
scripts/prometheus/install.sh >/dev/null
prometheus_url="$(PROMETHEUS_PORT="$TWINSTATE_PROMETHEUS_PORT" scripts/prometheus/start.sh | tail -n 1)"

start demo 0 "$TWINSTATE_DEMO_HTTP_PORT"
wait_ready demo "$TWINSTATE_DEMO_HTTP_PORT"

grpcurl="$(command -v grpcurl || true)"
[ -n "$grpcurl" ] || { [ -x "$HOME/go/bin/grpcurl" ] && grpcurl="$HOME/go/bin/grpcurl"; } || true

echo
echo "twinstate is up"
echo "  kafka         $brokers (KRaft, data in .kafka/data-$KAFKA_PORT)"
for entry in "${TWINSTATE_SERVICES[@]}"; do
  read -r name grpc http <<<"$entry"
  printf '  %-13s gRPC 127.0.0.1:%s  metrics http://127.0.0.1:%s/metrics  ready http://127.0.0.1:%s/readyz  pid %s\n' \
    "$name" "$grpc" "$http" "$http" "$(cat "$run/$name.pid")"
done
printf '  %-13s metrics http://127.0.0.1:%s/metrics  ready http://127.0.0.1:%s/readyz  pid %s\n' \
  demo "$TWINSTATE_DEMO_HTTP_PORT" "$TWINSTATE_DEMO_HTTP_PORT" "$(cat "$run/demo.pid")"
echo "  prometheus    $prometheus_url  (targets: $prometheus_url/targets, alerts: $prometheus_url/alerts)"
echo "  alertmanager  $alertmanager_url  (alerts: $alertmanager_url/api/v2/alerts)"
echo "  logs          .run/cluster/logs/<name>.log"
echo
echo "  gRPC token    .run/cluster/auth/demo-admin.token (admin of every tenant; hashes in .run/cluster/auth/tokens.yaml)"
echo
echo "  try:"
echo "    TOKEN=\$(cat .run/cluster/auth/demo-admin.token)"
echo "    ${grpcurl:-grpcurl} -plaintext 127.0.0.1:50052 list"
echo "    ${grpcurl:-grpcurl} -plaintext -H \"authorization: Bearer \$TOKEN\" -d '{\"tenant\":\"acme\",\"asset\":\"oven-1\"}' 127.0.0.1:50052 twinstate.twin.v1.TwinService/GetEstimate"
echo "    ${grpcurl:-grpcurl} -plaintext -H \"authorization: Bearer \$TOKEN\" -d '{\"tenant\":\"fleet\"}' 127.0.0.1:50053 twinstate.drift.v1.DriftService/ListDriftEvents"
echo "    ${grpcurl:-grpcurl} -plaintext -H \"authorization: Bearer \$TOKEN\" -d '{\"tenant\":\"volta\"}' 127.0.0.1:50054 twinstate.alert.v1.AlertService/ListAlerts"
echo "    curl -s $prometheus_url/api/v1/query --data-urlencode 'query=sum by (reason) (rate(twinstate_ingest_readings_rejected_total[1m]))'"
[ -n "$grpcurl" ] || echo "    (grpcurl not found: go install github.com/fullstorydev/grpcurl/cmd/grpcurl@latest)"
echo "  stop with: make down"
