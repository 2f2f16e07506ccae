#!/usr/bin/env bash
# Starts the operator service (keeper, two price pushers on a replay file, monitor on
# 127.0.0.1:9464) against the localnet of scripts/localnet.sh and its deployment, in one command:
#
#   bash services/operator/run-localnet.sh
#
# It builds the service if needed, makes op-feeder and op-feeder2 feeders of BTC-USD next to
# feeder (as the deployer, while it is still the governor), writes target/operator/operator.json
# and a replay file holding price 100 (edit target/operator/prices.json while it runs to move
# the price), and runs the service in the foreground with the keys' test mnemonics from
# scripts/localnet.sh. Environment: LOCALNET_HOME, LOCALNET_RPC_PORT, DEPLOYMENT, WASMD,
# OPERATOR_METRICS_PORT as for test/localnet.mjs.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
home="$(realpath -m "${LOCALNET_HOME:-$repo/target/localnet}")"
port="${LOCALNET_RPC_PORT:-26657}"
deployment="$(realpath "${DEPLOYMENT:-$repo/target/localnet/deployment.json}")"
metrics="${OPERATOR_METRICS_PORT:-9464}"
wasmd="${WASMD:-$(command -v wasmd || ls -d "${TP_CACHE:-$HOME/.cache/tranche-perps}"/wasmd-*/bin/wasmd | tail -1)}"
work="$repo/target/operator"
mkdir -p "$work"

cd "$here"
[[ -d node_modules ]] || npm ci --no-audit --no-fund --loglevel=error
npm run --silent build

eval "$(grep -E '^OP_(KEEPER|FEEDER|FEEDER2)_MNEMONIC=' "$repo/scripts/localnet.sh" | sed 's/^/export /')"
w=("$wasmd" --home "$home" --keyring-backend test)
engine="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["contracts"]["engine"])' "$deployment")"
chain_id="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["chain_id"])' "$deployment")"
feeders="[\"$("${w[@]}" keys show feeder -a)\",\"$("${w[@]}" keys show op-feeder -a)\",\"$("${w[@]}" keys show op-feeder2 -a)\"]"
"${w[@]}" tx wasm execute "$engine" "{\"set_feeders\":{\"market\":\"BTC-USD\",\"feeders\":$feeders}}" \
    --from deployer --chain-id "$chain_id" --node "tcp://127.0.0.1:$port" --gas 1000000 \
    --gas-prices 0stake --broadcast-mode sync --yes --output json >/dev/null \
    || echo "could not set the feeders (is the deployer still the governor?); pushes may be refused" >&2

[[ -f "$work/prices.json" ]] || echo '[{"t": 0, "price": "100"}]' > "$work/prices.json"
cat > "$work/operator.json" <<JSON
{
  "rpc": "http://127.0.0.1:$port",
  "deployment": "$deployment",
  "bech32_prefix": "wasm",
  "gas_price": "0stake",
  "fee_denom": "stake",
  "state_file": "operator.state.json",
  "keeper": { "key": { "mnemonic_env": "OP_KEEPER_MNEMONIC" }, "interval_ms": 2000 },
  "pushers": [
    { "market": "BTC-USD", "key": { "mnemonic_env": "OP_FEEDER_MNEMONIC" }, "source": { "kind": "replay", "file": "prices.json", "relative": true } },
    { "market": "BTC-USD", "key": { "mnemonic_env": "OP_FEEDER2_MNEMONIC" }, "source": { "kind": "replay", "file": "prices.json", "relative": true } }
  ],
  "monitor": { "port": $metrics }
}
JSON
echo "metrics: http://127.0.0.1:$metrics/metrics  health: http://127.0.0.1:$metrics/health" >&2
exec node "$here/dist/src/main.js" --config "$work/operator.json"
