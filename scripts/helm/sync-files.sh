#!/usr/bin/env bash
# Copies the files the Helm chart bundles from their single source in deploy/ into helm/twinstate/files/
# (Helm's .Files cannot read outside the chart directory): the Prometheus alert rules (rendered as the
# PrometheusRule) and the example twin definitions, asset bindings, data contracts and alerting rules
# (rendered into ConfigMaps when their `bundledExamples` value is true).
# Usage: scripts/helm/sync-files.sh [--check]   (--check: exit 1 listing the copies that differ, copy nothing)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
files=helm/twinstate/files
check=0
[ "${1:-}" = "--check" ] && check=1
pairs=(
  "deploy/prometheus/rules/twinstate.rules.yml:$files/twinstate.rules.yml"
)
for f in deploy/twins/*.yaml; do pairs+=("$f:$files/twins/$(basename "$f")"); done
for f in deploy/contracts/*; do pairs+=("$f:$files/contracts/$(basename "$f")"); done
for f in deploy/alerting/*.yaml; do pairs+=("$f:$files/alerting/$(basename "$f")"); done
stale=0
for pair in "${pairs[@]}"; do
  src="${pair%%:*}" dst="${pair#*:}"
  if ! cmp -s "$src" "$dst"; then
    if [ "$check" = 1 ]; then
      echo "helm/sync-files: $dst differs from $src" >&2
      stale=1
    else
      mkdir -p "$(dirname "$dst")"
      cp "$src" "$dst"
      echo "helm/sync-files: copied $src"
    fi
  fi
done
# Copies whose source is gone.
for dst in "$files"/twins/* "$files"/contracts/* "$files"/alerting/*; do
  [ -e "$dst" ] || continue
  rel="${dst#"$files"/}"
  if [ ! -e "deploy/$rel" ]; then
    if [ "$check" = 1 ]; then echo "helm/sync-files: $dst has no source deploy/$rel" >&2; stale=1; else rm "$dst"; echo "helm/sync-files: removed $dst"; fi
  fi
done
[ "$check" = 1 ] && [ "$stale" = 1 ] && { echo "helm/sync-files: run scripts/helm/sync-files.sh" >&2; exit 1; }
exit 0
