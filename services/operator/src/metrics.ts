// The Prometheus metrics (prom-client), one registry per process. docs/operator.md#metrics
// describes each.
import { Counter, Gauge, Histogram, Registry } from "prom-client";

export function createMetrics() {
  const registry = new Registry();
  const g = (name: string, help: string, labelNames: string[] = []) => new Gauge({ name, help, labelNames, registers: [registry] });
  const m = {
    registry,
    trancheAssets: g("tranche_perps_tranche_assets", "Assets of a fund tranche (collateral base units)", ["tranche"]),
    trancheSupply: g("tranche_perps_tranche_supply", "Share supply of a fund tranche (share base units)", ["tranche"]),
    trancheSharePrice: g("tranche_perps_tranche_share_price", "Assets per share of a fund tranche", ["tranche"]),
    coverageRatio: g("tranche_perps_coverage_ratio", "Fund assets over its coverage target (1 = at target); absent when there is no open interest"),
    coverageTarget: g("tranche_perps_coverage_target", "The fund's coverage target (collateral base units)"),
    fundTotalAssets: g("tranche_perps_fund_total_assets", "Fund total assets (collateral base units)"),
    reserve: g("tranche_perps_fund_reserve", "The fund's reserve (collateral base units)"),
    pendingPremium: g("tranche_perps_engine_pending_premium", "Premium in the engine waiting for a sweep (base units)"),
    unsplitFees: g("tranche_perps_engine_unsplit_fees", "Trading fees in the engine not yet split by a sweep (base units)"),
    uncoveredBadDebt: g("tranche_perps_engine_uncovered_bad_debt", "Bad debt neither the fund nor the engine's pools covered (base units)"),
    owedPayouts: g("tranche_perps_engine_owed_payouts", "Payouts the engine owes and could not pay yet (base units)"),
    indexAge: g("tranche_perps_index_age_seconds", "Seconds since the market's index publish time, at the latest block", ["market"]),
    indexStale: g("tranche_perps_index_stale", "1 when the market's index is older than oracle_max_age_seconds", ["market"]),
    oracleMaxAge: g("tranche_perps_oracle_max_age_seconds", "The market's oracle_max_age_seconds", ["market"]),
    indexPrice: g("tranche_perps_index_price", "The market's index price", ["market"]),
    markPrice: g("tranche_perps_mark_price", "The market's vAMM mark price", ["market"]),
    markIndexSpread: g("tranche_perps_mark_index_spread", "(mark - index) / index", ["market"]),
    openInterest: g("tranche_perps_open_interest", "Open interest of a side (base units)", ["market", "side"]),
    nextFundingTime: g("tranche_perps_next_funding_time_seconds", "When funding settle is next due (unix seconds)", ["market"]),
    trackedPositions: g("tranche_perps_keeper_tracked_positions", "Positions the keeper tracks"),
    keeperBalance: g("tranche_perps_keeper_balance", "The keeper's balance in the fee denom", ["address", "denom"]),
    feederBalance: g("tranche_perps_feeder_balance", "A feeder's balance in the fee denom", ["address", "denom"]),
    latestHeight: g("tranche_perps_chain_height", "Latest block height seen"),
    latestBlockAge: g("tranche_perps_chain_block_age_seconds", "Seconds since the latest block's time"),
    healthy: g("tranche_perps_healthy", "1 when /health passes"),
    actions: new Counter({ name: "tranche_perps_keeper_actions_total", help: "Keeper and pusher actions by kind and result (done, benign, failed)", labelNames: ["kind", "result"], registers: [registry] }),
    rpcLatency: new Histogram({ name: "tranche_perps_rpc_latency_seconds", help: "RPC call latency", labelNames: ["call"], buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [registry] }),
    rpcErrors: new Counter({ name: "tranche_perps_rpc_errors_total", help: "RPC calls that failed", labelNames: ["call"], registers: [registry] }),
    pushes: new Counter({ name: "tranche_perps_pusher_decisions_total", help: "Pusher decisions by market, feeder and reason", labelNames: ["market", "feeder", "reason"], registers: [registry] }),
    lastPushAge: g("tranche_perps_pusher_last_push_age_seconds", "Seconds since the publish time of the feeder's last push", ["market", "feeder"]),
  };
  return m;
}

export type Metrics = ReturnType<typeof createMetrics>;

/** Times an RPC call into the latency histogram and counts its failures. */
export async function timed<T>(metrics: Metrics | undefined, call: string, fn: () => Promise<T>): Promise<T> {
  const end = metrics?.rpcLatency.startTimer({ call });
  try {
    return await fn();
  } catch (e) {
    metrics?.rpcErrors.inc({ call });
    throw e;
  } finally {
    end?.();
  }
}
