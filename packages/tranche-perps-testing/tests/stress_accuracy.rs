//! The stress sweep beside the fund's `Stress` query: from the crash scenario's end state every
//! case's exact bad debt (as the buckets counted the positions) lies within the query's stated
//! accuracy; the check refuses a figure outside it; and a deployment forked from a dump of its
//! raw storage (what `tranche-perps stress deployment.json` reads from a chain) is the same
//! state and sweeps to the same figures.

use cosmwasm_std::Uint128;
use tranche_perps_testing::live::{self, check_code, parse_time_ns};
use tranche_perps_testing::play::{load, play, repo_root, Player};
use tranche_perps_testing::stress::{
    accuracy_failures, estimate_of, sweep, within_accuracy, Direction, StressRow, SIZES,
};

fn crash_end() -> Player {
    let scenario =
        load(&repo_root().join("scenarios/crash.json")).unwrap_or_else(|e| panic!("{e}"));
    play(&scenario, &mut |_, _, _| {}).unwrap_or_else(|e| panic!("{e}"))
}

fn row(rows: &[StressRow], direction: Direction, pct: u32) -> &StressRow {
    rows.iter()
        .find(|r| r.direction == direction && r.move_pct == pct)
        .expect("a case")
}

/// The crash's end (alice long 3.3x, erin and bob short; junior down to its last 0.001 USDC,
/// 4,828 USDC socialized): the query's estimate equals the exact bad debt of the positions as
/// counted in every case (30% crash: 1,431.054180 USDC), within accuracy everywhere. Beside it,
/// what the query does not model: the margins now are 3.168473 USDC lower than counted for the
/// long and 21.087656 for the shorts (the losses socialized since they were counted), and the
/// liquidations fill on the vAMM above the index after a crash (1,378.647988 liquidated
/// against 1,434.222653 at the index for 30%) and past it after a spike (7,894.646331 against
/// 7,820.686855 for +60%).
#[test]
fn crash_end_every_case_within_the_stress_query_accuracy() {
    let end = crash_end();
    let rows = sweep(&end, &SIZES, &mut |_, _, _| {});
    assert_eq!(rows.len(), 24);
    assert_eq!(accuracy_failures(&rows), Vec::<String>::new());
    for r in &rows {
        let e = r.estimate.as_ref().expect("an estimate");
        assert!(e.error.is_none(), "{:?}", e.error);
        assert!(e.within);
        assert_eq!(e.positions, 3);
    }
    let crash30 = row(&rows, Direction::Crash, 30);
    let e = crash30.estimate.as_ref().unwrap();
    assert_eq!(e.bad_debt, Uint128::new(1_431_054_180));
    assert_eq!(e.exact_as_counted, Uint128::new(1_431_054_180));
    assert_eq!(e.max_error, Uint128::zero());
    assert_eq!(e.exact_at_index, Uint128::new(1_434_222_653));
    assert_eq!(crash30.bad_debt, Uint128::new(1_378_647_988));
    // Junior holds its last 1,000 units and senior nothing of the window is left to pay: the
    // whole estimate would be socialized, as the case socializes its whole bad debt.
    assert_eq!(e.unpaid, e.bad_debt);
    assert_eq!(crash30.socialized, crash30.bad_debt);
    let spike60 = row(&rows, Direction::Spike, 60);
    let e = spike60.estimate.as_ref().unwrap();
    assert_eq!(e.bad_debt, Uint128::new(7_799_599_199));
    assert_eq!(e.exact_as_counted, e.bad_debt);
    assert_eq!(e.exact_at_index, Uint128::new(7_820_686_855));
    assert_eq!(spike60.bad_debt, Uint128::new(7_894_646_331));
    // +50%: a short's bankruptcy price shares the moved index's bucket, so the estimate (0)
    // carries a max_error of 576.460753 USDC; the exact figure is 0 too.
    let e = row(&rows, Direction::Spike, 50).estimate.as_ref().unwrap();
    assert_eq!(
        (e.bad_debt, e.max_error, e.exact_as_counted),
        (Uint128::zero(), Uint128::new(576_460_753), Uint128::zero())
    );
}

/// Every shipped scenario's end state (one to three markets, with and without a payout window
/// spent): every case of the sweep, per market and on all markets, crash and spike, lies within
/// the on-chain query's stated accuracy.
#[test]
fn every_shipped_scenario_end_is_within_the_stress_query_accuracy() {
    let mut checked = Vec::new();
    for name in ["crash", "calm_month", "governance", "cascade"] {
        let path = repo_root().join(format!("scenarios/{name}.json"));
        let scenario = load(&path).unwrap_or_else(|e| panic!("{e}"));
        let end = play(&scenario, &mut |_, _, _| {}).unwrap_or_else(|e| panic!("{e}"));
        let rows = sweep(&end, &SIZES, &mut |_, _, _| {});
        assert!(!rows.is_empty(), "{name}: no cases");
        assert_eq!(accuracy_failures(&rows), Vec::<String>::new(), "{name}");
        for r in &rows {
            let e = r.estimate.as_ref().expect("an estimate");
            assert!(e.error.is_none() && e.within, "{name}: {:?}", e.error);
        }
        checked.push((name, rows.len()));
    }
    assert_eq!(checked.len(), 4, "{checked:?}");
}

/// The band: the estimate at most 1 unit above the exact figure, at most `max_error` plus one
/// unit per position below it; one unit past either edge is outside.
#[test]
fn accuracy_check_refuses_a_figure_outside_the_band() {
    let (estimate, error) = (Uint128::new(1_000), Uint128::new(10));
    assert!(within_accuracy(Uint128::new(999), estimate, error, 2));
    assert!(!within_accuracy(Uint128::new(998), estimate, error, 2));
    assert!(within_accuracy(Uint128::new(1_012), estimate, error, 2));
    assert!(!within_accuracy(Uint128::new(1_013), estimate, error, 2));
    assert!(within_accuracy(
        Uint128::zero(),
        Uint128::zero(),
        Uint128::zero(),
        0
    ));
    assert!(!within_accuracy(
        Uint128::new(1),
        Uint128::zero(),
        Uint128::zero(),
        0
    ));

    // A case whose exact figure is past the band, and one whose query was refused, are both
    // reported, so `tranche-perps stress` fails on them.
    let end = crash_end();
    let mut rows = sweep(&end, &[30], &mut |_, _, _| {});
    let answer = live_like_answer(&end);
    rows[0].estimate = Some(estimate_of(
        Ok(answer.clone()),
        "test",
        3,
        Uint128::zero(),
        answer.engine.bad_debt + answer.engine.max_error + Uint128::new(4),
    ));
    rows[1].estimate = Some(estimate_of(
        Err("StressRebuilding".into()),
        "test",
        3,
        Uint128::zero(),
        Uint128::zero(),
    ));
    let failures = accuracy_failures(&rows);
    assert_eq!(failures.len(), 2, "{failures:?}");
    assert!(
        failures[0].contains("as counted 1431054184 outside the estimate 1431054180"),
        "{}",
        failures[0]
    );
    assert!(
        failures[1].contains("refused: StressRebuilding"),
        "{}",
        failures[1]
    );
}

fn live_like_answer(end: &Player) -> tranche_perps_types::fund::StressResponse {
    end.suite
        .stress(Some("BTC-USD"), "-0.3")
        .expect("stress answer")
}

/// The crash's end dumped as a chain gives it (every contract's raw storage, balances, block)
/// and forked back: the same fund, engine, markets, loss ledger and socialized losses, the same
/// stress answers, and a sweep to the same figures.
#[test]
fn forked_dump_is_the_same_state_and_sweeps_the_same() {
    let end = crash_end();
    let dump = live::dump_player(&end);
    assert_eq!(dump.contracts.len(), 6);
    let fork = live::fork(&dump).unwrap_or_else(|e| panic!("{e}"));
    let (a, b) = (end.state(), fork.state());
    assert_eq!(json(&a.fund), json(&b.fund));
    assert_eq!(json(&a.engine), json(&b.engine));
    assert_eq!(json(&a.markets), json(&b.markets));
    assert_eq!(json(&a.ledger), json(&b.ledger));
    assert_eq!(json(&a.socialized), json(&b.socialized));
    assert_eq!((a.time, a.height), (b.time, b.height));
    assert_eq!(
        end.suite.stress(None, "-0.45").unwrap(),
        fork.suite.stress(None, "-0.45").unwrap()
    );
    let sizes = [15, 50];
    let original = sweep(&end, &sizes, &mut |_, _, _| {});
    let forked = sweep(&fork, &sizes, &mut |_, _, _| {});
    assert_eq!(json(&original), json(&forked));
    assert_eq!(forked[1].bad_debt, Uint128::new(2_994_479_423));
}

/// `serde_json` text of anything serializable, for comparing figures without `PartialEq`.
fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("serializes")
}

/// A deployed code whose checksum is not this build's artifact is refused, naming the contract,
/// the code and both checksums.
#[test]
fn fork_refuses_code_that_is_not_this_build() {
    let sums = live::checksums(&live::default_checksums()).expect("artifacts/checksums.txt");
    let engine = sums["perp_engine.wasm"].clone();
    assert_eq!(
        check_code(
            "engine",
            "wasm1e",
            3,
            &engine.to_uppercase(),
            "perp_engine.wasm",
            &sums
        ),
        Ok(())
    );
    let err = check_code("fund", "wasm1f", 2, &engine, "insurance_fund.wasm", &sums).unwrap_err();
    assert!(
        err.contains("fund wasm1f: deployed code 2 has checksum"),
        "{err}"
    );
    assert!(err.contains(&sums["insurance_fund.wasm"]), "{err}");
}

/// Block times as CometBFT prints them, to the nanosecond (a leap day included).
#[test]
fn block_times_parse_to_the_nanosecond() {
    assert_eq!(
        parse_time_ns("2026-12-07T01:08:27.123456789Z"),
        Ok(1_796_605_707_123_456_789)
    );
    assert_eq!(
        parse_time_ns("2024-02-29T23:59:59.5Z"),
        Ok(1_709_251_199_500_000_000)
    );
    assert!(parse_time_ns("2024-02-29 23:59:59Z").is_err());
    assert!(parse_time_ns("2024-02-29T23:59:59").is_err());
}

/// Bad input to the chain paths stops before anything is written, naming what is wrong: a
/// deployment without a node, a node that does not answer, a folder for `run --chain`, a
/// config whose node does not answer and cannot be started here.
#[test]
fn chain_paths_refuse_bad_input_and_write_nothing() {
    let bin = env!("CARGO_BIN_EXE_tranche-perps");
    let dir = std::env::temp_dir().join(format!("stress-live-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let contracts: serde_json::Map<String, serde_json::Value> = live::CONTRACT_CODES
        .iter()
        .map(|(name, _)| (name.to_string(), serde_json::json!(format!("wasm1{name}"))))
        .collect();
    let deployment = dir.join("deployment.json");
    std::fs::write(
        &deployment,
        serde_json::json!({"chain_id": "tranche-local", "contracts": contracts}).to_string(),
    )
    .unwrap();
    let config = dir.join("remote.json");
    std::fs::write(&config, r#"{"node": "tcp://127.0.0.1:9", "chain_id": "x"}"#).unwrap();
    let out = dir.join("report");
    let run = |args: &[&str]| {
        let o = std::process::Command::new(bin)
            .args(args)
            .arg("--out")
            .arg(&out)
            .current_dir(repo_root())
            .output()
            .expect("runs");
        assert!(!o.status.success(), "{args:?} succeeded");
        String::from_utf8_lossy(&o.stderr).to_string()
    };
    let d = deployment.to_str().unwrap();
    let err = run(&["stress", d]);
    assert!(err.contains("deployment.json: no `node`"), "{err}");
    let err = run(&["stress", d, "--node", "tcp://127.0.0.1:9"]);
    assert!(
        err.contains("node tcp://127.0.0.1:9 is not reachable"),
        "{err}"
    );
    let err = run(&["run", "--chain", "journeys"]);
    assert!(err.contains("--chain plays one scenario file"), "{err}");
    let err = run(&[
        "run",
        "--chain",
        "scenarios/crash",
        "--config",
        config.to_str().unwrap(),
    ]);
    assert!(err.contains("node tcp://127.0.0.1:9 of"), "{err}");
    assert!(err.contains("does not answer"), "{err}");
    let err = run(&["stress", "scenarios/crash", "--chain"]);
    assert!(err.contains("--chain and --config are for `run`"), "{err}");
    let left: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left.len(), 2, "written: {left:?}");
    let _ = std::fs::remove_dir_all(&dir);
}
