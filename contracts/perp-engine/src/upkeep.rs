//! Handlers of the upkeep messages that keep markets and books current: `PushPrice` (a
//! market's feeders; the index rules are in [`crate::oracle`], the shock in [`crate::shock`]), `SettleFunding` and `SweepPremium` (anyone).

use cosmwasm_std::{Decimal256, DepsMut, Env, MessageInfo, Response};
use cw_utils::nonpayable;

use crate::error::ContractError;
use crate::fees::{open_interest, query_coverage, sweep_messages};
use crate::funding::{catch_up_funding, catch_up_funding_unless_halted, funding_due};
use crate::oracle::{is_fresh, recompute_index, IndexUpdate};
use crate::shock;
use crate::state::{
    load_market, load_shock, save_market, FeederPrice, CONFIG, FEEDERS, FEEDER_PRICES, PAUSE,
    SHOCKS, STATE,
};

/// A feeder pushes its price observed at `publish_time`. The market's funding is caught up
/// first (unless the engine is halted), so the index being replaced prices funding up to now
/// and a new one only from now on. The price replaces the feeder's own latest price (newer
/// than that one, not in the future, within `min_price ..= max_price`), the index is recomputed
/// from every feeder's latest fresh price ([`recompute_index`]), and a fresh price or new index
/// further than `shock_move` from the shock references starts a price shock ([`crate::shock`]).
pub fn push_price(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    market_id: String,
    price: Decimal256,
    publish_time: u64,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let mut market = load_market(deps.storage, &market_id)?;
    market.shock = load_shock(deps.storage, &market_id)?;
    let shock_before = market.shock.clone();
    catch_up_funding_unless_halted(deps.storage, &mut market, env.block.time)?;
    if !FEEDERS.has(deps.storage, (&market_id, &info.sender)) {
        return Err(ContractError::NotFeeder { market: market_id });
    }
    if price.is_zero() {
        return Err(ContractError::ZeroPrice);
    }
    let (min, max) = (market.params.min_price, market.params.max_price);
    if price < min || price > max {
        return Err(ContractError::PriceOutOfBounds { price, min, max });
    }
    let now = env.block.time.seconds();
    if publish_time > now {
        return Err(ContractError::PriceFromFuture { publish_time, now });
    }
    if let Some(last) = FEEDER_PRICES.may_load(deps.storage, (&market_id, &info.sender))? {
        if publish_time <= last.publish_time {
            return Err(ContractError::PriceNotNewer {
                publish_time,
                last: last.publish_time,
            });
        }
    }
    FEEDER_PRICES.save(
        deps.storage,
        (&market_id, &info.sender),
        &FeederPrice {
            price,
            publish_time,
        },
    )?;
    shock::roll_window(&mut market, now);
    let update = recompute_index(deps.storage, &market_id, &mut market, now)?;
    if market.shock.reference.is_none() {
        market.shock.reference = market.index_price;
    }
    let mut shocked = is_fresh(&market, publish_time, now) && shock::is_shock(&market, price)?;
    if let IndexUpdate::Set { price: index } = update {
        shocked |= shock::is_shock(&market, index)?;
    }
    if shocked {
        let until = shock::start(&mut market, now);
        shock::note_until(deps.storage, until)?;
        shock::rebase(&mut market);
    }
    // Most pushes leave the shock state as it was (same window, no shock): no write then.
    if market.shock != shock_before {
        SHOCKS.save(deps.storage, &market_id, &market.shock)?;
    }
    save_market(deps.storage, &market_id, &mut market)?;
    Ok(Response::new()
        .add_attribute("action", "push_price")
        .add_attribute("sender", info.sender)
        .add_attribute("market", market_id)
        .add_attribute("price", price.to_string())
        .add_attribute("publish_time", publish_time.to_string())
        .add_attribute("index_update", update.name())
        .add_attribute(
            "index_price",
            market
                .index_price
                .map(|p| p.to_string())
                .unwrap_or_default(),
        )
        .add_attribute("shock_until", market.shock.until.to_string()))
}

/// Anyone settles the funding of a market: [`catch_up_funding`] accrues the span from its
/// `last_funding_time` to now (the seconds of it with a fresh index, when both sides are open)
/// and moves the clock to now. Any time the clock is behind now; `FundingNotDue` only when it
/// is at now (already settled in this block). A market that never had an index price is
/// refused with `NoPrice`. Refused while the engine is halted (traders can neither close nor
/// add margin then); switching a halt on catches every market up first, and ending it moves
/// every market's clock to then without charging, so time spent halted is never charged.
pub fn settle_funding(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    market_id: String,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    if PAUSE.load(deps.storage)?.halted {
        return Err(ContractError::Halted);
    }
    let mut market = load_market(deps.storage, &market_id)?;
    let now = env.block.time;
    if !funding_due(&market, now) {
        return Err(ContractError::FundingNotDue);
    }
    if market.index_price.is_none() {
        return Err(ContractError::NoPrice { market: market_id });
    }
    let settlement = catch_up_funding(&mut market, now)?;
    save_market(deps.storage, &market_id, &mut market)?;
    Ok(Response::new()
        .add_attribute("action", "settle_funding")
        .add_attribute("sender", info.sender)
        .add_attribute("market", market_id)
        .add_attribute("seconds_elapsed", settlement.elapsed.to_string())
        .add_attribute("seconds_charged", settlement.charged.to_string())
        .add_attribute("rate", settlement.rate.to_string())
        .add_attribute("paid", settlement.paid.to_string()))
}

/// Anyone: split fees, send the fund its premium and report open interest.
///
/// The fees were earned while positions were open since the previous sweep, so they are split
/// at the fund's coverage for the notional of the open interest averaged over that time: Σ over
/// markets of `(open interest x seconds since the market's window started) / window length *
/// index price`. Open interest held for a moment counts for a moment: opening and closing
/// positions around a sweep moves the split by nothing, and closing positions just before it
/// cannot drive the fund's share to `f_min`. The sweep reports the open interest now; a fund
/// that refuses the report (it moved to another engine) still receives the premium, while a
/// refused deposit fails the sweep as a whole.
pub fn sweep_premium(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let mut state = STATE.load(deps.storage)?;
    let config = CONFIG.load(deps.storage)?;
    let open_interest = open_interest(deps.storage, env.block.time)?;
    let coverage = query_coverage(&deps.querier, &config.fund, open_interest.average)?;
    let sweep = sweep_messages(
        deps.storage,
        &mut state,
        &config,
        coverage,
        open_interest.now,
        env.block.time,
    )?;
    STATE.save(deps.storage, &state)?;
    Ok(Response::new()
        .add_submessage(sweep.report)
        .add_messages(sweep.deposit)
        .add_attribute("action", "sweep_premium")
        .add_attribute("sender", info.sender)
        .add_attribute("premium", sweep.premium)
        .add_attribute("treasury_fees", state.treasury_fees))
}
