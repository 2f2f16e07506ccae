//! Validation of the governed values: market parameters, the fee split, feeders and market ids.

use cosmwasm_std::{Addr, Decimal, DepsMut};
use tranche_perps_types::engine::{FeeConfig, MarketParams};

use crate::error::ContractError;

/// Most markets the engine holds (sweeps report open interest over all of them).
pub const MAX_MARKETS: u32 = 20;
/// Most feeders per market.
pub const MAX_FEEDERS: usize = 10;

fn out_of_range(name: &'static str, value: impl ToString, range: &'static str) -> ContractError {
    ContractError::ParamOutOfRange {
        name,
        value: value.to_string(),
        range,
    }
}

pub fn check(
    ok: bool,
    name: &'static str,
    value: impl ToString,
    range: &'static str,
) -> Result<(), ContractError> {
    if ok {
        Ok(())
    } else {
        Err(out_of_range(name, value, range))
    }
}

/// Checks every market parameter against its documented range.
pub fn validate_market_params(p: &MarketParams) -> Result<(), ContractError> {
    let mmr = p.maintenance_margin_ratio;
    check(
        mmr >= Decimal::permille(5) && mmr <= Decimal::percent(50),
        "maintenance_margin_ratio",
        mmr,
        "0.005 ..= 0.5",
    )?;
    let imr = p.initial_margin_ratio;
    check(
        imr > mmr && imr <= Decimal::one(),
        "initial_margin_ratio",
        imr,
        "above maintenance_margin_ratio, at most 1",
    )?;
    check(
        p.taker_fee <= Decimal::percent(5),
        "taker_fee",
        p.taker_fee,
        "0 ..= 0.05",
    )?;
    check(
        p.liquidation_fee <= Decimal::percent(10),
        "liquidation_fee",
        p.liquidation_fee,
        "0 ..= 0.1",
    )?;
    check(
        p.keeper_share <= Decimal::one(),
        "keeper_share",
        p.keeper_share,
        "0 ..= 1",
    )?;
    check(
        !p.min_notional.is_zero(),
        "min_notional",
        p.min_notional,
        "at least 1",
    )?;
    check(
        !p.max_long_oi.is_zero(),
        "max_long_oi",
        p.max_long_oi,
        "at least 1",
    )?;
    check(
        !p.max_short_oi.is_zero(),
        "max_short_oi",
        p.max_short_oi,
        "at least 1",
    )?;
    check(
        p.max_spread >= Decimal::permille(1) && p.max_spread <= Decimal::percent(50),
        "max_spread",
        p.max_spread,
        "0.001 ..= 0.5",
    )?;
    check(
        p.funding_factor <= Decimal::percent(1000),
        "funding_factor",
        p.funding_factor,
        "0 ..= 10",
    )?;
    check(
        p.max_funding_rate <= Decimal::percent(5),
        "max_funding_rate",
        p.max_funding_rate,
        "0 ..= 0.05",
    )?;
    check(
        (60..=86_400).contains(&p.funding_interval_seconds),
        "funding_interval_seconds",
        p.funding_interval_seconds,
        "60 ..= 86400",
    )?;
    check(
        (5..=86_400).contains(&p.oracle_max_age_seconds),
        "oracle_max_age_seconds",
        p.oracle_max_age_seconds,
        "5 ..= 86400",
    )
}

/// Checks the fee split.
pub fn validate_fees(fees: &FeeConfig) -> Result<(), ContractError> {
    check(
        fees.fund_share_max <= Decimal::one(),
        "fund_share_max",
        fees.fund_share_max,
        "0 ..= 1",
    )?;
    check(
        fees.fund_share_min <= fees.fund_share_max,
        "fund_share_min",
        fees.fund_share_min,
        "0 ..= fund_share_max",
    )
}

pub fn validate_feeders(deps: &DepsMut, feeders: &[String]) -> Result<Vec<Addr>, ContractError> {
    check(
        feeders.len() <= MAX_FEEDERS,
        "feeders",
        feeders.len(),
        "at most 10 addresses",
    )?;
    feeders
        .iter()
        .map(|f| Ok(deps.api.addr_validate(f)?))
        .collect()
}

pub fn valid_market_id(id: &str) -> bool {
    (3..=20).contains(&id.len()) && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}
