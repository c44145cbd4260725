#!/usr/bin/env bash
# Installs Debian's `prometheus` package (the real Prometheus that `make up` and the live dashboard check run
# on loopback). Idempotent: does nothing when /usr/bin/prometheus already runs. The package's own service is
# never used (scripts/prometheus/start.sh runs the binary with our config); the install itself is
# scripts/promtool/install.sh, which installs the same package for promtool.
#
# Usage: scripts/prometheus/install.sh   → prints the path of the prometheus binary on stdout
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="${PROMETHEUS_BIN:-/usr/bin/prometheus}"
if [ -x "$bin" ] && "$bin" --version >/dev/null 2>&1; then
  echo "$bin"
  exit 0
fi
if [ -x "$root/scripts/promtool/install.sh" ]; then
  "$root/scripts/promtool/install.sh" >/dev/null
else
  [ "$(id -u)" = 0 ] || { echo "prometheus install: needs root for apt-get (or install the 'prometheus' package yourself)" >&2; exit 1; }
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >&2
  apt-get install -y -q --no-install-recommends prometheus >&2
fi
[ -x "$bin" ] || { echo "prometheus install: $bin missing after installing the prometheus package" >&2; exit 1; }
echo "$bin"
