#!/usr/bin/env bash
# Installs Debian's prometheus-alertmanager (the real Alertmanager the alerting tests and `make up` run on
# loopback). Idempotent: does nothing when /usr/bin/prometheus-alertmanager already exists. The package's own
# systemd unit is not used (no systemd here; scripts/alertmanager/start.sh runs it with our config).
#
# Usage: scripts/alertmanager/install.sh
set -euo pipefail
bin=/usr/bin/prometheus-alertmanager
if [ -x "$bin" ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "alertmanager install: apt-get not found; install Prometheus Alertmanager 0.25+ and put it at $bin" >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends prometheus-alertmanager >/dev/null
[ -x "$bin" ] || { echo "alertmanager install: $bin missing after apt-get install" >&2; exit 1; }
"$bin" --version 2>&1 | head -n 1
