//! What the grid knows besides the table: the rows shown (the filter's view), the active
//! cell, the selected rectangle, and whether the active cell is being edited. One Copy
//! handle, so the grid, its rows and its cells share it without passing ten signals.

use leptos::html::Textarea;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;

use crate::components::cell_selector;
use crate::core::columns::Field;
use crate::core::draft::RowId;
use crate::core::filter::View;
use crate::core::paste::CellPos;
use crate::core::selection::Range;
use crate::editor::bulk::Work;
use crate::editor::store::TableStore;

/// A cell named by its row's id, so it stays the same cell when rows are sorted or filtered.
pub type CellRef = (RowId, usize);

#[derive(Clone, Copy)]
pub struct GridState {
    pub store: TableStore,
    /// The rows shown, in order (all of them, or the filter's).
    pub view: Memo<View>,
    /// The cell the keyboard is in.
    pub active: RwSignal<Option<CellRef>>,
    /// The selection when it is more than the active cell: its two corners (the first is
    /// where it started, the second moves with Shift).
    pub corners: RwSignal<Option<(CellRef, CellRef)>>,
    /// The selected rectangle in places of the view (tracked; at least the active cell).
    pub selection: Memo<Option<Range>>,
    /// The one cell the Tab key reaches (roving tabindex): the active cell, or the first.
    pub tab_stop: Memo<Option<CellRef>>,
    /// A mouse button is down on a cell: moving over others stretches the selection.
    pub dragging: StoredValue<bool>,
    /// Edit mode: keys go to the text of the active cell. Otherwise arrows move between cells.
    pub editing: RwSignal<bool>,
    /// Set to a place in the view to scroll it into sight.
    pub scroll_to: RwSignal<Option<usize>>,
    pub notice: RwSignal<Option<String>>,
    /// A big paste or import running: the grid waits for it.
    pub work: RwSignal<Option<Work>>,
    /// The text field a right click puts under the pointer (see `grid_menu`).
    pub menu_target: NodeRef<Textarea>,
}

impl GridState {
    /// The grid's state over `store`, showing `view`.
    pub fn new(
        store: TableStore,
        view: Memo<View>,
        active: RwSignal<Option<CellRef>>,
        notice: RwSignal<Option<String>>,
        work: RwSignal<Option<Work>>,
    ) -> Self {
        let corners = RwSignal::new(None::<(CellRef, CellRef)>);
        let place = move |id: RowId| {
            store.track_structure();
            view.with(|v| store.with(|t| v.place_of(t, id)))
        };
        let selection = Memo::new(move |_| {
            let at = |(id, column): CellRef| place(id).map(|row| CellPos { row, column });
            // A corner no longer shown (filtered out, deleted) leaves just the active cell.
            match corners
                .get()
                .and_then(|(a, b)| Some(Range::between(at(a)?, at(b)?)))
            {
                Some(range) => Some(range),
                None => active.get().and_then(at).map(Range::single),
            }
        });
        let tab_stop = Memo::new(move |_| match active.get() {
            Some(cell) if place(cell.0).is_some() => Some(cell),
            _ => view
                .with(|v| store.with(|t| v.id_at(t, 0)))
                .map(|id| (id, 0)),
        });
        GridState {
            store,
            view,
            active,
            corners,
            selection,
            tab_stop,
            dragging: StoredValue::new(false),
            editing: RwSignal::new(false),
            scroll_to: RwSignal::new(None),
            notice,
            work,
            menu_target: NodeRef::new(),
        }
    }

    /// Rows shown, subscribing to the view.
    pub fn len(&self) -> usize {
        self.store.track_structure();
        self.view.with(|v| self.store.with(|t| v.len(t)))
    }

    pub fn len_untracked(&self) -> usize {
        self.view.with_untracked(|v| self.store.with(|t| v.len(t)))
    }

    /// Where row `id` is shown (untracked).
    pub fn place(&self, id: RowId) -> Option<usize> {
        self.view
            .with_untracked(|v| self.store.with(|t| v.place_of(t, id)))
    }

    pub fn id_at(&self, place: usize) -> Option<RowId> {
        self.view
            .with_untracked(|v| self.store.with(|t| v.id_at(t, place)))
    }

    fn pos(&self, cell: CellRef) -> Option<CellPos> {
        Some(CellPos {
            row: self.place(cell.0)?,
            column: cell.1,
        })
    }

    /// The active cell as a place in the view.
    pub fn active_pos(&self) -> Option<CellPos> {
        self.pos(self.active.get_untracked()?)
    }

    /// The selected rectangle (at least the active cell), in places of the view, untracked.
    pub fn range(&self) -> Option<Range> {
        self.selection.get_untracked()
    }

    /// The rows of `range`, in view order.
    pub fn rows_of(&self, range: &Range) -> Vec<RowId> {
        self.view
            .with_untracked(|v| self.store.with(|t| v.ids_in(t, range.rows())))
    }

    /// Makes the cell at `to` active (the selection shrinks to it), scrolls it into view and
    /// puts the keyboard focus in it.
    pub fn go(&self, to: CellPos) {
        if self.activate(to) {
            self.show(to);
        }
    }

    /// Makes the cell at `to` active, scrolled into view and focused, keeping the selection
    /// (Enter and Tab going round it).
    pub fn go_within(&self, to: CellPos) {
        if self.set_active(to) {
            self.show(to);
        }
    }

    /// Makes the cell at `to` active, the selection shrinking to it, and leaves the focus
    /// and the scroll position alone. False if there is no row there.
    pub fn activate(&self, to: CellPos) -> bool {
        let found = self.set_active(to);
        if found {
            self.corners.set(None);
        }
        found
    }

    /// The cell at `to` becomes the active one; the selection is left as it is.
    fn set_active(&self, to: CellPos) -> bool {
        let Some(id) = self.id_at(to.row) else {
            return false;
        };
        self.active.set(Some((id, to.column)));
        true
    }

    /// The input of the grid's tab stop (the active cell, or the first if that is not
    /// shown), focused without scrolling: the keyboard goes back to the grid where it was.
    pub fn refocus(&self) -> Option<HtmlInputElement> {
        let (id, column) = self.tab_stop.get_untracked()?;
        let input: HtmlInputElement = find(&cell_selector(id, Field::EDITABLE[column]))?;
        let options = web_sys::FocusOptions::new();
        options.set_prevent_scroll(true);
        let _ = input.focus_with_options(&options);
        Some(input)
    }

    /// Moves the far corner of the selection to `to`; the active cell stays.
    pub fn extend(&self, to: CellPos) {
        let (Some(active), Some(id)) = (self.active.get_untracked(), self.id_at(to.row)) else {
            return;
        };
        self.corners.set(Some((active, (id, to.column))));
        self.scroll_to.set(Some(to.row));
    }

    /// Selects `range`, leaving the active cell where it is.
    pub fn select(&self, range: Range) {
        let corner = |at: CellPos| self.id_at(at.row).map(|id| (id, at.column));
        if let (Some(a), Some(b)) = (corner(range.top_left()), corner(range.bottom_right())) {
            self.corners.set(Some((a, b)));
        }
    }

    /// The far corner of the selection (the active cell when nothing more is selected).
    pub fn far_corner(&self) -> Option<CellPos> {
        let corners = self.corners.get_untracked();
        corners
            .and_then(|(_, b)| self.pos(b))
            .or_else(|| self.active_pos())
    }

    /// Scrolls `at` into view and focuses it.
    pub fn show(&self, at: CellPos) {
        let Some(id) = self.id_at(at.row) else {
            return;
        };
        self.scroll_to.set(Some(at.row));
        focus_when_rendered(cell_selector(id, Field::EDITABLE[at.column]), 30);
    }

    /// Enters edit mode in the active cell with the caret at the end of its text (F2, a
    /// double click); a selection stays, for Enter and Tab to go round it.
    pub fn edit_at_end(&self, input: Option<&web_sys::HtmlInputElement>) {
        self.editing.set(true);
        if let Some(input) = input {
            let end = input.value().encode_utf16().count() as u32;
            let _ = input.set_selection_range(end, end);
        }
    }

    /// Leaves edit mode, keeping what was typed (the next keystroke starts a new undo step).
    pub fn commit(&self) {
        self.editing.set(false);
        self.store.end_typing();
    }
}

/// Focuses the element `selector` finds now if it is in the page, else once the grid has
/// rendered it: right after the reactive updates queued now (a cell's input is built when
/// the cell becomes active, with its row's view if the row was not shown; no event reaches
/// the page in between, so no key is lost), else at each frame, giving up after
/// `frames_left` frames.
pub fn focus_when_rendered(selector: String, frames_left: u32) {
    if focus(&selector) {
        return;
    }
    leptos::task::spawn_local(async move {
        if !focus(&selector) && frames_left > 0 {
            request_animation_frame(move || focus_each_frame(selector, frames_left - 1));
        }
    });
}

fn focus_each_frame(selector: String, frames_left: u32) {
    if !focus(&selector) && frames_left > 0 {
        request_animation_frame(move || focus_each_frame(selector, frames_left - 1));
    }
}

/// Focuses the element `selector` finds, if there is one.
fn focus(selector: &str) -> bool {
    match find::<web_sys::HtmlElement>(selector) {
        Some(el) => {
            let _ = el.focus();
            true
        }
        None => false,
    }
}

/// The element `selector` finds in the page, as a `T`.
fn find<T: JsCast>(selector: &str) -> Option<T> {
    document()
        .query_selector(selector)
        .ok()
        .flatten()?
        .dyn_into()
        .ok()
}
