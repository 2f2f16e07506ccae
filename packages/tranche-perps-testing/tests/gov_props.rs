//! Randomized governance histories: four voters stake, unstake, claim and transfer GOV, make
//! proposals (with the deposit the settings ask), vote, execute, close and have the guardian
//! veto across blocks; some proposals change the deposit, the refund policy for rejected
//! proposals, the unbonding period, the timelock and the proposer share, or the fund's
//! cooldown, so proposals made under different policies and exit windows coexist. The test
//! keeps its own record (stakes per height, claims with their release times, every proposal
//! with its deposit, the refund policy copied into it, its tally, where its deposit went, its
//! risk, stored timelock and the exit window when it was made, every transfer between voters,
//! every forfeited deposit, governance's settings and the fund's cooldown) and checks after
//! every step:
//!
//! - each proposal's tally is exactly the sum of its ballots, every ballot weighs exactly the
//!   voter's stake at the proposal's start height, each proposal's total power is the total
//!   stake then, and its status, passing time, deposit, proposer and copied policy are the
//!   record's;
//! - every refusal is the one the record predicts (nothing fails that the record does not
//!   expect, nothing succeeds that it does not), `ProposerPowerTooLow` included: the proposer's
//!   power at the proposal's height below `min_proposer_share` of the total then, rounded up;
//! - timelocks, exactly: a proposal is risky unless its change is on the reviewed safe list
//!   (`governance::risk::SAFE_CHANGES`, read through `safe_way`: pausing deposits and accepting
//!   a governor role are; unpausing deposits, any change of governance's settings or of the
//!   fund's cooldown is not; a change to the value now is no change). A risky proposal stores
//!   its rules' timelock raised to the exit window (cooldown plus claim window) and records
//!   that window; a passed one is held to its stored timelock, raised, if it is risky as made
//!   or judged again now, to the recorded and the current exit window. Each proposal's stored
//!   timelock and `executable_at` are the record's, and settings and the fund's cooldown are
//!   the record's;
//! - every execution waited at least its rules' timelock, and a risky one at least the exit
//!   window as it stood when its proposal was made and as it stands then;
//! - conservation, exactly: governance's GOV balance == total staked (the record's, and the
//!   contract's `TotalPower` agrees) + every pending unbonding claim (the record's, and the
//!   contract's `Claims` list agrees claim by claim) + the deposits of proposals whose deposit
//!   the record has not seen settled; the treasury holds exactly the forfeited deposits; the
//!   voters' GOV plus the outsider's plus governance's plus the treasury's is the supply; and each voter's liquid,
//!   staked, unbonding and deposited GOV is their start balance plus what other voters sent
//!   them minus the deposits they forfeited.
//!
//! Adversarial actors play among the voters:
//!
//! - chains ([`Op::Chain`]): a proposer with stake proposes a shortcut (governance's timelock
//!   set to 0, or the fund's cooldown cut to 1 minute) and every staker passes it; then a
//!   second change (mostly risky: a deposit unpause, a cooldown or a settings change) is
//!   proposed and passed before the shortcut executes, or after. Each is executed at its
//!   rules' ordinary timelock, one second before the time the record predicts, and at it;
//! - a stake and a proposal in one block ([`Op::StakeAndPropose`]): the new stake is no
//!   power at the proposal's height;
//! - an outsider holding GOV but no stake ([`Op::OutsiderProposes`]): every proposal refused
//!   (`NoStake` or `ProposerPowerTooLow`), its GOV untouched.
//!
//! Every history ends with a close-out: voting ends on every proposal; rejected and vetoed
//! ones are closed, passed ones are executed after their timelock (in rounds, since an
//! execution can lengthen the others' timelocks); every deposit must then be
//! settled as the policy copied into its proposal says (back to the proposer when executed,
//! failed or rejected under a refund policy; to the treasury when vetoed, by votes or by the
//! guardian, or rejected without one), and settling any proposal again is refused; every voter
//! claims what is due, unstakes everything and claims it after the unbonding period. Then
//! governance holds no GOV, total staked is 0, each voter holds exactly their start balance
//! plus transfers received minus deposits forfeited, and the treasury exactly the forfeited
//! deposits. Nothing in the close-out may fail except with the error the record predicts.
//!
//! Case count: a quarter of `PROPTEST_CASES` (at least 16), since each case is a whole
//! history of up to 40 steps (a chain counts as one and plays up to about 15) plus its
//! close-out (CI sets `PROPTEST_CASES=2000`: 500 histories, about 0.6 s each in a debug build).

use std::cmp::Ordering;
use std::collections::BTreeMap;

use cosmwasm_std::{Addr, Decimal, Timestamp, Uint128};
use cw20::Cw20ExecuteMsg;
use cw_controllers::ClaimsResponse;
use cw_multi_test::Executor;
use cw_utils::Expiration;
use governance::risk::{safe_way, SafeWay};
use governance::ContractError as GovError;
use proptest::prelude::*;
use tranche_perps_testing::gov::{GovResult, TIMELOCK};
use tranche_perps_testing::time::{DAY, MINUTE};
use tranche_perps_testing::{Suite, ONE};
use tranche_perps_types::fund::{self, FundParamsUpdate, GovernorAction};
use tranche_perps_types::governance::Vote;
use tranche_perps_types::governance::{
    Action, ExecuteMsg, GovConfig, PowerResponse, ProposalStatus, QueryMsg, Tally,
    VoteListResponse, VotingRules,
};

const VOTERS: usize = 4;
const NAMES: [&str; VOTERS] = ["alice", "bob", "carol", "dave"];
/// Each voter's GOV at the start.
const START: u128 = 1_000 * ONE;
/// Holds [`START`] GOV and never stakes: every proposal of its is refused.
const OUTSIDER: &str = "mallory";
/// GOV supply (the voters' and the outsider's): nothing mints or burns.
const SUPPLY: u128 = START * (VOTERS as u128 + 1);
/// Largest deposit the settings may ask: a tenth of the supply.
const CAP: u128 = SUPPLY / 10;
/// The fund's claim window (never changed here); its cooldown is.
const CLAIM_WINDOW: u64 = fund::DEFAULT_CLAIM_WINDOW_SECONDS;

/// The settings the history varies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Settings {
    deposit: u128,
    refund_rejected: bool,
    unbonding: u64,
    timelock: u64,
    min_share: Decimal,
}

impl Settings {
    fn config(self) -> GovConfig {
        let mut config = GovConfig {
            proposal_deposit: Uint128::new(self.deposit),
            refund_rejected: self.refund_rejected,
            unbonding_seconds: self.unbonding,
            min_proposer_share: self.min_share,
            ..GovConfig::default()
        };
        config.rules.timelock_seconds = self.timelock;
        config
    }
}

/// What a proposal does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// Sets the fund's deposit pause flag: executes. Pausing is on the safe list, unpausing
    /// is not.
    Pause(bool),
    /// Changes governance's settings: executes (refused when proposed if the deposit is above
    /// the cap). Risky unless it leaves them as they are.
    Settings(Settings),
    /// Sets the fund's cooldown: executes within the fund's bounds (1 minute to 90 days), fails
    /// outside them. Risky unless it leaves it as it is.
    Cooldown(u64),
    /// Accepts a fund ownership transfer nobody offered (safe): its execution fails.
    Failing,
}

impl Kind {
    fn action(self) -> Action {
        match self {
            Kind::Pause(paused) => Action::SetFundPause {
                deposits: Some(paused),
                withdrawals: None,
            },
            Kind::Settings(s) => Action::UpdateGovConfig(s.config()),
            Kind::Cooldown(seconds) => Action::UpdateFundParams(FundParamsUpdate {
                cooldown_seconds: Some(seconds),
                ..Default::default()
            }),
            Kind::Failing => Action::FundOwnership(GovernorAction::AcceptOwnership),
        }
    }

    /// Whether its execution fails.
    fn fails(self) -> bool {
        match self {
            Kind::Failing => true,
            Kind::Cooldown(s) => !(MINUTE..=90 * DAY).contains(&s),
            _ => false,
        }
    }
}

/// The first proposal of a chain: one that shortens what later ones wait.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shortcut {
    /// Governance's timelock set to 0, every other setting as it is.
    TimelockZero,
    /// The fund's cooldown cut to 1 minute.
    CooldownCut,
}

#[derive(Clone, Debug)]
enum Op {
    Stake {
        who: usize,
        percent: u128,
    },
    Unstake {
        who: usize,
        percent: u128,
    },
    Claim {
        who: usize,
    },
    Transfer {
        from: usize,
        to: usize,
        percent: u128,
    },
    Propose {
        who: usize,
        kind: Kind,
    },
    /// Stakes and proposes in one block: the new stake is no power at the proposal's height.
    StakeAndPropose {
        who: usize,
        percent: u128,
        kind: Kind,
    },
    /// The outsider, holding GOV but no stake, proposes.
    OutsiderProposes {
        kind: Kind,
    },
    /// An adversary's chain: `who` proposes the shortcut and every staker passes it; `then` is
    /// proposed and passed before the shortcut executes (`early`) or after; each is executed
    /// at the ordinary timelock, one second before the time the record predicts, and at it.
    Chain {
        who: usize,
        first: Shortcut,
        then: Kind,
        early: bool,
    },
    Vote {
        who: usize,
        pick: usize,
        vote: Vote,
    },
    Execute {
        who: usize,
        pick: usize,
    },
    Close {
        who: usize,
        pick: usize,
    },
    /// A veto by the guardian, or by a voter (refused).
    Veto {
        guardian: bool,
        who: usize,
        pick: usize,
    },
    NextBlock,
    Wait {
        seconds: u64,
    },
}

/// Yes weighs more so that enough proposals pass to be executed or vetoed by the guardian.
fn vote() -> impl Strategy<Value = Vote> {
    prop_oneof![
        3 => Just(Vote::Yes),
        1 => Just(Vote::No),
        1 => Just(Vote::Abstain),
        1 => Just(Vote::Veto),
    ]
}

fn deposit() -> impl Strategy<Value = u128> {
    prop_oneof![Just(0), Just(1), Just(7 * ONE + 3), Just(CAP)]
}

fn settings(deposit: impl Strategy<Value = u128>) -> impl Strategy<Value = Settings> {
    (
        deposit,
        any::<bool>(),
        prop_oneof![Just(60u64), Just(86_400), Just(7 * 86_400)],
        prop_oneof![3 => Just(TIMELOCK), 1 => Just(0u64), 1 => Just(DAY)],
        prop_oneof![
            3 => Just(Decimal::permille(1)),
            1 => Just(Decimal::bps(1)),
            1 => Just(Decimal::percent(10)),
        ],
    )
        .prop_map(
            |(deposit, refund_rejected, unbonding, timelock, min_share)| Settings {
                deposit,
                refund_rejected,
                unbonding,
                timelock,
                min_share,
            },
        )
}

fn cooldown() -> impl Strategy<Value = u64> {
    prop_oneof![
        Just(MINUTE),
        Just(3 * DAY),
        Just(fund::DEFAULT_COOLDOWN_SECONDS),
        Just(30 * DAY),
        Just(0u64),
    ]
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![
        3 => any::<bool>().prop_map(Kind::Pause),
        2 => settings(prop_oneof![4 => deposit(), 1 => Just(CAP + 1)]).prop_map(Kind::Settings),
        1 => cooldown().prop_map(Kind::Cooldown),
        1 => Just(Kind::Failing),
    ]
}

/// What a chain proposes after its shortcut: mostly a risky change (a deposit unpause, a
/// cooldown or settings change), sometimes anything.
fn then() -> impl Strategy<Value = Kind> {
    prop_oneof![
        1 => Just(Kind::Pause(false)),
        1 => cooldown().prop_map(Kind::Cooldown),
        1 => settings(deposit()).prop_map(Kind::Settings),
        1 => kind(),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..VOTERS, 0u128..=100).prop_map(|(who, percent)| Op::Stake { who, percent }),
        2 => (0..VOTERS, 0u128..=100).prop_map(|(who, percent)| Op::Unstake { who, percent }),
        1 => (0..VOTERS).prop_map(|who| Op::Claim { who }),
        2 => (0..VOTERS, 0..VOTERS, 1u128..=100)
            .prop_map(|(from, to, percent)| Op::Transfer { from, to, percent }),
        2 => (0..VOTERS, kind()).prop_map(|(who, kind)| Op::Propose { who, kind }),
        1 => (0..VOTERS, 1u128..=100, kind())
            .prop_map(|(who, percent, kind)| Op::StakeAndPropose { who, percent, kind }),
        1 => kind().prop_map(|kind| Op::OutsiderProposes { kind }),
        1 => (
            0..VOTERS,
            prop_oneof![Just(Shortcut::TimelockZero), Just(Shortcut::CooldownCut)],
            then(),
            any::<bool>(),
        )
            .prop_map(|(who, first, then, early)| Op::Chain { who, first, then, early }),
        6 => (0..VOTERS, 0usize..64, vote()).prop_map(|(who, pick, vote)| Op::Vote { who, pick, vote }),
        2 => (0..VOTERS, 0usize..64).prop_map(|(who, pick)| Op::Execute { who, pick }),
        2 => (0..VOTERS, 0usize..64).prop_map(|(who, pick)| Op::Close { who, pick }),
        1 => (prop::bool::weighted(0.8), 0..VOTERS, 0usize..64)
            .prop_map(|(guardian, who, pick)| Op::Veto { guardian, who, pick }),
        3 => Just(Op::NextBlock),
        1 => (1u64..4 * 86_400).prop_map(|seconds| Op::Wait { seconds }),
    ]
}

/// Whether moving `field` of `action` from `old` to `new` is on the reviewed safe list
/// (`governance::risk::SAFE_CHANGES`): no change is safe; a move is safe only in the way the
/// list names for it.
fn listed_safe<T: PartialOrd>(action: &str, field: &str, old: T, new: T) -> bool {
    let way = safe_way(action, field);
    match new.partial_cmp(&old) {
        Some(Ordering::Equal) => true,
        Some(Ordering::Greater) => way == Some(SafeWay::Raise),
        Some(Ordering::Less) => way == Some(SafeWay::Lower),
        None => false,
    }
}

/// Where a proposal's deposit went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Payee {
    Proposer,
    Treasury,
}

/// A proposal as the record knows it.
#[derive(Clone, Debug)]
struct Prop {
    id: u64,
    start: u64,
    proposer: usize,
    kind: Kind,
    deposit: u128,
    /// The refund policy for a rejection, copied when it was made.
    refund_rejected: bool,
    rules: VotingRules,
    total_power: u128,
    voting_end: u64,
    tally: Tally,
    /// The last settled status (as governance stores it).
    stored: ProposalStatus,
    passed_at: Option<u64>,
    /// `None` while governance holds the deposit.
    paid_to: Option<Payee>,
    /// The timelock governance stores: the one given when made, the one held to once settled
    /// by execution or veto.
    timelock: u64,
    /// Judged risky (when made, or at a settlement).
    risky: bool,
    /// The fund's exit window when it was made.
    exit_window: u64,
}

fn at_least(part: u128, whole: u128, share: Decimal) -> bool {
    part * Decimal::one().atomics().u128() >= whole * share.atomics().u128()
}

fn above(part: u128, whole: u128, share: Decimal) -> bool {
    part * Decimal::one().atomics().u128() > whole * share.atomics().u128()
}

impl Prop {
    /// The outcome of the votes at `now`: final once voting ended, decided early only when
    /// no remaining vote could change it.
    fn outcome(&self, now: u64) -> ProposalStatus {
        let (r, t) = (&self.rules, &self.tally);
        let (yes, no, abstain, veto) = (t.yes.u128(), t.no.u128(), t.abstain.u128(), t.veto.u128());
        let total = self.total_power;
        let cast = yes + no + abstain + veto;
        let remaining = total - cast;
        let non_abstain = yes + no + veto;
        let quorum = at_least(cast, total, r.quorum);
        if now >= self.voting_end {
            return if !quorum {
                ProposalStatus::Rejected
            } else if at_least(veto, cast, r.veto_threshold) {
                ProposalStatus::Vetoed
            } else if above(yes, non_abstain, r.threshold) {
                ProposalStatus::Passed
            } else {
                ProposalStatus::Rejected
            };
        }
        let veto_possible = at_least(veto + remaining, total, r.veto_threshold);
        if quorum && at_least(veto, total, r.veto_threshold) {
            ProposalStatus::Vetoed
        } else if quorum && above(yes, non_abstain + remaining, r.threshold) && !veto_possible {
            ProposalStatus::Passed
        } else if !above(yes + remaining, non_abstain + remaining, r.threshold) && !veto_possible {
            ProposalStatus::Rejected
        } else {
            ProposalStatus::Open
        }
    }

    /// Status at `now` and when it passed.
    fn status_now(&self, now: u64) -> (ProposalStatus, Option<u64>) {
        if self.stored != ProposalStatus::Open {
            return (self.stored, self.passed_at);
        }
        match self.outcome(now) {
            ProposalStatus::Passed => (
                ProposalStatus::Passed,
                Some(self.passed_at.unwrap_or(self.voting_end.min(now))),
            ),
            other => (other, None),
        }
    }

    /// Why `Execute` and `Veto` refuse a proposal that is not passed now: it has not passed
    /// (open, or decided against and not closed), or it is settled (closed, vetoed or
    /// executed).
    fn not_executable(&self) -> GovError {
        match self.stored {
            ProposalStatus::Open | ProposalStatus::Passed => GovError::NotPassed { id: self.id },
            status => GovError::AlreadySettled {
                id: self.id,
                status,
            },
        }
    }

    /// GOV governance holds for this proposal.
    fn held(&self) -> u128 {
        if self.paid_to.is_none() {
            self.deposit
        } else {
            0
        }
    }
}

/// The test's own record.
struct Model {
    settings: Settings,
    liquid: [u128; VOTERS],
    stake: [u128; VOTERS],
    /// (height, voter, stake after the change), in order.
    changes: Vec<(u64, usize, u128)>,
    /// Pending claims: (amount, release time in seconds), in the order they were made.
    claims: [Vec<(u128, u64)>; VOTERS],
    proposals: Vec<Prop>,
    /// Ballots by (proposal id, voter): (vote, weight).
    ballots: BTreeMap<(u64, usize), (Vote, u128)>,
    /// GOV each voter received from other voters, net.
    moved: [i128; VOTERS],
    /// Deposits each voter lost to the treasury.
    forfeited: [u128; VOTERS],
    /// GOV the treasury received.
    treasury: u128,
    /// The fund's cooldown.
    cooldown: u64,
}

impl Model {
    fn new(settings: Settings) -> Self {
        Model {
            settings,
            liquid: [START; VOTERS],
            stake: [0; VOTERS],
            changes: vec![],
            claims: Default::default(),
            proposals: vec![],
            ballots: BTreeMap::new(),
            moved: [0; VOTERS],
            forfeited: [0; VOTERS],
            treasury: 0,
            cooldown: fund::DEFAULT_COOLDOWN_SECONDS,
        }
    }

    /// The fund's exit window now: cooldown plus claim window.
    fn exit_window(&self) -> u64 {
        (self.cooldown + CLAIM_WINDOW).min(fund::bounds::MAX_EXIT_WINDOW_SECONDS)
    }

    /// Whether `kind` raises underwriters' risk judged now: not on the reviewed safe list.
    fn risky(&self, kind: Kind) -> bool {
        let safe = match kind {
            // A flag is judged by the value it is set to: setting it is switching it.
            Kind::Pause(paused) => listed_safe("SetFundPause", "deposits", !paused, paused),
            Kind::Settings(new) => {
                let (old, a) = (self.settings, "UpdateGovConfig");
                listed_safe(a, "proposal_deposit", old.deposit, new.deposit)
                    && listed_safe(
                        a,
                        "refund_rejected",
                        old.refund_rejected,
                        new.refund_rejected,
                    )
                    && listed_safe(a, "unbonding_seconds", old.unbonding, new.unbonding)
                    && listed_safe(a, "timelock_seconds", old.timelock, new.timelock)
                    && listed_safe(a, "min_proposer_share", old.min_share, new.min_share)
            }
            Kind::Cooldown(new) => {
                listed_safe("UpdateFundParams", "cooldown_seconds", self.cooldown, new)
            }
            Kind::Failing => safe_way("FundOwnership", "AcceptOwnership") == Some(SafeWay::Always),
        };
        !safe
    }

    /// The timelock a passed proposal is held to now, and whether it is risky: risk judged
    /// again now (risky once, risky for good); never below its stored timelock or its rules';
    /// a risky one at least the exit window when it was made and the exit window now.
    fn required(&self, p: &Prop) -> (u64, bool) {
        let risky = p.risky || self.risky(p.kind);
        let stored = p.timelock.max(p.rules.timelock_seconds);
        if risky {
            (stored.max(p.exit_window).max(self.exit_window()), true)
        } else {
            (stored, false)
        }
    }

    /// When a proposal that passed can be executed: by the timelock it is held to now while
    /// it is passed, by the one it was held to once settled.
    fn executable_at(&self, p: &Prop, now: u64) -> Option<u64> {
        let (status, passed_at) = p.status_now(now);
        let timelock = if status == ProposalStatus::Passed {
            self.required(p).0
        } else {
            p.timelock
        };
        passed_at.map(|at| at + timelock)
    }

    /// Least power a proposer needs at a height with `total` power: `min_proposer_share` of
    /// it, rounded up.
    fn required_power(&self, total: u128) -> u128 {
        let one = Decimal::one().atomics().u128();
        (total * self.settings.min_share.atomics().u128()).div_ceil(one)
    }

    /// Why a proposal of `kind` by an account with `power` at `height` is refused, if it is.
    fn propose_refusal(&self, kind: Kind, power: u128, height: u64) -> Option<GovError> {
        let total = self.total_at(height);
        let required = self.required_power(total);
        match kind {
            Kind::Settings(s) if s.deposit > CAP => Some(GovError::DepositTooLarge {
                deposit: Uint128::new(s.deposit),
                max: Uint128::new(CAP),
            }),
            _ if total == 0 => Some(GovError::NoStake),
            _ if power < required => Some(GovError::ProposerPowerTooLow {
                power: Uint128::new(power),
                required: Uint128::new(required),
            }),
            _ => None,
        }
    }

    /// Stake of `who` at the start of `height`.
    fn stake_at(&self, who: usize, height: u64) -> u128 {
        self.changes
            .iter()
            .rev()
            .find(|(h, w, _)| *h < height && *w == who)
            .map_or(0, |(_, _, s)| *s)
    }

    fn total_at(&self, height: u64) -> u128 {
        (0..VOTERS).map(|w| self.stake_at(w, height)).sum()
    }

    fn set_stake(&mut self, height: u64, who: usize, stake: u128) {
        self.stake[who] = stake;
        self.changes.push((height, who, stake));
    }

    fn pending(&self, who: usize) -> u128 {
        self.claims[who].iter().map(|(a, _)| a).sum()
    }

    fn due(&self, who: usize, now: u64) -> u128 {
        self.claims[who]
            .iter()
            .filter(|(_, at)| *at <= now)
            .map(|(a, _)| a)
            .sum()
    }

    /// The deposit a proposal needs now.
    fn required_deposit(&self) -> u128 {
        self.settings.deposit.min(CAP)
    }

    /// Deposits governance holds for `who`'s proposals.
    fn deposited(&self, who: usize) -> u128 {
        self.proposals
            .iter()
            .filter(|p| p.proposer == who)
            .map(Prop::held)
            .sum()
    }

    /// Pays a proposal's deposit out, once.
    fn settle(&mut self, idx: usize, payee: Payee) {
        let p = &mut self.proposals[idx];
        assert_eq!(p.paid_to, None, "deposit of {} settled twice", p.id);
        p.paid_to = Some(payee);
        match payee {
            Payee::Proposer => self.liquid[p.proposer] += p.deposit,
            Payee::Treasury => {
                self.treasury += p.deposit;
                self.forfeited[p.proposer] += p.deposit;
            }
        }
    }
}

/// Checks a result against the record's prediction: exactly the predicted error, or success.
fn expect<T>(res: GovResult<T>, prediction: Option<GovError>, what: &str) -> Result<T, GovError> {
    match (res, prediction) {
        (Ok(value), None) => Ok(value),
        (Err(err), Some(predicted)) => {
            assert_eq!(err, predicted, "{what}");
            Err(err)
        }
        (Ok(_), Some(predicted)) => panic!("{what}: succeeded, the record predicts {predicted:?}"),
        (Err(err), None) => panic!("{what}: failed with {err:?}, the record predicts success"),
    }
}

fn all_ballots(suite: &Suite, id: u64) -> Vec<(String, Vote, u128)> {
    let mut out = vec![];
    let mut start_after = None;
    loop {
        let res: VoteListResponse = suite
            .app
            .wrap()
            .query_wasm_smart(
                &suite.gov().contract,
                &QueryMsg::ListVotes {
                    proposal_id: id,
                    start_after: start_after.clone(),
                    limit: Some(3),
                },
            )
            .unwrap();
        if res.votes.is_empty() {
            return out;
        }
        start_after = res.votes.last().map(|v| v.voter.clone());
        out.extend(res.votes.into_iter().map(|v| {
            assert_eq!(v.proposal_id, id);
            (v.voter, v.vote, v.weight.u128())
        }));
    }
}

/// A history being played: the suite, the record and the parties.
struct World {
    suite: Suite,
    model: Model,
    addrs: Vec<Addr>,
    outsider: Addr,
    gov: Addr,
    treasury: Addr,
    guardian: Addr,
}

impl World {
    fn new(initial: Settings) -> Self {
        let mut suite = Suite::builder()
            .with_underwriters(&["lp"], 1_000_000 * ONE)
            .with_governance(
                &[NAMES.as_slice(), &[OUTSIDER]]
                    .concat()
                    .iter()
                    .map(|n| (*n, START))
                    .collect::<Vec<_>>(),
            )
            .build();
        let addrs: Vec<Addr> = NAMES.iter().map(|n| suite.addr(n)).collect();
        let outsider = suite.addr(OUTSIDER);
        let (gov, treasury) = (suite.gov().contract.clone(), suite.gov().treasury.clone());
        // The starting settings, sent as governance itself (a test shortcut for the proposal
        // that would set them).
        suite
            .app
            .execute_contract(
                gov.clone(),
                gov.clone(),
                &ExecuteMsg::UpdateConfig(initial.config()),
                &[],
            )
            .unwrap();
        let guardian = suite.guardian.clone();
        let world = World {
            suite,
            model: Model::new(initial),
            addrs,
            outsider,
            gov,
            treasury,
            guardian,
        };
        world.check();
        world
    }

    fn height(&self) -> u64 {
        self.suite.app.block_info().height
    }

    fn now(&self) -> u64 {
        self.suite.now().seconds()
    }

    /// Moves the clock to `at` (if it is later).
    fn advance_to(&mut self, at: u64) {
        self.suite.advance_to(Timestamp::from_seconds(at));
    }

    fn pick(&self, pick: usize) -> Option<usize> {
        (!self.model.proposals.is_empty()).then(|| pick % self.model.proposals.len())
    }

    fn total_staked(&self) -> u128 {
        let res: PowerResponse = self
            .suite
            .app
            .wrap()
            .query_wasm_smart(&self.gov, &QueryMsg::TotalPower { height: None })
            .unwrap();
        res.power.u128()
    }

    fn claims(&self, who: usize) -> Vec<(u128, u64)> {
        let res: ClaimsResponse = self
            .suite
            .app
            .wrap()
            .query_wasm_smart(
                &self.gov,
                &QueryMsg::Claims {
                    address: self.addrs[who].to_string(),
                },
            )
            .unwrap();
        res.claims
            .into_iter()
            .map(|c| match c.release_at {
                Expiration::AtTime(t) => (c.amount.u128(), t.seconds()),
                other => panic!("claim released at {other:?}"),
            })
            .collect()
    }

    fn stake(&mut self, who: usize, amount: u128) -> Result<(), GovError> {
        let height = self.height();
        let prediction = (amount == 0).then_some(GovError::ZeroAmount);
        let res = self.suite.stake(&self.addrs[who], amount);
        expect(res, prediction, "stake")?;
        let m = &mut self.model;
        m.liquid[who] -= amount;
        let stake = m.stake[who] + amount;
        m.set_stake(height, who, stake);
        Ok(())
    }

    fn unstake(&mut self, who: usize, amount: u128) -> Result<(), GovError> {
        let (height, now) = (self.height(), self.now());
        let m = &self.model;
        let prediction = if amount == 0 {
            Some(GovError::ZeroAmount)
        } else if m.stake[who] < amount {
            Some(GovError::InsufficientStake {
                staked: Uint128::new(m.stake[who]),
                amount: Uint128::new(amount),
            })
        } else if m.claims[who].len() >= 20 {
            Some(GovError::TooManyClaims { max: 20 })
        } else {
            None
        };
        let res = self.suite.unstake(&self.addrs[who], amount);
        expect(res, prediction, "unstake")?;
        let m = &mut self.model;
        let stake = m.stake[who] - amount;
        m.set_stake(height, who, stake);
        let release = now + m.settings.unbonding;
        m.claims[who].push((amount, release));
        Ok(())
    }

    fn claim(&mut self, who: usize) -> Result<(), GovError> {
        let now = self.now();
        let due = self.model.due(who, now);
        let prediction = (due == 0).then_some(GovError::NothingToClaim);
        let res = self
            .suite
            .execute_gov(&self.addrs[who], &ExecuteMsg::Claim {});
        expect(res, prediction, "claim")?;
        let m = &mut self.model;
        m.claims[who].retain(|(_, at)| *at > now);
        m.liquid[who] += due;
        Ok(())
    }

    fn transfer(&mut self, from: usize, to: usize, amount: u128) {
        let token = self.suite.gov().token.clone();
        self.suite
            .app
            .execute_contract(
                self.addrs[from].clone(),
                token,
                &Cw20ExecuteMsg::Transfer {
                    recipient: self.addrs[to].to_string(),
                    amount: Uint128::new(amount),
                },
                &[],
            )
            .unwrap();
        let m = &mut self.model;
        m.liquid[from] -= amount;
        m.liquid[to] += amount;
        m.moved[from] -= amount as i128;
        m.moved[to] += amount as i128;
    }

    fn propose(&mut self, who: usize, kind: Kind) -> Result<(), GovError> {
        let (height, now) = (self.height(), self.now());
        let deposit = self.model.required_deposit();
        assert_eq!(self.suite.required_deposit(), deposit, "required deposit");
        let res = self
            .suite
            .propose(&self.addrs[who], "random", vec![kind.action()]);
        if deposit > self.model.liquid[who] {
            // The cw20 send of the deposit fails before governance sees it.
            let err = res.expect_err("propose: a deposit above the proposer's balance");
            assert!(
                matches!(&err, GovError::Std(e) if e.to_string().contains("Cannot Sub")),
                "propose: a deposit above the proposer's balance: {err:?}"
            );
            return Err(err);
        }
        let power = self.model.stake_at(who, height);
        let prediction = self.model.propose_refusal(kind, power, height);
        let id = expect(res, prediction, "propose")?;
        let m = &mut self.model;
        assert_eq!(id, m.proposals.len() as u64 + 1);
        m.liquid[who] -= deposit;
        let rules = m.settings.config().rules;
        let risky = m.risky(kind);
        let exit_window = m.exit_window();
        let timelock = if risky {
            rules.timelock_seconds.max(exit_window)
        } else {
            rules.timelock_seconds
        };
        m.proposals.push(Prop {
            id,
            start: height,
            proposer: who,
            kind,
            deposit,
            refund_rejected: m.settings.refund_rejected,
            voting_end: now + rules.voting_period_seconds,
            rules,
            total_power: m.total_at(height),
            tally: Tally::default(),
            stored: ProposalStatus::Open,
            passed_at: None,
            paid_to: None,
            timelock,
            risky,
            exit_window,
        });
        Ok(())
    }

    /// The outsider proposes with the deposit the settings ask (it holds enough GOV): always
    /// refused, with no power at any height.
    fn outsider_proposes(&mut self, kind: Kind) {
        let height = self.height();
        let prediction = self.model.propose_refusal(kind, 0, height);
        assert!(prediction.is_some(), "the record lets an outsider propose");
        let res = self
            .suite
            .propose(&self.outsider.clone(), "outsider", vec![kind.action()]);
        let _ = expect(res, prediction, "outsider propose");
    }

    fn vote(&mut self, who: usize, idx: usize, vote: Vote) -> Result<(), GovError> {
        let now = self.now();
        let p = &self.model.proposals[idx];
        let (id, start) = (p.id, p.start);
        let open = p.stored == ProposalStatus::Open
            && now < p.voting_end
            && p.outcome(now) == ProposalStatus::Open;
        let weight = self.model.stake_at(who, start);
        let prediction = if !open {
            Some(GovError::NotOpen { id })
        } else if self.model.ballots.contains_key(&(id, who)) {
            Some(GovError::AlreadyVoted { id })
        } else if weight == 0 {
            Some(GovError::NoVotingPower { height: start })
        } else {
            None
        };
        let res = self.suite.vote(&self.addrs[who], id, vote);
        expect(res, prediction, "vote")?;
        self.model.ballots.insert((id, who), (vote, weight));
        let p = &mut self.model.proposals[idx];
        let slot = match vote {
            Vote::Yes => &mut p.tally.yes,
            Vote::No => &mut p.tally.no,
            Vote::Abstain => &mut p.tally.abstain,
            Vote::Veto => &mut p.tally.veto,
        };
        *slot += Uint128::new(weight);
        if p.outcome(now) == ProposalStatus::Passed {
            p.stored = ProposalStatus::Passed;
            p.passed_at = Some(now);
        }
        Ok(())
    }

    fn execute(&mut self, who: usize, idx: usize) -> Result<(), GovError> {
        let now = self.now();
        let m = &self.model;
        let p = &m.proposals[idx];
        let id = p.id;
        let (status, passed_at) = p.status_now(now);
        let prediction = match (status, m.executable_at(p, now)) {
            (ProposalStatus::Passed, Some(at)) if now < at => Some(GovError::Timelocked {
                id,
                executable_at: at,
            }),
            (ProposalStatus::Passed, Some(_)) => None,
            _ => Some(p.not_executable()),
        };
        let (timelock, risky) = m.required(p);
        let res = self.suite.execute_proposal(&self.addrs[who], id);
        expect(res, prediction, "execute")?;
        // It ran: it waited at least its rules' timelock and, if its change is risky as made
        // or as judged now, the exit window as it stood when it was made and as it stands now.
        let m = &self.model;
        let p = &m.proposals[idx];
        let waited = now - passed_at.expect("an executed proposal passed");
        assert!(waited >= p.rules.timelock_seconds, "{id} waited {waited}");
        if p.risky || m.risky(p.kind) {
            assert!(
                waited >= p.exit_window && waited >= m.exit_window(),
                "risky {id} ({:?}) ran {waited} s after passing; the exit window was {} when \
                 it was made, {} now",
                p.kind,
                p.exit_window,
                m.exit_window()
            );
        }
        let p = &mut self.model.proposals[idx];
        p.passed_at = passed_at;
        p.timelock = timelock;
        p.risky = risky;
        let kind = p.kind;
        p.stored = if kind.fails() {
            ProposalStatus::ExecutionFailed
        } else {
            ProposalStatus::Executed
        };
        match kind {
            Kind::Settings(s) => self.model.settings = s,
            Kind::Cooldown(seconds) if !kind.fails() => self.model.cooldown = seconds,
            _ => {}
        }
        self.model.settle(idx, Payee::Proposer);
        Ok(())
    }

    fn close(&mut self, who: usize, idx: usize) -> Result<(), GovError> {
        let now = self.now();
        let p = &self.model.proposals[idx];
        let id = p.id;
        let (status, _) = p.status_now(now);
        let closable = p.stored == ProposalStatus::Open
            && matches!(status, ProposalStatus::Rejected | ProposalStatus::Vetoed);
        let prediction = (!closable).then_some(GovError::NotClosable { id });
        let res = self
            .suite
            .execute_gov(&self.addrs[who], &ExecuteMsg::Close { proposal_id: id });
        expect(res, prediction, "close")?;
        let p = &mut self.model.proposals[idx];
        p.stored = status;
        let payee = if status == ProposalStatus::Rejected && p.refund_rejected {
            Payee::Proposer
        } else {
            Payee::Treasury
        };
        self.model.settle(idx, payee);
        Ok(())
    }

    fn veto(&mut self, guardian: bool, who: usize, idx: usize) -> Result<(), GovError> {
        let now = self.now();
        let p = &self.model.proposals[idx];
        let id = p.id;
        let (status, passed_at) = p.status_now(now);
        let prediction = if !guardian {
            Some(GovError::NotGuardian)
        } else {
            match (status, self.model.executable_at(p, now)) {
                (ProposalStatus::Passed, Some(at)) if now >= at => {
                    Some(GovError::VetoTooLate { id })
                }
                (ProposalStatus::Passed, Some(_)) => None,
                _ => Some(p.not_executable()),
            }
        };
        let sender = if guardian {
            self.guardian.clone()
        } else {
            self.addrs[who].clone()
        };
        let (timelock, risky) = self.model.required(p);
        let res = self.suite.veto(&sender, id);
        expect(res, prediction, "veto")?;
        let p = &mut self.model.proposals[idx];
        p.stored = ProposalStatus::Vetoed;
        p.timelock = timelock;
        p.risky = risky;
        p.passed_at = passed_at;
        self.model.settle(idx, Payee::Treasury);
        Ok(())
    }

    /// `who` proposes `kind` and every voter with stake at its height votes yes, which passes
    /// it; its index, or `None` when the proposal was refused.
    fn propose_and_pass(&mut self, who: usize, kind: Kind) -> Option<usize> {
        self.propose(who, kind).ok()?;
        self.check();
        let idx = self.model.proposals.len() - 1;
        let start = self.model.proposals[idx].start;
        for w in 0..VOTERS {
            if self.model.stake_at(w, start) > 0 {
                // Once passed, the later votes are refused (`NotOpen`), as predicted.
                let _ = self.vote(w, idx, Vote::Yes);
                self.check();
            }
        }
        let p = &self.model.proposals[idx];
        assert_eq!(
            p.status_now(self.now()).0,
            ProposalStatus::Passed,
            "{}",
            p.id
        );
        Some(idx)
    }

    /// Executes a passed proposal as an adversary would: at its rules' ordinary timelock,
    /// then one second before the time the record predicts, then at it (each attempt
    /// refused or run as the record predicts; the last must run).
    fn execute_at_earliest(&mut self, idx: usize) {
        let keeper = 0;
        let p = &self.model.proposals[idx];
        let passed_at = p.status_now(self.now()).1.expect("passed");
        self.advance_to(passed_at + p.rules.timelock_seconds);
        let ran = self.execute(keeper, idx).is_ok();
        self.check();
        if ran {
            return;
        }
        let at = self
            .model
            .executable_at(&self.model.proposals[idx], self.now())
            .expect("passed");
        self.advance_to(at - 1);
        let ran = self.execute(keeper, idx).is_ok();
        self.check();
        if ran {
            return;
        }
        self.advance_to(at);
        self.execute(keeper, idx)
            .expect("executable at the predicted time");
        self.check();
    }

    /// An adversary's chain (see [`Op::Chain`]); `who` first stakes its GOV but two deposits
    /// if its stake is below the proposer share. Every step is checked against the record, and the execution checks that a
    /// risky change never runs before the exit window as it stood when it was made.
    fn chain(&mut self, who: usize, first: Shortcut, then: Kind, early: bool) {
        let m = &self.model;
        let total: u128 = m.stake.iter().sum();
        if m.stake[who] == 0 || m.stake[who] < m.required_power(total) {
            let keep = 2 * m.required_deposit();
            let _ = self.stake(who, m.liquid[who].saturating_sub(keep));
            self.suite.next_block();
            self.check();
        }
        let shortcut = match first {
            Shortcut::TimelockZero => Kind::Settings(Settings {
                timelock: 0,
                ..self.model.settings
            }),
            Shortcut::CooldownCut => Kind::Cooldown(MINUTE),
        };
        let Some(first) = self.propose_and_pass(who, shortcut) else {
            return;
        };
        let then_idx = if early {
            self.propose_and_pass(who, then)
        } else {
            None
        };
        self.execute_at_earliest(first);
        let then_idx = if early {
            then_idx
        } else {
            self.propose_and_pass(who, then)
        };
        if let Some(idx) = then_idx {
            self.execute_at_earliest(idx);
        }
    }

    fn apply(&mut self, op: Op) {
        // Refusals are checked against the record inside; the history goes on after them.
        let _ = match op {
            Op::Stake { who, percent } => self.stake(who, self.model.liquid[who] * percent / 100),
            Op::Unstake { who, percent } => {
                self.unstake(who, self.model.stake[who] * percent / 100)
            }
            Op::Claim { who } => self.claim(who),
            Op::Transfer { from, to, percent } => {
                let amount = self.model.liquid[from] * percent / 100;
                if amount > 0 {
                    self.transfer(from, to, amount);
                }
                Ok(())
            }
            Op::Propose { who, kind } => self.propose(who, kind),
            Op::StakeAndPropose { who, percent, kind } => {
                let _ = self.stake(who, self.model.liquid[who] * percent / 100);
                self.check();
                self.propose(who, kind)
            }
            Op::OutsiderProposes { kind } => {
                self.outsider_proposes(kind);
                Ok(())
            }
            Op::Chain {
                who,
                first,
                then,
                early,
            } => {
                self.chain(who, first, then, early);
                Ok(())
            }
            Op::Vote { who, pick, vote } => match self.pick(pick) {
                Some(idx) => self.vote(who, idx, vote),
                None => Ok(()),
            },
            Op::Execute { who, pick } => match self.pick(pick) {
                Some(idx) => self.execute(who, idx),
                None => Ok(()),
            },
            Op::Close { who, pick } => match self.pick(pick) {
                Some(idx) => self.close(who, idx),
                None => Ok(()),
            },
            Op::Veto {
                guardian,
                who,
                pick,
            } => match self.pick(pick) {
                Some(idx) => self.veto(guardian, who, idx),
                None => Ok(()),
            },
            Op::NextBlock => {
                self.suite.next_block();
                Ok(())
            }
            Op::Wait { seconds } => {
                self.suite.advance(seconds);
                Ok(())
            }
        };
    }

    /// Conservation: governance's GOV balance against the record's terms, and every GOV of
    /// the supply where the record says it is.
    fn check_conservation(&self) {
        let (suite, m) = (&self.suite, &self.model);
        let held = suite.gov_balance(&self.gov);
        let staked: u128 = m.stake.iter().sum();
        let unbonding: u128 = (0..VOTERS).map(|w| m.pending(w)).sum();
        let deposits: u128 = m.proposals.iter().map(Prop::held).sum();
        assert_eq!(
            held,
            staked + unbonding + deposits,
            "governance's GOV {held} != staked {staked} + unbonding {unbonding} + deposits \
             held {deposits}"
        );
        assert_eq!(self.total_staked(), staked, "total staked");
        assert_eq!(suite.gov_balance(&self.treasury), m.treasury, "treasury");
        assert_eq!(m.treasury, m.forfeited.iter().sum::<u128>(), "forfeits");
        assert_eq!(suite.gov_balance(&self.outsider), START, "outsider's GOV");
        assert_eq!(suite.voting_power(&self.outsider), 0, "outsider's power");
        assert_eq!(
            m.liquid.iter().sum::<u128>() + START + held + m.treasury,
            SUPPLY,
            "GOV outside voters, outsider, governance and treasury"
        );
        for w in 0..VOTERS {
            let owned = m.liquid[w] + m.stake[w] + m.pending(w) + m.deposited(w);
            assert_eq!(
                owned as i128,
                START as i128 + m.moved[w] - m.forfeited[w] as i128,
                "GOV owned by {w}"
            );
        }
    }

    /// Everything after a step: conservation first, then every balance, stake, claim,
    /// proposal and ballot against the record.
    fn check(&self) {
        self.check_conservation();
        let (suite, m, now) = (&self.suite, &self.model, self.now());
        assert_eq!(suite.gov_config().config, m.settings.config(), "settings");
        let fund = suite.config().params;
        assert_eq!(fund.cooldown_seconds, m.cooldown, "fund cooldown");
        assert_eq!(fund.claim_window_seconds, CLAIM_WINDOW, "fund claim window");
        for (w, addr) in self.addrs.iter().enumerate() {
            assert_eq!(suite.gov_balance(addr), m.liquid[w], "GOV of {w}");
            assert_eq!(suite.voting_power(addr), m.stake[w], "power of {w}");
            assert_eq!(self.claims(w), m.claims[w], "claims of {w}");
        }
        for p in &m.proposals {
            let id = p.id;
            let q = suite.proposal(id);
            assert_eq!(q.start_height, p.start);
            assert_eq!(q.total_power.u128(), m.total_at(p.start), "total of {id}");
            assert_eq!(q.total_power.u128(), p.total_power, "total of {id}");
            assert_eq!(q.proposer, self.addrs[p.proposer], "proposer of {id}");
            assert_eq!(q.deposit.u128(), p.deposit, "deposit of {id}");
            assert_eq!(q.refund_rejected, p.refund_rejected, "policy of {id}");
            assert_eq!(q.rules, p.rules, "rules of {id}");
            assert_eq!(q.voting_end.seconds(), p.voting_end, "voting end of {id}");
            assert_eq!(q.timelock_seconds, p.timelock, "timelock of {id}");
            assert_eq!(q.status, p.status_now(now).0, "status of {id}");
            assert_eq!(
                q.executable_at.map(|t| t.seconds()),
                m.executable_at(p, now),
                "executable_at of {id}"
            );
            assert_eq!(
                q.execution_error.is_some(),
                p.stored == ProposalStatus::ExecutionFailed,
                "execution error of {id}: {:?}",
                q.execution_error
            );
            let ballots = all_ballots(suite, id);
            let mut sum = Tally::default();
            for (voter, vote, weight) in &ballots {
                let w = self.addrs.iter().position(|a| a.as_str() == voter).unwrap();
                let staked_then = m.stake_at(w, p.start);
                assert_eq!(*weight, staked_then, "ballot of {w} on {id}");
                assert_eq!(m.ballots.get(&(id, w)), Some(&(*vote, *weight)));
                let slot = match vote {
                    Vote::Yes => &mut sum.yes,
                    Vote::No => &mut sum.no,
                    Vote::Abstain => &mut sum.abstain,
                    Vote::Veto => &mut sum.veto,
                };
                *slot += Uint128::new(*weight);
            }
            assert_eq!(
                ballots.len(),
                m.ballots.keys().filter(|(i, _)| *i == id).count()
            );
            assert_eq!(q.tally, sum, "tally of {id}");
            assert_eq!(q.tally, p.tally, "tally of {id}");
        }
    }

    /// Ends every proposal and every stake; see the module doc.
    fn close_out(&mut self) {
        let keeper = 0;
        // Voting ends everywhere.
        let last_end = self.model.proposals.iter().map(|p| p.voting_end).max();
        self.advance_to(last_end.unwrap_or(0));
        self.check();
        let now = self.now();
        // Rejected and vetoed ones are closed.
        for idx in 0..self.model.proposals.len() {
            let p = &self.model.proposals[idx];
            let status = p.status_now(now).0;
            assert_ne!(status, ProposalStatus::Open, "{} open after voting", p.id);
            if p.stored == ProposalStatus::Open && status != ProposalStatus::Passed {
                self.close(keeper, idx).expect("close-out: close");
                self.check();
            }
        }
        // Passed ones are executed after their timelock; an execution can lengthen the
        // timelock of the others (a longer cooldown, settings that make a change risky), so
        // each round waits for the latest one the record predicts then.
        loop {
            let now = self.now();
            let m = &self.model;
            let passed: Vec<usize> = (0..m.proposals.len())
                .filter(|&i| m.proposals[i].status_now(now).0 == ProposalStatus::Passed)
                .collect();
            let Some(last_unlock) = passed
                .iter()
                .filter_map(|&i| m.executable_at(&m.proposals[i], now))
                .max()
            else {
                break;
            };
            self.advance_to(last_unlock);
            for idx in passed {
                let p = &self.model.proposals[idx];
                if self.model.executable_at(p, self.now()) <= Some(self.now()) {
                    self.execute(keeper, idx).expect("close-out: execute");
                    self.check();
                }
            }
        }
        // Every deposit went where the policy copied into its proposal says, once.
        for idx in 0..self.model.proposals.len() {
            let p = &self.model.proposals[idx];
            let (id, paid_to, status) = (p.id, p.paid_to, p.stored);
            let policy = match status {
                ProposalStatus::Executed | ProposalStatus::ExecutionFailed => Payee::Proposer,
                ProposalStatus::Rejected if p.refund_rejected => Payee::Proposer,
                ProposalStatus::Rejected | ProposalStatus::Vetoed => Payee::Treasury,
                other => panic!("proposal {id} left {other:?}"),
            };
            assert_eq!(paid_to, Some(policy), "deposit of {id}");
            assert_eq!(self.close(keeper, idx), Err(GovError::NotClosable { id }));
            let settled = || GovError::AlreadySettled { id, status };
            assert_eq!(self.execute(keeper, idx), Err(settled()));
            assert_eq!(self.veto(true, keeper, idx), Err(settled()));
        }
        self.check();
        // Everyone claims what is due, unstakes everything and claims it after unbonding.
        let last_release = self.model.claims.iter().flatten().map(|(_, at)| *at).max();
        self.advance_to(last_release.unwrap_or(0));
        for w in 0..VOTERS {
            if !self.model.claims[w].is_empty() {
                self.claim(w).expect("close-out: claim what is due");
            }
            if self.model.stake[w] > 0 {
                self.unstake(w, self.model.stake[w])
                    .expect("close-out: unstake");
            }
        }
        self.check();
        let unbonding = self.model.settings.unbonding;
        self.suite.advance(unbonding);
        for w in 0..VOTERS {
            if self.model.claims[w].is_empty() {
                assert_eq!(self.claim(w), Err(GovError::NothingToClaim));
            } else {
                self.claim(w).expect("close-out: claim after unbonding");
            }
        }
        self.check();

        // Nothing is left in governance; each voter has what the record says.
        let m = &self.model;
        assert_eq!(
            self.suite.gov_balance(&self.gov),
            0,
            "GOV left in governance"
        );
        assert_eq!(self.total_staked(), 0, "stake left");
        for (w, addr) in self.addrs.iter().enumerate() {
            assert_eq!(
                self.suite.gov_balance(addr) as i128,
                START as i128 + m.moved[w] - m.forfeited[w] as i128,
                "final GOV of {w}"
            );
        }
        assert_eq!(
            self.suite.gov_balance(&self.treasury),
            m.forfeited.iter().sum::<u128>(),
            "treasury"
        );
    }
}

fn run(initial: Settings, ops: Vec<Op>) {
    let mut world = World::new(initial);
    for op in ops {
        world.apply(op);
        world.check();
    }
    world.close_out();
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|c| c.parse().ok())
            .map_or(16, |c: u32| (c / 4).max(16)),
        ..ProptestConfig::default()
    })]

    #[test]
    fn tallies_are_the_ballots_governance_holds_exactly_its_dues_and_close_out_pays_everyone(
        initial in settings(deposit()),
        ops in prop::collection::vec(op(), 1..40),
    ) {
        run(initial, ops);
    }
}
