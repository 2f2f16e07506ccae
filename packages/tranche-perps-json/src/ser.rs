//! Compact JSON encoding: [`ToJson`] writes the bytes serde-json-wasm writes for the same type
//! (compact, members in declaration order, the same string escapes), without serde's generic
//! serializer code.

use cosmwasm_std::{
    Addr, Attribute, BankMsg, Binary, Coin, ContractResult, CosmosMsg, Decimal, Decimal256, Empty,
    Event, Int128, ReplyOn, Response, SignedDecimal256, SubMsg, Timestamp, Uint128, Uint256,
    Uint64, WasmMsg,
};
use cw_utils::Expiration;
use serde::Serialize;

pub use tranche_perps_json_derive::ToJson;

/// A type that can be written as JSON.
pub trait ToJson {
    /// Appends the value's JSON to `out`.
    fn write_json(&self, out: &mut Vec<u8>);
}

/// The JSON of `value`.
///
/// Off wasm (tests, cw-multi-test) it is also encoded with serde and a difference panics, so
/// every value the suite's tests store, send or answer checks that the two encodings are the
/// same bytes. On wasm only [`ToJson`] is compiled in.
pub fn to_vec<T: ToJson + Serialize + ?Sized>(value: &T) -> Vec<u8> {
    let mut out = Vec::new();
    value.write_json(&mut out);
    #[cfg(not(target_arch = "wasm32"))]
    {
        let serde = cosmwasm_std::to_json_vec(value).expect("serde encodes the value");
        assert_eq!(
            String::from_utf8_lossy(&out),
            String::from_utf8_lossy(&serde),
            "ToJson and serde encode {} differently",
            std::any::type_name::<T>()
        );
    }
    out
}

/// [`to_vec`] as a [`Binary`], in place of `cosmwasm_std::to_json_binary`.
pub fn to_binary<T: ToJson + Serialize + ?Sized>(value: &T) -> cosmwasm_std::StdResult<Binary> {
    Ok(Binary::new(to_vec(value)))
}

/// A JSON string with serde-json-wasm's escapes.
pub(crate) fn write_str(s: &str, out: &mut Vec<u8>) {
    out.push(b'"');
    for &b in s.as_bytes() {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'"' => out.extend_from_slice(b"\\\""),
            0x08 => out.extend_from_slice(b"\\b"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            0x0c => out.extend_from_slice(b"\\f"),
            b'\r' => out.extend_from_slice(b"\\r"),
            0..=0x1f => {
                const HEX: &[u8; 16] = b"0123456789ABCDEF";
                out.extend_from_slice(b"\\u00");
                out.push(HEX[(b >> 4) as usize]);
                out.push(HEX[(b & 0xf) as usize]);
            }
            _ => out.push(b),
        }
    }
    out.push(b'"');
}

/// An unsigned integer in decimal.
fn write_u128(mut n: u128, out: &mut Vec<u8>) {
    let mut digits = [0u8; 39];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

/// An unsigned integer in decimal (u64 division, cheaper than u128's on wasm).
fn write_u64(mut n: u64, out: &mut Vec<u8>) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

/// A member key and colon, preceded by `lead` (`{` or `,`).
pub(crate) fn write_key(lead: u8, key: &str, out: &mut Vec<u8>) {
    out.push(lead);
    out.push(b'"');
    out.extend_from_slice(key.as_bytes());
    out.extend_from_slice(b"\":");
}

impl<T: ToJson + ?Sized> ToJson for &T {
    fn write_json(&self, out: &mut Vec<u8>) {
        (**self).write_json(out)
    }
}

impl<T: ToJson + ?Sized> ToJson for Box<T> {
    fn write_json(&self, out: &mut Vec<u8>) {
        (**self).write_json(out)
    }
}

impl ToJson for bool {
    fn write_json(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(if *self { b"true" } else { b"false" })
    }
}

macro_rules! unsigned_to_json {
    ($($t:ty),*) => {$(
        impl ToJson for $t {
            fn write_json(&self, out: &mut Vec<u8>) {
                write_u64(u64::from(*self), out)
            }
        }
    )*};
}
unsigned_to_json!(u8, u16, u32, u64);

impl ToJson for str {
    fn write_json(&self, out: &mut Vec<u8>) {
        write_str(self, out)
    }
}

impl ToJson for String {
    fn write_json(&self, out: &mut Vec<u8>) {
        write_str(self, out)
    }
}

impl ToJson for Addr {
    fn write_json(&self, out: &mut Vec<u8>) {
        write_str(self.as_str(), out)
    }
}

impl ToJson for Binary {
    fn write_json(&self, out: &mut Vec<u8>) {
        // base64 never needs escapes
        out.push(b'"');
        out.extend_from_slice(self.to_base64().as_bytes());
        out.push(b'"');
    }
}

impl ToJson for Uint64 {
    fn write_json(&self, out: &mut Vec<u8>) {
        out.push(b'"');
        write_u64(self.u64(), out);
        out.push(b'"');
    }
}

impl ToJson for Timestamp {
    fn write_json(&self, out: &mut Vec<u8>) {
        out.push(b'"');
        write_u64(self.nanos(), out);
        out.push(b'"');
    }
}

impl ToJson for Uint128 {
    fn write_json(&self, out: &mut Vec<u8>) {
        out.push(b'"');
        write_u128(self.u128(), out);
        out.push(b'"');
    }
}

/// Types serde writes as the string of their `Display`.
macro_rules! display_to_json {
    ($($t:ty),*) => {$(
        impl ToJson for $t {
            fn write_json(&self, out: &mut Vec<u8>) {
                out.push(b'"');
                out.extend_from_slice(self.to_string().as_bytes());
                out.push(b'"');
            }
        }
    )*};
}
display_to_json!(Uint256, Int128, Decimal, Decimal256, SignedDecimal256);

impl ToJson for () {
    fn write_json(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"null")
    }
}

impl ToJson for Empty {
    fn write_json(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"{}")
    }
}

impl<T: ToJson> ToJson for Option<T> {
    fn write_json(&self, out: &mut Vec<u8>) {
        match self {
            Some(value) => value.write_json(out),
            None => out.extend_from_slice(b"null"),
        }
    }
}

impl<T: ToJson> ToJson for [T] {
    fn write_json(&self, out: &mut Vec<u8>) {
        out.push(b'[');
        for (i, item) in self.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            item.write_json(out);
        }
        out.push(b']');
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn write_json(&self, out: &mut Vec<u8>) {
        self.as_slice().write_json(out)
    }
}

/// Writes `{"key":value,...}`: the members of an object in order.
macro_rules! object {
    ($out:expr; $($key:literal => $value:expr),+ $(,)?) => {{
        let out: &mut Vec<u8> = $out;
        let mut lead = b'{';
        $(
            write_key(lead, $key, out);
            ToJson::write_json($value, out);
            lead = b',';
        )+
        let _ = lead;
        out.push(b'}');
    }};
}

/// Writes `{"tag":content}`, an externally tagged variant with content.
fn tagged(tag: &str, out: &mut Vec<u8>, content: impl FnOnce(&mut Vec<u8>)) {
    write_key(b'{', tag, out);
    content(out);
    out.push(b'}');
}

impl ToJson for Coin {
    fn write_json(&self, out: &mut Vec<u8>) {
        object!(out; "denom" => &self.denom, "amount" => &self.amount)
    }
}

impl ToJson for Expiration {
    fn write_json(&self, out: &mut Vec<u8>) {
        match self {
            Expiration::AtHeight(height) => tagged("at_height", out, |out| height.write_json(out)),
            Expiration::AtTime(time) => tagged("at_time", out, |out| time.write_json(out)),
            Expiration::Never {} => out.extend_from_slice(b"{\"never\":{}}"),
        }
    }
}

impl ToJson for cw_ownable::Ownership<Addr> {
    fn write_json(&self, out: &mut Vec<u8>) {
        object!(out;
            "owner" => &self.owner,
            "pending_owner" => &self.pending_owner,
            "pending_expiry" => &self.pending_expiry,
        )
    }
}

impl ToJson for cw_controllers::Claim {
    fn write_json(&self, out: &mut Vec<u8>) {
        object!(out; "amount" => &self.amount, "release_at" => &self.release_at)
    }
}

impl ToJson for cw_controllers::ClaimsResponse {
    fn write_json(&self, out: &mut Vec<u8>) {
        object!(out; "claims" => &self.claims)
    }
}

impl ToJson for cw3::Vote {
    fn write_json(&self, out: &mut Vec<u8>) {
        write_str(
            match self {
                cw3::Vote::Yes => "yes",
                cw3::Vote::No => "no",
                cw3::Vote::Abstain => "abstain",
                cw3::Vote::Veto => "veto",
            },
            out,
        )
    }
}

impl ToJson for cw_ownable::Action {
    fn write_json(&self, out: &mut Vec<u8>) {
        match self {
            cw_ownable::Action::TransferOwnership { new_owner, expiry } => tagged(
                "transfer_ownership",
                out,
                |out| object!(out; "new_owner" => new_owner, "expiry" => expiry),
            ),
            cw_ownable::Action::AcceptOwnership => write_str("accept_ownership", out),
            cw_ownable::Action::RenounceOwnership => write_str("renounce_ownership", out),
        }
    }
}

impl ToJson for cw2::ContractVersion {
    fn write_json(&self, out: &mut Vec<u8>) {
        object!(out; "contract" => &self.contract, "version" => &self.version)
    }
}

impl ToJson for Attribute {
    fn write_json(&self, out: &mut Vec<u8>) {
        object!(out; "key" => &self.key, "value" => &self.value)
    }
}

impl ToJson for Event {
    fn write_json(&self, out: &mut Vec<u8>) {
        object!(out; "type" => &self.ty, "attributes" => &self.attributes)
    }
}

/// A variant not written here (one that only exists with cosmwasm-std features the contracts do
/// not enable, such as staking or IBC messages): serde's encoding.
#[cold]
#[inline(never)]
fn serde_fallback<T: Serialize>(value: &T, out: &mut Vec<u8>) {
    out.extend_from_slice(&cosmwasm_std::to_json_vec(value).expect("serde encodes the value"))
}

impl ToJson for BankMsg {
    fn write_json(&self, out: &mut Vec<u8>) {
        match self {
            BankMsg::Send { to_address, amount } => tagged(
                "send",
                out,
                |out| object!(out; "to_address" => to_address, "amount" => amount),
            ),
            BankMsg::Burn { amount } => tagged("burn", out, |out| object!(out; "amount" => amount)),
            other => serde_fallback(other, out),
        }
    }
}

impl ToJson for WasmMsg {
    fn write_json(&self, out: &mut Vec<u8>) {
        match self {
            WasmMsg::Execute {
                contract_addr,
                msg,
                funds,
            } => tagged(
                "execute",
                out,
                |out| object!(out; "contract_addr" => contract_addr, "msg" => msg, "funds" => funds),
            ),
            WasmMsg::Instantiate {
                admin,
                code_id,
                msg,
                funds,
                label,
            } => tagged("instantiate", out, |out| {
                object!(out;
                    "admin" => admin,
                    "code_id" => code_id,
                    "msg" => msg,
                    "funds" => funds,
                    "label" => label,
                )
            }),
            #[cfg(feature = "cosmwasm_2_0")]
            WasmMsg::Instantiate2 {
                admin,
                code_id,
                label,
                msg,
                funds,
                salt,
            } => tagged("instantiate2", out, |out| {
                object!(out;
                    "admin" => admin,
                    "code_id" => code_id,
                    "label" => label,
                    "msg" => msg,
                    "funds" => funds,
                    "salt" => salt,
                )
            }),
            WasmMsg::Migrate {
                contract_addr,
                new_code_id,
                msg,
            } => tagged("migrate", out, |out| {
                object!(out;
                    "contract_addr" => contract_addr,
                    "new_code_id" => new_code_id,
                    "msg" => msg,
                )
            }),
            WasmMsg::UpdateAdmin {
                contract_addr,
                admin,
            } => tagged(
                "update_admin",
                out,
                |out| object!(out; "contract_addr" => contract_addr, "admin" => admin),
            ),
            WasmMsg::ClearAdmin { contract_addr } => tagged(
                "clear_admin",
                out,
                |out| object!(out; "contract_addr" => contract_addr),
            ),
            other => serde_fallback(other, out),
        }
    }
}

impl ToJson for CosmosMsg<Empty> {
    fn write_json(&self, out: &mut Vec<u8>) {
        match self {
            CosmosMsg::Bank(msg) => tagged("bank", out, |out| msg.write_json(out)),
            CosmosMsg::Custom(msg) => tagged("custom", out, |out| msg.write_json(out)),
            #[cfg(feature = "cosmwasm_2_0")]
            CosmosMsg::Any(msg) => tagged(
                "any",
                out,
                |out| object!(out; "type_url" => &msg.type_url, "value" => &msg.value),
            ),
            CosmosMsg::Wasm(msg) => tagged("wasm", out, |out| msg.write_json(out)),
            other => serde_fallback(other, out),
        }
    }
}

impl ToJson for ReplyOn {
    fn write_json(&self, out: &mut Vec<u8>) {
        write_str(
            match self {
                ReplyOn::Always => "always",
                ReplyOn::Error => "error",
                ReplyOn::Success => "success",
                ReplyOn::Never => "never",
            },
            out,
        )
    }
}

impl ToJson for SubMsg<Empty> {
    fn write_json(&self, out: &mut Vec<u8>) {
        object!(out;
            "id" => &self.id,
            "payload" => &self.payload,
            "msg" => &self.msg,
            "gas_limit" => &self.gas_limit,
            "reply_on" => &self.reply_on,
        )
    }
}

impl ToJson for Response<Empty> {
    fn write_json(&self, out: &mut Vec<u8>) {
        object!(out;
            "messages" => &self.messages,
            "attributes" => &self.attributes,
            "events" => &self.events,
            "data" => &self.data,
        )
    }
}

impl<T: ToJson> ToJson for ContractResult<T> {
    fn write_json(&self, out: &mut Vec<u8>) {
        match self {
            ContractResult::Ok(value) => tagged("ok", out, |out| value.write_json(out)),
            ContractResult::Err(err) => tagged("error", out, |out| err.write_json(out)),
        }
    }
}
