//! The cw20 messages the suite sends, as types with a compact encoding: each encodes to the
//! bytes of the `cw20` crate's message of the same name (a test compares them), so a token
//! contract reads them as its own.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Binary, Uint128};
use tranche_perps_json::ToJson;

/// `cw20::Cw20ExecuteMsg`'s variants the suite sends.
#[cw_serde]
#[derive(ToJson)]
pub enum Cw20Msg {
    /// Moves `amount` to `recipient`.
    Transfer {
        /// Receiver.
        recipient: String,
        /// Token amount.
        amount: Uint128,
    },
    /// Moves `amount` to the contract `contract` and calls its `Receive` with `msg`.
    Send {
        /// Receiving contract.
        contract: String,
        /// Token amount.
        amount: Uint128,
        /// The `Receive` message's payload.
        msg: Binary,
    },
    /// Destroys `amount` of the sender's tokens.
    Burn {
        /// Token amount.
        amount: Uint128,
    },
    /// Creates `amount` for `recipient` (the minter only).
    Mint {
        /// Receiver.
        recipient: String,
        /// Token amount.
        amount: Uint128,
    },
}

/// `cw20::Cw20QueryMsg`'s variants the suite asks.
#[cw_serde]
#[derive(ToJson)]
pub enum Cw20Query {
    /// An address's balance.
    Balance {
        /// The holder.
        address: String,
    },
    /// Name, symbol, decimals and supply.
    TokenInfo {},
}

#[cfg(test)]
mod tests {
    use cosmwasm_std::to_json_vec;
    use cw20::{Cw20ExecuteMsg, Cw20QueryMsg};

    use super::*;

    #[test]
    fn encodes_as_the_cw20_messages() {
        let amount = Uint128::new(1_234_567);
        let pairs = [
            (
                tranche_perps_json::to_vec(&Cw20Msg::Transfer {
                    recipient: "r\"x".into(),
                    amount,
                }),
                to_json_vec(&Cw20ExecuteMsg::Transfer {
                    recipient: "r\"x".into(),
                    amount,
                }),
            ),
            (
                tranche_perps_json::to_vec(&Cw20Msg::Send {
                    contract: "c".into(),
                    amount,
                    msg: Binary::from(b"{}"),
                }),
                to_json_vec(&Cw20ExecuteMsg::Send {
                    contract: "c".into(),
                    amount,
                    msg: Binary::from(b"{}"),
                }),
            ),
            (
                tranche_perps_json::to_vec(&Cw20Msg::Burn { amount }),
                to_json_vec(&Cw20ExecuteMsg::Burn { amount }),
            ),
            (
                tranche_perps_json::to_vec(&Cw20Msg::Mint {
                    recipient: "m".into(),
                    amount,
                }),
                to_json_vec(&Cw20ExecuteMsg::Mint {
                    recipient: "m".into(),
                    amount,
                }),
            ),
            (
                tranche_perps_json::to_vec(&Cw20Query::Balance {
                    address: "a".into(),
                }),
                to_json_vec(&Cw20QueryMsg::Balance {
                    address: "a".into(),
                }),
            ),
            (
                tranche_perps_json::to_vec(&Cw20Query::TokenInfo {}),
                to_json_vec(&Cw20QueryMsg::TokenInfo {}),
            ),
        ];
        for (ours, theirs) in pairs {
            assert_eq!(ours, theirs.unwrap());
        }
    }
}
