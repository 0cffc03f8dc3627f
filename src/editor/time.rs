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

/// Resolves in a task of its own, queued at once: the browser paints and handles input
/// first when they are due, and nothing waits the 4 ms a nested `setTimeout(0)` is held to.
pub async fn next_task() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if !tasks::queue(resolve.clone()) {
            let _ = resolve.call0(&wasm_bindgen::JsValue::UNDEFINED);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// A `MessageChannel` the page keeps: each message posted to it is a task that wakes the
/// next waiter, in the order they were queued.
mod tasks {
    use std::cell::RefCell;
    use std::collections::VecDeque;

    use wasm_bindgen::prelude::*;
    use web_sys::MessageChannel;

    thread_local! {
        static WAITING: RefCell<VecDeque<js_sys::Function>> = RefCell::default();
        static CHANNEL: Option<(MessageChannel, Closure<dyn Fn()>)> = {
            let channel = MessageChannel::new().ok()?;
            let on_message = Closure::<dyn Fn()>::new(|| {
                let next = WAITING.with(|waiting| waiting.borrow_mut().pop_front());
                if let Some(resolve) = next {
                    let _ = resolve.call0(&JsValue::UNDEFINED);
                }
            });
            channel
                .port1()
                .set_onmessage(Some(on_message.as_ref().unchecked_ref()));
            Some((channel, on_message))
        };
    }

    /// Queues `resolve` to be called in a task of its own; false when there is no channel.
    pub fn queue(resolve: js_sys::Function) -> bool {
        CHANNEL.with(|channel| {
            let Some((channel, _)) = channel else {
                return false;
            };
            WAITING.with(|waiting| waiting.borrow_mut().push_back(resolve));
            let posted = channel.port2().post_message(&JsValue::UNDEFINED).is_ok();
            if !posted {
                WAITING.with(|waiting| waiting.borrow_mut().pop_back());
            }
            posted
        })
    }
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
