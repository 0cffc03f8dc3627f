//! Eight clients send 10,000-row batches into one database at once, twice; then every record
//! is counted: none lost, none duplicated, every item's status what the data says it must be.

use std::collections::BTreeSet;
use std::time::Instant;

use serde_json::{Value, json};

use crate::common::*;
use vbapi_sandbox::Settings;

const CLIENTS: i64 = 8;
const ROWS: i64 = 10_000;

/// Round one: each client its own range, every 1000th row broken (group_ID too long).
fn round_one(client: i64) -> Vec<(i64, bool)> {
    (client * ROWS + 1..=(client + 1) * ROWS)
        .map(|key| (key, key % 1000 != 0))
        .collect()
}

/// Round two: each range shifted by half, so half updates the client's own rows and half
/// updates (or, past the end, creates) the next client's.
fn round_two(client: i64) -> Vec<i64> {
    (client * ROWS + ROWS / 2 + 1..=(client + 1) * ROWS + ROWS / 2).collect()
}

fn body_one(rows: &[(i64, bool)]) -> String {
    let records: Vec<Value> = rows
        .iter()
        .map(|(key, valid)| {
            let group = if *valid {
                json!("GRP001")
            } else {
                json!("X".repeat(21))
            };
            json!({"tolerance_Key": key, "tolerance1": 0.5 + (key % 50) as f64 * 0.25,
                   "group_ID": group, "payment_Method": "ACH"})
        })
        .collect();
    Value::Array(records).to_string()
}

fn body_two(keys: &[i64]) -> String {
    let records: Vec<Value> = keys
        .iter()
        .map(|key| json!({"tolerance_Key": key, "tolerance1": 25.0, "payment_Method": "EFT"}))
        .collect();
    Value::Array(records).to_string()
}

fn statuses(reply: &Reply) -> Vec<(i64, u64)> {
    assert_eq!(
        reply.status,
        207,
        "{}",
        &reply.text[..reply.text.len().min(300)]
    );
    reply.json()["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| {
            (
                item["id"][0]["value"].as_i64().unwrap(),
                item["status"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn eight_clients_ten_thousand_rows_each_nothing_lost_nothing_doubled() {
    let started = Instant::now();
    let dir = TempDir::new();
    let base = start(Settings {
        db: dir.file("concurrency.sqlite3").display().to_string(),
        ..settings()
    });
    let clients: Vec<Client> = (0..CLIENTS)
        .map(|_| Client::demo(&base, "DEMO_TEST"))
        .collect();

    let first: Vec<Vec<(i64, u64)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = clients
            .iter()
            .enumerate()
            .map(|(i, client)| {
                let body = body_one(&round_one(i as i64));
                scope.spawn(move || statuses(&client.put("/tolerances-batch", &body)))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for (i, got) in first.iter().enumerate() {
        let expected: Vec<(i64, u64)> = round_one(i as i64)
            .iter()
            .map(|(key, valid)| (*key, if *valid { 201 } else { 400 }))
            .collect();
        assert_eq!(got, &expected, "client {i}, round one");
    }
    let existing: BTreeSet<i64> = (0..CLIENTS)
        .flat_map(round_one)
        .filter(|(_, valid)| *valid)
        .map(|(key, _)| key)
        .collect();

    let second: Vec<Vec<(i64, u64)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = clients
            .iter()
            .enumerate()
            .map(|(i, client)| {
                let body = body_two(&round_two(i as i64));
                scope.spawn(move || statuses(&client.put("/tolerances-batch", &body)))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for (i, got) in second.iter().enumerate() {
        let expected: Vec<(i64, u64)> = round_two(i as i64)
            .into_iter()
            .map(|key| (key, if existing.contains(&key) { 200 } else { 201 }))
            .collect();
        assert_eq!(got, &expected, "client {i}, round two");
    }

    // Count through the API, page by page, in key order.
    let reader = &clients[0];
    let mut keys = Vec::new();
    let mut amounts = std::collections::HashMap::new();
    for page in 1.. {
        let reply = reader.get(&format!(
            "/tolerances?page={page}&pageSize=10000&sortBy=tolerance_Key:asc"
        ));
        let rows = reply.json()["data"].as_array().unwrap().clone();
        if rows.is_empty() {
            break;
        }
        for row in rows {
            let key = row["tolerance_Key"].as_i64().unwrap();
            keys.push(key);
            amounts.insert(key, row["tolerance1"].as_f64().unwrap());
        }
    }
    let written: BTreeSet<i64> = existing
        .iter()
        .copied()
        .chain((0..CLIENTS).flat_map(round_two))
        .collect();
    assert_eq!(keys.len(), written.len(), "no record lost or duplicated");
    assert!(keys.windows(2).all(|w| w[0] < w[1]), "each key once");
    assert_eq!(keys, written.into_iter().collect::<Vec<_>>());
    assert_eq!(keys.len(), 84_995);
    let second_keys: BTreeSet<i64> = (0..CLIENTS).flat_map(round_two).collect();
    for key in &keys {
        let amount = amounts[key];
        if second_keys.contains(key) {
            assert_eq!(amount, 25.0, "key {key}: round two won");
        } else {
            assert_eq!(amount, 0.5 + (key % 50) as f64 * 0.25, "key {key}");
        }
    }
    eprintln!(
        "concurrency: {} batches of {ROWS} rows and the count took {:.1?}",
        CLIENTS * 2,
        started.elapsed()
    );
}
