#!/usr/bin/env bash
# End-to-end on a real chain: start the single-node wasmd localnet, deploy the suite from
# deploy/localnet.json, play every journey in journeys/, deploy two more suites and hand their
# governor roles to a DAO DAO DAO and to a cw3 multisig (journeys/governors/), play the crash
# scenario on the chain and on cw-multi-test and compare them to the unit (`tranche-perps run
# --chain`), sweep the crash's live deployment forked into cw-multi-test beside the chain's
# Stress answers (`tranche-perps stress <deployment.json>`), run the operator
# service's unit tests and its localnet test on a fourth suite (services/operator), print the gas table (also written to
# target/localnet/gas.json), generate and type-check the TypeScript client from schema/ and run
# its journey (a deposit and a fund query), build the dashboard and drive it in headless Chromium
# (screenshots in target/localnet/screenshots), measure how gas of open, deposit, stake and vote
# changes between 10 and 1,000 other positions, underwriters and voters (also written to
# target/localnet/gas-scaling.json), write docs/generated/gas.md and gas-scaling.md from both,
# last measure steady-state gas against cw20-base and DAO DAO, unpinned and then pinned by an
# x/gov proposal (scripts/gas-report.sh --shared: docs/generated/gas-steady.md; pinning changes
# every later figure on the chain, so it comes last), meanwhile play the other shipped scenarios
# each on a localnet of its own and compare them with cw-multi-test to the unit
# (scripts/scenario-on-chain.sh), and stop the nodes, whatever happens.
#
#   scripts/e2e.sh            (builds the wasm artifacts first if artifacts/ is empty)
set -euo pipefail

source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

[[ -f artifacts/governance.wasm && -f artifacts/third-party/dao-dao/dao_dao_core.wasm \
    && -f artifacts/third-party/dao-dao/dao_voting_cw20_staked.wasm \
    && -f artifacts/third-party/cw-plus/cw20_base.wasm ]] || bash scripts/build-wasm.sh

ensure_wasmd
export WASMD
BACKGROUND=()
trap 'for pid in "${BACKGROUND[@]}"; do kill "$pid" 2>/dev/null || true; done; bash scripts/localnet.sh stop' EXIT
bash scripts/localnet.sh start

OUT=target/localnet
mkdir -p "$OUT"
header "The other shipped scenarios: each on a chain of its own, in the background"
# They wait out a cooldown, an exit window or a payout window (8 to 12 minutes of chain time),
# so they play beside everything below; the end of this script waits for them.
cargo build -q -p tranche-perps-testing --bin tranche-perps
SCENARIOS=(governance calm_month cascade)
port=27657
for name in "${SCENARIOS[@]}"; do
    bash scripts/scenario-on-chain.sh "$name" "$port" > "$OUT/scenario-$name.log" 2>&1 &
    BACKGROUND+=("$!")
    echo "$name: RPC $port, log $OUT/scenario-$name.log"
    port=$((port + 1000))
done

header "Deploy"
python3 scripts/chain/chain.py deploy --config deploy/localnet.json --out "$OUT/deployment.json"
header "Journeys"
python3 scripts/chain/chain.py journey --config deploy/localnet.json \
    --deployment "$OUT/deployment.json" --gas-out "$OUT/gas.json" journeys/*.json

header "Governed by DAO DAO and by a cw3 multisig (a fresh suite each, on the same chain)"
for governor in dao_dao cw3_multisig; do
    python3 scripts/chain/chain.py deploy --config deploy/localnet.json --keep-governor \
        --out "$OUT/deployment-$governor.json" > "$OUT/deploy-$governor.log"
    python3 scripts/chain/chain.py journey --config deploy/localnet.json \
        --deployment "$OUT/deployment-$governor.json" "journeys/governors/$governor.json"
done

header "The crash scenario on the chain and on cw-multi-test, compared to the unit"
# `run --chain`: chain.py scenario (a fresh suite, the scenario played, its blocks recorded),
# the replay on cw-multi-test in those blocks, chain.py compare; the report folder holds the
# verdict and the chain's files (chain/deployment.json, block_times.json, chain-state.json).
mkdir -p "$OUT/scenarios"
for name in crash; do
    dir="$OUT/scenarios/$name"
    cargo run -q -p tranche-perps-testing --bin tranche-perps -- run --chain "scenarios/$name" \
        --config deploy/localnet.json --out "$dir" > "$dir.log" 2>&1 || { tail -30 "$dir.log"; exit 1; }
    grep -A1 '^== the chain against cw-multi-test' "$dir.log"
done

header "Stress sweep of the crash's live deployment, forked into cw-multi-test, beside the chain's Stress answers"
# One read of the deployment's storage at one height (refused unless its code is this build);
# the 24 cases run on cw-multi-test; fails unless every case's exact bad debt is within the
# chain's Stress answer's stated accuracy.
stress_start=$SECONDS
cargo run -q -p tranche-perps-testing --bin tranche-perps -- stress \
    "$OUT/scenarios/crash/chain/deployment.json" --out "$OUT/scenarios/crash-live-stress" \
    > "$OUT/scenarios/crash-live-stress.log" 2>&1 || { tail -40 "$OUT/scenarios/crash-live-stress.log"; exit 1; }
grep -E '^== live deployment|^every case' "$OUT/scenarios/crash-live-stress.log"
echo "live stress step: $((SECONDS - stress_start)) s"

header "Operator service: unit tests, then keeper, pushers and monitor on a fresh suite"
(
    cd services/operator
    npm ci --no-audit --no-fund --loglevel=error
    npm test
)
python3 scripts/chain/chain.py deploy --config deploy/localnet.json --keep-governor \
    --out "$OUT/deployment-operator.json" > "$OUT/deploy-operator.log"
DEPLOYMENT="$OUT/deployment-operator.json" bash services/operator/test/localnet.sh

header "TypeScript client: generated code against schema/, type-check, run its journey"
(
    cd clients/ts
    npm ci --no-audit --no-fund --loglevel=error
    npm run --silent check:generated
    npm run --silent typecheck
    npm run --silent build
    MNEMONIC="$(grep -oP '^TS_CLIENT_MNEMONIC="\K[^"]+' ../../scripts/localnet.sh)" \
        node dist/journey.js "../../$OUT/deployment.json"
    header "Gas with 10 and with 1,000 other positions, underwriters and voters"
    # The journeys' last price push may be older than the market's oracle_max_age_seconds by
    # now: the feeder pushes the same index again first.
    (cd ../.. && python3 scripts/chain/chain.py journey --config deploy/localnet.json \
        --deployment "$OUT/deployment.json" journeys/upkeep/refresh_index.json)
    MNEMONIC="$(grep -oP '^TS_CLIENT_MNEMONIC="\K[^"]+' ../../scripts/localnet.sh)" \
        node dist/scaling.js "../../$OUT/deployment.json" "../../$OUT/gas-scaling.json" 1000
)

header "Dashboard: build, then browser tests in headless Chromium against the localnet"
ensure_chromium
(
    cd apps/dashboard
    npm ci --no-audit --no-fund --loglevel=error
    npm run --silent build
    node tests/browser.mjs --smoke --out "../../$OUT/screenshots/offline"
    node tests/browser.mjs --deployment "../../$OUT/deployment.json" --out "../../$OUT/screenshots"
)
echo "screenshots: $OUT/screenshots"

header "Generated gas pages"
python3 scripts/chain/gas_tables.py journeys "$OUT/gas.json" docs/generated/gas.md
python3 scripts/chain/gas_tables.py scaling "$OUT/gas-scaling.json" docs/generated/gas-scaling.md

header "Steady-state gas against cw20-base and DAO DAO, unpinned then pinned (last: pinning is chain-wide)"
bash scripts/gas-report.sh --shared

header "The other shipped scenarios on their chains and on cw-multi-test, compared to the unit"
failed=()
for i in "${!SCENARIOS[@]}"; do
    name="${SCENARIOS[$i]}"
    if wait "${BACKGROUND[$i]}"; then
        echo "== $name"; grep -A1 '^== the chain against cw-multi-test' "$OUT/scenario-$name.log" || true
    else
        echo "== $name FAILED"; tail -40 "$OUT/scenario-$name.log"; failed+=("$name")
    fi
done
BACKGROUND=()
(( ${#failed[@]} == 0 )) || die "scenarios that failed on the chain or did not agree: ${failed[*]}"
