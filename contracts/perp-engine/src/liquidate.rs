//! Handlers of `Liquidate` and of the reply to the fund's `CoverShortfall`, which settles a
//! liquidation's bad debt: paid by the fund, socialized over open margin, written off against
//! the fee pools, or left uncovered.
//!
//! A liquidation sells (or buys) at most `liquidation_depth` times the vAMM's base reserve (the
//! smaller of now and its start) per market and block, so a larger position is liquidated in
//! parts over several blocks, and no liquidation moves the mark past the index by more than the
//! taker fee. Those bounds are what make a sandwich around a liquidation lose money: the
//! attacker's profit is the liquidations' price impact on their own round trip, and both keep
//! that impact below the two taker fees of the round trip (docs/engine.md#liquidation). The fund is asked only for the bad debt closing
//! the liquidated part at the index would have left; what the vAMM fill lost beyond that is the
//! engine's own cost, written off against its fee pools, treasury fees first.

use cosmwasm_std::{
    coins, from_json, to_json_binary, BankMsg, CosmosMsg, Decimal256, DepsMut, Env, Int128, Isqrt,
    MessageInfo, Response, Storage, SubMsg, SubMsgResult, Uint128, Uint256, WasmMsg,
};
use cw_utils::{nonpayable, parse_execute_response_data};
use serde::{Deserialize, Serialize};
use tranche_perps_types::engine::SocializedLoss;
use tranche_perps_types::fund;

use crate::error::ContractError;
use crate::fees::{auto_sweep, release_funding_dust};
use crate::funding::{accrued_funding, catch_up_funding};
use crate::margin::{margin_of, set_margin, signed_add, socialize};
use crate::oracle::fresh_index;
use crate::position::{equity_at, fill, notional_at, pnl_at, requirement};
use crate::reply::ReplyId;
use crate::solvency::{accrue, owe, payable, write_off, write_off_engine_cost, Pool, WriteOff};
use crate::state::{
    load_market, load_position, save_market, EngineState, Market, Position, CONFIG, PAUSE,
    POSITIONS, SOCIALIZED, STATE,
};
use crate::vamm::mark_price;

/// Context of a shortfall submessage, carried in its payload.
#[derive(Serialize, Deserialize)]
pub struct ShortfallContext {
    pub shortfall_id: u64,
    pub market: String,
    /// Bad debt of the liquidation: what its vAMM fill left unpaid.
    pub bad_debt: Uint128,
    /// The part asked of the fund: at most the bad debt at the index.
    pub claim: Uint128,
    /// The rest of the bad debt (the fill below the index), already written off against the
    /// fee pools, and what of it the pools could not absorb.
    pub written_off: Uint128,
    pub uncovered: Uint128,
}

/// How much of a position a liquidation closes now: all of it, or less when one of two bounds
/// is nearer.
///
/// - Depth: what is left of the market's per-block liquidation depth (`liquidation_depth` times
///   the smaller of the vAMM's base reserve at the block's first liquidation and at its start,
///   at least 1 base unit);
///   `LiquidationDepthReached` when the block's depth is used up.
/// - Band: the fill may not move the mark past the index by more than the taker fee (a long's
///   sale stops at `index * (1 - taker_fee)`, a short's purchase at `index * (1 + taker_fee)`),
///   so a liquidation never sells or buys further from the index than an honest trader's fee
///   takes; `LiquidationBandReached` when the mark is already there. Arbitrage that brings the
///   mark back makes room again.
///
/// A part that would leave less than `min_notional` at the index closes the whole position
/// instead (the overshoot is under `min_notional` of notional). Records the size against the
/// block.
fn liquidation_size(
    market_id: &str,
    market: &mut Market,
    position: &Position,
    index: Decimal256,
    height: u64,
) -> Result<Uint128, ContractError> {
    let size = position.size.unsigned_abs();
    // Of the smaller of the reserve now and at the start: a trade that grows the reserve just
    // before a liquidation cannot deepen it, and a reserve that shrank (a price far above the
    // start) makes each base unit move the mark more, so the depth shrinks with it. It is fixed
    // at the block's first liquidation, which the block's later liquidations use up.
    let depth = market
        .base_reserve
        .min(market.base_reserve_start)
        .checked_mul_floor(market.params.liquidation_depth)?
        .max(Uint128::one());
    let room = if market.liquidated_height == height {
        market.liquidation_room
    } else {
        depth
    };
    if room.is_zero() {
        return Err(ContractError::LiquidationDepthReached {
            market: market_id.to_string(),
            depth,
            height,
        });
    }
    let selling = !position.size.is_negative();
    let fee = Decimal256::from(market.params.taker_fee);
    let limit = if selling {
        index.checked_mul(Decimal256::one() - fee.min(Decimal256::one()))?
    } else {
        index.checked_mul(Decimal256::one().checked_add(fee)?)?
    };
    let band = band_room(market, limit, selling)?;
    if band.is_zero() {
        return Err(ContractError::LiquidationBandReached {
            market: market_id.to_string(),
            mark: mark_price(market)?,
            limit,
        });
    }
    let mut part = size.min(room).min(band);
    if part < size && notional_at(size - part, index)? < market.params.min_notional {
        part = size;
    }
    market.liquidated_height = height;
    market.liquidation_room = room.saturating_sub(part);
    Ok(part)
}

/// Base the vAMM can take (`selling`) or give before its mark reaches `limit`: the reserve at
/// which `k / reserve^2 = limit` is `sqrt(k / limit)`, rounded so the limit is not passed.
fn band_room(market: &Market, limit: Decimal256, selling: bool) -> Result<Uint128, ContractError> {
    if limit.is_zero() {
        return Ok(if selling {
            Uint128::MAX
        } else {
            Uint128::zero()
        });
    }
    let unit = Uint256::from(10u128.pow(Decimal256::DECIMAL_PLACES));
    let reserve_at = market
        .k
        .checked_mul(unit)?
        .checked_div(limit.atomics())?
        .isqrt();
    let now = Uint256::from(market.base_reserve);
    let room = if selling {
        reserve_at.saturating_sub(now)
    } else {
        now.saturating_sub(reserve_at.checked_add(Uint256::one())?)
    };
    Ok(Uint128::try_from(room).unwrap_or(Uint128::MAX))
}

/// Margin that closing `part` of `position` at `price` would leave: `margin` plus that part's
/// profit at the price (its share of the open notional, as a fill takes it).
fn left_at(
    margin: Int128,
    position: &Position,
    part: Uint128,
    price: Decimal256,
) -> Result<Int128, ContractError> {
    let size = position.size.unsigned_abs();
    let basis = if part == size {
        position.open_notional
    } else {
        position.open_notional.checked_multiply_ratio(part, size)?
    };
    let signed = Int128::try_from(part)?;
    let closed = Position {
        size: if position.size.is_negative() {
            Int128::zero().checked_sub(signed)?
        } else {
            signed
        },
        open_notional: basis,
        ..position.clone()
    };
    Ok(margin.checked_add(pnl_at(&closed, price)?)?)
}

/// Puts an engine's own cost (a fill below the index, a keeper's top-up) on its books as
/// uncovered bad debt and writes it off against the fee pools at once, treasury fees first;
/// returns what was written off.
fn engine_cost(state: &mut EngineState, cost: Uint128) -> Result<WriteOff, ContractError> {
    state.uncovered_bad_debt = state.uncovered_bad_debt.checked_add(cost)?;
    Ok(write_off_engine_cost(state))
}

/// Anyone liquidates a position below maintenance margin at the index price. The position (or,
/// past the block's liquidation depth, a part of it) closes on the vAMM; the remaining margin
/// pays the liquidation fee (keeper share to the sender, the rest premium for the fund). A
/// keeper share below the market's `min_keeper_reward` is topped up from the fee pools, so
/// liquidating bad debt is paid too. What is left goes to the trader when the whole position
/// closed, and stays the position's margin when a part did. A negative remainder is bad debt:
/// the fund is asked, in a submessage whose reply socializes what it did not pay, for no more
/// than closing at the index would have left unpaid; the rest is written off against the fee
/// pools. While uncovered bad debt remains and the engine's balance cannot make the payouts,
/// they are owed instead (`ClaimOwed`), so the liquidation always completes.
pub fn liquidate(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    market_id: String,
    trader: String,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let pause = PAUSE.load(deps.storage)?;
    if pause.halted {
        return Err(ContractError::Halted);
    }
    if pause.liquidation {
        return Err(ContractError::LiquidationPaused);
    }
    let trader = deps.api.addr_validate(&trader)?;
    let config = CONFIG.load(deps.storage)?;
    let mut market = load_market(deps.storage, &market_id)?;
    let mut position = load_position(deps.storage, &trader, &market_id)?;
    let counted = crate::stress::counted(&position)?;
    let mut state = STATE.load(deps.storage)?;
    let index = fresh_index(&market_id, &market, env.block.time)?;
    catch_up_funding(&mut market, env.block.time)?;

    let owed = accrued_funding(&market, &position)?;
    market.funding_pool = market.funding_pool.checked_add(owed)?;
    let margin = signed_add(margin_of(&state, &position)?, -owed)?;
    let size = position.size.unsigned_abs();
    let notional = notional_at(size, index)?;
    let required = requirement(market.params.maintenance_margin_ratio, notional)?;
    let equity = equity_at(margin, &position, index)?;
    if position.size.is_zero() || equity >= Int128::try_from(required)? {
        return Err(ContractError::NotLiquidatable { equity, required });
    }

    let part = liquidation_size(&market_id, &mut market, &position, index, env.block.height)?;
    let whole = part == size;
    let left_at_index = left_at(margin, &position, part, index)?;
    let delta = if position.size.is_negative() {
        Int128::try_from(part)?
    } else {
        Int128::zero().checked_sub(Int128::try_from(part)?)?
    };
    let (filled, remaining) = fill(
        &mut market,
        &mut position,
        margin,
        delta,
        None,
        env.block.time,
    )?;

    // The fee and what is left, or the bad debt.
    let (mut fee, mut left, mut bad_debt) = (Uint128::zero(), Uint128::zero(), Uint128::zero());
    if remaining.is_negative() {
        bad_debt = remaining.unsigned_abs();
    } else {
        let remaining = remaining.unsigned_abs();
        fee = requirement(market.params.liquidation_fee, filled.quote)?.min(remaining);
        left = remaining - fee;
    }
    let from_margin = fee.checked_mul_floor(market.params.keeper_share)?;
    accrue(&mut state, Pool::Premium, fee - from_margin)?;
    let top_up = market.params.min_keeper_reward.saturating_sub(from_margin);
    let keeper_reward = from_margin.checked_add(top_up)?;
    let top_up_written_off = engine_cost(&mut state, top_up)?;
    // The fund pays at most the bad debt of closing at the index; the vAMM fill's loss beyond
    // it is the engine's.
    let at_index = if left_at_index.is_negative() {
        left_at_index.unsigned_abs()
    } else {
        Uint128::zero()
    };
    let claim = bad_debt.min(at_index);
    let slippage = engine_cost(&mut state, bad_debt - claim)?;
    let slippage_uncovered = (bad_debt - claim).checked_sub(slippage.total())?;

    let trader_payout = if whole { left } else { Uint128::zero() };
    let margin_left = if whole { Uint128::zero() } else { left };
    set_margin(&mut state, &mut position, margin_left)?;
    crate::stress::recount(deps.storage, &market_id, counted, &mut position, &state)?;
    if whole {
        POSITIONS.remove(deps.storage, (&trader, &market_id));
    } else {
        POSITIONS.save(deps.storage, (&trader, &market_id), &position)?;
    }

    let mut msgs: Vec<CosmosMsg> = vec![];
    let mut submsgs: Vec<SubMsg> = vec![];
    let mut owed_now = Uint128::zero();
    let payouts = [(&info.sender, keeper_reward), (&trader, trader_payout)];
    let total = keeper_reward.checked_add(trader_payout)?;
    if payable(deps.as_ref(), &env, &state, &config.collateral_denom, total)?.is_ok() {
        for (to, amount) in payouts {
            if !amount.is_zero() {
                msgs.push(
                    BankMsg::Send {
                        to_address: to.to_string(),
                        amount: coins(amount.u128(), &config.collateral_denom),
                    }
                    .into(),
                );
            }
        }
    } else {
        // During a deficit the engine cannot pay now: the liquidation still completes, and
        // keeper and trader collect later with `ClaimOwed`.
        for (to, amount) in payouts {
            owe(deps.storage, &mut state, to, amount)?;
        }
        owed_now = total;
    }
    if !bad_debt.is_zero() {
        let shortfall_id = state.next_shortfall_id;
        state.next_shortfall_id += 1;
        let context = ShortfallContext {
            shortfall_id,
            market: market_id.clone(),
            bad_debt,
            claim,
            written_off: slippage.total(),
            uncovered: slippage_uncovered,
        };
        if claim.is_zero() {
            let none = Uint128::zero();
            record_loss(
                deps.storage,
                &env,
                &context,
                none,
                none,
                WriteOff::default(),
            )?;
        } else {
            let cover = WasmMsg::Execute {
                contract_addr: config.fund.to_string(),
                msg: to_json_binary(&fund::ExecuteMsg::CoverShortfall {
                    shortfall_id,
                    amount: claim,
                })?,
                funds: vec![],
            };
            submsgs.push(
                SubMsg::reply_always(cover, ReplyId::Shortfall as u64)
                    .with_payload(to_json_binary(&context)?),
            );
        }
    }
    release_funding_dust(&mut market, &mut state)?;
    save_market(deps.storage, &market_id, &mut market)?;
    // With a claim on the fund the fee pools must stay in the engine until the shortfall reply
    // has written off what the fund and open margin leave uncovered; a later trade sweeps them.
    let sweep = if claim.is_zero() {
        auto_sweep(deps.storage, &deps.querier, &env, &mut state)?
    } else {
        vec![]
    };
    STATE.save(deps.storage, &state)?;

    Ok(Response::new()
        .add_messages(msgs)
        .add_submessages(submsgs)
        .add_submessages(sweep)
        .add_attribute("action", "liquidate")
        .add_attribute("sender", info.sender)
        .add_attribute("market", market_id)
        .add_attribute("trader", trader)
        .add_attribute("size_liquidated", part)
        .add_attribute("size_left", position.size.unsigned_abs())
        .add_attribute("quote", filled.quote)
        .add_attribute("realized_pnl", filled.realized_pnl.to_string())
        .add_attribute("funding_paid", owed.to_string())
        .add_attribute("keeper_reward", keeper_reward)
        .add_attribute("keeper_top_up", top_up)
        .add_attribute("keeper_top_up_written_off", top_up_written_off.total())
        .add_attribute("trader_payout", trader_payout)
        .add_attribute("margin_left", margin_left)
        .add_attribute("owed", owed_now)
        .add_attribute("bad_debt", bad_debt)
        .add_attribute("claimed_from_fund", claim))
}

/// Records a liquidation's loss: of its claim, what the fund `paid`, what was `socialized` over
/// open margin and what was written off against the pools (`claim_written_off`); together with
/// what the liquidation itself wrote off of the bad debt beyond the claim. The rest is uncovered.
fn record_loss(
    storage: &mut dyn Storage,
    env: &Env,
    context: &ShortfallContext,
    paid: Uint128,
    socialized: Uint128,
    claim_written_off: WriteOff,
) -> Result<SocializedLoss, ContractError> {
    let written_off = context.written_off.checked_add(claim_written_off.total())?;
    let loss = SocializedLoss {
        shortfall_id: context.shortfall_id,
        market: context.market.clone(),
        time: env.block.time,
        bad_debt: context.bad_debt,
        paid_by_fund: paid,
        socialized,
        written_off,
        uncovered: context
            .bad_debt
            .checked_sub(paid)?
            .checked_sub(socialized)?
            .checked_sub(written_off)?,
    };
    SOCIALIZED.save(storage, context.shortfall_id, &loss)?;
    Ok(loss)
}

/// Reply of the fund's `CoverShortfall`: what it paid is read from its response data; the rest
/// of the claim (all of it, if the call failed) is socialized over all open margin, and what
/// open margin cannot absorb is written off against the fee pools (unsplit fees, then the fund's
/// pending premium, then treasury fees). Only the remainder stays in `uncovered_bad_debt`,
/// repaid by later fees.
pub fn shortfall_reply(
    deps: DepsMut,
    env: Env,
    payload: &[u8],
    result: SubMsgResult,
) -> Result<Response, ContractError> {
    let context: ShortfallContext = from_json(payload)?;
    let paid = match result {
        SubMsgResult::Ok(response) => {
            #[allow(deprecated)]
            let raw = match response.msg_responses.first() {
                Some(msg_response) => parse_execute_response_data(&msg_response.value)?.data,
                None => response.data,
            };
            match raw {
                Some(data) => {
                    let covered: fund::CoverShortfallResponse = from_json(data)?;
                    covered.paid.min(context.claim)
                }
                None => Uint128::zero(),
            }
        }
        SubMsgResult::Err(_) => Uint128::zero(),
    };
    let unpaid = context.claim - paid;
    let mut state = STATE.load(deps.storage)?;
    let not_socialized = socialize(&mut state, unpaid);
    state.uncovered_bad_debt = state.uncovered_bad_debt.checked_add(not_socialized)?;
    // A deficit left earlier means the pools were already empty, so everything written off
    // here is this shortfall's (never more than it left uncovered).
    let written_off = write_off(&mut state);
    STATE.save(deps.storage, &state)?;
    let loss = record_loss(
        deps.storage,
        &env,
        &context,
        paid,
        unpaid - not_socialized,
        written_off,
    )?;
    Ok(Response::new()
        .add_attribute("action", "shortfall_settled")
        .add_attribute("shortfall_id", context.shortfall_id.to_string())
        .add_attribute("market", context.market)
        .add_attribute("bad_debt", context.bad_debt)
        .add_attribute("claimed_from_fund", context.claim)
        .add_attribute("paid_by_fund", paid)
        .add_attribute("socialized", loss.socialized)
        .add_attribute("written_off_unsplit", written_off.unsplit)
        .add_attribute("written_off_premium", written_off.premium)
        .add_attribute("written_off_treasury", written_off.treasury)
        .add_attribute("uncovered", loss.uncovered)
        .add_attribute("uncovered_bad_debt", state.uncovered_bad_debt))
}
