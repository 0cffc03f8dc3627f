//! The context menu of the grid, as in Excel: a right click on a cell offers Cut, Copy and
//! Paste for the selection. The cells show text, not text fields, and a browser's own menu
//! has those entries only over a text field; so a right click puts a hidden one under the
//! pointer, focused, with text selected (the technique of code editors such as CodeMirror).
//! Its clipboard events reach the grid's handlers like the active cell's; then, or at the
//! first key or when it loses the focus, it hides and the keyboard is back in the cell.

use leptos::prelude::*;
use wasm_bindgen::JsValue;
use web_sys::MouseEvent;

use crate::components::grid_state::GridState;
use crate::components::handler;

/// Half the target's size in pixels (CSS `.grid-menu-target`), to centre it on the pointer.
const HALF_SIZE: i32 = 8;

/// The hidden text field; placed once in the grid's scroller. A key pressed in it (the menu
/// was closed without a choice) goes to the active cell: see `grid_keys::on_key`.
#[component]
pub fn GridMenuTarget(grid: GridState) -> impl IntoView {
    // The grid's handlers, further up, do the copy, cut or paste; the focus goes back first
    // (which hides the target).
    let back_to_cell = move || {
        grid.refocus();
    };
    view! {
        <textarea
            class="grid-menu-target"
            node_ref=grid.menu_target
            tabindex="-1"
            aria-hidden="true"
            hidden
            on:copy=handler(move |_| back_to_cell())
            on:cut=handler(move |_| back_to_cell())
            on:paste=handler(move |_| back_to_cell())
            on:blur=handler(move |_| hide(grid))
        ></textarea>
    }
}

/// Whether `ev` happened in the menu target.
pub fn is_target(grid: GridState, ev: &web_sys::Event) -> bool {
    match (ev.target(), grid.menu_target.get_untracked()) {
        (Some(at), Some(target)) => {
            AsRef::<JsValue>::as_ref(&at) == AsRef::<JsValue>::as_ref(&target)
        }
        _ => false,
    }
}

/// A right click on a cell not being edited: a click outside the selection first selects the
/// cell (the caller's part), then the target goes under the pointer for the menu that follows.
pub fn open(grid: GridState, ev: &MouseEvent) {
    let Some(target) = grid.menu_target.get_untracked() else {
        return;
    };
    let Some(scroller) = target.parent_element() else {
        return;
    };
    let bounds = scroller.get_bounding_client_rect();
    // Pixels as integers: formatting floats would bring core's float printing into the app.
    let left = ev.client_x() - bounds.left() as i32 + scroller.scroll_left() - HALF_SIZE;
    let top = ev.client_y() - bounds.top() as i32 + scroller.scroll_top() - HALF_SIZE;
    let style = web_sys::HtmlElement::style(&target);
    let _ = style.set_property("left", &format!("{left}px"));
    let _ = style.set_property("top", &format!("{top}px"));
    target.set_hidden(false);
    // Any text will do: selected, it turns on Cut and Copy; what they copy is the selection's.
    target.set_value("\u{a0}");
    let _ = target.focus();
    target.select();
}

fn hide(grid: GridState) {
    if let Some(target) = grid.menu_target.get_untracked() {
        target.set_hidden(true);
    }
}
