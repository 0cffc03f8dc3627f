//! What a grid row view shows and how it is written. A row view is recycled (see
//! `row_slots`): when it shows another row, or its row changes, one effect writes the row
//! number, place, audit texts, the cells' texts and the active cell's input (its label and
//! value), only where they differ from what it wrote last; the rest (state, problems,
//! marks) goes through memos.

use leptos::prelude::*;
use web_sys::{HtmlDivElement, HtmlInputElement, HtmlSpanElement};

use crate::components::grid_row::cell_label;
use crate::components::grid_state::GridState;
use crate::components::tolerance_grid::ROW_HEIGHT;
use crate::core::columns::{CellText, Cells, EDITABLE_COUNT, Field};
use crate::core::draft::{RowDraft, RowId, RowState};
use crate::core::multistatus::OutcomeKind;
use crate::core::stamp::Stamp;
use crate::core::table::Table;

/// What a row view's effect last wrote, so it writes only what changed.
#[derive(Default)]
pub(crate) struct Written {
    id: Option<RowId>,
    place: Option<usize>,
    position: Option<usize>,
    cells: Cells,
    audit: [String; 2],
    /// The input last written, and its cell.
    editor: Option<(usize, HtmlInputElement)>,
}

/// The elements of a row view and what they are to show now.
pub(crate) struct RowTarget<'a> {
    pub(crate) row_el: &'a HtmlDivElement,
    pub(crate) number_el: &'a HtmlSpanElement,
    pub(crate) audit_els: [&'a HtmlDivElement; 2],
    pub(crate) texts: &'a [HtmlSpanElement; EDITABLE_COUNT],
    /// The input of the row's active cell, if it has one.
    pub(crate) editor: Option<(usize, &'a HtmlInputElement)>,
    pub(crate) id: Option<RowId>,
    pub(crate) place: Option<usize>,
    pub(crate) row: Option<&'a (usize, RowView)>,
}

impl Written {
    /// Writes what differs from what was written last.
    pub(crate) fn write(&mut self, to: &RowTarget) {
        let attribute = |el: &web_sys::Element, name: &str, value: Option<String>| {
            let _ = match value {
                Some(value) => el.set_attribute(name, &value),
                None => el.remove_attribute(name),
            };
        };
        let new_editor = match (to.editor, &self.editor) {
            (Some((i, input)), Some((was, written))) => i != *was || input != written,
            (editor, written) => editor.is_some() != written.is_some(),
        };
        if to.id != self.id {
            attribute(to.row_el, "data-row", to.id.map(|id| id.0.to_string()));
            // Another row now: if the keyboard was in this row view's input, it was in the old
            // row's cell, and must not type into the new one. (The grid pins its active row;
            // under a filter the row can still leave the view.) An input built for the new
            // row, and focused already, is left alone.
            if let Some((_, input)) = to.editor
                && !new_editor
                && document().active_element().as_ref() == Some(input.as_ref())
            {
                let _ = input.blur();
            }
        }
        if to.place != self.place || to.id.is_some() != self.id.is_some() {
            let place = to.place.unwrap_or(0);
            attribute(
                to.row_el,
                "aria-rowindex",
                to.id.map(|_| (place + 2).to_string()),
            );
            let _ = web_sys::HtmlElement::style(to.row_el).set_property(
                "transform",
                &format!("translateY({}px)", place * ROW_HEIGHT as usize),
            );
        }
        let position = to.row.map(|(p, _)| *p);
        if position != self.position {
            set_text(
                to.number_el,
                position
                    .map(|p| (p + 1).to_string())
                    .as_deref()
                    .unwrap_or_default(),
            );
        }
        if let Some((i, input)) = to.editor
            && (position != self.position || new_editor)
        {
            let label = position.map(|p| cell_label(Field::EDITABLE[i], p));
            attribute(input, "aria-label", label);
        }
        let (empty, no_audit) = (CellText::default(), String::new());
        let (cells, audit) = match to.row {
            Some((_, v)) => (v.cells.each_ref(), [&v.entered, &v.updated]),
            None => ([&empty; EDITABLE_COUNT], [&no_audit; 2]),
        };
        // The input holds what was typed in it: it is written only when it is new or its
        // cell's text came from elsewhere (undo, a paste, another row).
        if let Some((i, input)) = to.editor
            && (new_editor || *cells[i] != self.cells[i])
            && input.value() != *cells[i]
        {
            input.set_value(cells[i]);
        }
        for ((el, text), written) in to.texts.iter().zip(cells).zip(&mut self.cells) {
            if *text != *written {
                set_text(el, text);
                text.clone_into(written);
            }
        }
        for ((el, text), written) in to.audit_els.iter().zip(audit).zip(&mut self.audit) {
            if *text != *written {
                set_text(el, text);
                text.clone_into(written);
            }
        }
        self.id = to.id;
        self.place = to.place;
        self.position = position;
        self.editor = to.editor.map(|(i, input)| (i, input.clone()));
    }
}

/// Sets an element's text, changing its text node in place when it has one.
fn set_text(el: &web_sys::Element, text: &str) {
    match el.first_child() {
        Some(node) if node.node_type() == web_sys::Node::TEXT_NODE => {
            node.set_node_value(Some(text))
        }
        _ => el.set_text_content(Some(text)),
    }
}

/// What the grid's cell state means for one row: which of its cells is active and which is
/// the tab stop, and which columns are selected (`range`: the selection is more than one
/// cell).
#[derive(Clone, Copy, PartialEq)]
pub(crate) struct RowMarks {
    pub(crate) active: Option<usize>,
    pub(crate) tab_stop: Option<usize>,
    pub(crate) selected: Option<(usize, usize)>,
    pub(crate) range: bool,
}

impl RowMarks {
    pub(crate) fn of(grid: GridState, id: Option<RowId>, place: Option<usize>) -> Self {
        let column_of =
            |cell: Option<(RowId, usize)>| cell.filter(|(at, _)| Some(*at) == id).map(|(_, c)| c);
        let (selected, range) = grid.selection.with(|s| match (s, place) {
            (Some(s), Some(place)) if s.rows().contains(&place) => {
                (Some((s.left, s.right)), !s.is_single())
            }
            _ => (None, false),
        });
        RowMarks {
            active: column_of(grid.active.get()),
            tab_stop: column_of(grid.tab_stop.get()),
            selected,
            range,
        }
    }

    pub(crate) fn is_selected(&self, column: usize) -> bool {
        self.selected
            .is_some_and(|(left, right)| (left..=right).contains(&column))
    }
}

/// What a row shows, copied out of the table so views need no borrow.
#[derive(Clone, PartialEq)]
pub(crate) struct RowView {
    pub(crate) state: RowState,
    pub(crate) cells: Cells,
    pub(crate) problems: [Option<String>; EDITABLE_COUNT],
    /// "GRP099 is not a group in DEMO_LIVE": values the database does not list.
    pub(crate) warnings: [Option<String>; EDITABLE_COUNT],
    pub(crate) entered: String,
    pub(crate) updated: String,
    pub(crate) outcome: Option<(OutcomeKind, String)>,
    /// What the server is known to hold where it differs from the row: "Server has 9.00".
    pub(crate) server: Option<String>,
}

impl RowView {
    pub(crate) fn of(table: &Table, row: &RowDraft) -> Self {
        let original = row.original();
        let audit = |date: Option<&Stamp>, user: Option<&CellText>| {
            // The day is enough in a dense table.
            let date = date.map(|d| d.as_text().chars().take(10).collect::<String>());
            match (date, user) {
                (Some(d), Some(u)) => format!("{d} · {u}"),
                (Some(d), None) => d,
                (None, Some(u)) => u.to_string(),
                (None, None) => String::new(),
            }
        };
        RowView {
            state: row.state(),
            cells: row.cells().into_owned(),
            problems: Field::EDITABLE.map(|f| row.problem(f).map(|p| p.to_string())),
            warnings: table.warnings(row).map(|w| w.map(|w| w.to_string())),
            entered: audit(
                original.and_then(|r| r.entry_date.as_ref()),
                original.and_then(|r| r.entry_user.as_ref()),
            ),
            updated: audit(
                original.and_then(|r| r.update_date.as_ref()),
                original.and_then(|r| r.update_user.as_ref()),
            ),
            outcome: row.outcome().map(|o| (o.kind, outcome_text(o))),
            server: server_text(row),
        }
    }
}

/// "Server has 9.00", "Server has 9.00, Group ID GRP002": the server's values beside the
/// user's, for a row that differs from what the server was last known to hold; for a
/// conflict, who saved them and when, where the server says.
fn server_text(row: &RowDraft) -> Option<String> {
    let conflict = row.state() == RowState::Conflict;
    if conflict && row.original().is_none() {
        return Some("The server no longer has this key (deleted since loaded)".into());
    }
    let differences = row.server_differences();
    if differences.is_empty() {
        return None;
    }
    let parts: Vec<String> = differences
        .into_iter()
        .map(|(field, text)| match (field, text.is_empty()) {
            (Field::Amount, _) => text.into(),
            (_, true) => format!("no {}", field.title()),
            (_, false) => format!("{} {text}", field.title()),
        })
        .collect();
    let mut text = format!("Server has {}", parts.join(", "));
    if let (true, Some(held)) = (conflict, row.original()) {
        let day = held
            .update_date
            .as_ref()
            .map(|d| d.as_text().chars().take(10).collect::<String>());
        match (&held.update_user, day) {
            (Some(user), Some(day)) => text.push_str(&format!(" (by {user} on {day})")),
            (Some(user), None) => text.push_str(&format!(" (by {user})")),
            (None, Some(day)) => text.push_str(&format!(" (on {day})")),
            (None, None) => {}
        }
    }
    Some(text)
}

pub(crate) fn outcome_text(outcome: &crate::core::multistatus::RowOutcome) -> String {
    if outcome.kind.is_saved() {
        return outcome.kind.label().to_string();
    }
    let mut text = String::new();
    if let Some(status) = outcome.status {
        text.push_str(&format!("{status}: "));
    }
    text.push_str(&outcome.message);
    if let Some(activity) = &outcome.activity_id {
        text.push_str(&format!(" (activity ID {activity})"));
    }
    text
}
