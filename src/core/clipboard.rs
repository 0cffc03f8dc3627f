//! Clipboard text as Excel and Google Sheets write it: cells separated by tabs, rows by CRLF
//! or LF, a cell holding a tab, a line break or a quote wrapped in double quotes (inner quotes
//! doubled), and the trailing line break Excel adds. And the writer back, safe to paste
//! into a spreadsheet (see [`escape_formula`]).

use std::ops::Range;

/// Rows of cells, all text in one buffer: a 100,000-row paste makes a handful of
/// allocations, not one per cell.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grid {
    text: String,
    /// Each cell's place in `text`.
    cells: Vec<Range<usize>>,
    /// Each row's end in `cells` (its start is the previous row's end).
    row_ends: Vec<usize>,
}

impl Grid {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn row_count(&self) -> usize {
        self.row_ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.row_ends.is_empty()
    }

    /// The widest row's cell count.
    pub fn width(&self) -> usize {
        self.rows().map(|r| r.len()).max().unwrap_or(0)
    }

    /// One row's cells; rows may differ in length.
    pub fn row(&self, index: usize) -> Option<Row<'_>> {
        let end = *self.row_ends.get(index)?;
        let start = if index == 0 {
            0
        } else {
            self.row_ends[index - 1]
        };
        Some(Row {
            text: &self.text,
            cells: &self.cells[start..end],
        })
    }

    pub fn rows(&self) -> impl Iterator<Item = Row<'_>> + '_ {
        (0..self.row_count()).filter_map(|i| self.row(i))
    }

    /// A cell's text; `None` beyond the row's end.
    pub fn cell(&self, row: usize, column: usize) -> Option<&str> {
        self.row(row)?.get(column)
    }

    /// Appends a row of cells.
    pub fn push_row<S: AsRef<str>>(&mut self, cells: impl IntoIterator<Item = S>) {
        for cell in cells {
            let start = self.text.len();
            self.text.push_str(cell.as_ref());
            self.cells.push(start..self.text.len());
        }
        self.row_ends.push(self.cells.len());
    }

    /// Cells are built up piece by piece by the parsers.
    pub(crate) fn push_str(&mut self, text: &str) {
        self.text.push_str(text);
    }

    pub(crate) fn end_cell(&mut self, start: usize) {
        self.cells.push(start..self.text.len());
    }

    pub(crate) fn end_row(&mut self) {
        self.row_ends.push(self.cells.len());
    }

    pub(crate) fn len(&self) -> usize {
        self.text.len()
    }

    /// Removes a leading formula escape from a cell that was just ended.
    pub(crate) fn unescape_last_cell(&mut self) {
        if let Some(cell) = self.cells.last_mut()
            && self.text.as_bytes().get(cell.start) == Some(&b'\'')
            && is_escaped(&self.text[cell.clone()])
        {
            cell.start += 1;
        }
    }

    /// Removes the escapes [`defuse_splits_on`] put after `splitter` inside the cell just
    /// ended.
    pub(crate) fn restore_last_cell_splits(&mut self, splitter: char) {
        let Some(cell) = self.cells.last_mut() else {
            return;
        };
        // The cell is the text's tail: rewrite it in place only when it holds an escape.
        if let std::borrow::Cow::Owned(restored) =
            restore_splits_on(&self.text[cell.clone()], splitter)
        {
            self.text.truncate(cell.start);
            self.text.push_str(&restored);
            cell.end = self.text.len();
        }
    }
}

/// Where a spreadsheet in a locale whose list separator is the semicolon (German, French,
/// Dutch…) splits a line of a comma-separated file: its every semicolon, quoted or not.
pub(crate) const SPLITTER: char = ';';

/// [`defuse_splits_on`] the semicolon, for text written comma-separated.
pub fn defuse_splits(cell: &str) -> std::borrow::Cow<'_, str> {
    defuse_splits_on(cell, SPLITTER)
}

/// [`escape_formula`] for the part of a cell after each `splitter` (the separator the file
/// is not written with, where a reader of the other convention splits), too: split there,
/// "Rejected;=1+1" would give a cell "=1+1". After a splitter followed by a formula start, a
/// quote (which that reader would take as opening a field) or an escape, an apostrophe goes in
/// ("Rejected;'=1+1"), so [`restore_splits_on`] gives back exactly the cell.
pub fn defuse_splits_on(cell: &str, splitter: char) -> std::borrow::Cow<'_, str> {
    let needs = |at: usize| split_needs_escape(&cell[at + 1..]);
    if !cell.match_indices(splitter).any(|(at, _)| needs(at)) {
        return cell.into();
    }
    let mut out = String::with_capacity(cell.len() + 4);
    let mut from = 0;
    for (at, _) in cell.match_indices(splitter) {
        if needs(at) {
            out.push_str(&cell[from..=at]);
            out.push('\'');
            from = at + 1;
        }
    }
    out.push_str(&cell[from..]);
    out.into()
}

/// After a splitter even a signed number ("-5") is escaped: that reader's cell runs on past
/// this cell's end ("-5\",next"), and is no number there.
fn split_needs_escape(rest: &str) -> bool {
    rest.starts_with('"') || rest.starts_with(FORMULA_STARTS) || split_is_escaped(rest)
}

fn split_is_escaped(rest: &str) -> bool {
    let mut chars = rest.chars();
    chars.next() == Some('\'')
        && chars
            .next()
            .is_some_and(|c| c == '\'' || c == '"' || FORMULA_STARTS.contains(&c))
}

/// The reverse of [`defuse_splits`].
pub fn restore_splits(cell: &str) -> std::borrow::Cow<'_, str> {
    restore_splits_on(cell, SPLITTER)
}

/// The reverse of [`defuse_splits_on`].
pub fn restore_splits_on(cell: &str, splitter: char) -> std::borrow::Cow<'_, str> {
    let escaped = |at: usize| split_is_escaped(&cell[at + 1..]);
    if !cell.match_indices(splitter).any(|(at, _)| escaped(at)) {
        return cell.into();
    }
    let mut out = String::with_capacity(cell.len());
    let mut from = 0;
    for (at, _) in cell.match_indices(splitter) {
        if escaped(at) {
            out.push_str(&cell[from..=at]);
            from = at + 2;
        }
    }
    out.push_str(&cell[from..]);
    out.into()
}

/// A row of a [`Grid`].
#[derive(Debug, Clone, Copy)]
pub struct Row<'a> {
    text: &'a str,
    cells: &'a [Range<usize>],
}

impl<'a> Row<'a> {
    pub fn len(&self) -> usize {
        self.cells.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    pub fn get(&self, column: usize) -> Option<&'a str> {
        self.cells.get(column).map(|r| &self.text[r.clone()])
    }

    pub fn iter(&self) -> impl Iterator<Item = &'a str> + 'a {
        let text = self.text;
        self.cells.iter().map(move |r| &text[r.clone()])
    }

    /// True when every cell is blank (spreadsheets copy empty trailing rows).
    pub fn is_blank(&self) -> bool {
        self.iter().all(|c| c.trim().is_empty())
    }
}

/// Characters a spreadsheet may read as the start of a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Makes a cell safe to open in a spreadsheet: one starting like a formula gets a leading
/// apostrophe, which spreadsheets read as "this is text". Plain numbers such as "-12.50"
/// are left alone (they are not formulas and must stay numbers). A cell that already
/// starts with an apostrophe before such a character gets one more, so [`unescape_formula`]
/// gives back exactly what was written.
pub fn escape_formula(cell: &str) -> std::borrow::Cow<'_, str> {
    if needs_escape(cell) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// The reverse of [`escape_formula`], applied to every cell read from a clipboard or file.
///
/// Exactly one apostrophe is removed, and only the first character of a cell, and only when
/// the character after it is another apostrophe or one that starts a formula (`=`, `+`, `-`,
/// `@`, a tab, a carriage return): that is the mark `escape_formula` adds, and a spreadsheet
/// adds or shows the same mark ("this is text") before such cells. Every other apostrophe is
/// the user's text and stays: a lone `'`, `'s-Hertogenbosch`, `'007`, or one inside a cell.
/// So a file's `'=A1` reads as `=A1` (never run: the app holds text), and `''x` as `'x`.
pub fn unescape_formula(cell: &str) -> &str {
    if is_escaped(cell) { &cell[1..] } else { cell }
}

fn needs_escape(cell: &str) -> bool {
    let mut chars = cell.chars();
    match chars.next() {
        Some(c) if FORMULA_STARTS.contains(&c) => !is_plain_number(cell),
        Some('\'') => chars
            .next()
            .is_some_and(|c| c == '\'' || FORMULA_STARTS.contains(&c)),
        _ => false,
    }
}

fn is_escaped(cell: &str) -> bool {
    let mut chars = cell.chars();
    chars.next() == Some('\'')
        && chars
            .next()
            .is_some_and(|c| c == '\'' || FORMULA_STARTS.contains(&c))
}

/// `[+-]digits[.digits]`: safe, and must stay a number when pasted.
/// A number with a decimal point or, as written where the list separator is the semicolon,
/// a decimal comma: no reader takes it for a formula.
fn is_plain_number(cell: &str) -> bool {
    let body = cell.strip_prefix(['+', '-']).unwrap_or(cell);
    let (int, frac) = body.split_once(['.', ',']).unwrap_or((body, "0"));
    !int.is_empty()
        && !frac.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
}

/// Parses clipboard text into rows of cells. Never fails: text that breaks the quoting
/// rules is taken literally.
///
/// Where it reads otherwise than the `csv` crate (tab-delimited; `core::fuzz` checks the
/// rest against it): a quote opens a quoted cell only when the closing quote is followed by
/// a tab, a line break or the end, else every quote in the cell is text (Excel's paste does
/// so; the crate would quote up to the next quote); an empty line is a row of one empty cell,
/// so a pasted block keeps its empty rows in place (the crate skips it); a byte order mark at
/// the start is text, as any character of a cell (the crate drops it).
pub fn parse_tsv(text: &str) -> Grid {
    // The text is kept whole and a cell is its place in it, not a copy of it (a tenth of a
    // 100,000-row paste was copying cells). A quoted cell's text, unquoted, is added after
    // the block's text.
    let mut grid = Grid {
        text: text.to_owned(),
        cells: Vec::new(),
        row_ends: Vec::new(),
    };
    if text.is_empty() {
        return grid;
    }
    let bytes = text.as_bytes();
    // Room for every cell and row at once (at least enough: a quoted cell may hold tabs and
    // line breaks). Grown by doubling, a 100,000-row block's list of cells would be copied
    // as it grows, both copies alive, and wasm memory keeps its highest mark.
    let (mut tabs, mut breaks) = (0, 0);
    for chunk in bytes.chunks(STEP_BYTES) {
        let (t, b) = count_separators(chunk);
        (tabs, breaks) = (tabs + t, breaks + b);
    }
    grid.cells.reserve_exact(tabs + breaks + 1);
    grid.row_ends.reserve_exact(breaks + 1);
    let mut at = Some(0);
    while let Some(next) = at {
        at = parse_row(&mut grid, text, next);
    }
    grid
}

/// Bytes counted, or rows parsed, in one call: a call runs in the code the browser has at
/// its start, and a browser compiles wasm quickly first and well once a function has run a
/// while, so a 100,000-row block read in one call ran at the quick code's pace throughout
/// (half the speed, measured in V8).
const STEP_BYTES: usize = 64 * 1024;

/// How many tabs and line feeds `bytes` holds (see [`STEP_BYTES`]).
#[inline(never)]
fn count_separators(bytes: &[u8]) -> (usize, usize) {
    bytes.iter().fold((0, 0), |(tabs, breaks), &b| {
        (
            tabs + usize::from(b == b'\t'),
            breaks + usize::from(b == b'\n'),
        )
    })
}

/// Reads the row of `text` that starts at byte `at` into `grid`; answers where the next
/// row starts, `None` after the last (one call a row, see [`STEP_BYTES`]).
#[inline(never)]
fn parse_row(grid: &mut Grid, text: &str, mut at: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    loop {
        // A quoted cell: only when well formed, that is when the closing quote is followed
        // by a tab, a line break or the end. Otherwise the quote is part of the text.
        let quoted = (bytes.get(at) == Some(&b'"'))
            .then(|| quoted_cell_end(bytes, at))
            .flatten();
        let next = match quoted {
            Some(close) => {
                let start = grid.len();
                let inner = &text[at + 1..close];
                let mut pieces = inner.split("\"\"");
                if let Some(first) = pieces.next() {
                    grid.push_str(first);
                }
                for piece in pieces {
                    grid.push_str("\"");
                    grid.push_str(piece);
                }
                grid.end_cell(start);
                close + 1
            }
            None => {
                let end = bytes[at..]
                    .iter()
                    .position(|&b| matches!(b, b'\t' | b'\n' | b'\r'))
                    .map_or(bytes.len(), |p| at + p);
                grid.cells.push(at..end);
                end
            }
        };
        grid.unescape_last_cell();
        match bytes.get(next) {
            Some(b'\t') => at = next + 1,
            Some(b'\r' | b'\n') => {
                grid.end_row();
                let at = next
                    + if bytes[next..].starts_with(b"\r\n") {
                        2
                    } else {
                        1
                    };
                // The line break after the last row ends it; no empty row follows.
                return (at < bytes.len()).then_some(at);
            }
            _ => {
                grid.end_row();
                return None;
            }
        }
    }
}

/// Where the closing quote of a quoted cell opening at `open` is, if the cell is well formed.
fn quoted_cell_end(bytes: &[u8], open: usize) -> Option<usize> {
    let mut i = open + 1;
    while i < bytes.len() {
        if bytes[i] == b'"' {
            if bytes.get(i + 1) == Some(&b'"') {
                i += 2;
                continue;
            }
            return match bytes.get(i + 1) {
                None | Some(b'\t' | b'\n' | b'\r') => Some(i),
                _ => None,
            };
        }
        i += 1;
    }
    None
}

/// Writes rows as clipboard text that Excel and Google Sheets paste back cell for cell:
/// CRLF after every row, as Excel does. A row of one empty cell is an empty line, as Excel
/// copies it (the `csv` crate writes `""` there).
pub fn write_tsv<R, C, S>(rows: R) -> String
where
    R: IntoIterator<Item = C>,
    C: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut out = String::new();
    for row in rows {
        for (i, cell) in row.into_iter().enumerate() {
            if i > 0 {
                out.push('\t');
            }
            push_cell(&mut out, &escape_formula(cell.as_ref()), '\t');
        }
        out.push_str("\r\n");
    }
    out
}

/// Writes one cell of delimited text (TSV here, CSV in `csv_io`): quoted, with inner quotes
/// doubled, when it holds the delimiter, a quote or a line break.
pub(crate) fn push_cell(out: &mut String, cell: &str, delimiter: char) {
    if cell.contains([delimiter, '"', '\r', '\n']) {
        out.push('"');
        for (i, piece) in cell.split('"').enumerate() {
            if i > 0 {
                out.push_str("\"\"");
            }
            out.push_str(piece);
        }
        out.push('"');
    } else {
        out.push_str(cell);
    }
}

#[cfg(test)]
#[path = "clipboard_tests.rs"]
mod tests;
