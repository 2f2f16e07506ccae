#!/usr/bin/env bash
# Fails when the committed src/generated differs from what codegen.js makes of schema/ now.
#   npm run check:generated      (after npm ci)
set -euo pipefail
cd "$(dirname "$0")/.."
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
node codegen.js "$tmp/generated" >/dev/null
if ! diff -ru src/generated "$tmp/generated"; then
    echo "src/generated is out of date with schema/: run 'npm run codegen' and commit it" >&2
    exit 1
fi
echo "src/generated matches schema/"
