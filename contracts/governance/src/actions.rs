//! Proposal actions: what governance checks of an action when it is proposed, the message each
//! action sends, whether an action changes the guardian, and whether a new fund or engine
//! answers its `Config` query.
//!
//! Functions here ask the fund and engine freely: the entry points hand them a
//! [`crate::querier::CachingQuerier`], so within one message a repeated query is answered from
//! the first asking instead of costing another cross-contract query.

use cosmwasm_std::{to_json_binary, Addr, CosmosMsg, Deps, Env, WasmMsg};
use tranche_perps_types::fund::GovernorAction;
use tranche_perps_types::governance::{Action, GovAddressesUpdate};
use tranche_perps_types::{engine, fund};

use crate::error::ContractError;
use crate::settings::{check_staking_token, validate_config};
use crate::state::Config;

/// Whether `fund` answers the fund's `Config` query with the response governance reads.
pub(crate) fn fund_answers(deps: Deps, fund: &Addr) -> bool {
    deps.querier
        .query_wasm_smart::<fund::ConfigResponse>(fund, &fund::QueryMsg::Config {})
        .is_ok()
}

/// Whether `engine` answers the engine's `Config` query with the response governance reads.
pub(crate) fn engine_answers(deps: Deps, engine: &Addr) -> bool {
    deps.querier
        .query_wasm_smart::<engine::EngineConfigResponse>(engine, &engine::QueryMsg::Config {})
        .is_ok()
}

/// Checks what governance can check of an action before it is proposed: every address inside
/// it, a settings change in full, and a share-token marketing change by the fund's own check
/// ([`fund::check_marketing_change`]). Ranges of fund and engine parameters are left to those
/// contracts (a failure there is recorded on the proposal at execution).
pub(crate) fn validate_action(
    deps: Deps,
    config: &Config,
    index: usize,
    action: &Action,
) -> Result<(), ContractError> {
    let check = |field: &'static str, address: &String| {
        deps.api
            .addr_validate(address)
            .map(|_| ())
            .map_err(|_| ContractError::BadActionAddress {
                index,
                field,
                address: address.clone(),
            })
    };
    match action {
        Action::UpdateFundConfig { engine, guardian } => {
            engine.iter().try_for_each(|a| check("engine", a))?;
            guardian.iter().try_for_each(|a| check("guardian", a))?;
        }
        Action::AddMarket(new) => new.feeders.iter().try_for_each(|a| check("feeders", a))?,
        Action::SetFeeders { feeders, .. } => {
            feeders.iter().try_for_each(|a| check("feeders", a))?
        }
        Action::FundOwnership(GovernorAction::TransferOwnership { new_owner, .. })
        | Action::EngineOwnership(GovernorAction::TransferOwnership { new_owner, .. }) => {
            check("new_owner", new_owner)?
        }
        Action::FundOwnership(GovernorAction::RenounceOwnership)
        | Action::EngineOwnership(GovernorAction::RenounceOwnership) => {
            return Err(ContractError::RenounceNotOffered { index })
        }
        Action::UpdateGovConfig(gov) => validate_config(deps, &config.staking_token, gov)?,
        Action::UpdateGovAddresses(update) => {
            let GovAddressesUpdate {
                fund,
                engine,
                guardian,
                remove_guardian,
                treasury,
            } = update;
            fund.iter().try_for_each(|a| check("fund", a))?;
            engine.iter().try_for_each(|a| check("engine", a))?;
            guardian.iter().try_for_each(|a| check("guardian", a))?;
            treasury.iter().try_for_each(|a| check("treasury", a))?;
            // A new fund or engine must answer now: a typo would point every later typed
            // action, and the risk check, at nothing. (A raw self-call is not checked.)
            let not_answering =
                |target: &'static str, address: &String| ContractError::TargetNotAnswering {
                    index,
                    target,
                    address: address.clone(),
                };
            if let Some(a) = fund {
                let fund = deps.api.addr_validate(a)?;
                if !fund_answers(deps, &fund) {
                    return Err(not_answering("fund", a));
                }
                check_staking_token(deps, &config.staking_token, Some(&fund))?;
            }
            if let Some(a) = engine {
                if !engine_answers(deps, &deps.api.addr_validate(a)?) {
                    return Err(not_answering("engine", a));
                }
            }
            if guardian.is_some() && *remove_guardian == Some(true) {
                return Err(ContractError::ConflictingGuardianUpdate);
            }
            if fund.is_none()
                && engine.is_none()
                && guardian.is_none()
                && *remove_guardian != Some(true)
                && treasury.is_none()
            {
                return Err(ContractError::NothingToUpdate { index });
            }
        }
        Action::UpdateShareTokenMarketing {
            project,
            description,
            logo,
            ..
        } => fund::check_marketing_change(project.as_ref(), description.as_ref(), logo.as_ref())
            .map_err(|refusal| match refusal {
                fund::MarketingRefusal::NoChange => ContractError::NothingToUpdate { index },
                fund::MarketingRefusal::Invalid(reason) => {
                    ContractError::InvalidMarketing { index, reason }
                }
            })?,
        Action::UpdateFundParams(_)
        | Action::SetFundPause { .. }
        | Action::UpdateMarket { .. }
        | Action::SetEnginePause(_)
        | Action::UpdateEngineFees(_)
        | Action::FundOwnership(GovernorAction::AcceptOwnership)
        | Action::EngineOwnership(GovernorAction::AcceptOwnership)
        | Action::Raw(_) => {}
    }
    Ok(())
}

pub(crate) fn target(addr: &Option<Addr>, name: &'static str) -> Result<Addr, ContractError> {
    addr.clone().ok_or(ContractError::NoTarget { target: name })
}

pub(crate) fn wasm(
    contract: &Addr,
    msg: &impl serde::Serialize,
) -> Result<CosmosMsg, ContractError> {
    Ok(WasmMsg::Execute {
        contract_addr: contract.to_string(),
        msg: to_json_binary(msg)?,
        funds: vec![],
    }
    .into())
}

/// The messages an action sends.
pub fn action_msg(config: &Config, env: &Env, action: &Action) -> Result<CosmosMsg, ContractError> {
    let fund = || target(&config.fund, "fund");
    let engine = || target(&config.engine, "engine");
    Ok(match action.clone() {
        Action::UpdateFundParams(update) => {
            wasm(&fund()?, &fund::ExecuteMsg::UpdateParams(update))?
        }
        Action::SetFundPause {
            deposits,
            withdrawals,
        } => wasm(
            &fund()?,
            &fund::ExecuteMsg::SetPause {
                deposits,
                withdrawals,
            },
        )?,
        Action::UpdateFundConfig { engine, guardian } => wasm(
            &fund()?,
            &fund::ExecuteMsg::UpdateConfig {
                engine,
                guardian,
                remove_guardian: None,
            },
        )?,
        Action::UpdateShareTokenMarketing {
            tranche,
            project,
            description,
            logo,
        } => wasm(
            &fund()?,
            &fund::ExecuteMsg::UpdateShareTokenMarketing {
                tranche,
                project,
                description,
                logo,
            },
        )?,
        Action::AddMarket(new) => wasm(&engine()?, &engine::ExecuteMsg::AddMarket(new))?,
        Action::UpdateMarket { market, params } => wasm(
            &engine()?,
            &engine::ExecuteMsg::UpdateMarket { market, params },
        )?,
        Action::SetFeeders { market, feeders } => wasm(
            &engine()?,
            &engine::ExecuteMsg::SetFeeders { market, feeders },
        )?,
        Action::SetEnginePause(pause) => wasm(&engine()?, &engine::ExecuteMsg::SetPause(pause))?,
        Action::UpdateEngineFees(fees) => wasm(&engine()?, &engine::ExecuteMsg::UpdateFees(fees))?,
        Action::FundOwnership(action) => {
            wasm(&fund()?, &fund::ExecuteMsg::UpdateOwnership(action))?
        }
        Action::EngineOwnership(action) => {
            wasm(&engine()?, &engine::ExecuteMsg::UpdateOwnership(action))?
        }
        Action::UpdateGovConfig(gov) => wasm(
            &env.contract.address,
            &tranche_perps_types::governance::ExecuteMsg::UpdateConfig(gov),
        )?,
        Action::UpdateGovAddresses(update) => wasm(
            &env.contract.address,
            &tranche_perps_types::governance::ExecuteMsg::UpdateAddresses(update),
        )?,
        Action::Raw(msg) => msg,
    })
}

/// Whether an action replaces or removes governance's guardian.
pub(crate) fn changes_guardian(action: &Action) -> bool {
    matches!(
        action,
        Action::UpdateGovAddresses(update)
            if update.guardian.is_some() || update.remove_guardian == Some(true)
    )
}

/// Whether a proposal does nothing but replace or remove the guardian: the one kind the
/// guardian cannot veto. (A raw self-call doing the same stays vetoable.)
pub(crate) fn only_changes_guardian(actions: &[Action]) -> bool {
    match actions {
        [action @ Action::UpdateGovAddresses(update)] => {
            changes_guardian(action)
                && update.fund.is_none()
                && update.engine.is_none()
                && update.treasury.is_none()
        }
        _ => false,
    }
}
