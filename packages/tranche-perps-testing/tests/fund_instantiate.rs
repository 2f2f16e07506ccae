//! `InstantiateMsg` and `MigrateMsg` of the insurance fund: the share tokens it creates, the
//! version and owner it records, and every way instantiation is refused.

use cosmwasm_std::testing::MockApi;
use cosmwasm_std::{coins, Addr, Decimal, StdError, Uint128};
use cw20::{Cw20QueryMsg, MinterResponse, TokenInfoResponse};
use cw_multi_test::Executor;
use cw_ownable::Ownership;
use cw_utils::PaymentError;
use insurance_fund::ContractError;
use tranche_perps_testing::time::{DAY, HOUR};
use tranche_perps_testing::wasm_attr as attribute;
use tranche_perps_testing::{into_contract_error, Suite, DENOM, ONE};
use tranche_perps_types::fund::{
    ConfigResponse, DepositCap, FundParams, FundStateResponse, InstantiateMsg, MigrateMsg,
    PauseFlags, QueryMsg, ShareTokenInfo, ShareTokenMarketing, Tranche,
    DEFAULT_SHARE_TOKEN_PROJECT,
};

/// A valid message that each test changes in one place.
fn base_msg(suite: &Suite) -> InstantiateMsg {
    InstantiateMsg {
        governor: suite.governor.to_string(),
        guardian: Some(suite.guardian.to_string()),
        engine: Some(suite.engine.to_string()),
        collateral_denom: DENOM.to_string(),
        collateral_decimals: 6,
        share_token_code_id: suite.cw20_code_id,
        junior_token: ShareTokenInfo {
            name: "Cover Junior".to_string(),
            symbol: "cvJR".to_string(),
            marketing: None,
        },
        senior_token: ShareTokenInfo {
            name: "Cover Senior".to_string(),
            symbol: "cvSR".to_string(),
            marketing: None,
        },
        token_admin: Some(suite.governor.to_string()),
        params: Some(FundParams::default()),
    }
}

fn instantiate(suite: &mut Suite, msg: &InstantiateMsg) -> Result<Addr, ContractError> {
    instantiate_with_funds(suite, msg, &[])
}

fn instantiate_with_funds(
    suite: &mut Suite,
    msg: &InstantiateMsg,
    funds: &[cosmwasm_std::Coin],
) -> Result<Addr, ContractError> {
    let (code_id, operator) = (suite.fund_code_id, suite.operator.clone());
    suite
        .app
        .instantiate_contract(
            code_id,
            operator,
            msg,
            funds,
            "second fund",
            Some(suite.governor.to_string()),
        )
        .map_err(into_contract_error)
}

fn config_of(suite: &Suite, fund: &Addr) -> ConfigResponse {
    suite
        .app
        .wrap()
        .query_wasm_smart(fund, &QueryMsg::Config {})
        .unwrap()
}

fn token_info(suite: &Suite, token: &Addr) -> TokenInfoResponse {
    suite
        .app
        .wrap()
        .query_wasm_smart(token, &Cw20QueryMsg::TokenInfo {})
        .unwrap()
}

fn minter(suite: &Suite, token: &Addr) -> Option<MinterResponse> {
    suite
        .app
        .wrap()
        .query_wasm_smart(token, &Cw20QueryMsg::Minter {})
        .unwrap()
}

fn out_of_range(name: &'static str, value: &str) -> impl Fn(ContractError) {
    let value = value.to_string();
    move |err| match err {
        ContractError::ParamOutOfRange {
            name: got_name,
            value: got_value,
            ..
        } => {
            assert_eq!(got_name, name);
            assert_eq!(got_value, value, "value reported for {name}");
        }
        other => panic!("expected ParamOutOfRange for {name}, got {other:?}"),
    }
}

// ----- success -----

#[test]
fn instantiate_creates_both_share_tokens_minted_by_the_fund() {
    let mut suite = Suite::builder().build();
    let msg = base_msg(&suite);
    let fund = instantiate(&mut suite, &msg).unwrap();
    let config = config_of(&suite, &fund);

    assert_ne!(config.junior_token, config.senior_token);
    for (token, name, symbol) in [
        (&config.junior_token, "Cover Junior", "cvJR"),
        (&config.senior_token, "Cover Senior", "cvSR"),
    ] {
        assert_eq!(
            token_info(&suite, token),
            TokenInfoResponse {
                name: name.to_string(),
                symbol: symbol.to_string(),
                decimals: 9,
                total_supply: Uint128::zero(),
            }
        );
        assert_eq!(
            minter(&suite, token),
            Some(MinterResponse {
                minter: fund.to_string(),
                cap: None,
            })
        );
        let info = suite.app.wrap().query_wasm_contract_info(token).unwrap();
        assert_eq!(info.code_id, suite.cw20_code_id);
        assert_eq!(info.creator, fund);
        assert_eq!(info.admin, Some(suite.governor.clone()));
    }
}

#[test]
fn instantiate_records_config_params_and_empty_books() {
    let mut suite = Suite::builder().build();
    let mut msg = base_msg(&suite);
    let params = FundParams {
        cooldown_seconds: 3 * DAY,
        junior_weight: 5,
        min_junior_ratio: Decimal::percent(25),
        senior_deposit_cap: DepositCap::Limit(Uint128::new(1_000 * ONE)),
        ..FundParams::default()
    };
    msg.params = Some(params.clone());
    let fund = instantiate(&mut suite, &msg).unwrap();

    let config = config_of(&suite, &fund);
    assert_eq!(config.collateral_denom, DENOM);
    assert_eq!(config.engine, Some(suite.engine.clone()));
    assert_eq!(config.guardian, Some(suite.guardian.clone()));
    assert_eq!(config.params, params);
    assert_eq!(config.pause, PauseFlags::default());
    assert_eq!(config.virtual_shares, Uint128::new(1_000));
    assert_eq!(config.share_decimals, 9);

    let state: FundStateResponse = suite
        .app
        .wrap()
        .query_wasm_smart(&fund, &QueryMsg::State {})
        .unwrap();
    for view in [&state.junior, &state.senior] {
        assert_eq!(view.assets, Uint128::zero());
        assert_eq!(view.supply, Uint128::zero());
        assert_eq!(view.pending_withdrawal_shares, Uint128::zero());
    }
    assert_eq!(state.reserve, Uint128::zero());
    assert_eq!(state.total_assets, Uint128::zero());
    assert_eq!(state.junior_ratio, None);
    assert_eq!(suite.balance(&fund), 0);
}

#[test]
fn instantiate_without_params_uses_the_defaults() {
    let mut suite = Suite::builder().build();
    let msg = InstantiateMsg {
        params: None,
        ..base_msg(&suite)
    };
    let fund = instantiate(&mut suite, &msg).unwrap();
    assert_eq!(config_of(&suite, &fund).params, FundParams::default());
}

#[test]
fn instantiate_without_guardian_engine_or_token_admin_leaves_them_unset() {
    let mut suite = Suite::builder().build();
    let msg = InstantiateMsg {
        guardian: None,
        engine: None,
        token_admin: None,
        ..base_msg(&suite)
    };
    let fund = instantiate(&mut suite, &msg).unwrap();
    let config = config_of(&suite, &fund);
    assert_eq!(config.guardian, None);
    assert_eq!(config.engine, None);
    for token in [&config.junior_token, &config.senior_token] {
        let info = suite.app.wrap().query_wasm_contract_info(token).unwrap();
        assert_eq!(
            info.admin, None,
            "share tokens without an admin are immutable"
        );
    }
}

#[test]
fn instantiate_sets_the_governor_as_owner_with_no_pending_transfer() {
    let mut suite = Suite::builder().build();
    let msg = base_msg(&suite);
    let fund = instantiate(&mut suite, &msg).unwrap();
    let ownership: Ownership<Addr> = suite
        .app
        .wrap()
        .query_wasm_smart(&fund, &QueryMsg::Ownership {})
        .unwrap();
    assert_eq!(
        ownership,
        Ownership {
            owner: Some(suite.governor.clone()),
            pending_owner: None,
            pending_expiry: None,
        }
    );
}

#[test]
fn instantiate_stores_the_cw2_contract_version() {
    let mut suite = Suite::builder().build();
    let msg = base_msg(&suite);
    let fund = instantiate(&mut suite, &msg).unwrap();
    let version = cw2::query_contract_info(&suite.app.wrap(), fund.to_string()).unwrap();
    assert_eq!(version.contract, "crates.io:insurance-fund");
    assert_eq!(version.version, env!("CARGO_PKG_VERSION"));
    assert_eq!(version.contract, insurance_fund::contract::CONTRACT_NAME);
    assert_eq!(version.version, insurance_fund::contract::CONTRACT_VERSION);
}

#[test]
fn instantiate_accepts_every_parameter_at_both_ends_of_its_range() {
    let d = FundParams::default;
    let cases = [
        FundParams {
            cooldown_seconds: HOUR,
            ..d()
        },
        FundParams {
            cooldown_seconds: 90 * DAY,
            ..d()
        },
        FundParams {
            claim_window_seconds: HOUR,
            ..d()
        },
        FundParams {
            claim_window_seconds: 30 * DAY,
            ..d()
        },
        FundParams {
            junior_weight: 1,
            ..d()
        },
        FundParams {
            junior_weight: 100,
            ..d()
        },
        FundParams {
            senior_weight: 1,
            ..d()
        },
        FundParams {
            senior_weight: 100,
            ..d()
        },
        FundParams {
            min_junior_ratio: Decimal::zero(),
            ..d()
        },
        FundParams {
            min_junior_ratio: Decimal::percent(90),
            ..d()
        },
        FundParams {
            max_payout_bps: 1,
            ..d()
        },
        FundParams {
            max_payout_bps: 10_000,
            ..d()
        },
        FundParams {
            payout_window_seconds: HOUR,
            ..d()
        },
        FundParams {
            payout_window_seconds: 30 * DAY,
            ..d()
        },
        FundParams {
            junior_deposit_cap: DepositCap::Limit(Uint128::one()),
            ..d()
        },
        FundParams {
            junior_deposit_cap: DepositCap::Limit(Uint128::MAX),
            ..d()
        },
        FundParams {
            senior_deposit_cap: DepositCap::Limit(Uint128::one()),
            ..d()
        },
        FundParams {
            senior_deposit_cap: DepositCap::Limit(Uint128::MAX),
            ..d()
        },
        FundParams {
            target_coverage_bps: 1,
            ..d()
        },
        FundParams {
            target_coverage_bps: 100_000,
            ..d()
        },
        FundParams {
            min_remaining: Uint128::one(),
            ..d()
        },
        FundParams {
            min_remaining: Uint128::new(1_000_000_000_000),
            ..d()
        },
    ];
    let mut suite = Suite::builder().build();
    for params in cases {
        let msg = InstantiateMsg {
            params: Some(params.clone()),
            ..base_msg(&suite)
        };
        let fund = instantiate(&mut suite, &msg)
            .unwrap_or_else(|err| panic!("{params:?} refused: {err:?}"));
        assert_eq!(config_of(&suite, &fund).params, params);
    }
}

#[test]
fn instantiate_accepts_ibc_denoms_and_token_infos_at_their_limits() {
    let mut suite = Suite::builder().build();
    let msg = InstantiateMsg {
        collateral_denom: "ibc/498A0751C798A0D9A389AA3691123DADA57DAA4FE165D5C75894505B876BA6E4"
            .to_string(),
        junior_token: ShareTokenInfo {
            name: "abc".to_string(),
            symbol: "a-b".to_string(),
            marketing: None,
        },
        senior_token: ShareTokenInfo {
            name: "n".repeat(50),
            symbol: "ABCDEFGHIJKL".to_string(),
            marketing: None,
        },
        ..base_msg(&suite)
    };
    let fund = instantiate(&mut suite, &msg).unwrap();
    let config = config_of(&suite, &fund);
    assert_eq!(config.collateral_denom, msg.collateral_denom);
    assert_eq!(token_info(&suite, &config.junior_token).symbol, "a-b");
    assert_eq!(
        token_info(&suite, &config.senior_token).name,
        "n".repeat(50)
    );
}

#[test]
fn share_decimals_are_collateral_decimals_plus_three() {
    let mut suite = Suite::builder().build();
    for (collateral, shares) in [(0u8, 3u8), (6, 9), (15, 18)] {
        let msg = InstantiateMsg {
            collateral_decimals: collateral,
            ..base_msg(&suite)
        };
        let fund = instantiate(&mut suite, &msg).unwrap();
        let config = config_of(&suite, &fund);
        assert_eq!(config.share_decimals, shares);
        assert_eq!(token_info(&suite, &config.junior_token).decimals, shares);
        assert_eq!(token_info(&suite, &config.senior_token).decimals, shares);
    }
}

// ----- errors -----

#[test]
fn instantiate_rejects_invalid_denoms() {
    let mut suite = Suite::builder().build();
    for denom in [
        "",
        "ab",
        "1usdc",
        "/usdc",
        "u usdc",
        "uusdc!",
        "uüsdc",
        &format!("u{}", "a".repeat(128)),
    ] {
        let msg = InstantiateMsg {
            collateral_denom: denom.to_string(),
            ..base_msg(&suite)
        };
        assert_eq!(
            instantiate(&mut suite, &msg).unwrap_err(),
            ContractError::InvalidDenom {
                denom: denom.to_string()
            },
            "denom {denom:?}"
        );
    }
}

#[test]
fn instantiate_rejects_collateral_decimals_above_18() {
    let mut suite = Suite::builder().build();
    for decimals in [19u8, u8::MAX] {
        let msg = InstantiateMsg {
            collateral_decimals: decimals,
            ..base_msg(&suite)
        };
        out_of_range("collateral_decimals", &decimals.to_string())(
            instantiate(&mut suite, &msg).unwrap_err(),
        );
    }
}

/// cw20-base refuses more than 18 decimals, and shares have collateral + 3, so a collateral with
/// 16 to 18 decimals passes the fund's own check and then fails inside the cw20-base
/// instantiation with an untyped error ("Decimals must not exceed 18").
#[test]
fn instantiate_with_16_to_18_collateral_decimals_succeeds_or_fails_typed() {
    let mut suite = Suite::builder().build();
    for decimals in [16u8, 17, 18] {
        let msg = InstantiateMsg {
            collateral_decimals: decimals,
            ..base_msg(&suite)
        };
        let result = instantiate(&mut suite, &msg);
        assert!(
            matches!(
                result,
                Ok(_)
                    | Err(ContractError::ParamOutOfRange {
                        name: "collateral_decimals",
                        ..
                    })
            ),
            "collateral_decimals {decimals}: {result:?}"
        );
    }
}

#[test]
fn instantiate_rejects_bad_token_names_and_symbols() {
    let name_reason = "name must have 3 to 50 characters";
    let symbol_len = "symbol must have 3 to 12 characters";
    let symbol_chars = "symbol may only hold letters and '-'";
    let cases = [
        ("ab", "cvJR", name_reason),
        ("", "cvJR", name_reason),
        (&"n".repeat(51) as &str, "cvJR", name_reason),
        ("Cover Junior", "ab", symbol_len),
        ("Cover Junior", "", symbol_len),
        ("Cover Junior", "ABCDEFGHIJKLM", symbol_len),
        ("Cover Junior", "cv1", symbol_chars),
        ("Cover Junior", "cv JR", symbol_chars),
        ("Cover Junior", "cv_JR", symbol_chars),
        ("Cover Junior", "cvJRé", symbol_chars),
    ];
    let mut suite = Suite::builder().build();
    for (name, symbol, reason) in cases {
        let bad = ShareTokenInfo {
            name: name.to_string(),
            symbol: symbol.to_string(),
            marketing: None,
        };
        let expected = ContractError::InvalidTokenInfo {
            reason: reason.to_string(),
        };
        let junior_bad = InstantiateMsg {
            junior_token: bad.clone(),
            ..base_msg(&suite)
        };
        assert_eq!(
            instantiate(&mut suite, &junior_bad).unwrap_err(),
            expected,
            "junior {name:?}/{symbol:?}"
        );
        let senior_bad = InstantiateMsg {
            senior_token: bad,
            ..base_msg(&suite)
        };
        assert_eq!(
            instantiate(&mut suite, &senior_bad).unwrap_err(),
            expected,
            "senior {name:?}/{symbol:?}"
        );
    }
}

#[test]
fn instantiate_rejects_every_parameter_outside_its_range() {
    let d = FundParams::default;
    let just_above_90_percent = Decimal::percent(90) + Decimal::raw(1);
    let cases: Vec<(&'static str, String, FundParams)> = vec![
        (
            "cooldown_seconds",
            "59".into(),
            FundParams {
                cooldown_seconds: 59,
                ..d()
            },
        ),
        (
            "cooldown_seconds",
            (90 * DAY + 1).to_string(),
            FundParams {
                cooldown_seconds: 90 * DAY + 1,
                ..d()
            },
        ),
        (
            "cooldown_seconds",
            "0".into(),
            FundParams {
                cooldown_seconds: 0,
                ..d()
            },
        ),
        (
            "claim_window_seconds",
            "59".into(),
            FundParams {
                claim_window_seconds: 59,
                ..d()
            },
        ),
        (
            "claim_window_seconds",
            (30 * DAY + 1).to_string(),
            FundParams {
                claim_window_seconds: 30 * DAY + 1,
                ..d()
            },
        ),
        (
            "junior_weight",
            "0".into(),
            FundParams {
                junior_weight: 0,
                ..d()
            },
        ),
        (
            "junior_weight",
            "101".into(),
            FundParams {
                junior_weight: 101,
                ..d()
            },
        ),
        (
            "senior_weight",
            "0".into(),
            FundParams {
                senior_weight: 0,
                ..d()
            },
        ),
        (
            "senior_weight",
            "101".into(),
            FundParams {
                senior_weight: 101,
                ..d()
            },
        ),
        (
            "min_junior_ratio",
            just_above_90_percent.to_string(),
            FundParams {
                min_junior_ratio: just_above_90_percent,
                ..d()
            },
        ),
        (
            "min_junior_ratio",
            "1".into(),
            FundParams {
                min_junior_ratio: Decimal::one(),
                ..d()
            },
        ),
        (
            "max_payout_bps",
            "0".into(),
            FundParams {
                max_payout_bps: 0,
                ..d()
            },
        ),
        (
            "max_payout_bps",
            "10001".into(),
            FundParams {
                max_payout_bps: 10_001,
                ..d()
            },
        ),
        (
            "payout_window_seconds",
            "599".into(),
            FundParams {
                payout_window_seconds: 10 * 60 - 1,
                ..d()
            },
        ),
        (
            "payout_window_seconds",
            (30 * DAY + 1).to_string(),
            FundParams {
                payout_window_seconds: 30 * DAY + 1,
                ..d()
            },
        ),
        (
            "junior_deposit_cap",
            "0".into(),
            FundParams {
                junior_deposit_cap: DepositCap::Limit(Uint128::zero()),
                ..d()
            },
        ),
        (
            "senior_deposit_cap",
            "0".into(),
            FundParams {
                senior_deposit_cap: DepositCap::Limit(Uint128::zero()),
                ..d()
            },
        ),
        (
            "target_coverage_bps",
            "0".into(),
            FundParams {
                target_coverage_bps: 0,
                ..d()
            },
        ),
        (
            "target_coverage_bps",
            "100001".into(),
            FundParams {
                target_coverage_bps: 100_001,
                ..d()
            },
        ),
        (
            "min_remaining",
            "0".into(),
            FundParams {
                min_remaining: Uint128::zero(),
                ..d()
            },
        ),
        (
            "min_remaining",
            "1000000000001".into(),
            FundParams {
                min_remaining: Uint128::new(1_000_000_000_001),
                ..d()
            },
        ),
        (
            "min_remaining",
            Uint128::MAX.to_string(),
            FundParams {
                min_remaining: Uint128::MAX,
                ..d()
            },
        ),
    ];
    let mut suite = Suite::builder().build();
    for (name, value, params) in cases {
        let msg = InstantiateMsg {
            params: Some(params),
            ..base_msg(&suite)
        };
        out_of_range(name, &value)(instantiate(&mut suite, &msg).unwrap_err());
    }
}

#[test]
fn instantiate_rejects_bad_addresses() {
    let suite = Suite::builder().build();
    let upper = suite.addr("someone").to_string().to_uppercase();
    let foreign = MockApi::default()
        .with_prefix("osmo")
        .addr_make("someone")
        .to_string();
    let cases = [
        ("not-an-address", "Error decoding bech32"),
        ("", "Error decoding bech32"),
        (upper.as_str(), "Invalid input: address not normalized"),
        (foreign.as_str(), "Wrong bech32 prefix"),
    ];
    let mut suite = suite;
    for (bad, reason) in cases {
        let expected = ContractError::Std(StdError::generic_err(reason));
        let msgs = [
            InstantiateMsg {
                governor: bad.to_string(),
                ..base_msg(&suite)
            },
            InstantiateMsg {
                guardian: Some(bad.to_string()),
                ..base_msg(&suite)
            },
            InstantiateMsg {
                engine: Some(bad.to_string()),
                ..base_msg(&suite)
            },
            InstantiateMsg {
                token_admin: Some(bad.to_string()),
                ..base_msg(&suite)
            },
        ];
        for (field, msg) in ["governor", "guardian", "engine", "token_admin"]
            .into_iter()
            .zip(msgs)
        {
            assert_eq!(
                instantiate(&mut suite, &msg).unwrap_err(),
                expected,
                "{field} = {bad:?}"
            );
        }
    }
}

#[test]
fn instantiate_rejects_attached_funds() {
    let mut suite = Suite::builder().build();
    let operator = suite.operator.clone();
    suite.mint(&operator, 10 * ONE);
    suite.mint_coins(&operator, coins(5, "uatom"));
    let msg = base_msg(&suite);
    for funds in [
        coins(ONE, DENOM),
        coins(5, "uatom"),
        vec![
            cosmwasm_std::coin(5, "uatom"),
            cosmwasm_std::coin(ONE, DENOM),
        ],
    ] {
        assert_eq!(
            instantiate_with_funds(&mut suite, &msg, &funds).unwrap_err(),
            ContractError::Payment(PaymentError::NonPayable {}),
            "funds {funds:?}"
        );
    }
    assert_eq!(suite.balance(&operator), 10 * ONE);
}

/// `#[cw_serde]` (cosmwasm-schema >= 2.1) no longer denies unknown fields, so a misspelt
/// optional field (`gaurdian`) is silently dropped and the fund starts without a guardian.
#[test]
fn instantiate_rejects_unknown_fields() {
    let mut suite = Suite::builder().build();
    let mut msg = serde_json::to_value(InstantiateMsg {
        guardian: None,
        ..base_msg(&suite)
    })
    .unwrap();
    msg["gaurdian"] = serde_json::json!(suite.guardian.to_string());
    let (code_id, operator) = (suite.fund_code_id, suite.operator.clone());
    let result = suite
        .app
        .instantiate_contract(code_id, operator, &msg, &[], "typo fund", None)
        .map_err(into_contract_error);
    match result {
        Err(ContractError::Std(StdError::GenericErr { msg, .. })) => {
            assert!(msg.contains("unknown field"), "{msg}")
        }
        other => panic!("expected an unknown-field parse error, got {other:?}"),
    }
}

// ----- migrate -----

fn migrate(suite: &mut Suite, sender: &Addr) -> Result<cw_multi_test::AppResponse, ContractError> {
    let (fund, code_id) = (suite.fund.clone(), suite.fund_code_id);
    suite
        .app
        .migrate_contract(sender.clone(), fund, &MigrateMsg {}, code_id)
        .map_err(into_contract_error)
}

#[test]
fn migrate_to_the_same_code_keeps_config_state_and_balances() {
    let mut suite = Suite::builder()
        .with_underwriters(&["alice", "bob"], 10_000 * ONE)
        .build();
    let (alice, bob) = (suite.addr("alice"), suite.addr("bob"));
    suite.deposit(&alice, Tranche::Junior, 1_000 * ONE).unwrap();
    suite.deposit(&bob, Tranche::Senior, 2_000 * ONE).unwrap();
    let engine = suite.engine.clone();
    suite.premium(&engine, 40 * ONE).unwrap();
    let id = suite
        .request_withdrawal(&alice, Tranche::Junior, 100 * ONE)
        .unwrap();
    let (config, state, request) = (suite.config(), suite.state(), suite.request(id));
    let alice_shares = suite.shares(Tranche::Junior, &alice);

    let governor = suite.governor.clone();
    let res = migrate(&mut suite, &governor).unwrap();
    assert_eq!(attribute(&res, "action"), "migrate");
    assert_eq!(attribute(&res, "from_version"), env!("CARGO_PKG_VERSION"));
    assert_eq!(attribute(&res, "to_version"), env!("CARGO_PKG_VERSION"));

    assert_eq!(suite.config(), config);
    assert_eq!(suite.state(), state);
    assert_eq!(suite.request(id), request);
    assert_eq!(suite.shares(Tranche::Junior, &alice), alice_shares);
    let version = cw2::query_contract_info(&suite.app.wrap(), suite.fund.to_string()).unwrap();
    assert_eq!(version.version, env!("CARGO_PKG_VERSION"));
    suite.check_invariants();
    // The fund still works after the migration.
    suite.deposit(&alice, Tranche::Junior, 10 * ONE).unwrap();
    suite.cancel(&alice, id).unwrap();
}

#[test]
fn migrate_from_an_older_version_records_the_new_version() {
    let mut suite = Suite::builder().build();
    let fund = suite.fund.clone();
    cw2::set_contract_version(
        suite.app.contract_storage_mut(&fund).as_mut(),
        insurance_fund::contract::CONTRACT_NAME,
        "0.0.1",
    )
    .unwrap();
    let governor = suite.governor.clone();
    let res = migrate(&mut suite, &governor).unwrap();
    assert_eq!(attribute(&res, "from_version"), "0.0.1");
    let version = cw2::query_contract_info(&suite.app.wrap(), fund.to_string()).unwrap();
    assert_eq!(version.version, env!("CARGO_PKG_VERSION"));
}

#[test]
fn migrate_refuses_a_newer_stored_version_and_another_contract_name() {
    let mut suite = Suite::builder().build();
    let fund = suite.fund.clone();
    let governor = suite.governor.clone();
    let name = insurance_fund::contract::CONTRACT_NAME;
    let version = insurance_fund::contract::CONTRACT_VERSION;

    cw2::set_contract_version(
        suite.app.contract_storage_mut(&fund).as_mut(),
        name,
        "99.0.0",
    )
    .unwrap();
    assert_eq!(
        migrate(&mut suite, &governor).unwrap_err(),
        ContractError::Std(StdError::generic_err(format!(
            "Cannot migrate from newer version (99.0.0) to older ({version})"
        )))
    );

    cw2::set_contract_version(
        suite.app.contract_storage_mut(&fund).as_mut(),
        "crates.io:cw20-base",
        version,
    )
    .unwrap();
    assert_eq!(
        migrate(&mut suite, &governor).unwrap_err(),
        ContractError::Std(StdError::generic_err(format!(
            "Cannot migrate from crates.io:cw20-base to {name}"
        )))
    );
    // Nothing was overwritten by the refused migrations.
    let stored = cw2::query_contract_info(&suite.app.wrap(), fund.to_string()).unwrap();
    assert_eq!(stored.contract, "crates.io:cw20-base");
}

#[test]
fn only_the_wasm_admin_can_migrate_the_fund() {
    let mut suite = Suite::builder().build();
    let config = suite.config();
    for sender in [
        suite.addr("mallory"),
        suite.operator.clone(),
        suite.guardian.clone(),
    ] {
        // Refused by the chain's wasm module before the fund runs: not a fund error.
        let err = migrate(&mut suite, &sender).unwrap_err();
        assert!(
            matches!(err, ContractError::Std(StdError::GenericErr { .. })),
            "{sender}: {err:?}"
        );
    }
    assert_eq!(suite.config(), config);
    let info = suite
        .app
        .wrap()
        .query_wasm_contract_info(&suite.fund)
        .unwrap();
    assert_eq!(info.admin, Some(suite.governor.clone()));
    assert_eq!(info.code_id, suite.fund_code_id);
}

#[test]
fn migrate_from_0_1_moves_the_loss_ledger_to_engine_epoch_0() {
    let mut suite = Suite::builder()
        .with_underwriters(&["lp"], 10_000_000 * ONE)
        .build();
    let lp = suite.addr("lp");
    suite.deposit(&lp, Tranche::Junior, 100_000 * ONE).unwrap();
    let fund = suite.fund.clone();
    // What version 0.1 left: namespace "losses" (length-prefixed), then the big-endian id, and
    // a record without `engine_epoch`.
    let old_record = |id: u64| {
        let mut key = vec![0u8, 6];
        key.extend_from_slice(b"losses");
        key.extend_from_slice(&id.to_be_bytes());
        let value = serde_json::json!({
            "shortfall_id": id,
            "time": "1000000000",
            "asked": "100",
            "paid_by_reserve": "0",
            "paid_by_junior": "100",
            "paid_by_senior": "0",
            "unpaid": "0",
        });
        (key, serde_json::to_vec(&value).unwrap())
    };
    for id in [3, 7] {
        let (key, value) = old_record(id);
        suite.app.contract_storage_mut(&fund).set(&key, &value);
    }
    // Version 0.1's config had no engine epoch: it reads as epoch 0, the records' epoch.
    let mut config: serde_json::Value =
        serde_json::from_slice(&suite.app.contract_storage(&fund).get(b"config").unwrap()).unwrap();
    config.as_object_mut().unwrap().remove("engine_epoch");
    suite
        .app
        .contract_storage_mut(&fund)
        .set(b"config", &serde_json::to_vec(&config).unwrap());
    assert_eq!(suite.config().engine_epoch, 0);
    cw2::set_contract_version(
        suite.app.contract_storage_mut(&fund).as_mut(),
        insurance_fund::contract::CONTRACT_NAME,
        "0.1.0",
    )
    .unwrap();

    let governor = suite.governor.clone();
    let res = migrate(&mut suite, &governor).unwrap();
    assert_eq!(attribute(&res, "moved_loss_records"), "2");
    let ledger = suite.loss_ledger_in_epoch(0);
    assert_eq!(
        ledger.iter().map(|r| r.shortfall_id).collect::<Vec<_>>(),
        vec![3, 7]
    );
    assert_eq!(ledger[1].paid_by_junior, Uint128::new(100));
    assert_eq!(ledger[1].engine_epoch, 0);
    assert!(suite
        .app
        .contract_storage(&fund)
        .get(&old_record(7).0)
        .is_none());
    // The engine that made them is still the engine: id 7 stays paid, id 8 is new.
    assert_eq!(
        suite.cover_shortfall(7, 100).unwrap_err(),
        ContractError::ShortfallAlreadyCovered { id: 7 }
    );
    suite.cover_shortfall(8, 100).unwrap();
    assert_eq!(suite.loss(8).engine_epoch, 0);
    // A second migration has nothing left to move.
    let res = migrate(&mut suite, &governor).unwrap();
    assert_eq!(attribute(&res, "moved_loss_records"), "0");
    assert_eq!(suite.loss_ledger_in_epoch(0).len(), 3);
}

#[test]
fn migrate_moves_what_an_emptied_tranche_still_holds_to_the_reserve() {
    let mut suite = Suite::builder()
        .with_underwriters(&["alice", "bob"], 10_000 * ONE)
        .build();
    let (alice, bob) = (suite.addr("alice"), suite.addr("bob"));
    suite.deposit(&alice, Tranche::Junior, 1_000 * ONE).unwrap();
    let shares = suite.shares(Tranche::Junior, &alice);
    let id = suite
        .request_withdrawal(&alice, Tranche::Junior, shares)
        .unwrap();
    suite.advance(7 * DAY);
    suite.claim(&alice, id).unwrap();
    // What older code left behind: 5 units on junior's books with no share outstanding
    // (backed by 5 units in the bank).
    let fund = suite.fund.clone();
    suite
        .app
        .send_tokens(bob, fund.clone(), &coins(5, DENOM))
        .unwrap();
    let junior_key = insurance_fund::state::BOOKS.key(0);
    let mut junior: serde_json::Value =
        serde_json::from_slice(&suite.app.contract_storage(&fund).get(&junior_key).unwrap())
            .unwrap();
    assert_eq!(junior["supply"], "0");
    assert_eq!(junior["assets"], "0");
    junior["assets"] = "5".into();
    suite
        .app
        .contract_storage_mut(&fund)
        .set(&junior_key, &serde_json::to_vec(&junior).unwrap());
    assert_eq!(suite.state().junior.assets, Uint128::new(5));

    let governor = suite.governor.clone();
    let res = migrate(&mut suite, &governor).unwrap();
    assert_eq!(attribute(&res, "released_to_reserve"), "5");
    let state = suite.state();
    assert_eq!(state.junior.assets, Uint128::zero());
    assert_eq!(state.reserve, Uint128::new(5));
    suite.check_invariants();
    // Nothing left to release the second time.
    let res = migrate(&mut suite, &governor).unwrap();
    assert_eq!(attribute(&res, "released_to_reserve"), "0");
}

/// The operator's marketing for the junior token (a project and a logo URL; no description)
/// is what the token shows, the description taking its default; the senior token, given
/// none, shows every default. Both tokens' marketing admin is the new fund.
#[test]
fn instantiate_gives_the_share_tokens_the_operators_marketing_or_the_defaults() {
    let mut suite = Suite::builder().build();
    let mut msg = base_msg(&suite);
    msg.junior_token.marketing = Some(ShareTokenMarketing {
        project: Some("Cover".to_string()),
        description: None,
        logo: Some(cw20::Logo::Url("https://example.org/jr.png".to_string())),
    });
    let fund = instantiate(&mut suite, &msg).unwrap();
    let config = config_of(&suite, &fund);
    let marketing = |token: &Addr| -> cw20::MarketingInfoResponse {
        suite
            .app
            .wrap()
            .query_wasm_smart(token, &Cw20QueryMsg::MarketingInfo {})
            .unwrap()
    };
    assert_eq!(
        marketing(&config.junior_token),
        cw20::MarketingInfoResponse {
            project: Some("Cover".to_string()),
            description: Some(tranche_perps_types::fund::default_share_token_description(
                Tranche::Junior,
                fund.as_str()
            )),
            marketing: Some(fund.clone()),
            logo: Some(cw20::LogoInfo::Url(
                "https://example.org/jr.png".to_string()
            )),
        }
    );
    let senior = marketing(&config.senior_token);
    assert_eq!(senior.project.as_deref(), Some(DEFAULT_SHARE_TOKEN_PROJECT));
    assert_eq!(senior.marketing, Some(fund));
    assert_eq!(senior.logo, Some(cw20::LogoInfo::Embedded));
}

/// Marketing cw20-base would refuse, or longer than 1,000 bytes, fails instantiation with the
/// fund's `InvalidMarketing` (an SVG without XML preamble, a PNG without signature, a 5,121-byte
/// SVG, an empty logo URL, a 1,001-byte project or description); 1,000 bytes pass.
#[test]
fn instantiate_rejects_bad_share_token_marketing() {
    let mut suite = Suite::builder().build();
    let svg = |body: Vec<u8>| cw20::Logo::Embedded(cw20::EmbeddedLogo::Svg(body.into()));
    let mut big = b"<?xml version=\"1.0\"?>".to_vec();
    big.resize(5 * 1024 + 1, b' ');
    let bad = [
        ShareTokenMarketing {
            logo: Some(svg(b"<svg/>".to_vec())),
            ..Default::default()
        },
        ShareTokenMarketing {
            logo: Some(cw20::Logo::Embedded(cw20::EmbeddedLogo::Png(
                b"GIF89a".to_vec().into(),
            ))),
            ..Default::default()
        },
        ShareTokenMarketing {
            logo: Some(svg(big)),
            ..Default::default()
        },
        ShareTokenMarketing {
            logo: Some(cw20::Logo::Url(" ".to_string())),
            ..Default::default()
        },
        ShareTokenMarketing {
            project: Some("p".repeat(1_001)),
            ..Default::default()
        },
        ShareTokenMarketing {
            description: Some("d".repeat(1_001)),
            ..Default::default()
        },
    ];
    for marketing in bad {
        let mut msg = base_msg(&suite);
        msg.senior_token.marketing = Some(marketing.clone());
        let err = instantiate(&mut suite, &msg).unwrap_err();
        assert!(
            matches!(err, ContractError::InvalidMarketing { .. }),
            "{marketing:?}: {err:?}"
        );
    }
    let mut msg = base_msg(&suite);
    msg.senior_token.marketing = Some(ShareTokenMarketing {
        project: Some("p".repeat(1_000)),
        description: Some("d".repeat(1_000)),
        logo: None,
    });
    instantiate(&mut suite, &msg).unwrap();
}

/// A share token's info as operators wrote it before marketing existed (name and symbol only)
/// still parses, with no marketing (the defaults apply).
#[test]
fn share_token_info_without_marketing_still_parses() {
    let info: ShareTokenInfo =
        cosmwasm_std::from_json(br#"{"name":"Cover Junior","symbol":"cvJR"}"#).unwrap();
    assert_eq!(info.marketing, None);
    assert_eq!(info.symbol, "cvJR");
}
