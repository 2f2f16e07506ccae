//! The DAO DAO messages `docs/governing.md` shows are the ones `journeys/governors/dao_dao.json`
//! sends on the localnet: the DAO's instantiation, the proposal that accepts the governor roles,
//! a vote and an execution. The journey's templates become the page's placeholders
//! (`{{addr:alice}}` is `<alice>`, a stored code id is `<dao-voting-cw4>` and the like), and a
//! module's or proposal's base64 message is shown decoded, as the page says.

use serde_json::{json, Value};
use tranche_perps_testing::docs::repo_root;

/// `value` as the page shows it.
fn shown(value: &Value) -> Value {
    match value {
        Value::Object(map) if map.len() == 1 && map.contains_key("json_b64") => {
            shown(&map["json_b64"])
        }
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), shown(v))).collect())
        }
        Value::Array(items) => Value::Array(items.iter().map(shown).collect()),
        Value::String(s) if s.starts_with("{{") => {
            let inner = s.trim_start_matches("{{").trim_end_matches("}}");
            let (kind, name) = inner.split_once(':').expect("a template");
            let placeholder = match (kind, name) {
                ("addr" | "contract", name) => name.to_string(),
                ("saved", "core_code") => "dao-dao-core".to_string(),
                ("saved", "voting_code") => "dao-voting-cw4".to_string(),
                ("saved", "group_code") => "cw4-group".to_string(),
                ("saved", "proposal_code") => "dao-proposal-single".to_string(),
                ("saved", "dao_pid_1") => return json!(1),
                _ => panic!("no placeholder for {s}"),
            };
            Value::String(format!("<{placeholder}>"))
        }
        other => other.clone(),
    }
}

fn step<'a>(steps: &'a [Value], name: &str) -> &'a Value {
    &steps
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("journeys/governors/dao_dao.json has no step {name:?}"))["msg"]
}

#[test]
fn docs_show_the_dao_dao_messages_the_journey_sends() {
    let root = repo_root();
    let page = std::fs::read_to_string(root.join("docs/governing.md")).unwrap();
    let journey: Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("journeys/governors/dao_dao.json")).unwrap(),
    )
    .unwrap();
    let steps = journey["steps"].as_array().unwrap();
    let instantiate = steps
        .iter()
        .find(|s| s["as"] == "dao_core")
        .expect("the DAO's instantiation");
    let pretty = [
        ("the DAO's instantiation", &instantiate["msg"]),
        (
            "the acceptance proposal",
            step(
                steps,
                "alice proposes: accept the fund's and the engine's governor roles",
            ),
        ),
    ];
    for (what, msg) in pretty {
        let text = serde_json::to_string_pretty(&shown(msg)).unwrap();
        assert!(
            page.contains(&text),
            "docs/governing.md does not show {what} as the journey sends it:\n{text}"
        );
    }
    let compact = [
        ("a vote", step(steps, "alice votes yes")),
        ("an execution", step(steps, "dave executes it")),
    ];
    for (what, msg) in compact {
        let text = serde_json::to_string(&shown(msg)).unwrap();
        assert!(
            page.contains(&format!("`{text}`")),
            "docs/governing.md does not show {what} as the journey sends it: `{text}`"
        );
    }
}
