//! The per-key token bucket: 50 at once, 25 a second after that, then 429 with Retry-After.

use crate::common::*;
use vbapi_sandbox::Settings;
use vbapi_sandbox::rate_limit::RateLimit;

#[test]
fn a_burst_over_fifty_gets_429_with_retry_after_per_key() {
    let base = start(Settings {
        rate_limit: RateLimit::default(),
        tenant_file: Some(tenant_file(TWO_USERS)),
        ..settings()
    });
    let demo = Client::demo(&base, "DEMO_LIVE"); // the sign-in took one token
    let statuses: Vec<u16> = (0..80).map(|_| demo.get("/groups").status).collect();
    assert!(statuses[..49].iter().all(|s| *s == 200), "{statuses:?}");
    let limited = statuses.iter().filter(|s| **s == 429).count();
    // 80 calls take far less than the 1.2 s that would refill 30 tokens.
    assert!(limited >= 1, "{statuses:?}");

    let reply = demo.get("/groups");
    assert_eq!(reply.status, 429);
    let wait: u64 = reply.header("retry-after").unwrap().parse().unwrap();
    assert!(wait >= 1);
    assert_eq!(reply.json()["error"]["status"], 429);

    // Another API key has its own bucket.
    let other = demo.with("GET", "/groups", &[("x-api-key", "second-key")], None);
    assert_eq!(other.status, 200);

    std::thread::sleep(std::time::Duration::from_secs(wait));
    assert_eq!(demo.get("/groups").status, 200, "tokens come back");
}

#[test]
fn the_limit_can_be_turned_off() {
    let base = start(settings()); // RateLimit::Off
    let demo = Client::demo(&base, "DEMO_LIVE");
    assert!((0..120).all(|_| demo.get("/groups").status == 200));
}
