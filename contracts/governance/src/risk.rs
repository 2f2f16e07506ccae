//! Risk and timelocks: which actions raise underwriters' risk, and every timelock computed from
//! it (a new proposal's, the one a passed proposal is held to now, the window `Execute` and
//! `Veto` check, and the one recorded when a proposal is settled).
//!
//! Functions here ask the fund and engine freely: the entry points hand them a
//! [`crate::querier::CachingQuerier`], so within one message a repeated query is answered from
//! the first asking instead of costing another cross-contract query.

use std::cmp::Ordering;

use cosmwasm_std::{from_json, Addr, Decimal, Deps, StdError, Timestamp, Uint128};
use serde::de::DeserializeOwned;
use tranche_perps_types::fund::GovernorAction;
use tranche_perps_types::governance::{
    Action, GovAddressesUpdate, GovConfig, ProposalStatus, VotingRules,
};
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

/// Which way a change may go without raising underwriters' risk or cutting their income.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SafeWay {
    /// A higher value; for a flag, switching it on.
    Raise,
    /// A lower value; for a flag, switching it off.
    Lower,
    /// The action whatever it carries.
    Always,
}

/// One reviewed safe change: `field` of `action` moved `way` (`field` names the case of an
/// action without fields).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SafeChange {
    /// The [`Action`] variant.
    pub action: &'static str,
    /// The field (or case) of it.
    pub field: &'static str,
    /// The direction that is safe.
    pub way: SafeWay,
    /// Why: for the docs and tests only, so the contract's wasm does not carry the texts.
    #[cfg(not(target_arch = "wasm32"))]
    pub why: &'static str,
}

const fn safe(
    action: &'static str,
    field: &'static str,
    way: SafeWay,
    why: &'static str,
) -> SafeChange {
    #[cfg(target_arch = "wasm32")]
    let _ = why;
    SafeChange {
        action,
        field,
        way,
        #[cfg(not(target_arch = "wasm32"))]
        why,
    }
}

/// The reviewed list: every change that waits only the ordinary timelock. Risk is denied by
/// default: a field or action not listed here, a listed field moved the other way, an address,
/// every governance setting and every raw message waits the fund's exit window. A field left
/// as it is (absent from a partial update, or equal to its value now) changes nothing. The
/// classification below destructures every update exhaustively, so a field added to a params
/// struct does not compile until it is classified here or left risky.
pub const SAFE_CHANGES: &[SafeChange] = &[
    safe(
        "UpdateFundParams",
        "max_payout_bps",
        SafeWay::Lower,
        "the fund pays less per window",
    ),
    safe(
        "UpdateFundParams",
        "payout_window_seconds",
        SafeWay::Raise,
        "the payout cap covers a longer window",
    ),
    safe(
        "UpdateFundParams",
        "junior_deposit_cap",
        SafeWay::Lower,
        "fewer new deposits",
    ),
    safe(
        "UpdateFundParams",
        "senior_deposit_cap",
        SafeWay::Lower,
        "fewer new deposits",
    ),
    safe(
        "UpdateFundParams",
        "target_coverage_bps",
        SafeWay::Raise,
        "a larger fund share of trading fees",
    ),
    safe(
        "UpdateFundParams",
        "min_remaining",
        SafeWay::Raise,
        "a tranche keeps more in a shortfall",
    ),
    safe(
        "SetFundPause",
        "deposits",
        SafeWay::Raise,
        "pausing deposits",
    ),
    safe(
        "SetFundPause",
        "withdrawals",
        SafeWay::Lower,
        "unpausing withdrawals",
    ),
    safe(
        "UpdateMarket",
        "initial_margin_ratio",
        SafeWay::Raise,
        "more margin behind new positions",
    ),
    safe(
        "UpdateMarket",
        "maintenance_margin_ratio",
        SafeWay::Raise,
        "liquidation earlier, further from bankruptcy",
    ),
    safe(
        "UpdateMarket",
        "taker_fee",
        SafeWay::Raise,
        "more trading fees, a costlier sandwich",
    ),
    safe(
        "UpdateMarket",
        "liquidation_fee",
        SafeWay::Raise,
        "more premium (never above the remaining margin)",
    ),
    safe(
        "UpdateMarket",
        "min_notional",
        SafeWay::Raise,
        "no dust positions too small to liquidate",
    ),
    safe(
        "UpdateMarket",
        "max_long_oi",
        SafeWay::Lower,
        "less exposure",
    ),
    safe(
        "UpdateMarket",
        "max_short_oi",
        SafeWay::Lower,
        "less exposure",
    ),
    safe(
        "UpdateMarket",
        "max_spread",
        SafeWay::Lower,
        "no opening against a far-off mark",
    ),
    safe(
        "UpdateMarket",
        "shock_move",
        SafeWay::Lower,
        "margin removal pauses on smaller shocks",
    ),
    safe(
        "UpdateMarket",
        "shock_window_seconds",
        SafeWay::Raise,
        "a shock is measured over longer",
    ),
    safe(
        "UpdateMarket",
        "shock_pause_seconds",
        SafeWay::Raise,
        "margin removal pauses longer",
    ),
    safe(
        "SetEnginePause",
        "new_positions",
        SafeWay::Raise,
        "pausing new positions",
    ),
    safe(
        "SetEnginePause",
        "margin_removal",
        SafeWay::Raise,
        "pausing margin removal",
    ),
    safe(
        "SetEnginePause",
        "liquidation",
        SafeWay::Lower,
        "unpausing liquidations",
    ),
    safe(
        "SetEnginePause",
        "halted",
        SafeWay::Lower,
        "lifting a halt lets liquidations run again",
    ),
    safe(
        "UpdateEngineFees",
        "fund_share_max",
        SafeWay::Raise,
        "a larger fund share of trading fees",
    ),
    safe(
        "UpdateEngineFees",
        "fund_share_min",
        SafeWay::Raise,
        "a larger fund share of trading fees",
    ),
    safe(
        "FundOwnership",
        "AcceptOwnership",
        SafeWay::Always,
        "governance takes the governor role offered",
    ),
    safe(
        "EngineOwnership",
        "AcceptOwnership",
        SafeWay::Always,
        "governance takes the governor role offered",
    ),
    safe(
        "UpdateShareTokenMarketing",
        "",
        SafeWay::Always,
        "wallet-facing text and logo only; no funds or rights move",
    ),
];

/// The reviewed safe way of `field` of `action`, if any.
pub fn safe_way(action: &str, field: &str) -> Option<SafeWay> {
    SAFE_CHANGES
        .iter()
        .find(|c| c.action == action && c.field == field)
        .map(|c| c.way)
}

/// Whether moving `field` of `action` from `old` to `new` is on the reviewed list (no change
/// is always safe; values that do not compare are risky).
fn safe_move<T: PartialOrd>(action: &str, field: &str, old: &T, new: &T) -> bool {
    match new.partial_cmp(old) {
        Some(Ordering::Equal) => true,
        Some(Ordering::Greater) => safe_way(action, field) == Some(SafeWay::Raise),
        Some(Ordering::Less) => safe_way(action, field) == Some(SafeWay::Lower),
        None => false,
    }
}

/// [`safe_move`] for a field of a partial update: absent is no change.
fn safe_set<T: PartialOrd>(action: &str, field: &str, old: &T, new: &Option<T>) -> bool {
    new.as_ref()
        .is_none_or(|new| safe_move(action, field, old, new))
}

/// A flag of a partial update whose value now is not read: setting it counts as switching it
/// from the other value.
fn safe_flag(action: &str, field: &str, new: &Option<bool>) -> bool {
    new.is_none_or(|new| safe_move(action, field, &!new, &new))
}

/// Whether the whole `case` of `action` is on the reviewed list.
fn safe_case(action: &str, case: &str) -> bool {
    safe_way(action, case) == Some(SafeWay::Always)
}

/// Deposit caps in order: any limit below no limit.
fn cap_order(cap: &fund::DepositCap) -> (bool, Uint128) {
    match cap {
        fund::DepositCap::Limit(v) => (false, *v),
        fund::DepositCap::Unlimited => (true, Uint128::zero()),
    }
}

/// `max_index_move` in order: any bound below none.
fn move_order(bound: &Option<Decimal>) -> (bool, Decimal) {
    match bound {
        Some(v) => (false, *v),
        None => (true, Decimal::zero()),
    }
}

/// The engine's stored pause flags or fee split, read raw (a storage read, not a contract
/// query). An engine whose storage does not hold them as this code knows them fails the
/// read, and the action counts as risky.
fn engine_item<T: DeserializeOwned>(
    deps: Deps,
    config: &Config,
    key: &'static str,
) -> Result<T, ContractError> {
    let engine = target(&config.engine, "engine")?;
    let raw = deps
        .querier
        .query_wasm_raw(engine, key.as_bytes())?
        .ok_or_else(|| StdError::generic_err(format!("engine holds no {key}")))?;
    Ok(from_json(raw)?)
}

/// Whether an action raises underwriters' risk (so it must wait out a withdrawal): `false`
/// only when every change it makes is on [`SAFE_CHANGES`].
fn raises_risk(deps: Deps, config: &Config, action: &Action) -> Result<bool, ContractError> {
    Ok(!match action {
        Action::UpdateFundParams(update) => {
            let fund = target(&config.fund, "fund")?;
            let current: fund::ConfigResponse = deps
                .querier
                .query_wasm_smart(fund, &fund::QueryMsg::Config {})?;
            let p = current.params;
            let fund::FundParamsUpdate {
                cooldown_seconds,
                claim_window_seconds,
                junior_weight,
                senior_weight,
                min_junior_ratio,
                max_payout_bps,
                payout_window_seconds,
                junior_deposit_cap,
                senior_deposit_cap,
                target_coverage_bps,
                min_remaining,
                premium_unlock_seconds,
            } = update;
            let a = "UpdateFundParams";
            let cap = |field, old, new: &Option<fund::DepositCap>| {
                safe_set(a, field, &cap_order(old), &new.as_ref().map(cap_order))
            };
            safe_set(a, "cooldown_seconds", &p.cooldown_seconds, cooldown_seconds)
                && safe_set(
                    a,
                    "claim_window_seconds",
                    &p.claim_window_seconds,
                    claim_window_seconds,
                )
                && safe_set(a, "junior_weight", &p.junior_weight, junior_weight)
                && safe_set(a, "senior_weight", &p.senior_weight, senior_weight)
                && safe_set(a, "min_junior_ratio", &p.min_junior_ratio, min_junior_ratio)
                && safe_set(a, "max_payout_bps", &p.max_payout_bps, max_payout_bps)
                && safe_set(
                    a,
                    "payout_window_seconds",
                    &p.payout_window_seconds,
                    payout_window_seconds,
                )
                && cap(
                    "junior_deposit_cap",
                    &p.junior_deposit_cap,
                    junior_deposit_cap,
                )
                && cap(
                    "senior_deposit_cap",
                    &p.senior_deposit_cap,
                    senior_deposit_cap,
                )
                && safe_set(
                    a,
                    "target_coverage_bps",
                    &p.target_coverage_bps,
                    target_coverage_bps,
                )
                && safe_set(a, "min_remaining", &p.min_remaining, min_remaining)
                // Faster unlocking pays late entrants premium earned before they came;
                // slower unlocking leaves more behind for holders who leave: risky both ways.
                && safe_set(
                    a,
                    "premium_unlock_seconds",
                    &p.premium_unlock_seconds,
                    premium_unlock_seconds,
                )
        }
        Action::SetFundPause {
            deposits,
            withdrawals,
        } => {
            safe_flag("SetFundPause", "deposits", deposits)
                && safe_flag("SetFundPause", "withdrawals", withdrawals)
        }
        // Addresses are never on the list: a new engine can claim the fund's assets, a new
        // guardian can pause withdrawals.
        Action::UpdateFundConfig { engine, guardian } => engine.is_none() && guardian.is_none(),
        Action::UpdateMarket { market, params } => {
            let engine = target(&config.engine, "engine")?;
            let current: engine::MarketResponse = deps.querier.query_wasm_smart(
                engine,
                &engine::QueryMsg::Market {
                    market: market.clone(),
                },
            )?;
            market_params_safe(&current.params, params)
        }
        Action::SetEnginePause(new) => {
            let old: engine::EnginePause = engine_item(deps, config, "pause")?;
            let engine::EnginePause {
                new_positions,
                margin_removal,
                liquidation,
                halted,
            } = new;
            let a = "SetEnginePause";
            safe_move(a, "new_positions", &old.new_positions, new_positions)
                && safe_move(a, "margin_removal", &old.margin_removal, margin_removal)
                && safe_move(a, "liquidation", &old.liquidation, liquidation)
                && safe_move(a, "halted", &old.halted, halted)
        }
        Action::UpdateEngineFees(new) => {
            let old: engine::FeeConfig = engine_item(deps, config, "fees")?;
            let engine::FeeConfig {
                fund_share_max,
                fund_share_min,
                sweep_threshold,
            } = new;
            let a = "UpdateEngineFees";
            safe_move(a, "fund_share_max", &old.fund_share_max, fund_share_max)
                && safe_move(a, "fund_share_min", &old.fund_share_min, fund_share_min)
                && safe_move(a, "sweep_threshold", &old.sweep_threshold, sweep_threshold)
        }
        Action::FundOwnership(GovernorAction::AcceptOwnership) => {
            safe_case("FundOwnership", "AcceptOwnership")
        }
        Action::EngineOwnership(GovernorAction::AcceptOwnership) => {
            safe_case("EngineOwnership", "AcceptOwnership")
        }
        Action::FundOwnership(GovernorAction::TransferOwnership { .. }) => {
            safe_case("FundOwnership", "TransferOwnership")
        }
        Action::EngineOwnership(GovernorAction::TransferOwnership { .. }) => {
            safe_case("EngineOwnership", "TransferOwnership")
        }
        // Refused when proposed, and by the fund and the engine.
        Action::FundOwnership(GovernorAction::RenounceOwnership)
        | Action::EngineOwnership(GovernorAction::RenounceOwnership) => false,
        // Every field is named, so a field added to the action is classified here first.
        Action::UpdateShareTokenMarketing {
            tranche: _,
            project: _,
            description: _,
            logo: _,
        } => safe_case("UpdateShareTokenMarketing", ""),
        // New feeders control the index every liquidation and bad debt follows.
        Action::AddMarket(_) => safe_case("AddMarket", ""),
        Action::SetFeeders { .. } => safe_case("SetFeeders", ""),
        Action::Raw(_) => safe_case("Raw", ""),
        Action::UpdateGovConfig(new) => gov_config_safe(&config.config, new),
        // A new fund or engine changes what every later typed action controls; the guardian
        // vetoes; none of them is on the list.
        Action::UpdateGovAddresses(GovAddressesUpdate {
            fund,
            engine,
            guardian,
            remove_guardian,
            treasury,
        }) => {
            fund.is_none()
                && engine.is_none()
                && guardian.is_none()
                && *remove_guardian != Some(true)
                && treasury.is_none()
        }
    })
}

/// Whether new market parameters change only what [`SAFE_CHANGES`] lists, each its safe way.
fn market_params_safe(old: &engine::MarketParams, new: &engine::MarketParams) -> bool {
    let engine::MarketParams {
        initial_margin_ratio,
        maintenance_margin_ratio,
        taker_fee,
        liquidation_fee,
        keeper_share,
        min_notional,
        max_long_oi,
        max_short_oi,
        max_spread,
        funding_factor,
        max_funding_rate,
        funding_interval_seconds,
        oracle_max_age_seconds,
        liquidation_depth,
        min_keeper_reward,
        min_feeders,
        max_index_move,
        min_price,
        max_price,
        shock_move,
        shock_window_seconds,
        shock_pause_seconds,
    } = new;
    let a = "UpdateMarket";
    safe_move(
        a,
        "initial_margin_ratio",
        &old.initial_margin_ratio,
        initial_margin_ratio,
    ) && safe_move(
        a,
        "maintenance_margin_ratio",
        &old.maintenance_margin_ratio,
        maintenance_margin_ratio,
    ) && safe_move(a, "taker_fee", &old.taker_fee, taker_fee)
        && safe_move(a, "liquidation_fee", &old.liquidation_fee, liquidation_fee)
        && safe_move(a, "keeper_share", &old.keeper_share, keeper_share)
        && safe_move(a, "min_notional", &old.min_notional, min_notional)
        && safe_move(a, "max_long_oi", &old.max_long_oi, max_long_oi)
        && safe_move(a, "max_short_oi", &old.max_short_oi, max_short_oi)
        && safe_move(a, "max_spread", &old.max_spread, max_spread)
        && safe_move(a, "funding_factor", &old.funding_factor, funding_factor)
        && safe_move(
            a,
            "max_funding_rate",
            &old.max_funding_rate,
            max_funding_rate,
        )
        && safe_move(
            a,
            "funding_interval_seconds",
            &old.funding_interval_seconds,
            funding_interval_seconds,
        )
        && safe_move(
            a,
            "oracle_max_age_seconds",
            &old.oracle_max_age_seconds,
            oracle_max_age_seconds,
        )
        && safe_move(
            a,
            "liquidation_depth",
            &old.liquidation_depth,
            liquidation_depth,
        )
        && safe_move(
            a,
            "min_keeper_reward",
            &old.min_keeper_reward,
            min_keeper_reward,
        )
        && safe_move(a, "min_feeders", &old.min_feeders, min_feeders)
        && safe_move(
            a,
            "max_index_move",
            &move_order(&old.max_index_move),
            &move_order(max_index_move),
        )
        && safe_move(a, "min_price", &old.min_price, min_price)
        && safe_move(a, "max_price", &old.max_price, max_price)
        && safe_move(a, "shock_move", &old.shock_move, shock_move)
        && safe_move(
            a,
            "shock_window_seconds",
            &old.shock_window_seconds,
            shock_window_seconds,
        )
        && safe_move(
            a,
            "shock_pause_seconds",
            &old.shock_pause_seconds,
            shock_pause_seconds,
        )
}

/// Whether new governance settings change only what [`SAFE_CHANGES`] lists (none of them is
/// listed: every change of governance's own settings is risky).
fn gov_config_safe(old: &GovConfig, new: &GovConfig) -> bool {
    let GovConfig {
        rules:
            VotingRules {
                quorum,
                threshold,
                veto_threshold,
                voting_period_seconds,
                timelock_seconds,
            },
        unbonding_seconds,
        proposal_deposit,
        refund_rejected,
        max_actions,
        max_text_bytes,
        max_action_bytes,
        min_proposer_share,
    } = new;
    let (a, r) = ("UpdateGovConfig", &old.rules);
    safe_move(a, "quorum", &r.quorum, quorum)
        && safe_move(a, "threshold", &r.threshold, threshold)
        && safe_move(a, "veto_threshold", &r.veto_threshold, veto_threshold)
        && safe_move(
            a,
            "voting_period_seconds",
            &r.voting_period_seconds,
            voting_period_seconds,
        )
        && safe_move(a, "timelock_seconds", &r.timelock_seconds, timelock_seconds)
        && safe_move(
            a,
            "unbonding_seconds",
            &old.unbonding_seconds,
            unbonding_seconds,
        )
        && safe_move(
            a,
            "proposal_deposit",
            &old.proposal_deposit,
            proposal_deposit,
        )
        && safe_move(a, "refund_rejected", &old.refund_rejected, refund_rejected)
        && safe_move(a, "max_actions", &old.max_actions, max_actions)
        && safe_move(a, "max_text_bytes", &old.max_text_bytes, max_text_bytes)
        && safe_move(
            a,
            "max_action_bytes",
            &old.max_action_bytes,
            max_action_bytes,
        )
        && safe_move(
            a,
            "min_proposer_share",
            &old.min_proposer_share,
            min_proposer_share,
        )
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

/// The two fund parameters the exit window is made of, as the fund stores them (its other
/// parameters are ignored).
#[derive(serde::Deserialize)]
struct StoredExitWindow {
    cooldown_seconds: u64,
    claim_window_seconds: u64,
}

/// The fund's exit window now (cooldown plus claim window), `None` when it cannot be read.
/// Read raw from the fund's stored parameters (a storage read, not a contract query, so
/// recording it on every proposal costs no cross-contract query). At most
/// [`fund::bounds::MAX_EXIT_WINDOW_SECONDS`], the longest exit window the fund's bounds allow:
/// a replaced fund holding more cannot push a timestamp past its range and make the proposal
/// unexecutable.
pub(crate) fn fund_exit_window(deps: Deps, fund: &Addr) -> Option<u64> {
    let raw = deps
        .querier
        .query_wasm_raw(fund, b"params".as_slice())
        .ok()??;
    let p: StoredExitWindow = from_json(raw).ok()?;
    Some(
        p.cooldown_seconds
            .saturating_add(p.claim_window_seconds)
            .min(fund::bounds::MAX_EXIT_WINDOW_SECONDS),
    )
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
    let risky = p.terms.risky || p.text.actions.iter().any(|a| risky_now(deps, config, a));
    let stored = p.terms.timelock_seconds.max(p.terms.rules.timelock_seconds);
    // A risky proposal never waits less than the exit window underwriters saw when it was
    // made, even if it was judged safe then (another proposal changed what it compares to)
    // or the fund's windows were shortened since.
    let stored = if risky {
        stored.max(p.terms.exit_window_seconds.unwrap_or(0))
    } else {
        stored
    };
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
    let passed_at = match (p.progress.status, status_now(&p.terms, &p.progress, now)) {
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
    p.progress.passed_at = Some(window.passed_at);
    p.terms.timelock_seconds = window.timelock_seconds;
    p.terms.risky = window.risky;
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
