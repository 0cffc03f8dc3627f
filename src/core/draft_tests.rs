use super::*;

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

fn outcome(kind: OutcomeKind) -> RowOutcome {
    RowOutcome {
        kind,
        status: Some(if kind == OutcomeKind::Failed {
            400
        } else {
            200
        }),
        message: kind.label().into(),
        activity_id: Some("A:1".into()),
    }
}

#[test]
fn a_loaded_row_is_clean_until_its_meaning_changes() {
    let mut row = RowDraft::from_record(RowId(1), record(7, 5.0));
    assert_eq!(row.state(), RowState::Clean);
    assert_eq!(row.text(Field::Amount), "5.00");
    assert_eq!(row.text(Field::EntryUser), "JSMITH");
    assert!(!row.needs_sending());

    assert_eq!(row.set_text(Field::Amount, " $5.00 "), None);
    assert_eq!(row.state(), RowState::Clean, "same value, other text");
    row.set_text(Field::GroupId, "GRP002");
    assert_eq!(row.state(), RowState::Modified);
    assert!(row.needs_sending());
    row.set_text(Field::GroupId, " GRP001");
    assert_eq!(row.state(), RowState::Clean);
}

#[test]
fn bad_text_is_kept_with_its_problem_beside_it() {
    let mut row = RowDraft::new(RowId(2));
    assert_eq!(
        row.state(),
        RowState::Invalid,
        "an empty row lacks key and amount"
    );
    row.set_text(Field::Key, "12");
    row.set_text(Field::Amount, "1,5");
    assert_eq!(row.text(Field::Amount), "1,5");
    assert_eq!(row.state(), RowState::Invalid);
    let problem = row.problem(Field::Amount).unwrap();
    assert_eq!(problem.kind, ProblemKind::DecimalComma);
    assert!(row.to_record().is_err());
    assert!(!row.needs_sending());
    row.set_text(Field::Amount, "1.5");
    assert_eq!(row.state(), RowState::New);
    assert_eq!(row.to_record().unwrap().amount, 1.5);
}

#[test]
fn key_edits_report_the_change_and_duplicates_show_on_the_key() {
    let mut row = RowDraft::new(RowId(3));
    let change = row.set_text(Field::Key, "4").unwrap();
    assert_eq!((change.before, change.after), (None, Some(4)));
    assert_eq!(row.set_text(Field::Key, "4.0"), None);
    row.set_text(Field::Amount, "1");
    row.set_duplicate_key(true);
    assert_eq!(row.state(), RowState::Invalid);
    assert_eq!(
        row.problem(Field::Key).unwrap().kind,
        ProblemKind::DuplicateKey(4)
    );
    row.set_duplicate_key(false);
    assert_eq!(row.state(), RowState::New);
}

#[test]
fn the_problem_count_counts_what_problems_lists() {
    let mut row = RowDraft::new(RowId(4));
    let mut seen = Vec::new();
    let mut check = |row: &RowDraft| {
        assert_eq!(row.problem_count(), row.problems().count(), "{row:?}");
        seen.push(row.problem_count());
    };
    check(&row);
    row.set_duplicate_key(true);
    check(&row);
    row.set_text(Field::Key, "x");
    check(&row);
    row.set_text(Field::Key, "7");
    check(&row);
    row.set_text(Field::Amount, "1,5");
    row.set_text(Field::GroupId, "G".repeat(30));
    check(&row);
    row.set_duplicate_key(false);
    row.set_text(Field::Amount, "1.5");
    row.set_text(Field::GroupId, "");
    check(&row);
    assert_eq!(seen, [2, 2, 2, 2, 3, 0]);
}

#[test]
fn a_saved_row_becomes_clean_against_what_was_sent() {
    let mut row = RowDraft::from_record(RowId(4), record(7, 5.0));
    row.set_text(Field::Amount, "6");
    let sent = row.to_record().unwrap();
    assert_eq!(
        sent.entry_user.as_deref(),
        Some("JSMITH"),
        "server fields go back as loaded"
    );
    row.mark_pending();
    assert_eq!(row.state(), RowState::Pending);
    assert!(!row.needs_sending());
    row.apply_outcome(sent.clone(), outcome(OutcomeKind::Updated));
    assert_eq!(row.state(), RowState::Updated);
    assert!(!row.needs_sending());
    row.set_text(Field::Amount, "7");
    assert_eq!(row.state(), RowState::Modified);
    assert_eq!(
        row.outcome().unwrap().kind,
        OutcomeKind::Updated,
        "kept for display"
    );
}

#[test]
fn failed_and_unconfirmed_rows_stay_marked_and_are_sent_again() {
    for kind in [OutcomeKind::Failed, OutcomeKind::Unconfirmed] {
        let mut row =
            RowDraft::from_cells(RowId(5), ["9".into(), "1".into(), "".into(), "".into()]);
        let sent = row.to_record().unwrap();
        row.mark_pending();
        row.apply_outcome(sent.clone(), outcome(kind));
        assert_eq!(
            row.state(),
            if kind == OutcomeKind::Failed {
                RowState::Failed
            } else {
                RowState::Unconfirmed
            }
        );
        assert!(row.needs_sending());
        assert_eq!(row.original(), None, "never treated as saved");
    }
}

#[test]
fn an_edit_during_the_flight_is_not_hidden_by_the_answer() {
    let mut row = RowDraft::from_cells(RowId(6), ["9".into(), "1".into(), "".into(), "".into()]);
    let sent = row.to_record().unwrap();
    row.mark_pending();
    row.set_text(Field::Amount, "2");
    row.apply_outcome(sent.clone(), outcome(OutcomeKind::Created));
    assert_eq!(row.state(), RowState::Modified);
    assert!(row.needs_sending());
}

#[test]
fn cancel_and_revert_put_things_back() {
    let mut row = RowDraft::from_record(RowId(7), record(1, 2.0));
    row.set_text(Field::PaymentMethod, "ACH");
    row.mark_pending();
    row.cancel_pending();
    assert_eq!(row.state(), RowState::Modified);
    row.revert();
    assert_eq!(row.state(), RowState::Clean);
    assert_eq!(row.text(Field::PaymentMethod), "");
}

#[test]
fn rows_to_send_takes_only_new_and_changed_valid_rows_in_order() {
    let clean = RowDraft::from_record(RowId(1), record(1, 1.0));
    let mut changed = RowDraft::from_record(RowId(2), record(2, 1.0));
    changed.set_text(Field::Amount, "3");
    let new = RowDraft::from_cells(RowId(3), ["3".into(), "4".into(), "".into(), "".into()]);
    let invalid = RowDraft::from_cells(RowId(4), ["x".into(), "4".into(), "".into(), "".into()]);
    let sent = rows_to_send([&clean, &changed, &new, &invalid]);
    let ids: Vec<_> = sent.iter().map(|(id, _)| *id).collect();
    assert_eq!(ids, [RowId(2), RowId(3)]);
    assert_eq!(sent[1].1.group_id, None);
}

#[test]
fn a_draft_survives_a_round_trip_through_json_for_local_saving() {
    let mut row = RowDraft::from_record(RowId(8), record(1, 2.0));
    row.set_text(Field::Amount, "oops");
    let json = serde_json::to_string(&row).unwrap();
    let back: RowDraft = serde_json::from_str(&json).unwrap();
    assert_eq!(back, row);
    assert_eq!(back.text(Field::Amount), "oops");
}

#[test]
fn a_row_holds_texts_of_its_own_only_while_they_differ_from_what_its_record_writes() {
    let mut row = RowDraft::from_record(RowId(8), record(1, 2.0));
    assert!(row.cells.is_none());
    assert_eq!(row.text(Field::Amount), "2.00");
    row.set_text(Field::Amount, "3");
    assert_eq!(row.cells.as_deref().map(|c| c[1].as_str()), Some("3"));
    // Typed back as the record writes it: the texts go again, and nothing is to send.
    row.set_text(Field::Amount, "2.00");
    assert!(row.cells.is_none() && !row.is_changed());
    // A read that finds other values on the server leaves the texts shown as they were:
    // the row now differs from the server, and shows it.
    let mut theirs = record(1, 9.0);
    theirs.group_id = Some("GRP009".into());
    row.take_server_read(1, Some(theirs));
    assert_eq!(row.text(Field::Amount), "2.00");
    assert_eq!(row.text(Field::GroupId), "GRP001");
    assert!(row.is_changed());
    // Saved as all four texts; read back as the same row.
    let json: serde_json::Value = serde_json::to_value(&row).unwrap();
    assert_eq!(json["cells"][1], "2.00");
    let back: RowDraft = serde_json::from_value(json).unwrap();
    assert_eq!((back.cells(), back.state()), (row.cells(), row.state()));
}

#[test]
fn problems_are_saved_as_the_array_of_four_that_drafts_have_always_held() {
    let mut row = RowDraft::from_record(RowId(8), record(1, 2.0));
    row.set_text(Field::Amount, "oops");
    let json: serde_json::Value = serde_json::to_value(&row).unwrap();
    let problems = json["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 4);
    assert!(problems[0].is_null() && !problems[1].is_null() && problems[2].is_null());
    // A draft saved by an earlier version, without a problem: read as none.
    let mut earlier = json.clone();
    earlier["problems"] = serde_json::json!([null, null, null, null]);
    earlier["cells"][1] = "2".into();
    let back: RowDraft = serde_json::from_value(earlier).unwrap();
    assert_eq!(back.problem_count(), 0);
    // Mended, the row is as one that never had the problem.
    row.set_text(Field::Amount, "2");
    assert_eq!(row.problem_count(), 0);
    assert_eq!(
        row.problems,
        RowDraft::from_record(RowId(8), record(1, 2.0)).problems
    );
}

#[test]
fn a_changed_key_sends_a_new_record_without_the_old_stamps() {
    let mut row = RowDraft::from_record(RowId(9), record(1, 2.0));
    row.set_text(Field::Key, "2");
    assert_eq!(row.state(), RowState::Modified);
    let sent = row.to_record().unwrap();
    assert_eq!((sent.key, sent.entry_user.as_deref()), (2, None));
    row.set_text(Field::Key, "1");
    assert_eq!(
        row.to_record().unwrap().entry_user.as_deref(),
        Some("JSMITH")
    );
}

#[test]
fn several_cells_set_at_once_report_one_key_change_and_skip_read_only_fields() {
    let mut row = RowDraft::from_record(RowId(10), record(1, 2.0));
    let change = row.set_texts([
        (Field::Key, CellText::from("5")),
        (Field::Amount, CellText::from("3")),
        (Field::EntryUser, CellText::from("HACKER")),
    ]);
    assert_eq!(
        change,
        Some(KeyChange {
            before: Some(1),
            after: Some(5)
        })
    );
    assert_eq!(
        (&*row.text(Field::Amount), &*row.text(Field::EntryUser)),
        ("3", "JSMITH")
    );
    assert_eq!(row.state(), RowState::Modified);
    assert_eq!(
        row.set_texts([(Field::UpdateDate, CellText::from("x"))]),
        None
    );
    assert_eq!(
        row.set_texts([(Field::Key, CellText::from("x"))])
            .unwrap()
            .after,
        None
    );
    assert_eq!(
        row.problem(Field::Key).unwrap().kind,
        ProblemKind::NotANumber
    );
}

#[test]
fn amounts_show_at_least_two_decimals_and_never_lose_digits() {
    use crate::core::draft::amount_text;
    assert_eq!(amount_text(5.0), "5.00");
    assert_eq!(amount_text(0.5), "0.50");
    assert_eq!(amount_text(12.75), "12.75");
    assert_eq!(amount_text(0.125), "0.125");
    assert_eq!(amount_text(-3.0), "-3.00");
    for value in [0.1, 1234.5, 25.0, 1e-7] {
        assert_eq!(amount_text(value).parse::<f64>().unwrap(), value);
    }
}

#[test]
fn an_answer_about_a_row_as_sent_reads_as_the_full_comparison_reads_it() {
    let loaded = || RowDraft::from_record(RowId(8), record(7, 5.0));
    let cells: [[&str; 4]; 4] = [
        ["7", "5.000", "", ""],
        ["7", " 6 ", " G1 ", "ACH"],
        ["8", "5", "", ""],
        ["7", "5.00", "", ""],
    ];
    let kinds = [
        OutcomeKind::Created,
        OutcomeKind::Updated,
        OutcomeKind::Failed,
        OutcomeKind::Unconfirmed,
    ];
    for texts in cells {
        for kind in kinds {
            for fresh in [false, true] {
                let start = |row: &mut RowDraft| {
                    for (field, text) in Field::EDITABLE.into_iter().zip(texts) {
                        row.set_text(field, text);
                    }
                };
                let (mut quick, mut full) = if fresh {
                    (RowDraft::new(RowId(9)), RowDraft::new(RowId(9)))
                } else {
                    (loaded(), loaded())
                };
                start(&mut quick);
                start(&mut full);
                let sent = quick.to_record().unwrap();
                // Pending and untouched: the quick way. Never marked: compared in full.
                quick.mark_pending();
                quick.apply_outcome(sent.clone(), outcome(kind));
                full.apply_outcome(sent, outcome(kind));
                assert_eq!(quick, full, "{texts:?} {kind:?} fresh {fresh}");
                assert_eq!(quick.state(), full.state());
            }
        }
    }
}

#[test]
fn an_edit_in_flight_put_back_as_it_was_still_takes_the_answer() {
    let mut row = RowDraft::from_record(RowId(4), record(7, 5.0));
    row.set_text(Field::Amount, "6");
    let sent = row.to_record().unwrap();
    row.mark_pending();
    row.set_text(Field::Amount, "7");
    row.set_text(Field::Amount, "6");
    row.apply_outcome(sent, outcome(OutcomeKind::Updated));
    assert_eq!(row.state(), RowState::Updated);
    assert!(!row.is_changed());
}

#[cfg(not(target_arch = "wasm32"))]
mod loaded {
    use proptest::prelude::*;

    use super::*;

    fn text() -> impl Strategy<Value = Option<String>> {
        prop::option::of(prop_oneof![
            Just(String::new()),
            Just("  ".to_string()),
            "[ A-Za-z0-9]{0,25}",
            ".{0,22}",
        ])
    }

    proptest! {
        #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::with_cases(500) })]

        #[test]
        fn a_loaded_row_is_what_a_full_check_of_its_cells_makes_it(
            key in any::<i32>(),
            amount in prop_oneof![any::<f64>().prop_filter("finite", |v| v.is_finite()), (-1e6f64..1e6), (0i64..100_000).prop_map(|c| c as f64 / 100.0)],
            group_id in text(),
            payment_method in text(),
        ) {
            let (group_id, payment_method) = (group_id.map(Into::into), payment_method.map(Into::into));
            let record = Tolerance { key, amount, group_id, payment_method, ..record(0, 0.0) };
            let quick = RowDraft::from_record(RowId(3), record.clone());
            let full = RowDraft::checked(RowId(3), record_cells(&record), Baseline::Known(record));
            prop_assert_eq!(&quick, &full);
            let read = crate::core::validate::parse_amount(&quick.text(Field::Amount)).ok();
            prop_assert_eq!(quick.amount(), read);
        }
    }
}
