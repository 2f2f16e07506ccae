//! Messages and responses of the `perp-engine` contract.
//!
//! Units: collateral amounts ("quote") are base units of the one collateral coin; position
//! sizes are base units of the market's asset ("base"). Prices are quote base units per base
//! unit (`Decimal256`). Each market prices trades on a constant-product virtual AMM with
//! reserves `(base, quote)`; the mark price is `quote / base`. Trades are given in base size,
//! so the vAMM's quote reserve is a function of its base reserve alone
//! (`quote = ceil(k / base)`): closing every position returns it exactly to its start.

use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{Addr, Decimal, Decimal256, Int128, SignedDecimal, Timestamp, Uint128};

use crate::fund::GovernorAction;

/// Bounds of the engine's governed values ([`MarketParams`], [`FeeConfig`], a new market's
/// reserves and id, feeders, the number of markets): the one table validation, the
/// `ParamOutOfRange` error and the docs read.
pub mod bounds {
    use cosmwasm_std::{Decimal, Decimal256, Uint128};

    use crate::bounds::{Bound, Row, DAY, HOUR, MINUTE};

    /// The default column of a value set per market: markets are created with every parameter
    /// given (`AddMarket`), so there is no product default.
    const PER_MARKET: &str = "-";

    /// `maintenance_margin_ratio`: 0.5% to 50%.
    pub const MAINTENANCE_MARGIN_RATIO: Bound<Decimal> = Bound::inclusive(
        "maintenance_margin_ratio",
        Decimal::permille(5),
        Decimal::percent(50),
    );
    /// `initial_margin_ratio`: at most 1 (no leverage below 1x), and above the market's own
    /// `maintenance_margin_ratio`. That lower end is a relation, checked in code and written by
    /// [`initial_margin_ratio_range`]; `min` here is the lowest maintenance ratio.
    pub const INITIAL_MARGIN_RATIO: Bound<Decimal> = Bound::inclusive(
        "initial_margin_ratio",
        MAINTENANCE_MARGIN_RATIO.min,
        Decimal::one(),
    );
    /// `taker_fee`: at most 5% of a trade's notional.
    pub const TAKER_FEE: Bound<Decimal> =
        Bound::inclusive("taker_fee", Decimal::zero(), Decimal::percent(5));
    /// `liquidation_fee`: at most 10% of a liquidated position's notional.
    pub const LIQUIDATION_FEE: Bound<Decimal> =
        Bound::inclusive("liquidation_fee", Decimal::zero(), Decimal::percent(10));
    /// `keeper_share`: a fraction of the liquidation fee.
    pub const KEEPER_SHARE: Bound<Decimal> =
        Bound::inclusive("keeper_share", Decimal::zero(), Decimal::one());
    /// `min_notional`: at least 1 base unit of collateral.
    pub const MIN_NOTIONAL: Bound<Uint128> =
        Bound::inclusive("min_notional", Uint128::one(), Uint128::MAX).with_max_text("2^128-1");
    /// `max_long_oi`: at least 1 base unit.
    pub const MAX_LONG_OI: Bound<Uint128> =
        Bound::inclusive("max_long_oi", Uint128::one(), Uint128::MAX).with_max_text("2^128-1");
    /// `max_short_oi`: at least 1 base unit.
    pub const MAX_SHORT_OI: Bound<Uint128> =
        Bound::inclusive("max_short_oi", Uint128::one(), Uint128::MAX).with_max_text("2^128-1");
    /// `max_spread`: 0.1% to 50%.
    pub const MAX_SPREAD: Bound<Decimal> =
        Bound::inclusive("max_spread", Decimal::permille(1), Decimal::percent(50));
    /// `funding_factor`: at most 10.
    pub const FUNDING_FACTOR: Bound<Decimal> =
        Bound::inclusive("funding_factor", Decimal::zero(), Decimal::percent(1_000));
    /// `max_funding_rate`: at most 5% per interval.
    pub const MAX_FUNDING_RATE: Bound<Decimal> =
        Bound::inclusive("max_funding_rate", Decimal::zero(), Decimal::percent(5));
    /// `funding_interval_seconds`: 1 minute to 1 day.
    pub const FUNDING_INTERVAL_SECONDS: Bound<u64> =
        Bound::inclusive("funding_interval_seconds", MINUTE, DAY);
    /// `oracle_max_age_seconds`: 5 seconds to 1 day.
    pub const ORACLE_MAX_AGE_SECONDS: Bound<u64> =
        Bound::inclusive("oracle_max_age_seconds", 5, DAY);
    /// `liquidation_depth`: 0.001% to 5% of the vAMM's base reserve per block.
    pub const LIQUIDATION_DEPTH: Bound<Decimal> = Bound::inclusive(
        "liquidation_depth",
        Decimal::raw(10_000_000_000_000),
        Decimal::percent(5),
    );
    /// `min_keeper_reward`: at most what the keeper's share of the liquidation fee on a
    /// position of `min_notional` pays (`keeper_share * liquidation_fee * min_notional`), so a
    /// keeper can never earn more from the fee pools than a healthy liquidation of the market's
    /// smallest position pays anyway. That upper end is a relation, checked in code and written
    /// by [`min_keeper_reward_range`].
    pub const MIN_KEEPER_REWARD: Bound<Uint128> =
        Bound::inclusive("min_keeper_reward", Uint128::zero(), Uint128::MAX)
            .with_max_text("2^128-1");

    /// `min_feeders`: how many distinct fresh feeder prices the index needs, 1 to the most
    /// feeders a market may have. 1 lets a single key set the index (a warning in the market
    /// query and docs/engine.md#oracle); at most the market's number of feeders (checked in code,
    /// `TooFewFeeders`).
    pub const MIN_FEEDERS: Bound<u32> = Bound::inclusive("min_feeders", 1, FEEDERS.max as u32);
    /// `min_feeders` of a market stored before the field existed, or of a message without it:
    /// 1, the old behaviour (the newest price of any one feeder is the index).
    pub const DEFAULT_MIN_FEEDERS: u32 = 1;
    /// `max_index_move` when set: 0.1% to 100% of the last index. Absent (the default, and the
    /// value of markets stored before the field existed) turns the confirmation rule off.
    pub const MAX_INDEX_MOVE: Bound<Decimal> =
        Bound::inclusive("max_index_move", Decimal::permille(1), Decimal::one());
    /// The range text of `max_index_move`, which may also be absent.
    pub fn max_index_move_range() -> String {
        format!("{}; absent = off", MAX_INDEX_MOVE.range())
    }
    /// `min_price`: 10^-18 (the smallest `Decimal256`) to 10^18 quote units per base unit.
    pub const MIN_PRICE: Bound<Decimal256> =
        Bound::inclusive("min_price", Decimal256::raw(1), PRICE_CEILING).with_max_text("10^18");
    /// `max_price`: as [`MIN_PRICE`], above the market's own `min_price`, and low enough that
    /// no market's open-interest notional can overflow: `(max_long_oi + max_short_oi) *
    /// max_price <= (2^128-1) / MARKETS.max`, so the sum over every market a sweep prices fits
    /// a `Uint128`. Both relations are checked in code and written by [`max_price_range`].
    pub const MAX_PRICE: Bound<Decimal256> =
        Bound::inclusive("max_price", Decimal256::raw(1), PRICE_CEILING).with_max_text("10^18");
    /// The largest price any market may accept: 10^18 quote units per base unit.
    pub const PRICE_CEILING: Decimal256 =
        Decimal256::raw(1_000_000_000_000_000_000_000_000_000_000_000_000);
    /// `min_price` when absent (markets stored before the field existed): the lowest allowed.
    pub const DEFAULT_MIN_PRICE: Decimal256 = MIN_PRICE.min;
    /// `max_price` when absent: the highest allowed, 10^18.
    pub const DEFAULT_MAX_PRICE: Decimal256 = PRICE_CEILING;
    /// The range of `max_price` as errors and docs write it.
    pub fn max_price_range() -> String {
        format!(
            "above {}, at most 10^18, (max_long_oi + max_short_oi) * max_price <= (2^128-1) / {}",
            MIN_PRICE.name, MARKETS.max
        )
    }
    /// `shock_move`: 1% to 100% of the reference index.
    pub const SHOCK_MOVE: Bound<Decimal> =
        Bound::inclusive("shock_move", Decimal::percent(1), Decimal::one());
    /// `shock_move` when absent: 10%.
    pub const DEFAULT_SHOCK_MOVE: Decimal = Decimal::percent(10);
    /// `shock_window_seconds`: 1 minute to 1 day.
    pub const SHOCK_WINDOW_SECONDS: Bound<u64> =
        Bound::inclusive("shock_window_seconds", MINUTE, DAY);
    /// `shock_window_seconds` when absent: 1 hour.
    pub const DEFAULT_SHOCK_WINDOW_SECONDS: u64 = HOUR;
    /// `shock_pause_seconds`: 1 minute to 1 day, so a shock never locks margin for long.
    pub const SHOCK_PAUSE_SECONDS: Bound<u64> =
        Bound::inclusive("shock_pause_seconds", MINUTE, DAY);
    /// `shock_pause_seconds` when absent: 1 hour.
    pub const DEFAULT_SHOCK_PAUSE_SECONDS: u64 = HOUR;

    /// `fund_share_max`: a fraction of trading fees.
    pub const FUND_SHARE_MAX: Bound<Decimal> =
        Bound::inclusive("fund_share_max", Decimal::zero(), Decimal::one());
    /// `fund_share_min`: a fraction of trading fees, and at most the split's own
    /// `fund_share_max`. That upper end is a relation, checked in code and written by
    /// [`fund_share_min_range`]; `max` here is the largest `fund_share_max`.
    pub const FUND_SHARE_MIN: Bound<Decimal> =
        Bound::inclusive("fund_share_min", Decimal::zero(), FUND_SHARE_MAX.max);
    /// The range of `sweep_threshold`: any amount.
    pub const SWEEP_THRESHOLD_RANGE: &str = "any; 0 turns automatic sweeps off";

    /// `base_reserve` of a new market: enough for trades to have room on both sides, little
    /// enough that `k = base * quote` fits comfortably.
    pub const BASE_RESERVE: Bound<Uint128> = Bound::inclusive(
        "base_reserve",
        Uint128::new(1_000),
        Uint128::new(1_000_000_000_000_000_000_000_000),
    )
    .with_max_text("10^24");
    /// `quote_reserve` of a new market: as [`BASE_RESERVE`].
    pub const QUOTE_RESERVE: Bound<Uint128> =
        Bound::inclusive("quote_reserve", BASE_RESERVE.min, BASE_RESERVE.max)
            .with_max_text("10^24");
    /// Length of a new market's `id`, in characters (letters, digits and `-`).
    pub const MARKET_ID_LENGTH: Bound<usize> = Bound::inclusive("id", 3, 20);
    /// How many `feeders` a market has, so replacing them is a bounded loop.
    pub const FEEDERS: Bound<usize> = Bound::inclusive("feeders", 0, 10);
    /// How many markets the engine holds, so sweeps that visit every market are bounded.
    pub const MARKETS: Bound<u32> = Bound::inclusive("markets", 0, 20);

    /// The range of `initial_margin_ratio` as errors and docs write it:
    /// `above maintenance_margin_ratio, at most 1`.
    pub fn initial_margin_ratio_range() -> String {
        format!(
            "above {}, at most {}",
            MAINTENANCE_MARGIN_RATIO.name, INITIAL_MARGIN_RATIO.max
        )
    }

    /// The range of `min_keeper_reward` as errors and docs write it.
    pub fn min_keeper_reward_range() -> String {
        format!(
            "{} ..= {} * {} * {}",
            MIN_KEEPER_REWARD.min, KEEPER_SHARE.name, LIQUIDATION_FEE.name, MIN_NOTIONAL.name
        )
    }

    /// The range of `fund_share_min` as errors and docs write it: `0 ..= fund_share_max`.
    pub fn fund_share_min_range() -> String {
        format!("{} ..= {}", FUND_SHARE_MIN.min, FUND_SHARE_MAX.name)
    }

    /// The default column of a market parameter added after markets were first stored: the
    /// value a market stored before it, or a message without it, reads.
    fn absent(value: impl std::fmt::Display) -> String {
        format!("{value} when absent")
    }

    /// The engine's parameter table for the docs: market parameters (no default, each market
    /// sets its own; the liquidation, oracle and shock fields added later read a default when
    /// absent), the
    /// fee split (with [`super::FeeConfig::default`]), then a new market's
    /// reserves and id and the limits on feeders and markets.
    pub fn table() -> Vec<Row> {
        let fees = super::FeeConfig::default();
        vec![
            Row {
                name: INITIAL_MARGIN_RATIO.name,
                default: PER_MARKET.into(),
                range: initial_margin_ratio_range(),
            },
            MAINTENANCE_MARGIN_RATIO.row(PER_MARKET),
            TAKER_FEE.row(PER_MARKET),
            LIQUIDATION_FEE.row(PER_MARKET),
            KEEPER_SHARE.row(PER_MARKET),
            MIN_NOTIONAL.row(PER_MARKET),
            MAX_LONG_OI.row(PER_MARKET),
            MAX_SHORT_OI.row(PER_MARKET),
            MAX_SPREAD.row(PER_MARKET),
            FUNDING_FACTOR.row(PER_MARKET),
            MAX_FUNDING_RATE.row(PER_MARKET),
            FUNDING_INTERVAL_SECONDS.row(PER_MARKET),
            ORACLE_MAX_AGE_SECONDS.row(PER_MARKET),
            LIQUIDATION_DEPTH.row(absent(super::default_liquidation_depth())),
            Row {
                name: MIN_KEEPER_REWARD.name,
                default: absent(0),
                range: min_keeper_reward_range(),
            },
            MIN_FEEDERS.row(absent(DEFAULT_MIN_FEEDERS)),
            Row {
                name: MAX_INDEX_MOVE.name,
                default: absent("off"),
                range: max_index_move_range(),
            },
            MIN_PRICE.row(absent(DEFAULT_MIN_PRICE)),
            Row {
                name: MAX_PRICE.name,
                default: absent("10^18"),
                range: max_price_range(),
            },
            SHOCK_MOVE.row(absent(DEFAULT_SHOCK_MOVE)),
            SHOCK_WINDOW_SECONDS.row(absent(DEFAULT_SHOCK_WINDOW_SECONDS)),
            SHOCK_PAUSE_SECONDS.row(absent(DEFAULT_SHOCK_PAUSE_SECONDS)),
            FUND_SHARE_MAX.row(fees.fund_share_max),
            Row {
                name: FUND_SHARE_MIN.name,
                default: fees.fund_share_min.to_string(),
                range: fund_share_min_range(),
            },
            Row {
                name: "sweep_threshold",
                default: fees.sweep_threshold.to_string(),
                range: SWEEP_THRESHOLD_RANGE.into(),
            },
            BASE_RESERVE.row(PER_MARKET),
            QUOTE_RESERVE.row(PER_MARKET),
            MARKET_ID_LENGTH.row(PER_MARKET),
            FEEDERS.row(PER_MARKET),
            MARKETS.row(PER_MARKET),
        ]
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn range_texts() {
            let ranges: Vec<(&str, String)> =
                table().into_iter().map(|r| (r.name, r.range)).collect();
            let expected = [
                (
                    "initial_margin_ratio",
                    "above maintenance_margin_ratio, at most 1",
                ),
                ("maintenance_margin_ratio", "0.005 ..= 0.5"),
                ("taker_fee", "0 ..= 0.05"),
                ("liquidation_fee", "0 ..= 0.1"),
                ("keeper_share", "0 ..= 1"),
                ("min_notional", "1 ..= 2^128-1"),
                ("max_long_oi", "1 ..= 2^128-1"),
                ("max_short_oi", "1 ..= 2^128-1"),
                ("max_spread", "0.001 ..= 0.5"),
                ("funding_factor", "0 ..= 10"),
                ("max_funding_rate", "0 ..= 0.05"),
                ("funding_interval_seconds", "60 ..= 86400"),
                ("oracle_max_age_seconds", "5 ..= 86400"),
                ("liquidation_depth", "0.00001 ..= 0.05"),
                (
                    "min_keeper_reward",
                    "0 ..= keeper_share * liquidation_fee * min_notional",
                ),
                ("min_feeders", "1 ..= 10"),
                ("max_index_move", "0.001 ..= 1; absent = off"),
                ("min_price", "0.000000000000000001 ..= 10^18"),
                (
                    "max_price",
                    "above min_price, at most 10^18, (max_long_oi + max_short_oi) * max_price \
                     <= (2^128-1) / 20",
                ),
                ("shock_move", "0.01 ..= 1"),
                ("shock_window_seconds", "60 ..= 86400"),
                ("shock_pause_seconds", "60 ..= 86400"),
                ("fund_share_max", "0 ..= 1"),
                ("fund_share_min", "0 ..= fund_share_max"),
                ("sweep_threshold", SWEEP_THRESHOLD_RANGE),
                ("base_reserve", "1000 ..= 10^24"),
                ("quote_reserve", "1000 ..= 10^24"),
                ("id", "3 ..= 20"),
                ("feeders", "0 ..= 10"),
                ("markets", "0 ..= 20"),
            ];
            let expected: Vec<(&str, String)> =
                expected.iter().map(|(n, r)| (*n, r.to_string())).collect();
            assert_eq!(ranges, expected);
        }

        #[test]
        fn defaults_are_the_fee_split_and_the_absent_later_fields() {
            let table = table();
            let default = |name: &str| {
                table
                    .iter()
                    .find(|r| r.name == name)
                    .map(|r| r.default.clone())
                    .unwrap()
            };
            assert_eq!(default("fund_share_max"), "0.5");
            assert_eq!(default("fund_share_min"), "0.1");
            assert_eq!(default("sweep_threshold"), "0");
            assert_eq!(default("taker_fee"), "-");
            assert_eq!(default("min_feeders"), "1 when absent");
            assert_eq!(default("max_index_move"), "off when absent");
            assert_eq!(default("min_price"), "0.000000000000000001 when absent");
            assert_eq!(default("max_price"), "10^18 when absent");
            assert_eq!(default("shock_move"), "0.1 when absent");
            assert_eq!(default("shock_window_seconds"), "3600 when absent");
            assert_eq!(default("shock_pause_seconds"), "3600 when absent");
            assert_eq!(default("liquidation_depth"), "0.0005 when absent");
            assert_eq!(default("min_keeper_reward"), "0 when absent");
        }

        #[test]
        fn the_price_ceiling_is_ten_to_the_eighteen() {
            assert_eq!(
                PRICE_CEILING,
                Decimal256::from_atomics(10u128.pow(18), 0).unwrap()
            );
        }
    }
}

/// Governed risk and fee parameters of one market.
#[cw_serde]
#[serde(deny_unknown_fields)]
pub struct MarketParams {
    /// Margin / notional needed to open or grow a position and left after removing margin
    /// (1 / max leverage); above `maintenance_margin_ratio`.
    /// Range: [`bounds`], docs/engine.md#parameters.
    pub initial_margin_ratio: Decimal,
    /// Below this margin / notional (at the index price) a position can be liquidated.
    /// Range: [`bounds`], docs/engine.md#parameters.
    pub maintenance_margin_ratio: Decimal,
    /// Fee on the notional of every trade. Range: [`bounds`], docs/engine.md#parameters.
    pub taker_fee: Decimal,
    /// Fee on the notional of a liquidated position, paid from its remaining margin.
    /// Range: [`bounds`], docs/engine.md#parameters.
    pub liquidation_fee: Decimal,
    /// Part of the liquidation fee paid to the keeper; the rest is premium for the fund.
    /// Range: [`bounds`], docs/engine.md#parameters.
    pub keeper_share: Decimal,
    /// Smallest notional (at the index price) a position may have after a trade that opens or
    /// grows it; reducing and closing are never refused for size.
    /// Range: [`bounds`], docs/engine.md#parameters.
    pub min_notional: Uint128,
    /// Most long open interest, in base units. Range: [`bounds`], docs/engine.md#parameters.
    pub max_long_oi: Uint128,
    /// Most short open interest, in base units. Range: [`bounds`], docs/engine.md#parameters.
    pub max_short_oi: Uint128,
    /// Opening or growing is refused when `|mark - index| / index` exceeds this.
    /// Range: [`bounds`], docs/engine.md#parameters.
    pub max_spread: Decimal,
    /// Funding rate per interval = clamp(`funding_factor` * (mark - index) / index,
    /// ±`max_funding_rate`). Funding accrues continuously at this rate: a position pays or
    /// receives `rate * index * seconds / funding_interval_seconds` per base unit for the
    /// seconds it is open. Range: [`bounds`], docs/engine.md#parameters.
    pub funding_factor: Decimal,
    /// Largest funding rate per interval. Range: [`bounds`], docs/engine.md#parameters.
    pub max_funding_rate: Decimal,
    /// Seconds the funding rate is quoted for (funding accrues every second at
    /// `rate / funding_interval_seconds`; there are no settlement boundaries).
    /// Range: [`bounds`], docs/engine.md#parameters.
    pub funding_interval_seconds: u64,
    /// Prices older than this are stale. Funding accrues only for the seconds the last index
    /// was fresh (before `publish_time + oracle_max_age_seconds`); time on a stale index is
    /// never charged. Range: [`bounds`], docs/engine.md#parameters.
    pub oracle_max_age_seconds: u64,
    /// Most base a market's liquidations may sell into (or buy from) its vAMM in one block, as a
    /// fraction of the vAMM's base reserve (the smaller of at the block's first liquidation and
    /// at its start); a larger position is liquidated in parts
    /// over several blocks. At or below half the taker fee, sandwiching a liquidation costs more
    /// in taker fees than the liquidation's price impact can return (docs/engine.md#liquidation).
    /// Markets stored or messages sent without it read 0.05%.
    /// Range: [`bounds`], docs/engine.md#parameters.
    #[serde(default = "default_liquidation_depth")]
    pub liquidation_depth: Decimal,
    /// Least a keeper earns for a liquidation: when the keeper's share of the liquidation fee
    /// paid from the position's margin is smaller (a position near or past bankruptcy), the
    /// engine's fee pools pay the rest. Markets stored or messages sent without it read 0.
    /// Range: [`bounds`], docs/engine.md#parameters.
    #[serde(default)]
    pub min_keeper_reward: Uint128,
    /// The index is the median of the latest fresh prices of at least this many distinct
    /// feeders; at most the market's number of feeders. 1 lets one key set the index (the
    /// market query warns). 1 when absent (markets stored before it existed).
    /// Range: [`bounds`], docs/engine.md#oracle.
    #[serde(default = "default_min_feeders")]
    pub min_feeders: u32,
    /// A new index further than this fraction from the last index needs the fresh prices of at
    /// least two distinct feeders beyond it on the same side. Absent: off.
    /// Range: [`bounds`], docs/engine.md#oracle.
    #[serde(default)]
    pub max_index_move: Option<Decimal>,
    /// Pushed prices below this are refused (`PriceOutOfBounds`). 10^-18 when absent.
    /// Range: [`bounds`], docs/engine.md#oracle.
    #[serde(default = "default_min_price")]
    pub min_price: Decimal256,
    /// Pushed prices above this are refused (`PriceOutOfBounds`); above `min_price`, and
    /// `(max_long_oi + max_short_oi) * max_price` fits every market's notional in a sweep.
    /// 10^18 when absent. Range: [`bounds`], docs/engine.md#oracle.
    #[serde(default = "default_max_price")]
    pub max_price: Decimal256,
    /// A price shock: the index or any accepted fresh feeder price further than this fraction
    /// from the index at the start of the current or the previous shock window. Margin removal
    /// in the market then pauses for `shock_pause_seconds`. 10% when absent.
    /// Range: [`bounds`], docs/engine.md#pauses.
    #[serde(default = "default_shock_move")]
    pub shock_move: Decimal,
    /// Length of a shock window (windows start at multiples of it). 1 hour when absent.
    /// Range: [`bounds`], docs/engine.md#pauses.
    #[serde(default = "default_shock_window_seconds")]
    pub shock_window_seconds: u64,
    /// How long a shock pauses margin removal in the market. 1 hour when absent.
    /// Range: [`bounds`], docs/engine.md#pauses.
    #[serde(default = "default_shock_pause_seconds")]
    pub shock_pause_seconds: u64,
}

/// [`MarketParams::liquidation_depth`] of markets stored, or messages sent, without it: 0.05%.
pub fn default_liquidation_depth() -> Decimal {
    Decimal::raw(500_000_000_000_000)
}

fn default_min_feeders() -> u32 {
    bounds::DEFAULT_MIN_FEEDERS
}

fn default_min_price() -> Decimal256 {
    bounds::DEFAULT_MIN_PRICE
}

fn default_max_price() -> Decimal256 {
    bounds::DEFAULT_MAX_PRICE
}

fn default_shock_move() -> Decimal {
    bounds::DEFAULT_SHOCK_MOVE
}

fn default_shock_window_seconds() -> u64 {
    bounds::DEFAULT_SHOCK_WINDOW_SECONDS
}

fn default_shock_pause_seconds() -> u64 {
    bounds::DEFAULT_SHOCK_PAUSE_SECONDS
}

/// A market as the governor creates it.
#[cw_serde]
#[serde(deny_unknown_fields)]
pub struct NewMarket {
    /// Market id, e.g. `"BTC-USD"`: letters, digits and `-`. Length: [`bounds`],
    /// docs/engine.md#parameters.
    pub id: String,
    /// Initial vAMM base reserve. Range: [`bounds`], docs/engine.md#parameters.
    pub base_reserve: Uint128,
    /// Initial vAMM quote reserve; `quote / base` is the starting mark price.
    /// Range: [`bounds`], docs/engine.md#parameters.
    pub quote_reserve: Uint128,
    /// Addresses allowed to push index prices. How many: [`bounds`], docs/engine.md#parameters.
    pub feeders: Vec<String>,
    /// Risk and fee parameters.
    pub params: MarketParams,
}

/// Engine-wide fee split and sweep settings.
#[cw_serde]
#[serde(deny_unknown_fields)]
pub struct FeeConfig {
    /// Fund's fraction of trading fees while coverage < 1.
    /// Range: [`bounds`], docs/engine.md#parameters.
    pub fund_share_max: Decimal,
    /// Fund's fraction at coverage >= 2 (linear in between); at most `fund_share_max`.
    /// Range: [`bounds`], docs/engine.md#parameters.
    pub fund_share_min: Decimal,
    /// Pending premium that triggers an automatic sweep to the fund (0 = never automatic).
    pub sweep_threshold: Uint128,
}

impl Default for FeeConfig {
    fn default() -> Self {
        Self {
            fund_share_max: Decimal::percent(50),
            fund_share_min: Decimal::percent(10),
            sweep_threshold: Uint128::zero(),
        }
    }
}

/// Pause switches; closing positions and adding margin stay open unless `halted`.
#[cw_serde]
#[serde(deny_unknown_fields)]
#[derive(Copy, Default, Eq)]
pub struct EnginePause {
    /// Opening and growing positions.
    pub new_positions: bool,
    /// Removing margin.
    pub margin_removal: bool,
    /// Liquidations.
    pub liquidation: bool,
    /// Everything that moves positions or margin (governor only).
    pub halted: bool,
}

/// Instantiates the engine.
#[cw_serde]
#[serde(deny_unknown_fields)]
pub struct InstantiateMsg {
    /// Governor (any address).
    pub governor: String,
    /// Guardian: may only switch pauses on.
    pub guardian: Option<String>,
    /// Insurance fund: pays shortfalls, receives premiums.
    pub fund: String,
    /// Receives the treasury's part of trading fees.
    pub treasury: String,
    /// Collateral denom (the fund's).
    pub collateral_denom: String,
    /// Fee split; defaults when absent.
    pub fees: Option<FeeConfig>,
}

/// Execute messages of the engine.
#[cw_serde]
#[serde(deny_unknown_fields)]
pub enum ExecuteMsg {
    /// Open, grow, shrink, flip or close the sender's position in a market by `size_delta`
    /// base units (positive buys, negative sells). Collateral sent (one coin) is added to the
    /// position's margin first.
    Trade {
        /// Market id.
        market: String,
        /// Signed size change in base units.
        size_delta: Int128,
        /// Worst acceptable average price of this trade (most for buys, least for sells).
        price_limit: Option<Decimal256>,
    },
    /// Close the sender's whole position and pay out its margin.
    ClosePosition {
        /// Market id.
        market: String,
        /// Worst acceptable average price.
        price_limit: Option<Decimal256>,
    },
    /// Add the one collateral coin sent to the sender's margin in a market. Catches the
    /// market's funding up first (as `SettleFunding` would).
    AddMargin {
        /// Market id.
        market: String,
    },
    /// Withdraw margin, down to the initial margin at the index price: what stays, net of
    /// funding owed and of any unrealized loss at the index, must cover it. Unrealized profit
    /// does not count. The market's funding is caught up first (as `SettleFunding` would), so
    /// the funding owed includes every second up to now.
    RemoveMargin {
        /// Market id.
        market: String,
        /// Amount to withdraw.
        amount: Uint128,
    },
    /// Liquidate a position below maintenance margin at the index price (anyone).
    Liquidate {
        /// Market id.
        market: String,
        /// Owner of the position.
        trader: String,
    },
    /// Settle a market's funding (anyone): accrue it over the span from its
    /// `last_funding_time` to now and move `last_funding_time` to now. The mark (every fill
    /// settles first) and the index (every `PushPrice` settles first) are constant over the
    /// span, so the accrual is exact: with `rate = clamp(funding_factor * (mark - index) /
    /// index, ±max_funding_rate)`, the side the premium names (longs when the mark is above the
    /// index) pays `|rate| * index * charged / funding_interval_seconds` per base unit and the
    /// other side receives exactly what was paid, pro rata. `charged` is the part of the span
    /// before `publish_time + oracle_max_age_seconds` (a stale index charges nothing), and 0
    /// when either side has no open interest. Reports `seconds_elapsed`, `seconds_charged`,
    /// `rate` (per interval) and `paid`.
    ///
    /// Every `Trade`, `ClosePosition`, `Liquidate`, `AddMargin`, `RemoveMargin`, `PushPrice`
    /// and `UpdateMarket` first does the same for its market, so a position pays or earns
    /// funding for exactly the seconds it is open, whoever settles and whenever.
    /// Fails with `NoPrice` when the market never had an index price, and with
    /// `FundingNotDue` only when the market is already accrued to now (this block). Refused
    /// while the engine is halted; halting first does the same for every market, ending a
    /// halt moves every market's clock to then without charging.
    SettleFunding {
        /// Market id.
        market: String,
    },
    /// Split unsplit fees, send pending premium to the fund and report the engine's total
    /// open-interest notional now (anyone). Fees are split at the fund's coverage for the open
    /// interest averaged over time since the previous sweep: Σ over markets of (open interest x
    /// seconds, since the sweep) / seconds since the sweep, times the market's index price, so
    /// open interest held for a moment counts for a moment. A market's term saturates at
    /// 2^128 - 1 rather than failing the sweep. A sweep (also the automatic one) then restarts
    /// every market's window.
    SweepPremium {},
    /// Feeder only: push the sender's price observation. The market's funding is first accrued
    /// up to now with the index being replaced (as `SettleFunding` would; not while the engine
    /// is halted). The observation replaces the sender's own last one (its `publish_time` must
    /// be newer than that one, not in the future; the price within the market's
    /// `min_price ..= max_price`), and the index is recomputed: the median of the fresh prices
    /// of the market's feeders when at least `min_feeders` are fresh, a move beyond
    /// `max_index_move` only when two distinct feeders' fresh prices confirm it. A fresh price
    /// or index further than `shock_move` from the shock references starts a price shock
    /// (docs/engine.md#oracle, docs/engine.md#pauses).
    PushPrice {
        /// Market id.
        market: String,
        /// The observed price, quote base units per base unit.
        price: Decimal256,
        /// When the price was observed (seconds); not in the future.
        publish_time: u64,
    },
    /// Guardian or governor: start (or prolong) a market's price shock until now +
    /// `shock_pause_seconds`, never later; margin removal in the market pauses until then.
    TriggerShock {
        /// Market id.
        market: String,
    },
    /// Governor only: end a market's price shock now.
    EndShock {
        /// Market id.
        market: String,
    },
    /// Governor only: create a market.
    AddMarket(NewMarket),
    /// Governor only: change a market's parameters. Unless the engine is halted, the market's
    /// funding is first accrued up to now under the old parameters (as `SettleFunding` would),
    /// so new funding settings apply from now on only.
    UpdateMarket {
        /// Market id.
        market: String,
        /// New parameters.
        params: MarketParams,
    },
    /// Governor only: replace a market's feeders.
    SetFeeders {
        /// Market id.
        market: String,
        /// New feeder addresses.
        feeders: Vec<String>,
    },
    /// Governor only: change the fee split.
    UpdateFees(FeeConfig),
    /// Governor only: change fund, treasury or guardian.
    UpdateConfig {
        /// New fund.
        fund: Option<String>,
        /// New treasury.
        treasury: Option<String>,
        /// New guardian.
        guardian: Option<String>,
    },
    /// Governor: set pauses. Guardian: may only switch `new_positions`, `margin_removal` and
    /// `liquidation` on. Switching the halt on first accrues every market's funding up to now
    /// (as `SettleFunding` would); ending a halt moves every market's funding clock to then
    /// without charging: time spent halted is never charged.
    SetPause(EnginePause),
    /// Governor only: send accrued treasury fees to the treasury.
    WithdrawTreasury {},
    /// Collect what a liquidation during a deficit owed the sender (as keeper or as the
    /// liquidated trader) but could not pay then. During a deficit it pays what the engine's
    /// balance allows and leaves the rest owed; refused while the engine is halted.
    ClaimOwed {},
    /// Anyone: pay collateral (the one coin sent) toward `uncovered_bad_debt`, so the engine
    /// can pay its winners again without waiting for fees (a treasury or DAO recapitalizing
    /// it). What exceeds the deficit is sent back; refused when there is none.
    RepayDeficit {},
    /// Anyone, on an engine migrated from a version without stress buckets: count up to
    /// `limit` (default and max 100) more positions in them, in key order; the last page makes
    /// [`QueryMsg::StressLoss`] answer. Refused once they are complete.
    RebuildStress {
        /// Positions to count.
        limit: Option<u32>,
    },
    /// Governor transfer.
    UpdateOwnership(GovernorAction),
}

/// Migrate message of the engine.
#[cw_serde]
#[serde(deny_unknown_fields)]
pub struct MigrateMsg {}

/// Query messages of the engine.
#[cw_serde]
#[serde(deny_unknown_fields)]
#[derive(QueryResponses)]
pub enum QueryMsg {
    /// The governor and any pending transfer of the role.
    #[returns(crate::Ownership)]
    Ownership {},
    /// Addresses, fee split, pauses.
    #[returns(EngineConfigResponse)]
    Config {},
    /// One market.
    #[returns(MarketResponse)]
    Market {
        /// Market id.
        market: String,
    },
    /// Markets by id.
    #[returns(MarketsResponse)]
    Markets {
        /// Id to start after.
        start_after: Option<String>,
        /// Page size (default 10, max 30).
        limit: Option<u32>,
    },
    /// One position with its figures now.
    #[returns(PositionResponse)]
    Position {
        /// Market id.
        market: String,
        /// Owner.
        trader: String,
    },
    /// A trader's positions by market id.
    #[returns(PositionsResponse)]
    Positions {
        /// Owner.
        trader: String,
        /// Market id to start after.
        start_after: Option<String>,
        /// Page size (default 10, max 30).
        limit: Option<u32>,
    },
    /// Fees and premium held by the engine, and the margin pool.
    #[returns(EngineStateResponse)]
    State {},
    /// Socialized losses by id.
    #[returns(SocializedLossesResponse)]
    SocializedLosses {
        /// Id to start after.
        start_after: Option<u64>,
        /// Page size (default 10, max 30).
        limit: Option<u32>,
    },
    /// A market's price-shock state: whether margin removal in it is paused now, until when,
    /// and the references moves are measured from.
    #[returns(ShockResponse)]
    Shock {
        /// Market id.
        market: String,
    },
    /// What liquidations during a deficit owe an address (see [`ExecuteMsg::ClaimOwed`]).
    #[returns(OwedResponse)]
    Owed {
        /// Keeper or trader.
        address: String,
    },
    /// Estimated bad debt if the index of `market` (or of every market) moved by `price_move`
    /// (-0.3 = -30%) now, from the stress buckets (docs/engine.md#stress-query): work bounded
    /// by the buckets, not the positions. Below the exact bad debt at the index by at most
    /// `max_error`.
    #[returns(StressLossResponse)]
    StressLoss {
        /// Market id; none for every market.
        market: Option<String>,
        /// Relative index move, above -1.
        price_move: SignedDecimal,
    },
}

/// Response to [`QueryMsg::StressLoss`].
#[cw_serde]
pub struct StressLossResponse {
    /// Sum over the markets.
    pub bad_debt: Uint128,
    /// Sum over the markets.
    pub max_error: Uint128,
    /// Each market asked (with an index).
    pub markets: Vec<MarketStress>,
}

/// One market's part of a [`StressLossResponse`].
#[cw_serde]
pub struct MarketStress {
    /// Market id.
    pub market: String,
    /// Index now.
    pub index: Decimal256,
    /// Index after the move.
    pub price: Decimal256,
    /// Estimated bad debt (at the moved index, before liquidation price impact).
    pub bad_debt: Uint128,
    /// Most the estimate may be below the exact bad debt (bucket width times the size in the
    /// moved index's bucket).
    pub max_error: Uint128,
}

/// Response to [`QueryMsg::Shock`].
#[cw_serde]
pub struct ShockResponse {
    /// Market id.
    pub market: String,
    /// Whether margin removal in the market is paused by a shock now (`until` > now).
    pub active: bool,
    /// End of the latest shock (seconds); 0 when the market was never shocked.
    pub until: u64,
    /// Start of the current shock window (seconds).
    pub window_start: u64,
    /// Index at the start of the current window (or its first index, if it had none then).
    pub reference_price: Option<Decimal256>,
    /// Start of the previous shock window (seconds).
    pub previous_window_start: u64,
    /// Index at the start of the previous window.
    pub previous_reference_price: Option<Decimal256>,
}

/// A feeder's latest price in a market.
#[cw_serde]
pub struct FeederPriceResponse {
    /// Feeder.
    pub feeder: Addr,
    /// Its latest price.
    pub price: Decimal256,
    /// Its publish time (seconds).
    pub publish_time: u64,
    /// Whether it is no older than `oracle_max_age_seconds` now.
    pub fresh: bool,
}

/// Response to [`QueryMsg::Owed`].
#[cw_serde]
pub struct OwedResponse {
    /// The address asked about.
    pub address: Addr,
    /// Collateral the engine owes it.
    pub amount: Uint128,
}

/// Response to [`QueryMsg::Config`].
#[cw_serde]
pub struct EngineConfigResponse {
    /// Insurance fund.
    pub fund: Addr,
    /// Treasury.
    pub treasury: Addr,
    /// Guardian.
    pub guardian: Option<Addr>,
    /// Collateral denom.
    pub collateral_denom: String,
    /// Fee split.
    pub fees: FeeConfig,
    /// Pauses.
    pub pause: EnginePause,
}

/// Storage key under which the engine keeps, as a JSON number of seconds, the latest time any
/// market's price shock lasts until (raised when a shock starts or is prolonged, recomputed
/// over the markets when the governor ends one; absent until the first shock). The insurance
/// fund reads it with a raw storage query and pauses withdrawal claims before that time.
pub const SHOCK_UNTIL_KEY: &str = "shock_until";

/// [`MarketResponse::oracle_warning`] of a market whose `min_feeders` is 1.
pub const SINGLE_FEEDER_WARNING: &str =
    "min_feeders is 1: the latest fresh price of a single feeder can set the index";

/// Response to [`QueryMsg::Market`].
#[cw_serde]
pub struct MarketResponse {
    /// Market id.
    pub id: String,
    /// Parameters.
    pub params: MarketParams,
    /// Feeders.
    pub feeders: Vec<Addr>,
    /// vAMM base reserve now.
    pub base_reserve: Uint128,
    /// vAMM quote reserve now.
    pub quote_reserve: Uint128,
    /// vAMM base reserve at creation (where it returns when every position is closed).
    pub base_reserve_start: Uint128,
    /// Mark price `quote / base`.
    pub mark_price: Decimal256,
    /// Last index price, if any.
    pub index_price: Option<Decimal256>,
    /// Publish time of the index price: the `min_feeders`-th newest publish time among the
    /// prices it was built from, so the index is stale once fewer than `min_feeders` of them
    /// are fresh.
    pub index_publish_time: Option<u64>,
    /// Each feeder's latest price (feeders that never pushed are left out).
    pub feeder_prices: Vec<FeederPriceResponse>,
    /// Set when `min_feeders` is 1: one feeder key alone sets the index.
    pub oracle_warning: Option<String>,
    /// End of the market's latest price shock (seconds; 0 when never shocked): margin removal
    /// in the market is refused before it (see [`QueryMsg::Shock`]).
    pub shock_until: u64,
    /// Long open interest, base units.
    pub long_oi: Uint128,
    /// Short open interest, base units.
    pub short_oi: Uint128,
    /// Cumulative funding paid per base unit by longs (negative: received).
    pub cum_funding_long: cosmwasm_std::SignedDecimal256,
    /// Cumulative funding paid per base unit by shorts (negative: received).
    pub cum_funding_short: cosmwasm_std::SignedDecimal256,
    /// Time the market's funding was last accrued to (whole seconds after the first accrual).
    pub last_funding_time: Timestamp,
    /// Funding collected from payers minus funding credited to receivers (rounding dust goes
    /// to the treasury once the market has no open interest).
    pub funding_pool: Int128,
}

/// Response to [`QueryMsg::Markets`].
#[cw_serde]
pub struct MarketsResponse {
    /// The page.
    pub markets: Vec<MarketResponse>,
}

/// Response to [`QueryMsg::Position`].
#[cw_serde]
pub struct PositionResponse {
    /// Market id.
    pub market: String,
    /// Owner.
    pub trader: Addr,
    /// Signed size in base units (positive long).
    pub size: Int128,
    /// Quote paid (long) or received (short) for the open size.
    pub open_notional: Uint128,
    /// Margin after funding and socialized losses so far.
    pub margin: Uint128,
    /// Funding owed (positive) or due (negative) from the position's last touch up to the
    /// market's `last_funding_time`; the seconds since then are added when anything catches
    /// the market up (a settle, a push, a fill).
    pub accrued_funding: Int128,
    /// Profit or loss if closed on the vAMM now.
    pub unrealized_pnl: Int128,
    /// (margin + pnl at the index price - funding) / notional at the index price.
    pub margin_ratio: Option<Decimal256>,
    /// Index price at which the position reaches maintenance margin.
    pub liquidation_price: Option<Decimal256>,
}

/// Response to [`QueryMsg::Positions`].
#[cw_serde]
pub struct PositionsResponse {
    /// The page.
    pub positions: Vec<PositionResponse>,
}

/// Response to [`QueryMsg::State`].
#[cw_serde]
pub struct EngineStateResponse {
    /// Fees owed to the treasury.
    pub treasury_fees: Uint128,
    /// Premium waiting to be swept to the fund.
    pub pending_premium: Uint128,
    /// Trading fees not yet split between fund and treasury (split at the next sweep).
    pub unsplit_fees: Uint128,
    /// Margin of all open positions (after socialized losses).
    pub total_margin: Uint128,
    /// Deficit that neither the fund, open margin nor the fee pools could absorb; later fees
    /// repay it before any pool grows, so while it is above zero all three pools are zero.
    pub uncovered_bad_debt: Uint128,
    /// Payouts that liquidations during a deficit owe keepers and traders, not yet claimed.
    pub owed_payouts: Uint128,
    /// Next shortfall id.
    pub next_shortfall_id: u64,
}

/// One socialized loss.
#[cw_serde]
pub struct SocializedLoss {
    /// Shortfall id sent to the fund.
    pub shortfall_id: u64,
    /// Market of the liquidated position.
    pub market: String,
    /// Time.
    pub time: Timestamp,
    /// Bad debt of the liquidation.
    pub bad_debt: Uint128,
    /// Paid by the fund.
    pub paid_by_fund: Uint128,
    /// Spread over all open margin.
    pub socialized: Uint128,
    /// Written off against the engine's fee pools (unsplit fees, then the fund's pending
    /// premium, then treasury fees). Records stored before this field existed read 0.
    #[serde(default)]
    pub written_off: Uint128,
    /// Left uncovered after all of the above, repaid by later fees. Records stored before this
    /// field existed read 0 (their uncovered part is `bad_debt - paid_by_fund - socialized`).
    #[serde(default)]
    pub uncovered: Uint128,
}

/// Response to [`QueryMsg::SocializedLosses`].
#[cw_serde]
pub struct SocializedLossesResponse {
    /// The page.
    pub losses: Vec<SocializedLoss>,
}
