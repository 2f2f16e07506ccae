//! Fee split and premium sweeps. Trading fees accrue unsplit; a sweep splits them by the fund's
//! coverage at the engine's peak open interest since the previous sweep (fund share `f_max`
//! below coverage 1, falling linearly to `f_min` at 2), sends the fund's premium with
//! `DepositPremium` and reports the total open interest now.
use cosmwasm_std::{
    coins, to_json_binary, CosmosMsg, Decimal, Decimal256, Env, Order, QuerierWrapper, Storage,
    SubMsg, Uint128, WasmMsg,
};
use tranche_perps_types::fund;

use crate::error::ContractError;
use crate::position::notional_at;
use crate::reply::ReplyId;
use crate::solvency::{accrue, Pool};
use crate::state::{EngineState, Market, CONFIG, FEES, MARKETS};

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
/// last index price; a market without a price yet counts nothing.
pub(crate) struct OpenInterest {
    /// Open interest now: what a sweep reports.
    pub(crate) now: Uint128,
    /// Each market's peak open interest since the last sweep (never below its open interest
    /// now): what a sweep splits fees at.
    pub(crate) peak: Uint128,
}

pub(crate) fn open_interest(storage: &dyn Storage) -> Result<OpenInterest, ContractError> {
    let mut total = OpenInterest {
        now: Uint128::zero(),
        peak: Uint128::zero(),
    };
    for item in MARKETS.range(storage, None, None, Order::Ascending) {
        let (_, market) = item?;
        if let Some(index) = market.index_price {
            let size = market.long_oi.checked_add(market.short_oi)?;
            total.now = total.now.checked_add(notional_at(size, index)?)?;
            let peak = market.peak_oi_since_sweep.max(size);
            total.peak = total.peak.checked_add(notional_at(peak, index)?)?;
        }
    }
    Ok(total)
}

/// After a sweep, every market's peak restarts at its open interest now.
fn reset_peaks(storage: &mut dyn Storage) -> Result<(), ContractError> {
    let markets: Vec<(String, Market)> = MARKETS
        .range(storage, None, None, Order::Ascending)
        .collect::<Result<_, _>>()?;
    for (id, mut market) in markets {
        let size = market.long_oi.checked_add(market.short_oi)?;
        if market.peak_oi_since_sweep != size {
            market.peak_oi_since_sweep = size;
            MARKETS.save(storage, &id, &market)?;
        }
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

/// Splits unsplit fees at `coverage`, restarts every market's peak open interest and builds
/// the messages that report the total open-interest `notional` now and send the premium.
pub(crate) fn sweep_messages(
    storage: &mut dyn Storage,
    state: &mut EngineState,
    coverage: Option<Decimal256>,
    notional: Uint128,
) -> Result<Sweep, ContractError> {
    let config = CONFIG.load(storage)?;
    let fees = FEES.load(storage)?;
    if !state.unsplit_fees.is_zero() {
        let unsplit = state.unsplit_fees;
        let share = fund_share(coverage, fees.fund_share_max, fees.fund_share_min)?;
        let to_fund = unsplit.checked_mul_ceil(share)?;
        state.unsplit_fees = Uint128::zero();
        accrue(state, Pool::Treasury, unsplit - to_fund)?;
        accrue(state, Pool::Premium, to_fund)?;
    }
    reset_peaks(storage)?;
    let premium = state.pending_premium;
    state.pending_premium = Uint128::zero();
    let report = WasmMsg::Execute {
        contract_addr: config.fund.to_string(),
        msg: to_json_binary(&fund::ExecuteMsg::ReportOpenInterest { notional })?,
        funds: vec![],
    };
    let deposit = (!premium.is_zero())
        .then(|| -> Result<CosmosMsg, ContractError> {
            Ok(WasmMsg::Execute {
                contract_addr: config.fund.to_string(),
                msg: to_json_binary(&fund::ExecuteMsg::DepositPremium {})?,
                funds: coins(premium.u128(), &config.collateral_denom),
            }
            .into())
        })
        .transpose()?;
    Ok(Sweep {
        report: SubMsg::reply_on_error(report, ReplyId::IgnoreFailure as u64),
        deposit,
        premium,
    })
}

/// The sweep a trade or liquidation triggers once fees and premium pass the threshold, split as
/// in [`crate::upkeep::sweep_premium`] (at the peak open interest since the previous sweep). It
/// runs as submessages whose failure is caught in the reply (the premium is then kept), so a
/// fund that cannot take it never blocks trading.
pub fn auto_sweep(
    storage: &mut dyn Storage,
    querier: &QuerierWrapper,
    _env: &Env,
    state: &mut EngineState,
) -> Result<Vec<SubMsg>, ContractError> {
    let threshold = FEES.load(storage)?.sweep_threshold;
    let pending = state.unsplit_fees.checked_add(state.pending_premium)?;
    if threshold.is_zero() || pending < threshold {
        return Ok(vec![]);
    }
    // A fund that cannot answer its coverage query must not block trading either: the fees
    // stay unsplit for a later sweep.
    let fund = CONFIG.load(storage)?.fund;
    let open_interest = open_interest(storage)?;
    let Ok(coverage) = query_coverage(querier, &fund, open_interest.peak) else {
        return Ok(vec![]);
    };
    let sweep = sweep_messages(storage, state, coverage, open_interest.now)?;
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
