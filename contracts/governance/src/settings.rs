//! Governance's own settings: their validation against the bounds, the proposal deposit a
//! proposal needs now and its cap, and the two self-calls that change settings and addresses
//! (`update_config`, `update_addresses`).

use cosmwasm_std::{Addr, Deps, DepsMut, Env, MessageInfo, Response, Uint128};
use cw20::{Cw20QueryMsg, MinterResponse, TokenInfoResponse};
use tranche_perps_types::fund;
use tranche_perps_types::governance::{bounds, GovAddressesUpdate, GovConfig};

use crate::actions::fund_answers;

use crate::error::ContractError;
use crate::state::{load_config, save_config, Config};

/// The deposit a proposal needs now: the configured deposit, but never more than
/// [`bounds::MAX_DEPOSIT_SHARE`] of the staking token's current total supply (rounded down), so
/// burns after the settings were set cannot make the deposit unpayable and lock governance.
pub fn required_deposit(deps: Deps, config: &Config) -> Result<Uint128, ContractError> {
    let configured = config.config.proposal_deposit;
    if configured.is_zero() {
        return Ok(configured);
    }
    Ok(configured.min(deposit_cap(deps, &config.staking_token)?))
}

/// The largest deposit allowed now: [`bounds::MAX_DEPOSIT_SHARE`] of the staking token's total
/// supply, rounded down.
fn deposit_cap(deps: Deps, staking_token: &Addr) -> Result<Uint128, ContractError> {
    let info: TokenInfoResponse = deps
        .querier
        .query_wasm_smart(staking_token, &Cw20QueryMsg::TokenInfo {})?;
    Ok(info.total_supply.mul_floor(bounds::MAX_DEPOSIT_SHARE))
}

/// Refuses a staking token that is a share token of an insurance fund: one whose cw20 minter
/// is `fund` or answers the fund's `Config` query (a share of any fund, configured or not), or
/// one of `fund`'s two share tokens. Power counts tokens, not value: once a loss has taken a
/// tranche down to its `min_remaining`, a deposit of a few coins mints more shares than every
/// earlier holder together, and with them the vote. A token that does not answer cw20's
/// `Minter` query has no minter to check; a fund that does not answer has no share tokens to
/// compare.
pub fn check_staking_token(
    deps: Deps,
    staking_token: &Addr,
    fund: Option<&Addr>,
) -> Result<(), ContractError> {
    let refused = |fund: &str| ContractError::StakingTokenIsFundShare {
        token: staking_token.to_string(),
        fund: fund.to_string(),
    };
    let minter = deps
        .querier
        .query_wasm_smart::<Option<MinterResponse>>(staking_token, &Cw20QueryMsg::Minter {})
        .ok()
        .flatten();
    if let Some(minter) = minter {
        if fund.is_some_and(|f| f.as_str() == minter.minter) {
            return Err(refused(&minter.minter));
        }
        if let Ok(minter_addr) = deps.api.addr_validate(&minter.minter) {
            if fund_answers(deps, &minter_addr) {
                return Err(refused(&minter.minter));
            }
        }
    }
    if let Some(fund) = fund {
        if let Ok(c) = deps
            .querier
            .query_wasm_smart::<fund::ConfigResponse>(fund, &fund::QueryMsg::Config {})
        {
            if c.junior_token == *staking_token || c.senior_token == *staking_token {
                return Err(refused(fund.as_str()));
            }
        }
    }
    Ok(())
}

/// Checks every setting against its bound (`tranche_perps_types::governance::bounds`), and a
/// nonzero proposal deposit against [`bounds::MAX_DEPOSIT_SHARE`] of the staking token's total
/// supply now.
pub fn validate_config(
    deps: Deps,
    staking_token: &Addr,
    config: &GovConfig,
) -> Result<(), ContractError> {
    let r = &config.rules;
    bounds::QUORUM.check(r.quorum)?;
    bounds::THRESHOLD.check(r.threshold)?;
    bounds::VETO_THRESHOLD.check(r.veto_threshold)?;
    bounds::VOTING_PERIOD_SECONDS.check(r.voting_period_seconds)?;
    bounds::TIMELOCK_SECONDS.check(r.timelock_seconds)?;
    bounds::UNBONDING_SECONDS.check(config.unbonding_seconds)?;
    bounds::MAX_ACTIONS.check(config.max_actions)?;
    bounds::MAX_TEXT_BYTES.check(config.max_text_bytes)?;
    bounds::MAX_ACTION_BYTES.check(config.max_action_bytes)?;
    bounds::MIN_PROPOSER_SHARE.check(config.min_proposer_share)?;
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
    let mut config = load_config(deps.storage)?;
    validate_config(deps.as_ref(), &config.staking_token, &gov)?;
    config.config = gov;
    save_config(deps.storage, &config)?;
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
    let mut config = load_config(deps.storage)?;
    let validate = |a: Option<String>| a.map(|a| deps.api.addr_validate(&a)).transpose();
    if update.guardian.is_some() && update.remove_guardian == Some(true) {
        return Err(ContractError::ConflictingGuardianUpdate);
    }
    if let Some(fund) = validate(update.fund)? {
        check_staking_token(deps.as_ref(), &config.staking_token, Some(&fund))?;
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
    save_config(deps.storage, &config)?;
    let shown = |a: &Option<Addr>| a.as_ref().map_or("none".to_string(), Addr::to_string);
    Ok(Response::new()
        .add_attribute("action", "update_addresses")
        .add_attribute("sender", info.sender)
        .add_attribute("fund", shown(&config.fund))
        .add_attribute("engine", shown(&config.engine))
        .add_attribute("guardian", shown(&config.guardian))
        .add_attribute("treasury", config.treasury))
}
