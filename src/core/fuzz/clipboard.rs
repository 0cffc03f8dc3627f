//! `core::clipboard` against the `csv` crate reading and writing tab-separated text: what
//! Excel and Google Sheets put on the clipboard (quotes only where needed, CRLF or LF, with
//! or without the last line break) reads into the same cells both ways, and any text without
//! quotes splits into the same rows. Text with quotes that are not well formed has no
//! oracle (`parse_tsv` documents why it reads them as Excel does, literally); there, every
//! grid it reads must write and read back unchanged.

use ::csv::{QuoteStyle, ReaderBuilder, Terminator, WriterBuilder};

use super::csv::{grid, mutate, soup};
use super::{Rng, Verdict, run};
use crate::core::clipboard::{Grid, escape_formula, parse_tsv, unescape_formula, write_tsv};

#[test]
fn clipboard_reads_and_writes_as_the_csv_crate_does() {
    run("clipboard", |rng| {
        let cells = grid(rng);
        let write = compare_write(&cells);
        if let Verdict::Disagree(_) = write {
            return write;
        }
        let read = match rng.below(3) {
            0 => compare_spreadsheet_text(&cells, rng),
            1 => {
                let text = soup(rng);
                compare_unquoted(&mutate(rng, text).replace('"', ""))
            }
            _ => {
                let text = soup(rng);
                round_trip(&mutate(rng, text))
            }
        };
        match read {
            Verdict::Agree => write,
            other => other,
        }
    });
}

fn rows(grid: &Grid) -> Vec<Vec<String>> {
    grid.rows()
        .map(|r| r.iter().map(str::to_string).collect())
        .collect()
}

fn crate_reads(text: &str) -> Vec<Vec<String>> {
    ReaderBuilder::new()
        .delimiter(b'\t')
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| match r {
            Ok(record) => record
                .iter()
                .map(|c| unescape_formula(c).to_string())
                .collect(),
            Err(err) => vec![format!("crate error: {err}")],
        })
        .collect()
}

/// Cells as a spreadsheet copies them: read by `parse_tsv` as the crate reads them, and as
/// they were.
fn compare_spreadsheet_text(cells: &[Vec<String>], rng: &mut Rng) -> Verdict {
    let mut writer = WriterBuilder::new()
        .delimiter(b'\t')
        .flexible(true)
        .quote_style(QuoteStyle::Necessary)
        .terminator(*rng.pick(&[Terminator::CRLF, Terminator::Any(b'\n')]))
        .from_writer(Vec::new());
    for row in cells {
        writer
            .write_record(row.iter().map(|c| escape_formula(c).into_owned()))
            .unwrap();
    }
    let mut text = String::from_utf8(writer.into_inner().unwrap()).unwrap();
    if rng.one_in(2) {
        // Google Sheets leaves out the last line break.
        text.truncate(text.trim_end_matches(['\r', '\n']).len());
    }
    let ours = rows(&parse_tsv(&text));
    let (expected, bom) = crate_reads_keeping_bom(&text);
    if ours != cells {
        return Verdict::Disagree(format!("{text:?}\n  ours  {ours:?}\n  cells {cells:?}"));
    }
    match (ours == expected, bom) {
        (false, _) => Verdict::Disagree(format!(
            "{text:?}\n  ours  {ours:?}\n  crate {expected:?}\n  cells {cells:?}"
        )),
        (true, false) => Verdict::Agree,
        (true, true) => Verdict::Documented("a byte order mark at the start is kept as text"),
    }
}

/// The crate drops a byte order mark at the start of the text; `parse_tsv` keeps it as
/// text (documented there). The crate's reading with the mark kept (one more before it,
/// which the crate drops), and whether there was one.
fn crate_reads_keeping_bom(text: &str) -> (Vec<Vec<String>>, bool) {
    if text.starts_with('\u{feff}') {
        (crate_reads(&format!("\u{feff}{text}")), true)
    } else {
        (crate_reads(text), false)
    }
}

/// Text without quotes splits into the crate's rows and cells, but for the empty lines
/// `parse_tsv` documents keeping (a pasted block keeps its empty rows in place).
fn compare_unquoted(text: &str) -> Verdict {
    let empty_line = |row: &Vec<String>| row.len() == 1 && row[0].is_empty();
    let ours = rows(&parse_tsv(text));
    let (expected, bom) = crate_reads_keeping_bom(text);
    let kept = ours.iter().filter(|row| empty_line(row)).count();
    let ours: Vec<_> = ours.into_iter().filter(|row| !empty_line(row)).collect();
    let expected: Vec<_> = expected
        .into_iter()
        .filter(|row| !empty_line(row))
        .collect();
    match (ours == expected, kept, bom) {
        (false, _, _) => {
            Verdict::Disagree(format!("{text:?}\n  ours  {ours:?}\n  crate {expected:?}"))
        }
        (true, 0, false) => Verdict::Agree,
        (true, 0, true) => Verdict::Documented("a byte order mark at the start is kept as text"),
        (true, _, _) => Verdict::Documented("an empty line is kept as a row of one empty cell"),
    }
}

/// Whatever `parse_tsv` reads from any text writes and reads back the same.
fn round_trip(text: &str) -> Verdict {
    let first = rows(&parse_tsv(text));
    let again = rows(&parse_tsv(&write_tsv(&first)));
    if first != again {
        return Verdict::Disagree(format!("{text:?} read {first:?}, then {again:?}"));
    }
    Verdict::Agree
}

/// `write_tsv` writes what the crate writes (tab, CRLF, quotes where needed, formulas
/// defused), but a row of one empty cell, which it writes as an empty line as Excel does.
fn compare_write(cells: &[Vec<String>]) -> Verdict {
    let ours = write_tsv(cells);
    let crate_writes = |rows: &[Vec<String>]| {
        let mut writer = WriterBuilder::new()
            .delimiter(b'\t')
            .terminator(Terminator::CRLF)
            .flexible(true)
            .from_writer(Vec::new());
        for row in rows {
            writer
                .write_record(row.iter().map(|c| escape_formula(c).into_owned()))
                .unwrap();
        }
        String::from_utf8(writer.into_inner().unwrap()).unwrap()
    };
    let expected = crate_writes(cells);
    if ours == expected {
        return Verdict::Agree;
    }
    let lone_empty = |row: &Vec<String>| row.len() == 1 && row[0].is_empty();
    let as_excel: String = cells
        .iter()
        .map(|row| {
            if lone_empty(row) {
                "\r\n".to_string()
            } else {
                crate_writes(std::slice::from_ref(row))
            }
        })
        .collect();
    if ours == as_excel {
        return Verdict::Documented("a row of one empty cell is written as an empty line");
    }
    Verdict::Disagree(format!("{cells:?}\n  ours  {ours:?}\n  crate {expected:?}"))
}
