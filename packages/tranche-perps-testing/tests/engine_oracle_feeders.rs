//! The index as the median of several fresh feeders, and the price-shock pause
//! (docs/engine.md#oracle, docs/engine.md#pauses, docs/engine.md#attacks-considered): a rogue
//! feeder alone moves nothing, a second feeder confirms a real move, stale and silent feeders
//! drop out of the median, a feeder stamping the block time no longer shuts out honest ones,
//! extreme prices are refused, and margin cannot be pulled between a crash push and the
//! liquidation it makes possible, while closing and adding margin stay open and the pause ends
//! by itself or by the governor.
//!
//! Every attack test below fails on the engine before this change (one feeder's newest push
//! was the index, prices were unbounded, margin removal only knew the global pause); each doc
//! comment says how.

use cosmwasm_std::{Addr, Decimal, Decimal256, Uint128};
use perp_engine::ContractError;
use tranche_perps_testing::checks::assert_refused;
use tranche_perps_testing::perp::default_market_params;
use tranche_perps_testing::{Suite, ONE};
use tranche_perps_types::engine::{
    ExecuteMsg, MarketParams, MarketResponse, ShockResponse, SINGLE_FEEDER_WARNING,
};
use tranche_perps_types::fund::Tranche;

const BTC: &str = "BTC-USD";
const B0: u128 = 1_000_000_000_000;
const Q0: u128 = 100_000_000_000_000;

/// A fund with 1,000 USDC junior and 1,000 senior, BTC-USD at mark and index 100 pushed by the
/// first two of the three feeders, and bob long 2e9 base (200,000 USDC notional) with 21,000
/// USDC: liquidatable below about 94.7.
fn setup() -> Suite {
    let mut suite = Suite::builder()
        .with_underwriters(
            &["lp", "bob", "carl", "arb", "dodger", "keeper"],
            10_000_000 * ONE,
        )
        .with_perp_engine()
        .build();
    let lp = suite.addr("lp");
    suite.deposit(&lp, Tranche::Junior, 1_000 * ONE).unwrap();
    suite.deposit(&lp, Tranche::Senior, 1_000 * ONE).unwrap();
    // One liquidation closes a whole position and pays no keeper minimum, and no funding
    // accrues, so the socialized figures below are bob's alone (liquidations in parts:
    // engine_sandwich.rs; funding: engine_funding.rs).
    let params = MarketParams {
        funding_factor: Decimal::zero(),
        liquidation_depth: Decimal::percent(5),
        min_keeper_reward: Uint128::zero(),
        ..default_market_params()
    };
    suite.add_market_with(BTC, B0, Q0, params).unwrap();
    suite.push_price(BTC, "100").unwrap();
    let bob = suite.addr("bob");
    suite.trade(&bob, BTC, 2_000_000_000, 21_000 * ONE).unwrap();
    suite
}

fn feeders(suite: &Suite) -> (Addr, Addr, Addr) {
    let f = suite.feeders();
    (f[0].clone(), f[1].clone(), f[2].clone())
}

fn index(suite: &Suite) -> Decimal256 {
    suite.market(BTC).index_price.unwrap()
}

fn d(price: &str) -> Decimal256 {
    price.parse().unwrap()
}

/// What a refused step must leave as it was: the market, the fund's loss ledger and balances.
fn books(suite: &Suite) -> (MarketResponse, usize, u128, u128) {
    (
        suite.market(BTC),
        suite.loss_ledger(None, None).len(),
        suite.balance(&suite.engine),
        suite.balance(&suite.fund),
    )
}

/// A rogue feeder (one stolen key) pushes a 50% crash, then a 100% spike: the index stays at
/// 100, bob cannot be liquidated and the fund pays nothing. On the previous engine the crash
/// push was the index (50): bob's position (margin 20,799.6 USDC, 2e9 base) was liquidatable
/// with bad debt and the fund paid.
#[test]
fn a_rogue_feeder_moves_nothing() {
    let mut suite = setup();
    let (_, _, rogue) = feeders(&suite);
    let (bob, keeper) = (suite.addr("bob"), suite.addr("keeper"));
    suite.advance(5);
    let res = suite.push_price_from(&rogue, BTC, "50").unwrap();
    assert_eq!(
        tranche_perps_testing::wasm_attr(&res, "index_update"),
        "set"
    );
    assert_eq!(index(&suite), d("100"));
    let before = books(&suite);
    assert!(matches!(
        suite.liquidate(&keeper, BTC, &bob).unwrap_err(),
        ContractError::NotLiquidatable { .. }
    ));
    assert_eq!(books(&suite), before);
    assert!(suite.loss_ledger(None, None).is_empty());
    suite.advance(5);
    suite.push_price_from(&rogue, BTC, "200").unwrap();
    assert_eq!(index(&suite), d("100"));
    // the rogue's price is recorded, and fresh, but it is one of three
    let m = suite.market(BTC);
    let rogue_price = m.feeder_prices.iter().find(|p| p.feeder == rogue).unwrap();
    assert_eq!((rogue_price.price, rogue_price.fresh), (d("200"), true));
    assert_eq!(m.oracle_warning, None);
}

/// A real crash: the first feeder's 50 leaves the index at 100 (the median of 50 and the
/// second feeder's 100 nearest the last index; the third feeder never pushed); the second
/// feeder confirms it and the index is 50: bob is liquidated.
#[test]
fn a_second_feeder_confirms_a_real_crash() {
    let mut suite = setup();
    let (first, second, _) = feeders(&suite);
    let (bob, keeper) = (suite.addr("bob"), suite.addr("keeper"));
    suite.advance(5);
    suite.push_price_from(&first, BTC, "50").unwrap();
    assert_eq!(index(&suite), d("100"));
    assert!(suite.liquidate(&keeper, BTC, &bob).is_err());
    suite.push_price_from(&second, BTC, "50").unwrap();
    assert_eq!(index(&suite), d("50"));
    suite.liquidate(&keeper, BTC, &bob).unwrap();
    assert!(suite.position(BTC, &bob).is_none());
}

/// With `min_feeders` 1 (allowed, with a warning in the market query) the confirmation rule
/// still holds: one feeder moves the index within 10%, a move beyond it waits for a second
/// feeder's price beyond it on the same side.
#[test]
fn a_single_feeder_market_still_needs_confirmation_for_a_large_move() {
    let mut suite = setup();
    let (first, second, third) = feeders(&suite);
    let params = MarketParams {
        min_feeders: 1,
        ..default_market_params()
    };
    suite.add_market_with("ETH-USD", B0, Q0, params).unwrap();
    assert_eq!(
        suite.market("ETH-USD").oracle_warning.as_deref(),
        Some(SINGLE_FEEDER_WARNING)
    );
    suite.push_price_from(&first, "ETH-USD", "100").unwrap();
    assert_eq!(suite.market("ETH-USD").index_price, Some(d("100")));
    suite.advance(5);
    let res = suite.push_price_from(&first, "ETH-USD", "95").unwrap();
    assert_eq!(
        tranche_perps_testing::wasm_attr(&res, "index_update"),
        "set"
    );
    // first at 95, second at 80: the median is between them; 95 is nearest the last index
    suite.push_price_from(&second, "ETH-USD", "80").unwrap();
    assert_eq!(suite.market("ETH-USD").index_price, Some(d("95")));
    // the third feeder agrees with the second: the median 80 is 15.8% below 95, and two
    // feeders' prices lie beyond 10% below it: confirmed
    suite.push_price_from(&third, "ETH-USD", "80").unwrap();
    assert_eq!(suite.market("ETH-USD").index_price, Some(d("80")));
    // a lone fresh feeder (the others stale) moving beyond 10% is not confirmed
    suite.advance(601);
    let res = suite.push_price_from(&first, "ETH-USD", "60").unwrap();
    assert_eq!(
        tranche_perps_testing::wasm_attr(&res, "index_update"),
        "unconfirmed"
    );
    assert_eq!(suite.market("ETH-USD").index_price, Some(d("80")));
    suite.push_price_from(&second, "ETH-USD", "60").unwrap();
    assert_eq!(suite.market("ETH-USD").index_price, Some(d("60")));
}

/// The median is over fresh prices only: a feeder silent for longer than
/// `oracle_max_age_seconds` drops out, and with fewer than `min_feeders` fresh prices the index
/// goes stale (`StalePrice`) exactly when the 2nd newest price it was built from does.
#[test]
fn stale_and_silent_feeders_drop_out_of_the_median() {
    let mut suite = setup();
    let (first, second, third) = feeders(&suite);
    let carl = suite.addr("carl");
    let t0 = suite.now().seconds();
    suite.push_price_from(&third, BTC, "100").unwrap();
    suite.advance(300);
    suite.push_price_from(&first, BTC, "102").unwrap();
    suite.push_price_from(&second, BTC, "102").unwrap();
    assert_eq!(index(&suite), d("102"));
    // 601 s after t0 the third feeder's 100 is stale: the median is over the other two
    suite.advance(301);
    suite.push_price_from(&first, BTC, "104").unwrap();
    let m = suite.market(BTC);
    assert_eq!(m.index_price, Some(d("102")));
    assert_eq!(m.index_publish_time, Some(t0 + 300));
    assert!(
        !m.feeder_prices
            .iter()
            .find(|p| p.feeder == third)
            .unwrap()
            .fresh
    );
    suite.push_price_from(&second, BTC, "104").unwrap();
    assert_eq!(index(&suite), d("104"));
    let t1 = suite.now().seconds();
    // the second feeder falls silent: the first alone is too few; the index (published t1)
    // is stale 601 s later
    suite.advance(601);
    let res = suite.push_price_from(&first, BTC, "104").unwrap();
    assert_eq!(
        tranche_perps_testing::wasm_attr(&res, "index_update"),
        "too_few_fresh"
    );
    assert_eq!(
        suite.trade(&carl, BTC, -1_000_000, 20 * ONE).unwrap_err(),
        ContractError::StalePrice {
            market: BTC.to_string(),
            publish_time: t1,
            max_age: 600,
            now: t1 + 601,
        }
    );
    // the third feeder comes back: two fresh prices again
    suite.push_price_from(&third, BTC, "104").unwrap();
    assert_eq!(suite.market(BTC).index_publish_time, Some(t1 + 601));
    suite.trade(&carl, BTC, -1_000_000, 20 * ONE).unwrap();
}

/// The review's race, replayed: in each of 10 blocks a feeder stamps its push with the block
/// time (95) and the two honest feeders push the real price (90) observed 2 s earlier. On the
/// previous engine every honest push was refused (`PriceNotNewer`: not after the rogue's block
/// time) and the index was 95 in 10 of 10 blocks; now each feeder is only held to its own last
/// publish time and the index is the median, 90, in 10 of 10.
#[test]
fn a_feeder_stamping_the_block_time_no_longer_shuts_out_honest_ones() {
    let mut suite = setup();
    let (first, second, rogue) = feeders(&suite);
    let mut followed = 0;
    for _ in 0..10 {
        suite.advance(5);
        let now = suite.now().seconds();
        suite.push_price_at(&rogue, BTC, "95", now).unwrap();
        suite.push_price_at(&first, BTC, "90", now - 2).unwrap();
        suite.push_price_at(&second, BTC, "90", now - 2).unwrap();
        if index(&suite) == d("90") {
            followed += 1;
        }
    }
    assert_eq!(followed, 10);
}

/// A price of 1e30 (which made every sweep revert: sweeps sum size * index over markets) is
/// refused with `PriceOutOfBounds`, also on a market stored before the bounds existed (their
/// default ceiling is 10^18); sweeps keep working. On the previous engine the push was
/// accepted and the next sweep overflowed.
#[test]
fn extreme_prices_are_refused() {
    let mut suite = setup();
    let (first, _, _) = feeders(&suite);
    let keeper = suite.addr("keeper");
    suite.advance(5);
    let huge = Decimal256::from_ratio(10u128.pow(30), 1u128);
    assert_refused(
        &mut suite,
        books,
        ContractError::PriceOutOfBounds {
            price: huge,
            min: d("0.001"),
            max: d("1000000"),
        },
        |s| s.push_price_from(&first, BTC, &huge.to_string()),
    );
    // a market whose params were written without the new fields reads the defaults
    let old: MarketParams = serde_json::from_value({
        let mut v = serde_json::to_value(default_market_params()).unwrap();
        for field in [
            "min_feeders",
            "max_index_move",
            "min_price",
            "max_price",
            "shock_move",
            "shock_window_seconds",
            "shock_pause_seconds",
        ] {
            v.as_object_mut().unwrap().remove(field);
        }
        v
    })
    .unwrap();
    assert_eq!(old.min_feeders, 1);
    assert_eq!(old.max_index_move, None);
    assert_eq!(old.min_price, Decimal256::raw(1));
    assert_eq!(old.max_price, Decimal256::from_ratio(10u128.pow(18), 1u128));
    assert_eq!(
        (
            old.shock_move,
            old.shock_window_seconds,
            old.shock_pause_seconds
        ),
        (Decimal::percent(10), 3_600, 3_600)
    );
    suite.add_market_with("OLD-USD", B0, Q0, old).unwrap();
    assert_eq!(
        suite
            .push_price_from(&first, "OLD-USD", &huge.to_string())
            .unwrap_err(),
        ContractError::PriceOutOfBounds {
            price: huge,
            min: Decimal256::raw(1),
            max: Decimal256::from_ratio(10u128.pow(18), 1u128),
        }
    );
    suite.push_price_from(&first, "OLD-USD", "100").unwrap();
    suite.sweep_premium(&keeper).unwrap();
}

fn shock(suite: &Suite) -> ShockResponse {
    suite.shock(BTC)
}

/// A crash of the bad-debt kind: carl short 5e8 with 6,000 USDC, dodger long 1e8 with 200,000
/// USDC (notional 10,000: far from liquidation, but its margin bears a share of socialized
/// loss), both feeders push 80 (bob, long 2e9 with 21,000, is now bankrupt), arb shorts 68e9
/// so bob's close on the vAMM realizes more than his margin.
fn crash_with_dodger(suite: &mut Suite) -> u64 {
    let (carl, arb, dodger) = (suite.addr("carl"), suite.addr("arb"), suite.addr("dodger"));
    suite.trade(&carl, BTC, -500_000_000, 6_000 * ONE).unwrap();
    suite
        .trade(&dodger, BTC, 100_000_000, 200_000 * ONE)
        .unwrap();
    suite.advance(1);
    let (first, second, _) = feeders(suite);
    // the first feeder's push starts the shock: 80 is 20% from the reference 100
    suite.push_price_from(&first, BTC, "80").unwrap();
    let until = suite.now().seconds() + 3_600;
    assert_eq!(
        shock(suite),
        ShockResponse {
            market: BTC.to_string(),
            active: true,
            until,
            window_start: shock(suite).window_start,
            reference_price: Some(d("100")),
            previous_window_start: shock(suite).previous_window_start,
            previous_reference_price: Some(d("100")),
        }
    );
    suite.push_price_from(&second, BTC, "80").unwrap();
    assert_eq!(index(suite), d("80"));
    suite
        .trade(&arb, BTC, -68_000_000_000, 600_000 * ONE)
        .unwrap();
    until
}

/// The review's socialization dodge, replayed: after the crash push and before the visible
/// bad-debt liquidation, the dodger tries to remove 190,000 of its 200,000 USDC margin (and so
/// cut its share of the socialized loss, 3,219.8 -> 181.2 USDC in the review). The removal is
/// refused with `MarketShocked` carrying the end of the pause; after the liquidation the
/// dodger bears its full pro-rata share. On the previous engine the removal went through.
#[test]
fn pulling_margin_before_a_visible_bad_debt_liquidation_is_refused() {
    let mut suite = setup();
    let until = crash_with_dodger(&mut suite);
    let (bob, keeper, dodger) = (
        suite.addr("bob"),
        suite.addr("keeper"),
        suite.addr("dodger"),
    );
    let margin = |s: &Suite| s.position(BTC, &dodger).unwrap().margin.u128();
    assert_eq!(margin(&suite), DODGER_MARGIN);
    assert_refused(
        &mut suite,
        books,
        ContractError::MarketShocked {
            market: BTC.to_string(),
            until,
        },
        |s| s.remove_margin(&dodger, BTC, 190_000 * ONE),
    );
    suite.liquidate(&keeper, BTC, &bob).unwrap();
    assert_eq!(
        suite.socialized_losses().losses[0].socialized.u128(),
        SOCIALIZED
    );
    assert_eq!(DODGER_MARGIN - margin(&suite), FULL_SHARE);

    // What the removal saved when it went through (here: the governor ended the shock first):
    // the dodger's share falls from 765.7 to 50.2 USDC.
    let mut suite = setup();
    crash_with_dodger(&mut suite);
    let governor = suite.governor.clone();
    let end = ExecuteMsg::EndShock {
        market: BTC.to_string(),
    };
    suite.execute_engine(&governor, &end, &[]).unwrap();
    suite.remove_margin(&dodger, BTC, 190_000 * ONE).unwrap();
    let left = margin(&suite);
    suite.liquidate(&keeper, BTC, &bob).unwrap();
    let dodged_share = left - margin(&suite);
    assert_eq!(dodged_share, DODGED_SHARE);
}

/// The dodger's margin after its opening fee.
const DODGER_MARGIN: u128 = 199_989_968_927;
/// Socialized by bob's liquidation after [`crash_with_dodger`].
const SOCIALIZED: u128 = 3_061_248_529;
/// The dodger's share of it with its whole margin in the pool.
const FULL_SHARE: u128 = 765_701_603;
/// Its share after removing 190,000 USDC first.
const DODGED_SHARE: u128 = 50_170_828;

/// The guardian starts a shock, at most now + `shock_pause_seconds` (calling again later only
/// moves the end to the new now + pause, never further); strangers cannot; the governor ends
/// it early; a shock ends by itself when the pause is over.
#[test]
fn guardian_shock_is_bounded_and_the_governor_ends_it() {
    let mut suite = setup();
    let (guardian, governor, bob) = (
        suite.guardian.clone(),
        suite.governor.clone(),
        suite.addr("bob"),
    );
    let trigger = ExecuteMsg::TriggerShock {
        market: BTC.to_string(),
    };
    let end = ExecuteMsg::EndShock {
        market: BTC.to_string(),
    };
    suite.execute_engine(&guardian, &trigger, &[]).unwrap();
    let t = suite.now().seconds();
    assert_eq!(
        (shock(&suite).active, shock(&suite).until),
        (true, t + 3_600)
    );
    assert_eq!(suite.market(BTC).shock_until, t + 3_600);
    suite.advance(1_000);
    suite.execute_engine(&guardian, &trigger, &[]).unwrap();
    assert_eq!(shock(&suite).until, t + 4_600);
    assert_eq!(
        suite.execute_engine(&bob, &trigger, &[]).unwrap_err(),
        ContractError::NotGovernorOrGuardian
    );
    assert!(suite.remove_margin(&bob, BTC, ONE).is_err());
    suite.execute_engine(&governor, &end, &[]).unwrap();
    assert!(!shock(&suite).active);
    suite.push_price(BTC, "100").unwrap();
    suite.remove_margin(&bob, BTC, ONE).unwrap();
    // ends by itself: 3,600 s after the trigger margin can leave again
    suite.execute_engine(&guardian, &trigger, &[]).unwrap();
    suite.advance(3_599);
    suite.push_price(BTC, "100").unwrap();
    assert!(matches!(
        suite.remove_margin(&bob, BTC, ONE).unwrap_err(),
        ContractError::MarketShocked { .. }
    ));
    suite.advance(1);
    assert!(!shock(&suite).active);
    suite.remove_margin(&bob, BTC, ONE).unwrap();
}

/// Nothing locks funds: during a shock traders still add margin and close positions, and the
/// pause ends `shock_pause_seconds` after the last shocking push; pushes at the new level do
/// not prolong it (the shock re-bases its references).
#[test]
fn closing_and_adding_margin_work_during_a_shock_which_ends_by_itself() {
    let mut suite = setup();
    let (bob, carl, arb) = (suite.addr("bob"), suite.addr("carl"), suite.addr("arb"));
    suite.trade(&carl, BTC, -1_000_000, 20 * ONE).unwrap();
    suite.trade(&arb, BTC, 1_000_000, 1_000 * ONE).unwrap();
    suite.advance(5);
    suite.push_price(BTC, "89").unwrap();
    let until = shock(&suite).until;
    assert!(shock(&suite).active);
    assert_eq!(until, suite.now().seconds() + 3_600);
    suite.add_margin(&bob, BTC, 1_000 * ONE).unwrap();
    suite.close(&carl, BTC).unwrap();
    assert!(suite.position(BTC, &carl).is_none());
    // the new level pushed again does not prolong the pause
    for _ in 0..6 {
        suite.advance(600);
        suite.push_price(BTC, "89").unwrap();
    }
    assert_eq!(shock(&suite).until, until);
    assert!(!shock(&suite).active);
    suite.remove_margin(&arb, BTC, ONE).unwrap();
}
