//! Fee split and premium sweeps: the fund's share of trading fees by its coverage at the
//! engine's peak open interest since the previous sweep (`f_max` below 1, `f_min` at 2 or
//! more, linear in between, rounded up), the peak summed over markets and restarted by each
//! sweep, the open interest a sweep reports (the one now), the automatic sweep past
//! `FeeConfig::sweep_threshold`, automatic sweeps that fail without blocking the trade or
//! liquidation that triggered them, and sweeps (manual or automatic) whose open-interest report
//! the fund refuses still delivering the premium.
//!
//! Every expected number was computed independently with Python integers: vAMM quote
//! `ceil(k / base)`, taker fee `ceil(quote / 1000)`, coverage `floor(assets * 10^18 / target)`
//! with target `ceil(10% * Σ peak open interest * index)`, share
//! `0.5 - floor(0.4 * (coverage - 1))` between 1 and 2, fund part `ceil(fees * share)`.

use cosmwasm_std::{Decimal, Timestamp, Uint128, Uint256};
use perp_engine::state::{MARKETS, MARKET_CONFIG};
use tranche_perps_testing::perp::default_market_params;
use tranche_perps_testing::{wasm_attr, Suite, ONE};
use tranche_perps_types::engine::{ExecuteMsg, FeeConfig, MarketParams};
use tranche_perps_types::fund::Tranche;

const BTC: &str = "BTC-USD";

/// bob's opening fee (long 1e9 for 100,100,100,101 quote) and carl's (short 5e8 after it, for
/// 50,075,087,594 quote).
const BOB_FEE: u128 = 100_100_101;
const CARL_FEE: u128 = 50_075_088;

fn setup(junior: u128) -> Suite {
    setup_with(junior, default_market_params())
}

/// [`setup`] with the market's parameters given.
fn setup_with(junior: u128, params: MarketParams) -> Suite {
    let mut suite = Suite::builder()
        .with_underwriters(&["lp", "bob", "carl", "arb", "keeper"], 10_000_000 * ONE)
        .with_perp_engine()
        .build();
    let lp = suite.addr("lp");
    suite.deposit(&lp, Tranche::Junior, junior).unwrap();
    suite
        .add_market_with(BTC, 1_000_000_000_000, 100_000_000_000_000, params)
        .unwrap();
    suite.push_price(BTC, "100").unwrap();
    suite
}

/// Junior's collateral: its assets plus the premium still unlocking into them.
fn junior_assets(suite: &Suite) -> u128 {
    tranche_perps_testing::collateral(&suite.state().junior).u128()
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

/// bob opens 1e9 at index 100; a first sweep splits bob's fee at the coverage
/// `junior / 1e10` (target 10% of 1e11, the open interest now, though none was ever reported)
/// and pays the fund `first`; it reports 1e11. carl opens 5e8 short; a second sweep splits
/// carl's fee at `(junior + first) / 1.5e10` (target 10% of 1.5e11, not the 1e11 reported
/// before). Returns the fund's part of the second sweep.
fn two_sweeps(junior: u128, first: u128) -> (Suite, u128) {
    let mut suite = setup(junior);
    let (bob, carl, keeper) = (suite.addr("bob"), suite.addr("carl"), suite.addr("keeper"));
    suite.trade(&bob, BTC, 1_000_000_000, 11_000 * ONE).unwrap();
    assert_eq!(suite.engine_state().unsplit_fees.u128(), BOB_FEE);
    assert_eq!(suite.state().coverage.open_interest_notional.u128(), 0);
    suite.sweep_premium(&keeper).unwrap();
    assert_eq!(junior_assets(&suite), junior + first);
    assert_eq!(suite.engine_state().treasury_fees.u128(), BOB_FEE - first);
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
        BOB_FEE - first + CARL_FEE - to_fund
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

/// The fee split of `docs/engine.md#fees`, worked through: the fund holds 5,000 USDC and bob opens
/// 100,000 USDC of notional, so the target is 10,000 USDC and coverage 0.5 although no open
/// interest was ever reported: the sweep pays the fund f_max, ceil(50% * 100,100,101) = 50,050,051
/// of bob's fee (the coverage of the previous report, none, gave f_min: 10,010,011).
#[test]
fn sweep_splits_fees_at_the_coverage_of_the_current_open_interest() {
    let mut suite = setup(5_000 * ONE);
    let (bob, keeper) = (suite.addr("bob"), suite.addr("keeper"));
    suite.trade(&bob, BTC, 1_000_000_000, 11_000 * ONE).unwrap();
    assert_eq!(suite.engine_state().unsplit_fees.u128(), BOB_FEE);
    assert_eq!(suite.state().coverage.coverage_ratio, None);
    let before = junior_assets(&suite);
    suite.sweep_premium(&keeper).unwrap();
    assert_eq!(junior_assets(&suite) - before, 50_050_051);
    assert_eq!(
        suite.engine_state().treasury_fees.u128(),
        BOB_FEE - 50_050_051
    );
    // The sweep reported 1e11: coverage (5,000 USDC + 50,050,051) / 1e10 = 0.5050050051.
    let coverage = suite.state().coverage;
    assert_eq!(coverage.open_interest_notional.u128(), 100_000_000_000);
    assert_eq!(coverage.coverage_ratio.unwrap().to_string(), "0.5050050051");
}

#[test]
fn below_coverage_one_the_fund_gets_f_max() {
    // First: coverage 0.5, ceil(50% * 100,100,101) = 50,050,051. Second: coverage
    // 5,050,050,051 / 1.5e10 = 0.3366700034: ceil(50% * 50,075,088).
    let (_, to_fund) = two_sweeps(5_000 * ONE, 50_050_051);
    assert_eq!(to_fund, 25_037_544);
}

#[test]
fn at_coverage_exactly_one_the_fund_gets_f_max() {
    // First: coverage 1.4969849245, share 0.5 - 0.4 * 0.4969849245 = 0.3012060302,
    // ceil(100,100,101 * 0.3012060302) = 30,150,755. Second: 14,969,849,245 + 30,150,755 =
    // 1.5e10, coverage exactly 1: ceil(50% * 50,075,088).
    let (_, to_fund) = two_sweeps(14_969_849_245, 30_150_755);
    assert_eq!(to_fund, 25_037_544);
}

#[test]
fn between_one_and_two_the_share_falls_linearly() {
    // First: coverage exactly 2, ceil(10% * 100,100,101) = 10,010,011. Second: coverage
    // 20,010,010,011 / 1.5e10 = 1.3340006674, share 0.5 - 0.4 * 0.3340006674 = 0.36639973304;
    // ceil(50,075,088 * 0.36639973304) = 18,347,499.
    let (_, to_fund) = two_sweeps(20_000 * ONE, 10_010_011);
    assert_eq!(to_fund, 18_347_499);
}

#[test]
fn at_coverage_two_and_above_the_fund_gets_f_min() {
    // First: coverage 2.9989989989, f_min: 10,010,011. Second: 29,989,989,989 + 10,010,011 =
    // 3e10, coverage exactly 2: ceil(10% * 50,075,088).
    let (_, to_fund) = two_sweeps(29_989_989_989, 10_010_011);
    assert_eq!(to_fund, 5_007_509);
    // First coverage 3; second (3e10 + 10,010,011) / 1.5e10 = 2.0006673340.
    let (_, to_fund) = two_sweeps(30_000 * ONE, 10_010_011);
    assert_eq!(to_fund, 5_007_509);
}

#[test]
fn sweep_reports_open_interest_at_the_index_price() {
    let (mut suite, _) = two_sweeps(20_000 * ONE, 10_010_011);
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
    // 150,175,189 >= threshold: carl's trade sweeps. No report yet, but the open interest is
    // 1.5e11 now: target 1.5e10, coverage 1.3333333333, share 0.5 - 0.4 * 0.3333333333 =
    // 0.366666666666666667; ceil(150,175,189 * share) = 55,064,236.
    suite.trade(&carl, BTC, -500_000_000, 6_000 * ONE).unwrap();
    let state = suite.engine_state();
    assert_eq!(
        (state.unsplit_fees.u128(), state.pending_premium.u128()),
        (0, 0)
    );
    assert_eq!(state.treasury_fees.u128(), 95_110_953);
    assert_eq!(junior_assets(&suite), 20_000 * ONE + 55_064_236);
    assert_eq!(
        suite.state().coverage.open_interest_notional.u128(),
        150_000_000_000
    );
}

/// The automatic sweep runs once pending fees reach the threshold, equality included.
#[test]
fn auto_sweep_at_exactly_the_threshold_and_not_one_unit_below() {
    for (threshold, sweeps) in [(BOB_FEE + CARL_FEE, true), (BOB_FEE + CARL_FEE + 1, false)] {
        let mut suite = setup(20_000 * ONE);
        set_threshold(&mut suite, threshold);
        let (bob, carl) = (suite.addr("bob"), suite.addr("carl"));
        suite.trade(&bob, BTC, 1_000_000_000, 11_000 * ONE).unwrap();
        suite.trade(&carl, BTC, -500_000_000, 6_000 * ONE).unwrap();
        let state = suite.engine_state();
        if sweeps {
            // the figures of auto_sweep_past_the_threshold
            assert_eq!(state.unsplit_fees.u128(), 0);
            assert_eq!(state.treasury_fees.u128(), 95_110_953);
            assert_eq!(junior_assets(&suite), 20_000 * ONE + 55_064_236);
        } else {
            assert_eq!(state.unsplit_fees.u128(), BOB_FEE + CARL_FEE);
            assert_eq!(state.treasury_fees.u128(), 0);
            assert_eq!(junior_assets(&suite), 20_000 * ONE);
        }
    }
}

#[test]
fn auto_sweep_to_a_fund_that_does_not_know_the_engine() {
    // The fund's engine points elsewhere: the open-interest report fails (ignored), but the
    // coverage query and `DepositPremium` are open to anyone, so the premium still arrives,
    // split as in `auto_sweep_past_the_threshold`.
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
    assert_eq!(junior_assets(&suite), 20_000 * ONE + 55_064_236);
    assert_eq!(suite.state().coverage.open_interest_notional.u128(), 0);
    // A manual sweep ignores the refused report the same way. bob buys 1e6 more: quote
    // ceil(k / 999,499e6) - ceil(k / 999,500e6) = 100,100,175, fee 100,101. Peak 1.501e9 at
    // 100: target 1.501e10, coverage floor(20,055,064,236e18 / 1.501e10) = 1.336113540039973351,
    // share 0.5 - floor(0.4 * 0.336113540039973351) = 0.36555458398401066, fund
    // ceil(100,101 * share) = 36,593, treasury 63,508.
    let keeper = suite.addr("keeper");
    suite.trade(&bob, BTC, 1_000_000, 0).unwrap();
    assert_eq!(suite.engine_state().unsplit_fees.u128(), 100_101);
    let treasury_before = suite.engine_state().treasury_fees.u128();
    let res = suite.sweep_premium(&keeper).unwrap();
    assert!(res.events.iter().any(|e| e
        .attributes
        .iter()
        .any(|a| a.value == "open_interest_report_failed")));
    assert_eq!(junior_assets(&suite), 20_000 * ONE + 55_064_236 + 36_593);
    let state = suite.engine_state();
    assert_eq!(state.treasury_fees.u128() - treasury_before, 63_508);
    assert_eq!(
        (state.unsplit_fees.u128(), state.pending_premium.u128()),
        (0, 0)
    );
    assert_eq!(suite.state().coverage.open_interest_notional.u128(), 0);
}

#[test]
fn failed_auto_sweep_keeps_the_premium_and_the_liquidation_succeeds() {
    // A liquidation depth of 0.2% of the vAMM per block: bob's 1e9 closes in one liquidation.
    let params = MarketParams {
        liquidation_depth: Decimal::permille(2),
        ..default_market_params()
    };
    let mut suite = setup_with(20_000 * ONE, params);
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

/// A fund that answers every query with a coverage of 0.5 and refuses every message.
mod refusing_fund {
    use cosmwasm_std::{
        to_json_binary, Binary, Decimal256, Deps, DepsMut, Env, MessageInfo, Response, StdError,
        StdResult, Uint128, Uint256,
    };
    use tranche_perps_types::fund::CoverageResponse;

    type Msg = serde_json::Value;

    pub fn instantiate(_: DepsMut, _: Env, _: MessageInfo, _: Msg) -> StdResult<Response> {
        Ok(Response::new())
    }

    pub fn execute(_: DepsMut, _: Env, _: MessageInfo, _: Msg) -> StdResult<Response> {
        Err(StdError::generic_err("refused"))
    }

    pub fn query(_: Deps, _: Env, _: Msg) -> StdResult<Binary> {
        to_json_binary(&CoverageResponse {
            total_assets: Uint128::new(1),
            open_interest_notional: Uint128::new(2),
            target: Uint256::from(2u8),
            coverage_ratio: Some(Decimal256::percent(50)),
        })
    }
}

/// The fund answers the coverage query but refuses the premium: the automatic sweep's deposit
/// fails, its reply keeps the premium pending, and the trade that triggered it goes through.
/// Coverage 0.5 gives f_max: the fund's part is ceil(150,175,189 / 2) = 75,087,595.
#[test]
fn auto_sweep_refused_by_the_fund_keeps_the_premium_pending() {
    use cw_multi_test::{ContractWrapper, Executor};

    let mut suite = setup(20_000 * ONE);
    set_threshold(&mut suite, 150_000_000);
    let (bob, carl) = (suite.addr("bob"), suite.addr("carl"));
    suite.trade(&bob, BTC, 1_000_000_000, 11_000 * ONE).unwrap();
    let code_id = suite.app.store_code(Box::new(ContractWrapper::new(
        refusing_fund::execute,
        refusing_fund::instantiate,
        refusing_fund::query,
    )));
    let operator = suite.operator.clone();
    let refusing = suite
        .app
        .instantiate_contract(
            code_id,
            operator,
            &serde_json::json!({}),
            &[],
            "refusing",
            None,
        )
        .unwrap();
    engine_fund(&mut suite, refusing.as_str());
    let engine = suite.engine.clone();
    let engine_balance = suite.balance(&engine);

    let res = suite.trade(&carl, BTC, -500_000_000, 6_000 * ONE).unwrap();
    let kept = res
        .events
        .iter()
        .flat_map(|e| e.attributes.iter())
        .find(|a| a.key == "premium_kept")
        .map(|a| a.value.clone());
    assert_eq!(kept.as_deref(), Some("75087595"));
    let state = suite.engine_state();
    assert_eq!(state.unsplit_fees.u128(), 0);
    assert_eq!(state.pending_premium.u128(), 75_087_595);
    assert_eq!(state.treasury_fees.u128(), BOB_FEE + CARL_FEE - 75_087_595);
    // nothing left the engine: carl's margin and fee came in, no premium went out
    assert_eq!(suite.balance(&engine), engine_balance + 6_000 * ONE);
    assert_eq!(junior_assets(&suite), 20_000 * ONE);
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

#[test]
fn a_sweep_after_everyone_closed_splits_at_the_time_weighted_open_interest() {
    // Fees earned while positions were open are split at the open interest averaged over the
    // time since the previous sweep (bob's 1e9, open all 100 s of it), so sweeping right after a
    // close-out (open interest 0, coverage unbounded) does not drop the fund's part to f_min.
    let mut suite = setup(5_000 * ONE);
    let (bob, keeper) = (suite.addr("bob"), suite.addr("keeper"));
    suite.trade(&bob, BTC, 1_000_000_000, 11_000 * ONE).unwrap();
    suite.sweep_premium(&keeper).unwrap();
    assert_eq!(
        suite.state().coverage.open_interest_notional.u128(),
        100_000_000_000
    );
    suite.advance(100);
    suite.push_price(BTC, "100").unwrap();
    suite.close(&bob, BTC).unwrap();
    let close_fee = suite.engine_state().unsplit_fees.u128();
    assert!(close_fee > 0);
    let treasury_before = suite.engine_state().treasury_fees.u128();
    let before = junior_assets(&suite);
    suite.sweep_premium(&keeper).unwrap();
    // Split at 1e9 * 100 = 1e11: coverage (5,000 USDC + 50,050,051) / 1e10 below 1, so
    // f_max = 50%.
    let to_fund = junior_assets(&suite) - before;
    assert_eq!(to_fund, close_fee.div_ceil(2));
    assert_eq!(
        suite.engine_state().treasury_fees.u128() - treasury_before,
        close_fee - to_fund
    );
    // The report itself is the open interest now.
    assert!(suite.state().coverage.open_interest_notional.is_zero());
}

/// bob's round trip, long 1e9 and closed, both for 100,100,100,101 quote: two fees of
/// 100,100,101.
const ROUND_TRIP_FEES: u128 = 200_200_202;

/// bob opens 1e9 and closes it an hour later; nobody swept in between. Over that hour the
/// average open interest is 1e9 at index 100: target 1e10 against the fund's 5,000 USDC,
/// coverage 0.5, f_max: ceil(50% * 200,200,202) = 100,100,101. Held for half the window, the
/// same round trip counts half: 5e8, coverage exactly 1, still f_max; held for an instant
/// (opened and closed in one block), it counts nothing: no open interest, no target, f_min,
/// ceil(10% * 200,200,202) = 20,020,021.
#[test]
fn fees_of_a_position_opened_and_closed_between_sweeps_split_at_its_time_weighted_coverage() {
    for (idle, held, to_fund) in [
        (0, 3_600, 100_100_101u128),
        (1_800, 1_800, 100_100_101),
        (3_600, 0, 20_020_021),
    ] {
        let mut suite = setup(5_000 * ONE);
        let (bob, keeper) = (suite.addr("bob"), suite.addr("keeper"));
        for (step, seconds) in [idle, held].into_iter().enumerate() {
            if seconds > 0 {
                suite.advance(seconds);
                suite.push_price(BTC, "100").unwrap();
            }
            if step == 0 {
                suite.trade(&bob, BTC, 1_000_000_000, 11_000 * ONE).unwrap();
            }
        }
        suite.close(&bob, BTC).unwrap();
        assert_eq!(suite.engine_state().unsplit_fees.u128(), ROUND_TRIP_FEES);
        suite.sweep_premium(&keeper).unwrap();
        assert_eq!(junior_assets(&suite) - 5_000 * ONE, to_fund, "held {held}");
        let state = suite.engine_state();
        assert_eq!(state.treasury_fees.u128(), ROUND_TRIP_FEES - to_fund);
        // The report is the open interest now.
        assert!(suite.state().coverage.open_interest_notional.is_zero());
    }
}

/// A sweep restarts every market's window: carl's later round trip of 1e8 held 100 s (quote
/// 10,001,000,101 each way, fees 2 * 10,001,001 = 20,002,002) splits at his own average,
/// 1e8 * 100 = 1e10, target 1e9 against the fund's 5,100,100,101: coverage above 2, f_min,
/// ceil(10% * 20,002,002) = 2,000,201. (bob's hour in the window before would have given
/// f_max, 10,001,001.)
#[test]
fn a_sweep_restarts_the_time_weighted_window() {
    let mut suite = setup(5_000 * ONE);
    let (bob, carl, keeper) = (suite.addr("bob"), suite.addr("carl"), suite.addr("keeper"));
    suite.trade(&bob, BTC, 1_000_000_000, 11_000 * ONE).unwrap();
    suite.advance(3_600);
    suite.push_price(BTC, "100").unwrap();
    suite.close(&bob, BTC).unwrap();
    suite.sweep_premium(&keeper).unwrap();
    let junior = junior_assets(&suite);
    assert_eq!(junior, 5_100_100_101);
    suite.trade(&carl, BTC, 100_000_000, 2_000 * ONE).unwrap();
    suite.advance(100);
    suite.push_price(BTC, "100").unwrap();
    suite.close(&carl, BTC).unwrap();
    assert_eq!(suite.engine_state().unsplit_fees.u128(), 20_002_002);
    suite.sweep_premium(&keeper).unwrap();
    assert_eq!(junior_assets(&suite) - junior, 2_000_201);
    assert_eq!(
        suite.engine_state().treasury_fees.u128(),
        100_100_101 + 20_002_002 - 2_000_201
    );
}

/// The time-weighted open interest is summed over markets: bob's BTC 1e9 and carl's ETH 5e8,
/// each open the whole hour at index 100, give 1e11 + 5e10 = 1.5e11, target 1.5e10 against the
/// fund's 15,000 USDC: coverage exactly 1, f_max: ceil(50% * 300,250,228) = 150,125,114. (BTC
/// alone: coverage 1.5, 90,075,069; the open interest now: f_min, 30,025,023.)
#[test]
fn the_time_weighted_open_interest_is_summed_over_markets() {
    const ETH: &str = "ETH-USD";
    let mut suite = setup(15_000 * ONE);
    suite
        .add_market(ETH, 1_000_000_000_000, 100_000_000_000_000)
        .unwrap();
    suite.push_price(ETH, "100").unwrap();
    let (bob, carl, keeper) = (suite.addr("bob"), suite.addr("carl"), suite.addr("keeper"));
    suite.trade(&bob, BTC, 1_000_000_000, 11_000 * ONE).unwrap();
    suite.trade(&carl, ETH, 500_000_000, 6_000 * ONE).unwrap();
    suite.advance(3_600);
    suite.push_price(BTC, "100").unwrap();
    suite.push_price(ETH, "100").unwrap();
    suite.close(&bob, BTC).unwrap();
    suite.close(&carl, ETH).unwrap();
    assert_eq!(
        suite.engine_state().unsplit_fees.u128(),
        ROUND_TRIP_FEES + 100_050_026
    );
    suite.sweep_premium(&keeper).unwrap();
    assert_eq!(junior_assets(&suite) - 15_000 * ONE, 150_125_114);
    assert_eq!(suite.engine_state().treasury_fees.u128(), 150_125_114);
}

/// A market stored before the time-weighted sum existed reads a window that never started
/// (0): the next sweep takes its open interest now (bob's 1e9 still open: coverage 0.505,
/// f_max, ceil(50% * 100,100,101) = 50,050,051 of his opening fee is not at stake here, his
/// close is), and every sweep restarts the window, so the one after that is time-weighted.
#[test]
fn a_legacy_market_window_starts_at_its_next_fill_or_sweep() {
    let mut suite = setup(5_000 * ONE);
    let (bob, keeper) = (suite.addr("bob"), suite.addr("keeper"));
    suite.trade(&bob, BTC, 1_000_000_000, 11_000 * ONE).unwrap();
    suite.sweep_premium(&keeper).unwrap();
    assert_eq!(junior_assets(&suite), 5_050_050_051);
    // A market stored by 0.3 (serde defaults).
    let engine = suite.engine.clone();
    let legacy = |suite: &mut Suite| {
        let mut storage = suite.app.contract_storage_mut(&engine);
        let mut market = MARKETS.load(&*storage, BTC).unwrap();
        market.oi_seconds = Uint256::zero();
        market.oi_since = Timestamp::from_seconds(0);
        market.oi_touched = Timestamp::from_seconds(0);
        MARKETS.save(&mut *storage, BTC, &market).unwrap();
    };
    legacy(&mut suite);
    suite.advance(100);
    suite.push_price(BTC, "100").unwrap();
    // The window is still unstarted at a sweep: it takes bob's open interest now, 1e9.
    let res = suite.sweep_premium(&keeper).unwrap();
    assert_eq!(wasm_attr(&res, "premium"), "0");
    let market = MARKETS
        .load(&*suite.app.contract_storage(&engine), BTC)
        .unwrap();
    assert_eq!(market.oi_since, suite.now());
    // A fill of a legacy market starts its window and counts from there.
    legacy(&mut suite);
    suite.advance(100);
    suite.push_price(BTC, "100").unwrap();
    suite.close(&bob, BTC).unwrap();
    let market = MARKETS
        .load(&*suite.app.contract_storage(&engine), BTC)
        .unwrap();
    assert_eq!(market.oi_since, suite.now());
    assert!(market.oi_seconds.is_zero());
    assert_eq!(suite.engine_state().unsplit_fees.u128(), BOB_FEE);
    let before = junior_assets(&suite);
    suite.sweep_premium(&keeper).unwrap();
    // A window of no length: the open interest now (0), no target, f_min.
    assert_eq!(junior_assets(&suite) - before, BOB_FEE.div_ceil(10));
}

/// The review's wash trade: the holder of the whole fund opens and closes a 3e10 long and a
/// 3e10 short (two accounts) just before a sweep, to push the coverage down and the fund's
/// share of everyone's fees up. Before time weighting this moved the fund's premium from
/// 6,061 to 36,308 USDC and netted the holder 18,237 USDC. Now the wash counts for the
/// seconds it was open, none: the split is the honest one, and the holder has paid 4 taker
/// fees on 3e12 of notional (12,000 USDC, of which the fund's f_min share comes back).
#[test]
fn a_wash_trade_before_a_sweep_moves_the_split_by_nothing() {
    let run = |wash: bool| -> (u128, i128, u128) {
        // The fund: 200,000 USDC, all the holder's.
        let mut suite = setup(200_000 * ONE);
        let (carl, dave, eve, mallory, keeper, lp) = (
            suite.addr("carl"),
            suite.addr("dave"),
            suite.addr("eve"),
            suite.addr("mallory"),
            suite.addr("keeper"),
            suite.addr("lp"),
        );
        for who in [&dave, &eve, &mallory] {
            suite.mint(who, 10_000_000 * ONE);
        }
        // carl holds 1e10 long for the hour (1,000,000 USDC: target 100,000, coverage 2, f_min).
        suite
            .trade(&carl, BTC, 10_000_000_000, 200_000 * ONE)
            .unwrap();
        suite.sweep_premium(&keeper).unwrap();
        // dave trades in and out all hour: 15 round trips of 2e10, about 60,000 USDC of fees.
        for _ in 0..15 {
            suite.advance(240);
            suite.push_price(BTC, "100").unwrap();
            suite
                .trade(&dave, BTC, 20_000_000_000, 400_000 * ONE)
                .unwrap();
            suite.close(&dave, BTC).unwrap();
        }
        let holder = |suite: &Suite| {
            suite.balance(&eve) as i128
                + suite.balance(&mallory) as i128
                + junior_assets(suite) as i128
        };
        let before = holder(&suite);
        let unsplit = suite.engine_state().unsplit_fees.u128();
        if wash {
            suite
                .trade(&eve, BTC, 30_000_000_000, 700_000 * ONE)
                .unwrap();
            suite
                .trade(&mallory, BTC, -30_000_000_000, 700_000 * ONE)
                .unwrap();
            suite.close(&eve, BTC).unwrap();
            suite.close(&mallory, BTC).unwrap();
        }
        let wash_fees = suite.engine_state().unsplit_fees.u128() - unsplit;
        let fund = junior_assets(&suite);
        suite.sweep_premium(&keeper).unwrap();
        let _ = lp;
        (
            junior_assets(&suite) - fund,
            holder(&suite) - before,
            wash_fees,
        )
    };
    let (honest_premium, honest_holder, _) = run(false);
    let (wash_premium, wash_holder, wash_fees) = run(true);
    // The wash's own fees (about 12,250 USDC: four fills of 3e10 near 100) are split at the
    // honest share too, f_min: the fund gets 10% of them on top of the honest premium, within
    // the rounding of one ceiling, and nothing more.
    assert!(wash_fees > 12_000 * ONE);
    assert!(
        wash_premium <= honest_premium + wash_fees.div_ceil(10) + 1,
        "honest {honest_premium}, with the wash {wash_premium}, its fees {wash_fees}"
    );
    // Whatever share of the fund the holder owns (all of it here), the wash loses money: about
    // 12,250 USDC of fees against 1,225 of them coming back through the fund.
    let gain = wash_holder - honest_holder;
    assert!(gain < -10_000 * ONE as i128, "{gain}");
}

/// Review (exits): the fund is pointed at a new engine, so it refuses the old engine's
/// `ReportOpenInterest` with `NotEngine`. The old engine's manual sweep ignores that (the report
/// is a reply-on-error submessage, as in an automatic sweep) and still delivers the premium by
/// the permissionless `DepositPremium`. bob's round trip left ROUND_TRIP_FEES = 200,200,202,
/// earned over an hour with 1e9 open at index 100: target 1e10 against the fund's 5,000 USDC, coverage
/// 0.5, f_max: ceil(50% * 200,200,202) = 100,100,101 to the fund, 100,100,101 to the treasury,
/// which the governor can then withdraw, leaving the old engine empty.
#[test]
fn old_engine_sweeps_after_the_fund_moves_to_a_new_engine() {
    let mut suite = setup(5_000 * ONE);
    let (bob, keeper, governor) = (
        suite.addr("bob"),
        suite.addr("keeper"),
        suite.governor.clone(),
    );
    suite.trade(&bob, BTC, 1_000_000_000, 11_000 * ONE).unwrap();
    suite.advance(3_600);
    suite.push_price(BTC, "100").unwrap();
    suite.close(&bob, BTC).unwrap();
    assert_eq!(suite.engine_state().unsplit_fees.u128(), ROUND_TRIP_FEES);
    let new_engine = suite.addr("engine-v2");
    suite
        .update_config(&governor, Some(new_engine.as_str()), None, None)
        .unwrap();

    let res = suite.sweep_premium(&keeper).unwrap();
    assert!(res.events.iter().any(|e| e
        .attributes
        .iter()
        .any(|a| a.value == "open_interest_report_failed")));
    assert_eq!(junior_assets(&suite), 5_000 * ONE + 100_100_101);
    // The refused report changed nothing at the fund.
    assert!(suite.state().coverage.open_interest_notional.is_zero());
    let state = suite.engine_state();
    assert_eq!(state.treasury_fees.u128(), 100_100_101);
    assert_eq!(
        (state.unsplit_fees.u128(), state.pending_premium.u128()),
        (0, 0)
    );
    assert_eq!(suite.balance(&suite.engine.clone()), 100_100_101);

    let treasury = suite.treasury();
    let before = suite.balance(&treasury);
    suite
        .execute_engine(&governor, &ExecuteMsg::WithdrawTreasury {}, &[])
        .unwrap();
    assert_eq!(suite.balance(&treasury) - before, 100_100_101);
    assert_eq!(suite.balance(&suite.engine.clone()), 0);
}

/// The review's freeze: a feeder pushes an absurd price on one market, whose open interest
/// then has a notional beyond 2^128. Before saturation every sweep summed it and failed, and
/// with a sweep threshold set, closes and liquidations in every other market failed with it.
/// A market's `max_price` now refuses such a push (`engine_oracle_feeders.rs`); behind that,
/// a market whose bound lets it through (here written straight into storage, as no valid
/// parameters allow) has its term saturate at 2^128 - 1 (coverage ~0, f_max): manual and
/// automatic sweeps go on, and the other market trades, closes and liquidates.
#[test]
fn an_extreme_price_on_one_market_freezes_no_other() {
    const ETH: &str = "ETH-USD";
    let mut suite = setup(20_000 * ONE);
    suite
        .add_market(ETH, 1_000_000_000_000, 100_000_000_000_000)
        .unwrap();
    suite.push_price(ETH, "100").unwrap();
    let (bob, carl, keeper) = (suite.addr("bob"), suite.addr("carl"), suite.addr("keeper"));
    suite
        .trade(&carl, ETH, 1_000_000_000, 11_000 * ONE)
        .unwrap();
    suite.trade(&bob, BTC, 1_000_000_000, 11_000 * ONE).unwrap();
    set_threshold(&mut suite, 1);
    let engine = suite.engine.clone();
    {
        let mut storage = suite.app.contract_storage_mut(&engine);
        let mut cold = MARKET_CONFIG.load(&*storage, ETH).unwrap();
        cold.params.max_price = "1000000000000000000000000000000".parse().unwrap();
        MARKET_CONFIG.save(&mut *storage, ETH, &cold).unwrap();
    }
    suite.advance(1);
    suite
        .push_price(ETH, "1000000000000000000000000000000")
        .unwrap();
    suite.push_price(BTC, "100").unwrap();
    // A manual sweep: ETH's 1e9 * 1e30 saturates.
    let res = suite.sweep_premium(&keeper).unwrap();
    assert_eq!(wasm_attr(&res, "action"), "sweep_premium");
    assert_eq!(
        suite.state().coverage.open_interest_notional.u128(),
        u128::MAX
    );
    // BTC trades, closes and liquidates, each with an automatic sweep past the threshold.
    let dave = suite.addr("dave");
    suite.mint(&dave, 20_000 * ONE);
    suite.trade(&dave, BTC, -500_000_000, 6_000 * ONE).unwrap();
    suite.close(&dave, BTC).unwrap();
    suite.advance(1);
    suite.push_price(BTC, "90").unwrap();
    let res = suite.liquidate(&keeper, BTC, &bob).unwrap();
    assert!(wasm_attr(&res, "size_liquidated").parse::<u128>().unwrap() > 0);
    assert!(suite.engine_state().pending_premium.is_zero());
}
