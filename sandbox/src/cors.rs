//! CORS for trying the app's direct mode: off unless `--cors-origin ORIGIN`, and then for that
//! one origin only. The vendor documents no CORS policy, so the default is to have none.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::Response;

const ALLOWED_METHODS: &str = "GET, POST, PUT, DELETE, OPTIONS";
const ALLOWED_HEADERS: &str = "authorization, content-type, x-api-key, vbasoftware-database, \
    vbasoftware-client-id, vbasoftware-client-code, expired-id-token, refresh-token";
/// Headers a script may read: paging and the rate limit's wait.
const EXPOSED_HEADERS: &str = "x-pagination, retry-after";

#[derive(Debug, Clone, Default)]
pub struct Cors {
    origin: Option<String>,
}

impl Cors {
    pub fn new(origin: Option<String>) -> Self {
        Cors {
            origin: origin.map(|o| o.trim_end_matches('/').to_string()),
        }
    }

    fn allows(&self, headers: &HeaderMap) -> Option<HeaderValue> {
        let sent = headers.get(header::ORIGIN)?;
        let allowed = self.origin.as_deref()?;
        (sent.as_bytes() == allowed.as_bytes()).then(|| sent.clone())
    }

    /// The answer to a preflight request, or `None` when the request is not one.
    pub fn preflight(&self, method: &Method, headers: &HeaderMap) -> Option<Response> {
        if method != Method::OPTIONS
            || !headers.contains_key(header::ORIGIN)
            || !headers.contains_key(header::ACCESS_CONTROL_REQUEST_METHOD)
        {
            return None;
        }
        let mut response = Response::new(Body::empty());
        let Some(origin) = self.allows(headers) else {
            *response.status_mut() = StatusCode::FORBIDDEN;
            return Some(response);
        };
        *response.status_mut() = StatusCode::NO_CONTENT;
        let out = response.headers_mut();
        out.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        out.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static(ALLOWED_METHODS),
        );
        out.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static(ALLOWED_HEADERS),
        );
        out.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from_static("600"),
        );
        out.insert(header::VARY, HeaderValue::from_static("Origin"));
        Some(response)
    }

    /// Adds the CORS headers to an API answer for the allowed origin.
    pub fn decorate(&self, request: &HeaderMap, response: &mut HeaderMap) {
        if let Some(origin) = self.allows(request) {
            response.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            response.insert(
                header::ACCESS_CONTROL_EXPOSE_HEADERS,
                HeaderValue::from_static(EXPOSED_HEADERS),
            );
            response.insert(header::VARY, HeaderValue::from_static("Origin"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn preflight_headers(origin: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ORIGIN, HeaderValue::from_str(origin).unwrap());
        headers.insert(
            header::ACCESS_CONTROL_REQUEST_METHOD,
            HeaderValue::from_static("PUT"),
        );
        headers
    }

    #[test]
    fn only_the_configured_origin_passes() {
        let cors = Cors::new(Some("http://localhost:5173/".into()));
        let ok = cors
            .preflight(
                &Method::OPTIONS,
                &preflight_headers("http://localhost:5173"),
            )
            .unwrap();
        assert_eq!(ok.status(), StatusCode::NO_CONTENT);
        let refused = cors
            .preflight(&Method::OPTIONS, &preflight_headers("http://evil.test"))
            .unwrap();
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        assert!(
            !refused
                .headers()
                .contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN)
        );
        let off = Cors::new(None)
            .preflight(
                &Method::OPTIONS,
                &preflight_headers("http://localhost:5173"),
            )
            .unwrap();
        assert_eq!(off.status(), StatusCode::FORBIDDEN);
    }
}
