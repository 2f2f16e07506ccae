//! `#[derive(FromJson)]` and `#[derive(ToJson)]` against serde's derives on the shapes the
//! suite uses.

use cosmwasm_std::{from_json, Uint128};
use serde::{Deserialize, Serialize};
use tranche_perps_json::{from_slice, FromJson, ToJson};

fn seven() -> u32 {
    7
}

#[derive(Serialize, Deserialize, FromJson, ToJson, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
struct Strict {
    amount: Uint128,
    note: Option<String>,
    #[serde(default)]
    count: u64,
    #[serde(default = "seven")]
    weight: u32,
    #[serde(rename = "type")]
    kind: String,
}

#[derive(Serialize, Deserialize, FromJson, ToJson, Debug, PartialEq)]
struct Lenient {
    flag: bool,
}

#[derive(Serialize, Deserialize, FromJson, ToJson, Debug, PartialEq)]
struct Wrapper(Uint128);

#[derive(Serialize, Deserialize, FromJson, ToJson, Debug, PartialEq)]
struct Empty {}

#[derive(Serialize, Deserialize, FromJson, ToJson, Debug, PartialEq)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum Msg {
    Unit,
    NewType(Wrapper),
    LongerVariantName { strict: Strict, list: Vec<Lenient> },
    NoFields {},
}

fn agree<T>(text: &str)
where
    T: serde::de::DeserializeOwned + FromJson + PartialEq + std::fmt::Debug,
{
    let ours = from_slice::<T>(text.as_bytes());
    let serde = from_json::<T>(text.as_bytes());
    match (&ours, &serde) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "{text}"),
        (Err(_), Err(_)) => {}
        _ => panic!("decoders disagree on {text}: ours {ours:?}, serde {serde:?}"),
    }
}

#[test]
fn derived_decoders_agree_with_serde() {
    let strict = r#"{"amount":"5","note":null,"type":"k"}"#;
    assert_eq!(
        from_slice::<Strict>(strict.as_bytes()).unwrap(),
        Strict {
            amount: Uint128::new(5),
            note: None,
            count: 0,
            weight: 7,
            kind: "k".into(),
        }
    );
    for text in [
        strict,
        r#"{"amount":"5","type":"k","count":3,"weight":2,"note":"n"}"#,
        r#"{"amount":"5","type":"k","extra":1}"#,
        r#"{"amount":"5"}"#,
        r#"{"amount":"5","type":"k","count":null}"#,
        r#"{"amount":"5","type":"k","amount":"6"}"#,
        r#"{"amount":5,"type":"k"}"#,
        r#"[]"#,
    ] {
        agree::<Strict>(text);
    }
    for text in [
        r#"{"flag":true,"extra":[1,{"x":null}]}"#,
        r#"{"flag":1}"#,
        "{}",
    ] {
        agree::<Lenient>(text);
    }
    for text in [r#""9""#, "9", r#"["9"]"#] {
        agree::<Wrapper>(text);
    }
    for text in ["{}", r#"{"a":1}"#, "null"] {
        agree::<Empty>(text);
    }
    for text in [
        r#""unit""#,
        r#""Unit""#,
        r#"{"new_type":"3"}"#,
        r#"{"new_type":3}"#,
        r#""new_type""#,
        r#"{"longer_variant_name":{"strict":{"amount":"1","type":"t"},"list":[{"flag":false}]}}"#,
        r#"{"longer_variant_name":{"strict":{"amount":"1","type":"t"}}}"#,
        r#"{"longer_variant_name":{"strict":{"amount":"1","type":"t"},"list":[],"x":0}}"#,
        r#"{"no_fields":{}}"#,
        r#"{"no_fields":{"a":1}}"#,
        r#""no_fields""#,
        r#"{"unknown":{}}"#,
        r#"{"unit":{},"new_type":"1"}"#,
        r#"{}"#,
    ] {
        agree::<Msg>(text);
    }
}

/// Fields named like the locals a derive might generate.
#[derive(Serialize, Deserialize, FromJson, ToJson, Debug, PartialEq)]
#[serde(rename_all = "snake_case")]
enum Shadowing {
    Fields { out: u32, value: bool, obj: String },
    Value(bool),
}

/// `value`'s ToJson bytes, which must be serde-json-wasm's.
fn encodes_as_serde<T: Serialize + ToJson>(value: &T) -> String {
    let mut ours = Vec::new();
    value.write_json(&mut ours);
    let serde = cosmwasm_std::to_json_vec(value).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&ours),
        String::from_utf8_lossy(&serde)
    );
    String::from_utf8(ours).unwrap()
}

#[test]
fn derived_encoders_write_what_serde_writes() {
    let strict = Strict {
        amount: Uint128::new(5),
        note: Some("a \"quoted\" \\ note\n\u{1}\u{7f}\u{e9}".into()),
        count: u64::MAX,
        weight: 0,
        kind: "k".into(),
    };
    assert_eq!(
        encodes_as_serde(&strict),
        r#"{"amount":"5","note":"a \"quoted\" \\ note\n\u0001\u{7f}é","count":18446744073709551615,"weight":0,"type":"k"}"#
            .replace("\\u{7f}", "\u{7f}")
    );
    encodes_as_serde(&Strict {
        note: None,
        ..strict
    });
    encodes_as_serde(&Lenient { flag: false });
    assert_eq!(
        encodes_as_serde(&Wrapper(Uint128::MAX)),
        format!("\"{}\"", u128::MAX)
    );
    assert_eq!(encodes_as_serde(&Empty {}), "{}");
    assert_eq!(encodes_as_serde(&Msg::Unit), r#""unit""#);
    assert_eq!(
        encodes_as_serde(&Msg::NewType(Wrapper(Uint128::zero()))),
        r#"{"new_type":"0"}"#
    );
    encodes_as_serde(&Msg::LongerVariantName {
        strict: Strict {
            amount: Uint128::new(1),
            note: None,
            count: 1,
            weight: 2,
            kind: String::new(),
        },
        list: vec![Lenient { flag: true }, Lenient { flag: false }],
    });
    encodes_as_serde(&Msg::LongerVariantName {
        strict: Strict {
            amount: Uint128::new(1),
            note: None,
            count: 1,
            weight: 2,
            kind: String::new(),
        },
        list: vec![],
    });
    assert_eq!(encodes_as_serde(&Msg::NoFields {}), r#"{"no_fields":{}}"#);
    let shadowing = Shadowing::Fields {
        out: 1,
        value: true,
        obj: "o".into(),
    };
    let text = encodes_as_serde(&shadowing);
    assert_eq!(text, r#"{"fields":{"out":1,"value":true,"obj":"o"}}"#);
    assert_eq!(from_slice::<Shadowing>(text.as_bytes()).unwrap(), shadowing);
    assert_eq!(
        encodes_as_serde(&Shadowing::Value(false)),
        r#"{"value":false}"#
    );
}
