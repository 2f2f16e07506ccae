//! Randomized histories of deposits, premiums, reserve allocations, shortfalls, withdrawals,
//! donations and time, with adversaries among the underwriters, played on the real contracts
//! (cw-multi-test, sanity mode on) and on a small reference model of `docs/fund.md` written in
//! exact integer and rational arithmetic. After every step the contract's books (priced assets,
//! locked premium and its unlock end, supply, pending shares, reserve), every user's collateral
//! and share balances, and the engine's receipts must equal the model's to the unit, and a
//! refused step must fail with exactly the typed error the model predicts. Together with the
//! Suite's own checks this covers invariants 3 to 9 of `docs/testing.md#invariants`.
//!
//! The model books a tranche's premium unlock at exactly the steps that write that tranche's
//! books (deposits, requests and claims of it, premiums and allocations it receives, shortfalls
//! that reach it, when they succeed; not cancels, expiries, refused steps, queries, or steps on
//! the other tranche), since each booking rounds down on its own.
//!
//! Every claim, wherever it happens, checks: the owner receives exactly the model's payout;
//! the `to_reserve` attribute is the model's forfeit (the shares' value above the payout plus
//! their locked part, plus what a tranche's last claim leaves) and the reserve grows by exactly
//! that (the reserve receives every forfeit); a junior claim refused with `SubordinationBreach`
//! was excused by a loss taken from junior or by senior premium since its request (a senior
//! deposit or a reserve allocation into senior never turns an accepted junior request into a
//! refused claim).
//!
//! Adversaries (accounts `a0` to `a2` and regular holders, each attack its own op):
//! - **sweep timer** (`a0`): deposits right before a premium (the engine's sweep), asks to leave
//!   right after it or after a short hold, claims at its cooldown end. Its payout never exceeds
//!   what it paid in plus `shares * (U + R)`, where `U` is the premium unlocked per share
//!   (`sum of vested / (supply + V)` over the model's bookings) while it held and `R` bounds the
//!   rounding other steps leave to holders (`price / (supply + V)` per deposit, `1 / (supply +
//!   V)` per claim); leaving in the block of the premium, never more than it paid in.
//! - **forfeit sniper** (`a1`): makes every other holder of a tranche ask to leave, optionally
//!   lets a premium arrive, deposits right before their claims, then leaves; its payout obeys
//!   the same bound (the forfeits went to the reserve, not to it).
//! - **armed exit** (a regular holder): a request past its cooldown tries to claim in the block
//!   a loss becomes visible. With the engine reporting a shock the claim is refused with
//!   `ClaimsPausedByShock { until }` and changes nothing; the loss is booked; after the pause
//!   the claim pays at most `shares * (price after the loss + U + R)`. A loss that shows no
//!   shock lets the claim through first (the residual of docs/fund.md).
//! - **griefer** (`a2`): after a junior holder's accepted request, deposits into senior exactly
//!   one unit more than the room the pending exit leaves (refused with the model's
//!   `SubordinationBreach`), then exactly the room (accepted); the junior claim at its cooldown
//!   end must then be paid.
//!
//! Every history then ends with a close-out (invariants 1, 2, 6 and 8):
//! 1. Every pending request, which must match the model field by field (owner, tranche, shares,
//!    price at request, its own cooldown end and claim deadline, status, payout now), is driven
//!    to its end in order of cooldown end: time moves to its cooldown end or to the last second
//!    of its claim window, and the owner claims. A request that had already lapsed is expired.
//! 2. Every underwriter then asks to withdraw all senior shares and claims, then all junior
//!    shares and claims; all of it must succeed. Only in step 1 may a junior claim be refused
//!    (it is then cancelled): once no senior share is left, senior holds nothing, so
//!    subordination holds no junior exit back.
//! 3. At the end no request is left and both tranches are fully redeemed and hold nothing;
//!    the fund's bank balance equals the reserve plus donations, all from the model; each cw20
//!    supply is zero; what each underwriter received in the close-out equals the model's
//!    payouts to the unit; and the collateral of all accounts sums to what was minted.
//!
//! Case count: `PROPTEST_CASES` (the proptest default, 256, without it; CI sets thousands).
//! Histories hold up to 31 ops (the adversaries' ops play several steps each), so a history
//! costs about what one of 40 plain ops did.

use std::collections::BTreeMap;

use cosmwasm_std::{
    to_json_vec, Addr, Decimal, Decimal256, Deps, DepsMut, Empty, Env, MessageInfo, Response,
    StdResult, Uint128,
};
use cw_multi_test::{ContractWrapper, Executor};
use insurance_fund::ContractError;
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{ToPrimitive, Zero};
use proptest::prelude::*;
use tranche_perps_testing::time::{DAY, HOUR};
use tranche_perps_testing::{wasm_attr, Suite, ONE};
use tranche_perps_types::engine::SHOCK_UNTIL_KEY;
use tranche_perps_types::fund::{
    FundParams, RequestStatus, ReserveTarget, Tranche, WithdrawalRequestResponse,
};

const V: u64 = 1_000;
/// Regular underwriters `u0`..`u3`, then the adversaries `a0` (sweep timer), `a1` (sniper)
/// and `a2` (griefer); the armed exits are regular underwriters.
const REGULAR: usize = 4;
const USERS: usize = 7;
const SWEEP_TIMER: usize = 4;
const SNIPER: usize = 5;
const GRIEFER: usize = 6;
const START_BALANCE: u128 = 10_000_000 * ONE;
const PAYER_BALANCE: u128 = 1_000_000_000 * ONE;

fn int(x: u128) -> BigInt {
    BigInt::from(x)
}

fn rat(x: &BigInt) -> BigRational {
    BigRational::from_integer(x.clone())
}

fn ratio(n: BigInt, d: BigInt) -> BigRational {
    BigRational::new(n, d)
}

/// floor of a non-negative rational.
fn floor(x: BigRational) -> BigInt {
    x.floor().to_integer()
}

/// ceil of a non-negative rational.
fn ceil(x: BigRational) -> BigInt {
    x.ceil().to_integer()
}

fn to_u128(x: &BigInt) -> u128 {
    x.to_u128().expect("model value fits u128")
}

fn idx(t: Tranche) -> usize {
    match t {
        Tranche::Junior => 0,
        Tranche::Senior => 1,
    }
}

/// One tranche as docs/fund.md describes it.
#[derive(Clone, Debug)]
struct ModelTranche {
    /// Priced assets.
    assets: BigInt,
    supply: BigInt,
    pending: BigInt,
    /// Premium (and allocated reserve) not yet priced.
    locked: BigInt,
    /// Unlock end and the time up to which the unlock is booked (0 while nothing is locked).
    unlock_end: u64,
    unlocked_at: u64,
    /// Premium unlocked per share over the bookings: `sum of vested / (supply + V)`.
    unlocked_per_share: BigRational,
    /// Upper bound of what rounding of other steps added to the price of a share.
    rounding_per_share: BigRational,
}

impl Default for ModelTranche {
    fn default() -> Self {
        ModelTranche {
            assets: BigInt::zero(),
            supply: BigInt::zero(),
            pending: BigInt::zero(),
            locked: BigInt::zero(),
            unlock_end: 0,
            unlocked_at: 0,
            unlocked_per_share: BigRational::zero(),
            rounding_per_share: BigRational::zero(),
        }
    }
}

impl ModelTranche {
    /// `(assets + 1) / (supply + V)`.
    fn price(&self) -> BigRational {
        ratio(&self.assets + 1, &self.supply + V)
    }

    /// Priced assets plus locked premium.
    fn collateral(&self) -> BigInt {
        &self.assets + &self.locked
    }

    /// What a holder may gain per share without a loss: unlocks plus the rounding bound.
    fn gain_index(&self) -> BigRational {
        &self.unlocked_per_share + &self.rounding_per_share
    }

    fn clear_lock(&mut self) {
        self.locked = BigInt::zero();
        self.unlock_end = 0;
        self.unlocked_at = 0;
    }

    /// Books what has unlocked by `now`: all from the unlock end on, else
    /// `floor(locked * (now - last) / (end - last))`.
    fn unlock(&mut self, now: u64) {
        if self.locked.is_zero() {
            return;
        }
        let vested = if now >= self.unlock_end {
            self.locked.clone()
        } else if now > self.unlocked_at {
            floor(ratio(
                &self.locked * (now - self.unlocked_at),
                BigInt::from(self.unlock_end - self.unlocked_at),
            ))
        } else {
            return;
        };
        self.unlocked_per_share += ratio(vested.clone(), &self.supply + V);
        self.assets += &vested;
        self.locked -= &vested;
        if now >= self.unlock_end {
            self.clear_lock();
        } else {
            self.unlocked_at = now;
        }
    }

    /// Locks `amount` at `now`: the new end is now plus the amount-weighted average of the
    /// remaining time of what is locked and a full `period`, rounded down, at least a second.
    fn lock(&mut self, amount: &BigInt, now: u64, period: u64) {
        if amount.is_zero() {
            return;
        }
        self.unlock(now);
        let remaining = self.unlock_end.saturating_sub(now);
        let total = &self.locked + amount;
        let average = floor(ratio(
            &self.locked * remaining + amount * period,
            total.clone(),
        ));
        self.locked = total;
        self.unlocked_at = now;
        self.unlock_end = now + average.to_u64().expect("duration").max(1);
    }

    /// Least collateral the tranche keeps once every pending request is paid, whatever their
    /// order and whatever unlocks in between: `ceil(Q) - 1` with
    /// `Q = (A + 1) * (S - P + V) / (S + V) + L * (S - P) / S`; nothing when every share is
    /// pending.
    fn after_exits(&self) -> BigInt {
        if self.pending.is_zero() {
            return self.collateral();
        }
        if self.pending >= self.supply {
            return BigInt::zero();
        }
        let staying = &self.supply - &self.pending;
        let q = ratio((&self.assets + 1) * (&staying + V), &self.supply + V)
            + ratio(&self.locked * &staying, self.supply.clone());
        let bound: BigInt = ceil(q) - 1;
        bound.max(BigInt::zero())
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
    /// A loss taken from junior or premium locked into senior since the request: only these
    /// may turn an accepted junior request into a refused claim.
    excused: bool,
}

/// The fund's books in the model.
#[derive(Clone, Debug)]
struct Books {
    junior: ModelTranche,
    senior: ModelTranche,
    reserve: BigInt,
    window_end: u64,
    window_start_assets: BigInt,
    window_paid: BigInt,
}

impl Books {
    fn tranche(&self, t: Tranche) -> &ModelTranche {
        match t {
            Tranche::Junior => &self.junior,
            Tranche::Senior => &self.senior,
        }
    }

    fn tranche_mut(&mut self, t: Tranche) -> &mut ModelTranche {
        match t {
            Tranche::Junior => &mut self.junior,
            Tranche::Senior => &mut self.senior,
        }
    }

    fn unlock(&mut self, now: u64) {
        self.junior.unlock(now);
        self.senior.unlock(now);
    }

    fn total(&self) -> BigInt {
        &self.reserve + self.junior.collateral() + self.senior.collateral()
    }

    /// Puts back the books of `t` as `stored` holds them: the contract books a tranche's
    /// unlock only when an operation writes that tranche's books.
    fn unbook(&mut self, stored: &Books, t: Tranche) {
        *self.tranche_mut(t) = stored.tranche(t).clone();
    }

    /// The books as the `State` query shows them at `now` (unlocked, not stored).
    fn at(&self, now: u64) -> Books {
        let mut b = self.clone();
        b.unlock(now);
        b
    }
}

/// The other tranche.
fn other(t: Tranche) -> Tranche {
    match t {
        Tranche::Junior => Tranche::Senior,
        Tranche::Senior => Tranche::Junior,
    }
}

/// A successful claim in the model.
#[derive(Clone, Debug)]
struct Claimed {
    payout: BigInt,
    to_reserve: BigInt,
}

/// The fund as `docs/fund.md` describes it, in exact arithmetic.
struct Model {
    params: FundParams,
    b: Books,
    requests: BTreeMap<u64, ModelRequest>,
    next_request: u64,
    covered: Vec<u64>,
    cash: Vec<BigInt>,
    shares: Vec<[BigInt; 2]>,
    engine_received: BigInt,
    /// Collateral of the premium and donation payer.
    payer: BigInt,
    /// Collateral sent to the fund outside its messages.
    donated: BigInt,
    /// Until when the engine reports a price shock.
    shock_until: u64,
}

impl Model {
    fn new(params: FundParams) -> Self {
        Model {
            params,
            b: Books {
                junior: ModelTranche::default(),
                senior: ModelTranche::default(),
                reserve: BigInt::zero(),
                window_end: 0,
                window_start_assets: BigInt::zero(),
                window_paid: BigInt::zero(),
            },
            requests: BTreeMap::new(),
            next_request: 1,
            covered: vec![],
            cash: vec![int(START_BALANCE); USERS],
            shares: vec![[BigInt::zero(), BigInt::zero()]; USERS],
            engine_received: BigInt::zero(),
            payer: int(PAYER_BALANCE),
            donated: BigInt::zero(),
            shock_until: 0,
        }
    }

    /// Fails with `SubordinationBreach` when `j / (j + s) < min`, with the ratio rounded down
    /// to 18 decimals; two empty tranches breach nothing.
    fn subordination(&self, j: &BigInt, s: &BigInt) -> Result<(), ContractError> {
        let total = j + s;
        let min = self.params.min_junior_ratio;
        let min_atomics = int(min.atomics().u128());
        let one = int(10u128.pow(18));
        if total.is_zero() || j * &one >= &min_atomics * &total {
            return Ok(());
        }
        let atomics = floor(ratio(j * one, total));
        Err(ContractError::SubordinationBreach {
            junior_ratio: Decimal::raw(to_u128(&atomics)),
            min,
        })
    }

    /// Subordination once every pending junior request is paid.
    fn subordination_after_exits(&self, b: &Books) -> Result<(), ContractError> {
        self.subordination(&b.junior.after_exits(), &b.senior.collateral())
    }

    fn deposit(
        &mut self,
        now: u64,
        user: usize,
        t: Tranche,
        amount: u128,
    ) -> Result<BigInt, ContractError> {
        let a = int(amount);
        let mut b = self.b.clone();
        b.unlock(now);
        let books = b.tranche_mut(t);
        let price = books.price();
        let shares = floor(rat(&a) / &price);
        if shares.is_zero() {
            return Err(ContractError::ZeroShares);
        }
        books.assets += &a;
        books.supply += &shares;
        // The depositor's rounding stays with the holders: less than a share's price.
        books.rounding_per_share += price / rat(&(&books.supply + V));
        if t == Tranche::Senior {
            self.subordination_after_exits(&b)?;
        }
        b.unbook(&self.b, other(t));
        self.b = b;
        self.cash[user] -= &a;
        self.shares[user][idx(t)] += &shares;
        Ok(shares)
    }

    /// Splits premium `amount` by risk weight over the tranches with shares (collateral counts
    /// its locked premium) and locks each part; the reserve takes it when both are empty.
    fn premium(&mut self, now: u64, amount: u128) {
        let p = int(amount);
        self.payer -= &p;
        let stored = self.b.clone();
        self.b.unlock(now);
        let earning = |m: &ModelTranche| {
            if m.supply.is_zero() {
                BigInt::zero()
            } else {
                m.collateral()
            }
        };
        let wj = earning(&self.b.junior) * self.params.junior_weight;
        let ws = earning(&self.b.senior) * self.params.senior_weight;
        if (&wj + &ws).is_zero() {
            self.b = stored;
            self.b.reserve += p;
            return;
        }
        let to_junior = floor(ratio(&p * &wj, &wj + &ws));
        let to_senior = &p - &to_junior;
        let period = self.params.premium_unlock_seconds;
        self.b.junior.lock(&to_junior, now, period);
        self.b.senior.lock(&to_senior, now, period);
        // Only the tranches that receive premium are written (and so booked).
        for (t, part) in [(Tranche::Junior, &to_junior), (Tranche::Senior, &to_senior)] {
            if part.is_zero() {
                self.b.unbook(&stored, t);
            }
        }
        if !to_senior.is_zero() {
            self.excuse_junior_requests();
        }
    }

    fn excuse_junior_requests(&mut self) {
        for req in self.requests.values_mut() {
            if req.tranche == Tranche::Junior {
                req.excused = true;
            }
        }
    }

    /// Governor: moves `amount` of the reserve into tranche `t`, locked like premium.
    fn allocate(&mut self, now: u64, amount: u128, t: Tranche) -> Result<(), ContractError> {
        let a = int(amount);
        if a.is_zero() {
            return Err(ContractError::ZeroAmount);
        }
        let mut b = self.b.clone();
        b.unlock(now);
        if a > b.reserve {
            return Err(ContractError::InsufficientReserve {
                reserve: Uint128::new(to_u128(&b.reserve)),
                amount: Uint128::new(amount),
            });
        }
        b.reserve -= &a;
        if b.tranche(t).supply.is_zero() {
            return Err(ContractError::EmptyTranche { tranche: t });
        }
        let period = self.params.premium_unlock_seconds;
        b.tranche_mut(t).lock(&a, now, period);
        if t == Tranche::Senior {
            self.subordination_after_exits(&b)?;
        }
        b.unbook(&self.b, other(t));
        self.b = b;
        Ok(())
    }

    /// Pays shortfall `id`: reserve, junior locked, junior assets, senior locked, senior
    /// assets, within the payout window's cap and keeping `min_remaining` of each tranche's
    /// assets. Returns what was paid.
    fn shortfall(&mut self, now: u64, id: u64, amount: u128) -> Result<BigInt, ContractError> {
        if self.covered.contains(&id) {
            return Err(ContractError::ShortfallAlreadyCovered { id });
        }
        let stored = self.b.clone();
        let b = &mut self.b;
        b.unlock(now);
        if now >= b.window_end {
            b.window_end = now + self.params.payout_window_seconds;
            b.window_start_assets = b.total();
            b.window_paid = BigInt::zero();
        }
        let cap = floor(ratio(
            &b.window_start_assets * self.params.max_payout_bps,
            int(10_000),
        ));
        let room = (cap - &b.window_paid).max(BigInt::zero());
        let mut left = int(amount).min(room);
        let mut take = |available: &BigInt| {
            let taken = left.clone().min(available.clone().max(BigInt::zero()));
            left -= &taken;
            taken
        };
        let min_remaining = int(self.params.min_remaining.u128());
        let from_reserve = take(&b.reserve);
        let from_junior_locked = take(&b.junior.locked);
        let from_junior_assets = take(&(&b.junior.assets - &min_remaining));
        let from_senior_locked = take(&b.senior.locked);
        let from_senior_assets = take(&(&b.senior.assets - &min_remaining));
        b.reserve -= &from_reserve;
        for (books, locked, assets) in [
            (&mut b.junior, &from_junior_locked, &from_junior_assets),
            (&mut b.senior, &from_senior_locked, &from_senior_assets),
        ] {
            books.locked -= locked;
            if books.locked.is_zero() {
                books.clear_lock();
            }
            books.assets -= assets;
        }
        let paid = &from_reserve
            + &from_junior_locked
            + &from_junior_assets
            + &from_senior_locked
            + &from_senior_assets;
        // Only the tranches the loss reaches are written (and so booked).
        if (&from_junior_locked + &from_junior_assets).is_zero() {
            b.unbook(&stored, Tranche::Junior);
        }
        if (&from_senior_locked + &from_senior_assets).is_zero() {
            b.unbook(&stored, Tranche::Senior);
        }
        b.window_paid += &paid;
        self.engine_received += &paid;
        self.covered.push(id);
        if !(from_junior_locked + from_junior_assets).is_zero() {
            self.excuse_junior_requests();
        }
        Ok(paid)
    }

    fn request(
        &mut self,
        now: u64,
        user: usize,
        t: Tranche,
        shares: &BigInt,
    ) -> Result<u64, ContractError> {
        let mut b = self.b.clone();
        b.unlock(now);
        let price = b.tranche(t).price();
        b.tranche_mut(t).pending += shares;
        if t == Tranche::Junior {
            self.subordination_after_exits(&b)?;
        }
        b.unbook(&self.b, other(t));
        self.b = b;
        self.shares[user][idx(t)] -= shares;
        let cooldown_end = now + self.params.cooldown_seconds;
        let id = self.next_request;
        self.requests.insert(
            id,
            ModelRequest {
                owner: user,
                tranche: t,
                shares: shares.clone(),
                price,
                cooldown_end,
                deadline: cooldown_end + self.params.claim_window_seconds,
                excused: false,
            },
        );
        self.next_request += 1;
        Ok(id)
    }

    /// `shares * min(price at request, price now)`, rounded down: what request `id` pays now.
    fn payout_now(&self, now: u64, id: u64) -> BigInt {
        let req = &self.requests[&id];
        let b = self.b.at(now);
        let price = req.price.clone().min(b.tranche(req.tranche).price());
        floor(rat(&req.shares) * price)
    }

    /// Claims request `id` at `now`. The shares leave with their value at today's price and
    /// `floor(locked * shares / supply)` of the locked premium; the owner gets
    /// `floor(shares * min(price at request, price now))`; the rest goes to the reserve, and so
    /// does what a tranche's last claim leaves. Junior is judged on the books after the claim.
    fn claim(&mut self, now: u64, id: u64) -> Result<Claimed, ContractError> {
        let req = self.requests[&id].clone();
        if now < req.cooldown_end {
            return Err(ContractError::CooldownNotOver {
                id,
                cooldown_end: req.cooldown_end,
                now,
            });
        }
        if now >= req.deadline {
            return Err(ContractError::ClaimWindowClosed {
                id,
                claim_deadline: req.deadline,
            });
        }
        if now < self.shock_until {
            return Err(ContractError::ClaimsPausedByShock {
                until: self.shock_until,
            });
        }
        let mut b = self.b.clone();
        b.unlock(now);
        let books = b.tranche_mut(req.tranche);
        let price_now = books.price();
        let value = floor(rat(&req.shares) * &price_now);
        // Invariant 8: never above the price at request.
        let payout = floor(rat(&req.shares) * req.price.clone().min(price_now));
        let locked_part = floor(ratio(&books.locked * &req.shares, books.supply.clone()));
        books.assets -= &value;
        books.locked -= &locked_part;
        if books.locked.is_zero() {
            books.clear_lock();
        }
        books.supply -= &req.shares;
        books.pending -= &req.shares;
        let mut to_reserve = &value - &payout + locked_part;
        if books.supply.is_zero() {
            to_reserve += books.collateral();
            books.assets = BigInt::zero();
            books.clear_lock();
        } else {
            // The claim's rounding stays with the holders: less than a unit.
            books.rounding_per_share += ratio(BigInt::from(1), &books.supply + V);
        }
        b.reserve += &to_reserve;
        if req.tranche == Tranche::Junior {
            self.subordination(&b.junior.collateral(), &b.senior.collateral())?;
        }
        b.unbook(&self.b, other(req.tranche));
        self.b = b;
        self.cash[req.owner] += &payout;
        self.requests.remove(&id);
        Ok(Claimed { payout, to_reserve })
    }

    fn give_back(&mut self, id: u64) {
        let req = self.requests.remove(&id).expect("request exists");
        self.b.tranche_mut(req.tranche).pending -= &req.shares;
        self.shares[req.owner][idx(req.tranche)] += req.shares;
    }

    fn expire(&mut self, now: u64, id: u64) -> Result<(), ContractError> {
        let deadline = self.requests[&id].deadline;
        if now < deadline {
            return Err(ContractError::RequestNotLapsed {
                id,
                claim_deadline: deadline,
            });
        }
        self.give_back(id);
        Ok(())
    }

    /// Room for senior deposits: the largest amount junior's floor after every pending exit
    /// still allows, `floor(J * (1 - min) / min) - S`; none when `min` is zero.
    fn senior_room(&self, now: u64) -> Option<BigInt> {
        let min = int(self.params.min_junior_ratio.atomics().u128());
        if min.is_zero() {
            return None;
        }
        let b = self.b.at(now);
        let one = int(10u128.pow(18));
        let j = b.junior.after_exits();
        Some(floor(ratio(j * (one - &min), min)) - b.senior.collateral())
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
    /// The governor moves `percent` of the reserve into a tranche.
    Allocate {
        junior: bool,
        percent: u8,
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
    /// `a0` deposits right before a premium and asks to leave `hold` seconds after it.
    SweepTimer {
        junior: bool,
        amount: u128,
        premium: u128,
        hold: u64,
    },
    /// `a1` deposits while every other share of the tranche is pending, right before their
    /// claims (after a premium, if any), then leaves.
    Sniper {
        junior: bool,
        amount: u128,
        premium: Option<u128>,
    },
    /// A regular holder's request past its cooldown tries to claim in the block of a loss.
    ArmedExit {
        user: usize,
        junior: bool,
        percent: u8,
        loss: u128,
        shock: bool,
    },
    /// `a2` deposits into senior against a fresh junior request: one unit over the room, then
    /// the room.
    Griefer {
        user: usize,
        percent: u8,
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
        5 => (0..REGULAR, any::<bool>(), amount())
            .prop_map(|(user, junior, amount)| Op::Deposit { user, junior, amount }),
        2 => amount().prop_map(|amount| Op::Premium { amount }),
        1 => (any::<bool>(), 1u8..=100).prop_map(|(junior, percent)| Op::Allocate { junior, percent }),
        2 => (any::<bool>(), amount()).prop_map(|(repeat, amount)| Op::Shortfall { repeat, amount }),
        3 => (0..REGULAR, any::<bool>(), 1u8..=100)
            .prop_map(|(user, junior, percent)| Op::Request { user, junior, percent }),
        4 => (any::<usize>(), prop::bool::weighted(0.8), 0u8..100)
            .prop_map(|(pick, wait, offset)| Op::Claim { pick, wait, offset }),
        1 => any::<usize>().prop_map(|pick| Op::Cancel { pick }),
        1 => any::<usize>().prop_map(|pick| Op::Expire { pick }),
        3 => prop_oneof![Just(HOUR), Just(DAY), Just(7 * DAY), Just(9 * DAY + 1)]
            .prop_map(|seconds| Op::Advance { seconds }),
        1 => (1u128..1_000_000_000).prop_map(|amount| Op::Donate { amount }),
        1 => (any::<bool>(), amount(), amount(), prop_oneof![Just(0u64), Just(HOUR), Just(DAY), Just(3 * DAY)])
            .prop_map(|(junior, amount, premium, hold)| Op::SweepTimer { junior, amount, premium, hold }),
        1 => (any::<bool>(), amount(), prop::option::of(amount()))
            .prop_map(|(junior, amount, premium)| Op::Sniper { junior, amount, premium }),
        1 => (0..REGULAR, any::<bool>(), 1u8..=100, amount(), prop::bool::weighted(0.8))
            .prop_map(|(user, junior, percent, loss, shock)| Op::ArmedExit { user, junior, percent, loss, shock }),
        1 => (0..REGULAR, 1u8..=100).prop_map(|(user, percent)| Op::Griefer { user, percent }),
    ]
}

fn params() -> impl Strategy<Value = FundParams> {
    (
        1u32..=5,
        1u32..=3,
        0u64..=40,
        1_000u16..=10_000,
        1u128..=100_000,
        prop_oneof![Just(HOUR), Just(DAY), Just(7 * DAY), Just(30 * DAY)],
    )
        .prop_map(
            |(wj, ws, ratio_pct, cap_bps, min_remaining, unlock)| FundParams {
                junior_weight: wj,
                senior_weight: ws,
                min_junior_ratio: Decimal::percent(ratio_pct),
                max_payout_bps: cap_bps,
                min_remaining: Uint128::new(min_remaining),
                premium_unlock_seconds: unlock,
                ..FundParams::default()
            },
        )
}

fn tranche(junior: bool) -> Tranche {
    if junior {
        Tranche::Junior
    } else {
        Tranche::Senior
    }
}

// A stand-in engine: the fund pays it shortfalls and reads its `shock_until` with a raw query,
// which the tests write into its storage directly.
fn engine_instantiate(_: DepsMut, _: Env, _: MessageInfo, _: Empty) -> StdResult<Response> {
    Ok(Response::new())
}

fn engine_execute(_: DepsMut, _: Env, _: MessageInfo, _: Empty) -> StdResult<Response> {
    Ok(Response::new())
}

fn engine_query(_: Deps, _: Env, _: Empty) -> StdResult<cosmwasm_std::Binary> {
    Ok(cosmwasm_std::Binary::default())
}

/// What a claim of an adversary may pay at most.
#[derive(Clone, Debug)]
enum Bound {
    /// At most this.
    Fixed(BigRational, &'static str),
    /// At most `shares * (price + the tranche's gain index at the claim - index)`.
    AfterLoss {
        shares: BigInt,
        price: BigRational,
        index: BigRational,
    },
}

struct Harness {
    suite: Suite,
    model: Model,
    users: Vec<Addr>,
    next_shortfall: u64,
    engine_start: u128,
    /// Payout bounds of adversaries' requests, by request id.
    bounds: BTreeMap<u64, Bound>,
}

impl Harness {
    fn new(params: FundParams) -> Self {
        let names = ["u0", "u1", "u2", "u3", "a0", "a1", "a2"];
        let mut suite = Suite::builder()
            .with_params(params.clone())
            .with_underwriters(&names, START_BALANCE)
            .with_underwriters(&["payer"], PAYER_BALANCE)
            .build();
        let code = suite.app.store_code(Box::new(ContractWrapper::new(
            engine_execute,
            engine_instantiate,
            engine_query,
        )));
        let operator = suite.operator.clone();
        let engine = suite
            .app
            .instantiate_contract(code, operator, &Empty {}, &[], "engine", None)
            .expect("engine instantiates");
        let governor = suite.governor.clone();
        suite
            .update_config(&governor, Some(engine.as_str()), None, None)
            .expect("engine set");
        suite.engine = engine;
        let users = names.iter().map(|n| suite.addr(n)).collect();
        let engine_start = suite.balance(&suite.engine);
        Harness {
            suite,
            model: Model::new(params),
            users,
            next_shortfall: 1,
            engine_start,
            bounds: BTreeMap::new(),
        }
    }

    fn now(&self) -> u64 {
        self.suite.now().seconds()
    }

    fn pick_request(&self, pick: usize) -> Option<u64> {
        let ids: Vec<u64> = self.model.requests.keys().copied().collect();
        (!ids.is_empty()).then(|| ids[pick % ids.len()])
    }

    /// The engine reports a shock until `until` (what a crash push writes).
    fn shock(&mut self, until: u64) {
        let engine = self.suite.engine.clone();
        self.suite
            .app
            .contract_storage_mut(&engine)
            .set(SHOCK_UNTIL_KEY.as_bytes(), &to_json_vec(&until).unwrap());
        self.model.shock_until = until;
    }

    // ----- steps, each played on the model and the fund and compared -----

    fn deposit(&mut self, user: usize, t: Tranche, amount: u128) -> Result<BigInt, ContractError> {
        let amount = amount.min(to_u128(&self.model.cash[user]));
        if amount == 0 {
            return Err(ContractError::ZeroAmount);
        }
        let expected = self.model.deposit(self.now(), user, t, amount);
        let got = self.suite.deposit(&self.users[user], t, amount);
        let result = agree(
            &format!("u{user} deposit {amount} into {t:?}"),
            expected,
            got,
        );
        self.compare();
        result
    }

    fn premium(&mut self, amount: u128) {
        self.model.premium(self.now(), amount);
        let payer = self.suite.addr("payer");
        self.suite.premium(&payer, amount).expect("premium");
        self.compare();
    }

    fn shortfall(&mut self, id: u64, amount: u128) -> Result<BigInt, ContractError> {
        let expected = self.model.shortfall(self.now(), id, amount);
        let got = self.suite.cover_shortfall(id, amount);
        let result = match (expected, got) {
            (Ok(paid), Ok(res)) => {
                assert_eq!(res.paid.u128(), to_u128(&paid), "shortfall {id} paid");
                assert_eq!(res.unpaid.u128(), amount - to_u128(&paid), "unpaid");
                let record = self.suite.loss(id);
                assert_eq!(record.asked.u128(), amount);
                assert_eq!(
                    (record.paid_by_reserve + record.paid_by_junior + record.paid_by_senior).u128(),
                    to_u128(&paid)
                );
                self.next_shortfall = self.next_shortfall.max(id + 1);
                Ok(paid)
            }
            (expected, got) => agree(&format!("shortfall {id}"), expected, got),
        };
        self.compare();
        result
    }

    fn request(&mut self, user: usize, t: Tranche, shares: &BigInt) -> Result<u64, ContractError> {
        let expected = self.model.request(self.now(), user, t, shares);
        let got = self
            .suite
            .request_withdrawal(&self.users[user], t, to_u128(shares));
        let result = agree(&format!("u{user} request {shares} {t:?}"), expected, got);
        self.compare();
        result
    }

    /// Claims request `id`; checks the payout, the forfeit to the reserve, the excuse of a
    /// refused junior claim and an adversary's bound.
    fn claim(&mut self, id: u64) -> Result<Claimed, ContractError> {
        let req = self.model.requests[&id].clone();
        let owner = self.users[req.owner].clone();
        let now = self.now();
        let (cash_before, reserve_before) = (
            self.suite.balance(&owner),
            self.suite.state().reserve.u128(),
        );
        let expected = self.model.claim(now, id);
        let got = self.suite.claim(&owner, id);
        let result = match (expected, got) {
            (Ok(claimed), Ok(res)) => {
                let payout = to_u128(&claimed.payout);
                assert_eq!(
                    self.suite.balance(&owner) - cash_before,
                    payout,
                    "claim {id} pays floor(shares * min(price at request, price now))"
                );
                assert_eq!(wasm_attr(&res, "payout"), payout.to_string(), "claim {id}");
                // The reserve receives every forfeit.
                assert_eq!(
                    wasm_attr(&res, "to_reserve"),
                    claimed.to_reserve.to_string(),
                    "claim {id}: forfeit"
                );
                assert_eq!(
                    self.suite.state().reserve.u128() - reserve_before,
                    to_u128(&claimed.to_reserve),
                    "claim {id}: the reserve grows by the forfeit"
                );
                if let Some(bound) = self.bounds.remove(&id) {
                    let (most, what) = match bound {
                        Bound::Fixed(most, what) => (most, what),
                        Bound::AfterLoss {
                            shares,
                            price,
                            index,
                        } => {
                            let gain = self.model.b.tranche(req.tranche).gain_index() - index;
                            (rat(&shares) * (price + gain), "armed exit after the loss")
                        }
                    };
                    assert!(
                        rat(&claimed.payout) <= most,
                        "{what}: claim {id} paid {payout}, more than {most}"
                    );
                }
                Ok(claimed)
            }
            (expected, got) => {
                let result = agree(&format!("claim {id}"), expected, got);
                if let Err(ContractError::SubordinationBreach { .. }) = &result {
                    assert!(
                        req.excused,
                        "junior claim {id} refused without a loss or senior premium since it \
                         was accepted"
                    );
                }
                result
            }
        };
        self.compare();
        result
    }

    fn cancel(&mut self, id: u64) {
        let owner = self.users[self.model.requests[&id].owner].clone();
        self.model.give_back(id);
        self.bounds.remove(&id);
        self.suite.cancel(&owner, id).expect("cancel");
        self.compare();
    }

    fn expire(&mut self, id: u64) -> Result<(), ContractError> {
        let expected = self.model.expire(self.now(), id);
        let keeper = self.suite.addr("payer");
        let got = self.suite.expire(&keeper, id);
        let result = agree(&format!("expire {id}"), expected, got);
        if result.is_ok() {
            self.bounds.remove(&id);
        }
        self.compare();
        result
    }

    /// Moves time to `at` (nothing if it is not later).
    fn advance_to(&mut self, at: u64) {
        let now = self.now();
        if at > now {
            self.suite.advance(at - now);
        }
    }

    /// Claims `id` at its cooldown end (expires it when its window is gone); a junior claim
    /// the model refuses is cancelled.
    fn claim_at_cooldown_end(&mut self, id: u64) -> Option<Claimed> {
        let req = self.model.requests[&id].clone();
        self.advance_to(req.cooldown_end);
        if self.now() >= req.deadline {
            self.expire(id).expect("lapsed");
            return None;
        }
        match self.claim(id) {
            Ok(claimed) => Some(claimed),
            Err(_) => {
                self.cancel(id);
                None
            }
        }
    }

    fn apply(&mut self, op: &Op) {
        let now = self.now();
        match *op {
            Op::Deposit {
                user,
                junior,
                amount,
            } => {
                let _ = self.deposit(user, tranche(junior), amount);
            }
            Op::Premium { amount } => self.premium(amount),
            Op::Allocate { junior, percent } => {
                let t = tranche(junior);
                let amount = to_u128(&(&self.model.b.reserve * percent / 100u8));
                let expected = self.model.allocate(now, amount, t);
                let got = self
                    .suite
                    .allocate_reserve(amount, ReserveTarget::Tranche(t));
                let _ = agree(&format!("allocate {amount} to {t:?}"), expected, got);
                self.compare();
            }
            Op::Shortfall { repeat, amount } => {
                let id = if repeat && self.next_shortfall > 1 {
                    self.next_shortfall - 1
                } else {
                    self.next_shortfall
                };
                let _ = self.shortfall(id, amount);
            }
            Op::Request {
                user,
                junior,
                percent,
            } => {
                let t = tranche(junior);
                let shares = &self.model.shares[user][idx(t)] * percent / 100u8;
                if !shares.is_zero() {
                    let _ = self.request(user, t, &shares);
                }
            }
            Op::Claim { pick, wait, offset } => {
                let Some(id) = self.pick_request(pick) else {
                    return;
                };
                let request = &self.model.requests[&id];
                if wait && now < request.cooldown_end {
                    let window = request.deadline - request.cooldown_end;
                    let into_window = window * u64::from(offset) / 100;
                    self.suite.advance(request.cooldown_end - now + into_window);
                }
                let _ = self.claim(id);
            }
            Op::Cancel { pick } => {
                if let Some(id) = self.pick_request(pick) {
                    self.cancel(id);
                }
            }
            Op::Expire { pick } => {
                if let Some(id) = self.pick_request(pick) {
                    let _ = self.expire(id);
                }
            }
            Op::Advance { seconds } => {
                self.suite.advance(seconds);
                self.compare();
            }
            Op::Donate { amount } => {
                let payer = self.suite.addr("payer");
                self.suite.donate(&payer, amount);
                self.model.payer -= int(amount);
                self.model.donated += int(amount);
                self.compare();
            }
            Op::SweepTimer {
                junior,
                amount,
                premium,
                hold,
            } => self.sweep_timer(tranche(junior), amount, premium, hold),
            Op::Sniper {
                junior,
                amount,
                premium,
            } => self.sniper(tranche(junior), amount, premium),
            Op::ArmedExit {
                user,
                junior,
                percent,
                loss,
                shock,
            } => self.armed_exit(user, tranche(junior), percent, loss, shock),
            Op::Griefer { user, percent } => self.griefer(user, percent),
        }
    }

    /// `who` deposits `amount` into `t` (it holds none of `t` before), its request for all of
    /// it comes after `between` ran; records the bound of its claim: what it paid plus its
    /// shares times the gain index over its holding (and, when `exact`, no more than it paid).
    fn deposit_and_leave(
        &mut self,
        who: usize,
        t: Tranche,
        amount: u128,
        exact: bool,
        between: impl FnOnce(&mut Self),
    ) -> Option<u64> {
        if !self.model.shares[who][idx(t)].is_zero() {
            return None;
        }
        let index = self.model.b.at(self.now()).tranche(t).gain_index();
        let cash = self.model.cash[who].clone();
        self.deposit(who, t, amount).ok()?;
        let paid = cash - &self.model.cash[who];
        between(self);
        let shares = self.model.shares[who][idx(t)].clone();
        let id = self.request(who, t, &shares).ok()?;
        let gain = self.model.b.tranche(t).gain_index() - index;
        let mut most = rat(&paid) + rat(&shares) * gain;
        if exact {
            most = most.min(rat(&paid));
        }
        let what = if who == SWEEP_TIMER {
            "sweep timer: its gain is at most its share of what unlocked while it held"
        } else {
            "sniper: its gain is at most its share of what unlocked while it held"
        };
        self.bounds.insert(id, Bound::Fixed(most, what));
        Some(id)
    }

    fn sweep_timer(&mut self, t: Tranche, amount: u128, premium: u128, hold: u64) {
        let id = self.deposit_and_leave(SWEEP_TIMER, t, amount, hold == 0, |h| {
            h.premium(premium);
            h.suite.advance(hold);
        });
        if let Some(id) = id {
            self.claim_at_cooldown_end(id);
        }
    }

    fn sniper(&mut self, t: Tranche, amount: u128, premium: Option<u128>) {
        // Every other holder asks to leave.
        for user in 0..REGULAR {
            let shares = self.model.shares[user][idx(t)].clone();
            if !shares.is_zero() && self.request(user, t, &shares).is_err() {
                return;
            }
        }
        let books = self.model.b.tranche(t);
        if books.supply.is_zero() || books.pending != books.supply {
            return;
        }
        let others: Vec<u64> = self
            .model
            .requests
            .iter()
            .filter(|(_, r)| r.tranche == t)
            .map(|(&id, _)| id)
            .collect();
        if let Some(p) = premium {
            self.premium(p);
        }
        let id = self.deposit_and_leave(SNIPER, t, amount, false, |h| {
            // Their claims, in order of cooldown end.
            let mut order: Vec<(u64, u64)> = others
                .iter()
                .filter_map(|id| h.model.requests.get(id).map(|r| (r.cooldown_end, *id)))
                .collect();
            order.sort_unstable();
            for (_, id) in order {
                h.claim_at_cooldown_end(id);
            }
        });
        if let Some(id) = id {
            self.claim_at_cooldown_end(id);
        }
    }

    fn armed_exit(&mut self, user: usize, t: Tranche, percent: u8, loss: u128, shock: bool) {
        let shares = &self.model.shares[user][idx(t)] * percent / 100u8;
        if shares.is_zero() {
            return;
        }
        let Ok(id) = self.request(user, t, &shares) else {
            return;
        };
        let cooldown_end = self.model.requests[&id].cooldown_end;
        self.advance_to(cooldown_end);
        let loss_id = self.next_shortfall;
        if !shock {
            // A loss that shows no shock: the claim still escapes it (docs/fund.md residual).
            if self.claim(id).is_err() {
                self.cancel(id);
            }
            let _ = self.shortfall(loss_id, loss);
            return;
        }
        // The crash push: a shock for an hour. The claim in its block waits.
        let until = self.now() + HOUR;
        self.shock(until);
        let before = self.suite.state();
        let refused = self.claim(id);
        assert!(
            matches!(refused, Err(ContractError::ClaimsPausedByShock { until: u }) if u == until),
            "armed exit {id} claimed during the shock: {refused:?}"
        );
        assert_eq!(
            self.suite.state(),
            before,
            "a paused claim changed the books"
        );
        let _ = self.shortfall(loss_id, loss);
        let after_loss = self.model.b.tranche(t);
        self.bounds.insert(
            id,
            Bound::AfterLoss {
                shares,
                price: after_loss.price(),
                index: after_loss.gain_index(),
            },
        );
        self.advance_to(until);
        if self.claim(id).is_err() {
            self.cancel(id);
        }
    }

    fn griefer(&mut self, user: usize, percent: u8) {
        let shares = &self.model.shares[user][idx(Tranche::Junior)] * percent / 100u8;
        if shares.is_zero() {
            return;
        }
        let Ok(id) = self.request(user, Tranche::Junior, &shares) else {
            return;
        };
        if let Some(room) = self.model.senior_room(self.now()) {
            let cash = self.model.cash[GRIEFER].clone();
            let over = &room + 1;
            if over >= BigInt::from(1) && over <= cash {
                let got = self.deposit(GRIEFER, Tranche::Senior, to_u128(&over));
                assert!(
                    matches!(
                        got,
                        Err(ContractError::SubordinationBreach { .. } | ContractError::ZeroShares)
                    ),
                    "a senior deposit one unit over the room of the pending junior exits: \
                     {got:?}"
                );
            }
            let amount = to_u128(&room.min(cash).max(BigInt::zero()));
            if amount > 0 {
                let got = self.deposit(GRIEFER, Tranche::Senior, amount);
                assert!(
                    matches!(got, Ok(_) | Err(ContractError::ZeroShares)),
                    "a senior deposit within the room of the pending junior exits: {got:?}"
                );
            }
        }
        // Nothing else happens before the claim: it must be paid.
        let cooldown_end = self.model.requests[&id].cooldown_end;
        self.advance_to(cooldown_end);
        let got = self.claim(id);
        assert!(
            got.is_ok(),
            "junior claim {id} refused after a senior deposit: {got:?}"
        );
    }

    /// Contract books and every balance equal the model's, to the unit.
    fn compare(&self) {
        let state = self.suite.state();
        let m = &self.model;
        let b = m.b.at(self.now());
        for (view, books) in [(&state.junior, &b.junior), (&state.senior, &b.senior)] {
            let t = view.tranche;
            assert_eq!(view.assets.u128(), to_u128(&books.assets), "{t:?} assets");
            assert_eq!(
                view.locked_premium.u128(),
                to_u128(&books.locked),
                "{t:?} locked premium"
            );
            assert_eq!(
                view.unlock_end.map(|e| e.seconds()),
                (!books.locked.is_zero()).then_some(books.unlock_end),
                "{t:?} unlock end"
            );
            assert_eq!(view.supply.u128(), to_u128(&books.supply), "{t:?} supply");
            assert_eq!(
                view.pending_withdrawal_shares.u128(),
                to_u128(&books.pending),
                "{t:?} pending"
            );
        }
        assert_eq!(state.reserve.u128(), to_u128(&b.reserve), "reserve");
        assert_eq!(state.total_assets.u128(), to_u128(&b.total()), "total");
        for (user, addr) in self.users.iter().enumerate() {
            assert_eq!(
                self.suite.balance(addr),
                to_u128(&m.cash[user]),
                "cash of user {user}"
            );
            for t in Tranche::ALL {
                assert_eq!(
                    self.suite.shares(t, addr),
                    to_u128(&m.shares[user][idx(t)]),
                    "{t:?} shares of user {user}"
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
                to_u128(&self.model.payout_now(now, id)),
                "request {id} payout now"
            );
        }
    }

    /// Drives the requests `ids` to their end, in order of their own stored cooldown ends: time
    /// moves to the request's cooldown end (or, when bit `id % 64` of `late` is set, to the last
    /// second of its claim window) and the owner claims. A request whose window already passed
    /// is expired (its shares go back); a junior claim the model refuses (with exactly the
    /// fund's typed error, and only when excused) is then cancelled.
    fn settle(&mut self, ids: &[u64], late: u64, out: &mut CloseOut) {
        let mut order: Vec<(u64, u64)> = ids
            .iter()
            .map(|&id| (self.model.requests[&id].cooldown_end, id))
            .collect();
        order.sort_unstable();
        for (_, id) in order {
            let req = self.model.requests[&id].clone();
            let target = if (late >> (id % 64)) & 1 == 1 {
                req.deadline - 1
            } else {
                req.cooldown_end
            };
            self.advance_to(target);
            self.compare_requests();
            if self.now() >= req.deadline {
                let expired = self.expire(id);
                assert!(expired.is_ok(), "close-out expiry of lapsed request {id}");
                continue;
            }
            match self.claim(id) {
                Ok(claimed) => out.received[req.owner] += claimed.payout,
                Err(ContractError::SubordinationBreach { .. }) => {
                    assert_eq!(req.tranche, Tranche::Junior, "only junior is subordinated");
                    self.cancel(id);
                    out.refused += 1;
                }
                Err(e) => panic!("close-out claim {id} refused: {e:?}"),
            }
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
                let got = self.request(user, t, &shares);
                let id = got.unwrap_or_else(|e| panic!("close-out {t:?} request of {user}: {e:?}"));
                ids.push(id);
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
        assert!(
            self.bounds.is_empty(),
            "every adversary's claim was checked"
        );
        // What each underwriter received in the close-out is what the model paid them.
        let mut total_received = 0u128;
        for (user, addr) in self.users.iter().enumerate() {
            let received = self.suite.balance(addr) - cash_before[user];
            assert_eq!(
                received,
                to_u128(&out.received[user]),
                "user {user} received in the close-out"
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
        let b = m.b.at(self.now());
        let liabilities = b.total();
        assert_eq!(
            self.suite.balance(&self.suite.fund),
            to_u128(&(&liabilities + &m.donated)),
            "fund balance = reserve + tranche assets + donations"
        );
        for (t, books) in [(Tranche::Junior, &b.junior), (Tranche::Senior, &b.senior)] {
            assert!(
                books.pending.is_zero(),
                "{t:?}: nothing pending in the model"
            );
            let held: BigInt = (0..USERS).map(|u| &m.shares[u][idx(t)]).sum();
            assert_eq!(held, books.supply, "{t:?}: model supply is what users hold");
            assert!(books.supply.is_zero(), "every {t:?} share is redeemed");
            assert!(books.collateral().is_zero(), "emptied {t:?} holds nothing");
            assert_eq!(self.suite.share_supply(t), 0, "{t:?} cw20 supply");
            assert_eq!(
                self.suite.shares(t, &self.suite.fund),
                0,
                "{t:?} shares left at the fund"
            );
        }
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

/// The step agrees with the model: both succeed (the model's result is returned) or both fail
/// with the same typed error.
fn agree<T: std::fmt::Debug, U: std::fmt::Debug>(
    what: &str,
    expected: Result<T, ContractError>,
    got: Result<U, ContractError>,
) -> Result<T, ContractError> {
    match (expected, got) {
        (Ok(t), Ok(_)) => Ok(t),
        (Err(e), Err(g)) => {
            assert_eq!(g, e, "{what}: the fund's error differs from the model's");
            Err(e)
        }
        (expected, got) => panic!("{what}: model says {expected:?}, fund says {got:?}"),
    }
}

/// What the close-out did.
#[derive(Default)]
struct CloseOut {
    received: [BigInt; USERS],
    refused: usize,
}

proptest! {
    /// Random histories with adversaries agree with the reference model step by step
    /// (invariants 3-9 and the adversaries' bounds), then close out exactly as the model says
    /// (invariants 1, 2, 6 and 8).
    #[test]
    fn fund_matches_reference_model(
        params in params(),
        ops in prop::collection::vec(op(), 1..32),
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
        history in prop::collection::vec(op(), 0..16),
        junior in any::<bool>(),
        amount in amount(),
        premium_during_cooldown in prop::option::of(amount()),
    ) {
        let mut h = Harness::new(params);
        for op in &history {
            h.apply(op);
        }
        let t = tranche(junior);
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
