use super::*;

fn cells(grid: &Grid) -> Vec<Vec<String>> {
    grid.rows()
        .map(|r| r.iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn excel_text_with_crlf_and_trailing_newline() {
    let grid = parse_tsv("1\t5.00\tGRP001\tACH\r\n2\t0.5\t\tCHECK\r\n");
    assert_eq!(
        cells(&grid),
        [["1", "5.00", "GRP001", "ACH"], ["2", "0.5", "", "CHECK"]]
    );
    assert_eq!(grid.row_count(), 2);
    assert_eq!(grid.width(), 4);
    assert_eq!(grid.cell(1, 3), Some("CHECK"));
    assert_eq!(grid.cell(1, 4), None);
}

#[test]
fn quoted_cells_hold_tabs_newlines_and_quotes() {
    let grid = parse_tsv("\"a\tb\"\t\"line1\nline2\"\t\"say \"\"hi\"\"\"\nx\ty\n");
    assert_eq!(
        cells(&grid),
        [vec!["a\tb", "line1\nline2", "say \"hi\""], vec!["x", "y"]]
    );
}

#[test]
fn stray_quotes_are_text_and_a_single_value_is_one_cell() {
    let grid = parse_tsv("5\" pipe\t\"open\n\"a\"b\tc");
    assert_eq!(
        cells(&grid),
        [vec!["5\" pipe", "\"open"], vec!["\"a\"b", "c"]]
    );
    assert_eq!(cells(&parse_tsv("12.50")), [["12.50"]]);
    assert!(parse_tsv("").is_empty());
}

#[test]
fn lf_only_blank_lines_and_empty_cells_are_kept() {
    let grid = parse_tsv("a\n\nb\t\n");
    assert_eq!(cells(&grid), [vec!["a"], vec![""], vec!["b", ""]]);
    assert!(grid.row(1).unwrap().is_blank());
    // Only one trailing newline is Excel's; a second is an empty row.
    assert_eq!(parse_tsv("a\r\n\r\n").row_count(), 2);
}

#[test]
fn writer_quotes_what_needs_it_and_defuses_formulas() {
    let text = write_tsv([
        vec!["=HYPERLINK(\"x\")", "-12.50", "+1", "@SUM", "tab\there"],
        vec!["-1+2", "'=safe", "plain", "", "'ok"],
    ]);
    assert_eq!(
        text,
        "\"'=HYPERLINK(\"\"x\"\")\"\t-12.50\t+1\t'@SUM\t\"tab\there\"\r\n\
         '-1+2\t''=safe\tplain\t\t'ok\r\n"
    );
    let back = parse_tsv(&text);
    assert_eq!(back.cell(0, 0), Some("=HYPERLINK(\"x\")"));
    assert_eq!(back.cell(1, 1), Some("'=safe"));
    assert_eq!(back.cell(1, 4), Some("'ok"));
}

#[test]
fn formula_escape_round_trips() {
    for cell in [
        "=1", "'=1", "''=1", "'", "''", "-5", "-", "\ta", "\r", "a", "",
    ] {
        assert_eq!(unescape_formula(&escape_formula(cell)), cell, "{cell:?}");
    }
    assert_eq!(escape_formula("-5"), "-5");
    assert_eq!(escape_formula("-"), "'-");
}
