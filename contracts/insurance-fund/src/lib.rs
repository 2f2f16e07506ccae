//! Insurance fund of the tranche-perps suite: a junior and a senior tranche, each with its own
//! cw20-base share token, paying the perp engine's bad debt through a capped loss waterfall.

pub mod contract;
pub mod deposit;
pub mod error;
pub mod governance;
pub mod math;
pub mod premium;
pub mod query;
pub mod shock;
pub mod shortfall;
pub mod state;
pub mod withdraw;

pub use crate::error::ContractError;
