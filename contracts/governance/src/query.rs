use cosmwasm_std::{Deps, Env, Order, StdResult};
use cw_storage_plus::Bound;
use tranche_perps_types::governance::{
    GovConfigResponse, PowerResponse, ProposalListResponse, ProposalResponse, ProposalStatus,
    ThresholdResponse, VoteInfo, VoteListResponse, VoteResponse,
};
use tranche_perps_types::page_limit;

use crate::error::ContractError;
use crate::proposal::load;
use crate::risk::required_timelock;
use crate::state::{
    load_config, load_terms_and_progress, Config, Proposal, BALLOTS, CONFIG, PROPOSALS, STAKES,
    TOTAL_STAKED,
};
use crate::tally::status_now;

pub fn config(deps: Deps) -> Result<GovConfigResponse, ContractError> {
    let c = load_config(deps.storage)?;
    Ok(GovConfigResponse {
        staking_token: c.staking_token,
        fund: c.fund,
        engine: c.engine,
        guardian: c.guardian,
        treasury: c.treasury,
        config: c.config,
    })
}

pub fn threshold(deps: Deps) -> Result<ThresholdResponse, ContractError> {
    let rules = CONFIG.load(deps.storage)?.config.rules;
    Ok(ThresholdResponse {
        threshold: rules.threshold,
        quorum: rules.quorum,
        veto_threshold: rules.veto_threshold,
        total_weight: TOTAL_STAKED.may_load(deps.storage)?.unwrap_or_default(),
    })
}

fn view(deps: Deps, env: &Env, config: &Config, id: u64, p: Proposal) -> ProposalResponse {
    let (status, passed_at) = status_now(&p.terms, &p.progress, env.block.time);
    // A passed proposal shows the timelock `Execute` and `Veto` would enforce now; a settled
    // one the timelock it was held to.
    let timelock = if status == ProposalStatus::Passed {
        required_timelock(deps, config, &p).0
    } else {
        p.terms.timelock_seconds
    };
    let refund_rejected = p.terms.refunds_rejected(&config.config);
    let Proposal {
        text,
        terms,
        progress,
    } = p;
    ProposalResponse {
        id,
        status,
        executable_at: passed_at.map(|at| at.plus_seconds(timelock)),
        title: text.title,
        description: text.description,
        actions: text.actions,
        proposer: terms.proposer,
        deposit: terms.deposit,
        rules: terms.rules,
        refund_rejected,
        start_height: terms.start_height,
        total_power: terms.total_power,
        tally: progress.tally,
        voting_end: terms.voting_end,
        timelock_seconds: terms.timelock_seconds,
        execution_error: progress.execution_error,
    }
}

pub fn proposal(deps: Deps, env: Env, id: u64) -> Result<ProposalResponse, ContractError> {
    let config = load_config(deps.storage)?;
    Ok(view(deps, &env, &config, id, load(deps, id)?))
}

pub fn list_proposals(
    deps: Deps,
    env: Env,
    from: Option<u64>,
    limit: Option<u32>,
    reverse: bool,
) -> Result<ProposalListResponse, ContractError> {
    let (min, max, order) = if reverse {
        (None, from.map(Bound::exclusive), Order::Descending)
    } else {
        (from.map(Bound::exclusive), None, Order::Ascending)
    };
    let config = load_config(deps.storage)?;
    let proposals = PROPOSALS
        .range(deps.storage, min, max, order)
        .take(page_limit(limit))
        .map(|item| {
            let (id, text) = item?;
            let (terms, progress) = load_terms_and_progress(deps.storage, id)?
                .ok_or(ContractError::ProposalNotFound { id })?;
            let p = Proposal {
                text,
                terms,
                progress,
            };
            Ok(view(deps, &env, &config, id, p))
        })
        .collect::<Result<_, ContractError>>()?;
    Ok(ProposalListResponse { proposals })
}

pub fn vote(deps: Deps, id: u64, voter: String) -> Result<VoteResponse, ContractError> {
    let voter = deps.api.addr_validate(&voter)?;
    let vote = BALLOTS
        .may_load(deps.storage, (id, &voter))?
        .map(|b| VoteInfo {
            proposal_id: id,
            voter: voter.to_string(),
            vote: b.vote,
            weight: b.weight,
        });
    Ok(VoteResponse { vote })
}

pub fn list_votes(
    deps: Deps,
    id: u64,
    start_after: Option<String>,
    limit: Option<u32>,
) -> Result<VoteListResponse, ContractError> {
    let start = start_after
        .map(|a| deps.api.addr_validate(&a))
        .transpose()?;
    let votes = BALLOTS
        .prefix(id)
        .range(
            deps.storage,
            start.as_ref().map(Bound::exclusive),
            None,
            Order::Ascending,
        )
        .take(page_limit(limit))
        .map(|item| {
            item.map(|(voter, b)| VoteInfo {
                proposal_id: id,
                voter: voter.to_string(),
                vote: b.vote,
                weight: b.weight,
            })
        })
        .collect::<StdResult<_>>()?;
    Ok(VoteListResponse { votes })
}

pub fn voting_power(
    deps: Deps,
    env: Env,
    address: String,
    height: Option<u64>,
) -> Result<PowerResponse, ContractError> {
    let address = deps.api.addr_validate(&address)?;
    let (power, height) = match height {
        Some(h) => (STAKES.may_load_at_height(deps.storage, &address, h)?, h),
        None => (STAKES.may_load(deps.storage, &address)?, env.block.height),
    };
    Ok(PowerResponse {
        power: power.unwrap_or_default(),
        height,
    })
}

pub fn total_power(
    deps: Deps,
    env: Env,
    height: Option<u64>,
) -> Result<PowerResponse, ContractError> {
    let (power, height) = match height {
        Some(h) => (TOTAL_STAKED.may_load_at_height(deps.storage, h)?, h),
        None => (TOTAL_STAKED.may_load(deps.storage)?, env.block.height),
    };
    Ok(PowerResponse {
        power: power.unwrap_or_default(),
        height,
    })
}
