//! Assertions shared by the tests: a refused step fails as expected and leaves everything as
//! it was.
//!
//! What "everything" means is the caller's: `state` reads whatever the test watches (books,
//! configs, positions, balances) into a value compared before and after the step.

use std::fmt::Debug;

use crate::Suite;

/// Runs `step`, which must fail with exactly `expected`, and asserts that `state` reads the
/// same after it as before.
pub fn assert_refused<S, T, E>(
    suite: &mut Suite,
    state: impl Fn(&Suite) -> S,
    expected: E,
    step: impl FnOnce(&mut Suite) -> Result<T, E>,
) where
    S: PartialEq + Debug,
    T: Debug,
    E: PartialEq + Debug,
{
    let before = state(suite);
    let err = step(suite).expect_err("step must fail");
    assert_eq!(err, expected);
    assert_eq!(state(suite), before, "a refused step changed state");
}

/// Runs `step`, which must fail, and asserts that `state` reads the same after it as before;
/// returns the error, for checks of its kind or text.
pub fn assert_unchanged<S, T, E>(
    suite: &mut Suite,
    state: impl Fn(&Suite) -> S,
    step: impl FnOnce(&mut Suite) -> Result<T, E>,
) -> E
where
    S: PartialEq + Debug,
    T: Debug,
{
    let before = state(suite);
    let err = step(suite).expect_err("step must fail");
    assert_eq!(state(suite), before, "a refused step changed state");
    err
}
