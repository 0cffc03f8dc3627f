use leptos::prelude::*;

use crate::components::{Shown, handler};

use crate::editor::session::Session;

/// The target database every request goes to, chosen from the configuration's list. A
/// change can be refused by `confirm_switch` (unsent edits in the current one).
#[component]
pub fn DatabasePicker(
    session: Session,
    #[prop(optional_no_strip)] confirm_switch: Option<Callback<String, bool>>,
    /// Locked while a submit runs: its rows go to the database it started with.
    #[prop(optional, into)]
    locked: Signal<bool>,
    /// Why some databases VBA lists are not in the list (their names cannot be sent).
    #[prop(optional, into)]
    not_offered: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <div class="database-picker">
            <label for="target-database">"Target database"</label>
            <select
                id="target-database"
                name="target-database"
                aria-describedby=move || session.is_guarded().then_some("guarded-marker")
                disabled=move || locked.get()
                prop:value=move || session.database.get()
                on:change=handler(move |ev| {
                    let wanted = event_target_value(&ev);
                    let allowed = confirm_switch.is_none_or(|confirm| confirm.run(wanted.clone()));
                    if allowed {
                        session.database.set(wanted);
                    } else {
                        // Put the select back on the database still in use.
                        session.database.notify();
                    }
                })
            >
                {move || {
                    session
                        .databases
                        .get()
                        .into_iter()
                        .map(|name| {
                            let value = name.clone();
                            // Each option says whether it is the one in use: `prop:value` on
                            // the select runs before the options are there, and not again
                            // when they are rebuilt.
                            let chosen = name.clone();
                            let selected = move || session.database.with(|d| *d == chosen);
                            view! { <option value=value prop:selected=selected>{name}</option> }
                        })
                        .collect_view()
                }}
            </select>
            <Shown when=move || session.is_guarded()>
                <span
                    id="guarded-marker"
                    class="guarded-marker"
                    title="A guarded database: sending to it asks you to type its name first"
                >
                    "Guarded"
                </span>
            </Shown>
            <Shown when=move || not_offered.with(Option::is_some)>
                <p class="picker-note" role="status">{move || not_offered.get()}</p>
            </Shown>
        </div>
    }
}
