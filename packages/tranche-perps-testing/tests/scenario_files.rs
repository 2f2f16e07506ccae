//! Every shipped scenario file plays on cw-multi-test with all its expectations met: the chain
//! journeys of `journeys/` in order on one deployment (as `scripts/e2e.sh` plays them on the
//! localnet), and each file of `scenarios/` on its own deployment.

use tranche_perps_testing::play::{load, play, repo_root};

#[test]
fn chain_journeys_play_on_multi_test() {
    let scenario = load(&repo_root().join("journeys")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(scenario.files.len(), 4);
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
