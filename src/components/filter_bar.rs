use leptos::prelude::*;

use crate::core::filter::{RowFilter, View};
use crate::editor::store::TableStore;

/// Show only some rows: changed, failed, invalid (any of those ticked), and containing a
/// text. The filter is applied when it changes and when rows are added, removed or sorted,
/// not while the user edits: a row that stops matching stays in view until "Apply again",
/// so nothing vanishes from under the cursor.
#[component]
pub fn FilterBar(
    store: TableStore,
    filter: RwSignal<RowFilter>,
    view: Memo<View>,
    /// Bumped by "Apply again".
    refresh: RwSignal<u64>,
) -> impl IntoView {
    let shown = move || view.with(|v| store.with(|t| v.len(t)));
    let status = move || {
        let total = store.len();
        if view.with(View::is_filtered) {
            format!("Showing {} of {total} rows", shown())
        } else {
            format!("Showing all {total} rows")
        }
    };
    let checkbox =
        move |label: &'static str, get: fn(&RowFilter) -> bool, set: fn(&mut RowFilter, bool)| {
            view! {
                <label class="filter-check">
                    <input
                        type="checkbox"
                        prop:checked=move || filter.with(get)
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            filter.update(|f| set(f, on));
                        }
                    />
                    {label}
                </label>
            }
        };
    view! {
        <div class="filter-bar" role="group" aria-label="Filter rows">
            <span class="filter-title">"Show only:"</span>
            {checkbox("Changed", |f| f.changed, |f, on| f.changed = on)}
            {checkbox("Failed", |f| f.failed, |f, on| f.failed = on)}
            {checkbox("Invalid", |f| f.invalid, |f, on| f.invalid = on)}
            <input
                type="search"
                class="filter-text"
                aria-label="Rows containing"
                placeholder="Rows containing…"
                prop:value=move || filter.with(|f| f.text.clone())
                on:input=move |ev| {
                    let text = event_target_value(&ev);
                    filter.update(|f| f.text = text);
                }
            />
            <Show when=move || filter.with(RowFilter::is_active)>
                <button type="button" on:click=move |_| refresh.update(|n| *n += 1)>"Apply again"</button>
                <button type="button" on:click=move |_| filter.set(RowFilter::default())>"Clear filter"</button>
            </Show>
            <span class="filter-status" role="status">{status}</span>
        </div>
    }
}
