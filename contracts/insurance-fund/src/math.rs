//! Pure share and premium arithmetic. Every conversion rounds in the fund's favour: shares
//! minted and collateral paid round down, targets round up.

use cosmwasm_std::{Decimal, Decimal256, Uint128, Uint256, Uint512};
use tranche_perps_types::fund::{VIRTUAL_ASSETS, VIRTUAL_SHARES};

use crate::error::ContractError;
use crate::state::TrancheState;

/// A share price as the exact fraction `num / den` base units per share unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Price {
    pub num: Uint128,
    pub den: Uint128,
}

impl Price {
    /// `(assets + 1) / (supply + V)`.
    pub fn of(tranche: &TrancheState) -> Result<Self, ContractError> {
        Ok(Price {
            num: tranche.assets.checked_add(Uint128::new(VIRTUAL_ASSETS))?,
            den: tranche.supply.checked_add(Uint128::new(VIRTUAL_SHARES))?,
        })
    }

    /// `(assets + locked + 1) / (supply + V)`: the price once the premium booked so far has
    /// unlocked, which the yield figures use.
    pub fn booked(tranche: &TrancheState) -> Result<Self, ContractError> {
        Price::of(&TrancheState {
            assets: tranche.collateral()?,
            ..*tranche
        })
    }

    /// The lower of two prices, compared exactly by cross-multiplication.
    pub fn min(self, other: Price) -> Price {
        if self.num.full_mul(other.den) <= other.num.full_mul(self.den) {
            self
        } else {
            other
        }
    }

    /// Value of `shares` at this price, rounded down.
    pub fn value_floor(&self, shares: Uint128) -> Result<Uint128, ContractError> {
        Ok(shares.checked_multiply_ratio(self.num, self.den)?)
    }

    /// Shares bought by `amount` at this price, rounded down.
    pub fn shares_floor(&self, amount: Uint128) -> Result<Uint128, ContractError> {
        Ok(amount.checked_multiply_ratio(self.den, self.num)?)
    }

    /// Decimal form for display, rounded down.
    pub fn to_decimal(self) -> Decimal256 {
        Decimal256::from_ratio(self.num, self.den)
    }
}

/// Splits premium `p` by risk weight: junior gets `floor(p * wj*Aj / (wj*Aj + ws*As))` and
/// senior the rest, so the parts always sum to `p`. Both tranches must not be empty.
pub fn split_premium(
    p: Uint128,
    junior_weight: u32,
    junior_assets: Uint128,
    senior_weight: u32,
    senior_assets: Uint128,
) -> Result<(Uint128, Uint128), ContractError> {
    let wj = Uint256::from(junior_assets).checked_mul(Uint256::from(junior_weight))?;
    let ws = Uint256::from(senior_assets).checked_mul(Uint256::from(senior_weight))?;
    let total = wj.checked_add(ws)?;
    // p * wj*Aj may need more than 256 bits: multiply_ratio widens to 512.
    let junior = Uint256::from(p).checked_multiply_ratio(wj, total)?;
    let junior = Uint128::try_from(junior)?;
    Ok((junior, p.checked_sub(junior)?))
}

/// Junior assets over tranche assets, rounded down; none when both are empty.
pub fn junior_ratio(junior_assets: Uint128, senior_assets: Uint128) -> Option<Decimal> {
    let total = junior_assets.checked_add(senior_assets).ok()?;
    (!total.is_zero()).then(|| Decimal::from_ratio(junior_assets, total))
}

/// Fails with `SubordinationBreach` when `Aj / (Aj + As) < min`, compared exactly.
/// Two empty tranches breach nothing.
pub fn check_subordination(
    junior_assets: Uint128,
    senior_assets: Uint128,
    min: Decimal,
) -> Result<(), ContractError> {
    let total = junior_assets.checked_add(senior_assets)?;
    if total.is_zero() {
        return Ok(());
    }
    let lhs = junior_assets.full_mul(Decimal::one().atomics());
    let rhs = min.atomics().full_mul(total);
    if lhs < rhs {
        return Err(ContractError::SubordinationBreach {
            junior_ratio: Decimal::from_ratio(junior_assets, total),
            min,
        });
    }
    Ok(())
}

/// Least collateral (assets plus locked premium) `tranche` keeps once every pending
/// withdrawal request of it is claimed, whatever the order of the claims and whatever unlocks,
/// deposits, premiums and cancels happen in between (only a loss lowers it).
///
/// A claim takes its shares' value at the price then out of the tranche's assets (payout plus
/// forfeit, rounded down) and their pro-rata part of the locked premium (rounded down), so it
/// never lowers the remaining shares' value per share. With `A` assets, `L` locked, `S` supply
/// and `P` pending shares, the `S - P` shares not pending therefore keep at least
/// `Q - 1` with `Q = (A + 1) * (S - P + V) / (S + V) + L * (S - P) / S`. An unlock moving `x`
/// from `L` to `A` raises `Q` (by `x * ((S - P + V) / (S + V) - (S - P) / S)`), as do claims,
/// deposits, premiums and cancels, so `Q` is rounded up once, as a whole: rounding the assets'
/// and the locked premium's parts up each on its own could overstate what an unlock leaves by
/// a unit. When every share is pending, the last claim moves what is left to the reserve, so
/// the tranche keeps nothing.
pub fn collateral_after_exits(tranche: &TrancheState) -> Result<Uint128, ContractError> {
    let (assets, supply, pending) = (tranche.assets, tranche.supply, tranche.pending_shares);
    if pending.is_zero() {
        return tranche.collateral();
    }
    if pending >= supply {
        return Ok(Uint128::zero());
    }
    let staying = supply.checked_sub(pending)?;
    let supply_v = Uint512::from(supply.checked_add(Uint128::new(VIRTUAL_SHARES))?);
    let supply = Uint512::from(supply);
    // Q = num / den with num = (A + 1) * (S - P + V) * S + L * (S - P) * (S + V) and
    // den = (S + V) * S: at most 2^385, so 512 bits hold it.
    let num = Uint512::from(assets.checked_add(Uint128::new(VIRTUAL_ASSETS))?)
        .checked_mul(Uint512::from(
            staying.checked_add(Uint128::new(VIRTUAL_SHARES))?,
        ))?
        .checked_mul(supply)?
        .checked_add(
            Uint512::from(tranche.locked)
                .checked_mul(Uint512::from(staying))?
                .checked_mul(supply_v)?,
        )?;
    let den = supply_v.checked_mul(supply)?;
    let q_ceil = num
        .checked_add(den.checked_sub(Uint512::one())?)?
        .checked_div(den)?;
    // Q <= A + 1 + L, so Q - 1 fits in 128 bits.
    Ok(Uint128::try_from(q_ceil.saturating_sub(Uint512::one()))?)
}

/// Subordination once every pending junior withdrawal is paid: fails with
/// `SubordinationBreach` when junior's [`collateral_after_exits`] is below `min` of it plus
/// senior's collateral. Senior deposits, junior requests and reserve moved into senior are
/// checked this way, so none of them can turn an accepted junior request into a refused claim.
pub fn check_subordination_after_exits(
    junior: &TrancheState,
    senior: &TrancheState,
    min: Decimal,
) -> Result<(), ContractError> {
    check_subordination(collateral_after_exits(junior)?, senior.collateral()?, min)
}

/// `amount * bps / 10000`, rounded down.
pub fn bps_floor(amount: Uint128, bps: u32) -> Result<Uint128, ContractError> {
    Ok(amount.checked_mul_floor((u128::from(bps), 10_000u128))?)
}

/// `amount * bps / 10000`, rounded up, in 256 bits (bps may exceed 10000).
pub fn bps_ceil(amount: Uint128, bps: u32) -> Result<Uint256, ContractError> {
    Ok(Uint256::from(amount).checked_mul_ceil((Uint256::from(bps), Uint256::from(10_000u32)))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tranche(assets: u128, supply: u128) -> TrancheState {
        TrancheState {
            assets: Uint128::new(assets),
            supply: Uint128::new(supply),
            pending_shares: Uint128::zero(),
            ..TrancheState::default()
        }
    }

    #[test]
    fn first_deposit_mints_v_shares_per_unit() {
        let price = Price::of(&tranche(0, 0)).unwrap();
        assert_eq!(
            price.shares_floor(Uint128::new(5)).unwrap(),
            Uint128::new(5_000)
        );
    }

    #[test]
    fn deposit_rounds_down() {
        // (supply + V) / (assets + 1) = 2000 / 1001: 1 unit buys 1.998 -> 1 share
        let price = Price::of(&tranche(1_000, 1_000)).unwrap();
        assert_eq!(
            price.shares_floor(Uint128::new(1)).unwrap(),
            Uint128::new(1)
        );
        assert_eq!(price.value_floor(Uint128::new(1)).unwrap(), Uint128::zero());
    }

    #[test]
    fn min_price_is_exact() {
        let a = Price {
            num: Uint128::new(2),
            den: Uint128::new(3),
        };
        let b = Price {
            num: Uint128::new(3),
            den: Uint128::new(5),
        };
        assert_eq!(a.min(b), b);
        assert_eq!(b.min(a), b);
    }

    #[test]
    fn premium_split_sums_to_premium() {
        // wj*Aj = 3*100 = 300, ws*As = 1*200 = 200: junior gets floor(7 * 300 / 500) = 4
        let (j, s) =
            split_premium(Uint128::new(7), 3, Uint128::new(100), 1, Uint128::new(200)).unwrap();
        assert_eq!((j.u128(), s.u128()), (4, 3));
        let (j, s) = split_premium(Uint128::MAX, 100, Uint128::MAX, 1, Uint128::MAX).unwrap();
        assert_eq!(j + s, Uint128::MAX);
    }

    #[test]
    fn subordination_boundary_is_inclusive() {
        let min = Decimal::percent(20);
        check_subordination(Uint128::new(20), Uint128::new(80), min).unwrap();
        let err = check_subordination(Uint128::new(19), Uint128::new(81), min).unwrap_err();
        assert_eq!(
            err,
            ContractError::SubordinationBreach {
                junior_ratio: Decimal::percent(19),
                min
            }
        );
        check_subordination(Uint128::zero(), Uint128::zero(), min).unwrap();
    }

    #[test]
    fn bps_rounding() {
        assert_eq!(
            bps_floor(Uint128::new(999), 5_000).unwrap(),
            Uint128::new(499)
        );
        assert_eq!(
            bps_ceil(Uint128::new(999), 5_000).unwrap(),
            Uint256::from(500u32)
        );
        assert!(bps_ceil(Uint128::MAX, 100_000).is_ok());
    }
}
