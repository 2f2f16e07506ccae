//! Index prices: whether a market's last index price is fresh enough to price a trade, a margin
//! check or a liquidation now. Feeders push prices with `PushPrice` ([`crate::upkeep`]).

use cosmwasm_std::{Decimal256, Timestamp};

use crate::error::ContractError;
use crate::state::Market;

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
