//! Writing CSV files: the table and the outcomes of a submit, in either list-separator
//! convention, safe against formulas whichever separator a reader splits on. The reading
//! side is `csv_io`, which takes every escape written here off again.

use std::borrow::Cow;

use crate::core::clipboard::{defuse_splits_on, escape_formula, push_cell};
use crate::core::columns::Field;
use crate::core::draft::RowDraft;
use crate::core::list_separator::ListSeparator;
use crate::core::multistatus::RowOutcome;

/// Writes a CSV file: BOM, cells separated by `separator`, CRLF, every cell defused
/// against formulas at its start and after every separator of the other convention in it, so
/// that no split of a line, on commas or on semicolons, yields a cell that starts a formula
/// (`defuse_splits_on`; import takes it off).
pub fn write_csv<R, C, S>(header: &[&str], rows: R, separator: ListSeparator) -> String
where
    R: IntoIterator<Item = C>,
    C: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut out = String::from("\u{feff}");
    write_record(&mut out, header, separator);
    for row in rows {
        write_record(&mut out, defuse_row(row, separator), separator);
    }
    out
}

/// A row's cells as [`write_csv`] writes them: formulas escaped at the start of each cell
/// (`escape_formula`) and after each separator of the other convention (`defuse_splits_on`),
/// and a signed number first on a line escaped when more cells follow, since a reader of the
/// other convention sees it run on into them ("-5,abc"). Import takes every escape off.
pub fn defuse_row<S: AsRef<str>>(
    row: impl IntoIterator<Item = S>,
    separator: ListSeparator,
) -> Vec<String> {
    let mut cells: Vec<String> = row
        .into_iter()
        .map(|c| defuse_splits_on(&escape_formula(c.as_ref()), separator.other()).into_owned())
        .collect();
    if cells.len() > 1 && cells[0].starts_with(['+', '-']) {
        cells[0].insert(0, '\'');
    }
    cells
}

/// One record and its CRLF. A cell holding either separator, a quote or a line break is
/// quoted (inner quotes doubled); a record that would be an empty line is written `""` so it
/// reads back.
fn write_record<S: AsRef<str>>(
    out: &mut String,
    cells: impl IntoIterator<Item = S>,
    separator: ListSeparator,
) {
    let start = out.len();
    for (i, cell) in cells.into_iter().enumerate() {
        if i > 0 {
            out.push(separator.char());
        }
        // A cell holding the other separator is quoted too, for a reader that splits on it.
        let cell = cell.as_ref();
        let quote_for = if cell.contains(separator.other()) {
            separator.other()
        } else {
            separator.char()
        };
        push_cell(out, cell, quote_for);
    }
    if out.len() == start {
        out.push_str("\"\"");
    }
    out.push_str("\r\n");
}

/// The table as the user sees it (their text, even where it has problems), every column
/// under its title, so the file imports back; amounts with a decimal comma in semicolon mode.
pub fn export_table<'a>(
    rows: impl IntoIterator<Item = &'a RowDraft>,
    separator: ListSeparator,
) -> String {
    let header: Vec<&str> = Field::ALL.iter().map(|f| f.title()).collect();
    write_csv(
        &header,
        rows.into_iter().map(move |row| {
            Field::ALL.iter().map(move |f| match f {
                Field::Amount => Cow::Owned(separator.amount_out(&row.text(*f)).into_owned()),
                _ => row.text(*f),
            })
        }),
        separator,
    )
}

pub const OUTCOME_HEADER: [&str; 5] = [
    "Tolerance key",
    "Outcome",
    "HTTP status",
    "Message",
    "Activity ID",
];

/// The outcomes of a submit: one line per row sent, with its key as typed.
pub fn export_outcomes<'a>(
    rows: impl IntoIterator<Item = (Cow<'a, str>, &'a RowOutcome)>,
    separator: ListSeparator,
) -> String {
    write_csv(
        &OUTCOME_HEADER,
        rows.into_iter().map(|(key, outcome)| {
            [
                key.into_owned(),
                outcome.kind.label().to_string(),
                outcome.status.map(|s| s.to_string()).unwrap_or_default(),
                outcome.message.clone(),
                outcome.activity_id.clone().unwrap_or_default(),
            ]
        }),
        separator,
    )
}
