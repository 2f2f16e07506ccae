//! `ExecuteMsg::DepositPremium`: the risk-weighted split
//! `P_junior = floor(P * wj*Aj / (wj*Aj + ws*As))`, senior the rest, a tranche without shares
//! counting as empty, and the protocol reserve when both tranches are empty.
//!
//! A premium is booked at once as the tranche's collateral (locked premium, unlocking into the
//! price over `premium_unlock_seconds`: see `tests/fund_premium_unlock.rs`), so the split is
//! read here as assets plus locked premium.
//!
//! Every expected number below was computed independently with Python integers; the comment
//! next to it shows the arithmetic.

use cosmwasm_std::{coin, coins, Addr, Decimal, Uint128};
use cw_utils::PaymentError;
use insurance_fund::ContractError;
use tranche_perps_testing::time::{DAY, WEEK};
use tranche_perps_testing::{collateral, Suite, DENOM, ONE};
use tranche_perps_types::fund::{ExecuteMsg, FundParams, FundParamsUpdate, Tranche};

/// Default cooldown.
const COOLDOWN: u64 = 7 * DAY;

fn suite() -> Suite {
    Suite::builder()
        .with_underwriters(&["alice", "bob", "payer"], 1_000_000 * ONE)
        .build()
}

/// A suite whose minimum junior ratio is zero, so senior can exist without junior.
fn suite_without_subordination() -> Suite {
    Suite::builder()
        .with_underwriters(&["alice", "bob", "payer"], 1_000_000 * ONE)
        .with_params(FundParams {
            min_junior_ratio: Decimal::zero(),
            ..FundParams::default()
        })
        .build()
}

/// (junior collateral, senior collateral, reserve); a tranche's collateral is its assets plus
/// its locked premium.
fn layers(suite: &Suite) -> (u128, u128, u128) {
    let state = suite.state();
    (
        collateral(&state.junior).u128(),
        collateral(&state.senior).u128(),
        state.reserve.u128(),
    )
}

/// Alice 100 coins junior, bob 200 coins senior.
fn junior_100_senior_200() -> (Suite, Addr) {
    let mut suite = suite();
    let (alice, bob, payer) = (suite.addr("alice"), suite.addr("bob"), suite.addr("payer"));
    suite.deposit(&alice, Tranche::Junior, 100 * ONE).unwrap();
    suite.deposit(&bob, Tranche::Senior, 200 * ONE).unwrap();
    (suite, payer)
}

#[test]
fn premium_splits_three_to_one_by_weighted_assets_with_dust_to_senior() {
    let (mut suite, payer) = junior_100_senior_200();
    let fund = suite.fund.clone();
    let fund_before = suite.balance(&fund);

    suite.premium(&payer, 1_000_001).unwrap();

    // wj*Aj = 3 * 100_000_000, ws*As = 1 * 200_000_000
    // junior: floor(1_000_001 * 300_000_000 / 500_000_000) = floor(600_000.6) = 600_000
    // senior: 1_000_001 - 600_000 = 400_001 (the 0.6 of dust included)
    let (junior, senior, reserve) = layers(&suite);
    assert_eq!(junior, 100 * ONE + 600_000);
    assert_eq!(senior, 200 * ONE + 400_001);
    assert_eq!(reserve, 0);
    // the parts sum to the premium, and the fund received exactly the premium
    assert_eq!((junior - 100 * ONE) + (senior - 200 * ONE), 1_000_001);
    assert_eq!(suite.balance(&fund) - fund_before, 1_000_001);
    // supplies are untouched, so both prices rose
    let state = suite.state();
    assert_eq!(state.junior.supply, Uint128::new(100_000_000_000));
    assert_eq!(state.senior.supply, Uint128::new(200_000_000_000));
}

#[test]
fn premium_of_one_unit_goes_to_senior_as_rounding_dust() {
    let (mut suite, payer) = junior_100_senior_200();
    // junior: floor(1 * 300_000_000 / 500_000_000) = 0; senior gets the unit
    suite.premium(&payer, 1).unwrap();
    assert_eq!(layers(&suite), (100 * ONE, 200 * ONE + 1, 0));
}

#[test]
fn premium_goes_to_the_reserve_when_both_tranches_are_empty() {
    let mut suite = suite();
    let payer = suite.addr("payer");
    suite.premium(&payer, 5 * ONE).unwrap();
    assert_eq!(layers(&suite), (0, 0, 5 * ONE));
    assert_eq!(suite.state().total_assets, Uint128::new(5 * ONE));
    // a later deposit does not get the reserve: 1 coin still mints 1000 * 10^6 shares
    let alice = suite.addr("alice");
    suite.deposit(&alice, Tranche::Junior, ONE).unwrap();
    assert_eq!(suite.shares(Tranche::Junior, &alice), 1_000_000_000);
    assert_eq!(layers(&suite), (ONE, 0, 5 * ONE));
}

#[test]
fn only_junior_gets_the_whole_premium() {
    let mut suite = suite();
    let (alice, payer) = (suite.addr("alice"), suite.addr("payer"));
    suite.deposit(&alice, Tranche::Junior, 100 * ONE).unwrap();
    suite.premium(&payer, 777).unwrap();
    assert_eq!(layers(&suite), (100 * ONE + 777, 0, 0));
}

#[test]
fn only_senior_gets_the_whole_premium() {
    let mut suite = suite_without_subordination();
    let (bob, payer) = (suite.addr("bob"), suite.addr("payer"));
    suite.deposit(&bob, Tranche::Senior, 100 * ONE).unwrap();
    suite.premium(&payer, 777).unwrap();
    assert_eq!(layers(&suite), (0, 100 * ONE + 777, 0));
}

#[test]
fn the_last_claim_of_a_tranche_moves_what_it_held_to_the_reserve() {
    let mut suite = suite_without_subordination();
    let (alice, bob, payer) = (suite.addr("alice"), suite.addr("bob"), suite.addr("payer"));
    // alice: 1000 units -> 10^6 shares; premium 7 all to junior, unlocked a week later:
    // assets 1007
    suite.deposit(&alice, Tranche::Junior, 1_000).unwrap();
    suite.premium(&payer, 7).unwrap();
    suite.advance(WEEK);
    suite.deposit(&bob, Tranche::Senior, 1_000 * ONE).unwrap();
    // alice withdraws everything: 10^6 * 1008 / (10^6 + 1000) = 1006.99.. -> 1006; the 1 unit
    // left belongs to no share and goes to the reserve
    let id = suite
        .request_withdrawal(&alice, Tranche::Junior, 1_000_000)
        .unwrap();
    suite.advance(COOLDOWN);
    let res = suite.claim(&alice, id).unwrap();
    let to_reserve = res
        .events
        .iter()
        .flat_map(|e| e.attributes.iter())
        .find(|a| a.key == "to_reserve")
        .map(|a| a.value.clone());
    assert_eq!(to_reserve.as_deref(), Some("1"));
    let state = suite.state();
    assert_eq!(state.junior.supply, Uint128::zero());
    assert_eq!(layers(&suite), (0, 1_000 * ONE, 1));

    // junior is empty: senior gets all 1000 (unlocked a week later)
    suite.premium(&payer, 1_000).unwrap();
    assert_eq!(layers(&suite), (0, 1_000 * ONE + 1_000, 1));
    suite.advance(WEEK);

    // bob withdraws everything too:
    // 10^12 * 1_000_001_001 / (10^12 + 1000) = 1_000_000_999.99.. -> 1_000_000_999, 1 left
    let id = suite
        .request_withdrawal(&bob, Tranche::Senior, 1_000_000_000_000)
        .unwrap();
    suite.advance(COOLDOWN);
    suite.claim(&bob, id).unwrap();
    assert_eq!(layers(&suite), (0, 0, 2));

    // both tranches are empty: the premium is reserve
    suite.premium(&payer, 500).unwrap();
    assert_eq!(layers(&suite), (0, 0, 502));

    // a new depositor starts at the opening price: 1000 units -> 10^6 shares
    suite.deposit(&alice, Tranche::Junior, 1_000).unwrap();
    assert_eq!(suite.shares(Tranche::Junior, &alice), 1_000_000);
}

#[test]
fn changed_weights_change_the_split() {
    let (mut suite, payer) = junior_100_senior_200();
    suite
        .update_params(FundParamsUpdate {
            junior_weight: Some(5),
            senior_weight: Some(2),
            ..FundParamsUpdate::default()
        })
        .unwrap();
    suite.premium(&payer, 1_000_001).unwrap();
    // wj*Aj = 500_000_000, ws*As = 400_000_000
    // junior: floor(1_000_001 * 5 / 9) = floor(555_556.1) = 555_556; senior 444_445
    assert_eq!(
        layers(&suite),
        (100 * ONE + 555_556, 200 * ONE + 444_445, 0)
    );
}

#[test]
fn anyone_may_pay_premium() {
    let (mut suite, _) = junior_100_senior_200();
    let stranger = suite.addr("stranger");
    suite.mint(&stranger, 10);
    suite.premium(&stranger, 10).unwrap();
    // junior: floor(10 * 3 / 5) = 6; senior 4
    assert_eq!(layers(&suite), (100 * ONE + 6, 200 * ONE + 4, 0));
    assert_eq!(suite.balance(&stranger), 0);
}

#[test]
fn premium_without_the_collateral_coin_is_refused() {
    let (mut suite, payer) = junior_100_senior_200();
    suite.mint_coins(&payer, coins(1_000, "uatom"));
    let msg = ExecuteMsg::DepositPremium {};

    assert_eq!(
        suite.execute_fund(&payer, &msg, &[]).unwrap_err(),
        ContractError::Payment(PaymentError::NoFunds {})
    );
    assert_eq!(
        suite
            .execute_fund(&payer, &msg, &coins(1_000, "uatom"))
            .unwrap_err(),
        ContractError::Payment(PaymentError::MissingDenom(DENOM.to_string()))
    );
    assert_eq!(
        suite
            .execute_fund(&payer, &msg, &[coin(1_000, "uatom"), coin(1_000, DENOM)])
            .unwrap_err(),
        ContractError::Payment(PaymentError::MultipleDenoms {})
    );
    assert_eq!(layers(&suite), (100 * ONE, 200 * ONE, 0));
    assert_eq!(suite.balance(&payer), 1_000_000 * ONE);
}

#[test]
fn premium_split_is_exact_when_premium_times_weighted_assets_exceeds_256_bits() {
    let mut suite = Suite::builder()
        .with_params(FundParams {
            junior_weight: 100,
            senior_weight: 1,
            ..FundParams::default()
        })
        .build();
    let whale = suite.addr("whale");
    suite.mint(&whale, u128::MAX);
    // junior: 1 unit, then 2^127 of premium while senior is empty: Aj = 2^127 + 1
    suite.deposit(&whale, Tranche::Junior, 1).unwrap();
    suite.premium(&whale, 1 << 127).unwrap();
    // senior: 10^30
    suite
        .deposit(&whale, Tranche::Senior, 10u128.pow(30))
        .unwrap();

    // P = 2^126, wj*Aj = 100 * (2^127 + 1), ws*As = 10^30: P * wj*Aj is about 2^259.6, yet
    // the fund's assets afterwards (about 2^127.6) still fit in 128 bits
    // junior: floor(2^126 * 100 * (2^127 + 1) / (100 * (2^127 + 1) + 10^30))
    //   = 85_070_591_725_234_615_866_137_525_445_630_352_403
    // senior: 2^126 - junior = 4_999_999_999_706_126_412_311_700_461
    suite.premium(&whale, 1 << 126).unwrap();
    let state = suite.state();
    assert_eq!(
        collateral(&state.junior),
        Uint128::new(255_211_775_185_703_847_597_824_829_161_514_458_132)
    );
    assert_eq!(
        collateral(&state.senior),
        Uint128::new(1_004_999_999_999_706_126_412_311_700_461)
    );
}
