//! Governance voting: power read at the proposal's start height (the classic attacks fail),
//! exact outcomes (pass, quorum, threshold, veto), early decisions exactly when no remaining
//! vote could change the outcome, closing and deposits, the list queries, propose errors, and
//! rules copied into each proposal.

use cosmwasm_std::{to_json_binary, Addr, Decimal, Timestamp, Uint128};
use cw20::Cw20ExecuteMsg;
use cw_multi_test::Executor;
use governance::state::{Progress, ProposalTerms};
use governance::tally::outcome;
use governance::ContractError as GovError;
use tranche_perps_testing::gov::{GovRecords, GovResult, VOTERS};
use tranche_perps_testing::time::DAY;
use tranche_perps_testing::{Suite, ONE};
use tranche_perps_types::engine::EnginePause;
use tranche_perps_types::governance::Vote;
use tranche_perps_types::governance::{
    Action, ExecuteMsg, GovConfig, InstantiateMsg, ProposalListResponse, ProposalStatus, QueryMsg,
    ReceiveMsg, Tally, ThresholdResponse, VoteInfo, VoteListResponse, VoteResponse, VotingRules,
};

const DEPOSIT: u128 = 50 * ONE;

// ----- setup -----

fn suite() -> Suite {
    Suite::builder()
        .with_underwriters(&["lp"], 1_000_000 * ONE)
        .with_governance(&VOTERS)
        .build()
}

fn voters(suite: &Suite) -> (Addr, Addr, Addr) {
    (suite.addr("alice"), suite.addr("bob"), suite.addr("carol"))
}

/// alice, bob and carol stake the given whole GOV; the next block starts.
fn stake_all(suite: &mut Suite, alice: u128, bob: u128, carol: u128) {
    suite.stake_each(&[
        ("alice", alice * ONE),
        ("bob", bob * ONE),
        ("carol", carol * ONE),
    ]);
    suite.next_block();
}

/// The suite's governance with 600 / 300 / 100 staked: total power 1000.
fn staked() -> Suite {
    let mut suite = suite();
    stake_all(&mut suite, 600, 300, 100);
    suite
}

/// Replaces the suite's governance with a fresh one (same GOV token, treasury and code) with
/// `config`; `targets` says whether fund and engine are configured.
fn own_governance(suite: &mut Suite, config: GovConfig, targets: bool) {
    let (code_id, token, treasury) = {
        let g = suite.gov();
        (g.code_id, g.token.clone(), g.treasury.clone())
    };
    let msg = InstantiateMsg {
        staking_token: token.to_string(),
        fund: targets.then(|| suite.fund.to_string()),
        engine: targets.then(|| suite.engine.to_string()),
        guardian: Some(suite.guardian.to_string()),
        treasury: treasury.to_string(),
        config: Some(config),
    };
    let operator = suite.operator.clone();
    let contract = suite
        .app
        .instantiate_contract(code_id, operator, &msg, &[], "governance 2", None)
        .unwrap();
    suite.gov = Some(GovRecords {
        contract,
        token,
        treasury,
        code_id,
    });
}

fn deposit_config(refund_rejected: bool) -> GovConfig {
    GovConfig {
        proposal_deposit: Uint128::new(DEPOSIT),
        refund_rejected,
        ..GovConfig::default()
    }
}

fn pause() -> Action {
    Action::SetFundPause {
        deposits: Some(true),
        withdrawals: None,
    }
}

fn tally(yes: u128, no: u128, abstain: u128, veto: u128) -> Tally {
    Tally {
        yes: Uint128::new(yes * ONE),
        no: Uint128::new(no * ONE),
        abstain: Uint128::new(abstain * ONE),
        veto: Uint128::new(veto * ONE),
    }
}

fn status(suite: &Suite, id: u64) -> ProposalStatus {
    suite.proposal(id).status
}

fn height(suite: &Suite) -> u64 {
    suite.app.block_info().height
}

/// Moves to the end of a proposal's voting period (exactly).
/// Advances to the end of a proposal's voting, if it is still ahead.
fn to_voting_end(suite: &mut Suite, id: u64) {
    let end = suite.proposal(id).voting_end.seconds();
    let now = suite.app.block_info().time.seconds();
    suite.advance(end.saturating_sub(now));
}

fn close(suite: &mut Suite, who: &Addr, id: u64) -> GovResult {
    suite.execute_gov(who, &ExecuteMsg::Close { proposal_id: id })
}

fn transfer_gov(suite: &mut Suite, from: &Addr, to: &Addr, amount: u128) {
    let token = suite.gov().token.clone();
    suite
        .app
        .execute_contract(
            from.clone(),
            token,
            &Cw20ExecuteMsg::Transfer {
                recipient: to.to_string(),
                amount: Uint128::new(amount),
            },
            &[],
        )
        .unwrap();
}

/// cw20 `Send` of `amount` GOV with a `Propose` hook.
fn propose_with_deposit(suite: &mut Suite, who: &Addr, amount: u128) -> GovResult {
    let hook = ReceiveMsg::Propose {
        title: "deposit".to_string(),
        description: String::new(),
        actions: vec![pause()],
    };
    suite.send_gov_hook(who, amount, to_json_binary(&hook).unwrap())
}

// ----- the classic attacks -----

#[test]
fn tokens_staked_after_the_start_do_not_vote() {
    let mut suite = suite();
    let (alice, bob, carol) = voters(&suite);
    stake_all(&mut suite, 600, 200, 0);
    let start = height(&suite);
    let id = suite.propose(&alice, "pause", vec![pause()]).unwrap();
    // Stakes in the proposal's own block do not count either.
    suite.stake(&carol, 100 * ONE).unwrap();
    suite.stake(&bob, 100 * ONE).unwrap();
    suite.next_block();
    let p = suite.proposal(id);
    assert_eq!(p.start_height, start);
    assert_eq!(p.total_power.u128(), 800 * ONE);

    assert_eq!(
        suite.vote(&carol, id, Vote::Yes).unwrap_err(),
        GovError::NoVotingPower { height: start }
    );
    suite.vote(&bob, id, Vote::Yes).unwrap();
    assert_eq!(suite.proposal(id).tally, tally(200, 0, 0, 0));
    assert_eq!(suite.voting_power(&bob), 300 * ONE);

    // On a proposal made later, the new stakes count in full.
    let later = suite.propose(&alice, "pause again", vec![pause()]).unwrap();
    assert_eq!(suite.proposal(later).total_power.u128(), 1_000 * ONE);
    suite.vote(&carol, later, Vote::No).unwrap();
    suite.vote(&bob, later, Vote::No).unwrap();
    assert_eq!(suite.proposal(later).tally, tally(0, 400, 0, 0));
}

#[test]
fn moved_power_does_not_vote_twice() {
    let mut suite = suite();
    own_governance(
        &mut suite,
        GovConfig {
            unbonding_seconds: 3_600,
            ..GovConfig::default()
        },
        true,
    );
    let (alice, bob, carol) = voters(&suite);
    let dave = suite.addr("dave");
    stake_all(&mut suite, 600, 300, 100);
    let start = height(&suite);
    let id = suite.propose(&bob, "pause", vec![pause()]).unwrap();

    // alice leaves and hands her tokens to dave, who stakes them.
    suite.unstake(&alice, 600 * ONE).unwrap();
    suite.advance(3_600);
    suite.execute_gov(&alice, &ExecuteMsg::Claim {}).unwrap();
    transfer_gov(&mut suite, &alice, &dave, 600 * ONE);
    suite.stake(&dave, 600 * ONE).unwrap();
    suite.next_block();
    assert_eq!(suite.voting_power(&dave), 600 * ONE);
    assert_eq!(suite.voting_power(&alice), 0);

    assert_eq!(
        suite.vote(&dave, id, Vote::Yes).unwrap_err(),
        GovError::NoVotingPower { height: start }
    );
    // alice still votes with her power at the start height.
    suite.vote(&alice, id, Vote::Yes).unwrap();
    let p = suite.proposal(id);
    assert_eq!(p.tally, tally(600, 0, 0, 0));
    assert_eq!(p.total_power.u128(), 1_000 * ONE);
    // 600 of 1000 yes, but the 400 left could still veto: open.
    assert_eq!(p.status, ProposalStatus::Open);

    // On a new proposal the roles swap.
    let start2 = height(&suite);
    let id2 = suite.propose(&bob, "pause again", vec![pause()]).unwrap();
    assert_eq!(
        suite.vote(&alice, id2, Vote::Yes).unwrap_err(),
        GovError::NoVotingPower { height: start2 }
    );
    suite.vote(&dave, id2, Vote::No).unwrap();
    assert_eq!(suite.proposal(id2).tally, tally(0, 600, 0, 0));
    assert_eq!(suite.proposal(id2).total_power.u128(), 1_000 * ONE);
    let _ = carol;
}

#[test]
fn a_voter_votes_once() {
    let mut suite = staked();
    let (alice, _, _) = voters(&suite);
    let id = suite.propose(&alice, "pause", vec![pause()]).unwrap();
    suite.vote(&alice, id, Vote::Yes).unwrap();
    for vote in [Vote::Yes, Vote::No, Vote::Abstain, Vote::Veto] {
        assert_eq!(
            suite.vote(&alice, id, vote).unwrap_err(),
            GovError::AlreadyVoted { id }
        );
    }
    assert_eq!(suite.proposal(id).tally, tally(600, 0, 0, 0));
    assert_eq!(status(&suite, id), ProposalStatus::Open);
}

// ----- outcomes at the end of voting -----

#[test]
fn passes_at_the_end_with_quorum_and_a_majority() {
    let mut suite = staked();
    let (alice, bob, carol) = voters(&suite);
    let id = suite.propose(&alice, "pause", vec![pause()]).unwrap();
    suite.vote(&bob, id, Vote::Yes).unwrap();
    suite.vote(&carol, id, Vote::No).unwrap();
    let p = suite.proposal(id);
    assert_eq!(p.tally, tally(300, 100, 0, 0));
    assert_eq!(p.status, ProposalStatus::Open);
    assert_eq!(p.executable_at, None);

    let end = p.voting_end;
    let now = suite.app.block_info().time;
    suite.advance(end.seconds() - now.seconds() - 1);
    assert_eq!(status(&suite, id), ProposalStatus::Open);
    suite.advance(1);
    let p = suite.proposal(id);
    assert_eq!(p.status, ProposalStatus::Passed);
    assert_eq!(p.executable_at, Some(end.plus_seconds(2 * DAY)));
    assert_eq!(p.timelock_seconds, 2 * DAY);
    assert_eq!(
        suite.vote(&alice, id, Vote::No).unwrap_err(),
        GovError::NotOpen { id }
    );
    assert_eq!(suite.proposal(id).tally, tally(300, 100, 0, 0));
}

#[test]
fn rejected_without_quorum_and_passed_at_exactly_quorum() {
    // 333 of 1000 voted: below 0.334.
    let mut suite = suite();
    let (alice, bob, _) = voters(&suite);
    transfer_gov(&mut suite, &alice, &bob, 33 * ONE);
    stake_all(&mut suite, 567, 333, 100);
    let id = suite.propose(&alice, "pause", vec![pause()]).unwrap();
    suite.vote(&bob, id, Vote::Yes).unwrap();
    to_voting_end(&mut suite, id);
    let p = suite.proposal(id);
    assert_eq!(p.tally, tally(333, 0, 0, 0));
    assert_eq!(p.status, ProposalStatus::Rejected);
    assert_eq!(p.executable_at, None);

    // 334 of 1000: exactly the quorum.
    let mut suite = self::suite();
    transfer_gov(&mut suite, &alice, &bob, 34 * ONE);
    stake_all(&mut suite, 566, 334, 100);
    let id = suite.propose(&alice, "pause", vec![pause()]).unwrap();
    suite.vote(&bob, id, Vote::Yes).unwrap();
    assert_eq!(status(&suite, id), ProposalStatus::Open);
    to_voting_end(&mut suite, id);
    assert_eq!(status(&suite, id), ProposalStatus::Passed);
}

#[test]
fn exactly_half_yes_is_rejected() {
    let mut suite = suite();
    let (alice, bob, carol) = voters(&suite);
    stake_all(&mut suite, 200, 200, 100);
    let id = suite.propose(&alice, "pause", vec![pause()]).unwrap();
    suite.vote(&alice, id, Vote::Yes).unwrap();
    suite.vote(&bob, id, Vote::No).unwrap();
    assert_eq!(status(&suite, id), ProposalStatus::Open);
    to_voting_end(&mut suite, id);
    let p = suite.proposal(id);
    assert_eq!(p.tally, tally(200, 200, 0, 0));
    assert_eq!(p.status, ProposalStatus::Rejected);

    // Abstain does not count toward the threshold: 200 yes / 200 no / 100 abstain is 50%.
    let id = suite.propose(&alice, "pause", vec![pause()]).unwrap();
    suite.vote(&alice, id, Vote::Yes).unwrap();
    suite.vote(&bob, id, Vote::No).unwrap();
    suite.vote(&carol, id, Vote::Abstain).unwrap();
    let p = suite.proposal(id);
    assert_eq!(p.tally, tally(200, 200, 100, 0));
    assert_eq!(p.status, ProposalStatus::Rejected);
}

#[test]
fn veto_share_of_votes_cast_vetoes_and_close_sends_the_deposit_to_treasury() {
    let mut suite = suite();
    own_governance(&mut suite, deposit_config(true), true);
    let (alice, bob, carol) = voters(&suite);
    let (gov, treasury) = (suite.gov().contract.clone(), suite.gov().treasury.clone());
    // Total 900: 0.334 of it is 300.6.
    stake_all(&mut suite, 500, 300, 100);
    let id = suite.propose(&alice, "pause", vec![pause()]).unwrap();
    assert_eq!(suite.gov_balance(&alice), 50 * ONE);
    assert_eq!(suite.gov_balance(&gov), 900 * ONE + DEPOSIT);

    suite.vote(&bob, id, Vote::Veto).unwrap();
    suite.vote(&carol, id, Vote::Yes).unwrap();
    // 300 veto is under 0.334 of all power: not decided early.
    assert_eq!(status(&suite, id), ProposalStatus::Open);
    assert_eq!(
        close(&mut suite, &carol, id).unwrap_err(),
        GovError::NotClosable { id }
    );
    to_voting_end(&mut suite, id);
    // 300 of 400 cast vetoed.
    let p = suite.proposal(id);
    assert_eq!(p.tally, tally(100, 0, 0, 300));
    assert_eq!(p.status, ProposalStatus::Vetoed);

    close(&mut suite, &carol, id).unwrap();
    assert_eq!(status(&suite, id), ProposalStatus::Vetoed);
    assert_eq!(suite.gov_balance(&treasury), DEPOSIT);
    assert_eq!(suite.gov_balance(&alice), 50 * ONE);
    assert_eq!(suite.gov_balance(&gov), 900 * ONE);
    assert_eq!(
        close(&mut suite, &carol, id).unwrap_err(),
        GovError::NotClosable { id }
    );
    assert_eq!(suite.gov_balance(&treasury), DEPOSIT);
}

#[test]
fn veto_of_a_third_of_all_power_decides_early() {
    let mut suite = suite();
    own_governance(&mut suite, deposit_config(true), true);
    let (alice, bob, carol) = voters(&suite);
    let treasury = suite.gov().treasury.clone();
    stake_all(&mut suite, 500, 300, 100);
    let id = suite.propose(&alice, "pause", vec![pause()]).unwrap();
    suite.vote(&bob, id, Vote::Veto).unwrap();
    assert_eq!(status(&suite, id), ProposalStatus::Open);
    suite.vote(&carol, id, Vote::Veto).unwrap();
    // 400 >= 300.6: vetoed whatever alice does.
    assert_eq!(status(&suite, id), ProposalStatus::Vetoed);
    assert_eq!(
        suite.vote(&alice, id, Vote::Yes).unwrap_err(),
        GovError::NotOpen { id }
    );
    close(&mut suite, &bob, id).unwrap();
    assert_eq!(suite.gov_balance(&treasury), DEPOSIT);
    assert_eq!(suite.proposal(id).tally, tally(0, 0, 0, 400));
}

// ----- early decisions -----

#[test]
fn passes_early_exactly_when_the_rest_can_no_longer_stop_it() {
    let mut suite = staked();
    let (alice, bob, carol) = voters(&suite);
    let id = suite.propose(&alice, "pause", vec![pause()]).unwrap();
    suite.vote(&alice, id, Vote::Yes).unwrap();
    // 400 left could still veto (400 >= 334).
    assert_eq!(status(&suite, id), ProposalStatus::Open);
    suite.vote(&carol, id, Vote::Yes).unwrap();
    // 300 left: neither a veto nor a no can stop it.
    let now = suite.app.block_info().time;
    let p = suite.proposal(id);
    assert_eq!(p.status, ProposalStatus::Passed);
    assert_eq!(p.executable_at, Some(now.plus_seconds(2 * DAY)));
    assert_eq!(
        suite.vote(&bob, id, Vote::Veto).unwrap_err(),
        GovError::NotOpen { id }
    );
    assert_eq!(suite.proposal(id).tally, tally(700, 0, 0, 0));
}

#[test]
fn does_not_pass_early_while_exactly_a_veto_threshold_remains() {
    let mut suite = suite();
    let (alice, bob, carol) = voters(&suite);
    transfer_gov(&mut suite, &alice, &bob, 34 * ONE);
    stake_all(&mut suite, 566, 334, 100);
    let id = suite.propose(&alice, "pause", vec![pause()]).unwrap();
    suite.vote(&alice, id, Vote::Yes).unwrap();
    suite.vote(&carol, id, Vote::Yes).unwrap();
    // 334 left is exactly 0.334 of 1000: bob's veto would still veto.
    assert_eq!(suite.proposal(id).tally, tally(666, 0, 0, 0));
    assert_eq!(status(&suite, id), ProposalStatus::Open);
    suite.vote(&bob, id, Vote::No).unwrap();
    assert_eq!(status(&suite, id), ProposalStatus::Passed);
}

#[test]
fn rejected_early_exactly_when_the_rest_can_no_longer_pass_or_veto_it() {
    let mut suite = suite();
    let (alice, bob, carol) = voters(&suite);
    // Total 700; carol's 100 is under 0.334 of it.
    stake_all(&mut suite, 500, 100, 100);
    let id = suite.propose(&alice, "pause", vec![pause()]).unwrap();
    suite.vote(&bob, id, Vote::No).unwrap();
    assert_eq!(status(&suite, id), ProposalStatus::Open);
    suite.vote(&alice, id, Vote::Abstain).unwrap();
    // carol's yes would make 100 yes of 200: exactly half, not a pass.
    assert_eq!(status(&suite, id), ProposalStatus::Rejected);
    assert_eq!(
        suite.vote(&carol, id, Vote::Yes).unwrap_err(),
        GovError::NotOpen { id }
    );
    assert_eq!(suite.proposal(id).tally, tally(0, 100, 500, 0));
    close(&mut suite, &carol, id).unwrap();
    assert_eq!(status(&suite, id), ProposalStatus::Rejected);
}

/// A majority voting no cannot lock in a plain rejection (deposit refunded) while the
/// remaining power could still veto it (deposit to the treasury).
#[test]
fn a_no_majority_does_not_preempt_a_possible_veto() {
    let mut suite = suite();
    own_governance(&mut suite, deposit_config(true), true);
    let (alice, bob, carol) = voters(&suite);
    let treasury = suite.gov().treasury.clone();
    stake_all(&mut suite, 500, 300, 100);
    let id = suite.propose(&alice, "pause", vec![pause()]).unwrap();
    suite.vote(&alice, id, Vote::No).unwrap();
    // It can no longer pass, but bob and carol (400 >= 300.6) can still veto it.
    assert_eq!(status(&suite, id), ProposalStatus::Open);
    suite.vote(&bob, id, Vote::Veto).unwrap();
    assert_eq!(status(&suite, id), ProposalStatus::Open);
    suite.vote(&carol, id, Vote::Veto).unwrap();
    assert_eq!(status(&suite, id), ProposalStatus::Vetoed);
    close(&mut suite, &alice, id).unwrap();
    assert_eq!(suite.gov_balance(&treasury), DEPOSIT);
    assert_eq!(suite.gov_balance(&alice), 50 * ONE);
}

/// With a veto threshold under the quorum, a small veto does not decide early: if nobody else
/// voted the proposal would end without quorum, rejected, not vetoed.
#[test]
fn an_early_veto_needs_the_quorum_too() {
    let mut suite = suite();
    let mut config = deposit_config(true);
    config.rules.quorum = Decimal::percent(50);
    config.rules.veto_threshold = Decimal::percent(10);
    own_governance(&mut suite, config, true);
    let (alice, bob, carol) = voters(&suite);
    let treasury = suite.gov().treasury.clone();
    stake_all(&mut suite, 500, 300, 100);
    let id = suite.propose(&alice, "pause", vec![pause()]).unwrap();
    suite.vote(&carol, id, Vote::Veto).unwrap();
    assert_eq!(status(&suite, id), ProposalStatus::Open);
    to_voting_end(&mut suite, id);
    assert_eq!(status(&suite, id), ProposalStatus::Rejected);
    close(&mut suite, &bob, id).unwrap();
    assert_eq!(suite.gov_balance(&alice), 100 * ONE);
    assert_eq!(suite.gov_balance(&treasury), 0);

    // Once the quorum (450) is met, 100 veto (>= 0.1 of all 900) vetoes early.
    let id = suite.propose(&alice, "pause", vec![pause()]).unwrap();
    suite.vote(&carol, id, Vote::Veto).unwrap();
    assert_eq!(status(&suite, id), ProposalStatus::Open);
    suite.vote(&alice, id, Vote::No).unwrap();
    assert_eq!(status(&suite, id), ProposalStatus::Vetoed);
    assert_eq!(
        suite.vote(&bob, id, Vote::Yes).unwrap_err(),
        GovError::NotOpen { id }
    );
}

#[test]
fn votes_after_the_period_are_refused() {
    let mut suite = staked();
    let (alice, bob, _) = voters(&suite);
    let id = suite.propose(&alice, "pause", vec![pause()]).unwrap();
    to_voting_end(&mut suite, id);
    assert_eq!(
        suite.vote(&bob, id, Vote::Yes).unwrap_err(),
        GovError::NotOpen { id }
    );
    let p = suite.proposal(id);
    assert_eq!(p.tally, tally(0, 0, 0, 0));
    assert_eq!(p.status, ProposalStatus::Rejected);
}

/// Brute force over every tally of 12 power under three rule sets: an early decision equals
/// the final outcome for every way the remaining power can vote (including not voting).
#[test]
fn early_outcome_never_contradicts_a_possible_final_outcome() {
    let proposal = |total: u128, tally: Tally, rules: VotingRules| {
        let terms = ProposalTerms {
            proposer: Addr::unchecked("p"),
            deposit: Uint128::zero(),
            rules,
            refund_rejected: Some(true),
            start_height: 1,
            total_power: Uint128::new(total),
            voting_end: Timestamp::from_seconds(100),
            timelock_seconds: 0,
            risky: false,
            exit_window_seconds: None,
        };
        let progress = Progress {
            status: ProposalStatus::Open,
            tally,
            passed_at: None,
            execution_error: None,
            deposit_settled: true,
        };
        (terms, progress)
    };
    let rule_sets = [
        VotingRules::default(),
        VotingRules {
            quorum: Decimal::percent(50),
            threshold: Decimal::percent(66),
            veto_threshold: Decimal::percent(10),
            ..VotingRules::default()
        },
        VotingRules {
            quorum: Decimal::percent(1),
            threshold: Decimal::percent(50),
            veto_threshold: Decimal::percent(100),
            ..VotingRules::default()
        },
    ];
    let total = 12u128;
    let t = |y, n, a, v| Tally {
        yes: Uint128::new(y),
        no: Uint128::new(n),
        abstain: Uint128::new(a),
        veto: Uint128::new(v),
    };
    for rules in rule_sets {
        for y in 0..=total {
            for n in 0..=total - y {
                for a in 0..=total - y - n {
                    for v in 0..=total - y - n - a {
                        let p = proposal(total, t(y, n, a, v), rules.clone());
                        let early = outcome(&p.0, &p.1, Timestamp::from_seconds(1));
                        if early == ProposalStatus::Open {
                            continue;
                        }
                        let rem = total - y - n - a - v;
                        for dy in 0..=rem {
                            for dn in 0..=rem - dy {
                                for da in 0..=rem - dy - dn {
                                    for dv in 0..=rem - dy - dn - da {
                                        let q = proposal(
                                            total,
                                            t(y + dy, n + dn, a + da, v + dv),
                                            rules.clone(),
                                        );
                                        let fin = outcome(&q.0, &q.1, Timestamp::from_seconds(100));
                                        assert_eq!(
                                            early, fin,
                                            "{rules:?} tally {y}/{n}/{a}/{v} + {dy}/{dn}/{da}/{dv}"
                                        );
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The highest threshold allowed (just under 1; 1 itself is refused) still lets a unanimous
/// yes pass, so governance can always undo it.
#[test]
fn the_highest_threshold_allowed_still_passes_a_unanimous_yes() {
    let mut suite = suite();
    let mut config = GovConfig::default();
    config.rules.threshold = Decimal::raw(999_999_999_999_999_999);
    own_governance(&mut suite, config, true);
    stake_all(&mut suite, 600, 300, 100);
    let (alice, bob, carol) = voters(&suite);
    let id = suite
        .propose(
            &alice,
            "undo",
            vec![Action::UpdateGovConfig(GovConfig::default())],
        )
        .unwrap();
    suite.vote(&alice, id, Vote::Yes).unwrap();
    suite.vote(&bob, id, Vote::Yes).unwrap();
    assert_eq!(status(&suite, id), ProposalStatus::Open);
    suite.vote(&carol, id, Vote::Yes).unwrap();
    assert_eq!(status(&suite, id), ProposalStatus::Passed);
}

// ----- close -----

#[test]
fn close_refuses_open_passed_and_closed_proposals() {
    let mut suite = staked();
    let (alice, bob, carol) = voters(&suite);
    let id = suite.propose(&alice, "pause", vec![pause()]).unwrap();
    assert_eq!(
        close(&mut suite, &bob, id).unwrap_err(),
        GovError::NotClosable { id }
    );
    suite.vote(&alice, id, Vote::Yes).unwrap();
    suite.vote(&carol, id, Vote::Yes).unwrap();
    assert_eq!(status(&suite, id), ProposalStatus::Passed);
    assert_eq!(
        close(&mut suite, &bob, id).unwrap_err(),
        GovError::NotClosable { id }
    );
    // Passed at the end of voting (not early) is not closable either.
    let id2 = suite.propose(&alice, "pause", vec![pause()]).unwrap();
    suite.vote(&bob, id2, Vote::Yes).unwrap();
    suite.vote(&carol, id2, Vote::No).unwrap();
    to_voting_end(&mut suite, id2);
    assert_eq!(status(&suite, id2), ProposalStatus::Passed);
    assert_eq!(
        close(&mut suite, &bob, id2).unwrap_err(),
        GovError::NotClosable { id: id2 }
    );
    // Rejected: closable once.
    let id3 = suite.propose(&alice, "pause", vec![pause()]).unwrap();
    to_voting_end(&mut suite, id3);
    close(&mut suite, &bob, id3).unwrap();
    assert_eq!(status(&suite, id3), ProposalStatus::Rejected);
    assert_eq!(
        close(&mut suite, &bob, id3).unwrap_err(),
        GovError::NotClosable { id: id3 }
    );
}

// ----- deposits -----

#[test]
fn a_proposal_needs_exactly_the_deposit() {
    let mut suite = suite();
    own_governance(&mut suite, deposit_config(true), true);
    let (alice, _, _) = voters(&suite);
    let gov = suite.gov().contract.clone();
    stake_all(&mut suite, 500, 300, 100);

    let err = suite
        .execute_gov(
            &alice,
            &ExecuteMsg::Propose {
                title: "free".to_string(),
                description: String::new(),
                actions: vec![pause()],
            },
        )
        .unwrap_err();
    assert_eq!(
        err,
        GovError::WrongDeposit {
            required: Uint128::new(DEPOSIT),
            sent: Uint128::zero(),
        }
    );
    for sent in [DEPOSIT - 1, DEPOSIT + 1] {
        assert_eq!(
            propose_with_deposit(&mut suite, &alice, sent).unwrap_err(),
            GovError::WrongDeposit {
                required: Uint128::new(DEPOSIT),
                sent: Uint128::new(sent),
            }
        );
    }
    assert_eq!(suite.gov_balance(&alice), 100 * ONE);
    assert_eq!(suite.gov_balance(&gov), 900 * ONE);
    let list: ProposalListResponse = suite
        .app
        .wrap()
        .query_wasm_smart(
            &gov,
            &QueryMsg::ListProposals {
                start_after: None,
                limit: None,
            },
        )
        .unwrap();
    assert!(list.proposals.is_empty());

    propose_with_deposit(&mut suite, &alice, DEPOSIT).unwrap();
    let p = suite.proposal(1);
    assert_eq!(p.deposit.u128(), DEPOSIT);
    assert_eq!(suite.gov_balance(&alice), 50 * ONE);
    assert_eq!(suite.gov_balance(&gov), 900 * ONE + DEPOSIT);
    // The deposit is not stake.
    assert_eq!(suite.voting_power(&alice), 500 * ONE);
}

#[test]
fn deposit_of_a_rejected_proposal_follows_the_refund_policy() {
    for refund in [true, false] {
        let mut suite = suite();
        own_governance(&mut suite, deposit_config(refund), true);
        let (alice, bob, _) = voters(&suite);
        let (gov, treasury) = (suite.gov().contract.clone(), suite.gov().treasury.clone());
        stake_all(&mut suite, 500, 300, 100);
        let id = suite.propose(&alice, "pause", vec![pause()]).unwrap();
        suite.vote(&bob, id, Vote::No).unwrap();
        to_voting_end(&mut suite, id);
        assert_eq!(status(&suite, id), ProposalStatus::Rejected);
        // Nothing moves until someone closes it.
        assert_eq!(suite.gov_balance(&gov), 900 * ONE + DEPOSIT);
        close(&mut suite, &bob, id).unwrap();
        assert_eq!(suite.gov_balance(&gov), 900 * ONE);
        if refund {
            assert_eq!(suite.gov_balance(&alice), 100 * ONE);
            assert_eq!(suite.gov_balance(&treasury), 0);
        } else {
            assert_eq!(suite.gov_balance(&alice), 50 * ONE);
            assert_eq!(suite.gov_balance(&treasury), DEPOSIT);
        }
    }
}

#[test]
fn deposit_of_a_passed_proposal_comes_back_at_execution() {
    let mut suite = suite();
    let config = deposit_config(false);
    own_governance(&mut suite, config.clone(), true);
    let (alice, bob, carol) = voters(&suite);
    let (gov, treasury) = (suite.gov().contract.clone(), suite.gov().treasury.clone());
    stake_all(&mut suite, 500, 300, 100);
    let id = suite
        .propose(&alice, "same config", vec![Action::UpdateGovConfig(config)])
        .unwrap();
    suite.vote(&alice, id, Vote::Yes).unwrap();
    suite.vote(&carol, id, Vote::Yes).unwrap();
    assert_eq!(status(&suite, id), ProposalStatus::Passed);
    assert_eq!(suite.gov_balance(&alice), 50 * ONE);
    suite.advance(2 * DAY);
    suite.execute_proposal(&bob, id).unwrap();
    assert_eq!(status(&suite, id), ProposalStatus::Executed);
    assert_eq!(suite.gov_balance(&alice), 100 * ONE);
    assert_eq!(suite.gov_balance(&gov), 900 * ONE);
    assert_eq!(suite.gov_balance(&treasury), 0);
}

/// `who` burns `amount` GOV base units.
fn burn_gov(suite: &mut Suite, who: &Addr, amount: u128) {
    let token = suite.gov().token.clone();
    suite
        .app
        .execute_contract(
            who.clone(),
            token,
            &Cw20ExecuteMsg::Burn {
                amount: Uint128::new(amount),
            },
            &[],
        )
        .unwrap();
}

fn gov_supply(suite: &Suite) -> u128 {
    let info: cw20::TokenInfoResponse = suite
        .app
        .wrap()
        .query_wasm_smart(&suite.gov().token, &cw20::Cw20QueryMsg::TokenInfo {})
        .unwrap();
    info.total_supply.u128()
}

/// The deposit a proposal needs is the configured one capped at a tenth of the GOV supply now
/// (rounded down), so burns after the settings were set cannot make it unpayable: here the
/// supply falls from 1000 to just under 60 GOV while the configured deposit stays 100 GOV,
/// and the last staker can still propose (and pass) lowering it.
#[test]
fn the_deposit_follows_a_shrinking_supply_so_governance_never_locks() {
    let mut suite = suite();
    let configured = 100 * ONE;
    // Exactly a tenth of the 1000 GOV supply: accepted.
    own_governance(
        &mut suite,
        GovConfig {
            proposal_deposit: Uint128::new(configured),
            ..GovConfig::default()
        },
        true,
    );
    let (alice, bob, carol) = voters(&suite);
    let gov = suite.gov().contract.clone();
    stake_all(&mut suite, 600, 300, 50);
    assert_eq!(suite.required_deposit(), configured);

    // Carol burns all but 10 GOV (less 3 base units) of her liquid GOV; alice and bob unstake,
    // claim and burn everything.
    burn_gov(&mut suite, &carol, 40 * ONE + 3);
    for who in [&alice, &bob] {
        let power = suite.voting_power(who);
        suite.unstake(who, power).unwrap();
    }
    suite.advance(GovConfig::default().unbonding_seconds);
    for who in [&alice, &bob] {
        suite.execute_gov(who, &ExecuteMsg::Claim {}).unwrap();
        let all = suite.gov_balance(who);
        burn_gov(&mut suite, who, all);
    }
    suite.next_block();
    assert_eq!(gov_supply(&suite), 60 * ONE - 3);
    assert_eq!(
        suite.gov_config().config.proposal_deposit.u128(),
        configured
    );
    let required = (60 * ONE - 3) / 10;
    assert_eq!(required, 6 * ONE - 1);

    // Anything but the capped deposit is refused, and nothing moves.
    for sent in [required - 1, required + 1, 10 * ONE - 3] {
        assert_eq!(
            propose_with_deposit(&mut suite, &carol, sent).unwrap_err(),
            GovError::WrongDeposit {
                required: Uint128::new(required),
                sent: Uint128::new(sent),
            }
        );
    }
    assert_eq!(suite.gov_balance(&carol), 10 * ONE - 3);
    assert_eq!(suite.gov_balance(&gov), 50 * ONE);

    // Carol, all the power left, lowers the deposit with the capped one.
    let fix = suite
        .propose(
            &carol,
            "lower the deposit",
            vec![Action::UpdateGovConfig(GovConfig::default())],
        )
        .unwrap();
    assert_eq!(suite.proposal(fix).deposit.u128(), required);
    assert_eq!(suite.gov_balance(&carol), 10 * ONE - 3 - required);
    suite.pass_and_wait(fix, &[&carol]);
    suite.execute_proposal(&carol, fix).unwrap();
    assert_eq!(status(&suite, fix), ProposalStatus::Executed);
    assert_eq!(suite.gov_balance(&carol), 10 * ONE - 3);
    assert!(suite.gov_config().config.proposal_deposit.is_zero());
}

/// A proposal stored by the code before `refund_rejected` was copied into proposals (its JSON
/// has no such field) still loads after the upgrade, under the refund policy of that code (the
/// settings' policy at close, here a refund): it can be queried, voted on, and closed with a
/// refund. (`gov_stored_proposals.rs` covers settings that keep the deposit.)
#[test]
fn a_proposal_stored_before_refund_rejected_existed_still_loads_and_refunds() {
    let mut suite = suite();
    own_governance(&mut suite, deposit_config(true), true);
    let (alice, bob, _) = voters(&suite);
    stake_all(&mut suite, 500, 300, 100);
    let id = suite.propose(&alice, "pause", vec![pause()]).unwrap();
    tranche_perps_testing::gov::store_as_legacy_proposal(&mut suite, id, &["refund_rejected"]);
    assert!(suite.proposal(id).refund_rejected);
    suite.vote(&alice, id, Vote::No).unwrap();
    suite.vote(&bob, id, Vote::No).unwrap();
    assert_eq!(status(&suite, id), ProposalStatus::Rejected);
    close(&mut suite, &bob, id).unwrap();
    assert_eq!(status(&suite, id), ProposalStatus::Rejected);
    assert_eq!(suite.gov_balance(&alice), 100 * ONE);
    assert_eq!(suite.gov_balance(&suite.gov().treasury), 0);
}

// ----- queries -----

fn list(suite: &Suite, msg: QueryMsg) -> Vec<u64> {
    let res: ProposalListResponse = suite
        .app
        .wrap()
        .query_wasm_smart(&suite.gov().contract, &msg)
        .unwrap();
    res.proposals.iter().map(|p| p.id).collect()
}

#[test]
fn proposals_page_both_ways() {
    let mut suite = staked();
    let (alice, _, _) = voters(&suite);
    for i in 1..=32u64 {
        assert_eq!(
            suite.propose(&alice, &format!("p{i}"), vec![pause()]),
            Ok(i)
        );
    }
    let fwd = |start_after, limit| QueryMsg::ListProposals { start_after, limit };
    let rev = |start_before, limit| QueryMsg::ReverseProposals {
        start_before,
        limit,
    };
    assert_eq!(list(&suite, fwd(None, None)), (1..=10).collect::<Vec<_>>());
    assert_eq!(
        list(&suite, fwd(None, Some(100))),
        (1..=30).collect::<Vec<_>>()
    );
    assert_eq!(list(&suite, fwd(None, Some(2))), vec![1, 2]);
    assert_eq!(list(&suite, fwd(Some(2), Some(2))), vec![3, 4]);
    assert_eq!(list(&suite, fwd(Some(30), Some(5))), vec![31, 32]);
    assert_eq!(list(&suite, fwd(Some(32), None)), Vec::<u64>::new());
    assert_eq!(list(&suite, fwd(None, Some(0))), Vec::<u64>::new());
    assert_eq!(
        list(&suite, rev(None, None)),
        (23..=32).rev().collect::<Vec<_>>()
    );
    assert_eq!(
        list(&suite, rev(None, Some(100))),
        (3..=32).rev().collect::<Vec<_>>()
    );
    assert_eq!(list(&suite, rev(Some(3), Some(5))), vec![2, 1]);
    assert_eq!(list(&suite, rev(Some(1), None)), Vec::<u64>::new());
    let res: ProposalListResponse = suite
        .app
        .wrap()
        .query_wasm_smart(&suite.gov().contract, &fwd(Some(6), Some(1)))
        .unwrap();
    assert_eq!(res.proposals, vec![suite.proposal(7)]);
    assert_eq!(res.proposals[0].title, "p7");
}

#[test]
fn votes_page_by_voter_address() {
    let mut suite = staked();
    let (alice, bob, carol) = voters(&suite);
    let id = suite.propose(&alice, "pause", vec![pause()]).unwrap();
    suite.vote(&bob, id, Vote::No).unwrap();
    suite.vote(&carol, id, Vote::Abstain).unwrap();
    suite.vote(&alice, id, Vote::Yes).unwrap();
    let mut expected = vec![
        VoteInfo {
            proposal_id: id,
            voter: alice.to_string(),
            vote: Vote::Yes,
            weight: Uint128::new(600 * ONE),
        },
        VoteInfo {
            proposal_id: id,
            voter: bob.to_string(),
            vote: Vote::No,
            weight: Uint128::new(300 * ONE),
        },
        VoteInfo {
            proposal_id: id,
            voter: carol.to_string(),
            vote: Vote::Abstain,
            weight: Uint128::new(100 * ONE),
        },
    ];
    expected.sort_by(|a, b| a.voter.cmp(&b.voter));
    let gov = suite.gov().contract.clone();
    let votes = |start_after: Option<String>, limit| {
        let res: VoteListResponse = suite
            .app
            .wrap()
            .query_wasm_smart(
                &gov,
                &QueryMsg::ListVotes {
                    proposal_id: id,
                    start_after,
                    limit,
                },
            )
            .unwrap();
        res.votes
    };
    assert_eq!(votes(None, None), expected);
    assert_eq!(votes(None, Some(2)), expected[..2].to_vec());
    assert_eq!(
        votes(Some(expected[1].voter.clone()), Some(2)),
        expected[2..].to_vec()
    );
    assert_eq!(votes(Some(expected[2].voter.clone()), None), vec![]);
    for info in &expected {
        let res: VoteResponse = suite
            .app
            .wrap()
            .query_wasm_smart(
                &gov,
                &QueryMsg::Vote {
                    proposal_id: id,
                    voter: info.voter.clone(),
                },
            )
            .unwrap();
        assert_eq!(res.vote.as_ref(), Some(info));
    }
    let nobody: VoteResponse = suite
        .app
        .wrap()
        .query_wasm_smart(
            &gov,
            &QueryMsg::Vote {
                proposal_id: id,
                voter: suite.addr("dave").to_string(),
            },
        )
        .unwrap();
    assert_eq!(nobody.vote, None);
    // Another proposal has no ballots.
    let other = suite.propose(&alice, "other", vec![pause()]).unwrap();
    let res: VoteListResponse = suite
        .app
        .wrap()
        .query_wasm_smart(
            &gov,
            &QueryMsg::ListVotes {
                proposal_id: other,
                start_after: None,
                limit: None,
            },
        )
        .unwrap();
    assert!(res.votes.is_empty());
}

#[test]
fn threshold_reports_the_rules_and_total_power_now() {
    let mut suite = staked();
    let (alice, _, _) = voters(&suite);
    let threshold = |suite: &Suite| -> ThresholdResponse {
        suite
            .app
            .wrap()
            .query_wasm_smart(&suite.gov().contract, &QueryMsg::Threshold {})
            .unwrap()
    };
    assert_eq!(
        threshold(&suite),
        ThresholdResponse {
            threshold: Decimal::percent(50),
            quorum: Decimal::permille(334),
            veto_threshold: Decimal::permille(334),
            total_weight: Uint128::new(1_000 * ONE),
        }
    );
    suite.unstake(&alice, 100 * ONE).unwrap();
    assert_eq!(threshold(&suite).total_weight.u128(), 900 * ONE);
}

// ----- propose errors -----

#[test]
fn a_proposal_carries_one_to_max_actions() {
    let mut suite = staked();
    let (alice, _, _) = voters(&suite);
    assert_eq!(
        suite.propose(&alice, "none", vec![]).unwrap_err(),
        GovError::BadActionCount { max: 10 }
    );
    assert_eq!(
        suite
            .propose(&alice, "eleven", vec![pause(); 11])
            .unwrap_err(),
        GovError::BadActionCount { max: 10 }
    );
    assert_eq!(suite.propose(&alice, "ten", vec![pause(); 10]), Ok(1));
    assert_eq!(suite.proposal(1).actions.len(), 10);
}

#[test]
fn a_proposal_needs_a_title_and_fits_the_text_cap() {
    let mut suite = staked();
    let (alice, _, _) = voters(&suite);
    let propose = |suite: &mut Suite, title: &str, description: &str| {
        suite.execute_gov(
            &alice,
            &ExecuteMsg::Propose {
                title: title.to_string(),
                description: description.to_string(),
                actions: vec![pause()],
            },
        )
    };
    for (title, description) in [
        (String::new(), "description".to_string()),
        ("  \n ".to_string(), String::new()),
        ("t".to_string(), "d".repeat(4_000)),
        ("t".repeat(4_001), String::new()),
    ] {
        assert_eq!(
            propose(&mut suite, &title, &description).unwrap_err(),
            GovError::BadText { max: 4_000 }
        );
    }
    propose(&mut suite, "t", &"d".repeat(3_999)).unwrap();
    propose(&mut suite, &"t".repeat(4_000), "").unwrap();
    // Bytes, not characters: 1334 three-byte characters are 4002 bytes.
    assert_eq!(
        propose(&mut suite, &"€".repeat(1_334), "").unwrap_err(),
        GovError::BadText { max: 4_000 }
    );
    assert_eq!(suite.proposal(1).description.len(), 3_999);
}

#[test]
fn nobody_staked_means_no_proposal() {
    let mut suite = suite();
    let (alice, _, _) = voters(&suite);
    assert_eq!(
        suite.propose(&alice, "pause", vec![pause()]).unwrap_err(),
        GovError::NoStake
    );
    // A stake in the proposal's own block does not count yet.
    suite.stake(&alice, ONE).unwrap();
    assert_eq!(
        suite.propose(&alice, "pause", vec![pause()]).unwrap_err(),
        GovError::NoStake
    );
    suite.next_block();
    assert_eq!(suite.propose(&alice, "pause", vec![pause()]), Ok(1));
    assert_eq!(suite.proposal(1).total_power.u128(), ONE);
}

#[test]
fn actions_need_their_target() {
    let mut suite = suite();
    own_governance(&mut suite, GovConfig::default(), false);
    let (alice, _, _) = voters(&suite);
    stake_all(&mut suite, 600, 0, 0);
    assert_eq!(
        suite.propose(&alice, "pause", vec![pause()]).unwrap_err(),
        GovError::NoTarget { target: "fund" }
    );
    let engine_pause = Action::SetEnginePause(EnginePause {
        new_positions: true,
        margin_removal: false,
        liquidation: false,
        halted: false,
    });
    assert_eq!(
        suite
            .propose(&alice, "engine", vec![engine_pause])
            .unwrap_err(),
        GovError::NoTarget { target: "engine" }
    );
    // Governance's own settings need no target.
    assert_eq!(
        suite.propose(
            &alice,
            "config",
            vec![Action::UpdateGovConfig(GovConfig::default())]
        ),
        Ok(1)
    );
}

// ----- rules are copied -----

#[test]
fn a_config_change_leaves_existing_proposals_rules_alone() {
    let mut suite = staked();
    let (alice, bob, carol) = voters(&suite);
    let old = suite.propose(&alice, "pause", vec![pause()]).unwrap();
    let new_rules = VotingRules {
        quorum: Decimal::percent(90),
        threshold: Decimal::percent(60),
        veto_threshold: Decimal::percent(20),
        voting_period_seconds: 3_600,
        timelock_seconds: 0,
    };
    let new_config = GovConfig {
        rules: new_rules.clone(),
        ..GovConfig::default()
    };
    let change = suite
        .propose(
            &alice,
            "new rules",
            vec![Action::UpdateGovConfig(new_config.clone())],
        )
        .unwrap();
    suite.vote(&alice, change, Vote::Yes).unwrap();
    suite.vote(&carol, change, Vote::Yes).unwrap();
    // The old proposal is voted on while open: the settings change waits the 9-day exit
    // window (a governance setting), longer than its voting period.
    suite.vote(&bob, old, Vote::Yes).unwrap();
    suite.vote(&carol, old, Vote::No).unwrap();
    suite.advance(9 * DAY);
    suite.execute_proposal(&bob, change).unwrap();
    assert_eq!(status(&suite, change), ProposalStatus::Executed);
    assert_eq!(suite.gov_config().config, new_config);

    // The old proposal keeps the rules it was made with: 400 of 1000 meets quorum 0.334
    // (not 0.9), and 300 of 400 yes passes 0.5 (and 0.6).
    let p = suite.proposal(old);
    assert_eq!(p.rules, VotingRules::default());
    assert_eq!(p.timelock_seconds, 2 * DAY);
    to_voting_end(&mut suite, old);
    let p = suite.proposal(old);
    assert_eq!(p.status, ProposalStatus::Passed);
    assert_eq!(p.executable_at, Some(p.voting_end.plus_seconds(2 * DAY)));

    // A new proposal gets the new rules.
    let now = suite.app.block_info().time;
    let fresh = suite.propose(&alice, "pause again", vec![pause()]).unwrap();
    let p = suite.proposal(fresh);
    assert_eq!(p.rules, new_rules);
    assert_eq!(p.voting_end, now.plus_seconds(3_600));
    assert_eq!(p.timelock_seconds, 0);
    suite.vote(&bob, fresh, Vote::Yes).unwrap();
    suite.vote(&carol, fresh, Vote::Yes).unwrap();
    to_voting_end(&mut suite, fresh);
    // 400 of 1000 is under the new quorum of 0.9.
    assert_eq!(status(&suite, fresh), ProposalStatus::Rejected);
}

/// The refund policy is copied into each proposal when it is made: switching it off later
/// does not take the deposit of a proposal made while rejected deposits came back, and a
/// proposal made after the switch loses its deposit when rejected.
#[test]
fn the_refund_policy_is_the_one_a_proposal_was_made_under() {
    let mut suite = suite();
    own_governance(&mut suite, deposit_config(true), true);
    let (alice, bob, carol) = voters(&suite);
    let treasury = suite.gov().treasury.clone();
    stake_all(&mut suite, 500, 300, 100);
    // Made under "rejected deposits come back"; nobody votes on it.
    let doomed = suite.propose(&alice, "doomed", vec![pause()]).unwrap();
    assert!(suite.proposal(doomed).refund_rejected);
    let change = suite
        .propose(
            &alice,
            "no refunds",
            vec![Action::UpdateGovConfig(deposit_config(false))],
        )
        .unwrap();
    assert_eq!(suite.gov_balance(&alice), 0);
    suite.vote(&alice, change, Vote::Yes).unwrap();
    suite.vote(&bob, change, Vote::Yes).unwrap();
    // A settings change waits the 9-day exit window.
    suite.advance(9 * DAY);
    suite.execute_proposal(&carol, change).unwrap();
    assert!(!suite.gov_config().config.refund_rejected);
    assert_eq!(suite.gov_balance(&alice), DEPOSIT);
    let later = suite.propose(&alice, "later", vec![pause()]).unwrap();
    assert!(!suite.proposal(later).refund_rejected);
    assert!(suite.proposal(doomed).refund_rejected);

    // Rejected without quorum: its deposit comes back, as promised when it was made.
    to_voting_end(&mut suite, doomed);
    assert_eq!(status(&suite, doomed), ProposalStatus::Rejected);
    close(&mut suite, &bob, doomed).unwrap();
    assert_eq!(suite.gov_balance(&alice), DEPOSIT);
    assert_eq!(suite.gov_balance(&treasury), 0);

    to_voting_end(&mut suite, later);
    assert_eq!(status(&suite, later), ProposalStatus::Rejected);
    close(&mut suite, &bob, later).unwrap();
    assert_eq!(suite.gov_balance(&alice), DEPOSIT);
    assert_eq!(suite.gov_balance(&treasury), DEPOSIT);
}
