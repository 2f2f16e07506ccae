//! The engine's oracle and governance messages: price pushes and feeders, markets and their
//! parameter ranges, the fee split, addresses, pause roles, treasury withdrawals, the two-step
//! governor transfer, instantiation errors and migration.

use cosmwasm_std::{coins, Addr, Decimal, Decimal256, Uint128};
use cw_multi_test::{AppResponse, Executor};
use cw_ownable::{Ownership, OwnershipError};
use cw_utils::PaymentError;
use perp_engine::ContractError;
use tranche_perps_testing::checks::{assert_refused, assert_unchanged};
use tranche_perps_testing::perp::{
    default_market_params, engine_contract, into_engine_error, FEEDERS,
};
use tranche_perps_testing::wasm_attrs;
use tranche_perps_testing::{Suite, DENOM, ONE};
use tranche_perps_types::engine::{
    EngineConfigResponse, EnginePause, EngineStateResponse, ExecuteMsg, FeeConfig, InstantiateMsg,
    MarketParams, MarketResponse, MigrateMsg, NewMarket, PositionResponse, QueryMsg,
};
use tranche_perps_types::fund::GovernorAction;
use tranche_perps_types::Expiration;

const BTC: &str = "BTC-USD";
const B0: u128 = 1_000_000_000_000;
const Q0: u128 = 100_000_000_000_000;

fn setup() -> Suite {
    let mut suite = Suite::builder()
        .with_underwriters(&["lp", "bob", "carl"], 10_000_000 * ONE)
        .with_perp_engine()
        .build();
    suite.add_market(BTC, B0, Q0).unwrap();
    suite.push_price(BTC, "100").unwrap();
    suite
}

fn engine_config(suite: &Suite) -> EngineConfigResponse {
    suite
        .app
        .wrap()
        .query_wasm_smart(&suite.engine, &QueryMsg::Config {})
        .unwrap()
}

fn ownership(suite: &Suite) -> Ownership<Addr> {
    suite
        .app
        .wrap()
        .query_wasm_smart(&suite.engine, &QueryMsg::Ownership {})
        .unwrap()
}

fn push(
    suite: &mut Suite,
    sender: &Addr,
    market: &str,
    price: &str,
    time: u64,
) -> Result<AppResponse, ContractError> {
    suite.execute_engine(
        sender,
        &ExecuteMsg::PushPrice {
            market: market.to_string(),
            price: price.parse().unwrap(),
            publish_time: time,
        },
        &[],
    )
}

fn gov(suite: &mut Suite, msg: ExecuteMsg) -> Result<AppResponse, ContractError> {
    let governor = suite.governor.clone();
    suite.execute_engine(&governor, &msg, &[])
}

/// A new market fed by the suite's feeders (the names of [`FEEDERS`]).
fn new_market(id: &str, base: u128, quote: u128, params: MarketParams) -> ExecuteMsg {
    let api = cosmwasm_std::testing::MockApi::default();
    ExecuteMsg::AddMarket(NewMarket {
        id: id.to_string(),
        base_reserve: Uint128::new(base),
        quote_reserve: Uint128::new(quote),
        feeders: FEEDERS.map(|f| api.addr_make(f).to_string()).to_vec(),
        params,
    })
}

/// Everything a refused action must leave untouched.
#[derive(Debug, PartialEq)]
struct Snap {
    config: EngineConfigResponse,
    state: EngineStateResponse,
    ownership: Ownership<Addr>,
    markets: Vec<MarketResponse>,
    positions: Vec<Option<PositionResponse>>,
    balances: Vec<u128>,
}

fn snap(suite: &Suite) -> Snap {
    let markets: tranche_perps_types::engine::MarketsResponse = suite
        .app
        .wrap()
        .query_wasm_smart(
            &suite.engine,
            &QueryMsg::Markets {
                start_after: None,
                limit: Some(30),
            },
        )
        .unwrap();
    let who = [
        suite.addr("bob"),
        suite.addr("carl"),
        suite.treasury(),
        suite.engine.clone(),
        suite.fund.clone(),
    ];
    Snap {
        config: engine_config(suite),
        state: suite.engine_state(),
        ownership: ownership(suite),
        positions: markets
            .markets
            .iter()
            .flat_map(|m| who.iter().map(|w| suite.position(&m.id, w)))
            .collect(),
        markets: markets.markets,
        balances: who.iter().map(|w| suite.balance(w)).collect(),
    }
}

fn refused(
    suite: &mut Suite,
    expected: ContractError,
    act: impl FnOnce(&mut Suite) -> Result<AppResponse, ContractError>,
) {
    assert_refused(suite, snap, expected, act);
}

/// Like `refused`, for errors that only carry text (address validation).
fn refused_std(
    suite: &mut Suite,
    act: impl FnOnce(&mut Suite) -> Result<AppResponse, ContractError>,
) {
    let err = assert_unchanged(suite, snap, act);
    assert!(matches!(err, ContractError::Std(_)), "{err:?}");
}

// ----- oracle -----

#[test]
fn push_price_errors() {
    let mut suite = setup();
    let feeder = suite.feeder();
    let bob = suite.addr("bob");
    let t0 = suite.now().seconds();
    suite.advance(10);
    let t = suite.now().seconds();
    refused(
        &mut suite,
        ContractError::NotFeeder {
            market: BTC.to_string(),
        },
        |s| push(s, &bob, BTC, "101", t),
    );
    refused(&mut suite, ContractError::ZeroPrice, |s| {
        push(s, &feeder, BTC, "0", t)
    });
    refused(
        &mut suite,
        ContractError::PriceFromFuture {
            publish_time: t + 1,
            now: t,
        },
        |s| push(s, &feeder, BTC, "101", t + 1),
    );
    refused(
        &mut suite,
        ContractError::PriceNotNewer {
            publish_time: t0,
            last: t0,
        },
        |s| push(s, &feeder, BTC, "101", t0),
    );
    refused(
        &mut suite,
        ContractError::PriceNotNewer {
            publish_time: t0 - 1,
            last: t0,
        },
        |s| push(s, &feeder, BTC, "101", t0 - 1),
    );
    refused(
        &mut suite,
        ContractError::MarketNotFound {
            market: "ETH-USD".to_string(),
        },
        |s| push(s, &feeder, "ETH-USD", "101", t),
    );
    // one second newer than the feeder's own last is accepted and recorded; the index is the
    // median of the two fresh prices nearest the last index (100), so one feeder alone does
    // not move it
    let feeder2 = suite.feeders()[1].clone();
    push(&mut suite, &feeder, BTC, "101.5", t0 + 1).unwrap();
    let m = suite.market(BTC);
    assert_eq!(m.index_price, Some("100".parse().unwrap()));
    assert_eq!(m.index_publish_time, Some(t0));
    // the second feeder agrees: the index moves, published at the 2nd newest time
    push(&mut suite, &feeder2, BTC, "101.5", t0 + 1).unwrap();
    let m = suite.market(BTC);
    assert_eq!(m.index_price, Some("101.5".parse().unwrap()));
    assert_eq!(m.index_publish_time, Some(t0 + 1));
    push(&mut suite, &feeder, BTC, "99", t).unwrap();
    assert_eq!(
        suite.market(BTC).index_price,
        Some("101.5".parse().unwrap())
    );
    assert_eq!(suite.market(BTC).index_publish_time, Some(t0 + 1));
    push(&mut suite, &feeder2, BTC, "99", t).unwrap();
    assert_eq!(suite.market(BTC).index_price, Some("99".parse().unwrap()));
    assert_eq!(suite.market(BTC).index_publish_time, Some(t));
}

#[test]
fn old_but_newer_price_is_accepted_and_stale() {
    let mut suite = setup();
    let feeders = suite.feeders();
    let bob = suite.addr("bob");
    let t0 = suite.now().seconds();
    suite.advance(1_000);
    let t = suite.now().seconds();
    // published 601 s ago: accepted (newer than each feeder's last) but already stale, so
    // the index keeps its own (stale) publish time
    for feeder in &feeders[..2] {
        push(&mut suite, feeder, BTC, "100", t - 601).unwrap();
    }
    let err = suite.trade(&bob, BTC, 1_000_000, 20_000_000).unwrap_err();
    assert_eq!(
        err,
        ContractError::StalePrice {
            market: BTC.to_string(),
            publish_time: t0,
            max_age: 600,
            now: t,
        }
    );
    for feeder in &feeders[..2] {
        push(&mut suite, feeder, BTC, "100", t - 600).unwrap();
    }
    assert_eq!(suite.market(BTC).index_publish_time, Some(t - 600));
    suite.trade(&bob, BTC, 1_000_000, 20_000_000).unwrap();
}

#[test]
fn set_feeders_replaces_feeders() {
    let mut suite = setup();
    let (feeder, alice, dave, bob) = (
        suite.feeder(),
        suite.addr("alice"),
        suite.addr("dave"),
        suite.addr("bob"),
    );
    let set = |feeders: Vec<String>| ExecuteMsg::SetFeeders {
        market: BTC.to_string(),
        feeders,
    };
    refused(
        &mut suite,
        ContractError::Ownership(OwnershipError::NotOwner),
        |s| s.execute_engine(&bob, &set(vec![bob.to_string()]), &[]),
    );
    let eleven: Vec<String> = (0..11)
        .map(|i| suite.addr(&format!("f{i}")).to_string())
        .collect();
    let before = snap(&suite);
    match gov(&mut suite, set(eleven)).unwrap_err() {
        ContractError::ParamOutOfRange { name, value, .. } => {
            assert_eq!((name, value.as_str()), ("feeders", "11"));
        }
        err => panic!("{err:?}"),
    }
    assert_eq!(snap(&suite), before);
    refused_std(&mut suite, |s| {
        gov(s, set(vec!["not-an-address".to_string()]))
    });
    refused(
        &mut suite,
        ContractError::MarketNotFound {
            market: "ETH-USD".to_string(),
        },
        |s| {
            gov(
                s,
                ExecuteMsg::SetFeeders {
                    market: "ETH-USD".to_string(),
                    feeders: vec![],
                },
            )
        },
    );
    // ten is the most
    let ten: Vec<String> = (0..10)
        .map(|i| suite.addr(&format!("f{i}")).to_string())
        .collect();
    gov(&mut suite, set(ten)).unwrap();
    assert_eq!(suite.market(BTC).feeders.len(), 10);

    gov(&mut suite, set(vec![alice.to_string(), dave.to_string()])).unwrap();
    let mut expected = vec![alice.clone(), dave.clone()];
    expected.sort();
    assert_eq!(suite.market(BTC).feeders, expected);
    suite.advance(5);
    let t = suite.now().seconds();
    refused(
        &mut suite,
        ContractError::NotFeeder {
            market: BTC.to_string(),
        },
        |s| push(s, &feeder, BTC, "101", t),
    );
    // the removed feeders' prices are gone: alice alone is too few fresh prices
    push(&mut suite, &alice, BTC, "101", t).unwrap();
    assert_eq!(suite.market(BTC).index_price, Some("100".parse().unwrap()));
    // the same publish time from another feeder is accepted: no feeder shuts another out
    push(&mut suite, &dave, BTC, "102", t).unwrap();
    assert_eq!(suite.market(BTC).index_price, Some("101".parse().unwrap()));
    assert_eq!(suite.market(BTC).index_publish_time, Some(t));
    // fewer feeders than min_feeders (2) are refused
    for feeders in [vec![], vec![alice.to_string()]] {
        let count = feeders.len() as u32;
        refused(
            &mut suite,
            ContractError::TooFewFeeders {
                min_feeders: 2,
                feeders: count,
            },
            |s| gov(s, set(feeders)),
        );
    }
    // a duplicate counts once
    refused(
        &mut suite,
        ContractError::TooFewFeeders {
            min_feeders: 2,
            feeders: 1,
        },
        |s| gov(s, set(vec![alice.to_string(), alice.to_string()])),
    );
}

// ----- markets -----

/// One out-of-range value of one parameter and the name the engine must report.
fn bad_params() -> Vec<(&'static str, MarketParams, String)> {
    let d = default_market_params;
    let eps = Decimal::raw(1);
    let p = |f: &dyn Fn(&mut MarketParams)| {
        let mut params = d();
        f(&mut params);
        params
    };
    let mut cases: Vec<(&'static str, MarketParams, String)> = vec![];
    let mut dec = |name: &'static str, value: Decimal, f: &dyn Fn(&mut MarketParams, Decimal)| {
        cases.push((name, p(&|m| f(m, value)), value.to_string()));
    };
    dec(
        "maintenance_margin_ratio",
        Decimal::permille(5) - eps,
        &|m, v| m.maintenance_margin_ratio = v,
    );
    dec(
        "maintenance_margin_ratio",
        Decimal::percent(50) + eps,
        &|m, v| m.maintenance_margin_ratio = v,
    );
    // initial must be strictly above maintenance (5%) and at most 1
    dec("initial_margin_ratio", Decimal::percent(5), &|m, v| {
        m.initial_margin_ratio = v
    });
    dec("initial_margin_ratio", Decimal::one() + eps, &|m, v| {
        m.initial_margin_ratio = v
    });
    dec("taker_fee", Decimal::percent(5) + eps, &|m, v| {
        m.taker_fee = v
    });
    dec("liquidation_fee", Decimal::percent(10) + eps, &|m, v| {
        m.liquidation_fee = v
    });
    dec("keeper_share", Decimal::one() + eps, &|m, v| {
        m.keeper_share = v
    });
    dec("max_spread", Decimal::permille(1) - eps, &|m, v| {
        m.max_spread = v
    });
    dec("max_spread", Decimal::percent(50) + eps, &|m, v| {
        m.max_spread = v
    });
    dec("funding_factor", Decimal::percent(1000) + eps, &|m, v| {
        m.funding_factor = v
    });
    dec("max_funding_rate", Decimal::percent(5) + eps, &|m, v| {
        m.max_funding_rate = v
    });
    dec(
        "liquidation_depth",
        Decimal::raw(10_000_000_000_000) - eps,
        &|m, v| m.liquidation_depth = v,
    );
    dec("liquidation_depth", Decimal::percent(5) + eps, &|m, v| {
        m.liquidation_depth = v
    });
    cases.push((
        "min_notional",
        p(&|m| m.min_notional = Uint128::zero()),
        "0".into(),
    ));
    cases.push((
        "max_long_oi",
        p(&|m| m.max_long_oi = Uint128::zero()),
        "0".into(),
    ));
    cases.push((
        "max_short_oi",
        p(&|m| m.max_short_oi = Uint128::zero()),
        "0".into(),
    ));
    for v in [59, 86_401] {
        cases.push((
            "funding_interval_seconds",
            p(&|m| m.funding_interval_seconds = v),
            v.to_string(),
        ));
    }
    for v in [4, 86_401] {
        cases.push((
            "oracle_max_age_seconds",
            p(&|m| m.oracle_max_age_seconds = v),
            v.to_string(),
        ));
    }
    // At most keeper_share * liquidation_fee * min_notional = 50% * 2% * 10 USDC = 0.1 USDC.
    cases.push((
        "min_keeper_reward",
        p(&|m| m.min_keeper_reward = Uint128::new(100_001)),
        "100001".into(),
    ));
    for v in [0, 11] {
        cases.push(("min_feeders", p(&|m| m.min_feeders = v), v.to_string()));
    }
    for v in [Decimal::raw(999_999_999_999_999), Decimal::one() + eps] {
        cases.push((
            "max_index_move",
            p(&|m| m.max_index_move = Some(v)),
            v.to_string(),
        ));
    }
    let ceiling = Decimal256::from_ratio(10u128.pow(18), 1u128);
    let eps256 = Decimal256::raw(1);
    for v in [Decimal256::zero(), ceiling + eps256] {
        cases.push(("min_price", p(&|m| m.min_price = v), v.to_string()));
    }
    for (min, max) in [
        // above the ceiling; equal to min_price; below min_price
        (Decimal256::one(), ceiling + eps256),
        (Decimal256::one(), Decimal256::one()),
        (Decimal256::one(), Decimal256::one() - eps256),
    ] {
        cases.push((
            "max_price",
            p(&|m| {
                m.min_price = min;
                m.max_price = max;
            }),
            max.to_string(),
        ));
    }
    // (max_long_oi + max_short_oi) * max_price above (2^128-1) / 20: a sweep could overflow
    cases.push((
        "max_price",
        p(&|m| {
            m.max_long_oi = Uint128::MAX;
            m.min_price = Decimal256::permille(1);
            m.max_price = Decimal256::one();
        }),
        "1".into(),
    ));
    for v in [Decimal::percent(1) - eps, Decimal::one() + eps] {
        cases.push(("shock_move", p(&|m| m.shock_move = v), v.to_string()));
    }
    for v in [59, 86_401] {
        cases.push((
            "shock_window_seconds",
            p(&|m| m.shock_window_seconds = v),
            v.to_string(),
        ));
        cases.push((
            "shock_pause_seconds",
            p(&|m| m.shock_pause_seconds = v),
            v.to_string(),
        ));
    }
    cases
}

/// Every parameter at each edge of its range.
fn edge_params() -> Vec<MarketParams> {
    let eps = Decimal::raw(1);
    let p = |f: &dyn Fn(&mut MarketParams)| {
        let mut params = default_market_params();
        f(&mut params);
        params
    };
    vec![
        p(&|m| {
            m.maintenance_margin_ratio = Decimal::permille(5);
            m.initial_margin_ratio = Decimal::permille(5) + eps;
        }),
        p(&|m| {
            m.maintenance_margin_ratio = Decimal::percent(50);
            m.initial_margin_ratio = Decimal::one();
        }),
        p(&|m| {
            m.taker_fee = Decimal::zero();
            m.liquidation_fee = Decimal::zero();
            m.keeper_share = Decimal::zero();
            m.funding_factor = Decimal::zero();
            m.max_funding_rate = Decimal::zero();
            m.max_spread = Decimal::permille(1);
            m.min_notional = Uint128::one();
            m.max_long_oi = Uint128::one();
            m.max_short_oi = Uint128::one();
            m.funding_interval_seconds = 60;
            m.oracle_max_age_seconds = 5;
            m.liquidation_depth = Decimal::raw(10_000_000_000_000);
            m.min_keeper_reward = Uint128::zero();
            m.min_feeders = 1;
            m.max_index_move = Some(Decimal::permille(1));
            m.min_price = Decimal256::raw(1);
            m.max_price = Decimal256::raw(2);
            m.shock_move = Decimal::percent(1);
            m.shock_window_seconds = 60;
            m.shock_pause_seconds = 60;
        }),
        p(&|m| {
            m.taker_fee = Decimal::percent(5);
            m.liquidation_fee = Decimal::percent(10);
            m.keeper_share = Decimal::one();
            m.funding_factor = Decimal::percent(1000);
            m.max_funding_rate = Decimal::percent(5);
            m.max_spread = Decimal::percent(50);
            m.min_notional = Uint128::MAX;
            m.max_long_oi = Uint128::MAX;
            m.max_short_oi = Uint128::MAX;
            m.funding_interval_seconds = 86_400;
            m.oracle_max_age_seconds = 86_400;
            m.liquidation_depth = Decimal::percent(5);
            // floor(floor((2^128 - 1) * 10%) * 100%)
            m.min_keeper_reward = Uint128::MAX.mul_floor(Decimal::percent(10));
            // every feeder the market has (10 is the bound's edge, with 10 feeders); the most
            // max_price with open-interest caps at 2^128-1 is (2^128-1) / 20 / (2 (2^128-1))
            m.min_feeders = 3;
            m.max_index_move = Some(Decimal::one());
            m.min_price = Decimal256::raw(1);
            m.max_price = Decimal256::raw(24_999_999_999_999_999);
            m.shock_move = Decimal::one();
            m.shock_window_seconds = 86_400;
            m.shock_pause_seconds = 86_400;
        }),
        // the price ceiling with the default open-interest caps; no index-move bound
        p(&|m| {
            m.min_price = Decimal256::from_ratio(10u128.pow(18), 1u128) - Decimal256::raw(1);
            m.max_price = Decimal256::from_ratio(10u128.pow(18), 1u128);
            m.max_index_move = None;
        }),
    ]
}

fn expect_out_of_range(err: ContractError, name: &str, value: &str) {
    match err {
        ContractError::ParamOutOfRange {
            name: got,
            value: got_value,
            ..
        } => assert_eq!((got, got_value.as_str()), (name, value)),
        err => panic!("expected {name} out of range, got {err:?}"),
    }
}

#[test]
fn add_market_rejects_every_parameter_out_of_range() {
    let mut suite = setup();
    for (name, params, value) in bad_params() {
        let before = snap(&suite);
        let err = gov(&mut suite, new_market("ETH-USD", B0, Q0, params.clone())).unwrap_err();
        expect_out_of_range(err, name, &value);
        assert_eq!(snap(&suite), before);
        // UpdateMarket validates the same way
        let err = gov(
            &mut suite,
            ExecuteMsg::UpdateMarket {
                market: BTC.to_string(),
                params,
            },
        )
        .unwrap_err();
        expect_out_of_range(err, name, &value);
        assert_eq!(snap(&suite), before);
    }
}

#[test]
fn parameters_at_their_edges_are_accepted() {
    let mut suite = setup();
    for (i, params) in edge_params().into_iter().enumerate() {
        gov(
            &mut suite,
            ExecuteMsg::UpdateMarket {
                market: BTC.to_string(),
                params: params.clone(),
            },
        )
        .unwrap();
        assert_eq!(suite.market(BTC).params, params);
        let id = format!("EDGE-{i}");
        suite.add_market_with(&id, B0, Q0, params.clone()).unwrap();
        assert_eq!(suite.market(&id).params, params);
    }
}

#[test]
fn add_market_reserves_out_of_range() {
    let mut suite = setup();
    let d = default_market_params;
    let limit: u128 = 1_000_000_000_000_000_000_000_000;
    for (base, quote, name, value) in [
        (999, Q0, "base_reserve", 999),
        (limit + 1, Q0, "base_reserve", limit + 1),
        (0, Q0, "base_reserve", 0),
        (B0, 999, "quote_reserve", 999),
        (B0, limit + 1, "quote_reserve", limit + 1),
        (B0, 0, "quote_reserve", 0),
    ] {
        let before = snap(&suite);
        let err = gov(&mut suite, new_market("ETH-USD", base, quote, d())).unwrap_err();
        expect_out_of_range(err, name, &value.to_string());
        assert_eq!(snap(&suite), before);
    }
    // the edges are accepted
    suite.add_market("LOW-USD", 1_000, 1_000).unwrap();
    suite.add_market("HIGH-USD", limit, limit).unwrap();
    suite.add_market("MIX-USD", 1_000, limit).unwrap();
    let m = suite.market("MIX-USD");
    assert_eq!(m.base_reserve.u128(), 1_000);
    assert_eq!(m.quote_reserve.u128(), limit);
    assert_eq!(m.base_reserve_start.u128(), 1_000);
}

#[test]
fn add_market_ids_duplicates_owner_and_count() {
    let mut suite = setup();
    let d = default_market_params;
    for id in [
        "",
        "AB",
        "ABCDEFGHIJKLMNOPQRSTU", // 21 characters
        "BTC/USD",
        "BTC_USD",
        "BTC USD",
        "BTC-USDé",
        "btc.usd",
    ] {
        refused(
            &mut suite,
            ContractError::InvalidMarketId {
                market: id.to_string(),
            },
            |s| gov(s, new_market(id, B0, Q0, d())),
        );
    }
    refused(
        &mut suite,
        ContractError::MarketExists {
            market: BTC.to_string(),
        },
        |s| gov(s, new_market(BTC, B0, Q0, d())),
    );
    let bob = suite.addr("bob");
    refused(
        &mut suite,
        ContractError::Ownership(OwnershipError::NotOwner),
        |s| s.execute_engine(&bob, &new_market("ETH-USD", B0, Q0, d()), &[]),
    );
    let guardian = suite.guardian.clone();
    refused(
        &mut suite,
        ContractError::Ownership(OwnershipError::NotOwner),
        |s| s.execute_engine(&guardian, &new_market("ETH-USD", B0, Q0, d()), &[]),
    );
    // 3 and 20 characters are valid; ids are case-sensitive
    suite.add_market("ABC", B0, Q0).unwrap();
    suite.add_market("ABCDEFGHIJKLMNOPQRST", B0, Q0).unwrap();
    suite.add_market("btc-usd", B0, Q0).unwrap();
    // the fresh market starts with no price, no interest and the given feeders
    let m = suite.market("ABC");
    assert_eq!(m.index_price, None);
    assert_eq!(m.index_publish_time, None);
    let mut feeders = suite.feeders();
    feeders.sort();
    assert_eq!(m.feeders, feeders);
    assert_eq!(m.mark_price, Decimal256::from_ratio(100u128, 1u128));
    assert_eq!(m.last_funding_time, suite.app.block_info().time);
    // at most 20 markets
    for i in 4..20 {
        suite.add_market(&format!("M{i:02}-USD"), B0, Q0).unwrap();
    }
    refused(&mut suite, ContractError::TooManyMarkets { max: 20 }, |s| {
        gov(s, new_market("ETH-USD", B0, Q0, d()))
    });
}

#[test]
fn update_market_takes_effect() {
    let mut suite = setup();
    let bob = suite.addr("bob");
    let params = MarketParams {
        min_notional: Uint128::new(200_000_000),
        ..default_market_params()
    };
    let update = |params: MarketParams| ExecuteMsg::UpdateMarket {
        market: BTC.to_string(),
        params,
    };
    refused(
        &mut suite,
        ContractError::Ownership(OwnershipError::NotOwner),
        |s| s.execute_engine(&bob, &update(params.clone()), &[]),
    );
    refused(
        &mut suite,
        ContractError::MarketNotFound {
            market: "ETH-USD".to_string(),
        },
        |s| {
            gov(
                s,
                ExecuteMsg::UpdateMarket {
                    market: "ETH-USD".to_string(),
                    params: default_market_params(),
                },
            )
        },
    );
    let before = suite.market(BTC);
    gov(&mut suite, update(params.clone())).unwrap();
    let after = suite.market(BTC);
    assert_eq!(after.params, params);
    // only the parameters changed
    assert_eq!(
        MarketResponse {
            params: before.params.clone(),
            ..after
        },
        before
    );
    // 1e6 base at 100 is 1e8 < 2e8
    assert_eq!(
        suite.trade(&bob, BTC, 1_000_000, 50_000_000).unwrap_err(),
        ContractError::BelowMinNotional {
            notional: Uint128::new(100_000_000),
            min: Uint128::new(200_000_000),
        }
    );
    suite.trade(&bob, BTC, 2_000_000, 50_000_000).unwrap();
}

// ----- fees and config -----

#[test]
fn update_fees() {
    let mut suite = setup();
    let bob = suite.addr("bob");
    let fees = FeeConfig {
        fund_share_max: Decimal::percent(60),
        fund_share_min: Decimal::percent(20),
        sweep_threshold: Uint128::new(1_000_000),
    };
    refused(
        &mut suite,
        ContractError::Ownership(OwnershipError::NotOwner),
        |s| s.execute_engine(&bob, &ExecuteMsg::UpdateFees(fees.clone()), &[]),
    );
    let before = snap(&suite);
    let err = gov(
        &mut suite,
        ExecuteMsg::UpdateFees(FeeConfig {
            fund_share_min: Decimal::percent(60) + Decimal::raw(1),
            ..fees.clone()
        }),
    )
    .unwrap_err();
    expect_out_of_range(err, "fund_share_min", "0.600000000000000001");
    let err = gov(
        &mut suite,
        ExecuteMsg::UpdateFees(FeeConfig {
            fund_share_max: Decimal::one() + Decimal::raw(1),
            ..fees.clone()
        }),
    )
    .unwrap_err();
    expect_out_of_range(err, "fund_share_max", "1.000000000000000001");
    assert_eq!(snap(&suite), before);
    gov(&mut suite, ExecuteMsg::UpdateFees(fees.clone())).unwrap();
    assert_eq!(engine_config(&suite).fees, fees);
    // min == max and max == 1 are allowed
    let flat = FeeConfig {
        fund_share_max: Decimal::one(),
        fund_share_min: Decimal::one(),
        sweep_threshold: Uint128::zero(),
    };
    gov(&mut suite, ExecuteMsg::UpdateFees(flat.clone())).unwrap();
    assert_eq!(engine_config(&suite).fees, flat);
}

#[test]
fn update_config() {
    let mut suite = setup();
    let (bob, alice, dave) = (suite.addr("bob"), suite.addr("alice"), suite.addr("dave"));
    let msg = |fund: Option<&Addr>, treasury: Option<&Addr>, guardian: Option<&Addr>| {
        ExecuteMsg::UpdateConfig {
            fund: fund.map(|a| a.to_string()),
            treasury: treasury.map(|a| a.to_string()),
            guardian: guardian.map(|a| a.to_string()),
        }
    };
    refused(
        &mut suite,
        ContractError::Ownership(OwnershipError::NotOwner),
        |s| s.execute_engine(&bob, &msg(None, Some(&bob), None), &[]),
    );
    for bad in [
        ExecuteMsg::UpdateConfig {
            fund: Some("nope".into()),
            treasury: None,
            guardian: None,
        },
        ExecuteMsg::UpdateConfig {
            fund: None,
            treasury: Some("NOT A VALID ADDRESS".into()),
            guardian: None,
        },
        ExecuteMsg::UpdateConfig {
            fund: None,
            treasury: Some(alice.to_string()),
            guardian: Some(String::new()),
        },
    ] {
        refused_std(&mut suite, |s| gov(s, bad));
    }
    let before = engine_config(&suite);
    gov(&mut suite, msg(None, Some(&alice), Some(&dave))).unwrap();
    let after = engine_config(&suite);
    assert_eq!(after.treasury, alice);
    assert_eq!(after.guardian, Some(dave.clone()));
    assert_eq!(after.fund, before.fund);
    // nothing given: nothing changes
    gov(&mut suite, msg(None, None, None)).unwrap();
    assert_eq!(engine_config(&suite), after);
    // the new guardian has the guardian's role, the old one none
    let old_guardian = suite.guardian.clone();
    let pause = EnginePause {
        new_positions: true,
        ..Default::default()
    };
    refused(&mut suite, ContractError::NotGovernorOrGuardian, |s| {
        s.execute_engine(&old_guardian, &ExecuteMsg::SetPause(pause), &[])
    });
    suite
        .execute_engine(&dave, &ExecuteMsg::SetPause(pause), &[])
        .unwrap();
    // the fund can be repointed (here to the same fund)
    let fund = suite.fund.clone();
    gov(&mut suite, msg(Some(&fund), None, None)).unwrap();
    assert_eq!(engine_config(&suite).fund, fund);
}

#[test]
fn set_pause_roles() {
    let mut suite = setup();
    let guardian = suite.guardian.clone();
    let bob = suite.addr("bob");
    let pause = |n, m, l, h| EnginePause {
        new_positions: n,
        margin_removal: m,
        liquidation: l,
        halted: h,
    };
    let set = |p| ExecuteMsg::SetPause(p);
    refused(&mut suite, ContractError::NotGovernorOrGuardian, |s| {
        s.execute_engine(&bob, &set(pause(true, false, false, false)), &[])
    });
    // the guardian may switch each of the three on, alone or together
    suite
        .execute_engine(&guardian, &set(pause(true, false, false, false)), &[])
        .unwrap();
    assert_eq!(
        engine_config(&suite).pause,
        pause(true, false, false, false)
    );
    suite
        .execute_engine(&guardian, &set(pause(true, true, true, false)), &[])
        .unwrap();
    assert_eq!(engine_config(&suite).pause, pause(true, true, true, false));
    // the same state again is not an unpause
    suite
        .execute_engine(&guardian, &set(pause(true, true, true, false)), &[])
        .unwrap();
    // ... but may not switch any off, nor touch `halted`
    for p in [
        pause(false, true, true, false),
        pause(true, false, true, false),
        pause(true, true, false, false),
        pause(true, true, true, true),
        pause(false, false, false, false),
    ] {
        refused(&mut suite, ContractError::GuardianCannotUnpause, |s| {
            s.execute_engine(&guardian, &set(p), &[])
        });
    }
    // the governor halts; the guardian cannot lift the halt
    gov(&mut suite, set(pause(true, true, true, true))).unwrap();
    refused(&mut suite, ContractError::GuardianCannotUnpause, |s| {
        s.execute_engine(&guardian, &set(pause(true, true, true, false)), &[])
    });
    // the governor may switch everything off
    gov(&mut suite, set(pause(false, false, false, false))).unwrap();
    assert_eq!(engine_config(&suite).pause, EnginePause::default());
    // halting without the other switches is the governor's only
    refused(&mut suite, ContractError::GuardianCannotUnpause, |s| {
        s.execute_engine(&guardian, &set(pause(false, false, false, true)), &[])
    });
}

#[test]
fn withdraw_treasury() {
    let mut suite = setup();
    let (bob, carl) = (suite.addr("bob"), suite.addr("carl"));
    let treasury = suite.treasury();
    refused(&mut suite, ContractError::NoTreasuryFees, |s| {
        gov(s, ExecuteMsg::WithdrawTreasury {})
    });
    // bob opens: fee ceil(100_000_101 / 1000) = 100_001, unsplit until a sweep
    suite.trade(&bob, BTC, 1_000_000, 20_000_000).unwrap();
    assert_eq!(suite.engine_state().unsplit_fees.u128(), 100_001);
    refused(&mut suite, ContractError::NoTreasuryFees, |s| {
        gov(s, ExecuteMsg::WithdrawTreasury {})
    });
    // first sweep: open interest now 1e6 * 100 = 1e8 (none reported yet), target
    // ceil(1e8 * 10%) = 1e7, empty fund: coverage 0 < 1 -> maximum share 50%:
    // ceil(100_001 / 2) = 50_001 to the fund (its reserve), 50_000 to the treasury
    suite.sweep_premium(&carl).unwrap();
    let state = suite.engine_state();
    assert_eq!(state.unsplit_fees.u128(), 0);
    assert_eq!(state.pending_premium.u128(), 0);
    assert_eq!(state.treasury_fees.u128(), 50_000);
    assert_eq!(suite.state().reserve.u128(), 50_001);
    // second trade: carl sells 1e6 from 999_999_000_000 for 100_000_101, fee 100_001
    suite.trade(&carl, BTC, -1_000_000, 20_000_000).unwrap();
    // open interest 2e8: target 2e7, assets 50_001, coverage < 1 -> 50%: 50_001 to the fund,
    // 50_000 to the treasury
    suite.sweep_premium(&carl).unwrap();
    assert_eq!(suite.engine_state().treasury_fees.u128(), 100_000);
    assert_eq!(suite.state().reserve.u128(), 100_002);
    refused(
        &mut suite,
        ContractError::Ownership(OwnershipError::NotOwner),
        |s| s.execute_engine(&bob, &ExecuteMsg::WithdrawTreasury {}, &[]),
    );
    let guardian = suite.guardian.clone();
    refused(
        &mut suite,
        ContractError::Ownership(OwnershipError::NotOwner),
        |s| s.execute_engine(&guardian, &ExecuteMsg::WithdrawTreasury {}, &[]),
    );
    let engine_before = suite.balance(&suite.engine.clone());
    let res = gov(&mut suite, ExecuteMsg::WithdrawTreasury {}).unwrap();
    assert!(res.events.iter().any(|e| e.ty == "wasm"
        && e.attributes
            .iter()
            .any(|a| a.key == "amount" && a.value == "100000")));
    assert_eq!(suite.balance(&treasury), 100_000);
    assert_eq!(
        suite.balance(&suite.engine.clone()),
        engine_before - 100_000
    );
    assert_eq!(suite.engine_state().treasury_fees.u128(), 0);
    refused(&mut suite, ContractError::NoTreasuryFees, |s| {
        gov(s, ExecuteMsg::WithdrawTreasury {})
    });
}

#[test]
fn two_step_ownership_transfer() {
    let mut suite = setup();
    let (alice, bob) = (suite.addr("alice"), suite.addr("bob"));
    let old = suite.governor.clone();
    let transfer = |to: &Addr, expiry| {
        ExecuteMsg::UpdateOwnership(GovernorAction::TransferOwnership {
            new_owner: to.to_string(),
            expiry,
        })
    };
    let accept = ExecuteMsg::UpdateOwnership(GovernorAction::AcceptOwnership);
    refused(
        &mut suite,
        ContractError::Ownership(OwnershipError::TransferNotFound),
        |s| s.execute_engine(&alice, &accept, &[]),
    );
    refused(
        &mut suite,
        ContractError::Ownership(OwnershipError::NotOwner),
        |s| s.execute_engine(&bob, &transfer(&bob, None), &[]),
    );
    // an offer that lapses
    let height = suite.app.block_info().height;
    gov(
        &mut suite,
        transfer(&alice, Some(Expiration::AtHeight(height + 1))),
    )
    .unwrap();
    suite.advance(5);
    refused(
        &mut suite,
        ContractError::Ownership(OwnershipError::TransferExpired),
        |s| s.execute_engine(&alice, &accept, &[]),
    );
    gov(&mut suite, transfer(&alice, None)).unwrap();
    let o = ownership(&suite);
    assert_eq!(o.owner, Some(old.clone()));
    assert_eq!(o.pending_owner, Some(alice.clone()));
    // the governor is still the governor until alice accepts
    suite.add_market("ETH-USD", B0, Q0).unwrap();
    refused(
        &mut suite,
        ContractError::Ownership(OwnershipError::NotPendingOwner),
        |s| s.execute_engine(&bob, &accept, &[]),
    );
    suite.execute_engine(&alice, &accept, &[]).unwrap();
    let o = ownership(&suite);
    assert_eq!(o.owner, Some(alice.clone()));
    assert_eq!(o.pending_owner, None);
    // the old governor has lost every governor right
    let d = default_market_params;
    refused(
        &mut suite,
        ContractError::Ownership(OwnershipError::NotOwner),
        |s| s.execute_engine(&old, &new_market("SOL-USD", B0, Q0, d()), &[]),
    );
    refused(&mut suite, ContractError::NotGovernorOrGuardian, |s| {
        s.execute_engine(&old, &ExecuteMsg::SetPause(EnginePause::default()), &[])
    });
    suite
        .execute_engine(&alice, &new_market("SOL-USD", B0, Q0, d()), &[])
        .unwrap();
    suite
        .execute_engine(
            &alice,
            &ExecuteMsg::SetPause(EnginePause {
                halted: true,
                ..Default::default()
            }),
            &[],
        )
        .unwrap();
    assert!(engine_config(&suite).pause.halted);
}

// ----- instantiate and migrate -----

fn good_instantiate(suite: &Suite) -> InstantiateMsg {
    InstantiateMsg {
        governor: suite.governor.to_string(),
        guardian: Some(suite.guardian.to_string()),
        fund: suite.fund.to_string(),
        treasury: suite.treasury().to_string(),
        collateral_denom: DENOM.to_string(),
        fees: None,
    }
}

fn instantiate(
    suite: &mut Suite,
    code_id: u64,
    msg: &InstantiateMsg,
    funds: &[cosmwasm_std::Coin],
) -> Result<Addr, ContractError> {
    let operator = suite.operator.clone();
    suite
        .app
        .instantiate_contract(code_id, operator, msg, funds, "engine", None)
        .map_err(into_engine_error)
}

#[test]
fn instantiate_errors() {
    let mut suite = setup();
    let code_id = suite.app.store_code(engine_contract());
    let good = good_instantiate(&suite);
    for denom in [
        String::new(),
        "ab".to_string(),
        "1usdc".to_string(),
        "/usdc".to_string(),
        "u usdc".to_string(),
        "uusdc!".to_string(),
        "a".repeat(129),
    ] {
        let msg = InstantiateMsg {
            collateral_denom: denom.clone(),
            ..good.clone()
        };
        assert_eq!(
            instantiate(&mut suite, code_id, &msg, &[]).unwrap_err(),
            ContractError::InvalidDenom { denom }
        );
    }
    let bad = "not an address".to_string();
    for msg in [
        InstantiateMsg {
            governor: bad.clone(),
            ..good.clone()
        },
        InstantiateMsg {
            guardian: Some(bad.clone()),
            ..good.clone()
        },
        InstantiateMsg {
            fund: bad.clone(),
            ..good.clone()
        },
        InstantiateMsg {
            treasury: String::new(),
            ..good.clone()
        },
    ] {
        let err = instantiate(&mut suite, code_id, &msg, &[]).unwrap_err();
        assert!(matches!(err, ContractError::Std(_)), "{err:?}");
    }
    let err = instantiate(
        &mut suite,
        code_id,
        &InstantiateMsg {
            fees: Some(FeeConfig {
                fund_share_max: Decimal::percent(10),
                fund_share_min: Decimal::percent(20),
                sweep_threshold: Uint128::zero(),
            }),
            ..good.clone()
        },
        &[],
    )
    .unwrap_err();
    expect_out_of_range(err, "fund_share_min", "0.2");
    let err = instantiate(
        &mut suite,
        code_id,
        &InstantiateMsg {
            fees: Some(FeeConfig {
                fund_share_max: Decimal::percent(101),
                fund_share_min: Decimal::percent(20),
                sweep_threshold: Uint128::zero(),
            }),
            ..good.clone()
        },
        &[],
    )
    .unwrap_err();
    expect_out_of_range(err, "fund_share_max", "1.01");
    let operator = suite.operator.clone();
    suite.mint(&operator, 1_000);
    assert_eq!(
        instantiate(&mut suite, code_id, &good, &coins(1_000, DENOM)).unwrap_err(),
        ContractError::Payment(PaymentError::NonPayable {})
    );
    assert_eq!(suite.balance(&operator), 1_000);
    // valid edge denoms
    for denom in [
        "abc".to_string(),
        "ibc/498A0751C798A0D9A389AA3691123DADA57DAA4FE165D5C75894505B876BA6E4".to_string(),
        format!("factory/{}/u-x.y:z_w", suite.addr("x")),
        "a".repeat(128),
    ] {
        let msg = InstantiateMsg {
            collateral_denom: denom.clone(),
            ..good.clone()
        };
        let addr = instantiate(&mut suite, code_id, &msg, &[]).unwrap();
        let config: EngineConfigResponse = suite
            .app
            .wrap()
            .query_wasm_smart(&addr, &QueryMsg::Config {})
            .unwrap();
        assert_eq!(config.collateral_denom, denom);
        assert_eq!(config.fees, FeeConfig::default());
        assert_eq!(config.pause, EnginePause::default());
    }
}

#[test]
fn migrate_by_admin_keeps_state() {
    let mut suite = setup();
    let bob = suite.addr("bob");
    suite.trade(&bob, BTC, 1_000_000, 20_000_000).unwrap();
    let code_id = suite.app.store_code(engine_contract());
    let before = snap(&suite);
    let version = cw2::query_contract_info(&suite.app.wrap(), suite.engine.clone()).unwrap();
    // only the admin (the governor) may migrate
    let engine = suite.engine.clone();
    suite
        .app
        .migrate_contract(bob.clone(), engine.clone(), &MigrateMsg {}, code_id)
        .unwrap_err();
    let governor = suite.governor.clone();
    suite
        .app
        .migrate_contract(governor, engine.clone(), &MigrateMsg {}, code_id)
        .unwrap();
    assert_eq!(snap(&suite), before);
    assert_eq!(
        cw2::query_contract_info(&suite.app.wrap(), engine.clone()).unwrap(),
        version
    );
    assert_eq!(suite.app.contract_data(&engine).unwrap().code_id, code_id);
    // and it keeps working
    suite.close(&bob, BTC).unwrap();
    assert_eq!(suite.market(BTC).base_reserve.u128(), B0);
}

/// Migrating from an older version records both versions; uncovered bad debt that older code
/// kept beside fee pools is written off against them (unsplit fees, then premium, then
/// treasury fees). bob's opening fee is the unsplit pool U = 100,001; older books add T = U + 200
/// of treasury fees and as much uncovered debt (the conservation identity still holds): the
/// migration writes off U unsplit and 200 treasury.
#[test]
fn migrate_from_an_older_version_writes_off_uncovered_debt_against_the_pools() {
    use perp_engine::state::STATE;

    let mut suite = setup();
    let bob = suite.addr("bob");
    suite.trade(&bob, BTC, 1_000_000, 20_000_000).unwrap();
    let engine = suite.engine.clone();
    let fee = suite.engine_state().unsplit_fees.u128();
    assert_eq!(fee, 100_001);
    let extra = fee + 200;
    {
        let mut storage = suite.app.contract_storage_mut(&engine);
        let mut state = STATE.load(storage.as_ref()).unwrap();
        state.treasury_fees += Uint128::new(extra);
        state.uncovered_bad_debt += Uint128::new(extra);
        STATE.save(storage.as_mut(), &state).unwrap();
        cw2::set_contract_version(
            storage.as_mut(),
            perp_engine::contract::CONTRACT_NAME,
            "0.1.0",
        )
        .unwrap();
    }
    suite.check_invariants();
    let code_id = suite.app.store_code(engine_contract());
    let governor = suite.governor.clone();
    let res = suite
        .app
        .migrate_contract(governor, engine.clone(), &MigrateMsg {}, code_id)
        .unwrap();
    let version = perp_engine::contract::CONTRACT_VERSION;
    assert_eq!(
        wasm_attrs(&res),
        vec![
            "action=migrate".to_string(),
            "from_version=0.1.0".to_string(),
            format!("to_version={version}"),
            format!("written_off_unsplit={fee}"),
            "written_off_premium=0".to_string(),
            "written_off_treasury=200".to_string(),
            "uncovered_bad_debt=0".to_string(),
            // Created by this version: stored split already.
            "markets_split=0".to_string(),
        ]
    );
    let state = suite.engine_state();
    assert_eq!(
        (
            state.unsplit_fees.u128(),
            state.pending_premium.u128(),
            state.treasury_fees.u128(),
            state.uncovered_bad_debt.u128()
        ),
        (0, 0, fee, 0)
    );
    let stored = cw2::query_contract_info(&suite.app.wrap(), engine.clone()).unwrap();
    assert_eq!(stored.version, version);
    suite.check_invariants();
    suite.close(&bob, BTC).unwrap();
}

/// A market stored by 0.4.0 to 0.5.0 (one record with the vAMM constants and long field names,
/// its parameters in `market_params`) is split by the migration: its hot record is rewritten
/// (271 bytes here, from 427), its cold record (parameters and constants) written, the
/// parameters record removed; the market and bob's position answer the same, and bob closes.
#[test]
fn migrate_splits_a_market_stored_by_0_4_0() {
    use perp_engine::state::{load_market, MARKETS, MARKET_CONFIG, MARKET_PARAMS};

    let mut suite = setup();
    let bob = suite.addr("bob");
    suite.trade(&bob, BTC, 1_000_000, 20_000_000).unwrap();
    let engine = suite.engine.clone();
    let key = MARKETS.key(BTC).to_vec();
    let hot_len = {
        let mut storage = suite.app.contract_storage_mut(&engine);
        let market = load_market(storage.as_ref(), BTC).unwrap();
        let hot = storage.get(&key).unwrap();
        // The record as 0.4.0 wrote it: the long names, the constants inline.
        let mut old: serde_json::Map<String, serde_json::Value> =
            serde_json::from_slice(&hot).unwrap();
        for (short, long) in [
            ("base", "base_reserve"),
            ("index", "index_price"),
            ("index_time", "index_publish_time"),
            ("f_long", "cum_funding_long"),
            ("f_short", "cum_funding_short"),
            ("f_time", "last_funding_time"),
            ("f_pool", "funding_pool"),
            ("liq_height", "liquidated_height"),
            ("liq_room", "liquidation_room"),
            ("oi_s", "oi_seconds"),
            ("oi_at", "oi_touched"),
        ] {
            let value = old.remove(short).unwrap();
            old.insert(long.to_string(), value);
        }
        old.insert("k".into(), serde_json::to_value(market.k).unwrap());
        let start = serde_json::to_value(market.base_reserve_start).unwrap();
        old.insert("base_reserve_start".into(), start);
        let old = serde_json::to_vec(&old).unwrap();
        assert_eq!((hot.len(), old.len()), (271, 427));
        storage.set(&key, &old);
        MARKET_CONFIG.remove(storage.as_mut(), BTC);
        MARKET_PARAMS
            .save(storage.as_mut(), BTC, &market.params)
            .unwrap();
        cw2::set_contract_version(
            storage.as_mut(),
            perp_engine::contract::CONTRACT_NAME,
            "0.4.0",
        )
        .unwrap();
        hot.len()
    };
    let before = (suite.market(BTC), suite.position(BTC, &bob));
    let code_id = suite.app.store_code(engine_contract());
    let governor = suite.governor.clone();
    let res = suite
        .app
        .migrate_contract(governor, engine.clone(), &MigrateMsg {}, code_id)
        .unwrap();
    assert!(wasm_attrs(&res).contains(&"markets_split=1".to_string()));
    assert_eq!((suite.market(BTC), suite.position(BTC, &bob)), before);
    {
        let storage = suite.app.contract_storage(&engine);
        assert_eq!(storage.get(&key).unwrap().len(), hot_len);
        assert!(MARKET_CONFIG.has(storage.as_ref(), BTC));
        assert!(!MARKET_PARAMS.has(storage.as_ref(), BTC));
    }
    suite.close(&bob, BTC).unwrap();
    assert_eq!(suite.market(BTC).base_reserve.u128(), B0);
}

#[test]
fn migrate_refuses_a_newer_stored_version_and_another_contract_name() {
    let mut suite = setup();
    let engine = suite.engine.clone();
    let code_id = suite.app.store_code(engine_contract());
    let governor = suite.governor.clone();
    let (name, version) = (
        perp_engine::contract::CONTRACT_NAME,
        perp_engine::contract::CONTRACT_VERSION,
    );
    for (stored_name, stored_version, error) in
        tranche_perps_testing::migrate_refusals(name, version)
    {
        cw2::set_contract_version(
            suite.app.contract_storage_mut(&engine).as_mut(),
            &stored_name,
            &stored_version,
        )
        .unwrap();
        let before = snap(&suite);
        let err = suite
            .app
            .migrate_contract(governor.clone(), engine.clone(), &MigrateMsg {}, code_id)
            .unwrap_err();
        let err = into_engine_error(err);
        assert!(err.to_string().contains(&error), "{err}");
        assert_eq!(snap(&suite), before);
        let stored = cw2::query_contract_info(&suite.app.wrap(), engine.clone()).unwrap();
        assert_eq!(
            (stored.contract.as_str(), stored.version.as_str()),
            (stored_name.as_str(), stored_version.as_str())
        );
    }
}

#[test]
fn migrate_refuses_unknown_json() {
    let mut suite = setup();
    let code_id = suite.app.store_code(engine_contract());
    let (governor, engine) = (suite.governor.clone(), suite.engine.clone());
    let err = suite
        .app
        .migrate_contract(
            governor,
            engine,
            &serde_json::json!({ "extra": 1 }),
            code_id,
        )
        .unwrap_err();
    let err = into_engine_error(err);
    match err {
        ContractError::Std(e) => assert!(e.to_string().contains("unknown field"), "{e}"),
        err => panic!("{err:?}"),
    }
}
