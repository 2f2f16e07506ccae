//! cw-ownable's ownership functions over the same storage item, read with [`FromJson`].
//! Each function does what the cw-ownable function of the same name does, with the same
//! errors; only the decoding of the stored `Ownership` differs.

use cosmwasm_std::{Addr, Api, BlockInfo, DepsMut, StdResult, Storage};
use cw_ownable::{Action, Ownership, OwnershipError, OWNERSHIP_KEY};

use crate::storage::Item;

const OWNERSHIP: Item<Ownership<Addr>> = Item::new(OWNERSHIP_KEY);

/// Sets the first owner (none for an ownerless contract).
pub fn initialize_owner(
    storage: &mut dyn Storage,
    api: &dyn Api,
    owner: Option<&str>,
) -> StdResult<Ownership<Addr>> {
    let ownership = Ownership {
        owner: owner.map(|o| api.addr_validate(o)).transpose()?,
        pending_owner: None,
        pending_expiry: None,
    };
    OWNERSHIP.save(storage, &ownership)?;
    Ok(ownership)
}

/// The current ownership.
pub fn get_ownership(storage: &dyn Storage) -> StdResult<Ownership<Addr>> {
    OWNERSHIP.load(storage)
}

fn check_owner(ownership: &Ownership<Addr>, sender: &Addr) -> Result<(), OwnershipError> {
    match &ownership.owner {
        None => Err(OwnershipError::NoOwner),
        Some(owner) if owner != sender => Err(OwnershipError::NotOwner),
        Some(_) => Ok(()),
    }
}

/// An error unless `sender` is the owner.
pub fn assert_owner(storage: &dyn Storage, sender: &Addr) -> Result<(), OwnershipError> {
    check_owner(&OWNERSHIP.load(storage)?, sender)
}

/// Starts a transfer (owner only), accepts one (pending owner only, before its expiry) or
/// renounces ownership (owner only).
pub fn update_ownership(
    deps: DepsMut,
    block: &BlockInfo,
    sender: &Addr,
    action: Action,
) -> Result<Ownership<Addr>, OwnershipError> {
    let ownership = OWNERSHIP.load(deps.storage)?;
    let updated = match action {
        Action::TransferOwnership { new_owner, expiry } => {
            check_owner(&ownership, sender)?;
            Ownership {
                pending_owner: Some(deps.api.addr_validate(&new_owner)?),
                pending_expiry: expiry,
                ..ownership
            }
        }
        Action::AcceptOwnership => {
            let Some(pending_owner) = &ownership.pending_owner else {
                return Err(OwnershipError::TransferNotFound);
            };
            if sender != pending_owner {
                return Err(OwnershipError::NotPendingOwner);
            }
            if let Some(expiry) = &ownership.pending_expiry {
                if expiry.is_expired(block) {
                    return Err(OwnershipError::TransferExpired);
                }
            }
            Ownership {
                owner: ownership.pending_owner,
                pending_owner: None,
                pending_expiry: None,
            }
        }
        Action::RenounceOwnership => {
            check_owner(&ownership, sender)?;
            Ownership {
                owner: None,
                pending_owner: None,
                pending_expiry: None,
            }
        }
    };
    OWNERSHIP.save(deps.storage, &updated)?;
    Ok(updated)
}
