//! CSV files in and out (RFC 4180, read as leniently as spreadsheets write it). Reading finds
//! the delimiter (comma, or the semicolon that European Excel writes, or tab), drops a BOM, and
//! matches the header row to columns by name. Writing puts a BOM first (so Excel reads UTF-8)
//! and defuses formulas. Hand-written rather than the `csv` crate: a few dozen lines instead of
//! tens of kilobytes of wasm; tests/properties.rs and `core::fuzz` check both directions
//! against the crate.

use crate::core::clipboard::{Grid, Row, escape_formula, push_cell};
use crate::core::columns::{EDITABLE_COUNT, Field};
use crate::core::draft::RowDraft;
use crate::core::multistatus::RowOutcome;
use crate::core::validate;

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

/// Reads a CSV file's text; any text reads (see [`read_record`]). Without a recognisable
/// header, the columns are taken to be the editable ones in table order and the first row is
/// data. Records and cells are what the `csv` crate reads (flexible, no header, this
/// delimiter, one leading byte order mark dropped), but for the formula escape taken off
/// each cell ([`crate::core::clipboard::unescape_formula`] says which apostrophes go);
/// `core::fuzz` checks it on generated files.
pub fn read_csv(text: &str) -> CsvFile {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let delimiter = detect_delimiter(text);
    let mut pos = 0;
    // The first record decides: a header (it names a column) or already data.
    let mut grid = Grid::new();
    let mut header = None;
    let mut mapping = Vec::new();
    if read_record(text, &mut pos, delimiter, &mut grid) {
        let first = grid.row(0).map(|r| r.iter().collect::<Vec<_>>());
        let guessed: Vec<Option<Field>> = first
            .iter()
            .flatten()
            .map(|c| Field::from_header(c))
            .collect();
        if guessed.iter().any(Option::is_some) {
            header = first.map(|cells| cells.iter().map(|c| c.to_string()).collect());
            mapping = dedupe(guessed);
            grid = Grid::new();
        }
    }
    while read_record(text, &mut pos, delimiter, &mut grid) {}
    if header.is_none() {
        mapping = (0..grid.width())
            .map(|i| Field::EDITABLE.get(i).copied())
            .collect();
    }
    CsvFile {
        header,
        mapping,
        rows: grid,
        delimiter,
    }
}

/// Reads the record starting at byte `pos` into a new row of `grid`, formula escapes removed,
/// and moves `pos` past it; `false` at the end of the text. As Excel and the `csv` crate read:
/// blank lines are skipped; a quoted field may hold delimiters, line breaks and doubled quotes;
/// text after a closing quote, and a quote inside an unquoted field, are kept literally; an
/// unclosed quote runs to the end of the text; CRLF, LF and CR all end a record.
fn read_record(text: &str, pos: &mut usize, delimiter: u8, grid: &mut Grid) -> bool {
    let bytes = text.as_bytes();
    let mut at = *pos;
    while at < bytes.len() && matches!(bytes[at], b'\r' | b'\n') {
        at += 1;
    }
    if at == bytes.len() {
        *pos = at;
        return false;
    }
    loop {
        let start = grid.len();
        if bytes.get(at) == Some(&b'"') {
            at += 1;
            loop {
                match bytes[at..].iter().position(|&b| b == b'"') {
                    None => {
                        grid.push_str(&text[at..]);
                        at = bytes.len();
                        break;
                    }
                    Some(offset) => {
                        grid.push_str(&text[at..at + offset]);
                        at += offset + 1;
                        if bytes.get(at) != Some(&b'"') {
                            break;
                        }
                        grid.push_str("\"");
                        at += 1;
                    }
                }
            }
        }
        let rest = at;
        while at < bytes.len() && !matches!(bytes[at], b'\r' | b'\n') && bytes[at] != delimiter {
            at += 1;
        }
        grid.push_str(&text[rest..at]);
        grid.end_cell(start);
        grid.unescape_last_cell();
        match bytes.get(at) {
            Some(&b) if b == delimiter => at += 1,
            Some(b'\r') if bytes.get(at + 1) == Some(&b'\n') => {
                at += 2;
                break;
            }
            Some(_) => {
                at += 1;
                break;
            }
            None => break,
        }
    }
    grid.end_row();
    *pos = at;
    true
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
pub fn write_csv<R, C, S>(header: &[&str], rows: R) -> String
where
    R: IntoIterator<Item = C>,
    C: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut out = String::from("\u{feff}");
    write_record(&mut out, header);
    for row in rows {
        write_record(
            &mut out,
            row.into_iter()
                .map(|c| escape_formula(c.as_ref()).into_owned()),
        );
    }
    out
}

/// One record and its CRLF. A cell holding a comma, quote or line break is quoted (inner
/// quotes doubled); a record that would be an empty line is written `""` so it reads back.
fn write_record<S: AsRef<str>>(out: &mut String, cells: impl IntoIterator<Item = S>) {
    let start = out.len();
    for (i, cell) in cells.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_cell(out, cell.as_ref(), ',');
    }
    if out.len() == start {
        out.push_str("\"\"");
    }
    out.push_str("\r\n");
}

/// The table as the user sees it (their text, even where it has problems), every column
/// under its title, so the file imports back.
pub fn export_table<'a>(rows: impl IntoIterator<Item = &'a RowDraft>) -> String {
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
pub fn export_outcomes<'a>(rows: impl IntoIterator<Item = (&'a str, &'a RowOutcome)>) -> String {
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
