//! Plays scenario files on cw-multi-test: the JSON format of `scenarios/README.md`, the one
//! `scripts/chain/chain.py journey` plays on a wasmd localnet, so one file runs on both.
//!
//! The suite is deployed as `chain.py deploy` deploys it, from `deploy/localnet.json` merged
//! with the scenario's own `deploy` block: the GOV token, the fund (with its two share tokens),
//! the engine, governance, the fund told its engine, the configured markets added by the
//! deployer, and both governor roles offered to governance when `hand_over_to_governance` is set.
//! The localnet's keys ([`KEYS`]) are multi-test addresses (`addr_make(key)`), each funded as
//! the localnet's genesis funds it ([`KEY_BALANCE`], `ts-client` [`TS_CLIENT_BALANCE`]).
//!
//! Time model (a chain's, with 5-second blocks):
//! - every `execute` and `bank_send` step is a transaction in a new block: height + 1 and
//!   time + [`BLOCK_SECONDS`] before it runs (on the localnet a transaction lands in the next
//!   block too, about every half second);
//! - `query` and `balance` steps read the latest block and move nothing;
//! - `sleep` moves time by its seconds (and height by one block per 5 s, at least one);
//! - `wait_until` moves time to its target when that is later (nanosecond timestamps are rounded
//!   up to whole seconds, as the chain runner does);
//! - `{{now}}` is the latest block's time in seconds, so a price published at `{{now}}` is a
//!   block older than the transaction carrying it, as on chain.
//!
//! Figures that depend on how much time passes between two transactions (premium unlocking,
//! funding) may differ from a chain whose blocks come faster: scenarios that assert such figures
//! put an explicit `sleep` or `wait_until` before them, long enough to dwarf the block time.
//!
//! Every step runs as a checked step of the [`Suite`] (fund and engine invariants after it), and
//! every step's state is recorded ([`StepRecord`]).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use cosmwasm_std::testing::MockApi;
use cosmwasm_std::{
    coins, to_json_binary, Addr, BlockInfo, Coin, Decimal256, Empty, Order, Storage, Timestamp,
    Uint128,
};
use cw20::Cw20QueryMsg;
use cw_multi_test::{App, AppBuilder, AppResponse, BankSudo, Executor, SudoMsg};
use serde::Serialize;
use serde_json::{json, Map, Value};
use tranche_perps_types::engine::{
    self, EngineStateResponse, MarketResponse, PositionsResponse, SocializedLoss,
    SocializedLossesResponse,
};
use tranche_perps_types::fund::{
    self, FundStateResponse, LossLedgerResponse, LossRecord, UnderwriterResponse,
};
use tranche_perps_types::governance;

use crate::gov::{governance_contract, GovRecords};
use crate::perp::{engine_contract, PerpRecords};
use crate::{cw20_contract, fund_contract, Step, Suite, DENOM};

/// Seconds per block: every transaction step starts a new block this much later.
pub const BLOCK_SECONDS: u64 = 5;
/// The localnet's keys (`scripts/localnet.sh`), the only senders a scenario may name.
pub const KEYS: [&str; 12] = [
    "deployer",
    "feeder",
    "keeper",
    "treasury",
    "lp-junior",
    "lp-senior",
    "alice",
    "bob",
    "dave",
    "erin",
    "arb",
    "ts-client",
];
/// Collateral every key but `ts-client` holds at genesis on the localnet.
pub const KEY_BALANCE: u128 = 1_000_000_000_000_000;
/// Collateral of `ts-client` at genesis.
pub const TS_CLIENT_BALANCE: u128 = 1_000_000_000_000;
/// Contract names a scenario may address.
pub const CONTRACTS: [&str; 6] = [
    "fund",
    "junior_token",
    "senior_token",
    "engine",
    "governance",
    "gov_token",
];
/// What a share token's one share is in its base units (9 decimals).
pub const SHARE_UNIT: u128 = 1_000_000_000;

/// A scenario that could not be played: the file, the step (1-based index and name) and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlayError {
    /// The scenario file.
    pub file: String,
    /// The step, when the error is about one.
    pub step: Option<(usize, String)>,
    /// What is wrong.
    pub reason: String,
}

impl fmt::Display for PlayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.step {
            Some((index, name)) => {
                write!(f, "{}: step {index} ({name:?}): {}", self.file, self.reason)
            }
            None => write!(f, "{}: {}", self.file, self.reason),
        }
    }
}

impl std::error::Error for PlayError {}

/// One scenario file, checked.
#[derive(Clone, Debug)]
pub struct ScenarioFile {
    /// Where it was read from.
    pub path: PathBuf,
    /// Its `name`.
    pub name: String,
    /// Its `description`, if any.
    pub description: Option<String>,
    /// Its `deploy` override of `deploy/localnet.json`, if any.
    pub deploy: Option<Value>,
    /// Its steps.
    pub steps: Vec<Value>,
}

/// Scenario files played in order on one deployment (a file, or every `*.json` of a folder in
/// name order).
#[derive(Clone, Debug)]
pub struct Scenario {
    /// The path given.
    pub label: String,
    /// The files.
    pub files: Vec<ScenarioFile>,
}

impl Scenario {
    /// Number of steps in all files.
    pub fn step_count(&self) -> usize {
        self.files.iter().map(|f| f.steps.len()).sum()
    }

    /// The deployment settings: `deploy/localnet.json` merged with the first file's `deploy`.
    pub fn deploy_config(&self) -> Value {
        let mut config = localnet_config();
        if let Some(over) = self.files.first().and_then(|f| f.deploy.as_ref()) {
            merge(&mut config, over);
        }
        config
    }
}

/// `deploy/localnet.json`.
pub fn localnet_config() -> Value {
    serde_json::from_str(include_str!("../../../deploy/localnet.json"))
        .expect("deploy/localnet.json parses")
}

/// Merges `over` into `base`: objects key by key, recursively; anything else (arrays too) is
/// replaced.
pub fn merge(base: &mut Value, over: &Value) {
    match (base, over) {
        (Value::Object(base), Value::Object(over)) => {
            for (key, value) in over {
                match base.get_mut(key) {
                    Some(slot) => merge(slot, value),
                    None => {
                        base.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (base, over) => *base = over.clone(),
    }
}

/// Reads a scenario: a `.json` file, the same path without `.json`, or a folder whose `*.json`
/// files are played in name order on one deployment. Every step is checked for its shape before
/// anything runs.
pub fn load(path: &Path) -> Result<Scenario, PlayError> {
    let label = path.display().to_string();
    let err = |reason: String| PlayError {
        file: label.clone(),
        step: None,
        reason,
    };
    let mut paths = vec![];
    if path.is_dir() {
        let entries = std::fs::read_dir(path).map_err(|e| err(format!("cannot read: {e}")))?;
        for entry in entries {
            let p = entry.map_err(|e| err(format!("cannot read: {e}")))?.path();
            if p.extension().is_some_and(|e| e == "json") {
                paths.push(p);
            }
        }
        paths.sort();
        if paths.is_empty() {
            return Err(err("no .json scenario files in the folder".into()));
        }
    } else if path.is_file() {
        paths.push(path.to_path_buf());
    } else {
        let with_ext = path.with_extension("json");
        if with_ext.is_file() {
            paths.push(with_ext);
        } else {
            return Err(err("no such scenario file or folder".into()));
        }
    }
    let mut files = vec![];
    for (i, p) in paths.iter().enumerate() {
        let file = parse_file(p)?;
        if i > 0 && file.deploy.is_some() {
            return Err(PlayError {
                file: p.display().to_string(),
                step: None,
                reason: "only the first file of a sequence may carry a `deploy` block".into(),
            });
        }
        files.push(file);
    }
    Ok(Scenario { label, files })
}

/// Parses and checks one scenario file.
pub fn parse_file(path: &Path) -> Result<ScenarioFile, PlayError> {
    let file = path.display().to_string();
    let err = |step: Option<(usize, String)>, reason: String| PlayError {
        file: file.clone(),
        step,
        reason,
    };
    let text = std::fs::read_to_string(path).map_err(|e| err(None, format!("cannot read: {e}")))?;
    let value: Value =
        serde_json::from_str(&text).map_err(|e| err(None, format!("not valid JSON: {e}")))?;
    let top = value
        .as_object()
        .ok_or_else(|| err(None, "the file is not a JSON object".into()))?;
    for key in top.keys() {
        if !["name", "description", "deploy", "steps"].contains(&key.as_str()) {
            return Err(err(None, format!("unknown field `{key}`")));
        }
    }
    let name = top
        .get("name")
        .and_then(Value::as_str)
        .ok_or_else(|| err(None, "missing string field `name`".into()))?
        .to_string();
    let description = top
        .get("description")
        .map(|d| {
            d.as_str()
                .map(str::to_string)
                .ok_or_else(|| err(None, "`description` is not a string".into()))
        })
        .transpose()?;
    let deploy = match top.get("deploy") {
        None => None,
        Some(d) if d.is_object() => Some(d.clone()),
        Some(_) => return Err(err(None, "`deploy` is not an object".into())),
    };
    let steps = top
        .get("steps")
        .and_then(Value::as_array)
        .ok_or_else(|| err(None, "missing array field `steps`".into()))?
        .clone();
    for (i, step) in steps.iter().enumerate() {
        let name = step
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("(unnamed)")
            .to_string();
        check_step(step).map_err(|reason| err(Some((i + 1, name)), reason))?;
    }
    if let Some(deploy) = &deploy {
        let mut config = localnet_config();
        merge(&mut config, deploy);
        check_config(&config).map_err(|reason| err(None, format!("deploy: {reason}")))?;
    }
    Ok(ScenarioFile {
        path: path.to_path_buf(),
        name,
        description,
        deploy,
        steps,
    })
}

fn is_key(name: &str) -> bool {
    KEYS.contains(&name)
}

fn is_contract(name: &str) -> bool {
    CONTRACTS.contains(&name)
}

/// Checks a step's shape (fields, names, types) without running it.
fn check_step(step: &Value) -> Result<(), String> {
    let obj = step.as_object().ok_or("the step is not a JSON object")?;
    obj.get("name")
        .and_then(Value::as_str)
        .ok_or("missing string field `name`")?;
    let kind = obj
        .get("do")
        .and_then(Value::as_str)
        .ok_or("missing string field `do`")?;
    let (required, optional): (&[&str], &[&str]) = match kind {
        "execute" => (
            &["contract", "from", "msg"],
            &["funds", "gas", "expect", "expect_cmp", "save"],
        ),
        "bank_send" => (&["from", "to", "amount"], &["gas"]),
        "query" => (&["contract", "msg"], &["expect", "expect_cmp", "save"]),
        "balance" => (&["of", "denom"], &["expect", "expect_cmp", "save"]),
        "sleep" => (&["seconds"], &[]),
        "wait_until" => (&["time"], &["timeout"]),
        other => {
            return Err(format!(
                "unknown `do` {other:?} (execute, query, balance, bank_send, sleep, wait_until)"
            ))
        }
    };
    for field in required {
        if !obj.contains_key(*field) {
            return Err(format!("`{kind}` needs the field `{field}`"));
        }
    }
    for field in obj.keys() {
        let f = field.as_str();
        if !["name", "do", "note"].contains(&f) && !required.contains(&f) && !optional.contains(&f)
        {
            return Err(format!("unknown field `{field}` for `{kind}`"));
        }
    }
    let string = |field: &str| -> Result<&str, String> {
        obj.get(field)
            .and_then(Value::as_str)
            .ok_or_else(|| format!("`{field}` is not a string"))
    };
    if let Some(contract) = obj.get("contract") {
        let contract = contract.as_str().ok_or("`contract` is not a string")?;
        if !is_contract(contract) {
            return Err(format!(
                "unknown contract {contract:?} (one of {})",
                CONTRACTS.join(", ")
            ));
        }
    }
    if obj.contains_key("from") && !is_key(string("from")?) {
        return Err(format!(
            "unknown key {:?} (one of {})",
            string("from")?,
            KEYS.join(", ")
        ));
    }
    for field in ["to", "of"] {
        if obj.contains_key(field) {
            let who = string(field)?;
            if !is_key(who) && !is_contract(who) {
                return Err(format!(
                    "`{field}`: {who:?} is neither a key nor a contract"
                ));
            }
        }
    }
    if let Some(msg) = obj.get("msg") {
        if !msg.is_object() {
            return Err("`msg` is not a JSON object".into());
        }
    }
    for field in ["funds", "amount"] {
        if obj.contains_key(field) {
            parse_coins(string(field)?)?;
        }
    }
    if kind == "balance" {
        string("denom")?;
    }
    if kind == "sleep" {
        obj["seconds"]
            .as_u64()
            .ok_or("`seconds` is not a whole number")?;
    }
    if let Some(expect) = obj.get("expect") {
        expect.as_object().ok_or("`expect` is not an object")?;
    }
    if let Some(save) = obj.get("save") {
        let save = save.as_object().ok_or("`save` is not an object")?;
        if save.values().any(|v| !v.is_string()) {
            return Err("`save` maps paths to names (strings)".into());
        }
    }
    if let Some(cmps) = obj.get("expect_cmp") {
        let cmps = cmps.as_array().ok_or("`expect_cmp` is not a list")?;
        for cmp in cmps {
            let ok = cmp.as_array().is_some_and(|c| {
                c.len() == 3
                    && c[0].is_string()
                    && c[1]
                        .as_str()
                        .is_some_and(|op| ["<", "<=", ">", ">=", "=="].contains(&op))
            });
            if !ok {
                return Err(format!(
                    "`expect_cmp` entry {cmp} is not [path, op, value] with op <, <=, >, >= or =="
                ));
            }
        }
    }
    Ok(())
}

/// Checks what the deployment needs from the settings.
fn check_config(config: &Value) -> Result<(), String> {
    for field in ["fund", "engine", "governance", "markets"] {
        if config.get(field).is_none() {
            return Err(format!("missing `{field}`"));
        }
    }
    if config["governance"]["token"].get("create").is_none() {
        return Err("governance.token must be `create` (multi-test has no existing token)".into());
    }
    let markets = config["markets"]
        .as_array()
        .ok_or("`markets` is not a list")?;
    for market in markets {
        let mut market = market.clone();
        resolve_keys(&mut market, &|_| Ok(Addr::unchecked("x")))?;
        serde_json::from_value::<engine::NewMarket>(market)
            .map_err(|e| format!("a market is not a valid NewMarket: {e}"))?;
    }
    let mut params = config["fund"]["params"].clone();
    if !params.is_null() {
        resolve_keys(&mut params, &|_| Ok(Addr::unchecked("x")))?;
        serde_json::from_value::<fund::FundParams>(params)
            .map_err(|e| format!("fund.params: {e}"))?;
    }
    Ok(())
}

/// Parses `"1000uusdc"` or `"1uusdc,2stake"`.
pub fn parse_coins(text: &str) -> Result<Vec<Coin>, String> {
    let mut out = vec![];
    for part in text.split(',').filter(|p| !p.is_empty()) {
        let digits: String = part.chars().take_while(char::is_ascii_digit).collect();
        let denom = &part[digits.len()..];
        if digits.is_empty() || denom.is_empty() {
            return Err(format!(
                "{part:?} is not an amount with a denom (e.g. 1000uusdc)"
            ));
        }
        let amount: u128 = digits
            .parse()
            .map_err(|_| format!("{part:?}: amount too large"))?;
        out.push(Coin::new(amount, denom));
    }
    Ok(out)
}

/// Replaces `{"key": name}` objects and `"@name"` strings by addresses, recursively (the
/// deployment settings' notation).
fn resolve_keys(
    value: &mut Value,
    addr: &dyn Fn(&str) -> Result<Addr, String>,
) -> Result<(), String> {
    match value {
        Value::Object(map) => {
            if map.len() == 1 {
                if let Some(Value::String(key)) = map.get("key") {
                    *value = Value::String(addr(key)?.to_string());
                    return Ok(());
                }
            }
            for v in map.values_mut() {
                resolve_keys(v, addr)?;
            }
        }
        Value::Array(items) => {
            for v in items {
                resolve_keys(v, addr)?;
            }
        }
        Value::String(s) if s.starts_with('@') => {
            *value = Value::String(addr(&s[1..])?.to_string());
        }
        _ => {}
    }
    Ok(())
}

/// The value at a dotted path (`junior.assets`, `losses.0.bad_debt`).
pub fn lookup<'a>(data: &'a Value, path: &str) -> Option<&'a Value> {
    let mut cur = data;
    for part in path.split('.') {
        cur = match cur {
            Value::Array(items) => items.get(part.parse::<usize>().ok()?)?,
            Value::Object(map) => map.get(part)?,
            _ => return None,
        };
    }
    Some(cur)
}

/// A value as the chain runner prints it for comparison: strings bare, numbers as digits.
fn plain(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => "None".to_string(),
        other => other.to_string(),
    }
}

/// Fixed-point scale of [`exact`] (18 decimals, as Decimal256).
const SCALE: i128 = 1_000_000_000_000_000_000;

/// An integer or decimal text (optionally negative) as an exact fixed-point number with 18
/// decimals; the sum of `a+b+...` parts.
pub fn exact(text: &str) -> Result<i128, String> {
    let mut total: i128 = 0;
    for part in text.split('+') {
        let part = part.trim();
        let (neg, digits) = match part.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, part),
        };
        let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
        if int.is_empty() && frac.is_empty()
            || !int.chars().all(|c| c.is_ascii_digit())
            || !frac.chars().all(|c| c.is_ascii_digit())
            || frac.len() > 18
        {
            return Err(format!("{part:?} is not a number"));
        }
        let int: i128 = if int.is_empty() {
            0
        } else {
            int.parse().map_err(|_| format!("{part:?} is too large"))?
        };
        let frac: i128 = format!("{frac:0<18}").parse().unwrap_or(0);
        let mut v = int
            .checked_mul(SCALE)
            .and_then(|v| v.checked_add(frac))
            .ok_or_else(|| format!("{part:?} is too large"))?;
        if neg {
            v = -v;
        }
        total = total
            .checked_add(v)
            .ok_or_else(|| format!("{text:?} is too large"))?;
    }
    Ok(total)
}

/// A market of the deployment.
#[derive(Clone, Debug, Serialize)]
pub struct MarketInfo {
    /// Its id.
    pub id: String,
    /// Its feeders.
    pub feeders: Vec<Addr>,
}

/// A market as a step saw it.
#[derive(Clone, Debug, Serialize)]
pub struct MarketView {
    /// Market id.
    pub id: String,
    /// Index price, if any.
    pub index_price: Option<Decimal256>,
    /// Mark price.
    pub mark_price: Decimal256,
    /// Long open interest (base units).
    pub long_oi: Uint128,
    /// Short open interest (base units).
    pub short_oi: Uint128,
}

/// A named key's holdings as a step saw them.
#[derive(Clone, Debug, Serialize)]
pub struct PartyView {
    /// Collateral in the wallet.
    pub wallet: Uint128,
    /// Junior shares in the wallet.
    pub junior_shares: Uint128,
    /// Senior shares in the wallet.
    pub senior_shares: Uint128,
    /// Their value at today's prices plus what the key's pending withdrawal requests would pay.
    pub shares_value: Uint128,
    /// Margin plus unrealized profit of the key's positions (at least zero each).
    pub positions_value: Uint128,
    /// All of it: wallet + shares value + positions value.
    pub total: Uint128,
}

/// The state after a step.
#[derive(Clone, Debug, Serialize)]
pub struct StepState {
    /// Block time, seconds.
    pub time: u64,
    /// Block height.
    pub height: u64,
    /// The fund's `State` answer (tranches, reserve, coverage, payout window).
    pub fund: FundStateResponse,
    /// Junior share price, USDC per whole share.
    pub junior_share_price: Decimal256,
    /// Senior share price, USDC per whole share.
    pub senior_share_price: Decimal256,
    /// The fund's loss ledger (current engine epoch).
    pub ledger: Vec<LossRecord>,
    /// The engine's record of bad debt and what was socialized.
    pub socialized: Vec<SocializedLoss>,
    /// The engine's books.
    pub engine: EngineStateResponse,
    /// Every market.
    pub markets: Vec<MarketView>,
    /// Every named key.
    pub parties: BTreeMap<String, PartyView>,
}

/// One played step.
#[derive(Clone, Debug, Serialize)]
pub struct StepRecord {
    /// 1-based index over all files of the scenario.
    pub index: usize,
    /// The file.
    pub file: String,
    /// The step's name.
    pub name: String,
    /// Its `do`.
    pub kind: String,
    /// The sender or subject (key or contract), if any.
    pub actor: Option<String>,
    /// A one-line summary of what came back.
    pub outcome: String,
    /// The state after it.
    pub state: StepState,
}

/// Plays scenario steps on a multi-test deployment.
pub struct Player {
    /// The suite (its invariants are checked after every transaction).
    pub suite: Suite,
    keys: BTreeMap<String, Addr>,
    contracts: BTreeMap<String, Addr>,
    saved: BTreeMap<String, Value>,
    /// Markets as deployed.
    pub markets: Vec<MarketInfo>,
    /// Every step played so far, with its state.
    pub records: Vec<StepRecord>,
    /// Steps played so far.
    pub played: usize,
    /// Block of each transaction step as a chain recorded it ([`parse_block_times`]), by
    /// 1-based step index: such a step runs at that time (and height) instead of 5 s later.
    pub block_times: BTreeMap<usize, RecordedBlock>,
    /// What the recorded heights are shifted by so that the first one follows the deployment's
    /// block (a fresh chain counts from 1, cw-multi-test from 12,345): differences between
    /// recorded heights, which governance's snapshots see, are kept.
    height_offset: Option<i64>,
}

/// A transaction's block as a chain recorded it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecordedBlock {
    /// Block time.
    pub time: Timestamp,
    /// Block height, if recorded.
    pub height: Option<u64>,
}

/// Reads the blocks a chain run recorded for a scenario's transaction steps: a JSON object
/// from 1-based step index to `{"time": nanoseconds, "height": n}` (`height` optional; the
/// time as a number or a string of digits). Played with them, a scenario's time-dependent
/// figures (premium unlocking, funding, proposal heights) are the chain's too.
pub fn parse_block_times(text: &str) -> Result<BTreeMap<usize, RecordedBlock>, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
    let map = value
        .as_object()
        .ok_or("block times: a JSON object from step index to {\"time\", \"height\"}")?;
    let mut out = BTreeMap::new();
    for (key, entry) in map {
        // `deploy` is the block the chain instantiated the fund in (index 0: steps count from 1).
        let index: usize = if key == "deploy" {
            0
        } else {
            key.parse()
                .map_err(|_| format!("block times: {key:?} is not a step index"))?
        };
        let number = |v: Option<&Value>| -> Option<u64> {
            match v? {
                Value::Number(n) => n.as_u64(),
                Value::String(s) => s.parse().ok(),
                _ => None,
            }
        };
        let time = number(entry.get("time"))
            .ok_or_else(|| format!("block times: step {index} has no whole `time` (ns)"))?;
        let height = match entry.get("height") {
            None | Some(Value::Null) => None,
            h => Some(number(h).ok_or_else(|| format!("block times: step {index}: bad `height`"))?),
        };
        out.insert(
            index,
            RecordedBlock {
                time: Timestamp::from_nanos(time),
                height,
            },
        );
    }
    Ok(out)
}

/// An empty app on `api` (its bech32 prefix is the addresses') with the suite's codes stored
/// in a fixed order (cw20, fund, engine, governance), so the code ids of every app made here
/// agree.
pub(crate) fn new_app(api: MockApi) -> (App, [u64; 4]) {
    let mut app = AppBuilder::default().with_api(api).build(|_, _, _| {});
    let ids = [
        app.store_code(cw20_contract()),
        app.store_code(fund_contract()),
        app.store_code(engine_contract()),
        app.store_code(governance_contract()),
    ];
    (app, ids)
}

impl Player {
    /// Deploys the suite from the settings (`deploy/localnet.json` or a scenario's merge).
    pub fn deploy(config: &Value) -> Result<Self, String> {
        Self::deploy_at(config, None)
    }

    /// [`Player::deploy`] in a block of the given time (a chain run's `deploy` block, so that
    /// what the contracts date from their instantiation, such as the fund's first payout
    /// window, is the chain's too).
    pub fn deploy_at(config: &Value, at: Option<Timestamp>) -> Result<Self, String> {
        check_config(config)?;
        let (mut app, [cw20_id, fund_id, engine_id, gov_id]) = new_app(MockApi::default());
        if let Some(time) = at {
            app.update_block(|b: &mut BlockInfo| b.time = time);
        }
        let api = *app.api();
        let keys: BTreeMap<String, Addr> = KEYS
            .iter()
            .map(|k| (k.to_string(), api.addr_make(k)))
            .collect();
        for (name, addr) in &keys {
            let amount = if name == "ts-client" {
                TS_CLIENT_BALANCE
            } else {
                KEY_BALANCE
            };
            app.sudo(SudoMsg::Bank(BankSudo::Mint {
                to_address: addr.to_string(),
                amount: coins(amount, DENOM),
            }))
            .map_err(|e| format!("genesis: {e}"))?;
        }
        let addr_of = |key: &str| -> Result<Addr, String> {
            keys.get(key)
                .cloned()
                .ok_or_else(|| format!("unknown key {key:?} in the deployment settings"))
        };
        let mut config = config.clone();
        resolve_keys(&mut config, &addr_of)?;
        let deployer = addr_of(
            config["deployer"]
                .as_str()
                .ok_or("`deployer` is not a key name")?,
        )?;
        let denom = config["collateral_denom"].as_str().unwrap_or(DENOM);
        if denom != DENOM {
            return Err(format!("collateral_denom must be {DENOM} on multi-test"));
        }
        let fail = |what: &str| {
            let what = what.to_string();
            move |e: anyhow::Error| format!("{what}: {e:#}")
        };

        let gov_token_msg: cw20_base::msg::InstantiateMsg =
            serde_json::from_value(config["governance"]["token"]["create"].clone())
                .map_err(|e| format!("governance.token.create: {e}"))?;
        let gov_token = app
            .instantiate_contract(
                cw20_id,
                deployer.clone(),
                &gov_token_msg,
                &[],
                "governance token",
                Some(deployer.to_string()),
            )
            .map_err(fail("governance token"))?;

        let mut fund_msg = config["fund"].clone();
        let fund_obj = fund_msg.as_object_mut().ok_or("`fund` is not an object")?;
        fund_obj.insert("governor".into(), json!(deployer));
        fund_obj.insert("collateral_denom".into(), json!(DENOM));
        fund_obj.insert(
            "collateral_decimals".into(),
            config["collateral_decimals"].clone(),
        );
        fund_obj.insert("share_token_code_id".into(), json!(cw20_id));
        let fund_msg: fund::InstantiateMsg =
            serde_json::from_value(fund_msg).map_err(|e| format!("fund: {e}"))?;
        let guardian = fund_msg
            .guardian
            .as_ref()
            .map_or(deployer.clone(), |g| Addr::unchecked(g.as_str()));
        let fund_addr = app
            .instantiate_contract(
                fund_id,
                deployer.clone(),
                &fund_msg,
                &[],
                "insurance fund",
                Some(deployer.to_string()),
            )
            .map_err(fail("fund"))?;
        let fund_config: fund::ConfigResponse = app
            .wrap()
            .query_wasm_smart(&fund_addr, &fund::QueryMsg::Config {})
            .map_err(|e| format!("fund config: {e}"))?;

        let mut engine_msg = config["engine"].clone();
        let engine_obj = engine_msg
            .as_object_mut()
            .ok_or("`engine` is not an object")?;
        engine_obj.insert("governor".into(), json!(deployer));
        engine_obj.insert("fund".into(), json!(fund_addr));
        engine_obj.insert("collateral_denom".into(), json!(DENOM));
        let engine_msg: engine::InstantiateMsg =
            serde_json::from_value(engine_msg).map_err(|e| format!("engine: {e}"))?;
        let treasury = Addr::unchecked(engine_msg.treasury.as_str());
        let engine_addr = app
            .instantiate_contract(
                engine_id,
                deployer.clone(),
                &engine_msg,
                &[],
                "perp engine",
                Some(deployer.to_string()),
            )
            .map_err(fail("engine"))?;

        let g = &config["governance"];
        let gov_msg: governance::InstantiateMsg = serde_json::from_value(json!({
            "staking_token": gov_token, "fund": fund_addr, "engine": engine_addr,
            "guardian": g.get("guardian").cloned().unwrap_or(Value::Null),
            "treasury": g["treasury"], "config": g.get("config").cloned().unwrap_or(Value::Null),
        }))
        .map_err(|e| format!("governance: {e}"))?;
        let gov_treasury = Addr::unchecked(gov_msg.treasury.as_str());
        let gov_addr = app
            .instantiate_contract(
                gov_id,
                deployer.clone(),
                &gov_msg,
                &[],
                "governance",
                Some(deployer.to_string()),
            )
            .map_err(fail("governance"))?;

        app.execute_contract(
            deployer.clone(),
            fund_addr.clone(),
            &fund::ExecuteMsg::UpdateConfig {
                engine: Some(engine_addr.to_string()),
                guardian: None,
                remove_guardian: None,
            },
            &[],
        )
        .map_err(fail("fund update_config"))?;
        let mut markets = vec![];
        let mut quote_start = BTreeMap::new();
        let mut traders = BTreeMap::new();
        for market in config["markets"].as_array().cloned().unwrap_or_default() {
            let market: engine::NewMarket =
                serde_json::from_value(market).map_err(|e| format!("market: {e}"))?;
            app.execute_contract(
                deployer.clone(),
                engine_addr.clone(),
                &engine::ExecuteMsg::AddMarket(market.clone()),
                &[],
            )
            .map_err(fail(&format!("add market {}", market.id)))?;
            quote_start.insert(market.id.clone(), market.quote_reserve.u128());
            traders.insert(market.id.clone(), BTreeSet::new());
            markets.push(MarketInfo {
                id: market.id.clone(),
                feeders: market.feeders.iter().map(Addr::unchecked).collect(),
            });
        }
        if config["hand_over_to_governance"].as_bool() == Some(true) {
            let offer = fund::GovernorAction::TransferOwnership {
                new_owner: gov_addr.to_string(),
                expiry: None,
            };
            app.execute_contract(
                deployer.clone(),
                fund_addr.clone(),
                &fund::ExecuteMsg::UpdateOwnership(offer.clone()),
                &[],
            )
            .map_err(fail("fund ownership offer"))?;
            app.execute_contract(
                deployer.clone(),
                engine_addr.clone(),
                &engine::ExecuteMsg::UpdateOwnership(offer),
                &[],
            )
            .map_err(fail("engine ownership offer"))?;
        }
        let feeders = markets
            .iter()
            .flat_map(|m| m.feeders.iter().cloned())
            .collect();
        let suite = Suite {
            app,
            governor: deployer.clone(),
            guardian,
            engine: engine_addr.clone(),
            operator: deployer,
            fund: fund_addr.clone(),
            fund_code_id: fund_id,
            cw20_code_id: cw20_id,
            junior_token: fund_config.junior_token.clone(),
            senior_token: fund_config.senior_token.clone(),
            sanity: true,
            donated: Uint128::zero(),
            perp: Some(PerpRecords {
                feeders,
                treasury,
                code_id: engine_id,
                quote_start,
                traders,
                donated: 0,
            }),
            gov: Some(GovRecords {
                contract: gov_addr.clone(),
                token: gov_token.clone(),
                treasury: gov_treasury,
                code_id: gov_id,
            }),
        };
        let contracts = BTreeMap::from([
            ("fund".to_string(), fund_addr),
            ("junior_token".to_string(), fund_config.junior_token),
            ("senior_token".to_string(), fund_config.senior_token),
            ("engine".to_string(), engine_addr),
            ("governance".to_string(), gov_addr),
            ("gov_token".to_string(), gov_token),
        ]);
        let player = Player::from_parts(suite, keys, contracts, markets);
        player.suite.check_invariants();
        player.suite.check_engine_invariants();
        Ok(player)
    }

    /// A copy of this player's chain and records (the same storage, block and addresses) to
    /// play on without touching this one.
    pub fn fork(&self) -> Player {
        let (mut app, _) = new_app(*self.suite.app.api());
        let items: Vec<(Vec<u8>, Vec<u8>)> = self
            .suite
            .app
            .storage()
            .range(None, None, Order::Ascending)
            .collect();
        for (k, v) in items {
            app.storage_mut().set(&k, &v);
        }
        app.set_block(self.suite.app.block_info());
        let s = &self.suite;
        let suite = Suite {
            app,
            governor: s.governor.clone(),
            guardian: s.guardian.clone(),
            engine: s.engine.clone(),
            operator: s.operator.clone(),
            fund: s.fund.clone(),
            fund_code_id: s.fund_code_id,
            cw20_code_id: s.cw20_code_id,
            junior_token: s.junior_token.clone(),
            senior_token: s.senior_token.clone(),
            sanity: s.sanity,
            donated: s.donated,
            perp: s.perp.clone(),
            gov: s.gov.clone(),
        };
        Player {
            suite,
            keys: self.keys.clone(),
            contracts: self.contracts.clone(),
            saved: self.saved.clone(),
            markets: self.markets.clone(),
            records: self.records.clone(),
            played: self.played,
            block_times: BTreeMap::new(),
            height_offset: None,
        }
    }

    /// A player over a deployed suite (by [`Player::deploy_at`], or the fork of a live
    /// deployment, [`crate::live::fork`]): `keys` and `contracts` name its addresses, nothing
    /// played yet.
    pub(crate) fn from_parts(
        suite: Suite,
        keys: BTreeMap<String, Addr>,
        contracts: BTreeMap<String, Addr>,
        markets: Vec<MarketInfo>,
    ) -> Player {
        Player {
            suite,
            keys,
            contracts,
            saved: BTreeMap::new(),
            markets,
            records: vec![],
            played: 0,
            block_times: BTreeMap::new(),
            height_offset: None,
        }
    }

    /// Address of a key or a contract name.
    pub fn addr(&self, name: &str) -> Option<Addr> {
        self.keys
            .get(name)
            .or_else(|| self.contracts.get(name))
            .cloned()
    }

    /// The named keys and their addresses.
    pub fn keys(&self) -> &BTreeMap<String, Addr> {
        &self.keys
    }

    /// Block time now.
    pub fn now(&self) -> Timestamp {
        self.suite.now()
    }

    /// Starts the next block ([`BLOCK_SECONDS`] later).
    pub fn next_block(&mut self) {
        self.suite.app.update_block(|b: &mut BlockInfo| {
            b.time = b.time.plus_seconds(BLOCK_SECONDS);
            b.height += 1;
        });
    }

    /// Starts the block of the transaction step about to run: the recorded one when there is
    /// one, else the next ([`Player::next_block`]).
    fn tx_block(&mut self) -> Result<(), String> {
        let Some(block) = self.block_times.get(&(self.played + 1)).copied() else {
            self.next_block();
            return Ok(());
        };
        let now = self.suite.app.block_info();
        let offset = &mut self.height_offset;
        let height = block.height.map(|h| {
            let offset = *offset.get_or_insert(now.height as i64 + 1 - h as i64);
            (h as i64 + offset) as u64
        });
        let block = RecordedBlock { height, ..block };
        // The chain's blocks only go forward, but a `sleep` or `wait_until` here moves time by
        // its seconds from the last block, which may pass the chain's next block: the recorded
        // block then only has to follow the last recorded one (or the deployment's). Only
        // queries ran at the later time, so no contract stored it.
        let floor = match self.block_times.range(..self.played + 1).next_back() {
            Some((_, last)) => last.time,
            None => now.time,
        };
        if block.time < floor || block.height.is_some_and(|h| h <= now.height) {
            return Err(format!(
                "the recorded block (time {}, height {:?}) is not after the last one (time {}, height {})",
                block.time.nanos(),
                block.height,
                floor.nanos(),
                now.height
            ));
        }
        self.suite.app.update_block(|b: &mut BlockInfo| {
            b.time = block.time;
            b.height = block.height.unwrap_or(b.height + 1);
        });
        Ok(())
    }

    /// Plays every file of a scenario, calling `progress(done, total, record)` after each step.
    pub fn play(
        &mut self,
        scenario: &Scenario,
        progress: &mut dyn FnMut(usize, usize, &StepRecord),
    ) -> Result<(), PlayError> {
        let total = scenario.step_count();
        for file in &scenario.files {
            let label = file.path.display().to_string();
            for step in &file.steps {
                let name = step["name"].as_str().unwrap_or("(unnamed)").to_string();
                let index = self.played + 1;
                let outcome = self.run_step(step).map_err(|reason| PlayError {
                    file: label.clone(),
                    step: Some((index, name.clone())),
                    reason,
                })?;
                self.played = index;
                let actor = ["from", "of", "contract"]
                    .iter()
                    .find_map(|f| step.get(*f).and_then(Value::as_str))
                    .map(str::to_string);
                let record = StepRecord {
                    index,
                    file: label.clone(),
                    name,
                    kind: step["do"].as_str().unwrap_or_default().to_string(),
                    actor,
                    outcome,
                    state: self.state(),
                };
                progress(index, total, &record);
                self.records.push(record);
            }
        }
        Ok(())
    }

    /// Substitutes `{{addr:KEY}}`, `{{contract:NAME}}`, `{{now}}` and `{{saved:NAME}}` in every
    /// string of `value`; a string that is exactly `{{now}}` becomes a number.
    fn subst(&self, value: &Value) -> Result<Value, String> {
        Ok(match value {
            Value::Object(map) => {
                let mut out = Map::new();
                for (k, v) in map {
                    out.insert(k.clone(), self.subst(v)?);
                }
                Value::Object(out)
            }
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|v| self.subst(v))
                    .collect::<Result<_, _>>()?,
            ),
            Value::String(s) if s == "{{now}}" => json!(self.now().seconds()),
            Value::String(s) => Value::String(self.subst_str(s)?),
            other => other.clone(),
        })
    }

    fn subst_str(&self, text: &str) -> Result<String, String> {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("{{") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let end = after
                .find("}}")
                .ok_or_else(|| format!("unclosed placeholder in {text:?}"))?;
            let inner = &after[..end];
            let (kind, arg) = inner.split_once(':').unwrap_or((inner, ""));
            let value = match kind {
                "addr" => self
                    .keys
                    .get(arg)
                    .ok_or_else(|| format!("unknown key {arg:?} in {{{{addr:..}}}}"))?
                    .to_string(),
                "contract" => self
                    .contracts
                    .get(arg)
                    .ok_or_else(|| format!("unknown contract {arg:?} in {{{{contract:..}}}}"))?
                    .to_string(),
                "now" => self.now().seconds().to_string(),
                "saved" => plain(
                    self.saved
                        .get(arg)
                        .ok_or_else(|| format!("nothing saved as {arg:?} yet"))?,
                ),
                _ => return Err(format!("unknown placeholder {{{{{inner}}}}}")),
            };
            out.push_str(&value);
            rest = &after[end + 2..];
        }
        out.push_str(rest);
        Ok(out)
    }

    /// Checks `expect`, `expect_cmp` and applies `save` of a step to `got`; the checked figures
    /// as `path=value` text.
    fn check(&mut self, got: &Value, step: &Value) -> Result<String, String> {
        let mut shown = vec![];
        if let Some(expect) = step.get("expect").and_then(Value::as_object) {
            for (path, want) in expect {
                let value =
                    lookup(got, path).ok_or_else(|| format!("{path}: not in the answer {got}"))?;
                let want = plain(&self.subst(want)?);
                if plain(value) != want {
                    return Err(format!("{path} = {}, expected {want}", plain(value)));
                }
                shown.push(format!("{path}={want}"));
            }
        }
        if let Some(cmps) = step.get("expect_cmp").and_then(Value::as_array) {
            for cmp in cmps {
                let (path, op) = (cmp[0].as_str().unwrap_or(""), cmp[1].as_str().unwrap_or(""));
                let value =
                    lookup(got, path).ok_or_else(|| format!("{path}: not in the answer {got}"))?;
                let want_text = plain(&self.subst(&cmp[2])?);
                let (v, w) = (exact(&plain(value))?, exact(&want_text)?);
                let ok = match op {
                    "<" => v < w,
                    "<=" => v <= w,
                    ">" => v > w,
                    ">=" => v >= w,
                    _ => v == w,
                };
                if !ok {
                    return Err(format!(
                        "{path} = {}, expected {op} {want_text}",
                        plain(value)
                    ));
                }
                shown.push(format!("{path}={} {op} {want_text}", plain(value)));
            }
        }
        if let Some(save) = step.get("save").and_then(Value::as_object) {
            for (path, name) in save {
                let value = lookup(got, path)
                    .ok_or_else(|| format!("save: {path} not in the answer {got}"))?;
                self.saved
                    .insert(name.as_str().unwrap_or_default().to_string(), value.clone());
                shown.push(format!("{path}={}", plain(value)));
            }
        }
        Ok(shown.join(", "))
    }

    /// Runs one (shape-checked) step; a one-line outcome.
    fn run_step(&mut self, step: &Value) -> Result<String, String> {
        let kind = step["do"].as_str().unwrap_or_default();
        let name_of = |field: &str| step[field].as_str().unwrap_or_default().to_string();
        match kind {
            "execute" => {
                let contract = name_of("contract");
                let sender = self.addr(&name_of("from")).ok_or("unknown sender")?;
                let msg = self.subst(&step["msg"])?;
                let funds = match step.get("funds").and_then(Value::as_str) {
                    Some(text) => parse_coins(text)?,
                    None => vec![],
                };
                self.tx_block()?;
                let res = self.execute(&contract, &sender, msg, &funds)?;
                let got = events_json(&res);
                let checked = self.check(&got, step)?;
                // The figures, not the addresses (the step names who acted).
                let attrs = crate::wasm_attrs(&res)
                    .into_iter()
                    .filter(|a| !a.starts_with("action=") && !a.contains("=cosmwasm1"))
                    .take(6)
                    .collect::<Vec<_>>()
                    .join(" ");
                Ok(if checked.is_empty() {
                    attrs
                } else {
                    format!("{attrs}; {checked}")
                })
            }
            "bank_send" => {
                let from = self.addr(&name_of("from")).ok_or("unknown sender")?;
                let to = self.addr(&name_of("to")).ok_or("unknown recipient")?;
                let amount = parse_coins(&name_of("amount"))?;
                self.tx_block()?;
                self.suite
                    .app
                    .send_tokens(from, to.clone(), &amount)
                    .map_err(|e| format!("bank send failed: {e:#}"))?;
                let collateral: u128 = amount
                    .iter()
                    .filter(|c| c.denom == DENOM)
                    .map(|c| c.amount.u128())
                    .sum();
                if to == self.suite.fund {
                    self.suite.donated += Uint128::new(collateral);
                } else if to == self.suite.engine {
                    if let Some(records) = self.suite.perp.as_mut() {
                        records.donated += collateral;
                    }
                }
                self.suite.check_invariants();
                self.suite.check_engine_invariants();
                Ok(format!("sent {}", name_of("amount")))
            }
            "query" => {
                let contract = name_of("contract");
                let msg = self.subst(&step["msg"])?;
                let got = self.query(&contract, msg)?;
                self.check(&got, step)
            }
            "balance" => {
                let who = self.addr(&name_of("of")).ok_or("unknown account")?;
                let denom = name_of("denom");
                let amount = self
                    .suite
                    .app
                    .wrap()
                    .query_balance(&who, &denom)
                    .map_err(|e| e.to_string())?
                    .amount;
                let got = json!({ "amount": amount.u128() });
                let checked = self.check(&got, step)?;
                Ok(if checked.is_empty() {
                    format!("{amount}{denom}")
                } else {
                    checked
                })
            }
            "sleep" => {
                let seconds = step["seconds"].as_u64().unwrap_or(0);
                self.suite.advance(seconds);
                Ok(format!("+{seconds} s"))
            }
            "wait_until" => {
                let target = plain(&self.subst(&step["time"])?);
                let target: u128 = target
                    .parse()
                    .map_err(|_| format!("`time` {target:?} is not a whole number"))?;
                // Nanoseconds (a cosmwasm Timestamp) are rounded up to whole seconds.
                let seconds = if target > 1_000_000_000_000 {
                    target.div_ceil(1_000_000_000)
                } else {
                    target
                };
                let seconds = u64::try_from(seconds).map_err(|_| "`time` is too large")?;
                let before = self.now().seconds();
                self.suite.advance_to(Timestamp::from_seconds(seconds));
                Ok(format!("+{} s", self.now().seconds() - before))
            }
            other => Err(format!("unknown step kind {other:?}")),
        }
    }

    /// Sends `msg` (JSON) to a contract as its typed execute message, as a checked step.
    pub fn execute(
        &mut self,
        contract: &str,
        sender: &Addr,
        msg: Value,
        funds: &[Coin],
    ) -> Result<AppResponse, String> {
        let addr = self
            .contracts
            .get(contract)
            .cloned()
            .ok_or_else(|| format!("unknown contract {contract:?}"))?;
        let typed = |what: &str, e: serde_json::Error| format!("msg is not a {what}: {e}");
        match contract {
            "fund" => {
                let msg: fund::ExecuteMsg =
                    serde_json::from_value(msg).map_err(|e| typed("fund ExecuteMsg", e))?;
                self.suite
                    .execute_fund(sender, &msg, funds)
                    .map_err(|e| format!("the fund refused: {e}"))
            }
            "engine" => {
                let msg: engine::ExecuteMsg =
                    serde_json::from_value(msg).map_err(|e| typed("engine ExecuteMsg", e))?;
                if let engine::ExecuteMsg::Trade { market, .. } = &msg {
                    self.suite.note_trader(market, sender);
                }
                self.suite
                    .execute_engine(sender, &msg, funds)
                    .map_err(|e| format!("the engine refused: {e}"))
            }
            "governance" => {
                let msg: governance::ExecuteMsg =
                    serde_json::from_value(msg).map_err(|e| typed("governance ExecuteMsg", e))?;
                self.run_checked(Step::Admin, sender, &addr, &msg, funds)
                    .map_err(|e| format!("governance refused: {e}"))
            }
            _ => {
                let msg: cw20_base::msg::ExecuteMsg =
                    serde_json::from_value(msg).map_err(|e| typed("cw20 ExecuteMsg", e))?;
                // A share token sent to the fund is an underwriter's own choice (a withdrawal
                // request); every other token move prices nothing.
                let to_fund = matches!(&msg, cw20_base::msg::ExecuteMsg::Send { contract, .. }
                    if *contract == self.suite.fund.as_str());
                let kind = if to_fund && contract != "gov_token" {
                    Step::Voluntary
                } else {
                    Step::Admin
                };
                self.run_checked(kind, sender, &addr, &msg, funds)
                    .map_err(|e| format!("{contract} refused: {e}"))
            }
        }
    }

    fn run_checked<M: Serialize + fmt::Debug>(
        &mut self,
        kind: Step,
        sender: &Addr,
        contract: &Addr,
        msg: &M,
        funds: &[Coin],
    ) -> Result<AppResponse, String> {
        let (sender, contract) = (sender.clone(), contract.clone());
        self.suite.step(kind, |s| {
            s.app
                .execute_contract(sender, contract, msg, funds)
                .map_err(|e| format!("{e:#}"))
        })
    }

    /// Sends `msg` (JSON) to a contract as its typed query message; the answer as JSON.
    pub fn query(&self, contract: &str, msg: Value) -> Result<Value, String> {
        let addr = self
            .contracts
            .get(contract)
            .ok_or_else(|| format!("unknown contract {contract:?}"))?;
        let typed = |what: &str, e: serde_json::Error| format!("msg is not a {what}: {e}");
        let msg = match contract {
            "fund" => to_json_binary(
                &serde_json::from_value::<fund::QueryMsg>(msg)
                    .map_err(|e| typed("fund QueryMsg", e))?,
            ),
            "engine" => to_json_binary(
                &serde_json::from_value::<engine::QueryMsg>(msg)
                    .map_err(|e| typed("engine QueryMsg", e))?,
            ),
            "governance" => to_json_binary(
                &serde_json::from_value::<governance::QueryMsg>(msg)
                    .map_err(|e| typed("governance QueryMsg", e))?,
            ),
            _ => to_json_binary(
                &serde_json::from_value::<cw20_base::msg::QueryMsg>(msg)
                    .map_err(|e| typed("cw20 QueryMsg", e))?,
            ),
        }
        .map_err(|e| e.to_string())?;
        self.suite
            .app
            .wrap()
            .query::<Value>(&cosmwasm_std::QueryRequest::<Empty>::Wasm(
                cosmwasm_std::WasmQuery::Smart {
                    contract_addr: addr.to_string(),
                    msg,
                },
            ))
            .map_err(|e| format!("query failed: {e}"))
    }

    /// The whole loss ledger of the current engine epoch.
    pub fn ledger(&self) -> Vec<LossRecord> {
        let mut out: Vec<LossRecord> = vec![];
        loop {
            let page: LossLedgerResponse = self
                .suite
                .app
                .wrap()
                .query_wasm_smart(
                    &self.suite.fund,
                    &fund::QueryMsg::LossLedger {
                        engine_epoch: None,
                        start_after: out.last().map(|l| l.shortfall_id),
                        limit: Some(30),
                    },
                )
                .expect("loss ledger");
            let n = page.losses.len();
            out.extend(page.losses);
            if n < 30 {
                return out;
            }
        }
    }

    /// Every socialized-loss record of the engine.
    pub fn socialized(&self) -> Vec<SocializedLoss> {
        let mut out: Vec<SocializedLoss> = vec![];
        loop {
            let page: SocializedLossesResponse = self
                .suite
                .app
                .wrap()
                .query_wasm_smart(
                    &self.suite.engine,
                    &engine::QueryMsg::SocializedLosses {
                        start_after: out.last().map(|l| l.shortfall_id),
                        limit: Some(30),
                    },
                )
                .expect("socialized losses");
            let n = page.losses.len();
            out.extend(page.losses);
            if n < 30 {
                return out;
            }
        }
    }

    /// Every market now.
    pub fn market_views(&self) -> Vec<MarketView> {
        self.markets
            .iter()
            .map(|m| {
                let r: MarketResponse = self.suite.market(&m.id);
                MarketView {
                    id: r.id,
                    index_price: r.index_price,
                    mark_price: r.mark_price,
                    long_oi: r.long_oi,
                    short_oi: r.short_oi,
                }
            })
            .collect()
    }

    /// What a key holds now.
    pub fn party(&self, who: &Addr) -> PartyView {
        let wallet = Uint128::new(self.suite.balance(who));
        let uw: UnderwriterResponse = self.suite.underwriter(who);
        let pending: Uint128 = uw.requests.iter().map(|r| r.payout_now).sum();
        let shares_value = uw.junior.value + uw.senior.value + pending;
        let positions: PositionsResponse = self
            .suite
            .app
            .wrap()
            .query_wasm_smart(
                &self.suite.engine,
                &engine::QueryMsg::Positions {
                    trader: who.to_string(),
                    start_after: None,
                    limit: Some(30),
                },
            )
            .expect("positions");
        let positions_value: u128 = positions
            .positions
            .iter()
            .map(|p| {
                let v = p.margin.u128() as i128 + p.unrealized_pnl.i128();
                v.max(0) as u128
            })
            .sum();
        let positions_value = Uint128::new(positions_value);
        PartyView {
            wallet,
            junior_shares: uw.junior.shares,
            senior_shares: uw.senior.shares,
            shares_value,
            positions_value,
            total: wallet + shares_value + positions_value,
        }
    }

    /// The state now.
    pub fn state(&self) -> StepState {
        let fund = self.suite.state();
        let per_share = Decimal256::from_ratio(SHARE_UNIT, crate::ONE);
        let parties = self
            .keys
            .iter()
            .map(|(name, addr)| (name.clone(), self.party(addr)))
            .collect();
        let block = self.suite.app.block_info();
        StepState {
            time: block.time.seconds(),
            height: block.height,
            junior_share_price: fund.junior.price * per_share,
            senior_share_price: fund.senior.price * per_share,
            fund,
            ledger: self.ledger(),
            socialized: self.socialized(),
            engine: self.suite.engine_state(),
            markets: self.market_views(),
            parties,
        }
    }

    /// cw20 share balance of an address.
    pub fn share_balance(&self, token: &Addr, who: &Addr) -> u128 {
        let res: cw20::BalanceResponse = self
            .suite
            .app
            .wrap()
            .query_wasm_smart(
                token,
                &Cw20QueryMsg::Balance {
                    address: who.to_string(),
                },
            )
            .expect("cw20 balance");
        res.balance.u128()
    }
}

/// A response's events in the chain's JSON shape: `{"events": [{"type", "attributes": [{"key",
/// "value"}]}]}`.
fn events_json(res: &AppResponse) -> Value {
    json!({
        "events": res.events.iter().map(|e| json!({
            "type": e.ty,
            "attributes": e.attributes.iter().map(|a| json!({"key": a.key, "value": a.value})).collect::<Vec<_>>(),
        })).collect::<Vec<_>>()
    })
}

/// Deploys the scenario's settings and plays it; the player at its end.
pub fn play(
    scenario: &Scenario,
    progress: &mut dyn FnMut(usize, usize, &StepRecord),
) -> Result<Player, PlayError> {
    let mut player = Player::deploy(&scenario.deploy_config()).map_err(|reason| PlayError {
        file: scenario
            .files
            .first()
            .map_or(scenario.label.clone(), |f| f.path.display().to_string()),
        step: None,
        reason: format!("deploy: {reason}"),
    })?;
    player.play(scenario, progress)?;
    Ok(player)
}

/// The repository's root (for the shipped scenario folders).
pub fn repo_root() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    root.canonicalize().unwrap_or(root)
}
