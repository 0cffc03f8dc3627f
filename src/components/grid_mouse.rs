//! The grid's mouse, as in Excel: a click selects a cell, Shift-click or a drag stretches the
//! selection, a click on a row's header selects the row, a right click outside the selection
//! selects the cell for the menu (`grid_menu`). The focus never leaves the grid for the
//! page: the next keys must reach the table.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::MouseEvent;

use crate::components::grid_state::GridState;
use crate::core::columns::EDITABLE_COUNT;
use crate::core::paste::CellPos;
use crate::core::selection::Range;

/// A mouse button pressed on an editable cell at `at` (`selected`: inside the selection;
/// `editing_here`: the cell is being edited).
pub fn cell_mousedown(
    grid: GridState,
    ev: &MouseEvent,
    at: Option<CellPos>,
    selected: bool,
    editing_here: bool,
) {
    if editing_here {
        // In the text being edited the click moves the caret; around it (the padding, the
        // problem icon) it changes nothing, rather than take the focus from the text.
        if !is_input(ev) {
            ev.prevent_default();
        }
        return;
    }
    // Not the browser's own focus change: a cell's text is not focusable, and the focus
    // would leave the grid.
    ev.prevent_default();
    let Some(at) = at else {
        return;
    };
    match ev.button() {
        // A right click outside the selection selects the cell, as in Excel; inside, the
        // selection stays. The menu (`contextmenu`, next) acts on it.
        2 if !selected => {
            grid.commit();
            grid.activate(at);
        }
        0 => {
            // An edit ends here, so the keys that follow act on the cells selected.
            grid.commit();
            if ev.shift_key() && grid.active.get_untracked().is_some() {
                grid.extend(at);
            } else {
                grid.go(at);
                grid.dragging.set_value(true);
            }
        }
        _ => {}
    }
}

/// A click on a row's header selects the whole row (shift-click: the rows from the active
/// cell's to this one), as in Excel.
pub fn select_row(grid: GridState, place: Memo<Option<usize>>, ev: &MouseEvent) {
    let Some(row) = place.get_untracked() else {
        return;
    };
    ev.prevent_default();
    grid.commit();
    let from = match (ev.shift_key(), grid.active_pos()) {
        (true, Some(active)) => active.row,
        _ => {
            grid.go(CellPos { row, column: 0 });
            row
        }
    };
    grid.select(Range {
        top: from.min(row),
        left: 0,
        bottom: from.max(row),
        right: EDITABLE_COUNT - 1,
    });
}

/// A click on a cell that only shows (the dates, the outcome), once the button is up: its
/// text may be selected and copied, as on any page; if none was, the click selects the
/// row's last editable cell, the nearest one (Shift: stretches the selection to it), so the
/// keys that follow still reach the table. Not the end of a drag begun on a cell.
pub fn shown_cell_mouseup(grid: GridState, place: Memo<Option<usize>>, ev: &MouseEvent) {
    if !on_shown_cell(ev) || ev.button() != 0 || grid.dragging.get_value() {
        return;
    }
    let selected_text = window()
        .get_selection()
        .ok()
        .flatten()
        .is_some_and(|selection| !selection.is_collapsed());
    let Some(row) = place.get_untracked() else {
        return;
    };
    if selected_text {
        return;
    }
    let at = CellPos {
        row,
        column: EDITABLE_COUNT - 1,
    };
    grid.commit();
    if ev.shift_key() && grid.active.get_untracked().is_some() {
        grid.extend(at);
        grid.refocus();
    } else {
        grid.go(at);
    }
}

/// A header cell that is not a sort button: the focus stays in the grid.
pub fn header_mousedown(ev: &MouseEvent) {
    let on_button = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| el.closest("button").ok().flatten())
        .is_some();
    if !on_button {
        ev.prevent_default();
    }
}

fn is_input(ev: &MouseEvent) -> bool {
    ev.target()
        .is_some_and(|t| t.dyn_into::<web_sys::HtmlInputElement>().is_ok())
}

fn on_shown_cell(ev: &MouseEvent) -> bool {
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| el.closest(".col-audit, .col-outcome").ok().flatten())
        .is_some()
}
