//! CSV files in and out (RFC 4180, read as leniently as spreadsheets write it). Reading finds
//! the delimiter (comma, or the semicolon that European Excel writes, or tab), drops a BOM, and
//! matches the header row to columns by name. Writing (`csv_export`, re-exported here) puts a
//! BOM first (so Excel reads UTF-8) and defuses formulas. Hand-written rather than the `csv` crate: a few dozen lines instead of
//! tens of kilobytes of wasm; tests/properties.rs and `core::fuzz` check both directions
//! against the crate.

use crate::core::clipboard::{Grid, Row};
use crate::core::columns::{EDITABLE_COUNT, Field};
use crate::core::list_separator::ListSeparator;
use crate::core::validate;

pub use crate::core::csv_export::{
    OUTCOME_HEADER, defuse_row, export_outcomes, export_table, write_csv,
};

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
    /// A quote that opened a field and never closed: everything after it was read into that
    /// one cell, which the preview must say.
    pub unclosed_quote: Option<UnclosedQuote>,
    /// The line (from 1) each data row starts on, as a spreadsheet numbers its rows.
    pub lines: Vec<u32>,
}

/// Where an unclosed quote opened, by the file's lines (counted from 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnclosedQuote {
    /// The line the quote is on.
    pub line: usize,
    /// The file's last line: lines `line + 1 ..= last_line` were read into the quoted cell.
    pub last_line: usize,
}

impl UnclosedQuote {
    /// The preview's sentence.
    pub fn message(&self) -> String {
        let swallowed = match self.last_line - self.line {
            0 => "the rest of that line was read into one cell".to_string(),
            1 => format!("line {} was read into one cell with it", self.last_line),
            _ => format!(
                "lines {}–{} were read into one cell with it",
                self.line + 1,
                self.last_line
            ),
        };
        format!(
            "A quote opened on line {} never closes; {swallowed}.",
            self.line
        )
    }
}

/// How a reader treats `"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quotes {
    /// As RFC 4180 and Excel: a field may be quoted.
    Fields,
    /// Every quote is a plain character: for a file whose stray quote would swallow the rest.
    Literal,
}

/// Reads a CSV file's text; any text reads (see [`read_record`]). Without a recognisable
/// header, the columns are taken to be the editable ones in table order and the first row is
/// data. Records and cells are what the `csv` crate reads (flexible, no header, this
/// delimiter, one leading byte order mark dropped), but for the formula escape taken off
/// each cell ([`crate::core::clipboard::unescape_formula`] says which apostrophes go);
/// `core::fuzz` checks it on generated files.
pub fn read_csv(text: &str) -> CsvFile {
    read_csv_with(text, Quotes::Fields)
}

/// [`read_csv`], with quotes read as `quotes` says.
pub fn read_csv_with(text: &str, quotes: Quotes) -> CsvFile {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let delimiter = detect_delimiter(text);
    let mut reader = Reader {
        delimiter,
        quotes,
        unclosed_at: None,
        lines: Vec::new(),
        counted: (0, 1),
    };
    let mut pos = 0;
    // The first record decides: a header (it names a column) or already data.
    let mut grid = Grid::new();
    let mut header = None;
    let mut mapping = Vec::new();
    if reader.record(text, &mut pos, &mut grid) {
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
            reader.lines.clear();
        }
    }
    while reader.record(text, &mut pos, &mut grid) {}
    if header.is_none() {
        mapping = (0..grid.width())
            .map(|i| Field::EDITABLE.get(i).copied())
            .collect();
    }
    let unclosed_quote = reader.unclosed_at.map(|at| UnclosedQuote {
        line: line_of(text, at),
        last_line: line_of(text, text.trim_end_matches(['\r', '\n']).len()),
    });
    CsvFile {
        header,
        mapping,
        rows: grid,
        delimiter,
        unclosed_quote,
        lines: reader.lines,
    }
}

/// The line (from 1) that byte `at` is on; CRLF, LF and CR each end a line.
fn line_of(text: &str, at: usize) -> usize {
    let before = &text.as_bytes()[..at.min(text.len())];
    let lone_cr = before
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\r' && before.get(i + 1) != Some(&b'\n'))
        .count();
    1 + before.iter().filter(|&&b| b == b'\n').count() + lone_cr
}

/// One pass over a file: its delimiter, how quotes are read, and the unclosed quote seen.
struct Reader {
    delimiter: u8,
    quotes: Quotes,
    /// The byte where a quote opened that never closed.
    unclosed_at: Option<usize>,
    /// The line each record read starts on.
    lines: Vec<u32>,
    /// Lines counted so far: up to this byte, the line it is on.
    counted: (usize, u32),
}

impl Reader {
    fn record(&mut self, text: &str, pos: &mut usize, grid: &mut Grid) -> bool {
        let Some(start) = read_record(
            text,
            pos,
            self.delimiter,
            grid,
            self.quotes,
            &mut self.unclosed_at,
        ) else {
            return false;
        };
        let (from, line) = self.counted;
        let line = line + line_of(&text[from..], start - from) as u32 - 1;
        self.counted = (start, line);
        self.lines.push(line);
        true
    }
}

/// Reads the record starting at byte `pos` into a new row of `grid`, formula escapes removed,
/// and moves `pos` past it; its first byte, or `None` at the end of the text. As Excel and the `csv` crate read:
/// blank lines are skipped; a quoted field may hold delimiters, line breaks and doubled quotes;
/// text after a closing quote, and a quote inside an unquoted field, are kept literally; an
/// unclosed quote runs to the end of the text (and its place goes in `unclosed_at`); CRLF, LF
/// and CR all end a record. With [`Quotes::Literal`] a quote is a character like any other.
fn read_record(
    text: &str,
    pos: &mut usize,
    delimiter: u8,
    grid: &mut Grid,
    quotes: Quotes,
    unclosed_at: &mut Option<usize>,
) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut at = *pos;
    while at < bytes.len() && matches!(bytes[at], b'\r' | b'\n') {
        at += 1;
    }
    if at == bytes.len() {
        *pos = at;
        return None;
    }
    let record_start = at;
    loop {
        let start = grid.len();
        if quotes == Quotes::Fields && bytes.get(at) == Some(&b'"') {
            let opened = at;
            at += 1;
            loop {
                match bytes[at..].iter().position(|&b| b == b'"') {
                    None => {
                        unclosed_at.get_or_insert(opened);
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
        grid.restore_last_cell_splits(ListSeparator::of_delimiter(delimiter).other());
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
    Some(record_start)
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

    /// A cell's text as the table takes it: in a semicolon file an amount's decimal comma
    /// is its decimal point (`ListSeparator::amount_in`).
    pub fn read_as<'a>(&self, field: Field, text: &'a str) -> std::borrow::Cow<'a, str> {
        match field {
            Field::Amount => ListSeparator::of_delimiter(self.delimiter).amount_in(text),
            _ => text.into(),
        }
    }

    /// Keys that more than one row of the file holds, with the lines those rows start on
    /// (as a spreadsheet numbers its rows), in file order.
    pub fn repeated_keys(&self, mapping: &[Option<Field>]) -> Vec<RepeatedKey> {
        let mut rows_of: rustc_hash::FxHashMap<i32, Vec<usize>> = Default::default();
        let mut order = Vec::new();
        for (index, key) in self.keys(mapping) {
            if let Some(key) = key {
                let rows = rows_of.entry(key).or_default();
                if rows.len() == 1 {
                    order.push(key);
                }
                rows.push(self.lines.get(index).map_or(index + 1, |&l| l as usize));
            }
        }
        order
            .into_iter()
            .map(|key| RepeatedKey {
                key,
                rows: rows_of.remove(&key).unwrap_or_default(),
            })
            .collect()
    }

    /// Each non-blank data row's index and key (when it reads as one).
    fn keys<'a>(
        &'a self,
        mapping: &'a [Option<Field>],
    ) -> impl Iterator<Item = (usize, Option<i32>)> + 'a {
        self.rows
            .rows()
            .enumerate()
            .filter(|(_, row)| !row.is_blank())
            .map(|(index, row)| {
                let key = Self::editable_cells(row, mapping)[0];
                (index, key.and_then(|k| validate::parse_key(k).ok()))
            })
    }

    /// The non-blank data rows an import applies: with a key repeated in the file, only the
    /// row `repeats` picks; every row without a readable key (it is a problem row).
    pub fn applied_rows<'a>(
        &'a self,
        mapping: &'a [Option<Field>],
        repeats: Repeats,
    ) -> impl Iterator<Item = Row<'a>> + 'a {
        // Each row's key read once, for both passes.
        let keys: Vec<(usize, Option<i32>)> = self.keys(mapping).collect();
        let mut winner: rustc_hash::FxHashMap<i32, usize> = Default::default();
        for &(index, key) in &keys {
            if let Some(key) = key {
                match repeats {
                    Repeats::FirstWins => {
                        winner.entry(key).or_insert(index);
                    }
                    Repeats::LastWins => {
                        winner.insert(key, index);
                    }
                }
            }
        }
        keys.into_iter().filter_map(move |(index, key)| {
            let applied = key.is_none_or(|key| winner.get(&key) == Some(&index));
            applied.then(|| self.rows.row(index)).flatten()
        })
    }

    /// What applying the file would do, for the preview: counted against the keys the table
    /// already holds, one row per key as `repeats` picks.
    pub fn summarize(
        &self,
        mapping: &[Option<Field>],
        table_has_key: impl Fn(i32) -> bool,
        repeats: Repeats,
    ) -> ImportSummary {
        let mut summary = ImportSummary::default();
        for row in self.applied_rows(mapping, repeats) {
            let cells = Self::editable_cells(row, mapping);
            summary.trimmed += cells
                .iter()
                .flatten()
                .filter(|text| !text.trim().is_empty() && text.trim() != **text)
                .count();
            let problem = Field::EDITABLE.iter().zip(cells).any(|(field, cell)| {
                cell.is_some_and(|text| field.column().check(&self.read_as(*field, text)).is_err())
            });
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

/// A key that several rows of one file hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepeatedKey {
    pub key: i32,
    /// The lines of the file's rows holding it (the header is line 1).
    pub rows: Vec<usize>,
}

/// Which row wins for a key repeated within one file; the user chooses in the preview.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repeats {
    FirstWins,
    LastWins,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub added: usize,
    pub updated: usize,
    pub with_problems: usize,
    /// Cells with spaces before or after their text, which are trimmed (said in the preview,
    /// so that a key or group that looks the same in Excel is not a surprise).
    pub trimmed: usize,
}

#[cfg(test)]
#[path = "csv_io_tests.rs"]
mod tests;
