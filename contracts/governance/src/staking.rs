use cosmwasm_std::{
    from_json, to_json_binary, Addr, DepsMut, Env, MessageInfo, Response, Uint128, WasmMsg,
};
use cw20::Cw20ExecuteMsg;
use cw_utils::{nonpayable, Expiration};
use tranche_perps_types::fund::Cw20Receive;
use tranche_perps_types::governance::ReceiveMsg;

use crate::error::ContractError;
use crate::proposal::propose;
use crate::state::{ProposalText, CLAIMS, CONFIG, STAKES, STAKING_TOKEN, TOTAL_STAKED};

/// Most unbonding claims an address may have pending (claiming walks them).
pub const MAX_CLAIMS: usize = 20;

/// cw20 hook: only the staking token is accepted.
pub fn receive(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    wrapper: Cw20Receive,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let staking_token = STAKING_TOKEN.load(deps.storage)?;
    if info.sender != staking_token {
        return Err(ContractError::UnknownToken {
            token: info.sender.to_string(),
        });
    }
    let sender = deps.api.addr_validate(&wrapper.sender)?;
    match from_json(&wrapper.msg)? {
        ReceiveMsg::Stake {} => stake(deps, env, sender, wrapper.amount),
        ReceiveMsg::Propose {
            title,
            description,
            actions,
        } => propose(
            deps,
            env,
            staking_token,
            sender,
            ProposalText {
                title,
                description,
                actions,
            },
            wrapper.amount,
        ),
    }
}

fn stake(
    deps: DepsMut,
    env: Env,
    staker: Addr,
    amount: Uint128,
) -> Result<Response, ContractError> {
    if amount.is_zero() {
        return Err(ContractError::ZeroAmount);
    }
    let height = env.block.height;
    let staked = STAKES
        .may_load(deps.storage, &staker)?
        .unwrap_or_default()
        .checked_add(amount)?;
    STAKES.save(deps.storage, &staker, &staked, height)?;
    let total = TOTAL_STAKED
        .may_load(deps.storage)?
        .unwrap_or_default()
        .checked_add(amount)?;
    TOTAL_STAKED.save(deps.storage, &total, height)?;
    Ok(Response::new()
        .add_attribute("action", "stake")
        .add_attribute("sender", staker)
        .add_attribute("amount", amount)
        .add_attribute("staked", staked))
}

/// Starts unbonding: power drops now, tokens can be claimed after the unbonding period.
pub fn unstake(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    amount: Uint128,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    if amount.is_zero() {
        return Err(ContractError::ZeroAmount);
    }
    let config = CONFIG.load(deps.storage)?;
    let staked = STAKES
        .may_load(deps.storage, &info.sender)?
        .unwrap_or_default();
    if staked < amount {
        return Err(ContractError::InsufficientStake { staked, amount });
    }
    let pending = CLAIMS
        .query_claims(deps.as_ref(), &info.sender)?
        .claims
        .len();
    if pending >= MAX_CLAIMS {
        return Err(ContractError::TooManyClaims { max: MAX_CLAIMS });
    }
    let height = env.block.height;
    STAKES.save(deps.storage, &info.sender, &(staked - amount), height)?;
    let total = TOTAL_STAKED.load(deps.storage)?.checked_sub(amount)?;
    TOTAL_STAKED.save(deps.storage, &total, height)?;
    let release = Expiration::AtTime(env.block.time.plus_seconds(config.config.unbonding_seconds));
    CLAIMS.create_claim(deps.storage, &info.sender, amount, release)?;
    Ok(Response::new()
        .add_attribute("action", "unstake")
        .add_attribute("sender", info.sender)
        .add_attribute("amount", amount)
        .add_attribute("release", release.to_string()))
}

/// Pays out every unbonded claim of the sender.
pub fn claim(deps: DepsMut, env: Env, info: MessageInfo) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let staking_token = STAKING_TOKEN.load(deps.storage)?;
    let amount = CLAIMS.claim_tokens(deps.storage, &info.sender, &env.block, None)?;
    if amount.is_zero() {
        return Err(ContractError::NothingToClaim);
    }
    Ok(Response::new()
        .add_message(WasmMsg::Execute {
            contract_addr: staking_token.to_string(),
            msg: to_json_binary(&Cw20ExecuteMsg::Transfer {
                recipient: info.sender.to_string(),
                amount,
            })?,
            funds: vec![],
        })
        .add_attribute("action", "claim")
        .add_attribute("sender", info.sender)
        .add_attribute("amount", amount))
}
