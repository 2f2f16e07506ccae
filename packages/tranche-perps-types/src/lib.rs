//! Shared message, response and value types of the tranche-perps suite.
//!
//! Every contract of the suite depends on this crate and on no other contract's crate, so the
//! wire format of each contract is defined in exactly one place.
#![deny(missing_docs)]

pub mod bounds;
pub mod engine;
pub mod fund;
pub mod governance;

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, Timestamp};

/// When something lapses (cw-utils' `Expiration`, field for field on the wire).
#[cw_serde]
#[derive(Copy)]
pub enum Expiration {
    /// At a block height.
    AtHeight(u64),
    /// At a block time.
    AtTime(Timestamp),
    /// Never.
    Never {},
}

/// The governor and any pending transfer of the role (cw-ownable's `Ownership`, field for field
/// on the wire): the answer to the fund's and the engine's `Ownership {}` query.
#[cw_serde]
pub struct Ownership {
    /// The governor; `None` only if the role was renounced, which the suite never does.
    pub owner: Option<Addr>,
    /// The proposed governor of a transfer in progress.
    pub pending_owner: Option<Addr>,
    /// When the pending transfer lapses.
    pub pending_expiry: Option<Expiration>,
}

/// Page size of a paginated query when the caller gives no `limit`.
pub const DEFAULT_PAGE_LIMIT: u32 = 10;
/// Largest page any paginated query returns, whatever `limit` asks for.
pub const MAX_PAGE_LIMIT: u32 = 30;

/// Entries one page of a paginated query returns for the caller's `limit`: the default when
/// none is given, never more than [`MAX_PAGE_LIMIT`].
pub fn page_limit(limit: Option<u32>) -> usize {
    limit.unwrap_or(DEFAULT_PAGE_LIMIT).min(MAX_PAGE_LIMIT) as usize
}

/// Whether `denom` is a valid bank denom for the collateral: 3 to 128 characters, a letter
/// first, then letters, digits and `/ : . _ -` (covers native and `ibc/...` denoms).
pub fn is_valid_denom(denom: &str) -> bool {
    (3..=128).contains(&denom.len())
        && denom.starts_with(|c: char| c.is_ascii_alphabetic())
        && denom
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/:._-".contains(c))
}
