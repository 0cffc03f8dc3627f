//! `/__sandbox/…`: the test-only controls, present only with `--faults`.
//! `GET/POST/DELETE /__sandbox/faults`, `GET/DELETE /__sandbox/requests`.

use axum::http::Method;
use serde_json::{Value, json};

use super::Call;
use crate::App;
use crate::envelope::{Answer, ApiError};
use crate::faults::Rules;

pub async fn handle(app: &App, call: &Call) -> Result<Answer, ApiError> {
    if !app.settings.faults {
        return Err(ApiError::NotFound(
            "The sandbox's controls are off; start it with --faults.".into(),
        ));
    }
    match (call.method.clone(), call.path.trim_end_matches('/')) {
        (Method::POST, "/__sandbox/faults") => {
            let rules: Rules = serde_json::from_slice(&call.body).map_err(|err| {
                ApiError::Validation(format!("The fault rules could not be read: {err}."))
            })?;
            let armed = app.faults.add(rules.into_vec());
            Ok(Answer::ok(json!({ "rules": armed })))
        }
        (Method::GET, "/__sandbox/faults") => {
            let rules = serde_json::to_value(app.faults.armed()).unwrap_or(Value::Null);
            Ok(Answer::ok(rules))
        }
        (Method::DELETE, "/__sandbox/faults") => {
            app.faults.clear();
            Ok(Answer::ok(json!({ "rules": 0 })))
        }
        (Method::GET, "/__sandbox/requests") => {
            let entries = serde_json::to_value(app.requests.all()).unwrap_or(Value::Null);
            Ok(Answer::ok(entries))
        }
        (Method::DELETE, "/__sandbox/requests") => {
            app.requests.clear();
            Ok(Answer::ok(Value::Null))
        }
        (method, path) => Err(ApiError::NotFound(format!(
            "There is no sandbox control {method} {path}."
        ))),
    }
}
