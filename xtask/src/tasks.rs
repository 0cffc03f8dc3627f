//! The tasks themselves: what `cargo xtask run | test | dist | install` do.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::build;
use crate::shell::{cmd, root, run as run_command, say};
use crate::tools::{self, chromedriver, chromium, path_with_tools};

const DEFAULT_PORT: u16 = 8080;

pub fn install(args: &[String]) -> Result<(), String> {
    match args {
        [] => tools::ensure_build_tools(),
        [flag] if flag == "--browser" => tools::ensure_test_tools(),
        _ => Err("usage: cargo xtask install [--browser]".into()),
    }
}

pub fn dist() -> Result<(), String> {
    tools::ensure_build_tools()?;
    let dist = build::app_release()?;
    say(format!("built the release app into {}", dist.display()));
    build::print_sizes(&dist)
}

pub fn run(args: &[String]) -> Result<(), String> {
    let port = parse_port(args)?;
    tools::ensure_build_tools()?;
    let dist = build::app_release()?;
    let sandbox = build::sandbox()?;
    let addr = format!("127.0.0.1:{port}");
    let mut child = Command::new(&sandbox)
        .args(["--addr", &addr, "--static"])
        .arg(&dist)
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|err| format!("cannot start {}: {err}", sandbox.display()))?;
    let stdout = child.stdout.take().expect("stdout is piped");
    let mut lines = BufReader::new(stdout).lines();
    for line in lines.by_ref() {
        let line = line.map_err(|err| format!("reading the sandbox's output: {err}"))?;
        println!("{line}");
        if let Some(url) = line.strip_prefix("listening on ") {
            println!();
            println!("  Tolerance Editor is running at {url}/");
            println!(
                "  Sign in with user name `demo` and password `demo` (database DEMO_LIVE or DEMO_TEST)."
            );
            println!("  Press Ctrl-C to stop.");
            println!();
            break;
        }
    }
    // Keep echoing the sandbox's log until it stops.
    for line in lines.map_while(Result::ok) {
        println!("{line}");
    }
    let status = child.wait().map_err(|err| err.to_string())?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("the sandbox stopped: {status}"))
    }
}

fn parse_port(args: &[String]) -> Result<u16, String> {
    match args {
        [] => Ok(DEFAULT_PORT),
        [flag, value] if flag == "--port" => value
            .parse()
            .map_err(|_| format!("--port {value:?} is not a port number")),
        _ => Err("usage: cargo xtask run [--port N]".into()),
    }
}

/// One check of `cargo xtask test`.
struct Step {
    name: &'static str,
    run: fn() -> Result<(), String>,
}

const STEPS: &[Step] = &[
    Step {
        name: "cargo fmt --check",
        run: fmt,
    },
    Step {
        name: "clippy (native)",
        run: clippy_native,
    },
    Step {
        name: "clippy (wasm32)",
        run: clippy_wasm,
    },
    Step {
        name: "native tests",
        run: native_tests,
    },
    Step {
        name: "browser tests (wasm-bindgen-test)",
        run: browser_tests,
    },
    Step {
        name: "end-to-end tests",
        run: end_to_end_tests,
    },
    Step {
        name: "size budget (gzip -9)",
        run: size_budget,
    },
    Step {
        name: "deployment: nginx, Chromium, Firefox",
        run: deployment_tests,
    },
    Step {
        name: "bench smoke (1,000 rows)",
        run: bench_smoke,
    },
];

pub fn test(args: &[String]) -> Result<(), String> {
    if !args.is_empty() {
        return Err("usage: cargo xtask test".into());
    }
    tools::ensure_test_tools()?;
    let mut failed = Vec::new();
    let mut report = Vec::new();
    for step in STEPS {
        say(format!("── {} ──", step.name));
        let started = Instant::now();
        let outcome = (step.run)();
        let seconds = started.elapsed().as_secs_f64();
        match &outcome {
            Ok(()) => report.push(format!("  ok      {:<36} {seconds:>6.1} s", step.name)),
            Err(err) => {
                report.push(format!("  FAILED  {:<36} {seconds:>6.1} s", step.name));
                failed.push(format!("{}: {err}", step.name));
            }
        }
    }
    say("summary");
    for line in &report {
        println!("{line}");
    }
    println!(
        "steps: {} passed, {} failed",
        STEPS.len() - failed.len(),
        failed.len()
    );
    if failed.is_empty() {
        Ok(())
    } else {
        Err(failed.join("\n"))
    }
}

fn fmt() -> Result<(), String> {
    run_command(cmd("cargo", ["fmt", "--all", "--check"]))
}

fn clippy_native() -> Result<(), String> {
    run_command(cmd(
        "cargo",
        [
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
    ))
}

fn clippy_wasm() -> Result<(), String> {
    run_command(cmd(
        "cargo",
        [
            "clippy",
            "--package",
            "tolerance-editor",
            "--target",
            "wasm32-unknown-unknown",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
    ))
}

fn native_tests() -> Result<(), String> {
    run_command(cmd("cargo", ["test", "--workspace"]))
}

/// `tests/web.rs` and friends, in headless Chromium through wasm-bindgen-test-runner
/// (its browser options are in `webdriver.json`).
fn browser_tests() -> Result<(), String> {
    let mut command = cmd(
        "cargo",
        [
            "test",
            "--package",
            "tolerance-editor",
            "--target",
            "wasm32-unknown-unknown",
            "--test",
            "web",
        ],
    );
    command
        .env("PATH", path_with_tools())
        .env("CHROMEDRIVER", chromedriver())
        .env(
            "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
            "wasm-bindgen-test-runner",
        )
        .env("WASM_BINDGEN_TEST_TIMEOUT", "120");
    run_command(command)
}

/// Builds the release app and the sandbox, then drives headless Chromium through
/// `tests/e2e/*.test.mjs` (node's test runner and playwright-core).
fn end_to_end_tests() -> Result<(), String> {
    node_tests(&root().join("tests").join("e2e"))
}

/// The release app that the end-to-end tests built (or an up-to-date one), its total as sent
/// with `gzip -9` against `build::BUDGET_KB_GZIP`: the size table is printed either way.
fn size_budget() -> Result<(), String> {
    let dist = build::app_release()?;
    build::print_sizes(&dist)?;
    build::check_budget(&dist)
}

/// The reference deployment (`deploy/nginx/`) on Debian's nginx under a sub-path and at the
/// root, in front of the sandbox as a plain VBAPI, driven in Chromium and in Firefox ESR
/// (`tests/e2e/deployment/`).
fn deployment_tests() -> Result<(), String> {
    node_tests(&root().join("tests").join("e2e").join("deployment"))
}

/// Runs every `*.test.mjs` of `dir` with node's test runner, one file at a time.
fn node_tests(dir: &std::path::Path) -> Result<(), String> {
    let dist = build::app_release()?;
    let sandbox = build::sandbox()?;
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map_err(|err| format!("cannot list {}: {err}", dir.display()))?
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.to_string_lossy().ends_with(".test.mjs"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(format!("no tests found in {}", dir.display()));
    }
    let mut command = cmd("node", ["--test", "--test-concurrency=1"]);
    command.args(&files);
    harness_env(&mut command, &sandbox, &dist);
    run_command(command)
}

/// What `cargo xtask bench` measures and how often.
struct BenchOptions {
    rows: u32,
    runs: u32,
    rate_limit: String,
}

fn parse_bench(args: &[String]) -> Result<BenchOptions, String> {
    const USAGE: &str =
        "usage: cargo xtask bench [--rows N] [--runs K] [--rate-limit off|RATE/BURST]";
    let mut options = BenchOptions {
        rows: 100_000,
        runs: 3,
        rate_limit: "off".into(),
    };
    let mut args = args.iter();
    while let Some(flag) = args.next() {
        let value = args.next().ok_or(USAGE)?;
        let number = || {
            value
                .parse::<u32>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or(format!("{flag} {value:?} is not a positive whole number"))
        };
        match flag.as_str() {
            "--rows" => options.rows = number()?.max(2),
            "--runs" => options.runs = number()?,
            "--rate-limit" => options.rate_limit = value.clone(),
            _ => return Err(USAGE.into()),
        }
    }
    Ok(options)
}

/// Builds the release app and the release sandbox, then drives headless Chromium through
/// `tests/bench/bench.mjs`: a table of figures against their targets, and
/// `target/bench/bench.json`.
pub fn bench(args: &[String]) -> Result<(), String> {
    let options = parse_bench(args)?;
    tools::ensure_test_tools()?;
    let dist = build::app_release()?;
    let sandbox = build::sandbox_release()?;
    run_bench(&options, &sandbox, &dist, false, "bench.json")
}

/// The bench at 1,000 rows, once, with the debug sandbox the end-to-end tests built: it
/// fails when a path it drives breaks, never on a slow figure.
fn bench_smoke() -> Result<(), String> {
    let options = BenchOptions {
        rows: 1_000,
        runs: 1,
        rate_limit: "off".into(),
    };
    let dist = build::app_release()?;
    let sandbox = build::sandbox()?;
    run_bench(&options, &sandbox, &dist, true, "smoke.json")
}

fn run_bench(
    options: &BenchOptions,
    sandbox: &std::path::Path,
    dist: &std::path::Path,
    smoke: bool,
    out: &str,
) -> Result<(), String> {
    let target = root().join("target");
    let mut command = cmd("node", ["tests/bench/bench.mjs"]);
    harness_env(&mut command, sandbox, dist);
    command
        .env("BENCH_ROWS", options.rows.to_string())
        .env("BENCH_RUNS", options.runs.to_string())
        .env("BENCH_RATE_LIMIT", &options.rate_limit)
        .env("BENCH_SMOKE", if smoke { "1" } else { "0" })
        .env("BENCH_OUT", target.join("bench").join(out));
    run_command(command)
}

/// What tests/e2e/harness.mjs reads: the sandbox to start, the app it serves, the browser.
fn harness_env(
    command: &mut std::process::Command,
    sandbox: &std::path::Path,
    dist: &std::path::Path,
) {
    command
        .env("SANDBOX_BIN", sandbox)
        .env("DIST_DIR", dist)
        .env("CHROMIUM_BIN", chromium())
        .env("NGINX_BIN", tools::nginx())
        .env("NGINX_MODULES", tools::NGINX_MODULES)
        .env("FIREFOX_BIN", tools::firefox())
        .env("GECKODRIVER_BIN", tools::geckodriver())
        .env("DEPLOY_NGINX", root().join("deploy").join("nginx"))
        .env("E2E_ARTIFACTS", root().join("target").join("e2e-artifacts"));
}

/// `cargo xtask fuzz [--inputs N] [--seed S]`: the hand-written readers against the crates
/// they replace (`src/core/fuzz`), a million generated inputs each unless told, built for
/// speed; prints each reader's inputs, documented deviations and time. `cargo xtask test`
/// runs the same checks on 20,000 inputs each, among the native tests.
pub fn fuzz(args: &[String]) -> Result<(), String> {
    let mut inputs = "1000000".to_string();
    let mut seed = None;
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        let value = rest.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--inputs" => inputs = value.clone(),
            "--seed" => seed = Some(value.clone()),
            _ => return Err("usage: cargo xtask fuzz [--inputs N] [--seed S]".into()),
        }
    }
    let mut command = cmd(
        "cargo",
        [
            "test",
            "--package",
            "tolerance-editor",
            "--lib",
            "--release",
            "core::fuzz",
            "--",
            "--nocapture",
        ],
    );
    // The release profile is the wasm build's (smallest code, LTO, one codegen unit): slow
    // to build and to run for this.
    command
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "3")
        .env("CARGO_PROFILE_RELEASE_LTO", "false")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
        .env("FUZZ_INPUTS", inputs);
    if let Some(seed) = seed {
        command.env("FUZZ_SEED", seed);
    }
    run_command(command)
}
