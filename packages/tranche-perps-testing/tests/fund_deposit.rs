//! `ExecuteMsg::Deposit`: shares minted at `floor(a * (supply + V) / (assets + 1))`, the
//! minimum-shares guard, zero-share and cap refusals, senior subordination, and why neither a
//! donation nor a premium lets a first depositor profit from the next one.
//!
//! Every expected number below was computed independently with Python integers; the comment
//! next to it shows the arithmetic (V = 1000).

use std::str::FromStr;

use cosmwasm_std::{Addr, Decimal, Uint128};
use insurance_fund::ContractError;
use tranche_perps_testing::time::DAY;
use tranche_perps_testing::{Suite, ONE};
use tranche_perps_types::fund::{DepositCap, FundParams, Tranche};

/// Default cooldown (7 d) after which a request is claimable.
const COOLDOWN: u64 = 7 * DAY;

fn suite() -> Suite {
    Suite::builder()
        .with_underwriters(&["alice", "bob", "carol"], 1_000_000 * ONE)
        .build()
}

fn names(suite: &Suite) -> (Addr, Addr, Addr) {
    (suite.addr("alice"), suite.addr("bob"), suite.addr("carol"))
}

/// Requests `shares` of `tranche`, waits out the cooldown and claims; returns the payout.
fn withdraw_all(suite: &mut Suite, who: &Addr, tranche: Tranche, shares: u128) -> u128 {
    let id = suite.request_withdrawal(who, tranche, shares).unwrap();
    suite.advance(COOLDOWN);
    let before = suite.balance(who);
    suite.claim(who, id).unwrap();
    suite.balance(who) - before
}

#[test]
fn first_deposit_mints_1000_share_units_per_base_unit() {
    let mut suite = suite();
    let (alice, bob, _) = names(&suite);

    // empty tranche: 5_000_000 * (0 + 1000) / (0 + 1) = 5_000_000_000
    suite.deposit(&alice, Tranche::Junior, 5 * ONE).unwrap();
    assert_eq!(suite.shares(Tranche::Junior, &alice), 5_000_000_000);
    // a single base unit into the empty senior tranche: 1 * 1000 / 1 = 1000
    suite.deposit(&bob, Tranche::Senior, 1).unwrap();
    assert_eq!(suite.shares(Tranche::Senior, &bob), 1_000);

    let state = suite.state();
    assert_eq!(state.junior.assets, Uint128::new(5_000_000));
    assert_eq!(state.junior.supply, Uint128::new(5_000_000_000));
    assert_eq!(state.senior.assets, Uint128::new(1));
    assert_eq!(state.senior.supply, Uint128::new(1_000));
    assert_eq!(suite.balance(&suite.fund.clone()), 5_000_001);
}

#[test]
fn deposit_after_premium_mints_the_floor_of_the_formula() {
    let mut suite = suite();
    let (alice, bob, carol) = names(&suite);
    suite.deposit(&alice, Tranche::Junior, 1_000 * ONE).unwrap();
    // senior is empty, so junior gets the whole premium, in the price once it has unlocked
    suite.premium(&carol, 333_333).unwrap();
    suite.unlock_premium();
    assert_eq!(suite.state().junior.assets, Uint128::new(1_000_333_333));

    // 250_000_000 * (1_000_000_000_000 + 1000) / (1_000_333_333 + 1)
    //   = 249_916_694_518.6.. -> 249_916_694_518
    suite.deposit(&bob, Tranche::Junior, 250 * ONE).unwrap();
    assert_eq!(suite.shares(Tranche::Junior, &bob), 249_916_694_518);
    let state = suite.state();
    assert_eq!(state.junior.assets, Uint128::new(1_250_333_333));
    assert_eq!(state.junior.supply, Uint128::new(1_249_916_694_518));
}

#[test]
fn min_shares_above_what_would_be_minted_is_slippage() {
    let mut suite = suite();
    let (alice, bob, carol) = names(&suite);
    suite.deposit(&alice, Tranche::Junior, 1_000 * ONE).unwrap();
    suite.premium(&carol, 333_333).unwrap();
    suite.unlock_premium();

    // 12_345_678 * (10^12 + 1000) / (1_000_333_333 + 1) = 12_341_564_149.7.. -> 12_341_564_149
    let err = suite
        .deposit_min(&bob, Tranche::Junior, 12_345_678, Some(12_341_564_150))
        .unwrap_err();
    assert_eq!(
        err,
        ContractError::SlippageExceeded {
            shares: Uint128::new(12_341_564_149),
            min_shares: Uint128::new(12_341_564_150),
        }
    );
    assert_eq!(suite.shares(Tranche::Junior, &bob), 0);

    // a minimum equal to the amount minted is accepted
    suite
        .deposit_min(&bob, Tranche::Junior, 12_345_678, Some(12_341_564_149))
        .unwrap();
    assert_eq!(suite.shares(Tranche::Junior, &bob), 12_341_564_149);
}

#[test]
fn deposit_that_would_mint_zero_shares_is_refused() {
    let mut suite = suite();
    let (alice, bob, _) = names(&suite);
    // 1 unit -> 1000 shares; then a premium of 1999 takes assets to 2000
    suite.deposit(&alice, Tranche::Junior, 1).unwrap();
    suite.premium(&alice, 1_999).unwrap();
    suite.unlock_premium();

    // 1 * (1000 + 1000) / (2000 + 1) = 0.99.. -> 0
    let bob_before = suite.balance(&bob);
    let err = suite.deposit(&bob, Tranche::Junior, 1).unwrap_err();
    assert_eq!(err, ContractError::ZeroShares);
    assert_eq!(suite.balance(&bob), bob_before);

    // 2 * 2000 / 2001 = 1.99.. -> 1
    suite.deposit(&bob, Tranche::Junior, 2).unwrap();
    assert_eq!(suite.shares(Tranche::Junior, &bob), 1);
}

#[test]
fn deposit_above_the_tranche_cap_is_refused_and_the_cap_itself_is_allowed() {
    let mut suite = Suite::builder()
        .with_underwriters(&["alice", "bob"], 1_000_000 * ONE)
        .with_params(FundParams {
            junior_deposit_cap: DepositCap::Limit(Uint128::new(100 * ONE)),
            ..FundParams::default()
        })
        .build();
    let (alice, bob) = (suite.addr("alice"), suite.addr("bob"));
    suite.deposit(&alice, Tranche::Junior, 60 * ONE).unwrap();

    let err = suite
        .deposit(&bob, Tranche::Junior, 40 * ONE + 1)
        .unwrap_err();
    assert_eq!(
        err,
        ContractError::DepositCapExceeded {
            tranche: Tranche::Junior,
            assets_after: Uint128::new(100 * ONE + 1),
            cap: Uint128::new(100 * ONE),
        }
    );

    suite.deposit(&bob, Tranche::Junior, 40 * ONE).unwrap();
    assert_eq!(suite.state().junior.assets, Uint128::new(100 * ONE));
    // the senior tranche has no cap
    suite.deposit(&bob, Tranche::Senior, 400 * ONE).unwrap();
}

#[test]
fn senior_deposit_without_junior_breaches_subordination() {
    let mut suite = suite();
    let (_, bob, _) = names(&suite);
    let err = suite.deposit(&bob, Tranche::Senior, ONE).unwrap_err();
    assert_eq!(
        err,
        ContractError::SubordinationBreach {
            junior_ratio: Decimal::zero(),
            min: Decimal::percent(20),
        }
    );
    assert_eq!(suite.shares(Tranche::Senior, &bob), 0);
}

#[test]
fn senior_deposit_exactly_at_the_minimum_ratio_succeeds_and_one_unit_more_fails() {
    let mut suite = suite();
    let (alice, bob, _) = names(&suite);
    suite.deposit(&alice, Tranche::Junior, 200 * ONE).unwrap();

    // 200 / (200 + 800) = 20% exactly
    suite.deposit(&bob, Tranche::Senior, 800 * ONE).unwrap();
    assert_eq!(suite.state().junior_ratio, Some(Decimal::percent(20)));

    // 200_000_000 / 1_000_000_001 = 0.199999999800000000 (floored to 18 decimals)
    let err = suite.deposit(&bob, Tranche::Senior, 1).unwrap_err();
    assert_eq!(
        err,
        ContractError::SubordinationBreach {
            junior_ratio: Decimal::from_str("0.1999999998").unwrap(),
            min: Decimal::percent(20),
        }
    );
    assert_eq!(suite.state().senior.assets, Uint128::new(800 * ONE));
}

#[test]
fn donation_changes_no_price() {
    let mut suite = suite();
    let (alice, bob, carol) = names(&suite);
    suite.deposit(&alice, Tranche::Junior, 300 * ONE).unwrap();
    suite.deposit(&bob, Tranche::Senior, 700 * ONE).unwrap();
    suite.premium(&carol, 1_234_567).unwrap();
    suite.unlock_premium();

    let state_before = suite.state();
    let junior_before = suite.preview_deposit(Tranche::Junior, 10 * ONE);
    let senior_before = suite.preview_deposit(Tranche::Senior, 10 * ONE);

    suite.donate(&carol, 50_000 * ONE);

    let state_after = suite.state();
    assert_eq!(
        suite.preview_deposit(Tranche::Junior, 10 * ONE),
        junior_before
    );
    assert_eq!(
        suite.preview_deposit(Tranche::Senior, 10 * ONE),
        senior_before
    );
    assert_eq!(state_after.junior, state_before.junior);
    assert_eq!(state_after.senior, state_before.senior);
    assert_eq!(state_after.total_assets, state_before.total_assets);
    assert_eq!(suite.donated(), 50_000 * ONE);

    // and a deposit after the donation mints what the preview promised before it
    suite.deposit(&carol, Tranche::Junior, 10 * ONE).unwrap();
    assert_eq!(suite.shares(Tranche::Junior, &carol), junior_before);
}

#[test]
fn inflation_attack_by_donation_never_profits_the_attacker() {
    let mut suite = suite();
    let (attacker, victim, _) = names(&suite);
    let attacker_start = suite.balance(&attacker);
    let victim_start = suite.balance(&victim);

    suite.deposit(&attacker, Tranche::Junior, 1).unwrap();
    assert_eq!(suite.shares(Tranche::Junior, &attacker), 1_000);
    suite.donate(&attacker, 10_000 * ONE);

    // the donation is not in the books: 1_000_000_000 * (1000 + 1000) / (1 + 1) = 10^12
    suite
        .deposit(&victim, Tranche::Junior, 1_000 * ONE)
        .unwrap();
    assert_eq!(suite.shares(Tranche::Junior, &victim), 1_000_000_000_000);

    // both ask to withdraw at the same price (assets 1_000_000_001, supply 1_000_000_001_000)
    let a_id = suite
        .request_withdrawal(&attacker, Tranche::Junior, 1_000)
        .unwrap();
    let v_id = suite
        .request_withdrawal(&victim, Tranche::Junior, 1_000_000_000_000)
        .unwrap();
    suite.advance(COOLDOWN);
    suite.claim(&attacker, a_id).unwrap();
    suite.claim(&victim, v_id).unwrap();

    // attacker: 1000 * 1_000_000_002 / 1_000_000_002_000 = 1; the donation stays in the fund
    // as sweepable surplus
    let attacker_paid_in = 1 + 10_000 * ONE;
    let attacker_got = suite.balance(&attacker) + attacker_paid_in - attacker_start;
    assert_eq!(attacker_got, 1);
    assert!(attacker_got <= attacker_paid_in);
    // victim: 10^12 * 1_000_000_002 / 1_000_000_002_000 = 1_000_000_000, all of it back
    assert_eq!(suite.balance(&victim), victim_start);
}

#[test]
fn inflation_attack_by_premium_never_profits_the_attacker() {
    let mut suite = suite();
    let (attacker, victim, _) = names(&suite);
    let attacker_start = suite.balance(&attacker);
    let victim_start = suite.balance(&victim);

    suite.deposit(&attacker, Tranche::Junior, 1).unwrap();
    // senior is empty, so the whole premium lifts the junior price: assets 10_000_000_001
    suite.premium(&attacker, 10_000 * ONE).unwrap();
    suite.unlock_premium();
    let attacker_paid_in = 1 + 10_000 * ONE;

    // 1_000_000_000 * (1000 + 1000) / (10_000_000_001 + 1) = 199.99.. -> 199
    suite
        .deposit(&victim, Tranche::Junior, 1_000 * ONE)
        .unwrap();
    assert_eq!(suite.shares(Tranche::Junior, &victim), 199);

    // both request now: price = (11_000_000_001 + 1) / (1199 + 1000)
    let a_id = suite
        .request_withdrawal(&attacker, Tranche::Junior, 1_000)
        .unwrap();
    let v_id = suite
        .request_withdrawal(&victim, Tranche::Junior, 199)
        .unwrap();
    suite.advance(COOLDOWN);
    suite.claim(&attacker, a_id).unwrap();
    suite.claim(&victim, v_id).unwrap();

    // attacker: 1000 * 11_000_000_002 / 2199 = 5_002_273_761.7.. -> 5_002_273_761
    let attacker_got = suite.balance(&attacker) + attacker_paid_in - attacker_start;
    assert_eq!(attacker_got, 5_002_273_761);
    assert!(attacker_got <= attacker_paid_in);
    // victim: 199 * 11_000_000_002 / 2199 = 995_452_478.3.. -> 995_452_478 (the rounding of a
    // 199-share deposit goes to the virtual shares, not to the attacker)
    let victim_got = suite.balance(&victim) + 1_000 * ONE - victim_start;
    assert_eq!(victim_got, 995_452_478);
    // what neither got belongs to no one once the last share is burned, and moves to the
    // reserve (governance allocates it): 11_000_000_001 - 5_002_273_761 - 995_452_478 =
    // 5_002_273_762
    let state = suite.state();
    assert_eq!(state.junior.supply, Uint128::zero());
    assert_eq!(state.junior.assets, Uint128::zero());
    assert_eq!(state.reserve, Uint128::new(5_002_273_762));
}

#[test]
fn deposit_then_immediate_withdrawal_returns_at_most_the_deposit() {
    let mut suite = suite();
    let (alice, bob, carol) = names(&suite);
    suite.deposit(&alice, Tranche::Junior, 1_000 * ONE).unwrap();
    suite.premium(&carol, 333_333).unwrap();
    suite.unlock_premium();

    // 12_345_678 * (10^12 + 1000) / 1_000_333_334 -> 12_341_564_149 shares; the claim pays
    // 12_341_564_149 * (1_012_679_012) / (1_012_341_565_149) = 12_345_677.9.. -> 12_345_677
    suite.deposit(&bob, Tranche::Junior, 12_345_678).unwrap();
    let shares = suite.shares(Tranche::Junior, &bob);
    assert_eq!(shares, 12_341_564_149);
    let got = withdraw_all(&mut suite, &bob, Tranche::Junior, shares);
    assert_eq!(got, 12_345_677);
    assert!(got <= 12_345_678);
}
