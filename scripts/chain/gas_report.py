#!/usr/bin/env python3
"""Steady-state gas of the suite's operations next to the contracts users would otherwise pick,
with every code unpinned and then pinned, measured on one chain.

    gas_report.py --config CONFIG --out target/gas-steady/gas-steady.json

Deploys a fresh suite (chain.py's deploy, governance token balances for alice, bob and dave)
and, next to it, the anchors built from their crates.io releases (third-party/): a cw20-base
2.0 token, and a DAO DAO 2.6 token DAO (dao-dao-core, dao-voting-cw20-staked over that
cw20-base and a cw20-stake, dao-proposal-single, threshold majority with a 20% quorum). A setup
round makes every sender do each operation once before anything is measured (its first time
can cost more: a new balance, a new staker, a new position record), then one round measures
every operation SAMPLES times (3) with the codes unpinned. One x/gov proposal (MsgPinCodes)
then pins every code the round ran (suite and anchors); the report checks the chain lists them
as pinned and plays the round again. Each sender has sent a transaction before (the localnet's
warm-up does it), so no figure includes storing a public key (~13.3k gas).

Writes the samples and medians as JSON. Exits non-zero when a transaction fails or an
operation has fewer than SAMPLES measurements; an unmet goal is reported, not a failure
(`gas_tables.py steady` writes the page). Pinning is chain-wide and changes every later
measurement on that chain, so on a shared chain this must run last.
"""

import argparse
import json
import math
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import chain as chainpy  # noqa: E402
from chain import ChainError, Player  # noqa: E402

SAMPLES = 3
STAKERS = ["alice", "bob", "dave"]      # governance stakers and voters, both systems
TRADERS = ["alice", "dave", "erin"]     # open, close, and the liquidated positions
GOV_AMOUNT = 1_000_000_000              # each staker's GOV / DAO token balance (1,000 tokens)

# What each measured operation is, keyed as in the JSON; `system` is who provides it.
OPERATIONS = {
    "bank send": ("cosmos", "bob sends 1uusdc to erin"),
    "cw20-base transfer": ("anchor", "cw20-base 2.0.0: alice transfers 1 token to bob (both hold it)"),
    "cw20-base transfer with funds": ("anchor", "the same transfer with 1uusdc attached: what moving native coins into a contract with an execute costs"),
    "cw20-base send": ("anchor", "cw20-base 2.0.0: alice sends 1 token to a contract (the DAO DAO core's treasury receive)"),
    "dao-dao stake": ("anchor", "cw20-stake 2.6.0: a staker adds 1 token (cw20-base Send)"),
    "dao-dao propose": ("anchor", "dao-proposal-single 2.6.0: propose one wasm execute (a treasury cw20 transfer)"),
    "dao-dao vote": ("anchor", "dao-proposal-single 2.6.0: the first and the passing yes vote of each proposal"),
    "dao-dao execute": ("anchor", "dao-proposal-single 2.6.0: execute a passed proposal"),
    "open position": ("suite", "perp-engine: open a 100 BTC long with 1,100 USDC"),
    "close position": ("suite", "perp-engine: close it"),
    "deposit": ("suite", "insurance-fund: an underwriter adds 100 USDC to the junior tranche"),
    "withdrawal request": ("suite", "share-token Send of 1 senior share to the fund (request_withdrawal)"),
    "liquidation with fund payout": ("suite", "perp-engine: liquidate a 100 BTC long under water; the fund covers the bad debt"),
    "stake": ("suite", "share-token Send of 1 GOV to governance (stake)"),
    "propose": ("suite", "governance: propose one typed action (raise the fund's coverage target)"),
    "vote": ("suite", "governance: the first and the passing yes vote of each proposal"),
    "execute proposal": ("suite", "governance: execute it after the 20 s timelock"),
}


def b64(msg):
    return {"json_b64": msg}


class Report:
    def __init__(self, cfg, artifacts, out_dir):
        self.cfg = cfg
        self.artifacts = artifacts
        self.out_dir = out_dir
        self.player = None
        self.coverage = 1000  # the fund's target_coverage_bps, raised by each measured proposal
        self.suite_pid = 0

    # -- helpers --

    def step(self, **step):
        step.setdefault("name", step.get("gas") or step["do"])
        self.player.index += 1
        self.player.step(step)

    def execute(self, contract, sender, msg, gas=None, funds=None):
        step = {"do": "execute", "contract": contract, "from": sender, "msg": msg,
                "name": f"{sender}: {gas or next(iter(msg))}"}
        if gas:
            step["gas"] = gas
        if funds:
            step["funds"] = funds
        self.step(**step)

    def query(self, contract, msg):
        return self.player.chain.query(self.player.contracts[contract], msg)

    def addr(self, key):
        return self.player.chain.addr(key)

    def push_price(self, price):
        time.sleep(1.1)  # a newer publish time than the last push
        self.execute("engine", "feeder", {"push_price": {
            "market": "BTC-USD", "price": str(price), "publish_time": "{{now}}"}})

    # -- deployment --

    def deploy(self):
        cfg = json.loads(json.dumps(self.cfg))
        cfg["governance"]["token"]["create"]["initial_balances"] = [
            {"address": {"key": k}, "amount": str(GOV_AMOUNT)} for k in STAKERS]
        path = os.path.join(self.out_dir, "deployment.json")
        chainpy.deploy(cfg, path, self.artifacts)
        self.player = Player(cfg, json.load(open(path)))
        self.code_ids = dict(json.load(open(path))["code_ids"])
        self.anchors()

    def store(self, file, name):
        self.step(do="store", file=file, **{"from": "deployer"}, save=name, name=f"store {file}")
        self.code_ids[name] = self.player.saved[name]

    def anchors(self):
        self.store("cw-plus/cw20_base.wasm", "cw20_base")
        self.store("dao-dao/dao_dao_core.wasm", "dao_dao_core")
        self.store("dao-dao/dao_proposal_single.wasm", "dao_proposal_single")
        self.store("dao-dao/dao_voting_cw20_staked.wasm", "dao_voting_cw20_staked")
        self.store("dao-dao/cw20_stake.wasm", "cw20_stake")
        balances = [{"address": "{{addr:%s}}" % k, "amount": str(GOV_AMOUNT)} for k in STAKERS]
        self.step(do="instantiate", code_id="{{saved:cw20_base}}", **{"from": "deployer"},
                  label="anchor cw20-base", **{"as": "cw20"}, name="instantiate cw20-base",
                  msg={"name": "Anchor Token", "symbol": "ANCHOR", "decimals": 6,
                       "initial_balances": balances, "mint": None, "marketing": None})
        self.step(do="instantiate", code_id="{{saved:dao_dao_core}}", **{"from": "deployer"},
                  label="anchor token DAO", **{"as": "dao_core"}, name="instantiate the token DAO",
                  msg={
                      "admin": None, "name": "Token DAO", "description": "DAO DAO token DAO",
                      "image_url": None, "automatically_add_cw20s": True,
                      "automatically_add_cw721s": True, "initial_items": None, "dao_uri": None,
                      "voting_module_instantiate_info": {
                          "code_id": "{{saved:dao_voting_cw20_staked}}", "label": "token DAO voting",
                          "admin": {"core_module": {}}, "funds": [],
                          "msg": b64({"active_threshold": None, "token_info": {"new": {
                              "code_id": "{{saved:cw20_base}}", "label": "token DAO token",
                              "name": "DAO Token", "symbol": "DAOT", "decimals": 6,
                              "initial_balances": balances, "marketing": None,
                              "staking_code_id": "{{saved:cw20_stake}}",
                              "unstaking_duration": {"time": 60},
                              "initial_dao_balance": "1000000000"}}}),
                      },
                      "proposal_modules_instantiate_info": [{
                          "code_id": "{{saved:dao_proposal_single}}", "label": "token DAO proposals",
                          "admin": {"core_module": {}}, "funds": [],
                          "msg": b64({
                              "threshold": {"threshold_quorum": {"threshold": {"majority": {}},
                                                                 "quorum": {"percent": "0.2"}}},
                              "max_voting_period": {"time": 3600}, "min_voting_period": None,
                              "only_members_execute": False, "allow_revoting": False,
                              "pre_propose_info": {"anyone_may_propose": {}},
                              "close_proposal_on_execution_failure": True, "veto": None}),
                      }],
                  })
        c = self.player.contracts
        c["dao_proposals"] = self.query("dao_core", {"proposal_modules": {}})[0]["address"]
        c["dao_voting"] = self.query("dao_core", {"voting_module": {}})
        c["dao_token"] = self.query("dao_voting", {"token_contract": {}})
        c["dao_staking"] = self.query("dao_voting", {"staking_contract": {}})

    # -- the operations --

    def stakes(self, label):
        for k in STAKERS:
            self.execute("gov_token", k, {"send": {"contract": "{{contract:governance}}", "amount": "1000000",
                                                  "msg": b64({"stake": {}})}}, label and "stake")
            self.execute("dao_token", k, {"send": {"contract": "{{contract:dao_staking}}", "amount": "1000000",
                                                  "msg": b64({"stake": {}})}}, label and "dao-dao stake")

    def propose_and_vote(self, label):
        """SAMPLES proposals in each system, each voted yes by two of the three equal stakers
        (the second vote passes it). Returns the suite's proposal ids and the DAO's."""
        dao_ids = []
        for _ in range(SAMPLES):
            self.coverage += 10
            self.execute("governance", "alice", {"propose": {
                "title": f"coverage target {self.coverage} bps", "description": "",
                "actions": [{"update_fund_params": {"target_coverage_bps": self.coverage}}]}},
                label and "propose")
            self.execute("dao_proposals", "alice", {"propose": {
                "title": "pay 1 token", "description": "a treasury transfer",
                "msgs": [{"wasm": {"execute": {"contract_addr": "{{contract:dao_token}}", "funds": [],
                                               "msg": b64({"transfer": {"recipient": "{{addr:erin}}",
                                                                        "amount": "1"}})}}}],
                "proposer": None, "vote": None}}, label and "dao-dao propose")
            dao_ids.append(int(self.query("dao_proposals", {"proposal_count": {}})))
        suite_ids = self.suite_proposal_ids(SAMPLES)
        for pid in suite_ids:
            for k in ("alice", "bob"):
                self.execute("governance", k, {"vote": {"proposal_id": pid, "vote": "yes"}}, label and "vote")
        for pid in dao_ids:
            for k in ("alice", "bob"):
                self.execute("dao_proposals", k, {"vote": {"proposal_id": pid, "vote": "yes", "rationale": None}},
                             label and "dao-dao vote")
            status = self.query("dao_proposals", {"proposal": {"proposal_id": pid}})["proposal"]["status"]
            if status != "passed":
                raise ChainError(f"DAO DAO proposal {pid} is {status}, expected passed")
        return suite_ids, dao_ids, time.time()

    def suite_proposal_ids(self, n):
        """The last n proposal ids (numbered from 1 in order)."""
        self.suite_pid += n
        return list(range(self.suite_pid - n + 1, self.suite_pid + 1))

    def executions(self, suite_ids, dao_ids, voted_at, label):
        for pid in dao_ids:
            self.execute("dao_proposals", "dave", {"execute": {"proposal_id": pid}}, label and "dao-dao execute")
        # The suite's ordinary timelock is 20 s from passing (the last vote).
        timelock = self.cfg["governance"]["config"]["rules"]["timelock_seconds"]
        time.sleep(max(0.0, voted_at + timelock + 3 - time.time()))
        for pid in suite_ids:
            self.execute("governance", "keeper", {"execute": {"proposal_id": pid}}, label and "execute proposal")
        got = self.query("fund", {"config": {}})["params"]["target_coverage_bps"]
        if int(got) != self.coverage:
            raise ChainError(f"the fund's coverage target is {got}, expected {self.coverage}")

    def transfers(self, label):
        for _ in range(SAMPLES):
            self.step(do="bank_send", **{"from": "bob"}, to="erin", amount="1uusdc", gas=label and "bank send")
        for _ in range(SAMPLES):
            self.execute("cw20", "alice", {"transfer": {"recipient": "{{addr:bob}}", "amount": "1"}},
                         label and "cw20-base transfer")
        for _ in range(SAMPLES):
            self.execute("cw20", "alice", {"transfer": {"recipient": "{{addr:bob}}", "amount": "1"}},
                         label and "cw20-base transfer with funds", funds="1uusdc")
        for _ in range(SAMPLES):
            self.execute("cw20", "alice", {"send": {"contract": "{{contract:dao_core}}", "amount": "1",
                                                   "msg": b64({})}}, label and "cw20-base send")

    def underwriting(self, label):
        for _ in range(SAMPLES):
            self.execute("fund", "lp-junior", {"deposit": {"tranche": "junior", "min_shares": None}},
                         label and "deposit", funds="100000000uusdc")
        for _ in range(SAMPLES):
            self.execute("senior_token", "lp-senior", {"send": {
                "contract": "{{contract:fund}}", "amount": "1000000",
                "msg": b64({"request_withdrawal": {}})}}, label and "withdrawal request")

    def trading(self, label):
        self.push_price(100)
        for k in TRADERS:
            self.execute("engine", k, {"trade": {"market": "BTC-USD", "size_delta": "100000000",
                                                 "price_limit": None}},
                         label and "open position", funds="1100000000uusdc")
        for k in TRADERS:
            self.execute("engine", k, {"close_position": {"market": "BTC-USD", "price_limit": None}},
                         label and "close position")

    def liquidations(self, label):
        """The traders open 100 BTC longs at 100 with 1,100 USDC; the index falls to 80 and arb
        shorts the vAMM to 1% above it, so each long is under water by ~900 USDC at the index:
        each liquidation closes a whole position (under the block's depth) and the fund pays
        its bad debt. Then arb closes and the index returns to 100."""
        self.push_price(100)
        for k in TRADERS:
            self.execute("engine", k, {"trade": {"market": "BTC-USD", "size_delta": "100000000",
                                                 "price_limit": None}}, funds="1100000000uusdc")
        self.push_price(80)
        market = self.query("engine", {"market": {"market": "BTC-USD"}})
        base, quote = int(market["base_reserve"]), int(market["quote_reserve"])
        target_base = math.isqrt(base * quote * 10 // 808)  # mark 80.8 = quote / base
        short = target_base - base
        self.execute("engine", "arb", {"trade": {"market": "BTC-USD", "size_delta": str(-short),
                                                 "price_limit": None}},
                     funds=f"{short * 40}uusdc")
        before = self.query("fund", {"state": {}})
        for k in TRADERS:
            self.execute("engine", "keeper", {"liquidate": {"market": "BTC-USD", "trader": self.addr(k)}},
                         label and "liquidation with fund payout")
        after = self.query("fund", {"state": {}})
        if before == after:
            raise ChainError("the liquidations left the fund's state unchanged: no fund payout")
        self.execute("engine", "arb", {"close_position": {"market": "BTC-USD", "price_limit": None}})
        self.push_price(100)

    def round(self, label):
        """One round: every operation SAMPLES times; `label` False plays it without recording."""
        self.transfers(label)
        self.stakes(label)
        suite_ids, dao_ids, voted_at = self.propose_and_vote(label)
        self.underwriting(label)
        self.trading(label)
        self.liquidations(label)
        self.executions(suite_ids, dao_ids, voted_at, label)

    def setup(self):
        """Unrecorded: underwriters fund the fund, stakers stake, governance accepts the governor
        roles, and one round makes every sender's next operations steady."""
        self.execute("fund", "lp-junior", {"deposit": {"tranche": "junior", "min_shares": None}},
                     funds="200000000000uusdc")
        self.execute("fund", "lp-senior", {"deposit": {"tranche": "senior", "min_shares": None}},
                     funds="200000000000uusdc")
        for k in STAKERS:
            self.execute("gov_token", k, {"send": {"contract": "{{contract:governance}}", "amount": "100000000",
                                                  "msg": b64({"stake": {}})}})
            self.execute("dao_token", k, {"send": {"contract": "{{contract:dao_staking}}", "amount": "100000000",
                                                  "msg": b64({"stake": {}})}})
        time.sleep(1)
        self.execute("governance", "alice", {"propose": {
            "title": "accept governor roles", "description": "",
            "actions": [{"fund_ownership": "accept_ownership"}, {"engine_ownership": "accept_ownership"}]}})
        (pid,) = self.suite_proposal_ids(1)
        for k in ("alice", "bob"):
            self.execute("governance", k, {"vote": {"proposal_id": pid, "vote": "yes"}})
        time.sleep(self.cfg["governance"]["config"]["rules"]["timelock_seconds"] + 3)
        self.execute("governance", "keeper", {"execute": {"proposal_id": pid}})
        self.coverage = int(self.query("fund", {"config": {}})["params"]["target_coverage_bps"])
        self.round(False)

    # -- pinning --

    def pin(self):
        """Pins every stored code of this report by one MsgPinCodes proposal voted yes by the
        validator; returns the code ids once the chain lists them as pinned."""
        chain = self.player.chain
        node = self.cfg["node"]
        codes = sorted(set(self.code_ids.values()) | self.instantiated_codes())
        # The gov module account, the authority of x/wasm's governance messages.
        account = json.loads(chain.run(["q", "auth", "module-account", "gov", "--node", node,
                                        "-o", "json"]).stdout)["account"]
        authority = account.get("value", account)["address"]
        proposal = {
            "messages": [{"@type": "/cosmwasm.wasm.v1.MsgPinCodes", "authority": authority,
                          "code_ids": [str(c) for c in codes]}],
            "metadata": "", "deposit": "1000000stake", "title": "pin the measured codes",
            "summary": f"pin codes {codes}", "expedited": False,
        }
        path = os.path.join(self.out_dir, "pin-codes-proposal.json")
        json.dump(proposal, open(path, "w"), indent=2)
        res = chain.tx(["tx", "gov", "submit-proposal", path], self.cfg["deployer"])
        pid = chainpy.event_attr(res, "submit_proposal", "proposal_id")
        chain.tx(["tx", "gov", "vote", pid, "yes"], "validator")
        deadline = time.time() + 120
        while True:
            out = json.loads(chain.run(["q", "gov", "proposal", pid, "--node", node, "-o", "json"]).stdout)
            status = (out.get("proposal") or out)["status"]
            if status in ("PROPOSAL_STATUS_PASSED", 3, "3"):
                break
            if status in ("PROPOSAL_STATUS_REJECTED", "PROPOSAL_STATUS_FAILED", 4, 5, "4", "5") \
                    or time.time() > deadline:
                raise ChainError(f"the pin-codes proposal {pid} ended {status}")
            time.sleep(1)
        pinned = self.pinned()
        missing = [c for c in codes if c not in pinned]
        if missing:
            raise ChainError(f"codes {missing} are not pinned after proposal {pid} passed")
        print(f"pinned codes {codes} (x/gov proposal {pid})")
        return codes, int(pid)

    def pinned(self):
        out = json.loads(self.player.chain.run(["q", "wasm", "pinned", "--node", self.cfg["node"], "-o", "json",
                                                 "--limit", "1000"]).stdout)
        return {int(c) for c in out.get("code_ids", [])}

    def instantiated_codes(self):
        """Code ids of the contracts the round runs (the suite's and the anchors')."""
        ids = set()
        for addr in self.player.contracts.values():
            if isinstance(addr, str) and addr.startswith("wasm1"):
                out = json.loads(self.player.chain.run(["q", "wasm", "contract", addr, "--node", self.cfg["node"],
                                                         "-o", "json"]).stdout)
                ids.add(int(out["contract_info"]["code_id"]))
        return ids


def measure(report, phase):
    report.player.gas = []
    started = time.time()
    report.round(True)
    samples = {}
    for row in report.player.gas:
        samples.setdefault(row["operation"], []).append(row["gas_used"])
    for op in OPERATIONS:
        if len(samples.get(op, [])) < SAMPLES:
            raise ChainError(f"{phase}: {op} measured {len(samples.get(op, []))} times, expected {SAMPLES}")
    print(f"\n== {phase} ({time.time() - started:.0f} s)")
    for op, gas in samples.items():
        print(f"  {op:<30} median {int(statistics.median(gas)):>9,}   samples {gas}")
    return {op: {"median": int(statistics.median(g)), "samples": g} for op, g in samples.items()}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--config", required=True)
    p.add_argument("--out", required=True, help="the JSON to write")
    p.add_argument("--artifacts", default=os.path.join(chainpy.ROOT, "artifacts"))
    args = p.parse_args()
    started = time.time()
    out_dir = os.path.dirname(os.path.abspath(args.out))
    os.makedirs(out_dir, exist_ok=True)
    report = Report(json.load(open(args.config)), os.path.abspath(args.artifacts), out_dir)
    try:
        report.deploy()
        if report.pinned() & (set(report.code_ids.values()) | report.instantiated_codes()):
            raise ChainError("some of the freshly stored codes are already pinned")
        report.setup()
        unpinned = measure(report, "unpinned")
        codes, proposal = report.pin()
        pinned = measure(report, "pinned")
    except ChainError as err:
        print(f"ERROR: {err}", file=sys.stderr)
        sys.exit(1)
    result = {
        "chain_id": report.cfg["chain_id"],
        "samples_per_operation": SAMPLES,
        "operations": {op: {"system": s, "what": w} for op, (s, w) in OPERATIONS.items()},
        "code_ids": report.code_ids,
        "pinned_codes": codes,
        "pin_proposal": proposal,
        "unpinned": unpinned,
        "pinned": pinned,
        "seconds": round(time.time() - started),
    }
    with open(args.out, "w") as f:
        json.dump(result, f, indent=2)
    print(f"\nwrote {args.out} ({result['seconds']} s)")


if __name__ == "__main__":
    main()
