//! Executing proposals: the timelock (2 days, or the fund's cooldown plus claim window for
//! actions that raise underwriters' risk), atomic execution in one submessage with failures
//! recorded on the proposal, the guardian's veto, and every typed action reaching its target.

use cosmwasm_std::{coins, to_json_vec, Addr, BankMsg, Coin, CosmosMsg, Decimal, Uint128};
use cw_ownable::Ownership;
use governance::ContractError as GovError;
use tranche_perps_testing::gov::{Dao, CAROL_KEEPS_50, EXIT, TIMELOCK, VOTERS};
use tranche_perps_testing::perp::default_market_params;
use tranche_perps_testing::time::{DAY, HOUR};
use tranche_perps_testing::{Suite, ONE};
use tranche_perps_types::engine::{
    self, EngineConfigResponse, EnginePause, FeeConfig, MarketParams, NewMarket,
};
use tranche_perps_types::fund::{self, FundParams, FundParamsUpdate, GovernorAction, PauseFlags};
use tranche_perps_types::governance::Vote;
use tranche_perps_types::governance::{
    Action, ExecuteMsg, GovAddressesUpdate, GovConfig, ProposalStatus,
};

const ETH: &str = "ETH-USD";

/// The full suite with alice (600), bob (300) and carol (100) all staked.
fn dao() -> Dao {
    dao_with(FundParams::default())
}

fn dao_with(params: FundParams) -> Dao {
    let suite = Suite::builder()
        .with_params(params)
        .with_underwriters(&["lp", "ann"], 1_000_000 * ONE)
        .with_staked_governance(&VOTERS)
        .build();
    Dao::new(suite)
}

/// The DAO adds the ETH market, fed by the suite's feeders.
fn add_eth(dao: &mut Dao) {
    let feeders = dao.suite.feeder_strings();
    dao.enact(vec![Action::AddMarket(new_market(ETH, feeders))]);
}

fn new_market(id: &str, feeders: Vec<String>) -> NewMarket {
    NewMarket {
        id: id.to_string(),
        base_reserve: Uint128::new(1_000_000_000_000),
        quote_reserve: Uint128::new(2_000_000_000_000_000),
        feeders,
        params: default_market_params(),
    }
}

fn engine_config(suite: &Suite) -> EngineConfigResponse {
    suite
        .app
        .wrap()
        .query_wasm_smart(&suite.engine, &engine::QueryMsg::Config {})
        .unwrap()
}

fn fund_pause(deposits: bool) -> Action {
    Action::SetFundPause {
        deposits: Some(deposits),
        withdrawals: None,
    }
}

fn params(update: FundParamsUpdate) -> Action {
    Action::UpdateFundParams(update)
}

// ----- timelock -----

#[test]
fn execute_before_the_timelock_is_refused_with_its_exact_end() {
    let mut dao = dao();
    let id = dao.propose(vec![fund_pause(true)]);
    let passed = dao.pass(id);
    let executable_at = passed.seconds() + TIMELOCK;
    assert_eq!(
        dao.suite.proposal(id).executable_at,
        Some(passed.plus_seconds(TIMELOCK))
    );
    let timelocked = GovError::Timelocked { id, executable_at };
    assert_eq!(dao.execute(id).unwrap_err(), timelocked);
    dao.suite.advance(TIMELOCK - 1);
    assert_eq!(dao.execute(id).unwrap_err(), timelocked);
    assert!(!dao.suite.config().pause.deposits);
    dao.suite.advance(1);
    dao.execute(id).unwrap();
    assert_eq!(dao.suite.proposal(id).status, ProposalStatus::Executed);
    assert!(dao.suite.config().pause.deposits);
}

fn cooldown(days: u64) -> Action {
    params(FundParamsUpdate {
        cooldown_seconds: Some(days * DAY),
        ..Default::default()
    })
}

fn min_remaining(amount: u128) -> Action {
    params(FundParamsUpdate {
        min_remaining: Some(Uint128::new(amount)),
        ..Default::default()
    })
}

/// A proposal that was no risk when made (`min_remaining` 1000 -> 2000) becomes one when
/// another raises it to 3000 and the fund's cooldown to 10 days before it executes (it would
/// now lower it): it waits the fund's exit window then, 10 + 2 days from its pass.
#[test]
fn a_passed_proposal_that_became_risk_raising_waits_the_exit_window() {
    let mut dao = dao();
    let id = dao.propose(vec![min_remaining(2_000)]);
    assert_eq!(dao.suite.proposal(id).timelock_seconds, TIMELOCK);
    let passed = dao.pass(id);
    dao.enact(vec![min_remaining(3_000), cooldown(10)]);
    let executable_at = passed.seconds() + 12 * DAY;
    assert_eq!(
        dao.suite.proposal(id).executable_at,
        Some(passed.plus_seconds(12 * DAY))
    );
    assert_eq!(
        dao.execute(id).unwrap_err(),
        GovError::Timelocked { id, executable_at }
    );
}

/// A proposal judged risk-raising when made (cooldown 7 -> 6 days) stays so after a later
/// change makes it harmless (cooldown 5 days and claim window 10 days, so 6 days raises it):
/// it waits the exit window now, 5 + 10 days from its pass, not only its stored 9 days.
#[test]
fn a_proposal_judged_risk_raising_stays_so() {
    let mut dao = dao();
    let id = dao.propose(vec![cooldown(6)]);
    assert_eq!(dao.suite.proposal(id).timelock_seconds, EXIT);
    let passed = dao.pass(id);
    dao.enact(vec![
        cooldown(5),
        params(FundParamsUpdate {
            claim_window_seconds: Some(10 * DAY),
            ..Default::default()
        }),
    ]);
    let executable_at = passed.seconds() + 15 * DAY;
    assert_eq!(
        dao.suite.proposal(id).executable_at,
        Some(passed.plus_seconds(15 * DAY))
    );
    assert_eq!(
        dao.execute(id).unwrap_err(),
        GovError::Timelocked { id, executable_at }
    );
}

#[test]
fn a_proposal_passed_at_the_end_of_voting_is_timelocked_from_then() {
    let mut dao = dao();
    let id = dao.propose(vec![fund_pause(true)]);
    // Alice alone (60%) cannot pass early: the rest could still veto.
    let alice = dao.alice.clone();
    dao.suite.vote(&alice, id, Vote::Yes).unwrap();
    assert_eq!(dao.suite.proposal(id).status, ProposalStatus::Open);
    let voting_end = dao.suite.proposal(id).voting_end;
    assert_eq!(dao.execute(id).unwrap_err(), GovError::NotPassed { id });
    dao.suite
        .advance(voting_end.seconds() - dao.suite.now().seconds());
    let p = dao.suite.proposal(id);
    assert_eq!(p.status, ProposalStatus::Passed);
    assert_eq!(p.executable_at, Some(voting_end.plus_seconds(TIMELOCK)));
    assert_eq!(
        dao.execute(id).unwrap_err(),
        GovError::Timelocked {
            id,
            executable_at: voting_end.seconds() + TIMELOCK
        }
    );
    dao.suite.advance(TIMELOCK);
    dao.execute(id).unwrap();
    assert!(dao.suite.config().pause.deposits);
}

#[test]
fn a_risky_proposal_waits_cooldown_plus_claim_window_exactly() {
    let mut dao = dao();
    let id = dao.propose(vec![params(FundParamsUpdate {
        min_junior_ratio: Some(Decimal::percent(10)),
        ..Default::default()
    })]);
    assert_eq!(dao.suite.proposal(id).timelock_seconds, EXIT);
    let passed = dao.pass(id);
    assert_eq!(
        dao.suite.proposal(id).executable_at,
        Some(passed.plus_seconds(EXIT))
    );
    dao.suite.advance(EXIT - 1);
    assert_eq!(
        dao.execute(id).unwrap_err(),
        GovError::Timelocked {
            id,
            executable_at: passed.seconds() + EXIT
        }
    );
    dao.suite.advance(1);
    dao.execute(id).unwrap();
    assert_eq!(
        dao.suite.config().params.min_junior_ratio,
        Decimal::percent(10)
    );
}

#[test]
fn timelock_of_each_kind_of_action() {
    let mut dao = dao();
    add_eth(&mut dao);
    let market = dao.suite.market(ETH).params;
    let riskier = |f: fn(&mut MarketParams)| {
        let mut p = market.clone();
        f(&mut p);
        Action::UpdateMarket {
            market: ETH.to_string(),
            params: p,
        }
    };
    let other = dao.suite.addr("other").to_string();
    let engine = dao.suite.engine.to_string();
    let transfer = GovernorAction::TransferOwnership {
        new_owner: other.clone(),
        expiry: None,
    };
    let risky = vec![
        params(FundParamsUpdate {
            min_junior_ratio: Some(Decimal::percent(19)),
            ..Default::default()
        }),
        params(FundParamsUpdate {
            max_payout_bps: Some(5_001),
            ..Default::default()
        }),
        params(FundParamsUpdate {
            payout_window_seconds: Some(DAY - 1),
            ..Default::default()
        }),
        params(FundParamsUpdate {
            cooldown_seconds: Some(7 * DAY - 1),
            ..Default::default()
        }),
        params(FundParamsUpdate {
            claim_window_seconds: Some(2 * DAY - 1),
            ..Default::default()
        }),
        params(FundParamsUpdate {
            min_remaining: Some(Uint128::new(999)),
            ..Default::default()
        }),
        Action::UpdateFundConfig {
            engine: Some(engine),
            guardian: None,
        },
        Action::AddMarket(new_market("SOL-USD", vec![])),
        riskier(|p| p.initial_margin_ratio = Decimal::percent(9)),
        riskier(|p| p.maintenance_margin_ratio = Decimal::permille(49)),
        riskier(|p| p.liquidation_fee = Decimal::permille(19)),
        riskier(|p| p.max_long_oi += Uint128::one()),
        riskier(|p| p.max_short_oi += Uint128::one()),
        riskier(|p| p.max_spread = Decimal::percent(11)),
        riskier(|p| p.oracle_max_age_seconds = 601),
        riskier(|p| p.liquidation_depth = Decimal::permille(1)),
        riskier(|p| p.min_keeper_reward += Uint128::one()),
        // A weaker oracle or a weaker price-shock pause.
        riskier(|p| p.min_feeders = 1),
        riskier(|p| p.max_index_move = Some(Decimal::percent(11))),
        riskier(|p| p.max_index_move = None),
        riskier(|p| p.min_price = "0.0001".parse().unwrap()),
        riskier(|p| p.max_price = "1000001".parse().unwrap()),
        riskier(|p| p.shock_move = Decimal::percent(11)),
        riskier(|p| p.shock_window_seconds = 3_599),
        riskier(|p| p.shock_pause_seconds = 3_599),
        // Pausing withdrawals can trap underwriters before a risky change executes.
        Action::SetFundPause {
            deposits: None,
            withdrawals: Some(true),
        },
        // New feeders control the index that liquidations and bad debt follow.
        Action::SetFeeders {
            market: ETH.to_string(),
            feeders: vec![other.clone()],
        },
        Action::FundOwnership(transfer.clone()),
        Action::EngineOwnership(transfer),
        Action::Raw(CosmosMsg::Bank(BankMsg::Send {
            to_address: other.clone(),
            amount: coins(1, "ugov"),
        })),
    ];
    for action in risky {
        assert_eq!(dao.timelock_of(vec![action.clone()]), EXIT, "{action:?}");
        // One risky action makes the whole proposal wait.
        assert_eq!(
            dao.timelock_of(vec![fund_pause(true), action.clone()]),
            EXIT,
            "{action:?}"
        );
    }
    // Changes the default-deny classification no longer lets through at the ordinary
    // timelock: they are off the reviewed safe list, or listed the other way.
    let now_risky = vec![
        params(FundParamsUpdate {
            min_junior_ratio: Some(Decimal::percent(30)),
            ..Default::default()
        }),
        params(FundParamsUpdate {
            cooldown_seconds: Some(14 * DAY),
            ..Default::default()
        }),
        params(FundParamsUpdate {
            claim_window_seconds: Some(3 * DAY),
            ..Default::default()
        }),
        params(FundParamsUpdate {
            junior_weight: Some(5),
            senior_weight: Some(2),
            ..Default::default()
        }),
        fund_pause(false),
        Action::UpdateFundConfig {
            engine: None,
            guardian: Some(other.clone()),
        },
        riskier(|p| p.oracle_max_age_seconds = 60),
        riskier(|p| p.liquidation_depth = Decimal::raw(100_000_000_000_000)),
        riskier(|p| p.min_keeper_reward = Uint128::new(1)),
        riskier(|p| p.min_feeders = 3),
        riskier(|p| p.max_index_move = Some(Decimal::percent(5))),
        riskier(|p| p.min_price = "0.01".parse().unwrap()),
        riskier(|p| p.max_price = "1000".parse().unwrap()),
    ];
    for action in now_risky {
        assert_eq!(dao.timelock_of(vec![action.clone()]), EXIT, "{action:?}");
    }
    let safe = vec![
        // Risk-lowering fund changes on the reviewed list.
        params(FundParamsUpdate {
            max_payout_bps: Some(4_000),
            payout_window_seconds: Some(2 * DAY),
            min_remaining: Some(Uint128::new(2_000)),
            target_coverage_bps: Some(2_000),
            ..Default::default()
        }),
        // Unchanged values are not riskier, each on its own.
        params(FundParamsUpdate {
            min_junior_ratio: Some(Decimal::percent(20)),
            ..Default::default()
        }),
        params(FundParamsUpdate {
            max_payout_bps: Some(5_000),
            ..Default::default()
        }),
        params(FundParamsUpdate {
            payout_window_seconds: Some(DAY),
            ..Default::default()
        }),
        params(FundParamsUpdate {
            cooldown_seconds: Some(7 * DAY),
            ..Default::default()
        }),
        params(FundParamsUpdate {
            claim_window_seconds: Some(2 * DAY),
            ..Default::default()
        }),
        params(FundParamsUpdate {
            min_remaining: Some(Uint128::new(1_000)),
            ..Default::default()
        }),
        riskier(|_| {}),
        Action::SetFundPause {
            deposits: Some(true),
            withdrawals: Some(false),
        },
        riskier(|p| {
            p.initial_margin_ratio = Decimal::percent(20);
            p.maintenance_margin_ratio = Decimal::percent(10);
            p.liquidation_fee = Decimal::percent(3);
            p.max_long_oi = Uint128::new(1);
            p.max_short_oi = Uint128::new(1);
            p.max_spread = Decimal::percent(5);
            p.shock_move = Decimal::percent(5);
            p.shock_window_seconds = 7_200;
            p.shock_pause_seconds = 7_200;
            p.taker_fee = Decimal::percent(1);
        }),
        Action::SetEnginePause(EnginePause::default()),
        Action::UpdateEngineFees(FeeConfig::default()),
        Action::UpdateGovConfig(GovConfig::default()),
    ];
    for action in safe {
        assert_eq!(
            dao.timelock_of(vec![action.clone()]),
            TIMELOCK,
            "{action:?}"
        );
    }
}

#[test]
fn risky_timelock_follows_the_funds_exit_time_but_never_undercuts_the_default() {
    let lower = || {
        vec![params(FundParamsUpdate {
            min_junior_ratio: Some(Decimal::percent(10)),
            ..Default::default()
        })]
    };
    let mut dao = dao_with(FundParams {
        cooldown_seconds: 3 * DAY,
        claim_window_seconds: DAY,
        ..Default::default()
    });
    assert_eq!(dao.timelock_of(lower()), 4 * DAY);
    let mut dao = dao_with(FundParams {
        cooldown_seconds: HOUR,
        claim_window_seconds: HOUR,
        ..Default::default()
    });
    assert_eq!(dao.timelock_of(lower()), TIMELOCK);
}

// ----- not executable -----

#[test]
fn executing_twice_is_refused_as_settled() {
    let mut dao = dao();
    let id = dao.enact(vec![fund_pause(true)]);
    let executed = GovError::AlreadySettled {
        id,
        status: ProposalStatus::Executed,
    };
    assert_eq!(dao.execute(id).unwrap_err(), executed);
    // Even a guardian veto comes too late for an executed proposal.
    let guardian = dao.suite.guardian.clone();
    assert_eq!(
        dao.suite
            .execute_gov(&guardian, &ExecuteMsg::Veto { proposal_id: id })
            .unwrap_err(),
        executed
    );
    assert_eq!(dao.suite.proposal(id).status, ProposalStatus::Executed);
}

#[test]
fn open_rejected_and_unknown_proposals_are_not_executable() {
    let mut dao = dao();
    let open = dao.propose(vec![fund_pause(true)]);
    assert_eq!(
        dao.execute(open).unwrap_err(),
        GovError::NotPassed { id: open }
    );

    // Rejected early: after alice's 60% no, yes can no longer pass, but the remaining 40%
    // could still veto (33.4%), which would change where the deposit goes; once bob's 30% yes
    // leaves only 10%, the outcome is fixed and later votes are refused.
    let rejected = dao.propose(vec![fund_pause(true)]);
    let (alice, bob, carol) = (dao.alice.clone(), dao.bob.clone(), dao.carol.clone());
    dao.suite.vote(&alice, rejected, Vote::No).unwrap();
    assert_eq!(dao.suite.proposal(rejected).status, ProposalStatus::Open);
    dao.suite.vote(&bob, rejected, Vote::Yes).unwrap();
    assert_eq!(
        dao.suite.vote(&carol, rejected, Vote::Veto).unwrap_err(),
        GovError::NotOpen { id: rejected }
    );
    assert_eq!(
        dao.suite.proposal(rejected).status,
        ProposalStatus::Rejected
    );
    assert_eq!(
        dao.execute(rejected).unwrap_err(),
        GovError::NotPassed { id: rejected }
    );

    // Rejected at the end of voting for lack of quorum (carol's 10% only).
    let no_quorum = dao.propose(vec![fund_pause(true)]);
    let carol = dao.carol.clone();
    dao.suite.vote(&carol, no_quorum, Vote::Yes).unwrap();
    dao.suite.advance(3 * DAY + TIMELOCK);
    assert_eq!(
        dao.suite.proposal(no_quorum).status,
        ProposalStatus::Rejected
    );
    assert_eq!(
        dao.execute(no_quorum).unwrap_err(),
        GovError::NotPassed { id: no_quorum }
    );
    // The open one was never voted on: rejected too, still not executable.
    assert_eq!(
        dao.execute(open).unwrap_err(),
        GovError::NotPassed { id: open }
    );

    assert_eq!(
        dao.execute(99).unwrap_err(),
        GovError::ProposalNotFound { id: 99 }
    );
    assert!(!dao.suite.config().pause.deposits);
}

// ----- failed execution -----

#[test]
fn a_failing_action_is_recorded_and_undoes_the_valid_ones_before_it() {
    let mut dao = dao();
    let id = dao.propose(vec![
        fund_pause(true),
        params(FundParamsUpdate {
            junior_weight: Some(7),
            ..Default::default()
        }),
        params(FundParamsUpdate {
            max_payout_bps: Some(0),
            ..Default::default()
        }),
    ]);
    dao.suite
        .pass_and_wait(id, &[&dao.alice.clone(), &dao.bob.clone()]);
    // The execution itself succeeds: the failure is caught and recorded.
    dao.execute(id).unwrap();
    let p = dao.suite.proposal(id);
    assert_eq!(p.status, ProposalStatus::ExecutionFailed);
    let error = p.execution_error.expect("error recorded");
    assert!(
        error.contains("parameter max_payout_bps = 0 is outside its range 1 ..= 10000"),
        "{error}"
    );
    // Nothing of the valid actions before it was applied.
    let config = dao.suite.config();
    assert_eq!(config.pause, PauseFlags::default());
    assert_eq!(config.params, FundParams::default());
    // A failed proposal is settled: it cannot be executed again.
    assert_eq!(
        dao.execute(id).unwrap_err(),
        GovError::AlreadySettled {
            id,
            status: ProposalStatus::ExecutionFailed
        }
    );
}

#[test]
fn an_action_on_an_unknown_market_fails_the_whole_proposal() {
    let mut dao = dao();
    let fees = FeeConfig {
        fund_share_max: Decimal::percent(80),
        fund_share_min: Decimal::percent(20),
        sweep_threshold: Uint128::new(5 * ONE),
    };
    let id = dao.propose(vec![
        Action::UpdateEngineFees(fees),
        Action::SetFeeders {
            market: "NOPE-USD".to_string(),
            feeders: dao.suite.feeder_strings(),
        },
    ]);
    dao.suite
        .pass_and_wait(id, &[&dao.alice.clone(), &dao.bob.clone()]);
    dao.execute(id).unwrap();
    let p = dao.suite.proposal(id);
    assert_eq!(p.status, ProposalStatus::ExecutionFailed);
    let error = p.execution_error.expect("error recorded");
    assert!(error.contains("market NOPE-USD not found"), "{error}");
    assert_eq!(engine_config(&dao.suite).fees, FeeConfig::default());
}

#[test]
fn updating_an_unknown_market_is_refused_at_proposal_time() {
    // The risk check reads the market's current parameters, so the proposal cannot be made.
    let mut dao = dao();
    let carol = dao.carol.clone();
    let err = dao
        .suite
        .propose(
            &carol,
            "update nothing",
            vec![Action::UpdateMarket {
                market: "NOPE-USD".to_string(),
                params: default_market_params(),
            }],
        )
        .unwrap_err();
    assert!(matches!(err, GovError::Std(_)), "{err:?}");
}

#[test]
fn a_raw_message_governance_cannot_pay_fails_and_is_recorded() {
    let mut dao = dao();
    let to = dao.suite.addr("grantee");
    let id = dao.propose(vec![
        fund_pause(true),
        Action::Raw(CosmosMsg::Bank(BankMsg::Send {
            to_address: to.to_string(),
            amount: coins(5 * ONE, "ugov"),
        })),
    ]);
    dao.suite
        .pass_and_wait(id, &[&dao.alice.clone(), &dao.bob.clone()]);
    dao.execute(id).unwrap();
    let p = dao.suite.proposal(id);
    assert_eq!(p.status, ProposalStatus::ExecutionFailed);
    let error = p.execution_error.expect("error recorded");
    // The bank module's insufficient-funds error (multi-test words it as an overflow).
    assert!(error.contains("Cannot Sub with given operands"), "{error}");
    assert!(!dao.suite.config().pause.deposits);
    assert_eq!(
        dao.suite.app.wrap().query_balance(&to, "ugov").unwrap(),
        Coin::new(0u128, "ugov")
    );
}

// ----- guardian -----

/// Sets a 10 GOV proposal deposit by proposal; carol keeps 50 GOV unstaked to pay deposits.
fn dao_with_deposit() -> Dao {
    let suite = Suite::builder()
        .with_underwriters(&["lp", "ann"], 1_000_000 * ONE)
        .with_governance(&VOTERS)
        .with_stakes(&CAROL_KEEPS_50)
        .build();
    let mut dao = Dao::new(suite);
    let config = GovConfig {
        proposal_deposit: Uint128::new(10 * ONE),
        ..Default::default()
    };
    dao.enact(vec![Action::UpdateGovConfig(config.clone())]);
    assert_eq!(dao.suite.gov_config().config, config);
    dao
}

#[test]
fn the_guardian_vetoes_during_the_timelock_and_the_deposit_goes_to_treasury() {
    let mut dao = dao_with_deposit();
    let treasury = dao.suite.gov().treasury.clone();
    let (carol, guardian) = (dao.carol.clone(), dao.suite.guardian.clone());
    let id = dao.propose(vec![fund_pause(true)]);
    assert_eq!(dao.suite.gov_balance(&carol), 40 * ONE);
    let passed = dao.pass(id);
    dao.suite.advance(TIMELOCK - 1);
    dao.suite
        .execute_gov(&guardian, &ExecuteMsg::Veto { proposal_id: id })
        .unwrap();
    let p = dao.suite.proposal(id);
    assert_eq!(p.status, ProposalStatus::Vetoed);
    assert_eq!(p.executable_at, Some(passed.plus_seconds(TIMELOCK)));
    assert_eq!(dao.suite.gov_balance(&treasury), 10 * ONE);
    assert_eq!(dao.suite.gov_balance(&carol), 40 * ONE);

    dao.suite.advance(1);
    let vetoed = GovError::AlreadySettled {
        id,
        status: ProposalStatus::Vetoed,
    };
    assert_eq!(dao.execute(id).unwrap_err(), vetoed);
    // A second veto finds nothing to veto, and pays nothing twice.
    assert_eq!(
        dao.suite
            .execute_gov(&guardian, &ExecuteMsg::Veto { proposal_id: id })
            .unwrap_err(),
        vetoed
    );
    assert_eq!(
        dao.suite
            .execute_gov(&carol, &ExecuteMsg::Close { proposal_id: id })
            .unwrap_err(),
        GovError::NotClosable { id }
    );
    assert_eq!(dao.suite.gov_balance(&treasury), 10 * ONE);
    assert!(!dao.suite.config().pause.deposits);
}

#[test]
fn an_executed_proposal_refunds_its_deposit() {
    let mut dao = dao_with_deposit();
    let carol = dao.carol.clone();
    dao.enact(vec![fund_pause(true)]);
    assert_eq!(dao.suite.gov_balance(&carol), 50 * ONE);
}

#[test]
fn a_failed_execution_still_refunds_the_deposit() {
    let mut dao = dao_with_deposit();
    let carol = dao.carol.clone();
    let id = dao.propose(vec![params(FundParamsUpdate {
        max_payout_bps: Some(0),
        ..Default::default()
    })]);
    dao.suite
        .pass_and_wait(id, &[&dao.alice.clone(), &dao.bob.clone()]);
    dao.execute(id).unwrap();
    assert_eq!(
        dao.suite.proposal(id).status,
        ProposalStatus::ExecutionFailed
    );
    assert_eq!(dao.suite.gov_balance(&carol), 50 * ONE);
}

#[test]
fn the_guardian_cannot_veto_once_the_timelock_is_over() {
    let mut dao = dao();
    let guardian = dao.suite.guardian.clone();
    let id = dao.propose(vec![fund_pause(true)]);
    dao.pass(id);
    dao.suite.advance(TIMELOCK);
    assert_eq!(
        dao.suite
            .execute_gov(&guardian, &ExecuteMsg::Veto { proposal_id: id })
            .unwrap_err(),
        GovError::VetoTooLate { id }
    );
    assert_eq!(dao.suite.proposal(id).status, ProposalStatus::Passed);
    dao.execute(id).unwrap();
    assert!(dao.suite.config().pause.deposits);
}

#[test]
fn the_guardian_vetoes_a_proposal_that_passed_at_the_end_of_voting() {
    let mut dao = dao();
    let guardian = dao.suite.guardian.clone();
    let id = dao.propose(vec![fund_pause(true)]);
    let alice = dao.alice.clone();
    dao.suite.vote(&alice, id, Vote::Yes).unwrap();
    let voting_end = dao.suite.proposal(id).voting_end;
    dao.suite
        .advance(voting_end.seconds() - dao.suite.now().seconds() + TIMELOCK - 1);
    dao.suite
        .execute_gov(&guardian, &ExecuteMsg::Veto { proposal_id: id })
        .unwrap();
    assert_eq!(dao.suite.proposal(id).status, ProposalStatus::Vetoed);
}

#[test]
fn the_guardian_can_only_veto_passed_proposals_and_only_the_guardian_can_veto() {
    let mut dao = dao();
    let (guardian, alice) = (dao.suite.guardian.clone(), dao.alice.clone());
    let id = dao.propose(vec![fund_pause(true)]);
    assert_eq!(
        dao.suite
            .execute_gov(&guardian, &ExecuteMsg::Veto { proposal_id: id })
            .unwrap_err(),
        GovError::NotPassed { id }
    );
    dao.pass(id);
    assert_eq!(
        dao.suite
            .execute_gov(&alice, &ExecuteMsg::Veto { proposal_id: id })
            .unwrap_err(),
        GovError::NotGuardian
    );
    assert_eq!(dao.suite.proposal(id).status, ProposalStatus::Passed);
}

#[test]
fn the_guardian_has_no_other_power() {
    let mut dao = dao();
    let guardian = dao.suite.guardian.clone();
    let id = dao.propose(vec![fund_pause(true)]);
    let passed = dao.pass(id);
    assert_eq!(
        dao.suite.execute_proposal(&guardian, id).unwrap_err(),
        GovError::Timelocked {
            id,
            executable_at: passed.seconds() + TIMELOCK
        }
    );
    assert_eq!(
        dao.suite
            .execute_gov(&guardian, &ExecuteMsg::RunActions { proposal_id: id })
            .unwrap_err(),
        GovError::Unauthorized
    );
    let mut config = GovConfig::default();
    config.rules.timelock_seconds = 0;
    assert_eq!(
        dao.suite
            .execute_gov(&guardian, &ExecuteMsg::UpdateConfig(config))
            .unwrap_err(),
        GovError::Unauthorized
    );
    // Nor can a voter reach around the timelock.
    let alice = dao.alice.clone();
    assert_eq!(
        dao.suite
            .execute_gov(&alice, &ExecuteMsg::RunActions { proposal_id: id })
            .unwrap_err(),
        GovError::Unauthorized
    );
    assert!(!dao.suite.config().pause.deposits);
    assert_eq!(dao.suite.gov_config().config, GovConfig::default());
    // Like anyone, the guardian may execute once the timelock is over.
    dao.suite.advance(TIMELOCK);
    dao.suite.execute_proposal(&guardian, id).unwrap();
    assert!(dao.suite.config().pause.deposits);
}

// ----- typed actions reach their targets -----

#[test]
fn fund_params_reach_the_fund() {
    let mut dao = dao();
    dao.enact(vec![params(FundParamsUpdate {
        junior_weight: Some(5),
        senior_weight: Some(2),
        target_coverage_bps: Some(2_500),
        min_junior_ratio: Some(Decimal::percent(25)),
        ..Default::default()
    })]);
    assert_eq!(
        dao.suite.config().params,
        FundParams {
            junior_weight: 5,
            senior_weight: 2,
            target_coverage_bps: 2_500,
            min_junior_ratio: Decimal::percent(25),
            ..Default::default()
        }
    );
}

#[test]
fn fund_pause_reaches_the_fund_both_ways() {
    let mut dao = dao();
    let lp = dao.suite.addr("lp");
    dao.enact(vec![Action::SetFundPause {
        deposits: Some(true),
        withdrawals: Some(true),
    }]);
    assert_eq!(
        dao.suite.config().pause,
        PauseFlags {
            deposits: true,
            withdrawals: true
        }
    );
    assert_eq!(
        dao.suite
            .deposit(&lp, fund::Tranche::Junior, 100 * ONE)
            .unwrap_err(),
        insurance_fund::ContractError::DepositsPaused
    );
    dao.enact(vec![Action::SetFundPause {
        deposits: Some(false),
        withdrawals: None,
    }]);
    assert_eq!(
        dao.suite.config().pause,
        PauseFlags {
            deposits: false,
            withdrawals: true
        }
    );
    dao.suite
        .deposit(&lp, fund::Tranche::Junior, 100 * ONE)
        .unwrap();
}

#[test]
fn fund_config_reaches_the_fund() {
    let mut dao = dao();
    let new_guardian = dao.suite.addr("new-guardian");
    dao.enact(vec![Action::UpdateFundConfig {
        engine: None,
        guardian: Some(new_guardian.to_string()),
    }]);
    let config = dao.suite.config();
    assert_eq!(config.guardian, Some(new_guardian));
    assert_eq!(config.engine, Some(dao.suite.engine.clone()));
}

#[test]
fn a_new_fund_engine_is_applied_after_the_long_timelock() {
    let mut dao = dao();
    let new_engine = dao.suite.addr("engine-v2");
    let id = dao.propose(vec![Action::UpdateFundConfig {
        engine: Some(new_engine.to_string()),
        guardian: None,
    }]);
    let passed = dao.pass(id);
    assert_eq!(
        dao.suite.proposal(id).executable_at,
        Some(passed.plus_seconds(EXIT))
    );
    dao.suite.advance(EXIT);
    dao.execute(id).unwrap();
    assert_eq!(dao.suite.config().engine, Some(new_engine));
}

#[test]
fn market_actions_reach_the_engine() {
    let mut dao = dao();
    let feeders = dao.suite.feeder_strings();
    let id = dao.propose(vec![Action::AddMarket(new_market(ETH, feeders))]);
    let passed = dao.pass(id);
    dao.suite.advance(EXIT);
    dao.execute(id).unwrap();
    let market = dao.suite.market(ETH);
    assert_eq!(market.params, default_market_params());
    let mut expected = dao.suite.feeders();
    expected.sort();
    assert_eq!(market.feeders, expected);
    assert_eq!(market.base_reserve, Uint128::new(1_000_000_000_000));
    assert_eq!(market.quote_reserve, Uint128::new(2_000_000_000_000_000));
    assert_eq!(market.last_funding_time, passed.plus_seconds(EXIT));

    // A stricter market is not risky: 2 days.
    let stricter = MarketParams {
        initial_margin_ratio: Decimal::percent(20),
        max_spread: Decimal::percent(5),
        ..default_market_params()
    };
    dao.enact(vec![Action::UpdateMarket {
        market: ETH.to_string(),
        params: stricter.clone(),
    }]);
    assert_eq!(dao.suite.market(ETH).params, stricter);

    let feeders = vec![dao.suite.addr("feeder-2"), dao.suite.addr("feeder-3")];
    dao.enact(vec![Action::SetFeeders {
        market: ETH.to_string(),
        feeders: feeders.iter().map(Addr::to_string).collect(),
    }]);
    let mut got = dao.suite.market(ETH).feeders;
    got.sort();
    let mut want = feeders;
    want.sort();
    assert_eq!(got, want);
}

#[test]
fn engine_pause_and_fees_reach_the_engine() {
    let mut dao = dao();
    let pause = EnginePause {
        new_positions: true,
        margin_removal: true,
        liquidation: false,
        halted: true,
    };
    let fees = FeeConfig {
        fund_share_max: Decimal::percent(70),
        fund_share_min: Decimal::percent(30),
        sweep_threshold: Uint128::new(100 * ONE),
    };
    dao.enact(vec![
        Action::SetEnginePause(pause),
        Action::UpdateEngineFees(fees.clone()),
    ]);
    let config = engine_config(&dao.suite);
    assert_eq!(config.pause, pause);
    assert_eq!(config.fees, fees);
    // Governance may also lift what it set.
    dao.enact(vec![Action::SetEnginePause(EnginePause::default())]);
    assert_eq!(engine_config(&dao.suite).pause, EnginePause::default());
}

#[test]
fn a_raw_bank_message_pays_from_governances_own_coins() {
    let mut dao = dao();
    let gov = dao.suite.gov().contract.clone();
    let grantee = dao.suite.addr("grantee");
    dao.suite.mint_coins(&gov, coins(7 * ONE, "ugov"));
    let id = dao.propose(vec![Action::Raw(CosmosMsg::Bank(BankMsg::Send {
        to_address: grantee.to_string(),
        amount: coins(5 * ONE, "ugov"),
    }))]);
    assert_eq!(dao.suite.proposal(id).timelock_seconds, EXIT);
    dao.suite
        .pass_and_wait(id, &[&dao.alice.clone(), &dao.bob.clone()]);
    dao.execute(id).unwrap();
    assert_eq!(dao.suite.proposal(id).status, ProposalStatus::Executed);
    let balance = |who: &Addr| {
        dao.suite
            .app
            .wrap()
            .query_balance(who, "ugov")
            .unwrap()
            .amount
            .u128()
    };
    assert_eq!(balance(&grantee), 5 * ONE);
    assert_eq!(balance(&gov), 2 * ONE);
}

#[test]
fn gov_config_changes_apply_to_later_proposals_only() {
    let mut dao = dao();
    let mut config = GovConfig::default();
    config.rules.timelock_seconds = DAY;
    config.rules.voting_period_seconds = DAY;
    config.max_actions = 3;
    // A proposal made before the change keeps the rules it was made with.
    let before = dao.propose(vec![fund_pause(true)]);
    dao.enact(vec![Action::UpdateGovConfig(config.clone())]);
    assert_eq!(dao.suite.gov_config().config, config);
    assert_eq!(dao.suite.proposal(before).rules, GovConfig::default().rules);
    assert_eq!(dao.suite.proposal(before).timelock_seconds, TIMELOCK);
    let after = dao.propose(vec![fund_pause(true)]);
    let p = dao.suite.proposal(after);
    assert_eq!(p.rules, config.rules);
    assert_eq!(p.timelock_seconds, DAY);
    // A risky proposal still waits out a withdrawal, whatever the configured timelock.
    let risky = dao.timelock_of(vec![params(FundParamsUpdate {
        max_payout_bps: Some(6_000),
        ..Default::default()
    })]);
    assert_eq!(risky, EXIT);
    let carol = dao.carol.clone();
    assert_eq!(
        dao.suite
            .propose(&carol, "too many", vec![fund_pause(true); 4])
            .unwrap_err(),
        GovError::BadActionCount { max: 3 }
    );
}

#[test]
fn ownership_actions_start_a_two_step_transfer() {
    let mut dao = dao();
    let heir = dao.suite.addr("heir");
    let transfer = GovernorAction::TransferOwnership {
        new_owner: heir.to_string(),
        expiry: None,
    };
    let id = dao.propose(vec![
        Action::FundOwnership(transfer.clone()),
        Action::EngineOwnership(transfer),
    ]);
    dao.pass(id);
    dao.suite.advance(EXIT);
    dao.execute(id).unwrap();
    let gov = dao.suite.gov().contract.clone();
    let fund_owner: Ownership<Addr> = dao.suite.try_query(&fund::QueryMsg::Ownership {}).unwrap();
    let engine_owner: Ownership<Addr> = dao
        .suite
        .app
        .wrap()
        .query_wasm_smart(&dao.suite.engine, &engine::QueryMsg::Ownership {})
        .unwrap();
    for ownership in [fund_owner, engine_owner] {
        assert_eq!(ownership.owner, Some(gov.clone()));
        assert_eq!(ownership.pending_owner, Some(heir.clone()));
    }
}

// ----- size cap of actions -----

/// The smallest cap (1024 bytes) still fits the largest settings change and the largest
/// address change any chain could need (Uint128::MAX deposit, every decimal at 18 places,
/// bech32 addresses at their 90-character maximum), so no cap can lock governance.
#[test]
fn the_smallest_action_size_cap_still_fits_any_settings_or_address_change() {
    let mut worst = GovConfig {
        unbonding_seconds: 60 * DAY,
        proposal_deposit: Uint128::MAX,
        refund_rejected: false,
        max_actions: 20,
        max_text_bytes: 10_000,
        max_action_bytes: 64_000,
        ..GovConfig::default()
    };
    let longest = Decimal::raw(999_999_999_999_999_999);
    worst.rules.quorum = longest;
    worst.rules.threshold = longest;
    worst.rules.veto_threshold = longest;
    worst.rules.voting_period_seconds = 30 * DAY;
    worst.rules.timelock_seconds = 30 * DAY;
    let address = "x".repeat(90);
    let all_addresses = GovAddressesUpdate {
        fund: Some(address.clone()),
        engine: Some(address.clone()),
        guardian: Some(address.clone()),
        remove_guardian: Some(false),
        treasury: Some(address),
    };
    for actions in [
        vec![Action::UpdateGovConfig(worst)],
        vec![Action::UpdateGovAddresses(all_addresses)],
    ] {
        let size = to_json_vec(&actions).unwrap().len();
        assert!(size <= 1_024, "{size} bytes: {actions:?}");
    }

    // Live: at the smallest cap the DAO can still raise it again and change its addresses.
    let mut dao = dao();
    let small = GovConfig {
        max_action_bytes: 1_024,
        ..GovConfig::default()
    };
    dao.enact(vec![Action::UpdateGovConfig(small.clone())]);
    assert_eq!(dao.suite.gov_config().config, small);
    // A new fund and engine must answer their queries: the deployed ones do.
    dao.propose(vec![Action::UpdateGovAddresses(GovAddressesUpdate {
        fund: Some(dao.suite.fund.to_string()),
        engine: Some(dao.suite.engine.to_string()),
        treasury: Some(dao.suite.addr("other").to_string()),
        ..Default::default()
    })]);
    dao.enact(vec![Action::UpdateGovConfig(GovConfig::default())]);
    assert_eq!(dao.suite.gov_config().config, GovConfig::default());
}

/// A feeder list or raw message above the default 10,000 bytes is refused with its size; a
/// raised cap lets a large raw message through, and it executes.
#[test]
fn the_action_size_cap_follows_the_settings() {
    let mut dao = dao();
    let carol = dao.carol.clone();
    let feeders: Vec<String> = (0..150)
        .map(|i| dao.suite.addr(&format!("feeder-{i}")).to_string())
        .collect();
    let too_many = vec![Action::SetFeeders {
        market: ETH.to_string(),
        feeders,
    }];
    let size = to_json_vec(&too_many).unwrap().len() as u64;
    assert!(size > 10_000, "{size}");
    assert_eq!(
        dao.suite
            .propose(&carol, "many feeders", too_many)
            .unwrap_err(),
        GovError::ActionsTooLarge { size, max: 10_000 }
    );

    // A raw payment of 300 denoms governance holds: about 13 kB.
    let gov = dao.suite.gov().contract.clone();
    let grantee = dao.suite.addr("grantee");
    let amount: Vec<Coin> = (0..300)
        .map(|i| Coin::new(1u128, format!("denom{i:03}")))
        .collect();
    dao.suite.mint_coins(&gov, amount.clone());
    let payment = vec![Action::Raw(CosmosMsg::Bank(BankMsg::Send {
        to_address: grantee.to_string(),
        amount,
    }))];
    let size = to_json_vec(&payment).unwrap().len() as u64;
    assert!(size > 10_000 && size <= 64_000, "{size}");
    assert_eq!(
        dao.suite
            .propose(&carol, "payment", payment.clone())
            .unwrap_err(),
        GovError::ActionsTooLarge { size, max: 10_000 }
    );
    dao.enact(vec![Action::UpdateGovConfig(GovConfig {
        max_action_bytes: 64_000,
        ..GovConfig::default()
    })]);
    dao.enact(payment);
    for denom in ["denom000", "denom299"] {
        let balance = |who: &Addr| dao.suite.app.wrap().query_balance(who, denom).unwrap();
        assert_eq!(balance(&grantee).amount.u128(), 1);
        assert_eq!(balance(&gov).amount.u128(), 0);
    }
}
