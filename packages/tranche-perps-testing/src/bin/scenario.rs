//! Runs the suite's user journey and prints what happened.
//!
//! `cargo run -p tranche-perps-testing --bin scenario [-- --json]`
//! Backend: the embedded cw-multi-test chain (`--backend multitest`, the default).

use std::process::ExitCode;

use tranche_perps_testing::scenario::fund_journey;
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

    let mut suite = Suite::builder().build();
    let journey = match fund_journey(&mut suite) {
        Ok(journey) => journey,
        Err(err) => {
            eprintln!("scenario failed: {err}");
            return ExitCode::FAILURE;
        }
    };
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&journey).expect("journey serializes")
        );
        return ExitCode::SUCCESS;
    }
    println!("insurance fund journey on cw-multi-test (invariants checked after every step)\n");
    for line in &journey.lines {
        println!("{:<7} {:<45} -> {}", line.actor, line.action, line.result);
    }
    let end = &journey.end;
    println!(
        "\nend: junior assets {} supply {} price {}; senior assets {} supply {}; reserve {}",
        end.junior.assets,
        end.junior.supply,
        end.junior.price,
        end.senior.assets,
        end.senior.supply,
        end.reserve
    );
    ExitCode::SUCCESS
}
