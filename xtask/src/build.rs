//! Building the release app with Trunk, and the sandbox with cargo.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use crate::shell::{cmd, root, run, say};
use crate::tools::path_with_tools;

/// The inputs of the app's build: when none of them changed, `dist/` is up to date.
const APP_INPUTS: &[&str] = &[
    "src",
    "style",
    "public",
    "index.html",
    "Trunk.toml",
    "Cargo.toml",
    "Cargo.lock",
];
const FINGERPRINT: &str = ".xtask-fingerprint";

pub fn dist_dir() -> PathBuf {
    root().join("dist")
}

/// Builds the app in release mode into `dist/`, unless nothing it is built from changed since
/// the last build (Trunk itself would re-run wasm-bindgen and wasm-opt every time).
pub fn app_release() -> Result<PathBuf, String> {
    let dist = dist_dir();
    let fingerprint = inputs_fingerprint()?;
    let recorded = std::fs::read_to_string(dist.join(FINGERPRINT)).unwrap_or_default();
    if recorded.trim() == fingerprint && dist.join("index.html").is_file() {
        say("the app is up to date in dist/ (nothing it is built from changed)");
        return Ok(dist);
    }
    // Trunk's --offline reaches cargo too: the crates must be on this machine first.
    run(cmd(
        "cargo",
        ["fetch", "--target", "wasm32-unknown-unknown"],
    ))?;
    let mut trunk = cmd("trunk", ["build", "--release", "--offline"]);
    trunk.env("PATH", path_with_tools());
    run(trunk)?;
    std::fs::write(dist.join(FINGERPRINT), &fingerprint)
        .map_err(|err| format!("cannot write the build fingerprint: {err}"))?;
    Ok(dist)
}

/// Builds the sandbox (debug: it is a local tool, and tests share its artifacts).
pub fn sandbox() -> Result<PathBuf, String> {
    run(cmd("cargo", ["build", "--package", "vbapi-sandbox"]))?;
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"));
    Ok(target.join("debug").join("vbapi-sandbox"))
}

/// Builds the sandbox in release mode, for the benchmark: its figures are the app's, not
/// those of an unoptimised server.
pub fn sandbox_release() -> Result<PathBuf, String> {
    run(cmd(
        "cargo",
        ["build", "--release", "--package", "vbapi-sandbox"],
    ))?;
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"));
    Ok(target.join("release").join("vbapi-sandbox"))
}

/// A hash of every input file's path, size and modification time.
fn inputs_fingerprint() -> Result<String, String> {
    let mut files = Vec::new();
    for input in APP_INPUTS {
        collect_files(&root().join(input), &mut files);
    }
    files.sort();
    let mut hasher = DefaultHasher::new();
    for file in &files {
        let meta = std::fs::metadata(file).map_err(|err| format!("{}: {err}", file.display()))?;
        let modified = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        (file, meta.len(), modified).hash(&mut hasher);
    }
    Ok(format!("{:016x}", hasher.finish()))
}

fn collect_files(path: &Path, files: &mut Vec<PathBuf>) {
    if path.is_file() {
        files.push(path.to_path_buf());
    } else if let Ok(entries) = std::fs::read_dir(path) {
        for entry in entries.flatten() {
            collect_files(&entry.path(), files);
        }
    }
}

/// Prints each file of the bundle with its size as stored and as sent with `gzip -9`.
pub fn print_sizes(dist: &Path) -> Result<(), String> {
    let mut files = Vec::new();
    collect_files(dist, &mut files);
    files.retain(|f| !f.ends_with(FINGERPRINT));
    files.sort();
    let (mut raw_total, mut gzip_total) = (0, 0);
    println!("{:<48} {:>10} {:>10}", "file", "bytes", "gzip -9");
    for file in &files {
        let raw = std::fs::metadata(file).map_err(|e| e.to_string())?.len();
        let gzip = gzip_size(file)?;
        raw_total += raw;
        gzip_total += gzip;
        let name = file
            .strip_prefix(dist)
            .unwrap_or(file)
            .display()
            .to_string();
        println!("{name:<48} {raw:>10} {gzip:>10}");
    }
    println!("{:<48} {raw_total:>10} {gzip_total:>10}", "total");
    Ok(())
}

fn gzip_size(file: &Path) -> Result<u64, String> {
    let output = std::process::Command::new("gzip")
        .args(["-9", "--stdout"])
        .arg(file)
        .output()
        .map_err(|err| format!("cannot run gzip: {err}"))?;
    if !output.status.success() {
        return Err(format!("gzip failed on {}", file.display()));
    }
    Ok(output.stdout.len() as u64)
}
