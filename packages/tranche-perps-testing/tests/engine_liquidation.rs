//! `ExecuteMsg::Liquidate`: the index-price trigger, the keeper reward, the trader's payout and
//! the fund's premium when margin remains; bad debt paid by the fund junior first, then senior;
//! the payout cap leaving the rest socialized pro rata over open margin; a fund that refuses
//! (`NotEngine`) not blocking the liquidation; shortfall ids never paid twice; stale prices and
//! the liquidation pause; the close-out after a crash; and bad debt that neither the fund nor
//! open margin absorbs: written off against unsplit fees, then the fund's pending premium, then
//! treasury fees, the rest (`uncovered_bad_debt`) repaid by later fees, payouts the engine
//! cannot make meanwhile refused with `Insolvent`.
//!
//! Every expected number was computed independently with Python integers (an exact model of the
//! vAMM `quote = ceil(k / base)`, taker fee `ceil(quote / 1000)`, liquidation fee
//! `ceil(2% * quote)`, keeper half rounded down, the fund's waterfall and the margin pool).
//! The markets here have funding switched off (`funding_factor` 0, [`no_funding`]): funding
//! accrues every second positions are open, so it would enter every figure; it has its own
//! tests (`engine_funding.rs`), and the randomized histories (`engine_props.rs`) liquidate with
//! funding on.

use cosmwasm_std::{Decimal, Int128, Uint128};
use cw_multi_test::AppResponse;
use perp_engine::ContractError;
use tranche_perps_testing::perp::default_market_params;
use tranche_perps_testing::{Suite, ONE};
use tranche_perps_types::engine::{EnginePause, ExecuteMsg, MarketParams, SocializedLoss};
use tranche_perps_types::fund::{LossRecord, Tranche};

const BTC: &str = "BTC-USD";

/// Parameters of this file's markets: the suite's, with funding switched off (module docs), a
/// liquidation depth of 5% of the vAMM per block, so one liquidation closes each position
/// whole, and no keeper minimum, so every figure comes from the liquidated position alone.
/// These tests are about where bad debt goes; liquidations in parts at the suite's
/// sandwich-safe depth, the fund's claim at the index and the keeper's minimum are in
/// `engine_sandwich.rs`.
fn whole_liquidations() -> MarketParams {
    MarketParams {
        funding_factor: Decimal::zero(),
        liquidation_depth: Decimal::percent(5),
        min_keeper_reward: Uint128::zero(),
        ..default_market_params()
    }
}

/// A suite with the engine, one market at mark 100 and index 100 (funding off), and a fund
/// holding `junior` and `senior` collateral.
fn setup(junior: u128, senior: u128) -> Suite {
    let mut suite = Suite::builder()
        .with_underwriters(&["lp", "bob", "carl", "arb", "keeper"], 10_000_000 * ONE)
        .with_perp_engine()
        .build();
    let lp = suite.addr("lp");
    suite.deposit(&lp, Tranche::Junior, junior).unwrap();
    suite.deposit(&lp, Tranche::Senior, senior).unwrap();
    suite
        .add_market_with(
            BTC,
            1_000_000_000_000,
            100_000_000_000_000,
            whole_liquidations(),
        )
        .unwrap();
    suite.push_price(BTC, "100").unwrap();
    suite
}

/// Moves time by one second and pushes a new index price.
fn reprice(suite: &mut Suite, price: &str) {
    suite.advance(1);
    suite.push_price(BTC, price).unwrap();
}

fn margin(suite: &Suite, who: &str) -> u128 {
    let addr = suite.addr(who);
    suite.position(BTC, &addr).unwrap().margin.u128()
}

/// The crash of the bad-debt tests: bob long 2e9 base with 21,000 USDC, carl short 5e8 with
/// 6,000 USDC, the index falls to 80, arb shorts 68e9 (mark 87.918, within the 10% spread of
/// 80), so bob's close on the vAMM realizes -24,893,734,263 against margin 20,799,599,198.
fn crash(suite: &mut Suite) {
    let (bob, carl, arb) = (suite.addr("bob"), suite.addr("carl"), suite.addr("arb"));
    suite.trade(&bob, BTC, 2_000_000_000, 21_000 * ONE).unwrap();
    suite.trade(&carl, BTC, -500_000_000, 6_000 * ONE).unwrap();
    reprice(suite, "80");
    suite
        .trade(&arb, BTC, -68_000_000_000, 600_000 * ONE)
        .unwrap();
}

/// Bad debt of bob's liquidation after `crash`.
const BAD_DEBT: u128 = 4_094_135_065;
/// Margins of carl and arb after `crash` (sent minus their opening fees).
const CARL_MARGIN: u128 = 5_949_824_536;
const ARB_MARGIN: u128 = 593_614_425_388;

#[test]
fn healthy_position_is_not_liquidatable() {
    let mut suite = setup(100_000 * ONE, 200_000 * ONE);
    let (bob, keeper) = (suite.addr("bob"), suite.addr("keeper"));
    suite.trade(&bob, BTC, 1_000_000_000, 11_000 * ONE).unwrap();
    // margin 11e9 - fee 100,100,101 = 10,899,899,899; pnl at 100 = 1e11 - 100,100,100,101.
    assert_eq!(
        suite.liquidate(&keeper, BTC, &bob).unwrap_err(),
        ContractError::NotLiquidatable {
            equity: Int128::new(10_799_799_798),
            required: Uint128::new(5_000_000_000),
        }
    );
    // At 94: equity 4,799,799,798 >= ceil(5% * 94e9) = 4,700,000,000.
    reprice(&mut suite, "94");
    assert_eq!(
        suite.liquidate(&keeper, BTC, &bob).unwrap_err(),
        ContractError::NotLiquidatable {
            equity: Int128::new(4_799_799_798),
            required: Uint128::new(4_700_000_000),
        }
    );
    // No position at all.
    let carl = suite.addr("carl");
    assert_eq!(
        suite.liquidate(&keeper, BTC, &carl).unwrap_err(),
        ContractError::NoPosition {
            market: BTC.to_string(),
            trader: carl.to_string(),
        }
    );
}

#[test]
fn liquidation_with_remaining_margin_pays_keeper_trader_and_fund() {
    let mut suite = setup(100_000 * ONE, 200_000 * ONE);
    let (bob, keeper) = (suite.addr("bob"), suite.addr("keeper"));
    suite.trade(&bob, BTC, 1_000_000_000, 11_000 * ONE).unwrap();
    // At 93: equity 3,799,799,798 < ceil(5% * 93e9) = 4,650,000,000.
    reprice(&mut suite, "93");
    let (bob_before, keeper_before) = (suite.balance(&bob), suite.balance(&keeper));
    suite.liquidate(&keeper, BTC, &bob).unwrap();

    // The close sells 1e9 back for the same 100,100,100,101 quote: realized 0, remaining
    // 10,899,899,899; fee ceil(2% * quote) = 2,002,002,003; keeper floor(fee / 2).
    assert_eq!(suite.balance(&keeper) - keeper_before, 1_001_001_001);
    assert_eq!(suite.balance(&bob) - bob_before, 8_897_897_896);
    assert!(suite.position(BTC, &bob).is_none());
    let state = suite.engine_state();
    assert_eq!(state.pending_premium.u128(), 1_001_001_002);
    assert_eq!(state.unsplit_fees.u128(), 100_100_101);
    assert_eq!(state.total_margin.u128(), 0);
    assert!(suite.socialized_losses().losses.is_empty());
    assert_eq!(suite.market(BTC).base_reserve.u128(), 1_000_000_000_000);

    // Sweep: no open interest was ever reported, so no target and the fund share is f_min 10%:
    // ceil(100,100,101 / 10) = 10,010,011; premium 1,001,001,002 + 10,010,011 = 1,011,011,013,
    // split 3:1 by weight over junior 100k and senior 200k: junior floor(P * 3 / 5).
    let fund_before = suite.state();
    suite.sweep_premium(&keeper).unwrap();
    let fund_after = suite.state();
    assert_eq!(
        (tranche_perps_testing::collateral(&fund_after.junior)
            - tranche_perps_testing::collateral(&fund_before.junior))
        .u128(),
        606_606_607
    );
    assert_eq!(
        (tranche_perps_testing::collateral(&fund_after.senior)
            - tranche_perps_testing::collateral(&fund_before.senior))
        .u128(),
        404_404_406
    );
    let state = suite.engine_state();
    assert_eq!(state.pending_premium.u128(), 0);
    assert_eq!(state.unsplit_fees.u128(), 0);
    assert_eq!(state.treasury_fees.u128(), 90_090_090);
    assert_eq!(suite.balance(&suite.engine), 90_090_090);
}

#[test]
fn bad_debt_is_paid_by_junior_then_senior() {
    // Junior 2,000 and senior 8,000 USDC: the cap (50% of 10,000) does not bind.
    let mut suite = setup(2_000 * ONE, 8_000 * ONE);
    crash(&mut suite);
    let (bob, keeper) = (suite.addr("bob"), suite.addr("keeper"));
    // Equity at 80 = 20,799,599,198 + 160e9 - 200,400,801,604 < ceil(5% * 160e9).
    let (bob_before, keeper_before) = (suite.balance(&bob), suite.balance(&keeper));
    let margin_before = suite.engine_state().total_margin;
    suite.liquidate(&keeper, BTC, &bob).unwrap();
    let time = suite.now();

    assert_eq!(suite.balance(&bob), bob_before);
    assert_eq!(suite.balance(&keeper), keeper_before);
    assert!(suite.position(BTC, &bob).is_none());
    // Junior pays down to min_remaining (2e9 - 1000), senior the rest.
    let fund = suite.state();
    assert_eq!(fund.junior.assets.u128(), 1_000);
    assert_eq!(fund.senior.assets.u128(), 8_000 * ONE - 2_094_136_065);
    assert_eq!(
        suite.loss_ledger(None, None),
        vec![LossRecord {
            shortfall_id: 1,
            // The suite replaced the fund's stand-in engine with the engine contract.
            engine_epoch: 1,
            time,
            asked: Uint128::new(BAD_DEBT),
            paid_by_reserve: Uint128::zero(),
            paid_by_junior: Uint128::new(1_999_999_000),
            paid_by_senior: Uint128::new(2_094_136_065),
            unpaid: Uint128::zero(),
        }]
    );
    assert_eq!(
        suite.socialized_losses().losses,
        vec![SocializedLoss {
            shortfall_id: 1,
            market: BTC.to_string(),
            time,
            bad_debt: Uint128::new(BAD_DEBT),
            paid_by_fund: Uint128::new(BAD_DEBT),
            socialized: Uint128::zero(),
            written_off: Uint128::zero(),
            uncovered: Uint128::zero(),
        }]
    );
    // Nothing socialized: bob's margin left the pool, the others keep theirs exactly.
    let state = suite.engine_state();
    assert_eq!(
        margin_before.u128() - state.total_margin.u128(),
        20_799_599_198
    );
    assert_eq!(margin(&suite, "carl"), CARL_MARGIN);
    assert_eq!(margin(&suite, "arb"), ARB_MARGIN);
    assert_eq!(state.uncovered_bad_debt.u128(), 0);
    assert_eq!(state.next_shortfall_id, 2);

    // The same shortfall id is never paid twice.
    assert_eq!(
        suite.cover_shortfall(1, 1_000).unwrap_err(),
        insurance_fund::ContractError::ShortfallAlreadyCovered { id: 1 }
    );
}

#[test]
fn payout_cap_leaves_the_rest_socialized_pro_rata() {
    // Junior 1,000 and senior 1,000 USDC: the cap is 1,000 USDC.
    let mut suite = setup(1_000 * ONE, 1_000 * ONE);
    crash(&mut suite);
    let (bob, keeper) = (suite.addr("bob"), suite.addr("keeper"));
    assert_eq!(margin(&suite, "carl"), CARL_MARGIN);
    assert_eq!(margin(&suite, "arb"), ARB_MARGIN);
    suite.liquidate(&keeper, BTC, &bob).unwrap();
    let time = suite.now();

    // Fund pays 1e9: junior 999,999,000 (down to min_remaining), senior 1,000.
    let unpaid = BAD_DEBT - ONE * 1_000;
    assert_eq!(
        suite.loss_ledger(None, None),
        vec![LossRecord {
            shortfall_id: 1,
            // The suite replaced the fund's stand-in engine with the engine contract.
            engine_epoch: 1,
            time,
            asked: Uint128::new(BAD_DEBT),
            paid_by_reserve: Uint128::zero(),
            paid_by_junior: Uint128::new(999_999_000),
            paid_by_senior: Uint128::new(1_000),
            unpaid: Uint128::new(unpaid),
        }]
    );
    assert_eq!(
        suite.socialized_losses().losses,
        vec![SocializedLoss {
            shortfall_id: 1,
            market: BTC.to_string(),
            time,
            bad_debt: Uint128::new(BAD_DEBT),
            paid_by_fund: Uint128::new(1_000 * ONE),
            socialized: Uint128::new(3_094_135_065),
            written_off: Uint128::zero(),
            uncovered: Uint128::zero(),
        }]
    );
    // Pool before: 5,949,824,536 + 593,614,425,388 = 599,564,249,924; after: minus 3,094,135,065.
    let total = CARL_MARGIN + ARB_MARGIN;
    assert_eq!(suite.engine_state().total_margin.u128(), total - unpaid);
    // Each margin falls by the same fraction, rounded down: floor(m * 596,470,114,859 / total).
    assert_eq!(margin(&suite, "carl"), 5_919_119_635);
    assert_eq!(margin(&suite, "arb"), 590_550_995_223);
    for (who, before) in [("carl", CARL_MARGIN), ("arb", ARB_MARGIN)] {
        let after = margin(&suite, who);
        let exact_num = before * (total - unpaid);
        assert!(after * total <= exact_num && exact_num < (after + 1) * total);
    }
    assert_eq!(suite.engine_state().uncovered_bad_debt.u128(), 0);
}

#[test]
fn refusing_fund_does_not_block_liquidation_everything_socialized() {
    let mut suite = setup(2_000 * ONE, 8_000 * ONE);
    crash(&mut suite);
    let (bob, keeper, governor) = (
        suite.addr("bob"),
        suite.addr("keeper"),
        suite.governor.clone(),
    );
    // The fund's engine points elsewhere: CoverShortfall from the engine fails with NotEngine.
    let other = suite.addr("other");
    suite
        .update_config(&governor, Some(other.as_str()), None, None)
        .unwrap();
    let fund_before = suite.state();
    suite.liquidate(&keeper, BTC, &bob).unwrap();
    let time = suite.now();

    assert!(suite.position(BTC, &bob).is_none());
    assert_eq!(suite.state(), fund_before);
    assert!(suite.loss_ledger(None, None).is_empty());
    assert_eq!(
        suite.socialized_losses().losses,
        vec![SocializedLoss {
            shortfall_id: 1,
            market: BTC.to_string(),
            time,
            bad_debt: Uint128::new(BAD_DEBT),
            paid_by_fund: Uint128::zero(),
            socialized: Uint128::new(BAD_DEBT),
            written_off: Uint128::zero(),
            uncovered: Uint128::zero(),
        }]
    );
    let total = CARL_MARGIN + ARB_MARGIN;
    assert_eq!(suite.engine_state().total_margin.u128(), total - BAD_DEBT);
    // floor(m * (total - BAD_DEBT) / total)
    assert_eq!(margin(&suite, "carl"), 5_909_196_054);
    assert_eq!(margin(&suite, "arb"), 589_560_918_804);
    assert_eq!(suite.engine_state().next_shortfall_id, 2);

    // The fund is pointed back; the refused id 1 stays unpaid, the engine never reuses it.
    let engine = suite.engine.clone();
    suite
        .update_config(&governor, Some(engine.as_str()), None, None)
        .unwrap();
    assert!(suite.loss_ledger(None, None).is_empty());
}

#[test]
fn liquidation_needs_a_fresh_price_and_no_pause() {
    let mut suite = setup(100_000 * ONE, 200_000 * ONE);
    let (bob, keeper, governor) = (
        suite.addr("bob"),
        suite.addr("keeper"),
        suite.governor.clone(),
    );
    suite.trade(&bob, BTC, 1_000_000_000, 11_000 * ONE).unwrap();
    reprice(&mut suite, "93");
    let published = suite.now().seconds();
    suite.advance(601);
    assert_eq!(
        suite.liquidate(&keeper, BTC, &bob).unwrap_err(),
        ContractError::StalePrice {
            market: BTC.to_string(),
            publish_time: published,
            max_age: 600,
            now: published + 601,
        }
    );
    suite.push_price(BTC, "93").unwrap();
    let pause = EnginePause {
        liquidation: true,
        ..Default::default()
    };
    suite
        .execute_engine(&governor, &ExecuteMsg::SetPause(pause), &[])
        .unwrap();
    assert_eq!(
        suite.liquidate(&keeper, BTC, &bob).unwrap_err(),
        ContractError::LiquidationPaused
    );
    suite
        .execute_engine(
            &governor,
            &ExecuteMsg::SetPause(EnginePause::default()),
            &[],
        )
        .unwrap();
    suite.liquidate(&keeper, BTC, &bob).unwrap();
    assert!(suite.position(BTC, &bob).is_none());
}

#[test]
fn close_out_after_a_crash_leaves_exactly_the_treasury_fees() {
    let mut suite = setup(1_000 * ONE, 1_000 * ONE);
    crash(&mut suite);
    let (bob, carl, arb, keeper) = (
        suite.addr("bob"),
        suite.addr("carl"),
        suite.addr("arb"),
        suite.addr("keeper"),
    );
    suite.liquidate(&keeper, BTC, &bob).unwrap();
    assert_eq!(margin(&suite, "carl"), 5_919_119_635);

    // carl buys back 5e8 for 43,815,142,163: realized 6,360,321,433, fee 43,815,143.
    let before = suite.balance(&carl);
    suite.close(&carl, BTC).unwrap();
    assert_eq!(
        suite.balance(&carl) - before,
        5_919_119_635 + 6_360_321_433 - 43_815_143
    );
    // arb is the last holder of the pool: its margin is all that is left (one unit of
    // rounding more than its pro-rata share), 590,550,995,224.
    assert_eq!(margin(&suite, "arb"), 590_550_995_224);
    let before = suite.balance(&arb);
    suite.close(&arb, BTC).unwrap();
    // Buys back 68e9 for 6,367,041,198,501: realized 18,533,412,830, fee 6,367,041,199.
    assert_eq!(
        suite.balance(&arb) - before,
        590_550_995_224 + 18_533_412_830 - 6_367_041_199
    );

    let market = suite.market(BTC);
    assert_eq!(market.base_reserve, market.base_reserve_start);
    assert_eq!((market.long_oi.u128(), market.short_oi.u128()), (0, 0));
    // Fees: opens 6,636,150,878 + closes 6,410,856,342 = 13,047,007,220. No open interest now,
    // but the fees were earned at a peak of 2e9 + 5e8 + 68e9 = 70.5e9 base units: at the index
    // 80 a notional of 5.64e12, target 5.64e11 against the fund's 1e9, coverage below 1: fund
    // ceil(50%) = 6,523,503,610, treasury 6,523,503,610.
    let fund_before = suite.state();
    suite.sweep_premium(&keeper).unwrap();
    let fund_after = suite.state();
    // Junior holds 1,000 and senior 999,999,000: junior floor(P * 3,000 / 1,000,002,000).
    assert_eq!(
        (tranche_perps_testing::collateral(&fund_after.junior)
            - tranche_perps_testing::collateral(&fund_before.junior))
        .u128(),
        19_570
    );
    assert_eq!(
        (tranche_perps_testing::collateral(&fund_after.senior)
            - tranche_perps_testing::collateral(&fund_before.senior))
        .u128(),
        6_523_484_040
    );
    let state = suite.engine_state();
    assert_eq!(state.treasury_fees.u128(), 6_523_503_610);
    assert_eq!(state.total_margin.u128(), 0);
    assert_eq!(state.pending_premium.u128(), 0);
    assert_eq!(state.unsplit_fees.u128(), 0);
    assert_eq!(suite.balance(&suite.engine), state.treasury_fees.u128());

    // Every trader's net result: margin sent - fees + realized pnl - socialized loss.
    // carl: 6e9 - 50,175,464 (open fee) - 30,704,901 (socialized) + 6,360,321,433 - 43,815,143.
    assert_eq!(suite.balance(&carl), 10_000_000 * ONE + 6_235_625_925);
    // arb: 600e9 - 6,385,574,612 - 3,063,430,164 + 18,533,412,830 - 6,367,041,199.
    assert_eq!(suite.balance(&arb), 10_000_000 * ONE + 2_717_366_855);
    // bob lost all 21,000 USDC.
    assert_eq!(suite.balance(&bob), 10_000_000 * ONE - 21_000 * ONE);
}

// ---------------------------------------------------------------------------------------------
// Bad debt beyond the fund and open margin.
// ---------------------------------------------------------------------------------------------

/// A suite whose fund has no underwriters and whose market takes open interest up to 1e12 base
/// units a side, with a fee history that fills all three fee pools: early's round trip (long
/// 1e9 and back, 100,100,100,101 quote each way, fees 2 * 100,100,101 = 200,200,202) is swept
/// at coverage 0, f_max: ceil(50%) = 100,100,101 to the fund (its reserve, no tranches) and
/// 100,100,101 to the treasury; dave opens long 1e9 (fee 100,100,101 unsplit) and is liquidated
/// at 93 with margin left: liquidation fee ceil(2% * 100,100,100,101) = 2,002,002,003, keeper
/// 1,001,001,001, premium 1,001,001,002. The index is back at 100.
fn crash_setup() -> Suite {
    let mut suite = Suite::builder()
        .with_underwriters(
            &["early", "dave", "bob", "carl", "arb", "erin", "keeper"],
            10_000_000 * ONE,
        )
        .with_perp_engine()
        .build();
    let params = MarketParams {
        max_long_oi: Uint128::new(1_000_000_000_000),
        max_short_oi: Uint128::new(1_000_000_000_000),
        ..whole_liquidations()
    };
    suite
        .add_market_with(BTC, 1_000_000_000_000, 100_000_000_000_000, params)
        .unwrap();
    suite.push_price(BTC, "100").unwrap();
    let (early, dave, keeper) = (
        suite.addr("early"),
        suite.addr("dave"),
        suite.addr("keeper"),
    );
    suite
        .trade(&early, BTC, 1_000_000_000, 11_000 * ONE)
        .unwrap();
    // Held a second: the sweep's time-weighted open interest is early's 1e9.
    reprice(&mut suite, "100");
    suite.close(&early, BTC).unwrap();
    suite.sweep_premium(&keeper).unwrap();
    suite
        .trade(&dave, BTC, 1_000_000_000, 11_000 * ONE)
        .unwrap();
    reprice(&mut suite, "93");
    suite.liquidate(&keeper, BTC, &dave).unwrap();
    reprice(&mut suite, "100");
    let state = suite.engine_state();
    assert_eq!(state.unsplit_fees.u128(), 100_100_101);
    assert_eq!(state.pending_premium.u128(), 1_001_001_002);
    assert_eq!(state.treasury_fees.u128(), 100_100_101);
    assert_eq!(suite.state().reserve.u128(), 100_100_101);
    suite
}

/// Fees booked before the deep crash's liquidation: unsplit = dave's 100,100,101 + bob's
/// 300,902,709 + carl's 50,276,142 + arb's 13,104,657,068; premium and treasury from
/// `crash_setup`.
const UNSPLIT_BEFORE: u128 = 13_555_936_020;
const PREMIUM_BEFORE: u128 = 1_001_001_002;
const TREASURY_BEFORE: u128 = 100_100_101;
/// Bad debt of the deep crash: bob's margin 31,199,097,291 + realized -73,664,195,742.
const DEEP_BAD_DEBT: u128 = 42_465_098_451;
/// The fund's cap: 50% of its 100,100,101 reserve, floor.
const FUND_PAID: u128 = 50_050_050;
/// carl's margin after opening: 6,000 USDC - fee 50,276,142.
const CARL_DEEP_MARGIN: u128 = 5_949_723_858;
/// carl's and arb's closes after the crash (margins socialized to 0): carl buys 5e8 back for
/// 37,790,752,603 (sold for 50,276,141,708): realized 12,485,389,105, fee 37,790,753; arb buys
/// 150e9 back for 13,043,478,260,869 (sold for 13,104,657,067,506): realized 61,178,806,637,
/// fee 13,043,478,261.
const CARL_CLOSE_FEE: u128 = 37_790_753;
const CARL_PAYOUT: u128 = 12_447_598_352;
const ARB_CLOSE_FEE: u128 = 13_043_478_261;
const ARB_PAYOUT: u128 = 48_135_328_376;

/// After `crash_setup`: bob long 3e9 with 31,500 USDC (quote 300,902,708,125, fee 300,902,709)
/// and carl short 5e8 with 6,000 (quote 50,276,141,708, fee 50,276,142) at index 100; the
/// index falls to 70; arb shorts 150e9 (quote 13,104,657,067,506, fee 13,104,657,068; mark
/// 1e26 / 1.1475e12^2 = 75.94, within 10%) with `arb_margin`, and the keeper liquidates bob: he sells 3e9 for
/// 227,238,512,383, realized -73,664,195,742 against margin 31,199,097,291, bad debt
/// DEEP_BAD_DEBT. The fund pays its cap FUND_PAID; the rest, 42,415,048,401, takes all of
/// carl's and arb's margin. Returns the liquidation's response.
fn deep_crash(suite: &mut Suite, arb_margin: u128) -> AppResponse {
    let (bob, carl, arb, keeper) = (
        suite.addr("bob"),
        suite.addr("carl"),
        suite.addr("arb"),
        suite.addr("keeper"),
    );
    suite.trade(&bob, BTC, 3_000_000_000, 31_500 * ONE).unwrap();
    suite.trade(&carl, BTC, -500_000_000, 6_000 * ONE).unwrap();
    reprice(suite, "70");
    suite
        .trade(&arb, BTC, -150_000_000_000, arb_margin)
        .unwrap();
    assert_eq!(margin(suite, "carl"), CARL_DEEP_MARGIN);
    assert_eq!(margin(suite, "arb"), arb_margin - 13_104_657_068);
    let state = suite.engine_state();
    assert_eq!(
        (
            state.unsplit_fees.u128(),
            state.pending_premium.u128(),
            state.treasury_fees.u128()
        ),
        (UNSPLIT_BEFORE, PREMIUM_BEFORE, TREASURY_BEFORE)
    );
    let res = suite.liquidate(&keeper, BTC, &bob).unwrap();
    assert!(suite.position(BTC, &bob).is_none());
    // Both margins are gone: carl and arb hold only their gains.
    assert_eq!(suite.engine_state().total_margin.u128(), 0);
    assert_eq!(margin(suite, "carl"), 0);
    assert_eq!(margin(suite, "arb"), 0);
    res
}

/// The attribute `key` of the engine's `shortfall_settled` event.
fn settled(res: &AppResponse, key: &str) -> String {
    res.events
        .iter()
        .filter(|e| {
            e.attributes
                .iter()
                .any(|a| a.key == "action" && a.value == "shortfall_settled")
        })
        .flat_map(|e| e.attributes.iter())
        .find(|a| a.key == key)
        .map(|a| a.value.clone())
        .unwrap_or_else(|| panic!("no {key} in shortfall_settled"))
}

/// arb posts 34,920 USDC (margin 21,815,342,932 after its fee): open margin absorbs
/// 5,949,723,858 + 21,815,342,932 = 27,765,066,790, leaving 42,415,048,401 - 27,765,066,790 =
/// 14,649,981,611. That is written off against unsplit fees (13,555,936,020, all), then the fund's premium
/// (1,001,001,002, all), then treasury fees (the last 93,044,589 of 100,100,101, leaving
/// 7,055,512); nothing stays uncovered. Both winners close and are paid in full, and after the
/// sweep the engine holds exactly its (reduced) treasury fees.
#[test]
fn uncovered_bad_debt_is_written_off_against_unsplit_fees_then_premium_then_treasury() {
    let mut suite = crash_setup();
    let res = deep_crash(&mut suite, 34_920 * ONE);
    let time = suite.now();
    assert_eq!(settled(&res, "paid_by_fund"), FUND_PAID.to_string());
    // CARL_DEEP_MARGIN + 21,815,342,932
    assert_eq!(settled(&res, "socialized"), "27765066790");
    assert_eq!(
        settled(&res, "written_off_unsplit"),
        UNSPLIT_BEFORE.to_string()
    );
    assert_eq!(
        settled(&res, "written_off_premium"),
        PREMIUM_BEFORE.to_string()
    );
    assert_eq!(settled(&res, "written_off_treasury"), "93044589");
    assert_eq!(settled(&res, "uncovered"), "0");
    assert_eq!(
        suite.socialized_losses().losses,
        vec![SocializedLoss {
            shortfall_id: 1,
            market: BTC.to_string(),
            time,
            bad_debt: Uint128::new(DEEP_BAD_DEBT),
            paid_by_fund: Uint128::new(FUND_PAID),
            socialized: Uint128::new(27_765_066_790),
            // 13,555,936,020 + 1,001,001,002 + 93,044,589
            written_off: Uint128::new(14_649_981_611),
            uncovered: Uint128::zero(),
        }]
    );
    let state = suite.engine_state();
    assert_eq!(
        (
            state.unsplit_fees.u128(),
            state.pending_premium.u128(),
            state.treasury_fees.u128(),
            state.uncovered_bad_debt.u128()
        ),
        (0, 0, 7_055_512, 0)
    );

    let (carl, arb, keeper) = (suite.addr("carl"), suite.addr("arb"), suite.addr("keeper"));
    let before = suite.balance(&carl);
    suite.close(&carl, BTC).unwrap();
    assert_eq!(suite.balance(&carl) - before, CARL_PAYOUT);
    let before = suite.balance(&arb);
    suite.close(&arb, BTC).unwrap();
    assert_eq!(suite.balance(&arb) - before, ARB_PAYOUT);
    let market = suite.market(BTC);
    assert_eq!(market.base_reserve, market.base_reserve_start);
    assert_eq!(
        suite.engine_state().unsplit_fees.u128(),
        CARL_CLOSE_FEE + ARB_CLOSE_FEE
    );

    // The closes' 13,081,269,014 of fees were earned at a peak of 153.5e9 base units: the
    // fund's 50,050,051 is far below 10% of that at 70, f_max: ceil(50%) = 6,540,634,507 to the
    // fund, 6,540,634,507 to the treasury, on top of the 7,055,512 the write-off left.
    suite.sweep_premium(&keeper).unwrap();
    assert_eq!(suite.state().reserve.u128(), 50_050_051 + 6_540_634_507);
    let state = suite.engine_state();
    assert_eq!(state.treasury_fees.u128(), 6_547_690_019);
    assert_eq!(suite.balance(&suite.engine), 6_547_690_019);
    let (governor, treasury) = (suite.governor.clone(), suite.treasury());
    suite
        .execute_engine(&governor, &ExecuteMsg::WithdrawTreasury {}, &[])
        .unwrap();
    assert_eq!(suite.balance(&treasury), 6_547_690_019);
    assert_eq!(suite.balance(&suite.engine), 0);
}

/// arb posts 15,000 USDC (margin 1,895,342,932): open margin absorbs 5,949,723,858 +
/// 1,895,342,932 = 7,845,066,790 of 42,415,048,401, all three pools are written off
/// (13,555,936,020 + 1,001,001,002 + 100,100,101 = 14,657,037,123) and 19,912,944,488 stays
/// uncovered. The engine holds 53,751,251,254: the pools' 1,201,201,204 booked before the crash
/// (100,100,101 + 100,100,101 + 1,001,001,002), the traders' 52,500 USDC and the fund's
/// 50,050,050.
///
/// carl closes and is paid in full (12,447,598,352; his fee repays 37,790,753 of the deficit).
/// arb's close would pay 48,135,328,376 out of the 41,303,652,902 left: `Insolvent`, nothing
/// changes. The detour of the review (reduce to zero by `Trade`, then `RemoveMargin`) is
/// refused the same way, after the reduce's fee repaid 13,043,478,261. erin's later round trip
/// repays the remaining 6,831,675,474 from its fees; then arb is paid in full and, after the
/// sweep, the engine holds exactly its treasury fees.
#[test]
fn insolvent_engine_pays_who_it_can_and_later_fees_repay_the_deficit() {
    let mut suite = crash_setup();
    let res = deep_crash(&mut suite, 15_000 * ONE);
    let time = suite.now();
    // CARL_DEEP_MARGIN + 1,895,342,932
    assert_eq!(settled(&res, "socialized"), "7845066790");
    assert_eq!(
        settled(&res, "written_off_unsplit"),
        UNSPLIT_BEFORE.to_string()
    );
    assert_eq!(
        settled(&res, "written_off_premium"),
        PREMIUM_BEFORE.to_string()
    );
    assert_eq!(
        settled(&res, "written_off_treasury"),
        TREASURY_BEFORE.to_string()
    );
    assert_eq!(settled(&res, "uncovered"), "19912944488");
    assert_eq!(settled(&res, "uncovered_bad_debt"), "19912944488");
    assert_eq!(
        suite.socialized_losses().losses,
        vec![SocializedLoss {
            shortfall_id: 1,
            market: BTC.to_string(),
            time,
            bad_debt: Uint128::new(DEEP_BAD_DEBT),
            paid_by_fund: Uint128::new(FUND_PAID),
            socialized: Uint128::new(7_845_066_790),
            written_off: Uint128::new(14_657_037_123),
            // 42,465,098,451 - 50,050,050 - 7,845,066,790 - 14,657,037,123
            uncovered: Uint128::new(19_912_944_488),
        }]
    );
    let state = suite.engine_state();
    assert_eq!(
        (
            state.unsplit_fees.u128(),
            state.pending_premium.u128(),
            state.treasury_fees.u128(),
            state.uncovered_bad_debt.u128()
        ),
        (0, 0, 0, 19_912_944_488)
    );
    let engine = suite.engine.clone();
    assert_eq!(suite.balance(&engine), 53_751_251_254);

    // carl, a winner the engine can pay, closes: his fee repays the deficit, no pool grows.
    let (carl, arb, erin, keeper) = (
        suite.addr("carl"),
        suite.addr("arb"),
        suite.addr("erin"),
        suite.addr("keeper"),
    );
    let before = suite.balance(&carl);
    suite.close(&carl, BTC).unwrap();
    assert_eq!(suite.balance(&carl) - before, CARL_PAYOUT);
    let state = suite.engine_state();
    assert_eq!(
        state.uncovered_bad_debt.u128(),
        19_912_944_488 - CARL_CLOSE_FEE
    );
    assert_eq!(state.unsplit_fees.u128(), 0);
    // 53,751,251,254 - 12,447,598,352
    assert_eq!(suite.balance(&engine), 41_303_652_902);

    // arb cannot be paid: a typed error with the figures, and no state change.
    let (state, market, position) = (
        suite.engine_state(),
        suite.market(BTC),
        suite.position(BTC, &arb).unwrap(),
    );
    assert_eq!(
        suite.close(&arb, BTC).unwrap_err(),
        ContractError::Insolvent {
            owed: Uint128::new(ARB_PAYOUT),
            available: Uint128::new(41_303_652_902),
        }
    );
    assert_eq!(suite.engine_state(), state);
    assert_eq!(suite.market(BTC), market);
    assert_eq!(suite.position(BTC, &arb).unwrap(), position);
    assert_eq!(suite.balance(&engine), 41_303_652_902);

    // Reducing to zero moves no money, so it goes through; its fee repays the deficit. Taking
    // the realized profit out as margin is refused like the close.
    suite.trade(&arb, BTC, 150_000_000_000, 0).unwrap();
    assert_eq!(margin(&suite, "arb"), ARB_PAYOUT);
    let state = suite.engine_state();
    // 19,875,153,735 - 13,043,478,261 = ARB_PAYOUT - 41,303,652,902
    assert_eq!(state.uncovered_bad_debt.u128(), 6_831_675_474);
    assert_eq!(state.unsplit_fees.u128(), 0);
    // The crash started a price shock that pauses margin removal; the governor ends it, so the
    // removal meets the deficit check.
    assert!(matches!(
        suite.remove_margin(&arb, BTC, ARB_PAYOUT).unwrap_err(),
        ContractError::MarketShocked { .. }
    ));
    let governor = suite.governor.clone();
    suite
        .execute_engine(
            &governor,
            &ExecuteMsg::EndShock {
                market: BTC.to_string(),
            },
            &[],
        )
        .unwrap();
    assert_eq!(
        suite.remove_margin(&arb, BTC, ARB_PAYOUT).unwrap_err(),
        ContractError::Insolvent {
            owed: Uint128::new(ARB_PAYOUT),
            available: Uint128::new(41_303_652_902),
        }
    );
    let market = suite.market(BTC);
    assert_eq!(market.base_reserve, market.base_reserve_start);

    // Later trading fees repay the deficit before any pool grows. erin buys 35e9 at index 100
    // for 3,626,943,005,182 (fee 3,626,943,006) and sells them back for the same quote (fee
    // 3,626,943,006).
    reprice(&mut suite, "100");
    suite
        .trade(&erin, BTC, 35_000_000_000, 500_000 * ONE)
        .unwrap();
    let state = suite.engine_state();
    assert_eq!(
        state.uncovered_bad_debt.u128(),
        6_831_675_474 - 3_626_943_006
    );
    assert_eq!(state.unsplit_fees.u128(), 0);
    let before = suite.balance(&erin);
    suite.close(&erin, BTC).unwrap();
    assert_eq!(
        suite.balance(&erin) - before,
        500_000 * ONE - 2 * 3_626_943_006
    );
    let state = suite.engine_state();
    assert_eq!(state.uncovered_bad_debt.u128(), 0);
    // 2 * 3,626,943,006 - 6,831,675,474
    assert_eq!(state.unsplit_fees.u128(), 422_210_538);

    // Solvent again: arb is paid in full.
    let before = suite.balance(&arb);
    suite.close(&arb, BTC).unwrap();
    assert_eq!(suite.balance(&arb) - before, ARB_PAYOUT);
    assert!(suite.position(BTC, &arb).is_none());
    assert_eq!(suite.balance(&engine), 422_210_538);

    // The fees left are split at a peak of 153.5e9 at 100 (coverage far below 1, f_max):
    // ceil(50% * 422,210,538) = 211,105,269 each; the engine keeps exactly the treasury's.
    suite.sweep_premium(&keeper).unwrap();
    let state = suite.engine_state();
    assert_eq!(state.treasury_fees.u128(), 211_105_269);
    assert_eq!(
        (
            state.unsplit_fees.u128(),
            state.pending_premium.u128(),
            state.total_margin.u128()
        ),
        (0, 0, 0)
    );
    assert_eq!(suite.balance(&engine), 211_105_269);
    assert_eq!(suite.state().reserve.u128(), 50_050_051 + 211_105_269);
    // Net: carl +6,447,598,352 on 6,000 USDC, arb +33,135,328,376 on 15,000, bob lost 31,500.
    assert_eq!(suite.balance(&carl), 10_000_000 * ONE + 6_447_598_352);
    assert_eq!(suite.balance(&arb), 10_000_000 * ONE + 33_135_328_376);
    assert_eq!(
        suite.balance(&suite.addr("bob")),
        10_000_000 * ONE - 31_500 * ONE
    );
}

/// The same insolvency as above, recapitalized: after carl's close the deficit is
/// 19,912,944,488 - CARL_CLOSE_FEE = 19,875,153,735. Repaying nothing is refused without a
/// change; erin sends 1,000 more than the deficit and gets the 1,000 back, and arb is paid in
/// full. His fee then goes to the unsplit pool (no deficit left), and the engine holds exactly
/// that pool.
#[test]
fn repaying_the_deficit_lets_every_winner_close() {
    let mut suite = crash_setup();
    deep_crash(&mut suite, 15_000 * ONE);
    let (carl, arb, erin) = (suite.addr("carl"), suite.addr("arb"), suite.addr("erin"));
    suite.close(&carl, BTC).unwrap();
    let deficit = 19_912_944_488 - CARL_CLOSE_FEE;
    assert_eq!(suite.engine_state().uncovered_bad_debt.u128(), deficit);
    let engine = suite.engine.clone();
    // 53,751,251,254 - CARL_PAYOUT
    assert_eq!(suite.balance(&engine), 41_303_652_902);

    let state = suite.engine_state();
    assert!(matches!(
        suite.repay_deficit(&erin, 0).unwrap_err(),
        ContractError::Payment(_)
    ));
    assert_eq!(suite.engine_state(), state);

    let before = suite.balance(&erin);
    let res = suite.repay_deficit(&erin, deficit + 1_000).unwrap();
    let attr = |key: &str| {
        res.events
            .iter()
            .flat_map(|e| e.attributes.iter())
            .find(|a| a.key == key)
            .map(|a| a.value.clone())
    };
    assert_eq!(attr("repaid"), Some(deficit.to_string()));
    assert_eq!(attr("refund"), Some("1000".to_string()));
    assert_eq!(attr("uncovered_bad_debt"), Some("0".to_string()));
    assert_eq!(before - suite.balance(&erin), deficit);
    assert_eq!(suite.engine_state().uncovered_bad_debt.u128(), 0);
    // 41,303,652,902 + 19,875,153,735
    assert_eq!(suite.balance(&engine), 61_178_806_637);

    let before = suite.balance(&arb);
    suite.close(&arb, BTC).unwrap();
    assert_eq!(suite.balance(&arb) - before, ARB_PAYOUT);
    let state = suite.engine_state();
    assert_eq!(state.unsplit_fees.u128(), ARB_CLOSE_FEE);
    assert_eq!(state.total_margin.u128(), 0);
    // 61,178,806,637 - 48,135,328,376 = 13,043,478,261: exactly the unsplit fees
    assert_eq!(suite.balance(&engine), ARB_CLOSE_FEE);

    // With no deficit, a repayment is refused.
    let state = suite.engine_state();
    assert_eq!(
        suite.repay_deficit(&erin, 1).unwrap_err(),
        ContractError::NoDeficit
    );
    assert_eq!(suite.engine_state(), state);
}

/// A liquidation during a deficit completes even when the engine cannot pay its keeper and
/// trader: what it owes them is recorded (`owed` attribute, `Owed` query, `owed_payouts`) and
/// collected with `ClaimOwed` once the engine can pay, here after a recapitalization. The
/// Suite checks the conservation identity, owed payouts included, after every step.
#[test]
fn a_liquidation_during_a_deficit_completes_and_owes_what_it_cannot_pay() {
    let mut suite = crash_setup();
    deep_crash(&mut suite, 15_000 * ONE);
    let (carl, arb, erin, keeper, dave) = (
        suite.addr("carl"),
        suite.addr("arb"),
        suite.addr("erin"),
        suite.addr("keeper"),
        suite.addr("dave"),
    );
    assert!(suite.engine_state().uncovered_bad_debt.u128() > 0);
    // erin goes long; her margin lets the engine pay both winners, who leave, buying back on
    // the vAMM and lifting it, so her own claim then exceeds what the engine holds
    reprice(&mut suite, "70");
    suite
        .trade(&erin, BTC, 1_500_000_000, 20_000 * ONE)
        .unwrap();
    suite.close(&carl, BTC).unwrap();
    suite.close(&arb, BTC).unwrap();
    // the index falls: erin is below maintenance at the index, while her close on the lifted
    // vAMM leaves a large remainder
    reprice(&mut suite, "60");
    let engine = suite.engine.clone();
    let balance = suite.balance(&engine);
    let keeper_before = suite.balance(&keeper);
    let erin_before = suite.balance(&erin);
    let res = suite.liquidate(&keeper, BTC, &erin).unwrap();
    let attr = |key: &str| -> u128 {
        res.events
            .iter()
            .flat_map(|e| e.attributes.iter())
            .find(|a| a.key == key)
            .map(|a| a.value.parse().unwrap())
            .unwrap_or_else(|| panic!("attribute {key}"))
    };
    let (reward, payout, owed) = (attr("keeper_reward"), attr("trader_payout"), attr("owed"));
    // keeper 1,502,253,380 and erin 53,636,432,137 against a balance of 49,959,488,763, with
    // 5,179,196,754 of the deficit left
    assert_eq!((reward, payout), (1_502_253_380, 53_636_432_137));
    assert_eq!(balance, 49_959_488_763);
    assert_eq!(
        suite.engine_state().uncovered_bad_debt.u128(),
        5_179_196_754
    );
    assert_eq!(owed, reward + payout);
    assert!(
        suite.position(BTC, &erin).is_none(),
        "the position is closed"
    );
    // nothing was sent; both are owed
    assert_eq!(suite.balance(&keeper), keeper_before);
    assert_eq!(suite.balance(&erin), erin_before);
    assert_eq!(suite.owed(&keeper), reward);
    assert_eq!(suite.owed(&erin), payout);
    assert_eq!(suite.engine_state().owed_payouts.u128(), owed);

    // nothing to claim, or a halted engine: refused without a change
    let state = suite.engine_state();
    assert_eq!(
        suite.claim_owed(&dave).unwrap_err(),
        ContractError::NothingOwed
    );
    let governor = suite.governor.clone();
    let halt = |halted: bool| {
        ExecuteMsg::SetPause(EnginePause {
            halted,
            ..Default::default()
        })
    };
    suite.execute_engine(&governor, &halt(true), &[]).unwrap();
    assert_eq!(suite.claim_owed(&erin).unwrap_err(), ContractError::Halted);
    suite.execute_engine(&governor, &halt(false), &[]).unwrap();
    assert_eq!(suite.engine_state(), state);

    // during the deficit erin takes what the engine holds, 49,959,488,763, and the rest,
    // 53,636,432,137 - 49,959,488,763 = 3,676,943,374, stays owed; the keeper then finds the
    // engine empty
    suite.claim_owed(&erin).unwrap();
    assert_eq!(suite.balance(&erin) - erin_before, 49_959_488_763);
    assert_eq!(suite.owed(&erin), 3_676_943_374);
    assert_eq!(suite.balance(&engine), 0);
    assert_eq!(
        suite.claim_owed(&keeper).unwrap_err(),
        ContractError::Insolvent {
            owed: Uint128::new(reward),
            available: Uint128::zero(),
        }
    );

    // recapitalized, the engine pays both the rest
    let deficit = suite.engine_state().uncovered_bad_debt.u128();
    suite.repay_deficit(&dave, deficit).unwrap();
    suite.claim_owed(&erin).unwrap();
    suite.claim_owed(&keeper).unwrap();
    assert_eq!(suite.balance(&erin) - erin_before, payout);
    assert_eq!(suite.balance(&keeper) - keeper_before, reward);
    assert_eq!(suite.owed(&erin), 0);
    let state = suite.engine_state();
    assert_eq!(state.owed_payouts.u128(), 0);
    assert_eq!(state.uncovered_bad_debt.u128(), 0);
    assert_eq!(state.total_margin.u128(), 0);
    // every position closed: the engine holds exactly its fee pools
    assert_eq!(
        suite.balance(&engine),
        (state.unsplit_fees + state.pending_premium + state.treasury_fees).u128()
    );
    assert_eq!(
        suite.claim_owed(&erin).unwrap_err(),
        ContractError::NothingOwed
    );
}
