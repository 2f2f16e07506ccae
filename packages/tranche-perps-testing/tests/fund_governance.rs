//! Governor-only messages of the fund: `UpdateParams`, `UpdateConfig`, `SetPause`,
//! `AllocateReserve`, `SweepDonations` and the two-step governorship transfer.

use cosmwasm_std::{coins, Addr, Decimal, StdError, Uint128};
use cw_ownable::OwnershipError;
use cw_utils::PaymentError;
use insurance_fund::ContractError;
use tranche_perps_testing::time::{DAY, HOUR};
use tranche_perps_testing::wasm_attr;
use tranche_perps_testing::{Suite, DENOM, ONE};
use tranche_perps_types::fund::{
    ConfigResponse, DepositCap, ExecuteMsg, FundParams, FundParamsUpdate, GovernorAction,
    PauseFlags, QueryMsg, ReserveTarget, Tranche,
};

/// Share units per collateral base unit at a tranche's first-deposit price.
const S: u128 = 1_000;

fn not_owner() -> ContractError {
    ContractError::Ownership(OwnershipError::NotOwner)
}

fn ownership(suite: &Suite) -> cw_ownable::Ownership<Addr> {
    suite.try_query(&QueryMsg::Ownership {}).unwrap()
}

fn execute_as(suite: &mut Suite, who: &Addr, msg: &ExecuteMsg) -> Result<(), ContractError> {
    suite.execute_fund(who, msg, &[]).map(|_| ())
}

fn update_params_as(
    suite: &mut Suite,
    who: &Addr,
    update: FundParamsUpdate,
) -> Result<(), ContractError> {
    execute_as(suite, who, &ExecuteMsg::UpdateParams(update))
}

fn sweep_as(suite: &mut Suite, who: &Addr, recipient: &str) -> Result<(), ContractError> {
    execute_as(
        suite,
        who,
        &ExecuteMsg::SweepDonations {
            recipient: recipient.to_string(),
            denom: None,
        },
    )
}

fn allocate_as(
    suite: &mut Suite,
    who: &Addr,
    amount: u128,
    target: ReserveTarget,
) -> Result<(), ContractError> {
    execute_as(
        suite,
        who,
        &ExecuteMsg::AllocateReserve {
            amount: Uint128::new(amount),
            target,
        },
    )
}

fn pause(suite: &Suite) -> PauseFlags {
    suite.config().pause
}

/// Suite with premium of `reserve` paid while both tranches were empty, then `alice` in junior.
fn suite_with_reserve(reserve: u128) -> Suite {
    let mut suite = Suite::builder()
        .with_underwriters(&["alice", "bob"], 10_000 * ONE)
        .build();
    let engine = suite.engine.clone();
    suite.premium(&engine, reserve).unwrap();
    assert_eq!(suite.state().reserve, Uint128::new(reserve));
    let alice = suite.addr("alice");
    suite.deposit(&alice, Tranche::Junior, 1_000 * ONE).unwrap();
    suite
}

// ----- UpdateParams -----

#[test]
fn governor_updates_params_and_config_shows_them() {
    let mut suite = Suite::builder().build();
    let update = FundParamsUpdate {
        cooldown_seconds: Some(3 * DAY),
        claim_window_seconds: Some(DAY),
        junior_weight: Some(4),
        senior_weight: Some(2),
        min_junior_ratio: Some(Decimal::percent(30)),
        max_payout_bps: Some(2_500),
        payout_window_seconds: Some(12 * HOUR),
        junior_deposit_cap: Some(DepositCap::Limit(Uint128::new(5_000 * ONE))),
        senior_deposit_cap: Some(DepositCap::Limit(Uint128::new(20_000 * ONE))),
        target_coverage_bps: Some(1_500),
        min_remaining: Some(Uint128::new(10_000)),
        premium_unlock_seconds: Some(3 * DAY),
    };
    suite.update_params(update).unwrap();
    assert_eq!(
        suite.config().params,
        FundParams {
            cooldown_seconds: 3 * DAY,
            claim_window_seconds: DAY,
            junior_weight: 4,
            senior_weight: 2,
            min_junior_ratio: Decimal::percent(30),
            max_payout_bps: 2_500,
            payout_window_seconds: 12 * HOUR,
            junior_deposit_cap: DepositCap::Limit(Uint128::new(5_000 * ONE)),
            senior_deposit_cap: DepositCap::Limit(Uint128::new(20_000 * ONE)),
            target_coverage_bps: 1_500,
            min_remaining: Uint128::new(10_000),
            premium_unlock_seconds: 3 * DAY,
        }
    );
}

#[test]
fn partial_param_update_changes_only_the_given_fields() {
    let mut suite = Suite::builder().build();
    suite
        .update_params(FundParamsUpdate {
            junior_weight: Some(7),
            senior_deposit_cap: Some(DepositCap::Limit(Uint128::new(42))),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        suite.config().params,
        FundParams {
            junior_weight: 7,
            senior_deposit_cap: DepositCap::Limit(Uint128::new(42)),
            ..FundParams::default()
        }
    );
    // A cap can be lifted again.
    suite
        .update_params(FundParamsUpdate {
            senior_deposit_cap: Some(DepositCap::Unlimited),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        suite.config().params.senior_deposit_cap,
        DepositCap::Unlimited
    );
    assert_eq!(suite.config().params.junior_weight, 7);
}

#[test]
fn non_governor_cannot_update_params() {
    let mut suite = Suite::builder().build();
    let before = suite.config();
    let update = FundParamsUpdate {
        junior_weight: Some(9),
        ..Default::default()
    };
    for who in [
        suite.addr("mallory"),
        suite.guardian.clone(),
        suite.engine.clone(),
        suite.operator.clone(),
        suite.fund.clone(),
    ] {
        assert_eq!(
            update_params_as(&mut suite, &who, update.clone()).unwrap_err(),
            not_owner(),
            "{who}"
        );
    }
    assert_eq!(suite.config(), before);
}

#[test]
fn every_out_of_range_param_update_is_refused_and_changes_nothing() {
    let u = FundParamsUpdate::default;
    let above_90 = Decimal::percent(90) + Decimal::raw(1);
    let cases: Vec<(&'static str, String, FundParamsUpdate)> = vec![
        (
            "cooldown_seconds",
            "59".into(),
            FundParamsUpdate {
                cooldown_seconds: Some(59),
                ..u()
            },
        ),
        (
            "cooldown_seconds",
            (90 * DAY + 1).to_string(),
            FundParamsUpdate {
                cooldown_seconds: Some(90 * DAY + 1),
                ..u()
            },
        ),
        (
            "claim_window_seconds",
            "59".into(),
            FundParamsUpdate {
                claim_window_seconds: Some(59),
                ..u()
            },
        ),
        (
            "claim_window_seconds",
            (30 * DAY + 1).to_string(),
            FundParamsUpdate {
                claim_window_seconds: Some(30 * DAY + 1),
                ..u()
            },
        ),
        (
            "junior_weight",
            "0".into(),
            FundParamsUpdate {
                junior_weight: Some(0),
                ..u()
            },
        ),
        (
            "junior_weight",
            "101".into(),
            FundParamsUpdate {
                junior_weight: Some(101),
                ..u()
            },
        ),
        (
            "senior_weight",
            "0".into(),
            FundParamsUpdate {
                senior_weight: Some(0),
                ..u()
            },
        ),
        (
            "senior_weight",
            "101".into(),
            FundParamsUpdate {
                senior_weight: Some(101),
                ..u()
            },
        ),
        (
            "min_junior_ratio",
            above_90.to_string(),
            FundParamsUpdate {
                min_junior_ratio: Some(above_90),
                ..u()
            },
        ),
        (
            "max_payout_bps",
            "0".into(),
            FundParamsUpdate {
                max_payout_bps: Some(0),
                ..u()
            },
        ),
        (
            "max_payout_bps",
            "10001".into(),
            FundParamsUpdate {
                max_payout_bps: Some(10_001),
                ..u()
            },
        ),
        (
            "payout_window_seconds",
            "599".into(),
            FundParamsUpdate {
                payout_window_seconds: Some(10 * 60 - 1),
                ..u()
            },
        ),
        (
            "payout_window_seconds",
            (30 * DAY + 1).to_string(),
            FundParamsUpdate {
                payout_window_seconds: Some(30 * DAY + 1),
                ..u()
            },
        ),
        (
            "junior_deposit_cap",
            "0".into(),
            FundParamsUpdate {
                junior_deposit_cap: Some(DepositCap::Limit(Uint128::zero())),
                ..u()
            },
        ),
        (
            "senior_deposit_cap",
            "0".into(),
            FundParamsUpdate {
                senior_deposit_cap: Some(DepositCap::Limit(Uint128::zero())),
                ..u()
            },
        ),
        (
            "target_coverage_bps",
            "0".into(),
            FundParamsUpdate {
                target_coverage_bps: Some(0),
                ..u()
            },
        ),
        (
            "target_coverage_bps",
            "100001".into(),
            FundParamsUpdate {
                target_coverage_bps: Some(100_001),
                ..u()
            },
        ),
        (
            "min_remaining",
            "0".into(),
            FundParamsUpdate {
                min_remaining: Some(Uint128::zero()),
                ..u()
            },
        ),
        (
            "min_remaining",
            "1000000000001".into(),
            FundParamsUpdate {
                min_remaining: Some(Uint128::new(1_000_000_000_001)),
                ..u()
            },
        ),
    ];
    let mut suite = Suite::builder().build();
    let before = suite.config();
    for (name, value, update) in cases {
        match suite.update_params(update).unwrap_err() {
            ContractError::ParamOutOfRange {
                name: got,
                value: got_value,
                ..
            } => {
                assert_eq!(got, name);
                assert_eq!(got_value, value, "{name}");
            }
            other => panic!("{name}: expected ParamOutOfRange, got {other:?}"),
        }
        assert_eq!(suite.config(), before, "{name} changed the config");
    }
}

#[test]
fn a_bad_field_refuses_the_whole_update() {
    let mut suite = Suite::builder().build();
    let before = suite.config();
    let err = suite
        .update_params(FundParamsUpdate {
            junior_weight: Some(10),
            cooldown_seconds: Some(DAY),
            max_payout_bps: Some(10_001),
            ..Default::default()
        })
        .unwrap_err();
    assert!(matches!(
        err,
        ContractError::ParamOutOfRange {
            name: "max_payout_bps",
            ..
        }
    ));
    assert_eq!(suite.config(), before);
}

// ----- UpdateConfig -----

#[test]
fn governor_changes_the_engine_and_only_the_new_engine_is_obeyed() {
    let mut suite = Suite::builder().build();
    let (governor, old_engine, new_engine) = (
        suite.governor.clone(),
        suite.engine.clone(),
        suite.addr("engine-v2"),
    );
    let res = suite
        .update_config(&governor, Some(new_engine.as_str()), None, None)
        .unwrap();
    let config = suite.config();
    assert_eq!(config.engine, Some(new_engine.clone()));
    assert_eq!(wasm_attr(&res, "engine"), new_engine.as_str());
    assert_eq!(
        wasm_attr(&res, "engine_epoch"),
        config.engine_epoch.to_string()
    );
    assert_eq!(wasm_attr(&res, "guardian"), suite.guardian.as_str());
    assert_eq!(
        config.guardian,
        Some(suite.guardian.clone()),
        "guardian kept"
    );

    let report = ExecuteMsg::ReportOpenInterest {
        notional: Uint128::new(1_000 * ONE),
    };
    assert_eq!(
        execute_as(&mut suite, &old_engine, &report).unwrap_err(),
        ContractError::NotEngine
    );
    execute_as(&mut suite, &new_engine, &report).unwrap();
    assert_eq!(
        suite.state().coverage.open_interest_notional,
        Uint128::new(1_000 * ONE)
    );
}

#[test]
fn governor_changes_the_guardian_and_only_the_new_guardian_may_pause() {
    let mut suite = Suite::builder().build();
    let (governor, old_guardian, new_guardian) = (
        suite.governor.clone(),
        suite.guardian.clone(),
        suite.addr("guardian-v2"),
    );
    suite
        .update_config(&governor, None, Some(new_guardian.as_str()), None)
        .unwrap();
    let config = suite.config();
    assert_eq!(config.guardian, Some(new_guardian.clone()));
    assert_eq!(config.engine, Some(suite.engine.clone()), "engine kept");

    assert_eq!(
        suite
            .set_pause(&old_guardian, Some(true), None)
            .unwrap_err(),
        ContractError::NotGovernorOrGuardian
    );
    suite.set_pause(&new_guardian, Some(true), None).unwrap();
    assert!(pause(&suite).deposits);
}

#[test]
fn governor_removes_the_guardian() {
    let mut suite = Suite::builder().build();
    let (governor, guardian) = (suite.governor.clone(), suite.guardian.clone());
    // `Some(false)` is no removal.
    suite
        .update_config(&governor, None, None, Some(false))
        .unwrap();
    assert_eq!(suite.config().guardian, Some(guardian.clone()));

    let res = suite
        .update_config(&governor, None, None, Some(true))
        .unwrap();
    assert_eq!(suite.config().guardian, None);
    assert_eq!(wasm_attr(&res, "guardian"), "none");
    assert_eq!(wasm_attr(&res, "engine"), suite.engine.as_str());
    assert_eq!(
        suite.set_pause(&guardian, Some(true), None).unwrap_err(),
        ContractError::NotGovernorOrGuardian
    );
    assert_eq!(pause(&suite), PauseFlags::default());
}

#[test]
fn remove_guardian_wins_over_a_new_guardian_in_the_same_message() {
    let mut suite = Suite::builder().build();
    let (governor, newcomer) = (suite.governor.clone(), suite.addr("newcomer"));
    suite
        .update_config(&governor, None, Some(newcomer.as_str()), Some(true))
        .unwrap();
    assert_eq!(suite.config().guardian, None);
}

#[test]
fn update_config_rejects_bad_addresses_and_changes_nothing() {
    let mut suite = Suite::builder().build();
    let governor = suite.governor.clone();
    let upper = suite.addr("someone").to_string().to_uppercase();
    let before = suite.config();
    for (bad, reason) in [
        ("not-an-address", "Error decoding bech32"),
        ("", "Error decoding bech32"),
        (upper.as_str(), "Invalid input: address not normalized"),
    ] {
        let expected = ContractError::Std(StdError::generic_err(reason));
        assert_eq!(
            suite
                .update_config(&governor, Some(bad), None, None)
                .unwrap_err(),
            expected,
            "engine {bad:?}"
        );
        assert_eq!(
            suite
                .update_config(&governor, None, Some(bad), None)
                .unwrap_err(),
            expected,
            "guardian {bad:?}"
        );
        // A good engine next to a bad guardian is not applied either.
        let good = suite.addr("engine-v2");
        assert_eq!(
            suite
                .update_config(&governor, Some(good.as_str()), Some(bad), None)
                .unwrap_err(),
            expected
        );
    }
    assert_eq!(suite.config(), before);
}

#[test]
fn non_governor_cannot_update_config() {
    let mut suite = Suite::builder().build();
    let before = suite.config();
    let mallory = suite.addr("mallory");
    for who in [
        mallory.clone(),
        suite.guardian.clone(),
        suite.engine.clone(),
    ] {
        assert_eq!(
            suite
                .update_config(&who, Some(mallory.as_str()), Some(mallory.as_str()), None)
                .unwrap_err(),
            not_owner(),
            "{who}"
        );
        assert_eq!(
            suite
                .update_config(&who, None, None, Some(true))
                .unwrap_err(),
            not_owner(),
            "{who}"
        );
    }
    assert_eq!(suite.config(), before);
}

// ----- SetPause -----

#[test]
fn governor_pauses_and_unpauses_each_flag() {
    let mut suite = Suite::builder().build();
    let governor = suite.governor.clone();
    suite.set_pause(&governor, Some(true), None).unwrap();
    assert_eq!(
        pause(&suite),
        PauseFlags {
            deposits: true,
            withdrawals: false
        }
    );
    suite.set_pause(&governor, None, Some(true)).unwrap();
    assert_eq!(
        pause(&suite),
        PauseFlags {
            deposits: true,
            withdrawals: true
        }
    );
    // `None` keeps a flag as it is.
    suite.set_pause(&governor, None, None).unwrap();
    assert_eq!(
        pause(&suite),
        PauseFlags {
            deposits: true,
            withdrawals: true
        }
    );
    suite.set_pause(&governor, Some(false), None).unwrap();
    assert_eq!(
        pause(&suite),
        PauseFlags {
            deposits: false,
            withdrawals: true
        }
    );
    suite.set_pause(&governor, None, Some(false)).unwrap();
    assert_eq!(pause(&suite), PauseFlags::default());
}

#[test]
fn guardian_may_pause_deposits_but_not_withdrawals() {
    let mut suite = Suite::builder().build();
    let guardian = suite.guardian.clone();
    // Pausing withdrawals would hold underwriters in the fund: the governor's call only.
    for (deposits, withdrawals) in [(None, Some(true)), (Some(true), Some(true))] {
        assert_eq!(
            suite
                .set_pause(&guardian, deposits, withdrawals)
                .unwrap_err(),
            ContractError::GuardianCannotPauseWithdrawals,
            "{deposits:?} {withdrawals:?}"
        );
        assert_eq!(pause(&suite), PauseFlags::default());
    }
    suite.set_pause(&guardian, Some(true), None).unwrap();
    assert_eq!(
        pause(&suite),
        PauseFlags {
            deposits: true,
            withdrawals: false
        }
    );
}

#[test]
fn guardian_may_pause_but_not_unpause() {
    let mut suite = Suite::builder().build();
    let (governor, guardian) = (suite.governor.clone(), suite.guardian.clone());
    suite.set_pause(&guardian, Some(true), None).unwrap();
    suite.set_pause(&governor, None, Some(true)).unwrap();
    assert_eq!(
        pause(&suite),
        PauseFlags {
            deposits: true,
            withdrawals: true
        }
    );

    for (deposits, withdrawals) in [
        (Some(false), None),
        (None, Some(false)),
        (Some(false), Some(false)),
        (Some(true), Some(false)),
    ] {
        assert_eq!(
            suite
                .set_pause(&guardian, deposits, withdrawals)
                .unwrap_err(),
            ContractError::GuardianCannotUnpause,
            "{deposits:?} {withdrawals:?}"
        );
        assert_eq!(
            pause(&suite),
            PauseFlags {
                deposits: true,
                withdrawals: true
            }
        );
    }
    suite
        .set_pause(&governor, Some(false), Some(false))
        .unwrap();
    assert_eq!(pause(&suite), PauseFlags::default());
}

#[test]
fn guardian_message_that_unpauses_anything_is_refused_whole() {
    let mut suite = Suite::builder().build();
    let guardian = suite.guardian.clone();
    // Withdrawals are not paused, yet `Some(false)` still makes the whole message an unpause.
    assert_eq!(
        suite
            .set_pause(&guardian, Some(true), Some(false))
            .unwrap_err(),
        ContractError::GuardianCannotUnpause
    );
    assert_eq!(pause(&suite), PauseFlags::default());
}

#[test]
fn stranger_cannot_pause_or_unpause() {
    let mut suite = Suite::builder().build();
    let mallory = suite.addr("mallory");
    let engine = suite.engine.clone();
    for who in [mallory, engine] {
        for (deposits, withdrawals) in [(Some(true), None), (None, Some(false)), (None, None)] {
            assert_eq!(
                suite.set_pause(&who, deposits, withdrawals).unwrap_err(),
                ContractError::NotGovernorOrGuardian
            );
        }
    }
    assert_eq!(pause(&suite), PauseFlags::default());
}

#[test]
fn paused_deposits_are_refused_and_resume_after_unpause() {
    let mut suite = Suite::builder()
        .with_underwriters(&["alice"], 1_000 * ONE)
        .build();
    let (alice, guardian, governor) = (
        suite.addr("alice"),
        suite.guardian.clone(),
        suite.governor.clone(),
    );
    suite.set_pause(&guardian, Some(true), None).unwrap();
    for tranche in Tranche::ALL {
        assert_eq!(
            suite.deposit(&alice, tranche, 100 * ONE).unwrap_err(),
            ContractError::DepositsPaused
        );
    }
    assert_eq!(suite.balance(&alice), 1_000 * ONE);
    assert_eq!(suite.shares(Tranche::Junior, &alice), 0);

    suite.set_pause(&governor, Some(false), None).unwrap();
    suite.deposit(&alice, Tranche::Junior, 100 * ONE).unwrap();
    assert_eq!(suite.shares(Tranche::Junior, &alice), 100 * ONE * S);
}

#[test]
fn paused_withdrawals_refuse_requests_and_claims_but_cancel_still_works() {
    let mut suite = Suite::builder()
        .with_underwriters(&["alice"], 1_000 * ONE)
        .build();
    let (alice, governor) = (suite.addr("alice"), suite.governor.clone());
    suite.deposit(&alice, Tranche::Junior, 1_000 * ONE).unwrap();
    let all_shares = suite.shares(Tranche::Junior, &alice);
    let first = suite
        .request_withdrawal(&alice, Tranche::Junior, 100 * ONE * S)
        .unwrap();
    let second = suite
        .request_withdrawal(&alice, Tranche::Junior, 200 * ONE * S)
        .unwrap();
    suite.advance(7 * DAY);

    suite.set_pause(&governor, None, Some(true)).unwrap();
    assert_eq!(
        suite
            .request_withdrawal(&alice, Tranche::Junior, 50 * ONE * S)
            .unwrap_err(),
        ContractError::WithdrawalsPaused
    );
    assert_eq!(
        suite.claim(&alice, first).unwrap_err(),
        ContractError::WithdrawalsPaused
    );
    assert_eq!(suite.balance(&alice), 0);
    assert_eq!(
        suite.shares(Tranche::Junior, &alice),
        all_shares - 300 * ONE * S
    );

    suite.cancel(&alice, first).unwrap();
    assert_eq!(
        suite.shares(Tranche::Junior, &alice),
        all_shares - 200 * ONE * S
    );
    // Deposits are not affected by the withdrawal pause.
    suite.mint(&alice, 10 * ONE);
    suite.deposit(&alice, Tranche::Junior, 10 * ONE).unwrap();

    suite.set_pause(&governor, None, Some(false)).unwrap();
    suite.claim(&alice, second).unwrap();
    assert_eq!(suite.balance(&alice), 200 * ONE);
}

#[test]
fn lapsed_requests_can_be_expired_while_withdrawals_are_paused() {
    let mut suite = Suite::builder()
        .with_underwriters(&["alice"], 1_000 * ONE)
        .build();
    let (alice, governor, keeper) = (
        suite.addr("alice"),
        suite.governor.clone(),
        suite.addr("keeper"),
    );
    suite.deposit(&alice, Tranche::Junior, 1_000 * ONE).unwrap();
    let all_shares = suite.shares(Tranche::Junior, &alice);
    let id = suite
        .request_withdrawal(&alice, Tranche::Junior, 100 * ONE * S)
        .unwrap();
    suite.set_pause(&governor, None, Some(true)).unwrap();
    suite.advance(9 * DAY);
    suite.expire(&keeper, id).unwrap();
    assert_eq!(suite.shares(Tranche::Junior, &alice), all_shares);
    assert_eq!(
        suite.state().junior.pending_withdrawal_shares,
        Uint128::zero()
    );
}

// ----- AllocateReserve -----

#[test]
fn premium_into_an_empty_fund_fills_the_reserve() {
    let mut suite = Suite::builder().build();
    let engine = suite.engine.clone();
    suite.premium(&engine, 7 * ONE).unwrap();
    suite.premium(&engine, 3).unwrap();
    let state = suite.state();
    assert_eq!(state.reserve, Uint128::new(7 * ONE + 3));
    assert_eq!(state.junior.assets, Uint128::zero());
    assert_eq!(state.senior.assets, Uint128::zero());
    assert_eq!(state.total_assets, Uint128::new(7 * ONE + 3));
}

/// An allocation into a tranche is locked like premium and unlocks into its assets over
/// `premium_unlock_seconds` (docs/fund.md#premium).
#[test]
fn allocating_reserve_to_a_tranche_locks_exactly_the_amount_and_it_unlocks_into_the_price() {
    let mut suite = suite_with_reserve(50 * ONE);
    let before = suite.state();
    suite
        .allocate_reserve(20 * ONE, ReserveTarget::Tranche(Tranche::Junior))
        .unwrap();
    let after = suite.state();
    assert_eq!(after.reserve, Uint128::new(30 * ONE));
    assert_eq!(after.junior.assets, before.junior.assets);
    assert_eq!(
        after.junior.locked_premium,
        before.junior.locked_premium + Uint128::new(20 * ONE)
    );
    assert_eq!(after.junior.supply, before.junior.supply);
    assert_eq!(after.junior.price, before.junior.price);
    assert_eq!(after.senior, before.senior);
    assert_eq!(after.total_assets, before.total_assets);
    // Once unlocked, the holder's shares are worth the allocation more (less rounding in the
    // fund's favour).
    suite.unlock_premium();
    let state = suite.state();
    assert_eq!(
        state.junior.assets,
        before.junior.assets + before.junior.locked_premium + Uint128::new(20 * ONE)
    );
    assert!(state.junior.price > before.junior.price);
    let alice = suite.addr("alice");
    let value = suite.underwriter(&alice).junior.value.u128();
    assert!(
        (1_020 * ONE - 1..=1_020 * ONE).contains(&value),
        "value {value}"
    );
}

#[test]
fn allocating_reserve_to_an_address_sends_exactly_the_amount() {
    let mut suite = suite_with_reserve(50 * ONE);
    let treasury = suite.addr("treasury");
    let fund = suite.fund.clone();
    let (fund_before, state_before) = (suite.balance(&fund), suite.state());
    suite
        .allocate_reserve(12 * ONE + 345, ReserveTarget::Address(treasury.to_string()))
        .unwrap();
    assert_eq!(suite.balance(&treasury), 12 * ONE + 345);
    assert_eq!(suite.balance(&fund), fund_before - (12 * ONE + 345));
    let state = suite.state();
    assert_eq!(state.reserve, Uint128::new(50 * ONE - 12 * ONE - 345));
    assert_eq!(state.junior, state_before.junior);
    assert_eq!(state.senior, state_before.senior);
}

#[test]
fn allocating_the_whole_reserve_empties_it() {
    let mut suite = suite_with_reserve(50 * ONE);
    suite
        .allocate_reserve(50 * ONE, ReserveTarget::Tranche(Tranche::Junior))
        .unwrap();
    assert_eq!(suite.state().reserve, Uint128::zero());
    assert_eq!(
        suite
            .allocate_reserve(1, ReserveTarget::Tranche(Tranche::Junior))
            .unwrap_err(),
        ContractError::InsufficientReserve {
            reserve: Uint128::zero(),
            amount: Uint128::one(),
        }
    );
}

#[test]
fn allocating_more_than_the_reserve_is_refused() {
    let mut suite = suite_with_reserve(50 * ONE);
    let treasury = suite.addr("treasury");
    let before = suite.state();
    for target in [
        ReserveTarget::Tranche(Tranche::Junior),
        ReserveTarget::Address(treasury.to_string()),
    ] {
        for amount in [50 * ONE + 1, u128::MAX] {
            assert_eq!(
                suite.allocate_reserve(amount, target.clone()).unwrap_err(),
                ContractError::InsufficientReserve {
                    reserve: Uint128::new(50 * ONE),
                    amount: Uint128::new(amount),
                }
            );
        }
    }
    assert_eq!(suite.state(), before);
    assert_eq!(suite.balance(&treasury), 0);
}

#[test]
fn allocating_to_a_tranche_without_shares_is_refused() {
    let mut suite = suite_with_reserve(50 * ONE);
    let before = suite.state();
    assert_eq!(
        suite
            .allocate_reserve(ONE, ReserveTarget::Tranche(Tranche::Senior))
            .unwrap_err(),
        ContractError::EmptyTranche {
            tranche: Tranche::Senior
        }
    );
    assert_eq!(suite.state(), before);
}

#[test]
fn allocating_zero_is_refused() {
    let mut suite = suite_with_reserve(50 * ONE);
    let treasury = suite.addr("treasury");
    for target in [
        ReserveTarget::Tranche(Tranche::Junior),
        ReserveTarget::Address(treasury.to_string()),
    ] {
        assert_eq!(
            suite.allocate_reserve(0, target).unwrap_err(),
            ContractError::ZeroAmount
        );
    }
    assert_eq!(suite.state().reserve, Uint128::new(50 * ONE));
}

#[test]
fn non_governor_cannot_allocate_reserve() {
    let mut suite = suite_with_reserve(50 * ONE);
    let before = suite.state();
    let mallory = suite.addr("mallory");
    for who in [
        mallory.clone(),
        suite.guardian.clone(),
        suite.engine.clone(),
    ] {
        for target in [
            ReserveTarget::Tranche(Tranche::Junior),
            ReserveTarget::Address(mallory.to_string()),
        ] {
            assert_eq!(
                allocate_as(&mut suite, &who, ONE, target).unwrap_err(),
                not_owner()
            );
        }
    }
    assert_eq!(suite.state(), before);
    assert_eq!(suite.balance(&mallory), 0);
}

#[test]
fn allocating_to_a_bad_address_is_refused() {
    let mut suite = suite_with_reserve(50 * ONE);
    let before = suite.state();
    assert_eq!(
        suite
            .allocate_reserve(ONE, ReserveTarget::Address("treasury".to_string()))
            .unwrap_err(),
        ContractError::Std(StdError::generic_err("Error decoding bech32"))
    );
    assert_eq!(suite.state(), before);
}

/// The fund's own address is a valid bank recipient: the reserve shrinks while the coins stay,
/// turning booked reserve into an untracked surplus that `SweepDonations` then pays out. That
/// breaks invariant 1 of `docs/testing.md#invariants` ("the difference is exactly what was donated
/// outside its messages"); the Suite's invariant check fails inside the step ("fund balance must
/// equal its books plus donations").
#[test]
fn allocating_reserve_to_the_fund_itself_is_refused_or_keeps_conservation() {
    let mut suite = suite_with_reserve(50 * ONE);
    let fund = suite.fund.clone();
    let _ = suite.allocate_reserve(ONE, ReserveTarget::Address(fund.to_string()));
    suite.check_invariants();
    assert_eq!(suite.state().reserve, Uint128::new(50 * ONE));
}

// ----- SweepDonations -----

#[test]
fn sweep_with_nothing_donated_is_refused() {
    let mut suite = Suite::builder()
        .with_underwriters(&["alice", "bob"], 10_000 * ONE)
        .build();
    let treasury = suite.addr("treasury");
    assert_eq!(
        suite.sweep_donations(&treasury).unwrap_err(),
        ContractError::NothingToSweep
    );
    // Deposits, premium and reserve are books, not donations.
    let (alice, bob, engine) = (suite.addr("alice"), suite.addr("bob"), suite.engine.clone());
    suite.premium(&engine, 5 * ONE).unwrap();
    suite.deposit(&alice, Tranche::Junior, 1_000 * ONE).unwrap();
    suite.deposit(&bob, Tranche::Senior, 1_000 * ONE).unwrap();
    suite.premium(&engine, 5 * ONE).unwrap();
    assert_eq!(
        suite.sweep_donations(&treasury).unwrap_err(),
        ContractError::NothingToSweep
    );
    assert_eq!(suite.balance(&treasury), 0);
}

/// Built without sanity mode, with the invariants checked by hand after every step.
#[test]
fn sweep_sends_exactly_the_donations_and_leaves_prices_unchanged() {
    let mut suite = Suite::builder()
        .with_underwriters(&["alice", "bob", "donor"], 10_000 * ONE)
        .without_sanity()
        .build();
    let (alice, bob, donor, engine) = (
        suite.addr("alice"),
        suite.addr("bob"),
        suite.addr("donor"),
        suite.engine.clone(),
    );
    let treasury = suite.addr("treasury");
    suite.deposit(&alice, Tranche::Junior, 1_000 * ONE).unwrap();
    suite.deposit(&bob, Tranche::Senior, 3_000 * ONE).unwrap();
    suite.premium(&engine, 8 * ONE).unwrap();
    suite.check_invariants();
    let books = suite.state();

    suite.donate(&donor, 123 * ONE + 7);
    suite.check_invariants();
    assert_eq!(suite.state(), books, "a donation changes no price");
    assert_eq!(suite.preview_deposit(Tranche::Junior, ONE), {
        let before = &books.junior;
        ONE * (before.supply.u128() + 1_000) / (before.assets.u128() + 1)
    });

    suite.sweep_donations(&treasury).unwrap();
    suite.check_invariants();
    assert_eq!(suite.balance(&treasury), 123 * ONE + 7);
    assert_eq!(suite.state(), books, "a sweep changes no price");
    let fund = suite.fund.clone();
    assert_eq!(suite.balance(&fund), books.total_assets.u128());
    assert_eq!(
        suite.sweep_donations(&treasury).unwrap_err(),
        ContractError::NothingToSweep
    );
    assert_eq!(suite.state(), books);
}

/// The same journey in sanity mode: the Suite's own checks pass after the sweep.
#[test]
fn sweep_in_sanity_mode_passes_the_suite_invariants() {
    let mut suite = Suite::builder()
        .with_underwriters(&["alice", "donor"], 10_000 * ONE)
        .build();
    let (alice, donor, treasury) = (
        suite.addr("alice"),
        suite.addr("donor"),
        suite.addr("treasury"),
    );
    suite.deposit(&alice, Tranche::Junior, 1_000 * ONE).unwrap();
    suite.donate(&donor, 5 * ONE);
    suite.sweep_donations(&treasury).unwrap();
    assert_eq!(suite.balance(&treasury), 5 * ONE);
}

#[test]
fn non_governor_cannot_sweep() {
    let mut suite = Suite::builder()
        .with_underwriters(&["donor"], 100 * ONE)
        .build();
    let donor = suite.addr("donor");
    suite.donate(&donor, 10 * ONE);
    let mallory = suite.addr("mallory");
    for who in [
        mallory.clone(),
        suite.guardian.clone(),
        suite.engine.clone(),
        donor.clone(),
    ] {
        assert_eq!(
            sweep_as(&mut suite, &who, mallory.as_str()).unwrap_err(),
            not_owner()
        );
    }
    assert_eq!(suite.balance(&mallory), 0);
    let fund = suite.fund.clone();
    assert_eq!(suite.balance(&fund), 10 * ONE);
}

#[test]
fn sweep_to_a_bad_address_is_refused() {
    let mut suite = Suite::builder()
        .with_underwriters(&["donor"], 100 * ONE)
        .build();
    let (donor, governor) = (suite.addr("donor"), suite.governor.clone());
    suite.donate(&donor, 10 * ONE);
    assert_eq!(
        sweep_as(&mut suite, &governor, "treasury").unwrap_err(),
        ContractError::Std(StdError::generic_err("Error decoding bech32"))
    );
    let fund = suite.fund.clone();
    assert_eq!(suite.balance(&fund), 10 * ONE);
}

// ----- governorship transfer -----

fn transfer_to(new_owner: &Addr) -> ExecuteMsg {
    ExecuteMsg::UpdateOwnership(GovernorAction::TransferOwnership {
        new_owner: new_owner.to_string(),
        expiry: None,
    })
}

#[test]
fn two_step_transfer_moves_every_governor_right() {
    let mut suite = Suite::builder()
        .with_underwriters(&["alice"], 1_000 * ONE)
        .build();
    let (old, new) = (suite.governor.clone(), suite.addr("dao"));
    execute_as(&mut suite, &old, &transfer_to(&new)).unwrap();
    let pending = ownership(&suite);
    assert_eq!(pending.owner, Some(old.clone()));
    assert_eq!(pending.pending_owner, Some(new.clone()));

    // Until accepted, the old governor governs and the new one does not.
    let weight = |w| FundParamsUpdate {
        junior_weight: Some(w),
        ..Default::default()
    };
    assert_eq!(
        update_params_as(&mut suite, &new, weight(5)).unwrap_err(),
        not_owner()
    );
    update_params_as(&mut suite, &old, weight(4)).unwrap();

    execute_as(
        &mut suite,
        &new,
        &ExecuteMsg::UpdateOwnership(GovernorAction::AcceptOwnership),
    )
    .unwrap();
    assert_eq!(
        ownership(&suite),
        cw_ownable::Ownership {
            owner: Some(new.clone()),
            pending_owner: None,
            pending_expiry: None,
        }
    );

    // The old governor lost every right.
    let config: ConfigResponse = suite.config();
    assert_eq!(
        update_params_as(&mut suite, &old, weight(6)).unwrap_err(),
        not_owner()
    );
    assert_eq!(
        suite
            .update_config(&old, None, None, Some(true))
            .unwrap_err(),
        not_owner()
    );
    assert_eq!(
        suite.set_pause(&old, Some(true), None).unwrap_err(),
        ContractError::NotGovernorOrGuardian
    );
    assert_eq!(
        allocate_as(&mut suite, &old, 1, ReserveTarget::Tranche(Tranche::Junior)).unwrap_err(),
        not_owner()
    );
    assert_eq!(
        sweep_as(&mut suite, &old, old.as_str()).unwrap_err(),
        not_owner()
    );
    assert_eq!(
        execute_as(&mut suite, &old, &transfer_to(&old)).unwrap_err(),
        not_owner()
    );
    assert_eq!(suite.config(), config);

    // The new governor has them.
    update_params_as(&mut suite, &new, weight(6)).unwrap();
    assert_eq!(suite.config().params.junior_weight, 6);
    suite.set_pause(&new, Some(true), Some(true)).unwrap();
    suite.set_pause(&new, Some(false), Some(false)).unwrap();
    assert_eq!(pause(&suite), PauseFlags::default());
    suite.update_config(&new, None, None, Some(true)).unwrap();
    assert_eq!(suite.config().guardian, None);
}

#[test]
fn third_party_cannot_accept_a_pending_transfer() {
    let mut suite = Suite::builder().build();
    let (governor, dao, mallory) = (
        suite.governor.clone(),
        suite.addr("dao"),
        suite.addr("mallory"),
    );
    execute_as(&mut suite, &governor, &transfer_to(&dao)).unwrap();
    let accept = ExecuteMsg::UpdateOwnership(GovernorAction::AcceptOwnership);
    for who in [mallory, suite.guardian.clone(), governor.clone()] {
        assert_eq!(
            execute_as(&mut suite, &who, &accept).unwrap_err(),
            ContractError::Ownership(OwnershipError::NotPendingOwner),
            "{who}"
        );
    }
    let still = ownership(&suite);
    assert_eq!(still.owner, Some(governor));
    assert_eq!(still.pending_owner, Some(dao));
}

#[test]
fn accept_without_a_pending_transfer_is_refused() {
    let mut suite = Suite::builder().build();
    let dao = suite.addr("dao");
    assert_eq!(
        execute_as(
            &mut suite,
            &dao,
            &ExecuteMsg::UpdateOwnership(GovernorAction::AcceptOwnership)
        )
        .unwrap_err(),
        ContractError::Ownership(OwnershipError::TransferNotFound)
    );
}

#[test]
fn non_governor_cannot_start_a_transfer() {
    let mut suite = Suite::builder().build();
    let mallory = suite.addr("mallory");
    for who in [mallory.clone(), suite.guardian.clone()] {
        assert_eq!(
            execute_as(&mut suite, &who, &transfer_to(&mallory)).unwrap_err(),
            not_owner()
        );
    }
    assert_eq!(ownership(&suite).pending_owner, None);
}

#[test]
fn transfer_to_a_bad_address_is_refused() {
    let mut suite = Suite::builder().build();
    let governor = suite.governor.clone();
    let err = execute_as(
        &mut suite,
        &governor,
        &ExecuteMsg::UpdateOwnership(GovernorAction::TransferOwnership {
            new_owner: "dao".to_string(),
            expiry: None,
        }),
    )
    .unwrap_err();
    assert_eq!(
        err,
        ContractError::Ownership(OwnershipError::Std(StdError::generic_err(
            "Error decoding bech32"
        )))
    );
    assert_eq!(ownership(&suite).pending_owner, None);
}

#[test]
fn ownership_update_with_funds_is_refused() {
    let mut suite = Suite::builder().build();
    let (governor, dao) = (suite.governor.clone(), suite.addr("dao"));
    suite.mint(&governor, ONE);
    assert_eq!(
        suite
            .execute_fund(&governor, &transfer_to(&dao), &coins(ONE, DENOM))
            .unwrap_err(),
        ContractError::Payment(PaymentError::NonPayable {})
    );
    assert_eq!(ownership(&suite).pending_owner, None);
    assert_eq!(suite.balance(&governor), ONE);
}

/// The fund always has a governor: cw-ownable's `renounce_ownership` is refused with the typed
/// `RenounceNotOffered`, and the governor keeps every right.
#[test]
fn governorship_cannot_be_renounced() {
    let mut suite = Suite::builder().build();
    let governor = suite.governor.clone();
    let err = suite
        .execute_fund_json(
            &governor,
            &serde_json::json!({"update_ownership": "renounce_ownership"}),
            &[],
        )
        .unwrap_err();
    assert_eq!(err, ContractError::RenounceNotOffered);
    assert_eq!(ownership(&suite).owner, Some(governor.clone()));
    suite
        .update_params(FundParamsUpdate {
            junior_weight: Some(5),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(suite.config().params.junior_weight, 5);
}

#[test]
fn reserve_into_senior_is_refused_when_it_breaks_subordination() {
    let mut suite = Suite::builder()
        .with_underwriters(&["alice", "bob"], 1_000_000 * ONE)
        .build();
    let (alice, bob, engine) = (suite.addr("alice"), suite.addr("bob"), suite.engine.clone());
    // A premium into the empty fund becomes reserve.
    suite.premium(&engine, 1_000 * ONE).unwrap();
    suite.deposit(&alice, Tranche::Junior, 1_000 * ONE).unwrap();
    // 1,000 / (1,000 + 4,000) = 20%: exactly the minimum.
    suite.deposit(&bob, Tranche::Senior, 4_000 * ONE).unwrap();
    assert!(matches!(
        suite
            .deposit(&bob, Tranche::Senior, 1_000 * ONE)
            .unwrap_err(),
        ContractError::SubordinationBreach { .. }
    ));
    let before = suite.state();
    // Moving 1,000 of reserve into senior would leave 1,000 / 6,000 = 16.7%.
    assert_eq!(
        suite
            .allocate_reserve(1_000 * ONE, ReserveTarget::Tranche(Tranche::Senior))
            .unwrap_err(),
        ContractError::SubordinationBreach {
            junior_ratio: Decimal::from_ratio(1u128, 6u128),
            min: Decimal::percent(20),
        }
    );
    assert_eq!(suite.state(), before);
    // Into junior it raises the ratio and is accepted; then senior has room again.
    suite
        .allocate_reserve(500 * ONE, ReserveTarget::Tranche(Tranche::Junior))
        .unwrap();
    suite
        .allocate_reserve(500 * ONE, ReserveTarget::Tranche(Tranche::Senior))
        .unwrap();
    assert!(suite.state().reserve.is_zero());
}

#[test]
fn sweep_of_another_denom_sends_it_whole_and_leaves_the_books() {
    use cw_multi_test::{BankSudo, SudoMsg};
    let mut suite = Suite::builder()
        .with_underwriters(&["alice", "donor"], 10_000 * ONE)
        .build();
    let (alice, donor, treasury, governor) = (
        suite.addr("alice"),
        suite.addr("donor"),
        suite.addr("treasury"),
        suite.governor.clone(),
    );
    suite.deposit(&alice, Tranche::Junior, 1_000 * ONE).unwrap();
    suite.donate(&donor, 5 * ONE);
    let fund = suite.fund.clone();
    suite
        .app
        .sudo(SudoMsg::Bank(BankSudo::Mint {
            to_address: fund.to_string(),
            amount: coins(777, "uatom"),
        }))
        .unwrap();
    let books = suite.state();
    let sweep = |suite: &mut Suite, denom: &str| {
        suite.execute_fund(
            &governor,
            &ExecuteMsg::SweepDonations {
                recipient: treasury.to_string(),
                denom: Some(denom.to_string()),
            },
            &[],
        )
    };
    sweep(&mut suite, "uatom").unwrap();
    let atom =
        |suite: &Suite, who: &Addr| suite.app.wrap().query_balance(who, "uatom").unwrap().amount;
    assert_eq!(atom(&suite, &treasury), Uint128::new(777));
    assert!(atom(&suite, &fund).is_zero());
    // The collateral donation is untouched until swept in its own denom.
    assert_eq!(suite.balance(&fund), books.total_assets.u128() + 5 * ONE);
    assert_eq!(suite.state(), books);
    assert_eq!(
        sweep(&mut suite, "uatom").unwrap_err(),
        ContractError::NothingToSweep
    );
    assert_eq!(
        sweep(&mut suite, "u").unwrap_err(),
        ContractError::InvalidSweepDenom {
            denom: "u".to_string()
        }
    );
    suite.sweep_donations(&treasury).unwrap();
    assert_eq!(suite.balance(&treasury), 5 * ONE);
    assert_eq!(suite.state(), books);
}
