//! Durations in seconds, for moving the suite's clock and for expected times.

pub use tranche_perps_types::bounds::{DAY, HOUR, MINUTE};

/// One week.
pub const WEEK: u64 = 7 * DAY;
/// A year of 365 days.
pub const YEAR: u64 = 365 * DAY;
