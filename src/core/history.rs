//! Undo and redo as a bounded stack of steps, each holding what it takes to reverse it.

use std::collections::VecDeque;

use crate::core::columns::{CellText, Field};
use crate::core::conflict::Conflict;
use crate::core::draft::{RowDraft, RowId};

/// How many steps are kept; the oldest go first.
pub const HISTORY_LIMIT: usize = 200;

/// One reversible change, stored as what reverses it.
#[derive(Debug, Clone)]
pub enum Step {
    /// Cells to write back (their earlier texts), in the order they were changed; applied
    /// last-first.
    Texts(Vec<(RowId, Field, CellText)>),
    /// Rows that were added: reversing removes them.
    Inserted(Vec<RowId>),
    /// Rows that were removed, with their indexes: reversing puts them back.
    Removed(Vec<(usize, RowDraft)>),
    /// Rows' conflicts to put back (the user's choice taken back): reversing a choice
    /// must never leave a row the server changed looking like an edit to send.
    Conflicts(Vec<(RowId, Option<Box<Conflict>>)>),
    /// Several steps that reverse together (a paste that overwrites cells and adds rows),
    /// in the order they are to be applied.
    Group(Vec<Step>),
}

impl Step {
    /// The steps of a change made in parts, in the order undo applies them, as few steps as
    /// reverse the same: groups inside are opened (a group applies its steps in order, so
    /// this changes nothing) and rows added by parts one after another are removed in one
    /// go (one pass over the table, not one per part; redo puts them back at the same
    /// indexes either way).
    pub fn joined(steps: Vec<Step>) -> Vec<Step> {
        fn open(step: Step, into: &mut Vec<Step>) {
            match step {
                Step::Group(steps) => steps.into_iter().for_each(|s| open(s, into)),
                Step::Inserted(ids) => match into.last_mut() {
                    Some(Step::Inserted(earlier)) => earlier.extend(ids),
                    _ => into.push(Step::Inserted(ids)),
                },
                step => into.push(step),
            }
        }
        let mut joined = Vec::with_capacity(steps.len());
        for step in steps {
            open(step, &mut joined);
        }
        joined
    }
}

#[derive(Debug, Clone, Default)]
pub struct History {
    undo: VecDeque<Step>,
    redo: Vec<Step>,
}

impl History {
    /// A new user action: it can be undone, and what was undone before cannot be redone.
    pub fn record(&mut self, step: Step) {
        self.push_undo(step);
        self.redo.clear();
    }

    pub fn push_undo(&mut self, step: Step) {
        if self.undo.len() == HISTORY_LIMIT {
            self.undo.pop_front();
        }
        self.undo.push_back(step);
    }

    pub fn push_redo(&mut self, step: Step) {
        self.redo.push(step);
    }

    pub fn take_undo(&mut self) -> Option<Step> {
        self.undo.pop_back()
    }

    pub fn take_redo(&mut self) -> Option<Step> {
        self.redo.pop()
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// Every row kept by a step (deleted rows waiting for undo, added rows waiting for redo),
    /// with those of `more` steps (a change still being made in parts): what the server was
    /// found to hold since they were kept must reach them before they come back.
    pub fn kept_rows_mut<'a>(
        &'a mut self,
        more: impl Iterator<Item = &'a mut Step>,
    ) -> impl Iterator<Item = &'a mut RowDraft> {
        fn collect<'a>(step: &'a mut Step, into: &mut Vec<&'a mut RowDraft>) {
            match step {
                Step::Removed(rows) => into.extend(rows.iter_mut().map(|(_, row)| row)),
                Step::Group(steps) => steps.iter_mut().for_each(|s| collect(s, into)),
                Step::Texts(_) | Step::Inserted(_) | Step::Conflicts(_) => {}
            }
        }
        let mut rows = Vec::new();
        for step in self.undo.iter_mut().chain(self.redo.iter_mut()).chain(more) {
            collect(step, &mut rows);
        }
        rows.into_iter()
    }
}
