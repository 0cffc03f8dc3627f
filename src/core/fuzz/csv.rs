//! `core::csv_io` against the `csv` crate, both ways: any text (token soup of quotes,
//! delimiters, CR/LF mixes, BOMs, apostrophes and formula starts, unicode) and files the
//! crate writes with `,`, `;` or tab, any terminator and quoting, then cut or spliced, read
//! into the same records; and any cells written to the same bytes.

use ::csv::{QuoteStyle, ReaderBuilder, Terminator, WriterBuilder};

use super::{Rng, Verdict, run};
use crate::core::clipboard::{restore_splits_on, unescape_formula};
use crate::core::columns::Field;
use crate::core::csv_io::{defuse_row, read_csv, write_csv};
use crate::core::list_separator::ListSeparator;

#[test]
fn csv_io_reads_and_writes_as_the_csv_crate_does() {
    run("csv_io", |rng| {
        let cells = grid(rng);
        let text = if rng.one_in(3) {
            soup(rng)
        } else {
            let delimiter = *rng.pick(b",;\t");
            let written = crate_writes(&cells, delimiter, rng);
            mutate(rng, written)
        };
        if let Some(different) = compare_read(&text) {
            return Verdict::Disagree(different);
        }
        compare_write(&cells)
    });
}

/// Pieces that make CSV hard.
const TOKENS: [&str; 30] = [
    "a",
    "Tolerance key",
    "tolerance_amount",
    "x y",
    ",",
    ";",
    "\t",
    "\"",
    "\"\"",
    "\r",
    "\n",
    "\r\n",
    "\u{feff}",
    "'",
    "''",
    "'=",
    "=1+2",
    "+",
    "-5",
    "@",
    "é",
    "😀",
    "\u{2028}",
    " ",
    "",
    "12.50",
    "\u{0}",
    "'\t",
    "\"a,b\"",
    "Group ID",
];

pub(super) fn cell(rng: &mut Rng) -> String {
    (0..rng.below(4)).map(|_| *rng.pick(&TOKENS)).collect()
}

pub(super) fn grid(rng: &mut Rng) -> Vec<Vec<String>> {
    let width = 1 + rng.below(5);
    (0..rng.below(6))
        .map(|_| {
            let cells = if rng.one_in(4) {
                1 + rng.below(6)
            } else {
                width
            };
            (0..cells).map(|_| cell(rng)).collect()
        })
        .collect()
}

pub(super) fn soup(rng: &mut Rng) -> String {
    (0..rng.below(40)).map(|_| *rng.pick(&TOKENS)).collect()
}

/// Cuts the text short, or splices a token in, at a random place.
pub(super) fn mutate(rng: &mut Rng, mut text: String) -> String {
    if text.is_empty() || !rng.one_in(3) {
        return text;
    }
    let boundaries: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
    let at = *rng.pick(&boundaries);
    if rng.one_in(2) {
        text.truncate(at);
    } else {
        let token = *rng.pick(&TOKENS);
        text.insert_str(at, token);
    }
    text
}

/// A file as the crate writes it, a header of the table's titles first now and then.
fn crate_writes(cells: &[Vec<String>], delimiter: u8, rng: &mut Rng) -> String {
    let mut writer = WriterBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .terminator(*rng.pick(&[
            Terminator::CRLF,
            Terminator::Any(b'\n'),
            Terminator::Any(b'\r'),
        ]))
        .quote_style(*rng.pick(&[
            QuoteStyle::Necessary,
            QuoteStyle::Always,
            QuoteStyle::NonNumeric,
        ]))
        .from_writer(Vec::new());
    if rng.one_in(2) {
        let titles: Vec<&str> = Field::ALL.iter().map(|f| f.title()).collect();
        writer
            .write_record(&titles[..1 + rng.below(titles.len())])
            .unwrap();
    }
    for row in cells {
        writer.write_record(row).unwrap();
    }
    let bytes = writer.into_inner().unwrap();
    let bom = if rng.one_in(2) { "\u{feff}" } else { "" };
    format!("{bom}{}", String::from_utf8(bytes).unwrap())
}

/// `None` when `read_csv` splits `text` into the records the crate reads (flexible, no
/// header, the delimiter `read_csv` found), with the formula escapes `read_csv` documents
/// removed from each cell (at its start, and after the other convention's separator, a
/// semicolon or in a semicolon file a comma: `restore_splits_on`).
fn compare_read(text: &str) -> Option<String> {
    let file = read_csv(text);
    // The crate, like `read_csv`, drops one byte order mark at the start.
    let expected: Vec<Vec<String>> = ReaderBuilder::new()
        .delimiter(file.delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| match r {
            Ok(record) => record
                .iter()
                .map(|c| {
                    let splitter = ListSeparator::of_delimiter(file.delimiter).other();
                    restore_splits_on(unescape_formula(c), splitter).into_owned()
                })
                .collect(),
            Err(err) => vec![format!("crate error: {err}")],
        })
        .collect();
    let actual: Vec<Vec<String>> = file
        .header
        .into_iter()
        .chain(
            file.rows
                .rows()
                .map(|r| r.iter().map(str::to_string).collect()),
        )
        .collect();
    (actual != expected).then(|| format!("{text:?}\n  ours  {actual:?}\n  crate {expected:?}"))
}

/// The crate writes the same bytes (BOM, CRLF, quotes where needed, formulas defused at the
/// start and after each semicolon), but that `write_csv` also quotes a cell holding a
/// semicolon (documented: for a spreadsheet splitting on it), where the crate reads back the
/// defused cells; and `read_csv` reads back the cells written.
fn compare_write(cells: &[Vec<String>]) -> Verdict {
    let header = ["Tolerance key", "Tolerance amount"];
    let ours = write_csv(&header, cells, ListSeparator::Comma);
    let defused: Vec<Vec<String>> = cells
        .iter()
        .map(|row| defuse_row(row, ListSeparator::Comma))
        .collect();
    let mut verdict = Verdict::Agree;
    if cells.iter().flatten().any(|c| c.contains(';')) {
        let read: Vec<Vec<String>> = ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .from_reader(ours.trim_start_matches('\u{feff}').as_bytes())
            .records()
            .map(|r| {
                r.map_or_else(
                    |e| vec![e.to_string()],
                    |r| r.iter().map(str::to_string).collect(),
                )
            })
            .collect();
        // The crate reads a record that is one empty cell back as it, and `""` as it too.
        if read != defused {
            return Verdict::Disagree(format!(
                "{cells:?}\n  ours  {ours:?}\n  crate read {read:?}"
            ));
        }
        verdict = Verdict::Documented("cells holding a semicolon quoted");
    } else {
        let mut writer = WriterBuilder::new()
            .terminator(Terminator::CRLF)
            .flexible(true)
            .from_writer(Vec::from("\u{feff}".as_bytes()));
        writer.write_record(header).unwrap();
        for row in &defused {
            writer.write_record(row).unwrap();
        }
        let expected = String::from_utf8(writer.into_inner().unwrap()).unwrap();
        if ours != expected {
            return Verdict::Disagree(format!("{cells:?}\n  ours  {ours:?}\n  crate {expected:?}"));
        }
    }
    let back: Vec<Vec<String>> = read_csv(&ours)
        .rows
        .rows()
        .map(|r| r.iter().map(str::to_string).collect())
        .collect();
    if back != cells {
        return Verdict::Disagree(format!("{cells:?} read back as {back:?}"));
    }
    verdict
}
