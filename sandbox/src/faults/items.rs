//! The fault rules that change a 207 answer's items: rows withheld and answered as failures,
//! items left out, invented, or given string ids.

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::Action;

/// A batch row that `fail_items` kept from the store, answered with a failure in its place.
#[derive(Debug, Clone)]
pub struct WithheldRow {
    position: usize,
    id: Value,
    status: u16,
    body: String,
}

/// Takes the rows that `fail_items` names out of a batch body: the body to run instead, and
/// the rows taken. `None` when no rule asks or the body is not a list.
pub fn withhold_rows(body: &[u8], actions: &[Action]) -> Option<(Vec<u8>, Vec<WithheldRow>)> {
    let rules: Vec<(&Vec<i64>, u16, &String)> = actions
        .iter()
        .filter_map(|action| match action {
            Action::FailItems { keys, status, body } => Some((keys, *status, body)),
            _ => None,
        })
        .collect();
    if rules.is_empty() {
        return None;
    }
    let Ok(Value::Array(rows)) = serde_json::from_slice::<Value>(body) else {
        return None;
    };
    let mut kept = Vec::new();
    let mut withheld = Vec::new();
    for (position, row) in rows.into_iter().enumerate() {
        let id = row.get("tolerance_Key").cloned().unwrap_or(Value::Null);
        match rules
            .iter()
            .find(|(keys, _, _)| keys.iter().any(|key| id == *key))
        {
            Some((_, status, body)) => withheld.push(WithheldRow {
                position,
                id,
                status: *status,
                body: (*body).clone(),
            }),
            None => kept.push(row),
        }
    }
    Some((Value::Array(kept).to_string().into_bytes(), withheld))
}

/// Puts the failure items of withheld rows back where their rows were.
pub fn put_back(data: &mut Value, withheld: &[WithheldRow]) {
    let Some(items) = data.as_array_mut() else {
        return;
    };
    for row in withheld {
        let item = json!({
            "id": [{"key": "tolerance_Key", "value": row.id}],
            "status": row.status,
            "body": row.body,
        });
        items.insert(row.position.min(items.len()), item);
    }
}

/// Changes a 207 answer's items as the rules ask.
pub fn rewrite_items(data: &mut Value, actions: &[Action]) {
    let Some(items) = data.as_array_mut() else {
        return;
    };
    for action in actions {
        match action {
            Action::OmitItems { keys } => items.retain(|item| {
                let value = &item["id"][0]["value"];
                !keys.iter().any(|key| value == key)
            }),
            Action::AddItem { key, status, body } => {
                let reason = StatusCode::from_u16(*status)
                    .ok()
                    .and_then(|s| s.canonical_reason())
                    .unwrap_or("Updated");
                let body = body.clone().unwrap_or_else(|| match status {
                    200 => "Updated".into(),
                    201 => "Created".into(),
                    _ => reason.into(),
                });
                items.push(json!({
                    "id": [{"key": "tolerance_Key", "value": key}],
                    "status": status,
                    "body": body,
                }));
            }
            Action::IdsAsStrings => {
                for item in items.iter_mut() {
                    let value = item["id"][0]["value"].clone();
                    let text = match value {
                        Value::String(text) => text,
                        other => other.to_string(),
                    };
                    item["id"] = json!([{"key": "Tolerance_Key", "value": text}]);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::faults::Rules;

    fn actions(text: &str) -> Vec<Action> {
        serde_json::from_str::<Rules>(text)
            .unwrap()
            .into_vec()
            .into_iter()
            .map(|rule| rule.action)
            .collect()
    }

    #[test]
    fn withheld_rows_come_back_as_failures_in_place() {
        let actions = actions(r#"[{"do":"fail_items","keys":[2]}]"#);
        let body = br#"[{"tolerance_Key":1},{"tolerance_Key":2},{"tolerance_Key":3}]"#;
        let (trimmed, withheld) = withhold_rows(body, &actions).unwrap();
        assert_eq!(
            serde_json::from_slice::<Value>(&trimmed).unwrap(),
            json!([{"tolerance_Key":1},{"tolerance_Key":3}])
        );
        let mut data = json!([{"id":[{"key":"tolerance_Key","value":1}]},
                              {"id":[{"key":"tolerance_Key","value":3}]}]);
        put_back(&mut data, &withheld);
        assert_eq!(data[1]["id"][0]["value"], 2);
        assert_eq!(data[1]["status"], 500);
        assert_eq!(data[1]["body"], "Deadlock victim; transaction rolled back");
        assert_eq!(data[2]["id"][0]["value"], 3);
        assert!(withhold_rows(b"[]", &[]).is_none());
    }

    #[test]
    fn items_are_rewritten() {
        let mut data = json!([
            {"id":[{"key":"tolerance_Key","value":1}],"status":200,"body":"Updated"},
            {"id":[{"key":"tolerance_Key","value":3}],"status":201,"body":"Created"}]);
        let actions = actions(
            r#"[{"do":"omit_items","keys":[3]},{"do":"add_item","key":99},{"do":"ids_as_strings"}]"#,
        );
        rewrite_items(&mut data, &actions);
        assert_eq!(
            data,
            json!([
                {"id":[{"key":"Tolerance_Key","value":"1"}],"status":200,"body":"Updated"},
                {"id":[{"key":"Tolerance_Key","value":"99"}],"status":200,"body":"Updated"}])
        );
    }
}
