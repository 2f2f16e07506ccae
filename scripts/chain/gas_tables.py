#!/usr/bin/env python3
"""Write the generated gas pages of docs/generated from what the localnet runs measured.

    gas_tables.py journeys  GAS_JSON OUT_MD             gas of every labelled journey step
    gas_tables.py scaling   SCALING_JSON OUT_MD         gas with 10 and with N others
    gas_tables.py compare   BEFORE_JSON AFTER_JSON OUT_MD [--max-increase PCT]
                                                        two builds on one chain; exits 1 when
                                                        an operation costs more than PCT% more
    gas_tables.py steady    STEADY_JSON OUT_MD          steady-state gas of the suite against
                                                        the contracts users would otherwise
                                                        pick, unpinned and pinned, with goals

GAS_JSON is what `chain.py journey --gas-out` writes, SCALING_JSON what clients/ts/src/scaling.ts
writes, STEADY_JSON what scripts/chain/gas_report.py writes. The pages are overwritten; nothing in them is edited by hand.
"""

import argparse
import json
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
    args = p.parse_args()
    {"journeys": journeys, "scaling": scaling, "compare": compare, "steady": steady}[args.command](args)


if __name__ == "__main__":
    main()
