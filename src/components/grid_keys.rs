//! The grid's keys, as in Excel. In navigation mode arrows, Tab, Home/End and Page Up/Down
//! move the active cell (with Shift they stretch the selection), typing a character starts
//! editing over the cell's text, F2 starts editing at its end, Delete clears the selection,
//! Ctrl-A selects every row shown, Shift-Space whole rows, Ctrl-Space whole columns, Ctrl-D
//! fills down. In edit mode the keys go to the text, except Enter and Tab (commit and
//! move), Up and Down (commit and move), Escape (put the text back) and Ctrl-Enter (the text
//! into every selected cell). In a selection of several cells Enter and Tab go round it, in
//! either mode, and typing keeps it. Ctrl-Z and Ctrl-Y (or Ctrl-Shift-Z) undo and redo in
//! the table; Cmd works as Ctrl.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, KeyboardEvent};

use crate::components::grid_commands::{self, clear_selection, fill_down, fill_selection_with};
use crate::components::grid_menu;
use crate::components::grid_state::{GridState, focus_when_rendered};
use crate::components::tolerance_grid::{ROW_HEIGHT, sort_button_selector};
use crate::core::columns::Field;
use crate::core::paste::CellPos;
use crate::core::selection::{Move, Range, cycled, moved};
use crate::core::table::{Table, Touched};

pub fn on_key(ev: &KeyboardEvent, grid: GridState, viewport: f64, frozen: bool) {
    let key = ev.key();
    let command = ev.ctrl_key() || ev.meta_key();
    if let Some(label) = grid.work.with_untracked(|w| w.as_ref().map(|w| w.label)) {
        // While a big change is applied in parts the table takes none of its keys, and says
        // so rather than let them vanish; the browser's and the page's keys (Tab) go on.
        if is_table_key(&key, command, ev.alt_key()) {
            ev.prevent_default();
            grid.notice.set(Some(format!(
                "{label}… The table takes no keys until it is done."
            )));
        }
        return;
    }
    let shift = ev.shift_key();
    let input = match ev
        .target()
        .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
    {
        Some(input) => Some(input),
        // A key in the context menu's target, the menu closed without a choice: the active
        // cell takes the focus, and the key and the text it types.
        None if grid_menu::is_target(grid, ev) => grid.refocus(),
        None => None,
    };
    let Some(input) = input else {
        return;
    };
    match (key.as_str(), command, shift) {
        ("z" | "Z", true, false) => {
            ev.prevent_default();
            if frozen {
                grid.notice
                    .set(Some(grid_commands::WAITS_FOR_SUBMIT.to_string()));
            } else {
                undo_or_redo(grid, Table::undo);
            }
            return;
        }
        ("z" | "Z", true, true) | ("y" | "Y", true, false) => {
            ev.prevent_default();
            if frozen {
                grid.notice
                    .set(Some(grid_commands::WAITS_FOR_SUBMIT.to_string()));
            } else {
                undo_or_redo(grid, Table::redo);
            }
            return;
        }
        _ => {}
    }
    let page = ((viewport / ROW_HEIGHT).floor() as usize).max(1);
    if grid.editing.get_untracked() {
        if key == "Enter" && command {
            // Ctrl-Enter: the text into every selected cell, as in Excel.
            ev.prevent_default();
            let text = input.value();
            grid.commit();
            if grid.range().is_some_and(|range| !range.is_single()) {
                fill_selection_with(grid, &text);
            }
            return;
        }
        edit_mode_key(ev, grid, &key, shift);
    } else {
        navigation_key(ev, grid, &input, &key, command, shift, page, frozen);
    }
}

/// A key the table acts on: a character, a move or edit key, or one of its Ctrl commands.
fn is_table_key(key: &str, command: bool, alt: bool) -> bool {
    let character = key.chars().count() == 1;
    match (command, alt) {
        (false, false) => {
            character
                || key.starts_with("Arrow")
                || matches!(
                    key,
                    "Enter"
                        | "Escape"
                        | "Delete"
                        | "Backspace"
                        | "F2"
                        | "Home"
                        | "End"
                        | "PageUp"
                        | "PageDown"
                )
        }
        (true, false) => {
            matches!(
                key.to_ascii_lowercase().as_str(),
                "a" | "c" | "d" | "v" | "x" | "y" | "z" | " " | "home" | "end"
            ) || key.starts_with("Arrow")
        }
        _ => false,
    }
}

/// Undo or redo from the grid. When it takes away the active cell's row (the undo of Add
/// row), the cell at the same place becomes active and keeps the focus in the grid.
fn undo_or_redo(grid: GridState, step: fn(&mut Table) -> Option<Touched>) {
    grid.commit();
    let before = grid.active_pos();
    grid.store.try_update(step);
    let gone = grid
        .active
        .get_untracked()
        .is_none_or(|(id, _)| grid.place(id).is_none());
    let shown = grid.len_untracked();
    if let (true, Some(at), Some(last)) = (gone, before, shown.checked_sub(1)) {
        grid.go(CellPos {
            row: at.row.min(last),
            column: at.column,
        });
    }
}

fn edit_mode_key(ev: &KeyboardEvent, grid: GridState, key: &str, shift: bool) {
    let step = match (key, shift) {
        ("Escape", _) => {
            ev.prevent_default();
            grid.store.try_update(Table::cancel_typing);
            grid.editing.set(false);
            if let Some(at) = grid.active_pos() {
                grid.show(at);
            }
            return;
        }
        ("Enter", false) | ("ArrowDown", _) => Move::Down,
        ("Enter", true) | ("ArrowUp", _) => Move::Up,
        ("Tab", false) => Move::Next,
        ("Tab", true) => Move::Previous,
        _ => return,
    };
    grid.commit();
    if key.starts_with("Arrow") {
        step_to(ev, grid, step);
    } else {
        enter_or_tab(ev, grid, step);
    }
}

/// Enter or Tab: inside a selection of more than one cell the active cell goes round it
/// (`core::selection::cycled`) and the selection stays, so a range is typed in cell by
/// cell, as in Excel; otherwise the same as the arrow or Tab move.
fn enter_or_tab(ev: &KeyboardEvent, grid: GridState, step: Move) {
    match (grid.range(), grid.active_pos()) {
        (Some(range), Some(from)) if !range.is_single() => {
            ev.prevent_default();
            if let Some(to) = cycled(range, from, step) {
                grid.go_within(to);
            }
        }
        _ => {
            if matches!(step, Move::Next | Move::Previous) {
                grid.corners.set(None);
            }
            step_to(ev, grid, step);
        }
    }
}

/// Moves the active cell by `step`; Tab past the last cell (Shift-Tab before the first)
/// lets the focus leave the grid, as the grid pattern asks.
fn step_to(ev: &KeyboardEvent, grid: GridState, step: Move) {
    let Some(from) = grid.active_pos() else {
        return;
    };
    if let Some(to) = moved(from, step, grid.len_untracked()) {
        ev.prevent_default();
        grid.go(to);
    }
}

#[allow(clippy::too_many_arguments)]
fn navigation_key(
    ev: &KeyboardEvent,
    grid: GridState,
    input: &HtmlInputElement,
    key: &str,
    command: bool,
    shift: bool,
    page: usize,
    frozen: bool,
) {
    if let ("ArrowUp", false, false, Some(at)) = (key, command, shift, grid.active_pos())
        && at.row == 0
    {
        // Up from the first row reaches the column's header (to sort from the keyboard).
        ev.prevent_default();
        focus_when_rendered(sort_button_selector(Field::EDITABLE[at.column]), 1);
        return;
    }
    let step = match (key, command) {
        ("ArrowUp", false) => Move::Up,
        ("ArrowDown", false) => Move::Down,
        ("ArrowLeft", false) => Move::Left,
        ("ArrowRight", false) => Move::Right,
        ("ArrowUp", true) => Move::PageUp(usize::MAX),
        ("ArrowDown", true) => Move::PageDown(usize::MAX),
        ("ArrowLeft", true) | ("Home", false) => Move::RowStart,
        ("ArrowRight", true) | ("End", false) => Move::RowEnd,
        ("Home", true) => Move::TableStart,
        ("End", true) => Move::TableEnd,
        ("PageUp", _) => Move::PageUp(page),
        ("PageDown", _) => Move::PageDown(page),
        ("Enter", false) => {
            ev.prevent_default();
            return enter_or_tab(ev, grid, if shift { Move::Up } else { Move::Down });
        }
        ("Tab", false) => {
            return enter_or_tab(ev, grid, if shift { Move::Previous } else { Move::Next });
        }
        ("F2", false) => {
            ev.prevent_default();
            grid.edit_at_end(Some(input));
            return;
        }
        ("Escape", false) => {
            ev.prevent_default();
            grid.corners.set(None);
            return;
        }
        ("Delete" | "Backspace", false) => {
            ev.prevent_default();
            if !frozen {
                clear_selection(grid, "Cleared");
            }
            return;
        }
        ("a" | "A", true) => {
            ev.prevent_default();
            // Every cell of every row shown; the active cell stays where it is.
            if let Some(all) = Range::all(grid.len_untracked()) {
                grid.select(all);
            }
            return;
        }
        (" ", true) | (" ", false) if command || shift => {
            // Shift-Space: whole rows of the selection; Ctrl-Space: whole columns.
            ev.prevent_default();
            if let (Some(range), Some(all)) = (grid.range(), Range::all(grid.len_untracked())) {
                grid.select(if command {
                    Range {
                        top: all.top,
                        bottom: all.bottom,
                        ..range
                    }
                } else {
                    Range {
                        left: all.left,
                        right: all.right,
                        ..range
                    }
                });
            }
            return;
        }
        ("d" | "D", true) => {
            ev.prevent_default();
            if !frozen {
                fill_down(grid);
            }
            return;
        }
        ("c" | "C" | "x" | "X", true) => {
            // The browser's copy and cut events follow (see grid_commands); they fire only
            // when the input holds a selection.
            input.select();
            return;
        }
        _ => {
            let printable = key.chars().count() == 1 && !command && !ev.alt_key();
            if printable {
                // The character replaces the cell's text, as in Excel; the selection stays,
                // for Enter and Tab to go round it.
                grid.editing.set(true);
                input.select();
            }
            return;
        }
    };
    ev.prevent_default();
    if shift {
        if let Some(to) = grid
            .far_corner()
            .and_then(|from| moved(from, step, grid.len_untracked()))
        {
            grid.extend(to);
        }
    } else if let Some(to) = grid
        .active_pos()
        .and_then(|from| moved(from, step, grid.len_untracked()))
    {
        grid.go(to);
    }
}
