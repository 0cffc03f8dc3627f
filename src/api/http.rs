//! Carries a [`RequestSpec`] over `fetch` (gloo-net) with the contract's 30-second timeout:
//! an `AbortController` that a timer aborts. The only part of the client that needs a browser.

use std::cell::Cell;
use std::rc::Rc;

use gloo_net::http::{Headers, Method as HttpMethod, RequestBuilder};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use super::error::{ApiError, RequestError, TIMEOUT_MS};
use super::wire::{Method, RawResponse, RequestSpec};
use crate::core::header_value;

pub(crate) async fn execute(spec: &RequestSpec) -> Result<RawResponse, ApiError> {
    Ok(fetch(spec).await?.into_raw())
}

/// An answer read whole, its body still in JavaScript's memory: a list's next pages wait
/// this way until taken, so that wasm memory (which never shrinks) holds only the page
/// being read, not the four in flight (some 3 MB at the end of a 100,000-row load).
pub(crate) struct Answer {
    pub status: u16,
    body: js_sys::ArrayBuffer,
    retry_after: Option<String>,
    pagination: Option<String>,
}

impl Answer {
    /// The answer in wasm memory, its body read as `Response.text()` reads it.
    pub fn into_raw(self) -> RawResponse {
        RawResponse {
            status: self.status,
            body: utf8_text(js_sys::Uint8Array::new(&self.body).to_vec()),
            retry_after: self.retry_after,
            pagination: self.pagination,
        }
    }
}

/// Carries `spec` and reads its answer whole, under the contract's timeout.
pub(crate) async fn fetch(spec: &RequestSpec) -> Result<Answer, ApiError> {
    let controller = web_sys::AbortController::new()
        .map_err(|err| build_error(format!("no AbortController: {err:?}")))?;
    let timed_out = Rc::new(Cell::new(false));
    // Dropped on every way out of this function, which clears the timer.
    let _timer = {
        let controller = controller.clone();
        let timed_out = timed_out.clone();
        Timer::start(TIMEOUT_MS, move || {
            timed_out.set(true);
            controller.abort();
        })?
    };
    let method = match spec.method {
        Method::Get => HttpMethod::GET,
        Method::Post => HttpMethod::POST,
        Method::Put => HttpMethod::PUT,
    };
    let signal = controller.signal();
    let builder = RequestBuilder::new(&spec.url)
        .method(method)
        .abort_signal(Some(&signal))
        .headers(headers(spec)?);
    let request = match &spec.body {
        Some(body) => builder.body(body.as_str()),
        None => builder.build(),
    }
    .map_err(|err| build_error(err.to_string()))?;
    let failed = |err: gloo_net::Error| {
        if timed_out.get() {
            ApiError::Timeout
        } else {
            ApiError::Network(err.to_string())
        }
    };
    let response = request.send().await.map_err(failed)?;
    let headers = response.headers();
    let (status, retry_after, pagination) = (
        response.status(),
        headers.get("retry-after"),
        headers.get("x-pagination"),
    );
    // The body is read under the same timer: a stalled body times out too. Read as bytes,
    // later copied straight into wasm memory (a 5,000-row page is about 1 MB): as text it
    // would be decoded into a JavaScript string and encoded back, twice the work.
    let raw = web_sys::Response::from(response);
    let read = raw.array_buffer().map_err(|err| failed(js_error(err)))?;
    let body = wasm_bindgen_futures::JsFuture::from(read)
        .await
        .map_err(|err| failed(js_error(err)))?;
    Ok(Answer {
        status,
        body: body.unchecked_into(),
        retry_after,
        pagination,
    })
}

/// A JavaScript exception as gloo-net reports one ("TypeError: network error").
fn js_error(err: wasm_bindgen::JsValue) -> gloo_net::Error {
    let text = match err.dyn_ref::<js_sys::Error>() {
        Some(err) => format!(
            "{}: {}",
            String::from(err.name()),
            String::from(err.message())
        ),
        None => format!("{err:?}"),
    };
    gloo_net::Error::GlooError(text)
}

/// The request's headers, each value checked first: gloo-net's own `header` throws a
/// JavaScript exception on a value the browser refuses, which would end the task that
/// awaited the request (a sign-in would stay "Signing in…" forever).
fn headers(spec: &RequestSpec) -> Result<Headers, ApiError> {
    let headers = web_sys::Headers::new().map_err(|err| build_error(format!("{err:?}")))?;
    for (name, value) in &spec.headers {
        let refused = |problem| {
            ApiError::Request(RequestError::HeaderValue {
                header: name,
                problem,
            })
        };
        header_value::check(value).map_err(refused)?;
        // The check follows the Fetch Standard; should a browser refuse more, that is an
        // error too, never an exception.
        headers
            .set(name, value)
            .map_err(|err| build_error(format!("the {name} header was refused: {err:?}")))?;
    }
    Ok(Headers::from_raw(headers))
}

fn build_error(reason: String) -> ApiError {
    ApiError::Request(RequestError::Build(reason))
}

/// A body's bytes as `Response.text()` reads them: UTF-8 without a leading byte order
/// mark, malformed sequences replaced by U+FFFD.
fn utf8_text(mut bytes: Vec<u8>) -> String {
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
    }
    String::from_utf8(bytes)
        .unwrap_or_else(|err| String::from_utf8_lossy(err.as_bytes()).into_owned())
}

/// A `setTimeout` cleared when dropped, so its callback never runs after the request is over
/// (nor after the closure is freed).
struct Timer {
    handle: i32,
    _callback: Closure<dyn FnMut()>,
}

impl Timer {
    fn start(ms: u32, callback: impl FnMut() + 'static) -> Result<Timer, ApiError> {
        let window =
            web_sys::window().ok_or_else(|| build_error("no window to time with".into()))?;
        let callback = Closure::<dyn FnMut()>::new(callback);
        let handle = window
            .set_timeout_with_callback_and_timeout_and_arguments_0(
                callback.as_ref().unchecked_ref(),
                i32::try_from(ms).unwrap_or(i32::MAX),
            )
            .map_err(|err| build_error(format!("no timer: {err:?}")))?;
        Ok(Timer {
            handle,
            _callback: callback,
        })
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        if let Some(window) = web_sys::window() {
            window.clear_timeout_with_handle(self.handle);
        }
    }
}

/// Resolves after `ms` milliseconds (a `setTimeout`); at once if the page has no window.
pub(crate) async fn sleep(ms: u64) {
    let ms = i32::try_from(ms).unwrap_or(i32::MAX);
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let scheduled = web_sys::window().is_some_and(|window| {
            window
                .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
                .is_ok()
        });
        if !scheduled {
            let _ = resolve.call0(&wasm_bindgen::JsValue::UNDEFINED);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

#[cfg(test)]
mod tests {
    use super::utf8_text;

    #[test]
    fn a_body_reads_as_response_text_reads_it() {
        assert_eq!(
            utf8_text(b"\xEF\xBB\xBF{\"data\":[]}".to_vec()),
            "{\"data\":[]}"
        );
        assert_eq!(
            utf8_text("caf\u{e9} \u{feff}".as_bytes().to_vec()),
            "caf\u{e9} \u{feff}"
        );
        assert_eq!(utf8_text(b"a\xFFb\xE2\x82".to_vec()), "a\u{fffd}b\u{fffd}");
        assert_eq!(utf8_text(Vec::new()), "");
    }
}
