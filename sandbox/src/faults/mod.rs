//! Fault injection (`--faults` only): rules that make the next calls to a path fail the ways a
//! real network and a real VBAPI fail, so the app's retry and "not confirmed" paths can be
//! tested on purpose. Rules are JSON (see the README), kept in order, each used `times` times.

use std::sync::Mutex;

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde::{Deserialize, Serialize};

mod items;

pub use items::{WithheldRow, put_back, rewrite_items, withhold_rows};

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Rule {
    /// An API path (`/tolerances-batch`), a prefix ending in `*`, or `*`/absent for all.
    #[serde(default)]
    pub path: Option<String>,
    /// An HTTP method, or absent for all.
    #[serde(default)]
    pub method: Option<String>,
    /// How many matching requests the rule applies to; absent: all until cleared.
    #[serde(default)]
    pub times: Option<u32>,
    /// How many matching requests pass untouched before the rule starts applying, so a test
    /// can break the second chunk of a batch, not the first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<u32>,
    #[serde(flatten)]
    pub action: Action,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(tag = "do", rename_all = "snake_case")]
pub enum Action {
    /// Answer `status` instead of running the request.
    Status {
        status: u16,
        #[serde(default)]
        body: FaultBody,
        #[serde(default)]
        retry_after: Option<u64>,
        #[serde(default)]
        detail: Option<String>,
    },
    /// Wait before running the request.
    Delay { ms: u64 },
    /// Close the connection without a usable answer; with `after_apply`, only once the
    /// request has been carried out (the write happened, the client never hears of it).
    Drop {
        #[serde(default)]
        after_apply: bool,
    },
    /// Run the request, then cut its answer to `keep` (0..1) of its bytes.
    Truncate {
        #[serde(default = "half")]
        keep: f64,
    },
    /// Leave the 207 items for these keys out.
    OmitItems { keys: Vec<i64> },
    /// Add a 207 item for a key that was not sent.
    AddItem {
        key: i64,
        #[serde(default = "updated")]
        status: u16,
        #[serde(default)]
        body: Option<String>,
    },
    /// Do not write these keys' rows; answer each with a failure item in its place.
    FailItems {
        keys: Vec<i64>,
        #[serde(default = "server_error")]
        status: u16,
        #[serde(default = "deadlock")]
        body: String,
    },
    /// Send the 207 items' id values as strings, key spelled `Tolerance_Key`.
    IdsAsStrings,
    /// Expire every ID token now (refresh tokens too with `refresh_too`).
    ExpireTokens {
        #[serde(default)]
        refresh_too: bool,
    },
}

fn half() -> f64 {
    0.5
}

fn updated() -> u16 {
    200
}

fn server_error() -> u16 {
    500
}

fn deadlock() -> String {
    "Deadlock victim; transaction rolled back".into()
}

#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum FaultBody {
    #[default]
    Envelope,
    /// A proxy's HTML error page.
    Html,
    /// An envelope cut in half.
    Truncated,
}

/// Accepts one rule or a list of them.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Rules {
    Many(Vec<Rule>),
    One(Rule),
}

impl Rules {
    pub fn into_vec(self) -> Vec<Rule> {
        match self {
            Rules::Many(rules) => rules,
            Rules::One(rule) => vec![rule],
        }
    }
}

#[derive(Debug, Default)]
pub struct Faults {
    /// Each rule with its uses left and the matching requests still to let pass.
    rules: Mutex<Vec<(Rule, Option<u32>, u32)>>,
}

impl Faults {
    fn rules(&self) -> std::sync::MutexGuard<'_, Vec<(Rule, Option<u32>, u32)>> {
        self.rules
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn add(&self, rules: Vec<Rule>) -> usize {
        let mut armed = self.rules();
        armed.extend(rules.into_iter().map(|rule| {
            let (times, after) = (rule.times, rule.after.unwrap_or(0));
            (rule, times, after)
        }));
        armed.len()
    }

    pub fn clear(&self) {
        self.rules().clear();
    }

    /// The armed rules, each with `times` showing the uses left.
    pub fn armed(&self) -> Vec<Rule> {
        self.rules()
            .iter()
            .map(|(rule, remaining, skip)| Rule {
                times: *remaining,
                after: (*skip > 0).then_some(*skip),
                ..rule.clone()
            })
            .collect()
    }

    /// The actions of every rule matching this request, in order, each rule's count used once.
    pub fn take(&self, method: &str, path: &str) -> Vec<Action> {
        let mut armed = self.rules();
        let mut actions = Vec::new();
        for (rule, remaining, skip) in armed.iter_mut() {
            if !matches(rule, method, path) || *remaining == Some(0) {
                continue;
            }
            if *skip > 0 {
                *skip -= 1;
                continue;
            }
            if let Some(left) = remaining {
                *left -= 1;
            }
            actions.push(rule.action.clone());
        }
        armed.retain(|(_, remaining, _)| *remaining != Some(0));
        actions
    }
}

fn matches(rule: &Rule, method: &str, path: &str) -> bool {
    let method_ok = rule
        .method
        .as_deref()
        .is_none_or(|m| m.eq_ignore_ascii_case(method));
    let path_ok = match rule.path.as_deref() {
        None | Some("*") => true,
        Some(pattern) => match pattern.strip_suffix('*') {
            Some(prefix) => path.starts_with(prefix),
            None => pattern.trim_end_matches('/') == path.trim_end_matches('/'),
        },
    };
    method_ok && path_ok
}

/// A proxy-style HTML error page, as a gateway in front of VBAPI might answer.
pub fn html_page(status: StatusCode) -> Response {
    let title = format!(
        "{} {}",
        status.as_u16(),
        status.canonical_reason().unwrap_or("Error")
    );
    let page = format!(
        "<!DOCTYPE html>\n<html><head><title>{title}</title></head>\
         <body><h1>{title}</h1><p>The server could not answer (vbapi-sandbox fault).</p>\
         </body></html>\n"
    );
    let mut response = Response::new(Body::from(page));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}

/// A response whose body fails at once: hyper then closes the connection mid-answer, which
/// the client sees as a dropped connection.
pub fn dropped() -> Response {
    let failing = futures_util::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "connection dropped by a sandbox fault",
        ))
    });
    Response::new(Body::from_stream(failing))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(text: &str) -> Vec<Rule> {
        serde_json::from_str::<Rules>(text).unwrap().into_vec()
    }

    #[test]
    fn after_lets_that_many_matching_requests_pass_first() {
        let faults = Faults::default();
        faults.add(rules(
            r#"[{"path":"/tolerances-batch","after":1,"times":1,"do":"expire_tokens"}]"#,
        ));
        assert_eq!(
            faults.take("GET", "/tolerances").len(),
            0,
            "not a match: not counted"
        );
        assert_eq!(
            faults.take("PUT", "/tolerances-batch").len(),
            0,
            "the first passes"
        );
        assert_eq!(faults.armed()[0].after, None);
        assert!(matches!(
            faults.take("PUT", "/tolerances-batch")[..],
            [Action::ExpireTokens { .. }]
        ));
        assert!(
            faults.take("PUT", "/tolerances-batch").is_empty(),
            "used up"
        );
    }

    #[test]
    fn rules_apply_in_order_and_run_out() {
        let faults = Faults::default();
        faults.add(rules(
            r#"[{"path":"/tolerances-batch","times":1,"do":"status","status":503,"body":"html"},
                {"path":"/tolerances*","method":"PUT","times":2,"do":"delay","ms":5}]"#,
        ));
        let first = faults.take("PUT", "/tolerances-batch");
        assert!(matches!(
            first[..],
            [
                Action::Status {
                    status: 503,
                    body: FaultBody::Html,
                    ..
                },
                Action::Delay { ms: 5 }
            ]
        ));
        assert_eq!(faults.take("GET", "/tolerances").len(), 0);
        assert_eq!(faults.take("PUT", "/tolerances/3").len(), 1);
        assert_eq!(faults.take("PUT", "/tolerances-batch").len(), 0);
    }
}
