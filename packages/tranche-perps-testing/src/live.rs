//! A live deployment forked into cw-multi-test, exactly: every contract's raw storage, bank
//! balances and the chain's block, read at one height through the `wasmd` CLI (as
//! `scripts/chain/chain.py` talks to the chain), written at the same addresses into an app
//! whose codes are this workspace's contracts. The stress sweep then runs on the fork
//! (`tranche-perps stress <deployment.json>`).
//!
//! The fork is refused unless every deployed contract's code checksum is the one
//! `artifacts/checksums.txt` records for its contract: the fork runs the workspace's Rust code,
//! so it is exact only for the build those artifacts came from.
//!
//! What the fork cannot read back is calibrated, not guessed: the engine's invariant check
//! (`perp.rs`) sums each market's quote reserve since creation, which no query gives; the fork
//! takes the identity as it holds now (a surplus counted as a donation) and checks that every
//! step on the fork keeps it. The fund's donations are its balance above its books.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use cosmwasm_std::testing::MockApi;
use cosmwasm_std::{Addr, Binary, BlockInfo, Coin, HexBinary, Order, Timestamp, Uint128};
use cw_multi_test::{BankSudo, ContractData, SudoMsg};
use cw_storage_plus::Map;
use serde_json::{json, Value};
use tranche_perps_types::engine::{self, EngineConfigResponse, MarketsResponse};
use tranche_perps_types::fund::{self, FundStateResponse, StressResponse};
use tranche_perps_types::governance;

use crate::gov::GovRecords;
use crate::perp::PerpRecords;
use crate::play::{new_app, repo_root, MarketInfo, Player};
use crate::{collateral, Suite, DENOM};

/// The contracts a deployment names and the artifact each must run.
pub const CONTRACT_CODES: [(&str, &str); 6] = [
    ("fund", "insurance_fund.wasm"),
    ("junior_token", "share_token.wasm"),
    ("senior_token", "share_token.wasm"),
    ("engine", "perp_engine.wasm"),
    ("governance", "governance.wasm"),
    ("gov_token", "share_token.wasm"),
];

/// Rows per page of `contract-state all`.
const PAGE: u32 = 1_000;

/// What `chain.py deploy` writes: the chain, its node and the contracts.
#[derive(Clone, Debug)]
pub struct Deployment {
    /// The file.
    pub path: PathBuf,
    /// Chain id.
    pub chain_id: String,
    /// CometBFT RPC of a node (`tcp://host:port`).
    pub node: String,
    /// Contract name -> address.
    pub contracts: BTreeMap<String, String>,
}

/// Whether `path` is a deployment file (a JSON object with `chain_id` and `contracts`) rather
/// than a scenario.
pub fn is_deployment(path: &Path) -> bool {
    path.is_file()
        && std::fs::read_to_string(path)
            .ok()
            .and_then(|t| serde_json::from_str::<Value>(&t).ok())
            .is_some_and(|v| v.get("contracts").is_some() && v.get("chain_id").is_some())
}

/// Reads a deployment file; `node` overrides (or supplies) its node.
pub fn load_deployment(path: &Path, node: Option<&str>) -> Result<Deployment, String> {
    let name = path.display();
    let text = std::fs::read_to_string(path).map_err(|e| format!("{name}: {e}"))?;
    let v: Value = serde_json::from_str(&text).map_err(|e| format!("{name}: not JSON: {e}"))?;
    let chain_id = v["chain_id"]
        .as_str()
        .ok_or_else(|| format!("{name}: no `chain_id`"))?
        .to_string();
    let node = node
        .map(str::to_string)
        .or_else(|| v["node"].as_str().map(str::to_string))
        .ok_or_else(|| {
            format!("{name}: no `node` (written by chain.py deploy since this version): pass --node tcp://HOST:PORT")
        })?;
    let mut contracts = BTreeMap::new();
    for (contract, _) in CONTRACT_CODES {
        let addr = v["contracts"][contract]
            .as_str()
            .ok_or_else(|| format!("{name}: no `contracts.{contract}`"))?;
        contracts.insert(contract.to_string(), addr.to_string());
    }
    Ok(Deployment {
        path: path.to_path_buf(),
        chain_id,
        node,
        contracts,
    })
}

/// The `wasmd` CLI against one node.
pub struct Wasmd {
    /// The binary.
    pub bin: PathBuf,
    /// `--node`.
    pub node: String,
}

impl Wasmd {
    /// `$WASMD`, else the one `scripts/localnet.sh` builds into the tool cache
    /// (`$TP_CACHE`, default `~/.cache/tranche-perps`), else `wasmd` on the PATH.
    pub fn locate(node: &str) -> Wasmd {
        let bin = std::env::var_os("WASMD")
            .filter(|w| !w.is_empty())
            .map(PathBuf::from)
            .or_else(|| {
                let cache = std::env::var_os("TP_CACHE")
                    .map(PathBuf::from)
                    .or_else(|| {
                        std::env::var_os("HOME")
                            .map(|h| PathBuf::from(h).join(".cache/tranche-perps"))
                    })?;
                let mut found: Vec<PathBuf> = std::fs::read_dir(&cache)
                    .ok()?
                    .filter_map(|e| e.ok())
                    .map(|e| e.path().join("bin/wasmd"))
                    .filter(|p| p.is_file())
                    .collect();
                found.sort();
                found.pop()
            })
            .unwrap_or_else(|| PathBuf::from("wasmd"));
        Wasmd {
            bin,
            node: node.to_string(),
        }
    }

    /// Runs `wasmd <args> --node N -o json` (at `height`, if given); its JSON.
    pub fn json(&self, args: &[&str], height: Option<u64>) -> Result<Value, String> {
        let mut cmd = Command::new(&self.bin);
        cmd.args(args).args(["--node", &self.node, "-o", "json"]);
        if let Some(h) = height {
            cmd.args(["--height", &h.to_string()]);
        }
        let out = cmd.output().map_err(|e| {
            format!(
                "{}: {e} (set WASMD, or run scripts/localnet.sh start, which builds it)",
                self.bin.display()
            )
        })?;
        if !out.status.success() {
            let mut err = String::from_utf8_lossy(&out.stderr).to_string();
            if err.trim().is_empty() {
                err = String::from_utf8_lossy(&out.stdout).to_string();
            }
            let err = last_error_line(&err);
            return Err(format!(
                "wasmd {} (node {}): {err}",
                args[..args.len().min(4)].join(" "),
                self.node
            ));
        }
        serde_json::from_slice(&out.stdout)
            .map_err(|e| format!("wasmd {}: not JSON: {e}", args.join(" ")))
    }

    /// A smart query at `height`.
    pub fn smart(&self, contract: &str, msg: &Value, height: u64) -> Result<Value, String> {
        let msg = msg.to_string();
        let v = self.json(
            &["query", "wasm", "contract-state", "smart", contract, &msg],
            Some(height),
        )?;
        Ok(v["data"].clone())
    }
}

/// One contract as read from the chain.
#[derive(Clone, Debug)]
pub struct ContractDump {
    /// Its name in the deployment (`fund`, `engine`, ...).
    pub name: String,
    /// Address.
    pub address: String,
    /// The artifact its code must be (`perp_engine.wasm`).
    pub artifact: String,
    /// Instantiated by.
    pub creator: String,
    /// Migration admin.
    pub admin: Option<String>,
    /// Label.
    pub label: String,
    /// Height it was instantiated at.
    pub created: u64,
    /// Every raw key and value of its storage.
    pub state: Vec<(Vec<u8>, Vec<u8>)>,
    /// Its bank balances.
    pub balances: Vec<Coin>,
}

/// A deployment's state at one height.
#[derive(Clone, Debug)]
pub struct Dump {
    /// Chain id.
    pub chain_id: String,
    /// The height read.
    pub height: u64,
    /// That block's time.
    pub time: Timestamp,
    /// Every contract of the deployment.
    pub contracts: Vec<ContractDump>,
}

/// `artifacts/checksums.txt`: artifact name -> sha256 (lower-case hex).
pub fn checksums(path: &Path) -> Result<BTreeMap<String, String>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        format!(
            "{}: {e} (the fork needs the checksums of this build's wasm: scripts/build-wasm.sh)",
            path.display()
        )
    })?;
    let mut out = BTreeMap::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let mut parts = line.split_whitespace();
        let (Some(digest), Some(name)) = (parts.next(), parts.next()) else {
            return Err(format!("{}: bad line {line:?}", path.display()));
        };
        out.insert(
            name.trim_start_matches('*').to_string(),
            digest.to_lowercase(),
        );
    }
    Ok(out)
}

/// The deployed code of `contract` must be `artifact` of this build: its checksum on chain
/// equal to `sums[artifact]`.
pub fn check_code(
    contract: &str,
    address: &str,
    code_id: u64,
    deployed: &str,
    artifact: &str,
    sums: &BTreeMap<String, String>,
) -> Result<(), String> {
    let want = sums
        .get(artifact)
        .ok_or_else(|| format!("artifacts/checksums.txt has no {artifact}"))?;
    if deployed.to_lowercase() != *want {
        return Err(format!(
            "{contract} {address}: deployed code {code_id} has checksum {}, but this build's \
             {artifact} is {want} (artifacts/checksums.txt): the deployment is not this build, \
             so a fork running this workspace's code would not be exact",
            deployed.to_lowercase()
        ));
    }
    Ok(())
}

/// Reads the deployment's state at the node's latest height.
pub fn dump(
    dep: &Deployment,
    wasmd: &Wasmd,
    sums: &BTreeMap<String, String>,
) -> Result<Dump, String> {
    let status = wasmd
        .json(&["status"], None)
        .map_err(|e| format!("node {} is not reachable: {e}", dep.node))?;
    let info = status.get("sync_info").or_else(|| status.get("SyncInfo"));
    let height: u64 = info
        .and_then(|i| i["latest_block_height"].as_str())
        .and_then(|h| h.parse().ok())
        .ok_or_else(|| format!("node {}: no latest height in its status", dep.node))?;
    let network = status
        .get("node_info")
        .or_else(|| status.get("NodeInfo"))
        .and_then(|n| n["network"].as_str())
        .unwrap_or_default();
    if network != dep.chain_id {
        return Err(format!(
            "node {} runs chain {network:?}, but {} is on {:?}",
            dep.node,
            dep.path.display(),
            dep.chain_id
        ));
    }
    let block = wasmd.json(
        &["query", "block", "--type=height", &height.to_string()],
        None,
    )?;
    let stamp = block
        .get("block")
        .unwrap_or(&block)
        .get("header")
        .and_then(|h| h["time"].as_str())
        .ok_or_else(|| format!("block {height}: no header time"))?;
    let time = Timestamp::from_nanos(parse_time_ns(stamp)?);
    // One thread per contract: each CLI call costs a process start, the reads are independent.
    let read = |name: &str, artifact: &str| -> Result<ContractDump, String> {
        let address = &dep.contracts[name];
        let c = wasmd
            .json(&["query", "wasm", "contract", address], Some(height))
            .map_err(|e| format!("{name} {address}: {e}"))?;
        let info = &c["contract_info"];
        let code_id: u64 = num(&info["code_id"]).ok_or(format!("{name}: no code id"))?;
        let code = wasmd.json(
            &["query", "wasm", "code-info", &code_id.to_string()],
            Some(height),
        )?;
        let checksum = code["checksum"]
            .as_str()
            .ok_or(format!("code {code_id}: no checksum"))?;
        check_code(name, address, code_id, checksum, artifact, sums)?;
        let mut state = vec![];
        let mut page_key: Option<String> = None;
        loop {
            let limit = PAGE.to_string();
            let mut args = vec![
                "query",
                "wasm",
                "contract-state",
                "all",
                address,
                "--limit",
                &limit,
            ];
            if let Some(k) = &page_key {
                args.extend(["--page-key", k]);
            }
            let page = wasmd.json(&args, Some(height))?;
            let models = page["models"].as_array().cloned().unwrap_or_default();
            for m in &models {
                let key = HexBinary::from_hex(m["key"].as_str().unwrap_or_default())
                    .map_err(|e| format!("{name}: a key is not hex: {e}"))?;
                let value = Binary::from_base64(m["value"].as_str().unwrap_or_default())
                    .map_err(|e| format!("{name}: a value is not base64: {e}"))?;
                state.push((key.to_vec(), value.to_vec()));
            }
            match page["pagination"]["next_key"].as_str() {
                Some(k) if !k.is_empty() && !models.is_empty() => page_key = Some(k.to_string()),
                _ => break,
            }
        }
        let bank = wasmd.json(&["query", "bank", "balances", address], Some(height))?;
        let balances = bank["balances"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|c| -> Result<Coin, String> {
                Ok(Coin {
                    denom: c["denom"].as_str().unwrap_or_default().to_string(),
                    amount: Uint128::new(
                        num::<u128>(&c["amount"]).ok_or(format!("{name}: bad balance {c}"))?,
                    ),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ContractDump {
            name: name.to_string(),
            address: address.clone(),
            artifact: artifact.to_string(),
            creator: info["creator"].as_str().unwrap_or_default().to_string(),
            admin: info["admin"]
                .as_str()
                .filter(|a| !a.is_empty())
                .map(str::to_string),
            label: info["label"].as_str().unwrap_or_default().to_string(),
            created: num(&info["created"]["block_height"]).unwrap_or(0),
            state,
            balances,
        })
    };
    let contracts = std::thread::scope(|scope| {
        let handles: Vec<_> = CONTRACT_CODES
            .iter()
            .map(|(name, artifact)| scope.spawn(move || read(name, artifact)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err("a read panicked".to_string()))
            })
            .collect::<Result<Vec<_>, String>>()
    })?;
    Ok(Dump {
        chain_id: dep.chain_id.clone(),
        height,
        time,
        contracts,
    })
}

/// The reason in a CLI's error output: its last non-empty line without colour codes (the
/// usage text cobra prints before it left out), from `err=` on when it is a log line.
fn last_error_line(text: &str) -> String {
    let mut plain = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // Skip an escape sequence up to its final letter.
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            plain.push(c);
        }
    }
    let line = plain
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default()
        .trim();
    line.split_once("err=").map_or(line, |(_, e)| e).to_string()
}

fn num<T: std::str::FromStr>(v: &Value) -> Option<T> {
    match v {
        Value::String(s) => s.parse().ok(),
        Value::Number(n) => n.to_string().parse().ok(),
        _ => None,
    }
}

/// `2026-12-07T01:08:27.123456789Z` as nanoseconds since the epoch.
pub fn parse_time_ns(stamp: &str) -> Result<u64, String> {
    let bad = || format!("bad block time {stamp:?}");
    let s = stamp.strip_suffix('Z').ok_or_else(bad)?;
    let (date, time) = s.split_once('T').ok_or_else(bad)?;
    let d: Vec<i64> = date
        .split('-')
        .map(|p| p.parse().map_err(|_| bad()))
        .collect::<Result<_, _>>()?;
    let (hms, frac) = time.split_once('.').unwrap_or((time, ""));
    let t: Vec<u64> = hms
        .split(':')
        .map(|p| p.parse().map_err(|_| bad()))
        .collect::<Result<_, _>>()?;
    if d.len() != 3 || t.len() != 3 || frac.len() > 9 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    // Days from 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
    let (y, m, day) = (d[0] - i64::from(d[1] <= 2), d[1], d[2]);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = u64::try_from(era * 146_097 + doe - 719_468).map_err(|_| bad())?;
    let nanos: u64 = format!("{frac:0<9}").parse().map_err(|_| bad())?;
    Ok(((days * 86_400 + t[0] * 3_600 + t[1] * 60 + t[2]) * 1_000_000_000) + nanos)
}

/// A [`Dump`] of a cw-multi-test player's deployment (for tests of the fork without a chain):
/// what [`dump`] reads from a node.
pub fn dump_player(player: &Player) -> Dump {
    let app = &player.suite.app;
    let contracts = CONTRACT_CODES
        .iter()
        .map(|(name, artifact)| {
            let addr = player.addr(name).expect("a deployment contract");
            let data = app.contract_data(&addr).expect("contract data");
            ContractDump {
                name: name.to_string(),
                address: addr.to_string(),
                artifact: artifact.to_string(),
                creator: data.creator.to_string(),
                admin: data.admin.map(|a| a.to_string()),
                label: data.label,
                created: data.created,
                state: app
                    .dump_wasm_raw(&addr)
                    .into_iter()
                    .map(|(k, v)| (k.to_vec(), v.to_vec()))
                    .collect(),
                balances: vec![app.wrap().query_balance(&addr, DENOM).expect("balance")],
            }
        })
        .collect();
    let block = app.block_info();
    Dump {
        chain_id: block.chain_id,
        height: block.height,
        time: block.time,
        contracts,
    }
}

/// The fork: an app holding the dump's contracts at their addresses, with their storage and
/// balances, at the dump's block; the suite's invariants checked on it.
pub fn fork(dump: &Dump) -> Result<Player, String> {
    let addr_of = |name: &str| -> Result<&ContractDump, String> {
        dump.contracts
            .iter()
            .find(|c| c.name == name)
            .ok_or_else(|| format!("the dump has no {name}"))
    };
    let fund_addr = &addr_of("fund")?.address;
    let prefix = fund_addr
        .rsplit_once('1')
        .map(|(p, _)| p)
        .filter(|p| !p.is_empty())
        .ok_or_else(|| format!("{fund_addr} is not a bech32 address"))?;
    // MockApi takes a 'static prefix: one small leak per fork made.
    let prefix: &'static str = Box::leak(prefix.to_string().into_boxed_str());
    let (mut app, [cw20_id, fund_id, engine_id, gov_id]) =
        new_app(MockApi::default().with_prefix(prefix));
    let code_of = |artifact: &str| match artifact {
        "share_token.wasm" => Ok(cw20_id),
        "insurance_fund.wasm" => Ok(fund_id),
        "perp_engine.wasm" => Ok(engine_id),
        "governance.wasm" => Ok(gov_id),
        other => Err(format!("no code for {other}")),
    };
    let api = *app.api();
    let valid = |a: &str| -> Result<Addr, String> {
        cosmwasm_std::Api::addr_validate(&api, a).map_err(|e| format!("address {a}: {e}"))
    };
    // cw-multi-test keeps contract instances in its wasm keeper's `contracts` map.
    const CONTRACTS: Map<&Addr, ContractData> = Map::new("contracts");
    let mut addrs = BTreeMap::new();
    for c in &dump.contracts {
        let addr = valid(&c.address)?;
        let data = ContractData {
            code_id: code_of(&c.artifact)?,
            creator: valid(&c.creator)?,
            admin: c.admin.as_deref().map(valid).transpose()?,
            label: c.label.clone(),
            created: c.created,
        };
        CONTRACTS
            .save(&mut *app.prefixed_storage_mut(b"wasm"), &addr, &data)
            .map_err(|e| format!("{}: {e}", c.name))?;
        let mut storage = app.contract_storage_mut(&addr);
        for (k, v) in &c.state {
            storage.set(k, v);
        }
        drop(storage);
        let coins: Vec<Coin> = c
            .balances
            .iter()
            .filter(|c| !c.amount.is_zero())
            .cloned()
            .collect();
        if !coins.is_empty() {
            app.sudo(SudoMsg::Bank(BankSudo::Mint {
                to_address: addr.to_string(),
                amount: coins,
            }))
            .map_err(|e| format!("{} balance: {e}", c.name))?;
        }
        addrs.insert(c.name.clone(), addr);
    }
    app.set_block(BlockInfo {
        height: dump.height,
        time: dump.time,
        chain_id: dump.chain_id.clone(),
    });
    let (fund, engine, gov) = (
        addrs["fund"].clone(),
        addrs["engine"].clone(),
        addrs["governance"].clone(),
    );
    let q = |contract: &Addr, msg: &Value| -> Result<Value, String> {
        app.wrap()
            .query_wasm_smart::<Value>(contract, msg)
            .map_err(|e| format!("the fork's {contract} does not answer {msg}: {e}"))
    };
    let fund_config: fund::ConfigResponse =
        serde_json::from_value(q(&fund, &json!({"config": {}}))?)
            .map_err(|e| format!("fund config: {e}"))?;
    let governor = q(&fund, &json!({"ownership": {}}))?["owner"]
        .as_str()
        .map(valid)
        .transpose()?
        .unwrap_or_else(|| fund.clone());
    let engine_config: EngineConfigResponse =
        serde_json::from_value(q(&engine, &json!({"config": {}}))?)
            .map_err(|e| format!("engine config: {e}"))?;
    let gov_config: governance::GovConfigResponse =
        serde_json::from_value(q(&gov, &json!({"config": {}}))?)
            .map_err(|e| format!("governance config: {e}"))?;
    let mut markets = vec![];
    loop {
        let page: MarketsResponse = serde_json::from_value(q(
            &engine,
            &json!({"markets": {"start_after": markets.last().map(|m: &engine::MarketResponse| m.id.clone()), "limit": 30}}),
        )?)
        .map_err(|e| e.to_string())?;
        let n = page.markets.len();
        markets.extend(page.markets);
        if n < 30 {
            break;
        }
    }
    let mut traders: BTreeMap<String, BTreeSet<Addr>> = markets
        .iter()
        .map(|m| (m.id.clone(), BTreeSet::new()))
        .collect();
    {
        let storage = app.contract_storage(&engine);
        for key in perp_engine::state::POSITIONS.keys(&*storage, None, None, Order::Ascending) {
            let (trader, market) = key.map_err(|e| format!("engine positions: {e}"))?;
            traders.entry(market).or_default().insert(trader);
        }
    }
    let feeders: Vec<Addr> = markets
        .iter()
        .flat_map(|m| m.feeders.iter().cloned())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let quote_start = markets
        .iter()
        .map(|m| (m.id.clone(), m.quote_reserve.u128()))
        .collect();
    let mut suite = Suite {
        app,
        governor: governor.clone(),
        guardian: fund_config
            .guardian
            .clone()
            .unwrap_or_else(|| governor.clone()),
        engine: engine.clone(),
        operator: governor,
        fund: fund.clone(),
        fund_code_id: fund_id,
        cw20_code_id: cw20_id,
        junior_token: fund_config.junior_token.clone(),
        senior_token: fund_config.senior_token.clone(),
        sanity: true,
        donated: Uint128::zero(),
        perp: Some(PerpRecords {
            feeders,
            treasury: engine_config.treasury.clone(),
            code_id: engine_id,
            quote_start,
            traders,
            donated: 0,
        }),
        gov: Some(GovRecords {
            contract: gov.clone(),
            token: addrs["gov_token"].clone(),
            treasury: gov_config.treasury.clone(),
            code_id: gov_id,
        }),
    };
    // The fund: whatever it holds above its books was donated.
    let state: FundStateResponse = suite.state();
    let books = collateral(&state.junior) + collateral(&state.senior) + state.reserve;
    let held = Uint128::new(suite.balance(&fund));
    suite.donated = held.checked_sub(books).map_err(|_| {
        format!("the fund holds {held} but its books say {books}: the deployment is inconsistent")
    })?;
    calibrate_engine(&mut suite);
    suite.check_invariants();
    suite.check_engine_invariants();
    let market_infos = markets
        .iter()
        .map(|m| MarketInfo {
            id: m.id.clone(),
            feeders: m.feeders.clone(),
        })
        .collect();
    let keys = BTreeMap::from([("keeper".to_string(), suite.addr("stress-keeper"))]);
    Ok(Player::from_parts(suite, keys, addrs, market_infos))
}

/// Makes the engine's conservation identity (`perp.rs`) hold on the fork as it stands: the
/// books' difference from the bank balance becomes a donation when the bank holds more, and a
/// lower starting quote reserve of the first market when it holds less.
fn calibrate_engine(suite: &mut Suite) {
    let state = suite.engine_state();
    let records = suite.perp.clone().expect("engine records");
    let mut books: i128 = (state.total_margin
        + state.treasury_fees
        + state.unsplit_fees
        + state.pending_premium
        + state.owed_payouts)
        .u128() as i128;
    books -= state.uncovered_bad_debt.u128() as i128;
    for id in records.quote_start.keys() {
        let market = suite.market(id);
        books += market.funding_pool.i128();
        for trader in &records.traders[id] {
            if let Some(p) = suite.position(id, trader) {
                let open = p.open_notional.u128() as i128;
                books += if p.size.i128() > 0 { -open } else { open };
            }
        }
    }
    let diff = suite.balance(&suite.engine) as i128 - books;
    let perp = suite.perp.as_mut().expect("engine records");
    if diff >= 0 {
        perp.donated = diff as u128;
    } else if let Some((_, start)) = perp.quote_start.iter_mut().next() {
        *start = start.saturating_add(diff.unsigned_abs());
    }
}

/// The fund's `Stress` answer read from the chain at `height`: a move of `price_move` on
/// `market` (none: every market).
pub fn chain_stress(
    wasmd: &Wasmd,
    dep: &Deployment,
    height: u64,
    market: Option<&str>,
    price_move: &str,
) -> Result<StressResponse, String> {
    let msg = json!({"stress": {"market": market, "price_move": price_move}});
    let v = wasmd.smart(&dep.contracts["fund"], &msg, height)?;
    serde_json::from_value(v).map_err(|e| format!("fund stress answer: {e}"))
}

/// The repository's `artifacts/checksums.txt`.
pub fn default_checksums() -> PathBuf {
    repo_root().join("artifacts/checksums.txt")
}
