use leptos::prelude::*;

use crate::CONFIG_URL;
use crate::components::{ConfigProblem, EditorPage};
use crate::config_loader::load_config;

/// The whole app, reading its configuration from `config.json` beside `index.html`.
#[component]
pub fn App() -> impl IntoView {
    view! { <AppShell config_url=CONFIG_URL /> }
}

/// The app with its configuration source given, so tests can point it anywhere.
#[component]
pub fn AppShell(config_url: &'static str) -> impl IntoView {
    // A signal set once by a task, not a LocalResource under <Suspense>: the app waits for
    // nothing else asynchronous, and Leptos's async-derived and suspense machinery would
    // add some 30 KB of wasm for this one fetch.
    let config = RwSignal::new(None);
    leptos::task::spawn_local(async move {
        config.set(Some(load_config(config_url).await));
    });
    view! {
        <header class="app-header">
            <h1>"Tolerance Editor"</h1>
        </header>
        <main id="main" class="app-main">
            {move || match config.get() {
                None => view! { <p role="status">"Loading configuration…"</p> }.into_any(),
                Some(Ok(config)) => view! { <EditorPage config /> }.into_any(),
                Some(Err(error)) => view! { <ConfigProblem error /> }.into_any(),
            }}
        </main>
    }
}
