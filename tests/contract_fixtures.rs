//! The Tolerance record against the golden traffic in `shared/vbapi/fixtures/`.
#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;

use serde_json::Value;
use tolerance_editor::core::record::Tolerance;

/// `shared/` sits beside the repository; `VBAPI_FIXTURES` can point elsewhere.
fn fixture(name: &str) -> String {
    let dir = std::env::var_os("VBAPI_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/vbapi/fixtures")
        });
    let path = dir.join(name);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("cannot read fixture {}: {err}", path.display()))
}

#[test]
fn batch_request_reads_into_records_and_writes_back_identically() {
    let text = fixture("batch-request.json");
    let records: Vec<Tolerance> = serde_json::from_str(&text).unwrap();

    assert_eq!(records.len(), 3);
    let first = &records[0];
    assert_eq!(first.key, 1);
    assert_eq!(first.amount, 5.0);
    assert_eq!(first.group_id.as_deref(), Some("GRP001"));
    assert_eq!(first.payment_method.as_deref(), Some("ACH"));
    assert_eq!(
        first.entry_date.as_ref().map(|d| d.to_string()).as_deref(),
        Some("2024-01-15T09:30:00Z")
    );
    assert_eq!(first.entry_user.as_deref(), Some("JSMITH"));
    assert_eq!(
        first.update_date.as_ref().map(|d| d.to_string()).as_deref(),
        Some("2024-06-01T12:00:00Z")
    );
    assert_eq!(first.update_user.as_deref(), Some("JSMITH"));
    assert_eq!(records[1].group_id, None);
    assert_eq!(records[1].amount, 0.5);
    assert_eq!(records[2].payment_method, None);

    let original: Value = serde_json::from_str(&text).unwrap();
    let written = serde_json::to_value(&records).unwrap();
    assert_eq!(
        written, original,
        "field names and values must match the contract exactly"
    );
}

#[test]
fn a_page_of_get_tolerances_reads_and_writes_back_identically() {
    let page: Value = serde_json::from_str(&fixture("list-page.json")).unwrap();
    let data = page["data"].clone();
    let records: Vec<Tolerance> = serde_json::from_value(data.clone()).unwrap();
    assert_eq!(records.len(), 2);
    assert_eq!(records[1].entry_user.as_deref(), Some("MLOPEZ"));
    assert_eq!(serde_json::to_value(&records).unwrap(), data);
}
