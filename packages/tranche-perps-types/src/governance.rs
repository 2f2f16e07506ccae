//! Messages and responses of the `governance` contract.
//!
//! Voting power is a configured cw20 staked with cw20 `Send`; power and total power are read at
//! a proposal's start height. Proposals follow the cw3 message and query shapes and carry typed
//! actions for the fund and the engine (or raw `CosmosMsg`).

use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{Addr, CosmosMsg, Decimal, Empty, Timestamp, Uint128};

use crate::bounds::DAY;
use crate::engine::{EnginePause, FeeConfig, MarketParams, NewMarket};
use crate::fund::{FundParamsUpdate, GovernorAction, Tranche};

/// Bounds of governance's settings ([`GovConfig`], [`VotingRules`]): the one table validation,
/// the `ParamOutOfRange` error and the docs read.
///
/// The vote ranges keep governance able to pass something: a unanimous yes always passes
/// (threshold below 1, veto needing a positive share), and a stake that does not vote cannot
/// block everything unless it is more than `1 - quorum` of all power (quorum below 1).
pub mod bounds {
    use cosmwasm_std::Decimal;

    use crate::bounds::{Bound, Row, DAY, MINUTE};

    /// `quorum`: 1% up to, not including, 100% (at 100% any one staker who does not vote would
    /// block every proposal).
    pub const QUORUM: Bound<Decimal> =
        Bound::exclusive("quorum", Decimal::percent(1), Decimal::one());
    /// `threshold`: 50% up to, not including, 100% (passing needs yes strictly above it, so at
    /// 100% not even a unanimous yes would pass).
    pub const THRESHOLD: Bound<Decimal> =
        Bound::exclusive("threshold", Decimal::percent(50), Decimal::one());
    /// `veto_threshold`: 1% to 100%.
    pub const VETO_THRESHOLD: Bound<Decimal> =
        Bound::inclusive("veto_threshold", Decimal::percent(1), Decimal::one());
    /// `voting_period_seconds`: 1 minute to 30 days.
    pub const VOTING_PERIOD_SECONDS: Bound<u64> =
        Bound::inclusive("voting_period_seconds", MINUTE, 30 * DAY);
    /// `timelock_seconds`: none to 30 days.
    pub const TIMELOCK_SECONDS: Bound<u64> = Bound::inclusive("timelock_seconds", 0, 30 * DAY);
    /// `unbonding_seconds`: 1 minute to 60 days.
    pub const UNBONDING_SECONDS: Bound<u64> =
        Bound::inclusive("unbonding_seconds", MINUTE, 60 * DAY);
    /// `max_actions`.
    pub const MAX_ACTIONS: Bound<u32> = Bound::inclusive("max_actions", 1, 20);
    /// `max_text_bytes`.
    pub const MAX_TEXT_BYTES: Bound<u32> = Bound::inclusive("max_text_bytes", 64, 10_000);
    /// `max_action_bytes`: the lower end still fits the largest settings change and a full
    /// address change, so the cap cannot keep governance from raising it again.
    pub const MAX_ACTION_BYTES: Bound<u32> = Bound::inclusive("max_action_bytes", 1_024, 64_000);
    /// The largest `proposal_deposit` as a share of the staking token's total supply: a larger
    /// deposit could leave nobody able to propose, not even the fix. Checked when the settings
    /// are set, and applied again at every proposal because the supply can shrink later.
    pub const MAX_DEPOSIT_SHARE: Decimal = Decimal::percent(10);
    /// `min_proposer_share`: 0.01% to 10% of the total power. Never zero, so a proposer always
    /// has stake at risk; at most a tenth, so holders who pool their tokens in one address can
    /// always propose (and lower it again).
    pub const MIN_PROPOSER_SHARE: Bound<Decimal> = Bound::inclusive(
        "min_proposer_share",
        Decimal::raw(100_000_000_000_000),
        Decimal::percent(10),
    );

    /// The range of `proposal_deposit`, which depends on the staking token's supply.
    pub fn proposal_deposit_range() -> String {
        format!("0 ..= {MAX_DEPOSIT_SHARE} of the staking token's total supply")
    }

    /// Governance's settings table, with defaults, for the docs.
    pub fn table() -> Vec<Row> {
        let d = super::GovConfig::default();
        vec![
            QUORUM.row(d.rules.quorum),
            THRESHOLD.row(d.rules.threshold),
            VETO_THRESHOLD.row(d.rules.veto_threshold),
            VOTING_PERIOD_SECONDS.row(d.rules.voting_period_seconds),
            TIMELOCK_SECONDS.row(d.rules.timelock_seconds),
            UNBONDING_SECONDS.row(d.unbonding_seconds),
            Row {
                name: "proposal_deposit",
                default: d.proposal_deposit.to_string(),
                range: proposal_deposit_range(),
            },
            MAX_ACTIONS.row(d.max_actions),
            MAX_TEXT_BYTES.row(d.max_text_bytes),
            MAX_ACTION_BYTES.row(d.max_action_bytes),
            MIN_PROPOSER_SHARE.row(d.min_proposer_share),
        ]
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn the_settings_table_shows_every_bound_with_its_default() {
            assert_eq!(
                crate::bounds::markdown(&table()),
                "| parameter | default | range |\n\
                 | --- | --- | --- |\n\
                 | `quorum` | 0.334 | 0.01 ..< 1 |\n\
                 | `threshold` | 0.5 | 0.5 ..< 1 |\n\
                 | `veto_threshold` | 0.334 | 0.01 ..= 1 |\n\
                 | `voting_period_seconds` | 259200 | 60 ..= 2592000 |\n\
                 | `timelock_seconds` | 172800 | 0 ..= 2592000 |\n\
                 | `unbonding_seconds` | 604800 | 60 ..= 5184000 |\n\
                 | `proposal_deposit` | 0 | 0 ..= 0.1 of the staking token's total supply |\n\
                 | `max_actions` | 10 | 1 ..= 20 |\n\
                 | `max_text_bytes` | 4000 | 64 ..= 10000 |\n\
                 | `max_action_bytes` | 10000 | 1024 ..= 64000 |\n\
                 | `min_proposer_share` | 0.001 | 0.0001 ..= 0.1 |\n"
            );
        }
    }
}

/// Voting rules; copied into each proposal when it is made.
#[cw_serde]
#[serde(deny_unknown_fields)]
pub struct VotingRules {
    /// Least share of total power that must vote. Range: [`bounds`], docs/governance.md#settings.
    pub quorum: Decimal,
    /// Share of yes among non-abstain votes (yes + no + veto) needed to pass, exclusive.
    /// Range: [`bounds`], docs/governance.md#settings.
    pub threshold: Decimal,
    /// Share of veto among all votes that rejects a proposal and keeps its deposit.
    /// Range: [`bounds`], docs/governance.md#settings.
    pub veto_threshold: Decimal,
    /// Seconds a proposal is open for votes. Range: [`bounds`], docs/governance.md#settings.
    pub voting_period_seconds: u64,
    /// Seconds between passing and execution. Range: [`bounds`], docs/governance.md#settings.
    pub timelock_seconds: u64,
}

impl Default for VotingRules {
    fn default() -> Self {
        Self {
            quorum: Decimal::permille(334),
            threshold: Decimal::percent(50),
            veto_threshold: Decimal::permille(334),
            voting_period_seconds: 3 * DAY,
            timelock_seconds: 2 * DAY,
        }
    }
}

/// Governance settings.
#[cw_serde]
#[serde(deny_unknown_fields)]
pub struct GovConfig {
    /// Voting rules for new proposals.
    pub rules: VotingRules,
    /// Seconds unstaked tokens wait before they can be claimed. Range: [`bounds`],
    /// docs/governance.md#settings.
    pub unbonding_seconds: u64,
    /// Staking tokens a proposer must send with a proposal. Range: [`bounds`],
    /// docs/governance.md#settings: at most [`bounds::MAX_DEPOSIT_SHARE`] of the staking token's
    /// total supply when the settings are set (0 needs no check). A proposal needs the smaller
    /// of this and that share of the token's total supply at that time (rounded down), so burns
    /// that shrink the supply later cannot make the deposit unpayable.
    pub proposal_deposit: Uint128,
    /// Whether a deposit comes back when the proposal is rejected without a veto (it always
    /// comes back when the proposal passes; a vetoed proposal's deposit goes to the treasury).
    /// Copied into each proposal when it is made.
    pub refund_rejected: bool,
    /// Most actions one proposal may carry. Range: [`bounds`], docs/governance.md#settings.
    pub max_actions: u32,
    /// Longest title plus description, in bytes. Range: [`bounds`],
    /// docs/governance.md#settings.
    pub max_text_bytes: u32,
    /// Largest serialized size of a proposal's actions (their JSON list), in bytes: caps raw
    /// messages and feeder lists. Range: [`bounds`], docs/governance.md#settings. The default
    /// ([`DEFAULT_MAX_ACTION_BYTES`]) also applies when the field is absent (settings stored
    /// before it existed).
    #[serde(default = "default_max_action_bytes")]
    pub max_action_bytes: u32,
    /// Least voting power a proposer must have staked at the proposal's height (as it stood at
    /// the start of that block), as a share of the total power then: proposing takes stake.
    /// Range: [`bounds`], docs/governance.md#settings. The default
    /// ([`DEFAULT_MIN_PROPOSER_SHARE`], 0.1%) also applies when the field is absent (settings
    /// stored before it existed).
    #[serde(default = "default_min_proposer_share")]
    pub min_proposer_share: Decimal,
}

/// Default of [`GovConfig::min_proposer_share`]: 0.1% of the total power.
pub const DEFAULT_MIN_PROPOSER_SHARE: Decimal = Decimal::permille(1);

fn default_min_proposer_share() -> Decimal {
    DEFAULT_MIN_PROPOSER_SHARE
}

/// Default of [`GovConfig::max_action_bytes`].
pub const DEFAULT_MAX_ACTION_BYTES: u32 = 10_000;

fn default_max_action_bytes() -> u32 {
    DEFAULT_MAX_ACTION_BYTES
}

impl Default for GovConfig {
    fn default() -> Self {
        Self {
            rules: VotingRules::default(),
            unbonding_seconds: 7 * DAY,
            proposal_deposit: Uint128::zero(),
            refund_rejected: true,
            max_actions: 10,
            max_text_bytes: 4_000,
            max_action_bytes: DEFAULT_MAX_ACTION_BYTES,
            min_proposer_share: DEFAULT_MIN_PROPOSER_SHARE,
        }
    }
}

/// A typed action a proposal executes.
#[cw_serde]
#[serde(deny_unknown_fields)]
pub enum Action {
    /// Change the fund's parameters.
    UpdateFundParams(FundParamsUpdate),
    /// Set the fund's pause flags.
    SetFundPause {
        /// Deposits flag.
        deposits: Option<bool>,
        /// Withdrawals flag.
        withdrawals: Option<bool>,
    },
    /// Change the fund's engine or guardian.
    UpdateFundConfig {
        /// New engine.
        engine: Option<String>,
        /// New guardian.
        guardian: Option<String>,
    },
    /// Change a fund share token's cw20 marketing, through the fund's
    /// `UpdateShareTokenMarketing` (absent fields stay as they are; an empty text clears it).
    /// No risk to underwriters: waits the ordinary timelock. Refused when proposed if it
    /// changes nothing or carries what the fund would refuse
    /// ([`crate::fund::check_marketing_change`]).
    UpdateShareTokenMarketing {
        /// Whose share token.
        tranche: Tranche,
        /// New project, at most [`crate::fund::MAX_MARKETING_TEXT`] bytes.
        project: Option<String>,
        /// New description, at most [`crate::fund::MAX_MARKETING_TEXT`] bytes.
        description: Option<String>,
        /// New logo ([`crate::fund::check_logo`]).
        logo: Option<cw20::Logo>,
    },
    /// Create a market.
    AddMarket(NewMarket),
    /// Change a market's parameters.
    UpdateMarket {
        /// Market id.
        market: String,
        /// New parameters.
        params: MarketParams,
    },
    /// Replace a market's feeders.
    SetFeeders {
        /// Market id.
        market: String,
        /// Feeder addresses.
        feeders: Vec<String>,
    },
    /// Set the engine's pauses.
    SetEnginePause(EnginePause),
    /// Change the engine's fee split.
    UpdateEngineFees(FeeConfig),
    /// Governor transfer of the fund (propose or accept).
    FundOwnership(GovernorAction),
    /// Governor transfer of the engine (propose or accept).
    EngineOwnership(GovernorAction),
    /// Change this contract's settings.
    UpdateGovConfig(GovConfig),
    /// Change the addresses this contract governs and works with. Risk-raising (waits out the
    /// fund's exit window) when it changes the fund or the engine; a new fund must answer the
    /// fund's `Config` query and a new engine the engine's `Config` query when proposed. A proposal whose only action
    /// is this one, changing or removing the guardian and nothing else, cannot be vetoed by the
    /// guardian, so the DAO can always replace a rogue guardian; a guardian change must
    /// therefore be alone in its proposal. Later actions of the same proposal still go to the
    /// old addresses (every message of a proposal is built before the first one runs).
    UpdateGovAddresses(GovAddressesUpdate),
    /// Anything else.
    Raw(CosmosMsg<Empty>),
}

/// A change of governance's own addresses; absent fields stay as they are.
#[cw_serde]
#[serde(deny_unknown_fields)]
#[derive(Default)]
pub struct GovAddressesUpdate {
    /// New insurance fund the typed fund actions go to.
    pub fund: Option<String>,
    /// New perp engine the typed engine actions go to.
    pub engine: Option<String>,
    /// New guardian (may not be combined with `remove_guardian`).
    pub guardian: Option<String>,
    /// `true` leaves governance without a guardian (nobody can veto in the timelock).
    pub remove_guardian: Option<bool>,
    /// New treasury (receives the deposits of vetoed proposals).
    pub treasury: Option<String>,
}

/// Instantiates governance.
#[cw_serde]
#[serde(deny_unknown_fields)]
pub struct InstantiateMsg {
    /// The cw20 staked for voting power. Not a share token of an insurance fund (one whose
    /// cw20 minter answers the fund's `Config` query, or one of the configured fund's two share
    /// tokens): a share counts as power by number, not value, so after a loss a tiny deposit
    /// would buy most of the vote (`StakingTokenIsFundShare`).
    pub staking_token: String,
    /// Insurance fund the typed fund actions go to.
    pub fund: Option<String>,
    /// Perp engine the typed engine actions go to.
    pub engine: Option<String>,
    /// May veto passed proposals during their timelock; nothing else.
    pub guardian: Option<String>,
    /// Receives the deposits of vetoed proposals.
    pub treasury: String,
    /// Settings; defaults when absent.
    pub config: Option<GovConfig>,
}

/// Messages accepted in the `msg` of a cw20 `Send` of the staking token.
#[cw_serde]
#[serde(deny_unknown_fields)]
pub enum ReceiveMsg {
    /// Stake the sent tokens for the sender.
    Stake {},
    /// Make a proposal; the sent tokens are its deposit, exactly the required one (see
    /// [`GovConfig::proposal_deposit`]).
    Propose {
        /// Title.
        title: String,
        /// Description.
        description: String,
        /// Actions, executed in order and atomically.
        actions: Vec<Action>,
    },
}

/// Execute messages of governance (cw3 shapes where cw3 has one).
#[cw_serde]
#[serde(deny_unknown_fields)]
pub enum ExecuteMsg {
    /// cw20 receive hook of the staking token.
    Receive(crate::fund::Cw20Receive),
    /// Start unbonding staked tokens.
    Unstake {
        /// Amount.
        amount: Uint128,
    },
    /// Withdraw unbonded tokens.
    Claim {},
    /// Make a proposal without a deposit (only when the required deposit is zero; see
    /// [`GovConfig::proposal_deposit`]).
    Propose {
        /// Title.
        title: String,
        /// Description.
        description: String,
        /// Actions, executed in order and atomically.
        actions: Vec<Action>,
    },
    /// Vote with the sender's power at the proposal's start height.
    Vote {
        /// Proposal id.
        proposal_id: u64,
        /// Yes, no, abstain or veto.
        vote: Vote,
    },
    /// Execute a passed proposal after its timelock (anyone). The timelock is checked again,
    /// never below the one stored on the proposal: an action whose risk check cannot be
    /// answered now counts as risk-raising, and a risk-raising proposal waits the fund's
    /// current cooldown plus claim window whenever the fund answers (the stored timelock when
    /// it cannot), so a passed proposal never stays stuck with its deposit.
    Execute {
        /// Proposal id.
        proposal_id: u64,
    },
    /// Close a proposal whose voting ended without passing (anyone); settles its deposit.
    Close {
        /// Proposal id.
        proposal_id: u64,
    },
    /// Guardian only: veto a passed proposal during its timelock. Refused for a proposal that
    /// only replaces or removes the guardian (`Action::UpdateGovAddresses`), so the DAO can
    /// always remove a rogue guardian.
    Veto {
        /// Proposal id.
        proposal_id: u64,
    },
    /// Only this contract (through a proposal): run a proposal's actions. Used internally so
    /// all actions succeed or fail together.
    RunActions {
        /// Proposal id.
        proposal_id: u64,
    },
    /// Only this contract (a proposal's `UpdateGovConfig` action): change the settings.
    UpdateConfig(GovConfig),
    /// Only this contract (a proposal's `UpdateGovAddresses` action): change the fund, engine,
    /// guardian or treasury.
    UpdateAddresses(GovAddressesUpdate),
}

/// Migrate message of governance.
#[cw_serde]
#[serde(deny_unknown_fields)]
pub struct MigrateMsg {}

/// Query messages (cw3 shapes plus staking).
#[cw_serde]
#[serde(deny_unknown_fields)]
#[derive(QueryResponses)]
pub enum QueryMsg {
    /// Settings and addresses.
    #[returns(GovConfigResponse)]
    Config {},
    /// Current voting rules with the total power now.
    #[returns(ThresholdResponse)]
    Threshold {},
    /// One proposal.
    #[returns(ProposalResponse)]
    Proposal {
        /// Proposal id.
        proposal_id: u64,
    },
    /// Proposals by ascending id.
    #[returns(ProposalListResponse)]
    ListProposals {
        /// Id to start after.
        start_after: Option<u64>,
        /// Page size (default 10, max 30).
        limit: Option<u32>,
    },
    /// Proposals by descending id.
    #[returns(ProposalListResponse)]
    ReverseProposals {
        /// Id to start before.
        start_before: Option<u64>,
        /// Page size (default 10, max 30).
        limit: Option<u32>,
    },
    /// One voter's ballot on a proposal.
    #[returns(VoteResponse)]
    Vote {
        /// Proposal id.
        proposal_id: u64,
        /// Voter.
        voter: String,
    },
    /// Ballots of a proposal by voter address.
    #[returns(VoteListResponse)]
    ListVotes {
        /// Proposal id.
        proposal_id: u64,
        /// Voter to start after.
        start_after: Option<String>,
        /// Page size (default 10, max 30).
        limit: Option<u32>,
    },
    /// Voting power of an address, now or at a height.
    #[returns(PowerResponse)]
    VotingPower {
        /// Address.
        address: String,
        /// Height (power at the start of that block); now when absent.
        height: Option<u64>,
    },
    /// Total voting power, now or at a height.
    #[returns(PowerResponse)]
    TotalPower {
        /// Height; now when absent.
        height: Option<u64>,
    },
    /// Unbonding claims of an address.
    #[returns(ClaimsResponse)]
    Claims {
        /// Address.
        address: String,
    },
}

/// Response to [`QueryMsg::Config`].
#[cw_serde]
pub struct GovConfigResponse {
    /// Staking token.
    pub staking_token: Addr,
    /// Fund.
    pub fund: Option<Addr>,
    /// Engine.
    pub engine: Option<Addr>,
    /// Guardian.
    pub guardian: Option<Addr>,
    /// Treasury.
    pub treasury: Addr,
    /// Settings.
    pub config: GovConfig,
}

/// Response to [`QueryMsg::Threshold`] (cw3's threshold-with-quorum shape, 128-bit weights).
#[cw_serde]
pub struct ThresholdResponse {
    /// Pass threshold of non-abstain votes.
    pub threshold: Decimal,
    /// Quorum of total power.
    pub quorum: Decimal,
    /// Veto threshold of all votes.
    pub veto_threshold: Decimal,
    /// Total power now.
    pub total_weight: Uint128,
}

/// Where a proposal stands.
#[cw_serde]
#[derive(Copy, Eq)]
pub enum ProposalStatus {
    /// Open for votes.
    Open,
    /// Did not pass (voting ended or could no longer pass).
    Rejected,
    /// Rejected by the veto threshold or vetoed by the guardian.
    Vetoed,
    /// Passed; executable once its timelock ends.
    Passed,
    /// Executed successfully.
    Executed,
    /// Execution was attempted and failed; the error is recorded.
    ExecutionFailed,
}

/// Votes cast on a proposal.
#[cw_serde]
#[derive(Default)]
pub struct Tally {
    /// Yes power.
    pub yes: Uint128,
    /// No power.
    pub no: Uint128,
    /// Abstain power.
    pub abstain: Uint128,
    /// Veto power.
    pub veto: Uint128,
}

/// Response to [`QueryMsg::Proposal`].
#[cw_serde]
pub struct ProposalResponse {
    /// Id.
    pub id: u64,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Actions.
    pub actions: Vec<Action>,
    /// Proposer.
    pub proposer: Addr,
    /// Deposit held.
    pub deposit: Uint128,
    /// Status now (an open proposal whose voting ended shows its outcome).
    pub status: ProposalStatus,
    /// Rules copied when the proposal was made.
    pub rules: VotingRules,
    /// Whether the deposit comes back if the proposal is rejected without a veto: the policy
    /// copied when the proposal was made, or for a proposal stored before policies were
    /// copied, the settings' current `refund_rejected`, which then applies at close.
    pub refund_rejected: bool,
    /// Height whose power counts.
    pub start_height: u64,
    /// Total power at the start height.
    pub total_power: Uint128,
    /// Votes so far.
    pub tally: Tally,
    /// End of voting.
    pub voting_end: Timestamp,
    /// Timelock after passing, in seconds, as judged when the proposal was made: for a
    /// proposal with an action that adds underwriter risk (or whose risk check the fund or
    /// engine could not answer), raised to the fund's cooldown plus claim window, or to the
    /// fund's default exit window ([`crate::fund::bounds::DEFAULT_EXIT_WINDOW_SECONDS`]) when
    /// the fund itself could not answer. Execution and veto check it again and record what
    /// they enforced.
    pub timelock_seconds: u64,
    /// Once passed, the earliest execution time: for a proposal still waiting, the timelock
    /// `Execute` and `Veto` would enforce now (see [`ExecuteMsg::Execute`]: never below
    /// `timelock_seconds`, and for a risk-raising proposal at least the fund's current
    /// cooldown plus claim window whenever the fund answers); for an executed or vetoed one,
    /// the timelock it was held to.
    pub executable_at: Option<Timestamp>,
    /// Error of a failed execution.
    pub execution_error: Option<String>,
}

/// Response to the proposal list queries.
#[cw_serde]
pub struct ProposalListResponse {
    /// The page.
    pub proposals: Vec<ProposalResponse>,
}

/// One ballot (cw3's `VoteInfo` with a 128-bit weight).
#[cw_serde]
pub struct VoteInfo {
    /// Proposal id.
    pub proposal_id: u64,
    /// Voter.
    pub voter: String,
    /// Ballot.
    pub vote: Vote,
    /// Power counted.
    pub weight: Uint128,
}

/// Response to [`QueryMsg::Vote`].
#[cw_serde]
pub struct VoteResponse {
    /// The ballot, if any.
    pub vote: Option<VoteInfo>,
}

/// Response to [`QueryMsg::ListVotes`].
#[cw_serde]
pub struct VoteListResponse {
    /// The page.
    pub votes: Vec<VoteInfo>,
}

/// Response to the power queries.
#[cw_serde]
pub struct PowerResponse {
    /// Power.
    pub power: Uint128,
    /// Height it was read at.
    pub height: u64,
}

/// A ballot's choice (cw3's `Vote`, the same on the wire).
#[cw_serde]
#[derive(Copy, Eq)]
pub enum Vote {
    /// For.
    Yes,
    /// Against.
    No,
    /// Counts toward quorum only.
    Abstain,
    /// Against, and a veto share above `veto_threshold` rejects the proposal.
    Veto,
}

/// One unbonding claim (cw-controllers' `Claim`, the same on the wire).
#[cw_serde]
pub struct Claim {
    /// Staking tokens it returns.
    pub amount: Uint128,
    /// When they can be claimed.
    pub release_at: crate::Expiration,
}

/// Response to [`QueryMsg::Claims`] (cw-controllers' `ClaimsResponse`, the same on the wire).
#[cw_serde]
pub struct ClaimsResponse {
    /// Pending claims, oldest first.
    pub claims: Vec<Claim>,
}
