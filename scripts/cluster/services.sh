# The local cluster's processes and their ports, sourced by up.sh, down.sh and status.sh.
# Services: name grpc_port http_port (metrics, /healthz, /readyz on the HTTP port).
TWINSTATE_SERVICES=(
  "ingest 50051 9464"
  "assimilation 50052 9465"
  "drift 50053 9466"
  "alerting 50054 9467"
)
# The demo telemetry generator (services/demo): no gRPC, metrics and health on this HTTP port.
TWINSTATE_DEMO_HTTP_PORT=9468
# Prometheus (scripts/prometheus) and Alertmanager (scripts/alertmanager) on loopback.
TWINSTATE_PROMETHEUS_PORT="${PROMETHEUS_PORT:-9090}"
TWINSTATE_ALERTMANAGER_PORT="${ALERTMANAGER_PORT:-9193}"
# The demo's definitions, contracts and alert rules (deploy/demo), as the services' configuration.
TWINSTATE_DEMO_TWINS="deploy/demo/twins/demo-oven-thermal.yaml,deploy/demo/twins/demo-battery-ecm.yaml,deploy/demo/twins/demo-vehicle-cv.yaml,deploy/demo/twins/demo-pendulum-pf.yaml"
TWINSTATE_DEMO_CONTRACTS="deploy/demo/contracts"
TWINSTATE_DEMO_RULES="deploy/demo/alerting/demo-rules.yaml"
TWINSTATE_DEMO_WATCH_LIST="acme/oven-1,volta/cell-1,fleet/truck-1,lab/pendulum-1"
