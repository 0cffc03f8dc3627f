//! A row meeting the server: sent, answered, and told what the server holds, each of which
//! moves its [`Baseline`], the record it is Unchanged against.

use super::{
    Baseline, Conflict, Field, Learned, OutcomeKind, RowDraft, RowOutcome, Tolerance, record_cells,
    same_values,
};
use crate::core::columns::CellText;
use crate::core::conflict;

impl RowDraft {
    pub fn mark_pending(&mut self) {
        self.pending = true;
        self.edited_in_flight = false;
    }

    /// The submit stopped before this row was sent (cancel): back as it was.
    pub fn cancel_pending(&mut self) {
        self.pending = false;
    }

    /// `outcome` as this row may show it: "not applied" is a claim about the server, which
    /// a refusal of this try cannot make when an earlier try of the row may have been
    /// applied (its baseline is unknown), or did or may have put these very values there.
    /// Such a refusal reads as unconfirmed.
    fn qualify(&self, outcome: RowOutcome, sent: &Tolerance) -> RowOutcome {
        let may_hold_it = || {
            self.written
                .iter()
                .any(|w| w.key == sent.key && same_values(w, sent))
        };
        if outcome.kind == OutcomeKind::Failed && (self.baseline.is_unknown() || may_hold_it()) {
            return outcome.earlier_try_may_have_saved();
        }
        outcome
    }

    /// Notes that a try of this row wrote `record` (`confirmed`), which replaces whatever
    /// it wrote under that key before, or may have written it, which does not: the earlier
    /// values may still be there.
    fn note_written(&mut self, record: &Tolerance, confirmed: bool) {
        if confirmed {
            self.written.retain(|w| w.key != record.key);
        } else if self.written.iter().any(|w| same_values(w, record)) {
            return;
        }
        self.written.push(record.clone());
    }

    /// Records the answer about `sent`, the record that went out for this row, and returns
    /// the outcome as the row took it ([`Self::qualify`]). A saved row becomes clean
    /// against `sent`; an unconfirmed one's baseline becomes unknown; anything else keeps
    /// its changes to send again.
    pub fn apply_outcome(&mut self, sent: Tolerance, outcome: RowOutcome) -> OutcomeKind {
        // Marked pending when `sent` was made from it, and not edited since: the cells are
        // what was sent, so nothing needs parsing again.
        let as_sent = self.pending && !self.edited_in_flight;
        self.pending = false;
        self.read_back = false;
        self.edited_in_flight = false;
        let outcome = self.qualify(outcome, &sent);
        let kind = outcome.kind;
        if kind != OutcomeKind::Failed {
            self.note_written(&sent, kind.is_saved());
        }
        self.set_baseline(self.baseline.after(&sent, kind));
        self.outcome = Some(Box::new(outcome));
        if as_sent {
            // Saved, the cells equal the server's record now; unconfirmed, there is something
            // to send; refused, they differ from it as much as before.
            self.changed = !kind.is_saved() && self.differs_from_baseline();
            self.outcome_current = true;
            return kind;
        }
        // The cells did not change, so neither did their problems: only "changed" may have.
        self.refresh_changed();
        // Edited while in flight? Then the outcome is about older text.
        self.outcome_current = self.to_record().is_ok_and(|now| now == sent);
        kind
    }

    /// Shows `refusal`, held back until a read of the server (see
    /// [`crate::core::table::Refusals`]), if that read settled the row without finding its
    /// values saved (its baseline is known again and its outcome no longer current) and the
    /// row still holds `sent`. Returns whether it did.
    pub fn confirm_refusal(&mut self, sent: &Tolerance, refusal: RowOutcome) -> bool {
        let read_back = !self.baseline.is_unknown()
            && !self.outcome_current
            && self
                .outcome
                .as_ref()
                .is_some_and(|o| o.kind == OutcomeKind::Unconfirmed);
        if self.pending || !read_back || self.to_record().ok().as_ref() != Some(sent) {
            return false;
        }
        self.outcome = Some(Box::new(refusal));
        self.outcome_current = true;
        true
    }

    /// Takes in what an answer about another row taught about this row's server record.
    /// Returns whether the row's baseline changed.
    pub fn learn(&mut self, learned: &Learned) -> bool {
        let baseline = learned.applied_to(&self.baseline);
        if baseline == self.baseline {
            return false;
        }
        self.set_baseline(baseline);
        self.read_back = false;
        self.refresh_changed();
        true
    }

    /// A try of this row may have been applied, and its answer will never be read here (the
    /// page went away while it was in flight).
    pub fn lose_answer(&mut self) {
        self.pending = false;
        self.read_back = false;
        self.edited_in_flight = false;
        self.set_baseline(self.baseline.made_unknown_for(self.key()));
        if let Ok(record) = self.to_record() {
            self.note_written(&record, false);
        }
        self.outcome = Some(Box::new(RowOutcome::unconfirmed(
            "Sent, but the page closed before the answer came; it may or may not be saved. \
             Send it again.",
            None,
        )));
        self.outcome_current = true;
        self.changed = true;
    }

    /// Takes in what a read of the server found under the key this row shows: `held`, or
    /// `None` when the server has no such record (404). The row's text stays; what it is
    /// compared with becomes what the server holds, stamps (audit columns) included. An
    /// unconfirmed outcome is settled by it, as is a refusal of values the server turns out
    /// to hold: saved when the server holds the row's values, else no longer shown as
    /// current; a saved one stays shown while the values match.
    ///
    /// A record the row did not expect there ([`Self::expects`]) was written by someone
    /// else since: the row becomes a [`Conflict`], remembering the record its edit started
    /// from, until the user chooses. A record holding exactly the row's values settles a
    /// conflict: there is nothing left to choose.
    pub fn take_server_read(&mut self, key: i32, held: Option<Tolerance>) {
        let holds_mine = held
            .as_ref()
            .is_some_and(|h| self.to_record().is_ok_and(|mine| same_values(&mine, h)));
        // A try that created the record, if the server holds it now.
        let created = self.baseline.record().is_none_or(|r| r.key != key);
        if holds_mine {
            self.conflict = None;
        } else if self.conflict.is_none() && !self.expects(key, held.as_ref()) {
            self.conflict = Some(Box::new(Conflict {
                base: self.baseline.record().cloned(),
            }));
        }
        self.written
            .retain(|w| w.key != key || held.as_ref().is_some_and(|h| same_values(w, h)));
        self.set_baseline(match held {
            Some(record) => Baseline::Known(record),
            None => Baseline::Absent,
        });
        self.read_back = true;
        self.refresh_changed();
        let settled = match self.outcome.as_ref().map(|o| o.kind) {
            Some(OutcomeKind::Unconfirmed) => true,
            Some(OutcomeKind::Failed) => !self.changed,
            _ => false,
        };
        if settled && holds_mine {
            self.outcome = Some(Box::new(RowOutcome::found_saved(created)));
            self.outcome_current = true;
        } else if settled {
            self.outcome_current = false;
        }
    }

    /// Whether `held` (`None`: nothing) under `key` is what this row believes the server
    /// holds there, or values one of its own tries wrote there: anything else was written
    /// (or deleted) by someone else. The editor never deletes, so a record the row knew of
    /// can only have gone that way.
    fn expects(&self, key: i32, held: Option<&Tolerance>) -> bool {
        let believed = self.baseline.record().filter(|r| r.key == key);
        match held {
            None => believed.is_none(),
            Some(held) => believed
                .into_iter()
                .chain(self.written.iter().filter(|w| w.key == key))
                .any(|w| same_values(w, held)),
        }
    }

    /// "Keep mine": the texts that put the fields the user changed on top of the server's
    /// record (see [`conflict::keep_mine_texts`]); nothing when the row is no conflict.
    pub fn keep_mine_texts(&self) -> Vec<(Field, CellText)> {
        match &self.conflict {
            Some(c) => conflict::keep_mine_texts(c, &self.cells(), self.baseline.record()),
            None => Vec::new(),
        }
    }

    /// The server's texts of the cells whose values differ from this row's, when a read of
    /// the server found its record and the row is changed against it: what "Server has …"
    /// shows beside the user's values, and what "Take the server's" writes.
    pub fn server_differences(&self) -> Vec<(Field, CellText)> {
        let Baseline::Known(held) = &self.baseline else {
            return Vec::new();
        };
        // A conflict's record came from a read too, perhaps in an earlier session (the
        // draft keeps the conflict, not `read_back`).
        if !self.changed || !(self.read_back || self.conflict.is_some()) {
            return Vec::new();
        }
        // Compared as values where the row reads as a record ("9" and "9.00" are one amount).
        let mine = self.to_record().ok().map(|record| record_cells(&record));
        Field::EDITABLE
            .into_iter()
            .zip(record_cells(held))
            .filter(|(field, server)| {
                let i = field.index();
                match &mine {
                    Some(cells) => cells[i] != *server,
                    None => self.cell(i).trim() != server,
                }
            })
            .collect()
    }
}
