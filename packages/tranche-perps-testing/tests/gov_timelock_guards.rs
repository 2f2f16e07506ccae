//! Guards of execution: a risk-raising proposal waits out the fund's exit window as it is when
//! the proposal executes (not only as it was when the proposal was made), and the proposal
//! query shows that same time; a withdrawal pause counts as risk-raising; and a proposal's
//! actions can be run only by that proposal's own execution.

use cosmwasm_std::{to_json_binary, Decimal, WasmMsg};
use governance::ContractError;
use tranche_perps_testing::time::DAY;
use tranche_perps_testing::{Suite, ONE};
use tranche_perps_types::fund::{FundParamsUpdate, Tranche};
use tranche_perps_types::governance::Vote;
use tranche_perps_types::governance::{Action, ExecuteMsg, ProposalStatus};

fn dao() -> Suite {
    Suite::builder()
        .with_staked_governance(&[("alice", 600 * ONE), ("bob", 400 * ONE)])
        .build()
}

/// A risky change proposed while the cooldown is 7 days (timelock 9 days) must wait 16 days if
/// a cooldown raise to 14 days executes before it.
#[test]
fn risky_timelock_follows_the_fund_exit_window_at_execution() {
    let mut suite = dao();
    let (alice, bob) = (suite.addr("alice"), suite.addr("bob"));
    let raise = suite
        .propose(
            &alice,
            "cooldown 14 days",
            vec![Action::UpdateFundParams(FundParamsUpdate {
                cooldown_seconds: Some(14 * DAY),
                ..Default::default()
            })],
        )
        .unwrap();
    let risky = suite
        .propose(
            &alice,
            "ratio 10%",
            vec![Action::UpdateFundParams(FundParamsUpdate {
                min_junior_ratio: Some(Decimal::percent(10)),
                ..Default::default()
            })],
        )
        .unwrap();
    assert_eq!(suite.proposal(risky).timelock_seconds, 9 * DAY);
    // A longer cooldown is off the safe list: it waits the exit window too.
    assert_eq!(suite.proposal(raise).timelock_seconds, 9 * DAY);
    // Both pass at once (alice + bob = all power), the raise executes after its 9 days.
    for id in [raise, risky] {
        suite.vote(&alice, id, Vote::Yes).unwrap();
        suite.vote(&bob, id, Vote::Yes).unwrap();
    }
    let passed = suite.app.block_info().time;
    suite.advance(9 * DAY);
    suite.execute_proposal(&bob, raise).unwrap();
    assert_eq!(suite.config().params.cooldown_seconds, 14 * DAY);
    // Nine days after passing is no longer enough: 14 + 2 days are.
    assert_eq!(
        suite.execute_proposal(&bob, risky).unwrap_err(),
        ContractError::Timelocked {
            id: risky,
            executable_at: passed.plus_seconds(16 * DAY).seconds(),
        }
    );
    suite.advance(7 * DAY);
    suite.execute_proposal(&bob, risky).unwrap();
    assert_eq!(suite.config().params.min_junior_ratio, Decimal::percent(10));
}

/// The proposal query shows the execution time `Execute` enforces: once a cooldown raise has
/// executed, a waiting risky proposal shows 16 days after passing (not the 9 judged when it
/// was made), so `Suite::pass_and_wait` lands exactly on it; once executed, the proposal keeps
/// the timelock it was held to.
#[test]
fn the_proposal_query_shows_the_timelock_execute_enforces() {
    let mut suite = dao();
    let (alice, bob) = (suite.addr("alice"), suite.addr("bob"));
    let raise = suite
        .propose(
            &alice,
            "cooldown 14 days",
            vec![Action::UpdateFundParams(FundParamsUpdate {
                cooldown_seconds: Some(14 * DAY),
                ..Default::default()
            })],
        )
        .unwrap();
    let risky = suite
        .propose(
            &alice,
            "ratio 10%",
            vec![Action::UpdateFundParams(FundParamsUpdate {
                min_junior_ratio: Some(Decimal::percent(10)),
                ..Default::default()
            })],
        )
        .unwrap();
    let passed = suite.app.block_info().time;
    suite.vote(&alice, risky, Vote::Yes).unwrap();
    suite.vote(&bob, risky, Vote::Yes).unwrap();
    assert_eq!(
        suite.proposal(risky).executable_at,
        Some(passed.plus_seconds(9 * DAY))
    );
    suite.pass_and_wait(raise, &[&alice, &bob]);
    suite.execute_proposal(&bob, raise).unwrap();
    let p = suite.proposal(risky);
    assert_eq!(p.timelock_seconds, 9 * DAY);
    assert_eq!(p.executable_at, Some(passed.plus_seconds(16 * DAY)));

    suite.pass_and_wait(risky, &[]);
    assert_eq!(suite.app.block_info().time, passed.plus_seconds(16 * DAY));
    suite.execute_proposal(&bob, risky).unwrap();
    let p = suite.proposal(risky);
    assert_eq!(p.status, ProposalStatus::Executed);
    assert_eq!(p.timelock_seconds, 16 * DAY);
    assert_eq!(p.executable_at, Some(passed.plus_seconds(16 * DAY)));
}

/// A withdrawal pause waits the fund's cooldown plus claim window like the risky change it
/// could shield: an underwriter who asks to leave when a risky change passes claims before
/// either executes. Unpausing withdrawals and pausing deposits keep the short timelock.
#[test]
fn a_withdrawal_pause_waits_out_the_exit_window() {
    let mut suite = Suite::builder()
        .with_underwriters(&["lp", "ann"], 1_000_000 * ONE)
        .with_governance(&[("alice", 600 * ONE), ("bob", 400 * ONE)])
        .build();
    let (alice, bob) = (suite.addr("alice"), suite.addr("bob"));
    suite.stake(&alice, 600 * ONE).unwrap();
    suite.stake(&bob, 400 * ONE).unwrap();
    suite.next_block();
    let (lp, ann) = (suite.addr("lp"), suite.addr("ann"));
    suite.deposit(&lp, Tranche::Junior, 300_000 * ONE).unwrap();
    suite.deposit(&ann, Tranche::Senior, 900_000 * ONE).unwrap();
    let pause = |deposits, withdrawals| Action::SetFundPause {
        deposits,
        withdrawals,
    };
    for (action, timelock) in [
        (pause(None, Some(true)), 9 * DAY),
        (pause(Some(false), Some(true)), 9 * DAY),
        (pause(None, Some(false)), 2 * DAY),
        (pause(Some(true), None), 2 * DAY),
        (pause(Some(true), Some(false)), 2 * DAY),
    ] {
        let id = suite
            .propose(&alice, "pause", vec![action.clone()])
            .unwrap();
        assert_eq!(suite.proposal(id).timelock_seconds, timelock, "{action:?}");
    }

    let risky = suite
        .propose(
            &alice,
            "bigger payouts",
            vec![Action::UpdateFundParams(FundParamsUpdate {
                max_payout_bps: Some(9_000),
                ..Default::default()
            })],
        )
        .unwrap();
    let trap = suite
        .propose(&alice, "pause withdrawals", vec![pause(None, Some(true))])
        .unwrap();
    for id in [risky, trap] {
        suite.vote(&alice, id, Vote::Yes).unwrap();
        suite.vote(&bob, id, Vote::Yes).unwrap();
    }
    let passed = suite.app.block_info().time;
    // lp asks to leave as soon as the risky change passes.
    let request = suite
        .request_withdrawal(&lp, Tranche::Junior, 1_000 * ONE * 1_000)
        .unwrap();
    suite.advance(2 * DAY);
    assert_eq!(
        suite.execute_proposal(&bob, trap).unwrap_err(),
        ContractError::Timelocked {
            id: trap,
            executable_at: passed.plus_seconds(9 * DAY).seconds(),
        }
    );
    suite.advance(5 * DAY);
    suite.claim(&lp, request).unwrap();
    suite.advance(2 * DAY);
    suite.execute_proposal(&bob, trap).unwrap();
    suite.execute_proposal(&bob, risky).unwrap();
    assert!(suite.config().pause.withdrawals);
    assert_eq!(suite.config().params.max_payout_bps, 9_000);
}

/// A passed proposal whose raw action asks governance to run another (vetoed) proposal's
/// actions fails as a whole and is recorded as failed; the vetoed change never applies.
#[test]
fn an_action_cannot_run_another_proposals_actions() {
    let mut suite = dao();
    let (alice, bob) = (suite.addr("alice"), suite.addr("bob"));
    let guardian = suite.guardian.clone();
    let vetoed = suite
        .propose(
            &alice,
            "weights 5:1",
            vec![Action::UpdateFundParams(FundParamsUpdate {
                junior_weight: Some(5),
                ..Default::default()
            })],
        )
        .unwrap();
    suite.vote(&alice, vetoed, Vote::Yes).unwrap();
    suite.vote(&bob, vetoed, Vote::Yes).unwrap();
    suite
        .execute_gov(
            &guardian,
            &ExecuteMsg::Veto {
                proposal_id: vetoed,
            },
        )
        .unwrap();
    assert_eq!(suite.proposal(vetoed).status, ProposalStatus::Vetoed);

    let contract = suite.gov().contract.clone();
    let sneaky = suite
        .propose(
            &alice,
            "run the vetoed one",
            vec![Action::Raw(
                WasmMsg::Execute {
                    contract_addr: contract.to_string(),
                    msg: to_json_binary(&ExecuteMsg::RunActions {
                        proposal_id: vetoed,
                    })
                    .unwrap(),
                    funds: vec![],
                }
                .into(),
            )],
        )
        .unwrap();
    suite.pass_and_wait(sneaky, &[&alice, &bob]);
    suite.execute_proposal(&bob, sneaky).unwrap();
    let p = suite.proposal(sneaky);
    assert_eq!(p.status, ProposalStatus::ExecutionFailed);
    let error = p.execution_error.expect("error recorded");
    assert!(
        error.contains(&format!(
            "proposal {vetoed} is not the proposal being executed"
        )),
        "{error}"
    );
    assert_eq!(suite.config().params.junior_weight, 3);
}
