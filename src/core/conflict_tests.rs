use crate::core::columns::{CellText, Field};
use crate::core::draft::{RowDraft, RowId, RowState};
use crate::core::multistatus::RowOutcome;
use crate::core::record::Tolerance;
use crate::core::table::Table;

use super::*;

fn record(key: i32, amount: f64, group: &str) -> Tolerance {
    Tolerance {
        key,
        amount,
        group_id: Some(group.into()),
        payment_method: None,
        entry_date: Some("2024-01-15T09:30:00Z".into()),
        entry_user: Some("JSMITH".into()),
        update_date: Some("2024-01-15T09:30:00Z".into()),
        update_user: Some("JSMITH".into()),
    }
}

/// What another tab or person saved: the same record with other values and their stamps.
fn theirs(key: i32, amount: f64, group: &str) -> Tolerance {
    Tolerance {
        update_date: Some("2026-12-05T10:00:00Z".into()),
        update_user: Some("TAB_A".into()),
        ..record(key, amount, group)
    }
}

fn row(table: &Table, id: RowId) -> &RowDraft {
    table.row(id).unwrap()
}

fn texts(table: &Table, id: RowId) -> [String; 4] {
    Field::EDITABLE.map(|f| row(table, id).text(f).into_owned())
}

/// The item 9: tab B loaded key 7 at 11.25; tab A saved 77.77 since; B changes only
/// the Group ID.
fn stale_tab_b() -> (Table, RowId) {
    let mut table = Table::from_records([record(7, 11.25, "GRP001"), record(8, 2.0, "GRP001")]);
    let id = table.row_at(0).unwrap().id();
    table.set_text(id, Field::GroupId, "GRP002");
    table.take_server_reads(vec![(7, Some(theirs(7, 77.77, "GRP001")))]);
    (table, id)
}

#[test]
fn a_record_saved_elsewhere_since_the_load_is_a_conflict_that_is_not_sent() {
    let (table, id) = stale_tab_b();
    assert_eq!(row(&table, id).state(), RowState::Conflict);
    assert_eq!(
        texts(&table, id),
        ["7", "11.25", "GRP002", ""],
        "B's text is kept"
    );
    assert!(
        table.rows_to_send(false).is_empty(),
        "nothing goes before B chooses"
    );
    assert_eq!(table.summary().conflicts, 1);
    assert_eq!(table.summary(), table.recount());
    // The server's values and who saved them, beside B's.
    assert_eq!(
        row(&table, id).server_differences(),
        vec![
            (Field::Amount, CellText::from("77.77")),
            (Field::GroupId, CellText::from("GRP001"))
        ]
    );
    assert_eq!(row(&table, id).text(Field::UpdateUser), "TAB_A");
}

#[test]
fn only_the_fields_the_user_changed_count_as_the_users_edit() {
    let base = record(7, 11.25, "GRP001");
    let conflict = Conflict { base: Some(base) };
    let cells = |k: &str, a: &str, g: &str, p: &str| [k, a, g, p].map(CellText::from);
    // "11.250" and " GRP001 " mean the base's values: not edits.
    assert_eq!(
        conflict.users_cells(&cells("7", "11.250", " GRP001 ", "ACH")),
        [false, false, false, true]
    );
    // Another key is another record: all of it is the user's.
    assert_eq!(
        conflict.users_cells(&cells("70", "11.25", "GRP001", "")),
        [true; 4]
    );
    // A row that was new has no base: all of it is the user's.
    assert_eq!(
        Conflict { base: None }.users_cells(&cells("7", "1", "", "")),
        [true; 4]
    );
    // Keep mine: the server's text where the user changed nothing.
    let server = theirs(7, 77.77, "GRP009");
    assert_eq!(
        keep_mine_texts(&conflict, &cells("7", "11.25", "GRP002", ""), Some(&server)),
        vec![(Field::Amount, CellText::from("77.77"))]
    );
    assert_eq!(
        keep_mine_texts(&conflict, &cells("7", "11.25", "GRP001", ""), Some(&server)),
        vec![
            (Field::Amount, CellText::from("77.77")),
            (Field::GroupId, CellText::from("GRP009"))
        ]
    );
    assert!(keep_mine_texts(&conflict, &cells("7", "1", "", ""), None).is_empty());
}

#[test]
fn keep_mine_sends_the_users_field_over_the_servers_record_and_undo_brings_the_conflict_back() {
    let (mut table, id) = stale_tab_b();
    let (rows, _) = table.keep_mine(&[id]);
    assert_eq!(rows, 1);
    assert_eq!(texts(&table, id), ["7", "77.77", "GRP002", ""]);
    assert_eq!(row(&table, id).state(), RowState::Modified);
    let sent = table.rows_to_send(false);
    assert_eq!(sent.len(), 1);
    assert_eq!(
        (sent[0].1.amount, sent[0].1.group_id.as_deref()),
        (77.77, Some("GRP002")),
        "B's group over the server's amount"
    );
    assert_eq!(table.summary(), table.recount());

    // One undo step takes the choice back: a conflict again, never "Changed" (which would
    // send 11.25) nor "Unchanged".
    table.undo();
    assert_eq!(texts(&table, id), ["7", "11.25", "GRP002", ""]);
    assert_eq!(row(&table, id).state(), RowState::Conflict);
    assert!(table.rows_to_send(false).is_empty());
    table.redo();
    assert_eq!(texts(&table, id), ["7", "77.77", "GRP002", ""]);
    assert_eq!(row(&table, id).state(), RowState::Modified);
    // Undoing B's own edit, after the choice and before it, never shows "Unchanged" with
    // 11.25 either.
    table.undo();
    table.undo();
    assert_eq!(texts(&table, id), ["7", "11.25", "GRP001", ""]);
    assert_eq!(row(&table, id).state(), RowState::Conflict);
    assert_eq!(table.summary(), table.recount());
}

#[test]
fn take_the_servers_settles_as_unchanged_in_one_undo_step() {
    let (mut table, id) = stale_tab_b();
    let (rows, _) = table.take_servers_values(&[id]);
    assert_eq!(rows, 1);
    assert_eq!(texts(&table, id), ["7", "77.77", "GRP001", ""]);
    assert_eq!(row(&table, id).state(), RowState::Clean);
    assert!(table.rows_to_send(false).is_empty());
    table.undo();
    assert_eq!(row(&table, id).state(), RowState::Conflict);
    assert_eq!(texts(&table, id), ["7", "11.25", "GRP002", ""]);
    assert_eq!(table.summary(), table.recount());
}

#[test]
fn a_conflict_is_kept_in_the_draft_and_comes_back_after_a_reload() {
    let (table, id) = stale_tab_b();
    let json = serde_json::to_string(table.rows()).unwrap();
    let mut table = Table::from_drafts(serde_json::from_str::<Vec<RowDraft>>(&json).unwrap());
    assert_eq!(row(&table, id).state(), RowState::Conflict);
    assert_eq!(
        row(&table, id).server_differences().len(),
        2,
        "the server's values still show"
    );
    table.keep_mine(&[id]);
    assert_eq!(texts(&table, id), ["7", "77.77", "GRP002", ""]);
}

#[test]
fn a_new_row_whose_key_now_exists_is_a_conflict_and_keep_mine_sends_it_whole() {
    let mut table = Table::new();
    let id = table.insert_new(0);
    table.set_texts(vec![
        (id, Field::Key, "41".into()),
        (id, Field::Amount, "4.10".into()),
    ]);
    table.take_server_reads(vec![(41, Some(theirs(41, 9.0, "GRP003")))]);
    assert_eq!(row(&table, id).state(), RowState::Conflict);
    table.keep_mine(&[id]);
    assert_eq!(
        texts(&table, id),
        ["41", "4.10", "", ""],
        "all of it is the user's"
    );
    let sent = table.rows_to_send(false);
    assert_eq!(
        (sent[0].1.amount, sent[0].1.group_id.as_deref()),
        (4.1, None)
    );
    // Absent on the server, a new row is no conflict.
    let mut fresh = Table::new();
    let id = fresh.insert_new(0);
    fresh.set_texts(vec![
        (id, Field::Key, "42".into()),
        (id, Field::Amount, "1".into()),
    ]);
    fresh.take_server_reads(vec![(42, None)]);
    assert_eq!(row(&fresh, id).state(), RowState::New);
}

#[test]
fn a_record_deleted_elsewhere_is_a_conflict_and_taking_the_servers_removes_the_row() {
    let mut table = Table::from_records([record(7, 11.25, "GRP001"), record(8, 2.0, "GRP001")]);
    let id = table.row_at(0).unwrap().id();
    table.set_text(id, Field::Amount, "12");
    table.take_server_reads(vec![(7, None)]);
    assert_eq!(row(&table, id).state(), RowState::Conflict);
    assert!(row(&table, id).server_differences().is_empty());
    let (rows, _) = table.take_servers_values(&[id]);
    assert_eq!(
        (rows, table.len()),
        (1, 1),
        "the server has nothing under 7"
    );
    table.undo();
    assert_eq!(row(&table, id).state(), RowState::Conflict);
    table.keep_mine(&[id]);
    assert_eq!(
        row(&table, id).state(),
        RowState::New,
        "sent again, as the user has it"
    );
    assert_eq!(table.summary(), table.recount());
}

#[test]
fn an_unconfirmed_row_is_settled_by_a_read_and_a_conflict_only_for_someone_elses_values() {
    let sent_unconfirmed = || {
        let mut table = Table::from_records([record(7, 11.25, "GRP001")]);
        let id = table.row_at(0).unwrap().id();
        table.set_text(id, Field::Amount, "20");
        let rows = table.rows_to_send(false);
        table.mark_pending(&[id]);
        table.apply_outcomes(
            rows.into_iter()
                .map(|(id, sent)| (id, sent, RowOutcome::unconfirmed("no item", None)))
                .collect(),
        );
        assert_eq!(row(&table, id).state(), RowState::Unconfirmed);
        (table, id)
    };
    // The try was applied: saved.
    let (mut table, id) = sent_unconfirmed();
    table.take_server_reads(vec![(7, Some(theirs(7, 20.0, "GRP001")))]);
    assert_eq!(row(&table, id).state(), RowState::Updated);
    // It was not: the record as loaded, to send again.
    let (mut table, id) = sent_unconfirmed();
    table.take_server_reads(vec![(7, Some(record(7, 11.25, "GRP001")))]);
    assert_eq!(row(&table, id).state(), RowState::Modified);
    assert_eq!(table.rows_to_send(false).len(), 1);
    // Someone else's values: a conflict.
    let (mut table, id) = sent_unconfirmed();
    table.take_server_reads(vec![(7, Some(theirs(7, 77.77, "GRP001")))]);
    assert_eq!(row(&table, id).state(), RowState::Conflict);
    table.keep_mine(&[id]);
    assert_eq!(
        texts(&table, id),
        ["7", "20", "GRP001", ""],
        "the amount is the user's"
    );
}

#[test]
fn a_read_of_the_users_own_values_settles_a_conflict_and_typing_them_reads_unchanged() {
    let (mut table, id) = stale_tab_b();
    // The user types the server's values: the server holds exactly them.
    table.set_texts(vec![
        (id, Field::Amount, "77.77".into()),
        (id, Field::GroupId, "GRP001".into()),
    ]);
    assert_eq!(row(&table, id).state(), RowState::Clean);
    // Undo: the conflict is still there to choose.
    table.undo();
    assert_eq!(row(&table, id).state(), RowState::Conflict);
    // A read finding the row's own values leaves nothing to choose.
    table.take_server_reads(vec![(7, Some(theirs(7, 11.25, "GRP002")))]);
    assert_eq!(row(&table, id).state(), RowState::Clean);
    assert!(row(&table, id).conflict().is_none());
    assert_eq!(table.summary(), table.recount());
}

#[test]
fn a_deleted_row_kept_by_undo_learns_its_conflict_too() {
    let mut table = Table::from_records([record(7, 11.25, "GRP001")]);
    let id = table.row_at(0).unwrap().id();
    table.set_text(id, Field::GroupId, "GRP002");
    table.delete(&[id]);
    table.take_server_reads(vec![(7, Some(theirs(7, 77.77, "GRP001")))]);
    table.undo();
    assert_eq!(row(&table, id).state(), RowState::Conflict);
    assert!(table.rows_to_send(false).is_empty());
}
