//! What the server holds for a row, as far as this editor knows: the row's baseline. A row
//! is "Unchanged" (or "Created", "Updated") only against a [`Baseline::Known`] record, so the
//! baseline, not the row's look, decides whether anything is left to send.

use serde::{Deserialize, Serialize};

use crate::core::multistatus::OutcomeKind;
use crate::core::record::Tolerance;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Baseline {
    /// Never on the server, as far as this editor knows (a row typed, pasted or imported).
    Absent,
    /// The server holds exactly this record: as loaded, or as a 200/201 item confirmed it.
    Known(Tolerance),
    /// A try may or may not have been applied, so the server holds either `previous` (the
    /// last record known, if any) or something sent since. Nothing but a confirmed save (or
    /// a read of the server) makes it known again.
    Unknown { previous: Option<Tolerance> },
}

impl Baseline {
    /// The last record known to be on the server: the audit columns and the server's stamps
    /// come from it.
    pub fn record(&self) -> Option<&Tolerance> {
        match self {
            Baseline::Known(record) => Some(record),
            Baseline::Unknown { previous } => previous.as_ref(),
            Baseline::Absent => None,
        }
    }

    /// The key of the server record this baseline is about, when it names one.
    pub fn key(&self) -> Option<i32> {
        self.record().map(|r| r.key)
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Baseline::Unknown { .. })
    }

    /// The same baseline once a try may have been applied.
    pub fn made_unknown(&self) -> Baseline {
        Baseline::Unknown {
            previous: self.record().cloned(),
        }
    }

    /// The baseline once a try that wrote `key` may have been applied. A row whose key was
    /// changed is about that other record now, and nothing is known of what it held before:
    /// keeping the old record would let news about the old key make the row "known" again,
    /// though the doubt is about the new one.
    pub fn made_unknown_for(&self, key: Option<i32>) -> Baseline {
        Baseline::Unknown {
            previous: self.record().filter(|r| Some(r.key) == key).cloned(),
        }
    }

    /// The baseline after the server answered `outcome` about `sent`.
    pub fn after(&self, sent: &Tolerance, outcome: OutcomeKind) -> Baseline {
        match outcome {
            OutcomeKind::Created | OutcomeKind::Updated => Baseline::Known(sent.clone()),
            OutcomeKind::Unconfirmed => self.made_unknown_for(Some(sent.key)),
            // Refused: this try changed nothing on the server.
            OutcomeKind::Failed => self.clone(),
        }
    }
}

/// What one answer taught about one server record, for the other rows (shown, or kept by
/// undo) whose baseline is that record: a row answered for key 17 also changes what a
/// deleted row 17, waiting in the undo history, may claim when it comes back.
#[derive(Debug, Clone, PartialEq)]
pub enum Learned {
    /// The server holds this record now (a 200/201 item).
    Holds(Tolerance),
    /// A try about this key may have been applied.
    MaybeChanged,
}

impl Learned {
    /// What an answer of `outcome` about `sent` teaches about `sent.key`; nothing for a
    /// refusal.
    pub fn from_answer(sent: &Tolerance, outcome: OutcomeKind) -> Option<Learned> {
        match outcome {
            OutcomeKind::Created | OutcomeKind::Updated => Some(Learned::Holds(sent.clone())),
            OutcomeKind::Unconfirmed => Some(Learned::MaybeChanged),
            OutcomeKind::Failed => None,
        }
    }

    /// `baseline` once this is known about its record.
    pub fn applied_to(&self, baseline: &Baseline) -> Baseline {
        match self {
            Learned::Holds(record) => Baseline::Known(record.clone()),
            Learned::MaybeChanged => baseline.made_unknown(),
        }
    }
}

#[cfg(test)]
#[path = "baseline_tests.rs"]
mod tests;
