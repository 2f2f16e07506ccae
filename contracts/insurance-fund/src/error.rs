use cosmwasm_std::{
    CheckedFromRatioError, CheckedMultiplyFractionError, CheckedMultiplyRatioError,
    ConversionOverflowError, Decimal, DivideByZeroError, OverflowError,
    SignedDecimal256RangeExceeded, StdError, Uint128,
};
use cw_ownable::OwnershipError;
use cw_utils::{ParseReplyError, PaymentError};
use thiserror::Error;
use tranche_perps_types::fund::Tranche;

/// Every way a fund message can fail.
#[derive(Error, Debug, PartialEq)]
pub enum ContractError {
    #[error(transparent)]
    Std(#[from] StdError),

    #[error(transparent)]
    Overflow(#[from] OverflowError),

    #[error(transparent)]
    MultiplyRatio(#[from] CheckedMultiplyRatioError),

    #[error(transparent)]
    MultiplyFraction(#[from] CheckedMultiplyFractionError),

    #[error(transparent)]
    ConversionOverflow(#[from] ConversionOverflowError),

    #[error(transparent)]
    DivideByZero(#[from] DivideByZeroError),

    #[error(transparent)]
    FromRatio(#[from] CheckedFromRatioError),

    #[error(transparent)]
    SignedRange(#[from] SignedDecimal256RangeExceeded),

    #[error(transparent)]
    Payment(#[from] PaymentError),

    #[error(transparent)]
    Ownership(#[from] OwnershipError),

    #[error(transparent)]
    ParseReply(#[from] ParseReplyError),

    #[error("unknown reply id {id}")]
    UnknownReplyId { id: u64 },

    #[error("the fund cannot send collateral to itself")]
    RecipientIsFund,

    #[error("sender is not the perp engine")]
    NotEngine,

    #[error("no engine is set")]
    NoEngine,

    #[error("sender is neither the governor nor the guardian")]
    NotGovernorOrGuardian,

    #[error("the guardian may only switch pauses on")]
    GuardianCannotUnpause,

    #[error("the guardian may pause deposits only; pausing withdrawals is for the governor")]
    GuardianCannotPauseWithdrawals,

    #[error("cw20 token {token} is not a share token of this fund")]
    UnknownToken { token: String },

    #[error("amount must be greater than zero")]
    ZeroAmount,

    #[error("deposits are paused")]
    DepositsPaused,

    #[error("withdrawals are paused")]
    WithdrawalsPaused,

    #[error("deposit would mint zero shares")]
    ZeroShares,

    #[error("deposit would mint {shares} shares, less than the minimum {min_shares}")]
    SlippageExceeded {
        shares: Uint128,
        min_shares: Uint128,
    },

    #[error("deposit would take {tranche:?} assets to {assets_after}, above the cap {cap}")]
    DepositCapExceeded {
        tranche: Tranche,
        assets_after: Uint128,
        cap: Uint128,
    },

    #[error("junior ratio would fall to {junior_ratio}, below the minimum {min}")]
    SubordinationBreach { junior_ratio: Decimal, min: Decimal },

    #[error("withdrawal claims are paused by a price shock in the engine until {until}")]
    ClaimsPausedByShock { until: u64 },

    #[error("withdrawal request {id} not found")]
    RequestNotFound { id: u64 },

    #[error("sender is not the owner of withdrawal request {id}")]
    NotRequestOwner { id: u64 },

    #[error("withdrawal request {id} is cooling down until {cooldown_end} (now {now})")]
    CooldownNotOver {
        id: u64,
        cooldown_end: u64,
        now: u64,
    },

    #[error("the claim window of withdrawal request {id} closed at {claim_deadline}")]
    ClaimWindowClosed { id: u64, claim_deadline: u64 },

    #[error("the claim window of withdrawal request {id} is open until {claim_deadline}")]
    RequestNotLapsed { id: u64, claim_deadline: u64 },

    #[error("shortfall {id} was already covered")]
    ShortfallAlreadyCovered { id: u64 },

    #[error("the engine epoch counter is exhausted")]
    EngineEpochOverflow,

    #[error("reserve holds {reserve}, less than {amount}")]
    InsufficientReserve { reserve: Uint128, amount: Uint128 },

    #[error("{tranche:?} tranche has no shares to receive the allocation")]
    EmptyTranche { tranche: Tranche },

    #[error("no collateral was donated outside the fund's messages")]
    NothingToSweep,

    #[error("parameter {name} = {value} is outside its range {range}")]
    ParamOutOfRange {
        name: &'static str,
        value: String,
        range: String,
    },

    #[error("invalid share token info: {reason}")]
    InvalidTokenInfo { reason: String },

    #[error("invalid collateral denom {denom}")]
    InvalidDenom { denom: String },

    #[error("cannot sweep {denom}: not a valid denom")]
    InvalidSweepDenom { denom: String },

    #[error("the share tokens are not instantiated yet")]
    TokensNotReady,

    #[error("renouncing the governor role is not offered: the fund always has a governor")]
    RenounceNotOffered,

    #[error("invalid share token marketing: {reason}")]
    InvalidMarketing { reason: String },

    #[error("the marketing update changes nothing: give a project, a description or a logo")]
    NoMarketingChange,
}

impl From<tranche_perps_types::fund::MarketingRefusal> for ContractError {
    fn from(e: tranche_perps_types::fund::MarketingRefusal) -> Self {
        match e {
            tranche_perps_types::fund::MarketingRefusal::NoChange => Self::NoMarketingChange,
            tranche_perps_types::fund::MarketingRefusal::Invalid(reason) => {
                Self::InvalidMarketing {
                    reason: reason.to_string(),
                }
            }
        }
    }
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
