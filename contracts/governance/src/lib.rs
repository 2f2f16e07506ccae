//! Governance of the tranche-perps suite: a configured cw20 staked for voting power kept in
//! height snapshots, cw3-shaped proposals carrying typed fund and engine actions, a timelock
//! that risk-raising changes must outlast the fund's withdrawal cooldown with, atomic execution
//! whose failure is recorded, and a guardian that can only veto during the timelock.

pub mod actions;
pub mod contract;
pub mod error;
pub mod proposal;
pub mod querier;
pub mod query;
pub mod risk;
pub mod settings;
pub mod staking;
pub mod state;
pub mod tally;

pub use crate::error::ContractError;
