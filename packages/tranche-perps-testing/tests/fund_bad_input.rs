//! `docs/testing.md#bad-input` for every execute message of the fund: unauthorized senders,
//! missing, wrong, several and extra funds, zero and `u128::MAX` amounts, bad addresses, the paused
//! state, unknown JSON fields, and cw20 `Receive` from tokens other than the share tokens. Each
//! case asserts the exact error and that neither the fund nor any balance changed.
//!
//! Not applicable to the fund: a stale price (the fund reads no oracle).

use cosmwasm_std::testing::{message_info, mock_dependencies, mock_env};
use cosmwasm_std::{
    coin, coins, to_json_binary, Addr, Binary, CheckedMultiplyRatioError, Coin, StdError, Uint128,
    Uint256,
};
use cw20::{Cw20Coin, Cw20ExecuteMsg};
use cw_multi_test::Executor;
use cw_ownable::OwnershipError;
use cw_utils::PaymentError;
use insurance_fund::ContractError;
use serde_json::json;
use tranche_perps_testing::checks::{assert_refused, assert_unchanged};
use tranche_perps_testing::{into_contract_error, Suite, SuiteResult, DENOM, ONE};
use tranche_perps_types::fund::{
    ConfigResponse, CoverageResponse, Cw20Receive, ExecuteMsg, FundParamsUpdate, FundStateResponse,
    GovernorAction, InstantiateMsg, LossRecord, QueryMsg, ReceiveMsg, ReserveTarget,
    ShareTokenInfo, Tranche, WithdrawalRequestResponse,
};

/// Share units per collateral base unit at a tranche's first-deposit price.
const S: u128 = 1_000;
const ATOM: &str = "uatom";
const OSMO: &str = "uosmo";
/// Id of alice's pending junior request in [`funded`].
const REQUEST: u64 = 1;

// ----- what must not change -----

#[derive(Debug, PartialEq)]
struct Snapshot {
    config: ConfigResponse,
    state: FundStateResponse,
    ownership: cw_ownable::Ownership<Addr>,
    requests: Vec<WithdrawalRequestResponse>,
    ledger: Vec<LossRecord>,
    /// (address, collateral, uatom, uosmo, junior shares, senior shares)
    balances: Vec<(Addr, u128, u128, u128, u128, u128)>,
}

fn watched(suite: &Suite) -> Vec<Addr> {
    vec![
        suite.addr("alice"),
        suite.addr("bob"),
        suite.addr("mallory"),
        suite.addr("treasury"),
        suite.engine.clone(),
        suite.governor.clone(),
        suite.guardian.clone(),
        suite.fund.clone(),
        suite.junior_token.clone(),
        suite.senior_token.clone(),
    ]
}

fn snapshot(suite: &Suite) -> Snapshot {
    let bank = |who: &Addr, denom: &str| {
        suite
            .app
            .wrap()
            .query_balance(who, denom)
            .unwrap()
            .amount
            .u128()
    };
    let balances = watched(suite)
        .into_iter()
        .map(|who| {
            (
                who.clone(),
                bank(&who, DENOM),
                bank(&who, ATOM),
                bank(&who, OSMO),
                suite.shares(Tranche::Junior, &who),
                suite.shares(Tranche::Senior, &who),
            )
        })
        .collect();
    Snapshot {
        config: suite.config(),
        state: suite.state(),
        ownership: suite.try_query(&QueryMsg::Ownership {}).unwrap(),
        requests: suite.requests(&suite.addr("alice"), None, Some(30)),
        ledger: suite.loss_ledger(None, Some(30)),
        balances,
    }
}

/// Runs `step`, which must fail with exactly `expected` and change nothing.
fn refused(
    suite: &mut Suite,
    expected: ContractError,
    step: impl FnOnce(&mut Suite) -> SuiteResult,
) {
    assert_refused(suite, snapshot, expected, step);
}

/// Runs `step`, which must fail with a serde parse error whose text holds `needle`, and change
/// nothing. Messages that do not parse never reach the fund's code, so the error is the one the
/// wasm runtime reports, not a `ContractError` variant.
fn refused_unparsed(suite: &mut Suite, needle: &str, step: impl FnOnce(&mut Suite) -> SuiteResult) {
    match assert_unchanged(suite, snapshot, step) {
        ContractError::Std(StdError::GenericErr { msg, .. }) => {
            assert!(msg.contains(needle), "{needle:?} not in {msg}")
        }
        other => panic!("expected a parse error, got {other:?}"),
    }
}

// ----- setup -----

/// Reserve 5, alice 1000 in junior with request 1 pending, bob 1000 in senior; everyone who
/// sends a message holds collateral and two other denoms.
fn funded() -> Suite {
    funded_with(true)
}

fn funded_with(sanity: bool) -> Suite {
    let builder = Suite::builder().with_underwriters(&["alice", "bob", "mallory"], 10_000 * ONE);
    let mut suite = if sanity {
        builder
    } else {
        builder.without_sanity()
    }
    .build();
    let (alice, bob, engine) = (suite.addr("alice"), suite.addr("bob"), suite.engine.clone());
    suite.premium(&engine, 5 * ONE).unwrap();
    suite.deposit(&alice, Tranche::Junior, 1_000 * ONE).unwrap();
    suite.deposit(&bob, Tranche::Senior, 1_000 * ONE).unwrap();
    let id = suite
        .request_withdrawal(&alice, Tranche::Junior, 10 * ONE * S)
        .unwrap();
    assert_eq!(id, REQUEST);
    for who in watched(&suite) {
        if who != suite.fund {
            suite.mint_coins(
                &who,
                vec![coin(ONE, ATOM), coin(ONE, OSMO), coin(ONE, DENOM)],
            );
        }
    }
    suite
}

fn hook(msg: &ReceiveMsg) -> Binary {
    to_json_binary(msg).unwrap()
}

fn receive(sender: &Addr, amount: u128) -> ExecuteMsg {
    ExecuteMsg::Receive(Cw20Receive {
        sender: sender.to_string(),
        amount: Uint128::new(amount),
        msg: hook(&ReceiveMsg::RequestWithdrawal {}),
    })
}

/// Every execute message that takes no funds, each with a sender allowed to send it.
fn nonpayable_messages(suite: &Suite) -> Vec<(&'static str, Addr, ExecuteMsg)> {
    let (alice, mallory, engine, governor) = (
        suite.addr("alice"),
        suite.addr("mallory"),
        suite.engine.clone(),
        suite.governor.clone(),
    );
    vec![
        ("receive", suite.junior_token.clone(), receive(&alice, ONE)),
        (
            "claim_withdrawal",
            alice.clone(),
            ExecuteMsg::ClaimWithdrawal {
                request_id: REQUEST,
            },
        ),
        (
            "cancel_withdrawal",
            alice,
            ExecuteMsg::CancelWithdrawal {
                request_id: REQUEST,
            },
        ),
        (
            "expire_withdrawal",
            mallory,
            ExecuteMsg::ExpireWithdrawal {
                request_id: REQUEST,
            },
        ),
        (
            "cover_shortfall",
            engine.clone(),
            ExecuteMsg::CoverShortfall {
                shortfall_id: 1,
                amount: Uint128::new(ONE),
            },
        ),
        (
            "report_open_interest",
            engine,
            ExecuteMsg::ReportOpenInterest {
                notional: Uint128::new(ONE),
            },
        ),
        (
            "update_params",
            governor.clone(),
            ExecuteMsg::UpdateParams(FundParamsUpdate::default()),
        ),
        (
            "update_config",
            governor.clone(),
            ExecuteMsg::UpdateConfig {
                engine: None,
                guardian: None,
                remove_guardian: None,
            },
        ),
        (
            "set_pause",
            governor.clone(),
            ExecuteMsg::SetPause {
                deposits: None,
                withdrawals: None,
            },
        ),
        (
            "allocate_reserve",
            governor.clone(),
            ExecuteMsg::AllocateReserve {
                amount: Uint128::new(ONE),
                target: ReserveTarget::Tranche(Tranche::Junior),
            },
        ),
        (
            "sweep_donations",
            governor.clone(),
            ExecuteMsg::SweepDonations {
                recipient: suite.addr("treasury").to_string(),
                denom: None,
            },
        ),
        (
            "update_ownership",
            governor,
            ExecuteMsg::UpdateOwnership(GovernorAction::TransferOwnership {
                new_owner: suite.addr("dao").to_string(),
                expiry: None,
            }),
        ),
    ]
}

/// The two execute messages that take the collateral, each with a sender.
fn payable_messages(suite: &Suite) -> Vec<(Addr, ExecuteMsg)> {
    let alice = suite.addr("alice");
    vec![
        (
            alice.clone(),
            ExecuteMsg::Deposit {
                tranche: Tranche::Junior,
                min_shares: None,
            },
        ),
        (
            alice,
            ExecuteMsg::Deposit {
                tranche: Tranche::Senior,
                min_shares: None,
            },
        ),
        (suite.engine.clone(), ExecuteMsg::DepositPremium {}),
    ]
}

// ----- funds -----

#[test]
fn payable_messages_without_funds_fail_with_no_funds() {
    let mut suite = funded();
    for (sender, msg) in payable_messages(&suite) {
        refused(
            &mut suite,
            ContractError::Payment(PaymentError::NoFunds {}),
            |s| s.execute_fund(&sender, &msg, &[]),
        );
    }
}

#[test]
fn payable_messages_with_the_wrong_denom_fail_with_missing_denom() {
    let mut suite = funded();
    for (sender, msg) in payable_messages(&suite) {
        refused(
            &mut suite,
            ContractError::Payment(PaymentError::MissingDenom(DENOM.to_string())),
            |s| s.execute_fund(&sender, &msg, &coins(ONE, ATOM)),
        );
    }
}

#[test]
fn payable_messages_with_several_denoms_fail_with_multiple_denoms() {
    let mut suite = funded();
    for (sender, msg) in payable_messages(&suite) {
        refused(
            &mut suite,
            ContractError::Payment(PaymentError::MultipleDenoms {}),
            |s| s.execute_fund(&sender, &msg, &[coin(ONE, ATOM), coin(ONE, OSMO)]),
        );
    }
}

#[test]
fn payable_messages_with_collateral_plus_another_coin_fail_with_multiple_denoms() {
    let mut suite = funded();
    for (sender, msg) in payable_messages(&suite) {
        refused(
            &mut suite,
            ContractError::Payment(PaymentError::MultipleDenoms {}),
            |s| s.execute_fund(&sender, &msg, &[coin(ONE, ATOM), coin(ONE, DENOM)]),
        );
    }
}

#[test]
fn nonpayable_messages_with_any_funds_fail_with_non_payable() {
    let mut suite = funded();
    let fund_sets = [
        coins(ONE, DENOM),
        coins(1, ATOM),
        vec![coin(1, ATOM), coin(1, OSMO)],
        vec![coin(1, ATOM), coin(ONE, DENOM)],
    ];
    for (name, sender, msg) in nonpayable_messages(&suite) {
        for funds in &fund_sets {
            let before = snapshot(&suite);
            let err = suite.execute_fund(&sender, &msg, funds).unwrap_err();
            assert_eq!(
                err,
                ContractError::Payment(PaymentError::NonPayable {}),
                "{name} with {funds:?}"
            );
            assert_eq!(
                snapshot(&suite),
                before,
                "{name} with {funds:?} changed something"
            );
        }
    }
}

#[test]
fn a_zero_coin_is_refused_by_the_bank_before_the_fund_runs() {
    let mut suite = funded();
    for (sender, msg) in payable_messages(&suite) {
        // The chain refuses a zero coin itself; the text is the bank module's, not the fund's.
        refused_unparsed(&mut suite, "Cannot transfer empty coins amount", |s| {
            s.execute_fund(&sender, &msg, &coins(0, DENOM))
        });
    }
}

#[test]
fn the_fund_itself_treats_a_zero_coin_as_no_funds() {
    // Called without a chain, so the zero coin reaches the fund's own payment check.
    let mut deps = mock_dependencies();
    let api = deps.api;
    let (creator, alice) = (api.addr_make("creator"), api.addr_make("alice"));
    let token = |symbol: &str| ShareTokenInfo {
        name: format!("{symbol} share"),
        symbol: symbol.to_string(),
        marketing: None,
    };
    insurance_fund::contract::instantiate(
        deps.as_mut(),
        mock_env(),
        message_info(&creator, &[]),
        InstantiateMsg {
            governor: api.addr_make("governor").to_string(),
            guardian: None,
            engine: None,
            collateral_denom: DENOM.to_string(),
            collateral_decimals: 6,
            share_token_code_id: 1,
            junior_token: token("JNR"),
            senior_token: token("SNR"),
            token_admin: None,
            params: None,
        },
    )
    .unwrap();
    for msg in [
        ExecuteMsg::Deposit {
            tranche: Tranche::Junior,
            min_shares: None,
        },
        ExecuteMsg::DepositPremium {},
    ] {
        for (funds, expected) in [
            (coins(0, DENOM), PaymentError::NoFunds {}),
            (
                vec![coin(0, DENOM), coin(5, ATOM)],
                PaymentError::MultipleDenoms {},
            ),
        ] {
            let err = insurance_fund::contract::execute(
                deps.as_mut(),
                mock_env(),
                message_info(&alice, &funds),
                msg.clone(),
            )
            .unwrap_err();
            assert_eq!(
                err,
                ContractError::Payment(expected),
                "{msg:?} with {funds:?}"
            );
        }
    }
}

// ----- unauthorized senders -----

#[test]
fn engine_messages_from_anyone_else_fail_with_not_engine() {
    let mut suite = funded();
    let strangers = [
        suite.addr("mallory"),
        suite.governor.clone(),
        suite.guardian.clone(),
        suite.addr("alice"),
    ];
    for who in strangers {
        refused(&mut suite, ContractError::NotEngine, |s| {
            s.execute_fund(
                &who,
                &ExecuteMsg::CoverShortfall {
                    shortfall_id: 7,
                    amount: Uint128::new(ONE),
                },
                &[],
            )
        });
        refused(&mut suite, ContractError::NotEngine, |s| {
            s.execute_fund(
                &who,
                &ExecuteMsg::ReportOpenInterest {
                    notional: Uint128::new(ONE),
                },
                &[],
            )
        });
    }
}

#[test]
fn without_an_engine_nobody_can_claim_a_shortfall() {
    let mut suite = Suite::builder().without_engine().build();
    let engine = suite.engine.clone();
    refused(&mut suite, ContractError::NotEngine, |s| {
        s.execute_fund(
            &engine,
            &ExecuteMsg::CoverShortfall {
                shortfall_id: 1,
                amount: Uint128::new(1),
            },
            &[],
        )
    });
    refused(&mut suite, ContractError::NotEngine, |s| {
        s.execute_fund(
            &engine,
            &ExecuteMsg::ReportOpenInterest {
                notional: Uint128::new(1),
            },
            &[],
        )
    });
}

#[test]
fn someone_elses_request_cannot_be_claimed_or_cancelled() {
    let mut suite = funded();
    suite.advance(7 * 86_400);
    for who in [
        suite.addr("mallory"),
        suite.addr("bob"),
        suite.governor.clone(),
    ] {
        refused(
            &mut suite,
            ContractError::NotRequestOwner { id: REQUEST },
            |s| s.claim(&who, REQUEST),
        );
        refused(
            &mut suite,
            ContractError::NotRequestOwner { id: REQUEST },
            |s| s.cancel(&who, REQUEST),
        );
    }
}

#[test]
fn a_request_in_its_claim_window_cannot_be_expired() {
    let mut suite = funded();
    let deadline = suite.request(REQUEST).claim_deadline.seconds();
    let mallory = suite.addr("mallory");
    refused(
        &mut suite,
        ContractError::RequestNotLapsed {
            id: REQUEST,
            claim_deadline: deadline,
        },
        |s| s.expire(&mallory, REQUEST),
    );
}

#[test]
fn governor_messages_from_anyone_else_are_refused() {
    let mut suite = funded();
    let mallory = suite.addr("mallory");
    for (name, _, msg) in nonpayable_messages(&suite) {
        let expected = match &msg {
            ExecuteMsg::UpdateParams(_)
            | ExecuteMsg::UpdateConfig { .. }
            | ExecuteMsg::AllocateReserve { .. }
            | ExecuteMsg::SweepDonations { .. }
            | ExecuteMsg::UpdateOwnership(_) => ContractError::Ownership(OwnershipError::NotOwner),
            ExecuteMsg::SetPause { .. } => ContractError::NotGovernorOrGuardian,
            _ => continue,
        };
        let before = snapshot(&suite);
        assert_eq!(
            suite.execute_fund(&mallory, &msg, &[]).unwrap_err(),
            expected,
            "{name}"
        );
        assert_eq!(snapshot(&suite), before, "{name}");
    }
}

#[test]
fn receive_from_a_stranger_address_fails_with_unknown_token() {
    let mut suite = funded();
    let (alice, mallory) = (suite.addr("alice"), suite.addr("mallory"));
    refused(
        &mut suite,
        ContractError::UnknownToken {
            token: mallory.to_string(),
        },
        |s| s.execute_fund(&mallory, &receive(&alice, ONE), &[]),
    );
}

#[test]
fn cw20_send_from_an_unknown_token_fails_with_unknown_token() {
    let mut suite = funded();
    let mallory = suite.addr("mallory");
    // A cw20-base token that copies the junior share's name and symbol.
    let fake = suite
        .app
        .instantiate_contract(
            suite.cw20_code_id,
            mallory.clone(),
            &cw20_base::msg::InstantiateMsg {
                name: "Insurance Junior Share".to_string(),
                symbol: "ijUSDC".to_string(),
                decimals: 9,
                initial_balances: vec![Cw20Coin {
                    address: mallory.to_string(),
                    amount: Uint128::new(1_000 * ONE * S),
                }],
                mint: None,
                marketing: None,
            },
            &[],
            "fake junior share",
            None,
        )
        .unwrap();
    let fake_balance = |suite: &Suite, who: &Addr| -> u128 {
        let res: cw20::BalanceResponse = suite
            .app
            .wrap()
            .query_wasm_smart(
                &fake,
                &cw20::Cw20QueryMsg::Balance {
                    address: who.to_string(),
                },
            )
            .unwrap();
        res.balance.u128()
    };
    let fund = suite.fund.clone();
    refused(
        &mut suite,
        ContractError::UnknownToken {
            token: fake.to_string(),
        },
        |s| {
            s.send_shares(
                &mallory,
                &fake,
                100 * ONE * S,
                &ReceiveMsg::RequestWithdrawal {},
            )
        },
    );
    assert_eq!(fake_balance(&suite, &mallory), 1_000 * ONE * S);
    assert_eq!(fake_balance(&suite, &fund), 0);
}

#[test]
fn the_calling_share_token_decides_the_tranche_of_a_request() {
    // The tranche comes from the token that calls, never from the message: senior shares sent
    // to the fund open a senior request.
    let mut suite = funded();
    let bob = suite.addr("bob");
    let id = suite
        .request_withdrawal(&bob, Tranche::Senior, 10 * ONE * S)
        .unwrap();
    assert_eq!(suite.request(id).tranche, Tranche::Senior);
    assert_eq!(
        suite.state().senior.pending_withdrawal_shares,
        Uint128::new(10 * ONE * S)
    );
    assert_eq!(
        suite.state().junior.pending_withdrawal_shares,
        Uint128::new(10 * ONE * S),
        "junior keeps only alice's request"
    );
}

// ----- zero and u128::MAX amounts -----

#[test]
fn zero_amounts_fail_with_zero_amount() {
    let mut suite = funded();
    let alice = suite.addr("alice");
    refused(&mut suite, ContractError::ZeroAmount, |s| {
        s.cover_shortfall(9, 0).map(|_| Default::default())
    });
    refused(&mut suite, ContractError::ZeroAmount, |s| {
        s.allocate_reserve(0, ReserveTarget::Tranche(Tranche::Junior))
    });
    // A real cw20 `Send` of zero shares (cw20-base 2.0 lets it through) and a direct `Receive`.
    for tranche in Tranche::ALL {
        let token = suite.token(tranche).clone();
        refused(&mut suite, ContractError::ZeroAmount, |s| {
            s.send_shares(&alice, &token, 0, &ReceiveMsg::RequestWithdrawal {})
        });
        refused(&mut suite, ContractError::ZeroAmount, |s| {
            s.execute_fund(&token, &receive(&alice, 0), &[])
        });
    }
    // Zero open interest is a valid report (no positions).
    suite.report_open_interest(0).unwrap();
    assert_eq!(suite.state().coverage.target, Uint256::zero());
}

#[test]
fn depositing_u128_max_fails_with_a_typed_overflow() {
    let mut suite = Suite::builder().build();
    let whale = suite.addr("whale");
    suite.mint(&whale, u128::MAX);
    for tranche in Tranche::ALL {
        let before = snapshot(&suite);
        assert_eq!(
            suite.deposit(&whale, tranche, u128::MAX).unwrap_err(),
            ContractError::MultiplyRatio(CheckedMultiplyRatioError::Overflow)
        );
        assert_eq!(snapshot(&suite), before);
        assert_eq!(suite.balance(&whale), u128::MAX);
    }
}

#[test]
fn min_shares_of_u128_max_fails_with_slippage() {
    let mut suite = funded();
    let alice = suite.addr("alice");
    let shares = Uint128::new(suite.preview_deposit(Tranche::Junior, ONE));
    refused(
        &mut suite,
        ContractError::SlippageExceeded {
            shares,
            min_shares: Uint128::MAX,
        },
        |s| s.deposit_min(&alice, Tranche::Junior, ONE, Some(u128::MAX)),
    );
}

#[test]
fn premium_of_u128_max_into_an_empty_fund_is_all_reserve() {
    let mut suite = Suite::builder().build();
    let whale = suite.addr("whale");
    suite.mint(&whale, u128::MAX);
    suite.premium(&whale, u128::MAX).unwrap();
    let state = suite.state();
    assert_eq!(state.reserve, Uint128::MAX);
    assert_eq!(state.total_assets, Uint128::MAX);
    assert_eq!(suite.balance(&whale), 0);
}

#[test]
fn shortfall_of_u128_max_pays_only_the_cap_and_reports_the_rest_unpaid() {
    let mut suite = funded();
    let engine = suite.engine.clone();
    let before = suite.state();
    let engine_before = suite.balance(&engine);
    let res = suite.cover_shortfall(42, u128::MAX).unwrap();
    // Cap: 50% of the 2005 units of assets at the window's start.
    let cap = before.total_assets.u128() / 2;
    assert_eq!(res.paid, Uint128::new(cap));
    assert_eq!(res.unpaid, Uint128::new(u128::MAX - cap));
    assert_eq!(suite.balance(&engine), engine_before + cap);
    let loss = suite.loss(42);
    assert_eq!(loss.asked, Uint128::MAX);
    assert_eq!(loss.paid_by_reserve, Uint128::new(5 * ONE));
    assert_eq!(loss.paid_by_junior, Uint128::new(cap - 5 * ONE));
    assert_eq!(loss.paid_by_senior, Uint128::zero());
}

#[test]
fn open_interest_of_u128_max_sets_a_ceiling_target() {
    let mut suite = funded();
    suite.report_open_interest(u128::MAX).unwrap();
    let coverage = suite.state().coverage;
    assert_eq!(coverage.open_interest_notional, Uint128::MAX);
    // ceil(MAX * 1000 / 10000)
    assert_eq!(coverage.target, Uint256::from(u128::MAX / 10 + 1));
}

/// An engine may report any notional and the governor may set any target in range, but the
/// target `ceil(bps * notional / 10000)` is computed in 128 bits: with 20000 bps and a notional
/// above `u128::MAX / 2` it overflows, and from then on the `State` and `Coverage` queries fail
/// (`ConversionOverflow`) until the engine reports a smaller figure.
#[test]
fn state_and_coverage_queries_survive_the_largest_target() {
    let mut suite = Suite::builder().without_sanity().build();
    let accepted_report = suite.report_open_interest(u128::MAX).is_ok();
    let accepted_update = suite
        .update_params(FundParamsUpdate {
            target_coverage_bps: Some(20_000),
            ..Default::default()
        })
        .is_ok();
    // Either one of the two is refused, or the queries keep answering.
    if accepted_report && accepted_update {
        let coverage = suite.try_query::<CoverageResponse>(&QueryMsg::Coverage {
            open_interest: None,
        });
        assert!(coverage.is_ok(), "Coverage query: {coverage:?}");
        let state = suite.try_query::<FundStateResponse>(&QueryMsg::State {});
        assert!(state.is_ok(), "State query: {state:?}");
    }
}

/// `coverage_ratio = total_assets / target` is a `Decimal`, which ends near 3.4e20: a fund of
/// more than that many base units against a target of 1 (one unit of open interest) makes the
/// `State` and `Coverage` queries fail. With an 18- or 15-decimal collateral that is only a few
/// hundred thousand coins.
#[test]
fn state_and_coverage_queries_survive_a_large_fund_against_a_tiny_target() {
    let mut suite = Suite::builder().without_sanity().build();
    let whale = suite.addr("whale");
    let big = 400_000_000_000_000_000_000u128; // 4e20 base units
    suite.mint(&whale, big);
    suite.deposit(&whale, Tranche::Junior, big).unwrap();
    suite.report_open_interest(1).unwrap();
    let coverage = suite.try_query::<CoverageResponse>(&QueryMsg::Coverage {
        open_interest: None,
    });
    assert!(coverage.is_ok(), "Coverage query: {coverage:?}");
    let state = suite.try_query::<FundStateResponse>(&QueryMsg::State {});
    assert!(state.is_ok(), "State query: {state:?}");
}

#[test]
fn sending_more_shares_than_held_fails_in_the_share_token() {
    let mut suite = funded();
    let alice = suite.addr("alice");
    for amount in [u128::MAX, suite.shares(Tranche::Junior, &alice) + 1] {
        let before = snapshot(&suite);
        let token = suite.junior_token.clone();
        let err = suite
            .app
            .execute_contract(
                alice.clone(),
                token,
                &Cw20ExecuteMsg::Send {
                    contract: suite.fund.to_string(),
                    amount: Uint128::new(amount),
                    msg: hook(&ReceiveMsg::RequestWithdrawal {}),
                },
                &[],
            )
            .unwrap_err();
        // cw20-base (inside the share token) refuses the transfer before the fund is called.
        assert!(
            matches!(
                err.downcast_ref::<share_token::ContractError>(),
                Some(share_token::ContractError::Base(
                    cw20_base::ContractError::Std(StdError::Overflow { .. })
                ))
            ),
            "{err:?}"
        );
        assert_eq!(snapshot(&suite), before);
        suite.check_invariants();
    }
}

#[test]
fn unknown_request_ids_fail_with_request_not_found() {
    let mut suite = funded();
    let alice = suite.addr("alice");
    for id in [0, 2, u64::MAX] {
        refused(&mut suite, ContractError::RequestNotFound { id }, |s| {
            s.claim(&alice, id)
        });
        refused(&mut suite, ContractError::RequestNotFound { id }, |s| {
            s.cancel(&alice, id)
        });
        refused(&mut suite, ContractError::RequestNotFound { id }, |s| {
            s.expire(&alice, id)
        });
    }
}

// ----- bad addresses -----

#[test]
fn bad_addresses_in_messages_are_refused() {
    let mut suite = funded();
    let (governor, alice) = (suite.governor.clone(), suite.addr("alice"));
    let upper = alice.to_string().to_uppercase();
    for (bad, reason) in [
        ("treasury", "Error decoding bech32"),
        ("", "Error decoding bech32"),
        (upper.as_str(), "Invalid input: address not normalized"),
    ] {
        let std = || StdError::generic_err(reason);
        let cases: Vec<(Addr, ExecuteMsg, ContractError)> = vec![
            (
                governor.clone(),
                ExecuteMsg::UpdateConfig {
                    engine: Some(bad.to_string()),
                    guardian: None,
                    remove_guardian: None,
                },
                ContractError::Std(std()),
            ),
            (
                governor.clone(),
                ExecuteMsg::UpdateConfig {
                    engine: None,
                    guardian: Some(bad.to_string()),
                    remove_guardian: None,
                },
                ContractError::Std(std()),
            ),
            (
                governor.clone(),
                ExecuteMsg::AllocateReserve {
                    amount: Uint128::new(ONE),
                    target: ReserveTarget::Address(bad.to_string()),
                },
                ContractError::Std(std()),
            ),
            (
                governor.clone(),
                ExecuteMsg::UpdateOwnership(GovernorAction::TransferOwnership {
                    new_owner: bad.to_string(),
                    expiry: None,
                }),
                ContractError::Ownership(OwnershipError::Std(std())),
            ),
            (
                suite.junior_token.clone(),
                ExecuteMsg::Receive(Cw20Receive {
                    sender: bad.to_string(),
                    amount: Uint128::new(ONE),
                    msg: hook(&ReceiveMsg::RequestWithdrawal {}),
                }),
                ContractError::Std(std()),
            ),
        ];
        for (sender, msg, expected) in cases {
            refused(&mut suite, expected, |s| s.execute_fund(&sender, &msg, &[]));
        }
    }
    // Sweep: checked before looking for a surplus, so it fails the same with or without one.
    refused(
        &mut suite,
        ContractError::Std(StdError::generic_err("Error decoding bech32")),
        |s| {
            s.execute_fund(
                &governor,
                &ExecuteMsg::SweepDonations {
                    recipient: "treasury".into(),
                    denom: None,
                },
                &[],
            )
        },
    );
}

// ----- paused -----

#[test]
fn paused_fund_refuses_deposits_requests_and_claims_only() {
    let mut suite = funded();
    let (alice, bob, guardian, engine) = (
        suite.addr("alice"),
        suite.addr("bob"),
        suite.guardian.clone(),
        suite.engine.clone(),
    );
    let governor = suite.governor.clone();
    suite.advance(7 * 86_400);
    suite.set_pause(&guardian, Some(true), None).unwrap();
    suite.set_pause(&governor, None, Some(true)).unwrap();

    for tranche in Tranche::ALL {
        refused(&mut suite, ContractError::DepositsPaused, |s| {
            s.deposit(&bob, tranche, ONE)
        });
        let token = suite.token(tranche).clone();
        let holder = if tranche == Tranche::Junior {
            &alice
        } else {
            &bob
        };
        refused(&mut suite, ContractError::WithdrawalsPaused, |s| {
            s.send_shares(holder, &token, ONE, &ReceiveMsg::RequestWithdrawal {})
        });
    }
    refused(&mut suite, ContractError::WithdrawalsPaused, |s| {
        s.claim(&alice, REQUEST)
    });
    // Payment errors come first: a paused deposit without funds still says so.
    refused(
        &mut suite,
        ContractError::Payment(PaymentError::NoFunds {}),
        |s| {
            s.execute_fund(
                &alice,
                &ExecuteMsg::Deposit {
                    tranche: Tranche::Junior,
                    min_shares: None,
                },
                &[],
            )
        },
    );

    // What stays open: premium, shortfall cover, open interest, cancel.
    suite.premium(&engine, ONE).unwrap();
    suite.report_open_interest(5_000 * ONE).unwrap();
    let paid = suite.cover_shortfall(1, ONE).unwrap();
    assert_eq!(paid.paid, Uint128::new(ONE));
    let shares_before = suite.shares(Tranche::Junior, &alice);
    suite.cancel(&alice, REQUEST).unwrap();
    assert_eq!(
        suite.shares(Tranche::Junior, &alice),
        shares_before + 10 * ONE * S
    );
}

// ----- unknown JSON -----

/// Sends each `(sender, json, funds)` and returns a line for every case that was not refused
/// with a parse error naming an unknown field (or that changed something).
fn not_refused_as_unknown_field(
    suite: &mut Suite,
    cases: Vec<(Addr, serde_json::Value, Vec<Coin>)>,
) -> Vec<String> {
    let mut wrong = vec![];
    for (sender, msg, funds) in cases {
        let name = msg.as_object().unwrap().keys().next().unwrap().clone();
        let before = snapshot(suite);
        match suite.execute_fund_json(&sender, &msg, &funds) {
            Err(ContractError::Std(StdError::GenericErr { msg: text, .. }))
                if text.contains("unknown field") =>
            {
                if snapshot(suite) != before {
                    wrong.push(format!("{name}: refused but changed something"));
                }
            }
            Ok(_) => wrong.push(format!("{name}: accepted")),
            Err(err) => wrong.push(format!("{name}: refused with {err}")),
        }
    }
    wrong
}

/// Since cosmwasm-schema 2.1, `#[cw_serde]` no longer adds `#[serde(deny_unknown_fields)]`,
/// and the fund's message types do not add it themselves: every message below is executed with
/// its extra field silently dropped (the deposit deposits, the cancel cancels, ...).
/// `docs/testing.md#bad-input` asks for an error. Built without sanity mode because the accepted
/// `cover_shortfall` is a loss the Suite's `execute_fund_json` step (an admin step) does not
/// expect.
#[test]
fn fund_messages_reject_unknown_fields() {
    let mut suite = funded_with(false);
    let (alice, mallory, engine, governor) = (
        suite.addr("alice"),
        suite.addr("mallory"),
        suite.engine.clone(),
        suite.governor.clone(),
    );
    let treasury = suite.addr("treasury").to_string();
    let cases: Vec<(Addr, serde_json::Value, Vec<Coin>)> = vec![
        (
            alice.clone(),
            json!({"deposit": {"tranche": "junior", "bonus": "1"}}),
            coins(ONE, DENOM),
        ),
        (
            alice.clone(),
            json!({"claim_withdrawal": {"request_id": 1, "to": treasury}}),
            vec![],
        ),
        (
            alice.clone(),
            json!({"cancel_withdrawal": {"request_id": 1, "fee": "0"}}),
            vec![],
        ),
        (
            mallory,
            json!({"expire_withdrawal": {"request_id": 1, "force": true}}),
            vec![],
        ),
        (
            engine.clone(),
            json!({"deposit_premium": {"tranche": "junior"}}),
            coins(ONE, DENOM),
        ),
        (
            engine.clone(),
            json!({"cover_shortfall": {"shortfall_id": 5, "amount": "1", "from": "senior"}}),
            vec![],
        ),
        (
            engine,
            json!({"report_open_interest": {"notional": "1", "market": "btc"}}),
            vec![],
        ),
        (
            governor.clone(),
            json!({"update_params": {"junior_weight": 5, "max_leverage": 10}}),
            vec![],
        ),
        (
            governor.clone(),
            json!({"update_config": {"treasury": treasury}}),
            vec![],
        ),
        (
            governor.clone(),
            json!({"set_pause": {"deposits": true, "trading": true}}),
            vec![],
        ),
        (
            governor.clone(),
            json!({"allocate_reserve": {"amount": "1", "target": {"tranche": "junior"}, "memo": ""}}),
            vec![],
        ),
        (
            governor,
            json!({"sweep_donations": {"recipient": treasury, "amount": "1"}}),
            vec![],
        ),
    ];
    let mut wrong = not_refused_as_unknown_field(&mut suite, cases);

    // The withdrawal hook inside a real cw20 `Send`.
    let before = snapshot(&suite);
    let token = suite.junior_token.clone();
    let res = suite.send_shares(
        &alice,
        &token,
        ONE * S,
        &json!({"request_withdrawal": {"to": "someone"}}),
    );
    match res {
        Err(ContractError::Std(StdError::ParseErr { msg, .. }))
            if msg.contains("unknown field") =>
        {
            assert_eq!(snapshot(&suite), before);
        }
        Ok(_) => wrong.push("request_withdrawal hook: accepted".to_string()),
        Err(err) => wrong.push(format!("request_withdrawal hook: refused with {err}")),
    }
    assert!(
        wrong.is_empty(),
        "not refused as unknown fields: {wrong:#?}"
    );
}

/// The two messages whose bodies are types of other crates (cw-ownable's `Action`, cw20's
/// `Cw20ReceiveMsg`) accept unknown fields as well; `deny_unknown_fields` on the fund's own
/// types would not reach them.
#[test]
fn wrapped_dependency_messages_reject_unknown_fields() {
    let mut suite = funded_with(false);
    let (alice, governor) = (suite.addr("alice"), suite.governor.clone());
    let dao = suite.addr("dao").to_string();
    let hook_b64 = hook(&ReceiveMsg::RequestWithdrawal {}).to_base64();
    let cases: Vec<(Addr, serde_json::Value, Vec<Coin>)> = vec![
        (
            suite.junior_token.clone(),
            json!({"receive": {"sender": alice, "amount": "0", "msg": hook_b64, "tranche": "senior"}}),
            vec![],
        ),
        (
            governor,
            json!({"update_ownership": {"transfer_ownership": {"new_owner": dao, "expiry": null, "now": true}}}),
            vec![],
        ),
    ];
    let wrong = not_refused_as_unknown_field(&mut suite, cases);
    assert!(
        wrong.is_empty(),
        "not refused as unknown fields: {wrong:#?}"
    );
}

#[test]
fn unknown_messages_and_variants_are_refused() {
    let mut suite = funded();
    let (alice, governor, engine) = (
        suite.addr("alice"),
        suite.governor.clone(),
        suite.engine.clone(),
    );
    refused_unparsed(&mut suite, "unknown variant", |s| {
        s.execute_fund_json(&governor, &json!({"drain": {}}), &[])
    });
    refused_unparsed(&mut suite, "unknown variant", |s| {
        s.execute_fund_json(
            &alice,
            &json!({"deposit": {"tranche": "mezzanine"}}),
            &coins(ONE, DENOM),
        )
    });
    refused_unparsed(&mut suite, "unknown variant", |s| {
        s.execute_fund_json(
            &governor,
            &json!({"update_ownership": "seize_ownership"}),
            &[],
        )
    });
    refused_unparsed(&mut suite, "unknown variant", |s| {
        s.execute_fund_json(
            &governor,
            &json!({"allocate_reserve": {"amount": "1", "target": {"everyone": {}}}}),
            &[],
        )
    });
    // A required field missing.
    refused_unparsed(&mut suite, "missing field", |s| {
        s.execute_fund_json(&engine, &json!({"cover_shortfall": {"amount": "1"}}), &[])
    });
    // Amounts are decimal strings; a JSON number is a type error.
    refused_unparsed(&mut suite, "Invalid type", |s| {
        s.execute_fund_json(
            &engine,
            &json!({"cover_shortfall": {"shortfall_id": 5, "amount": 1}}),
            &[],
        )
    });
    refused_unparsed(&mut suite, "", |s| {
        s.execute_fund_json(
            &engine,
            &json!({"cover_shortfall": {"shortfall_id": 5, "amount": "-1"}}),
            &[],
        )
    });
}

// ----- malformed cw20 hooks -----

fn parse_error_of(err: ContractError) -> String {
    match err {
        ContractError::Std(StdError::ParseErr {
            target_type, msg, ..
        }) => {
            assert!(
                target_type.ends_with("ReceiveMsg"),
                "parsed as {target_type}"
            );
            msg
        }
        other => panic!("expected a ReceiveMsg parse error, got {other:?}"),
    }
}

#[test]
fn malformed_withdrawal_hooks_are_refused_and_the_shares_stay_put() {
    let mut suite = funded();
    let alice = suite.addr("alice");
    let token = suite.junior_token.clone();
    let hooks: [(&[u8], &str); 7] = [
        (b"not json", ""),
        (b"", ""),
        (b"{}", ""),
        (b"null", ""),
        (br#""request_withdrawal""#, ""),
        (br#"{"withdraw_now":{}}"#, "unknown variant"),
        (br#"{"request_withdrawal":{}}{}"#, ""),
    ];
    for (raw, needle) in hooks {
        let before = snapshot(&suite);
        let fund = suite.fund.clone();
        let err = suite
            .app
            .execute_contract(
                alice.clone(),
                token.clone(),
                &Cw20ExecuteMsg::Send {
                    contract: fund.to_string(),
                    amount: Uint128::new(ONE * S),
                    msg: Binary::from(raw),
                },
                &[],
            )
            .map_err(into_contract_error)
            .unwrap_err();
        let text = parse_error_of(err);
        assert!(
            text.contains(needle),
            "{:?}: {text}",
            String::from_utf8_lossy(raw)
        );
        assert_eq!(
            snapshot(&suite),
            before,
            "{:?}",
            String::from_utf8_lossy(raw)
        );
        suite.check_invariants();
    }
}

/// cw-ownable's `{"update_ownership": "renounce_ownership"}`, as cw-ownable's own `Action`
/// serializes it, sent by the governor (with and without a pending transfer) and by anyone
/// else: refused with the typed `RenounceNotOffered` (on the code before it, a JSON parse
/// error "unknown variant `renounce_ownership`"), and the governor, the pending offer and
/// every balance stay as they were.
#[test]
fn renouncing_the_governor_role_is_refused_with_a_typed_error() {
    let mut suite = Suite::builder()
        .with_underwriters(&["alice"], 1_000 * ONE)
        .build();
    let (governor, alice) = (suite.governor.clone(), suite.addr("alice"));
    let renounce = json!({ "update_ownership": cw_ownable::Action::RenounceOwnership });
    assert_eq!(
        renounce,
        json!({ "update_ownership": "renounce_ownership" })
    );
    for sender in [&governor, &alice] {
        refused(&mut suite, ContractError::RenounceNotOffered, |s| {
            s.execute_fund_json(sender, &renounce, &[])
        });
    }
    // With an offer pending, the offer survives the refused renounce.
    suite
        .execute_fund(
            &governor,
            &ExecuteMsg::UpdateOwnership(GovernorAction::TransferOwnership {
                new_owner: alice.to_string(),
                expiry: None,
            }),
            &[],
        )
        .unwrap();
    refused(&mut suite, ContractError::RenounceNotOffered, |s| {
        s.execute_fund_json(&governor, &renounce, &[])
    });
    let ownership: cw_ownable::Ownership<Addr> = suite.try_query(&QueryMsg::Ownership {}).unwrap();
    assert_eq!(ownership.owner, Some(governor));
    assert_eq!(ownership.pending_owner, Some(alice));
}
