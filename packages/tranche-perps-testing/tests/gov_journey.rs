//! Governance journeys: the DAO changes the fund while underwriters withdraw (a longer cooldown
//! applies to later requests only; a risk-raising change waits until a withdrawal requested when
//! it passed could be claimed), and the governor role held by a plain address (a multisig or a
//! DAO DAO core) moving to the governance contract and back through the two-step transfer.

use cosmwasm_std::{Addr, Decimal, Timestamp, Uint128};
use cw20::Cw20Coin;
use cw_multi_test::Executor;
use cw_ownable::{Ownership, OwnershipError};
use governance::ContractError as GovError;
use insurance_fund::ContractError as FundError;
use tranche_perps_testing::gov::{governance_contract, GovRecords, VOTERS};
use tranche_perps_testing::perp::default_market_params;
use tranche_perps_testing::time::DAY;
use tranche_perps_testing::{Suite, ONE};
use tranche_perps_types::engine::{self, MarketParams};
use tranche_perps_types::fund::{
    self, FundParams, FundParamsUpdate, GovernorAction, RequestStatus, Tranche,
};
use tranche_perps_types::governance::{Action, GovConfig, InstantiateMsg, ProposalStatus};

/// Share units per collateral base unit at a tranche's first-deposit price.
const S: u128 = 1_000;
const BTC: &str = "BTC-USD";

/// The full suite, every GOV holder staked; lp in junior (300k), ann in senior (900k):
/// a junior ratio of 25%.
fn dao() -> (Suite, Addr, Addr) {
    let mut suite = Suite::builder()
        .with_underwriters(&["lp", "ann"], 1_000_000 * ONE)
        .with_staked_governance(&VOTERS)
        .build();
    let (lp, ann) = (suite.addr("lp"), suite.addr("ann"));
    suite.deposit(&lp, Tranche::Junior, 300_000 * ONE).unwrap();
    suite.deposit(&ann, Tranche::Senior, 900_000 * ONE).unwrap();
    (suite, lp, ann)
}

/// Alice and bob (90%) vote yes: the proposal passes at once. Returns that time.
fn pass(suite: &mut Suite, id: u64) -> Timestamp {
    let (alice, bob) = (suite.addr("alice"), suite.addr("bob"));
    suite.pass(id, &[&alice, &bob])
}

fn execute(suite: &mut Suite, id: u64) -> Result<(), GovError> {
    let keeper = suite.addr("keeper");
    suite.execute_proposal(&keeper, id).map(|_| ())
}

fn fund_owner(suite: &Suite) -> Ownership<Addr> {
    suite.try_query(&fund::QueryMsg::Ownership {}).unwrap()
}

fn engine_owner(suite: &Suite) -> Ownership<Addr> {
    suite
        .app
        .wrap()
        .query_wasm_smart(&suite.engine, &engine::QueryMsg::Ownership {})
        .unwrap()
}

#[test]
fn dao_raises_the_cooldown_and_a_risky_change_waits_out_a_withdrawal() {
    let (mut suite, lp, ann) = dao();
    let carol = suite.addr("carol");

    // 1. The DAO raises the cooldown from 7 to 14 days: off the safe list (it slows every
    // exit), so it waits the exit window of 9 days.
    let raise = suite
        .propose(
            &carol,
            "longer cooldown",
            vec![Action::UpdateFundParams(FundParamsUpdate {
                cooldown_seconds: Some(14 * DAY),
                ..Default::default()
            })],
        )
        .unwrap();
    let passed = pass(&mut suite, raise);
    assert_eq!(suite.proposal(raise).timelock_seconds, 9 * DAY);

    // lp asks to withdraw before execution: the old cooldown.
    suite.advance(DAY);
    let early_at = suite.now();
    let early = suite
        .request_withdrawal(&lp, Tranche::Junior, 10_000 * ONE * S)
        .unwrap();
    assert_eq!(
        suite.request(early).cooldown_end,
        early_at.plus_seconds(7 * DAY)
    );
    assert_eq!(
        suite.request(early).claim_deadline,
        early_at.plus_seconds(9 * DAY)
    );

    suite.advance(passed.plus_seconds(9 * DAY).seconds() - suite.now().seconds());
    execute(&mut suite, raise).unwrap();
    assert_eq!(suite.config().params.cooldown_seconds, 14 * DAY);

    // ann asks after execution: the new cooldown. lp's request keeps its own.
    let late_at = suite.now();
    let late = suite
        .request_withdrawal(&ann, Tranche::Senior, 10_000 * ONE * S)
        .unwrap();
    assert_eq!(
        suite.request(late).cooldown_end,
        late_at.plus_seconds(14 * DAY)
    );
    assert_eq!(
        suite.request(late).claim_deadline,
        late_at.plus_seconds(16 * DAY)
    );
    assert_eq!(
        suite.request(early).cooldown_end,
        early_at.plus_seconds(7 * DAY)
    );
    assert_eq!(
        suite.request(early).claim_deadline,
        early_at.plus_seconds(9 * DAY)
    );

    // 2. A risk-raising change: min junior ratio 20% -> 10%. Its timelock is the fund's
    // exit time now: 14 days of cooldown plus 2 of claim window.
    let lower = suite
        .propose(
            &carol,
            "thinner junior",
            vec![Action::UpdateFundParams(FundParamsUpdate {
                min_junior_ratio: Some(Decimal::percent(10)),
                ..Default::default()
            })],
        )
        .unwrap();
    assert_eq!(suite.proposal(lower).timelock_seconds, 16 * DAY);
    let passed = pass(&mut suite, lower);
    let executable_at = passed.plus_seconds(16 * DAY);
    assert_eq!(suite.proposal(lower).executable_at, Some(executable_at));

    // lp sees it pass and asks to withdraw at once.
    let exit = suite
        .request_withdrawal(&lp, Tranche::Junior, 20_000 * ONE * S)
        .unwrap();
    let request = suite.request(exit);
    assert_eq!(request.cooldown_end, passed.plus_seconds(14 * DAY));
    assert_eq!(request.claim_deadline, executable_at);

    let timelocked = GovError::Timelocked {
        id: lower,
        executable_at: executable_at.seconds(),
    };
    assert_eq!(execute(&mut suite, lower).unwrap_err(), timelocked);
    suite.advance(14 * DAY);
    assert_eq!(execute(&mut suite, lower).unwrap_err(), timelocked);
    assert_eq!(suite.request(exit).status, RequestStatus::Claimable);

    // lp claims while the old rules still hold (at the first-deposit price, 1 per S).
    let before = suite.balance(&lp);
    suite.claim(&lp, exit).unwrap();
    assert_eq!(suite.balance(&lp), before + 20_000 * ONE);

    // Under the old rules a senior deposit that takes junior below 20% is refused.
    suite.mint(&ann, 500_000 * ONE);
    let ratio_after_big_senior = Decimal::from_ratio(280_000u128, 280_000u128 + 1_400_000);
    assert_eq!(
        suite
            .deposit(&ann, Tranche::Senior, 500_000 * ONE)
            .unwrap_err(),
        // judged once lp's pending 10,000 USDC junior request is paid: 270,000 of junior
        FundError::SubordinationBreach {
            junior_ratio: Decimal::from_ratio(270_000u128, 270_000u128 + 1_400_000),
            min: Decimal::percent(20),
        }
    );

    suite.advance(2 * DAY - 1);
    assert_eq!(execute(&mut suite, lower).unwrap_err(), timelocked);
    suite.advance(1);
    execute(&mut suite, lower).unwrap();
    assert_eq!(suite.proposal(lower).status, ProposalStatus::Executed);
    assert_eq!(suite.config().params.min_junior_ratio, Decimal::percent(10));
    suite.deposit(&ann, Tranche::Senior, 500_000 * ONE).unwrap();
    assert_eq!(suite.state().junior_ratio, Some(ratio_after_big_senior));
}

#[test]
fn a_withdrawal_requested_when_a_risky_change_passes_is_claimable_before_it_executes() {
    // Default fund: 7 days of cooldown, 2 of claim window, so 9 days of timelock.
    let (mut suite, lp, _) = dao();
    let carol = suite.addr("carol");
    let id = suite
        .propose(
            &carol,
            "bigger payouts",
            vec![Action::UpdateFundParams(FundParamsUpdate {
                max_payout_bps: Some(9_000),
                ..Default::default()
            })],
        )
        .unwrap();
    let passed = pass(&mut suite, id);
    let request = suite
        .request_withdrawal(&lp, Tranche::Junior, 1_000 * ONE * S)
        .unwrap();
    // The whole claim window lies inside the timelock.
    assert_eq!(
        suite.request(request).cooldown_end,
        passed.plus_seconds(7 * DAY)
    );
    assert_eq!(
        suite.proposal(id).executable_at,
        Some(suite.request(request).claim_deadline)
    );
    suite.advance(9 * DAY - 1);
    assert_eq!(
        execute(&mut suite, id).unwrap_err(),
        GovError::Timelocked {
            id,
            executable_at: passed.seconds() + 9 * DAY
        }
    );
    let before = suite.balance(&lp);
    suite.claim(&lp, request).unwrap();
    assert_eq!(suite.balance(&lp), before + 1_000 * ONE);
    suite.advance(1);
    execute(&mut suite, id).unwrap();
    assert_eq!(suite.config().params.max_payout_bps, 9_000);
}

// ----- a plain address as governor -----

fn stricter_market() -> MarketParams {
    MarketParams {
        initial_margin_ratio: Decimal::percent(20),
        maintenance_margin_ratio: Decimal::percent(8),
        ..default_market_params()
    }
}

/// Deploys a GOV token and governance next to a suite built without them, records them in the
/// suite, and stakes alice (600) and bob (400). Governance is not yet anyone's governor.
fn deploy_governance(suite: &mut Suite) -> Addr {
    let (alice, bob) = (suite.addr("alice"), suite.addr("bob"));
    let operator = suite.operator.clone();
    let token = suite
        .app
        .instantiate_contract(
            suite.cw20_code_id,
            operator.clone(),
            &cw20_base::msg::InstantiateMsg {
                name: "Venue Governance".to_string(),
                symbol: "GOV".to_string(),
                decimals: 6,
                initial_balances: vec![
                    Cw20Coin {
                        address: alice.to_string(),
                        amount: Uint128::new(600 * ONE),
                    },
                    Cw20Coin {
                        address: bob.to_string(),
                        amount: Uint128::new(400 * ONE),
                    },
                ],
                mint: None,
                marketing: None,
            },
            &[],
            "GOV",
            None,
        )
        .unwrap();
    let code_id = suite.app.store_code(governance_contract());
    let treasury = suite.addr("dao-treasury");
    let contract = suite
        .app
        .instantiate_contract(
            code_id,
            operator,
            &InstantiateMsg {
                staking_token: token.to_string(),
                fund: Some(suite.fund.to_string()),
                engine: Some(suite.engine.to_string()),
                guardian: Some(suite.guardian.to_string()),
                treasury: treasury.to_string(),
                config: Some(GovConfig::default()),
            },
            &[],
            "governance",
            None,
        )
        .unwrap();
    suite.gov = Some(GovRecords {
        contract: contract.clone(),
        token,
        treasury,
        code_id,
    });
    suite.stake(&alice, 600 * ONE).unwrap();
    suite.stake(&bob, 400 * ONE).unwrap();
    suite.next_block();
    contract
}

/// Proposes, passes (alice and bob), waits out the timelock and executes; returns the id.
fn enact(suite: &mut Suite, actions: Vec<Action>) -> u64 {
    let (alice, bob) = (suite.addr("alice"), suite.addr("bob"));
    let id = suite.propose(&alice, "change", actions).unwrap();
    suite.pass_and_wait(id, &[&alice, &bob]);
    execute(suite, id).unwrap();
    id
}

#[test]
fn a_multisig_governs_fund_and_engine_directly() {
    let mut suite = Suite::builder()
        .with_underwriters(&["lp"], 1_000_000 * ONE)
        .with_perp_engine()
        .build();
    assert!(suite.gov.is_none());
    let multisig = suite.governor.clone();
    assert_eq!(fund_owner(&suite).owner, Some(multisig.clone()));
    assert_eq!(engine_owner(&suite).owner, Some(multisig.clone()));

    // No proposal, no timelock: the multisig's own process is its governance.
    suite
        .update_params(FundParamsUpdate {
            cooldown_seconds: Some(3 * DAY),
            min_junior_ratio: Some(Decimal::percent(10)),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        suite.config().params,
        FundParams {
            cooldown_seconds: 3 * DAY,
            min_junior_ratio: Decimal::percent(10),
            ..Default::default()
        }
    );
    suite
        .add_market(BTC, 1_000_000_000_000, 100_000_000_000_000)
        .unwrap();
    suite
        .execute_engine(
            &multisig,
            &engine::ExecuteMsg::UpdateMarket {
                market: BTC.to_string(),
                params: stricter_market(),
            },
            &[],
        )
        .unwrap();
    assert_eq!(suite.market(BTC).params, stricter_market());

    // Anyone else is refused by both.
    let lp = suite.addr("lp");
    assert_eq!(
        suite
            .execute_fund(
                &lp,
                &fund::ExecuteMsg::UpdateParams(FundParamsUpdate::default()),
                &[]
            )
            .unwrap_err(),
        FundError::Ownership(OwnershipError::NotOwner)
    );
    assert_eq!(
        suite
            .execute_engine(
                &lp,
                &engine::ExecuteMsg::UpdateMarket {
                    market: BTC.to_string(),
                    params: default_market_params(),
                },
                &[],
            )
            .unwrap_err(),
        perp_engine::ContractError::Ownership(OwnershipError::NotOwner)
    );
}

#[test]
fn the_governor_role_moves_from_a_multisig_to_governance_and_back() {
    let mut suite = Suite::builder()
        .with_underwriters(&["lp"], 1_000_000 * ONE)
        .with_perp_engine()
        .build();
    let multisig = suite.governor.clone();
    suite
        .add_market(BTC, 1_000_000_000_000, 100_000_000_000_000)
        .unwrap();
    let gov = deploy_governance(&mut suite);

    // Governance is not the governor yet: its fund action fails and is recorded.
    let early = enact_failing(
        &mut suite,
        vec![Action::UpdateFundParams(FundParamsUpdate {
            junior_weight: Some(4),
            ..Default::default()
        })],
    );
    assert!(
        early.contains("Caller is not the contract's current owner"),
        "{early}"
    );

    // Step one: the multisig offers both roles to governance.
    let offer = GovernorAction::TransferOwnership {
        new_owner: gov.to_string(),
        expiry: None,
    };
    suite
        .execute_fund(
            &multisig,
            &fund::ExecuteMsg::UpdateOwnership(offer.clone()),
            &[],
        )
        .unwrap();
    suite
        .execute_engine(&multisig, &engine::ExecuteMsg::UpdateOwnership(offer), &[])
        .unwrap();
    assert_eq!(fund_owner(&suite).pending_owner, Some(gov.clone()));
    assert_eq!(engine_owner(&suite).owner, Some(multisig.clone()));

    // Step two: governance accepts by proposal (an ownership action: the long timelock).
    let (alice, bob) = (suite.addr("alice"), suite.addr("bob"));
    let accept = suite
        .propose(
            &alice,
            "accept the governor role",
            vec![
                Action::FundOwnership(GovernorAction::AcceptOwnership),
                Action::EngineOwnership(GovernorAction::AcceptOwnership),
            ],
        )
        .unwrap();
    // Accepting a governor role adds no risk for underwriters: the base 2-day timelock.
    assert_eq!(suite.proposal(accept).timelock_seconds, 2 * DAY);
    suite.pass_and_wait(accept, &[&alice, &bob]);
    execute(&mut suite, accept).unwrap();
    assert_eq!(suite.proposal(accept).status, ProposalStatus::Executed);
    for ownership in [fund_owner(&suite), engine_owner(&suite)] {
        assert_eq!(ownership.owner, Some(gov.clone()));
        assert_eq!(ownership.pending_owner, None);
    }
    suite.governor = gov.clone();

    // The multisig has lost its power; governance now changes the fund and the engine.
    assert_eq!(
        suite
            .execute_fund(
                &multisig,
                &fund::ExecuteMsg::UpdateParams(FundParamsUpdate::default()),
                &[]
            )
            .unwrap_err(),
        FundError::Ownership(OwnershipError::NotOwner)
    );
    enact(
        &mut suite,
        vec![
            Action::UpdateFundParams(FundParamsUpdate {
                junior_weight: Some(4),
                ..Default::default()
            }),
            Action::UpdateMarket {
                market: BTC.to_string(),
                params: stricter_market(),
            },
        ],
    );
    assert_eq!(suite.config().params.junior_weight, 4);
    assert_eq!(suite.market(BTC).params, stricter_market());

    // And back: governance offers both roles to the multisig, which accepts directly.
    let back = GovernorAction::TransferOwnership {
        new_owner: multisig.to_string(),
        expiry: None,
    };
    enact(
        &mut suite,
        vec![
            Action::FundOwnership(back.clone()),
            Action::EngineOwnership(back),
        ],
    );
    assert_eq!(fund_owner(&suite).owner, Some(gov.clone()));
    assert_eq!(fund_owner(&suite).pending_owner, Some(multisig.clone()));
    assert_eq!(engine_owner(&suite).pending_owner, Some(multisig.clone()));
    suite
        .execute_fund(
            &multisig,
            &fund::ExecuteMsg::UpdateOwnership(GovernorAction::AcceptOwnership),
            &[],
        )
        .unwrap();
    suite
        .execute_engine(
            &multisig,
            &engine::ExecuteMsg::UpdateOwnership(GovernorAction::AcceptOwnership),
            &[],
        )
        .unwrap();
    for ownership in [fund_owner(&suite), engine_owner(&suite)] {
        assert_eq!(ownership.owner, Some(multisig.clone()));
        assert_eq!(ownership.pending_owner, None);
    }
    suite.governor = multisig.clone();
    suite
        .update_params(FundParamsUpdate {
            junior_weight: Some(6),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(suite.config().params.junior_weight, 6);

    // Governance's later fund actions fail and are recorded; nothing changes.
    let late = enact_failing(
        &mut suite,
        vec![Action::UpdateFundParams(FundParamsUpdate {
            junior_weight: Some(9),
            ..Default::default()
        })],
    );
    assert!(
        late.contains("Caller is not the contract's current owner"),
        "{late}"
    );
    assert_eq!(suite.config().params.junior_weight, 6);
}

/// Like [`enact`] for a proposal whose execution fails; returns the recorded error.
fn enact_failing(suite: &mut Suite, actions: Vec<Action>) -> String {
    let (alice, bob) = (suite.addr("alice"), suite.addr("bob"));
    let id = suite.propose(&alice, "change", actions).unwrap();
    suite.pass_and_wait(id, &[&alice, &bob]);
    execute(suite, id).unwrap();
    let p = suite.proposal(id);
    assert_eq!(p.status, ProposalStatus::ExecutionFailed);
    p.execution_error.expect("error recorded")
}
