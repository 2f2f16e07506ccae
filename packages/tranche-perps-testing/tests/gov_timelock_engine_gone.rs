//! The risk-raising timelock when only the engine stops answering: the fund's exit window is
//! read apart from the per-action risk checks, so a fund that answers is always waited out (at
//! propose, at execution, at veto and in the proposal query), and an action whose risk check
//! cannot be answered counts as risk-raising.

use cosmwasm_std::{
    to_json_vec, Addr, Binary, ContractResult, Decimal, Deps, DepsMut, Empty, Env, MessageInfo,
    QueryRequest, Response, StdError, StdResult, SystemResult, Timestamp, WasmQuery,
};
use cw_multi_test::{ContractWrapper, Executor};
use governance::ContractError as GovError;
use tranche_perps_testing::gov::{Dao, CAROL_KEEPS_50, VOTERS};
use tranche_perps_testing::perp::default_market_params;
use tranche_perps_testing::time::DAY;
use tranche_perps_testing::{Suite, ONE};
use tranche_perps_types::fund::{FundParams, FundParamsUpdate};
use tranche_perps_types::governance::{Action, GovAddressesUpdate, ProposalStatus};

const ETH: &str = "ETH-USD";

// ----- a proxy engine: forwards every query to the real engine until it is "broken" (an engine
// migrated to code that no longer answers), accepts every execute -----

const BROKEN: &[u8] = b"broken";
const TARGET: &[u8] = b"target";

fn proxy_instantiate(
    deps: DepsMut,
    _env: Env,
    _info: MessageInfo,
    target: String,
) -> StdResult<Response> {
    deps.storage.set(TARGET, target.as_bytes());
    Ok(Response::new())
}

fn proxy_execute(
    deps: DepsMut,
    _env: Env,
    _info: MessageInfo,
    msg: serde_json::Value,
) -> StdResult<Response> {
    if msg.get("set_broken").is_some() {
        deps.storage.set(BROKEN, b"1");
    }
    Ok(Response::new())
}

fn proxy_query(deps: Deps, _env: Env, msg: serde_json::Value) -> StdResult<Binary> {
    if deps.storage.get(BROKEN).is_some() {
        return Err(StdError::generic_err("engine gone"));
    }
    let target = String::from_utf8(deps.storage.get(TARGET).unwrap()).unwrap();
    let request: QueryRequest<Empty> = QueryRequest::Wasm(WasmQuery::Smart {
        contract_addr: target,
        msg: Binary::from(serde_json::to_vec(&msg).unwrap()),
    });
    match deps.querier.raw_query(&to_json_vec(&request)?) {
        SystemResult::Ok(ContractResult::Ok(bin)) => Ok(bin),
        other => Err(StdError::generic_err(format!("{other:?}"))),
    }
}

fn dao_with(params: FundParams) -> Dao {
    let suite = Suite::builder()
        .with_params(params)
        .with_underwriters(&["lp"], 1_000_000 * ONE)
        .with_governance(&VOTERS)
        .with_stakes(&CAROL_KEEPS_50)
        .build();
    Dao::new(suite)
}

/// A real market on the real engine (governor shortcut), a proxy engine in front of it, and
/// governance's engine pointed at the proxy by a typed (answer-checked) proposal.
fn point_engine_at_proxy(dao: &mut Dao) -> Addr {
    dao.suite
        .add_market(ETH, 1_000_000_000_000, 2_000_000_000_000_000)
        .unwrap();
    let code = dao.suite.app.store_code(Box::new(ContractWrapper::new(
        proxy_execute,
        proxy_instantiate,
        proxy_query,
    )));
    let proxy = dao
        .suite
        .app
        .instantiate_contract(
            code,
            dao.suite.operator.clone(),
            &dao.suite.engine.to_string(),
            &[],
            "engine proxy",
            None,
        )
        .unwrap();
    dao.enact(vec![Action::UpdateGovAddresses(GovAddressesUpdate {
        engine: Some(proxy.to_string()),
        ..Default::default()
    })]);
    assert_eq!(dao.suite.gov_config().engine, Some(proxy.clone()));
    proxy
}

fn break_proxy(dao: &mut Dao, proxy: &Addr) {
    let op = dao.suite.operator.clone();
    dao.suite
        .app
        .execute_contract(
            op,
            proxy.clone(),
            &serde_json::json!({"set_broken": {}}),
            &[],
        )
        .unwrap();
}

fn min_junior_ratio(dao: &Dao) -> Decimal {
    dao.suite.config().params.min_junior_ratio
}

/// Advances to `at` (a time in the future).
fn advance_to(dao: &mut Dao, at: Timestamp) {
    let seconds = at.seconds() - dao.suite.now().seconds();
    dao.suite.advance(seconds);
}

/// Lowering the junior ratio (risk-raising, judged on the real fund, which answers) plus a
/// market update whose risk check needs the engine.
fn lower_ratio_and_update_market() -> Vec<Action> {
    vec![
        Action::UpdateFundParams(FundParamsUpdate {
            min_junior_ratio: Some(Decimal::percent(1)),
            ..Default::default()
        }),
        update_market(),
    ]
}

/// The market's own parameters again: not risk-raising when the engine can answer.
fn update_market() -> Action {
    Action::UpdateMarket {
        market: ETH.to_string(),
        params: default_market_params(),
    }
}

/// The fund answers with a 23-day exit window while governance's engine does not answer: a
/// risk-raising proposal (and one whose only action's risk check the engine cannot answer)
/// waits the fund's 23 days, not the flat 9-day fallback, and executes exactly then.
#[test]
fn a_proposal_made_while_the_engine_cannot_answer_waits_the_funds_longer_exit_window() {
    let params = FundParams {
        cooldown_seconds: 21 * DAY,
        ..FundParams::default()
    };
    let exit = params.cooldown_seconds + params.claim_window_seconds;
    assert_eq!(exit, 23 * DAY);
    let mut dao = dao_with(params);
    let proxy = point_engine_at_proxy(&mut dao);
    let answered = dao.propose(vec![update_market()]);
    assert_eq!(
        dao.suite.proposal(answered).timelock_seconds,
        2 * DAY,
        "while the engine answers, the same market update is not risk-raising"
    );
    break_proxy(&mut dao, &proxy);

    let unanswered = dao.propose(vec![update_market()]);
    assert_eq!(dao.suite.proposal(unanswered).timelock_seconds, exit);

    let id = dao.propose(lower_ratio_and_update_market());
    assert_eq!(dao.suite.proposal(id).timelock_seconds, exit);
    let before = min_junior_ratio(&dao);
    let passed = dao.pass(id);
    assert_eq!(
        dao.suite.proposal(id).executable_at,
        Some(passed.plus_seconds(exit))
    );
    dao.suite.advance(exit - 1);
    assert_eq!(
        dao.execute(id).unwrap_err(),
        GovError::Timelocked {
            id,
            executable_at: passed.seconds() + exit,
        }
    );
    assert_eq!(min_junior_ratio(&dao), before);
    assert_eq!(dao.suite.proposal(id).status, ProposalStatus::Passed);
    dao.suite.advance(1);
    dao.execute(id).unwrap();
    let p = dao.suite.proposal(id);
    assert_eq!(
        p.status,
        ProposalStatus::Executed,
        "{:?}",
        p.execution_error
    );
    assert_eq!(p.timelock_seconds, exit);
    assert_eq!(min_junior_ratio(&dao), Decimal::percent(1));
}

/// Proposed while everything answers (timelock 9 days), then the fund's cooldown grows to 21
/// days (exit window 23 days) and the engine stops answering, with proposal `risky` passed at
/// `passed`.
fn grown_exit_window_and_engine_gone() -> (Dao, u64, Timestamp) {
    let mut dao = dao_with(FundParams::default());
    let proxy = point_engine_at_proxy(&mut dao);
    let risky = dao.propose(lower_ratio_and_update_market());
    assert_eq!(dao.suite.proposal(risky).timelock_seconds, 9 * DAY);
    let longer = dao.propose(vec![Action::UpdateFundParams(FundParamsUpdate {
        cooldown_seconds: Some(21 * DAY),
        ..Default::default()
    })]);
    let passed = dao.pass(risky);
    dao.pass(longer);
    // A longer cooldown is off the safe list too: it waits the 9-day exit window.
    dao.suite.advance(9 * DAY);
    dao.execute(longer).unwrap();
    assert_eq!(dao.suite.config().params.cooldown_seconds, 21 * DAY);
    assert_eq!(
        dao.suite.proposal(risky).executable_at,
        Some(passed.plus_seconds(23 * DAY))
    );
    break_proxy(&mut dao, &proxy);
    (dao, risky, passed)
}

/// The execution re-check fails on the engine query, but the fund still answers: the proposal
/// waits the fund's grown 23-day exit window (shown by the proposal query too), not the
/// stored 9 days.
#[test]
fn execution_waits_a_grown_exit_window_when_only_the_engine_cannot_answer() {
    let (mut dao, risky, passed) = grown_exit_window_and_engine_gone();
    let executable_at = passed.plus_seconds(23 * DAY);
    assert_eq!(dao.suite.proposal(risky).executable_at, Some(executable_at));
    let before = min_junior_ratio(&dao);
    for at in [passed.plus_seconds(9 * DAY), executable_at.minus_seconds(1)] {
        advance_to(&mut dao, at);
        assert_eq!(
            dao.execute(risky).unwrap_err(),
            GovError::Timelocked {
                id: risky,
                executable_at: executable_at.seconds(),
            }
        );
        assert_eq!(min_junior_ratio(&dao), before);
        assert_eq!(dao.suite.proposal(risky).status, ProposalStatus::Passed);
    }
    dao.suite.advance(1);
    dao.execute(risky).unwrap();
    let p = dao.suite.proposal(risky);
    assert_eq!(
        p.status,
        ProposalStatus::Executed,
        "{:?}",
        p.execution_error
    );
    assert_eq!(p.timelock_seconds, 23 * DAY);
    assert_eq!(p.executable_at, Some(executable_at));
    assert_eq!(min_junior_ratio(&dao), Decimal::percent(1));
}

/// The guardian's veto window follows the same figure: after the stored 9 days but inside the
/// fund's grown 23 days the guardian can still veto; after them, not.
#[test]
fn the_guardian_can_veto_until_a_grown_exit_window_ends_when_only_the_engine_cannot_answer() {
    let (mut dao, risky, passed) = grown_exit_window_and_engine_gone();
    advance_to(&mut dao, passed.plus_seconds(10 * DAY));
    dao.veto(risky).unwrap();
    let p = dao.suite.proposal(risky);
    assert_eq!(p.status, ProposalStatus::Vetoed);
    assert_eq!(p.timelock_seconds, 23 * DAY);
    assert_eq!(
        min_junior_ratio(&dao),
        FundParams::default().min_junior_ratio
    );

    let (mut dao, risky, passed) = grown_exit_window_and_engine_gone();
    advance_to(&mut dao, passed.plus_seconds(23 * DAY));
    assert_eq!(
        dao.veto(risky).unwrap_err(),
        GovError::VetoTooLate { id: risky }
    );
    assert_eq!(dao.suite.proposal(risky).status, ProposalStatus::Passed);
}
