//! The 207 multi-status answer of `PUT /tolerances-batch`, and which sent row each item is
//! about. The rule that matters: a row counts as saved only when an item with its key says
//! 200 or 201. No item, an unreadable item or a body-level error never reads as saved.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::core::envelope::{
    BodyError, ProblemDetails, envelope_from_value, value_as_text, value_as_u16,
};

/// The name of the key in an item's `id`; servers vary its case.
const KEY_NAME: &str = "tolerance_Key";

/// One entity operation in the answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchItem {
    /// The key, when the item names one that reads as an int32.
    pub key: Option<i32>,
    /// The key as the server wrote it, for reports when it could not be read.
    pub key_text: String,
    /// The operation's own HTTP status, when readable.
    pub status: Option<u16>,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchAnswer {
    /// `None` when `data` was null (or not a list).
    pub items: Option<Vec<BatchItem>>,
    pub error: Option<ProblemDetails>,
    pub activity_id: Option<String>,
}

/// What became of one sent row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OutcomeKind {
    Created,
    Updated,
    /// The server said no (or the whole request failed): not applied.
    Failed,
    /// No answer about this row: it may or may not have been applied.
    Unconfirmed,
}

impl OutcomeKind {
    pub fn label(self) -> &'static str {
        match self {
            OutcomeKind::Created => "Created",
            OutcomeKind::Updated => "Updated",
            OutcomeKind::Failed => "Failed",
            OutcomeKind::Unconfirmed => "Unconfirmed",
        }
    }

    pub fn is_saved(self) -> bool {
        matches!(self, OutcomeKind::Created | OutcomeKind::Updated)
    }
}

/// A row's outcome as shown in its Outcome cell and exported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowOutcome {
    pub kind: OutcomeKind,
    /// The item's (or the request's) HTTP status, when there was one.
    pub status: Option<u16>,
    pub message: String,
    /// What the user quotes to VBA support.
    pub activity_id: Option<String>,
}

impl RowOutcome {
    pub fn failed(
        status: Option<u16>,
        message: impl Into<String>,
        activity_id: Option<String>,
    ) -> Self {
        RowOutcome {
            kind: OutcomeKind::Failed,
            status,
            message: message.into(),
            activity_id,
        }
    }

    pub fn unconfirmed(message: impl Into<String>, activity_id: Option<String>) -> Self {
        RowOutcome {
            kind: OutcomeKind::Unconfirmed,
            status: None,
            message: message.into(),
            activity_id,
        }
    }
}

/// Why an item could not be applied to a sent row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StrayReason {
    /// Its key was not in the chunk (or was answered more often than it was sent).
    NotSent,
    /// It names no key that reads as a tolerance key.
    NoKey,
}

/// An item reported to the user but applied to no row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StrayItem {
    pub item: BatchItem,
    pub reason: StrayReason,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matched {
    /// One outcome per sent row, in the order sent.
    pub rows: Vec<RowOutcome>,
    pub strays: Vec<StrayItem>,
}

/// Reads a 207 body whatever its Content-Type claimed.
pub fn parse_batch_answer(body: &str) -> Result<BatchAnswer, BodyError> {
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

/// Marks a key whose every sent row has had its item.
const ALL_ANSWERED: usize = usize::MAX;

/// Applies the answer to the rows sent, identified by their keys in the order sent.
pub fn match_answer(sent_keys: &[i32], answer: &BatchAnswer) -> Matched {
    let activity = || answer.activity_id.clone();
    let Some(items) = &answer.items else {
        // `data: null`: the error, if any, speaks for the whole batch.
        let rows = match &answer.error {
            Some(error) => {
                let message = error.summary().unwrap_or("The server refused the batch.");
                let outcome = RowOutcome::failed(error.status, message, activity());
                vec![outcome; sent_keys.len()]
            }
            None => vec![
                RowOutcome::unconfirmed("The server's answer listed no rows.", activity());
                sent_keys.len()
            ],
        };
        return Matched {
            rows,
            strays: Vec::new(),
        };
    };

    // A key sent twice is matched in order: first item to the first row sent. Each key's
    // rows form a chain through `next_same` (no queue allocated per key).
    let mut first_waiting: HashMap<i32, usize> = HashMap::with_capacity(sent_keys.len());
    let mut next_same: Vec<Option<usize>> = vec![None; sent_keys.len()];
    for (row, key) in sent_keys.iter().enumerate().rev() {
        if let Some(later) = first_waiting.insert(*key, row) {
            next_same[row] = Some(later);
        }
    }
    let mut rows: Vec<Option<RowOutcome>> = vec![None; sent_keys.len()];
    let mut strays = Vec::new();
    for item in items {
        let Some(key) = item.key else {
            strays.push(StrayItem {
                item: item.clone(),
                reason: StrayReason::NoKey,
            });
            continue;
        };
        // The key's first row still waiting, which hands its place to the next one.
        let waiting = first_waiting.get_mut(&key).and_then(|first| {
            let row = (*first != ALL_ANSWERED).then_some(*first)?;
            *first = next_same[row].unwrap_or(ALL_ANSWERED);
            Some(row)
        });
        match waiting {
            Some(row) => rows[row] = Some(outcome_of(item, activity())),
            None => strays.push(StrayItem {
                item: item.clone(),
                reason: StrayReason::NotSent,
            }),
        }
    }
    let rows = rows
        .into_iter()
        .map(|outcome| {
            outcome.unwrap_or_else(|| {
                RowOutcome::unconfirmed(
                    "The server did not confirm this row; it may not be saved. Send it again.",
                    activity(),
                )
            })
        })
        .collect();
    Matched { rows, strays }
}

fn outcome_of(item: &BatchItem, activity_id: Option<String>) -> RowOutcome {
    let message = |default: &str| {
        if item.body.trim().is_empty() {
            default.to_string()
        } else {
            item.body.clone()
        }
    };
    let (kind, message) = match item.status {
        Some(200) => (OutcomeKind::Updated, message("Updated")),
        Some(201) => (OutcomeKind::Created, message("Created")),
        Some(status) if status >= 300 => (OutcomeKind::Failed, message("Refused by the server")),
        // Another 2xx, or no status: nothing says it was saved.
        _ => (
            OutcomeKind::Unconfirmed,
            message("The server's answer for this row was not clear"),
        ),
    };
    RowOutcome {
        kind,
        status: item.status,
        message,
        activity_id,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(parse_batch_answer("Bad gateway").is_err());
        assert!(parse_batch_answer("42").is_err());
        let bare =
            parse_batch_answer(r#"[{"id":[{"key":"tolerance_Key","value":1}],"status":201}]"#)
                .unwrap();
        assert_eq!(kinds(&match_answer(&[1], &bare)), [OutcomeKind::Created]);
    }
}
