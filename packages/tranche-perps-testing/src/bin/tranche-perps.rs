//! The main job: plays a scenario on cw-multi-test and writes its report.
//!
//! ```text
//! cargo run -p tranche-perps-testing --bin tranche-perps -- run [SCENARIO] [--out DIR]
//! cargo run -p tranche-perps-testing --bin tranche-perps -- stress [SCENARIO] [--out DIR] [--sizes 5,10,..]
//! ```
//!
//! SCENARIO is a scenario file (`scenarios/crash.json`), the same path without `.json`, or a
//! folder whose files are played in name order on one deployment (`journeys`); default
//! `scenarios/crash`. `run` prints every step as it plays and writes `report.html`, the plots
//! as SVG and `steps.json` into DIR (default `target/reports/<name>`); `stress` also sweeps
//! index crashes and spikes of 5% to 60% per market from the end state (default DIR
//! `target/reports/<name>-stress`). A bad scenario stops with the file, the step and the
//! reason, and writes nothing. `--block-times FILE` plays each transaction step in the block a
//! chain run recorded for it (see `play::parse_block_times`), so time-dependent figures match
//! the chain's too.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use tranche_perps_testing::play::{self, repo_root, Player};
use tranche_perps_testing::report::{self, Report};
use tranche_perps_testing::stress::{self, SIZES};

const USAGE: &str =
    "usage: tranche-perps run|stress [SCENARIO] [--out DIR] [--sizes 5,10,...] [--block-times FILE]
  SCENARIO     a scenario .json file, its path without .json, or a folder played in order
               (default scenarios/crash)
  --block-times  the blocks a chain run recorded for the transaction steps (JSON: step index ->
               {\"time\": ns, \"height\": n}); each such step runs in that block";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut command = None;
    let mut scenario = None;
    let mut out = None;
    let mut sizes: Vec<u32> = SIZES.to_vec();
    let mut block_times = None;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--out" => {
                i += 1;
                out = Some(PathBuf::from(args.get(i).ok_or("--out needs a folder")?));
            }
            "--sizes" => {
                i += 1;
                let text = args.get(i).ok_or("--sizes needs a list, e.g. 5,10,20")?;
                sizes = text
                    .split(',')
                    .map(|s| s.trim().parse::<u32>())
                    .collect::<Result<_, _>>()
                    .map_err(|_| format!("--sizes {text:?}: whole percents, e.g. 5,10,20"))?;
                if sizes.iter().any(|s| *s == 0 || *s > 95) {
                    return Err("--sizes: each between 1 and 95 (%)".into());
                }
            }
            "--block-times" => {
                i += 1;
                let file = args.get(i).ok_or("--block-times needs a file")?;
                let text = std::fs::read_to_string(file).map_err(|e| format!("{file}: {e}"))?;
                block_times =
                    Some(play::parse_block_times(&text).map_err(|e| format!("{file}: {e}"))?);
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            a if command.is_none() => command = Some(a.to_string()),
            a if scenario.is_none() => scenario = Some(a.to_string()),
            a => return Err(format!("unexpected argument {a:?}\n{USAGE}")),
        }
        i += 1;
    }
    let command = command.ok_or(USAGE)?;
    if command != "run" && command != "stress" {
        return Err(format!("unknown command {command:?}\n{USAGE}"));
    }
    let path = resolve(scenario.as_deref().unwrap_or("scenarios/crash"));
    let scenario = play::load(&path).map_err(|e| e.to_string())?;
    let stem = path
        .file_stem()
        .map_or("scenario".to_string(), |s| s.to_string_lossy().into_owned());
    let out = out.unwrap_or_else(|| {
        let name = if command == "stress" {
            format!("{stem}-stress")
        } else {
            stem.clone()
        };
        PathBuf::from("target/reports").join(name)
    });

    for file in &scenario.files {
        println!("== {}", file.name);
    }
    println!(
        "backend: cw-multi-test, {} s blocks; every step is followed by the fund and engine invariant checks\n",
        play::BLOCK_SECONDS
    );
    let mut player = Player::deploy(&scenario.deploy_config())
        .map_err(|reason| format!("{}: deploy: {reason}", scenario.files[0].path.display()))?;
    if let Some(times) = block_times {
        player.block_times = times;
    }
    let initial = player.state();
    let start = initial.time;
    player
        .play(&scenario, &mut |_, total, record| {
            println!("{}", report::step_line(record, total, start));
        })
        .map_err(|e| e.to_string())?;

    let stress = if command == "stress" {
        let cases = stress::targets(&player).len() * sizes.len() * 2;
        println!("\nstress sweep: {cases} cases from the end state");
        let rows = stress::sweep(&player, &sizes, &mut |done, total, row| {
            eprintln!(
                "  [{done:>3}/{total}] {} {} {}%: bad debt {} USDC",
                row.target,
                row.direction.name(),
                row.move_pct,
                report::usdc(row.bad_debt.u128())
            );
        });
        Some(rows)
    } else {
        None
    };
    let report = Report {
        scenario: path.display().to_string(),
        names: scenario.files.iter().map(|f| f.name.clone()).collect(),
        descriptions: scenario
            .files
            .iter()
            .filter_map(|f| f.description.clone())
            .collect(),
        initial,
        steps: player.records.clone(),
        stress,
    };
    println!();
    for line in report::summary(&report) {
        println!("{line}");
    }
    if let Some(rows) = &report.stress {
        println!();
        for line in report::stress_table(rows) {
            println!("{line}");
        }
    }
    let dir = report::write(&out, &report)?;
    println!(
        "\nreport written to {}/ (report.html, steps.json, *.svg)",
        dir.display()
    );
    if let Some(rows) = &report.stress {
        accuracy_verdict(rows)?;
    }
    Ok(())
}

/// Prints the stress query beside each case and fails when any case's exact bad debt is
/// outside the query's stated accuracy.
fn accuracy_verdict(rows: &[stress::StressRow]) -> Result<(), String> {
    println!("\nthe fund's Stress query for each case, asked before it, beside its exact bad debt (USDC):");
    for line in report::accuracy_table(rows) {
        println!("{line}");
    }
    let failures = stress::accuracy_failures(rows);
    if failures.is_empty() {
        println!(
            "every case's exact bad debt is within the stress query's accuracy \
             (estimate - 1 <= exact as counted <= estimate + max_error + 1 per position)"
        );
        Ok(())
    } else {
        Err(format!(
            "{} of {} cases outside the stress query's accuracy:\n  {}",
            failures.len(),
            rows.len(),
            failures.join("\n  ")
        ))
    }
}

/// The scenario path as given, else relative to the repository's root.
fn resolve(arg: &str) -> PathBuf {
    let given = Path::new(arg);
    let exists = |p: &Path| p.exists() || p.with_extension("json").is_file();
    if exists(given) || given.is_absolute() {
        return given.to_path_buf();
    }
    let in_repo = repo_root().join(given);
    if exists(&in_repo) {
        in_repo
    } else {
        given.to_path_buf()
    }
}
