use leptos::html::Dialog;
use leptos::prelude::*;

use crate::components::focus_next::focus_next_step;
use crate::components::{Shown, handler};

use crate::components::SignInForm;
use crate::editor::check::CheckControl;
use crate::editor::session::Session;
use crate::editor::submit::SubmitControl;

/// Opens over the table when a submit or a check with the server meets an expired session;
/// signing in lets it carry on where it stopped.
#[component]
pub fn ReauthDialog(
    session: Session,
    submit: SubmitControl,
    /// A check with the server that met an expired session stops too.
    check: CheckControl,
) -> impl IntoView {
    let dialog = NodeRef::<Dialog>::new();
    Effect::new(move |_| {
        let open = session.reauth_needed.get();
        if let Some(el) = dialog.get() {
            if open && !el.open() {
                let _ = el.show_modal();
            } else if !open && el.open() {
                // The browser puts the focus back where it was before the dialog; when that
                // is gone (a submit's progress, ended), it goes to what runs or to Load.
                el.close();
                focus_next_step(
                    &[
                        "#submit-progress",
                        "#submit-summary:not(:empty)",
                        "#load-tolerances",
                    ],
                    None,
                    30,
                );
            }
        }
    });
    view! {
        <dialog node_ref=dialog class="reauth" aria-labelledby="reauth-title" on:cancel=handler(move |ev: web_sys::Event| ev.prevent_default())>
            <h2 id="reauth-title">"Sign in again"</h2>
            <Shown when=move || session.reauth_needed.get()>
                <SignInForm session reauth=true />
            </Shown>
            <button type="button" on:click=handler(move |_| {
                submit.cancel();
                check.cancel();
            })>
                {move || if submit.running.get() { "Stop the submit" } else { "Stop the check" }}
            </button>
        </dialog>
    }
}
