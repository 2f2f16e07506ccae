// The keeper: each round it catches up on engine events (to know which traders hold
// positions), re-reads the traders that changed and a rolling slice of the rest, liquidates the
// positions below maintenance margin at a fresh index, settles funding that is due, sweeps
// premium, expires lapsed withdrawal requests and claims what the engine owes it.
//
// Finding positions among many: the engine answers positions per trader only (`Positions
// { trader }`), so the keeper keeps the set of traders with open positions from the engine's
// `wasm` events (`trade`, `close_position`, `add_margin`, `remove_margin` name the trader as
// `sender`, `liquidate` as `trader`) scanned from a start height, with each position's last read
// size and liquidation price, in its state file. A round compares each market's index with the
// cached liquidation prices in memory and re-reads only the positions within
// `liquidation_buffer` of theirs, the traders touched by new events and `refresh_per_round`
// others in rotation (funding and socialized losses move liquidation prices slowly without
// an event of the trader's own); a socialized loss marks every trader for a re-read. Nobody is
// read twice in a round. A steady round makes one event search, 7 other calls and the re-reads:
// 53 position reads with 10,000 positions and 3 touched traders (test/keeper.test.ts "scale").
import { fromUtf8, toUtf8 } from "@cosmjs/encoding";
import type { CosmWasmClient } from "@cosmjs/cosmwasm-stargate";
import {
  InsuranceFundQueryClient,
  PerpEngineQueryClient,
  contractErrorText,
  type Deployment,
  type PerpEngineTypes,
} from "@tranche-perps/client";
import type { Config } from "./config";
import { selectLiquidations, nearLiquidation, indexFresh, type MarketRisk, type PositionView } from "./decide/liquidation";
import { fundingDue, sweepDue, lapsedRequests, claimOwedDue } from "./decide/upkeep";
import { parseDec, tsSeconds, tsSecondsCeil } from "./decimal";
import { classify } from "./outcome";
import { withBackoff } from "./backoff";
import type { Signer, AllowedMsg } from "./chain";
import type { Logger } from "./log";
import { timed, type Metrics } from "./metrics";
import { saveState, type OperatorState } from "./state";

type Market = PerpEngineTypes.MarketResponse;

export interface EngineEvent {
  action: string;
  attrs: Record<string, string>;
}

/** The engine's own `wasm` events in a transaction's events (nested calls of other contracts are skipped). */
export function engineEvents(
  events: readonly { type: string; attributes: readonly { key: string; value: string }[] }[],
  engine: string,
): EngineEvent[] {
  const out: EngineEvent[] = [];
  for (const ev of events) {
    if (ev.type !== "wasm") continue;
    const attrs: Record<string, string> = {};
    for (const a of ev.attributes) if (!(a.key in attrs)) attrs[a.key] = a.value;
    if (attrs._contract_address !== engine || !attrs.action) continue;
    out.push({ action: attrs.action, attrs });
  }
  return out;
}

/** Traders an engine event touches, and whether it socialized a loss over every position. */
export function touched(ev: EngineEvent): { traders: string[]; all: boolean } {
  switch (ev.action) {
    case "trade":
    case "close_position":
    case "add_margin":
    case "remove_margin":
      return { traders: ev.attrs.sender ? [ev.attrs.sender] : [], all: false };
    case "liquidate":
      return { traders: ev.attrs.trader ? [ev.attrs.trader] : [], all: false };
    case "shortfall_settled":
      return { traders: [], all: (ev.attrs.socialized ?? "0") !== "0" };
    default:
      return { traders: [], all: false };
  }
}

export class Keeper {
  private engine: PerpEngineQueryClient;
  private fund: InsuranceFundQueryClient;
  private refreshCursor = 0;
  /** Traders read this round, with what was read: nobody is read twice in a round. */
  private fresh = new Map<string, PositionView[]>();
  lastRoundOk = 0;

  constructor(
    private client: CosmWasmClient,
    private signer: Signer,
    private d: Deployment,
    private cfg: NonNullable<Config["keeper"]>,
    private top: Config,
    private state: OperatorState,
    private log: Logger,
    private metrics?: Metrics,
  ) {
    this.engine = new PerpEngineQueryClient(client, d.contracts.engine);
    this.fund = new InsuranceFundQueryClient(client, d.contracts.fund);
  }

  private save() {
    saveState(this.top.state_file, this.state);
  }

  private q<T>(call: string, fn: () => Promise<T>): Promise<T> {
    return withBackoff(() => timed(this.metrics, call, fn), {
      base_ms: this.top.backoff?.base_ms ?? 200,
      cap_ms: this.top.backoff?.cap_ms ?? 10_000,
      retries: this.top.backoff?.retries ?? 4,
      retryable: (e) => classify(e) === "retry",
      onRetry: (e, attempt, delay) => this.log.warn("rpc retry", { call, attempt, delay, error: String(e) }),
    });
  }

  /**
   * Sends one action; returns "done", "benign", "wait" or "failed". Never throws. The
   * transaction's hash is journaled before it is broadcast and cleared once it is known to be
   * in a block; after an error the journal entry stays for `recoverPending` to resolve (the
   * transaction may have landed).
   */
  async act(kind: string, key: string, m: AllowedMsg): Promise<"done" | "benign" | "wait" | "failed"> {
    const hashes: string[] = [];
    try {
      const res = await withBackoff(
        () =>
          this.signer.send(m, (hash) => {
            hashes.push(hash);
            this.state.pending[hash] = { kind, key, hash, height: 0, signer: this.signer.address };
            this.save();
          }),
        {
          base_ms: this.top.backoff?.base_ms ?? 200,
          cap_ms: this.top.backoff?.cap_ms ?? 10_000,
          retries: this.top.backoff?.retries ?? 4,
          retryable: (e) => classify(e) === "retry",
          onRetry: (e, attempt, delay) => this.log.warn("action retry", { kind, key, attempt, delay, error: contractErrorText(e) }),
        },
      );
      for (const h of hashes) if (h !== res.hash) this.state.pending[h].height ||= res.height;
      delete this.state.pending[res.hash];
      this.state.done[kind] = (this.state.done[kind] ?? 0) + 1;
      this.save();
      this.metrics?.actions.inc({ kind, result: "done" });
      this.log.info("action done", { kind, key, tx: res.hash, height: res.height, gas_used: res.gasUsed });
      return "done";
    } catch (e) {
      const outcome = classify(e);
      const text = contractErrorText(e);
      if (outcome === "benign") {
        this.metrics?.actions.inc({ kind, result: "benign" });
        this.log.info("action not needed", { kind, key, reason: text });
        return "benign";
      }
      if (outcome === "wait") {
        this.metrics?.actions.inc({ kind, result: "wait" });
        this.log.info("action must wait", { kind, key, reason: text });
        return "wait";
      }
      this.metrics?.actions.inc({ kind, result: "failed" });
      this.log.error("action failed", { kind, key, error: text });
      return "failed";
    }
  }

  /** Transactions journaled and not known to be in a block (a crash, a timeout): count those that landed, forget those that did not within 5 blocks. */
  async recoverPending(height: number): Promise<void> {
    const mine = Object.values(this.state.pending).filter((p) => p.signer === this.signer.address);
    for (const p of mine) {
      const tx = await this.q("get_tx", () => this.client.getTx(p.hash));
      if (tx) {
        if (tx.code === 0) this.state.done[p.kind] = (this.state.done[p.kind] ?? 0) + 1;
        this.log.info("journaled transaction found", { kind: p.kind, key: p.key, tx: p.hash, code: tx.code });
        delete this.state.pending[p.hash];
      } else if (p.height === 0) {
        p.height = height; // give it a few blocks
      } else if (height > p.height + 5) {
        this.log.info("journaled transaction never landed", { kind: p.kind, key: p.key, tx: p.hash });
        delete this.state.pending[p.hash];
      }
    }
    if (mine.length) this.save();
  }

  /** Catches up on engine events; returns the height scanned to. */
  async scanEvents(latest: number): Promise<number> {
    const from = this.state.engine_scan_height + 1;
    if (from > latest) return this.state.engine_scan_height;
    const to = Math.min(latest, from + (this.cfg.max_blocks_per_round ?? 2000) - 1);
    const query = `wasm._contract_address='${this.d.contracts.engine}' AND tx.height>=${from} AND tx.height<=${to}`;
    const txs = await this.q("tx_search", () => this.client.searchTx(query));
    const dirty = new Set(this.state.dirty);
    let all = false;
    for (const tx of txs) {
      if (tx.code !== 0) continue;
      for (const ev of engineEvents(tx.events, this.d.contracts.engine)) {
        const t = touched(ev);
        t.traders.forEach((x) => dirty.add(x));
        all ||= t.all;
      }
    }
    if (all) Object.keys(this.state.positions).forEach((x) => dirty.add(x));
    this.state.dirty = [...dirty];
    this.state.engine_scan_height = to;
    this.save();
    return to;
  }

  private async readTrader(trader: string): Promise<PositionView[]> {
    const res = await this.q("positions", () => this.engine.positions({ trader, limit: 30 }));
    const views = res.positions.filter((p) => BigInt(p.size) !== 0n);
    if (views.length === 0) delete this.state.positions[trader];
    else {
      this.state.positions[trader] = Object.fromEntries(
        views.map((p) => [p.market, { size: p.size, liquidation_price: p.liquidation_price ?? null, margin: p.margin, open_notional: p.open_notional }]),
      );
    }
    const out = views.map((p) => ({ ...p, trader }));
    this.fresh.set(trader, out);
    return out;
  }

  /**
   * Re-reads dirty traders (up to max(`refresh_per_round`, 200) a round) and
   * `refresh_per_round` others in rotation (traders not already read this round).
   */
  async refresh(): Promise<void> {
    const budget = this.cfg.refresh_per_round ?? 50;
    const dirty = this.state.dirty.slice(0, Math.max(budget, 200));
    for (const t of dirty) if (!this.fresh.has(t)) await this.readTrader(t);
    this.state.dirty = this.state.dirty.slice(dirty.length);
    const all = Object.keys(this.state.positions).sort();
    let read = 0;
    let walked = 0;
    while (read < budget && walked < all.length) {
      const t = all[(this.refreshCursor + walked) % all.length];
      walked++;
      if (this.fresh.has(t) || !this.state.positions[t]) continue;
      await this.readTrader(t);
      read++;
    }
    this.refreshCursor = all.length ? (this.refreshCursor + walked) % all.length : 0;
    this.metrics?.trackedPositions.set(Object.values(this.state.positions).reduce((n, m) => n + Object.keys(m).length, 0));
    this.save();
  }

  async markets(): Promise<Market[]> {
    const out: Market[] = [];
    let start_after: string | undefined;
    for (;;) {
      const page = await this.q("markets", () => this.engine.markets({ limit: 10, startAfter: start_after }));
      out.push(...page.markets);
      if (page.markets.length < 10) return out;
      start_after = page.markets[page.markets.length - 1].id;
    }
  }

  async liquidations(markets: Market[], now: number): Promise<void> {
    const risk: Record<string, MarketRisk> = {};
    for (const m of markets) {
      risk[m.id] = {
        maintenance_margin_ratio: m.params.maintenance_margin_ratio,
        index_price: m.index_price,
        index_publish_time: m.index_publish_time,
        oracle_max_age_seconds: m.params.oracle_max_age_seconds,
      };
    }
    const buffer = this.cfg.liquidation_buffer ?? 0.02;
    const candidates: string[] = [];
    for (const [trader, byMarket] of Object.entries(this.state.positions)) {
      for (const [market, p] of Object.entries(byMarket)) {
        const r = risk[market];
        if (!r || !indexFresh(r, now)) continue;
        if (nearLiquidation(p, parseDec(r.index_price as string), buffer)) {
          candidates.push(trader);
          break;
        }
      }
    }
    const views: PositionView[] = [];
    for (const t of candidates) views.push(...(this.fresh.get(t) ?? (await this.readTrader(t))));
    const targets = selectLiquidations(views, risk, now, this.cfg.max_liquidations_per_round ?? 20);
    for (const t of targets) {
      await this.act("liquidate", `${t.market}/${t.trader}`, { contract: "engine", msg: { liquidate: { market: t.market, trader: t.trader } } });
      // Re-read next round whatever happened (a part may be left, or another keeper won).
      if (!this.state.dirty.includes(t.trader)) this.state.dirty.push(t.trader);
    }
    this.save();
  }

  async upkeep(markets: Market[], now: number): Promise<void> {
    const config = await this.q("engine_config", () => this.engine.config());
    const halted = config.pause.halted;
    if (this.cfg.settle_funding !== false) {
      for (const m of markets) {
        if (fundingDue({ last_funding_time: tsSeconds(m.last_funding_time), funding_interval_seconds: m.params.funding_interval_seconds, has_index: m.index_price != null }, now, halted)) {
          await this.act("settle_funding", m.id, { contract: "engine", msg: { settle_funding: { market: m.id } } });
        }
      }
    }
    const st = await this.q("engine_state", () => this.engine.state());
    const threshold = BigInt(this.cfg.sweep_threshold ?? (config.fees.sweep_threshold !== "0" ? config.fees.sweep_threshold : "1"));
    if (sweepDue({ unsplit_fees: st.unsplit_fees, pending_premium: st.pending_premium, threshold, since_last: now - this.state.last_sweep_time, max_interval_seconds: this.cfg.sweep_max_interval_seconds ?? 3600 })) {
      const r = await this.act("sweep_premium", "engine", { contract: "engine", msg: { sweep_premium: {} } });
      if (r === "done") {
        this.state.last_sweep_time = now;
        this.save();
      }
    }
    if (this.cfg.expire_withdrawals !== false) await this.withdrawals(now);
    const owed = await this.q("owed", () => this.engine.owed({ address: this.signer.address }));
    if (claimOwedDue(owed.amount, BigInt(this.cfg.claim_owed_min ?? "1"))) {
      await this.act("claim_owed", this.signer.address, { contract: "engine", msg: { claim_owed: {} } });
    }
  }

  /** Reads requests created since the last round (ids are sequential: the fund's `next_request_id`), then expires the lapsed ones. */
  async withdrawals(now: number): Promise<void> {
    const raw = await this.q("raw_next_request_id", () => this.client.queryContractRaw(this.d.contracts.fund, toUtf8("next_request_id")));
    const next = raw && raw.length ? Number(fromUtf8(raw)) : 1;
    for (let id = this.state.next_request_id; id < next; id++) {
      try {
        const r = await this.q("withdrawal_request", () => this.fund.withdrawalRequest({ requestId: id }));
        this.state.requests[String(id)] = tsSecondsCeil(r.claim_deadline);
      } catch (e) {
        if (!/not found/.test(contractErrorText(e))) throw e;
      }
      this.state.next_request_id = id + 1;
    }
    this.save();
    const tracked = Object.entries(this.state.requests).map(([id, claim_deadline]) => ({ id: Number(id), claim_deadline }));
    for (const id of lapsedRequests(tracked, now, 20)) {
      const r = await this.act("expire_withdrawal", String(id), { contract: "fund", msg: { expire_withdrawal: { request_id: id } } });
      if (r === "done" || r === "benign") {
        delete this.state.requests[String(id)];
        this.save();
      }
    }
  }

  async round(): Promise<void> {
    this.fresh.clear();
    const height = await this.q("height", () => this.client.getHeight());
    const block = await this.q("block", () => this.client.getBlock(height));
    const now = Math.floor(new Date(block.header.time).getTime() / 1000);
    await this.recoverPending(height);
    await this.scanEvents(height);
    await this.refresh();
    const markets = await this.markets();
    await this.liquidations(markets, now);
    await this.upkeep(markets, now);
    this.fresh.clear();
    this.lastRoundOk = Date.now();
  }
}
