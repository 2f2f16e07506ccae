//! Uncovered bad debt: the part of a shortfall neither the fund nor open margin absorbed.
//!
//! The engine's fee pools are its own money, so the deficit is first written off against them
//! ([`write_off`]: unsplit fees, then the fund's pending premium, then treasury fees), and every
//! later accrual to a pool repays what is left before the pool grows ([`accrue`]). Hence
//! `uncovered_bad_debt > 0` implies all three pools are zero. While a deficit remains, a payout
//! larger than the engine's balance is refused with a typed error ([`ensure_payable`]); the
//! balance is queried only in that state, so the normal path costs nothing extra. A
//! liquidation is never refused for it: what it cannot pay its keeper and trader is owed
//! ([`owe`]) and collected with `ClaimOwed` ([`crate::deficit::claim_owed`]) once the engine
//! can pay.

use cosmwasm_std::{Addr, Deps, Env, Storage, Uint128};

use crate::error::ContractError;
use crate::state::{EngineState, OWED};

/// A fee pool of the engine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pool {
    /// Trading fees not yet split.
    Unsplit,
    /// The fund's premium (its part of fees and liquidation fees).
    Premium,
    /// The treasury's fees.
    Treasury,
}

fn pool_mut(state: &mut EngineState, pool: Pool) -> &mut Uint128 {
    match pool {
        Pool::Unsplit => &mut state.unsplit_fees,
        Pool::Premium => &mut state.pending_premium,
        Pool::Treasury => &mut state.treasury_fees,
    }
}

/// Adds `amount` to `pool`, repaying uncovered bad debt first. Every addition to a fee pool goes
/// through here.
pub fn accrue(state: &mut EngineState, pool: Pool, amount: Uint128) -> Result<(), ContractError> {
    let repaid = amount.min(state.uncovered_bad_debt);
    state.uncovered_bad_debt -= repaid;
    let pool = pool_mut(state, pool);
    *pool = pool.checked_add(amount - repaid)?;
    Ok(())
}

/// What [`write_off`] took from each pool.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WriteOff {
    pub unsplit: Uint128,
    pub premium: Uint128,
    pub treasury: Uint128,
}

impl WriteOff {
    pub fn total(&self) -> Uint128 {
        self.unsplit + self.premium + self.treasury
    }
}

/// Writes uncovered bad debt off against the fee pools: unsplit fees (nobody's yet), then the
/// fund's pending premium (the fund is the designated payer of bad debt), then treasury fees.
/// Only what they cannot absorb stays uncovered.
pub fn write_off(state: &mut EngineState) -> WriteOff {
    write_off_in(state, [Pool::Unsplit, Pool::Premium, Pool::Treasury])
}

/// Writes uncovered bad debt off against the fee pools in the order an engine's own cost takes
/// them (a liquidation's fill below the index, a keeper's top-up): treasury fees, then unsplit
/// fees, then the fund's pending premium last, since the fund is not the payer of these.
pub fn write_off_engine_cost(state: &mut EngineState) -> WriteOff {
    write_off_in(state, [Pool::Treasury, Pool::Unsplit, Pool::Premium])
}

fn write_off_in(state: &mut EngineState, order: [Pool; 3]) -> WriteOff {
    let mut written = WriteOff::default();
    for pool in order {
        let debt = state.uncovered_bad_debt;
        let from = pool_mut(state, pool);
        let taken = debt.min(*from);
        *from -= taken;
        state.uncovered_bad_debt -= taken;
        *match pool {
            Pool::Unsplit => &mut written.unsplit,
            Pool::Premium => &mut written.premium,
            Pool::Treasury => &mut written.treasury,
        } = taken;
    }
    written
}

/// Whether the engine can make a `payout` now: always without a deficit (then every claim on
/// the engine is backed); during one, only if its collateral balance covers it (queried only
/// in that state, so the normal path costs nothing extra).
pub fn payable(
    deps: Deps,
    env: &Env,
    state: &EngineState,
    denom: &str,
    payout: Uint128,
) -> Result<Result<(), Uint128>, ContractError> {
    if state.uncovered_bad_debt.is_zero() || payout.is_zero() {
        return Ok(Ok(()));
    }
    let available = deps
        .querier
        .query_balance(&env.contract.address, denom)?
        .amount;
    Ok(if payout > available {
        Err(available)
    } else {
        Ok(())
    })
}

/// While uncovered bad debt remains, refuses a `payout` the engine's collateral balance cannot
/// make (`Insolvent`) instead of letting the bank transfer fail.
pub fn ensure_payable(
    deps: Deps,
    env: &Env,
    state: &EngineState,
    denom: &str,
    payout: Uint128,
) -> Result<(), ContractError> {
    payable(deps, env, state, denom, payout)?.map_err(|available| ContractError::Insolvent {
        owed: payout,
        available,
    })
}

/// Records `amount` as owed to `to` (a payout a liquidation could not make during a deficit).
pub fn owe(
    storage: &mut dyn Storage,
    state: &mut EngineState,
    to: &Addr,
    amount: Uint128,
) -> Result<(), ContractError> {
    if amount.is_zero() {
        return Ok(());
    }
    let owed = OWED.may_load(storage, to)?.unwrap_or_default();
    OWED.save(storage, to, &owed.checked_add(amount)?)?;
    state.owed_payouts = state.owed_payouts.checked_add(amount)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use cosmwasm_std::coins;
    use cosmwasm_std::testing::{mock_dependencies, mock_dependencies_with_balance, mock_env};

    use super::*;

    fn books(unsplit: u128, premium: u128, treasury: u128, uncovered: u128) -> EngineState {
        EngineState {
            unsplit_fees: Uint128::new(unsplit),
            pending_premium: Uint128::new(premium),
            treasury_fees: Uint128::new(treasury),
            uncovered_bad_debt: Uint128::new(uncovered),
            ..Default::default()
        }
    }

    #[test]
    fn write_off_takes_unsplit_then_premium_then_treasury() {
        // 100 + 50 of 175, then 25 of treasury's 40.
        let mut state = books(100, 50, 40, 175);
        let written = write_off(&mut state);
        assert_eq!(
            (written.unsplit, written.premium, written.treasury),
            (Uint128::new(100), Uint128::new(50), Uint128::new(25))
        );
        assert_eq!(state, books(0, 0, 15, 0));
        // More than all pools: 190 written off, 10 stays uncovered.
        let mut state = books(100, 50, 40, 200);
        assert_eq!(write_off(&mut state).total(), Uint128::new(190));
        assert_eq!(state, books(0, 0, 0, 10));
        // Less than unsplit: premium and treasury untouched.
        let mut state = books(100, 50, 40, 30);
        assert_eq!(write_off(&mut state).unsplit, Uint128::new(30));
        assert_eq!(state, books(70, 50, 40, 0));
        // Nothing uncovered: nothing written off.
        let mut state = books(100, 50, 40, 0);
        assert_eq!(write_off(&mut state), WriteOff::default());
        assert_eq!(state, books(100, 50, 40, 0));
    }

    #[test]
    fn accrual_repays_uncovered_bad_debt_before_the_pool_grows() {
        let mut state = books(0, 0, 0, 10);
        accrue(&mut state, Pool::Premium, Uint128::new(4)).unwrap();
        assert_eq!(state, books(0, 0, 0, 6));
        accrue(&mut state, Pool::Treasury, Uint128::new(9)).unwrap();
        assert_eq!(state, books(0, 0, 3, 0));
        accrue(&mut state, Pool::Unsplit, Uint128::new(5)).unwrap();
        assert_eq!(state, books(5, 0, 3, 0));
    }

    #[test]
    fn payouts_above_the_balance_fail_only_while_insolvent() {
        let env = mock_env();
        // Solvent: no check (an engine with no balance at all passes).
        let empty = mock_dependencies();
        let solvent = books(0, 0, 0, 0);
        ensure_payable(empty.as_ref(), &env, &solvent, "uusdc", Uint128::new(1_000)).unwrap();
        let deps = mock_dependencies_with_balance(&coins(100, "uusdc"));
        let insolvent = books(0, 0, 0, 1);
        ensure_payable(deps.as_ref(), &env, &insolvent, "uusdc", Uint128::new(100)).unwrap();
        assert_eq!(
            ensure_payable(deps.as_ref(), &env, &insolvent, "uusdc", Uint128::new(101)),
            Err(ContractError::Insolvent {
                owed: Uint128::new(101),
                available: Uint128::new(100),
            })
        );
    }
}
