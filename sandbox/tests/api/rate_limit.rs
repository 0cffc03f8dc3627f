//! The per-key token bucket: 50 at once, 25 a second after that, then 429 with Retry-After.

use crate::common::*;
use vbapi_sandbox::Settings;
use vbapi_sandbox::rate_limit::RateLimit;

#[test]
fn a_burst_over_fifty_gets_429_with_retry_after_per_key() {
    let base = start_with_tenant(
        TWO_USERS,
        Settings {
            rate_limit: RateLimit::default(),
            ..settings()
        },
    );
    let demo = Client::demo(&base, "DEMO_LIVE"); // the sign-in took one token
    // Call until refused, however slow this machine is, and check the count against the
    // bucket's arithmetic: 49 tokens left from the burst plus 25 a second since.
    let started = std::time::Instant::now();
    let mut passed = 0;
    let reply = loop {
        let reply = demo.get("/groups");
        if reply.status != 200 {
            break reply;
        }
        passed += 1;
        assert!(passed < 2000, "never limited");
    };
    let allowed = 49.0 + 25.0 * started.elapsed().as_secs_f64();
    assert!(passed >= 49, "the burst passes: {passed}");
    assert!(f64::from(passed) <= allowed + 1.0, "{passed} > {allowed}");

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
