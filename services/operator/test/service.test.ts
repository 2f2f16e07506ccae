import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { classify } from "../src/outcome";
import { checkAllowed } from "../src/chain";
import { engineEvents, touched } from "../src/keeper";
import { health } from "../src/monitor";
import { loadState, saveState, emptyState } from "../src/state";
import { pushPolicy } from "../src/config";
import { createMetrics } from "../src/metrics";

const wrap = (s: string) => new Error(`Error when broadcasting tx ABC at height 9. Code: 5; Raw log: failed to execute message; message index: 0: ${s}: execute wasm contract failed`);

test("engine errors: races are benign, timing waits, network retries, the rest fails", () => {
  assert.equal(classify(wrap("no position of wasm1abc in BTC")), "benign");
  assert.equal(classify(wrap("position is healthy: equity 50, maintenance margin 48")), "benign");
  assert.equal(classify(wrap("funding is already accrued up to now")), "benign");
  assert.equal(classify(new Error("Query failed with (6): rpc error: code = Unknown desc = withdrawal request 7 not found: query wasm contract failed: unknown request")), "benign");
  assert.equal(classify(wrap("the engine owes the sender nothing")), "benign");
  assert.equal(classify(wrap("publish time 10 is not after the sender's last one 10")), "benign");
  assert.equal(classify(wrap("liquidations in BTC already sold 5 base into the vAMM in block 9 (the per-block liquidation depth); liquidate again in a later block")), "wait");
  assert.equal(classify(wrap("index price of BTC is stale: published 1, max age 60s, now 100")), "wait");
  assert.equal(classify(new Error("account sequence mismatch, expected 5, got 4: incorrect account sequence")), "retry");
  assert.equal(classify(new Error("fetch failed")), "retry");
  assert.equal(classify(wrap("sender is not a feeder of BTC")), "fatal");
});

test("only permissionless upkeep and the feeder's push may be sent", () => {
  for (const msg of [{ liquidate: { market: "BTC", trader: "x" } }, { settle_funding: { market: "BTC" } }, { sweep_premium: {} }, { claim_owed: {} }, { push_price: { market: "BTC", price: "1", publish_time: 1 } }]) {
    assert.doesNotThrow(() => checkAllowed({ contract: "engine", msg }));
  }
  assert.doesNotThrow(() => checkAllowed({ contract: "fund", msg: { expire_withdrawal: { request_id: 1 } } }));
  for (const [contract, msg] of [["engine", { trade: {} }], ["engine", { withdraw_treasury: {} }], ["engine", { set_pause: {} }], ["fund", { claim_withdrawal: { request_id: 1 } }], ["engine", { liquidate: {}, trade: {} }], ["gov", { vote: {} }]] as const) {
    assert.throws(() => checkAllowed({ contract, msg }), /refusing/);
  }
});

test("engine events: the engine's own wasm events name the traders to re-read", () => {
  const events = [
    { type: "message", attributes: [{ key: "sender", value: "wasm1x" }] },
    { type: "wasm", attributes: [{ key: "_contract_address", value: "engine" }, { key: "action", value: "trade" }, { key: "sender", value: "alice" }] },
    { type: "wasm", attributes: [{ key: "_contract_address", value: "fund" }, { key: "action", value: "cover_shortfall" }, { key: "sender", value: "engine" }] },
    { type: "wasm", attributes: [{ key: "_contract_address", value: "engine" }, { key: "action", value: "liquidate" }, { key: "sender", value: "keeper" }, { key: "trader", value: "bob" }] },
    { type: "wasm", attributes: [{ key: "_contract_address", value: "engine" }, { key: "action", value: "shortfall_settled" }, { key: "socialized", value: "12" }] },
  ];
  const evs = engineEvents(events, "engine");
  assert.deepEqual(evs.map((e) => e.action), ["trade", "liquidate", "shortfall_settled"]);
  assert.deepEqual(evs.map(touched), [{ traders: ["alice"], all: false }, { traders: ["bob"], all: false }, { traders: [], all: true }]);
});

test("health fails on a stalled chain or a stale or missing index", () => {
  const ok = health(3, [{ id: "BTC", index_publish_time: 990, oracle_max_age_seconds: 60 }], 1000, 30);
  assert.equal(ok.ok, true);
  const stale = health(3, [{ id: "BTC", index_publish_time: 900, oracle_max_age_seconds: 60 }], 1000, 30);
  assert.equal(stale.ok, false);
  assert.match(stale.problems[0], /BTC: index is 100s old/);
  assert.equal(health(31, [], 1000, 30).ok, false);
  assert.equal(health(1, [{ id: "ETH", index_publish_time: null, oracle_max_age_seconds: 60 }], 1000, 30).ok, false);
});

test("state file: atomic write leaves no temporary file and round-trips", () => {
  const dir = mkdtempSync(join(tmpdir(), "state-"));
  const file = join(dir, "s.json");
  const s = loadState(file, 5);
  assert.equal(s.engine_scan_height, 4);
  s.done.liquidate = 3;
  s.positions.alice = { BTC: { size: "10", liquidation_price: "94.7" } };
  saveState(file, s);
  assert.deepEqual(readdirSync(dir), ["s.json"]);
  assert.deepEqual(loadState(file, 1), s);
  // An older file without new fields still loads with defaults.
  writeFileSync(file, JSON.stringify({ version: 1, engine_scan_height: 9 }));
  const old = loadState(file, 1);
  assert.equal(old.engine_scan_height, 9);
  assert.deepEqual(old.requests, emptyState(1).requests);
  assert.ok(readFileSync(file, "utf8"));
});

test("pusher heartbeat must be at most half oracle_max_age_seconds", () => {
  const p = { market: "BTC", key: { mnemonic_env: "X" }, source: { kind: "replay" as const, file: "f" } };
  assert.equal(pushPolicy(p, 60).heartbeat_seconds, 20);
  assert.equal(pushPolicy({ ...p, heartbeat_seconds: 30 }, 60).heartbeat_seconds, 30);
  assert.throws(() => pushPolicy({ ...p, heartbeat_seconds: 31 }, 60), /at most half/);
});

test("metrics expose through prom-client", async () => {
  const m = createMetrics();
  m.actions.inc({ kind: "liquidate", result: "done" });
  m.coverageRatio.set(1.25);
  const text = await m.registry.metrics();
  assert.match(text, /tranche_perps_keeper_actions_total\{kind="liquidate",result="done"\} 1/);
  assert.match(text, /tranche_perps_coverage_ratio 1.25/);
});
