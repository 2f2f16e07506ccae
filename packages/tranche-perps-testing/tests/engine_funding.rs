//! Funding accrued continuously in time (`docs/engine.md#funding`): over each span between two
//! catch-ups (every fill, `PushPrice`, `SettleFunding`, margin changes, `UpdateMarket`, halting)
//! the side the premium names pays `|rate| * index * seconds / funding_interval_seconds` per base
//! unit and the other side receives exactly that total, pro rata. Covered: longs pay and shorts
//! receive when mark > index (and the reverse), exact per-unit index moves, zero-sum accrual
//! with at most one unit of rounding dust per position (the dust ends in treasury fees once the
//! market has no open interest), the rate cap, `FundingNotDue` (only when already accrued to
//! now) and `NoPrice`, no charge while a side is empty (for that span only), only the fresh part
//! of a span charged, a push catching funding up before it changes the index, fills charging a
//! position exactly up to the fill (opening, growing, closing, a one-unit reduce, a
//! liquidation), the halted engine (time spent halted is never charged), and `UpdateMarket`
//! (the time before it at the old parameters, a new interval length from the update on).
//! The last section replays the attacks on the old interval rules (review 4) and shows they no
//! longer pay.
//!
//! Every expected number was computed independently with Python integers, modelling
//! `Decimal256` / `SignedDecimal256` (18 decimals, products and quotients truncated toward zero):
//! mark `ceil(k / base) / base`, premium `(mark - index) / index`, rate `clamp(premium, ±0.5%)`,
//! per paying unit `trunc(|rate| * index) * charged_seconds / 3600` (truncated), per receiving
//! unit `per_unit * payer_oi / receiver_oi` (truncated), charged seconds the part of the span
//! before `publish_time + 600`; a position owes `ceil(delta * size)` and is due
//! `trunc(delta * size)`. Most tests push a fresh index every 300 or 600 s (`hold_until`), so
//! each push ends a span.

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
        .with_underwriters(
            &["lp", "bob", "carl", "arb", "keeper", "eve", "mallory"],
            10_000_000 * ONE,
        )
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

/// `(seconds_elapsed, seconds_charged)` of a settle.
fn seconds(res: &AppResponse) -> (String, String) {
    (attr(res, "seconds_elapsed"), attr(res, "seconds_charged"))
}

fn pair(a: u64, b: u64) -> (String, String) {
    (a.to_string(), b.to_string())
}

/// The market's funding indices `(long, short)`.
fn indices(suite: &Suite) -> (SignedDecimal256, SignedDecimal256) {
    let market = suite.market(BTC);
    (market.cum_funding_long, market.cum_funding_short)
}

fn set_pause(suite: &mut Suite, pause: EnginePause) {
    let governor = suite.governor.clone();
    suite
        .execute_engine(&governor, &ExecuteMsg::SetPause(pause), &[])
        .unwrap();
}

fn halt(suite: &mut Suite) {
    set_pause(
        suite,
        EnginePause {
            halted: true,
            ..Default::default()
        },
    );
}

/// Advances `seconds` and pushes a fresh index price (which first catches funding up).
fn later(suite: &mut Suite, seconds: u64, price: &str) {
    suite.advance(seconds);
    suite.push_price(BTC, price).unwrap();
}

/// Moves the clock to `at` in steps of at most 300 s, pushing `price` at each step, so the
/// index never goes stale (600 s).
fn hold_until(suite: &mut Suite, at: u64, price: &str) {
    while suite.now().seconds() < at {
        let step = (at - suite.now().seconds()).min(300);
        later(suite, step, price);
    }
}

/// bob long 1e9 (11,000 USDC), carl long 3e8 (4,000), arb short 7e8 (9,000): mark
/// 100.120108086464878927 against index 100, rate 0.001201080864648789 (below the cap), longs
/// pay 0.1201080864648789 per unit an hour.
fn open_three(suite: &mut Suite) {
    let (bob, carl, arb) = (suite.addr("bob"), suite.addr("carl"), suite.addr("arb"));
    suite.trade(&bob, BTC, 1_000_000_000, 11_000 * ONE).unwrap();
    suite.trade(&carl, BTC, 300_000_000, 4_000 * ONE).unwrap();
    suite.trade(&arb, BTC, -700_000_000, 9_000 * ONE).unwrap();
}

/// One hour in six 600 s spans (five pushes, then a settle): per long unit
/// 0.1201080864648789 / 6 = 0.02001801441081315 a span, exactly one hour's 0.1201080864648789
/// in all; per short unit trunc(0.02001801441081315 * 1.3e9 / 7e8) = 0.037176312477224421 a
/// span (2 atoms less than one hour's in one division).
#[test]
fn longs_pay_shorts_receive_when_mark_above_index() {
    let mut suite = setup();
    open_three(&mut suite);
    let start = suite.now().seconds();
    let keeper = suite.addr("keeper");
    for _ in 0..5 {
        later(&mut suite, 600, "100");
    }
    suite.advance(600);
    let res = suite.settle_funding(&keeper, BTC).unwrap();
    assert_eq!(seconds(&res), pair(600, 600));
    assert_eq!(attr(&res, "rate"), "0.001201080864648789");
    // floor(0.02001801441081315 * 1.3e9)
    assert_eq!(attr(&res, "paid"), "26023418");

    let market = suite.market(BTC);
    assert_eq!(market.cum_funding_long, dec(120_108_086_464_878_900));
    assert_eq!(market.cum_funding_short, dec(-223_057_874_863_346_526));
    assert_eq!(
        market.last_funding_time,
        Timestamp::from_seconds(start + HOUR),
        "accrued up to now"
    );
    // bob owes ceil(0.1201080864648789 * 1e9), carl ceil(... * 3e8), arb is due
    // trunc(0.223057874863346526 * 7e8).
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

/// Paid equals received, to the unit: after the hour of
/// `longs_pay_shorts_receive_when_mark_above_index` carl grows by 2e8 (mark
/// 100.160192205005004003, rate 0.00160192205005004); three more hours and 100 s accrue in
/// 600 s spans and a last 100 s span. Long index 0.578435784118084783, short
/// -1.205188655548787689. bob owes ceil(0.5784... * 1e9) = 578,435,785, carl
/// ceil((0.5784... - 0.1201...) * 5e8) = 229,163,849 since his growth plus 36,032,426 before it,
/// arb is due trunc(1.2051... * 7e8) = 843,632,058: 843,632,060 paid, 2 units of dust, which
/// end in the treasury.
#[test]
fn funding_is_zero_sum_and_dust_goes_to_treasury() {
    let mut suite = setup();
    open_three(&mut suite);
    let start = suite.now().seconds();
    let (bob, carl, arb, keeper) = (
        suite.addr("bob"),
        suite.addr("carl"),
        suite.addr("arb"),
        suite.addr("keeper"),
    );
    for _ in 0..5 {
        later(&mut suite, 600, "100");
    }
    suite.advance(600);
    suite.settle_funding(&keeper, BTC).unwrap();
    let carl_first = accrued(&suite, "carl");
    assert_eq!(carl_first, 36_032_426);

    // carl grows by 2e8 (2,000 USDC more): touching the position settles its funding into the
    // pool.
    suite.trade(&carl, BTC, 200_000_000, 2_000 * ONE).unwrap();
    assert_eq!(suite.market(BTC).funding_pool, Int128::new(36_032_426));
    assert_eq!(accrued(&suite, "carl"), 0);

    for _ in 0..18 {
        later(&mut suite, 600, "100");
    }
    suite.advance(100);
    let res = suite.settle_funding(&keeper, BTC).unwrap();
    assert_eq!(seconds(&res), pair(100, 100));
    assert_eq!(attr(&res, "rate"), "0.00160192205005004");
    let market = suite.market(BTC);
    assert_eq!(
        market.last_funding_time,
        Timestamp::from_seconds(start + 4 * HOUR + 100)
    );
    assert_eq!(market.cum_funding_long, dec(578_435_784_118_084_783));
    assert_eq!(market.cum_funding_short, dec(-1_205_188_655_548_787_689));

    let (b, c, a) = (
        accrued(&suite, "bob"),
        accrued(&suite, "carl"),
        accrued(&suite, "arb"),
    );
    assert_eq!((b, c, a), (578_435_785, 229_163_849, -843_632_058));
    let paid = b + c + carl_first;
    let received = -a;
    assert_eq!(paid - received, 2);

    // Everyone closes; each gets margin - funding + realized pnl - fee.
    let treasury_before = suite.engine_state().treasury_fees;
    let before = suite.balance(&bob);
    suite.close(&bob, BTC).unwrap();
    // 10,899,899,899 - 578,435,785 - 40,048,061 - 100,060,053
    assert_eq!(suite.balance(&bob) - before, 10_181_356_000);
    // 36,032,426 + 578,435,785
    assert_eq!(suite.market(BTC).funding_pool, Int128::new(614_468_211));
    let before = suite.balance(&carl);
    suite.close(&carl, BTC).unwrap();
    // 5,913,870,424 - 229,163,849 - 142,116,036 - 49,955,034
    assert_eq!(suite.balance(&carl) - before, 5_492_635_505);
    assert_eq!(suite.market(BTC).funding_pool, Int128::new(843_632_060));
    let before = suite.balance(&arb);
    suite.close(&arb, BTC).unwrap();
    // 8,929,866,801 + 843,632,058 + 182,164,097 - 69,951,035
    assert_eq!(suite.balance(&arb) - before, 9_885_711_921);

    // No open interest: the 2 units of dust moved from the pool to the treasury.
    let market = suite.market(BTC);
    assert_eq!((market.long_oi.u128(), market.short_oi.u128()), (0, 0));
    assert_eq!(market.funding_pool, Int128::zero());
    assert_eq!(
        suite.engine_state().treasury_fees.u128() - treasury_before.u128(),
        2
    );
}

/// `SettleFunding` runs whenever the clock is behind now, one second is enough:
/// 0.1201080864648789 / 3600 = 0.000033363357351355 per long unit (truncated), floor(... *
/// 1.3e9) = 43,372 paid. `FundingNotDue` only when the market is already accrued to now (here
/// by the trades and by the settle itself, in the same block).
#[test]
fn funding_not_due_only_when_already_accrued_to_now() {
    let mut suite = setup();
    open_three(&mut suite);
    let keeper = suite.addr("keeper");
    assert_eq!(
        suite.settle_funding(&keeper, BTC).unwrap_err(),
        ContractError::FundingNotDue
    );
    suite.advance(1);
    let res = suite.settle_funding(&keeper, BTC).unwrap();
    assert_eq!(seconds(&res), pair(1, 1));
    assert_eq!(attr(&res, "paid"), "43372");
    assert_eq!(suite.market(BTC).cum_funding_long, dec(33_363_357_351_355));
    assert_eq!(
        suite.market(BTC).cum_funding_short,
        dec(-61_960_520_795_373)
    );
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

/// (e) Only the part of a span with a fresh index is charged. The index published at start is
/// fresh until start + 600: a settle at start + 1h charges 600 of the 3,600 s
/// (0.02001801441081315 per long unit, trunc(... * 1.3e9 / 7e8) = 0.037176312477224421 per
/// short unit) and moves the clock to now; the other 3,000 s are never charged, and a price
/// pushed now prices only what follows. The next span, 300 s on that price, is charged whole
/// (0.010009007205406575 per long unit); the one after, 900 s, only its first 600 s (the index
/// pushed at its start is stale after that): 900 s more in all.
#[test]
fn only_the_fresh_part_of_a_span_is_charged() {
    let mut suite = setup();
    open_three(&mut suite);
    let start = suite.now().seconds();
    let keeper = suite.addr("keeper");
    suite.advance(HOUR);
    let res = suite.settle_funding(&keeper, BTC).unwrap();
    assert_eq!(seconds(&res), pair(3_600, 600));
    assert_eq!(attr(&res, "paid"), "26023418");
    let market = suite.market(BTC);
    assert_eq!(
        market.last_funding_time,
        Timestamp::from_seconds(start + HOUR)
    );
    assert_eq!(market.cum_funding_long, dec(20_018_014_410_813_150));
    assert_eq!(market.cum_funding_short, dec(-37_176_312_477_224_421));
    // A price pushed now cannot bring the stale time back.
    suite.push_price(BTC, "100").unwrap();
    assert_eq!(
        suite.settle_funding(&keeper, BTC).unwrap_err(),
        ContractError::FundingNotDue
    );
    assert_eq!(suite.market(BTC).cum_funding_long, market.cum_funding_long);
    // A push 300 s later catches up 300 s (index fresh), then a settle 900 s after that
    // charges only the 600 s before the pushed index went stale.
    later(&mut suite, 300, "100");
    suite.advance(900);
    let res = suite.settle_funding(&keeper, BTC).unwrap();
    assert_eq!(seconds(&res), pair(900, 600));
    let market = suite.market(BTC);
    assert_eq!(market.cum_funding_long, dec(50_045_036_027_032_875));
    assert_eq!(market.cum_funding_short, dec(-92_940_781_193_061_052));
    // Two settles in one block: the second has nothing to do.
    assert_eq!(
        suite.settle_funding(&keeper, BTC).unwrap_err(),
        ContractError::FundingNotDue
    );
}

/// A span with an empty side charges nothing (nobody to pay or nobody to receive) and moves the
/// clock to now.
#[test]
fn no_funding_when_one_side_is_empty() {
    let mut suite = setup();
    let (bob, keeper) = (suite.addr("bob"), suite.addr("keeper"));
    suite.trade(&bob, BTC, 1_000_000_000, 11_000 * ONE).unwrap();
    let start = suite.now().seconds();
    hold_until(&mut suite, start + 2 * HOUR, "100");
    suite.advance(1);
    let res = suite.settle_funding(&keeper, BTC).unwrap();
    assert_eq!(seconds(&res), pair(1, 0));
    assert_eq!(
        (attr(&res, "rate"), attr(&res, "paid")),
        ("0".into(), "0".into())
    );
    let market = suite.market(BTC);
    assert_eq!(market.cum_funding_long, SignedDecimal256::zero());
    assert_eq!(market.cum_funding_short, SignedDecimal256::zero());
    assert_eq!(
        market.last_funding_time,
        Timestamp::from_seconds(start + 2 * HOUR + 1)
    );
    assert_eq!(accrued(&suite, "bob"), 0);
    // No position at all: nothing either.
    suite.close(&bob, BTC).unwrap();
    later(&mut suite, HOUR, "100");
    suite.advance(1);
    suite.settle_funding(&keeper, BTC).unwrap();
    assert_eq!(suite.market(BTC).cum_funding_long, SignedDecimal256::zero());
}

/// bob long 1e9, arb short 7e8 at index 100 (mark 100.06, rate 0.0006: 1 s of it is charged
/// when the index moves to 95 at start + 1). Mark 100.06 against index 95: premium 5.3%,
/// clamped to 0.5%: 600 s at 0.005 * 95 = 0.475 per unit-hour, 0.079166666666666666 per long
/// unit; shorts receive trunc(... * 1e9 / 7e8). Then index 110: premium -9%, clamped to -0.5%:
/// shorts pay 0.005 * 110 * 600 / 3600 = 0.091666666666666666 per unit, longs receive 7/10 of
/// it.
#[test]
fn rate_is_clamped_at_max_funding_rate() {
    let mut suite = setup();
    let (bob, arb, keeper) = (suite.addr("bob"), suite.addr("arb"), suite.addr("keeper"));
    suite.trade(&bob, BTC, 1_000_000_000, 11_000 * ONE).unwrap();
    suite.trade(&arb, BTC, -700_000_000, 9_000 * ONE).unwrap();
    later(&mut suite, 1, "95");
    let (long_before, short_before) = indices(&suite);
    assert_eq!(long_before, dec(16_674_169_667_844));
    assert_eq!(short_before, dec(-23_820_242_382_634));
    suite.advance(600);
    let res = suite.settle_funding(&keeper, BTC).unwrap();
    assert_eq!(attr(&res, "rate"), "0.005");
    assert_eq!(attr(&res, "paid"), "79166666");
    let (long, short) = indices(&suite);
    assert_eq!(long - long_before, dec(79_166_666_666_666_666));
    assert_eq!(short - short_before, dec(-113_095_238_095_238_094));
    assert_eq!(accrued(&suite, "bob"), 79_183_341);
    assert_eq!(accrued(&suite, "arb"), -79_183_340);

    suite.push_price(BTC, "110").unwrap();
    suite.advance(600);
    let res = suite.settle_funding(&keeper, BTC).unwrap();
    assert_eq!(attr(&res, "rate"), "-0.005");
    assert_eq!(attr(&res, "paid"), "64166666");
    let market = suite.market(BTC);
    assert_eq!(market.cum_funding_long, dec(15_016_674_169_667_844));
    assert_eq!(market.cum_funding_short, dec(-21_452_391_670_954_062));
    assert_eq!(accrued(&suite, "bob"), 15_016_675);
    assert_eq!(accrued(&suite, "arb"), -15_016_674);
}

/// A market that sat idle for 20 hours (no open interest) charges nothing to positions opened
/// after it: the push at start + 20h accrued the idle span without charge. The hour both
/// sides are then open is charged, in 300 s spans at the cap: 0.005 * 99 * 300 / 3600 =
/// 0.04125 per long unit a span, 0.495 in all; shorts receive 0.99 per unit.
#[test]
fn an_idle_market_charges_nothing_to_positions_opened_after_it() {
    let mut suite = setup();
    let (bob, arb, keeper) = (suite.addr("bob"), suite.addr("arb"), suite.addr("keeper"));
    let start = suite.now().seconds();
    later(&mut suite, 20 * HOUR, "99");
    // bob opens ~9x long, arb a short: mark ~100.05 vs index 99, rate capped at 0.5%.
    suite.trade(&bob, BTC, 1_000_000_000, 12_000 * ONE).unwrap();
    suite.trade(&arb, BTC, -500_000_000, 6_000 * ONE).unwrap();
    let market = suite.market(BTC);
    assert_eq!(
        market.last_funding_time,
        Timestamp::from_seconds(start + 20 * HOUR)
    );
    assert_eq!(market.cum_funding_long, SignedDecimal256::zero());
    assert_eq!(market.cum_funding_short, SignedDecimal256::zero());
    assert_eq!((accrued(&suite, "bob"), accrued(&suite, "arb")), (0, 0));
    assert!(matches!(
        suite.liquidate(&keeper, BTC, &bob).unwrap_err(),
        ContractError::NotLiquidatable { .. }
    ));

    hold_until(&mut suite, start + 21 * HOUR - 300, "99");
    suite.advance(300);
    let res = suite.settle_funding(&keeper, BTC).unwrap();
    assert_eq!(seconds(&res), pair(300, 300));
    assert_eq!(attr(&res, "paid"), "41250000");
    assert_eq!(
        indices(&suite),
        (dec(495_000_000_000_000_000), dec(-990_000_000_000_000_000))
    );
    assert_eq!(accrued(&suite, "bob"), 495_000_000);
    assert_eq!(accrued(&suite, "arb"), -495_000_000);
}

/// A side that empties charges nothing for the time it is empty, and only for that time: bob
/// long 1e9, arb short 7e8 at index 100 (rate 0.000600270108042412). arb closes at 30 min (due
/// trunc(1800 s of funding) = 30,013,505), the short side is empty for 10 min, arb reopens the
/// same short (same mark) and holds 20 min. bob pays 50 minutes: long index 0.05002250900353433,
/// ceil(... * 1e9) = 50,022,510; arb's new short is due its 20 minutes, 20,009,003.
#[test]
fn a_span_with_an_empty_side_is_not_charged_but_only_that_span() {
    let mut suite = setup();
    let (bob, arb, keeper) = (suite.addr("bob"), suite.addr("arb"), suite.addr("keeper"));
    let start = suite.now().seconds();
    suite.trade(&bob, BTC, 1_000_000_000, 11_000 * ONE).unwrap();
    suite.trade(&arb, BTC, -700_000_000, 9_000 * ONE).unwrap();
    hold_until(&mut suite, start + 1_800, "100");
    let res = suite.close(&arb, BTC).unwrap();
    assert_eq!(attr(&res, "funding_paid"), "-30013505");
    hold_until(&mut suite, start + 2_400, "100");
    assert_eq!(
        suite.market(BTC).cum_funding_long,
        dec(30_013_505_402_120_598)
    );
    suite.trade(&arb, BTC, -700_000_000, 9_000 * ONE).unwrap();
    hold_until(&mut suite, start + HOUR - 300, "100");
    suite.advance(300);
    let res = suite.settle_funding(&keeper, BTC).unwrap();
    assert_eq!(seconds(&res), pair(300, 300));
    assert_eq!(attr(&res, "rate"), "0.000600270108042412");
    let market = suite.market(BTC);
    assert_eq!(market.cum_funding_long, dec(50_022_509_003_534_330));
    assert_eq!(market.cum_funding_short, dec(-71_460_727_147_906_180));
    assert_eq!(accrued(&suite, "bob"), 50_022_510);
    assert_eq!(accrued(&suite, "arb"), -20_009_003);
}

/// Halting stops everything that moves positions or margin; traders cannot add margin or
/// close while halted, so funding must not move their margin either: pushes during the halt do
/// not accrue, and ending the halt moves the clock to now without charging. Then 30 min at the
/// cap (index 99) in three 600 s spans of 0.0825 per long unit: 0.2475, 247.5 USDC for bob's
/// 1e9, shorts 0.165 a span.
#[test]
fn settle_funding_is_refused_while_halted_and_the_halt_is_never_charged() {
    let mut suite = setup();
    let (bob, arb, keeper) = (suite.addr("bob"), suite.addr("arb"), suite.addr("keeper"));
    let start = suite.now().seconds();
    suite.trade(&bob, BTC, 1_000_000_000, 11_000 * ONE).unwrap();
    suite.trade(&arb, BTC, -500_000_000, 6_000 * ONE).unwrap();
    halt(&mut suite);
    later(&mut suite, HOUR, "99");
    let before = suite.market(BTC);
    assert_eq!(before.last_funding_time.seconds(), start);
    assert_eq!(
        suite.settle_funding(&keeper, BTC).unwrap_err(),
        ContractError::Halted
    );
    assert_eq!(suite.market(BTC), before);

    // Four and a half more hours halted, then un-halted: the clock moves to now, nothing is
    // charged and nothing is due.
    later(&mut suite, 4 * HOUR + 1_800, "99");
    set_pause(&mut suite, EnginePause::default());
    let market = suite.market(BTC);
    assert_eq!(
        market.last_funding_time,
        Timestamp::from_seconds(start + 5 * HOUR + 1_800)
    );
    assert_eq!(market.cum_funding_long, SignedDecimal256::zero());
    assert_eq!(market.cum_funding_short, SignedDecimal256::zero());
    assert_eq!(
        suite.settle_funding(&keeper, BTC).unwrap_err(),
        ContractError::FundingNotDue
    );
    // Un-pausing when not halted moves no clock.
    suite.advance(1);
    set_pause(&mut suite, EnginePause::default());
    assert_eq!(
        suite.market(BTC).last_funding_time,
        market.last_funding_time
    );

    // The index pushed at the end of the halt is still fresh.
    later(&mut suite, 599, "99");
    later(&mut suite, 600, "99");
    suite.advance(600);
    let res = suite.settle_funding(&keeper, BTC).unwrap();
    assert_eq!(seconds(&res), pair(600, 600));
    assert_eq!(
        indices(&suite),
        (dec(247_500_000_000_000_000), dec(-495_000_000_000_000_000))
    );
    assert_eq!(accrued(&suite, "bob"), 247_500_000);
    assert_eq!(accrued(&suite, "arb"), -247_500_000);
}

// ---------------------------------------------------------------------------------------------
// Every fill (trade, close, liquidation) catches funding up before it changes open interest or
// the mark, so a position pays or earns exactly from its fill to its next one.
// ---------------------------------------------------------------------------------------------

/// bob long 1e9 (12,000 USDC) and arb short 5e8 (6,000) from start + 1 s at index 99: mark
/// 100.100100... (quote ceil(1e26 / 999.5e9) = 100,050,025,012,507 over base 999.5e9), premium
/// above 1%, rate capped at 0.5%: longs pay 0.495 per unit an hour, shorts receive 0.99.
/// Returns `start`.
fn two_sided_at_99(suite: &mut Suite) -> u64 {
    let start = suite.market(BTC).last_funding_time.seconds();
    later(suite, 1, "99");
    let (bob, arb) = (suite.addr("bob"), suite.addr("arb"));
    suite.trade(&bob, BTC, 1_000_000_000, 12_000 * ONE).unwrap();
    suite.trade(&arb, BTC, -500_000_000, 6_000 * ONE).unwrap();
    start
}

/// carl's long of 1e8 at start + 1h30 pays from then on only: 30 min at 0.495 per unit-hour,
/// 24.75 USDC; longs pay the same per unit before and after, shorts receive more per unit from
/// then on (1.1e9 / 5e8 of the long rate). Long index 0.9898625 at start + 2h (7,199 s at the
/// cap), short -2.029225.
#[test]
fn a_trade_changes_open_interest_only_from_its_time_on() {
    let mut suite = setup();
    let (carl, keeper) = (suite.addr("carl"), suite.addr("keeper"));
    let start = two_sided_at_99(&mut suite);
    hold_until(&mut suite, start + HOUR + 1_800, "99");
    assert_eq!(
        indices(&suite),
        (
            dec(742_362_500_000_000_000),
            dec(-1_484_725_000_000_000_000)
        )
    );
    suite.trade(&carl, BTC, 100_000_000, 2_000 * ONE).unwrap();
    assert_eq!(accrued(&suite, "carl"), 0);
    hold_until(&mut suite, start + 2 * HOUR - 300, "99");
    suite.advance(300);
    let res = suite.settle_funding(&keeper, BTC).unwrap();
    assert_eq!(seconds(&res), pair(300, 300));
    // 0.04125 per long unit for 1.1e9 units
    assert_eq!(attr(&res, "paid"), "45375000");
    assert_eq!(
        indices(&suite),
        (
            dec(989_862_500_000_000_000),
            dec(-2_029_225_000_000_000_000)
        )
    );
    assert_eq!(accrued(&suite, "carl"), 24_750_000);
    assert_eq!(accrued(&suite, "bob"), 989_862_500);
    assert_eq!(accrued(&suite, "arb"), -1_014_612_500);
}

/// carl opens a short at start + 2h + 60 s: he shares in nothing before his fill (accrued 0,
/// the indices his trade left are those of the push in the same block), and closing at once
/// costs him his two taker fees. bob and arb have 7,259 s at the cap: 0.9981125 per long unit.
#[test]
fn a_position_opened_later_shares_in_nothing_before_its_fill() {
    let mut suite = setup();
    let (carl, keeper) = (suite.addr("carl"), suite.addr("keeper"));
    let start = two_sided_at_99(&mut suite);
    hold_until(&mut suite, start + 2 * HOUR + 60, "99");
    let carl_before = suite.balance(&carl);
    let before = indices(&suite);
    suite
        .trade(&carl, BTC, -1_000_000_000, 12_000 * ONE)
        .unwrap();
    let market = suite.market(BTC);
    assert_eq!(
        market.last_funding_time,
        Timestamp::from_seconds(start + 2 * HOUR + 60)
    );
    assert_eq!(indices(&suite), before);
    assert_eq!(
        before,
        (
            dec(998_112_500_000_000_000),
            dec(-1_996_225_000_000_000_000)
        )
    );
    assert_eq!(
        suite.settle_funding(&keeper, BTC).unwrap_err(),
        ContractError::FundingNotDue
    );
    assert_eq!(accrued(&suite, "carl"), 0);
    assert_eq!(accrued(&suite, "bob"), 998_112_500);
    assert_eq!(accrued(&suite, "arb"), -998_112_500);
    suite.close(&carl, BTC).unwrap();
    assert!(suite.balance(&carl) < carl_before);
}

/// bob (the only, paying, long) closes at start + 2h + 60 s: the close charges him every second
/// up to it (7,259 s at the cap, 998.1125 USDC), all of it due to arb. His reopened long pays
/// from its fill: one hour later exactly 0.495 * 1e9 = 495 USDC; arb is due both.
#[test]
fn closing_charges_the_position_up_to_the_close() {
    let mut suite = setup();
    let (bob, keeper) = (suite.addr("bob"), suite.addr("keeper"));
    let start = two_sided_at_99(&mut suite);
    hold_until(&mut suite, start + 2 * HOUR + 60, "99");
    let res = suite.close(&bob, BTC).unwrap();
    assert_eq!(attr(&res, "funding_paid"), "998112500");
    suite.trade(&bob, BTC, 1_000_000_000, 12_000 * ONE).unwrap();
    assert_eq!(
        suite.settle_funding(&keeper, BTC).unwrap_err(),
        ContractError::FundingNotDue
    );
    let market = suite.market(BTC);
    assert_eq!(market.funding_pool, Int128::new(998_112_500));
    assert_eq!(
        (accrued(&suite, "bob"), accrued(&suite, "arb")),
        (0, -998_112_500)
    );

    hold_until(&mut suite, start + 3 * HOUR + 60 - 300, "99");
    suite.advance(300);
    let res = suite.settle_funding(&keeper, BTC).unwrap();
    assert_eq!(seconds(&res), pair(300, 300));
    assert_eq!(
        suite.market(BTC).last_funding_time,
        Timestamp::from_seconds(start + 3 * HOUR + 60)
    );
    assert_eq!(
        (accrued(&suite, "bob"), accrued(&suite, "arb")),
        (495_000_000, -1_493_112_500)
    );
}

/// A liquidation charges funding up to it before closing the position: bob was long at index
/// 99 until start + 2h + 59, when the index drops to 90; the push catches up first at 99
/// (7,258 s at the cap: 0.997975 per long unit), and the liquidation in the same block charges
/// bob 997.975 USDC; arb is due all of it.
#[test]
fn a_liquidation_charges_funding_up_to_the_liquidation() {
    let mut suite = setup();
    let (bob, keeper) = (suite.addr("bob"), suite.addr("keeper"));
    let start = two_sided_at_99(&mut suite);
    hold_until(&mut suite, start + 2 * HOUR + 58, "99");
    later(&mut suite, 1, "90");
    let res = suite.liquidate(&keeper, BTC, &bob).unwrap();
    assert_eq!(attr(&res, "funding_paid"), "997975000");
    let market = suite.market(BTC);
    assert_eq!(
        market.last_funding_time,
        Timestamp::from_seconds(start + 2 * HOUR + 59)
    );
    assert_eq!(
        indices(&suite),
        (
            dec(997_975_000_000_000_000),
            dec(-1_995_950_000_000_000_000)
        )
    );
    assert_eq!(accrued(&suite, "arb"), -997_975_000);
}

// ---------------------------------------------------------------------------------------------
// Stale indices: a span is charged only for its seconds before `publish_time +
// oracle_max_age_seconds`; settles, pushes and fills use the same rule.
// ---------------------------------------------------------------------------------------------

/// The feed was silent from start + 1 to start + 2h - 59 and again after start + 2h - 59: the
/// push at start + 2h - 59 catches up 7,140 s of which 600 were fresh (0.0825 per long unit);
/// bob's close at start + 2h + 601 (closing needs no fresh price) catches up 660 s of which 600
/// were fresh: 0.165 per long unit in all, 165 USDC, all due to arb.
#[test]
fn a_close_after_a_stale_gap_charges_only_the_fresh_seconds() {
    let mut suite = setup();
    let (bob, keeper) = (suite.addr("bob"), suite.addr("keeper"));
    let start = two_sided_at_99(&mut suite);
    later(&mut suite, 2 * HOUR - 60, "99");
    assert_eq!(
        indices(&suite),
        (dec(82_500_000_000_000_000), dec(-165_000_000_000_000_000))
    );
    suite.advance(660);
    assert_eq!(suite.now().seconds(), start + 2 * HOUR + 601);
    let res = suite.close(&bob, BTC).unwrap();
    assert_eq!(attr(&res, "funding_paid"), "165000000");
    let market = suite.market(BTC);
    assert_eq!(
        market.last_funding_time,
        Timestamp::from_seconds(start + 2 * HOUR + 601)
    );
    assert_eq!(
        indices(&suite),
        (dec(165_000_000_000_000_000), dec(-330_000_000_000_000_000))
    );
    suite.push_price(BTC, "99").unwrap();
    assert_eq!(
        suite.settle_funding(&keeper, BTC).unwrap_err(),
        ContractError::FundingNotDue
    );
    assert_eq!(accrued(&suite, "arb"), -165_000_000);
}

/// Review 3: a payer could once dodge funding for the whole market with a 1-unit reduce while
/// the index was momentarily stale. Now the reduce charges every fresh second up to it: the
/// index 99 pushed at start + 2h - 300 is stale from start + 2h + 300; bob's 1-unit reduce at
/// start + 2h + 301 charges 7,499 s at the cap (1.0311125 per long unit): bob pays 1,031.1125
/// USDC, arb is due as much.
#[test]
fn a_one_unit_reduce_on_a_briefly_stale_index_still_charges_every_fresh_second() {
    let mut suite = setup();
    let (bob, keeper) = (suite.addr("bob"), suite.addr("keeper"));
    let start = two_sided_at_99(&mut suite);
    hold_until(&mut suite, start + 2 * HOUR - 300, "99");
    suite.advance(601);
    let res = suite.trade(&bob, BTC, -1, 0).unwrap();
    assert_eq!(attr(&res, "funding_paid"), "1031112500");
    suite.push_price(BTC, "99").unwrap();
    assert_eq!(
        suite.settle_funding(&keeper, BTC).unwrap_err(),
        ContractError::FundingNotDue
    );
    assert_eq!(
        indices(&suite),
        (
            dec(1_031_112_500_000_000_000),
            dec(-2_062_225_000_000_000_000)
        )
    );
    assert_eq!(accrued(&suite, "arb"), -1_031_112_500);
}

/// `SettleFunding` needs no fresh index now: the index pushed at start + 2h - 600 is 1,200 s
/// old at the settle, which charges its first 600 s (0.0825 per long unit, 82.5 USDC) and moves
/// the clock to now. A settle 300 s later charges nothing (`seconds_charged` 0, rate 0) but
/// still moves the clock; a fresh index then prices what follows.
#[test]
fn settle_funding_charges_up_to_the_index_staleness_and_moves_the_clock() {
    let mut suite = setup();
    let keeper = suite.addr("keeper");
    let start = two_sided_at_99(&mut suite);
    hold_until(&mut suite, start + 2 * HOUR - 600, "99");
    let (long_before, _) = indices(&suite);
    suite.advance(1_200);
    let res = suite.settle_funding(&keeper, BTC).unwrap();
    assert_eq!(seconds(&res), pair(1_200, 600));
    assert_eq!(attr(&res, "paid"), "82500000");
    assert_eq!(
        suite.market(BTC).cum_funding_long - long_before,
        dec(82_500_000_000_000_000)
    );
    suite.advance(300);
    let res = suite.settle_funding(&keeper, BTC).unwrap();
    assert_eq!(seconds(&res), pair(300, 0));
    assert_eq!(
        (attr(&res, "rate"), attr(&res, "paid")),
        ("0".into(), "0".into())
    );
    let market = suite.market(BTC);
    assert_eq!(
        market.last_funding_time,
        Timestamp::from_seconds(start + 2 * HOUR + 900)
    );
    assert_eq!(
        indices(&suite),
        (
            dec(989_862_500_000_000_000),
            dec(-1_979_725_000_000_000_000)
        )
    );
    assert_eq!(
        (accrued(&suite, "bob"), accrued(&suite, "arb")),
        (989_862_500, -989_862_500)
    );
    later(&mut suite, 600, "99");
    suite.advance(600);
    let res = suite.settle_funding(&keeper, BTC).unwrap();
    assert_eq!(seconds(&res), pair(600, 600));
    assert_eq!(attr(&res, "paid"), "82500000");
}

/// (f) `PushPrice` catches funding up before it changes the index: 300 s at index 99 (longs
/// pay 0.005 * 99 * 300 / 3600 = 0.04125 per unit) are priced at 99 although the push moves the
/// index to 101; from then on the premium is negative (mark 100.1 < 101), capped at -0.5%:
/// shorts pay 0.005 * 101 * 300 / 3600 = 0.042083333333333333 per unit, longs receive half of
/// it per unit (5e8 / 1e9), truncated.
#[test]
fn push_price_catches_funding_up_before_the_index_changes() {
    let mut suite = setup();
    let keeper = suite.addr("keeper");
    let start = two_sided_at_99(&mut suite);
    later(&mut suite, 300, "101");
    let market = suite.market(BTC);
    assert_eq!(
        market.last_funding_time,
        Timestamp::from_seconds(start + 301)
    );
    assert_eq!(
        indices(&suite),
        (dec(41_250_000_000_000_000), dec(-82_500_000_000_000_000))
    );
    suite.advance(300);
    let res = suite.settle_funding(&keeper, BTC).unwrap();
    assert_eq!(seconds(&res), pair(300, 300));
    assert_eq!(attr(&res, "rate"), "-0.005");
    assert_eq!(attr(&res, "paid"), "21041666");
    assert_eq!(
        indices(&suite),
        (dec(20_208_333_333_333_334), dec(-40_416_666_666_666_667))
    );
    assert_eq!(accrued(&suite, "bob"), 20_208_334);
    assert_eq!(accrued(&suite, "arb"), -20_208_333);
}

// ---------------------------------------------------------------------------------------------
// Halts and governance changes catch funding up first.
// ---------------------------------------------------------------------------------------------

/// The governor halts at start + 2h + 59 and un-halts 60 s later. Halting first charges the
/// 29 s since the last push (the indices are then at 7,258 s at the cap: 0.997975 per long
/// unit); the minute of the halt is never charged (the clock moves to its end); the hour after
/// it is: 0.495 more per long unit.
#[test]
fn halting_charges_up_to_the_halt_and_nothing_during_it() {
    let mut suite = setup();
    let keeper = suite.addr("keeper");
    let start = two_sided_at_99(&mut suite);
    hold_until(&mut suite, start + 2 * HOUR + 30, "99");
    suite.advance(29);
    halt(&mut suite);
    let market = suite.market(BTC);
    assert_eq!(
        market.last_funding_time,
        Timestamp::from_seconds(start + 2 * HOUR + 59)
    );
    assert_eq!(
        indices(&suite),
        (
            dec(997_975_000_000_000_000),
            dec(-1_995_950_000_000_000_000)
        )
    );
    later(&mut suite, 60, "99");
    set_pause(&mut suite, EnginePause::default());
    let after = suite.market(BTC);
    assert_eq!(
        after.last_funding_time,
        Timestamp::from_seconds(start + 2 * HOUR + 119)
    );
    assert_eq!(
        (after.cum_funding_long, after.cum_funding_short),
        (market.cum_funding_long, market.cum_funding_short)
    );
    assert_eq!(
        suite.settle_funding(&keeper, BTC).unwrap_err(),
        ContractError::FundingNotDue
    );
    assert_eq!(
        (accrued(&suite, "bob"), accrued(&suite, "arb")),
        (997_975_000, -997_975_000)
    );
    hold_until(&mut suite, start + 3 * HOUR + 119 - 300, "99");
    suite.advance(300);
    let res = suite.settle_funding(&keeper, BTC).unwrap();
    assert_eq!(seconds(&res), pair(300, 300));
    assert_eq!(
        indices(&suite),
        (
            dec(1_492_975_000_000_000_000),
            dec(-2_985_950_000_000_000_000)
        )
    );
    assert_eq!(
        (accrued(&suite, "bob"), accrued(&suite, "arb")),
        (1_492_975_000, -1_492_975_000)
    );
}

/// Halted from start + 2h + 59 to start + 4h + 59 with fresh prices pushed all along: the pushes
/// accrue nothing during the halt, ending it moves the clock to its end without charging, and
/// the hour after it is charged (0.495 per long unit more).
#[test]
fn lifting_a_halt_charges_nothing_for_the_halt() {
    let mut suite = setup();
    let keeper = suite.addr("keeper");
    let start = two_sided_at_99(&mut suite);
    hold_until(&mut suite, start + 2 * HOUR + 59, "99");
    halt(&mut suite);
    let at_halt = indices(&suite);
    assert_eq!(
        at_halt,
        (
            dec(997_975_000_000_000_000),
            dec(-1_995_950_000_000_000_000)
        )
    );
    hold_until(&mut suite, start + 4 * HOUR + 59, "99");
    assert_eq!(
        suite.market(BTC).last_funding_time,
        Timestamp::from_seconds(start + 2 * HOUR + 59),
        "pushes during a halt accrue nothing"
    );
    set_pause(&mut suite, EnginePause::default());
    let market = suite.market(BTC);
    assert_eq!(
        market.last_funding_time,
        Timestamp::from_seconds(start + 4 * HOUR + 59)
    );
    assert_eq!(indices(&suite), at_halt);
    assert_eq!(
        suite.settle_funding(&keeper, BTC).unwrap_err(),
        ContractError::FundingNotDue
    );
    hold_until(&mut suite, start + 5 * HOUR + 59 - 300, "99");
    suite.advance(300);
    let res = suite.settle_funding(&keeper, BTC).unwrap();
    assert_eq!(seconds(&res), pair(300, 300));
    assert_eq!(
        suite.market(BTC).last_funding_time,
        Timestamp::from_seconds(start + 5 * HOUR + 59)
    );
    assert_eq!(
        indices(&suite),
        (
            dec(1_492_975_000_000_000_000),
            dec(-2_985_950_000_000_000_000)
        )
    );
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

/// The governor lowers the funding cap to 0.1% at start + 2h + 59, 29 s after the last push.
/// The update charges those 29 s at the old cap first (0.997975 per long unit in all); the next
/// hour is charged at the new one: 0.001 * 99 = 0.099 per long unit (0.00825 per 300 s span),
/// 0.198 per short unit.
#[test]
fn update_market_charges_the_time_before_it_at_the_old_parameters() {
    let mut suite = setup();
    let keeper = suite.addr("keeper");
    let start = two_sided_at_99(&mut suite);
    hold_until(&mut suite, start + 2 * HOUR + 30, "99");
    suite.advance(29);
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
        Timestamp::from_seconds(start + 2 * HOUR + 59)
    );
    assert_eq!(
        indices(&suite),
        (
            dec(997_975_000_000_000_000),
            dec(-1_995_950_000_000_000_000)
        )
    );
    assert_eq!(
        suite.settle_funding(&keeper, BTC).unwrap_err(),
        ContractError::FundingNotDue
    );
    hold_until(&mut suite, start + 3 * HOUR + 59 - 300, "99");
    suite.advance(300);
    let res = suite.settle_funding(&keeper, BTC).unwrap();
    assert_eq!(attr(&res, "rate"), "0.001");
    assert_eq!(attr(&res, "paid"), "8250000");
    assert_eq!(
        indices(&suite),
        (
            dec(1_096_975_000_000_000_000),
            dec(-2_193_950_000_000_000_000)
        )
    );
}

/// While halted, `UpdateMarket` charges nothing: halted from start + 1h30 to start + 2h30 with
/// the cap lowered to 0.1% in between; the halt stays uncharged through the update and the
/// un-halt, and the hour after it is charged at the new cap (0.099 per long unit).
#[test]
fn update_market_during_a_halt_charges_nothing() {
    let mut suite = setup();
    let keeper = suite.addr("keeper");
    let start = two_sided_at_99(&mut suite);
    hold_until(&mut suite, start + HOUR + 1_800, "99");
    halt(&mut suite);
    let at_halt = indices(&suite);
    assert_eq!(
        at_halt,
        (
            dec(742_362_500_000_000_000),
            dec(-1_484_725_000_000_000_000)
        )
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
        Timestamp::from_seconds(start + HOUR + 1_800)
    );
    assert_eq!(indices(&suite), at_halt);
    set_pause(&mut suite, EnginePause::default());
    let market = suite.market(BTC);
    assert_eq!(
        market.last_funding_time,
        Timestamp::from_seconds(start + 2 * HOUR + 1_800)
    );
    assert_eq!(indices(&suite), at_halt);
    hold_until(&mut suite, start + 3 * HOUR + 1_800 - 300, "99");
    suite.advance(300);
    suite.settle_funding(&keeper, BTC).unwrap();
    assert_eq!(
        indices(&suite),
        (
            dec(841_362_500_000_000_000),
            dec(-1_682_725_000_000_000_000)
        )
    );
}

/// A new interval length applies from the update on, and no clock reset is needed: the rate
/// stays a rate per interval, so at 60 s intervals the cap is 0.5% a minute. carl opens a 1e9
/// short at start + 1h30m30s (mark 99.9 vs index 99, still capped: longs pay); 29 s later the
/// update charges those 29 s at the hourly cap (carl due 2,658,333), and the next 60 s charge
/// 0.005 * 99 = 0.495 per long unit: carl is due 332,658,333 in all, bob owes 1,245.475 USDC.
#[test]
fn a_new_funding_interval_length_applies_from_the_update_on() {
    let mut suite = setup();
    let (carl, keeper) = (suite.addr("carl"), suite.addr("keeper"));
    let start = two_sided_at_99(&mut suite);
    hold_until(&mut suite, start + HOUR + 1_830, "99");
    suite
        .trade(&carl, BTC, -1_000_000_000, 12_000 * ONE)
        .unwrap();
    suite.advance(29);
    update_market(
        &mut suite,
        MarketParams {
            funding_interval_seconds: 60,
            ..default_market_params()
        },
    );
    let market = suite.market(BTC);
    assert_eq!(
        market.last_funding_time,
        Timestamp::from_seconds(start + HOUR + 1_859)
    );
    assert_eq!(
        indices(&suite),
        (
            dec(750_475_000_000_000_000),
            dec(-1_495_633_333_333_333_333)
        )
    );
    assert_eq!(accrued(&suite, "carl"), -2_658_333);
    assert_eq!(
        suite.settle_funding(&keeper, BTC).unwrap_err(),
        ContractError::FundingNotDue
    );
    suite.advance(60);
    let res = suite.settle_funding(&keeper, BTC).unwrap();
    assert_eq!(seconds(&res), pair(60, 60));
    assert_eq!(attr(&res, "paid"), "495000000");
    assert_eq!(
        indices(&suite),
        (
            dec(1_245_475_000_000_000_000),
            dec(-1_825_633_333_333_333_333)
        )
    );
    assert_eq!(accrued(&suite, "carl"), -332_658_333);
    assert_eq!(accrued(&suite, "bob"), 1_245_475_000);
}

// ---------------------------------------------------------------------------------------------
// Attacks on funding in time (review 4). Each replays an attack that paid on the interval
// rules (one settle charged a whole interval to whoever held open interest at that moment, at
// the mark of that moment, and skipped an interval in which a side was empty at any moment);
// the figures of the old rules are in each test's docs.
// ---------------------------------------------------------------------------------------------

/// Attack 2: bob long 2e10 at index 100 (mark ~103.9, rate at the 0.5% cap: the longs pay
/// 0.5 * 2e10 = 10,000 USDC an hour); carl short 1e9 holds all along. eve opens a 1e10 short
/// 10 s before the hour ends (start + 1h) and closes it 20 s after. Under the interval rules the
/// settle at start + 1h charged the whole hour to the open interest of that moment: eve took
/// 10/11 of it (9,091 USDC, +7,034 net of her two taker fees) and carl, who held the whole
/// hour, 909. Now eve earns 30 s of funding: 10 s at 10/11 of 2.78 USDC/s and 20 s likewise,
/// 75.76 USDC, far below her fees (~2,058 USDC); carl receives 3,590 s alone and 10 s at 1/11:
/// 9,974.75 USDC for the hour.
#[test]
fn a_short_held_30_s_across_the_hour_earns_30_s_of_funding_and_loses_the_fees() {
    let mut suite = setup();
    let (bob, carl, eve, keeper) = (
        suite.addr("bob"),
        suite.addr("carl"),
        suite.addr("eve"),
        suite.addr("keeper"),
    );
    let start = suite.now().seconds();
    suite
        .trade(&bob, BTC, 20_000_000_000, 250_000 * ONE)
        .unwrap();
    suite
        .trade(&carl, BTC, -1_000_000_000, 12_000 * ONE)
        .unwrap();
    hold_until(&mut suite, start + HOUR - 10, "100");
    let eve_before = suite.balance(&eve);
    suite
        .trade(&eve, BTC, -10_000_000_000, 110_000 * ONE)
        .unwrap();
    suite.advance(10);
    suite.settle_funding(&keeper, BTC).unwrap();
    let carl_hour = -accrued(&suite, "carl");
    suite.advance(20);
    let res = suite.close(&eve, BTC).unwrap();
    let eve_funding = -attr(&res, "funding_paid").parse::<i128>().unwrap();
    let eve_net = suite.balance(&eve) as i128 - eve_before as i128;
    println!("attack 2: eve funding {eve_funding}, eve net {eve_net}, carl's hour {carl_hour}");
    // 30 s of the shorts' 10,000 USDC an hour is 83.33 USDC; eve holds 10/11 of the shorts.
    assert!(
        (75_757_000..=75_758_000).contains(&eve_funding),
        "eve earned {eve_funding}"
    );
    assert!(eve_net < -1_900 * ONE as i128, "eve netted {eve_net}");
    assert!(
        (9_974_740_000..=9_974_760_000).contains(&carl_hour),
        "carl received {carl_hour} for the hour he held"
    );
}

/// Attack 3: a balanced book, bob long 2e10 and eve short 2e10 at index 100: mark = index,
/// honest rate 0. eve's second account mallory opens a 3e9 long 10 s before the hour ends,
/// lifting the mark 0.6% (rate at its 0.5% cap), and closes 20 s after. Under the interval rules
/// mallory's close charged the whole hour at that rate: bob paid 10,000 USDC, eve received
/// 11,500, mallory paid 1,500 and ~600 in taker fees: +9,398 USDC for the pair. Now the pair
/// earns 30 s at the cap: eve receives 0.5 * 2.3e10 * 30 / 3600 = 95.83 USDC, mallory pays 12.5
/// of it, bob 83.33; the pair loses ~517 USDC after mallory's fees.
#[test]
fn a_mark_pushed_for_30_s_earns_30_s_at_the_cap_and_loses_the_fees() {
    let mut suite = setup();
    let (bob, eve, mallory) = (suite.addr("bob"), suite.addr("eve"), suite.addr("mallory"));
    let start = suite.now().seconds();
    suite
        .trade(&bob, BTC, 20_000_000_000, 250_000 * ONE)
        .unwrap();
    suite
        .trade(&eve, BTC, -20_000_000_000, 250_000 * ONE)
        .unwrap();
    assert_eq!(suite.market(BTC).base_reserve.u128(), 1_000_000_000_000);
    hold_until(&mut suite, start + HOUR - 10, "100");
    assert_eq!((accrued(&suite, "bob"), accrued(&suite, "eve")), (0, 0));
    let mallory_before = suite.balance(&mallory);
    suite
        .trade(&mallory, BTC, 3_000_000_000, 40_000 * ONE)
        .unwrap();
    suite.advance(30);
    let res = suite.close(&mallory, BTC).unwrap();
    let mallory_funding = attr(&res, "funding_paid").parse::<i128>().unwrap();
    let mallory_net = suite.balance(&mallory) as i128 - mallory_before as i128;
    let (bob_paid, eve_received) = (accrued(&suite, "bob"), -accrued(&suite, "eve"));
    let pair = eve_received + mallory_net;
    println!(
        "attack 3: bob paid {bob_paid}, eve received {eve_received}, mallory paid \
         {mallory_funding} and netted {mallory_net}, pair {pair}"
    );
    // 30 s at the cap: 0.5 * 30 / 3600 per long unit.
    assert_eq!(bob_paid, 83_333_334);
    assert_eq!(mallory_funding, 12_500_000);
    assert!(
        (95_833_000..=95_833_334).contains(&eve_received),
        "eve received {eve_received}"
    );
    assert!(pair < -500 * ONE as i128, "the pair netted {pair}");
}

/// Attack 3b: bob, the only (paying) long, closes and reopens at the half hour to empty his side
/// for a moment. Under the interval rules the hour was then skipped: bob saved 10,000 USDC of
/// funding for ~4,000 of fees and carl received nothing. Now bob pays for every second he was
/// open: 0.5 * 2e10 * 1800 / 3600 = 5,000 USDC on his close and 5,000 more for the second half
/// hour; carl receives both, but for one unit of rounding: 0.8333... per unit and 300 s span,
/// truncated at 18 decimals, times 12 spans and 1e9 units, 9,999,999,999.
#[test]
fn the_paying_side_emptying_for_a_moment_still_pays_for_all_its_time() {
    let mut suite = setup();
    let (bob, carl, keeper) = (suite.addr("bob"), suite.addr("carl"), suite.addr("keeper"));
    let start = suite.now().seconds();
    suite
        .trade(&bob, BTC, 20_000_000_000, 250_000 * ONE)
        .unwrap();
    suite
        .trade(&carl, BTC, -1_000_000_000, 12_000 * ONE)
        .unwrap();
    hold_until(&mut suite, start + HOUR / 2, "100");
    let res = suite.close(&bob, BTC).unwrap();
    let first_half = attr(&res, "funding_paid").parse::<i128>().unwrap();
    suite
        .trade(&bob, BTC, 20_000_000_000, 250_000 * ONE)
        .unwrap();
    // The push at start + 1h catches the market up.
    hold_until(&mut suite, start + HOUR, "100");
    assert_eq!(
        suite.settle_funding(&keeper, BTC).unwrap_err(),
        ContractError::FundingNotDue
    );
    let second_half = accrued(&suite, "bob");
    let carl_received = -accrued(&suite, "carl");
    println!("attack 3b: bob paid {first_half} + {second_half}, carl received {carl_received}");
    assert_eq!(first_half, 5_000_000_000);
    assert_eq!(second_half, 5_000_000_000);
    assert_eq!(carl_received, 9_999_999_999);
}
