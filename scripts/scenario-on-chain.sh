#!/usr/bin/env bash
# Plays one shipped scenario on a wasmd chain of its own and on cw-multi-test, and compares the
# end states to the unit.
#
#   scripts/scenario-on-chain.sh NAME [RPC_PORT]
#
# Starts a single-node localnet under target/scenario-chains/NAME/chain listening on RPC_PORT
# (default 27657; P2P on RPC_PORT - 1, ABCI on RPC_PORT + 1, all on 127.0.0.1), so several
# scenarios can run beside each other and beside the main localnet. Then `tranche-perps run
# --chain` deploys a fresh suite with the scenario's `deploy` block, plays scenarios/NAME.json
# on it (chain.py scenario), replays it on cw-multi-test in the chain's blocks and fails unless
# both agree to the unit (chain.py compare); its report is in target/scenario-chains/NAME/report.
# The node is stopped whatever happens.
# Uses artifacts/ (built by scripts/build-wasm.sh) and the tranche-perps binary (built if absent).
set -euo pipefail

source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

NAME="${1:?usage: $0 NAME [RPC_PORT]}"
RPC_PORT="${2:-27657}"
[[ -f "scenarios/$NAME.json" ]] || die "no scenario scenarios/$NAME.json"
[[ -f artifacts/perp_engine.wasm ]] || die "artifacts/ has no wasm: run scripts/build-wasm.sh"

OUT="target/scenario-chains/$NAME"
rm -rf "$OUT"
mkdir -p "$OUT"
export LOCALNET_HOME="$REPO_ROOT/$OUT/chain"
export LOCALNET_RPC_PORT="$RPC_PORT" LOCALNET_P2P_PORT="$((RPC_PORT - 1))" LOCALNET_ABCI_PORT="$((RPC_PORT + 1))"
ensure_wasmd
export WASMD
trap 'bash "$REPO_ROOT/scripts/localnet.sh" stop' EXIT
trap 'exit 143' TERM INT
bash scripts/localnet.sh start

CONFIG="$OUT/localnet.json"
python3 - "$LOCALNET_HOME" "tcp://127.0.0.1:$RPC_PORT" deploy/localnet.json "$CONFIG" <<'PY'
import json, sys
cfg = json.load(open(sys.argv[3]))
cfg["home"], cfg["node"] = sys.argv[1], sys.argv[2]
json.dump(cfg, open(sys.argv[4], "w"), indent=2)
PY

BIN="${TRANCHE_PERPS_BIN:-target/debug/tranche-perps}"
[[ -x "$BIN" ]] || cargo build -q -p tranche-perps-testing --bin tranche-perps

header "$NAME on the chain (RPC $RPC_PORT), then on cw-multi-test in the chain's blocks, compared"
"$BIN" run --chain "scenarios/$NAME" --config "$CONFIG" --out "$OUT/report" > "$OUT/run.log" 2>&1 \
    || { tail -40 "$OUT/run.log"; die "$NAME failed on the chain, on cw-multi-test, or they differ"; }
grep -A1 '^== the chain against cw-multi-test' "$OUT/run.log"
