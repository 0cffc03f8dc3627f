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
    let config = LocalResource::new(move || load_config(config_url));
    view! {
        <header class="app-header">
            <h1>"Tolerance Editor"</h1>
        </header>
        <main id="main" class="app-main">
            <Suspense fallback=|| {
                view! { <p role="status">"Loading configuration…"</p> }
            }>
                {move || {
                    config
                        .get()
                        .map(|loaded| match loaded {
                            Ok(config) => view! { <EditorPage config /> }.into_any(),
                            Err(error) => view! { <ConfigProblem error /> }.into_any(),
                        })
                }}
            </Suspense>
        </main>
    }
}
