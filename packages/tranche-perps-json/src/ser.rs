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
pub fn write_str(s: &str, out: &mut Vec<u8>) {
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
pub fn write_key(lead: u8, key: &str, out: &mut Vec<u8>) {
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

impl ToJson for Coin {
    fn write_json(&self, out: &mut Vec<u8>) {
        write_key(b'{', "denom", out);
        self.denom.write_json(out);
        write_key(b',', "amount", out);
        self.amount.write_json(out);
        out.push(b'}');
    }
}

impl ToJson for Expiration {
    fn write_json(&self, out: &mut Vec<u8>) {
        match self {
            Expiration::AtHeight(height) => {
                write_key(b'{', "at_height", out);
                height.write_json(out);
            }
            Expiration::AtTime(time) => {
                write_key(b'{', "at_time", out);
                time.write_json(out);
            }
            Expiration::Never {} => out.extend_from_slice(b"{\"never\":{}"),
        }
        out.push(b'}');
    }
}

impl ToJson for cw_ownable::Ownership<Addr> {
    fn write_json(&self, out: &mut Vec<u8>) {
        write_key(b'{', "owner", out);
        self.owner.write_json(out);
        write_key(b',', "pending_owner", out);
        self.pending_owner.write_json(out);
        write_key(b',', "pending_expiry", out);
        self.pending_expiry.write_json(out);
        out.push(b'}');
    }
}

impl ToJson for cw_controllers::Claim {
    fn write_json(&self, out: &mut Vec<u8>) {
        write_key(b'{', "amount", out);
        self.amount.write_json(out);
        write_key(b',', "release_at", out);
        self.release_at.write_json(out);
        out.push(b'}');
    }
}

impl ToJson for cw_controllers::ClaimsResponse {
    fn write_json(&self, out: &mut Vec<u8>) {
        write_key(b'{', "claims", out);
        self.claims.write_json(out);
        out.push(b'}');
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
            cw_ownable::Action::TransferOwnership { new_owner, expiry } => {
                struct_variant("transfer_ownership", "new_owner", out);
                new_owner.write_json(out);
                write_key(b',', "expiry", out);
                expiry.write_json(out);
                out.extend_from_slice(b"}}");
            }
            cw_ownable::Action::AcceptOwnership => write_str("accept_ownership", out),
            cw_ownable::Action::RenounceOwnership => write_str("renounce_ownership", out),
        }
    }
}

impl ToJson for cw2::ContractVersion {
    fn write_json(&self, out: &mut Vec<u8>) {
        write_key(b'{', "contract", out);
        self.contract.write_json(out);
        write_key(b',', "version", out);
        self.version.write_json(out);
        out.push(b'}');
    }
}

impl ToJson for Attribute {
    fn write_json(&self, out: &mut Vec<u8>) {
        write_key(b'{', "key", out);
        self.key.write_json(out);
        write_key(b',', "value", out);
        self.value.write_json(out);
        out.push(b'}');
    }
}

impl ToJson for Event {
    fn write_json(&self, out: &mut Vec<u8>) {
        write_key(b'{', "type", out);
        self.ty.write_json(out);
        write_key(b',', "attributes", out);
        self.attributes.write_json(out);
        out.push(b'}');
    }
}

/// A variant whose content is an object: `{"tag":{` with the first member's key.
fn struct_variant(tag: &str, first: &str, out: &mut Vec<u8>) {
    write_key(b'{', tag, out);
    write_key(b'{', first, out);
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
            BankMsg::Send { to_address, amount } => {
                struct_variant("send", "to_address", out);
                to_address.write_json(out);
                write_key(b',', "amount", out);
                amount.write_json(out);
            }
            BankMsg::Burn { amount } => {
                struct_variant("burn", "amount", out);
                amount.write_json(out);
            }
            other => return serde_fallback(other, out),
        }
        out.extend_from_slice(b"}}");
    }
}

impl ToJson for WasmMsg {
    fn write_json(&self, out: &mut Vec<u8>) {
        match self {
            WasmMsg::Execute {
                contract_addr,
                msg,
                funds,
            } => {
                struct_variant("execute", "contract_addr", out);
                contract_addr.write_json(out);
                write_key(b',', "msg", out);
                msg.write_json(out);
                write_key(b',', "funds", out);
                funds.write_json(out);
            }
            WasmMsg::Instantiate {
                admin,
                code_id,
                msg,
                funds,
                label,
            } => {
                struct_variant("instantiate", "admin", out);
                admin.write_json(out);
                write_key(b',', "code_id", out);
                code_id.write_json(out);
                write_key(b',', "msg", out);
                msg.write_json(out);
                write_key(b',', "funds", out);
                funds.write_json(out);
                write_key(b',', "label", out);
                label.write_json(out);
            }
            #[cfg(feature = "cosmwasm_2_0")]
            WasmMsg::Instantiate2 {
                admin,
                code_id,
                label,
                msg,
                funds,
                salt,
            } => {
                struct_variant("instantiate2", "admin", out);
                admin.write_json(out);
                write_key(b',', "code_id", out);
                code_id.write_json(out);
                write_key(b',', "label", out);
                label.write_json(out);
                write_key(b',', "msg", out);
                msg.write_json(out);
                write_key(b',', "funds", out);
                funds.write_json(out);
                write_key(b',', "salt", out);
                salt.write_json(out);
            }
            WasmMsg::Migrate {
                contract_addr,
                new_code_id,
                msg,
            } => {
                struct_variant("migrate", "contract_addr", out);
                contract_addr.write_json(out);
                write_key(b',', "new_code_id", out);
                new_code_id.write_json(out);
                write_key(b',', "msg", out);
                msg.write_json(out);
            }
            WasmMsg::UpdateAdmin {
                contract_addr,
                admin,
            } => {
                struct_variant("update_admin", "contract_addr", out);
                contract_addr.write_json(out);
                write_key(b',', "admin", out);
                admin.write_json(out);
            }
            WasmMsg::ClearAdmin { contract_addr } => {
                struct_variant("clear_admin", "contract_addr", out);
                contract_addr.write_json(out);
            }
            other => return serde_fallback(other, out),
        }
        out.extend_from_slice(b"}}");
    }
}

impl ToJson for CosmosMsg<Empty> {
    fn write_json(&self, out: &mut Vec<u8>) {
        match self {
            CosmosMsg::Bank(msg) => {
                write_key(b'{', "bank", out);
                msg.write_json(out);
            }
            CosmosMsg::Custom(msg) => {
                write_key(b'{', "custom", out);
                msg.write_json(out);
            }
            #[cfg(feature = "cosmwasm_2_0")]
            CosmosMsg::Any(msg) => {
                struct_variant("any", "type_url", out);
                msg.type_url.write_json(out);
                write_key(b',', "value", out);
                msg.value.write_json(out);
                out.push(b'}');
            }
            CosmosMsg::Wasm(msg) => {
                write_key(b'{', "wasm", out);
                msg.write_json(out);
            }
            other => return serde_fallback(other, out),
        }
        out.push(b'}');
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
        write_key(b'{', "id", out);
        self.id.write_json(out);
        write_key(b',', "payload", out);
        self.payload.write_json(out);
        write_key(b',', "msg", out);
        self.msg.write_json(out);
        write_key(b',', "gas_limit", out);
        self.gas_limit.write_json(out);
        write_key(b',', "reply_on", out);
        self.reply_on.write_json(out);
        out.push(b'}');
    }
}

impl ToJson for Response<Empty> {
    fn write_json(&self, out: &mut Vec<u8>) {
        write_key(b'{', "messages", out);
        self.messages.write_json(out);
        write_key(b',', "attributes", out);
        self.attributes.write_json(out);
        write_key(b',', "events", out);
        self.events.write_json(out);
        write_key(b',', "data", out);
        self.data.write_json(out);
        out.push(b'}');
    }
}

impl<T: ToJson> ToJson for ContractResult<T> {
    fn write_json(&self, out: &mut Vec<u8>) {
        match self {
            ContractResult::Ok(value) => {
                write_key(b'{', "ok", out);
                value.write_json(out);
            }
            ContractResult::Err(err) => {
                write_key(b'{', "error", out);
                err.write_json(out);
            }
        }
        out.push(b'}');
    }
}
