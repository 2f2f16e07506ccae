//! Read-only views of the fund: `SimulateLoss`, `PreviewDeposit`, `Underwriter`,
//! `WithdrawalRequest(s)`, `State`, `Coverage` at a given open interest and `Yield`, each checked against what the fund then does or
//! against numbers computed independently (Python integers; the arithmetic is in the comments).

use std::str::FromStr;

use cosmwasm_std::{Addr, Decimal, Decimal256, SignedDecimal256, Timestamp, Uint128};
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed};
use tranche_perps_testing::time::{DAY, HOUR, YEAR};
use tranche_perps_testing::{Suite, ONE};
use tranche_perps_types::fund::{
    CoverageResponse, FundParams, QueryMsg, RequestStatus, Tranche, UnderwriterResponse,
    YieldResponse,
};

/// Default cooldown.
const COOLDOWN: u64 = 7 * DAY;
/// Default claim window.
const CLAIM_WINDOW: u64 = 2 * DAY;

fn suite() -> Suite {
    Suite::builder()
        .with_underwriters(&["alice", "bob", "payer"], 1_000_000 * ONE)
        .build()
}

fn names(suite: &Suite) -> (Addr, Addr, Addr) {
    (suite.addr("alice"), suite.addr("bob"), suite.addr("payer"))
}

fn dec(s: &str) -> Decimal256 {
    Decimal256::from_str(s).unwrap()
}

/// Reserve 10 coins, alice 100 coins junior, bob 400 coins senior, default parameters.
fn three_layers() -> Suite {
    let mut suite = suite();
    let (alice, bob, payer) = names(&suite);
    suite.premium(&payer, 10 * ONE).unwrap();
    suite.deposit(&alice, Tranche::Junior, 100 * ONE).unwrap();
    suite.deposit(&bob, Tranche::Senior, 400 * ONE).unwrap();
    suite
}

#[test]
fn simulate_loss_predicts_what_cover_shortfall_then_does() {
    let mut suite = three_layers();
    let state_before = suite.state();

    // cap floor(510_000_000 / 2) = 255_000_000: reserve 10_000_000, junior 99_999_000,
    // senior 255_000_000 - 109_999_000 = 145_001_000, unpaid 45_000_000
    let sim = suite.simulate_loss(300 * ONE);
    assert_eq!(sim.asked, Uint128::new(300 * ONE));
    assert_eq!(sim.cap_remaining, Uint128::new(255 * ONE));
    assert_eq!(sim.from_reserve, Uint128::new(10 * ONE));
    assert_eq!(sim.from_junior, Uint128::new(99_999_000));
    assert_eq!(sim.from_senior, Uint128::new(145_001_000));
    assert_eq!(sim.unpaid, Uint128::new(45 * ONE));
    // junior (1000 + 1) / (10^11 + 1000); senior (254_999_000 + 1) / (4 * 10^11 + 1000)
    assert_eq!(sim.junior_price_after, dec("0.000000010009999899"));
    assert_eq!(sim.senior_price_after, dec("0.000637497500906256"));
    // a simulation changes nothing
    assert_eq!(suite.state(), state_before);

    let res = suite.cover_shortfall(1, 300 * ONE).unwrap();
    let loss = suite.loss(1);
    assert_eq!(loss.paid_by_reserve, sim.from_reserve);
    assert_eq!(loss.paid_by_junior, sim.from_junior);
    assert_eq!(loss.paid_by_senior, sim.from_senior);
    assert_eq!(loss.unpaid, sim.unpaid);
    assert_eq!(res.unpaid, sim.unpaid);
    let state = suite.state();
    assert_eq!(state.junior.price, sim.junior_price_after);
    assert_eq!(state.senior.price, sim.senior_price_after);

    // within the same window nothing is left; the simulation says so, and so does the payout
    let sim = suite.simulate_loss(ONE);
    assert_eq!(sim.cap_remaining, Uint128::zero());
    assert_eq!(sim.unpaid, Uint128::new(ONE));
    assert_eq!(suite.cover_shortfall(2, ONE).unwrap().paid, Uint128::zero());

    // after the window the simulation opens a new one, as the payout will:
    // assets 1000 + 254_999_000 = 255_000_000, cap 127_500_000, junior has nothing above 1000
    suite.advance(DAY);
    let sim = suite.simulate_loss(200 * ONE);
    assert_eq!(sim.cap_remaining, Uint128::new(127_500_000));
    assert_eq!(
        (
            sim.from_reserve,
            sim.from_junior,
            sim.from_senior,
            sim.unpaid
        ),
        (
            Uint128::zero(),
            Uint128::zero(),
            Uint128::new(127_500_000),
            Uint128::new(72_500_000)
        )
    );
    suite.cover_shortfall(3, 200 * ONE).unwrap();
    let loss = suite.loss(3);
    assert_eq!(
        (
            loss.paid_by_reserve,
            loss.paid_by_junior,
            loss.paid_by_senior,
            loss.unpaid
        ),
        (
            sim.from_reserve,
            sim.from_junior,
            sim.from_senior,
            sim.unpaid
        )
    );
    assert_eq!(suite.state().senior.price, sim.senior_price_after);
}

#[test]
fn preview_deposit_equals_the_shares_minted() {
    let mut suite = suite();
    let (alice, bob, payer) = names(&suite);
    suite.deposit(&alice, Tranche::Junior, 1_000 * ONE).unwrap();
    suite.premium(&payer, 333_333).unwrap();
    suite.unlock_premium();
    suite.deposit(&bob, Tranche::Senior, 300 * ONE).unwrap();

    // junior starts at assets 1_000_333_333, supply 10^12; each deposit moves it on:
    // s = a * (S + 1000) // (A + 1)
    let expected: [(u128, u128); 4] = [
        (1, 999),
        (999, 998_667),
        (12_345_678, 12_341_564_149),
        (77 * ONE, 76_974_341_911),
    ];
    for (amount, shares) in expected {
        let preview = suite.preview_deposit(Tranche::Junior, amount);
        assert_eq!(preview, shares, "preview of {amount}");
        let before = suite.shares(Tranche::Junior, &bob);
        suite.deposit(&bob, Tranche::Junior, amount).unwrap();
        assert_eq!(suite.shares(Tranche::Junior, &bob) - before, preview);
    }
    // senior, still at its first-deposit price
    let preview = suite.preview_deposit(Tranche::Senior, 5 * ONE);
    assert_eq!(preview, 5_000_000_000);
    let before = suite.shares(Tranche::Senior, &payer);
    suite.deposit(&payer, Tranche::Senior, 5 * ONE).unwrap();
    assert_eq!(suite.shares(Tranche::Senior, &payer) - before, preview);
    // zero shares previewed: the deposit would be refused
    assert_eq!(suite.preview_deposit(Tranche::Junior, 0), 0);
}

#[test]
fn underwriter_view_shows_wallet_shares_their_floor_value_and_a_page_of_requests() {
    let mut suite = suite();
    let (alice, _, payer) = names(&suite);
    suite.deposit(&alice, Tranche::Junior, 500 * ONE).unwrap();
    suite.deposit(&alice, Tranche::Senior, 1_000 * ONE).unwrap();
    // split of 1_000_001: junior floor(1_000_001 * 1500 / 2500) = 600_000, senior 400_001
    suite.premium(&payer, 1_000_001).unwrap();
    suite.unlock_premium();

    let view = suite.underwriter(&alice);
    assert_eq!(view.address, alice);
    assert_eq!(view.junior.shares, Uint128::new(500_000_000_000));
    // 5 * 10^11 * 500_600_001 / (5 * 10^11 + 1000) = 500_599_999.9.. -> 500_599_999
    assert_eq!(view.junior.value, Uint128::new(500_599_999));
    assert_eq!(view.senior.shares, Uint128::new(1_000_000_000_000));
    // 10^12 * 1_000_400_002 / (10^12 + 1000) = 1_000_400_000.9.. -> 1_000_400_000
    assert_eq!(view.senior.value, Uint128::new(1_000_400_000));
    assert!(view.requests.is_empty());

    let ids: Vec<u64> = (0..12)
        .map(|_| {
            suite
                .request_withdrawal(&alice, Tranche::Junior, 1_000_000_000)
                .unwrap()
        })
        .collect();
    let view = suite.underwriter(&alice);
    // shares held for requests are not in the wallet: 5 * 10^11 - 12 * 10^9 = 488 * 10^9,
    // worth 488 * 10^9 * 500_600_001 / (5 * 10^11 + 1000) = 488_585_599
    assert_eq!(view.junior.shares, Uint128::new(488_000_000_000));
    assert_eq!(view.junior.value, Uint128::new(488_585_599));
    // default page: the first 10 requests
    let page: Vec<u64> = view.requests.iter().map(|r| r.id).collect();
    assert_eq!(page, ids[..10]);
    // each worth 10^9 * 500_600_001 / (5 * 10^11 + 1000) = 1_001_199
    assert!(view
        .requests
        .iter()
        .all(|r| r.payout_now == Uint128::new(1_001_199) && r.owner == alice));

    let page = |start_after: Option<u64>, limit: Option<u32>| -> Vec<u64> {
        let view: UnderwriterResponse = suite
            .try_query(&QueryMsg::Underwriter {
                address: alice.to_string(),
                start_after,
                limit,
            })
            .unwrap();
        view.requests.iter().map(|r| r.id).collect()
    };
    assert_eq!(page(Some(ids[9]), None), ids[10..]);
    assert_eq!(page(Some(ids[2]), Some(3)), ids[3..6]);
    assert_eq!(page(None, Some(50)), ids);
}

#[test]
fn withdrawal_requests_page_by_owner_in_ascending_id_order() {
    let mut suite = suite();
    let (alice, bob, _) = names(&suite);
    suite.deposit(&alice, Tranche::Junior, 1_000 * ONE).unwrap();
    suite.deposit(&bob, Tranche::Junior, 1_000 * ONE).unwrap();
    let mut alice_ids = vec![];
    let mut bob_ids = vec![];
    for _ in 0..3 {
        alice_ids.push(
            suite
                .request_withdrawal(&alice, Tranche::Junior, ONE)
                .unwrap(),
        );
        bob_ids.push(
            suite
                .request_withdrawal(&bob, Tranche::Junior, ONE)
                .unwrap(),
        );
    }
    alice_ids.push(
        suite
            .request_withdrawal(&alice, Tranche::Junior, ONE)
            .unwrap(),
    );
    assert_eq!(alice_ids, vec![1, 3, 5, 7]);
    assert_eq!(bob_ids, vec![2, 4, 6]);

    let ids = |suite: &Suite, owner: &Addr, start_after, limit| -> Vec<u64> {
        let page = suite.requests(owner, start_after, limit);
        assert!(page.iter().all(|r| r.owner == *owner));
        page.iter().map(|r| r.id).collect()
    };
    assert_eq!(ids(&suite, &alice, None, Some(2)), vec![1, 3]);
    assert_eq!(ids(&suite, &alice, Some(3), Some(2)), vec![5, 7]);
    assert_eq!(ids(&suite, &alice, Some(7), None), Vec::<u64>::new());
    assert_eq!(ids(&suite, &bob, None, None), vec![2, 4, 6]);
    assert_eq!(ids(&suite, &bob, Some(1), Some(1)), vec![2]);

    // a claimed or cancelled request leaves the list
    suite.cancel(&alice, 3).unwrap();
    assert_eq!(ids(&suite, &alice, None, None), vec![1, 5, 7]);

    // at most 30 per page
    for _ in 0..30 {
        suite
            .request_withdrawal(&bob, Tranche::Junior, ONE)
            .unwrap();
    }
    assert_eq!(suite.requests(&bob, None, Some(1_000)).len(), 30);
    assert_eq!(suite.requests(&bob, None, None).len(), 10);
    assert_eq!(suite.requests(&bob, Some(bob_ids[2]), Some(30)).len(), 30);
}

#[test]
fn request_status_goes_cooling_down_claimable_lapsed_with_payout_now() {
    let mut suite = suite();
    let alice = suite.addr("alice");
    suite.deposit(&alice, Tranche::Junior, 1_000 * ONE).unwrap();
    let id = suite
        .request_withdrawal(&alice, Tranche::Junior, 400_000_000_000)
        .unwrap();

    let request = suite.request(id);
    assert_eq!(request.status, RequestStatus::CoolingDown);
    // 4 * 10^11 * 0.001
    assert_eq!(request.payout_now, Uint128::new(400_000_000));

    suite.advance(DAY);
    suite.cover_shortfall(1, 123_456_789).unwrap();
    // 4 * 10^11 * 876_543_212 / (10^12 + 1000) = 350_617_284.4.. -> 350_617_284
    let request = suite.request(id);
    assert_eq!(request.status, RequestStatus::CoolingDown);
    assert_eq!(request.payout_now, Uint128::new(350_617_284));

    suite.advance(COOLDOWN - DAY - 1);
    assert_eq!(suite.request(id).status, RequestStatus::CoolingDown);
    suite.advance(1);
    let request = suite.request(id);
    assert_eq!(request.status, RequestStatus::Claimable);
    assert_eq!(request.payout_now, Uint128::new(350_617_284));

    suite.advance(CLAIM_WINDOW - 1);
    assert_eq!(suite.request(id).status, RequestStatus::Claimable);
    suite.advance(1);
    let request = suite.request(id);
    assert_eq!(request.status, RequestStatus::Lapsed);
    assert_eq!(request.payout_now, Uint128::new(350_617_284));
}

#[test]
fn state_reports_junior_ratio_and_the_payout_window() {
    let mut suite = suite();
    let (alice, bob, payer) = names(&suite);
    let empty = suite.state();
    assert_eq!(empty.junior_ratio, None);
    assert_eq!(empty.junior.price, dec("0.001"));

    suite.deposit(&alice, Tranche::Junior, 300 * ONE).unwrap();
    suite.deposit(&bob, Tranche::Senior, 700 * ONE).unwrap();
    assert_eq!(suite.state().junior_ratio, Some(Decimal::percent(30)));
    // junior floor(7 * 900 / 1600) = 3, senior 4: (300_000_003) / (1_000_000_007)
    suite.premium(&payer, 7).unwrap();
    let state = suite.state();
    assert_eq!(
        state.junior_ratio,
        Some(Decimal::from_str("0.300000000899999993").unwrap())
    );
    assert_eq!(state.total_assets, Uint128::new(1_000_000_007));
    assert_eq!(state.reserve, Uint128::zero());

    // no payout yet: the view shows the window a payout now would open
    let t0 = suite.now();
    let window = state.payout_window;
    assert_eq!(window.start, t0);
    assert_eq!(window.end, t0.plus_seconds(DAY));
    assert_eq!(window.start_assets, Uint128::new(1_000_000_007));
    // floor(1_000_000_007 / 2)
    assert_eq!(window.cap, Uint128::new(500_000_003));
    assert_eq!(window.paid, Uint128::zero());

    suite.advance(HOUR);
    suite.cover_shortfall(1, 123 * ONE).unwrap();
    suite.advance(HOUR);
    let window = suite.state().payout_window;
    assert_eq!(window.start, t0.plus_seconds(HOUR));
    assert_eq!(window.end, t0.plus_seconds(HOUR + DAY));
    assert_eq!(window.start_assets, Uint128::new(1_000_000_007));
    assert_eq!(window.cap, Uint128::new(500_000_003));
    assert_eq!(window.paid, Uint128::new(123 * ONE));
    // junior paid it all: (300_000_003 - 123_000_000) / (1_000_000_007 - 123_000_000)
    //   = 177_000_003 / 877_000_007 = 0.201824403178140453
    assert_eq!(
        suite.state().junior_ratio,
        Some(Decimal::from_str("0.201824403178140453").unwrap())
    );

    // once the window is over the view shows a fresh one on today's assets
    suite.advance(DAY);
    let window = suite.state().payout_window;
    assert_eq!(window.start, t0.plus_seconds(2 * HOUR + DAY));
    assert_eq!(window.start_assets, Uint128::new(877_000_007));
    assert_eq!(window.cap, Uint128::new(438_500_003));
    assert_eq!(window.paid, Uint128::zero());
}

// ----- coverage -----

fn coverage_at(suite: &Suite, open_interest: Option<u128>) -> CoverageResponse {
    suite
        .try_query(&QueryMsg::Coverage {
            open_interest: open_interest.map(Uint128::new),
        })
        .unwrap()
}

/// `Coverage { open_interest }` answers "what if the engine's total open interest were this"
/// (the engine asks with its current total when it splits fees) and leaves the last reported
/// figure, which `State` and `Coverage {}` keep showing, alone.
#[test]
fn coverage_at_a_given_open_interest_leaves_the_report_alone() {
    let mut suite = three_layers();
    // 510 coins of assets; reported 1e9: target ceil(1000 * 1e9 / 10000) = 1e8, ratio 5.1.
    suite.report_open_interest(1_000_000_000).unwrap();
    let reported = CoverageResponse {
        total_assets: Uint128::new(510 * ONE),
        open_interest_notional: Uint128::new(1_000_000_000),
        target: 100_000_000u128.into(),
        coverage_ratio: Some(dec("5.1")),
    };
    assert_eq!(coverage_at(&suite, None), reported);

    // At 12_345_678_901: target ceil(1_234_567_890.1) = 1_234_567_891,
    // ratio floor(510_000_000 * 10^18 / 1_234_567_891) / 10^18.
    assert_eq!(
        coverage_at(&suite, Some(12_345_678_901)),
        CoverageResponse {
            total_assets: Uint128::new(510 * ONE),
            open_interest_notional: Uint128::new(12_345_678_901),
            target: 1_234_567_891u128.into(),
            coverage_ratio: Some(dec("0.413100003424599028")),
        }
    );
    // Zero open interest: no target, no ratio.
    let zero = coverage_at(&suite, Some(0));
    assert_eq!((zero.target, zero.coverage_ratio), (0u128.into(), None));
    // u128::MAX: target ceil(u128::MAX / 10) in 256 bits, ratio rounds down to 0.
    let max = coverage_at(&suite, Some(u128::MAX));
    assert_eq!(
        max.target.to_string(),
        "34028236692093846346337460743176821146"
    );
    assert_eq!(max.coverage_ratio, Some(Decimal256::zero()));

    // Asking changed nothing: the report stands.
    assert_eq!(coverage_at(&suite, None), reported);
    assert_eq!(suite.state().coverage, reported);
}

// ----- yield -----

fn big(x: u128) -> BigInt {
    BigInt::from(x)
}

/// Share price `(assets + 1) / (supply + 1000)` as an exact fraction.
fn price(assets: u128, supply: u128) -> BigRational {
    BigRational::new(big(assets + 1), big(supply + 1_000))
}

fn d256(x: Decimal256) -> BigRational {
    BigRational::new(
        BigInt::from_str(&x.atomics().to_string()).unwrap(),
        big(10u128.pow(18)),
    )
}

fn signed(x: SignedDecimal256) -> BigRational {
    BigRational::new(
        BigInt::from_str(&x.atomics().to_string()).unwrap(),
        big(10u128.pow(18)),
    )
}

/// Checks `annualized = (price_now / price_then - 1) * YEAR / (now - from)` with exact
/// rationals, up to 10^-12.
///
/// The tolerance: each price is a `Decimal256` floored to 10^-18 at a magnitude of about
/// 10^-3, a relative error below 10^-15; the quotient and the year fraction are floored to
/// 10^-18 again, and the year factor is below 100 here. The contract's result therefore lies
/// within 100 * (2 * 10^-15 + 10^-18) + 10^-18 < 10^-12 of the exact value, while an error of
/// a single second in the elapsed time would already move a yield of 0.36 by 4 * 10^-7.
fn assert_annualized(y: &YieldResponse, now: Timestamp, then: &BigRational, now_p: &BigRational) {
    let elapsed = now.seconds() - y.from.seconds();
    assert!(elapsed > 0);
    let exact =
        (now_p / then - BigRational::one()) * big(u128::from(YEAR)) / big(u128::from(elapsed));
    let diff = (signed(y.annualized) - exact).abs();
    let tolerance = BigRational::new(big(1), big(10u128.pow(12)));
    assert!(
        diff <= tolerance,
        "annualized {} is not (price_now / price_then - 1) * year / {elapsed}",
        y.annualized
    );
}

#[test]
fn yield_is_the_annualized_price_growth_since_the_reference_price() {
    let mut suite = suite();
    let (alice, _, payer) = names(&suite);
    let t0 = suite.now();
    suite.deposit(&alice, Tranche::Junior, 1_000 * ONE).unwrap();
    suite.advance(2 * HOUR);
    // senior is empty: junior assets 1_010_000_000 for 10^12 shares
    suite.premium(&payer, 10 * ONE).unwrap();
    let premium_time = suite.now();
    suite.advance(10 * DAY);
    let t = suite.now();

    let p_before = price(0, 0); // 0.001, also (10^9 + 1) / (10^12 + 1000)
    let p_after = price(1_010_000_000, 1_000_000_000_000);

    // a 30-day window reaches back past the fund's start: the reference is the price at the
    // fund's start, before the premium
    let y = suite.yield_of(Tranche::Junior, 30 * DAY);
    assert_eq!(y.tranche, Tranche::Junior);
    assert!(y.from < premium_time);
    assert!(y.from.seconds().abs_diff(t0.seconds()) < HOUR);
    assert_eq!(y.price_then, dec("0.001"));
    // 1_010_000_001 / 1_000_000_001_000 = 0.001009999999990000 (floored to 18 decimals)
    assert_eq!(y.price_now, dec("0.00100999999999"));
    assert!(y.annualized > SignedDecimal256::zero());
    // about 0.0099999999 * 365 / 10.06 = 0.3629
    assert!(y.annualized > SignedDecimal256::percent(36));
    assert!(y.annualized < SignedDecimal256::percent(37));
    assert_annualized(&y, t, &p_before, &p_after);

    // a 5-day window starts after the premium: no growth in it
    let y = suite.yield_of(Tranche::Junior, 5 * DAY);
    assert!(y.from > premium_time);
    assert_eq!(y.price_then, y.price_now);
    assert_eq!(y.annualized, SignedDecimal256::zero());
}

#[test]
fn yield_reference_price_is_the_share_price_at_its_from_time() {
    let mut suite = suite();
    let (alice, _, payer) = names(&suite);
    suite.deposit(&alice, Tranche::Junior, 1_000 * ONE).unwrap();
    suite.advance(2 * HOUR);
    let first_premium = suite.now();
    suite.premium(&payer, 10 * ONE).unwrap();
    suite.advance(HOUR);
    let second_premium = suite.now();
    suite.premium(&payer, 5 * ONE).unwrap();
    suite.advance(10 * DAY);
    let t = suite.now();

    // the price history of junior (10^12 shares throughout)
    let history = |time: Timestamp| -> BigRational {
        if time < first_premium {
            price(1_000_000_000, 1_000_000_000_000)
        } else if time < second_premium {
            price(1_010_000_000, 1_000_000_000_000)
        } else {
            price(1_015_000_000, 1_000_000_000_000)
        }
    };

    // a window that starts 200 s before the first premium (in the same hour as it)
    let window_start = first_premium.minus_seconds(200);
    let window = t.seconds() - window_start.seconds();
    let y = suite.yield_of(Tranche::Junior, window);
    assert!(y.from.seconds().abs_diff(window_start.seconds()) < HOUR);
    // the reported reference price must be the price at the reported time, so that growth
    // and elapsed time describe the same interval (each Decimal256 floors by < 10^-18)
    let then = history(y.from);
    let floor_error = BigRational::new(big(1), big(10u128.pow(18)));
    assert!(
        (d256(y.price_then) - &then).abs() < floor_error,
        "price_then {} is not the price at {}",
        y.price_then,
        y.from
    );
    assert_annualized(&y, t, &then, &history(t));
    assert!(y.annualized > SignedDecimal256::zero());
}

#[test]
fn yield_is_zero_without_premium() {
    let mut suite = suite();
    let (alice, bob, _) = names(&suite);
    suite.deposit(&alice, Tranche::Junior, 1_234_567).unwrap();
    suite.advance(3 * HOUR);
    suite.deposit(&bob, Tranche::Senior, 4_000_000).unwrap();
    suite.advance(20 * DAY);
    for tranche in Tranche::ALL {
        for window in [HOUR, DAY, 7 * DAY, 365 * DAY] {
            let y = suite.yield_of(tranche, window);
            assert_eq!(y.price_now, dec("0.001"));
            assert_eq!(y.price_then, dec("0.001"));
            assert_eq!(
                y.annualized,
                SignedDecimal256::zero(),
                "{tranche:?} {window}"
            );
        }
    }
}

#[test]
fn yield_is_negative_after_a_loss() {
    let mut suite = Suite::builder()
        .with_underwriters(&["alice"], 1_000_000 * ONE)
        .with_params(FundParams::default())
        .build();
    let alice = suite.addr("alice");
    suite.deposit(&alice, Tranche::Junior, 1_000 * ONE).unwrap();
    suite.advance(2 * HOUR);
    suite.cover_shortfall(1, 100 * ONE).unwrap();
    suite.advance(10 * DAY);
    let t = suite.now();
    let y = suite.yield_of(Tranche::Junior, 30 * DAY);
    assert_eq!(y.price_then, dec("0.001"));
    assert!(y.annualized < SignedDecimal256::zero());
    assert_annualized(&y, t, &price(0, 0), &price(900_000_000, 1_000_000_000_000));
}

#[test]
fn yield_is_never_measured_across_a_tranche_restart() {
    let mut suite = Suite::builder()
        .with_underwriters(&["alice", "carol"], 1_000_000 * ONE)
        .build();
    let (alice, carol) = (suite.addr("alice"), suite.addr("carol"));
    suite
        .deposit(&alice, Tranche::Junior, 100_000 * ONE)
        .unwrap();
    suite
        .update_params(tranche_perps_types::fund::FundParamsUpdate {
            max_payout_bps: Some(10_000),
            ..Default::default()
        })
        .unwrap();
    // a loss takes junior down to min_remaining (1,000 units): a checkpoint at that price
    suite.cover_shortfall(1, 100_000 * ONE).unwrap();
    assert_eq!(suite.state().junior.assets.u128(), 1_000);
    let id = suite
        .request_withdrawal(&alice, Tranche::Junior, 100_000_000_000_000)
        .unwrap();
    suite.advance(COOLDOWN + HOUR);
    // alice's claim is the last: the tranche restarts at the opening price
    suite.claim(&alice, id).unwrap();
    let restart_hour = suite.app.block_info().time.seconds() / HOUR;
    assert!(suite.state().junior.supply.is_zero());
    // carol enters the fresh tranche; nothing happens for two hours
    suite.deposit(&carol, Tranche::Junior, 1_000 * ONE).unwrap();
    suite.advance(2 * HOUR);

    // a 7-day window reaches back before the restart, but starts at the restart's checkpoint:
    // the opening price then, the same price now, no growth
    let weekly = suite.yield_of(Tranche::Junior, 7 * DAY);
    assert_eq!(weekly.price_then, weekly.price_now);
    assert_eq!(weekly.annualized, SignedDecimal256::zero());
    assert_eq!(weekly.from.seconds(), (restart_hour + 1) * HOUR);
}

/// Every premium or loss that moves a tranche's price leaves a checkpoint of the new price, in
/// each tranche it moves: a window that starts after the event measures no growth, one that
/// spans it measures the event.
#[test]
fn yield_windows_start_at_the_price_after_each_premium_and_loss_in_both_tranches() {
    let mut suite = suite();
    let (alice, bob, payer) = names(&suite);
    suite.deposit(&alice, Tranche::Junior, 1_000 * ONE).unwrap();
    suite.deposit(&bob, Tranche::Senior, 2_000 * ONE).unwrap();
    suite
        .update_params(tranche_perps_types::fund::FundParamsUpdate {
            max_payout_bps: Some(10_000),
            ..Default::default()
        })
        .unwrap();
    let opening = dec("0.001");
    let window_after = 5 * DAY - HOUR;

    // a premium split over both tranches raises both prices
    suite.advance(2 * HOUR);
    suite.premium(&payer, 30 * ONE).unwrap();
    suite.advance(5 * DAY);
    for tranche in Tranche::ALL {
        let spanning = suite.yield_of(tranche, 6 * DAY);
        assert_eq!(spanning.price_then, opening, "{tranche:?}");
        assert!(spanning.price_now > opening, "{tranche:?}");
        assert!(
            spanning.annualized > SignedDecimal256::zero(),
            "{tranche:?}"
        );
        let after = suite.yield_of(tranche, window_after);
        assert_eq!(after.price_then, after.price_now, "{tranche:?}");
        assert_eq!(after.annualized, SignedDecimal256::zero(), "{tranche:?}");
    }
    let after_premium = Tranche::ALL.map(|tranche| suite.yield_of(tranche, HOUR).price_now);

    // a loss larger than junior takes junior to min_remaining and the rest from senior
    let state = suite.state();
    let loss = state.junior.assets.u128() + 500 * ONE;
    suite.cover_shortfall(1, loss).unwrap();
    let state = suite.state();
    assert_eq!(state.junior.assets.u128(), 1_000);
    suite.advance(5 * DAY);
    for (i, tranche) in Tranche::ALL.into_iter().enumerate() {
        let spanning = suite.yield_of(tranche, 6 * DAY);
        assert_eq!(spanning.price_then, after_premium[i], "{tranche:?}");
        assert!(spanning.price_now < after_premium[i], "{tranche:?}");
        assert!(
            spanning.annualized < SignedDecimal256::zero(),
            "{tranche:?}"
        );
        let after = suite.yield_of(tranche, window_after);
        assert_eq!(after.price_then, after.price_now, "{tranche:?}");
        assert_eq!(after.annualized, SignedDecimal256::zero(), "{tranche:?}");
    }
}
