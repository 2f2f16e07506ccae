//! cw2's version record and migration check over the same storage item, with
//! [`FromJson`](crate::FromJson) and [`ToJson`](crate::ToJson).

use cosmwasm_std::{StdError, StdResult, Storage};
use cw2::ContractVersion;
use semver::Version;

use crate::storage::Item;

const CONTRACT: Item<ContractVersion> = Item::new("contract_info");

fn from_semver(err: semver::Error) -> StdError {
    StdError::generic_err(format!("Semver: {err}"))
}

/// `cw2::set_contract_version`: records the contract's name and version.
pub fn set_contract_version(storage: &mut dyn Storage, name: &str, version: &str) -> StdResult<()> {
    CONTRACT.save(
        storage,
        &ContractVersion {
            contract: name.to_string(),
            version: version.to_string(),
        },
    )
}

/// `cw2::ensure_from_older_version`: refuses another contract's or a newer version's state,
/// records `new_version` when it is newer, and returns the version the state had.
pub fn ensure_from_older_version(
    storage: &mut dyn Storage,
    name: &str,
    new_version: &str,
) -> StdResult<Version> {
    let version: Version = new_version.parse().map_err(from_semver)?;
    let stored = CONTRACT.load(storage)?;
    let storage_version: Version = stored.version.parse().map_err(from_semver)?;
    if name != stored.contract {
        return Err(StdError::generic_err(format!(
            "Cannot migrate from {} to {}",
            stored.contract, name
        )));
    }
    if storage_version > version {
        return Err(StdError::generic_err(format!(
            "Cannot migrate from newer version ({}) to older ({})",
            stored.version, new_version
        )));
    }
    if storage_version < version {
        set_contract_version(storage, name, new_version)?;
    }
    Ok(storage_version)
}
