//! The requests VBAPI expects and the reading of its answers, as plain data: built and
//! checked natively in tests; `http` only carries them.

use std::fmt;

use serde::Deserialize;

use super::error::ApiError;
use crate::core::config::{ApiMode, RuntimeConfig};
use crate::core::envelope::{self, BodyError};
use crate::core::key_pages::PageAnswer;
use crate::core::planner::Millis;
use crate::core::record::Tolerance;

/// Rows asked for per page when listing (the vendor's default is 100; the contract sets no
/// maximum). Fewer, bigger pages matter for 100,000 rows: against the sandbox the last of
/// 20 pages of 5,000 arrived 1.2 s after the first was asked, the last of 100 pages of 1,000
/// after 1.9 s. A server that gives fewer rows per page than asked is followed by its
/// `x-pagination`, or else by the size of its first page (see [`more_pages`]).
pub const LIST_PAGE_SIZE: u32 = 5_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
}

/// A request ready to go out.
#[derive(Clone, PartialEq, Eq)]
pub struct RequestSpec {
    pub method: Method,
    pub url: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: Option<String>,
}

impl fmt::Debug for RequestSpec {
    // Headers carry passwords and tokens: never printed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<_> = self.headers.iter().map(|(name, _)| *name).collect();
        f.debug_struct("RequestSpec")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &names)
            .finish_non_exhaustive()
    }
}

impl RequestSpec {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// An answer as the transport hands it over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawResponse {
    pub status: u16,
    pub body: String,
    pub retry_after: Option<String>,
    pub pagination: Option<String>,
}

/// Where and as whom requests go: the deployment, the target database, the API key in
/// direct mode.
#[derive(Clone, PartialEq, Eq)]
pub struct Connection {
    /// Ends with `/`.
    pub base_url: String,
    pub mode: ApiMode,
    pub client_id: String,
    pub client_code: String,
    pub database: String,
    /// Sent only in direct mode; the gateway adds it otherwise.
    pub api_key: Option<String>,
}

impl fmt::Debug for Connection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connection")
            .field("base_url", &self.base_url)
            .field("mode", &self.mode)
            .field("database", &self.database)
            .finish_non_exhaustive()
    }
}

/// The tokens of a signed-in user.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tokens {
    pub id_token: String,
    #[serde(default)]
    pub access_token: String,
    #[serde(default)]
    pub refresh_token: String,
    /// Seconds the ID token lives.
    #[serde(default)]
    pub expires_in: u64,
}

impl fmt::Debug for Tokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tokens")
            .field("expires_in", &self.expires_in)
            .finish_non_exhaustive()
    }
}

/// What a sign-in gives: tokens, or a challenge to answer first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInOutcome {
    SignedIn(Tokens),
    /// The user must choose a new password (`NEW_PASSWORD_REQUIRED`).
    NewPasswordRequired {
        session: String,
    },
    /// Another challenge the app does not handle; shown by name.
    Challenge {
        name: String,
        session: String,
    },
}

/// `x-pagination`, as far as the client needs it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Pagination {
    #[serde(default)]
    pub total_count: u64,
    #[serde(default)]
    pub total_pages: u32,
    #[serde(default)]
    pub current_page: u32,
    #[serde(default)]
    pub page_size: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Group {
    #[serde(rename = "group_ID")]
    pub id: String,
    #[serde(rename = "group_Name", default)]
    pub name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PaymentMethod {
    #[serde(rename = "payment_Method")]
    pub code: String,
    #[serde(default)]
    pub description: Option<String>,
}

impl Connection {
    pub fn new(config: &RuntimeConfig, database: &str, api_key: Option<String>) -> Self {
        Connection {
            base_url: config.api_base_url.clone(),
            mode: config.mode,
            client_id: config.client_id.clone(),
            client_code: config.client_code.clone(),
            database: database.to_string(),
            api_key,
        }
    }

    fn request(&self, method: Method, path: &str) -> RequestSpec {
        let mut headers = vec![("vbasoftware-database", self.database.clone())];
        if self.mode == ApiMode::Direct
            && let Some(key) = &self.api_key
        {
            headers.push(("x-api-key", key.clone()));
        }
        RequestSpec {
            method,
            url: format!("{}{path}", self.base_url),
            headers,
            body: None,
        }
    }

    fn authorized(&self, method: Method, path: &str, tokens: &Tokens) -> RequestSpec {
        let mut spec = self.request(method, path);
        spec.headers
            .push(("Authorization", format!("Bearer {}", tokens.id_token)));
        spec
    }

    pub fn sign_in_request(&self, user: &str, password: &str) -> RequestSpec {
        let mut spec = self.request(Method::Post, "user-authentication");
        let credentials = base64(format!("{user}:{password}").as_bytes());
        spec.headers.extend([
            ("Authorization", format!("Basic {credentials}")),
            ("vbasoftware-client-id", self.client_id.clone()),
            ("vbasoftware-client-code", self.client_code.clone()),
        ]);
        spec
    }

    pub fn refresh_request(&self, tokens: &Tokens) -> RequestSpec {
        let mut spec = self.request(Method::Post, "user-refresh-tokens");
        spec.headers.extend([
            ("expired-id-token", tokens.id_token.clone()),
            ("refresh-token", tokens.refresh_token.clone()),
        ]);
        spec
    }

    pub fn environments_request(&self) -> RequestSpec {
        let mut spec = self.request(Method::Get, "client-environments");
        spec.headers.extend([
            ("vbasoftware-client-id", self.client_id.clone()),
            ("vbasoftware-client-code", self.client_code.clone()),
        ]);
        spec
    }

    /// One page (1-based) of a list, sorted by `sort_by` so pages do not overlap.
    pub fn page_request(
        &self,
        path: &str,
        sort_by: &str,
        page: u32,
        tokens: &Tokens,
    ) -> RequestSpec {
        self.sized_page_request(path, sort_by, page, LIST_PAGE_SIZE, tokens)
    }

    /// One page of a list cut in pages of `size`.
    pub fn sized_page_request(
        &self,
        path: &str,
        sort_by: &str,
        page: u32,
        size: u32,
        tokens: &Tokens,
    ) -> RequestSpec {
        let query = format!("{path}?page={page}&pageSize={size}&sortBy={sort_by}:asc");
        self.authorized(Method::Get, &query, tokens)
    }

    /// One tolerance read back (`GET /tolerances/{tolerance_Key}`), for "Check with server"
    /// and the audit columns after a save.
    pub fn tolerance_request(&self, key: i32, tokens: &Tokens) -> RequestSpec {
        self.authorized(Method::Get, &format!("tolerances/{key}"), tokens)
    }

    pub fn batch_request(&self, body: String, tokens: &Tokens) -> RequestSpec {
        let mut spec = self.authorized(Method::Put, "tolerances-batch", tokens);
        spec.headers
            .push(("Content-Type", "application/json".to_string()));
        spec.body = Some(body);
        spec
    }
}

/// Turns a status the call did not expect into an [`ApiError::Status`].
pub fn expect_status(raw: RawResponse, expected: &[u16]) -> Result<RawResponse, ApiError> {
    if expected.contains(&raw.status) {
        return Ok(raw);
    }
    Err(status_error(raw))
}

/// An answer whose status the call did not expect, as an [`ApiError::Status`].
pub fn status_error(raw: RawResponse) -> ApiError {
    // An error body is read if it can be; a proxy's HTML page is not a second error.
    let envelope = envelope::parse_error(&raw.body).ok();
    ApiError::Status {
        status: raw.status,
        problem: envelope
            .as_ref()
            .and_then(|e| e.error.clone())
            .map(Box::new),
        activity_id: envelope.and_then(|e| e.activity_id),
        retry_after_ms: raw.retry_after.as_deref().and_then(parse_retry_after),
    }
}

/// The answer to [`Connection::tolerance_request`]: the record the server holds, or `None`
/// for a 404 (it has no such key). Any other status is an error.
pub fn read_tolerance(raw: RawResponse) -> Result<Option<Tolerance>, ApiError> {
    if raw.status == 404 {
        return Ok(None);
    }
    let raw = expect_status(raw, &[200])?;
    let (record, _): (Tolerance, _) = envelope::parse_data(&raw.body)?;
    Ok(Some(record))
}

/// `Retry-After` in seconds; an HTTP date is left to the backoff (no clock here).
pub fn parse_retry_after(value: &str) -> Option<Millis> {
    value
        .trim()
        .parse::<u64>()
        .ok()
        .map(|s| s.saturating_mul(1000))
}

pub fn parse_pagination(header: Option<&str>) -> Option<Pagination> {
    serde_json::from_str(header?).ok()
}

/// A page of `GET /tolerances` as [`crate::core::key_pages`] takes it.
pub fn read_tolerance_page(raw: RawResponse) -> Result<PageAnswer, ApiError> {
    let raw = expect_status(raw, &[200])?;
    let (records, _): (Vec<Tolerance>, _) = envelope::parse_data(&raw.body)?;
    let pagination = parse_pagination(raw.pagination.as_deref());
    Ok(PageAnswer {
        records,
        total: pagination.map(|p| p.total_count),
        page_size: pagination.map(|p| p.page_size).filter(|size| *size > 0),
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SignInData {
    authentication_result: Option<Tokens>,
    challenge_name: Option<String>,
    session: Option<String>,
}

pub fn read_sign_in(body: &str) -> Result<SignInOutcome, ApiError> {
    let (data, _): (SignInData, _) = envelope::parse_data(body)?;
    match (data.authentication_result, data.challenge_name) {
        (_, Some(name)) if !name.is_empty() => {
            let session = data.session.unwrap_or_default();
            Ok(if name == "NEW_PASSWORD_REQUIRED" {
                SignInOutcome::NewPasswordRequired { session }
            } else {
                SignInOutcome::Challenge { name, session }
            })
        }
        (Some(tokens), _) if !tokens.id_token.is_empty() => Ok(SignInOutcome::SignedIn(tokens)),
        _ => Err(BodyError::new("no tokens and no challenge", body).into()),
    }
}

pub fn read_tokens(body: &str) -> Result<Tokens, ApiError> {
    match read_sign_in(body)? {
        SignInOutcome::SignedIn(tokens) => Ok(tokens),
        _ => Err(BodyError::new("a challenge instead of new tokens", body).into()),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Environment {
    database_name: String,
}

pub fn read_environments(body: &str) -> Result<Vec<String>, ApiError> {
    let (list, _): (Vec<Environment>, _) = envelope::parse_data(body)?;
    Ok(list.into_iter().map(|e| e.database_name).collect())
}

/// Standard base64 with padding, for Basic credentials (UTF-8 user names included, which
/// the browser's `btoa` refuses).
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
#[path = "wire_tests.rs"]
mod tests;

/// Whether to ask for the page after `page`: by `x-pagination` when present, else while
/// pages come back full. A full page is `full_page` rows: the first page's, when the server
/// gave fewer than asked (it may cap the page size), so a capped list is not cut short.
pub fn more_pages(
    pagination: Option<Pagination>,
    page: u32,
    rows_on_page: usize,
    full_page: usize,
) -> bool {
    match pagination {
        Some(p) if p.total_pages > 0 => page < p.total_pages && rows_on_page > 0,
        Some(_) => false,
        None => rows_on_page > 0 && rows_on_page >= full_page.min(LIST_PAGE_SIZE as usize),
    }
}
