import { test } from "node:test";
import assert from "node:assert/strict";
import { equityAt, requiredAt, isLiquidatable, selectLiquidations, nearLiquidation, type PositionView } from "../src/decide/liquidation";
import { fundingDue, nextFundingTime, sweepDue, lapsedRequests, claimOwedDue } from "../src/decide/upkeep";
import { decidePush, type PushPolicy } from "../src/decide/push";
import { backoffDelay, withBackoff } from "../src/backoff";
import { parseDec, formatDec, fromExpo, tsSeconds } from "../src/decimal";

const E18 = 10n ** 18n;
// A long of 10 base units opened at 100 (open notional 1000) with 100 margin; mmr 5%.
const long: PositionView = { trader: "alice", market: "BTC", size: "10", open_notional: "1000", margin: "100", margin_ratio: null };
const short: PositionView = { trader: "bob", market: "BTC", size: "-10", open_notional: "1000", margin: "100", margin_ratio: null };
const mmr = parseDec("0.05");

test("decimals parse and format like cosmwasm", () => {
  assert.equal(parseDec("91.5"), 91n * E18 + 5n * 10n ** 17n);
  assert.equal(formatDec(parseDec("100")), "100");
  assert.equal(formatDec(parseDec("0.000001")), "0.000001");
  assert.equal(formatDec(fromExpo("6143218532214", -8)), "61432.18532214");
  assert.equal(tsSeconds("1733529600123456789"), 1733529600);
});

test("a long at index 91 has equity 10 below its maintenance 5 ... at 90.5 it has 5 < 5 (ceil)", () => {
  // equity = 100 + floor(10 * 91) - 1000 = 10; required = ceil(0.05 * 910) = 46 -> liquidatable.
  assert.equal(equityAt(long, parseDec("91")), 10n);
  assert.equal(requiredAt(long, parseDec("91"), mmr), 46n);
  assert.equal(isLiquidatable(long, parseDec("91"), mmr), true);
  // At 95: equity 50, required ceil(47.5) = 48 -> healthy.
  assert.equal(isLiquidatable(long, parseDec("95"), mmr), false);
  // At 94.8: equity 48, required ceil(47.4) = 48 -> healthy (equity >= required).
  assert.equal(isLiquidatable(long, parseDec("94.8"), mmr), false);
  // At 94.7: equity 47, required ceil(47.35) = 48 -> liquidatable.
  assert.equal(isLiquidatable(long, parseDec("94.7"), mmr), true);
});

test("a short's buy-back rounds up, against the short", () => {
  // At 104.71: cost ceil(1047.1) = 1048 -> equity 52; required ceil(52.355) = 53 -> liquidatable.
  assert.equal(equityAt(short, parseDec("104.71")), 52n);
  assert.equal(isLiquidatable(short, parseDec("104.71"), mmr), true);
  assert.equal(isLiquidatable(short, parseDec("104"), mmr), false);
});

test("a zero-size position is never liquidated; a floored margin defers to the engine's ratio", () => {
  assert.equal(isLiquidatable({ ...long, size: "0" }, parseDec("1"), mmr), false);
  // Margin floored at 0 by the query but a big profit: equity 0 + 2000 - 1000 > required at 200;
  // the engine's ratio (0.01 < 0.05) says liquidatable.
  assert.equal(isLiquidatable({ ...long, margin: "0", margin_ratio: "0.01" }, parseDec("200"), mmr), true);
  assert.equal(isLiquidatable({ ...long, margin: "0", margin_ratio: "0.4" }, parseDec("200"), mmr), false);
});

test("selectLiquidations: fresh index only, worst first, limited", () => {
  const markets = {
    BTC: { maintenance_margin_ratio: "0.05", index_price: "90", index_publish_time: 1000, oracle_max_age_seconds: 60 },
    ETH: { maintenance_margin_ratio: "0.05", index_price: "50", index_publish_time: 900, oracle_max_age_seconds: 60 },
  };
  const positions: PositionView[] = [
    long,
    { ...long, trader: "carol", margin: "50" }, // worse
    { ...long, trader: "dave", margin: "500" }, // healthy
    { ...long, trader: "erin", market: "ETH" }, // stale index: skipped
  ];
  const t = selectLiquidations(positions, markets, 1030);
  assert.deepEqual(t.map((x) => x.trader), ["carol", "alice"]);
  assert.equal(t[0].shortfall, 50n - 100n - 45n); // 50 + 900 - 1000 - ceil(45)
  assert.deepEqual(selectLiquidations(positions, markets, 1030, 1).map((x) => x.trader), ["carol"]);
  // Index too old (1000 + 60 < 1061): nothing.
  assert.deepEqual(selectLiquidations(positions, markets, 1061), []);
});

test("nearLiquidation screens by the cached liquidation price with a buffer", () => {
  // A long liquidates at 94.7...; within 2% above it is near.
  assert.equal(nearLiquidation({ size: "10", liquidation_price: "94.7" }, parseDec("96"), 0.02), true);
  assert.equal(nearLiquidation({ size: "10", liquidation_price: "94.7" }, parseDec("97"), 0.02), false);
  assert.equal(nearLiquidation({ size: "-10", liquidation_price: "104.7" }, parseDec("103"), 0.02), true);
  assert.equal(nearLiquidation({ size: "-10", liquidation_price: "104.7" }, parseDec("100"), 0.02), false);
  assert.equal(nearLiquidation({ size: "10", liquidation_price: null }, parseDec("100"), 0.02), true);
  assert.equal(nearLiquidation({ size: "0", liquidation_price: null }, parseDec("100"), 0.02), false);
  // No liquidation price because the margin covers the notional: never liquidatable, not re-read.
  assert.equal(nearLiquidation({ size: "10", liquidation_price: null, margin: "1000", open_notional: "1000" }, parseDec("1"), 0.02), false);
  // No liquidation price with the margin floored at zero (negative): re-read.
  assert.equal(nearLiquidation({ size: "10", liquidation_price: null, margin: "0", open_notional: "0" }, parseDec("100"), 0.02), true);
  assert.equal(nearLiquidation({ size: "-10", liquidation_price: null, margin: "5000", open_notional: "1000" }, parseDec("100"), 0.02), true);
});

test("funding settle is due one interval after the clock, with an index, not halted", () => {
  const m = { last_funding_time: 1000, funding_interval_seconds: 60, has_index: true };
  assert.equal(fundingDue(m, 1059), false);
  assert.equal(fundingDue(m, 1060), true);
  assert.equal(fundingDue(m, 1060, true), false);
  assert.equal(fundingDue({ ...m, has_index: false }, 2000), false);
  assert.equal(nextFundingTime(m), 1060);
});

test("sweep when fees reach the threshold or the interval passed with anything waiting", () => {
  const base = { unsplit_fees: "40", pending_premium: "50", threshold: 100n, since_last: 10, max_interval_seconds: 3600 };
  assert.equal(sweepDue(base), false);
  assert.equal(sweepDue({ ...base, pending_premium: "60" }), true);
  assert.equal(sweepDue({ ...base, since_last: 3600 }), true);
  assert.equal(sweepDue({ ...base, unsplit_fees: "0", pending_premium: "0", since_last: 1e9 }), false);
});

test("lapsed requests: at or after the claim deadline, oldest first", () => {
  const reqs = [{ id: 3, claim_deadline: 500 }, { id: 1, claim_deadline: 400 }, { id: 2, claim_deadline: 900 }];
  assert.deepEqual(lapsedRequests(reqs, 499), [1]);
  assert.deepEqual(lapsedRequests(reqs, 500), [1, 3]);
  assert.deepEqual(lapsedRequests(reqs, 1000, 2), [1, 3]);
  assert.equal(claimOwedDue("0", 1n), false);
  assert.equal(claimOwedDue("5", 10n), false);
  assert.equal(claimOwedDue("10", 10n), true);
});

const policy: PushPolicy = { deviation: 0.005, heartbeat_seconds: 20, max_jump: 0.1, max_reading_age_seconds: 20 };

test("push: first reading, then deviation or heartbeat, never older", () => {
  let d = decidePush({ price: "100", publish_time: 1000 }, {}, policy, 1000);
  assert.equal(d.push && d.reason, "first");
  let mem = d.memory;
  d = decidePush({ price: "100.2", publish_time: 1005 }, mem, policy, 1005);
  assert.equal(d.push, false);
  assert.equal(d.reason, "unchanged");
  d = decidePush({ price: "100.6", publish_time: 1006 }, mem, policy, 1006);
  assert.equal(d.push && d.reason, "deviation");
  mem = d.memory;
  d = decidePush({ price: "100.6", publish_time: 1026 }, mem, policy, 1026);
  assert.equal(d.push && d.reason, "heartbeat");
  mem = d.memory;
  // An older or equal publish time is never pushed, even far away.
  d = decidePush({ price: "50", publish_time: 1026 }, mem, policy, 1030);
  assert.equal(d.reason, "not_newer");
  d = decidePush({ price: "100.6", publish_time: 1011 }, mem, policy, 1030);
  assert.equal(d.reason, "not_newer");
  // A reading older than max_reading_age is never pushed.
  d = decidePush({ price: "120", publish_time: 1027 }, mem, policy, 1100);
  assert.equal(d.reason, "too_old");
});

test("push: a jump beyond the bound waits for a confirming second reading on the same side", () => {
  const mem = { last_pushed: { price: "100", publish_time: 1000 } };
  let d = decidePush({ price: "70", publish_time: 1001 }, mem, policy, 1001);
  assert.equal(d.push, false);
  assert.equal(d.reason, "jump_held");
  // Same reading again (not newer than the held one): still held.
  d = decidePush({ price: "70", publish_time: 1001 }, d.memory, policy, 1001);
  assert.equal(d.reason, "jump_held");
  // A newer reading on the same side beyond the bound confirms; the newer one is pushed.
  d = decidePush({ price: "69", publish_time: 1002 }, d.memory, policy, 1002);
  assert.equal(d.push && d.reason, "confirmed_jump");
  assert.deepEqual(d.memory, { last_pushed: { price: "69", publish_time: 1002 } });
  // A blip: up 30%, then back within the bound: the blip is dropped, never pushed.
  let b = decidePush({ price: "130", publish_time: 1001 }, mem, policy, 1001);
  b = decidePush({ price: "100.1", publish_time: 1002 }, b.memory, policy, 1002);
  assert.equal(b.push, false);
  assert.equal(b.memory.pending_jump, undefined);
  // A jump up then a jump down do not confirm each other.
  let c = decidePush({ price: "130", publish_time: 1001 }, mem, policy, 1001);
  c = decidePush({ price: "70", publish_time: 1002 }, c.memory, policy, 1002);
  assert.equal(c.reason, "jump_held");
});

test("backoff: full jitter under an exponential cap", () => {
  const p = { base_ms: 100, cap_ms: 5000 };
  assert.equal(backoffDelay(0, p, () => 0.999999), 99);
  assert.equal(backoffDelay(3, p, () => 0.5), 400);
  assert.equal(backoffDelay(20, p, () => 0.999999), 4999);
  assert.equal(backoffDelay(5, p, () => 0), 0);
});

test("withBackoff retries retryable errors only", async () => {
  let n = 0;
  const v = await withBackoff(async () => {
    if (n++ < 2) throw new Error("ECONNRESET");
    return 7;
  }, { base_ms: 1, cap_ms: 2, retries: 3, retryable: (e) => /ECONNRESET/.test(String(e)) });
  assert.equal(v, 7);
  assert.equal(n, 3);
  let m = 0;
  await assert.rejects(withBackoff(async () => { m++; throw new Error("position is healthy"); }, { base_ms: 1, cap_ms: 2, retries: 3, retryable: () => false }));
  assert.equal(m, 1);
});
