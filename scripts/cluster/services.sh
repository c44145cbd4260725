# The local cluster's services and their ports, sourced by up.sh, down.sh and status.sh.
# name grpc_port metrics_port
TWINSTATE_SERVICES=(
  "ingest 50051 9464"
  "assimilation 50052 9465"
  "drift 50053 9466"
  "alerting 50054 9467"
)
