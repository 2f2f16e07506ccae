use cosmwasm_std::{
    coins, to_json_binary, Addr, BankMsg, DepsMut, Env, MessageInfo, Response, Storage, Uint128,
    WasmMsg,
};
use cw_utils::nonpayable;
use tranche_perps_types::fund::{
    bounds, DepositCap, FundParams, FundParamsUpdate, ReserveTarget, Tranche,
};

use crate::error::ContractError;
use crate::math::check_subordination_after_exits;
use crate::premium::save_checkpoint;
use crate::shortfall::total_assets;
use crate::state::{
    load_books, load_params, save_books, save_changed_params, stored_state, Config, CONFIG,
    ENGINE_EPOCHS, FLOW_PARAMS, LAST_ENGINE_EPOCH, PREMIUM_PARAMS, RESERVE,
};

fn check_cap(name: &'static str, cap: DepositCap) -> Result<(), ContractError> {
    match cap {
        DepositCap::Limit(limit) if limit.is_zero() => Err(ContractError::ParamOutOfRange {
            name,
            value: "0".to_string(),
            range: bounds::DEPOSIT_CAP_RANGE.to_string(),
        }),
        _ => Ok(()),
    }
}

/// Checks every parameter against its bound (`tranche_perps_types::fund::bounds`).
pub fn validate_params(p: &FundParams) -> Result<(), ContractError> {
    bounds::COOLDOWN_SECONDS.check(p.cooldown_seconds)?;
    bounds::CLAIM_WINDOW_SECONDS.check(p.claim_window_seconds)?;
    bounds::JUNIOR_WEIGHT.check(p.junior_weight)?;
    bounds::SENIOR_WEIGHT.check(p.senior_weight)?;
    bounds::MIN_JUNIOR_RATIO.check(p.min_junior_ratio)?;
    bounds::MAX_PAYOUT_BPS.check(p.max_payout_bps)?;
    bounds::PAYOUT_WINDOW_SECONDS.check(p.payout_window_seconds)?;
    check_cap("junior_deposit_cap", p.junior_deposit_cap)?;
    check_cap("senior_deposit_cap", p.senior_deposit_cap)?;
    bounds::TARGET_COVERAGE_BPS.check(p.target_coverage_bps)?;
    bounds::MIN_REMAINING.check(p.min_remaining)?;
    bounds::PREMIUM_UNLOCK_SECONDS.check(p.premium_unlock_seconds)?;
    Ok(())
}

/// Returns `params` with every field of `update` that is set applied.
pub fn apply_update(mut params: FundParams, update: FundParamsUpdate) -> FundParams {
    let FundParamsUpdate {
        cooldown_seconds,
        claim_window_seconds,
        junior_weight,
        senior_weight,
        min_junior_ratio,
        max_payout_bps,
        payout_window_seconds,
        junior_deposit_cap,
        senior_deposit_cap,
        target_coverage_bps,
        min_remaining,
        premium_unlock_seconds,
    } = update;
    macro_rules! set {
        ($($field:ident),*) => { $( if let Some(v) = $field { params.$field = v; } )* };
    }
    set!(
        cooldown_seconds,
        claim_window_seconds,
        junior_weight,
        senior_weight,
        min_junior_ratio,
        max_payout_bps,
        payout_window_seconds,
        junior_deposit_cap,
        senior_deposit_cap,
        target_coverage_bps,
        min_remaining,
        premium_unlock_seconds
    );
    params
}

/// Governor only: range-checked parameter update.
pub fn update_params(
    deps: DepsMut,
    info: MessageInfo,
    update: FundParamsUpdate,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    cw_ownable::assert_owner(deps.storage, &info.sender)?;
    let (before, pause) = load_params(deps.storage)?;
    let params = apply_update(before.clone(), update);
    validate_params(&params)?;
    save_changed_params(deps.storage, &before, &params, pause)?;
    Ok(Response::new()
        .add_attribute("action", "update_params")
        .add_attribute("sender", info.sender))
}

/// Governor only: engine and guardian addresses.
pub fn update_config(
    deps: DepsMut,
    info: MessageInfo,
    engine: Option<String>,
    guardian: Option<String>,
    remove_guardian: Option<bool>,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    cw_ownable::assert_owner(deps.storage, &info.sender)?;
    let mut config = CONFIG.load(deps.storage)?;
    if let Some(engine) = engine {
        let engine = deps.api.addr_validate(&engine)?;
        if config.engine.as_ref() != Some(&engine) {
            config.engine_epoch = engine_epoch_of(deps.storage, &config, &engine)?;
        }
        config.engine = Some(engine);
    }
    if let Some(guardian) = guardian {
        config.guardian = Some(deps.api.addr_validate(&guardian)?);
    }
    if remove_guardian == Some(true) {
        config.guardian = None;
    }
    CONFIG.save(deps.storage, &config)?;
    Ok(Response::new()
        .add_attribute("action", "update_config")
        .add_attribute("sender", info.sender)
        .add_attribute("engine", opt_addr(&config.engine))
        .add_attribute("engine_epoch", config.engine_epoch.to_string())
        .add_attribute("guardian", opt_addr(&config.guardian)))
}

/// The epoch of `engine` when it replaces the current one. Each engine numbers its shortfalls
/// from 1, so ids are only unique within one engine: an engine set before gets its epoch back
/// (its paid ids stay paid), a new one the next unused epoch. The replaced engine's epoch is
/// recorded first. The first engine set on a fund without one keeps the current epoch.
fn engine_epoch_of(
    storage: &mut dyn Storage,
    config: &Config,
    engine: &Addr,
) -> Result<u32, ContractError> {
    if let Some(old) = &config.engine {
        ENGINE_EPOCHS.save(storage, old, &config.engine_epoch)?;
    }
    if let Some(epoch) = ENGINE_EPOCHS.may_load(storage, engine)? {
        return Ok(epoch);
    }
    if config.engine.is_none() {
        return Ok(config.engine_epoch);
    }
    let last = LAST_ENGINE_EPOCH
        .may_load(storage)?
        .unwrap_or(config.engine_epoch);
    let epoch = last
        .checked_add(1)
        .ok_or(ContractError::EngineEpochOverflow)?;
    LAST_ENGINE_EPOCH.save(storage, &epoch)?;
    Ok(epoch)
}

fn opt_addr(addr: &Option<Addr>) -> &str {
    addr.as_ref().map_or("none", Addr::as_str)
}

/// Governor: sets pause flags. Guardian: may only pause deposits.
pub fn set_pause(
    deps: DepsMut,
    info: MessageInfo,
    deposits: Option<bool>,
    withdrawals: Option<bool>,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let is_governor = cw_ownable::assert_owner(deps.storage, &info.sender).is_ok();
    if !is_governor {
        let config = CONFIG.load(deps.storage)?;
        if config.guardian.as_ref() != Some(&info.sender) {
            return Err(ContractError::NotGovernorOrGuardian);
        }
        if deposits == Some(false) || withdrawals == Some(false) {
            return Err(ContractError::GuardianCannotUnpause);
        }
        // Pausing withdrawals holds underwriters in the fund (and can make their requests
        // lapse), so it is not an emergency brake the guardian may pull.
        if withdrawals == Some(true) {
            return Err(ContractError::GuardianCannotPauseWithdrawals);
        }
    }
    let mut flow = FLOW_PARAMS.load(deps.storage)?;
    let pause = &mut flow.pause;
    pause.deposits = deposits.unwrap_or(pause.deposits);
    pause.withdrawals = withdrawals.unwrap_or(pause.withdrawals);
    let pause = flow.pause;
    FLOW_PARAMS.save(deps.storage, &flow)?;
    Ok(Response::new()
        .add_attribute("action", "set_pause")
        .add_attribute("sender", info.sender)
        .add_attribute("deposits_paused", pause.deposits.to_string())
        .add_attribute("withdrawals_paused", pause.withdrawals.to_string()))
}

/// Governor only: moves reserve into a tranche with shares, where it is locked and unlocks
/// over `premium_unlock_seconds` exactly as premium does
/// ([`crate::state::TrancheState::lock`]), or sends it to an address.
pub fn allocate_reserve(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    amount: Uint128,
    target: ReserveTarget,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    cw_ownable::assert_owner(deps.storage, &info.sender)?;
    if amount.is_zero() {
        return Err(ContractError::ZeroAmount);
    }
    let config = CONFIG.load(deps.storage)?;
    let now = env.block.time;
    let reserve = RESERVE.load(deps.storage)?;
    if amount > reserve {
        return Err(ContractError::InsufficientReserve { reserve, amount });
    }
    let mut response = Response::new()
        .add_attribute("action", "allocate_reserve")
        .add_attribute("sender", info.sender)
        .add_attribute("amount", amount);
    match target {
        ReserveTarget::Tranche(tranche) => {
            let mut books = load_books(deps.storage, tranche, now)?;
            if books.supply.is_zero() {
                return Err(ContractError::EmptyTranche { tranche });
            }
            // Locked and unlocked like premium: it goes to whoever holds shares while it
            // unlocks, not to a deposit made just before the allocation.
            let period = PREMIUM_PARAMS.load(deps.storage)?.premium_unlock_seconds;
            books.lock(amount, now.seconds(), period)?;
            // More senior collateral lowers the junior ratio, as a senior deposit would.
            if tranche == Tranche::Senior {
                let junior = load_books(deps.storage, Tranche::Junior, now)?;
                let min = FLOW_PARAMS.load(deps.storage)?.min_junior_ratio;
                check_subordination_after_exits(&junior, &books, min)?;
            }
            save_books(deps.storage, tranche, &books)?;
            save_checkpoint(deps.storage, now, tranche, &books)?;
            response = response.add_attribute("target", tranche.as_str());
        }
        ReserveTarget::Address(recipient) => {
            let recipient = deps.api.addr_validate(&recipient)?;
            if recipient == env.contract.address {
                return Err(ContractError::RecipientIsFund);
            }
            response = response
                .add_attribute("target", recipient.as_str())
                .add_message(BankMsg::Send {
                    to_address: recipient.into_string(),
                    amount: coins(amount.u128(), config.collateral_denom),
                });
        }
    }
    RESERVE.save(deps.storage, &(reserve - amount))?;
    Ok(response)
}

/// Governor only: sends collateral held above the fund's books (donations) to `recipient`.
pub fn sweep_donations(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    recipient: String,
    denom: Option<String>,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    cw_ownable::assert_owner(deps.storage, &info.sender)?;
    let recipient = deps.api.addr_validate(&recipient)?;
    if recipient == env.contract.address {
        return Err(ContractError::RecipientIsFund);
    }
    let config = CONFIG.load(deps.storage)?;
    let denom = denom.unwrap_or_else(|| config.collateral_denom.clone());
    if !tranche_perps_types::is_valid_denom(&denom) {
        return Err(ContractError::InvalidSweepDenom { denom });
    }
    let balance = deps
        .querier
        .query_balance(&env.contract.address, &denom)?
        .amount;
    // The books hold only collateral: of it only what is above them is a donation.
    let surplus = if denom == config.collateral_denom {
        balance.saturating_sub(total_assets(&stored_state(deps.storage)?)?)
    } else {
        balance
    };
    if surplus.is_zero() {
        return Err(ContractError::NothingToSweep);
    }
    Ok(Response::new()
        .add_message(BankMsg::Send {
            to_address: recipient.to_string(),
            amount: coins(surplus.u128(), &denom),
        })
        .add_attribute("action", "sweep_donations")
        .add_attribute("sender", info.sender)
        .add_attribute("recipient", recipient)
        .add_attribute("denom", denom)
        .add_attribute("amount", surplus))
}

/// Governor only: forwards a marketing change to a tranche's share token, whose marketing
/// admin is the fund: cw20 `UpdateMarketing` for the project and description (the marketing
/// admin stays the fund), `UploadLogo` for the logo.
pub fn update_share_token_marketing(
    deps: DepsMut,
    info: MessageInfo,
    tranche: Tranche,
    project: Option<String>,
    description: Option<String>,
    logo: Option<cw20::Logo>,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    cw_ownable::assert_owner(deps.storage, &info.sender)?;
    tranche_perps_types::fund::check_marketing_change(
        project.as_ref(),
        description.as_ref(),
        logo.as_ref(),
    )?;
    let token = CONFIG.load(deps.storage)?.token(tranche)?;
    let mut response = Response::new()
        .add_attribute("action", "update_share_token_marketing")
        .add_attribute("tranche", tranche.as_str())
        .add_attribute("token", token.as_str());
    if project.is_some() || description.is_some() {
        response = response.add_message(WasmMsg::Execute {
            contract_addr: token.to_string(),
            msg: to_json_binary(&cw20::Cw20ExecuteMsg::UpdateMarketing {
                project,
                description,
                marketing: None,
            })?,
            funds: vec![],
        });
    }
    if let Some(logo) = logo {
        response = response.add_message(WasmMsg::Execute {
            contract_addr: token.to_string(),
            msg: to_json_binary(&cw20::Cw20ExecuteMsg::UploadLogo(logo))?,
            funds: vec![],
        });
    }
    Ok(response)
}
