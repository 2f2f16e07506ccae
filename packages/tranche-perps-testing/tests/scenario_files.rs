//! Every shipped scenario file plays on cw-multi-test with all its expectations met: the chain
//! journeys of `journeys/` in order on one deployment (as `scripts/e2e.sh` plays them on the
//! localnet), and each file of `scenarios/` on its own deployment.

use std::path::{Path, PathBuf};

use tranche_perps_testing::play::{load, parse_block_times, play, repo_root};
use tranche_perps_testing::stress::{sweep, Direction};

#[test]
fn chain_journeys_play_on_multi_test() {
    let scenario = load(&repo_root().join("journeys")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(scenario.files.len(), 5);
    let player = play(&scenario, &mut |_, _, _| {}).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(player.records.len(), scenario.step_count());
}

#[test]
fn shipped_scenarios_play_on_multi_test() {
    let dir = repo_root().join("scenarios");
    let mut names = vec![];
    for entry in std::fs::read_dir(&dir).expect("scenarios/") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "json") {
            names.push(path);
        }
    }
    names.sort();
    assert!(names.len() >= 4, "{names:?}");
    let mut failures = vec![];
    for path in &names {
        let scenario = load(path).unwrap_or_else(|e| panic!("{e}"));
        if let Err(e) = play(&scenario, &mut |_, _, _| {}) {
            failures.push(e.to_string());
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A scratch folder of this test process.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tp-scenarios-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

/// A scenario file with these steps (and no deploy block).
fn scenario_with(dir: &Path, steps: serde_json::Value) -> PathBuf {
    let path = dir.join("bad.json");
    let doc = serde_json::json!({ "name": "bad", "steps": steps });
    std::fs::write(&path, doc.to_string()).expect("write scenario");
    path
}

fn deposit(amount: &str) -> serde_json::Value {
    serde_json::json!({
        "name": "lp-junior deposits", "do": "execute", "contract": "fund", "from": "lp-junior",
        "msg": {"deposit": {"tranche": "junior", "min_shares": null}}, "funds": amount
    })
}

/// Every kind of bad scenario stops with the file, the step (1-based, by name) and the reason;
/// shape errors before anything runs.
#[test]
fn bad_scenarios_name_the_file_step_and_reason() {
    let dir = scratch("bad");
    let cases = [
        (
            serde_json::json!([deposit("1000uusdc"), {"name": "typo", "do": "exec"}]),
            "step 2 (\"typo\"): unknown `do` \"exec\"",
        ),
        (
            serde_json::json!([{"name": "who", "do": "execute", "contract": "fund", "from": "mallory", "msg": {}}]),
            "step 1 (\"who\"): unknown key \"mallory\"",
        ),
        (
            serde_json::json!([{"name": "no funds", "do": "execute", "contract": "fund", "from": "alice", "msg": {}, "funds": "lots"}]),
            "is not an amount with a denom",
        ),
        (
            serde_json::json!([{"name": "extra", "do": "sleep", "seconds": 1, "secs": 2}]),
            "step 1 (\"extra\"): unknown field `secs` for `sleep`",
        ),
    ];
    for (steps, want) in cases {
        let path = scenario_with(&dir, steps);
        let err = load(&path).expect_err("a bad shape is refused on load");
        let text = err.to_string();
        assert!(text.starts_with(&path.display().to_string()), "{text}");
        assert!(text.contains(want), "{text} should contain {want}");
    }
    // Errors found while playing: a message that is not the contract's, a refused
    // transaction, an expectation not met, a placeholder with nothing saved.
    let cases = [
        (
            serde_json::json!([{"name": "not a fund msg", "do": "execute", "contract": "fund", "from": "alice", "msg": {"depositt": {}}}]),
            "step 1 (\"not a fund msg\"): msg is not a fund ExecuteMsg: unknown variant `depositt`",
        ),
        (
            serde_json::json!([deposit("1000uusdc"), deposit("0uusdc")]),
            "step 2 (\"lp-junior deposits\"): the fund refused",
        ),
        (
            serde_json::json!([deposit("1000000uusdc"), {"name": "books", "do": "query", "contract": "fund", "msg": {"state": {}}, "expect": {"junior.assets": "7"}}]),
            "step 2 (\"books\"): junior.assets = 1000000, expected 7",
        ),
        (
            serde_json::json!([{"name": "wait", "do": "wait_until", "time": "{{saved:never}}"}]),
            "step 1 (\"wait\"): nothing saved as \"never\" yet",
        ),
    ];
    for (steps, want) in cases {
        let path = scenario_with(&dir, steps);
        let scenario = load(&path).unwrap_or_else(|e| panic!("{e}"));
        let Err(err) = play(&scenario, &mut |_, _, _| {}) else {
            panic!("{} should fail", path.display());
        };
        let text = err.to_string();
        assert!(text.starts_with(&path.display().to_string()), "{text}");
        assert!(text.contains(want), "{text} should contain {want}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The main job writes report.html (its plots inlined), the plots as SVG and steps.json into
/// the folder it names; a bad scenario writes nothing.
#[test]
fn main_job_writes_the_report_whole_or_not_at_all() {
    let dir = scratch("main");
    let bin = env!("CARGO_BIN_EXE_tranche-perps");
    let out = dir.join("crash");
    let run = std::process::Command::new(bin)
        .args(["run", "scenarios/crash", "--out"])
        .arg(&out)
        .current_dir(repo_root())
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(stdout.contains("report written to"), "{stdout}");
    assert!(
        stdout.contains("keeper liquidates part 4 of dave"),
        "{stdout}"
    );
    for file in [
        "report.html",
        "steps.json",
        "share_prices.svg",
        "fund_coverage.svg",
        "loss_ledger.svg",
        "socialized.svg",
        "parties.svg",
    ] {
        assert!(out.join(file).is_file(), "{file} missing");
    }
    let html = std::fs::read_to_string(out.join("report.html")).expect("report.html");
    assert_eq!(
        html.matches("<svg").count(),
        5,
        "the five plots are inlined"
    );
    let steps: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("steps.json")).expect("steps"))
            .expect("steps.json parses");
    let last = &steps["steps"][22]["state"];
    assert_eq!(last["fund"]["junior"]["assets"], "1000");
    assert_eq!(last["ledger"].as_array().map(Vec::len), Some(2));
    assert!(last["parties"]["dave"]["total"].is_string());

    let bad = scenario_with(
        &dir,
        serde_json::json!([deposit("1000uusdc"), deposit("0uusdc")]),
    );
    let bad_out = dir.join("bad-report");
    let run = std::process::Command::new(bin)
        .args(["run"])
        .arg(&bad)
        .arg("--out")
        .arg(&bad_out)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(!run.status.success());
    assert!(
        stderr.contains(&format!("{}: step 2", bad.display())),
        "{stderr}"
    );
    assert!(!bad_out.exists(), "nothing written for a bad scenario");
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .expect("dir")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary folder left");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The stress sweep from the calm month's end (a healthy fund of 40,280 USDC, alice long 500
/// BTC at 5x, bob short 300 BTC): small moves cost nothing, a 30% crash takes junior alone,
/// a 60% crash takes junior down to its last 1000 units and senior the rest, all within the
/// 50% payout cap, so nothing is socialized. In every case the bad debt is paid or socialized
/// to the unit.
#[test]
fn stress_sweep_from_the_calm_month() {
    let scenario =
        load(&repo_root().join("scenarios/calm_month")).unwrap_or_else(|e| panic!("{e}"));
    let end = play(&scenario, &mut |_, _, _| {}).unwrap_or_else(|e| panic!("{e}"));
    let rows = sweep(&end, &[10, 30, 60], &mut |_, _, _| {});
    assert_eq!(rows.len(), 6, "one market, crash and spike, three sizes");
    for r in &rows {
        assert_eq!(
            r.bad_debt,
            r.paid_by_reserve + r.paid_by_junior + r.paid_by_senior + r.socialized + r.uncovered,
            "{r:?}"
        );
    }
    let crash = |pct| {
        rows.iter()
            .find(|r| r.direction == Direction::Crash && r.move_pct == pct)
            .expect("row")
    };
    assert!(crash(10).bad_debt.is_zero());
    assert!(!crash(30).paid_by_junior.is_zero());
    assert!(crash(30).paid_by_senior.is_zero());
    assert!(crash(30).junior_price < end.state().junior_share_price);
    assert!(crash(30).senior_price >= end.state().senior_share_price);
    assert!(!crash(60).paid_by_senior.is_zero());
    assert!(crash(60).socialized.is_zero());
    assert!(crash(60).senior_price < end.state().senior_share_price);
    // The scenario's own state is untouched by the sweep (each case ran on a fork).
    assert!(end.ledger().is_empty());
}

/// Played with the blocks a chain run recorded (here: one block a second, as a fast chain
/// makes them), every transaction step runs at the recorded time and height (heights shifted to
/// follow the deployment's block, their differences kept), so the figures
/// that depend on time (premium unlocking into the share price) are the chain's; a recorded
/// block before the current one is refused with the step named.
#[test]
fn recorded_block_times_replace_the_five_second_blocks() {
    let scenario = load(&repo_root().join("scenarios/crash")).unwrap_or_else(|e| panic!("{e}"));
    let mut default =
        tranche_perps_testing::play::Player::deploy(&scenario.deploy_config()).expect("deploys");
    let start = default.now();
    default
        .play(&scenario, &mut |_, _, _| {})
        .unwrap_or_else(|e| panic!("{e}"));

    let mut times = serde_json::Map::new();
    for (i, step) in scenario.files[0].steps.iter().enumerate() {
        if step["do"] == "execute" {
            let at = start.plus_nanos(1_000_000_000 * (i as u64 + 1) + 123);
            times.insert(
                (i + 1).to_string(),
                serde_json::json!({"time": at.nanos().to_string(), "height": 20_000 + i}),
            );
        }
    }
    let text = serde_json::Value::Object(times).to_string();
    let mut chain_like =
        tranche_perps_testing::play::Player::deploy(&scenario.deploy_config()).expect("deploys");
    chain_like.block_times = parse_block_times(&text).expect("parses");
    chain_like
        .play(&scenario, &mut |_, _, _| {})
        .unwrap_or_else(|e| panic!("{e}"));
    // Step 8 (the sweep) is the 8th step: its block is the recorded one.
    let sweep = &chain_like.records[7];
    assert_eq!(sweep.name, "keeper sweeps trading fees to the fund");
    assert_eq!(sweep.state.time, start.plus_seconds(8).seconds());
    // Recorded heights are shifted so the first follows the deployment's block; their
    // differences stay: the sweep was recorded 7 blocks after the first step.
    assert_eq!(sweep.state.height, chain_like.records[0].state.height + 7);
    // By the arbitrage (step 12) 12 s have passed since the sweep with 5-second blocks, 4 s
    // with 1-second ones, so less premium has unlocked: the junior collateral is the same,
    // its split into assets and locked premium is not.
    let (a, b) = (
        &default.records[11].state.fund,
        &chain_like.records[11].state.fund,
    );
    assert_eq!(
        tranche_perps_testing::collateral(&a.junior),
        tranche_perps_testing::collateral(&b.junior)
    );
    assert!(
        a.junior.locked_premium < b.junior.locked_premium,
        "{a:?} {b:?}"
    );

    let mut backwards =
        tranche_perps_testing::play::Player::deploy(&scenario.deploy_config()).expect("deploys");
    backwards.block_times = parse_block_times(r#"{"2": {"time": "5"}}"#).expect("parses");
    let Err(err) = backwards.play(&scenario, &mut |_, _, _| {}) else {
        panic!("a block before the current one is refused");
    };
    assert!(
        err.to_string().contains(
            "step 2 (\"lp-senior deposits 12,000 USDC into senior\"): the recorded block"
        ),
        "{err}"
    );
    assert!(parse_block_times(r#"{"x": {"time": 1}}"#).is_err());
    assert!(parse_block_times(r#"{"1": {"height": 1}}"#).is_err());
}
