//! Wasm entry points that decode with [`FromJson`](crate::FromJson) instead of serde.
//!
//! The functions here do what cosmwasm-std's `do_*` functions do (take the VM's regions, build
//! the dependencies, run the handler, return its JSON result in a new region) but decode the
//! environment, the message info, the message, replies and query answers with this crate.
//! A contract declares its exports with [`entry_points!`](crate::entry_points).

use std::mem::ManuallyDrop;

use cosmwasm_std::{
    Binary, ContractResult, Deps, DepsMut, Empty, Env, ExternalApi, ExternalStorage, MessageInfo,
    Querier, QuerierResult, QuerierWrapper, Reply, Response, SystemError, SystemResult,
};

use crate::{from_slice, FromJson, ToJson};

/// The VM's description of a byte buffer in linear memory (same layout as cosmwasm-std's and
/// cosmwasm-vm's `Region`).
#[repr(C)]
struct Region {
    offset: u32,
    capacity: u32,
    length: u32,
}

extern "C" {
    fn query_chain(request: u32) -> u32;
}

/// Takes ownership of a region the VM allocated (through cosmwasm-std's `allocate` export).
///
/// # Safety
/// `ptr` must point to a `Box<Region>` allocated by this module's allocator whose buffer is a
/// heap allocation of `capacity` bytes, `length` of them initialised.
unsafe fn take(ptr: u32) -> Vec<u8> {
    let region = Box::from_raw(ptr as *mut Region);
    Vec::from_raw_parts(
        region.offset as *mut u8,
        region.length as usize,
        region.capacity as usize,
    )
}

/// Hands `data` to the VM as a new region; the VM frees it through `deallocate`.
fn give(data: Vec<u8>) -> u32 {
    let mut data = ManuallyDrop::new(data);
    let region = Region {
        offset: data.as_mut_ptr() as u32,
        capacity: data.capacity() as u32,
        length: data.len() as u32,
    };
    Box::into_raw(Box::new(region)) as u32
}

/// Queries the chain through the `query_chain` import, decoding the answer with this crate.
struct ChainQuerier;

impl Querier for ChainQuerier {
    fn raw_query(&self, request: &[u8]) -> QuerierResult {
        let region = Region {
            offset: request.as_ptr() as u32,
            capacity: request.len() as u32,
            length: request.len() as u32,
        };
        // SAFETY: the VM answers with a region it allocated through `allocate`.
        let answer = unsafe { take(query_chain(&region as *const Region as u32)) };
        from_slice(&answer).unwrap_or_else(|err| {
            SystemResult::Err(SystemError::InvalidResponse {
                error: err.to_string(),
                response: answer.into(),
            })
        })
    }
}

/// Runs `handler` with the chain's storage, API and querier.
fn with_deps<R>(handler: impl FnOnce(DepsMut<Empty>) -> R) -> R {
    let mut storage = ExternalStorage::new();
    let api = ExternalApi::new();
    handler(DepsMut {
        storage: &mut storage,
        api: &api,
        querier: QuerierWrapper::new(&ChainQuerier),
    })
}

/// Takes the regions the VM passed to an entry point, all of them before decoding any, so none
/// is left allocated when one fails to decode (as cosmwasm-std's entry points do).
fn take_all<const N: usize>(ptrs: [u32; N]) -> [Vec<u8>; N] {
    // SAFETY: every pointer the VM passes to an entry point is a region from `allocate`.
    ptrs.map(|ptr| unsafe { take(ptr) })
}

/// Decodes one entry-point argument; a failure becomes the handler's error string.
fn decode<T: FromJson>(bytes: &[u8]) -> Result<T, String> {
    from_slice(bytes).map_err(|err| err.to_string())
}

fn finish<T: ToJson>(result: Result<T, String>) -> u32 {
    let result: ContractResult<T> = result.into();
    let mut out = Vec::new();
    result.write_json(&mut out);
    give(out)
}

/// The `instantiate` and `execute` exports.
pub fn execute<M: FromJson, E: ToString>(
    handler: fn(DepsMut, Env, MessageInfo, M) -> Result<Response, E>,
    env: u32,
    info: u32,
    msg: u32,
) -> u32 {
    let [env, info, msg] = take_all([env, info, msg]);
    let run = || {
        let (env, info, msg) = (decode(&env)?, decode(&info)?, decode(&msg)?);
        with_deps(|deps| handler(deps, env, info, msg).map_err(|e| e.to_string()))
    };
    finish(run())
}

/// The `migrate` and `reply` exports (the handler takes the environment and one message).
pub fn migrate<M: FromJson, E: ToString>(
    handler: fn(DepsMut, Env, M) -> Result<Response, E>,
    env: u32,
    msg: u32,
) -> u32 {
    let [env, msg] = take_all([env, msg]);
    let run = || {
        let (env, msg) = (decode(&env)?, decode(&msg)?);
        with_deps(|deps| handler(deps, env, msg).map_err(|e| e.to_string()))
    };
    finish(run())
}

/// The `reply` export.
pub fn reply<E: ToString>(
    handler: fn(DepsMut, Env, Reply) -> Result<Response, E>,
    env: u32,
    msg: u32,
) -> u32 {
    migrate(handler, env, msg)
}

/// The `query` export.
pub fn query<M: FromJson, E: ToString>(
    handler: fn(Deps, Env, M) -> Result<Binary, E>,
    env: u32,
    msg: u32,
) -> u32 {
    let [env, msg] = take_all([env, msg]);
    let run = || {
        let (env, msg) = (decode(&env)?, decode(&msg)?);
        with_deps(|deps| handler(deps.as_ref(), env, msg).map_err(|e| e.to_string()))
    };
    finish(run())
}
