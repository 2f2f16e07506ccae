//! `ExecuteMsg::Liquidate`: the index-price trigger, the keeper reward, the trader's payout and
//! the fund's premium when margin remains; bad debt paid by the fund junior first, then senior;
//! the payout cap leaving the rest socialized pro rata over open margin; a fund that refuses
//! (`NotEngine`) not blocking the liquidation; shortfall ids never paid twice; stale prices and
//! the liquidation pause; and the close-out after a crash.
//!
//! Every expected number was computed independently with Python integers (an exact model of the
//! vAMM `quote = ceil(k / base)`, taker fee `ceil(quote / 1000)`, liquidation fee
//! `ceil(2% * quote)`, keeper half rounded down, the fund's waterfall and the margin pool).

use cosmwasm_std::{Int128, Timestamp, Uint128};
use perp_engine::ContractError;
use tranche_perps_testing::{Suite, ONE};
use tranche_perps_types::engine::{EnginePause, ExecuteMsg, SocializedLoss};
use tranche_perps_types::fund::{LossRecord, Tranche};

const BTC: &str = "BTC-USD";

/// A suite with the engine, one market at mark 100 and index 100, and a fund holding
/// `junior` and `senior` collateral.
fn setup(junior: u128, senior: u128) -> Suite {
    let mut suite = Suite::builder()
        .with_underwriters(&["lp", "bob", "carl", "arb", "keeper"], 10_000_000 * ONE)
        .with_perp_engine()
        .build();
    let lp = suite.addr("lp");
    suite.deposit(&lp, Tranche::Junior, junior).unwrap();
    suite.deposit(&lp, Tranche::Senior, senior).unwrap();
    suite
        .add_market(BTC, 1_000_000_000_000, 100_000_000_000_000)
        .unwrap();
    suite.push_price(BTC, "100").unwrap();
    suite
}

fn now(suite: &Suite) -> Timestamp {
    suite.app.block_info().time
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
        (fund_after.junior.assets - fund_before.junior.assets).u128(),
        606_606_607
    );
    assert_eq!(
        (fund_after.senior.assets - fund_before.senior.assets).u128(),
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
    let time = now(&suite);

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
    let time = now(&suite);

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
    let time = now(&suite);

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
    let published = now(&suite).seconds();
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
        (fund_after.junior.assets - fund_before.junior.assets).u128(),
        19_570
    );
    assert_eq!(
        (fund_after.senior.assets - fund_before.senior.assets).u128(),
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
