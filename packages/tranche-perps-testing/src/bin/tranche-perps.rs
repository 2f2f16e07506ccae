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
               {\"time\": ns, \"height\": n}); each such step runs in that block
  --chain      (run) play the scenario file on a wasmd node first (scripts/chain/chain.py
               scenario), replay it on cw-multi-test in the chain's blocks, compare the two
               (chain.py compare) and put the chain's verdict and files in the report
  --config     (run --chain) the deployment settings (default deploy/localnet.json); a local
               node of its that does not answer is started with scripts/localnet.sh";

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
    let mut block_times: Option<std::collections::BTreeMap<usize, play::RecordedBlock>> = None;
    let mut node = None;
    let mut chain = false;
    let mut config = None;
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
            "--chain" => chain = true,
            "--config" => {
                i += 1;
                config = Some(PathBuf::from(args.get(i).ok_or("--config needs a file")?));
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
    if (chain || config.is_some()) && command != "run" {
        return Err("--chain and --config are for `run`".into());
    }
    if config.is_some() && !chain {
        return Err("--config is for `run --chain`".into());
    }
    if chain && block_times.is_some() {
        return Err("--chain records its own block times; leave --block-times out".into());
    }
    let scenario = play::load(&path).map_err(|e| e.to_string())?;
    let stem = path
        .file_stem()
        .map_or("scenario".to_string(), |s| s.to_string_lossy().into_owned());
    let out = out.unwrap_or_else(|| {
        let name = if command == "stress" {
            format!("{stem}-stress")
        } else if chain {
            format!("{stem}-chain")
        } else {
            stem.clone()
        };
        PathBuf::from("target/reports").join(name)
    });
    let chain_run = if chain {
        if scenario.files.len() != 1 || !path.is_file() && !path.with_extension("json").is_file() {
            return Err(format!(
                "{}: --chain plays one scenario file (chain.py scenario), not a folder",
                path.display()
            ));
        }
        let config = config.unwrap_or_else(|| repo_root().join("deploy/localnet.json"));
        let run = on_chain(&scenario.files[0].path, &config, &out)?;
        block_times = Some(run.block_times.clone());
        Some(run)
    } else {
        None
    };

    for file in &scenario.files {
        println!("== {}", file.name);
    }
    let blocks = if block_times.is_some() {
        "the recorded blocks for transactions".to_string()
    } else {
        format!("{} s blocks", play::BLOCK_SECONDS)
    };
    println!(
        "backend: cw-multi-test, {blocks}; every step is followed by the fund and engine invariant checks\n"
    );
    let deployed_at = block_times.as_ref().and_then(|t| t.get(&0)).map(|b| b.time);
    let mut player = Player::deploy_at(&scenario.deploy_config(), deployed_at)
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
        chain: None,
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
    if let Some(run) = chain_run {
        return finish_chain_run(run, report, &out);
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

/// A scenario played on a node: chain.py's files in a scratch folder beside the report's.
struct ChainRun {
    /// The scratch folder (deployment.json, block_times.json, chain-state.json).
    dir: PathBuf,
    /// The recorded blocks.
    block_times: std::collections::BTreeMap<usize, play::RecordedBlock>,
}

impl Drop for ChainRun {
    /// The scratch folder goes whatever happens: moved into the report, or removed.
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Plays `scenario` on the node of `config` through `chain.py scenario` (starting a local node
/// with scripts/localnet.sh when none answers) into a scratch folder beside `out`.
fn on_chain(scenario: &Path, config: &Path, out: &Path) -> Result<ChainRun, String> {
    let text = std::fs::read_to_string(config).map_err(|e| format!("{}: {e}", config.display()))?;
    let cfg: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: not JSON: {e}", config.display()))?;
    let node = cfg["node"]
        .as_str()
        .ok_or_else(|| format!("{}: no `node`", config.display()))?;
    let mut wasmd = live::Wasmd::locate(node);
    if let Err(e) = wasmd.json(&["status"], None) {
        // Start a node only where none listens: a failing CLI must not re-create a running
        // localnet.
        let listening = node
            .strip_prefix("tcp://")
            .and_then(|a| a.parse::<std::net::SocketAddr>().ok())
            .is_some_and(|a| {
                std::net::TcpStream::connect_timeout(&a, std::time::Duration::from_secs(2)).is_ok()
            });
        if listening {
            return Err(format!("node {node} listens but does not answer: {e}"));
        }
        start_localnet(config, &cfg, node)?;
        // The start builds wasmd into the tool cache when it is not there yet.
        wasmd = live::Wasmd::locate(node);
        wasmd
            .json(&["status"], None)
            .map_err(|e| format!("the localnet started but {e}"))?;
    }
    let name = out
        .file_name()
        .map_or("report".to_string(), |n| n.to_string_lossy().into_owned());
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    let dir = parent.join(format!(".{name}.chain-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    println!(
        "== on the chain: python3 scripts/chain/chain.py scenario --config {} --out {} {}",
        config.display(),
        dir.display(),
        scenario.display()
    );
    let status = std::process::Command::new("python3")
        .arg(repo_root().join("scripts/chain/chain.py"))
        .arg("scenario")
        .arg("--config")
        .arg(config)
        .arg("--out")
        .arg(&dir)
        .arg(scenario)
        .env("WASMD", &wasmd.bin)
        .status()
        .map_err(|e| format!("python3 scripts/chain/chain.py: {e}"));
    let status = match status {
        Ok(s) => s,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&dir);
            return Err(e);
        }
    };
    if !status.success() {
        let _ = std::fs::remove_dir_all(&dir);
        return Err(format!(
            "{} did not play on the chain ({status}; chain.py's reason above)",
            scenario.display()
        ));
    }
    let file = dir.join("block_times.json");
    let block_times = std::fs::read_to_string(&file)
        .map_err(|e| e.to_string())
        .and_then(|t| play::parse_block_times(&t))
        .map_err(|e| {
            let _ = std::fs::remove_dir_all(&dir);
            format!("{}: {e}", file.display())
        })?;
    println!("\n== replayed on cw-multi-test in the chain's blocks");
    Ok(ChainRun { dir, block_times })
}

/// Starts the local node of `cfg` with scripts/localnet.sh (its home and ports from the
/// settings), or says how when the node is not a local one.
fn start_localnet(config: &Path, cfg: &serde_json::Value, node: &str) -> Result<(), String> {
    let port = node
        .strip_prefix("tcp://127.0.0.1:")
        .and_then(|p| p.parse::<u16>().ok());
    let home = cfg["home"].as_str();
    let (Some(port), Some(home)) = (port, home) else {
        return Err(format!(
            "node {node} of {} does not answer, and it is not a local node with a `home` this \
             command could start: start it, or give --config with a reachable node",
            config.display()
        ));
    };
    let home = repo_root().join(home);
    let command = format!(
        "LOCALNET_HOME={} LOCALNET_RPC_PORT={port} LOCALNET_P2P_PORT={} LOCALNET_ABCI_PORT={} bash scripts/localnet.sh start",
        home.display(),
        port - 1,
        port + 1
    );
    println!("== node {node} does not answer: starting it ({command})");
    let status = std::process::Command::new("bash")
        .arg(repo_root().join("scripts/localnet.sh"))
        .arg("start")
        .env("LOCALNET_HOME", &home)
        .env("LOCALNET_RPC_PORT", port.to_string())
        .env("LOCALNET_P2P_PORT", (port - 1).to_string())
        .env("LOCALNET_ABCI_PORT", (port + 1).to_string())
        .status()
        .map_err(|e| format!("{command}: {e}"))?;
    if !status.success() {
        return Err(format!("the localnet did not start ({status}): {command}"));
    }
    println!(
        "the localnet keeps running; stop it with: LOCALNET_HOME={} bash scripts/localnet.sh stop",
        home.display()
    );
    Ok(())
}

/// Compares the chain's end state with the replay's (`chain.py compare`), writes the report
/// with the verdict and the chain's files (`chain/`), and fails when they differ.
fn finish_chain_run(run: ChainRun, mut report: Report, out: &Path) -> Result<(), String> {
    let cleanup = |e: String| {
        let _ = std::fs::remove_dir_all(&run.dir);
        e
    };
    let steps = run.dir.join("multitest-steps.json");
    let json = serde_json::to_string_pretty(&report::steps_json(&report))
        .map_err(|e| cleanup(e.to_string()))?;
    std::fs::write(&steps, json).map_err(|e| cleanup(format!("{}: {e}", steps.display())))?;
    let compare = std::process::Command::new("python3")
        .arg(repo_root().join("scripts/chain/chain.py"))
        .arg("compare")
        .arg(run.dir.join("chain-state.json"))
        .arg(&steps)
        .output()
        .map_err(|e| cleanup(format!("python3 scripts/chain/chain.py compare: {e}")))?;
    let _ = std::fs::remove_file(&steps);
    let agree = compare.status.success();
    let verdict = format!(
        "{}{}",
        String::from_utf8_lossy(&compare.stdout),
        String::from_utf8_lossy(&compare.stderr)
    )
    .trim()
    .to_string();
    println!("\n== the chain against cw-multi-test (chain.py compare)\n{verdict}");
    report.chain = Some(verdict);
    let dir = report::write(out, &report).map_err(cleanup)?;
    let chain_dir = dir.join("chain");
    std::fs::rename(&run.dir, &chain_dir)
        .map_err(|e| cleanup(format!("{}: {e}", chain_dir.display())))?;
    println!(
        "\nreport written to {}/ (report.html, steps.json, *.svg; the chain's deployment.json, block_times.json and chain-state.json in chain/)",
        dir.display()
    );
    if agree {
        Ok(())
    } else {
        Err("the chain and cw-multi-test differ (above, and in the report)".into())
    }
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
        chain: None,
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
        // The folder it is in; for `run --chain`'s `<report>/chain/deployment.json`, the report's.
        let mut dir = path.parent();
        if dir
            .and_then(|d| d.file_name())
            .is_some_and(|n| n == "chain")
        {
            dir = dir.and_then(Path::parent);
        }
        let folder = dir
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
