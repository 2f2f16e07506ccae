//! Randomized histories of the whole suite: traders open, grow, shrink, flip and close
//! positions, add and remove margin; the index moves (crashes included) and an arbitrageur
//! trades the vAMM toward it; keepers liquidate, settle funding and sweep premium. The Suite
//! checks after every step the engine's exact conservation identity, open interest, and the
//! fund's invariants (SPEC section 6: 1, 3, 4, 6, 9). At the end every position is closed and
//! premium swept; then (invariant 2) every close paid exactly margin + PnL - fee, and the engine
//! holds exactly its treasury fees; funding collected minus funding credited (invariant 10) is
//! non-negative rounding dust, at most one unit per funding application, all of it in treasury.
//!
//! Case count: `PROPTEST_CASES` (CI sets thousands).

use cosmwasm_std::{Addr, Decimal256, Uint128};
use cw_multi_test::AppResponse;
use perp_engine::ContractError as E;
use proptest::prelude::*;
use tranche_perps_testing::perp::{default_market_params, EngineResult};
use tranche_perps_testing::{Suite, ONE};
use tranche_perps_types::engine::MarketParams;
use tranche_perps_types::fund::{FundParams, Tranche};

const MARKET: &str = "BTC-USD";
const BASE: u128 = 1_000_000_000_000;
const QUOTE: u128 = 100_000_000_000_000;
const TRADERS: usize = 4;

#[derive(Clone, Debug)]
enum Op {
    /// Trade `size` base units sending `margin_pct` percent of ~notional at 100 as margin.
    Trade {
        trader: usize,
        size: i128,
        margin_pct: u32,
    },
    Close {
        trader: usize,
    },
    AddMargin {
        trader: usize,
        amount: u128,
    },
    RemoveMargin {
        trader: usize,
        amount: u128,
    },
    /// Move the index by `bps` basis points (negative: down).
    Price {
        bps: i32,
    },
    /// The arbitrageur closes `percent` of the gap between mark and index.
    Arb {
        percent: u32,
    },
    Liquidate {
        trader: usize,
    },
    /// The index drops (or jumps) by `bps`, the arbitrageur trades the mark to it, and a
    /// keeper tries to liquidate everyone: the path to bad debt.
    Crash {
        bps: i32,
    },
    Wait {
        seconds: u64,
    },
    Settle,
    Sweep,
}

fn op() -> impl Strategy<Value = Op> {
    let size = prop_oneof![-5_000_000_000i128..-1_000_000, 1_000_000i128..5_000_000_000,];
    prop_oneof![
        6 => (0..TRADERS, size, 5u32..60)
            .prop_map(|(trader, size, margin_pct)| Op::Trade { trader, size, margin_pct }),
        2 => (0..TRADERS).prop_map(|trader| Op::Close { trader }),
        1 => (0..TRADERS, 1u128..50_000 * ONE)
            .prop_map(|(trader, amount)| Op::AddMargin { trader, amount }),
        1 => (0..TRADERS, 1u128..50_000 * ONE)
            .prop_map(|(trader, amount)| Op::RemoveMargin { trader, amount }),
        3 => (-3_000i32..2_000).prop_map(|bps| Op::Price { bps }),
        3 => (10u32..=100).prop_map(|percent| Op::Arb { percent }),
        3 => (0..TRADERS).prop_map(|trader| Op::Liquidate { trader }),
        2 => prop_oneof![-4_000i32..-1_000, 1_000i32..4_000].prop_map(|bps| Op::Crash { bps }),
        2 => (60u64..8_000).prop_map(|seconds| Op::Wait { seconds }),
        2 => Just(Op::Settle),
        1 => Just(Op::Sweep),
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
            | E::NoPosition { .. }
            | E::NotLiquidatable { .. }
            | E::FundingNotDue
            | E::StalePrice { .. }
            | E::InsufficientLiquidity
    )
}

struct Harness {
    suite: Suite,
    traders: Vec<Addr>,
    arb: Addr,
    keeper: Addr,
    index: Decimal256,
    /// Sum of `funding_paid` over every funding application (positive: collected), and the
    /// number of applications; each rounds by less than one unit in the engine's favour.
    funding_net: i128,
    funding_touches: u128,
}

impl Harness {
    fn new(junior: u128, senior: u128) -> Self {
        let names = ["t0", "t1", "t2", "t3", "arb", "keeper", "lp"];
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
        let params = MarketParams {
            // Room for the arbitrageur to move the mark all the way to a crashed index.
            max_long_oi: Uint128::new(BASE),
            max_short_oi: Uint128::new(BASE),
            ..default_market_params()
        };
        suite.add_market_with(MARKET, BASE, QUOTE, params).unwrap();
        suite.push_price(MARKET, "100").unwrap();
        Harness {
            traders: names[..TRADERS].iter().map(|n| suite.addr(n)).collect(),
            arb: suite.addr("arb"),
            keeper: suite.addr("keeper"),
            suite,
            index: Decimal256::from_ratio(100u128, 1u128),
            funding_net: 0,
            funding_touches: 0,
        }
    }

    fn note(&mut self, res: &EngineResult) {
        if let Ok(res) = res {
            for event in &res.events {
                for a in event.attributes.iter().filter(|a| a.key == "funding_paid") {
                    // Every application counts, a zero one too: a credit of 0.7 truncated
                    // to 0 still leaves 0.7 of dust.
                    let paid: i128 = a.value.parse().unwrap();
                    self.funding_net += paid;
                    self.funding_touches += 1;
                }
            }
        }
    }

    fn check(&mut self, what: &str, res: EngineResult) {
        self.note(&res);
        if let Err(err) = &res {
            assert!(expected(err), "{what}: unexpected error {err:?}");
        }
    }

    fn push(&mut self, price: Decimal256) {
        self.suite.advance(1);
        self.index = price;
        let price = price.to_string();
        self.suite.push_price(MARKET, &price).unwrap();
    }

    fn arb_size(&self, percent: u32) -> i128 {
        // Base reserve at which mark = index: sqrt(k / index).
        let market = self.suite.market(MARKET);
        let k = BASE as f64 * QUOTE as f64;
        let target = (k / self.index.to_string().parse::<f64>().unwrap()).sqrt();
        let gap = market.base_reserve.u128() as f64 - target;
        (gap * f64::from(percent) / 100.0) as i128
    }

    fn apply(&mut self, op: &Op) {
        match *op {
            Op::Trade {
                trader,
                size,
                margin_pct,
            } => {
                let who = self.traders[trader].clone();
                let margin = size.unsigned_abs() * 100 * u128::from(margin_pct) / 100;
                let res = self.suite.trade(&who, MARKET, size, margin);
                self.check("trade", res);
            }
            Op::Close { trader } => {
                let who = self.traders[trader].clone();
                let res = self.suite.close(&who, MARKET);
                self.check("close", res);
            }
            Op::AddMargin { trader, amount } => {
                let who = self.traders[trader].clone();
                let res = self.suite.add_margin(&who, MARKET, amount);
                self.check("add margin", res);
            }
            Op::RemoveMargin { trader, amount } => {
                let who = self.traders[trader].clone();
                let res = self.suite.remove_margin(&who, MARKET, amount);
                self.check("remove margin", res);
            }
            Op::Price { bps } => {
                let factor = Decimal256::from_ratio((10_000 + bps) as u128, 10_000u128);
                let price = (self.index * factor).max(Decimal256::percent(100));
                self.push(price);
            }
            Op::Arb { percent } => {
                let size = self.arb_size(percent);
                if size != 0 {
                    let arb = self.arb.clone();
                    // Half the notional at the index as margin, minted so funds never run out.
                    let margin = (Decimal256::from_ratio(size.unsigned_abs(), 2u128) * self.index)
                        .to_uint_ceil();
                    let margin = Uint128::try_from(margin).unwrap().u128();
                    self.suite.mint(&arb, margin);
                    let res = self.suite.trade(&arb, MARKET, size, margin);
                    self.check("arb", res);
                }
            }
            Op::Liquidate { trader } => {
                let (keeper, who) = (self.keeper.clone(), self.traders[trader].clone());
                let res = self.suite.liquidate(&keeper, MARKET, &who);
                self.check("liquidate", res);
            }
            Op::Crash { bps } => {
                self.apply(&Op::Price { bps });
                self.apply(&Op::Arb { percent: 100 });
                for trader in 0..TRADERS {
                    self.apply(&Op::Liquidate { trader });
                }
            }
            Op::Wait { seconds } => {
                self.suite.advance(seconds);
                self.push(self.index);
            }
            Op::Settle => {
                let keeper = self.keeper.clone();
                let res = self.suite.settle_funding(&keeper, MARKET);
                self.check("settle", res);
            }
            Op::Sweep => {
                let keeper = self.keeper.clone();
                let res = self.suite.sweep_premium(&keeper);
                self.check("sweep", res);
            }
        }
    }

    /// Closes one position, topping up margin if the vAMM price would leave it bankrupt while
    /// the index says it is healthy. Checks the payout equals margin + PnL - fee, where the
    /// margin is net of the funding the close applied: the query's accrued funding plus any
    /// interval the close's funding catch-up charged first.
    fn close_out(&mut self, who: &Addr) {
        self.push(self.index);
        let Some(position) = self.suite.position(MARKET, who) else {
            return;
        };
        let keeper = self.keeper.clone();
        let before = self.suite.balance(who);
        match self.suite.close(who, MARKET) {
            Ok(res) => {
                self.note(&Ok(res.clone()));
                let payout: u128 = attr(&res, "payout").unwrap().parse().unwrap();
                let fee: i128 = attr(&res, "fee").unwrap().parse().unwrap();
                let funding: i128 = attr(&res, "funding_paid").unwrap().parse().unwrap();
                let expected = position.margin.u128() as i128 + position.accrued_funding.i128()
                    - funding
                    + position.unrealized_pnl.i128()
                    - fee;
                assert_eq!(payout as i128, expected, "close pays margin + pnl - fee");
                assert_eq!(self.suite.balance(who) - before, payout);
            }
            Err(E::Bankrupt { .. }) => match self.suite.liquidate(&keeper, MARKET, who) {
                Ok(res) => self.note(&Ok(res)),
                Err(E::NotLiquidatable { .. }) => {
                    let top_up = position.open_notional.u128();
                    self.suite.mint(who, top_up);
                    self.suite.add_margin(who, MARKET, top_up).unwrap();
                    let res = self.suite.close(who, MARKET);
                    self.note(&res);
                    res.unwrap();
                }
                Err(err) => panic!("close-out liquidation: {err:?}"),
            },
            Err(err) => panic!("close-out: {err:?}"),
        }
    }

    fn finish(&mut self) {
        let everyone: Vec<Addr> = self.traders.iter().chain([&self.arb]).cloned().collect();
        for who in &everyone {
            self.close_out(who);
        }
        let keeper = self.keeper.clone();
        self.suite.sweep_premium(&keeper).unwrap();
        let market = self.suite.market(MARKET);
        let state = self.suite.engine_state();
        assert_eq!(market.long_oi, Uint128::zero());
        assert_eq!(market.short_oi, Uint128::zero());
        assert_eq!(
            market.base_reserve, market.base_reserve_start,
            "vAMM back at its start"
        );
        assert_eq!(
            market.funding_pool.i128(),
            0,
            "funding dust released to treasury"
        );
        assert_eq!(state.total_margin, Uint128::zero());
        assert_eq!(state.pending_premium + state.unsplit_fees, Uint128::zero());
        // Invariant 10: funding collected >= funding credited, by at most one unit a touch.
        assert!(
            self.funding_net >= 0,
            "funding credited more than collected: {} over {} touches",
            self.funding_net,
            self.funding_touches
        );
        assert!(
            self.funding_net as u128 <= self.funding_touches,
            "funding dust {} above {} touches",
            self.funding_net,
            self.funding_touches
        );
        // Invariant 2: the engine keeps exactly its treasury fees (less any deficit nobody
        // could absorb, which the identity check accounts for).
        assert_eq!(
            self.suite.balance(&self.suite.engine.clone()),
            state.treasury_fees.u128() - state.uncovered_bad_debt.u128(),
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).map_or(64, |c: u32| (c / 4).max(16)),
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
