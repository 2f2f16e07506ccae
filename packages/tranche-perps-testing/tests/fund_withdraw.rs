//! Two-step withdrawal: `RequestWithdrawal` (cw20 `Send` hook), `ClaimWithdrawal`,
//! `CancelWithdrawal` and `ExpireWithdrawal`. A request fixes its price, cooldown end and claim
//! deadline when it is made; the claim pays `floor(shares * min(price at request, price now))`.
//!
//! Every expected number below was computed independently with Python integers; the comment
//! next to it shows the arithmetic (V = 1000).

use cosmwasm_std::{Addr, Decimal, Decimal256, Uint128};
use insurance_fund::ContractError;
use tranche_perps_testing::time::{DAY, HOUR};
use tranche_perps_testing::{wasm_attr, Suite, ONE};
use tranche_perps_types::fund::{FundParamsUpdate, Tranche};

/// Default cooldown.
const COOLDOWN: u64 = 7 * DAY;
/// Default claim window.
const CLAIM_WINDOW: u64 = 2 * DAY;

fn suite() -> Suite {
    Suite::builder()
        .with_underwriters(&["alice", "bob", "carol"], 1_000_000 * ONE)
        .build()
}

fn names(suite: &Suite) -> (Addr, Addr, Addr) {
    (suite.addr("alice"), suite.addr("bob"), suite.addr("carol"))
}

/// Alice holds 1000 junior coins (10^12 shares at exactly 1/1000 per share) and has asked to
/// withdraw 400 * 10^9 of them; returns the suite and the request id.
fn alice_requests_400() -> (Suite, u64) {
    let mut suite = suite();
    let alice = suite.addr("alice");
    suite.deposit(&alice, Tranche::Junior, 1_000 * ONE).unwrap();
    let id = suite
        .request_withdrawal(&alice, Tranche::Junior, 400_000_000_000)
        .unwrap();
    (suite, id)
}

#[test]
fn request_holds_the_shares_and_stores_cooldown_and_claim_window_from_params() {
    let mut suite = suite();
    let (alice, _, _) = names(&suite);
    suite.deposit(&alice, Tranche::Junior, 1_000 * ONE).unwrap();
    suite.advance(1_234);
    let t = suite.now();
    let id = suite
        .request_withdrawal(&alice, Tranche::Junior, 400_000_000_000)
        .unwrap();

    let request = suite.request(id);
    assert_eq!(request.owner, alice);
    assert_eq!(request.tranche, Tranche::Junior);
    assert_eq!(request.shares, Uint128::new(400_000_000_000));
    assert_eq!(request.requested_at, t);
    assert_eq!(request.cooldown_end, t.plus_seconds(604_800));
    assert_eq!(request.claim_deadline, t.plus_seconds(604_800 + 172_800));
    // (10^9 + 1) / (10^12 + 1000) = 0.001 exactly
    assert_eq!(request.price_at_request, Decimal256::permille(1));

    // the shares moved from the wallet to the fund and are counted as pending
    assert_eq!(suite.shares(Tranche::Junior, &alice), 600_000_000_000);
    let fund = suite.fund.clone();
    assert_eq!(suite.shares(Tranche::Junior, &fund), 400_000_000_000);
    let state = suite.state();
    assert_eq!(
        state.junior.pending_withdrawal_shares,
        Uint128::new(400_000_000_000)
    );
    // pending shares stay in the supply (they keep absorbing losses)
    assert_eq!(state.junior.supply, Uint128::new(1_000_000_000_000));
}

#[test]
fn cooldown_change_applies_to_new_requests_only() {
    let (mut suite, old_id) = alice_requests_400();
    let alice = suite.addr("alice");
    let t0 = suite.now();

    suite.advance(HOUR);
    suite
        .update_params(FundParamsUpdate {
            cooldown_seconds: Some(DAY),
            claim_window_seconds: Some(3 * HOUR),
            ..FundParamsUpdate::default()
        })
        .unwrap();

    let old = suite.request(old_id);
    assert_eq!(old.cooldown_end, t0.plus_seconds(COOLDOWN));
    assert_eq!(old.claim_deadline, t0.plus_seconds(COOLDOWN + CLAIM_WINDOW));

    let t1 = suite.now();
    let new_id = suite
        .request_withdrawal(&alice, Tranche::Junior, 100_000_000_000)
        .unwrap();
    let new = suite.request(new_id);
    assert_eq!(new.cooldown_end, t1.plus_seconds(DAY));
    assert_eq!(new.claim_deadline, t1.plus_seconds(DAY + 3 * HOUR));

    // one day later the new request is claimable and the old one still cools down
    suite.advance(DAY);
    suite.claim(&alice, new_id).unwrap();
    let err = suite.claim(&alice, old_id).unwrap_err();
    assert_eq!(
        err,
        ContractError::CooldownNotOver {
            id: old_id,
            cooldown_end: t0.plus_seconds(COOLDOWN).seconds(),
            now: t0.plus_seconds(HOUR + DAY).seconds(),
        }
    );
}

#[test]
fn claim_before_cooldown_end_is_refused() {
    let (mut suite, id) = alice_requests_400();
    let alice = suite.addr("alice");
    let t0 = suite.now();
    suite.advance(COOLDOWN - 1);
    let err = suite.claim(&alice, id).unwrap_err();
    assert_eq!(
        err,
        ContractError::CooldownNotOver {
            id,
            cooldown_end: t0.seconds() + COOLDOWN,
            now: t0.seconds() + COOLDOWN - 1,
        }
    );
}

#[test]
fn claim_at_exactly_cooldown_end_pays_and_burns_the_shares() {
    let (mut suite, id) = alice_requests_400();
    let alice = suite.addr("alice");
    let before = suite.balance(&alice);
    suite.advance(COOLDOWN);
    suite.claim(&alice, id).unwrap();

    // 400 * 10^9 * (10^9 + 1) / (10^12 + 1000) = 400_000_000 exactly
    assert_eq!(suite.balance(&alice) - before, 400_000_000);
    let state = suite.state();
    assert_eq!(state.junior.assets, Uint128::new(600_000_000));
    assert_eq!(state.junior.supply, Uint128::new(600_000_000_000));
    assert_eq!(state.junior.pending_withdrawal_shares, Uint128::zero());
    assert_eq!(suite.share_supply(Tranche::Junior), 600_000_000_000);
    assert!(suite.requests(&alice, None, None).is_empty());
}

#[test]
fn claim_in_the_last_second_of_the_window_works_and_at_the_deadline_is_refused() {
    let (mut suite, id) = alice_requests_400();
    let alice = suite.addr("alice");
    let t0 = suite.now();
    suite.advance(COOLDOWN + CLAIM_WINDOW);
    let err = suite.claim(&alice, id).unwrap_err();
    assert_eq!(
        err,
        ContractError::ClaimWindowClosed {
            id,
            claim_deadline: t0.seconds() + COOLDOWN + CLAIM_WINDOW,
        }
    );

    // a second request claimed one second before its deadline still pays
    let id2 = suite
        .request_withdrawal(&alice, Tranche::Junior, 100_000_000_000)
        .unwrap();
    suite.advance(COOLDOWN + CLAIM_WINDOW - 1);
    let before = suite.balance(&alice);
    suite.claim(&alice, id2).unwrap();
    // 10^11 * (10^9 + 1) / (10^12 + 1000) = 100_000_000
    assert_eq!(suite.balance(&alice) - before, 100_000_000);
}

#[test]
fn expire_before_the_deadline_is_refused_and_after_it_returns_the_shares_to_the_owner() {
    let (mut suite, id) = alice_requests_400();
    let (alice, bob, _) = names(&suite);
    let t0 = suite.now();
    suite.advance(COOLDOWN + CLAIM_WINDOW - 1);
    let err = suite.expire(&bob, id).unwrap_err();
    assert_eq!(
        err,
        ContractError::RequestNotLapsed {
            id,
            claim_deadline: t0.seconds() + COOLDOWN + CLAIM_WINDOW,
        }
    );

    suite.advance(1);
    // anyone may expire a lapsed request; the shares go to the owner, not the caller
    suite.expire(&bob, id).unwrap();
    assert_eq!(suite.shares(Tranche::Junior, &alice), 1_000_000_000_000);
    assert_eq!(suite.shares(Tranche::Junior, &bob), 0);
    let fund = suite.fund.clone();
    assert_eq!(suite.shares(Tranche::Junior, &fund), 0);
    let state = suite.state();
    assert_eq!(state.junior.pending_withdrawal_shares, Uint128::zero());
    assert_eq!(state.junior.assets, Uint128::new(1_000 * ONE));
    assert!(suite.requests(&alice, None, None).is_empty());
    // the request is gone
    assert_eq!(
        suite.claim(&alice, id).unwrap_err(),
        ContractError::RequestNotFound { id }
    );
}

#[test]
fn cancel_returns_the_shares_and_removes_the_request() {
    let (mut suite, id) = alice_requests_400();
    let alice = suite.addr("alice");
    suite.advance(DAY);
    suite.cancel(&alice, id).unwrap();
    assert_eq!(suite.shares(Tranche::Junior, &alice), 1_000_000_000_000);
    let state = suite.state();
    assert_eq!(state.junior.pending_withdrawal_shares, Uint128::zero());
    assert_eq!(state.junior.supply, Uint128::new(1_000_000_000_000));
    assert!(suite.requests(&alice, None, None).is_empty());
    assert_eq!(
        suite.cancel(&alice, id).unwrap_err(),
        ContractError::RequestNotFound { id }
    );
}

#[test]
fn only_the_owner_may_claim_or_cancel() {
    let (mut suite, id) = alice_requests_400();
    let bob = suite.addr("bob");
    assert_eq!(
        suite.cancel(&bob, id).unwrap_err(),
        ContractError::NotRequestOwner { id }
    );
    suite.advance(COOLDOWN);
    assert_eq!(
        suite.claim(&bob, id).unwrap_err(),
        ContractError::NotRequestOwner { id }
    );
    assert_eq!(suite.shares(Tranche::Junior, &bob), 0);
    assert_eq!(suite.request(id).shares, Uint128::new(400_000_000_000));
}

#[test]
fn unknown_request_id_is_not_found() {
    let (mut suite, _) = alice_requests_400();
    let alice = suite.addr("alice");
    suite.advance(COOLDOWN + CLAIM_WINDOW);
    assert_eq!(
        suite.claim(&alice, 99).unwrap_err(),
        ContractError::RequestNotFound { id: 99 }
    );
    assert_eq!(
        suite.cancel(&alice, 99).unwrap_err(),
        ContractError::RequestNotFound { id: 99 }
    );
    assert_eq!(
        suite.expire(&alice, 99).unwrap_err(),
        ContractError::RequestNotFound { id: 99 }
    );
}

#[test]
fn loss_during_cooldown_lowers_the_payout() {
    let (mut suite, id) = alice_requests_400();
    let alice = suite.addr("alice");
    suite.advance(DAY);
    let paid = suite.cover_shortfall(1, 123_456_789).unwrap();
    assert_eq!(paid.paid, Uint128::new(123_456_789));
    suite.advance(COOLDOWN - DAY);
    assert_eq!(suite.request(id).payout_now, Uint128::new(350_617_284));

    let before = suite.balance(&alice);
    suite.claim(&alice, id).unwrap();
    // assets 10^9 - 123_456_789 = 876_543_211;
    // 400 * 10^9 * 876_543_212 / (10^12 + 1000) = 350_617_284.4.. -> 350_617_284
    assert_eq!(suite.balance(&alice) - before, 350_617_284);
    // 876_543_211 - 350_617_284 = 525_925_927
    assert_eq!(suite.state().junior.assets, Uint128::new(525_925_927));
}

#[test]
fn premium_during_cooldown_is_not_paid_out_and_what_the_shares_forfeit_goes_to_the_reserve() {
    let (mut suite, id) = alice_requests_400();
    let (alice, _, carol) = names(&suite);
    suite.advance(DAY);
    // senior is empty: the whole premium goes to junior, locked for 7 days
    suite.premium(&carol, 100 * ONE).unwrap();
    suite.advance(COOLDOWN - DAY);

    let before = suite.balance(&alice);
    let res = suite.claim(&alice, id).unwrap();
    // price at request 0.001 is below today's: 400 * 10^9 * 0.001 = 400_000_000
    assert_eq!(suite.balance(&alice) - before, 400_000_000);
    // 6 of the 7 days have unlocked floor(10^8 * 6 / 7) = 85_714_285: assets 1_085_714_285,
    // locked 14_285_715. The shares' value now, 4 * 10^11 * 1_085_714_286 / (10^12 + 1000) ->
    // 434_285_713, less the payout, and their part of the locked premium, 14_285_715 * 0.4 ->
    // 5_714_286, go to the reserve: 39_999_999
    assert_eq!(wasm_attr(&res, "to_reserve"), "39999999");
    let state = suite.state();
    assert_eq!(state.reserve, Uint128::new(39_999_999));
    assert_eq!(state.junior.assets, Uint128::new(651_428_572));
    assert_eq!(state.junior.locked_premium, Uint128::new(8_571_429));
    assert_eq!(state.junior.supply, Uint128::new(600_000_000_000));
    // alice's remaining shares: 6 * 10^11 * 651_428_573 / (6 * 10^11 + 1000) = 651_428_571.9..
    assert_eq!(
        suite.underwriter(&alice).junior.value,
        Uint128::new(651_428_571)
    );
    // and the rest of their premium unlocks to them: 651_428_572 + 8_571_429 = 660_000_001
    suite.advance(DAY);
    assert_eq!(suite.state().junior.assets, Uint128::new(660_000_001));
}

#[test]
fn junior_request_that_would_breach_subordination_is_refused() {
    let mut suite = suite();
    let (alice, bob, _) = names(&suite);
    suite.deposit(&alice, Tranche::Junior, 200 * ONE).unwrap();
    suite.deposit(&bob, Tranche::Senior, 800 * ONE).unwrap();

    // 1000 shares are worth 1000 * 200_000_001 / 200_000_001_000 = 1 unit:
    // 199_999_999 / 999_999_999 = 0.199999999199999999 < 0.2
    let err = suite
        .request_withdrawal(&alice, Tranche::Junior, 1_000)
        .unwrap_err();
    assert_eq!(
        err,
        ContractError::SubordinationBreach {
            junior_ratio: "0.199999999199999999".parse().unwrap(),
            min: Decimal::percent(20),
        }
    );
    assert_eq!(suite.shares(Tranche::Junior, &alice), 200_000_000_000);
    assert_eq!(
        suite.state().junior.pending_withdrawal_shares,
        Uint128::zero()
    );
    // senior withdrawals are never held back by subordination
    suite
        .request_withdrawal(&bob, Tranche::Senior, 100_000_000_000)
        .unwrap();
}

#[test]
fn a_junior_request_is_refused_when_the_pending_junior_exits_leave_no_room() {
    let mut suite = suite();
    let (alice, bob, carol) = names(&suite);
    suite.deposit(&alice, Tranche::Junior, 150 * ONE).unwrap();
    suite.deposit(&carol, Tranche::Junior, 150 * ONE).unwrap();
    suite.deposit(&bob, Tranche::Senior, 1_000 * ONE).unwrap();

    // alice's request leaves 250 / 1250 = 20% exactly once paid: accepted
    let alice_id = suite
        .request_withdrawal(&alice, Tranche::Junior, 50_000_000_000)
        .unwrap();
    // carol's would leave 200 / 1200 = 0.166666666666666666 once both are paid: refused at
    // request, so no accepted claim is refused later
    let err = suite
        .request_withdrawal(&carol, Tranche::Junior, 50_000_000_000)
        .unwrap_err();
    assert_eq!(
        err,
        ContractError::SubordinationBreach {
            junior_ratio: "0.166666666666666666".parse().unwrap(),
            min: Decimal::percent(20),
        }
    );
    assert_eq!(suite.shares(Tranche::Junior, &carol), 150_000_000_000);
    suite.advance(COOLDOWN);
    suite.claim(&alice, alice_id).unwrap();
    assert_eq!(suite.state().junior.assets, Uint128::new(250 * ONE));
}

#[test]
fn a_senior_deposit_during_a_junior_cooldown_is_refused_when_it_would_block_the_claim() {
    let mut suite = suite();
    let (alice, bob, _) = names(&suite);
    suite.deposit(&alice, Tranche::Junior, 300 * ONE).unwrap();
    suite.deposit(&bob, Tranche::Senior, 1_000 * ONE).unwrap();
    // at request: 250 / 1250 = 20%
    let id = suite
        .request_withdrawal(&alice, Tranche::Junior, 50_000_000_000)
        .unwrap();
    // the pending exit counts as gone: 250 / 1450 = 0.172413793103448275
    let err = suite.deposit(&bob, Tranche::Senior, 200 * ONE).unwrap_err();
    assert_eq!(
        err,
        ContractError::SubordinationBreach {
            junior_ratio: "0.172413793103448275".parse().unwrap(),
            min: Decimal::percent(20),
        }
    );
    suite.advance(COOLDOWN);
    suite.claim(&alice, id).unwrap();
}

#[test]
fn junior_may_leave_in_full_once_no_senior_share_is_left() {
    let mut suite = suite();
    let (alice, bob, carol) = names(&suite);
    suite.deposit(&alice, Tranche::Junior, 200 * ONE).unwrap();
    suite.deposit(&bob, Tranche::Senior, 800 * ONE).unwrap();
    // premium 14_000 USDC split 3*200 : 1*800: junior 6_000, senior 8_000 USDC
    suite.premium(&carol, 14_000 * ONE).unwrap();
    suite.unlock_premium();
    // a loss of 6_190 USDC takes junior down to 10 USDC
    let paid = suite.cover_shortfall(1, 6_190 * ONE).unwrap();
    assert_eq!(paid.paid, Uint128::new(6_190 * ONE));
    // while bob holds senior shares, alice cannot leave: 0 / (0 + 8_800 USDC) < 20%
    let err = suite
        .request_withdrawal(&alice, Tranche::Junior, 200_000_000_000)
        .unwrap_err();
    assert!(matches!(err, ContractError::SubordinationBreach { .. }));

    // bob leaves: 8 * 10^11 * 8_800_000_001 / (8 * 10^11 + 1000) = 8_799_999_990.01.. ->
    // 8_799_999_990; the 10 units his claim leaves behind the virtual shares belong to no one
    // and move to the reserve, so senior holds nothing that could hold junior back
    let id = suite
        .request_withdrawal(&bob, Tranche::Senior, 800_000_000_000)
        .unwrap();
    suite.advance(COOLDOWN);
    let before = suite.balance(&bob);
    suite.claim(&bob, id).unwrap();
    assert_eq!(suite.balance(&bob) - before, 8_799_999_990);
    let state = suite.state();
    assert_eq!(state.senior.supply, Uint128::zero());
    assert_eq!(state.senior.assets, Uint128::zero());
    assert_eq!(state.reserve, Uint128::new(10));

    // alice takes everything: 2 * 10^11 * 10_000_001 / (2 * 10^11 + 1000) = 10_000_000.95.. ->
    // 10_000_000
    let id = suite
        .request_withdrawal(&alice, Tranche::Junior, 200_000_000_000)
        .unwrap();
    suite.advance(COOLDOWN);
    let before = suite.balance(&alice);
    suite.claim(&alice, id).unwrap();
    assert_eq!(suite.balance(&alice) - before, 10 * ONE);
    let state = suite.state();
    assert_eq!(state.junior.supply, Uint128::zero());
    assert_eq!(state.junior.assets, Uint128::zero());

    // a new senior deposit is still held to the junior ratio: 0 / (0 + 1_000_000) < 20%
    let err = suite.deposit(&bob, Tranche::Senior, ONE).unwrap_err();
    assert!(matches!(err, ContractError::SubordinationBreach { .. }));
}

#[test]
fn premium_earned_while_every_share_waits_goes_to_the_reserve_at_the_last_claim() {
    let mut suite = suite();
    let (alice, _, carol) = names(&suite);
    suite
        .deposit(&alice, Tranche::Junior, 100_000 * ONE)
        .unwrap();
    let id = suite
        .request_withdrawal(&alice, Tranche::Junior, 100_000_000_000_000)
        .unwrap();
    // a premium during the cooldown lifts junior's price, but the claim pays the request
    // price: 10^14 * (10^11 + 1) / (10^14 + 1000) = 10^11 exactly
    suite.advance(DAY);
    suite.premium(&carol, 7_000 * ONE).unwrap();
    suite.advance(COOLDOWN);
    let before = suite.balance(&alice);
    suite.claim(&alice, id).unwrap();
    assert_eq!(suite.balance(&alice) - before, 100_000 * ONE);
    // the premium has no owner left: 107_000_000_000 - 100_000_000_000
    let state = suite.state();
    assert_eq!(state.junior.supply, Uint128::zero());
    assert_eq!(state.junior.assets, Uint128::zero());
    assert_eq!(state.reserve, Uint128::new(7_000_000_000));
    // governance can allocate it
    let treasury = suite.addr("treasury");
    suite
        .allocate_reserve(
            7_000_000_000,
            tranche_perps_types::fund::ReserveTarget::Address(treasury.to_string()),
        )
        .unwrap();
    assert_eq!(suite.balance(&treasury), 7_000_000_000);
}

#[test]
fn deposit_then_withdraw_never_returns_more_than_deposited() {
    let mut suite = suite();
    let (alice, bob, carol) = names(&suite);
    suite.deposit(&alice, Tranche::Junior, 1_000 * ONE).unwrap();
    // an uneven price: assets 1_000_333_333 for 10^12 shares, once unlocked
    suite.premium(&carol, 333_333).unwrap();
    suite.unlock_premium();

    // (deposit, shares minted, payout); each round leaves its rounding in the tranche, so
    // the next round starts from assets one unit higher. Python:
    //   s = a * (S + 1000) // (A + 1); A += a; S += s
    //   p = s * (A + 1) // (S + 1000); A -= p; S -= s
    let rounds: [(u128, u128, u128); 5] = [
        (1, 999, 0),
        (7, 6_997, 6),
        (999, 998_667, 998),
        (12_345_678, 12_341_564_112, 12_345_677),
        (500 * ONE, 499_833_387_038, 499_999_999),
    ];
    for (deposit, shares, payout) in rounds {
        let start = suite.balance(&bob);
        suite.deposit(&bob, Tranche::Junior, deposit).unwrap();
        assert_eq!(suite.shares(Tranche::Junior, &bob), shares);
        let id = suite
            .request_withdrawal(&bob, Tranche::Junior, shares)
            .unwrap();
        suite.advance(COOLDOWN);
        suite.claim(&bob, id).unwrap();
        let got = suite.balance(&bob) + deposit - start;
        assert_eq!(got, payout, "deposit {deposit}");
        assert!(got <= deposit);
    }
    // 1_000_333_333 + five rounding units
    assert_eq!(suite.state().junior.assets, Uint128::new(1_000_333_338));
}

#[test]
fn share_token_supply_matches_the_books_after_claims() {
    let mut suite = suite();
    let (alice, bob, carol) = names(&suite);
    suite.deposit(&alice, Tranche::Junior, 500 * ONE).unwrap();
    suite.deposit(&carol, Tranche::Junior, 300 * ONE).unwrap();
    suite.deposit(&bob, Tranche::Senior, 1_000 * ONE).unwrap();
    let a = suite
        .request_withdrawal(&alice, Tranche::Junior, 100_000_000_000)
        .unwrap();
    let b = suite
        .request_withdrawal(&bob, Tranche::Senior, 250_000_000_000)
        .unwrap();
    let c = suite
        .request_withdrawal(&carol, Tranche::Junior, 300_000_000_000)
        .unwrap();
    suite.advance(COOLDOWN);
    suite.claim(&alice, a).unwrap();
    suite.claim(&bob, b).unwrap();
    // carol's request stays pending: its shares still exist, held by the fund
    assert_eq!(suite.request(c).shares, Uint128::new(300_000_000_000));

    // junior: 800 * 10^9 - 100 * 10^9; senior: 1000 * 10^9 - 250 * 10^9
    let state = suite.state();
    assert_eq!(suite.share_supply(Tranche::Junior), 700_000_000_000);
    assert_eq!(state.junior.supply, Uint128::new(700_000_000_000));
    assert_eq!(suite.share_supply(Tranche::Senior), 750_000_000_000);
    assert_eq!(state.senior.supply, Uint128::new(750_000_000_000));
    let fund = suite.fund.clone();
    assert_eq!(suite.shares(Tranche::Junior, &fund), 300_000_000_000);
    assert_eq!(suite.shares(Tranche::Senior, &fund), 0);
}

#[test]
fn a_senior_deposit_is_refused_while_every_junior_share_waits_to_leave() {
    let mut suite = suite();
    let (alice, bob, carol) = names(&suite);
    suite.deposit(&alice, Tranche::Junior, 1_000 * ONE).unwrap();
    // alice asks to withdraw all junior while senior is empty (allowed)
    let id = suite
        .request_withdrawal(&alice, Tranche::Junior, 1_000_000_000_000)
        .unwrap();
    // her last claim will move what junior has left to the reserve, leaving junior empty:
    // 0 against any senior is 0% < 20%, so bob cannot enter senior (it would block her claim)
    let err = suite
        .deposit(&bob, Tranche::Senior, 1_000 * ONE)
        .unwrap_err();
    assert_eq!(
        err,
        ContractError::SubordinationBreach {
            junior_ratio: Decimal::zero(),
            min: Decimal::percent(20),
        }
    );
    // a premium during the cooldown goes to junior; alice is paid her request price and the
    // rest goes to the reserve
    suite.advance(DAY);
    suite.premium(&carol, 1_000 * ONE).unwrap();
    suite.advance(COOLDOWN);
    let before = suite.balance(&alice);
    suite.claim(&alice, id).unwrap();
    assert_eq!(suite.balance(&alice) - before, 1_000 * ONE);
    let state = suite.state();
    assert_eq!(state.junior.assets, Uint128::zero());
    assert_eq!(state.reserve, Uint128::new(1_000 * ONE));
}
