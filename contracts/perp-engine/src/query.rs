//! Handlers of the queries: config, markets (with each feeder's latest price), price shocks,
//! positions with their figures now, the money
//! books, socialized losses, what the engine owes an address and the stress estimate.

use cosmwasm_std::{
    Addr, Decimal256, Deps, Env, Int128, Order, SignedDecimal, StdResult, Storage, Uint128,
};
use cw_storage_plus::Bound;
use tranche_perps_types::engine::{
    EngineConfigResponse, EngineStateResponse, FeederPriceResponse, MarketResponse, MarketStress,
    MarketsResponse, OwedResponse, PositionResponse, PositionsResponse, ShockResponse,
    SocializedLossesResponse, StressLossResponse, SINGLE_FEEDER_WARNING,
};
use tranche_perps_types::page_limit;

use crate::error::ContractError;
use crate::funding::accrued_funding;
use crate::margin::{margin_of, signed_add};
use crate::oracle::is_fresh;
use crate::position::{equity_at, fill, liquidation_price, notional_at};
use crate::shock;
use crate::state::{
    load_market, load_position, load_shock, Market, Position, StressStatus, CONFIG, FEEDERS,
    FEEDER_PRICES, FEES, MARKETS, OWED, PAUSE, POSITIONS, SOCIALIZED, STATE, STRESS_STATUS,
};
use crate::vamm::{mark_price, quote_reserve};

pub fn config(deps: Deps) -> Result<EngineConfigResponse, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    Ok(EngineConfigResponse {
        fund: config.fund,
        treasury: config.treasury,
        guardian: config.guardian,
        collateral_denom: config.collateral_denom,
        fees: FEES.load(deps.storage)?,
        pause: PAUSE.load(deps.storage)?,
    })
}

fn market_view(
    storage: &dyn Storage,
    now: u64,
    id: String,
    market: Market,
) -> Result<MarketResponse, ContractError> {
    let feeders = FEEDERS
        .prefix(&id)
        .keys(storage, None, None, Order::Ascending)
        .collect::<StdResult<Vec<Addr>>>()?;
    let feeder_prices = FEEDER_PRICES
        .prefix(&id)
        .range(storage, None, None, Order::Ascending)
        .map(|item| {
            item.map(|(feeder, p)| FeederPriceResponse {
                feeder,
                price: p.price,
                publish_time: p.publish_time,
                fresh: is_fresh(&market, p.publish_time, now),
            })
        })
        .collect::<StdResult<Vec<_>>>()?;
    Ok(MarketResponse {
        feeder_prices,
        oracle_warning: (market.params.min_feeders <= 1).then(|| SINGLE_FEEDER_WARNING.into()),
        shock_until: load_shock(storage, &id)?.until,
        mark_price: mark_price(&market)?,
        quote_reserve: quote_reserve(market.k, market.base_reserve)?,
        base_reserve: market.base_reserve,
        base_reserve_start: market.base_reserve_start,
        index_price: market.index_price,
        index_publish_time: market.index_price.map(|_| market.index_publish_time),
        long_oi: market.long_oi,
        short_oi: market.short_oi,
        cum_funding_long: market.cum_funding_long,
        cum_funding_short: market.cum_funding_short,
        last_funding_time: market.last_funding_time,
        funding_pool: market.funding_pool,
        params: market.params,
        feeders,
        id,
    })
}

pub fn market(deps: Deps, env: Env, id: String) -> Result<MarketResponse, ContractError> {
    let market = load_market(deps.storage, &id)?;
    market_view(deps.storage, env.block.time.seconds(), id, market)
}

pub fn shock(deps: Deps, env: Env, id: String) -> Result<ShockResponse, ContractError> {
    load_market(deps.storage, &id)?;
    let s = load_shock(deps.storage, &id)?;
    Ok(ShockResponse {
        market: id,
        active: shock::active(&s, env.block.time.seconds()),
        until: s.until,
        window_start: s.window_start,
        reference_price: s.reference,
        previous_window_start: s.previous_window_start,
        previous_reference_price: s.previous_reference,
    })
}

pub fn markets(
    deps: Deps,
    env: Env,
    start_after: Option<String>,
    limit: Option<u32>,
) -> Result<MarketsResponse, ContractError> {
    let markets = MARKETS
        .keys(
            deps.storage,
            start_after.as_deref().map(Bound::exclusive),
            None,
            Order::Ascending,
        )
        .take(page_limit(limit))
        .map(|id| {
            let id = id?;
            let market = load_market(deps.storage, &id)?;
            market_view(deps.storage, env.block.time.seconds(), id, market)
        })
        .collect::<Result<_, _>>()?;
    Ok(MarketsResponse { markets })
}

/// What closing `position` on the vAMM now would realize, on a throwaway copy of the market at
/// its funding clock (a fill needs funding caught up to the time it is given). Not inlined:
/// with the copy it would pass the VM's limit of locals per function in [`position_view`].
#[inline(never)]
fn closing_pnl(
    market: &Market,
    position: &Position,
    margin: Int128,
) -> Result<Int128, ContractError> {
    let mut closing = position.clone();
    let delta = Int128::zero().checked_sub(position.size)?;
    let now = market.last_funding_time;
    let (filled, _) = fill(&mut market.clone(), &mut closing, margin, delta, None, now)?;
    Ok(filled.realized_pnl)
}

fn position_view(
    storage: &dyn Storage,
    trader: Addr,
    market_id: String,
    position: Position,
) -> Result<PositionResponse, ContractError> {
    let market = load_market(storage, &market_id)?;
    let state = STATE.load(storage)?;
    let owed = accrued_funding(&market, &position)?;
    let margin = signed_add(margin_of(&state, &position)?, -owed)?;
    let (unrealized_pnl, margin_ratio) = if position.size.is_zero() {
        (Int128::zero(), None)
    } else {
        let realized = closing_pnl(&market, &position, margin)?;
        // Equity over notional at the index price; zero when equity is negative; none when
        // either does not fit (an index so large the position's notional passes 2^128), so
        // the position still answers.
        let ratio = market.index_price.and_then(|index| {
            let notional = notional_at(position.size.unsigned_abs(), index).ok()?;
            let equity = equity_at(margin, &position, index)
                .ok()?
                .max(Int128::zero());
            Decimal256::checked_from_ratio(equity.unsigned_abs(), notional).ok()
        });
        (realized, ratio)
    };
    let margin_now = margin.max(Int128::zero()).unsigned_abs();
    Ok(PositionResponse {
        liquidation_price: if position.size.is_zero() {
            None
        } else {
            liquidation_price(margin, &position, market.params.maintenance_margin_ratio)?
        },
        market: market_id,
        trader,
        size: position.size,
        open_notional: position.open_notional,
        margin: margin_now,
        accrued_funding: owed,
        unrealized_pnl,
        margin_ratio,
    })
}

pub fn position(
    deps: Deps,
    market_id: String,
    trader: String,
) -> Result<PositionResponse, ContractError> {
    let trader = deps.api.addr_validate(&trader)?;
    let position = load_position(deps.storage, &trader, &market_id)?;
    position_view(deps.storage, trader, market_id, position)
}

pub fn positions(
    deps: Deps,
    trader: String,
    start_after: Option<String>,
    limit: Option<u32>,
) -> Result<PositionsResponse, ContractError> {
    let trader = deps.api.addr_validate(&trader)?;
    let positions = POSITIONS
        .prefix(&trader)
        .range(
            deps.storage,
            start_after.as_deref().map(Bound::exclusive),
            None,
            Order::Ascending,
        )
        .take(page_limit(limit))
        .map(|item| {
            let (market_id, position) = item?;
            position_view(deps.storage, trader.clone(), market_id, position)
        })
        .collect::<Result<_, _>>()?;
    Ok(PositionsResponse { positions })
}

pub fn state(deps: Deps, _env: Env) -> Result<EngineStateResponse, ContractError> {
    let state = STATE.load(deps.storage)?;
    Ok(EngineStateResponse {
        treasury_fees: state.treasury_fees,
        pending_premium: state.pending_premium,
        unsplit_fees: state.unsplit_fees,
        total_margin: state.total_margin,
        uncovered_bad_debt: state.uncovered_bad_debt,
        owed_payouts: state.owed_payouts,
        next_shortfall_id: state.next_shortfall_id,
    })
}

pub fn owed(deps: Deps, address: String) -> Result<OwedResponse, ContractError> {
    let address = deps.api.addr_validate(&address)?;
    let amount = OWED.may_load(deps.storage, &address)?.unwrap_or_default();
    Ok(OwedResponse { address, amount })
}

pub fn socialized_losses(
    deps: Deps,
    start_after: Option<u64>,
    limit: Option<u32>,
) -> Result<SocializedLossesResponse, ContractError> {
    let losses = SOCIALIZED
        .range(
            deps.storage,
            start_after.map(Bound::exclusive),
            None,
            Order::Ascending,
        )
        .take(page_limit(limit))
        .map(|item| item.map(|(_, loss)| loss))
        .collect::<StdResult<_>>()?;
    Ok(SocializedLossesResponse { losses })
}

/// Estimated bad debt of an index move of `price_move` in `market` or every market (see
/// [`crate::stress`]); refused while the buckets are being rebuilt. Markets without an index
/// are left out (they have no positions).
pub fn stress_loss(
    deps: Deps,
    market: Option<String>,
    price_move: SignedDecimal,
) -> Result<StressLossResponse, ContractError> {
    if STRESS_STATUS.may_load(deps.storage)? != Some(StressStatus::Ready) {
        return Err(ContractError::StressRebuilding);
    }
    if price_move <= SignedDecimal::negative_one() {
        return Err(ContractError::InvalidPriceMove);
    }
    let step = Decimal256::from_atomics(price_move.atomics().unsigned_abs(), 18)
        .map_err(|_| ContractError::InvalidPriceMove)?;
    let markets = match market {
        Some(id) => vec![(id.clone(), load_market(deps.storage, &id)?)],
        None => MARKETS
            .range(deps.storage, None, None, Order::Ascending)
            .collect::<StdResult<_>>()?,
    };
    let mut response = StressLossResponse {
        bad_debt: Uint128::zero(),
        max_error: Uint128::zero(),
        markets: vec![],
    };
    for (id, market) in markets {
        let Some(index) = market.index_price else {
            continue;
        };
        let price = if price_move.is_negative() {
            index.checked_sub(index.checked_mul(step)?)?
        } else {
            index.checked_add(index.checked_mul(step)?)?
        };
        let (bad_debt, max_error) = crate::stress::bad_debt_at(deps.storage, &id, price)?;
        response.bad_debt = response.bad_debt.checked_add(bad_debt)?;
        response.max_error = response.max_error.checked_add(max_error)?;
        response.markets.push(MarketStress {
            market: id,
            index,
            price,
            bad_debt,
            max_error,
        });
    }
    Ok(response)
}
