#!/usr/bin/env bash
# A single-node wasmd chain on loopback for the suite's end-to-end journeys.
#
#   scripts/localnet.sh start    build wasmd if needed, init a fresh chain, start it, wait
#                                for blocks, check nothing listens beyond 127.0.0.1
#   scripts/localnet.sh stop     stop the node
#   scripts/localnet.sh status   latest block height
#
# Environment:
#   LOCALNET_HOME   chain home (default target/localnet)
#   LOCALNET_RPC_PORT, LOCALNET_P2P_PORT, LOCALNET_ABCI_PORT
#                   loopback ports (defaults 26657, 26656, 26658), for a second chain
#   TP_CACHE        tool cache (wasmd is built into it once)
#
# Accounts (keyring-backend test): validator, deployer, feeder, keeper, treasury, the users
# lp-junior, lp-senior, alice, bob, dave, erin, arb, and ts-client (from a fixed test mnemonic,
# for the TypeScript client journey), and op-keeper, op-keeper2, op-feeder, op-feeder2 (fixed
# test mnemonics, for the operator service's localnet test); each gets stake and uusdc.
# x/gov: a 20 s voting period and a 1,000,000stake minimum deposit (the validator holds all the
# bonded stake, so its yes vote passes a proposal), for scripts/gas-report.sh's pin-codes proposal.
set -euo pipefail

source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

HOME_DIR="${LOCALNET_HOME:-$REPO_ROOT/target/localnet}"
CHAIN_ID="tranche-local"
RPC_PORT="${LOCALNET_RPC_PORT:-26657}"
P2P_PORT="${LOCALNET_P2P_PORT:-26656}"
ABCI_PORT="${LOCALNET_ABCI_PORT:-26658}"
RPC="tcp://127.0.0.1:$RPC_PORT"
ACCOUNTS=(deployer feeder keeper treasury lp-junior lp-senior alice bob dave erin arb)
# A public, test-only mnemonic for the TypeScript client journey (localnet only, never real
# funds): the key "ts-client" is recovered from it.
TS_CLIENT_MNEMONIC="old anxiety snake good clever make inside drum night leg logic bind area trash talent gas trial night top vanish predict minor door remove"
# Public, test-only mnemonics of the operator service's keys (localnet only, never real funds);
# services/operator/test/localnet.sh reads them from here.
OP_KEEPER_MNEMONIC="proud hockey acoustic foot powder depart call member phrase acquire exile glove hero expire bar define chat birth bread throw fabric room marriage like"
OP_KEEPER2_MNEMONIC="cinnamon issue judge slow arrest client erupt nurse album sea fiber pole desert auto force nut come rail plastic option craft siren volume position"
OP_FEEDER_MNEMONIC="lamp liberty lake library uphold casual ladder property denial trend hire sail hungry cherry elegant vague call share mix scatter sense inside pipe cute"
OP_FEEDER2_MNEMONIC="omit few toddler kidney soup grant sorry alert ice few assist rescue merit carpet ozone balcony dragon current panic gallery small marble wood property"
OP_KEYS=(op-keeper op-keeper2 op-feeder op-feeder2)
op_mnemonic() { # key name -> its mnemonic
    case "$1" in
        op-keeper) echo "$OP_KEEPER_MNEMONIC" ;;
        op-keeper2) echo "$OP_KEEPER2_MNEMONIC" ;;
        op-feeder) echo "$OP_FEEDER_MNEMONIC" ;;
        op-feeder2) echo "$OP_FEEDER2_MNEMONIC" ;;
    esac
}

node_running() {
    [[ -f "$HOME_DIR/node.pid" ]] && kill -0 "$(cat "$HOME_DIR/node.pid")" 2>/dev/null
}

height() {
    "$WASMD" status --node "$RPC" 2>/dev/null \
        | python3 -c 'import json,sys; d=json.load(sys.stdin); s=d.get("sync_info") or d.get("SyncInfo"); print(s["latest_block_height"])' \
        2>/dev/null || echo 0
}

set_toml() { # file section key value
    python3 - "$@" <<'PY'
import re, sys
path, section, key, value = sys.argv[1:5]
lines = open(path).read().split("\n")
current, done = "", False
for i, line in enumerate(lines):
    m = re.match(r"^\[(.+)\]\s*$", line)
    if m:
        current = m.group(1)
        continue
    if current == section and re.match(rf"^{re.escape(key)}\s*=", line):
        lines[i] = f"{key} = {value}"
        done = True
        break
if not done:
    sys.exit(f"{path}: [{section}] {key} not found")
open(path, "w").write("\n".join(lines))
PY
}

init_chain() {
    rm -rf "$HOME_DIR"
    mkdir -p "$HOME_DIR"
    local w=("$WASMD" --home "$HOME_DIR")
    "${w[@]}" init node --chain-id "$CHAIN_ID" >/dev/null 2>&1
    for name in validator "${ACCOUNTS[@]}"; do
        "${w[@]}" keys add "$name" --keyring-backend test >/dev/null 2>&1
        local addr
        addr="$("${w[@]}" keys show "$name" -a --keyring-backend test)"
        "${w[@]}" genesis add-genesis-account "$addr" \
            "1000000000000000stake,1000000000000000uusdc" --keyring-backend test
    done
    echo "$TS_CLIENT_MNEMONIC" | "${w[@]}" keys add ts-client --recover --keyring-backend test >/dev/null 2>&1
    "${w[@]}" genesis add-genesis-account \
        "$("${w[@]}" keys show ts-client -a --keyring-backend test)" \
        "1000000000stake,1000000000000uusdc" --keyring-backend test
    for name in "${OP_KEYS[@]}"; do
        op_mnemonic "$name" | "${w[@]}" keys add "$name" --recover --keyring-backend test >/dev/null 2>&1
        "${w[@]}" genesis add-genesis-account \
            "$("${w[@]}" keys show "$name" -a --keyring-backend test)" \
            "1000000000stake,1000000000000uusdc" --keyring-backend test
    done
    "${w[@]}" genesis gentx validator 1000000000000stake --chain-id "$CHAIN_ID" \
        --keyring-backend test >/dev/null 2>&1
    "${w[@]}" genesis collect-gentxs >/dev/null 2>&1
    # x/gov passes a proposal in seconds (the validator's vote alone carries it), so the gas
    # report can pin the codes by a `MsgPinCodes` proposal; a deposit the deployer can pay.
    python3 - "$HOME_DIR/config/genesis.json" <<'PY'
import json, sys
path = sys.argv[1]
genesis = json.load(open(path))
params = genesis["app_state"]["gov"]["params"]
params["voting_period"] = "20s"
params["expedited_voting_period"] = "10s"
params["min_deposit"] = [{"denom": "stake", "amount": "1000000"}]
json.dump(genesis, open(path, "w"), indent=1)
PY

    local config="$HOME_DIR/config/config.toml" app="$HOME_DIR/config/app.toml"
    set_toml "$config" "" proxy_app "\"tcp://127.0.0.1:$ABCI_PORT\""
    set_toml "$config" rpc laddr "\"tcp://127.0.0.1:$RPC_PORT\""
    set_toml "$config" rpc pprof_laddr '""'
    set_toml "$config" p2p laddr "\"tcp://127.0.0.1:$P2P_PORT\""
    set_toml "$config" consensus timeout_commit '"500ms"'
    set_toml "$config" instrumentation prometheus 'false'
    set_toml "$app" "" minimum-gas-prices '"0stake"'
    set_toml "$app" api enable 'false'
    set_toml "$app" grpc enable 'false'
    set_toml "$app" grpc-web enable 'false'
}

# Lists the TCP sockets the node listens on, from /proc (no ss/netstat needed), and fails if
# any is bound beyond 127.0.0.1.
check_loopback_only() {
    local pid
    pid="$(cat "$HOME_DIR/node.pid")"
    if ! python3 - "$pid" <<'PY'
import os, sys
pid = sys.argv[1]
inodes = set()
for fd in os.listdir(f"/proc/{pid}/fd"):
    try:
        target = os.readlink(f"/proc/{pid}/fd/{fd}")
    except OSError:
        continue
    if target.startswith("socket:["):
        inodes.add(target[8:-1])
listening, wide = [], []
for table, v6 in (("/proc/net/tcp", False), ("/proc/net/tcp6", True)):
    if not os.path.exists(table):
        continue
    for line in open(table).readlines()[1:]:
        fields = line.split()
        local, state, inode = fields[1], fields[3], fields[9]
        if state != "0A" or inode not in inodes:
            continue
        host, port = local.split(":")
        port = int(port, 16)
        if v6:
            loopback = host == "00000000000000000000000001000000"
            addr = f"[v6 {host}]:{port}"
        else:
            octets = [str(int(host[i:i + 2], 16)) for i in (6, 4, 2, 0)]
            addr = ".".join(octets) + f":{port}"
            loopback = octets[0] == "127"
        (listening if loopback else wide).append(addr)
if not listening and not wide:
    sys.exit("found no listening sockets of the node")
print("listening (loopback only): " + " ".join(sorted(listening)) if not wide else "")
if wide:
    sys.exit("listening beyond loopback: " + " ".join(wide))
PY
    then
        stop
        die "the node must listen on 127.0.0.1 only"
    fi
}

start() {
    ensure_wasmd
    if node_running; then
        stop
    fi
    header "Init chain $CHAIN_ID in $HOME_DIR"
    init_chain
    header "Start node"
    nohup "$WASMD" start --home "$HOME_DIR" > "$HOME_DIR/node.log" 2>&1 < /dev/null &
    echo $! > "$HOME_DIR/node.pid"
    local tries=0
    while (( $(height) < 2 )); do
        tries=$((tries + 1))
        if (( tries > 120 )) || ! node_running; then
            tail -30 "$HOME_DIR/node.log" >&2 || true
            stop
            die "the node did not produce blocks"
        fi
        sleep 0.5
    done
    echo "blocks: height $(height)"
    check_loopback_only
    warm_up
}

# Every account sends one bank transaction, so that no later transaction pays the one-time
# cost of storing its sender's public key (about 13,300 gas) and gas figures compare.
warm_up() {
    header "Every account sends once (stores its public key)"
    local w=("$WASMD" --home "$HOME_DIR" --keyring-backend test)
    local sink start_height
    sink="$("${w[@]}" keys show validator -a)"
    start_height="$(height)"
    for name in "${ACCOUNTS[@]}" ts-client "${OP_KEYS[@]}"; do
        "${w[@]}" tx bank send "$name" "$sink" 1uusdc --chain-id "$CHAIN_ID" --node "$RPC" \
            --fees 0stake --yes --broadcast-mode sync --output json >/dev/null
    done
    # Two blocks later every one of them is committed.
    while (( $(height) < start_height + 2 )); do sleep 0.5; done
    echo "done at height $(height)"
}

stop() {
    if node_running; then
        local pid
        pid="$(cat "$HOME_DIR/node.pid")"
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 40); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.25
        done
        kill -9 "$pid" 2>/dev/null || true
        echo "node stopped"
    fi
    rm -f "$HOME_DIR/node.pid"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status)
        ensure_wasmd >/dev/null
        if node_running; then echo "running, height $(height)"; else echo "not running"; fi
        ;;
    *) die "usage: scripts/localnet.sh start|stop|status" ;;
esac
