//! The engine-wide margin pool. Positions hold shares of `total_margin`, so a loss socialized
//! over all open margin is one subtraction from `total_margin` (O(1), no loop over positions).

use cosmwasm_std::{Int128, Uint128};

use crate::error::ContractError;
use crate::state::{EngineState, Position};

/// Margin of a position now, rounded down.
pub fn margin_of(state: &EngineState, position: &Position) -> Result<Uint128, ContractError> {
    if position.margin_epoch != state.margin_epoch || position.margin_shares.is_zero() {
        return Ok(Uint128::zero());
    }
    Ok(position
        .margin_shares
        .checked_multiply_ratio(state.total_margin, state.total_margin_shares)?)
}

/// Sets a position's margin to `margin`: burns its shares at their value, then mints shares for
/// the new amount, each rounded against the position so other holders never lose.
pub fn set_margin(
    state: &mut EngineState,
    position: &mut Position,
    margin: Uint128,
) -> Result<(), ContractError> {
    let current = margin_of(state, position)?;
    if position.margin_epoch == state.margin_epoch {
        state.total_margin = state.total_margin.checked_sub(current)?;
        state.total_margin_shares = state
            .total_margin_shares
            .checked_sub(position.margin_shares)?;
    }
    position.margin_shares = Uint128::zero();
    position.margin_epoch = state.margin_epoch;
    if margin.is_zero() {
        return Ok(());
    }
    if state.total_margin.is_zero() && !state.total_margin_shares.is_zero() {
        // Socialized losses took all margin: the remaining shares are worthless.
        state.margin_epoch += 1;
        state.total_margin_shares = Uint128::zero();
        position.margin_epoch = state.margin_epoch;
    }
    let shares = if state.total_margin_shares.is_zero() {
        margin
    } else {
        margin.checked_multiply_ratio(state.total_margin_shares, state.total_margin)?
    };
    state.total_margin = state.total_margin.checked_add(margin)?;
    state.total_margin_shares = state.total_margin_shares.checked_add(shares)?;
    position.margin_shares = shares;
    Ok(())
}

/// Spreads `loss` over all open margin; returns what open margin could not absorb.
pub fn socialize(state: &mut EngineState, loss: Uint128) -> Uint128 {
    let absorbed = loss.min(state.total_margin);
    state.total_margin -= absorbed;
    loss - absorbed
}

/// `a + b` for a margin and a signed change, as a signed number.
pub fn signed_add(margin: Uint128, change: Int128) -> Result<Int128, ContractError> {
    Ok(Int128::try_from(margin)?.checked_add(change)?)
}
