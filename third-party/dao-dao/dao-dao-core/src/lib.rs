//! The released `dao-dao-core` 2.6.0, linked whole: its entry points are this wasm's exports.
pub use ::dao_dao_core as contract;
