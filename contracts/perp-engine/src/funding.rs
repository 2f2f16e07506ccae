//! Zero-sum funding through cumulative per-side indices: each settlement moves the paying
//! side's index up by what one base unit pays and the receiving side's index down by what one
//! base unit receives; a position applies the difference since its entry when touched (O(1)).

use cosmwasm_std::{
    DepsMut, Env, Int128, Int256, MessageInfo, Response, SignedDecimal256, Timestamp,
};
use cw_utils::nonpayable;

use crate::error::ContractError;
use crate::oracle::fresh_index;
use crate::state::{Market, Position, MARKETS, PAUSE};
use crate::vamm::mark_price;

/// The funding index of the side of `size`.
pub fn side_index(market: &Market, size: Int128) -> SignedDecimal256 {
    if size.is_negative() {
        market.cum_funding_short
    } else {
        market.cum_funding_long
    }
}

/// Funding a position owes (positive) or is due (negative) since its entry. Owed amounts round
/// up and due amounts round toward zero, so no unit is credited that was not debited.
pub fn accrued_funding(market: &Market, position: &Position) -> Result<Int128, ContractError> {
    if position.size.is_zero() {
        return Ok(Int128::zero());
    }
    let delta = side_index(market, position.size).checked_sub(position.funding_entry)?;
    let size = SignedDecimal256::from_ratio(Int256::from(position.size.unsigned_abs().u128()), 1);
    let amount = delta.checked_mul(size)?;
    let amount = if amount.is_negative() {
        amount.to_int_trunc()
    } else {
        amount.to_int_ceil()
    };
    Ok(Int128::try_from(amount)?)
}

/// Settles the funding of a market: at most ONE interval, the most recent one that has ended,
/// at the current rate, and moves `last_funding_time` to that interval's end.
///
/// - Older unsettled intervals are forfeited, not charged: their premium is unknown (only the
///   current mark and index are), and charging them to whoever is open now would bill positions
///   for time before they existed. This keeps a settle O(1) and bounds what one settle can move
///   to one interval at the capped rate.
/// - An interval in which either side had no open interest at any moment (the market's
///   `one_sided_at` is after the interval's start) moves the clock without charging: there
///   was nobody to pay or nobody to receive for part of it.
/// - Refused while the engine is halted (traders can neither close nor add margin then); after
///   the halt ends, the first settle charges at most one interval.
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
    let mut market = crate::trade::load_market(deps.storage, &market_id)?;
    let now = env.block.time;
    let interval = market.params.funding_interval_seconds;
    let elapsed = now
        .seconds()
        .saturating_sub(market.last_funding_time.seconds())
        / interval;
    if elapsed == 0 {
        return Err(ContractError::FundingNotDue);
    }
    // End and start of the most recent interval that has ended.
    let interval_end = market.last_funding_time.seconds() + elapsed * interval;
    let interval_start = interval_end - interval;
    let index = fresh_index(&market_id, &market, now)?;
    let mark = mark_price(&market)?;
    let index_signed = SignedDecimal256::try_from(index)?;
    let premium = SignedDecimal256::try_from(mark)?
        .checked_sub(index_signed)?
        .checked_div(index_signed)
        .map_err(|_| ContractError::ZeroPrice)?;
    let factor =
        SignedDecimal256::try_from(cosmwasm_std::Decimal256::from(market.params.funding_factor))?;
    let cap = SignedDecimal256::try_from(cosmwasm_std::Decimal256::from(
        market.params.max_funding_rate,
    ))?;
    let rate = premium.checked_mul(factor)?.max(-cap).min(cap);

    let two_sided = !market.long_oi.is_zero()
        && !market.short_oi.is_zero()
        && market.one_sided_at.seconds() <= interval_start;
    let mut paid = Int256::zero();
    let mut charged = 0u64;
    if two_sided && !rate.is_zero() {
        charged = 1;
        // What one base unit of the paying side pays for the one interval.
        let magnitude = SignedDecimal256::try_from(rate.abs_diff(SignedDecimal256::zero()))?;
        let per_unit = magnitude.checked_mul(index_signed)?;
        let (payer_oi, receiver_oi) = if rate > SignedDecimal256::zero() {
            (market.long_oi, market.short_oi)
        } else {
            (market.short_oi, market.long_oi)
        };
        // Receivers share exactly what payers pay: per receiving unit = per_unit * payer / receiver,
        // rounded down by the division.
        let received_per_unit = per_unit
            .checked_mul(SignedDecimal256::from_ratio(
                Int256::from(payer_oi.u128()),
                1,
            ))?
            .checked_div(SignedDecimal256::from_ratio(
                Int256::from(receiver_oi.u128()),
                1,
            ))
            .map_err(|_| ContractError::ZeroPrice)?;
        if rate > SignedDecimal256::zero() {
            market.cum_funding_long = market.cum_funding_long.checked_add(per_unit)?;
            market.cum_funding_short = market.cum_funding_short.checked_sub(received_per_unit)?;
        } else {
            market.cum_funding_short = market.cum_funding_short.checked_add(per_unit)?;
            market.cum_funding_long = market.cum_funding_long.checked_sub(received_per_unit)?;
        }
        paid = per_unit
            .checked_mul(SignedDecimal256::from_ratio(
                Int256::from(payer_oi.u128()),
                1,
            ))?
            .to_int_floor();
    }
    market.last_funding_time = Timestamp::from_seconds(interval_end);
    MARKETS.save(deps.storage, &market_id, &market)?;
    Ok(Response::new()
        .add_attribute("action", "settle_funding")
        .add_attribute("sender", info.sender)
        .add_attribute("market", market_id)
        .add_attribute("intervals_elapsed", elapsed.to_string())
        .add_attribute("intervals_charged", charged.to_string())
        .add_attribute("rate", rate.to_string())
        .add_attribute("paid", paid.to_string()))
}
