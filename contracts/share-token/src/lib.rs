//! The fund's share token: cw20-base 2.0 with one rule added. A token with a minter (each
//! tranche's share token, minted by the fund) refuses `Burn` and `BurnFrom` from anyone but its
//! minter, so its supply only changes through the fund's books (mint on deposit, burn on claim)
//! and the fund's recorded supply always equals the token's. Every other message, query and
//! response is cw20-base's, unchanged. A token instantiated without a minter (a fixed supply,
//! such as the governance token the suite deploys from this code) mirrors no book and burns
//! as cw20-base does.
//!
//! Tokens instantiated from the plain cw20-base code migrate to this one (their wasm admin is
//! the fund's `token_admin`): balances, allowances and minter stay as they are. A migration
//! may also give a token that has no cw20 marketing info its marketing (project, description,
//! marketing admin, logo); a token that has some keeps it.

use cosmwasm_schema::cw_serde;
#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{Addr, Binary, Deps, DepsMut, Env, MessageInfo, Response, StdError, StdResult};
use cw20::{Logo, LogoInfo, MarketingInfoResponse};
use cw20_base::msg::{ExecuteMsg, InstantiateMarketingInfo, InstantiateMsg, QueryMsg};
use cw20_base::state::{LOGO, MARKETING_INFO, TOKEN_INFO};
use thiserror::Error;

/// Migrate message of the share token. `{}` (cw20-base's own migrate message) still works.
#[cw_serde]
#[derive(Default)]
pub struct MigrateMsg {
    /// cw20 marketing info to set if the token has none (as cw20-base's instantiate takes it:
    /// project, description, marketing admin, logo). A token that has marketing info keeps it;
    /// its marketing admin changes it with cw20's `UpdateMarketing` and `UploadLogo`.
    #[serde(default)]
    pub marketing: Option<InstantiateMarketingInfo>,
}

/// cw2 name of this contract.
pub const CONTRACT_NAME: &str = concat!("crates.io:", env!("CARGO_PKG_NAME"));
/// cw2 version of this contract.
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");
/// cw2 name of the code share tokens were instantiated from before this contract.
pub const CW20_BASE_NAME: &str = "crates.io:cw20-base";

/// Every way a share-token message can fail.
#[derive(Error, Debug, PartialEq)]
pub enum ContractError {
    /// cw20-base's own errors, with their text.
    #[error(transparent)]
    Base(#[from] cw20_base::ContractError),

    #[error(transparent)]
    Std(#[from] StdError),

    /// `Burn` or `BurnFrom` from an address that is not the token's minter.
    #[error("only the minter {minter} may burn this token (sender {sender})")]
    BurnByMinterOnly { minter: Addr, sender: Addr },

    /// A migration's marketing logo that cw20-base would refuse.
    #[error("invalid logo: {reason}")]
    InvalidLogo { reason: String },
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(
    mut deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> Result<Response, ContractError> {
    let response = cw20_base::contract::instantiate(deps.branch(), env, info, msg)?;
    cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    Ok(response)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: ExecuteMsg,
) -> Result<Response, ContractError> {
    if matches!(msg, ExecuteMsg::Burn { .. } | ExecuteMsg::BurnFrom { .. }) {
        ensure_minter_burns(deps.as_ref(), &info.sender)?;
    }
    Ok(cw20_base::contract::execute(deps, env, info, msg)?)
}

/// `BurnByMinterOnly` unless `sender` is the token's minter or the token has none.
fn ensure_minter_burns(deps: Deps, sender: &Addr) -> Result<(), ContractError> {
    match TOKEN_INFO.load(deps.storage)?.mint {
        Some(mint) if mint.minter != *sender => Err(ContractError::BurnByMinterOnly {
            minter: mint.minter,
            sender: sender.clone(),
        }),
        _ => Ok(()),
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, env: Env, msg: QueryMsg) -> StdResult<Binary> {
    cw20_base::contract::query(deps, env, msg)
}

/// Migrates a token of the plain cw20-base code (cw2 `crates.io:cw20-base`, at most 2.0: its
/// own migration runs first) or of an older version of this contract; then records this
/// contract's cw2 name and version, and sets `msg.marketing` if the token has no marketing
/// info (attribute `marketing`: `set`, `kept` when it has some, `none` when none is given).
/// Anything else (a newer version, another contract, a logo cw20-base refuses) is refused and
/// changes nothing.
#[cfg_attr(not(feature = "library"), entry_point)]
pub fn migrate(mut deps: DepsMut, env: Env, msg: MigrateMsg) -> Result<Response, ContractError> {
    let previous = cw2::get_contract_version(deps.storage)?;
    if previous.contract == CW20_BASE_NAME {
        cw20_base::contract::migrate(deps.branch(), env, cw20_base::msg::MigrateMsg {})?;
    } else {
        cw2::ensure_from_older_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    }
    let marketing = match msg.marketing {
        None => "none",
        Some(_) if MARKETING_INFO.may_load(deps.storage)?.is_some() => "kept",
        Some(marketing) => {
            set_marketing(deps.branch(), marketing)?;
            "set"
        }
    };
    cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    Ok(Response::new()
        .add_attribute("action", "migrate")
        .add_attribute("from_contract", previous.contract)
        .add_attribute("from_version", previous.version)
        .add_attribute("to_version", CONTRACT_VERSION)
        .add_attribute("marketing", marketing))
}

/// Stores marketing info as cw20-base's instantiate does (same checks, same records).
fn set_marketing(deps: DepsMut, marketing: InstantiateMarketingInfo) -> Result<(), ContractError> {
    let logo = match marketing.logo {
        Some(logo) => {
            tranche_perps_types::fund::check_logo(&logo).map_err(|reason| {
                ContractError::InvalidLogo {
                    reason: reason.to_string(),
                }
            })?;
            LOGO.save(deps.storage, &logo)?;
            Some(match logo {
                Logo::Url(url) => LogoInfo::Url(url),
                Logo::Embedded(_) => LogoInfo::Embedded,
            })
        }
        None => None,
    };
    let info = MarketingInfoResponse {
        project: marketing.project,
        description: marketing.description,
        marketing: marketing
            .marketing
            .map(|a| deps.api.addr_validate(&a))
            .transpose()?,
        logo,
    };
    MARKETING_INFO.save(deps.storage, &info)?;
    Ok(())
}
