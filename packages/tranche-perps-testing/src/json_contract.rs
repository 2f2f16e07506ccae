//! The suite's contracts as cw-multi-test sees them: every message is decoded by the contract's
//! own wasm decoder ([`tranche_perps_json`]), not by serde, so the tests run the decoding the
//! chain runs. Every message is also decoded by serde, and the two must agree: the same value,
//! or both refuse it. The schema and the clients are generated from the serde definitions, so
//! this checks the wasm decoder against the published wire format on every message of every
//! test.
//!
//! Every result is also encoded as the wasm entry point encodes it (`ContractResult` with
//! [`tranche_perps_json::ToJson`]), which panics if serde would write other bytes: responses,
//! their messages, events and data, query answers and error texts.

use anyhow::{bail, Result as AnyResult};
use cosmwasm_std::{
    Binary, ContractResult, Deps, DepsMut, Empty, Env, MessageInfo, Reply, Response,
};
use cw_multi_test::Contract;
use serde::de::DeserializeOwned;
use tranche_perps_json::{FromJson, ToJson};

/// Decodes `msg` with the contract's decoder, after checking that serde agrees.
fn from_slice<T>(msg: &[u8]) -> cosmwasm_std::StdResult<T>
where
    T: FromJson + DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let ours = tranche_perps_json::from_slice::<T>(msg);
    let serde = cosmwasm_std::from_json::<T>(msg);
    match (&ours, &serde) {
        (Ok(a), Ok(b)) => assert_eq!(
            a,
            b,
            "decoders disagree on {}",
            String::from_utf8_lossy(msg)
        ),
        (Err(_), Err(_)) => {}
        _ => panic!(
            "decoders disagree on {}: FromJson {ours:?}, serde {serde:?}",
            String::from_utf8_lossy(msg)
        ),
    }
    ours
}

/// Passes `result` on after encoding it as the wasm entry point does, which checks the encoding
/// against serde's.
fn encoded<T, E>(result: Result<T, E>) -> AnyResult<T>
where
    T: ToJson + serde::Serialize + Clone,
    E: std::error::Error + Send + Sync + 'static,
{
    let as_chain: ContractResult<T> = match &result {
        Ok(value) => ContractResult::Ok(value.clone()),
        Err(err) => ContractResult::Err(err.to_string()),
    };
    tranche_perps_json::to_vec(&as_chain);
    Ok(result?)
}

/// The entry points of one of the suite's contracts, each with its message type.
pub struct JsonContract<I, X, Q, M, E> {
    /// `instantiate`.
    pub instantiate: fn(DepsMut, Env, MessageInfo, I) -> Result<Response, E>,
    /// `execute`.
    pub execute: fn(DepsMut, Env, MessageInfo, X) -> Result<Response, E>,
    /// `query`.
    pub query: fn(Deps, Env, Q) -> Result<Binary, E>,
    /// `migrate`.
    pub migrate: fn(DepsMut, Env, M) -> Result<Response, E>,
    /// `reply`.
    pub reply: fn(DepsMut, Env, Reply) -> Result<Response, E>,
}

impl<I, X, Q, M, E> Contract<Empty> for JsonContract<I, X, Q, M, E>
where
    I: FromJson + DeserializeOwned + PartialEq + std::fmt::Debug,
    X: FromJson + DeserializeOwned + PartialEq + std::fmt::Debug,
    Q: FromJson + DeserializeOwned + PartialEq + std::fmt::Debug,
    M: FromJson + DeserializeOwned + PartialEq + std::fmt::Debug,
    E: std::error::Error + Send + Sync + 'static,
{
    fn instantiate(
        &self,
        deps: DepsMut,
        env: Env,
        info: MessageInfo,
        msg: Vec<u8>,
    ) -> AnyResult<Response> {
        encoded((self.instantiate)(deps, env, info, from_slice(&msg)?))
    }

    fn execute(
        &self,
        deps: DepsMut,
        env: Env,
        info: MessageInfo,
        msg: Vec<u8>,
    ) -> AnyResult<Response> {
        encoded((self.execute)(deps, env, info, from_slice(&msg)?))
    }

    fn query(&self, deps: Deps, env: Env, msg: Vec<u8>) -> AnyResult<Binary> {
        encoded((self.query)(deps, env, from_slice(&msg)?))
    }

    fn reply(&self, deps: DepsMut, env: Env, msg: Reply) -> AnyResult<Response> {
        encoded((self.reply)(deps, env, msg))
    }

    fn sudo(&self, _deps: DepsMut, _env: Env, _msg: Vec<u8>) -> AnyResult<Response> {
        bail!("the suite's contracts have no sudo entry point")
    }

    fn migrate(&self, deps: DepsMut, env: Env, msg: Vec<u8>) -> AnyResult<Response> {
        encoded((self.migrate)(deps, env, from_slice(&msg)?))
    }
}
