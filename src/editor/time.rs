//! The browser's clock and timers, for the submit driver and debounced saving.

use crate::core::planner::Millis;

/// Milliseconds since the epoch (`Date.now()`), the planner's clock.
pub fn now_ms() -> Millis {
    js_sys::Date::now() as Millis
}

/// Resolves after `ms` milliseconds (a `setTimeout`).
pub async fn sleep(ms: Millis) {
    let ms = i32::try_from(ms).unwrap_or(i32::MAX);
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            // A window that refuses a timer resolves at once rather than hanging the caller.
            if window
                .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
                .is_err()
            {
                let _ = resolve.call0(&wasm_bindgen::JsValue::UNDEFINED);
            }
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
