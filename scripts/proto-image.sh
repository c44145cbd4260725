#!/usr/bin/env bash
# Rebuilds proto/image.binpb, the committed baseline that `buf breaking` compares against.
# Run it (and commit the image) only when a contract change is intended and reviewed:
# after this, the change is the new baseline. Works offline.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export PATH="$("$root/scripts/ensure-node.sh"):$PATH"
npx --no-install buf build -o proto/image.binpb
echo "proto/image.binpb rebuilt from proto/ ($(wc -c <proto/image.binpb) bytes)"
