//! Tolerance Editor: edit VBAPI tolerances in bulk, in the browser.
//!
//! `core` is plain Rust, tested natively; `api` is the VBAPI client; `components` are the
//! Leptos views; `App` ties them together. See ARCHITECTURE.md for the map.

pub mod api;
pub mod components;
pub mod config_loader;
pub mod core;
pub mod editor;

mod app;

pub use app::{App, AppShell};

/// Where the runtime configuration is read from, relative to `index.html`.
pub const CONFIG_URL: &str = "config.json";
