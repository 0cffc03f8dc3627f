//! Records read back from the server ("Check with server", the audit columns after a save)
//! taken into the rows: the only way besides a 200/201 item that a row's baseline becomes
//! known again.

use rustc_hash::{FxHashMap, FxHashSet};

use super::{RowDraft, RowId, RowState, Table, Touched};
use crate::core::baseline::Baseline;
use crate::core::columns::{CellText, Field};
use crate::core::history::Step;
use crate::core::key_pages::KeyPages;
use crate::core::record::Tolerance;

impl Table {
    /// What a submit reads right before it sends (`only_failed`: "Resend failed"), to catch
    /// lost updates: the rows it would send, and the pages to read their keys in
    /// ([`Self::pages_for`]). Take what the pages hold in with [`Self::take_server_reads`],
    /// then send [`Self::rows_to_send_checked`].
    pub fn check_before_send(&self, only_failed: bool, page_size: u32) -> (Vec<RowId>, KeyPages) {
        let ids: Vec<RowId> = self
            .rows
            .iter()
            .filter(|row| super::submit::goes(row, only_failed))
            .map(RowDraft::id)
            .collect();
        let pages = self.pages_for(&ids, page_size);
        (ids, pages)
    }

    /// The pages of the list sorted by key to read `ids`' keys in, looked for where the
    /// table believes the server's records are.
    pub fn pages_for(&self, ids: &[RowId], page_size: u32) -> KeyPages {
        let keys = ids.iter().filter_map(|id| self.row(*id)?.key());
        let believed = self
            .rows
            .iter()
            .filter_map(|r| r.baseline().key())
            .collect();
        KeyPages::new(keys, believed, page_size)
    }

    /// Which of `ids` (the rows a submit chose before reading) go once the server was read
    /// under `read`, the keys read: those still to send whose key was read (a conflict
    /// waits for the user; a row the server turned out to hold has nothing left to send).
    pub fn rows_to_send_checked(
        &self,
        ids: &[RowId],
        read: &FxHashSet<i32>,
    ) -> Vec<(RowId, Tolerance)> {
        ids.iter()
            .filter_map(|id| self.row(*id))
            .filter(|row| row.needs_sending())
            .filter_map(|row| Some((row.id(), row.to_record().ok()?)))
            .filter(|(_, record)| read.contains(&record.key))
            .collect()
    }

    /// [`Self::rows_to_send_checked`] and [`Self::mark_pending`] in one step: of `ids`, the
    /// rows that go, each marked pending as its record is taken, so that none can be edited
    /// between the two (an edit after is an edit in flight: its answer is about the record
    /// taken). A submit takes its rows a slice at a time this way.
    pub fn take_to_send(
        &mut self,
        ids: &[RowId],
        read: &FxHashSet<i32>,
    ) -> (Vec<(RowId, Tolerance)>, Touched) {
        let rows = self.rows_to_send_checked(ids, read);
        let taken: Vec<RowId> = rows.iter().map(|(id, _)| *id).collect();
        let touched = self.mark_pending(&taken);
        (rows, touched)
    }

    /// Takes in what reads of the server found: per key, the record it holds, or `None` for
    /// a key it does not have (404). Every row showing one of these keys, and every row
    /// whose baseline is one of their records (shown, or kept by undo and redo), is then
    /// compared with what the server holds, its text kept: equal, it is unchanged (a saved
    /// row stays saved, with the server's audit stamps); different, it is changed; missing,
    /// it is new. Rows being sent are left alone, as the read may be older than their try:
    /// pass only reads begun after the last answer about their keys.
    pub fn take_server_reads(&mut self, reads: Vec<(i32, Option<Tolerance>)>) -> Touched {
        let reads: FxHashMap<i32, Option<Tolerance>> = reads.into_iter().collect();
        let read_for = |row: &RowDraft| {
            [row.key(), row.baseline().key()]
                .into_iter()
                .flatten()
                .find_map(|key| Some((key, reads.get(&key)?.clone())))
        };
        // The rows showing a key read, from the key index, and the few whose baseline is
        // about another key than they show (a key typed over): a page of 5,000 reads costs
        // its own rows, not a lookup per row of a 100,000-row table.
        let mut places: Vec<usize> = reads
            .keys()
            .flat_map(|key| self.keys.rows_with(*key).iter().copied())
            .chain(
                self.rows
                    .iter()
                    .filter(|row| {
                        let (shown, base) = (row.key(), row.baseline().key());
                        base.is_some() && shown != base
                    })
                    .map(RowDraft::id),
            )
            .filter_map(|id| self.position(id))
            .collect();
        places.sort_unstable();
        places.dedup();
        let mut touched = Vec::new();
        for index in places {
            let row = &self.rows[index];
            if row.state() == RowState::Pending {
                continue;
            }
            if let Some((key, held)) = read_for(row) {
                touched.push(row.id());
                self.change_row(index, |row| row.take_server_read(key, held));
            }
        }
        let open_group = self
            .group
            .iter_mut()
            .flat_map(|(_, steps)| steps.iter_mut());
        for row in self.history.kept_rows_mut(open_group) {
            if row.state() == RowState::Pending {
                continue;
            }
            if let Some((key, held)) = read_for(row) {
                row.take_server_read(key, held);
            }
        }
        Touched::Rows(touched)
    }

    /// "Take the server's": the rows' cells that differ from what the server is known to
    /// hold are given the server's text, and their conflicts are settled; a conflict about
    /// a record the server no longer has removes its row (the server holds nothing under
    /// its key). One undo step, which brings the conflicts back too. Rows the server's
    /// record is not known for (never read, absent, unknown) and no conflict are left as
    /// they are. Returns how many rows took something.
    pub fn take_servers_values(&mut self, ids: &[RowId]) -> (usize, Touched) {
        let mut choice = Choice::default();
        for id in ids {
            let Some(row) = self.row(*id) else { continue };
            if row.state() == RowState::Pending {
                continue;
            }
            let conflict = row.conflict().is_some();
            if conflict && *row.baseline() == Baseline::Absent {
                choice.removed.push(*id);
                continue;
            }
            let differences = row.server_differences();
            if differences.is_empty() && !conflict {
                continue;
            }
            choice.add(*id, differences, conflict);
        }
        choice.apply(self)
    }

    /// "Keep mine": each conflict among `ids` takes the server's text in the cells the user
    /// did not change (the user's edit on top of what the server holds now) and goes with
    /// the next Submit. One undo step, which brings the conflicts back. Returns how many
    /// rows were settled.
    pub fn keep_mine(&mut self, ids: &[RowId]) -> (usize, Touched) {
        let mut choice = Choice::default();
        for id in ids {
            let Some(row) = self.row(*id) else { continue };
            if row.conflict().is_some() && row.state() != RowState::Pending {
                choice.add(*id, row.keep_mine_texts(), true);
            }
        }
        choice.apply(self)
    }
}

/// What a choice about rows does: texts written, conflicts settled, rows removed.
#[derive(Default)]
struct Choice {
    rows: usize,
    edits: Vec<(RowId, Field, CellText)>,
    settled: Vec<RowId>,
    removed: Vec<RowId>,
}

impl Choice {
    fn add(&mut self, id: RowId, texts: Vec<(Field, CellText)>, conflict: bool) {
        self.rows += 1;
        self.edits
            .extend(texts.into_iter().map(|(field, text)| (id, field, text)));
        if conflict {
            self.settled.push(id);
        }
    }

    /// Applies the choice as one undo step.
    fn apply(self, table: &mut Table) -> (usize, Touched) {
        let rows = self.rows + self.removed.len();
        table.typing = None;
        let (before, mut touched) = table.apply_texts(self.edits);
        let mut cleared = Vec::with_capacity(self.settled.len());
        for id in self.settled {
            if let Some(index) = table.position(id) {
                cleared.push((id, table.change_row(index, |r| r.replace_conflict(None))));
                touched.push(id);
            }
        }
        let removed = table.remove_rows(&self.removed);
        let structure = !removed.is_empty();
        // Undone in this order: the removed rows back (their conflicts with them), the
        // conflicts settled, then the texts.
        let mut undo = Vec::with_capacity(3);
        if structure {
            undo.push(Step::Removed(removed));
        }
        if !cleared.is_empty() {
            undo.push(Step::Conflicts(cleared));
        }
        if !before.is_empty() {
            undo.push(Step::Texts(before));
        }
        match undo.len() {
            0 => {}
            1 => table.record(undo.remove(0)),
            _ => table.record(Step::Group(undo)),
        }
        if structure {
            return (rows, Touched::Structure);
        }
        touched.sort_unstable();
        touched.dedup();
        (rows, Touched::Rows(touched))
    }
}
