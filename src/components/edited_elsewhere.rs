use leptos::prelude::*;

use crate::components::{Shown, handler};
use crate::editor::tab_lock::TabLock;

/// Says that the database chosen is being edited in another tab of this browser (so this
/// one shows and saves none of it), and offers to take the editing over.
#[component]
pub fn EditedElsewhere(tabs: TabLock, take_over: Callback<()>) -> impl IntoView {
    let database = move || tabs.elsewhere.get().unwrap_or_default();
    view! {
        <Shown when=move || tabs.elsewhere.with(Option::is_some)>
            <section class="edited-elsewhere" role="alert" aria-label="Edited in another tab">
                <p>
                    {move || format!(
                        "{} is being edited in another tab of this browser. This tab shows and changes none of it, so that neither tab writes over the other's draft.",
                        database()
                    )}
                </p>
                <button
                    type="button"
                    disabled=move || tabs.taking_over.get()
                    on:click=handler(move |_| take_over.run(()))
                >
                    "Edit here instead"
                </button>
                <Shown when=move || tabs.taking_over.get()>
                    <p role="status">
                        "Waiting for the other tab to finish what it is sending, save its draft and stop…"
                    </p>
                </Shown>
            </section>
        </Shown>
    }
}
