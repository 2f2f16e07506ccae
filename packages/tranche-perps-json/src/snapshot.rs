//! cw-storage-plus's `SnapshotMap` and `SnapshotItem` with the `EveryBlock` strategy, reading
//! with [`FromJson`] and writing with [`ToJson`], over the same keys and bytes: the first write
//! to a key at a height records the value it had before (its changelog entry at that height),
//! and the value at a height is the one recorded by the first change at or after it, or the
//! current value when nothing changed since.
//!
//! Every block is a checkpoint, so the checkpoint maps of the other strategies are never written
//! or read, as in cw-storage-plus with `EveryBlock`.

use cosmwasm_std::{Order, StdResult, Storage};
use cw_storage_plus::{Bound, KeyDeserialize, Prefixer, PrimaryKey};
use serde::{Deserialize, Serialize};

use crate::ser::write_key;
use crate::storage::Prefix;
use crate::storage::{Item, Map};
use crate::{FromJson, Json, ToJson};

/// A changelog entry: the value before the first change at its height (`None`: there was none).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct ChangeSet<T> {
    /// The earlier value.
    pub old: Option<T>,
}

impl<T: FromJson> FromJson for ChangeSet<T> {
    fn from_json(value: &Json<'_>) -> Result<Self, crate::Error> {
        Ok(ChangeSet {
            old: value.object(None)?.get("old")?,
        })
    }
}

impl<T: ToJson> ToJson for ChangeSet<T> {
    fn write_json(&self, out: &mut Vec<u8>) {
        write_key(b'{', "old", out);
        self.old.write_json(out);
        out.push(b'}');
    }
}

/// The value at the start of block `height` from one key's changelog (`changes`, keyed by
/// height): the earlier value recorded by the first change at or after `height`, else
/// `current` (nothing changed since).
fn value_at<T: FromJson>(
    storage: &dyn Storage,
    changes: Prefix<u64, ChangeSet<T>>,
    height: u64,
    current: impl FnOnce() -> StdResult<Option<T>>,
) -> StdResult<Option<T>> {
    let first_change = changes
        .range(
            storage,
            Some(Bound::inclusive(height)),
            None,
            Order::Ascending,
        )
        .next()
        .transpose()?;
    match first_change {
        Some((_, change)) => Ok(change.old),
        None => current(),
    }
}

/// `cw_storage_plus::SnapshotMap` with `Strategy::EveryBlock`.
pub struct SnapshotMap<K, T> {
    primary: Map<K, T>,
    changelog: Map<(K, u64), ChangeSet<T>>,
}

impl<K, T> SnapshotMap<K, T> {
    /// The map under `primary`, its changelog under `changelog` (the third namespace of
    /// `cw_storage_plus::SnapshotMap::new`; the checkpoints' namespace is not used).
    pub const fn new(primary: &'static str, changelog: &'static str) -> Self {
        SnapshotMap {
            primary: Map::new(primary),
            changelog: Map::new(changelog),
        }
    }
}

impl<'a, K, T> SnapshotMap<K, T>
where
    K: PrimaryKey<'a> + Prefixer<'a> + KeyDeserialize + Clone,
    T: FromJson + ToJson + Serialize + serde::de::DeserializeOwned,
{
    /// The current value under `key`.
    pub fn may_load(&self, storage: &dyn Storage, key: K) -> StdResult<Option<T>> {
        self.primary.may_load(storage, key)
    }

    /// The value under `key` at the start of block `height`.
    pub fn may_load_at_height(
        &self,
        storage: &dyn Storage,
        key: K,
        height: u64,
    ) -> StdResult<Option<T>> {
        value_at(storage, self.changelog.prefix(key.clone()), height, || {
            self.may_load(storage, key)
        })
    }

    /// Stores `value` under `key` at block `height`, recording the earlier value if this is the
    /// key's first change at that height.
    pub fn save(&self, storage: &mut dyn Storage, key: K, value: &T, height: u64) -> StdResult<()> {
        if !self.changelog.has(storage, (key.clone(), height)) {
            let old = self.may_load(storage, key.clone())?;
            self.changelog
                .save(storage, (key.clone(), height), &ChangeSet { old })?;
        }
        self.primary.save(storage, key, value)
    }
}

/// `cw_storage_plus::SnapshotItem` with `Strategy::EveryBlock`.
pub struct SnapshotItem<T> {
    primary: Item<T>,
    changelog: Map<u64, ChangeSet<T>>,
}

impl<T> SnapshotItem<T> {
    /// The item under `primary`, its changelog under `changelog` (the third namespace of
    /// `cw_storage_plus::SnapshotItem::new`; the checkpoints' namespace is not used).
    pub const fn new(primary: &'static str, changelog: &'static str) -> Self {
        SnapshotItem {
            primary: Item::new(primary),
            changelog: Map::new(changelog),
        }
    }
}

impl<T> SnapshotItem<T>
where
    T: FromJson + ToJson + Serialize + serde::de::DeserializeOwned,
{
    /// The current value.
    pub fn may_load(&self, storage: &dyn Storage) -> StdResult<Option<T>> {
        self.primary.may_load(storage)
    }

    /// The current value; an error when there is none.
    pub fn load(&self, storage: &dyn Storage) -> StdResult<T> {
        self.primary.load(storage)
    }

    /// The value at the start of block `height`.
    pub fn may_load_at_height(&self, storage: &dyn Storage, height: u64) -> StdResult<Option<T>> {
        value_at(storage, self.changelog.prefix(()), height, || {
            self.may_load(storage)
        })
    }

    /// Stores `value` at block `height`, recording the earlier value if this is the first
    /// change at that height.
    pub fn save(&self, storage: &mut dyn Storage, value: &T, height: u64) -> StdResult<()> {
        if !self.changelog.has(storage, height) {
            let old = self.may_load(storage)?;
            self.changelog.save(storage, height, &ChangeSet { old })?;
        }
        self.primary.save(storage, value)
    }
}
