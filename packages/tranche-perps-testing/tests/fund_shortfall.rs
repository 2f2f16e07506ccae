//! `ExecuteMsg::CoverShortfall` and `ExecuteMsg::ReportOpenInterest`: engine-only access, the
//! loss waterfall (reserve, then junior down to `min_remaining`, then senior down to
//! `min_remaining`), the payout cap per window, the never-twice rule, the loss ledger and the
//! coverage figures.
//!
//! Every expected number below was computed independently with Python integers; the comment
//! next to it shows the arithmetic.

use cosmwasm_std::{Decimal256, Timestamp, Uint128, Uint256};
use insurance_fund::ContractError;
use tranche_perps_testing::time::{DAY, HOUR};
use tranche_perps_testing::{Suite, ONE};
use tranche_perps_types::fund::{
    CoverShortfallResponse, CoverageResponse, ExecuteMsg, FundParams, FundParamsUpdate, LossRecord,
    QueryMsg, Tranche,
};

fn cover_msg(shortfall_id: u64, amount: u128) -> ExecuteMsg {
    ExecuteMsg::CoverShortfall {
        shortfall_id,
        amount: Uint128::new(amount),
    }
}

/// (reserve, junior assets, senior assets)
fn layers(suite: &Suite) -> (u128, u128, u128) {
    let state = suite.state();
    (
        state.reserve.u128(),
        state.junior.assets.u128(),
        state.senior.assets.u128(),
    )
}

fn response(id: u64, asked: u128, paid: u128, unpaid: u128) -> CoverShortfallResponse {
    CoverShortfallResponse {
        shortfall_id: id,
        asked: Uint128::new(asked),
        paid: Uint128::new(paid),
        unpaid: Uint128::new(unpaid),
    }
}

fn record(
    id: u64,
    time: Timestamp,
    asked: u128,
    (reserve, junior, senior): (u128, u128, u128),
    unpaid: u128,
) -> LossRecord {
    LossRecord {
        shortfall_id: id,
        engine_epoch: 0,
        time,
        asked: Uint128::new(asked),
        paid_by_reserve: Uint128::new(reserve),
        paid_by_junior: Uint128::new(junior),
        paid_by_senior: Uint128::new(senior),
        unpaid: Uint128::new(unpaid),
    }
}

/// Reserve 10 coins (premium paid into the empty fund), alice 100 coins junior, bob 400 coins
/// senior; built with `params`.
fn three_layers(params: FundParams) -> Suite {
    let mut suite = Suite::builder()
        .with_underwriters(&["alice", "bob", "payer"], 1_000_000 * ONE)
        .with_params(params)
        .build();
    let (alice, bob, payer) = (suite.addr("alice"), suite.addr("bob"), suite.addr("payer"));
    suite.premium(&payer, 10 * ONE).unwrap();
    suite.deposit(&alice, Tranche::Junior, 100 * ONE).unwrap();
    suite.deposit(&bob, Tranche::Senior, 400 * ONE).unwrap();
    assert_eq!(layers(&suite), (10 * ONE, 100 * ONE, 400 * ONE));
    suite
}

/// Alice 600 coins junior, bob 400 coins senior, default parameters.
fn junior_600_senior_400() -> Suite {
    let mut suite = Suite::builder()
        .with_underwriters(&["alice", "bob"], 1_000_000 * ONE)
        .build();
    let (alice, bob) = (suite.addr("alice"), suite.addr("bob"));
    suite.deposit(&alice, Tranche::Junior, 600 * ONE).unwrap();
    suite.deposit(&bob, Tranche::Senior, 400 * ONE).unwrap();
    suite
}

#[test]
fn only_the_engine_may_cover_a_shortfall() {
    let mut suite = junior_600_senior_400();
    let (alice, governor) = (suite.addr("alice"), suite.governor.clone());
    for who in [&alice, &governor] {
        assert_eq!(
            suite
                .execute_fund(who, &cover_msg(1, ONE), &[])
                .unwrap_err(),
            ContractError::NotEngine
        );
    }
    assert!(suite.loss_ledger(None, None).is_empty());
    assert_eq!(layers(&suite), (0, 600 * ONE, 400 * ONE));
}

#[test]
fn without_an_engine_nobody_may_cover_a_shortfall_or_report_open_interest() {
    let mut suite = Suite::builder()
        .with_underwriters(&["alice"], 1_000_000 * ONE)
        .without_engine()
        .build();
    let alice = suite.addr("alice");
    suite.deposit(&alice, Tranche::Junior, 100 * ONE).unwrap();
    assert_eq!(suite.config().engine, None);
    assert_eq!(
        suite.cover_shortfall(1, ONE).unwrap_err(),
        ContractError::NotEngine
    );
    assert_eq!(
        suite
            .execute_fund(&alice, &cover_msg(1, ONE), &[])
            .unwrap_err(),
        ContractError::NotEngine
    );
    assert_eq!(
        suite.report_open_interest(1_000 * ONE).unwrap_err(),
        ContractError::NotEngine
    );
    assert_eq!(suite.state().junior.assets, Uint128::new(100 * ONE));
}

#[test]
fn zero_shortfall_is_refused() {
    let mut suite = junior_600_senior_400();
    assert_eq!(
        suite.cover_shortfall(1, 0).unwrap_err(),
        ContractError::ZeroAmount
    );
    assert!(suite.loss_ledger(None, None).is_empty());
}

#[test]
fn same_shortfall_id_is_never_paid_twice() {
    let mut suite = junior_600_senior_400();
    let engine = suite.engine.clone();
    let start = suite.balance(&engine);
    assert_eq!(
        suite.cover_shortfall(7, 1_000).unwrap(),
        response(7, 1_000, 1_000, 0)
    );
    let err = suite.cover_shortfall(7, 1_000).unwrap_err();
    assert_eq!(err, ContractError::ShortfallAlreadyCovered { id: 7 });
    // also in a later window, and with another amount
    suite.advance(2 * DAY);
    let err = suite.cover_shortfall(7, 5 * ONE).unwrap_err();
    assert_eq!(err, ContractError::ShortfallAlreadyCovered { id: 7 });

    assert_eq!(suite.balance(&engine) - start, 1_000);
    assert_eq!(layers(&suite), (0, 600 * ONE - 1_000, 400 * ONE));
    assert_eq!(suite.loss_ledger(None, None).len(), 1);
}

#[test]
fn waterfall_takes_reserve_then_junior_then_senior_down_to_min_remaining() {
    // a cap of 100% so that the cap does not interfere with the layers
    let mut suite = three_layers(FundParams {
        max_payout_bps: 10_000,
        ..FundParams::default()
    });
    let engine = suite.engine.clone();
    let engine_start = suite.balance(&engine);
    let t = suite.now();

    // 5 coins: the reserve alone (10 -> 5)
    assert_eq!(
        suite.cover_shortfall(1, 5 * ONE).unwrap(),
        response(1, 5 * ONE, 5 * ONE, 0)
    );
    assert_eq!(layers(&suite), (5 * ONE, 100 * ONE, 400 * ONE));

    // 200 coins: reserve 5_000_000, junior 100_000_000 - 1000 = 99_999_000,
    // senior 200_000_000 - 5_000_000 - 99_999_000 = 95_001_000
    assert_eq!(
        suite.cover_shortfall(2, 200 * ONE).unwrap(),
        response(2, 200 * ONE, 200 * ONE, 0)
    );
    assert_eq!(layers(&suite), (0, 1_000, 304_999_000));

    // 1000 coins: senior 304_999_000 - 1000 = 304_998_000, unpaid 695_002_000
    assert_eq!(
        suite.cover_shortfall(3, 1_000 * ONE).unwrap(),
        response(3, 1_000 * ONE, 304_998_000, 695_002_000)
    );
    assert_eq!(layers(&suite), (0, 1_000, 1_000));

    // an empty fund pays nothing and reports all of it unpaid
    assert_eq!(
        suite.cover_shortfall(4, 50).unwrap(),
        response(4, 50, 0, 50)
    );

    // the engine received exactly what was paid: 5_000_000 + 200_000_000 + 304_998_000
    assert_eq!(suite.balance(&engine) - engine_start, 509_998_000);
    assert_eq!(
        suite.loss_ledger(None, None),
        vec![
            record(1, t, 5 * ONE, (5 * ONE, 0, 0), 0),
            record(2, t, 200 * ONE, (5 * ONE, 99_999_000, 95_001_000), 0),
            record(3, t, 1_000 * ONE, (0, 0, 304_998_000), 695_002_000),
            record(4, t, 50, (0, 0, 0), 50),
        ]
    );
    // a loss never burns shares
    let state = suite.state();
    assert_eq!(state.junior.supply, Uint128::new(100_000_000_000));
    assert_eq!(state.senior.supply, Uint128::new(400_000_000_000));
}

#[test]
fn engine_balance_grows_by_exactly_what_is_paid() {
    let mut suite = three_layers(FundParams::default());
    let engine = suite.engine.clone();
    let fund = suite.fund.clone();
    let (engine_start, fund_start) = (suite.balance(&engine), suite.balance(&fund));
    // cap: floor(510_000_000 * 5000 / 10000) = 255_000_000; 300 coins asked, 45 unpaid
    let res = suite.cover_shortfall(9, 300 * ONE).unwrap();
    assert_eq!(res, response(9, 300 * ONE, 255 * ONE, 45 * ONE));
    assert_eq!(suite.balance(&engine) - engine_start, 255 * ONE);
    assert_eq!(fund_start - suite.balance(&fund), 255 * ONE);
    // reserve 10, junior 99_999_000, senior 255_000_000 - 10_000_000 - 99_999_000 = 145_001_000
    assert_eq!(
        suite.loss(9),
        record(
            9,
            suite.now(),
            300 * ONE,
            (10 * ONE, 99_999_000, 145_001_000),
            45 * ONE
        )
    );
}

#[test]
fn two_shortfalls_in_one_window_never_exceed_half_the_assets_at_its_start() {
    let mut suite = junior_600_senior_400();
    let engine = suite.engine.clone();
    let engine_start = suite.balance(&engine);
    let t0 = suite.now();

    // window opens at t0 with 1_000_000_000 of assets: cap 500_000_000
    assert_eq!(
        suite.cover_shortfall(1, 300 * ONE).unwrap(),
        response(1, 300 * ONE, 300 * ONE, 0)
    );
    suite.advance(HOUR);
    // 200_000_000 of cap left
    assert_eq!(
        suite.cover_shortfall(2, 300 * ONE).unwrap(),
        response(2, 300 * ONE, 200 * ONE, 100 * ONE)
    );
    // last second of the window: nothing left
    suite.advance(DAY - HOUR - 1);
    assert_eq!(suite.cover_shortfall(3, 1).unwrap(), response(3, 1, 0, 1));
    assert_eq!(suite.balance(&engine) - engine_start, 500 * ONE);

    let window = suite.state().payout_window;
    assert_eq!(window.start, t0);
    assert_eq!(window.end, t0.plus_seconds(DAY));
    assert_eq!(window.start_assets, Uint128::new(1_000 * ONE));
    assert_eq!(window.cap, Uint128::new(500 * ONE));
    assert_eq!(window.paid, Uint128::new(500 * ONE));
}

#[test]
fn after_the_window_a_new_cap_applies_to_the_assets_then() {
    let mut suite = junior_600_senior_400();
    let t0 = suite.now();
    suite.cover_shortfall(1, 300 * ONE).unwrap();
    suite.cover_shortfall(2, 300 * ONE).unwrap();
    // junior 600 - 500 = 100 coins, senior 400 coins
    assert_eq!(layers(&suite), (0, 100 * ONE, 400 * ONE));

    suite.advance(DAY);
    // new window at t0 + 24 h with 500_000_000: cap 250_000_000
    // junior 100_000_000 - 1000 = 99_999_000, senior 250_000_000 - 99_999_000 = 150_001_000
    let res = suite.cover_shortfall(3, 300 * ONE).unwrap();
    assert_eq!(res, response(3, 300 * ONE, 250 * ONE, 50 * ONE));
    assert_eq!(layers(&suite), (0, 1_000, 249_999_000));
    let window = suite.state().payout_window;
    assert_eq!(window.start, t0.plus_seconds(DAY));
    assert_eq!(window.start_assets, Uint128::new(500 * ONE));
    assert_eq!(window.cap, Uint128::new(250 * ONE));
    assert_eq!(window.paid, Uint128::new(250 * ONE));
}

#[test]
fn a_window_starts_at_the_first_payout_after_the_previous_one_ended() {
    let mut suite = junior_600_senior_400();
    let t0 = suite.now();
    suite.cover_shortfall(1, 100 * ONE).unwrap();
    // 30 h later: the next payout opens a window at t0 + 30 h with 900_000_000 (cap 450_000_000)
    suite.advance(30 * HOUR);
    suite.cover_shortfall(2, 400 * ONE).unwrap();
    let window = suite.state().payout_window;
    assert_eq!(window.start, t0.plus_seconds(30 * HOUR));
    assert_eq!(window.start_assets, Uint128::new(900 * ONE));
    // at t0 + 48 h a window aligned on t0 would have restarted; this one runs until t0 + 54 h
    suite.advance(18 * HOUR);
    assert_eq!(
        suite.cover_shortfall(3, 100 * ONE).unwrap(),
        response(3, 100 * ONE, 50 * ONE, 50 * ONE)
    );
    suite.advance(6 * HOUR - 1);
    assert_eq!(
        suite.cover_shortfall(4, ONE).unwrap(),
        response(4, ONE, 0, ONE)
    );
    suite.advance(1);
    // assets 1000 - 100 - 400 - 50 = 450 coins: cap 225_000_000
    assert_eq!(
        suite.cover_shortfall(5, 300 * ONE).unwrap(),
        response(5, 300 * ONE, 225 * ONE, 75 * ONE)
    );
}

#[test]
fn senior_price_does_not_move_while_junior_pays() {
    let mut suite = junior_600_senior_400();
    let before = suite.state();
    suite.cover_shortfall(1, 250 * ONE).unwrap();
    suite.advance(HOUR);
    suite.cover_shortfall(2, 250 * ONE).unwrap();
    let after = suite.state();
    assert_eq!(after.senior, before.senior);
    // junior: 600_000_000 - 500_000_000 = 100_000_000 for the same 6 * 10^11 shares
    assert_eq!(after.junior.assets, Uint128::new(100 * ONE));
    assert_eq!(after.junior.supply, before.junior.supply);
    assert!(after.junior.price < before.junior.price);
}

#[test]
fn loss_ledger_pages_by_ascending_id_with_default_10_and_max_30() {
    let mut suite = junior_600_senior_400();
    // ids 1..=35 in a scrambled order ((i * 11) mod 35 + 1 is a permutation); asked = id
    for i in 0..35u64 {
        let id = (i * 11) % 35 + 1;
        suite.cover_shortfall(id, u128::from(id)).unwrap();
        suite.advance(60);
    }
    let ids = |page: &[LossRecord]| page.iter().map(|r| r.shortfall_id).collect::<Vec<_>>();

    assert_eq!(
        ids(&suite.loss_ledger(None, None)),
        (1..=10).collect::<Vec<_>>()
    );
    assert_eq!(
        ids(&suite.loss_ledger(Some(10), None)),
        (11..=20).collect::<Vec<_>>()
    );
    assert_eq!(
        ids(&suite.loss_ledger(None, Some(100))),
        (1..=30).collect::<Vec<_>>()
    );
    assert_eq!(
        ids(&suite.loss_ledger(Some(30), Some(30))),
        (31..=35).collect::<Vec<_>>()
    );
    assert_eq!(ids(&suite.loss_ledger(Some(3), Some(2))), vec![4, 5]);
    assert!(suite.loss_ledger(Some(35), None).is_empty());

    // id 17 was paid at step i = 11 (11 * 11 = 121 = 3 * 35 + 16, and 16 + 1 = 17), each step
    // one minute after the previous
    let t0 = suite.now().minus_seconds(35 * 60);
    let entry = suite.loss(17);
    assert_eq!(
        entry,
        record(17, t0.plus_seconds(11 * 60), 17, (0, 17, 0), 0)
    );
    assert_eq!(suite.state().junior.assets, Uint128::new(600 * ONE - 630));
}

#[test]
fn only_the_engine_reports_open_interest() {
    let mut suite = junior_600_senior_400();
    let (alice, governor) = (suite.addr("alice"), suite.governor.clone());
    let msg = ExecuteMsg::ReportOpenInterest {
        notional: Uint128::new(1_000 * ONE),
    };
    for who in [&alice, &governor] {
        assert_eq!(
            suite.execute_fund(who, &msg, &[]).unwrap_err(),
            ContractError::NotEngine
        );
    }
    assert_eq!(
        suite.state().coverage.open_interest_notional,
        Uint128::zero()
    );
}

#[test]
fn coverage_is_assets_over_the_rounded_up_target() {
    let mut suite = Suite::builder()
        .with_underwriters(&["alice", "bob", "payer"], 1_000_000 * ONE)
        .build();
    let (alice, bob, payer) = (suite.addr("alice"), suite.addr("bob"), suite.addr("payer"));
    suite.deposit(&alice, Tranche::Junior, 300 * ONE).unwrap();
    suite.deposit(&bob, Tranche::Senior, 700 * ONE).unwrap();
    // junior floor(7 * 900 / 1600) = 3, senior 4: total assets 1_000_000_007
    suite.premium(&payer, 7).unwrap();

    // no open interest: no target, no ratio
    let coverage: CoverageResponse = suite
        .try_query(&QueryMsg::Coverage {
            open_interest: None,
        })
        .unwrap();
    assert_eq!(coverage.target, Uint256::zero());
    assert_eq!(coverage.coverage_ratio, None);

    suite.report_open_interest(12_345_678_901).unwrap();
    // target = ceil(1000 * 12_345_678_901 / 10000) = ceil(1_234_567_890.1) = 1_234_567_891
    // ratio = 1_000_000_007 / 1_234_567_891 = 0.810000012384900102 (floored)
    let coverage: CoverageResponse = suite
        .try_query(&QueryMsg::Coverage {
            open_interest: None,
        })
        .unwrap();
    assert_eq!(
        coverage,
        CoverageResponse {
            total_assets: Uint128::new(1_000_000_007),
            open_interest_notional: Uint128::new(12_345_678_901),
            target: Uint256::from(1_234_567_891u128),
            coverage_ratio: Some("0.810000012384900102".parse::<Decimal256>().unwrap()),
        }
    );
    assert_eq!(suite.state().coverage, coverage);

    // a later report replaces the earlier one: target ceil(1000 * 1000 / 10000) = 100,
    // ratio 1_000_000_007 / 100 = 10_000_000.07
    suite.report_open_interest(1_000).unwrap();
    let coverage: CoverageResponse = suite
        .try_query(&QueryMsg::Coverage {
            open_interest: None,
        })
        .unwrap();
    assert_eq!(coverage.target, Uint256::from(100u128));
    assert_eq!(
        coverage.coverage_ratio,
        Some("10000000.07".parse::<Decimal256>().unwrap())
    );
}

/// A payout window keeps the length it started with: shortening `payout_window_seconds`
/// mid-window does not open a fresh cap early; the new length applies from the next window.
#[test]
fn payout_window_change_applies_from_the_next_window() {
    let mut suite = Suite::builder()
        .with_underwriters(&["alice"], 1_000_000 * ONE)
        .build();
    let alice = suite.addr("alice");
    suite.deposit(&alice, Tranche::Junior, 1_000 * ONE).unwrap();
    // Window opens now with 1,000 USDC: cap 500 USDC, all used.
    let first = suite.cover_shortfall(1, 500 * ONE).unwrap();
    assert_eq!(first.paid.u128(), 500 * ONE);
    let opened = suite.now();
    suite
        .update_params(tranche_perps_types::fund::FundParamsUpdate {
            payout_window_seconds: Some(HOUR),
            ..Default::default()
        })
        .unwrap();
    suite.advance(2 * HOUR);
    // Still inside the 24 h window it started with: nothing more is paid.
    let second = suite.cover_shortfall(2, 100 * ONE).unwrap();
    assert_eq!((second.paid.u128(), second.unpaid.u128()), (0, 100 * ONE));
    assert_eq!(suite.state().payout_window.end, opened.plus_seconds(DAY));
    // After it ends, a new window of the new length opens with 500 USDC of assets: cap 250.
    suite.advance(DAY);
    let third = suite.cover_shortfall(3, 400 * ONE).unwrap();
    assert_eq!(third.paid.u128(), 250 * ONE);
    assert_eq!(
        suite.state().payout_window.end,
        suite.now().plus_seconds(HOUR)
    );
}

#[test]
fn a_new_engine_gets_a_fresh_shortfall_id_space() {
    let mut suite = Suite::builder()
        .with_underwriters(&["alice", "bob"], 1_000_000 * ONE)
        .build();
    let (alice, bob, governor) = (
        suite.addr("alice"),
        suite.addr("bob"),
        suite.governor.clone(),
    );
    suite.deposit(&alice, Tranche::Junior, 600 * ONE).unwrap();
    suite.deposit(&bob, Tranche::Senior, 400 * ONE).unwrap();
    suite.cover_shortfall(1, 10 * ONE).unwrap();
    assert_eq!(suite.config().engine_epoch, 0);

    // Setting the same engine again keeps its id space.
    let engine = suite.engine.clone();
    suite
        .update_config(&governor, Some(engine.as_str()), None, None)
        .unwrap();
    assert_eq!(suite.config().engine_epoch, 0);

    // A new engine numbers its shortfalls from 1 again; the fund pays its id 1.
    let engine_v2 = suite.addr("engine-v2");
    suite
        .update_config(&governor, Some(engine_v2.as_str()), None, None)
        .unwrap();
    assert_eq!(suite.config().engine_epoch, 1);
    assert!(suite.loss_ledger(None, None).is_empty());
    let cover_v2 = |suite: &mut Suite| {
        let msg = ExecuteMsg::CoverShortfall {
            shortfall_id: 1,
            amount: Uint128::new(20 * ONE),
        };
        suite.execute_fund(&engine_v2, &msg, &[])
    };
    cover_v2(&mut suite).unwrap();
    // ... once only.
    assert_eq!(
        cover_v2(&mut suite).unwrap_err(),
        ContractError::ShortfallAlreadyCovered { id: 1 }
    );
    // Each epoch keeps its own ledger; the default is the current engine's.
    assert_eq!(suite.loss(1).asked, Uint128::new(20 * ONE));
    assert_eq!(suite.loss(1).engine_epoch, 1);
    assert_eq!(suite.loss_in_epoch(0, 1).asked, Uint128::new(10 * ONE));
    assert_eq!(suite.loss_in_epoch(0, 1).engine_epoch, 0);
    assert_eq!(suite.loss_ledger(None, None).len(), 1);
    // The old engine can no longer claim at all.
    assert_eq!(
        suite.cover_shortfall(2, ONE).unwrap_err(),
        ContractError::NotEngine
    );
}

#[test]
fn payout_cap_shown_follows_a_lowered_cap() {
    let mut suite = Suite::builder()
        .with_underwriters(&["alice"], 1_000_000 * ONE)
        .build();
    let alice = suite.addr("alice");
    suite.deposit(&alice, Tranche::Junior, 1_000 * ONE).unwrap();
    // Cap 50% of 1,000 coins; pay 400.
    suite.cover_shortfall(1, 400 * ONE).unwrap();
    assert_eq!(suite.state().payout_window.cap, Uint128::new(500 * ONE));
    suite
        .update_params(FundParamsUpdate {
            max_payout_bps: Some(1_000),
            ..Default::default()
        })
        .unwrap();
    let window = suite.state().payout_window;
    // 10% of the 1,000 coins the window started with, below what was already paid ...
    assert_eq!(window.cap, Uint128::new(100 * ONE));
    assert_eq!(window.paid, Uint128::new(400 * ONE));
    // ... so nothing more is paid in this window.
    let res = suite.cover_shortfall(2, 50 * ONE).unwrap();
    assert!(res.paid.is_zero());
    assert_eq!(res.unpaid, Uint128::new(50 * ONE));
}

/// An engine set again gets its old epoch back, so the ids it was paid stay paid: the fund
/// goes A -> B -> A and A asks for its id 1 (10 USDC) again. Refused as already covered; on
/// the fund that opened a new epoch per replacement (A returned at epoch 2), A was paid its
/// 10 USDC a second time. A third engine C gets the next unused epoch, 2.
#[test]
fn an_engine_set_again_cannot_be_paid_its_old_ids_twice() {
    let mut suite = Suite::builder()
        .with_underwriters(&["alice"], 1_000_000 * ONE)
        .build();
    let (alice, governor) = (suite.addr("alice"), suite.governor.clone());
    suite.deposit(&alice, Tranche::Junior, 1_000 * ONE).unwrap();
    let (engine_a, engine_b, engine_c) = (
        suite.engine.clone(),
        suite.addr("engine-b"),
        suite.addr("engine-c"),
    );
    suite.cover_shortfall(1, 10 * ONE).unwrap();
    suite
        .update_config(&governor, Some(engine_b.as_str()), None, None)
        .unwrap();
    assert_eq!(suite.config().engine_epoch, 1);
    suite
        .update_config(&governor, Some(engine_a.as_str()), None, None)
        .unwrap();
    let assets = suite.state().junior.assets;
    assert_eq!(
        suite.cover_shortfall(1, 10 * ONE).unwrap_err(),
        ContractError::ShortfallAlreadyCovered { id: 1 }
    );
    assert_eq!(suite.state().junior.assets, assets);
    assert_eq!(suite.config().engine_epoch, 0);
    assert_eq!(suite.loss_ledger_in_epoch(0).len(), 1);
    // A's next id is paid as usual, in A's epoch.
    suite.cover_shortfall(2, ONE).unwrap();
    assert_eq!(suite.loss(2).engine_epoch, 0);
    // B and C: B back at 1, C new at 2.
    suite
        .update_config(&governor, Some(engine_b.as_str()), None, None)
        .unwrap();
    assert_eq!(suite.config().engine_epoch, 1);
    suite
        .update_config(&governor, Some(engine_c.as_str()), None, None)
        .unwrap();
    assert_eq!(suite.config().engine_epoch, 2);
}

/// A fund stored before engines kept their epochs (no epoch map, the current engine at epoch
/// 3 after three replacements): its current engine keeps epoch 3 and its paid ids stay paid;
/// the next new engine gets epoch 4, and returning to the current one gives 3 back.
#[test]
fn a_fund_stored_before_the_epoch_map_keeps_its_current_engines_epoch() {
    let mut suite = Suite::builder()
        .with_underwriters(&["alice"], 1_000_000 * ONE)
        .build();
    let (alice, governor) = (suite.addr("alice"), suite.governor.clone());
    suite.deposit(&alice, Tranche::Junior, 1_000 * ONE).unwrap();
    let fund = suite.fund.clone();
    let mut config: serde_json::Value =
        serde_json::from_slice(&suite.app.contract_storage(&fund).get(b"config").unwrap()).unwrap();
    config["engine_epoch"] = 3.into();
    suite
        .app
        .contract_storage_mut(&fund)
        .set(b"config", &serde_json::to_vec(&config).unwrap());
    suite.cover_shortfall(1, ONE).unwrap();
    assert_eq!(suite.loss(1).engine_epoch, 3);
    let (engine, next) = (suite.engine.clone(), suite.addr("engine-next"));
    suite
        .update_config(&governor, Some(next.as_str()), None, None)
        .unwrap();
    assert_eq!(suite.config().engine_epoch, 4);
    suite
        .update_config(&governor, Some(engine.as_str()), None, None)
        .unwrap();
    assert_eq!(suite.config().engine_epoch, 3);
    assert_eq!(
        suite.cover_shortfall(1, ONE).unwrap_err(),
        ContractError::ShortfallAlreadyCovered { id: 1 }
    );
}
