//! Zero-sum funding accrued continuously in time through cumulative per-side indices: each
//! accrual moves the paying side's index up by what one base unit pays for the span and the
//! receiving side's index down by what one base unit receives; a position applies the
//! difference since its entry when touched (O(1)).
//!
//! One function, [`catch_up_funding`], accrues a market's funding over the span from its
//! `last_funding_time` to now. Everything that can change the premium of a span ends it first:
//! every fill (trade, close, liquidation: the mark and open interest) and `PushPrice` (the
//! index) catch funding up before they change anything, so over each span the mark, the index
//! and both sides' open interest are constant and the accrual is the exact time integral of
//! the (capped) premium over it. `SettleFunding`, `AddMargin`, `RemoveMargin`, `UpdateMarket`
//! (under the old parameters) and switching a halt on catch up too. A position therefore pays
//! or earns funding for exactly the seconds it was open, at the rate of those seconds, whoever
//! settles and whenever: no interval boundary exists at which open interest is sampled.
//!
//! Stale indices: a span is charged only for its seconds during which the index was fresh
//! (up to `index_publish_time + oracle_max_age_seconds`); the rest of it is not charged (and
//! not charged later either: the clock moves to now).

use cosmwasm_std::{Decimal256, Int128, Int256, SignedDecimal256, Storage, Timestamp};

use crate::error::ContractError;
use crate::state::{Market, Position, PAUSE};
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

/// Whether the market's funding clock is behind `now` (by at least one whole second).
pub fn funding_due(market: &Market, now: Timestamp) -> bool {
    now.seconds() > market.last_funding_time.seconds()
}

/// Seconds of the span `[start, now]` during which the market's index was fresh, i.e. before
/// `index_publish_time + oracle_max_age_seconds` (0 without an index). The index of a span was
/// in force over the whole span (a push catches funding up before it changes the index), so
/// only its age matters.
pub fn fresh_seconds(market: &Market, start: Timestamp, now: Timestamp) -> u64 {
    if market.index_price.is_none() {
        return 0;
    }
    let fresh_until = market
        .index_publish_time
        .saturating_add(market.params.oracle_max_age_seconds);
    now.seconds()
        .min(fresh_until)
        .saturating_sub(start.seconds())
}

/// What one accrual of a market's funding did.
pub struct Settlement {
    /// Seconds from the previous `last_funding_time` to now.
    pub elapsed: u64,
    /// Seconds charged: the part of `elapsed` with a fresh index, when both sides had open
    /// interest (0 otherwise).
    pub charged: u64,
    /// Funding rate per `funding_interval_seconds` over the span (zero when nothing was
    /// charged); positive: longs pay.
    pub rate: SignedDecimal256,
    /// What the paying side paid in total for the span, rounded down.
    pub paid: Int256,
}

impl Settlement {
    fn none(elapsed: u64) -> Self {
        Settlement {
            elapsed,
            charged: 0,
            rate: SignedDecimal256::zero(),
            paid: Int256::zero(),
        }
    }
}

/// Funding rate per interval: `clamp(funding_factor * (mark - index) / index,
/// ±max_funding_rate)`.
pub fn funding_rate(market: &Market, index: Decimal256) -> Result<SignedDecimal256, ContractError> {
    let mark = mark_price(market)?;
    let index_signed = SignedDecimal256::try_from(index)?;
    let premium = SignedDecimal256::try_from(mark)?
        .checked_sub(index_signed)?
        .checked_div(index_signed)
        .map_err(|_| ContractError::FundingPremiumOverflow { mark, index })?;
    let factor = SignedDecimal256::try_from(Decimal256::from(market.params.funding_factor))?;
    let cap = SignedDecimal256::try_from(Decimal256::from(market.params.max_funding_rate))?;
    Ok(premium.checked_mul(factor)?.max(-cap).min(cap))
}

/// Accrues a market's funding over the span `[last_funding_time, now]` and moves
/// `last_funding_time` to `now` (whole seconds, like every funding time). O(1). Nothing happens
/// (`elapsed` 0) when the clock is already at now's second.
///
/// The mark, the index and open interest are constant over the span (module docs). The span
/// is charged for its [`fresh_seconds`] `t`, and only when both sides have open interest
/// (otherwise nobody pays or nobody receives; that holds for this span only). With
/// `rate = funding_rate(mark, index)`, the paying side (longs when the rate is positive) pays
/// per base unit `|rate| * index * t / funding_interval_seconds` (each product and the division
/// rounded down), and the receiving side is credited per base unit exactly that times
/// `payer_oi / receiver_oi`, rounded down, so receivers are never credited more than payers
/// paid; the difference (below `receiver_oi` units of 1e-18) is dust that stays in the funding
/// pool.
pub fn catch_up_funding(market: &mut Market, now: Timestamp) -> Result<Settlement, ContractError> {
    let start = market.last_funding_time;
    if !funding_due(market, now) {
        return Ok(Settlement::none(0));
    }
    let now = Timestamp::from_seconds(now.seconds());
    let elapsed = now.seconds() - start.seconds();
    market.last_funding_time = now;
    let mut settlement = Settlement::none(elapsed);
    let charged = fresh_seconds(market, start, now);
    let (Some(index), false, false) = (
        market.index_price,
        market.long_oi.is_zero(),
        market.short_oi.is_zero(),
    ) else {
        return Ok(settlement);
    };
    if charged == 0 {
        return Ok(settlement);
    }
    settlement.charged = charged;
    let rate = funding_rate(market, index)?;
    settlement.rate = rate;
    if rate.is_zero() {
        return Ok(settlement);
    }
    // What one base unit of the paying side pays for the charged seconds: the product first,
    // one division by the interval last.
    let magnitude = SignedDecimal256::try_from(rate.abs_diff(SignedDecimal256::zero()))?;
    let index_signed = SignedDecimal256::try_from(index)?;
    let seconds = SignedDecimal256::from_ratio(Int256::from(charged), 1);
    let interval =
        SignedDecimal256::from_ratio(Int256::from(market.params.funding_interval_seconds), 1);
    let per_unit = magnitude
        .checked_mul(index_signed)?
        .checked_mul(seconds)?
        .checked_div(interval)?;
    if per_unit.is_zero() {
        return Ok(settlement);
    }
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

/// [`catch_up_funding`] unless the engine is halted: a halt is never charged (switching it on
/// caught every market up, ending it moves every clock to then without charging, see
/// [`skip_funding`]). For messages that still run during a halt (`PushPrice`).
pub fn catch_up_funding_unless_halted(
    storage: &dyn Storage,
    market: &mut Market,
    now: Timestamp,
) -> Result<(), ContractError> {
    if !PAUSE.load(storage)?.halted {
        catch_up_funding(market, now)?;
    }
    Ok(())
}

/// Moves a market's funding clock to `now` (whole seconds) without charging (ending a halt).
pub fn skip_funding(market: &mut Market, now: Timestamp) {
    if funding_due(market, now) {
        market.last_funding_time = Timestamp::from_seconds(now.seconds());
    }
}
