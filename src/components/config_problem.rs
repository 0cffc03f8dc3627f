use leptos::prelude::*;

use crate::config_loader::ConfigLoadError;

/// Shown instead of the editor when `config.json` is missing or wrong, so a broken deployment
/// says what to fix rather than showing a blank page.
#[component]
pub fn ConfigProblem(error: ConfigLoadError) -> impl IntoView {
    view! {
        <section class="config-problem" role="alert">
            <h2>"The app cannot start"</h2>
            <p>{error.to_string()}</p>
            <p>
                "Whoever deployed this app should check the file config.json next to index.html."
            </p>
        </section>
    }
}
