//! The browser's clock and timers, for the submit driver and debounced saving.

use std::time::Duration;

use leptos::prelude::*;

use crate::core::planner::Millis;

/// Runs `work` after `delay` unless this is called again with the same `latest` meanwhile:
/// of a burst of calls, only the last one's work runs (a debounce). Nothing runs once
/// `latest` is gone (the page unmounted).
pub fn after_quiet(latest: StoredValue<u64>, delay: Duration, work: impl FnOnce() + 'static) {
    latest.update_value(|n| *n += 1);
    let call = latest.get_value();
    set_timeout(
        move || {
            if latest.try_get_value() == Some(call) {
                work();
            }
        },
        delay,
    );
}

/// Milliseconds since the epoch (`Date.now()`), the planner's clock.
pub fn now_ms() -> Millis {
    js_sys::Date::now() as Millis
}

/// Resolves after `ms` milliseconds (a `setTimeout`).
pub async fn sleep(ms: Millis) {
    crate::api::http::sleep(ms).await;
}

/// Milliseconds on the page's monotonic clock (`performance.now()`), for timing slices of
/// work; 0 outside a browser.
pub fn clock_ms() -> f64 {
    performance_now().unwrap_or(0.0)
}

/// Runs `work` as a `performance.measure` entry named `name`, so the benchmark (and anyone
/// with the browser's performance panel) sees how long the app's own part of a task took.
/// Outside a browser (native tests) it just runs `work`.
pub fn measured<R>(name: &str, work: impl FnOnce() -> R) -> R {
    let start = performance_now();
    let result = work();
    if let Some(start) = start {
        timing::measure(name, start);
    }
    result
}

fn performance_now() -> Option<f64> {
    if cfg!(target_arch = "wasm32") {
        Some(timing::now())
    } else {
        None
    }
}

mod timing {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(js_namespace = performance)]
        pub fn now() -> f64;
        #[wasm_bindgen(js_namespace = performance, js_name = measure, catch)]
        fn measure_from(name: &str, options: &JsValue) -> Result<JsValue, JsValue>;
    }

    /// A `performance.measure(name, {start})` entry ending now.
    pub fn measure(name: &str, start: f64) {
        let options = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&options, &"start".into(), &start.into());
        let _ = measure_from(name, &options);
    }
}
