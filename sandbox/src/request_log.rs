//! What the API received (`--faults` only), so tests can prove what the app sent: method,
//! path, headers with secrets masked, and the body.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Mutex;

use axum::http::HeaderMap;
use serde::Serialize;

/// Headers whose values are secrets: the log shows that they were sent, not what they were.
const SECRET_HEADERS: &[&str] = &[
    "authorization",
    "x-api-key",
    "refresh-token",
    "expired-id-token",
    "cookie",
];

/// What the log shows for an `x-api-key` that is one of the tenant's keys, and for any other.
pub const KNOWN_KEY: &str = "[redacted: a key of this tenant]";
pub const UNKNOWN_KEY: &str = "[redacted: not a key of this tenant]";

/// The log keeps the newest entries only, so a long session cannot fill the memory.
const MAX_ENTRIES: usize = 1000;
const MAX_BODY: usize = 4 * 1024 * 1024;

#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    #[serde(rename = "activityID")]
    pub activity_id: String,
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub headers: BTreeMap<String, String>,
    pub body: String,
}

#[derive(Debug, Default)]
pub struct RequestLog {
    entries: Mutex<VecDeque<Entry>>,
    /// The tenant's API keys: the log says whether an `x-api-key` was one of them.
    api_keys: Vec<String>,
}

impl RequestLog {
    pub fn new(api_keys: Vec<String>) -> Self {
        RequestLog {
            entries: Mutex::default(),
            api_keys,
        }
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, VecDeque<Entry>> {
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    // One argument per field of the entry, as the pipeline holds them.
    #[allow(clippy::too_many_arguments)]
    pub fn record(
        &self,
        activity_id: &str,
        method: &str,
        path: &str,
        query: Option<&str>,
        headers: &HeaderMap,
        body: &[u8],
    ) {
        let mut shown = BTreeMap::new();
        for (name, value) in headers {
            let text = if name == "x-api-key" {
                // Whether the key was the tenant's, so a test can tell who added it.
                match value
                    .to_str()
                    .is_ok_and(|key| self.api_keys.iter().any(|known| known == key))
                {
                    true => KNOWN_KEY.to_string(),
                    false => UNKNOWN_KEY.to_string(),
                }
            } else if SECRET_HEADERS.contains(&name.as_str()) {
                "[redacted]".to_string()
            } else {
                String::from_utf8_lossy(value.as_bytes()).into_owned()
            };
            shown
                .entry(name.as_str().to_string())
                .and_modify(|joined: &mut String| {
                    joined.push_str(", ");
                    joined.push_str(&text)
                })
                .or_insert(text);
        }
        let body = String::from_utf8_lossy(&body[..body.len().min(MAX_BODY)]).into_owned();
        let mut entries = self.entries();
        if entries.len() == MAX_ENTRIES {
            entries.pop_front();
        }
        entries.push_back(Entry {
            activity_id: activity_id.to_string(),
            method: method.to_string(),
            path: path.to_string(),
            query: query.map(str::to_string),
            headers: shown,
            body,
        });
    }

    pub fn all(&self) -> Vec<Entry> {
        self.entries().iter().cloned().collect()
    }

    pub fn clear(&self) {
        self.entries().clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn secrets_are_masked_but_their_presence_shows() {
        let log = RequestLog::new(vec!["demo-api-key".into()]);
        let mut headers = HeaderMap::new();
        headers.insert("x-api-key", HeaderValue::from_static("demo-api-key"));
        headers.insert("authorization", HeaderValue::from_static("Bearer abc"));
        headers.insert(
            "vbasoftware-database",
            HeaderValue::from_static("DEMO_TEST"),
        );
        log.record("A:1", "PUT", "/tolerances-batch", None, &headers, b"[]");
        let entry = &log.all()[0];
        assert_eq!(entry.headers["x-api-key"], KNOWN_KEY);
        assert_eq!(entry.headers["authorization"], "[redacted]");
        assert_eq!(entry.headers["vbasoftware-database"], "DEMO_TEST");
        assert_eq!(entry.body, "[]");
        headers.insert("x-api-key", HeaderValue::from_static("guessed"));
        log.record("A:2", "GET", "/groups", None, &headers, b"");
        assert_eq!(log.all()[1].headers["x-api-key"], UNKNOWN_KEY);
        log.clear();
        assert!(log.all().is_empty());
    }
}
