//! The path of every request: CORS preflight, the `/vbapi/` gateway, the app's static files,
//! then for the API a fresh activity ID, the checks (headers only), the body, the request
//! log, fault rules, the endpoint, and one log line on stderr.

use std::sync::Arc;
use std::time::Instant;

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::Response;

use crate::App;
use crate::envelope::{self, ApiError};
use crate::faults::{self, Action, FaultBody};
use crate::routes::{self, Call};
use crate::static_files;

/// The same-origin gateway prefix: `/vbapi/tolerances` is `/tolerances` with the tenant's API
/// key added, as the CDN in front of a real deployment would do.
pub const GATEWAY_PREFIX: &str = "/vbapi";

/// Bodies over this are refused (10,000 tolerances are about 1.5 MB).
const MAX_BODY: usize = 64 * 1024 * 1024;

pub async fn handle(State(app): State<Arc<App>>, request: Request) -> Response {
    let started = Instant::now();
    if let Some(response) = app.cors.preflight(request.method(), request.headers()) {
        return response;
    }
    let full_path = request.uri().path().to_string();
    let gateway = (!app.settings.api_only)
        .then(|| strip_gateway(&full_path))
        .flatten();
    let (path, via_gateway) = match gateway {
        Some(rest) => (rest.to_string(), true),
        None => (full_path.clone(), false),
    };
    if !via_gateway && !static_files::is_api_path(&path) {
        return match &app.settings.static_dir {
            Some(dir) => static_files::serve(dir, request.method(), &path).await,
            None => static_files::not_found().await,
        };
    }

    let activity = app.activity_ids.next();
    let (parts, body) = request.into_parts();
    let request_headers = parts.headers.clone();
    let call = Call {
        method: parts.method.clone(),
        path,
        query: parts.uri.query().map(str::to_string),
        headers: parts.headers,
        // Read once the request has passed the checks (`api`), or for a control.
        body: Bytes::new(),
        activity: activity.clone(),
    };
    let response = if call.path.starts_with("/__sandbox") {
        control(&app, call, body).await
    } else {
        api(&app, call, body, &full_path, via_gateway).await
    };
    finish(
        &app,
        &parts.method,
        &full_path,
        &activity,
        started,
        &request_headers,
        response,
    )
}

async fn read_body(body: Body) -> Result<Bytes, ApiError> {
    to_bytes(body, MAX_BODY)
        .await
        .map_err(|_| ApiError::TooLarge(format!("The request body is over {MAX_BODY} bytes.")))
}

/// A sandbox control (`--faults` only; without it, refused before any body is read).
async fn control(app: &App, mut call: Call, body: Body) -> Response {
    if app.settings.faults {
        match read_body(body).await {
            Ok(bytes) => call.body = bytes,
            Err(err) => return envelope::render(Err(err), &call.activity, &call.path, None),
        }
    }
    let result = routes::control::handle(app, &call).await;
    envelope::render(result, &call.activity, &call.path, None)
}

/// An API call as the gateway and the fault rules shape it. Its body is read only once the
/// checks passed (`routes::admit`): a caller without a key, a token or the database's access
/// is answered without the sandbox taking in what it sends (but with `--faults`, below).
/// Without `--faults` there are no fault rules, so nothing else changes with the order.
async fn api(
    app: &App,
    mut call: Call,
    body: Body,
    full_path: &str,
    via_gateway: bool,
) -> Response {
    // As the client sent them: before the gateway adds the key.
    let sent_headers = app.settings.faults.then(|| call.headers.clone());
    if via_gateway
        && !call.headers.contains_key("x-api-key")
        && let Ok(key) = HeaderValue::from_str(&app.tenant.api_keys[0])
    {
        call.headers.insert("x-api-key", key);
    }
    let actions = if app.settings.faults {
        app.faults.take(call.method.as_str(), &call.path)
    } else {
        Vec::new()
    };
    // With `--faults` (a test tool) the request log shows every body sent, refused or not,
    // and fault rules answer before the checks, as the network in front of VBAPI would: the
    // body is read first and the checks run in `run_api`.
    let admitted = (!app.settings.faults).then(|| routes::admit(app, &call));
    if admitted.as_ref().is_none_or(Result::is_ok) {
        match read_body(body).await {
            Ok(bytes) => call.body = bytes,
            Err(err) => return envelope::render(Err(err), &call.activity, &call.path, None),
        }
    }
    if let Some(headers) = &sent_headers {
        app.requests.record(
            &call.activity,
            call.method.as_str(),
            full_path,
            call.query.as_deref(),
            headers,
            &call.body,
        );
    }
    run_api(app, &call, admitted, &actions).await
}

fn strip_gateway(path: &str) -> Option<&str> {
    let rest = path.strip_prefix(GATEWAY_PREFIX)?;
    match rest {
        "" => Some("/"),
        _ if rest.starts_with('/') => Some(rest),
        _ => None,
    }
}

/// Runs one API call under the fault rules that match it: injected answers come first, as
/// the network and the edge in front of VBAPI would give them; then the checks, unless
/// they were made before the body was read (`admitted`).
async fn run_api(
    app: &App,
    call: &Call,
    admitted: Option<Result<routes::Endpoint, ApiError>>,
    actions: &[Action],
) -> Response {
    for action in actions {
        match action {
            Action::ExpireTokens { refresh_too } => app.sessions.expire_all(*refresh_too),
            Action::Delay { ms } => tokio::time::sleep(std::time::Duration::from_millis(*ms)).await,
            Action::Drop { after_apply: false } => return faults::dropped(),
            Action::Status {
                status,
                body,
                retry_after,
                detail,
            } => return injected(call, *status, *body, *retry_after, detail.clone()),
            _ => {}
        }
    }
    let endpoint = match admitted.unwrap_or_else(|| routes::admit(app, call)) {
        Ok(endpoint) => endpoint,
        Err(err) => return envelope::render(Err(err), &call.activity, &call.path, None),
    };
    let is_batch = call.path == "/tolerances-batch";
    let withheld = if is_batch {
        faults::withhold_rows(&call.body, actions)
    } else {
        None
    };
    let mut result = match &withheld {
        Some((body, _)) => {
            let trimmed = Call {
                body: body.clone().into(),
                ..call.clone()
            };
            routes::run(app, &trimmed, endpoint).await
        }
        None => routes::run(app, call, endpoint).await,
    };
    if is_batch
        && let Ok(answer) = &mut result
        && let Some(data) = answer.data.tree_mut()
    {
        if let Some((_, rows)) = &withheld {
            faults::put_back(data, rows);
        }
        faults::rewrite_items(data, actions);
    }
    let mut keep = None;
    for action in actions {
        match action {
            Action::Drop { after_apply: true } => return faults::dropped(),
            Action::Truncate { keep: fraction } => keep = Some(fraction.clamp(0.0, 1.0)),
            _ => {}
        }
    }
    envelope::render(result, &call.activity, &call.path, keep)
}

fn injected(
    call: &Call,
    status: u16,
    body: FaultBody,
    retry_after: Option<u64>,
    detail: Option<String>,
) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = if body == FaultBody::Html {
        faults::html_page(status)
    } else {
        let err = ApiError::Injected {
            status,
            detail: detail.unwrap_or_else(|| "Injected by a sandbox fault rule.".into()),
            retry_after,
        };
        let keep = (body == FaultBody::Truncated).then_some(0.5);
        envelope::render(Err(err), &call.activity, &call.path, keep)
    };
    if let Some(seconds) = retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

/// CORS and nosniff on every API answer, and the one log line per request.
fn finish(
    app: &App,
    method: &Method,
    path: &str,
    activity: &str,
    started: Instant,
    request_headers: &axum::http::HeaderMap,
    mut response: Response,
) -> Response {
    let headers = response.headers_mut();
    app.cors.decorate(request_headers, headers);
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    eprintln!(
        "{method} {path} {} {:.1}ms activityID={activity}",
        response.status().as_u16(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gateway_prefix_is_a_whole_segment() {
        assert_eq!(strip_gateway("/vbapi/tolerances"), Some("/tolerances"));
        assert_eq!(strip_gateway("/vbapi"), Some("/"));
        assert_eq!(strip_gateway("/vbapifoo"), None);
        assert_eq!(strip_gateway("/tolerances"), None);
    }
}
