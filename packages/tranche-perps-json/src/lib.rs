//! Compact JSON decoding and encoding for the suite's contracts.
//!
//! serde's derived decoders are generic over the deserializer and cost about a kilobyte of wasm
//! per field; with every message, response and cosmwasm-std entry type that made up a third of
//! each contract. Here one non-generic parser builds a small tree ([`Json`]) and each type's
//! [`FromJson`] reads its fields from it, a few dozen bytes of code per field.
//!
//! [`FromJson`] accepts exactly the JSON that serde produces for the same type (the derive
//! macro reads the serde attributes that change the wire form and refuses the others), so
//! schemas, clients and the serde encoding stay the one definition of the wire format. The
//! suite's tests decode every message they send both ways and require the same result.
//!
//! [`ToJson`] is the encoding counterpart: it writes the bytes serde-json-wasm writes, and off
//! wasm [`to_vec`] encodes both ways and panics on a difference, so every value the tests
//! store, send or answer checks it.

#![deny(missing_docs)]

mod impls;
pub mod ownable;
mod parse;
mod ser;
pub mod snapshot;
pub mod storage;
pub mod version;
#[cfg(target_arch = "wasm32")]
pub mod wasm;

use std::borrow::Cow;

use cosmwasm_std::{
    Binary, Coin, ContractResult, QuerierWrapper, StdError, StdResult, SystemResult,
};
use serde::Serialize;

pub use ser::{to_binary, to_vec, ToJson};
pub use tranche_perps_json_derive::FromJson;

/// A parsed JSON value borrowing from its input.
#[derive(Debug, Clone, PartialEq)]
pub enum Json<'a> {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as written (validated against the JSON grammar).
    Num(&'a str),
    /// A string, unescaped.
    Str(Cow<'a, str>),
    /// An array.
    Arr(Vec<Json<'a>>),
    /// An object: its members in order, and its source text.
    Obj(Vec<(Cow<'a, str>, Json<'a>)>, &'a str),
}

/// Why a value could not be decoded. The message follows serde's wording where one exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(pub String);

impl Error {
    #[cold]
    #[inline(never)]
    fn new(msg: String) -> Self {
        Error(msg)
    }

    /// `expected` was needed, the value was something else.
    #[cold]
    #[inline(never)]
    pub fn invalid_type(expected: &str) -> Self {
        Error::new(format!("invalid type: expected {expected}"))
    }

    /// A value of the right type that its type refuses (a bad number, a bad decimal).
    #[cold]
    #[inline(never)]
    pub fn invalid_value(reason: impl std::fmt::Display) -> Self {
        Error::new(format!("invalid value: {reason}"))
    }

    /// A required field is absent.
    #[cold]
    #[inline(never)]
    pub fn missing_field(name: &str) -> Self {
        Error::new(format!("missing field `{name}`"))
    }

    /// A field the type does not have.
    #[cold]
    #[inline(never)]
    pub fn unknown_field(name: &str) -> Self {
        Error::new(format!("unknown field `{name}`"))
    }

    /// A field given twice.
    #[cold]
    #[inline(never)]
    pub fn duplicate_field(name: &str) -> Self {
        Error::new(format!("duplicate field `{name}`"))
    }

    /// A variant the enum does not have, or one written in the wrong form.
    #[cold]
    #[inline(never)]
    pub fn unknown_variant(name: &str) -> Self {
        Error::new(format!("unknown variant `{name}`"))
    }

    /// Prefixes the message with the field it happened in.
    #[cold]
    #[inline(never)]
    fn in_field(self, name: &str) -> Self {
        Error::new(format!("{}: {}", name, self.0))
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A type that can be read from a [`Json`] tree.
pub trait FromJson: Sized {
    /// Reads the value.
    fn from_json(value: &Json<'_>) -> Result<Self, Error>;

    /// The value of an absent object field: an error, except for `Option` (`None`).
    fn absent(name: &str) -> Result<Self, Error> {
        Err(Error::missing_field(name))
    }
}

/// Parses `bytes` as JSON and decodes a `T`; a failure is the same `StdError::ParseErr` that
/// `cosmwasm_std::from_json` gives.
pub fn from_slice<T: FromJson>(bytes: &[u8]) -> StdResult<T> {
    from_slice_inner(bytes).map_err(|e| StdError::parse_err(std::any::type_name::<T>(), e))
}

fn from_slice_inner<T: FromJson>(bytes: &[u8]) -> Result<T, Error> {
    T::from_json(&parse::parse(bytes)?)
}

/// `QuerierWrapper::query_wasm_smart` decoding the answer with [`FromJson`]: the same request,
/// the same errors.
pub fn query_wasm_smart<T: FromJson>(
    querier: &QuerierWrapper,
    contract: impl Into<String>,
    msg: &(impl ToJson + Serialize),
) -> StdResult<T> {
    let request = SmartQuery {
        contract_addr: contract.into(),
        msg: to_binary(msg)?,
    };
    from_slice(&query_raw(querier, &request)?)
}

/// `QueryRequest::Wasm(WasmQuery::Smart { .. })`, written as serde writes it.
struct SmartQuery {
    contract_addr: String,
    msg: Binary,
}

impl ToJson for SmartQuery {
    fn write_json(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"{\"wasm\":{\"smart\":{\"contract_addr\":");
        self.contract_addr.write_json(out);
        out.extend_from_slice(b",\"msg\":");
        self.msg.write_json(out);
        out.extend_from_slice(b"}}}");
    }
}

/// `QueryRequest::Bank(BankQuery::Balance { .. })`, written as serde writes it.
struct BalanceQuery {
    address: String,
    denom: String,
}

impl ToJson for BalanceQuery {
    fn write_json(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"{\"bank\":{\"balance\":{\"address\":");
        self.address.write_json(out);
        out.extend_from_slice(b",\"denom\":");
        self.denom.write_json(out);
        out.extend_from_slice(b"}}}");
    }
}

/// `QuerierWrapper::query_balance` decoding the answer with [`FromJson`].
pub fn query_balance(
    querier: &QuerierWrapper,
    address: impl Into<String>,
    denom: impl Into<String>,
) -> StdResult<Coin> {
    let request = BalanceQuery {
        address: address.into(),
        denom: denom.into(),
    };
    let answer = query_raw(querier, &request)?;
    parse::parse(&answer)
        .and_then(|v| v.object(None)?.get::<Coin>("amount"))
        .map_err(|e| StdError::parse_err("BalanceResponse", e))
}

/// The answer to `request`, with `QuerierWrapper`'s errors.
fn query_raw(querier: &QuerierWrapper, request: &impl ToJson) -> StdResult<Binary> {
    let mut raw = Vec::new();
    request.write_json(&mut raw);
    match querier.raw_query(&raw) {
        SystemResult::Err(err) => Err(StdError::generic_err(format!(
            "Querier system error: {err}"
        ))),
        SystemResult::Ok(ContractResult::Err(err)) => Err(StdError::generic_err(format!(
            "Querier contract error: {err}"
        ))),
        SystemResult::Ok(ContractResult::Ok(value)) => Ok(value),
    }
}

/// The members of a JSON object, for reading fields.
pub struct Fields<'v, 'a>(&'v [(Cow<'a, str>, Json<'a>)]);

impl<'a> Json<'a> {
    /// The members of an object. With `known`, a member not in it is an error; a member given
    /// twice is always one.
    pub fn object(&self, known: Option<&[&str]>) -> Result<Fields<'_, 'a>, Error> {
        let Json::Obj(members, _) = self else {
            return Err(Error::invalid_type("an object"));
        };
        for (i, (key, _)) in members.iter().enumerate() {
            if let Some(known) = known {
                if !known.contains(&key.as_ref()) {
                    return Err(Error::unknown_field(key));
                }
            }
            if members[..i].iter().any(|(k, _)| k == key) {
                return Err(Error::duplicate_field(key));
            }
        }
        Ok(Fields(members))
    }

    /// An externally tagged enum value: a bare string (a unit variant) or an object with exactly
    /// one member (the variant's name and content).
    pub fn variant(&self) -> Result<(&str, Option<&Json<'a>>), Error> {
        match self {
            Json::Str(tag) => Ok((tag, None)),
            Json::Obj(members, _) if members.len() == 1 => Ok((&members[0].0, Some(&members[0].1))),
            _ => Err(Error::invalid_type("a string or an object with one member")),
        }
    }

    /// The string, or an error.
    pub fn str(&self) -> Result<&str, Error> {
        match self {
            Json::Str(s) => Ok(s),
            _ => Err(Error::invalid_type("a string")),
        }
    }
}

impl Fields<'_, '_> {
    fn find(&self, name: &str) -> Option<&Json<'_>> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    /// The field `name`, [`FromJson::absent`] when it is missing.
    pub fn get<T: FromJson>(&self, name: &str) -> Result<T, Error> {
        match self.find(name) {
            Some(value) => T::from_json(value).map_err(|e| e.in_field(name)),
            None => T::absent(name),
        }
    }

    /// The field `name`, `default()` when it is missing (serde's `#[serde(default)]`).
    pub fn get_or<T: FromJson>(&self, name: &str, default: fn() -> T) -> Result<T, Error> {
        match self.find(name) {
            Some(value) => T::from_json(value).map_err(|e| e.in_field(name)),
            None => Ok(default()),
        }
    }
}

/// Declares a contract's wasm exports, each decoding with [`FromJson`]:
///
/// ```ignore
/// tranche_perps_json::entry_points! {
///     instantiate: contract::instantiate,
///     execute: contract::execute,
///     query: contract::query,
///     migrate: contract::migrate,
///     reply: contract::reply,
/// }
/// ```
///
/// Nothing is exported off wasm or with the crate's `library` feature.
#[macro_export]
macro_rules! entry_points {
    (
        instantiate: $instantiate:ident,
        execute: $execute:ident,
        query: $query:ident,
        migrate: $migrate:ident
        $(, reply: $reply:ident)? $(,)?
    ) => {
        #[cfg(all(target_arch = "wasm32", not(feature = "library")))]
        mod __wasm_exports {
            #[no_mangle]
            extern "C" fn instantiate(env: u32, info: u32, msg: u32) -> u32 {
                $crate::wasm::execute(super::$instantiate, env, info, msg)
            }

            #[no_mangle]
            extern "C" fn execute(env: u32, info: u32, msg: u32) -> u32 {
                $crate::wasm::execute(super::$execute, env, info, msg)
            }

            #[no_mangle]
            extern "C" fn query(env: u32, msg: u32) -> u32 {
                $crate::wasm::query(super::$query, env, msg)
            }

            #[no_mangle]
            extern "C" fn migrate(env: u32, msg: u32) -> u32 {
                $crate::wasm::migrate(super::$migrate, env, msg)
            }

            $(
                #[no_mangle]
                extern "C" fn reply(env: u32, msg: u32) -> u32 {
                    $crate::wasm::reply(super::$reply, env, msg)
                }
            )?
        }
    };
}
