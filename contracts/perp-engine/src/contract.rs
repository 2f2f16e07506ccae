//! Entry points: instantiate and migrate, and the dispatch of execute messages, replies and
//! queries to their handler modules. Logic lives in the modules without handlers.

#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{
    from_json, to_json_binary, Binary, Deps, DepsMut, Env, MessageInfo, Reply, Response, Uint128,
};
use cw_utils::nonpayable;
use tranche_perps_types::engine::{ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg};
use tranche_perps_types::fund::GovernorAction;
use tranche_perps_types::Expiration;

use crate::error::ContractError;
use crate::params::validate_fees;
pub use crate::reply::ReplyId;
use crate::solvency::{accrue, write_off, Pool};
use crate::state::{Config, EngineState, StressStatus, CONFIG, FEES, PAUSE, STATE, STRESS_STATUS};
use crate::{deficit, governance, liquidate, query, stress, trade, upkeep};

pub const CONTRACT_NAME: &str = concat!("crates.io:", env!("CARGO_PKG_NAME"));
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(
    deps: DepsMut,
    _env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    if !tranche_perps_types::is_valid_denom(&msg.collateral_denom) {
        return Err(ContractError::InvalidDenom {
            denom: msg.collateral_denom,
        });
    }
    let fees = msg.fees.unwrap_or_default();
    validate_fees(&fees)?;
    let governor = deps.api.addr_validate(&msg.governor)?;
    let config = Config {
        fund: deps.api.addr_validate(&msg.fund)?,
        treasury: deps.api.addr_validate(&msg.treasury)?,
        guardian: msg
            .guardian
            .map(|g| deps.api.addr_validate(&g))
            .transpose()?,
        collateral_denom: msg.collateral_denom,
    };
    cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    cw_ownable::initialize_owner(deps.storage, deps.api, Some(governor.as_str()))?;
    CONFIG.save(deps.storage, &config)?;
    FEES.save(deps.storage, &fees)?;
    PAUSE.save(deps.storage, &Default::default())?;
    STRESS_STATUS.save(deps.storage, &StressStatus::Ready)?;
    STATE.save(
        deps.storage,
        &EngineState {
            next_shortfall_id: 1,
            ..Default::default()
        },
    )?;
    Ok(Response::new()
        .add_attribute("action", "instantiate")
        .add_attribute("sender", info.sender)
        .add_attribute("governor", governor)
        .add_attribute("fund", config.fund))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: ExecuteMsg,
) -> Result<Response, ContractError> {
    match msg {
        ExecuteMsg::Trade {
            market,
            size_delta,
            price_limit,
        } => trade::trade(deps, env, info, market, size_delta, price_limit),
        ExecuteMsg::ClosePosition {
            market,
            price_limit,
        } => trade::close_position(deps, env, info, market, price_limit),
        ExecuteMsg::AddMargin { market } => trade::add_margin(deps, env, info, market),
        ExecuteMsg::RemoveMargin { market, amount } => {
            trade::remove_margin(deps, env, info, market, amount)
        }
        ExecuteMsg::Liquidate { market, trader } => {
            liquidate::liquidate(deps, env, info, market, trader)
        }
        ExecuteMsg::SettleFunding { market } => upkeep::settle_funding(deps, env, info, market),
        ExecuteMsg::SweepPremium {} => upkeep::sweep_premium(deps, env, info),
        ExecuteMsg::PushPrice {
            market,
            price,
            publish_time,
        } => upkeep::push_price(deps, env, info, market, price, publish_time),
        ExecuteMsg::AddMarket(new) => governance::add_market(deps, env, info, new),
        ExecuteMsg::UpdateMarket { market, params } => {
            governance::update_market(deps, env, info, market, params)
        }
        ExecuteMsg::SetFeeders { market, feeders } => {
            governance::set_feeders(deps, info, market, feeders)
        }
        ExecuteMsg::TriggerShock { market } => governance::trigger_shock(deps, env, info, market),
        ExecuteMsg::EndShock { market } => governance::end_shock(deps, env, info, market),
        ExecuteMsg::UpdateFees(fees) => governance::update_fees(deps, info, fees),
        ExecuteMsg::UpdateConfig {
            fund,
            treasury,
            guardian,
        } => governance::update_config(deps, info, fund, treasury, guardian),
        ExecuteMsg::SetPause(pause) => governance::set_pause(deps, env, info, pause),
        ExecuteMsg::WithdrawTreasury {} => governance::withdraw_treasury(deps, info),
        ExecuteMsg::RepayDeficit {} => deficit::repay_deficit(deps, info),
        ExecuteMsg::ClaimOwed {} => deficit::claim_owed(deps, env, info),
        ExecuteMsg::RebuildStress { limit } => stress::rebuild(deps, info, limit),
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
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn reply(deps: DepsMut, env: Env, msg: Reply) -> Result<Response, ContractError> {
    match ReplyId::try_from(msg.id)? {
        ReplyId::Shortfall => liquidate::shortfall_reply(deps, env, &msg.payload, msg.result),
        ReplyId::AutoSweep => {
            let premium: Uint128 = from_json(&msg.payload)?;
            let mut state = STATE.load(deps.storage)?;
            accrue(&mut state, Pool::Premium, premium)?;
            STATE.save(deps.storage, &state)?;
            Ok(Response::new()
                .add_attribute("action", "auto_sweep_failed")
                .add_attribute("premium_kept", premium))
        }
        ReplyId::IgnoreFailure => {
            Ok(Response::new().add_attribute("action", "open_interest_report_failed"))
        }
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, env: Env, msg: QueryMsg) -> Result<Binary, ContractError> {
    Ok(match msg {
        QueryMsg::Config {} => to_json_binary(&query::config(deps)?),
        QueryMsg::Market { market } => to_json_binary(&query::market(deps, env, market)?),
        QueryMsg::Markets { start_after, limit } => {
            to_json_binary(&query::markets(deps, env, start_after, limit)?)
        }
        QueryMsg::Shock { market } => to_json_binary(&query::shock(deps, env, market)?),
        QueryMsg::Position { market, trader } => {
            to_json_binary(&query::position(deps, market, trader)?)
        }
        QueryMsg::Positions {
            trader,
            start_after,
            limit,
        } => to_json_binary(&query::positions(deps, trader, start_after, limit)?),
        QueryMsg::State {} => to_json_binary(&query::state(deps, env)?),
        QueryMsg::SocializedLosses { start_after, limit } => {
            to_json_binary(&query::socialized_losses(deps, start_after, limit)?)
        }
        QueryMsg::Owed { address } => to_json_binary(&query::owed(deps, address)?),
        QueryMsg::StressLoss { market, price_move } => {
            to_json_binary(&query::stress_loss(deps, market, price_move)?)
        }
        QueryMsg::Ownership {} => to_json_binary(&cw_ownable::get_ownership(deps.storage)?),
    }?)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn migrate(deps: DepsMut, _env: Env, _msg: MigrateMsg) -> Result<Response, ContractError> {
    let previous = cw2::ensure_from_older_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    // Older versions kept fee pools beside uncovered bad debt: write it off against them now,
    // so that uncovered bad debt above zero again implies empty pools.
    let mut state = STATE.load(deps.storage)?;
    let written_off = write_off(&mut state);
    STATE.save(deps.storage, &state)?;
    // Versions before the engine-wide end of shocks: derive it from the markets' shocks, so a
    // shock lasting through the migration still pauses the fund's claims.
    let shock_until = crate::shock::latest_until(deps.storage)?;
    if shock_until > 0 {
        crate::shock::note_until(deps.storage, shock_until)?;
    }
    // Versions before the hot/cold split of markets (at most `bounds::MARKETS.max`).
    let markets_split = crate::state::split_markets(deps.storage)?;
    // Versions before the stress buckets: their positions are counted by `RebuildStress`.
    if !STRESS_STATUS.exists(deps.storage) {
        STRESS_STATUS.save(deps.storage, &StressStatus::Rebuilding { after: None })?;
    }
    Ok(Response::new()
        .add_attribute("action", "migrate")
        .add_attribute("from_version", previous.to_string())
        .add_attribute("to_version", CONTRACT_VERSION)
        .add_attribute("written_off_unsplit", written_off.unsplit)
        .add_attribute("written_off_premium", written_off.premium)
        .add_attribute("written_off_treasury", written_off.treasury)
        .add_attribute("uncovered_bad_debt", state.uncovered_bad_debt)
        .add_attribute("markets_split", markets_split.to_string()))
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
