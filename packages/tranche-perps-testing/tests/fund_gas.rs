//! Invariant 12 of `docs/testing.md#invariants` for the insurance fund: the storage work of a
//! junior and a senior deposit, a junior and a senior withdrawal request, a cancel, a claim, an
//! expiry, a premium from the engine, an open-interest report, a shortfall covered by junior and
//! the governor's parameter change (the coverage target, as a governance proposal makes it) does
//! not depend on the number of other underwriters or of their pending withdrawal requests.
//!
//! The fund's entry points run directly on mock dependencies whose storage counts reads,
//! writes, removes, range calls and items iterated. Its share tokens are not run: the cw20
//! messages the fund emits are only returned, and a withdrawal request arrives as the `Receive`
//! hook sent by the share token's address. The same script runs in a world with 10 other
//! underwriters and in one with 10,000, each with a junior and a senior deposit and a pending
//! junior withdrawal request; every count must be identical.
//!
//! The fund's only reply is the instantiation of its two share tokens, once in its life and
//! before any underwriter exists, so it is not an operation whose cost could grow; the test
//! feeds both replies to set the tokens up and measures nothing there.

use cosmwasm_std::testing::{message_info, mock_env, MockApi, MockQuerier};
use cosmwasm_std::{
    coins, from_json, to_json_binary, Addr, Binary, CosmosMsg, Env, MsgResponse, OwnedDeps, Reply,
    Response, SubMsgResponse, SubMsgResult, Uint128, WasmMsg,
};
use cw20::Cw20ExecuteMsg;
use insurance_fund::contract::{execute, instantiate, reply, ReplyId};
use tranche_perps_testing::counting::{
    attribute, check_bytes_record, counting_deps, CountingStorage, Counts,
};
use tranche_perps_testing::time::DAY;
use tranche_perps_testing::{DENOM, ONE};
use tranche_perps_types::fund::{
    CoverShortfallResponse, Cw20Receive, ExecuteMsg, FundParamsUpdate, InstantiateMsg, ReceiveMsg,
    ShareTokenInfo, Tranche,
};

/// The shortfall covered: more than the reserve holds in either world.
const LOSS: u128 = 1_000 * ONE;

/// A fund on counting storage, with its own clock.
struct World {
    deps: OwnedDeps<CountingStorage, MockApi, MockQuerier>,
    env: Env,
}

impl World {
    fn addr(&self, name: &str) -> Addr {
        self.deps.api.addr_make(name)
    }

    fn token(&self, tranche: Tranche) -> Addr {
        self.addr(match tranche {
            Tranche::Junior => "junior-token",
            Tranche::Senior => "senior-token",
        })
    }

    /// Runs `msg` from `sender` with `funds` collateral.
    fn exec(&mut self, sender: &Addr, msg: ExecuteMsg, funds: u128) -> Response {
        let funds = if funds == 0 {
            vec![]
        } else {
            coins(funds, DENOM)
        };
        execute(
            self.deps.as_mut(),
            self.env.clone(),
            message_info(sender, &funds),
            msg,
        )
        .unwrap()
    }

    /// Runs `msg` and returns the storage operations it made.
    fn measure(&mut self, sender: &Addr, msg: ExecuteMsg, funds: u128) -> (Response, Counts) {
        self.deps.storage.reset();
        let res = self.exec(sender, msg, funds);
        (res, self.deps.storage.counts())
    }

    /// `who` deposits `amount` into `tranche` and gets the minted shares.
    fn deposit(&mut self, who: &Addr, tranche: Tranche, amount: u128) -> (u128, Counts) {
        let msg = ExecuteMsg::Deposit {
            tranche,
            min_shares: None,
        };
        let (res, counts) = self.measure(who, msg, amount);
        let minted = match &res.messages[0].msg {
            CosmosMsg::Wasm(WasmMsg::Execute {
                contract_addr, msg, ..
            }) => {
                assert_eq!(*contract_addr, self.token(tranche).to_string());
                match from_json(msg).unwrap() {
                    Cw20ExecuteMsg::Mint { recipient, amount } => {
                        assert_eq!(recipient, who.to_string());
                        amount.u128()
                    }
                    other => panic!("expected a mint, got {other:?}"),
                }
            }
            other => panic!("expected a wasm execute, got {other:?}"),
        };
        (minted, counts)
    }

    /// `who` sends `shares` of `tranche` to the fund with a withdrawal request: the share
    /// token calls the fund's `Receive` hook.
    fn request(&mut self, who: &Addr, tranche: Tranche, shares: u128) -> (u64, Counts) {
        let msg = ExecuteMsg::Receive(Cw20Receive {
            sender: who.to_string(),
            amount: Uint128::new(shares),
            msg: to_json_binary(&ReceiveMsg::RequestWithdrawal {}).unwrap(),
        });
        let token = self.token(tranche);
        let (res, counts) = self.measure(&token, msg, 0);
        let id = attribute(&res, "request_id").parse().unwrap();
        (id, counts)
    }

    fn advance(&mut self, seconds: u64) {
        self.env.block.time = self.env.block.time.plus_seconds(seconds);
        self.env.block.height += 1;
    }
}

/// Protobuf `MsgInstantiateContractResponse { contract_address }`, what the chain returns for
/// a contract instantiation and the fund's reply parses.
fn instantiate_response(contract_address: &str) -> Binary {
    let mut bytes = vec![0x0a]; // field 1, length-delimited
    let mut len = contract_address.len();
    while len >= 0x80 {
        bytes.push((len as u8 & 0x7f) | 0x80);
        len >>= 7;
    }
    bytes.push(len as u8);
    bytes.extend_from_slice(contract_address.as_bytes());
    Binary::new(bytes)
}

/// The chain's answer to the instantiation of a share token.
fn token_reply(id: ReplyId, token: &Addr) -> Reply {
    #[allow(deprecated)]
    Reply {
        id: id as u64,
        payload: Binary::default(),
        gas_used: 0,
        result: SubMsgResult::Ok(SubMsgResponse {
            events: vec![],
            data: None,
            msg_responses: vec![MsgResponse {
                type_url: "/cosmwasm.wasm.v1.MsgInstantiateContractResponse".to_string(),
                value: instantiate_response(token.as_str()),
            }],
        }),
    }
}

/// A fund with default parameters, its share tokens set up through the instantiate replies,
/// and `others` underwriters who each deposited 100 USDC into junior and into senior and
/// requested the withdrawal of half of their junior shares, all through the real entry points.
fn world(others: usize) -> World {
    let mut world = World {
        deps: counting_deps(MockQuerier::default()),
        env: mock_env(),
    };
    let (governor, engine, operator) = (
        world.addr("governor"),
        world.addr("engine"),
        world.addr("operator"),
    );
    let token_info = |name: &str, symbol: &str| ShareTokenInfo {
        name: name.to_string(),
        symbol: symbol.to_string(),
        marketing: None,
    };
    let msg = InstantiateMsg {
        governor: governor.to_string(),
        guardian: None,
        engine: Some(engine.to_string()),
        collateral_denom: DENOM.to_string(),
        collateral_decimals: 6,
        share_token_code_id: 1,
        junior_token: token_info("Junior share", "JNR"),
        senior_token: token_info("Senior share", "SNR"),
        token_admin: None,
        params: None,
    };
    let res = instantiate(
        world.deps.as_mut(),
        world.env.clone(),
        message_info(&operator, &[]),
        msg,
    )
    .unwrap();
    let ids: Vec<u64> = res.messages.iter().map(|m| m.id).collect();
    assert_eq!(
        ids,
        [ReplyId::JuniorToken as u64, ReplyId::SeniorToken as u64]
    );
    for (id, tranche) in [
        (ReplyId::JuniorToken, Tranche::Junior),
        (ReplyId::SeniorToken, Tranche::Senior),
    ] {
        let token = world.token(tranche);
        let res = reply(
            world.deps.as_mut(),
            world.env.clone(),
            token_reply(id, &token),
        )
        .unwrap();
        assert_eq!(attribute(&res, "token"), token.to_string());
    }

    world.advance(60);
    for i in 0..others {
        let who = world.addr(&format!("underwriter{i}"));
        let (junior, _) = world.deposit(&who, Tranche::Junior, 100 * ONE);
        world.deposit(&who, Tranche::Senior, 100 * ONE);
        world.request(&who, Tranche::Junior, junior / 2);
    }
    world
}

/// What each measured fund operation cost in storage operations.
#[derive(Debug, PartialEq, Eq)]
struct Costs {
    junior_deposit: Counts,
    senior_deposit: Counts,
    junior_request: Counts,
    senior_request: Counts,
    cancel: Counts,
    premium: Counts,
    report_open_interest: Counts,
    claim: Counts,
    cover_shortfall: Counts,
    expire: Counts,
    update_params: Counts,
}

impl Costs {
    fn rows(&self) -> Vec<(&'static str, Counts)> {
        vec![
            ("junior_deposit", self.junior_deposit),
            ("senior_deposit", self.senior_deposit),
            ("junior_request", self.junior_request),
            ("senior_request", self.senior_request),
            ("cancel", self.cancel),
            ("premium", self.premium),
            ("report_open_interest", self.report_open_interest),
            ("claim", self.claim),
            ("cover_shortfall", self.cover_shortfall),
            ("expire", self.expire),
            ("update_params", self.update_params),
        ]
    }
}

fn costs(others: usize) -> Costs {
    let mut world = world(others);
    let (alice, keeper, engine) = (
        world.addr("alice"),
        world.addr("keeper"),
        world.addr("engine"),
    );
    world.advance(60);
    let (junior, junior_deposit) = world.deposit(&alice, Tranche::Junior, 1_000 * ONE);
    let (senior, senior_deposit) = world.deposit(&alice, Tranche::Senior, 1_000 * ONE);

    // Three requests at the same time: one to claim, one to cancel, one to let lapse.
    let (claimed, junior_request) = world.request(&alice, Tranche::Junior, junior / 2);
    let (cancelled, senior_request) = world.request(&alice, Tranche::Senior, senior / 2);
    let (lapsed, _) = world.request(&alice, Tranche::Junior, junior / 4);
    assert_eq!(claimed, others as u64 + 1);

    let msg = ExecuteMsg::CancelWithdrawal {
        request_id: cancelled,
    };
    let (res, cancel) = world.measure(&alice, msg, 0);
    assert_eq!(res.messages.len(), 1, "the shares go back");

    // A premium while both tranches have shares: split by weight, both checkpoints written.
    world.advance(3_600);
    let (res, premium) = world.measure(&engine, ExecuteMsg::DepositPremium {}, 500 * ONE);
    assert_ne!(attribute(&res, "to_junior"), "0");
    assert_ne!(attribute(&res, "to_senior"), "0");
    assert_eq!(attribute(&res, "to_reserve"), "0");

    let msg = ExecuteMsg::ReportOpenInterest {
        notional: Uint128::new(1_000_000 * ONE),
    };
    let (_, report_open_interest) = world.measure(&engine, msg, 0);

    // Inside the claim window (cooldown 7 days, window 2 days).
    world.advance(7 * DAY);
    let msg = ExecuteMsg::ClaimWithdrawal {
        request_id: claimed,
    };
    let (res, claim) = world.measure(&alice, msg, 0);
    assert_eq!(res.messages.len(), 2, "the burn and the payout");

    // Every premium found shares; the reserve holds only what the claim forfeited (premium
    // still locked for its shares), so the loss takes that and then junior.
    let msg = ExecuteMsg::CoverShortfall {
        shortfall_id: 1,
        amount: Uint128::new(LOSS),
    };
    let (res, cover_shortfall) = world.measure(&engine, msg, 0);
    let data: CoverShortfallResponse = from_json(res.data.as_ref().unwrap()).unwrap();
    assert_eq!(data.paid, Uint128::new(LOSS));
    let from_reserve: u128 = attribute(&res, "paid_by_reserve").parse().unwrap();
    let from_junior: u128 = attribute(&res, "paid_by_junior").parse().unwrap();
    assert!(from_junior > 0, "the loss reaches junior");
    assert_eq!(from_reserve + from_junior, LOSS);
    assert_eq!(attribute(&res, "paid_by_senior"), "0");

    world.advance(2 * DAY);
    let msg = ExecuteMsg::ExpireWithdrawal { request_id: lapsed };
    let (res, expire) = world.measure(&keeper, msg, 0);
    assert_eq!(res.messages.len(), 1, "the shares go back");

    let msg = ExecuteMsg::UpdateParams(FundParamsUpdate {
        target_coverage_bps: Some(1_500),
        ..Default::default()
    });
    let governor = world.addr("governor");
    let (res, update_params) = world.measure(&governor, msg, 0);
    assert_eq!(attribute(&res, "action"), "update_params");

    Costs {
        junior_deposit,
        senior_deposit,
        junior_request,
        senior_request,
        cancel,
        premium,
        report_open_interest,
        claim,
        cover_shortfall,
        expire,
        update_params,
    }
}

#[test]
fn storage_work_does_not_grow_with_the_number_of_underwriters_or_requests() {
    let small = costs(10);
    let large = costs(10_000);
    println!("10 other underwriters:     {small:#?}");
    println!("10,000 other underwriters: {large:#?}");
    for ((name, small), (_, large)) in small.rows().into_iter().zip(large.rows()) {
        small.assert_flat(name, &large);
    }
    check_bytes_record("fund", &small.rows());
    // Nothing the fund does per deposit, request, premium or loss iterates over storage.
    for counts in [
        small.junior_deposit,
        small.senior_deposit,
        small.junior_request,
        small.senior_request,
        small.cancel,
        small.premium,
        small.report_open_interest,
        small.claim,
        small.cover_shortfall,
        small.expire,
        small.update_params,
    ] {
        assert_eq!((counts.ranges, counts.range_items), (0, 0));
    }
}
