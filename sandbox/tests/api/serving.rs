//! The same-origin gateway, the built app's static files, and CORS for direct mode.

use crate::common::*;
use vbapi_sandbox::Settings;
use vbapi_sandbox::static_files::CONTENT_SECURITY_POLICY;

#[test]
fn the_gateway_adds_the_api_key_the_browser_never_has() {
    let base = start(settings());
    // What the app does in gateway mode: no x-api-key anywhere.
    let mut app = Client::bare(&base);
    let signed = app.with(
        "POST",
        "/vbapi/user-authentication",
        &[
            ("authorization", "Basic ZGVtbzpkZW1v"),
            ("vbasoftware-client-id", "demo-client"),
            ("vbasoftware-client-code", "demo"),
            ("vbasoftware-database", "DEMO_LIVE"),
        ],
        None,
    );
    assert_eq!(signed.status, 200, "{}", signed.text);
    let token = signed.json()["data"]["authenticationResult"]["idToken"]
        .as_str()
        .unwrap()
        .to_string();
    app.set("authorization", &format!("Bearer {token}"));
    app.set("vbasoftware-database", "DEMO_LIVE");
    let page = app.get("/vbapi/tolerances?pageSize=5");
    assert_eq!(page.status, 200);
    assert_eq!(page.json()["data"].as_array().unwrap().len(), 5);
    // The root API still insists on the key; the gateway keeps a wrong one it was given.
    assert_eq!(app.get("/tolerances").status, 401);
    let wrong = app.with("GET", "/vbapi/tolerances", &[("x-api-key", "wrong")], None);
    assert_eq!(wrong.status, 401);
    let log = app.get("/__sandbox/requests").json()["data"].clone();
    assert!(log[0]["headers"].get("x-api-key").is_none(), "{log}");
    assert_eq!(app.get("/vbapi/nothing-here").status, 404);
}

#[test]
fn the_built_app_is_served_with_its_headers_and_fallback() {
    let dir = TempDir::new();
    let dist = dir.file("dist");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(dist.join("index.html"), "<!DOCTYPE html><title>app</title>").unwrap();
    std::fs::write(dist.join("app-1a2b_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    let base = start(Settings {
        static_dir: Some(dist),
        ..settings()
    });
    let client = Client::bare(&base);
    let wasm = client.get("/app-1a2b_bg.wasm");
    assert_eq!(wasm.status, 200);
    assert_eq!(wasm.header("content-type"), Some("application/wasm"));
    for path in ["/", "/editor/DEMO_LIVE"] {
        let page = client.get(path);
        assert_eq!(page.status, 200, "{path}");
        assert!(page.text.contains("<title>app</title>"));
        assert_eq!(
            page.header("content-security-policy"),
            Some(CONTENT_SECURITY_POLICY)
        );
        assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(page.header("referrer-policy"), Some("no-referrer"));
    }
    // Unknown API paths never get the app's page.
    let api = client.get("/tolerances/1/history");
    assert_eq!(api.status, 404);
    assert!(api.json()["error"].is_object());
    assert_eq!(client.get("/missing.js").status, 404);
}

fn preflight(client: &Client, origin: &str) -> Reply {
    client.with(
        "OPTIONS",
        "/tolerances-batch",
        &[
            ("origin", origin),
            ("access-control-request-method", "PUT"),
            ("access-control-request-headers", "authorization, x-api-key"),
        ],
        None,
    )
}

#[test]
fn cors_is_off_by_default_and_for_one_origin_when_asked() {
    let off = Client::bare(&start(settings()));
    let refused = preflight(&off, "http://localhost:5173");
    assert_eq!(refused.status, 403);
    assert!(refused.header("access-control-allow-origin").is_none());

    let base = start(Settings {
        cors_origin: Some("http://localhost:5173".into()),
        ..settings()
    });
    let client = Client::bare(&base);
    let allowed = preflight(&client, "http://localhost:5173");
    assert_eq!(allowed.status, 204);
    assert_eq!(
        allowed.header("access-control-allow-origin"),
        Some("http://localhost:5173")
    );
    assert!(
        allowed
            .header("access-control-allow-headers")
            .unwrap()
            .contains("x-api-key")
    );
    assert!(
        allowed
            .header("access-control-allow-methods")
            .unwrap()
            .contains("PUT")
    );
    assert_eq!(preflight(&client, "http://evil.test").status, 403);

    let mut direct = Client::demo(&base, "DEMO_LIVE");
    direct.set("origin", "http://localhost:5173");
    let page = direct.get("/tolerances?pageSize=1");
    assert_eq!(
        page.header("access-control-allow-origin"),
        Some("http://localhost:5173")
    );
    assert!(
        page.header("access-control-expose-headers")
            .unwrap()
            .contains("x-pagination")
    );
    direct.set("origin", "http://evil.test");
    assert!(
        direct
            .get("/tolerances")
            .header("access-control-allow-origin")
            .is_none()
    );
}

#[test]
fn api_only_has_no_gateway_and_no_files() {
    let base = start(Settings {
        api_only: true,
        ..settings()
    });
    let app = Client::bare(&base);
    // Without the gateway nothing adds the key: the call is VBAPI's own 401 or a 404.
    let signed = app.with(
        "POST",
        "/vbapi/user-authentication",
        &[("authorization", "Basic ZGVtbzpkZW1v")],
        None,
    );
    assert_eq!(signed.status, 404, "{}", signed.text);
    assert_eq!(app.get("/tolerances").status, 401);
    assert_eq!(app.get("/index.html").status, 404);
    let keyed = Client::demo(&base, "DEMO_LIVE");
    assert_eq!(keyed.get("/groups").status, 200);
}
