//! `PUT /tolerances-batch`: the 207 answer, item by item, against the shared fixtures.

use serde_json::{Value, json};

use crate::common::*;

fn items(reply: &Reply) -> Vec<Value> {
    reply.json()["data"].as_array().unwrap().clone()
}

fn two_users() -> String {
    start_with_tenant(TWO_USERS, settings())
}

#[test]
fn the_fixture_request_gets_the_fixture_answer() {
    let base = two_users();
    let demo = Client::demo(&base, "DEMO_TEST");
    let reply = demo.put("/tolerances-batch", &fixture("batch-request.json"));
    assert_eq!(reply.status, 207);
    assert_eq!(
        reply.header("content-type"),
        Some("text/plain; charset=utf-8")
    );
    let mut expected = fixture_json("batch-207-mixed.json");
    expected["debug"]["activityID"] = json!(reply.activity_id());
    assert_eq!(reply.json(), expected);
}

#[test]
fn each_broken_rule_has_its_own_message_and_blocks_nothing_else() {
    let base = start(settings());
    let demo = Client::demo(&base, "DEMO_TEST");
    let long = "X".repeat(21);
    let body = json!([
        {"tolerance1": 1.0},
        {"tolerance_Key": "12", "tolerance1": 1.0},
        {"tolerance_Key": 12.5, "tolerance1": 1.0},
        {"tolerance_Key": 3_000_000_000_i64, "tolerance1": 1.0},
        {"tolerance_Key": 13},
        {"tolerance_Key": 14, "tolerance1": "cheap"},
        {"tolerance_Key": 15, "tolerance1": 1.0, "payment_Method": long},
        {"tolerance_Key": 16, "tolerance1": 1.0, "entry_User": long},
        {"tolerance_Key": 17, "tolerance1": 1.0, "update_Date": "31/12/2024"},
        {"tolerance_Key": 18, "tolerance1": 2.25, "group_ID": "GRP002", "payment_Method": "EFT"},
    ]);
    let reply = demo.put("/tolerances-batch", &body.to_string());
    assert_eq!(reply.status, 207);
    let got: Vec<(Value, u64, String)> = items(&reply)
        .iter()
        .map(|item| {
            (
                item["id"][0]["value"].clone(),
                item["status"].as_u64().unwrap(),
                item["body"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected = [
        (json!(null), 400, "tolerance_Key is required"),
        (json!("12"), 400, "tolerance_Key must be an integer"),
        (json!(12.5), 400, "tolerance_Key must be an integer"),
        (
            json!(3_000_000_000_i64),
            400,
            "tolerance_Key must be between -2147483648 and 2147483647",
        ),
        (json!(13), 400, "tolerance1 is required"),
        (json!(14), 400, "tolerance1 must be a number"),
        (
            json!(15),
            400,
            "payment_Method must be 20 characters or fewer",
        ),
        (json!(16), 400, "entry_User must be 20 characters or fewer"),
        (
            json!(17),
            400,
            "update_Date must be an ISO 8601 date-time such as 2019-08-24T14:15:22Z",
        ),
        (json!(18), 201, "Created"),
    ];
    assert_eq!(got.len(), expected.len());
    for (got, (id, status, message)) in got.iter().zip(expected) {
        assert_eq!(got, &(id, status, message.to_string()));
    }
    let list = demo.get("/tolerances").json();
    let keys: Vec<_> = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["tolerance_Key"].clone())
        .collect();
    assert_eq!(keys, [json!(18)], "only the valid row was written");
}

#[test]
fn a_key_sent_twice_is_answered_twice_and_the_last_wins() {
    let base = start(settings());
    let demo = Client::demo(&base, "DEMO_TEST");
    let body = json!([
        {"tolerance_Key": 5, "tolerance1": 1.0, "group_ID": "GRP001"},
        {"tolerance_Key": 6, "tolerance1": 2.0},
        {"tolerance_Key": 5, "tolerance1": 3.0, "group_ID": "GRP024"},
    ]);
    let reply = demo.put("/tolerances-batch", &body.to_string());
    let statuses: Vec<_> = items(&reply)
        .iter()
        .map(|i| {
            (
                i["id"][0]["value"].as_i64().unwrap(),
                i["status"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(statuses, [(5, 201), (6, 201), (5, 200)]);
    let five = demo.get("/tolerances/5").json();
    assert_eq!(five["data"]["tolerance1"], 3.0);
    assert_eq!(five["data"]["group_ID"], "GRP024");
}

#[test]
fn a_group_or_payment_method_the_database_does_not_hold_is_refused_per_item() {
    let base = start(settings());
    let demo = Client::demo(&base, "DEMO_LIVE");
    let body = json!([
        {"tolerance_Key": 9001, "tolerance1": 1.0, "group_ID": "GRP099"},
        {"tolerance_Key": 9002, "tolerance1": 2.0, "group_ID": "GRP001", "payment_Method": "ACH"},
        {"tolerance_Key": 9003, "tolerance1": 3.0, "payment_Method": "BARTER"},
        {"tolerance_Key": 9004, "tolerance1": 4.0, "group_ID": "NOPE", "payment_Method": "NADA"},
        {"tolerance_Key": 9005, "tolerance1": 5.0, "group_ID": null, "payment_Method": null},
    ]);
    let reply = demo.put("/tolerances-batch", &body.to_string());
    assert_eq!(reply.status, 207);
    let answered: Vec<_> = items(&reply)
        .iter()
        .map(|i| {
            (
                i["status"].as_u64().unwrap(),
                i["body"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        answered,
        [
            (400, "group_ID GRP099 does not exist".to_string()),
            (201, "Created".to_string()),
            (400, "payment_Method BARTER does not exist".to_string()),
            (
                400,
                "group_ID NOPE does not exist; payment_Method NADA does not exist".to_string()
            ),
            (201, "Created".to_string()),
        ]
    );
    // Refused items are not written; the others are.
    assert_eq!(demo.get("/tolerances/9001").status, 404);
    assert_eq!(demo.get("/tolerances/9002").status, 200);
    assert_eq!(demo.get("/tolerances/9004").status, 404);
    assert_eq!(demo.get("/tolerances/9005").status, 200);
    // Each database holds its own lists: one that lists none refuses any group.
    let bare = start_with_tenant(
        r#"
client_id = "demo-client"
client_code = "demo"
api_keys = ["demo-api-key"]
[[users]]
name = "demo"
password = "demo"
databases = ["EMPTY"]
[[databases]]
name = "EMPTY"
"#,
        settings(),
    );
    let empty = Client::demo(&bare, "EMPTY");
    let reply = empty.put(
        "/tolerances-batch",
        &json!([{"tolerance_Key": 1, "tolerance1": 1.0, "group_ID": "GRP001"}]).to_string(),
    );
    assert_eq!(items(&reply)[0]["body"], "group_ID GRP001 does not exist");
}

#[test]
fn the_single_record_endpoints_refuse_unknown_references_too() {
    let base = start(settings());
    let demo = Client::demo(&base, "DEMO_LIVE");
    let reply = demo.post(
        "/tolerances",
        &json!({"tolerance_Key": 9100, "tolerance1": 1.0, "group_ID": "GRP099"}).to_string(),
    );
    assert_eq!(reply.status, 400);
    assert!(
        reply.detail().contains("group_ID GRP099 does not exist"),
        "{}",
        reply.detail()
    );
    let reply = demo.put(
        "/tolerances/1",
        &json!({"tolerance1": 1.0, "payment_Method": "BARTER"}).to_string(),
    );
    assert_eq!(reply.status, 400);
    assert!(
        reply
            .detail()
            .contains("payment_Method BARTER does not exist")
    );
    assert_eq!(demo.get("/tolerances/9100").status, 404);
}

#[test]
fn a_body_that_is_not_a_list_gets_problem_details() {
    let base = start(settings());
    let demo = Client::demo(&base, "DEMO_TEST");
    for body in ["{\"tolerance_Key\": 1}", "not json", "42", ""] {
        let reply = demo.put("/tolerances-batch", body);
        assert_eq!(reply.status, 400, "{body}");
        let mut expected = fixture_json("batch-207-data-null.json");
        expected["debug"]["activityID"] = json!(reply.activity_id());
        assert_eq!(reply.json(), expected, "{body}");
    }
}

#[test]
fn entry_fields_are_set_once_and_update_fields_on_every_write() {
    let base = two_users();
    let demo = Client::demo(&base, "DEMO_TEST");
    let ann = Client::signed_in(&base, "ann", "ann-pw", "DEMO_TEST");
    let create = json!([{"tolerance_Key": 40, "tolerance1": 1.5,
        "entry_User": "FORGED", "entry_Date": "2001-01-01T00:00:00Z"}]);
    assert_eq!(
        items(&demo.put("/tolerances-batch", &create.to_string()))[0]["status"],
        201
    );
    let first = demo.get("/tolerances/40").json()["data"].clone();
    assert_eq!(first["entry_User"], "demo");
    assert_eq!(first["update_User"], "demo");
    assert_ne!(first["entry_Date"], "2001-01-01T00:00:00Z");
    assert_eq!(first["entry_Date"], first["update_Date"]);

    std::thread::sleep(std::time::Duration::from_millis(1050));
    let update = json!([{"tolerance_Key": 40, "tolerance1": 2.5, "update_User": "FORGED"}]);
    assert_eq!(
        items(&ann.put("/tolerances-batch", &update.to_string()))[0]["status"],
        200
    );
    let second = ann.get("/tolerances/40").json()["data"].clone();
    assert_eq!(second["tolerance1"], 2.5);
    assert_eq!(second["entry_User"], "demo");
    assert_eq!(second["entry_Date"], first["entry_Date"]);
    assert_eq!(second["update_User"], "ann");
    assert!(second["update_Date"].as_str() > first["update_Date"].as_str());
}

#[test]
fn databases_keep_their_own_data() {
    let base = start(settings());
    let test = Client::demo(&base, "DEMO_TEST");
    let live = Client::demo(&base, "DEMO_LIVE");
    let body = json!([{"tolerance_Key": 1, "tolerance1": 99.0}]);
    assert_eq!(
        items(&test.put("/tolerances-batch", &body.to_string()))[0]["status"],
        201
    );
    assert_eq!(
        items(&live.put("/tolerances-batch", &body.to_string()))[0]["status"],
        200
    );
    assert_eq!(
        test.get("/tolerances").header("x-pagination").map(total),
        Some(1)
    );
    assert_eq!(
        live.get("/tolerances").header("x-pagination").map(total),
        Some(300)
    );
}

fn total(header: &str) -> u64 {
    serde_json::from_str::<Value>(header).unwrap()["TotalCount"]
        .as_u64()
        .unwrap()
}
