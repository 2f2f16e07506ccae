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
