//! The perp engine in the [`Suite`]: deployment, trader and keeper actions, engine queries and
//! the engine's invariant checks.
//!
//! The engine's books satisfy, exactly, after every step:
//!
//! ```text
//! bank = total_margin + treasury_fees + unsplit_fees + pending_premium + Σ funding_pool
//!        + owed_payouts
//!        + Σ (vAMM quote now - quote at start) - Σ (long open notional - short open notional)
//!        - uncovered_bad_debt + donations
//! ```
//!
//! because every realized profit is quote the vAMM paid out, and every fund payout or
//! socialized loss fills the hole a bad debt left. A write-off of uncovered bad debt lowers a
//! fee pool and `uncovered_bad_debt` by the same amount; a later fee that repays it lowers
//! `uncovered_bad_debt` instead of raising a pool. With every position closed, premium swept and
//! no deficit left, this says the engine holds exactly its treasury fees (invariant 2 of
//! `docs/testing.md#invariants`; `docs/engine.md#conservation`). Also checked after every step:
//! while `uncovered_bad_debt > 0`, the three fee pools are zero.

use std::collections::{BTreeMap, BTreeSet};

use cosmwasm_std::{coins, Addr, Decimal, Decimal256, Empty, Int128, StdError, Uint128};
use cw_multi_test::{AppResponse, Contract, ContractWrapper, Executor};
use perp_engine::ContractError as EngineError;
use tranche_perps_types::engine::{
    EngineStateResponse, ExecuteMsg, FeeConfig, InstantiateMsg, MarketParams, MarketResponse,
    NewMarket, PositionResponse, QueryMsg, ShockResponse, SocializedLossesResponse,
};
use tranche_perps_types::fund;

use crate::{Step, Suite, DENOM};

/// Result of an engine action: the engine's own error type on failure.
pub type EngineResult<T = AppResponse> = Result<T, EngineError>;

/// The perp engine.
pub fn engine_contract() -> Box<dyn Contract<Empty>> {
    Box::new(
        ContractWrapper::new(
            perp_engine::contract::execute,
            perp_engine::contract::instantiate,
            perp_engine::contract::query,
        )
        .with_reply(perp_engine::contract::reply)
        .with_migrate(perp_engine::contract::migrate),
    )
}

/// Turns a multi-test error into the engine's error; others keep their text in `Std`.
pub fn into_engine_error(err: anyhow::Error) -> EngineError {
    err.downcast::<EngineError>()
        .unwrap_or_else(|err| EngineError::Std(StdError::generic_err(format!("{err:#}"))))
}

/// Market parameters the suite's markets start with: 10x initial, 5% maintenance, 0.1% taker
/// fee, 2% liquidation fee half to the keeper, 10 USDC minimum notional, 10% max spread,
/// funding factor 1 capped at 0.5% per hourly interval, prices stale after 10 minutes, 0.05% of
/// the vAMM liquidated per block, and at least 0.1 USDC for every liquidation's keeper; the
/// index needs 2 fresh feeders and a second feeder's confirmation for a move beyond 10%, prices
/// between 0.001 and 1,000,000; a 10% move within an hour-long window pauses margin removal
/// for an hour.
pub fn default_market_params() -> MarketParams {
    MarketParams {
        initial_margin_ratio: Decimal::percent(10),
        maintenance_margin_ratio: Decimal::percent(5),
        taker_fee: Decimal::permille(1),
        liquidation_fee: Decimal::percent(2),
        keeper_share: Decimal::percent(50),
        min_notional: Uint128::new(10_000_000),
        max_long_oi: Uint128::new(100_000_000_000),
        max_short_oi: Uint128::new(100_000_000_000),
        max_spread: Decimal::percent(10),
        funding_factor: Decimal::one(),
        max_funding_rate: Decimal::permille(5),
        funding_interval_seconds: 3_600,
        oracle_max_age_seconds: 600,
        liquidation_depth: tranche_perps_types::engine::default_liquidation_depth(),
        min_keeper_reward: Uint128::new(100_000),
        min_feeders: 2,
        max_index_move: Some(Decimal::percent(10)),
        min_price: Decimal256::permille(1),
        max_price: Decimal256::from_ratio(1_000_000u128, 1u128),
        shock_move: Decimal::percent(10),
        shock_window_seconds: 3_600,
        shock_pause_seconds: 3_600,
    }
}

/// Names of the suite's feeders: every suite market has all of them; [`Suite::push_price`]
/// pushes from the first two.
pub const FEEDERS: [&str; 3] = ["feeder", "feeder2", "feeder3"];

/// Test-side records of the engine: what the invariant checks need to know.
#[derive(Clone, Debug)]
pub struct PerpRecords {
    /// Feeders of every suite market ([`FEEDERS`]).
    pub feeders: Vec<Addr>,
    /// Receives treasury fees.
    pub treasury: Addr,
    /// Code id of the engine.
    pub code_id: u64,
    /// Quote reserve of each market at creation.
    pub quote_start: BTreeMap<String, u128>,
    /// Every trader that ever traded, per market.
    pub traders: BTreeMap<String, BTreeSet<Addr>>,
    /// Collateral sent to the engine outside its messages.
    pub donated: u128,
}

/// Instantiates the engine and makes it the fund's engine.
pub(crate) fn deploy(suite: &mut Suite) {
    let code_id = suite.app.store_code(engine_contract());
    let treasury = suite.addr("treasury");
    let feeders = FEEDERS.iter().map(|f| suite.addr(f)).collect();
    let engine = suite
        .app
        .instantiate_contract(
            code_id,
            suite.operator.clone(),
            &InstantiateMsg {
                governor: suite.governor.to_string(),
                guardian: Some(suite.guardian.to_string()),
                fund: suite.fund.to_string(),
                treasury: treasury.to_string(),
                collateral_denom: DENOM.to_string(),
                fees: Some(FeeConfig::default()),
            },
            &[],
            "perp engine",
            Some(suite.governor.to_string()),
        )
        .expect("engine instantiates");
    suite
        .app
        .execute_contract(
            suite.governor.clone(),
            suite.fund.clone(),
            &fund::ExecuteMsg::UpdateConfig {
                engine: Some(engine.to_string()),
                guardian: None,
                remove_guardian: None,
            },
            &[],
        )
        .expect("fund accepts the engine");
    suite.engine = engine;
    suite.perp = Some(PerpRecords {
        feeders,
        treasury,
        code_id,
        quote_start: BTreeMap::new(),
        traders: BTreeMap::new(),
        donated: 0,
    });
}

impl Suite {
    fn records(&self) -> &PerpRecords {
        self.perp.as_ref().expect("suite built with_perp_engine()")
    }

    /// The first feeder of every suite market.
    pub fn feeder(&self) -> Addr {
        self.records().feeders[0].clone()
    }

    /// Every feeder of the suite's markets ([`FEEDERS`]).
    pub fn feeders(&self) -> Vec<Addr> {
        self.records().feeders.clone()
    }

    /// The suite's feeders as message strings.
    pub fn feeder_strings(&self) -> Vec<String> {
        self.feeders().iter().map(Addr::to_string).collect()
    }

    /// The engine's treasury.
    pub fn treasury(&self) -> Addr {
        self.records().treasury.clone()
    }

    /// Executes an engine message as a checked step.
    pub fn execute_engine(
        &mut self,
        sender: &Addr,
        msg: &ExecuteMsg,
        funds: &[cosmwasm_std::Coin],
    ) -> EngineResult {
        let kind = match msg {
            ExecuteMsg::Liquidate { .. } => Step::Loss,
            _ => Step::Admin,
        };
        let (sender, engine) = (sender.clone(), self.engine.clone());
        self.step(kind, |s| {
            s.app
                .execute_contract(sender, engine, msg, funds)
                .map_err(into_engine_error)
        })
    }

    /// The governor adds a market with the suite's default parameters, the suite's feeders,
    /// and vAMM reserves `(base, quote)`.
    pub fn add_market(&mut self, id: &str, base: u128, quote: u128) -> EngineResult {
        self.add_market_with(id, base, quote, default_market_params())
    }

    /// The governor adds a market with the given parameters.
    pub fn add_market_with(
        &mut self,
        id: &str,
        base: u128,
        quote: u128,
        params: MarketParams,
    ) -> EngineResult {
        let governor = self.governor.clone();
        let msg = ExecuteMsg::AddMarket(NewMarket {
            id: id.to_string(),
            base_reserve: Uint128::new(base),
            quote_reserve: Uint128::new(quote),
            feeders: self.feeder_strings(),
            params,
        });
        let res = self.execute_engine(&governor, &msg, &[])?;
        let records = self.perp.as_mut().expect("perp suite");
        records.quote_start.insert(id.to_string(), quote);
        records.traders.insert(id.to_string(), BTreeSet::new());
        Ok(res)
    }

    /// The first two feeders push `price` (a decimal string, quote units per base unit)
    /// published now, so it becomes the index (2 fresh prices agree); the second push's
    /// response.
    pub fn push_price(&mut self, market: &str, price: &str) -> EngineResult {
        let feeders = self.feeders();
        self.push_price_from(&feeders[0], market, price)?;
        self.push_price_from(&feeders[1], market, price)
    }

    /// `feeder` alone pushes `price` published now.
    pub fn push_price_from(&mut self, feeder: &Addr, market: &str, price: &str) -> EngineResult {
        let now = self.app.block_info().time.seconds();
        self.push_price_at(feeder, market, price, now)
    }

    /// `feeder` alone pushes `price` published at `publish_time`.
    pub fn push_price_at(
        &mut self,
        feeder: &Addr,
        market: &str,
        price: &str,
        publish_time: u64,
    ) -> EngineResult {
        self.execute_engine(
            feeder,
            &ExecuteMsg::PushPrice {
                market: market.to_string(),
                price: price.parse::<Decimal256>().expect("price parses"),
                publish_time,
            },
            &[],
        )
    }

    /// `QueryMsg::Shock`.
    pub fn shock(&self, market: &str) -> ShockResponse {
        self.engine_query(&QueryMsg::Shock {
            market: market.to_string(),
        })
        .expect("shock query")
    }

    pub(crate) fn note_trader(&mut self, market: &str, who: &Addr) {
        if let Some(records) = self.perp.as_mut() {
            records
                .traders
                .entry(market.to_string())
                .or_default()
                .insert(who.clone());
        }
    }

    /// `who` trades `size_delta` base units in `market`, sending `margin` collateral with it.
    pub fn trade(
        &mut self,
        who: &Addr,
        market: &str,
        size_delta: i128,
        margin: u128,
    ) -> EngineResult {
        self.trade_limit(who, market, size_delta, margin, None)
    }

    /// `trade` with a price limit.
    pub fn trade_limit(
        &mut self,
        who: &Addr,
        market: &str,
        size_delta: i128,
        margin: u128,
        price_limit: Option<&str>,
    ) -> EngineResult {
        self.note_trader(market, who);
        let funds = if margin == 0 {
            vec![]
        } else {
            coins(margin, DENOM)
        };
        self.execute_engine(
            who,
            &ExecuteMsg::Trade {
                market: market.to_string(),
                size_delta: Int128::new(size_delta),
                price_limit: price_limit.map(|p| p.parse().expect("limit parses")),
            },
            &funds,
        )
    }

    /// `who` closes their position in `market`.
    pub fn close(&mut self, who: &Addr, market: &str) -> EngineResult {
        self.execute_engine(
            who,
            &ExecuteMsg::ClosePosition {
                market: market.to_string(),
                price_limit: None,
            },
            &[],
        )
    }

    /// `who` adds margin.
    pub fn add_margin(&mut self, who: &Addr, market: &str, amount: u128) -> EngineResult {
        self.execute_engine(
            who,
            &ExecuteMsg::AddMargin {
                market: market.to_string(),
            },
            &coins(amount, DENOM),
        )
    }

    /// `who` removes margin.
    pub fn remove_margin(&mut self, who: &Addr, market: &str, amount: u128) -> EngineResult {
        self.execute_engine(
            who,
            &ExecuteMsg::RemoveMargin {
                market: market.to_string(),
                amount: Uint128::new(amount),
            },
            &[],
        )
    }

    /// `keeper` liquidates `trader` in `market`.
    pub fn liquidate(&mut self, keeper: &Addr, market: &str, trader: &Addr) -> EngineResult {
        self.execute_engine(
            keeper,
            &ExecuteMsg::Liquidate {
                market: market.to_string(),
                trader: trader.to_string(),
            },
            &[],
        )
    }

    /// `who` settles funding of `market`.
    pub fn settle_funding(&mut self, who: &Addr, market: &str) -> EngineResult {
        self.execute_engine(
            who,
            &ExecuteMsg::SettleFunding {
                market: market.to_string(),
            },
            &[],
        )
    }

    /// `who` sweeps premium to the fund.
    pub fn sweep_premium(&mut self, who: &Addr) -> EngineResult {
        self.execute_engine(who, &ExecuteMsg::SweepPremium {}, &[])
    }

    /// `who` pays `amount` of collateral toward the engine's uncovered bad debt.
    pub fn repay_deficit(&mut self, who: &Addr, amount: u128) -> EngineResult {
        let funds = if amount == 0 {
            vec![]
        } else {
            coins(amount, DENOM)
        };
        self.execute_engine(who, &ExecuteMsg::RepayDeficit {}, &funds)
    }

    /// `who` collects what liquidations during a deficit owe it.
    pub fn claim_owed(&mut self, who: &Addr) -> EngineResult {
        self.execute_engine(who, &ExecuteMsg::ClaimOwed {}, &[])
    }

    /// What liquidations during a deficit owe `who`.
    pub fn owed(&self, who: &Addr) -> u128 {
        let res: tranche_perps_types::engine::OwedResponse = self
            .app
            .wrap()
            .query_wasm_smart(
                self.engine.clone(),
                &tranche_perps_types::engine::QueryMsg::Owed {
                    address: who.to_string(),
                },
            )
            .expect("owed query");
        res.amount.u128()
    }

    /// Sends collateral to the engine outside its messages.
    pub fn donate_to_engine(&mut self, from: &Addr, amount: u128) {
        let engine = self.engine.clone();
        self.app
            .send_tokens(from.clone(), engine, &coins(amount, DENOM))
            .expect("donation");
        self.perp.as_mut().expect("perp suite").donated += amount;
    }

    fn engine_query<T: serde::de::DeserializeOwned>(&self, msg: &QueryMsg) -> Result<T, StdError> {
        self.app.wrap().query_wasm_smart(&self.engine, msg)
    }

    /// `QueryMsg::State` of the engine.
    pub fn engine_state(&self) -> EngineStateResponse {
        self.engine_query(&QueryMsg::State {})
            .expect("engine state")
    }

    /// `QueryMsg::Market`.
    pub fn market(&self, market: &str) -> MarketResponse {
        self.engine_query(&QueryMsg::Market {
            market: market.to_string(),
        })
        .expect("market query")
    }

    /// `QueryMsg::Position`, none when there is no position.
    pub fn position(&self, market: &str, trader: &Addr) -> Option<PositionResponse> {
        self.engine_query(&QueryMsg::Position {
            market: market.to_string(),
            trader: trader.to_string(),
        })
        .ok()
    }

    /// A position's margin as the engine stores it (its share of the margin pool, socialized
    /// losses included), before any funding it owes: what a liquidation or close starts from
    /// before it applies that funding (`funding_paid`). The position query instead nets the
    /// funding owed at the market's last accrual.
    pub fn stored_margin(&self, market: &str, trader: &Addr) -> u128 {
        let storage = self.app.contract_storage(&self.engine);
        let position = perp_engine::state::POSITIONS
            .load(&*storage, (trader, market))
            .expect("a stored position");
        let state = perp_engine::state::STATE
            .load(&*storage)
            .expect("engine state");
        perp_engine::margin::margin_of(&state, &position)
            .expect("margin")
            .u128()
    }

    /// `QueryMsg::StressLoss` of a move of `price_move` ("-0.3" = -30%) in `market` (none:
    /// every market).
    pub fn stress_loss(
        &self,
        market: Option<&str>,
        price_move: &str,
    ) -> Result<tranche_perps_types::engine::StressLossResponse, StdError> {
        self.engine_query(&QueryMsg::StressLoss {
            market: market.map(str::to_string),
            price_move: price_move.parse().expect("a signed decimal"),
        })
    }

    /// `QueryMsg::SocializedLosses` (first page).
    pub fn socialized_losses(&self) -> SocializedLossesResponse {
        self.engine_query(&QueryMsg::SocializedLosses {
            start_after: None,
            limit: Some(30),
        })
        .expect("socialized losses")
    }

    /// Market `id`'s stress buckets hold exactly the sums of the parts its stored positions
    /// were last counted with (`perp_engine::stress`), and, while no loss was ever socialized
    /// (the only change of margin that touches no position besides funding, which margin does
    /// not include), each counted position's part is the one of its size, open notional and
    /// margin now.
    pub fn check_stress_buckets(&self, id: &str) {
        use perp_engine::state::{StressBucket, POSITIONS, STATE, STRESS_LONG, STRESS_SHORT};
        let unsocialized = self
            .socialized_losses()
            .losses
            .iter()
            .all(|loss| loss.socialized.is_zero());
        let storage = self.app.contract_storage(&self.engine);
        let state = STATE.load(&*storage).unwrap();
        let mut expected: BTreeMap<(bool, u16), StressBucket> = BTreeMap::new();
        for trader in &self.records().traders[id] {
            let Some(position) = POSITIONS.may_load(&*storage, (trader, id)).unwrap() else {
                continue;
            };
            if let (true, Some(debt)) = (unsocialized, position.stress_debt) {
                let margin = perp_engine::margin::margin_of(&state, &position).unwrap();
                let open = position.open_notional;
                let now = match position.size.i128() {
                    0 => Uint128::zero(),
                    size if size < 0 => open + margin,
                    _ => open.saturating_sub(margin),
                };
                assert_eq!(debt, now, "{id} {trader}: stress part not recounted");
            }
            if let Some(part) = perp_engine::stress::counted(&position).unwrap() {
                let bucket = expected.entry((part.long, part.bucket)).or_default();
                bucket.size += part.size;
                bucket.debt += part.debt;
            }
        }
        let mut stored = BTreeMap::new();
        for (long, map) in [(true, STRESS_LONG), (false, STRESS_SHORT)] {
            for item in map
                .prefix(id)
                .range(&*storage, None, None, cosmwasm_std::Order::Ascending)
            {
                let (bucket, sums) = item.unwrap();
                stored.insert((long, bucket), sums);
            }
        }
        assert_eq!(stored, expected, "{id} stress buckets");
    }

    /// The engine's conservation identity (module docs) and per-market open interest, exactly;
    /// uncovered bad debt only with empty fee pools.
    pub fn check_engine_invariants(&self) {
        let records = self.records();
        let state = self.engine_state();
        if !state.uncovered_bad_debt.is_zero() {
            assert!(
                state.unsplit_fees.is_zero()
                    && state.pending_premium.is_zero()
                    && state.treasury_fees.is_zero(),
                "uncovered bad debt beside fee pools that could absorb it: {state:?}"
            );
        }
        let mut books: i128 = (state.total_margin
            + state.treasury_fees
            + state.unsplit_fees
            + state.pending_premium
            + state.owed_payouts)
            .u128() as i128;
        books -= state.uncovered_bad_debt.u128() as i128;
        books += records.donated as i128;
        for (id, quote_start) in &records.quote_start {
            let market = self.market(id);
            books += market.funding_pool.i128();
            books += market.quote_reserve.u128() as i128 - *quote_start as i128;
            let (mut long, mut short) = (0u128, 0u128);
            for trader in &records.traders[id] {
                if let Some(position) = self.position(id, trader) {
                    let size = position.size.i128();
                    let open = position.open_notional.u128() as i128;
                    if size > 0 {
                        long += size as u128;
                        books -= open;
                    } else {
                        short += size.unsigned_abs();
                        books += open;
                    }
                }
            }
            assert_eq!(market.long_oi.u128(), long, "{id} long open interest");
            assert_eq!(market.short_oi.u128(), short, "{id} short open interest");
            self.check_stress_buckets(id);
        }
        assert_eq!(
            self.balance(&self.engine) as i128,
            books,
            "engine bank balance must equal its books: {state:?}"
        );
    }
}
