//! The committed storage fixtures (`fixtures/*.json`, see `src/fixtures.rs`) against the code as
//! it is now: it reads the storage a deployed suite holds, answers every query with the same
//! bytes, plays the journey on with the same events and data and writes the same storage, and
//! migrates from the stored version.

use std::collections::BTreeMap;

use cosmwasm_std::{Addr, Empty, Order, StdResult, Uint128};
use cw_multi_test::Executor;
use perp_engine::state::{
    load_market, Position, StressBucket, StressStatus, MARKETS, MARKET_CONFIG, MARKET_PARAMS,
    POSITIONS, STATE, STRESS_LONG, STRESS_SHORT, STRESS_STATUS,
};
use tranche_perps_testing::fixtures::{
    answer_queries, capture_all, contracts, dump, fixture_file, fixture_suite, load, namespace,
    play, records_storage, Dump, Fixture, QueryCase, Record, Step,
};
use tranche_perps_testing::gov::governance_contract;
use tranche_perps_testing::perp::engine_contract;
use tranche_perps_testing::{cw20_contract, fund_contract, Suite};
use tranche_perps_types::engine::ExecuteMsg as EngineMsg;

fn committed() -> Vec<Fixture> {
    (0..2)
        .map(|index| {
            let path = fixture_file(index);
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|err| panic!("{}: {err}", path.display()));
            serde_json::from_str(&text).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
        })
        .collect()
}

fn assert_queries(name: &str, got: &[QueryCase], want: &[QueryCase]) {
    assert_eq!(got.len(), want.len(), "{name}: number of queries");
    let differ: Vec<String> = got
        .iter()
        .zip(want)
        .filter(|(g, w)| g != w)
        .map(|(g, w)| {
            format!(
                "{} {}\n  now:    {}\n  before: {}",
                w.contract, w.msg, g.answer, w.answer
            )
        })
        .collect();
    assert!(
        differ.is_empty(),
        "{name}: {} answers differ:\n{}",
        differ.len(),
        differ.join("\n")
    );
}

fn assert_continuation(name: &str, suite: &mut Suite, steps: &[Step]) {
    for step in steps {
        let outcome = play(suite, step);
        assert_eq!(outcome, step.outcome, "{name}: step {:?}", step.label);
    }
}

/// Storage equal record by record, ignoring the keys `skip` names (hex).
fn assert_storage(name: &str, got: &Dump, want: &Dump, skip: &[String]) {
    for (contract, records) in &want.storage {
        let keep = |r: &&Record| !skip.contains(&r.key);
        let got: Vec<&Record> = got.storage[contract].iter().filter(keep).collect();
        let want: Vec<&Record> = records.iter().filter(keep).collect();
        assert_eq!(got, want, "{name}: storage of {contract}");
    }
    assert_eq!(got.balances, want.balances, "{name}: bank balances");
    assert_eq!(got.height, want.height, "{name}: height");
    assert_eq!(got.time_nanos, want.time_nanos, "{name}: time");
}

/// The engine's namespaces that differ from the fixtures once the engine runs this version:
/// cw2's record; each market's hot record (`markets`, rewritten in the layout split from its
/// cold part), its cold record (`market_config`, added) and the parameters record of
/// 0.4.0 to 0.5.0 (`market_params`, in the fixtures' end, removed); the stress status and
/// buckets, and the positions' stress part, which `RebuildStress` and every trade write; the
/// money books (`state`) and the positions, which this version writes under short field names.
const ENGINE_MOVED: [&str; 9] = [
    "contract_info",
    "state",
    "markets",
    "market_config",
    "market_params",
    "stress_status",
    "stress_l",
    "stress_s",
    "positions",
];

/// The engine's records `got` against the fixture's `want`: every record outside
/// [`ENGINE_MOVED`] is the same; every market reads the same from its two records as from the
/// old one(s), and no parameters record of 0.4.0 is left; every position is the same but for
/// its stress part, which it now has; the stress buckets hold exactly the positions' parts; and
/// the stress status is `status`.
fn assert_engine_moved(name: &str, got: &[Record], want: &[Record], status: Option<StressStatus>) {
    let outside = |records: &[Record]| -> Vec<Record> {
        records
            .iter()
            .filter(|r| !ENGINE_MOVED.contains(&namespace(&r.key).as_str()))
            .cloned()
            .collect()
    };
    assert_eq!(outside(got), outside(want), "{name}: engine records");
    let (got, want) = (records_storage(got), records_storage(want));
    assert_eq!(
        STATE.may_load(&got).unwrap(),
        STATE.may_load(&want).unwrap(),
        "{name}: the engine's books"
    );
    let ids = |s: &dyn cosmwasm_std::Storage| -> Vec<String> {
        MARKETS
            .keys(s, None, None, Order::Ascending)
            .collect::<StdResult<_>>()
            .unwrap()
    };
    assert_eq!(ids(&got), ids(&want), "{name}: markets");
    // What a market reads as, but the fields of the old layouts that are read and never written.
    let market = |s: &dyn cosmwasm_std::Storage, id: &str| {
        let mut m = load_market(s, id).unwrap();
        (m.one_sided_at, m.peak_oi_since_sweep, m.unsplit) = Default::default();
        m
    };
    let mut unsplit = 0;
    for id in ids(&want) {
        assert_eq!(market(&got, &id), market(&want, &id), "{name}: market {id}");
        if load_market(&got, &id).unwrap().unsplit {
            unsplit += 1;
        } else {
            assert!(MARKET_CONFIG.has(&got, &id), "{name}: {id}'s cold record");
            assert!(
                !MARKET_PARAMS.has(&got, &id),
                "{name}: {id}'s 0.4.0 parameters"
            );
        }
    }
    // Only an engine not migrated keeps markets its continuation did not write unsplit.
    if status.is_some() {
        assert_eq!(unsplit, 0, "{name}: every market is split");
    }

    type Positions = Vec<((Addr, String), Position)>;
    let positions = |s: &dyn cosmwasm_std::Storage| -> Positions {
        POSITIONS
            .range(s, None, None, Order::Ascending)
            .collect::<StdResult<_>>()
            .unwrap()
    };
    let (new, old) = (positions(&got), positions(&want));
    assert_eq!(new.len(), old.len(), "{name}: positions");
    let mut parts: BTreeMap<(bool, String, u16), StressBucket> = BTreeMap::new();
    for ((key, new), (old_key, old)) in new.into_iter().zip(old) {
        assert_eq!(key, old_key, "{name}: positions");
        assert!(new.stress_debt.is_some(), "{name}: {key:?} is counted");
        let part = perp_engine::stress::counted(&new).unwrap();
        if let Some(part) = part {
            let b = parts
                .entry((part.long, key.1.clone(), part.bucket))
                .or_default();
            b.size += part.size;
            b.debt += part.debt;
        }
        let bare = |p: Position| Position {
            stress_debt: None,
            ..p
        };
        assert_eq!(bare(new), bare(old), "{name}: position {key:?}");
    }
    let mut buckets = BTreeMap::new();
    for (long, map) in [(true, STRESS_LONG), (false, STRESS_SHORT)] {
        for item in map.range(&got, None, None, Order::Ascending) {
            let ((market, bucket), b) = item.unwrap();
            assert!(b.size > Uint128::zero(), "{name}: empty bucket stored");
            buckets.insert((long, market, bucket), b);
        }
    }
    assert_eq!(buckets, parts, "{name}: stress buckets");
    assert_eq!(STRESS_STATUS.may_load(&got).unwrap(), status, "{name}");
}

/// Every key of the engine's namespaces in [`ENGINE_MOVED`] in `dump` but cw2's, for
/// [`assert_storage`] to skip once [`assert_engine_moved`] has checked them.
fn engine_keys(dump: &Dump) -> Vec<String> {
    dump.storage["engine"]
        .iter()
        .map(|r| r.key.clone())
        .filter(|key| ENGINE_MOVED.contains(&namespace(key).as_str()) && *key != cw2_key())
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).expect("stored JSON")
}

/// `value` read as `T` (as the code reads the record) and written back as the code writes it.
fn retyped<T: serde::de::DeserializeOwned + serde::Serialize>(value: serde_json::Value) -> String {
    let typed: T = serde_json::from_value(value).expect("a record the code reads");
    cosmwasm_std::to_json_string(&typed).expect("serializes")
}

/// The storage of `dump` in the layout of the fund and governance before the hot/cold split,
/// the layout of the fixtures: the fund's books (`books` of each tranche, `reserve`,
/// `payout_window`, `open_interest`) merged into its one record `state`, its three parameter
/// records into `params` and `pause`; governance's `staking_token` into `config`, and each
/// proposal's `terms` and `progress` into its record under `proposals`. Every record so made,
/// and the records of those keys already in that layout, are read with the types of that layout
/// and written back, so a field the fixture version did not store yet reads as the code reads
/// it (its serde default) on both sides.
fn previous_layout(dump: &Dump) -> Dump {
    use governance::state::{
        LegacyConfig, LegacyProposal, PROGRESS, PROPOSALS, STAKING_TOKEN, TERMS,
    };
    use insurance_fund::state::{
        LegacyFundState, WithdrawalRequest, BOOKS, OPEN_INTEREST, PAYOUT_PARAMS, PAYOUT_WINDOW,
        PREMIUM_PARAMS, RESERVE,
    };
    use tranche_perps_types::fund::{FundParams, PauseFlags};
    let mut out = dump.clone();
    let take = |records: &mut std::collections::BTreeMap<String, String>, key: &[u8]| {
        records.remove(&hex(key)).map(|v| json(&v))
    };
    if let Some(records) = out.storage.get_mut("fund") {
        let mut map: std::collections::BTreeMap<String, String> =
            records.drain(..).map(|r| (r.key, r.value)).collect();
        if let Some(junior) = take(&mut map, &BOOKS.key(0)) {
            let senior = take(&mut map, &BOOKS.key(1)).expect("senior books");
            let window = take(&mut map, PAYOUT_WINDOW.as_slice()).expect("payout window");
            let state = serde_json::json!({
                "junior": junior,
                "senior": senior,
                "reserve": take(&mut map, RESERVE.as_slice()).expect("reserve"),
                "open_interest": take(&mut map, OPEN_INTEREST.as_slice()).expect("open interest"),
                "window_start": window["start"],
                "window_end": window["end"],
                "window_start_assets": window["start_assets"],
                "window_paid": window["paid"],
            });
            map.insert(hex(b"state"), state.to_string());
        }
        if let Some(premium) = take(&mut map, PREMIUM_PARAMS.as_slice()) {
            let payout = take(&mut map, PAYOUT_PARAMS.as_slice()).expect("payout params");
            let mut params = take(&mut map, b"params").expect("flow params");
            let pause = params
                .as_object_mut()
                .unwrap()
                .remove("pause")
                .expect("pause");
            for part in [premium, payout] {
                params
                    .as_object_mut()
                    .unwrap()
                    .extend(part.as_object().unwrap().clone());
            }
            map.insert(hex(b"params"), params.to_string());
            map.insert(hex(b"pause"), pause.to_string());
        }
        for (key, retype) in [
            (hex(b"state"), retyped::<LegacyFundState> as fn(_) -> String),
            (hex(b"params"), retyped::<FundParams>),
            (hex(b"pause"), retyped::<PauseFlags>),
        ] {
            if let Some(value) = map.get_mut(&key) {
                *value = retype(json(value));
            }
        }
        // Withdrawal requests: the fixtures' under the long field names, this version's under
        // the short ones; both read as the code reads them and written as it writes them.
        let requests = hex(&cosmwasm_std::storage_keys::to_length_prefixed(b"requests"));
        for (key, value) in map.iter_mut() {
            if key.starts_with(&requests) {
                *value = retyped::<WithdrawalRequest>(json(value));
            }
        }
        *records = map
            .into_iter()
            .map(|(key, value)| Record { key, value })
            .collect();
    }
    if let Some(records) = out.storage.get_mut("governance") {
        let mut map: std::collections::BTreeMap<String, String> =
            records.drain(..).map(|r| (r.key, r.value)).collect();
        if let Some(token) = take(&mut map, STAKING_TOKEN.as_slice()) {
            let mut config = take(&mut map, b"config").expect("config");
            config
                .as_object_mut()
                .unwrap()
                .insert("staking_token".to_string(), token);
            map.insert(hex(b"config"), config.to_string());
        }
        let config_key = hex(b"config");
        let config = retyped::<LegacyConfig>(json(&map[&config_key]));
        map.insert(config_key, config);
        let prefix = hex(&PROPOSALS.key(0)[..PROPOSALS.key(0).len() - 8]);
        let ids: Vec<u64> = map
            .keys()
            .filter_map(|k| k.strip_prefix(&prefix))
            .map(|id| u64::from_str_radix(id, 16).expect("proposal id"))
            .collect();
        for id in ids {
            let mut whole = json(&map[&hex(&PROPOSALS.key(id))]);
            let fields = whole.as_object_mut().unwrap();
            if let Some(terms) = take(&mut map, &TERMS.key(id)) {
                fields.extend(terms.as_object().unwrap().clone());
            }
            if let Some(progress) = take(&mut map, &PROGRESS.key(id)) {
                // The whole record held these, null when unset; the progress leaves them out.
                fields.insert("passed_at".to_string(), serde_json::Value::Null);
                fields.insert("execution_error".to_string(), serde_json::Value::Null);
                fields.extend(progress.as_object().unwrap().clone());
            }
            map.insert(hex(&PROPOSALS.key(id)), retyped::<LegacyProposal>(whole));
        }
        *records = map
            .into_iter()
            .map(|(key, value)| Record { key, value })
            .collect();
    }
    out
}

/// Runs the migration of `name` to the code as it is now.
fn migrate_to_now(suite: &mut Suite, fixture: &str, name: &str, admin: &cosmwasm_std::Addr) {
    let addresses = contracts(suite);
    let code_id = match name {
        "fund" => suite.app.store_code(fund_contract()),
        "engine" => suite.app.store_code(engine_contract()),
        "governance" => suite.app.store_code(governance_contract()),
        _ => suite.app.store_code(cw20_contract()),
    };
    let res = suite
        .app
        .migrate_contract(admin.clone(), addresses[name].clone(), &Empty {}, code_id)
        .unwrap_or_else(|err| panic!("{fixture}: {name} migrates: {err:#}"));
    let attrs = tranche_perps_testing::wasm_attrs(&res);
    assert!(
        attrs.contains(&format!("to_version={}", env!("CARGO_PKG_VERSION"))),
        "{fixture}: {name} reports its new version: {attrs:?}"
    );
    let stored: cw2::ContractVersion =
        cw2::get_contract_version(suite.app.contract_storage(&addresses[name]).as_ref())
            .expect("cw2 version");
    assert_eq!(stored.version, env!("CARGO_PKG_VERSION"));
}

/// cw2's key, `contract_info`, in the hex of the fixtures.
fn cw2_key() -> String {
    b"contract_info"
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// cw20-base's marketing records, `marketing_info` and `logo`, in the hex of the fixtures.
fn marketing_keys() -> [String; 2] {
    [b"marketing_info".as_slice(), b"logo".as_slice()]
        .map(|key| key.iter().map(|b| format!("{b:02x}")).collect())
}

/// The fund and governance stored their books, parameters, configuration and proposals in
/// another layout before the hot/cold split (the layout of these fixtures); their `migrate`,
/// which runs with the code upgrade on chain, moves what it must. So those two are migrated
/// before the code as it is now answers and plays on, and their storage is compared in the
/// fixtures' layout ([`previous_layout`]): the same values under the old keys.
#[test]
fn every_fixture_loads_answers_and_plays_on() {
    for fixture in committed() {
        let mut suite = fixture_suite();
        load(&mut suite, &fixture.start);
        assert_storage(&fixture.name, &dump(&suite), &fixture.start, &[]);
        let (governor, operator) = (suite.addr("governor"), suite.addr("operator"));
        migrate_to_now(&mut suite, &fixture.name, "fund", &governor);
        migrate_to_now(&mut suite, &fixture.name, "governance", &operator);
        let skip = [cw2_key()];
        let (start, end) = (
            previous_layout(&fixture.start),
            previous_layout(&fixture.end),
        );
        assert_storage(
            &fixture.name,
            &previous_layout(&dump(&suite)),
            &start,
            &skip,
        );
        assert_queries(&fixture.name, &answer_queries(&suite), &fixture.queries);
        assert_continuation(&fixture.name, &mut suite, &fixture.continuation);
        // The engine played on without a migration: every market the continuation writes moves
        // to this version's layout and every position it writes is counted in the stress
        // buckets.
        let now = dump(&suite);
        let engine = &fixture.end.storage["engine"];
        assert_engine_moved(&fixture.name, &now.storage["engine"], engine, None);
        let mut skip = engine_keys(&now);
        skip.extend(engine_keys(&fixture.end));
        skip.push(cw2_key());
        assert_storage(&fixture.name, &previous_layout(&now), &end, &skip);
    }
}

/// Played from scratch, the journeys write the same storage as the committed fixtures in the
/// share tokens and the governance token, byte for byte, but for cw2's record and the share
/// tokens' marketing: the fixtures hold storage written by 0.2.0, whose tokens ran plain
/// cw20-base without marketing, and since 0.5.0 they run the share-token code
/// (`crates.io:share-token`) with the marketing info and logo the fund gives them. Since 0.4.0 the engine stores more per market
/// (each feeder's price, the shock state, the liquidation depth used, the time-weighted open
/// interest), the suite's markets have three feeders, and the crash is liquidated in parts over
/// more blocks; since 0.5.0 premium unlocks over time in the fund. So the engine's storage, the
/// fund's books and loss ledger and every time or height governance records (its snapshots are
/// keyed by height) differ on purpose; the committed storage itself is read, answered and
/// played on, before and after migrating, by the tests above.
#[test]
fn the_journeys_write_the_committed_storage() {
    let fresh = capture_all().expect("journeys play");
    for (fresh, fixture) in fresh.iter().zip(committed()) {
        let mut compared = 0;
        for contract in ["junior_token", "senior_token", "gov_token"] {
            if let Some(want) = fixture.start.storage.get(contract) {
                let (cw2, rest): (Vec<&Record>, Vec<&Record>) = fresh.start.storage[contract]
                    .iter()
                    .partition(|r| r.key == cw2_key());
                let (marketing, got): (Vec<&Record>, Vec<&Record>) = rest
                    .into_iter()
                    .partition(|r| marketing_keys().contains(&r.key));
                let want: Vec<&Record> = want.iter().filter(|r| r.key != cw2_key()).collect();
                assert_eq!(got, want, "{}: storage of {contract}", fixture.name);
                assert!(
                    matches!(&cw2[..], [r] if r.value.contains("crates.io:share-token")),
                    "{}: {contract} records the share-token code in cw2: {cw2:?}",
                    fixture.name
                );
                if contract != "gov_token" {
                    assert_eq!(
                        marketing.len(),
                        2,
                        "{}: {contract} holds the marketing info and logo the fund gives it",
                        fixture.name
                    );
                }
                compared += 1;
            }
        }
        assert!(compared >= 2, "{}", fixture.name);
    }
}

/// Every contract migrates from the fixture version. The fund moves its single records of the
/// previous layout into the records of this one and removes them: `state` into `books` (one per
/// tranche), `reserve`, `payout_window` and `open_interest`; `params` and `pause` into `params`
/// (the flow parameters and pause switches), `premium_params` and `payout_params`. Governance
/// moves its staking token out of `config` into `staking_token`; its proposals keep their
/// records until this code writes their terms or progress. Every query answers the same bytes,
/// the journey plays on the same, and in the fixtures' layout ([`previous_layout`]) the storage
/// holds the same values before and after.
#[test]
fn every_contract_migrates_from_the_fixture_version() {
    use insurance_fund::state::{
        BOOKS, OPEN_INTEREST, PAYOUT_PARAMS, PAYOUT_WINDOW, PREMIUM_PARAMS, RESERVE,
    };
    for fixture in committed() {
        let mut suite = fixture_suite();
        load(&mut suite, &fixture.start);
        let (governor, operator) = (suite.addr("governor"), suite.addr("operator"));
        // The share tokens ran plain cw20-base before 0.5.0; their admin is the fund's
        // `token_admin`, the governor here.
        for (name, admin) in [
            ("fund", &governor),
            ("engine", &governor),
            ("governance", &operator),
            ("junior_token", &governor),
            ("senior_token", &governor),
        ] {
            migrate_to_now(&mut suite, &fixture.name, name, admin);
        }
        let now = dump(&suite);
        let keys = |name: &str| -> Vec<String> {
            now.storage[name].iter().map(|r| r.key.clone()).collect()
        };
        let (fund, gov) = (keys("fund"), keys("governance"));
        for old in [b"state".as_slice(), b"pause"] {
            assert!(
                !fund.contains(&hex(old)),
                "{}: fund removed {old:?}",
                fixture.name
            );
        }
        for new in [
            BOOKS.key(0).to_vec(),
            BOOKS.key(1).to_vec(),
            RESERVE.as_slice().to_vec(),
            PAYOUT_WINDOW.as_slice().to_vec(),
            OPEN_INTEREST.as_slice().to_vec(),
            b"params".to_vec(),
            PREMIUM_PARAMS.as_slice().to_vec(),
            PAYOUT_PARAMS.as_slice().to_vec(),
        ] {
            assert!(
                fund.contains(&hex(&new)),
                "{}: fund wrote {new:?}",
                fixture.name
            );
        }
        assert!(gov.contains(&hex(b"staking_token")), "{}", fixture.name);
        assert!(
            !now.storage["governance"]
                .iter()
                .any(|r| r.key == hex(b"config") && r.value.contains("staking_token")),
            "{}: the staking token left governance's config",
            fixture.name
        );
        // The engine's migration splits every market and sets the stress buckets rebuilding:
        // anyone rebuilds them.
        let engine_addr = contracts(&suite)["engine"].clone();
        let keeper = suite.addr("keeper");
        let rebuild = EngineMsg::RebuildStress { limit: None };
        for page in 1.. {
            let res = suite
                .app
                .execute_contract(keeper.clone(), engine_addr.clone(), &rebuild, &[])
                .unwrap();
            if tranche_perps_testing::wasm_attrs(&res).contains(&"ready=true".to_string()) {
                break;
            }
            assert!(page < 100, "{}: the rebuild ends", fixture.name);
        }
        for (point, want) in [("start", &fixture.start), ("end", &fixture.end)] {
            if point == "end" {
                assert_queries(&fixture.name, &answer_queries(&suite), &fixture.queries);
                assert_continuation(&fixture.name, &mut suite, &fixture.continuation);
            }
            let got = dump(&suite);
            let name = format!("{} ({point})", fixture.name);
            let (engine, want_engine) = (&got.storage["engine"], &want.storage["engine"]);
            assert_engine_moved(&name, engine, want_engine, Some(StressStatus::Ready));
            let mut skip = engine_keys(&got);
            skip.extend(engine_keys(want));
            skip.push(cw2_key());
            assert_storage(&name, &previous_layout(&got), &previous_layout(want), &skip);
        }
    }
}
