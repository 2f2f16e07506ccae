//! Writes the storage fixtures (`fixtures/*.json`).
//!
//! `cargo run -p tranche-perps-testing --bin capture-fixtures` captures them from scratch from
//! the code as it is now: only when the storage a release writes is meant to become the new
//! reference. `-- --rerecord` keeps each fixture's starting state (the storage of the release
//! that captured it) and records the query answers, the continuation's outcomes and the end
//! state again from the code as it is now: for a change of behaviour made on purpose.
//! `tests/storage_fixtures.rs` checks the committed fixtures.

use std::process::ExitCode;

use tranche_perps_testing::fixtures::{capture_all, fixture_dir, fixture_file, rerecord, Fixture};

fn main() -> ExitCode {
    let fixtures = if std::env::args().any(|a| a == "--rerecord") {
        (0..2)
            .map(|index| {
                let text = std::fs::read_to_string(fixture_file(index)).expect("fixture");
                let fixture: Fixture = serde_json::from_str(&text).expect("fixture parses");
                rerecord(&fixture)
            })
            .collect()
    } else {
        match capture_all() {
            Ok(fixtures) => fixtures,
            Err(err) => {
                eprintln!("journey failed: {err}");
                return ExitCode::FAILURE;
            }
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
