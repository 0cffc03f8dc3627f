//! CSV files in and out, with the `csv` crate. Reading finds the delimiter (comma, or the
//! semicolon that European Excel writes, or tab), drops a BOM, and matches the header row to
//! columns by name. Writing puts a BOM first (so Excel reads UTF-8) and defuses formulas.

use thiserror::Error;

use crate::core::clipboard::{Grid, Row, escape_formula, unescape_formula};
use crate::core::columns::{EDITABLE_COUNT, Field};
use crate::core::draft::RowDraft;
use crate::core::multistatus::RowOutcome;
use crate::core::validate;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CsvError {
    #[error("the file could not be read as CSV: {0}")]
    Read(String),
    #[error("the CSV file could not be written: {0}")]
    Write(String),
}

/// A CSV file read into cells, with its columns matched to the table's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvFile {
    /// The header row as written, when the first row named at least one column.
    pub header: Option<Vec<String>>,
    /// For each column of the file, the table column it fills (`None`: ignored). The import
    /// preview shows it and lets the user change it.
    pub mapping: Vec<Option<Field>>,
    /// The data rows (the header excluded).
    pub rows: Grid,
    pub delimiter: u8,
}

/// Reads a CSV file's text. Without a recognisable header, the columns are taken to be the
/// editable ones in table order and the first row is data.
pub fn read_csv(text: &str) -> Result<CsvFile, CsvError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let delimiter = detect_delimiter(text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let read_err = |err: csv::Error| CsvError::Read(err.to_string());
    let mut record = csv::StringRecord::new();
    let mut grid = Grid::new();
    // The first record decides: a header (it names a column) or already data.
    let mut header = None;
    let mut mapping = Vec::new();
    if reader.read_record(&mut record).map_err(read_err)? {
        let cells: Vec<&str> = record.iter().map(unescape_formula).collect();
        let guessed: Vec<Option<Field>> = cells.iter().map(|c| Field::from_header(c)).collect();
        if guessed.iter().any(Option::is_some) {
            header = Some(cells.iter().map(|c| c.to_string()).collect());
            mapping = dedupe(guessed);
        } else {
            grid.push_row(cells);
        }
    }
    while reader.read_record(&mut record).map_err(read_err)? {
        for field in record.iter() {
            let start = grid.len();
            grid.push_str(field);
            grid.end_cell(start);
            grid.unescape_last_cell();
        }
        grid.end_row();
    }
    if header.is_none() {
        mapping = (0..grid.width())
            .map(|i| Field::EDITABLE.get(i).copied())
            .collect();
    }
    Ok(CsvFile {
        header,
        mapping,
        rows: grid,
        delimiter,
    })
}

/// Two file columns naming one field: the first wins, as a person reading it would assume.
fn dedupe(mut mapping: Vec<Option<Field>>) -> Vec<Option<Field>> {
    let mut seen = Vec::new();
    for slot in &mut mapping {
        if let Some(field) = *slot {
            if seen.contains(&field) {
                *slot = None;
            } else {
                seen.push(field);
            }
        }
    }
    mapping
}

/// The delimiter most used on the first line, outside quotes; comma when in doubt.
fn detect_delimiter(text: &str) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for b in text.bytes() {
        match b {
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted => break,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], 3 - i)).unwrap_or(0);
    [b',', b';', b'\t'][best]
}

impl CsvFile {
    /// One data row's text per editable column, by `mapping` (`None`: not in the file).
    pub fn editable_cells<'a>(
        row: Row<'a>,
        mapping: &[Option<Field>],
    ) -> [Option<&'a str>; EDITABLE_COUNT] {
        let mut cells = [None; EDITABLE_COUNT];
        for (column, field) in mapping.iter().enumerate() {
            if let Some(field) = field
                && field.is_editable()
            {
                cells[field.index()] = Some(row.get(column).unwrap_or(""));
            }
        }
        cells
    }

    /// What applying the file would do, for the preview: counted against the keys the table
    /// already holds.
    pub fn summarize(
        &self,
        mapping: &[Option<Field>],
        table_has_key: impl Fn(i32) -> bool,
    ) -> ImportSummary {
        let mut summary = ImportSummary::default();
        for row in self.rows.rows().filter(|r| !r.is_blank()) {
            let cells = Self::editable_cells(row, mapping);
            let problem = Field::EDITABLE
                .iter()
                .zip(cells)
                .any(|(field, cell)| cell.is_some_and(|text| field.column().check(text).is_err()));
            match cells[0].and_then(|k| validate::parse_key(k).ok()) {
                _ if problem => summary.with_problems += 1,
                Some(key) if table_has_key(key) => summary.updated += 1,
                Some(_) => summary.added += 1,
                None => summary.with_problems += 1,
            }
        }
        summary
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub added: usize,
    pub updated: usize,
    pub with_problems: usize,
}

/// Writes a CSV file: BOM, comma-separated, CRLF, every cell defused against formulas.
pub fn write_csv<R, C, S>(header: &[&str], rows: R) -> Result<String, CsvError>
where
    R: IntoIterator<Item = C>,
    C: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .flexible(true)
        .from_writer(Vec::from("\u{feff}".as_bytes()));
    let write_err = |err: csv::Error| CsvError::Write(err.to_string());
    writer.write_record(header).map_err(write_err)?;
    let mut record: Vec<String> = Vec::new();
    for row in rows {
        record.clear();
        record.extend(
            row.into_iter()
                .map(|c| escape_formula(c.as_ref()).into_owned()),
        );
        writer.write_record(&record).map_err(write_err)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|err| CsvError::Write(err.to_string()))?;
    String::from_utf8(bytes).map_err(|err| CsvError::Write(err.to_string()))
}

/// The table as the user sees it (their text, even where it has problems), every column
/// under its title, so the file imports back.
pub fn export_table<'a>(rows: impl IntoIterator<Item = &'a RowDraft>) -> Result<String, CsvError> {
    let header: Vec<&str> = Field::ALL.iter().map(|f| f.title()).collect();
    write_csv(
        &header,
        rows.into_iter()
            .map(|row| Field::ALL.iter().map(move |f| row.text(*f))),
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
    rows: impl IntoIterator<Item = (&'a str, &'a RowOutcome)>,
) -> Result<String, CsvError> {
    write_csv(
        &OUTCOME_HEADER,
        rows.into_iter().map(|(key, outcome)| {
            [
                key.to_string(),
                outcome.kind.label().to_string(),
                outcome.status.map(|s| s.to_string()).unwrap_or_default(),
                outcome.message.clone(),
                outcome.activity_id.clone().unwrap_or_default(),
            ]
        }),
    )
}

#[cfg(test)]
#[path = "csv_io_tests.rs"]
mod tests;
