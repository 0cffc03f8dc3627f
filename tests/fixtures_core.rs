//! Every golden file in `shared/vbapi/fixtures/` read through the core and the client's
//! answer readers: what each row ends up as, with the exact messages and activity IDs.
#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;

use tolerance_editor::api::ApiError;
use tolerance_editor::api::wire::{RawResponse, expect_status};
use tolerance_editor::core::columns::Field;
use tolerance_editor::core::draft::{RowDraft, RowId, RowState, rows_to_send};
use tolerance_editor::core::envelope::parse_data;
use tolerance_editor::core::keys::KeyIndex;
use tolerance_editor::core::multistatus::{
    OutcomeKind, StrayReason, match_answer, parse_batch_answer,
};
use tolerance_editor::core::planner::{Action, ChunkId, Planner, PlannerConfig, Response};
use tolerance_editor::core::record::Tolerance;
use tolerance_editor::core::validate::ProblemKind;

fn fixtures_dir() -> PathBuf {
    std::env::var_os("VBAPI_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/vbapi/fixtures")
        })
}

fn fixture(name: &str) -> String {
    let path = fixtures_dir().join(name);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("cannot read fixture {}: {err}", path.display()))
}

/// The fixtures this file covers; a new fixture without a test here fails the build's tests.
const COVERED: [&str; 6] = [
    "batch-207-data-null.json",
    "batch-207-loose-ids.json",
    "batch-207-mixed.json",
    "batch-request.json",
    "error-401.json",
    "list-page.json",
];

#[test]
fn every_fixture_file_has_a_test() {
    let mut found: Vec<String> = std::fs::read_dir(fixtures_dir())
        .expect("fixtures folder")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".json"))
        .collect();
    found.sort();
    assert_eq!(
        found, COVERED,
        "a fixture was added or removed: cover it here"
    );
}

fn sent_keys() -> Vec<i32> {
    let records: Vec<Tolerance> = serde_json::from_str(&fixture("batch-request.json")).unwrap();
    records.iter().map(|r| r.key).collect()
}

#[test]
fn batch_request_rows_validate_and_the_third_breaks_the_20_character_rule() {
    let records: Vec<Tolerance> = serde_json::from_str(&fixture("batch-request.json")).unwrap();
    let rows: Vec<RowDraft> = records
        .into_iter()
        .enumerate()
        .map(|(i, r)| RowDraft::from_record(RowId(i as u32), r))
        .collect();
    assert_eq!(rows[0].state(), RowState::Clean);
    assert_eq!(rows[1].text(Field::GroupId), "");
    assert_eq!(rows[1].text(Field::Amount), "0.50");
    assert_eq!(rows[2].state(), RowState::Invalid);
    let problem = rows[2].problem(Field::GroupId).unwrap();
    assert_eq!(problem.kind, ProblemKind::TooLong { chars: 29 });
    assert_eq!(
        problem.to_string(),
        "Group ID can be at most 20 characters; this one has 29."
    );
    let index = KeyIndex::build(rows.iter().map(|r| (r.id(), r.key())));
    assert_eq!(index.duplicate_keys().count(), 0);
}

#[test]
fn mixed_207_gives_updated_created_and_rejected_with_the_activity_id() {
    let answer = parse_batch_answer(&fixture("batch-207-mixed.json")).unwrap();
    let matched = match_answer(&sent_keys(), &answer);
    let kinds: Vec<_> = matched.rows.iter().map(|r| r.kind).collect();
    assert_eq!(
        kinds,
        [
            OutcomeKind::Updated,
            OutcomeKind::Created,
            OutcomeKind::Failed
        ]
    );
    assert_eq!(matched.rows[2].status, Some(400));
    assert_eq!(
        matched.rows[2].message,
        "group_ID must be 20 characters or fewer"
    );
    for row in &matched.rows {
        assert_eq!(row.activity_id.as_deref(), Some("0HN7V6B3Q5L2A:00000001"));
    }
    assert!(matched.strays.is_empty());
}

#[test]
fn loose_ids_match_by_case_and_string_value_and_leave_the_missing_row_unconfirmed() {
    let answer = parse_batch_answer(&fixture("batch-207-loose-ids.json")).unwrap();
    let matched = match_answer(&sent_keys(), &answer);
    let kinds: Vec<_> = matched.rows.iter().map(|r| r.kind).collect();
    assert_eq!(
        kinds,
        [
            OutcomeKind::Failed,
            OutcomeKind::Created,
            OutcomeKind::Unconfirmed
        ]
    );
    assert_eq!(matched.rows[0].status, Some(500));
    assert_eq!(
        matched.rows[0].message,
        "Deadlock victim; transaction rolled back"
    );
    assert_eq!(matched.rows[2].status, None);
    assert_eq!(matched.strays.len(), 1);
    assert_eq!(matched.strays[0].item.key, Some(99));
    assert_eq!(matched.strays[0].reason, StrayReason::NotSent);
    assert_eq!(
        matched.rows[1].activity_id.as_deref(),
        Some("0HN7V6B3Q5L2A:00000002")
    );
}

#[test]
fn data_null_with_an_error_fails_the_whole_batch_with_its_reason() {
    let answer = parse_batch_answer(&fixture("batch-207-data-null.json")).unwrap();
    assert_eq!(answer.items, None);
    let matched = match_answer(&sent_keys(), &answer);
    assert_eq!(matched.rows.len(), 3);
    for row in &matched.rows {
        assert_eq!(row.kind, OutcomeKind::Failed);
        assert_eq!(row.status, Some(400));
        assert_eq!(
            row.message,
            "The request body could not be read as a list of Tolerance."
        );
        assert_eq!(row.activity_id.as_deref(), Some("0HN7V6B3Q5L2A:00000003"));
    }
}

#[test]
fn an_expired_token_is_a_401_with_its_detail_and_makes_the_planner_refresh() {
    let raw = RawResponse {
        status: 401,
        body: fixture("error-401.json"),
        retry_after: None,
        pagination: None,
    };
    let err = expect_status(raw, &[207]).unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert_eq!(err.activity_id(), Some("0HN7V6B3Q5L2A:00000004"));
    let ApiError::Status { problem, .. } = &err else {
        panic!("{err:?}");
    };
    assert_eq!(
        problem.as_deref().unwrap().detail.as_deref(),
        Some("The ID token has expired.")
    );
    assert_eq!(err.planner_response(), Response::Unauthorized);

    let records: Vec<Tolerance> = serde_json::from_str(&fixture("batch-request.json")).unwrap();
    let rows = records
        .into_iter()
        .enumerate()
        .map(|(i, r)| (RowId(i as u32), r))
        .collect();
    let mut planner = Planner::new(PlannerConfig::default(), rows);
    assert_eq!(planner.next_action(0), Action::Send(ChunkId(0)));
    planner.on_response(ChunkId(0), err.planner_response(), 10);
    assert_eq!(planner.next_action(10), Action::RefreshToken);
}

#[test]
fn a_list_page_loads_as_clean_rows_that_are_not_sent() {
    let (records, envelope): (Vec<Tolerance>, _) = parse_data(&fixture("list-page.json")).unwrap();
    assert_eq!(
        envelope.activity_id.as_deref(),
        Some("0HN7V6B3Q5L2A:00000005")
    );
    let rows: Vec<RowDraft> = records
        .into_iter()
        .enumerate()
        .map(|(i, r)| RowDraft::from_record(RowId(i as u32), r))
        .collect();
    assert!(rows.iter().all(|r| r.state() == RowState::Clean));
    assert_eq!(rows[1].text(Field::EntryUser), "MLOPEZ");
    assert_eq!(rows[1].text(Field::UpdateDate), "2024-02-03T16:05:10Z");
    assert!(rows_to_send(&rows).is_empty());
}
