//! What the range commands do to the selected cells: copy them as clipboard text, clear
//! them, fill them down. Each plan lists the cells to write (applied by
//! [`Table::set_texts`] as one undo step) and counts what the notice reports.

use std::ops::RangeInclusive;

use crate::core::clipboard::write_tsv;
use crate::core::columns::{CellText, Field};
use crate::core::draft::RowId;
use crate::core::table::Table;

/// Cells to write, and how many of them will have a problem.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EditPlan {
    pub edits: Vec<(RowId, Field, CellText)>,
    /// Cells the command covers (written or already holding that text).
    pub cells: usize,
    /// Cells whose new text has a problem (duplicate keys are found by the table after).
    pub problems: usize,
}

impl EditPlan {
    fn put(&mut self, table: &Table, id: RowId, field: Field, text: &str) {
        self.cells += 1;
        if field.column().check(text).is_err() {
            self.problems += 1;
        }
        if table.row(id).is_some_and(|row| row.text(field) != text) {
            self.edits.push((id, field, text.into()));
        }
    }
}

fn fields(columns: &RangeInclusive<usize>) -> impl Iterator<Item = Field> + '_ {
    Field::EDITABLE
        .into_iter()
        .enumerate()
        .filter(|(i, _)| columns.contains(i))
        .map(|(_, f)| f)
}

/// The selected cells as text that Excel and Google Sheets paste back cell for cell.
pub fn copy_text(table: &Table, rows: &[RowId], columns: &RangeInclusive<usize>) -> String {
    write_tsv(rows.iter().filter_map(|id| table.row(*id)).map(|row| {
        fields(columns)
            .map(|f| row.text(f).to_string())
            .collect::<Vec<_>>()
    }))
}

/// Empties the selected cells.
pub fn plan_clear(table: &Table, rows: &[RowId], columns: &RangeInclusive<usize>) -> EditPlan {
    plan_fill_value(table, rows, columns, "")
}

/// Writes one text into every selected cell (a single value pasted into a range).
pub fn plan_fill_value(
    table: &Table,
    rows: &[RowId],
    columns: &RangeInclusive<usize>,
    text: &str,
) -> EditPlan {
    let mut plan = EditPlan::default();
    for id in rows {
        for field in fields(columns) {
            plan.put(table, *id, field, text);
        }
    }
    plan
}

/// Ctrl-D: the top row of the selection copied into the rows below it; a selection of one
/// row copies the row `above` it instead, as Excel does (nothing when there is none).
pub fn plan_fill_down(
    table: &Table,
    rows: &[RowId],
    columns: &RangeInclusive<usize>,
    above: Option<RowId>,
) -> EditPlan {
    let (source, targets) = match rows {
        [only] => match above {
            Some(above) => (above, std::slice::from_ref(only)),
            None => return EditPlan::default(),
        },
        [first, rest @ ..] => (*first, rest),
        [] => return EditPlan::default(),
    };
    let Some(source) = table.row(source) else {
        return EditPlan::default();
    };
    let texts: Vec<(Field, String)> = fields(columns)
        .map(|f| (f, source.text(f).to_string()))
        .collect();
    let mut plan = EditPlan::default();
    for id in targets {
        for (field, text) in &texts {
            plan.put(table, *id, *field, text);
        }
    }
    plan
}

#[cfg(test)]
#[path = "range_edit_tests.rs"]
mod tests;
