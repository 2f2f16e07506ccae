#!/usr/bin/env bash
# Steady-state gas of the suite against the contracts users would otherwise pick (cw20-base,
# DAO DAO's token DAO), with every code unpinned and then pinned, and the goals the suite is
# held to: writes target/gas-steady/gas-steady.json and docs/generated/gas-steady.md.
#
#   scripts/gas-report.sh              on a side localnet of its own under target/gas-steady
#                                      (loopback ports LOCALNET_RPC_PORT, LOCALNET_P2P_PORT,
#                                      LOCALNET_ABCI_PORT, default 36657, 36656, 36658, so it
#                                      runs next to a shared localnet), stopped at the end
#   scripts/gas-report.sh --shared     on the running localnet of deploy/localnet.json (the end
#                                      of scripts/e2e.sh): pinning is chain-wide and changes every
#                                      later figure there, so nothing may measure after it
#
# Builds the third-party wasm first when they are missing (scripts/build-wasm.sh --third-party;
# the suite's artifacts must be in artifacts/). Fails on a failed transaction or a missing
# measurement, never on an unmet goal (see scripts/chain/gas_report.py). Takes about 11 minutes
# (9 on a chain already running).
set -euo pipefail

source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

OUT=target/gas-steady
for wasm in cw-plus/cw20_base dao-dao/dao_dao_core dao-dao/dao_proposal_single \
        dao-dao/dao_voting_cw20_staked dao-dao/cw20_stake; do
    [[ -f "artifacts/third-party/$wasm.wasm" ]] || { bash scripts/build-wasm.sh --third-party; break; }
done

case "${1:-}" in
    "")
        export LOCALNET_RPC_PORT="${LOCALNET_RPC_PORT:-36657}"
        export LOCALNET_P2P_PORT="${LOCALNET_P2P_PORT:-36656}"
        export LOCALNET_ABCI_PORT="${LOCALNET_ABCI_PORT:-36658}"
        start_side_localnet "$OUT"
        CONFIG="$LOCALNET_CONFIG"
        ;;
    --shared)
        ensure_wasmd
        export WASMD
        CONFIG=deploy/localnet.json
        ;;
    *) die "usage: $0 [--shared]" ;;
esac

header "Steady-state gas, unpinned then pinned"
mkdir -p "$OUT"
python3 scripts/chain/gas_report.py --config "$CONFIG" --out "$OUT/gas-steady.json"
python3 scripts/chain/gas_tables.py steady "$OUT/gas-steady.json" docs/generated/gas-steady.md
