//! Validation of the governed values against their bounds
//! ([`tranche_perps_types::engine::bounds`]): market parameters, the fee split, a new market's
//! reserves and id, and feeders.

use cosmwasm_std::{Addr, DepsMut, Uint128};
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

/// Checks how many feeders there are and validates their addresses.
pub fn validate_feeders(deps: &DepsMut, feeders: &[String]) -> Result<Vec<Addr>, ContractError> {
    bounds::FEEDERS.check(feeders.len())?;
    feeders
        .iter()
        .map(|f| Ok(deps.api.addr_validate(f)?))
        .collect()
}

/// Whether `id` is a valid market id: its length within bounds, letters, digits and `-` only.
pub fn valid_market_id(id: &str) -> bool {
    bounds::MARKET_ID_LENGTH.contains(&id.len())
        && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}
