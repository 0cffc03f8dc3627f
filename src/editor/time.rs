//! The browser's clock and timers, for the submit driver and debounced saving.

use crate::core::planner::Millis;

/// Milliseconds since the epoch (`Date.now()`), the planner's clock.
pub fn now_ms() -> Millis {
    js_sys::Date::now() as Millis
}

/// Resolves after `ms` milliseconds (a `setTimeout`).
pub async fn sleep(ms: Millis) {
    crate::api::http::sleep(ms).await;
}
