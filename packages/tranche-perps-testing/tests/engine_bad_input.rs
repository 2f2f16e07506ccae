//! `docs/testing.md#bad-input` for every execute message of the perp engine: unauthorized senders,
//! missing, wrong, several and extra funds, zero and extreme amounts (`Int128::MIN`/`MAX` size
//! deltas, `u128::MAX` withdrawals), bad addresses, a stale price, prices outside a market's
//! bounds, too few feeders for `min_feeders`, the paused, halted and price-shock states and
//! unknown JSON fields. Each case asserts the exact error and that neither the engine's books,
//! markets, positions, config, ownership nor any balance changed.
//!
//! Not applicable to the engine: a cw20 `Receive` (the engine has no `Receive`; a JSON
//! `receive` is an unknown variant, tested with the other malformed messages).

use cosmwasm_std::{coin, coins, Addr, Coin, ConversionOverflowError, Decimal256, Int128, Uint128};
use cw_multi_test::Executor;
use cw_ownable::{Ownership, OwnershipError};
use cw_utils::PaymentError;
use perp_engine::ContractError;
use serde_json::json;
use tranche_perps_testing::checks::assert_unchanged;
use tranche_perps_testing::perp::{default_market_params, into_engine_error};
use tranche_perps_testing::{Suite, DENOM, ONE};
use tranche_perps_types::engine::{
    EngineConfigResponse, EnginePause, EngineStateResponse, ExecuteMsg, FeeConfig, MarketParams,
    MarketResponse, NewMarket, PositionResponse, QueryMsg,
};
use tranche_perps_types::fund::GovernorAction;

const BTC: &str = "BTC-USD";
const ATOM: &str = "uatom";

/// BTC-USD at 100 with bob long 1e6 (margin 19_899_999, open notional 100_000_101).
fn setup() -> Suite {
    let mut suite = Suite::builder()
        .with_underwriters(&["lp", "bob", "carl"], 10_000_000 * ONE)
        .with_perp_engine()
        .build();
    suite
        .add_market(BTC, 1_000_000_000_000, 100_000_000_000_000)
        .unwrap();
    suite.push_price(BTC, "100").unwrap();
    let (bob, carl, governor, feeder, guardian) = (
        suite.addr("bob"),
        suite.addr("carl"),
        suite.governor.clone(),
        suite.feeder(),
        suite.guardian.clone(),
    );
    suite.trade(&bob, BTC, 1_000_000, 20_000_000).unwrap();
    for who in [&bob, &carl, &governor, &feeder, &guardian] {
        suite.mint_coins(who, vec![coin(1_000 * ONE, DENOM), coin(1_000 * ONE, ATOM)]);
    }
    suite
}

#[derive(Debug, PartialEq)]
struct Snap {
    config: EngineConfigResponse,
    state: EngineStateResponse,
    ownership: Ownership<Addr>,
    market: MarketResponse,
    positions: Vec<Option<PositionResponse>>,
    balances: Vec<(u128, u128)>,
}

fn snap(suite: &Suite) -> Snap {
    let who = [
        suite.addr("bob"),
        suite.addr("carl"),
        suite.governor.clone(),
        suite.guardian.clone(),
        suite.feeder(),
        suite.treasury(),
        suite.engine.clone(),
        suite.fund.clone(),
    ];
    let bank = |w: &Addr, d: &str| suite.app.wrap().query_balance(w, d).unwrap().amount.u128();
    Snap {
        config: suite
            .app
            .wrap()
            .query_wasm_smart(&suite.engine, &QueryMsg::Config {})
            .unwrap(),
        state: suite.engine_state(),
        ownership: suite
            .app
            .wrap()
            .query_wasm_smart(&suite.engine, &QueryMsg::Ownership {})
            .unwrap(),
        market: suite.market(BTC),
        positions: who.iter().map(|w| suite.position(BTC, w)).collect(),
        balances: who
            .iter()
            .map(|w| (bank(w, DENOM), bank(w, ATOM)))
            .collect(),
    }
}

/// Sends `msg` from `sender` with `funds`; it must fail with `expected` and change nothing.
fn refused(
    suite: &mut Suite,
    sender: &Addr,
    msg: &ExecuteMsg,
    funds: &[Coin],
    expected: ContractError,
) {
    let err = assert_unchanged(suite, snap, |s| s.execute_engine(sender, msg, funds));
    assert_eq!(err, expected, "{msg:?}");
}

/// Like `refused`, for address-validation errors that only carry text.
fn refused_std(suite: &mut Suite, sender: &Addr, msg: &ExecuteMsg, funds: &[Coin]) {
    let err = assert_unchanged(suite, snap, |s| s.execute_engine(sender, msg, funds));
    assert!(matches!(err, ContractError::Std(_)), "{msg:?}: {err:?}");
}

/// Raw JSON that must fail to parse (a serde error, checked by its text) and change nothing.
fn refused_json(
    suite: &mut Suite,
    sender: &Addr,
    msg: serde_json::Value,
    funds: &[Coin],
    text: &str,
) {
    let engine = suite.engine.clone();
    let err = assert_unchanged(suite, snap, |s| {
        s.app
            .execute_contract(sender.clone(), engine, &msg, funds)
            .map_err(into_engine_error)
    });
    match err {
        ContractError::Std(e) => assert!(e.to_string().contains(text), "{msg}: {e}"),
        err => panic!("{msg}: expected a parse error, got {err:?}"),
    }
    suite.check_invariants();
    suite.check_engine_invariants();
}

fn trade(size: Int128) -> ExecuteMsg {
    ExecuteMsg::Trade {
        market: BTC.to_string(),
        size_delta: size,
        price_limit: None,
    }
}

fn close() -> ExecuteMsg {
    ExecuteMsg::ClosePosition {
        market: BTC.to_string(),
        price_limit: None,
    }
}

fn add_margin() -> ExecuteMsg {
    ExecuteMsg::AddMargin {
        market: BTC.to_string(),
    }
}

fn remove_margin(amount: u128) -> ExecuteMsg {
    ExecuteMsg::RemoveMargin {
        market: BTC.to_string(),
        amount: Uint128::new(amount),
    }
}

fn liquidate(trader: &str) -> ExecuteMsg {
    ExecuteMsg::Liquidate {
        market: BTC.to_string(),
        trader: trader.to_string(),
    }
}

fn settle() -> ExecuteMsg {
    ExecuteMsg::SettleFunding {
        market: BTC.to_string(),
    }
}

fn usdc(amount: u128) -> Vec<Coin> {
    coins(amount, DENOM)
}

fn nonpayable() -> ContractError {
    ContractError::Payment(PaymentError::NonPayable {})
}

fn not_owner() -> ContractError {
    ContractError::Ownership(OwnershipError::NotOwner)
}

fn no_position(who: &Addr) -> ContractError {
    ContractError::NoPosition {
        market: BTC.to_string(),
        trader: who.to_string(),
    }
}

fn set_pause(suite: &mut Suite, pause: EnginePause) {
    let governor = suite.governor.clone();
    suite
        .execute_engine(&governor, &ExecuteMsg::SetPause(pause), &[])
        .unwrap();
}

fn governor_messages(suite: &Suite) -> Vec<ExecuteMsg> {
    vec![
        ExecuteMsg::AddMarket(NewMarket {
            id: "ETH-USD".to_string(),
            base_reserve: Uint128::new(1_000_000),
            quote_reserve: Uint128::new(1_000_000),
            feeders: vec![],
            params: default_market_params(),
        }),
        ExecuteMsg::UpdateMarket {
            market: BTC.to_string(),
            params: default_market_params(),
        },
        ExecuteMsg::SetFeeders {
            market: BTC.to_string(),
            feeders: vec![suite.addr("bob").to_string()],
        },
        ExecuteMsg::UpdateFees(FeeConfig::default()),
        ExecuteMsg::UpdateConfig {
            fund: None,
            treasury: Some(suite.addr("bob").to_string()),
            guardian: None,
        },
        ExecuteMsg::WithdrawTreasury {},
        ExecuteMsg::EndShock {
            market: BTC.to_string(),
        },
        ExecuteMsg::UpdateOwnership(GovernorAction::TransferOwnership {
            new_owner: suite.addr("bob").to_string(),
            expiry: None,
        }),
    ]
}

// ----- trade -----

#[test]
fn trade_bad_funds_and_sizes() {
    let mut suite = setup();
    let (bob, carl) = (suite.addr("bob"), suite.addr("carl"));
    let one = Int128::new(1_000_000);
    refused(
        &mut suite,
        &carl,
        &trade(one),
        &coins(20_000_000, ATOM),
        ContractError::Payment(PaymentError::MissingDenom(DENOM.to_string())),
    );
    refused(
        &mut suite,
        &carl,
        &trade(one),
        &[coin(20_000_000, ATOM), coin(20_000_000, DENOM)],
        ContractError::Payment(PaymentError::MultipleDenoms {}),
    );
    refused(
        &mut suite,
        &carl,
        &trade(Int128::zero()),
        &usdc(20_000_000),
        ContractError::ZeroSize,
    );
    refused(
        &mut suite,
        &bob,
        &trade(Int128::zero()),
        &[],
        ContractError::ZeroSize,
    );
    // no funds and no position: the open cannot even pay its fee, and an opening trade is
    // judged by its initial margin: margin -100_001 (fee ceil(100_000_300 / 1000)), plus pnl at
    // the index 1e6 * 100 - 100_000_300 = -300, against ceil(0.1 * 1e8) = 10_000_000
    refused(
        &mut suite,
        &carl,
        &trade(one),
        &[],
        ContractError::InsufficientMargin {
            equity: Int128::new(-100_301),
            required: Uint128::new(10_000_000),
        },
    );
    // Int128::MAX buys more base than the vAMM has
    refused(
        &mut suite,
        &carl,
        &trade(Int128::MAX),
        &usdc(20_000_000),
        ContractError::InsufficientLiquidity,
    );
    refused(
        &mut suite,
        &bob,
        &trade(Int128::MAX),
        &[],
        ContractError::InsufficientLiquidity,
    );
    // Int128::MIN sells 2^127 base: the mark falls to ~0, 100% from the index; an opening
    // trade's spread is checked before its margin, with or without margin sent
    for who in [&carl, &bob] {
        refused(
            &mut suite,
            who,
            &trade(Int128::MIN),
            &[],
            ContractError::SpreadTooWide {
                spread: Decimal256::one(),
                max: Decimal256::percent(10),
            },
        );
    }
    // with 1M of margin it is solvent, but the mark (1 / 2^127 -> 0) is 100% from the index
    refused(
        &mut suite,
        &carl,
        &trade(Int128::MIN),
        &usdc(1_000_000 * ONE),
        ContractError::SpreadTooWide {
            spread: Decimal256::one(),
            max: Decimal256::percent(10),
        },
    );
    // a sell limit of Decimal256::MAX and a buy limit of zero can never be met
    refused(
        &mut suite,
        &carl,
        &ExecuteMsg::Trade {
            market: BTC.to_string(),
            size_delta: one,
            price_limit: Some(Decimal256::zero()),
        },
        &usdc(20_000_000),
        ContractError::PriceLimitExceeded {
            // 100_000_300 / 1e6
            price: "100.0003".parse().unwrap(),
            limit: Decimal256::zero(),
        },
    );
    refused(
        &mut suite,
        &bob,
        &ExecuteMsg::Trade {
            market: BTC.to_string(),
            size_delta: -one,
            price_limit: Some(Decimal256::MAX),
        },
        &[],
        ContractError::PriceLimitExceeded {
            price: "100.000101".parse().unwrap(),
            limit: Decimal256::MAX,
        },
    );
    refused(
        &mut suite,
        &carl,
        &ExecuteMsg::Trade {
            market: "NOPE".to_string(),
            size_delta: one,
            price_limit: None,
        },
        &usdc(20_000_000),
        ContractError::MarketNotFound {
            market: "NOPE".to_string(),
        },
    );
}

#[test]
fn trade_stale_paused_halted() {
    let mut suite = setup();
    let (bob, carl) = (suite.addr("bob"), suite.addr("carl"));
    let one = Int128::new(1_000_000);
    let published = suite.app.block_info().time.seconds();
    suite.advance(601);
    let stale = || ContractError::StalePrice {
        market: BTC.to_string(),
        publish_time: published,
        max_age: 600,
        now: published + 601,
    };
    refused(&mut suite, &carl, &trade(one), &usdc(20_000_000), stale());
    refused(&mut suite, &bob, &trade(one), &usdc(20_000_000), stale());
    refused(&mut suite, &bob, &remove_margin(1), &[], stale());
    refused(&mut suite, &carl, &liquidate(bob.as_str()), &[], stale());
    // Settling needs no fresh index: it accrues the span and charges only the seconds the
    // index was fresh (none here in any case: only bob's long is open).
    let res = suite.execute_engine(&carl, &settle(), &[]).unwrap();
    let elapsed = res
        .events
        .iter()
        .flat_map(|e| e.attributes.iter())
        .any(|a| a.key == "seconds_elapsed" && a.value == "601");
    assert!(elapsed, "{res:?}");
    // Accrued up to now: a second settle in the same block is refused.
    refused(
        &mut suite,
        &carl,
        &settle(),
        &[],
        ContractError::FundingNotDue {},
    );
    suite.advance(3_000);
    suite.push_price(BTC, "100").unwrap();

    set_pause(
        &mut suite,
        EnginePause {
            new_positions: true,
            margin_removal: true,
            liquidation: true,
            halted: false,
        },
    );
    refused(
        &mut suite,
        &carl,
        &trade(one),
        &usdc(20_000_000),
        ContractError::NewPositionsPaused,
    );
    refused(
        &mut suite,
        &bob,
        &trade(-one * Int128::new(2)),
        &[],
        ContractError::NewPositionsPaused,
    );
    refused(
        &mut suite,
        &bob,
        &remove_margin(1),
        &[],
        ContractError::MarginRemovalPaused,
    );
    refused(
        &mut suite,
        &carl,
        &liquidate(bob.as_str()),
        &[],
        ContractError::LiquidationPaused,
    );

    set_pause(
        &mut suite,
        EnginePause {
            halted: true,
            ..Default::default()
        },
    );
    refused(
        &mut suite,
        &carl,
        &trade(one),
        &usdc(20_000_000),
        ContractError::Halted,
    );
    refused(&mut suite, &bob, &trade(-one), &[], ContractError::Halted);
    refused(&mut suite, &bob, &close(), &[], ContractError::Halted);
    refused(
        &mut suite,
        &bob,
        &add_margin(),
        &usdc(1),
        ContractError::Halted,
    );
    refused(
        &mut suite,
        &bob,
        &remove_margin(1),
        &[],
        ContractError::Halted,
    );
    refused(
        &mut suite,
        &carl,
        &liquidate(bob.as_str()),
        &[],
        ContractError::Halted,
    );
    suite.advance(3_600);
    refused(&mut suite, &carl, &settle(), &[], ContractError::Halted);
    // payment is checked before the halt
    refused(
        &mut suite,
        &bob,
        &add_margin(),
        &[],
        ContractError::Payment(PaymentError::NoFunds {}),
    );
    refused(&mut suite, &bob, &close(), &usdc(1), nonpayable());
}

// ----- close, margin -----

#[test]
fn close_bad_input() {
    let mut suite = setup();
    let (bob, carl) = (suite.addr("bob"), suite.addr("carl"));
    refused(&mut suite, &bob, &close(), &usdc(1), nonpayable());
    refused(&mut suite, &bob, &close(), &coins(1, ATOM), nonpayable());
    refused(&mut suite, &carl, &close(), &[], no_position(&carl));
    refused(
        &mut suite,
        &bob,
        &ExecuteMsg::ClosePosition {
            market: "ETH-USD".to_string(),
            price_limit: None,
        },
        &[],
        ContractError::MarketNotFound {
            market: "ETH-USD".to_string(),
        },
    );
}

#[test]
fn add_margin_bad_input() {
    let mut suite = setup();
    let (bob, carl) = (suite.addr("bob"), suite.addr("carl"));
    refused(
        &mut suite,
        &bob,
        &add_margin(),
        &[],
        ContractError::Payment(PaymentError::NoFunds {}),
    );
    refused(
        &mut suite,
        &bob,
        &add_margin(),
        &coins(1_000, ATOM),
        ContractError::Payment(PaymentError::MissingDenom(DENOM.to_string())),
    );
    refused(
        &mut suite,
        &bob,
        &add_margin(),
        &[coin(1_000, ATOM), coin(1_000, DENOM)],
        ContractError::Payment(PaymentError::MultipleDenoms {}),
    );
    refused(
        &mut suite,
        &carl,
        &add_margin(),
        &usdc(1_000),
        no_position(&carl),
    );
    refused(
        &mut suite,
        &bob,
        &ExecuteMsg::AddMargin {
            market: "ETH-USD".to_string(),
        },
        &usdc(1_000),
        ContractError::MarketNotFound {
            market: "ETH-USD".to_string(),
        },
    );
    // one unit is enough
    suite.add_margin(&bob, BTC, 1).unwrap();
    assert_eq!(suite.position(BTC, &bob).unwrap().margin.u128(), 19_900_000);
}

#[test]
fn remove_margin_bad_input() {
    let mut suite = setup();
    let (bob, carl) = (suite.addr("bob"), suite.addr("carl"));
    refused(&mut suite, &bob, &remove_margin(1), &usdc(1), nonpayable());
    refused(
        &mut suite,
        &bob,
        &remove_margin(0),
        &[],
        ContractError::ZeroAmount,
    );
    refused(
        &mut suite,
        &bob,
        &remove_margin(u128::MAX),
        &[],
        ContractError::ConversionOverflow(ConversionOverflowError::new("Uint128", "Int128")),
    );
    // i128::MAX fits: 19_899_999 - (2^127 - 1)
    refused(
        &mut suite,
        &bob,
        &remove_margin(i128::MAX as u128),
        &[],
        ContractError::InsufficientMargin {
            equity: Int128::new(19_899_999 - i128::MAX),
            required: Uint128::zero(),
        },
    );
    // 19_899_999 + 1 is one more than the margin
    refused(
        &mut suite,
        &bob,
        &remove_margin(19_900_000),
        &[],
        ContractError::InsufficientMargin {
            equity: Int128::new(-1),
            required: Uint128::zero(),
        },
    );
    refused(
        &mut suite,
        &carl,
        &remove_margin(1),
        &[],
        no_position(&carl),
    );
    refused(
        &mut suite,
        &bob,
        &ExecuteMsg::RemoveMargin {
            market: "ETH-USD".to_string(),
            amount: Uint128::one(),
        },
        &[],
        ContractError::MarketNotFound {
            market: "ETH-USD".to_string(),
        },
    );
}

// ----- keepers -----

#[test]
fn liquidate_bad_input() {
    let mut suite = setup();
    let (bob, carl) = (suite.addr("bob"), suite.addr("carl"));
    refused(
        &mut suite,
        &carl,
        &liquidate(bob.as_str()),
        &usdc(1),
        nonpayable(),
    );
    for bad in [
        "",
        "bob",
        "NOT AN ADDRESS",
        &bob.as_str().to_uppercase()[1..],
    ] {
        refused_std(&mut suite, &carl, &liquidate(bad), &[]);
    }
    refused(
        &mut suite,
        &bob,
        &liquidate(carl.as_str()),
        &[],
        no_position(&carl),
    );
    // bob is healthy: 19_899_999 + (1e8 - 100_000_101) = 19_899_898 >= ceil(5% * 1e8)
    refused(
        &mut suite,
        &carl,
        &liquidate(bob.as_str()),
        &[],
        ContractError::NotLiquidatable {
            equity: Int128::new(19_899_898),
            required: Uint128::new(5_000_000),
        },
    );
    // a healthy position cannot be liquidated by its owner either
    refused(
        &mut suite,
        &bob,
        &liquidate(bob.as_str()),
        &[],
        ContractError::NotLiquidatable {
            equity: Int128::new(19_899_898),
            required: Uint128::new(5_000_000),
        },
    );
    refused(
        &mut suite,
        &carl,
        &ExecuteMsg::Liquidate {
            market: "ETH-USD".to_string(),
            trader: bob.to_string(),
        },
        &[],
        ContractError::MarketNotFound {
            market: "ETH-USD".to_string(),
        },
    );
}

#[test]
fn settle_and_sweep_bad_input() {
    let mut suite = setup();
    let carl = suite.addr("carl");
    refused(&mut suite, &carl, &settle(), &usdc(1), nonpayable());
    refused(
        &mut suite,
        &carl,
        &settle(),
        &[],
        ContractError::FundingNotDue {},
    );
    refused(
        &mut suite,
        &carl,
        &ExecuteMsg::SettleFunding {
            market: "ETH-USD".to_string(),
        },
        &[],
        ContractError::MarketNotFound {
            market: "ETH-USD".to_string(),
        },
    );
    refused(
        &mut suite,
        &carl,
        &ExecuteMsg::SweepPremium {},
        &usdc(1),
        nonpayable(),
    );
    refused(
        &mut suite,
        &carl,
        &ExecuteMsg::SweepPremium {},
        &coins(1, ATOM),
        nonpayable(),
    );
}

// ----- oracle and governance -----

#[test]
fn push_price_bad_input() {
    let mut suite = setup();
    let (feeder, bob, governor) = (suite.feeder(), suite.addr("bob"), suite.governor.clone());
    let now = suite.app.block_info().time.seconds();
    suite.advance(5);
    let push = |price: Decimal256, publish_time: u64| ExecuteMsg::PushPrice {
        market: BTC.to_string(),
        price,
        publish_time,
    };
    let p = Decimal256::percent(10_100);
    refused(
        &mut suite,
        &feeder,
        &push(p, now + 5),
        &usdc(1),
        nonpayable(),
    );
    for who in [&bob, &governor] {
        refused(
            &mut suite,
            who,
            &push(p, now + 5),
            &[],
            ContractError::NotFeeder {
                market: BTC.to_string(),
            },
        );
    }
    refused(
        &mut suite,
        &feeder,
        &push(Decimal256::zero(), now + 5),
        &[],
        ContractError::ZeroPrice,
    );
    refused(
        &mut suite,
        &feeder,
        &push(p, u64::MAX),
        &[],
        ContractError::PriceFromFuture {
            publish_time: u64::MAX,
            now: now + 5,
        },
    );
    refused(
        &mut suite,
        &feeder,
        &push(p, 0),
        &[],
        ContractError::PriceNotNewer {
            publish_time: 0,
            last: now,
        },
    );
    // outside the market's min_price ..= max_price (0.001 ..= 1,000,000), and the extremes
    let (min, max) = (
        Decimal256::permille(1),
        Decimal256::from_ratio(1_000_000u128, 1u128),
    );
    for price in [
        Decimal256::raw(1),
        min - Decimal256::raw(1),
        max + Decimal256::raw(1),
        Decimal256::from_ratio(10u128.pow(30), 1u128),
        Decimal256::MAX,
    ] {
        refused(
            &mut suite,
            &feeder,
            &push(price, now + 5),
            &[],
            ContractError::PriceOutOfBounds { price, min, max },
        );
    }
}

#[test]
fn shock_messages_bad_input() {
    let mut suite = setup();
    let (bob, governor, guardian, feeder) = (
        suite.addr("bob"),
        suite.governor.clone(),
        suite.guardian.clone(),
        suite.feeder(),
    );
    let trigger = |market: &str| ExecuteMsg::TriggerShock {
        market: market.to_string(),
    };
    let end = |market: &str| ExecuteMsg::EndShock {
        market: market.to_string(),
    };
    for who in [&bob, &feeder] {
        refused(
            &mut suite,
            who,
            &trigger(BTC),
            &[],
            ContractError::NotGovernorOrGuardian,
        );
    }
    for who in [&governor, &guardian] {
        for funds in [usdc(1), coins(1, ATOM), vec![coin(1, ATOM), coin(1, DENOM)]] {
            refused(&mut suite, who, &trigger(BTC), &funds, nonpayable());
        }
        refused(
            &mut suite,
            who,
            &trigger("ETH-USD"),
            &[],
            ContractError::MarketNotFound {
                market: "ETH-USD".to_string(),
            },
        );
    }
    refused(
        &mut suite,
        &governor,
        &end(BTC),
        &[],
        ContractError::NoShock {
            market: BTC.to_string(),
        },
    );
    refused(
        &mut suite,
        &governor,
        &end("ETH-USD"),
        &[],
        ContractError::MarketNotFound {
            market: "ETH-USD".to_string(),
        },
    );
    // during a shock: only the governor ends it; margin removal is refused with its end
    suite.execute_engine(&guardian, &trigger(BTC), &[]).unwrap();
    let until = suite.now().seconds() + 3_600;
    for who in [&bob, &guardian, &feeder] {
        refused(&mut suite, who, &end(BTC), &[], not_owner());
    }
    refused(
        &mut suite,
        &bob,
        &remove_margin(1),
        &[],
        ContractError::MarketShocked {
            market: BTC.to_string(),
            until,
        },
    );
    refused(
        &mut suite,
        &bob,
        &remove_margin(u128::MAX),
        &[],
        ContractError::MarketShocked {
            market: BTC.to_string(),
            until,
        },
    );
}

#[test]
fn min_feeders_above_the_feeders_is_refused() {
    let mut suite = setup();
    let governor = suite.governor.clone();
    let feeders = suite.feeder_strings();
    let new_market = |feeders: Vec<String>, min_feeders: u32| {
        ExecuteMsg::AddMarket(NewMarket {
            id: "ETH-USD".to_string(),
            base_reserve: Uint128::new(1_000_000),
            quote_reserve: Uint128::new(1_000_000),
            feeders,
            params: MarketParams {
                min_feeders,
                ..default_market_params()
            },
        })
    };
    for (list, min) in [
        (vec![], 1),
        (feeders[..1].to_vec(), 2),
        // a repeated feeder counts once
        (vec![feeders[0].clone(), feeders[0].clone()], 2),
        (feeders.clone(), 4),
    ] {
        let count = list.iter().collect::<std::collections::BTreeSet<_>>().len() as u32;
        refused(
            &mut suite,
            &governor,
            &new_market(list, min),
            &[],
            ContractError::TooFewFeeders {
                min_feeders: min,
                feeders: count,
            },
        );
    }
    refused(
        &mut suite,
        &governor,
        &ExecuteMsg::UpdateMarket {
            market: BTC.to_string(),
            params: MarketParams {
                min_feeders: 4,
                ..default_market_params()
            },
        },
        &[],
        ContractError::TooFewFeeders {
            min_feeders: 4,
            feeders: 3,
        },
    );
    refused(
        &mut suite,
        &governor,
        &ExecuteMsg::SetFeeders {
            market: BTC.to_string(),
            feeders: feeders[..1].to_vec(),
        },
        &[],
        ContractError::TooFewFeeders {
            min_feeders: 2,
            feeders: 1,
        },
    );
}

#[test]
fn governor_messages_refuse_strangers_and_funds() {
    let mut suite = setup();
    let (bob, governor, guardian, feeder) = (
        suite.addr("bob"),
        suite.governor.clone(),
        suite.guardian.clone(),
        suite.feeder(),
    );
    for msg in governor_messages(&suite) {
        for who in [&bob, &guardian, &feeder] {
            refused(&mut suite, who, &msg, &[], not_owner());
        }
        refused(&mut suite, &governor, &msg, &usdc(1), nonpayable());
        refused(&mut suite, &governor, &msg, &coins(1, ATOM), nonpayable());
        refused(
            &mut suite,
            &governor,
            &msg,
            &[coin(1, ATOM), coin(1, DENOM)],
            nonpayable(),
        );
    }
    let pause = ExecuteMsg::SetPause(EnginePause {
        halted: true,
        ..Default::default()
    });
    refused(
        &mut suite,
        &bob,
        &pause,
        &[],
        ContractError::NotGovernorOrGuardian,
    );
    refused(
        &mut suite,
        &feeder,
        &pause,
        &[],
        ContractError::NotGovernorOrGuardian,
    );
    refused(
        &mut suite,
        &guardian,
        &pause,
        &[],
        ContractError::GuardianCannotUnpause,
    );
    refused(&mut suite, &governor, &pause, &usdc(1), nonpayable());
    refused(&mut suite, &guardian, &pause, &usdc(1), nonpayable());
    let accept = ExecuteMsg::UpdateOwnership(GovernorAction::AcceptOwnership);
    refused(
        &mut suite,
        &bob,
        &accept,
        &[],
        ContractError::Ownership(OwnershipError::TransferNotFound),
    );
    refused(&mut suite, &bob, &accept, &usdc(1), nonpayable());
}

#[test]
fn governor_messages_bad_values() {
    let mut suite = setup();
    let governor = suite.governor.clone();
    // u128::MAX reserves
    let msg = ExecuteMsg::AddMarket(NewMarket {
        id: "ETH-USD".to_string(),
        base_reserve: Uint128::MAX,
        quote_reserve: Uint128::MAX,
        feeders: vec![],
        params: default_market_params(),
    });
    let before = snap(&suite);
    match suite.execute_engine(&governor, &msg, &[]).unwrap_err() {
        ContractError::ParamOutOfRange { name, value, .. } => {
            assert_eq!((name, value), ("base_reserve", u128::MAX.to_string()));
        }
        err => panic!("{err:?}"),
    }
    assert_eq!(snap(&suite), before);
    for msg in [
        ExecuteMsg::AddMarket(NewMarket {
            id: "ETH-USD".to_string(),
            base_reserve: Uint128::new(1_000_000),
            quote_reserve: Uint128::new(1_000_000),
            feeders: vec!["bad feeder".to_string()],
            params: default_market_params(),
        }),
        ExecuteMsg::SetFeeders {
            market: BTC.to_string(),
            feeders: vec![suite.feeder().to_string(), "Bad".to_string()],
        },
        ExecuteMsg::UpdateConfig {
            fund: None,
            treasury: None,
            guardian: Some("guardian".to_string()),
        },
    ] {
        refused_std(&mut suite, &governor, &msg, &[]);
    }
    // cw-ownable validates the new owner itself
    let before = snap(&suite);
    let msg = ExecuteMsg::UpdateOwnership(GovernorAction::TransferOwnership {
        new_owner: "not an address".to_string(),
        expiry: None,
    });
    let err = suite.execute_engine(&governor, &msg, &[]).unwrap_err();
    assert!(
        matches!(err, ContractError::Ownership(OwnershipError::Std(_))),
        "{err:?}"
    );
    assert_eq!(snap(&suite), before);
    refused(
        &mut suite,
        &governor,
        &ExecuteMsg::WithdrawTreasury {},
        &[],
        ContractError::NoTreasuryFees,
    );
}

// ----- unknown JSON -----

#[test]
fn unknown_json_fields_and_variants() {
    let mut suite = setup();
    let (bob, governor, feeder) = (suite.addr("bob"), suite.governor.clone(), suite.feeder());
    let bob_s = bob.to_string();
    let cases: Vec<(&Addr, serde_json::Value, Vec<Coin>)> = vec![
        (
            &bob,
            json!({"trade": {"market": BTC, "size_delta": "1000000", "price_limit": null, "leverage": "5"}}),
            usdc(20_000_000),
        ),
        (
            &bob,
            json!({"close_position": {"market": BTC, "price_limit": null, "all": true}}),
            vec![],
        ),
        (
            &bob,
            json!({"add_margin": {"market": BTC, "amount": "5"}}),
            usdc(5),
        ),
        (
            &bob,
            json!({"remove_margin": {"market": BTC, "amount": "1", "to": bob_s}}),
            vec![],
        ),
        (
            &bob,
            json!({"liquidate": {"market": BTC, "trader": bob_s, "x": 1}}),
            vec![],
        ),
        (
            &bob,
            json!({"settle_funding": {"market": BTC, "x": 1}}),
            vec![],
        ),
        (&bob, json!({"sweep_premium": {"x": 1}}), vec![]),
        (
            &feeder,
            json!({"push_price": {"market": BTC, "price": "101", "publish_time": 1, "conf": "1"}}),
            vec![],
        ),
        (
            &governor,
            json!({"update_fees": {"fund_share_max": "0.5", "fund_share_min": "0.1", "sweep_threshold": "0", "x": 1}}),
            vec![],
        ),
        (
            &governor,
            json!({"set_pause": {"new_positions": true, "margin_removal": false, "liquidation": false, "halted": false, "everything": true}}),
            vec![],
        ),
        (
            &governor,
            json!({"update_config": {"fund": null, "treasury": null, "guardian": null, "remove_guardian": true}}),
            vec![],
        ),
        (
            &governor,
            json!({"set_feeders": {"market": BTC, "feeders": [], "x": 1}}),
            vec![],
        ),
        (
            &governor,
            json!({"withdraw_treasury": {"to": bob_s}}),
            vec![],
        ),
        (
            &governor,
            json!({"trigger_shock": {"market": BTC, "until": 1}}),
            vec![],
        ),
        (
            &governor,
            json!({"end_shock": {"market": BTC, "x": 1}}),
            vec![],
        ),
    ];
    for (who, msg, funds) in cases {
        refused_json(&mut suite, who, msg, &funds, "unknown field");
    }
    // nested unknown fields: market params and new market
    let mut params = serde_json::to_value(default_market_params()).unwrap();
    params["leverage"] = json!("100");
    refused_json(
        &mut suite,
        &governor,
        json!({"update_market": {"market": BTC, "params": params}}),
        &[],
        "unknown field",
    );
    refused_json(
        &mut suite,
        &governor,
        json!({"add_market": {"id": "ETH-USD", "base_reserve": "1000000", "quote_reserve": "1000000",
            "feeders": [], "params": default_market_params(), "oracle": "pyth"}}),
        &[],
        "unknown field",
    );
    // unknown variants, including a cw20 receive hook
    for msg in [
        json!({"receive": {"sender": bob_s, "amount": "1", "msg": ""}}),
        json!({"deposit": {}}),
        json!({"trade_all": {}}),
    ] {
        refused_json(&mut suite, &bob, msg, &[], "unknown variant");
    }
    // values out of the type's range or of the wrong type
    let too_big = u128::MAX.to_string();
    for msg in [
        json!({"trade": {"market": BTC, "size_delta": too_big, "price_limit": null}}),
        json!({"trade": {"market": BTC, "size_delta": 1000000, "price_limit": null}}),
        json!({"remove_margin": {"market": BTC, "amount": "-1"}}),
        json!({"remove_margin": {"market": BTC, "amount": "340282366920938463463374607431768211456"}}),
    ] {
        let before = snap(&suite);
        let engine = suite.engine.clone();
        let err = suite
            .app
            .execute_contract(bob.clone(), engine, &msg, &[])
            .map_err(into_engine_error)
            .unwrap_err();
        assert!(matches!(err, ContractError::Std(_)), "{msg}: {err:?}");
        assert_eq!(snap(&suite), before);
    }
}

// ----- repay deficit -----

#[test]
fn repay_deficit_bad_funds_and_amounts() {
    let mut suite = setup();
    let carl = suite.addr("carl");
    let msg = ExecuteMsg::RepayDeficit {};
    refused(
        &mut suite,
        &carl,
        &msg,
        &[],
        ContractError::Payment(PaymentError::NoFunds {}),
    );
    refused(
        &mut suite,
        &carl,
        &msg,
        &coins(1_000, ATOM),
        ContractError::Payment(PaymentError::MissingDenom(DENOM.to_string())),
    );
    refused(
        &mut suite,
        &carl,
        &msg,
        &[coin(1_000, ATOM), coin(1_000, DENOM)],
        ContractError::Payment(PaymentError::MultipleDenoms {}),
    );
    // No deficit: nothing may be repaid, not even one unit.
    refused(&mut suite, &carl, &msg, &usdc(1), ContractError::NoDeficit);
}

#[test]
fn claim_owed_with_funds_or_nothing_owed_is_refused() {
    let mut suite = setup();
    let carl = suite.addr("carl");
    let msg = ExecuteMsg::ClaimOwed {};
    refused(
        &mut suite,
        &carl,
        &msg,
        &usdc(1),
        ContractError::Payment(PaymentError::NonPayable {}),
    );
    refused(&mut suite, &carl, &msg, &[], ContractError::NothingOwed);
}

/// cw-ownable's `{"update_ownership": "renounce_ownership"}` (cw-ownable's own `Action`
/// serialized) from the governor and from bob: refused with the typed `RenounceNotOffered`
/// (on the code before it, a JSON parse error "unknown variant `renounce_ownership`"); the
/// engine keeps its governor and nothing else changes.
#[test]
fn renouncing_the_governor_role_is_refused_with_a_typed_error() {
    let mut suite = setup();
    let (governor, bob) = (suite.governor.clone(), suite.addr("bob"));
    let renounce = json!({ "update_ownership": cw_ownable::Action::RenounceOwnership });
    assert_eq!(
        renounce,
        json!({ "update_ownership": "renounce_ownership" })
    );
    for sender in [&governor, &bob] {
        let engine = suite.engine.clone();
        let err = assert_unchanged(&mut suite, snap, |s| {
            s.app
                .execute_contract(sender.clone(), engine, &renounce, &[])
                .map_err(into_engine_error)
        });
        assert_eq!(err, ContractError::RenounceNotOffered);
    }
    let ownership: Ownership<Addr> = suite
        .app
        .wrap()
        .query_wasm_smart(&suite.engine, &QueryMsg::Ownership {})
        .unwrap();
    assert_eq!(ownership.owner, Some(governor));
    suite.check_engine_invariants();
}
