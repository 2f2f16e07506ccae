//! Shared message, response and value types of the tranche-perps suite.
//!
//! Every contract of the suite depends on this crate and on no other contract's crate, so the
//! wire format of each contract is defined in exactly one place.
#![deny(missing_docs)]

pub mod engine;
pub mod fund;
pub mod governance;

/// Whether `denom` is a valid bank denom for the collateral: 3 to 128 characters, a letter
/// first, then letters, digits and `/ : . _ -` (covers native and `ibc/...` denoms).
pub fn is_valid_denom(denom: &str) -> bool {
    (3..=128).contains(&denom.len())
        && denom.starts_with(|c: char| c.is_ascii_alphabetic())
        && denom
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/:._-".contains(c))
}
