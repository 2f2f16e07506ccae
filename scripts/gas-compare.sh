#!/usr/bin/env bash
# Gas of every journey operation for two builds, measured in one localnet run.
#
#   scripts/gas-compare.sh BEFORE_DIR [AFTER_DIR]
#
# BEFORE_DIR and AFTER_DIR (default artifacts/) each hold the four wasm files and their
# checksums.txt. Starts a fresh localnet (where every account has sent one transaction, so no
# measured transaction pays for storing its sender's public key), deploys BEFORE and plays
# every journey, deploys AFTER and plays them again, and writes both columns to
# docs/generated/gas-compare.md. Fails if any operation costs more than MAX_INCREASE percent
# (default 3) more after than before.
#
# GAS_CONFIG (default deploy/localnet.json) is the deployment config both builds are deployed
# with, and GAS_JOURNEYS (default journeys/*.json) the journeys both play: when the release
# changed the config's fields or the journeys' figures, give the older release's config and
# journeys/compare/*.json, whose steps succeed on either build.
set -euo pipefail

source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

BEFORE="$(cd "${1:?usage: $0 BEFORE_DIR [AFTER_DIR]}" && pwd)"
AFTER="$(cd "${2:-artifacts}" && pwd)"
OUT=target/localnet-compare
start_side_localnet "$OUT" "$(realpath "${GAS_CONFIG:-deploy/localnet.json}")"
read -r -a JOURNEYS <<< "${GAS_JOURNEYS:-journeys/*.json}"
# shellcheck disable=SC2206
JOURNEYS=(${JOURNEYS[@]})
CONFIG="$LOCALNET_CONFIG"

for side in before after; do
    dir="$BEFORE"; [[ "$side" == after ]] && dir="$AFTER"
    header "Deploy and play the journeys: $side ($dir)"
    python3 scripts/chain/chain.py deploy --config "$CONFIG" --artifacts "$dir" \
        --out "$OUT/deployment-$side.json"
    python3 scripts/chain/chain.py journey --config "$CONFIG" \
        --deployment "$OUT/deployment-$side.json" --gas-out "$OUT/gas-$side.json" "${JOURNEYS[@]}"
done

header "Before and after"
python3 scripts/chain/gas_tables.py compare "$OUT/gas-before.json" "$OUT/gas-after.json" \
    docs/generated/gas-compare.md --before-label "$(basename "$BEFORE")" --after-label "$(basename "$AFTER")" \
    --max-increase "${MAX_INCREASE:-3}"
