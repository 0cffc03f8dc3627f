use super::*;

fn rows(n: usize) -> Vec<(RowId, Tolerance)> {
    (0..n)
        .map(|i| {
            let record = Tolerance {
                key: i as i32,
                amount: 1.0,
                group_id: None,
                payment_method: None,
                entry_date: None,
                entry_user: None,
                update_date: None,
                update_user: None,
            };
            (RowId(i as u32), record)
        })
        .collect()
}

fn config(chunk_size: usize) -> PlannerConfig {
    PlannerConfig {
        chunk_size,
        jitter_seed: 7,
        ..PlannerConfig::default()
    }
}

fn retryable(status: u16, retry_after_ms: Option<Millis>) -> Response {
    Response::Retryable {
        trouble: Trouble::new(Some(status), format!("HTTP {status}")),
        retry_after_ms,
    }
}

#[test]
fn splits_into_chunks_of_the_configured_size_in_order() {
    let planner = Planner::new(config(500), rows(1201));
    let sizes: Vec<_> = planner.chunks().iter().map(|c| c.rows.len()).collect();
    assert_eq!(sizes, [500, 500, 201]);
    assert_eq!(planner.chunk(ChunkId(2)).unwrap().rows[0], RowId(1000));
    assert_eq!(planner.chunk(ChunkId(1)).unwrap().keys()[0], 500);
    assert_eq!(planner.progress().rows_total, 1201);
    let mut empty = Planner::new(config(500), Vec::new());
    assert_eq!(empty.next_action(0), Action::Done);
}

#[test]
fn paces_requests_and_bounds_concurrency() {
    let mut planner = Planner::new(
        PlannerConfig {
            max_in_flight: 2,
            ..config(1)
        },
        rows(4),
    );
    assert_eq!(planner.next_action(0), Action::Send(ChunkId(0)));
    // 20 requests/s: the next may start 50 ms later.
    assert_eq!(planner.next_action(10), Action::Wait { until: 50 });
    assert_eq!(planner.next_action(50), Action::Send(ChunkId(1)));
    assert_eq!(planner.next_action(500), Action::Idle, "two in flight");
    assert!(planner.on_response(ChunkId(0), Response::Answered, 510));
    assert!(
        !planner.on_response(ChunkId(0), Response::Answered, 511),
        "reported twice"
    );
    assert_eq!(planner.next_action(510), Action::Send(ChunkId(2)));
    let progress = planner.progress();
    assert_eq!((progress.rows_answered, progress.in_flight), (1, 2));
}

#[test]
fn retries_with_backoff_honouring_retry_after_then_gives_up() {
    let mut planner = Planner::new(
        PlannerConfig {
            max_attempts: 3,
            ..config(10)
        },
        rows(1),
    );
    assert_eq!(planner.next_action(0), Action::Send(ChunkId(0)));
    planner.on_response(ChunkId(0), retryable(503, None), 100);
    // First retry: 500 ms backoff, half of it jittered: 250..=500 ms.
    let Action::Wait { until } = planner.next_action(100) else {
        panic!("expected a wait");
    };
    assert!((350..=600).contains(&until), "{until}");
    assert_eq!(planner.next_action(until), Action::Send(ChunkId(0)));
    planner.on_response(ChunkId(0), retryable(429, Some(7_000)), until);
    assert_eq!(
        planner.next_action(until),
        Action::Wait {
            until: until + 7_000
        }
    );
    assert_eq!(planner.next_action(until + 7_000), Action::Send(ChunkId(0)));
    planner.on_response(ChunkId(0), retryable(504, None), until + 7_100);
    assert_eq!(planner.next_action(until + 7_100), Action::Done);
    // A gateway timeout may hide a write that happened: the rows are unconfirmed, not failed.
    let ChunkStatus::Unconfirmed(trouble) = &planner.chunks()[0].status else {
        panic!("expected unconfirmed");
    };
    assert_eq!(trouble.status, Some(504));
    assert!(
        trouble.reason.contains("gave up after 3 tries"),
        "{trouble:?}"
    );
    let outcome = planner.chunk_outcome(ChunkId(0)).unwrap();
    assert_eq!(
        outcome.kind,
        crate::core::multistatus::OutcomeKind::Unconfirmed
    );
    assert_eq!(outcome.status, Some(504));
}

#[test]
fn retry_after_is_capped_and_a_429_holds_every_chunk() {
    let mut planner = Planner::new(config(1), rows(2));
    planner.next_action(0);
    planner.on_response(ChunkId(0), retryable(429, Some(3_600_000)), 10);
    // Chunk 1 was ready, but the limit is per key: it waits too, at most the cap.
    assert_eq!(planner.next_action(20), Action::Wait { until: 60_010 });
}

#[test]
fn other_failures_are_not_retried_and_unreadable_answers_are_unconfirmed() {
    let mut planner = Planner::new(config(1), rows(2));
    planner.next_action(0);
    planner.next_action(50);
    let refused = Trouble {
        activity_id: Some("A:9".into()),
        ..Trouble::new(Some(400), "Bad request")
    };
    planner.on_response(ChunkId(0), Response::Failed(refused), 60);
    planner.on_response(
        ChunkId(1),
        Response::Unconfirmed(Trouble::new(Some(207), "not JSON")),
        60,
    );
    assert_eq!(planner.next_action(60), Action::Done);
    assert!(matches!(
        planner.chunks()[1].status,
        ChunkStatus::Unconfirmed(_)
    ));
    let failed = planner.chunk_outcome(ChunkId(0)).unwrap();
    assert_eq!(
        (
            failed.status,
            failed.message.as_str(),
            failed.activity_id.as_deref()
        ),
        (Some(400), "Bad request", Some("A:9"))
    );
    let unsure = planner.chunk_outcome(ChunkId(1)).unwrap();
    assert_eq!(
        unsure.kind,
        crate::core::multistatus::OutcomeKind::Unconfirmed
    );
    assert_eq!(planner.progress().rows_answered, 2);
}

#[test]
fn a_401_refreshes_once_then_asks_to_sign_in_and_resumes() {
    let mut planner = Planner::new(config(1), rows(3));
    assert_eq!(planner.next_action(0), Action::Send(ChunkId(0)));
    assert_eq!(planner.next_action(50), Action::Send(ChunkId(1)));
    planner.on_response(ChunkId(0), Response::Unauthorized, 60);
    assert_eq!(planner.next_action(60), Action::RefreshToken);
    assert_eq!(
        planner.next_action(61),
        Action::Idle,
        "nothing goes out while refreshing"
    );
    // A request sent with the old token fails too: no second refresh.
    planner.on_response(ChunkId(1), Response::Unauthorized, 62);
    planner.on_token_refreshed(true);
    assert_eq!(planner.next_action(100), Action::Send(ChunkId(0)));
    assert_eq!(
        planner.chunks()[0].attempts,
        1,
        "a 401 does not use up a try"
    );
    planner.on_response(ChunkId(0), Response::Unauthorized, 120);
    assert_eq!(planner.next_action(120), Action::AskSignIn);
    assert_eq!(planner.next_action(121), Action::Idle);
    planner.on_signed_in();
    assert_eq!(planner.next_action(200), Action::Send(ChunkId(0)));
    planner.on_response(ChunkId(0), Response::Answered, 210);
    assert_eq!(planner.next_action(250), Action::Send(ChunkId(1)));
}

#[test]
fn a_failed_refresh_asks_to_sign_in() {
    let mut planner = Planner::new(config(1), rows(1));
    planner.next_action(0);
    planner.on_response(ChunkId(0), Response::Unauthorized, 10);
    assert_eq!(planner.next_action(10), Action::RefreshToken);
    planner.on_token_refreshed(false);
    assert_eq!(planner.next_action(11), Action::AskSignIn);
}

#[test]
fn cancel_stops_further_chunks_and_lets_flights_land() {
    let mut planner = Planner::new(config(2), rows(7));
    assert_eq!(planner.next_action(0), Action::Send(ChunkId(0)));
    planner.cancel();
    assert_eq!(
        planner.next_action(100),
        Action::Idle,
        "one still in flight"
    );
    planner.on_response(ChunkId(0), Response::Answered, 150);
    assert_eq!(planner.next_action(150), Action::Done);
    let unsent: Vec<_> = planner.unsent_rows().collect();
    assert_eq!(unsent, (2..7).map(RowId).collect::<Vec<_>>());
    let progress = planner.progress();
    assert_eq!((progress.rows_answered, progress.rows_cancelled), (2, 5));
}

#[test]
fn a_chunk_whose_earlier_try_may_have_been_saved_is_never_reported_unsent_or_refused() {
    let two_tries = PlannerConfig {
        max_attempts: 2,
        ..config(1)
    };
    let status = |planner: &Planner, chunk: usize| planner.chunks()[chunk].status.clone();
    let reason = |status: ChunkStatus| match status {
        ChunkStatus::Unconfirmed(trouble) => (trouble.status, trouble.reason),
        other => panic!("expected unconfirmed, got {other:?}"),
    };

    // Cancelled while waiting to try again: after a 504 the rows may be saved; after a 503
    // they were not, and stay to be sent next time.
    let mut planner = Planner::new(two_tries.clone(), rows(2));
    planner.next_action(0);
    planner.next_action(50);
    planner.on_response(ChunkId(0), retryable(504, None), 100);
    planner.on_response(ChunkId(1), retryable(503, None), 100);
    assert_eq!(
        planner.cancel(),
        [ChunkId(0)],
        "the chunk whose rows need an outcome"
    );
    assert_eq!(planner.next_action(100), Action::Done);
    assert_eq!(
        reason(status(&planner, 0)),
        (
            Some(504),
            "HTTP 504 (cancelled before it was tried again)".into()
        )
    );
    assert_eq!(status(&planner, 1), ChunkStatus::Cancelled);
    assert_eq!(planner.unsent_rows().collect::<Vec<_>>(), [RowId(1)]);
    assert_eq!(planner.progress().rows_cancelled, 1);
    assert_eq!(
        planner.chunk_outcome(ChunkId(0)).unwrap().kind,
        crate::core::multistatus::OutcomeKind::Unconfirmed
    );

    // Cancelled while the retry is in flight, which then comes back refused for the token:
    // the first try may still have been saved.
    let mut planner = Planner::new(two_tries.clone(), rows(1));
    planner.next_action(0);
    planner.on_response(ChunkId(0), retryable(502, None), 10);
    let Action::Wait { until } = planner.next_action(10) else {
        panic!("expected a wait");
    };
    planner.next_action(until);
    planner.cancel();
    planner.on_response(ChunkId(0), Response::Unauthorized, until + 10);
    assert_eq!(reason(status(&planner, 0)).0, Some(502));

    // Gave up on a 503, or refused as a whole, after a try that timed out: unconfirmed.
    for last in [
        retryable(503, None),
        Response::Failed(Trouble::new(Some(409), "HTTP 409")),
    ] {
        let mut planner = Planner::new(two_tries.clone(), rows(1));
        planner.next_action(0);
        planner.on_response(ChunkId(0), retryable(504, None), 10);
        let Action::Wait { until } = planner.next_action(10) else {
            panic!("expected a wait");
        };
        assert_eq!(planner.next_action(until), Action::Send(ChunkId(0)));
        planner.on_response(ChunkId(0), last, until + 10);
        let (code, why) = reason(status(&planner, 0));
        assert!(matches!(code, Some(503 | 409)), "{code:?}");
        assert!(
            why.ends_with("(an earlier try may have saved them)"),
            "{why}"
        );
    }

    // Without a doubtful try, the same answers still fail the chunk.
    let mut planner = Planner::new(two_tries, rows(1));
    planner.next_action(0);
    planner.on_response(ChunkId(0), retryable(503, None), 10);
    let Action::Wait { until } = planner.next_action(10) else {
        panic!("expected a wait");
    };
    planner.next_action(until);
    planner.on_response(ChunkId(0), retryable(429, None), until + 10);
    assert!(matches!(status(&planner, 0), ChunkStatus::Failed(_)));
}

#[test]
fn the_same_seed_gives_the_same_run() {
    let run = |seed| {
        let mut planner = Planner::new(
            PlannerConfig {
                jitter_seed: seed,
                ..config(1)
            },
            rows(1),
        );
        planner.next_action(0);
        planner.on_response(ChunkId(0), retryable(502, None), 0);
        planner.next_action(0)
    };
    assert_eq!(run(1), run(1));
    assert_ne!(run(1), run(2));
}

#[test]
fn only_a_chunk_with_its_final_answer_hands_over_its_records() {
    let config = PlannerConfig {
        chunk_size: 2,
        ..PlannerConfig::default()
    };
    let mut planner = Planner::new(config, rows(3));
    let Action::Send(first) = planner.next_action(0) else {
        panic!("sends first");
    };
    assert!(planner.take_records(first).is_empty(), "still in flight");
    assert!(planner.on_response(first, Response::Answered, 10));
    assert_eq!(planner.take_records(first).len(), 2);
    assert_eq!(planner.progress().rows_answered, 2, "the rows still count");
}

#[test]
fn a_retry_answer_refusing_rows_a_timed_out_try_may_have_saved_leaves_them_unconfirmed() {
    use crate::core::multistatus::{OutcomeKind, parse_batch_answer};
    let item = |key: i32, status: u16| {
        format!(
            r#"{{"id":[{{"key":"tolerance_Key","value":{key}}}],"status":{status},"body":"x"}}"#
        )
    };
    let items_500 = format!(
        r#"{{"data":[{},{}],"error":null}}"#,
        item(0, 500),
        item(1, 201)
    );
    let data_null = r#"{"data":null,"error":{"title":"Bad request","status":400}}"#.to_string();
    for (body, expected) in [
        (items_500, [OutcomeKind::Unconfirmed, OutcomeKind::Created]),
        (data_null, [OutcomeKind::Unconfirmed; 2]),
    ] {
        let answer = parse_batch_answer(&body).unwrap();
        // The first try timed out (it may have been applied); the retry is answered.
        let mut planner = Planner::new(config(2), rows(2));
        assert_eq!(planner.next_action(0), Action::Send(ChunkId(0)));
        let timeout = Response::Retryable {
            trouble: Trouble::new(None, "timed out"),
            retry_after_ms: None,
        };
        planner.on_response(ChunkId(0), timeout, 30_000);
        let Action::Wait { until } = planner.next_action(30_000) else {
            panic!("expected a wait");
        };
        assert_eq!(planner.next_action(until), Action::Send(ChunkId(0)));
        planner.on_response(ChunkId(0), Response::Answered, until + 10);
        let matched = planner.match_answer(ChunkId(0), &answer);
        let kinds: Vec<_> = matched.rows.iter().map(|r| r.kind).collect();
        assert_eq!(kinds, expected, "{body}");
        assert!(
            matched.rows[0]
                .message
                .ends_with("(an earlier try may have saved it)")
        );

        // Without the doubtful try, the same answer proves the refusal.
        let mut planner = Planner::new(config(2), rows(2));
        planner.next_action(0);
        planner.on_response(ChunkId(0), Response::Answered, 10);
        let matched = planner.match_answer(ChunkId(0), &answer);
        assert_eq!(matched.rows[0].kind, OutcomeKind::Failed, "{body}");
    }
}

#[test]
fn the_retry_rule_doubles_with_jitter_and_honours_a_capped_retry_after() {
    let config = PlannerConfig::default();
    assert_eq!(config.send_interval(), 50, "20 requests a second");
    for random in [0, 1, 249, 250, u64::MAX] {
        let first = config.retry_delay(1, None, random);
        assert!((250..=500).contains(&first), "{first}");
        let third = config.retry_delay(3, None, random);
        assert!((1_000..=2_000).contains(&third), "{third}");
        let late = config.retry_delay(30, None, random);
        assert!((15_000..=30_000).contains(&late), "{late}: capped");
        assert_eq!(config.retry_delay(1, Some(7_000), random), 7_000);
        assert_eq!(config.retry_delay(1, Some(600_000), random), 60_000);
    }
}
