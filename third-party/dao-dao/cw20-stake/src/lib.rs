//! The released `cw20-stake` 2.6.0, linked whole: its entry points are this wasm's exports.
pub use ::cw20_stake as contract;
