//! Invariant 12 of `docs/testing.md#invariants` for governance: the work of a stake, an unstake, a
//! claim, a proposal, a vote on a proposal that already holds a ballot from every other staker, a
//! vote that passes a proposal, an execution (its `RunActions` self-call, and the reply that
//! records a failed run) and a close of that crowded proposal does not depend on the number of
//! stakers or of ballots. A page of passed risk-raising proposals reads the fund's stored exit
//! window once, however many it shows.
//!
//! Governance's entry points run directly on mock dependencies whose storage counts reads,
//! writes, removes, range calls and items iterated; a `MockQuerier` answers the staking token's
//! cw20 `TokenInfo` and `Minter`, the fund's `Config` and its stored parameters (a raw read),
//! and counts the queries that reach it. The same
//! script runs in a world with 10 other stakers (each staking at its own height, and each
//! voting on an older proposal) and in one with 10,000; every count must be identical.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use cosmwasm_std::testing::{message_info, mock_env, MockApi, MockQuerier};
use cosmwasm_std::{
    from_json, to_json_binary, Addr, ContractResult, CosmosMsg, Env, OwnedDeps, Reply, Response,
    SubMsgResult, SystemResult, Uint128, WasmQuery,
};
use cw20::{Cw20QueryMsg, MinterResponse, TokenInfoResponse};
use governance::contract::{execute, instantiate, reply, ReplyId};
use tranche_perps_testing::counting::{
    attribute, check_bytes_record, counting_deps, CountingStorage, Counts,
};
use tranche_perps_testing::time::DAY;
use tranche_perps_testing::ONE;
use tranche_perps_types::fund::{
    self, Cw20Receive, FundParams, FundParamsUpdate, PauseFlags, VIRTUAL_SHARES,
};
use tranche_perps_types::governance::Vote;
use tranche_perps_types::governance::{Action, ExecuteMsg, GovConfig, InstantiateMsg, ReceiveMsg};

/// Every staker's stake but the whale's.
const STAKE: u128 = 1_000 * ONE;
/// The proposal deposit (under a tenth of the token supply the querier reports).
const DEPOSIT: u128 = 100 * ONE;
/// The older proposal every other staker voted on.
const CROWDED: u64 = 1;

/// What one operation cost: storage operations and queries that reached the chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Work {
    storage: Counts,
    queries: usize,
}

/// Governance on counting storage, with its own clock.
struct World {
    deps: OwnedDeps<CountingStorage, MockApi, MockQuerier>,
    env: Env,
    queries: Arc<AtomicUsize>,
    token: Addr,
}

impl World {
    fn addr(&self, name: &str) -> Addr {
        self.deps.api.addr_make(name)
    }

    /// Runs `msg` from `sender`.
    fn exec(&mut self, sender: &Addr, msg: ExecuteMsg) -> Response {
        execute(
            self.deps.as_mut(),
            self.env.clone(),
            message_info(sender, &[]),
            msg,
        )
        .unwrap()
    }

    fn start(&self) {
        self.deps.storage.reset();
        self.queries.store(0, Ordering::SeqCst);
    }

    fn work(&self) -> Work {
        Work {
            storage: self.deps.storage.counts(),
            queries: self.queries.load(Ordering::SeqCst),
        }
    }

    /// Runs `msg` and returns the work it did.
    fn measure(&mut self, sender: &Addr, msg: ExecuteMsg) -> (Response, Work) {
        self.start();
        let res = self.exec(sender, msg);
        (res, self.work())
    }

    /// The staking token calls the `Receive` hook for `who` sending `amount` with `msg`.
    fn receive(&mut self, who: &Addr, amount: u128, msg: &ReceiveMsg) -> (Response, Work) {
        let msg = ExecuteMsg::Receive(Cw20Receive {
            sender: who.to_string(),
            amount: Uint128::new(amount),
            msg: to_json_binary(msg).unwrap(),
        });
        let token = self.token.clone();
        self.measure(&token, msg)
    }

    fn stake(&mut self, who: &Addr, amount: u128) -> Work {
        self.receive(who, amount, &ReceiveMsg::Stake {}).1
    }

    /// `who` proposes raising the fund's `min_remaining` (on the reviewed safe list, so only
    /// the base timelock applies) with the required deposit.
    fn propose(&mut self, who: &Addr) -> (u64, Work) {
        let msg = ReceiveMsg::Propose {
            title: "Larger minimum remaining".to_string(),
            description: "A tranche keeps 2000 in a shortfall".to_string(),
            actions: vec![Action::UpdateFundParams(FundParamsUpdate {
                min_remaining: Some(Uint128::new(2_000)),
                ..Default::default()
            })],
        };
        let (res, work) = self.receive(who, DEPOSIT, &msg);
        (attribute(&res, "proposal_id").parse().unwrap(), work)
    }

    fn vote(&mut self, who: &Addr, proposal_id: u64, vote: Vote) -> (Response, Work) {
        self.measure(who, ExecuteMsg::Vote { proposal_id, vote })
    }

    /// Moves the clock `seconds` and one block on.
    fn advance(&mut self, seconds: u64) {
        self.env.block.time = self.env.block.time.plus_seconds(seconds);
        self.env.block.height += 1;
    }
}

/// A querier answering the staking token's `TokenInfo` and the fund's `Config`, counting every
/// query that reaches it.
fn querier(token: &Addr, fund: &Addr, queries: Arc<AtomicUsize>) -> MockQuerier {
    let (token, fund) = (token.to_string(), fund.to_string());
    let mut querier = MockQuerier::new(&[]);
    querier.update_wasm(move |query| {
        queries.fetch_add(1, Ordering::SeqCst);
        let answer = match query {
            WasmQuery::Smart { contract_addr, msg } if *contract_addr == token => {
                match from_json(msg).unwrap() {
                    // A token with no minter: not a fund's share.
                    Cw20QueryMsg::Minter {} => to_json_binary(&None::<MinterResponse>),
                    Cw20QueryMsg::TokenInfo {} => to_json_binary(&TokenInfoResponse {
                        name: "Venue Governance".to_string(),
                        symbol: "GOV".to_string(),
                        decimals: 6,
                        total_supply: Uint128::new(1_000_000_000_000 * ONE),
                    }),
                    other => panic!("unexpected token query {other:?}"),
                }
            }
            WasmQuery::Smart { contract_addr, msg } if *contract_addr == fund => {
                match from_json(msg).unwrap() {
                    fund::QueryMsg::Config {} => to_json_binary(&fund::ConfigResponse {
                        collateral_denom: "uusdc".to_string(),
                        junior_token: Addr::unchecked("junior-token"),
                        senior_token: Addr::unchecked("senior-token"),
                        engine: None,
                        engine_epoch: 0,
                        guardian: None,
                        params: FundParams::default(),
                        pause: PauseFlags::default(),
                        virtual_shares: Uint128::new(VIRTUAL_SHARES),
                        share_decimals: 9,
                    }),
                    other => panic!("unexpected fund query {other:?}"),
                }
            }
            // The fund's stored parameters, read raw for its exit window.
            WasmQuery::Raw { contract_addr, key }
                if *contract_addr == fund && key.as_slice() == b"params" =>
            {
                to_json_binary(&FundParams::default())
            }
            other => panic!("unexpected query {other:?}"),
        };
        SystemResult::Ok(ContractResult::Ok(answer.unwrap()))
    });
    querier
}

/// Governance with a 100 token proposal deposit and `others` stakers of 1,000 tokens, each
/// staking at its own height, then an older proposal on which every one of them voted
/// (alternately yes and no, so it stays open). `alice` (1,000) and a whale (ten times everyone
/// else together) staked too and have not voted on it.
fn world(others: usize) -> World {
    let api = MockApi::default();
    let (token, fund) = (api.addr_make("gov-token"), api.addr_make("fund"));
    let queries = Arc::new(AtomicUsize::new(0));
    let mut world = World {
        deps: counting_deps(querier(&token, &fund, queries.clone())),
        env: mock_env(),
        queries,
        token,
    };
    let msg = InstantiateMsg {
        staking_token: world.token.to_string(),
        fund: Some(fund.to_string()),
        engine: None,
        guardian: None,
        treasury: world.addr("treasury").to_string(),
        config: Some(GovConfig {
            proposal_deposit: Uint128::new(DEPOSIT),
            ..GovConfig::default()
        }),
    };
    let operator = world.addr("operator");
    instantiate(
        world.deps.as_mut(),
        world.env.clone(),
        message_info(&operator, &[]),
        msg,
    )
    .unwrap();

    let stakers: Vec<Addr> = (0..others)
        .map(|i| world.addr(&format!("staker{i}")))
        .collect();
    for staker in &stakers {
        world.advance(5);
        world.stake(staker, STAKE);
    }
    world.advance(5);
    let (alice, whale) = (world.addr("alice"), world.addr("whale"));
    world.stake(&alice, STAKE);
    world.stake(&whale, 10 * (others as u128 + 2) * STAKE);
    // The proposer holds the power proposing needs (a twelfth of the total, above 0.1%).
    let proposer = world.addr("proposer");
    world.stake(&proposer, (others as u128 + 2) * STAKE);

    world.advance(5);
    let (crowded, _) = world.propose(&proposer);
    assert_eq!(crowded, CROWDED);
    world.advance(5);
    for (i, staker) in stakers.iter().enumerate() {
        let vote = if i % 2 == 0 { Vote::Yes } else { Vote::No };
        let (res, _) = world.vote(staker, CROWDED, vote);
        assert_eq!(attribute(&res, "status"), "open");
    }
    world
}

/// What each measured governance operation cost.
#[derive(Debug, PartialEq, Eq)]
struct Costs {
    stake: Work,
    propose: Work,
    vote_on_crowded_proposal: Work,
    passing_vote: Work,
    unstake: Work,
    execute: Work,
    run_actions: Work,
    failed_execution_reply: Work,
    close: Work,
    claim: Work,
}

impl Costs {
    fn rows(&self) -> Vec<(&'static str, Work)> {
        vec![
            ("stake", self.stake),
            ("propose", self.propose),
            ("vote_on_crowded_proposal", self.vote_on_crowded_proposal),
            ("passing_vote", self.passing_vote),
            ("unstake", self.unstake),
            ("execute", self.execute),
            ("run_actions", self.run_actions),
            ("failed_execution_reply", self.failed_execution_reply),
            ("close", self.close),
            ("claim", self.claim),
        ]
    }
}

fn costs(others: usize) -> Costs {
    let mut world = world(others);
    let (alice, bob, whale, proposer) = (
        world.addr("alice"),
        world.addr("bob"),
        world.addr("whale"),
        world.addr("proposer"),
    );
    world.advance(5);
    let stake = world.stake(&bob, STAKE);

    world.advance(5);
    let (executed, propose) = world.propose(&proposer);
    // A second proposal whose run is made to fail, for the reply.
    let (failing, _) = world.propose(&proposer);

    world.advance(5);
    let (res, vote_on_crowded_proposal) = world.vote(&alice, CROWDED, Vote::Abstain);
    assert_eq!(attribute(&res, "status"), "open");
    let (res, passing_vote) = world.vote(&whale, executed, Vote::Yes);
    assert_eq!(attribute(&res, "status"), "passed");
    let (res, _) = world.vote(&whale, failing, Vote::Yes);
    assert_eq!(attribute(&res, "status"), "passed");

    let msg = ExecuteMsg::Unstake {
        amount: Uint128::new(STAKE / 2),
    };
    let (_, unstake) = world.measure(&bob, msg);

    // Past the timelock (2 days) and the older proposal's voting period (3 days).
    world.advance(3 * DAY);
    let msg = ExecuteMsg::Execute {
        proposal_id: executed,
    };
    let (res, execute) = world.measure(&alice, msg);
    assert_eq!(res.messages.len(), 2, "the run and the deposit refund");
    assert_eq!(res.messages[0].id, ReplyId::Execution as u64);
    let contract = world.env.contract.address.clone();
    let msg = ExecuteMsg::RunActions {
        proposal_id: executed,
    };
    let (res, run_actions) = world.measure(&contract, msg);
    assert_eq!(res.messages.len(), 1, "the fund's parameter update");

    // The other run fails on chain and is rolled back; the reply records the failure.
    let res = world.exec(
        &alice,
        ExecuteMsg::Execute {
            proposal_id: failing,
        },
    );
    let run = &res.messages[0];
    assert!(matches!(run.msg, CosmosMsg::Wasm(_)));
    #[allow(deprecated)]
    let failed = Reply {
        id: run.id,
        payload: run.payload.clone(),
        gas_used: 0,
        result: SubMsgResult::Err("fund refused".to_string()),
    };
    world.start();
    let res = reply(world.deps.as_mut(), world.env.clone(), failed).unwrap();
    let failed_execution_reply = world.work();
    assert_eq!(attribute(&res, "action"), "execution_failed");

    // The crowded proposal missed its quorum (the whale never voted on it).
    let (res, close) = world.measure(
        &bob,
        ExecuteMsg::Close {
            proposal_id: CROWDED,
        },
    );
    assert_eq!(attribute(&res, "status"), "rejected");
    assert_eq!(res.messages.len(), 1, "the deposit refund");

    world.advance(7 * DAY);
    let (res, claim) = world.measure(&bob, ExecuteMsg::Claim {});
    assert_eq!(attribute(&res, "amount"), (STAKE / 2).to_string());

    Costs {
        stake,
        propose,
        vote_on_crowded_proposal,
        passing_vote,
        unstake,
        execute,
        run_actions,
        failed_execution_reply,
        close,
        claim,
    }
}

#[test]
fn work_does_not_grow_with_the_number_of_stakers_or_ballots() {
    let small = costs(10);
    let large = costs(10_000);
    println!("10 other stakers:     {small:#?}");
    println!("10,000 other stakers: {large:#?}");
    for ((name, small), (_, large)) in small.rows().into_iter().zip(large.rows()) {
        small.storage.assert_flat(name, &large.storage);
        assert_eq!(small.queries, large.queries, "{name}: queries");
    }
    let storage: Vec<(&str, Counts)> = small
        .rows()
        .into_iter()
        .map(|(n, w)| (n, w.storage))
        .collect();
    check_bytes_record("governance", &storage);
    // The ranges in a proposal and in a vote are snapshot lookups at a height, each the first
    // changelog entry at or after it, never more: a vote looks up the voter's stake; a proposal
    // the total and the proposer's stake (the power proposing needs).
    assert!(small.propose.storage.ranges <= 2 && small.propose.storage.range_items <= 2);
    for work in [small.vote_on_crowded_proposal, small.passing_vote] {
        assert!(work.storage.ranges <= 1 && work.storage.range_items <= 1);
    }
}

/// The query entry point reads the fund's stored exit window once per query (a raw read),
/// however many passed proposals a page shows: each shows the timelock it would be held to
/// now, which for a proposal judged risk-raising needs the fund's exit window.
#[test]
fn a_page_of_passed_risky_proposals_asks_the_fund_once() {
    use governance::contract::query;
    use tranche_perps_types::governance::{ProposalListResponse, ProposalStatus, QueryMsg};

    let mut world = world(0);
    let (whale, proposer) = (world.addr("whale"), world.addr("proposer"));
    world.advance(5);
    let mut ids = vec![];
    for days in [1, 2, 3] {
        let msg = ReceiveMsg::Propose {
            title: "Shorter cooldown".to_string(),
            description: "Underwriters leave faster".to_string(),
            actions: vec![Action::UpdateFundParams(FundParamsUpdate {
                cooldown_seconds: Some(days * DAY),
                ..Default::default()
            })],
        };
        let (res, _) = world.receive(&proposer, DEPOSIT, &msg);
        ids.push(attribute(&res, "proposal_id").parse::<u64>().unwrap());
    }
    world.advance(5);
    for id in &ids {
        let (res, _) = world.vote(&whale, *id, Vote::Yes);
        assert_eq!(attribute(&res, "status"), "passed");
    }

    world.start();
    let msg = QueryMsg::ListProposals {
        start_after: None,
        limit: None,
    };
    let page: ProposalListResponse =
        from_json(query(world.deps.as_ref(), world.env.clone(), msg).unwrap()).unwrap();
    let passed: Vec<_> = page
        .proposals
        .iter()
        .filter(|p| p.status == ProposalStatus::Passed)
        .collect();
    assert_eq!(passed.len(), 3);
    // each waits the fund's exit window (default cooldown 7 days + claim window 2 days)
    for p in passed {
        assert!(p.executable_at.unwrap() >= world.env.block.time.plus_seconds(9 * DAY - 10));
    }
    assert_eq!(world.work().queries, 1);
}
