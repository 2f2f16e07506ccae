use cosmwasm_std::{
    coins, to_json_binary, BankMsg, DepsMut, Env, MessageInfo, Response, Timestamp, Uint128,
};
use cw_utils::nonpayable;
use tranche_perps_types::fund::{CoverShortfallResponse, LossRecord, Tranche};

use crate::error::ContractError;
use crate::math::bps_floor;
use crate::premium::save_checkpoint;
use crate::state::{
    load_state, save_books, FundState, PayoutParams, CONFIG, LOSSES, OPEN_INTEREST, PAYOUT_PARAMS,
    PAYOUT_WINDOW, RESERVE,
};

/// How a shortfall splits over the loss layers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Waterfall {
    /// What the payout window still allowed before this shortfall.
    pub cap_remaining: Uint128,
    pub from_reserve: Uint128,
    /// Taken from junior: its locked premium first, then its assets.
    pub from_junior: Uint128,
    /// The part of `from_junior` taken from junior's locked premium.
    pub from_junior_locked: Uint128,
    /// Taken from senior: its locked premium first, then its assets.
    pub from_senior: Uint128,
    /// The part of `from_senior` taken from senior's locked premium.
    pub from_senior_locked: Uint128,
    pub unpaid: Uint128,
}

impl Waterfall {
    pub fn paid(&self) -> Result<Uint128, ContractError> {
        Ok(self
            .from_reserve
            .checked_add(self.from_junior)?
            .checked_add(self.from_senior)?)
    }
}

/// Reserve plus both tranches, their locked premium included.
pub fn total_assets(state: &FundState) -> Result<Uint128, ContractError> {
    Ok(state
        .reserve
        .checked_add(state.junior.collateral()?)?
        .checked_add(state.senior.collateral()?)?)
}

/// Starts a new payout window at `now` if the current one has ended. A window begins at the
/// first payout after the previous one ended, is capped by the assets at that moment, and keeps
/// the length it started with (a parameter change applies from the next window).
pub fn roll_window(
    state: &mut FundState,
    params: &PayoutParams,
    now: Timestamp,
) -> Result<(), ContractError> {
    if now >= state.window.end {
        state.window.start = now;
        state.window.end = now.plus_seconds(params.payout_window_seconds);
        state.window.start_assets = total_assets(state)?;
        state.window.paid = Uint128::zero();
    }
    Ok(())
}

/// Most the fund pays within the current window: `max_payout_bps` of its assets at the
/// window's start, rounded down.
pub fn window_cap(state: &FundState, params: &PayoutParams) -> Result<Uint128, ContractError> {
    bps_floor(state.window.start_assets, params.max_payout_bps.into())
}

/// Most the fund may still pay within the current window.
pub fn cap_remaining(state: &FundState, params: &PayoutParams) -> Result<Uint128, ContractError> {
    Ok(window_cap(state, params)?.saturating_sub(state.window.paid))
}

/// Splits `amount` over reserve, junior and senior, within the payout cap and keeping
/// `min_remaining` of each tranche's assets. Within a tranche its locked premium pays first:
/// reserve, junior locked, junior assets, senior locked, senior assets. The window must already
/// be rolled, and the books unlocked up to now.
pub fn plan_waterfall(
    state: &FundState,
    params: &PayoutParams,
    amount: Uint128,
) -> Result<Waterfall, ContractError> {
    let cap_remaining = cap_remaining(state, params)?;
    let mut left = amount.min(cap_remaining);
    let mut take = |available: Uint128| {
        let taken = left.min(available);
        left -= taken;
        taken
    };
    let from_reserve = take(state.reserve);
    let from_junior_locked = take(state.junior.locked);
    let from_junior_assets = take(state.junior.assets.saturating_sub(params.min_remaining));
    let from_senior_locked = take(state.senior.locked);
    let from_senior_assets = take(state.senior.assets.saturating_sub(params.min_remaining));
    let mut plan = Waterfall {
        cap_remaining,
        from_reserve,
        from_junior: from_junior_locked.checked_add(from_junior_assets)?,
        from_junior_locked,
        from_senior: from_senior_locked.checked_add(from_senior_assets)?,
        from_senior_locked,
        unpaid: Uint128::zero(),
    };
    plan.unpaid = amount.checked_sub(plan.paid()?)?;
    Ok(plan)
}

/// Applies a planned waterfall to the books.
pub fn apply_waterfall(state: &mut FundState, plan: &Waterfall) -> Result<(), ContractError> {
    state.reserve = state.reserve.checked_sub(plan.from_reserve)?;
    for (books, from, from_locked) in [
        (&mut state.junior, plan.from_junior, plan.from_junior_locked),
        (&mut state.senior, plan.from_senior, plan.from_senior_locked),
    ] {
        books.locked = books.locked.checked_sub(from_locked)?;
        if books.locked.is_zero() {
            books.clear_lock();
        }
        books.assets = books.assets.checked_sub(from.checked_sub(from_locked)?)?;
    }
    state.window.paid = state.window.paid.checked_add(plan.paid()?)?;
    Ok(())
}

/// Engine only: pays what the waterfall allows of shortfall `shortfall_id` to the engine and
/// records it in the loss ledger. Response data: [`CoverShortfallResponse`].
pub fn cover_shortfall(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    shortfall_id: u64,
    amount: Uint128,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let config = CONFIG.load(deps.storage)?;
    if config.engine.as_ref() != Some(&info.sender) {
        return Err(ContractError::NotEngine);
    }
    if amount.is_zero() {
        return Err(ContractError::ZeroAmount);
    }
    let key = (config.engine_epoch, shortfall_id);
    if LOSSES.has(deps.storage, key) {
        return Err(ContractError::ShortfallAlreadyCovered { id: shortfall_id });
    }
    let params = PAYOUT_PARAMS.load(deps.storage)?;
    let now = env.block.time;
    let mut state = load_state(deps.storage, now)?;
    let window_before = state.window;
    roll_window(&mut state, &params, now)?;
    let plan = plan_waterfall(&state, &params, amount)?;
    apply_waterfall(&mut state, &plan)?;
    // Only the records the loss moved are written: the window when it rolled or paid, and
    // the layers it reached.
    if state.window != window_before {
        PAYOUT_WINDOW.save(deps.storage, &state.window)?;
    }
    if !plan.from_reserve.is_zero() {
        RESERVE.save(deps.storage, &state.reserve)?;
    }
    for (tranche, from) in [
        (Tranche::Junior, plan.from_junior),
        (Tranche::Senior, plan.from_senior),
    ] {
        if !from.is_zero() {
            save_books(deps.storage, tranche, state.tranche(tranche))?;
            save_checkpoint(deps.storage, now, tranche, state.tranche(tranche))?;
        }
    }
    let record = LossRecord {
        shortfall_id,
        engine_epoch: config.engine_epoch,
        time: env.block.time,
        asked: amount,
        paid_by_reserve: plan.from_reserve,
        paid_by_junior: plan.from_junior,
        paid_by_senior: plan.from_senior,
        unpaid: plan.unpaid,
    };
    LOSSES.save(deps.storage, key, &record)?;

    let paid = plan.paid()?;
    let data = CoverShortfallResponse {
        shortfall_id,
        asked: amount,
        paid,
        unpaid: plan.unpaid,
    };
    let mut response = Response::new()
        .set_data(to_json_binary(&data)?)
        .add_attribute("action", "cover_shortfall")
        .add_attribute("sender", info.sender.as_str())
        .add_attribute("shortfall_id", shortfall_id.to_string())
        .add_attribute("asked", amount)
        .add_attribute("paid_by_reserve", plan.from_reserve)
        .add_attribute("paid_by_junior", plan.from_junior)
        .add_attribute("paid_by_senior", plan.from_senior)
        .add_attribute("unpaid", plan.unpaid);
    if !paid.is_zero() {
        response = response.add_message(BankMsg::Send {
            to_address: info.sender.into_string(),
            amount: coins(paid.u128(), config.collateral_denom),
        });
    }
    Ok(response)
}

/// Engine only: records total open-interest notional, which sets the fund's target size.
pub fn report_open_interest(
    deps: DepsMut,
    info: MessageInfo,
    notional: Uint128,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let config = CONFIG.load(deps.storage)?;
    if config.engine.as_ref() != Some(&info.sender) {
        return Err(ContractError::NotEngine);
    }
    OPEN_INTEREST.save(deps.storage, &notional)?;
    Ok(Response::new()
        .add_attribute("action", "report_open_interest")
        .add_attribute("sender", info.sender)
        .add_attribute("notional", notional))
}
