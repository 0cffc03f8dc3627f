//! Serves the built app (Trunk's `dist/`) from the same origin as the API, with the headers a
//! CDN in front of the real app would add.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::path::{Component, Path, PathBuf};

/// The app's Content-Security-Policy: scripts only from this origin (the WebAssembly module
/// needs `'wasm-unsafe-eval'`, nothing needs `'unsafe-inline'` or `'unsafe-eval'`).
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; \
    script-src 'self' 'wasm-unsafe-eval'; \
    style-src 'self'; \
    img-src 'self' data:; \
    font-src 'self'; \
    connect-src 'self'; \
    manifest-src 'self'; \
    base-uri 'none'; \
    form-action 'none'; \
    frame-ancestors 'none'";

/// First path segments that belong to the API: unknown paths under them get a 404, never
/// the app's `index.html`.
const API_SEGMENTS: &[&str] = &[
    "user-authentication",
    "user-refresh-tokens",
    "tolerances",
    "tolerances-batch",
    "groups",
    "payment-methods",
    "client-environments",
    "__sandbox",
];

pub async fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "not found").into_response()
}

/// Answers `path` from the files under `dir`, `index.html` for unknown app paths.
pub async fn serve(dir: &Path, method: &Method, path: &str) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return (StatusCode::METHOD_NOT_ALLOWED, "method not allowed").into_response();
    }
    let Some(relative) = safe_relative(path) else {
        return (StatusCode::BAD_REQUEST, "bad path").into_response();
    };
    let file = if relative.as_os_str().is_empty() {
        dir.join("index.html")
    } else {
        dir.join(&relative)
    };
    match tokio::fs::read(&file).await {
        Ok(bytes) => file_response(&file, bytes, method),
        Err(_) if is_api_path(path) || has_extension(path) => not_found().await,
        Err(_) => match tokio::fs::read(dir.join("index.html")).await {
            Ok(bytes) => file_response(Path::new("index.html"), bytes, method),
            Err(_) => not_found().await,
        },
    }
}

fn file_response(file: &Path, bytes: Vec<u8>, method: &Method) -> Response {
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(mime_type(file)),
    );
    let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
    // Trunk puts a content hash in the names of the wasm, JS and CSS; the rest must revalidate.
    let cache = if name.contains('-') && !name.ends_with(".html") && name != "boot.js" {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    security_headers(&mut headers);
    let body = if method == Method::HEAD {
        Body::empty()
    } else {
        Body::from(bytes)
    };
    (StatusCode::OK, headers, body).into_response()
}

/// The headers every page of the app is served with.
pub fn security_headers(headers: &mut HeaderMap) {
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
}

fn mime_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// The request path as a relative path inside the served folder, or `None` if it tries to
/// leave it.
fn safe_relative(path: &str) -> Option<PathBuf> {
    let mut relative = PathBuf::new();
    for component in Path::new(path.trim_start_matches('/')).components() {
        match component {
            Component::Normal(part) => relative.push(part),
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(relative)
}

pub fn is_api_path(path: &str) -> bool {
    let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
    API_SEGMENTS.contains(&first)
}

fn has_extension(path: &str) -> bool {
    path.rsplit('/')
        .next()
        .is_some_and(|last| last.contains('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_cannot_leave_the_folder() {
        assert_eq!(safe_relative("/"), Some(PathBuf::new()));
        assert_eq!(safe_relative("/a/./b.js"), Some(PathBuf::from("a/b.js")));
        assert_eq!(safe_relative("/../etc/passwd"), None);
        assert_eq!(safe_relative("/a/../../x"), None);
    }

    #[test]
    fn api_paths_are_told_apart_from_app_routes() {
        assert!(is_api_path("/tolerances/17"));
        assert!(is_api_path("/__sandbox/requests"));
        assert!(!is_api_path("/editor/DEMO_LIVE"));
    }

    #[test]
    fn wasm_is_served_as_wasm() {
        assert_eq!(mime_type(Path::new("app_bg.wasm")), "application/wasm");
        assert_eq!(
            mime_type(Path::new("x.unknown")),
            "application/octet-stream"
        );
    }

    #[test]
    fn policy_allows_no_inline_or_eval_scripts() {
        assert!(!CONTENT_SECURITY_POLICY.contains("'unsafe-inline'"));
        assert!(!CONTENT_SECURITY_POLICY.contains("'unsafe-eval'"));
        assert!(CONTENT_SECURITY_POLICY.contains("'wasm-unsafe-eval'"));
    }
}
