//! The one shape of every VBAPI answer: `{ data, error, debug: { activityID } }`, with
//! `error` as RFC 7807 problem details. Handlers return an [`Answer`] or an [`ApiError`];
//! the pipeline renders either with the request's fresh activity ID.

use std::sync::atomic::{AtomicU64, Ordering};

use axum::body::Body;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::Response;
use serde::Serialize;
use serde_json::{Value, json};

use crate::store::StoreError;

/// Hands out activity IDs shaped like the vendor's (`0HN7V6B3Q5L2A:00000001`): a per-process
/// prefix, so IDs from two runs never collide in a support ticket, and a counter.
#[derive(Debug)]
pub struct ActivityIds {
    prefix: String,
    next: AtomicU64,
}

impl ActivityIds {
    pub fn new() -> Self {
        const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUV";
        let prefix = crate::random::random_bytes::<13>()
            .iter()
            .map(|b| char::from(ALPHABET[usize::from(b % 32)]))
            .collect();
        ActivityIds {
            prefix,
            next: AtomicU64::new(1),
        }
    }

    pub fn next(&self) -> String {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        format!("{}:{n:08X}", self.prefix)
    }
}

impl Default for ActivityIds {
    fn default() -> Self {
        Self::new()
    }
}

/// The envelope's `data`: a JSON tree, or JSON text already written (a page of list rows,
/// written straight from the database: a tree of 5,000 records costs more to build and
/// drop than to write).
#[derive(Debug)]
pub enum Data {
    Tree(Value),
    /// Text its writer guarantees to be one JSON value.
    Written(String),
}

impl Data {
    /// The tree, for the faults that rewrite a batch answer's items.
    pub fn tree_mut(&mut self) -> Option<&mut Value> {
        match self {
            Data::Tree(value) => Some(value),
            Data::Written(_) => None,
        }
    }
}

/// A successful answer: status, extra headers, and the envelope's `data`.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub data: Data,
    /// The batch endpoint is documented as `text/plain`; everything else is JSON.
    pub plain_text: bool,
}

impl Answer {
    pub fn ok(data: Value) -> Self {
        Answer::with_data(Data::Tree(data))
    }

    /// A 200 whose `data` is JSON text already written.
    pub fn ok_written(data: String) -> Self {
        Answer::with_data(Data::Written(data))
    }

    fn with_data(data: Data) -> Self {
        Answer {
            status: StatusCode::OK,
            headers: HeaderMap::new(),
            data,
            plain_text: false,
        }
    }

    pub fn with_header(mut self, name: HeaderName, value: &str) -> Self {
        if let Ok(value) = HeaderValue::from_str(value) {
            self.headers.insert(name, value);
        }
        self
    }
}

/// Every way a request can fail, each with the status VBAPI answers.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    Validation(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("The account is locked. Ask your administrator to unlock it.")]
    AccountLocked,
    #[error("{0}")]
    NotFound(String),
    /// Carries the methods the endpoint does answer, for the `Allow` header.
    #[error("This endpoint answers {0} only.")]
    MethodNotAllowed(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    TooLarge(String),
    #[error("{detail}")]
    TooManyRequests { detail: String, retry_after: u64 },
    #[error("the sandbox's database failed: {0}")]
    Store(#[from] StoreError),
    /// A status chosen by an injected fault.
    #[error("{detail}")]
    Injected {
        status: StatusCode,
        detail: String,
        retry_after: Option<u64>,
    },
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Validation(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) | ApiError::AccountLocked => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Store(_) => StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::Injected { status, .. } => *status,
        }
    }

    fn title(&self) -> &'static str {
        match self {
            ApiError::Validation(_) => "One or more validation errors occurred.",
            ApiError::AccountLocked => "Account locked",
            other => other.status().canonical_reason().unwrap_or("Error"),
        }
    }

    fn problem_type(&self) -> &'static str {
        match self {
            // The vendor's validation errors name the RFC section; the rest say nothing more.
            ApiError::Validation(_) => "https://tools.ietf.org/html/rfc7231#section-6.5.1",
            ApiError::AccountLocked => "urn:vbapi-sandbox:account-locked",
            _ => "about:blank",
        }
    }

    fn retry_after(&self) -> Option<u64> {
        match self {
            ApiError::TooManyRequests { retry_after, .. } => Some(*retry_after),
            ApiError::Injected { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// The envelope's `error` member.
    pub fn problem(&self, instance: &str) -> Value {
        json!({
            "type": self.problem_type(),
            "title": self.title(),
            "status": self.status().as_u16(),
            "detail": self.to_string(),
            "instance": instance,
        })
    }
}

/// The envelope's bytes: `{ data, debug: { activityID }, error }` (members in the order a
/// `serde_json::Map` keeps them, as the sandbox always wrote them). Written data goes in as
/// it is, not parsed again.
pub fn envelope(data: &Data, error: &Value, activity_id: &str) -> Vec<u8> {
    let mut out = b"{\"data\":".to_vec();
    match data {
        Data::Tree(value) => write_json(&mut out, value),
        Data::Written(text) => out.extend_from_slice(text.as_bytes()),
    }
    out.extend_from_slice(b",\"debug\":{\"activityID\":");
    write_json(&mut out, activity_id);
    out.extend_from_slice(b"},\"error\":");
    write_json(&mut out, error);
    out.push(b'}');
    out
}

/// One JSON value, written as serde_json writes it (its escaping, its number format).
pub(crate) fn write_json(out: &mut Vec<u8>, value: &(impl Serialize + ?Sized)) {
    serde_json::to_writer(out, value).expect("writing JSON to a Vec cannot fail");
}

/// Renders a result as the HTTP response, its body cut to `keep` bytes when a fault asks.
pub fn render(
    result: Result<Answer, ApiError>,
    activity_id: &str,
    instance: &str,
    keep: Option<f64>,
) -> Response {
    let (status, mut headers, content_type, data, error) = match result {
        Ok(answer) => {
            let content_type = if answer.plain_text {
                "text/plain; charset=utf-8"
            } else {
                "application/json; charset=utf-8"
            };
            (
                answer.status,
                answer.headers,
                content_type,
                answer.data,
                Value::Null,
            )
        }
        Err(err) => {
            let mut headers = HeaderMap::new();
            if let Some(seconds) = err.retry_after() {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
            }
            if let ApiError::MethodNotAllowed(methods) = &err
                && let Ok(value) = HeaderValue::from_str(methods)
            {
                headers.insert(header::ALLOW, value);
            }
            if let ApiError::Store(store) = &err {
                eprintln!("{activity_id}: {store}");
            }
            let problem = err.problem(instance);
            (
                err.status(),
                headers,
                "application/json; charset=utf-8",
                Data::Tree(Value::Null),
                problem,
            )
        }
    };
    let mut body = envelope(&data, &error, activity_id);
    if let Some(fraction) = keep {
        body.truncate((body.len() as f64 * fraction) as usize);
    }
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    response.headers_mut().extend(headers);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn activity_ids_are_fresh_and_vendor_shaped() {
        let ids = ActivityIds::new();
        let (a, b) = (ids.next(), ids.next());
        assert_ne!(a, b);
        assert_eq!(a.len(), "0HN7V6B3Q5L2A:00000001".len());
        assert!(a.ends_with(":00000001"));
    }

    #[test]
    fn envelopes_are_written_as_serializing_their_tree_writes() {
        let tree = json!({ "group_ID": "A \"b\" é", "n": [1, 2.5, null] });
        let error = ApiError::Validation("bad".into()).problem("/x");
        for data in [Data::Tree(tree.clone()), Data::Written(tree.to_string())] {
            for error in [Value::Null, error.clone()] {
                let expected = json!({
                    "data": tree,
                    "error": error,
                    "debug": { "activityID": "X:\"1\"" },
                });
                assert_eq!(
                    envelope(&data, &error, "X:\"1\""),
                    serde_json::to_vec(&expected).unwrap()
                );
            }
        }
    }

    #[test]
    fn errors_render_as_problem_details() {
        let err = ApiError::Unauthorized("The ID token has expired.".into());
        let body = envelope(
            &Data::Tree(Value::Null),
            &err.problem("/tolerances-batch"),
            "X:1",
        );
        let value: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(value["data"], Value::Null);
        assert_eq!(value["error"]["status"], 401);
        assert_eq!(value["error"]["title"], "Unauthorized");
        assert_eq!(value["error"]["type"], "about:blank");
        assert_eq!(value["error"]["instance"], "/tolerances-batch");
        assert_eq!(value["debug"]["activityID"], "X:1");
    }
}
