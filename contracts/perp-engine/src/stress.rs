//! Stress buckets: the bad debt an index move would leave, estimated in work bounded by the
//! number of price buckets, whatever the number of positions.
//!
//! A position's bankruptcy price is the index at which its equity is zero: `debt / size`, with
//! debt `open_notional - margin` for a long (none when its margin covers its open notional: it
//! cannot go bankrupt) and `open_notional + margin` for a short. Each market keeps, per side,
//! the sums of size and debt of the positions whose bankruptcy price falls in each bucket.
//! Buckets are log-spaced on the price in atomics: the position of its leading bit and the 7
//! bits below it, so 128 buckets per doubling, each at most 1/128 of its lower edge wide. Every
//! path that changes a position's size, open notional or margin moves its part (one bucket read
//! and written, two when it changes bucket).
//!
//! At a shocked index `p`, a long whose bankruptcy price `b` is above `p` leaves
//! `size * (b - p) = debt - size * p` of bad debt: summed exactly over the buckets above `p`'s.
//! In `p`'s own bucket the estimate is `max(0, debt - size * p)` of the bucket, below the exact
//! sum by at most the bucket's width times its size. Shorts mirror it.
//!
//! Not modelled: funding accrued since a position was last touched and losses socialized since
//! then (both change margin without touching the position), and the vAMM price impact of the
//! liquidations.

use cosmwasm_std::{
    Decimal256, DepsMut, Int128, MessageInfo, Order, Response, StdResult, Storage, Uint128, Uint256,
};
use cw_storage_plus::Bound;
use cw_utils::nonpayable;

use crate::error::ContractError;
use crate::margin::margin_of;
use crate::state::{
    EngineState, Position, StressBucket, StressStatus, POSITIONS, STATE, STRESS_LONG, STRESS_SHORT,
    STRESS_STATUS,
};

/// Positions one `RebuildStress` counts at most (and by default).
pub const REBUILD_PAGE: u32 = 100;

const UNIT: Uint256 = Uint256::from_u128(1_000_000_000_000_000_000);

/// A position's part in its market's buckets.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Counted {
    pub long: bool,
    pub bucket: u16,
    pub size: Uint128,
    pub debt: Uint128,
}

/// Bucket of a price given in atomics: the position of its leading bit times 128 plus the 7
/// bits below that bit (0 for zero). Ascending with the price.
pub fn bucket_of(atomics: Uint256) -> u16 {
    let bytes = atomics.to_be_bytes();
    let Some(i) = bytes.iter().position(|b| *b != 0) else {
        return 0;
    };
    let top = (31 - i as u32) * 8 + 7 - bytes[i].leading_zeros();
    let mantissa = if top >= 7 {
        atomics >> (top - 7)
    } else {
        atomics << (7 - top)
    };
    (top * 128) as u16 + (mantissa.to_be_bytes()[31] & 127) as u16
}

/// Width of a bucket in atomics.
pub fn bucket_width(bucket: u16) -> Uint256 {
    Uint256::one() << (bucket as u32 / 128).saturating_sub(7)
}

/// The part `position` holds in the buckets as last counted; none when it was not counted or
/// adds nothing.
pub fn counted(position: &Position) -> Result<Option<Counted>, ContractError> {
    part(position.size, position.stress_debt.unwrap_or_default())
}

fn part(size: Int128, debt: Uint128) -> Result<Option<Counted>, ContractError> {
    if size.is_zero() || debt.is_zero() {
        return Ok(None);
    }
    let abs = size.unsigned_abs();
    let price = Uint256::from(debt)
        .checked_mul(UNIT)?
        .checked_div(abs.into())?;
    Ok(Some(Counted {
        long: !size.is_negative(),
        bucket: bucket_of(price),
        size: abs,
        debt,
    }))
}

/// Counts `position` (its size, open notional and margin now) in market `id`'s buckets in
/// place of `old`, what [`counted`] gave before it changed, and records its debt in it. A
/// position of size zero (closed) leaves the buckets; an unchanged part writes nothing.
pub fn recount(
    storage: &mut dyn Storage,
    id: &str,
    old: Option<Counted>,
    position: &mut Position,
    state: &EngineState,
) -> Result<(), ContractError> {
    let margin = margin_of(state, position)?;
    let open = position.open_notional;
    let debt = if position.size.is_zero() {
        Uint128::zero()
    } else if position.size.is_negative() {
        open.checked_add(margin)?
    } else {
        open.saturating_sub(margin)
    };
    position.stress_debt = Some(debt);
    let new = part(position.size, debt)?;
    if old == new {
        return Ok(());
    }
    match (old, new) {
        (Some(o), Some(n)) if (o.long, o.bucket) == (n.long, n.bucket) => {
            apply(storage, id, n.long, n.bucket, Some(n), Some(o))
        }
        _ => {
            if let Some(o) = old {
                apply(storage, id, o.long, o.bucket, None, Some(o))?;
            }
            if let Some(n) = new {
                apply(storage, id, n.long, n.bucket, Some(n), None)?;
            }
            Ok(())
        }
    }
}

/// Adds `add` to and takes `sub` out of one bucket (one read, one write); an emptied bucket
/// is removed. The sums are exact, so the subtraction never goes below zero; it saturates so
/// that no trade, close or liquidation could ever fail on it.
fn apply(
    storage: &mut dyn Storage,
    id: &str,
    long: bool,
    bucket: u16,
    add: Option<Counted>,
    sub: Option<Counted>,
) -> Result<(), ContractError> {
    let map = if long { STRESS_LONG } else { STRESS_SHORT };
    let key = (id, bucket);
    let mut b = map.may_load(storage, key)?.unwrap_or_default();
    if let Some(sub) = sub {
        b.size = b.size.saturating_sub(sub.size);
        b.debt = b.debt.saturating_sub(sub.debt);
    }
    if let Some(add) = add {
        b.size = b.size.checked_add(add.size)?;
        b.debt = b.debt.checked_add(add.debt)?;
    }
    if b.size.is_zero() {
        map.remove(storage, key);
    } else {
        map.save(storage, key, &b)?;
    }
    Ok(())
}

/// Estimated bad debt of market `id` at index `price`, and the most the estimate may be below
/// the exact sum (both rounded up).
pub fn bad_debt_at(
    storage: &dyn Storage,
    id: &str,
    price: Decimal256,
) -> Result<(Uint128, Uint128), ContractError> {
    let p = price.atomics();
    let edge = bucket_of(p);
    let longs = STRESS_LONG
        .prefix(id)
        .range(
            storage,
            Some(Bound::inclusive(edge)),
            None,
            Order::Ascending,
        )
        .map(|item| (true, item));
    let shorts = STRESS_SHORT
        .prefix(id)
        .range(
            storage,
            None,
            Some(Bound::inclusive(edge)),
            Order::Ascending,
        )
        .map(|item| (false, item));
    let (mut loss, mut error) = (Uint256::zero(), Uint256::zero());
    for (long, item) in longs.chain(shorts) {
        let (bucket, b): (u16, StressBucket) = item?;
        let debt = Uint256::from(b.debt).checked_mul(UNIT)?;
        let value = Uint256::from(b.size).checked_mul(p)?;
        loss = loss.checked_add(if long {
            debt.saturating_sub(value)
        } else {
            value.saturating_sub(debt)
        })?;
        if bucket == edge {
            let width = bucket_width(edge).checked_mul(b.size.into())?;
            error = error.checked_add(width)?;
        }
    }
    let ceil = |x: Uint256| -> Result<Uint128, ContractError> {
        Ok(Uint128::try_from(
            x.checked_add(UNIT - Uint256::one())? / UNIT,
        )?)
    };
    Ok((ceil(loss)?, ceil(error)?))
}

/// `RebuildStress`: anyone counts up to `limit` more positions of an engine migrated from a
/// version without stress buckets, in key order; the last page makes the buckets ready.
pub fn rebuild(
    deps: DepsMut,
    info: MessageInfo,
    limit: Option<u32>,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let after = match STRESS_STATUS.may_load(deps.storage)? {
        Some(StressStatus::Ready) => return Err(ContractError::StressReady),
        Some(StressStatus::Rebuilding { after }) => after,
        None => None,
    };
    let limit = limit.unwrap_or(REBUILD_PAGE);
    if limit == 0 || limit > REBUILD_PAGE {
        return Err(ContractError::InvalidLimit { max: REBUILD_PAGE });
    }
    let state = STATE.load(deps.storage)?;
    let start = after
        .as_ref()
        .map(|(trader, market)| Bound::exclusive((trader, market.as_str())));
    let page = POSITIONS
        .range(deps.storage, start, None, Order::Ascending)
        .take(limit as usize)
        .collect::<StdResult<Vec<_>>>()?;
    let mut added = 0u32;
    for ((trader, market), mut position) in page.iter().cloned() {
        if position.stress_debt.is_none() {
            recount(deps.storage, &market, None, &mut position, &state)?;
            POSITIONS.save(deps.storage, (&trader, &market), &position)?;
            added += 1;
        }
    }
    let status = match page.last() {
        Some((key, _)) if page.len() == limit as usize => StressStatus::Rebuilding {
            after: Some(key.clone()),
        },
        _ => StressStatus::Ready,
    };
    let ready = status == StressStatus::Ready;
    STRESS_STATUS.save(deps.storage, &status)?;
    Ok(Response::new()
        .add_attribute("action", "rebuild_stress")
        .add_attribute("counted", added.to_string())
        .add_attribute("ready", ready.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Buckets ascend with the price, and a bucket's width is at most 1/128 of its lower edge.
    #[test]
    fn buckets_ascend_and_are_at_most_one_128th_wide() {
        let mut previous = 0u16;
        let mut price = Uint256::one();
        while price < Uint256::from(10u128).pow(40) {
            let bucket = bucket_of(price);
            assert!(bucket >= previous, "{price}");
            let width = bucket_width(bucket);
            if price >= Uint256::from(128u128) {
                assert!(width * Uint256::from(128u128) <= price, "{price}");
            }
            // The price's bucket ends within one width of it.
            assert!(bucket_of(price + width) > bucket, "{price}");
            previous = bucket;
            price = price * Uint256::from(1003u128) / Uint256::from(1000u128) + Uint256::one();
        }
        assert_eq!(bucket_of(Uint256::zero()), 0);
        assert_eq!(bucket_of(Uint256::MAX), u16::MAX >> 1);
    }
}
