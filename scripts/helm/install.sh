#!/usr/bin/env bash
# Installs the pinned Helm v3 into the per-user cache ($TWINSTATE_CACHE, default ~/.cache/twinstate/bin)
# by compiling it with
# `go install` from the Go module proxy (the only way to fetch helm here: no
# release downloads, only package registries). Idempotent: when the pinned
# version is already there it only prints the binary's path.
#
# The cold build compiles helm and its dependencies (~minutes on 2 cores);
# GOMODCACHE and GOCACHE keep the module downloads and the compiled packages,
# so a rebuild after a version bump is incremental.
#
# Usage: scripts/helm/install.sh   → prints the path of the helm binary on stdout
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
# v3.21.4 (2026-08-13) declares `go 1.26.0` in its go.mod: it builds with the
# machine's Go 1.26. Bump together with a re-run of scripts/helm/check.sh.
HELM_VERSION="${HELM_VERSION:-v3.21.4}"
# The Kubernetes version helm assumes for `helm template`/`lint` (Capabilities.KubeVersion) is set at link
# time, as helm's own Makefile does: client-go v0.36 → Kubernetes 1.36 for helm v3.21.4. Without it helm
# assumes 1.20 and refuses charts that require a newer kubeVersion.
K8S_MINOR="${HELM_K8S_MINOR:-36}"
# Outside the work tree on purpose: a fresh clone on the same machine (CI) reuses the ~10-minute build.
bin_dir="${TWINSTATE_CACHE:-$HOME/.cache/twinstate}/bin"
helm="$bin_dir/helm"
stamp="$bin_dir/.helm-build"
ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION"
for pkg in pkg/lint/rules pkg/chartutil; do
  ldflags="$ldflags -X helm.sh/helm/v3/$pkg.k8sVersionMajor=1 -X helm.sh/helm/v3/$pkg.k8sVersionMinor=$K8S_MINOR"
done

if [ -x "$helm" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$HELM_VERSION $ldflags" ] \
  && "$helm" version --template '{{.Version}}' 2>/dev/null | grep -qx "$HELM_VERSION"; then
  echo "$helm"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  if [ -x /usr/local/go/bin/go ]; then
    PATH="/usr/local/go/bin:$PATH"
  else
    echo "helm/install: Go is needed to build helm ($HELM_VERSION) and was not found" >&2
    exit 1
  fi
fi

mkdir -p "$bin_dir"
echo "helm/install: building helm $HELM_VERSION with $(go version | awk '{print $3}') (cold build takes minutes)" >&2
start=$(date +%s)
# helm reads its version from ldflags; without them `helm version` reports a dev version.
GOBIN="$bin_dir" CGO_ENABLED=0 GOFLAGS=-buildvcs=false go install -ldflags "$ldflags" \
  "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" >&2
echo "$HELM_VERSION $ldflags" >"$stamp"
echo "helm/install: built in $(( $(date +%s) - start ))s: $("$helm" version --short)" >&2
echo "$helm"
