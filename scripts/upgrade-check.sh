#!/usr/bin/env bash
# Upgrade a deployed suite on a real chain and check nothing it holds changes.
#
#   scripts/upgrade-check.sh BEFORE_DIR [AFTER_DIR]
#
# BEFORE_DIR and AFTER_DIR (default artifacts/) each hold the wasm files and their
# checksums.txt. Starts a fresh localnet, deploys the suite from BEFORE_DIR, plays every journey
# (so every contract holds positions, losses, requests, stakes and proposals), then migrates the
# fund, the engine and governance to AFTER_DIR's code (scripts/chain/upgrade_check.py): every
# query answers the same before and after, and the migrated suite takes deposits, withdrawal
# requests and trades. The report is written to target/localnet-upgrade/upgrade.json.
set -euo pipefail

source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

BEFORE="$(cd "${1:?usage: $0 BEFORE_DIR [AFTER_DIR]}" && pwd)"
AFTER="$(cd "${2:-artifacts}" && pwd)"
OUT=target/localnet-upgrade
start_side_localnet "$OUT"
CONFIG="$LOCALNET_CONFIG"

header "Deploy $BEFORE and play the journeys"
python3 scripts/chain/chain.py deploy --config "$CONFIG" --artifacts "$BEFORE" --out "$OUT/deployment.json"
python3 scripts/chain/chain.py journey --config "$CONFIG" --deployment "$OUT/deployment.json" journeys/*.json

header "Migrate to $AFTER"
python3 scripts/chain/upgrade_check.py --config "$CONFIG" --deployment "$OUT/deployment.json" \
    --artifacts "$AFTER" --out "$OUT/upgrade.json"
