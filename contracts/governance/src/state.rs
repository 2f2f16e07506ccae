use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, Timestamp, Uint128};
use cw_controllers::Claims;
use cw_storage_plus::{Item, Map, SnapshotItem, SnapshotMap, Strategy};
use tranche_perps_types::governance::Vote;
use tranche_perps_types::governance::{Action, GovConfig, ProposalStatus, Tally, VotingRules};

/// Addresses and settings.
#[cw_serde]
pub struct Config {
    pub staking_token: Addr,
    pub fund: Option<Addr>,
    pub engine: Option<Addr>,
    pub guardian: Option<Addr>,
    pub treasury: Addr,
    pub config: GovConfig,
}

/// A proposal as stored; `status` is the last settled status (see `tally::status_now`).
#[cw_serde]
pub struct Proposal {
    pub title: String,
    pub description: String,
    pub actions: Vec<Action>,
    pub proposer: Addr,
    pub deposit: Uint128,
    pub status: ProposalStatus,
    pub rules: VotingRules,
    /// Whether a rejected (not vetoed) proposal's deposit comes back, copied when it was made.
    /// Absent on proposals stored before it was copied: the code that stored them settled a
    /// rejection by the settings' policy at close, and so does this one (see
    /// [`Proposal::refunds_rejected`]).
    #[serde(default)]
    pub refund_rejected: Option<bool>,
    pub start_height: u64,
    pub total_power: Uint128,
    pub tally: Tally,
    pub voting_end: Timestamp,
    /// Timelock as judged when the proposal was made; once executed or vetoed, the timelock
    /// it was held to then.
    pub timelock_seconds: u64,
    /// Whether an action raised underwriters' risk when it was made (checked again, against
    /// the parameters then, at execution and veto, and recorded then). Absent on proposals
    /// stored before it existed: `false` is safe, because execution and veto judge the risk
    /// of every action again.
    #[serde(default)]
    pub risky: bool,
    /// The fund's exit window (cooldown plus claim window) when the proposal was made, the
    /// least a risky proposal waits whatever the fund's parameters become later. Absent when
    /// there was no fund or it could not be read, and on proposals stored before it existed.
    #[serde(default)]
    pub exit_window_seconds: Option<u64>,
    /// When it passed (early, or at the end of voting).
    pub passed_at: Option<Timestamp>,
    pub execution_error: Option<String>,
    /// Whether the deposit was returned or sent away.
    pub deposit_settled: bool,
}

impl Proposal {
    /// Whether the deposit comes back if the proposal is rejected without a veto: the policy
    /// copied when it was made, or for a proposal stored before that, the settings' policy now
    /// (`gov`), as the code that stored it decided at close.
    pub fn refunds_rejected(&self, gov: &GovConfig) -> bool {
        self.refund_rejected.unwrap_or(gov.refund_rejected)
    }
}

/// A ballot.
#[cw_serde]
pub struct Ballot {
    pub vote: Vote,
    pub weight: Uint128,
}

/// Addresses and settings.
pub const CONFIG: Item<Config> = Item::new("config");
/// Staked power per address, with a snapshot per block height.
pub const STAKES: SnapshotMap<&Addr, Uint128> = SnapshotMap::new(
    "stakes",
    "stakes__checkpoints",
    "stakes__changelog",
    Strategy::EveryBlock,
);
/// Total staked power, with a snapshot per block height.
pub const TOTAL_STAKED: SnapshotItem<Uint128> = SnapshotItem::new(
    "total_staked",
    "total_staked__checkpoints",
    "total_staked__changelog",
    Strategy::EveryBlock,
);
/// Unbonding claims.
pub const CLAIMS: Claims = Claims::new("claims");
/// Proposals by id.
pub const PROPOSALS: Map<u64, Proposal> = Map::new("proposals");
/// Id of the next proposal.
pub const NEXT_PROPOSAL_ID: Item<u64> = Item::new("next_proposal_id");
/// The proposal whose actions are being run (set by `Execute`, taken by `RunActions`).
pub const EXECUTING: Item<u64> = Item::new("executing");
/// Ballots by (proposal, voter).
pub const BALLOTS: Map<(u64, &Addr), Ballot> = Map::new("ballots");
