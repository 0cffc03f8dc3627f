//! Changes to many rows at once (a 100,000-row paste or import) applied in parts, in slices
//! of time: parts follow one another until a slice is used up, then the browser gets a turn
//! (to paint how far it got, to handle a click), so the page stays alive at little cost.
//! The turn is a `setTimeout(0)`: held back 4 ms once nested, which is 10 % of a slice at
//! most, but a real pause for every kind of task. (A `MessageChannel` turn, tried, is
//! immediate but let other task sources starve: a DevTools `evaluate` issued during a
//! 100,000-row paste ran only after the whole paste.)
//! The whole is recorded as one undo step. Views wake once, at the end.

use std::ops::Range;

use leptos::prelude::*;

use crate::core::columns::{CellText, Field};
use crate::core::draft::{NewRows, RowId};
use crate::core::table::Touched;
use crate::editor::store::TableStore;
use crate::editor::time::{clock_ms, sleep};

/// Rows per part: small enough that a part takes a few milliseconds, so a slice ends close
/// to its time.
pub const PART_ROWS: usize = 2_000;

/// How long parts follow one another before the browser gets a turn: long enough that the
/// turns cost little, short enough that a click or a frame waits no more than this.
const SLICE_MS: f64 = 40.0;

/// Work on many rows in progress, shown as a progress bar.
#[derive(Debug, Clone, PartialEq)]
pub struct Work {
    /// What is being done, as the progress bar names it ("Pasting").
    pub label: &'static str,
    pub done: usize,
    pub total: usize,
}

impl Work {
    pub fn percent(&self) -> usize {
        (self.done * 100).checked_div(self.total).unwrap_or(0)
    }
}

/// One part: cells of existing rows (by id), and rows to add at the end.
pub type Part = (Vec<(RowId, Field, CellText)>, NewRows);

/// Why a change in parts stopped before its end; the message says what the table holds.
pub const REPLACED: &str = "The table was replaced or undone while the change was applied; the parts applied so far are one undo step, the rest was left out.";

/// Lets the browser paint and handle events before going on.
pub async fn yield_to_browser() {
    sleep(0).await;
}

/// Applies `total` units of work (rows of a block, rows of a file) part by part: `part`
/// makes the changes for a range of units. The whole is one undo step. Refused (`Err`)
/// when another change in parts is open; stopped (`Err`) when the table is replaced or the
/// change ended under it, so no part lands in a table it was not planned for.
pub async fn apply_in_parts(
    store: TableStore,
    work: RwSignal<Option<Work>>,
    label: &'static str,
    total: usize,
    mut part: impl FnMut(Range<usize>) -> Part,
) -> Result<(), &'static str> {
    work.set(Some(Work {
        label,
        done: 0,
        total,
    }));
    yield_to_browser().await;
    let mut token = None;
    // Changed quietly (`None`: nothing to wake); the views wake once, at the end.
    store.try_update(|t| {
        token = t.begin_group();
        None
    });
    let Some(token) = token else {
        work.set(None);
        return Err("Another change is being applied; wait for it to finish.");
    };
    let mut start = 0;
    let mut slice_start = clock_ms();
    while start < total {
        if !store.with(|t| t.in_group(token)) {
            work.set(None);
            return Err(REPLACED);
        }
        let end = (start + PART_ROWS).min(total);
        let (edits, new_rows) = part(start..end);
        store.try_update(|t| {
            t.paste(edits, new_rows);
            None
        });
        start = end;
        if start < total && clock_ms() - slice_start >= SLICE_MS {
            work.set(Some(Work {
                label,
                done: end,
                total,
            }));
            yield_to_browser().await;
            slice_start = clock_ms();
        }
    }
    // The views wake to the whole change in a task of their own, not after the last slice.
    yield_to_browser().await;
    let finished = store.with(|t| t.in_group(token));
    store.update(|t| {
        if finished {
            t.end_group();
        }
        Touched::Structure
    });
    work.set(None);
    if finished { Ok(()) } else { Err(REPLACED) }
}
