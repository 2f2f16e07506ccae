//! The suite's end-to-end user journey, played on a [`Suite`]. The `scenario` binary prints it;
//! `tests/scenario.rs` pins every figure to values computed independently (README worked example).

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
    let after_premium = suite.state();
    say(
        "engine",
        "pays 7,000 USDC premium (weights 3:1)".into(),
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
