//! Rewrites the docs' generated parameter tables from the bounds constants.
//!
//! `cargo run -p tranche-perps-testing --bin docs-tables`

use std::process::ExitCode;

use tranche_perps_testing::docs::{fill, repo_root, sections};

fn main() -> ExitCode {
    for section in sections() {
        let path = repo_root().join(section.page);
        let text = std::fs::read_to_string(&path).expect("docs page");
        let Some(filled) = fill(&text, section.name, &section.content) else {
            eprintln!("{}: no generated:{} markers", section.page, section.name);
            return ExitCode::FAILURE;
        };
        std::fs::write(&path, filled).expect("docs page written");
        println!("{}: {}", section.page, section.name);
    }
    ExitCode::SUCCESS
}
