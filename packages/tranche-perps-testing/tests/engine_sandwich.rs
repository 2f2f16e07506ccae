//! Liquidations under an adversary who sees every pending transaction and places their own
//! before and after it (docs/engine.md#attacks-considered): sandwiching a liquidation, moving the
//! vAMM to raise what the fund pays, and liquidating in parts.
//!
//! The attack of the review this replays (default parameters, vAMM 1e12 base x 1e14 quote): a
//! long of 5e9 base; the index falls to 91 and an arbitrageur brings the mark to ~91; the
//! attacker shorts the vAMM to ~83.5 (inside the 10% `max_spread`), liquidates the long (which
//! then sold into the depressed vAMM), and buys back. On the engine before liquidation depth,
//! the band and the claim at the index, the attacker made 29,204 USDC instead of 4,528 as an
//! honest keeper, the trader's 755 USDC remainder was gone and the fund paid 27,375 USDC of bad
//! debt where there was none at the index. Each test below fails on that engine: the
//! liquidation went through whole at the depressed mark and the fund was asked for the vAMM's
//! bad debt.

use cosmwasm_std::{Addr, Decimal, Decimal256, Isqrt, Uint128, Uint256};
use perp_engine::ContractError as E;
use proptest::prelude::*;
use tranche_perps_testing::perp::{default_market_params, EngineResult};
use tranche_perps_testing::{wasm_attr, Suite, ONE};
use tranche_perps_types::engine::MarketParams;
use tranche_perps_types::fund::Tranche;

const BTC: &str = "BTC-USD";
const BASE: u128 = 1_000_000_000_000;
const QUOTE: u128 = 100_000_000_000_000;

/// A suite with a fund of 1,000,000 USDC in junior and one market at mark and index 100.
fn setup(params: MarketParams) -> Suite {
    let mut suite = Suite::builder()
        .with_underwriters(
            &["lp", "bob", "carl", "arb", "eve", "keeper"],
            100_000_000 * ONE,
        )
        .with_perp_engine()
        .build();
    let lp = suite.addr("lp");
    suite
        .deposit(&lp, Tranche::Junior, 1_000_000 * ONE)
        .unwrap();
    suite.add_market_with(BTC, BASE, QUOTE, params).unwrap();
    suite.push_price(BTC, "100").unwrap();
    suite
}

/// The vAMM base reserve at which the mark is `price`: `sqrt(k / price)`.
fn reserve_at(price: &str) -> u128 {
    let k = Uint256::from(BASE) * Uint256::from(QUOTE);
    let price: Decimal256 = price.parse().unwrap();
    let reserve = (k * Uint256::from(10u128.pow(18)) / price.atomics()).isqrt();
    Uint128::try_from(reserve).unwrap().u128()
}

/// `who` trades the vAMM until its base reserve is `target` (a sale when it must grow), with
/// margin for 2x at 100.
fn trade_to(suite: &mut Suite, who: &Addr, target: u128) -> EngineResult {
    let now = suite.market(BTC).base_reserve.u128();
    let size = now as i128 - target as i128;
    suite.trade(who, BTC, size, size.unsigned_abs() * 50)
}

fn attr(res: &cw_multi_test::AppResponse, key: &str) -> u128 {
    wasm_attr(res, key).parse().unwrap()
}

/// The review's position: bob long 5e9 base with 60,000 USDC (cost 502,512,562,814 at 100); the
/// index falls to 91 and arb sells the vAMM to a mark of 91. Equity at the index is
/// 60,000 + 455,000 - 502,512.6 = 12,487.4 USDC, below the 5% maintenance of 22,750: liquidatable,
/// and no bad debt at the index.
fn review_position(suite: &mut Suite) {
    let (bob, arb) = (suite.addr("bob"), suite.addr("arb"));
    suite.trade(&bob, BTC, 5_000_000_000, 60_000 * ONE).unwrap();
    suite.advance(1);
    suite.push_price(BTC, "91").unwrap();
    trade_to(suite, &arb, reserve_at("91")).unwrap();
}

/// Balance change of `who` over `run`.
fn pnl(suite: &mut Suite, who: &Addr, run: impl FnOnce(&mut Suite)) -> i128 {
    let before = suite.balance(who) as i128;
    run(suite);
    suite.balance(who) as i128 - before
}

#[test]
fn the_reviews_sandwich_is_refused_and_loses_its_fees() {
    // Honest: eve liquidates bob; one part of 0.05% of the vAMM (5e8 base).
    let mut honest = setup(default_market_params());
    review_position(&mut honest);
    let (bob, eve) = (honest.addr("bob"), honest.addr("eve"));
    let fund = honest.state().total_assets;
    let mut part = None;
    let keeper = pnl(&mut honest, &eve, |s| {
        part = Some(s.liquidate(&eve, BTC, &bob).unwrap())
    });
    let part = part.unwrap();
    assert_eq!(attr(&part, "size_liquidated"), 500_000_000);
    assert_eq!(attr(&part, "bad_debt"), 0);
    assert_eq!(attr(&part, "keeper_reward") as i128, keeper);
    // 1% of the part's notional at the mark ~91: about 455 USDC.
    assert!(
        keeper > 450 * ONE as i128 && keeper < 456 * ONE as i128,
        "{keeper}"
    );
    assert_eq!(honest.state().total_assets, fund);

    // Attack: eve shorts the vAMM to 83.5 (8.2% under the index, inside the 10% spread), then
    // liquidates: the mark is already past 91 * (1 - 0.1%), so the liquidation is refused, and
    // eve's round trip pays two taker fees on ~4.5e10 base for nothing.
    let mut attack = setup(default_market_params());
    review_position(&mut attack);
    let fund = attack.state().total_assets;
    let margin_before = attack.position(BTC, &bob).unwrap().margin;
    let sandwich = pnl(&mut attack, &eve, |s| {
        trade_to(s, &eve, reserve_at("83.5")).unwrap();
        let err = perp_engine_error(s.liquidate(&eve, BTC, &bob));
        assert!(matches!(err, E::LiquidationBandReached { .. }), "{err:?}");
        s.close(&eve, BTC).unwrap();
    });
    assert!(sandwich < -7_000 * ONE as i128, "{sandwich}");
    // Nothing happened to bob, the fund or the engine's books.
    let position = attack.position(BTC, &bob).unwrap();
    assert_eq!(position.size.i128(), 5_000_000_000);
    assert_eq!(position.margin, margin_before);
    assert_eq!(attack.state().total_assets, fund);
    assert!(attack.socialized_losses().losses.is_empty());
}

fn perp_engine_error(res: EngineResult) -> E {
    res.expect_err("refused")
}

/// The strongest sandwich the band leaves: eve pushes the mark only half the band below the
/// index, so the liquidation still sells (down to the band), then buys back. Over one block and
/// over several (holding the displacement while keepers liquidate part after part, nobody else
/// trading), she earns less than an honest keeper of the same parts.
#[test]
fn a_sandwich_inside_the_band_earns_less_than_liquidating_honestly() {
    for blocks in [1u32, 2, 4] {
        let run = |attack: bool| -> (i128, u128) {
            let mut suite = setup(default_market_params());
            review_position(&mut suite);
            let (bob, eve) = (suite.addr("bob"), suite.addr("eve"));
            let mut liquidated = 0;
            let result = pnl(&mut suite, &eve, |s| {
                if attack {
                    trade_to(s, &eve, reserve_at("90.955")).unwrap();
                }
                for block in 0..blocks {
                    if block > 0 {
                        s.advance(1);
                        s.push_price(BTC, "91").unwrap();
                    }
                    if let Ok(res) = s.liquidate(&eve, BTC, &bob) {
                        liquidated += attr(&res, "size_liquidated");
                    }
                }
                if attack {
                    s.close(&eve, BTC).unwrap();
                }
            });
            (result, liquidated)
        };
        let (honest, honest_size) = run(false);
        let (sandwich, sandwich_size) = run(true);
        assert!(honest_size > 0 && sandwich_size > 0);
        assert!(
            sandwich < honest,
            "{blocks} blocks: sandwich {sandwich} against honest {honest}"
        );
    }
}

#[test]
fn a_large_position_is_liquidated_in_parts_one_block_at_a_time() {
    // The index falls to 60 and an arbitrageur sells the mark to 61: the band (60 * 0.999) is
    // ~0.9% of the reserve away, the depth (0.05% of the 1e12 starting reserve, smaller than the reserve now: 5e8 base per
    // block) binds. Bob is bankrupt at the index, so he stays liquidatable after every part.
    let mut suite = setup(MarketParams {
        max_long_oi: Uint128::new(1_000_000_000_000),
        max_short_oi: Uint128::new(1_000_000_000_000),
        ..default_market_params()
    });
    let (bob, arb, keeper) = (suite.addr("bob"), suite.addr("arb"), suite.addr("keeper"));
    suite.trade(&bob, BTC, 2_200_000_000, 30_000 * ONE).unwrap();
    suite.advance(1);
    suite.push_price(BTC, "60").unwrap();
    trade_to(&mut suite, &arb, reserve_at("61")).unwrap();
    let bob_before = suite.balance(&bob);
    let mut parts = vec![];
    loop {
        let res = suite.liquidate(&keeper, BTC, &bob).unwrap();
        parts.push(attr(&res, "size_liquidated"));
        // Never a payout to a bankrupt trader; the keeper is paid every part.
        assert_eq!(attr(&res, "trader_payout"), 0);
        assert!(attr(&res, "keeper_reward") >= 100_000);
        let Some(position) = suite.position(BTC, &bob) else {
            break;
        };
        // Still open: the rest of the margin stays with the position, and the block's depth is
        // used up.
        assert_eq!(attr(&res, "margin_left"), position.margin.u128());
        let err = perp_engine_error(suite.liquidate(&keeper, BTC, &bob));
        assert_eq!(
            err,
            E::LiquidationDepthReached {
                market: BTC.to_string(),
                depth: Uint128::new(500_000_000),
                height: suite.app.block_info().height,
            }
        );
        suite.advance(1);
        suite.push_price(BTC, "60").unwrap();
    }
    // Four parts of 5e8, then the last 2e8 (worth 12,000 USDC at 60, far above the 10 USDC
    // minimum, so it was not folded into the fourth).
    assert_eq!(
        parts,
        vec![
            500_000_000,
            500_000_000,
            500_000_000,
            500_000_000,
            200_000_000
        ]
    );
    assert_eq!(suite.balance(&bob), bob_before);
    assert_eq!(suite.market(BTC).long_oi.u128(), 0);
}

#[test]
fn a_remainder_below_min_notional_is_liquidated_with_the_last_part() {
    // 499,850,000 base: the depth is 0.05% of the reserve after bob's buy,
    // floor((1e12 - 499,850,000) * 0.0005) = 499,750,075, which would leave 99,925 base, worth
    // 8,993,250 < 10 USDC at 90; so the one liquidation takes it all (the depth is overshot by
    // less than min_notional).
    let mut suite = setup(default_market_params());
    let (bob, keeper) = (suite.addr("bob"), suite.addr("keeper"));
    suite.trade(&bob, BTC, 499_850_000, 7_000 * ONE).unwrap();
    suite.advance(1);
    suite.push_price(BTC, "90").unwrap();
    let res = suite.liquidate(&keeper, BTC, &bob).unwrap();
    assert_eq!(attr(&res, "size_liquidated"), 499_850_000);
    assert!(suite.position(BTC, &bob).is_none());
}

/// The fill of a bankrupt long below the index (inside the band): the fund is asked for the bad
/// debt at the index only, and the fill's loss below the index is written off against the
/// engine's fee pools, treasury fees first.
#[test]
fn the_fund_is_asked_only_for_the_bad_debt_at_the_index() {
    let params = MarketParams {
        // One part for the whole position, to compare with the index close to the unit.
        liquidation_depth: Decimal::percent(5),
        ..default_market_params()
    };
    let mut suite = setup(params);
    let (bob, arb, keeper) = (suite.addr("bob"), suite.addr("arb"), suite.addr("keeper"));
    suite.trade(&bob, BTC, 400_000_000, 4_100 * ONE).unwrap();
    // Sweep the opening fees so the treasury has some to write off against.
    suite.sweep_premium(&keeper).unwrap();
    suite.advance(1);
    suite.push_price(BTC, "85").unwrap();
    // The arbitrageur overshoots to 0.01% under the index (the band allows 0.1%).
    trade_to(&mut suite, &arb, reserve_at("84.9915")).unwrap();
    let position = suite.position(BTC, &bob).unwrap();
    // At the index: margin + 4e8 * 85 - cost.
    let at_index =
        position.margin.u128() as i128 + 34_000_000_000 - position.open_notional.u128() as i128;
    assert!(at_index < 0);
    let state_before = suite.engine_state();
    let res = suite.liquidate(&keeper, BTC, &bob).unwrap();
    assert_eq!(attr(&res, "size_liquidated"), 400_000_000);
    let bad_debt = attr(&res, "bad_debt");
    let claimed = attr(&res, "claimed_from_fund");
    assert_eq!(claimed as i128, -at_index);
    // The vAMM paid less than 85 for every unit, so its bad debt is larger; the difference was
    // written off, treasury first.
    let slippage = bad_debt - claimed;
    assert!(slippage > 0);
    let loss = suite.socialized_losses().losses[0].clone();
    assert_eq!(loss.bad_debt.u128(), bad_debt);
    assert_eq!(loss.paid_by_fund.u128(), claimed);
    let top_up = attr(&res, "keeper_top_up");
    let state = suite.engine_state();
    assert_eq!(
        state_before.treasury_fees.u128() - state.treasury_fees.u128(),
        (slippage + top_up).min(state_before.treasury_fees.u128())
    );
    assert_eq!(
        loss.written_off.u128() + loss.uncovered.u128(),
        slippage,
        "{loss:?}"
    );
}

/// Gas of a liquidation with a fund payout on the localnet, as `scripts/e2e.sh` last measured
/// it (docs/generated/gas.md).
fn measured_liquidation_gas() -> u128 {
    let page = include_str!("../../../docs/generated/gas.md");
    let row = page
        .lines()
        .find(|line| line.starts_with("| liquidation with fund payout |"))
        .expect("a liquidation row");
    let gas = row.trim_end_matches('|').rsplit('|').next().unwrap();
    gas.trim().replace(',', "").parse().unwrap()
}

/// A keeper who liquidates bad debt is paid the market's minimum, 0.1 USDC with the suite's
/// parameters, from the engine's fee pools (the position has nothing left). On the engine
/// before this minimum that keeper got 0. The minimum covers the liquidation's measured gas at
/// 0.25 uusdc per gas, ten times the lowest USDC gas prices chains charge.
#[test]
fn a_bad_debt_liquidation_pays_its_keeper_enough_for_its_gas() {
    let mut suite = setup(default_market_params());
    let (bob, arb, keeper) = (suite.addr("bob"), suite.addr("arb"), suite.addr("keeper"));
    // Bankrupt at 88: 4,100 USDC against a loss of ~4,800.
    suite.trade(&bob, BTC, 400_000_000, 4_100 * ONE).unwrap();
    suite.advance(1);
    suite.push_price(BTC, "88").unwrap();
    trade_to(&mut suite, &arb, reserve_at("88")).unwrap();
    let unsplit = suite.engine_state().unsplit_fees.u128();
    let mut slippage = 0;
    let reward = pnl(&mut suite, &keeper, |s| {
        let res = s.liquidate(&keeper, BTC, &bob).unwrap();
        assert!(attr(&res, "bad_debt") > 0);
        assert_eq!(attr(&res, "keeper_top_up"), 100_000);
        assert_eq!(attr(&res, "keeper_top_up_written_off"), 100_000);
        slippage = attr(&res, "bad_debt") - attr(&res, "claimed_from_fund");
    });
    assert_eq!(reward, 100_000);
    // No treasury fees yet: the unsplit fees paid the top-up and the fill's loss below the
    // index.
    assert_eq!(
        suite.engine_state().unsplit_fees.u128(),
        unsplit - 100_000 - slippage
    );
    let gas = measured_liquidation_gas();
    assert!(gas > 100_000, "{gas}");
    assert!(reward as u128 * 4 >= gas, "{reward} for {gas} gas");
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|c| c.parse::<u32>().ok())
            .map_or(24, |c| (c / 16).max(24)),
        ..ProptestConfig::default()
    })]

    /// Random positions (size, leverage), index moves, vAMM spreads before the attack and
    /// sandwiches (size and direction, in one block or held over up to three): the attacker's
    /// trades around the liquidation lose money after fees (what they earn beyond the keeper's
    /// reward is negative), and the fund is never asked for more than the bad debt closing at the
    /// index would leave. Held over several blocks this is asserted when the mark starts at or
    /// under the index; from above it, the attacker is selling a mark down toward the index, the
    /// arbitrage anyone may do (docs/engine.md#attacks-considered gives its figures).
    #[test]
    fn no_sandwich_beats_an_honest_liquidation(
        size in 500_000_000u128..20_000_000_000,
        margin_bps in 1_100u128..1_500,
        drop_bps in 500u128..3_000,
        spread_bps in -60i128..60,
        sandwich_bps in -80i128..80,
        blocks in 1u32..4,
    ) {
        let run = |attack: bool| -> (i128, u128) {
            let mut rewards = 0u128;
            let mut suite = setup(MarketParams {
                max_long_oi: Uint128::new(1_000_000_000_000),
                max_short_oi: Uint128::new(1_000_000_000_000),
                ..default_market_params()
            });
            let (bob, arb, eve) = (suite.addr("bob"), suite.addr("arb"), suite.addr("eve"));
            // Margin 11% to 15% of the notional at 100, plus twice the opening's price impact.
            let margin = size * 100 * margin_bps / 10_000 + size * 100 * 2 * size / BASE;
            suite.trade(&bob, BTC, size as i128, margin).unwrap();
            suite.advance(1);
            let index = Decimal256::from_ratio(100 * (10_000 - drop_bps), 10_000u128);
            suite.push_price(BTC, &index.to_string()).unwrap();
            // The arbitrageur leaves the mark `spread_bps` from the index.
            let mark = index * Decimal256::from_ratio((10_000 + spread_bps) as u128, 10_000u128);
            let _ = trade_to(&mut suite, &arb, reserve_at(&mark.to_string()));
            let mut claims = 0;
            let result = pnl(&mut suite, &eve, |s| {
                if attack {
                    let target = mark
                        * Decimal256::from_ratio((10_000 + sandwich_bps) as u128, 10_000u128);
                    let _ = trade_to(s, &eve, reserve_at(&target.to_string()));
                }
                for block in 0..blocks {
                    if block > 0 {
                        s.advance(1);
                        s.push_price(BTC, &index.to_string()).unwrap();
                    }
                    let before = s.position(BTC, &bob);
                    let stored = if before.is_some() { s.stored_margin(BTC, &bob) } else { 0 };
                    if let Ok(res) = s.liquidate(&eve, BTC, &bob) {
                        let position = before.unwrap();
                        let part = attr(&res, "size_liquidated");
                        let basis = position.open_notional.u128() * part
                            / position.size.unsigned_abs().u128();
                        let value = (Decimal256::from_ratio(part, 1u128) * index)
                            .to_uint_floor();
                        let left = stored as i128
                            - wasm_attr(&res, "funding_paid").parse::<i128>().unwrap()
                            + Uint128::try_from(value).unwrap().u128() as i128
                            - basis as i128;
                        let at_index = (-left).max(0) as u128;
                        let claimed = attr(&res, "claimed_from_fund");
                        assert!(claimed <= at_index, "claimed {claimed} at index {at_index}");
                        claims += claimed;
                        rewards += attr(&res, "keeper_reward");
                    }
                }
                if attack && s.position(BTC, &eve).is_some() {
                    s.close(&eve, BTC).unwrap();
                }
            });
            let _ = claims;
            (result, rewards)
        };
        let (sandwich, rewards) = run(true);
        let trading = sandwich - rewards as i128;
        if blocks == 1 || spread_bps <= 0 {
            prop_assert!(trading <= 0, "the sandwich's trades earned {}", trading);
        }
    }
}

/// At a price far above the vAMM's start its base reserve is smaller, so each base unit moves
/// the mark more: the depth follows the reserve (the smaller of now and at the start), so one
/// block's liquidation still moves the mark by about 0.1% and a sandwich still loses. Here a
/// whale's long has lifted the mark to 400 (the reserve halved); the index follows; bob's long
/// is liquidated at 355 with the mark 1% above the index, and eve sandwiches it down to half
/// the band under the index.
#[test]
fn a_sandwich_at_four_times_the_starting_price_still_loses() {
    let run = |attack: bool| -> (i128, u128) {
        let mut suite = setup(MarketParams {
            max_long_oi: Uint128::new(1_000_000_000_000),
            max_short_oi: Uint128::new(1_000_000_000_000),
            ..default_market_params()
        });
        let (whale, bob, arb, eve) = (
            suite.addr("whale"),
            suite.addr("bob"),
            suite.addr("arb"),
            suite.addr("eve"),
        );
        suite.mint(&whale, 100_000_000 * ONE);
        // Up to 400 in steps the index confirms (each within max_index_move of the last).
        for price in [
            "110", "121", "133", "146", "160", "176", "193", "212", "233", "256", "281", "309",
            "339", "372", "400",
        ] {
            suite.advance(1);
            suite.push_price(BTC, price).unwrap();
            let target = reserve_at(price);
            let now = suite.market(BTC).base_reserve.u128();
            if now > target {
                let size = (now - target) as i128;
                suite.trade(&whale, BTC, size, size as u128 * 200).unwrap();
            }
        }
        assert!(suite.market(BTC).base_reserve.u128() <= BASE / 2 + 1_000_000);
        suite.trade(&bob, BTC, 1_000_000_000, 50_000 * ONE).unwrap();
        suite.advance(1);
        suite.push_price(BTC, "355").unwrap();
        // The arbitrageur leaves the mark 1% above the index: the band is far, the depth binds.
        trade_to(&mut suite, &arb, reserve_at("358.55")).unwrap();
        let mut reward = 0;
        let result = pnl(&mut suite, &eve, |s| {
            if attack {
                // Half the band under the index.
                trade_to(s, &eve, reserve_at("354.8225")).unwrap();
            }
            let reserve = s.market(BTC).base_reserve.u128();
            let res = s.liquidate(&eve, BTC, &bob).unwrap();
            if !attack {
                // 0.05% of the reserve now (about half the start), not of the start's 1e12.
                assert!(reserve < BASE * 6 / 10);
                assert_eq!(attr(&res, "size_liquidated"), reserve / 2_000);
            }
            reward = attr(&res, "keeper_reward");
            if attack {
                s.close(&eve, BTC).unwrap();
            }
        });
        (result, reward)
    };
    let (honest, honest_reward) = run(false);
    assert_eq!(honest, honest_reward as i128);
    let (sandwich, reward) = run(true);
    let trading = sandwich - reward as i128;
    assert!(trading < 0, "the sandwich's trades earned {trading}");
}
