#!/usr/bin/env python3
"""Migrate a deployed suite to new code on a chain and check it answers as before.

    upgrade_check.py --config CFG --deployment DEPLOYMENT.json --artifacts DIR --out REPORT.json

Asks every contract of the deployment a fixed set of queries (every account and market the
journeys use), stores the fund, engine and governance codes from DIR (checked against its
checksums.txt), migrates each contract with `{}` from the deployer (their admin; the share
tokens' admin is the fund's `token_admin`, the deployer on the localnet), asks the same queries
again and fails unless every answer is the same: a field the new code adds to an answer is
allowed and listed, every field of the old answer must be there with the same value. The
fund's figures that premium unlocking moves with time (the answers after are read some blocks
later) are checked by what unlocking keeps instead (see `unlock_moved`). Then plays
a deposit, a withdrawal request and a trade on the migrated contracts, and checks that a
holder's burn of a share token is refused. Writes what it saw to REPORT.json.
"""

import argparse
import json
import sys

from chain import Chain, ChainError, event_attr, verify_artifacts

ACCOUNTS = ["deployer", "feeder", "keeper", "treasury", "lp-junior", "lp-senior", "alice", "bob",
            "dave", "erin", "arb", "ts-client"]


def queries(chain, contracts, height):
    """The queries and their answers; voting power is read at `height` (a height before the
    migration), since "now" moves with every block."""
    addrs = [chain.addr(a) for a in ACCOUNTS]
    q = [("fund", {"config": {}}), ("fund", {"state": {}}), ("fund", {"ownership": {}}),
         ("fund", {"loss_ledger": {"engine_epoch": None, "start_after": None, "limit": None}}),
         ("fund", {"simulate_loss": {"amount": "1000000000"}}),
         ("fund", {"coverage": {"open_interest": None}}),
         ("engine", {"config": {}}), ("engine", {"state": {}}), ("engine", {"ownership": {}}),
         ("engine", {"markets": {"start_after": None, "limit": None}}),
         ("engine", {"socialized_losses": {"start_after": None, "limit": None}}),
         ("governance", {"config": {}}), ("governance", {"threshold": {}}),
         ("governance", {"list_proposals": {"start_after": None, "limit": None}}),
         ("governance", {"total_power": {"height": height}})]
    for a in addrs:
        q += [("fund", {"underwriter": {"address": a, "start_after": None, "limit": None}}),
              ("fund", {"withdrawal_requests": {"owner": a, "start_after": None, "limit": None}}),
              ("engine", {"positions": {"trader": a, "start_after": None, "limit": None}}),
              ("engine", {"owed": {"address": a}}),
              ("governance", {"voting_power": {"address": a, "height": height}}),
              ("governance", {"claims": {"address": a}})]
    return [(c, m, chain.query(contracts[c], m)) for c, m in q]


def same(before, after, path, added):
    """Whether `after` keeps every field of `before` with the same value; fields only `after`
    has are appended to `added` by their dotted path."""
    if isinstance(before, dict) and isinstance(after, dict):
        for k in after.keys() - before.keys():
            added.append(f"{path}.{k}" if path else k)
        return all(k in after and same(v, after[k], f"{path}.{k}" if path else k, added)
                   for k, v in before.items())
    if isinstance(before, list) and isinstance(after, list):
        return len(before) == len(after) and all(
            same(b, a, f"{path}[{i}]", added) for i, (b, a) in enumerate(zip(before, after)))
    return before == after


def unlock_moved(contract, msg, before, after, moved):
    """Premium unlocks into a tranche's assets with time (since 0.5.0), and the answers after the
    migration are read some blocks later than before it. So in the fund's `state`, `simulate_loss`
    and `underwriter` answers, the figures that unlocking moves are checked by what it keeps:
    each tranche's supply, its assets plus locked premium, and its unlock end are the same, and
    its assets did not fall. Returns copies of both answers with those figures blanked (the rest
    is then compared exactly) and appends what moved to `moved`; raises ChainError when what
    unlocking keeps changed."""
    if contract != "fund" or not isinstance(before, dict) or not isinstance(after, dict):
        return before, after
    kind = next(iter(msg))
    before, after = json.loads(json.dumps(before)), json.loads(json.dumps(after))
    if kind == "state":
        for t in ("junior", "senior"):
            b, a = before[t], after[t]
            kept = [(int(b["assets"]) + int(b.get("locked_premium", 0)), int(a["assets"]) + int(a.get("locked_premium", 0))),
                    (b["supply"], a["supply"]), (b.get("unlock_end"), a.get("unlock_end"))]
            if any(x != y for x, y in kept) or int(a["assets"]) < int(b["assets"]):
                raise ChainError(f"the fund's {t} books changed beyond unlocking: {b} -> {a}")
            if b["assets"] != a["assets"]:
                moved.append(f"fund state {t}: {int(a['assets']) - int(b['assets'])} unlocked into assets")
            for side in (b, a):
                for f in ("assets", "price", "locked_premium"):
                    side[f] = None
    elif kind == "simulate_loss":
        for side in (before, after):
            side["junior_price_after"] = side["senior_price_after"] = None
    elif kind == "underwriter":
        for side in (before, after):
            for t in ("junior", "senior"):
                side[t]["value"] = None
    return before, after


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--config", required=True)
    p.add_argument("--deployment", required=True)
    p.add_argument("--artifacts", required=True)
    p.add_argument("--out", required=True)
    args = p.parse_args()
    cfg = json.load(open(args.config))
    deployment = json.load(open(args.deployment))
    chain = Chain(cfg)
    contracts = deployment["contracts"]
    deployer = cfg["deployer"]
    report = {"migrations": {}, "queries": 0, "added_fields": [], "after_migration": []}
    try:
        height = chain.height()
        before = queries(chain, contracts, height)
        files = {"fund": "insurance_fund.wasm", "engine": "perp_engine.wasm", "governance": "governance.wasm",
                 "junior_token": "share_token.wasm", "senior_token": "share_token.wasm"}
        verify_artifacts(set(files.values()), args.artifacts)
        stored = {}
        for name, file in files.items():
            if file not in stored:
                res = chain.tx(["tx", "wasm", "store", f"{args.artifacts}/{file}"], deployer)
                stored[file] = event_attr(res, "store_code", "code_id")
            code_id = stored[file]
            res = chain.tx(["tx", "wasm", "migrate", contracts[name], code_id, "{}"], deployer)
            versions = (event_attr(res, "wasm", "from_version"), event_attr(res, "wasm", "to_version"))
            report["migrations"][name] = {"code_id": int(code_id), "from": versions[0], "to": versions[1],
                                          "gas_used": int(res["gas_used"])}
            print(f"migrated {name} to code {code_id}: {versions[0]} -> {versions[1]}, gas {res['gas_used']}")
        after = queries(chain, contracts, height)
        report["queries"] = len(before)
        added, moved = [], []
        differ = []
        for (c, m, b), (_, _, a) in zip(before, after):
            b_cmp, a_cmp = unlock_moved(c, m, b, a, moved)
            if not same(b_cmp, a_cmp, c, added):
                differ.append((c, m, b, a))
        report["moved_by_unlocking"] = moved
        for line in moved:
            print(f"moved with time: {line}")
        report["added_fields"] = sorted(set(added))
        if added:
            print("fields the new code adds: " + ", ".join(sorted(set(added))))
        for c, m, b, a in differ:
            print(f"DIFFERS {c} {json.dumps(m)}\n  before {json.dumps(b)}\n  after  {json.dumps(a)}")
        if differ:
            raise ChainError(f"{len(differ)} of {len(before)} answers changed across the migration")
        print(f"all {len(before)} answers are the same after the migration")
        steps = [
            ("lp-junior deposits 100 USDC into junior", "fund",
             {"deposit": {"tranche": "junior", "min_shares": None}}, "100000000uusdc", "lp-junior"),
            ("lp-senior asks to withdraw 1 senior share", "senior_token",
             {"send": {"contract": contracts["fund"], "amount": "1000000000",
                       "msg": "eyJyZXF1ZXN0X3dpdGhkcmF3YWwiOnt9fQ=="}}, None, "lp-senior"),
            ("feeder pushes a fresh index", "engine", None, None, "feeder"),
            ("dave opens a long of 1 BTC", "engine",
             {"trade": {"market": "BTC-USD", "size_delta": "1000000", "price_limit": None}},
             "50000000uusdc", "dave"),
            ("dave closes", "engine", {"close_position": {"market": "BTC-USD", "price_limit": None}},
             None, "dave"),
        ]
        for label, contract, msg, funds, sender in steps:
            if msg is None:
                mark = chain.query(contracts["engine"], {"market": {"market": "BTC-USD"}})["mark_price"]
                msg = {"push_price": {"market": "BTC-USD", "price": mark, "publish_time": chain.block_time()}}
            cmd = ["tx", "wasm", "execute", contracts[contract], json.dumps(msg)]
            if funds:
                cmd += ["--amount", funds]
            res = chain.tx(cmd, sender)
            report["after_migration"].append({"step": label, "gas_used": int(res["gas_used"])})
            print(f"  ok  {label}")
        burn = {"burn": {"amount": "1"}}
        try:
            chain.tx(["tx", "wasm", "execute", contracts["junior_token"], json.dumps(burn)], "lp-junior")
        except ChainError as err:
            if "minter" not in str(err):
                raise
            report["after_migration"].append({"step": "lp-junior burns 1 junior share unit: refused"})
            print("  ok  lp-junior's burn of a junior share is refused")
        else:
            raise ChainError("a holder's burn of a migrated share token went through")
    except ChainError as err:
        print(f"ERROR: {err}", file=sys.stderr)
        sys.exit(1)
    finally:
        with open(args.out, "w") as f:
            json.dump(report, f, indent=2)


if __name__ == "__main__":
    main()
