//! The engine's error type: every way an engine message can fail.

use cosmwasm_std::{
    CheckedFromRatioError, CheckedMultiplyFractionError, CheckedMultiplyRatioError,
    ConversionOverflowError, Decimal, Decimal256, DivideByZeroError, Int128, OverflowError,
    SignedDecimal256, SignedDecimal256RangeExceeded, StdError, Uint128,
};
use cw_ownable::OwnershipError;
use cw_utils::{ParseReplyError, PaymentError};
use thiserror::Error;

/// Every way an engine message can fail.
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
    FromRatio(#[from] CheckedFromRatioError),

    #[error(transparent)]
    ConversionOverflow(#[from] ConversionOverflowError),

    #[error(transparent)]
    DivideByZero(#[from] DivideByZeroError),

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

    #[error("market {market} not found")]
    MarketNotFound { market: String },

    #[error("market {market} already exists")]
    MarketExists { market: String },

    #[error("invalid market id {market}")]
    InvalidMarketId { market: String },

    #[error("too many markets (at most {max})")]
    TooManyMarkets { max: u32 },

    #[error("no position of {trader} in {market}")]
    NoPosition { market: String, trader: String },

    #[error("sender is not a feeder of {market}")]
    NotFeeder { market: String },

    #[error("sender is neither the governor nor the guardian")]
    NotGovernorOrGuardian,

    #[error("the guardian may only switch pauses on")]
    GuardianCannotUnpause,

    #[error("price must be greater than zero")]
    ZeroPrice,

    #[error(
        "the spread |mark - index| / index of mark {mark} and index {index} does not fit a \
         Decimal256"
    )]
    SpreadOverflow { mark: Decimal256, index: Decimal256 },

    #[error(
        "the funding premium (mark - index) / index of mark {mark} and index {index} does not \
         fit a SignedDecimal256"
    )]
    FundingPremiumOverflow { mark: Decimal256, index: Decimal256 },

    #[error(
        "funding per receiving unit does not fit a SignedDecimal256: {per_unit} per paying unit, \
         open interest {payer_oi} paying and {receiver_oi} receiving"
    )]
    FundingReceiptOverflow {
        per_unit: SignedDecimal256,
        payer_oi: Uint128,
        receiver_oi: Uint128,
    },

    #[error(
        "the fund's share of trading fees at coverage {coverage}, between {min} and {max}, does \
         not fit a Decimal"
    )]
    FeeSplitOverflow {
        coverage: Decimal256,
        max: Decimal,
        min: Decimal,
    },

    #[error("publish time {publish_time} is in the future (now {now})")]
    PriceFromFuture { publish_time: u64, now: u64 },

    #[error("publish time {publish_time} is not after the sender's last one {last}")]
    PriceNotNewer { publish_time: u64, last: u64 },

    #[error("price {price} is outside the market's bounds {min} ..= {max}")]
    PriceOutOfBounds {
        price: Decimal256,
        min: Decimal256,
        max: Decimal256,
    },

    #[error("min_feeders {min_feeders} is above the market's {feeders} feeders")]
    TooFewFeeders { min_feeders: u32, feeders: u32 },

    #[error("margin removal in {market} is paused by a price shock until {until}")]
    MarketShocked { market: String, until: u64 },

    #[error("{market} is not in a price shock")]
    NoShock { market: String },

    #[error("no index price for {market}")]
    NoPrice { market: String },

    #[error(
        "index price of {market} is stale: published {publish_time}, max age {max_age}s, now {now}"
    )]
    StalePrice {
        market: String,
        publish_time: u64,
        max_age: u64,
        now: u64,
    },

    #[error("amount must be greater than zero")]
    ZeroAmount,

    #[error("size change must not be zero")]
    ZeroSize,

    #[error("trade too large for the vAMM")]
    InsufficientLiquidity,

    #[error("average price {price} is worse than the limit {limit}")]
    PriceLimitExceeded {
        price: Decimal256,
        limit: Decimal256,
    },

    #[error("mark and index differ by {spread}, above the maximum {max}")]
    SpreadTooWide { spread: Decimal256, max: Decimal256 },

    #[error("open interest would reach {oi}, above the cap {cap}")]
    OpenInterestCapExceeded { oi: Uint128, cap: Uint128 },

    #[error("position notional {notional} is below the minimum {min}")]
    BelowMinNotional { notional: Uint128, min: Uint128 },

    #[error("the reduced position's notional {notional} would be below the minimum {min}: close it instead")]
    DustRemainder { notional: Uint128, min: Uint128 },

    #[error("margin {equity} is below the required {required}")]
    InsufficientMargin { equity: Int128, required: Uint128 },

    #[error("position is bankrupt: equity {equity}; it can only be liquidated")]
    Bankrupt { equity: Int128 },

    #[error("position is healthy: equity {equity}, maintenance margin {required}")]
    NotLiquidatable { equity: Int128, required: Uint128 },

    #[error("liquidations in {market} already sold {depth} base into the vAMM in block {height} (the per-block liquidation depth); liquidate again in a later block")]
    LiquidationDepthReached {
        market: String,
        depth: Uint128,
        height: u64,
    },

    #[error("the mark of {market} is {mark}, already at or past {limit} (the index moved by the taker fee) on the side a liquidation pushes it; liquidate once trading brings it back")]
    LiquidationBandReached {
        market: String,
        mark: Decimal256,
        limit: Decimal256,
    },

    #[error(
        "the engine is insolvent: payout {owed} exceeds its balance {available} while bad debt \
         remains uncovered; later fees repay it"
    )]
    Insolvent { owed: Uint128, available: Uint128 },

    #[error("there is no uncovered bad debt to repay")]
    NoDeficit,

    #[error("the engine owes the sender nothing")]
    NothingOwed,

    #[error("opening new positions is paused")]
    NewPositionsPaused,

    #[error("margin removal is paused")]
    MarginRemovalPaused,

    #[error("liquidation is paused")]
    LiquidationPaused,

    #[error("the engine is halted")]
    Halted,

    #[error("funding is already accrued up to now")]
    FundingNotDue,

    #[error("there are no treasury fees to withdraw")]
    NoTreasuryFees,

    #[error("parameter {name} = {value} is outside its range {range}")]
    ParamOutOfRange {
        name: &'static str,
        value: String,
        range: String,
    },

    #[error("invalid collateral denom {denom}")]
    InvalidDenom { denom: String },

    #[error("renouncing the governor role is not offered: the engine always has a governor")]
    RenounceNotOffered,

    #[error("stress buckets are complete")]
    StressReady,

    #[error("stress buckets are being rebuilt (RebuildStress)")]
    StressRebuilding,

    #[error("limit must be 1 to {max}")]
    InvalidLimit { max: u32 },

    #[error("price move must be above -1")]
    InvalidPriceMove,
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
