//! The released `dao-proposal-single` 2.6.0, linked whole: its entry points are this wasm's exports.
pub use ::dao_proposal_single as contract;
