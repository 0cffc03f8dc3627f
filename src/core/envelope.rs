//! VBAPI's answer envelope: `{ data, error (RFC 7807 problem details), debug.activityID }`.
//! Read leniently: a field of an unexpected type is treated as absent, never as a crash, and
//! a body that is not JSON becomes a [`BodyError`] carrying a short excerpt.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use thiserror::Error;

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

/// Reads the envelope's `data` as `T`.
pub fn parse_data<T: DeserializeOwned>(body: &str) -> Result<(T, Envelope), BodyError> {
    let mut envelope = parse_envelope(body)?;
    let data = std::mem::take(&mut envelope.data);
    let parsed = serde_json::from_value(data)
        .map_err(|err| BodyError::new(format!("unexpected data: {err}"), body))?;
    Ok((parsed, envelope))
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
