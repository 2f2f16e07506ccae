#!/usr/bin/env bash
# The operator service's localnet test (see localnet.mjs): builds the service if needed and
# runs it against the localnet and deployment named by the environment (defaults:
# target/localnet, target/localnet/deployment.json, RPC port 26657).
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ! -d node_modules ]]; then npm ci --no-audit --no-fund --loglevel=error; fi
npm run --silent build
exec node test/localnet.mjs "$@"
