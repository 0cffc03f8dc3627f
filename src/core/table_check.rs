//! Records read back from the server ("Check with server", the audit columns after a save)
//! taken into the rows: the only way besides a 200/201 item that a row's baseline becomes
//! known again.

use rustc_hash::FxHashMap;

use super::{RowDraft, RowId, RowState, Table, Touched};
use crate::core::columns::Field;
use crate::core::record::Tolerance;

impl Table {
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
        let mut touched = Vec::new();
        for index in 0..self.rows.len() {
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
    /// hold are given the server's text, as one undo step. Rows the server's record is not
    /// known for (never read, absent, unknown) are left as they are. Returns how many rows
    /// took something.
    pub fn take_servers_values(&mut self, ids: &[RowId]) -> (usize, Touched) {
        let mut edits: Vec<(RowId, Field, String)> = Vec::new();
        let mut rows = 0;
        for id in ids {
            let Some(row) = self.row(*id) else { continue };
            if row.state() == RowState::Pending {
                continue;
            }
            let differences = row.server_differences();
            if !differences.is_empty() {
                rows += 1;
            }
            edits.extend(
                differences
                    .into_iter()
                    .map(|(field, text)| (*id, field, text)),
            );
        }
        (rows, self.set_texts(edits))
    }
}
