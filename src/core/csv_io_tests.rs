use super::*;
use crate::core::draft::{RowDraft, RowId};
use crate::core::import::plan_import;
use crate::core::multistatus::{OutcomeKind, RowOutcome};
use crate::core::table::Table;

fn rows(file: &CsvFile) -> Vec<Vec<String>> {
    file.rows
        .rows()
        .map(|r| r.iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn header_by_json_names_in_any_order_and_case() {
    let file = read_csv("TOLERANCE1,tolerance_key,Notes\r\n5.5,1,x\r\n6,2,y\r\n");
    assert_eq!(file.mapping, [Some(Field::Amount), Some(Field::Key), None]);
    assert_eq!(file.delimiter, b',');
    assert_eq!(rows(&file), [["5.5", "1", "x"], ["6", "2", "y"]]);
    let row = file.rows.row(0).unwrap();
    assert_eq!(
        CsvFile::editable_cells(row, &file.mapping),
        [Some("1"), Some("5.5"), None, None]
    );
}

#[test]
fn bom_semicolons_and_titles_as_european_excel_writes_them() {
    let text = "\u{feff}Tolerance key;Tolerance amount;Group ID;Payment method\n\
                1;\"1,5\";GRP;ACH\n2;3;\"a;b\";\n";
    let file = read_csv(text);
    assert_eq!(file.delimiter, b';');
    assert_eq!(file.mapping, Field::EDITABLE.map(Some));
    assert_eq!(
        file.header.as_deref().unwrap()[0],
        "Tolerance key",
        "BOM gone from the first header"
    );
    assert_eq!(
        rows(&file),
        [["1", "1,5", "GRP", "ACH"], ["2", "3", "a;b", ""]]
    );
    let summary = file.summarize(&file.mapping, |k| k == 2, Repeats::LastWins);
    assert_eq!(
        summary,
        ImportSummary {
            added: 1,
            updated: 1,
            with_problems: 0,
            trimmed: 0,
        }
    );
}

#[test]
fn no_header_means_table_order_and_a_repeated_column_counts_once() {
    let file = read_csv("7,1.25,G\n");
    assert_eq!(file.header, None);
    assert_eq!(
        file.mapping,
        [Some(Field::Key), Some(Field::Amount), Some(Field::GroupId)]
    );
    assert_eq!(file.rows.row_count(), 1);
    let twice = read_csv("group_ID,Group ID\na,b\n");
    assert_eq!(twice.mapping, [Some(Field::GroupId), None]);
}

#[test]
fn export_writes_bom_titles_user_text_and_defused_formulas() {
    let mut row = RowDraft::new(RowId(1));
    row.set_text(Field::Key, "=1+1");
    row.set_text(Field::Amount, "-12.50");
    row.set_text(Field::GroupId, "a,\"b\"");
    let text = export_table([&row], ListSeparator::Comma);
    assert_eq!(
        text,
        "\u{feff}Tolerance key,Tolerance amount,Group ID,Payment method,Entry date,\
         Entered by,Update date,Updated by\r\n'=1+1,-12.50,\"a,\"\"b\"\"\",,,,,\r\n"
    );
    let back = read_csv(&text);
    assert_eq!(back.rows.cell(0, 0), Some("=1+1"));
    assert_eq!(back.rows.cell(0, 2), Some("a,\"b\""));
    assert_eq!(back.mapping.len(), 8);
    assert_eq!(back.mapping[7], Some(Field::UpdateUser));
}

#[test]
fn outcomes_export_key_status_message_and_activity_id() {
    let outcome = RowOutcome {
        kind: OutcomeKind::Failed,
        status: Some(400),
        message: "group_ID must be 20 characters or fewer".into(),
        activity_id: Some("0HN7V6B3Q5L2A:00000001".into()),
    };
    let text = export_outcomes([("3".into(), &outcome)], ListSeparator::Comma);
    assert_eq!(
        text,
        "\u{feff}Tolerance key,Outcome,HTTP status,Message,Activity ID\r\n\
         3,Failed,400,group_ID must be 20 characters or fewer,0HN7V6B3Q5L2A:00000001\r\n"
    );
}

#[test]
fn tabs_are_detected_and_empty_text_reads_as_no_rows() {
    let file = read_csv("tolerance_Key\ttolerance1\n1\t2\n");
    assert_eq!(file.delimiter, b'\t');
    assert_eq!(rows(&file), [["1", "2"]]);
    let empty = read_csv("");
    assert!(empty.rows.is_empty() && empty.mapping.is_empty());
}

/// The cells a spreadsheet reading `line` with `delimiter` (and the usual quote rules) sees:
/// a quote opens a field only as its first character.
fn split_as_spreadsheet(line: &str, delimiter: u8) -> Vec<String> {
    let mut grid = Grid::default();
    let mut pos = 0;
    read_record(
        line,
        &mut pos,
        delimiter,
        &mut grid,
        Quotes::Fields,
        &mut None,
    );
    // read_record takes the formula escape off; a spreadsheet does not, so read raw cells.
    let mut cells = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.trim_end_matches(['\r', '\n']).chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            '"' if quoted => quoted = false,
            '"' if field.is_empty() => quoted = true,
            c if !quoted && c as u32 == u32::from(delimiter) => {
                cells.push(std::mem::take(&mut field))
            }
            c => field.push(c),
        }
    }
    cells.push(field);
    assert_eq!(
        cells.len(),
        grid.rows().next().map_or(0, |row| row.len()),
        "{line:?}"
    );
    cells
}

/// A cell a spreadsheet would run: a formula start not followed by a plain number (a
/// decimal point, or the decimal comma of semicolon locales).
fn is_formula(cell: &str) -> bool {
    cell.starts_with(['=', '+', '-', '@', '\t', '\r'])
        && !cell[1..]
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
}

#[test]
fn no_split_of_an_exported_line_yields_a_formula() {
    let cells = [
        "Rejected;=1+1",
        "a;=HYPERLINK(\"x\")",
        "b,@SUM(1)",
        "c\t+1",
        "=1+1",
        "-5",
        ";-cmd",
        ",-cmd",
        "x,=1+1",
        "y,\"=2\"",
    ];
    for separator in [ListSeparator::Comma, ListSeparator::Semicolon] {
        let text = write_csv(
            &["message", "m2"],
            cells.iter().map(|c| [*c, *c]),
            separator,
        );
        for line in text
            .trim_start_matches('\u{feff}')
            .split("\r\n")
            .skip(1)
            .filter(|l| !l.is_empty())
        {
            for delimiter in [b',', b';'] {
                for cell in split_as_spreadsheet(line, delimiter) {
                    assert!(
                        !is_formula(&cell),
                        "{line:?} split by {:?} gives {cell:?}",
                        delimiter as char
                    );
                }
            }
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
proptest::proptest! {
    #[test]
    fn no_split_of_any_exported_line_yields_a_formula(
        row in proptest::collection::vec("[a-z0-9.=+@;,\t\"' -]{0,8}", 1..5),
        semicolons in proptest::bool::ANY,
    ) {
        let separator = if semicolons { ListSeparator::Semicolon } else { ListSeparator::Comma };
        let text = write_csv(&["a", "b"], [row.clone()], separator);
        // What is written reads back exactly.
        let back = read_csv(&text);
        proptest::prop_assert_eq!(back.delimiter as char, separator.char());
        // The header "a", "b" names no column, so it reads as a first data row.
        let last = back.rows.row_count().saturating_sub(1);
        let read: Vec<String> = back.rows.row(last).map(|r| r.iter().map(str::to_string).collect()).unwrap_or_default();
        if row.iter().any(|c| !c.trim().is_empty()) {
            proptest::prop_assert_eq!(&read, &row);
        }
        let line = text.trim_start_matches('\u{feff}').split("\r\n").nth(1).unwrap_or_default();
        for delimiter in [b',', b';'] {
            for cell in split_as_spreadsheet(line, delimiter) {
                proptest::prop_assert!(!is_formula(&cell), "{:?} split by {:?} gives {:?}", line, delimiter as char, cell);
            }
        }
    }
}

#[test]
fn an_unclosed_quote_says_where_it_opened_and_what_it_swallowed() {
    let lines: Vec<String> = (1..=10)
        .map(|i| match i {
            5 => "\"GRP005,1.25".to_string(),
            _ => format!("GRP{i:03},1.25"),
        })
        .collect();
    let text = format!("Group ID,Tolerance amount\r\n{}\r\n", lines.join("\r\n"));
    let file = read_csv(&text);
    let quote = file.unclosed_quote.unwrap();
    assert_eq!(
        quote,
        UnclosedQuote {
            line: 6,
            last_line: 11
        }
    );
    assert_eq!(
        quote.message(),
        "A quote opened on line 6 never closes; lines 7–11 were read into one cell with it."
    );
    assert_eq!(file.rows.row_count(), 5);
    // Read again with quotes as plain text: every line is a row of its own.
    let literal = read_csv_with(&text, Quotes::Literal);
    assert_eq!(literal.unclosed_quote, None);
    assert_eq!(literal.rows.row_count(), 10);
    assert_eq!(literal.rows.row(4).unwrap().get(0), Some("\"GRP005"));
    assert_eq!(read_csv("a,b\r\n1,2\r\n").unclosed_quote, None);
}

#[test]
fn keys_repeated_in_a_file_are_listed_and_counted_once_as_chosen() {
    let file = read_csv(
        "Tolerance key,Tolerance amount\r\n1,1.00\r\n2,2.00\r\n1,3.00\r\n\r\n2,4.00\r\n1,5.00\r\n",
    );
    assert_eq!(
        file.repeated_keys(&file.mapping),
        [
            RepeatedKey {
                key: 1,
                rows: vec![2, 4, 7]
            },
            RepeatedKey {
                key: 2,
                rows: vec![3, 6]
            },
        ]
    );
    let summary = file.summarize(&file.mapping, |k| k == 2, Repeats::FirstWins);
    assert_eq!((summary.added, summary.updated), (1, 1));
    let amounts = |repeats| {
        file.applied_rows(&file.mapping, repeats)
            .map(|row| row.get(1).unwrap_or_default().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(amounts(Repeats::FirstWins), ["1.00", "2.00"]);
    assert_eq!(amounts(Repeats::LastWins), ["4.00", "5.00"]);
}

#[test]
fn cells_with_spaces_around_them_are_counted_for_the_preview() {
    let file = read_csv("Tolerance key,Group ID\r\n 1,GRP001 \r\n2,GRP002\r\n3,   \r\n");
    let summary = file.summarize(&file.mapping, |_| false, Repeats::LastWins);
    assert_eq!(summary.trimmed, 2);
}

#[test]
fn semicolon_export_writes_decimal_commas_and_the_import_reads_its_own_export_back() {
    let texts = [
        ["1", "12.50", "GRP;1", "ACH"],
        ["2", "-3.5", "a,=1+1", ""],
        ["3", "7", "", "EFT"],
        ["4", "1,234.50", "x", ""],
        ["5", "abc", "=HYPERLINK(\"x\")", ""],
    ];
    let rows: Vec<RowDraft> = texts
        .iter()
        .enumerate()
        .map(|(i, cells)| {
            let mut row = RowDraft::new(RowId(i as u32));
            for (field, text) in Field::EDITABLE.into_iter().zip(cells) {
                row.set_text(field, *text);
            }
            row
        })
        .collect();
    let semicolons = export_table(&rows, ListSeparator::Semicolon);
    let lines: Vec<&str> = semicolons.split("\r\n").collect();
    assert_eq!(
        lines[0],
        "\u{feff}Tolerance key;Tolerance amount;Group ID;Payment method;Entry date;\
         Entered by;Update date;Updated by"
    );
    // Excel in a decimal-comma locale reads "12,50" as the number; a cell holding a comma is
    // quoted for a reader splitting on commas, and defused after it.
    assert_eq!(lines[1], "1;\"12,50\";\"GRP;1\";ACH;;;;");
    assert_eq!(lines[2], "2;\"-3,5\";\"a,'=1+1\";;;;;");
    assert_eq!(lines[4], "4;\"1,234.50\";x;;;;;");
    for separator in [ListSeparator::Comma, ListSeparator::Semicolon] {
        let file = read_csv(&export_table(&rows, separator));
        assert_eq!(file.delimiter as char, separator.char());
        let plan = plan_import(&file, &file.mapping, &Table::new(), Repeats::LastWins);
        assert_eq!(
            plan.new_rows
                .cells()
                .map(std::borrow::Cow::into_owned)
                .collect::<Vec<_>>(),
            texts.map(|row| row.map(str::to_string)),
            "{separator:?}: every cell as typed"
        );
        assert_eq!(
            file.summarize(&file.mapping, |_| false, Repeats::LastWins),
            ImportSummary {
                added: 4,
                updated: 0,
                with_problems: 1,
                trimmed: 0
            },
            "{separator:?}: only \"abc\" is a problem"
        );
    }
}
