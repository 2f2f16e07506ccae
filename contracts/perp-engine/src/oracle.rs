use cosmwasm_std::{Decimal256, DepsMut, Env, MessageInfo, Response, Timestamp};
use cw_utils::nonpayable;

use crate::error::ContractError;
use crate::state::{Market, FEEDERS, MARKETS};

/// The market's index price if it is younger than `oracle_max_age_seconds`.
pub fn fresh_index(
    market_id: &str,
    market: &Market,
    now: Timestamp,
) -> Result<Decimal256, ContractError> {
    let price = market.index_price.ok_or_else(|| ContractError::NoPrice {
        market: market_id.to_string(),
    })?;
    let max_age = market.params.oracle_max_age_seconds;
    if now.seconds().saturating_sub(market.index_publish_time) > max_age {
        return Err(ContractError::StalePrice {
            market: market_id.to_string(),
            publish_time: market.index_publish_time,
            max_age,
            now: now.seconds(),
        });
    }
    Ok(price)
}

/// A feeder pushes an index price observed at `publish_time`.
pub fn push_price(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    market_id: String,
    price: Decimal256,
    publish_time: u64,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let mut market = crate::trade::load_market(deps.storage, &market_id)?;
    if !FEEDERS.has(deps.storage, (&market_id, &info.sender)) {
        return Err(ContractError::NotFeeder { market: market_id });
    }
    if price.is_zero() {
        return Err(ContractError::ZeroPrice);
    }
    let now = env.block.time.seconds();
    if publish_time > now {
        return Err(ContractError::PriceFromFuture { publish_time, now });
    }
    if market.index_price.is_some() && publish_time <= market.index_publish_time {
        return Err(ContractError::PriceNotNewer {
            publish_time,
            last: market.index_publish_time,
        });
    }
    market.index_price = Some(price);
    market.index_publish_time = publish_time;
    MARKETS.save(deps.storage, &market_id, &market)?;
    Ok(Response::new()
        .add_attribute("action", "push_price")
        .add_attribute("sender", info.sender)
        .add_attribute("market", market_id)
        .add_attribute("price", price.to_string())
        .add_attribute("publish_time", publish_time.to_string()))
}
