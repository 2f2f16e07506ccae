//! Governance staking: GOV sent with cw20 `Send` becomes voting power at the next height;
//! unstaking drops power at once and pays out after the unbonding period (cw-controllers
//! claims, at most 20 pending); only the staking token is accepted.

use cosmwasm_std::{to_json_binary, Addr, Uint128};
use cw20::Cw20ExecuteMsg;
use cw_controllers::{Claim, ClaimsResponse};
use cw_multi_test::Executor;
use cw_utils::Expiration;
use governance::ContractError as GovError;
use tranche_perps_testing::gov::{into_gov_error, VOTERS};
use tranche_perps_testing::time::WEEK;
use tranche_perps_testing::{Suite, ONE};
use tranche_perps_types::fund::Cw20Receive;
use tranche_perps_types::governance::{ExecuteMsg, PowerResponse, QueryMsg, ReceiveMsg};

fn suite() -> Suite {
    Suite::builder()
        .with_underwriters(&["lp"], 1_000_000 * ONE)
        .with_governance(&VOTERS)
        .build()
}

fn voters(suite: &Suite) -> (Addr, Addr, Addr) {
    (suite.addr("alice"), suite.addr("bob"), suite.addr("carol"))
}

fn power_at(suite: &Suite, who: &Addr, height: Option<u64>) -> PowerResponse {
    suite
        .app
        .wrap()
        .query_wasm_smart(
            &suite.gov().contract,
            &QueryMsg::VotingPower {
                address: who.to_string(),
                height,
            },
        )
        .unwrap()
}

fn total_at(suite: &Suite, height: Option<u64>) -> PowerResponse {
    suite
        .app
        .wrap()
        .query_wasm_smart(&suite.gov().contract, &QueryMsg::TotalPower { height })
        .unwrap()
}

fn claims(suite: &Suite, who: &Addr) -> Vec<Claim> {
    let res: ClaimsResponse = suite
        .app
        .wrap()
        .query_wasm_smart(
            &suite.gov().contract,
            &QueryMsg::Claims {
                address: who.to_string(),
            },
        )
        .unwrap();
    res.claims
}

fn height(suite: &Suite) -> u64 {
    suite.app.block_info().height
}

#[test]
fn stake_moves_tokens_into_governance_and_adds_power() {
    let mut suite = suite();
    let (alice, bob, _) = voters(&suite);
    let gov = suite.gov().contract.clone();

    suite.stake(&alice, 400 * ONE).unwrap();
    assert_eq!(suite.gov_balance(&alice), 200 * ONE);
    assert_eq!(suite.gov_balance(&gov), 400 * ONE);
    assert_eq!(suite.voting_power(&alice), 400 * ONE);

    suite.stake(&alice, 100 * ONE).unwrap();
    suite.stake(&bob, 300 * ONE).unwrap();
    assert_eq!(suite.gov_balance(&alice), 100 * ONE);
    assert_eq!(suite.gov_balance(&bob), 0);
    assert_eq!(suite.gov_balance(&gov), 800 * ONE);
    assert_eq!(suite.voting_power(&alice), 500 * ONE);
    assert_eq!(suite.voting_power(&bob), 300 * ONE);
    assert_eq!(total_at(&suite, None).power.u128(), 800 * ONE);
    assert!(claims(&suite, &alice).is_empty());
}

#[test]
fn unstake_drops_power_now_and_pays_out_after_unbonding() {
    let mut suite = suite();
    let (alice, _, _) = voters(&suite);
    let gov = suite.gov().contract.clone();
    suite.stake(&alice, 600 * ONE).unwrap();
    suite.next_block();

    suite.unstake(&alice, 250 * ONE).unwrap();
    let release = suite.now().plus_seconds(WEEK);
    assert_eq!(suite.voting_power(&alice), 350 * ONE);
    assert_eq!(total_at(&suite, None).power.u128(), 350 * ONE);
    // Tokens stay in governance until the claim.
    assert_eq!(suite.gov_balance(&alice), 0);
    assert_eq!(suite.gov_balance(&gov), 600 * ONE);
    assert_eq!(
        claims(&suite, &alice),
        vec![Claim {
            amount: Uint128::new(250 * ONE),
            release_at: Expiration::AtTime(release),
        }]
    );

    // Before the release time: nothing to claim, nothing moves.
    assert_eq!(
        suite
            .execute_gov(&alice, &ExecuteMsg::Claim {})
            .unwrap_err(),
        GovError::NothingToClaim
    );
    suite.advance(WEEK - 1);
    assert_eq!(
        suite
            .execute_gov(&alice, &ExecuteMsg::Claim {})
            .unwrap_err(),
        GovError::NothingToClaim
    );
    assert_eq!(suite.gov_balance(&alice), 0);

    // At the release time: the tokens come back, once.
    suite.advance(1);
    assert_eq!(suite.now(), release);
    suite.execute_gov(&alice, &ExecuteMsg::Claim {}).unwrap();
    assert_eq!(suite.gov_balance(&alice), 250 * ONE);
    assert_eq!(suite.gov_balance(&gov), 350 * ONE);
    assert!(claims(&suite, &alice).is_empty());
    assert_eq!(suite.voting_power(&alice), 350 * ONE);
    assert_eq!(
        suite
            .execute_gov(&alice, &ExecuteMsg::Claim {})
            .unwrap_err(),
        GovError::NothingToClaim
    );
    assert_eq!(suite.gov_balance(&alice), 250 * ONE);
}

#[test]
fn claims_pay_only_the_released_ones() {
    let mut suite = suite();
    let (alice, _, _) = voters(&suite);
    suite.stake(&alice, 600 * ONE).unwrap();
    suite.unstake(&alice, 100 * ONE).unwrap();
    let first = suite.now().plus_seconds(WEEK);
    suite.advance(86_400);
    suite.unstake(&alice, 50 * ONE).unwrap();
    let second = suite.now().plus_seconds(WEEK);
    assert_eq!(suite.voting_power(&alice), 450 * ONE);

    suite.advance(WEEK - 86_400);
    assert_eq!(suite.now(), first);
    suite.execute_gov(&alice, &ExecuteMsg::Claim {}).unwrap();
    assert_eq!(suite.gov_balance(&alice), 100 * ONE);
    assert_eq!(
        claims(&suite, &alice),
        vec![Claim {
            amount: Uint128::new(50 * ONE),
            release_at: Expiration::AtTime(second),
        }]
    );
    suite.advance(86_400);
    suite.execute_gov(&alice, &ExecuteMsg::Claim {}).unwrap();
    assert_eq!(suite.gov_balance(&alice), 150 * ONE);
    assert!(claims(&suite, &alice).is_empty());
}

#[test]
fn unstaking_more_than_staked_is_refused() {
    let mut suite = suite();
    let (alice, bob, _) = voters(&suite);
    suite.stake(&alice, 100 * ONE).unwrap();

    assert_eq!(
        suite.unstake(&alice, 100 * ONE + 1).unwrap_err(),
        GovError::InsufficientStake {
            staked: Uint128::new(100 * ONE),
            amount: Uint128::new(100 * ONE + 1),
        }
    );
    assert_eq!(
        suite.unstake(&bob, 1).unwrap_err(),
        GovError::InsufficientStake {
            staked: Uint128::zero(),
            amount: Uint128::new(1),
        }
    );
    assert_eq!(suite.voting_power(&alice), 100 * ONE);
    assert!(claims(&suite, &alice).is_empty());
    assert!(claims(&suite, &bob).is_empty());

    // All of it is fine; then nothing is left.
    suite.unstake(&alice, 100 * ONE).unwrap();
    assert_eq!(suite.voting_power(&alice), 0);
    assert_eq!(
        suite.unstake(&alice, 1).unwrap_err(),
        GovError::InsufficientStake {
            staked: Uint128::zero(),
            amount: Uint128::new(1),
        }
    );
}

#[test]
fn zero_amounts_are_refused() {
    let mut suite = suite();
    let (alice, _, _) = voters(&suite);
    let (token, gov) = (suite.gov().token.clone(), suite.gov().contract.clone());
    suite.stake(&alice, 100 * ONE).unwrap();

    assert_eq!(suite.unstake(&alice, 0).unwrap_err(), GovError::ZeroAmount);

    // A zero cw20 `Send` reaches governance (cw20-base 2 lets it through), which refuses it ...
    assert_eq!(suite.stake(&alice, 0).unwrap_err(), GovError::ZeroAmount);

    // ... as it refuses a zero stake its token reports directly.
    let err = suite
        .app
        .execute_contract(
            token,
            gov.clone(),
            &ExecuteMsg::Receive(Cw20Receive {
                sender: alice.to_string(),
                amount: Uint128::zero(),
                msg: to_json_binary(&ReceiveMsg::Stake {}).unwrap(),
            }),
            &[],
        )
        .unwrap_err();
    assert_eq!(into_gov_error(err), GovError::ZeroAmount);

    assert_eq!(suite.voting_power(&alice), 100 * ONE);
    assert_eq!(suite.gov_balance(&alice), 500 * ONE);
    assert_eq!(suite.gov_balance(&gov), 100 * ONE);
    assert!(claims(&suite, &alice).is_empty());
}

#[test]
fn at_most_twenty_claims_may_be_pending() {
    let mut suite = suite();
    let (alice, _, _) = voters(&suite);
    suite.stake(&alice, 600 * ONE).unwrap();
    let release = suite.now().plus_seconds(WEEK);
    for _ in 0..20 {
        suite.unstake(&alice, ONE).unwrap();
    }
    assert_eq!(claims(&suite, &alice).len(), 20);
    assert_eq!(
        suite.unstake(&alice, ONE).unwrap_err(),
        GovError::TooManyClaims { max: 20 }
    );
    assert_eq!(suite.voting_power(&alice), 580 * ONE);
    assert_eq!(claims(&suite, &alice).len(), 20);

    // Claiming them frees the slots.
    suite.advance(WEEK);
    assert_eq!(suite.now(), release);
    suite.execute_gov(&alice, &ExecuteMsg::Claim {}).unwrap();
    assert_eq!(suite.gov_balance(&alice), 20 * ONE);
    assert!(claims(&suite, &alice).is_empty());
    suite.unstake(&alice, ONE).unwrap();
    assert_eq!(suite.voting_power(&alice), 579 * ONE);
    assert_eq!(claims(&suite, &alice).len(), 1);
}

#[test]
fn another_cw20_sent_to_governance_is_refused() {
    let mut suite = suite();
    let (alice, _, _) = voters(&suite);
    let gov = suite.gov().contract.clone();
    let code_id = suite.cw20_code_id;
    let fake = suite
        .app
        .instantiate_contract(
            code_id,
            alice.clone(),
            &cw20_base::msg::InstantiateMsg {
                name: "Fake Governance".to_string(),
                symbol: "FGOV".to_string(),
                decimals: 6,
                initial_balances: vec![cw20::Cw20Coin {
                    address: alice.to_string(),
                    amount: Uint128::new(1_000 * ONE),
                }],
                mint: None,
                marketing: None,
            },
            &[],
            "FGOV",
            None,
        )
        .unwrap();
    for hook in [
        ReceiveMsg::Stake {},
        ReceiveMsg::Propose {
            title: "fake".to_string(),
            description: String::new(),
            actions: vec![],
        },
    ] {
        let err = suite
            .app
            .execute_contract(
                alice.clone(),
                fake.clone(),
                &Cw20ExecuteMsg::Send {
                    contract: gov.to_string(),
                    amount: Uint128::new(500 * ONE),
                    msg: to_json_binary(&hook).unwrap(),
                },
                &[],
            )
            .unwrap_err();
        assert_eq!(
            into_gov_error(err),
            GovError::UnknownToken {
                token: fake.to_string()
            }
        );
    }
    let balance: cw20::BalanceResponse = suite
        .app
        .wrap()
        .query_wasm_smart(
            &fake,
            &cw20::Cw20QueryMsg::Balance {
                address: alice.to_string(),
            },
        )
        .unwrap();
    assert_eq!(balance.balance.u128(), 1_000 * ONE);
    assert_eq!(suite.voting_power(&alice), 0);
    assert_eq!(total_at(&suite, None).power.u128(), 0);
}

#[test]
fn power_and_total_are_read_at_the_start_of_a_height() {
    let mut suite = suite();
    let (alice, bob, carol) = voters(&suite);

    let h1 = height(&suite);
    suite.stake(&alice, 100 * ONE).unwrap();
    suite.next_block();
    let h2 = height(&suite);
    assert_eq!(h2, h1 + 2);
    suite.stake(&bob, 300 * ONE).unwrap();
    suite.stake(&alice, 50 * ONE).unwrap();
    suite.next_block();
    let h3 = height(&suite);
    suite.unstake(&alice, 30 * ONE).unwrap();
    suite.unstake(&bob, 300 * ONE).unwrap();
    suite.next_block();
    let h4 = height(&suite);

    let expect = [
        // (height, alice, bob, total)
        (h1 - 1, 0, 0, 0),
        (h1, 0, 0, 0),
        (h1 + 1, 100, 0, 100),
        (h2, 100, 0, 100),
        (h2 + 1, 150, 300, 450),
        (h3, 150, 300, 450),
        (h3 + 1, 120, 0, 120),
        (h4, 120, 0, 120),
        (h4 + 1_000, 120, 0, 120),
    ];
    for (h, a, b, t) in expect {
        let pa = power_at(&suite, &alice, Some(h));
        assert_eq!((pa.power.u128(), pa.height), (a * ONE, h), "alice at {h}");
        assert_eq!(
            power_at(&suite, &bob, Some(h)).power.u128(),
            b * ONE,
            "bob at {h}"
        );
        assert_eq!(power_at(&suite, &carol, Some(h)).power.u128(), 0);
        let pt = total_at(&suite, Some(h));
        assert_eq!((pt.power.u128(), pt.height), (t * ONE, h), "total at {h}");
    }
    // Without a height: now, including this block's changes.
    suite.stake(&carol, 100 * ONE).unwrap();
    let now_alice = power_at(&suite, &alice, None);
    assert_eq!((now_alice.power.u128(), now_alice.height), (120 * ONE, h4));
    assert_eq!(power_at(&suite, &carol, None).power.u128(), 100 * ONE);
    assert_eq!(power_at(&suite, &carol, Some(h4)).power.u128(), 0);
    assert_eq!(total_at(&suite, None).power.u128(), 220 * ONE);
    assert_eq!(total_at(&suite, Some(h4)).power.u128(), 120 * ONE);
}
