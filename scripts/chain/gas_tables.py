#!/usr/bin/env python3
"""Write the generated gas pages of docs/generated from what the localnet runs measured.

    gas_tables.py journeys  GAS_JSON OUT_MD             gas of every labelled journey step
    gas_tables.py scaling   SCALING_JSON OUT_MD         gas with 10 and with N others
    gas_tables.py compare   BEFORE_JSON AFTER_JSON OUT_MD [--max-increase PCT]
                                                        two builds on one chain; exits 1 when
                                                        an operation costs more than PCT% more
    gas_tables.py steady    STEADY_JSON OUT_MD [--storage DIR]
                                                        steady-state gas of the suite against
                                                        the contracts users would otherwise
                                                        pick, unpinned and pinned, with goals;
                                                        where a goal is unmet, its gas split
                                                        into storage (priced from the gas
                                                        tests' records in DIR), coins, loads
                                                        and the rest

GAS_JSON is what `chain.py journey --gas-out` writes, SCALING_JSON what clients/ts/src/scaling.ts
writes, STEADY_JSON what scripts/chain/gas_report.py writes. The pages are overwritten; nothing in them is edited by hand.
"""

import argparse
import json
import os
import sys

HEADER = "<!-- Written by {by}; do not edit. -->\n\n"


def fmt(n):
    return f"{n:,}"


def journeys(args):
    rows = json.load(open(args.gas))
    out = [HEADER.format(by="scripts/e2e.sh (scripts/chain/gas_tables.py journeys)"),
           "# Gas per operation on the localnet\n\n",
           "Gas used by each labelled step of the journeys in `journeys/`, played by `scripts/e2e.sh` on a\n",
           "single-node wasmd chain. Every sender has sent a transaction before, so no row includes the\n",
           "one-time cost of storing a public key.\n\n",
           "| operation | step | gas used |\n| --- | --- | ---: |\n"]
    for r in rows:
        out.append(f"| {r['operation']} | {r['step']} | {fmt(r['gas_used'])} |\n")
    open(args.out, "w").write("".join(out))
    print(f"wrote {args.out}")


def scaling(args):
    data = json.load(open(args.scaling))
    n = data["others"]
    out = [HEADER.format(by="scripts/e2e.sh (scripts/chain/gas_tables.py scaling)"),
           "# Gas with 10 and with many other users\n\n",
           f"Measured by `clients/ts/src/scaling.ts` on the localnet: each operation of a probe account with 10, then\n",
           f"with {fmt(n)} other positions, underwriters and voters.\n\n",
           f"| operation | gas, 10 others | gas, {fmt(n)} others | change |\n| --- | ---: | ---: | ---: |\n"]
    for r in data["rows"]:
        change = (r["with_n"] - r["with_10"]) / r["with_10"] * 100
        out.append(f"| {r['operation']} | {fmt(r['with_10'])} | {fmt(r['with_n'])} | {change:+.2f}% |\n")
    open(args.out, "w").write("".join(out))
    print(f"wrote {args.out}")


def compare(args):
    before = json.load(open(args.before))
    after = json.load(open(args.after))
    if [(r["operation"], r["step"]) for r in before] != [(r["operation"], r["step"]) for r in after]:
        sys.exit("the two runs did not play the same steps")
    worst = None
    out = [HEADER.format(by="scripts/gas-compare.sh (scripts/chain/gas_tables.py compare)"),
           "# Gas before and after, measured in one localnet run\n\n",
           f"`{args.before_label}` and `{args.after_label}` deployed side by side on one chain; every\n",
           "journey played against each. Every sender had sent a transaction before either run.\n\n",
           f"| operation | step | {args.before_label} | {args.after_label} | change |\n| --- | --- | ---: | ---: | ---: |\n"]
    print(f"  {'operation':<34} {'before':>10} {'after':>10}   change")
    for b, a in zip(before, after):
        change = (a["gas_used"] - b["gas_used"]) / b["gas_used"] * 100
        if worst is None or change > worst[0]:
            worst = (change, b["operation"], b["step"])
        out.append(f"| {b['operation']} | {b['step']} | {fmt(b['gas_used'])} | {fmt(a['gas_used'])} | {change:+.2f}% |\n")
        print(f"  {b['operation']:<34} {b['gas_used']:>10} {a['gas_used']:>10}   {change:+.2f}%")
    out.append(f"\nLargest increase: {worst[0]:+.2f}% ({worst[1]}: {worst[2]}); the limit is +{args.max_increase}%.\n")
    open(args.out, "w").write("".join(out))
    print(f"wrote {args.out}; largest change {worst[0]:+.2f}% ({worst[1]})")
    if worst[0] > args.max_increase:
        sys.exit(f"an operation costs more than {args.max_increase}% more")


# The suite's operations against the anchor each is held to: (operation, its name in the page,
# anchor operation, anchor's name in the page, most the ratio may be, strictly below it?).
STEADY_GOALS = [
    ("open position", "open position", "cw20-base transfer", "cw20-base transfer", 1.3, False),
    ("close position", "close position", "cw20-base transfer", "cw20-base transfer", 1.3, False),
    ("deposit", "deposit", "cw20-base send", "cw20-base Send to a contract", 1.1, False),
    ("withdrawal request", "withdrawal request", "cw20-base send", "cw20-base Send to a contract", 1.1, False),
    ("liquidation with fund payout", "liquidation with a fund payout", "cw20-base transfer",
     "cw20-base transfer", 2.2, False),
    ("propose", "governance: propose", "dao-dao propose", "DAO DAO propose", 1.0, True),
    ("vote", "governance: vote", "dao-dao vote", "DAO DAO vote", 1.0, True),
    ("execute proposal", "governance: execute", "dao-dao execute", "DAO DAO execute", 1.0, True),
    ("stake", "governance: stake", "dao-dao stake", "DAO DAO cw20-stake stake", 1.0, True),
]


# The Cosmos SDK's default KV store gas schedule (store/types/gas.go, KVGasConfig), which wasmd
# charges for every contract storage access, and wasmd's prefix of a contract's keys (0x03 and
# the contract's 32-byte address, x/wasm/types/keys.go GetContractStorePrefix).
KV_READ_FLAT, KV_READ_PER_BYTE = 1000, 3
KV_WRITE_FLAT, KV_WRITE_PER_BYTE = 2000, 30
KV_DELETE, KV_ITER_NEXT = 1000, 30
CONTRACT_KEY_PREFIX = 33

# Where each compared operation's storage work is recorded: a list of (contract, operation) in
# docs/generated/storage-bytes-<contract>.json (written by the gas tests of
# packages/tranche-perps-testing), and whether native coins go into a contract with it. An
# anchor in ANCHORS_PARTLY_COUNTED has storage the records leave out.
ANCHORS_PARTLY_COUNTED = {"cw20-base send": "the receiving DAO DAO core's"}
STORAGE_LEGS = {
    "cw20-base transfer": ([("cw20", "cw20_transfer")], False),
    "cw20-base send": ([("cw20", "cw20_send")], False),
    "open position": ([("engine", "open")], True),
    "close position": ([("engine", "close")], False),
    "deposit": ([("fund", "junior_deposit"), ("cw20", "share_mint")], True),
    "withdrawal request": ([("cw20", "share_send"), ("fund", "senior_request")], False),
    "liquidation with fund payout": ([("engine", "bad_debt_liquidation"), ("fund", "cover_shortfall"),
                                      ("engine", "shortfall_reply")], False),
    "execute proposal": ([("governance", "execute"), ("governance", "run_actions"),
                          ("fund", "update_params")], False),
}

# wasmd charges each contract an execute or a reply runs a load: 60,000 gas, 2,000 when its code
# is pinned. How many loads an operation makes is read from the measurements: its unpinned and
# pinned medians differ by 58,000 a load.
LOAD_UNPINNED, LOAD_PINNED = 60_000, 2_000


def loads(unpinned, pinned, op):
    return round((unpinned[op]["median"] - pinned[op]["median"]) / (LOAD_UNPINNED - LOAD_PINNED))


def kv_gas(c):
    """Gas of a record of storage work under the KV schedule, keys lengthened by the prefix."""
    items = c["reads"] + c["range_items"]
    return (c["reads"] * KV_READ_FLAT + c["range_items"] * KV_ITER_NEXT
            + KV_READ_PER_BYTE * (c["bytes_read"] + CONTRACT_KEY_PREFIX * items)
            + c["writes"] * KV_WRITE_FLAT + KV_WRITE_PER_BYTE * (c["bytes_written"] + CONTRACT_KEY_PREFIX * c["writes"])
            + c["removes"] * KV_DELETE)


def storage_records(directory):
    records = {}
    for contract in ("cw20", "engine", "fund", "governance"):
        path = os.path.join(directory, f"storage-bytes-{contract}.json")
        records[contract] = json.load(open(path))
    return records


def storage_of(op, records):
    legs, coins = STORAGE_LEGS[op]
    parts = [(f"{contract} {name}", records[contract][name]) for contract, name in legs]
    total = sum(kv_gas(c) for _, c in parts)
    ops = sum(c["reads"] + c["writes"] + c["removes"] for _, c in parts)
    written = sum(c["bytes_written"] for _, c in parts)
    return total, ops, written, coins


def where_the_gas_goes(unpinned, pinned, records):
    """The section that explains each unmet goal with figures; [] when nothing is unmet."""
    coins = {}
    for phase, data in (("unpinned", unpinned), ("pinned", pinned)):
        if "cw20-base transfer with funds" in data:
            coins[phase] = data["cw20-base transfer with funds"]["median"] - data["cw20-base transfer"]["median"]
    rows, notes = [], []
    for op, name, anchor, anchor_name, limit, strict in STEADY_GOALS:
        if op not in STORAGE_LEGS:
            continue
        verdicts = []
        for phase, data in (("unpinned", unpinned), ("pinned", pinned)):
            ratio = data[op]["median"] / data[anchor]["median"]
            verdicts.append(ratio < limit if strict else ratio <= limit)
        if all(verdicts):
            continue
        s_gas, s_ops, s_written, s_coins = storage_of(op, records)
        a_gas = storage_of(anchor, records)[0] if anchor in STORAGE_LEGS else None
        partly = ANCHORS_PARTLY_COUNTED.get(anchor)
        for phase, data in (("unpinned", unpinned), ("pinned", pinned)):
            total, a_total = data[op]["median"], data[anchor]["median"]
            c = (coins.get(phase) if s_coins else 0)
            rest = None if c is None else total - s_gas - c
            load = LOAD_UNPINNED if phase == "unpinned" else LOAD_PINNED
            calls, a_calls = loads(unpinned, pinned, op), loads(unpinned, pinned, anchor)
            allowed = limit * a_total
            a_rest = None if a_gas is None else a_total - a_gas
            other = None if a_rest is None else a_rest - a_calls * load  # the anchor's work besides loading
            floor = None if a_gas is None or partly or c is None else s_gas + c + calls * load + other
            dash = lambda v: "–" if v is None else fmt(v)  # noqa: E731
            coins_cell = "–" if not s_coins else dash(c)
            a_cell = dash(a_gas) if not partly or a_gas is None else f"{fmt(a_gas)} and {partly}"
            rows.append(f"| {name} | {phase} | {fmt(total)} | {fmt(s_gas)} ({s_ops} accesses, "
                        f"{fmt(s_written)} bytes written) | {coins_cell} | {calls} ({fmt(calls * load)}) | "
                        f"{dash(rest)} | {anchor_name} | {fmt(a_total)} | {a_cell} | {a_calls} ({fmt(a_calls * load)}) | "
                        f"{dash(a_rest)}{' at most' if partly else ''} | {fmt(int(allowed))} | {dash(floor)} |\n")
            gap = total - allowed
            if gap <= 0 or rest is None:
                continue
            head = (f"- **{name}, {phase}:** {fmt(total)} against the {fmt(int(allowed))} the goal allows, "
                    f"{fmt(int(gap))} over. It loads {calls} contract{'s' if calls > 1 else ''} "
                    f"({fmt(calls * load)}) where {anchor_name} loads {a_calls} ({fmt(a_calls * load)}). "
                    f"Its contract storage alone is {fmt(s_gas)}"
                    + (f" and moving the coins in {fmt(c)}" if s_coins else ""))
            if floor is None and a_rest is not None and rest <= a_rest:
                over, what = s_gas + c - a_gas, "storage and coins come" if s_coins else "storage comes"
                notes.append(head + f"; its {what} to {fmt(over)} more than the anchor's counted {fmt(a_gas)}, "
                             f"while its rest, {fmt(rest)}, is {fmt(a_rest - rest)} under what {anchor_name} spends "
                             f"besides that counted storage ({fmt(a_rest)}, which includes {partly} storage, not "
                             f"counted): unless {partly} storage costs more than {fmt(a_rest - rest)}, the gap is "
                             f"{what.rsplit(' ', 1)[0]}.\n")
            elif floor is None:
                left = allowed - s_gas - c
                why = (f"{anchor_name}'s storage is not counted here" if a_gas is None else
                       f"{anchor_name} spends at most {fmt(a_rest)} besides its own storage, {partly} storage "
                       "included")
                notes.append(head + f"; the rest, {fmt(rest)}, is {fmt(int(rest - left))} more than the "
                             f"{fmt(int(left))} the goal leaves for it ({why}).\n")
            else:
                cut = (f"; with its loading as it is and everything else cut to what {anchor_name} spends besides "
                       f"its storage and loading ({fmt(other)}) it would {'still ' if floor > allowed else ''}"
                       f"cost {fmt(floor)}")
                if floor > allowed:
                    notes.append(head + cut + f", {fmt(int(floor - allowed))} over the goal.\n")
                else:
                    notes.append(head + cut + f", {fmt(int(allowed - floor))} under the goal: the other "
                                 f"{fmt(total - floor)} (execution, events, submessages, paying coins out) is where "
                                 "the rest of the gap is.\n")
    if not rows:
        return []
    coin_text = ("the median of a cw20-base transfer with 1uusdc attached minus that of the plain transfer, "
                 f"measured in the same round ({fmt(coins['unpinned'])} unpinned, {fmt(coins['pinned'])} pinned)"
                 if len(coins) == 2 else "not measured by this run (no `cw20-base transfer with funds`)")
    return [
        "\n## Where the gas of the unmet goals goes\n\n",
        "Each operation's contract storage is priced from its storage work (reads, writes, removes and the\n",
        "bytes of their keys and values), which the gas tests of `packages/tranche-perps-testing` count on\n",
        "cw-multi-test's storage and record in `docs/generated/storage-bytes-*.json` (the anchors' in\n",
        "`storage-bytes-cw20.json`, run from cw20-base 2.0's own code), at the Cosmos SDK's KV gas schedule\n",
        f"that wasmd charges: {fmt(KV_READ_FLAT)} a read plus {KV_READ_PER_BYTE} a byte, {fmt(KV_WRITE_FLAT)} a write plus "
        f"{KV_WRITE_PER_BYTE} a byte,\n{fmt(KV_DELETE)} a removal, each key lengthened by the {CONTRACT_KEY_PREFIX}-byte "
        "contract prefix. The counts' worlds use\n",
        "32-byte test addresses (67 characters): a key holding an account's address (43 characters on\n",
        "this chain) is 24 bytes shorter there, so these figures are at most 720 gas a write and 72 a read\n",
        "too high. Native coins\n",
        f"sent in with the message (collateral, a deposit) cost {coin_text}. The rest is the\n",
        f"transaction itself (signature, fee, the message), loading contracts ({fmt(LOAD_UNPINNED)} a load unpinned,\n",
        f"{fmt(LOAD_PINNED)} pinned; the loads column shows that part, their number read from the measurements: each\n",
        f"makes the unpinned median {fmt(LOAD_UNPINNED - LOAD_PINNED)} more than the pinned), execution, events and submessages. A liquidation's and a proposal execution's storage\n",
        "is the engine's (or governance's) and the fund's parts of the path as the gas tests record them;\n",
        "the anchor `Send`'s storage leaves out what the receiving contract stores, so its rest is an upper\n"
        "bound.\n"
        "The last column is the operation's storage, coins and loading with all its other work cut to\n"
        "the anchor's (the anchor's rest less its loading): where it exceeds what the goal allows, the\n"
        "goal cannot be met without storing less or calling fewer contracts. The counts come from test\n"
        "worlds whose stored numbers may be a few digits longer or shorter than the chain's (30 gas a byte\n"
        "written), so a floor within a few thousand gas of the goal settles nothing either way.\n\n",
        "| operation | code | measured | contract storage | coins in | contract loads | the rest | "
        "anchor | anchor measured | anchor storage | anchor loads | anchor rest | goal allows | "
        "storage + coins + loading + the anchor's other work |\n",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n",
        *rows,
        "\n",
        *notes,
    ]


def steady(args):
    data = json.load(open(args.steady))
    unpinned, pinned, ops = data["unpinned"], data["pinned"], data["operations"]
    for op in list(ops):
        for phase in (unpinned, pinned):
            if op not in phase:
                sys.exit(f"{args.steady}: no measurement of {op}")
    n = data["samples_per_operation"]
    out = [HEADER.format(by="scripts/gas-report.sh (scripts/chain/gas_report.py, gas_tables.py steady)"),
           "# Steady-state gas against the contracts users would otherwise pick\n\n",
           f"Measured by `scripts/chain/gas_report.py` on one single-node wasmd chain (`{data['chain_id']}`): the\n",
           "suite and, next to it, the released contracts built from crates.io (`third-party/`). Each figure is\n",
           f"the median gas used of {n} transactions (votes: {2 * n}, two per proposal; the median of an even\n",
           "count is the mean of the middle two). Every sender had sent a transaction before (no figure\n",
           "includes storing a public key) and had done the same operation once before (a setup round), so\n",
           "no figure includes a first balance, a first stake or a first position record. Then one x/gov\n",
           f"proposal (MsgPinCodes, proposal {data['pin_proposal']}) pinned every code measured "
           f"({', '.join(str(c) for c in data['pinned_codes'])}) and the same round\n",
           "was measured again: a pinned code is kept in the node's memory cache and its every call costs less.\n",
           f"The whole run took {data['seconds']} s.\n\n",
           "A goal is met when the suite's median is at most the ratio times the anchor's (for governance:\n",
           "below DAO DAO's). The page states the figures; the script does not fail on an unmet goal.\n\n",
           "| operation | suite unpinned | anchor | anchor unpinned | ratio | suite pinned | anchor pinned | ratio | goal | met? |\n",
           "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | --- | --- |\n"]
    summary = []
    for op, name, anchor, anchor_name, limit, strict in STEADY_GOALS:
        su, au = unpinned[op]["median"], unpinned[anchor]["median"]
        sp, ap = pinned[op]["median"], pinned[anchor]["median"]
        ru, rp = su / au, sp / ap
        goal = f"< 1× {anchor_name}" if strict else f"≤ {limit}× {anchor_name}"

        def met(ratio):
            ok = ratio < limit if strict else ratio <= limit
            return f"{'met' if ok else 'not met'} ({ratio:.2f}×)"

        verdict = f"unpinned {met(ru)}; pinned {met(rp)}"
        summary.append((name, verdict))
        out.append(f"| {name} | {fmt(su)} | {anchor_name} | {fmt(au)} | {ru:.2f}× | {fmt(sp)} | {fmt(ap)} | "
                   f"{rp:.2f}× | {goal} | {verdict} |\n")
    out.extend(where_the_gas_goes(unpinned, pinned, storage_records(args.storage)))
    out.append("\n## Every measured operation\n\n"
               "| operation | who | what | unpinned median | pinned median | unpinned samples | pinned samples |\n"
               "| --- | --- | --- | ---: | ---: | --- | --- |\n")
    for op, info in ops.items():
        out.append(f"| {op} | {info['system']} | {info['what']} | {fmt(unpinned[op]['median'])} | "
                   f"{fmt(pinned[op]['median'])} | {', '.join(fmt(g) for g in unpinned[op]['samples'])} | "
                   f"{', '.join(fmt(g) for g in pinned[op]['samples'])} |\n")
    open(args.out, "w").write("".join(out))
    for name, verdict in summary:
        print(f"  {name:<32} {verdict}")
    print(f"wrote {args.out}")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    j = sub.add_parser("journeys")
    j.add_argument("gas")
    j.add_argument("out")
    s = sub.add_parser("scaling")
    s.add_argument("scaling")
    s.add_argument("out")
    c = sub.add_parser("compare")
    c.add_argument("before")
    c.add_argument("after")
    c.add_argument("out")
    c.add_argument("--before-label", default="before")
    c.add_argument("--after-label", default="after")
    c.add_argument("--max-increase", type=float, default=3.0)
    st = sub.add_parser("steady")
    st.add_argument("steady")
    st.add_argument("out")
    st.add_argument("--storage", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                                      "docs", "generated"),
                    help="the folder of the storage-bytes-*.json records (default: docs/generated)")
    args = p.parse_args()
    {"journeys": journeys, "scaling": scaling, "compare": compare, "steady": steady}[args.command](args)


if __name__ == "__main__":
    main()
