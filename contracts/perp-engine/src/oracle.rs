//! Index prices: the median of the feeders' latest fresh prices, a large move confirmed by a
//! second feeder, and whether the index is fresh enough to price a trade, a margin check or a
//! liquidation now. Feeders push prices with `PushPrice` ([`crate::upkeep`]); each feeder's
//! latest price is kept in [`FEEDER_PRICES`], so no feeder can shut another out.

use cosmwasm_std::{Decimal, Decimal256, Order, Storage, Timestamp};
use tranche_perps_types::engine::bounds;

use crate::error::ContractError;
use crate::state::{FeederPrice, Market, FEEDER_PRICES};

/// The market's index price if it is younger than `oracle_max_age_seconds`: if at least
/// `min_feeders` of the prices it was built from are still fresh.
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

/// Whether a price published at `publish_time` is fresh at `now`.
pub fn is_fresh(market: &Market, publish_time: u64, now: u64) -> bool {
    now.saturating_sub(publish_time) <= market.params.oracle_max_age_seconds
}

/// Whether `price` lies further than `fraction` of `reference` from it:
/// `|price - reference| > reference * fraction`.
pub fn beyond(
    price: Decimal256,
    reference: Decimal256,
    fraction: Decimal,
) -> Result<bool, ContractError> {
    let limit = reference.checked_mul(Decimal256::from(fraction))?;
    Ok(price.abs_diff(reference) > limit)
}

/// What recomputing the index after a push did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IndexUpdate {
    /// Fewer than `min_feeders` fresh prices: the index is left as it was.
    TooFewFresh { fresh: u32 },
    /// The median moved beyond `max_index_move` and fewer than two distinct feeders' fresh
    /// prices lie beyond it on that side: the index is left as it was.
    Unconfirmed { candidate: Decimal256 },
    /// The index is the median (possibly the same price) with a new publish time.
    Set { price: Decimal256 },
}

impl IndexUpdate {
    /// The event attribute's value.
    pub fn name(&self) -> &'static str {
        match self {
            Self::TooFewFresh { .. } => "too_few_fresh",
            Self::Unconfirmed { .. } => "unconfirmed",
            Self::Set { .. } => "set",
        }
    }
}

/// Recomputes the market's index from its feeders' latest fresh prices (at most
/// `bounds::FEEDERS.max` of them, so the loop is bounded):
///
/// - fewer than `min_feeders` fresh: unchanged;
/// - the candidate is the median: the middle price of an odd count; of an even count, the
///   last index if it lies between the two middle prices, else the nearer of them (every
///   value between them is a median; this one moves the index least, so one of two feeders
///   alone can hold it but never move it); the lower middle price when there is no index yet;
/// - a candidate further than `max_index_move` from the last index needs at least two
///   distinct feeders' fresh prices beyond that bound on the same side, or the index stays;
/// - otherwise the index is the candidate, published at the `min_feeders`-th newest publish
///   time among the fresh prices: the index goes stale exactly when fewer than `min_feeders`
///   of them are fresh.
pub fn recompute_index(
    storage: &dyn Storage,
    market_id: &str,
    market: &mut Market,
    now: u64,
) -> Result<IndexUpdate, ContractError> {
    let fresh: Vec<FeederPrice> = FEEDER_PRICES
        .prefix(market_id)
        .range(storage, None, None, Order::Ascending)
        .take(bounds::FEEDERS.max)
        .map(|item| item.map(|(_, p)| p))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .filter(|p| is_fresh(market, p.publish_time, now))
        .collect();
    let min_feeders = market.params.min_feeders as usize;
    let n = fresh.len();
    if n < min_feeders.max(1) {
        return Ok(IndexUpdate::TooFewFresh { fresh: n as u32 });
    }
    let mut prices: Vec<Decimal256> = fresh.iter().map(|p| p.price).collect();
    prices.sort();
    let (lo, hi) = (prices[(n - 1) / 2], prices[n / 2]);
    let candidate = match market.index_price {
        Some(last) => last.clamp(lo, hi),
        None => lo,
    };
    if let (Some(last), Some(max_move)) = (market.index_price, market.params.max_index_move) {
        if beyond(candidate, last, max_move)? {
            let down = candidate < last;
            let mut confirming = 0;
            for p in &prices {
                if (*p < last) == down && beyond(*p, last, max_move)? {
                    confirming += 1;
                }
            }
            if confirming < 2 {
                return Ok(IndexUpdate::Unconfirmed { candidate });
            }
        }
    }
    let mut times: Vec<u64> = fresh.iter().map(|p| p.publish_time).collect();
    times.sort_unstable_by(|a, b| b.cmp(a));
    market.index_price = Some(candidate);
    market.index_publish_time = times[min_feeders.max(1) - 1];
    Ok(IndexUpdate::Set { price: candidate })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal256 {
        s.parse().unwrap()
    }

    #[test]
    fn beyond_is_strict() {
        let tenth = Decimal::percent(10);
        assert!(!beyond(d("90"), d("100"), tenth).unwrap());
        assert!(!beyond(d("110"), d("100"), tenth).unwrap());
        assert!(beyond(d("89.99"), d("100"), tenth).unwrap());
        assert!(beyond(d("110.01"), d("100"), tenth).unwrap());
    }
}
