//! The share token (`contracts/share-token`): cw20-base whose burns only its minter, the fund,
//! may make (docs/fund.md#attacks-considered), so the fund's recorded supply always equals the
//! token's supply (invariant 6, checked after every suite step); and share tokens instantiated
//! from the plain cw20-base code migrate to it with their balances.
//!
//! On the plain cw20-base code a holder's `Burn` went through: the token's supply fell below
//! the fund's books for good and the collateral behind the burned shares stayed locked.

use cosmwasm_std::{Addr, Empty, StdError, Uint128};
use cw20::{BalanceResponse, Cw20ExecuteMsg, Cw20QueryMsg, MinterResponse, TokenInfoResponse};
use cw_multi_test::{App, Contract, ContractWrapper, Executor};
use share_token::ContractError;
use tranche_perps_testing::time::WEEK;
use tranche_perps_testing::{cw20_contract, Suite, ONE};
use tranche_perps_types::fund::Tranche;

/// The code share tokens were instantiated from before: cw20-base 2.0 as published.
fn plain_cw20_base() -> Box<dyn Contract<Empty>> {
    Box::new(
        ContractWrapper::new(
            cw20_base::contract::execute,
            cw20_base::contract::instantiate,
            cw20_base::contract::query,
        )
        .with_migrate(cw20_base::contract::migrate),
    )
}

/// `who` sends `msg` to `token`; the share token's own error on failure.
fn execute_token(
    app: &mut App,
    who: &Addr,
    token: &Addr,
    msg: &Cw20ExecuteMsg,
) -> Result<(), ContractError> {
    app.execute_contract(who.clone(), token.clone(), msg, &[])
        .map(|_| ())
        .map_err(|err| {
            err.downcast::<ContractError>()
                .unwrap_or_else(|err| panic!("not a share-token error: {err:#}"))
        })
}

fn balance(app: &App, token: &Addr, who: &Addr) -> u128 {
    let res: BalanceResponse = app
        .wrap()
        .query_wasm_smart(
            token,
            &Cw20QueryMsg::Balance {
                address: who.to_string(),
            },
        )
        .unwrap();
    res.balance.u128()
}

fn supply(app: &App, token: &Addr) -> u128 {
    let res: TokenInfoResponse = app
        .wrap()
        .query_wasm_smart(token, &Cw20QueryMsg::TokenInfo {})
        .unwrap();
    res.total_supply.u128()
}

/// A holder of 1,000 USDC of junior (1e12 share units) burns 1e11 of them: refused with
/// `BurnByMinterOnly`; so is a `BurnFrom` by a spender she approved. The fund's books and the
/// token's supply stay equal (1e12 each; on cw20-base the burn left the token at 9e11 under
/// books of 1e12, and 100 USDC locked behind shares nobody holds). The fund's own burn, when
/// she claims, still works and pays her 1,000 USDC.
#[test]
fn a_holder_cannot_burn_shares_past_the_funds_books() {
    let mut suite = Suite::builder()
        .with_underwriters(&["alice", "spender"], 10_000 * ONE)
        .build();
    let (alice, spender) = (suite.addr("alice"), suite.addr("spender"));
    suite.deposit(&alice, Tranche::Junior, 1_000 * ONE).unwrap();
    let token = suite.junior_token.clone();
    let shares = suite.shares(Tranche::Junior, &alice);
    assert_eq!(shares, 1_000_000_000_000);
    let refused = ContractError::BurnByMinterOnly {
        minter: suite.fund.clone(),
        sender: alice.clone(),
    };
    let burn = Cw20ExecuteMsg::Burn {
        amount: Uint128::new(shares / 10),
    };
    assert_eq!(
        execute_token(&mut suite.app, &alice, &token, &burn),
        Err(refused)
    );
    let approve = Cw20ExecuteMsg::IncreaseAllowance {
        spender: spender.to_string(),
        amount: Uint128::new(shares),
        expires: None,
    };
    execute_token(&mut suite.app, &alice, &token, &approve).unwrap();
    let burn_from = Cw20ExecuteMsg::BurnFrom {
        owner: alice.to_string(),
        amount: Uint128::new(shares / 10),
    };
    assert_eq!(
        execute_token(&mut suite.app, &spender, &token, &burn_from),
        Err(ContractError::BurnByMinterOnly {
            minter: suite.fund.clone(),
            sender: spender.clone(),
        })
    );
    assert_eq!(suite.shares(Tranche::Junior, &alice), shares);
    assert_eq!(suite.share_supply(Tranche::Junior), shares);
    assert_eq!(suite.state().junior.supply.u128(), shares);
    suite.check_invariants();

    let id = suite
        .request_withdrawal(&alice, Tranche::Junior, shares)
        .unwrap();
    suite.advance(WEEK);
    let before = suite.balance(&alice);
    suite.claim(&alice, id).unwrap();
    assert_eq!(suite.balance(&alice) - before, 1_000 * ONE);
    assert_eq!(suite.share_supply(Tranche::Junior), 0);
}

/// A token instantiated from the plain cw20-base code (minter M, alice 700 and bob 300 units):
/// there alice can burn (10 units, the divergence). Migrated by its admin to the share-token
/// code, it keeps every balance, its supply and its minter, records the share token's cw2 name
/// and version, refuses alice's burn and still takes the minter's.
#[test]
fn a_token_of_the_plain_cw20_base_code_migrates_and_then_refuses_holder_burns() {
    let mut app = App::default();
    let api = *app.api();
    let (admin, minter, alice, bob) = (
        api.addr_make("admin"),
        api.addr_make("minter"),
        api.addr_make("alice"),
        api.addr_make("bob"),
    );
    let old_code = app.store_code(plain_cw20_base());
    let new_code = app.store_code(cw20_contract());
    let token = app
        .instantiate_contract(
            old_code,
            minter.clone(),
            &cw20_base::msg::InstantiateMsg {
                name: "Insurance Junior Share".to_string(),
                symbol: "ijUSDC".to_string(),
                decimals: 9,
                initial_balances: vec![],
                mint: Some(MinterResponse {
                    minter: minter.to_string(),
                    cap: None,
                }),
                marketing: None,
            },
            &[],
            "ijUSDC share token",
            Some(admin.to_string()),
        )
        .unwrap();
    for (who, amount) in [(&alice, 700u128), (&bob, 300)] {
        let mint = Cw20ExecuteMsg::Mint {
            recipient: who.to_string(),
            amount: Uint128::new(amount),
        };
        app.execute_contract(minter.clone(), token.clone(), &mint, &[])
            .unwrap();
    }
    let burn = |amount: u128| Cw20ExecuteMsg::Burn {
        amount: Uint128::new(amount),
    };
    app.execute_contract(alice.clone(), token.clone(), &burn(10), &[])
        .unwrap();
    assert_eq!(supply(&app, &token), 990);

    // Only the wasm admin migrates.
    assert!(app
        .migrate_contract(alice.clone(), token.clone(), &Empty {}, new_code)
        .is_err());
    let res = app
        .migrate_contract(admin.clone(), token.clone(), &Empty {}, new_code)
        .unwrap();
    let attrs = tranche_perps_testing::wasm_attrs(&res);
    assert!(attrs.contains(&"from_contract=crates.io:cw20-base".to_string()));
    assert!(attrs.contains(&"from_version=2.0.0".to_string()));
    let stored = cw2::query_contract_info(&app.wrap(), token.to_string()).unwrap();
    assert_eq!(
        (stored.contract.as_str(), stored.version.as_str()),
        (share_token::CONTRACT_NAME, share_token::CONTRACT_VERSION)
    );
    assert_eq!(stored.contract, "crates.io:share-token");
    assert_eq!(
        (balance(&app, &token, &alice), balance(&app, &token, &bob)),
        (690, 300)
    );
    assert_eq!(supply(&app, &token), 990);
    let minter_info: MinterResponse = app
        .wrap()
        .query_wasm_smart(&token, &Cw20QueryMsg::Minter {})
        .unwrap();
    assert_eq!(minter_info.minter, minter.to_string());

    assert_eq!(
        execute_token(&mut app, &alice, &token, &burn(10)),
        Err(ContractError::BurnByMinterOnly {
            minter: minter.clone(),
            sender: alice.clone(),
        })
    );
    assert_eq!(supply(&app, &token), 990);
    // Transfers are cw20-base's, unchanged; the minter burns what it holds.
    let transfer = Cw20ExecuteMsg::Transfer {
        recipient: minter.to_string(),
        amount: Uint128::new(90),
    };
    execute_token(&mut app, &alice, &token, &transfer).unwrap();
    execute_token(&mut app, &minter, &token, &burn(90)).unwrap();
    assert_eq!(supply(&app, &token), 900);

    // Migrating again to the same version is accepted; a newer stored version or another
    // contract's code is refused.
    app.migrate_contract(admin.clone(), token.clone(), &Empty {}, new_code)
        .unwrap();
    for (name, version) in [
        (share_token::CONTRACT_NAME, "99.0.0"),
        ("crates.io:insurance-fund", share_token::CONTRACT_VERSION),
    ] {
        cw2::set_contract_version(app.contract_storage_mut(&token).as_mut(), name, version)
            .unwrap();
        let err = app
            .migrate_contract(admin.clone(), token.clone(), &Empty {}, new_code)
            .unwrap_err()
            .downcast::<ContractError>()
            .unwrap();
        assert!(
            matches!(err, ContractError::Std(StdError::GenericErr { .. })),
            "{err:?}"
        );
        let stored = cw2::query_contract_info(&app.wrap(), token.to_string()).unwrap();
        assert_eq!(
            (stored.contract.as_str(), stored.version.as_str()),
            (name, version)
        );
    }
}

/// The fund's own share tokens as deployed by 0.4.0 (plain cw20-base code, cw2 cw20-base 2.0.0)
/// migrated by the fund's `token_admin` (here the governor) to the share-token code: deposits,
/// requests and claims go on, a holder's burn is refused, and the books still match the supply.
#[test]
fn the_funds_deployed_share_tokens_migrate_and_the_fund_works_on() {
    let mut suite = Suite::builder()
        .with_underwriters(&["alice", "bob"], 10_000 * ONE)
        .build();
    let (alice, bob, governor) = (
        suite.addr("alice"),
        suite.addr("bob"),
        suite.governor.clone(),
    );
    suite.deposit(&alice, Tranche::Junior, 1_000 * ONE).unwrap();
    suite.deposit(&bob, Tranche::Senior, 1_000 * ONE).unwrap();
    // What 0.4.0 deployed: the tokens run the plain cw20-base code.
    let old_code = suite.app.store_code(plain_cw20_base());
    let new_code = suite.app.store_code(cw20_contract());
    for tranche in Tranche::ALL {
        let token = suite.token(tranche).clone();
        cw2::set_contract_version(
            suite.app.contract_storage_mut(&token).as_mut(),
            "crates.io:cw20-base",
            "2.0.0",
        )
        .unwrap();
        suite
            .app
            .migrate_contract(governor.clone(), token.clone(), &Empty {}, old_code)
            .unwrap();
        suite
            .app
            .migrate_contract(governor.clone(), token.clone(), &Empty {}, new_code)
            .unwrap();
        let info = suite.app.wrap().query_wasm_contract_info(&token).unwrap();
        assert_eq!(info.code_id, new_code);
    }
    suite.check_invariants();
    let shares = suite.shares(Tranche::Junior, &alice);
    let token = suite.junior_token.clone();
    let burn = Cw20ExecuteMsg::Burn {
        amount: Uint128::new(shares),
    };
    assert!(matches!(
        execute_token(&mut suite.app, &alice, &token, &burn),
        Err(ContractError::BurnByMinterOnly { .. })
    ));
    suite.deposit(&alice, Tranche::Junior, 500 * ONE).unwrap();
    let id = suite
        .request_withdrawal(&bob, Tranche::Senior, 1_000_000_000_000)
        .unwrap();
    suite.advance(WEEK);
    suite.claim(&bob, id).unwrap();
    assert_eq!(suite.share_supply(Tranche::Senior), 0);
    suite.check_invariants();
}
