//! A lost update caught before it happens: a read of the server found, under a row's key, a
//! record other than the one the row believes the server holds (another tab or another
//! person saved it since the row was loaded or last confirmed, or deleted it, or created a
//! key the row adds). Sending the row would silently undo that write, so it is a
//! [`Conflict`]: the row keeps the user's text, is not sent, and waits for the user's
//! choice, **Keep mine** ([`keep_mine_texts`]: the fields the user changed, on top of the
//! server's record) or **Take the server's**.
//!
//! Records are compared by their values (key, amount, group, payment method), not by their
//! `update_Date`/`update_User`: after a save the editor knows the values it sent but not the
//! stamps the server gave them, and a record rewritten with the same values loses nothing.

use serde::{Deserialize, Serialize};

use crate::core::columns::{CellText, Cells, EDITABLE_COUNT, Field};
use crate::core::draft::record_cells;
use crate::core::record::Tolerance;
use crate::core::validate;

/// What a row's conflict remembers beside the server's record (the row's baseline, which
/// the read that found the conflict made known).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conflict {
    /// The record the user's edit started from: the one the row last knew the server to
    /// hold (none for a row that was new). Only the fields that differ from it are the
    /// user's edit.
    pub base: Option<Tolerance>,
}

impl Conflict {
    /// Which cells hold the user's edit: those whose values differ from `base`. Every cell
    /// does when there is no base, or when the key cell names another record than the base
    /// (the row is that other record now, typed by the user).
    pub fn users_cells(&self, cells: &Cells) -> [bool; EDITABLE_COUNT] {
        let Some(base) = &self.base else {
            return [true; EDITABLE_COUNT];
        };
        let differs = Field::EDITABLE.map(|field| !cell_means(field, &cells[field.index()], base));
        if differs[Field::Key.index()] {
            return [true; EDITABLE_COUNT];
        }
        differs
    }
}

/// "Keep mine": the texts that put the user's edit on top of `server` (what the server holds
/// now; none when it no longer has the key): every cell the user did not change takes the
/// server's text. Only the cells whose text changes are returned.
pub fn keep_mine_texts(
    conflict: &Conflict,
    cells: &Cells,
    server: Option<&Tolerance>,
) -> Vec<(Field, CellText)> {
    let Some(server) = server else {
        // Nothing on the server to take: the row goes as the user has it.
        return Vec::new();
    };
    let mine = conflict.users_cells(cells);
    Field::EDITABLE
        .into_iter()
        .zip(record_cells(server))
        .filter(|(field, text)| !mine[field.index()] && cells[field.index()] != *text)
        .collect()
}

/// Whether a cell's text means the record's value of that field: "5.00" means 5, a text is
/// compared without the spaces around it, a blank one means none.
pub fn cell_means(field: Field, cell: &str, record: &Tolerance) -> bool {
    let same_text = |value: &Option<CellText>| cell.trim() == value.as_deref().unwrap_or("").trim();
    match field {
        Field::Key => validate::parse_key(cell).ok() == Some(record.key),
        Field::Amount => validate::parse_amount(cell).ok() == Some(record.amount),
        Field::GroupId => same_text(&record.group_id),
        Field::PaymentMethod => same_text(&record.payment_method),
        _ => true,
    }
}

#[cfg(test)]
#[path = "conflict_tests.rs"]
mod tests;
