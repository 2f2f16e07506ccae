//! `docs/testing.md#bad-input` for every governance message: unauthorized senders, funds attached,
//! zero and `u128::MAX` amounts, unknown proposal ids, bad addresses, unknown JSON fields, cw20
//! from an unknown token and malformed hooks. Each case gets its exact error and changes nothing in
//! governance (config, proposals, ballots, power, claims, GOV balances).

use cosmwasm_std::{
    coin, coins, to_json_binary, to_json_vec, Addr, BankMsg, Binary, Coin, CosmosMsg, Decimal,
    OverflowError, OverflowOperation, StdError, Uint128,
};
use cw20::Cw20ExecuteMsg;
use cw_controllers::{Claim, ClaimsResponse};
use cw_multi_test::Executor;
use cw_utils::PaymentError;
use governance::ContractError as GovError;
use serde_json::json;
use tranche_perps_testing::checks::{assert_refused, assert_unchanged};
use tranche_perps_testing::gov::{into_gov_error, GovResult, VOTERS};
use tranche_perps_testing::perp::default_market_params;
use tranche_perps_testing::{Suite, DENOM, ONE};
use tranche_perps_types::engine::NewMarket;
use tranche_perps_types::fund::{Cw20Receive, GovernorAction};
use tranche_perps_types::governance::Vote;
use tranche_perps_types::governance::{
    Action, ExecuteMsg, GovAddressesUpdate, GovConfig, GovConfigResponse, InstantiateMsg,
    PowerResponse, ProposalListResponse, ProposalResponse, ProposalStatus, QueryMsg, ReceiveMsg,
    VoteInfo, VoteListResponse,
};

const OPEN: u64 = 1;
const PASSED: u64 = 2;

// ----- state and checks -----

#[derive(Debug, PartialEq)]
struct GovState {
    config: GovConfigResponse,
    proposals: Vec<ProposalResponse>,
    ballots: Vec<Vec<VoteInfo>>,
    powers: Vec<u128>,
    total: u128,
    claims: Vec<Vec<Claim>>,
    balances: Vec<u128>,
}

fn accounts(suite: &Suite) -> Vec<Addr> {
    let g = suite.gov();
    vec![
        suite.addr("alice"),
        suite.addr("bob"),
        suite.addr("carol"),
        suite.addr("mallory"),
        suite.guardian.clone(),
        suite.operator.clone(),
        g.treasury.clone(),
        g.contract.clone(),
    ]
}

fn snapshot(suite: &Suite) -> GovState {
    let gov = suite.gov().contract.clone();
    let q = suite.app.wrap();
    let proposals: ProposalListResponse = q
        .query_wasm_smart(
            &gov,
            &QueryMsg::ListProposals {
                start_after: None,
                limit: Some(30),
            },
        )
        .unwrap();
    let ballots = proposals
        .proposals
        .iter()
        .map(|p| {
            let res: VoteListResponse = q
                .query_wasm_smart(
                    &gov,
                    &QueryMsg::ListVotes {
                        proposal_id: p.id,
                        start_after: None,
                        limit: Some(30),
                    },
                )
                .unwrap();
            res.votes
        })
        .collect();
    let accounts = accounts(suite);
    let total: PowerResponse = q
        .query_wasm_smart(&gov, &QueryMsg::TotalPower { height: None })
        .unwrap();
    GovState {
        config: suite.gov_config(),
        proposals: proposals.proposals,
        ballots,
        powers: accounts.iter().map(|a| suite.voting_power(a)).collect(),
        total: total.power.u128(),
        claims: accounts
            .iter()
            .map(|a| {
                let res: ClaimsResponse = q
                    .query_wasm_smart(
                        &gov,
                        &QueryMsg::Claims {
                            address: a.to_string(),
                        },
                    )
                    .unwrap();
                res.claims
            })
            .collect(),
        balances: accounts.iter().map(|a| suite.gov_balance(a)).collect(),
    }
}

/// Runs `step`, which must fail with exactly `expected` and change nothing.
fn refused(suite: &mut Suite, expected: GovError, step: impl FnOnce(&mut Suite) -> GovResult) {
    assert_refused(suite, snapshot, expected, step);
}

/// Runs `step`, which must fail with a serde parse error whose text holds `needle` (messages
/// that do not parse never reach governance's code, or fail in `from_json` of a hook), and
/// change nothing.
fn refused_unparsed(suite: &mut Suite, needle: &str, step: impl FnOnce(&mut Suite) -> GovResult) {
    match assert_unchanged(suite, snapshot, step) {
        GovError::Std(StdError::GenericErr { msg, .. })
        | GovError::Std(StdError::ParseErr { msg, .. }) => {
            assert!(msg.contains(needle), "{needle:?} not in {msg}")
        }
        other => panic!("expected a parse error, got {other:?}"),
    }
}

/// Any message from `sender` with `funds`.
fn raw<M: serde::Serialize + std::fmt::Debug>(
    suite: &mut Suite,
    sender: &Addr,
    msg: &M,
    funds: &[Coin],
) -> GovResult {
    let gov = suite.gov().contract.clone();
    suite
        .app
        .execute_contract(sender.clone(), gov, msg, funds)
        .map_err(into_gov_error)
}

/// Governance's own error, failing the test if the error came from anywhere else.
fn own_error(err: anyhow::Error) -> GovError {
    err.downcast::<GovError>()
        .expect("the error is governance's own")
}

fn addresses(update: GovAddressesUpdate) -> Action {
    Action::UpdateGovAddresses(update)
}

fn pause() -> Action {
    Action::SetFundPause {
        deposits: Some(true),
        withdrawals: None,
    }
}

/// 590 / 300 / 100 staked (alice has a pending claim of 10), proposal 1 open with alice's yes,
/// proposal 2 passed early and in its timelock; everyone holds collateral and another denom.
fn setup() -> Suite {
    let mut suite = Suite::builder()
        .with_underwriters(&["lp"], 1_000_000 * ONE)
        .with_governance(&VOTERS)
        .build();
    let (alice, bob, carol) = (suite.addr("alice"), suite.addr("bob"), suite.addr("carol"));
    suite.stake_each(&VOTERS);
    suite.unstake(&alice, 10 * ONE).unwrap();
    suite.next_block();
    assert_eq!(suite.propose(&alice, "open", vec![pause()]), Ok(OPEN));
    suite.vote(&alice, OPEN, Vote::Yes).unwrap();
    assert_eq!(suite.propose(&alice, "passed", vec![pause()]), Ok(PASSED));
    suite.vote(&alice, PASSED, Vote::Yes).unwrap();
    suite.vote(&carol, PASSED, Vote::Yes).unwrap();
    assert_eq!(suite.proposal(OPEN).status, ProposalStatus::Open);
    assert_eq!(suite.proposal(PASSED).status, ProposalStatus::Passed);
    let token = suite.gov().token.clone();
    for who in [
        alice,
        bob,
        carol,
        suite.addr("mallory"),
        suite.guardian.clone(),
        token,
    ] {
        suite.mint_coins(&who, vec![coin(1_000 * ONE, DENOM), coin(1_000, "uatom")]);
    }
    suite.next_block();
    suite
}

fn alice(suite: &Suite) -> Addr {
    suite.addr("alice")
}

fn stake_hook(sender: &Addr, amount: u128) -> ExecuteMsg {
    ExecuteMsg::Receive(Cw20Receive {
        sender: sender.to_string(),
        amount: Uint128::new(amount),
        msg: to_json_binary(&ReceiveMsg::Stake {}).unwrap(),
    })
}

// ----- unauthorized senders -----

#[test]
fn only_governance_itself_runs_actions_and_changes_its_config() {
    let mut suite = setup();
    let senders = [
        alice(&suite),
        suite.addr("mallory"),
        suite.guardian.clone(),
        suite.operator.clone(),
        suite.fund.clone(),
        suite.gov().token.clone(),
    ];
    for sender in &senders {
        for id in [OPEN, PASSED, 99] {
            refused(&mut suite, GovError::Unauthorized, |s| {
                s.execute_gov(sender, &ExecuteMsg::RunActions { proposal_id: id })
            });
        }
        refused(&mut suite, GovError::Unauthorized, |s| {
            s.execute_gov(sender, &ExecuteMsg::UpdateConfig(GovConfig::default()))
        });
        // Authorization comes before validation.
        let bad = GovConfig {
            max_actions: 0,
            ..GovConfig::default()
        };
        refused(&mut suite, GovError::Unauthorized, |s| {
            s.execute_gov(sender, &ExecuteMsg::UpdateConfig(bad))
        });
        // Nobody but governance moves its addresses, the guardian included (not even to
        // remove itself), and authorization comes before validation there too.
        for update in [
            GovAddressesUpdate {
                guardian: Some(sender.to_string()),
                ..Default::default()
            },
            GovAddressesUpdate {
                fund: Some(sender.to_string()),
                engine: Some(sender.to_string()),
                treasury: Some(sender.to_string()),
                ..Default::default()
            },
            GovAddressesUpdate {
                remove_guardian: Some(true),
                ..Default::default()
            },
            GovAddressesUpdate {
                treasury: Some("not-an-address".to_string()),
                ..Default::default()
            },
        ] {
            refused(&mut suite, GovError::Unauthorized, |s| {
                s.execute_gov(sender, &ExecuteMsg::UpdateAddresses(update))
            });
        }
    }
    // With funds too (these two are not payable-checked: authorization refuses first).
    let a = alice(&suite);
    refused(&mut suite, GovError::Unauthorized, |s| {
        raw(
            s,
            &a,
            &ExecuteMsg::RunActions {
                proposal_id: PASSED,
            },
            &coins(ONE, DENOM),
        )
    });
    refused(&mut suite, GovError::Unauthorized, |s| {
        raw(
            s,
            &a,
            &ExecuteMsg::UpdateConfig(GovConfig::default()),
            &coins(ONE, DENOM),
        )
    });
    refused(&mut suite, GovError::Unauthorized, |s| {
        raw(
            s,
            &a,
            &ExecuteMsg::UpdateAddresses(GovAddressesUpdate {
                treasury: Some(a.to_string()),
                ..Default::default()
            }),
            &coins(ONE, DENOM),
        )
    });
}

#[test]
fn only_the_guardian_vetoes() {
    let mut suite = setup();
    for sender in [
        alice(&suite),
        suite.addr("mallory"),
        suite.operator.clone(),
        suite.gov().contract.clone(),
    ] {
        for id in [OPEN, PASSED, 99] {
            refused(&mut suite, GovError::NotGuardian, |s| {
                s.execute_gov(&sender, &ExecuteMsg::Veto { proposal_id: id })
            });
        }
    }
    let guardian = suite.guardian.clone();
    refused(&mut suite, GovError::NotPassed { id: OPEN }, |s| {
        s.execute_gov(&guardian, &ExecuteMsg::Veto { proposal_id: OPEN })
    });
    // After the timelock it is too late.
    suite.advance(2 * 86_400);
    refused(&mut suite, GovError::VetoTooLate { id: PASSED }, |s| {
        s.execute_gov(
            &guardian,
            &ExecuteMsg::Veto {
                proposal_id: PASSED,
            },
        )
    });
}

// ----- funds attached -----

#[test]
fn no_message_takes_funds() {
    let mut suite = setup();
    let (a, guardian) = (alice(&suite), suite.guardian.clone());
    let token = suite.gov().token.clone();
    let cases: Vec<(Addr, ExecuteMsg)> = vec![
        (token.clone(), stake_hook(&a, ONE)),
        (
            a.clone(),
            ExecuteMsg::Unstake {
                amount: Uint128::new(ONE),
            },
        ),
        (a.clone(), ExecuteMsg::Claim {}),
        (
            a.clone(),
            ExecuteMsg::Propose {
                title: "paid".to_string(),
                description: String::new(),
                actions: vec![pause()],
            },
        ),
        (
            suite.addr("bob"),
            ExecuteMsg::Vote {
                proposal_id: OPEN,
                vote: Vote::No,
            },
        ),
        (
            a.clone(),
            ExecuteMsg::Execute {
                proposal_id: PASSED,
            },
        ),
        (a.clone(), ExecuteMsg::Close { proposal_id: OPEN }),
        (
            guardian,
            ExecuteMsg::Veto {
                proposal_id: PASSED,
            },
        ),
    ];
    let funds_cases = [
        coins(1, DENOM),
        coins(1, "uatom"),
        vec![coin(1, DENOM), coin(1, "uatom")],
    ];
    for (sender, msg) in &cases {
        for funds in &funds_cases {
            let bank_before = suite.balance(sender);
            refused(
                &mut suite,
                GovError::Payment(PaymentError::NonPayable {}),
                |s| raw(s, sender, msg, funds),
            );
            assert_eq!(suite.balance(sender), bank_before);
        }
    }
    let gov = suite.gov().contract.clone();
    assert_eq!(suite.balance(&gov), 0);
}

#[test]
fn instantiate_refuses_funds_bad_addresses_and_bad_settings() {
    let mut suite = setup();
    let (a, token, code_id) = (
        alice(&suite),
        suite.gov().token.clone(),
        suite.gov().code_id,
    );
    let good = InstantiateMsg {
        staking_token: token.to_string(),
        fund: None,
        engine: None,
        guardian: None,
        treasury: a.to_string(),
        config: None,
    };
    let mut instantiate = |msg: &InstantiateMsg, funds: &[Coin]| {
        suite
            .app
            .instantiate_contract(code_id, a.clone(), msg, funds, "gov", None)
            .map_err(own_error)
    };
    assert_eq!(
        instantiate(&good, &coins(1, DENOM)).unwrap_err(),
        GovError::Payment(PaymentError::NonPayable {})
    );
    for bad in ["", "not-an-address", &token.to_string().to_uppercase()] {
        for field in 0..5 {
            let mut msg = good.clone();
            match field {
                0 => msg.staking_token = bad.to_string(),
                1 => msg.fund = Some(bad.to_string()),
                2 => msg.engine = Some(bad.to_string()),
                3 => msg.guardian = Some(bad.to_string()),
                _ => msg.treasury = bad.to_string(),
            }
            assert!(
                matches!(
                    instantiate(&msg, &[]).unwrap_err(),
                    GovError::Std(StdError::GenericErr { .. })
                ),
                "field {field} accepted {bad:?}"
            );
        }
    }
    let mut msg = good.clone();
    let mut config = GovConfig::default();
    config.rules.threshold = cosmwasm_std::Decimal::percent(49);
    msg.config = Some(config);
    assert_eq!(
        instantiate(&msg, &[]).unwrap_err(),
        GovError::ParamOutOfRange {
            name: "threshold",
            value: "0.49".to_string(),
            range: "0.5 ..< 1".to_string(),
        }
    );
    // Settings that could lock governance are refused from the start too (GOV supply 1000).
    for (config, expected) in lock_configs() {
        msg.config = Some(config);
        assert_eq!(instantiate(&msg, &[]).unwrap_err(), expected);
    }
    instantiate(&good, &[]).unwrap();
}

// ----- zero and u128::MAX amounts -----

#[test]
fn zero_and_max_amounts() {
    let mut suite = setup();
    let a = alice(&suite);
    let token = suite.gov().token.clone();
    refused(&mut suite, GovError::ZeroAmount, |s| s.unstake(&a, 0));
    refused(
        &mut suite,
        GovError::InsufficientStake {
            staked: Uint128::new(590 * ONE),
            amount: Uint128::MAX,
        },
        |s| s.unstake(&a, u128::MAX),
    );
    refused(&mut suite, GovError::ZeroAmount, |s| s.stake(&a, 0));
    refused(&mut suite, GovError::ZeroAmount, |s| {
        raw(s, &token, &stake_hook(&a, 0), &[])
    });
    // A token reporting u128::MAX on top of existing stake overflows the total.
    refused(
        &mut suite,
        GovError::Overflow(OverflowError::new(OverflowOperation::Add)),
        |s| raw(s, &token, &stake_hook(&a, u128::MAX), &[]),
    );
    // A deposit of u128::MAX is not the configured deposit (zero).
    let propose_max = ExecuteMsg::Receive(Cw20Receive {
        sender: a.to_string(),
        amount: Uint128::MAX,
        msg: to_json_binary(&ReceiveMsg::Propose {
            title: "max".to_string(),
            description: String::new(),
            actions: vec![pause()],
        })
        .unwrap(),
    });
    refused(
        &mut suite,
        GovError::WrongDeposit {
            required: Uint128::zero(),
            sent: Uint128::MAX,
        },
        |s| raw(s, &token, &propose_max, &[]),
    );
    // The real token refuses to send more than alice holds, before governance is called.
    let before = snapshot(&suite);
    let err = suite
        .app
        .execute_contract(
            a.clone(),
            token,
            &Cw20ExecuteMsg::Send {
                contract: suite.gov().contract.to_string(),
                amount: Uint128::MAX,
                msg: to_json_binary(&ReceiveMsg::Stake {}).unwrap(),
            },
            &[],
        )
        .unwrap_err();
    assert!(
        matches!(
            err.downcast::<share_token::ContractError>().unwrap(),
            share_token::ContractError::Base(cw20_base::ContractError::Std(
                StdError::Overflow { .. }
            ))
        ),
        "cw20 overflow"
    );
    assert_eq!(snapshot(&suite), before);
}

// ----- unknown proposals and wrong states -----

#[test]
fn unknown_proposal_ids() {
    let mut suite = setup();
    let (a, bob, guardian) = (alice(&suite), suite.addr("bob"), suite.guardian.clone());
    for id in [0, 3, 99, u64::MAX] {
        refused(&mut suite, GovError::ProposalNotFound { id }, |s| {
            s.vote(&bob, id, Vote::Yes)
        });
        refused(&mut suite, GovError::ProposalNotFound { id }, |s| {
            s.execute_proposal(&a, id)
        });
        refused(&mut suite, GovError::ProposalNotFound { id }, |s| {
            s.execute_gov(&a, &ExecuteMsg::Close { proposal_id: id })
        });
        refused(&mut suite, GovError::ProposalNotFound { id }, |s| {
            s.execute_gov(&guardian, &ExecuteMsg::Veto { proposal_id: id })
        });
        assert!(suite
            .app
            .wrap()
            .query_wasm_smart::<ProposalResponse>(
                &suite.gov().contract,
                &QueryMsg::Proposal { proposal_id: id }
            )
            .is_err());
    }
}

#[test]
fn execute_and_vote_in_the_wrong_state() {
    let mut suite = setup();
    let (a, bob) = (alice(&suite), suite.addr("bob"));
    refused(&mut suite, GovError::NotPassed { id: OPEN }, |s| {
        s.execute_proposal(&a, OPEN)
    });
    let executable_at = suite.proposal(PASSED).executable_at.unwrap().seconds();
    refused(
        &mut suite,
        GovError::Timelocked {
            id: PASSED,
            executable_at,
        },
        |s| s.execute_proposal(&a, PASSED),
    );
    refused(&mut suite, GovError::NotOpen { id: PASSED }, |s| {
        s.vote(&bob, PASSED, Vote::No)
    });
    refused(&mut suite, GovError::AlreadyVoted { id: OPEN }, |s| {
        s.vote(&a, OPEN, Vote::No)
    });
    let mallory = suite.addr("mallory");
    let start = suite.proposal(OPEN).start_height;
    refused(&mut suite, GovError::NoVotingPower { height: start }, |s| {
        s.vote(&mallory, OPEN, Vote::Yes)
    });
    refused(&mut suite, GovError::NotClosable { id: OPEN }, |s| {
        s.execute_gov(&bob, &ExecuteMsg::Close { proposal_id: OPEN })
    });
    refused(&mut suite, GovError::NotClosable { id: PASSED }, |s| {
        s.execute_gov(
            &bob,
            &ExecuteMsg::Close {
                proposal_id: PASSED,
            },
        )
    });
    refused(&mut suite, GovError::NothingToClaim, |s| {
        s.execute_gov(&bob, &ExecuteMsg::Claim {})
    });
    refused(&mut suite, GovError::NothingToClaim, |s| {
        s.execute_gov(&a, &ExecuteMsg::Claim {})
    });
}

#[test]
fn a_proposal_with_an_out_of_range_config_action_is_refused() {
    let mut suite = setup();
    let a = alice(&suite);
    let out_of_range = |f: fn(&mut GovConfig), name, value: &str, range: &str| {
        let mut config = GovConfig::default();
        f(&mut config);
        let error = GovError::ParamOutOfRange {
            name,
            value: value.to_string(),
            range: range.to_string(),
        };
        (config, error)
    };
    for (config, expected) in [
        out_of_range(
            |c| c.unbonding_seconds = 59,
            "unbonding_seconds",
            "59",
            "60 ..= 5184000",
        ),
        out_of_range(
            |c| c.max_action_bytes = 64_001,
            "max_action_bytes",
            "64001",
            "1024 ..= 64000",
        ),
    ] {
        refused(&mut suite, expected, |s| {
            s.propose(&a, "bad", vec![pause(), Action::UpdateGovConfig(config)])
                .map(|_| Default::default())
        });
    }
    // Both ends of the action size range are accepted.
    for max_action_bytes in [1_024, 64_000] {
        let config = GovConfig {
            max_action_bytes,
            ..GovConfig::default()
        };
        suite
            .propose(&a, "edge", vec![Action::UpdateGovConfig(config)])
            .unwrap();
    }
}

/// Settings under which governance could never change anything again, each with its error
/// (the GOV supply is 1000, so the largest deposit is 100).
fn lock_configs() -> Vec<(GovConfig, GovError)> {
    let with = |f: fn(&mut GovConfig)| {
        let mut config = GovConfig::default();
        f(&mut config);
        config
    };
    vec![
        // Passing needs yes strictly above the threshold: at 1 not even a unanimous yes
        // passes, nor the proposal that would undo it.
        (
            with(|c| c.rules.threshold = Decimal::one()),
            GovError::ParamOutOfRange {
                name: "threshold",
                value: "1".to_string(),
                range: "0.5 ..< 1".to_string(),
            },
        ),
        // Any one staker who does not vote would block every proposal.
        (
            with(|c| c.rules.quorum = Decimal::one()),
            GovError::ParamOutOfRange {
                name: "quorum",
                value: "1".to_string(),
                range: "0.01 ..< 1".to_string(),
            },
        ),
        (
            with(|c| c.rules.veto_threshold = Decimal::zero()),
            GovError::ParamOutOfRange {
                name: "veto_threshold",
                value: "0".to_string(),
                range: "0.01 ..= 1".to_string(),
            },
        ),
        // A cap below the largest settings change could keep the DAO from raising it again.
        (
            with(|c| c.max_action_bytes = 1_023),
            GovError::ParamOutOfRange {
                name: "max_action_bytes",
                value: "1023".to_string(),
                range: "1024 ..= 64000".to_string(),
            },
        ),
        // Nobody might hold enough to propose (the fix included).
        (
            with(|c| c.proposal_deposit = Uint128::new(100 * ONE + 1)),
            GovError::DepositTooLarge {
                deposit: Uint128::new(100 * ONE + 1),
                max: Uint128::new(100 * ONE),
            },
        ),
    ]
}

#[test]
fn a_config_action_that_could_lock_governance_is_refused_at_proposal_time() {
    let mut suite = setup();
    let a = alice(&suite);
    for (config, expected) in lock_configs() {
        refused(&mut suite, expected, |s| {
            s.propose(&a, "lock", vec![Action::UpdateGovConfig(config)])
                .map(|_| Default::default())
        });
    }
    // The bounds themselves are accepted.
    let mut edge = GovConfig::default();
    edge.rules.threshold = Decimal::raw(999_999_999_999_999_999);
    edge.rules.quorum = Decimal::raw(999_999_999_999_999_999);
    edge.rules.veto_threshold = Decimal::one();
    edge.proposal_deposit = Uint128::new(100 * ONE);
    suite
        .propose(&a, "edge", vec![Action::UpdateGovConfig(edge)])
        .unwrap();
}

/// Every address inside a typed action is checked when the action is proposed (not days later
/// as a failed execution): exact error naming the action and field, nothing changes.
#[test]
fn bad_addresses_inside_actions_are_refused_at_proposal_time() {
    let mut suite = setup();
    let a = alice(&suite);
    let good = suite.addr("someone").to_string();
    let upper = good.to_uppercase();
    for bad in ["", "not-an-address", upper.as_str()] {
        let bad = bad.to_string();
        let transfer = GovernorAction::TransferOwnership {
            new_owner: bad.clone(),
            expiry: None,
        };
        let cases = [
            (
                Action::UpdateFundConfig {
                    engine: Some(bad.clone()),
                    guardian: None,
                },
                "engine",
            ),
            (
                Action::UpdateFundConfig {
                    engine: None,
                    guardian: Some(bad.clone()),
                },
                "guardian",
            ),
            (
                Action::SetFeeders {
                    market: "ETH-USD".to_string(),
                    feeders: vec![good.clone(), bad.clone()],
                },
                "feeders",
            ),
            (
                Action::AddMarket(NewMarket {
                    id: "SOL-USD".to_string(),
                    base_reserve: Uint128::new(1_000_000),
                    quote_reserve: Uint128::new(1_000_000),
                    feeders: vec![bad.clone()],
                    params: default_market_params(),
                }),
                "feeders",
            ),
            (Action::FundOwnership(transfer.clone()), "new_owner"),
            (Action::EngineOwnership(transfer), "new_owner"),
            (
                addresses(GovAddressesUpdate {
                    fund: Some(bad.clone()),
                    ..Default::default()
                }),
                "fund",
            ),
            (
                addresses(GovAddressesUpdate {
                    engine: Some(bad.clone()),
                    ..Default::default()
                }),
                "engine",
            ),
            (
                addresses(GovAddressesUpdate {
                    guardian: Some(bad.clone()),
                    ..Default::default()
                }),
                "guardian",
            ),
            (
                addresses(GovAddressesUpdate {
                    fund: Some(good.clone()),
                    treasury: Some(bad.clone()),
                    ..Default::default()
                }),
                "treasury",
            ),
        ];
        for (action, field) in cases {
            // A valid action first: the error names the bad one's index.
            refused(
                &mut suite,
                GovError::BadActionAddress {
                    index: 1,
                    field,
                    address: bad.clone(),
                },
                |s| {
                    s.propose(&a, "bad address", vec![pause(), action])
                        .map(|_| Default::default())
                },
            );
        }
    }
}

/// An address change that changes nothing, sets and removes the guardian at once, or changes
/// the guardian together with anything else (which the guardian could then not veto) is
/// refused when proposed, naming the action.
#[test]
fn empty_conflicting_or_bundled_address_changes_are_refused_at_proposal_time() {
    let mut suite = setup();
    let a = alice(&suite);
    let other = suite.addr("other").to_string();
    let guardian = || {
        addresses(GovAddressesUpdate {
            guardian: Some(suite.addr("new-guardian").to_string()),
            ..Default::default()
        })
    };
    let remove = GovAddressesUpdate {
        remove_guardian: Some(true),
        ..Default::default()
    };
    let cases = vec![
        (
            vec![pause(), addresses(GovAddressesUpdate::default())],
            GovError::NothingToUpdate { index: 1 },
        ),
        (
            vec![addresses(GovAddressesUpdate {
                remove_guardian: Some(false),
                ..Default::default()
            })],
            GovError::NothingToUpdate { index: 0 },
        ),
        (
            vec![addresses(GovAddressesUpdate {
                guardian: Some(other.clone()),
                remove_guardian: Some(true),
                ..Default::default()
            })],
            GovError::ConflictingGuardianUpdate,
        ),
        (
            vec![pause(), guardian()],
            GovError::GuardianChangeNotAlone { index: 1 },
        ),
        (
            vec![guardian(), pause()],
            GovError::GuardianChangeNotAlone { index: 0 },
        ),
        (
            vec![addresses(remove.clone()), addresses(remove.clone())],
            GovError::GuardianChangeNotAlone { index: 0 },
        ),
        (
            vec![addresses(GovAddressesUpdate {
                guardian: Some(other.clone()),
                treasury: Some(other.clone()),
                ..Default::default()
            })],
            GovError::GuardianChangeNotAlone { index: 0 },
        ),
        (
            vec![addresses(GovAddressesUpdate {
                fund: Some(suite.fund.to_string()),
                ..remove.clone()
            })],
            GovError::GuardianChangeNotAlone { index: 0 },
        ),
        (
            vec![addresses(GovAddressesUpdate {
                engine: Some(suite.engine.to_string()),
                ..remove
            })],
            GovError::GuardianChangeNotAlone { index: 0 },
        ),
    ];
    for (actions, expected) in cases {
        refused(&mut suite, expected, |s| {
            s.propose(&a, "addresses", actions)
                .map(|_| Default::default())
        });
    }
}

/// A new fund or engine must answer its own `Config` query when proposed: an address that is
/// no contract (a typo), the GOV token, or the other target is refused, naming the action.
#[test]
fn a_new_fund_or_engine_that_does_not_answer_is_refused_at_proposal_time() {
    let mut suite = setup();
    let a = alice(&suite);
    let other = suite.addr("other").to_string();
    let (fund, engine, token) = (
        suite.fund.to_string(),
        suite.engine.to_string(),
        suite.gov().token.to_string(),
    );
    let new_fund = |address: &String| {
        addresses(GovAddressesUpdate {
            fund: Some(address.clone()),
            ..Default::default()
        })
    };
    let new_engine = |address: &String| {
        addresses(GovAddressesUpdate {
            engine: Some(address.clone()),
            ..Default::default()
        })
    };
    let not_answering = |index, target, address: &String| GovError::TargetNotAnswering {
        index,
        target,
        address: address.clone(),
    };
    let cases = vec![
        (vec![new_fund(&other)], not_answering(0, "fund", &other)),
        (vec![new_fund(&engine)], not_answering(0, "fund", &engine)),
        (vec![new_fund(&token)], not_answering(0, "fund", &token)),
        (
            vec![pause(), new_engine(&other)],
            not_answering(1, "engine", &other),
        ),
        (vec![new_engine(&fund)], not_answering(0, "engine", &fund)),
        (
            vec![addresses(GovAddressesUpdate {
                fund: Some(fund.clone()),
                engine: Some(other.clone()),
                ..Default::default()
            })],
            not_answering(0, "engine", &other),
        ),
    ];
    for (actions, expected) in cases {
        refused(&mut suite, expected, |s| {
            s.propose(&a, "addresses", actions)
                .map(|_| Default::default())
        });
    }
    // The deployed fund and engine answer.
    let id = suite
        .propose(
            &a,
            "addresses",
            vec![addresses(GovAddressesUpdate {
                fund: Some(fund),
                engine: Some(engine),
                ..Default::default()
            })],
        )
        .unwrap();
    assert_eq!(suite.proposal(id).status, ProposalStatus::Open);
}

/// The guardian's veto of a passed proposal that only replaces it is refused and changes
/// nothing (no status, no deposit, no address).
#[test]
fn the_guardian_cannot_veto_its_own_replacement() {
    let mut suite = setup();
    let (a, carol) = (alice(&suite), suite.addr("carol"));
    let guardian = suite.guardian.clone();
    let replace = GovAddressesUpdate {
        guardian: Some(suite.addr("new-guardian").to_string()),
        ..Default::default()
    };
    let remove = GovAddressesUpdate {
        remove_guardian: Some(true),
        ..Default::default()
    };
    for update in [replace, remove] {
        let id = suite
            .propose(&a, "guardian", vec![addresses(update)])
            .unwrap();
        suite.vote(&a, id, Vote::Yes).unwrap();
        suite.vote(&carol, id, Vote::Yes).unwrap();
        assert_eq!(suite.proposal(id).status, ProposalStatus::Passed);
        refused(
            &mut suite,
            GovError::GuardianChangeNotVetoable { id },
            |s| s.veto(&guardian, id),
        );
    }
}

/// Actions above `max_action_bytes` (10,000 by default) serialized are refused with their
/// size, whatever kind they are; exactly the cap is accepted.
#[test]
fn actions_above_the_size_cap_are_refused() {
    let mut suite = setup();
    let a = alice(&suite);
    let max = GovConfig::default().max_action_bytes;
    assert_eq!(max, 10_000);
    // A raw payment whose denom is padded to make the actions exactly `size` bytes.
    let payment = |size: usize| {
        let action = |denom: String| {
            vec![Action::Raw(CosmosMsg::Bank(BankMsg::Send {
                to_address: "grantee".to_string(),
                amount: vec![Coin::new(1u128, denom)],
            }))]
        };
        let base = to_json_vec(&action(String::new())).unwrap().len();
        let actions = action("d".repeat(size - base));
        assert_eq!(to_json_vec(&actions).unwrap().len(), size);
        actions
    };
    refused(
        &mut suite,
        GovError::ActionsTooLarge {
            size: u64::from(max) + 1,
            max,
        },
        |s| {
            s.propose(&a, "large", payment(max as usize + 1))
                .map(|_| Default::default())
        },
    );
    // Many small actions add up too (the size is of the whole list).
    let feeders: Vec<String> = (0..30)
        .map(|i| suite.addr(&format!("feeder-{i}")).to_string())
        .collect();
    let lists = vec![
        Action::SetFeeders {
            market: "ETH-USD".to_string(),
            feeders,
        };
        5
    ];
    let size = to_json_vec(&lists).unwrap().len() as u64;
    assert!(size > u64::from(max));
    refused(&mut suite, GovError::ActionsTooLarge { size, max }, |s| {
        s.propose(&a, "feeders", lists).map(|_| Default::default())
    });
    suite
        .propose(&a, "at the cap", payment(max as usize))
        .unwrap();
}

// ----- bad addresses -----

#[test]
fn bad_addresses_are_refused() {
    let mut suite = setup();
    let (a, token) = (alice(&suite), suite.gov().token.clone());
    let upper = a.to_string().to_uppercase();
    for bad in ["", "not-an-address", upper.as_str()] {
        let before = snapshot(&suite);
        let gov = suite.gov().contract.clone();
        let err = suite
            .app
            .execute_contract(
                token.clone(),
                gov,
                &ExecuteMsg::Receive(Cw20Receive {
                    sender: bad.to_string(),
                    amount: Uint128::new(ONE),
                    msg: to_json_binary(&ReceiveMsg::Stake {}).unwrap(),
                }),
                &[],
            )
            .unwrap_err();
        assert!(
            matches!(own_error(err), GovError::Std(StdError::GenericErr { .. })),
            "{bad:?} accepted"
        );
        assert_eq!(snapshot(&suite), before);
        // Queries refuse them too.
        let q = suite.app.wrap();
        let g = &suite.gov().contract;
        assert!(q
            .query_wasm_smart::<PowerResponse>(
                g,
                &QueryMsg::VotingPower {
                    address: bad.to_string(),
                    height: None
                }
            )
            .is_err());
        assert!(q
            .query_wasm_smart::<ClaimsResponse>(
                g,
                &QueryMsg::Claims {
                    address: bad.to_string()
                }
            )
            .is_err());
        assert!(q
            .query_wasm_smart::<VoteListResponse>(
                g,
                &QueryMsg::ListVotes {
                    proposal_id: OPEN,
                    start_after: Some(bad.to_string()),
                    limit: None
                }
            )
            .is_err());
    }
}

// ----- cw20 from an unknown token, malformed hooks -----

#[test]
fn receive_from_anyone_but_the_token_is_refused() {
    let mut suite = setup();
    let a = alice(&suite);
    for sender in [a.clone(), suite.fund.clone(), suite.junior_token.clone()] {
        refused(
            &mut suite,
            GovError::UnknownToken {
                token: sender.to_string(),
            },
            |s| raw(s, &sender, &stake_hook(&a, ONE), &[]),
        );
    }
    // A real cw20 that is not the staking token, sent with `Send`.
    let code_id = suite.cw20_code_id;
    let other = suite
        .app
        .instantiate_contract(
            code_id,
            a.clone(),
            &cw20_base::msg::InstantiateMsg {
                name: "Other".to_string(),
                symbol: "OTHER".to_string(),
                decimals: 6,
                initial_balances: vec![cw20::Cw20Coin {
                    address: a.to_string(),
                    amount: Uint128::new(ONE),
                }],
                mint: None,
                marketing: None,
            },
            &[],
            "other",
            None,
        )
        .unwrap();
    let gov = suite.gov().contract.clone();
    refused(
        &mut suite,
        GovError::UnknownToken {
            token: other.to_string(),
        },
        |s| {
            s.app
                .execute_contract(
                    a.clone(),
                    other.clone(),
                    &Cw20ExecuteMsg::Send {
                        contract: gov.to_string(),
                        amount: Uint128::new(ONE),
                        msg: to_json_binary(&ReceiveMsg::Stake {}).unwrap(),
                    },
                    &[],
                )
                .map_err(into_gov_error)
        },
    );
}

#[test]
fn malformed_hooks_are_refused_and_the_tokens_stay() {
    let mut suite = setup();
    let a = alice(&suite);
    // Everyone staked everything; alice claims the 10 she unbonded to have GOV to send.
    suite.advance(7 * 86_400);
    suite.execute_gov(&a, &ExecuteMsg::Claim {}).unwrap();
    assert_eq!(suite.gov_balance(&a), 10 * ONE);
    let cases: Vec<(&str, Binary)> = vec![
        ("Expected", Binary::from(b"not json".to_vec())),
        ("EOF", Binary::default()),
        ("unknown variant", Binary::from(br#"{"steal":{}}"#.to_vec())),
        (
            "unknown field",
            Binary::from(br#"{"stake":{"for":"someone"}}"#.to_vec()),
        ),
        (
            "missing field",
            Binary::from(br#"{"propose":{"title":"t"}}"#.to_vec()),
        ),
        (
            "unknown variant",
            to_json_binary(&json!({"propose": {"title": "t", "description": "",
                "actions": [{"mint_everything": {}}]}}))
            .unwrap(),
        ),
        (
            "unknown field",
            to_json_binary(&json!({"propose": {"title": "t", "description": "",
                "actions": [{"set_fund_pause": {"deposits": true, "withdrawals": null,
                    "extra": 1}}]}}))
            .unwrap(),
        ),
    ];
    for (needle, msg) in cases {
        refused_unparsed(&mut suite, needle, |s| s.send_gov_hook(&a, ONE, msg));
        assert_eq!(suite.gov_balance(&a), 10 * ONE);
    }
}

// ----- unknown JSON fields -----

#[test]
fn unknown_fields_are_refused_in_every_message() {
    let mut suite = setup();
    let a = alice(&suite);
    let (token, guardian) = (suite.gov().token.clone(), suite.guardian.clone());
    let gov_self = suite.gov().contract.clone();
    let config = serde_json::to_value(GovConfig::default()).unwrap();
    let mut config_extra = config.clone();
    config_extra["extra"] = json!(1);
    let mut rules_extra = config.clone();
    rules_extra["rules"]["extra"] = json!(1);
    let hook = to_json_binary(&ReceiveMsg::Stake {}).unwrap();
    let cases: Vec<(Addr, serde_json::Value)> = vec![
        (
            token,
            json!({"receive": {"sender": a.to_string(), "amount": "1", "msg": hook, "extra": 1}}),
        ),
        (a.clone(), json!({"unstake": {"amount": "1", "extra": 1}})),
        (a.clone(), json!({"claim": {"extra": 1}})),
        (
            a.clone(),
            json!({"propose": {"title": "t", "description": "", "actions": [], "extra": 1}}),
        ),
        (
            suite.addr("bob"),
            json!({"vote": {"proposal_id": OPEN, "vote": "yes", "extra": 1}}),
        ),
        (
            a.clone(),
            json!({"execute": {"proposal_id": PASSED, "extra": 1}}),
        ),
        (
            a.clone(),
            json!({"close": {"proposal_id": OPEN, "extra": 1}}),
        ),
        (
            guardian,
            json!({"veto": {"proposal_id": PASSED, "extra": 1}}),
        ),
        (
            gov_self.clone(),
            json!({"run_actions": {"proposal_id": PASSED, "extra": 1}}),
        ),
        (gov_self.clone(), json!({"update_config": config_extra})),
        (gov_self.clone(), json!({"update_config": rules_extra})),
        (
            gov_self,
            json!({"update_addresses": {"treasury": a.to_string(), "extra": 1}}),
        ),
    ];
    for (sender, msg) in cases {
        refused_unparsed(&mut suite, "unknown field", |s| raw(s, &sender, &msg, &[]));
    }
    // Unknown variants and wrong vote options.
    let bob = suite.addr("bob");
    refused_unparsed(&mut suite, "unknown variant", |s| {
        raw(s, &bob, &json!({"mint": {"amount": "1"}}), &[])
    });
    refused_unparsed(&mut suite, "unknown variant", |s| {
        raw(
            s,
            &bob,
            &json!({"vote": {"proposal_id": OPEN, "vote": "maybe"}}),
            &[],
        )
    });
    refused_unparsed(&mut suite, "invalid", |s| {
        raw(s, &bob, &json!({"unstake": {"amount": "-1"}}), &[])
    });
}

/// A proposal renouncing the fund's or the engine's governor role is refused when proposed
/// (`RenounceNotOffered`, naming the action), not days later as a failed execution: neither
/// contract offers renouncing. Nothing changes.
#[test]
fn renouncing_a_governor_role_is_refused_at_proposal_time() {
    let mut suite = setup();
    let a = alice(&suite);
    for action in [
        Action::FundOwnership(GovernorAction::RenounceOwnership),
        Action::EngineOwnership(GovernorAction::RenounceOwnership),
    ] {
        refused(&mut suite, GovError::RenounceNotOffered { index: 1 }, |s| {
            s.propose(&a, "renounce", vec![pause(), action])
                .map(|_| Default::default())
        });
    }
}
