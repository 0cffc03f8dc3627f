use super::*;
use crate::core::envelope::{envelope_from_value, value_as_text, value_as_u16};
use serde_json::Value;

/// The reader as it was, through a `serde_json::Value` tree: the reference the direct
/// reader must agree with.
pub(crate) fn reference_parse(body: &str) -> Result<BatchAnswer, BodyError> {
    let value: Value = serde_json::from_str(body.trim_start_matches('\u{feff}'))
        .map_err(|err| BodyError::new(format!("not JSON: {err}"), body))?;
    if !value.is_object() && !value.is_array() {
        return Err(BodyError::new("neither an envelope nor a list", body));
    }
    let envelope = envelope_from_value(value);
    let items = match &envelope.data {
        Value::Array(items) => Some(items.iter().map(read_item).collect()),
        _ => None,
    };
    Ok(BatchAnswer {
        items,
        error: envelope.error,
        activity_id: envelope.activity_id,
    })
}

fn read_item(item: &Value) -> BatchItem {
    let ids = item
        .get("id")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    let named = ids.iter().find(|id| {
        id.get("key")
            .and_then(Value::as_str)
            .is_some_and(|k| k.trim().eq_ignore_ascii_case(KEY_NAME))
    });
    // A lone id with no name is taken as the key: the entity has only one.
    let id = named.or(match ids {
        [only] if only.get("key").is_none_or(Value::is_null) => Some(only),
        _ => None,
    });
    let value = id.and_then(|id| id.get("value"));
    BatchItem {
        key: value.and_then(key_from_value),
        key_text: value.and_then(value_as_text).unwrap_or_default(),
        status: item.get("status").and_then(value_as_u16),
        body: item.get("body").and_then(value_as_text).unwrap_or_default(),
    }
}

fn key_from_value(value: &Value) -> Option<i32> {
    match value {
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
            .and_then(|n| i32::try_from(n).ok()),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn answer(data: &str) -> BatchAnswer {
    parse_batch_answer(&format!(
        r#"{{"data":{data},"error":null,"debug":{{"activityID":"X"}}}}"#
    ))
    .unwrap()
}

fn kinds(matched: &Matched) -> Vec<OutcomeKind> {
    matched.rows.iter().map(|r| r.kind).collect()
}

#[test]
fn a_key_sent_twice_is_matched_in_order() {
    let a = answer(
        r#"[{"id":[{"key":"tolerance_Key","value":5}],"status":400,"body":"first"},
            {"id":[{"key":"tolerance_Key","value":5}],"status":200,"body":"second"}]"#,
    );
    let matched = match_answer(&[5, 6, 5], &a);
    assert_eq!(
        kinds(&matched),
        [
            OutcomeKind::Failed,
            OutcomeKind::Unconfirmed,
            OutcomeKind::Updated
        ]
    );
    assert_eq!(matched.rows[0].message, "first");
    assert_eq!(matched.rows[2].activity_id.as_deref(), Some("X"));
}

#[test]
fn a_third_item_for_a_key_sent_twice_is_a_stray() {
    let item = r#"{"id":[{"key":"tolerance_Key","value":5}],"status":200,"body":"ok"}"#;
    let a = answer(&format!("[{item},{item},{item}]"));
    let matched = match_answer(&[5, 5], &a);
    assert_eq!(
        kinds(&matched),
        [OutcomeKind::Updated, OutcomeKind::Updated]
    );
    assert_eq!(matched.strays.len(), 1);
    assert_eq!(matched.strays[0].reason, StrayReason::NotSent);
}

#[test]
fn unreadable_items_are_strays_and_never_save_anything() {
    let a = answer(
        r#"[{"id":[],"status":200,"body":"Updated"},
            {"id":[{"key":"tolerance_Key","value":"abc"}],"status":201},
            {"id":[{"key":null,"value":" 7 "}],"status":"201"},
            {"id":[{"key":"tolerance_Key","value":8.0}],"status":204},
            {"id":[{"key":"tolerance_Key","value":9}]},
            "junk"]"#,
    );
    let matched = match_answer(&[1, 7, 8, 9], &a);
    assert_eq!(
        kinds(&matched),
        [
            OutcomeKind::Unconfirmed,
            OutcomeKind::Created,
            OutcomeKind::Unconfirmed,
            OutcomeKind::Unconfirmed
        ]
    );
    assert_eq!(matched.rows[1].message, "Created");
    assert_eq!(matched.strays.len(), 3);
    assert!(
        matched
            .strays
            .iter()
            .all(|s| s.reason == StrayReason::NoKey)
    );
    assert_eq!(matched.strays[1].item.key_text, "abc");
}

#[test]
fn data_null_without_error_leaves_rows_unconfirmed_and_non_json_is_an_error() {
    let a = answer("null");
    let matched = match_answer(&[1, 2], &a);
    assert_eq!(kinds(&matched), [OutcomeKind::Unconfirmed; 2]);
    let failed_on_it = r#"{"data":null,"error":{"title":"Boom","status":500}}"#;
    let matched = match_answer(&[1], &parse_batch_answer(failed_on_it).unwrap());
    assert_eq!(kinds(&matched), [OutcomeKind::Unconfirmed]);
    assert_eq!(matched.rows[0].status, Some(500));
    assert!(parse_batch_answer("Bad gateway").is_err());
    assert!(parse_batch_answer("42").is_err());
    let bare =
        parse_batch_answer(r#"[{"id":[{"key":"tolerance_Key","value":1}],"status":201}]"#).unwrap();
    assert_eq!(kinds(&match_answer(&[1], &bare)), [OutcomeKind::Created]);
}
