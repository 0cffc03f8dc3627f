//! Where the keyboard focus goes when a step ends (signed in, loaded, sending, sent): to the
//! next step, so a keyboard user does not Tab from the top of the page again.
//!
//! The focus is moved only while it is *lost*: on the page itself (`<body>`, where the
//! browser leaves it when the focused element is disabled or removed), on a disabled
//! element, or on an element the ending step held (`from`). A user who put it somewhere
//! else meanwhile keeps it there.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Focuses the first of `targets` (CSS selectors, tried in order) that is in the page and
/// takes the focus, once the focus is lost (see the module); tried again at each frame until
/// one does, for at most `frames` frames (a target may be rendered or enabled later).
pub fn focus_next_step(targets: &'static [&'static str], from: Option<&'static str>, frames: u32) {
    if !focus_is_lost(from) {
        return;
    }
    if targets.iter().any(|t| take(t)) {
        return;
    }
    // After the reactive updates queued now (the target may be built by them), then by frame.
    leptos::task::spawn_local(async move { each_frame(targets, from, frames) });
}

fn each_frame(targets: &'static [&'static str], from: Option<&'static str>, frames: u32) {
    if !focus_is_lost(from) || targets.iter().any(|t| take(t)) || frames == 0 {
        return;
    }
    request_animation_frame(move || each_frame(targets, from, frames - 1));
}

/// Whether the focus is nowhere a user put it: see the module.
pub fn focus_is_lost(from: Option<&str>) -> bool {
    let Some(active) = document().active_element() else {
        return true;
    };
    let body = document()
        .body()
        .map(JsCast::unchecked_into::<web_sys::Element>);
    body.as_ref() == Some(&active)
        || active.matches(":disabled").unwrap_or(false)
        || from.is_some_and(|from| active.closest(from).ok().flatten().is_some())
}

/// Focuses the element `selector` finds; true when it has the focus then (a disabled or
/// hidden element does not take it).
fn take(selector: &str) -> bool {
    let Some(el) = document()
        .query_selector(selector)
        .ok()
        .flatten()
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
    else {
        return false;
    };
    let _ = el.focus();
    document().active_element().as_ref() == Some(el.unchecked_ref())
}
