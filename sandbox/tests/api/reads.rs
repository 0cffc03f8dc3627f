//! Lists (paging, sorting, `x-pagination`), single-record writes, groups, payment methods and
//! client environments, on the seeded demo tenant.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::common::*;

fn pagination(reply: &Reply) -> Value {
    serde_json::from_str(reply.header("x-pagination").expect("x-pagination header")).unwrap()
}

fn rows(reply: &Reply) -> Vec<Value> {
    reply.json()["data"].as_array().unwrap().clone()
}

#[test]
fn the_demo_database_is_seeded_and_paged() {
    let base = start(settings());
    let demo = Client::demo(&base, "DEMO_LIVE");
    let first = demo.get("/tolerances?page=1&pageSize=100&sortBy=tolerance_Key:asc");
    assert_eq!(first.status, 200);
    assert_eq!(
        pagination(&first),
        json!({"TotalCount": 300, "TotalPages": 3, "CurrentPage": 1, "PageSize": 100})
    );
    let page = rows(&first);
    assert_eq!(page.len(), 100);
    // Records have exactly the fields of the shared list fixture.
    let fixture_fields: BTreeSet<String> = fixture_json("list-page.json")["data"][0]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    let fields: BTreeSet<String> = page[0].as_object().unwrap().keys().cloned().collect();
    assert_eq!(fields, fixture_fields);
    assert_eq!(page[0]["tolerance_Key"], 1);
    for row in &page {
        let amount = row["tolerance1"].as_f64().unwrap();
        assert!((0.5..=25.0).contains(&amount));
    }
    let third = demo.get("/tolerances?page=3&pageSize=100");
    assert_eq!(rows(&third)[99]["tolerance_Key"], 300);
    assert!(rows(&demo.get("/tolerances?page=4&pageSize=100")).is_empty());
    assert_eq!(
        rows(&demo.get("/tolerances")).len(),
        100,
        "default page size"
    );
}

#[test]
fn sorting_works_on_any_field_and_several_at_once() {
    let base = start(settings());
    let demo = Client::demo(&base, "DEMO_LIVE");
    let all = rows(&demo.get("/tolerances?pageSize=1000&sortBy=tolerance1:desc,group_ID:asc"));
    assert_eq!(all.len(), 300);
    for pair in all.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let (x, y) = (
            a["tolerance1"].as_f64().unwrap(),
            b["tolerance1"].as_f64().unwrap(),
        );
        assert!(x >= y, "tolerance1 descending");
        if x == y {
            // SQLite puts nulls first when ascending.
            let (g, h) = (a["group_ID"].as_str(), b["group_ID"].as_str());
            assert!(
                g <= h,
                "group_ID ascending within equal amounts: {g:?} {h:?}"
            );
        }
    }
    for field in ["payment_Method", "entry_Date", "update_User", "ENTRY_user"] {
        let reply = demo.get(&format!("/tolerances?sortBy={field}:desc&pageSize=5"));
        assert_eq!(reply.status, 200, "{field}: {}", reply.text);
    }
    let bad = demo.get("/tolerances?sortBy=colour:asc");
    assert_eq!(bad.status, 400);
    assert!(bad.detail().contains("colour"));
    assert_eq!(demo.get("/tolerances?page=0").status, 400);
    assert_eq!(demo.get("/tolerances?pageSize=lots").status, 400);
}

#[test]
fn single_records_are_created_read_updated_and_deleted() {
    let base = start(settings());
    let demo = Client::demo(&base, "DEMO_TEST");
    let record = json!({"tolerance_Key": 7, "tolerance1": 4.75, "group_ID": "GRP003",
        "payment_Method": "CARD"});
    let created = demo.post("/tolerances", &record.to_string());
    assert_eq!(created.status, 200, "{}", created.text);
    assert_eq!(created.json()["data"]["payment_Method"], "CARD");
    assert_eq!(created.json()["data"]["entry_User"], "demo");
    assert_eq!(demo.post("/tolerances", &record.to_string()).status, 409);

    let read = demo.get("/tolerances/7");
    assert_eq!(read.json()["data"]["tolerance1"], 4.75);

    let changed = json!({"tolerance_Key": 7, "tolerance1": 6.0, "group_ID": null});
    let updated = demo.put("/tolerances/7", &changed.to_string());
    assert_eq!(updated.status, 200);
    assert_eq!(updated.json()["data"]["tolerance1"], 6.0);
    assert!(updated.json()["data"]["group_ID"].is_null());
    let mismatch = demo.put(
        "/tolerances/7",
        &json!({"tolerance_Key": 8, "tolerance1": 1}).to_string(),
    );
    assert_eq!(mismatch.status, 400);
    let invalid = demo.put("/tolerances/7", &json!({"tolerance1": "x"}).to_string());
    assert_eq!(invalid.status, 400);
    assert_eq!(invalid.detail(), "tolerance1 must be a number");
    assert_eq!(
        demo.put("/tolerances/8", &json!({"tolerance1": 1}).to_string())
            .status,
        404
    );

    assert_eq!(demo.delete("/tolerances/7").status, 200);
    assert_eq!(demo.get("/tolerances/7").status, 404);
    assert_eq!(demo.delete("/tolerances/7").status, 404);
    assert_eq!(demo.get("/tolerances/seven").status, 400);
}

#[test]
fn groups_payment_methods_and_environments_are_listed() {
    let base = start(settings());
    let demo = Client::demo(&base, "DEMO_LIVE");
    let methods = demo.get("/payment-methods?pageSize=100");
    let codes: BTreeSet<String> = rows(&methods)
        .iter()
        .map(|m| m["payment_Method"].as_str().unwrap().to_string())
        .collect();
    for code in ["ACH", "CHECK", "CARD", "EFT"] {
        assert!(codes.contains(code), "{code}");
    }
    assert!(rows(&methods)[0]["description"].is_string());

    let groups = demo.get("/groups?page=2&pageSize=10");
    assert_eq!(
        pagination(&groups),
        json!({"TotalCount": 24, "TotalPages": 3, "CurrentPage": 2, "PageSize": 10})
    );
    assert_eq!(rows(&groups)[0]["group_ID"], "GRP011");
    assert!(rows(&groups)[0]["group_Name"].is_string());

    // Every group a seeded tolerance names exists.
    let group_ids: BTreeSet<String> = rows(&demo.get("/groups?pageSize=100"))
        .iter()
        .map(|g| g["group_ID"].as_str().unwrap().to_string())
        .collect();
    for row in rows(&demo.get("/tolerances?pageSize=1000")) {
        if let Some(group) = row["group_ID"].as_str() {
            assert!(group_ids.contains(group), "{group}");
        }
    }

    let mut client = Client::bare(&base);
    client.set("x-api-key", KEY);
    let refused = client.get("/client-environments");
    assert_eq!(refused.status, 401);
    client.set("vbasoftware-client-id", "demo-client");
    client.set("vbasoftware-client-code", "demo");
    let environments = client.get("/client-environments");
    assert_eq!(environments.status, 200);
    let names: Vec<_> = rows(&environments)
        .iter()
        .map(|e| e["databaseName"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, ["DEMO_LIVE", "DEMO_TEST"]);
}
