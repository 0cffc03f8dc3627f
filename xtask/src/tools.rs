//! Installs the tools the build and the tests need, each only when missing or at the wrong
//! version, and says what it does. Nothing is downloaded but from the package registries.

use std::ffi::OsString;
use std::path::PathBuf;

use crate::shell::{cmd, find_on_path, on_path, read, root, run, say};

const TRUNK_VERSION: &str = "0.21";
/// Trunk 0.21 asks for this wasm-opt; the `binaryen` npm package of the same number has it.
const BINARYEN_VERSION: &str = "123.0.0";
const WASM_OPT_TAG: &str = "version_123";
/// Minifies the wasm-bindgen JS glue (Trunk's own minifier barely shrinks it).
const TERSER_VERSION: &str = "5.51.4";
const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// Drives Firefox ESR 128 and later.
const GECKODRIVER_VERSION: &str = "0.37.1";

/// Where xtask keeps tools it installs itself (wasm-opt).
fn tools_dir() -> PathBuf {
    root().join("target").join("xtask-tools")
}

/// PATH with the tools xtask installs in front, for Trunk and the test runners.
pub fn path_with_tools() -> OsString {
    let mut dirs = vec![tools_dir().join("node_modules").join(".bin")];
    if let Some(home) = std::env::var_os("CARGO_HOME").or_else(|| {
        std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo").into_os_string())
    }) {
        dirs.push(PathBuf::from(home).join("bin"));
    }
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(dirs).expect("PATH entries hold no separator")
}

/// Everything `cargo xtask run` and `dist` need.
pub fn ensure_build_tools() -> Result<(), String> {
    ensure_wasm_target()?;
    ensure_trunk()?;
    ensure_wasm_bindgen()?;
    ensure_wasm_opt()?;
    ensure_terser()
}

/// Everything the tests need on top of the build tools.
pub fn ensure_test_tools() -> Result<(), String> {
    ensure_build_tools()?;
    ensure_rustup_component("rustfmt")?;
    ensure_rustup_component("clippy")?;
    ensure_browser()?;
    ensure_geckodriver()?;
    ensure_e2e_packages()
}

fn ensure_wasm_target() -> Result<(), String> {
    let installed = read(cmd("rustup", ["target", "list", "--installed"])).unwrap_or_default();
    if installed.lines().any(|line| line.trim() == WASM_TARGET) {
        return Ok(());
    }
    say(format!("installing the Rust target {WASM_TARGET}"));
    run(cmd("rustup", ["target", "add", WASM_TARGET]))
}

fn ensure_rustup_component(component: &str) -> Result<(), String> {
    let installed = read(cmd("rustup", ["component", "list", "--installed"])).unwrap_or_default();
    if installed.lines().any(|line| line.starts_with(component)) {
        return Ok(());
    }
    say(format!("installing the Rust component {component}"));
    run(cmd("rustup", ["component", "add", component]))
}

fn tool_version(program: &str) -> Option<String> {
    let mut command = cmd(program, ["--version"]);
    command.env("PATH", path_with_tools());
    read(command)
}

fn ensure_trunk() -> Result<(), String> {
    let wanted = format!("trunk {TRUNK_VERSION}.");
    if tool_version("trunk").is_some_and(|v| v.starts_with(&wanted)) {
        return Ok(());
    }
    say(format!(
        "installing Trunk {TRUNK_VERSION} with cargo (about 10 minutes on 2 cores, once)"
    ));
    let version = format!("~{TRUNK_VERSION}");
    run(cmd(
        "cargo",
        ["install", "trunk", "--locked", "--version", &version],
    ))
}

/// The wasm-bindgen version in Cargo.lock: the CLI must be exactly this one.
pub fn locked_wasm_bindgen_version() -> Result<String, String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock"))
        .map_err(|err| format!("cannot read Cargo.lock: {err}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == r#"name = "wasm-bindgen""#
            && let Some(version) = lines
                .next()
                .and_then(|l| l.strip_prefix("version = \""))
                .and_then(|l| l.strip_suffix('"'))
        {
            return Ok(version.to_string());
        }
    }
    Err("Cargo.lock has no wasm-bindgen package".into())
}

fn ensure_wasm_bindgen() -> Result<(), String> {
    let version = locked_wasm_bindgen_version()?;
    let wanted = format!("wasm-bindgen {version}");
    let runner_ok = tool_version("wasm-bindgen-test-runner").is_some();
    if tool_version("wasm-bindgen").is_some_and(|v| v.trim() == wanted) && runner_ok {
        return Ok(());
    }
    say(format!(
        "installing wasm-bindgen-cli {version} (the version in Cargo.lock) with cargo"
    ));
    // Not --locked: the registry lacks one of the CLI's locked dependencies.
    run(cmd(
        "cargo",
        [
            "install",
            "wasm-bindgen-cli",
            "--force",
            "--version",
            &version,
        ],
    ))
}

fn ensure_wasm_opt() -> Result<(), String> {
    if tool_version("wasm-opt").is_some_and(|v| v.contains(WASM_OPT_TAG)) {
        return Ok(());
    }
    require_npm()?;
    let dir = tools_dir();
    say(format!(
        "installing wasm-opt (npm package binaryen@{BINARYEN_VERSION}) into {}",
        dir.display()
    ));
    std::fs::create_dir_all(&dir)
        .map_err(|err| format!("cannot create {}: {err}", dir.display()))?;
    let package = format!("binaryen@{BINARYEN_VERSION}");
    let mut install = cmd("npm", ["install", "--no-audit", "--no-fund", "--prefix"]);
    install.arg(&dir).arg(package);
    run(install)
}

/// The terser package's entry point, for `node`.
pub fn terser_module() -> PathBuf {
    tools_dir().join("node_modules").join("terser")
}

fn ensure_terser() -> Result<(), String> {
    let manifest = terser_module().join("package.json");
    let installed = std::fs::read_to_string(&manifest).unwrap_or_default();
    if installed.contains(&format!("\"version\": \"{TERSER_VERSION}\"")) {
        return Ok(());
    }
    require_npm()?;
    let dir = tools_dir();
    say(format!(
        "installing terser@{TERSER_VERSION} (npm) into {}",
        dir.display()
    ));
    std::fs::create_dir_all(&dir)
        .map_err(|err| format!("cannot create {}: {err}", dir.display()))?;
    let mut install = cmd("npm", ["install", "--no-audit", "--no-fund", "--prefix"]);
    install.arg(&dir).arg(format!("terser@{TERSER_VERSION}"));
    run(install)
}

fn require_npm() -> Result<(), String> {
    if on_path("npm") && on_path("node") {
        Ok(())
    } else {
        Err(
            "Node.js and npm are needed (for wasm-opt and the end-to-end tests); \
             install them with `apt-get install -y nodejs npm`"
                .into(),
        )
    }
}

/// Debian's Chromium and ChromeDriver, for browser and end-to-end tests.
pub fn chromium() -> PathBuf {
    find_on_path("chromium").unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"))
}

pub fn chromedriver() -> PathBuf {
    find_on_path("chromedriver").unwrap_or_else(|| PathBuf::from("/usr/bin/chromedriver"))
}

/// Debian's nginx, which the reference deployment (`deploy/nginx/`) is tested on.
pub fn nginx() -> PathBuf {
    find_on_path("nginx").unwrap_or_else(|| PathBuf::from("/usr/sbin/nginx"))
}

/// Where Debian puts nginx's dynamic modules (`brotli_static` among them).
pub const NGINX_MODULES: &str = "/usr/lib/nginx/modules";
const BROTLI_STATIC_MODULE: &str = "ngx_http_brotli_static_module.so";

/// Debian's Firefox ESR, the second browser engine of the end-to-end tests.
pub fn firefox() -> PathBuf {
    find_on_path("firefox-esr").unwrap_or_else(|| PathBuf::from("/usr/bin/firefox-esr"))
}

/// geckodriver, which cargo installs into its bin folder.
pub fn geckodriver() -> PathBuf {
    std::env::split_paths(&path_with_tools())
        .map(|dir| dir.join("geckodriver"))
        .find(|path| path.is_file())
        .unwrap_or_else(|| PathBuf::from("geckodriver"))
}

/// Debian packages the tests need, each with a file that shows it is installed.
fn system_packages() -> Vec<(&'static str, PathBuf)> {
    vec![
        ("chromium", chromium()),
        ("chromium-driver", chromedriver()),
        ("nginx", nginx()),
        (
            "libnginx-mod-http-brotli-static",
            PathBuf::from(NGINX_MODULES).join(BROTLI_STATIC_MODULE),
        ),
        ("firefox-esr", firefox()),
        // tests/spreadsheet_reader.rs: a real spreadsheet opens the exports (about 30 s and
        // 276 MB to install on a fresh machine, 10 s to run).
        ("libreoffice-calc-nogui", PathBuf::from("/usr/bin/soffice")),
    ]
}

fn ensure_browser() -> Result<(), String> {
    let missing: Vec<&str> = system_packages()
        .into_iter()
        .filter(|(_, file)| !file.is_file())
        .map(|(package, _)| package)
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    if !on_path("apt-get") {
        return Err(format!(
            "{} missing and apt-get is not here to install them",
            missing.join(", ")
        ));
    }
    say(format!("installing {} with apt-get", missing.join(", ")));
    let mut update = cmd("apt-get", ["update"]);
    update.env("DEBIAN_FRONTEND", "noninteractive");
    run(update)?;
    let mut install = cmd("apt-get", ["install", "-y", "--no-install-recommends"]);
    install
        .args(&missing)
        .env("DEBIAN_FRONTEND", "noninteractive");
    run(install)
}

/// geckodriver drives Firefox ESR through WebDriver; it is a crate, so cargo builds it.
fn ensure_geckodriver() -> Result<(), String> {
    let wanted = format!("geckodriver {GECKODRIVER_VERSION}");
    if tool_version("geckodriver").is_some_and(|v| v.starts_with(&wanted)) {
        return Ok(());
    }
    say(format!(
        "installing geckodriver {GECKODRIVER_VERSION} with cargo (a few minutes, once)"
    ));
    run(cmd(
        "cargo",
        [
            "install",
            "geckodriver",
            "--locked",
            "--version",
            GECKODRIVER_VERSION,
        ],
    ))
}

/// playwright-core and selenium-webdriver for the end-to-end tests, exactly as `tests/e2e/package-lock.json` says.
fn ensure_e2e_packages() -> Result<(), String> {
    let e2e = root().join("tests").join("e2e");
    let lock = e2e.join("package-lock.json");
    let stamp = e2e.join("node_modules").join(".package-lock.json");
    let fresh = match (std::fs::metadata(&lock), std::fs::metadata(&stamp)) {
        (Ok(lock), Ok(stamp)) => match (lock.modified(), stamp.modified()) {
            (Ok(lock), Ok(stamp)) => stamp >= lock,
            _ => false,
        },
        _ => false,
    };
    if fresh {
        return Ok(());
    }
    require_npm()?;
    say("installing the end-to-end test packages (npm ci in tests/e2e)");
    let mut install = cmd("npm", ["ci", "--no-audit", "--no-fund"]);
    install.current_dir(&e2e);
    run(install)
}
