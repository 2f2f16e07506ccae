//! Validation of the governed values against their bounds
//! ([`tranche_perps_types::engine::bounds`]): market parameters, the fee split, a new market's
//! reserves and id, and feeders.

use cosmwasm_std::{Addr, DepsMut, Uint128, Uint256};
use tranche_perps_types::engine::{bounds, FeeConfig, MarketParams};

use crate::error::ContractError;

/// Checks every market parameter against its bound; `initial_margin_ratio` must also be above
/// the market's `maintenance_margin_ratio`.
pub fn validate_market_params(p: &MarketParams) -> Result<(), ContractError> {
    let mmr = bounds::MAINTENANCE_MARGIN_RATIO.check(p.maintenance_margin_ratio)?;
    let imr = p.initial_margin_ratio;
    if !(bounds::INITIAL_MARGIN_RATIO.contains(&imr) && imr > mmr) {
        return Err(ContractError::ParamOutOfRange {
            name: bounds::INITIAL_MARGIN_RATIO.name,
            value: imr.to_string(),
            range: bounds::initial_margin_ratio_range(),
        });
    }
    bounds::TAKER_FEE.check(p.taker_fee)?;
    bounds::LIQUIDATION_FEE.check(p.liquidation_fee)?;
    bounds::KEEPER_SHARE.check(p.keeper_share)?;
    bounds::MIN_NOTIONAL.check(p.min_notional)?;
    bounds::MAX_LONG_OI.check(p.max_long_oi)?;
    bounds::MAX_SHORT_OI.check(p.max_short_oi)?;
    bounds::MAX_SPREAD.check(p.max_spread)?;
    bounds::FUNDING_FACTOR.check(p.funding_factor)?;
    bounds::MAX_FUNDING_RATE.check(p.max_funding_rate)?;
    bounds::FUNDING_INTERVAL_SECONDS.check(p.funding_interval_seconds)?;
    bounds::ORACLE_MAX_AGE_SECONDS.check(p.oracle_max_age_seconds)?;
    bounds::LIQUIDATION_DEPTH.check(p.liquidation_depth)?;
    // Never more than the keeper's share of the fee on the smallest healthy position, so
    // liquidating one's own positions cannot farm the fee pools.
    let most = p
        .min_notional
        .checked_mul_floor(p.liquidation_fee)?
        .checked_mul_floor(p.keeper_share)?;
    if p.min_keeper_reward > most {
        return Err(ContractError::ParamOutOfRange {
            name: bounds::MIN_KEEPER_REWARD.name,
            value: p.min_keeper_reward.to_string(),
            range: bounds::min_keeper_reward_range(),
        });
    }
    bounds::MIN_FEEDERS.check(p.min_feeders)?;
    if let Some(max_move) = p.max_index_move {
        bounds::MAX_INDEX_MOVE.check(max_move)?;
    }
    let min_price = bounds::MIN_PRICE.check(p.min_price)?;
    if !(bounds::MAX_PRICE.contains(&p.max_price)
        && p.max_price > min_price
        && notional_fits(p.max_long_oi, p.max_short_oi, p.max_price))
    {
        return Err(ContractError::ParamOutOfRange {
            name: bounds::MAX_PRICE.name,
            value: p.max_price.to_string(),
            range: bounds::max_price_range(),
        });
    }
    bounds::SHOCK_MOVE.check(p.shock_move)?;
    bounds::SHOCK_WINDOW_SECONDS.check(p.shock_window_seconds)?;
    bounds::SHOCK_PAUSE_SECONDS.check(p.shock_pause_seconds)?;
    Ok(())
}

/// Whether the largest open-interest notional of a market, `(max_long_oi + max_short_oi) *
/// max_price`, is at most `(2^128-1) / MARKETS.max`: summed over every market (as a sweep
/// does) it then fits a `Uint128`.
fn notional_fits(
    max_long_oi: Uint128,
    max_short_oi: Uint128,
    max_price: cosmwasm_std::Decimal256,
) -> bool {
    let oi = Uint256::from(max_long_oi) + Uint256::from(max_short_oi);
    let limit = Uint256::from(Uint128::MAX) / Uint256::from(bounds::MARKETS.max);
    // oi * max_price <= limit, in atomics: oi < 2^129 and max_price's atomics < 2^120.
    let scale = Uint256::from(10u128.pow(cosmwasm_std::Decimal256::DECIMAL_PLACES));
    match oi.checked_mul(max_price.atomics()) {
        Ok(product) => product <= limit * scale,
        Err(_) => false,
    }
}

/// `TooFewFeeders` when `min_feeders` is above the number of (distinct) feeders.
pub fn validate_min_feeders(min_feeders: u32, feeders: usize) -> Result<(), ContractError> {
    if min_feeders as usize > feeders {
        return Err(ContractError::TooFewFeeders {
            min_feeders,
            feeders: feeders as u32,
        });
    }
    Ok(())
}

/// Checks the fee split; `fund_share_min` must also be at most `fund_share_max`.
pub fn validate_fees(fees: &FeeConfig) -> Result<(), ContractError> {
    bounds::FUND_SHARE_MAX.check(fees.fund_share_max)?;
    let min = fees.fund_share_min;
    if !(bounds::FUND_SHARE_MIN.contains(&min) && min <= fees.fund_share_max) {
        return Err(ContractError::ParamOutOfRange {
            name: bounds::FUND_SHARE_MIN.name,
            value: min.to_string(),
            range: bounds::fund_share_min_range(),
        });
    }
    Ok(())
}

/// Checks a new market's vAMM reserves.
pub fn validate_reserves(base: Uint128, quote: Uint128) -> Result<(), ContractError> {
    bounds::BASE_RESERVE.check(base)?;
    bounds::QUOTE_RESERVE.check(quote)?;
    Ok(())
}

/// Checks how many feeders there are and validates their addresses; the distinct ones, sorted.
pub fn validate_feeders(deps: &DepsMut, feeders: &[String]) -> Result<Vec<Addr>, ContractError> {
    bounds::FEEDERS.check(feeders.len())?;
    let mut addrs = feeders
        .iter()
        .map(|f| Ok(deps.api.addr_validate(f)?))
        .collect::<Result<Vec<Addr>, ContractError>>()?;
    addrs.sort();
    addrs.dedup();
    Ok(addrs)
}

/// Whether `id` is a valid market id: its length within bounds, letters, digits and `-` only.
pub fn valid_market_id(id: &str) -> bool {
    bounds::MARKET_ID_LENGTH.contains(&id.len())
        && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}
