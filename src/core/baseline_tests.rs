use crate::core::columns::{CellText, Field};
use crate::core::draft::{RowDraft, RowState};
use crate::core::multistatus::{OutcomeKind, RowOutcome};
use crate::core::record::Tolerance;
use crate::core::table::Table;

use super::Baseline;

fn record(key: i32, amount: f64) -> Tolerance {
    Tolerance {
        key,
        amount,
        group_id: Some("GRP001".into()),
        payment_method: None,
        entry_date: Some("2024-01-15T09:30:00Z".into()),
        entry_user: Some("JSMITH".into()),
        update_date: None,
        update_user: None,
    }
}

fn answer(kind: OutcomeKind) -> RowOutcome {
    match kind {
        OutcomeKind::Unconfirmed => RowOutcome::unconfirmed("no item", None),
        OutcomeKind::Failed => RowOutcome::failed(Some(500), "boom", None),
        _ => RowOutcome {
            kind,
            status: Some(if kind == OutcomeKind::Created {
                201
            } else {
                200
            }),
            message: kind.label().into(),
            activity_id: None,
        },
    }
}

/// Sends every row that needs it and answers each with `kind`.
fn submit(table: &mut Table, kind: OutcomeKind) {
    let rows = table.rows_to_send(false);
    let ids: Vec<_> = rows.iter().map(|(id, _)| *id).collect();
    table.mark_pending(&ids);
    let answers = rows
        .into_iter()
        .map(|(id, sent)| (id, sent, answer(kind)))
        .collect();
    table.apply_outcomes(answers);
}

/// The table as a reload restores it from its saved draft.
fn reloaded(table: &Table) -> Table {
    let json = serde_json::to_string(table.rows()).unwrap();
    Table::from_drafts(serde_json::from_str::<Vec<RowDraft>>(&json).unwrap())
}

fn state_of_key(table: &Table, key: i32) -> RowState {
    table
        .row_at(table.position_of_key(key).unwrap())
        .unwrap()
        .state()
}

#[test]
fn undo_after_an_unconfirmed_submit_never_reads_as_unchanged() {
    let mut table = Table::from_records([record(17, 5.0)]);
    let id = table.row_at(0).unwrap().id();
    table.set_text(id, Field::Amount, "9.00");
    submit(&mut table, OutcomeKind::Unconfirmed);
    assert_eq!(table.row(id).unwrap().state(), RowState::Unconfirmed);

    // The server may hold 9.00: 5.00 again is something to send, whichever way it comes.
    table.undo();
    assert_eq!(table.row(id).unwrap().text(Field::Amount), "5.00");
    assert_ne!(table.row(id).unwrap().state(), RowState::Clean);
    assert_eq!(table.rows_to_send(false).len(), 1);
    table.redo();
    table.set_text(id, Field::Amount, "5");
    assert_ne!(table.row(id).unwrap().state(), RowState::Clean);
    let restored = reloaded(&table);
    assert_ne!(restored.row(id).unwrap().state(), RowState::Clean);
    assert_eq!(restored.rows_to_send(false).len(), 1);

    // A confirmed save makes it known again.
    submit(&mut table, OutcomeKind::Updated);
    assert_eq!(table.row(id).unwrap().state(), RowState::Updated);
    assert_eq!(
        table.row(id).unwrap().baseline(),
        &Baseline::Known(record(17, 5.0))
    );
}

#[test]
fn undoing_a_delete_never_brings_back_a_stale_or_unknown_record_as_unchanged() {
    for (kind, expected) in [
        (
            OutcomeKind::Updated,
            // What the new row sent: it had no server stamps to send.
            Baseline::Known(Tolerance {
                entry_date: None,
                entry_user: None,
                ..record(17, 9.0)
            }),
        ),
        (
            OutcomeKind::Unconfirmed,
            Baseline::Unknown {
                previous: Some(record(17, 5.0)),
            },
        ),
    ] {
        // The issue's path: delete loaded row 17 (5.00), add a row 17 of 9.00, submit, undo
        // everything.
        let mut table = Table::from_records([record(17, 5.0)]);
        let loaded = table.row_at(0).unwrap().id();
        table.delete(&[loaded]);
        let new = table.insert_new(0);
        table.set_text(new, Field::Key, "17");
        table.set_text(new, Field::Amount, "9.00");
        table.set_text(new, Field::GroupId, "GRP001");
        submit(&mut table, kind);
        while table.undo().is_some() {}
        let back = table.row(loaded).expect("the deleted row is back");
        assert_eq!(back.text(Field::Amount), "5.00");
        assert_eq!(back.baseline(), &expected, "{kind:?}");
        assert_eq!(back.state(), RowState::Modified, "{kind:?}");
        assert_eq!(table.rows_to_send(false).len(), 1, "{kind:?}");
        assert_eq!(table.summary(), table.recount());
        // Typing the server's value is what makes it unchanged, once it is known.
        table.set_text(loaded, Field::Amount, "9");
        let clean = kind == OutcomeKind::Updated;
        assert_eq!(
            state_of_key(&table, 17) == RowState::Clean,
            clean,
            "{kind:?}"
        );
    }
}

#[test]
fn a_row_whose_key_was_changed_away_learns_what_became_of_its_record() {
    let mut table = Table::from_records([record(17, 5.0)]);
    let moved = table.row_at(0).unwrap().id();
    table.set_text(moved, Field::Key, "18");
    let new = table.insert_new(1);
    table.set_texts(vec![
        (new, Field::Key, "17".into()),
        (new, Field::Amount, "9".into()),
        (new, Field::GroupId, "GRP001".into()),
    ]);
    // Only the new row goes: 17 on the server becomes 9.00.
    let rows = table.rows_to_send(false);
    let (id, sent) = rows.into_iter().find(|(id, _)| *id == new).unwrap();
    table.mark_pending(&[id]);
    table.apply_outcomes(vec![(id, sent, answer(OutcomeKind::Updated))]);
    table.delete(&[new]);
    // Back to 17 with the old amount: that is not what the server holds.
    table.set_text(moved, Field::Key, "17");
    assert_eq!(table.row(moved).unwrap().state(), RowState::Modified);
    assert_eq!(
        reloaded(&table).row(moved).unwrap().state(),
        RowState::Modified
    );
}

#[test]
fn a_refusal_after_a_try_that_may_have_been_applied_is_unconfirmed() {
    let mut table = Table::from_records([record(3, 1.0)]);
    let id = table.row_at(0).unwrap().id();
    table.set_text(id, Field::Amount, "2");
    submit(&mut table, OutcomeKind::Unconfirmed);
    // "Resend failed": this try is refused, but the one before may have saved 2.00.
    submit(&mut table, OutcomeKind::Failed);
    let row = table.row(id).unwrap();
    assert_eq!(row.state(), RowState::Unconfirmed);
    assert!(row.outcome().unwrap().message.contains("earlier try"));
    assert!(row.needs_sending());
}

#[test]
fn a_row_in_flight_when_the_page_closed_comes_back_unconfirmed() {
    let mut table = Table::from_records([record(3, 1.0)]);
    let id = table.row_at(0).unwrap().id();
    table.set_text(id, Field::Amount, "2");
    let new = table.insert_new(1);
    table.set_texts(vec![
        (new, Field::Key, "4".into()),
        (new, Field::Amount, "1".into()),
    ]);
    let ids: Vec<_> = table
        .rows_to_send(false)
        .iter()
        .map(|(id, _)| *id)
        .collect();
    table.mark_pending(&ids);
    let restored = reloaded(&table);
    for id in ids {
        let row = restored.row(id).unwrap();
        assert_eq!(row.state(), RowState::Unconfirmed);
        assert!(row.baseline().is_unknown());
    }
    assert_eq!(restored.rows_to_send(true).len(), 2);
}

#[test]
fn an_old_draft_keeps_reading_and_an_unconfirmed_row_in_it_is_not_unchanged() {
    // The form drafts had before baselines: `original`, and `changed` as it was then.
    let old = |outcome: &str, outcome_current: bool| {
        format!(
            r#"{{"id":4,"cells":["17","5.00","GRP001",""],"problems":[null,null,null,null],
            "duplicate_key":false,"key":17,"changed":false,
            "original":{{"tolerance_Key":17,"tolerance1":5.0,"group_ID":"GRP001"}},
            "pending":false,"outcome":{outcome},"outcome_current":{outcome_current}}}"#
        )
    };
    let clean: RowDraft = serde_json::from_str(&old("null", false)).unwrap();
    assert_eq!(clean.state(), RowState::Clean);
    assert_eq!(clean.baseline().key(), Some(17));
    let unconfirmed = r#"{"kind":"Unconfirmed","status":null,"message":"?","activity_id":null}"#;
    for current in [true, false] {
        let row: RowDraft = serde_json::from_str(&old(unconfirmed, current)).unwrap();
        assert!(row.baseline().is_unknown());
        assert_ne!(row.state(), RowState::Clean);
        assert!(row.needs_sending());
    }
}

#[test]
fn a_refusal_of_values_the_row_already_saved_under_another_key_is_not_not_applied() {
    let mut table = Table::from_records([record(1, 1.0)]);
    let id = table.row_at(0).unwrap().id();
    table.set_text(id, Field::Amount, "6.25");
    submit(&mut table, OutcomeKind::Updated);
    // Moved to key 7 and saved there: the row's baseline is 7's record now.
    table.set_text(id, Field::Key, "7");
    submit(&mut table, OutcomeKind::Created);
    // Back to 1 = 6.25, which the server holds from the first save; this try is refused.
    table.set_text(id, Field::Key, "1");
    submit(&mut table, OutcomeKind::Failed);
    assert_eq!(table.row(id).unwrap().state(), RowState::Unconfirmed);
    assert_eq!(
        reloaded(&table).row(id).unwrap().state(),
        RowState::Unconfirmed
    );
}

#[test]
fn a_read_of_the_server_settles_unconfirmed_rows_and_refreshes_audit_columns() {
    let mut table = Table::from_records([record(1, 1.0), record(2, 2.0), record(3, 3.0)]);
    let ids: Vec<_> = table.rows().iter().map(|r| r.id()).collect();
    for id in &ids {
        table.set_text(*id, Field::Amount, "9");
    }
    submit(&mut table, OutcomeKind::Unconfirmed);
    // The server holds 1 as sent, 2 as it was, and no 3 at all: someone deleted 3 since it
    // was loaded (the editor never deletes), which sending it again would undo.
    let stamped = |key, amount| Tolerance {
        update_date: Some("2026-12-04T22:00:00Z".into()),
        update_user: Some("EDITOR".into()),
        ..record(key, amount)
    };
    let touched = table.take_server_reads(vec![
        (1, Some(stamped(1, 9.0))),
        (2, Some(record(2, 2.0))),
        (3, None),
    ]);
    assert_eq!(touched, crate::core::table::Touched::Rows(ids.clone()));
    let state = |i: usize| table.row(ids[i]).unwrap().state();
    assert_eq!(
        [state(0), state(1), state(2)],
        [RowState::Updated, RowState::Modified, RowState::Conflict]
    );
    assert_eq!(table.row(ids[0]).unwrap().text(Field::UpdateUser), "EDITOR");
    assert_eq!(
        table.row(ids[1]).unwrap().text(Field::Amount),
        "9",
        "the edit is kept"
    );
    assert_eq!(table.summary(), table.recount());

    // After a confirmed save, the read's stamps show and the row stays "Updated".
    table.set_text(ids[1], Field::Amount, "4");
    submit(&mut table, OutcomeKind::Updated);
    table.take_server_reads(vec![(2, Some(stamped(2, 4.0)))]);
    let row = table.row(ids[1]).unwrap();
    assert_eq!(
        (row.state(), row.text(Field::UpdateDate)),
        (RowState::Updated, "2026-12-04T22:00:00Z".into())
    );
    // A deleted row learns it too, for when undo brings it back: 5 was written by someone
    // else, so its 4 would undo their write.
    table.delete(&[ids[1]]);
    table.take_server_reads(vec![(2, Some(stamped(2, 5.0)))]);
    table.undo();
    assert_eq!(table.row(ids[1]).unwrap().state(), RowState::Conflict);
}

#[test]
fn a_try_that_may_have_been_applied_does_not_hide_an_earlier_confirmed_one() {
    let mut table = Table::from_records([record(2, 7.5)]);
    let id = table.row_at(0).unwrap().id();
    table.set_text(id, Field::Amount, "12.34");
    submit(&mut table, OutcomeKind::Updated);
    // 7.50 is sent and the page closes before the answer: 12.34 may still be there.
    table.set_text(id, Field::Amount, "7.50");
    let ids: Vec<_> = table
        .rows_to_send(false)
        .iter()
        .map(|(id, _)| *id)
        .collect();
    table.mark_pending(&ids);
    let mut table = reloaded(&table);
    table.set_text(id, Field::Key, "6");
    submit(&mut table, OutcomeKind::Created);
    table.set_texts(vec![
        (id, Field::Key, "2".into()),
        (id, Field::Amount, "12.34".into()),
    ]);
    submit(&mut table, OutcomeKind::Failed);
    assert_eq!(table.row(id).unwrap().state(), RowState::Unconfirmed);
}

#[test]
fn a_row_answered_in_the_same_chunk_learns_what_another_row_saved_under_its_old_key() {
    let mut table = Table::from_records([record(5, 6.25)]);
    let moved = table.row_at(0).unwrap().id();
    table.set_text(moved, Field::Key, "7");
    let new = table.insert_new(1);
    table.set_texts(vec![
        (new, Field::Key, "5".into()),
        (new, Field::Amount, "1.25".into()),
    ]);
    // One chunk: row 7 refused, row 5 saved (1.25 is on the server under 5 now).
    let rows = table.rows_to_send(false);
    table.mark_pending(&rows.iter().map(|(id, _)| *id).collect::<Vec<_>>());
    let answers = rows
        .into_iter()
        .map(|(id, sent)| {
            let kind = if id == new {
                OutcomeKind::Created
            } else {
                OutcomeKind::Failed
            };
            (id, sent, answer(kind))
        })
        .collect();
    table.apply_outcomes(answers);
    table.delete(&[new]);
    table.set_text(moved, Field::Key, "5");
    assert_eq!(table.row(moved).unwrap().state(), RowState::Modified);
}

#[test]
fn the_servers_values_are_shown_where_they_differ_and_taken_as_one_undo_step() {
    let mut table = Table::from_records([record(1, 1.0), record(2, 2.0)]);
    let ids: Vec<_> = table.rows().iter().map(|r| r.id()).collect();
    table.set_text(ids[0], Field::Amount, "5.00");
    submit(&mut table, OutcomeKind::Unconfirmed);
    // Another client wrote 9 under key 1; key 2 is as loaded.
    table.take_server_reads(vec![(1, Some(record(1, 9.0))), (2, Some(record(2, 2.0)))]);
    fn row(table: &Table, id: crate::core::draft::RowId) -> &RowDraft {
        table.row(id).unwrap()
    }
    assert_eq!(row(&table, ids[0]).state(), RowState::Conflict);
    assert_eq!(
        row(&table, ids[0]).text(Field::Amount),
        "5.00",
        "the user's edit is kept"
    );
    assert_eq!(
        row(&table, ids[0]).server_differences(),
        vec![(Field::Amount, CellText::from("9.00"))]
    );
    assert!(row(&table, ids[1]).server_differences().is_empty());

    let (taken, _) = table.take_servers_values(&ids);
    assert_eq!(taken, 1);
    assert_eq!(
        (
            row(&table, ids[0]).state(),
            row(&table, ids[0]).text(Field::Amount)
        ),
        (RowState::Clean, "9.00".into())
    );
    assert_eq!(table.summary(), table.recount());
    table.undo();
    assert_eq!(
        (
            row(&table, ids[0]).state(),
            row(&table, ids[0]).text(Field::Amount)
        ),
        (RowState::Conflict, "5.00".into()),
        "one step back to the user's edit, still waiting for a choice"
    );
    // Nothing known about a key: nothing to take.
    let mut fresh = Table::new();
    let id = fresh.insert_new(0);
    fresh.set_text(id, Field::Key, "3");
    assert_eq!(fresh.take_servers_values(&[id]).0, 0);
}

#[test]
fn only_a_read_of_the_server_shows_its_values_beside_an_edit() {
    let mut table = Table::from_records([record(1, 1.0)]);
    let id = table.row_at(0).unwrap().id();
    table.set_text(id, Field::Amount, "5");
    assert!(
        table.row(id).unwrap().server_differences().is_empty(),
        "as loaded is not a claim about the server now"
    );
    table.take_server_reads(vec![(1, Some(record(1, 1.0)))]);
    assert_eq!(
        table.row(id).unwrap().server_differences(),
        vec![(Field::Amount, CellText::from("1.00"))]
    );
    submit(&mut table, OutcomeKind::Updated);
    assert!(table.row(id).unwrap().server_differences().is_empty());
}

#[test]
fn a_refusal_reads_as_not_applied_only_once_a_read_of_the_server_bears_it_out() {
    use crate::core::table::Refusals;
    let mut table = Table::new();
    let ids: Vec<_> = (0..2)
        .map(|i| {
            let id = table.insert_new(i);
            table.set_texts(vec![
                (id, Field::Key, (50 + i).to_string().into()),
                (id, Field::Amount, "1.25".into()),
            ]);
            id
        })
        .collect();
    let rows = table.rows_to_send(false);
    table.mark_pending(&ids);
    let mut held = Refusals::default();
    let answers = rows
        .into_iter()
        .map(|(id, sent)| (id, sent, answer(OutcomeKind::Failed)))
        .collect();
    table.apply_outcomes(held.hold_back(answers));
    // Until read back, a refusal may answer a second send of a batch already carried out.
    assert_eq!(
        ids.iter()
            .map(|id| table.row(*id).unwrap().state())
            .collect::<Vec<_>>(),
        [RowState::Unconfirmed, RowState::Unconfirmed]
    );
    assert_eq!(
        reloaded(&table).row(ids[0]).unwrap().state(),
        RowState::Unconfirmed
    );
    // The server holds the first row's values (the first send was carried out, the browser
    // sent it again and that send was refused), not the second's.
    let mut sent_first = record(50, 1.25);
    sent_first.group_id = None;
    sent_first.entry_date = None;
    sent_first.entry_user = None;
    assert_eq!(held.rows(), ids);
    table.take_server_reads(vec![(50, Some(sent_first)), (51, None)]);
    let (borne_out, _) = table.confirm_refusals(held);
    assert_eq!(borne_out, 1);
    let state = |i: usize| table.row(ids[i]).unwrap().state();
    assert_eq!([state(0), state(1)], [RowState::Created, RowState::Failed]);
    assert_eq!(table.summary(), table.recount());
}
