//! Changes to many rows at once (a 100,000-row paste or import) applied in parts, yielding
//! to the browser between them so the page stays alive and shows how far it got, and
//! recorded as one undo step. Views wake once, at the end.

use std::ops::Range;

use leptos::prelude::*;

use crate::core::columns::{EDITABLE_COUNT, Field};
use crate::core::table::Touched;
use crate::editor::store::TableStore;
use crate::editor::time::sleep;

/// Rows per part: small enough that a part takes a few tens of milliseconds.
pub const PART_ROWS: usize = 5_000;

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

/// One part: cells of existing rows (table index, field, text) and rows to add at the end.
pub type Part = (Vec<(usize, Field, String)>, Vec<[String; EDITABLE_COUNT]>);

/// Lets the browser paint and handle events before going on.
pub async fn yield_to_browser() {
    sleep(0).await;
}

/// Applies `total` units of work (rows of a block, rows of a file) part by part: `part`
/// makes the changes for a range of units. The whole is one undo step.
pub async fn apply_in_parts(
    store: TableStore,
    work: RwSignal<Option<Work>>,
    label: &'static str,
    total: usize,
    mut part: impl FnMut(Range<usize>) -> Part,
) {
    work.set(Some(Work {
        label,
        done: 0,
        total,
    }));
    yield_to_browser().await;
    store.try_update(|t| {
        t.begin_group();
        None
    });
    let mut start = 0;
    while start < total {
        let end = (start + PART_ROWS).min(total);
        let (edits, new_rows) = part(start..end);
        // Applied quietly: the rows and the summary wake once, at the end.
        store.try_update(|t| {
            t.paste(edits, new_rows);
            None
        });
        start = end;
        work.set(Some(Work {
            label,
            done: end,
            total,
        }));
        yield_to_browser().await;
    }
    store.update(|t| {
        t.end_group();
        Touched::Structure
    });
    work.set(None);
}
