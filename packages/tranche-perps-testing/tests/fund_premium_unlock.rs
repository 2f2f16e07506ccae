//! Premium is earned over time (docs/fund.md#premium): a premium is locked in its tranche and
//! unlocks linearly into the share price over `premium_unlock_seconds` (default 7 days); a
//! claim's forfeit goes to the reserve; locked premium pays its tranche's losses first. And
//! pending junior exits reserve their subordination headroom (docs/fund.md#subordination).
//!
//! The attacks of docs/fund.md#attacks-considered are played here with default parameters.

use cosmwasm_std::{Decimal, Uint128};
use insurance_fund::ContractError;
use tranche_perps_testing::time::{DAY, WEEK};
use tranche_perps_testing::{collateral, wasm_attr, Suite, ONE};
use tranche_perps_types::fund::{ReserveTarget, Tranche};

fn suite() -> Suite {
    Suite::builder()
        .with_underwriters(
            &["alice", "bob", "carol", "sniper", "payer"],
            10_000_000 * ONE,
        )
        .build()
}

/// Requests all of `who`'s shares of `tranche`, waits out the cooldown, claims; returns the
/// payout.
fn exit(suite: &mut Suite, who: &str, tranche: Tranche) -> u128 {
    let addr = suite.addr(who);
    let shares = suite.shares(tranche, &addr);
    let id = suite.request_withdrawal(&addr, tranche, shares).unwrap();
    suite.advance(WEEK);
    let before = suite.balance(&addr);
    suite.claim(&addr, id).unwrap();
    suite.balance(&addr) - before
}

/// One holder of all junior (1,000,000 USDC) requests withdrawal; a 40,000 USDC premium
/// arrives; a 1,000 USDC junior deposit made right after it, withdrawn as soon as the first
/// holder has left, used to collect +39,999.99 USDC (the premium the pending shares forfeit).
/// Its pro-rata share of the premium is 40,000 * 1,000 / 1,001,000 = 39.96 USDC. Now the
/// premium unlocks over 7 days, what the pending shares forfeit goes to the reserve, and the
/// sniper leaves with +39.96 USDC: its share of what unlocked while it held.
#[test]
fn sniping_the_premium_forfeited_by_pending_shares_earns_only_the_pro_rata_unlock() {
    let mut suite = suite();
    let (alice, sniper, payer) = (
        suite.addr("alice"),
        suite.addr("sniper"),
        suite.addr("payer"),
    );
    suite
        .deposit(&alice, Tranche::Junior, 1_000_000 * ONE)
        .unwrap();
    let alice_id = suite
        .request_withdrawal(&alice, Tranche::Junior, 1_000_000_000_000_000)
        .unwrap();
    suite.premium(&payer, 40_000 * ONE).unwrap();
    // the premium is locked: the price has not moved, the sniper buys at 0.001
    let state = suite.state();
    assert_eq!(state.junior.assets, Uint128::new(1_000_000 * ONE));
    assert_eq!(state.junior.locked_premium, Uint128::new(40_000 * ONE));
    suite
        .deposit(&sniper, Tranche::Junior, 1_000 * ONE)
        .unwrap();
    assert_eq!(suite.shares(Tranche::Junior, &sniper), 1_000_000_000_000);

    // a week later the premium has unlocked; alice is paid her request price, 1,000,000 USDC,
    // and her shares' value above it (their part of the premium, 39,960.04 USDC less rounding)
    // goes to the reserve
    suite.advance(WEEK);
    let before = suite.balance(&alice);
    let res = suite.claim(&alice, alice_id).unwrap();
    assert_eq!(suite.balance(&alice) - before, 1_000_000 * ONE);
    assert_eq!(wasm_attr(&res, "to_reserve"), "39960039960");
    assert_eq!(suite.state().reserve, Uint128::new(39_960_039_960));

    // the sniper: 10^15 * (1_040_999_999_999 + ...) -> 1,039.96 USDC for 1,000 paid in
    let got = exit(&mut suite, "sniper", Tranche::Junior);
    let profit = got - 1_000 * ONE;
    // 40,000 * 1,000 / 1,001,000 = 39.960039.. USDC
    assert_eq!(profit, 39_960_039);
    assert!(profit <= 39_960_039, "more than the pro-rata share");
    // nothing is left in junior; the reserve has the rest
    let state = suite.state();
    assert_eq!(collateral(&state.junior), Uint128::zero());
    assert_eq!(state.reserve.u128(), 40_000 * ONE - profit);
}

/// Fees accrue in the engine; a depositor deposits 100,000 USDC into junior (beside 100,000
/// junior and 300,000 senior), then pays the 10,000 USDC sweep herself and asks to leave at
/// once. Before, the sweep lifted the price at once: junior's 6,666.67 USDC of it was half hers
/// (3,333.33 USDC) after a 7-day cooldown. Now it is locked when she asks: she leaves with her
/// 100,000 USDC, and her locked part goes to the reserve. Staying through the unlock (7 days
/// more at risk) earns her share of it, as it would any holder.
#[test]
fn deposit_then_sweep_does_not_collect_the_premium_accrued_before_the_deposit() {
    let mut suite = suite();
    let (alice, bob, carol, payer) = (
        suite.addr("alice"),
        suite.addr("bob"),
        suite.addr("carol"),
        suite.addr("payer"),
    );
    suite
        .deposit(&alice, Tranche::Junior, 100_000 * ONE)
        .unwrap();
    suite.deposit(&bob, Tranche::Senior, 300_000 * ONE).unwrap();
    suite
        .deposit(&carol, Tranche::Junior, 100_000 * ONE)
        .unwrap();
    // the sweep: junior gets 10,000 * 600,000 / 900,000 = 6,666.666666 USDC
    suite.premium(&payer, 10_000 * ONE).unwrap();
    assert_eq!(
        suite.state().junior.locked_premium,
        Uint128::new(6_666_666_666)
    );

    let got = exit(&mut suite, "carol", Tranche::Junior);
    // her request price did not include the locked premium: 10^14 * (2 * 10^11 + 1) /
    // (2 * 10^14 + 1000) = 100,000.0000000005 -> 100,000 USDC, what she paid in
    assert_eq!(got, 100_000 * ONE);
    // what her shares forfeited (their share of the premium) is in the reserve
    let reserve = suite.state().reserve.u128();
    // (half of 6,666.666666 USDC, rounded down)
    assert_eq!(reserve, 3_333_333_332);

    // a depositor who stays through the unlock is paid her share of what unlocked while she
    // held: half of junior's part of the next sweep (junior now holds 203,333 USDC beside
    // senior's 303,333: 10,000 * 3 * 203,333 / (3 * 203,333 + 303,333) = 6,678.69 USDC),
    // +3,284.67 USDC
    suite
        .deposit(&carol, Tranche::Junior, 100_000 * ONE)
        .unwrap();
    suite.premium(&payer, 10_000 * ONE).unwrap();
    suite.unlock_premium();
    let got = exit(&mut suite, "carol", Tranche::Junior);
    assert_eq!(got, 103_284_671_532);
}

/// A claim's forfeit goes to the reserve: the value of its shares above the payout, and their
/// pro-rata part of the premium still locked; the remaining holders' locked premium per share
/// is unchanged.
#[test]
fn a_claim_forfeits_its_locked_premium_and_its_gain_over_the_request_price_to_the_reserve() {
    let mut suite = suite();
    let (alice, carol, payer) = (
        suite.addr("alice"),
        suite.addr("carol"),
        suite.addr("payer"),
    );
    suite.deposit(&alice, Tranche::Junior, 1_000 * ONE).unwrap();
    suite.deposit(&carol, Tranche::Junior, 3_000 * ONE).unwrap();
    // alice (1/4 of the shares) asks to leave; 3 days later 700 USDC of premium arrives
    let id = suite
        .request_withdrawal(&alice, Tranche::Junior, 1_000_000_000_000)
        .unwrap();
    suite.advance(3 * DAY);
    suite.premium(&payer, 700 * ONE).unwrap();
    // at her cooldown end, 4 of the 7 days have passed: 400 USDC has unlocked, 300 is locked
    suite.advance(4 * DAY);
    let state = suite.state();
    assert_eq!(state.junior.assets, Uint128::new(4_400 * ONE));
    assert_eq!(state.junior.locked_premium, Uint128::new(300 * ONE));
    let res = suite.claim(&alice, id).unwrap();
    // paid at her request price: 10^15 * (4 * 10^9 + 1) / (4 * 10^15 + 1000) -> 1,000 USDC
    assert_eq!(wasm_attr(&res, "payout"), (1_000 * ONE).to_string());
    // forfeit: value now 10^15 * (4_400_000_001) / (4 * 10^15 + 1000) = 1_099_999_999.98 ->
    // 1_099_999_999, less the payout = 99_999_999; plus 300 USDC * 1/4 = 75 USDC locked
    assert_eq!(wasm_attr(&res, "to_reserve"), "174999999");
    let state = suite.state();
    assert_eq!(state.reserve, Uint128::new(174_999_999));
    // carol keeps all of her share: 225 USDC still locked for her 3 * 10^15 shares
    assert_eq!(state.junior.locked_premium, Uint128::new(225 * ONE));
    assert_eq!(state.junior.assets, Uint128::new(3_300_000_001));
    // and it unlocks into her price by the original unlock end
    suite.advance(3 * DAY);
    let state = suite.state();
    assert_eq!(state.junior.locked_premium, Uint128::zero());
    assert_eq!(state.junior.unlock_end, None);
    assert_eq!(state.junior.assets, Uint128::new(3_525_000_001));
}

/// A loss takes the reserve, then junior's locked premium, then junior's assets, then senior's
/// locked premium, then senior's assets; `SimulateLoss` says so beforehand.
#[test]
fn losses_take_locked_premium_before_priced_assets() {
    let mut suite = suite();
    let (alice, bob, payer) = (suite.addr("alice"), suite.addr("bob"), suite.addr("payer"));
    suite.deposit(&alice, Tranche::Junior, 1_000 * ONE).unwrap();
    suite.deposit(&bob, Tranche::Senior, 3_000 * ONE).unwrap();
    // 600 USDC: junior 300, senior 300, all locked
    suite.premium(&payer, 600 * ONE).unwrap();
    let price_before = suite.state().junior.price;

    // a 200 USDC loss is paid from junior's locked premium: its price does not move
    let sim = suite.simulate_loss(200 * ONE);
    assert_eq!(sim.from_junior, Uint128::new(200 * ONE));
    assert_eq!(sim.junior_price_after, price_before);
    suite.cover_shortfall(1, 200 * ONE).unwrap();
    let state = suite.state();
    assert_eq!(state.junior.locked_premium, Uint128::new(100 * ONE));
    assert_eq!(state.junior.assets, Uint128::new(1_000 * ONE));
    assert_eq!(state.junior.price, price_before);

    // 1,250 USDC more, a day later: junior's locked premium (100 USDC less a day's unlock),
    // junior's assets down to 1000 units, then senior's locked premium; senior's priced assets
    // and price are untouched
    suite.advance(DAY);
    let state = suite.state();
    let (jl, ja, sl, sa) = (
        state.junior.locked_premium.u128(),
        state.junior.assets.u128(),
        state.senior.locked_premium.u128(),
        state.senior.assets.u128(),
    );
    let senior_price = state.senior.price;
    let from_junior = jl + ja - 1_000;
    let sim = suite.simulate_loss(1_250 * ONE);
    let res = suite.cover_shortfall(2, 1_250 * ONE).unwrap();
    assert_eq!(res.paid, Uint128::new(1_250 * ONE));
    assert_eq!(sim.from_junior.u128(), from_junior);
    assert_eq!(sim.from_senior.u128(), 1_250 * ONE - from_junior);
    let state = suite.state();
    assert_eq!(state.junior.locked_premium, Uint128::zero());
    assert_eq!(state.junior.assets, Uint128::new(1_000));
    assert_eq!(
        state.senior.locked_premium.u128(),
        sl - (1_250 * ONE - from_junior)
    );
    assert_eq!(state.senior.assets.u128(), sa);
    assert_eq!(state.senior.price, senior_price);
    assert_eq!(sim.senior_price_after, state.senior.price);
}

/// The unlock is linear and exact: floor(locked * elapsed / remaining) at each booking, all of
/// it by the unlock end; a premium paid while another is unlocking moves the end to the
/// average of the remaining time and a full period, weighted by the amounts.
#[test]
fn premium_unlocks_linearly_and_a_new_premium_averages_the_unlock_end() {
    let mut suite = suite();
    let (alice, payer) = (suite.addr("alice"), suite.addr("payer"));
    suite.deposit(&alice, Tranche::Junior, 1_000 * ONE).unwrap();
    let t0 = suite.now();
    suite.premium(&payer, 700 * ONE).unwrap();
    let state = suite.state();
    assert_eq!(
        state.junior.unlock_end.map(|t| t.seconds()),
        Some(t0.seconds() + WEEK)
    );

    // after 1 day: 100 USDC unlocked
    suite.advance(DAY);
    assert_eq!(suite.state().junior.assets, Uint128::new(1_100 * ONE));
    // after 3.5 days: 350 USDC; the other half still locked
    suite.advance(DAY * 5 / 2);
    let state = suite.state();
    assert_eq!(state.junior.assets, Uint128::new(1_350 * ONE));
    assert_eq!(state.junior.locked_premium, Uint128::new(350 * ONE));

    // a new premium of 350 USDC: 700 locked, end = now + (350 * 3.5 d + 350 * 7 d) / 700 =
    // now + 5.25 days
    let t1 = suite.now();
    suite.premium(&payer, 350 * ONE).unwrap();
    let state = suite.state();
    assert_eq!(state.junior.locked_premium, Uint128::new(700 * ONE));
    assert_eq!(
        state.junior.unlock_end.map(|t| t.seconds()),
        Some(t1.seconds() + DAY * 21 / 4)
    );
    // half of the new period later, half of the 700 has unlocked
    suite.advance(DAY * 21 / 8);
    assert_eq!(suite.state().junior.assets, Uint128::new(1_700 * ONE));
    // and all of it at the end, exactly
    suite.advance(DAY * 21 / 8);
    let state = suite.state();
    assert_eq!(state.junior.assets, Uint128::new(2_050 * ONE));
    assert_eq!(state.junior.locked_premium, Uint128::zero());
    assert_eq!(state.total_assets, Uint128::new(2_050 * ONE));
}

/// Junior 100,000 USDC, senior 300,000; a junior holder asks to withdraw 20,000. A 100,000
/// USDC senior deposit leaves 100,000 / 500,000 = 20% exactly counting the pending junior
/// shares, and was accepted; then the claim, at 80,000 / 480,000 = 16.67%, failed with
/// `SubordinationBreach` for the whole claim window, at no cost to the depositor. Now the
/// deposit is refused (80,000 / 480,000 once the pending exit is paid) and the claim pays.
#[test]
fn a_senior_deposit_cannot_block_a_pending_junior_exit() {
    let mut suite = suite();
    let (alice, bob, sniper) = (suite.addr("alice"), suite.addr("bob"), suite.addr("sniper"));
    suite
        .deposit(&alice, Tranche::Junior, 100_000 * ONE)
        .unwrap();
    suite.deposit(&bob, Tranche::Senior, 300_000 * ONE).unwrap();
    let id = suite
        .request_withdrawal(&alice, Tranche::Junior, 20_000_000_000_000)
        .unwrap();

    // junior after the exit: floor((10^11 + 1) * (8 * 10^13 + 1000) / (10^14 + 1000)) - 1 =
    // 80,000 USDC; against 80,000 + 400,000 USDC
    let err = suite
        .deposit(&sniper, Tranche::Senior, 100_000 * ONE)
        .unwrap_err();
    assert_eq!(
        err,
        ContractError::SubordinationBreach {
            junior_ratio: Decimal::from_ratio(80_000u128, 480_000u128),
            min: Decimal::percent(20),
        }
    );
    // what the exit leaves room for is still accepted: senior up to 4 * 80,000 = 320,000
    // USDC, 20,000 USDC more
    suite
        .deposit(&sniper, Tranche::Senior, 20_000 * ONE)
        .unwrap();
    assert!(suite
        .deposit(&sniper, Tranche::Senior, 1)
        .is_err_and(|e| matches!(e, ContractError::SubordinationBreach { .. })));

    suite.advance(WEEK);
    let before = suite.balance(&alice);
    suite.claim(&alice, id).unwrap();
    assert_eq!(suite.balance(&alice) - before, 20_000 * ONE);
    let ratio = suite.state().junior_ratio.unwrap();
    assert!(ratio >= Decimal::percent(20), "ratio {ratio}");
}

/// The reserve holds 10,000 USDC (a premium paid while the fund was empty); alice holds
/// 100,000 USDC of junior. A depositor puts 100,000 USDC into junior right before the
/// governor's allocation of the 10,000 USDC to junior executes, holds a day, and leaves. When
/// the allocation lifted the price at once, half of it was hers: +4,999.999999 USDC after her
/// cooldown. Now it is locked like premium and unlocks over 7 days: a day unlocks 1,428.57 USDC,
/// half of it (+714.285713 USDC) is hers, and her part of what was still locked goes to the
/// reserve.
#[test]
fn a_deposit_right_before_a_reserve_allocation_earns_only_the_pro_rata_unlock() {
    let mut suite = suite();
    let (alice, sniper, payer) = (
        suite.addr("alice"),
        suite.addr("sniper"),
        suite.addr("payer"),
    );
    suite.premium(&payer, 10_000 * ONE).unwrap();
    assert_eq!(suite.state().reserve, Uint128::new(10_000 * ONE));
    suite
        .deposit(&alice, Tranche::Junior, 100_000 * ONE)
        .unwrap();
    suite
        .deposit(&sniper, Tranche::Junior, 100_000 * ONE)
        .unwrap();
    suite
        .allocate_reserve(10_000 * ONE, ReserveTarget::Tranche(Tranche::Junior))
        .unwrap();
    // locked, not priced: the price is the sniper's deposit price
    let state = suite.state();
    assert_eq!(state.junior.assets, Uint128::new(200_000 * ONE));
    assert_eq!(state.junior.locked_premium, Uint128::new(10_000 * ONE));
    assert_eq!(state.reserve, Uint128::zero());

    // a day later 10,000 * 1/7 = 1,428.571428 USDC has unlocked, half of it per holder
    suite.advance(DAY);
    let got = exit(&mut suite, "sniper", Tranche::Junior);
    let profit = got - 100_000 * ONE;
    // 10^14 * (201_428_571_428 + 1) / (2 * 10^14 + 1000) = 100,714.285713 USDC
    assert_eq!(profit, 714_285_713);
    assert!(profit <= 1_428_571_428 / 2, "more than the pro-rata unlock");
    // alice keeps her half of the unlocked part and all that was still locked for her; the
    // sniper's part of the locked rest (and the unlock during her cooldown) is in the reserve
    suite.unlock_premium();
    let got = exit(&mut suite, "alice", Tranche::Junior);
    let reserve = suite.state().reserve.u128();
    // alice: 100,000 + 5,000 USDC; reserve: the sniper's 5,000 less her 714.285713 (plus the
    // last claim's rounding)
    assert_eq!(got, 105_000 * ONE);
    assert_eq!(reserve, 4_285_714_287);
    assert_eq!(got + 100_000 * ONE + profit + reserve, 210_000 * ONE);
}

/// Alice holds all of junior, 1,000 USDC, with 100.000001 USDC of premium locked for 30 days,
/// and asks to withdraw a sixth of her shares (1-day cooldown). Junior's floor once her exit is
/// paid used to be figured as its assets' part and its locked part each rounded up, 916.666669
/// USDC, which let a senior deposit of 3,666.666676 USDC in (20% exactly). A day's unlock
/// (3.333333 USDC) moves premium from the locked part to the assets, and the claim left junior
/// 916.666668 USDC against that senior: `SubordinationBreach` for an exit accepted before the
/// deposit. The floor is now `ceil(Q) - 1` over both parts at once, 916.666668 USDC, which no
/// unlock lowers: that deposit is refused, 3,666.666672 USDC is accepted, and the claim pays.
#[test]
fn an_unlock_during_the_cooldown_cannot_turn_an_accepted_junior_exit_into_a_refused_claim() {
    let mut suite = Suite::builder()
        .with_underwriters(&["alice", "sniper", "payer"], 10_000_000 * ONE)
        .with_params(tranche_perps_types::fund::FundParams {
            cooldown_seconds: DAY,
            premium_unlock_seconds: 30 * DAY,
            ..Default::default()
        })
        .build();
    let (alice, sniper, payer) = (
        suite.addr("alice"),
        suite.addr("sniper"),
        suite.addr("payer"),
    );
    suite.deposit(&alice, Tranche::Junior, 1_000 * ONE).unwrap();
    // senior is empty: all of it goes to junior, locked
    suite.premium(&payer, 100 * ONE + 1).unwrap();
    let id = suite
        .request_withdrawal(&alice, Tranche::Junior, 1_000_000_000_000 / 6)
        .unwrap();

    let err = suite
        .deposit(&sniper, Tranche::Senior, 3_666_666_676)
        .unwrap_err();
    assert_eq!(
        err,
        ContractError::SubordinationBreach {
            junior_ratio: Decimal::from_ratio(916_666_668u128, 916_666_668u128 + 3_666_666_676),
            min: Decimal::percent(20),
        }
    );
    suite
        .deposit(&sniper, Tranche::Senior, 3_666_666_672)
        .unwrap();
    assert!(suite
        .deposit(&sniper, Tranche::Senior, 1)
        .is_err_and(|e| matches!(e, ContractError::SubordinationBreach { .. })));

    suite.advance(DAY);
    let before = suite.balance(&alice);
    suite.claim(&alice, id).unwrap();
    // 166,666,666,666 shares at (10^9 + 1) / (10^12 + 1000): 166.666666 USDC
    assert_eq!(suite.balance(&alice) - before, 166_666_666);
    let state = suite.state();
    assert_eq!(collateral(&state.junior), Uint128::new(916_666_668));
    assert!(state.junior_ratio.unwrap() >= Decimal::percent(20));
}
