//! "Check with server": reads rows' keys back (`GET /tolerances/{tolerance_Key}`) under the
//! rate limit and hands what the server holds to [`Table::take_server_reads`] a few keys at
//! a time, so the table settles as the reads come in. The same reads refresh the audit
//! columns after a confirmed save, in the background. Paced and retried by
//! [`crate::editor::reader`].

use leptos::prelude::*;
use rustc_hash::FxHashMap;

use crate::api::Connection;
use crate::core::baseline::Baseline;
use crate::core::draft::{RowId, RowState};
use crate::core::planner::Millis;
use crate::core::record::Tolerance;
use crate::core::table::Table;
use crate::editor::reader::{Ask, Found, Reader};
use crate::editor::session::Session;
use crate::editor::store::TableStore;
use crate::editor::time::sleep;

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
    let database = session.database.get_untracked();
    let conn = session.connection();
    let mut reader = Reader::new(session, &conn);
    // Signing in again (the dialog) starts a new session the check carries on in; signing
    // out, or in as another, stops it.
    let sign_in = reader.sign_in();
    let mut report = CheckReport::default();
    let mut done = 0;
    for batch in keys.chunks(KEYS_PER_BATCH) {
        let stopped = || {
            control.cancel_requested.get_untracked()
                || session.sign_in_now() != sign_in.get()
                || !session.is_on(&database)
        };
        let asks: Vec<Ask> = batch.iter().map(|key| Ask::Key(*key)).collect();
        let reads = reader.read_all(&asks, &stopped).await;
        report.unread += reads.failed.len();
        if let Some((_, problem)) = reads.failed.last() {
            report.problem = Some(problem.clone());
        }
        if stopped() {
            report.cancelled = true;
            break;
        }
        let found: Vec<_> = reads
            .done
            .into_iter()
            .filter_map(|read| match read {
                (Ask::Key(key), Found::Record(held)) => Some((key, held)),
                _ => None,
            })
            .collect();
        let read_keys: Vec<i32> = found.iter().map(|(key, _)| *key).collect();
        let _ = store.update(|t| t.take_server_reads(found));
        store.with(|t| count(t, &rows_of, &read_keys, &mut report));
        done += batch.len();
        control.progress.set((done, keys.len()));
    }
    if kind == CheckKind::Asked {
        control.last.set(Some(report));
    }
    control.running.set(None);
}

/// A key as read: the record the server holds under it, or `None` (404).
pub type Read = (i32, Option<Tolerance>);

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
    let mut reader = Reader::new(session, conn);
    let mut report = CheckReport::default();
    let mut reads = Vec::with_capacity(keys.len());
    for batch in keys.chunks(KEYS_PER_BATCH) {
        let asks: Vec<Ask> = batch.iter().map(|key| Ask::Key(*key)).collect();
        let got = reader.read_all(&asks, stopped).await;
        report.unread += got.failed.len();
        if let Some((_, problem)) = got.failed.last() {
            report.problem = Some(problem.clone());
        }
        reads.extend(got.done.into_iter().filter_map(|read| match read {
            (Ask::Key(key), Found::Record(held)) => Some((key, held)),
            _ => None,
        }));
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
            RowState::Conflict if *row.baseline() == Baseline::Absent => report.absent += 1,
            RowState::Clean | RowState::Created | RowState::Updated => report.same += 1,
            _ => report.differ += 1,
        }
    }
}
