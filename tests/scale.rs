//! The core at the size issue 7 measures: 100,000 rows pasted, validated, indexed, sent
//! and exported. Asserts results, prints timings (speed is measured in the browser).
#![cfg(not(target_arch = "wasm32"))]

use std::time::Instant;

use tolerance_editor::core::clipboard::{parse_tsv, write_tsv};
use tolerance_editor::core::columns::Field;
use tolerance_editor::core::csv_io::{export_table, read_csv};
use tolerance_editor::core::draft::{RowDraft, RowId, RowState, rows_to_send};
use tolerance_editor::core::keys::KeyIndex;
use tolerance_editor::core::list_separator::ListSeparator;
use tolerance_editor::core::planner::{Planner, PlannerConfig};

const ROWS: usize = 100_000;

#[test]
fn a_100k_row_paste_becomes_drafts_an_index_a_plan_and_an_export() {
    let lines: Vec<[String; 4]> = (0..ROWS)
        .map(|i| {
            [
                format!("{}", i + 1),
                format!("${},{:03}.50", i % 7 + 1, i % 1000),
                format!("GRP{:05}", i % 50_000),
                if i % 1000 == 999 {
                    "1,5".into()
                } else {
                    "ACH".into()
                },
            ]
        })
        .collect();
    let text = write_tsv(&lines);

    let start = Instant::now();
    let grid = parse_tsv(&text);
    let parsed = start.elapsed();
    assert_eq!(grid.row_count(), ROWS);

    let start = Instant::now();
    let drafts: Vec<RowDraft> = grid
        .rows()
        .enumerate()
        .map(|(i, row)| {
            let cell = |c| row.get(c).unwrap_or("").into();
            RowDraft::from_cells(RowId(i as u32), [cell(0), cell(1), cell(2), cell(3)])
        })
        .collect();
    let index = KeyIndex::build(drafts.iter().map(|d| (d.id(), d.key())));
    let validated = start.elapsed();

    assert_eq!(index.duplicate_keys().count(), 0);
    let invalid = drafts
        .iter()
        .filter(|d| d.state() == RowState::Invalid)
        .count();
    // "1,5" in the payment method is text, not a number: only a length rule applies there.
    assert_eq!(invalid, 0);
    assert_eq!(drafts[1001].text(Field::Amount), "$1,001.50");
    assert_eq!(drafts[1001].to_record().unwrap().amount, 1001.5);

    let start = Instant::now();
    let sending = rows_to_send(&drafts);
    let planner = Planner::new(PlannerConfig::default(), sending);
    assert_eq!(planner.chunks().len(), ROWS / 500);
    let csv = export_table(&drafts, ListSeparator::Comma);
    let back = read_csv(&csv);
    assert_eq!(back.rows.row_count(), ROWS);
    let rest = start.elapsed();
    eprintln!(
        "100k rows: paste parse {parsed:?}, drafts+index {validated:?}, plan+export+import {rest:?}"
    );
}
