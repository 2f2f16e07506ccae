//! Handlers of the deficit messages: `ClaimOwed` collects what a liquidation during a deficit
//! owed the sender, `RepayDeficit` pays uncovered bad debt down. The books they act on are in
//! [`crate::solvency`].

use cosmwasm_std::{coins, BankMsg, DepsMut, Env, MessageInfo, Response};
use cw_utils::{must_pay, nonpayable};

use crate::error::ContractError;
use crate::solvency::payable;
use crate::state::{CONFIG, OWED, PAUSE, STATE};

/// `ClaimOwed`: pays the sender what liquidations owe it. During a deficit it pays what the
/// engine's balance allows and leaves the rest owed (refused with `Insolvent` only when the
/// balance is empty), so no claimant waits for the last unit of a deficit. Refused while the
/// engine is halted, like every other payout.
pub fn claim_owed(deps: DepsMut, env: Env, info: MessageInfo) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    if PAUSE.load(deps.storage)?.halted {
        return Err(ContractError::Halted);
    }
    let config = CONFIG.load(deps.storage)?;
    let mut state = STATE.load(deps.storage)?;
    let owed = OWED
        .may_load(deps.storage, &info.sender)?
        .ok_or(ContractError::NothingOwed)?;
    let paid = match payable(deps.as_ref(), &env, &state, &config.collateral_denom, owed)? {
        Ok(()) => owed,
        Err(available) if available.is_zero() => {
            return Err(ContractError::Insolvent { owed, available });
        }
        Err(available) => available,
    };
    let left = owed - paid;
    if left.is_zero() {
        OWED.remove(deps.storage, &info.sender);
    } else {
        OWED.save(deps.storage, &info.sender, &left)?;
    }
    state.owed_payouts = state.owed_payouts.checked_sub(paid)?;
    STATE.save(deps.storage, &state)?;
    Ok(Response::new()
        .add_message(BankMsg::Send {
            to_address: info.sender.to_string(),
            amount: coins(paid.u128(), &config.collateral_denom),
        })
        .add_attribute("action", "claim_owed")
        .add_attribute("sender", info.sender)
        .add_attribute("amount", paid)
        .add_attribute("still_owed", left))
}

/// `RepayDeficit`: the collateral sent (one coin, the engine's) lowers `uncovered_bad_debt`;
/// what exceeds the deficit is sent back, so an amount chosen earlier (a DAO proposal that
/// waited out its timelock while fees repaid part of the deficit) still goes through. Refused
/// when there is no deficit.
pub fn repay_deficit(deps: DepsMut, info: MessageInfo) -> Result<Response, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    let amount = must_pay(&info, &config.collateral_denom)?;
    let mut state = STATE.load(deps.storage)?;
    if state.uncovered_bad_debt.is_zero() {
        return Err(ContractError::NoDeficit);
    }
    let repaid = amount.min(state.uncovered_bad_debt);
    state.uncovered_bad_debt -= repaid;
    STATE.save(deps.storage, &state)?;
    let refund = amount - repaid;
    let mut response = Response::new();
    if !refund.is_zero() {
        response = response.add_message(BankMsg::Send {
            to_address: info.sender.to_string(),
            amount: coins(refund.u128(), &config.collateral_denom),
        });
    }
    Ok(response
        .add_attribute("action", "repay_deficit")
        .add_attribute("sender", info.sender)
        .add_attribute("repaid", repaid)
        .add_attribute("refund", refund)
        .add_attribute("uncovered_bad_debt", state.uncovered_bad_debt))
}
