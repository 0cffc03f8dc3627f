//! The hand-written readers against the well-kept crates they replace, on generated inputs:
//! `csv_io` and `clipboard` against the `csv` crate, `lenient` (the envelope's `error` and
//! `debug`) and `multistatus_read` against a `serde_json::Value` tree, `decimal` against
//! `str::parse::<f64>`. Each reader must agree on every input, apart from the deviations its
//! own code writes down, and never panic.
//!
//! `cargo test` runs [`DEFAULT_INPUTS`] inputs per reader; `cargo xtask fuzz` runs a million
//! each in release mode. `FUZZ_INPUTS` sets the count, `FUZZ_SEED` the seed (printed, so
//! any run can be repeated).

mod clipboard;
mod csv;
mod decimal;
mod json;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Instant;

/// Small enough that all five readers take about 20 s in a debug build.
const DEFAULT_INPUTS: usize = 20_000;
const DEFAULT_SEED: u64 = 0x7E57_AB1E_5EED_0001;

/// SplitMix64: tiny, fast, and the same stream on every machine for one seed.
pub(super) struct Rng(u64);

impl Rng {
    pub(super) fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub(super) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub(super) fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True once in `n` times.
    pub(super) fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    pub(super) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

fn from_env(name: &str) -> Option<u64> {
    let text = std::env::var(name).ok()?;
    let text = text.trim().replace('_', "");
    match text.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => text.parse().ok(),
    }
}

/// What one input came to.
pub(super) enum Verdict {
    Agree,
    /// A deviation the reader's code documents; counted, not a failure.
    Documented(&'static str),
    Disagree(String),
}

/// Runs `case` on the budgeted number of inputs, each from its own generator seeded from the
/// run's seed, counting documented deviations, disagreements and panics; prints one line and
/// fails on any disagreement or panic, showing the first few.
pub(super) fn run(reader: &str, mut case: impl FnMut(&mut Rng) -> Verdict) {
    let inputs = from_env("FUZZ_INPUTS").map_or(DEFAULT_INPUTS, |n| n as usize);
    let seed = from_env("FUZZ_SEED").unwrap_or(DEFAULT_SEED);
    let mut seeds = Rng::new(
        seed ^ reader
            .bytes()
            .fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b))),
    );
    let started = Instant::now();
    let mut documented: Vec<(&str, usize)> = Vec::new();
    let mut disagreements = Vec::new();
    let mut panics = Vec::new();
    let mut disagreed = 0;
    for index in 0..inputs {
        let mut rng = Rng::new(seeds.next());
        match catch_unwind(AssertUnwindSafe(|| case(&mut rng))) {
            Ok(Verdict::Agree) => {}
            Ok(Verdict::Documented(what)) => {
                match documented.iter_mut().find(|(w, _)| *w == what) {
                    Some((_, n)) => *n += 1,
                    None => documented.push((what, 1)),
                }
            }
            Ok(Verdict::Disagree(what)) => {
                disagreed += 1;
                if disagreements.len() < 5 {
                    disagreements.push(format!("input {index}: {what}"));
                }
            }
            Err(_) => panics.push(index),
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "oracle {reader:<18} {inputs:>9} inputs {disagreed:>3} disagreements {:>3} panics \
         {seconds:>7.1} s  seed {seed:#x}",
        panics.len()
    );
    for (what, n) in &documented {
        println!("    documented deviation, {n} inputs: {what}");
    }
    assert!(
        disagreements.is_empty() && panics.is_empty(),
        "{reader}: {disagreed} disagreements, panics at inputs {panics:?}\n{}",
        disagreements.join("\n")
    );
}
