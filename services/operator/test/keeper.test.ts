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

  open(trader: string, size: string, open_notional: string, margin: string) {
    this.positions.set(trader, { size, open_notional, margin });
    this.events.push({ height: this.height, trader });
  }
  client() {
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
          return { positions: p ? [{ market: "BTC-USD", trader: msg.positions.trader, ...p, margin_ratio: null, liquidation_price: null }] : [] };
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
