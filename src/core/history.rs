//! Undo and redo as a bounded stack of steps, each holding what it takes to reverse it.

use std::collections::VecDeque;

use crate::core::columns::Field;
use crate::core::draft::{RowDraft, RowId};

/// How many steps are kept; the oldest go first.
pub const HISTORY_LIMIT: usize = 200;

/// One reversible change, stored as what reverses it.
#[derive(Debug, Clone)]
pub enum Step {
    /// Cells to write back (their earlier texts), in the order they were changed; applied
    /// last-first.
    Texts(Vec<(RowId, Field, String)>),
    /// Rows that were added: reversing removes them.
    Inserted(Vec<RowId>),
    /// Rows that were removed, with their indexes: reversing puts them back.
    Removed(Vec<(usize, RowDraft)>),
    /// Several steps that reverse together (a paste that overwrites cells and adds rows),
    /// in the order they are to be applied.
    Group(Vec<Step>),
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
}
