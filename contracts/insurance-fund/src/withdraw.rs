use cosmwasm_std::{
    from_json, to_json_binary, Addr, BankMsg, CosmosMsg, DepsMut, Env, MessageInfo, Response,
    Uint128, WasmMsg,
};
use cw20::Cw20ExecuteMsg;
use cw_utils::nonpayable;
use tranche_perps_types::fund::{Cw20Receive, ReceiveMsg, Tranche};

use crate::error::ContractError;
use crate::math::{check_subordination, check_subordination_after_exits, Price};
use crate::premium::{checkpoint_hour, save_checkpoint};
use crate::state::{
    load_books, requests, save_books, tranche_key, Config, TrancheState, WithdrawalRequest, BOOKS,
    CONFIG, FLOW_PARAMS, NEXT_REQUEST_ID, RESERVE, RESTARTS,
};

/// cw20 hook: only the fund's own share tokens are accepted.
pub fn receive(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    wrapper: Cw20Receive,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let config = CONFIG.load(deps.storage)?;
    let tranche =
        config
            .tranche_of_token(&info.sender)
            .ok_or_else(|| ContractError::UnknownToken {
                token: info.sender.to_string(),
            })?;
    let owner = deps.api.addr_validate(&wrapper.sender)?;
    match from_json(&wrapper.msg)? {
        ReceiveMsg::RequestWithdrawal {} => {
            request_withdrawal(deps, env, owner, tranche, wrapper.amount)
        }
    }
}

/// Holds `shares` for a withdrawal, fixing the price, cooldown end and claim window now.
fn request_withdrawal(
    deps: DepsMut,
    env: Env,
    owner: Addr,
    tranche: Tranche,
    shares: Uint128,
) -> Result<Response, ContractError> {
    if shares.is_zero() {
        return Err(ContractError::ZeroAmount);
    }
    let params = FLOW_PARAMS.load(deps.storage)?;
    if params.pause.withdrawals {
        return Err(ContractError::WithdrawalsPaused);
    }
    let now = env.block.time;
    let mut books = load_books(deps.storage, tranche, now)?;
    let price = Price::of(&books)?;
    books.pending_shares = books.pending_shares.checked_add(shares)?;
    if tranche == Tranche::Junior {
        // Refuse early what the claims would refuse: junior once this and every other pending
        // junior request is paid. Senior's books are only read.
        let senior = load_books(deps.storage, Tranche::Senior, now)?;
        check_subordination_after_exits(&books, &senior, params.min_junior_ratio)?;
    }
    save_books(deps.storage, tranche, &books)?;

    let id = NEXT_REQUEST_ID.may_load(deps.storage)?.unwrap_or(1);
    NEXT_REQUEST_ID.save(deps.storage, &(id + 1))?;
    let cooldown_end = env.block.time.plus_seconds(params.cooldown_seconds);
    let request = WithdrawalRequest {
        owner,
        tranche,
        shares,
        price_num: price.num,
        price_den: price.den,
        requested_at: env.block.time,
        cooldown_end,
        claim_deadline: cooldown_end.plus_seconds(params.claim_window_seconds),
    };
    // Ids are handed out once, in order, so nothing is stored under `id`: `replace` without an
    // old record skips the read `save` would make to update the owner index.
    requests().replace(deps.storage, id, Some(&request), None)?;

    Ok(Response::new()
        .add_attribute("action", "request_withdrawal")
        .add_attribute("sender", request.owner)
        .add_attribute("request_id", id.to_string())
        .add_attribute("tranche", tranche.as_str())
        .add_attribute("shares", shares)
        .add_attribute("cooldown_end", cooldown_end.seconds().to_string())
        .add_attribute(
            "claim_deadline",
            request.claim_deadline.seconds().to_string(),
        ))
}

/// Pays a cooled-down request at the lower of its request price and today's price, burning
/// its shares.
pub fn claim_withdrawal(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    id: u64,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let params = FLOW_PARAMS.load(deps.storage)?;
    if params.pause.withdrawals {
        return Err(ContractError::WithdrawalsPaused);
    }
    let request = load_owned(&deps, &info.sender, id)?;
    let now = env.block.time;
    if now < request.cooldown_end {
        return Err(ContractError::CooldownNotOver {
            id,
            cooldown_end: request.cooldown_end.seconds(),
            now: now.seconds(),
        });
    }
    if now >= request.claim_deadline {
        return Err(ContractError::ClaimWindowClosed {
            id,
            claim_deadline: request.claim_deadline.seconds(),
        });
    }
    let config = CONFIG.load(deps.storage)?;
    crate::shock::ensure_claims_open(deps.as_ref(), &config, now)?;
    let mut books = load_books(deps.storage, request.tranche, now)?;
    let mut to_reserve = Uint128::zero();
    let payout = settle_claim(&mut books, &mut to_reserve, &request)?;
    // Judged on the books after the claim, so what the last claim of junior moves to the
    // reserve counts as leaving junior: the reserve is not subordinated capital.
    release_ownerless(&mut books, &mut to_reserve)?;
    if request.tranche == Tranche::Junior {
        // Senior's collateral (assets plus locked premium) does not move with its unlock, so
        // it is read as stored.
        let senior = BOOKS.load(deps.storage, tranche_key(Tranche::Senior))?;
        check_subordination(
            books.collateral()?,
            senior.collateral()?,
            params.min_junior_ratio,
        )?;
    }
    if books.supply.is_zero() {
        // The tranche restarts at the opening price; yields are measured from here on.
        save_checkpoint(deps.storage, now, request.tranche, &books)?;
        RESTARTS.save(
            deps.storage,
            tranche_key(request.tranche),
            &checkpoint_hour(now),
        )?;
    }
    save_books(deps.storage, request.tranche, &books)?;
    if !to_reserve.is_zero() {
        let reserve = RESERVE.load(deps.storage)?.checked_add(to_reserve)?;
        RESERVE.save(deps.storage, &reserve)?;
    }
    // `request` is the stored record, read above: `replace` removes it and its owner index
    // entry without reading it again, as `remove` would.
    requests().replace(deps.storage, id, None, Some(&request))?;

    let mut msgs: Vec<CosmosMsg> = vec![WasmMsg::Execute {
        contract_addr: config.token(request.tranche)?.into_string(),
        msg: to_json_binary(&Cw20ExecuteMsg::Burn {
            amount: request.shares,
        })?,
        funds: vec![],
    }
    .into()];
    if !payout.is_zero() {
        msgs.push(
            BankMsg::Send {
                to_address: request.owner.to_string(),
                amount: cosmwasm_std::coins(payout.u128(), config.collateral_denom),
            }
            .into(),
        );
    }
    Ok(Response::new()
        .add_messages(msgs)
        .add_attribute("action", "claim_withdrawal")
        .add_attribute("sender", info.sender)
        .add_attribute("request_id", id.to_string())
        .add_attribute("tranche", request.tranche.as_str())
        .add_attribute("shares", request.shares)
        .add_attribute("payout", payout)
        .add_attribute("to_reserve", to_reserve))
}

/// Takes a claimed request's shares off its tranche's books (unlocked up to now), adds what
/// they forfeit to `to_reserve` and returns the payout. The shares leave with their value at
/// today's price and their pro-rata part of the locked premium,
/// `floor(locked * shares / supply)`, both rounded down so the shares that stay never lose.
/// The owner is paid at most the request price; what the shares forfeit (their value above the
/// payout, and their locked premium) goes to the reserve, never to the holders who stay or
/// come later, so the unlock per remaining share is unchanged.
pub fn settle_claim(
    books: &mut TrancheState,
    to_reserve: &mut Uint128,
    request: &WithdrawalRequest,
) -> Result<Uint128, ContractError> {
    let price_now = Price::of(books)?;
    let value = price_now.value_floor(request.shares)?;
    let payout = request_price(request)
        .min(price_now)
        .value_floor(request.shares)?;
    let locked_part = books
        .locked
        .checked_multiply_ratio(request.shares, books.supply)?;
    books.assets = books.assets.checked_sub(value)?;
    books.locked = books.locked.checked_sub(locked_part)?;
    if books.locked.is_zero() {
        books.clear_lock();
    }
    books.supply = books.supply.checked_sub(request.shares)?;
    books.pending_shares = books.pending_shares.checked_sub(request.shares)?;
    let forfeit = value.checked_sub(payout)?.checked_add(locked_part)?;
    *to_reserve = to_reserve.checked_add(forfeit)?;
    Ok(payout)
}

/// After the last share of a tranche is burned, moves what its books still hold (assets and
/// locked premium) to `reserve` and returns the amount. Nobody owns it: the rounding the
/// virtual offset kept, and premium left on books stored by earlier versions. In the reserve it
/// is the first layer of the waterfall and governance can allocate it; the tranche starts
/// afresh at the opening price.
pub fn release_ownerless(
    books: &mut TrancheState,
    reserve: &mut Uint128,
) -> Result<Uint128, ContractError> {
    if !books.supply.is_zero() {
        return Ok(Uint128::zero());
    }
    let left = std::mem::take(&mut books.assets).checked_add(books.locked)?;
    books.clear_lock();
    *reserve = reserve.checked_add(left)?;
    Ok(left)
}

/// The owner takes a pending request back; its shares return.
pub fn cancel_withdrawal(
    deps: DepsMut,
    info: MessageInfo,
    id: u64,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let request = load_owned(&deps, &info.sender, id)?;
    return_shares(deps, request, id, "cancel_withdrawal", info.sender)
}

/// Anyone returns the shares of a request whose claim window has passed.
pub fn expire_withdrawal(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    id: u64,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let request = requests()
        .may_load(deps.storage, id)?
        .ok_or(ContractError::RequestNotFound { id })?;
    if env.block.time < request.claim_deadline {
        return Err(ContractError::RequestNotLapsed {
            id,
            claim_deadline: request.claim_deadline.seconds(),
        });
    }
    return_shares(deps, request, id, "expire_withdrawal", info.sender)
}

fn return_shares(
    deps: DepsMut,
    request: WithdrawalRequest,
    id: u64,
    action: &str,
    sender: Addr,
) -> Result<Response, ContractError> {
    let config: Config = CONFIG.load(deps.storage)?;
    let key = tranche_key(request.tranche);
    let mut books = BOOKS.load(deps.storage, key)?;
    books.pending_shares = books.pending_shares.checked_sub(request.shares)?;
    BOOKS.save(deps.storage, key, &books)?;
    // `request` is the stored record, read above: `replace` removes it and its owner index
    // entry without reading it again, as `remove` would.
    requests().replace(deps.storage, id, None, Some(&request))?;

    let transfer = WasmMsg::Execute {
        contract_addr: config.token(request.tranche)?.into_string(),
        msg: to_json_binary(&Cw20ExecuteMsg::Transfer {
            recipient: request.owner.to_string(),
            amount: request.shares,
        })?,
        funds: vec![],
    };
    Ok(Response::new()
        .add_message(transfer)
        .add_attribute("action", action)
        .add_attribute("sender", sender)
        .add_attribute("request_id", id.to_string())
        .add_attribute("owner", request.owner)
        .add_attribute("shares", request.shares))
}

fn load_owned(deps: &DepsMut, sender: &Addr, id: u64) -> Result<WithdrawalRequest, ContractError> {
    let request = requests()
        .may_load(deps.storage, id)?
        .ok_or(ContractError::RequestNotFound { id })?;
    if request.owner != *sender {
        return Err(ContractError::NotRequestOwner { id });
    }
    Ok(request)
}

/// The exact price fixed when the request was made.
pub fn request_price(request: &WithdrawalRequest) -> Price {
    Price {
        num: request.price_num,
        den: request.price_den,
    }
}
