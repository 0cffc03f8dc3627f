//! Task automation for Tolerance Editor, reached as `cargo xtask …` (see `.cargo/config.toml`).
//!
//! Every task installs what it needs first, saying what it does, and skips what is already
//! there: the README's two commands are all a fresh machine needs.

mod build;
mod shell;
mod tasks;
mod tools;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  run [--port N]   install what is missing, build the app (release) and serve it with the
                   sandbox on http://127.0.0.1:N (default 8080)
  test             install what is missing, then run every check: fmt, clippy (native and
                   wasm32), native tests, browser tests, end-to-end tests, the size budget
                   (dist/ at most 330 KB gzip), deployment, bench smoke
  bench [--rows N] [--runs K] [--rate-limit off|RATE/BURST]
                   build the release app and sandbox, then measure the app at scale in
                   headless Chromium (default 100,000 rows, 3 runs, no rate limit); prints
                   the figures against their targets and writes target/bench/bench.json
  dist             install what is missing and build the release app into dist/
  fuzz [--inputs N] [--seed S]
                   the hand-written readers (CSV, clipboard, JSON, decimals) against the
                   crates they replace, on N generated inputs each (default 1,000,000)
  install          only install what is missing (add --browser for Chromium and its driver)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => tasks::run(&args[1..]),
        Some("test") => tasks::test(&args[1..]),
        Some("dist") => tasks::dist(),
        Some("fuzz") => tasks::fuzz(&args[1..]),
        Some("bench") => tasks::bench(&args[1..]),
        Some("install") => tasks::install(&args[1..]),
        Some("-h" | "--help") => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => Err(format!("no such task\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}
