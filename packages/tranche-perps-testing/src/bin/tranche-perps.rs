//! The main job: plays a scenario on cw-multi-test and writes its report.
//!
//! ```text
//! cargo run -p tranche-perps-testing --bin tranche-perps -- run [SCENARIO] [--out DIR]
//! cargo run -p tranche-perps-testing --bin tranche-perps -- stress [SCENARIO] [--out DIR] [--sizes 5,10,..]
//! cargo run -p tranche-perps-testing --bin tranche-perps -- stress DEPLOYMENT.json [--node URL] [--out DIR]
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
//!
//! `stress DEPLOYMENT.json` (what `scripts/chain/chain.py deploy` or `scenario` writes) sweeps a
//! live deployment instead: its state is read at one height through the `wasmd` CLI and forked
//! into cw-multi-test exactly ([`tranche_perps_testing::live`]; refused unless the deployed
//! code is this build's, `artifacts/checksums.txt`), and the fund's `Stress` answers are read
//! from the chain at that height (default DIR `target/reports/<folder>-live-stress`).
//!
//! Either way each case is shown beside the fund's `Stress` answer for the same move, and the
//! command fails when a case's exact bad debt (as the buckets counted the positions) is outside
//! the answer's stated accuracy.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use tranche_perps_testing::live;
use tranche_perps_testing::play::{self, repo_root, Player};
use tranche_perps_testing::report::{self, Report};
use tranche_perps_testing::stress::{self, SIZES};

const USAGE: &str =
    "usage: tranche-perps run|stress [SCENARIO] [--out DIR] [--sizes 5,10,...] [--block-times FILE]
       tranche-perps stress DEPLOYMENT.json [--node tcp://HOST:PORT] [--out DIR] [--sizes ...]
  SCENARIO     a scenario .json file, its path without .json, or a folder played in order
               (default scenarios/crash)
  DEPLOYMENT   a live deployment (chain.py's deployment.json): its state is forked into
               cw-multi-test and swept there, beside the chain's own Stress answers
  --node       the node to read (default: the deployment's `node`; wasmd from $WASMD or the
               tool cache scripts/localnet.sh builds it into)
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
    let mut node = None;
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
            "--node" => {
                i += 1;
                node = Some(
                    args.get(i)
                        .ok_or("--node needs a URL, e.g. tcp://127.0.0.1:26657")?
                        .clone(),
                );
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
    if command == "stress" && live::is_deployment(&path) {
        return stress_live(&path, node.as_deref(), &sizes, out);
    }
    if node.is_some() {
        return Err("--node is for `stress DEPLOYMENT.json`".into());
    }
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

/// `stress DEPLOYMENT.json`: fork the live deployment, sweep the fork beside the chain's own
/// `Stress` answers, write the report.
fn stress_live(
    path: &Path,
    node: Option<&str>,
    sizes: &[u32],
    out: Option<PathBuf>,
) -> Result<(), String> {
    let started = std::time::Instant::now();
    let dep = live::load_deployment(path, node)?;
    let sums = live::checksums(&live::default_checksums())?;
    let wasmd = live::Wasmd::locate(&dep.node);
    let dump = live::dump(&dep, &wasmd, &sums)?;
    let keys: usize = dump.contracts.iter().map(|c| c.state.len()).sum();
    println!(
        "== live deployment {} on {} (node {}), read at height {}: {} contracts, {keys} storage entries, code checked against artifacts/checksums.txt ({:.1} s)",
        path.display(),
        dump.chain_id,
        dep.node,
        dump.height,
        dump.contracts.len(),
        started.elapsed().as_secs_f64()
    );
    let player = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| live::fork(&dump)))
        .map_err(|p| {
            let msg = p
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            format!(
                "the fork of {} fails the suite's invariant checks: {msg}",
                path.display()
            )
        })??;
    // The fork answers as the chain does at that height.
    for (contract, msg) in [
        ("fund", serde_json::json!({"state": {}})),
        ("engine", serde_json::json!({"state": {}})),
    ] {
        let chain = wasmd.smart(&dep.contracts[contract], &msg, dump.height)?;
        let fork = player.query(contract, msg.clone())?;
        if chain != fork {
            return Err(format!(
                "the fork's {contract} {msg} differs from the chain's at height {}:
  chain {chain}
  fork  {fork}",
                dump.height
            ));
        }
    }
    println!("backend: cw-multi-test fork at block {} (time {} s); the fund's and engine's State on the fork equal the chain's", dump.height, dump.time.seconds());
    let cases = stress::targets(&player).len() * sizes.len() * 2;
    println!("\nstress sweep: {cases} cases from the deployment's state");
    let source = format!("chain {} at height {}", dump.chain_id, dump.height);
    // The chain's answers, read up front four at a time (each is a wasmd process).
    let mut asks = vec![];
    for markets in stress::targets(&player) {
        for direction in [stress::Direction::Crash, stress::Direction::Spike] {
            for &size in sizes {
                asks.push((markets.clone(), size, direction));
            }
        }
    }
    let mut answers = std::collections::BTreeMap::new();
    for chunk in asks.chunks(4) {
        std::thread::scope(|scope| {
            let handles: Vec<_> = chunk
                .iter()
                .map(|(markets, size, direction)| {
                    let (wasmd, dep, height) = (&wasmd, &dep, dump.height);
                    scope.spawn(move || {
                        let market = (markets.len() == 1).then(|| markets[0].as_str());
                        live::chain_stress(
                            wasmd,
                            dep,
                            height,
                            market,
                            &stress::price_move(*size, *direction),
                        )
                    })
                })
                .collect();
            for (ask, h) in chunk.iter().zip(handles) {
                let answer = h.join().unwrap_or_else(|_| Err("a query panicked".into()));
                answers.insert((ask.0.clone(), ask.1, ask.2.name()), answer);
            }
        });
    }
    let rows = stress::sweep_with(
        &player,
        sizes,
        &source,
        &mut |markets, size, direction| {
            let chain = answers
                .remove(&(markets.to_vec(), size, direction.name()))
                .unwrap_or_else(|| Err("no answer read".into()))?;
            let fork = stress::query_estimate(&player, markets, size, direction)?;
            if chain != fork {
                return Err(format!(
                    "the chain answers {chain:?} but the fork {fork:?}: the fork is not exact"
                ));
            }
            Ok(chain)
        },
        &mut |done, total, row| {
            eprintln!(
                "  [{done:>3}/{total}] {} {} {}%: bad debt {} USDC",
                row.target,
                row.direction.name(),
                row.move_pct,
                report::usdc(row.bad_debt.u128())
            );
        },
    );
    let label = format!(
        "live deployment {} on {} at height {}",
        path.display(),
        dump.chain_id,
        dump.height
    );
    let report = Report {
        scenario: label.clone(),
        names: vec![label],
        descriptions: vec![format!(
            "The deployment's state read from node {} at height {} and forked into cw-multi-test at the same addresses; each stress case runs on its own copy of the fork, beside the fund's Stress answer read from the chain at that height.",
            dep.node, dump.height
        )],
        initial: player.state(),
        steps: vec![],
        stress: Some(rows),
    };
    println!();
    for line in report::summary(&report) {
        println!("{line}");
    }
    let rows = report.stress.as_deref().unwrap_or_default();
    println!();
    for line in report::stress_table(rows) {
        println!("{line}");
    }
    let out = out.unwrap_or_else(|| {
        let folder = path
            .parent()
            .and_then(|p| p.file_name())
            .map_or("deployment".to_string(), |n| {
                n.to_string_lossy().into_owned()
            });
        PathBuf::from("target/reports").join(format!("{folder}-live-stress"))
    });
    let dir = report::write(&out, &report)?;
    println!(
        "\nreport written to {}/ (report.html, steps.json, *.svg) in {:.1} s",
        dir.display(),
        started.elapsed().as_secs_f64()
    );
    accuracy_verdict(rows)
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
