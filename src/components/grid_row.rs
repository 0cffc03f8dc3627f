use leptos::html::{Div, Input, Span};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::components::grid_columns::grid_columns;
use crate::components::grid_state::GridState;
use crate::components::outcome_line::OUTCOME_LINE_ID;
use crate::components::row_view::{RowMarks, RowTarget, RowView, Written};
use crate::components::{Shown, handler};
use crate::components::{grid_menu, grid_mouse};
use crate::core::columns::{CellText, EDITABLE_COUNT, Field};
use crate::core::draft::{RowId, RowState};
use crate::core::multistatus::OutcomeKind;
use crate::core::paste::CellPos;

/// A CSS selector for the input of an editable cell, which is there while the cell is the
/// grid's tab stop (the active cell), for focusing it once it is built. The input names its
/// row itself, so it is found as soon as it is built, before the recycled row view it is in
/// writes its own `data-row`.
pub fn cell_selector(id: RowId, field: Field) -> String {
    format!(
        "input[data-row=\"{}\"][data-field=\"{}\"]",
        id.0,
        field.index()
    )
}

/// The label of a cell's input: "Tolerance amount row 3" (`position` from 0).
pub(crate) fn cell_label(field: Field, position: usize) -> String {
    format!("{} row {}", field.title(), position + 1)
}

/// One rendered row of the grid, showing the row `row_id` holds (none: hidden). Rows are
/// recycled: when `row_id` changes, the same elements show the new row. It re-renders when
/// its row changes, never for another row's edit.
#[component]
pub fn GridRow(grid: GridState, row_id: Memo<Option<RowId>>) -> impl IntoView {
    let store = grid.store;
    // Everything the row shows, read once per change of the row.
    let row = Memo::new(move |_| {
        let id = row_id.get()?;
        store.track_row(id);
        store.with(|t| t.position(id).zip(t.row(id).map(|r| RowView::of(t, r))))
    });
    // Where the grid shows it.
    let place = Memo::new(move |_| {
        let id = row_id.get()?;
        store.track_structure();
        grid.view.with(|v| store.with(|t| v.place_of(t, id)))
    });
    // The row's state and its cells' marks change far less often than the row shown: as
    // memos, the bindings that read them run only when they change, not at each scroll.
    let state =
        Memo::new(move |_| row.with(|r| r.as_ref().map_or(RowState::New, |(_, v)| v.state)));
    let marks = Memo::new(move |_| RowMarks::of(grid, row_id.get(), place.get()));
    let shown = Memo::new(move |_| row_id.with(Option::is_some));
    // Which cells have a problem, and which a warning: one memo for the row's four cells.
    let flagged = Memo::new(move |_| {
        row.with(|r| {
            r.as_ref()
                .map_or([(false, false); EDITABLE_COUNT], |(_, v)| {
                    std::array::from_fn(|i| (v.problems[i].is_some(), v.warnings[i].is_some()))
                })
        })
    });

    // What changes when the view shows another row (the row number, its place, texts and
    // cell values) is written by one effect, only where it differs: a binding each would
    // re-run twenty reactive nodes per row at every frame of a scroll.
    let row_el = NodeRef::<Div>::new();
    let number_el = NodeRef::<Span>::new();
    let audit_els = [NodeRef::<Div>::new(), NodeRef::<Div>::new()];
    let texts: [NodeRef<Span>; EDITABLE_COUNT] = std::array::from_fn(|_| NodeRef::new());
    // A cell's input, built while the cell is the tab stop (at most one per row).
    let inputs: [NodeRef<Input>; EDITABLE_COUNT] = std::array::from_fn(|_| NodeRef::new());
    let writer = RenderEffect::new(move |written: Option<Written>| {
        let mut written = written.unwrap_or_default();
        let elements = (
            row_el.get(),
            number_el.get(),
            audit_els.map(|el| el.get()),
            texts.map(|el| el.get()),
        );
        let (
            Some(row_el),
            Some(number_el),
            [Some(entered), Some(updated)],
            [Some(key), Some(amount), Some(group), Some(payment)],
        ) = elements
        else {
            return written; // not built yet: the node refs run this again once they are
        };
        let texts = [key, amount, group, payment];
        // The input of the cell that is the tab stop, once built (a node ref keeps the last
        // element it held, so one no longer in the page is not it).
        let editor = marks.with(|m| m.tab_stop).and_then(|i| {
            inputs[i]
                .get()
                .filter(|input| input.is_connected())
                .map(|input| (i, input))
        });
        let id = row_id.get();
        let place = place.get();
        row.with(|r| {
            written.write(&RowTarget {
                row_el: &row_el,
                number_el: &number_el,
                audit_els: [&entered, &updated],
                texts: &texts,
                editor: editor.as_ref().map(|(i, input)| (*i, input)),
                id,
                place,
                row: r.as_ref(),
            })
        });
        written
    });
    // Held for as long as the row view lives.
    on_cleanup(move || drop(writer));

    let cells = grid_columns()
        .into_iter()
        .enumerate()
        .map(|(i, column)| match column.field {
            Some(field) => view! { <EditableCell grid row_id field class=column.class row marks flagged place text=texts[field.index()] input=inputs[field.index()] colindex=i + 1 /> }.into_any(),
            None => match column.title {
                "Row" => view! {
                    <div
                        class=format!("grid-cell {}", column.class)
                        role=move || shown.get().then_some("rowheader")
                        aria-colindex=i + 1
                        on:mousedown=handler(move |ev| grid_mouse::select_row(grid, place, &ev))
                    >
                        <span class="row-number" node_ref=number_el></span>
                        <span class=move || format!("row-state state-{}", state_class(state.get()))>
                            <span aria-hidden="true">{move || state_icon(state.get())}</span>
                            " "
                            {move || state.get().label()}
                        </span>
                    </div>
                }
                .into_any(),
                "Entered" | "Updated" => {
                    let el = match column.title {
                        "Entered" => audit_els[0],
                        _ => audit_els[1],
                    };
                    view! {
                        <div class=format!("grid-cell {}", column.class) role="gridcell" aria-colindex=i + 1 node_ref=el></div>
                    }
                    .into_any()
                }
                _ => view! { <OutcomeCell row state colindex=i + 1 /> }.into_any(),
            },
        })
        .collect_view();

    view! {
        <div
            class=move || format!("grid-row state-{}", state_class(state.get()))
            role=move || shown.get().then_some("row")
            hidden=move || !shown.get()
            node_ref=row_el
            on:mouseup=handler(move |ev| grid_mouse::shown_cell_mouseup(grid, place, &ev))
        >
            {cells}
        </div>
    }
}

/// An editable cell: its text, and while it is the grid's tab stop (the active cell) an
/// input in its place that takes the keyboard. One input in the grid rather than one per cell:
/// a browser does work for every text field of a page at each keystroke (Chromium's
/// autofill looks at all of them). In navigation mode the input's text is selected (typing
/// replaces it, Ctrl-C copies the selection); a click selects the cell, a double click
/// edits it, Shift-click or a drag stretches the selection.
#[component]
fn EditableCell(
    grid: GridState,
    row_id: Memo<Option<RowId>>,
    field: Field,
    class: &'static str,
    row: Memo<Option<(usize, RowView)>>,
    marks: Memo<RowMarks>,
    flagged: Memo<[(bool, bool); EDITABLE_COUNT]>,
    place: Memo<Option<usize>>,
    /// The cell's text, which the row writes.
    text: NodeRef<Span>,
    /// The input while there is one, whose label and value the row writes.
    input: NodeRef<Input>,
    colindex: usize,
) -> impl IntoView {
    let store = grid.store;
    let index = field.index();
    let at = move || {
        place
            .get_untracked()
            .map(|row| CellPos { row, column: index })
    };
    let has_problem = move || flagged.with(|f| f[index].0);
    let has_warning = move || flagged.with(|f| f[index].1);
    let warning = move || row.with(|r| r.as_ref().and_then(|(_, v)| v.warnings[index].clone()));
    // Read only while the problem is shown.
    let problem = move || row.with(|r| r.as_ref().and_then(|(_, v)| v.problems[index].clone()));
    let has_outcome = move || row.with(|r| r.as_ref().is_some_and(|(_, v)| v.outcome.is_some()));
    let is_active = move || marks.with(|m| m.active == Some(index));
    let is_stop = move || marks.with(|m| m.tab_stop == Some(index));
    let selected = move || marks.with(|m| m.is_selected(index));
    let in_range = move || marks.with(|m| m.range && m.is_selected(index));
    let editing_here = move || {
        grid.editing.get_untracked()
            && row_id
                .get_untracked()
                .is_some_and(|id| grid.active.get_untracked() == Some((id, index)))
    };
    // Named only while there is a problem (or a warning) to describe the cell.
    let note_id = move |kind: &str| row_id.get().map(|id| format!("{kind}-{}-{index}", id.0));
    let problem_id = move || note_id("problem");
    let warning_id = move || note_id("warning");
    // A cell with a problem has no warning (its text is not what would be sent).
    let described = move || match (has_problem(), has_warning()) {
        (true, _) => problem_id(),
        (_, true) => warning_id(),
        _ => None,
    };
    let list = match field {
        Field::GroupId => Some("group-suggestions"),
        Field::PaymentMethod => Some("payment-suggestions"),
        _ => None,
    };
    let input_of = |ev: &web_sys::Event| {
        ev.target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
    };
    // The input, built when the cell becomes the tab stop, starts with the cell's text and
    // label; the row writes them from then on.
    let editor = move || {
        let (value, label) = row.with_untracked(|r| match r {
            Some((position, v)) => (v.cells[index].clone(), Some(cell_label(field, *position))),
            None => (CellText::default(), None),
        });
        view! {
            <input
                node_ref=input
                data-row=move || row_id.get().map(|id| id.0.to_string())
                data-field=index
                class="cell-input"
                type="text"
                autocomplete="off"
                spellcheck="false"
                list=list
                tabindex="0"
                aria-label=label
                prop:value=value.to_string()
                aria-invalid=move || if has_problem() { "true" } else { "false" }
                // The problem (or the warning), and the whole outcome text of the row under
                // the table.
                aria-describedby=move || {
                    let outcome = has_outcome().then_some(OUTCOME_LINE_ID);
                    match (described(), outcome) {
                        (Some(p), Some(o)) => Some(format!("{p} {o}")),
                        (p, o) => p.or(o.map(String::from)),
                    }
                }
                // While a big change is applied in parts the cells take no text (typing, a
                // cut from the context menu, a dropped text): it would land inside it.
                prop:readOnly=move || grid.work.with(Option::is_some)
                on:input=handler(move |ev| {
                    if grid.work.with_untracked(Option::is_some) {
                        return;
                    }
                    let Some(id) = row_id.get_untracked() else {
                        return;
                    };
                    let text = event_target_value(&ev);
                    // Set only on a change: every keystroke waking their readers costs a frame.
                    if !grid.editing.get_untracked() {
                        grid.editing.set(true);
                    }
                    store.update(|t| t.type_text(id, field, text));
                })
                on:focus=handler(move |ev: web_sys::FocusEvent| {
                    let Some(id) = row_id.get_untracked() else {
                        return;
                    };
                    // Focus from outside the grid's own moves (Tab into the grid) starts
                    // afresh: the old selection is not left in force off-screen for Delete
                    // or Ctrl-V.
                    if grid.active.get_untracked() != Some((id, index)) {
                        grid.corners.set(None);
                    }
                    grid.active.set(Some((id, index)));
                    if !grid.editing.get_untracked()
                        && let Some(input) = input_of(&ev)
                    {
                        input.select();
                    }
                })
                on:blur=handler(move |_| {
                    // The window lost the focus (Alt-Tab): the cell stays in edit mode, so
                    // coming back and typing goes on with the text instead of replacing it.
                    if document().has_focus().unwrap_or(true) {
                        grid.commit();
                    }
                })
            />
        }
    };
    view! {
        <div
            class=move || format!("grid-cell {class}{}", if has_problem() { " has-problem" } else if has_warning() { " has-warning" } else { "" })
            class:selected=in_range
            class:active=is_active
            role="gridcell"
            aria-colindex=colindex
            aria-selected=move || if selected() { "true" } else { "false" }
            aria-invalid=move || has_problem().then_some("true")
            on:mousedown=handler(move |ev| grid_mouse::cell_mousedown(grid, &ev, at(), selected(), editing_here()))
            on:mouseenter=handler(move |ev: web_sys::MouseEvent| {
                if grid.dragging.get_value() && ev.buttons() & 1 == 1
                    && let Some(at) = at()
                {
                    grid.extend(at);
                }
            })
            on:dblclick=handler(move |_| grid.edit_at_end(input.get_untracked().as_ref()))
            on:contextmenu=handler(move |ev| {
                // The text being edited keeps the input's own menu.
                if !editing_here() {
                    grid_menu::open(grid, &ev);
                }
            })
        >
            // Before the text, which CSS hides while the input is there.
            <Shown when=is_stop>{editor()}</Shown>
            <span class="cell-text" node_ref=text></span>
            <Shown when=move || has_problem()>
                <span class="cell-problem-icon" aria-hidden="true" title=problem>"⚠"</span>
                <span class="visually-hidden" id=problem_id>{problem}</span>
            </Shown>
            <Shown when=move || has_warning()>
                <span class="cell-warning-icon" aria-hidden="true" title=warning>"!"</span>
                <span class="visually-hidden" id=warning_id>{warning}</span>
            </Shown>
        </div>
    }
}

#[component]
fn OutcomeCell(
    row: Memo<Option<(usize, RowView)>>,
    state: Memo<RowState>,
    colindex: usize,
) -> impl IntoView {
    // Memos: the cell is built again only when what it shows changes, not for every row
    // scrolled past.
    let outcome = Memo::new(move |_| row.with(|r| r.as_ref().and_then(|(_, v)| v.outcome.clone())));
    let pending = move || state.get() == RowState::Pending;
    let server = Memo::new(move |_| row.with(|r| r.as_ref().and_then(|(_, v)| v.server.clone())));
    view! {
        <div class="grid-cell col-outcome" role="gridcell" aria-colindex=colindex>
            <Shown when=move || server.with(Option::is_some)>
                <span class="server-values" title=move || server.get()>{move || server.get()}</span>
                " "
            </Shown>
            {move || {
                if pending() {
                    return view! { <span class="outcome outcome-pending"><span aria-hidden="true">"⏳ "</span>"Sending…"</span> }.into_any();
                }
                match outcome.get() {
                    Some((kind, text)) => {
                        let (icon, class) = match kind {
                            OutcomeKind::Created | OutcomeKind::Updated => ("✓", "outcome-saved"),
                            OutcomeKind::Failed => ("✗", "outcome-failed"),
                            OutcomeKind::Unconfirmed => ("?", "outcome-unconfirmed"),
                        };
                        let title = text.clone();
                        view! {
                            <span class=format!("outcome {class}") title=title>
                                <span aria-hidden="true">{icon}" "</span>
                                {text}
                            </span>
                        }
                        .into_any()
                    }
                    None => ().into_any(),
                }
            }}
        </div>
    }
}

fn state_class(state: RowState) -> &'static str {
    match state {
        RowState::New => "new",
        RowState::Clean => "clean",
        RowState::Modified => "changed",
        RowState::Invalid => "invalid",
        RowState::Pending => "pending",
        RowState::Created | RowState::Updated => "saved",
        RowState::Failed => "failed",
        RowState::Unconfirmed => "unconfirmed",
        RowState::Conflict => "conflict",
    }
}

/// Every state has its own symbol, so no state is told apart by color alone.
fn state_icon(state: RowState) -> &'static str {
    match state {
        RowState::New => "＋",
        RowState::Clean => "·",
        RowState::Modified => "✎",
        RowState::Invalid => "⚠",
        RowState::Pending => "⏳",
        RowState::Created | RowState::Updated => "✓",
        RowState::Failed => "✗",
        RowState::Unconfirmed => "?",
        RowState::Conflict => "⇄",
    }
}
