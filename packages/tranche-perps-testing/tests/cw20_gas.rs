//! The storage work of the cw20 legs the steady-state gas report compares against: a cw20-base
//! 2.0 `Transfer` and `Send` (the anchors of the trading and fund goals), and the share token's
//! `Mint` (a deposit's token leg) and `Send` to the fund (a withdrawal request's token leg).
//! Recorded in `docs/generated/storage-bytes-cw20.json` beside the suite's own records, which
//! `scripts/chain/gas_tables.py steady` prices with the chain's storage gas schedule.
//!
//! Each measured operation follows the same operation once before (as the chain report's setup
//! round does), so no figure includes a first balance.

use cosmwasm_std::testing::{message_info, mock_env, MockApi, MockQuerier};
use cosmwasm_std::{to_json_binary, Addr, Env, OwnedDeps, Uint128};
use cw20::{Cw20Coin, MinterResponse};
use cw20_base::msg::{ExecuteMsg, InstantiateMsg};
use tranche_perps_testing::counting::{check_bytes_record, counting_deps, CountingStorage, Counts};

type Deps = OwnedDeps<CountingStorage, MockApi, MockQuerier>;

fn addr(name: &str) -> Addr {
    MockApi::default().addr_make(name)
}

/// A token on counting storage holding 1,000,000 units for alice and for bob; `minter` mints.
fn token(minter: Option<&str>) -> (Deps, Env) {
    let mut deps = counting_deps(MockQuerier::default());
    let env = mock_env();
    let msg = InstantiateMsg {
        name: "Junior share".into(),
        symbol: "JUNIOR".into(),
        decimals: 18,
        initial_balances: ["alice", "bob"]
            .iter()
            .map(|who| Cw20Coin {
                address: addr(who).to_string(),
                amount: Uint128::new(1_000_000),
            })
            .collect(),
        mint: minter.map(|m| MinterResponse {
            minter: addr(m).to_string(),
            cap: None,
        }),
        marketing: None,
    };
    share_token::instantiate(
        deps.as_mut(),
        env.clone(),
        message_info(&addr("creator"), &[]),
        msg,
    )
    .expect("instantiate");
    (deps, env)
}

/// Runs `msg` from `sender` twice and returns the storage work of the second run.
fn measure(deps: &mut Deps, env: &Env, sender: &str, msg: ExecuteMsg, base: bool) -> Counts {
    let info = message_info(&addr(sender), &[]);
    let run = |deps: &mut Deps| {
        if base {
            cw20_base::contract::execute(deps.as_mut(), env.clone(), info.clone(), msg.clone())
                .map(|_| ())
                .map_err(|e| e.to_string())
        } else {
            share_token::execute(deps.as_mut(), env.clone(), info.clone(), msg.clone())
                .map(|_| ())
                .map_err(|e| e.to_string())
        }
    };
    run(deps).expect("setup round");
    deps.storage.reset();
    run(deps).expect("measured round");
    deps.storage.counts()
}

#[test]
fn storage_work_of_the_cw20_legs() {
    let send = |to: &str| ExecuteMsg::Send {
        contract: addr(to).to_string(),
        amount: Uint128::one(),
        msg: to_json_binary(&"hook").expect("hook"),
    };
    let (mut anchor, env) = token(None);
    let transfer = ExecuteMsg::Transfer {
        recipient: addr("bob").to_string(),
        amount: Uint128::one(),
    };
    let cw20_transfer = measure(&mut anchor, &env, "alice", transfer, true);
    let cw20_send = measure(&mut anchor, &env, "alice", send("dao-core"), true);
    let (mut share, env) = token(Some("fund"));
    let mint = ExecuteMsg::Mint {
        recipient: addr("alice").to_string(),
        amount: Uint128::one(),
    };
    let share_mint = measure(&mut share, &env, "fund", mint, false);
    let share_send = measure(&mut share, &env, "alice", send("fund"), false);

    // A transfer and a send each read and write the two balances and nothing else; a mint also
    // reads and writes the token's info (its supply).
    for (name, c) in [("transfer", cw20_transfer), ("send", cw20_send)] {
        assert_eq!((c.reads, c.writes, c.removes), (2, 2, 0), "{name}");
    }
    assert_eq!((share_send.reads, share_send.writes), (2, 2), "share send");
    assert_eq!((share_mint.reads, share_mint.writes), (2, 2), "share mint");
    check_bytes_record(
        "cw20",
        &[
            ("cw20_transfer", cw20_transfer),
            ("cw20_send", cw20_send),
            ("share_mint", share_mint),
            ("share_send", share_send),
        ],
    );
}
