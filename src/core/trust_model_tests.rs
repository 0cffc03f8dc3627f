//! The editor's first promise, checked against a model: random sequences of what a user
//! does (type, paste, add, delete and retype rows, undo, redo, sort, reload from the saved
//! draft, submit, resend failed, check rows with the server, load again) while the model
//! server answers each try of a chunk with a fault drawn from every one the sandbox can
//! inject (401, 403, 429, 500, 502, 503, 504, HTML and truncated bodies, a timeout, a
//! connection dropped before or after the batch was applied, missing, extra and string-id
//! items, refused items, `data: null`, and a batch carried out whose answer is the refusal
//! of the browser's own unseen resend), and another tab or user writes to it (or deletes a
//! key) now and then. Each submit first reads the keys it would write in pages of the list
//! (`Table::check_before_send`, pages of 1 to 4 rows so that keys fall on page boundaries;
//! now and then that read fails, and nothing may be sent), and reads the refused rows back
//! at its end (`Refusals`); the user answers conflicts with Keep mine or Take the server's.
//! A submit may be cancelled, or the page closed, part way. The real `Table`, `Planner`,
//! multi-status reader and matcher, `KeyPages` and the client's own reading of statuses
//! (`api::wire`, `ApiError::planner_response`) do the work; only the browser and the network
//! are modelled.
//!
//! After every step:
//! 1. a row shown Created, Updated or Unchanged has exactly its values on the server;
//! 2. every other row is still something to send, has a problem the user must fix, or is a
//!    conflict waiting for the user's choice, so no value typed is lost: it is on the server
//!    as shown, or it will be sent;
//! 3. no row shown Failed ("not applied") has its values on the server written by one of
//!    its own tries;
//! 4. the table's kept counts equal a recount;
//! 5. no record another user saved was ever written over by the editor unless the user had
//!    chosen Keep mine or Take the server's on a conflict showing that very record: no
//!    lost update.
//!
//! Claim 1 is not checked for keys another writer changed since the editor last wrote or
//! read them: nothing can know of such a change without reading the server (the check step,
//! `Table::take_server_reads`).
//!
//! The default run is 1,000 sequences of 40 to 59 steps (about 10 s in debug). A longer one:
//! `TRUST_MODEL_CASES=20000 cargo test -p tolerance-editor --lib trust_model`.

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

use crate::core::baseline::Baseline;
use crate::core::columns::Field;
use crate::core::draft::{RowDraft, RowId, RowState};
use crate::core::multistatus::BatchAnswer;
use crate::core::planner::{
    Action, ChunkId, ChunkStatus, Millis, Planner, PlannerConfig, Response,
};
use crate::core::record::Tolerance;
use crate::core::table::{Refusals, Table};

#[path = "trust_model_server.rs"]
mod server;
#[path = "trust_model_steps.rs"]
mod steps;

use server::{Fault, Server, same_values};
use steps::{Step, SubmitPlan, step};

/// The app's table and the server it talks to.
struct World {
    table: Table,
    server: Server,
    /// The refusals of the submit under way, held back until read back.
    held: Refusals,
}

impl World {
    fn new() -> Self {
        let server = Server::seeded(6);
        World {
            table: Table::from_records(server.list()),
            server,
            held: Refusals::default(),
        }
    }

    fn row_id(&self, index: usize) -> Option<RowId> {
        let len = self.table.len();
        (len > 0).then(|| self.table.row_at(index % len).unwrap().id())
    }

    fn run(&mut self, step: &Step) {
        match step {
            Step::Type { row, field, text } => {
                if let Some(id) = self.row_id(*row) {
                    self.table.type_text(id, *field, text.clone());
                    self.table.end_typing();
                }
            }
            Step::Paste {
                row,
                field,
                texts,
                new_rows,
            } => {
                let start = if self.table.is_empty() {
                    0
                } else {
                    row % self.table.len()
                };
                let edits = texts
                    .iter()
                    .enumerate()
                    .filter_map(|(i, text)| {
                        let id = self.table.row_at(start + i)?.id();
                        Some((id, *field, text.as_str().into()))
                    })
                    .collect();
                self.table.paste(edits, new_rows.iter().cloned().collect());
            }
            Step::Add { at, cells } => {
                let id = self.table.insert_new(at % (self.table.len() + 1));
                let edits = Field::EDITABLE
                    .into_iter()
                    .zip(cells.iter().cloned())
                    .map(|(field, text)| (id, field, text))
                    .collect();
                self.table.set_texts(edits);
            }
            Step::Delete { row, count } => {
                let ids: Vec<RowId> = (0..*count).filter_map(|i| self.row_id(row + i)).collect();
                self.table.delete(&ids);
            }
            Step::Retype { row, amount } => {
                let Some(id) = self.row_id(*row) else {
                    return;
                };
                let key = self.table.row(id).unwrap().text(Field::Key).to_string();
                self.table.delete(&[id]);
                let new = self.table.insert_new(self.table.len());
                self.table.set_texts(vec![
                    (new, Field::Key, key.into()),
                    (new, Field::Amount, amount.as_str().into()),
                ]);
            }
            Step::Undo { times } => {
                for _ in 0..*times {
                    self.table.undo();
                }
            }
            Step::Redo { times } => {
                for _ in 0..*times {
                    self.table.redo();
                }
            }
            Step::Sort { field, ascending } => {
                self.table.sort_by(&[(*field, *ascending)]);
            }
            Step::Reload => self.reload(),
            Step::Submit(plan) => self.submit(plan),
            Step::OtherWriter { key, amount } => {
                self.server.write_by_other(Tolerance {
                    key: *key,
                    amount: 7000.0 + f64::from(*amount) + 0.77,
                    group_id: Some("G9".into()),
                    payment_method: None,
                    entry_date: None,
                    entry_user: Some("OTHER".into()),
                    update_date: None,
                    update_user: None,
                });
            }
            Step::OtherDeleter { key } => self.server.delete_by_other(*key),
            Step::KeepMine { row, count } => {
                let ids = self.chosen(*row, *count);
                self.table.keep_mine(&ids);
            }
            Step::TakeServers { row, count } => {
                let ids = self.chosen(*row, *count);
                self.table.take_servers_values(&ids);
            }
            Step::Check { row, count } => {
                let keys: std::collections::BTreeSet<i32> = (0..*count)
                    .filter_map(|i| self.table.row(self.row_id(row + i)?))
                    .flat_map(|r| [r.key(), r.baseline().key()])
                    .flatten()
                    .collect();
                let reads = keys
                    .iter()
                    .map(|k| (*k, self.server.records.get(k).map(|h| h.record.clone())))
                    .collect();
                self.table.take_server_reads(reads);
                // Every row whose claim is about these keys now compares with what they hold.
                for key in keys {
                    self.server.stale.remove(&key);
                }
            }
            Step::Load => {
                let summary = self.table.summary();
                if summary.unsent() == 0 {
                    self.table = Table::from_records(self.server.list());
                    self.server.stale.clear();
                    self.server.unseen.clear();
                    // Row ids start again: no row of the new table wrote anything.
                    self.forget_writers(&[]);
                }
            }
        }
    }

    /// The rows a choice is made on. A conflict among them showing exactly what the server
    /// holds now is a choice made knowing the other user's record.
    fn chosen(&mut self, row: usize, count: usize) -> Vec<RowId> {
        let ids: Vec<RowId> = (0..count).filter_map(|i| self.row_id(row + i)).collect();
        for id in &ids {
            let row = self.table.row(*id).unwrap();
            if row.conflict().is_none() || row.state() == RowState::Pending {
                continue;
            }
            let Some(key) = row.baseline().key().or(row.key()) else {
                continue;
            };
            let held = self.server.records.get(&key).map(|h| &h.record);
            let shown = match (row.baseline(), held) {
                (Baseline::Known(known), Some(held)) => same_values(known, held),
                (Baseline::Absent, None) => true,
                _ => false,
            };
            if shown {
                self.server.unseen.remove(&key);
            }
        }
        ids
    }

    /// The page goes away and comes back: the table is what its saved draft restores.
    fn reload(&mut self) {
        // What the page held in memory is gone with it.
        self.held = Refusals::default();
        let json = serde_json::to_string(self.table.rows()).expect("a draft serializes");
        let rows: Vec<RowDraft> = serde_json::from_str(&json).expect("a draft reads back");
        self.table = Table::from_drafts(rows);
        // Rows deleted before (kept only by undo) are gone for good, and their ids may be
        // handed out again.
        let live: Vec<RowId> = self.table.rows().iter().map(RowDraft::id).collect();
        self.forget_writers(&live);
    }

    fn forget_writers(&mut self, live: &[RowId]) {
        for held in self.server.records.values_mut() {
            if held.written_by.is_some_and(|id| !live.contains(&id)) {
                held.written_by = None;
            }
        }
    }

    /// A submit as `editor::submit` drives it, on a clock of its own.
    fn submit(&mut self, plan: &SubmitPlan) {
        // Submit refuses while a cell has a problem; the user deletes those rows first.
        let problems: Vec<RowId> = self
            .table
            .rows()
            .iter()
            .filter(|r| r.has_problems())
            .map(RowDraft::id)
            .collect();
        if !problems.is_empty() {
            self.table.delete(&problems);
        }
        if self.table.rows_to_send(plan.only_failed).is_empty() {
            return;
        }
        // As `editor::conflicts`: what the server holds under the keys to send, read in
        // pages, taken in; a read that fails sends nothing.
        let (ids, pages) = self
            .table
            .check_before_send(plan.only_failed, plan.page_size);
        let Some(read) = self.read_pages(pages, plan.check_fails_at) else {
            return;
        };
        // Taken and marked pending a slice at a time, as `editor::submit` does.
        let mut rows = Vec::new();
        for slice in ids.chunks(2) {
            rows.extend(self.table.take_to_send(slice, &read).0);
        }
        if rows.is_empty() {
            return;
        }
        let config = PlannerConfig {
            chunk_size: 3,
            max_in_flight: 2,
            max_attempts: 3,
            base_backoff_ms: 100,
            max_backoff_ms: 2_000,
            jitter_seed: 11,
            ..PlannerConfig::default()
        };
        let mut planner = Planner::new(config, rows);
        let mut faults = plan.faults.iter().copied();
        let mut in_flight: Vec<(Millis, ChunkId, Result<BatchAnswer, crate::api::ApiError>)> =
            Vec::new();
        let mut now: Millis = 0;
        let mut answers = 0;
        loop {
            if plan.close_after == Some(answers) {
                return self.reload();
            }
            if plan.cancel_after == Some(answers) && !planner.is_cancelled() {
                for id in planner.cancel() {
                    let outcome = planner.chunk_outcome(id).expect("an unconfirmed chunk");
                    let count = planner.chunk(id).map_or(0, |c| c.rows.len());
                    self.write_outcomes(&mut planner, id, vec![outcome; count]);
                }
            }
            let next_arrival = in_flight.iter().map(|(at, _, _)| *at).min();
            match planner.next_action(now) {
                Action::Send(id) => {
                    let chunk = planner.chunk(id).expect("a chunk to send");
                    let fault = faults.next().unwrap_or(Fault::None);
                    let (took, result) = self.server.answer(&chunk.rows, &chunk.records, fault);
                    in_flight.push((now + took, id, result));
                    continue;
                }
                Action::RefreshToken => {
                    planner.on_token_refreshed(true);
                    continue;
                }
                Action::AskSignIn => {
                    planner.on_signed_in();
                    continue;
                }
                Action::Done => break,
                Action::Wait { until } if next_arrival.is_none_or(|at| at > until) => {
                    now = until;
                    continue;
                }
                Action::Wait { .. } | Action::Idle => {}
            }
            let at = next_arrival.expect("idle with nothing in flight");
            let index = in_flight
                .iter()
                .position(|(arrives, _, _)| *arrives == at)
                .expect("the earliest answer");
            let (at, id, result) = in_flight.remove(index);
            now = now.max(at);
            answers += 1;
            self.settle(&mut planner, id, result, now);
        }
        let unsent: Vec<RowId> = planner.unsent_rows().collect();
        self.table.cancel_pending(&unsent);
        // As `editor::submit`: the refusals held back are read back, then borne out or not.
        let held = std::mem::take(&mut self.held);
        if !held.is_empty() {
            if !planner.is_cancelled() {
                let pages = self.table.pages_for(&held.rows(), plan.page_size);
                self.read_pages(pages, None);
            }
            self.table.confirm_refusals(held);
        }
    }

    /// Reads `pages` from the model server and takes what each holds into the table, as
    /// `editor::conflicts` does; `None` when page `fails_at` cannot be read (the pages
    /// before it are taken in).
    fn read_pages(
        &mut self,
        mut pages: crate::core::key_pages::KeyPages,
        fails_at: Option<usize>,
    ) -> Option<rustc_hash::FxHashSet<i32>> {
        let mut pages_read = 0;
        let mut read = rustc_hash::FxHashSet::default();
        while !pages.is_done() {
            for ask in pages.next_asks().ok()? {
                if fails_at == Some(pages_read) {
                    return None;
                }
                pages_read += 1;
                let settled = pages
                    .take(ask, self.server.list_page(ask))
                    .expect("the model lists in key order");
                for (key, _) in &settled {
                    self.server.stale.remove(key);
                    read.insert(*key);
                }
                self.table.take_server_reads(settled);
            }
        }
        Some(read)
    }

    /// As `editor::submit::settle`.
    fn settle(
        &mut self,
        planner: &mut Planner,
        id: ChunkId,
        result: Result<BatchAnswer, crate::api::ApiError>,
        now: Millis,
    ) {
        let response = match &result {
            Ok(_) => Response::Answered,
            Err(err) => err.planner_response(),
        };
        if !planner.on_response(id, response, now) {
            return;
        }
        let chunk = planner.chunk(id).expect("the chunk answered");
        let outcomes = match (&result, &chunk.status) {
            (Ok(answer), _) => planner.match_answer(id, answer).rows,
            (Err(_), ChunkStatus::Failed(_) | ChunkStatus::Unconfirmed(_)) => {
                let outcome = planner.chunk_outcome(id).expect("a final chunk");
                vec![outcome; chunk.rows.len()]
            }
            (Err(_), _) => return,
        };
        self.write_outcomes(planner, id, outcomes);
    }

    fn write_outcomes(
        &mut self,
        planner: &mut Planner,
        id: ChunkId,
        outcomes: Vec<crate::core::multistatus::RowOutcome>,
    ) {
        let records = planner.take_records(id);
        let rows = planner.chunk(id).expect("the chunk").rows.clone();
        let answers = rows
            .into_iter()
            .zip(records)
            .zip(outcomes)
            .map(|((row, record), outcome)| (row, record, outcome))
            .collect();
        let answers = self.held.hold_back(answers);
        self.table.apply_outcomes(answers);
    }

    /// The promises, checked on every row.
    fn check(&self) -> Result<(), String> {
        let same = |a: &Tolerance, b: &Tolerance| {
            (a.key, a.amount, &a.group_id, &a.payment_method)
                == (b.key, b.amount, &b.group_id, &b.payment_method)
        };
        for (index, row) in self.table.rows().iter().enumerate() {
            let state = row.state();
            let what = || format!("row {index} ({:?}, {state:?}, {:?})", row.id(), row.cells());
            match state {
                RowState::Clean | RowState::Created | RowState::Updated => {
                    let values = row.to_record().map_err(|p| format!("{}: {p}", what()))?;
                    if self.server.stale.contains(&values.key) {
                        continue;
                    }
                    match self.server.records.get(&values.key) {
                        Some(held) if same(&held.record, &values) => {}
                        held => {
                            return Err(format!(
                                "{} claims the server holds it; the server holds {:?}",
                                what(),
                                held.map(|h| &h.record)
                            ));
                        }
                    }
                }
                RowState::Invalid | RowState::Pending | RowState::Conflict => {}
                RowState::New | RowState::Modified | RowState::Failed | RowState::Unconfirmed => {
                    if !row.needs_sending() {
                        return Err(format!("{} is not saved and will not be sent", what()));
                    }
                }
            }
            if state == RowState::Failed
                && let Ok(values) = row.to_record()
                && let Some(held) = self.server.records.get(&values.key)
                && held.written_by == Some(row.id())
                && same(&held.record, &values)
            {
                return Err(format!(
                    "{} is shown not applied, but one of its tries saved it: {:?}",
                    what(),
                    row.outcome()
                ));
            }
        }
        if self.table.summary() != self.table.recount() {
            return Err("the kept counts drifted from a recount".into());
        }
        if let Some(lost) = self.server.overwritten.first() {
            return Err(format!("a lost update: {lost}"));
        }
        Ok(())
    }
}

fn cases() -> u32 {
    std::env::var("TRUST_MODEL_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1000)
}

proptest! {
    #![proptest_config(ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::with_cases(cases())
    })]

    #[test]
    fn every_row_state_stays_true_about_the_server(steps in prop::collection::vec(step(), 40..60)) {
        let mut world = World::new();
        world.check().map_err(TestCaseError::fail)?;
        for (n, step) in steps.iter().enumerate() {
            world.run(step);
            world
                .check()
                .map_err(|why| TestCaseError::fail(format!("after step {n} ({step:?}): {why}")))?;
        }
    }
}
