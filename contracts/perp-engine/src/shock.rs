//! Price shocks: a market whose index, or any single accepted fresh feeder price, moves more
//! than `shock_move` from the index at the start of the current or the previous shock window
//! pauses margin removal until now + `shock_pause_seconds`, so nobody can pull margin ahead of
//! a visible loss while keepers liquidate. The references are two prices per market (O(1)):
//! a move is seen if it happens within one window, and one spread over up to two windows may
//! be. A shock re-bases both references at the index after it, so the new level does not
//! prolong the pause by itself. The guardian may start a shock, never past now + `shock_pause_seconds`; the governor
//! may end one (`TriggerShock`, `EndShock` in [`crate::governance`]). Closing positions and adding margin are never blocked by a shock.

use cosmwasm_std::{Decimal256, Order, Storage};

use crate::error::ContractError;
use crate::oracle::beyond;
use crate::state::{Market, ShockState, SHOCKS, SHOCK_UNTIL};

/// Moves the references to the window `now` falls in: the index at the start of a window is
/// the index before the first push in it (`index`, as nothing else changes the index).
pub fn roll_window(market: &mut Market, now: u64) {
    let window = market.params.shock_window_seconds.max(1);
    let start = now - now % window;
    let shock = &mut market.shock;
    if start <= shock.window_start && shock.reference.is_some() {
        return;
    }
    if start > shock.window_start {
        if shock.window_start + window == start {
            shock.previous_window_start = shock.window_start;
            shock.previous_reference = shock.reference;
        } else {
            // No push in the window before this one: the index at its start was the index now.
            shock.previous_window_start = start.saturating_sub(window);
            shock.previous_reference = market.index_price;
        }
        shock.window_start = start;
    }
    shock.reference = market.index_price;
}

/// Whether `price` is further than `shock_move` from either reference.
pub fn is_shock(market: &Market, price: Decimal256) -> Result<bool, ContractError> {
    let shock = &market.shock;
    for reference in [shock.reference, shock.previous_reference]
        .into_iter()
        .flatten()
    {
        if beyond(price, reference, market.params.shock_move)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Starts or prolongs the market's shock until `now + shock_pause_seconds` (never shortens it).
pub fn start(market: &mut Market, now: u64) -> u64 {
    let until = now.saturating_add(market.params.shock_pause_seconds);
    market.shock.until = market.shock.until.max(until);
    market.shock.until
}

/// Raises the engine-wide end of shocks ([`SHOCK_UNTIL`], which the fund reads to pause
/// withdrawal claims) to `until` when that is later; called wherever a shock starts. Not
/// inlined, so the push handler keeps within the VM's limit of locals per function.
#[inline(never)]
pub fn note_until(storage: &mut dyn Storage, until: u64) -> Result<(), ContractError> {
    if SHOCK_UNTIL.may_load(storage)?.unwrap_or(0) < until {
        SHOCK_UNTIL.save(storage, &until)?;
    }
    Ok(())
}

/// The latest end of any market's shock, over every market's stored shock state (at most
/// `bounds::MARKETS.max` of them); 0 when none was ever shocked.
pub fn latest_until(storage: &dyn Storage) -> Result<u64, ContractError> {
    let mut latest = 0;
    for shock in SHOCKS.range(storage, None, None, Order::Ascending) {
        latest = latest.max(shock?.1.until);
    }
    Ok(latest)
}

/// After a shock, both references become the index: the new level does not shock again by
/// itself (the pause ends `shock_pause_seconds` after the last shocking push), a further move
/// beyond `shock_move` from it does.
pub fn rebase(market: &mut Market) {
    market.shock.reference = market.index_price;
    market.shock.previous_reference = market.index_price;
}

/// `MarketShocked` while the market's shock lasts.
pub fn ensure_not_shocked(market_id: &str, market: &Market, now: u64) -> Result<(), ContractError> {
    if market.shock.until > now {
        return Err(ContractError::MarketShocked {
            market: market_id.to_string(),
            until: market.shock.until,
        });
    }
    Ok(())
}

/// Whether the shock lasts at `now`.
pub fn active(shock: &ShockState, now: u64) -> bool {
    shock.until > now
}
