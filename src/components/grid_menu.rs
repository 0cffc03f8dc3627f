//! The context menu of the grid, as in Excel: a right click on a cell (or the menu key,
//! Shift-F10, a Ctrl-click on macOS) offers Cut, Copy and Paste for the selection. The cells
//! show text, not text fields, and a browser's own menu has those entries only over a text
//! field; so the menu's event puts one under the pointer, focused, with text selected (the
//! technique of code editors such as CodeMirror). Moments later, with the menu open, clicks
//! go through it again. Its clipboard events and keys go to the grid as the active cell's
//! do, and the keyboard goes back to the cell.

use std::time::Duration;

use leptos::prelude::*;
use wasm_bindgen::JsValue;
use web_sys::MouseEvent;

use crate::components::grid_commands::{on_copy, on_paste};
use crate::components::grid_keys::on_key;
use crate::components::grid_state::GridState;
use crate::components::handler;

/// Half the target's size in pixels (CSS `.grid-menu-target`), to centre it on the pointer.
const HALF_SIZE: i32 = 8;
/// How long the target takes clicks after the menu's event: the browser has opened the menu
/// over it by then, and a click after the menu closes must reach the cell under it.
const UNDER_POINTER: Duration = Duration::from_millis(50);

/// The text field, beside the grid (not in it: the grid holds rows only).
#[component]
pub fn GridMenuTarget(
    grid: GridState,
    /// The grid's height in pixels, for Page Up and Page Down.
    viewport: RwSignal<f64>,
    frozen: Signal<bool>,
) -> impl IntoView {
    view! {
        <textarea
            class="grid-menu-target"
            node_ref=grid.menu_target
            tabindex="-1"
            aria-label="Cut, copy or paste the selected cells"
            hidden
            // Each command gives the keyboard back to the active cell first.
            on:copy=handler(move |ev| {
                grid.refocus();
                on_copy(&ev, grid, false, frozen.get_untracked());
            })
            on:cut=handler(move |ev| {
                grid.refocus();
                on_copy(&ev, grid, true, frozen.get_untracked());
            })
            on:paste=handler(move |ev| {
                grid.refocus();
                on_paste(&ev, grid, frozen.get_untracked());
            })
            // The menu closed without a choice: the key is the active cell's.
            on:keydown=handler(move |ev| on_key(&ev, grid, viewport.get_untracked(), frozen.get_untracked()))
            on:blur=handler(move |_| {
                // Not when the window loses the focus (Alt-Tab): coming back, the keys still
                // reach the grid through the target.
                if document().has_focus().unwrap_or(true) {
                    hide(grid);
                }
            })
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

/// The `contextmenu` event of a cell not being edited: the target goes where the menu will
/// open. (A right click outside the selection has selected the cell on `mousedown`.) While a
/// big change is applied the cells take no commands, and the browser's menu stays its own.
pub fn open(grid: GridState, ev: &MouseEvent) {
    if grid.work.with_untracked(Option::is_some) {
        return;
    }
    let Some(target) = grid.menu_target.get_untracked() else {
        return;
    };
    // Fixed, so neither the grid's scrolling nor its size comes into it.
    let style = web_sys::HtmlElement::style(&target);
    let (left, top) = (ev.client_x() - HALF_SIZE, ev.client_y() - HALF_SIZE);
    let _ = style.set_property("left", &format!("{left}px"));
    let _ = style.set_property("top", &format!("{top}px"));
    // Which opening this is, for the timer below.
    let place = format!("{left},{top}");
    let _ = target.set_attribute("data-at", &place);
    let _ = target.class_list().remove_1("click-through");
    target.set_hidden(false);
    // Any text will do: selected, it turns on Cut and Copy; what they copy is the selection's.
    target.set_value("\u{a0}");
    let options = web_sys::FocusOptions::new();
    options.set_prevent_scroll(true);
    let _ = target.focus_with_options(&options);
    target.select();
    set_timeout(
        move || {
            let Some(target) = grid.menu_target.try_get_untracked().flatten() else {
                return;
            };
            // Not if another right click has put it elsewhere since.
            if target.get_attribute("data-at").as_deref() == Some(place.as_str()) {
                let _ = target.class_list().add_1("click-through");
            }
        },
        UNDER_POINTER,
    );
}

fn hide(grid: GridState) {
    if let Some(target) = grid.menu_target.try_get_untracked().flatten() {
        target.set_hidden(true);
    }
}
