//! Handlers of the governor's and the guardian's messages: markets, feeders, the fee split,
//! addresses, pauses, price shocks and treasury withdrawals. Their validation is in [`crate::params`].

use cosmwasm_std::{
    coins, Addr, BankMsg, DepsMut, Env, MessageInfo, Order, Response, SignedDecimal256, Uint128,
    Uint256,
};
use cw_utils::nonpayable;
use tranche_perps_types::engine::{bounds, EnginePause, FeeConfig, MarketParams, NewMarket};

use crate::error::ContractError;
use crate::funding::{catch_up_funding, skip_funding};
use crate::params::{
    valid_market_id, validate_feeders, validate_fees, validate_market_params, validate_min_feeders,
    validate_reserves,
};
use crate::shock;
use crate::state::{
    load_market, load_shock, save_market, save_market_config, Market, ShockState, CONFIG, FEEDERS,
    FEEDER_PRICES, FEES, MARKETS, PAUSE, SHOCKS, SHOCK_UNTIL, STATE,
};
use crate::vamm::quote_reserve;

/// Governor only: create a market.
pub fn add_market(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    new: NewMarket,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    cw_ownable::assert_owner(deps.storage, &info.sender)?;
    if !valid_market_id(&new.id) {
        return Err(ContractError::InvalidMarketId { market: new.id });
    }
    if MARKETS.has(deps.storage, &new.id) {
        return Err(ContractError::MarketExists { market: new.id });
    }
    let count = MARKETS
        .keys(deps.storage, None, None, Order::Ascending)
        .count() as u32;
    if count >= bounds::MARKETS.max {
        return Err(ContractError::TooManyMarkets {
            max: bounds::MARKETS.max,
        });
    }
    validate_market_params(&new.params)?;
    validate_reserves(new.base_reserve, new.quote_reserve)?;
    let feeders = validate_feeders(&deps, &new.feeders)?;
    validate_min_feeders(new.params.min_feeders, feeders.len())?;
    let k = Uint256::from(new.base_reserve).checked_mul(Uint256::from(new.quote_reserve))?;
    debug_assert_eq!(quote_reserve(k, new.base_reserve)?, new.quote_reserve);
    let market = Market {
        params: new.params,
        legacy_params: None,
        base_reserve: new.base_reserve,
        base_reserve_start: new.base_reserve,
        k,
        index_price: None,
        index_publish_time: 0,
        long_oi: Uint128::zero(),
        short_oi: Uint128::zero(),
        cum_funding_long: SignedDecimal256::zero(),
        cum_funding_short: SignedDecimal256::zero(),
        last_funding_time: env.block.time,
        one_sided_at: env.block.time,
        peak_oi_since_sweep: Uint128::zero(),
        funding_pool: Default::default(),
        liquidated_height: 0,
        liquidation_room: Uint128::zero(),
        oi_seconds: Uint256::zero(),
        oi_since: env.block.time,
        oi_touched: env.block.time,
        shock: ShockState::default(),
        unsplit: false,
    };
    save_market_config(deps.storage, &new.id, &market)?;
    MARKETS.save(deps.storage, &new.id, &market)?;
    for feeder in &feeders {
        FEEDERS.save(deps.storage, (&new.id, feeder), &())?;
    }
    Ok(Response::new()
        .add_attribute("action", "add_market")
        .add_attribute("sender", info.sender)
        .add_attribute("market", new.id))
}

/// Governor only: change a market's parameters.
///
/// The market's funding is caught up to now first under the old parameters (funding factor,
/// cap, interval, oracle age), so new funding settings apply from now on, never to time that
/// already passed. While the engine is halted nothing is caught up: switching the halt on
/// already charged the time before it, and time spent halted is never charged.
pub fn update_market(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    market_id: String,
    params: MarketParams,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    cw_ownable::assert_owner(deps.storage, &info.sender)?;
    let mut market = load_market(deps.storage, &market_id)?;
    validate_market_params(&params)?;
    let feeders = FEEDERS
        .prefix(&market_id)
        .keys(deps.storage, None, None, Order::Ascending)
        .take(bounds::FEEDERS.max + 1)
        .count();
    validate_min_feeders(params.min_feeders, feeders)?;
    if !PAUSE.load(deps.storage)?.halted {
        catch_up_funding(&mut market, env.block.time)?;
    }
    market.params = params;
    save_market_config(deps.storage, &market_id, &market)?;
    save_market(deps.storage, &market_id, &mut market)?;
    Ok(Response::new()
        .add_attribute("action", "update_market")
        .add_attribute("sender", info.sender)
        .add_attribute("market", market_id))
}

/// Governor only: replace a market's feeders (at most `bounds::FEEDERS.max`, so the loop is
/// bounded); at least the market's `min_feeders` of them. A removed feeder's latest price is
/// dropped, so it no longer counts toward the next index; the index itself stays until the
/// next push recomputes it or it goes stale.
pub fn set_feeders(
    deps: DepsMut,
    info: MessageInfo,
    market_id: String,
    feeders: Vec<String>,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    cw_ownable::assert_owner(deps.storage, &info.sender)?;
    let market = load_market(deps.storage, &market_id)?;
    let feeders = validate_feeders(&deps, &feeders)?;
    validate_min_feeders(market.params.min_feeders, feeders.len())?;
    let old: Vec<Addr> = FEEDERS
        .prefix(&market_id)
        .keys(deps.storage, None, None, Order::Ascending)
        .collect::<Result<_, _>>()?;
    for feeder in &old {
        FEEDERS.remove(deps.storage, (&market_id, feeder));
        if !feeders.contains(feeder) {
            FEEDER_PRICES.remove(deps.storage, (&market_id, feeder));
        }
    }
    for feeder in &feeders {
        FEEDERS.save(deps.storage, (&market_id, feeder), &())?;
    }
    Ok(Response::new()
        .add_attribute("action", "set_feeders")
        .add_attribute("sender", info.sender)
        .add_attribute("market", market_id)
        .add_attribute("feeders", feeders.len().to_string()))
}

/// Governor only: change the fee split.
pub fn update_fees(
    deps: DepsMut,
    info: MessageInfo,
    fees: FeeConfig,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    cw_ownable::assert_owner(deps.storage, &info.sender)?;
    validate_fees(&fees)?;
    FEES.save(deps.storage, &fees)?;
    Ok(Response::new()
        .add_attribute("action", "update_fees")
        .add_attribute("sender", info.sender))
}

/// Governor only: fund, treasury, guardian.
pub fn update_config(
    deps: DepsMut,
    info: MessageInfo,
    fund: Option<String>,
    treasury: Option<String>,
    guardian: Option<String>,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    cw_ownable::assert_owner(deps.storage, &info.sender)?;
    let mut config = CONFIG.load(deps.storage)?;
    if let Some(fund) = fund {
        config.fund = deps.api.addr_validate(&fund)?;
    }
    if let Some(treasury) = treasury {
        config.treasury = deps.api.addr_validate(&treasury)?;
    }
    if let Some(guardian) = guardian {
        config.guardian = Some(deps.api.addr_validate(&guardian)?);
    }
    CONFIG.save(deps.storage, &config)?;
    Ok(Response::new()
        .add_attribute("action", "update_config")
        .add_attribute("sender", info.sender))
}

/// Governor: any pause. Guardian: may only switch `new_positions`, `margin_removal` and
/// `liquidation` on; never unpauses, never halts.
///
/// Switching a halt on first catches every market's funding up to now (as a fill would), so the
/// time before the halt is charged. Ending a halt moves every market's funding clock to now
/// without charging: nobody could close, add margin or settle during the halt, so no second of
/// it is charged. Both loops are bounded by `bounds::MARKETS.max`.
pub fn set_pause(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    pause: EnginePause,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let current = PAUSE.load(deps.storage)?;
    if cw_ownable::assert_owner(deps.storage, &info.sender).is_err() {
        let config = CONFIG.load(deps.storage)?;
        if config.guardian.as_ref() != Some(&info.sender) {
            return Err(ContractError::NotGovernorOrGuardian);
        }
        let lowers = (current.new_positions && !pause.new_positions)
            || (current.margin_removal && !pause.margin_removal)
            || (current.liquidation && !pause.liquidation)
            || current.halted != pause.halted;
        if lowers {
            return Err(ContractError::GuardianCannotUnpause);
        }
    }
    PAUSE.save(deps.storage, &pause)?;
    let halting = !current.halted && pause.halted;
    let resuming = current.halted && !pause.halted;
    if halting || resuming {
        let ids: Vec<String> = MARKETS
            .keys(deps.storage, None, None, Order::Ascending)
            .collect::<Result<_, _>>()?;
        for id in ids {
            let mut market = load_market(deps.storage, &id)?;
            if halting {
                catch_up_funding(&mut market, env.block.time)?;
            } else {
                skip_funding(&mut market, env.block.time);
            }
            save_market(deps.storage, &id, &mut market)?;
        }
    }
    Ok(Response::new()
        .add_attribute("action", "set_pause")
        .add_attribute("sender", info.sender)
        .add_attribute("new_positions", pause.new_positions.to_string())
        .add_attribute("margin_removal", pause.margin_removal.to_string())
        .add_attribute("liquidation", pause.liquidation.to_string())
        .add_attribute("halted", pause.halted.to_string()))
}

/// Governor only: pay accrued treasury fees to the treasury.
pub fn withdraw_treasury(deps: DepsMut, info: MessageInfo) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    cw_ownable::assert_owner(deps.storage, &info.sender)?;
    let config = CONFIG.load(deps.storage)?;
    let mut state = STATE.load(deps.storage)?;
    let amount = state.treasury_fees;
    if amount.is_zero() {
        return Err(ContractError::NoTreasuryFees);
    }
    state.treasury_fees = Uint128::zero();
    STATE.save(deps.storage, &state)?;
    Ok(Response::new()
        .add_message(BankMsg::Send {
            to_address: config.treasury.to_string(),
            amount: coins(amount.u128(), config.collateral_denom),
        })
        .add_attribute("action", "withdraw_treasury")
        .add_attribute("sender", info.sender)
        .add_attribute("amount", amount))
}

/// Guardian or governor: start the market's shock until now + `shock_pause_seconds` (a later
/// end already set stays; nothing sets one later than that).
pub fn trigger_shock(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    market_id: String,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    if cw_ownable::assert_owner(deps.storage, &info.sender).is_err() {
        let config = CONFIG.load(deps.storage)?;
        if config.guardian.as_ref() != Some(&info.sender) {
            return Err(ContractError::NotGovernorOrGuardian);
        }
    }
    let mut market = load_market(deps.storage, &market_id)?;
    market.shock = load_shock(deps.storage, &market_id)?;
    let until = shock::start(&mut market, env.block.time.seconds());
    SHOCKS.save(deps.storage, &market_id, &market.shock)?;
    shock::note_until(deps.storage, until)?;
    Ok(Response::new()
        .add_attribute("action", "trigger_shock")
        .add_attribute("sender", info.sender)
        .add_attribute("market", market_id)
        .add_attribute("shock_until", until.to_string()))
}

/// Governor only: end the market's shock now (`NoShock` when none lasts); the engine-wide end
/// of shocks the fund reads becomes the latest other market's.
pub fn end_shock(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    market_id: String,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    cw_ownable::assert_owner(deps.storage, &info.sender)?;
    load_market(deps.storage, &market_id)?;
    let mut shock = load_shock(deps.storage, &market_id)?;
    let now = env.block.time.seconds();
    if !shock::active(&shock, now) {
        return Err(ContractError::NoShock { market: market_id });
    }
    shock.until = now;
    SHOCKS.save(deps.storage, &market_id, &shock)?;
    // Another market's shock may still last: the engine-wide end is the latest of them.
    let latest = shock::latest_until(deps.storage)?;
    SHOCK_UNTIL.save(deps.storage, &latest)?;
    Ok(Response::new()
        .add_attribute("action", "end_shock")
        .add_attribute("sender", info.sender)
        .add_attribute("market", market_id))
}
