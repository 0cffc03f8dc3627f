use leptos::ev;
use leptos::html::Div;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{ClipboardEvent, HtmlInputElement, KeyboardEvent};

use crate::components::grid_columns::grid_columns;
use crate::components::{GridRow, PendingImport, cell_dom_id, start_import};
use crate::core::clipboard::parse_tsv;
use crate::core::columns::{EDITABLE_COUNT, Field};
use crate::core::draft::RowId;
use crate::core::paste::{CellPos, Extent, plan_paste};
use crate::core::table::Table;
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
    /// Where a paste reports what it did.
    notice: RwSignal<Option<String>>,
    /// While a submit runs, undo, redo and paste wait (typing in a cell still works).
    #[prop(optional, into)]
    frozen: Signal<bool>,
    /// Where a CSV file dropped on the table goes for its preview.
    #[prop(optional)]
    importing: Option<RwSignal<Option<PendingImport>>>,
) -> impl IntoView {
    let scroller = NodeRef::<Div>::new();
    // The sort keys, first first: a click sorts by a column, a shift-click adds one.
    let sort = RwSignal::new(Vec::<(Field, bool)>::new());
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
            on:keydown=move |ev| on_key(&ev, store, active, reveal, viewport, frozen)
            on:dragover=move |ev: web_sys::DragEvent| {
                if importing.is_some() {
                    ev.prevent_default();
                }
            }
            on:drop=move |ev: web_sys::DragEvent| {
                let (Some(importing), false) = (importing, frozen.get_untracked()) else {
                    return;
                };
                ev.prevent_default();
                let file = ev.data_transfer().and_then(|d| d.files()).and_then(|f| f.get(0));
                if let Some(file) = file {
                    start_import(file, importing, notice);
                }
            }
            on:paste=move |ev| {
                if !frozen.get_untracked() {
                    on_paste(&ev, store, active, notice);
                }
            }
        >
            <div class="grid-header" role="row" aria-rowindex="1">
                {grid_columns()
                    .into_iter()
                    .map(|column| match column.field {
                        Some(field) => view! { <SortHeader store field class=column.class sort /> }.into_any(),
                        None => view! {
                            <div class=format!("grid-cell header {}", column.class) role="columnheader">
                                {column.title}
                            </div>
                        }
                        .into_any(),
                    })
                    .collect_view()}
            </div>
            <div
                class="grid-body"
                style:height=move || format!("{}px", row_count() * ROW_HEIGHT as usize)
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

/// Spreadsheet keys in a cell: arrows, Enter, Page Up/Down and Ctrl-Home/End move the active
/// cell (Left and Right only from the text's edge, so they still move the caret); Escape puts
/// back the text the cell had before the typing; Ctrl-Z undoes and Ctrl-Y or Ctrl-Shift-Z redoes
/// in the table, not just in the one input.
fn on_key(
    ev: &KeyboardEvent,
    store: TableStore,
    active: RwSignal<Option<(RowId, usize)>>,
    reveal: RwSignal<Option<usize>>,
    viewport: RwSignal<f64>,
    frozen: Signal<bool>,
) {
    let Some((id, column)) = active.get_untracked() else {
        return;
    };
    let (Some(row), rows) = store.with(|t| (t.position(id), t.len())) else {
        return;
    };
    let command = ev.ctrl_key() || ev.meta_key();
    let page = ((viewport.get_untracked() / ROW_HEIGHT).floor() as usize).max(1);
    let input = ev
        .target()
        .and_then(|t| t.dyn_into::<HtmlInputElement>().ok());
    let caret_at_edge = |end: bool| {
        input.as_ref().is_some_and(|input| {
            let length = input.value().encode_utf16().count() as u32;
            let edge = if end { length } else { 0 };
            input.selection_start().ok().flatten() == Some(edge)
                && input.selection_end().ok().flatten() == Some(edge)
        })
    };
    let target = match (ev.key().as_str(), command, ev.shift_key()) {
        ("ArrowDown", false, _) | ("Enter", false, false) => (row + 1, column),
        ("ArrowUp", false, _) | ("Enter", false, true) => (row.saturating_sub(1), column),
        ("ArrowLeft", false, false) if column > 0 && caret_at_edge(false) => (row, column - 1),
        ("ArrowRight", false, false) if column + 1 < EDITABLE_COUNT && caret_at_edge(true) => {
            (row, column + 1)
        }
        ("PageDown", false, _) => (row + page, column),
        ("PageUp", false, _) => (row.saturating_sub(page), column),
        ("Home", true, _) => (0, 0),
        ("End", true, _) => (rows.saturating_sub(1), EDITABLE_COUNT - 1),
        ("Escape", false, false) => {
            ev.prevent_default();
            store.try_update(Table::cancel_typing);
            return;
        }
        ("z" | "Z", true, false) => {
            ev.prevent_default();
            if !frozen.get_untracked() {
                store.try_update(Table::undo);
            }
            return;
        }
        ("z" | "Z", true, true) | ("y" | "Y", true, false) => {
            ev.prevent_default();
            if !frozen.get_untracked() {
                store.try_update(Table::redo);
            }
            return;
        }
        _ => return,
    };
    ev.prevent_default();
    let (row, column) = (target.0.min(rows.saturating_sub(1)), target.1);
    focus_cell(store, reveal, row, Field::EDITABLE[column]);
}

/// A block copied from Excel or Google Sheets lands at the active cell: it overwrites, adds
/// rows as needed, validates every cell, and is one undo step. A single value is left to
/// the input's own paste.
fn on_paste(
    ev: &ClipboardEvent,
    store: TableStore,
    active: RwSignal<Option<(RowId, usize)>>,
    notice: RwSignal<Option<String>>,
) {
    let Some(text) = ev
        .clipboard_data()
        .and_then(|data| data.get_data("text/plain").ok())
    else {
        return;
    };
    let is_block = text.contains('\t') || text.trim_end_matches(['\r', '\n']).contains('\n');
    let Some((id, column)) = active.get_untracked() else {
        return;
    };
    let (Some(row), rows) = store.with(|t| (t.position(id), t.len())) else {
        return;
    };
    if !is_block {
        return;
    }
    ev.prevent_default();
    let plan = plan_paste(
        &parse_tsv(&text),
        CellPos { row, column },
        Extent::ONE,
        rows,
    );
    let (cells, problems, added, clipped) =
        (plan.cells, plan.problems, plan.new_rows.len(), plan.clipped);
    store.update(|t| t.paste(plan.edits, plan.new_rows));
    let mut report = format!("Pasted {cells} cells");
    if added > 0 {
        report.push_str(&format!(", adding {added} rows"));
    }
    report.push_str(&format!(
        "; {problems} {} a problem.",
        if problems == 1 { "has" } else { "have" }
    ));
    if clipped > 0 {
        report.push_str(&format!(
            " {clipped} cells beyond Payment method were left out."
        ));
    }
    report.push_str(" Undo takes the whole paste back.");
    notice.set(Some(report));
}

/// Scrolls row `index` into view and puts the keyboard focus in its `field` cell.
pub fn focus_cell(store: TableStore, reveal: RwSignal<Option<usize>>, index: usize, field: Field) {
    let Some(id) = store.with(|t| t.row_at(index).map(|r| r.id())) else {
        return;
    };
    reveal.set(Some(index));
    focus_when_rendered(cell_dom_id(id, field), 30);
}

/// Focuses the element with `dom_id` once the grid has rendered it (it may take a few frames
/// after scrolling), giving up after `frames_left` frames.
fn focus_when_rendered(dom_id: String, frames_left: u32) {
    request_animation_frame(move || {
        use wasm_bindgen::JsCast;
        match document().get_element_by_id(&dom_id) {
            Some(el) => {
                if let Ok(input) = el.dyn_into::<web_sys::HtmlElement>() {
                    let _ = input.focus();
                }
            }
            None if frames_left > 0 => focus_when_rendered(dom_id, frames_left - 1),
            None => {}
        }
    });
}

/// A column header that sorts: click for this column (again to reverse), shift-click to add
/// it as the next key. `aria-sort` tells screen readers the order.
#[component]
fn SortHeader(
    store: TableStore,
    field: Field,
    class: &'static str,
    sort: RwSignal<Vec<(Field, bool)>>,
) -> impl IntoView {
    let direction =
        move || sort.with(|keys| keys.iter().find(|(f, _)| *f == field).map(|(_, up)| *up));
    let on_click = move |ev: web_sys::MouseEvent| {
        sort.update(|keys| {
            let position = keys.iter().position(|(f, _)| *f == field);
            match (position, ev.shift_key()) {
                (Some(i), true) => keys[i].1 = !keys[i].1,
                (None, true) => keys.push((field, true)),
                (Some(0), false) => {
                    let ascending = !keys[0].1;
                    *keys = vec![(field, ascending)];
                }
                _ => *keys = vec![(field, true)],
            }
        });
        let keys = sort.get_untracked();
        store.update(|t| t.sort_by(&keys));
    };
    view! {
        <div
            class=format!("grid-cell header {class}")
            role="columnheader"
            aria-sort=move || match direction() {
                Some(true) => "ascending",
                Some(false) => "descending",
                None => "none",
            }
        >
            <button type="button" class="sort-button" on:click=on_click>
                {field.title()}
                <span aria-hidden="true">
                    {move || match direction() {
                        Some(true) => " ▲",
                        Some(false) => " ▼",
                        None => "",
                    }}
                </span>
            </button>
        </div>
    }
}
