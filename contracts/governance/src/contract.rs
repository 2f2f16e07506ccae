//! Entry points and dispatch only; logic lives in the feature modules.

#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{
    from_json, to_json_binary, Binary, Deps, DepsMut, Env, MessageInfo, QuerierWrapper, Reply,
    Response, SubMsgResult,
};
use cw_utils::nonpayable;
use tranche_perps_types::governance::{ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg};

use crate::error::ContractError;
use crate::proposal;
use crate::querier::CachingQuerier;
use crate::settings::{self, check_staking_token, validate_config};
use crate::state::{
    load_config, save_config, Config, ProposalText, StoredConfig, LEGACY_CONFIG, NEXT_PROPOSAL_ID,
    STAKING_TOKEN,
};
use crate::{query, staking};

pub const CONTRACT_NAME: &str = concat!("crates.io:", env!("CARGO_PKG_NAME"));
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Submessages whose replies governance reads.
#[repr(u64)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReplyId {
    /// A proposal's actions (reply on error: the failure is recorded).
    Execution = 1,
}

impl TryFrom<u64> for ReplyId {
    type Error = ContractError;

    fn try_from(id: u64) -> Result<Self, Self::Error> {
        match id {
            1 => Ok(ReplyId::Execution),
            _ => Err(ContractError::UnknownReplyId { id }),
        }
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(
    deps: DepsMut,
    _env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let gov = msg.config.unwrap_or_default();
    let staking_token = deps.api.addr_validate(&msg.staking_token)?;
    validate_config(deps.as_ref(), &staking_token, &gov)?;
    let validate = |a: Option<String>| a.map(|a| deps.api.addr_validate(&a)).transpose();
    let fund = validate(msg.fund)?;
    check_staking_token(deps.as_ref(), &staking_token, fund.as_ref())?;
    let config = Config {
        staking_token,
        fund,
        engine: validate(msg.engine)?,
        guardian: validate(msg.guardian)?,
        treasury: deps.api.addr_validate(&msg.treasury)?,
        config: gov,
    };
    cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    STAKING_TOKEN.save(deps.storage, &config.staking_token)?;
    save_config(deps.storage, &config)?;
    NEXT_PROPOSAL_ID.save(deps.storage, &1)?;
    Ok(Response::new()
        .add_attribute("action", "instantiate")
        .add_attribute("sender", info.sender)
        .add_attribute("staking_token", config.staking_token))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: ExecuteMsg,
) -> Result<Response, ContractError> {
    // Each distinct fund, engine or token query once per message (see `CachingQuerier`).
    let querier = CachingQuerier::new(deps.querier);
    let deps = DepsMut {
        storage: deps.storage,
        api: deps.api,
        querier: QuerierWrapper::new(&querier),
    };
    match msg {
        ExecuteMsg::Receive(wrapper) => staking::receive(deps, env, info, wrapper),
        ExecuteMsg::Unstake { amount } => staking::unstake(deps, env, info, amount),
        ExecuteMsg::Claim {} => staking::claim(deps, env, info),
        ExecuteMsg::Propose {
            title,
            description,
            actions,
        } => {
            nonpayable(&info)?;
            let staking_token = STAKING_TOKEN.load(deps.storage)?;
            proposal::propose(
                deps,
                env,
                staking_token,
                info.sender,
                ProposalText {
                    title,
                    description,
                    actions,
                },
                Default::default(),
            )
        }
        ExecuteMsg::Vote { proposal_id, vote } => {
            proposal::vote(deps, env, info, proposal_id, vote)
        }
        ExecuteMsg::Execute { proposal_id } => proposal::execute(deps, env, info, proposal_id),
        ExecuteMsg::Close { proposal_id } => proposal::close(deps, env, info, proposal_id),
        ExecuteMsg::Veto { proposal_id } => proposal::veto(deps, env, info, proposal_id),
        ExecuteMsg::RunActions { proposal_id } => {
            proposal::run_actions(deps, env, info, proposal_id)
        }
        ExecuteMsg::UpdateConfig(gov) => settings::update_config(deps, env, info, gov),
        ExecuteMsg::UpdateAddresses(update) => settings::update_addresses(deps, env, info, update),
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn reply(deps: DepsMut, _env: Env, msg: Reply) -> Result<Response, ContractError> {
    match ReplyId::try_from(msg.id)? {
        ReplyId::Execution => {
            let id: u64 = from_json(&msg.payload)?;
            let error = match msg.result {
                SubMsgResult::Err(error) => error,
                SubMsgResult::Ok(_) => return Ok(Response::new()),
            };
            // The failed run was rolled back with its marker; clear it all the same.
            crate::state::EXECUTING.remove(deps.storage);
            proposal::execution_failed(deps, id, error)
        }
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, env: Env, msg: QueryMsg) -> Result<Binary, ContractError> {
    let querier = CachingQuerier::new(deps.querier);
    let deps = Deps {
        querier: QuerierWrapper::new(&querier),
        ..deps
    };
    Ok(match msg {
        QueryMsg::Config {} => to_json_binary(&query::config(deps)?),
        QueryMsg::Threshold {} => to_json_binary(&query::threshold(deps)?),
        QueryMsg::Proposal { proposal_id } => {
            to_json_binary(&query::proposal(deps, env, proposal_id)?)
        }
        QueryMsg::ListProposals { start_after, limit } => to_json_binary(&query::list_proposals(
            deps,
            env,
            start_after,
            limit,
            false,
        )?),
        QueryMsg::ReverseProposals {
            start_before,
            limit,
        } => to_json_binary(&query::list_proposals(
            deps,
            env,
            start_before,
            limit,
            true,
        )?),
        QueryMsg::Vote { proposal_id, voter } => {
            to_json_binary(&query::vote(deps, proposal_id, voter)?)
        }
        QueryMsg::ListVotes {
            proposal_id,
            start_after,
            limit,
        } => to_json_binary(&query::list_votes(deps, proposal_id, start_after, limit)?),
        QueryMsg::VotingPower { address, height } => {
            to_json_binary(&query::voting_power(deps, env, address, height)?)
        }
        QueryMsg::TotalPower { height } => to_json_binary(&query::total_power(deps, env, height)?),
        QueryMsg::Claims { address } => {
            let address = deps.api.addr_validate(&address)?;
            to_json_binary(&crate::state::CLAIMS.query_claims(deps, &address)?)
        }
    }?)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn migrate(deps: DepsMut, _env: Env, _msg: MigrateMsg) -> Result<Response, ContractError> {
    let previous = cw2::ensure_from_older_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    let split = split_config(deps.storage)?;
    // The staking token cannot be changed; one that is a fund share (instantiated before this
    // was refused) keeps the old code, and the DAO moves to a new governance instead.
    let config = load_config(deps.storage)?;
    check_staking_token(deps.as_ref(), &config.staking_token, config.fund.as_ref())?;
    Ok(Response::new()
        .add_attribute("action", "migrate")
        .add_attribute("from_version", previous.to_string())
        .add_attribute("to_version", CONTRACT_VERSION)
        .add_attribute("split_records", split.to_string()))
}

/// Moves the staking token out of the configuration record of the layout before the hot/cold
/// split (one record read, two written); does nothing on a configuration stored in this
/// layout. Proposals stored whole before the split are not rewritten (their number is not
/// bounded): each keeps its record, from which its terms and progress are read until this
/// code first writes them (see `state::LegacyProposal`). Returns how many records it moved.
fn split_config(storage: &mut dyn cosmwasm_std::Storage) -> Result<u32, ContractError> {
    if STAKING_TOKEN.may_load(storage)?.is_some() {
        return Ok(0);
    }
    let old = LEGACY_CONFIG.load(storage)?;
    STAKING_TOKEN.save(storage, &old.staking_token)?;
    let config = StoredConfig {
        fund: old.fund,
        engine: old.engine,
        guardian: old.guardian,
        treasury: old.treasury,
        config: old.config,
    };
    save_config(storage, &config.with_token(old.staking_token))?;
    Ok(1)
}
