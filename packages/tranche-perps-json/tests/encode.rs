//! The encoder against serde-json-wasm: cosmwasm-std's result and message types and the external
//! types the suite stores (byte for byte, property tests for strings and numbers), and the
//! snapshot and claim storage against cw-storage-plus and cw-controllers over the same store.

use cosmwasm_std::testing::{mock_env, MockStorage};
use cosmwasm_std::{
    coins, to_json_vec, Addr, AnyMsg, Attribute, BankMsg, Binary, ContractResult, CosmosMsg,
    Decimal, Decimal256, Empty, Event, Int128, ReplyOn, Response, SignedDecimal256, StdResult,
    SubMsg, Timestamp, Uint128, Uint256, Uint64, WasmMsg,
};
use cw_controllers::{Claim, Claims};
use cw_storage_plus::Strategy as Every;
use cw_utils::Expiration;
use proptest::prelude::*;
use serde::Serialize;
use tranche_perps_json::snapshot::{SnapshotItem, SnapshotMap};
use tranche_perps_json::storage::Map;
use tranche_perps_json::ToJson;

/// `value`'s ToJson bytes equal serde-json-wasm's.
fn same_bytes<T: Serialize + ToJson + ?Sized>(value: &T) {
    let mut ours = Vec::new();
    value.write_json(&mut ours);
    let serde = to_json_vec(value).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&ours),
        String::from_utf8_lossy(&serde)
    );
}

fn every_message() -> Vec<CosmosMsg> {
    let msg = Binary::from(br#"{"x":{}}"#);
    let funds = coins(17, "uusd");
    vec![
        BankMsg::Send {
            to_address: "to".into(),
            amount: funds.clone(),
        }
        .into(),
        BankMsg::Burn { amount: vec![] }.into(),
        CosmosMsg::Custom(Empty {}),
        CosmosMsg::Any(AnyMsg {
            type_url: "/cosmos.bank.v1beta1.MsgSend".into(),
            value: Binary::from(vec![0u8, 1, 255]),
        }),
        WasmMsg::Execute {
            contract_addr: "c".into(),
            msg: msg.clone(),
            funds: funds.clone(),
        }
        .into(),
        WasmMsg::Instantiate {
            admin: None,
            code_id: 7,
            msg: msg.clone(),
            funds: vec![],
            label: "label \"q\"".into(),
        }
        .into(),
        WasmMsg::Instantiate2 {
            admin: Some("admin".into()),
            code_id: u64::MAX,
            label: String::new(),
            msg: msg.clone(),
            funds,
            salt: Binary::from(b"salt"),
        }
        .into(),
        WasmMsg::Migrate {
            contract_addr: "c".into(),
            new_code_id: 0,
            msg,
        }
        .into(),
        WasmMsg::UpdateAdmin {
            contract_addr: "c".into(),
            admin: "a".into(),
        }
        .into(),
        WasmMsg::ClearAdmin {
            contract_addr: "c".into(),
        }
        .into(),
    ]
}

#[test]
fn results_and_messages_encode_as_serde_does() {
    for msg in every_message() {
        same_bytes(&msg);
    }
    let response = Response::new()
        .add_messages(every_message())
        .add_submessage(SubMsg::reply_on_error(
            BankMsg::Burn { amount: vec![] },
            u64::MAX,
        ))
        .add_submessage(
            SubMsg::reply_always(CosmosMsg::Custom(Empty {}), 3)
                .with_gas_limit(100_000)
                .with_payload(b"payload".to_vec()),
        )
        .add_submessage(SubMsg::reply_on_success(CosmosMsg::Custom(Empty {}), 4))
        .add_attribute("action", "tab\there")
        .add_event(Event::new("wasm-x").add_attribute("k", "\u{0}\u{1f}\"\\/"))
        .set_data(b"data");
    same_bytes(&response);
    same_bytes(&Response::<Empty>::new());
    same_bytes(&ContractResult::Ok(response));
    same_bytes(&ContractResult::<Response>::Err("failed: \"why\"\n".into()));
    same_bytes(&ContractResult::Ok(Binary::from(b"answer")));
    for reply_on in [
        ReplyOn::Always,
        ReplyOn::Error,
        ReplyOn::Success,
        ReplyOn::Never,
    ] {
        same_bytes(&reply_on);
    }
    same_bytes(&Attribute::new("k", "v"));
}

#[test]
fn external_values_encode_as_serde_does() {
    same_bytes(&Addr::unchecked("cosmwasm1abc"));
    same_bytes(&Timestamp::from_nanos(u64::MAX));
    same_bytes(&Uint64::new(0));
    same_bytes(&Uint256::MAX);
    same_bytes(&Int128::MIN);
    same_bytes(&Decimal::MAX);
    same_bytes(&Decimal::percent(5));
    same_bytes(&Decimal256::MAX);
    same_bytes(&SignedDecimal256::MIN);
    same_bytes(&SignedDecimal256::from_ratio(-1i64, 3i64));
    same_bytes(&Some(vec![true, false]));
    same_bytes(&Option::<String>::None);
    same_bytes(&());
    same_bytes(&Box::new(5u32));
    for exp in [
        Expiration::AtHeight(9),
        Expiration::AtTime(Timestamp::from_seconds(1)),
        Expiration::Never {},
    ] {
        same_bytes(&exp);
    }
    same_bytes(&cw_ownable::Ownership {
        owner: Some(Addr::unchecked("o")),
        pending_owner: None,
        pending_expiry: Some(Expiration::AtHeight(3)),
    });
    for action in [
        cw_ownable::Action::TransferOwnership {
            new_owner: "n".into(),
            expiry: None,
        },
        cw_ownable::Action::AcceptOwnership,
        cw_ownable::Action::RenounceOwnership,
    ] {
        same_bytes(&action);
    }
    for vote in [
        cw3::Vote::Yes,
        cw3::Vote::No,
        cw3::Vote::Abstain,
        cw3::Vote::Veto,
    ] {
        same_bytes(&vote);
    }
    same_bytes(&cw2::ContractVersion {
        contract: "crates.io:x".into(),
        version: "1.2.3".into(),
    });
    same_bytes(&cw_controllers::ClaimsResponse {
        claims: vec![
            Claim::new(5, Expiration::AtTime(Timestamp::from_seconds(9))),
            Claim::new(u128::MAX, Expiration::Never {}),
        ],
    });
}

proptest! {
    #[test]
    fn strings_encode_as_serde_does(
        s in prop_oneof![any::<String>(), "[\\x00-\\x20\"\\\\/a\u{7f}\u{e9}\u{1F600}]{0,12}"]
    ) {
        same_bytes(&s);
        same_bytes(&Attribute { key: s.clone(), value: s });
    }

    #[test]
    fn numbers_encode_as_serde_does(a in any::<u64>(), b in any::<u128>(), c in any::<u32>(), d in any::<u8>()) {
        same_bytes(&a);
        same_bytes(&Uint128::new(b));
        same_bytes(&c);
        same_bytes(&d);
        same_bytes(&Decimal::raw(b));
        same_bytes(&Timestamp::from_nanos(a));
    }

    #[test]
    fn binaries_encode_as_serde_does(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        same_bytes(&Binary::from(bytes));
    }
}

/// One step of a snapshot property test: a write of `value` to key `key` at `height`.
#[derive(Debug, Clone)]
struct Write {
    key: u8,
    value: u128,
    height: u64,
}

fn writes() -> impl Strategy<Value = Vec<Write>> {
    proptest::collection::vec((0u8..3, any::<u64>(), 0u64..4), 1..20).prop_map(|steps| {
        // heights never go back, as block heights do not
        let mut height = 1;
        steps
            .into_iter()
            .map(|(key, value, step)| {
                height += step;
                Write {
                    key,
                    value: u128::from(value),
                    height,
                }
            })
            .collect()
    })
}

proptest! {
    /// The same writes through this crate's snapshots and through cw-storage-plus's (each on
    /// its own store) leave the same bytes, and every height reads the same from both, read
    /// by either implementation over either store.
    #[test]
    fn snapshots_match_cw_storage_plus(steps in writes()) {
        let ours_map: SnapshotMap<&str, Uint128> = SnapshotMap::new("s", "s__changelog");
        let ours_item: SnapshotItem<Uint128> = SnapshotItem::new("t", "t__changelog");
        let theirs_map: cw_storage_plus::SnapshotMap<&str, Uint128> =
            cw_storage_plus::SnapshotMap::new("s", "s__checkpoints", "s__changelog", Every::EveryBlock);
        let theirs_item: cw_storage_plus::SnapshotItem<Uint128> =
            cw_storage_plus::SnapshotItem::new("t", "t__checkpoints", "t__changelog", Every::EveryBlock);
        let keys = ["a", "b", "c"];
        let mut ours = MockStorage::new();
        let mut theirs = MockStorage::new();
        let mut total = Uint128::zero();
        for w in &steps {
            let value = Uint128::new(w.value);
            let key = keys[w.key as usize];
            ours_map.save(&mut ours, key, &value, w.height).unwrap();
            theirs_map.save(&mut theirs, key, &value, w.height).unwrap();
            total = total.wrapping_add(value);
            ours_item.save(&mut ours, &total, w.height).unwrap();
            theirs_item.save(&mut theirs, &total, w.height).unwrap();
        }
        let dump = |s: &MockStorage| -> Vec<(Vec<u8>, Vec<u8>)> {
            cosmwasm_std::Storage::range(s, None, None, cosmwasm_std::Order::Ascending).collect()
        };
        prop_assert_eq!(dump(&ours), dump(&theirs));
        let last = steps.last().unwrap().height;
        for height in 0..=last + 1 {
            for store in [&ours, &theirs] {
                for key in keys {
                    let a: StdResult<Option<Uint128>> = ours_map.may_load_at_height(store, key, height);
                    let b = theirs_map.may_load_at_height(store, key, height);
                    prop_assert_eq!(a.unwrap(), b.unwrap());
                }
                let a = ours_item.may_load_at_height(store, height).unwrap();
                let b = theirs_item.may_load_at_height(store, height).unwrap();
                prop_assert_eq!(a, b);
            }
        }
        for key in keys {
            prop_assert_eq!(ours_map.may_load(&ours, key).unwrap(), theirs_map.may_load(&theirs, key).unwrap());
        }
        prop_assert_eq!(ours_item.may_load(&ours).unwrap(), theirs_item.may_load(&theirs).unwrap());
    }
}

#[test]
fn claims_share_cw_controllers_layout() {
    let mut storage = MockStorage::new();
    let theirs = Claims::new("claims");
    let ours: Map<&Addr, Vec<Claim>> = Map::new("claims");
    let owner = Addr::unchecked("owner");
    let env = mock_env();
    theirs
        .create_claim(
            &mut storage,
            &owner,
            Uint128::new(5),
            Expiration::AtHeight(env.block.height),
        )
        .unwrap();
    let mut claims = ours.load(&storage, &owner).unwrap();
    assert_eq!(
        claims,
        vec![Claim::new(5, Expiration::AtHeight(env.block.height))]
    );
    claims.push(Claim::new(7, Expiration::AtHeight(env.block.height + 1)));
    ours.save(&mut storage, &owner, &claims).unwrap();
    let paid = theirs
        .claim_tokens(&mut storage, &owner, &env.block, None)
        .unwrap();
    assert_eq!(paid, Uint128::new(5));
    assert_eq!(
        ours.load(&storage, &owner).unwrap(),
        vec![Claim::new(7, Expiration::AtHeight(env.block.height + 1))]
    );
}
