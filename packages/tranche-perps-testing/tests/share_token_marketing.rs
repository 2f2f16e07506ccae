//! Share tokens that wallets and explorers can show: each share token carries cw20 marketing
//! info (project, description, an embedded SVG logo by default) whose marketing admin is the
//! fund, so only the fund's governor changes it (`UpdateShareTokenMarketing`), and that
//! authority moves with the governor role. A token deployed without marketing gets it by a
//! share-token migration (docs/operations.md#share-token-marketing).
//!
//! On the code before, the fund instantiated its tokens with no marketing info and no
//! marketing admin: `MarketingInfo` answered all-empty, `DownloadLogo` failed, and every
//! `UpdateMarketing`/`UploadLogo` was refused as unauthorized for everyone.

use cosmwasm_std::{Addr, Binary, Empty, Uint128};
use cw20::{
    AllAccountsResponse, AllAllowancesResponse, AllowanceInfo, Cw20ExecuteMsg, Cw20QueryMsg,
    DownloadLogoResponse, EmbeddedLogo, Expiration, Logo, LogoInfo, MarketingInfoResponse,
    TokenInfoResponse,
};
use cw20_base::msg::InstantiateMarketingInfo;
use cw_multi_test::Executor;
use cw_ownable::OwnershipError;
use insurance_fund::ContractError;
use share_token::{ContractError as TokenError, MigrateMsg};
use tranche_perps_testing::checks::assert_unchanged;
use tranche_perps_testing::{wasm_attr, Suite, ONE};
use tranche_perps_types::fund::{
    default_share_token_description, default_share_token_logo, ExecuteMsg, GovernorAction, Tranche,
    DEFAULT_SHARE_TOKEN_PROJECT,
};

fn token_query<T: serde::de::DeserializeOwned>(
    suite: &Suite,
    token: &Addr,
    msg: &Cw20QueryMsg,
) -> T {
    suite.app.wrap().query_wasm_smart(token, msg).unwrap()
}

fn marketing(suite: &Suite, token: &Addr) -> MarketingInfoResponse {
    token_query(suite, token, &Cw20QueryMsg::MarketingInfo {})
}

fn logo_bytes(logo: &Logo) -> Vec<u8> {
    match logo {
        Logo::Embedded(EmbeddedLogo::Svg(data) | EmbeddedLogo::Png(data)) => data.to_vec(),
        Logo::Url(_) => panic!("not embedded"),
    }
}

/// The token's own error for a message `who` sends it directly.
fn token_error(suite: &mut Suite, who: &Addr, token: &Addr, msg: &Cw20ExecuteMsg) -> TokenError {
    suite
        .app
        .execute_contract(who.clone(), token.clone(), msg, &[])
        .unwrap_err()
        .downcast::<TokenError>()
        .unwrap()
}

fn update(tranche: Tranche, project: &str, logo: Option<Logo>) -> ExecuteMsg {
    ExecuteMsg::UpdateShareTokenMarketing {
        tranche,
        project: Some(project.to_string()),
        description: None,
        logo,
    }
}

/// Alice deposits 1,000 USDC into junior (1e12 share units, 9 decimals) and lets bob spend 5e11
/// of them. The junior token answers the standard cw20 queries wallets and explorers make:
/// `TokenInfo` (name, symbol, 9 decimals, supply 1e12), `MarketingInfo` (the default project,
/// a description naming the junior tranche and the fund, the fund as marketing admin, an
/// embedded logo), `DownloadLogo` (the tranche's SVG, `image/svg+xml`), `AllAccounts`
/// (alice) and `AllAllowances` (bob, 5e11). The senior token's description names senior.
#[test]
fn a_share_token_answers_the_queries_wallets_and_explorers_use() {
    let mut suite = Suite::builder()
        .with_underwriters(&["alice"], 10_000 * ONE)
        .build();
    let (alice, bob) = (suite.addr("alice"), suite.addr("bob"));
    suite.deposit(&alice, Tranche::Junior, 1_000 * ONE).unwrap();
    let token = suite.junior_token.clone();
    suite
        .app
        .execute_contract(
            alice.clone(),
            token.clone(),
            &Cw20ExecuteMsg::IncreaseAllowance {
                spender: bob.to_string(),
                amount: Uint128::new(500_000_000_000),
                expires: None,
            },
            &[],
        )
        .unwrap();

    let info: TokenInfoResponse = token_query(&suite, &token, &Cw20QueryMsg::TokenInfo {});
    assert_eq!(
        info,
        TokenInfoResponse {
            name: "Insurance Junior Share".to_string(),
            symbol: "ijUSDC".to_string(),
            decimals: 9,
            total_supply: Uint128::new(1_000_000_000_000),
        }
    );
    assert_eq!(
        marketing(&suite, &token),
        MarketingInfoResponse {
            project: Some(DEFAULT_SHARE_TOKEN_PROJECT.to_string()),
            description: Some(default_share_token_description(
                Tranche::Junior,
                suite.fund.as_str()
            )),
            marketing: Some(suite.fund.clone()),
            logo: Some(LogoInfo::Embedded),
        }
    );
    let description = marketing(&suite, &token).description.unwrap();
    assert!(
        description.contains("junior (first-loss) tranche"),
        "{description}"
    );
    let logo: DownloadLogoResponse = token_query(&suite, &token, &Cw20QueryMsg::DownloadLogo {});
    assert_eq!(logo.mime_type, "image/svg+xml");
    assert_eq!(
        logo.data.to_vec(),
        logo_bytes(&default_share_token_logo(Tranche::Junior))
    );
    assert!(logo.data.len() < 1024, "{} bytes", logo.data.len());
    let accounts: AllAccountsResponse = token_query(
        &suite,
        &token,
        &Cw20QueryMsg::AllAccounts {
            start_after: None,
            limit: None,
        },
    );
    assert_eq!(accounts.accounts, vec![alice.to_string()]);
    let allowances: AllAllowancesResponse = token_query(
        &suite,
        &token,
        &Cw20QueryMsg::AllAllowances {
            owner: alice.to_string(),
            start_after: None,
            limit: None,
        },
    );
    assert_eq!(
        allowances.allowances,
        vec![AllowanceInfo {
            spender: bob.to_string(),
            allowance: Uint128::new(500_000_000_000),
            expires: Expiration::Never {},
        }]
    );
    let senior = suite.senior_token.clone();
    let description = marketing(&suite, &senior).description.unwrap();
    assert!(
        description.contains("senior (second-loss) tranche"),
        "{description}"
    );
    suite.check_invariants();
}

/// The governor changes the junior token's project, description and logo (a URL) through the
/// fund. Alice's attempt is refused (`NotOwner`), so is the governor's own `UpdateMarketing`
/// sent to the token (cw20 `Unauthorized`: the marketing admin is the fund), an update giving
/// nothing (`NoMarketingChange`) and an SVG without XML preamble (`InvalidMarketing`); none
/// changes the marketing. After the governor role moves to alice, she updates and the former
/// governor is refused.
#[test]
fn the_governor_updates_marketing_and_everyone_else_is_refused() {
    let mut suite = Suite::builder().build();
    let (governor, alice) = (suite.governor.clone(), suite.addr("alice"));
    let token = suite.junior_token.clone();
    let url = Logo::Url("https://example.org/junior.svg".to_string());
    suite
        .execute_fund(
            &governor,
            &ExecuteMsg::UpdateShareTokenMarketing {
                tranche: Tranche::Junior,
                project: Some("Perps cover".to_string()),
                description: Some("First-loss cover".to_string()),
                logo: Some(url),
            },
            &[],
        )
        .unwrap();
    let updated = MarketingInfoResponse {
        project: Some("Perps cover".to_string()),
        description: Some("First-loss cover".to_string()),
        marketing: Some(suite.fund.clone()),
        logo: Some(LogoInfo::Url("https://example.org/junior.svg".to_string())),
    };
    assert_eq!(marketing(&suite, &token), updated);
    // The senior token is untouched.
    let senior = suite.senior_token.clone();
    assert_eq!(
        marketing(&suite, &senior).project.as_deref(),
        Some(DEFAULT_SHARE_TOKEN_PROJECT)
    );

    let state = |s: &Suite| marketing(s, &s.junior_token.clone());
    let err = assert_unchanged(&mut suite, state, |s| {
        s.execute_fund(&alice, &update(Tranche::Junior, "Alice's", None), &[])
    });
    assert_eq!(err, ContractError::Ownership(OwnershipError::NotOwner));
    let direct = Cw20ExecuteMsg::UpdateMarketing {
        project: Some("Direct".to_string()),
        description: None,
        marketing: None,
    };
    for who in [&governor, &alice] {
        let err = token_error(&mut suite, who, &token, &direct);
        assert_eq!(
            err,
            TokenError::Base(cw20_base::ContractError::Unauthorized {})
        );
    }
    let nothing = ExecuteMsg::UpdateShareTokenMarketing {
        tranche: Tranche::Junior,
        project: None,
        description: None,
        logo: None,
    };
    let err = assert_unchanged(&mut suite, state, |s| {
        s.execute_fund(&governor, &nothing, &[])
    });
    assert_eq!(err, ContractError::NoMarketingChange);
    let bad_svg = Logo::Embedded(EmbeddedLogo::Svg(Binary::from(b"<svg/>".to_vec())));
    let err = assert_unchanged(&mut suite, state, |s| {
        s.execute_fund(&governor, &update(Tranche::Junior, "x", Some(bad_svg)), &[])
    });
    assert!(
        matches!(err, ContractError::InvalidMarketing { .. }),
        "{err:?}"
    );
    assert_eq!(marketing(&suite, &token), updated);

    // The governor role moves to alice; the marketing authority moves with it.
    suite
        .execute_fund(
            &governor,
            &ExecuteMsg::UpdateOwnership(GovernorAction::TransferOwnership {
                new_owner: alice.to_string(),
                expiry: None,
            }),
            &[],
        )
        .unwrap();
    suite
        .execute_fund(
            &alice,
            &ExecuteMsg::UpdateOwnership(GovernorAction::AcceptOwnership),
            &[],
        )
        .unwrap();
    suite
        .execute_fund(&alice, &update(Tranche::Junior, "Alice's cover", None), &[])
        .unwrap();
    assert_eq!(
        marketing(&suite, &token).project.as_deref(),
        Some("Alice's cover")
    );
    let err = assert_unchanged(&mut suite, state, |s| {
        s.execute_fund(&governor, &update(Tranche::Junior, "Old", None), &[])
    });
    assert_eq!(err, ContractError::Ownership(OwnershipError::NotOwner));
}

/// A share token deployed by the fund before marketing (no marketing info stored: the junior
/// token's records removed) answers `MarketingInfo` all-empty and refuses the governor's update
/// (cw20 `Unauthorized`). Its wasm admin (the fund's `token_admin`) migrates it with `{}`:
/// still none (attribute `marketing: none`); with a bad PNG: refused (`InvalidLogo`), nothing
/// changes; with marketing naming the fund as admin and an embedded PNG: set. The governor
/// then updates it through the fund; a later migration carrying other marketing keeps the
/// token's (`marketing: kept`).
#[test]
fn a_deployed_token_without_marketing_gets_it_by_migration() {
    let mut suite = Suite::builder().build();
    let (governor, fund) = (suite.governor.clone(), suite.fund.clone());
    let token = suite.junior_token.clone();
    let code = suite.cw20_code_id;
    {
        let mut storage = suite.app.contract_storage_mut(&token);
        cw20_base::state::MARKETING_INFO.remove(storage.as_mut());
        cw20_base::state::LOGO.remove(storage.as_mut());
    }
    assert_eq!(marketing(&suite, &token), MarketingInfoResponse::default());
    let forwarded = suite
        .app
        .execute_contract(
            governor.clone(),
            fund.clone(),
            &update(Tranche::Junior, "Perps cover", None),
            &[],
        )
        .unwrap_err();
    // The token's refusal reaches the fund's caller as text.
    let unauthorized = TokenError::Base(cw20_base::ContractError::Unauthorized {}).to_string();
    assert!(
        format!("{forwarded:#}").contains(&unauthorized),
        "{forwarded:#}"
    );

    let res = suite
        .app
        .migrate_contract(governor.clone(), token.clone(), &Empty {}, code)
        .unwrap();
    assert_eq!(wasm_attr(&res, "marketing"), "none");
    assert_eq!(marketing(&suite, &token), MarketingInfoResponse::default());

    let png = {
        let mut data = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];
        data.extend_from_slice(&[0; 24]);
        data
    };
    let with = |logo: Vec<u8>| MigrateMsg {
        marketing: Some(InstantiateMarketingInfo {
            project: Some(DEFAULT_SHARE_TOKEN_PROJECT.to_string()),
            description: Some(default_share_token_description(
                Tranche::Junior,
                fund.as_str(),
            )),
            marketing: Some(fund.to_string()),
            logo: Some(Logo::Embedded(EmbeddedLogo::Png(Binary::from(logo)))),
        }),
    };
    let err = suite
        .app
        .migrate_contract(
            governor.clone(),
            token.clone(),
            &with(b"GIF89a".to_vec()),
            code,
        )
        .unwrap_err()
        .downcast::<TokenError>()
        .unwrap();
    assert!(matches!(err, TokenError::InvalidLogo { .. }), "{err:?}");
    assert_eq!(marketing(&suite, &token), MarketingInfoResponse::default());

    let res = suite
        .app
        .migrate_contract(governor.clone(), token.clone(), &with(png.clone()), code)
        .unwrap();
    assert_eq!(wasm_attr(&res, "marketing"), "set");
    let set = marketing(&suite, &token);
    assert_eq!(set.marketing, Some(fund.clone()));
    assert_eq!(set.logo, Some(LogoInfo::Embedded));
    let logo: DownloadLogoResponse = token_query(&suite, &token, &Cw20QueryMsg::DownloadLogo {});
    assert_eq!(
        (logo.mime_type.as_str(), logo.data.to_vec()),
        ("image/png", png)
    );

    suite
        .execute_fund(
            &governor,
            &update(Tranche::Junior, "Perps cover", None),
            &[],
        )
        .unwrap();
    assert_eq!(
        marketing(&suite, &token).project.as_deref(),
        Some("Perps cover")
    );
    let other = MigrateMsg {
        marketing: Some(InstantiateMarketingInfo {
            project: Some("Other".to_string()),
            description: None,
            marketing: Some(governor.to_string()),
            logo: None,
        }),
    };
    let before = marketing(&suite, &token);
    let res = suite
        .app
        .migrate_contract(governor.clone(), token.clone(), &other, code)
        .unwrap();
    assert_eq!(wasm_attr(&res, "marketing"), "kept");
    assert_eq!(marketing(&suite, &token), before);
    suite.check_invariants();
}
