//! The real binary: its printed lines, its log, SIGTERM, and data that survives a restart.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

use crate::common::*;

struct Running {
    child: Child,
    base: String,
    stdout: Vec<String>,
    stderr: Arc<Mutex<Vec<String>>>,
}

fn spawn(db: &str) -> Running {
    let mut child = Command::new(env!("CARGO_BIN_EXE_vbapi-sandbox"))
        .args(["--addr", "127.0.0.1:0", "--db", db, "--rate-limit", "off"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the sandbox binary starts");
    let stderr = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&stderr);
    let err = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(err).lines().map_while(Result::ok) {
            sink.lock().unwrap().push(line);
        }
    });
    let mut stdout = Vec::new();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let base = loop {
        let line = lines
            .next()
            .expect("the sandbox printed its address")
            .unwrap();
        stdout.push(line.clone());
        if let Some(url) = line.strip_prefix("listening on ") {
            break url.to_string();
        }
    };
    std::thread::spawn(move || for _ in lines.by_ref() {});
    Running {
        child,
        base,
        stdout,
        stderr,
    }
}

fn signal(running: &mut Running, name: &str) -> std::process::ExitStatus {
    let status = Command::new("kill")
        .args([name, &running.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    running.child.wait().unwrap()
}

fn terminate(mut running: Running) {
    let exit = signal(&mut running, "-TERM");
    assert!(exit.success(), "a SIGTERM is a clean stop: {exit}");
}

fn total(client: &Client) -> u64 {
    let reply = client.get("/tolerances?pageSize=1");
    let header: Value = serde_json::from_str(reply.header("x-pagination").unwrap()).unwrap();
    header["TotalCount"].as_u64().unwrap()
}

#[test]
fn data_written_before_sigterm_is_there_after_a_restart() {
    let dir = TempDir::new();
    let db = dir.file("restart.sqlite3").display().to_string();
    let first = spawn(&db);
    let port = first.base.rsplit(':').next().unwrap().to_string();
    assert_eq!(
        first.stdout.last().unwrap(),
        &format!("listening on http://127.0.0.1:{port}")
    );
    let printed = first.stdout.join("\n");
    for words in [
        "demo-api-key",
        "user demo / password demo",
        "DEMO_LIVE, DEMO_TEST",
        "demo-client",
    ] {
        assert!(printed.contains(words), "{words} in {printed}");
    }
    let demo = Client::demo(&first.base, "DEMO_TEST");
    let body = json!([{"tolerance_Key": 77, "tolerance1": 7.5, "group_ID": "GRP007"}]);
    let reply = demo.put("/tolerances-batch", &body.to_string());
    assert_eq!(reply.status, 207);
    let activity = reply.activity_id();
    let live = Client::demo(&first.base, "DEMO_LIVE");
    assert_eq!(live.delete("/tolerances/300").status, 200);
    let log = first.stderr.clone();
    terminate(first);

    let line = log
        .lock()
        .unwrap()
        .iter()
        .find(|line| line.contains(&activity))
        .cloned()
        .expect("the activity ID is in the server log");
    assert!(line.starts_with("PUT /tolerances-batch 207 "), "{line}");
    assert!(line.contains("ms"), "{line}");

    let second = spawn(&db);
    let demo = Client::demo(&second.base, "DEMO_TEST");
    let record = demo.get("/tolerances/77").json()["data"].clone();
    assert_eq!(record["tolerance1"], 7.5);
    assert_eq!(record["group_ID"], "GRP007");
    let live = Client::demo(&second.base, "DEMO_LIVE");
    assert_eq!(
        total(&live),
        299,
        "the seed is not applied twice; the delete stays"
    );
    terminate(second);
}

/// Sends a 10,000-row batch, stops the sandbox with `signal` after `wait_ms`, restarts it on
/// the same file, and answers what the client heard and how many rows were kept.
fn stop_during_a_batch(signal_name: &str, wait_ms: u64) -> (Option<u16>, u64) {
    let dir = TempDir::new();
    let db = dir.file("half.sqlite3").display().to_string();
    let mut first = spawn(&db);
    let demo = Client::demo(&first.base, "DEMO_TEST");
    let rows: Vec<Value> = (1..=10_000)
        .map(|key| json!({"tolerance_Key": key, "tolerance1": 1.0}))
        .collect();
    let body = Value::Array(rows).to_string();
    let sender = demo.clone();
    let batch =
        std::thread::spawn(move || sender.try_with("PUT", "/tolerances-batch", &[], Some(&body)));
    std::thread::sleep(std::time::Duration::from_millis(wait_ms));
    signal(&mut first, signal_name);
    let answered = batch.join().unwrap().map(|reply| reply.status).ok();

    let second = spawn(&db);
    let demo = Client::demo(&second.base, "DEMO_TEST");
    let count = total(&demo);
    terminate(second);
    eprintln!("{signal_name} during a batch: answered {answered:?}, {count} rows kept");
    (answered, count)
}

#[test]
fn a_sigterm_during_a_batch_lets_it_finish_whole() {
    let (answered, count) = stop_during_a_batch("-TERM", 40);
    assert!(count == 0 || count == 10_000, "half a batch: {count}");
    if answered == Some(207) {
        assert_eq!(count, 10_000, "an answered batch is kept");
    }
}

#[test]
fn even_a_kill_during_a_batch_never_leaves_half_of_it() {
    for wait_ms in [150, 300] {
        let (answered, count) = stop_during_a_batch("-KILL", wait_ms);
        assert!(count == 0 || count == 10_000, "half a batch: {count}");
        if answered == Some(207) {
            assert_eq!(count, 10_000, "an answered batch is kept");
        }
    }
}

#[test]
fn bad_flags_and_tenant_files_stop_it_with_a_reason() {
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_vbapi-sandbox"))
            .args(args)
            .output()
            .unwrap()
    };
    let unknown = run(&["--frobnicate"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("--frobnicate"));

    let dir = TempDir::new();
    let tenant = dir.file("tenant.toml");
    std::fs::write(&tenant, "client_id = \"only this\"\n").unwrap();
    let shown = tenant.display().to_string();
    let bad = run(&[
        "--addr",
        "127.0.0.1:0",
        "--db",
        ":memory:",
        "--tenant",
        &shown,
    ]);
    assert_eq!(bad.status.code(), Some(1));
    let message = String::from_utf8_lossy(&bad.stderr);
    assert!(message.contains(&shown), "{message}");
    assert!(bad.stdout.is_empty(), "never claims to listen");
}
