//! The API's endpoints, found by method and path, and the checks every protected endpoint
//! makes in the vendor's order: `x-api-key`, the rate limit, the bearer token, the database.

pub mod control;
pub mod lists;
pub mod paging;
pub mod sign_in;
pub mod tolerances;

use std::sync::Arc;

use axum::body::Bytes;
use axum::http::{HeaderMap, Method};

use crate::App;
use crate::auth::TokenProblem;
use crate::envelope::{Answer, ApiError};
use crate::store::{Store, StoreError};

/// One API request, its gateway prefix already removed.
#[derive(Debug, Clone)]
pub struct Call {
    pub method: Method,
    pub path: String,
    pub query: Option<String>,
    pub headers: HeaderMap,
    pub body: Bytes,
    pub activity: String,
}

impl Call {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::trim)
            .filter(|value| !value.is_empty())
    }
}

/// Who is calling, and on which database, once every check passed.
#[derive(Debug)]
pub struct Caller {
    pub user: String,
    pub database: String,
}

pub async fn dispatch(app: &App, call: &Call) -> Result<Answer, ApiError> {
    // The vendor's edge refuses requests without a User-Agent before anything else.
    if call.header("user-agent").is_none() {
        return Err(ApiError::Forbidden(
            "A User-Agent header is required.".into(),
        ));
    }
    let trimmed = call.path.trim_matches('/');
    let segments: Vec<&str> = trimmed.split('/').collect();
    let method = &call.method;
    match segments.as_slice() {
        ["user-authentication"] => {
            allow(method, &[Method::POST])?;
            sign_in::sign_in(app, call)
        }
        ["user-refresh-tokens"] => {
            allow(method, &[Method::POST])?;
            sign_in::refresh(app, call)
        }
        ["client-environments"] => {
            allow(method, &[Method::GET])?;
            lists::client_environments(app, call)
        }
        ["tolerances-batch"] => {
            allow(method, &[Method::PUT])?;
            let caller = protected(app, call)?;
            tolerances::batch(app, call, caller).await
        }
        ["tolerances"] => {
            allow(method, &[Method::GET, Method::POST])?;
            let caller = protected(app, call)?;
            if method == Method::GET {
                lists::list(app, call, &crate::store::TOLERANCES, caller).await
            } else {
                tolerances::create(app, call, caller).await
            }
        }
        ["tolerances", key] => {
            allow(method, &[Method::GET, Method::PUT, Method::DELETE])?;
            let caller = protected(app, call)?;
            tolerances::one(app, call, caller, key).await
        }
        ["groups"] => {
            allow(method, &[Method::GET])?;
            let caller = protected(app, call)?;
            lists::list(app, call, &crate::store::GROUPS, caller).await
        }
        ["payment-methods"] => {
            allow(method, &[Method::GET])?;
            let caller = protected(app, call)?;
            lists::list(app, call, &crate::store::PAYMENT_METHODS, caller).await
        }
        _ => Err(ApiError::NotFound(format!(
            "There is no endpoint {} {}.",
            call.method, call.path
        ))),
    }
}

fn allow(method: &Method, allowed: &[Method]) -> Result<(), ApiError> {
    if allowed.contains(method) {
        return Ok(());
    }
    let names: Vec<&str> = allowed.iter().map(Method::as_str).collect();
    Err(ApiError::MethodNotAllowed(names.join(", ")))
}

/// The first check of every endpoint: a known `x-api-key`, within its rate limit.
pub fn api_key(app: &App, call: &Call) -> Result<(), ApiError> {
    let key = call
        .header("x-api-key")
        .ok_or_else(|| ApiError::Unauthorized("The x-api-key header is missing.".into()))?;
    if !app.tenant.knows_key(key) {
        return Err(ApiError::Unauthorized("The API key is not valid.".into()));
    }
    app.limiter
        .take(key)
        .map_err(|retry_after| ApiError::TooManyRequests {
            detail: format!("Rate limit exceeded for this API key; retry after {retry_after} s."),
            retry_after,
        })
}

/// The `vbasoftware-database` header, required on every call.
pub fn database_header(call: &Call) -> Result<&str, ApiError> {
    call.header("vbasoftware-database")
        .ok_or_else(|| ApiError::Validation("The vbasoftware-database header is required.".into()))
}

/// All checks of a data endpoint, in order: API key (401), rate limit (429), bearer token
/// (401), database (400 missing, 403 not the user's).
fn protected(app: &App, call: &Call) -> Result<Caller, ApiError> {
    api_key(app, call)?;
    let token = call
        .header("authorization")
        .and_then(|value| {
            let (scheme, token) = value.split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
        })
        .ok_or_else(|| {
            ApiError::Unauthorized("The Authorization header has no bearer token.".into())
        })?;
    let session = app.sessions.authenticate(token).map_err(|problem| {
        ApiError::Unauthorized(
            match problem {
                TokenProblem::Expired => "The ID token has expired.",
                TokenProblem::Unknown => "The ID token is not valid.",
            }
            .into(),
        )
    })?;
    let database = database_header(call)?;
    if !session.databases.iter().any(|db| db == database) {
        return Err(ApiError::Forbidden(format!(
            "User {} has no access to database {database}.",
            session.user
        )));
    }
    Ok(Caller {
        user: session.user,
        database: database.to_string(),
    })
}

/// Runs a store job off the async threads: SQLite calls block.
pub async fn blocking<T, F>(store: &Arc<Store>, job: F) -> Result<T, StoreError>
where
    T: Send + 'static,
    F: FnOnce(&Store) -> Result<T, StoreError> + Send + 'static,
{
    let store = Arc::clone(store);
    tokio::task::spawn_blocking(move || job(&store))
        .await
        .map_err(|err| StoreError::Task(err.to_string()))?
}
