//! Runs the suite's user journey and prints what happened.
//!
//! `cargo run -p tranche-perps-testing --bin scenario [-- --json]`
//! Backend: the embedded cw-multi-test chain (`--backend multitest`, the default).

use std::process::ExitCode;

use tranche_perps_testing::scenario::{fund_journey, suite_journey};
use tranche_perps_testing::Suite;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let json = args.iter().any(|a| a == "--json");
    let backend = args
        .iter()
        .position(|a| a == "--backend")
        .and_then(|i| args.get(i + 1))
        .map_or("multitest", String::as_str);
    if backend != "multitest" {
        eprintln!("unknown backend {backend:?}; available: multitest");
        return ExitCode::FAILURE;
    }

    let mut fund_suite = Suite::builder().build();
    let fund = match fund_journey(&mut fund_suite) {
        Ok(journey) => journey,
        Err(err) => {
            eprintln!("fund journey failed: {err}");
            return ExitCode::FAILURE;
        }
    };
    let mut full_suite = Suite::builder().with_perp_engine().build();
    let suite = match suite_journey(&mut full_suite) {
        Ok(journey) => journey,
        Err(err) => {
            eprintln!("suite journey failed: {err}");
            return ExitCode::FAILURE;
        }
    };
    if json {
        let both = serde_json::json!({ "fund_journey": fund, "suite_journey": suite });
        println!(
            "{}",
            serde_json::to_string_pretty(&both).expect("journeys serialize")
        );
        return ExitCode::SUCCESS;
    }
    println!("backend: cw-multi-test; every step is followed by the invariant checks\n");
    println!("1. insurance fund journey (README worked example)\n");
    for line in &fund.lines {
        println!("{:<9} {:<45} -> {}", line.actor, line.action, line.result);
    }
    println!("\n2. full suite journey: fund + perp engine + cw20 shares\n");
    for line in &suite.lines {
        println!("{:<9} {:<45} -> {}", line.actor, line.action, line.result);
    }
    ExitCode::SUCCESS
}
