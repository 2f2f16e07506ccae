//! The worked example of `docs/fund.md#worked-example`, to the unit. Expected figures were
//! computed independently with integer arithmetic from `docs/fund.md` (V = 1000, weights 3:1,
//! cap 50%, min_remaining 1000); the derivation is in `docs/fund.md#worked-example`.

use tranche_perps_testing::scenario::fund_journey;
use tranche_perps_testing::Suite;

#[test]
fn readme_worked_example() {
    let mut suite = Suite::builder().build();
    let j = fund_journey(&mut suite).unwrap();

    // 100,000 USDC into an empty tranche: 1e11 * (0 + 1000) / (0 + 1).
    assert_eq!(j.alice_shares, 100_000_000_000_000);
    assert_eq!(j.bob_shares, 300_000_000_000_000);
    // 7,000 USDC premium, 3*100,000 : 1*300,000 -> 3,500 USDC each.
    assert_eq!(j.after_premium.junior.assets.u128(), 103_500_000_000);
    assert_eq!(j.after_premium.senior.assets.u128(), 303_500_000_000);
    // floor(5e10 * (1e14 + 1000) / (103,500,000,000 + 1)).
    assert_eq!(j.carol_shares, 48_309_178_743_977);
    // Loss of 200,000 USDC: cap = 457,000 * 50% = 228,500 USDC, so all is payable;
    // junior pays down to 1000 base units, senior the rest.
    assert_eq!(j.loss.asked.u128(), 200_000_000_000);
    assert_eq!(j.loss.paid_by_reserve.u128(), 0);
    assert_eq!(j.loss.paid_by_junior.u128(), 153_499_999_000);
    assert_eq!(j.loss.paid_by_senior.u128(), 46_500_001_000);
    assert_eq!(j.loss.unpaid.u128(), 0);
    assert_eq!(j.simulated.from_junior, j.loss.paid_by_junior);
    assert_eq!(j.simulated.from_senior, j.loss.paid_by_senior);
    assert_eq!(j.after_loss.junior.assets.u128(), 1_000);
    assert_eq!(j.after_loss.senior.assets.u128(), 256_999_999_000);
    // floor(3e14 * 256,999,999,001 / 300,000,000,001,000).
    assert_eq!(j.bob_payout, 256_999_999_000);
    assert_eq!(j.end.senior.supply.u128(), 0);
    assert_eq!(j.end.junior.supply.u128(), 148_309_178_743_977);
}

/// The main job's full-suite journey: the bad debt of the crash is paid by junior down to its
/// `min_remaining` before senior pays anything, the fund pays exactly its 50% cap of the
/// assets at the window's start, the rest is socialized, and after everyone closes the engine
/// holds exactly its treasury fees.
#[test]
fn suite_journey_crash_is_paid_junior_then_senior_then_socialized() {
    let mut suite = Suite::builder().with_perp_engine().build();
    let j = tranche_perps_testing::scenario::suite_journey(&mut suite).unwrap();
    let min_remaining = suite.config().params.min_remaining.u128();

    assert_eq!(j.fund_after.junior.assets.u128(), min_remaining);
    assert!(j.loss.paid_by_senior.u128() > 0);
    assert_eq!(j.loss.paid_by_reserve.u128(), 0);
    // The cap binds: floor(assets at the window's start * 5000 / 10000).
    let cap = j.fund_before.total_assets.u128() * 5_000 / 10_000;
    let paid = (j.loss.paid_by_junior + j.loss.paid_by_senior).u128();
    assert_eq!(paid, cap);
    assert_eq!(j.socialized.paid_by_fund.u128(), paid);
    assert_eq!(j.loss.unpaid, j.socialized.socialized);
    assert_eq!(
        j.socialized.bad_debt.u128(),
        paid + j.socialized.socialized.u128()
    );
    assert!(j.socialized.socialized.u128() > 0);
    // Close-out: the engine keeps exactly its treasury fees.
    assert_eq!(j.engine_balance_end, j.treasury_fees_end);
}
