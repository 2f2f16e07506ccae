use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, StdResult, Storage, Timestamp, Uint128};
use cw_controllers::Claims;
use cw_storage_plus::{Item, Map, SnapshotItem, SnapshotMap, Strategy};
use tranche_perps_types::governance::Vote;
use tranche_perps_types::governance::{Action, GovConfig, ProposalStatus, Tally, VotingRules};

/// Addresses and settings, in memory: [`STAKING_TOKEN`] and [`CONFIG`] together.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub staking_token: Addr,
    pub fund: Option<Addr>,
    pub engine: Option<Addr>,
    pub guardian: Option<Addr>,
    pub treasury: Addr,
    pub config: GovConfig,
}

/// Addresses and settings as stored: all of [`Config`] but the staking token, which the
/// staking hooks read on their own from [`STAKING_TOKEN`].
#[cw_serde]
pub struct StoredConfig {
    pub fund: Option<Addr>,
    pub engine: Option<Addr>,
    pub guardian: Option<Addr>,
    pub treasury: Addr,
    pub config: GovConfig,
}

impl StoredConfig {
    pub fn with_token(self, staking_token: Addr) -> Config {
        let StoredConfig {
            fund,
            engine,
            guardian,
            treasury,
            config,
        } = self;
        Config {
            staking_token,
            fund,
            engine,
            guardian,
            treasury,
            config,
        }
    }
}

/// The whole configuration: two reads.
pub fn load_config(storage: &dyn Storage) -> StdResult<Config> {
    Ok(CONFIG
        .load(storage)?
        .with_token(STAKING_TOKEN.load(storage)?))
}

/// Writes the settings and addresses; the staking token never changes after instantiation.
pub fn save_config(storage: &mut dyn Storage, config: &Config) -> StdResult<()> {
    CONFIG.save(
        storage,
        &StoredConfig {
            fund: config.fund.clone(),
            engine: config.engine.clone(),
            guardian: config.guardian.clone(),
            treasury: config.treasury.clone(),
            config: config.config.clone(),
        },
    )
}

/// The configuration as versions before the split stored it (key `config`, staking token
/// included); `migrate` moves the staking token into [`STAKING_TOKEN`].
#[cw_serde]
pub struct LegacyConfig {
    pub staking_token: Addr,
    pub fund: Option<Addr>,
    pub engine: Option<Addr>,
    pub guardian: Option<Addr>,
    pub treasury: Addr,
    pub config: GovConfig,
}

/// What a proposal says, written once when it is made and never changed: read to execute it,
/// judge its risk and answer queries, never to vote. Read leniently (unknown fields ignored),
/// so a proposal stored whole by versions before the split reads as its text.
#[derive(serde::Serialize, serde::Deserialize, Clone, Debug, PartialEq)]
pub struct ProposalText {
    pub title: String,
    pub description: String,
    pub actions: Vec<Action>,
}

/// The terms a proposal is voted and settled under, fixed when it is made; its timelock and
/// risk are settled again when it is executed or vetoed.
#[cw_serde]
pub struct ProposalTerms {
    pub proposer: Addr,
    pub deposit: Uint128,
    pub rules: VotingRules,
    /// Whether a rejected (not vetoed) proposal's deposit comes back, copied when it was made.
    /// Absent on proposals stored before it was copied: the code that stored them settled a
    /// rejection by the settings' policy at close, and so does this one (see
    /// [`ProposalTerms::refunds_rejected`]).
    #[serde(default)]
    pub refund_rejected: Option<bool>,
    pub start_height: u64,
    pub total_power: Uint128,
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
}

impl ProposalTerms {
    /// Whether the deposit comes back if the proposal is rejected without a veto: the policy
    /// copied when it was made, or for a proposal stored before that, the settings' policy now
    /// (`gov`), as the code that stored it decided at close.
    pub fn refunds_rejected(&self, gov: &GovConfig) -> bool {
        self.refund_rejected.unwrap_or(gov.refund_rejected)
    }
}

/// Where a proposal stands: what its votes, execution, close and veto write. `status` is the
/// last settled status (see `tally::status_now`).
#[cw_serde]
pub struct Progress {
    pub status: ProposalStatus,
    pub tally: Tally,
    /// When it passed (early, or at the end of voting).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passed_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub execution_error: Option<String>,
    /// Whether the deposit was returned or sent away.
    pub deposit_settled: bool,
}

/// A proposal in memory: its three records.
#[derive(Clone, Debug, PartialEq)]
pub struct Proposal {
    pub text: ProposalText,
    pub terms: ProposalTerms,
    pub progress: Progress,
}

/// A proposal as versions before the split stored it, whole, under [`PROPOSALS`]. Such a
/// proposal keeps that record; its terms and progress are read from it until this code first
/// writes them to [`TERMS`] and [`PROGRESS`] (a vote writes the progress, an execution or veto
/// the terms too), and from those records after.
#[cw_serde]
pub struct LegacyProposal {
    pub title: String,
    pub description: String,
    pub actions: Vec<Action>,
    pub proposer: Addr,
    pub deposit: Uint128,
    pub status: ProposalStatus,
    pub rules: VotingRules,
    #[serde(default)]
    pub refund_rejected: Option<bool>,
    pub start_height: u64,
    pub total_power: Uint128,
    pub tally: Tally,
    pub voting_end: Timestamp,
    pub timelock_seconds: u64,
    #[serde(default)]
    pub risky: bool,
    #[serde(default)]
    pub exit_window_seconds: Option<u64>,
    pub passed_at: Option<Timestamp>,
    pub execution_error: Option<String>,
    pub deposit_settled: bool,
}

impl LegacyProposal {
    fn terms(&self) -> ProposalTerms {
        ProposalTerms {
            proposer: self.proposer.clone(),
            deposit: self.deposit,
            rules: self.rules.clone(),
            refund_rejected: self.refund_rejected,
            start_height: self.start_height,
            total_power: self.total_power,
            voting_end: self.voting_end,
            timelock_seconds: self.timelock_seconds,
            risky: self.risky,
            exit_window_seconds: self.exit_window_seconds,
        }
    }

    fn progress(&self) -> Progress {
        Progress {
            status: self.status,
            tally: self.tally.clone(),
            passed_at: self.passed_at,
            execution_error: self.execution_error.clone(),
            deposit_settled: self.deposit_settled,
        }
    }
}

/// The terms and progress of proposal `id`, `None` when there is none: two reads, plus one of
/// the whole record for a proposal stored before the split whose terms or progress this code
/// has not written yet.
pub fn load_terms_and_progress(
    storage: &dyn Storage,
    id: u64,
) -> StdResult<Option<(ProposalTerms, Progress)>> {
    let terms = TERMS.may_load(storage, id)?;
    let progress = PROGRESS.may_load(storage, id)?;
    Ok(match (terms, progress) {
        (Some(terms), Some(progress)) => Some((terms, progress)),
        (terms, progress) => LEGACY_PROPOSALS.may_load(storage, id)?.map(|legacy| {
            (
                terms.unwrap_or_else(|| legacy.terms()),
                progress.unwrap_or_else(|| legacy.progress()),
            )
        }),
    })
}

/// The progress of proposal `id` alone (see [`load_terms_and_progress`]).
pub fn load_progress(storage: &dyn Storage, id: u64) -> StdResult<Option<Progress>> {
    match PROGRESS.may_load(storage, id)? {
        Some(progress) => Ok(Some(progress)),
        None => Ok(LEGACY_PROPOSALS
            .may_load(storage, id)?
            .map(|legacy| legacy.progress())),
    }
}

/// Proposal `id` whole, `None` when there is none.
pub fn load_proposal(storage: &dyn Storage, id: u64) -> StdResult<Option<Proposal>> {
    let Some(text) = PROPOSALS.may_load(storage, id)? else {
        return Ok(None);
    };
    Ok(
        load_terms_and_progress(storage, id)?.map(|(terms, progress)| Proposal {
            text,
            terms,
            progress,
        }),
    )
}

/// Writes a new proposal's three records.
pub fn save_new_proposal(storage: &mut dyn Storage, id: u64, p: &Proposal) -> StdResult<()> {
    PROPOSALS.save(storage, id, &p.text)?;
    TERMS.save(storage, id, &p.terms)?;
    PROGRESS.save(storage, id, &p.progress)
}

/// A ballot.
#[cw_serde]
pub struct Ballot {
    pub vote: Vote,
    pub weight: Uint128,
}

/// Cold: addresses and settings, written by `UpdateConfig` and `UpdateAddresses`.
pub const CONFIG: Item<StoredConfig> = Item::new("config");
/// Cold: the staking token, fixed at instantiation; all staking and claiming read.
pub const STAKING_TOKEN: Item<Addr> = Item::new("staking_token");
/// The configuration of versions before the split; moved by `migrate`.
pub const LEGACY_CONFIG: Item<LegacyConfig> = Item::new("config");
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
/// Cold: each proposal's text by id (a proposal stored before the split: the whole of it).
pub const PROPOSALS: Map<u64, ProposalText> = Map::new("proposals");
/// Proposals stored whole by versions before the split, under the same key as [`PROPOSALS`].
pub const LEGACY_PROPOSALS: Map<u64, LegacyProposal> = Map::new("proposals");
/// Each proposal's terms by id ([`ProposalTerms`]): read by votes, written once (and again
/// when its timelock is settled).
pub const TERMS: Map<u64, ProposalTerms> = Map::new("terms");
/// Hot: each proposal's progress by id ([`Progress`]): written by every vote.
pub const PROGRESS: Map<u64, Progress> = Map::new("progress");
/// Id of the next proposal.
pub const NEXT_PROPOSAL_ID: Item<u64> = Item::new("next_proposal_id");
/// The proposal whose actions are being run (set by `Execute`, taken by `RunActions`).
pub const EXECUTING: Item<u64> = Item::new("executing");
/// Ballots by (proposal, voter).
pub const BALLOTS: Map<(u64, &Addr), Ballot> = Map::new("ballots");
