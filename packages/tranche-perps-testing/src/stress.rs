//! The stress sweep: from a played scenario's end state, index crashes and spikes of a given
//! size on one market or on all of them, each on its own fork of that state
//! ([`Player::fork`]), and what each costs the reserve, junior, senior and traders.
//!
//! One case: the market's feeders push the index moved by the size (from the index now, or the
//! mark when there is none); an arbitrageur (`stress-arb`, funded for it) trades the vAMM to
//! 1% short of the new index, as arbitrage would, since liquidations close on the vAMM; then a
//! keeper liquidates every position that can be liquidated, one part per position per block,
//! until none can. Every step is a checked step of the suite, so the invariants hold throughout.
//!
//! Before each case the fund's `Stress` query (the engine's `StressLoss` through the fund's
//! waterfall, `docs/fund.md#stress-query`) is asked for the same move from the same state.
//! Beside it, three exact figures: the case's own bad debt (liquidations filled on the vAMM
//! after the arbitrage), the exact bad debt at the moved index with every position's margin now
//! ([`exact_at_index`]), and the same with each position as the buckets counted it
//! ([`exact_as_counted`]). The last is what the query's stated accuracy is about, and is
//! checked against it ([`within_accuracy`]); the other two differ from it by what the query
//! documents as not modelled (`docs/engine.md#stress-query`): the fills' distance from the
//! index, and losses socialized (or funding accrued) since a position was last counted.

use cosmwasm_std::{Addr, Decimal256, Uint128};
use serde::Serialize;

use tranche_perps_types::fund::StressResponse;

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
    /// The on-chain stress view's answer for the same move, asked before it.
    pub estimate: Option<StressEstimate>,
}

/// The fund's `Stress` answer for a case (asked from the state the case starts from), and
/// whether the case's exact bad debt lies within its stated accuracy.
#[derive(Clone, Debug, Serialize)]
pub struct StressEstimate {
    /// Where it was asked: `cw-multi-test`, or the chain and height.
    pub source: String,
    /// The exact bad debt at the moved index from the state the case starts from, margins now
    /// ([`exact_at_index`]).
    pub exact_at_index: Uint128,
    /// The same with each position as the buckets counted it ([`exact_as_counted`]): what the
    /// estimate is checked against.
    pub exact_as_counted: Uint128,
    /// The engine's estimated bad debt (summed over the markets moved).
    pub bad_debt: Uint128,
    /// Most the estimate may be below the exact bad debt at the moved index, besides rounding.
    pub max_error: Uint128,
    /// Open positions in the markets moved: the exact figure rounds each on its own, one unit
    /// each at most.
    pub positions: u32,
    /// The waterfall of the estimate: what the reserve would pay.
    pub from_reserve: Uint128,
    /// What junior would pay.
    pub from_junior: Uint128,
    /// What senior would pay.
    pub from_senior: Uint128,
    /// What the engine would socialize.
    pub unpaid: Uint128,
    /// The case's exact bad debt is within [`within_accuracy`] of the estimate.
    pub within: bool,
    /// The query's refusal, when it refused (then `within` is false).
    pub error: Option<String>,
}

/// Whether `exact` bad debt lies within the stress query's stated accuracy
/// (`docs/engine.md#stress-query`): the estimate is never above the exact figure by more than
/// 1 unit, and never below it by more than `max_error` plus one unit per position.
pub fn within_accuracy(
    exact: Uint128,
    estimate: Uint128,
    max_error: Uint128,
    positions: u32,
) -> bool {
    let (exact, estimate) = (exact.u128(), estimate.u128());
    estimate <= exact.saturating_add(1)
        && exact
            <= estimate
                .saturating_add(max_error.u128())
                .saturating_add(u128::from(positions))
}

/// The move of a case as the stress queries take it: "-0.05" for a 5% crash, "0.05" for a spike.
pub fn price_move(pct: u32, direction: Direction) -> String {
    let size = cosmwasm_std::Decimal::percent(u64::from(pct)).to_string();
    match direction {
        Direction::Crash => format!("-{size}"),
        Direction::Spike => size,
    }
}

/// The fund's `Stress` answer on `player` for a case (one market, or every market).
pub fn query_estimate(
    player: &Player,
    markets: &[String],
    pct: u32,
    direction: Direction,
) -> Result<StressResponse, String> {
    let market = (markets.len() == 1).then(|| markets[0].as_str());
    player
        .suite
        .stress(market, &price_move(pct, direction))
        .map_err(|e| e.to_string())
}

/// Open positions in `markets` on `player`.
pub fn open_positions(player: &Player, markets: &[String]) -> u32 {
    let Some(records) = player.suite.perp.as_ref() else {
        return 0;
    };
    markets
        .iter()
        .flat_map(|id| {
            records
                .traders
                .get(id)
                .into_iter()
                .flatten()
                .filter(move |t| player.suite.position(id, t).is_some())
        })
        .count() as u32
}

/// The moved index of each of `markets` on `player`: the index now (the mark when there is
/// none) times `1 -` or `1 +` the size, as [`apply`] pushes it.
pub fn moved_prices(
    player: &Player,
    markets: &[String],
    pct: u32,
    direction: Direction,
) -> Vec<(String, Decimal256)> {
    let factor = move_factor(pct, direction);
    markets
        .iter()
        .map(|id| {
            let m = player.suite.market(id);
            (id.clone(), m.index_price.unwrap_or(m.mark_price) * factor)
        })
        .collect()
}

fn move_factor(pct: u32, direction: Direction) -> Decimal256 {
    match direction {
        Direction::Crash => Decimal256::percent(100 - u64::from(pct.min(99))),
        Direction::Spike => Decimal256::percent(100 + u64::from(pct)),
    }
}

/// The exact bad debt at the given prices from `player`'s state: over every open position of
/// those markets, its equity at the price (margin as stored, socialized losses included, plus
/// its PnL at the price), counted when negative; each position rounded on its own. The figure
/// the engine's `StressLoss` estimates (`docs/engine.md#stress-query`).
pub fn exact_at_index(player: &Player, prices: &[(String, Decimal256)]) -> Uint128 {
    use perp_engine::state::{POSITIONS, STATE};
    let Some(records) = player.suite.perp.as_ref() else {
        return Uint128::zero();
    };
    let storage = player.suite.app.contract_storage(&player.suite.engine);
    let state = STATE.load(&*storage).expect("engine state");
    let mut total = 0u128;
    for (id, price) in prices {
        for trader in records.traders.get(id).into_iter().flatten() {
            let Some(p) = POSITIONS
                .may_load(&*storage, (trader, id))
                .expect("a position")
            else {
                continue;
            };
            if p.size.is_zero() {
                continue;
            }
            let margin = perp_engine::margin::margin_of(&state, &p)
                .expect("margin")
                .u128() as i128;
            let pnl = perp_engine::position::pnl_at(&p, *price)
                .expect("pnl")
                .i128();
            total += margin.saturating_add(pnl).min(0).unsigned_abs();
        }
    }
    Uint128::new(total)
}

/// The exact bad debt at the given prices of the positions as the stress buckets counted them
/// (each position's recorded `stress_debt` and its size: a long's loss is `debt - size * p`, a
/// short's `size * p - debt`, when positive), each position rounded up on its own. The figure
/// whose distance from the estimate the query bounds.
pub fn exact_as_counted(player: &Player, prices: &[(String, Decimal256)]) -> Uint128 {
    use cosmwasm_std::Uint256;
    use perp_engine::state::POSITIONS;
    const UNIT: Uint256 = Uint256::from_u128(1_000_000_000_000_000_000);
    let Some(records) = player.suite.perp.as_ref() else {
        return Uint128::zero();
    };
    let storage = player.suite.app.contract_storage(&player.suite.engine);
    let mut total = Uint256::zero();
    for (id, price) in prices {
        for trader in records.traders.get(id).into_iter().flatten() {
            let Some(p) = POSITIONS
                .may_load(&*storage, (trader, id))
                .expect("a position")
            else {
                continue;
            };
            let Some(part) = perp_engine::stress::counted(&p).expect("a counted part") else {
                continue;
            };
            let debt = Uint256::from(part.debt) * UNIT;
            let value = Uint256::from(part.size) * price.atomics();
            let loss = if part.long {
                debt.saturating_sub(value)
            } else {
                value.saturating_sub(debt)
            };
            total += (loss + UNIT - Uint256::one()) / UNIT;
        }
    }
    Uint128::try_from(total).expect("bad debt fits")
}

/// `answer` set beside the exact figures at the moved index: `now` (margins now) and
/// `counted` (as the buckets counted the positions: what the accuracy is checked on).
pub fn estimate_of(
    answer: Result<StressResponse, String>,
    source: &str,
    positions: u32,
    now: Uint128,
    counted: Uint128,
) -> StressEstimate {
    match answer {
        Ok(a) => StressEstimate {
            source: source.to_string(),
            exact_at_index: now,
            exact_as_counted: counted,
            bad_debt: a.engine.bad_debt,
            max_error: a.engine.max_error,
            positions,
            from_reserve: a.loss.from_reserve,
            from_junior: a.loss.from_junior,
            from_senior: a.loss.from_senior,
            unpaid: a.loss.unpaid,
            within: within_accuracy(counted, a.engine.bad_debt, a.engine.max_error, positions),
            error: None,
        },
        Err(e) => StressEstimate {
            source: source.to_string(),
            exact_at_index: now,
            exact_as_counted: counted,
            bad_debt: Uint128::zero(),
            max_error: Uint128::zero(),
            positions,
            from_reserve: Uint128::zero(),
            from_junior: Uint128::zero(),
            from_senior: Uint128::zero(),
            unpaid: Uint128::zero(),
            within: false,
            error: Some(e),
        },
    }
}

/// The cases whose exact bad debt is outside the stress query's accuracy (or whose query was
/// refused), as lines.
pub fn accuracy_failures(rows: &[StressRow]) -> Vec<String> {
    rows.iter()
        .filter(|r| r.estimate.as_ref().is_none_or(|e| !e.within))
        .map(|r| match &r.estimate {
            None => format!("{} {} {}%: no stress query answer", r.target, r.direction.name(), r.move_pct),
            Some(StressEstimate { error: Some(e), .. }) => {
                format!("{} {} {}%: stress query refused: {e}", r.target, r.direction.name(), r.move_pct)
            }
            Some(e) => format!(
                "{} {} {}%: exact bad debt at the index as counted {} outside the estimate {} (max_error {}, {} positions)",
                r.target,
                r.direction.name(),
                r.move_pct,
                e.exact_as_counted,
                e.bad_debt,
                e.max_error,
                e.positions
            ),
        })
        .collect()
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

/// Runs the whole sweep from `end`, each case beside the fund's `Stress` answer on `end`;
/// `progress(done, total, row)` after each case.
pub fn sweep(
    end: &Player,
    sizes: &[u32],
    progress: &mut dyn FnMut(usize, usize, &StressRow),
) -> Vec<StressRow> {
    sweep_with(
        end,
        sizes,
        "cw-multi-test",
        &mut |markets, size, direction| query_estimate(end, markets, size, direction),
        progress,
    )
}

/// Where a sweep's stress answers come from: (markets moved, size in percent, direction) to
/// the fund's `Stress` answer, or why there is none.
pub type Estimator<'a> =
    dyn FnMut(&[String], u32, Direction) -> Result<StressResponse, String> + 'a;

/// [`sweep`] with the stress answers from `estimate` (e.g. the chain's), labelled `source`.
pub fn sweep_with(
    end: &Player,
    sizes: &[u32],
    source: &str,
    estimate: &mut Estimator<'_>,
    progress: &mut dyn FnMut(usize, usize, &StressRow),
) -> Vec<StressRow> {
    let targets = targets(end);
    let total = targets.len() * sizes.len() * 2;
    let mut rows = vec![];
    for markets in &targets {
        let positions = open_positions(end, markets);
        for direction in [Direction::Crash, Direction::Spike] {
            for &size in sizes {
                let answer = estimate(markets, size, direction);
                let prices = moved_prices(end, markets, size, direction);
                let (now, counted) = (exact_at_index(end, &prices), exact_as_counted(end, &prices));
                let mut fork = end.fork();
                let mut row = apply(&mut fork, markets, size, direction);
                row.estimate = Some(estimate_of(answer, source, positions, now, counted));
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
    let factor = move_factor(pct, direction);
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
        estimate: None,
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
