//! The table as the view sees it: the plain [`Table`] behind a handle whose notifications
//! are per row. Typing in a cell wakes that row's cells and the summary, never the whole
//! list, so a 100,000-row table stays as quick as a 10-row one.

use rustc_hash::FxHashMap;

use leptos::prelude::*;

use crate::core::draft::RowId;
use crate::core::known_values::KnownValues;
use crate::core::table::{Summary, Table, Touched};

/// A Copy handle to the editor's table, shared through context.
#[derive(Clone, Copy)]
pub struct TableStore {
    table: StoredValue<Table>,
    /// Bumped when rows are added, removed, reordered or replaced.
    structure: RwSignal<u64>,
    /// Bumped on every change (the summary depends on all rows).
    revision: RwSignal<u64>,
    /// One trigger per row that a view has subscribed to, with how many subscriptions it
    /// has: a row scrolled out of view drops its entry, so scrolling through 100,000 rows
    /// leaves no 100,000 triggers behind.
    rows: StoredValue<FxHashMap<RowId, (ArcTrigger, usize)>>,
    summary: Memo<Summary>,
    /// What changed since the draft was last saved (see [`Self::take_changes`]).
    changes: StoredValue<Changes>,
}

/// The rows changed since [`TableStore::take_changes`] was last called, or everything.
#[derive(Debug, Clone, Default)]
pub struct Changes {
    /// Rows were added, removed, moved or replaced: every row counts as changed.
    pub all: bool,
    /// The rows changed (a row may be listed more than once).
    pub rows: Vec<RowId>,
}

impl TableStore {
    pub fn new(table: Table) -> Self {
        let table = StoredValue::new(table);
        let revision = RwSignal::new(0);
        let summary = Memo::new(move |_| {
            revision.track();
            table.with_value(Table::summary)
        });
        TableStore {
            table,
            structure: RwSignal::new(0),
            revision,
            rows: StoredValue::new(FxHashMap::default()),
            summary,
            changes: StoredValue::new(Changes {
                all: true,
                rows: Vec::new(),
            }),
        }
    }

    /// Replaces the whole table (a load, a restored draft, a discard).
    pub fn replace(&self, table: Table) {
        self.table.set_value(table);
        self.mark_all_changed();
        self.structure.update(|n| *n += 1);
        self.revision.update(|n| *n += 1);
    }

    /// A number that moves on with every change to the table, read without subscribing: a
    /// task that waited (a load) compares it to know whether the table changed meanwhile.
    pub fn revision_untracked(&self) -> u64 {
        self.revision.get_untracked()
    }

    /// A number that moves on when rows are added, removed, reordered or replaced, read
    /// without subscribing.
    pub fn structure_untracked(&self) -> u64 {
        self.structure.get_untracked()
    }

    /// Reads the table without subscribing; pair with [`Self::track_row`] or
    /// [`Self::track_structure`] in views.
    pub fn with<R>(&self, f: impl FnOnce(&Table) -> R) -> R {
        self.table.with_value(f)
    }

    /// Changes the table and wakes exactly what the change touched.
    pub fn update(&self, f: impl FnOnce(&mut Table) -> Touched) -> Touched {
        let touched = self
            .table
            .try_update_value(f)
            .unwrap_or(Touched::Rows(Vec::new()));
        self.notify(&touched);
        touched
    }

    /// Like [`Self::update`] for changes that may do nothing (undo with nothing to undo).
    pub fn try_update(&self, f: impl FnOnce(&mut Table) -> Option<Touched>) -> bool {
        match self.table.try_update_value(f).flatten() {
            Some(touched) => {
                self.notify(&touched);
                true
            }
            None => false,
        }
    }

    /// The changes since the last call, which start again from none.
    pub fn take_changes(&self) -> Changes {
        self.changes
            .try_update_value(std::mem::take)
            .unwrap_or_default()
    }

    /// Counts every row as changed (a save that failed is done again in full).
    pub fn mark_all_changed(&self) {
        self.changes.update_value(|changes| {
            changes.all = true;
            changes.rows.clear();
        });
    }

    fn notify(&self, touched: &Touched) {
        match touched {
            Touched::Structure => self.mark_all_changed(),
            Touched::Rows(ids) => {
                let rows = self.with(Table::len);
                self.changes.update_value(|changes| {
                    if !changes.all {
                        changes.rows.extend(ids.iter().copied());
                    }
                    // Past one entry per row, every row may as well count as changed.
                    if changes.rows.len() > rows {
                        changes.all = true;
                        changes.rows.clear();
                    }
                });
            }
        }
        match touched {
            Touched::Structure => self.structure.update(|n| *n += 1),
            Touched::Rows(ids) => self.rows.with_value(|rows| {
                for id in ids {
                    if let Some((trigger, _)) = rows.get(id) {
                        trigger.notify();
                    }
                }
            }),
        }
        self.revision.update(|n| *n += 1);
    }

    /// Gives the table its database's lists: the rows shown re-read their warnings. Nothing
    /// of the draft changes, so nothing is saved for it.
    pub fn set_known_values(&self, known: KnownValues) {
        self.table.update_value(|t| t.set_known_values(known));
        self.rows.with_value(|rows| {
            for (trigger, _) in rows.values() {
                trigger.notify();
            }
        });
        self.revision.update(|n| *n += 1);
    }

    /// The user left a cell: the next keystroke starts a new undo step. Nothing to redraw.
    pub fn end_typing(&self) {
        self.table.update_value(Table::end_typing);
    }

    /// Subscribes the running effect to changes of one row, until it runs again or is
    /// disposed (its row view unmounted).
    pub fn track_row(&self, id: RowId) {
        let trigger = self.rows.try_update_value(|rows| {
            let (trigger, subscribers) = rows.entry(id).or_default();
            *subscribers += 1;
            trigger.clone()
        });
        if let Some(trigger) = trigger {
            trigger.track();
            let rows = self.rows;
            on_cleanup(move || {
                rows.try_update_value(|rows| {
                    if let Some((_, subscribers)) = rows.get_mut(&id) {
                        *subscribers -= 1;
                        if *subscribers == 0 {
                            rows.remove(&id);
                        }
                    }
                });
            });
        }
        // Undo of a delete, a sort… move rows: their positions come from the structure.
        self.structure.track();
    }

    pub fn track_structure(&self) {
        self.structure.track();
    }

    /// Subscribes to any change at all (for saving the draft, the undo buttons).
    pub fn track_any(&self) {
        self.revision.track();
    }

    pub fn summary(&self) -> Memo<Summary> {
        self.summary
    }

    /// How many rows have a subscribed view (the rows in view, once they are rendered).
    pub fn tracked_rows(&self) -> usize {
        self.rows.with_value(FxHashMap::len)
    }

    /// How many rows, subscribing to additions and removals.
    pub fn len(&self) -> usize {
        self.structure.track();
        self.with(Table::len)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
