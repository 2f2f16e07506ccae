use cosmwasm_std::{
    Addr, Decimal256, Deps, Env, Int256, Order, SignedDecimal, SignedDecimal256, StdResult,
    Timestamp, Uint128,
};
use cw20::{BalanceResponse, Cw20QueryMsg};
use cw_storage_plus::Bound;
use tranche_perps_types::fund::{
    ConfigResponse, CoverageResponse, FundStateResponse, LossLedgerResponse, LossRecord,
    PayoutWindowView, PreviewDepositResponse, RequestStatus, SimulateLossResponse, StressResponse,
    Tranche, TrancheView, UnderwriterResponse, UnderwriterTranche, WithdrawalRequestResponse,
    WithdrawalRequestsResponse, YieldResponse, VIRTUAL_SHARES,
};
use tranche_perps_types::{engine, page_limit};

use crate::error::ContractError;
use crate::math::{bps_ceil, junior_ratio, Price};
use crate::premium::checkpoint_hour;
use crate::shortfall::{apply_waterfall, plan_waterfall, roll_window, total_assets, window_cap};
use crate::state::{
    load_books, load_params, load_state, requests, stored_state, tranche_key, FundState,
    WithdrawalRequest, CONFIG, FLOW_PARAMS, LOSSES, OPEN_INTEREST, PAYOUT_PARAMS,
    PRICE_CHECKPOINTS, RESTARTS,
};
use crate::withdraw::request_price;

const SECONDS_PER_YEAR: u64 = 365 * 86_400;

pub fn config(deps: Deps) -> Result<ConfigResponse, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    let (params, pause) = load_params(deps.storage)?;
    Ok(ConfigResponse {
        junior_token: config.token(Tranche::Junior)?,
        senior_token: config.token(Tranche::Senior)?,
        collateral_denom: config.collateral_denom,
        engine: config.engine,
        engine_epoch: config.engine_epoch,
        guardian: config.guardian,
        params,
        pause,
        virtual_shares: Uint128::new(VIRTUAL_SHARES),
        share_decimals: config.share_decimals,
    })
}

pub fn state(deps: Deps, env: Env) -> Result<FundStateResponse, ContractError> {
    let flow = FLOW_PARAMS.load(deps.storage)?;
    let params = PAYOUT_PARAMS.load(deps.storage)?;
    let mut state = load_state(deps.storage, env.block.time)?;
    let tranche_view = |tranche: Tranche, state: &FundState| -> Result<_, ContractError> {
        let books = state.tranche(tranche);
        Ok(TrancheView {
            tranche,
            assets: books.assets,
            supply: books.supply,
            price: Price::of(books)?.to_decimal(),
            pending_withdrawal_shares: books.pending_shares,
            deposit_cap: flow.deposit_cap(tranche),
            locked_premium: books.locked,
            unlock_end: (!books.locked.is_zero())
                .then(|| Timestamp::from_seconds(books.unlock_end)),
        })
    };
    let junior = tranche_view(Tranche::Junior, &state)?;
    let senior = tranche_view(Tranche::Senior, &state)?;
    let coverage = coverage_of(&state, &params, OPEN_INTEREST.load(deps.storage)?)?;
    roll_window(&mut state, &params, env.block.time)?;
    let payout_window = PayoutWindowView {
        start: state.window.start,
        end: state.window.end,
        start_assets: state.window.start_assets,
        cap: window_cap(&state, &params)?,
        paid: state.window.paid,
    };
    Ok(FundStateResponse {
        junior,
        senior,
        reserve: state.reserve,
        total_assets: total_assets(&state)?,
        junior_ratio: junior_ratio(state.junior.collateral()?, state.senior.collateral()?),
        coverage,
        payout_window,
    })
}

/// Coverage of the fund's assets against the target set by `open_interest`.
fn coverage_of(
    state: &FundState,
    params: &crate::state::PayoutParams,
    open_interest: Uint128,
) -> Result<CoverageResponse, ContractError> {
    let total_assets = total_assets(state)?;
    let target = bps_ceil(open_interest, params.target_coverage_bps)?;
    Ok(CoverageResponse {
        total_assets,
        open_interest_notional: open_interest,
        target,
        coverage_ratio: (!target.is_zero())
            .then(|| Decimal256::checked_from_ratio(total_assets, target))
            .transpose()?,
    })
}

/// Coverage at `open_interest` if given (what the engine's fee split asks with its current
/// total), else at the open interest the engine last reported.
pub fn coverage(
    deps: Deps,
    open_interest: Option<Uint128>,
) -> Result<CoverageResponse, ContractError> {
    let state = stored_state(deps.storage)?;
    let open_interest = match open_interest {
        Some(open_interest) => open_interest,
        None => OPEN_INTEREST.load(deps.storage)?,
    };
    coverage_of(&state, &PAYOUT_PARAMS.load(deps.storage)?, open_interest)
}

pub fn yield_of(
    deps: Deps,
    env: Env,
    tranche: Tranche,
    window_seconds: u64,
) -> Result<YieldResponse, ContractError> {
    let now = env.block.time;
    let books = load_books(deps.storage, tranche, now)?;
    // Premium counts when it is booked (its locked part included), so the yield is not
    // smoothed by the unlock.
    let price_now = Price::booked(&books)?.to_decimal();
    let checkpoints = PRICE_CHECKPOINTS.prefix(tranche_key(tranche));
    let window_start = now.seconds() - window_seconds.min(now.seconds());
    // Never before the tranche's latest restart, whose own checkpoint then starts the window.
    let restart = RESTARTS.may_load(deps.storage, tranche_key(tranche))?;
    let target_hour =
        checkpoint_hour(Timestamp::from_seconds(window_start)).max(restart.unwrap_or(0));
    let before = checkpoints
        .range(
            deps.storage,
            None,
            Some(Bound::inclusive(target_hour)),
            Order::Descending,
        )
        .next()
        .transpose()?;
    let (hour, price_then) = match before {
        Some(found) => found,
        None => checkpoints
            .range(deps.storage, None, None, Order::Ascending)
            .next()
            .transpose()?
            .unwrap_or((checkpoint_hour(now), price_now)),
    };
    // A checkpoint holds the price after the last event of its hour, so that price is only
    // known to hold from the hour's end (until the next checkpoint); it is the price at the
    // window's start when that is later.
    let from = Timestamp::from_seconds(((hour + 1) * 3_600).max(window_start).min(now.seconds()));
    let elapsed = now.seconds().saturating_sub(from.seconds());
    let annualized = if elapsed == 0 || price_then.is_zero() {
        SignedDecimal256::zero()
    } else {
        let growth = SignedDecimal256::try_from(price_now / price_then)?
            .checked_sub(SignedDecimal256::one())?;
        growth.checked_mul(SignedDecimal256::from_ratio(
            Int256::from(SECONDS_PER_YEAR),
            Int256::from(elapsed),
        ))?
    };
    Ok(YieldResponse {
        tranche,
        from,
        price_then,
        price_now,
        annualized,
    })
}

fn request_view(
    state: &FundState,
    now: Timestamp,
    id: u64,
    request: WithdrawalRequest,
) -> Result<WithdrawalRequestResponse, ContractError> {
    let at_request = request_price(&request);
    let payout_now = at_request
        .min(Price::of(state.tranche(request.tranche))?)
        .value_floor(request.shares)?;
    let status = if now < request.cooldown_end {
        RequestStatus::CoolingDown
    } else if now < request.claim_deadline {
        RequestStatus::Claimable
    } else {
        RequestStatus::Lapsed
    };
    Ok(WithdrawalRequestResponse {
        id,
        owner: request.owner,
        tranche: request.tranche,
        shares: request.shares,
        price_at_request: at_request.to_decimal(),
        requested_at: request.requested_at,
        cooldown_end: request.cooldown_end,
        claim_deadline: request.claim_deadline,
        status,
        payout_now,
    })
}

pub fn withdrawal_request(
    deps: Deps,
    env: Env,
    id: u64,
) -> Result<WithdrawalRequestResponse, ContractError> {
    let request = requests()
        .may_load(deps.storage, id)?
        .ok_or(ContractError::RequestNotFound { id })?;
    request_view(
        &load_state(deps.storage, env.block.time)?,
        env.block.time,
        id,
        request,
    )
}

fn requests_page(
    deps: Deps,
    env: &Env,
    owner: &Addr,
    start_after: Option<u64>,
    limit: Option<u32>,
) -> Result<Vec<WithdrawalRequestResponse>, ContractError> {
    let state = load_state(deps.storage, env.block.time)?;
    requests()
        .idx
        .owner
        .prefix(owner.clone())
        .range(
            deps.storage,
            start_after.map(Bound::exclusive),
            None,
            Order::Ascending,
        )
        .take(page_limit(limit))
        .map(|item| {
            let (id, request) = item?;
            request_view(&state, env.block.time, id, request)
        })
        .collect()
}

pub fn withdrawal_requests(
    deps: Deps,
    env: Env,
    owner: String,
    start_after: Option<u64>,
    limit: Option<u32>,
) -> Result<WithdrawalRequestsResponse, ContractError> {
    let owner = deps.api.addr_validate(&owner)?;
    Ok(WithdrawalRequestsResponse {
        requests: requests_page(deps, &env, &owner, start_after, limit)?,
    })
}

pub fn underwriter(
    deps: Deps,
    env: Env,
    address: String,
    start_after: Option<u64>,
    limit: Option<u32>,
) -> Result<UnderwriterResponse, ContractError> {
    let address = deps.api.addr_validate(&address)?;
    let config = CONFIG.load(deps.storage)?;
    let state = load_state(deps.storage, env.block.time)?;
    let holding = |tranche: Tranche| -> Result<UnderwriterTranche, ContractError> {
        let balance: BalanceResponse = deps.querier.query_wasm_smart(
            config.token(tranche)?,
            &Cw20QueryMsg::Balance {
                address: address.to_string(),
            },
        )?;
        Ok(UnderwriterTranche {
            shares: balance.balance,
            value: Price::of(state.tranche(tranche))?.value_floor(balance.balance)?,
        })
    };
    Ok(UnderwriterResponse {
        junior: holding(Tranche::Junior)?,
        senior: holding(Tranche::Senior)?,
        requests: requests_page(deps, &env, &address, start_after, limit)?,
        address,
    })
}

/// The given engine epoch, or the current one.
fn epoch_or_current(deps: Deps, engine_epoch: Option<u32>) -> StdResult<u32> {
    match engine_epoch {
        Some(epoch) => Ok(epoch),
        None => Ok(CONFIG.load(deps.storage)?.engine_epoch),
    }
}

pub fn loss(deps: Deps, engine_epoch: Option<u32>, shortfall_id: u64) -> StdResult<LossRecord> {
    let epoch = epoch_or_current(deps, engine_epoch)?;
    LOSSES.load(deps.storage, (epoch, shortfall_id))
}

pub fn loss_ledger(
    deps: Deps,
    engine_epoch: Option<u32>,
    start_after: Option<u64>,
    limit: Option<u32>,
) -> StdResult<LossLedgerResponse> {
    let epoch = epoch_or_current(deps, engine_epoch)?;
    let losses = LOSSES
        .prefix(epoch)
        .range(
            deps.storage,
            start_after.map(Bound::exclusive),
            None,
            Order::Ascending,
        )
        .take(page_limit(limit))
        .map(|item| item.map(|(_, record)| record))
        .collect::<StdResult<_>>()?;
    Ok(LossLedgerResponse { losses })
}

pub fn simulate_loss(
    deps: Deps,
    env: Env,
    amount: Uint128,
) -> Result<SimulateLossResponse, ContractError> {
    let params = PAYOUT_PARAMS.load(deps.storage)?;
    let mut state = load_state(deps.storage, env.block.time)?;
    roll_window(&mut state, &params, env.block.time)?;
    let plan = plan_waterfall(&state, &params, amount)?;
    apply_waterfall(&mut state, &plan)?;
    Ok(SimulateLossResponse {
        asked: amount,
        cap_remaining: plan.cap_remaining,
        from_reserve: plan.from_reserve,
        from_junior: plan.from_junior,
        from_senior: plan.from_senior,
        unpaid: plan.unpaid,
        junior_price_after: Price::of(&state.junior)?.to_decimal(),
        senior_price_after: Price::of(&state.senior)?.to_decimal(),
    })
}

/// [`simulate_loss`] of the bad debt the engine estimates for an index move of `price_move`
/// on `market` (or every market): one smart query to the engine, whose estimate is bounded by
/// its stress buckets, not by its positions.
pub fn stress(
    deps: Deps,
    env: Env,
    market: Option<String>,
    price_move: SignedDecimal,
) -> Result<StressResponse, ContractError> {
    let engine = CONFIG
        .load(deps.storage)?
        .engine
        .ok_or(ContractError::NoEngine)?;
    let msg = engine::QueryMsg::StressLoss { market, price_move };
    let engine: engine::StressLossResponse = deps.querier.query_wasm_smart(engine, &msg)?;
    let loss = simulate_loss(deps, env, engine.bad_debt)?;
    Ok(StressResponse { engine, loss })
}

pub fn preview_deposit(
    deps: Deps,
    env: Env,
    tranche: Tranche,
    amount: Uint128,
) -> Result<PreviewDepositResponse, ContractError> {
    let books = load_books(deps.storage, tranche, env.block.time)?;
    Ok(PreviewDepositResponse {
        shares: Price::of(&books)?.shares_floor(amount)?,
    })
}
