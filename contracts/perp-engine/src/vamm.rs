//! Constant-product virtual AMM. The quote reserve is always `ceil(k / base)`, so it is a
//! function of the base reserve alone and returns exactly to its start when net size does.

use cosmwasm_std::{Decimal256, Uint128, Uint256};

use crate::error::ContractError;
use crate::state::Market;

/// `ceil(k / base)`.
pub fn quote_reserve(k: Uint256, base: Uint128) -> Result<Uint128, ContractError> {
    let base = Uint256::from(base);
    if base.is_zero() {
        return Err(ContractError::InsufficientLiquidity);
    }
    let quote = k.checked_add(base - Uint256::one())?.checked_div(base)?;
    Ok(Uint128::try_from(quote)?)
}

/// Mark price `quote / base`.
pub fn mark_price(market: &Market) -> Result<Decimal256, ContractError> {
    let quote = quote_reserve(market.k, market.base_reserve)?;
    Ok(Decimal256::checked_from_ratio(quote, market.base_reserve)?)
}

/// Buys `size` base from the vAMM; returns the quote the trader pays (rounded up).
pub fn buy(market: &mut Market, size: Uint128) -> Result<Uint128, ContractError> {
    let before = quote_reserve(market.k, market.base_reserve)?;
    let base = market
        .base_reserve
        .checked_sub(size)
        .map_err(|_| ContractError::InsufficientLiquidity)?;
    let after = quote_reserve(market.k, base)?;
    market.base_reserve = base;
    Ok(after.checked_sub(before)?)
}

/// Sells `size` base to the vAMM; returns the quote the trader receives (rounded down).
pub fn sell(market: &mut Market, size: Uint128) -> Result<Uint128, ContractError> {
    let before = quote_reserve(market.k, market.base_reserve)?;
    let base = market.base_reserve.checked_add(size)?;
    let after = quote_reserve(market.k, base)?;
    market.base_reserve = base;
    Ok(before.checked_sub(after)?)
}
