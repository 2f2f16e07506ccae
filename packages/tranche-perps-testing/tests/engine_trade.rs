//! Trading on the perp engine: opening, growing, reducing, flipping and closing positions with
//! exact quote, fee, margin and PnL figures; every trade guard (price limit, spread, open
//! interest caps, minimum notional, no dust left by a reduce, initial margin, bankruptcy, stale or missing prices); margin
//! in and out (unrealized profit never backs a withdrawal); pause switches; and a many-trader round trip that returns the vAMM to its start.
//!
//! Every expected number was computed independently with Python integers from the vAMM rule
//! `quote_reserve = ceil(k / base)` (k = 10^12 * 10^14 for BTC-USD); the arithmetic is in the
//! comment next to it. The suite runs in sanity mode, so every step also checks the engine's
//! conservation identity and open interest.

use cosmwasm_std::{Addr, Decimal, Decimal256, SignedDecimal256, Uint128, Uint256};
use cw_multi_test::AppResponse;
use perp_engine::ContractError;
use tranche_perps_testing::checks::assert_refused;
use tranche_perps_testing::perp::default_market_params;
use tranche_perps_testing::wasm_attr as attr;
use tranche_perps_testing::{Suite, ONE};
use tranche_perps_types::engine::{
    EnginePause, EngineStateResponse, ExecuteMsg, MarketParams, MarketResponse, PositionResponse,
};

const BTC: &str = "BTC-USD";
const B0: u128 = 1_000_000_000_000;
const Q0: u128 = 100_000_000_000_000;
const START: u128 = 10_000_000 * ONE;

fn setup() -> (Suite, Addr, Addr) {
    let mut suite = Suite::builder()
        .with_underwriters(&["lp", "bob", "carl"], START)
        .with_perp_engine()
        .build();
    suite.add_market(BTC, B0, Q0).unwrap();
    suite.push_price(BTC, "100").unwrap();
    let (bob, carl) = (suite.addr("bob"), suite.addr("carl"));
    (suite, bob, carl)
}

fn dec(atomics: u128) -> Decimal256 {
    Decimal256::new(Uint256::from(atomics))
}

fn pos(suite: &Suite, market: &str, who: &Addr) -> PositionResponse {
    suite.position(market, who).expect("position exists")
}

fn set_pause(suite: &mut Suite, pause: EnginePause) {
    let governor = suite.governor.clone();
    suite
        .execute_engine(&governor, &ExecuteMsg::SetPause(pause), &[])
        .unwrap();
}

/// Everything a refused action must leave untouched.
#[derive(Debug, PartialEq)]
struct Snap {
    state: EngineStateResponse,
    markets: Vec<MarketResponse>,
    positions: Vec<Option<PositionResponse>>,
    balances: Vec<u128>,
}

fn snap(suite: &Suite, markets: &[&str]) -> Snap {
    let who = [
        suite.addr("lp"),
        suite.addr("bob"),
        suite.addr("carl"),
        suite.engine.clone(),
    ];
    Snap {
        state: suite.engine_state(),
        markets: markets.iter().map(|m| suite.market(m)).collect(),
        positions: markets
            .iter()
            .flat_map(|m| who.iter().map(move |w| suite.position(m, w)))
            .collect(),
        balances: who.iter().map(|w| suite.balance(w)).collect(),
    }
}

/// Runs `act`, which must fail with `expected`, and checks nothing changed.
fn refused(
    suite: &mut Suite,
    markets: &[&str],
    expected: ContractError,
    act: impl FnOnce(&mut Suite) -> Result<AppResponse, ContractError>,
) {
    assert_refused(suite, |s| snap(s, markets), expected, act);
}

// ----- opening, growing, reducing, flipping, closing -----

#[test]
fn open_long_exact() {
    let (mut suite, bob, _) = setup();
    let res = suite.trade(&bob, BTC, 1_000_000, 20_000_000).unwrap();
    // quote = ceil(1e26 / 999_999_000_000) - 1e14 = 100_000_101
    // fee = ceil(100_000_101 / 1000) = 100_001; margin = 20_000_000 - 100_001 = 19_899_999
    assert_eq!(attr(&res, "quote"), "100000101");
    assert_eq!(attr(&res, "fee"), "100001");
    assert_eq!(attr(&res, "realized_pnl"), "0");
    let p = pos(&suite, BTC, &bob);
    assert_eq!(p.size.i128(), 1_000_000);
    assert_eq!(p.open_notional.u128(), 100_000_101);
    assert_eq!(p.margin.u128(), 19_899_999);
    let m = suite.market(BTC);
    assert_eq!(m.base_reserve.u128(), 999_999_000_000);
    assert_eq!(m.quote_reserve.u128(), Q0 + 100_000_101);
    assert_eq!(m.long_oi.u128(), 1_000_000);
    assert_eq!(m.short_oi.u128(), 0);
    let state = suite.engine_state();
    assert_eq!(state.total_margin.u128(), 19_899_999);
    assert_eq!(state.unsplit_fees.u128(), 100_001);
    assert_eq!(suite.balance(&bob), START - 20_000_000);
    assert_eq!(suite.balance(&suite.engine.clone()), 20_000_000);
}

#[test]
fn open_short_exact() {
    let (mut suite, _, carl) = setup();
    let res = suite.trade(&carl, BTC, -1_000_000, 20_000_000).unwrap();
    // quote = 1e14 - ceil(1e26 / 1_000_001_000_000) = 99_999_900
    // fee = ceil(99_999_900 / 1000) = 100_000; margin = 20_000_000 - 100_000 = 19_900_000
    assert_eq!(attr(&res, "quote"), "99999900");
    assert_eq!(attr(&res, "fee"), "100000");
    let p = pos(&suite, BTC, &carl);
    assert_eq!(p.size.i128(), -1_000_000);
    assert_eq!(p.open_notional.u128(), 99_999_900);
    assert_eq!(p.margin.u128(), 19_900_000);
    let m = suite.market(BTC);
    assert_eq!(m.base_reserve.u128(), 1_000_001_000_000);
    assert_eq!(m.short_oi.u128(), 1_000_000);
    assert_eq!(m.long_oi.u128(), 0);
    assert_eq!(suite.engine_state().unsplit_fees.u128(), 100_000);
    assert_eq!(suite.balance(&carl), START - 20_000_000);
}

#[test]
fn increase_adds_quote_fee_and_margin() {
    let (mut suite, bob, _) = setup();
    suite.trade(&bob, BTC, 1_000_000, 20_000_000).unwrap();
    let res = suite.trade(&bob, BTC, 500_000, 5_000_000).unwrap();
    // second quote = ceil(1e26 / 999_998_500_000) - ceil(1e26 / 999_999_000_000) = 50_000_125
    // fee 50_001; open = 100_000_101 + 50_000_125 = 150_000_226
    // margin = 25_000_000 - 100_001 - 50_001 = 24_849_998
    assert_eq!(attr(&res, "quote"), "50000125");
    assert_eq!(attr(&res, "fee"), "50001");
    let p = pos(&suite, BTC, &bob);
    assert_eq!(p.size.i128(), 1_500_000);
    assert_eq!(p.open_notional.u128(), 150_000_226);
    assert_eq!(p.margin.u128(), 24_849_998);
    assert_eq!(suite.market(BTC).base_reserve.u128(), 999_998_500_000);
    assert_eq!(suite.market(BTC).long_oi.u128(), 1_500_000);
    assert_eq!(suite.engine_state().unsplit_fees.u128(), 150_002);
    assert_eq!(suite.balance(&bob), START - 25_000_000);
}

#[test]
fn partial_reduce_realizes_exact_profit() {
    let (mut suite, bob, carl) = setup();
    suite.trade(&bob, BTC, 1_000_000, 20_000_000).unwrap();
    // carl buys 2.5e10 for 2_564_107_758_061 (fee 2_564_107_759), mark -> ~105.19
    let res = suite
        .trade(&carl, BTC, 25_000_000_000, 400_000_000_000)
        .unwrap();
    assert_eq!(attr(&res, "quote"), "2564107758061");
    let res = suite.trade(&bob, BTC, -400_000, 0).unwrap();
    // bob sells 4e5 from base 974_999_000_000: quote 42_077_649
    // basis = floor(100_000_101 * 4e5 / 1e6) = 40_000_040; realized = 2_077_609
    // fee = ceil(42_077_649 / 1000) = 42_078
    // margin = 20_000_000 - 100_001 + 2_077_609 - 42_078 = 21_935_530
    assert_eq!(attr(&res, "quote"), "42077649");
    assert_eq!(attr(&res, "realized_pnl"), "2077609");
    assert_eq!(attr(&res, "fee"), "42078");
    let p = pos(&suite, BTC, &bob);
    assert_eq!(p.size.i128(), 600_000);
    assert_eq!(p.open_notional.u128(), 60_000_061);
    assert_eq!(p.margin.u128(), 21_935_530);
    let m = suite.market(BTC);
    assert_eq!(m.base_reserve.u128(), 974_999_400_000);
    assert_eq!(m.long_oi.u128(), 25_000_600_000);
    // a reduce pays nothing out
    assert_eq!(suite.balance(&bob), START - 20_000_000);
}

#[test]
fn flip_long_to_short() {
    let (mut suite, bob, _) = setup();
    suite.trade(&bob, BTC, 1_000_000, 30_000_000).unwrap();
    let res = suite.trade(&bob, BTC, -3_000_000, 0).unwrap();
    // sell 3e6 from 999_999_000_000: quote 299_999_701, fee 300_000
    // reduce part = floor(299_999_701 / 3) = 99_999_900, open part = 199_999_801
    // realized = 99_999_900 - 100_000_101 = -201
    // margin = 30_000_000 - 100_001 - 201 - 300_000 = 29_599_798
    assert_eq!(attr(&res, "quote"), "299999701");
    assert_eq!(attr(&res, "realized_pnl"), "-201");
    assert_eq!(attr(&res, "fee"), "300000");
    let p = pos(&suite, BTC, &bob);
    assert_eq!(p.size.i128(), -2_000_000);
    assert_eq!(p.open_notional.u128(), 199_999_801);
    assert_eq!(p.margin.u128(), 29_599_798);
    let m = suite.market(BTC);
    assert_eq!(m.base_reserve.u128(), 1_000_002_000_000);
    assert_eq!(m.long_oi.u128(), 0);
    assert_eq!(m.short_oi.u128(), 2_000_000);
}

#[test]
fn close_pays_margin_plus_pnl_minus_fee() {
    let (mut suite, bob, carl) = setup();
    suite.trade(&bob, BTC, 1_000_000, 20_000_000).unwrap();
    suite
        .trade(&carl, BTC, 25_000_000_000, 400_000_000_000)
        .unwrap();
    let res = suite.close(&bob, BTC).unwrap();
    // sell 1e6 from 974_999_000_000: quote 105_194_059, fee 105_195
    // realized = 105_194_059 - 100_000_101 = 5_193_958
    // payout = 20_000_000 - 100_001 + 5_193_958 - 105_195 = 24_988_762
    assert_eq!(attr(&res, "quote"), "105194059");
    assert_eq!(attr(&res, "realized_pnl"), "5193958");
    assert_eq!(attr(&res, "fee"), "105195");
    assert_eq!(attr(&res, "payout"), "24988762");
    assert_eq!(suite.balance(&bob), START - 20_000_000 + 24_988_762);
    assert!(suite.position(BTC, &bob).is_none());
    let m = suite.market(BTC);
    assert_eq!(m.base_reserve.u128(), 975_000_000_000);
    assert_eq!(m.long_oi.u128(), 25_000_000_000);
    // fees: bob 100_001 + 105_195, carl 2_564_107_759
    assert_eq!(
        suite.engine_state().unsplit_fees.u128(),
        100_001 + 105_195 + 2_564_107_759
    );
}

#[test]
fn second_close_and_trade_to_zero() {
    // A closed position is removed: a second close has nothing to close.
    let (mut suite, bob, _) = setup();
    suite.trade(&bob, BTC, 1_000_000, 20_000_000).unwrap();
    suite.close(&bob, BTC).unwrap();
    refused(
        &mut suite,
        &[BTC],
        ContractError::NoPosition {
            market: BTC.to_string(),
            trader: bob.to_string(),
        },
        |s| s.close(&bob, BTC),
    );
    // reducing a position to exactly zero by a trade also removes it and pays nothing out
    suite.trade(&bob, BTC, 1_000_000, 20_000_000).unwrap();
    let before = suite.balance(&bob);
    suite.trade(&bob, BTC, -1_000_000, 0).unwrap();
    let p = suite
        .position(BTC, &bob)
        .expect("margin stays in the position");
    assert_eq!(p.size.i128(), 0);
    assert_eq!(suite.balance(&bob), before);
    // its margin is paid out by a close: 20_000_000 - 100_001 + (100_000_101 - 100_000_101)
    // - ceil(100_000_101 / 1000) = 19_799_998
    assert_eq!(p.margin.u128(), 19_799_998);
    let res = suite.close(&bob, BTC).unwrap();
    assert_eq!(attr(&res, "payout"), "19799998");
    assert_eq!(suite.balance(&bob), before + 19_799_998);
    assert_eq!(suite.market(BTC).base_reserve.u128(), B0);
}

// ----- guards -----

#[test]
fn price_limit() {
    let (mut suite, bob, carl) = setup();
    // buy 1e6 averages 100_000_101 / 1e6 = 100.000101
    let limit = "100.0001".parse().unwrap();
    refused(
        &mut suite,
        &[BTC],
        ContractError::PriceLimitExceeded {
            price: dec(100_000_101_000_000_000_000),
            limit,
        },
        |s| s.trade_limit(&bob, BTC, 1_000_000, 20_000_000, Some("100.0001")),
    );
    // the exact average price is accepted
    suite
        .trade_limit(&bob, BTC, 1_000_000, 20_000_000, Some("100.000101"))
        .unwrap();
    // sell 1e6 from 999_999_000_000 gets back 100_000_101 (avg 100.000101): a floor above it
    // is refused, on a trade and on a close
    let limit: Decimal256 = "100.000102".parse().unwrap();
    let expected = || ContractError::PriceLimitExceeded {
        price: dec(100_000_101_000_000_000_000),
        limit,
    };
    refused(&mut suite, &[BTC], expected(), |s| {
        s.trade_limit(&bob, BTC, -1_000_000, 0, Some("100.000102"))
    });
    let bob2 = bob.clone();
    refused(&mut suite, &[BTC], expected(), |s| {
        s.execute_engine(
            &bob2,
            &ExecuteMsg::ClosePosition {
                market: BTC.to_string(),
                price_limit: Some(limit),
            },
            &[],
        )
    });
    suite
        .execute_engine(
            &bob,
            &ExecuteMsg::ClosePosition {
                market: BTC.to_string(),
                price_limit: Some("100.000101".parse().unwrap()),
            },
            &[],
        )
        .unwrap();
    // a short's limit is a floor: sell 1e6 from B0 averages 99.9999
    refused(
        &mut suite,
        &[BTC],
        ContractError::PriceLimitExceeded {
            price: dec(99_999_900_000_000_000_000),
            limit: "99.9999001".parse().unwrap(),
        },
        |s| s.trade_limit(&carl, BTC, -1_000_000, 20_000_000, Some("99.9999001")),
    );
    suite
        .trade_limit(&carl, BTC, -1_000_000, 20_000_000, Some("99.9999"))
        .unwrap();
}

#[test]
fn spread_too_wide_blocks_opening_not_reducing() {
    let (mut suite, bob, carl) = setup();
    suite.trade(&bob, BTC, 1_000_000, 20_000_000).unwrap();
    suite.advance(5);
    suite.push_price(BTC, "80").unwrap();
    // bob grows by 1e6: mark = floor(ceil(1e26 / 999_998_000_000) * 1e18 / 999_998_000_000)
    // spread = floor((mark - 80e18) * 1e18 / 80e18) = 250_005_000_015_012_530 atomics
    refused(
        &mut suite,
        &[BTC],
        ContractError::SpreadTooWide {
            spread: dec(250_005_000_015_012_530),
            max: Decimal256::percent(10),
        },
        |s| s.trade(&bob, BTC, 1_000_000, 0),
    );
    // reducing needs no spread check
    let res = suite.trade(&bob, BTC, -500_000, 0).unwrap();
    // sell 5e5 from 999_999_000_000: 50_000_075; basis floor(100_000_101 / 2) = 50_000_050
    assert_eq!(attr(&res, "realized_pnl"), "25");
    // margin = 20_000_000 - 100_001 + 25 - ceil(50_000_075 / 1000) = 19_850_023
    assert_eq!(pos(&suite, BTC, &bob).margin.u128(), 19_850_023);
    assert_eq!(pos(&suite, BTC, &bob).open_notional.u128(), 50_000_051);
    // a short is refused the same way when the index is far above the mark
    suite.advance(5);
    suite.push_price(BTC, "125").unwrap();
    // carl sells 1e6 from 999_999_500_000 -> base 1_000_000_500_000
    // mark = floor(ceil(1e26 / 1_000_000_500_000) * 1e18 / 1_000_000_500_000)
    // = 99_999_900_000_074_999_962 -> spread = floor((125e18 - mark) * 1e18 / 125e18)
    let err = suite.trade(&carl, BTC, -1_000_000, 20_000_000).unwrap_err();
    assert_eq!(
        err,
        ContractError::SpreadTooWide {
            spread: dec(200_000_799_999_400_000),
            max: Decimal256::percent(10),
        }
    );
    suite.close(&bob, BTC).unwrap();
}

/// The spread may equal `max_spread`; one atomic unit above it is refused. bob's second 1e6
/// long at index 80 has the spread 250_005_000_015_012_530 atomics of
/// `spread_too_wide_blocks_opening_not_reducing`.
#[test]
fn spread_equal_to_max_spread_is_allowed() {
    let spread: u128 = 250_005_000_015_012_530;
    for (max_spread, allowed) in [(spread, true), (spread - 1, false)] {
        let (mut suite, bob, _) = setup();
        let governor = suite.governor.clone();
        let params = MarketParams {
            max_spread: Decimal::new(Uint128::new(max_spread)),
            ..default_market_params()
        };
        suite
            .execute_engine(
                &governor,
                &ExecuteMsg::UpdateMarket {
                    market: BTC.to_string(),
                    params,
                },
                &[],
            )
            .unwrap();
        suite.trade(&bob, BTC, 1_000_000, 20_000_000).unwrap();
        suite.advance(5);
        suite.push_price(BTC, "80").unwrap();
        if allowed {
            // margin added: at index 80 the first 1e6 has lost about 20 USDC
            suite.trade(&bob, BTC, 1_000_000, 60_000_000).unwrap();
            assert_eq!(pos(&suite, BTC, &bob).size.i128(), 2_000_000);
        } else {
            refused(
                &mut suite,
                &[BTC],
                ContractError::SpreadTooWide {
                    spread: dec(spread),
                    max: dec(max_spread),
                },
                |s| s.trade(&bob, BTC, 1_000_000, 60_000_000),
            );
        }
    }
}

fn capped_params() -> MarketParams {
    MarketParams {
        max_long_oi: Uint128::new(5_000_000),
        max_short_oi: Uint128::new(3_000_000),
        ..default_market_params()
    }
}

#[test]
fn open_interest_caps() {
    let (mut suite, bob, carl) = setup();
    suite
        .add_market_with("SOL-USD", B0, Q0, capped_params())
        .unwrap();
    suite.push_price("SOL-USD", "100").unwrap();
    let lp = suite.addr("lp");
    // exactly at the long cap is allowed
    suite.trade(&bob, "SOL-USD", 5_000_000, 60_000_000).unwrap();
    refused(
        &mut suite,
        &[BTC, "SOL-USD"],
        ContractError::OpenInterestCapExceeded {
            oi: Uint128::new(5_200_000),
            cap: Uint128::new(5_000_000),
        },
        |s| s.trade(&carl, "SOL-USD", 200_000, 5_000_000),
    );
    suite
        .trade(&carl, "SOL-USD", -3_000_000, 40_000_000)
        .unwrap();
    refused(
        &mut suite,
        &[BTC, "SOL-USD"],
        ContractError::OpenInterestCapExceeded {
            oi: Uint128::new(3_000_001),
            cap: Uint128::new(3_000_000),
        },
        |s| s.trade(&lp, "SOL-USD", -1, 5_000_000),
    );
    // a flip into a full side is refused too: bob long 5e6 -> short 1e5 makes short OI 3_100_000
    refused(
        &mut suite,
        &[BTC, "SOL-USD"],
        ContractError::OpenInterestCapExceeded {
            oi: Uint128::new(3_100_000),
            cap: Uint128::new(3_000_000),
        },
        |s| s.trade(&bob, "SOL-USD", -5_100_000, 0),
    );
    // reducing frees the cap
    suite.trade(&bob, "SOL-USD", -200_000, 0).unwrap();
    suite.trade(&carl, "SOL-USD", 3_000_000, 0).unwrap(); // carl closes his short by trade
    suite.trade(&lp, "SOL-USD", 200_000, 5_000_000).unwrap();
    assert_eq!(suite.market("SOL-USD").long_oi.u128(), 5_000_000);
    assert_eq!(suite.market("SOL-USD").short_oi.u128(), 0);
}

#[test]
fn below_min_notional() {
    let (mut suite, bob, _) = setup();
    // 99_999 base at index 100: notional 9_999_900 < 10_000_000
    refused(
        &mut suite,
        &[BTC],
        ContractError::BelowMinNotional {
            notional: Uint128::new(9_999_900),
            min: Uint128::new(10_000_000),
        },
        |s| s.trade(&bob, BTC, 99_999, 5_000_000),
    );
    refused(
        &mut suite,
        &[BTC],
        ContractError::BelowMinNotional {
            notional: Uint128::new(9_999_900),
            min: Uint128::new(10_000_000),
        },
        |s| s.trade(&bob, BTC, -99_999, 5_000_000),
    );
    // exactly the minimum is allowed
    suite.trade(&bob, BTC, 100_000, 5_000_000).unwrap();
    assert_eq!(pos(&suite, BTC, &bob).size.i128(), 100_000);
}

/// A reduce may not leave dust: a position of 1 base unit (notional 100 against a minimum of
/// 10,000,000) would pay its liquidator at most one unit, so nobody would close it. Closing,
/// by `ClosePosition` or by a trade to zero, is never refused for its size.
#[test]
fn reduce_leaving_dust_is_refused() {
    let (mut suite, bob, _) = setup();
    suite.trade(&bob, BTC, 1_000_000, 50 * ONE).unwrap();
    // Leaves 1 base unit: notional 1 * 100 = 100 at the index.
    refused(
        &mut suite,
        &[BTC],
        ContractError::DustRemainder {
            notional: Uint128::new(100),
            min: Uint128::new(10_000_000),
        },
        |s| s.trade(&bob, BTC, -999_999, 0),
    );
    // Leaves 99,999: notional 9,999,900, one unit-price short of the minimum.
    refused(
        &mut suite,
        &[BTC],
        ContractError::DustRemainder {
            notional: Uint128::new(9_999_900),
            min: Uint128::new(10_000_000),
        },
        |s| s.trade(&bob, BTC, -900_001, 0),
    );
    // Leaving exactly the minimum is allowed, and so is trading to zero from there.
    suite.trade(&bob, BTC, -900_000, 0).unwrap();
    assert_eq!(pos(&suite, BTC, &bob).size.i128(), 100_000);
    suite.trade(&bob, BTC, -100_000, 0).unwrap();
    assert_eq!(pos(&suite, BTC, &bob).size.i128(), 0);
}

/// The remainder is valued at the last index, whatever the mark: after the index falls, a
/// reduce that was fine before leaves dust and is refused, while a close still goes through.
#[test]
fn dust_is_judged_at_the_last_index_and_close_is_never_refused() {
    let (mut suite, bob, _) = setup();
    suite.trade(&bob, BTC, 200_000, 50 * ONE).unwrap();
    suite.advance(1);
    suite.push_price(BTC, "50").unwrap();
    // Leaves 100,000 base: 5,000,000 at index 50.
    refused(
        &mut suite,
        &[BTC],
        ContractError::DustRemainder {
            notional: Uint128::new(5_000_000),
            min: Uint128::new(10_000_000),
        },
        |s| s.trade(&bob, BTC, -100_000, 0),
    );
    suite.close(&bob, BTC).unwrap();
    assert_eq!(suite.position(BTC, &bob), None);
}

#[test]
fn insufficient_initial_margin() {
    let (mut suite, bob, _) = setup();
    // margin 10_000_000 - fee 100_001 + pnl at index (1e8 - 100_000_101 = -101) = 9_899_898
    // required = ceil(0.1 * 1e8) = 10_000_000
    refused(
        &mut suite,
        &[BTC],
        ContractError::InsufficientMargin {
            equity: 9_899_898i128.into(),
            required: Uint128::new(10_000_000),
        },
        |s| s.trade(&bob, BTC, 1_000_000, 10_000_000),
    );
    // one unit short of the boundary: 10_100_101 - 100_001 - 101 = 9_999_999
    refused(
        &mut suite,
        &[BTC],
        ContractError::InsufficientMargin {
            equity: 9_999_999i128.into(),
            required: Uint128::new(10_000_000),
        },
        |s| s.trade(&bob, BTC, 1_000_000, 10_100_101),
    );
    suite.trade(&bob, BTC, 1_000_000, 10_100_102).unwrap();
    assert_eq!(pos(&suite, BTC, &bob).margin.u128(), 10_000_101);
    // growing without new margin is refused: +1e5 costs ceil(1e26/999_998_900_000) -
    // ceil(1e26/999_999_000_000) = 10_000_021, fee 10_001
    // equity = 10_000_101 - 10_001 + (110_000_000 - 110_000_122) = 9_989_978; required 11_000_000
    refused(
        &mut suite,
        &[BTC],
        ContractError::InsufficientMargin {
            equity: 9_989_978i128.into(),
            required: Uint128::new(11_000_000),
        },
        |s| s.trade(&bob, BTC, 100_000, 0),
    );
}

fn wide_params() -> MarketParams {
    MarketParams {
        max_spread: Decimal::percent(50),
        ..default_market_params()
    }
}

#[test]
fn bankrupt_position_cannot_close_voluntarily() {
    let (mut suite, bob, carl) = setup();
    const ETH: &str = "ETH-USD";
    // a thin vAMM (1e10 base, 1e12 quote) that tolerates a 50% spread
    suite
        .add_market_with(ETH, 10_000_000_000, 1_000_000_000_000, wide_params())
        .unwrap();
    suite.push_price(ETH, "100").unwrap();
    // bob: quote 100_010_002, fee 100_011, margin 10_200_000 - 100_011 = 10_099_989
    suite.trade(&bob, ETH, 1_000_000, 10_200_000).unwrap();
    assert_eq!(pos(&suite, ETH, &bob).margin.u128(), 10_099_989);
    // carl sells 1.2e9: mark falls to ~79.73
    let res = suite
        .trade(&carl, ETH, -1_200_000_000, 30_000_000_000)
        .unwrap();
    assert_eq!(attr(&res, "quote"), "107163140638");
    // closing: sell 1e6 -> 79_726_506, fee 79_727
    // equity = 10_099_989 + 79_726_506 - 100_010_002 - 79_727 = -10_263_234
    refused(
        &mut suite,
        &[BTC, ETH],
        ContractError::Bankrupt {
            equity: (-10_263_234i128).into(),
        },
        |s| s.close(&bob, ETH),
    );
    // a partial reduce that realizes more loss than the margin is refused the same way:
    // sell 9e5 -> 71_754_496; basis floor(100_010_002 * 0.9) = 90_009_001; fee 71_755
    // 10_099_989 + 71_754_496 - 90_009_001 - 71_755 = -8_226_271
    refused(
        &mut suite,
        &[BTC, ETH],
        ContractError::Bankrupt {
            equity: (-8_226_271i128).into(),
        },
        |s| s.trade(&bob, ETH, -900_000, 0),
    );
    // adding margin still works, after which the close pays
    // 10_099_989 + 15_000_000 + 79_726_506 - 100_010_002 - 79_727 = 4_736_766
    suite.add_margin(&bob, ETH, 15_000_000).unwrap();
    let before = suite.balance(&bob);
    let res = suite.close(&bob, ETH).unwrap();
    assert_eq!(attr(&res, "payout"), "4736766");
    assert_eq!(suite.balance(&bob), before + 4_736_766);
}

#[test]
fn zero_size_no_position_market_not_found() {
    let (mut suite, bob, carl) = setup();
    suite.trade(&carl, BTC, 1_000_000, 20_000_000).unwrap();
    refused(&mut suite, &[BTC], ContractError::ZeroSize, |s| {
        s.trade(&bob, BTC, 0, 5_000_000)
    });
    refused(&mut suite, &[BTC], ContractError::ZeroSize, |s| {
        s.trade(&carl, BTC, 0, 0)
    });
    let no_position = || ContractError::NoPosition {
        market: BTC.to_string(),
        trader: bob.to_string(),
    };
    refused(&mut suite, &[BTC], no_position(), |s| s.close(&bob, BTC));
    refused(&mut suite, &[BTC], no_position(), |s| {
        s.add_margin(&bob, BTC, 1_000_000)
    });
    refused(&mut suite, &[BTC], no_position(), |s| {
        s.remove_margin(&bob, BTC, 1_000_000)
    });
    let not_found = || ContractError::MarketNotFound {
        market: "ETH-USD".to_string(),
    };
    refused(&mut suite, &[BTC], not_found(), |s| {
        s.trade(&bob, "ETH-USD", 1_000_000, 20_000_000)
    });
    refused(&mut suite, &[BTC], not_found(), |s| {
        s.close(&carl, "ETH-USD")
    });
    refused(&mut suite, &[BTC], not_found(), |s| {
        s.add_margin(&carl, "ETH-USD", 1_000_000)
    });
    refused(&mut suite, &[BTC], not_found(), |s| {
        s.remove_margin(&carl, "ETH-USD", 1)
    });
}

#[test]
fn stale_price_blocks_opening_but_not_reducing() {
    let (mut suite, bob, carl) = setup();
    let published = suite.app.block_info().time.seconds();
    suite.trade(&bob, BTC, 2_000_000, 40_000_000).unwrap();
    // exactly max_age (600 s) old is still fresh
    suite.advance(600);
    suite.trade(&carl, BTC, -1_000_000, 20_000_000).unwrap();
    suite.advance(1);
    let stale = || ContractError::StalePrice {
        market: BTC.to_string(),
        publish_time: published,
        max_age: 600,
        now: published + 601,
    };
    refused(&mut suite, &[BTC], stale(), |s| {
        s.trade(&bob, BTC, 1_000_000, 0)
    });
    refused(&mut suite, &[BTC], stale(), |s| {
        s.trade(&carl, BTC, -1_000_000, 0)
    });
    refused(&mut suite, &[BTC], stale(), |s| {
        s.trade(&bob, BTC, -3_000_000, 0) // a flip grows risk
    });
    refused(&mut suite, &[BTC], stale(), |s| {
        s.remove_margin(&bob, BTC, 1_000_000)
    });
    // reducing, adding margin and closing still work
    suite.trade(&bob, BTC, -1_000_000, 0).unwrap();
    suite.add_margin(&bob, BTC, 1_000_000).unwrap();
    suite.close(&bob, BTC).unwrap();
    suite.close(&carl, BTC).unwrap();
    // a fresh price opens again
    suite.push_price(BTC, "100").unwrap();
    suite.trade(&bob, BTC, 1_000_000, 20_000_000).unwrap();
}

#[test]
fn no_price_yet() {
    let (mut suite, bob, _) = setup();
    suite.add_market("ETH-USD", B0, Q0).unwrap();
    refused(
        &mut suite,
        &[BTC, "ETH-USD"],
        ContractError::NoPrice {
            market: "ETH-USD".to_string(),
        },
        |s| s.trade(&bob, "ETH-USD", 1_000_000, 20_000_000),
    );
}

#[test]
fn add_and_remove_margin_exact() {
    let (mut suite, bob, _) = setup();
    suite.trade(&bob, BTC, 1_000_000, 20_000_000).unwrap();
    suite.add_margin(&bob, BTC, 5_000_000).unwrap();
    // 19_899_999 + 5_000_000
    assert_eq!(pos(&suite, BTC, &bob).margin.u128(), 24_899_999);
    assert_eq!(suite.balance(&bob), START - 25_000_000);
    assert_eq!(suite.engine_state().total_margin.u128(), 24_899_999);
    // largest removal: 24_899_999 - 101 (pnl at index) - 10_000_000 (initial margin) = 14_899_898
    refused(
        &mut suite,
        &[BTC],
        ContractError::InsufficientMargin {
            equity: 9_999_999i128.into(),
            required: Uint128::new(10_000_000),
        },
        |s| s.remove_margin(&bob, BTC, 14_899_899),
    );
    refused(
        &mut suite,
        &[BTC],
        ContractError::InsufficientMargin {
            equity: (-1i128).into(),
            required: Uint128::zero(),
        },
        |s| s.remove_margin(&bob, BTC, 24_900_000),
    );
    refused(&mut suite, &[BTC], ContractError::ZeroAmount, |s| {
        s.remove_margin(&bob, BTC, 0)
    });
    let res = suite.remove_margin(&bob, BTC, 14_899_898).unwrap();
    assert_eq!(attr(&res, "margin"), "10000101");
    assert_eq!(pos(&suite, BTC, &bob).margin.u128(), 10_000_101);
    assert_eq!(suite.balance(&bob), START - 25_000_000 + 14_899_898);
    assert_eq!(suite.engine_state().total_margin.u128(), 10_000_101);
    // a position reduced to size zero may withdraw all its margin without a price
    suite.trade(&bob, BTC, -1_000_000, 0).unwrap();
    // 10_000_101 + (100_000_101 - 100_000_101) - 100_001 = 9_900_100
    assert_eq!(pos(&suite, BTC, &bob).margin.u128(), 9_900_100);
    suite.advance(10_000);
    suite.remove_margin(&bob, BTC, 9_900_100).unwrap();
    assert_eq!(
        suite.balance(&bob),
        START - 25_000_000 + 14_899_898 + 9_900_100
    );
}

/// Unrealized profit at the index never backs a withdrawal: it is not on the vAMM (the mark
/// may be far from the index), so counting it would let a trader leave a position with no
/// collateral. An unrealized loss still reduces what may leave.
#[test]
fn remove_margin_does_not_count_unrealized_profit() {
    let (mut suite, bob, _) = setup();
    // bob buys 1e9 for 100_100_100_101, fee 100_100_101: margin 10_899_899_899
    suite.trade(&bob, BTC, 1_000_000_000, 11_000 * ONE).unwrap();
    assert_eq!(pos(&suite, BTC, &bob).margin.u128(), 10_899_899_899);
    // index 110 (mark still ~100.2): PnL at the index 110e9 - 100_100_100_101 = 9_899_899_899,
    // initial margin ceil(10% * 110e9) = 11e9. The old rule let 9_799_799_798 leave; now the
    // margin alone is below the requirement, so not one unit may.
    suite.advance(1);
    suite.push_price(BTC, "110").unwrap();
    refused(
        &mut suite,
        &[BTC],
        ContractError::InsufficientMargin {
            equity: 10_899_899_898i128.into(),
            required: Uint128::new(11_000_000_000),
        },
        |s| s.remove_margin(&bob, BTC, 1),
    );
    // 1,000 USDC more: 11_899_899_899 - 11e9 = 899_899_899 may leave, not one unit more.
    suite.add_margin(&bob, BTC, 1_000 * ONE).unwrap();
    refused(
        &mut suite,
        &[BTC],
        ContractError::InsufficientMargin {
            equity: 10_999_999_999i128.into(),
            required: Uint128::new(11_000_000_000),
        },
        |s| s.remove_margin(&bob, BTC, 899_899_900),
    );
    let res = suite.remove_margin(&bob, BTC, 899_899_899).unwrap();
    assert_eq!(attr(&res, "margin"), "11000000000");
    // index 100: PnL -100_100_101 counts, initial margin 1e10:
    // 11e9 - 100_100_101 - 1e10 = 899_899_899 may leave.
    suite.advance(1);
    suite.push_price(BTC, "100").unwrap();
    refused(
        &mut suite,
        &[BTC],
        ContractError::InsufficientMargin {
            equity: 9_999_999_999i128.into(),
            required: Uint128::new(10_000_000_000),
        },
        |s| s.remove_margin(&bob, BTC, 899_899_900),
    );
    suite.remove_margin(&bob, BTC, 899_899_899).unwrap();
    assert_eq!(pos(&suite, BTC, &bob).margin.u128(), 10_100_100_101);
}

/// bob long 1e9 (12,000 USDC) and carl short 5e8 (6,000) from start + 1 s at index 99 (rate
/// capped at 0.5%: 0.495 per long unit and 0.99 per short unit an hour); then 600 s later, the
/// index still fresh (600 s old) and nobody having accrued those 600 s: 0.0825 per long unit.
fn after_unaccrued_time() -> (Suite, Addr, Addr, u64) {
    let (mut suite, bob, carl) = setup();
    let start = suite.market(BTC).last_funding_time.seconds();
    suite.advance(1);
    suite.push_price(BTC, "99").unwrap();
    suite.trade(&bob, BTC, 1_000_000_000, 12_000 * ONE).unwrap();
    suite.trade(&carl, BTC, -500_000_000, 6_000 * ONE).unwrap();
    suite.advance(600);
    (suite, bob, carl, start)
}

/// Largest removal the check allows for bob ignoring funding: margin + min(PnL at 99, 0) -
/// 10% * 99e9.
fn removable_ignoring_funding(suite: &Suite, bob: &Addr) -> u128 {
    let p = pos(suite, BTC, bob);
    let pnl = 99_000_000_000i128 - p.open_notional.u128() as i128;
    (p.margin.u128() as i128 + pnl.min(0) - 9_900_000_000) as u128
}

/// Review 3: 600 s of funding have not been accrued (nobody settled) and bob tries to remove
/// margin down to the initial margin, ignoring the 82.5 USDC (0.0825 * 1e9) he owes for them.
/// `RemoveMargin` catches the market's funding up first, so the check counts it: refused,
/// exactly as after a settle; 82.5 USDC less may leave.
#[test]
fn remove_margin_counts_the_funding_not_yet_accrued() {
    // With a settle first: refused.
    let (mut settled, bob, carl, _) = after_unaccrued_time();
    let x = removable_ignoring_funding(&settled, &bob);
    settled.settle_funding(&carl, BTC).unwrap();
    assert!(matches!(
        settled.remove_margin(&bob, BTC, x).unwrap_err(),
        ContractError::InsufficientMargin { .. }
    ));
    // No settle: refused all the same, and nothing moved.
    let (mut suite, bob, carl, start) = after_unaccrued_time();
    assert_eq!(removable_ignoring_funding(&suite, &bob), x);
    refused(
        &mut suite,
        &[BTC],
        ContractError::InsufficientMargin {
            equity: 9_899_999_999i128.into(),
            required: Uint128::new(9_900_000_000),
        },
        |s| s.remove_margin(&bob, BTC, x - 82_500_000 + 1),
    );
    let res = suite.remove_margin(&bob, BTC, x - 82_500_000).unwrap();
    assert_eq!(attr(&res, "funding_paid"), "82500000");
    let market = suite.market(BTC);
    assert_eq!(market.last_funding_time.seconds(), start + 601);
    assert_eq!(
        market.cum_funding_long,
        SignedDecimal256::from_atomics(82_500_000_000_000_000i128, 18).unwrap()
    );
    assert_eq!(pos(&suite, BTC, &carl).accrued_funding.i128(), -82_500_000);
}

/// `AddMargin` catches the market's funding up too (for consistency with every other path
/// that touches a position): the 600 s are charged, bob owes 82.5 USDC, carl is due it.
#[test]
fn add_margin_catches_the_market_funding_up() {
    let (mut suite, bob, carl, start) = after_unaccrued_time();
    suite.add_margin(&bob, BTC, ONE).unwrap();
    let market = suite.market(BTC);
    assert_eq!(market.last_funding_time.seconds(), start + 601);
    assert_eq!(
        market.cum_funding_long,
        SignedDecimal256::from_atomics(82_500_000_000_000_000i128, 18).unwrap()
    );
    assert_eq!(pos(&suite, BTC, &bob).accrued_funding.i128(), 82_500_000);
    assert_eq!(pos(&suite, BTC, &carl).accrued_funding.i128(), -82_500_000);
}

#[test]
fn pause_new_positions() {
    let (mut suite, bob, carl) = setup();
    suite.trade(&bob, BTC, 2_000_000, 40_000_000).unwrap();
    let guardian = suite.guardian.clone();
    suite
        .execute_engine(
            &guardian,
            &ExecuteMsg::SetPause(EnginePause {
                new_positions: true,
                ..Default::default()
            }),
            &[],
        )
        .unwrap();
    refused(&mut suite, &[BTC], ContractError::NewPositionsPaused, |s| {
        s.trade(&carl, BTC, 1_000_000, 20_000_000)
    });
    refused(&mut suite, &[BTC], ContractError::NewPositionsPaused, |s| {
        s.trade(&bob, BTC, 1_000_000, 0)
    });
    refused(&mut suite, &[BTC], ContractError::NewPositionsPaused, |s| {
        s.trade(&bob, BTC, -3_000_000, 0)
    });
    // reducing, adding and removing margin and closing still work
    suite.trade(&bob, BTC, -500_000, 0).unwrap();
    suite.add_margin(&bob, BTC, 1_000_000).unwrap();
    suite.remove_margin(&bob, BTC, 1_000_000).unwrap();
    suite.close(&bob, BTC).unwrap();
    set_pause(&mut suite, EnginePause::default());
    suite.trade(&carl, BTC, 1_000_000, 20_000_000).unwrap();
}

#[test]
fn pause_margin_removal() {
    let (mut suite, bob, _) = setup();
    suite.trade(&bob, BTC, 1_000_000, 20_000_000).unwrap();
    set_pause(
        &mut suite,
        EnginePause {
            margin_removal: true,
            ..Default::default()
        },
    );
    refused(
        &mut suite,
        &[BTC],
        ContractError::MarginRemovalPaused,
        |s| s.remove_margin(&bob, BTC, 1_000_000),
    );
    suite.add_margin(&bob, BTC, 1_000_000).unwrap();
    suite.trade(&bob, BTC, 100_000, 2_000_000).unwrap();
    suite.close(&bob, BTC).unwrap();
}

#[test]
fn halted_blocks_everything_that_moves_positions() {
    let (mut suite, bob, carl) = setup();
    suite.trade(&bob, BTC, 1_000_000, 20_000_000).unwrap();
    set_pause(
        &mut suite,
        EnginePause {
            halted: true,
            ..Default::default()
        },
    );
    refused(&mut suite, &[BTC], ContractError::Halted, |s| {
        s.trade(&carl, BTC, 1_000_000, 20_000_000)
    });
    refused(&mut suite, &[BTC], ContractError::Halted, |s| {
        s.trade(&bob, BTC, -500_000, 0)
    });
    refused(&mut suite, &[BTC], ContractError::Halted, |s| {
        s.close(&bob, BTC)
    });
    refused(&mut suite, &[BTC], ContractError::Halted, |s| {
        s.add_margin(&bob, BTC, 1_000_000)
    });
    refused(&mut suite, &[BTC], ContractError::Halted, |s| {
        s.remove_margin(&bob, BTC, 1_000_000)
    });
    refused(&mut suite, &[BTC], ContractError::Halted, |s| {
        s.liquidate(&carl, BTC, &bob)
    });
    suite.advance(3_600);
    refused(&mut suite, &[BTC], ContractError::Halted, |s| {
        s.settle_funding(&carl, BTC)
    });
    set_pause(&mut suite, EnginePause::default());
    suite.close(&bob, BTC).unwrap();
}

// ----- round trip -----

/// xorshift64*, so the test needs no randomness crate and every run is the same.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn round_trip(seed: u64) {
    let (mut suite, _, _) = setup();
    let mut rng = Rng(seed);
    let traders: Vec<Addr> = (0..10).map(|i| suite.addr(&format!("trader{i}"))).collect();
    for t in &traders {
        suite.mint(t, 1_000_000 * ONE);
    }
    let mut fees: u128 = 0;
    let mut realized: i128 = 0;
    let mut margin_in: u128 = 0;
    let record = |res: &AppResponse, fees: &mut u128, realized: &mut i128| {
        *fees += attr(res, "fee").parse::<u128>().unwrap();
        *realized += attr(res, "realized_pnl").parse::<i128>().unwrap();
    };
    // open: sizes 1e5 ..= 2e8 base, margin 30% of notional at 100 plus room for the fee
    for t in &traders {
        let size = 100_000 + rng.below(200_000_000) as i128;
        let size = if rng.below(2) == 0 { size } else { -size };
        let margin = size.unsigned_abs() * 30 + 1_000_000;
        margin_in += margin;
        let res = suite.trade(t, BTC, size, margin).unwrap();
        record(&res, &mut fees, &mut realized);
    }
    // shuffle: grow, reduce or flip (within the margin sent)
    for _ in 0..20 {
        let t = &traders[rng.below(traders.len() as u64) as usize];
        let size = pos(&suite, BTC, t).size.i128();
        let delta = match rng.below(3) {
            0 => size / 3,
            1 => -(size / 2),
            _ => -(size + size / 4),
        };
        if delta == 0 {
            continue;
        }
        let res = suite.trade(t, BTC, delta, 0).unwrap();
        record(&res, &mut fees, &mut realized);
    }
    // close in random order
    let mut order = traders.clone();
    for i in (1..order.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        order.swap(i, j);
    }
    let mut paid_out: u128 = 0;
    for t in &order {
        let res = suite.close(t, BTC).unwrap();
        record(&res, &mut fees, &mut realized);
        paid_out += attr(&res, "payout").parse::<u128>().unwrap();
        assert!(suite.position(BTC, t).is_none());
    }
    let m = suite.market(BTC);
    assert_eq!(m.base_reserve, m.base_reserve_start);
    assert_eq!(m.base_reserve.u128(), B0);
    assert_eq!(m.quote_reserve.u128(), Q0);
    assert_eq!((m.long_oi.u128(), m.short_oi.u128()), (0, 0));
    assert_eq!(realized, 0, "realized PnL sums to zero");
    assert_eq!(paid_out, margin_in - fees);
    let balances: u128 = traders.iter().map(|t| suite.balance(t)).sum();
    assert_eq!(
        balances,
        traders.len() as u128 * 1_000_000 * ONE - fees,
        "traders lost exactly the fees"
    );
    let state = suite.engine_state();
    assert_eq!(state.unsplit_fees.u128(), fees);
    assert_eq!(state.total_margin.u128(), 0);
    assert_eq!(suite.balance(&suite.engine.clone()), fees);
}

#[test]
fn round_trip_returns_vamm_to_start() {
    for seed in [1, 7, 42, 1_000_003, 0xdead_beef] {
        round_trip(seed);
    }
}

/// A cap is checked only for the side a trade grows: with the short cap lowered below the
/// short open interest, shorts cannot grow but longs still open.
#[test]
fn lowered_cap_on_one_side_does_not_block_the_other() {
    let (mut suite, bob, carl) = setup();
    suite
        .trade(&carl, BTC, -1_000_000_000, 20_000 * ONE)
        .unwrap();
    let governor = suite.governor.clone();
    let params = tranche_perps_types::engine::MarketParams {
        max_short_oi: Uint128::new(500_000_000),
        ..tranche_perps_testing::perp::default_market_params()
    };
    suite
        .execute_engine(
            &governor,
            &tranche_perps_types::engine::ExecuteMsg::UpdateMarket {
                market: BTC.to_string(),
                params,
            },
            &[],
        )
        .unwrap();
    suite.trade(&bob, BTC, 1_000_000_000, 20_000 * ONE).unwrap();
    assert_eq!(pos(&suite, BTC, &bob).size.i128(), 1_000_000_000);
    refused(
        &mut suite,
        &[BTC],
        ContractError::OpenInterestCapExceeded {
            oi: Uint128::new(1_100_000_000),
            cap: Uint128::new(500_000_000),
        },
        |s| s.trade(&carl, BTC, -100_000_000, 2_000 * ONE),
    );
}
