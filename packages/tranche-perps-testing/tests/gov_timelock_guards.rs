//! Two guards of execution: a risk-raising proposal waits out the fund's exit window as it is
//! when the proposal executes (not only as it was when the proposal was made), and a
//! proposal's actions can be run only by that proposal's own execution.

use cosmwasm_std::{to_json_binary, Decimal, WasmMsg};
use cw3::Vote;
use governance::ContractError;
use tranche_perps_testing::{Suite, ONE};
use tranche_perps_types::fund::FundParamsUpdate;
use tranche_perps_types::governance::{Action, ExecuteMsg, ProposalStatus};

const DAY: u64 = 86_400;

fn dao() -> Suite {
    let mut suite = Suite::builder()
        .with_governance(&[("alice", 600 * ONE), ("bob", 400 * ONE)])
        .build();
    let (alice, bob) = (suite.addr("alice"), suite.addr("bob"));
    suite.stake(&alice, 600 * ONE).unwrap();
    suite.stake(&bob, 400 * ONE).unwrap();
    suite.next_block();
    suite
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
    // Both pass at once (alice + bob = all power), the raise executes after its 2 days.
    for id in [raise, risky] {
        suite.vote(&alice, id, Vote::Yes).unwrap();
        suite.vote(&bob, id, Vote::Yes).unwrap();
    }
    let passed = suite.app.block_info().time;
    suite.advance(2 * DAY);
    suite.execute_proposal(&bob, raise).unwrap();
    assert_eq!(suite.config().params.cooldown_seconds, 14 * DAY);
    // Nine days after passing is no longer enough: 14 + 2 days are.
    suite.advance(7 * DAY);
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
    assert!(p.execution_error.is_some());
    assert_eq!(suite.config().params.junior_weight, 3);
}
