use super::*;
use crate::core::columns::Cells;

fn record(key: i32, amount: f64, group: &str) -> Tolerance {
    Tolerance::sample(key, amount, group)
}

fn state_of(table: &Table, key: i32) -> RowState {
    table.rows[table.position_of_key(key).unwrap()].state()
}

fn cells_of(table: &Table, key: i32) -> Cells {
    table.rows[table.position_of_key(key).unwrap()]
        .cells()
        .into_owned()
}

/// The target's draft: key 1 loaded and untouched, key 2 loaded then edited (unsent), key 3
/// loaded and untouched, key 9 typed (new, unsent).
fn target_draft() -> Table {
    let mut table = Table::from_records([
        record(1, 1.0, "GRP001"),
        record(2, 2.0, "GRP001"),
        record(3, 3.0, "GRP001"),
    ]);
    let two = table.rows[1].id();
    table.set_text(two, Field::Amount, "2.75");
    table.append_cells(vec![[
        "9".into(),
        "9".into(),
        "GRP009".into(),
        "ACH".into(),
    ]]);
    table
}

#[test]
fn new_changed_and_equal_rows_are_staged_against_what_the_target_holds() {
    let mut table = target_draft();
    let promoted = vec![
        record(1, 1.5, "GRP002"), // held otherwise: changed
        record(3, 3.0, "GRP001"), // held as it is: unchanged
        record(5, 5.0, "GRP005"), // not held: new
    ];
    let reads = vec![
        (1, Some(record(1, 1.0, "GRP001"))),
        (3, Some(record(3, 3.0, "GRP001"))),
        (5, None),
    ];
    let (staged, touched) = table.stage_promotion(promoted, reads);
    assert_eq!(touched, Touched::Structure);
    assert_eq!((staged.new, staged.changed, staged.unchanged), (1, 1, 1));
    assert!(staged.conflicts.is_empty() && staged.unread.is_empty());
    assert_eq!(state_of(&table, 1), RowState::Modified);
    assert_eq!(cells_of(&table, 1), ["1", "1.50", "GRP002", "ACH"]);
    assert_eq!(state_of(&table, 3), RowState::Clean);
    assert_eq!(state_of(&table, 5), RowState::New);
    // Only the new and the changed rows are sent; the draft's own edits stay to be sent too.
    let sent: Vec<i32> = table
        .rows_to_send(false)
        .iter()
        .map(|(_, r)| r.key)
        .collect();
    assert_eq!(sent, [1, 2, 9, 5]);
    assert_eq!(table.summary(), table.recount());
    // One undo step takes the staged cells and rows back.
    table.undo();
    assert_eq!(cells_of(&table, 1), ["1", "1.00", "GRP001", "ACH"]);
    assert_eq!(table.position_of_key(5), None);
}

#[test]
fn a_target_record_changed_since_the_draft_was_loaded_is_the_baseline() {
    let mut table = target_draft();
    // The target now holds 3 as promoted, though the draft loaded it otherwise.
    let (staged, _) = table.stage_promotion(
        vec![record(3, 3.5, "GRP001")],
        vec![(3, Some(record(3, 3.5, "GRP001")))],
    );
    assert_eq!((staged.new, staged.changed, staged.unchanged), (0, 0, 1));
    assert_eq!(state_of(&table, 3), RowState::Clean);
    // A record the target has that the draft lacks is changed against it, not new.
    let (staged, _) = table.stage_promotion(
        vec![record(7, 7.0, "GRP001")],
        vec![(7, Some(record(7, 6.0, "GRP001")))],
    );
    assert_eq!((staged.new, staged.changed), (0, 1));
    assert_eq!(state_of(&table, 7), RowState::Modified);
}

#[test]
fn an_unsent_edit_in_the_target_draft_is_a_conflict_and_is_kept() {
    let mut table = target_draft();
    let (staged, _) = table.stage_promotion(
        vec![record(2, 2.5, "GRP002"), record(9, 9.0, "GRP009")],
        vec![(2, Some(record(2, 2.0, "GRP001"))), (9, None)],
    );
    // Key 2 differs from the draft's edit: a conflict, the edit untouched.
    assert_eq!(staged.conflicts.len(), 1);
    let conflict = &staged.conflicts[0];
    assert_eq!(conflict.key, 2);
    assert_eq!(conflict.draft, ["2", "2.75", "GRP001", "ACH"]);
    assert_eq!(conflict.promoted_cells(), ["2", "2.50", "GRP002", "ACH"]);
    assert_eq!(cells_of(&table, 2), ["2", "2.75", "GRP001", "ACH"]);
    assert_eq!(state_of(&table, 2), RowState::Modified);
    // Key 9's unsent row already means the promoted record ("9.00" is 9): no conflict.
    assert_eq!((staged.new, staged.changed), (1, 0));
    assert_eq!(state_of(&table, 9), RowState::New);
    // Picking the promoted values is an ordinary edit.
    let edits = Field::EDITABLE
        .into_iter()
        .zip(conflict.promoted_cells())
        .map(|(field, text)| (conflict.row, field, text))
        .collect();
    table.set_texts(edits);
    assert_eq!(cells_of(&table, 2), ["2", "2.50", "GRP002", "ACH"]);
}

#[test]
fn keys_not_read_are_left_out_and_repeated_keys_count_once() {
    let mut table = Table::new();
    let (staged, touched) = table.stage_promotion(
        vec![
            record(4, 1.0, "A"),
            record(4, 2.0, "B"),
            record(6, 1.0, "C"),
        ],
        vec![(4, None)],
    );
    assert_eq!(staged.unread, [6]);
    assert_eq!(staged.new, 1);
    assert_eq!(table.len(), 1);
    assert_eq!(cells_of(&table, 4), ["4", "2.00", "B", "ACH"]);
    assert_eq!(touched, Touched::Structure);
}

#[test]
fn the_export_names_each_promoted_key_with_the_targets_outcome() {
    use crate::core::multistatus::{OutcomeKind, RowOutcome};
    let mut table = Table::new();
    table.stage_promotion(vec![record(5, 5.0, "GRP005")], vec![(5, None)]);
    let id = table.rows[0].id();
    table.mark_pending(&[id]);
    let outcome = RowOutcome {
        kind: OutcomeKind::Created,
        status: Some(201),
        message: "Created".into(),
        activity_id: Some("act-42".into()),
    };
    table.apply_outcomes(vec![(id, record(5, 5.0, "GRP005"), outcome)]);
    let csv = export_promotion(
        "DEMO_TEST",
        "DEMO_LIVE",
        &[
            record(5, 5.0, "GRP005"),
            record(8, 1.0, "X"),
            record(9, 1.0, "Y"),
        ],
        &[(9, "Not copied: your edit was kept".to_string())],
        |key| table.position_of_key(key).map(|i| &table.rows[i]),
        crate::core::list_separator::ListSeparator::Comma,
    );
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        lines[0],
        "From,To,Tolerance key,Tolerance amount,Group ID,Payment method,State in target,HTTP status,Message,Activity ID"
    );
    assert_eq!(
        lines[1],
        "DEMO_TEST,DEMO_LIVE,5,5.00,GRP005,ACH,Created,201,Created,act-42"
    );
    assert_eq!(
        lines[2],
        "DEMO_TEST,DEMO_LIVE,8,1.00,X,ACH,Not in the table,,,"
    );
    assert_eq!(
        lines[3],
        "DEMO_TEST,DEMO_LIVE,9,1.00,Y,ACH,Not copied: your edit was kept,,,"
    );
}
