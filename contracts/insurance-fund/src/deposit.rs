use cosmwasm_std::{to_json_binary, DepsMut, Env, MessageInfo, Response, Uint128, WasmMsg};
use cw20::Cw20ExecuteMsg;
use cw_utils::must_pay;
use tranche_perps_types::fund::{DepositCap, Tranche};

use crate::error::ContractError;
use crate::math::{check_subordination, Price};
use crate::state::{CONFIG, PARAMS, PAUSE, STATE};

/// Buys shares of `tranche` with the one collateral coin sent.
pub fn deposit(
    deps: DepsMut,
    _env: Env,
    info: MessageInfo,
    tranche: Tranche,
    min_shares: Option<Uint128>,
) -> Result<Response, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    let amount = must_pay(&info, &config.collateral_denom)?;
    if PAUSE.load(deps.storage)?.deposits {
        return Err(ContractError::DepositsPaused);
    }
    let token = config.token(tranche)?;
    let params = PARAMS.load(deps.storage)?;
    let mut state = STATE.load(deps.storage)?;

    let books = state.tranche_mut(tranche);
    let shares = Price::of(books)?.shares_floor(amount)?;
    if shares.is_zero() {
        return Err(ContractError::ZeroShares);
    }
    if let Some(min_shares) = min_shares {
        if shares < min_shares {
            return Err(ContractError::SlippageExceeded { shares, min_shares });
        }
    }
    let assets_after = books.assets.checked_add(amount)?;
    if let DepositCap::Limit(cap) = params.deposit_cap(tranche) {
        if assets_after > cap {
            return Err(ContractError::DepositCapExceeded {
                tranche,
                assets_after,
                cap,
            });
        }
    }
    books.assets = assets_after;
    books.supply = books.supply.checked_add(shares)?;
    if tranche == Tranche::Senior {
        check_subordination(
            state.junior.assets,
            state.senior.assets,
            params.min_junior_ratio,
        )?;
    }
    STATE.save(deps.storage, &state)?;

    let mint = WasmMsg::Execute {
        contract_addr: token.into_string(),
        msg: to_json_binary(&Cw20ExecuteMsg::Mint {
            recipient: info.sender.to_string(),
            amount: shares,
        })?,
        funds: vec![],
    };
    Ok(Response::new()
        .add_message(mint)
        .add_attribute("action", "deposit")
        .add_attribute("sender", info.sender)
        .add_attribute("tranche", tranche.as_str())
        .add_attribute("amount", amount)
        .add_attribute("shares", shares))
}
