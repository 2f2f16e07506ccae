//! Runs the suite's user journey and prints what happened.
//!
//! `cargo run -p tranche-perps-testing --bin scenario [-- --json]`
//! Backends: the embedded cw-multi-test chain (`--backend multitest`, the default), or a real
//! single-node wasmd chain (`--backend chain`: runs `scripts/e2e.sh`, which starts the localnet,
//! deploys the optimized wasm, plays `journeys/` with on-chain assertions and prints gas used).

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
    match backend {
        "multitest" => {}
        "chain" => return run_on_chain(),
        other => {
            eprintln!("unknown backend {other:?}; available: multitest, chain");
            return ExitCode::FAILURE;
        }
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
    println!("1. insurance fund journey (docs/fund.md#worked-example)\n");
    for line in &fund.lines {
        println!("{:<9} {:<45} -> {}", line.actor, line.action, line.result);
    }
    println!("\n2. full suite journey: fund + perp engine + cw20 shares\n");
    for line in &suite.lines {
        println!("{:<9} {:<45} -> {}", line.actor, line.action, line.result);
    }
    ExitCode::SUCCESS
}

/// Plays the journeys on the wasmd localnet through `scripts/e2e.sh`.
fn run_on_chain() -> ExitCode {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/e2e.sh");
    match std::process::Command::new("bash").arg(script).status() {
        Ok(status) if status.success() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(err) => {
            eprintln!("could not run {script}: {err}");
            ExitCode::FAILURE
        }
    }
}
