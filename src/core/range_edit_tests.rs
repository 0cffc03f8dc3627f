use super::*;
use crate::core::clipboard::parse_tsv;

fn table() -> (Table, Vec<RowId>) {
    let mut table = Table::new();
    let ids = table.append_cells(vec![
        ["1".into(), "5.00".into(), "GRP001".into(), "ACH".into()],
        [
            "2".into(),
            "6.00".into(),
            "say \"hi\"\tthere".into(),
            "".into(),
        ],
        ["3".into(), "7.00".into(), "GRP003".into(), "CARD".into()],
    ]);
    (table, ids)
}

#[test]
fn copy_writes_the_rectangle_as_excel_does_and_reads_back_the_same() {
    let (table, ids) = table();
    let text = copy_text(&table, &ids[..2], &(1..=3));
    assert_eq!(
        text,
        "5.00\tGRP001\tACH\r\n6.00\t\"say \"\"hi\"\"\tthere\"\t\r\n"
    );
    let grid = parse_tsv(&text);
    assert_eq!(grid.row_count(), 2);
    assert_eq!(grid.cell(1, 1), Some("say \"hi\"\tthere"));
    assert_eq!(grid.cell(1, 2), Some(""));
}

#[test]
fn clear_empties_every_selected_cell_and_counts_the_problems_it_makes() {
    let (table, ids) = table();
    let plan = plan_clear(&table, &ids, &(0..=1));
    assert_eq!(plan.edits.len(), 6);
    assert_eq!(plan.cells, 6);
    // An empty key or amount is a problem; an empty group is not.
    assert_eq!(plan.problems, 6);
    let plan = plan_clear(&table, &ids[1..], &(3..=3));
    assert_eq!(
        plan.edits,
        [(ids[2], Field::PaymentMethod, CellText::default())]
    );
    assert_eq!((plan.cells, plan.problems), (2, 0));
}

#[test]
fn one_text_written_into_every_cell_counts_the_problems_it_makes() {
    // The engine of Clear; a single value pasted into a range is planned by
    // `paste::plan_paste` (tested in paste.rs).
    let (table, ids) = table();
    let plan = plan_fill_value(&table, &ids, &(2..=3), "LOCKBOX");
    assert_eq!(plan.cells, 6);
    assert_eq!(plan.edits.len(), 6);
    assert!(plan.edits.iter().all(|(_, _, t)| t == "LOCKBOX"));
    let bad = plan_fill_value(&table, &ids[..1], &(1..=1), "1,5");
    assert_eq!(bad.problems, 1);
}

#[test]
fn fill_down_copies_the_top_row_or_the_row_above_a_single_row() {
    let (table, ids) = table();
    let plan = plan_fill_down(&table, &ids, &(2..=3), None);
    assert_eq!(
        plan.edits,
        [
            (ids[1], Field::GroupId, CellText::from("GRP001")),
            (ids[1], Field::PaymentMethod, CellText::from("ACH")),
            (ids[2], Field::GroupId, CellText::from("GRP001")),
            (ids[2], Field::PaymentMethod, CellText::from("ACH")),
        ]
    );
    assert_eq!(plan.cells, 4);
    let from_above = plan_fill_down(&table, &ids[2..], &(1..=1), Some(ids[1]));
    assert_eq!(
        from_above.edits,
        [(ids[2], Field::Amount, CellText::from("6.00"))]
    );
    assert_eq!(
        plan_fill_down(&table, &ids[..1], &(0..=3), None),
        EditPlan::default()
    );
}
