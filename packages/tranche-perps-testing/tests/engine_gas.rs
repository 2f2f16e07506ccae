//! Invariant 12 of `docs/testing.md#invariants` for the engine: the storage work of an open, a
//! close, adding and removing margin, settling funding, a price push, a liquidation with
//! remaining margin and a liquidation with bad debt (plus its reply), a premium sweep, and of the
//! stress query (`QueryMsg::StressLoss`), does not depend on the number of other positions.
//!
//! The engine's entry points run directly on mock dependencies whose storage counts reads,
//! writes, removes, range calls and items iterated. The same script runs in a world with 10
//! other positions and in one with 10,000; every count must be identical.

use cosmwasm_std::testing::{message_info, mock_env, MockApi, MockQuerier};
use cosmwasm_std::{
    coins, from_json, to_json_binary, Addr, ContractResult, CosmosMsg, Decimal, Decimal256, Env,
    Int128, OwnedDeps, Reply, Response, SubMsgResult, SystemResult, Uint128, Uint256, WasmQuery,
};
use perp_engine::contract::{execute, instantiate, query, reply, ReplyId};
use perp_engine::liquidate::ShortfallContext;
use tranche_perps_testing::counting::{
    attribute, check_bytes_record, counting_deps, CountingStorage, Counts,
};
use tranche_perps_testing::perp::default_market_params;
use tranche_perps_testing::{DENOM, ONE};
use tranche_perps_types::engine::{
    ExecuteMsg, InstantiateMsg, MarketParams, NewMarket, QueryMsg, StressLossResponse,
};
use tranche_perps_types::fund::CoverageResponse;

const BTC: &str = "BTC-USD";

/// An engine on counting storage, with its own clock.
struct World {
    deps: OwnedDeps<CountingStorage, MockApi, MockQuerier>,
    env: Env,
}

impl World {
    fn addr(&self, name: &str) -> Addr {
        self.deps.api.addr_make(name)
    }

    /// Runs `msg` from `sender` with `funds` collateral.
    fn exec(&mut self, sender: &str, msg: ExecuteMsg, funds: u128) -> Response {
        let sender = self.addr(sender);
        let funds = if funds == 0 {
            vec![]
        } else {
            coins(funds, DENOM)
        };
        execute(
            self.deps.as_mut(),
            self.env.clone(),
            message_info(&sender, &funds),
            msg,
        )
        .unwrap()
    }

    /// Runs `msg` and returns the storage operations it made.
    fn measure(&mut self, sender: &str, msg: ExecuteMsg, funds: u128) -> (Response, Counts) {
        self.deps.storage.reset();
        let res = self.exec(sender, msg, funds);
        (res, self.deps.storage.counts())
    }

    /// Runs `StressLoss` of `price_move` on every market and returns the storage operations it
    /// made; every long (a -30% move) or every short (+30%) is bankrupt.
    fn stress(&mut self, price_move: &str) -> Counts {
        self.deps.storage.reset();
        let msg = QueryMsg::StressLoss {
            market: None,
            price_move: price_move.parse().unwrap(),
        };
        let res: StressLossResponse =
            from_json(query(self.deps.as_ref(), self.env.clone(), msg).unwrap()).unwrap();
        assert!(!res.bad_debt.is_zero());
        self.deps.storage.counts()
    }

    fn trade(&mut self, who: &str, size: i128, margin: u128) -> Response {
        self.exec(who, trade_msg(size), margin)
    }

    /// Moves the clock one second and pushes `price` from two feeders (the market's
    /// `min_feeders`).
    fn price(&mut self, price: &str) {
        self.env.block.time = self.env.block.time.plus_seconds(1);
        for feeder in ["feeder", "feeder2"] {
            self.exec(feeder, push_msg(&self.env, price), 0);
        }
    }
}

fn push_msg(env: &Env, price: &str) -> ExecuteMsg {
    ExecuteMsg::PushPrice {
        market: BTC.to_string(),
        price: price.parse::<Decimal256>().unwrap(),
        publish_time: env.block.time.seconds(),
    }
}

fn trade_msg(size: i128) -> ExecuteMsg {
    ExecuteMsg::Trade {
        market: BTC.to_string(),
        size_delta: Int128::new(size),
        price_limit: None,
    }
}

fn liquidate_msg(world: &World, trader: &str) -> ExecuteMsg {
    ExecuteMsg::Liquidate {
        market: BTC.to_string(),
        trader: world.addr(trader).to_string(),
    }
}

/// An engine with one market at mark and index 100 and `others` open positions of 1e6 base
/// (alternately long and short, 20 to 24 USDC each, so bankruptcy prices 76 to 80 and 120 to
/// 124) written through the real execute path.
fn world(others: usize) -> World {
    // The fund answers the sweep's coverage query: coverage 1.5.
    let mut querier = MockQuerier::default();
    querier.update_wasm(|query| match query {
        WasmQuery::Smart { .. } => {
            let coverage = CoverageResponse {
                total_assets: Uint128::new(150),
                open_interest_notional: Uint128::new(100),
                target: Uint256::from(100u128),
                coverage_ratio: Some(Decimal256::percent(150)),
            };
            SystemResult::Ok(ContractResult::Ok(to_json_binary(&coverage).unwrap()))
        }
        _ => panic!("unexpected query {query:?}"),
    });
    let mut world = World {
        deps: counting_deps(querier),
        env: mock_env(),
    };
    let (governor, operator) = (world.addr("governor"), world.addr("operator"));
    let msg = InstantiateMsg {
        governor: governor.to_string(),
        guardian: None,
        fund: world.addr("fund").to_string(),
        treasury: world.addr("treasury").to_string(),
        collateral_denom: DENOM.to_string(),
        fees: None,
    };
    instantiate(
        world.deps.as_mut(),
        world.env.clone(),
        message_info(&operator, &[]),
        msg,
    )
    .unwrap();
    let feeders = ["feeder", "feeder2", "feeder3"].map(|f| world.addr(f).to_string());
    let market = NewMarket {
        id: BTC.to_string(),
        base_reserve: Uint128::new(1_000_000_000_000),
        quote_reserve: Uint128::new(100_000_000_000_000),
        feeders: feeders.to_vec(),
        // One liquidation closes a whole position here (depth 5% of the vAMM per block): this
        // file counts storage work per operation, not parts.
        params: MarketParams {
            liquidation_depth: Decimal::percent(5),
            ..default_market_params()
        },
    };
    world.exec("governor", ExecuteMsg::AddMarket(market), 0);
    world.price("100");
    for i in 0..others {
        let size = if i % 2 == 0 { 1_000_000 } else { -1_000_000 };
        // Five margins per side: five stress buckets per side in both worlds.
        let margin = (20 + (i as u128 / 2) % 5) * ONE;
        world.trade(&format!("trader{i}"), size, margin);
    }
    world
}

/// What one open, one close, the upkeep messages and two liquidations cost in storage
/// operations.
#[derive(Debug, PartialEq, Eq)]
struct Costs {
    open: Counts,
    add_margin: Counts,
    remove_margin: Counts,
    settle_funding: Counts,
    /// One feeder's push that sets a new index.
    push_price: Counts,
    close: Counts,
    liquidation: Counts,
    bad_debt_liquidation: Counts,
    shortfall_reply: Counts,
    sweep_premium: Counts,
    /// `StressLoss` of -30% and of +30% on every market.
    stress_down: Counts,
    stress_up: Counts,
}

impl Costs {
    fn rows(&self) -> Vec<(&'static str, Counts)> {
        vec![
            ("open", self.open),
            ("add_margin", self.add_margin),
            ("remove_margin", self.remove_margin),
            ("settle_funding", self.settle_funding),
            ("push_price", self.push_price),
            ("close", self.close),
            ("liquidation", self.liquidation),
            ("bad_debt_liquidation", self.bad_debt_liquidation),
            ("shortfall_reply", self.shortfall_reply),
            ("sweep_premium", self.sweep_premium),
            ("stress_down", self.stress_down),
            ("stress_up", self.stress_up),
        ]
    }
}

fn costs(others: usize) -> Costs {
    let mut world = world(others);
    let stress_down = world.stress("-0.3");
    let stress_up = world.stress("0.3");
    let (_, open) = world.measure("alice", trade_msg(1_000_000_000), 11_000 * ONE);
    let add = ExecuteMsg::AddMargin {
        market: BTC.to_string(),
    };
    let (_, add_margin) = world.measure("alice", add, 100 * ONE);
    let remove = ExecuteMsg::RemoveMargin {
        market: BTC.to_string(),
        amount: Uint128::new(50 * ONE),
    };
    let (res, remove_margin) = world.measure("alice", remove, 0);
    assert_eq!(res.messages.len(), 1, "the withdrawal");
    world.env.block.time = world.env.block.time.plus_seconds(1);
    let settle = ExecuteMsg::SettleFunding {
        market: BTC.to_string(),
    };
    let (res, settle_funding) = world.measure("keeper", settle, 0);
    assert_eq!(attribute(&res, "seconds_charged"), "1");
    world.env.block.time = world.env.block.time.plus_seconds(1);
    let push = push_msg(&world.env, "101");
    let (res, push_price) = world.measure("feeder", push, 0);
    assert_eq!(attribute(&res, "index_update"), "set");
    let close_msg = ExecuteMsg::ClosePosition {
        market: BTC.to_string(),
        price_limit: None,
    };
    let (res, close) = world.measure("alice", close_msg, 0);
    assert_eq!(res.messages.len(), 1, "the payout");

    // bob (1e9, 11,000 USDC) becomes liquidatable at 93 with margin left; carl (2e9, 22,000)
    // ends in bad debt after the index falls to 80 and arb moves the mark to 87.9.
    world.trade("bob", 1_000_000_000, 11_000 * ONE);
    world.trade("carl", 2_000_000_000, 22_000 * ONE);
    world.price("93");
    let msg = liquidate_msg(&world, "bob");
    let (res, liquidation) = world.measure("keeper", msg, 0);
    assert_eq!(attribute(&res, "bad_debt"), "0");
    assert_eq!(res.messages.len(), 2, "keeper reward and trader payout");

    world.price("80");
    world.trade("arb", -70_000_000_000, 650_000 * ONE);
    let msg = liquidate_msg(&world, "carl");
    let (res, bad_debt_liquidation) = world.measure("keeper", msg, 0);
    assert_ne!(attribute(&res, "bad_debt"), "0");
    assert_eq!(
        res.messages.len(),
        2,
        "the keeper's minimum reward and the CoverShortfall submessage"
    );
    assert!(matches!(res.messages[0].msg, CosmosMsg::Bank(_)));
    let submsg = &res.messages[1];
    assert_eq!(submsg.id, ReplyId::Shortfall as u64);
    assert!(matches!(submsg.msg, CosmosMsg::Wasm(_)));
    let context: ShortfallContext = from_json(&submsg.payload).unwrap();
    assert_eq!(context.shortfall_id, 1);

    // The fund refuses: the reply socializes everything over the open margin.
    world.deps.storage.reset();
    #[allow(deprecated)]
    let refused = Reply {
        id: submsg.id,
        payload: submsg.payload.clone(),
        gas_used: 0,
        result: SubMsgResult::Err("refused".to_string()),
    };
    let res = reply(world.deps.as_mut(), world.env.clone(), refused).unwrap();
    let shortfall_reply = world.deps.storage.counts();
    assert_eq!(attribute(&res, "paid_by_fund"), "0");
    assert_eq!(attribute(&res, "socialized"), context.bad_debt.to_string());

    let (res, sweep_premium) = world.measure("keeper", ExecuteMsg::SweepPremium {}, 0);
    assert_eq!(
        res.messages.len(),
        2,
        "the open-interest report and the premium"
    );

    Costs {
        open,
        add_margin,
        remove_margin,
        settle_funding,
        push_price,
        close,
        liquidation,
        bad_debt_liquidation,
        shortfall_reply,
        sweep_premium,
        stress_down,
        stress_up,
    }
}

#[test]
fn storage_work_does_not_grow_with_the_number_of_positions() {
    let small = costs(10);
    let large = costs(10_000);
    println!("10 other positions:     {small:#?}");
    println!("10,000 other positions: {large:#?}");
    for ((name, small), (_, large)) in small.rows().into_iter().zip(large.rows()) {
        small.assert_flat(name, &large);
    }
    check_bytes_record("engine", &small.rows());
    // The stress query reads the market list and, per side, the buckets between the moved
    // index and the bankruptcy prices: 1 range over the markets, 1 per side, 5 buckets.
    assert_eq!(
        (small.stress_down.ranges, small.stress_down.range_items),
        (3, 6)
    );
    assert_eq!(
        (small.stress_up.ranges, small.stress_up.range_items),
        (3, 6)
    );
    // Nothing the engine does per trade or liquidation iterates over storage.
    for counts in [
        small.open,
        small.add_margin,
        small.remove_margin,
        small.settle_funding,
        small.close,
        small.liquidation,
        small.bad_debt_liquidation,
        small.shortfall_reply,
    ] {
        assert_eq!((counts.ranges, counts.range_items), (0, 0));
    }
}
