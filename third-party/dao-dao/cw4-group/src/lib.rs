//! The released `cw4-group` 1.1.2, linked whole: its entry points are this wasm's exports.
pub use ::cw4_group as contract;
