#!/usr/bin/env bash
# Checks the protobuf contracts offline:
#   1. buf lint (STANDARD + COMMENTS, see buf.yaml);
#   2. buf breaking against the committed image proto/image.binpb (rebuild it with
#      scripts/proto-image.sh when a breaking change is intended);
#   3. the committed generated code services/lib/proto/src/gen equals a fresh `buf generate`.
# Exits non-zero naming the first failing step and, for step 3, the differing files.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export PATH="$("$root/scripts/ensure-node.sh"):$PATH"
gen_dir="services/lib/proto/src/gen"

echo "proto-check: buf lint"
if ! npx --no-install buf lint; then
  echo "proto-check: FAILED: buf lint reported the problems above" >&2
  exit 1
fi

echo "proto-check: buf breaking --against proto/image.binpb"
if [ ! -f proto/image.binpb ]; then
  echo "proto-check: FAILED: proto/image.binpb is missing; create it with scripts/proto-image.sh" >&2
  exit 1
fi
if ! npx --no-install buf breaking --against proto/image.binpb; then
  echo "proto-check: FAILED: breaking change against proto/image.binpb (if intended: scripts/proto-image.sh and commit)" >&2
  exit 1
fi

echo "proto-check: regenerate and compare with $gen_dir"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# Same plugin and options as buf.gen.yaml, only the output directory differs.
sed -e "s#out: $gen_dir#out: $tmp/gen#" buf.gen.yaml >"$tmp/buf.gen.yaml"
if ! grep -q "out: $tmp/gen" "$tmp/buf.gen.yaml"; then
  echo "proto-check: FAILED: could not redirect the output of buf.gen.yaml (expected 'out: $gen_dir')" >&2
  exit 1
fi
npx --no-install buf generate --template "$tmp/buf.gen.yaml"
if ! diff -r "$gen_dir" "$tmp/gen" >"$tmp/diff.txt"; then
  echo "proto-check: FAILED: $gen_dir differs from a fresh 'buf generate' (run 'make proto' and commit):" >&2
  grep -E '^(Only in|diff )' "$tmp/diff.txt" | sed -e "s#$tmp/gen#<regenerated>#g" >&2 || true
  exit 1
fi
echo "proto-check: OK"
