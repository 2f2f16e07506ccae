// The monitor: reads the fund and the engine each interval into the Prometheus gauges, and
// serves /metrics and /health on a loopback address.
import { createServer, type Server } from "node:http";
import type { CosmWasmClient } from "@cosmjs/cosmwasm-stargate";
import { InsuranceFundQueryClient, PerpEngineQueryClient, type Deployment, type PerpEngineTypes } from "@tranche-perps/client";
import { decToNumber, parseDec, tsSeconds } from "./decimal";
import { nextFundingTime } from "./decide/upkeep";
import { timed, type Metrics } from "./metrics";
import type { Logger } from "./log";

export interface HealthReport {
  ok: boolean;
  problems: string[];
  height: number;
  block_age_seconds: number;
  markets: Record<string, { index_age_seconds: number | null; stale: boolean }>;
}

/** Health from the latest block's age and each market's index age (pure, unit-tested). */
export function health(
  blockAge: number,
  markets: { id: string; index_publish_time?: number | null; oracle_max_age_seconds: number }[],
  now: number,
  stallSeconds: number,
  height = 0,
): HealthReport {
  const problems: string[] = [];
  if (blockAge > stallSeconds) problems.push(`chain stalled: the latest block is ${blockAge}s old (limit ${stallSeconds}s)`);
  const out: HealthReport["markets"] = {};
  for (const m of markets) {
    const age = m.index_publish_time == null ? null : now - m.index_publish_time;
    const stale = age === null || age > m.oracle_max_age_seconds;
    if (stale) problems.push(age === null ? `${m.id}: no index price` : `${m.id}: index is ${age}s old (max ${m.oracle_max_age_seconds}s)`);
    out[m.id] = { index_age_seconds: age, stale };
  }
  return { ok: problems.length === 0, problems, height, block_age_seconds: blockAge, markets: out };
}

export class Monitor {
  private engine: PerpEngineQueryClient;
  private fund: InsuranceFundQueryClient;
  report: HealthReport = { ok: false, problems: ["no reading yet"], height: 0, block_age_seconds: 0, markets: {} };
  private server?: Server;

  constructor(
    private client: CosmWasmClient,
    private d: Deployment,
    private metrics: Metrics,
    private log: Logger,
    private opts: { stallSeconds: number; feeDenom: string; keeper?: string; feeders: string[] },
  ) {
    this.engine = new PerpEngineQueryClient(client, d.contracts.engine);
    this.fund = new InsuranceFundQueryClient(client, d.contracts.fund);
  }

  async read(): Promise<void> {
    const m = this.metrics;
    const t = <T>(call: string, fn: () => Promise<T>) => timed(m, call, fn);
    try {
      const block = await t("block", () => this.client.getBlock());
      const blockTime = Math.floor(new Date(block.header.time).getTime() / 1000);
      const wall = Math.floor(Date.now() / 1000);
      const blockAge = Math.max(0, wall - blockTime);
      m.latestHeight.set(block.header.height);
      m.latestBlockAge.set(blockAge);
      const [fs, es] = await Promise.all([t("fund_state", () => this.fund.state()), t("engine_state", () => this.engine.state())]);
      for (const tr of [fs.junior, fs.senior]) {
        m.trancheAssets.set({ tranche: tr.tranche }, Number(tr.assets));
        m.trancheSupply.set({ tranche: tr.tranche }, Number(tr.supply));
        m.trancheSharePrice.set({ tranche: tr.tranche }, decToNumber(parseDec(tr.price)));
      }
      m.fundTotalAssets.set(Number(fs.total_assets));
      m.reserve.set(Number(fs.reserve));
      m.coverageTarget.set(Number(fs.coverage.target));
      if (fs.coverage.coverage_ratio != null) m.coverageRatio.set(decToNumber(parseDec(fs.coverage.coverage_ratio)));
      else m.coverageRatio.reset();
      m.pendingPremium.set(Number(es.pending_premium));
      m.unsplitFees.set(Number(es.unsplit_fees));
      m.uncoveredBadDebt.set(Number(es.uncovered_bad_debt));
      m.owedPayouts.set(Number(es.owed_payouts));
      const markets: PerpEngineTypes.MarketResponse[] = [];
      let start: string | undefined;
      for (;;) {
        const page = await t("markets", () => this.engine.markets({ limit: 10, startAfter: start }));
        markets.push(...page.markets);
        if (page.markets.length < 10) break;
        start = page.markets[page.markets.length - 1].id;
      }
      for (const mk of markets) {
        const labels = { market: mk.id };
        m.oracleMaxAge.set(labels, mk.params.oracle_max_age_seconds);
        if (mk.index_publish_time != null) m.indexAge.set(labels, blockTime - mk.index_publish_time);
        m.indexStale.set(labels, mk.index_publish_time == null || blockTime - mk.index_publish_time > mk.params.oracle_max_age_seconds ? 1 : 0);
        m.markPrice.set(labels, decToNumber(parseDec(mk.mark_price)));
        if (mk.index_price != null) {
          const index = parseDec(mk.index_price);
          m.indexPrice.set(labels, decToNumber(index));
          m.markIndexSpread.set(labels, Number(((parseDec(mk.mark_price) - index) * 1_000_000_000n) / index) / 1e9);
        }
        m.openInterest.set({ ...labels, side: "long" }, Number(mk.long_oi));
        m.openInterest.set({ ...labels, side: "short" }, Number(mk.short_oi));
        m.nextFundingTime.set(labels, nextFundingTime({ last_funding_time: tsSeconds(mk.last_funding_time), funding_interval_seconds: mk.params.funding_interval_seconds }));
      }
      if (this.opts.keeper) {
        const b = await t("balance", () => this.client.getBalance(this.opts.keeper as string, this.opts.feeDenom));
        m.keeperBalance.set({ address: this.opts.keeper, denom: this.opts.feeDenom }, Number(b.amount));
      }
      for (const f of this.opts.feeders) {
        const b = await t("balance", () => this.client.getBalance(f, this.opts.feeDenom));
        m.feederBalance.set({ address: f, denom: this.opts.feeDenom }, Number(b.amount));
      }
      this.report = health(
        blockAge,
        markets.map((mk) => ({ id: mk.id, index_publish_time: mk.index_publish_time, oracle_max_age_seconds: mk.params.oracle_max_age_seconds })),
        blockTime,
        this.opts.stallSeconds,
        block.header.height,
      );
    } catch (e) {
      this.report = { ...this.report, ok: false, problems: [`cannot read the chain: ${e instanceof Error ? e.message : String(e)}`] };
      this.log.warn("monitor read failed", { error: String(e) });
    }
    m.healthy.set(this.report.ok ? 1 : 0);
  }

  listen(host: string, port: number): Promise<void> {
    this.server = createServer(async (req, res) => {
      if (req.url === "/metrics") {
        res.writeHead(200, { "content-type": this.metrics.registry.contentType });
        res.end(await this.metrics.registry.metrics());
      } else if (req.url === "/health") {
        res.writeHead(this.report.ok ? 200 : 503, { "content-type": "application/json" });
        res.end(JSON.stringify(this.report));
      } else {
        res.writeHead(404).end();
      }
    });
    return new Promise((resolve) => this.server!.listen(port, host, () => resolve()));
  }

  close(): void {
    this.server?.close();
  }
}
