//! Storage that reads with [`FromJson`] and writes with serde: the same keys and bytes as
//! `cw_storage_plus`'s `Item` and `Map`, so they are interchangeable over stored data.

use std::marker::PhantomData;
use std::ops::Deref;

use cosmwasm_std::{to_json_vec, StdError, StdResult, Storage};
use cw_storage_plus::PrimaryKey;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::{from_slice, FromJson};

/// cw-storage-plus's error for a missing value.
#[cold]
#[inline(never)]
fn not_found(type_name: &str, key: &[u8]) -> StdError {
    StdError::not_found(format!("type: {type_name}; key: {key:02X?}"))
}

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

    /// The storage key.
    pub fn as_slice(&self) -> &[u8] {
        self.key.as_bytes()
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

/// A `cw_storage_plus::Map` whose `load`, `may_load` and `update` read with [`FromJson`]; every
/// other method (`save`, `remove`, `has`, ranges, prefixes) is the wrapped map's.
pub struct Map<K, T> {
    inner: cw_storage_plus::Map<K, T>,
}

impl<K, T> Map<K, T> {
    /// The map under `namespace`.
    pub const fn new(namespace: &'static str) -> Self {
        Map {
            inner: cw_storage_plus::Map::new(namespace),
        }
    }
}

impl<K, T> Deref for Map<K, T> {
    type Target = cw_storage_plus::Map<K, T>;

    fn deref(&self) -> &Self::Target {
        &self.inner
    }
}

impl<'a, K, T> Map<K, T>
where
    K: PrimaryKey<'a>,
    T: FromJson + Serialize + DeserializeOwned,
{
    /// The value under `key`, `None` when there is none.
    pub fn may_load(&self, storage: &dyn Storage, key: K) -> StdResult<Option<T>> {
        storage
            .get(&self.inner.key(key))
            .map(|bytes| from_slice(&bytes))
            .transpose()
    }

    /// The value under `key`; an error when there is none.
    pub fn load(&self, storage: &dyn Storage, key: K) -> StdResult<T> {
        let path = self.inner.key(key);
        match storage.get(&path) {
            Some(bytes) => from_slice(&bytes),
            None => Err(not_found(std::any::type_name::<T>(), &path)),
        }
    }

    /// Loads the value under `key` (`None` when there is none), applies `action` and stores its
    /// result, which is returned.
    pub fn update<E: From<StdError>>(
        &self,
        storage: &mut dyn Storage,
        key: K,
        action: impl FnOnce(Option<T>) -> Result<T, E>,
    ) -> Result<T, E> {
        let path = self.inner.key(key);
        let old = storage.get(&path).map(|b| from_slice(&b)).transpose()?;
        let new = action(old)?;
        storage.set(&path, &to_json_vec(&new)?);
        Ok(new)
    }
}
