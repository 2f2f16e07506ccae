use cosmwasm_std::{
    to_json_binary, to_json_vec, Addr, CosmosMsg, Decimal, Deps, DepsMut, Env, MessageInfo,
    Response, SubMsg, Timestamp, Uint128, Uint256, WasmMsg,
};
use cw20::{Cw20ExecuteMsg, Cw20QueryMsg, TokenInfoResponse};
use cw_utils::nonpayable;
use tranche_perps_types::fund::GovernorAction;
use tranche_perps_types::governance::Vote;
use tranche_perps_types::governance::{
    Action, GovAddressesUpdate, GovConfig, ProposalStatus, Tally, VotingRules,
};
use tranche_perps_types::{engine, fund};

use crate::contract::ReplyId;
use crate::error::ContractError;
use crate::state::{
    Ballot, Config, Proposal, BALLOTS, CONFIG, EXECUTING, NEXT_PROPOSAL_ID, PROPOSALS, STAKES,
    TOTAL_STAKED,
};

const MINUTE: u64 = 60;
const DAY: u64 = 86_400;

fn range_error(name: &'static str, value: impl ToString, range: &'static str) -> ContractError {
    ContractError::ParamOutOfRange {
        name,
        value: value.to_string(),
        range,
    }
}

/// The largest proposal deposit as a share of the staking token's total supply: a larger
/// deposit could leave nobody able to propose, not even the fix. Checked when the settings are
/// set, and applied again at every proposal (see [`required_deposit`]) because the supply can
/// shrink later.
const MAX_DEPOSIT_SHARE: Decimal = Decimal::percent(10);

/// Timelock of a proposal made while the fund or engine cannot answer the risk check (a typo
/// in an address change, a target migrated away): such a proposal is taken as risk-raising and
/// waits at least the fund's default cooldown plus claim window (7 + 2 days). Refusing it
/// instead would refuse the address change that repairs governance. Execution and veto check
/// the timelock again and raise it to the fund's actual exit window if the fund answers then.
pub const FALLBACK_RISKY_TIMELOCK_SECONDS: u64 = 9 * DAY;

/// The deposit a proposal needs now: the configured deposit, but never more than a tenth of
/// the staking token's current total supply (rounded down), so burns after the settings were
/// set cannot make the deposit unpayable and lock governance.
pub fn required_deposit(deps: Deps, config: &Config) -> Result<Uint128, ContractError> {
    let configured = config.config.proposal_deposit;
    if configured.is_zero() {
        return Ok(configured);
    }
    Ok(configured.min(deposit_cap(deps, &config.staking_token)?))
}

/// The largest deposit allowed now: a tenth of the staking token's total supply, rounded down.
fn deposit_cap(deps: Deps, staking_token: &Addr) -> Result<Uint128, ContractError> {
    let info: TokenInfoResponse = deps
        .querier
        .query_wasm_smart(staking_token, &Cw20QueryMsg::TokenInfo {})?;
    Ok(info.total_supply.mul_floor(MAX_DEPOSIT_SHARE))
}

/// Whether `fund` answers the fund's `Config` query with the response governance reads.
///
/// The helpers below ask the fund and engine freely: the entry points hand them a
/// [`crate::querier::CachingQuerier`], so within one message a repeated query is answered from
/// the first asking instead of costing another cross-contract query.
fn fund_answers(deps: Deps, fund: &Addr) -> bool {
    deps.querier
        .query_wasm_smart::<fund::ConfigResponse>(fund, &fund::QueryMsg::Config {})
        .is_ok()
}

/// Whether `engine` answers the engine's `Config` query with the response governance reads.
fn engine_answers(deps: Deps, engine: &Addr) -> bool {
    deps.querier
        .query_wasm_smart::<engine::EngineConfigResponse>(engine, &engine::QueryMsg::Config {})
        .is_ok()
}

/// Checks every setting against its documented range, and a nonzero proposal deposit against
/// a tenth of the staking token's total supply now.
///
/// The vote ranges keep governance able to pass something: a unanimous yes always passes
/// (threshold below 1, veto needing a positive share), and a stake that does not vote cannot
/// block everything unless it is more than `1 - quorum` of all power (quorum below 1).
pub fn validate_config(
    deps: Deps,
    staking_token: &Addr,
    config: &GovConfig,
) -> Result<(), ContractError> {
    let r = &config.rules;
    let share = |d: Decimal, lo: Decimal, one_allowed: bool, name, range| {
        if d < lo || d > Decimal::one() || (d == Decimal::one() && !one_allowed) {
            Err(range_error(name, d, range))
        } else {
            Ok(())
        }
    };
    share(r.quorum, Decimal::percent(1), false, "quorum", "0.01 ..< 1")?;
    share(
        r.threshold,
        Decimal::percent(50),
        false,
        "threshold",
        "0.5 ..< 1",
    )?;
    share(
        r.veto_threshold,
        Decimal::percent(1),
        true,
        "veto_threshold",
        "0.01 ..= 1",
    )?;
    if !(MINUTE..=30 * DAY).contains(&r.voting_period_seconds) {
        return Err(range_error(
            "voting_period_seconds",
            r.voting_period_seconds,
            "60 ..= 2592000",
        ));
    }
    if r.timelock_seconds > 30 * DAY {
        return Err(range_error(
            "timelock_seconds",
            r.timelock_seconds,
            "0 ..= 2592000",
        ));
    }
    if !(MINUTE..=60 * DAY).contains(&config.unbonding_seconds) {
        return Err(range_error(
            "unbonding_seconds",
            config.unbonding_seconds,
            "60 ..= 5184000",
        ));
    }
    if !(1..=20).contains(&config.max_actions) {
        return Err(range_error("max_actions", config.max_actions, "1 ..= 20"));
    }
    if !(64..=10_000).contains(&config.max_text_bytes) {
        return Err(range_error(
            "max_text_bytes",
            config.max_text_bytes,
            "64 ..= 10000",
        ));
    }
    // The lower end still fits the largest settings change and a full address change, so the
    // cap cannot keep governance from raising it again.
    if !(1_024..=64_000).contains(&config.max_action_bytes) {
        return Err(range_error(
            "max_action_bytes",
            config.max_action_bytes,
            "1024 ..= 64000",
        ));
    }
    if !config.proposal_deposit.is_zero() {
        let max = deposit_cap(deps, staking_token)?;
        if config.proposal_deposit > max {
            return Err(ContractError::DepositTooLarge {
                deposit: config.proposal_deposit,
                max,
            });
        }
    }
    Ok(())
}

/// Checks what governance can check of an action before it is proposed: every address inside
/// it, and a settings change in full. Ranges of fund and engine parameters are left to those
/// contracts (a failure there is recorded on the proposal at execution).
fn validate_action(
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
                if !fund_answers(deps, &deps.api.addr_validate(a)?) {
                    return Err(not_answering("fund", a));
                }
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

fn target(addr: &Option<Addr>, name: &'static str) -> Result<Addr, ContractError> {
    addr.clone().ok_or(ContractError::NoTarget { target: name })
}

fn wasm(contract: &Addr, msg: &impl serde::Serialize) -> Result<CosmosMsg, ContractError> {
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
fn changes_guardian(action: &Action) -> bool {
    matches!(
        action,
        Action::UpdateGovAddresses(update)
            if update.guardian.is_some() || update.remove_guardian == Some(true)
    )
}

/// Whether a proposal does nothing but replace or remove the guardian: the one kind the
/// guardian cannot veto. (A raw self-call doing the same stays vetoable.)
fn only_changes_guardian(actions: &[Action]) -> bool {
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

/// Whether an action adds risk for underwriters (so it must wait out a withdrawal).
fn raises_risk(deps: Deps, config: &Config, action: &Action) -> Result<bool, ContractError> {
    Ok(match action {
        Action::UpdateFundParams(update) => {
            let fund = target(&config.fund, "fund")?;
            let current: fund::ConfigResponse = deps
                .querier
                .query_wasm_smart(fund, &fund::QueryMsg::Config {})?;
            let p = current.params;
            update
                .min_junior_ratio
                .is_some_and(|v| v < p.min_junior_ratio)
                || update.max_payout_bps.is_some_and(|v| v > p.max_payout_bps)
                || update
                    .payout_window_seconds
                    .is_some_and(|v| v < p.payout_window_seconds)
                || update
                    .cooldown_seconds
                    .is_some_and(|v| v < p.cooldown_seconds)
                || update
                    .claim_window_seconds
                    .is_some_and(|v| v < p.claim_window_seconds)
                || update.min_remaining.is_some_and(|v| v < p.min_remaining)
        }
        Action::UpdateFundConfig { engine, .. } => engine.is_some(),
        // A new fund or engine changes what every later typed action controls.
        Action::UpdateGovAddresses(update) => update.fund.is_some() || update.engine.is_some(),
        Action::UpdateMarket { market, params } => {
            let engine = target(&config.engine, "engine")?;
            let current: engine::MarketResponse = deps.querier.query_wasm_smart(
                engine,
                &engine::QueryMsg::Market {
                    market: market.clone(),
                },
            )?;
            let p = current.params;
            params.initial_margin_ratio < p.initial_margin_ratio
                || params.maintenance_margin_ratio < p.maintenance_margin_ratio
                || params.liquidation_fee < p.liquidation_fee
                || params.max_long_oi > p.max_long_oi
                || params.max_short_oi > p.max_short_oi
                || params.max_spread > p.max_spread
                || params.oracle_max_age_seconds > p.oracle_max_age_seconds
        }
        // Pausing withdrawals traps underwriters; unpausing, and the deposit flag, do not.
        Action::SetFundPause { withdrawals, .. } => *withdrawals == Some(true),
        Action::FundOwnership(GovernorAction::AcceptOwnership)
        | Action::EngineOwnership(GovernorAction::AcceptOwnership) => false,
        // New feeders control the index every liquidation and bad debt follows.
        Action::AddMarket(_)
        | Action::SetFeeders { .. }
        | Action::FundOwnership(_)
        | Action::EngineOwnership(_)
        | Action::Raw(_) => true,
        Action::SetEnginePause(_) | Action::UpdateEngineFees(_) | Action::UpdateGovConfig(_) => {
            false
        }
    })
}

/// Whether the target an action's risk check reads (the fund for a fund parameter change, the
/// engine for a market update) answers its `Config` query. When it does, a failed risk check
/// is about the action itself (an unknown market), not about a target that cannot answer.
fn risk_target_answers(deps: Deps, config: &Config, action: &Action) -> bool {
    match action {
        Action::UpdateFundParams(_) => config.fund.as_ref().is_some_and(|f| fund_answers(deps, f)),
        Action::UpdateMarket { .. } => config
            .engine
            .as_ref()
            .is_some_and(|e| engine_answers(deps, e)),
        _ => false,
    }
}

/// Whether an action raises underwriters' risk judged now; an action whose risk check cannot
/// be answered (the fund or engine migrated away or replaced) counts as risky.
fn risky_now(deps: Deps, config: &Config, action: &Action) -> bool {
    raises_risk(deps, config, action).unwrap_or(true)
}

/// Longest exit window a timelock waits: the fund's longest cooldown plus longest claim window
/// (90 + 30 days). A replaced fund answering more cannot push a timestamp past its range and
/// make the proposal unexecutable.
const MAX_EXIT_WINDOW_SECONDS: u64 = 120 * DAY;

/// The fund's exit window now (cooldown plus claim window, at most
/// [`MAX_EXIT_WINDOW_SECONDS`]), `None` when the fund does not answer.
fn fund_exit_window(deps: Deps, fund: &Addr) -> Option<u64> {
    deps.querier
        .query_wasm_smart::<fund::ConfigResponse>(fund, &fund::QueryMsg::Config {})
        .ok()
        .map(|c| {
            c.params
                .cooldown_seconds
                .saturating_add(c.params.claim_window_seconds)
                .min(MAX_EXIT_WINDOW_SECONDS)
        })
}

/// The timelock of a risky proposal: `base`, raised to the fund's current exit window, or to
/// `fallback` when the fund cannot answer. Read apart from the per-action risk checks, so a
/// fund that answers is always waited out, whatever else fails. Without a fund there are no
/// underwriters to wait for.
fn risky_timelock(deps: Deps, config: &Config, base: u64, fallback: u64) -> u64 {
    match &config.fund {
        Some(fund) => base.max(fund_exit_window(deps, fund).unwrap_or(fallback)),
        None => base,
    }
}

/// The timelock and risk of a new proposal. An action whose risk check cannot be answered
/// counts as risky, and a fund that cannot answer gives a risky proposal
/// [`FALLBACK_RISKY_TIMELOCK_SECONDS`]: refusing instead would refuse the address change that
/// repairs governance. A risk check that fails although its target answers (an unknown
/// market) refuses the proposal.
fn proposal_timelock(
    deps: Deps,
    config: &Config,
    actions: &[Action],
    base: u64,
) -> Result<(u64, bool), ContractError> {
    let mut risky = false;
    for action in actions {
        risky |= match raises_risk(deps, config, action) {
            Ok(raises) => raises,
            Err(err) if risk_target_answers(deps, config, action) => return Err(err),
            Err(_) => true,
        };
    }
    let timelock = if risky {
        risky_timelock(deps, config, base, FALLBACK_RISKY_TIMELOCK_SECONDS)
    } else {
        base
    };
    Ok((timelock, risky))
}

/// The timelock a passed proposal is held to now, and whether it is risky. Risk is judged
/// again against the parameters now (an action whose check cannot be answered counts as
/// risky; a proposal judged risky before stays risky); a risky proposal waits the fund's
/// current exit window, or its stored timelock when the fund cannot answer. Never below the
/// stored timelock, so a later change of the fund's parameters cannot shorten the exit window
/// underwriters are promised, and never stuck: every query that fails only falls back.
/// `Execute` and `Veto` enforce it and the proposal query shows it.
pub fn required_timelock(deps: Deps, config: &Config, p: &Proposal) -> (u64, bool) {
    let risky = p.risky || p.actions.iter().any(|a| risky_now(deps, config, a));
    let stored = p.timelock_seconds.max(p.rules.timelock_seconds);
    let timelock = if risky {
        risky_timelock(deps, config, stored, stored)
    } else {
        stored
    };
    (timelock, risky)
}

/// Makes a proposal with `deposit` staking tokens already received.
pub fn propose(
    deps: DepsMut,
    env: Env,
    proposer: Addr,
    title: String,
    description: String,
    actions: Vec<Action>,
    deposit: Uint128,
) -> Result<Response, ContractError> {
    let config = CONFIG.load(deps.storage)?;
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
    let (timelock_seconds, risky) =
        proposal_timelock(deps.as_ref(), &config, &actions, gov.rules.timelock_seconds)?;
    let id = NEXT_PROPOSAL_ID.may_load(deps.storage)?.unwrap_or(1);
    NEXT_PROPOSAL_ID.save(deps.storage, &(id + 1))?;
    let proposal = Proposal {
        title,
        description,
        actions,
        proposer: proposer.clone(),
        deposit,
        status: ProposalStatus::Open,
        rules: gov.rules.clone(),
        refund_rejected: Some(gov.refund_rejected),
        start_height: height,
        total_power,
        tally: Tally::default(),
        voting_end: env.block.time.plus_seconds(gov.rules.voting_period_seconds),
        timelock_seconds,
        risky,
        passed_at: None,
        execution_error: None,
        deposit_settled: deposit.is_zero(),
    };
    PROPOSALS.save(deps.storage, id, &proposal)?;
    Ok(Response::new()
        .add_attribute("action", "propose")
        .add_attribute("sender", proposer)
        .add_attribute("proposal_id", id.to_string())
        .add_attribute("timelock_seconds", timelock_seconds.to_string())
        .add_attribute("risk_raising", risky.to_string()))
}

/// `a * ratio <= b` style comparisons without rounding: `x * d.atomics() >= y * 10^18`.
fn at_least(part: Uint128, whole: Uint128, share: Decimal) -> bool {
    Uint256::from(part) * Uint256::from(Decimal::one().atomics())
        >= Uint256::from(whole) * Uint256::from(share.atomics())
}

fn above(part: Uint128, whole: Uint128, share: Decimal) -> bool {
    Uint256::from(part) * Uint256::from(Decimal::one().atomics())
        > Uint256::from(whole) * Uint256::from(share.atomics())
}

/// The outcome of a proposal's votes at `now`, deciding early only when no remaining vote
/// could change it.
pub fn outcome(p: &Proposal, now: Timestamp) -> ProposalStatus {
    let t = &p.tally;
    let rules: &VotingRules = &p.rules;
    let cast = t.yes + t.no + t.abstain + t.veto;
    let remaining = p.total_power.saturating_sub(cast);
    let non_abstain = t.yes + t.no + t.veto;
    if now >= p.voting_end {
        return if !at_least(cast, p.total_power, rules.quorum) {
            ProposalStatus::Rejected
        } else if at_least(t.veto, cast, rules.veto_threshold) {
            ProposalStatus::Vetoed
        } else if above(t.yes, non_abstain, rules.threshold) {
            ProposalStatus::Passed
        } else {
            ProposalStatus::Rejected
        };
    }
    // Vetoed whatever the rest votes: quorum met, and the veto share of all possible votes
    // reaches the threshold.
    if at_least(cast, p.total_power, rules.quorum)
        && at_least(t.veto, p.total_power, rules.veto_threshold)
    {
        return ProposalStatus::Vetoed;
    }
    // Passed whatever the rest votes: quorum met, the rest voting no still leaves yes above
    // the threshold, and the rest voting veto still leaves veto under its threshold.
    if at_least(cast, p.total_power, rules.quorum)
        && above(t.yes, non_abstain + remaining, rules.threshold)
        && !at_least(t.veto + remaining, p.total_power, rules.veto_threshold)
    {
        return ProposalStatus::Passed;
    }
    // Rejected whatever the rest votes: even all remaining yes cannot pass, and all remaining
    // veto cannot turn it into a veto (which would send the deposit to the treasury).
    if !above(t.yes + remaining, non_abstain + remaining, rules.threshold)
        && !at_least(t.veto + remaining, p.total_power, rules.veto_threshold)
    {
        return ProposalStatus::Rejected;
    }
    ProposalStatus::Open
}

/// Status now: a settled status, or the outcome of an open proposal.
pub fn status_now(p: &Proposal, now: Timestamp) -> (ProposalStatus, Option<Timestamp>) {
    if p.status != ProposalStatus::Open {
        return (p.status, p.passed_at);
    }
    match outcome(p, now) {
        ProposalStatus::Passed => (
            ProposalStatus::Passed,
            Some(p.passed_at.unwrap_or(p.voting_end.min(now))),
        ),
        other => (other, None),
    }
}

pub fn load(deps: Deps, id: u64) -> Result<Proposal, ContractError> {
    PROPOSALS
        .may_load(deps.storage, id)?
        .ok_or(ContractError::ProposalNotFound { id })
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
    let mut p = load(deps.as_ref(), id)?;
    if p.status != ProposalStatus::Open
        || env.block.time >= p.voting_end
        || outcome(&p, env.block.time) != ProposalStatus::Open
    {
        return Err(ContractError::NotOpen { id });
    }
    if BALLOTS.has(deps.storage, (id, &info.sender)) {
        return Err(ContractError::AlreadyVoted { id });
    }
    let weight = STAKES
        .may_load_at_height(deps.storage, &info.sender, p.start_height)?
        .unwrap_or_default();
    if weight.is_zero() {
        return Err(ContractError::NoVotingPower {
            height: p.start_height,
        });
    }
    let slot = match vote {
        Vote::Yes => &mut p.tally.yes,
        Vote::No => &mut p.tally.no,
        Vote::Abstain => &mut p.tally.abstain,
        Vote::Veto => &mut p.tally.veto,
    };
    *slot = slot.checked_add(weight)?;
    BALLOTS.save(deps.storage, (id, &info.sender), &Ballot { vote, weight })?;
    let status = outcome(&p, env.block.time);
    if status == ProposalStatus::Passed {
        p.status = ProposalStatus::Passed;
        p.passed_at = Some(env.block.time);
    }
    PROPOSALS.save(deps.storage, id, &p)?;
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
    p: &mut Proposal,
) -> Result<Option<CosmosMsg>, ContractError> {
    if p.deposit_settled {
        return Ok(None);
    }
    p.deposit_settled = true;
    if p.deposit.is_zero() {
        return Ok(None);
    }
    Ok(Some(wasm(
        &config.staking_token,
        &Cw20ExecuteMsg::Transfer {
            recipient: to.to_string(),
            amount: p.deposit,
        },
    )?))
}

/// The timelock of a passed proposal checked against the fund's parameters now.
struct TimelockWindow {
    passed_at: Timestamp,
    executable_at: Timestamp,
    timelock_seconds: u64,
    risky: bool,
}

/// When a passed proposal passed and when its timelock ends, the timelock checked against the
/// fund's parameters now; `NotPassed` for any other status.
///
/// See [`required_timelock`]: a fund or engine that cannot answer (migrated to code that no
/// longer knows the query, or replaced by an address that is not a contract) never leaves the
/// proposal unexecutable or unvetoable with its deposit locked.
fn timelock_window(
    deps: Deps,
    config: &Config,
    p: &Proposal,
    id: u64,
    now: Timestamp,
) -> Result<TimelockWindow, ContractError> {
    let passed_at = match status_now(p, now) {
        (ProposalStatus::Passed, Some(at)) => at,
        _ => return Err(ContractError::NotPassed { id }),
    };
    let (timelock_seconds, risky) = required_timelock(deps, config, p);
    Ok(TimelockWindow {
        passed_at,
        executable_at: passed_at.plus_seconds(timelock_seconds),
        timelock_seconds,
        risky,
    })
}

/// Records on a settled proposal the timelock it was held to.
fn settle_timelock(p: &mut Proposal, window: &TimelockWindow) {
    p.passed_at = Some(window.passed_at);
    p.timelock_seconds = window.timelock_seconds;
    p.risky = window.risky;
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
    let config = CONFIG.load(deps.storage)?;
    let mut p = load(deps.as_ref(), id)?;
    let window = timelock_window(deps.as_ref(), &config, &p, id, env.block.time)?;
    if env.block.time < window.executable_at {
        return Err(ContractError::Timelocked {
            id,
            executable_at: window.executable_at.seconds(),
        });
    }
    p.status = ProposalStatus::Executed;
    EXECUTING.save(deps.storage, &id)?;
    settle_timelock(&mut p, &window);
    let deposit_back = settle_deposit(&config, &p.proposer.clone(), &mut p)?;
    PROPOSALS.save(deps.storage, id, &p)?;
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
    // Only the proposal being executed right now, once: an action of one proposal cannot run
    // another's (for instance a vetoed one).
    if info.sender != env.contract.address || EXECUTING.may_load(deps.storage)? != Some(id) {
        return Err(ContractError::Unauthorized);
    }
    EXECUTING.remove(deps.storage);
    let config = CONFIG.load(deps.storage)?;
    let p = load(deps.as_ref(), id)?;
    let msgs = p
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
    let mut p = load(deps.as_ref(), id)?;
    p.status = ProposalStatus::ExecutionFailed;
    p.execution_error = Some(error.clone());
    PROPOSALS.save(deps.storage, id, &p)?;
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
    let config = CONFIG.load(deps.storage)?;
    let mut p = load(deps.as_ref(), id)?;
    let (status, _) = status_now(&p, env.block.time);
    let closable = p.status == ProposalStatus::Open
        && matches!(status, ProposalStatus::Rejected | ProposalStatus::Vetoed);
    if !closable {
        return Err(ContractError::NotClosable { id });
    }
    p.status = status;
    // The refund policy the proposal was made under, not today's; a proposal stored before
    // the policy was copied into proposals is settled as that code settled it, by the
    // settings' policy at close.
    let to = if status == ProposalStatus::Rejected && p.refunds_rejected(&config.config) {
        p.proposer.clone()
    } else {
        config.treasury.clone()
    };
    let msg = settle_deposit(&config, &to, &mut p)?;
    PROPOSALS.save(deps.storage, id, &p)?;
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
    let config = CONFIG.load(deps.storage)?;
    if config.guardian.as_ref() != Some(&info.sender) {
        return Err(ContractError::NotGuardian);
    }
    let mut p = load(deps.as_ref(), id)?;
    let window = timelock_window(deps.as_ref(), &config, &p, id, env.block.time)?;
    if only_changes_guardian(&p.actions) {
        return Err(ContractError::GuardianChangeNotVetoable { id });
    }
    if env.block.time >= window.executable_at {
        return Err(ContractError::VetoTooLate { id });
    }
    p.status = ProposalStatus::Vetoed;
    settle_timelock(&mut p, &window);
    let msg = settle_deposit(&config, &config.treasury, &mut p)?;
    PROPOSALS.save(deps.storage, id, &p)?;
    Ok(Response::new()
        .add_messages(msg)
        .add_attribute("action", "veto")
        .add_attribute("sender", info.sender)
        .add_attribute("proposal_id", id.to_string()))
}

/// Applies a settings change made by a proposal (sender must be the contract itself).
pub fn update_config(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    gov: GovConfig,
) -> Result<Response, ContractError> {
    if info.sender != env.contract.address {
        return Err(ContractError::Unauthorized);
    }
    let mut config = CONFIG.load(deps.storage)?;
    validate_config(deps.as_ref(), &config.staking_token, &gov)?;
    config.config = gov;
    CONFIG.save(deps.storage, &config)?;
    Ok(Response::new()
        .add_attribute("action", "update_config")
        .add_attribute("sender", info.sender))
}

/// Applies an address change made by a proposal (sender must be the contract itself).
pub fn update_addresses(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    update: GovAddressesUpdate,
) -> Result<Response, ContractError> {
    if info.sender != env.contract.address {
        return Err(ContractError::Unauthorized);
    }
    let mut config = CONFIG.load(deps.storage)?;
    let validate = |a: Option<String>| a.map(|a| deps.api.addr_validate(&a)).transpose();
    if update.guardian.is_some() && update.remove_guardian == Some(true) {
        return Err(ContractError::ConflictingGuardianUpdate);
    }
    if let Some(fund) = validate(update.fund)? {
        config.fund = Some(fund);
    }
    if let Some(engine) = validate(update.engine)? {
        config.engine = Some(engine);
    }
    if let Some(guardian) = validate(update.guardian)? {
        config.guardian = Some(guardian);
    }
    if update.remove_guardian == Some(true) {
        config.guardian = None;
    }
    if let Some(treasury) = validate(update.treasury)? {
        config.treasury = treasury;
    }
    CONFIG.save(deps.storage, &config)?;
    let shown = |a: &Option<Addr>| a.as_ref().map_or("none".to_string(), Addr::to_string);
    Ok(Response::new()
        .add_attribute("action", "update_addresses")
        .add_attribute("sender", info.sender)
        .add_attribute("fund", shown(&config.fund))
        .add_attribute("engine", shown(&config.engine))
        .add_attribute("guardian", shown(&config.guardian))
        .add_attribute("treasury", config.treasury))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fallback_timelock_is_the_funds_default_exit_window() {
        let p = tranche_perps_types::fund::FundParams::default();
        assert_eq!(
            FALLBACK_RISKY_TIMELOCK_SECONDS,
            p.cooldown_seconds + p.claim_window_seconds
        );
    }
}
