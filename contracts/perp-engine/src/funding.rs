//! Zero-sum funding through cumulative per-side indices: each settlement moves the paying
//! side's index up by what one base unit pays and the receiving side's index down by what one
//! base unit receives; a position applies the difference since its entry when touched (O(1)).
//!
//! One function, [`catch_up_funding`], charges a market's funding clock up to now;
//! `SettleFunding`, every fill (trade, close, liquidation), `AddMargin`, `RemoveMargin`,
//! `UpdateMarket` and switching a halt on use it. A fill catches the clock up before it applies
//! the position's funding and before open interest changes, so an ended interval is always
//! charged to the open interest of that interval, and the market's `one_sided_at` only ever
//! describes the running interval.
//!
//! Stale indices: an ended interval is priced with the market's last index if that index was
//! published no earlier than `oracle_max_age_seconds` before the interval's end (fresh then, or
//! pushed since; see [`index_fresh_at`]), whether or not it is still fresh now; otherwise the
//! interval is forfeited. So a brief oracle gap after an interval ended cannot be used to
//! cancel it with a tiny reduce or a settle.
use cosmwasm_std::{Decimal256, Int128, Int256, SignedDecimal256, Timestamp};

use crate::error::ContractError;
use crate::state::{Market, Position};
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

/// Whole funding intervals that have ended since the market's `last_funding_time`.
pub fn intervals_ended(market: &Market, now: Timestamp) -> u64 {
    now.seconds()
        .saturating_sub(market.last_funding_time.seconds())
        / market.params.funding_interval_seconds
}

/// End of the most recent interval that has ended at `now`, in whole seconds
/// (`last_funding_time` if none has).
pub fn latest_interval_end(market: &Market, now: Timestamp) -> Timestamp {
    Timestamp::from_seconds(
        market.last_funding_time.seconds()
            + intervals_ended(market, now) * market.params.funding_interval_seconds,
    )
}

/// The market's last index price if it may price an interval that ended at `interval_end`: it
/// was published no earlier than `oracle_max_age_seconds` before that end (so it was fresh at
/// the end, or was pushed after it) and not after `now`. It need not be fresh at `now`. An
/// interval whose end saw no fresh index is thus priced by the first price pushed after it if
/// that push comes before any fill or settle touches the market; otherwise it is forfeited.
pub fn index_fresh_at(
    market: &Market,
    interval_end: Timestamp,
    now: Timestamp,
) -> Option<Decimal256> {
    let price = market.index_price?;
    let published = market.index_publish_time;
    let fresh_until = published.saturating_add(market.params.oracle_max_age_seconds);
    (published <= now.seconds() && fresh_until >= interval_end.seconds()).then_some(price)
}

/// What one settlement of a market's funding clock did.
pub struct Settlement {
    /// Intervals that had ended since `last_funding_time`.
    pub elapsed: u64,
    /// Whether an index price priced the most recent ended interval (false: it was forfeited,
    /// or none had ended).
    pub priced: bool,
    /// Intervals charged: 0 or 1.
    pub charged: u64,
    /// Funding rate of the charged interval (zero when none was priced).
    pub rate: SignedDecimal256,
    /// What the paying side paid in total, rounded down.
    pub paid: Int256,
}

/// Settles a market's ended funding intervals at time `now`; `index` is the index price that
/// prices the most recent ended interval, if any ([`catch_up_funding`] picks it by the
/// stale-index rule; ending a halt passes none). Nothing happens (`elapsed` 0) when no interval
/// has ended.
///
/// - With an index: charges at most ONE interval, the most recent one that has ended, at the
///   rate `clamp(funding_factor * (mark - index) / index, ±max_funding_rate)` with the current
///   mark. Older unsettled intervals are forfeited: their premium is unknown (only the current
///   mark and the last index are). This keeps a settle O(1) and bounds what one settle can
///   move to one interval at the capped rate.
/// - Without an index: every ended interval is forfeited, nothing is charged.
/// - An interval in which either side had no open interest at any moment (the market's
///   `one_sided_at` is after the interval's start) is not charged: there was nobody to pay or
///   nobody to receive for part of it.
///
/// Either way `last_funding_time` moves to the latest boundary at or before `now`.
pub fn settle_ended_intervals(
    market: &mut Market,
    index: Option<Decimal256>,
    now: Timestamp,
) -> Result<Settlement, ContractError> {
    let elapsed = intervals_ended(market, now);
    let mut settlement = Settlement {
        elapsed,
        priced: false,
        charged: 0,
        rate: SignedDecimal256::zero(),
        paid: Int256::zero(),
    };
    if elapsed == 0 {
        return Ok(settlement);
    }
    // End and start of the most recent interval that has ended.
    let interval_end = latest_interval_end(market, now);
    let interval_start = interval_end.minus_seconds(market.params.funding_interval_seconds);
    market.last_funding_time = interval_end;
    let Some(index) = index else {
        return Ok(settlement);
    };
    settlement.priced = true;
    let mark = mark_price(market)?;
    let index_signed = SignedDecimal256::try_from(index)?;
    let premium = SignedDecimal256::try_from(mark)?
        .checked_sub(index_signed)?
        .checked_div(index_signed)
        .map_err(|_| ContractError::FundingPremiumOverflow { mark, index })?;
    let factor = SignedDecimal256::try_from(Decimal256::from(market.params.funding_factor))?;
    let cap = SignedDecimal256::try_from(Decimal256::from(market.params.max_funding_rate))?;
    let rate = premium.checked_mul(factor)?.max(-cap).min(cap);
    settlement.rate = rate;

    let two_sided = !market.long_oi.is_zero()
        && !market.short_oi.is_zero()
        && market.one_sided_at.seconds() <= interval_start.seconds();
    if !two_sided || rate.is_zero() {
        return Ok(settlement);
    }
    settlement.charged = 1;
    // What one base unit of the paying side pays for the one interval.
    let magnitude = SignedDecimal256::try_from(rate.abs_diff(SignedDecimal256::zero()))?;
    let per_unit = magnitude.checked_mul(index_signed)?;
    let longs_pay = rate > SignedDecimal256::zero();
    let (payer_open, receiver_open) = if longs_pay {
        (market.long_oi, market.short_oi)
    } else {
        (market.short_oi, market.long_oi)
    };
    let payer_oi = SignedDecimal256::from_ratio(Int256::from(payer_open.u128()), 1);
    let receiver_oi = SignedDecimal256::from_ratio(Int256::from(receiver_open.u128()), 1);
    // Receivers share exactly what payers pay: per receiving unit = per_unit * payer / receiver,
    // rounded down by the division.
    let received_per_unit = per_unit
        .checked_mul(payer_oi)?
        .checked_div(receiver_oi)
        .map_err(|_| ContractError::FundingReceiptOverflow {
            per_unit,
            payer_oi: payer_open,
            receiver_oi: receiver_open,
        })?;
    let (payer_index, receiver_index) = if longs_pay {
        (&mut market.cum_funding_long, &mut market.cum_funding_short)
    } else {
        (&mut market.cum_funding_short, &mut market.cum_funding_long)
    };
    *payer_index = payer_index.checked_add(per_unit)?;
    *receiver_index = receiver_index.checked_sub(received_per_unit)?;
    settlement.paid = per_unit.checked_mul(payer_oi)?.to_int_floor();
    Ok(settlement)
}

/// Catches a market's funding up to `now`: [`settle_ended_intervals`] with the last index if
/// it was fresh at the end of the most recent ended interval ([`index_fresh_at`]), else with
/// none (the ended intervals are forfeited). O(1). Every path that settles funding uses it:
/// `SettleFunding`, each fill (before the position's funding is applied and before open
/// interest changes), `AddMargin`, `RemoveMargin` (before its margin check), `UpdateMarket`
/// (before the new parameters apply) and switching a halt on.
pub fn catch_up_funding(market: &mut Market, now: Timestamp) -> Result<Settlement, ContractError> {
    let index = if intervals_ended(market, now) == 0 {
        None
    } else {
        index_fresh_at(market, latest_interval_end(market, now), now)
    };
    settle_ended_intervals(market, index, now)
}
