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
