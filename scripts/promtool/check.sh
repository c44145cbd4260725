#!/usr/bin/env bash
# Checks twinstate's Prometheus files with promtool (Debian's `prometheus` package, installed by
# scripts/promtool/install.sh):
#   - promtool check rules   deploy/prometheus/rules/*.yml
#   - promtool test rules    deploy/prometheus/rules/tests/*.yml (each alert fires on synthetic series)
#   - promtool check config  deploy/prometheus/prometheus.yml and prometheus.compose.yml
#   - every Grafana panel query parses (scripts/promtool/panel-queries-as-rules.ts)
#   - the Helm chart's copy of the rules (helm/twinstate/files/twinstate.rules.yml) is byte-identical
# Exit status is non-zero on the first failure.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
promtool="$(command -v promtool || true)"
if [ -z "$promtool" ]; then
  promtool="$(scripts/promtool/install.sh | tail -n 1)"
fi
rules_dir=deploy/prometheus/rules
echo "promtool-check: $("$promtool" --version 2>&1 | head -n 1)"
"$promtool" check rules "$rules_dir"/*.yml
"$promtool" test rules "$rules_dir"/tests/*.yml
for config in deploy/prometheus/prometheus.yml deploy/prometheus/prometheus.compose.yml; do
  "$promtool" check config "$config"
done
# Every Grafana panel query parses (as a recording rule; variables resolved like the live check does).
panel_rules="$(mktemp --suffix=.rules.yml)"
trap 'rm -f "$panel_rules"' EXIT
export PATH="$(scripts/ensure-node.sh):$PATH"
node scripts/promtool/panel-queries-as-rules.ts >"$panel_rules"
"$promtool" check rules "$panel_rules"
chart_copy=helm/twinstate/files/twinstate.rules.yml
if ! cmp -s "$rules_dir/twinstate.rules.yml" "$chart_copy"; then
  echo "promtool-check: $chart_copy differs from $rules_dir/twinstate.rules.yml; run scripts/helm/sync-files.sh" >&2
  exit 1
fi
echo "promtool-check: OK"
