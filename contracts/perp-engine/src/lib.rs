//! Perpetual-futures engine of the tranche-perps suite: per-market constant-product vAMMs
//! guarded by an oracle index price, isolated margin, zero-sum funding through cumulative
//! indices, and liquidations whose bad debt the insurance fund pays, the rest socialized over
//! all open margin in O(1).

pub mod contract;
pub mod error;
pub mod fees;
pub mod funding;
pub mod governance;
pub mod liquidate;
pub mod margin;
pub mod oracle;
pub mod query;
pub mod solvency;
pub mod state;
pub mod trade;
pub mod vamm;

pub use crate::error::ContractError;
