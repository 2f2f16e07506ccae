#!/usr/bin/env python3
"""Write the generated gas pages of docs/generated from what the localnet runs measured.

    gas_tables.py journeys  GAS_JSON OUT_MD             gas of every labelled journey step
    gas_tables.py scaling   SCALING_JSON OUT_MD         gas with 10 and with N others
    gas_tables.py compare   BEFORE_JSON AFTER_JSON OUT_MD [--max-increase PCT]
                                                        two builds on one chain; exits 1 when
                                                        an operation costs more than PCT% more

GAS_JSON is what `chain.py journey --gas-out` writes, SCALING_JSON what clients/ts/src/scaling.ts
writes. The pages are overwritten; nothing in them is edited by hand.
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
    args = p.parse_args()
    {"journeys": journeys, "scaling": scaling, "compare": compare}[args.command](args)


if __name__ == "__main__":
    main()
