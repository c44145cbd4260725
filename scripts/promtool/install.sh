#!/usr/bin/env bash
# Installs promtool (and the prometheus binary) from Debian's `prometheus` package, idempotently: when
# /usr/bin/promtool already runs, nothing is done. `apt-get update` runs at most once per machine
# (marker in /var/lib/apt/lists). The package's own service is never started here — its maintainer
# scripts may try (systemd/invoke-rc.d); policy-rc.d forbids that for the duration of the install, and any
# daemon the package started anyway is stopped by its pid file. The project only uses the binaries
# /usr/bin/promtool (rule/config checks) and /usr/bin/prometheus (started by the cluster scripts).
#
# Usage: scripts/promtool/install.sh   → prints the path of promtool on stdout
set -euo pipefail
if command -v promtool >/dev/null 2>&1 && promtool --version >/dev/null 2>&1; then
  command -v promtool
  exit 0
fi
[ "$(id -u)" = 0 ] || { echo "promtool/install: needs root for apt-get (or install the 'prometheus' package yourself)" >&2; exit 1; }

export DEBIAN_FRONTEND=noninteractive
marker=/var/lib/apt/lists/.twinstate-apt-updated
if [ ! -f "$marker" ]; then
  apt-get update -q >&2
  touch "$marker"
fi

# Forbid service starts from maintainer scripts while installing (Debian's policy-rc.d convention, exit 101).
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod +x "$policy"
  created_policy=1
fi
trap '[ "$created_policy" = 1 ] && rm -f "$policy"' EXIT
apt-get install -y -q --no-install-recommends prometheus >&2

# Belt and braces: if the package's daemon runs anyway (no systemd here), stop exactly that process.
for pidfile in /run/prometheus/prometheus.pid /var/run/prometheus.pid; do
  if [ -s "$pidfile" ]; then
    pid="$(cat "$pidfile")"
    if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q '^/usr/bin/prometheus'; then
      kill "$pid" 2>/dev/null || true
    fi
  fi
done
promtool --version >&2
command -v promtool
