//! VBAPI's rate limit: a token bucket per API key, 25 requests a second sustained with bursts
//! of 50 by default.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

/// How fast each API key may call; parsed from `--rate-limit off|RATE/BURST`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RateLimit {
    Off,
    PerSecond { rate: f64, burst: f64 },
}

impl Default for RateLimit {
    fn default() -> Self {
        RateLimit::PerSecond {
            rate: 25.0,
            burst: 50.0,
        }
    }
}

impl RateLimit {
    pub fn parse(text: &str) -> Result<Self, String> {
        if text == "off" {
            return Ok(RateLimit::Off);
        }
        let bad = || format!("--rate-limit {text:?} is not `off` or RATE/BURST such as 25/50");
        let (rate, burst) = text.split_once('/').ok_or_else(bad)?;
        let rate: f64 = rate.trim().parse().map_err(|_| bad())?;
        let burst: f64 = burst.trim().parse().map_err(|_| bad())?;
        if !(rate > 0.0 && burst >= 1.0) {
            return Err(bad());
        }
        Ok(RateLimit::PerSecond { rate, burst })
    }
}

#[derive(Debug)]
pub struct Limiter {
    limit: RateLimit,
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

impl Limiter {
    pub fn new(limit: RateLimit) -> Self {
        Limiter {
            limit,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one token from `key`'s bucket, or says in how many seconds one will be there.
    pub fn take(&self, key: &str) -> Result<(), u64> {
        let RateLimit::PerSecond { rate, burst } = self.limit else {
            return Ok(());
        };
        let now = Instant::now();
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let (tokens, last) = buckets.entry(key.to_string()).or_insert((burst, now));
        *tokens = (*tokens + now.duration_since(*last).as_secs_f64() * rate).min(burst);
        *last = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - *tokens) / rate).ceil().max(1.0) as u64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_passes_then_the_bucket_is_empty() {
        let limiter = Limiter::new(RateLimit::PerSecond {
            rate: 1.0,
            burst: 3.0,
        });
        for _ in 0..3 {
            assert!(limiter.take("k").is_ok());
        }
        assert_eq!(limiter.take("k"), Err(1));
        assert!(limiter.take("other key").is_ok());
    }

    #[test]
    fn off_never_limits_and_flags_parse() {
        let limiter = Limiter::new(RateLimit::Off);
        assert!((0..1000).all(|_| limiter.take("k").is_ok()));
        assert_eq!(RateLimit::parse("off"), Ok(RateLimit::Off));
        assert_eq!(
            RateLimit::parse("10/20"),
            Ok(RateLimit::PerSecond {
                rate: 10.0,
                burst: 20.0
            })
        );
        assert!(RateLimit::parse("fast").is_err());
        assert!(RateLimit::parse("0/5").is_err());
    }
}
