#!/usr/bin/env bash
# Installs what a fresh machine of ours lacks for `make up` and `make test`: the pinned Node 24 (npm
# registry), the npm dependencies, Apache Kafka's jars (Maven Central) and the Debian packages the tests
# start for real (Prometheus, Alertmanager). Idempotent: each step skips what is already there.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
need_cmd() { command -v "$1" >/dev/null 2>&1; }

for cmd in java mvn npm make; do
  need_cmd "$cmd" || { echo "bootstrap: '$cmd' is required and missing" >&2; exit 1; }
done

node_bin="$(scripts/ensure-node.sh)"
export PATH="$node_bin:$PATH"
echo "bootstrap: node $(node --version) from $node_bin"

make -s deps
scripts/kafka/provision.sh
scripts/alertmanager/install.sh >/dev/null   # Alertmanager from Debian for the alerting tests and make up
scripts/promtool/install.sh >/dev/null   # prometheus + promtool from Debian (apt, once; skipped when present)
scripts/helm/install.sh >/dev/null       # pinned helm via go install (~10 min cold, cached in ~/.cache/twinstate)
echo "bootstrap: done"
