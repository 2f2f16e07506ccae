//! Records stored by earlier governance code still load after an upgrade, with defaults that
//! mean what that code meant: a proposal without `refund_rejected` is settled by the settings'
//! policy at close (as the code that stored it did), one without `risky` is judged again at
//! execution, and settings without `max_action_bytes` take the default cap. `migrate` records
//! the new version and refuses a newer stored version or another contract's code.

use cosmwasm_std::{Addr, Decimal, StdResult, Uint128};
use governance::ContractError as GovError;
use tranche_perps_testing::gov::{store_as_legacy_proposal, Dao, CAROL_KEEPS_50, VOTERS};
use tranche_perps_testing::time::DAY;
use tranche_perps_testing::{Suite, ONE};
use tranche_perps_types::fund::FundParamsUpdate;
use tranche_perps_types::governance::Vote;
use tranche_perps_types::governance::{
    Action, GovConfig, ProposalResponse, ProposalStatus, QueryMsg, DEFAULT_MAX_ACTION_BYTES,
};

const DEPOSIT: u128 = 5 * ONE;

/// A DAO with a 5 GOV deposit and the given refund policy for rejected proposals.
fn dao(refund_rejected: bool) -> Dao {
    let suite = Suite::builder()
        .with_governance(&VOTERS)
        .with_stakes(&CAROL_KEEPS_50)
        .build();
    let mut dao = Dao::new(suite);
    let deposits = vec![Action::UpdateGovConfig(GovConfig {
        proposal_deposit: Uint128::new(DEPOSIT),
        refund_rejected,
        ..GovConfig::default()
    })];
    let voters = [&dao.alice, &dao.bob];
    dao.suite.enact(&dao.carol, "deposits", deposits, &voters);
    dao
}

fn pause_deposits() -> Action {
    Action::SetFundPause {
        deposits: Some(true),
        withdrawals: None,
    }
}

/// Stores proposal `id` as earlier code stored it: one record, without `fields`.
fn strip_proposal_fields(suite: &mut Suite, id: u64, fields: &[&str]) {
    store_as_legacy_proposal(suite, id, fields);
}

/// Rewrites the stored JSON under `key` without `fields` (of the object at `inside`, if any).
fn strip_fields(suite: &mut Suite, key: &[u8], inside: Option<&str>, fields: &[&str]) {
    let gov = suite.gov().contract.clone();
    let mut storage = suite.app.contract_storage_mut(&gov);
    let mut value: serde_json::Value =
        serde_json::from_slice(&storage.get(key).expect("stored record")).unwrap();
    let object = match inside {
        Some(name) => value.get_mut(name).expect("nested object"),
        None => &mut value,
    };
    for f in fields {
        object
            .as_object_mut()
            .unwrap()
            .remove(*f)
            .expect("field present");
    }
    storage.set(key, &serde_json::to_vec(&value).unwrap());
}

fn query_proposal(suite: &Suite, id: u64) -> StdResult<ProposalResponse> {
    suite.app.wrap().query_wasm_smart(
        &suite.gov().contract,
        &QueryMsg::Proposal { proposal_id: id },
    )
}

/// With the settings keeping rejected deposits, a rejected proposal stored without a refund
/// policy is settled as the code that stored it settled it (the settings' policy at close):
/// the deposit goes to the treasury, and the query shows that policy.
#[test]
fn a_stored_proposal_without_a_refund_policy_is_settled_by_the_settings_policy() {
    let mut dao = dao(false);
    let id = dao.propose(vec![pause_deposits()]);
    assert!(!dao.suite.proposal(id).refund_rejected);
    strip_proposal_fields(&mut dao.suite, id, &["refund_rejected"]);
    assert!(!dao.suite.proposal(id).refund_rejected);
    dao.vote_all(id, Vote::No);
    let carol = dao.carol.clone();
    let carol_before = dao.suite.gov_balance(&carol);
    dao.close(id);
    assert_eq!(dao.suite.proposal(id).status, ProposalStatus::Rejected);
    assert_eq!(
        (
            dao.treasury_balance(),
            dao.suite.gov_balance(&carol) - carol_before
        ),
        (DEPOSIT, 0),
        "(treasury, refunded to proposer)"
    );
}

/// A proposal that has its policy copied keeps it when the settings change later; one stored
/// without it follows the settings in force at close.
#[test]
fn only_a_stored_proposal_without_a_policy_follows_the_settings_at_close() {
    let mut dao = dao(false);
    let copied = dao.propose(vec![pause_deposits()]);
    let legacy = dao.propose(vec![pause_deposits()]);
    strip_proposal_fields(&mut dao.suite, legacy, &["refund_rejected"]);
    // Both are voted down while open; the settings change below waits the 9-day exit window.
    for id in [copied, legacy] {
        dao.vote_all(id, Vote::No);
    }
    // The settings now refund rejected deposits.
    let refund = dao.propose(vec![Action::UpdateGovConfig(GovConfig {
        proposal_deposit: Uint128::new(DEPOSIT),
        refund_rejected: true,
        ..GovConfig::default()
    })]);
    let (alice, bob) = (dao.alice.clone(), dao.bob.clone());
    dao.suite.pass_and_wait(refund, &[&alice, &bob]);
    let carol = dao.carol.clone();
    dao.suite.execute_proposal(&carol, refund).unwrap();
    assert!(dao.suite.gov_config().config.refund_rejected);
    assert!(!dao.suite.proposal(copied).refund_rejected);
    assert!(dao.suite.proposal(legacy).refund_rejected);
    let carol_before = dao.suite.gov_balance(&carol);
    dao.close(copied);
    assert_eq!(dao.treasury_balance(), DEPOSIT);
    dao.close(legacy);
    assert_eq!(dao.treasury_balance(), DEPOSIT);
    assert_eq!(dao.suite.gov_balance(&carol) - carol_before, DEPOSIT);
}

/// A proposal stored before `risky` existed loads, can be queried and closed, and its deposit
/// is settled.
#[test]
fn a_stored_proposal_without_risky_still_loads_and_closes() {
    let mut dao = dao(false);
    let id = dao.propose(vec![pause_deposits()]);
    strip_proposal_fields(&mut dao.suite, id, &["refund_rejected", "risky"]);
    let q = query_proposal(&dao.suite, id);
    assert!(q.is_ok(), "{q:?}");
    dao.vote_all(id, Vote::No);
    dao.close(id);
    assert_eq!(dao.suite.proposal(id).status, ProposalStatus::Rejected);
    assert_eq!(dao.treasury_balance(), DEPOSIT);
}

/// `risky` absent reads as `false`, which is safe: execution judges every action again, so a
/// risk-raising proposal stored without it still waits out the fund's exit window.
#[test]
fn a_risk_raising_proposal_stored_without_risky_still_waits_the_exit_window() {
    let mut dao = dao(true);
    let id = dao.propose(vec![Action::UpdateFundParams(FundParamsUpdate {
        min_junior_ratio: Some(Decimal::percent(10)),
        ..Default::default()
    })]);
    assert_eq!(dao.suite.proposal(id).timelock_seconds, 9 * DAY);
    strip_proposal_fields(&mut dao.suite, id, &["risky"]);
    dao.vote_all(id, Vote::Yes);
    let passed = dao.suite.app.block_info().time;
    assert_eq!(
        dao.suite.proposal(id).executable_at,
        Some(passed.plus_seconds(9 * DAY))
    );
    dao.suite.advance(9 * DAY - 1);
    let carol = dao.carol.clone();
    assert_eq!(
        dao.suite.execute_proposal(&carol, id).unwrap_err(),
        GovError::Timelocked {
            id,
            executable_at: passed.seconds() + 9 * DAY,
        }
    );
    dao.suite.advance(1);
    dao.suite.execute_proposal(&carol, id).unwrap();
    assert_eq!(dao.suite.proposal(id).status, ProposalStatus::Executed);
    assert_eq!(
        dao.suite.config().params.min_junior_ratio,
        Decimal::percent(10)
    );
}

/// Settings stored before `max_action_bytes` existed load with the default cap.
#[test]
fn settings_stored_without_max_action_bytes_take_the_default_cap() {
    let mut dao = dao(true);
    strip_fields(
        &mut dao.suite,
        governance::state::CONFIG.as_slice(),
        Some("config"),
        &["max_action_bytes"],
    );
    assert_eq!(
        dao.suite.gov_config().config.max_action_bytes,
        DEFAULT_MAX_ACTION_BYTES
    );
    let id = dao.propose(vec![pause_deposits()]);
    assert_eq!(dao.suite.proposal(id).status, ProposalStatus::Open);
}

/// A second governance contract over the Suite's GOV token, instantiated with `admin` as its
/// wasm admin (the Suite's own has none) so that it can be migrated.
fn migratable(suite: &mut Suite, admin: &Addr) -> (Addr, u64) {
    use cw_multi_test::Executor;
    let (token, code_id) = (suite.gov().token.clone(), suite.gov().code_id);
    let msg = tranche_perps_types::governance::InstantiateMsg {
        staking_token: token.to_string(),
        fund: Some(suite.fund.to_string()),
        engine: None,
        guardian: None,
        treasury: admin.to_string(),
        config: Some(GovConfig::default()),
    };
    let contract = suite
        .app
        .instantiate_contract(
            code_id,
            admin.clone(),
            &msg,
            &[],
            "gov",
            Some(admin.to_string()),
        )
        .unwrap();
    (contract, code_id)
}

fn migrate(
    suite: &mut Suite,
    admin: &Addr,
    contract: &Addr,
    code_id: u64,
) -> Result<String, GovError> {
    use cw_multi_test::Executor;
    let res = suite
        .app
        .migrate_contract(
            admin.clone(),
            contract.clone(),
            &tranche_perps_types::governance::MigrateMsg {},
            code_id,
        )
        .map_err(tranche_perps_testing::gov::into_gov_error)?;
    Ok(tranche_perps_testing::wasm_attrs(&res).join(" "))
}

#[test]
fn migrate_records_versions_keeps_the_settings_and_refuses_newer_or_foreign_code() {
    let mut suite = Suite::builder()
        .with_governance(&[("alice", 600 * ONE)])
        .build();
    let admin = suite.addr("alice");
    let (contract, code_id) = migratable(&mut suite, &admin);
    let version = governance::contract::CONTRACT_VERSION;
    let name = governance::contract::CONTRACT_NAME;
    let config = |suite: &Suite| -> tranche_perps_types::governance::GovConfigResponse {
        suite
            .app
            .wrap()
            .query_wasm_smart(contract.clone(), &QueryMsg::Config {})
            .unwrap()
    };
    let before = config(&suite);

    // the same version: a no-op upgrade that records it
    assert_eq!(
        migrate(&mut suite, &admin, &contract, code_id).unwrap(),
        format!("action=migrate from_version={version} to_version={version} split_records=0")
    );
    assert_eq!(config(&suite), before);

    // an older version is upgraded and the new version stored
    cw2::set_contract_version(
        suite.app.contract_storage_mut(&contract).as_mut(),
        name,
        "0.0.1",
    )
    .unwrap();
    assert_eq!(
        migrate(&mut suite, &admin, &contract, code_id).unwrap(),
        format!("action=migrate from_version=0.0.1 to_version={version} split_records=0")
    );
    let stored = cw2::query_contract_info(&suite.app.wrap(), contract.to_string()).unwrap();
    assert_eq!(
        (stored.contract.as_str(), stored.version.as_str()),
        (name, version)
    );

    // a newer stored version or another contract's name is refused and changes nothing
    for (stored_name, stored_version, error) in
        tranche_perps_testing::migrate_refusals(name, version)
    {
        cw2::set_contract_version(
            suite.app.contract_storage_mut(&contract).as_mut(),
            &stored_name,
            &stored_version,
        )
        .unwrap();
        let err = migrate(&mut suite, &admin, &contract, code_id).unwrap_err();
        assert!(err.to_string().contains(&error), "{err}");
        let stored = cw2::query_contract_info(&suite.app.wrap(), contract.to_string()).unwrap();
        assert_eq!(
            (stored.contract.as_str(), stored.version.as_str()),
            (stored_name.as_str(), stored_version.as_str())
        );
        assert_eq!(config(&suite), before);
    }
}
