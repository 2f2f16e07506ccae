//! Durations in seconds, for moving the suite's clock and for expected times.

/// One minute.
pub const MINUTE: u64 = 60;
/// One hour.
pub const HOUR: u64 = 60 * MINUTE;
/// One day.
pub const DAY: u64 = 24 * HOUR;
/// One week.
pub const WEEK: u64 = 7 * DAY;
/// A year of 365 days.
pub const YEAR: u64 = 365 * DAY;
