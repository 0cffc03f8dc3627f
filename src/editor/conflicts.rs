//! Lost updates caught before sending: right before a submit sends, what the server holds
//! under the keys it would write is read in pages of the list (`core::key_pages`, pages of
//! [`LIST_PAGE_SIZE`], paced and retried by [`crate::editor::reader`]; 10,000 rows cost a
//! handful of requests) and taken into the table ([`Table::take_server_reads`]): a row whose
//! server record changed since it was loaded or last confirmed, by another tab or another
//! person, becomes a conflict and is not sent until the user chooses; an unconfirmed row is
//! settled. A check that cannot finish sends nothing.
//!
//! [`editor::submit::submit`](crate::editor::submit::submit) calls [`check_before_send`]
//! before its planner sends anything, whatever started the submit.
//!
//! What remains: a write made elsewhere between this read and the batch that carries the
//! row (a second or so for the first chunk, longer for the last of a big submit) is not
//! seen. The contract offers no conditional write (`update_Date` sent is ignored), so only
//! reading again could.
//!
//! [`Table::take_server_reads`]: crate::core::table::Table::take_server_reads

use leptos::prelude::*;
use rustc_hash::FxHashSet;

use crate::api::wire::LIST_PAGE_SIZE;
use crate::core::draft::RowId;
use crate::core::key_pages::KeyPages;
use crate::core::table::Table;
use crate::editor::reader::{Ask, Found, Reader};
use crate::editor::session::Session;
use crate::editor::store::TableStore;
use crate::editor::submit::SubmitControl;

/// Reads of a page taken into the table in one task (see [`check_before_send`]).
const READS_AT_ONCE: usize = 1_500;

/// Pages read at once: the planner's requests in flight.
const PAGES_AT_ONCE: usize = 4;

/// What the check found.
#[derive(Debug, Default)]
pub struct Checked {
    /// The rows the submit chose before reading.
    pub ids: Vec<RowId>,
    /// The keys read: only rows with these keys may go.
    pub read: FxHashSet<i32>,
    /// Rows that were to go and are conflicts now, waiting for the user's choice.
    pub conflicts: usize,
    /// Rows that were to go and that the server turned out to hold as they are.
    pub already_saved: usize,
}

/// Why nothing was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckFailed {
    /// Cancel, signing out, or another database.
    Cancelled,
    /// A page could not be read (after its tries), or the pages did not settle the keys.
    Problem(String),
}

impl CheckFailed {
    /// The summary line after a submit that sent nothing.
    pub fn text(&self) -> String {
        match self {
            CheckFailed::Cancelled => {
                "Nothing was sent: the submit was stopped while the server was read for \
                 changes made since loading."
                    .into()
            }
            CheckFailed::Problem(problem) => format!(
                "Nothing was sent: the server could not be read for changes made since \
                 loading ({problem}). Try again."
            ),
        }
    }
}

/// Reads what the server holds under the keys a submit (`only_failed`: "Resend failed")
/// would write and takes it into the table. Shows its progress in `control.checking`; stops
/// on `control`'s Cancel.
pub async fn check_before_send(
    session: Session,
    store: TableStore,
    control: SubmitControl,
    only_failed: bool,
) -> Result<Checked, CheckFailed> {
    let (ids, pages) = crate::editor::time::measured("check:keys", || {
        store.with(|t| t.check_before_send(only_failed, LIST_PAGE_SIZE))
    });
    let before = store.with(Table::summary);
    let read = read_pages(session, store, control, pages).await?;
    let after = store.with(Table::summary);
    // The reads reach the rows to send (one per key) and rows kept by undo, not counted.
    let conflicts = after.conflicts.saturating_sub(before.conflicts);
    Ok(Checked {
        ids,
        read,
        conflicts,
        already_saved: (before.to_send.saturating_sub(after.to_send)).saturating_sub(conflicts),
    })
}

/// After a submit, the rows whose refusals were held back (`core::table::Refusals`) are
/// read back, in pages too: Chromium sends a request again by itself when its connection
/// closed without an answer, unseen by the app, so a refusal may answer a second send of a
/// batch the server carried out. A row the server holds as sent is saved.
pub async fn read_back(
    session: Session,
    store: TableStore,
    control: SubmitControl,
    ids: &[RowId],
) -> Result<(), CheckFailed> {
    let pages = store.with(|t| t.pages_for(ids, LIST_PAGE_SIZE));
    read_pages(session, store, control, pages).await.map(|_| ())
}

/// Reads `pages` until every key they were asked for is settled, and takes what each page
/// holds into the table as it comes (what a page settles is final, even if a later page
/// cannot be read); returns the keys read.
async fn read_pages(
    session: Session,
    store: TableStore,
    control: SubmitControl,
    mut pages: KeyPages,
) -> Result<FxHashSet<i32>, CheckFailed> {
    let database = session.database.get_untracked();
    let conn = session.connection();
    let mut reader = Reader::new(session, &conn);
    let sign_in = reader.sign_in();
    let stopped = || {
        control.is_cancelling()
            || session.sign_in_now() != sign_in.get()
            || !session.is_on(&database)
    };
    let mut read = FxHashSet::default();
    let mut pages_read = 0;
    while !pages.is_done() {
        let asks = pages
            .next_asks()
            .map_err(|err| CheckFailed::Problem(err.to_string()))?;
        // A few pages at a time (as many as go at once): each is taken in and dropped
        // before the next few are read, so a 20-page read never holds 100,000 records.
        for group in asks.chunks(PAGES_AT_ONCE) {
            control
                .checking
                .set(Some((pages_read, pages.pages_asked())));
            let asks: Vec<Ask> = group.iter().copied().map(Ask::Page).collect();
            let reads = reader.read_all(&asks, &stopped).await;
            if stopped() {
                return Err(CheckFailed::Cancelled);
            }
            if let Some((ask, problem)) = reads.failed.first() {
                let what = match ask {
                    Ask::Page(ask) => format!("page {} of the list", ask.page),
                    Ask::Key(key) => format!("key {key}"),
                };
                return Err(CheckFailed::Problem(format!("{what}: {problem}")));
            }
            for page in reads.done {
                let (Ask::Page(ask), Found::Page(answer)) = page else {
                    continue;
                };
                let settled = pages
                    .take(ask, answer)
                    .map_err(|err| CheckFailed::Problem(err.to_string()))?;
                read.extend(settled.iter().map(|(key, _)| *key));
                // A page's records taken in a few thousand at a time, the browser given a turn
                // before each: a page of 5,000 changed rows is some 15 ms a thousand, and pages
                // that arrived together would otherwise be one task.
                let mut settled = settled.into_iter().peekable();
                while settled.peek().is_some() {
                    crate::editor::bulk::yield_to_browser().await;
                    if stopped() {
                        return Err(CheckFailed::Cancelled);
                    }
                    let some: Vec<_> = settled.by_ref().take(READS_AT_ONCE).collect();
                    let _ = crate::editor::time::measured("check:reads", || {
                        store.update(|t| t.take_server_reads(some))
                    });
                }
                pages_read += 1;
            }
        }
        control
            .checking
            .set(Some((pages_read, pages.pages_asked())));
    }
    Ok(read)
}
