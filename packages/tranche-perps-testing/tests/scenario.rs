//! The worked example of `docs/fund.md#worked-example`, to the unit. Expected figures were
//! computed independently with integer arithmetic from `docs/fund.md` (V = 1000, weights 3:1,
//! cap 50%, min_remaining 1000); the derivation is in `docs/fund.md#worked-example`.

use tranche_perps_testing::scenario::fund_journey;
use tranche_perps_testing::Suite;
use tranche_perps_types::fund::LossRecord;

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

/// The main job's full-suite journey: dave's long is liquidated in parts, one block each; the
/// bad debt of the parts is paid by junior down to its `min_remaining` before senior pays
/// anything, the fund pays exactly its 50% cap of the assets at the window's start over all the
/// parts, the rest is socialized, and after everyone closes the engine holds exactly its
/// treasury fees.
#[test]
fn suite_journey_crash_is_paid_junior_then_senior_then_socialized() {
    let mut suite = Suite::builder().with_perp_engine().build();
    let j = tranche_perps_testing::scenario::suite_journey(&mut suite).unwrap();
    let min_remaining = suite.config().params.min_remaining.u128();

    // 2e9 base in parts of 0.05% of the 1e12 reserve.
    assert_eq!(j.parts, vec![500_000_000; 4]);
    assert!(j.losses.len() >= 2, "{:?}", j.losses);
    assert_eq!(j.fund_after.junior.assets.u128(), min_remaining);
    let sum = |f: fn(&LossRecord) -> u128| -> u128 { j.losses.iter().map(f).sum() };
    assert!(sum(|l| l.paid_by_senior.u128()) > 0);
    assert_eq!(sum(|l| l.paid_by_reserve.u128()), 0);
    // Junior then senior: no loss before the last one that senior paid into had junior
    // above min_remaining left afterwards... in short, senior pays only in the last losses.
    let first_senior = j
        .losses
        .iter()
        .position(|l| !l.paid_by_senior.is_zero())
        .unwrap();
    assert!(j.losses[..first_senior]
        .iter()
        .all(|l| l.paid_by_senior.is_zero()));
    // The cap binds: floor(assets at the window's start * 5000 / 10000), over all the parts.
    let cap = j.fund_before.total_assets.u128() * 5_000 / 10_000;
    let paid = sum(|l| (l.paid_by_junior + l.paid_by_senior).u128());
    assert_eq!(paid, cap);
    let engine_paid: u128 = j.socialized.iter().map(|l| l.paid_by_fund.u128()).sum();
    assert_eq!(engine_paid, paid);
    let unpaid = sum(|l| l.unpaid.u128());
    let socialized: u128 = j.socialized.iter().map(|l| l.socialized.u128()).sum();
    assert_eq!(unpaid, socialized);
    assert!(socialized > 0);
    for loss in &j.socialized {
        assert_eq!(
            loss.bad_debt,
            loss.paid_by_fund + loss.socialized + loss.written_off + loss.uncovered
        );
    }
    // Close-out: the engine keeps exactly its treasury fees.
    assert_eq!(j.engine_balance_end, j.treasury_fees_end);
}
