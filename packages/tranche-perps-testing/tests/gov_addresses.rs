//! Governance's own addresses: the DAO moves its typed actions to a new engine or fund, replaces
//! or removes a rogue guardian (who cannot veto that), and changes its treasury; a fund or
//! engine change waits out the fund's exit window. A passed proposal whose fund no longer
//! answers falls back to the timelock stored when it was made instead of staying stuck, and a
//! new risk-raising proposal (the repair included) gets the fallback timelock instead of being
//! refused.

use cosmwasm_std::{to_json_binary, Addr, CosmosMsg, Decimal, Timestamp, Uint128, WasmMsg};
use cw_multi_test::{AppResponse, Executor};
use governance::ContractError as GovError;
use tranche_perps_testing::gov::{Dao, CAROL_KEEPS_50, EXIT, TIMELOCK, VOTERS};
use tranche_perps_testing::perp::{default_market_params, engine_contract};
use tranche_perps_testing::time::DAY;
use tranche_perps_testing::{Suite, DENOM, ONE};
use tranche_perps_types::engine::{self, EngineConfigResponse, EnginePause, FeeConfig, NewMarket};
use tranche_perps_types::fund::{self, FundParamsUpdate};
use tranche_perps_types::governance::{
    Action, ExecuteMsg, GovAddressesUpdate, GovConfig, ProposalStatus,
};

const DEPOSIT: u128 = 5 * ONE;
const ETH: &str = "ETH-USD";

/// Alice (600) and bob (300) staked, carol 50 staked and 50 kept to pay the 5 GOV deposit
/// set by a first proposal.
fn dao() -> Dao {
    let suite = Suite::builder()
        .with_underwriters(&["lp"], 1_000_000 * ONE)
        .with_governance(&VOTERS)
        .with_stakes(&CAROL_KEEPS_50)
        .build();
    let mut dao = Dao::new(suite);
    dao.enact(vec![Action::UpdateGovConfig(GovConfig {
        proposal_deposit: Uint128::new(DEPOSIT),
        ..GovConfig::default()
    })]);
    dao
}

fn addresses(update: GovAddressesUpdate) -> Action {
    Action::UpdateGovAddresses(update)
}

fn new_guardian(guardian: &Addr) -> Action {
    addresses(GovAddressesUpdate {
        guardian: Some(guardian.to_string()),
        ..Default::default()
    })
}

fn fund_pause() -> Action {
    Action::SetFundPause {
        deposits: Some(true),
        withdrawals: None,
    }
}

/// A raw message governance sends to itself.
fn self_call(suite: &Suite, msg: &ExecuteMsg) -> Action {
    Action::Raw(CosmosMsg::Wasm(WasmMsg::Execute {
        contract_addr: suite.gov().contract.to_string(),
        msg: to_json_binary(msg).unwrap(),
        funds: vec![],
    }))
}

/// A raw engine pause: risk-raising like every raw message, and it never queries the fund.
fn raw_engine_pause(suite: &Suite) -> Action {
    Action::Raw(CosmosMsg::Wasm(WasmMsg::Execute {
        contract_addr: suite.engine.to_string(),
        msg: to_json_binary(&engine::ExecuteMsg::SetPause(EnginePause {
            new_positions: true,
            ..Default::default()
        }))
        .unwrap(),
        funds: vec![],
    }))
}

fn engine_config(suite: &Suite, engine: &Addr) -> EngineConfigResponse {
    suite
        .app
        .wrap()
        .query_wasm_smart(engine, &engine::QueryMsg::Config {})
        .unwrap()
}

/// The attributes of the `update_addresses` event in `res`.
fn update_event(res: &AppResponse) -> Vec<(String, String)> {
    res.events
        .iter()
        .find(|e| {
            e.ty == "wasm"
                && e.attributes
                    .iter()
                    .any(|a| a.key == "action" && a.value == "update_addresses")
        })
        .expect("update_addresses event")
        .attributes
        .iter()
        .filter(|a| a.key != "_contract_address")
        .map(|a| (a.key.clone(), a.value.clone()))
        .collect()
}

// ----- fund and engine -----

/// After the DAO points the fund at a new engine, it points its own typed engine actions there
/// too (both in one proposal, which waits out the exit window); a new market then lands on the
/// new engine, not the old one.
#[test]
fn the_dao_moves_its_engine_actions_to_a_new_engine() {
    let mut dao = dao();
    let gov = dao.suite.gov().contract.clone();
    let (old_engine, fund_addr) = (dao.suite.engine.clone(), dao.suite.fund.clone());
    let code_id = dao.suite.app.store_code(engine_contract());
    let new_engine = dao
        .suite
        .app
        .instantiate_contract(
            code_id,
            dao.suite.operator.clone(),
            &engine::InstantiateMsg {
                governor: gov.to_string(),
                guardian: Some(dao.suite.guardian.to_string()),
                fund: fund_addr.to_string(),
                treasury: dao.suite.addr("treasury").to_string(),
                collateral_denom: DENOM.to_string(),
                fees: Some(FeeConfig::default()),
            },
            &[],
            "perp engine v2",
            None,
        )
        .unwrap();
    let id = dao.propose(vec![
        Action::UpdateFundConfig {
            engine: Some(new_engine.to_string()),
            guardian: None,
        },
        addresses(GovAddressesUpdate {
            engine: Some(new_engine.to_string()),
            ..Default::default()
        }),
    ]);
    assert_eq!(dao.suite.proposal(id).timelock_seconds, EXIT);
    let passed = dao.pass(id);
    dao.suite.advance(EXIT - 1);
    assert_eq!(
        dao.execute(id).unwrap_err(),
        GovError::Timelocked {
            id,
            executable_at: passed.seconds() + EXIT,
        }
    );
    assert_eq!(dao.suite.gov_config().engine, Some(old_engine.clone()));
    dao.suite.advance(1);
    let res = dao.execute(id).unwrap();
    assert_eq!(dao.suite.proposal(id).status, ProposalStatus::Executed);
    assert_eq!(
        update_event(&res),
        vec![
            ("action".to_string(), "update_addresses".to_string()),
            ("sender".to_string(), gov.to_string()),
            ("fund".to_string(), fund_addr.to_string()),
            ("engine".to_string(), new_engine.to_string()),
            ("guardian".to_string(), dao.suite.guardian.to_string()),
            ("treasury".to_string(), dao.treasury().to_string()),
        ]
    );
    let config = dao.suite.gov_config();
    assert_eq!(config.engine, Some(new_engine.clone()));
    assert_eq!(config.fund, Some(fund_addr));
    assert_eq!(config.guardian, Some(dao.suite.guardian.clone()));
    assert_eq!(dao.suite.config().engine, Some(new_engine.clone()));

    let feeders = dao.suite.feeder_strings();
    dao.enact(vec![Action::AddMarket(NewMarket {
        id: ETH.to_string(),
        base_reserve: Uint128::new(1_000_000_000_000),
        quote_reserve: Uint128::new(2_000_000_000_000_000),
        feeders,
        params: default_market_params(),
    })]);
    let market = |engine: &Addr| {
        dao.suite
            .app
            .wrap()
            .query_wasm_smart::<engine::MarketResponse>(
                engine,
                &engine::QueryMsg::Market {
                    market: ETH.to_string(),
                },
            )
    };
    assert_eq!(market(&new_engine).unwrap().id, ETH);
    assert!(market(&old_engine).is_err());
}

/// Every address change is risk-raising: a fund or engine change changes what governance
/// controls, and the guardian and treasury are governance's own settings, none of them on the
/// reviewed safe list.
#[test]
fn every_address_change_waits_out_the_exit_window() {
    let mut dao = dao();
    let other = Some(dao.suite.addr("other").to_string());
    // A new fund or engine must answer its Config query: the deployed ones do.
    let fund = Some(dao.suite.fund.to_string());
    let engine = Some(dao.suite.engine.to_string());
    for (update, timelock) in [
        (
            GovAddressesUpdate {
                fund: fund.clone(),
                ..Default::default()
            },
            EXIT,
        ),
        (
            GovAddressesUpdate {
                engine,
                ..Default::default()
            },
            EXIT,
        ),
        (
            GovAddressesUpdate {
                fund,
                treasury: other.clone(),
                ..Default::default()
            },
            EXIT,
        ),
        (
            GovAddressesUpdate {
                guardian: other.clone(),
                ..Default::default()
            },
            EXIT,
        ),
        (
            GovAddressesUpdate {
                remove_guardian: Some(true),
                ..Default::default()
            },
            EXIT,
        ),
        (
            GovAddressesUpdate {
                treasury: other.clone(),
                ..Default::default()
            },
            EXIT,
        ),
    ] {
        let action = addresses(update);
        assert_eq!(
            dao.timelock_of(vec![action.clone()]),
            timelock,
            "{action:?}"
        );
    }
}

// ----- guardian -----

/// A rogue guardian vetoes an ordinary proposal, but not the one that replaces it: that one
/// executes after the fund's exit window (a governance setting), and from then on only the new
/// guardian vetoes.
#[test]
fn the_dao_replaces_a_rogue_guardian_who_cannot_veto_it() {
    let mut dao = dao();
    let (rogue, carol, treasury) = (
        dao.suite.guardian.clone(),
        dao.carol.clone(),
        dao.treasury(),
    );
    let ordinary = dao.propose(vec![fund_pause()]);
    dao.pass(ordinary);
    dao.suite.veto(&rogue, ordinary).unwrap();
    assert_eq!(dao.suite.proposal(ordinary).status, ProposalStatus::Vetoed);
    assert_eq!(dao.suite.gov_balance(&treasury), DEPOSIT);

    let guardian = dao.suite.addr("new-guardian");
    let id = dao.propose(vec![new_guardian(&guardian)]);
    assert_eq!(dao.suite.proposal(id).timelock_seconds, EXIT);
    // Before it passes there is nothing to veto.
    assert_eq!(
        dao.suite.veto(&rogue, id).unwrap_err(),
        GovError::NotPassed { id }
    );
    dao.pass(id);
    let before = dao.suite.proposal(id);
    assert_eq!(
        dao.suite.veto(&rogue, id).unwrap_err(),
        GovError::GuardianChangeNotVetoable { id }
    );
    assert_eq!(dao.suite.proposal(id), before);
    assert_eq!(dao.suite.gov_config().guardian, Some(rogue.clone()));
    assert_eq!(dao.suite.gov_balance(&treasury), DEPOSIT);
    dao.suite.advance(EXIT);
    let res = dao.execute(id).unwrap();
    assert_eq!(dao.suite.proposal(id).status, ProposalStatus::Executed);
    assert!(update_event(&res).contains(&("guardian".to_string(), guardian.to_string())));
    assert_eq!(dao.suite.gov_config().guardian, Some(guardian.clone()));
    // Carol paid two deposits and got one back; the rogue's veto kept the other.
    assert_eq!(dao.suite.gov_balance(&carol), 50 * ONE - DEPOSIT);

    let next = dao.propose(vec![fund_pause()]);
    dao.pass(next);
    assert_eq!(
        dao.suite.veto(&rogue, next).unwrap_err(),
        GovError::NotGuardian
    );
    dao.suite.veto(&guardian, next).unwrap();
    assert_eq!(dao.suite.proposal(next).status, ProposalStatus::Vetoed);
}

/// The DAO may also leave itself without a guardian; the guardian cannot veto that either, and
/// afterwards nobody can veto.
#[test]
fn the_dao_removes_the_guardian_and_nobody_vetoes_any_more() {
    let mut dao = dao();
    let guardian = dao.suite.guardian.clone();
    let id = dao.propose(vec![addresses(GovAddressesUpdate {
        remove_guardian: Some(true),
        ..Default::default()
    })]);
    dao.pass(id);
    assert_eq!(
        dao.suite.veto(&guardian, id).unwrap_err(),
        GovError::GuardianChangeNotVetoable { id }
    );
    dao.suite.advance(EXIT);
    let res = dao.execute(id).unwrap();
    assert!(update_event(&res).contains(&("guardian".to_string(), "none".to_string())));
    assert_eq!(dao.suite.gov_config().guardian, None);

    let next = dao.propose(vec![fund_pause()]);
    dao.pass(next);
    assert_eq!(
        dao.suite.veto(&guardian, next).unwrap_err(),
        GovError::NotGuardian
    );
    dao.suite.advance(TIMELOCK);
    dao.execute(next).unwrap();
    assert!(dao.suite.config().pause.deposits);
}

/// Only a proposal that does nothing but change the guardian escapes the veto: a fund or
/// treasury change, and a guardian change sent as a raw self-call, are vetoed as usual.
#[test]
fn the_guardian_still_vetoes_every_other_address_change() {
    let mut dao = dao();
    let guardian = dao.suite.guardian.clone();
    let other = dao.suite.addr("other").to_string();
    let before = dao.suite.gov_config();
    let raw = self_call(
        &dao.suite,
        &ExecuteMsg::UpdateAddresses(GovAddressesUpdate {
            guardian: Some(other.clone()),
            ..Default::default()
        }),
    );
    for action in [
        addresses(GovAddressesUpdate {
            fund: Some(dao.suite.fund.to_string()),
            ..Default::default()
        }),
        addresses(GovAddressesUpdate {
            treasury: Some(other.clone()),
            ..Default::default()
        }),
        raw,
    ] {
        let id = dao.propose(vec![action]);
        dao.pass(id);
        dao.suite.veto(&guardian, id).unwrap();
        assert_eq!(dao.suite.proposal(id).status, ProposalStatus::Vetoed);
    }
    assert_eq!(dao.suite.gov_config(), before);
    assert_eq!(dao.suite.gov_balance(&dao.treasury()), 3 * DEPOSIT);
}

// ----- treasury -----

#[test]
fn a_new_treasury_receives_the_deposits_of_vetoed_proposals() {
    let mut dao = dao();
    let (old, guardian) = (dao.treasury(), dao.suite.guardian.clone());
    let treasury = dao.suite.addr("new-treasury");
    dao.enact(vec![addresses(GovAddressesUpdate {
        treasury: Some(treasury.to_string()),
        ..Default::default()
    })]);
    assert_eq!(dao.suite.gov_config().treasury, treasury);
    let id = dao.propose(vec![fund_pause()]);
    dao.pass(id);
    dao.suite.veto(&guardian, id).unwrap();
    assert_eq!(dao.suite.gov_balance(&treasury), DEPOSIT);
    assert_eq!(dao.suite.gov_balance(&old), 0);
}

// ----- the self-call -----

/// A raw self-call carries an address change past the propose-time checks; the contract
/// checks it again, so a conflicting or invalid one fails the proposal (recorded) and changes
/// nothing.
#[test]
fn a_raw_address_change_that_conflicts_or_is_invalid_fails_and_is_recorded() {
    let mut dao = dao();
    let before = dao.suite.gov_config();
    let other = dao.suite.addr("other").to_string();
    for (update, error) in [
        (
            GovAddressesUpdate {
                guardian: Some(other.clone()),
                remove_guardian: Some(true),
                ..Default::default()
            },
            "may not both set and remove the guardian",
        ),
        (
            GovAddressesUpdate {
                treasury: Some("not-an-address".to_string()),
                ..Default::default()
            },
            "",
        ),
    ] {
        let action = self_call(&dao.suite, &ExecuteMsg::UpdateAddresses(update));
        let id = dao.propose(vec![action]);
        let (alice, bob) = (dao.alice.clone(), dao.bob.clone());
        dao.suite.pass_and_wait(id, &[&alice, &bob]);
        dao.execute(id).unwrap();
        let p = dao.suite.proposal(id);
        assert_eq!(p.status, ProposalStatus::ExecutionFailed);
        let recorded = p.execution_error.unwrap();
        assert!(recorded.contains(error), "{recorded}");
        assert_eq!(dao.suite.gov_config(), before);
    }
}

// ----- a fund that cannot answer -----

struct FundGone {
    dao: Dao,
    /// Passed with the swap; its stored timelock is over when the swap executes.
    early: u64,
    /// Passed later; its stored timelock ends at `late_at`.
    late: u64,
    late_at: Timestamp,
    /// Passed with `late`, for the guardian.
    to_veto: u64,
}

/// A raw self-call that points governance's fund at `gone`: the typed action refuses a fund
/// that does not answer, a raw message is not checked (the same as a fund migrated to code
/// that no longer answers the query).
fn point_fund_at(suite: &Suite, gone: &Addr) -> Action {
    self_call(
        suite,
        &ExecuteMsg::UpdateAddresses(GovAddressesUpdate {
            fund: Some(gone.to_string()),
            ..Default::default()
        }),
    )
}

/// Proposals made while the fund answers, then governance's fund replaced (by proposal) with an
/// address that is not a contract, so every fund query of the timelock re-check fails.
fn fund_gone() -> FundGone {
    let mut dao = dao();
    let gone = dao.suite.addr("fund-gone");
    let early = dao.propose(vec![Action::UpdateFundParams(FundParamsUpdate {
        min_junior_ratio: Some(Decimal::percent(10)),
        ..Default::default()
    })]);
    let swap = dao.propose(vec![point_fund_at(&dao.suite, &gone)]);
    for id in [early, swap] {
        assert_eq!(dao.suite.proposal(id).timelock_seconds, EXIT);
        dao.pass(id);
    }
    dao.suite.advance(5 * DAY);
    let pause = raw_engine_pause(&dao.suite);
    let late = dao.propose(vec![pause.clone()]);
    let to_veto = dao.propose(vec![pause]);
    assert_eq!(dao.suite.proposal(late).timelock_seconds, EXIT);
    let late_passed = dao.pass(late);
    dao.pass(to_veto);
    dao.suite.advance(4 * DAY);
    dao.execute(swap).unwrap();
    assert_eq!(dao.suite.gov_config().fund, Some(gone.clone()));
    assert!(dao
        .suite
        .app
        .wrap()
        .query_wasm_smart::<fund::ConfigResponse>(&gone, &fund::QueryMsg::Config {})
        .is_err());
    FundGone {
        dao,
        early,
        late,
        late_at: late_passed.plus_seconds(EXIT),
        to_veto,
    }
}

/// The re-check cannot read the fund, so the stored timelock applies: the late proposal waits
/// for it exactly (the query shows the same time), the early one executes at once; its fund
/// action fails against the address that is no fund and is recorded, and both deposits come
/// back.
#[test]
fn a_proposal_whose_fund_cannot_answer_executes_after_its_stored_timelock() {
    let FundGone {
        mut dao,
        early,
        late,
        late_at,
        ..
    } = fund_gone();
    let carol = dao.carol.clone();
    // Four deposits out, the swap's back.
    assert_eq!(dao.suite.gov_balance(&carol), 50 * ONE - 3 * DEPOSIT);
    assert_eq!(dao.suite.proposal(late).executable_at, Some(late_at));
    let before = dao.suite.proposal(late);
    assert_eq!(
        dao.execute(late).unwrap_err(),
        GovError::Timelocked {
            id: late,
            executable_at: late_at.seconds(),
        }
    );
    assert_eq!(dao.suite.proposal(late), before);

    dao.execute(early).unwrap();
    let p = dao.suite.proposal(early);
    assert_eq!(p.status, ProposalStatus::ExecutionFailed);
    assert!(p.execution_error.is_some());
    assert_eq!(p.timelock_seconds, EXIT);
    assert_eq!(dao.suite.gov_balance(&carol), 50 * ONE - 2 * DEPOSIT);

    dao.suite
        .advance(late_at.seconds() - dao.suite.now().seconds() - 1);
    assert_eq!(
        dao.execute(late).unwrap_err(),
        GovError::Timelocked {
            id: late,
            executable_at: late_at.seconds(),
        }
    );
    dao.suite.advance(1);
    dao.execute(late).unwrap();
    let p = dao.suite.proposal(late);
    assert_eq!(p.status, ProposalStatus::Executed);
    assert_eq!(p.executable_at, Some(late_at));
    let engine = dao.suite.engine.clone();
    assert!(engine_config(&dao.suite, &engine).pause.new_positions);
    assert_eq!(dao.suite.gov_balance(&carol), 50 * ONE - DEPOSIT);
}

/// The guardian's veto follows the same stored timelock: possible until it ends, too late
/// after (and for the early proposal, already too late).
#[test]
fn the_guardian_vetoes_on_the_stored_timelock_when_the_fund_cannot_answer() {
    let FundGone {
        mut dao,
        early,
        late_at,
        to_veto,
        ..
    } = fund_gone();
    let (guardian, treasury) = (dao.suite.guardian.clone(), dao.treasury());
    assert_eq!(
        dao.suite.veto(&guardian, early).unwrap_err(),
        GovError::VetoTooLate { id: early }
    );
    dao.suite
        .advance(late_at.seconds() - dao.suite.now().seconds() - 1);
    dao.suite.veto(&guardian, to_veto).unwrap();
    assert_eq!(dao.suite.proposal(to_veto).status, ProposalStatus::Vetoed);
    assert_eq!(dao.suite.gov_balance(&treasury), DEPOSIT);
}

/// With governance's fund pointing at an address that cannot answer, risk-raising proposals,
/// including the address change that repairs it, are still accepted: the risk check cannot
/// read the fund, so they count as risk-raising and wait the fallback timelock (the fund's
/// default exit window, larger than the base timelock); proposals that need no fund query keep
/// the base timelock. The repair executes and the next risky proposal is judged against the
/// real fund again.
#[test]
fn the_dao_repairs_a_fund_address_that_cannot_answer() {
    let mut dao = dao();
    let real_fund = dao.suite.fund.clone();
    let gone = dao.suite.addr("fund-gone");
    let swap = point_fund_at(&dao.suite, &gone);
    dao.enact(vec![swap]);
    assert_eq!(dao.suite.gov_config().fund, Some(gone));
    assert_eq!(governance::risk::FALLBACK_RISKY_TIMELOCK_SECONDS, EXIT);

    let pause = raw_engine_pause(&dao.suite);
    let lower_ratio = Action::UpdateFundParams(FundParamsUpdate {
        min_junior_ratio: Some(Decimal::percent(10)),
        ..Default::default()
    });
    for action in [pause, lower_ratio] {
        assert_eq!(dao.timelock_of(vec![action.clone()]), EXIT, "{action:?}");
    }
    assert_eq!(
        dao.timelock_of(vec![Action::SetEnginePause(EnginePause {
            new_positions: true,
            ..Default::default()
        })]),
        TIMELOCK
    );

    let fix = dao.propose(vec![addresses(GovAddressesUpdate {
        fund: Some(real_fund.to_string()),
        ..Default::default()
    })]);
    assert_eq!(dao.suite.proposal(fix).timelock_seconds, EXIT);
    let passed = dao.pass(fix);
    dao.suite.advance(EXIT - 1);
    assert_eq!(
        dao.execute(fix).unwrap_err(),
        GovError::Timelocked {
            id: fix,
            executable_at: passed.seconds() + EXIT,
        }
    );
    dao.suite.advance(1);
    dao.execute(fix).unwrap();
    assert_eq!(dao.suite.proposal(fix).status, ProposalStatus::Executed);
    assert_eq!(dao.suite.gov_config().fund, Some(real_fund));
    // Judged against the real fund again: raising min_remaining is on the safe list.
    assert_eq!(
        dao.timelock_of(vec![Action::UpdateFundParams(FundParamsUpdate {
            min_remaining: Some(Uint128::new(2_000)),
            ..Default::default()
        })]),
        TIMELOCK
    );
}

/// The fallback never shortens a base timelock that is already longer than it.
#[test]
fn the_fallback_timelock_never_undercuts_a_longer_base_timelock() {
    let mut dao = dao();
    let long = EXIT + DAY;
    let mut config = GovConfig {
        proposal_deposit: Uint128::new(DEPOSIT),
        ..GovConfig::default()
    };
    config.rules.timelock_seconds = long;
    dao.enact(vec![Action::UpdateGovConfig(config)]);
    let gone = dao.suite.addr("fund-gone");
    let swap = point_fund_at(&dao.suite, &gone);
    dao.enact(vec![swap]);
    let pause = raw_engine_pause(&dao.suite);
    assert_eq!(dao.timelock_of(vec![pause]), long);
}
