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
    /// Bytes of keys and values read: by `get` (the key, and the value when there is one) and
    /// by range iterators (each item's key and value).
    pub bytes_read: u64,
    /// Bytes of keys and values written by `set` (a `remove` is counted in `removes` only: the
    /// chain charges a deletion a flat fee whatever its key's length).
    pub bytes_written: u64,
}

/// How many more bytes an operation may read or write in a world of 10,000 other users than in
/// one of 10: totals and counters stored as decimal strings get longer as they grow (a few
/// digits each); anything beyond that would mean the operation touches more data.
pub const BYTES_SLACK: u64 = 48;

impl Counts {
    /// Panics unless `large` (the same operation in a world of many more users) does exactly
    /// the storage operations of `self` and reads and writes at most [`BYTES_SLACK`] more bytes.
    pub fn assert_flat(&self, name: &str, large: &Counts) {
        let ops = |c: &Counts| (c.reads, c.writes, c.removes, c.ranges, c.range_items);
        assert_eq!(ops(self), ops(large), "{name}: storage operations grew");
        for (what, small, big) in [
            ("read", self.bytes_read, large.bytes_read),
            ("written", self.bytes_written, large.bytes_written),
        ] {
            assert!(
                big <= small + BYTES_SLACK,
                "{name}: {big} bytes {what} against {small}, more than {BYTES_SLACK} more"
            );
        }
    }
}

/// Compares the storage work of each operation (every count of [`Counts`]) with the figures a
/// previous run wrote to `docs/generated/storage-bytes-<contract>.json`, so a change in what an
/// operation stores shows without a chain; fails on any difference. With
/// `UPDATE_STORAGE_BYTES=1` it writes the figures instead (commit them with the change that
/// moved them). `scripts/chain/gas_tables.py steady` prices these counts with the chain's
/// storage gas schedule to show where an operation's gas goes.
pub fn check_bytes_record(contract: &str, rows: &[(&str, Counts)]) {
    let path = crate::docs::repo_root()
        .join("docs/generated")
        .join(format!("storage-bytes-{contract}.json"));
    let now: std::collections::BTreeMap<String, serde_json::Value> = rows
        .iter()
        .map(|(name, c)| {
            let counts = serde_json::json!({
                "reads": c.reads,
                "bytes_read": c.bytes_read,
                "writes": c.writes,
                "bytes_written": c.bytes_written,
                "removes": c.removes,
                "ranges": c.ranges,
                "range_items": c.range_items,
            });
            (name.to_string(), counts)
        })
        .collect();
    let text = serde_json::to_string_pretty(&now).expect("figures") + "\n";
    if std::env::var("UPDATE_STORAGE_BYTES").as_deref() == Ok("1") {
        std::fs::write(&path, text).expect("write the storage bytes record");
        return;
    }
    let recorded = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(
        recorded.trim(),
        text.trim(),
        "storage work per operation differs from {}; if the change is meant, rerun with \
         UPDATE_STORAGE_BYTES=1 and commit the file",
        path.display()
    );
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
    bytes_read: Cell<u64>,
    bytes_written: Cell<u64>,
}

fn add(counter: &Cell<u64>, n: usize) {
    counter.set(counter.get() + n as u64);
}

/// With `STORAGE_TRACE=1`, each storage operation is printed to stderr (its kind, the key with
/// bytes outside printable ASCII as `\xNN`, and the key and value sizes): a profile of which
/// records an operation reads and writes.
fn trace(kind: &str, key: &[u8], value: Option<usize>) {
    if std::env::var_os("STORAGE_TRACE").is_none_or(|v| v != "1") {
        return;
    }
    let shown: String = key
        .iter()
        .map(|&b| match b {
            b' '..=b'~' => (b as char).to_string(),
            _ => format!("\\x{b:02x}"),
        })
        .collect();
    eprintln!(
        "storage {kind:6} key {:3} value {:>5}  {shown}",
        key.len(),
        value.map_or("-".to_string(), |v| v.to_string())
    );
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
            bytes_read: self.bytes_read.get(),
            bytes_written: self.bytes_written.get(),
        }
    }

    /// Sets every count to zero.
    pub fn reset(&self) {
        trace("reset", b"", None);
        for counter in [
            &self.reads,
            &self.writes,
            &self.removes,
            &self.ranges,
            &self.range_items,
            &self.bytes_read,
            &self.bytes_written,
        ] {
            counter.set(0);
        }
    }
}

impl Storage for CountingStorage {
    fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        add(&self.reads, 1);
        let value = self.inner.get(key);
        trace("get", key, value.as_ref().map(Vec::len));
        add(
            &self.bytes_read,
            key.len() + value.as_ref().map_or(0, Vec::len),
        );
        value
    }

    fn range<'a>(
        &'a self,
        start: Option<&[u8]>,
        end: Option<&[u8]>,
        order: Order,
    ) -> Box<dyn Iterator<Item = Record> + 'a> {
        add(&self.ranges, 1);
        let (items, bytes) = (&self.range_items, &self.bytes_read);
        Box::new(
            self.inner
                .range(start, end, order)
                .inspect(move |(key, value)| {
                    add(items, 1);
                    trace("next", key, Some(value.len()));
                    add(bytes, key.len() + value.len());
                }),
        )
    }

    fn set(&mut self, key: &[u8], value: &[u8]) {
        add(&self.writes, 1);
        trace("set", key, Some(value.len()));
        add(&self.bytes_written, key.len() + value.len());
        self.inner.set(key, value);
    }

    fn remove(&mut self, key: &[u8]) {
        add(&self.removes, 1);
        trace("remove", key, None);
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
