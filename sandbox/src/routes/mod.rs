//! The API's endpoints, found by method and path, and the checks every protected endpoint
//! makes in the vendor's order: `x-api-key`, the rate limit, the bearer token, the database.
//! [`admit`] makes them from the headers alone, before the body is read; [`run`] then runs
//! the endpoint.

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
use crate::store::{GROUPS, ListSpec, PAYMENT_METHODS, Store, StoreError, TOLERANCES};

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

/// The endpoint a request is for, and who is calling where the endpoint needs a sign-in.
#[derive(Debug)]
pub enum Endpoint {
    SignIn,
    Refresh,
    ClientEnvironments,
    Batch(Caller),
    List(&'static ListSpec, Caller),
    Create(Caller),
    /// `GET`, `PUT` or `DELETE /tolerances/{key}`, the key as written in the path.
    One(String, Caller),
}

/// Everything decided from the request line and headers: the User-Agent, the endpoint and its
/// method, the API key and its rate limit, and for data endpoints the bearer token and the
/// database. It runs before the body is read, so a caller without a key, a token or access
/// to the database cannot make the sandbox take in a body of up to 64 MiB.
pub fn admit(app: &App, call: &Call) -> Result<Endpoint, ApiError> {
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
            api_key(app, call)?;
            Ok(Endpoint::SignIn)
        }
        ["user-refresh-tokens"] => {
            allow(method, &[Method::POST])?;
            api_key(app, call)?;
            Ok(Endpoint::Refresh)
        }
        ["client-environments"] => {
            allow(method, &[Method::GET])?;
            api_key(app, call)?;
            Ok(Endpoint::ClientEnvironments)
        }
        ["tolerances-batch"] => {
            allow(method, &[Method::PUT])?;
            Ok(Endpoint::Batch(protected(app, call)?))
        }
        ["tolerances"] => {
            allow(method, &[Method::GET, Method::POST])?;
            let caller = protected(app, call)?;
            Ok(if method == Method::GET {
                Endpoint::List(&TOLERANCES, caller)
            } else {
                Endpoint::Create(caller)
            })
        }
        ["tolerances", key] => {
            allow(method, &[Method::GET, Method::PUT, Method::DELETE])?;
            Ok(Endpoint::One(key.to_string(), protected(app, call)?))
        }
        ["groups"] => {
            allow(method, &[Method::GET])?;
            Ok(Endpoint::List(&GROUPS, protected(app, call)?))
        }
        ["payment-methods"] => {
            allow(method, &[Method::GET])?;
            Ok(Endpoint::List(&PAYMENT_METHODS, protected(app, call)?))
        }
        _ => Err(ApiError::NotFound(format!(
            "There is no endpoint {} {}.",
            call.method, call.path
        ))),
    }
}

/// Runs an admitted request; `call` now carries its body.
pub async fn run(app: &App, call: &Call, endpoint: Endpoint) -> Result<Answer, ApiError> {
    match endpoint {
        Endpoint::SignIn => sign_in::sign_in(app, call),
        Endpoint::Refresh => sign_in::refresh(app, call),
        Endpoint::ClientEnvironments => lists::client_environments(app, call),
        Endpoint::Batch(caller) => tolerances::batch(app, call, caller).await,
        Endpoint::List(spec, caller) => lists::list(app, call, spec, caller).await,
        Endpoint::Create(caller) => tolerances::create(app, call, caller).await,
        Endpoint::One(key, caller) => tolerances::one(app, call, caller, &key).await,
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
fn api_key(app: &App, call: &Call) -> Result<(), ApiError> {
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
