//! Randomized histories of deposits, premiums, shortfalls, withdrawals, donations and time,
//! played on the real contracts (cw-multi-test, sanity mode on) and on a small reference model
//! of `docs/fund.md` written in exact rational arithmetic. After every step the contract's books,
//! every user's collateral and share balances, and the engine's receipts must equal the model's
//! to the unit, and success or failure must agree. Together with the Suite's own checks this
//! covers invariants 3 to 9 of `docs/testing.md#invariants`.
//!
//! Every history then ends with a close-out (invariants 1, 2, 6 and 8):
//! 1. Every pending request, which must match the model field by field (owner, tranche, shares,
//!    price at request, its own cooldown end and claim deadline, status, payout now), is driven
//!    to its end in order of cooldown end: time moves to its cooldown end or to the last second
//!    of its claim window, and the owner claims. The claim must pay exactly
//!    `floor(shares * min(price at request, price at claim))` as the model computes it (balance
//!    change and `payout` attribute). A request that had already lapsed is expired.
//! 2. Every underwriter then asks to withdraw all senior shares and claims, then all junior
//!    shares and claims; all of it must succeed. Only in step 1 may a junior claim be refused,
//!    with `SubordinationBreach` and exactly the ratio and minimum the model predicts (it is
//!    then cancelled): once no senior share is left, senior holds nothing (the last claim moved
//!    what it held to the reserve), so subordination holds no junior exit back.
//! 3. At the end no request is left and both tranches are fully redeemed and hold nothing
//!    (what the last claim of a tranche leaves moves to the reserve); the fund's bank
//!    balance equals reserve + tranche assets + donations,
//!    all from the model; each cw20 supply is zero like the model's; what each underwriter
//!    received in the close-out, and the sum, equals the model's payouts to the unit; and the
//!    collateral of all accounts sums to what was minted.
//!
//! Case count: `PROPTEST_CASES` (CI sets thousands).

use std::collections::BTreeMap;

use cosmwasm_std::{Addr, Decimal, Decimal256};
use insurance_fund::ContractError;
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{ToPrimitive, Zero};
use proptest::prelude::*;
use tranche_perps_testing::{Suite, ONE};
use tranche_perps_types::fund::{FundParams, RequestStatus, Tranche, WithdrawalRequestResponse};

const V: u64 = 1_000;
const USERS: usize = 4;
const START_BALANCE: u128 = 10_000_000 * ONE;
const PAYER_BALANCE: u128 = 1_000_000_000 * ONE;

fn int(x: u128) -> BigInt {
    BigInt::from(x)
}

fn rat(x: &BigInt) -> BigRational {
    BigRational::from_integer(x.clone())
}

/// floor of a non-negative rational.
fn floor(x: BigRational) -> BigInt {
    x.floor().to_integer()
}

#[derive(Clone, Debug, Default)]
struct ModelTranche {
    assets: BigInt,
    supply: BigInt,
    pending: BigInt,
}

impl ModelTranche {
    fn price(&self) -> BigRational {
        BigRational::new(&self.assets + 1, &self.supply + V)
    }
}

#[derive(Clone, Debug)]
struct ModelRequest {
    owner: usize,
    tranche: Tranche,
    shares: BigInt,
    price: BigRational,
    cooldown_end: u64,
    deadline: u64,
}

/// Why the fund refuses a step, as the model predicts it (the contract's typed error).
#[derive(Clone, Debug, PartialEq, Eq)]
enum Refusal {
    CooldownNotOver,
    ClaimWindowClosed,
    /// `ContractError::SubordinationBreach` with this junior ratio.
    Subordination {
        junior_ratio: Decimal,
    },
}

/// The fund as `docs/fund.md` describes it, in exact arithmetic.
struct Model {
    params: FundParams,
    junior: ModelTranche,
    senior: ModelTranche,
    reserve: BigInt,
    window_start: u64,
    window_start_assets: BigInt,
    window_paid: BigInt,
    requests: BTreeMap<u64, ModelRequest>,
    next_request: u64,
    covered: Vec<u64>,
    cash: [BigInt; USERS],
    shares: [[BigInt; 2]; USERS],
    engine_received: BigInt,
    /// Collateral of the premium and donation payer.
    payer: BigInt,
    /// Collateral sent to the fund outside its messages.
    donated: BigInt,
}

fn idx(t: Tranche) -> usize {
    match t {
        Tranche::Junior => 0,
        Tranche::Senior => 1,
    }
}

impl Model {
    fn new(params: FundParams) -> Self {
        Model {
            params,
            junior: Default::default(),
            senior: Default::default(),
            reserve: BigInt::zero(),
            window_start: 0,
            window_start_assets: BigInt::zero(),
            window_paid: BigInt::zero(),
            requests: BTreeMap::new(),
            next_request: 1,
            covered: vec![],
            cash: std::array::from_fn(|_| int(START_BALANCE)),
            shares: std::array::from_fn(|_| [BigInt::zero(), BigInt::zero()]),
            engine_received: BigInt::zero(),
            payer: int(PAYER_BALANCE),
            donated: BigInt::zero(),
        }
    }

    fn tranche(&mut self, t: Tranche) -> &mut ModelTranche {
        match t {
            Tranche::Junior => &mut self.junior,
            Tranche::Senior => &mut self.senior,
        }
    }

    fn min_ratio(&self) -> BigRational {
        let atomics = self.params.min_junior_ratio.atomics().u128();
        BigRational::new(int(atomics), int(10u128.pow(18)))
    }

    /// Subordination holds for junior assets `aj` and senior assets `a_s`.
    fn subordinated(&self, aj: &BigInt, a_s: &BigInt) -> bool {
        self.subordination(aj, a_s).is_ok()
    }

    /// Subordination for junior assets `aj` and senior assets `a_s`, refused with the junior
    /// ratio the fund must report (`floor(aj * 10^18 / (aj + a_s))` atomics).
    fn subordination(&self, aj: &BigInt, a_s: &BigInt) -> Result<(), Refusal> {
        let total = aj + a_s;
        if total.is_zero() || BigRational::new(aj.clone(), total.clone()) >= self.min_ratio() {
            return Ok(());
        }
        let atomics = floor(BigRational::new(aj * int(10u128.pow(18)), total));
        Err(Refusal::Subordination {
            junior_ratio: Decimal::raw(to_u128(&atomics)),
        })
    }

    fn deposit(&mut self, user: usize, t: Tranche, amount: u128) -> bool {
        let a = int(amount);
        let shares = floor(rat(&a) / self.tranche(t).price());
        if shares.is_zero() || self.cash[user] < a {
            return false;
        }
        if t == Tranche::Senior
            && !self.subordinated(&self.junior.assets, &(&self.senior.assets + &a))
        {
            return false;
        }
        let books = self.tranche(t);
        books.assets += &a;
        books.supply += &shares;
        self.cash[user] -= &a;
        self.shares[user][idx(t)] += shares;
        true
    }

    fn premium(&mut self, amount: u128) {
        let p = int(amount);
        self.payer -= &p;
        let earning = |m: &ModelTranche| {
            if m.supply.is_zero() {
                BigInt::zero()
            } else {
                m.assets.clone()
            }
        };
        let wj = earning(&self.junior) * self.params.junior_weight;
        let ws = earning(&self.senior) * self.params.senior_weight;
        if (&wj + &ws).is_zero() {
            self.reserve += p;
            return;
        }
        let to_junior = floor(rat(&p) * BigRational::new(wj.clone(), &wj + &ws));
        self.senior.assets += &p - &to_junior;
        self.junior.assets += to_junior;
    }

    fn shortfall(&mut self, now: u64, id: u64, amount: u128) -> bool {
        if self.covered.contains(&id) {
            return false;
        }
        if now >= self.window_start + self.params.payout_window_seconds {
            self.window_start = now;
            self.window_start_assets = &self.reserve + &self.junior.assets + &self.senior.assets;
            self.window_paid = BigInt::zero();
        }
        let cap = floor(BigRational::new(
            &self.window_start_assets * self.params.max_payout_bps,
            int(10_000),
        ));
        let room = (cap - &self.window_paid).max(BigInt::zero());
        let mut left = int(amount).min(room);
        let from_reserve = left.clone().min(self.reserve.clone());
        left -= &from_reserve;
        self.reserve -= &from_reserve;
        let min_remaining = int(self.params.min_remaining.u128());
        for t in Tranche::ALL {
            let books = self.tranche(t);
            let available = (&books.assets - &min_remaining).max(BigInt::zero());
            let taken = left.clone().min(available);
            books.assets -= &taken;
            left -= &taken;
            self.window_paid += &taken;
            self.engine_received += taken;
        }
        self.window_paid += &from_reserve;
        self.engine_received += from_reserve;
        self.covered.push(id);
        true
    }

    fn request(
        &mut self,
        now: u64,
        user: usize,
        t: Tranche,
        shares: &BigInt,
    ) -> Result<(), Refusal> {
        let price = self.tranche(t).price();
        if t == Tranche::Junior {
            let value = floor(rat(shares) * &price);
            self.subordination(&(&self.junior.assets - value), &self.senior.assets)?;
        }
        self.tranche(t).pending += shares;
        self.shares[user][idx(t)] -= shares;
        let cooldown_end = now + self.params.cooldown_seconds;
        self.requests.insert(
            self.next_request,
            ModelRequest {
                owner: user,
                tranche: t,
                shares: shares.clone(),
                price,
                cooldown_end,
                deadline: cooldown_end + self.params.claim_window_seconds,
            },
        );
        self.next_request += 1;
        Ok(())
    }

    /// `shares * min(price at request, price now)`, rounded down: what request `id` pays now.
    fn payout_now(&self, id: u64) -> BigInt {
        let req = &self.requests[&id];
        let books = match req.tranche {
            Tranche::Junior => &self.junior,
            Tranche::Senior => &self.senior,
        };
        let price = req.price.clone().min(books.price());
        floor(rat(&req.shares) * price)
    }

    /// Claims request `id` at `now`; returns the payout.
    fn claim(&mut self, now: u64, id: u64) -> Result<BigInt, Refusal> {
        let req = self.requests[&id].clone();
        if now < req.cooldown_end {
            return Err(Refusal::CooldownNotOver);
        }
        if now >= req.deadline {
            return Err(Refusal::ClaimWindowClosed);
        }
        let price_now = self.tranche(req.tranche).price();
        let price = if req.price < price_now {
            req.price.clone()
        } else {
            price_now
        };
        // Invariant 8: the model pays at most the price at request; `compare` then checks the
        // contract paid exactly this.
        let payout = floor(rat(&req.shares) * price);
        if req.tranche == Tranche::Junior {
            // Judged after the claim: junior's last claim leaves junior with nothing (the
            // rest moves to the reserve).
            let junior_after = if self.junior.supply == req.shares {
                BigInt::zero()
            } else {
                &self.junior.assets - &payout
            };
            self.subordination(&junior_after, &self.senior.assets)?;
        }
        let books = self.tranche(req.tranche);
        books.assets -= &payout;
        books.supply -= &req.shares;
        books.pending -= &req.shares;
        // The last share burned: what the tranche still holds belongs to no one and moves to
        // the reserve.
        let left = if books.supply.is_zero() {
            std::mem::take(&mut books.assets)
        } else {
            BigInt::zero()
        };
        self.reserve += left;
        self.cash[req.owner] += &payout;
        self.requests.remove(&id);
        Ok(payout)
    }

    fn give_back(&mut self, id: u64) {
        let req = self.requests.remove(&id).expect("request exists");
        self.tranche(req.tranche).pending -= &req.shares;
        self.shares[req.owner][idx(req.tranche)] += req.shares;
    }
}

#[derive(Clone, Debug)]
enum Op {
    Deposit {
        user: usize,
        junior: bool,
        amount: u128,
    },
    Premium {
        amount: u128,
    },
    Shortfall {
        repeat: bool,
        amount: u128,
    },
    Request {
        user: usize,
        junior: bool,
        percent: u8,
    },
    /// With `wait`, time first moves into the request's claim window, `offset` percent in.
    Claim {
        pick: usize,
        wait: bool,
        offset: u8,
    },
    Cancel {
        pick: usize,
    },
    Expire {
        pick: usize,
    },
    Advance {
        seconds: u64,
    },
    Donate {
        amount: u128,
    },
}

fn amount() -> impl Strategy<Value = u128> {
    prop_oneof![
        1u128..2_000,
        2_000u128..1_000_000_000,
        1_000_000_000u128..2_000_000_000_000,
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        5 => (0..USERS, any::<bool>(), amount())
            .prop_map(|(user, junior, amount)| Op::Deposit { user, junior, amount }),
        2 => amount().prop_map(|amount| Op::Premium { amount }),
        2 => (any::<bool>(), amount()).prop_map(|(repeat, amount)| Op::Shortfall { repeat, amount }),
        3 => (0..USERS, any::<bool>(), 1u8..=100)
            .prop_map(|(user, junior, percent)| Op::Request { user, junior, percent }),
        4 => (any::<usize>(), prop::bool::weighted(0.8), 0u8..100)
            .prop_map(|(pick, wait, offset)| Op::Claim { pick, wait, offset }),
        1 => any::<usize>().prop_map(|pick| Op::Cancel { pick }),
        1 => any::<usize>().prop_map(|pick| Op::Expire { pick }),
        3 => prop_oneof![Just(3_600u64), Just(86_400), Just(7 * 86_400), Just(9 * 86_400 + 1)]
            .prop_map(|seconds| Op::Advance { seconds }),
        1 => (1u128..1_000_000_000).prop_map(|amount| Op::Donate { amount }),
    ]
}

fn params() -> impl Strategy<Value = FundParams> {
    (
        1u32..=5,
        1u32..=3,
        0u64..=40,
        1_000u16..=10_000,
        1u128..=100_000,
    )
        .prop_map(|(wj, ws, ratio_pct, cap_bps, min_remaining)| FundParams {
            junior_weight: wj,
            senior_weight: ws,
            min_junior_ratio: cosmwasm_std::Decimal::percent(ratio_pct),
            max_payout_bps: cap_bps,
            min_remaining: cosmwasm_std::Uint128::new(min_remaining),
            ..FundParams::default()
        })
}

fn to_u128(x: &BigInt) -> u128 {
    x.to_u128().expect("model value fits u128")
}

struct Harness {
    suite: Suite,
    model: Model,
    users: Vec<Addr>,
    next_shortfall: u64,
    engine_start: u128,
}

impl Harness {
    fn new(params: FundParams) -> Self {
        let names = ["u0", "u1", "u2", "u3"];
        let suite = Suite::builder()
            .with_params(params.clone())
            .with_underwriters(&names, START_BALANCE)
            .with_underwriters(&["payer"], PAYER_BALANCE)
            .build();
        let users = names.iter().map(|n| suite.addr(n)).collect();
        let engine_start = suite.balance(&suite.engine);
        Harness {
            suite,
            model: Model::new(params),
            users,
            next_shortfall: 1,
            engine_start,
        }
    }

    fn now(&self) -> u64 {
        self.suite.now().seconds()
    }

    fn pick_request(&self, pick: usize) -> Option<u64> {
        let ids: Vec<u64> = self.model.requests.keys().copied().collect();
        (!ids.is_empty()).then(|| ids[pick % ids.len()])
    }

    fn apply(&mut self, op: &Op) {
        let now = self.now();
        let tranche = |junior: bool| {
            if junior {
                Tranche::Junior
            } else {
                Tranche::Senior
            }
        };
        match *op {
            Op::Deposit {
                user,
                junior,
                amount,
            } => {
                let amount = amount.min(to_u128(&self.model.cash[user]));
                if amount == 0 {
                    return;
                }
                let t = tranche(junior);
                let expected = self.model.deposit(user, t, amount);
                let got = self.suite.deposit(&self.users[user], t, amount);
                assert_eq!(
                    got.is_ok(),
                    expected,
                    "deposit {amount} into {t:?}: {got:?}"
                );
            }
            Op::Premium { amount } => {
                self.model.premium(amount);
                let payer = self.suite.addr("payer");
                self.suite.premium(&payer, amount).expect("premium");
            }
            Op::Shortfall { repeat, amount } => {
                let id = if repeat && self.next_shortfall > 1 {
                    self.next_shortfall - 1
                } else {
                    self.next_shortfall
                };
                let before = self.model.engine_received.clone();
                let expected = self.model.shortfall(now, id, amount);
                let got = self.suite.cover_shortfall(id, amount);
                assert_eq!(got.is_ok(), expected, "shortfall {id}: {got:?}");
                if let Ok(res) = got {
                    let paid = &self.model.engine_received - before;
                    assert_eq!(res.paid.u128(), to_u128(&paid), "paid");
                    assert_eq!(res.unpaid.u128(), amount - to_u128(&paid), "unpaid");
                    let record = self.suite.loss(id);
                    assert_eq!(record.asked.u128(), amount);
                    assert_eq!(
                        (record.paid_by_reserve + record.paid_by_junior + record.paid_by_senior)
                            .u128(),
                        to_u128(&paid)
                    );
                    self.next_shortfall += 1;
                }
            }
            Op::Request {
                user,
                junior,
                percent,
            } => {
                let t = tranche(junior);
                let held = &self.model.shares[user][idx(t)];
                let shares = held * percent / 100u8;
                if shares.is_zero() {
                    return;
                }
                let expected = self.model.request(now, user, t, &shares).is_ok();
                let got = self
                    .suite
                    .request_withdrawal(&self.users[user], t, to_u128(&shares));
                assert_eq!(got.is_ok(), expected, "request {t:?}: {got:?}");
                if let Ok(id) = got {
                    assert_eq!(id, self.model.next_request - 1, "request ids agree");
                }
            }
            Op::Claim { pick, wait, offset } => {
                let Some(id) = self.pick_request(pick) else {
                    return;
                };
                let request = &self.model.requests[&id];
                let owner = self.users[request.owner].clone();
                if wait && now < request.cooldown_end {
                    let window = request.deadline - request.cooldown_end;
                    let into_window = window * u64::from(offset) / 100;
                    self.suite.advance(request.cooldown_end - now + into_window);
                }
                let now = self.now();
                let expected = self.model.claim(now, id).is_ok();
                let got = self.suite.claim(&owner, id);
                assert_eq!(got.is_ok(), expected, "claim {id}: {got:?}");
            }
            Op::Cancel { pick } => {
                let Some(id) = self.pick_request(pick) else {
                    return;
                };
                let owner = self.users[self.model.requests[&id].owner].clone();
                self.model.give_back(id);
                self.suite.cancel(&owner, id).expect("cancel");
            }
            Op::Expire { pick } => {
                let Some(id) = self.pick_request(pick) else {
                    return;
                };
                let lapsed = now >= self.model.requests[&id].deadline;
                let keeper = self.suite.addr("payer");
                let got = self.suite.expire(&keeper, id);
                assert_eq!(got.is_ok(), lapsed, "expire {id}: {got:?}");
                if lapsed {
                    self.model.give_back(id);
                }
            }
            Op::Advance { seconds } => self.suite.advance(seconds),
            Op::Donate { amount } => {
                let payer = self.suite.addr("payer");
                self.suite.donate(&payer, amount);
                self.model.payer -= int(amount);
                self.model.donated += int(amount);
            }
        }
        self.compare();
    }

    /// Contract books and every balance equal the model's, to the unit.
    fn compare(&self) {
        let state = self.suite.state();
        let m = &self.model;
        for (view, books) in [(&state.junior, &m.junior), (&state.senior, &m.senior)] {
            assert_eq!(
                view.assets.u128(),
                to_u128(&books.assets),
                "{:?} assets",
                view.tranche
            );
            assert_eq!(
                view.supply.u128(),
                to_u128(&books.supply),
                "{:?} supply",
                view.tranche
            );
            assert_eq!(
                view.pending_withdrawal_shares.u128(),
                to_u128(&books.pending),
                "{:?} pending",
                view.tranche
            );
        }
        assert_eq!(state.reserve.u128(), to_u128(&m.reserve), "reserve");
        for (user, addr) in self.users.iter().enumerate() {
            assert_eq!(
                self.suite.balance(addr),
                to_u128(&m.cash[user]),
                "cash of u{user}"
            );
            for t in Tranche::ALL {
                assert_eq!(
                    self.suite.shares(t, addr),
                    to_u128(&m.shares[user][idx(t)]),
                    "{t:?} shares of u{user}"
                );
            }
        }
        assert_eq!(
            self.suite.balance(&self.suite.engine) - self.engine_start,
            to_u128(&m.engine_received),
            "engine receipts"
        );
        assert_eq!(
            self.suite.balance(&self.suite.addr("payer")),
            to_u128(&m.payer),
            "payer's collateral"
        );
    }

    /// Every pending request of every user, as the fund reports it, read page by page.
    fn fund_requests(&self) -> Vec<WithdrawalRequestResponse> {
        let mut all = vec![];
        for addr in &self.users {
            let mut start_after = None;
            loop {
                let page = self.suite.requests(addr, start_after, Some(30));
                let Some(last) = page.last() else { break };
                start_after = Some(last.id);
                all.extend(page);
            }
        }
        all.sort_by_key(|r| r.id);
        all
    }

    /// The fund's pending requests are exactly the model's, field by field (owner, tranche,
    /// shares, price at request, cooldown end, claim deadline, status and payout now).
    fn compare_requests(&self) {
        let now = self.now();
        let listed = self.fund_requests();
        let ids: Vec<u64> = listed.iter().map(|r| r.id).collect();
        let expected: Vec<u64> = self.model.requests.keys().copied().collect();
        assert_eq!(ids, expected, "pending request ids");
        for got in &listed {
            let req = &self.model.requests[&got.id];
            let id = got.id;
            assert_eq!(got.owner, self.users[req.owner], "request {id} owner");
            assert_eq!(got.tranche, req.tranche, "request {id} tranche");
            assert_eq!(
                got.shares.u128(),
                to_u128(&req.shares),
                "request {id} shares"
            );
            let price = floor(req.price.clone() * rat(&int(10u128.pow(18))));
            assert_eq!(
                got.price_at_request,
                Decimal256::new(to_u128(&price).into()),
                "request {id} price at request"
            );
            assert_eq!(
                got.cooldown_end.seconds(),
                req.cooldown_end,
                "request {id} cooldown end"
            );
            assert_eq!(
                got.claim_deadline.seconds(),
                req.deadline,
                "request {id} claim deadline"
            );
            let status = if now < req.cooldown_end {
                RequestStatus::CoolingDown
            } else if now < req.deadline {
                RequestStatus::Claimable
            } else {
                RequestStatus::Lapsed
            };
            assert_eq!(got.status, status, "request {id} status");
            assert_eq!(
                got.payout_now.u128(),
                to_u128(&self.model.payout_now(id)),
                "request {id} payout now"
            );
        }
    }

    /// Drives the requests `ids` to their end, in order of their own stored cooldown ends: time
    /// moves to the request's cooldown end (or, when bit `id % 64` of `late` is set, to the last
    /// second of its claim window) and the owner claims. A request whose window already passed
    /// is expired (its shares go back); a junior claim the model says breaks subordination must
    /// fail with exactly that typed error and is then cancelled. Nothing else may fail.
    fn settle(&mut self, ids: &[u64], late: u64, out: &mut CloseOut) {
        let mut order: Vec<(u64, u64)> = ids
            .iter()
            .map(|&id| (self.model.requests[&id].cooldown_end, id))
            .collect();
        order.sort_unstable();
        for (_, id) in order {
            let req = self.model.requests[&id].clone();
            let owner = self.users[req.owner].clone();
            let target = if (late >> (id % 64)) & 1 == 1 {
                req.deadline - 1
            } else {
                req.cooldown_end
            };
            let now = self.now();
            if now < target {
                self.suite.advance(target - now);
            }
            let now = self.now();
            self.compare_requests();
            if now >= req.deadline {
                let keeper = self.suite.addr("payer");
                let got = self.suite.expire(&keeper, id);
                assert!(
                    got.is_ok(),
                    "close-out expiry of lapsed request {id}: {got:?}"
                );
                self.model.give_back(id);
                self.compare();
                continue;
            }
            let before = self.suite.balance(&owner);
            let expected = self.model.claim(now, id);
            let got = self.suite.claim(&owner, id);
            match (expected, got) {
                (Ok(payout), Ok(res)) => {
                    let received = self.suite.balance(&owner) - before;
                    assert_eq!(
                        received,
                        to_u128(&payout),
                        "close-out claim {id} of u{} must pay shares * min(price at request, \
                         price at claim), rounded down",
                        req.owner
                    );
                    let reported = res
                        .events
                        .iter()
                        .flat_map(|e| e.attributes.iter())
                        .find(|a| a.key == "payout")
                        .map(|a| a.value.clone());
                    assert_eq!(
                        reported,
                        Some(payout.to_string()),
                        "close-out claim {id} payout attribute"
                    );
                    out.received[req.owner] += payout;
                }
                (
                    Err(Refusal::Subordination { junior_ratio }),
                    Err(ContractError::SubordinationBreach {
                        junior_ratio: got,
                        min,
                    }),
                ) => {
                    assert_eq!(got, junior_ratio, "close-out claim {id}: reported ratio");
                    assert_eq!(min, self.model.params.min_junior_ratio, "claim {id}: min");
                    assert_eq!(req.tranche, Tranche::Junior, "only junior is subordinated");
                    let cancelled = self.suite.cancel(&owner, id);
                    assert!(cancelled.is_ok(), "cancel refused {id}: {cancelled:?}");
                    self.model.give_back(id);
                    out.refused += 1;
                }
                (expected, got) => {
                    panic!("close-out claim {id}: model says {expected:?}, fund says {got:?}")
                }
            }
            self.compare();
        }
    }

    /// Closes the fund out: (1) every pending request is driven to its end; (2) every
    /// underwriter asks to withdraw all senior shares and claims, then all junior shares and
    /// claims; (3) the books, balances and cw20 supplies equal the model exactly.
    fn close_out(&mut self, late: u64) {
        self.compare_requests();
        let cash_before: Vec<u128> = self.users.iter().map(|u| self.suite.balance(u)).collect();
        let mut out = CloseOut::default();

        // 1. Pending requests from the history.
        let pending: Vec<u64> = self.model.requests.keys().copied().collect();
        self.settle(&pending, late, &mut out);
        assert!(self.model.requests.is_empty(), "every request was settled");

        // 2. Everyone withdraws everything: senior first (it frees junior), then junior.
        for t in [Tranche::Senior, Tranche::Junior] {
            let mut ids = vec![];
            for user in 0..USERS {
                let shares = self.model.shares[user][idx(t)].clone();
                if shares.is_zero() {
                    continue;
                }
                let now = self.now();
                let expected = self.model.request(now, user, t, &shares);
                let got = self
                    .suite
                    .request_withdrawal(&self.users[user], t, to_u128(&shares));
                match (expected, got) {
                    (Ok(()), Ok(id)) => {
                        assert_eq!(id, self.model.next_request - 1, "request ids agree");
                        ids.push(id);
                    }
                    (expected, got) => panic!(
                        "close-out {t:?} request of u{user}: model says {expected:?}, fund says \
                         {got:?}"
                    ),
                }
                self.compare();
            }
            let refused = out.refused;
            self.settle(&ids, late, &mut out);
            // Senior goes first and is never held back; once no senior share is left, senior
            // holds nothing and subordination holds no junior exit back either.
            assert_eq!(out.refused, refused, "close-out {t:?} claim refused");
        }

        // 3. Final books.
        let m = &self.model;
        assert!(m.requests.is_empty(), "no request left in the model");
        assert!(
            self.fund_requests().is_empty(),
            "no request left in the fund"
        );
        // What each underwriter received in the close-out is what the model paid them.
        let mut total_received = 0u128;
        for (user, addr) in self.users.iter().enumerate() {
            let received = self.suite.balance(addr) - cash_before[user];
            assert_eq!(
                received,
                to_u128(&out.received[user]),
                "u{user} received in the close-out"
            );
            total_received += received;
        }
        let model_total: BigInt = out.received.iter().sum();
        assert_eq!(
            total_received,
            to_u128(&model_total),
            "underwriters received in total"
        );
        // Conservation: the fund's bank balance is its liabilities (the reserve, which took what
        // the last claim of each tranche left) plus the donations, exactly.
        let liabilities = &m.reserve + &m.junior.assets + &m.senior.assets;
        assert_eq!(
            self.suite.balance(&self.suite.fund),
            to_u128(&(&liabilities + &m.donated)),
            "fund balance = reserve + tranche assets + donations"
        );
        let state = self.suite.state();
        assert_eq!(
            state.total_assets.u128(),
            to_u128(&liabilities),
            "fund's total assets"
        );
        for (t, books) in [(Tranche::Junior, &m.junior), (Tranche::Senior, &m.senior)] {
            assert!(
                books.pending.is_zero(),
                "{t:?}: nothing pending in the model"
            );
            let held: BigInt = (0..USERS).map(|u| &m.shares[u][idx(t)]).sum();
            assert_eq!(held, books.supply, "{t:?}: model supply is what users hold");
            assert_eq!(
                self.suite.share_supply(t),
                to_u128(&books.supply),
                "{t:?} cw20 supply"
            );
            assert_eq!(
                self.suite.shares(t, &self.suite.fund),
                0,
                "{t:?} shares left at the fund"
            );
        }
        assert!(m.senior.supply.is_zero(), "every senior share is redeemed");
        assert!(m.junior.supply.is_zero(), "every junior share is redeemed");
        assert!(
            m.junior.assets.is_zero() && m.senior.assets.is_zero(),
            "emptied tranches hold nothing"
        );
        // Nothing is created or destroyed: every account's collateral sums to what was minted.
        let payer = self.suite.addr("payer");
        let accounts = self
            .users
            .iter()
            .chain([&payer, &self.suite.engine, &self.suite.fund]);
        let total: u128 = accounts.map(|a| self.suite.balance(a)).sum();
        assert_eq!(
            total,
            START_BALANCE * USERS as u128 + PAYER_BALANCE + self.engine_start,
            "collateral is conserved"
        );
        let model_total = m.cash.iter().sum::<BigInt>()
            + &m.payer
            + &m.engine_received
            + int(self.engine_start)
            + liabilities
            + &m.donated;
        assert_eq!(
            to_u128(&model_total),
            total,
            "the model's books account for every unit"
        );
    }
}

/// What the close-out did.
#[derive(Default)]
struct CloseOut {
    received: [BigInt; USERS],
    refused: usize,
}

proptest! {
    /// Random histories agree with the reference model step by step (invariants 3-9), then
    /// close out exactly as the model says (invariants 1, 2, 6 and 8).
    #[test]
    fn fund_matches_reference_model(
        params in params(),
        ops in prop::collection::vec(op(), 1..40),
        late in any::<u64>(),
    ) {
        let mut h = Harness::new(params);
        for op in &ops {
            h.apply(op);
        }
        h.close_out(late);
    }

    /// Invariant 5: whatever happened before, depositing and withdrawing at once (with or
    /// without premiums during the cooldown) never returns more than was deposited.
    #[test]
    fn deposit_then_withdraw_never_profits(
        params in params(),
        history in prop::collection::vec(op(), 0..20),
        junior in any::<bool>(),
        amount in amount(),
        premium_during_cooldown in prop::option::of(amount()),
    ) {
        let mut h = Harness::new(params);
        for op in &history {
            h.apply(op);
        }
        let t = if junior { Tranche::Junior } else { Tranche::Senior };
        let who = h.suite.addr("newcomer");
        h.suite.mint(&who, amount);
        if h.suite.deposit(&who, t, amount).is_err() {
            return Ok(());
        }
        let shares = h.suite.shares(t, &who);
        let Ok(id) = h.suite.request_withdrawal(&who, t, shares) else { return Ok(()) };
        if let Some(premium) = premium_during_cooldown {
            let payer = h.suite.addr("payer");
            h.suite.premium(&payer, premium).expect("premium");
        }
        let cooldown = h.suite.request(id).cooldown_end.seconds() - h.now();
        h.suite.advance(cooldown);
        if h.suite.claim(&who, id).is_ok() {
            prop_assert!(h.suite.balance(&who) <= amount, "withdrew more than deposited");
        }
    }
}
