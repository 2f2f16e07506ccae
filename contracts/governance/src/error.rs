use cosmwasm_std::{OverflowError, StdError, Uint128};
use cw_utils::PaymentError;
use thiserror::Error;
use tranche_perps_types::governance::ProposalStatus;

/// Every way a governance message can fail.
#[derive(Error, Debug, PartialEq)]
pub enum ContractError {
    #[error(transparent)]
    Std(#[from] StdError),

    #[error(transparent)]
    Overflow(#[from] OverflowError),

    #[error(transparent)]
    Payment(#[from] PaymentError),

    #[error("unknown reply id {id}")]
    UnknownReplyId { id: u64 },

    #[error("cw20 token {token} is not the staking token")]
    UnknownToken { token: String },

    #[error("amount must be greater than zero")]
    ZeroAmount,

    #[error("staked {staked}, less than {amount}")]
    InsufficientStake { staked: Uint128, amount: Uint128 },

    #[error("at most {max} unbonding claims may be pending")]
    TooManyClaims { max: usize },

    #[error("nothing to claim yet")]
    NothingToClaim,

    #[error("a proposal needs a deposit of {required}, got {sent}")]
    WrongDeposit { required: Uint128, sent: Uint128 },

    #[error("a proposal needs at least one action and at most {max}")]
    BadActionCount { max: u32 },

    #[error("title must not be empty and title plus description at most {max} bytes")]
    BadText { max: u32 },

    #[error("the actions take {size} bytes serialized, more than {max}")]
    ActionsTooLarge { size: u64, max: u32 },

    #[error("action {index}: changes nothing")]
    NothingToUpdate { index: usize },

    #[error("action {index}: invalid share token marketing: {reason}")]
    InvalidMarketing { index: usize, reason: &'static str },

    #[error(
        "action {index}: renouncing the governor role is not offered by the fund or the engine"
    )]
    RenounceNotOffered { index: usize },

    #[error("an address change may not both set and remove the guardian")]
    ConflictingGuardianUpdate,

    #[error("action {index}: a guardian change must be the only change of its proposal")]
    GuardianChangeNotAlone { index: usize },

    #[error("proposal {id} replaces or removes the guardian; the guardian cannot veto it")]
    GuardianChangeNotVetoable { id: u64 },

    #[error("no {target} is configured for this action")]
    NoTarget { target: &'static str },

    #[error("nobody has staked: a proposal could never pass")]
    NoStake,

    #[error("proposal {id} not found")]
    ProposalNotFound { id: u64 },

    #[error("proposal {id} is not open for votes")]
    NotOpen { id: u64 },

    #[error("sender had no voting power at height {height}")]
    NoVotingPower { height: u64 },

    #[error("sender already voted on proposal {id}")]
    AlreadyVoted { id: u64 },

    #[error("proposal {id} has not passed")]
    NotPassed { id: u64 },

    #[error("proposal {id} is already settled ({status:?})")]
    AlreadySettled { id: u64, status: ProposalStatus },

    #[error("proposal {id} is timelocked until {executable_at}")]
    Timelocked { id: u64, executable_at: u64 },

    #[error("proposal {id} cannot be closed (open, passed or already closed)")]
    NotClosable { id: u64 },

    #[error("the timelock of proposal {id} is over; it can no longer be vetoed")]
    VetoTooLate { id: u64 },

    #[error("sender is not the guardian")]
    NotGuardian,

    #[error("only the contract itself may do this")]
    Unauthorized,

    #[error("proposal {id} is not the proposal being executed")]
    NotExecuting { id: u64 },

    #[error(
        "proposal deposit {deposit} is above {max}, {share} of the staking token's supply",
        share = tranche_perps_types::governance::bounds::MAX_DEPOSIT_SHARE
    )]
    DepositTooLarge { deposit: Uint128, max: Uint128 },

    #[error("action {index}: {field} {address:?} is not a valid address")]
    BadActionAddress {
        index: usize,
        field: &'static str,
        address: String,
    },

    #[error(
        "action {index}: the new {target} {address} does not answer the {target}'s Config query"
    )]
    TargetNotAnswering {
        index: usize,
        target: &'static str,
        address: String,
    },

    #[error(
        "the proposer had {power} voting power at the proposal's height; proposing needs {required}"
    )]
    ProposerPowerTooLow { power: Uint128, required: Uint128 },

    #[error(
        "staking token {token} is a share token of the insurance fund {fund}: a share votes by \
         number, not value, so a tiny deposit after a loss would buy the vote"
    )]
    StakingTokenIsFundShare { token: String, fund: String },

    #[error("parameter {name} = {value} is outside its range {range}")]
    ParamOutOfRange {
        name: &'static str,
        value: String,
        range: String,
    },
}

impl From<tranche_perps_types::bounds::OutOfRange> for ContractError {
    fn from(e: tranche_perps_types::bounds::OutOfRange) -> Self {
        Self::ParamOutOfRange {
            name: e.name,
            value: e.value,
            range: e.range,
        }
    }
}
