//! Fee split and premium sweeps: the fund's share of trading fees by coverage (`f_max` below
//! 1, `f_min` at 2 or more, linear in between, rounded up), the open interest a sweep reports,
//! the automatic sweep past `FeeConfig::sweep_threshold`, and automatic sweeps that fail
//! without blocking the trade or liquidation that triggered them.
//!
//! Every expected number was computed independently with Python integers: taker fee
//! `ceil(quote / 1000)`, coverage `floor(assets * 10^18 / target)` with target
//! `ceil(10% * reported notional)`, share `0.5 - floor(0.4 * (coverage - 1))` between 1 and 2,
//! fund part `ceil(fees * share)`.

use cosmwasm_std::{Decimal, Uint128};
use perp_engine::ContractError;
use tranche_perps_testing::{Suite, ONE};
use tranche_perps_types::engine::{ExecuteMsg, FeeConfig};
use tranche_perps_types::fund::Tranche;

const BTC: &str = "BTC-USD";

/// bob's opening fee (long 1e9 for 100,100,100,101 quote) and carl's (short 5e8 after it, for
/// 50,075,087,594 quote).
const BOB_FEE: u128 = 100_100_101;
const CARL_FEE: u128 = 50_075_088;

fn setup(junior: u128) -> Suite {
    let mut suite = Suite::builder()
        .with_underwriters(&["lp", "bob", "carl", "arb", "keeper"], 10_000_000 * ONE)
        .with_perp_engine()
        .build();
    let lp = suite.addr("lp");
    suite.deposit(&lp, Tranche::Junior, junior).unwrap();
    suite
        .add_market(BTC, 1_000_000_000_000, 100_000_000_000_000)
        .unwrap();
    suite.push_price(BTC, "100").unwrap();
    suite
}

fn junior_assets(suite: &Suite) -> u128 {
    suite.state().junior.assets.u128()
}

fn set_threshold(suite: &mut Suite, threshold: u128) {
    let governor = suite.governor.clone();
    let fees = FeeConfig {
        fund_share_max: Decimal::percent(50),
        fund_share_min: Decimal::percent(10),
        sweep_threshold: Uint128::new(threshold),
    };
    suite
        .execute_engine(&governor, &ExecuteMsg::UpdateFees(fees), &[])
        .unwrap();
}

/// Points the engine's fund at another address (a contract that is not a fund).
fn engine_fund(suite: &mut Suite, fund: &str) {
    let governor = suite.governor.clone();
    let msg = ExecuteMsg::UpdateConfig {
        fund: Some(fund.to_string()),
        treasury: None,
        guardian: None,
    };
    suite.execute_engine(&governor, &msg, &[]).unwrap();
}

/// bob opens; a first sweep (no open interest ever reported: f_min, ceil(10%) = 10,010,011 to
/// the fund) reports 1e9 * 100 = 1e11, so the target becomes 1e10; carl opens; a second sweep
/// splits carl's fee by the coverage `(junior + 10,010,011) / 1e10`. Returns the fund's part of
/// the second sweep.
fn two_sweeps(junior: u128) -> (Suite, u128) {
    let mut suite = setup(junior);
    let (bob, carl, keeper) = (suite.addr("bob"), suite.addr("carl"), suite.addr("keeper"));
    suite.trade(&bob, BTC, 1_000_000_000, 11_000 * ONE).unwrap();
    assert_eq!(suite.engine_state().unsplit_fees.u128(), BOB_FEE);
    assert_eq!(suite.state().coverage.open_interest_notional.u128(), 0);
    suite.sweep_premium(&keeper).unwrap();
    assert_eq!(junior_assets(&suite), junior + 10_010_011);
    assert_eq!(
        suite.engine_state().treasury_fees.u128(),
        BOB_FEE - 10_010_011
    );
    let coverage = suite.state().coverage;
    assert_eq!(coverage.open_interest_notional.u128(), 100_000_000_000);
    assert_eq!(coverage.target.to_string(), "10000000000");

    suite.trade(&carl, BTC, -500_000_000, 6_000 * ONE).unwrap();
    assert_eq!(suite.engine_state().unsplit_fees.u128(), CARL_FEE);
    let before = junior_assets(&suite);
    suite.sweep_premium(&keeper).unwrap();
    let to_fund = junior_assets(&suite) - before;
    let state = suite.engine_state();
    assert_eq!(
        state.treasury_fees.u128(),
        BOB_FEE - 10_010_011 + CARL_FEE - to_fund
    );
    assert_eq!(
        (state.unsplit_fees.u128(), state.pending_premium.u128()),
        (0, 0)
    );
    assert_eq!(
        suite.balance(&suite.engine.clone()),
        state.treasury_fees.u128() + 11_000 * ONE - BOB_FEE + 6_000 * ONE - CARL_FEE
    );
    // The second sweep reported both sides: 1.5e9 * 100.
    assert_eq!(
        suite.state().coverage.open_interest_notional.u128(),
        150_000_000_000
    );
    (suite, to_fund)
}

#[test]
fn below_coverage_one_the_fund_gets_f_max() {
    // Coverage 5,010,010,011 / 1e10 = 0.501: ceil(50% * 50,075,088).
    let (_, to_fund) = two_sweeps(5_000 * ONE);
    assert_eq!(to_fund, 25_037_544);
}

#[test]
fn at_coverage_exactly_one_the_fund_gets_f_max() {
    // 9,989,989,989 + 10,010,011 = 1e10: coverage exactly 1.
    let (_, to_fund) = two_sweeps(9_989_989_989);
    assert_eq!(to_fund, 25_037_544);
}

#[test]
fn between_one_and_two_the_share_falls_linearly() {
    // Coverage 1.5010010011: share 0.5 - 0.4 * 0.5010010011 = 0.29959959956;
    // ceil(50,075,088 * 0.29959959956) = 15,002,477.
    let (_, to_fund) = two_sweeps(15_000 * ONE);
    assert_eq!(to_fund, 15_002_477);
}

#[test]
fn at_coverage_two_and_above_the_fund_gets_f_min() {
    // Exactly 2: ceil(10% * 50,075,088).
    let (_, to_fund) = two_sweeps(19_989_989_989);
    assert_eq!(to_fund, 5_007_509);
    // 2.001.
    let (_, to_fund) = two_sweeps(20_000 * ONE);
    assert_eq!(to_fund, 5_007_509);
}

#[test]
fn sweep_reports_open_interest_at_the_index_price() {
    let (mut suite, _) = two_sweeps(20_000 * ONE);
    let keeper = suite.addr("keeper");
    suite.advance(1);
    suite.push_price(BTC, "93").unwrap();
    // Nothing to split, but the sweep still reports 1.5e9 * 93.
    suite.sweep_premium(&keeper).unwrap();
    assert_eq!(
        suite.state().coverage.open_interest_notional.u128(),
        139_500_000_000
    );
}

#[test]
fn auto_sweep_past_the_threshold() {
    let mut suite = setup(20_000 * ONE);
    set_threshold(&mut suite, 150_000_000);
    let (bob, carl) = (suite.addr("bob"), suite.addr("carl"));
    // 100,100,101 < threshold: no sweep.
    suite.trade(&bob, BTC, 1_000_000_000, 11_000 * ONE).unwrap();
    assert_eq!(suite.engine_state().unsplit_fees.u128(), BOB_FEE);
    assert_eq!(junior_assets(&suite), 20_000 * ONE);
    // 150,175,189 >= threshold: carl's trade sweeps. No report yet, so f_min:
    // ceil(10% * 150,175,189) = 15,017,519.
    suite.trade(&carl, BTC, -500_000_000, 6_000 * ONE).unwrap();
    let state = suite.engine_state();
    assert_eq!(
        (state.unsplit_fees.u128(), state.pending_premium.u128()),
        (0, 0)
    );
    assert_eq!(state.treasury_fees.u128(), 135_157_670);
    assert_eq!(junior_assets(&suite), 20_000 * ONE + 15_017_519);
    assert_eq!(
        suite.state().coverage.open_interest_notional.u128(),
        150_000_000_000
    );
}

#[test]
fn auto_sweep_to_a_fund_that_does_not_know_the_engine() {
    // The fund's engine points elsewhere: the open-interest report fails (ignored), but
    // `DepositPremium` is open to anyone, so the premium still arrives.
    let mut suite = setup(20_000 * ONE);
    set_threshold(&mut suite, 150_000_000);
    let (bob, carl, governor) = (
        suite.addr("bob"),
        suite.addr("carl"),
        suite.governor.clone(),
    );
    suite.trade(&bob, BTC, 1_000_000_000, 11_000 * ONE).unwrap();
    let other = suite.addr("other");
    suite
        .update_config(&governor, Some(other.as_str()), None, None)
        .unwrap();
    suite.trade(&carl, BTC, -500_000_000, 6_000 * ONE).unwrap();
    let state = suite.engine_state();
    assert_eq!(
        (state.unsplit_fees.u128(), state.pending_premium.u128()),
        (0, 0)
    );
    assert_eq!(junior_assets(&suite), 20_000 * ONE + 15_017_519);
    assert_eq!(suite.state().coverage.open_interest_notional.u128(), 0);
    // A manual sweep needs the report, so it fails as a whole and changes nothing.
    let keeper = suite.addr("keeper");
    suite.trade(&bob, BTC, 1_000_000, 0).unwrap();
    let before = suite.engine_state();
    assert!(matches!(
        suite.sweep_premium(&keeper).unwrap_err(),
        ContractError::Std(_)
    ));
    assert_eq!(suite.engine_state(), before);
}

#[test]
fn failed_auto_sweep_keeps_the_premium_and_the_liquidation_succeeds() {
    let mut suite = setup(20_000 * ONE);
    let (bob, keeper) = (suite.addr("bob"), suite.addr("keeper"));
    suite.trade(&bob, BTC, 1_000_000_000, 11_000 * ONE).unwrap();
    suite.sweep_premium(&keeper).unwrap();
    let junior = junior_assets(&suite);
    set_threshold(&mut suite, 1_000 * ONE);
    // The engine's fund is now a cw20 token: it takes neither the report nor the premium.
    let token = suite.junior_token.clone();
    engine_fund(&mut suite, token.as_str());
    suite.advance(1);
    suite.push_price(BTC, "93").unwrap();
    let keeper_before = suite.balance(&keeper);
    suite.liquidate(&keeper, BTC, &bob).unwrap();
    // Liquidation fee 2,002,002,003: keeper 1,001,001,001, premium 1,001,001,002 >= threshold;
    // the automatic sweep fails and the premium stays pending.
    assert_eq!(suite.balance(&keeper) - keeper_before, 1_001_001_001);
    let state = suite.engine_state();
    assert_eq!(state.pending_premium.u128(), 1_001_001_002);
    assert_eq!(state.unsplit_fees.u128(), 0);
    assert_eq!(junior_assets(&suite), junior);

    // Back to the real fund: a manual sweep delivers it (all to junior, the only tranche).
    let fund = suite.fund.clone();
    engine_fund(&mut suite, fund.as_str());
    suite.sweep_premium(&keeper).unwrap();
    assert_eq!(junior_assets(&suite), junior + 1_001_001_002);
    assert_eq!(suite.engine_state().pending_premium.u128(), 0);
}

#[test]
fn failed_auto_sweep_with_unsplit_fees_does_not_block_the_trade() {
    // Unsplit fees need the fund's coverage; a fund that cannot answer must not block trading
    // (the fees stay unsplit until a sweep can run).
    let mut suite = setup(20_000 * ONE);
    set_threshold(&mut suite, 150_000_000);
    let (bob, carl) = (suite.addr("bob"), suite.addr("carl"));
    suite.trade(&bob, BTC, 1_000_000_000, 11_000 * ONE).unwrap();
    let token = suite.junior_token.clone();
    engine_fund(&mut suite, token.as_str());
    suite.trade(&carl, BTC, -500_000_000, 6_000 * ONE).unwrap();
    let state = suite.engine_state();
    assert_eq!(state.unsplit_fees.u128(), BOB_FEE + CARL_FEE);
    assert_eq!(
        (state.pending_premium.u128(), state.treasury_fees.u128()),
        (0, 0)
    );
    assert_eq!(junior_assets(&suite), 20_000 * ONE);
    // Closing works as well.
    suite.close(&carl, BTC).unwrap();
}
