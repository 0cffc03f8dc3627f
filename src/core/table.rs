//! The table as the editor holds it: row drafts in display order, the key index that flags
//! duplicate keys, and the undo history. Every edit goes through here, so uniqueness,
//! change tracking and undo cannot drift apart; the view only renders what this says.

use std::sync::atomic::AtomicU64;

use crate::core::columns::{CellText, Cells, Field};
use crate::core::draft::{KeyChange, NewRows, RowDraft, RowId, RowState};
use crate::core::history::{History, Step};
use crate::core::keys::KeyIndex;
use crate::core::known_values::KnownValues;
use crate::core::record::Tolerance;

/// Which rows an operation changed, so the view refreshes only those.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Touched {
    /// The same rows in the same order; these rows' contents changed.
    Rows(Vec<RowId>),
    /// Rows were added, removed or moved.
    Structure,
}

/// Counts for the status line and the Submit button.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub rows: usize,
    pub new: usize,
    pub changed: usize,
    pub invalid: usize,
    /// Cells with a problem (a row can have several).
    pub problems: usize,
    pub failed: usize,
    pub unconfirmed: usize,
    /// Rows the server changed under the user's edit, waiting for the user's choice.
    pub conflicts: usize,
    pub pending: usize,
    /// Rows a Submit would send now.
    pub to_send: usize,
    /// Rows showing an outcome of an earlier submit (what "Export outcomes" writes).
    pub with_outcome: usize,
    /// Cells naming a group or payment method the database does not list (they may still
    /// be sent).
    pub warnings: usize,
}

impl Summary {
    /// Rows holding edits the server does not have, which replacing the table would lose:
    /// those to send, those with problems and the conflicts waiting for a choice.
    pub fn unsent(&self) -> usize {
        self.to_send + self.invalid + self.conflicts
    }

    /// What one row adds to the counts (`rows` aside).
    fn of_row(row: &RowDraft, known: Option<&KnownValues>) -> Summary {
        let mut summary = Summary::default();
        match row.state() {
            RowState::New => summary.new = 1,
            RowState::Modified => summary.changed = 1,
            RowState::Invalid => summary.invalid = 1,
            RowState::Failed => summary.failed = 1,
            RowState::Unconfirmed => summary.unconfirmed = 1,
            RowState::Conflict => summary.conflicts = 1,
            RowState::Pending => summary.pending = 1,
            RowState::Clean | RowState::Created | RowState::Updated => {}
        }
        summary.problems = row.problem_count();
        summary.to_send = usize::from(row.needs_sending());
        summary.with_outcome = usize::from(row.outcome().is_some());
        summary.warnings = known.map_or(0, |k| k.count(row));
        summary
    }

    /// Adds (`add`) or takes away one row's counts.
    fn apply(&mut self, row: &Summary, add: bool) {
        let pairs = [
            (&mut self.new, row.new),
            (&mut self.changed, row.changed),
            (&mut self.invalid, row.invalid),
            (&mut self.problems, row.problems),
            (&mut self.failed, row.failed),
            (&mut self.unconfirmed, row.unconfirmed),
            (&mut self.conflicts, row.conflicts),
            (&mut self.pending, row.pending),
            (&mut self.to_send, row.to_send),
            (&mut self.with_outcome, row.with_outcome),
            (&mut self.warnings, row.warnings),
        ];
        for (total, count) in pairs {
            if add {
                *total += count;
            } else {
                *total -= count;
            }
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Table {
    rows: Vec<RowDraft>,
    positions: Positions,
    keys: KeyIndex,
    next_id: u32,
    history: History,
    /// The cell being typed into: its keystrokes since focus are one undo step.
    typing: Option<(RowId, Field)>,
    /// Steps of a change applied in parts (a big paste, in chunks), to be one undo step,
    /// and the token of the job that began it.
    group: Option<(GroupToken, Vec<Step>)>,
    /// The summary's counts, kept up to date as rows change so that a keystroke does not
    /// recount 100,000 rows ([`Table::recount`] is the reference it must equal).
    counts: Summary,
    /// The lists of the database this table belongs to, once read (see `table_known.rs`).
    known: Option<KnownValues>,
}

/// Names one change made in parts, so each part can check it still goes into that change
/// (not into a table loaded since, nor into another job's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupToken(u64);

/// Tokens are unique across tables: a table that replaced another cannot hold the old token.
static NEXT_GROUP: AtomicU64 = AtomicU64::new(0);

impl Table {
    pub fn new() -> Self {
        Self::default()
    }

    /// A table showing `records` as loaded from the server: all clean, no history.
    pub fn from_records(records: impl IntoIterator<Item = Tolerance>) -> Self {
        let mut table = Table::new();
        table.extend_loaded(records);
        table
    }

    /// Adds records loaded from the server after the last row, as clean rows and not as an
    /// undo step: a load builds its table page by page while later pages are on their way.
    pub fn extend_loaded(&mut self, records: impl IntoIterator<Item = Tolerance>) {
        let rows: Vec<RowDraft> = records
            .into_iter()
            .map(|record| RowDraft::from_record(self.fresh_id(), record))
            .collect();
        self.append_rows(rows);
    }

    /// Room for `additional` more rows, made once, as a load that knows its size asks: the
    /// rows' vector grown by doubling would hold up to twice the rows it needs, and copy
    /// itself each time, with both copies alive (wasm memory never shrinks: the copies are
    /// what a 100,000-row table costs).
    pub fn reserve(&mut self, additional: usize) {
        self.rows.reserve_exact(additional);
        self.positions.reserve(additional);
        self.keys.reserve(additional);
    }

    /// A table restored from saved drafts (history is not saved). Rows that were being sent
    /// when the page went away are unconfirmed: their try may have been applied, and its
    /// answer never arrived here.
    pub fn from_drafts(mut rows: Vec<RowDraft>) -> Self {
        let mut table = Table::new();
        table.next_id = rows.iter().map(|r| r.id().0 + 1).max().unwrap_or(0);
        submit::lose_answers(&mut rows);
        table.rows = rows;
        table.reindex();
        table
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn rows(&self) -> &[RowDraft] {
        &self.rows
    }

    pub fn row_at(&self, index: usize) -> Option<&RowDraft> {
        self.rows.get(index)
    }

    pub fn row(&self, id: RowId) -> Option<&RowDraft> {
        self.position(id).map(|i| &self.rows[i])
    }

    pub fn position(&self, id: RowId) -> Option<usize> {
        self.positions.get(id)
    }

    /// The first row (in table order) whose key cell reads as `key`.
    pub fn position_of_key(&self, key: i32) -> Option<usize> {
        self.position(self.row_with_key(key)?)
    }

    /// The id of [`Self::position_of_key`]'s row, found without its place when it is the
    /// only row with the key (an import looks up each of its 100,000 keys).
    pub fn row_with_key(&self, key: i32) -> Option<RowId> {
        match self.keys.rows_with(key) {
            [only] => Some(*only),
            rows => rows
                .iter()
                .filter_map(|id| Some((self.position(*id)?, *id)))
                .min()
                .map(|(_, id)| id),
        }
    }

    pub fn can_undo(&self) -> bool {
        self.history.can_undo()
    }

    pub fn can_redo(&self) -> bool {
        self.history.can_redo()
    }

    /// Sets one cell's text, as one undo step.
    pub fn set_text(&mut self, id: RowId, field: Field, text: impl Into<CellText>) -> Touched {
        self.set_texts(vec![(id, field, text.into())])
    }

    /// A keystroke in a cell: validated at once, and undone together with the keystrokes
    /// before it in the same cell, as a user expects from a spreadsheet.
    pub fn type_text(&mut self, id: RowId, field: Field, text: impl Into<CellText>) -> Touched {
        let same_cell = self.typing == Some((id, field));
        let (before, touched) = self.apply_texts(vec![(id, field, text.into())]);
        if !before.is_empty() && !same_cell {
            self.record(Step::Texts(before));
            // Escape takes back the top undo step: only when that step is this typing (not
            // when it went into a change made in parts).
            self.typing = self.group.is_none().then_some((id, field));
        }
        Touched::Rows(touched)
    }

    /// The user left the cell: the next keystroke anywhere starts a new undo step.
    pub fn end_typing(&mut self) {
        self.typing = None;
    }

    /// Escape in a cell: puts back the text it had before this round of typing, leaving no
    /// trace in undo or redo. `None` when nothing was typed.
    pub fn cancel_typing(&mut self) -> Option<Touched> {
        self.typing.take()?;
        if self.group.is_some() {
            return None;
        }
        let step = self.history.take_undo()?;
        let (_, touched) = self.apply_step(step);
        Some(touched)
    }

    /// Sets many cells at once (a paste, a fill, a clear) as one undo step.
    pub fn set_texts(&mut self, edits: Vec<(RowId, Field, CellText)>) -> Touched {
        self.typing = None;
        let (before, touched) = self.apply_texts(edits);
        if !before.is_empty() {
            self.record(Step::Texts(before));
        }
        Touched::Rows(touched)
    }

    /// Adds an empty new row at `index` (clamped to the end), as one undo step.
    pub fn insert_new(&mut self, index: usize) -> RowId {
        let id = self.fresh_id();
        self.insert_rows(vec![(index, RowDraft::new(id))]);
        id
    }

    /// Adds new rows made of text (a paste past the last row, an import) at the end.
    pub fn append_cells(&mut self, rows: Vec<Cells>) -> Vec<RowId> {
        let start = self.rows.len();
        let drafts: Vec<_> = rows
            .into_iter()
            .enumerate()
            .map(|(i, cells)| (start + i, RowDraft::from_cells(self.fresh_id(), cells)))
            .collect();
        let ids = drafts.iter().map(|(_, d)| d.id()).collect();
        self.insert_rows(drafts);
        ids
    }

    /// A pasted block: cells overwritten (named by row id, so a sort between the plan and
    /// this does not move them) and rows added at the end, validated like typing, as one
    /// undo step.
    pub fn paste(&mut self, edits: Vec<(RowId, Field, CellText)>, new_rows: NewRows) -> Touched {
        self.typing = None;
        let (before, touched) = self.apply_texts(edits);
        // Stored in the order undo applies them: drop the added rows, then restore texts.
        let mut undo = Vec::with_capacity(2);
        let added = !new_rows.is_empty();
        if added {
            let first = self.next_id;
            let count = u32::try_from(new_rows.len()).expect("fewer rows than ids");
            self.next_id += count;
            undo.push(Step::Inserted((first..first + count).map(RowId).collect()));
            self.append_rows(new_rows.into_rows(first));
        }
        if !before.is_empty() {
            undo.push(Step::Texts(before));
        }
        if !undo.is_empty() {
            self.record(Step::Group(undo));
        }
        if added {
            Touched::Structure
        } else {
            Touched::Rows(touched)
        }
    }

    /// Copies a row's text into a new row just below it, as one undo step.
    pub fn duplicate(&mut self, id: RowId) -> Option<RowId> {
        let index = self.position(id)?;
        let copy = RowDraft::from_cells(self.fresh_id(), self.rows[index].cells().into_owned());
        let new_id = copy.id();
        self.insert_rows(vec![(index + 1, copy)]);
        Some(new_id)
    }

    /// Removes rows from the table (not from the server), as one undo step.
    pub fn delete(&mut self, ids: &[RowId]) -> Touched {
        self.typing = None;
        let removed = self.remove_rows(ids);
        if !removed.is_empty() {
            self.record(Step::Removed(removed));
        }
        Touched::Structure
    }

    /// Starts a change made in parts (a 100,000-row paste applied in chunks, so the page
    /// can show its progress): everything recorded until [`Self::end_group`] is one undo step.
    /// `None` while another such change is open: two jobs never share one undo step.
    pub fn begin_group(&mut self) -> Option<GroupToken> {
        if self.group.is_some() {
            return None;
        }
        self.typing = None;
        let token = GroupToken(NEXT_GROUP.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
        self.group = Some((token, Vec::new()));
        Some(token)
    }

    /// Whether the change named `token` is still open here (not ended by an undo, and the
    /// table not replaced by a load since).
    pub fn in_group(&self, token: GroupToken) -> bool {
        self.group.as_ref().is_some_and(|(open, _)| *open == token)
    }

    /// Ends the change begun by [`Self::begin_group`], recording it as one undo step.
    pub fn end_group(&mut self) {
        let Some((_, mut steps)) = self.group.take() else {
            return;
        };
        self.typing = None;
        // Undone last part first.
        steps.reverse();
        let mut steps = Step::joined(steps);
        match steps.len() {
            0 => {}
            1 => self.history.record(steps.remove(0)),
            _ => self.history.record(Step::Group(steps)),
        }
    }

    fn record(&mut self, step: Step) {
        match &mut self.group {
            Some((_, steps)) => steps.push(step),
            None => self.history.record(step),
        }
    }

    pub fn undo(&mut self) -> Option<Touched> {
        self.end_group();
        self.typing = None;
        let step = self.history.take_undo()?;
        let (redo, touched) = self.apply_step(step);
        self.history.push_redo(redo);
        Some(touched)
    }

    pub fn redo(&mut self) -> Option<Touched> {
        self.typing = None;
        let step = self.history.take_redo()?;
        let (undo, touched) = self.apply_step(step);
        self.history.push_undo(undo);
        Some(touched)
    }

    /// The counts for the status line and Submit, kept as rows change: O(1).
    pub fn summary(&self) -> Summary {
        Summary {
            rows: self.rows.len(),
            ..self.counts
        }
    }

    /// The same counts taken row by row: O(n). What [`Table::summary`] must always equal.
    pub fn recount(&self) -> Summary {
        let mut summary = Summary {
            rows: self.rows.len(),
            ..Summary::default()
        };
        for row in &self.rows {
            summary.apply(&Summary::of_row(row, self.known.as_ref()), true);
        }
        summary
    }

    /// The first cell with a problem, in table order, for "move focus to the first".
    pub fn first_problem(&self) -> Option<(usize, Field)> {
        self.rows
            .iter()
            .enumerate()
            .find_map(|(i, row)| row.problems().next().map(|p| (i, p.field)))
    }

    /// Changes one row, keeping the counts in step with it.
    fn change_row<R>(&mut self, index: usize, change: impl FnOnce(&mut RowDraft) -> R) -> R {
        self.change_cells(index, &KnownValues::FIELDS, change)
    }

    /// [`Self::change_row`] for a change to the cells of `fields` only: the row's warnings
    /// are counted again only when a field they are about is among them (the lookups were
    /// a fifth of a 100,000-row import of amounts).
    fn change_cells<R>(
        &mut self,
        index: usize,
        fields: &[Field],
        change: impl FnOnce(&mut RowDraft) -> R,
    ) -> R {
        let row = &mut self.rows[index];
        let known = (self.known.as_ref())
            .filter(|_| fields.iter().any(|f| KnownValues::FIELDS.contains(f)));
        self.counts.apply(&Summary::of_row(row, known), false);
        let result = change(row);
        self.counts.apply(&Summary::of_row(row, known), true);
        result
    }

    fn fresh_id(&mut self) -> RowId {
        let id = RowId(self.next_id);
        self.next_id += 1;
        id
    }

    fn insert_rows(&mut self, rows: Vec<(usize, RowDraft)>) {
        self.typing = None;
        let ids: Vec<_> = rows.iter().map(|(_, d)| d.id()).collect();
        self.place_rows(rows);
        self.record(Step::Inserted(ids));
    }

    /// Puts rows back at the indexes they are to have, then refreshes positions and keys.
    /// A merge, so putting back 100,000 deleted rows is linear, not quadratic.
    fn place_rows(&mut self, mut rows: Vec<(usize, RowDraft)>) {
        rows.sort_by_key(|(index, _)| *index);
        if rows
            .first()
            .is_none_or(|(index, _)| *index >= self.rows.len())
        {
            self.append_rows(rows.into_iter().map(|(_, row)| row));
            return;
        }
        let mut merged = Vec::with_capacity(self.rows.len() + rows.len());
        let mut existing = std::mem::take(&mut self.rows).into_iter();
        let mut incoming = rows.into_iter().peekable();
        loop {
            if incoming
                .peek()
                .is_some_and(|(index, _)| *index <= merged.len())
            {
                merged.extend(incoming.next().map(|(_, row)| row));
                continue;
            }
            match existing.next() {
                Some(row) => merged.push(row),
                None => {
                    merged.extend(incoming.map(|(_, row)| row));
                    break;
                }
            }
        }
        self.rows = merged;
        self.reindex();
    }

    /// Adds rows after the last one (a paste or an import growing the table, part by part),
    /// indexing only them: a part costs its own rows, not the whole table again. The rows
    /// are moved into place first and indexed where they lie: a row (136 bytes in wasm)
    /// handed on through a loop was copied at each step, a fifth of a paste's instructions.
    fn append_rows(&mut self, rows: impl IntoIterator<Item = RowDraft>) {
        let start = self.rows.len();
        self.rows.extend(rows);
        self.positions.reserve(self.rows.len() - start);
        for index in start..self.rows.len() {
            let row = &mut self.rows[index];
            // Set below from the key index, with every row sharing the key.
            row.set_duplicate_key(false);
            let (id, key) = (row.id(), row.key());
            self.counts
                .apply(&Summary::of_row(row, self.known.as_ref()), true);
            self.positions.insert(id, index);
            // A key seen first costs no list; a shared one flags every row holding it.
            if let Some(key) = key
                && self.keys.add(id, key)
            {
                for other in self.keys.rows_with(key).to_vec() {
                    if let Some(i) = self.position(other) {
                        self.change_row(i, |row| row.set_duplicate_key(true));
                    }
                }
            }
        }
    }

    /// Takes rows out, returning them with the index each had, for undo.
    fn remove_rows(&mut self, ids: &[RowId]) -> Vec<(usize, RowDraft)> {
        let mut indexes: Vec<usize> = ids.iter().filter_map(|id| self.position(*id)).collect();
        indexes.sort_unstable();
        indexes.dedup();
        let mut removed = Vec::with_capacity(indexes.len());
        let mut doomed = indexes.iter().peekable();
        let mut kept = Vec::with_capacity(self.rows.len() - indexes.len());
        for (index, row) in std::mem::take(&mut self.rows).into_iter().enumerate() {
            if doomed.peek() == Some(&&index) {
                doomed.next();
                removed.push((index, row));
            } else {
                kept.push(row);
            }
        }
        self.rows = kept;
        self.reindex();
        removed
    }

    /// Writes texts and returns what each cell held before, plus the rows whose look
    /// changed (the edited ones and those whose duplicate-key flag flipped).
    fn apply_texts(
        &mut self,
        edits: Vec<(RowId, Field, CellText)>,
    ) -> (Vec<(RowId, Field, CellText)>, Vec<RowId>) {
        let mut before = Vec::with_capacity(edits.len());
        let mut touched = Vec::with_capacity(edits.len());
        for (id, field, text) in edits {
            let Some(index) = self.position(id) else {
                continue;
            };
            let was = self.rows[index].text(field);
            if was == text {
                continue;
            }
            before.push((id, field, was.into()));
            let change = self.change_cells(index, &[field], |row| row.set_text(field, text));
            touched.push(id);
            if let Some(KeyChange { before, after }) = change {
                for (other, duplicate) in self.keys.change(id, before, after) {
                    if let Some(i) = self.position(other) {
                        self.change_row(i, |row| row.set_duplicate_key(duplicate));
                        touched.push(other);
                    }
                }
            }
        }
        touched.sort_unstable();
        touched.dedup();
        (before, touched)
    }

    /// Applies an undo or redo step; returns its inverse and what it touched.
    fn apply_step(&mut self, step: Step) -> (Step, Touched) {
        match step {
            Step::Texts(mut texts) => {
                // Written back last-first, so a cell edited twice in one step ends as it
                // began; the texts replaced, in that order, are the step that reverses this.
                texts.reverse();
                let (before, touched) = self.apply_texts(texts);
                (Step::Texts(before), Touched::Rows(touched))
            }
            Step::Inserted(ids) => (Step::Removed(self.remove_rows(&ids)), Touched::Structure),
            Step::Removed(rows) => {
                let ids = rows.iter().map(|(_, d)| d.id()).collect();
                self.place_rows(rows);
                (Step::Inserted(ids), Touched::Structure)
            }
            Step::Conflicts(conflicts) => {
                let mut inverse = Vec::with_capacity(conflicts.len());
                for (id, conflict) in conflicts {
                    if let Some(index) = self.position(id) {
                        let was = self.change_row(index, |row| row.replace_conflict(conflict));
                        inverse.push((id, was));
                    }
                }
                let touched = inverse.iter().map(|(id, _)| *id).collect();
                (Step::Conflicts(inverse), Touched::Rows(touched))
            }
            Step::Group(steps) => {
                let mut inverses = Vec::with_capacity(steps.len());
                let mut rows = Vec::new();
                let mut structure = false;
                for step in steps {
                    let (inverse, touched) = self.apply_step(step);
                    match touched {
                        Touched::Structure => structure = true,
                        Touched::Rows(ids) => rows.extend(ids),
                    }
                    inverses.push(inverse);
                }
                // Reversing the group applies the inverses in the opposite order.
                inverses.reverse();
                let touched = if structure {
                    Touched::Structure
                } else {
                    Touched::Rows(rows)
                };
                (Step::Group(inverses), touched)
            }
        }
    }

    /// Rebuilds positions and the key index after rows were added, removed or moved.
    fn reindex(&mut self) {
        self.positions = Positions::of(self.rows.iter().map(RowDraft::id));
        self.keys = KeyIndex::build(self.rows.iter().map(|r| (r.id(), r.key())));
        for row in &mut self.rows {
            let duplicate = row.key().is_some_and(|k| self.keys.is_duplicate(k));
            row.set_duplicate_key(duplicate);
        }
        self.counts = self.recount();
    }
}

#[path = "table_check.rs"]
mod check;
#[path = "table_known.rs"]
mod known;
#[path = "table_positions.rs"]
mod positions;
#[path = "table_promote.rs"]
pub mod promote;
#[path = "table_sort.rs"]
mod sort;
#[path = "table_submit.rs"]
mod submit;

use positions::Positions;
pub use submit::Refusals;

#[cfg(test)]
#[path = "table_tests.rs"]
mod tests;
