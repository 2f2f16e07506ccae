//! The vote arithmetic: share comparisons without rounding, a proposal's outcome (early when no
//! remaining vote can change it) and its status now.

use cosmwasm_std::{Decimal, Timestamp, Uint128, Uint256};
use tranche_perps_types::governance::{ProposalStatus, VotingRules};

use crate::state::{Progress, ProposalTerms};

/// `a * ratio <= b` style comparisons without rounding: `x * d.atomics() >= y * 10^18`.
fn at_least(part: Uint128, whole: Uint128, share: Decimal) -> bool {
    Uint256::from(part) * Uint256::from(Decimal::one().atomics())
        >= Uint256::from(whole) * Uint256::from(share.atomics())
}

fn above(part: Uint128, whole: Uint128, share: Decimal) -> bool {
    Uint256::from(part) * Uint256::from(Decimal::one().atomics())
        > Uint256::from(whole) * Uint256::from(share.atomics())
}

/// The outcome of a proposal's votes at `now`, deciding early only when no remaining vote
/// could change it.
pub fn outcome(p: &ProposalTerms, progress: &Progress, now: Timestamp) -> ProposalStatus {
    let t = &progress.tally;
    let rules: &VotingRules = &p.rules;
    let cast = t.yes + t.no + t.abstain + t.veto;
    let remaining = p.total_power.saturating_sub(cast);
    let non_abstain = t.yes + t.no + t.veto;
    if now >= p.voting_end {
        return if !at_least(cast, p.total_power, rules.quorum) {
            ProposalStatus::Rejected
        } else if at_least(t.veto, cast, rules.veto_threshold) {
            ProposalStatus::Vetoed
        } else if above(t.yes, non_abstain, rules.threshold) {
            ProposalStatus::Passed
        } else {
            ProposalStatus::Rejected
        };
    }
    // Vetoed whatever the rest votes: quorum met, and the veto share of all possible votes
    // reaches the threshold.
    if at_least(cast, p.total_power, rules.quorum)
        && at_least(t.veto, p.total_power, rules.veto_threshold)
    {
        return ProposalStatus::Vetoed;
    }
    // Passed whatever the rest votes: quorum met, the rest voting no still leaves yes above
    // the threshold, and the rest voting veto still leaves veto under its threshold.
    if at_least(cast, p.total_power, rules.quorum)
        && above(t.yes, non_abstain + remaining, rules.threshold)
        && !at_least(t.veto + remaining, p.total_power, rules.veto_threshold)
    {
        return ProposalStatus::Passed;
    }
    // Rejected whatever the rest votes: even all remaining yes cannot pass, and all remaining
    // veto cannot turn it into a veto (which would send the deposit to the treasury).
    if !above(t.yes + remaining, non_abstain + remaining, rules.threshold)
        && !at_least(t.veto + remaining, p.total_power, rules.veto_threshold)
    {
        return ProposalStatus::Rejected;
    }
    ProposalStatus::Open
}

/// Status now: a settled status, or the outcome of an open proposal.
pub fn status_now(
    p: &ProposalTerms,
    progress: &Progress,
    now: Timestamp,
) -> (ProposalStatus, Option<Timestamp>) {
    if progress.status != ProposalStatus::Open {
        return (progress.status, progress.passed_at);
    }
    match outcome(p, progress, now) {
        ProposalStatus::Passed => (
            ProposalStatus::Passed,
            Some(progress.passed_at.unwrap_or(p.voting_end.min(now))),
        ),
        other => (other, None),
    }
}
