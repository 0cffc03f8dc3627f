use leptos::ev;
use leptos::html::Div;
use leptos::prelude::*;

use crate::components::grid_columns::grid_columns;
use crate::components::grid_commands::{on_copy, on_paste};
use crate::components::grid_keys::on_key;
use crate::components::grid_menu::GridMenuTarget;
use crate::components::grid_mouse;
use crate::components::grid_state::{GridState, focus_when_rendered};
use crate::components::row_slots::assign_slots;
use crate::components::{GridRow, PendingImport, Shown, cell_selector, handler, start_import};
use crate::core::columns::Field;
use crate::core::draft::RowId;
use crate::core::filter::View;
use crate::core::selection::Range;
use crate::editor::bulk::{Work, yield_to_browser};
use crate::editor::store::TableStore;
use crate::editor::time::{after_quiet, measured};

/// Height of one row in pixels; the CSS (`--row-height`) says the same.
pub const ROW_HEIGHT: f64 = 32.0;
/// Rows rendered above and below the visible ones, so fast scrolling shows no gaps.
const OVERSCAN: usize = 3;
/// After a jump (a scroll farther than the view is tall, as when the scrollbar is dragged),
/// only the rows in sight are rendered until this long after the last jump: rows past the
/// edges would be out of sight again by the next frame. (A wheel scroll in that time can
/// show an empty strip at the edge for a frame.)
const JUMP_SETTLE: std::time::Duration = std::time::Duration::from_millis(120);

/// The table of tolerances, a WAI-ARIA grid. Only the rows in view are in the page (virtual
/// scrolling; `aria-rowcount` and `aria-rowindex` tell assistive technology where they are); a
/// spacer as tall as all rows gives the scrollbar its true size and position. One cell at a
/// time is reachable with Tab (roving tabindex); keys, ranges and the clipboard are in
/// `grid_keys` and `grid_commands`.
#[component]
pub fn ToleranceGrid(
    store: TableStore,
    /// The cell the user is in, for Duplicate and Delete and the problem line.
    active: RwSignal<Option<(RowId, usize)>>,
    /// Set to a cell (its row's table index, its field) to make it the active cell, bring it
    /// into view and put the focus in it once it is rendered.
    reveal: RwSignal<Option<(usize, Field)>>,
    /// Where a paste reports what it did.
    notice: RwSignal<Option<String>>,
    /// While a submit runs, undo, redo and paste wait (typing in a cell still works).
    #[prop(optional, into)]
    frozen: Signal<bool>,
    /// Where a CSV file dropped on the table goes for its preview.
    #[prop(optional)]
    importing: Option<RwSignal<Option<PendingImport>>>,
    /// The rows shown (the filter's view); all rows when not given.
    #[prop(optional)]
    view: Option<Memo<View>>,
    /// A big paste or import in progress.
    #[prop(optional)]
    work: Option<RwSignal<Option<Work>>>,
    /// Told the selected rectangle (places in `view`), for commands outside the grid that
    /// act on the selected rows ("Check with server").
    #[prop(optional)]
    selection: Option<RwSignal<Option<Range>>>,
) -> impl IntoView {
    let view = view.unwrap_or_else(|| {
        Memo::new_with_compare(
            move |_| {
                store.track_structure();
                View::All
            },
            |_, _| true,
        )
    });
    let work = work.unwrap_or_else(|| RwSignal::new(None));
    let grid = GridState::new(store, view, active, notice, work);
    if let Some(selection) = selection {
        Effect::new(move |_| selection.set(grid.selection.get()));
    }
    let scroller = NodeRef::<Div>::new();
    // The sort keys, first first: a click sorts by a column, a shift-click adds one.
    let sort = RwSignal::new(Vec::<(Field, bool)>::new());
    let scroll_top = RwSignal::new(0.0_f64);
    let viewport = RwSignal::new(600.0_f64);

    // Rows rendered past each edge of the view: none right after a jump, until it settles.
    let margin = RwSignal::new(OVERSCAN);
    let jumps = StoredValue::new(0_u64);
    let measure = move || {
        let Some(el) = scroller.get_untracked() else {
            return;
        };
        let top = f64::from(el.scroll_top());
        let height = f64::from(el.client_height());
        if (top - scroll_top.get_untracked()).abs() > height {
            if margin.get_untracked() != 0 {
                margin.set(0);
            }
            after_quiet(jumps, JUMP_SETTLE, move || margin.set(OVERSCAN));
        }
        scroll_top.set(top);
        viewport.set(height);
    };
    Effect::new(move |_| {
        scroller.track();
        measure();
    });
    let resize = window_event_listener(ev::resize, move |_| measure());
    let mouse_up = window_event_listener(ev::mouseup, move |_| grid.dragging.set_value(false));
    on_cleanup(move || {
        resize.remove();
        mouse_up.remove();
    });

    // Bring a place of the view into sight: just enough for a step of the keyboard, to the
    // middle for a jump (Submit's "first problem", Find).
    let scroll_into_view = move |place: usize, centre: bool| {
        let Some(el) = scroller.get_untracked() else {
            return;
        };
        // The sticky header takes the first row's height at the top.
        let top = place as f64 * ROW_HEIGHT;
        let height = f64::from(el.client_height()) - ROW_HEIGHT;
        let current = f64::from(el.scroll_top());
        let target = if top >= current && top + ROW_HEIGHT <= current + height {
            return;
        } else if centre {
            top - height / 2.0
        } else if top < current {
            top
        } else {
            top + ROW_HEIGHT - height
        };
        el.set_scroll_top(target.max(0.0) as i32);
        measure();
    };
    Effect::new(move |_| {
        if let Some(place) = grid.scroll_to.get() {
            scroll_into_view(place, false);
        }
    });
    Effect::new(move |_| {
        let Some((index, field)) = reveal.get() else {
            return;
        };
        // Handled once: a grid built again later (after signing in again) does not jump.
        reveal.update_untracked(|r| *r = None);
        let Some(id) = store.with(|t| t.row_at(index).map(|r| r.id())) else {
            return;
        };
        // A jump from outside the grid's own moves starts afresh: the old selection is not
        // left in force off-screen for Delete or Ctrl-V.
        grid.commit();
        grid.corners.set(None);
        grid.active.set(Some((id, field.index())));
        if let Some(place) = grid.place(id) {
            scroll_into_view(place, true);
        }
        focus_when_rendered(cell_selector(id, field), 30);
    });

    let row_count = move || grid.len();
    let visible = Memo::new(move |_| {
        let count = row_count();
        let first = (scroll_top.get() / ROW_HEIGHT).floor() as usize;
        let shown = (viewport.get() / ROW_HEIGHT).ceil() as usize + 1;
        let margin = margin.get();
        let start = first.saturating_sub(margin).min(count);
        let end = (first + shown + margin).min(count);
        let mut ids = view.with(|v| {
            store.with(|t| {
                (start..end)
                    .filter_map(|p| v.id_at(t, p))
                    .collect::<Vec<_>>()
            })
        });
        // The active row stays in the page when scrolled away, so it keeps the focus and
        // Tab still reaches it.
        if let Some((id, _)) = grid.tab_stop.get()
            && !ids.contains(&id)
        {
            ids.push(id);
        }
        ids
    });
    // Row views are recycled by slot (see `row_slots`): a slot's elements stay and show the
    // row the slot holds now. Only the number of slots is keyed, by slot.
    let slots = Memo::new(move |previous: Option<&Vec<Option<RowId>>>| {
        visible.with(|wanted| assign_slots(previous.map(Vec::as_slice), wanted))
    });
    // A view's worth of slots is kept ready while the table has fewer rows (hidden): a
    // paste, a load or an import into an empty table fills them rather than building them
    // (15 ms of a 100,000-row paste was building ≈30 rows and painting them anew).
    let slot_count = Memo::new(move |_| {
        let ready = (viewport.get() / ROW_HEIGHT).ceil() as usize + 1 + OVERSCAN;
        slots.with(Vec::len).max(ready)
    });

    view! {
        <div
            class="grid-scroller"
            class:editing=move || grid.editing.get()
            node_ref=scroller
            role="grid"
            aria-label="Tolerances"
            aria-multiselectable="true"
            aria-rowcount=move || row_count() + 1
            aria-colcount=grid_columns().len()
            aria-busy=move || if work.with(Option::is_some) { "true" } else { "false" }
            on:scroll=handler(move |_| measure())
            on:keydown=handler(move |ev| on_key(&ev, grid, viewport.get_untracked(), frozen.get_untracked()))
            on:copy=handler(move |ev| on_copy(&ev, grid, false, frozen.get_untracked()))
            on:cut=handler(move |ev| on_copy(&ev, grid, true, frozen.get_untracked()))
            on:paste=handler(move |ev| on_paste(&ev, grid, frozen.get_untracked()))
            on:dragover=handler(move |ev: web_sys::DragEvent| {
                if importing.is_some() {
                    ev.prevent_default();
                }
            })
            on:drop=handler(move |ev: web_sys::DragEvent| {
                let Some(importing) = importing else {
                    return;
                };
                // Always taken, or the browser opens the file in place of the app.
                ev.prevent_default();
                if frozen.get_untracked() {
                    let what = work.with_untracked(|w| w.as_ref().map(|w| w.label));
                    notice.set(Some(match what {
                        Some(label) => format!("{label}… Wait for it to finish, then drop the file again."),
                        None => "Wait for the submit to finish, then drop the file again.".into(),
                    }));
                    return;
                }
                let file = ev.data_transfer().and_then(|d| d.files()).and_then(|f| f.get(0));
                if let Some(file) = file {
                    start_import(file, importing, notice);
                }
            })
        >
            <div
                class="grid-header"
                role="row"
                aria-rowindex="1"
                on:mousedown=handler(move |ev| grid_mouse::header_mousedown(&ev))
            >
                {grid_columns()
                    .into_iter()
                    .enumerate()
                    .map(|(i, column)| match column.field {
                        Some(field) => view! { <SortHeader grid field class=column.class sort colindex=i + 1 /> }.into_any(),
                        None => view! {
                            <div class=format!("grid-cell header {}", column.class) role="columnheader" aria-colindex=i + 1>
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
                <For each=move || 0..slot_count.get() key=|slot| *slot let(slot)>
                    <GridRow grid row_id=Memo::new(move |_| slots.with(|s| s.get(slot).copied().flatten())) />
                </For>
            </div>
            <Shown when=move || row_count() == 0>
                <p class="grid-empty">
                    {move || if view.with(View::is_filtered) {
                        "No rows match the filter."
                    } else {
                        "No rows yet. Use “Add row”, or load the database’s tolerances."
                    }}
                </p>
            </Shown>
        </div>
        <GridMenuTarget grid viewport frozen />
    }
}

/// The DOM id of a column's sort button.
fn sort_button_id(field: Field) -> String {
    format!("sort-{}", field.index())
}

/// A CSS selector for a column's sort button, for moving to it with the keyboard.
pub fn sort_button_selector(field: Field) -> String {
    format!("#{}", sort_button_id(field))
}

/// A column header that sorts: click for this column (again to reverse), shift-click to add
/// it as the next key. `aria-sort` tells screen readers the order.
#[component]
fn SortHeader(
    grid: GridState,
    field: Field,
    class: &'static str,
    sort: RwSignal<Vec<(Field, bool)>>,
    colindex: usize,
) -> impl IntoView {
    let store = grid.store;
    let direction =
        move || sort.with(|keys| keys.iter().find(|(f, _)| *f == field).map(|(_, up)| *up));
    let on_click = move |ev: web_sys::MouseEvent| {
        if grid.work.with_untracked(Option::is_some) {
            return; // a big change is being applied to the rows as they are
        }
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
        grid.corners.set(None);
        // In two tasks, each under 50 ms at 100,000 rows: the order, then the rows moved.
        // Rows changed in between (the revision moved, or a change in parts began, whose
        // parts change rows quietly) are sorted again as they are then.
        let revision = store.revision_untracked();
        let order = measured("sort:order", || store.with(|t| t.sort_order(&keys)));
        leptos::task::spawn_local(async move {
            yield_to_browser().await;
            let changed =
                store.revision_untracked() != revision || grid.work.with_untracked(Option::is_some);
            measured("sort:move", || {
                if changed || !store.try_update(|t| t.reorder(order)) {
                    store.update(|t| t.sort_by(&keys));
                }
            });
        });
    };
    // The headers are part of the grid: Up from the first row reaches them, Down goes back,
    // Left and Right move between them; Enter or Space sorts.
    let on_keydown = move |ev: web_sys::KeyboardEvent| {
        let column = field.index();
        let target = match ev.key().as_str() {
            "ArrowDown" => {
                ev.prevent_default();
                if let Some((id, _)) = grid.tab_stop.get_untracked()
                    && let Some(row) = grid.place(id)
                {
                    grid.go(crate::core::paste::CellPos { row, column });
                }
                return;
            }
            "ArrowLeft" if column > 0 => Field::EDITABLE[column - 1],
            "ArrowRight" if column + 1 < Field::EDITABLE.len() => Field::EDITABLE[column + 1],
            _ => return,
        };
        ev.prevent_default();
        focus_when_rendered(sort_button_selector(target), 1);
    };
    view! {
        <div
            class=format!("grid-cell header {class}")
            role="columnheader"
            aria-colindex=colindex
            aria-sort=move || match direction() {
                Some(true) => "ascending",
                Some(false) => "descending",
                None => "none",
            }
        >
            <button
                type="button"
                class="sort-button"
                id=sort_button_id(field)
                tabindex="-1"
                disabled=move || grid.work.with(Option::is_some)
                on:click=handler(on_click)
                on:keydown=handler(on_keydown)
            >
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
