//! Position math: notional, profit, equity and margin requirement of a position at a price, the
//! rules a risk-increasing trade must pass, the fill of a size change on the vAMM (with or
//! without the taker fee) and the liquidation price. Functions of a market, a position and a
//! margin only: nothing here reads storage, and no message handler lives here.

use cosmwasm_std::{Decimal, Decimal256, Int128, Timestamp, Uint128, Uint256};

use crate::error::ContractError;
use crate::funding::side_index;
use crate::oracle::fresh_index;
use crate::state::{Market, Position};
use crate::vamm::{buy, mark_price, sell};

/// `size * price`, rounded down.
pub fn notional_at(size: Uint128, price: Decimal256) -> Result<Uint128, ContractError> {
    Ok(Uint128::try_from(
        Uint256::from(size).checked_mul_floor(price)?,
    )?)
}

/// `ratio * notional`, rounded up (a margin requirement).
pub fn requirement(ratio: Decimal, notional: Uint128) -> Result<Uint128, ContractError> {
    Ok(notional.checked_mul_ceil(ratio)?)
}

/// Profit of a position valued at `price` (long: value - cost; short: proceeds - cost to buy
/// back), with the position's value rounded against it.
pub fn pnl_at(position: &Position, price: Decimal256) -> Result<Int128, ContractError> {
    let size = position.size.unsigned_abs();
    let open = Int128::try_from(position.open_notional)?;
    if position.size.is_negative() {
        let cost = Uint128::try_from(Uint256::from(size).checked_mul_ceil(price)?)?;
        Ok(open.checked_sub(Int128::try_from(cost)?)?)
    } else {
        Ok(Int128::try_from(notional_at(size, price)?)?.checked_sub(open)?)
    }
}

/// Margin minus funding owed plus profit at `price`.
pub fn equity_at(
    margin: Int128,
    position: &Position,
    price: Decimal256,
) -> Result<Int128, ContractError> {
    Ok(margin.checked_add(pnl_at(position, price)?)?)
}

pub fn new_position(market: &Market, size: Int128) -> Position {
    Position {
        size: Int128::zero(),
        open_notional: Uint128::zero(),
        margin_shares: Uint128::zero(),
        margin_epoch: 0,
        funding_entry: side_index(market, size),
        stress_debt: None,
    }
}

/// Checks the rules a risk-increasing trade must pass at the index price.
pub fn check_opening(
    market_id: &str,
    market: &Market,
    position: &Position,
    margin: Int128,
    now: cosmwasm_std::Timestamp,
) -> Result<(), ContractError> {
    let params = &market.params;
    let index = fresh_index(market_id, market, now)?;
    let mark = mark_price(market)?;
    let spread = mark
        .abs_diff(index)
        .checked_div(index)
        .map_err(|_| ContractError::SpreadOverflow { mark, index })?;
    let max = Decimal256::from(params.max_spread);
    if spread > max {
        return Err(ContractError::SpreadTooWide { spread, max });
    }
    // Only the side the position now sits on grew; the other side's cap is not this trade's
    // business (it may be above a cap governance lowered, and that must not block this side).
    let (oi, cap) = if position.size.is_negative() {
        (market.short_oi, params.max_short_oi)
    } else {
        (market.long_oi, params.max_long_oi)
    };
    if oi > cap {
        return Err(ContractError::OpenInterestCapExceeded { oi, cap });
    }
    let notional = notional_at(position.size.unsigned_abs(), index)?;
    if notional < params.min_notional {
        return Err(ContractError::BelowMinNotional {
            notional,
            min: params.min_notional,
        });
    }
    let required = requirement(params.initial_margin_ratio, notional)?;
    let equity = equity_at(margin, position, index)?;
    if equity < Int128::try_from(required)? {
        return Err(ContractError::InsufficientMargin { equity, required });
    }
    Ok(())
}

/// Checks that a reduced position is still worth at least `min_notional`, at the last index
/// (the mark before any price was pushed), so that every open position is worth a keeper's
/// liquidation. A position reduced to zero passes; closing is never refused for its size.
pub fn check_remainder(market: &Market, position: &Position) -> Result<(), ContractError> {
    if position.size.is_zero() {
        return Ok(());
    }
    let price = match market.index_price {
        Some(index) => index,
        None => mark_price(market)?,
    };
    let notional = notional_at(position.size.unsigned_abs(), price)?;
    if notional < market.params.min_notional {
        return Err(ContractError::DustRemainder {
            notional,
            min: market.params.min_notional,
        });
    }
    Ok(())
}

/// What a trade did on the vAMM.
pub struct Fill {
    /// Quote paid or received.
    pub quote: Uint128,
    /// Profit realized on the reduced part.
    pub realized_pnl: Int128,
}

/// Adds the market's open interest times the seconds since it was last counted to its
/// time-weighted sum (the fee split's measure, [`Market::oi_seconds`]); a market stored before
/// the sum existed starts its window now.
pub fn count_open_interest(market: &mut Market, now: Timestamp) -> Result<(), ContractError> {
    if market.oi_since.seconds() == 0 {
        market.oi_since = now;
    } else {
        let open = market.long_oi.checked_add(market.short_oi)?;
        let seconds = now.seconds().saturating_sub(market.oi_touched.seconds());
        let added = Uint256::from(open).checked_mul(Uint256::from(seconds))?;
        market.oi_seconds = market.oi_seconds.checked_add(added)?;
    }
    market.oi_touched = now;
    Ok(())
}

/// Moves `position` by `delta` on the vAMM at time `now` and adds the realized PnL to `margin`.
/// The market's funding must be caught up to `now` before (its `last_funding_time` is `now`:
/// funding accrues at a constant mark and open interest between fills) and the position's
/// funding applied. Returns the fill and the new margin. Every fill first counts the open
/// interest before it into the market's time-weighted sum.
pub fn fill(
    market: &mut Market,
    position: &mut Position,
    margin: Int128,
    delta: Int128,
    price_limit: Option<Decimal256>,
    now: Timestamp,
) -> Result<(Fill, Int128), ContractError> {
    debug_assert_eq!(
        market.last_funding_time.seconds(),
        now.seconds(),
        "a fill must catch the market's funding up first"
    );
    count_open_interest(market, now)?;
    let old = position.size;
    let amount = delta.unsigned_abs();
    let buying = delta > Int128::zero();
    let quote = if buying {
        buy(market, amount)?
    } else {
        sell(market, amount)?
    };
    if let Some(limit) = price_limit {
        let price = Decimal256::checked_from_ratio(quote, amount)?;
        if (buying && price > limit) || (!buying && price < limit) {
            return Err(ContractError::PriceLimitExceeded { price, limit });
        }
    }
    let same_side = old.is_zero() || old.is_negative() == delta.is_negative();
    let reduced = if same_side {
        Uint128::zero()
    } else {
        amount.min(old.unsigned_abs())
    };
    let opened = amount - reduced;
    let quote_reduce = quote.checked_multiply_ratio(reduced, amount)?;
    let quote_open = quote - quote_reduce;

    let mut realized = Int128::zero();
    if !reduced.is_zero() {
        let basis = if reduced == old.unsigned_abs() {
            position.open_notional
        } else {
            position
                .open_notional
                .checked_multiply_ratio(reduced, old.unsigned_abs())?
        };
        position.open_notional = position.open_notional.checked_sub(basis)?;
        let (basis, quote_reduce) = (Int128::try_from(basis)?, Int128::try_from(quote_reduce)?);
        realized = if old.is_negative() {
            basis.checked_sub(quote_reduce)?
        } else {
            quote_reduce.checked_sub(basis)?
        };
        let side_oi = if old.is_negative() {
            &mut market.short_oi
        } else {
            &mut market.long_oi
        };
        *side_oi = side_oi.checked_sub(reduced)?;
    }
    position.size = old.checked_add(delta)?;
    if !opened.is_zero() {
        position.open_notional = position.open_notional.checked_add(quote_open)?;
        let side_oi = if buying {
            &mut market.long_oi
        } else {
            &mut market.short_oi
        };
        *side_oi = side_oi.checked_add(opened)?;
    }
    if position.size.is_zero() {
        position.open_notional = Uint128::zero();
    }
    position.funding_entry = side_index(market, position.size);
    let margin = margin.checked_add(realized)?;
    Ok((
        Fill {
            quote,
            realized_pnl: realized,
        },
        margin,
    ))
}

/// `fill` plus the taker fee on the traded notional.
pub fn fill_with_fee(
    market: &mut Market,
    position: &mut Position,
    margin: Int128,
    delta: Int128,
    price_limit: Option<Decimal256>,
    now: Timestamp,
) -> Result<(Fill, Uint128, Int128), ContractError> {
    let (fill, margin) = fill(market, position, margin, delta, price_limit, now)?;
    let fee = requirement(market.params.taker_fee, fill.quote)?;
    let margin = margin.checked_sub(Int128::try_from(fee)?)?;
    Ok((fill, fee, margin))
}

/// Index price at which equity equals the maintenance margin, if there is one.
pub fn liquidation_price(
    margin: Int128,
    position: &Position,
    mmr: Decimal,
) -> Result<Option<Decimal256>, ContractError> {
    let size = Decimal256::from_ratio(position.size.unsigned_abs(), 1u128);
    let open = Decimal256::from_ratio(position.open_notional, 1u128);
    let mmr = Decimal256::from(mmr);
    if margin.is_negative() {
        return Ok(None);
    }
    let margin = Decimal256::from_ratio(margin.unsigned_abs(), 1u128);
    if position.size.is_negative() {
        // margin + open - size * p = mmr * size * p
        Ok(Some(
            (margin + open).checked_div(size * (Decimal256::one() + mmr))?,
        ))
    } else if open > margin {
        // margin + size * p - open = mmr * size * p
        Ok(Some(
            (open - margin).checked_div(size * (Decimal256::one() - mmr))?,
        ))
    } else {
        Ok(None)
    }
}
