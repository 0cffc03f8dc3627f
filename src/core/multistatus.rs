//! The 207 multi-status answer of `PUT /tolerances-batch`, and which sent row each item is
//! about. The rule that matters: a row counts as saved only when an item with its key says
//! 200 or 201. No item, an unreadable item or a body-level error never reads as saved.

use rustc_hash::FxHashMap;

use serde::{Deserialize, Serialize};

use crate::core::envelope::{BodyError, ProblemDetails};

#[path = "multistatus_read.rs"]
mod read;

/// The name of the key in an item's `id`; servers vary its case.
const KEY_NAME: &str = "tolerance_Key";

/// One entity operation in the answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchItem {
    /// The key, when the item names one that reads as an int32.
    pub key: Option<i32>,
    /// The key as the server wrote it, for reports when it could not be read.
    pub key_text: String,
    /// The operation's own HTTP status, when readable.
    pub status: Option<u16>,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchAnswer {
    /// `None` when `data` was null (or not a list).
    pub items: Option<Vec<BatchItem>>,
    pub error: Option<ProblemDetails>,
    pub activity_id: Option<String>,
}

/// What became of one sent row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OutcomeKind {
    Created,
    Updated,
    /// The server said no (or the whole request failed): not applied.
    Failed,
    /// No answer about this row: it may or may not have been applied.
    Unconfirmed,
}

impl OutcomeKind {
    pub fn label(self) -> &'static str {
        match self {
            OutcomeKind::Created => "Created",
            OutcomeKind::Updated => "Updated",
            OutcomeKind::Failed => "Failed",
            OutcomeKind::Unconfirmed => "Unconfirmed",
        }
    }

    pub fn is_saved(self) -> bool {
        matches!(self, OutcomeKind::Created | OutcomeKind::Updated)
    }
}

/// A row's outcome as shown in its Outcome cell and exported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowOutcome {
    pub kind: OutcomeKind,
    /// The item's (or the request's) HTTP status, when there was one.
    pub status: Option<u16>,
    pub message: String,
    /// What the user quotes to VBA support.
    pub activity_id: Option<String>,
}

impl RowOutcome {
    pub fn failed(
        status: Option<u16>,
        message: impl Into<String>,
        activity_id: Option<String>,
    ) -> Self {
        RowOutcome {
            kind: OutcomeKind::Failed,
            status,
            message: message.into(),
            activity_id,
        }
    }

    pub fn unconfirmed(message: impl Into<String>, activity_id: Option<String>) -> Self {
        RowOutcome {
            kind: OutcomeKind::Unconfirmed,
            status: None,
            message: message.into(),
            activity_id,
        }
    }

    /// A read of the server found exactly the values a try sent, whose answer did not say
    /// they were saved (it was lost, or it refused a second send of the same batch): saved.
    pub fn found_saved(created: bool) -> Self {
        RowOutcome {
            kind: if created {
                OutcomeKind::Created
            } else {
                OutcomeKind::Updated
            },
            status: None,
            message: "Saved: a read of the server found these values".into(),
            activity_id: None,
        }
    }

    /// This refusal until a read of the server shows the values are not there: unconfirmed.
    pub fn refusal_to_verify(&self) -> Self {
        RowOutcome {
            kind: OutcomeKind::Unconfirmed,
            message: format!(
                "{} (refused, but an earlier send may have saved it: unconfirmed until the \
                 server is read)",
                self.message
            ),
            ..self.clone()
        }
    }

    /// This refusal, about a row an earlier try may have saved: the refusal proves only that
    /// this try was not applied, so the row is unconfirmed, not "not applied".
    pub fn earlier_try_may_have_saved(self) -> Self {
        RowOutcome {
            kind: OutcomeKind::Unconfirmed,
            message: format!("{} (an earlier try may have saved it)", self.message),
            ..self
        }
    }
}

/// Why an item could not be applied to a sent row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StrayReason {
    /// Its key was not in the chunk (or was answered more often than it was sent).
    NotSent,
    /// It names no key that reads as a tolerance key.
    NoKey,
}

/// An item reported to the user but applied to no row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StrayItem {
    pub item: BatchItem,
    pub reason: StrayReason,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matched {
    /// One outcome per sent row, in the order sent.
    pub rows: Vec<RowOutcome>,
    pub strays: Vec<StrayItem>,
}

/// Reads a 207 body whatever its Content-Type claimed.
pub fn parse_batch_answer(body: &str) -> Result<BatchAnswer, BodyError> {
    read::read_batch_answer(body)
}

/// Marks a key whose every sent row has had its item.
const ALL_ANSWERED: usize = usize::MAX;

/// Applies the answer to the rows sent, identified by their keys in the order sent.
pub fn match_answer(sent_keys: &[i32], answer: &BatchAnswer) -> Matched {
    let activity = || answer.activity_id.clone();
    let Some(items) = &answer.items else {
        // `data: null`: the error, if any, speaks for the whole batch.
        let rows = match &answer.error {
            // The server failed while carrying the batch out: some of it may be applied.
            Some(error) if error.status.is_some_and(|s| s >= 500 && s != 503) => {
                let message = error.summary().unwrap_or("The server failed on the batch.");
                let outcome = RowOutcome {
                    status: error.status,
                    ..RowOutcome::unconfirmed(message, activity())
                };
                vec![outcome; sent_keys.len()]
            }
            Some(error) => {
                let message = error.summary().unwrap_or("The server refused the batch.");
                let outcome = RowOutcome::failed(error.status, message, activity());
                vec![outcome; sent_keys.len()]
            }
            None => vec![
                RowOutcome::unconfirmed("The server's answer listed no rows.", activity());
                sent_keys.len()
            ],
        };
        return Matched {
            rows,
            strays: Vec::new(),
        };
    };

    // A key sent twice is matched in order: first item to the first row sent. Each key's
    // rows form a chain through `next_same` (no queue allocated per key).
    let mut first_waiting: FxHashMap<i32, usize> =
        FxHashMap::with_capacity_and_hasher(sent_keys.len(), Default::default());
    let mut next_same: Vec<Option<usize>> = vec![None; sent_keys.len()];
    for (row, key) in sent_keys.iter().enumerate().rev() {
        if let Some(later) = first_waiting.insert(*key, row) {
            next_same[row] = Some(later);
        }
    }
    let mut rows: Vec<Option<RowOutcome>> = vec![None; sent_keys.len()];
    let mut strays = Vec::new();
    for item in items {
        let Some(key) = item.key else {
            strays.push(StrayItem {
                item: item.clone(),
                reason: StrayReason::NoKey,
            });
            continue;
        };
        // The key's first row still waiting, which hands its place to the next one.
        let waiting = first_waiting.get_mut(&key).and_then(|first| {
            let row = (*first != ALL_ANSWERED).then_some(*first)?;
            *first = next_same[row].unwrap_or(ALL_ANSWERED);
            Some(row)
        });
        match waiting {
            Some(row) => rows[row] = Some(outcome_of(item, activity())),
            None => strays.push(StrayItem {
                item: item.clone(),
                reason: StrayReason::NotSent,
            }),
        }
    }
    let rows = rows
        .into_iter()
        .map(|outcome| {
            outcome.unwrap_or_else(|| {
                RowOutcome::unconfirmed(
                    "The server did not confirm this row; it may not be saved. Send it again.",
                    activity(),
                )
            })
        })
        .collect();
    Matched { rows, strays }
}

fn outcome_of(item: &BatchItem, activity_id: Option<String>) -> RowOutcome {
    let message = |default: &str| {
        if item.body.trim().is_empty() {
            default.to_string()
        } else {
            item.body.clone()
        }
    };
    let (kind, message) = match item.status {
        Some(200) => (OutcomeKind::Updated, message("Updated")),
        Some(201) => (OutcomeKind::Created, message("Created")),
        Some(status) if status >= 300 => (OutcomeKind::Failed, message("Refused by the server")),
        // Another 2xx, or no status: nothing says it was saved.
        _ => (
            OutcomeKind::Unconfirmed,
            message("The server's answer for this row was not clear"),
        ),
    };
    RowOutcome {
        kind,
        status: item.status,
        message,
        activity_id,
    }
}

#[cfg(test)]
#[path = "multistatus_tests.rs"]
pub(crate) mod tests;

/// The direct reader against the reference, on shapes written by hand and generated.
#[cfg(test)]
#[path = "multistatus_read_tests.rs"]
mod read_tests;
