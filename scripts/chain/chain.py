#!/usr/bin/env python3
"""Deploy the suite to a wasmd-compatible chain and play journeys on it, through the wasmd CLI.

    chain.py deploy  --config deploy/localnet.json --out target/localnet/deployment.json
    chain.py journey --config deploy/localnet.json --deployment target/localnet/deployment.json \
                     --gas-out target/localnet/gas.json journeys/*.json

deploy: refuses to run when an artifact is missing or its sha256 differs from
artifacts/checksums.txt; stores every code, instantiates governance's token, the fund (which
instantiates its two share tokens), the engine and governance, wires them, adds the configured
markets, and writes every code id and address as JSON.

journey: plays journey files (JSON lists of steps, see journeys/README.md); every step's
expectations are checked against on-chain queries; gas used by each labelled step is printed as
a table and written as JSON. Exits non-zero on the first failed step or expectation.
"""

import argparse
import base64
import calendar
from decimal import Decimal
import hashlib
import json
import os
import re
import subprocess
import sys
import time

ROOT = os.path.realpath(os.path.join(os.path.dirname(__file__), "..", ".."))


class ChainError(Exception):
    pass


class Chain:
    def __init__(self, config):
        self.cfg = config
        self.wasmd = config.get("wasmd") or os.environ.get("WASMD") or "wasmd"
        self.home = os.path.join(ROOT, config["home"]) if config.get("home") else None
        self._addr = {}

    def base(self):
        args = [self.wasmd]
        if self.home:
            args += ["--home", self.home]
        return args

    def run(self, args, check=True):
        proc = subprocess.run(self.base() + args, capture_output=True, text=True)
        if check and proc.returncode != 0:
            raise ChainError(f"{' '.join(args[:4])}...: {proc.stderr.strip() or proc.stdout.strip()}")
        return proc

    def addr(self, key):
        """Address of a keyring key, or the value itself when it already is an address."""
        if re.match(r"^[a-z]+1[0-9a-z]{20,}$", key):
            return key
        if key not in self._addr:
            out = self.run(["keys", "show", key, "-a", "--keyring-backend", self.cfg["keyring_backend"]])
            self._addr[key] = out.stdout.strip()
        return self._addr[key]

    def tx(self, args, sender):
        """Broadcast, wait for inclusion, fail on a non-zero code; return the tx result."""
        cmd = args + [
            "--from", sender,
            "--chain-id", self.cfg["chain_id"],
            "--node", self.cfg["node"],
            "--keyring-backend", self.cfg["keyring_backend"],
            # A fixed limit: gas_used (what is reported) is the actual consumption either way,
            # and not every node serves the simulation `--gas auto` needs.
            "--gas", str(self.cfg.get("store_gas_limit", 60_000_000) if args[:3] == ["tx", "wasm", "store"]
                         else self.cfg.get("gas_limit", 5_000_000)),
            "--gas-prices", self.cfg["gas_prices"],
            "--broadcast-mode", "sync",
            "--output", "json",
            "-y",
        ]
        out = self.run(cmd, check=False)
        if out.returncode != 0:
            raise ChainError(out.stderr.strip() or out.stdout.strip())
        res = json.loads(out.stdout[out.stdout.index("{"):])
        if res.get("code", 0) != 0:
            raise ChainError(res.get("raw_log", "tx rejected"))
        return self.wait(res["txhash"])

    def wait(self, txhash, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            out = self.run(["q", "tx", txhash, "--node", self.cfg["node"], "--output", "json"], check=False)
            if out.returncode == 0 and out.stdout.strip():
                res = json.loads(out.stdout)
                if res.get("code", 0) != 0:
                    raise ChainError(res.get("raw_log", "tx failed"))
                return res
            time.sleep(0.3)
        raise ChainError(f"tx {txhash} not included within {timeout}s")

    def query(self, contract, msg, height=None):
        at = ["--height", str(height)] if height else []
        out = self.run(["q", "wasm", "contract-state", "smart", contract, json.dumps(msg),
                        "--node", self.cfg["node"], "--output", "json"] + at)
        return json.loads(out.stdout)["data"]

    def balance(self, address, denom, height=None):
        at = ["--height", str(height)] if height else []
        out = self.run(["q", "bank", "balance", address, denom, "--node", self.cfg["node"], "--output", "json"] + at)
        return int(json.loads(out.stdout)["balance"]["amount"])

    def created_height(self, contract):
        """Height of the block the contract was instantiated in."""
        out = self.run(["q", "wasm", "contract", contract, "--node", self.cfg["node"], "--output", "json"])
        return int(json.loads(out.stdout)["contract_info"]["created"]["block_height"])

    def height(self):
        out = self.run(["status", "--node", self.cfg["node"]])
        d = json.loads(out.stdout)
        return int((d.get("sync_info") or d.get("SyncInfo"))["latest_block_height"])

    def block_time_ns(self, height):
        """Block time of `height` in nanoseconds (CometBFT keeps nanoseconds; the tx response's
        timestamp has whole seconds only)."""
        out = self.run(["q", "block", "--type=height", str(height), "--node", self.cfg["node"],
                        "--output", "json"])
        d = json.loads(out.stdout)
        header = (d.get("block") or d)["header"]
        stamp = header["time"]  # 2026-12-07T01:08:27.123456789Z
        whole, _, frac = stamp.rstrip("Z").partition(".")
        seconds = calendar.timegm(time.strptime(whole, "%Y-%m-%dT%H:%M:%S"))
        return seconds * 1_000_000_000 + int((frac + "000000000")[:9])

    def block_time(self):
        out = self.run(["status", "--node", self.cfg["node"]])
        d = json.loads(out.stdout)
        info = d.get("sync_info") or d.get("SyncInfo")
        stamp = info["latest_block_time"]
        # 2026-11-21T10:11:12.123456789Z -> seconds
        return int(time.mktime(time.strptime(stamp[:19], "%Y-%m-%dT%H:%M:%S")) - time.timezone)


def event_attr(res, event_type, key):
    for event in res.get("events", []):
        if event["type"] == event_type:
            for attr in event["attributes"]:
                if attr["key"] == key:
                    return attr["value"]
    raise ChainError(f"no {event_type}.{key} in tx events")


# ----- deploy -----

def verify_artifacts(names, artifacts, sums_path=None):
    sums_path = sums_path or os.path.join(artifacts, "checksums.txt")
    if not os.path.exists(sums_path):
        raise ChainError(f"{os.path.relpath(sums_path, ROOT)} is missing: run scripts/build-wasm.sh")
    sums = {}
    for line in open(sums_path):
        digest, name = line.split()
        sums[name.lstrip("*")] = digest
    for name in names:
        path = os.path.join(artifacts, name)
        if not os.path.exists(path):
            raise ChainError(f"artifact {name} is missing: run scripts/build-wasm.sh")
        digest = hashlib.sha256(open(path, "rb").read()).hexdigest()
        if sums.get(name) != digest:
            raise ChainError(f"artifact {name} does not match {os.path.relpath(sums_path, ROOT)}")


def store_third_party(chain, path, sender):
    """Stores artifacts/third-party/<workspace>/<name>.wasm after checking it against
    third-party/<workspace>/checksums.txt; returns its code id."""
    parts = path.split("/")
    if len(parts) != 2:
        raise ChainError(f"third-party artifact {path}: expected <workspace>/<name>.wasm")
    workspace, name = parts
    artifacts = os.path.join(ROOT, "artifacts", "third-party", workspace)
    verify_artifacts([name], artifacts, os.path.join(ROOT, "third-party", workspace, "checksums.txt"))
    res = chain.tx(["tx", "wasm", "store", os.path.join(artifacts, name)], sender)
    return int(event_attr(res, "store_code", "code_id"))


def resolve(chain, value):
    """Replace {"key": "name"} objects and "@name" strings by addresses, recursively."""
    if isinstance(value, dict):
        if set(value) == {"key"}:
            return chain.addr(value["key"])
        return {k: resolve(chain, v) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(chain, v) for v in value]
    if isinstance(value, str) and value.startswith("@"):
        return chain.addr(value[1:])
    return value


def instantiate(chain, code_id, msg, label, sender, admin):
    res = chain.tx(["tx", "wasm", "instantiate", str(code_id), json.dumps(msg), "--label", label,
                    "--admin", admin], sender)
    return event_attr(res, "instantiate", "_contract_address"), res


def deploy(cfg, out_path, artifacts, keep_governor=False):
    chain = Chain(cfg)
    codes = {"share_token": "share_token.wasm", "insurance_fund": "insurance_fund.wasm",
             "perp_engine": "perp_engine.wasm", "governance": "governance.wasm"}
    verify_artifacts(codes.values(), artifacts)
    deployer = cfg["deployer"]
    governor = chain.addr(deployer)
    code_ids = {}
    for name, file in codes.items():
        res = chain.tx(["tx", "wasm", "store", os.path.join(artifacts, file)], deployer)
        code_ids[name] = int(event_attr(res, "store_code", "code_id"))
        print(f"stored {file}: code {code_ids[name]}")

    gov_cfg = resolve(chain, cfg["governance"])
    token = gov_cfg["token"]
    if "address" in token:
        gov_token = token["address"]
    else:
        gov_token, _ = instantiate(chain, code_ids["share_token"], token["create"], "governance token",
                                   deployer, governor)
    fund_msg = resolve(chain, cfg["fund"])
    fund_msg.update({"governor": governor, "collateral_denom": cfg["collateral_denom"],
                     "collateral_decimals": cfg["collateral_decimals"],
                     "share_token_code_id": code_ids["share_token"]})
    fund, _ = instantiate(chain, code_ids["insurance_fund"], fund_msg, "insurance fund", deployer, governor)
    fund_config = chain.query(fund, {"config": {}})
    engine_msg = resolve(chain, cfg["engine"])
    engine_msg.update({"governor": governor, "fund": fund, "collateral_denom": cfg["collateral_denom"]})
    engine, _ = instantiate(chain, code_ids["perp_engine"], engine_msg, "perp engine", deployer, governor)
    governance, _ = instantiate(chain, code_ids["governance"], {
        "staking_token": gov_token, "fund": fund, "engine": engine,
        "guardian": gov_cfg.get("guardian"), "treasury": gov_cfg["treasury"],
        "config": gov_cfg.get("config"),
    }, "governance", deployer, governor)
    chain.tx(["tx", "wasm", "execute", fund, json.dumps({"update_config": {"engine": engine}})], deployer)
    for market in resolve(chain, cfg.get("markets", [])):
        chain.tx(["tx", "wasm", "execute", engine, json.dumps({"add_market": market})], deployer)
        print(f"market {market['id']} added")
    if cfg.get("hand_over_to_governance") and not keep_governor:
        offer = {"update_ownership": {"transfer_ownership": {"new_owner": governance, "expiry": None}}}
        chain.tx(["tx", "wasm", "execute", fund, json.dumps(offer)], deployer)
        chain.tx(["tx", "wasm", "execute", engine, json.dumps(offer)], deployer)
        print("governor roles offered to governance (it accepts by proposal)")
    deployment = {
        "chain_id": cfg["chain_id"],
        # The node it was deployed through (`tranche-perps stress deployment.json` reads it).
        "node": cfg["node"],
        "code_ids": code_ids,
        "contracts": {
            "fund": fund, "junior_token": fund_config["junior_token"],
            "senior_token": fund_config["senior_token"], "engine": engine,
            "governance": governance, "gov_token": gov_token,
        },
        "governor": governor,
    }
    os.makedirs(os.path.dirname(os.path.abspath(out_path)), exist_ok=True)
    with open(out_path, "w") as f:
        json.dump(deployment, f, indent=2)
    print(json.dumps(deployment, indent=2))


# ----- journeys -----

def lookup(data, path):
    if path == "":
        return data
    for part in path.split("."):
        if isinstance(data, list):
            data = data[int(part)]
        else:
            data = data[part]
    return data


class Player:
    def __init__(self, cfg, deployment):
        self.chain = Chain(cfg)
        self.cfg = cfg
        self.contracts = deployment["contracts"]
        self.saved = {}
        self.gas = []
        # 1-based index over every step played, and the block of each transaction step.
        self.index = 0
        self.blocks = {}

    def subst(self, value):
        if isinstance(value, dict):
            if set(value) == {"json_b64"}:
                # A message embedded in another one (a DAO's or a multisig's wasm execute).
                inner = json.dumps(self.subst(value["json_b64"]), separators=(",", ":"))
                return base64.b64encode(inner.encode()).decode()
            return {k: self.subst(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.subst(v) for v in value]
        if not isinstance(value, str):
            return value

        def one(m):
            kind, _, arg = m.group(1).partition(":")
            if kind == "addr":
                return self.chain.addr(arg)
            if kind == "contract":
                return self.contracts[arg]
            if kind == "now":
                return str(self.chain.block_time())
            if kind == "saved":
                return str(self.saved[arg])
            raise ChainError(f"unknown placeholder {m.group(0)}")

        whole = re.fullmatch(r"\{\{([^}]+)\}\}", value)
        if whole and whole.group(1) == "now":
            return self.chain.block_time()
        if whole and whole.group(1).startswith("saved:"):
            # The saved value as it was (a number stays a number, e.g. a code or proposal id).
            return self.saved[whole.group(1)[len("saved:"):]]
        return re.sub(r"\{\{([^}]+)\}\}", one, value)

    def check(self, got, step):
        for path, want in step.get("expect", {}).items():
            value = lookup(got, path)
            want = self.subst(want)
            if str(value) != str(want):
                raise ChainError(f"{step['name']}: {path} = {value}, expected {want}")
        for path, op, want in step.get("expect_cmp", []):
            # Exact decimals: share prices compare as decimals, amounts as integers.
            value = Decimal(str(lookup(got, path)))
            want = sum(Decimal(part) for part in str(self.subst(want)).split("+"))
            ok = {"<": value < want, "<=": value <= want, ">": value > want,
                  ">=": value >= want, "==": value == want}[op]
            if not ok:
                raise ChainError(f"{step['name']}: {path} = {value}, expected {op} {want}")
        for path, name in step.get("save", {}).items():
            self.saved[name] = lookup(got, path)
        for path, name in step.get("save_contract", {}).items():
            self.contracts[name] = lookup(got, path)

    def step(self, step):
        kind = step["do"]
        if kind == "execute":
            contract = self.contracts[step["contract"]]
            args = ["tx", "wasm", "execute", contract, json.dumps(self.subst(step["msg"]))]
            if step.get("funds"):
                args += ["--amount", step["funds"]]
            if "expect_error" in step:
                # The transaction must fail with an error containing this text.
                try:
                    self.chain.tx(args, step["from"])
                except ChainError as err:
                    if step["expect_error"] not in str(err):
                        raise ChainError(f"{step['name']}: failed with {err}, "
                                         f"expected an error containing {step['expect_error']!r}")
                    return
                raise ChainError(f"{step['name']}: succeeded, expected {step['expect_error']!r}")
            res = self.chain.tx(args, step["from"])
            self.record(step, res)
            self.check({"events": res.get("events", [])}, step)
        elif kind == "store":
            code_id = store_third_party(self.chain, step["file"], step["from"])
            self.saved[step["save"]] = code_id
        elif kind == "instantiate":
            msg = self.subst(step["msg"])
            admin = self.subst(step.get("admin", "{{addr:" + step["from"] + "}}"))
            res = self.chain.tx(["tx", "wasm", "instantiate", str(self.subst(step["code_id"])),
                                 json.dumps(msg), "--label", step["label"], "--admin", admin],
                                step["from"])
            self.contracts[step["as"]] = event_attr(res, "instantiate", "_contract_address")
            self.record(step, res)
        elif kind == "wait_blocks":
            target = self.chain.height() + step["blocks"]
            while self.chain.height() < target:
                time.sleep(0.3)
        elif kind == "bank_send":
            res = self.chain.tx(["tx", "bank", "send", step["from"], self.chain.addr(step["to"]),
                                 step["amount"]], step["from"])
            self.record(step, res)
        elif kind == "sleep":
            time.sleep(step["seconds"])
        elif kind == "wait_until":
            # A cosmwasm Timestamp (nanoseconds) or seconds; waits for the chain's block time.
            target = int(str(self.subst(step["time"])))
            # Rounded up: block times are compared in whole seconds here, in nanoseconds on chain.
            target = -(-target // 1_000_000_000) if target > 10**12 else target
            deadline = time.time() + step.get("timeout", 900)
            while self.chain.block_time() < target:
                if time.time() > deadline:
                    raise ChainError(f"{step['name']}: block time did not reach {target}")
                time.sleep(0.5)
        elif kind == "query":
            got = self.chain.query(self.contracts[step["contract"]], self.subst(step["msg"]))
            self.check(got, step)
        elif kind == "balance":
            who = self.contracts.get(step["of"]) or self.chain.addr(step["of"])
            got = {"amount": self.chain.balance(who, step["denom"])}
            self.check(got, step)
        else:
            raise ChainError(f"unknown step kind {kind}")

    def record(self, step, res):
        self.blocks[self.index] = {"height": int(res["height"])}
        if step.get("gas"):
            self.gas.append({"operation": step["gas"], "step": step["name"],
                             "gas_used": int(res["gas_used"]), "gas_wanted": int(res["gas_wanted"])})

    def play(self, path):
        journey = json.load(open(path))
        print(f"\n== {journey['name']}")
        for step in journey["steps"]:
            self.index += 1
            self.step(step)
            print(f"  ok  {step['name']}")


def journey(cfg, deployment_path, files, gas_out):
    player = Player(cfg, json.load(open(deployment_path)))
    for path in files:
        player.play(path)
    if not player.gas:
        return
    print("\n== gas used on chain")
    print(f"  {'operation':<34} {'gas used':>10}   step")
    for row in player.gas:
        print(f"  {row['operation']:<34} {row['gas_used']:>10}   {row['step']}")
    if gas_out:
        with open(gas_out, "w") as f:
            json.dump(player.gas, f, indent=2)
        print(f"\ngas table written to {gas_out}")


# ----- scenarios: the same files on the chain and on cw-multi-test -----

# The keys a scenario names (the cw-multi-test runner funds the same ones).
SCENARIO_KEYS = ["deployer", "feeder", "keeper", "treasury", "lp-junior", "lp-senior", "alice",
                 "bob", "dave", "erin", "arb", "ts-client"]


def merge(base, over):
    """A scenario's `deploy` block over the deploy config: objects merged key by key, anything
    else (lists included) replaced."""
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            merge(base[key], value)
        else:
            base[key] = value
    return base


def pages(chain, contract, query, height=None):
    """Every item of a paginated `losses` query (pages of 30, by `shortfall_id`)."""
    out = []
    while True:
        msg = {query: {"start_after": out[-1]["shortfall_id"] if out else None, "limit": 30}}
        if query == "loss_ledger":
            msg[query]["engine_epoch"] = None
        page = chain.query(contract, msg, height)["losses"]
        out += page
        if len(page) < 30:
            return out


def snapshot(player, markets, height=None):
    """What the cw-multi-test runner records after a step, read through the same queries (at
    `height` when given, else at the latest block)."""
    chain, c = player.chain, player.contracts

    def query(contract, msg):
        return chain.query(contract, msg, height)
    parties = {}
    for name in SCENARIO_KEYS:
        addr = chain.addr(name)
        uw = query(c["fund"], {"underwriter": {"address": addr, "start_after": None, "limit": 30}})
        pending = sum(int(r["payout_now"]) for r in uw["requests"])
        positions = query(c["engine"], {"positions": {"trader": addr, "start_after": None, "limit": 30}})
        parties[name] = {
            "wallet": chain.balance(addr, player.cfg["collateral_denom"], height),
            "junior_shares": uw["junior"]["shares"],
            "senior_shares": uw["senior"]["shares"],
            "shares_value": str(int(uw["junior"]["value"]) + int(uw["senior"]["value"]) + pending),
            "positions_value": str(sum(max(int(p["margin"]) + int(p["unrealized_pnl"]), 0)
                                       for p in positions["positions"])),
        }
    views = []
    for market in markets:
        m = query(c["engine"], {"market": {"market": market}})
        views.append({k: m[k] for k in ("id", "index_price", "mark_price", "long_oi", "short_oi")})
    return {
        "fund": query(c["fund"], {"state": {}}),
        "ledger": pages(chain, c["fund"], "loss_ledger", height),
        "socialized": pages(chain, c["engine"], "socialized_losses", height),
        "engine": query(c["engine"], {"state": {}}),
        "markets": views,
        "parties": parties,
    }


def scenario(cfg, path, out_dir, artifacts):
    """Deploys a fresh suite with the scenario's `deploy` block merged into the config, plays
    the scenario, and writes into out_dir: deployment.json, block_times.json (each transaction
    step's block, for `tranche-perps run --block-times`) and chain-state.json (the state before
    the first step and after the last)."""
    spec = json.load(open(path))
    merged = merge(json.loads(json.dumps(cfg)), spec.get("deploy") or {})
    os.makedirs(out_dir, exist_ok=True)
    deployment_path = os.path.join(out_dir, "deployment.json")
    deploy(merged, deployment_path, artifacts)
    player = Player(merged, json.load(open(deployment_path)))
    markets = [m["id"] for m in merged.get("markets", [])]
    start = snapshot(player, markets)
    player.play(path)
    # The end state as of the last transaction's block: later queries would see later block
    # times (premium unlocking is time-dependent), which cw-multi-test's record of that step
    # does not.
    last_step, last = max(player.blocks.items())
    end = snapshot(player, markets, last["height"])
    blocks = {str(i): {"time": str(player.chain.block_time_ns(b["height"])), "height": b["height"]}
              for i, b in sorted(player.blocks.items())}
    # The block the fund was instantiated in: its first payout window dates from it.
    blocks["deploy"] = {"time": str(player.chain.block_time_ns(
        player.chain.created_height(player.contracts["fund"])))}
    with open(os.path.join(out_dir, "block_times.json"), "w") as f:
        json.dump(blocks, f, indent=2)
    with open(os.path.join(out_dir, "chain-state.json"), "w") as f:
        json.dump({"start": start, "end": end, "end_step": last_step}, f, indent=2)
    print(f"\nwrote {out_dir}/block_times.json and chain-state.json")


def compare(chain_state_path, steps_path):
    """Compares the chain's end state with the last state the cw-multi-test runner recorded
    (played with the chain's block times): the fund's state, the loss ledger, the socialized
    losses, the engine's books and markets to the unit, and each key's shares, share value,
    position value and wallet change. Exits non-zero on any difference."""
    chain_state = json.load(open(chain_state_path))
    steps = json.load(open(steps_path))
    rust_start = steps["initial"]
    end_step = chain_state.get("end_step")
    if end_step is None:
        rust_end = steps["steps"][-1]["state"]
    else:
        match = [s for s in steps["steps"] if s["index"] == end_step]
        if not match:
            raise ChainError(f"cw-multi-test recorded no step {end_step} (the chain's last transaction)")
        rust_end = match[0]["state"]
    diffs = []

    def same(label, a, b):
        if a != b:
            diffs.append(f"{label}: chain {json.dumps(a)} != cw-multi-test {json.dumps(b)}")

    for key in ("fund", "ledger", "socialized", "engine", "markets"):
        same(key, chain_state["end"][key], rust_end[key])
    for name, chain_party in chain_state["end"]["parties"].items():
        rust_party = rust_end["parties"][name]
        for key in ("junior_shares", "senior_shares", "shares_value", "positions_value"):
            same(f"{name}.{key}", chain_party[key], rust_party[key])
        same(f"{name}.wallet change",
             chain_party["wallet"] - chain_state["start"]["parties"][name]["wallet"],
             int(rust_party["wallet"]) - int(rust_start["parties"][name]["wallet"]))
    if diffs:
        print("\n".join(diffs), file=sys.stderr)
        raise ChainError(f"{len(diffs)} figures differ between the chain and cw-multi-test")
    print(f"the chain and cw-multi-test agree to the unit: fund, ledger ({len(rust_end['ledger'])} "
          f"rows), socialized losses, engine, {len(rust_end['markets'])} markets and "
          f"{len(rust_end['parties'])} keys")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("deploy")
    d.add_argument("--config", required=True)
    d.add_argument("--out", required=True)
    d.add_argument("--keep-governor", action="store_true",
                   help="leave the governor roles with the deployer even if the config hands them "
                        "over to governance (for journeys that hand them to another governor)")
    d.add_argument("--artifacts", default=os.path.join(ROOT, "artifacts"),
                   help="directory of the wasm files and their checksums.txt (default artifacts/)")
    j = sub.add_parser("journey")
    j.add_argument("--config", required=True)
    j.add_argument("--deployment", required=True)
    j.add_argument("--gas-out")
    j.add_argument("files", nargs="+")
    sc = sub.add_parser("scenario")
    sc.add_argument("--config", required=True)
    sc.add_argument("--out", required=True)
    sc.add_argument("--artifacts", default=os.path.join(ROOT, "artifacts"))
    sc.add_argument("file")
    cp = sub.add_parser("compare")
    cp.add_argument("chain_state")
    cp.add_argument("steps")
    args = parser.parse_args()
    cfg = json.load(open(args.config)) if getattr(args, "config", None) else {}
    try:
        if args.command == "deploy":
            deploy(cfg, args.out, os.path.abspath(args.artifacts), args.keep_governor)
        elif args.command == "scenario":
            scenario(cfg, args.file, args.out, os.path.abspath(args.artifacts))
        elif args.command == "compare":
            compare(args.chain_state, args.steps)
        else:
            journey(cfg, args.deployment, args.files, args.gas_out)
    except ChainError as err:
        print(f"ERROR: {err}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
