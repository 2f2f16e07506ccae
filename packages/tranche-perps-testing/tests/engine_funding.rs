//! `ExecuteMsg::SettleFunding`: longs pay and shorts receive when mark > index (and the reverse),
//! exact per-unit index moves, zero-sum accrual with at most one unit of rounding dust per
//! position (the dust ends in treasury fees once the market has no open interest), at most one
//! interval charged however many have elapsed, no charge for an interval in which a side was
//! empty (an idle market charges nothing to positions opened after it), `FundingNotDue`, stale
//! prices, the halted engine (and no charge for intervals that ended during a halt) and the
//! rate cap. Every fill (trade, close, liquidation) catches the market's funding up first, so
//! a position opened after an interval ended never shares in it and one closed after it never
//! escapes it; so do halting (an interval that ended before the halt is charged) and
//! `UpdateMarket` (an ended interval is charged at the old parameters). An ended interval is
//! priced with the last index if that index was fresh at the interval's end, whether or not it
//! is fresh now; only an index stale at the interval's end forfeits it (settle and fill alike).
//!
//! Every expected number was computed independently with Python integers, modelling
//! `SignedDecimal256` (18 decimals, products and quotients truncated toward zero): premium
//! `(mark - index) / index`, rate `clamp(premium, ±0.5%)`, per paying unit `rate * index` (one
//! interval per settle), per receiving unit `per_unit * payer_oi / receiver_oi`; a position
//! owes `ceil(delta * size)` and is due `trunc(delta * size)`.

use cosmwasm_std::{Decimal, Int128, SignedDecimal256, Timestamp};
use cw_multi_test::AppResponse;
use perp_engine::ContractError;
use tranche_perps_testing::perp::default_market_params;
use tranche_perps_testing::time::HOUR;
use tranche_perps_testing::wasm_attr as attr;
use tranche_perps_testing::{Suite, ONE};
use tranche_perps_types::engine::{EnginePause, ExecuteMsg, MarketParams};
use tranche_perps_types::fund::Tranche;

const BTC: &str = "BTC-USD";
const ETH: &str = "ETH-USD";

fn setup() -> Suite {
    let mut suite = Suite::builder()
        .with_underwriters(&["lp", "bob", "carl", "arb", "keeper"], 10_000_000 * ONE)
        .with_perp_engine()
        .build();
    let lp = suite.addr("lp");
    suite.deposit(&lp, Tranche::Junior, 100_000 * ONE).unwrap();
    suite
        .add_market(BTC, 1_000_000_000_000, 100_000_000_000_000)
        .unwrap();
    suite.push_price(BTC, "100").unwrap();
    suite
}

fn dec(atomics: i128) -> SignedDecimal256 {
    SignedDecimal256::from_atomics(atomics, 18).unwrap()
}

fn accrued(suite: &Suite, who: &str) -> i128 {
    let addr = suite.addr(who);
    suite.position(BTC, &addr).unwrap().accrued_funding.i128()
}

/// `(intervals_elapsed, intervals_charged)` of a settle.
fn intervals(res: &AppResponse) -> (String, String) {
    (
        attr(res, "intervals_elapsed"),
        attr(res, "intervals_charged"),
    )
}

fn set_pause(suite: &mut Suite, pause: EnginePause) {
    let governor = suite.governor.clone();
    suite
        .execute_engine(&governor, &ExecuteMsg::SetPause(pause), &[])
        .unwrap();
}

/// Advances `seconds` and pushes a fresh index price.
fn later(suite: &mut Suite, seconds: u64, price: &str) {
    suite.advance(seconds);
    suite.push_price(BTC, price).unwrap();
}

/// bob long 1e9 (11,000 USDC), carl long 3e8 (4,000), arb short 7e8 (9,000): mark
/// 100.120108086464878927 against index 100.
fn open_three(suite: &mut Suite) {
    let (bob, carl, arb) = (suite.addr("bob"), suite.addr("carl"), suite.addr("arb"));
    suite.trade(&bob, BTC, 1_000_000_000, 11_000 * ONE).unwrap();
    suite.trade(&carl, BTC, 300_000_000, 4_000 * ONE).unwrap();
    suite.trade(&arb, BTC, -700_000_000, 9_000 * ONE).unwrap();
}

#[test]
fn longs_pay_shorts_receive_when_mark_above_index() {
    let mut suite = setup();
    open_three(&mut suite);
    let start = suite.market(BTC).last_funding_time;
    let keeper = suite.addr("keeper");
    later(&mut suite, HOUR, "100");
    suite.settle_funding(&keeper, BTC).unwrap();

    // rate = 0.001201080864648789; longs' index +rate * 100, shorts' index
    // -0.1201080864648789 * 1.3e9 / 7e8 (truncated).
    let market = suite.market(BTC);
    assert_eq!(market.cum_funding_long, dec(120_108_086_464_878_900));
    assert_eq!(market.cum_funding_short, dec(-223_057_874_863_346_528));
    assert_eq!(
        market.last_funding_time,
        Timestamp::from_seconds(start.seconds() + HOUR),
        "one interval settled (whole seconds)"
    );
    // bob owes ceil(0.12010808646... * 1e9), carl ceil(... * 3e8), arb is due
    // trunc(0.22305787486... * 7e8).
    assert_eq!(accrued(&suite, "bob"), 120_108_087);
    assert_eq!(accrued(&suite, "carl"), 36_032_426);
    assert_eq!(accrued(&suite, "arb"), -156_140_512);
    // Margin shown is net of funding.
    let bob = suite.addr("bob");
    assert_eq!(
        suite.position(BTC, &bob).unwrap().margin.u128(),
        10_899_899_899 - 120_108_087
    );
    assert_eq!(market.funding_pool, Int128::zero());
}

#[test]
fn funding_is_zero_sum_and_dust_goes_to_treasury() {
    let mut suite = setup();
    open_three(&mut suite);
    let start = suite.market(BTC).last_funding_time;
    let (bob, carl, arb, keeper) = (
        suite.addr("bob"),
        suite.addr("carl"),
        suite.addr("arb"),
        suite.addr("keeper"),
    );
    later(&mut suite, HOUR, "100");
    suite.settle_funding(&keeper, BTC).unwrap();
    let carl_first = accrued(&suite, "carl");
    assert_eq!(carl_first, 36_032_426);

    // carl grows by 2e8 (2,000 USDC more): touching the position settles its funding into the
    // pool.
    suite.trade(&carl, BTC, 200_000_000, 2_000 * ONE).unwrap();
    assert_eq!(suite.market(BTC).funding_pool, Int128::new(36_032_426));
    assert_eq!(accrued(&suite, "carl"), 0);

    // Three intervals have ended (and 100 s of the fourth): only the last is charged, and the
    // clock moves to its end. Mark 100.160192205005004003, rate 0.00160192205005004, per long
    // unit 0.160192205005004; shorts -0.160192205005004 * 1.5e9 / 7e8 (truncated).
    later(&mut suite, 3 * HOUR + 100, "100");
    let res = suite.settle_funding(&keeper, BTC).unwrap();
    assert_eq!(intervals(&res), ("3".to_string(), "1".to_string()));
    let market = suite.market(BTC);
    assert_eq!(
        market.last_funding_time,
        Timestamp::from_seconds(start.seconds() + 4 * HOUR)
    );
    assert_eq!(market.cum_funding_long, dec(280_300_291_469_882_900));
    assert_eq!(market.cum_funding_short, dec(-566_326_885_588_355_099));

    // bob ceil(0.2803002914698829 * 1e9), carl ceil(0.160192205005004 * 5e8) since his entry,
    // arb trunc(-0.566326885588355099 * 7e8).
    let (b, c, a) = (
        accrued(&suite, "bob"),
        accrued(&suite, "carl"),
        accrued(&suite, "arb"),
    );
    assert_eq!((b, c, a), (280_300_292, 80_096_103, -396_428_819));
    let paid = b + c + carl_first;
    let received = -a;
    assert_eq!(paid - received, 2);
    assert!(
        paid >= received && paid - received <= 3,
        "dust <= 1 per position"
    );

    // Everyone closes; each gets margin - funding + realized pnl - fee.
    let treasury_before = suite.engine_state().treasury_fees;
    let before = suite.balance(&bob);
    suite.close(&bob, BTC).unwrap();
    // 10,899,899,899 - 280,300,292 - 40,048,061 - 100,060,053
    assert_eq!(suite.balance(&bob) - before, 10_479_491_493);
    // 36,032,426 + 280,300,292
    assert_eq!(suite.market(BTC).funding_pool, Int128::new(316_332_718));
    let before = suite.balance(&carl);
    suite.close(&carl, BTC).unwrap();
    // 5,913,870,424 - 80,096,103 - 142,116,036 - 49,955,034
    assert_eq!(suite.balance(&carl) - before, 5_641_703_251);
    assert_eq!(suite.market(BTC).funding_pool, Int128::new(396_428_821));
    let before = suite.balance(&arb);
    suite.close(&arb, BTC).unwrap();
    // 8,929,866,801 + 396,428,819 + 182,164,097 - 69,951,035
    assert_eq!(suite.balance(&arb) - before, 9_438_508_682);

    // No open interest: the 2 units of dust moved from the pool to the treasury.
    let market = suite.market(BTC);
    assert_eq!((market.long_oi.u128(), market.short_oi.u128()), (0, 0));
    assert_eq!(market.funding_pool, Int128::zero());
    assert_eq!(
        suite.engine_state().treasury_fees.u128() - treasury_before.u128(),
        2
    );
}

#[test]
fn funding_not_due_before_an_interval_ends() {
    let mut suite = setup();
    open_three(&mut suite);
    let keeper = suite.addr("keeper");
    assert_eq!(
        suite.settle_funding(&keeper, BTC).unwrap_err(),
        ContractError::FundingNotDue
    );
    later(&mut suite, HOUR - 1, "100");
    assert_eq!(
        suite.settle_funding(&keeper, BTC).unwrap_err(),
        ContractError::FundingNotDue
    );
    later(&mut suite, 1, "100");
    suite.settle_funding(&keeper, BTC).unwrap();
    assert_eq!(
        suite.settle_funding(&keeper, BTC).unwrap_err(),
        ContractError::FundingNotDue
    );
    assert_eq!(
        suite.settle_funding(&keeper, "ETH-USD").unwrap_err(),
        ContractError::MarketNotFound {
            market: "ETH-USD".to_string()
        }
    );
}

/// A market that never had an index price cannot be settled: `NoPrice` (typed), nothing moves.
#[test]
fn settle_funding_needs_an_index_price() {
    let mut suite = setup();
    let keeper = suite.addr("keeper");
    suite
        .add_market(ETH, 1_000_000_000_000, 100_000_000_000_000)
        .unwrap();
    suite.advance(HOUR);
    let before = suite.market(ETH);
    assert_eq!(
        suite.settle_funding(&keeper, ETH).unwrap_err(),
        ContractError::NoPrice {
            market: ETH.to_string()
        }
    );
    assert_eq!(suite.market(ETH), before);
}

/// Stale-index rule: the ended interval [start, start + 1h] is priced with the last index only
/// if that index was fresh at the interval's end (`publish_time + 600 >= start + 1h`). The
/// index published at start is not (600 < 3600), so the settle forfeits the interval: Ok,
/// nothing charged, `index_fresh_at_interval_end` false, the clock moves to start + 1h. The
/// next interval, priced by a fresh index, is charged as in
/// `longs_pay_shorts_receive_when_mark_above_index`.
#[test]
fn a_settle_on_an_index_stale_at_the_interval_end_forfeits_it() {
    let mut suite = setup();
    open_three(&mut suite);
    let start = suite.market(BTC).last_funding_time;
    let keeper = suite.addr("keeper");
    suite.advance(HOUR);
    let res = suite.settle_funding(&keeper, BTC).unwrap();
    assert_eq!(intervals(&res), ("1".to_string(), "0".to_string()));
    assert_eq!(attr(&res, "index_fresh_at_interval_end"), "false");
    assert_eq!(
        (attr(&res, "rate"), attr(&res, "paid")),
        ("0".into(), "0".into())
    );
    let market = suite.market(BTC);
    assert_eq!(
        market.last_funding_time,
        Timestamp::from_seconds(start.seconds() + HOUR)
    );
    assert_eq!(market.cum_funding_long, SignedDecimal256::zero());
    assert_eq!(market.cum_funding_short, SignedDecimal256::zero());
    // A price pushed now cannot bring the forfeited interval back.
    suite.push_price(BTC, "100").unwrap();
    assert_eq!(
        suite.settle_funding(&keeper, BTC).unwrap_err(),
        ContractError::FundingNotDue
    );
    later(&mut suite, HOUR, "100");
    let res = suite.settle_funding(&keeper, BTC).unwrap();
    assert_eq!(intervals(&res), ("1".to_string(), "1".to_string()));
    assert_eq!(attr(&res, "index_fresh_at_interval_end"), "true");
    let market = suite.market(BTC);
    assert_eq!(market.cum_funding_long, dec(120_108_086_464_878_900));
    assert_eq!(market.cum_funding_short, dec(-223_057_874_863_346_528));
}

#[test]
fn no_funding_when_one_side_is_empty() {
    let mut suite = setup();
    let (bob, keeper) = (suite.addr("bob"), suite.addr("keeper"));
    suite.trade(&bob, BTC, 1_000_000_000, 11_000 * ONE).unwrap();
    let start = suite.market(BTC).last_funding_time;
    later(&mut suite, 2 * HOUR, "100");
    suite.settle_funding(&keeper, BTC).unwrap();
    let market = suite.market(BTC);
    assert_eq!(market.cum_funding_long, SignedDecimal256::zero());
    assert_eq!(market.cum_funding_short, SignedDecimal256::zero());
    assert_eq!(
        market.last_funding_time,
        Timestamp::from_seconds(start.seconds() + 2 * HOUR)
    );
    assert_eq!(accrued(&suite, "bob"), 0);
    // No position at all: nothing either.
    suite.close(&bob, BTC).unwrap();
    later(&mut suite, HOUR, "100");
    suite.settle_funding(&keeper, BTC).unwrap();
    assert_eq!(suite.market(BTC).cum_funding_long, SignedDecimal256::zero());
}

#[test]
fn rate_is_clamped_at_max_funding_rate() {
    let mut suite = setup();
    let (bob, arb, keeper) = (suite.addr("bob"), suite.addr("arb"), suite.addr("keeper"));
    suite.trade(&bob, BTC, 1_000_000_000, 11_000 * ONE).unwrap();
    suite.trade(&arb, BTC, -700_000_000, 9_000 * ONE).unwrap();
    // Mark 100.06 against index 95: premium 5.3%, clamped to 0.5%; two intervals have ended
    // but one is charged: longs pay 0.005 * 95 = 0.475 per unit, shorts receive
    // 0.475 * 1e9 / 7e8.
    later(&mut suite, 2 * HOUR, "95");
    let res = suite.settle_funding(&keeper, BTC).unwrap();
    assert_eq!(intervals(&res), ("2".to_string(), "1".to_string()));
    assert_eq!(attr(&res, "paid"), "475000000");
    let market = suite.market(BTC);
    assert_eq!(market.cum_funding_long, dec(475_000_000_000_000_000));
    assert_eq!(market.cum_funding_short, dec(-678_571_428_571_428_571));
    assert_eq!(accrued(&suite, "bob"), 475_000_000);
    assert_eq!(accrued(&suite, "arb"), -474_999_999);

    // Index 110: premium -9%, clamped to -0.5%: shorts pay 0.55 per unit, longs receive
    // 0.55 * 7e8 / 1e9 = 0.385.
    later(&mut suite, HOUR, "110");
    suite.settle_funding(&keeper, BTC).unwrap();
    let market = suite.market(BTC);
    assert_eq!(market.cum_funding_long, dec(90_000_000_000_000_000));
    assert_eq!(market.cum_funding_short, dec(-128_571_428_571_428_571));
    assert_eq!(accrued(&suite, "bob"), 90_000_000);
    assert_eq!(accrued(&suite, "arb"), -89_999_999);
}

/// A market that sat idle for 20 hours (no open interest, nobody settled) must not charge
/// those 20 intervals, nor even the last of them, to positions opened after it: bob's opening
/// trade catches the clock up to the latest boundary first, charging nothing (no side was
/// open). The next interval, in which both sides were open throughout, is charged once.
#[test]
fn an_idle_market_charges_nothing_to_positions_opened_after_it() {
    let mut suite = setup();
    let (bob, arb, keeper) = (suite.addr("bob"), suite.addr("arb"), suite.addr("keeper"));
    let start = suite.market(BTC).last_funding_time;
    // 20 idle hours, then a fresh index of 99.
    later(&mut suite, 20 * HOUR, "99");
    // bob opens ~9x long, arb a short: mark ~100.05 vs index 99, rate capped at 0.5%.
    suite.trade(&bob, BTC, 1_000_000_000, 12_000 * ONE).unwrap();
    assert_eq!(
        suite.market(BTC).last_funding_time,
        Timestamp::from_seconds(start.seconds() + 20 * HOUR),
        "the opening trade moved the clock over the 20 idle intervals"
    );
    suite.trade(&arb, BTC, -500_000_000, 6_000 * ONE).unwrap();
    // One block later nothing is left to settle.
    suite.advance(5);
    assert_eq!(
        suite.settle_funding(&keeper, BTC).unwrap_err(),
        ContractError::FundingNotDue
    );
    let market = suite.market(BTC);
    assert_eq!(
        market.last_funding_time,
        Timestamp::from_seconds(start.seconds() + 20 * HOUR)
    );
    assert_eq!(market.cum_funding_long, SignedDecimal256::zero());
    assert_eq!(market.cum_funding_short, SignedDecimal256::zero());
    assert_eq!((accrued(&suite, "bob"), accrued(&suite, "arb")), (0, 0));
    assert!(matches!(
        suite.liquidate(&keeper, BTC, &bob).unwrap_err(),
        ContractError::NotLiquidatable { .. }
    ));

    // Both sides open for the whole next interval: one interval at the cap, 0.005 * 99 = 0.495
    // per long unit; shorts receive 0.495 * 1e9 / 5e8 = 0.99 per unit.
    later(&mut suite, HOUR - 5, "99");
    let res = suite.settle_funding(&keeper, BTC).unwrap();
    assert_eq!(intervals(&res), ("1".to_string(), "1".to_string()));
    assert_eq!(attr(&res, "paid"), "495000000");
    assert_eq!(accrued(&suite, "bob"), 495_000_000);
    assert_eq!(accrued(&suite, "arb"), -495_000_000);
}

/// An interval in which a side was empty at some moment (arb closes, then reopens before the
/// interval ends) moves the clock without charging; the next one, two-sided throughout, is
/// charged.
#[test]
fn an_interval_with_an_empty_side_moves_the_clock_without_charging() {
    let mut suite = setup();
    let (bob, arb, keeper) = (suite.addr("bob"), suite.addr("arb"), suite.addr("keeper"));
    let start = suite.market(BTC).last_funding_time;
    suite.trade(&bob, BTC, 1_000_000_000, 11_000 * ONE).unwrap();
    suite.trade(&arb, BTC, -700_000_000, 9_000 * ONE).unwrap();
    suite.advance(30 * 60);
    suite.close(&arb, BTC).unwrap();
    later(&mut suite, 10 * 60, "100");
    suite.trade(&arb, BTC, -700_000_000, 9_000 * ONE).unwrap();
    // Both sides are open at the settle, but the short side was empty for 10 minutes.
    later(&mut suite, 20 * 60, "95");
    let res = suite.settle_funding(&keeper, BTC).unwrap();
    assert_eq!(intervals(&res), ("1".to_string(), "0".to_string()));
    let market = suite.market(BTC);
    assert_eq!(
        market.last_funding_time,
        Timestamp::from_seconds(start.seconds() + HOUR)
    );
    assert_eq!(market.cum_funding_long, SignedDecimal256::zero());
    assert_eq!(market.cum_funding_short, SignedDecimal256::zero());
    assert_eq!((accrued(&suite, "bob"), accrued(&suite, "arb")), (0, 0));

    // Same vAMM as in `rate_is_clamped_at_max_funding_rate`: 0.475 per long unit, shorts
    // 0.475 * 1e9 / 7e8.
    later(&mut suite, HOUR, "95");
    let res = suite.settle_funding(&keeper, BTC).unwrap();
    assert_eq!(intervals(&res), ("1".to_string(), "1".to_string()));
    let market = suite.market(BTC);
    assert_eq!(market.cum_funding_long, dec(475_000_000_000_000_000));
    assert_eq!(market.cum_funding_short, dec(-678_571_428_571_428_571));
    assert_eq!(accrued(&suite, "bob"), 475_000_000);
    assert_eq!(accrued(&suite, "arb"), -474_999_999);
}

/// Halting stops everything that moves positions or margin; traders cannot add margin or
/// close while halted, so funding must not move their margin either. Ending the halt moves the
/// clock to the latest boundary without charging: no interval that ended during the halt is
/// ever charged; the running one is, when it ends.
#[test]
fn settle_funding_is_refused_while_halted_and_the_halt_is_never_charged() {
    let mut suite = setup();
    let (bob, arb, keeper) = (suite.addr("bob"), suite.addr("arb"), suite.addr("keeper"));
    let start = suite.market(BTC).last_funding_time;
    suite.trade(&bob, BTC, 1_000_000_000, 11_000 * ONE).unwrap();
    suite.trade(&arb, BTC, -500_000_000, 6_000 * ONE).unwrap();
    set_pause(
        &mut suite,
        EnginePause {
            halted: true,
            ..Default::default()
        },
    );
    later(&mut suite, HOUR, "99");
    let before = suite.market(BTC);
    assert_eq!(
        suite.settle_funding(&keeper, BTC).unwrap_err(),
        ContractError::Halted
    );
    assert_eq!(suite.market(BTC), before);

    // Four and a half more hours halted, then un-halted: the five intervals that ended during
    // the halt are forfeited and the clock moves to start + 5h; nothing is due.
    later(&mut suite, 4 * HOUR + 1_800, "99");
    set_pause(&mut suite, EnginePause::default());
    let market = suite.market(BTC);
    assert_eq!(
        market.last_funding_time,
        Timestamp::from_seconds(start.seconds() + 5 * HOUR)
    );
    assert_eq!(market.cum_funding_long, SignedDecimal256::zero());
    assert_eq!(market.cum_funding_short, SignedDecimal256::zero());
    assert_eq!(
        suite.settle_funding(&keeper, BTC).unwrap_err(),
        ContractError::FundingNotDue
    );
    // Un-pausing when not halted moves no clock.
    set_pause(&mut suite, EnginePause::default());
    assert_eq!(
        suite.market(BTC).last_funding_time,
        market.last_funding_time
    );

    // The running interval [5h, 6h] ends: charged at the cap, 0.005 * 99 = 0.495 per long
    // unit, 0.495 * 1e9 / 5e8 = 0.99 per short unit.
    later(&mut suite, 1_800, "99");
    let res = suite.settle_funding(&keeper, BTC).unwrap();
    assert_eq!(intervals(&res), ("1".to_string(), "1".to_string()));
    assert_eq!(
        suite.market(BTC).last_funding_time,
        Timestamp::from_seconds(start.seconds() + 6 * HOUR)
    );
    assert_eq!(accrued(&suite, "bob"), 495_000_000);
    assert_eq!(accrued(&suite, "arb"), -495_000_000);
}

// ---------------------------------------------------------------------------------------------
// Every fill (trade, close, liquidation) catches funding up before it changes open interest.
// ---------------------------------------------------------------------------------------------

/// bob long 1e9 (12,000 USDC) and arb short 5e8 (6,000) from start + 1 s at index 99: mark
/// 100.100100... (quote ceil(1e26 / 999.5e9) = 100,050,025,012,507 over base 999.5e9), premium
/// above 1%, rate capped at 0.5%. The interval [start + 1h, start + 2h] is two-sided
/// throughout. Returns `start`.
fn two_sided_at_99(suite: &mut Suite) -> u64 {
    let start = suite.market(BTC).last_funding_time.seconds();
    later(suite, 1, "99");
    let (bob, arb) = (suite.addr("bob"), suite.addr("arb"));
    suite.trade(&bob, BTC, 1_000_000_000, 12_000 * ONE).unwrap();
    suite.trade(&arb, BTC, -500_000_000, 6_000 * ONE).unwrap();
    start
}

/// A fill inside an interval that leaves both sides open does not exempt the interval: it is
/// charged at its end to the open interest then, carl's new long included (0.495 per long unit,
/// 0.495 * 1.1e9 / 5e8 = 1.089 per short unit).
#[test]
fn a_trade_inside_a_two_sided_interval_does_not_exempt_it() {
    let mut suite = setup();
    let (carl, keeper) = (suite.addr("carl"), suite.addr("keeper"));
    let start = two_sided_at_99(&mut suite);
    later(&mut suite, HOUR + 30 * 60 - 1, "99");
    assert_eq!(suite.now().seconds(), start + HOUR + 30 * 60);
    suite.trade(&carl, BTC, 100_000_000, 2_000 * ONE).unwrap();
    later(&mut suite, 30 * 60, "99");
    let res = suite.settle_funding(&keeper, BTC).unwrap();
    // carl's trade caught up [start, start + 1h] (one-sided until start + 1 s, not charged);
    // the settle charges [start + 1h, start + 2h]
    assert_eq!(intervals(&res), ("1".to_string(), "1".to_string()));
    let market = suite.market(BTC);
    assert_eq!(market.cum_funding_long, dec(495_000_000_000_000_000));
    assert_eq!(market.cum_funding_short, dec(-1_089_000_000_000_000_000));
    assert_eq!(accrued(&suite, "carl"), 49_500_000);
    assert_eq!(accrued(&suite, "bob"), 495_000_000);
    assert_eq!(accrued(&suite, "arb"), -544_500_000);
}

/// Review 2: carl opens a short one minute AFTER the interval [start + 1h, start + 2h] ended
/// and before anyone settled it. His trade charges that interval first, to the open interest
/// of the interval: 0.005 * 99 = 0.495 per long unit, 0.495 * 1e9 / 5e8 = 0.99 per short unit,
/// all of it to arb. carl enters at the new index, is credited nothing, and closing at once
/// costs him his two taker fees. (Before, the later settle split the longs' 495 USDC over
/// 1.5e9 shorts and carl took 2/3 of it.)
#[test]
fn a_position_opened_after_an_interval_ended_does_not_share_in_its_funding() {
    let mut suite = setup();
    let (carl, keeper) = (suite.addr("carl"), suite.addr("keeper"));
    let start = two_sided_at_99(&mut suite);
    later(&mut suite, 2 * HOUR + 59, "99");
    assert_eq!(suite.now().seconds(), start + 2 * HOUR + 60);
    let carl_before = suite.balance(&carl);
    suite
        .trade(&carl, BTC, -1_000_000_000, 12_000 * ONE)
        .unwrap();
    let market = suite.market(BTC);
    assert_eq!(
        market.last_funding_time,
        Timestamp::from_seconds(start + 2 * HOUR)
    );
    assert_eq!(market.cum_funding_long, dec(495_000_000_000_000_000));
    assert_eq!(market.cum_funding_short, dec(-990_000_000_000_000_000));
    assert_eq!(
        suite.settle_funding(&keeper, BTC).unwrap_err(),
        ContractError::FundingNotDue
    );
    assert_eq!(accrued(&suite, "carl"), 0);
    assert_eq!(accrued(&suite, "bob"), 495_000_000);
    assert_eq!(accrued(&suite, "arb"), -495_000_000);
    suite.close(&carl, BTC).unwrap();
    assert!(suite.balance(&carl) < carl_before);
}

/// Review 2: one minute after the two-sided interval [start + 1h, start + 2h] ended, bob (the
/// only, paying, long) closes and reopens to empty his side before anyone settles. His close
/// charges the interval first: he pays 0.005 * 99 * 1e9 = 495 USDC, arb is due all of it. The
/// reopen empties nothing that ended: it marks only the running interval [2h, 3h] one-sided,
/// which is not charged.
#[test]
fn the_payer_cannot_escape_an_ended_interval_by_closing_before_the_settle() {
    let mut suite = setup();
    let (bob, keeper) = (suite.addr("bob"), suite.addr("keeper"));
    let start = two_sided_at_99(&mut suite);
    later(&mut suite, 2 * HOUR + 59, "99");
    let res = suite.close(&bob, BTC).unwrap();
    assert_eq!(attr(&res, "funding_paid"), "495000000");
    suite.trade(&bob, BTC, 1_000_000_000, 12_000 * ONE).unwrap();
    assert_eq!(
        suite.settle_funding(&keeper, BTC).unwrap_err(),
        ContractError::FundingNotDue
    );
    let market = suite.market(BTC);
    assert_eq!(market.cum_funding_long, dec(495_000_000_000_000_000));
    assert_eq!(market.cum_funding_short, dec(-990_000_000_000_000_000));
    assert_eq!(market.funding_pool, Int128::new(495_000_000));
    assert_eq!(
        (accrued(&suite, "bob"), accrued(&suite, "arb")),
        (0, -495_000_000)
    );

    later(&mut suite, HOUR, "99");
    let res = suite.settle_funding(&keeper, BTC).unwrap();
    assert_eq!(intervals(&res), ("1".to_string(), "0".to_string()));
    assert_eq!(
        suite.market(BTC).last_funding_time,
        Timestamp::from_seconds(start + 3 * HOUR)
    );
}

/// A liquidation after an interval ended charges it before closing the position: bob was long
/// throughout [start + 1h, start + 2h]; at index 90 the rate is capped at 0.5%, 0.45 per long
/// unit, so bob pays 450 USDC and arb is due 0.9 * 5e8 = 450 USDC, although bob's side is
/// empty by the time anyone settles.
#[test]
fn a_liquidation_charges_the_ended_interval_first() {
    let mut suite = setup();
    let (bob, keeper) = (suite.addr("bob"), suite.addr("keeper"));
    let start = two_sided_at_99(&mut suite);
    later(&mut suite, 2 * HOUR + 59, "90");
    let res = suite.liquidate(&keeper, BTC, &bob).unwrap();
    assert_eq!(attr(&res, "funding_paid"), "450000000");
    let market = suite.market(BTC);
    assert_eq!(
        market.last_funding_time,
        Timestamp::from_seconds(start + 2 * HOUR)
    );
    assert_eq!(market.cum_funding_long, dec(450_000_000_000_000_000));
    assert_eq!(market.cum_funding_short, dec(-900_000_000_000_000_000));
    assert_eq!(accrued(&suite, "arb"), -450_000_000);
}

// ---------------------------------------------------------------------------------------------
// Stale indices: an ended interval is priced with the market's last index if that index was
// fresh at the interval's end (`publish_time + oracle_max_age_seconds >= interval end`),
// whether or not it is still fresh now; otherwise the interval is forfeited. Settles and fills
// use the same rule.
// ---------------------------------------------------------------------------------------------

/// The feed was stale from start + 601 s to beyond start + 2h: the index published at
/// start + 1 s was stale at the end of [start + 1h, start + 2h], so bob's close (closing needs
/// no price) forfeits it, moving the clock to the latest boundary without charging; nobody can
/// charge it later to whoever is open then.
#[test]
fn a_close_on_an_index_stale_at_the_interval_end_forfeits_the_ended_intervals() {
    let mut suite = setup();
    let (bob, keeper) = (suite.addr("bob"), suite.addr("keeper"));
    let start = two_sided_at_99(&mut suite);
    // The last price (start + 1 s) was stale at start + 2h (601 + 600 < 7200).
    suite.advance(2 * HOUR + 59);
    let res = suite.close(&bob, BTC).unwrap();
    assert_eq!(attr(&res, "funding_paid"), "0");
    let market = suite.market(BTC);
    assert_eq!(
        market.last_funding_time,
        Timestamp::from_seconds(start + 2 * HOUR)
    );
    assert_eq!(market.cum_funding_long, SignedDecimal256::zero());
    assert_eq!(market.cum_funding_short, SignedDecimal256::zero());
    suite.push_price(BTC, "99").unwrap();
    assert_eq!(
        suite.settle_funding(&keeper, BTC).unwrap_err(),
        ContractError::FundingNotDue
    );
    assert_eq!(accrued(&suite, "arb"), 0);
}

/// The index 99 published at start + 2h - 59 was fresh at the end of [start + 1h, start + 2h]
/// and is stale by start + 2h + 601 (660 s old). bob's close there still charges the interval
/// at index 99: 0.005 * 99 = 0.495 per long unit, he pays 495 USDC for 1e9; arb is due
/// 0.495 * 1e9 / 5e8 = 0.99 per unit, 495 USDC.
#[test]
fn a_close_on_an_index_fresh_at_the_interval_end_charges_the_interval() {
    let mut suite = setup();
    let (bob, keeper) = (suite.addr("bob"), suite.addr("keeper"));
    let start = two_sided_at_99(&mut suite);
    later(&mut suite, 2 * HOUR - 60, "99");
    suite.advance(660);
    assert_eq!(suite.now().seconds(), start + 2 * HOUR + 601);
    let res = suite.close(&bob, BTC).unwrap();
    assert_eq!(attr(&res, "funding_paid"), "495000000");
    let market = suite.market(BTC);
    assert_eq!(
        market.last_funding_time,
        Timestamp::from_seconds(start + 2 * HOUR)
    );
    assert_eq!(market.cum_funding_long, dec(495_000_000_000_000_000));
    assert_eq!(market.cum_funding_short, dec(-990_000_000_000_000_000));
    assert_eq!(accrued(&suite, "arb"), -495_000_000);
    suite.push_price(BTC, "99").unwrap();
    assert_eq!(
        suite.settle_funding(&keeper, BTC).unwrap_err(),
        ContractError::FundingNotDue
    );
}

/// Review 3: a payer could dodge a whole ended interval (for the entire market) with a 1-unit
/// reduce while the index was momentarily stale. The feeder last pushed 99 at start + 2h - 300
/// (fresh at the interval's end, stale from start + 2h + 301). bob's 1-unit reduce at
/// start + 2h + 301 charges [start + 1h, start + 2h] to the open interest of the interval
/// first: bob pays 0.495 * 1e9 = 495 USDC, arb is due 0.99 * 5e8 = 495 USDC.
#[test]
fn a_one_unit_reduce_on_a_briefly_stale_index_still_charges_the_ended_interval() {
    let mut suite = setup();
    let (bob, keeper) = (suite.addr("bob"), suite.addr("keeper"));
    let start = two_sided_at_99(&mut suite);
    later(&mut suite, 2 * HOUR - 301, "99");
    suite.advance(601);
    assert_eq!(suite.now().seconds(), start + 2 * HOUR + 301);
    let res = suite.trade(&bob, BTC, -1, 0).unwrap();
    assert_eq!(attr(&res, "funding_paid"), "495000000");
    suite.push_price(BTC, "99").unwrap();
    assert_eq!(
        suite.settle_funding(&keeper, BTC).unwrap_err(),
        ContractError::FundingNotDue
    );
    let market = suite.market(BTC);
    assert_eq!(market.cum_funding_long, dec(495_000_000_000_000_000));
    assert_eq!(market.cum_funding_short, dec(-990_000_000_000_000_000));
    assert_eq!(accrued(&suite, "arb"), -495_000_000);
}

/// `SettleFunding` no longer needs an index fresh now, only one fresh at the interval's end:
/// 99 published at start + 2h - 600 is exactly at the limit then (publish time + 600 = the
/// interval's end counts as fresh) and 1,200 s old at the settle. Two intervals have ended
/// (nobody settled the one-sided [0, 1h]); the latest is charged at the cap: 0.495 per long
/// unit, 495 USDC.
#[test]
fn settle_funding_prices_the_interval_with_an_index_fresh_at_its_end() {
    let mut suite = setup();
    let keeper = suite.addr("keeper");
    let start = two_sided_at_99(&mut suite);
    later(&mut suite, 2 * HOUR - 601, "99");
    assert_eq!(suite.now().seconds(), start + 2 * HOUR - 600);
    suite.advance(1_200);
    let res = suite.settle_funding(&keeper, BTC).unwrap();
    assert_eq!(intervals(&res), ("2".to_string(), "1".to_string()));
    assert_eq!(attr(&res, "index_fresh_at_interval_end"), "true");
    assert_eq!(attr(&res, "paid"), "495000000");
    let market = suite.market(BTC);
    assert_eq!(market.cum_funding_long, dec(495_000_000_000_000_000));
    assert_eq!(market.cum_funding_short, dec(-990_000_000_000_000_000));
    assert_eq!(
        (accrued(&suite, "bob"), accrued(&suite, "arb")),
        (495_000_000, -495_000_000)
    );
}

/// One second earlier (published at start + 2h - 601) the index was stale at the interval's
/// end: the settle forfeits [start + 1h, start + 2h]; the next interval, priced by a fresh
/// index, is charged (0.495 per long unit).
#[test]
fn settle_funding_forfeits_the_interval_when_the_index_was_stale_at_its_end() {
    let mut suite = setup();
    let keeper = suite.addr("keeper");
    let start = two_sided_at_99(&mut suite);
    later(&mut suite, 2 * HOUR - 602, "99");
    suite.advance(611);
    let res = suite.settle_funding(&keeper, BTC).unwrap();
    assert_eq!(intervals(&res), ("2".to_string(), "0".to_string()));
    assert_eq!(attr(&res, "index_fresh_at_interval_end"), "false");
    let market = suite.market(BTC);
    assert_eq!(
        market.last_funding_time,
        Timestamp::from_seconds(start + 2 * HOUR)
    );
    assert_eq!(market.cum_funding_long, SignedDecimal256::zero());
    later(&mut suite, HOUR - 10, "99");
    let res = suite.settle_funding(&keeper, BTC).unwrap();
    assert_eq!(intervals(&res), ("1".to_string(), "1".to_string()));
    assert_eq!(
        suite.market(BTC).cum_funding_long,
        dec(495_000_000_000_000_000)
    );
    assert_eq!(accrued(&suite, "arb"), -495_000_000);
}

// ---------------------------------------------------------------------------------------------
// Halts and governance changes catch funding up first.
// ---------------------------------------------------------------------------------------------

/// Review 3: [start + 1h, start + 2h] ended at 2h; nobody settled it. The governor halts at
/// 2h + 60 and un-halts at 2h + 120. Halting first charges it (0.495 per long unit, 0.99 per
/// short unit); un-halting then moves no clock (no interval ended during the halt). The running
/// interval [2h, 3h], which merely contains the halt, is charged when it ends: 0.99 and 1.98
/// per unit in all.
#[test]
fn halting_first_charges_an_interval_that_ended_before_the_halt() {
    let mut suite = setup();
    let keeper = suite.addr("keeper");
    let start = two_sided_at_99(&mut suite);
    later(&mut suite, 2 * HOUR + 59, "99");
    set_pause(
        &mut suite,
        EnginePause {
            halted: true,
            ..Default::default()
        },
    );
    let market = suite.market(BTC);
    assert_eq!(
        market.last_funding_time,
        Timestamp::from_seconds(start + 2 * HOUR)
    );
    assert_eq!(market.cum_funding_long, dec(495_000_000_000_000_000));
    assert_eq!(market.cum_funding_short, dec(-990_000_000_000_000_000));
    later(&mut suite, 60, "99");
    set_pause(&mut suite, EnginePause::default());
    let after = suite.market(BTC);
    assert_eq!(
        (
            after.last_funding_time,
            after.cum_funding_long,
            after.cum_funding_short
        ),
        (
            market.last_funding_time,
            market.cum_funding_long,
            market.cum_funding_short
        )
    );
    assert_eq!(
        suite.settle_funding(&keeper, BTC).unwrap_err(),
        ContractError::FundingNotDue
    );
    assert_eq!(
        (accrued(&suite, "bob"), accrued(&suite, "arb")),
        (495_000_000, -495_000_000)
    );
    later(&mut suite, HOUR - 120, "99");
    let res = suite.settle_funding(&keeper, BTC).unwrap();
    assert_eq!(intervals(&res), ("1".to_string(), "1".to_string()));
    let market = suite.market(BTC);
    assert_eq!(market.cum_funding_long, dec(990_000_000_000_000_000));
    assert_eq!(market.cum_funding_short, dec(-1_980_000_000_000_000_000));
    assert_eq!(
        (accrued(&suite, "bob"), accrued(&suite, "arb")),
        (990_000_000, -990_000_000)
    );
}

/// Halted from 2h + 60 to 4h + 60: [1h, 2h] ended before the halt and is charged when it
/// begins; [2h, 3h] and [3h, 4h] ended during it and are not (the clock moves to 4h when it
/// ends); [4h, 5h] is charged when it ends.
#[test]
fn lifting_a_halt_skips_only_the_intervals_that_ended_during_it() {
    let mut suite = setup();
    let keeper = suite.addr("keeper");
    let start = two_sided_at_99(&mut suite);
    later(&mut suite, 2 * HOUR + 59, "99");
    set_pause(
        &mut suite,
        EnginePause {
            halted: true,
            ..Default::default()
        },
    );
    later(&mut suite, 2 * HOUR, "99");
    set_pause(&mut suite, EnginePause::default());
    let market = suite.market(BTC);
    assert_eq!(
        market.last_funding_time,
        Timestamp::from_seconds(start + 4 * HOUR)
    );
    assert_eq!(market.cum_funding_long, dec(495_000_000_000_000_000));
    assert_eq!(market.cum_funding_short, dec(-990_000_000_000_000_000));
    assert_eq!(
        suite.settle_funding(&keeper, BTC).unwrap_err(),
        ContractError::FundingNotDue
    );
    later(&mut suite, HOUR - 60, "99");
    let res = suite.settle_funding(&keeper, BTC).unwrap();
    assert_eq!(intervals(&res), ("1".to_string(), "1".to_string()));
    let market = suite.market(BTC);
    assert_eq!(
        market.last_funding_time,
        Timestamp::from_seconds(start + 5 * HOUR)
    );
    assert_eq!(market.cum_funding_long, dec(990_000_000_000_000_000));
    assert_eq!(market.cum_funding_short, dec(-1_980_000_000_000_000_000));
}

fn update_market(suite: &mut Suite, params: MarketParams) {
    let governor = suite.governor.clone();
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
}

/// The governor lowers the funding cap to 0.1% one minute after [1h, 2h] ended, before anyone
/// settled it. The update charges that interval at the old cap first (0.495 per long unit,
/// 0.99 per short unit); [2h, 3h] is charged at the new one: 0.001 * 99 = 0.099 per long
/// unit, 0.099 * 1e9 / 5e8 = 0.198 per short unit.
#[test]
fn update_market_charges_the_ended_interval_at_the_old_parameters() {
    let mut suite = setup();
    let keeper = suite.addr("keeper");
    let start = two_sided_at_99(&mut suite);
    later(&mut suite, 2 * HOUR + 59, "99");
    update_market(
        &mut suite,
        MarketParams {
            max_funding_rate: Decimal::permille(1),
            ..default_market_params()
        },
    );
    let market = suite.market(BTC);
    assert_eq!(
        market.last_funding_time,
        Timestamp::from_seconds(start + 2 * HOUR)
    );
    assert_eq!(market.cum_funding_long, dec(495_000_000_000_000_000));
    assert_eq!(market.cum_funding_short, dec(-990_000_000_000_000_000));
    assert_eq!(
        suite.settle_funding(&keeper, BTC).unwrap_err(),
        ContractError::FundingNotDue
    );
    later(&mut suite, HOUR - 60, "99");
    let res = suite.settle_funding(&keeper, BTC).unwrap();
    assert_eq!(attr(&res, "paid"), "99000000");
    let market = suite.market(BTC);
    assert_eq!(market.cum_funding_long, dec(594_000_000_000_000_000));
    assert_eq!(market.cum_funding_short, dec(-1_188_000_000_000_000_000));
}

/// While halted, `UpdateMarket` charges nothing: [1h, 2h] ended during the halt (1h + 1800 to
/// 2h + 1800) and stays uncharged through the update and the un-halt; [2h, 3h] is charged at
/// the new 0.1% cap (0.099 per long unit).
#[test]
fn update_market_during_a_halt_charges_no_interval_that_ended_in_it() {
    let mut suite = setup();
    let keeper = suite.addr("keeper");
    let start = two_sided_at_99(&mut suite);
    later(&mut suite, HOUR + 1_799, "99");
    set_pause(
        &mut suite,
        EnginePause {
            halted: true,
            ..Default::default()
        },
    );
    // [0, 1h] was one-sided (bob opened at 1 s): halting moved the clock without charging.
    assert_eq!(
        suite.market(BTC).last_funding_time,
        Timestamp::from_seconds(start + HOUR)
    );
    later(&mut suite, HOUR, "99");
    update_market(
        &mut suite,
        MarketParams {
            max_funding_rate: Decimal::permille(1),
            ..default_market_params()
        },
    );
    let market = suite.market(BTC);
    assert_eq!(
        market.last_funding_time,
        Timestamp::from_seconds(start + HOUR)
    );
    assert_eq!(market.cum_funding_long, SignedDecimal256::zero());
    set_pause(&mut suite, EnginePause::default());
    let market = suite.market(BTC);
    assert_eq!(
        market.last_funding_time,
        Timestamp::from_seconds(start + 2 * HOUR)
    );
    assert_eq!(market.cum_funding_long, SignedDecimal256::zero());
    later(&mut suite, 1_800, "99");
    suite.settle_funding(&keeper, BTC).unwrap();
    let market = suite.market(BTC);
    assert_eq!(market.cum_funding_long, dec(99_000_000_000_000_000));
    assert_eq!(market.cum_funding_short, dec(-198_000_000_000_000_000));
}

#[test]
fn a_new_funding_interval_length_starts_a_new_clock() {
    // Shortening the interval must not put interval ends in the past that no fill caught up
    // at: carl opens 30 s after what would be an end of a 60 s interval, and is never charged
    // or credited for it.
    let mut suite = setup();
    let (bob, arb, carl, keeper) = (
        suite.addr("bob"),
        suite.addr("arb"),
        suite.addr("carl"),
        suite.addr("keeper"),
    );
    let start = suite.market(BTC).last_funding_time.seconds();
    later(&mut suite, 1, "99");
    suite.trade(&bob, BTC, 1_000_000_000, 12_000 * ONE).unwrap();
    suite.trade(&arb, BTC, -500_000_000, 6_000 * ONE).unwrap();
    later(&mut suite, HOUR + 1_829, "99");
    suite
        .trade(&carl, BTC, -1_000_000_000, 12_000 * ONE)
        .unwrap();
    let opened_at = suite.now();
    assert_eq!(opened_at.seconds(), start + HOUR + 1_830);
    update_market(
        &mut suite,
        MarketParams {
            funding_interval_seconds: 60,
            ..default_market_params()
        },
    );
    assert_eq!(suite.market(BTC).last_funding_time, opened_at);
    assert_eq!(
        suite.settle_funding(&keeper, BTC).unwrap_err(),
        ContractError::FundingNotDue
    );
    assert_eq!(accrued(&suite, "carl"), 0);
    // The first 60 s interval of the new clock is charged to all three as usual.
    later(&mut suite, 60, "99");
    suite.settle_funding(&keeper, BTC).unwrap();
    assert_eq!(
        suite.market(BTC).last_funding_time.seconds(),
        opened_at.seconds() + 60
    );
    assert!(accrued(&suite, "carl") < 0, "carl, a short, receives");
    assert!(accrued(&suite, "bob") > 0, "bob, a long, pays");
}
