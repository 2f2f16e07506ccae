//! Storage that reads with [`FromJson`] and writes with [`ToJson`]: the same keys and bytes as
//! `cw_storage_plus`'s `Item` and `Map`, so they are interchangeable over stored data.

use std::marker::PhantomData;
use std::ops::Deref;

use cosmwasm_std::storage_keys::to_length_prefixed_nested;
use cosmwasm_std::{Order, StdError, StdResult, Storage};
use cw_storage_plus::{range_with_prefix, Bound, KeyDeserialize, Prefixer, PrimaryKey};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::{from_slice, to_vec, FromJson, ToJson};

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

impl<T> Item<T> {
    /// The item stored under `key`.
    pub const fn new(key: &'static str) -> Self {
        Item {
            key,
            value: PhantomData,
        }
    }
}

impl<T: FromJson + ToJson + Serialize> Item<T> {
    /// The storage key.
    pub fn as_slice(&self) -> &[u8] {
        self.key.as_bytes()
    }

    /// Stores `value`.
    pub fn save(&self, storage: &mut dyn Storage, value: &T) -> StdResult<()> {
        storage.set(self.key.as_bytes(), &to_vec(value));
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

/// A `cw_storage_plus::Map` whose `load`, `may_load`, `update`, `range` and `prefix` ranges
/// read with [`FromJson`] and whose `save` and `update` write with [`ToJson`]; every other
/// method (`remove`, `has`, `keys`) is the wrapped map's.
pub struct Map<K, T> {
    namespace: &'static str,
    inner: cw_storage_plus::Map<K, T>,
}

impl<K, T> Map<K, T> {
    /// The map under `namespace`.
    pub const fn new(namespace: &'static str) -> Self {
        Map {
            namespace,
            inner: cw_storage_plus::Map::new(namespace),
        }
    }
}

/// The entries of a [`Map`] under one prefix of its keys (`Map::prefix`), or all of them (the
/// empty prefix, for `Map::range`). Keys are decoded as `K` relative to the prefix and values
/// as `T`, as cw-storage-plus ranges do.
pub struct Prefix<K, T> {
    storage_prefix: Vec<u8>,
    entries: PhantomData<(K, T)>,
}

impl<'b, K, T> Prefix<K, T>
where
    K: PrimaryKey<'b> + KeyDeserialize,
    T: FromJson,
    K::Output: 'static,
{
    /// Entries within the bounds, as `cw_storage_plus::Prefix::range`.
    pub fn range<'c>(
        &self,
        storage: &'c dyn Storage,
        min: Option<Bound<'b, K>>,
        max: Option<Bound<'b, K>>,
        order: Order,
    ) -> Box<dyn Iterator<Item = StdResult<(K::Output, T)>> + 'c>
    where
        T: 'c,
    {
        Box::new(
            range_with_prefix(
                storage,
                &self.storage_prefix,
                min.map(|b| b.to_raw_bound()),
                max.map(|b| b.to_raw_bound()),
                order,
            )
            .map(|(key, value)| Ok((K::from_vec(key)?, from_slice(&value)?))),
        )
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
    T: FromJson + ToJson + Serialize + DeserializeOwned,
{
    /// Stores `value` under `key`.
    pub fn save(&self, storage: &mut dyn Storage, key: K, value: &T) -> StdResult<()> {
        storage.set(&self.inner.key(key), &to_vec(value));
        Ok(())
    }

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
        storage.set(&path, &to_vec(&new));
        Ok(new)
    }

    /// Entries within the bounds, as `cw_storage_plus::Map::range`.
    pub fn range<'c>(
        &self,
        storage: &'c dyn Storage,
        min: Option<Bound<'a, K>>,
        max: Option<Bound<'a, K>>,
        order: Order,
    ) -> Box<dyn Iterator<Item = StdResult<(K::Output, T)>> + 'c>
    where
        T: 'c,
        K: KeyDeserialize,
        K::Output: 'static,
    {
        Prefix::<K, T> {
            storage_prefix: to_length_prefixed_nested(&[self.namespace.as_bytes()]),
            entries: PhantomData,
        }
        .range(storage, min, max, order)
    }

    /// The entries whose keys start with `prefix`, as `cw_storage_plus::Map::prefix`.
    pub fn prefix(&self, prefix: K::Prefix) -> Prefix<K::Suffix, T> {
        let keys = prefix.prefix();
        let mut parts: Vec<&[u8]> = vec![self.namespace.as_bytes()];
        parts.extend(keys.iter().map(|k| k.as_ref()));
        Prefix {
            storage_prefix: to_length_prefixed_nested(&parts),
            entries: PhantomData,
        }
    }
}
