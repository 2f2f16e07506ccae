//! Governance in the [`Suite`]: a GOV cw20 staking token, the governance contract as governor
//! of fund and engine, and the DAO members' actions.

use cosmwasm_std::{to_json_binary, Addr, Binary, Empty, StdError, Timestamp, Uint128};
use cw20::{Cw20Coin, Cw20ExecuteMsg};
use cw_multi_test::{AppResponse, Contract, ContractWrapper, Executor};
use governance::ContractError as GovError;
use tranche_perps_types::fund::GovernorAction;
use tranche_perps_types::governance::Vote;
use tranche_perps_types::governance::{
    Action, ExecuteMsg, GovConfig, GovConfigResponse, InstantiateMsg, PowerResponse,
    ProposalResponse, ProposalStatus, QueryMsg, ReceiveMsg,
};
use tranche_perps_types::{engine, fund};

use crate::{Step, Suite, ONE};

/// Result of a governance action: its own error type on failure.
pub type GovResult<T = AppResponse> = Result<T, GovError>;

/// Alice, bob and carol holding 600, 300 and 100 GOV (1000 in all): the voters most governance
/// tests start from.
pub const VOTERS: [(&str, u128); 3] = [
    ("alice", 600 * ONE),
    ("bob", 300 * ONE),
    ("carol", 100 * ONE),
];

/// Stakes of the [`VOTERS`] in which carol keeps half of her GOV unstaked to pay proposal
/// deposits: alice 600, bob 300, carol 50.
pub const CAROL_KEEPS_50: [(&str, u128); 3] = [
    ("alice", 600 * ONE),
    ("bob", 300 * ONE),
    ("carol", 50 * ONE),
];

/// Governance's default timelock (2 days): what a proposal on the reviewed safe list waits.
pub const TIMELOCK: u64 = 2 * crate::time::DAY;
/// The fund's default exit window (7-day cooldown plus 2-day claim window, 9 days): what a
/// risk-raising proposal waits.
pub const EXIT: u64 = fund::bounds::DEFAULT_EXIT_WINDOW_SECONDS;

/// The governance contract.
pub fn governance_contract() -> Box<dyn Contract<Empty>> {
    Box::new(
        ContractWrapper::new(
            governance::contract::execute,
            governance::contract::instantiate,
            governance::contract::query,
        )
        .with_reply(governance::contract::reply)
        .with_migrate(governance::contract::migrate),
    )
}

/// Turns a multi-test error into governance's error; others keep their text in `Std`.
pub fn into_gov_error(err: anyhow::Error) -> GovError {
    err.downcast::<GovError>()
        .unwrap_or_else(|err| GovError::Std(StdError::generic_err(format!("{err:#}"))))
}

/// Governance addresses.
#[derive(Clone, Debug)]
pub struct GovRecords {
    /// The governance contract.
    pub contract: Addr,
    /// The GOV staking token.
    pub token: Addr,
    /// Receives vetoed deposits.
    pub treasury: Addr,
    /// Code id of governance.
    pub code_id: u64,
}

/// Instantiates the GOV token and governance, and hands it the fund and the engine.
pub(crate) fn deploy(suite: &mut Suite, voters: &[(String, u128)]) {
    let initial_balances = voters
        .iter()
        .map(|(name, amount)| Cw20Coin {
            address: suite.addr(name).to_string(),
            amount: Uint128::new(*amount),
        })
        .collect();
    let token = suite
        .app
        .instantiate_contract(
            suite.cw20_code_id,
            suite.operator.clone(),
            &cw20_base::msg::InstantiateMsg {
                name: "Venue Governance".to_string(),
                symbol: "GOV".to_string(),
                decimals: 6,
                initial_balances,
                mint: None,
                marketing: None,
            },
            &[],
            "GOV",
            None,
        )
        .expect("GOV instantiates");
    let code_id = suite.app.store_code(governance_contract());
    let treasury = suite.addr("dao-treasury");
    let contract = suite
        .app
        .instantiate_contract(
            code_id,
            suite.operator.clone(),
            &InstantiateMsg {
                staking_token: token.to_string(),
                fund: Some(suite.fund.to_string()),
                engine: Some(suite.engine.to_string()),
                guardian: Some(suite.guardian.to_string()),
                treasury: treasury.to_string(),
                config: Some(GovConfig::default()),
            },
            &[],
            "governance",
            Some(suite.operator.to_string()),
        )
        .expect("governance instantiates");
    // Two-step transfer of both governor roles; the acceptance is sent as governance itself
    // (a test shortcut for the proposal that would do it).
    let propose = GovernorAction::TransferOwnership {
        new_owner: contract.to_string(),
        expiry: None,
    };
    let (governor, fund_addr, engine_addr) = (
        suite.governor.clone(),
        suite.fund.clone(),
        suite.engine.clone(),
    );
    suite
        .app
        .execute_contract(
            governor.clone(),
            fund_addr.clone(),
            &fund::ExecuteMsg::UpdateOwnership(propose.clone()),
            &[],
        )
        .expect("fund transfer proposed");
    suite
        .app
        .execute_contract(
            contract.clone(),
            fund_addr,
            &fund::ExecuteMsg::UpdateOwnership(GovernorAction::AcceptOwnership),
            &[],
        )
        .expect("fund transfer accepted");
    suite
        .app
        .execute_contract(
            governor,
            engine_addr.clone(),
            &engine::ExecuteMsg::UpdateOwnership(propose),
            &[],
        )
        .expect("engine transfer proposed");
    suite
        .app
        .execute_contract(
            contract.clone(),
            engine_addr,
            &engine::ExecuteMsg::UpdateOwnership(GovernorAction::AcceptOwnership),
            &[],
        )
        .expect("engine transfer accepted");
    suite.governor = contract.clone();
    suite.gov = Some(GovRecords {
        contract,
        token,
        treasury,
        code_id,
    });
}

impl Suite {
    /// Governance addresses.
    pub fn gov(&self) -> &GovRecords {
        self.gov.as_ref().expect("suite built with_governance()")
    }

    /// Executes a governance message as a checked step.
    pub fn execute_gov(&mut self, sender: &Addr, msg: &ExecuteMsg) -> GovResult {
        let (sender, contract) = (sender.clone(), self.gov().contract.clone());
        self.step(Step::Admin, |s| {
            s.app
                .execute_contract(sender, contract, msg, &[])
                .map_err(into_gov_error)
        })
    }

    fn send_gov_tokens(&mut self, who: &Addr, amount: u128, hook: &ReceiveMsg) -> GovResult {
        let (token, contract) = (self.gov().token.clone(), self.gov().contract.clone());
        let msg = Cw20ExecuteMsg::Send {
            contract: contract.to_string(),
            amount: Uint128::new(amount),
            msg: to_json_binary(hook).expect("hook serializes"),
        };
        let who = who.clone();
        self.step(Step::Admin, |s| {
            s.app
                .execute_contract(who, token, &msg, &[])
                .map_err(into_gov_error)
        })
    }

    /// cw20 `Send` of `amount` GOV from `who` to governance with any hook `msg`, run on the app
    /// directly rather than as a checked step.
    pub fn send_gov_hook(&mut self, who: &Addr, amount: u128, msg: Binary) -> GovResult {
        let (token, contract) = (self.gov().token.clone(), self.gov().contract.clone());
        self.app
            .execute_contract(
                who.clone(),
                token,
                &Cw20ExecuteMsg::Send {
                    contract: contract.to_string(),
                    amount: Uint128::new(amount),
                    msg,
                },
                &[],
            )
            .map_err(into_gov_error)
    }

    /// `who` stakes `amount` GOV.
    pub fn stake(&mut self, who: &Addr, amount: u128) -> GovResult {
        self.send_gov_tokens(who, amount, &ReceiveMsg::Stake {})
    }

    /// Each named account stakes its amount of GOV, in the order given; accounts given nothing
    /// are passed over.
    pub fn stake_each(&mut self, stakes: &[(&str, u128)]) {
        for (name, amount) in stakes {
            if *amount > 0 {
                let who = self.addr(name);
                self.stake(&who, *amount).expect("stake");
            }
        }
    }

    /// `who` starts unbonding `amount`.
    pub fn unstake(&mut self, who: &Addr, amount: u128) -> GovResult {
        self.execute_gov(
            who,
            &ExecuteMsg::Unstake {
                amount: Uint128::new(amount),
            },
        )
    }

    /// The deposit a proposal needs now: the configured one, capped at a tenth of the GOV
    /// supply (rounded down).
    pub fn required_deposit(&self) -> u128 {
        let configured = self.gov_config().config.proposal_deposit.u128();
        let info: cw20::TokenInfoResponse = self
            .app
            .wrap()
            .query_wasm_smart(&self.gov().token, &cw20::Cw20QueryMsg::TokenInfo {})
            .expect("GOV token info");
        configured.min(info.total_supply.u128() / 10)
    }

    /// `who` proposes `actions` (with the required deposit, if any); returns the id.
    pub fn propose(&mut self, who: &Addr, title: &str, actions: Vec<Action>) -> GovResult<u64> {
        let deposit = self.required_deposit();
        let res = if deposit == 0 {
            self.execute_gov(
                who,
                &ExecuteMsg::Propose {
                    title: title.to_string(),
                    description: String::new(),
                    actions,
                },
            )?
        } else {
            self.send_gov_tokens(
                who,
                deposit,
                &ReceiveMsg::Propose {
                    title: title.to_string(),
                    description: String::new(),
                    actions,
                },
            )?
        };
        Ok(res
            .events
            .iter()
            .flat_map(|e| e.attributes.iter())
            .find(|a| a.key == "proposal_id")
            .expect("proposal_id attribute")
            .value
            .parse()
            .expect("id is a number"))
    }

    /// `who` votes.
    pub fn vote(&mut self, who: &Addr, proposal_id: u64, vote: Vote) -> GovResult {
        self.execute_gov(who, &ExecuteMsg::Vote { proposal_id, vote })
    }

    /// `who` executes a proposal.
    pub fn execute_proposal(&mut self, who: &Addr, proposal_id: u64) -> GovResult {
        self.execute_gov(who, &ExecuteMsg::Execute { proposal_id })
    }

    /// `who` vetoes a proposal (only the guardian may).
    pub fn veto(&mut self, who: &Addr, proposal_id: u64) -> GovResult {
        self.execute_gov(who, &ExecuteMsg::Veto { proposal_id })
    }

    /// `QueryMsg::Proposal`.
    pub fn proposal(&self, proposal_id: u64) -> ProposalResponse {
        self.app
            .wrap()
            .query_wasm_smart(&self.gov().contract, &QueryMsg::Proposal { proposal_id })
            .expect("proposal query")
    }

    /// `QueryMsg::Config` of governance.
    pub fn gov_config(&self) -> GovConfigResponse {
        self.app
            .wrap()
            .query_wasm_smart(&self.gov().contract, &QueryMsg::Config {})
            .expect("governance config query")
    }

    /// Voting power of `who` now.
    pub fn voting_power(&self, who: &Addr) -> u128 {
        let res: PowerResponse = self
            .app
            .wrap()
            .query_wasm_smart(
                &self.gov().contract,
                &QueryMsg::VotingPower {
                    address: who.to_string(),
                    height: None,
                },
            )
            .expect("power query");
        res.power.u128()
    }

    /// GOV balance of `who`.
    pub fn gov_balance(&self, who: &Addr) -> u128 {
        let res: cw20::BalanceResponse = self
            .app
            .wrap()
            .query_wasm_smart(
                &self.gov().token,
                &cw20::Cw20QueryMsg::Balance {
                    address: who.to_string(),
                },
            )
            .expect("GOV balance");
        res.balance.u128()
    }

    /// Moves to the next block (so stakes made now count for proposals made after).
    pub fn next_block(&mut self) {
        self.advance(5);
    }

    /// Votes yes with every named voter and asserts that this passed the proposal at once;
    /// returns that time (the start of its timelock).
    pub fn pass(&mut self, proposal_id: u64, voters: &[&Addr]) -> Timestamp {
        for voter in voters {
            self.vote(voter, proposal_id, Vote::Yes).expect("vote");
        }
        assert_eq!(self.proposal(proposal_id).status, ProposalStatus::Passed);
        self.now()
    }

    /// Votes yes with every named voter, then waits out voting and the timelock.
    pub fn pass_and_wait(&mut self, proposal_id: u64, voters: &[&Addr]) {
        for voter in voters {
            self.vote(voter, proposal_id, Vote::Yes).expect("vote");
        }
        let p = self.proposal(proposal_id);
        let until = p
            .executable_at
            .unwrap_or(p.voting_end.plus_seconds(p.timelock_seconds));
        self.advance_to(until);
    }

    /// A passed proposal past its timelock, executed: `proposer` proposes `actions` under
    /// `title`, the `voters` pass it ([`Suite::pass_and_wait`]) and `proposer` executes it.
    /// Asserts that its actions ran (showing the recorded error if not); returns its id.
    pub fn enact(
        &mut self,
        proposer: &Addr,
        title: &str,
        actions: Vec<Action>,
        voters: &[&Addr],
    ) -> u64 {
        let id = self.propose(proposer, title, actions).expect("propose");
        self.pass_and_wait(id, voters);
        self.execute_proposal(proposer, id).expect("execute");
        let p = self.proposal(id);
        assert_eq!(
            p.status,
            ProposalStatus::Executed,
            "{:?}",
            p.execution_error
        );
        id
    }
}

/// A suite with governance and three named members: alice and bob, whose yes votes together
/// pass a proposal at once (as with [`VOTERS`] staked), and carol, who proposes, executes and
/// closes.
pub struct Dao {
    /// The suite.
    pub suite: Suite,
    /// Votes yes in [`Dao::pass`].
    pub alice: Addr,
    /// Votes yes in [`Dao::pass`].
    pub bob: Addr,
    /// Proposes, executes and closes.
    pub carol: Addr,
}

impl Dao {
    /// Names alice, bob and carol in `suite`, built with governance in which they stake.
    pub fn new(suite: Suite) -> Self {
        let (alice, bob, carol) = (suite.addr("alice"), suite.addr("bob"), suite.addr("carol"));
        Dao {
            suite,
            alice,
            bob,
            carol,
        }
    }

    /// Carol proposes `actions` (with the required deposit, if any); returns the id.
    pub fn propose(&mut self, actions: Vec<Action>) -> u64 {
        self.suite
            .propose(&self.carol, "change", actions)
            .expect("propose")
    }

    /// Alice and bob vote yes, which must pass the proposal at once; returns that time.
    pub fn pass(&mut self, id: u64) -> Timestamp {
        self.suite.pass(id, &[&self.alice, &self.bob])
    }

    /// Alice and bob both cast `vote`.
    pub fn vote_all(&mut self, id: u64, vote: Vote) {
        for voter in [&self.alice, &self.bob] {
            self.suite.vote(voter, id, vote).expect("vote");
        }
    }

    /// Carol executes the proposal.
    pub fn execute(&mut self, id: u64) -> GovResult {
        self.suite.execute_proposal(&self.carol, id)
    }

    /// The guardian vetoes the proposal.
    pub fn veto(&mut self, id: u64) -> GovResult {
        let guardian = self.suite.guardian.clone();
        self.suite.veto(&guardian, id)
    }

    /// Carol closes the proposal, which must succeed.
    pub fn close(&mut self, id: u64) {
        self.suite
            .execute_gov(&self.carol, &ExecuteMsg::Close { proposal_id: id })
            .expect("close");
    }

    /// Carol proposes `actions`, alice and bob pass it, and carol executes it after the
    /// timelock ([`Suite::enact`]); returns the id.
    pub fn enact(&mut self, actions: Vec<Action>) -> u64 {
        let voters = [&self.alice, &self.bob];
        self.suite.enact(&self.carol, "change", actions, &voters)
    }

    /// The timelock a proposal of `actions` gets (carol proposes it).
    pub fn timelock_of(&mut self, actions: Vec<Action>) -> u64 {
        let id = self.propose(actions);
        self.suite.proposal(id).timelock_seconds
    }

    /// Governance's treasury.
    pub fn treasury(&self) -> Addr {
        self.suite.gov().treasury.clone()
    }

    /// The treasury's GOV.
    pub fn treasury_balance(&self) -> u128 {
        self.suite.gov_balance(&self.suite.gov().treasury)
    }
}

/// Stores proposal `id` as governance versions before the hot/cold split did: one record under
/// `proposals` holding its text, terms and progress together, without `strip` (fields those
/// versions did not store yet), and no `terms` or `progress` record. The code as it is now
/// reads such a proposal from that record until it first writes its terms or progress.
pub fn store_as_legacy_proposal(suite: &mut Suite, id: u64, strip: &[&str]) {
    use governance::state::{PROGRESS, PROPOSALS, TERMS};
    let gov = suite.gov().contract.clone();
    let mut storage = suite.app.contract_storage_mut(&gov);
    let mut whole = serde_json::Map::new();
    for key in [
        PROPOSALS.key(id).to_vec(),
        TERMS.key(id).to_vec(),
        PROGRESS.key(id).to_vec(),
    ] {
        let stored = storage
            .get(&key)
            .expect("a proposal stored in three records");
        let value: serde_json::Value = serde_json::from_slice(&stored).unwrap();
        whole.extend(value.as_object().unwrap().clone());
        storage.remove(&key);
    }
    // The whole record always held these, null when unset.
    for field in ["passed_at", "execution_error"] {
        whole.entry(field).or_insert(serde_json::Value::Null);
    }
    for field in strip {
        whole.remove(*field).expect("field present");
    }
    storage.set(
        &PROPOSALS.key(id),
        &serde_json::to_vec(&serde_json::Value::Object(whole)).unwrap(),
    );
}
