//! Writes the storage fixtures (`fixtures/*.json`) from the code as it is now.
//!
//! `cargo run -p tranche-perps-testing --bin capture-fixtures`
//! Run it only when the storage layout is meant to change: `tests/storage_fixtures.rs` checks
//! that the committed fixtures still hold.

use std::process::ExitCode;

use tranche_perps_testing::fixtures::{capture_all, fixture_dir, fixture_file};

fn main() -> ExitCode {
    let fixtures = match capture_all() {
        Ok(fixtures) => fixtures,
        Err(err) => {
            eprintln!("journey failed: {err}");
            return ExitCode::FAILURE;
        }
    };
    std::fs::create_dir_all(fixture_dir()).expect("fixture directory");
    for (index, fixture) in fixtures.iter().enumerate() {
        let path = fixture_file(index);
        let text = serde_json::to_string_pretty(fixture).expect("fixture serializes");
        std::fs::write(&path, text + "\n").expect("fixture written");
        println!(
            "{}: {} queries, {} steps",
            path.display(),
            fixture.queries.len(),
            fixture.continuation.len()
        );
    }
    ExitCode::SUCCESS
}
