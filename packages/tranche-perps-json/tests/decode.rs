//! The decoder against serde: cosmwasm-std's entry and query-answer types, strings and numbers
//! (property tests), the parser's grammar, and the storage and query helpers against
//! cw-storage-plus and `QuerierWrapper`.

use cosmwasm_std::testing::{message_info, mock_env, MockQuerier, MockStorage};
use cosmwasm_std::{
    coins, from_json, to_json_binary, to_json_vec, Addr, Attribute, Binary, ContractResult,
    Decimal, Empty, Env, Event, MessageInfo, MsgResponse, QuerierWrapper, Reply, StdError,
    SubMsgResponse, SubMsgResult, SystemError, SystemResult, Timestamp, Uint128, WasmQuery,
};
use proptest::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use tranche_perps_json::storage::{Item, Map};
use tranche_perps_json::{from_slice, query_wasm_smart, FromJson, Json};

/// serde's encoding of `value` decodes to `value`.
fn round_trip<T>(value: &T)
where
    T: Serialize + DeserializeOwned + FromJson + PartialEq + std::fmt::Debug,
{
    let bytes = to_json_vec(value).unwrap();
    assert_eq!(
        &from_slice::<T>(&bytes).unwrap(),
        value,
        "{}",
        String::from_utf8_lossy(&bytes)
    );
}

/// Both decoders accept `text` with the same result, or both refuse it.
fn agree<T>(text: &str)
where
    T: DeserializeOwned + FromJson + PartialEq + std::fmt::Debug,
{
    let ours = from_slice::<T>(text.as_bytes());
    let serde = from_json::<T>(text.as_bytes());
    match (ours, serde) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "{text}"),
        (Err(_), Err(_)) => {}
        (a, b) => panic!("decoders disagree on {text}: ours {a:?}, serde {b:?}"),
    }
}

#[test]
fn entry_types_decode_as_serde_encodes_them() {
    let mut env: Env = mock_env();
    round_trip(&env);
    env.transaction = None;
    round_trip(&env);
    let info: MessageInfo = message_info(
        &Addr::unchecked("sender"),
        &[coins(5, "uusdc"), coins(7, "uatom")].concat(),
    );
    round_trip(&info);
    round_trip(&message_info(&Addr::unchecked("sender"), &[]));

    #[allow(deprecated)]
    let ok = Reply {
        id: 7,
        payload: Binary::from(b"context".to_vec()),
        gas_used: 1234,
        result: SubMsgResult::Ok(SubMsgResponse {
            events: vec![Event::new("wasm").add_attributes(vec![
                Attribute::new("action", "cover"),
                Attribute::new("quote \" and \\ and \u{e9}", "line\nbreak"),
            ])],
            data: Some(Binary::from(vec![1, 2, 3])),
            msg_responses: vec![MsgResponse {
                type_url: "/cosmwasm.wasm.v1.MsgExecuteContractResponse".into(),
                value: Binary::from(vec![10, 3, 1, 2, 3]),
            }],
        }),
    };
    round_trip(&ok);
    round_trip(&Reply {
        id: 1,
        payload: Binary::default(),
        gas_used: 0,
        result: SubMsgResult::Err("out of gas".into()),
    });
    // Fields older chains leave out take serde's defaults.
    agree::<Reply>(r#"{"id":3,"result":{"ok":{"events":[],"data":null}}}"#);
    agree::<Reply>(r#"{"id":3,"result":{"error":"x"},"unknown":1}"#);
}

#[test]
fn query_answers_decode_as_serde_encodes_them() {
    let answers: Vec<SystemResult<ContractResult<Binary>>> = vec![
        SystemResult::Ok(ContractResult::Ok(Binary::from(b"{\"a\":1}".to_vec()))),
        SystemResult::Ok(ContractResult::Err("contract says no".into())),
        SystemResult::Err(SystemError::InvalidRequest {
            error: "bad".into(),
            request: Binary::from(b"req".to_vec()),
        }),
        SystemResult::Err(SystemError::InvalidResponse {
            error: "bad".into(),
            response: Binary::from(b"resp".to_vec()),
        }),
        SystemResult::Err(SystemError::NoSuchContract {
            addr: "nobody".into(),
        }),
        SystemResult::Err(SystemError::NoSuchCode { code_id: 9 }),
        SystemResult::Err(SystemError::Unknown {}),
        SystemResult::Err(SystemError::UnsupportedRequest {
            kind: "stargate".into(),
        }),
    ];
    for answer in &answers {
        round_trip(answer);
    }
}

#[test]
fn malformed_and_edge_inputs_get_the_same_verdict_as_serde() {
    for text in [
        r#"{"sender":"a","funds":[]}"#,
        r#" { "sender" : "a" , "funds" : [ { "denom" : "u" , "amount" : "1" } ] } "#,
        r#"{"sender":"a","funds":[{"denom":"u","amount":1}]}"#,
        r#"{"sender":"a","funds":[{"denom":"u","amount":"-1"}]}"#,
        r#"{"sender":"a","funds":[{"denom":"u","amount":"1.5"}]}"#,
        r#"{"sender":"a","funds":[{"denom":"u","amount":"340282366920938463463374607431768211456"}]}"#,
        r#"{"sender":"a"}"#,
        r#"{"sender":"a","funds":[],"sender":"b"}"#,
        r#"{"sender":"a","funds":[]} x"#,
        r#"{"sender":"a","funds":[],}"#,
        r#"{"sender":"\u00e9\ud83d\ude00","funds":[]}"#,
        r#"{"sender":"\ud83d","funds":[]}"#,
        r#"{"sender":"tab	inside","funds":[]}"#,
        r#"{"sender":"a\/b\"c\\d\b\f\n\r\t","funds":[]}"#,
        r#"{"sender":"a\x","funds":[]}"#,
        r#"{"sender":"a","funds":null}"#,
        r#"{"sender":"a","funds":{}}"#,
        r#"["a",[]]"#,
        "",
        "nul",
        "{",
    ] {
        agree::<MessageInfo>(text);
    }
    for text in [
        "0",
        "7",
        "4294967295",
        "4294967296",
        "-1",
        "01",
        "1.0",
        "1e3",
        "\"1\"",
        "null",
        "true",
    ] {
        agree::<u32>(text);
    }
    for text in [
        "\"0.5\"",
        "\"1\"",
        "\"1.000000000000000001\"",
        "\"x\"",
        "0.5",
    ] {
        agree::<Decimal>(text);
    }
    for text in ["\"1000\"", "\"18446744073709551616\"", "1000"] {
        agree::<Timestamp>(text);
    }
}

#[test]
fn parser_follows_the_json_grammar() {
    let ok = |text: &str| tranche_perps_json::from_slice::<JsonProbe>(text.as_bytes()).is_ok();
    for good in [
        "null",
        "true",
        "false",
        "0",
        "-0",
        "12",
        "-12.5e+3",
        "1E-2",
        "\"\"",
        "\"\\u0041\"",
        "[]",
        "[1, [2, []]]",
        "{}",
        "{\"a\":{\"b\":[null]}}",
        " \n\t\r1 ",
    ] {
        assert!(ok(good), "{good} refused");
    }
    for bad in [
        "",
        " ",
        "nulls",
        "tru",
        "01",
        "-",
        "1.",
        ".5",
        "1e",
        "+1",
        "[1,]",
        "[1 2]",
        "{\"a\"}",
        "{\"a\":1,}",
        "{a:1}",
        "\"unterminated",
        "\"\\u12\"",
        "\"\\ud800\"",
        "\"\\udc00\"",
        "[1]]",
    ] {
        assert!(!ok(bad), "{bad:?} accepted");
    }
    let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
    assert!(ok(&deep(64)));
    assert!(!ok(&deep(65)));
}

/// Any JSON value.
#[derive(Debug)]
struct JsonProbe;

impl FromJson for JsonProbe {
    fn from_json(_: &Json<'_>) -> Result<Self, tranche_perps_json::Error> {
        Ok(JsonProbe)
    }
}

proptest! {
    #[test]
    fn strings_decode_as_serde_encodes_them(s in any::<String>()) {
        round_trip(&s);
        round_trip(&Addr::unchecked(s));
    }

    #[test]
    fn numbers_decode_as_serde_encodes_them(a in any::<u64>(), b in any::<u128>(), c in any::<u16>()) {
        round_trip(&a);
        round_trip(&Uint128::new(b));
        round_trip(&c);
        round_trip(&Timestamp::from_nanos(a));
        round_trip(&Decimal::new(Uint128::new(b)));
    }

    #[test]
    fn binaries_decode_as_serde_encodes_them(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        round_trip(&Binary::from(bytes));
    }
}

#[test]
fn storage_is_interchangeable_with_cw_storage_plus() {
    let mut storage = MockStorage::new();
    let ours: Item<Vec<Uint128>> = Item::new("values");
    let theirs: cw_storage_plus::Item<Vec<Uint128>> = cw_storage_plus::Item::new("values");
    assert_eq!(ours.may_load(&storage).unwrap(), None);
    assert_eq!(ours.load(&storage), theirs.load(&storage));
    let value = vec![Uint128::new(1), Uint128::new(2)];
    theirs.save(&mut storage, &value).unwrap();
    assert_eq!(ours.load(&storage).unwrap(), value);
    let updated = ours
        .update(&mut storage, |mut v| -> Result<_, StdError> {
            v.push(Uint128::new(3));
            Ok(v)
        })
        .unwrap();
    assert_eq!(theirs.load(&storage).unwrap(), updated);
    ours.remove(&mut storage);
    assert!(!theirs.exists(&storage));

    let ours: Map<(&str, u64), Uint128> = Map::new("pairs");
    let theirs: cw_storage_plus::Map<(&str, u64), Uint128> = cw_storage_plus::Map::new("pairs");
    assert_eq!(
        ours.load(&storage, ("a", 1)),
        theirs.load(&storage, ("a", 1))
    );
    theirs
        .save(&mut storage, ("a", 1), &Uint128::new(5))
        .unwrap();
    ours.save(&mut storage, ("b", 2), &Uint128::new(6)).unwrap();
    assert_eq!(ours.load(&storage, ("a", 1)).unwrap(), Uint128::new(5));
    assert_eq!(theirs.load(&storage, ("b", 2)).unwrap(), Uint128::new(6));
    assert_eq!(ours.may_load(&storage, ("c", 3)).unwrap(), None);
    let new = ours
        .update(&mut storage, ("a", 1), |v| -> Result<_, StdError> {
            Ok(v.unwrap() + Uint128::new(1))
        })
        .unwrap();
    assert_eq!(theirs.load(&storage, ("a", 1)).unwrap(), new);
    assert_eq!(new, Uint128::new(6));
}

#[test]
fn smart_queries_answer_and_fail_as_the_querier_wrappers() {
    let mut chain = MockQuerier::<Empty>::new(&[]);
    chain.update_wasm(|q| match q {
        WasmQuery::Smart { contract_addr, .. } if contract_addr == "fund" => SystemResult::Ok(
            ContractResult::Ok(to_json_binary(&Uint128::new(42)).unwrap()),
        ),
        WasmQuery::Smart { contract_addr, .. } if contract_addr == "engine" => {
            SystemResult::Ok(ContractResult::Err("halted".into()))
        }
        _ => SystemResult::Err(SystemError::NoSuchContract {
            addr: "gone".into(),
        }),
    });
    let querier = QuerierWrapper::<Empty>::new(&chain);
    for contract in ["fund", "engine", "gone"] {
        let ours = query_wasm_smart::<Uint128>(&querier, contract, &"config");
        let theirs = querier.query_wasm_smart::<Uint128>(contract, &"config");
        assert_eq!(ours, theirs, "{contract}");
    }
    assert_eq!(
        query_wasm_smart::<Uint128>(&querier, "fund", &"config").unwrap(),
        Uint128::new(42)
    );
}

#[test]
fn ranges_and_prefixes_match_cw_storage_plus() {
    use cosmwasm_std::Order;
    use cw_storage_plus::Bound;

    let mut storage = MockStorage::new();
    let ours: Map<(&str, u64), Uint128> = Map::new("pairs");
    let theirs: cw_storage_plus::Map<(&str, u64), Uint128> = cw_storage_plus::Map::new("pairs");
    // A neighbouring namespace that shares a prefix must not leak into the range.
    let other: cw_storage_plus::Map<&str, Uint128> = cw_storage_plus::Map::new("pairs2");
    other.save(&mut storage, "a", &Uint128::new(99)).unwrap();
    for (i, (a, b)) in [
        ("a", 1),
        ("a", 2),
        ("a", 300),
        ("b", 1),
        ("bb", 0),
        ("c", 7),
    ]
    .into_iter()
    .enumerate()
    {
        theirs
            .save(&mut storage, (a, b), &Uint128::new(i as u128))
            .unwrap();
    }
    for order in [Order::Ascending, Order::Descending] {
        for (min, max) in [
            (None, None),
            (Some(Bound::exclusive(("a", 2))), None),
            (
                Some(Bound::inclusive(("a", 2))),
                Some(Bound::exclusive(("bb", 0))),
            ),
            (None, Some(Bound::inclusive(("b", 1)))),
        ] {
            let got: Vec<_> = ours
                .range(&storage, min.clone(), max.clone(), order)
                .collect::<Result<_, _>>()
                .unwrap();
            let want: Vec<_> = theirs
                .range(&storage, min, max, order)
                .collect::<Result<_, _>>()
                .unwrap();
            assert_eq!(got, want);
        }
        for (prefix, min) in [
            ("a", None),
            ("a", Some(Bound::exclusive(1u64))),
            ("b", None),
            ("z", None),
        ] {
            let got: Vec<_> = ours
                .prefix(prefix)
                .range(&storage, min.clone(), None, order)
                .collect::<Result<_, _>>()
                .unwrap();
            let want: Vec<_> = theirs
                .prefix(prefix)
                .range(&storage, min, None, order)
                .collect::<Result<_, _>>()
                .unwrap();
            assert_eq!(got, want, "prefix {prefix}");
        }
    }
    assert_eq!(
        ours.range(&storage, None, None, Order::Ascending).count(),
        6
    );
}

#[test]
fn raw_messages_decode_as_serde_encodes_them() {
    let msg = Binary::from(br#"{"x":{}}"#);
    let messages: Vec<cosmwasm_std::CosmosMsg> = vec![
        cosmwasm_std::BankMsg::Send {
            to_address: "to".into(),
            amount: coins(17, "uusd"),
        }
        .into(),
        cosmwasm_std::BankMsg::Burn { amount: vec![] }.into(),
        cosmwasm_std::CosmosMsg::Custom(Empty {}),
        cosmwasm_std::CosmosMsg::Any(cosmwasm_std::AnyMsg {
            type_url: "/cosmos.bank.v1beta1.MsgSend".into(),
            value: Binary::from(vec![0u8, 1, 255]),
        }),
        cosmwasm_std::WasmMsg::Execute {
            contract_addr: "c".into(),
            msg: msg.clone(),
            funds: coins(1, "a"),
        }
        .into(),
        cosmwasm_std::WasmMsg::Instantiate {
            admin: None,
            code_id: 7,
            msg: msg.clone(),
            funds: vec![],
            label: "l".into(),
        }
        .into(),
        cosmwasm_std::WasmMsg::Instantiate2 {
            admin: Some("admin".into()),
            code_id: u64::MAX,
            label: String::new(),
            msg: msg.clone(),
            funds: vec![],
            salt: Binary::from(b"salt"),
        }
        .into(),
        cosmwasm_std::WasmMsg::Migrate {
            contract_addr: "c".into(),
            new_code_id: 0,
            msg,
        }
        .into(),
        cosmwasm_std::WasmMsg::UpdateAdmin {
            contract_addr: "c".into(),
            admin: "a".into(),
        }
        .into(),
        cosmwasm_std::WasmMsg::ClearAdmin {
            contract_addr: "c".into(),
        }
        .into(),
    ];
    for m in &messages {
        round_trip(m);
    }
    for text in [
        r#"{"bank":{"send":{"to_address":"t","amount":[],"extra":1}}}"#,
        r#"{"bank":{"send":{"to_address":"t"}}}"#,
        r#"{"bank":{"burn":{"amount":[{"denom":"a","amount":"1"}],"amount":[]}}}"#,
        r#"{"bank":"burn"}"#,
        r#"{"bank":{"mint":{"amount":[]}}}"#,
        r#"{"bank":{"burn":{"amount":[]}},"wasm":{}}"#,
        r#"{"custom":{}}"#,
        r#"{"custom":{"x":1}}"#,
        r#"{"custom":null}"#,
        r#"{"any":{"type_url":"/x","value":"AAE="}}"#,
        r#"{"any":{"type_url":"/x","value":"not base64!"}}"#,
        r#"{"wasm":{"execute":{"contract_addr":"c","msg":"e30=","funds":[]}}}"#,
        r#"{"wasm":{"execute":{"contract_addr":"c","msg":"e30="}}}"#,
        r#"{"wasm":{"instantiate":{"code_id":1,"msg":"e30=","funds":[],"label":"l"}}}"#,
        r#"{"wasm":{"instantiate":{"admin":null,"code_id":-1,"msg":"e30=","funds":[],"label":"l"}}}"#,
        r#"{"wasm":{"migrate":{"contract_addr":"c","new_code_id":"1","msg":"e30="}}}"#,
        r#"{"wasm":{"clear_admin":{"contract_addr":"c","admin":"x"}}}"#,
        r#"{"wasm":"clear_admin"}"#,
        r#"{"wasm":{"sudo":{"contract_addr":"c"}}}"#,
        r#"{"staking":{"delegate":{"validator":"v","amount":{"denom":"a","amount":"1"}}}}"#,
        r#"{"teleport":{}}"#,
        r#""bank""#,
        r#"[]"#,
        r#"{}"#,
    ] {
        agree::<cosmwasm_std::CosmosMsg>(text);
    }
}
