use cosmwasm_std::{
    coins, Addr, BankMsg, Decimal, Decimal256, DepsMut, Env, Int128, MessageInfo, Response,
    Storage, Timestamp, Uint128, Uint256,
};
use cw_utils::{must_pay, nonpayable};

use crate::error::ContractError;
use crate::fees::auto_sweep;
use crate::funding::{accrued_funding, catch_up_funding, side_index};
use crate::margin::{margin_of, set_margin, signed_add};
use crate::oracle::fresh_index;
use crate::solvency::{accrue, ensure_payable, Pool};
use crate::state::{Market, Position, CONFIG, MARKETS, PAUSE, POSITIONS, STATE};
use crate::vamm::{buy, mark_price, sell};

pub fn load_market(storage: &dyn Storage, id: &str) -> Result<Market, ContractError> {
    MARKETS
        .may_load(storage, id)?
        .ok_or_else(|| ContractError::MarketNotFound {
            market: id.to_string(),
        })
}

pub fn load_position(
    storage: &dyn Storage,
    trader: &Addr,
    market: &str,
) -> Result<Position, ContractError> {
    POSITIONS
        .may_load(storage, (trader, market))?
        .ok_or_else(|| ContractError::NoPosition {
            market: market.to_string(),
            trader: trader.to_string(),
        })
}

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

fn new_position(market: &Market, size: Int128) -> Position {
    Position {
        size: Int128::zero(),
        open_notional: Uint128::zero(),
        margin_shares: Uint128::zero(),
        margin_epoch: 0,
        funding_entry: side_index(market, size),
    }
}

/// Checks the rules a risk-increasing trade must pass at the index price.
fn check_opening(
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
        .map_err(|_| ContractError::ZeroPrice)?;
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

/// What a trade did on the vAMM.
pub struct Fill {
    /// Quote paid or received.
    pub quote: Uint128,
    /// Profit realized on the reduced part.
    pub realized_pnl: Int128,
}

/// Whether either side of `market` has no open interest.
fn one_sided(market: &Market) -> bool {
    market.long_oi.is_zero() || market.short_oi.is_zero()
}

/// Moves `position` by `delta` on the vAMM at time `now` and adds the realized PnL to `margin`
/// (market funding caught up and the position's funding applied before). Returns the fill and
/// the new margin. A fill that starts or ends with an empty side records `now` as the market's
/// `one_sided_at` (funding skips intervals that were one-sided at any moment); every fill
/// raises the market's `peak_oi_since_sweep` to the larger of the open interest before and
/// after it.
pub fn fill(
    market: &mut Market,
    position: &mut Position,
    margin: Int128,
    delta: Int128,
    price_limit: Option<Decimal256>,
    now: Timestamp,
) -> Result<(Fill, Int128), ContractError> {
    let was_one_sided = one_sided(market);
    let oi_before = market.long_oi.checked_add(market.short_oi)?;
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
    if was_one_sided || one_sided(market) {
        market.one_sided_at = now;
    }
    // Open interest only moves monotonically within each leg (reduce, then open), so the
    // largest of the peak so far and the open interest before and after the fill is the peak.
    // The open interest before counts for markets stored before the peak existed (peak 0).
    let oi_after = market.long_oi.checked_add(market.short_oi)?;
    market.peak_oi_since_sweep = market.peak_oi_since_sweep.max(oi_before).max(oi_after);
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
fn fill_with_fee(
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

/// Opens, grows, shrinks, flips or closes the sender's position; collateral sent is added to
/// its margin first.
pub fn trade(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    market_id: String,
    delta: Int128,
    price_limit: Option<Decimal256>,
) -> Result<Response, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    let added = if info.funds.is_empty() {
        Uint128::zero()
    } else {
        must_pay(&info, &config.collateral_denom)?
    };
    if delta.is_zero() {
        return Err(ContractError::ZeroSize);
    }
    let pause = PAUSE.load(deps.storage)?;
    if pause.halted {
        return Err(ContractError::Halted);
    }
    let mut market = load_market(deps.storage, &market_id)?;
    catch_up_funding(&mut market, env.block.time)?;
    let mut state = STATE.load(deps.storage)?;
    let trader = info.sender;
    let mut position = POSITIONS
        .may_load(deps.storage, (&trader, &market_id))?
        .unwrap_or_else(|| new_position(&market, delta));
    let owed = accrued_funding(&market, &position)?;
    market.funding_pool = market.funding_pool.checked_add(owed)?;
    let margin = signed_add(margin_of(&state, &position)?.checked_add(added)?, -owed)?;
    let old_size = position.size;
    let (fill, fee, margin) = fill_with_fee(
        &mut market,
        &mut position,
        margin,
        delta,
        price_limit,
        env.block.time,
    )?;
    let increases = position.size.unsigned_abs() > old_size.unsigned_abs()
        || position.size.is_negative() != old_size.is_negative() && !position.size.is_zero();
    if increases {
        if pause.new_positions {
            return Err(ContractError::NewPositionsPaused);
        }
        check_opening(&market_id, &market, &position, margin, env.block.time)?;
    }
    if margin.is_negative() {
        return Err(ContractError::Bankrupt { equity: margin });
    }
    set_margin(&mut state, &mut position, margin.unsigned_abs())?;
    accrue(&mut state, Pool::Unsplit, fee)?;
    if position.size.is_zero() && position.margin_shares.is_zero() {
        POSITIONS.remove(deps.storage, (&trader, &market_id));
    } else {
        POSITIONS.save(deps.storage, (&trader, &market_id), &position)?;
    }
    crate::fees::release_funding_dust(&mut market, &mut state)?;
    MARKETS.save(deps.storage, &market_id, &market)?;
    let sweep = auto_sweep(deps.storage, &deps.querier, &env, &mut state)?;
    STATE.save(deps.storage, &state)?;

    Ok(Response::new()
        .add_submessages(sweep)
        .add_attribute("action", "trade")
        .add_attribute("sender", trader)
        .add_attribute("market", market_id)
        .add_attribute("size_delta", delta.to_string())
        .add_attribute("size", position.size.to_string())
        .add_attribute("quote", fill.quote)
        .add_attribute("realized_pnl", fill.realized_pnl.to_string())
        .add_attribute("fee", fee)
        .add_attribute("funding_paid", owed.to_string())
        .add_attribute("margin", margin.to_string()))
}

/// Closes the sender's whole position and pays out all its margin (`Insolvent` if uncovered
/// bad debt remains and the engine's balance cannot pay it: the position stays open).
pub fn close_position(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    market_id: String,
    price_limit: Option<Decimal256>,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    if PAUSE.load(deps.storage)?.halted {
        return Err(ContractError::Halted);
    }
    let config = CONFIG.load(deps.storage)?;
    let trader = info.sender;
    let mut market = load_market(deps.storage, &market_id)?;
    let mut state = STATE.load(deps.storage)?;
    let mut position = load_position(deps.storage, &trader, &market_id)?;
    catch_up_funding(&mut market, env.block.time)?;
    let owed = accrued_funding(&market, &position)?;
    market.funding_pool = market.funding_pool.checked_add(owed)?;
    let margin = signed_add(margin_of(&state, &position)?, -owed)?;
    let (fill, fee, margin) = if position.size.is_zero() {
        let fill = Fill {
            quote: Uint128::zero(),
            realized_pnl: Int128::zero(),
        };
        (fill, Uint128::zero(), margin)
    } else {
        let delta = Int128::zero().checked_sub(position.size)?;
        fill_with_fee(
            &mut market,
            &mut position,
            margin,
            delta,
            price_limit,
            env.block.time,
        )?
    };
    if margin.is_negative() {
        return Err(ContractError::Bankrupt { equity: margin });
    }
    set_margin(&mut state, &mut position, Uint128::zero())?;
    accrue(&mut state, Pool::Unsplit, fee)?;
    POSITIONS.remove(deps.storage, (&trader, &market_id));
    crate::fees::release_funding_dust(&mut market, &mut state)?;
    let payout = margin.unsigned_abs();
    ensure_payable(
        deps.as_ref(),
        &env,
        &state,
        &config.collateral_denom,
        payout,
    )?;
    MARKETS.save(deps.storage, &market_id, &market)?;
    let sweep = auto_sweep(deps.storage, &deps.querier, &env, &mut state)?;
    STATE.save(deps.storage, &state)?;

    let mut response = Response::new().add_submessages(sweep);
    if !payout.is_zero() {
        response = response.add_message(BankMsg::Send {
            to_address: trader.to_string(),
            amount: coins(payout.u128(), config.collateral_denom),
        });
    }
    Ok(response
        .add_attribute("action", "close_position")
        .add_attribute("sender", trader)
        .add_attribute("market", market_id)
        .add_attribute("quote", fill.quote)
        .add_attribute("realized_pnl", fill.realized_pnl.to_string())
        .add_attribute("fee", fee)
        .add_attribute("funding_paid", owed.to_string())
        .add_attribute("payout", payout))
}

/// Adds the one collateral coin sent to the sender's margin. The market's funding is caught up
/// first, like every other path that touches a position.
pub fn add_margin(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    market_id: String,
) -> Result<Response, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    let amount = must_pay(&info, &config.collateral_denom)?;
    if PAUSE.load(deps.storage)?.halted {
        return Err(ContractError::Halted);
    }
    let trader = info.sender;
    let mut market = load_market(deps.storage, &market_id)?;
    let mut position = load_position(deps.storage, &trader, &market_id)?;
    catch_up_funding(&mut market, env.block.time)?;
    let mut state = STATE.load(deps.storage)?;
    let margin = margin_of(&state, &position)?.checked_add(amount)?;
    set_margin(&mut state, &mut position, margin)?;
    POSITIONS.save(deps.storage, (&trader, &market_id), &position)?;
    MARKETS.save(deps.storage, &market_id, &market)?;
    STATE.save(deps.storage, &state)?;
    Ok(Response::new()
        .add_attribute("action", "add_margin")
        .add_attribute("sender", trader)
        .add_attribute("market", market_id)
        .add_attribute("amount", amount)
        .add_attribute("margin", margin))
}

/// Withdraws margin, net of funding owed, down to the initial margin at the index price:
/// `margin - funding owed - amount + min(PnL at index, 0) >= initial_margin_ratio * notional
/// at index`. The market's funding is caught up first, so the funding owed includes every
/// interval that has ended. Unrealized profit never counts for removal (opening still counts
/// it). While uncovered bad debt remains, an amount above the engine's balance is refused with
/// `Insolvent`.
pub fn remove_margin(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    market_id: String,
    amount: Uint128,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let pause = PAUSE.load(deps.storage)?;
    if pause.halted {
        return Err(ContractError::Halted);
    }
    if pause.margin_removal {
        return Err(ContractError::MarginRemovalPaused);
    }
    if amount.is_zero() {
        return Err(ContractError::ZeroAmount);
    }
    let config = CONFIG.load(deps.storage)?;
    let trader = info.sender;
    let mut market = load_market(deps.storage, &market_id)?;
    let mut position = load_position(deps.storage, &trader, &market_id)?;
    let mut state = STATE.load(deps.storage)?;
    catch_up_funding(&mut market, env.block.time)?;
    let owed = accrued_funding(&market, &position)?;
    market.funding_pool = market.funding_pool.checked_add(owed)?;
    position.funding_entry = side_index(&market, position.size);
    let margin =
        signed_add(margin_of(&state, &position)?, -owed)?.checked_sub(Int128::try_from(amount)?)?;
    if margin.is_negative() {
        return Err(ContractError::InsufficientMargin {
            equity: margin,
            required: Uint128::zero(),
        });
    }
    if !position.size.is_zero() {
        let index = fresh_index(&market_id, &market, env.block.time)?;
        let notional = notional_at(position.size.unsigned_abs(), index)?;
        let required = requirement(market.params.initial_margin_ratio, notional)?;
        // Unrealized profit never backs a withdrawal (it may not be there when the position
        // closes on the vAMM); an unrealized loss does reduce what may leave.
        let loss = pnl_at(&position, index)?.min(Int128::zero());
        let equity = margin.checked_add(loss)?;
        if equity < Int128::try_from(required)? {
            return Err(ContractError::InsufficientMargin { equity, required });
        }
    }
    set_margin(&mut state, &mut position, margin.unsigned_abs())?;
    ensure_payable(
        deps.as_ref(),
        &env,
        &state,
        &config.collateral_denom,
        amount,
    )?;
    POSITIONS.save(deps.storage, (&trader, &market_id), &position)?;
    MARKETS.save(deps.storage, &market_id, &market)?;
    STATE.save(deps.storage, &state)?;
    Ok(Response::new()
        .add_message(BankMsg::Send {
            to_address: trader.to_string(),
            amount: coins(amount.u128(), config.collateral_denom),
        })
        .add_attribute("action", "remove_margin")
        .add_attribute("sender", trader)
        .add_attribute("market", market_id)
        .add_attribute("amount", amount)
        .add_attribute("funding_paid", owed.to_string())
        .add_attribute("margin", margin.to_string()))
}
