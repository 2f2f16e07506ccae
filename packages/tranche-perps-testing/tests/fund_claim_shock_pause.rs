//! Withdrawal claims pause while the engine reports a price shock (docs/fund.md#withdrawals,
//! docs/fund.md#attacks-considered): an armed exit (a request past its cooldown) cannot be
//! claimed between a crash push and the liquidation whose shortfall the fund pays, so it bears
//! its share of the loss; claims work again when the shock ends by itself or the governor ends
//! it; a guardian-triggered shock pauses them too; the fund reads the engine's pause with a raw
//! storage query (`QueryMsg::ClaimsPause` shows it).
//!
//! Two underwriters hold 500,000 USDC of junior each; the crash leaves bad debt the fund pays
//! from junior. On the fund before this change the claim in the block of the crash push went
//! through at the price before the loss.

use cosmwasm_std::{Decimal, Empty, Uint128};
use cw_multi_test::Executor;
use insurance_fund::ContractError;
use tranche_perps_testing::checks::assert_refused;
use tranche_perps_testing::perp::{default_market_params, engine_contract};
use tranche_perps_testing::time::{HOUR, WEEK};
use tranche_perps_testing::{Suite, ONE};
use tranche_perps_types::engine::{ExecuteMsg as EngineMsg, MarketParams, SHOCK_UNTIL_KEY};
use tranche_perps_types::fund::{ClaimsPauseResponse, FundStateResponse, QueryMsg, Tranche};

const BTC: &str = "BTC-USD";
const ETH: &str = "ETH-USD";
const B0: u128 = 1_000_000_000_000;
const Q0: u128 = 100_000_000_000_000;
/// Each underwriter's junior deposit.
const STAKE: u128 = 500_000 * ONE;

/// A fund with alice and amy at 500,000 USDC junior each, alice's request for all her shares
/// past its 7-day cooldown, BTC-USD (and ETH-USD) at index 100 pushed fresh, and bob long 3e10
/// base (about 3.09M USDC notional) with 477,500 USDC margin. Markets liquidate a whole
/// position in one block, pay no keeper minimum and no funding, with open-interest caps wide
/// enough for the arbitrage below.
fn setup() -> (Suite, u64) {
    let mut suite = Suite::builder()
        .with_underwriters(&["alice", "amy", "bob", "arb", "keeper"], 50_000_000 * ONE)
        .with_perp_engine()
        .build();
    let (alice, amy, bob) = (suite.addr("alice"), suite.addr("amy"), suite.addr("bob"));
    suite.deposit(&alice, Tranche::Junior, STAKE).unwrap();
    suite.deposit(&amy, Tranche::Junior, STAKE).unwrap();
    let params = MarketParams {
        funding_factor: Decimal::zero(),
        liquidation_depth: Decimal::percent(5),
        min_keeper_reward: Uint128::zero(),
        max_long_oi: Uint128::new(1_000_000_000_000),
        max_short_oi: Uint128::new(1_000_000_000_000),
        ..default_market_params()
    };
    suite.add_market_with(BTC, B0, Q0, params.clone()).unwrap();
    suite.add_market_with(ETH, B0, Q0, params).unwrap();
    let shares = suite.shares(Tranche::Junior, &alice);
    let id = suite
        .request_withdrawal(&alice, Tranche::Junior, shares)
        .unwrap();
    suite.advance(WEEK);
    suite.push_price(BTC, "100").unwrap();
    suite.push_price(ETH, "100").unwrap();
    suite
        .trade(&bob, BTC, 30_000_000_000, 477_500 * ONE)
        .unwrap();
    suite.advance(5);
    (suite, id)
}

/// The first feeder pushes the crash to 72 (28% from 100: a shock until now + 1 hour; the index
/// waits for a second feeder, as the move is beyond `max_index_move`).
fn crash_push(suite: &mut Suite) {
    let feeder = suite.feeder();
    suite.push_price_from(&feeder, BTC, "72").unwrap();
}

/// The second feeder confirms 72, arb shorts the vAMM toward it (1.78e11 base) and the keeper
/// liquidates bob: the fund pays the bad debt. Returns what the fund paid.
fn liquidate_crash(suite: &mut Suite) -> u128 {
    let (arb, keeper, bob) = (suite.addr("arb"), suite.addr("keeper"), suite.addr("bob"));
    let second = suite.feeders()[1].clone();
    suite.push_price_from(&second, BTC, "72").unwrap();
    suite
        .trade(&arb, BTC, -178_000_000_000, 2_000_000 * ONE)
        .unwrap();
    suite.liquidate(&keeper, BTC, &bob).unwrap();
    let loss = suite.loss(1);
    (loss.paid_by_reserve + loss.paid_by_junior + loss.paid_by_senior).u128()
}

fn claims_pause(suite: &Suite) -> ClaimsPauseResponse {
    suite
        .try_query(&QueryMsg::ClaimsPause {})
        .expect("claims pause query")
}

/// What a refused claim must leave as it was: the fund's books and alice's balance.
fn books(suite: &Suite) -> (FundStateResponse, u128) {
    (suite.state(), suite.balance(&suite.addr("alice")))
}

/// The value of amy's junior shares now.
fn amy_value(suite: &Suite) -> u128 {
    suite.underwriter(&suite.addr("amy")).junior.value.u128()
}

/// The armed exit, replayed: alice claims in the block of the crash push (72, from 100),
/// before the liquidation. Refused with `ClaimsPausedByShock` until the end of the shock, an
/// hour later; the liquidation's shortfall is 400,005.81 USDC, which the fund pays from junior,
/// so after the pause alice's claim pays 299,997.09 USDC and amy holds the same: each bore half.
/// On the fund before the pause the claim paid alice her whole 500,000 USDC, and amy was left
/// with 250,000 USDC (see the next test: the payout cap, 50% of the 500,000 left, paid 250,000
/// of the shortfall, all from her).
#[test]
fn an_armed_exit_cannot_claim_between_the_crash_push_and_the_liquidation() {
    let (mut suite, id) = setup();
    let alice = suite.addr("alice");
    crash_push(&mut suite);
    let until = suite.now().seconds() + HOUR;
    assert_eq!(
        claims_pause(&suite),
        ClaimsPauseResponse {
            paused: true,
            until
        }
    );
    assert_refused(
        &mut suite,
        books,
        ContractError::ClaimsPausedByShock { until },
        |s| s.claim(&alice, id),
    );
    let paid = liquidate_crash(&mut suite);
    assert_eq!(paid, PAID);
    // Still paused after the liquidation, until the shock ends by itself.
    suite.advance(HOUR - 1);
    assert_eq!(
        suite.claim(&alice, id).unwrap_err(),
        ContractError::ClaimsPausedByShock { until }
    );
    suite.advance(1);
    assert!(!claims_pause(&suite).paused);
    let before = suite.balance(&alice);
    suite.claim(&alice, id).unwrap();
    let alice_got = suite.balance(&alice) - before;
    assert_eq!(alice_got, SHARED_CLAIM);
    assert_eq!(amy_value(&suite), SHARED_HOLDING);
    // Each bore half the loss, to the rounding of the price.
    assert!(STAKE - alice_got >= PAID / 2 && STAKE - alice_got <= PAID / 2 + 1);
}

/// What an armed exit still saves: claiming before the crash push, when no shock is visible
/// yet. Alice leaves with her 500,000 USDC; the fund's cap (50% of the 500,000 left) pays
/// 250,000 USDC of the bad debt, all from amy, whose 500,000 fall to 250,000 USDC (instead of
/// about 300,000); the rest is socialized over the engine's open margin.
#[test]
fn a_claim_before_the_crash_push_still_escapes_the_loss() {
    let (mut suite, id) = setup();
    let alice = suite.addr("alice");
    let before = suite.balance(&alice);
    suite.claim(&alice, id).unwrap();
    assert_eq!(suite.balance(&alice) - before, STAKE);
    crash_push(&mut suite);
    let paid = liquidate_crash(&mut suite);
    assert_eq!(paid, STAKE / 2);
    assert_eq!(amy_value(&suite), ESCAPED_HOLDING);
}

/// The guardian's `TriggerShock` pauses claims as a crash push does (until now + 1 hour), in
/// any market; the governor's `EndShock` lifts the pause at once when no other market's shock
/// lasts, and not while one does.
#[test]
fn a_guardian_shock_pauses_claims_and_end_shock_lifts_it() {
    let (mut suite, id) = setup();
    let (alice, guardian, governor) = (
        suite.addr("alice"),
        suite.guardian.clone(),
        suite.governor.clone(),
    );
    let trigger = |market: &str| EngineMsg::TriggerShock {
        market: market.to_string(),
    };
    let end = |market: &str| EngineMsg::EndShock {
        market: market.to_string(),
    };
    suite.execute_engine(&guardian, &trigger(ETH), &[]).unwrap();
    let eth_until = suite.now().seconds() + HOUR;
    assert_refused(
        &mut suite,
        books,
        ContractError::ClaimsPausedByShock { until: eth_until },
        |s| s.claim(&alice, id),
    );
    // A second market's shock, later: the pause lasts until the later one ends.
    suite.advance(600);
    suite.execute_engine(&guardian, &trigger(BTC), &[]).unwrap();
    let btc_until = suite.now().seconds() + HOUR;
    assert_eq!(claims_pause(&suite).until, btc_until);
    // Ending BTC's shock leaves ETH's: claims stay paused until ETH's end.
    suite.execute_engine(&governor, &end(BTC), &[]).unwrap();
    assert_eq!(
        suite.claim(&alice, id).unwrap_err(),
        ContractError::ClaimsPausedByShock { until: eth_until }
    );
    suite.execute_engine(&governor, &end(ETH), &[]).unwrap();
    assert!(!claims_pause(&suite).paused);
    let before = suite.balance(&alice);
    suite.claim(&alice, id).unwrap();
    assert_eq!(suite.balance(&alice) - before, STAKE);
}

/// Requests, cancellations and expiries stay open during a shock (only claims wait), and a
/// fund whose engine was never shocked, or that has no engine, is not paused.
#[test]
fn only_claims_wait_and_nothing_pauses_without_a_shock() {
    let (mut suite, id) = setup();
    let (alice, amy) = (suite.addr("alice"), suite.addr("amy"));
    assert_eq!(
        claims_pause(&suite),
        ClaimsPauseResponse {
            paused: false,
            until: 0
        }
    );
    crash_push(&mut suite);
    let shares = suite.shares(Tranche::Junior, &amy);
    let amy_id = suite
        .request_withdrawal(&amy, Tranche::Junior, shares / 2)
        .unwrap();
    suite.cancel(&amy, amy_id).unwrap();
    suite.cancel(&alice, id).unwrap();
    assert_eq!(suite.shares(Tranche::Junior, &alice), STAKE * 1_000);

    // A fund without a real engine contract (the suite's plain engine address) never pauses.
    let mut suite = Suite::builder()
        .with_underwriters(&["alice"], 1_000_000 * ONE)
        .build();
    let alice = suite.addr("alice");
    suite.deposit(&alice, Tranche::Junior, 1_000 * ONE).unwrap();
    let shares = suite.shares(Tranche::Junior, &alice);
    let id = suite
        .request_withdrawal(&alice, Tranche::Junior, shares)
        .unwrap();
    suite.advance(WEEK);
    assert!(!claims_pause(&suite).paused);
    suite.claim(&alice, id).unwrap();
}

/// Paid by the fund for bob's liquidation with both stakes in.
const PAID: u128 = 400_005_814_876;
/// Alice's claim after the pause.
const SHARED_CLAIM: u128 = 299_997_092_562;
/// Amy's holding after it.
const SHARED_HOLDING: u128 = 299_997_092_562;
/// Amy's holding when alice claimed before the crash push.
const ESCAPED_HOLDING: u128 = 250_000_000_000;

/// An engine stored before it kept the engine-wide end of shocks, migrated during a shock:
/// the migration derives the end from the markets' shocks, so claims pause for the rest of it.
#[test]
fn an_engine_migrated_during_a_shock_pauses_claims_for_the_rest_of_it() {
    let (mut suite, id) = setup();
    let (alice, guardian, governor) = (
        suite.addr("alice"),
        suite.guardian.clone(),
        suite.governor.clone(),
    );
    let trigger = EngineMsg::TriggerShock {
        market: ETH.to_string(),
    };
    suite.execute_engine(&guardian, &trigger, &[]).unwrap();
    let until = suite.now().seconds() + HOUR;
    // What the previous engine held: the market's shock, no engine-wide end.
    let engine = suite.engine.clone();
    suite
        .app
        .contract_storage_mut(&engine)
        .remove(SHOCK_UNTIL_KEY.as_bytes());
    assert!(!claims_pause(&suite).paused);
    let code_id = suite.app.store_code(engine_contract());
    suite
        .app
        .migrate_contract(governor, engine, &Empty {}, code_id)
        .unwrap();
    assert_eq!(
        claims_pause(&suite),
        ClaimsPauseResponse {
            paused: true,
            until
        }
    );
    assert_eq!(
        suite.claim(&alice, id).unwrap_err(),
        ContractError::ClaimsPausedByShock { until }
    );
}
