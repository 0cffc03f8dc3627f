//! Promotion: records copied from another database (typically the test one) staged over
//! this table, the target's. What the target holds for each key (read just before) becomes
//! the rows' baseline, so a record it lacks is New, one it holds otherwise is Changed, and
//! one it already holds is Unchanged and not sent. The table's own draft is kept: a row
//! with an unsent edit that differs from the promoted record is a [`Conflict`], left as it
//! is until the user picks one of the two.

use rustc_hash::{FxHashMap, FxHashSet};

use super::{RowDraft, RowId, RowState, Table, Touched};
use crate::core::columns::{CellText, Cells, Field};
use crate::core::csv_io::write_csv;
use crate::core::draft::{NewRows, record_cells};
use crate::core::list_separator::ListSeparator;
use crate::core::record::Tolerance;

/// What staging did, for the notice and the conflicts panel.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Staged {
    pub new: usize,
    pub changed: usize,
    /// Already held by the target: not sent.
    pub unchanged: usize,
    pub conflicts: Vec<Conflict>,
    /// Keys whose target record could not be read: not staged (nothing is claimed about
    /// them).
    pub unread: Vec<i32>,
}

/// A promoted record meeting an unsent edit of the same key in the target's draft.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    pub row: RowId,
    pub key: i32,
    /// The draft's text, as it was when the promotion met it.
    pub draft: Cells,
    pub promoted: Tolerance,
}

impl Conflict {
    /// The promoted record as cells ("Use promoted" writes these).
    pub fn promoted_cells(&self) -> Cells {
        record_cells(&self.promoted)
    }
}

/// Whether a row has something of the user's not sent yet, which a promotion must not
/// overwrite: edited (or new), refused or unconfirmed, with problems, or being sent.
fn has_unsent_edit(row: &RowDraft) -> bool {
    row.is_changed()
        || row.needs_sending()
        || row.has_problems()
        || row.state() == RowState::Pending
}

fn same_values(row: &RowDraft, record: &Tolerance) -> bool {
    row.to_record().is_ok_and(|r| {
        (r.key, r.amount, &r.group_id, &r.payment_method)
            == (
                record.key,
                record.amount,
                &record.group_id,
                &record.payment_method,
            )
    })
}

impl Table {
    /// Stages `promoted` over this table, given `reads`: what the target holds under each
    /// key (`None`: no such record). Cells written and rows added are one undo step; the
    /// reads then become the baselines of every row with those keys. A key without a read
    /// is left out (see [`Staged::unread`]); a key repeated in `promoted` counts once, the
    /// last record winning.
    pub fn stage_promotion(
        &mut self,
        promoted: Vec<Tolerance>,
        reads: Vec<(i32, Option<Tolerance>)>,
    ) -> (Staged, Touched) {
        let read_keys: FxHashSet<i32> = reads.iter().map(|(key, _)| *key).collect();
        let mut last: FxHashMap<i32, Tolerance> = FxHashMap::default();
        let mut order = Vec::new();
        for record in promoted {
            if last.insert(record.key, record.clone()).is_none() {
                order.push(record.key);
            }
        }
        let mut staged = Staged::default();
        let mut edits: Vec<(RowId, Field, CellText)> = Vec::new();
        let mut new_rows = NewRows::default();
        let mut staged_keys = Vec::new();
        for key in order {
            let record = &last[&key];
            if !read_keys.contains(&key) {
                staged.unread.push(key);
                continue;
            }
            let Some(row) = self.position_of_key(key).map(|i| &self.rows[i]) else {
                new_rows.push(record_cells(record));
                staged_keys.push(key);
                continue;
            };
            // Decided on the draft as it is, before the reads move its baseline: a row the
            // user never touched is not an edit, even if the target changed since.
            if has_unsent_edit(row) && !same_values(row, record) {
                staged.conflicts.push(Conflict {
                    row: row.id(),
                    key,
                    draft: row.cells().into_owned(),
                    promoted: record.clone(),
                });
                continue;
            }
            let id = row.id();
            edits.extend(
                Field::EDITABLE
                    .into_iter()
                    .zip(record_cells(record))
                    .filter(|(field, text)| row.text(*field) != text.as_str())
                    .map(|(field, text)| (id, field, text)),
            );
            staged_keys.push(key);
        }
        let added = !new_rows.is_empty();
        let mut touched = match self.paste(edits, new_rows) {
            Touched::Rows(ids) => ids,
            Touched::Structure => Vec::new(),
        };
        // The reads are the records the staged rows are edits on top of, not someone
        // else's writes under them: a staged row takes its read as its baseline without
        // becoming a lost-update conflict (those with an unsent edit were set apart above).
        let staged_rows: Vec<RowId> = staged_keys
            .iter()
            .filter_map(|key| self.position_of_key(*key))
            .map(|index| &self.rows[index])
            .filter(|row| row.conflict().is_none())
            .map(RowDraft::id)
            .collect();
        if let Touched::Rows(ids) = self.take_server_reads(reads) {
            touched.extend(ids);
        }
        for id in staged_rows {
            if let Some(index) = self.position(id) {
                self.change_row(index, |row| row.replace_conflict(None));
            }
        }
        for key in staged_keys {
            let state = self.position_of_key(key).map(|i| self.rows[i].state());
            match state {
                Some(RowState::New) => staged.new += 1,
                Some(RowState::Clean) => staged.unchanged += 1,
                _ => staged.changed += 1,
            }
        }
        let touched = if added {
            Touched::Structure
        } else {
            touched.sort_unstable();
            touched.dedup();
            Touched::Rows(touched)
        };
        (staged, touched)
    }
}

/// The promotion's record for the audit trail: each promoted key, what it was staged as in
/// the target, and the target's last outcome for it (its activity ID is what VBA support
/// traces). `left_out` names the keys not copied, with why (a conflict, the draft's edit
/// kept, a read that failed); `target_rows` finds the target table's row of a key. In the
/// `separator` convention.
pub fn export_promotion<'a>(
    source: &str,
    target: &str,
    promoted: &[Tolerance],
    left_out: &[(i32, String)],
    target_rows: impl Fn(i32) -> Option<&'a RowDraft>,
    separator: ListSeparator,
) -> String {
    const HEADER: [&str; 10] = [
        "From",
        "To",
        "Tolerance key",
        "Tolerance amount",
        "Group ID",
        "Payment method",
        "State in target",
        "HTTP status",
        "Message",
        "Activity ID",
    ];
    write_csv(
        &HEADER,
        promoted.iter().map(|record| {
            let [key, amount, group, method] = record_cells(record);
            let why = left_out.iter().find(|(k, _)| *k == record.key);
            let row = target_rows(record.key).filter(|_| why.is_none());
            let outcome = row.and_then(RowDraft::outcome);
            let state = match (why, row) {
                (Some((_, why)), _) => why.clone(),
                (None, Some(row)) => row.state().label().to_string(),
                (None, None) => "Not in the table".to_string(),
            };
            [
                source.to_string(),
                target.to_string(),
                key.into(),
                amount.into(),
                group.into(),
                method.into(),
                state,
                outcome
                    .and_then(|o| o.status)
                    .map(|s| s.to_string())
                    .unwrap_or_default(),
                outcome.map(|o| o.message.clone()).unwrap_or_default(),
                outcome
                    .and_then(|o| o.activity_id.clone())
                    .unwrap_or_default(),
            ]
        }),
        separator,
    )
}

#[cfg(test)]
#[path = "table_promote_tests.rs"]
mod tests;
