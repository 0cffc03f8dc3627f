use leptos::ev;
use leptos::html::Div;
use leptos::prelude::*;

use crate::components::GridRow;
use crate::components::grid_columns::grid_columns;
use crate::core::draft::RowId;
use crate::editor::store::TableStore;

/// Height of one row in pixels; the CSS (`--row-height`) says the same.
pub const ROW_HEIGHT: f64 = 32.0;
/// Rows rendered above and below the visible ones, so fast scrolling shows no gaps.
const OVERSCAN: usize = 8;

/// The table of tolerances. Only the rows in view are in the page (virtual scrolling); a
/// spacer as tall as all rows gives the scrollbar its true size and position.
#[component]
pub fn ToleranceGrid(
    store: TableStore,
    /// The cell the user is in, for Duplicate and Delete and the problem line.
    active: RwSignal<Option<(RowId, usize)>>,
    /// Set to a row index to bring it into view (focus follows when it is rendered).
    reveal: RwSignal<Option<usize>>,
) -> impl IntoView {
    let scroller = NodeRef::<Div>::new();
    let scroll_top = RwSignal::new(0.0_f64);
    let viewport = RwSignal::new(600.0_f64);

    let measure = move || {
        if let Some(el) = scroller.get_untracked() {
            scroll_top.set(f64::from(el.scroll_top()));
            viewport.set(f64::from(el.client_height()));
        }
    };
    Effect::new(move |_| {
        scroller.track();
        measure();
    });
    let resize = window_event_listener(ev::resize, move |_| measure());
    on_cleanup(move || resize.remove());

    // Bring a row into view when asked (Submit's "first problem", a new row).
    Effect::new(move |_| {
        if let (Some(index), Some(el)) = (reveal.get(), scroller.get_untracked()) {
            let top = index as f64 * ROW_HEIGHT;
            let height = f64::from(el.client_height()) - ROW_HEIGHT * 2.0;
            let current = f64::from(el.scroll_top());
            if top < current || top > current + height {
                el.set_scroll_top((top - height / 2.0).max(0.0) as i32);
                measure();
            }
        }
    });

    let row_count = move || store.len();
    let visible = Memo::new(move |_| {
        let count = row_count();
        let first = (scroll_top.get() / ROW_HEIGHT).floor() as usize;
        let shown = (viewport.get() / ROW_HEIGHT).ceil() as usize + 1;
        let start = first.saturating_sub(OVERSCAN).min(count);
        let end = (first + shown + OVERSCAN).min(count);
        store.with(|t| {
            (start..end)
                .filter_map(|i| t.row_at(i).map(|r| r.id()))
                .collect::<Vec<_>>()
        })
    });

    view! {
        <div
            class="grid-scroller"
            node_ref=scroller
            role="grid"
            aria-label="Tolerances"
            aria-rowcount=move || row_count() + 1
            aria-colcount=grid_columns().len()
            on:scroll=move |_| measure()
        >
            <div class="grid-header" role="row" aria-rowindex="1">
                {grid_columns()
                    .into_iter()
                    .map(|column| {
                        view! {
                            <div class=format!("grid-cell header {}", column.class) role="columnheader">
                                {column.title}
                            </div>
                        }
                    })
                    .collect_view()}
            </div>
            <div
                class="grid-body"
                style:height=move || format!("{}px", row_count() as f64 * ROW_HEIGHT)
            >
                <For each=move || visible.get() key=|id| *id let(id)>
                    <GridRow store id active />
                </For>
            </div>
            <Show when=move || row_count() == 0>
                <p class="grid-empty">
                    "No rows yet. Use “Add row”, or load the database’s tolerances."
                </p>
            </Show>
        </div>
    }
}
