//! Shared message, response and value types of the tranche-perps suite.
//!
//! Every contract of the suite depends on this crate and on no other contract's crate, so the
//! wire format of each contract is defined in exactly one place.
#![deny(missing_docs)]

pub mod engine;
pub mod fund;
pub mod governance;
