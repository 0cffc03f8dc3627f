use super::*;
use crate::core::columns::CellText;
use crate::core::multistatus::RowOutcome;

fn record(key: i32, amount: f64) -> Tolerance {
    Tolerance {
        key,
        amount,
        group_id: Some("GRP001".into()),
        payment_method: Some("ACH".into()),
        entry_date: None,
        entry_user: None,
        update_date: None,
        update_user: None,
    }
}

/// One column's texts, in table order.
pub(super) fn texts(table: &Table, field: Field) -> Vec<String> {
    table
        .rows()
        .iter()
        .map(|r| r.text(field).to_string())
        .collect()
}

#[test]
fn loaded_rows_are_clean_and_nothing_is_to_send() {
    let table = Table::from_records([record(1, 5.0), record(2, 0.5)]);
    let summary = table.summary();
    assert_eq!(summary.rows, 2);
    assert_eq!(summary.to_send, 0);
    assert!(!table.can_undo());
}

#[test]
fn an_edit_marks_the_row_changed_and_undo_puts_the_text_back() {
    let mut table = Table::from_records([record(1, 5.0), record(2, 0.5)]);
    let id = table.row_at(1).unwrap().id();
    let touched = table.set_text(id, Field::Amount, "7.25");
    assert_eq!(touched, Touched::Rows(vec![id]));
    assert_eq!(table.row(id).unwrap().state(), RowState::Modified);
    assert_eq!(table.summary().to_send, 1);

    table.undo().unwrap();
    assert_eq!(table.row(id).unwrap().text(Field::Amount), "0.50");
    assert_eq!(table.row(id).unwrap().state(), RowState::Clean);
    table.redo().unwrap();
    assert_eq!(table.row(id).unwrap().text(Field::Amount), "7.25");
}

#[test]
fn a_duplicate_key_flags_both_rows_and_clears_when_fixed() {
    let mut table = Table::from_records([record(1, 5.0), record(2, 0.5)]);
    let second = table.row_at(1).unwrap().id();
    let first = table.row_at(0).unwrap().id();
    let Touched::Rows(touched) = table.set_text(second, Field::Key, "1") else {
        panic!("an edit touches rows");
    };
    assert!(touched.contains(&first) && touched.contains(&second));
    for id in [first, second] {
        assert_eq!(table.row(id).unwrap().state(), RowState::Invalid);
    }
    assert_eq!(table.summary().problems, 2);
    assert_eq!(table.first_problem(), Some((0, Field::Key)));

    table.set_text(second, Field::Key, "3");
    assert_eq!(table.summary().problems, 0);
    assert_eq!(table.row(first).unwrap().state(), RowState::Clean);
}

#[test]
fn delete_is_undone_with_rows_back_in_place() {
    let mut table = Table::from_records((1..=6).map(|k| record(k, 1.0)));
    let doomed: Vec<_> = [1, 3, 4]
        .iter()
        .map(|i| table.row_at(*i).unwrap().id())
        .collect();
    table.delete(&doomed);
    assert_eq!(texts(&table, Field::Key), ["1", "3", "6"]);
    table.undo().unwrap();
    assert_eq!(texts(&table, Field::Key), ["1", "2", "3", "4", "5", "6"]);
    table.redo().unwrap();
    assert_eq!(texts(&table, Field::Key), ["1", "3", "6"]);
}

#[test]
fn new_and_duplicated_rows_are_new_and_undoable() {
    let mut table = Table::from_records([record(1, 5.0)]);
    let original = table.row_at(0).unwrap().id();
    let copy = table.duplicate(original).unwrap();
    assert_eq!(table.position(copy), Some(1));
    assert_eq!(table.row(copy).unwrap().text(Field::Amount), "5.00");
    // Same key as the original: both flagged until the copy gets its own.
    assert_eq!(table.summary().invalid, 2);
    let added = table.insert_new(0);
    assert_eq!(table.position(added), Some(0));
    assert_eq!(
        table.row(added).unwrap().state(),
        RowState::Invalid,
        "an empty row lacks its key"
    );
    table.undo().unwrap();
    table.undo().unwrap();
    assert_eq!(table.len(), 1);
    assert_eq!(table.summary().invalid, 0);
}

#[test]
fn a_paste_is_one_undo_step() {
    let mut table = Table::new();
    let ids = table.append_cells(vec![
        ["10".into(), "1.5".into(), "G".into(), "ACH".into()],
        ["11".into(), "x".into(), "".into(), "".into()],
    ]);
    assert_eq!(table.summary().new, 1);
    assert_eq!(table.summary().invalid, 1);
    table.set_texts(vec![
        (ids[0], Field::GroupId, "A".into()),
        (ids[1], Field::Amount, "2".into()),
    ]);
    assert_eq!(table.summary().new, 2);
    table.undo().unwrap();
    assert_eq!(texts(&table, Field::GroupId), ["G", ""]);
    assert_eq!(texts(&table, Field::Amount), ["1.5", "x"]);
}

#[test]
fn rows_to_send_are_the_new_and_changed_ones_and_resend_picks_the_failed() {
    let mut table = Table::from_records([record(1, 5.0), record(2, 0.5), record(3, 1.0)]);
    let ids: Vec<_> = table.rows().iter().map(|r| r.id()).collect();
    table.set_text(ids[0], Field::Amount, "6");
    table.set_text(ids[2], Field::Amount, "2");
    let sending = table.rows_to_send(false);
    assert_eq!(
        sending.iter().map(|(id, _)| *id).collect::<Vec<_>>(),
        [ids[0], ids[2]]
    );

    let (sent_a, sent_c) = (sending[0].1.clone(), sending[1].1.clone());
    table.mark_pending(&[ids[0], ids[2]]);
    assert_eq!(table.summary().pending, 2);
    table.apply_outcomes(vec![
        (
            ids[0],
            sent_a,
            RowOutcome {
                kind: crate::core::multistatus::OutcomeKind::Updated,
                status: Some(200),
                message: "Updated".into(),
                activity_id: None,
            },
        ),
        (
            ids[2],
            sent_c,
            RowOutcome::failed(Some(400), "nope", Some("A1".into())),
        ),
    ]);
    assert_eq!(table.row(ids[0]).unwrap().state(), RowState::Updated);
    assert_eq!(table.row(ids[2]).unwrap().state(), RowState::Failed);
    let resend = table.rows_to_send(true);
    assert_eq!(
        resend.iter().map(|(id, _)| *id).collect::<Vec<_>>(),
        [ids[2]]
    );
}

#[test]
fn history_keeps_at_most_its_limit() {
    let mut table = Table::from_records([record(1, 5.0)]);
    let id = table.row_at(0).unwrap().id();
    for n in 0..(crate::core::history::HISTORY_LIMIT + 20) {
        table.set_text(id, Field::Amount, n.to_string());
    }
    let mut undone = 0;
    while table.undo().is_some() {
        undone += 1;
    }
    assert_eq!(undone, crate::core::history::HISTORY_LIMIT);
}

#[test]
fn keystrokes_in_one_cell_are_one_undo_step_until_the_cell_is_left() {
    let mut table = Table::from_records([record(1, 5.0)]);
    let id = table.row_at(0).unwrap().id();
    for text in ["1", "12", "12.", "12.5"] {
        table.type_text(id, Field::Amount, text);
    }
    table.end_typing();
    table.type_text(id, Field::GroupId, "G2");
    table.undo().unwrap();
    assert_eq!(table.row(id).unwrap().text(Field::GroupId), "GRP001");
    assert_eq!(table.row(id).unwrap().text(Field::Amount), "12.5");
    table.undo().unwrap();
    assert_eq!(table.row(id).unwrap().text(Field::Amount), "5.00");
    assert!(!table.can_undo());
}

#[test]
fn a_paste_that_overwrites_and_adds_rows_is_one_undo_step_both_ways() {
    let mut table = Table::from_records([record(1, 5.0), record(2, 0.5)]);
    let cells = |k: &str, a: &str| [k.into(), a.into(), CellText::default(), "ACH".into()];
    let second = table.row_at(1).unwrap().id();
    table.paste(
        vec![
            (second, Field::Amount, "9.00".into()),
            (second, Field::GroupId, "G9".into()),
        ],
        new_rows([cells("3", "1.00"), cells("4", "oops")]),
    );
    assert_eq!(texts(&table, Field::Key), ["1", "2", "3", "4"]);
    assert_eq!(
        table.summary().invalid,
        1,
        "the bad pasted cell is flagged at once"
    );
    table.undo().unwrap();
    assert_eq!(texts(&table, Field::Key), ["1", "2"]);
    assert_eq!(texts(&table, Field::Amount), ["5.00", "0.50"]);
    assert_eq!(texts(&table, Field::GroupId), ["GRP001", "GRP001"]);
    assert!(!table.can_undo());
    table.redo().unwrap();
    assert_eq!(texts(&table, Field::Key), ["1", "2", "3", "4"]);
    assert_eq!(texts(&table, Field::GroupId), ["GRP001", "G9", "", ""]);
    table.undo().unwrap();
    assert_eq!(table.len(), 2);
}

#[test]
fn escape_cancels_the_typing_in_a_cell_without_touching_history_before_it() {
    let mut table = Table::from_records([record(1, 5.0), record(2, 0.5)]);
    let (a, b) = (table.row_at(0).unwrap().id(), table.row_at(1).unwrap().id());
    table.type_text(a, Field::Amount, "7");
    table.end_typing();
    assert!(
        table.cancel_typing().is_none(),
        "left the cell: nothing to cancel"
    );
    table.type_text(b, Field::Amount, "o");
    table.type_text(b, Field::Amount, "oops");
    table.cancel_typing().unwrap();
    assert_eq!(table.row(b).unwrap().text(Field::Amount), "0.50");
    assert!(!table.can_redo());
    table.undo().unwrap();
    assert_eq!(
        table.row(a).unwrap().text(Field::Amount),
        "5.00",
        "the earlier edit is next"
    );
}

#[test]
fn sorting_orders_by_value_then_by_the_second_key_with_unreadable_cells_last() {
    let mut table = Table::from_records([
        record(1, 5.0),
        record(2, 10.0),
        record(3, 5.0),
        record(4, 0.5),
    ]);
    let id = table.row_at(3).unwrap().id();
    table.set_text(id, Field::Amount, "oops");
    table.sort_by(&[(Field::Amount, false), (Field::Key, true)]);
    assert_eq!(
        texts(&table, Field::Key),
        ["2", "1", "3", "4"],
        "10, 5, 5 (by key), then unreadable"
    );
    table.sort_by(&[(Field::Amount, true), (Field::Key, false)]);
    assert_eq!(texts(&table, Field::Key), ["3", "1", "2", "4"]);
    // Equal values keep the order they had (a stable sort), and every row is found where
    // it now is, by id and by key.
    table.sort_by(&[(Field::GroupId, true)]);
    assert_eq!(texts(&table, Field::Key), ["3", "1", "2", "4"]);
    for (index, row) in table.rows().iter().enumerate() {
        assert_eq!(table.position(row.id()), Some(index));
        assert_eq!(table.position_of_key(row.key().unwrap()), Some(index));
    }
    // Undo still knows its steps after a sort.
    table.undo().unwrap();
    assert_eq!(table.row(id).unwrap().text(Field::Amount), "0.50");
}

#[test]
fn a_change_made_in_parts_is_one_undo_step() {
    let mut table = Table::from_records([record(1, 5.0), record(2, 10.0)]);
    let first = table.row_at(0).unwrap().id();
    let second = table.row_at(1).unwrap().id();
    table.begin_group().unwrap();
    table.paste(
        vec![(first, Field::Amount, "1.00".into())],
        NewRows::default(),
    );
    table.paste(
        vec![(second, Field::Amount, "2.00".into())],
        new_rows([[
            "3".into(),
            "3.00".into(),
            CellText::default(),
            CellText::default(),
        ]]),
    );
    table.paste(
        vec![(first, Field::Amount, "4.00".into())],
        new_rows([[
            "5".into(),
            "5.00".into(),
            CellText::default(),
            CellText::default(),
        ]]),
    );
    table.end_group();
    assert_eq!(texts(&table, Field::Key), ["1", "2", "3", "5"]);
    table.undo().unwrap();
    assert_eq!(texts(&table, Field::Key), ["1", "2"]);
    assert_eq!(table.row(first).unwrap().text(Field::Amount), "5.00");
    assert_eq!(texts(&table, Field::Amount), ["5.00", "10.00"]);
    assert!(!table.can_undo());
    table.redo().unwrap();
    assert_eq!(
        texts(&table, Field::Amount),
        ["4.00", "2.00", "3.00", "5.00"]
    );
}

#[test]
fn a_second_job_does_not_join_an_open_change_in_parts() {
    let mut table = Table::from_records([record(1, 5.0), record(2, 10.0)]);
    let first = table.row_at(0).unwrap().id();
    let token = table.begin_group().unwrap();
    assert!(
        table.begin_group().is_none(),
        "a second job is refused, not merged into the first one's undo step"
    );
    table.paste(
        vec![(first, Field::Amount, "1.00".into())],
        NewRows::default(),
    );
    assert!(table.in_group(token));
    table.end_group();
    assert!(!table.in_group(token));
    table.set_text(first, Field::Key, "7");
    table.undo().unwrap();
    table.undo().unwrap();
    assert_eq!(table.row(first).unwrap().text(Field::Amount), "5.00");
    assert!(!table.can_undo());
}

#[test]
fn an_undo_or_a_new_table_mid_change_closes_the_change_for_its_remaining_parts() {
    let mut table = Table::from_records([record(1, 5.0), record(2, 10.0)]);
    let first = table.row_at(0).unwrap().id();
    let token = table.begin_group().unwrap();
    table.paste(
        vec![(first, Field::Amount, "1.00".into())],
        NewRows::default(),
    );
    table.undo().unwrap();
    assert!(
        !table.in_group(token),
        "undo ended the change: later parts must not go on as separate steps"
    );
    assert_eq!(table.row(first).unwrap().text(Field::Amount), "5.00");
    assert!(!table.can_undo());

    let mut loaded = Table::from_records([record(1, 5.0)]);
    let token = table.begin_group().unwrap();
    let other = loaded.begin_group().unwrap();
    assert!(table.in_group(token));
    assert!(
        !loaded.in_group(token),
        "a table loaded since does not hold the old job's change"
    );
    assert_ne!(token, other);
}

#[test]
fn escape_does_not_take_back_a_change_in_parts_typed_into_while_it_ran() {
    let mut table = Table::from_records([record(1, 5.0), record(2, 10.0)]);
    let (a, b) = (table.row_at(0).unwrap().id(), table.row_at(1).unwrap().id());
    table.set_text(a, Field::GroupId, "G1");
    table.begin_group().unwrap();
    table.paste(vec![(b, Field::Amount, "1.00".into())], NewRows::default());
    // A native cut in a cell between two parts.
    table.type_text(a, Field::Amount, "5");
    table.end_group();
    assert!(
        table.cancel_typing().is_none(),
        "the top undo step is the whole paste, not the typing"
    );
    assert_eq!(table.row(b).unwrap().text(Field::Amount), "1.00");
    table.undo().unwrap();
    assert_eq!(table.row(b).unwrap().text(Field::Amount), "10.00");
    assert_eq!(table.row(a).unwrap().text(Field::GroupId), "G1");
}

#[test]
fn rows_added_at_the_end_part_by_part_are_indexed_as_a_rebuild_would_index_them() {
    let mut table = Table::from_records([record(1, 5.0), record(2, 10.0)]);
    let cells = |key: &str| {
        [
            key.into(),
            "1.00".into(),
            CellText::default(),
            CellText::default(),
        ]
    };
    table.begin_group().unwrap();
    // Key 2 is already in the table, key 7 comes twice in one part and once more later,
    // "x" is no key at all.
    table.paste(vec![], new_rows([cells("7"), cells("2"), cells("7")]));
    table.paste(vec![], new_rows([cells("x"), cells("7"), cells("9")]));
    table.end_group();
    let flagged: Vec<bool> = table
        .rows()
        .iter()
        .map(|r| r.problem(Field::Key).is_some())
        .collect();
    assert_eq!(flagged, [false, true, true, true, true, true, true, false]);
    assert_eq!(table.summary(), table.recount());
    for (index, row) in table.rows().iter().enumerate() {
        assert_eq!(table.position(row.id()), Some(index));
    }
    assert_eq!(table.position_of_key(7), Some(2));
    // Mending one duplicate of 7 leaves the other two flagged.
    let third = table.row_at(4).unwrap().id();
    table.set_text(third, Field::Key, "8");
    assert!(table.row_at(2).unwrap().problem(Field::Key).is_some());
    assert!(table.row_at(4).unwrap().problem(Field::Key).is_none());
    assert_eq!(table.summary(), table.recount());
    table.undo().unwrap();
    table.undo().unwrap();
    assert_eq!(texts(&table, Field::Key), ["1", "2"]);
    assert!(table.row_at(1).unwrap().problem(Field::Key).is_none());
    assert_eq!(table.summary(), table.recount());
    table.redo().unwrap();
    assert_eq!(table.len(), 8);
    assert!(table.row_at(1).unwrap().problem(Field::Key).is_some());
    assert_eq!(table.summary(), table.recount());
}

#[test]
fn rows_taken_to_send_a_slice_at_a_time_are_pending_as_taken_so_an_edit_between_slices_is_in_flight()
 {
    let mut table = Table::from_records([record(1, 1.0), record(2, 2.0)]);
    let (a, b) = (table.row_at(0).unwrap().id(), table.row_at(1).unwrap().id());
    table.set_text(a, Field::Amount, "10");
    table.set_text(b, Field::Amount, "20");
    let (ids, _) = table.check_before_send(false, 100);
    let read: rustc_hash::FxHashSet<i32> = [1, 2].into_iter().collect();
    let (first, _) = table.take_to_send(&ids[..1], &read);
    assert_eq!(first[0].1.amount, 10.0);
    assert_eq!(table.row(a).unwrap().state(), RowState::Pending);
    // The browser's turn between two slices: the user edits both rows.
    table.set_text(a, Field::Amount, "11");
    table.set_text(b, Field::Amount, "21");
    let (second, _) = table.take_to_send(&ids[1..], &read);
    assert_eq!(
        second[0].1.amount, 21.0,
        "a slice takes the text as it is then"
    );
    let updated = || RowOutcome {
        kind: crate::core::multistatus::OutcomeKind::Updated,
        status: Some(200),
        message: "Updated".into(),
        activity_id: None,
    };
    table.apply_outcomes(vec![
        (a, first[0].1.clone(), updated()),
        (b, second[0].1.clone(), updated()),
    ]);
    assert_eq!(
        table.row(a).unwrap().state(),
        RowState::Modified,
        "the server holds 10.00, not the 11 typed after it was taken"
    );
    assert_eq!(table.row(b).unwrap().state(), RowState::Updated);
    assert_eq!(table.summary(), table.recount());
}

fn new_rows<const N: usize>(rows: [Cells; N]) -> NewRows {
    rows.into_iter().collect()
}

#[test]
fn the_row_with_a_key_is_its_first_in_table_order() {
    let mut table = Table::from_records([record(7, 1.0), record(8, 1.0), record(9, 1.0)]);
    let ids: Vec<RowId> = table.rows().iter().map(RowDraft::id).collect();
    assert_eq!(table.row_with_key(8), Some(ids[1]));
    assert_eq!(table.row_with_key(5), None);
    // Key 7 taken by the last row, then given back to the first: the first row is the
    // one, whatever order the rows took the key in.
    table.set_text(ids[0], Field::Key, "5");
    table.set_text(ids[2], Field::Key, "7");
    assert_eq!(table.row_with_key(7), Some(ids[2]));
    table.set_text(ids[0], Field::Key, "7");
    assert_eq!(table.row_with_key(7), Some(ids[0]));
    assert_eq!(
        table.row_with_key(7),
        table.position_of_key(7).map(|i| ids[i])
    );
}
