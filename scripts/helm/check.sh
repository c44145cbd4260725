#!/usr/bin/env bash
# `make helm-check`: lints and renders helm/twinstate with the pinned helm (scripts/helm/install.sh) for the
# default values and every ci/*-values.yaml scenario, and validates the rendered manifests
# (scripts/helm/validate-manifests.ts: YAML, names, the Deployment contract). Also checks that
# values.schema.json is generated from values.yaml and that the chart's bundled files equal their sources in
# deploy/ (scripts/helm/sync-files.sh --check).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
export PATH="$(scripts/ensure-node.sh):$PATH"
helm="$(scripts/helm/install.sh | tail -n 1)"
chart=helm/twinstate
echo "helm-check: $("$helm" version --short)"

scripts/helm/sync-files.sh --check
node scripts/helm/generate-values-schema.ts --check

scenarios=("")
for f in "$chart"/ci/*-values.yaml; do scenarios+=("$f"); done
for values in "${scenarios[@]}"; do
  name="${values:+$(basename "$values" -values.yaml)}"
  name="${name:-default}"
  args=()
  [ -n "$values" ] && args=(--values "$values")
  "$helm" lint --strict "$chart" "${args[@]}" >/tmp/twinstate-helm-lint.$$ 2>&1 \
    || { cat /tmp/twinstate-helm-lint.$$ >&2; rm -f /tmp/twinstate-helm-lint.$$; echo "helm-check: lint failed ($name)" >&2; exit 1; }
  rm -f /tmp/twinstate-helm-lint.$$
  "$helm" template twinstate "$chart" --namespace twinstate "${args[@]}" \
    | node scripts/helm/validate-manifests.ts "$name"
done

# Values the chart must refuse (schema or template `fail`), each with the message it must give.
refuse() {
  local what="$1" expect="$2"; shift 2
  local out
  if out="$("$helm" template twinstate "$chart" "$@" 2>&1)"; then
    echo "helm-check: accepted invalid values ($what)" >&2; exit 1
  fi
  grep -q -- "$expect" <<<"$out" || { echo "helm-check: ($what) failed without '$expect':" >&2; echo "$out" >&2; exit 1; }
  echo "refused: $what"
}
refuse "unknown top-level key" "additional properties 'bogus' not allowed" --set bogus=1
refuse "unknown service key" "additional properties 'replicas' not allowed" --set services.ingest.replicas=3
refuse "bad SASL mechanism" "sasl" --set kafka.sasl.mechanism=gssapi
refuse "broker without port" "brokers" --set 'kafka.brokers={kafka}'
refuse "HPA and KEDA together" "mutually exclusive" --set services.drift.autoscaling.enabled=true --set services.drift.keda.enabled=true
refuse "SASL without credentials" "kafka.sasl.username" --set kafka.sasl.enabled=true
refuse "webhook without secret" "HMAC secret" --set 'alertRoutes.webhooks[0].name=oncall' --set 'alertRoutes.webhooks[0].url=https://x.example'
echo "helm-check: OK (${#scenarios[@]} scenarios)"
