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

/// The size of the app's WebAssembly memory in bytes. The benchmark (`tests/bench`) reads it
/// through the app's own JS module, so nothing is injected into the page and the
/// Content-Security-Policy stays as it is.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(js_name = wasmMemoryBytes)]
pub fn wasm_memory_bytes() -> f64 {
    use wasm_bindgen::JsCast;
    wasm_bindgen::memory()
        .unchecked_into::<js_sys::WebAssembly::Memory>()
        .buffer()
        .unchecked_into::<js_sys::ArrayBuffer>()
        .byte_length() as f64
}
