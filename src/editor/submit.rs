//! Drives a submit: first reads the server for changes made since loading
//! ([`conflicts::check_before_send`]: a row someone else changed meanwhile is a conflict and
//! does not go), then asks the core's [`Planner`] what to do, sends chunks with the API
//! client, and writes each row's outcome into the table as answers arrive.

use std::cell::RefCell;
use std::rc::Rc;

use futures::future::{Either, LocalBoxFuture, select};
use futures::stream::{FuturesUnordered, StreamExt};
use leptos::prelude::*;

use crate::api::{self, ApiError, Connection};
use crate::core::draft::{RowId, RowState};
use crate::core::multistatus::{BatchAnswer, OutcomeKind, RowOutcome};
use crate::core::planner::{
    Action, ChunkId, ChunkStatus, Planner, PlannerConfig, Progress, Response,
};
use crate::core::record::Tolerance;
use crate::core::table::{Refusals, Touched};
use crate::editor::bulk::yield_to_browser;
use crate::editor::conflicts::{self, CheckFailed};
use crate::editor::draft_keeper::DraftKeeper;
use crate::editor::session::Session;
use crate::editor::store::TableStore;
use crate::editor::time::{measured, now_ms, sleep};

/// How often a waiting driver looks at Cancel and at the sign-in dialog.
const POLL_MS: u64 = 100;

/// What the submit bar shows; a Copy handle shared through context.
#[derive(Clone, Copy)]
pub struct SubmitControl {
    pub running: RwSignal<bool>,
    /// While the server is read for changes before sending: pages read, of pages asked.
    pub checking: RwSignal<Option<(usize, usize)>>,
    pub progress: RwSignal<Progress>,
    cancel_requested: RwSignal<bool>,
    /// The last submit's counts, for the summary line.
    pub last: RwSignal<Option<SubmitReport>>,
}

/// What one submit came to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubmitReport {
    pub sent: usize,
    pub created: usize,
    pub updated: usize,
    pub failed: usize,
    pub unconfirmed: usize,
    /// Rows a Cancel left unsent.
    pub not_sent: usize,
    /// Rows the check before sending found changed on the server since they were loaded
    /// or last confirmed: not sent, waiting for the user's choice.
    pub conflicts: usize,
    /// Rows the check found the server already holds as they are: nothing left to send.
    pub already_saved: usize,
    /// Rows an answer refused that a read found saved on the server (an earlier send of
    /// their batch was carried out): not counted as failed.
    pub found_saved: usize,
    /// Why nothing was sent, when the check before sending could not finish.
    pub check_failed: Option<CheckFailed>,
    /// Answers about keys that were not sent, reported but applied to no row.
    pub strays: Vec<String>,
}

impl SubmitReport {
    /// The summary line.
    pub fn text(&self) -> String {
        if let Some(failed) = &self.check_failed {
            return failed.text();
        }
        let count = |n: usize| match n {
            1 => "1 row".to_string(),
            n => format!("{n} rows"),
        };
        let mut text = format!(
            "Last submit: {} created, {} updated, {} failed, {} unconfirmed.",
            self.created, self.updated, self.failed, self.unconfirmed
        );
        if self.not_sent > 0 {
            text.push_str(&format!(" {} not sent (cancelled).", self.not_sent));
        }
        if self.conflicts > 0 {
            text.push_str(&format!(
                " {} changed on the server since loaded, not sent: each waits for your \
                 choice, Keep mine or Take the server's.",
                count(self.conflicts)
            ));
        }
        if self.found_saved > 0 {
            text.push_str(&format!(
                " {} refused by the answer but found saved on the server when read back (an \
                 earlier send of their batch was carried out).",
                count(self.found_saved)
            ));
        }
        if self.already_saved > 0 {
            text.push_str(&format!(
                " {} already on the server as they are.",
                count(self.already_saved)
            ));
        }
        text
    }
}

impl SubmitControl {
    pub fn new() -> Self {
        SubmitControl {
            running: RwSignal::new(false),
            checking: RwSignal::new(None),
            progress: RwSignal::new(Progress::default()),
            cancel_requested: RwSignal::new(false),
            last: RwSignal::new(None),
        }
    }

    pub fn cancel(&self) {
        self.cancel_requested.set(true);
    }

    /// Cancel was pressed during this submit.
    pub fn is_cancelling(&self) -> bool {
        self.cancel_requested.get_untracked()
    }
}

impl Default for SubmitControl {
    fn default() -> Self {
        Self::new()
    }
}

type Sent = (ChunkId, Result<BatchAnswer, ApiError>);

/// Sends the new and changed rows (or, with `only_failed`, just the failed and unconfirmed
/// ones) and returns when every chunk is answered, failed or cancelled. Before anything
/// leaves, the server is read for changes made to those rows' records since they were
/// loaded or last confirmed: those rows are conflicts and stay; if that read cannot finish,
/// nothing is sent. Before the first request leaves, the rows are marked as being sent in
/// the saved draft: a page closed after the server applied a batch but before its answer
/// arrived reopens with them Unconfirmed. Returns the rows it sent.
pub async fn submit(
    session: Session,
    store: TableStore,
    drafts: DraftKeeper,
    control: SubmitControl,
    only_failed: bool,
) -> Vec<RowId> {
    if control.running.get_untracked() || store.summary().get_untracked().to_send == 0 {
        return Vec::new();
    }
    control.cancel_requested.set(false);
    control.checking.set(Some((0, 0)));
    control.running.set(true);
    // The check begins in a task of its own, not in the Send click's (which closes the
    // review and shows the progress): together they were one task of 52 to 80 ms.
    yield_to_browser().await;
    let checked = conflicts::check_before_send(session, store, control, only_failed).await;
    control.checking.set(None);
    let mut report = SubmitReport::default();
    let rows = match checked {
        Ok(checked) => {
            report.conflicts = checked.conflicts;
            report.already_saved = checked.already_saved;
            take_to_send(store, &checked).await
        }
        Err(failed) => {
            report.check_failed = Some(failed);
            Vec::new()
        }
    };
    if rows.is_empty() {
        control.last.set(Some(report));
        drafts.save_now();
        control.running.set(false);
        return Vec::new();
    }
    let config = PlannerConfig {
        chunk_size: session.config().batch_size,
        jitter_seed: now_ms() ^ 0x0005_DEEC_E66D,
        ..PlannerConfig::default()
    };
    // The database is fixed for the whole submit (the picker is locked while it runs).
    let conn = session.connection();
    let ids: Vec<RowId> = rows.iter().map(|(id, _)| *id).collect();
    let planner = Rc::new(RefCell::new(measured("submit:prepare", || {
        Planner::new(config, rows)
    })));
    drafts.flush().await;
    control.progress.set(planner.borrow().progress());
    report.sent = ids.len();
    let mut in_flight: FuturesUnordered<LocalBoxFuture<'static, Sent>> = FuturesUnordered::new();
    let mut held = Refusals::default();

    loop {
        if control.cancel_requested.get_untracked() && !planner.borrow().is_cancelled() {
            session.reauth_needed.set(false);
            let mut planner = planner.borrow_mut();
            for id in planner.cancel() {
                let outcomes = outcomes_without_answer(&planner, id);
                write_outcomes(store, &mut planner, id, outcomes, &mut report, &mut held);
            }
        }
        let action = planner.borrow_mut().next_action(now_ms());
        let woke = match action {
            Action::Send(id) => {
                in_flight.push(send(session, &conn, &planner, id));
                None
            }
            Action::RefreshToken => {
                let ok = refresh(session, &conn).await;
                planner.borrow_mut().on_token_refreshed(ok);
                None
            }
            Action::AskSignIn => {
                session.reauth_needed.set(true);
                None
            }
            Action::Wait { until } => {
                wait(&mut in_flight, until.saturating_sub(now_ms()).min(POLL_MS)).await
            }
            Action::Idle => {
                // Answers in flight are read while "Sign in again" is open too: they are on
                // their way, and each request's own timer would cut a body left unread.
                let asking = session.reauth_needed.get_untracked();
                let woke = wait(&mut in_flight, POLL_MS).await;
                if asking && !session.reauth_needed.get_untracked() && session.is_signed_in() {
                    planner.borrow_mut().on_signed_in();
                }
                woke
            }
            Action::Done => break,
        };
        if let Some((id, result)) = woke {
            measured("submit:match", || {
                settle(store, &planner, id, result, &mut report, &mut held)
            });
        }
        control.progress.set(planner.borrow().progress());
    }

    let unsent: Vec<RowId> = planner.borrow().unsent_rows().collect();
    report.not_sent = unsent.len();
    store.update(|t| t.cancel_pending(&unsent));
    // A refusal may answer a second send of a batch the server carried out: the refused
    // rows are read back before any of them says "not applied".
    if !held.is_empty() {
        let rows = held.rows();
        if !control.is_cancelling() {
            control.checking.set(Some((0, 0)));
            let _ = conflicts::read_back(session, store, control, &rows).await;
            control.checking.set(None);
        }
        let mut confirmed = 0;
        store.update(|t| {
            let (refused, touched) = t.confirm_refusals(held);
            confirmed = refused;
            touched
        });
        let saved = store.with(|t| {
            rows.iter()
                .filter_map(|id| t.row(*id))
                .filter(|r| matches!(r.state(), RowState::Created | RowState::Updated))
                .count()
        });
        report.failed += confirmed;
        report.found_saved += saved;
        report.unconfirmed += rows.len().saturating_sub(confirmed + saved);
    }
    control.last.set(Some(report));
    // The answers are kept at once, not 400 ms later: a page closed now reopens with them.
    drafts.save_now();
    control.running.set(false);
    ids
}

/// Rows taken at once by [`take_to_send`]: some 15 ms of work each at 100,000 rows.
const PICK_ROWS: usize = 20_000;

/// The rows to send, as the check before sending left them, each marked pending as it is
/// taken (`Table::take_to_send`): a slice of rows at a time, the browser given a turn
/// before each, so that 100,000 rows are not one long task. Nothing is sent before every
/// slice is taken and the draft saved.
async fn take_to_send(store: TableStore, checked: &conflicts::Checked) -> Vec<(RowId, Tolerance)> {
    let mut rows = Vec::new();
    for ids in checked.ids.chunks(PICK_ROWS) {
        yield_to_browser().await;
        measured("submit:prepare", || {
            store.update(|t| {
                let (taken, touched) = t.take_to_send(ids, &checked.read);
                rows.extend(taken);
                touched
            })
        });
    }
    rows
}

fn send(
    session: Session,
    conn: &Connection,
    planner: &Rc<RefCell<Planner>>,
    id: ChunkId,
) -> LocalBoxFuture<'static, Sent> {
    let body = api::batch_body(planner.borrow().chunk(id).map_or(&[], |c| &c.records));
    let conn = conn.clone();
    let tokens = session.tokens.get_untracked();
    Box::pin(async move {
        let result = match (tokens, body) {
            (_, Err(err)) => Err(err),
            (Some(tokens), Ok(body)) => api::send_chunk(&conn, &tokens, body).await,
            (None, Ok(_)) => Err(ApiError::Status {
                status: 401,
                problem: None,
                activity_id: None,
                retry_after_ms: None,
            }),
        };
        (id, result)
    })
}

/// One token refresh; whether it gave new tokens.
pub(crate) async fn refresh(session: Session, conn: &Connection) -> bool {
    let Some(tokens) = session.tokens.get_untracked() else {
        return false;
    };
    match api::refresh_tokens(conn, &tokens).await {
        Ok(fresh) => {
            session.tokens.set(Some(fresh));
            true
        }
        Err(_) => false,
    }
}

/// Waits for the next answer or `ms`, whichever comes first.
async fn wait(
    in_flight: &mut FuturesUnordered<LocalBoxFuture<'static, Sent>>,
    ms: u64,
) -> Option<Sent> {
    if in_flight.is_empty() {
        sleep(ms).await;
        return None;
    }
    match select(in_flight.next(), Box::pin(sleep(ms))).await {
        Either::Left((answer, _)) => answer,
        Either::Right(_) => None,
    }
}

/// Reports an answer to the planner and writes the rows' outcomes into the table.
fn settle(
    store: TableStore,
    planner: &Rc<RefCell<Planner>>,
    id: ChunkId,
    result: Result<BatchAnswer, ApiError>,
    report: &mut SubmitReport,
    held: &mut Refusals,
) {
    let now = now_ms();
    let response = match &result {
        Ok(_) => Response::Answered,
        Err(err) => err.planner_response(),
    };
    let mut planner = planner.borrow_mut();
    if !planner.on_response(id, response, now) {
        return;
    }
    let Some(chunk) = planner.chunk(id) else {
        return;
    };
    let outcomes: Vec<RowOutcome> = match (&result, &chunk.status) {
        (Ok(answer), _) => {
            let matched = planner.match_answer(id, answer);
            report.strays.extend(matched.strays.iter().map(|stray| {
                format!(
                    "The server answered about key {} ({}), which was not sent: {}",
                    stray.item.key_text,
                    stray.item.status.map(|s| s.to_string()).unwrap_or_default(),
                    stray.item.body
                )
            }));
            matched.rows
        }
        (Err(_), ChunkStatus::Failed(_) | ChunkStatus::Unconfirmed(_)) => {
            outcomes_without_answer(&planner, id)
        }
        // Retrying or waiting for a sign-in: the rows stay pending.
        (Err(_), _) => return,
    };
    write_outcomes(store, &mut planner, id, outcomes, report, held);
}

/// The outcome of every row of a chunk that ended without a readable answer.
fn outcomes_without_answer(planner: &Planner, id: ChunkId) -> Vec<RowOutcome> {
    let rows = planner.chunk(id).map_or(0, |chunk| chunk.rows.len());
    let outcome = planner
        .chunk_outcome(id)
        .unwrap_or_else(|| RowOutcome::unconfirmed("No answer", None));
    vec![outcome; rows]
}

/// Counts a final chunk's outcomes and writes them, with the records sent, into its rows;
/// refusals are held back in `held` (counted once read back).
fn write_outcomes(
    store: TableStore,
    planner: &mut Planner,
    id: ChunkId,
    outcomes: Vec<RowOutcome>,
    report: &mut SubmitReport,
    held: &mut Refusals,
) {
    for outcome in &outcomes {
        match outcome.kind {
            OutcomeKind::Created => report.created += 1,
            OutcomeKind::Updated => report.updated += 1,
            OutcomeKind::Failed => {}
            OutcomeKind::Unconfirmed => report.unconfirmed += 1,
        }
    }
    let records = planner.take_records(id);
    let Some(chunk) = planner.chunk(id) else {
        return;
    };
    let answers: Vec<_> = chunk
        .rows
        .iter()
        .copied()
        .zip(records)
        .zip(outcomes)
        .map(|((row, record), outcome)| (row, record, outcome))
        .collect();
    let answers = held.hold_back(answers);
    let _: Touched = store.update(|t| t.apply_outcomes(answers));
}
