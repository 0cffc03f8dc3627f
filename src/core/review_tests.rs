use super::*;
use crate::core::columns::CellText;
use crate::core::multistatus::RowOutcome;

fn record(key: i32, amount: f64, group: &str) -> Tolerance {
    Tolerance::sample(key, amount, group)
}

/// Rows 1–4 loaded; 1 changed in amount and group, 2 left alone, 3 sent and refused, 4 sent
/// and unconfirmed then edited; one new row 9.
fn mixed() -> (Table, Vec<RowId>) {
    let mut table = Table::from_records([
        record(1, 5.0, "GRP001"),
        record(2, 0.5, "GRP002"),
        record(3, 1.0, "GRP003"),
        record(4, 2.0, "GRP004"),
    ]);
    let mut ids: Vec<_> = table.rows().iter().map(|r| r.id()).collect();
    table.set_text(ids[2], Field::Amount, "7");
    table.set_text(ids[3], Field::Amount, "8");
    let sent = table.rows_to_send(false);
    table.mark_pending(&[ids[2], ids[3]]);
    table.apply_outcomes(vec![
        (
            ids[2],
            sent[0].1.clone(),
            RowOutcome::failed(Some(422), "Group refused", None),
        ),
        (
            ids[3],
            sent[1].1.clone(),
            RowOutcome::unconfirmed("No answer", None),
        ),
    ]);
    // Edited after the unconfirmed try: changed, against an unknown server.
    table.set_text(ids[3], Field::Amount, "9");
    table.set_text(ids[0], Field::Amount, "6");
    table.set_text(ids[0], Field::GroupId, "GRP010");
    let new = table.append_cells(vec![["9".into(), "3".into(), "".into(), "EFT".into()]]);
    ids.extend(new);
    (table, ids)
}

#[test]
fn lists_exactly_what_submit_and_resend_failed_send() {
    let (table, _) = mixed();
    for only_failed in [false, true] {
        let review = Review::of(&table, only_failed);
        let listed: Vec<RowId> = review.rows.iter().map(|r| r.id).collect();
        let sent: Vec<RowId> = table
            .rows_to_send(only_failed)
            .iter()
            .map(|(id, _)| *id)
            .collect();
        assert_eq!(listed, sent, "only_failed = {only_failed}");
        assert_eq!(review.counts.total(), sent.len());
    }
}

#[test]
fn counts_and_diffs_of_a_mixed_table() {
    let (table, ids) = mixed();
    let review = Review::of(&table, false);
    assert_eq!(
        review.counts,
        ReviewCounts {
            new: 1,
            changed: 2,
            resend: 1,
            warned: 0
        }
    );
    let row = |id| review.rows.iter().find(|r| r.id == id).unwrap();

    let changed = row(ids[0]);
    assert_eq!(changed.change, Change::Changed);
    assert_eq!(
        (
            changed.key.as_str(),
            changed.group.as_str(),
            changed.payment.as_str()
        ),
        ("1", "GRP010", "ACH")
    );
    assert_eq!(
        changed.differences(),
        "Tolerance amount: 5.00 → 6.00; Group ID: GRP001 → GRP010"
    );

    let refused = row(ids[2]);
    assert_eq!(refused.change, Change::Resend);
    assert_eq!(refused.differences(), "Tolerance amount: 1.00 → 7.00");

    let unknown = row(ids[3]);
    assert_eq!(unknown.change, Change::Changed);
    assert!(unknown.server_unknown);
    assert_eq!(
        unknown.differences(),
        "Tolerance amount: the server's value is unknown (last known 2.00) → 9.00"
    );

    let new = row(ids[4]);
    assert_eq!(new.change, Change::New);
    assert_eq!(
        new.differences(),
        "Tolerance key: 9; Tolerance amount: 3.00; Payment method: EFT"
    );
    assert!(
        !review.rows.iter().any(|r| r.id == ids[1]),
        "an unchanged row is not sent"
    );
}

#[test]
fn resend_failed_reviews_only_the_rows_it_resends() {
    let (table, ids) = mixed();
    let review = Review::of(&table, true);
    assert_eq!(
        review.rows.iter().map(|r| r.id).collect::<Vec<_>>(),
        [ids[2]]
    );
    assert_eq!(
        review.counts,
        ReviewCounts {
            new: 0,
            changed: 0,
            resend: 1,
            warned: 0
        }
    );
}

#[test]
fn a_row_sent_again_unchanged_says_so() {
    let mut table = Table::from_records([record(1, 5.0, "GRP001")]);
    let id = table.rows()[0].id();
    table.set_text(id, Field::Amount, "6");
    let sent = table.rows_to_send(false);
    table.mark_pending(&[id]);
    table.apply_outcomes(vec![(
        id,
        sent[0].1.clone(),
        RowOutcome::unconfirmed("timed out", None),
    )]);
    table.set_text(id, Field::Amount, "5");
    let review = Review::of(&table, false);
    assert_eq!(table.row(id).unwrap().state(), RowState::Modified);
    assert_eq!(
        review.rows[0].differences(),
        "The server's values are unknown; sent again as they are"
    );
}

#[test]
fn rows_naming_values_the_database_does_not_list_are_counted_listed_and_exported() {
    let (mut table, _) = mixed();
    table.set_known_values(crate::core::known_values::KnownValues::new(
        "DEMO_LIVE",
        ["GRP001", "GRP003", "GRP004"].map(String::from),
        ["ACH", "EFT"].map(String::from),
    ));
    let review = Review::of(&table, false);
    // Row 1 now names GRP010, row 9 has no group and pays by EFT: only row 1 is warned.
    assert_eq!(review.counts.warned, 1);
    assert_eq!(review.counts.total(), 4, "a warned row is still sent");
    let warned = review.shown(ReviewFilter::Warned, "");
    assert_eq!(warned.len(), 1);
    assert_eq!(review.rows[warned[0]].key, "1");
    assert_eq!(
        review.rows[warned[0]].warnings,
        ["GRP010 is not a group in DEMO_LIVE"]
    );
    let csv = review.to_csv(
        "DEMO_LIVE",
        crate::core::list_separator::ListSeparator::Comma,
    );
    assert!(
        csv.lines().any(|l| l.starts_with("DEMO_LIVE,Changed,1,")
            && l.ends_with(",GRP010 is not a group in DEMO_LIVE")),
        "{csv}"
    );
}

#[test]
fn filter_and_search_keep_places_in_order() {
    let (table, _) = mixed();
    let review = Review::of(&table, false);
    let keys = |places: Vec<usize>| -> Vec<String> {
        places
            .into_iter()
            .map(|p| review.rows[p].key.clone())
            .collect()
    };
    assert_eq!(
        keys(review.shown(ReviewFilter::All, "")),
        ["1", "3", "4", "9"]
    );
    assert_eq!(
        keys(review.shown(ReviewFilter::Only(Change::Changed), "")),
        ["1", "4"]
    );
    assert_eq!(
        keys(review.shown(ReviewFilter::Only(Change::Resend), "")),
        ["3"]
    );
    assert_eq!(keys(review.shown(ReviewFilter::All, " grp010 ")), ["1"]);
    // An old value is found too.
    assert_eq!(keys(review.shown(ReviewFilter::All, "GRP001")), ["1"]);
    assert_eq!(
        keys(review.shown(ReviewFilter::Only(Change::New), "eft")),
        ["9"]
    );
    assert!(
        review
            .shown(ReviewFilter::Only(Change::New), "GRP010")
            .is_empty()
    );
}

#[test]
fn the_csv_names_the_database_and_keeps_formulas_harmless() {
    let mut table = Table::new();
    table.append_cells(vec![[
        "5".into(),
        "1".into(),
        "=HYPERLINK(1)".into(),
        "".into(),
    ]]);
    let csv = Review::of(&table, false).to_csv(
        "DEMO_LIVE",
        crate::core::list_separator::ListSeparator::Comma,
    );
    let mut lines = csv.trim_start_matches('\u{feff}').split("\r\n");
    assert_eq!(
        lines.next(),
        Some(
            "Database,Change,Tolerance key,Group ID,Payment method,Cells that differ (server → sent),Warnings"
        )
    );
    assert_eq!(
        lines.next(),
        Some(
            "DEMO_LIVE,New,5,'=HYPERLINK(1),,\"Tolerance key: 5; Tolerance amount: 1.00; Group ID: =HYPERLINK(1)\","
        )
    );
}

#[test]
fn a_hundred_thousand_changed_rows_are_reviewed_quickly() {
    let records = (0..100_000).map(|k| record(k, 1.0, "GRP001"));
    let mut table = Table::from_records(records);
    let edits = table
        .rows()
        .iter()
        .map(|r| (r.id(), Field::Amount, CellText::from("2")))
        .collect();
    table.set_texts(edits);
    let started = std::time::Instant::now();
    let review = Review::of(&table, false);
    let shown = review.shown(ReviewFilter::Only(Change::Changed), "99999");
    let took = started.elapsed();
    assert_eq!(review.counts.changed, 100_000);
    assert_eq!(shown.len(), 1);
    // Natively a debug build; the browser's figure is in `cargo xtask bench`.
    assert!(took.as_millis() < 3_000, "took {took:?}");
}
