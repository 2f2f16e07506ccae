//! The suite's end-to-end user journey, played on a [`Suite`]. The `scenario` binary prints it;
//! `tests/scenario.rs` pins every figure to values computed independently
//! (`docs/fund.md#worked-example`).

use cosmwasm_std::Uint128;
use tranche_perps_types::fund::{FundStateResponse, LossRecord, SimulateLossResponse, Tranche};

use crate::{Suite, SuiteResult, ONE};

/// What one step of the journey did, for printing.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Line {
    /// Who acted.
    pub actor: &'static str,
    /// What they did.
    pub action: String,
    /// The figure that came back (shares minted, amount paid, ...).
    pub result: String,
}

/// Figures of the fund's part of the journey.
#[derive(Clone, Debug, serde::Serialize)]
pub struct FundJourney {
    /// Steps in order.
    pub lines: Vec<Line>,
    /// Junior shares minted to alice.
    pub alice_shares: u128,
    /// Senior shares minted to bob.
    pub bob_shares: u128,
    /// Junior shares minted to carol after the premium.
    pub carol_shares: u128,
    /// State after the premium.
    pub after_premium: FundStateResponse,
    /// The what-if answer just before the loss.
    pub simulated: SimulateLossResponse,
    /// The loss ledger entry of the shortfall.
    pub loss: LossRecord,
    /// State after the loss.
    pub after_loss: FundStateResponse,
    /// What bob's claim paid.
    pub bob_payout: u128,
    /// State at the end.
    pub end: FundStateResponse,
}

fn usdc(base_units: u128) -> String {
    format!("{}.{:06} USDC", base_units / ONE, base_units % ONE)
}

fn shares(units: u128) -> String {
    format!(
        "{}.{:09} shares",
        units / 1_000_000_000,
        units % 1_000_000_000
    )
}

/// Underwriters buy both tranches, the engine pays a premium, a 200,000 USDC shortfall hits
/// junior then senior, and a senior underwriter withdraws after the cooldown.
pub fn fund_journey(suite: &mut Suite) -> SuiteResult<FundJourney> {
    let (alice, bob, carol) = (suite.addr("alice"), suite.addr("bob"), suite.addr("carol"));
    for who in [&alice, &bob, &carol] {
        suite.mint(who, 1_000_000 * ONE);
    }
    let mut lines = vec![];
    let mut say = |actor, action: String, result: String| {
        lines.push(Line {
            actor,
            action,
            result,
        })
    };

    suite.deposit(&alice, Tranche::Junior, 100_000 * ONE)?;
    let alice_shares = suite.shares(Tranche::Junior, &alice);
    say(
        "alice",
        "deposits 100,000 USDC into junior".into(),
        shares(alice_shares),
    );
    suite.deposit(&bob, Tranche::Senior, 300_000 * ONE)?;
    let bob_shares = suite.shares(Tranche::Senior, &bob);
    say(
        "bob",
        "deposits 300,000 USDC into senior".into(),
        shares(bob_shares),
    );

    let engine = suite.engine.clone();
    suite.premium(&engine, 7_000 * ONE)?;
    // The premium is locked and unlocks into the prices over 7 days.
    suite.unlock_premium();
    let after_premium = suite.state();
    say(
        "engine",
        "pays 7,000 USDC premium (weights 3:1), unlocked over the next 7 days".into(),
        format!(
            "junior assets {}, senior assets {}",
            usdc(after_premium.junior.assets.u128()),
            usdc(after_premium.senior.assets.u128())
        ),
    );

    suite.deposit(&carol, Tranche::Junior, 50_000 * ONE)?;
    let carol_shares = suite.shares(Tranche::Junior, &carol);
    say(
        "carol",
        "deposits 50,000 USDC into junior".into(),
        shares(carol_shares),
    );

    let simulated = suite.simulate_loss(200_000 * ONE);
    say(
        "anyone",
        "asks what a 200,000 USDC loss would do".into(),
        format!(
            "junior {}, senior {}, unpaid {}",
            usdc(simulated.from_junior.u128()),
            usdc(simulated.from_senior.u128()),
            usdc(simulated.unpaid.u128())
        ),
    );

    let cover = suite.cover_shortfall(1, 200_000 * ONE)?;
    let loss = suite.loss(1);
    let after_loss = suite.state();
    say(
        "engine",
        "claims shortfall #1 of 200,000 USDC".into(),
        format!(
            "paid {} (junior {}, senior {}), unpaid {}",
            usdc(cover.paid.u128()),
            usdc(loss.paid_by_junior.u128()),
            usdc(loss.paid_by_senior.u128()),
            usdc(cover.unpaid.u128())
        ),
    );

    let id = suite.request_withdrawal(&bob, Tranche::Senior, bob_shares)?;
    say(
        "bob",
        "requests withdrawal of all senior shares".into(),
        format!("request #{id}"),
    );
    let cooldown = suite.config().params.cooldown_seconds;
    suite.advance(cooldown);
    let before = suite.balance(&bob);
    suite.claim(&bob, id)?;
    let bob_payout = suite.balance(&bob) - before;
    say(
        "bob",
        "claims after the 7-day cooldown".into(),
        usdc(bob_payout),
    );

    Ok(FundJourney {
        lines,
        alice_shares,
        bob_shares,
        carol_shares,
        after_premium,
        simulated,
        loss,
        after_loss,
        bob_payout,
        end: suite.state(),
    })
}

/// Figures of the full-suite journey.
#[derive(Clone, Debug, serde::Serialize)]
pub struct SuiteJourney {
    /// Steps in order.
    pub lines: Vec<Line>,
    /// Fund state before the crash.
    pub fund_before: FundStateResponse,
    /// Base size of each part of dave's liquidation, in order (one block each).
    pub parts: Vec<u128>,
    /// The fund's ledger entries for the liquidation's shortfalls (the parts with bad debt).
    pub losses: Vec<LossRecord>,
    /// The engine's records of the same shortfalls.
    pub socialized: Vec<tranche_perps_types::engine::SocializedLoss>,
    /// Fund state after the crash.
    pub fund_after: FundStateResponse,
    /// Engine bank balance after every position closed and premium was swept.
    pub engine_balance_end: u128,
    /// Treasury fees the engine holds at the end.
    pub treasury_fees_end: u128,
    /// What the senior underwriter's withdrawal paid.
    pub senior_withdrawal: u128,
}

/// The market of the localnet deployment (`deploy/localnet.json`), which the journeys in
/// `journeys/` play on: the same parameters here make both backends agree to the unit. It
/// charges no funding (funding accrues every second, and the localnet's block times are not
/// the multi-test's), pays keepers at least 0.1 USDC, and leaves the oracle fields absent (one
/// feeder key; docs/engine.md#oracle).
pub fn localnet_market_params() -> tranche_perps_types::engine::MarketParams {
    serde_json::from_value(localnet_deployment()["markets"][0]["params"].clone())
        .expect("the localnet market's parameters")
}

/// The engine's fee split on the localnet deployment: a flat 50% to the fund, so the split does
/// not depend on the time-weighted open interest and with it on the localnet's block times (the
/// split by coverage is tested on cw-multi-test, `tests/engine_fees.rs`).
pub fn localnet_fees() -> tranche_perps_types::engine::FeeConfig {
    serde_json::from_value(localnet_deployment()["engine"]["fees"].clone())
        .expect("the localnet engine's fee split")
}

fn localnet_deployment() -> serde_json::Value {
    serde_json::from_str(include_str!("../../../deploy/localnet.json"))
        .expect("deploy/localnet.json parses")
}

/// Underwriters fund both tranches; traders open; the index crashes 20% and an arbitrageur
/// trades the vAMM down to 1% above it; a keeper liquidates the over-leveraged long in parts,
/// one block each (the market's liquidation depth is 0.05% of its vAMM per block), and the
/// parts' bad debt is paid by the fund from junior then senior up to its 50% payout cap, the
/// rest socialized over the open margin; premium is swept; everyone closes; a senior
/// underwriter withdraws.
pub fn suite_journey(suite: &mut Suite) -> Result<SuiteJourney, String> {
    let names = ["lp-junior", "lp-senior", "dave", "erin", "arb", "keeper"];
    let [lp_j, lp_s, dave, erin, arb, keeper] = names.map(|n| suite.addr(n));
    for who in [&lp_j, &lp_s, &dave, &erin, &keeper] {
        suite.mint(who, 1_000_000 * ONE);
    }
    suite.mint(&arb, 10_000_000 * ONE);
    let mut lines = vec![];
    let mut say = |actor, action: &str, result: String| {
        lines.push(Line {
            actor,
            action: action.to_string(),
            result,
        })
    };
    let e = |err: perp_engine::ContractError| err.to_string();
    let f = |err: insurance_fund::ContractError| err.to_string();

    suite
        .deposit(&lp_j, Tranche::Junior, 10_000 * ONE)
        .map_err(f)?;
    suite
        .deposit(&lp_s, Tranche::Senior, 12_000 * ONE)
        .map_err(f)?;
    say(
        "lps",
        "deposit 10,000 junior and 12,000 senior",
        "22,000 USDC of cover".into(),
    );

    let governor = suite.governor.clone();
    let fees = tranche_perps_types::engine::ExecuteMsg::UpdateFees(localnet_fees());
    suite.execute_engine(&governor, &fees, &[]).map_err(e)?;
    let params = localnet_market_params();
    suite
        .add_market_with("BTC-USD", 1_000_000_000_000, 100_000_000_000_000, params)
        .map_err(e)?;
    suite.push_price("BTC-USD", "100").map_err(e)?;
    say(
        "dao",
        "adds BTC-USD (vAMM 1M BTC x 100M USDC)",
        "mark 100".into(),
    );

    suite
        .trade(&dave, "BTC-USD", 2_000_000_000, 25_000 * ONE)
        .map_err(e)?;
    say("dave", "goes long 2,000 BTC with 25,000 USDC", "8x".into());
    suite
        .trade(&erin, "BTC-USD", -1_000_000_000, 20_000 * ONE)
        .map_err(e)?;
    say("erin", "goes short 1,000 BTC with 20,000 USDC", "5x".into());
    suite.sweep_premium(&keeper).map_err(e)?;
    let fund_before = suite.state();
    say(
        "keeper",
        "sweeps trading fees to the fund",
        format!("fund assets {}", usdc(fund_before.total_assets.u128())),
    );

    suite.advance(60);
    suite.push_price("BTC-USD", "80").map_err(e)?;
    say("oracle", "index crashes to 80", "mark still ~100".into());
    // The arbitrageur sells the vAMM down to 1% above the index: base reserve sqrt(k / 80.8).
    let market = suite.market("BTC-USD");
    let target = (1e26f64 / 80.8).sqrt() as u128;
    let size = target - market.base_reserve.u128();
    suite
        .trade(&arb, "BTC-USD", -(size as i128), size * 40)
        .map_err(e)?;
    let mark = suite.market("BTC-USD").mark_price;
    say(
        "arb",
        "shorts the vAMM down to 1% above the index",
        format!("{size} base, mark {mark}"),
    );

    let mut parts = vec![];
    loop {
        let res = suite.liquidate(&keeper, "BTC-USD", &dave).map_err(e)?;
        let attr = |key: &str| -> u128 {
            res.events
                .iter()
                .flat_map(|ev| ev.attributes.iter())
                .find(|a| a.key == key)
                .and_then(|a| a.value.parse().ok())
                .unwrap_or(0)
        };
        parts.push(attr("size_liquidated"));
        say(
            "keeper",
            &format!("liquidates part {} of dave", parts.len()),
            format!(
                "{} base, bad debt {}, asked of the fund {}, keeper paid {}",
                attr("size_liquidated"),
                usdc(attr("bad_debt")),
                usdc(attr("claimed_from_fund")),
                usdc(attr("keeper_reward"))
            ),
        );
        if suite.position("BTC-USD", &dave).is_none() {
            break;
        }
        // The block's liquidation depth is used up: the next part comes in the next block.
        suite.advance(1);
    }
    let socialized = suite.socialized_losses().losses;
    let losses: Vec<LossRecord> = socialized
        .iter()
        .filter(|loss| !loss.paid_by_fund.is_zero() || !loss.socialized.is_zero())
        .map(|loss| suite.loss(loss.shortfall_id))
        .collect();
    let fund_after = suite.state();
    let paid = |f: fn(&LossRecord) -> Uint128| -> u128 { losses.iter().map(|l| f(l).u128()).sum() };
    say(
        "fund",
        "pays the parts' bad debt",
        format!(
            "junior {}, senior {}, socialized {}",
            usdc(paid(|l| l.paid_by_junior)),
            usdc(paid(|l| l.paid_by_senior)),
            usdc(socialized.iter().map(|l| l.socialized.u128()).sum())
        ),
    );

    for who in [&erin, &arb] {
        suite.advance(1);
        suite.push_price("BTC-USD", "80").map_err(e)?;
        suite.close(who, "BTC-USD").map_err(e)?;
    }
    suite.sweep_premium(&keeper).map_err(e)?;
    let engine_state = suite.engine_state();
    let engine = suite.engine.clone();
    let engine_balance_end = suite.balance(&engine);
    say(
        "all",
        "close their positions; keeper sweeps",
        format!(
            "engine holds {} = treasury fees {}",
            usdc(engine_balance_end),
            usdc(engine_state.treasury_fees.u128())
        ),
    );

    let shares = suite.shares(Tranche::Senior, &lp_s);
    let id = suite
        .request_withdrawal(&lp_s, Tranche::Senior, shares)
        .map_err(f)?;
    let cooldown = suite.config().params.cooldown_seconds;
    suite.advance(cooldown);
    let before = suite.balance(&lp_s);
    suite.claim(&lp_s, id).map_err(f)?;
    let senior_withdrawal = suite.balance(&lp_s) - before;
    say(
        "lp-senior",
        "withdraws all senior shares after 7 days",
        usdc(senior_withdrawal),
    );

    Ok(SuiteJourney {
        lines,
        fund_before,
        parts,
        losses,
        socialized,
        fund_after,
        engine_balance_end,
        treasury_fees_end: engine_state.treasury_fees.u128(),
        senior_withdrawal,
    })
}
