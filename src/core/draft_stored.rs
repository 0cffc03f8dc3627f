//! A row as a saved draft holds it: written with its cells' texts (even where the row holds
//! none of its own), and read back. Drafts saved before rows had a [`Baseline`] carry
//! `original` (the record last loaded or saved) instead; they are read as the same claim,
//! except that a row whose last outcome was unconfirmed gets an unknown baseline: that try
//! never updated `original`, and the server may hold what it sent.

use std::borrow::Cow;

use crate::core::columns::Cells;
use serde::{Deserialize, Serialize};

use super::{Baseline, Conflict, OutcomeKind, Problems, RowDraft, RowId, RowOutcome};
use crate::core::record::Tolerance;

/// A row as it is saved: every field that is not about the page's life, the cells written
/// out.
#[derive(Serialize)]
pub(super) struct SavedRow<'a> {
    id: RowId,
    cells: Cow<'a, Cells>,
    problems: &'a Problems,
    duplicate_key: bool,
    key: Option<i32>,
    changed: bool,
    baseline: &'a Baseline,
    #[serde(skip_serializing_if = "<[Tolerance]>::is_empty")]
    written: &'a [Tolerance],
    pending: bool,
    outcome: Option<&'a RowOutcome>,
    outcome_current: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    conflict: Option<&'a Conflict>,
}

impl<'a> SavedRow<'a> {
    pub(super) fn of(row: &'a RowDraft) -> Self {
        SavedRow {
            id: row.id,
            cells: row.cells(),
            problems: &row.problems,
            duplicate_key: row.duplicate_key,
            key: row.key(),
            changed: row.changed,
            baseline: &row.baseline,
            written: row.written.as_slice(),
            pending: row.pending,
            outcome: row.outcome.as_deref(),
            outcome_current: row.outcome_current,
            conflict: row.conflict.as_deref(),
        }
    }
}

#[derive(Deserialize)]
pub(super) struct StoredRow {
    id: RowId,
    cells: Cells,
    problems: Problems,
    duplicate_key: bool,
    key: Option<i32>,
    /// Drafts with a baseline have it; older ones have `original` only.
    #[serde(default)]
    baseline: Option<Baseline>,
    #[serde(default)]
    original: Option<Tolerance>,
    #[serde(default)]
    written: Vec<Tolerance>,
    pending: bool,
    outcome: Option<Box<RowOutcome>>,
    outcome_current: bool,
    #[serde(default)]
    conflict: Option<Box<Conflict>>,
}

impl From<StoredRow> for RowDraft {
    fn from(stored: StoredRow) -> Self {
        let baseline = stored.baseline.unwrap_or_else(|| {
            let loaded = match stored.original {
                Some(record) => Baseline::Known(record),
                None => Baseline::Absent,
            };
            let unconfirmed = stored
                .outcome
                .as_ref()
                .is_some_and(|o| o.kind == OutcomeKind::Unconfirmed);
            if unconfirmed {
                loaded.made_unknown()
            } else {
                loaded
            }
        });
        let mut row = RowDraft {
            id: stored.id,
            cells: Some(Box::new(stored.cells)),
            problems: stored.problems,
            duplicate_key: stored.duplicate_key,
            key: stored.key.unwrap_or(0),
            has_key: stored.key.is_some(),
            changed: true,
            baseline,
            written: stored.written.into(),
            pending: stored.pending,
            edited_in_flight: false,
            outcome: stored.outcome,
            outcome_current: stored.outcome_current,
            read_back: false,
            conflict: stored.conflict,
        };
        // Worked out again rather than trusted: it follows from the baseline.
        row.refresh_changed();
        row.settle_cells();
        row
    }
}
