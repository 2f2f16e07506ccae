//! Perpetual-futures engine of the tranche-perps suite: per-market constant-product vAMMs
//! guarded by an oracle index price, isolated margin, zero-sum funding through cumulative
//! indices, and liquidations whose bad debt the insurance fund pays, the rest socialized over
//! all open margin in O(1).
//!
//! Modules with message handlers: [`contract`] (entry points and dispatch), [`trade`],
//! [`liquidate`], [`upkeep`], [`deficit`], [`governance`] and [`query`]. They import only from
//! the modules without handlers, which hold the engine's logic: [`position`], [`margin`],
//! [`funding`], [`oracle`], [`shock`], [`stress`], [`fees`], [`solvency`], [`vamm`], [`params`], [`state`],
//! [`reply`] and [`error`].

pub mod contract;
pub mod deficit;
pub mod error;
pub mod fees;
pub mod funding;
pub mod governance;
pub mod liquidate;
pub mod margin;
pub mod oracle;
pub mod params;
pub mod position;
pub mod query;
pub mod reply;
pub mod shock;
pub mod solvency;
pub mod state;
pub mod stress;
pub mod trade;
pub mod upkeep;
pub mod vamm;

pub use crate::error::ContractError;
