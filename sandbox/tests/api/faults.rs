//! Fault rules and the request log under `/__sandbox/`, only with `--faults`.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::common::*;
use vbapi_sandbox::Settings;

fn arm(client: &Client, rules: Value) {
    let reply = client.post("/__sandbox/faults", &rules.to_string());
    assert_eq!(reply.status, 200, "{}", reply.text);
}

fn count(client: &Client) -> u64 {
    let reply = client.get("/tolerances");
    let header: Value = serde_json::from_str(reply.header("x-pagination").unwrap()).unwrap();
    header["TotalCount"].as_u64().unwrap()
}

const ONE_ROW: &str = r#"[{"tolerance_Key": 1, "tolerance1": 1.0}]"#;

#[test]
fn controls_exist_only_with_the_faults_flag() {
    let base = start(Settings {
        faults: false,
        ..settings()
    });
    let client = Client::bare(&base);
    assert_eq!(client.post("/__sandbox/faults", "[]").status, 404);
    assert_eq!(client.get("/__sandbox/requests").status, 404);
}

#[test]
fn status_rules_answer_envelope_html_or_truncated_bodies_and_run_out() {
    let base = start(settings());
    let demo = Client::demo(&base, "DEMO_TEST");
    arm(
        &demo,
        json!([{"path": "/tolerances-batch", "times": 2, "do": "status", "status": 503,
                "retry_after": 2}]),
    );
    let armed = demo.get("/__sandbox/faults").json()["data"].clone();
    assert_eq!(armed[0]["times"], 2);
    assert_eq!(armed[0]["do"], "status");
    for _ in 0..2 {
        let reply = demo.put("/tolerances-batch", ONE_ROW);
        assert_eq!(reply.status, 503);
        assert_eq!(reply.header("retry-after"), Some("2"));
        assert_eq!(reply.json()["error"]["status"], 503);
    }
    assert_eq!(demo.put("/tolerances-batch", ONE_ROW).status, 207);

    arm(
        &demo,
        json!({"path": "/tolerances", "method": "GET", "times": 1, "do": "status",
        "status": 502, "body": "html"}),
    );
    let html = demo.get("/tolerances");
    assert_eq!(html.status, 502);
    assert!(
        html.header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    assert!(html.text.starts_with("<!DOCTYPE html>"));
    assert_eq!(demo.get("/tolerances").status, 200);

    arm(
        &demo,
        json!({"path": "/tolerances*", "times": 1, "do": "status", "status": 500,
        "body": "truncated"}),
    );
    let cut = demo.get("/tolerances/1");
    assert_eq!(cut.status, 500);
    assert!(
        serde_json::from_str::<Value>(&cut.text).is_err(),
        "{}",
        cut.text
    );
    assert!(cut.text.starts_with("{\"data\""));

    arm(&demo, json!({"do": "status", "status": 418}));
    assert_eq!(demo.get("/groups").status, 418);
    assert_eq!(
        demo.get("/payment-methods").status,
        418,
        "no times: every call"
    );
    assert_eq!(demo.delete("/__sandbox/faults").status, 200);
    assert_eq!(demo.get("/groups").status, 200);
}

#[test]
fn delays_and_dropped_connections() {
    let base = start(settings());
    let demo = Client::demo(&base, "DEMO_TEST");
    arm(
        &demo,
        json!({"path": "/groups", "times": 1, "do": "delay", "ms": 400}),
    );
    let started = Instant::now();
    assert_eq!(demo.get("/groups").status, 200);
    assert!(started.elapsed() >= Duration::from_millis(400));

    arm(
        &demo,
        json!({"path": "/tolerances-batch", "times": 1, "do": "drop"}),
    );
    assert!(
        demo.try_with("PUT", "/tolerances-batch", &[], Some(ONE_ROW))
            .is_err()
    );
    assert_eq!(count(&demo), 0, "dropped before it was applied");

    arm(
        &demo,
        json!({"path": "/tolerances-batch", "times": 1, "do": "drop", "after_apply": true}),
    );
    assert!(
        demo.try_with("PUT", "/tolerances-batch", &[], Some(ONE_ROW))
            .is_err()
    );
    assert_eq!(count(&demo), 1, "applied, but the client never heard");

    arm(
        &demo,
        json!({"path": "/tolerances-batch", "times": 1, "do": "truncate", "keep": 0.3}),
    );
    let two = r#"[{"tolerance_Key": 2, "tolerance1": 1.0}]"#;
    let cut = demo.put("/tolerances-batch", two);
    assert_eq!(cut.status, 207);
    assert!(serde_json::from_str::<Value>(&cut.text).is_err());
    assert_eq!(count(&demo), 2);
}

#[test]
fn items_can_be_omitted_invented_and_sent_with_string_ids() {
    let base = start_with_tenant(TWO_USERS, settings());
    let demo = Client::demo(&base, "DEMO_TEST");
    arm(
        &demo,
        json!([
            {"path": "/tolerances-batch", "times": 1, "do": "omit_items", "keys": [3]},
            {"path": "/tolerances-batch", "times": 1, "do": "add_item", "key": 99},
            {"path": "/tolerances-batch", "times": 1, "do": "ids_as_strings"},
        ]),
    );
    let reply = demo.put("/tolerances-batch", &fixture("batch-request.json"));
    assert_eq!(reply.status, 207);
    assert_eq!(
        reply.json()["data"],
        json!([
            {"id": [{"key": "Tolerance_Key", "value": "1"}], "status": 200, "body": "Updated"},
            {"id": [{"key": "Tolerance_Key", "value": "2"}], "status": 201, "body": "Created"},
            {"id": [{"key": "Tolerance_Key", "value": "99"}], "status": 200, "body": "Updated"},
        ])
    );
    // Rules ran out: the next answer is whole again.
    let again = demo.put("/tolerances-batch", &fixture("batch-request.json"));
    assert_eq!(again.json()["data"].as_array().unwrap().len(), 3);
}

#[test]
fn failed_items_are_not_written() {
    let base = start_with_tenant(TWO_USERS, settings());
    let demo = Client::demo(&base, "DEMO_TEST");
    arm(
        &demo,
        json!({"path": "/tolerances-batch", "times": 1, "do": "fail_items", "keys": [1]}),
    );
    let body = json!([
        {"tolerance_Key": 2, "tolerance1": 0.5},
        {"tolerance_Key": 1, "tolerance1": 9.0},
    ]);
    let reply = demo.put("/tolerances-batch", &body.to_string());
    // The shared fixture's deadlock item, in the place of the row it answers.
    let deadlock = fixture_json("batch-207-loose-ids.json")["data"][1].clone();
    assert_eq!(
        reply.json()["data"],
        json!([
            {"id": [{"key": "tolerance_Key", "value": 2}], "status": 201, "body": "Created"},
            deadlock,
        ])
    );
    assert_eq!(
        demo.get("/tolerances/1").json()["data"]["tolerance1"],
        5.0,
        "not written"
    );
    assert_eq!(demo.get("/tolerances/2").status, 200);
}

#[test]
fn expiring_every_token_forces_a_refresh() {
    let base = start(settings());
    let mut client = Client::bare(&base);
    client.set("x-api-key", KEY);
    let signed = client.sign_in("demo", "demo", "DEMO_TEST").json();
    let result = signed["data"]["authenticationResult"].clone();
    let id_token = result["idToken"].as_str().unwrap();
    client.set("authorization", &format!("Bearer {id_token}"));
    client.set("vbasoftware-database", "DEMO_TEST");
    arm(
        &client,
        json!({"path": "/tolerances-batch", "times": 1, "do": "expire_tokens"}),
    );
    let expired = client.put("/tolerances-batch", ONE_ROW);
    assert_eq!(expired.status, 401);
    assert_eq!(expired.detail(), "The ID token has expired.");
    assert_eq!(
        client.get("/tolerances").status,
        401,
        "every token stays expired"
    );
    let renewed = client.with(
        "POST",
        "/user-refresh-tokens",
        &[
            ("expired-id-token", id_token),
            ("refresh-token", result["refreshToken"].as_str().unwrap()),
        ],
        None,
    );
    assert_eq!(renewed.status, 200);
    let token = renewed.json()["data"]["authenticationResult"]["idToken"]
        .as_str()
        .unwrap()
        .to_string();
    client.set("authorization", &format!("Bearer {token}"));
    assert_eq!(client.put("/tolerances-batch", ONE_ROW).status, 207);
}

#[test]
fn the_request_log_shows_what_was_sent_without_secrets() {
    let base = start(settings());
    let demo = Client::demo(&base, "DEMO_TEST");
    assert_eq!(demo.delete("/__sandbox/requests").status, 200);
    demo.put("/tolerances-batch?x=1", ONE_ROW);
    demo.get("/vbapi/groups");
    let log = demo.get("/__sandbox/requests").json()["data"].clone();
    let entries = log.as_array().unwrap();
    assert_eq!(entries.len(), 2, "{log}");
    let batch = &entries[0];
    assert_eq!(batch["method"], "PUT");
    assert_eq!(batch["path"], "/tolerances-batch");
    assert_eq!(batch["query"], "x=1");
    assert_eq!(batch["body"], ONE_ROW);
    assert_eq!(
        batch["headers"]["x-api-key"],
        "[redacted: a key of this tenant]"
    );
    assert_eq!(batch["headers"]["authorization"], "[redacted]");
    assert_eq!(batch["headers"]["vbasoftware-database"], "DEMO_TEST");
    assert!(batch["activityID"].is_string());
    assert!(!log.to_string().contains("demo-api-key"));
    assert_eq!(entries[1]["path"], "/vbapi/groups");
    assert_eq!(demo.delete("/__sandbox/requests").status, 200);
    assert_eq!(demo.get("/__sandbox/requests").json()["data"], json!([]));
}

#[test]
fn the_request_log_shows_the_body_of_a_request_the_checks_refused() {
    let base = start(settings());
    let demo = Client::demo(&base, "DEMO_TEST");
    assert_eq!(demo.delete("/__sandbox/requests").status, 200);
    let refused = demo.with(
        "PUT",
        "/tolerances-batch",
        &[("x-api-key", "wrong")],
        Some(ONE_ROW),
    );
    assert_eq!(refused.status, 401);
    let log = demo.get("/__sandbox/requests").json()["data"].clone();
    assert_eq!(log[0]["body"], ONE_ROW, "{log}");
    assert_eq!(
        log[0]["headers"]["x-api-key"],
        "[redacted: not a key of this tenant]"
    );
}
