//! Randomized histories of the whole suite over two markets (`BTC-USD` and `ETH-USD`, each with
//! its own index price, vAMM reserves and funding interval; positions are isolated per (trader,
//! market)): traders open, grow, shrink, flip and close positions, add and remove margin; each
//! index moves (crashes included) and an arbitrageur trades that market's vAMM toward it;
//! keepers liquidate, settle funding and sweep premium; adversaries (below) try to profit. The
//! Suite checks after every step the engine's exact conservation identity, open interest, and
//! the fund's invariants (`docs/testing.md#invariants`: 1, 3, 4, 6, 9).
//!
//! Around every leaf operation (each part of a crash separately) every market is read before and
//! after, and (invariant 10, per market and per accrual span, in exact integer arithmetic):
//!
//! - a failed operation changes no market; an operation on one market changes no other market's
//!   funding indices, funding clock, open interest, vAMM reserves or funding pool;
//! - an operation that touches a market (trade, close, liquidate, add or remove margin, settle,
//!   push a price) accrues its funding continuously up to now and moves its funding clock to now;
//! - an independent model predicts that accrual from the market read before the operation (the
//!   mark from the vAMM reserves, the index and its publish time, open interest, parameters):
//!   over the span `[last_funding_time, now]` the seconds charged are those before
//!   `publish_time + oracle_max_age_seconds`, none if a side is empty; the rate per interval is
//!   `clamp(funding_factor * (mark - index) / index, ±max_funding_rate)`; the paying side's index
//!   rises by `trunc(trunc(|rate| * index) * charged / funding_interval_seconds)` and the other
//!   falls by `floor(rise * payer_oi / receiver_oi)`. The engine's index moves must equal the
//!   model's exactly;
//! - with `dL`, `dS` the moves of the long and short indices and `L`, `S` the open interest
//!   before the operation (funding is charged before open interest changes),
//!   `dL * L + dS * S` is what the payers paid minus what the receivers were credited for that
//!   span: it is >= 0 and below `receiver_oi` units of 1e-18 (the one rounding-down division of
//!   the receivers' share);
//! - when an index moves, exactly one rises (the payers') and the other falls or, when the credit
//!   per unit rounds to zero, stays; both sides had open interest; time had passed; and the
//!   rise is at most `max_funding_rate * index * elapsed / funding_interval_seconds`: funding is
//!   proportional to time, at most the capped rate for the seconds elapsed;
//! - a `SettleFunding` reports its market, the seconds elapsed and charged, a rate whose sign
//!   names the paying side, and `paid = floor(rise * payer_oi)`.
//!
//! At the end every position is closed and premium swept; then (invariant 2) every close paid
//! exactly margin + PnL - fee, each vAMM is back at its start, and the engine holds exactly its
//! treasury fees; per market, the funding positions paid (`funding_paid`, owed rounded up, due
//! rounded toward zero) is at least the sum of the per-span identities above and exceeds it
//! by less than one unit per funding application, and all of that dust has gone to treasury.
//!
//! Adversarial actors (SPEC.md section 9) play among the honest ones, each with its own
//! assertions on top of every check above:
//!
//! - Sandwicher ([`Op::Sandwich`]): a trader opens a leveraged position, the index moves
//!   against it and the arbitrageur closes part of the gap; then in one block the sandwicher
//!   trades the vAMM (random size and direction), liquidates a liquidatable trader as keeper
//!   and closes. Whenever the liquidation went through, the sandwicher's balance change minus
//!   the liquidation's `keeper_reward` (what its trades around it earned) is <= 0.
//! - Funding-boundary trader ([`Op::FundingBoundary`]): opens, waits 1 to 60 s with the index
//!   kept fresh, closes. Right after the open it owes nothing; the close's `funding_paid` is
//!   exactly its size times its side's funding index move between open and close (which the
//!   model above checks span by span), owed rounded up and due toward zero, and at most
//!   `max_funding_rate * index * seconds / funding_interval_seconds` times its size (paying)
//!   or times the paying side's open interest (receiving), plus one unit.
//! - Wash traders ([`Op::Wash`]): two accounts open and close opposite positions in one block,
//!   then a sweep. Open interest and its window are unchanged, the time-weighted sum
//!   (`oi_seconds`, read from the engine's storage) grew only by the running term (open
//!   interest before the wash times the seconds since the last fill), and the sweep's premium
//!   is exactly the pending premium plus `ceil(f * unsplit fees)`, `f` at the fund's coverage
//!   for the time-weighted open interest computed from the markets before the wash.
//! - Margin puller ([`Op::PullBeforeCrash`]): the honest feeders move the index more than
//!   `shock_move` past the index and both shock references; the market's shock then lasts at
//!   least `shock_pause_seconds`, and a trader's margin removal right after fails with exactly
//!   `MarketShocked` and changes no balance, position or market. Keepers then liquidate.
//! - Rogue feeder ([`Op::RogueFeed`]): the third feeder alone pushes 3x or 0.3x the index; the
//!   push is accepted and the index (price and publish time) stays what the honest feeders
//!   made it, so the harness's index stays right.
//! - Extreme price ([`Op::ExtremeFeed`]): the rogue pushes one market's `max_price`; in the
//!   other market a trade and its close succeed, a liquidation meets only an expected refusal,
//!   and a sweep succeeds.
//!
//! Every liquidation, the adversaries' included, goes through [`Harness::liquidate_by`]: the
//! fund is never asked for more than the bad debt closing the liquidated part at the index
//! would leave, and never pays more than it was asked.
//!
//! Case count: `PROPTEST_CASES` / 100, at least 8 (CI sets 2000 in the workspace run: 20
//! histories of up to 40 operations with their adversaries and liquidations in parts, 5 to 20 s
//! a history in a debug build; the 50 of a run at / 40 took 958 s).

use cosmwasm_std::{Addr, Decimal, Decimal256, SignedDecimal256, Uint128, Uint256};
use cw_multi_test::AppResponse;
use num_bigint::BigInt;
use num_traits::{Signed, Zero};
use perp_engine::ContractError as E;
use proptest::prelude::*;
use tranche_perps_testing::perp::{default_market_params, EngineResult};
use tranche_perps_testing::{Suite, ONE};
use tranche_perps_types::engine::{EngineConfigResponse, MarketParams, QueryMsg as EngineQuery};
use tranche_perps_types::fund::{CoverageResponse, FundParams, QueryMsg as FundQuery, Tranche};

/// A market of the harness.
struct Spec {
    id: &'static str,
    /// vAMM reserves at creation; `quote / base` is the starting price.
    base: u128,
    quote: u128,
    /// Starting index price (= starting mark).
    price: u128,
    funding_interval_seconds: u64,
}

const MARKETS: [Spec; 2] = [
    Spec {
        id: "BTC-USD",
        base: 1_000_000_000_000,
        quote: 100_000_000_000_000,
        price: 100,
        funding_interval_seconds: 3_600,
    },
    Spec {
        id: "ETH-USD",
        base: 4_000_000_000_000,
        quote: 100_000_000_000_000,
        price: 25,
        funding_interval_seconds: 1_800,
    },
];
const N_MARKETS: usize = MARKETS.len();
const TRADERS: usize = 4;
/// Atomics of one unit in the engine's 18-decimal fixed point.
const UNIT: u128 = 1_000_000_000_000_000_000;

#[derive(Clone, Debug)]
enum Op {
    /// Trade `size` base units sending `margin_pct` percent of ~notional at the market's
    /// starting price as margin.
    Trade {
        market: usize,
        trader: usize,
        size: i128,
        margin_pct: u32,
    },
    Close {
        market: usize,
        trader: usize,
    },
    AddMargin {
        market: usize,
        trader: usize,
        amount: u128,
    },
    RemoveMargin {
        market: usize,
        trader: usize,
        amount: u128,
    },
    /// Move the market's index by `bps` basis points (negative: down).
    Price {
        market: usize,
        bps: i32,
    },
    /// The arbitrageur closes `percent` of the gap between the market's mark and index.
    Arb {
        market: usize,
        percent: u32,
    },
    Liquidate {
        market: usize,
        trader: usize,
    },
    /// The market's index drops (or jumps) by `bps`, the arbitrageur trades the mark to it, and
    /// a keeper tries to liquidate everyone there: the path to bad debt.
    Crash {
        market: usize,
        bps: i32,
    },
    /// Time passes; every market gets a fresh price.
    Wait {
        seconds: u64,
    },
    Settle {
        market: usize,
    },
    Sweep,
    /// Adversary: `victim` trades `victim_size` with `margin_pct` margin, the index moves
    /// `bps` against its position and the arbitrageur closes `percent` of the gap (each in a
    /// block of its own); then in one block the sandwicher trades `size` on the market's vAMM,
    /// liquidates a trader as keeper (the first liquidatable one from `victim` on, else
    /// `victim`) and closes its own position.
    Sandwich {
        market: usize,
        victim: usize,
        victim_size: i128,
        margin_pct: u32,
        bps: i32,
        percent: u32,
        size: i128,
    },
    /// Adversary: the funding-boundary trader opens `size`, waits `seconds` (the index kept
    /// fresh) and closes.
    FundingBoundary {
        market: usize,
        size: i128,
        seconds: u64,
    },
    /// Adversary: two wash accounts open and close opposite positions of `size` in one block,
    /// then a sweep splits the fees.
    Wash {
        market: usize,
        size: u128,
    },
    /// Adversary: the index moves `bps` basis points (up or down) beyond every shock reference
    /// and `trader` tries to remove `amount` of margin before keepers liquidate.
    PullBeforeCrash {
        market: usize,
        trader: usize,
        bps: u32,
        up: bool,
        amount: u128,
    },
    /// Adversary: the third feeder alone pushes 3x (or 0.3x) the market's index.
    RogueFeed {
        market: usize,
        up: bool,
    },
    /// Adversary: the third feeder alone pushes the market's `max_price`; the other market
    /// trades (`size`), closes, liquidates `victim` and sweeps.
    ExtremeFeed {
        market: usize,
        size: i128,
        victim: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let size = prop_oneof![-5_000_000_000i128..-1_000_000, 1_000_000i128..5_000_000_000,];
    let m = 0..N_MARKETS;
    prop_oneof![
        6 => (m.clone(), 0..TRADERS, size.clone(), 5u32..60).prop_map(|(market, trader, size, margin_pct)| {
            Op::Trade { market, trader, size, margin_pct }
        }),
        2 => (m.clone(), 0..TRADERS).prop_map(|(market, trader)| Op::Close { market, trader }),
        1 => (m.clone(), 0..TRADERS, 1u128..50_000 * ONE)
            .prop_map(|(market, trader, amount)| Op::AddMargin { market, trader, amount }),
        1 => (m.clone(), 0..TRADERS, 1u128..50_000 * ONE)
            .prop_map(|(market, trader, amount)| Op::RemoveMargin { market, trader, amount }),
        3 => (m.clone(), -3_000i32..2_000).prop_map(|(market, bps)| Op::Price { market, bps }),
        3 => (m.clone(), 10u32..=100).prop_map(|(market, percent)| Op::Arb { market, percent }),
        3 => (m.clone(), 0..TRADERS).prop_map(|(market, trader)| Op::Liquidate { market, trader }),
        2 => (m.clone(), prop_oneof![-4_000i32..-1_000, 1_000i32..4_000])
            .prop_map(|(market, bps)| Op::Crash { market, bps }),
        2 => (60u64..8_000).prop_map(|seconds| Op::Wait { seconds }),
        2 => m.clone().prop_map(|market| Op::Settle { market }),
        1 => Just(Op::Sweep),
        3 => (
            (m.clone(), 0..TRADERS, size.clone(), 8u32..20),
            (300i32..2_500, 50u32..=100),
            prop_oneof![-20_000_000_000i128..-1_000_000, 1_000_000i128..20_000_000_000],
        )
            .prop_map(|((market, victim, victim_size, margin_pct), (bps, percent), size)| {
                Op::Sandwich { market, victim, victim_size, margin_pct, bps, percent, size }
            }),
        2 => (m.clone(), size.clone(), 1u64..=60)
            .prop_map(|(market, size, seconds)| Op::FundingBoundary { market, size, seconds }),
        2 => (m.clone(), 1_000_000u128..20_000_000_000)
            .prop_map(|(market, size)| Op::Wash { market, size }),
        2 => (m.clone(), 0..TRADERS, 1_100u32..4_000, any::<bool>(), 1u128..50_000 * ONE)
            .prop_map(|(market, trader, bps, up, amount)| {
                Op::PullBeforeCrash { market, trader, bps, up, amount }
            }),
        2 => (m.clone(), any::<bool>()).prop_map(|(market, up)| Op::RogueFeed { market, up }),
        1 => (m, size, 0..TRADERS)
            .prop_map(|(market, size, victim)| Op::ExtremeFeed { market, size, victim }),
    ]
}

fn attr(res: &AppResponse, key: &str) -> Option<String> {
    res.events
        .iter()
        .flat_map(|e| e.attributes.iter())
        .find(|a| a.key == key)
        .map(|a| a.value.clone())
}

/// Errors a random step may legitimately meet; anything else fails the property.
fn expected(err: &E) -> bool {
    matches!(
        err,
        E::InsufficientMargin { .. }
            | E::Bankrupt { .. }
            | E::SpreadTooWide { .. }
            | E::OpenInterestCapExceeded { .. }
            | E::BelowMinNotional { .. }
            | E::DustRemainder { .. }
            | E::NoPosition { .. }
            | E::NotLiquidatable { .. }
            | E::LiquidationDepthReached { .. }
            | E::LiquidationBandReached { .. }
            | E::FundingNotDue
            | E::StalePrice { .. }
            | E::InsufficientLiquidity
            | E::Insolvent { .. }
            | E::MarketShocked { .. }
    )
}

/// The fund's share of fees at `coverage`, in 1e-18 units: `max` up to coverage 1, `min` from
/// 2, linear between (the drop rounded down, so the share up: the fund's favour).
fn model_fund_share(coverage: Option<Decimal256>, max: Decimal, min: Decimal) -> BigInt {
    let (max, min) = (big(max.atomics()), big(min.atomics()));
    let unit = BigInt::from(UNIT);
    let Some(coverage) = coverage else {
        return min;
    };
    let coverage = big(coverage.atomics());
    if coverage <= unit {
        max
    } else if coverage >= &unit * 2 {
        min
    } else {
        &max - (&max - min) * (coverage - &unit) / &unit
    }
}

/// Exact value of a decimal's or integer's display form.
fn big(x: impl ToString) -> BigInt {
    x.to_string().parse().expect("integer")
}

/// A signed 18-decimal index as an exact integer of 1e-18 units.
fn atoms(d: SignedDecimal256) -> BigInt {
    big(d.atomics())
}

/// What an operation may change of a market, read before and after it.
#[derive(Clone, Debug, PartialEq)]
struct Snap {
    long_oi: u128,
    short_oi: u128,
    cum_long: SignedDecimal256,
    cum_short: SignedDecimal256,
    last_funding_time: u64,
    base_reserve: u128,
    quote_reserve: u128,
    funding_pool: i128,
    index: Option<Decimal256>,
    index_publish_time: Option<u64>,
    max_funding_rate: Decimal,
    funding_factor: Decimal,
    funding_interval_seconds: u64,
    oracle_max_age_seconds: u64,
}

impl Snap {
    /// Everything but the index price, which a push changes without touching the market.
    fn book(&self) -> Snap {
        Snap {
            index: None,
            index_publish_time: None,
            ..self.clone()
        }
    }
}

/// What a `SettleFunding` response reports.
struct Settled {
    market: String,
    elapsed: u64,
    charged: u64,
    rate: SignedDecimal256,
    paid: BigInt,
}

fn settled(res: &AppResponse) -> Option<Settled> {
    let charged = attr(res, "seconds_charged")?;
    Some(Settled {
        market: attr(res, "market").expect("settle names its market"),
        elapsed: attr(res, "seconds_elapsed").unwrap().parse().unwrap(),
        charged: charged.parse().unwrap(),
        rate: attr(res, "rate").unwrap().parse().unwrap(),
        paid: big(attr(res, "paid").unwrap()),
    })
}

/// The model's accrual of one market's funding over `[last_funding_time, now]` (module docs).
struct Accrual {
    /// Seconds charged.
    charged: u64,
    /// Rate per interval (zero when nothing was charged).
    rate: SignedDecimal256,
    /// Moves of the long and short indices, in 1e-18 units.
    d_long: BigInt,
    d_short: BigInt,
}

/// `a / b` truncated toward zero (`BigInt` division truncates).
fn trunc_div(a: &BigInt, b: &BigInt) -> BigInt {
    a / b
}

fn accrual(b: &Snap, now: u64) -> Accrual {
    let none = |charged| Accrual {
        charged,
        rate: SignedDecimal256::zero(),
        d_long: BigInt::zero(),
        d_short: BigInt::zero(),
    };
    let (Some(index), Some(published)) = (b.index, b.index_publish_time) else {
        return none(0);
    };
    if b.long_oi == 0 || b.short_oi == 0 {
        return none(0);
    }
    let fresh_until = published + b.oracle_max_age_seconds;
    let charged = now.min(fresh_until).saturating_sub(b.last_funding_time);
    if charged == 0 {
        return none(0);
    }
    let unit = BigInt::from(UNIT);
    let index = big(index.atomics());
    // Mark = quote reserve / base reserve, floored at 18 decimals.
    let mark = BigInt::from(b.quote_reserve) * &unit / BigInt::from(b.base_reserve);
    let premium = trunc_div(&((&mark - &index) * &unit), &index);
    let cap = big(b.max_funding_rate.atomics());
    let rate = trunc_div(&(premium * big(b.funding_factor.atomics())), &unit)
        .max(-cap.clone())
        .min(cap);
    let rate_decimal =
        SignedDecimal256::from_atomics(i128::try_from(rate.clone()).expect("rate fits"), 18)
            .unwrap();
    if rate.is_zero() {
        return Accrual {
            rate: rate_decimal,
            ..none(charged)
        };
    }
    let per_unit = (rate.abs() * &index / &unit) * BigInt::from(charged)
        / BigInt::from(b.funding_interval_seconds);
    let (payer, receiver) = if rate.is_positive() {
        (b.long_oi, b.short_oi)
    } else {
        (b.short_oi, b.long_oi)
    };
    let received = &per_unit * BigInt::from(payer) / BigInt::from(receiver);
    let (d_long, d_short) = if rate.is_positive() {
        (per_unit, -received)
    } else {
        (-received, per_unit)
    };
    Accrual {
        charged,
        rate: rate_decimal,
        d_long,
        d_short,
    }
}

struct Harness {
    suite: Suite,
    traders: Vec<Addr>,
    arb: Addr,
    keeper: Addr,
    /// The adversaries' accounts: the sandwicher, the funding-boundary trader and the two wash
    /// traders (also the trader of [`Op::ExtremeFeed`]); each is flat between operations unless
    /// a close of theirs was refused.
    sandwicher: Addr,
    boundary: Addr,
    wash: [Addr; 2],
    index: [Decimal256; N_MARKETS],
    /// Per market: sum of `funding_paid` over every funding application to a position
    /// (positive: collected), and the number of applications; each rounds by less than one
    /// unit in the engine's favour.
    funding_net: [i128; N_MARKETS],
    funding_touches: [u128; N_MARKETS],
    /// Per market: sum over charged spans of payers' debit minus receivers' credit at the
    /// index level, in 1e-18 units.
    span_dust: [BigInt; N_MARKETS],
    /// Spans charged (an index moved), per market.
    spans: [u64; N_MARKETS],
}

impl Harness {
    fn new(junior: u128, senior: u128) -> Self {
        let names = [
            "t0",
            "t1",
            "t2",
            "t3",
            "arb",
            "keeper",
            "lp",
            "sandwicher",
            "boundary",
            "wash0",
            "wash1",
        ];
        let mut suite = Suite::builder()
            .with_params(FundParams::default())
            .with_underwriters(&names, 100_000_000 * ONE)
            .with_perp_engine()
            .build();
        let lp = suite.addr("lp");
        suite.deposit(&lp, Tranche::Junior, junior).unwrap();
        if senior > 0 {
            suite.deposit(&lp, Tranche::Senior, senior).unwrap();
        }
        for spec in &MARKETS {
            let params = MarketParams {
                // Room for the arbitrageur to move the mark all the way to a crashed index.
                max_long_oi: Uint128::new(spec.base),
                max_short_oi: Uint128::new(spec.base),
                funding_interval_seconds: spec.funding_interval_seconds,
                ..default_market_params()
            };
            suite
                .add_market_with(spec.id, spec.base, spec.quote, params)
                .unwrap();
            suite.push_price(spec.id, &spec.price.to_string()).unwrap();
        }
        Harness {
            traders: names[..TRADERS].iter().map(|n| suite.addr(n)).collect(),
            arb: suite.addr("arb"),
            keeper: suite.addr("keeper"),
            sandwicher: suite.addr("sandwicher"),
            boundary: suite.addr("boundary"),
            wash: [suite.addr("wash0"), suite.addr("wash1")],
            suite,
            index: MARKETS.map(|spec| Decimal256::from_ratio(spec.price, 1u128)),
            funding_net: [0; N_MARKETS],
            funding_touches: [0; N_MARKETS],
            span_dust: std::array::from_fn(|_| BigInt::zero()),
            spans: [0; N_MARKETS],
        }
    }

    fn accounts(&self) -> Vec<Addr> {
        self.traders
            .iter()
            .chain([&self.arb, &self.sandwicher, &self.boundary])
            .chain(&self.wash)
            .cloned()
            .collect()
    }

    fn snapshot(&self) -> Vec<Snap> {
        MARKETS
            .iter()
            .map(|spec| {
                let market = self.suite.market(spec.id);
                Snap {
                    long_oi: market.long_oi.u128(),
                    short_oi: market.short_oi.u128(),
                    cum_long: market.cum_funding_long,
                    cum_short: market.cum_funding_short,
                    last_funding_time: market.last_funding_time.seconds(),
                    base_reserve: market.base_reserve.u128(),
                    quote_reserve: market.quote_reserve.u128(),
                    funding_pool: market.funding_pool.i128(),
                    index: market.index_price,
                    index_publish_time: market.index_publish_time,
                    max_funding_rate: market.params.max_funding_rate,
                    funding_factor: market.params.funding_factor,
                    funding_interval_seconds: market.params.funding_interval_seconds,
                    oracle_max_age_seconds: market.params.oracle_max_age_seconds,
                }
            })
            .collect()
    }

    /// Runs one leaf engine operation on market `touches` (none: it settles no market's
    /// funding) and checks invariant 10 for that one operation on every market (module docs).
    fn leaf(
        &mut self,
        what: &str,
        touches: Option<usize>,
        run: impl FnOnce(&mut Suite) -> EngineResult,
    ) -> EngineResult {
        let before = self.snapshot();
        let now = self.suite.app.block_info().time.seconds();
        let res = run(&mut self.suite);
        let after = self.snapshot();
        for m in 0..N_MARKETS {
            self.check_market(
                what,
                m,
                touches == Some(m),
                now,
                &before[m],
                &after[m],
                &res,
            );
        }
        if let (Ok(res), Some(m)) = (&res, touches) {
            for a in res
                .events
                .iter()
                .flat_map(|e| e.attributes.iter())
                .filter(|a| a.key == "funding_paid")
            {
                // Every application counts, a zero one too: a credit of 0.7 truncated to 0
                // still leaves 0.7 of dust.
                self.funding_net[m] += a.value.parse::<i128>().unwrap();
                self.funding_touches[m] += 1;
            }
        }
        res
    }

    /// A random step: a leaf that may fail only with an expected error.
    fn step(
        &mut self,
        what: &str,
        touches: Option<usize>,
        run: impl FnOnce(&mut Suite) -> EngineResult,
    ) {
        if let Err(err) = self.leaf(what, touches, run) {
            assert!(expected(&err), "{what}: unexpected error {err:?}");
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn check_market(
        &mut self,
        what: &str,
        m: usize,
        touched: bool,
        now: u64,
        b: &Snap,
        a: &Snap,
        res: &EngineResult,
    ) {
        let id = MARKETS[m].id;
        let Ok(res) = res else {
            assert_eq!(b, a, "{what}: a failed operation changed {id}");
            return;
        };
        if !touched {
            assert_eq!(
                b.book(),
                a.book(),
                "{what}: an operation on another market changed {id}"
            );
            return;
        }
        let elapsed = now.saturating_sub(b.last_funding_time);
        assert_eq!(
            a.last_funding_time,
            b.last_funding_time + elapsed,
            "{what} on {id}: the funding clock catches up to now ({now})"
        );
        let model = accrual(b, now);
        let settle = settled(res);
        if let Some(s) = &settle {
            assert_eq!(s.market, id, "{what}: settled the wrong market");
            assert_eq!(s.elapsed, elapsed, "{what} on {id}: seconds elapsed");
            assert_eq!(s.charged, model.charged, "{what} on {id}: seconds charged");
        }
        let d_long = atoms(a.cum_long) - atoms(b.cum_long);
        let d_short = atoms(a.cum_short) - atoms(b.cum_short);
        assert_eq!(
            (&d_long, &d_short),
            (&model.d_long, &model.d_short),
            "{what} on {id}: index moves (long, short) against the model's, over {elapsed} s \
             ({} charged) from {b:?}",
            model.charged
        );
        let (long_oi, short_oi) = (BigInt::from(b.long_oi), BigInt::from(b.short_oi));
        if d_long.is_zero() && d_short.is_zero() {
            if let Some(s) = &settle {
                assert!(
                    s.paid.is_zero(),
                    "{what} on {id}: paid {} but no index moved",
                    s.paid
                );
            }
            return;
        }
        let moves = format!(
            "{what} on {id}: long index {} -> {}, short index {} -> {}, long oi {}, short oi {}",
            b.cum_long, a.cum_long, b.cum_short, a.cum_short, b.long_oi, b.short_oi
        );
        // Exactly one index rises (the payers'); the other falls, or stays when the credit per
        // unit rounds to zero.
        let (longs_pay, rise, fall, payer_oi, receiver_oi) = if d_long.is_positive() {
            (true, &d_long, -&d_short, &long_oi, &short_oi)
        } else if d_short.is_positive() {
            (false, &d_short, -&d_long, &short_oi, &long_oi)
        } else {
            panic!("{moves}: an index fell while none rose (credit without a debit)");
        };
        assert!(!fall.is_negative(), "{moves}: both indices rose");
        assert!(
            elapsed >= 1,
            "{moves}: an index moved though no time had passed"
        );
        assert!(
            payer_oi.is_positive() && receiver_oi.is_positive(),
            "{moves}: funding charged on a one-sided market"
        );
        // Invariant 10 for this market and this span: paid - credited, in 1e-18 units.
        let dust = &d_long * &long_oi + &d_short * &short_oi;
        assert!(
            !dust.is_negative(),
            "{moves}: receivers were credited {} more than payers paid (1e-18 units)",
            -&dust
        );
        assert!(
            &dust < receiver_oi,
            "{moves}: dust {dust} (1e-18 units) exceeds one rounding-down division's"
        );
        // Proportional to time: per unit at most the capped rate times the index for the
        // seconds elapsed.
        let index = b.index.expect("a charged market has an index");
        assert!(
            rise * BigInt::from(UNIT) * BigInt::from(b.funding_interval_seconds)
                <= big(b.max_funding_rate.atomics()) * big(index.atomics()) * BigInt::from(elapsed),
            "{moves}: the paying side's index rose by more than {elapsed} s at the capped rate \
             ({} per {} s at index {index})",
            b.max_funding_rate,
            b.funding_interval_seconds
        );
        if let Some(s) = &settle {
            assert_eq!(
                s.rate > SignedDecimal256::zero(),
                longs_pay,
                "{moves}: rate {} names the other side as payer",
                s.rate
            );
            assert_eq!(s.rate, model.rate, "{moves}: reported rate");
            assert_eq!(
                s.paid,
                rise * payer_oi / BigInt::from(UNIT),
                "{moves}: reported paid"
            );
        }
        self.span_dust[m] += dust;
        self.spans[m] += 1;
    }

    /// A keeper liquidates `who` in market `m`; on success checks that the fund was asked for no
    /// more than the bad debt closing the liquidated part at the index would have left:
    /// `max(0, -(stored margin - funding paid + PnL of the part at the index))`, in exact integers
    /// (the part's cost basis pro rata, rounded down; a long's value rounded down, a short's
    /// buy-back rounded up), and that the fund paid no more than it was asked.
    fn liquidate(&mut self, what: &str, m: usize, who: &Addr) -> EngineResult {
        let keeper = self.keeper.clone();
        self.liquidate_by(what, m, &keeper, who)
    }

    /// [`Harness::liquidate`] with `keeper` as the liquidating keeper.
    fn liquidate_by(&mut self, what: &str, m: usize, keeper: &Addr, who: &Addr) -> EngineResult {
        let id = MARKETS[m].id;
        let before = self.suite.position(id, who);
        let stored_margin = if before.is_some() {
            self.suite.stored_margin(id, who)
        } else {
            0
        };
        let res = self.leaf(what, Some(m), |s| s.liquidate(keeper, id, who))?;
        let position = before.expect("a liquidated position existed");
        let number = |key: &str| -> BigInt { big(attr(&res, key).unwrap()) };
        let part = number("size_liquidated");
        let size = big(position.size.unsigned_abs());
        let basis = big(position.open_notional) * &part / &size;
        let index = atoms(SignedDecimal256::try_from(self.index[m]).unwrap());
        let unit = BigInt::from(10u64).pow(18);
        let pnl = if position.size.is_negative() {
            let cost = (&part * &index + &unit - 1) / &unit;
            basis - cost
        } else {
            &part * &index / &unit - basis
        };
        let left = big(stored_margin) - number("funding_paid") + pnl;
        let at_index = if left.is_negative() {
            -left
        } else {
            BigInt::zero()
        };
        let claimed = number("claimed_from_fund");
        assert!(
            claimed <= at_index,
            "{id}: the fund was asked {claimed}, more than the bad debt at the index {at_index}"
        );
        assert!(claimed <= number("bad_debt"));
        if let Some(paid) = attr(&res, "paid_by_fund") {
            assert!(big(paid) <= claimed, "{id}: the fund paid more than asked");
        }
        Ok(res)
    }

    fn push(&mut self, m: usize, price: Decimal256) {
        self.suite.advance(1);
        self.index[m] = price;
        let price = price.to_string();
        self.leaf("push price", Some(m), |s| {
            s.push_price(MARKETS[m].id, &price)
        })
        .unwrap();
    }

    fn arb_size(&self, m: usize, percent: u32) -> i128 {
        // Base reserve at which mark = index: sqrt(k / index). (Floats only size the trade.)
        let market = self.suite.market(MARKETS[m].id);
        let k = MARKETS[m].base as f64 * MARKETS[m].quote as f64;
        let target = (k / self.index[m].to_string().parse::<f64>().unwrap()).sqrt();
        let gap = market.base_reserve.u128() as f64 - target;
        (gap * f64::from(percent) / 100.0) as i128
    }

    fn apply(&mut self, op: &Op) {
        match *op {
            Op::Trade {
                market,
                trader,
                size,
                margin_pct,
            } => {
                let who = self.traders[trader].clone();
                let margin =
                    size.unsigned_abs() * MARKETS[market].price * u128::from(margin_pct) / 100;
                self.step("trade", Some(market), |s| {
                    s.trade(&who, MARKETS[market].id, size, margin)
                });
            }
            Op::Close { market, trader } => {
                let who = self.traders[trader].clone();
                self.step("close", Some(market), |s| s.close(&who, MARKETS[market].id));
            }
            Op::AddMargin {
                market,
                trader,
                amount,
            } => {
                let who = self.traders[trader].clone();
                self.step("add margin", Some(market), |s| {
                    s.add_margin(&who, MARKETS[market].id, amount)
                });
            }
            Op::RemoveMargin {
                market,
                trader,
                amount,
            } => {
                let who = self.traders[trader].clone();
                self.step("remove margin", Some(market), |s| {
                    s.remove_margin(&who, MARKETS[market].id, amount)
                });
            }
            Op::Price { market, bps } => {
                let factor = Decimal256::from_ratio((10_000 + bps) as u128, 10_000u128);
                let price = (self.index[market] * factor).max(Decimal256::percent(100));
                self.push(market, price);
            }
            Op::Arb { market, percent } => {
                let size = self.arb_size(market, percent);
                if size != 0 {
                    let arb = self.arb.clone();
                    // Half the notional at the index as margin, minted so funds never run out.
                    let margin = (Decimal256::from_ratio(size.unsigned_abs(), 2u128)
                        * self.index[market])
                        .to_uint_ceil();
                    let margin = Uint128::try_from(margin).unwrap().u128();
                    self.suite.mint(&arb, margin);
                    self.step("arb", Some(market), |s| {
                        s.trade(&arb, MARKETS[market].id, size, margin)
                    });
                }
            }
            Op::Liquidate { market, trader } => {
                let who = self.traders[trader].clone();
                if let Err(err) = self.liquidate("liquidate", market, &who) {
                    assert!(expected(&err), "liquidate: unexpected error {err:?}");
                }
            }
            Op::Crash { market, bps } => {
                self.apply(&Op::Price { market, bps });
                self.apply(&Op::Arb {
                    market,
                    percent: 100,
                });
                for trader in 0..TRADERS {
                    self.apply(&Op::Liquidate { market, trader });
                }
            }
            Op::Wait { seconds } => {
                self.suite.advance(seconds);
                for m in 0..N_MARKETS {
                    self.push(m, self.index[m]);
                }
            }
            Op::Settle { market } => {
                let keeper = self.keeper.clone();
                self.step("settle", Some(market), |s| {
                    s.settle_funding(&keeper, MARKETS[market].id)
                });
            }
            Op::Sweep => {
                let keeper = self.keeper.clone();
                self.step("sweep", None, |s| s.sweep_premium(&keeper));
            }
            Op::Sandwich {
                market,
                victim,
                victim_size,
                margin_pct,
                bps,
                percent,
                size,
            } => {
                self.apply(&Op::Trade {
                    market,
                    trader: victim,
                    size: victim_size,
                    margin_pct,
                });
                let long = self
                    .suite
                    .position(MARKETS[market].id, &self.traders[victim])
                    .is_some_and(|p| p.size.i128() > 0);
                let bps = if long { -bps } else { bps };
                self.apply(&Op::Price { market, bps });
                self.apply(&Op::Arb { market, percent });
                self.sandwich(market, victim, size);
            }
            Op::FundingBoundary {
                market,
                size,
                seconds,
            } => self.funding_boundary(market, size, seconds),
            Op::Wash { market, size } => self.wash_before_sweep(market, size),
            Op::PullBeforeCrash {
                market,
                trader,
                bps,
                up,
                amount,
            } => self.pull_before_crash(market, trader, bps, up, amount),
            Op::RogueFeed { market, up } => {
                let index = self.index[market];
                let price = if up {
                    index * Decimal256::percent(300)
                } else {
                    index * Decimal256::percent(30)
                };
                self.rogue_push(market, price);
            }
            Op::ExtremeFeed {
                market,
                size,
                victim,
            } => self.extreme_feed(market, size, victim),
        }
    }

    /// Mints `who` half the notional of `size` at the market's index and returns it, the margin
    /// an adversary sends with a trade (so funds never run out).
    fn minted_margin(&mut self, who: &Addr, m: usize, size: i128) -> u128 {
        let margin =
            (Decimal256::from_ratio(size.unsigned_abs(), 2u128) * self.index[m]).to_uint_ceil();
        let margin = Uint128::try_from(margin).unwrap().u128();
        self.suite.mint(who, margin);
        margin
    }

    /// Whether `who` is flat in market `m`, after trying to close what it holds.
    fn flat(&mut self, m: usize, who: &Addr) -> bool {
        let id = MARKETS[m].id;
        if self.suite.position(id, who).is_some() {
            self.step("adversary close", Some(m), |s| s.close(who, id));
        }
        self.suite.position(id, who).is_none()
    }

    /// [`Op::Sandwich`]: in one block the sandwicher trades the vAMM, liquidates a trader as
    /// keeper (through [`Harness::liquidate_by`], so the fund is asked for no more than the bad
    /// debt at the index) and closes. When the liquidation went through, its balance change
    /// minus the liquidation's `keeper_reward` (what its trades around the liquidation earned)
    /// is at most zero.
    fn sandwich(&mut self, m: usize, victim: usize, size: i128) {
        let id = MARKETS[m].id;
        let attacker = self.sandwicher.clone();
        if !self.flat(m, &attacker) {
            return;
        }
        // A new block with a fresh index; everything below happens in it.
        self.push(m, self.index[m]);
        let height = self.suite.app.block_info().height;
        let margin = self.minted_margin(&attacker, m, size);
        let before = self.suite.balance(&attacker) as i128;
        self.step("sandwich front-run", Some(m), |s| {
            s.trade(&attacker, id, size, margin)
        });
        let mmr = Decimal256::from(self.suite.market(id).params.maintenance_margin_ratio);
        let victim = (0..TRADERS)
            .map(|k| self.traders[(victim + k) % TRADERS].clone())
            .find(|who| {
                self.suite
                    .position(id, who)
                    .and_then(|p| p.margin_ratio)
                    .is_some_and(|ratio| ratio < mmr)
            })
            .unwrap_or_else(|| self.traders[victim].clone());
        let reward = match self.liquidate_by("sandwiched liquidation", m, &attacker, &victim) {
            Ok(res) => Some(
                attr(&res, "keeper_reward")
                    .unwrap()
                    .parse::<i128>()
                    .unwrap(),
            ),
            Err(err) => {
                assert!(expected(&err), "sandwiched liquidation: unexpected {err:?}");
                None
            }
        };
        if self.suite.position(id, &attacker).is_some() {
            self.step("sandwich back-run", Some(m), |s| s.close(&attacker, id));
        }
        assert_eq!(self.suite.app.block_info().height, height, "one block");
        let Some(reward) = reward else {
            return;
        };
        if self.suite.position(id, &attacker).is_none() {
            let trading = self.suite.balance(&attacker) as i128 - before - reward;
            assert!(
                trading <= 0,
                "{id}: trading {size} around the liquidation of {victim} earned {trading} \
                 beyond the keeper reward {reward}"
            );
        }
    }

    /// [`Op::FundingBoundary`]: a position opened now owes no funding; closed `seconds` later
    /// (the index kept fresh) its `funding_paid` is its side's funding index move over exactly
    /// those seconds times its size (owed rounded up, due toward zero), and at most the capped
    /// rate for those seconds: on its own size when it pays, on the paying side's open interest
    /// when it receives.
    fn funding_boundary(&mut self, m: usize, size: i128, seconds: u64) {
        let id = MARKETS[m].id;
        let trader = self.boundary.clone();
        if !self.flat(m, &trader) {
            return;
        }
        self.push(m, self.index[m]);
        let margin = self.minted_margin(&trader, m, size);
        if let Err(err) = self.leaf("boundary open", Some(m), |s| {
            s.trade(&trader, id, size, margin)
        }) {
            assert!(expected(&err), "boundary open: unexpected error {err:?}");
            return;
        }
        let opened = self.suite.now().seconds();
        let position = self.suite.position(id, &trader).expect("opened");
        assert_eq!(
            position.accrued_funding.i128(),
            0,
            "{id}: a position opened now owes funding"
        );
        let at_open = self.suite.market(id);
        self.suite.advance(seconds - 1);
        self.push(m, self.index[m]);
        let res = match self.leaf("boundary close", Some(m), |s| s.close(&trader, id)) {
            Ok(res) => res,
            Err(err) => {
                assert!(expected(&err), "boundary close: unexpected error {err:?}");
                return;
            }
        };
        assert_eq!(self.suite.now().seconds() - opened, seconds);
        let at_close = self.suite.market(id);
        let funding = big(attr(&res, "funding_paid").unwrap());
        let unit = BigInt::from(UNIT);
        let (delta, payer_oi) = if size > 0 {
            (
                atoms(at_close.cum_funding_long) - atoms(at_open.cum_funding_long),
                at_open.short_oi,
            )
        } else {
            (
                atoms(at_close.cum_funding_short) - atoms(at_open.cum_funding_short),
                at_open.long_oi,
            )
        };
        let owed = delta * BigInt::from(size.unsigned_abs());
        let model = if owed.is_negative() {
            trunc_div(&owed, &unit)
        } else {
            (owed + &unit - 1) / &unit
        };
        assert_eq!(
            funding, model,
            "{id}: funding of {size} open for {seconds} s against its side's index move"
        );
        let index = at_open.index_price.expect("priced");
        let per_unit = big(at_open.params.max_funding_rate.atomics())
            * big(index.atomics())
            * BigInt::from(seconds);
        let scale = &unit * &unit * BigInt::from(at_open.params.funding_interval_seconds);
        if funding.is_positive() {
            let cap = per_unit * BigInt::from(size.unsigned_abs()) / scale + 1;
            assert!(
                funding <= cap,
                "{id}: {size} paid {funding} for {seconds} s, above the capped {cap}"
            );
        } else {
            let cap = per_unit * big(payer_oi) / scale + 1;
            assert!(
                -&funding <= cap,
                "{id}: {size} received {} for {seconds} s, above what the payers paid at the \
                 capped rate ({cap})",
                -&funding
            );
        }
    }

    /// The engine's stored market `m` (for the open interest's time-weighted sum).
    fn stored_market(&self, m: usize) -> perp_engine::state::Market {
        perp_engine::state::MARKETS
            .load(
                &*self.suite.app.contract_storage(&self.suite.engine),
                MARKETS[m].id,
            )
            .unwrap()
    }

    /// [`Op::Wash`]: two accounts open opposite positions of `size` and close them in one
    /// block; then a sweep. The wash leaves open interest and its time-weighted sum as they were
    /// but for the running term (open interest before it times the seconds since the last
    /// fill), and the sweep's premium is exactly the pending premium plus
    /// `ceil(f * unsplit fees)`, `f` at the fund's coverage for the time-weighted open interest
    /// computed from the markets as they were before the wash.
    fn wash_before_sweep(&mut self, m: usize, size: u128) {
        let id = MARKETS[m].id;
        let [a, b] = self.wash.clone();
        if !self.flat(m, &a) || !self.flat(m, &b) {
            return;
        }
        self.push(m, self.index[m]);
        let now = self.suite.now().seconds();
        let markets: Vec<_> = (0..N_MARKETS).map(|k| self.stored_market(k)).collect();
        let pre = &markets[m];
        let mut filled = false;
        for (who, size) in [(&a, size as i128), (&b, -(size as i128))] {
            let margin = self.minted_margin(who, m, size);
            match self.leaf("wash open", Some(m), |s| s.trade(who, id, size, margin)) {
                Ok(_) => filled = true,
                Err(err) => assert!(expected(&err), "wash open: unexpected error {err:?}"),
            }
        }
        if !self.flat(m, &a) || !self.flat(m, &b) {
            return;
        }
        let post = self.stored_market(m);
        assert_eq!(
            (post.long_oi, post.short_oi, post.oi_since),
            (pre.long_oi, pre.short_oi, pre.oi_since),
            "{id}: the wash changed open interest or its window"
        );
        let running = if filled {
            Uint256::from(pre.long_oi + pre.short_oi)
                * Uint256::from(now - pre.oi_touched.seconds())
        } else {
            Uint256::zero()
        };
        assert_eq!(
            post.oi_seconds,
            pre.oi_seconds + running,
            "{id}: the wash added open-interest seconds"
        );
        // The split the sweep must make, from the markets before the wash.
        let mut notional = BigInt::zero();
        for (k, market) in markets.iter().enumerate() {
            let open = BigInt::from((market.long_oi + market.short_oi).u128());
            let window = now - market.oi_since.seconds();
            let average = if market.oi_since.seconds() == 0 || window == 0 {
                open
            } else {
                (big(market.oi_seconds) + open * BigInt::from(now - market.oi_touched.seconds()))
                    / BigInt::from(window)
            };
            let index = market.index_price.expect("priced");
            assert_eq!(index, self.index[k]);
            notional += average * big(index.atomics()) / BigInt::from(UNIT);
        }
        let notional = Uint128::new(notional.to_string().parse().unwrap());
        let coverage: CoverageResponse = self
            .suite
            .try_query(&FundQuery::Coverage {
                open_interest: Some(notional),
            })
            .unwrap();
        let config: EngineConfigResponse = self
            .suite
            .app
            .wrap()
            .query_wasm_smart(&self.suite.engine, &EngineQuery::Config {})
            .unwrap();
        let share = model_fund_share(
            coverage.coverage_ratio,
            config.fees.fund_share_max,
            config.fees.fund_share_min,
        );
        let state = self.suite.engine_state();
        let unit = BigInt::from(UNIT);
        let to_fund = (big(state.unsplit_fees) * share + &unit - 1) / &unit;
        let keeper = self.keeper.clone();
        let res = self
            .leaf("sweep after a wash", None, |s| s.sweep_premium(&keeper))
            .expect("a sweep after a wash");
        assert_eq!(
            big(attr(&res, "premium").unwrap()),
            big(state.pending_premium) + to_fund,
            "{id}: the sweep after a wash of {size} split fees at another coverage than \
             {:?} (open interest {notional} before the wash)",
            coverage.coverage_ratio
        );
    }

    /// [`Op::PullBeforeCrash`]: the honest feeders move the index `bps` beyond both shock
    /// references and the index (up when asked, or when down would go below 1); the market is
    /// shocked for at least `shock_pause_seconds`, and a trader's margin removal right after
    /// fails with exactly `MarketShocked` and changes nothing. Keepers then liquidate as in
    /// [`Op::Crash`].
    fn pull_before_crash(&mut self, m: usize, trader: usize, bps: u32, up: bool, amount: u128) {
        let id = MARKETS[m].id;
        let shock = self.suite.shock(id);
        let params = self.suite.market(id).params;
        let refs: Vec<Decimal256> = [
            shock.reference_price,
            shock.previous_reference_price,
            Some(self.index[m]),
        ]
        .into_iter()
        .flatten()
        .collect();
        let low = *refs.iter().min().unwrap();
        let high = *refs.iter().max().unwrap();
        let down = low * Decimal256::from_ratio(10_000 - bps, 10_000u32);
        let rise = high * Decimal256::from_ratio(10_000 + bps, 10_000u32);
        let price = if (!up && down >= Decimal256::one()) || rise > params.max_price {
            down
        } else {
            rise
        };
        self.push(m, price);
        let now = self.suite.now().seconds();
        let shock = self.suite.shock(id);
        assert!(
            shock.active && shock.until >= now + params.shock_pause_seconds,
            "{id}: a move of {bps} bps beyond {refs:?} to {price} started no shock: {shock:?}"
        );
        let who = self.traders[trader].clone();
        let (balance, position) = (self.suite.balance(&who), self.suite.position(id, &who));
        match self.leaf("margin pull after a crash", Some(m), |s| {
            s.remove_margin(&who, id, amount)
        }) {
            Err(E::MarketShocked { market, until }) => {
                assert_eq!((market.as_str(), until), (id, shock.until));
            }
            other => panic!("{id}: margin removal right after a {bps} bps move: {other:?}"),
        }
        assert_eq!(self.suite.balance(&who), balance);
        assert_eq!(self.suite.position(id, &who), position);
        self.apply(&Op::Arb {
            market: m,
            percent: 100,
        });
        for trader in 0..TRADERS {
            self.apply(&Op::Liquidate { market: m, trader });
        }
    }

    /// The third feeder alone pushes `price` (held to the market's bounds) in a new block: the
    /// push is accepted and the index (price and publish time) does not move.
    fn rogue_push(&mut self, m: usize, price: Decimal256) {
        let id = MARKETS[m].id;
        let rogue = self.suite.feeders()[2].clone();
        let before = self.suite.market(id);
        let price = price.clamp(before.params.min_price, before.params.max_price);
        self.suite.advance(1);
        self.leaf("rogue push", Some(m), |s| {
            s.push_price_from(&rogue, id, &price.to_string())
        })
        .expect("a feeder's price within bounds is accepted");
        let after = self.suite.market(id);
        assert_eq!(
            (after.index_price, after.index_publish_time),
            (before.index_price, before.index_publish_time),
            "{id}: one feeder's {price} moved the index"
        );
        assert_eq!(after.index_price, Some(self.index[m]));
    }

    /// [`Op::ExtremeFeed`]: the third feeder pushes the market's `max_price`; in the other
    /// market, after an arbitrage to the index, a flat account's trade and close succeed, a
    /// keeper's liquidation meets only an expected refusal, and a sweep succeeds.
    fn extreme_feed(&mut self, x: usize, size: i128, victim: usize) {
        let max = self.suite.market(MARKETS[x].id).params.max_price;
        self.rogue_push(x, max);
        let y = (x + 1) % N_MARKETS;
        let id = MARKETS[y].id;
        self.push(y, self.index[y]);
        self.apply(&Op::Arb {
            market: y,
            percent: 100,
        });
        let trader = self.wash[0].clone();
        if self.flat(y, &trader) {
            let margin = self.minted_margin(&trader, y, size);
            // The trade may meet this market's own refusals (the arbitrage may not have closed
            // the gap, a cap may bind), never one caused by the other market's price; a trade
            // that went through closes.
            match self.leaf("trade beside an extreme price", Some(y), |s| {
                s.trade(&trader, id, size, margin)
            }) {
                Ok(_) => {
                    if let Err(err) = self.leaf("close beside an extreme price", Some(y), |s| {
                        s.close(&trader, id)
                    }) {
                        panic!("{id}: close beside an extreme price: {err:?}");
                    }
                }
                Err(err) => assert!(
                    expected(&err),
                    "{id}: trade of {size} beside an extreme price: {err:?}"
                ),
            }
        }
        let victim = self.traders[victim].clone();
        if let Err(err) = self.liquidate("liquidation beside an extreme price", y, &victim) {
            assert!(
                expected(&err),
                "liquidation beside an extreme price: {err:?}"
            );
        }
        let keeper = self.keeper.clone();
        self.leaf("sweep beside an extreme price", None, |s| {
            s.sweep_premium(&keeper)
        })
        .expect("a sweep beside an extreme price");
    }

    /// Closes one position, topping up margin if the vAMM price would leave it bankrupt while
    /// the index says it is healthy. Checks the payout equals margin + PnL - fee, where the
    /// margin is the stored margin net of the funding the close applied (`funding_paid`).
    fn close_out(&mut self, m: usize, who: &Addr) {
        let id = MARKETS[m].id;
        if self.suite.position(id, who).is_none() {
            return;
        }
        self.push(m, self.index[m]);
        let position = self.suite.position(id, who).expect("still open");
        let stored_margin = self.suite.stored_margin(id, who) as i128;
        let before = self.suite.balance(who);
        match self.leaf("close-out", Some(m), |s| s.close(who, id)) {
            Ok(res) => {
                let payout: u128 = attr(&res, "payout").unwrap().parse().unwrap();
                let fee: i128 = attr(&res, "fee").unwrap().parse().unwrap();
                let funding: i128 = attr(&res, "funding_paid").unwrap().parse().unwrap();
                // From the stored margin: the query's margin nets the funding owed and stops at
                // zero, so it understates a position whose funding owed passed its margin while
                // its profit kept it solvent.
                let expected = stored_margin - funding + position.unrealized_pnl.i128() - fee;
                assert_eq!(
                    payout as i128, expected,
                    "{id}: close pays margin + pnl - fee"
                );
                assert_eq!(self.suite.balance(who) - before, payout);
            }
            Err(E::Bankrupt { .. }) => {
                match self.liquidate("close-out liquidation", m, who) {
                    // A liquidation in parts leaves the rest open: go on in the next block.
                    Ok(_) => {
                        if self.suite.position(id, who).is_some() {
                            self.suite.advance(1);
                            self.close_out(m, who);
                        }
                    }
                    Err(E::LiquidationDepthReached { .. }) => {
                        self.suite.advance(1);
                        self.close_out(m, who);
                    }
                    // The liquidations pushed the mark to the band: an arbitrageur brings it
                    // back to the index, and the next block goes on.
                    Err(E::LiquidationBandReached { .. }) => {
                        self.apply(&Op::Arb {
                            market: m,
                            percent: 100,
                        });
                        self.suite.advance(1);
                        self.close_out(m, who);
                    }
                    Err(E::NotLiquidatable { .. }) => {
                        let top_up = position.open_notional.u128();
                        self.suite.mint(who, top_up);
                        self.leaf("close-out top-up", Some(m), |s| {
                            s.add_margin(who, id, top_up)
                        })
                        .unwrap();
                        self.leaf("close-out after top-up", Some(m), |s| s.close(who, id))
                            .unwrap();
                    }
                    Err(err) => panic!("{id} close-out liquidation: {err:?}"),
                }
            }
            Err(E::Insolvent { .. }) => {
                self.recapitalize();
                self.close_out(m, who);
            }
            Err(err) => panic!("{id} close-out: {err:?}"),
        }
    }

    /// A backer repays the engine's whole uncovered bad debt (`RepayDeficit`), after which
    /// every claim on the engine is backed again.
    fn recapitalize(&mut self) {
        let deficit = self.suite.engine_state().uncovered_bad_debt.u128();
        assert!(deficit > 0, "Insolvent without uncovered bad debt");
        let backer = self.keeper.clone();
        self.suite.mint(&backer, deficit);
        self.leaf("recapitalize", None, |s| s.repay_deficit(&backer, deficit))
            .unwrap();
        assert_eq!(self.suite.engine_state().uncovered_bad_debt.u128(), 0);
    }

    fn finish(&mut self) {
        // Twice: an arbitrage that made room for a liquidation in parts may reopen a position
        // closed earlier in the first pass.
        for _ in 0..2 {
            for m in 0..N_MARKETS {
                for who in self.accounts() {
                    self.close_out(m, &who);
                }
            }
        }
        // Payouts liquidations owed during a deficit are collected, after a recapitalization
        // if the deficit is still there.
        if !self.suite.engine_state().owed_payouts.is_zero() {
            if !self.suite.engine_state().uncovered_bad_debt.is_zero() {
                self.recapitalize();
            }
            for who in self.accounts().into_iter().chain([self.keeper.clone()]) {
                if self.suite.owed(&who) > 0 {
                    self.leaf("claim owed", None, |s| s.claim_owed(&who))
                        .unwrap();
                }
            }
        }
        let keeper = self.keeper.clone();
        self.leaf("final sweep", None, |s| s.sweep_premium(&keeper))
            .unwrap();
        for (m, spec) in MARKETS.iter().enumerate() {
            let id = spec.id;
            let market = self.suite.market(id);
            assert_eq!(market.long_oi, Uint128::zero(), "{id}");
            assert_eq!(market.short_oi, Uint128::zero(), "{id}");
            assert_eq!(
                market.base_reserve, market.base_reserve_start,
                "{id}: vAMM back at its start"
            );
            assert_eq!(
                market.funding_pool.i128(),
                0,
                "{id}: funding dust released to treasury"
            );
            // Invariant 10 over the whole history of the market: positions paid at least what
            // the indices charged (each span's identity summed), and the per-position
            // rounding (owed up, due toward zero) adds less than one unit per application.
            let (net, touches) = (self.funding_net[m], self.funding_touches[m]);
            let paid = BigInt::from(net) * BigInt::from(UNIT);
            let dust = &self.span_dust[m];
            assert!(
                !dust.is_negative()
                    && dust <= &(BigInt::from(self.spans[m]) * BigInt::from(UNIT - 1)),
                "{id}: span dust {dust} (1e-18 units) over {} spans",
                self.spans[m]
            );
            assert!(
                &paid >= dust,
                "{id}: positions paid {net} net funding, less than the indices charged \
                 ({dust} 1e-18 units over {} spans)",
                self.spans[m]
            );
            assert!(
                &paid - dust <= BigInt::from(touches) * BigInt::from(UNIT - 1),
                "{id}: funding dust {net} above {touches} touches"
            );
        }
        let state = self.suite.engine_state();
        assert_eq!(state.total_margin, Uint128::zero());
        assert_eq!(state.pending_premium + state.unsplit_fees, Uint128::zero());
        // Invariant 2: every position closed, so any deficit was repaid (by fees, or by the
        // backer when a close met `Insolvent`), and the engine keeps exactly its treasury fees.
        assert_eq!(state.uncovered_bad_debt, Uint128::zero());
        assert_eq!(state.owed_payouts, Uint128::zero());
        assert_eq!(
            self.suite.balance(&self.suite.engine.clone()),
            state.treasury_fees.u128(),
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).map_or(64, |c: u32| (c / 100).max(8)),
        ..ProptestConfig::default()
    })]

    #[test]
    fn suite_histories_keep_every_invariant(
        junior in 1_000u128..500_000,
        senior in 0u128..2_000_000,
        ops in prop::collection::vec(op(), 1..40),
    ) {
        let mut h = Harness::new(junior * ONE, senior.min(junior * 4) * ONE);
        for op in &ops {
            h.apply(op);
        }
        h.finish();
    }
}
