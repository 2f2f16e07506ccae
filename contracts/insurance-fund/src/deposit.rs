use cosmwasm_std::{to_json_binary, DepsMut, Env, MessageInfo, Response, Uint128, WasmMsg};
use cw20::Cw20ExecuteMsg;
use cw_utils::must_pay;
use tranche_perps_types::fund::{DepositCap, Tranche};

use crate::error::ContractError;
use crate::math::{check_subordination_after_exits, Price};
use crate::state::{load_books, save_books, CONFIG, FLOW_PARAMS};

/// Buys shares of `tranche` with the one collateral coin sent.
pub fn deposit(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    tranche: Tranche,
    min_shares: Option<Uint128>,
) -> Result<Response, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    let amount = must_pay(&info, &config.collateral_denom)?;
    let params = FLOW_PARAMS.load(deps.storage)?;
    if params.pause.deposits {
        return Err(ContractError::DepositsPaused);
    }
    let token = config.token(tranche)?;
    let now = env.block.time;
    let mut books = load_books(deps.storage, tranche, now)?;

    let shares = Price::of(&books)?.shares_floor(amount)?;
    if shares.is_zero() {
        return Err(ContractError::ZeroShares);
    }
    if let Some(min_shares) = min_shares {
        if shares < min_shares {
            return Err(ContractError::SlippageExceeded { shares, min_shares });
        }
    }
    // The cap bounds all the tranche holds, its locked premium included.
    let assets_after = books.collateral()?.checked_add(amount)?;
    if let DepositCap::Limit(cap) = params.deposit_cap(tranche) {
        if assets_after > cap {
            return Err(ContractError::DepositCapExceeded {
                tranche,
                assets_after,
                cap,
            });
        }
    }
    books.assets = books.assets.checked_add(amount)?;
    books.supply = books.supply.checked_add(shares)?;
    if tranche == Tranche::Senior {
        // Judged once every pending junior withdrawal is paid: a senior deposit may not turn
        // an accepted junior request into a refused claim. Junior's books are only read.
        let junior = load_books(deps.storage, Tranche::Junior, now)?;
        check_subordination_after_exits(&junior, &books, params.min_junior_ratio)?;
    }
    save_books(deps.storage, tranche, &books)?;

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
