//! Stored types and storage items of the engine, and the loaders of a market and a position.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{
    Addr, Decimal, Decimal256, Int128, Order, SignedDecimal256, StdResult, Storage, Timestamp,
    Uint128, Uint256,
};
use cw_storage_plus::{Item, Map};
use tranche_perps_types::engine::{EnginePause, FeeConfig, MarketParams, SocializedLoss};

use crate::error::ContractError;

/// Addresses and the collateral denom.
#[cw_serde]
pub struct Config {
    pub fund: Addr,
    pub treasury: Addr,
    pub guardian: Option<Addr>,
    pub collateral_denom: String,
}

/// Engine-wide money books, written by every trade, close, margin change and liquidation, so
/// stored under short field names (records stored by 0.5.0 and older, under the long names,
/// still read: `alias`).
#[cw_serde]
#[derive(Default)]
pub struct EngineState {
    /// Trading fees not yet split between fund and treasury (split at sweep by coverage).
    #[serde(rename = "uf", alias = "unsplit_fees")]
    pub unsplit_fees: Uint128,
    /// Fees owed to the treasury.
    #[serde(rename = "tf", alias = "treasury_fees")]
    pub treasury_fees: Uint128,
    /// Premium owed to the fund (its part of fees and liquidation fees).
    #[serde(rename = "pp", alias = "pending_premium")]
    pub pending_premium: Uint128,
    /// Margin of all open positions.
    #[serde(rename = "m", alias = "total_margin")]
    pub total_margin: Uint128,
    /// Shares of `total_margin` held by positions.
    #[serde(rename = "ms", alias = "total_margin_shares")]
    pub total_margin_shares: Uint128,
    /// Incremented when socialized losses wipe out all margin; older shares are worth nothing.
    #[serde(rename = "e", alias = "margin_epoch")]
    pub margin_epoch: u64,
    /// Deficit neither the fund, open margin nor the fee pools could absorb (see
    /// [`crate::solvency`]): while it is above zero, the three fee pools are zero.
    #[serde(rename = "bd", alias = "uncovered_bad_debt")]
    pub uncovered_bad_debt: Uint128,
    /// Sum of [`OWED`]: payouts liquidations during a deficit could not make. States stored
    /// before this field existed read 0.
    #[serde(default, rename = "owed", alias = "owed_payouts")]
    pub owed_payouts: Uint128,
    /// Id of the next shortfall sent to the fund.
    #[serde(rename = "sid", alias = "next_shortfall_id")]
    pub next_shortfall_id: u64,
}

/// One market: parameters, vAMM, oracle, open interest and funding.
///
/// Stored in two records. [`MARKETS`] holds the hot state, what trades, closes, margin changes,
/// liquidations, price pushes, funding settlements and sweeps write: vAMM reserve, index,
/// open interest, funding and the liquidation and open-interest windows, under short field
/// names since it is read and written on every one of them. [`MARKET_CONFIG`] holds the cold
/// part, which only governance writes: the parameters and the vAMM's constants (`k`, the
/// starting base reserve). [`load_market`] reads both, [`save_market`] writes the hot record
/// only. Records stored by 0.5.0 and older hold the constants (and before 0.4.0 the parameters)
/// inline under the long names, which still read (`alias`); `migrate` moves them
/// ([`split_markets`]).
#[cw_serde]
pub struct Market {
    /// Parameters, from [`MARKET_CONFIG`] (never serialized with the market).
    #[serde(skip, default = "unset_params")]
    pub params: MarketParams,
    /// The parameters a market stored before 0.4.0 holds inline; read, never written.
    #[serde(default, rename = "params", skip_serializing)]
    pub legacy_params: Option<MarketParams>,
    /// vAMM base reserve now.
    #[serde(rename = "base", alias = "base_reserve")]
    pub base_reserve: Uint128,
    /// vAMM base reserve at creation, from [`MARKET_CONFIG`]; inline (read, never written) in
    /// markets stored by 0.5.0 and older.
    #[serde(default, skip_serializing)]
    pub base_reserve_start: Uint128,
    /// Constant product `base * quote` at creation, as `base_reserve_start`. Zero in a hot
    /// record as stored since the split: above zero, the record predates it.
    #[serde(default, skip_serializing)]
    pub k: Uint256,
    /// Index price: the median of the feeders' latest fresh prices ([`crate::oracle`]).
    #[serde(rename = "index", alias = "index_price")]
    pub index_price: Option<Decimal256>,
    /// The `min_feeders`-th newest publish time (seconds) of the prices the index was built
    /// from: the index is stale once fewer than `min_feeders` of them are fresh.
    #[serde(rename = "index_time", alias = "index_publish_time")]
    pub index_publish_time: u64,
    /// Open interest in base units.
    pub long_oi: Uint128,
    pub short_oi: Uint128,
    /// Cumulative funding paid per base unit by each side (negative when received).
    #[serde(rename = "f_long", alias = "cum_funding_long")]
    pub cum_funding_long: SignedDecimal256,
    #[serde(rename = "f_short", alias = "cum_funding_short")]
    pub cum_funding_short: SignedDecimal256,
    /// Time funding was last accrued to (see [`crate::funding::catch_up_funding`]).
    #[serde(rename = "f_time", alias = "last_funding_time")]
    pub last_funding_time: Timestamp,
    /// The last time a side was empty, which the interval rules of funding before 0.4.0 read;
    /// read from markets stored then (`cw_serde` denies unknown fields), never written again.
    #[serde(default, skip_serializing)]
    pub one_sided_at: Timestamp,
    /// The largest open interest since the last sweep, which the fee split before 0.4.0 used;
    /// read from markets stored then, never written again (fees are split at the time-weighted
    /// open interest, [`Market::oi_seconds`]).
    #[serde(default, skip_serializing)]
    pub peak_oi_since_sweep: Uint128,
    /// Funding collected from payers minus funding credited to receivers so far.
    #[serde(rename = "f_pool", alias = "funding_pool")]
    pub funding_pool: Int128,
    /// Block height of the last liquidation and the base size liquidations may still sell into
    /// (or buy from) the vAMM in that block, of the per-block `liquidation_depth` fixed at the
    /// block's first liquidation. Markets stored before these fields existed read 0.
    #[serde(default, rename = "liq_height", alias = "liquidated_height")]
    pub liquidated_height: u64,
    #[serde(default, rename = "liq_room", alias = "liquidation_room")]
    pub liquidation_room: Uint128,
    /// Open interest (long + short, base units) times the seconds it was open, summed since
    /// `oi_since` up to `oi_touched`: every fill adds the open interest before it times the
    /// seconds since the last fill, before it changes open interest. A sweep splits fees at the
    /// time-weighted average `oi_seconds / (now - oi_since)` (with the open interest since
    /// `oi_touched` added) and restarts the window. Markets stored before these fields existed
    /// read 0: their window starts at their next fill or sweep.
    #[serde(default, rename = "oi_s", alias = "oi_seconds")]
    pub oi_seconds: Uint256,
    #[serde(default)]
    pub oi_since: Timestamp,
    #[serde(default, rename = "oi_at", alias = "oi_touched")]
    pub oi_touched: Timestamp,
    /// Price-shock state ([`crate::shock`]), stored apart in [`SHOCKS`] (only pushes, the
    /// guardian and the governor change it) and read with [`load_shock`] by the paths that use
    /// it; default here.
    #[serde(skip)]
    pub shock: ShockState,
    /// Set by [`load_market`] on a market stored before the split, so that [`save_market`]
    /// moves it.
    #[serde(skip)]
    pub unsplit: bool,
}

/// The cold part of a market ([`Market`]), written only by `AddMarket`, `UpdateMarket` and
/// `migrate`.
#[cw_serde]
pub struct MarketConfig {
    pub params: MarketParams,
    /// Constant product `base * quote` at creation.
    pub k: Uint256,
    /// vAMM base reserve at creation.
    pub base_reserve_start: Uint128,
}

/// A market's price-shock state: when margin removal may resume, and the index at the start of
/// the current and the previous shock window that moves are measured from (O(1), no history).
#[cw_serde]
#[derive(Default)]
pub struct ShockState {
    /// Margin removal in the market is refused before this time (seconds); 0 = never shocked.
    pub until: u64,
    /// Start of the current window (a multiple of `shock_window_seconds`).
    pub window_start: u64,
    /// Index at the start of the current window (or the market's first index).
    pub reference: Option<Decimal256>,
    /// Start of the previous window.
    pub previous_window_start: u64,
    /// Index at the start of the previous window.
    pub previous_reference: Option<Decimal256>,
}

/// A feeder's latest observation in a market.
#[cw_serde]
pub struct FeederPrice {
    /// Observed price.
    pub price: Decimal256,
    /// When it was observed (seconds).
    pub publish_time: u64,
}

/// A trader's isolated position in one market, written by every trade, margin change and
/// liquidation of it, so stored under short field names (positions stored by 0.5.0 and older,
/// under the long names, still read: `alias`).
#[cw_serde]
pub struct Position {
    /// Signed size in base units (positive long).
    #[serde(rename = "s", alias = "size")]
    pub size: Int128,
    /// Quote paid (long) or received (short) for the open size.
    #[serde(rename = "n", alias = "open_notional")]
    pub open_notional: Uint128,
    /// Shares of the engine's margin pool.
    #[serde(rename = "ms", alias = "margin_shares")]
    pub margin_shares: Uint128,
    /// Margin pool epoch the shares belong to.
    #[serde(rename = "e", alias = "margin_epoch")]
    pub margin_epoch: u64,
    /// Cumulative funding index of the position's side when funding was last applied.
    #[serde(rename = "f", alias = "funding_entry")]
    pub funding_entry: SignedDecimal256,
    /// What the position adds to its market's stress buckets ([`crate::stress`]): its debt
    /// (open notional minus margin for a long, plus margin for a short) when last counted.
    /// Positions stored before the buckets existed read none: not counted until touched or
    /// rebuilt (`RebuildStress`).
    #[serde(
        default,
        rename = "d",
        alias = "stress_debt",
        skip_serializing_if = "Option::is_none"
    )]
    pub stress_debt: Option<Uint128>,
}

/// Sums over the positions of one side of a market whose bankruptcy price falls in one bucket
/// ([`crate::stress`]).
#[cw_serde]
#[derive(Default)]
pub struct StressBucket {
    /// Sum of sizes (base units).
    pub size: Uint128,
    /// Sum of debts: `size * bankruptcy price`.
    pub debt: Uint128,
}

/// Whether the stress buckets hold every position: `Ready` from instantiation; an engine
/// migrated from a version without them rebuilds them (`RebuildStress`), which pages through
/// the positions after `after`.
#[cw_serde]
pub enum StressStatus {
    Ready,
    Rebuilding { after: Option<(Addr, String)> },
}

/// Addresses and denom.
pub const CONFIG: Item<Config> = Item::new("config");
/// Fee split and sweep threshold.
pub const FEES: Item<FeeConfig> = Item::new("fees");
/// Pause switches.
pub const PAUSE: Item<EnginePause> = Item::new("pause");
/// Money books.
pub const STATE: Item<EngineState> = Item::new("state");
/// Each market's hot state by id (see [`Market`]).
pub const MARKETS: Map<&str, Market> = Map::new("markets");
/// Each market's cold part by id (see [`Market`]).
pub const MARKET_CONFIG: Map<&str, MarketConfig> = Map::new("market_config");
/// Each market's parameters by id as stored from 0.4.0 to 0.5.0; moved into [`MARKET_CONFIG`]
/// by `migrate`.
pub const MARKET_PARAMS: Map<&str, MarketParams> = Map::new("market_params");
/// Each market's price-shock state by id; markets that never had one read the default.
pub const SHOCKS: Map<&str, ShockState> = Map::new("shocks");
/// The latest time (seconds) any market's shock lasts until, at the key the fund reads raw
/// ([`tranche_perps_types::engine::SHOCK_UNTIL_KEY`]); see [`crate::shock::note_until`].
pub const SHOCK_UNTIL: Item<u64> = Item::new(tranche_perps_types::engine::SHOCK_UNTIL_KEY);
/// Feeders by (market, feeder).
pub const FEEDERS: Map<(&str, &Addr), ()> = Map::new("feeders");
/// Each feeder's latest price by (market, feeder); removed with the feeder (`SetFeeders`).
pub const FEEDER_PRICES: Map<(&str, &Addr), FeederPrice> = Map::new("feeder_prices");
/// Positions by (trader, market).
pub const POSITIONS: Map<(&Addr, &str), Position> = Map::new("positions");
/// Stress buckets of longs and of shorts by (market, bucket) ([`crate::stress`]).
pub const STRESS_LONG: Map<(&str, u16), StressBucket> = Map::new("stress_l");
pub const STRESS_SHORT: Map<(&str, u16), StressBucket> = Map::new("stress_s");
/// See [`StressStatus`]; absent in an engine stored before the buckets existed.
pub const STRESS_STATUS: Item<StressStatus> = Item::new("stress_status");
/// Socialized-loss history by shortfall id.
pub const SOCIALIZED: Map<u64, SocializedLoss> = Map::new("socialized");

/// Payouts a liquidation during a deficit owes a keeper or trader, until `ClaimOwed`.
pub const OWED: Map<&Addr, Uint128> = Map::new("owed");

/// Market `id` with its cold part, or `MarketNotFound`. Not inlined: every handler calls it,
/// and inlining it into them passes the VM's limit of locals per function.
#[inline(never)]
pub fn load_market(storage: &dyn Storage, id: &str) -> Result<Market, ContractError> {
    let mut market =
        MARKETS
            .may_load(storage, id)?
            .ok_or_else(|| ContractError::MarketNotFound {
                market: id.to_string(),
            })?;
    if market.k.is_zero() {
        let cold = MARKET_CONFIG.load(storage, id)?;
        market.params = cold.params;
        market.k = cold.k;
        market.base_reserve_start = cold.base_reserve_start;
    } else {
        // Stored before the split (not yet migrated): everything is inline but the
        // parameters of 0.4.0 to 0.5.0.
        market.params = match market.legacy_params.take() {
            Some(params) => params,
            None => MARKET_PARAMS.load(storage, id)?,
        };
        market.unsplit = true;
    }
    Ok(market)
}

/// The price-shock state of market `id` (none yet: no shock, no references).
pub fn load_shock(storage: &dyn Storage, id: &str) -> Result<ShockState, ContractError> {
    Ok(SHOCKS.may_load(storage, id)?.unwrap_or_default())
}

/// Writes the hot record of market `id`; a market stored before the split (only before
/// `migrate`) first gets its cold record, and its 0.4.0 parameters record goes. Not inlined,
/// as [`load_market`].
#[inline(never)]
pub fn save_market(
    storage: &mut dyn Storage,
    id: &str,
    market: &mut Market,
) -> Result<(), ContractError> {
    if market.unsplit {
        save_market_config(storage, id, market)?;
        MARKET_PARAMS.remove(storage, id);
        market.unsplit = false;
    }
    MARKETS.save(storage, id, market)?;
    Ok(())
}

/// Writes the cold part of market `id` (its parameters and vAMM constants).
pub fn save_market_config(
    storage: &mut dyn Storage,
    id: &str,
    market: &Market,
) -> Result<(), ContractError> {
    let cold = MarketConfig {
        params: market.params.clone(),
        k: market.k,
        base_reserve_start: market.base_reserve_start,
    };
    MARKET_CONFIG.save(storage, id, &cold)?;
    Ok(())
}

/// `migrate`: moves every market stored before the hot/cold split (at most
/// `bounds::MARKETS.max`, so one pass) to its two records, and drops the parameters record of
/// 0.4.0 to 0.5.0; returns how many moved. A market that already moved is left as it is.
pub fn split_markets(storage: &mut dyn Storage) -> Result<u32, ContractError> {
    let stored: Vec<(String, Market)> = MARKETS
        .range(storage, None, None, Order::Ascending)
        .collect::<StdResult<_>>()?;
    let mut moved = 0;
    for (id, raw) in stored {
        if !raw.k.is_zero() {
            let mut market = load_market(storage, &id)?;
            save_market(storage, &id, &mut market)?;
            moved += 1;
        }
    }
    Ok(moved)
}

/// The placeholder a market read without [`load_market`] holds until its parameters are set
/// (zero everywhere; [`load_market`] always replaces it).
fn unset_params() -> MarketParams {
    MarketParams {
        initial_margin_ratio: Decimal::zero(),
        maintenance_margin_ratio: Decimal::zero(),
        taker_fee: Decimal::zero(),
        liquidation_fee: Decimal::zero(),
        keeper_share: Decimal::zero(),
        min_notional: Uint128::zero(),
        max_long_oi: Uint128::zero(),
        max_short_oi: Uint128::zero(),
        max_spread: Decimal::zero(),
        funding_factor: Decimal::zero(),
        max_funding_rate: Decimal::zero(),
        funding_interval_seconds: 0,
        oracle_max_age_seconds: 0,
        liquidation_depth: Decimal::zero(),
        min_keeper_reward: Uint128::zero(),
        min_feeders: 0,
        max_index_move: None,
        min_price: Decimal256::zero(),
        max_price: Decimal256::zero(),
        shock_move: Decimal::zero(),
        shock_window_seconds: 0,
        shock_pause_seconds: 0,
    }
}

/// Position of `trader` in `market`, or `NoPosition`.
pub fn load_position(
    storage: &dyn Storage,
    trader: &Addr,
    market: &str,
) -> Result<Position, ContractError> {
    POSITIONS
        .may_load(storage, (trader, market))?
        .ok_or_else(|| ContractError::NoPosition {
            market: market.to_string(),
            trader: trader.to_string(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::{from_json, to_json_string};

    #[test]
    fn books_and_positions_stored_under_the_long_names_still_read() {
        let state: EngineState = from_json(
            r#"{"unsplit_fees":"1","treasury_fees":"2","pending_premium":"3","total_margin":"4",
            "total_margin_shares":"5","margin_epoch":6,"uncovered_bad_debt":"7",
            "next_shortfall_id":8}"#,
        )
        .unwrap();
        let want = EngineState {
            unsplit_fees: Uint128::new(1),
            treasury_fees: Uint128::new(2),
            pending_premium: Uint128::new(3),
            total_margin: Uint128::new(4),
            total_margin_shares: Uint128::new(5),
            margin_epoch: 6,
            uncovered_bad_debt: Uint128::new(7),
            owed_payouts: Uint128::zero(),
            next_shortfall_id: 8,
        };
        assert_eq!(state, want);
        let short = to_json_string(&state).unwrap();
        assert_eq!(
            short,
            r#"{"uf":"1","tf":"2","pp":"3","m":"4","ms":"5","e":6,"bd":"7","owed":"0","sid":8}"#
        );
        assert_eq!(from_json::<EngineState>(&short).unwrap(), want);

        let position: Position = from_json(
            r#"{"size":"-9","open_notional":"10","margin_shares":"11","margin_epoch":1,
            "funding_entry":"-0.5","stress_debt":"12"}"#,
        )
        .unwrap();
        let want = Position {
            size: Int128::new(-9),
            open_notional: Uint128::new(10),
            margin_shares: Uint128::new(11),
            margin_epoch: 1,
            funding_entry: "-0.5".parse().unwrap(),
            stress_debt: Some(Uint128::new(12)),
        };
        assert_eq!(position, want);
        let short = to_json_string(&position).unwrap();
        assert_eq!(
            short,
            r#"{"s":"-9","n":"10","ms":"11","e":1,"f":"-0.5","d":"12"}"#
        );
        assert_eq!(from_json::<Position>(&short).unwrap(), want);
        // Positions stored before the stress buckets have no stress part.
        let old: Position = from_json(
            r#"{"size":"1","open_notional":"1","margin_shares":"1","margin_epoch":0,
            "funding_entry":"0"}"#,
        )
        .unwrap();
        assert_eq!(old.stress_debt, None);
    }
}
