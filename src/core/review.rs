//! What a Submit (or Resend failed) is about to send, row by row, against what the server is
//! known to hold (each row's [`Baseline`]): the review a person reads, filters, searches and
//! exports before anything leaves. It lists exactly the rows [`Table::rows_to_send`] sends.

use crate::core::baseline::Baseline;
use crate::core::columns::{EDITABLE_COUNT, Field};
use crate::core::csv_io::write_csv;
use crate::core::draft::{RowId, RowState, amount_text};
use crate::core::list_separator::ListSeparator;
use crate::core::record::Tolerance;
use crate::core::table::Table;

/// Why a row is in the review; each row counts under one of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// The server is not known to hold it.
    New,
    /// It differs from what the server holds, or the server's values are unknown.
    Changed,
    /// The last submit failed or did not confirm it.
    Resend,
}

impl Change {
    pub fn label(self) -> &'static str {
        match self {
            Change::New => "New",
            Change::Changed => "Changed",
            Change::Resend => "To resend",
        }
    }
}

/// What the server holds for one cell, as far as this editor knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Was {
    /// A new row: nothing.
    Nothing,
    /// Exactly this.
    Known(String),
    /// A try may have been applied: unknown, with the last value known, if any.
    Unknown(Option<String>),
}

/// One cell that will change on the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellDiff {
    pub field: Field,
    pub was: Was,
    pub now: String,
}

impl CellDiff {
    /// "Tolerance amount: 1.50 → 2.00", in words a reviewer reads.
    pub fn describe(&self) -> String {
        let title = self.field.title();
        let now = shown(&self.now);
        match &self.was {
            Was::Nothing => format!("{title}: {now}"),
            Was::Known(was) => format!("{title}: {} → {now}", shown(was)),
            Was::Unknown(None) => format!("{title}: the server's value is unknown → {now}"),
            Was::Unknown(Some(last)) => format!(
                "{title}: the server's value is unknown (last known {}) → {now}",
                shown(last)
            ),
        }
    }
}

fn shown(text: &str) -> &str {
    if text.is_empty() { "(blank)" } else { text }
}

/// One row of the review: what it is, and the cells that differ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewRow {
    pub id: RowId,
    pub change: Change,
    pub key: String,
    pub group: String,
    pub payment: String,
    /// The server's values are unknown (a try may have been applied).
    pub server_unknown: bool,
    pub cells: Vec<CellDiff>,
    /// Values the database does not list ("GRP099 is not a group in DEMO_LIVE"): sent all
    /// the same, but likely typos.
    pub warnings: Vec<String>,
}

impl ReviewRow {
    /// The cells that differ, in one line ("New row" when nothing is on the server).
    pub fn differences(&self) -> String {
        if self.cells.is_empty() {
            return if self.server_unknown {
                "The server's values are unknown; sent again as they are".into()
            } else {
                "Sent again as the server holds it".into()
            };
        }
        let parts: Vec<String> = self.cells.iter().map(CellDiff::describe).collect();
        parts.join("; ")
    }

    fn matches(&self, lowered: &str) -> bool {
        let has = |text: &str| text.to_lowercase().contains(lowered);
        has(&self.key)
            || has(&self.group)
            || has(&self.payment)
            || self.cells.iter().any(|c| {
                has(&c.now)
                    || match &c.was {
                        Was::Known(was) | Was::Unknown(Some(was)) => has(was),
                        _ => false,
                    }
            })
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReviewCounts {
    pub new: usize,
    pub changed: usize,
    pub resend: usize,
    /// Of those, rows naming a group or payment method the database does not list.
    pub warned: usize,
}

impl ReviewCounts {
    pub fn total(&self) -> usize {
        self.new + self.changed + self.resend
    }

    /// "3 new, 8 changed, 1 to resend".
    pub fn describe(&self) -> String {
        format!(
            "{} new, {} changed, {} to resend",
            self.new, self.changed, self.resend
        )
    }
}

/// Which rows of the review are listed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ReviewFilter {
    #[default]
    All,
    Only(Change),
    /// Rows naming a value the database does not list.
    Warned,
}

/// Everything one Submit or Resend failed would send, in table order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Review {
    pub rows: Vec<ReviewRow>,
    pub counts: ReviewCounts,
    /// Resend failed: only the failed and unconfirmed rows.
    pub only_failed: bool,
}

impl Review {
    /// The review of what `table.rows_to_send(only_failed)` sends.
    pub fn of(table: &Table, only_failed: bool) -> Review {
        let mut counts = ReviewCounts::default();
        let rows: Vec<ReviewRow> = table
            .rows()
            .iter()
            .filter(|row| row.needs_sending())
            .filter_map(|row| {
                let state = row.state();
                let resend = matches!(state, RowState::Failed | RowState::Unconfirmed);
                if only_failed && !resend {
                    return None;
                }
                let record = row.to_record().ok()?;
                let change = match (resend, row.baseline()) {
                    (true, _) => Change::Resend,
                    (false, Baseline::Absent) => Change::New,
                    (false, _) => Change::Changed,
                };
                match change {
                    Change::New => counts.new += 1,
                    Change::Changed => counts.changed += 1,
                    Change::Resend => counts.resend += 1,
                }
                let mut reviewed = review_row(row.id(), change, row.baseline(), &record);
                reviewed.warnings = table
                    .warnings(row)
                    .into_iter()
                    .flatten()
                    .map(|w| w.to_string())
                    .collect();
                if !reviewed.warnings.is_empty() {
                    counts.warned += 1;
                }
                Some(reviewed)
            })
            .collect();
        Review {
            rows,
            counts,
            only_failed,
        }
    }

    /// The places (in `rows`) of the rows a filter and a search keep, in order.
    pub fn shown(&self, only: ReviewFilter, search: &str) -> Vec<usize> {
        let lowered = search.trim().to_lowercase();
        self.rows
            .iter()
            .enumerate()
            .filter(|(_, r)| match only {
                ReviewFilter::All => true,
                ReviewFilter::Only(change) => r.change == change,
                ReviewFilter::Warned => !r.warnings.is_empty(),
            })
            .filter(|(_, r)| lowered.is_empty() || r.matches(&lowered))
            .map(|(i, _)| i)
            .collect()
    }

    /// The review as a CSV file for a colleague's sign-off: one line per row, in the
    /// `separator` convention.
    pub fn to_csv(&self, database: &str, separator: ListSeparator) -> String {
        write_csv(
            &CSV_HEADER,
            self.rows.iter().map(|r| {
                [
                    database.to_string(),
                    r.change.label().to_string(),
                    r.key.clone(),
                    r.group.clone(),
                    r.payment.clone(),
                    r.differences(),
                    r.warnings.join("; "),
                ]
            }),
            separator,
        )
    }
}

pub const CSV_HEADER: [&str; 7] = [
    "Database",
    "Change",
    "Tolerance key",
    "Group ID",
    "Payment method",
    "Cells that differ (server → sent)",
    "Warnings",
];

/// A record's editable values as the review shows them.
fn values(record: &Tolerance) -> [String; EDITABLE_COUNT] {
    [
        record.key.to_string(),
        amount_text(record.amount),
        record.group_id.as_deref().unwrap_or_default().to_string(),
        record
            .payment_method
            .as_deref()
            .unwrap_or_default()
            .to_string(),
    ]
}

fn review_row(id: RowId, change: Change, baseline: &Baseline, record: &Tolerance) -> ReviewRow {
    let now = values(record);
    let (server_unknown, before) = match baseline {
        Baseline::Absent => (false, None),
        Baseline::Known(known) => (false, Some(known)),
        Baseline::Unknown { previous } => (true, previous.as_ref()),
    };
    let differs = |field: Field, server: &Tolerance| match field {
        Field::Key => server.key != record.key,
        Field::Amount => server.amount != record.amount,
        Field::GroupId => server.group_id != record.group_id,
        _ => server.payment_method != record.payment_method,
    };
    let cells = Field::EDITABLE
        .into_iter()
        .zip(now.iter())
        .filter_map(|(field, now)| {
            let was = match (before, server_unknown) {
                (None, false) if now.is_empty() => return None,
                (None, false) => Was::Nothing,
                (None, true) => Was::Unknown(None),
                (Some(server), _) if !differs(field, server) => return None,
                (Some(server), false) => Was::Known(values(server)[field.index()].clone()),
                (Some(server), true) => Was::Unknown(Some(values(server)[field.index()].clone())),
            };
            Some(CellDiff {
                field,
                was,
                now: now.clone(),
            })
        })
        .collect();
    let [key, _, group, payment] = now;
    ReviewRow {
        id,
        change,
        key,
        group,
        payment,
        server_unknown,
        cells,
        warnings: Vec::new(),
    }
}

#[cfg(test)]
#[path = "review_tests.rs"]
mod tests;
