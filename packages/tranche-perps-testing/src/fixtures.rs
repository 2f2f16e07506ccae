//! Storage fixtures: the raw storage of every contract of a suite at a point of a journey, the
//! answers its queries gave there, and a continuation of the journey as data with what each
//! step returned, recorded once and committed (`fixtures/*.json`).
//!
//! `tests/storage_fixtures.rs` loads a fixture into the code as it is now and checks that every
//! query answers byte for byte as recorded, that the continuation returns the recorded events
//! and data and leaves the recorded storage, that `migrate` accepts the stored version, and
//! that the journey replayed from scratch writes the same storage. The fixtures pin the storage
//! keys and value bytes a deployed suite holds, so a new version reads them with no data move.
//!
//! `cargo run -p tranche-perps-testing --bin capture-fixtures` writes them again (only when the
//! layout is meant to change; the test then reports every difference).

use std::collections::BTreeMap;

use cosmwasm_std::{
    coins, to_json_binary, to_json_vec, Addr, Binary, BlockInfo, Coin, ContractResult, Decimal256,
    Empty, Int128, QueryRequest, SystemResult, Timestamp, Uint128, WasmQuery,
};
use cw20::Cw20ExecuteMsg;
use cw_multi_test::{App, Executor};
use serde::{Deserialize, Serialize};
use tranche_perps_types::engine;
use tranche_perps_types::fund::{self, FundParamsUpdate, Tranche};
use tranche_perps_types::governance::{self, Action, Vote};

use crate::{Suite, DENOM, ONE};

/// Voters of the fixture suite's GOV token (name, amount).
pub const VOTERS: [(&str, u128); 3] = [
    ("alice", 4_000 * ONE),
    ("bob", 3_000 * ONE),
    ("carol", 2_000 * ONE),
];

/// Named accounts whose bank balances a fixture records.
pub const ACCOUNTS: [&str; 15] = [
    "lp-junior",
    "lp-senior",
    "dave",
    "erin",
    "arb",
    "keeper",
    "alice",
    "bob",
    "carol",
    "feeder",
    "treasury",
    "dao-treasury",
    "governor",
    "guardian",
    "operator",
];

/// The suite a fixture is taken from: fund, share tokens, engine and governance.
pub fn fixture_suite() -> Suite {
    Suite::builder().with_governance(&VOTERS).build()
}

/// Contracts of the suite by name.
pub fn contracts(suite: &Suite) -> BTreeMap<String, Addr> {
    let gov = suite.gov();
    [
        ("fund", suite.fund.clone()),
        ("junior_token", suite.junior_token.clone()),
        ("senior_token", suite.senior_token.clone()),
        ("engine", suite.engine.clone()),
        ("governance", gov.contract.clone()),
        ("gov_token", gov.token.clone()),
    ]
    .into_iter()
    .map(|(name, addr)| (name.to_string(), addr))
    .collect()
}

/// Resolves a contract or account name.
fn address(suite: &Suite, name: &str) -> Addr {
    contracts(suite)
        .remove(name)
        .unwrap_or_else(|| suite.addr(name))
}

/// One storage record, the key in hex and the value as the UTF-8 text it is (JSON).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// Key bytes, hex.
    pub key: String,
    /// Value bytes as text.
    pub value: String,
}

/// A smart query and the bytes it answered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueryCase {
    /// Contract name.
    pub contract: String,
    /// The query message.
    pub msg: serde_json::Value,
    /// The answer as text, or `error: ...` when the query failed.
    pub answer: String,
}

/// One step of a continuation: block time moves by `advance_seconds` (and height by one),
/// then `sender` executes `msg` on `contract` with `funds` base units of collateral.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// What the step does.
    pub label: String,
    /// Seconds the block time moves before the step.
    pub advance_seconds: u64,
    /// Account name.
    pub sender: String,
    /// Contract name.
    pub contract: String,
    /// The execute message.
    pub msg: serde_json::Value,
    /// Collateral sent with it.
    pub funds: u128,
    /// What it returned: the events and data, or the error text.
    pub outcome: Outcome,
}

/// What a step returned.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Not played yet (a step being recorded).
    Pending,
    /// The events (type and attributes) and the response data.
    Ok {
        /// `type key=value ...` per event.
        events: Vec<String>,
        /// Response data, base64.
        data: Option<Binary>,
    },
    /// The error's root cause.
    Err(String),
}

/// Raw state of the whole suite at one point.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dump {
    /// Block height.
    pub height: u64,
    /// Block time, nanoseconds.
    pub time_nanos: u64,
    /// Contract addresses by name.
    pub addresses: BTreeMap<String, Addr>,
    /// Every storage record of every contract, by contract name.
    pub storage: BTreeMap<String, Vec<Record>>,
    /// Bank balances of the contracts and the named accounts.
    pub balances: BTreeMap<String, Vec<Coin>>,
}

/// A committed fixture.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fixture {
    /// What point of which journey it is.
    pub name: String,
    /// The state there.
    pub start: Dump,
    /// Every query and its answer there.
    pub queries: Vec<QueryCase>,
    /// The journey from there on.
    pub continuation: Vec<Step>,
    /// The state after the continuation.
    pub end: Dump,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex key"))
        .collect()
}

/// Mock storage holding `records`, to read them with the contracts' own storage types.
pub fn records_storage(records: &[Record]) -> cosmwasm_std::testing::MockStorage {
    let mut storage = cosmwasm_std::testing::MockStorage::default();
    for r in records {
        cosmwasm_std::Storage::set(&mut storage, &unhex(&r.key), r.value.as_bytes());
    }
    storage
}

/// The namespace of a record's key: a map's name (the key's length-prefixed first part), or
/// an item's whole key.
pub fn namespace(key: &str) -> String {
    let bytes = unhex(key);
    let name = match bytes.as_slice() {
        [0, len, rest @ ..] if rest.len() >= *len as usize => &rest[..*len as usize],
        _ => &bytes[..],
    };
    String::from_utf8_lossy(name).into_owned()
}

/// Every storage record of `addr`, in key order.
pub fn storage_of(app: &App, addr: &Addr) -> Vec<Record> {
    app.dump_wasm_raw(addr)
        .into_iter()
        .map(|(key, value)| Record {
            key: hex(&key),
            value: String::from_utf8(value).expect("stored values are JSON text"),
        })
        .collect()
}

/// The suite's state now.
pub fn dump(suite: &Suite) -> Dump {
    let addresses = contracts(suite);
    let storage = addresses
        .iter()
        .map(|(name, addr)| (name.clone(), storage_of(&suite.app, addr)))
        .collect();
    let balances = addresses
        .keys()
        .map(String::as_str)
        .chain(ACCOUNTS)
        .map(|name| {
            let addr = address(suite, name);
            let coin = suite
                .app
                .wrap()
                .query_balance(&addr, DENOM)
                .expect("balance");
            let coins = if coin.amount.is_zero() {
                vec![]
            } else {
                vec![coin]
            };
            (name.to_string(), coins)
        })
        .collect();
    let block = suite.app.block_info();
    Dump {
        height: block.height,
        time_nanos: block.time.nanos(),
        addresses,
        storage,
        balances,
    }
}

/// Replaces the suite's state with `dump`: block, every contract's storage, bank balances.
pub fn load(suite: &mut Suite, dump: &Dump) {
    assert_eq!(
        contracts(suite),
        dump.addresses,
        "the suite deploys to the fixture's addresses"
    );
    suite.app.set_block(BlockInfo {
        height: dump.height,
        time: Timestamp::from_nanos(dump.time_nanos),
        chain_id: suite.app.block_info().chain_id,
    });
    for (name, records) in &dump.storage {
        let addr = &dump.addresses[name];
        let mut store = suite.app.contract_storage_mut(addr);
        let keys: Vec<Vec<u8>> = store
            .range_keys(None, None, cosmwasm_std::Order::Ascending)
            .collect();
        for key in keys {
            store.remove(&key);
        }
        for record in records {
            store.set(&unhex(&record.key), record.value.as_bytes());
        }
    }
    for (name, coins) in &dump.balances {
        let addr = address(suite, name);
        suite
            .app
            .init_modules(|router, _, storage| {
                router.bank.init_balance(storage, &addr, coins.clone())
            })
            .expect("balance set");
    }
}

/// The raw answer of a smart query, or its error as text.
pub fn raw_query(app: &App, contract: &Addr, msg: &serde_json::Value) -> String {
    let request: QueryRequest<Empty> = QueryRequest::Wasm(WasmQuery::Smart {
        contract_addr: contract.to_string(),
        msg: to_json_binary(msg).expect("query message"),
    });
    match app
        .wrap()
        .raw_query(&to_json_vec(&request).expect("request"))
    {
        SystemResult::Ok(ContractResult::Ok(bytes)) => {
            String::from_utf8(bytes.to_vec()).expect("answers are JSON text")
        }
        SystemResult::Ok(ContractResult::Err(err)) => format!("error: {err}"),
        SystemResult::Err(err) => format!("error: {err}"),
    }
}

/// Plays one step on the suite's chain and returns what it returned.
pub fn play(suite: &mut Suite, step: &Step) -> Outcome {
    suite.app.update_block(|block| {
        block.time = block.time.plus_seconds(step.advance_seconds);
        block.height += 1;
    });
    let sender = address(suite, &step.sender);
    let contract = address(suite, &step.contract);
    let funds = if step.funds == 0 {
        vec![]
    } else {
        coins(step.funds, DENOM)
    };
    match suite
        .app
        .execute_contract(sender, contract, &step.msg, &funds)
    {
        Ok(res) => Outcome::Ok {
            events: res
                .events
                .iter()
                .map(|event| {
                    let attrs: Vec<String> = event
                        .attributes
                        .iter()
                        .map(|a| format!("{}={}", a.key, a.value))
                        .collect();
                    format!("{} {}", event.ty, attrs.join(" "))
                })
                .collect(),
            data: res.data,
        },
        Err(err) => Outcome::Err(err.root_cause().to_string()),
    }
}

/// The queries a fixture records: every query of every contract, over every named account,
/// market, request, shortfall and proposal the journeys create.
pub fn queries(suite: &Suite) -> Vec<(String, serde_json::Value)> {
    let mut out: Vec<(&str, serde_json::Value)> = vec![];
    let accounts: Vec<String> = ACCOUNTS.iter().map(|n| suite.addr(n).to_string()).collect();

    out.push(("fund", json(&fund::QueryMsg::Config {})));
    out.push(("fund", json(&fund::QueryMsg::State {})));
    out.push(("fund", json(&fund::QueryMsg::Ownership {})));
    for tranche in [Tranche::Junior, Tranche::Senior] {
        for window_seconds in [3_600, 86_400, 30 * 86_400] {
            out.push((
                "fund",
                json(&fund::QueryMsg::Yield {
                    tranche,
                    window_seconds,
                }),
            ));
        }
        out.push((
            "fund",
            json(&fund::QueryMsg::PreviewDeposit {
                tranche,
                amount: Uint128::new(1_234 * ONE),
            }),
        ));
    }
    for open_interest in [None, Some(Uint128::new(50_000 * ONE))] {
        out.push(("fund", json(&fund::QueryMsg::Coverage { open_interest })));
    }
    for amount in [1, 5_000 * ONE, 1_000_000 * ONE] {
        out.push((
            "fund",
            json(&fund::QueryMsg::SimulateLoss {
                amount: Uint128::new(amount),
            }),
        ));
    }
    for address in &accounts {
        out.push((
            "fund",
            json(&fund::QueryMsg::Underwriter {
                address: address.clone(),
                start_after: None,
                limit: None,
            }),
        ));
        out.push((
            "fund",
            json(&fund::QueryMsg::WithdrawalRequests {
                owner: address.clone(),
                start_after: None,
                limit: None,
            }),
        ));
    }
    for request_id in 0..5 {
        out.push((
            "fund",
            json(&fund::QueryMsg::WithdrawalRequest { request_id }),
        ));
    }
    for engine_epoch in [None, Some(0), Some(1)] {
        out.push((
            "fund",
            json(&fund::QueryMsg::LossLedger {
                engine_epoch,
                start_after: None,
                limit: None,
            }),
        ));
        for shortfall_id in 0..3 {
            out.push((
                "fund",
                json(&fund::QueryMsg::Loss {
                    shortfall_id,
                    engine_epoch,
                }),
            ));
        }
    }

    out.push(("engine", json(&engine::QueryMsg::Config {})));
    out.push(("engine", json(&engine::QueryMsg::State {})));
    out.push(("engine", json(&engine::QueryMsg::Ownership {})));
    out.push((
        "engine",
        json(&engine::QueryMsg::Markets {
            start_after: None,
            limit: None,
        }),
    ));
    out.push((
        "engine",
        json(&engine::QueryMsg::SocializedLosses {
            start_after: None,
            limit: None,
        }),
    ));
    for market in ["BTC-USD", "ETH-USD"] {
        out.push((
            "engine",
            json(&engine::QueryMsg::Market {
                market: market.to_string(),
            }),
        ));
        for trader in &accounts {
            out.push((
                "engine",
                json(&engine::QueryMsg::Position {
                    market: market.to_string(),
                    trader: trader.clone(),
                }),
            ));
        }
    }
    for address in &accounts {
        out.push((
            "engine",
            json(&engine::QueryMsg::Positions {
                trader: address.clone(),
                start_after: None,
                limit: None,
            }),
        ));
        out.push((
            "engine",
            json(&engine::QueryMsg::Owed {
                address: address.clone(),
            }),
        ));
    }

    out.push(("governance", json(&governance::QueryMsg::Config {})));
    out.push(("governance", json(&governance::QueryMsg::Threshold {})));
    out.push((
        "governance",
        json(&governance::QueryMsg::ListProposals {
            start_after: None,
            limit: None,
        }),
    ));
    out.push((
        "governance",
        json(&governance::QueryMsg::ReverseProposals {
            start_before: None,
            limit: None,
        }),
    ));
    let height = suite.app.block_info().height;
    for h in [None, Some(height.saturating_sub(3)), Some(height)] {
        out.push((
            "governance",
            json(&governance::QueryMsg::TotalPower { height: h }),
        ));
        for address in &accounts {
            out.push((
                "governance",
                json(&governance::QueryMsg::VotingPower {
                    address: address.clone(),
                    height: h,
                }),
            ));
        }
    }
    for address in &accounts {
        out.push((
            "governance",
            json(&governance::QueryMsg::Claims {
                address: address.clone(),
            }),
        ));
    }
    for proposal_id in 1..5 {
        out.push((
            "governance",
            json(&governance::QueryMsg::Proposal { proposal_id }),
        ));
        out.push((
            "governance",
            json(&governance::QueryMsg::ListVotes {
                proposal_id,
                start_after: None,
                limit: None,
            }),
        ));
        for voter in &accounts {
            out.push((
                "governance",
                json(&governance::QueryMsg::Vote {
                    proposal_id,
                    voter: voter.clone(),
                }),
            ));
        }
    }

    for token in ["junior_token", "senior_token", "gov_token"] {
        out.push((token, json(&cw20::Cw20QueryMsg::TokenInfo {})));
        out.push((
            token,
            json(&cw20::Cw20QueryMsg::AllAccounts {
                start_after: None,
                limit: None,
            }),
        ));
    }
    out.into_iter()
        .map(|(contract, msg)| (contract.to_string(), msg))
        .collect()
}

fn json(msg: impl Serialize) -> serde_json::Value {
    serde_json::to_value(msg).expect("message serializes")
}

/// Answers every query of [`queries`] now.
pub fn answer_queries(suite: &Suite) -> Vec<QueryCase> {
    let addresses = contracts(suite);
    queries(suite)
        .into_iter()
        .map(|(contract, msg)| QueryCase {
            answer: raw_query(&suite.app, &addresses[&contract], &msg),
            contract,
            msg,
        })
        .collect()
}

fn step(
    label: &str,
    advance_seconds: u64,
    sender: &str,
    contract: &str,
    msg: impl Serialize,
) -> Step {
    Step {
        label: label.to_string(),
        advance_seconds,
        sender: sender.to_string(),
        contract: contract.to_string(),
        msg: serde_json::to_value(msg).expect("message serializes"),
        funds: 0,
        outcome: Outcome::Pending,
    }
}

fn with_funds(mut step: Step, funds: u128) -> Step {
    step.funds = funds;
    step
}

fn send(
    label: &str,
    advance_seconds: u64,
    sender: &str,
    token: &str,
    to: &Addr,
    amount: u128,
    hook: impl Serialize,
) -> Step {
    step(
        label,
        advance_seconds,
        sender,
        token,
        Cw20ExecuteMsg::Send {
            contract: to.to_string(),
            amount: Uint128::new(amount),
            msg: to_json_binary(&hook).expect("hook serializes"),
        },
    )
}

fn propose(label: &str, sender: &str, actions: Vec<Action>) -> Step {
    step(
        label,
        5,
        sender,
        "governance",
        governance::ExecuteMsg::Propose {
            title: label.to_string(),
            description: String::new(),
            actions,
        },
    )
}

fn vote(sender: &str, proposal_id: u64, vote: Vote) -> Step {
    step(
        &format!("{sender} votes {vote:?} on proposal {proposal_id}"),
        5,
        sender,
        "governance",
        governance::ExecuteMsg::Vote { proposal_id, vote },
    )
}

const DAY: u64 = 86_400;

/// After the crash journey: the voters stake, one proposal passes and is executed, a
/// risk-raising one passes and waits, a third stays open, and a staker starts unbonding.
pub fn governance_journey(suite: &Suite) -> Vec<Step> {
    let gov = suite.gov().contract.clone();
    let stake = governance::ReceiveMsg::Stake {};
    let lower_cap = Action::UpdateFundParams(FundParamsUpdate {
        max_payout_bps: Some(4_000),
        ..Default::default()
    });
    let shorter_cooldown = Action::UpdateFundParams(FundParamsUpdate {
        cooldown_seconds: Some(5 * DAY),
        ..Default::default()
    });
    let pause_new_positions = Action::SetEnginePause(engine::EnginePause {
        new_positions: true,
        ..Default::default()
    });
    vec![
        send(
            "alice stakes",
            5,
            "alice",
            "gov_token",
            &gov,
            4_000 * ONE,
            &stake,
        ),
        send(
            "bob stakes",
            5,
            "bob",
            "gov_token",
            &gov,
            3_000 * ONE,
            &stake,
        ),
        send(
            "carol stakes",
            5,
            "carol",
            "gov_token",
            &gov,
            1_500 * ONE,
            &stake,
        ),
        propose("lower the payout cap to 40%", "alice", vec![lower_cap]),
        vote("alice", 1, Vote::Yes),
        vote("bob", 1, Vote::Yes),
        step(
            "anyone executes proposal 1 after its timelock",
            3 * DAY + 2 * DAY,
            "keeper",
            "governance",
            governance::ExecuteMsg::Execute { proposal_id: 1 },
        ),
        propose(
            "shorten the cooldown to 5 days",
            "bob",
            vec![shorter_cooldown],
        ),
        vote("alice", 2, Vote::Yes),
        vote("bob", 2, Vote::Yes),
        propose("pause new positions", "carol", vec![pause_new_positions]),
        vote("carol", 3, Vote::No),
        step(
            "bob unstakes 1,000 GOV",
            5,
            "bob",
            "governance",
            governance::ExecuteMsg::Unstake {
                amount: Uint128::new(1_000 * ONE),
            },
        ),
    ]
}

/// After the governance journey: the open proposal is decided, the waiting ones executed, the
/// unbonding claimed; trading resumes with funding and fees; an underwriter withdraws.
pub fn closing_journey(suite: &Suite) -> Vec<Step> {
    let fund = suite.fund.clone();
    let market = |m: &str| m.to_string();
    // Everyone closed at the end of the crash journey, so the vAMM is back at its start price:
    // the feeder prices the index there and trading resumes.
    let index: Decimal256 = suite.market("BTC-USD").mark_price;
    let push = |label: &str, advance: u64, publish_time: u64| {
        step(
            label,
            advance,
            "feeder",
            "engine",
            engine::ExecuteMsg::PushPrice {
                market: market("BTC-USD"),
                price: index,
                publish_time,
            },
        )
    };
    let now = suite.app.block_info().time.seconds();
    let request = fund::ReceiveMsg::RequestWithdrawal {};
    vec![
        vote("alice", 3, Vote::Yes),
        vote("bob", 3, Vote::No),
        step(
            "anyone closes the rejected proposal 3 after its vote",
            3 * DAY,
            "keeper",
            "governance",
            governance::ExecuteMsg::Close { proposal_id: 3 },
        ),
        step(
            "proposal 2 (risk-raising) before its exit window has passed",
            DAY,
            "keeper",
            "governance",
            governance::ExecuteMsg::Execute { proposal_id: 2 },
        ),
        step(
            "bob claims his unbonded GOV",
            4 * DAY,
            "bob",
            "governance",
            governance::ExecuteMsg::Claim {},
        ),
        step(
            "anyone executes proposal 2 after the exit window",
            2 * DAY,
            "keeper",
            "governance",
            governance::ExecuteMsg::Execute { proposal_id: 2 },
        ),
        push("the feeder pushes a fresh index", 5, now + 10 * DAY + 15),
        with_funds(
            step(
                "dave opens a long of 100 BTC",
                5,
                "dave",
                "engine",
                engine::ExecuteMsg::Trade {
                    market: market("BTC-USD"),
                    size_delta: Int128::new(100_000_000),
                    price_limit: None,
                },
            ),
            2_000 * ONE,
        ),
        with_funds(
            step(
                "erin opens a short of 40 BTC",
                5,
                "erin",
                "engine",
                engine::ExecuteMsg::Trade {
                    market: market("BTC-USD"),
                    size_delta: Int128::new(-40_000_000),
                    price_limit: None,
                },
            ),
            1_000 * ONE,
        ),
        push(
            "the feeder pushes an hour later",
            3_600,
            now + 10 * DAY + 3_625,
        ),
        step(
            "a keeper settles funding",
            5,
            "keeper",
            "engine",
            engine::ExecuteMsg::SettleFunding {
                market: market("BTC-USD"),
            },
        ),
        step(
            "dave closes",
            5,
            "dave",
            "engine",
            engine::ExecuteMsg::ClosePosition {
                market: market("BTC-USD"),
                price_limit: None,
            },
        ),
        step(
            "a keeper sweeps the premium",
            5,
            "keeper",
            "engine",
            engine::ExecuteMsg::SweepPremium {},
        ),
        send(
            "lp-junior asks to withdraw 1,000 junior shares",
            5,
            "lp-junior",
            "junior_token",
            &fund,
            1_000 * 1_000_000_000,
            &request,
        ),
        step(
            "lp-junior claims after the 5-day cooldown",
            5 * DAY,
            "lp-junior",
            "fund",
            fund::ExecuteMsg::ClaimWithdrawal { request_id: 2 },
        ),
        with_funds(
            step(
                "lp-junior deposits 1,000 USDC into junior",
                5,
                "lp-junior",
                "fund",
                fund::ExecuteMsg::Deposit {
                    tranche: Tranche::Junior,
                    min_shares: None,
                },
            ),
            1_000 * ONE,
        ),
    ]
}

/// Plays `steps`, recording each outcome.
pub fn record(suite: &mut Suite, steps: Vec<Step>) -> Vec<Step> {
    steps
        .into_iter()
        .map(|mut step| {
            step.outcome = play(suite, &step);
            step
        })
        .collect()
}

/// Records a fixture at the current point, playing `steps` from there.
pub fn capture(name: &str, suite: &mut Suite, steps: Vec<Step>) -> Fixture {
    let start = dump(suite);
    let queries = answer_queries(suite);
    let continuation = record(suite, steps);
    Fixture {
        name: name.to_string(),
        start,
        queries,
        continuation,
        end: dump(suite),
    }
}

/// Directory of the committed fixtures.
pub fn fixture_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// The fixtures, in journey order: after the crash journey (continued by the governance
/// journey), and after the governance journey (continued by the closing journey).
pub fn capture_all() -> Result<Vec<Fixture>, String> {
    let mut suite = fixture_suite();
    crate::scenario::suite_journey(&mut suite)?;
    let steps = governance_journey(&suite);
    let crash = capture("after the crash journey", &mut suite, steps);
    let steps = closing_journey(&suite);
    let governance = capture("after the governance journey", &mut suite, steps);
    Ok(vec![crash, governance])
}

/// `fixture` with everything but its starting state recorded again from the code as it is now:
/// the query answers and the continuation's outcomes and end state, with the stored state of
/// the release that wrote the fixture loaded as the start. For a change of behaviour made on
/// purpose; the start stays the storage a deployed suite holds.
pub fn rerecord(fixture: &Fixture) -> Fixture {
    let mut suite = fixture_suite();
    load(&mut suite, &fixture.start);
    let queries = answer_queries(&suite);
    let continuation = record(&mut suite, fixture.continuation.clone());
    Fixture {
        name: fixture.name.clone(),
        start: fixture.start.clone(),
        queries,
        continuation,
        end: dump(&suite),
    }
}

/// File name of the `index`-th fixture.
pub fn fixture_file(index: usize) -> std::path::PathBuf {
    fixture_dir().join(["after_crash.json", "after_governance.json"][index])
}
