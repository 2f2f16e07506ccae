//! The released `dao-voting-cw4` 2.6.0, linked whole: its entry points are this wasm's exports.
pub use ::dao_voting_cw4 as contract;
