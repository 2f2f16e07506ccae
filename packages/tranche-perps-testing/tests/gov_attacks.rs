//! Governance against adversarial DAO members: risk-raising changes that used to wait only the
//! ordinary 2-day timelock now wait the fund's 9-day exit window (default-deny against the
//! reviewed list `governance::risk::SAFE_CHANGES`), also when chained behind a shorter
//! timelock or a shorter cooldown; a fund share token is refused as staking token; and an
//! account without stake cannot propose.

use cosmwasm_std::{Decimal, Uint128};
use cw_multi_test::Executor;
use governance::risk::{safe_way, SafeWay, SAFE_CHANGES};
use governance::ContractError as GovError;
use tranche_perps_testing::gov::{Dao, EXIT, TIMELOCK, VOTERS};
use tranche_perps_testing::perp::default_market_params;
use tranche_perps_testing::time::{DAY, MINUTE};
use tranche_perps_testing::{Suite, ONE};
use tranche_perps_types::engine::{EnginePause, FeeConfig, MarketParams, NewMarket};
use tranche_perps_types::fund::{
    DepositCap, FundParams, FundParamsUpdate, GovernorAction, Tranche,
};
use tranche_perps_types::governance::{Action, GovConfig, InstantiateMsg};

const ETH: &str = "ETH-USD";

fn dao() -> Dao {
    let suite = Suite::builder()
        .with_underwriters(&["lp"], 1_000_000 * ONE)
        .with_staked_governance(&VOTERS)
        .build();
    let mut dao = Dao::new(suite);
    let feeders = dao.suite.feeder_strings();
    dao.enact(vec![Action::AddMarket(NewMarket {
        id: ETH.to_string(),
        base_reserve: Uint128::new(1_000_000_000_000),
        quote_reserve: Uint128::new(2_000_000_000_000_000),
        feeders,
        params: default_market_params(),
    })]);
    dao
}

fn market(f: impl Fn(&mut MarketParams)) -> Action {
    let mut params = default_market_params();
    f(&mut params);
    Action::UpdateMarket {
        market: ETH.to_string(),
        params,
    }
}

fn fund_params(update: FundParamsUpdate) -> Action {
    Action::UpdateFundParams(update)
}

fn keeper_share_zero() -> Action {
    market(|p| p.keeper_share = Decimal::zero())
}

/// Each attack that executed 2 days after passing now waits 9.
#[test]
fn each_attack_that_waited_2_days_now_waits_the_9_day_exit_window() {
    let mut dao = dao();
    let attacks = vec![
        (
            "fund fee share 0",
            Action::UpdateEngineFees(FeeConfig {
                fund_share_max: Decimal::zero(),
                fund_share_min: Decimal::zero(),
                sweep_threshold: Uint128::zero(),
            }),
        ),
        ("keeper_share 0", keeper_share_zero()),
        (
            "oracle max age 5 s",
            market(|p| p.oracle_max_age_seconds = 5),
        ),
        (
            "liquidations paused",
            Action::SetEnginePause(EnginePause {
                liquidation: true,
                ..Default::default()
            }),
        ),
        (
            "target coverage 1 bp",
            fund_params(FundParamsUpdate {
                target_coverage_bps: Some(1),
                ..Default::default()
            }),
        ),
        (
            "weights 1/100",
            fund_params(FundParamsUpdate {
                junior_weight: Some(1),
                senior_weight: Some(100),
                ..Default::default()
            }),
        ),
        ("taker fee 0", market(|p| p.taker_fee = Decimal::zero())),
        (
            "funding factor 0",
            market(|p| p.funding_factor = Decimal::zero()),
        ),
        (
            "funding extremes",
            market(|p| {
                p.funding_factor = Decimal::percent(10_000);
                p.max_funding_rate = Decimal::percent(100);
                p.funding_interval_seconds = 1;
            }),
        ),
        (
            "governance timelock 0",
            Action::UpdateGovConfig({
                let mut c = GovConfig::default();
                c.rules.timelock_seconds = 0;
                c
            }),
        ),
    ];
    for (name, action) in attacks {
        assert_eq!(dao.timelock_of(vec![action]), EXIT, "{name}");
    }
    // Played out: keeper_share 0 is refused 2 days after passing, runs at 9.
    let id = dao.propose(vec![keeper_share_zero()]);
    let passed = dao.pass(id);
    dao.suite.advance(TIMELOCK);
    let timelocked = GovError::Timelocked {
        id,
        executable_at: passed.seconds() + EXIT,
    };
    assert_eq!(dao.execute(id).unwrap_err(), timelocked);
    dao.suite.advance(EXIT - TIMELOCK - 1);
    assert_eq!(dao.execute(id).unwrap_err(), timelocked);
    dao.suite.advance(1);
    dao.execute(id).unwrap();
}

/// Timelock 0 first, then a risky change: the first waits 9 days itself, and the second,
/// made after it executed (timelock 0), still waits the 9-day exit window.
#[test]
fn a_timelock_0_chain_still_waits_the_exit_window() {
    let mut dao = dao();
    let mut zero = GovConfig::default();
    zero.rules.timelock_seconds = 0;
    let first = dao.propose(vec![Action::UpdateGovConfig(zero)]);
    // Made before the first executes: holds the default rules, and is risky anyway.
    let early = dao.propose(vec![keeper_share_zero()]);
    let passed_first = dao.pass(first);
    dao.pass(early);
    dao.suite.advance(TIMELOCK);
    assert_eq!(
        dao.execute(first).unwrap_err(),
        GovError::Timelocked {
            id: first,
            executable_at: passed_first.seconds() + EXIT,
        }
    );
    dao.suite.advance(EXIT - TIMELOCK);
    dao.execute(first).unwrap();
    assert_eq!(dao.suite.gov_config().config.rules.timelock_seconds, 0);
    let second = dao.propose(vec![market(|p| p.oracle_max_age_seconds = 5)]);
    assert_eq!(dao.suite.proposal(second).timelock_seconds, EXIT);
    let passed = dao.pass(second);
    assert_eq!(
        dao.execute(second).unwrap_err(),
        GovError::Timelocked {
            id: second,
            executable_at: passed.seconds() + EXIT,
        }
    );
    // A change on the safe list runs at once under timelock 0.
    let safe = dao.propose(vec![Action::SetFundPause {
        deposits: Some(true),
        withdrawals: None,
    }]);
    dao.pass(safe);
    dao.execute(safe).unwrap();
}

/// A cooldown cut to 1 minute (itself risky, 9 days) does not shorten a risky proposal made
/// before it executed: that one is held to the 9-day exit window seen when it was made, not
/// to the 2 days + 1 minute after the cut. One made after the cut waits the new window.
#[test]
fn a_cooldown_cut_first_does_not_shorten_a_risky_proposal_made_before_it() {
    let mut dao = dao();
    let cut = dao.propose(vec![fund_params(FundParamsUpdate {
        cooldown_seconds: Some(MINUTE),
        ..Default::default()
    })]);
    assert_eq!(dao.suite.proposal(cut).timelock_seconds, EXIT);
    let risky = dao.propose(vec![keeper_share_zero()]);
    // Safe when made (the market's own taker fee raised) ...
    let flips = dao.propose(vec![market(|p| p.taker_fee = Decimal::permille(2))]);
    assert_eq!(dao.suite.proposal(flips).timelock_seconds, TIMELOCK);
    dao.pass(cut);
    let passed = dao.pass(risky);
    dao.pass(flips);
    dao.suite.advance(EXIT);
    dao.execute(cut).unwrap();
    // ... and risky once another raises the taker fee above it.
    dao.enact(vec![market(|p| p.taker_fee = Decimal::permille(3))]);
    for id in [risky, flips] {
        assert_eq!(
            dao.suite.proposal(id).executable_at,
            Some(passed.plus_seconds(EXIT)),
            "{id}"
        );
    }
    let after = dao.propose(vec![keeper_share_zero()]);
    assert_eq!(dao.suite.proposal(after).timelock_seconds, 2 * DAY + MINUTE);
}

/// One field of a typed action moved one way.
struct Case {
    action: &'static str,
    field: &'static str,
    raise: bool,
    proposal: Action,
}

fn expected(case: &Case) -> u64 {
    let way = safe_way(case.action, case.field);
    let safe = match way {
        Some(SafeWay::Always) => true,
        Some(SafeWay::Raise) => case.raise,
        Some(SafeWay::Lower) => !case.raise,
        None => false,
    };
    if safe {
        TIMELOCK
    } else {
        EXIT
    }
}

fn up_down<T: Clone>(v: T, up: impl Fn(&T) -> T, down: impl Fn(&T) -> T) -> [(bool, T); 2] {
    [(true, up(&v)), (false, down(&v))]
}

/// Every typed action, each field both ways, against the reviewed list: a listed direction
/// waits 2 days, everything else 9.
#[test]
fn every_typed_action_both_ways_waits_what_the_reviewed_list_says() {
    let mut dao = dao();
    let fund = FundParams::default();
    let d = |x: Decimal| x + Decimal::permille(1);
    let e = |x: Decimal| x - Decimal::permille(1);
    let mut cases: Vec<Case> = vec![];
    macro_rules! fund_field {
        ($name:ident, $v:expr, $up:expr, $down:expr) => {
            for (raise, v) in up_down($v, $up, $down) {
                cases.push(Case {
                    action: "UpdateFundParams",
                    field: stringify!($name),
                    raise,
                    proposal: fund_params(FundParamsUpdate {
                        $name: Some(v),
                        ..Default::default()
                    }),
                });
            }
        };
    }
    fund_field!(cooldown_seconds, fund.cooldown_seconds, |v| v + 1, |v| v
        - 1);
    fund_field!(
        claim_window_seconds,
        fund.claim_window_seconds,
        |v| v + 1,
        |v| v - 1
    );
    fund_field!(junior_weight, fund.junior_weight, |v| v + 1, |v| v - 1);
    fund_field!(senior_weight, fund.senior_weight, |v| v + 1, |v| v - 1);
    fund_field!(min_junior_ratio, fund.min_junior_ratio, |v| d(*v), |v| e(
        *v
    ));
    fund_field!(max_payout_bps, fund.max_payout_bps, |v| v + 1, |v| v - 1);
    fund_field!(
        payout_window_seconds,
        fund.payout_window_seconds,
        |v| v + 1,
        |v| v - 1
    );
    fund_field!(
        target_coverage_bps,
        fund.target_coverage_bps,
        |v| v + 1,
        |v| v - 1
    );
    fund_field!(
        min_remaining,
        fund.min_remaining,
        |v| v + Uint128::one(),
        |v| v - Uint128::one()
    );
    fund_field!(
        premium_unlock_seconds,
        fund.premium_unlock_seconds,
        |v| v + 1,
        |v| v - 1
    );
    // Caps start unlimited: lowering is any limit; raising from a limit is tested below.
    fund_field!(
        junior_deposit_cap,
        DepositCap::Unlimited,
        |_| DepositCap::Unlimited,
        |_| DepositCap::Limit(Uint128::new(1))
    );
    fund_field!(
        senior_deposit_cap,
        DepositCap::Unlimited,
        |_| DepositCap::Unlimited,
        |_| DepositCap::Limit(Uint128::new(1))
    );
    for (field, raise) in [
        ("deposits", true),
        ("deposits", false),
        ("withdrawals", true),
        ("withdrawals", false),
    ] {
        let (deposits, withdrawals) = if field == "deposits" {
            (Some(raise), None)
        } else {
            (None, Some(raise))
        };
        cases.push(Case {
            action: "SetFundPause",
            field,
            raise,
            proposal: Action::SetFundPause {
                deposits,
                withdrawals,
            },
        });
    }
    let m = default_market_params();
    macro_rules! market_field {
        ($name:ident, $up:expr, $down:expr) => {
            for (raise, v) in up_down(m.$name.clone(), $up, $down) {
                cases.push(Case {
                    action: "UpdateMarket",
                    field: stringify!($name),
                    raise,
                    proposal: market(|p| p.$name = v.clone()),
                });
            }
        };
    }
    market_field!(initial_margin_ratio, |v| d(*v), |v| e(*v));
    market_field!(maintenance_margin_ratio, |v| d(*v), |v| e(*v));
    market_field!(taker_fee, |v| d(*v), |v| e(*v));
    market_field!(liquidation_fee, |v| d(*v), |v| e(*v));
    market_field!(keeper_share, |v| d(*v), |v| e(*v));
    market_field!(min_notional, |v| v + Uint128::one(), |v| v - Uint128::one());
    market_field!(max_long_oi, |v| v + Uint128::one(), |v| v - Uint128::one());
    market_field!(max_short_oi, |v| v + Uint128::one(), |v| v - Uint128::one());
    market_field!(max_spread, |v| d(*v), |v| e(*v));
    market_field!(funding_factor, |v| d(*v), |v| e(*v));
    market_field!(max_funding_rate, |v| d(*v), |v| e(*v));
    market_field!(funding_interval_seconds, |v| v + 1, |v| v - 1);
    market_field!(oracle_max_age_seconds, |v| v + 1, |v| v - 1);
    market_field!(liquidation_depth, |v| d(*v), |v| *v * Decimal::percent(50));
    market_field!(min_keeper_reward, |v| v + Uint128::one(), |v| v
        - Uint128::one());
    market_field!(min_feeders, |v| v + 1, |v| v - 1);
    market_field!(max_index_move, |_| None, |v| v.map(e));
    market_field!(
        min_price,
        |v| *v + cosmwasm_std::Decimal256::permille(1),
        |v| *v / cosmwasm_std::Decimal256::from_ratio(2u128, 1u128)
    );
    market_field!(max_price, |v| *v + cosmwasm_std::Decimal256::one(), |v| *v
        - cosmwasm_std::Decimal256::one());
    market_field!(shock_move, |v| d(*v), |v| e(*v));
    market_field!(shock_window_seconds, |v| v + 1, |v| v - 1);
    market_field!(shock_pause_seconds, |v| v + 1, |v| v - 1);
    for field in ["new_positions", "margin_removal", "liquidation", "halted"] {
        // From all off: switching on; and back off from on is checked below.
        let mut pause = EnginePause::default();
        match field {
            "new_positions" => pause.new_positions = true,
            "margin_removal" => pause.margin_removal = true,
            "liquidation" => pause.liquidation = true,
            _ => pause.halted = true,
        }
        cases.push(Case {
            action: "SetEnginePause",
            field,
            raise: true,
            proposal: Action::SetEnginePause(pause),
        });
    }
    let fees = FeeConfig::default();
    for (field, raise) in [
        ("fund_share_max", true),
        ("fund_share_max", false),
        ("fund_share_min", true),
        ("fund_share_min", false),
        ("sweep_threshold", true),
    ] {
        let mut f = fees.clone();
        let step = |x: Decimal| if raise { d(x) } else { e(x) };
        match field {
            "fund_share_max" => f.fund_share_max = step(f.fund_share_max),
            "fund_share_min" => f.fund_share_min = step(f.fund_share_min),
            _ => f.sweep_threshold = Uint128::one(),
        }
        cases.push(Case {
            action: "UpdateEngineFees",
            field,
            raise,
            proposal: Action::UpdateEngineFees(f),
        });
    }
    let other = dao.suite.addr("other").to_string();
    let transfer = GovernorAction::TransferOwnership {
        new_owner: other.clone(),
        expiry: None,
    };
    for (action, field, proposal) in [
        (
            "FundOwnership",
            "AcceptOwnership",
            Action::FundOwnership(GovernorAction::AcceptOwnership),
        ),
        (
            "EngineOwnership",
            "AcceptOwnership",
            Action::EngineOwnership(GovernorAction::AcceptOwnership),
        ),
        (
            "FundOwnership",
            "TransferOwnership",
            Action::FundOwnership(transfer.clone()),
        ),
        (
            "EngineOwnership",
            "TransferOwnership",
            Action::EngineOwnership(transfer),
        ),
        (
            "UpdateFundConfig",
            "guardian",
            Action::UpdateFundConfig {
                engine: None,
                guardian: Some(other.clone()),
            },
        ),
        (
            "UpdateFundConfig",
            "engine",
            Action::UpdateFundConfig {
                engine: Some(dao.suite.engine.to_string()),
                guardian: None,
            },
        ),
        (
            "UpdateShareTokenMarketing",
            "",
            Action::UpdateShareTokenMarketing {
                tranche: Tranche::Junior,
                project: Some("Junior cover".to_string()),
                description: None,
                logo: None,
            },
        ),
        (
            "SetFeeders",
            "",
            Action::SetFeeders {
                market: ETH.to_string(),
                feeders: vec![other.clone()],
            },
        ),
        (
            "Raw",
            "",
            Action::Raw(cosmwasm_std::CosmosMsg::Bank(cosmwasm_std::BankMsg::Send {
                to_address: other.clone(),
                amount: cosmwasm_std::coins(1, "ugov"),
            })),
        ),
        (
            "UpdateGovAddresses",
            "treasury",
            Action::UpdateGovAddresses(tranche_perps_types::governance::GovAddressesUpdate {
                treasury: Some(other.clone()),
                ..Default::default()
            }),
        ),
    ] {
        cases.push(Case {
            action,
            field,
            raise: true,
            proposal,
        });
    }
    let mut gov = GovConfig::default();
    gov.rules.timelock_seconds += 1;
    cases.push(Case {
        action: "UpdateGovConfig",
        field: "timelock_seconds",
        raise: true,
        proposal: Action::UpdateGovConfig(gov),
    });
    let gov = GovConfig {
        min_proposer_share: Decimal::percent(1),
        ..GovConfig::default()
    };
    cases.push(Case {
        action: "UpdateGovConfig",
        field: "min_proposer_share",
        raise: true,
        proposal: Action::UpdateGovConfig(gov),
    });

    // Every variant of `Action` is covered (a new one fails to compile here).
    for case in &cases {
        match &case.proposal {
            Action::UpdateFundParams(_)
            | Action::SetFundPause { .. }
            | Action::UpdateFundConfig { .. }
            | Action::UpdateShareTokenMarketing { .. }
            | Action::AddMarket(_)
            | Action::UpdateMarket { .. }
            | Action::SetFeeders { .. }
            | Action::SetEnginePause(_)
            | Action::UpdateEngineFees(_)
            | Action::FundOwnership(_)
            | Action::EngineOwnership(_)
            | Action::UpdateGovConfig(_)
            | Action::UpdateGovAddresses(_)
            | Action::Raw(_) => {}
        }
    }
    // Unlimited caps cannot go up; that direction is played from a limit below.
    cases.retain(|c| !(c.field.ends_with("deposit_cap") && c.raise));
    let mut exercised: Vec<(&str, &str)> = vec![];
    for case in &cases {
        assert_eq!(
            dao.timelock_of(vec![case.proposal.clone()]),
            expected(case),
            "{} {} {}",
            case.action,
            case.field,
            if case.raise { "up" } else { "down" }
        );
        if expected(case) == TIMELOCK {
            exercised.push((case.action, case.field));
        }
    }
    // AddMarket is risky too (the ETH market of `dao()` waited the exit window).
    assert_eq!(safe_way("AddMarket", ""), None);

    // Switching engine pauses back off, from on: new positions and margin removal risky,
    // liquidations and a halt safe.
    let all_on = EnginePause {
        new_positions: true,
        margin_removal: true,
        liquidation: true,
        halted: true,
    };
    dao.enact(vec![Action::SetEnginePause(all_on)]);
    for (field, pause) in [
        (
            "new_positions",
            EnginePause {
                new_positions: false,
                ..all_on
            },
        ),
        (
            "margin_removal",
            EnginePause {
                margin_removal: false,
                ..all_on
            },
        ),
        (
            "liquidation",
            EnginePause {
                liquidation: false,
                ..all_on
            },
        ),
        (
            "halted",
            EnginePause {
                halted: false,
                ..all_on
            },
        ),
    ] {
        let case = Case {
            action: "SetEnginePause",
            field,
            raise: false,
            proposal: Action::SetEnginePause(pause),
        };
        assert_eq!(
            dao.timelock_of(vec![case.proposal.clone()]),
            expected(&case),
            "{field} off"
        );
        if expected(&case) == TIMELOCK {
            exercised.push((case.action, case.field));
        }
    }
    // Raising a limited deposit cap is risky, lowering it safe.
    dao.enact(vec![fund_params(FundParamsUpdate {
        junior_deposit_cap: Some(DepositCap::Limit(Uint128::new(100))),
        ..Default::default()
    })]);
    for (raise, cap) in [(true, 101u128), (false, 99)] {
        let case = Case {
            action: "UpdateFundParams",
            field: "junior_deposit_cap",
            raise,
            proposal: fund_params(FundParamsUpdate {
                junior_deposit_cap: Some(DepositCap::Limit(Uint128::new(cap))),
                ..Default::default()
            }),
        };
        assert_eq!(
            dao.timelock_of(vec![case.proposal.clone()]),
            expected(&case),
            "cap {cap}"
        );
    }
    // Every entry of the list was exercised in its safe direction.
    for entry in SAFE_CHANGES {
        assert!(
            exercised.contains(&(entry.action, entry.field)),
            "{entry:?} is not exercised"
        );
    }
}

/// Junior wiped down to `min_remaining` (1,000 base units) by a shortfall; a 10 USDC deposit
/// then mints over 99.99% of junior shares. A governance staking junior shares is refused at
/// instantiation, with the fund configured or not.
#[test]
fn a_junior_share_bought_cheaply_after_a_wipe_is_refused_as_staking_token() {
    let mut suite = Suite::builder()
        .with_params(FundParams {
            max_payout_bps: 10_000,
            ..Default::default()
        })
        .with_underwriters(&["lp", "attacker"], 1_000_000 * ONE)
        .with_governance(&VOTERS)
        // The shortfall is paid to the engine's address outside the engine's books.
        .without_sanity()
        .build();
    let (lp, attacker) = (suite.addr("lp"), suite.addr("attacker"));
    suite.deposit(&lp, Tranche::Junior, 1_000 * ONE).unwrap();
    suite.cover_shortfall(1, 1_000 * ONE).unwrap();
    assert_eq!(suite.state().junior.assets, Uint128::new(1_000));
    let before = suite.share_supply(Tranche::Junior);
    suite.deposit(&attacker, Tranche::Junior, 10 * ONE).unwrap();
    let bought = suite.shares(Tranche::Junior, &attacker);
    // 9,990,010 shares to the earlier holders' 1,000 (in millions): 99.99% of the vote.
    assert!(
        bought * 10_000 > 9_998 * (bought + before),
        "{bought} vs {before}"
    );

    let junior = suite.token(Tranche::Junior).clone();
    let code_id = suite.gov().code_id;
    for fund in [Some(suite.fund.to_string()), None] {
        let msg = InstantiateMsg {
            staking_token: junior.to_string(),
            fund: fund.clone(),
            engine: None,
            guardian: None,
            treasury: attacker.to_string(),
            config: None,
        };
        let err = suite
            .app
            .instantiate_contract(code_id, attacker.clone(), &msg, &[], "gov", None)
            .unwrap_err();
        assert_eq!(
            err.downcast::<GovError>().unwrap(),
            GovError::StakingTokenIsFundShare {
                token: junior.to_string(),
                fund: suite.fund.to_string(),
            },
            "{fund:?}"
        );
    }
}

/// An account with no stake (default deposit 0) cannot propose; carol with 100 of 1,000 can.
#[test]
fn an_account_without_stake_cannot_propose() {
    let mut dao = dao();
    let nobody = dao.suite.addr("nobody");
    let pause = Action::SetFundPause {
        deposits: Some(true),
        withdrawals: None,
    };
    assert_eq!(
        dao.suite
            .propose(&nobody, "spam", vec![pause.clone()])
            .unwrap_err(),
        GovError::ProposerPowerTooLow {
            power: Uint128::zero(),
            // 0.1% of 1,000 GOV.
            required: Uint128::new(ONE),
        }
    );
    dao.suite
        .propose(&dao.carol.clone(), "pause", vec![pause])
        .unwrap();
}
