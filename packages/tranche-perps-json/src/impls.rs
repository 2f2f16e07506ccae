//! [`FromJson`] for primitives, cosmwasm-std's value and entry types, and the external types
//! the suite's messages embed. Each follows the serde implementation of the same type.

use std::str::FromStr;

use cosmwasm_std::{
    Addr, Attribute, BankMsg, Binary, BlockInfo, Coin, ContractInfo, ContractResult, CosmosMsg,
    Decimal, Decimal256, Empty, Env, Event, Int128, MessageInfo, MsgResponse, Reply,
    SignedDecimal256, SubMsgResponse, SubMsgResult, SystemError, SystemResult, Timestamp,
    TransactionInfo, Uint128, Uint256, Uint64, WasmMsg,
};
use cw_utils::Expiration;

use crate::{Error, FromJson, Json};

impl FromJson for bool {
    fn from_json(value: &Json<'_>) -> Result<Self, Error> {
        match value {
            Json::Bool(b) => Ok(*b),
            _ => Err(Error::invalid_type("a boolean")),
        }
    }
}

/// A JSON number that is a non-negative integer, as u64.
fn unsigned(value: &Json<'_>) -> Result<u64, Error> {
    match value {
        Json::Num(n) => n.parse::<u64>().map_err(Error::invalid_value),
        _ => Err(Error::invalid_type("an unsigned integer")),
    }
}

macro_rules! unsigned_from_json {
    ($($t:ty),*) => {$(
        impl FromJson for $t {
            fn from_json(value: &Json<'_>) -> Result<Self, Error> {
                <$t>::try_from(unsigned(value)?).map_err(Error::invalid_value)
            }
        }
    )*};
}
unsigned_from_json!(u8, u16, u32, u64);

impl FromJson for String {
    fn from_json(value: &Json<'_>) -> Result<Self, Error> {
        value.str().map(str::to_owned)
    }
}

impl FromJson for Addr {
    fn from_json(value: &Json<'_>) -> Result<Self, Error> {
        value.str().map(Addr::unchecked)
    }
}

/// Types serde writes as a string and reads with their `FromStr`.
macro_rules! string_from_json {
    ($($t:ty),*) => {$(
        impl FromJson for $t {
            fn from_json(value: &Json<'_>) -> Result<Self, Error> {
                <$t>::from_str(value.str()?).map_err(Error::invalid_value)
            }
        }
    )*};
}
string_from_json!(
    Uint128,
    Uint256,
    Int128,
    Decimal,
    Decimal256,
    SignedDecimal256
);

impl FromJson for Uint64 {
    fn from_json(value: &Json<'_>) -> Result<Self, Error> {
        value
            .str()?
            .parse::<u64>()
            .map(Uint64::new)
            .map_err(Error::invalid_value)
    }
}

impl FromJson for Timestamp {
    fn from_json(value: &Json<'_>) -> Result<Self, Error> {
        Uint64::from_json(value).map(|nanos| Timestamp::from_nanos(nanos.u64()))
    }
}

impl FromJson for Binary {
    fn from_json(value: &Json<'_>) -> Result<Self, Error> {
        Binary::from_base64(value.str()?).map_err(Error::invalid_value)
    }
}

impl<T: FromJson> FromJson for Option<T> {
    fn from_json(value: &Json<'_>) -> Result<Self, Error> {
        match value {
            Json::Null => Ok(None),
            value => T::from_json(value).map(Some),
        }
    }

    fn absent(_name: &str) -> Result<Self, Error> {
        Ok(None)
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(value: &Json<'_>) -> Result<Self, Error> {
        match value {
            Json::Arr(items) => items.iter().map(T::from_json).collect(),
            _ => Err(Error::invalid_type("an array")),
        }
    }
}

impl<T: FromJson> FromJson for Box<T> {
    fn from_json(value: &Json<'_>) -> Result<Self, Error> {
        T::from_json(value).map(Box::new)
    }
}

impl FromJson for Empty {
    fn from_json(value: &Json<'_>) -> Result<Self, Error> {
        value.object(None).map(|_| Empty {})
    }
}

impl FromJson for Coin {
    fn from_json(value: &Json<'_>) -> Result<Self, Error> {
        let obj = value.object(None)?;
        Ok(Coin {
            denom: obj.get("denom")?,
            amount: obj.get("amount")?,
        })
    }
}

impl FromJson for BankMsg {
    fn from_json(value: &Json<'_>) -> Result<Self, Error> {
        match value.variant()? {
            ("send", Some(v)) => {
                let obj = v.object(None)?;
                Ok(BankMsg::Send {
                    to_address: obj.get("to_address")?,
                    amount: obj.get("amount")?,
                })
            }
            ("burn", Some(v)) => Ok(BankMsg::Burn {
                amount: v.object(None)?.get("amount")?,
            }),
            (tag, _) => Err(Error::unknown_variant(tag)),
        }
    }
}

impl FromJson for WasmMsg {
    fn from_json(value: &Json<'_>) -> Result<Self, Error> {
        let (tag, Some(v)) = value.variant()? else {
            return Err(Error::invalid_type("an object with one member"));
        };
        let obj = v.object(None)?;
        Ok(match tag {
            "execute" => WasmMsg::Execute {
                contract_addr: obj.get("contract_addr")?,
                msg: obj.get("msg")?,
                funds: obj.get("funds")?,
            },
            "instantiate" => WasmMsg::Instantiate {
                admin: obj.get("admin")?,
                code_id: obj.get("code_id")?,
                msg: obj.get("msg")?,
                funds: obj.get("funds")?,
                label: obj.get("label")?,
            },
            #[cfg(feature = "cosmwasm_2_0")]
            "instantiate2" => WasmMsg::Instantiate2 {
                admin: obj.get("admin")?,
                code_id: obj.get("code_id")?,
                label: obj.get("label")?,
                msg: obj.get("msg")?,
                funds: obj.get("funds")?,
                salt: obj.get("salt")?,
            },
            "migrate" => WasmMsg::Migrate {
                contract_addr: obj.get("contract_addr")?,
                new_code_id: obj.get("new_code_id")?,
                msg: obj.get("msg")?,
            },
            "update_admin" => WasmMsg::UpdateAdmin {
                contract_addr: obj.get("contract_addr")?,
                admin: obj.get("admin")?,
            },
            "clear_admin" => WasmMsg::ClearAdmin {
                contract_addr: obj.get("contract_addr")?,
            },
            _ => return Err(Error::unknown_variant(tag)),
        })
    }
}

/// The messages a proposal may carry raw: bank, custom (empty), `Any` and wasm messages, the
/// variants cosmwasm-std has with the contracts' features. Off wasm, where the tests' build
/// also enables cosmwasm-std's staking and IBC variants, any other tag is read by serde.
impl FromJson for CosmosMsg<Empty> {
    fn from_json(value: &Json<'_>) -> Result<Self, Error> {
        match value.variant()? {
            ("bank", Some(v)) => Ok(CosmosMsg::Bank(BankMsg::from_json(v)?)),
            ("custom", Some(v)) => Ok(CosmosMsg::Custom(Empty::from_json(v)?)),
            #[cfg(feature = "cosmwasm_2_0")]
            ("any", Some(v)) => {
                let obj = v.object(None)?;
                Ok(CosmosMsg::Any(cosmwasm_std::AnyMsg {
                    type_url: obj.get("type_url")?,
                    value: obj.get("value")?,
                }))
            }
            ("wasm", Some(v)) => Ok(CosmosMsg::Wasm(WasmMsg::from_json(v)?)),
            #[cfg(not(target_arch = "wasm32"))]
            _ => match value {
                Json::Obj(_, text) => {
                    cosmwasm_std::from_json(text.as_bytes()).map_err(Error::invalid_value)
                }
                _ => Err(Error::invalid_type("an object")),
            },
            #[cfg(target_arch = "wasm32")]
            (tag, _) => Err(Error::unknown_variant(tag)),
        }
    }
}

impl FromJson for Expiration {
    fn from_json(value: &Json<'_>) -> Result<Self, Error> {
        match value.variant()? {
            ("at_height", Some(v)) => Ok(Expiration::AtHeight(u64::from_json(v)?)),
            ("at_time", Some(v)) => Ok(Expiration::AtTime(Timestamp::from_json(v)?)),
            ("never", Some(v)) => v.object(Some(&[])).map(|_| Expiration::Never {}),
            (tag, _) => Err(Error::unknown_variant(tag)),
        }
    }
}

impl FromJson for cw_controllers::Claim {
    fn from_json(value: &Json<'_>) -> Result<Self, Error> {
        let obj = value.object(Some(&["amount", "release_at"]))?;
        Ok(cw_controllers::Claim {
            amount: obj.get("amount")?,
            release_at: obj.get("release_at")?,
        })
    }
}

impl FromJson for cw_ownable::Action {
    fn from_json(value: &Json<'_>) -> Result<Self, Error> {
        match value.variant()? {
            ("transfer_ownership", Some(v)) => {
                let obj = v.object(None)?;
                Ok(cw_ownable::Action::TransferOwnership {
                    new_owner: obj.get("new_owner")?,
                    expiry: obj.get("expiry")?,
                })
            }
            ("accept_ownership", None) => Ok(cw_ownable::Action::AcceptOwnership),
            ("renounce_ownership", None) => Ok(cw_ownable::Action::RenounceOwnership),
            (tag, _) => Err(Error::unknown_variant(tag)),
        }
    }
}

// --- What the chain passes to every entry point -----------------------------------------

impl FromJson for Env {
    fn from_json(value: &Json<'_>) -> Result<Self, Error> {
        let obj = value.object(None)?;
        Ok(Env {
            block: obj.get("block")?,
            transaction: obj.get("transaction")?,
            contract: obj.get("contract")?,
        })
    }
}

impl FromJson for BlockInfo {
    fn from_json(value: &Json<'_>) -> Result<Self, Error> {
        let obj = value.object(None)?;
        Ok(BlockInfo {
            height: obj.get("height")?,
            time: obj.get("time")?,
            chain_id: obj.get("chain_id")?,
        })
    }
}

impl FromJson for TransactionInfo {
    fn from_json(value: &Json<'_>) -> Result<Self, Error> {
        let obj = value.object(None)?;
        Ok(TransactionInfo {
            index: obj.get("index")?,
        })
    }
}

impl FromJson for ContractInfo {
    fn from_json(value: &Json<'_>) -> Result<Self, Error> {
        let obj = value.object(None)?;
        Ok(ContractInfo {
            address: obj.get("address")?,
        })
    }
}

impl FromJson for MessageInfo {
    fn from_json(value: &Json<'_>) -> Result<Self, Error> {
        let obj = value.object(None)?;
        Ok(MessageInfo {
            sender: obj.get("sender")?,
            funds: obj.get("funds")?,
        })
    }
}

impl FromJson for Reply {
    fn from_json(value: &Json<'_>) -> Result<Self, Error> {
        let obj = value.object(None)?;
        Ok(Reply {
            id: obj.get("id")?,
            payload: obj.get_or("payload", Binary::default)?,
            gas_used: obj.get_or("gas_used", u64::default)?,
            result: obj.get("result")?,
        })
    }
}

impl FromJson for SubMsgResult {
    fn from_json(value: &Json<'_>) -> Result<Self, Error> {
        match value.variant()? {
            ("ok", Some(v)) => Ok(SubMsgResult::Ok(SubMsgResponse::from_json(v)?)),
            ("error", Some(v)) => Ok(SubMsgResult::Err(String::from_json(v)?)),
            (tag, _) => Err(Error::unknown_variant(tag)),
        }
    }
}

impl FromJson for SubMsgResponse {
    #[allow(deprecated)]
    fn from_json(value: &Json<'_>) -> Result<Self, Error> {
        let obj = value.object(None)?;
        Ok(SubMsgResponse {
            events: obj.get("events")?,
            data: obj.get("data")?,
            msg_responses: obj.get_or("msg_responses", Vec::new)?,
        })
    }
}

impl FromJson for MsgResponse {
    fn from_json(value: &Json<'_>) -> Result<Self, Error> {
        let obj = value.object(None)?;
        Ok(MsgResponse {
            type_url: obj.get("type_url")?,
            value: obj.get("value")?,
        })
    }
}

impl FromJson for Event {
    fn from_json(value: &Json<'_>) -> Result<Self, Error> {
        let obj = value.object(None)?;
        let attributes: Vec<Attribute> = obj.get("attributes")?;
        Ok(Event::new(obj.get::<String>("type")?).add_attributes(attributes))
    }
}

impl FromJson for Attribute {
    fn from_json(value: &Json<'_>) -> Result<Self, Error> {
        let obj = value.object(None)?;
        Ok(Attribute {
            key: obj.get("key")?,
            value: obj.get("value")?,
        })
    }
}

/// What the chain answers a query with.
impl FromJson for SystemResult<ContractResult<Binary>> {
    fn from_json(value: &Json<'_>) -> Result<Self, Error> {
        match value.variant()? {
            ("ok", Some(v)) => Ok(SystemResult::Ok(match v.variant()? {
                ("ok", Some(data)) => ContractResult::Ok(Binary::from_json(data)?),
                ("error", Some(msg)) => ContractResult::Err(String::from_json(msg)?),
                (tag, _) => return Err(Error::unknown_variant(tag)),
            })),
            ("error", Some(v)) => Ok(SystemResult::Err(SystemError::from_json(v)?)),
            (tag, _) => Err(Error::unknown_variant(tag)),
        }
    }
}

impl FromJson for SystemError {
    fn from_json(value: &Json<'_>) -> Result<Self, Error> {
        let (tag, inner) = value.variant()?;
        let obj = inner
            .ok_or_else(|| Error::unknown_variant(tag))?
            .object(None)?;
        Ok(match tag {
            "invalid_request" => SystemError::InvalidRequest {
                error: obj.get("error")?,
                request: obj.get("request")?,
            },
            "invalid_response" => SystemError::InvalidResponse {
                error: obj.get("error")?,
                response: obj.get("response")?,
            },
            "no_such_contract" => SystemError::NoSuchContract {
                addr: obj.get("addr")?,
            },
            "no_such_code" => SystemError::NoSuchCode {
                code_id: obj.get("code_id")?,
            },
            "unknown" => SystemError::Unknown {},
            "unsupported_request" => SystemError::UnsupportedRequest {
                kind: obj.get("kind")?,
            },
            _ => return Err(Error::unknown_variant(tag)),
        })
    }
}

impl FromJson for cw3::Vote {
    fn from_json(value: &Json<'_>) -> Result<Self, Error> {
        match value.variant()? {
            ("yes", None) => Ok(cw3::Vote::Yes),
            ("no", None) => Ok(cw3::Vote::No),
            ("abstain", None) => Ok(cw3::Vote::Abstain),
            ("veto", None) => Ok(cw3::Vote::Veto),
            (tag, _) => Err(Error::unknown_variant(tag)),
        }
    }
}

impl FromJson for cw20::BalanceResponse {
    fn from_json(value: &Json<'_>) -> Result<Self, Error> {
        let obj = value.object(None)?;
        Ok(cw20::BalanceResponse {
            balance: obj.get("balance")?,
        })
    }
}

impl FromJson for cw20::TokenInfoResponse {
    fn from_json(value: &Json<'_>) -> Result<Self, Error> {
        let obj = value.object(None)?;
        Ok(cw20::TokenInfoResponse {
            name: obj.get("name")?,
            symbol: obj.get("symbol")?,
            decimals: obj.get("decimals")?,
            total_supply: obj.get("total_supply")?,
        })
    }
}

impl FromJson for () {
    fn from_json(value: &Json<'_>) -> Result<Self, Error> {
        match value {
            Json::Null => Ok(()),
            _ => Err(Error::invalid_type("null")),
        }
    }
}

impl FromJson for cw_ownable::Ownership<Addr> {
    fn from_json(value: &Json<'_>) -> Result<Self, Error> {
        let obj = value.object(None)?;
        Ok(cw_ownable::Ownership {
            owner: obj.get("owner")?,
            pending_owner: obj.get("pending_owner")?,
            pending_expiry: obj.get("pending_expiry")?,
        })
    }
}

impl FromJson for cw2::ContractVersion {
    fn from_json(value: &Json<'_>) -> Result<Self, Error> {
        let obj = value.object(None)?;
        Ok(cw2::ContractVersion {
            contract: obj.get("contract")?,
            version: obj.get("version")?,
        })
    }
}
