//! The order of the checks on every data endpoint, and the envelope on every answer.

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::Duration;

use vbapi_sandbox::Settings;

use crate::common::*;

#[test]
fn checks_run_in_the_vendors_order() {
    let base = start_with_tenant(TWO_USERS, settings());
    let ann = Client::signed_in(&base, "ann", "ann-pw", "DEMO_TEST");
    let token = ann
        .headers
        .iter()
        .find(|(n, _)| n == "authorization")
        .unwrap()
        .1
        .clone();

    // Nothing at all: the API key is checked first.
    let bare = Client::bare(&base);
    let reply = bare.get("/tolerances");
    assert_eq!(reply.status, 401);
    assert_eq!(reply.detail(), "The x-api-key header is missing.");

    let mut client = Client::bare(&base);
    client.set("x-api-key", "not-a-key");
    client.set("authorization", &token);
    let reply = client.get("/tolerances");
    assert_eq!(reply.status, 401);
    assert_eq!(reply.detail(), "The API key is not valid.");

    // Second key of the tenant works too; no bearer token is the next failure.
    client.set("x-api-key", "second-key");
    client.unset("authorization");
    let reply = client.get("/tolerances");
    assert_eq!(reply.status, 401);
    assert!(reply.detail().contains("bearer"), "{}", reply.detail());

    client.set("authorization", "Bearer made.up.token");
    let reply = client.get("/tolerances");
    assert_eq!(reply.status, 401);
    assert_eq!(reply.detail(), "The ID token is not valid.");

    client.set("authorization", &token);
    let reply = client.get("/tolerances");
    assert_eq!(reply.status, 400);
    assert_eq!(
        reply.detail(),
        "The vbasoftware-database header is required."
    );

    client.set("vbasoftware-database", "DEMO_LIVE");
    let reply = client.get("/tolerances");
    assert_eq!(reply.status, 403);
    assert_eq!(
        reply.detail(),
        "User ann has no access to database DEMO_LIVE."
    );

    client.set("vbasoftware-database", "DEMO_TEST");
    assert_eq!(client.get("/tolerances").status, 200);
}

#[test]
fn every_answer_carries_the_envelope_with_a_fresh_activity_id() {
    let base = start(settings());
    let demo = Client::demo(&base, "DEMO_LIVE");
    let replies = [
        demo.get("/tolerances"),
        demo.get("/tolerances/1"),
        demo.get("/tolerances/999999"),
        demo.put("/tolerances-batch", "{}"),
        demo.put("/tolerances-batch", "[]"),
        demo.get("/tolerances/1/history"),
        demo.delete("/groups"),
        Client::bare(&base).get("/groups"),
        demo.get("/vbapi/payment-methods"),
    ];
    let statuses: Vec<u16> = replies.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [200, 200, 404, 400, 207, 404, 405, 401, 200]);
    let mut seen = HashSet::new();
    for reply in &replies {
        let body = reply.json();
        let object = body.as_object().unwrap();
        assert_eq!(object.len(), 3, "data, error, debug: {}", reply.text);
        assert!(object.contains_key("data") && object.contains_key("error"));
        assert_eq!(reply.header("x-content-type-options"), Some("nosniff"));
        assert!(seen.insert(reply.activity_id()), "activity IDs are fresh");
    }
    assert_eq!(replies[6].header("allow"), Some("GET"));
    let error = &replies[2].json()["error"];
    assert_eq!(error["status"], 404);
    assert_eq!(error["instance"], "/tolerances/999999");
}

#[test]
fn a_request_without_user_agent_is_refused_first() {
    let base = start(settings());
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .user_agent(ureq::config::AutoHeaderValue::None)
        .build()
        .into();
    let response = agent
        .get(format!("{base}/tolerances"))
        .header("x-api-key", KEY)
        .call()
        .unwrap();
    assert_eq!(response.status().as_u16(), 403);
    let body: serde_json::Value =
        serde_json::from_str(&response.into_body().read_to_string().unwrap()).unwrap();
    assert_eq!(body["error"]["detail"], "A User-Agent header is required.");
    // The same request with one gets as far as the missing bearer token.
    let mut client = Client::bare(&base);
    client.set("x-api-key", KEY);
    assert_eq!(client.get("/tolerances").status, 401);
}

/// Sends a request that announces a 1 MB body and sends one byte of it, and returns the status
/// line of the answer, or `None` if none came within `wait` (the server is reading the body).
fn answer_before_the_body(
    base: &str,
    path: &str,
    headers: &[(&str, &str)],
    wait: Duration,
) -> Option<String> {
    let address = base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).unwrap();
    let mut head = format!("PUT {path} HTTP/1.1\r\nHost: {address}\r\nUser-Agent: test\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("Content-Type: application/json\r\nContent-Length: 1000000\r\n\r\n[");
    stream.write_all(head.as_bytes()).unwrap();
    stream.set_read_timeout(Some(wait)).unwrap();
    let mut line = String::new();
    match BufReader::new(stream).read_line(&mut line) {
        Ok(n) if n > 0 => Some(line.trim_end().to_string()),
        _ => None,
    }
}

#[test]
fn the_key_token_and_database_are_checked_before_the_body_is_read() {
    // Without `--faults`: its request log reads every body, refused or not.
    let no_log = Settings {
        faults: false,
        ..settings()
    };
    let base = start_with_tenant(TWO_USERS, no_log);
    let ann = Client::signed_in(&base, "ann", "ann-pw", "DEMO_TEST");
    let token = ann
        .headers
        .iter()
        .find(|(n, _)| n == "authorization")
        .unwrap()
        .1
        .clone();
    let quick = Duration::from_secs(10);
    let refused = [
        (vec![], "401"),
        (vec![("x-api-key", "not-a-key")], "401"),
        (
            vec![("x-api-key", KEY), ("vbasoftware-database", "DEMO_TEST")],
            "401",
        ),
        (
            vec![
                ("x-api-key", KEY),
                ("authorization", token.as_str()),
                ("vbasoftware-database", "DEMO_LIVE"),
            ],
            "403",
        ),
    ];
    for (headers, status) in &refused {
        let line = answer_before_the_body(&base, "/tolerances-batch", headers, quick);
        assert!(
            line.as_deref()
                .is_some_and(|line| line.starts_with(&format!("HTTP/1.1 {status} "))),
            "{headers:?}: {line:?}"
        );
    }
    // Admitted, the same request waits for its body: the probe can tell the two apart.
    let admitted = [
        ("x-api-key", KEY),
        ("authorization", token.as_str()),
        ("vbasoftware-database", "DEMO_TEST"),
    ];
    let waiting = answer_before_the_body(
        &base,
        "/tolerances-batch",
        &admitted,
        Duration::from_millis(1500),
    );
    assert_eq!(waiting, None);
}
