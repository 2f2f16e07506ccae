//! cw2's migration check over the same storage item, read with [`FromJson`].

use cosmwasm_std::{StdError, StdResult, Storage};
use cw2::ContractVersion;
use semver::Version;

use crate::storage::Item;

const CONTRACT: Item<ContractVersion> = Item::new("contract_info");

fn from_semver(err: semver::Error) -> StdError {
    StdError::generic_err(format!("Semver: {err}"))
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
        cw2::set_contract_version(storage, name, new_version)?;
    }
    Ok(storage_version)
}
