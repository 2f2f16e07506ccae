//! Governance changes a share token's cw20 marketing with the typed action
//! `UpdateShareTokenMarketing`, sent to the fund's governor-only message of the same name. It
//! is on the reviewed safe list, so it waits the ordinary 2-day timelock, not the 9-day exit
//! window. A change the fund would refuse (nothing to change, a text over 1,000 bytes, a logo
//! cw20-base refuses) is refused when proposed, by the same check the fund runs
//! (`tranche_perps_types::fund::check_marketing_change`), and stores no proposal. Before the
//! action existed, the only way was a `Raw` message, which waited the exit window and whose bad
//! input was found only when the proposal failed at execution.

use cosmwasm_std::{to_json_binary, Addr, Binary, WasmMsg};
use cw20::{
    Cw20QueryMsg, DownloadLogoResponse, EmbeddedLogo, Logo, LogoInfo, MarketingInfoResponse,
};
use governance::ContractError as GovError;
use tranche_perps_testing::checks::assert_refused;
use tranche_perps_testing::gov::{Dao, EXIT, TIMELOCK, VOTERS};
use tranche_perps_testing::Suite;
use tranche_perps_types::fund::{self, Tranche, DEFAULT_SHARE_TOKEN_PROJECT, MAX_MARKETING_TEXT};
use tranche_perps_types::governance::{Action, ProposalListResponse, ProposalStatus, QueryMsg};

fn dao() -> Dao {
    Dao::new(Suite::builder().with_staked_governance(&VOTERS).build())
}

fn marketing(suite: &Suite, token: &Addr) -> MarketingInfoResponse {
    suite
        .app
        .wrap()
        .query_wasm_smart(token, &Cw20QueryMsg::MarketingInfo {})
        .unwrap()
}

fn change(project: Option<String>, description: Option<String>, logo: Option<Logo>) -> Action {
    Action::UpdateShareTokenMarketing {
        tranche: Tranche::Junior,
        project,
        description,
        logo,
    }
}

/// A 100-byte embedded SVG with its XML preamble.
const SVG: &[u8] = b"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\" \
viewBox=\"0 0 8 8\"><circle r=\"4\"/></svg>";

/// A proposal setting the junior token's project, description and an embedded SVG logo waits
/// 2 days (`timelock_seconds` 172,800; the same change as a `Raw` message waits the 9-day exit
/// window, 777,600): its
/// execution is refused 1 second before 2 days after passing and runs at 2 days. The junior
/// token's `MarketingInfo` then shows the new project and description with the fund still its
/// marketing admin, `DownloadLogo` the SVG (`image/svg+xml`); the senior token is untouched.
#[test]
fn a_marketing_proposal_waits_2_days_not_9_and_sets_the_junior_tokens_marketing() {
    let mut dao = dao();
    let id = dao.propose(vec![change(
        Some("Junior cover".to_string()),
        Some("First-loss cover of the perps venue".to_string()),
        Some(Logo::Embedded(EmbeddedLogo::Svg(Binary::from(SVG)))),
    )]);
    assert_eq!(dao.suite.proposal(id).timelock_seconds, TIMELOCK);
    // The same change as a raw message to the fund waits the exit window.
    let raw = Action::Raw(
        WasmMsg::Execute {
            contract_addr: dao.suite.fund.to_string(),
            msg: to_json_binary(&fund::ExecuteMsg::UpdateShareTokenMarketing {
                tranche: Tranche::Junior,
                project: Some("Junior cover".to_string()),
                description: None,
                logo: None,
            })
            .unwrap(),
            funds: vec![],
        }
        .into(),
    );
    assert_eq!(dao.timelock_of(vec![raw]), EXIT);
    let passed = dao.pass(id);
    dao.suite.advance(TIMELOCK - 1);
    assert_eq!(
        dao.execute(id).unwrap_err(),
        GovError::Timelocked {
            id,
            executable_at: passed.seconds() + TIMELOCK,
        }
    );
    dao.suite.advance(1);
    dao.execute(id).unwrap();
    let p = dao.suite.proposal(id);
    assert_eq!(
        p.status,
        ProposalStatus::Executed,
        "{:?}",
        p.execution_error
    );

    let junior = dao.suite.junior_token.clone();
    assert_eq!(
        marketing(&dao.suite, &junior),
        MarketingInfoResponse {
            project: Some("Junior cover".to_string()),
            description: Some("First-loss cover of the perps venue".to_string()),
            marketing: Some(dao.suite.fund.clone()),
            logo: Some(LogoInfo::Embedded),
        }
    );
    let logo: DownloadLogoResponse = dao
        .suite
        .app
        .wrap()
        .query_wasm_smart(&junior, &Cw20QueryMsg::DownloadLogo {})
        .unwrap();
    assert_eq!(logo.mime_type, "image/svg+xml");
    assert_eq!(logo.data.as_slice(), SVG);
    let senior = dao.suite.senior_token.clone();
    assert_eq!(
        marketing(&dao.suite, &senior).project.as_deref(),
        Some(DEFAULT_SHARE_TOKEN_PROJECT)
    );
}

/// Refused when proposed, naming the action, and storing no proposal (the proposal list and
/// GOV balances unchanged): a change of nothing (`NothingToUpdate`), a 1,001-byte project or
/// description (`InvalidMarketing`, the fund's 1,000-byte bound) and an SVG logo without XML
/// preamble. A 1,000-byte project is proposed, passes and the fund takes it.
#[test]
fn an_empty_or_over_long_marketing_change_is_refused_at_proposal_and_stores_nothing() {
    let mut dao = dao();
    let carol = dao.carol.clone();
    let long = "x".repeat(MAX_MARKETING_TEXT + 1);
    let pause = Action::SetFundPause {
        deposits: Some(true),
        withdrawals: None,
    };
    let bad_svg = Logo::Embedded(EmbeddedLogo::Svg(Binary::from(b"<svg/>".as_slice())));
    let invalid = |index, reason| GovError::InvalidMarketing { index, reason };
    let cases = vec![
        (
            vec![change(None, None, None)],
            GovError::NothingToUpdate { index: 0 },
        ),
        (
            vec![change(Some(long.clone()), None, None)],
            invalid(0, "project may have at most 1000 bytes"),
        ),
        (
            vec![pause, change(None, Some(long), None)],
            invalid(1, "description may have at most 1000 bytes"),
        ),
        (
            vec![change(None, None, Some(bad_svg))],
            invalid(0, "an SVG logo must start with an XML preamble <?xml ...?>"),
        ),
    ];
    let state = |s: &Suite| {
        let gov = s.gov();
        let list: ProposalListResponse = s
            .app
            .wrap()
            .query_wasm_smart(
                &gov.contract,
                &QueryMsg::ListProposals {
                    start_after: None,
                    limit: None,
                },
            )
            .unwrap();
        (
            list.proposals,
            s.gov_balance(&s.addr("carol")),
            s.gov_balance(&gov.contract),
        )
    };
    for (actions, expected) in cases {
        assert_refused(&mut dao.suite, state, expected, |s| {
            s.propose(&carol, "marketing", actions)
        });
    }
    assert!(state(&dao.suite).0.is_empty());

    let project = "x".repeat(MAX_MARKETING_TEXT);
    dao.enact(vec![change(Some(project.clone()), None, None)]);
    let junior = dao.suite.junior_token.clone();
    assert_eq!(marketing(&dao.suite, &junior).project, Some(project));
}
