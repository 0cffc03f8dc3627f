//! "Check with server": reads rows' keys back (`GET /tolerances/{tolerance_Key}`) under the
//! rate limit and hands what the server holds to [`Table::take_server_reads`] a few keys at
//! a time, so the table settles as the reads come in. The same reads refresh the audit
//! columns after a confirmed save, in the background.
//!
//! Paced and retried by the batch planner's rules ([`PlannerConfig`]): requests started per
//! second and in flight at once, 429 (with `Retry-After`), 502, 503, 504, a network error or
//! a timeout tried again with backoff, a 401 answered by one token refresh and then by
//! "Sign in again".

use std::cell::Cell;
use std::rc::Rc;

use futures::stream::{self, StreamExt};
use leptos::prelude::*;
use rustc_hash::FxHashMap;

use crate::api::{self, ApiError, Connection};
use crate::core::draft::{RowId, RowState};
use crate::core::planner::{Millis, PlannerConfig, Response};
use crate::core::record::Tolerance;
use crate::core::table::Table;
use crate::editor::session::Session;
use crate::editor::store::TableStore;
use crate::editor::submit::refresh;
use crate::editor::time::{now_ms, sleep};

/// Keys read before their answers go into the table: the rows update every few dozen reads.
const KEYS_PER_BATCH: usize = 20;
/// How often a waiting check looks at Cancel.
const POLL_MS: Millis = 100;

/// Whether a check was asked for or runs by itself after a save.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckKind {
    /// "Check with server": progress, Cancel and a result notice.
    Asked,
    /// The audit columns of rows just saved, quietly.
    AuditColumns,
}

/// The check's progress and last result; a Copy handle.
#[derive(Clone, Copy)]
pub struct CheckControl {
    /// The kind of the check running, if one is.
    pub running: RwSignal<Option<CheckKind>>,
    /// Keys read so far, of how many.
    pub progress: RwSignal<(usize, usize)>,
    cancel_requested: RwSignal<bool>,
    /// The last asked-for check's counts, for the notice.
    pub last: RwSignal<Option<CheckReport>>,
}

/// What a check found, counted by row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckReport {
    pub checked: usize,
    /// The server holds the row's values.
    pub same: usize,
    /// The server holds other values.
    pub differ: usize,
    /// The server has no record under the row's key.
    pub absent: usize,
    /// Keys that could not be read (the reason of the last one).
    pub unread: usize,
    pub problem: Option<String>,
    pub cancelled: bool,
}

impl CheckReport {
    /// The notice shown after a check.
    pub fn text(&self) -> String {
        let rows = |n: usize| if n == 1 { "row" } else { "rows" };
        let mut text = format!(
            "Checked {} {}: {} saved as sent, {} differ on the server, {} not on the server.",
            self.checked,
            rows(self.checked),
            self.same,
            self.differ,
            self.absent
        );
        if self.unread > 0 {
            text.push_str(&format!(
                " {} could not be read{}.",
                self.unread,
                self.problem
                    .as_ref()
                    .map(|p| format!(" ({p})"))
                    .unwrap_or_default()
            ));
        }
        if self.cancelled {
            text.push_str(" Cancelled before the end.");
        }
        text
    }
}

impl CheckControl {
    pub fn new() -> Self {
        CheckControl {
            running: RwSignal::new(None),
            progress: RwSignal::new((0, 0)),
            cancel_requested: RwSignal::new(false),
            last: RwSignal::new(None),
        }
    }

    /// Stops the check after the reads in flight; what they found is not taken in (a submit
    /// starting calls this: a read begun before its answer could be older than it).
    pub fn cancel(&self) {
        if self.running.get_untracked().is_some() {
            self.cancel_requested.set(true);
        }
    }
}

impl Default for CheckControl {
    fn default() -> Self {
        Self::new()
    }
}

/// The rows among `ids` that can be checked, with the key to read for each: the key the row
/// shows, or else the one of the record it was loaded or saved as.
pub fn keys_of(table: &Table, ids: impl IntoIterator<Item = RowId>) -> Vec<(RowId, i32)> {
    ids.into_iter()
        .filter_map(|id| {
            let row = table.row(id)?;
            if row.state() == RowState::Pending {
                return None;
            }
            Some((id, row.key().or_else(|| row.baseline().key())?))
        })
        .collect()
}

/// Reads `rows`' keys back and takes what the server holds into the table. An asked-for
/// check waits for a running background one to stop; a background one never starts over
/// another check.
pub async fn check(
    session: Session,
    store: TableStore,
    control: CheckControl,
    rows: Vec<(RowId, i32)>,
    kind: CheckKind,
) {
    match control.running.get_untracked() {
        Some(CheckKind::AuditColumns) if kind == CheckKind::Asked => {
            control.cancel_requested.set(true);
            while control.running.get_untracked().is_some() {
                sleep(POLL_MS).await;
            }
        }
        Some(_) => return,
        None => {}
    }
    if rows.is_empty() {
        return;
    }
    let mut rows_of: FxHashMap<i32, Vec<RowId>> = FxHashMap::default();
    for (id, key) in &rows {
        rows_of.entry(*key).or_default().push(*id);
    }
    let mut keys: Vec<i32> = rows_of.keys().copied().collect();
    keys.sort_unstable();
    control.cancel_requested.set(false);
    control.running.set(Some(kind));
    control.progress.set((0, keys.len()));
    // Signing in again (the dialog) starts a new session the check carries on in; signing
    // out, or in as another, stops it.
    let sign_in = Rc::new(Cell::new(session.sign_in_now()));
    let database = session.database.get_untracked();
    let conn = session.connection();
    let mut reader = Reader {
        session,
        conn: &conn,
        config: PlannerConfig::default(),
        next_start: Rc::new(Cell::new(0)),
        refreshed: false,
        sign_in: sign_in.clone(),
    };
    let mut report = CheckReport::default();
    let mut done = 0;
    for batch in keys.chunks(KEYS_PER_BATCH) {
        let stopped = || {
            control.cancel_requested.get_untracked()
                || session.sign_in_now() != sign_in.get()
                || !session.is_on(&database)
        };
        let reads = reader.read_all(batch, &stopped, &mut report).await;
        if stopped() {
            report.cancelled = true;
            break;
        }
        let read_keys: Vec<i32> = reads.iter().map(|(key, _)| *key).collect();
        let _ = store.update(|t| t.take_server_reads(reads));
        store.with(|t| count(t, &rows_of, &read_keys, &mut report));
        done += batch.len();
        control.progress.set((done, keys.len()));
    }
    if kind == CheckKind::Asked {
        control.last.set(Some(report));
    }
    control.running.set(None);
}

/// Reads `keys` from `conn`'s database, which need not be the one chosen (a promotion reads
/// its target), paced and retried as a check is, telling `progress` (done, of) after each
/// few keys. Stops, with what it has, when `stopped`. Keys that could not be read are left
/// out; the report counts them (`unread`, `problem`).
pub async fn read_keys(
    session: Session,
    conn: &Connection,
    keys: &[i32],
    progress: impl Fn(usize, usize),
    stopped: &dyn Fn() -> bool,
) -> (Vec<Read>, CheckReport) {
    let mut reader = Reader {
        session,
        conn,
        config: PlannerConfig::default(),
        next_start: Rc::new(Cell::new(0)),
        refreshed: false,
        sign_in: Rc::new(Cell::new(session.sign_in_now())),
    };
    let mut report = CheckReport::default();
    let mut reads = Vec::with_capacity(keys.len());
    for batch in keys.chunks(KEYS_PER_BATCH) {
        reads.extend(reader.read_all(batch, stopped, &mut report).await);
        if stopped() {
            report.cancelled = true;
            break;
        }
        progress(reads.len() + report.unread, keys.len());
    }
    (reads, report)
}

/// Counts the rows whose keys were read, by what they now show.
fn count(
    table: &Table,
    rows_of: &FxHashMap<i32, Vec<RowId>>,
    read: &[i32],
    report: &mut CheckReport,
) {
    for id in read.iter().filter_map(|key| rows_of.get(key)).flatten() {
        let Some(row) = table.row(*id) else { continue };
        report.checked += 1;
        match row.state() {
            RowState::New => report.absent += 1,
            RowState::Clean | RowState::Created | RowState::Updated => report.same += 1,
            _ => report.differ += 1,
        }
    }
}

/// Reads keys paced and retried by the planner's rules.
struct Reader<'a> {
    session: Session,
    conn: &'a Connection,
    config: PlannerConfig,
    /// When the next request may start (the pace).
    next_start: Rc<Cell<Millis>>,
    /// The token was refreshed since the last read that went through: another 401 asks the
    /// user to sign in.
    refreshed: bool,
    /// The session the check runs in; a new one after "Sign in again".
    sign_in: Rc<Cell<Option<u64>>>,
}

pub type Read = (i32, Option<Tolerance>);

impl Reader<'_> {
    /// What the server holds under each of `keys` that could be read; the others are counted
    /// in `report` as unread. Returns early (with what it has) when `stopped`.
    async fn read_all(
        &mut self,
        keys: &[i32],
        stopped: &dyn Fn() -> bool,
        report: &mut CheckReport,
    ) -> Vec<Read> {
        let mut reads = Vec::new();
        let mut todo: Vec<(i32, u32)> = keys.iter().map(|key| (*key, 1)).collect();
        while !todo.is_empty() && !stopped() {
            let results: Vec<_> = stream::iter(todo.drain(..))
                .map(|(key, attempt)| {
                    let read = self.read_one(key);
                    async move { (key, attempt, read.await) }
                })
                .buffer_unordered(self.config.max_in_flight.max(1))
                .collect()
                .await;
            let mut wait: Millis = 0;
            let mut unauthorized = false;
            for (key, attempt, result) in results {
                let err = match result {
                    Ok(held) => {
                        self.refreshed = false;
                        reads.push((key, held));
                        continue;
                    }
                    Err(err) => err,
                };
                match err.planner_response() {
                    Response::Unauthorized => {
                        unauthorized = true;
                        todo.push((key, attempt));
                    }
                    Response::Retryable { retry_after_ms, .. }
                        if attempt < self.config.max_attempts =>
                    {
                        let delay = self.config.retry_delay(attempt, retry_after_ms, now_ms());
                        wait = wait.max(delay);
                        todo.push((key, attempt + 1));
                    }
                    _ => {
                        report.unread += 1;
                        report.problem = Some(err.user_message());
                    }
                }
            }
            if unauthorized && !self.sign_in_again(stopped).await {
                report.unread += todo.len();
                report.problem = Some("not signed in".into());
                break;
            }
            let until = now_ms() + wait;
            while now_ms() < until && !stopped() {
                sleep(POLL_MS.min(until - now_ms())).await;
            }
        }
        reads
    }

    /// One read, started no sooner than the pace allows.
    async fn read_one(&self, key: i32) -> Result<Option<Tolerance>, ApiError> {
        let gap = self.config.send_interval();
        let now = now_ms();
        let start = self.next_start.get().max(now);
        self.next_start.set(start + gap);
        if start > now {
            sleep(start - now).await;
        }
        let Some(tokens) = self.session.tokens.get_untracked() else {
            return Err(ApiError::Status {
                status: 401,
                problem: None,
                activity_id: None,
                retry_after_ms: None,
            });
        };
        api::read_tolerance(self.conn, &tokens, key).await
    }

    /// After a 401: the token is refreshed once; if that fails, or the fresh token is
    /// refused too, the user is asked to sign in again. Returns whether reading may go on.
    async fn sign_in_again(&mut self, stopped: &dyn Fn() -> bool) -> bool {
        if !self.refreshed {
            self.refreshed = true;
            if refresh(self.session, self.conn).await {
                return true;
            }
        }
        self.session.reauth_needed.set(true);
        while self.session.reauth_needed.get_untracked() {
            if stopped() {
                self.session.reauth_needed.set(false);
                return false;
            }
            sleep(POLL_MS).await;
        }
        self.refreshed = false;
        self.sign_in.set(self.session.sign_in_now());
        self.session.tokens.with_untracked(Option::is_some)
    }
}
