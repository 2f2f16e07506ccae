//! Storage that counts its operations, for the gas tests of invariant 12
//! (`docs/testing.md#invariants`).
//!
//! A contract's entry points run directly on [`counting_deps`]; resetting the counts before a
//! message and reading them after gives the storage work that message did. Two worlds that
//! differ only in how many other positions, underwriters, requests or voters they hold must
//! give identical counts for the same operation.

use std::cell::Cell;
use std::marker::PhantomData;

use cosmwasm_std::testing::{MockApi, MockQuerier, MockStorage};
use cosmwasm_std::{Order, OwnedDeps, Record, Response, Storage};

/// Storage operations counted by [`CountingStorage`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// `get` calls.
    pub reads: u64,
    /// `set` calls.
    pub writes: u64,
    /// `remove` calls.
    pub removes: u64,
    /// `range` calls.
    pub ranges: u64,
    /// Items taken from all `range` iterators.
    pub range_items: u64,
}

/// `MockStorage` that counts every operation.
#[derive(Default)]
pub struct CountingStorage {
    inner: MockStorage,
    reads: Cell<u64>,
    writes: Cell<u64>,
    removes: Cell<u64>,
    ranges: Cell<u64>,
    range_items: Cell<u64>,
}

impl CountingStorage {
    /// The operations counted since the last [`CountingStorage::reset`].
    pub fn counts(&self) -> Counts {
        Counts {
            reads: self.reads.get(),
            writes: self.writes.get(),
            removes: self.removes.get(),
            ranges: self.ranges.get(),
            range_items: self.range_items.get(),
        }
    }

    /// Sets every count to zero.
    pub fn reset(&self) {
        for counter in [
            &self.reads,
            &self.writes,
            &self.removes,
            &self.ranges,
            &self.range_items,
        ] {
            counter.set(0);
        }
    }
}

impl Storage for CountingStorage {
    fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        self.reads.set(self.reads.get() + 1);
        self.inner.get(key)
    }

    fn range<'a>(
        &'a self,
        start: Option<&[u8]>,
        end: Option<&[u8]>,
        order: Order,
    ) -> Box<dyn Iterator<Item = Record> + 'a> {
        self.ranges.set(self.ranges.get() + 1);
        let items = &self.range_items;
        Box::new(self.inner.range(start, end, order).inspect(move |_| {
            items.set(items.get() + 1);
        }))
    }

    fn set(&mut self, key: &[u8], value: &[u8]) {
        self.writes.set(self.writes.get() + 1);
        self.inner.set(key, value);
    }

    fn remove(&mut self, key: &[u8]) {
        self.removes.set(self.removes.get() + 1);
        self.inner.remove(key);
    }
}

/// Mock dependencies on empty counting storage, answering queries with `querier`.
pub fn counting_deps(querier: MockQuerier) -> OwnedDeps<CountingStorage, MockApi, MockQuerier> {
    OwnedDeps {
        storage: CountingStorage::default(),
        api: MockApi::default(),
        querier,
        custom_query_type: PhantomData,
    }
}

/// The value of the attribute `key` of a response returned by an entry point run directly;
/// panics when there is none.
pub fn attribute(res: &Response, key: &str) -> String {
    res.attributes
        .iter()
        .find(|a| a.key == key)
        .unwrap_or_else(|| panic!("attribute {key}"))
        .value
        .clone()
}
