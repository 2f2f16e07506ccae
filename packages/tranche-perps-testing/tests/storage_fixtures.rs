//! The committed storage fixtures (`fixtures/*.json`, see `src/fixtures.rs`) against the code as
//! it is now: it reads the storage a deployed suite holds, answers every query with the same
//! bytes, plays the journey on with the same events and data and writes the same storage, and
//! migrates from the stored version.

use cosmwasm_std::Empty;
use cw_multi_test::Executor;
use tranche_perps_testing::fixtures::{
    answer_queries, capture_all, contracts, dump, fixture_file, fixture_suite, load, play, Dump,
    Fixture, QueryCase, Record, Step,
};
use tranche_perps_testing::gov::governance_contract;
use tranche_perps_testing::perp::engine_contract;
use tranche_perps_testing::{cw20_contract, fund_contract, Suite};

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

#[test]
fn every_fixture_loads_answers_and_plays_on() {
    for fixture in committed() {
        let mut suite = fixture_suite();
        load(&mut suite, &fixture.start);
        assert_storage(&fixture.name, &dump(&suite), &fixture.start, &[]);
        assert_queries(&fixture.name, &answer_queries(&suite), &fixture.queries);
        assert_continuation(&fixture.name, &mut suite, &fixture.continuation);
        assert_storage(&fixture.name, &dump(&suite), &fixture.end, &[]);
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

#[test]
fn every_contract_migrates_from_the_fixture_version() {
    for fixture in committed() {
        let mut suite = fixture_suite();
        load(&mut suite, &fixture.start);
        let addresses = contracts(&suite);
        let (governor, operator) = (suite.addr("governor"), suite.addr("operator"));
        let new_codes = [
            ("fund", suite.app.store_code(fund_contract()), &governor),
            ("engine", suite.app.store_code(engine_contract()), &governor),
            (
                "governance",
                suite.app.store_code(governance_contract()),
                &operator,
            ),
            // The share tokens ran plain cw20-base before 0.5.0; their admin is the fund's
            // `token_admin`, the governor here.
            (
                "junior_token",
                suite.app.store_code(cw20_contract()),
                &governor,
            ),
            (
                "senior_token",
                suite.app.store_code(cw20_contract()),
                &governor,
            ),
        ];
        for (name, code_id, admin) in new_codes {
            let res = suite
                .app
                .migrate_contract(admin.clone(), addresses[name].clone(), &Empty {}, code_id)
                .unwrap_or_else(|err| panic!("{}: {name} migrates: {err:#}", fixture.name));
            let attrs = tranche_perps_testing::wasm_attrs(&res);
            assert!(
                attrs.contains(&format!("to_version={}", env!("CARGO_PKG_VERSION"))),
                "{}: {name} reports its new version: {attrs:?}",
                fixture.name
            );
            let stored: cw2::ContractVersion =
                cw2::get_contract_version(suite.app.contract_storage(&addresses[name]).as_ref())
                    .expect("cw2 version");
            assert_eq!(stored.version, env!("CARGO_PKG_VERSION"));
        }
        assert_storage(&fixture.name, &dump(&suite), &fixture.start, &[cw2_key()]);
        assert_queries(&fixture.name, &answer_queries(&suite), &fixture.queries);
        assert_continuation(&fixture.name, &mut suite, &fixture.continuation);
        assert_storage(&fixture.name, &dump(&suite), &fixture.end, &[cw2_key()]);
    }
}
