//! The table's side of a submit: which rows go, marking them sent, and taking in the
//! server's answers, both into the rows answered and into every other row (shown, or kept
//! by undo and redo) whose baseline is a record the answer was about.

use rustc_hash::{FxHashMap, FxHashSet};

use super::{RowDraft, RowId, RowState, Table, Touched};
use crate::core::baseline::Learned;
use crate::core::multistatus::{OutcomeKind, RowOutcome};
use crate::core::record::Tolerance;

impl Table {
    /// The rows a Submit sends, with the record for each, in table order; `only_failed`
    /// keeps just the failed and unconfirmed ones ("Resend failed").
    pub fn rows_to_send(&self, only_failed: bool) -> Vec<(RowId, Tolerance)> {
        self.rows
            .iter()
            .filter(|row| goes(row, only_failed))
            .filter_map(|row| Some((row.id(), row.to_record().ok()?)))
            .collect()
    }

    pub fn mark_pending(&mut self, ids: &[RowId]) -> Touched {
        self.for_each_row(ids, RowDraft::mark_pending)
    }

    pub fn cancel_pending(&mut self, ids: &[RowId]) -> Touched {
        self.for_each_row(ids, RowDraft::cancel_pending)
    }

    /// Records the server's answer for rows that were sent. What it says about a key also
    /// reaches the other rows whose baseline is that key's record, here or in the undo
    /// history (a deleted row 17 brought back by undo must not claim the 17 it was deleted
    /// with once a new row 17 was saved), so that a stale or unknown record never shows as
    /// "Unchanged". A row deleted while in flight takes its own answer where undo keeps it.
    pub fn apply_outcomes(&mut self, answers: Vec<(RowId, Tolerance, RowOutcome)>) -> Touched {
        let mut touched = Vec::with_capacity(answers.len());
        // Per key, what was learned and from which row (which knows it already).
        let mut learned: FxHashMap<i32, (RowId, Learned)> = FxHashMap::default();
        let mut kept_by_undo = FxHashMap::default();
        for (id, sent, outcome) in answers {
            let key = sent.key;
            let taken = match self.position(id) {
                Some(index) => {
                    touched.push(id);
                    self.change_row(index, |row| row.apply_outcome(sent.clone(), outcome))
                }
                None => {
                    let kind = outcome.kind;
                    kept_by_undo.insert(id, (sent.clone(), outcome));
                    kind
                }
            };
            if let Some(fact) = Learned::from_answer(&sent, taken) {
                learned.insert(key, (id, fact));
            }
        }
        if learned.is_empty() && kept_by_undo.is_empty() {
            return Touched::Rows(touched);
        }
        // An answered row whose key was changed may have its baseline about a key another
        // row was answered for: it learns that too.
        let news_for = |row: &RowDraft| {
            let (from, fact) = learned.get(&row.baseline().key()?)?;
            (*from != row.id()).then_some(fact)
        };
        for index in 0..self.rows.len() {
            let Some(fact) = news_for(&self.rows[index]) else {
                continue;
            };
            if self.change_row(index, |row| row.learn(fact)) {
                touched.push(self.rows[index].id());
            }
        }
        touched.sort_unstable();
        touched.dedup();
        let open_group = self
            .group
            .iter_mut()
            .flat_map(|(_, steps)| steps.iter_mut());
        for row in self.history.kept_rows_mut(open_group) {
            if let Some((sent, outcome)) = kept_by_undo.remove(&row.id()) {
                row.apply_outcome(sent, outcome);
            }
            if let Some(fact) = news_for(row) {
                row.learn(fact);
            }
        }
        Touched::Rows(touched)
    }

    fn for_each_row(&mut self, ids: &[RowId], mut f: impl FnMut(&mut RowDraft)) -> Touched {
        for id in ids {
            if let Some(index) = self.position(*id) {
                self.change_row(index, &mut f);
            }
        }
        Touched::Rows(ids.to_vec())
    }
}

/// Refusals held back until a read of the server shows the values are not there. A refusal
/// proves only that the request it answered wrote nothing, and that request may not have
/// been the first: a browser sends a request again by itself when its connection closed
/// without an answer, unseen by the app, so a batch the server carried out can come back
/// refused by its second send. Meanwhile the rows read as unconfirmed (a page closed then
/// reopens them so); [`Table::confirm_refusals`] shows the refusals a read bore out.
#[derive(Debug, Default)]
pub struct Refusals(Vec<(RowId, Tolerance, RowOutcome)>);

impl Refusals {
    /// `answers` (row, record sent, outcome) as they are written now: each refusal held
    /// back, written as unconfirmed.
    pub fn hold_back(
        &mut self,
        answers: Vec<(RowId, Tolerance, RowOutcome)>,
    ) -> Vec<(RowId, Tolerance, RowOutcome)> {
        answers
            .into_iter()
            .map(|(id, sent, outcome)| {
                if outcome.kind != OutcomeKind::Failed {
                    return (id, sent, outcome);
                }
                let shown = outcome.refusal_to_verify();
                self.0.push((id, sent.clone(), outcome));
                (id, sent, shown)
            })
            .collect()
    }

    /// The rows to read back.
    pub fn rows(&self) -> Vec<RowId> {
        self.0.iter().map(|(id, _, _)| *id).collect()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Table {
    /// After the rows held back in `refusals` were read ([`Self::take_server_reads`]): each
    /// one the read found saved is saved; each one it found without its values, still
    /// holding what was sent, shows its refusal, now borne out ("not applied"). Rows not
    /// read stay unconfirmed. Returns how many refusals were borne out.
    pub fn confirm_refusals(&mut self, refusals: Refusals) -> (usize, Touched) {
        let mut confirmed = 0;
        let mut touched = Vec::new();
        for (id, sent, refusal) in refusals.0 {
            let Some(index) = self.position(id) else {
                continue;
            };
            if self.change_row(index, |row| row.confirm_refusal(&sent, refusal)) {
                confirmed += 1;
                touched.push(id);
            }
        }
        (confirmed, Touched::Rows(touched))
    }
}

/// Whether a Submit (`only_failed`: "Resend failed") sends `row`.
pub(super) fn goes(row: &RowDraft, only_failed: bool) -> bool {
    row.needs_sending()
        && (!only_failed || matches!(row.state(), RowState::Failed | RowState::Unconfirmed))
}

/// Rows that were being sent when the page went away (restored from a draft): their tries
/// may have been applied, so they are unconfirmed, and so is every other row whose baseline
/// is a record those tries may have written.
pub(super) fn lose_answers(rows: &mut [RowDraft]) {
    let mut maybe_written = FxHashSet::default();
    for row in rows.iter_mut().filter(|r| r.state() == RowState::Pending) {
        maybe_written.extend(row.key());
        row.lose_answer();
    }
    if maybe_written.is_empty() {
        return;
    }
    for row in rows.iter_mut().filter(|r| !r.baseline().is_unknown()) {
        if row
            .baseline()
            .key()
            .is_some_and(|k| maybe_written.contains(&k))
        {
            row.learn(&Learned::MaybeChanged);
        }
    }
}
