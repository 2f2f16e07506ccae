//! Withdrawal claims pause while the engine reports a price shock: a holder whose request is
//! past its cooldown cannot claim at the price before a loss the oracle already shows but the
//! engine has not yet booked (the liquidation that brings the shortfall comes after the crash
//! push). The engine keeps the latest time any market's shock lasts until at
//! [`SHOCK_UNTIL_KEY`]; the fund reads it with a raw storage query (no call into the engine).
//!
//! Bounded: a shock lasts at most the market's `shock_pause_seconds` (at most a day) past the
//! push or trigger that last started it, and the governor can end it. Requesting, cancelling
//! and expiring stay open during a shock; a request whose claim window closes during one lapses
//! as any other, and `ExpireWithdrawal` returns its shares.

use cosmwasm_std::{from_json, Deps, Timestamp};
use tranche_perps_types::engine::SHOCK_UNTIL_KEY;
use tranche_perps_types::fund::ClaimsPauseResponse;

use crate::error::ContractError;
use crate::state::Config;

/// Until when (seconds) the configured engine reports a shock; 0 when no engine is set, the
/// engine holds no such value (never shocked, or not a contract) or the read fails: a claim
/// is never held by anything but a shock the engine recorded.
pub fn shock_until(deps: Deps, config: &Config) -> u64 {
    let Some(engine) = &config.engine else {
        return 0;
    };
    deps.querier
        .query_wasm_raw(engine, SHOCK_UNTIL_KEY.as_bytes())
        .ok()
        .flatten()
        .and_then(|raw| from_json::<u64>(&raw).ok())
        .unwrap_or(0)
}

/// `ClaimsPausedByShock` while the engine's shock lasts at `now`.
pub fn ensure_claims_open(
    deps: Deps,
    config: &Config,
    now: Timestamp,
) -> Result<(), ContractError> {
    let until = shock_until(deps, config);
    if now.seconds() < until {
        return Err(ContractError::ClaimsPausedByShock { until });
    }
    Ok(())
}

/// Whether claims pause now, and until when.
pub fn claims_pause(deps: Deps, config: &Config, now: Timestamp) -> ClaimsPauseResponse {
    let until = shock_until(deps, config);
    ClaimsPauseResponse {
        paused: now.seconds() < until,
        until,
    }
}
