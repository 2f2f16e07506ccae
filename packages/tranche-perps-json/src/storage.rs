//! A singleton storage item that reads with [`FromJson`] and writes with serde: the same key
//! and bytes as `cw_storage_plus::Item`, so the two are interchangeable over stored data.

use std::marker::PhantomData;

use cosmwasm_std::{to_json_vec, StdError, StdResult, Storage};
use serde::Serialize;

use crate::{from_slice, FromJson};

/// A value stored under a fixed key, like `cw_storage_plus::Item`.
pub struct Item<T> {
    key: &'static str,
    value: PhantomData<T>,
}

impl<T: FromJson + Serialize> Item<T> {
    /// The item stored under `key`.
    pub const fn new(key: &'static str) -> Self {
        Item {
            key,
            value: PhantomData,
        }
    }

    /// Stores `value`.
    pub fn save(&self, storage: &mut dyn Storage, value: &T) -> StdResult<()> {
        storage.set(self.key.as_bytes(), &to_json_vec(value)?);
        Ok(())
    }

    /// The stored value, `None` when nothing is stored.
    pub fn may_load(&self, storage: &dyn Storage) -> StdResult<Option<T>> {
        storage
            .get(self.key.as_bytes())
            .map(|bytes| from_slice(&bytes))
            .transpose()
    }

    /// The stored value; an error when nothing is stored.
    pub fn load(&self, storage: &dyn Storage) -> StdResult<T> {
        self.may_load(storage)?.ok_or_else(|| {
            StdError::not_found(format!(
                "type: {}; key: {:02X?}",
                std::any::type_name::<T>(),
                self.key.as_bytes()
            ))
        })
    }

    /// Loads the value, applies `action` and stores its result, which is returned.
    pub fn update<E: From<StdError>>(
        &self,
        storage: &mut dyn Storage,
        action: impl FnOnce(T) -> Result<T, E>,
    ) -> Result<T, E> {
        let value = action(self.load(storage)?)?;
        self.save(storage, &value)?;
        Ok(value)
    }

    /// Removes the value.
    pub fn remove(&self, storage: &mut dyn Storage) {
        storage.remove(self.key.as_bytes());
    }
}
