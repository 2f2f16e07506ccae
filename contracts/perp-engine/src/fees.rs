//! Fee split and premium sweeps. Trading fees accrue unsplit; a sweep splits them by the fund's
//! coverage at the engine's time-weighted open interest since the previous sweep (fund share
//! `f_max` below coverage 1, falling linearly to `f_min` at 2), sends the fund's premium with
//! `DepositPremium` and reports the total open interest now.
//!
//! Every per-market term saturates instead of failing (a market whose price times size passes
//! 2^128 counts as 2^128 - 1), so no market can make another's sweep fail, and an automatic
//! sweep that cannot be built is skipped, leaving the fees for a later sweep, so it never makes
//! the trade, close or liquidation that triggered it fail.
use cosmwasm_std::{
    coins, to_json_binary, CosmosMsg, Decimal, Decimal256, Env, Order, QuerierWrapper, Storage,
    SubMsg, Timestamp, Uint128, Uint256, WasmMsg,
};
use tranche_perps_types::fund;

use crate::error::ContractError;
use crate::position::notional_at;
use crate::reply::ReplyId;
use crate::solvency::{accrue, Pool};
use crate::state::{load_market, save_market, Config, EngineState, Market, CONFIG, FEES, MARKETS};

/// Fund's fraction of trading fees at `coverage` (none: no open interest, so no target).
pub fn fund_share(
    coverage: Option<Decimal256>,
    max: Decimal,
    min: Decimal,
) -> Result<Decimal, ContractError> {
    let Some(coverage) = coverage else {
        return Ok(min);
    };
    let one = Decimal256::one();
    if coverage <= one {
        return Ok(max);
    }
    let two = Decimal256::percent(200);
    if coverage >= two {
        return Ok(min);
    }
    // max - (max - min) * (coverage - 1), rounded up (in the fund's favour).
    let drop = Decimal256::from(max - min).checked_mul(coverage - one)?;
    let drop = Decimal::try_from(drop).map_err(|_| ContractError::FeeSplitOverflow {
        coverage,
        max,
        min,
    })?;
    Ok(max - drop)
}

/// Open-interest notionals over all markets (at most `bounds::MARKETS.max`), each market at its
/// last index price; a market without a price yet counts nothing, and a market whose notional
/// passes 2^128 - 1 counts that much (the sums saturate too).
pub(crate) struct OpenInterest {
    /// Open interest now: what a sweep reports.
    pub(crate) now: Uint128,
    /// Each market's open interest averaged over the time since the last sweep (its window):
    /// what a sweep splits fees at.
    pub(crate) average: Uint128,
}

/// `size * price`, or 2^128 - 1 when that does not fit.
fn saturating_notional(size: Uint128, price: Decimal256) -> Uint128 {
    notional_at(size, price).unwrap_or(Uint128::MAX)
}

/// A market's open interest averaged over its window up to `now`: the time-weighted sum so far
/// plus the open interest since it was last counted, over the window's length. A window of no
/// length (a sweep in the same second as the last, or a market stored before the sum existed
/// and not traded since) takes the open interest now.
fn average_open_interest(market: &Market, now: Timestamp) -> Uint128 {
    let open = market.long_oi.saturating_add(market.short_oi);
    let window = now.seconds().saturating_sub(market.oi_since.seconds());
    if market.oi_since.seconds() == 0 || window == 0 {
        return open;
    }
    let since_touched = now.seconds().saturating_sub(market.oi_touched.seconds());
    let total = market
        .oi_seconds
        .saturating_add(Uint256::from(open).saturating_mul(Uint256::from(since_touched)));
    Uint128::try_from(total / Uint256::from(window)).unwrap_or(Uint128::MAX)
}

pub(crate) fn open_interest(
    storage: &dyn Storage,
    now: Timestamp,
) -> Result<OpenInterest, ContractError> {
    let mut total = OpenInterest {
        now: Uint128::zero(),
        average: Uint128::zero(),
    };
    for item in MARKETS.range(storage, None, None, Order::Ascending) {
        let (_, market) = item?;
        if let Some(index) = market.index_price {
            let open = market.long_oi.saturating_add(market.short_oi);
            total.now = total.now.saturating_add(saturating_notional(open, index));
            let average = average_open_interest(&market, now);
            total.average = total
                .average
                .saturating_add(saturating_notional(average, index));
        }
    }
    Ok(total)
}

/// After a sweep, every market's window restarts now.
fn restart_windows(storage: &mut dyn Storage, now: Timestamp) -> Result<(), ContractError> {
    let markets: Vec<(String, Market)> = MARKETS
        .range(storage, None, None, Order::Ascending)
        .collect::<Result<_, _>>()?;
    for (id, mut market) in markets {
        if !market.k.is_zero() {
            // Stored before the hot/cold split (only before `migrate`): read whole, so that
            // saving moves it.
            market = load_market(storage, &id)?;
        }
        market.oi_seconds = Uint256::zero();
        market.oi_since = now;
        market.oi_touched = now;
        save_market(storage, &id, &mut market)?;
    }
    Ok(())
}

/// The fund's coverage ratio if the engine's total open-interest notional were `notional`
/// (none when that sets no target). Asking with the engine's own figure, rather than relying
/// on the fund's last report, makes the split follow coverage as it is now.
pub(crate) fn query_coverage(
    querier: &QuerierWrapper,
    fund: &cosmwasm_std::Addr,
    notional: Uint128,
) -> Result<Option<Decimal256>, ContractError> {
    let coverage: fund::CoverageResponse = querier.query_wasm_smart(
        fund,
        &fund::QueryMsg::Coverage {
            open_interest: Some(notional),
        },
    )?;
    Ok(coverage.coverage_ratio)
}

/// The messages of a sweep: the open-interest report, sent as a submessage whose failure is
/// ignored (a fund that moved to another engine refuses it, and the premium must still reach
/// it), and the premium deposit, if any.
pub(crate) struct Sweep {
    pub(crate) report: SubMsg,
    pub(crate) deposit: Option<CosmosMsg>,
    pub(crate) premium: Uint128,
}

/// Splits unsplit fees at `coverage`, restarts every market's open-interest window at `now` and
/// builds the messages that report the total open-interest `notional` now and send the premium.
/// Everything that can fail runs before anything is written, so a failure leaves `state` and
/// storage as they were.
pub(crate) fn sweep_messages(
    storage: &mut dyn Storage,
    state: &mut EngineState,
    config: &Config,
    coverage: Option<Decimal256>,
    notional: Uint128,
    now: Timestamp,
) -> Result<Sweep, ContractError> {
    let fees = FEES.load(storage)?;
    let mut split = state.clone();
    if !split.unsplit_fees.is_zero() {
        let unsplit = split.unsplit_fees;
        let share = fund_share(coverage, fees.fund_share_max, fees.fund_share_min)?;
        let to_fund = unsplit.checked_mul_ceil(share)?;
        split.unsplit_fees = Uint128::zero();
        accrue(&mut split, Pool::Treasury, unsplit - to_fund)?;
        accrue(&mut split, Pool::Premium, to_fund)?;
    }
    let premium = split.pending_premium;
    let report = to_json_binary(&fund::ExecuteMsg::ReportOpenInterest { notional })?;
    let deposit = to_json_binary(&fund::ExecuteMsg::DepositPremium {})?;
    restart_windows(storage, now)?;
    *state = split;
    state.pending_premium = Uint128::zero();
    let report = WasmMsg::Execute {
        contract_addr: config.fund.to_string(),
        msg: report,
        funds: vec![],
    };
    let deposit = (!premium.is_zero()).then(|| -> CosmosMsg {
        WasmMsg::Execute {
            contract_addr: config.fund.to_string(),
            msg: deposit,
            funds: coins(premium.u128(), &config.collateral_denom),
        }
        .into()
    });
    Ok(Sweep {
        report: SubMsg::reply_on_error(report, ReplyId::IgnoreFailure as u64),
        deposit,
        premium,
    })
}

/// The sweep a trade, close or liquidation triggers once fees and premium pass the threshold,
/// split as in [`crate::upkeep::sweep_premium`] (at the time-weighted open interest since the
/// previous sweep). It runs as submessages whose failure is caught in the reply (the premium is
/// then kept), so a fund that cannot take it never blocks trading; and when the sweep cannot
/// even be built (a fund that does not answer its coverage query, any failure of the split) it
/// is skipped and the fees wait for a later sweep: it never fails the message that triggered it.
pub fn auto_sweep(
    storage: &mut dyn Storage,
    querier: &QuerierWrapper,
    env: &Env,
    state: &mut EngineState,
) -> Result<Vec<SubMsg>, ContractError> {
    Ok(try_auto_sweep(storage, querier, env, state).unwrap_or_default())
}

fn try_auto_sweep(
    storage: &mut dyn Storage,
    querier: &QuerierWrapper,
    env: &Env,
    state: &mut EngineState,
) -> Result<Vec<SubMsg>, ContractError> {
    let threshold = FEES.load(storage)?.sweep_threshold;
    let pending = state.unsplit_fees.saturating_add(state.pending_premium);
    if threshold.is_zero() || pending < threshold {
        return Ok(vec![]);
    }
    let config = CONFIG.load(storage)?;
    let open_interest = open_interest(storage, env.block.time)?;
    let coverage = query_coverage(querier, &config.fund, open_interest.average)?;
    let sweep = sweep_messages(
        storage,
        state,
        &config,
        coverage,
        open_interest.now,
        env.block.time,
    )?;
    let payload = to_json_binary(&sweep.premium)?;
    let mut msgs = vec![sweep.report];
    msgs.extend(sweep.deposit.map(|deposit| {
        SubMsg::reply_on_error(deposit, ReplyId::AutoSweep as u64).with_payload(payload)
    }));
    Ok(msgs)
}

/// Once a market has no open interest, the rounding dust its funding pool collected belongs to
/// the treasury (after repaying any uncovered bad debt).
pub fn release_funding_dust(
    market: &mut Market,
    state: &mut EngineState,
) -> Result<(), ContractError> {
    if market.long_oi.is_zero()
        && market.short_oi.is_zero()
        && market.funding_pool > cosmwasm_std::Int128::zero()
    {
        let dust = market.funding_pool.unsigned_abs();
        accrue(state, Pool::Treasury, dust)?;
        market.funding_pool = cosmwasm_std::Int128::zero();
    }
    Ok(())
}
