//! VBAPI's answer envelope: `{ data, error (RFC 7807 problem details), debug.activityID }`.
//! Read leniently: a field of an unexpected type is treated as absent, never as a crash, and
//! a body that is not JSON becomes a [`BodyError`] carrying a short excerpt.

use serde::de::{DeserializeOwned, IgnoredAny};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use thiserror::Error;

use crate::core::lenient::visit_envelope;

/// RFC 7807 problem details, as VBAPI puts them in `error`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProblemDetails {
    pub kind: Option<String>,
    pub title: Option<String>,
    pub status: Option<u16>,
    pub detail: Option<String>,
    pub instance: Option<String>,
}

impl ProblemDetails {
    /// The most telling sentence: the detail, else the title.
    pub fn summary(&self) -> Option<&str> {
        self.detail
            .as_deref()
            .filter(|d| !d.trim().is_empty())
            .or(self.title.as_deref())
    }
}

/// A body that is not what the contract says.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("the server's answer could not be read ({reason}): {excerpt}")]
pub struct BodyError {
    pub reason: String,
    /// The body's first characters, for the log and for support.
    pub excerpt: String,
}

const EXCERPT_CHARS: usize = 120;

impl BodyError {
    pub fn new(reason: impl Into<String>, body: &str) -> Self {
        let mut excerpt: String = body.chars().take(EXCERPT_CHARS).collect();
        if body.chars().nth(EXCERPT_CHARS).is_some() {
            excerpt.push('…');
        }
        BodyError {
            reason: reason.into(),
            excerpt,
        }
    }
}

/// The parts every answer has, whatever its payload.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Envelope {
    /// `data` as sent; `Value::Null` when absent.
    pub data: Value,
    pub error: Option<ProblemDetails>,
    pub activity_id: Option<String>,
}

/// Reads an answer's `error` and `debug.activityID`, skipping its `data`: what
/// [`parse_envelope`] gives but `data`, read without a JSON tree.
pub fn parse_error(body: &str) -> Result<Envelope, BodyError> {
    let (_, envelope): (IgnoredAny, _) = parse_data(body)?;
    Ok(envelope)
}

/// Reads any body as an envelope. A JSON value that is not an object is taken as bare
/// `data` (a gateway may unwrap it).
pub fn parse_envelope(body: &str) -> Result<Envelope, BodyError> {
    let value: Value = serde_json::from_str(body.trim_start_matches('\u{feff}'))
        .map_err(|err| BodyError::new(format!("not JSON: {err}"), body))?;
    Ok(envelope_from_value(value))
}

pub fn envelope_from_value(value: Value) -> Envelope {
    let Value::Object(mut map) = value else {
        return Envelope {
            data: value,
            ..Envelope::default()
        };
    };
    let error = map.remove("error").and_then(|e| problem_from_value(&e));
    let activity_id = map
        .get("debug")
        .and_then(|d| d.get("activityID").or_else(|| d.get("activityId")))
        .and_then(value_as_text);
    Envelope {
        data: map.remove("data").unwrap_or(Value::Null),
        error,
        activity_id,
    }
}

/// Reads problem details from a JSON value; `None` for null or a non-object.
pub fn problem_from_value(value: &Value) -> Option<ProblemDetails> {
    let map = value.as_object()?;
    let text = |name: &str| map.get(name).and_then(value_as_text);
    Some(ProblemDetails {
        kind: text("type"),
        title: text("title"),
        status: map.get("status").and_then(value_as_u16),
        detail: text("detail"),
        instance: text("instance"),
    })
}

/// Reads the envelope's `data` as `T`. An envelope object is read in one pass, `data`
/// straight into `T` (a 10,000-row page builds no JSON tree first); a bare value (a gateway
/// may unwrap `data`) is read as `T` itself.
///
/// `T` is only ever read from text, never from a [`Value`]: each `T` needs one reader, not
/// two (README, "Size on the wire").
pub fn parse_data<T: DeserializeOwned>(body: &str) -> Result<(T, Envelope), BodyError> {
    let text = body.trim_start_matches('\u{feff}');
    let unexpected = |err: serde_json::Error| {
        let reason = match err.classify() {
            serde_json::error::Category::Data => "unexpected data",
            _ => "not JSON",
        };
        BodyError::new(format!("{reason}: {err}"), body)
    };
    if !text.trim_start().starts_with('{') {
        let data = serde_json::from_str(text).map_err(unexpected)?;
        return Ok((data, Envelope::default()));
    }
    let read: DataEnvelope<T> = serde_json::from_str(text).map_err(unexpected)?;
    let data = match read.data {
        Some(data) => data,
        // No `data` at all reads as `data: null`.
        None => serde_json::from_str("null").map_err(unexpected)?,
    };
    Ok((data, read.envelope))
}

/// An envelope object with its `data` read as `T`; `envelope.data` is left null.
struct DataEnvelope<T> {
    data: Option<T>,
    envelope: Envelope,
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for DataEnvelope<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(DataEnvelopeVisitor(std::marker::PhantomData))
    }
}

struct DataEnvelopeVisitor<T>(std::marker::PhantomData<T>);

impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for DataEnvelopeVisitor<T> {
    type Value = DataEnvelope<T>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an envelope")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let (data, envelope) = visit_envelope(map, |map| map.next_value())?;
        Ok(DataEnvelope { data, envelope })
    }
}

pub(crate) fn value_as_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A number, or a string holding one (servers disagree on which).
pub(crate) fn value_as_u16(value: &Value) -> Option<u16> {
    match value {
        Value::Number(n) => n.as_u64().and_then(|n| u16::try_from(n).ok()),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_data_error_and_activity_id() {
        let body = r#"{"data":null,"error":{"type":"about:blank","title":"Unauthorized",
            "status":401,"detail":"The ID token has expired.","instance":"/x"},
            "debug":{"activityID":"A:1"}}"#;
        let envelope = parse_envelope(body).unwrap();
        assert_eq!(envelope.data, Value::Null);
        let error = envelope.error.unwrap();
        assert_eq!(error.status, Some(401));
        assert_eq!(error.summary(), Some("The ID token has expired."));
        assert_eq!(envelope.activity_id.as_deref(), Some("A:1"));
    }

    /// `parse_data` as it was: through the tree.
    fn through_the_tree<T: DeserializeOwned>(body: &str) -> Result<(T, Envelope), BodyError> {
        let mut envelope = parse_envelope(body)?;
        let data = std::mem::take(&mut envelope.data);
        let parsed = serde_json::from_value(data)
            .map_err(|err| BodyError::new(format!("unexpected data: {err}"), body))?;
        Ok((parsed, envelope))
    }

    #[test]
    fn data_read_in_one_pass_reads_as_through_the_tree() {
        let bodies = [
            r#"{"data":[1,2],"error":null,"debug":{"activityID":"A:1"}}"#,
            "\u{feff} {\"debug\":{\"activityId\":5},\"data\":[3],\"other\":{\"x\":[]}}",
            r#"{"error":{"title":"Bad","status":"400"},"data":null}"#,
            r#"{"error":{"title":"Bad"}}"#,
            r#"{"data":["x"]}"#,
            r#"{"data":[1],"data":[2,3]}"#,
            r#"[4,5]"#,
            r#"{"data":[1,}"#,
            r#"{"data":[1]} junk"#,
            "<html>",
            "",
        ];
        for body in bodies {
            let direct = parse_data::<Vec<u32>>(body);
            let tree = through_the_tree::<Vec<u32>>(body);
            match (&direct, &tree) {
                (Ok(a), Ok(b)) => assert_eq!(a, b, "{body}"),
                (Err(a), Err(b)) => {
                    let reason = |e: &BodyError| e.reason.split(':').next().unwrap().to_string();
                    assert_eq!(reason(a), reason(b), "{body}");
                }
                _ => panic!("{body}: {direct:?} / {tree:?}"),
            }
        }
        let optional = parse_data::<Option<Vec<u32>>>(r#"{"debug":{}}"#).unwrap();
        assert_eq!(optional.0, None);
    }

    #[test]
    fn errors_read_without_a_tree_read_as_through_the_tree() {
        let bodies = [
            r#"{"error":{"type":"about:blank","title":"Unauthorized","status":401,
                "detail":"The ID token has expired.","instance":"/x"},"debug":{"activityID":"A:1"}}"#,
            r#"{"error":{"title":7,"status":"429 ","detail":true,"instance":null,"type":[1]}}"#,
            r#"{"error":{"status":400.0,"title":1.5e3,"detail":{"a":1}},"data":[1,{"b":2}]}"#,
            r#"{"error":{"status":-1,"title":"a","title":"b"},"debug":{"activityId":12}}"#,
            r#"{"error":{"status":70000},"debug":{"activityID":null,"activityId":"B"}}"#,
            r#"{"debug":{"activityId":"B","activityID":"C","activityID":"D"}}"#,
            r#"{"debug":{"activityID":["x"]},"error":[{"title":"x"}]}"#,
            r#"{"error":"boom","debug":7,"data":[1]}"#,
            r#"{"error":null,"debug":"x"}"#,
            "\u{feff}{\"error\":{\"title\":\"t\\u00e9\\n\"}}",
            r#"[{"error":{"title":"in a list"}}]"#,
            r#""just text""#,
            r#"{"error":{"title":"x"}"#,
            "<html>",
            "",
        ];
        for body in bodies {
            let parts = |e: Envelope| (e.error, e.activity_id);
            let direct = parse_error(body).ok().map(parts);
            let tree = parse_envelope(body).ok().map(parts);
            assert_eq!(direct, tree, "{body}");
        }
    }

    #[test]
    fn odd_shapes_are_absent_not_fatal_and_non_json_keeps_an_excerpt() {
        let envelope = parse_envelope(r#"{"error":"boom","debug":7,"data":[1]}"#).unwrap();
        assert_eq!(envelope.error, None);
        assert_eq!(envelope.activity_id, None);
        assert_eq!(envelope.data, serde_json::json!([1]));
        let long = format!("<html>{}</html>", "x".repeat(500));
        let err = parse_envelope(&long).unwrap_err();
        assert!(err.excerpt.starts_with("<html>xxx") && err.excerpt.ends_with('…'));
        assert_eq!(err.excerpt.chars().count(), EXCERPT_CHARS + 1);
    }
}
