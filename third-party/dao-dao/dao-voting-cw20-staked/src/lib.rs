//! The released `dao-voting-cw20-staked` 2.6.0, linked whole: its entry points are this wasm's exports.
pub use ::dao_voting_cw20_staked as contract;
