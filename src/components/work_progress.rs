use leptos::prelude::*;

use crate::components::Shown;

use crate::editor::bulk::Work;

/// The progress of a big paste or import: "Pasting… 40%" and a bar, announced politely.
#[component]
pub fn WorkProgress(work: RwSignal<Option<Work>>) -> impl IntoView {
    let percent = move || work.with(|w| w.as_ref().map_or(0, Work::percent));
    let label = move || work.with(|w| w.as_ref().map_or("", |w| w.label));
    view! {
        <Shown when=move || work.with(Option::is_some)>
            <div class="work-progress" role="status">
                <span>{move || format!("{}… {}%", label(), percent())}</span>
                <div
                    class="work-bar"
                    role="progressbar"
                    aria-label=label
                    aria-valuemin="0"
                    aria-valuemax="100"
                    aria-valuenow=percent
                >
                    <div class="work-bar-done" style:width=move || format!("{}%", percent())></div>
                </div>
            </div>
        </Shown>
    }
}
