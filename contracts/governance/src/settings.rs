//! Governance's own settings: their validation against the bounds, the proposal deposit a
//! proposal needs now and its cap, and the two self-calls that change settings and addresses
//! (`update_config`, `update_addresses`).

use cosmwasm_std::{Addr, Decimal, Deps, DepsMut, Env, MessageInfo, Response, Uint128};
use cw20::{Cw20QueryMsg, TokenInfoResponse};
use tranche_perps_types::governance::{GovAddressesUpdate, GovConfig};

use crate::error::ContractError;
use crate::state::{Config, CONFIG};

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
