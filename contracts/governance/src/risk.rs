//! Risk and timelocks: which actions raise underwriters' risk, and every timelock computed from
//! it (a new proposal's, the one a passed proposal is held to now, the window `Execute` and
//! `Veto` check, and the one recorded when a proposal is settled).
//!
//! Functions here ask the fund and engine freely: the entry points hand them a
//! [`crate::querier::CachingQuerier`], so within one message a repeated query is answered from
//! the first asking instead of costing another cross-contract query.

use cosmwasm_std::{Addr, Deps, Timestamp};
use tranche_perps_types::fund::GovernorAction;
use tranche_perps_types::governance::{Action, ProposalStatus};
use tranche_perps_types::{engine, fund};

use crate::actions::{engine_answers, fund_answers, target};
use crate::error::ContractError;
use crate::state::{Config, Proposal};
use crate::tally::status_now;

/// Timelock of a proposal made while the fund or engine cannot answer the risk check (a typo
/// in an address change, a target migrated away): such a proposal is taken as risk-raising and
/// waits at least the fund's default cooldown plus claim window
/// ([`fund::bounds::DEFAULT_EXIT_WINDOW_SECONDS`]). Refusing it instead would refuse the
/// address change that repairs governance. Execution and veto check the timelock again and
/// raise it to the fund's actual exit window if the fund answers then.
pub const FALLBACK_RISKY_TIMELOCK_SECONDS: u64 = fund::bounds::DEFAULT_EXIT_WINDOW_SECONDS;

/// Whether an action adds risk for underwriters (so it must wait out a withdrawal).
fn raises_risk(deps: Deps, config: &Config, action: &Action) -> Result<bool, ContractError> {
    Ok(match action {
        Action::UpdateFundParams(update) => {
            let fund = target(&config.fund, "fund")?;
            let current: fund::ConfigResponse = deps
                .querier
                .query_wasm_smart(fund, &fund::QueryMsg::Config {})?;
            let p = current.params;
            update
                .min_junior_ratio
                .is_some_and(|v| v < p.min_junior_ratio)
                || update.max_payout_bps.is_some_and(|v| v > p.max_payout_bps)
                || update
                    .payout_window_seconds
                    .is_some_and(|v| v < p.payout_window_seconds)
                || update
                    .cooldown_seconds
                    .is_some_and(|v| v < p.cooldown_seconds)
                || update
                    .claim_window_seconds
                    .is_some_and(|v| v < p.claim_window_seconds)
                || update.min_remaining.is_some_and(|v| v < p.min_remaining)
        }
        Action::UpdateFundConfig { engine, .. } => engine.is_some(),
        // A new fund or engine changes what every later typed action controls.
        Action::UpdateGovAddresses(update) => update.fund.is_some() || update.engine.is_some(),
        Action::UpdateMarket { market, params } => {
            let engine = target(&config.engine, "engine")?;
            let current: engine::MarketResponse = deps.querier.query_wasm_smart(
                engine,
                &engine::QueryMsg::Market {
                    market: market.clone(),
                },
            )?;
            let p = current.params;
            params.initial_margin_ratio < p.initial_margin_ratio
                || params.maintenance_margin_ratio < p.maintenance_margin_ratio
                || params.liquidation_fee < p.liquidation_fee
                || params.max_long_oi > p.max_long_oi
                || params.max_short_oi > p.max_short_oi
                || params.max_spread > p.max_spread
                || params.oracle_max_age_seconds > p.oracle_max_age_seconds
                // A deeper liquidation per block makes sandwiching it pay sooner; a larger
                // keeper minimum is paid from the fee pools, the fund's premium among them.
                || params.liquidation_depth > p.liquidation_depth
                || params.min_keeper_reward > p.min_keeper_reward
                || oracle_risk_raised(&p, params)
        }
        // Pausing withdrawals traps underwriters; unpausing, and the deposit flag, do not.
        Action::SetFundPause { withdrawals, .. } => *withdrawals == Some(true),
        Action::FundOwnership(GovernorAction::AcceptOwnership)
        | Action::EngineOwnership(GovernorAction::AcceptOwnership) => false,
        // New feeders control the index every liquidation and bad debt follows.
        Action::AddMarket(_)
        | Action::SetFeeders { .. }
        | Action::FundOwnership(_)
        | Action::EngineOwnership(_)
        | Action::Raw(_) => true,
        Action::SetEnginePause(_) | Action::UpdateEngineFees(_) | Action::UpdateGovConfig(_) => {
            false
        }
    })
}

/// Whether new market parameters weaken the oracle or the price-shock pause: fewer feeders
/// needed for the index, a larger (or no) bound on an unconfirmed index move, wider price
/// bounds, a larger move before a shock, a shorter shock window or pause.
fn oracle_risk_raised(old: &engine::MarketParams, new: &engine::MarketParams) -> bool {
    let move_raised = match (old.max_index_move, new.max_index_move) {
        (Some(_), None) => true,
        (Some(old), Some(new)) => new > old,
        (None, _) => false,
    };
    new.min_feeders < old.min_feeders
        || move_raised
        || new.min_price < old.min_price
        || new.max_price > old.max_price
        || new.shock_move > old.shock_move
        || new.shock_window_seconds < old.shock_window_seconds
        || new.shock_pause_seconds < old.shock_pause_seconds
}

/// Whether the target an action's risk check reads (the fund for a fund parameter change, the
/// engine for a market update) answers its `Config` query. When it does, a failed risk check
/// is about the action itself (an unknown market), not about a target that cannot answer.
fn risk_target_answers(deps: Deps, config: &Config, action: &Action) -> bool {
    match action {
        Action::UpdateFundParams(_) => config.fund.as_ref().is_some_and(|f| fund_answers(deps, f)),
        Action::UpdateMarket { .. } => config
            .engine
            .as_ref()
            .is_some_and(|e| engine_answers(deps, e)),
        _ => false,
    }
}

/// Whether an action raises underwriters' risk judged now; an action whose risk check cannot
/// be answered (the fund or engine migrated away or replaced) counts as risky.
fn risky_now(deps: Deps, config: &Config, action: &Action) -> bool {
    raises_risk(deps, config, action).unwrap_or(true)
}

/// The fund's exit window now (cooldown plus claim window), `None` when the fund does not
/// answer. At most [`fund::bounds::MAX_EXIT_WINDOW_SECONDS`], the longest exit window the
/// fund's bounds allow: a replaced fund answering more cannot push a timestamp past its range
/// and make the proposal unexecutable.
fn fund_exit_window(deps: Deps, fund: &Addr) -> Option<u64> {
    deps.querier
        .query_wasm_smart::<fund::ConfigResponse>(fund, &fund::QueryMsg::Config {})
        .ok()
        .map(|c| {
            c.params
                .cooldown_seconds
                .saturating_add(c.params.claim_window_seconds)
                .min(fund::bounds::MAX_EXIT_WINDOW_SECONDS)
        })
}

/// The timelock of a risky proposal: `base`, raised to the fund's current exit window, or to
/// `fallback` when the fund cannot answer. Read apart from the per-action risk checks, so a
/// fund that answers is always waited out, whatever else fails. Without a fund there are no
/// underwriters to wait for.
fn risky_timelock(deps: Deps, config: &Config, base: u64, fallback: u64) -> u64 {
    match &config.fund {
        Some(fund) => base.max(fund_exit_window(deps, fund).unwrap_or(fallback)),
        None => base,
    }
}

/// The timelock and risk of a new proposal. An action whose risk check cannot be answered
/// counts as risky, and a fund that cannot answer gives a risky proposal
/// [`FALLBACK_RISKY_TIMELOCK_SECONDS`]: refusing instead would refuse the address change that
/// repairs governance. A risk check that fails although its target answers (an unknown
/// market) refuses the proposal.
pub(crate) fn proposal_timelock(
    deps: Deps,
    config: &Config,
    actions: &[Action],
    base: u64,
) -> Result<(u64, bool), ContractError> {
    let mut risky = false;
    for action in actions {
        risky |= match raises_risk(deps, config, action) {
            Ok(raises) => raises,
            Err(err) if risk_target_answers(deps, config, action) => return Err(err),
            Err(_) => true,
        };
    }
    let timelock = if risky {
        risky_timelock(deps, config, base, FALLBACK_RISKY_TIMELOCK_SECONDS)
    } else {
        base
    };
    Ok((timelock, risky))
}

/// The timelock a passed proposal is held to now, and whether it is risky. Risk is judged
/// again against the parameters now (an action whose check cannot be answered counts as
/// risky; a proposal judged risky before stays risky); a risky proposal waits the fund's
/// current exit window, or its stored timelock when the fund cannot answer. Never below the
/// stored timelock, so a later change of the fund's parameters cannot shorten the exit window
/// underwriters are promised, and never stuck: every query that fails only falls back.
/// `Execute` and `Veto` enforce it and the proposal query shows it.
pub fn required_timelock(deps: Deps, config: &Config, p: &Proposal) -> (u64, bool) {
    let risky = p.risky || p.actions.iter().any(|a| risky_now(deps, config, a));
    let stored = p.timelock_seconds.max(p.rules.timelock_seconds);
    let timelock = if risky {
        risky_timelock(deps, config, stored, stored)
    } else {
        stored
    };
    (timelock, risky)
}

/// The timelock of a passed proposal checked against the fund's parameters now.
pub(crate) struct TimelockWindow {
    pub(crate) passed_at: Timestamp,
    pub(crate) executable_at: Timestamp,
    pub(crate) timelock_seconds: u64,
    pub(crate) risky: bool,
}

/// When a passed proposal passed and when its timelock ends, the timelock checked against the
/// fund's parameters now. `NotPassed` for a proposal that has not passed (open, or decided
/// against and not closed yet), `AlreadySettled` for one that was closed, vetoed or executed.
///
/// See [`required_timelock`]: a fund or engine that cannot answer (migrated to code that no
/// longer knows the query, or replaced by an address that is not a contract) never leaves the
/// proposal unexecutable or unvetoable with its deposit locked.
pub(crate) fn timelock_window(
    deps: Deps,
    config: &Config,
    p: &Proposal,
    id: u64,
    now: Timestamp,
) -> Result<TimelockWindow, ContractError> {
    let passed_at = match (p.status, status_now(p, now)) {
        (_, (ProposalStatus::Passed, Some(at))) => at,
        (ProposalStatus::Open | ProposalStatus::Passed, _) => {
            return Err(ContractError::NotPassed { id })
        }
        (status, _) => return Err(ContractError::AlreadySettled { id, status }),
    };
    let (timelock_seconds, risky) = required_timelock(deps, config, p);
    Ok(TimelockWindow {
        passed_at,
        executable_at: passed_at.plus_seconds(timelock_seconds),
        timelock_seconds,
        risky,
    })
}

/// Records on a settled proposal the timelock it was held to.
pub(crate) fn settle_timelock(p: &mut Proposal, window: &TimelockWindow) {
    p.passed_at = Some(window.passed_at);
    p.timelock_seconds = window.timelock_seconds;
    p.risky = window.risky;
}

#[cfg(test)]
mod tests {
    use super::*;
    use tranche_perps_types::bounds::DAY;

    #[test]
    fn the_fallback_timelock_is_the_funds_default_exit_window() {
        let p = tranche_perps_types::fund::FundParams::default();
        assert_eq!(
            FALLBACK_RISKY_TIMELOCK_SECONDS,
            p.cooldown_seconds + p.claim_window_seconds
        );
        assert_eq!(FALLBACK_RISKY_TIMELOCK_SECONDS, 9 * DAY);
    }
}
