//! The 207 multi-status answer of `PUT /tolerances-batch`, and which sent row each item is
//! about. The rule that matters: a row counts as saved only when an item with its key says
//! 200 or 201. No item, an unreadable item or a body-level error never reads as saved.

use rustc_hash::FxHashMap;

use serde::{Deserialize, Serialize};

use crate::core::envelope::{BodyError, ProblemDetails};

#[path = "multistatus_read.rs"]
mod read;

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

    /// This refusal, about a row an earlier try may have saved: the refusal proves only that
    /// this try was not applied, so the row is unconfirmed, not "not applied".
    pub fn earlier_try_may_have_saved(self) -> Self {
        RowOutcome {
            kind: OutcomeKind::Unconfirmed,
            message: format!("{} (an earlier try may have saved it)", self.message),
            ..self
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
    read::read_batch_answer(body)
}

/// Marks a key whose every sent row has had its item.
const ALL_ANSWERED: usize = usize::MAX;

/// Applies the answer to the rows sent, identified by their keys in the order sent.
pub fn match_answer(sent_keys: &[i32], answer: &BatchAnswer) -> Matched {
    let activity = || answer.activity_id.clone();
    let Some(items) = &answer.items else {
        // `data: null`: the error, if any, speaks for the whole batch.
        let rows = match &answer.error {
            // The server failed while carrying the batch out: some of it may be applied.
            Some(error) if error.status.is_some_and(|s| s >= 500 && s != 503) => {
                let message = error.summary().unwrap_or("The server failed on the batch.");
                let outcome = RowOutcome {
                    status: error.status,
                    ..RowOutcome::unconfirmed(message, activity())
                };
                vec![outcome; sent_keys.len()]
            }
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
    let mut first_waiting: FxHashMap<i32, usize> =
        FxHashMap::with_capacity_and_hasher(sent_keys.len(), Default::default());
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
pub(super) mod tests {
    use super::*;
    use crate::core::envelope::{envelope_from_value, value_as_text, value_as_u16};
    use serde_json::Value;

    /// The reader as it was, through a `serde_json::Value` tree: the reference the direct
    /// reader must agree with.
    pub(super) fn reference_parse(body: &str) -> Result<BatchAnswer, BodyError> {
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
            parse_batch_answer(r#"[{"id":[{"key":"tolerance_Key","value":1}],"status":201}]"#)
                .unwrap();
        assert_eq!(kinds(&match_answer(&[1], &bare)), [OutcomeKind::Created]);
    }
}

/// The direct reader against the reference, on shapes written by hand and generated.
#[cfg(test)]
mod read_tests {
    use super::tests::reference_parse;
    use super::*;

    /// Both readers agree on `body`; answers what they read.
    fn same(body: &str) -> Result<BatchAnswer, BodyError> {
        let direct = parse_batch_answer(body);
        let reference = reference_parse(body);
        match (&direct, &reference) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "{body}"),
            (Err(a), Err(b)) => assert_eq!(a.reason.is_empty(), b.reason.is_empty(), "{body}"),
            _ => panic!("{body}: direct {direct:?}, reference {reference:?}"),
        }
        direct
    }

    #[test]
    fn odd_shapes_read_as_the_tree_reader_read_them() {
        let items = [
            r#"{"id":[{"key":" TOLERANCE_key ","value":"12"}],"status":" 201 ","body":"Cr\u00e9\"ated\""}"#,
            r#"{"id":[{"value":7}],"status":200}"#,
            r#"{"id":[{"key":null,"value":-3}],"status":-1,"body":5}"#,
            r#"{"id":[{"key":"other","value":1},{"key":"tolerance_Key","value":2.0}],"body":true}"#,
            r#"{"id":[{"key":"other","value":1}],"status":200.0}"#,
            r#"{"id":[{"value":1},{"value":2}],"status":70000}"#,
            r#"{"id":[5],"status":[200],"body":{"a":1}}"#,
            r#"{"id":{"key":"tolerance_Key","value":1},"status":null,"body":null}"#,
            r#"{"id":[{"key":"tolerance_Key","value":2.5}]}"#,
            r#"{"id":[{"key":"tolerance_Key","value":1e3}]}"#,
            r#"{"id":[{"key":"tolerance_Key","value":99999999999}]}"#,
            r#"{"id":[{"key":"tolerance_Key","value":{"x":[1,2]}}],"extra":[{"y":null}]}"#,
            r#"{"id":[{"key":"tolerance_Key","value":1,"value":2}],"status":400,"status":200}"#,
            r#"[1,2]"#,
            r#""junk""#,
            r#"null"#,
            r#"17"#,
        ];
        let answer = same(&format!(
            r#"{{"data":[{}],"error":null,"debug":{{"activityID":"A:1"}}}}"#,
            items.join(",")
        ))
        .unwrap();
        let read = answer.items.unwrap();
        assert_eq!(read.len(), items.len());
        assert_eq!((read[0].key, read[0].status), (Some(12), Some(201)));
        assert_eq!(read[0].body, "Cré\"ated\"");
        assert_eq!(
            (read[1].key, read[2].key, read[2].body.as_str()),
            (Some(7), Some(-3), "5")
        );
        assert_eq!((read[3].key, read[3].key_text.as_str()), (Some(2), "2.0"));
        assert_eq!((read[4].key, read[5].key), (None, None));
        assert_eq!((read[12].key, read[12].status), (Some(2), Some(200)));
        assert_eq!(answer.activity_id.as_deref(), Some("A:1"));
    }

    #[test]
    fn envelopes_lists_and_bodies_that_are_neither_read_as_before() {
        let bodies = [
            "\u{feff}[{\"id\":[{\"key\":\"tolerance_Key\",\"value\":1}],\"status\":201}]",
            r#"{"data":null,"error":{"title":"Bad","status":"400","detail":7},"debug":{"activityId":3}}"#,
            r#"{"data":{"id":1},"error":"boom","debug":[1]}"#,
            r#"{"data":"text","debug":{"activityID":true,"activityId":"x"}}"#,
            r#"{"data":[],"data":null}"#,
            r#"{}"#,
            r#"[]"#,
            "42",
            r#""text""#,
            "true",
            "null",
            "Bad gateway",
            r#"{"data":[1,}"#,
            r#"{"data":[]} trailing"#,
            "",
        ];
        for body in bodies {
            let _ = same(body);
        }
        assert!(parse_batch_answer("null").is_err());
        let error = parse_batch_answer(bodies[1]).unwrap().error.unwrap();
        assert_eq!((error.status, error.summary()), (Some(400), Some("7")));
    }

    #[test]
    fn the_fixtures_read_as_before() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/vbapi/fixtures");
        for name in [
            "batch-207-mixed.json",
            "batch-207-loose-ids.json",
            "batch-207-data-null.json",
        ] {
            let body = std::fs::read_to_string(dir.join(name)).unwrap();
            assert!(same(&body).is_ok(), "{name}");
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    mod generated {
        use proptest::prelude::*;
        use serde_json::{Value, json};

        use super::same;

        fn scalar() -> impl Strategy<Value = Value> {
            prop_oneof![
                Just(Value::Null),
                any::<bool>().prop_map(Value::from),
                any::<i64>().prop_map(Value::from),
                any::<u64>().prop_map(Value::from),
                (-100_000i32..100_000).prop_map(Value::from),
                (-1e6f64..1e6).prop_map(Value::from),
                (-1000i32..1000).prop_map(|n| Value::from(f64::from(n))),
                prop::sample::select(vec![
                    "tolerance_Key",
                    " Tolerance_KEY ",
                    "key",
                    "",
                    " 7 ",
                    "7.0",
                    "-12",
                    "abc",
                    "Updated",
                    "é\"\\\n\t",
                    "201",
                    "99999999999",
                ])
                .prop_map(Value::from),
                "[ -~]{0,6}".prop_map(Value::from),
            ]
        }

        fn any_value() -> impl Strategy<Value = Value> {
            scalar().prop_recursive(2, 8, 3, |inner| {
                prop_oneof![
                    prop::collection::vec(inner.clone(), 0..3).prop_map(Value::from),
                    prop::collection::btree_map("[a-z]{1,3}", inner, 0..3)
                        .prop_map(|m| Value::Object(m.into_iter().collect())),
                ]
            })
        }

        /// An object with some of `fields`, each from its strategy, plus a stray field.
        fn object(
            fields: Vec<(&'static str, BoxedStrategy<Value>)>,
        ) -> impl Strategy<Value = Value> {
            let parts: Vec<_> = fields
                .into_iter()
                .map(|(name, values)| prop::option::of(values).prop_map(move |v| (name, v)))
                .collect();
            (parts, prop::option::of(any_value())).prop_map(|(parts, extra)| {
                let mut map = serde_json::Map::new();
                for (name, value) in parts {
                    if let Some(value) = value {
                        map.insert(name.to_string(), value);
                    }
                }
                if let Some(extra) = extra {
                    map.insert("extra".into(), extra);
                }
                Value::Object(map)
            })
        }

        fn id_part() -> impl Strategy<Value = Value> {
            prop_oneof![
                4 => object(vec![("key", scalar().boxed()), ("value", any_value().boxed())]),
                1 => any_value(),
            ]
        }

        fn item() -> impl Strategy<Value = Value> {
            let ids = prop_oneof![
                4 => prop::collection::vec(id_part(), 0..4).prop_map(Value::from),
                1 => any_value(),
            ];
            prop_oneof![
                6 => object(vec![
                    ("id", ids.boxed()),
                    ("status", any_value().boxed()),
                    ("body", any_value().boxed()),
                ]),
                1 => any_value(),
            ]
        }

        fn body() -> impl Strategy<Value = String> {
            let data = prop_oneof![
                5 => prop::collection::vec(item(), 0..6).prop_map(Value::from),
                1 => any_value(),
            ];
            let envelope = object(vec![
                ("data", data.boxed()),
                ("error", any_value().boxed()),
                (
                    "debug",
                    prop_oneof![any_value(), scalar().prop_map(|a| json!({"activityID": a}))]
                        .boxed(),
                ),
            ]);
            let top = prop_oneof![
                4 => envelope,
                1 => prop::collection::vec(item(), 0..4).prop_map(Value::from),
                1 => any_value(),
            ];
            (top, any::<bool>())
                .prop_map(|(top, bom)| format!("{}{}", if bom { "\u{feff}" } else { "" }, top))
        }

        proptest! {
            #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::with_cases(400) })]

            #[test]
            fn any_answer_reads_as_the_tree_reader_reads_it(body in body()) {
                let _ = same(&body);
            }
        }
    }
}
