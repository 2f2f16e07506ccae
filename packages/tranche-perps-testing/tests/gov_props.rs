//! Randomized governance histories: four voters stake, unstake, claim and transfer GOV, make
//! proposals and vote across blocks. The test keeps its own record of every stake per height
//! and checks after every step that each proposal's tally is exactly the sum of its ballots,
//! that every ballot weighs exactly the voter's stake at the proposal's start height (so never
//! more), that each proposal's total power is the total stake then, and that balances, power
//! and every refusal are the ones the record predicts.
//!
//! Case count: `PROPTEST_CASES` (CI sets thousands).

use std::collections::BTreeMap;

use cosmwasm_std::{Addr, Uint128};
use cw20::Cw20ExecuteMsg;
use cw3::Vote;
use cw_multi_test::Executor;
use governance::ContractError as GovError;
use proptest::prelude::*;
use tranche_perps_testing::{Suite, ONE};
use tranche_perps_types::governance::{
    Action, ExecuteMsg, ProposalStatus, QueryMsg, Tally, VoteListResponse,
};

const VOTERS: usize = 4;
const NAMES: [&str; VOTERS] = ["alice", "bob", "carol", "dave"];
const UNBONDING: u64 = 7 * 86_400;

#[derive(Clone, Debug)]
enum Op {
    Stake {
        who: usize,
        percent: u128,
    },
    Unstake {
        who: usize,
        percent: u128,
    },
    Claim {
        who: usize,
    },
    Transfer {
        from: usize,
        to: usize,
        percent: u128,
    },
    Propose {
        who: usize,
    },
    Vote {
        who: usize,
        pick: usize,
        vote: Vote,
    },
    NextBlock,
    Wait {
        seconds: u64,
    },
}

fn vote() -> impl Strategy<Value = Vote> {
    prop_oneof![
        Just(Vote::Yes),
        Just(Vote::No),
        Just(Vote::Abstain),
        Just(Vote::Veto)
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..VOTERS, 0u128..=100).prop_map(|(who, percent)| Op::Stake { who, percent }),
        2 => (0..VOTERS, 0u128..=100).prop_map(|(who, percent)| Op::Unstake { who, percent }),
        1 => (0..VOTERS).prop_map(|who| Op::Claim { who }),
        2 => (0..VOTERS, 0..VOTERS, 1u128..=100)
            .prop_map(|(from, to, percent)| Op::Transfer { from, to, percent }),
        2 => (0..VOTERS).prop_map(|who| Op::Propose { who }),
        6 => (0..VOTERS, 0usize..64, vote()).prop_map(|(who, pick, vote)| Op::Vote { who, pick, vote }),
        3 => Just(Op::NextBlock),
        1 => (1u64..4 * 86_400).prop_map(|seconds| Op::Wait { seconds }),
    ]
}

/// The test's own record.
#[derive(Default)]
struct Model {
    liquid: [u128; VOTERS],
    stake: [u128; VOTERS],
    /// (height, voter, stake after the change), in order.
    changes: Vec<(u64, usize, u128)>,
    /// Pending claims: (amount, release time in seconds).
    claims: [Vec<(u128, u64)>; VOTERS],
    /// (id, start height) of every proposal.
    proposals: Vec<(u64, u64)>,
    /// Ballots by (proposal id, voter): (vote, weight).
    ballots: BTreeMap<(u64, usize), (Vote, u128)>,
}

impl Model {
    /// Stake of `who` at the start of `height`.
    fn stake_at(&self, who: usize, height: u64) -> u128 {
        self.changes
            .iter()
            .rev()
            .find(|(h, w, _)| *h < height && *w == who)
            .map_or(0, |(_, _, s)| *s)
    }

    fn total_at(&self, height: u64) -> u128 {
        (0..VOTERS).map(|w| self.stake_at(w, height)).sum()
    }

    fn set_stake(&mut self, height: u64, who: usize, stake: u128) {
        self.stake[who] = stake;
        self.changes.push((height, who, stake));
    }
}

fn pause() -> Action {
    Action::SetFundPause {
        deposits: Some(true),
        withdrawals: None,
    }
}

fn all_ballots(suite: &Suite, id: u64) -> Vec<(String, Vote, u128)> {
    let mut out = vec![];
    let mut start_after = None;
    loop {
        let res: VoteListResponse = suite
            .app
            .wrap()
            .query_wasm_smart(
                &suite.gov().contract,
                &QueryMsg::ListVotes {
                    proposal_id: id,
                    start_after: start_after.clone(),
                    limit: Some(3),
                },
            )
            .unwrap();
        if res.votes.is_empty() {
            return out;
        }
        start_after = res.votes.last().map(|v| v.voter.clone());
        out.extend(res.votes.into_iter().map(|v| {
            assert_eq!(v.proposal_id, id);
            (v.voter, v.vote, v.weight.u128())
        }));
    }
}

fn check(suite: &Suite, model: &Model, addrs: &[Addr]) {
    for (w, addr) in addrs.iter().enumerate() {
        assert_eq!(suite.gov_balance(addr), model.liquid[w], "GOV of {w}");
        assert_eq!(suite.voting_power(addr), model.stake[w], "power of {w}");
    }
    for &(id, start) in &model.proposals {
        let p = suite.proposal(id);
        assert_eq!(p.start_height, start);
        assert_eq!(p.total_power.u128(), model.total_at(start), "total of {id}");
        let ballots = all_ballots(suite, id);
        let mut sum = Tally::default();
        for (voter, vote, weight) in &ballots {
            let w = addrs.iter().position(|a| a.as_str() == voter).unwrap();
            let staked_then = model.stake_at(w, start);
            assert_eq!(*weight, staked_then, "ballot of {w} on {id}");
            assert!(*weight <= staked_then);
            assert_eq!(model.ballots.get(&(id, w)), Some(&(*vote, *weight)));
            let slot = match vote {
                Vote::Yes => &mut sum.yes,
                Vote::No => &mut sum.no,
                Vote::Abstain => &mut sum.abstain,
                Vote::Veto => &mut sum.veto,
            };
            *slot += Uint128::new(*weight);
        }
        assert_eq!(
            ballots.len(),
            model.ballots.keys().filter(|(i, _)| *i == id).count()
        );
        assert_eq!(p.tally, sum, "tally of {id}");
    }
}

fn run(ops: Vec<Op>) {
    let mut suite = Suite::builder()
        .with_underwriters(&["lp"], 1_000_000 * ONE)
        .with_governance(&NAMES.map(|n| (n, 1_000 * ONE)))
        .build();
    let addrs: Vec<Addr> = NAMES.iter().map(|n| suite.addr(n)).collect();
    let mut model = Model {
        liquid: [1_000 * ONE; VOTERS],
        ..Model::default()
    };
    for op in ops {
        let height = suite.app.block_info().height;
        let now = suite.app.block_info().time.seconds();
        match op {
            Op::Stake { who, percent } => {
                let amount = model.liquid[who] * percent / 100;
                let res = suite.stake(&addrs[who], amount);
                if amount == 0 {
                    assert_eq!(res.unwrap_err(), GovError::ZeroAmount);
                } else {
                    res.unwrap();
                    model.liquid[who] -= amount;
                    let stake = model.stake[who] + amount;
                    model.set_stake(height, who, stake);
                }
            }
            Op::Unstake { who, percent } => {
                let amount = model.stake[who] * percent / 100;
                let res = suite.unstake(&addrs[who], amount);
                if amount == 0 {
                    assert_eq!(res.unwrap_err(), GovError::ZeroAmount);
                } else if model.claims[who].len() >= 20 {
                    assert_eq!(res.unwrap_err(), GovError::TooManyClaims { max: 20 });
                } else {
                    res.unwrap();
                    let stake = model.stake[who] - amount;
                    model.set_stake(height, who, stake);
                    model.claims[who].push((amount, now + UNBONDING));
                }
            }
            Op::Claim { who } => {
                let due: u128 = model.claims[who]
                    .iter()
                    .filter(|(_, at)| *at <= now)
                    .map(|(a, _)| a)
                    .sum();
                let res = suite.execute_gov(&addrs[who], &ExecuteMsg::Claim {});
                if due == 0 {
                    assert_eq!(res.unwrap_err(), GovError::NothingToClaim);
                } else {
                    res.unwrap();
                    model.claims[who].retain(|(_, at)| *at > now);
                    model.liquid[who] += due;
                }
            }
            Op::Transfer { from, to, percent } => {
                let amount = model.liquid[from] * percent / 100;
                if amount > 0 {
                    let token = suite.gov().token.clone();
                    suite
                        .app
                        .execute_contract(
                            addrs[from].clone(),
                            token,
                            &Cw20ExecuteMsg::Transfer {
                                recipient: addrs[to].to_string(),
                                amount: Uint128::new(amount),
                            },
                            &[],
                        )
                        .unwrap();
                    model.liquid[from] -= amount;
                    model.liquid[to] += amount;
                }
            }
            Op::Propose { who } => {
                let res = suite.propose(&addrs[who], "random", vec![pause()]);
                if model.total_at(height) == 0 {
                    assert_eq!(res.unwrap_err(), GovError::NoStake);
                } else {
                    let id = res.unwrap();
                    assert_eq!(id, model.proposals.len() as u64 + 1);
                    model.proposals.push((id, height));
                }
            }
            Op::Vote { who, pick, vote } => {
                if model.proposals.is_empty() {
                    continue;
                }
                let (id, start) = model.proposals[pick % model.proposals.len()];
                let open = suite.proposal(id).status == ProposalStatus::Open;
                let res = suite.vote(&addrs[who], id, vote);
                let weight = model.stake_at(who, start);
                let voted = model.ballots.contains_key(&(id, who));
                if !open {
                    assert_eq!(res.unwrap_err(), GovError::NotOpen { id });
                } else if voted {
                    assert_eq!(res.unwrap_err(), GovError::AlreadyVoted { id });
                } else if weight == 0 {
                    assert_eq!(res.unwrap_err(), GovError::NoVotingPower { height: start });
                } else {
                    res.unwrap();
                    model.ballots.insert((id, who), (vote, weight));
                }
            }
            Op::NextBlock => suite.next_block(),
            Op::Wait { seconds } => suite.advance(seconds),
        }
        check(&suite, &model, &addrs);
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|c| c.parse().ok())
            .map_or(16, |c: u32| (c / 4).max(16)),
        ..ProptestConfig::default()
    })]

    #[test]
    fn tallies_are_the_ballots_and_ballots_the_stakes_at_the_start(
        ops in prop::collection::vec(op(), 1..60),
    ) {
        run(ops);
    }
}
