// The keeper's round against an in-memory chain: finds traders from events, liquidates each
// unhealthy position once even with two keepers, survives a restart with a transaction in
// flight, and expires a lapsed request once.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { Keeper } from "../src/keeper";
import { loadState, saveState } from "../src/state";
import { logger } from "../src/log";
import type { AllowedMsg } from "../src/chain";
import { SCALE, formatDec } from "../src/decimal";

const ENGINE = "engine";
const FUND = "fund";
const fail = (s: string) => new Error(`Error when broadcasting tx. Raw log: failed to execute message; message index: 0: ${s}: execute wasm contract failed`);

class FakeChain {
  height = 100;
  time = 10_000;
  positions = new Map<string, { size: string; open_notional: string; margin: string }>();
  events: { height: number; trader: string }[] = [];
  requests = new Map<number, number>(); // id -> claim deadline (s)
  nextRequest = 1;
  txs = new Map<string, { code: number }>();
  sent: { from: string; msg: object }[] = [];
  index = "85";
  /** Chain calls by kind (`searchTx`, `getHeight`, `query:positions`, ...) and the traders whose positions were read. */
  calls: Record<string, number> = {};
  reads: string[] = [];

  open(trader: string, size: string, open_notional: string, margin: string) {
    this.positions.set(trader, { size, open_notional, margin });
    this.events.push({ height: this.height, trader });
  }
  /** Counts the calls made by `f` (a keeper round). */
  async measure(f: () => Promise<void>) {
    this.calls = {};
    this.reads = [];
    await f();
    return { calls: { ...this.calls }, reads: [...this.reads] };
  }
  private count(kind: string) {
    this.calls[kind] = (this.calls[kind] ?? 0) + 1;
  }
  /** The engine's liquidation price (position.rs `liquidation_price`, maintenance ratio 0.05): none for a long with margin >= open notional. */
  static liquidationPrice(p: { size: string; open_notional: string; margin: string }): string | null {
    const size = BigInt(p.size), open = BigInt(p.open_notional), margin = BigInt(p.margin);
    const mmr = SCALE / 20n;
    if (size < 0n) return formatDec(((margin + open) * SCALE * SCALE) / (-size * (SCALE + mmr)));
    if (open > margin) return formatDec(((open - margin) * SCALE * SCALE) / (size * (SCALE - mmr)));
    return null;
  }
  client() {
    const c = this.rawClient();
    const counted: Record<string, any> = {};
    for (const [k, f] of Object.entries(c)) {
      counted[k] = (...args: any[]) => {
        const msg = args[1];
        this.count(k === "queryContractSmart" ? `query:${Object.keys(msg)[0]}` : k);
        if (k === "queryContractSmart" && msg.positions) this.reads.push(msg.positions.trader);
        return (f as any)(...args);
      };
    }
    return counted as typeof c;
  }
  private rawClient() {
    const market = () => ({
      id: "BTC-USD", index_price: this.index, index_publish_time: this.time - 1, mark_price: this.index, last_funding_time: String(BigInt(this.time) * 1_000_000_000n),
      long_oi: "0", short_oi: "0", feeders: [], feeder_prices: [],
      params: { maintenance_margin_ratio: "0.05", oracle_max_age_seconds: 60, funding_interval_seconds: 3600 },
    });
    return {
      getHeight: async () => this.height,
      getBlock: async () => ({ header: { height: this.height, time: new Date(this.time * 1000).toISOString() } }),
      getTx: async (hash: string) => (this.txs.has(hash) ? { code: this.txs.get(hash)!.code } : null),
      searchTx: async (q: string) => {
        const from = Number(/tx.height>=(\d+)/.exec(q)![1]);
        const to = Number(/tx.height<=(\d+)/.exec(q)![1]);
        return this.events.filter((e) => e.height >= from && e.height <= to).map((e) => ({
          code: 0,
          events: [{ type: "wasm", attributes: [{ key: "_contract_address", value: ENGINE }, { key: "action", value: "trade" }, { key: "sender", value: e.trader }] }],
        }));
      },
      queryContractRaw: async () => new TextEncoder().encode(String(this.nextRequest)),
      queryContractSmart: async (addr: string, msg: any) => {
        if (addr === FUND && msg.withdrawal_request) {
          const d = this.requests.get(msg.withdrawal_request.request_id);
          if (d === undefined) throw new Error(`Query failed with (6): withdrawal request ${msg.withdrawal_request.request_id} not found: query wasm contract failed`);
          return { claim_deadline: String(BigInt(d) * 1_000_000_000n) };
        }
        if (msg.positions) {
          const p = this.positions.get(msg.positions.trader);
          return { positions: p ? [{ market: "BTC-USD", trader: msg.positions.trader, ...p, margin_ratio: null, liquidation_price: FakeChain.liquidationPrice(p) }] : [] };
        }
        if (msg.markets) return { markets: [market()] };
        if (msg.config) return { pause: { halted: false }, fees: { sweep_threshold: "0" } };
        if (msg.state) return { unsplit_fees: "0", pending_premium: "0" };
        if (msg.owed) return { amount: "0" };
        throw new Error(`unexpected query ${JSON.stringify(msg)}`);
      },
    };
  }
  signer(address: string, opts: { crashAfterBroadcast?: boolean } = {}) {
    let n = 0;
    return {
      address,
      send: async (m: AllowedMsg, before?: (hash: string) => void) => {
        const hash = `${address}-${n++}`;
        const msg = m.msg as any;
        // The contract's checks.
        if (msg.liquidate && !this.positions.has(msg.liquidate.trader)) throw fail(`no position of ${msg.liquidate.trader} in BTC-USD`);
        if (msg.expire_withdrawal && !this.requests.has(msg.expire_withdrawal.request_id)) throw fail(`withdrawal request ${msg.expire_withdrawal.request_id} not found`);
        before?.(hash);
        if (msg.liquidate) this.positions.delete(msg.liquidate.trader);
        if (msg.expire_withdrawal) this.requests.delete(msg.expire_withdrawal.request_id);
        this.txs.set(hash, { code: 0 });
        this.sent.push({ from: address, msg });
        if (opts.crashAfterBroadcast) throw new Error("process killed");
        return { hash, height: this.height, gasUsed: 1, events: [] };
      },
    };
  }
}

function keeper(chain: FakeChain, name: string, signer = chain.signer(name), file = join(mkdtempSync(join(tmpdir(), "keeper-")), "s.json")) {
  const state = loadState(file, 1);
  const cfg = { key: {}, interval_ms: 1 } as any;
  const top = { state_file: file, backoff: { base_ms: 1, cap_ms: 2, retries: 1 } } as any;
  const deployment = { chain_id: "t", contracts: { engine: ENGINE, fund: FUND, junior_token: "j", senior_token: "s", governance: "g", gov_token: "t" } };
  return { k: new Keeper(chain.client() as any, signer as any, deployment, cfg, top, state, logger("error")), state, file };
}

test("two keepers: each unhealthy position liquidated exactly once, the healthy one left", async () => {
  const chain = new FakeChain();
  chain.open("alice", "10", "1000", "100"); // at 85: equity -50 < required 43
  chain.open("bob", "10", "1000", "50");
  chain.open("carol", "10", "1000", "600"); // at 85: equity 450 >= 43
  chain.height = 101;
  chain.time += 5;
  const a = keeper(chain, "keeper-a");
  const b = keeper(chain, "keeper-b");
  await Promise.all([a.k.round(), b.k.round()]);
  await Promise.all([a.k.round(), b.k.round()]);
  const liqs = chain.sent.filter((s) => "liquidate" in s.msg).map((s) => (s.msg as any).liquidate.trader).sort();
  assert.deepEqual(liqs, ["alice", "bob"]);
  assert.ok(chain.positions.has("carol"));
  assert.equal((a.state.done.liquidate ?? 0) + (b.state.done.liquidate ?? 0), 2);
});

test("kill -9 after a broadcast: the restart counts the landed transaction and sends nothing twice", async () => {
  const chain = new FakeChain();
  chain.open("alice", "10", "1000", "100");
  chain.height = 101;
  const dir = mkdtempSync(join(tmpdir(), "keeper-"));
  const file = join(dir, "s.json");
  const crashing = keeper(chain, "keeper", chain.signer("keeper", { crashAfterBroadcast: true }), file);
  await crashing.k.round().catch(() => undefined);
  assert.equal(chain.sent.length, 1);
  // The journal holds the transaction in flight.
  const journal = loadState(file, 1).pending["keeper-0"];
  assert.ok(journal && journal.kind === "liquidate" && journal.signer === "keeper");
  // Restart from the file: the transaction is found and counted, the position is gone, and a
  // trader opening after the scan is still found.
  chain.height = 102;
  chain.open("dave", "10", "1000", "60");
  chain.height = 103;
  const restarted = keeper(chain, "keeper", chain.signer("keeper"), file);
  await restarted.k.round();
  assert.deepEqual(restarted.state.pending, {});
  assert.equal(restarted.state.done.liquidate, 2); // alice (recovered) + dave
  assert.deepEqual(chain.sent.map((s) => (s.msg as any).liquidate.trader), ["alice", "dave"]);
});

test("a lapsed withdrawal request is expired once; one still open is left", async () => {
  const chain = new FakeChain();
  chain.requests.set(1, chain.time - 1);
  chain.requests.set(2, chain.time + 100);
  chain.nextRequest = 3;
  const a = keeper(chain, "keeper-a");
  const b = keeper(chain, "keeper-b");
  await a.k.round();
  await b.k.round();
  const expired = chain.sent.filter((s) => "expire_withdrawal" in s.msg);
  assert.equal(expired.length, 1);
  assert.deepEqual(Object.keys(b.state.requests), ["2"]);
  chain.time += 101;
  await b.k.round();
  assert.equal(chain.sent.filter((s) => "expire_withdrawal" in s.msg).length, 2);
  saveState(b.file, b.state);
});

// Scale: a round's chain calls do not grow with the number of positions. A world of `n`
// healthy traders (a third short, a third long at 2.5x, a third long at 1x, whose engine
// liquidation price is none), plus three "fragile" longs whose liquidation price (78.95) is
// more than 2% below the index (85). The keeper learns them all (the initial scan: one
// transaction search, then 200 traders re-read a round), then a steady round with three new
// events (two traders trading again, one new trader) and a crash round (index 80: the fragile
// three come within 2% of theirs) are measured.
async function scaleWorld(n: number) {
  const chain = new FakeChain();
  for (let i = 0; i < n; i++) {
    const t = `t-${String(i).padStart(5, "0")}`;
    if (i % 3 === 0) chain.open(t, "-10", "1000", "600"); // liquidation price 152.38
    else if (i % 3 === 1) chain.open(t, "10", "1000", "400"); // 63.16
    else chain.open(t, "10", "1000", "1000"); // none: margin covers the notional
  }
  for (let i = 0; i < 3; i++) chain.open(`fragile-${i}`, "10", "1000", "250"); // 78.95
  chain.height = 101;
  const { k, state } = keeper(chain, "keeper");
  const discovery = await chain.measure(async () => {
    let rounds = 0;
    do {
      await k.round();
      rounds++;
    } while (state.dirty.length > 0);
    chain.calls.rounds = rounds;
  });
  assert.equal(Object.keys(state.positions).length, n + 3);
  assert.equal(discovery.calls.searchTx, 1);

  // Steady round: three new events in one new block.
  chain.height = 102;
  chain.time += 2;
  chain.open("t-00001", "10", "1000", "400");
  chain.open("t-00002", "10", "1000", "1000");
  chain.open("newcomer", "-10", "1000", "600");
  chain.height = 103;
  const steady = await chain.measure(() => k.round());
  assert.equal(Object.keys(state.positions).length, n + 4);

  // Crash: the index falls to 80, within 2% of the fragile liquidation price; no new events.
  chain.index = "80";
  chain.time += 2;
  chain.height = 104;
  const crash = await chain.measure(() => k.round());
  assert.equal(chain.sent.length, 0, "nothing is liquidatable (the fragile positions keep equity 50 >= required 40)");
  return { discovery, steady, crash, tracked: n + 4 };
}

const without = (calls: Record<string, number>, ...keys: string[]) => Object.fromEntries(Object.entries(calls).filter(([k]) => !keys.includes(k)));

// Measured (after the fix below): a steady round makes 1 transaction search + 7 other calls
// (height, block, markets, engine config, engine state, owed, the fund's next request id) and
// 14 position reads with 10 tracked traders (everyone, once) or 53 with 10,004 (3 touched + 50
// in rotation); the crash round the same 8 calls and 14 | 53 reads (50 in rotation + the 3
// near). Learning 10,003 traders took 51 rounds, one transaction search and 12,503 reads.
// Before the fix, the 10,000 world's steady and crash rounds made 3,386 position reads each:
// every 1x long (no engine liquidation price) was re-read every round, and the 10 world read 20
// for 14 traders (the rotation re-read traders just read).
test("scale: 10 vs 10,000 positions, a steady round = 1 tx search + 7 other calls + 14 | 53 position reads; a crash near 3 positions re-reads those 3 + the 50 in rotation", async () => {
  const small = await scaleWorld(10);
  const large = await scaleWorld(10_000);
  for (const w of [small, large]) {
    // Nobody is read twice in a round.
    assert.equal(new Set(w.steady.reads).size, w.steady.reads.length, `steady reads unique: ${w.steady.reads.length}`);
    assert.equal(new Set(w.crash.reads).size, w.crash.reads.length, `crash reads unique: ${w.crash.reads.length}`);
  }
  // Every call other than position reads is the same in both worlds: one transaction search,
  // height, block, markets, engine config, engine state, owed, the fund's next request id.
  const steadyOther = { getHeight: 1, getBlock: 1, searchTx: 1, "query:markets": 1, "query:config": 1, "query:state": 1, "query:owed": 1, queryContractRaw: 1 };
  assert.deepEqual(without(small.steady.calls, "query:positions"), steadyOther);
  assert.deepEqual(without(large.steady.calls, "query:positions"), steadyOther);
  assert.deepEqual(without(small.crash.calls, "query:positions"), steadyOther);
  assert.deepEqual(without(large.crash.calls, "query:positions"), steadyOther);
  // Position reads: the 3 touched traders + refresh_per_round (50) others in rotation, or
  // everyone when fewer are tracked (10 world: 3 + 11 = all 14 once).
  assert.equal(small.steady.calls["query:positions"], 14);
  assert.equal(large.steady.calls["query:positions"], 3 + 50);
  for (const t of ["t-00001", "t-00002", "newcomer"]) assert.ok(large.steady.reads.includes(t));
  // Crash: the rotation's 50 plus the 3 near ones (fewer if the rotation had already read one of
  // them this round: nobody is read twice); nothing else, in particular none of the 3,334 1x
  // longs, which have no liquidation price.
  for (const t of ["fragile-0", "fragile-1", "fragile-2"]) {
    assert.ok(small.crash.reads.includes(t));
    assert.ok(large.crash.reads.includes(t));
  }
  assert.equal(small.crash.calls["query:positions"], 14); // everyone once
  assert.equal(large.crash.calls["query:positions"], 50 + 3);
  assert.equal(large.crash.reads.filter((t) => !t.startsWith("fragile-")).length, 50);
  // The initial scan: one transaction search; 10,003 traders read at up to 200 + 50 a round.
  assert.equal(large.discovery.calls.searchTx, 1);
  assert.equal(large.discovery.calls.rounds, 51);
  assert.equal(large.discovery.calls["query:positions"], 12_503);
});
