//! The stress sweep: from a played scenario's end state, index crashes and spikes of a given
//! size on one market or on all of them, each on its own fork of that state
//! ([`Player::fork`]), and what each costs the reserve, junior, senior and traders.
//!
//! One case: the market's feeders push the index moved by the size (from the index now, or the
//! mark when there is none); an arbitrageur (`stress-arb`, funded for it) trades the vAMM to
//! 1% short of the new index, as arbitrage would, since liquidations close on the vAMM; then a
//! keeper liquidates every position that can be liquidated, one part per position per block,
//! until none can. Every step is a checked step of the suite, so the invariants hold throughout.

use cosmwasm_std::{Addr, Decimal256, Uint128};
use serde::Serialize;

use crate::play::{Player, SHARE_UNIT};
use crate::ONE;

/// Index moves of the sweep, in percent.
pub const SIZES: [u32; 12] = [5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60];

/// Liquidation rounds a case may take at most (a round gives every position one part).
const MAX_ROUNDS: usize = 60;

/// Which way the index moves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Down by the size.
    Crash,
    /// Up by the size.
    Spike,
}

impl Direction {
    /// `crash` or `spike`.
    pub fn name(self) -> &'static str {
        match self {
            Direction::Crash => "crash",
            Direction::Spike => "spike",
        }
    }
}

/// What one case cost.
#[derive(Clone, Debug, Serialize)]
pub struct StressRow {
    /// The market moved, or `all markets`.
    pub target: String,
    /// Crash or spike.
    pub direction: Direction,
    /// Size of the move, percent.
    pub move_pct: u32,
    /// Liquidation parts executed.
    pub liquidations: u32,
    /// Bad debt the liquidations left.
    pub bad_debt: Uint128,
    /// Paid by the reserve.
    pub paid_by_reserve: Uint128,
    /// Paid by junior.
    pub paid_by_junior: Uint128,
    /// Paid by senior.
    pub paid_by_senior: Uint128,
    /// Socialized over open margin.
    pub socialized: Uint128,
    /// Left uncovered (a deficit of the engine).
    pub uncovered: Uint128,
    /// Junior share price after, USDC per whole share.
    pub junior_price: Decimal256,
    /// Senior share price after.
    pub senior_price: Decimal256,
    /// Fund assets after.
    pub total_assets: Uint128,
    /// Coverage ratio after (assets over target), if a target.
    pub coverage: Option<Decimal256>,
    /// What did not go as planned (a refused push or arbitrage), if anything.
    pub note: String,
}

/// The sweep's cases: each market alone, then all markets together when there are several.
pub fn targets(player: &Player) -> Vec<Vec<String>> {
    let ids: Vec<String> = player.markets.iter().map(|m| m.id.clone()).collect();
    let mut out: Vec<Vec<String>> = ids.iter().map(|id| vec![id.clone()]).collect();
    if ids.len() > 1 {
        out.push(ids);
    }
    out
}

/// Runs the whole sweep from `end`; `progress(done, total, row)` after each case.
pub fn sweep(
    end: &Player,
    sizes: &[u32],
    progress: &mut dyn FnMut(usize, usize, &StressRow),
) -> Vec<StressRow> {
    let targets = targets(end);
    let total = targets.len() * sizes.len() * 2;
    let mut rows = vec![];
    for markets in &targets {
        for direction in [Direction::Crash, Direction::Spike] {
            for &size in sizes {
                let mut fork = end.fork();
                let row = apply(&mut fork, markets, size, direction);
                progress(rows.len() + 1, total, &row);
                rows.push(row);
            }
        }
    }
    rows
}

/// Applies one case to `player`.
pub fn apply(player: &mut Player, markets: &[String], pct: u32, direction: Direction) -> StressRow {
    let ledger_before = player.ledger().last().map_or(0, |l| l.shortfall_id);
    let social_before = player.socialized().last().map_or(0, |l| l.shortfall_id);
    let mut notes = vec![];
    let factor = match direction {
        Direction::Crash => Decimal256::percent(100 - u64::from(pct.min(99))),
        Direction::Spike => Decimal256::percent(100 + u64::from(pct)),
    };
    let arb = player.suite.addr("stress-arb");
    player.suite.mint(&arb, 1_000_000_000 * 1_000 * ONE);
    let keeper = player.addr("keeper").expect("keeper key");
    for id in markets {
        let market = player.suite.market(id);
        let from = market.index_price.unwrap_or(market.mark_price);
        let new = from * factor;
        player.next_block();
        let feeders = market.feeders.clone();
        let now = player.now().seconds();
        for feeder in &feeders {
            if let Err(e) = player
                .suite
                .push_price_at(feeder, id, &new.to_string(), now)
            {
                notes.push(format!("{id}: push refused: {e}"));
            }
        }
        // The arbitrage: the vAMM to 1% short of the new index (constant product).
        let target_mark = match direction {
            Direction::Crash => dec_f64(new) * 1.01,
            Direction::Spike => dec_f64(new) * 0.99,
        };
        let market = player.suite.market(id);
        let (base, quote) = (
            market.base_reserve.u128() as f64,
            market.quote_reserve.u128() as f64,
        );
        let target_base = (base * quote / target_mark).sqrt();
        let delta = (base - target_base) as i128;
        if delta.unsigned_abs() > 0 {
            let margin =
                (delta.unsigned_abs() as f64 * dec_f64(new).max(dec_f64(from)) / 2.0) as u128 + ONE;
            player.next_block();
            if let Err(e) = player.suite.trade(&arb, id, delta, margin) {
                notes.push(format!("{id}: arbitrage refused: {e}"));
            }
        }
    }
    let mut liquidations = 0u32;
    for _ in 0..MAX_ROUNDS {
        let mut any = false;
        for id in markets {
            let traders: Vec<Addr> = player
                .suite
                .perp
                .as_ref()
                .and_then(|r| r.traders.get(id))
                .map(|t| t.iter().cloned().collect())
                .unwrap_or_default();
            for trader in traders {
                let liquidatable = player.suite.position(id, &trader).is_some_and(|p| {
                    let maintenance = player.suite.market(id).params.maintenance_margin_ratio;
                    p.margin_ratio
                        .is_none_or(|r| r < Decimal256::from(maintenance))
                });
                if !liquidatable {
                    continue;
                }
                player.next_block();
                if player.suite.liquidate(&keeper, id, &trader).is_ok() {
                    liquidations += 1;
                    any = true;
                }
            }
        }
        if !any {
            break;
        }
    }
    let mut row = StressRow {
        target: if markets.len() == 1 {
            markets[0].clone()
        } else {
            "all markets".to_string()
        },
        direction,
        move_pct: pct,
        liquidations,
        bad_debt: Uint128::zero(),
        paid_by_reserve: Uint128::zero(),
        paid_by_junior: Uint128::zero(),
        paid_by_senior: Uint128::zero(),
        socialized: Uint128::zero(),
        uncovered: Uint128::zero(),
        junior_price: Decimal256::zero(),
        senior_price: Decimal256::zero(),
        total_assets: Uint128::zero(),
        coverage: None,
        note: notes.join("; "),
    };
    for loss in player
        .ledger()
        .into_iter()
        .filter(|l| l.shortfall_id > ledger_before)
    {
        row.paid_by_reserve += loss.paid_by_reserve;
        row.paid_by_junior += loss.paid_by_junior;
        row.paid_by_senior += loss.paid_by_senior;
    }
    for loss in player
        .socialized()
        .into_iter()
        .filter(|l| l.shortfall_id > social_before)
    {
        row.bad_debt += loss.bad_debt;
        row.socialized += loss.socialized;
        row.uncovered += loss.uncovered;
    }
    let state = player.suite.state();
    let per_share = Decimal256::from_ratio(SHARE_UNIT, ONE);
    row.junior_price = state.junior.price * per_share;
    row.senior_price = state.senior.price * per_share;
    row.total_assets = state.total_assets;
    row.coverage = state.coverage.coverage_ratio;
    row
}

/// A decimal as a float (for plots and the arbitrage's approximate size).
pub fn dec_f64(d: Decimal256) -> f64 {
    d.to_string().parse().unwrap_or(0.0)
}
