// Which positions to liquidate: the engine's health rule, in integers, rounded as the engine
// rounds (contracts/perp-engine/src/position.rs, liquidate.rs):
//
//   equity   = margin - funding owed + PnL at index
//   PnL      = long:  floor(size * index) - open_notional
//              short: open_notional - ceil(size * index)
//   required = ceil(maintenance_margin_ratio * floor(size * index))
//   liquidatable  <=>  size != 0 and equity < required
//
// The engine's `Position` query answers `margin` already net of the funding owed up to the
// market's funding clock and floored at zero, and `margin_ratio` = max(equity, 0) / notional at
// the last index. A margin floored at zero hides a negative remainder that only a large profit
// could offset, so a position also counts when the engine's own `margin_ratio` is below the
// maintenance ratio. The screen is deliberately one-sided: a liquidation the engine refuses
// (`NotLiquidatable`) costs a simulation and is recorded as benign; a missed one costs bad debt.
import { mulCeil, mulFloor, parseDec } from "../decimal";

export interface PositionView {
  trader: string;
  market: string;
  /** Int128 string, base units, negative for shorts. */
  size: string;
  /** Uint128 string. */
  open_notional: string;
  /** Uint128 string: margin net of funding owed up to the funding clock, floored at 0. */
  margin: string;
  /** Decimal string or null (engine's equity / notional at the last index). */
  margin_ratio?: string | null;
  /** Decimal string or null. */
  liquidation_price?: string | null;
}

export interface MarketRisk {
  /** Decimal string. */
  maintenance_margin_ratio: string;
  /** Decimal string of the index or null before the first price. */
  index_price?: string | null;
  /** Seconds. */
  index_publish_time?: number | null;
  oracle_max_age_seconds: number;
}

export function equityAt(p: PositionView, index: bigint): bigint {
  const size = BigInt(p.size);
  const open = BigInt(p.open_notional);
  const margin = BigInt(p.margin);
  if (size < 0n) return margin + open - mulCeil(-size, index);
  return margin + mulFloor(size, index) - open;
}

export function requiredAt(p: PositionView, index: bigint, mmr: bigint): bigint {
  const size = BigInt(p.size);
  const notional = mulFloor(size < 0n ? -size : size, index);
  return mulCeil(notional, mmr);
}

export function isLiquidatable(p: PositionView, index: bigint, mmr: bigint): boolean {
  if (BigInt(p.size) === 0n) return false;
  if (equityAt(p, index) < requiredAt(p, index, mmr)) return true;
  if (p.margin_ratio != null && BigInt(p.margin) === 0n && parseDec(p.margin_ratio) < mmr) return true;
  return false;
}

/** True when the market's index is fresh at `now` (the engine liquidates only at a fresh index). */
export function indexFresh(m: MarketRisk, now: number): boolean {
  if (m.index_price == null || m.index_publish_time == null) return false;
  return now <= m.index_publish_time + m.oracle_max_age_seconds;
}

export interface LiquidationTarget {
  trader: string;
  market: string;
  /** equity - required at the index (negative; most negative first). */
  shortfall: bigint;
}

/**
 * The positions to liquidate now, worst first: those below maintenance margin at their
 * market's fresh index. Positions of markets without a fresh index are skipped (the engine
 * would refuse with `StalePrice`/`NoPrice`).
 */
export function selectLiquidations(
  positions: PositionView[],
  markets: Record<string, MarketRisk>,
  now: number,
  limit = Infinity,
): LiquidationTarget[] {
  const out: LiquidationTarget[] = [];
  for (const p of positions) {
    const m = markets[p.market];
    if (!m || !indexFresh(m, now)) continue;
    const index = parseDec(m.index_price as string);
    const mmr = parseDec(m.maintenance_margin_ratio);
    if (!isLiquidatable(p, index, mmr)) continue;
    out.push({ trader: p.trader, market: p.market, shortfall: equityAt(p, index) - requiredAt(p, index, mmr) });
  }
  out.sort((a, b) => (a.shortfall < b.shortfall ? -1 : a.shortfall > b.shortfall ? 1 : 0));
  return out.slice(0, limit);
}

/**
 * The cheap screen over many tracked positions without a query each: a position whose cached
 * liquidation price is within `buffer` (relative) of being crossed by the index, or whose cache
 * has none (margin negative, or never read), is a candidate to re-read. A long is crossed when
 * the index falls to its liquidation price, a short when it rises to it. A long whose margin
 * covers its open notional has no liquidation price either (the engine answers none: equity
 * stays above the requirement at any index), and is not a candidate when the cache says so
 * (`margin` > 0 and >= `open_notional`); funding or a socialized loss that eats into that margin
 * is caught by the rotating refresh and the re-read of every trader after a socialized loss.
 */
export function nearLiquidation(
  p: { size: string; liquidation_price?: string | null; margin?: string; open_notional?: string },
  index: bigint,
  buffer: number,
): boolean {
  const size = BigInt(p.size);
  if (size === 0n) return false;
  if (p.liquidation_price == null) {
    if (size > 0n && p.margin != null && p.open_notional != null) {
      const margin = BigInt(p.margin);
      if (margin > 0n && margin >= BigInt(p.open_notional)) return false;
    }
    return true;
  }
  const liq = parseDec(p.liquidation_price);
  const b = BigInt(Math.round(buffer * 1e9));
  if (size > 0n) return index * 1_000_000_000n <= liq * (1_000_000_000n + b);
  return index * 1_000_000_000n >= liq * (1_000_000_000n - b);
}
