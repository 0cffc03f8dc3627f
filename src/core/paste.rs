//! Where a pasted block lands: which cells of which rows it overwrites, how many rows it
//! adds, and how many of its cells have a problem. Pure, so the editor applies the plan as
//! one undo step and reports the counts without re-reading anything.

use crate::core::clipboard::Grid;
use crate::core::columns::{CellText, Cells, EDITABLE_COUNT, Field};
use crate::core::draft::{NewRows, RowId};

/// The active cell: a row index in the table's current order and an editable column
/// (an index into [`Field::EDITABLE`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CellPos {
    pub row: usize,
    pub column: usize,
}

/// The selected range, from the active cell, at least 1×1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Extent {
    pub rows: usize,
    pub columns: usize,
}

impl Extent {
    pub const ONE: Extent = Extent {
        rows: 1,
        columns: 1,
    };
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct PastePlan {
    /// Cells of existing rows to overwrite: row index, field, new text.
    pub edits: Vec<(usize, Field, CellText)>,
    /// Rows to add after the last one, text per editable column ("" where the block does
    /// not reach), checked.
    pub new_rows: NewRows,
    /// Cells written, in `edits` and `new_rows`.
    pub cells: usize,
    /// Written cells whose text has a problem (duplicate keys are found by the table after).
    pub problems: usize,
    /// Cells beyond the last editable column, left out.
    pub clipped: usize,
}

/// The plan's cells named by the rows they land on: `targets` are the ids of the rows
/// shown from place `top` on, taken when the paste began, so a sort or a filter change
/// while its parts are applied does not move them. Cells past `targets` are left out.
pub fn cells_by_id(
    plan: &PastePlan,
    top: usize,
    targets: &[RowId],
) -> Vec<(RowId, Field, CellText)> {
    plan.edits
        .iter()
        .filter_map(|(place, field, text)| {
            let id = targets.get(place.checked_sub(top)?)?;
            Some((*id, *field, text.clone()))
        })
        .collect()
}

/// Plans pasting `grid` at `at` into a table of `row_count` rows. A single value pasted
/// into a larger selection fills the selection, as in Excel; otherwise the block is laid
/// out from the active cell, adding rows as needed.
pub fn plan_paste(grid: &Grid, at: CellPos, selection: Extent, row_count: usize) -> PastePlan {
    let mut plan = PastePlan::default();
    if grid.is_empty() || at.column >= EDITABLE_COUNT {
        return plan;
    }
    let single = grid.row_count() == 1 && grid.width() == 1;
    if single && (selection.rows > 1 || selection.columns > 1) {
        let text = grid.cell(0, 0).unwrap_or("");
        let last_column = (at.column + selection.columns).min(EDITABLE_COUNT);
        let last_row = (at.row + selection.rows).min(row_count);
        for row in at.row..last_row {
            for column in at.column..last_column {
                plan.put(row, column, text);
            }
        }
        return plan;
    }
    plan_paste_part(grid, at, row_count, 0..grid.row_count())
}

/// The part of a block paste made of the block's rows `part`, for applying a big paste in
/// chunks: `row_count` is the table's length before the paste, so the parts of one paste,
/// applied in order, add the same rows as the whole.
pub fn plan_paste_part(
    grid: &Grid,
    at: CellPos,
    row_count: usize,
    part: std::ops::Range<usize>,
) -> PastePlan {
    let mut plan = PastePlan::default();
    if at.column >= EDITABLE_COUNT {
        return plan;
    }
    // Room for the rows it adds, made once (grown by doubling, a 2,000-row part's rows were
    // copied as they grew).
    let (first, end) = (at.row + part.start, at.row + part.end);
    plan.new_rows
        .reserve_exact(end.saturating_sub(row_count.max(first)));
    // By index: each part starts where it is, not by walking the rows before it.
    for (offset, cells) in part.filter_map(|i| Some((i, grid.row(i)?))) {
        let row = at.row + offset;
        let columns = at.column..(at.column + cells.len()).min(EDITABLE_COUNT);
        plan.clipped += cells.len() - columns.len();
        if row < row_count {
            for (column, text) in columns.zip(cells.iter()) {
                plan.put(row, column, text);
            }
            continue;
        }
        // A row past the end, added: its cells are checked once, as the new row.
        let mut texts = Cells::default();
        for (column, text) in columns.clone().zip(cells.iter()) {
            texts[column] = text.into();
        }
        let new = plan.new_rows.push(texts);
        plan.cells += columns.len();
        plan.problems += columns
            .filter(|&column| new.problem(Field::EDITABLE[column]).is_some())
            .count();
    }
    plan
}

impl PastePlan {
    /// A cell of an existing row.
    fn put(&mut self, row: usize, column: usize, text: &str) {
        let field = Field::EDITABLE[column];
        self.cells += 1;
        if field.column().check(text).is_err() {
            self.problems += 1;
        }
        self.edits.push((row, field, text.into()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::clipboard::parse_tsv;

    fn texts(rows: &NewRows) -> Vec<Cells> {
        rows.cells().map(std::borrow::Cow::into_owned).collect()
    }

    fn at(row: usize, column: usize) -> CellPos {
        CellPos { row, column }
    }

    #[test]
    fn a_block_overwrites_then_adds_rows_and_counts_problems() {
        let grid = parse_tsv("1\t5.00\r\n2\t1,5\r\n3\tx\r\n");
        let plan = plan_paste(&grid, at(1, 0), Extent::ONE, 2);
        assert_eq!(
            plan.edits,
            [
                (1, Field::Key, CellText::from("1")),
                (1, Field::Amount, CellText::from("5.00"))
            ]
        );
        assert_eq!(
            texts(&plan.new_rows),
            [
                ["2".to_string(), "1,5".into(), String::new(), String::new()],
                ["3".to_string(), "x".into(), String::new(), String::new()],
            ]
        );
        assert_eq!((plan.cells, plan.problems, plan.clipped), (6, 2, 0));
    }

    #[test]
    fn parts_of_a_block_add_up_to_the_whole() {
        let grid = parse_tsv("1\t5.00\r\n2\t1,5\r\n3\tx\r\n4\t4.00\r\n");
        let whole = plan_paste(&grid, at(1, 0), Extent::ONE, 3);
        let mut joined = PastePlan::default();
        for part in [0..1, 1..3, 3..4] {
            let plan = plan_paste_part(&grid, at(1, 0), 3, part);
            joined.edits.extend(plan.edits);
            joined.new_rows.append(plan.new_rows);
            joined.cells += plan.cells;
            joined.problems += plan.problems;
        }
        assert_eq!(joined, whole);
        assert_eq!(whole.new_rows.len(), 2);
    }

    #[test]
    fn columns_past_the_last_editable_one_are_clipped() {
        let grid = parse_tsv("G1\tACH\textra\r\n");
        let plan = plan_paste(&grid, at(0, 2), Extent::ONE, 1);
        assert_eq!(
            plan.edits,
            [
                (0, Field::GroupId, CellText::from("G1")),
                (0, Field::PaymentMethod, CellText::from("ACH"))
            ]
        );
        assert_eq!((plan.cells, plan.clipped), (2, 1));
        assert_eq!(
            plan_paste(&grid, at(0, 4), Extent::ONE, 1),
            PastePlan::default()
        );
    }

    #[test]
    fn a_paste_planned_on_the_rows_shown_lands_on_them_after_a_sort() {
        use crate::core::table::Table;
        let mut table = Table::new();
        let ids = table.append_cells(
            ["1", "2", "3"]
                .map(|k| {
                    [
                        k.into(),
                        "1.00".into(),
                        CellText::default(),
                        CellText::default(),
                    ]
                })
                .to_vec(),
        );
        let grid = parse_tsv(
            "7.00
8.00
",
        );
        let plan = plan_paste(&grid, at(1, 1), Extent::ONE, 3);
        // Taken when the paste began: the rows shown at places 1 and 2.
        let targets = &ids[1..3];
        table.sort_by(&[(Field::Key, false)]);
        table.paste(cells_by_id(&plan, 1, targets), plan.new_rows.clone());
        let amount = |id: RowId| table.row(id).unwrap().text(Field::Amount).to_string();
        assert_eq!(
            [amount(ids[0]), amount(ids[1]), amount(ids[2])],
            ["1.00", "7.00", "8.00"],
            "rows 2 and 3 as they were shown, not the rows at those places after the sort"
        );
    }

    #[test]
    fn one_value_fills_the_selection_within_the_table() {
        let grid = parse_tsv("ACH\r\n");
        let plan = plan_paste(
            &grid,
            at(1, 3),
            Extent {
                rows: 5,
                columns: 3,
            },
            3,
        );
        assert_eq!(
            plan.edits,
            [
                (1, Field::PaymentMethod, CellText::from("ACH")),
                (2, Field::PaymentMethod, CellText::from("ACH"))
            ]
        );
        assert!(plan.new_rows.is_empty());
        assert_eq!((plan.cells, plan.problems), (2, 0));
        let single = plan_paste(&grid, at(0, 3), Extent::ONE, 0);
        assert_eq!(single.new_rows.len(), 1);
        assert_eq!(single.new_rows.get(0).unwrap().cells()[3], "ACH");
    }

    #[test]
    fn an_added_row_counts_only_its_pasted_cells_problems() {
        // Pasted from the group column: the new row's empty key is a problem of the row,
        // not of the paste; the third cell is beyond the last column.
        let grid = parse_tsv("GRP1\tACH\textra\r\n\u{200b}G\tACH\r\n");
        let plan = plan_paste(&grid, at(0, 2), Extent::ONE, 0);
        assert_eq!(
            texts(&plan.new_rows),
            [
                ["", "", "GRP1", "ACH"].map(String::from),
                ["", "", "\u{200b}G", "ACH"].map(String::from)
            ]
        );
        assert_eq!((plan.cells, plan.problems, plan.clipped), (4, 1, 1));
        assert!(
            plan.new_rows
                .get(1)
                .unwrap()
                .problem(Field::GroupId)
                .is_some()
        );
        assert!(plan.new_rows.get(0).unwrap().problem(Field::Key).is_some());
    }
}
