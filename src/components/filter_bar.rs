use std::time::Duration;

use leptos::prelude::*;

use crate::components::{Shown, handler};

use crate::core::filter::{RowFilter, View};
use crate::editor::store::TableStore;
use crate::editor::time::after_quiet;

/// How long the text filter waits after a keystroke: a word typed is one re-filter of
/// 100,000 rows, not one per letter.
const TEXT_DELAY: Duration = Duration::from_millis(150);

/// Show only some rows: changed, failed, invalid, warned (any of those ticked), and containing a
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
    // The last keystroke's number: a pending re-filter applies only if none came after it.
    let typed = StoredValue::new(0_u64);
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
                        on:change=handler(move |ev| {
                            let on = event_target_checked(&ev);
                            filter.update(|f| set(f, on));
                        })
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
            {checkbox("Warnings", |f| f.warned, |f, on| f.warned = on)}
            {checkbox("Conflicts", |f| f.conflicts, |f, on| f.conflicts = on)}
            <input
                type="search"
                class="filter-text"
                aria-label="Rows containing"
                placeholder="Rows containing…"
                prop:value=move || filter.with(|f| f.text.clone())
                on:input=handler(move |ev| {
                    let text = event_target_value(&ev);
                    after_quiet(typed, TEXT_DELAY, move || {
                        if let Some(next) = filter.with_untracked(|f| f.with_text(&text)) {
                            filter.set(next);
                        }
                    });
                })
            />
            <Shown when=move || filter.with(RowFilter::is_active)>
                <button type="button" on:click=handler(move |_| refresh.update(|n| *n += 1))>"Apply again"</button>
                <button
                    type="button"
                    on:click=handler(move |_| {
                        typed.update_value(|n| *n += 1);
                        filter.set(RowFilter::default());
                    })
                >
                    "Clear filter"
                </button>
            </Shown>
            <span class="filter-status" role="status">{status}</span>
        </div>
    }
}
