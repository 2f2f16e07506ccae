//! Handlers of `Liquidate` and of the reply to the fund's `CoverShortfall`, which settles a
//! liquidation's bad debt: paid by the fund, socialized over open margin, written off against
//! the fee pools, or left uncovered.

use cosmwasm_std::{
    coins, from_json, to_json_binary, BankMsg, CosmosMsg, DepsMut, Env, Int128, MessageInfo,
    Response, SubMsg, SubMsgResult, Uint128, WasmMsg,
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
use crate::position::{equity_at, fill, notional_at, requirement};
use crate::reply::ReplyId;
use crate::solvency::{accrue, owe, payable, write_off, Pool};
use crate::state::{
    load_market, load_position, CONFIG, MARKETS, PAUSE, POSITIONS, SOCIALIZED, STATE,
};

/// Context of a shortfall submessage, carried in its payload.
#[derive(Serialize, Deserialize)]
pub struct ShortfallContext {
    pub shortfall_id: u64,
    pub market: String,
    pub bad_debt: Uint128,
}

/// Anyone liquidates a position below maintenance margin at the index price. The position
/// closes on the vAMM; remaining margin pays the liquidation fee (keeper share to the sender,
/// the rest premium for the fund) and the rest goes to the trader. A negative remainder is bad
/// debt, asked of the fund in a submessage whose reply socializes what it did not pay. While
/// uncovered bad debt remains and the engine's balance cannot make the payouts, they are owed
/// instead (`ClaimOwed`), so the liquidation always completes.
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
    let mut state = STATE.load(deps.storage)?;
    let index = fresh_index(&market_id, &market, env.block.time)?;
    catch_up_funding(&mut market, env.block.time)?;

    let owed = accrued_funding(&market, &position)?;
    market.funding_pool = market.funding_pool.checked_add(owed)?;
    let margin = signed_add(margin_of(&state, &position)?, -owed)?;
    let notional = notional_at(position.size.unsigned_abs(), index)?;
    let required = requirement(market.params.maintenance_margin_ratio, notional)?;
    let equity = equity_at(margin, &position, index)?;
    if position.size.is_zero() || equity >= Int128::try_from(required)? {
        return Err(ContractError::NotLiquidatable { equity, required });
    }

    let delta = Int128::zero().checked_sub(position.size)?;
    let (filled, remaining) = fill(
        &mut market,
        &mut position,
        margin,
        delta,
        None,
        env.block.time,
    )?;
    set_margin(&mut state, &mut position, Uint128::zero())?;
    POSITIONS.remove(deps.storage, (&trader, &market_id));

    let mut msgs: Vec<CosmosMsg> = vec![];
    let mut submsgs: Vec<SubMsg> = vec![];
    let (mut keeper_reward, mut trader_payout, mut bad_debt, mut owed_now) = (
        Uint128::zero(),
        Uint128::zero(),
        Uint128::zero(),
        Uint128::zero(),
    );
    if remaining.is_negative() {
        bad_debt = remaining.unsigned_abs();
        let shortfall_id = state.next_shortfall_id;
        state.next_shortfall_id += 1;
        let context = ShortfallContext {
            shortfall_id,
            market: market_id.clone(),
            bad_debt,
        };
        let cover = WasmMsg::Execute {
            contract_addr: config.fund.to_string(),
            msg: to_json_binary(&fund::ExecuteMsg::CoverShortfall {
                shortfall_id,
                amount: bad_debt,
            })?,
            funds: vec![],
        };
        submsgs.push(
            SubMsg::reply_always(cover, ReplyId::Shortfall as u64)
                .with_payload(to_json_binary(&context)?),
        );
    } else {
        let remaining = remaining.unsigned_abs();
        let fee = requirement(market.params.liquidation_fee, filled.quote)?.min(remaining);
        keeper_reward = fee.checked_mul_floor(market.params.keeper_share)?;
        accrue(&mut state, Pool::Premium, fee - keeper_reward)?;
        trader_payout = remaining - fee;
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
    }
    release_funding_dust(&mut market, &mut state)?;
    MARKETS.save(deps.storage, &market_id, &market)?;
    // With bad debt the fee pools must stay in the engine until the shortfall reply has written
    // off what the fund and open margin leave uncovered; a later trade sweeps them.
    let sweep = if bad_debt.is_zero() {
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
        .add_attribute("quote", filled.quote)
        .add_attribute("realized_pnl", filled.realized_pnl.to_string())
        .add_attribute("funding_paid", owed.to_string())
        .add_attribute("keeper_reward", keeper_reward)
        .add_attribute("trader_payout", trader_payout)
        .add_attribute("owed", owed_now)
        .add_attribute("bad_debt", bad_debt))
}

/// Reply of the fund's `CoverShortfall`: what it paid is read from its response data; the rest
/// (everything, if it failed) is socialized over all open margin, and what open margin cannot
/// absorb is written off against the fee pools (unsplit fees, then the fund's pending premium,
/// then treasury fees). Only the remainder stays in `uncovered_bad_debt`, repaid by later fees.
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
                    covered.paid.min(context.bad_debt)
                }
                None => Uint128::zero(),
            }
        }
        SubMsgResult::Err(_) => Uint128::zero(),
    };
    let unpaid = context.bad_debt - paid;
    let mut state = STATE.load(deps.storage)?;
    let not_socialized = socialize(&mut state, unpaid);
    state.uncovered_bad_debt = state.uncovered_bad_debt.checked_add(not_socialized)?;
    let written_off = write_off(&mut state);
    // A deficit left earlier means the pools were already empty, so everything written off
    // here is this shortfall's (never more than it left uncovered).
    let uncovered = not_socialized.checked_sub(written_off.total())?;
    STATE.save(deps.storage, &state)?;
    SOCIALIZED.save(
        deps.storage,
        context.shortfall_id,
        &SocializedLoss {
            shortfall_id: context.shortfall_id,
            market: context.market.clone(),
            time: env.block.time,
            bad_debt: context.bad_debt,
            paid_by_fund: paid,
            socialized: unpaid - not_socialized,
            written_off: written_off.total(),
            uncovered,
        },
    )?;
    Ok(Response::new()
        .add_attribute("action", "shortfall_settled")
        .add_attribute("shortfall_id", context.shortfall_id.to_string())
        .add_attribute("market", context.market)
        .add_attribute("bad_debt", context.bad_debt)
        .add_attribute("paid_by_fund", paid)
        .add_attribute("socialized", unpaid - not_socialized)
        .add_attribute("written_off_unsplit", written_off.unsplit)
        .add_attribute("written_off_premium", written_off.premium)
        .add_attribute("written_off_treasury", written_off.treasury)
        .add_attribute("uncovered", uncovered)
        .add_attribute("uncovered_bad_debt", state.uncovered_bad_debt))
}
