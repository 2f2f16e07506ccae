//! Handlers of a trader's messages on their own position: `Trade`, `ClosePosition`,
//! `AddMargin` and `RemoveMargin`. The position math they share with liquidation and the
//! queries is in [`crate::position`].

use cosmwasm_std::{
    coins, BankMsg, Decimal256, DepsMut, Env, Int128, MessageInfo, Response, Uint128,
};
use cw_utils::{must_pay, nonpayable};

use crate::error::ContractError;
use crate::fees::auto_sweep;
use crate::funding::{accrued_funding, catch_up_funding, side_index};
use crate::margin::{margin_of, set_margin, signed_add};
use crate::oracle::fresh_index;
use crate::position::{
    check_opening, check_remainder, fill_with_fee, new_position, notional_at, pnl_at, requirement,
    Fill,
};
use crate::shock::ensure_not_shocked;
use crate::solvency::{accrue, ensure_payable, Pool};
use crate::state::{
    load_market, load_position, load_shock, save_market, CONFIG, PAUSE, POSITIONS, STATE,
};
use crate::stress;

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
    let counted = stress::counted(&position)?;
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
    } else {
        check_remainder(&market, &position)?;
    }
    if margin.is_negative() {
        return Err(ContractError::Bankrupt { equity: margin });
    }
    set_margin(&mut state, &mut position, margin.unsigned_abs())?;
    accrue(&mut state, Pool::Unsplit, fee)?;
    stress::recount(deps.storage, &market_id, counted, &mut position, &state)?;
    if position.size.is_zero() && position.margin_shares.is_zero() {
        POSITIONS.remove(deps.storage, (&trader, &market_id));
    } else {
        POSITIONS.save(deps.storage, (&trader, &market_id), &position)?;
    }
    crate::fees::release_funding_dust(&mut market, &mut state)?;
    save_market(deps.storage, &market_id, &mut market)?;
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
    let counted = stress::counted(&position)?;
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
    stress::recount(deps.storage, &market_id, counted, &mut position, &state)?;
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
    save_market(deps.storage, &market_id, &mut market)?;
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
    let counted = stress::counted(&position)?;
    set_margin(&mut state, &mut position, margin)?;
    stress::recount(deps.storage, &market_id, counted, &mut position, &state)?;
    POSITIONS.save(deps.storage, (&trader, &market_id), &position)?;
    save_market(deps.storage, &market_id, &mut market)?;
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
/// at index`. Refused with `MarketShocked` while the market's price shock lasts
/// ([`crate::shock`]). The market's funding is caught up first, so the funding owed includes
/// every interval that has ended. Unrealized profit never counts for removal (opening still counts
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
    market.shock = load_shock(deps.storage, &market_id)?;
    ensure_not_shocked(&market_id, &market, env.block.time.seconds())?;
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
    let counted = stress::counted(&position)?;
    set_margin(&mut state, &mut position, margin.unsigned_abs())?;
    stress::recount(deps.storage, &market_id, counted, &mut position, &state)?;
    ensure_payable(
        deps.as_ref(),
        &env,
        &state,
        &config.collateral_denom,
        amount,
    )?;
    POSITIONS.save(deps.storage, (&trader, &market_id), &position)?;
    save_market(deps.storage, &market_id, &mut market)?;
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
