//! A cw3-flex-multisig over a cw4-group (the crates.io 2.0.0 releases) as governor of the fund
//! and the engine: three members of weight 1, two yes votes pass a proposal, a voting period of
//! one day. The suite's governor offers both governor roles to the multisig, a multisig proposal
//! accepts them, and later proposals change a fund parameter, pause deposits and update a
//! market. Also what operators meet: members vote only from the block after the group is
//! created, an ownership offer that lapses during the vote must be renewed, and the fund's and
//! the engine's bounds hold for a multisig as for anyone. `docs/governing.md` shows the messages
//! built here, as JSON (checked by `docs_show_the_tested_messages`).

use cosmwasm_std::{to_json_binary, Addr, CosmosMsg, Decimal, Empty, WasmMsg};
use cw3::{ProposalResponse, Status, Vote};
use cw3_flex_multisig::ContractError as MultisigError;
use cw4::{Member, MemberResponse, TotalWeightResponse};
use cw_multi_test::{AppResponse, Contract, ContractWrapper, Executor};
use cw_ownable::{Ownership, OwnershipError};
use cw_utils::{Duration, Threshold};
use insurance_fund::ContractError as FundError;
use perp_engine::ContractError as EngineError;
use tranche_perps_testing::gov::Dao;
use tranche_perps_testing::perp::{default_market_params, into_engine_error};
use tranche_perps_testing::time::{DAY, HOUR, WEEK};
use tranche_perps_testing::{into_contract_error, Suite, ONE};
use tranche_perps_types::engine::{self, MarketParams};
use tranche_perps_types::fund::{self, FundParamsUpdate, GovernorAction, Tranche};
use tranche_perps_types::governance::Action;
use tranche_perps_types::Expiration;

const BTC: &str = "BTC-USD";
/// Members of the group, weight 1 each.
const MEMBERS: [&str; 3] = ["alice", "bob", "carol"];
/// Yes votes (of weight 1) that pass a proposal.
const THRESHOLD: u64 = 2;
/// The multisig's longest voting period.
const VOTING_PERIOD: u64 = DAY;

fn group_contract() -> Box<dyn Contract<Empty>> {
    Box::new(ContractWrapper::new(
        cw4_group::contract::execute,
        cw4_group::contract::instantiate,
        cw4_group::contract::query,
    ))
}

fn multisig_contract() -> Box<dyn Contract<Empty>> {
    Box::new(ContractWrapper::new(
        cw3_flex_multisig::contract::execute,
        cw3_flex_multisig::contract::instantiate,
        cw3_flex_multisig::contract::query,
    ))
}

// ----- the messages (also shown in docs/governing.md) -----

/// cw4-group's instantiation: the members, weight 1 each; the deployer is admin until it
/// hands the group to the multisig.
fn group_instantiate(deployer: &str, members: &[String]) -> cw4_group::msg::InstantiateMsg {
    cw4_group::msg::InstantiateMsg {
        admin: Some(deployer.to_string()),
        members: members
            .iter()
            .map(|addr| Member {
                addr: addr.clone(),
                weight: 1,
            })
            .collect(),
    }
}

/// cw3-flex-multisig's instantiation over `group`: 2 yes votes pass, one day to vote, anyone
/// executes a passed proposal, no deposit.
fn multisig_instantiate(group: &str) -> cw3_flex_multisig::msg::InstantiateMsg {
    cw3_flex_multisig::msg::InstantiateMsg {
        group_addr: group.to_string(),
        threshold: Threshold::AbsoluteCount { weight: THRESHOLD },
        max_voting_period: Duration::Time(VOTING_PERIOD),
        executor: None,
        proposal_deposit: None,
    }
}

/// The group's admin (the deployer) makes the multisig the group's admin, so membership
/// changes go through proposals too.
fn group_admin_to(multisig: &str) -> cw4_group::msg::ExecuteMsg {
    cw4_group::msg::ExecuteMsg::UpdateAdmin {
        admin: Some(multisig.to_string()),
    }
}

/// The current governor's offer of the fund's or the engine's governor role.
fn offer(multisig: &str, expiry: Option<Expiration>) -> GovernorAction {
    GovernorAction::TransferOwnership {
        new_owner: multisig.to_string(),
        expiry,
    }
}

fn fund_msg(fund: &str, msg: &fund::ExecuteMsg) -> CosmosMsg {
    WasmMsg::Execute {
        contract_addr: fund.to_string(),
        msg: to_json_binary(msg).unwrap(),
        funds: vec![],
    }
    .into()
}

fn engine_msg(engine: &str, msg: &engine::ExecuteMsg) -> CosmosMsg {
    WasmMsg::Execute {
        contract_addr: engine.to_string(),
        msg: to_json_binary(msg).unwrap(),
        funds: vec![],
    }
    .into()
}

fn propose(title: &str, msgs: Vec<CosmosMsg>) -> cw3_flex_multisig::msg::ExecuteMsg {
    cw3_flex_multisig::msg::ExecuteMsg::Propose {
        title: title.to_string(),
        description: String::new(),
        msgs,
        latest: None,
    }
}

/// The proposal accepting both governor roles.
fn accept_both(fund: &str, engine: &str) -> cw3_flex_multisig::msg::ExecuteMsg {
    propose(
        "accept the governor roles",
        vec![
            fund_msg(
                fund,
                &fund::ExecuteMsg::UpdateOwnership(GovernorAction::AcceptOwnership),
            ),
            engine_msg(
                engine,
                &engine::ExecuteMsg::UpdateOwnership(GovernorAction::AcceptOwnership),
            ),
        ],
    )
}

/// The fund's share of trading fees raised: `target_coverage_bps` 1,000 -> 1,500.
fn raise_coverage() -> fund::ExecuteMsg {
    fund::ExecuteMsg::UpdateParams(FundParamsUpdate {
        target_coverage_bps: Some(1_500),
        ..Default::default()
    })
}

fn pause_deposits() -> fund::ExecuteMsg {
    fund::ExecuteMsg::SetPause {
        deposits: Some(true),
        withdrawals: None,
    }
}

/// The proposal raising the coverage target and pausing deposits.
fn coverage_and_pause(fund: &str) -> cw3_flex_multisig::msg::ExecuteMsg {
    propose(
        "raise the coverage target, pause deposits",
        vec![
            fund_msg(fund, &raise_coverage()),
            fund_msg(fund, &pause_deposits()),
        ],
    )
}

/// Stricter margins for BTC-USD: 20% initial, 8% maintenance (from 10% and 5%).
fn stricter_market() -> MarketParams {
    MarketParams {
        initial_margin_ratio: Decimal::percent(20),
        maintenance_margin_ratio: Decimal::percent(8),
        ..default_market_params()
    }
}

fn vote(proposal_id: u64) -> cw3_flex_multisig::msg::ExecuteMsg {
    cw3_flex_multisig::msg::ExecuteMsg::Vote {
        proposal_id,
        vote: Vote::Yes,
    }
}

fn execute(proposal_id: u64) -> cw3_flex_multisig::msg::ExecuteMsg {
    cw3_flex_multisig::msg::ExecuteMsg::Execute { proposal_id }
}

// ----- the suite with a multisig -----

/// The suite (fund, engine with BTC-USD, lp with 1M USDC), the group and the multisig, created
/// in the current block.
struct Multisig {
    suite: Suite,
    group: Addr,
    multisig: Addr,
    members: Vec<Addr>,
    /// The suite's governor before the multisig (the deployer's governor key).
    old_governor: Addr,
}

impl Multisig {
    /// Deploys the suite, then the group and the multisig in the same block; the deployer
    /// hands the group's admin role to the multisig. Nobody has offered anything yet.
    fn new() -> Self {
        let mut suite = Suite::builder()
            .with_underwriters(&["lp"], 1_000_000 * ONE)
            .with_perp_engine()
            .build();
        suite
            .add_market(BTC, 1_000_000_000_000, 100_000_000_000_000)
            .unwrap();
        let members: Vec<Addr> = MEMBERS.iter().map(|m| suite.addr(m)).collect();
        let member_strings: Vec<String> = members.iter().map(Addr::to_string).collect();
        let deployer = suite.operator.clone();
        let group_code = suite.app.store_code(group_contract());
        let multisig_code = suite.app.store_code(multisig_contract());
        let group = suite
            .app
            .instantiate_contract(
                group_code,
                deployer.clone(),
                &group_instantiate(deployer.as_str(), &member_strings),
                &[],
                "group",
                None,
            )
            .unwrap();
        let multisig = suite
            .app
            .instantiate_contract(
                multisig_code,
                deployer.clone(),
                &multisig_instantiate(group.as_str()),
                &[],
                "multisig",
                None,
            )
            .unwrap();
        suite
            .app
            .execute_contract(
                deployer,
                group.clone(),
                &group_admin_to(multisig.as_str()),
                &[],
            )
            .unwrap();
        let old_governor = suite.governor.clone();
        Multisig {
            suite,
            group,
            multisig,
            members,
            old_governor,
        }
    }

    /// [`Multisig::new`], the next block, the offers of both roles without expiry, and the
    /// multisig's proposal accepting them, passed (alice and bob) and executed.
    fn governing() -> Self {
        let mut m = Self::new();
        m.suite.next_block();
        m.offer_both(None);
        let id = m.propose(0, &accept_both(m.fund().as_str(), m.engine().as_str()));
        m.vote(1, id).unwrap();
        m.execute(id).unwrap();
        m.suite.governor = m.multisig.clone();
        m
    }

    fn fund(&self) -> Addr {
        self.suite.fund.clone()
    }

    fn engine(&self) -> Addr {
        self.suite.engine.clone()
    }

    /// The suite's governor offers both roles to the multisig.
    fn offer_both(&mut self, expiry: Option<Expiration>) {
        let (governor, multisig) = (self.old_governor.clone(), self.multisig.to_string());
        self.suite
            .execute_fund(
                &governor,
                &fund::ExecuteMsg::UpdateOwnership(offer(&multisig, expiry)),
                &[],
            )
            .unwrap();
        self.suite
            .execute_engine(
                &governor,
                &engine::ExecuteMsg::UpdateOwnership(offer(&multisig, expiry)),
                &[],
            )
            .unwrap();
    }

    fn send(
        &mut self,
        sender: &Addr,
        msg: &cw3_flex_multisig::msg::ExecuteMsg,
    ) -> anyhow::Result<AppResponse> {
        let res = self
            .suite
            .app
            .execute_contract(sender.clone(), self.multisig.clone(), msg, &[]);
        // Whatever the multisig ran, the fund's and the engine's books still hold.
        self.suite.check_invariants();
        self.suite.check_engine_invariants();
        res
    }

    /// Member `i` proposes (which is its yes vote); returns the id.
    fn propose(&mut self, i: usize, msg: &cw3_flex_multisig::msg::ExecuteMsg) -> u64 {
        let member = self.members[i].clone();
        let res = self.send(&member, msg).unwrap();
        tranche_perps_testing::wasm_attr(&res, "proposal_id")
            .parse()
            .unwrap()
    }

    /// Member `i` votes yes.
    fn vote(&mut self, i: usize, id: u64) -> Result<AppResponse, MultisigError> {
        let member = self.members[i].clone();
        self.send(&member, &vote(id)).map_err(multisig_error)
    }

    /// A keeper (anyone) executes a proposal.
    fn execute(&mut self, id: u64) -> anyhow::Result<AppResponse> {
        let keeper = self.suite.addr("keeper");
        self.send(&keeper, &execute(id))
    }

    fn proposal(&self, id: u64) -> ProposalResponse {
        self.suite
            .app
            .wrap()
            .query_wasm_smart(
                &self.multisig,
                &cw3_flex_multisig::msg::QueryMsg::Proposal { proposal_id: id },
            )
            .unwrap()
    }

    /// A member's weight in the group at the start of block `height` (cw4's snapshot query).
    fn weight_at(&self, member: &Addr, height: Option<u64>) -> Option<u64> {
        let res: MemberResponse = self
            .suite
            .app
            .wrap()
            .query_wasm_smart(
                &self.group,
                &cw4_group::msg::QueryMsg::Member {
                    addr: member.to_string(),
                    at_height: height,
                },
            )
            .unwrap();
        res.weight
    }

    fn fund_owner(&self) -> Ownership<Addr> {
        self.suite.try_query(&fund::QueryMsg::Ownership {}).unwrap()
    }

    fn engine_owner(&self) -> Ownership<Addr> {
        self.suite
            .app
            .wrap()
            .query_wasm_smart(&self.suite.engine, &engine::QueryMsg::Ownership {})
            .unwrap()
    }
}

fn multisig_error(err: anyhow::Error) -> MultisigError {
    err.downcast::<MultisigError>()
        .unwrap_or_else(|err| panic!("not a multisig error: {err:#}"))
}

fn height(suite: &Suite) -> u64 {
    suite.app.block_info().height
}

// ----- the tests -----

#[test]
fn the_multisig_takes_both_governor_roles_by_proposal() {
    let mut m = Multisig::new();
    m.suite.next_block();
    let total: TotalWeightResponse = m
        .suite
        .app
        .wrap()
        .query_wasm_smart(
            &m.group,
            &cw4_group::msg::QueryMsg::TotalWeight { at_height: None },
        )
        .unwrap();
    assert_eq!(total.weight, 3);
    let admin: cw_controllers::AdminResponse = m
        .suite
        .app
        .wrap()
        .query_wasm_smart(&m.group, &cw4_group::msg::QueryMsg::Admin {})
        .unwrap();
    assert_eq!(admin.admin, Some(m.multisig.to_string()));

    m.offer_both(None);
    for ownership in [m.fund_owner(), m.engine_owner()] {
        assert_eq!(ownership.owner, Some(m.old_governor.clone()));
        assert_eq!(ownership.pending_owner, Some(m.multisig.clone()));
    }
    let id = m.propose(0, &accept_both(m.fund().as_str(), m.engine().as_str()));
    // The proposer's own yes: 1 of the 2 needed.
    assert_eq!(m.proposal(id).status, Status::Open);
    m.vote(1, id).unwrap();
    assert_eq!(m.proposal(id).status, Status::Passed);
    m.execute(id).unwrap();
    assert_eq!(m.proposal(id).status, Status::Executed);
    for ownership in [m.fund_owner(), m.engine_owner()] {
        assert_eq!(ownership.owner, Some(m.multisig.clone()));
        assert_eq!(ownership.pending_owner, None);
    }

    // The old governor has lost the roles.
    let old = m.old_governor.clone();
    assert_eq!(
        m.suite
            .execute_fund(&old, &raise_coverage(), &[])
            .unwrap_err(),
        FundError::Ownership(OwnershipError::NotOwner)
    );
    assert_eq!(
        m.suite
            .execute_engine(
                &old,
                &engine::ExecuteMsg::UpdateMarket {
                    market: BTC.to_string(),
                    params: stricter_market(),
                },
                &[],
            )
            .unwrap_err(),
        EngineError::Ownership(OwnershipError::NotOwner)
    );
}

#[test]
fn multisig_proposals_change_a_fund_parameter_pause_deposits_and_update_a_market() {
    let mut m = Multisig::governing();
    assert_eq!(m.suite.config().params.target_coverage_bps, 1_000);
    assert!(!m.suite.config().pause.deposits);

    let id = m.propose(2, &coverage_and_pause(m.fund().as_str()));
    m.vote(0, id).unwrap();
    m.execute(id).unwrap();
    let config = m.suite.config();
    assert_eq!(config.params.target_coverage_bps, 1_500);
    assert!(config.pause.deposits);
    assert!(!config.pause.withdrawals);
    let lp = m.suite.addr("lp");
    assert_eq!(
        m.suite
            .deposit(&lp, Tranche::Junior, 1_000 * ONE)
            .unwrap_err(),
        FundError::DepositsPaused
    );

    assert_eq!(m.suite.market(BTC).params, default_market_params());
    let update = engine::ExecuteMsg::UpdateMarket {
        market: BTC.to_string(),
        params: stricter_market(),
    };
    let id = m.propose(
        1,
        &propose(
            "stricter BTC-USD margins",
            vec![engine_msg(m.engine().as_str(), &update)],
        ),
    );
    m.vote(2, id).unwrap();
    m.execute(id).unwrap();
    assert_eq!(m.suite.market(BTC).params, stricter_market());

    // Members act only through proposals: a member's own message is refused.
    let alice = m.members[0].clone();
    assert_eq!(
        m.suite
            .execute_fund(&alice, &raise_coverage(), &[])
            .unwrap_err(),
        FundError::Ownership(OwnershipError::NotOwner)
    );
}

#[test]
fn one_yes_vote_cannot_execute_and_a_non_member_cannot_propose() {
    let mut m = Multisig::governing();
    let id = m.propose(0, &coverage_and_pause(m.fund().as_str()));
    assert_eq!(m.proposal(id).status, Status::Open);
    let err = multisig_error(m.execute(id).unwrap_err());
    assert_eq!(err, MultisigError::WrongExecuteStatus {});
    assert_eq!(
        err.to_string(),
        "Proposal must have passed and not yet been executed"
    );
    // Still one vote when the period ends: rejected, never executable.
    m.suite.advance(VOTING_PERIOD);
    assert_eq!(m.proposal(id).status, Status::Rejected);
    assert_eq!(
        multisig_error(m.execute(id).unwrap_err()),
        MultisigError::WrongExecuteStatus {}
    );
    assert_eq!(m.vote(1, id).unwrap_err(), MultisigError::Expired {});
    assert_eq!(m.suite.config().params.target_coverage_bps, 1_000);
    assert!(!m.suite.config().pause.deposits);

    // A non-member can neither propose nor vote.
    let mallory = m.suite.addr("mallory");
    let err = m
        .send(&mallory, &coverage_and_pause(m.fund().as_str()))
        .unwrap_err();
    assert_eq!(multisig_error(err), MultisigError::Unauthorized {});
    let id = m.propose(0, &coverage_and_pause(m.fund().as_str()));
    let err = m.send(&mallory, &vote(id)).unwrap_err();
    assert_eq!(multisig_error(err), MultisigError::Unauthorized {});
    assert_eq!(m.proposal(id).status, Status::Open);
    // Nor vote twice.
    assert_eq!(m.vote(0, id).unwrap_err(), MultisigError::AlreadyVoted {});
    assert_eq!(m.suite.config().params.target_coverage_bps, 1_000);
}

/// cw4-group records its members at the height of its creation, and cw3-flex-multisig counts a
/// vote with the voter's weight at the start of the proposal's block (cw4's snapshot, which
/// does not see changes made in that block). A proposal made in the block that created the
/// group therefore gets its proposer's yes (the proposer is checked against the members now)
/// but nobody else's: every other member's weight at its start height is none, their votes
/// are refused with `Unauthorized`, and with 2 votes needed it can only expire. The same
/// proposal made one block later passes.
#[test]
fn members_vote_only_from_the_block_after_the_group_is_created() {
    let mut m = Multisig::new();
    let created = height(&m.suite);
    assert_eq!(m.weight_at(&m.members[1], None), Some(1));
    assert_eq!(m.weight_at(&m.members[1], Some(created)), None);
    assert_eq!(m.weight_at(&m.members[1], Some(created + 1)), Some(1));
    m.offer_both(None);

    let same_block = m.propose(0, &accept_both(m.fund().as_str(), m.engine().as_str()));
    assert_eq!(m.proposal(same_block).status, Status::Open);
    for i in [1, 2] {
        assert_eq!(
            m.vote(i, same_block).unwrap_err(),
            MultisigError::Unauthorized {}
        );
    }
    m.suite.next_block();
    // Still refused in later blocks: the weight is read at the proposal's start height.
    assert_eq!(
        m.vote(1, same_block).unwrap_err(),
        MultisigError::Unauthorized {}
    );
    assert_eq!(
        multisig_error(m.execute(same_block).unwrap_err()),
        MultisigError::WrongExecuteStatus {}
    );

    // A block later the same proposal passes with a second vote.
    let next_block = m.propose(0, &accept_both(m.fund().as_str(), m.engine().as_str()));
    m.vote(1, next_block).unwrap();
    assert_eq!(m.proposal(next_block).status, Status::Passed);
    m.execute(next_block).unwrap();
    assert_eq!(m.fund_owner().owner, Some(m.multisig.clone()));
    assert_eq!(m.engine_owner().owner, Some(m.multisig.clone()));

    // The first one expires unpassed.
    m.suite.advance(VOTING_PERIOD);
    assert_eq!(m.proposal(same_block).status, Status::Rejected);
}

/// An offer of the governor role with an expiry (here 1 hour) shorter than the time the
/// members take to vote (here 2 hours, within the 1-day period) lapses before the proposal
/// accepting it can run: `Execute` fails with cw-ownable's `TransferExpired` and changes
/// nothing. The failed `Execute` is rolled back whole, so the proposal stays passed; once the
/// governor renews the offer, executing the same proposal takes the roles.
#[test]
fn an_offer_that_expires_during_the_vote_must_be_renewed() {
    let mut m = Multisig::new();
    m.suite.next_block();
    let expires = m.suite.now().plus_seconds(HOUR);
    m.offer_both(Some(Expiration::AtTime(expires)));
    let pending = m.fund_owner();
    assert_eq!(pending.pending_owner, Some(m.multisig.clone()));
    assert_eq!(
        serde_json::to_value(pending.pending_expiry).unwrap(),
        serde_json::to_value(Expiration::AtTime(expires)).unwrap()
    );

    let id = m.propose(0, &accept_both(m.fund().as_str(), m.engine().as_str()));
    m.suite.advance(2 * HOUR);
    m.vote(1, id).unwrap();
    assert_eq!(m.proposal(id).status, Status::Passed);
    let err = m.execute(id).unwrap_err();
    assert_eq!(
        into_contract_error(err),
        FundError::Ownership(OwnershipError::TransferExpired)
    );
    assert_eq!(m.proposal(id).status, Status::Passed);
    assert_eq!(m.fund_owner().owner, Some(m.old_governor.clone()));
    assert_eq!(m.engine_owner().owner, Some(m.old_governor.clone()));

    // The engine's offer alone lapsed too: its own error when only the fund's is renewed.
    let (governor, multisig) = (m.old_governor.clone(), m.multisig.to_string());
    m.suite
        .execute_fund(
            &governor,
            &fund::ExecuteMsg::UpdateOwnership(offer(&multisig, None)),
            &[],
        )
        .unwrap();
    assert_eq!(
        into_engine_error(m.execute(id).unwrap_err()),
        EngineError::Ownership(OwnershipError::TransferExpired)
    );
    assert_eq!(m.fund_owner().owner, Some(m.old_governor.clone()));

    // Renewed (without expiry here), the passed proposal executes.
    m.offer_both(None);
    m.execute(id).unwrap();
    assert_eq!(m.proposal(id).status, Status::Executed);
    assert_eq!(m.fund_owner().owner, Some(m.multisig.clone()));
    assert_eq!(m.engine_owner().owner, Some(m.multisig.clone()));
}

/// The fund and the engine check a multisig's messages as anyone's: `target_coverage_bps` 0
/// (range 1 ..= 100,000) is refused with the fund's `ParamOutOfRange`, a maintenance margin
/// above the initial margin with the engine's error; the whole `Execute` fails, nothing
/// changes, and the proposal stays passed (cw3 lets it be executed again, which fails again).
#[test]
fn a_multisig_cannot_skip_the_safety_rules() {
    let mut m = Multisig::governing();
    let before = m.suite.config();
    let zero = fund::ExecuteMsg::UpdateParams(FundParamsUpdate {
        target_coverage_bps: Some(0),
        ..Default::default()
    });
    let id = m.propose(
        0,
        &propose(
            "coverage 0 and pause deposits",
            vec![
                fund_msg(m.fund().as_str(), &pause_deposits()),
                fund_msg(m.fund().as_str(), &zero),
            ],
        ),
    );
    m.vote(1, id).unwrap();
    for _ in 0..2 {
        assert_eq!(
            into_contract_error(m.execute(id).unwrap_err()),
            FundError::ParamOutOfRange {
                name: "target_coverage_bps",
                value: "0".to_string(),
                range: fund::bounds::TARGET_COVERAGE_BPS.range(),
            }
        );
    }
    // The pause before it was rolled back with it.
    assert_eq!(m.suite.config(), before);
    assert_eq!(m.proposal(id).status, Status::Passed);

    let inverted = MarketParams {
        initial_margin_ratio: Decimal::percent(5),
        maintenance_margin_ratio: Decimal::percent(10),
        ..default_market_params()
    };
    let update = engine::ExecuteMsg::UpdateMarket {
        market: BTC.to_string(),
        params: inverted,
    };
    let id = m.propose(
        0,
        &propose(
            "inverted margins",
            vec![engine_msg(m.engine().as_str(), &update)],
        ),
    );
    m.vote(2, id).unwrap();
    assert_eq!(
        into_engine_error(m.execute(id).unwrap_err()),
        EngineError::ParamOutOfRange {
            name: "initial_margin_ratio",
            value: "0.05".to_string(),
            range: engine::bounds::initial_margin_ratio_range(),
        }
    );
    assert_eq!(m.suite.market(BTC).params, default_market_params());
}

/// The multisig has no exit window: a change that raises underwriters' risk takes effect in
/// the block its second vote arrives. Raising `max_payout_bps` from 5,000 to 10,000 (the fund
/// may pay out all it holds in one payout window) executes 0 seconds after the vote; the
/// suite's governance contract makes the same change wait the fund's exit window, 9 days
/// (7-day cooldown + 2-day claim window).
#[test]
fn a_risky_change_takes_effect_without_an_exit_window() {
    let mut m = Multisig::governing();
    let lp = m.suite.addr("lp");
    m.suite
        .deposit(&lp, Tranche::Junior, 100_000 * ONE)
        .unwrap();
    let request = m.suite.request_withdrawal(&lp, Tranche::Junior, 1).unwrap();
    let payout = FundParamsUpdate {
        max_payout_bps: Some(10_000),
        ..Default::default()
    };
    let id = m.propose(
        0,
        &propose(
            "pay out everything",
            vec![fund_msg(
                m.fund().as_str(),
                &fund::ExecuteMsg::UpdateParams(payout.clone()),
            )],
        ),
    );
    let voted = m.suite.now();
    m.vote(1, id).unwrap();
    m.execute(id).unwrap();
    assert_eq!(m.suite.now(), voted);
    assert_eq!(m.suite.config().params.max_payout_bps, 10_000);
    // The underwriter who asked to leave is still in its cooldown (7 days).
    assert_eq!(
        m.suite.request(request).cooldown_end,
        m.suite.now().plus_seconds(WEEK)
    );

    let mut dao = Dao::new(
        Suite::builder()
            .with_staked_governance(&tranche_perps_testing::gov::VOTERS)
            .build(),
    );
    assert_eq!(
        dao.timelock_of(vec![Action::UpdateFundParams(payout)]),
        9 * DAY
    );
}

/// The JSON of every message of the multisig path in `docs/governing.md` is the JSON of the
/// messages these tests send, with `<deployer>`, `<alice>`, `<bob>`, `<carol>`, `<group>`,
/// `<multisig>`, `<fund>` and `<engine>` for the addresses.
#[test]
fn docs_show_the_tested_messages() {
    let page = tranche_perps_testing::docs::repo_root().join("docs/governing.md");
    let text = std::fs::read_to_string(&page).unwrap();
    let members: Vec<String> = ["<alice>", "<bob>", "<carol>"]
        .iter()
        .map(|m| m.to_string())
        .collect();
    let shown: Vec<(&str, String)> = vec![
        ("group", pretty(&group_instantiate("<deployer>", &members))),
        ("multisig", pretty(&multisig_instantiate("<group>"))),
        ("group admin", pretty(&group_admin_to("<multisig>"))),
        (
            "offer",
            pretty(&fund::ExecuteMsg::UpdateOwnership(offer(
                "<multisig>",
                None,
            ))),
        ),
        ("accept", pretty(&accept_both("<fund>", "<engine>"))),
        ("vote", pretty(&vote(1))),
        ("execute", pretty(&execute(1))),
        ("coverage", pretty(&raise_coverage())),
        ("pause", pretty(&pause_deposits())),
        ("coverage and pause", pretty(&coverage_and_pause("<fund>"))),
    ];
    for (name, json) in shown {
        assert!(
            text.contains(&json),
            "docs/governing.md lacks the {name} message:\n{json}"
        );
    }
}

fn pretty<T: serde::Serialize>(msg: &T) -> String {
    serde_json::to_string_pretty(msg).unwrap()
}
