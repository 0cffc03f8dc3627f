//! Event handlers boxed into one type per event.
//!
//! Leptos compiles its attribute and listener code once per handler type, and every closure
//! is a type of its own; boxed, all `on:click` handlers share one copy of that code (see
//! README, "Size on the wire").

/// An event handler for `on:…`, as in `on:click=handler(move |_| …)`.
pub fn handler<E: 'static>(on_event: impl FnMut(E) + 'static) -> Box<dyn FnMut(E)> {
    Box::new(on_event)
}
