//! Which rows the grid shows: all of them in table order, or those a filter keeps (only
//! changed, only failed, only invalid, and free text), still in table order, so a filter
//! combines with a sort. A view is a list of row ids; filtering never touches the table or
//! its history.

use rustc_hash::FxHashMap;

use crate::core::columns::Field;
use crate::core::draft::{RowDraft, RowId, RowState};
use crate::core::table::Table;

/// What the user asked to see. The ticked states are alternatives (changed *or* failed);
/// the text must match as well.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RowFilter {
    /// Rows whose values differ from the server's (new ones included).
    pub changed: bool,
    /// Rows whose last submit failed or was not confirmed.
    pub failed: bool,
    /// Rows with a problem in any cell.
    pub invalid: bool,
    /// Rows naming a group or payment method the database does not list.
    pub warned: bool,
    /// Rows the server changed under the user's edit, waiting for a choice.
    pub conflicts: bool,
    /// Text found in any editable cell, ignoring case.
    pub text: String,
}

impl RowFilter {
    pub fn is_active(&self) -> bool {
        self.changed
            || self.failed
            || self.invalid
            || self.warned
            || self.conflicts
            || !self.text.trim().is_empty()
    }

    /// This filter with the text as typed, or `None` when it would keep the same rows (the
    /// same words, told apart only by case or spaces at the ends): nothing to re-filter.
    pub fn with_text(&self, text: &str) -> Option<RowFilter> {
        let normalized = |t: &str| t.trim().to_lowercase();
        (normalized(text) != normalized(&self.text)).then(|| RowFilter {
            text: text.to_string(),
            ..self.clone()
        })
    }

    /// Whether `row` passes, with `wanted` the filter's text already trimmed and lowercased
    /// (once per view, not once per row).
    fn matches(&self, table: &Table, row: &RowDraft, wanted: &str) -> bool {
        let by_state =
            !(self.changed || self.failed || self.invalid || self.warned || self.conflicts)
                || (self.changed && row.is_changed())
                || (self.failed && matches!(row.state(), RowState::Failed | RowState::Unconfirmed))
                || (self.invalid && row.has_problems())
                || (self.warned && table.is_warned(row))
                || (self.conflicts && row.state() == RowState::Conflict);
        by_state && Self::matches_text(row, wanted, wanted.is_ascii())
    }

    fn matches_text(row: &RowDraft, wanted: &str, wanted_ascii: bool) -> bool {
        wanted.is_empty()
            || Field::EDITABLE.iter().any(|f| {
                let text = row.text(*f);
                // Most cells are ASCII: compare without allocating.
                if wanted_ascii && text.is_ascii() {
                    text.as_bytes()
                        .windows(wanted.len())
                        .any(|w| w.eq_ignore_ascii_case(wanted.as_bytes()))
                } else {
                    text.to_lowercase().contains(wanted)
                }
            })
    }
}

/// The rows the grid shows, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum View {
    /// Every row, in table order (no filter: nothing to compute at 100,000 rows).
    #[default]
    All,
    /// The rows a filter kept, with each one's place in the view.
    Only {
        ids: Vec<RowId>,
        places: FxHashMap<RowId, usize>,
    },
}

/// Rows looked at in one call: V8 runs a wasm function's first calls in quickly compiled
/// code and later calls in optimized code, so 100,000 rows looked at in one call ran at the
/// quick code's pace throughout (see `core::clipboard::STEP_BYTES`).
const STEP_ROWS: usize = 2_000;

/// Adds to `ids` the rows of `rows` that `filter` keeps.
#[inline(never)]
fn keep_matching(
    table: &Table,
    filter: &RowFilter,
    wanted: &str,
    rows: &[RowDraft],
    ids: &mut Vec<RowId>,
) {
    ids.extend(
        rows.iter()
            .filter(|row| filter.matches(table, row, wanted))
            .map(RowDraft::id),
    );
}

impl View {
    /// The view of `table` through `filter`.
    pub fn of(table: &Table, filter: &RowFilter) -> View {
        if !filter.is_active() {
            return View::All;
        }
        let wanted = filter.text.trim().to_lowercase();
        let mut ids = Vec::new();
        for rows in table.rows().chunks(STEP_ROWS) {
            keep_matching(table, filter, &wanted, rows, &mut ids);
        }
        let places = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
        View::Only { ids, places }
    }

    pub fn is_filtered(&self) -> bool {
        matches!(self, View::Only { .. })
    }

    /// How many rows are shown.
    pub fn len(&self, table: &Table) -> usize {
        match self {
            View::All => table.len(),
            View::Only { ids, .. } => ids.len(),
        }
    }

    /// The row shown at `place`, if it is still in the table.
    pub fn id_at(&self, table: &Table, place: usize) -> Option<RowId> {
        match self {
            View::All => table.row_at(place).map(RowDraft::id),
            View::Only { ids, .. } => ids.get(place).copied(),
        }
    }

    /// Where row `id` is shown, if it is.
    pub fn place_of(&self, table: &Table, id: RowId) -> Option<usize> {
        match self {
            View::All => table.position(id),
            View::Only { places, .. } => places.get(&id).copied(),
        }
    }

    /// The rows shown at `places`, in that order (rows since removed are skipped).
    pub fn ids_in(&self, table: &Table, places: impl IntoIterator<Item = usize>) -> Vec<RowId> {
        places
            .into_iter()
            .filter_map(|p| self.id_at(table, p))
            .filter(|id| table.position(*id).is_some())
            .collect()
    }

    /// The table index of the row shown at `place`.
    pub fn table_index(&self, table: &Table, place: usize) -> Option<usize> {
        table.position(self.id_at(table, place)?)
    }
}

#[cfg(test)]
#[path = "filter_tests.rs"]
mod tests;
