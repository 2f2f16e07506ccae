//! The proposal lifecycle: propose, vote, execute (running the actions in a submessage and
//! recording a failure), close and veto, and the settlement of the deposit.

use cosmwasm_std::{
    to_json_binary, to_json_vec, Addr, CosmosMsg, Deps, DepsMut, Env, MessageInfo, Response,
    SubMsg, Uint128,
};
use cw20::Cw20ExecuteMsg;
use cw_utils::nonpayable;
use tranche_perps_types::governance::Vote;
use tranche_perps_types::governance::{ProposalStatus, Tally};

use crate::actions::{action_msg, changes_guardian, only_changes_guardian, validate_action, wasm};
use crate::contract::ReplyId;
use crate::error::ContractError;
use crate::risk::{fund_exit_window, proposal_timelock, settle_timelock, timelock_window};
use crate::settings::required_deposit;
use crate::state::{
    load_config, load_progress, load_proposal, load_terms_and_progress, save_new_proposal, Ballot,
    Config, Progress, Proposal, ProposalTerms, ProposalText, BALLOTS, CONFIG, EXECUTING,
    NEXT_PROPOSAL_ID, PROGRESS, PROPOSALS, STAKES, TERMS, TOTAL_STAKED,
};
use crate::tally::{outcome, status_now};

/// Makes a proposal with `deposit` staking tokens already received.
pub fn propose(
    deps: DepsMut,
    env: Env,
    staking_token: Addr,
    proposer: Addr,
    text: ProposalText,
    deposit: Uint128,
) -> Result<Response, ContractError> {
    let ProposalText {
        title,
        description,
        actions,
    } = text;
    let config = CONFIG.load(deps.storage)?.with_token(staking_token);
    let gov = &config.config;
    let required = required_deposit(deps.as_ref(), &config)?;
    if deposit != required {
        return Err(ContractError::WrongDeposit {
            required,
            sent: deposit,
        });
    }
    if actions.is_empty() || actions.len() > gov.max_actions as usize {
        return Err(ContractError::BadActionCount {
            max: gov.max_actions,
        });
    }
    let size = to_json_vec(&actions)?.len() as u64;
    if size > u64::from(gov.max_action_bytes) {
        return Err(ContractError::ActionsTooLarge {
            size,
            max: gov.max_action_bytes,
        });
    }
    if title.trim().is_empty() || title.len() + description.len() > gov.max_text_bytes as usize {
        return Err(ContractError::BadText {
            max: gov.max_text_bytes,
        });
    }
    // Every action must be buildable now (addresses valid, targets configured, settings in
    // range).
    for (index, action) in actions.iter().enumerate() {
        validate_action(deps.as_ref(), &config, index, action)?;
        action_msg(&config, &env, action)?;
        // The guardian cannot veto a guardian change, so nothing may ride along with one.
        if changes_guardian(action) && !only_changes_guardian(&actions) {
            return Err(ContractError::GuardianChangeNotAlone { index });
        }
    }
    let height = env.block.height;
    let total_power = TOTAL_STAKED
        .may_load_at_height(deps.storage, height)?
        .unwrap_or_default();
    if total_power.is_zero() {
        return Err(ContractError::NoStake);
    }
    // Proposing takes stake: power at the proposal's height (staking in its own block adds
    // none), at least `min_proposer_share` of the total then (rounded up).
    let power = STAKES
        .may_load_at_height(deps.storage, &proposer, height)?
        .unwrap_or_default();
    let required = total_power.mul_ceil(gov.min_proposer_share);
    if power < required {
        return Err(ContractError::ProposerPowerTooLow { power, required });
    }
    let (timelock_seconds, risky) =
        proposal_timelock(deps.as_ref(), &config, &actions, gov.rules.timelock_seconds)?;
    let exit_window_seconds = config
        .fund
        .as_ref()
        .and_then(|fund| fund_exit_window(deps.as_ref(), fund));
    let id = NEXT_PROPOSAL_ID.may_load(deps.storage)?.unwrap_or(1);
    NEXT_PROPOSAL_ID.save(deps.storage, &(id + 1))?;
    let proposal = Proposal {
        text: ProposalText {
            title,
            description,
            actions,
        },
        terms: ProposalTerms {
            proposer: proposer.clone(),
            deposit,
            rules: gov.rules.clone(),
            refund_rejected: Some(gov.refund_rejected),
            start_height: height,
            total_power,
            voting_end: env.block.time.plus_seconds(gov.rules.voting_period_seconds),
            timelock_seconds,
            risky,
            exit_window_seconds,
        },
        progress: Progress {
            status: ProposalStatus::Open,
            tally: Tally::default(),
            passed_at: None,
            execution_error: None,
            deposit_settled: deposit.is_zero(),
        },
    };
    save_new_proposal(deps.storage, id, &proposal)?;
    Ok(Response::new()
        .add_attribute("action", "propose")
        .add_attribute("sender", proposer)
        .add_attribute("proposal_id", id.to_string())
        .add_attribute("timelock_seconds", timelock_seconds.to_string())
        .add_attribute("risk_raising", risky.to_string()))
}

/// Proposal `id` whole (its text, terms and progress).
pub fn load(deps: Deps, id: u64) -> Result<Proposal, ContractError> {
    load_proposal(deps.storage, id)?.ok_or(ContractError::ProposalNotFound { id })
}

/// The terms and progress of proposal `id`, without its text.
fn load_votable(deps: Deps, id: u64) -> Result<(ProposalTerms, Progress), ContractError> {
    load_terms_and_progress(deps.storage, id)?.ok_or(ContractError::ProposalNotFound { id })
}

/// Writes the progress of proposal `id`, and its terms when `terms_before` (as loaded) differs
/// from them: settling the timelock at execution or veto may change them.
fn save_settled(
    deps: DepsMut,
    id: u64,
    p: &Proposal,
    terms_before: &ProposalTerms,
) -> Result<(), ContractError> {
    if p.terms != *terms_before {
        TERMS.save(deps.storage, id, &p.terms)?;
    }
    PROGRESS.save(deps.storage, id, &p.progress)?;
    Ok(())
}

/// Casts the sender's power at the proposal's start height.
pub fn vote(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    id: u64,
    vote: Vote,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let (terms, mut progress) = load_votable(deps.as_ref(), id)?;
    if progress.status != ProposalStatus::Open
        || env.block.time >= terms.voting_end
        || outcome(&terms, &progress, env.block.time) != ProposalStatus::Open
    {
        return Err(ContractError::NotOpen { id });
    }
    if BALLOTS.has(deps.storage, (id, &info.sender)) {
        return Err(ContractError::AlreadyVoted { id });
    }
    let weight = STAKES
        .may_load_at_height(deps.storage, &info.sender, terms.start_height)?
        .unwrap_or_default();
    if weight.is_zero() {
        return Err(ContractError::NoVotingPower {
            height: terms.start_height,
        });
    }
    let slot = match vote {
        Vote::Yes => &mut progress.tally.yes,
        Vote::No => &mut progress.tally.no,
        Vote::Abstain => &mut progress.tally.abstain,
        Vote::Veto => &mut progress.tally.veto,
    };
    *slot = slot.checked_add(weight)?;
    BALLOTS.save(deps.storage, (id, &info.sender), &Ballot { vote, weight })?;
    let status = outcome(&terms, &progress, env.block.time);
    if status == ProposalStatus::Passed {
        progress.status = ProposalStatus::Passed;
        progress.passed_at = Some(env.block.time);
    }
    // Only the progress is written: a vote changes nothing else.
    PROGRESS.save(deps.storage, id, &progress)?;
    Ok(Response::new()
        .add_attribute("action", "vote")
        .add_attribute("sender", info.sender)
        .add_attribute("proposal_id", id.to_string())
        .add_attribute("vote", format!("{vote:?}").to_lowercase())
        .add_attribute("weight", weight)
        .add_attribute("status", format!("{status:?}").to_lowercase()))
}

/// Settles a proposal's deposit, paying it to `to`: the transfer, or `None` when the deposit
/// was settled before or is zero.
fn settle_deposit(
    config: &Config,
    to: &Addr,
    terms: &ProposalTerms,
    progress: &mut Progress,
) -> Result<Option<CosmosMsg>, ContractError> {
    if progress.deposit_settled {
        return Ok(None);
    }
    progress.deposit_settled = true;
    if terms.deposit.is_zero() {
        return Ok(None);
    }
    Ok(Some(wasm(
        &config.staking_token,
        &Cw20ExecuteMsg::Transfer {
            recipient: to.to_string(),
            amount: terms.deposit,
        },
    )?))
}

/// Executes a passed proposal after its timelock; its actions run atomically in a submessage
/// whose failure is recorded on the proposal.
pub fn execute(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    id: u64,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let config = load_config(deps.storage)?;
    let mut p = load(deps.as_ref(), id)?;
    let terms_before = p.terms.clone();
    let window = timelock_window(deps.as_ref(), &config, &p, id, env.block.time)?;
    if env.block.time < window.executable_at {
        return Err(ContractError::Timelocked {
            id,
            executable_at: window.executable_at.seconds(),
        });
    }
    p.progress.status = ProposalStatus::Executed;
    EXECUTING.save(deps.storage, &id)?;
    settle_timelock(&mut p, &window);
    let deposit_back = settle_deposit(&config, &p.terms.proposer, &p.terms, &mut p.progress)?;
    save_settled(deps, id, &p, &terms_before)?;
    let run = wasm(
        &env.contract.address,
        &tranche_perps_types::governance::ExecuteMsg::RunActions { proposal_id: id },
    )?;
    Ok(Response::new()
        .add_submessage(
            SubMsg::reply_on_error(run, ReplyId::Execution as u64)
                .with_payload(to_json_binary(&id)?),
        )
        .add_messages(deposit_back)
        .add_attribute("action", "execute")
        .add_attribute("sender", info.sender)
        .add_attribute("proposal_id", id.to_string()))
}

/// Only the contract itself: sends the actions of an executing proposal.
pub fn run_actions(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    id: u64,
) -> Result<Response, ContractError> {
    if info.sender != env.contract.address {
        return Err(ContractError::Unauthorized);
    }
    // Only the proposal being executed right now, once: an action of one proposal cannot run
    // another's (for instance a vetoed one).
    if EXECUTING.may_load(deps.storage)? != Some(id) {
        return Err(ContractError::NotExecuting { id });
    }
    EXECUTING.remove(deps.storage);
    let config = load_config(deps.storage)?;
    // Only the text: the actions.
    let text = PROPOSALS
        .may_load(deps.storage, id)?
        .ok_or(ContractError::ProposalNotFound { id })?;
    let msgs = text
        .actions
        .iter()
        .map(|action| action_msg(&config, &env, action))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Response::new()
        .add_messages(msgs)
        .add_attribute("action", "run_actions")
        .add_attribute("proposal_id", id.to_string()))
}

/// Records a failed execution with its error.
pub fn execution_failed(deps: DepsMut, id: u64, error: String) -> Result<Response, ContractError> {
    let mut progress =
        load_progress(deps.storage, id)?.ok_or(ContractError::ProposalNotFound { id })?;
    progress.status = ProposalStatus::ExecutionFailed;
    progress.execution_error = Some(error.clone());
    PROGRESS.save(deps.storage, id, &progress)?;
    Ok(Response::new()
        .add_attribute("action", "execution_failed")
        .add_attribute("proposal_id", id.to_string())
        .add_attribute("error", error))
}

/// Settles a rejected or vetoed proposal and its deposit (anyone).
pub fn close(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    id: u64,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let config = load_config(deps.storage)?;
    let (terms, mut progress) = load_votable(deps.as_ref(), id)?;
    let (status, _) = status_now(&terms, &progress, env.block.time);
    let closable = progress.status == ProposalStatus::Open
        && matches!(status, ProposalStatus::Rejected | ProposalStatus::Vetoed);
    if !closable {
        return Err(ContractError::NotClosable { id });
    }
    progress.status = status;
    // The refund policy the proposal was made under, not today's; a proposal stored before
    // the policy was copied into proposals is settled as that code settled it, by the
    // settings' policy at close.
    let to = if status == ProposalStatus::Rejected && terms.refunds_rejected(&config.config) {
        terms.proposer.clone()
    } else {
        config.treasury.clone()
    };
    let msg = settle_deposit(&config, &to, &terms, &mut progress)?;
    PROGRESS.save(deps.storage, id, &progress)?;
    Ok(Response::new()
        .add_messages(msg)
        .add_attribute("action", "close")
        .add_attribute("sender", info.sender)
        .add_attribute("proposal_id", id.to_string())
        .add_attribute("status", format!("{status:?}").to_lowercase()))
}

/// Guardian only: vetoes a passed proposal during its timelock; the deposit goes to treasury.
/// A proposal that only replaces or removes the guardian cannot be vetoed.
pub fn veto(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    id: u64,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let config = load_config(deps.storage)?;
    if config.guardian.as_ref() != Some(&info.sender) {
        return Err(ContractError::NotGuardian);
    }
    let mut p = load(deps.as_ref(), id)?;
    let terms_before = p.terms.clone();
    let window = timelock_window(deps.as_ref(), &config, &p, id, env.block.time)?;
    if only_changes_guardian(&p.text.actions) {
        return Err(ContractError::GuardianChangeNotVetoable { id });
    }
    if env.block.time >= window.executable_at {
        return Err(ContractError::VetoTooLate { id });
    }
    p.progress.status = ProposalStatus::Vetoed;
    settle_timelock(&mut p, &window);
    let msg = settle_deposit(&config, &config.treasury, &p.terms, &mut p.progress)?;
    save_settled(deps, id, &p, &terms_before)?;
    Ok(Response::new()
        .add_messages(msg)
        .add_attribute("action", "veto")
        .add_attribute("sender", info.sender)
        .add_attribute("proposal_id", id.to_string()))
}
