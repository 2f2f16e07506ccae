//! Entry points and dispatch only; logic lives in the feature modules.

#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{
    to_json_binary, Binary, Deps, DepsMut, Env, MessageInfo, Order, Reply, Response, StdError,
    StdResult, Storage, SubMsg, Uint128, WasmMsg,
};
use cw20::MinterResponse;
use cw_utils::{nonpayable, parse_instantiate_response_data};
use tranche_perps_types::fund::GovernorAction;
use tranche_perps_types::fund::{
    bounds, check_marketing, default_share_token_description, default_share_token_logo, ExecuteMsg,
    InstantiateMsg, MarketingRefusal, MigrateMsg, QueryMsg, ShareTokenInfo, ShareTokenMarketing,
    Tranche, DEFAULT_SHARE_TOKEN_PROJECT, SHARE_EXTRA_DECIMALS,
};
use tranche_perps_types::Expiration;

use crate::error::ContractError;
use crate::governance::validate_params;
use crate::premium::save_checkpoint;
use crate::state::{
    save_params, save_state, stored_state, Config, FundState, PayoutWindow, CONFIG, LEGACY_LOSSES,
    LEGACY_PARAMS, LEGACY_PAUSE, LEGACY_STATE, LOSSES, NEXT_REQUEST_ID, OPEN_INTEREST,
};
use crate::{deposit, governance, premium, query, shortfall, withdraw};

pub const CONTRACT_NAME: &str = concat!("crates.io:", env!("CARGO_PKG_NAME"));
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Submessages whose replies the fund reads.
#[repr(u64)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReplyId {
    /// Instantiation of the junior share token.
    JuniorToken = 1,
    /// Instantiation of the senior share token.
    SeniorToken = 2,
}

impl TryFrom<u64> for ReplyId {
    type Error = ContractError;

    fn try_from(id: u64) -> Result<Self, Self::Error> {
        match id {
            1 => Ok(ReplyId::JuniorToken),
            2 => Ok(ReplyId::SeniorToken),
            _ => Err(ContractError::UnknownReplyId { id }),
        }
    }
}

fn validate_denom(denom: &str) -> Result<(), ContractError> {
    if tranche_perps_types::is_valid_denom(denom) {
        Ok(())
    } else {
        Err(ContractError::InvalidDenom {
            denom: denom.to_string(),
        })
    }
}

/// The rules cw20-base applies, checked here so a bad name fails with a fund error.
fn validate_token_info(info: &ShareTokenInfo) -> Result<(), ContractError> {
    let reason = if !(3..=50).contains(&info.name.len()) {
        Some("name must have 3 to 50 characters")
    } else if !(3..=12).contains(&info.symbol.len()) {
        Some("symbol must have 3 to 12 characters")
    } else if !info
        .symbol
        .chars()
        .all(|c| c.is_ascii_alphabetic() || c == '-')
    {
        Some("symbol may only hold letters and '-'")
    } else {
        None
    };
    match reason {
        Some(reason) => Err(ContractError::InvalidTokenInfo {
            reason: reason.to_string(),
        }),
        None => info.marketing.as_ref().map_or(Ok(()), |m| {
            check_marketing(m.project.as_ref(), m.description.as_ref(), m.logo.as_ref())
                .map_err(|reason| MarketingRefusal::Invalid(reason).into())
        }),
    }
}

/// The cw20 marketing a tranche's share token is instantiated with: what the operator gave,
/// the defaults for the rest, and the fund as marketing admin.
fn token_marketing(
    tranche: Tranche,
    given: Option<ShareTokenMarketing>,
    fund: &str,
) -> cw20_base::msg::InstantiateMarketingInfo {
    let given = given.unwrap_or_default();
    cw20_base::msg::InstantiateMarketingInfo {
        project: Some(
            given
                .project
                .unwrap_or_else(|| DEFAULT_SHARE_TOKEN_PROJECT.to_string()),
        ),
        description: Some(
            given
                .description
                .unwrap_or_else(|| default_share_token_description(tranche, fund)),
        ),
        marketing: Some(fund.to_string()),
        logo: Some(
            given
                .logo
                .unwrap_or_else(|| default_share_token_logo(tranche)),
        ),
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    validate_denom(&msg.collateral_denom)?;
    bounds::COLLATERAL_DECIMALS.check(msg.collateral_decimals)?;
    validate_token_info(&msg.junior_token)?;
    validate_token_info(&msg.senior_token)?;
    let params = msg.params.unwrap_or_default();
    validate_params(&params)?;
    let governor = deps.api.addr_validate(&msg.governor)?;
    let guardian = msg
        .guardian
        .map(|g| deps.api.addr_validate(&g))
        .transpose()?;
    let engine = msg.engine.map(|e| deps.api.addr_validate(&e)).transpose()?;
    let token_admin = msg
        .token_admin
        .map(|a| deps.api.addr_validate(&a))
        .transpose()?;

    cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    cw_ownable::initialize_owner(deps.storage, deps.api, Some(governor.as_str()))?;
    let share_decimals = msg.collateral_decimals + SHARE_EXTRA_DECIMALS;
    CONFIG.save(
        deps.storage,
        &Config {
            collateral_denom: msg.collateral_denom,
            share_decimals,
            junior_token: None,
            senior_token: None,
            engine,
            engine_epoch: 0,
            guardian,
        },
    )?;
    save_params(deps.storage, &params, Default::default())?;
    // Empty books; the first payout opens the first window.
    let state = FundState::default();
    save_state(deps.storage, &state)?;
    OPEN_INTEREST.save(deps.storage, &Uint128::zero())?;
    NEXT_REQUEST_ID.save(deps.storage, &1)?;
    for tranche in Tranche::ALL {
        save_checkpoint(
            deps.storage,
            env.block.time,
            tranche,
            state.tranche(tranche),
        )?;
    }

    let token_msg = |token: ShareTokenInfo, id: ReplyId| -> Result<SubMsg, ContractError> {
        let label = format!("{} share token", token.symbol);
        let tranche = match id {
            ReplyId::JuniorToken => Tranche::Junior,
            ReplyId::SeniorToken => Tranche::Senior,
        };
        let marketing = token_marketing(tranche, token.marketing, env.contract.address.as_str());
        let init = cw20_base::msg::InstantiateMsg {
            name: token.name,
            symbol: token.symbol,
            decimals: share_decimals,
            initial_balances: vec![],
            mint: Some(MinterResponse {
                minter: env.contract.address.to_string(),
                cap: None,
            }),
            marketing: Some(marketing),
        };
        Ok(SubMsg::reply_on_success(
            WasmMsg::Instantiate {
                admin: token_admin.as_ref().map(|a| a.to_string()),
                code_id: msg.share_token_code_id,
                msg: to_json_binary(&init)?,
                funds: vec![],
                label,
            },
            id as u64,
        ))
    };
    Ok(Response::new()
        .add_submessage(token_msg(msg.junior_token, ReplyId::JuniorToken)?)
        .add_submessage(token_msg(msg.senior_token, ReplyId::SeniorToken)?)
        .add_attribute("action", "instantiate")
        .add_attribute("sender", info.sender)
        .add_attribute("governor", governor))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn reply(deps: DepsMut, _env: Env, msg: Reply) -> Result<Response, ContractError> {
    let id = ReplyId::try_from(msg.id)?;
    let result = msg.result.into_result().map_err(StdError::generic_err)?;
    #[allow(deprecated)]
    let data = match result.msg_responses.first() {
        Some(response) => response.value.clone(),
        None => result.data.unwrap_or_default(),
    };
    let instantiated = parse_instantiate_response_data(&data)?;
    let token = deps.api.addr_validate(&instantiated.contract_address)?;
    let mut config = CONFIG.load(deps.storage)?;
    let tranche = match id {
        ReplyId::JuniorToken => {
            config.junior_token = Some(token.clone());
            Tranche::Junior
        }
        ReplyId::SeniorToken => {
            config.senior_token = Some(token.clone());
            Tranche::Senior
        }
    };
    CONFIG.save(deps.storage, &config)?;
    Ok(Response::new()
        .add_attribute("action", "share_token_instantiated")
        .add_attribute("tranche", tranche.as_str())
        .add_attribute("token", token))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: ExecuteMsg,
) -> Result<Response, ContractError> {
    match msg {
        ExecuteMsg::Deposit {
            tranche,
            min_shares,
        } => deposit::deposit(deps, env, info, tranche, min_shares),
        ExecuteMsg::Receive(wrapper) => withdraw::receive(deps, env, info, wrapper),
        ExecuteMsg::ClaimWithdrawal { request_id } => {
            withdraw::claim_withdrawal(deps, env, info, request_id)
        }
        ExecuteMsg::CancelWithdrawal { request_id } => {
            withdraw::cancel_withdrawal(deps, info, request_id)
        }
        ExecuteMsg::ExpireWithdrawal { request_id } => {
            withdraw::expire_withdrawal(deps, env, info, request_id)
        }
        ExecuteMsg::DepositPremium {} => premium::deposit_premium(deps, env, info),
        ExecuteMsg::CoverShortfall {
            shortfall_id,
            amount,
        } => shortfall::cover_shortfall(deps, env, info, shortfall_id, amount),
        ExecuteMsg::ReportOpenInterest { notional } => {
            shortfall::report_open_interest(deps, info, notional)
        }
        ExecuteMsg::UpdateParams(update) => governance::update_params(deps, info, update),
        ExecuteMsg::UpdateConfig {
            engine,
            guardian,
            remove_guardian,
        } => governance::update_config(deps, info, engine, guardian, remove_guardian),
        ExecuteMsg::SetPause {
            deposits,
            withdrawals,
        } => governance::set_pause(deps, info, deposits, withdrawals),
        ExecuteMsg::AllocateReserve { amount, target } => {
            governance::allocate_reserve(deps, env, info, amount, target)
        }
        ExecuteMsg::SweepDonations { recipient, denom } => {
            governance::sweep_donations(deps, env, info, recipient, denom)
        }
        ExecuteMsg::UpdateOwnership(action) => {
            nonpayable(&info)?;
            let ownership = cw_ownable::update_ownership(
                deps,
                &env.block,
                &info.sender,
                ownable_action(action)?,
            )?;
            Ok(Response::new()
                .add_attribute("action", "update_ownership")
                .add_attribute("sender", info.sender)
                .add_attributes(ownership.into_attributes()))
        }
        ExecuteMsg::UpdateShareTokenMarketing {
            tranche,
            project,
            description,
            logo,
        } => governance::update_share_token_marketing(
            deps,
            info,
            tranche,
            project,
            description,
            logo,
        ),
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, env: Env, msg: QueryMsg) -> Result<Binary, ContractError> {
    Ok(match msg {
        QueryMsg::Config {} => to_json_binary(&query::config(deps)?),
        QueryMsg::State {} => to_json_binary(&query::state(deps, env)?),
        QueryMsg::Yield {
            tranche,
            window_seconds,
        } => to_json_binary(&query::yield_of(deps, env, tranche, window_seconds)?),
        QueryMsg::Coverage { open_interest } => {
            to_json_binary(&query::coverage(deps, open_interest)?)
        }
        QueryMsg::Underwriter {
            address,
            start_after,
            limit,
        } => to_json_binary(&query::underwriter(deps, env, address, start_after, limit)?),
        QueryMsg::WithdrawalRequest { request_id } => {
            to_json_binary(&query::withdrawal_request(deps, env, request_id)?)
        }
        QueryMsg::WithdrawalRequests {
            owner,
            start_after,
            limit,
        } => to_json_binary(&query::withdrawal_requests(
            deps,
            env,
            owner,
            start_after,
            limit,
        )?),
        QueryMsg::Loss {
            shortfall_id,
            engine_epoch,
        } => to_json_binary(&query::loss(deps, engine_epoch, shortfall_id)?),
        QueryMsg::LossLedger {
            engine_epoch,
            start_after,
            limit,
        } => to_json_binary(&query::loss_ledger(deps, engine_epoch, start_after, limit)?),
        QueryMsg::SimulateLoss { amount } => {
            to_json_binary(&query::simulate_loss(deps, env, amount)?)
        }
        QueryMsg::Stress { market, price_move } => {
            to_json_binary(&query::stress(deps, env, market, price_move)?)
        }
        QueryMsg::PreviewDeposit { tranche, amount } => {
            to_json_binary(&query::preview_deposit(deps, env, tranche, amount)?)
        }
        QueryMsg::ClaimsPause {} => to_json_binary(&crate::shock::claims_pause(
            deps,
            &CONFIG.load(deps.storage)?,
            env.block.time,
        )),
        QueryMsg::Ownership {} => to_json_binary(&cw_ownable::get_ownership(deps.storage)?),
    }?)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn migrate(deps: DepsMut, _env: Env, _msg: MigrateMsg) -> Result<Response, ContractError> {
    let previous = cw2::ensure_from_older_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    // Before 0.2.0 the loss ledger was keyed by shortfall id alone; it becomes engine epoch 0.
    // This runs once, over a ledger that only grows on bad debt.
    let mut moved = 0u64;
    if previous.major == 0 && previous.minor < 2 {
        let legacy = LEGACY_LOSSES
            .range(deps.storage, None, None, Order::Ascending)
            .collect::<StdResult<Vec<_>>>()?;
        for (id, record) in legacy {
            LEGACY_LOSSES.remove(deps.storage, id);
            LOSSES.save(deps.storage, (0, id), &record)?;
            moved += 1;
        }
    }
    let split = split_records(deps.storage)?;
    // Older code left on a tranche's books what its last claim did not pay out; that belongs
    // to no one and goes to the reserve, as a last claim now does. Idempotent.
    let mut state = stored_state(deps.storage)?;
    let mut released = Uint128::zero();
    for tranche in Tranche::ALL {
        let books = match tranche {
            Tranche::Junior => &mut state.junior,
            Tranche::Senior => &mut state.senior,
        };
        released = released.checked_add(withdraw::release_ownerless(books, &mut state.reserve)?)?;
    }
    if !released.is_zero() {
        save_state(deps.storage, &state)?;
    }
    Ok(Response::new()
        .add_attribute("action", "migrate")
        .add_attribute("from_version", previous.to_string())
        .add_attribute("to_version", CONTRACT_VERSION)
        .add_attribute("moved_loss_records", moved.to_string())
        .add_attribute("split_records", split.to_string())
        .add_attribute("released_to_reserve", released))
}

/// Moves the single records of the layout before the hot/cold split into the records of this
/// one, removing them: the books record `state` into the books of each tranche, the reserve,
/// the payout window and the open interest; the parameters record `params` and the pause
/// switches `pause` into the flow, premium and payout parameters. Bounded: three records read,
/// eight written, two removed. Does nothing on a fund stored in this layout. Returns how many
/// old records it moved.
fn split_records(storage: &mut dyn Storage) -> Result<u32, ContractError> {
    let mut moved = 0;
    if let Some(old) = LEGACY_STATE.may_load(storage)? {
        let state = FundState {
            junior: old.junior,
            senior: old.senior,
            reserve: old.reserve,
            window: PayoutWindow {
                start: old.window_start,
                end: old.window_end,
                start_assets: old.window_start_assets,
                paid: old.window_paid,
            },
        };
        save_state(storage, &state)?;
        OPEN_INTEREST.save(storage, &old.open_interest)?;
        LEGACY_STATE.remove(storage);
        moved += 1;
    }
    if let Some(pause) = LEGACY_PAUSE.may_load(storage)? {
        let params = LEGACY_PARAMS.load(storage)?;
        save_params(storage, &params, pause)?;
        LEGACY_PAUSE.remove(storage);
        moved += 2;
    }
    Ok(moved)
}

/// The cw-ownable action of a governor-role message (the same two actions); renouncing is
/// refused with `RenounceNotOffered`.
fn ownable_action(action: GovernorAction) -> Result<cw_ownable::Action, ContractError> {
    Ok(match action {
        GovernorAction::TransferOwnership { new_owner, expiry } => {
            cw_ownable::Action::TransferOwnership {
                new_owner,
                expiry: expiry.map(|e| match e {
                    Expiration::AtHeight(height) => cw_utils::Expiration::AtHeight(height),
                    Expiration::AtTime(time) => cw_utils::Expiration::AtTime(time),
                    Expiration::Never {} => cw_utils::Expiration::Never {},
                }),
            }
        }
        GovernorAction::AcceptOwnership => cw_ownable::Action::AcceptOwnership,
        GovernorAction::RenounceOwnership => return Err(ContractError::RenounceNotOffered),
    })
}
