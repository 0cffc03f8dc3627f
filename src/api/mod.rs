//! The VBAPI client. Components call these functions and get typed records or a typed
//! [`ApiError`]; they never build a URL or read JSON. Requests are described in [`wire`]
//! (pure, tested natively) and carried by `http` (gloo-net, browser only).
//!
//! The flow: build a [`Connection`] from the runtime config, the chosen database and (direct
//! mode only) the API key; [`sign_in`] gives [`Tokens`] or a challenge; [`load_table`]
//! loads the table. A Submit drives a [`crate::core::planner::Planner`]: each
//! `Action::Send` is one [`send_chunk`], whose `Ok` is reported as `Response::Answered` and
//! matched to the chunk's rows with `Planner::match_answer`, and whose `Err` is
//! reported as [`ApiError::planner_response`]; `Action::RefreshToken` is [`refresh_tokens`].

mod error;
pub(crate) mod http;
pub mod wire;

pub use error::{ApiError, RequestError, SignInProblem, TIMEOUT_MS};
pub use wire::{Connection, Group, Pagination, PaymentMethod, SignInOutcome, Tokens};

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::task::Poll;

use futures::stream::{self, StreamExt};
use serde::de::{DeserializeOwned, Error as _};

use crate::core::envelope;
use crate::core::key_pages::{PageAnswer, PageAsk};
use crate::core::multistatus::{self, BatchAnswer};
use crate::core::planner::Response;
use crate::core::record::Tolerance;
use crate::core::table::Table;
use crate::editor::time::{clock_ms, measured};
use wire::{RequestSpec, expect_status};

/// How far a multi-page load has come, for the progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListProgress {
    pub loaded: usize,
    /// From `x-pagination`, once the first page is in.
    pub total: Option<u64>,
}

/// Signs in with user name and password (`POST /user-authentication`).
pub async fn sign_in(
    conn: &Connection,
    user: &str,
    password: &str,
) -> Result<SignInOutcome, ApiError> {
    let raw = http::execute(&conn.sign_in_request(user, password)).await?;
    wire::read_sign_in(&expect_status(raw, &[200])?.body)
}

/// New tokens for expired ones (`POST /user-refresh-tokens`).
pub async fn refresh_tokens(conn: &Connection, tokens: &Tokens) -> Result<Tokens, ApiError> {
    let raw = http::execute(&conn.refresh_request(tokens)).await?;
    wire::read_tokens(&expect_status(raw, &[200])?.body)
}

/// The customer's database names (`GET /client-environments`), where the API answers it.
pub async fn list_databases(conn: &Connection) -> Result<Vec<String>, ApiError> {
    let raw = http::execute(&conn.environments_request()).await?;
    wire::read_environments(&expect_status(raw, &[200])?.body)
}

/// Every tolerance of the connection's database as a table of clean rows. Each page becomes
/// rows as it arrives, while the next pages are still on their way, so the table is ready
/// when the last page is: [`LOAD_STEP_ROWS`] at a time, so that a page (read in one piece)
/// and its rows are not one long task.
pub async fn load_table(
    conn: &Connection,
    tokens: &Tokens,
    on_progress: impl FnMut(ListProgress),
) -> Result<Table, ApiError> {
    let mut table = Table::new();
    let arrived = RefCell::new(VecDeque::new());
    // The list's size, as the first page says: the table's room is made once.
    let expected = Cell::new(None);
    let on_page = |records: Vec<Tolerance>, total: Option<u64>| {
        if expected.get().is_none() {
            expected.set(total.map(|t| usize::try_from(t).unwrap_or(0).min(MAX_RESERVED_ROWS)));
        }
        arrived.borrow_mut().extend(records);
    };
    let mut rows_step = || {
        if table.is_empty()
            && let Some(total) = expected.get()
        {
            table.reserve(total);
        }
        let mut arrived = arrived.borrow_mut();
        let count = LOAD_STEP_ROWS.min(arrived.len());
        let step: Vec<Tolerance> = arrived.drain(..count).collect();
        measured("load:rows", || table.extend_loaded(step));
        !arrived.is_empty()
    };
    list_all(
        conn,
        tokens,
        "tolerances",
        "tolerance_Key",
        on_page,
        &mut rows_step,
        on_progress,
    )
    .await?;
    Ok(table)
}

/// The most rows a load sets room aside for before they arrive: a list that claims more
/// (a wrong count) grows as its rows come, as it would without one.
const MAX_RESERVED_ROWS: usize = 1_000_000;

/// Records a load makes into rows at a time: some milliseconds.
const LOAD_STEP_ROWS: usize = 500;

/// How long a list's pages are taken (read, and their work done) before the browser gets a
/// turn: a page of 5,000 rows read in one piece is some 20 ms, so a task stays under 50 ms.
const LIST_SLICE_MS: f64 = 25.0;

/// Every group, for suggestions while typing a Group ID.
pub async fn list_groups(conn: &Connection, tokens: &Tokens) -> Result<Vec<Group>, ApiError> {
    collect_all(conn, tokens, "groups", "group_ID", |_| {}).await
}

/// Every payment method, for suggestions while typing one.
pub async fn list_payment_methods(
    conn: &Connection,
    tokens: &Tokens,
) -> Result<Vec<PaymentMethod>, ApiError> {
    collect_all(conn, tokens, "payment-methods", "payment_Method", |_| {}).await
}

/// The group IDs and payment method codes `conn`'s database lists, as listed: for
/// suggestions, and for warning of values it does not hold.
pub async fn read_lists(
    conn: &Connection,
    tokens: &Tokens,
) -> Result<(Vec<String>, Vec<String>), ApiError> {
    let groups = list_groups(conn, tokens).await?;
    let methods = list_payment_methods(conn, tokens).await?;
    Ok((
        groups.into_iter().map(|g| g.id).collect(),
        methods.into_iter().map(|m| m.code).collect(),
    ))
}

/// A chunk's records as the body of `PUT /tolerances-batch`, written straight from where
/// they are kept (no copy of the records first).
pub fn batch_body(records: &[Tolerance]) -> Result<String, ApiError> {
    measured("submit:serialize", || {
        // About what a loaded record takes, so the text is not grown and copied as it is
        // written.
        let mut body = Vec::with_capacity(records.len() * BATCH_BYTES_PER_RECORD);
        crate::core::record::write_batch(records, &mut body)?;
        // serde_json writes UTF-8 only.
        String::from_utf8(body).map_err(serde_json::Error::custom)
    })
    .map_err(|err| ApiError::Request(RequestError::Build(err.to_string())))
}

/// Room set aside per record in a batch's body: a loaded record with its four server
/// stamps writes about 190 bytes.
const BATCH_BYTES_PER_RECORD: usize = 200;

/// Sends one chunk's body ([`batch_body`]) and reads its 207 answer, whatever its
/// Content-Type. Match it to the rows with `Planner::match_answer`.
pub async fn send_chunk(
    conn: &Connection,
    tokens: &Tokens,
    body: String,
) -> Result<BatchAnswer, ApiError> {
    let raw = http::execute(&conn.batch_request(body, tokens)).await?;
    // 200 is not the contract's, but a gateway may normalise it; the body decides.
    let raw = expect_status(raw, &[207, 200])?;
    Ok(measured("submit:parse", || {
        multistatus::parse_batch_answer(&raw.body)
    })?)
}

/// What the server holds under `key` (`GET /tolerances/{tolerance_Key}`): the record, or
/// `None` when it has no such key (404). Tried once: the caller paces and retries
/// (`editor::check`), as the rate limit is shared with everything else it reads.
pub async fn read_tolerance(
    conn: &Connection,
    tokens: &Tokens,
    key: i32,
) -> Result<Option<Tolerance>, ApiError> {
    let raw = http::execute(&conn.tolerance_request(key, tokens)).await?;
    wire::read_tolerance(raw)
}

/// One page of the tolerances sorted by key, cut in pages of `ask.size` (the reading before
/// a submit, `editor::conflicts`). Tried once, like [`read_tolerance`].
pub async fn read_tolerance_page(
    conn: &Connection,
    tokens: &Tokens,
    ask: PageAsk,
) -> Result<PageAnswer, ApiError> {
    let spec = conn.sized_page_request("tolerances", "tolerance_Key", ask.page, ask.size, tokens);
    wire::read_tolerance_page(http::execute(&spec).await?)
}

/// Pages of a list asked for at once while loading it.
const PAGES_IN_FLIGHT: usize = 4;

/// Tries for a read (a page of a list) before giving up.
const READ_ATTEMPTS: u32 = 5;
const READ_BACKOFF_MS: u64 = 500;
const READ_MAX_WAIT_MS: u64 = 30_000;

/// A GET, tried again on 429, 502, 503, 504, a network error or a timeout (as the planner
/// does for submits), honouring `Retry-After`: a 100-page load should not fail on one busy
/// moment of the API.
async fn read_with_retries(spec: &RequestSpec) -> Result<http::Answer, ApiError> {
    let mut attempt = 1;
    loop {
        let err = match http::fetch(spec).await {
            Ok(answer) if answer.status == 200 => return Ok(answer),
            Ok(answer) => wire::status_error(answer.into_raw()),
            Err(err) => err,
        };
        let Response::Retryable { retry_after_ms, .. } = err.planner_response() else {
            return Err(err);
        };
        if attempt >= READ_ATTEMPTS {
            return Err(err);
        }
        let backoff = READ_BACKOFF_MS << (attempt - 1);
        http::sleep(retry_after_ms.unwrap_or(backoff).min(READ_MAX_WAIT_MS)).await;
        attempt += 1;
    }
}

/// Every row of a list, in one `Vec`.
async fn collect_all<T: DeserializeOwned>(
    conn: &Connection,
    tokens: &Tokens,
    path: &str,
    sort_by: &str,
    on_progress: impl FnMut(ListProgress),
) -> Result<Vec<T>, ApiError> {
    let mut all = Vec::new();
    let on_page = |rows: Vec<T>, _total: Option<u64>| all.extend(rows);
    list_all(
        conn,
        tokens,
        path,
        sort_by,
        on_page,
        &mut || false,
        on_progress,
    )
    .await?;
    Ok(all)
}

/// Hands every page of a list to `on_page`, in order, as it arrives; then calls `step`,
/// the work a page leaves, until it answers that none is left (see [`list_pages`]).
async fn list_all<T: DeserializeOwned>(
    conn: &Connection,
    tokens: &Tokens,
    path: &str,
    sort_by: &str,
    mut on_page: impl FnMut(Vec<T>, Option<u64>),
    step: &mut dyn FnMut() -> bool,
    mut on_progress: impl FnMut(ListProgress),
) -> Result<(), ApiError> {
    let mut take = |raw: &wire::RawResponse, pagination: Option<Pagination>| {
        let (rows, _): (Vec<T>, _) = measured("list:parse", || envelope::parse_data(&raw.body))?;
        let got = rows.len();
        on_page(rows, pagination.map(|p| p.total_count));
        Ok(got)
    };
    list_pages(
        conn,
        tokens,
        path,
        sort_by,
        &mut take,
        step,
        &mut on_progress,
    )
    .await
}

/// Reads one page's rows (the list's pagination beside it) and answers how many it had.
type TakePage<'a> =
    dyn FnMut(&wire::RawResponse, Option<Pagination>) -> Result<usize, ApiError> + 'a;

/// What `list_all` does but reading a page's rows: the paging is written once, not once per
/// row type and callback (0.7 KB less wasm after gzip than the generic version). After each
/// page `step` is called until it answers `false`; pages and steps go on in slices of
/// [`LIST_SLICE_MS`], the browser given a turn between slices (pages that arrived together
/// are otherwise taken in one task).
async fn list_pages(
    conn: &Connection,
    tokens: &Tokens,
    path: &str,
    sort_by: &str,
    take: &mut TakePage<'_>,
    step: &mut dyn FnMut() -> bool,
    on_progress: &mut dyn FnMut(ListProgress),
) -> Result<(), ApiError> {
    let fetch = |page: u32| {
        let spec: RequestSpec = conn.page_request(path, sort_by, page, tokens);
        async move { read_with_retries(&spec).await }
    };
    let pagination_of = |raw: &wire::RawResponse| wire::parse_pagination(raw.pagination.as_deref());
    let mut loaded = 0;
    // Hands a page's rows on and reports the progress; answers how many rows it had.
    let mut take_page = |raw: &wire::RawResponse, pagination: Option<Pagination>| {
        let got = take(raw, pagination)?;
        loaded += got;
        on_progress(ListProgress {
            loaded,
            total: pagination.map(|p| p.total_count),
        });
        Ok::<_, ApiError>(got)
    };
    let mut page = 1;
    // The first page says how many there are: the rest are asked for a few at a time, and
    // taken in order (a 100-page load waits for the network once per few pages, not per page).
    let first = fetch(page).await?.into_raw();
    let mut slice = Slice::new();
    let mut pagination = pagination_of(&first);
    let mut answers = pagination.map(|p| {
        stream::iter(page + 1..=p.total_pages)
            .map(fetch)
            .buffered(PAGES_IN_FLIGHT)
    });
    // Polled once, the next pages are asked for now: the server works on them while the
    // first is read. (None can have arrived yet; one that had is kept.)
    let mut early = match answers.as_mut() {
        Some(answers) => match futures::poll!(answers.next()) {
            Poll::Ready(answer) => answer,
            Poll::Pending => None,
        },
        None => None,
    };
    let mut got = take_page(&first, pagination)?;
    slice.steps(step).await;
    // What a full page has when the server gives fewer than asked.
    let full_page = got;
    if wire::more_pages(pagination, page, got, full_page)
        && let Some(answers) = answers.as_mut()
    {
        while let Some(result) = match early.take() {
            Some(answer) => Some(answer),
            None => match futures::poll!(answers.next()) {
                Poll::Ready(answer) => answer,
                Poll::Pending => {
                    let answer = answers.next().await;
                    slice = Slice::new(); // a new task
                    answer
                }
            },
        } {
            let answer = result?;
            page += 1;
            slice.turn_if_due().await;
            // Into wasm memory only now, and out again before the page's rows are made.
            let raw = answer.into_raw();
            pagination = pagination_of(&raw);
            got = take_page(&raw, pagination)?;
            drop(raw);
            slice.steps(step).await;
        }
    }
    // Pages the first answer did not know of (rows added meanwhile), one by one.
    while wire::more_pages(pagination, page, got, full_page) {
        page = page
            .checked_add(1)
            .ok_or_else(|| ApiError::Request(RequestError::Build("too many pages".into())))?;
        let raw = fetch(page).await?.into_raw();
        let mut slice = Slice::new();
        pagination = pagination_of(&raw);
        got = take_page(&raw, pagination)?;
        slice.steps(step).await;
    }
    Ok(())
}

/// A slice of a task's time: work goes on until [`LIST_SLICE_MS`] is used up, then the
/// browser gets a turn (a `setTimeout(0)`, as `editor::bulk` does).
struct Slice {
    start: f64,
}

impl Slice {
    /// A slice that starts now (a task began).
    fn new() -> Self {
        Slice { start: clock_ms() }
    }

    async fn turn_if_due(&mut self) {
        if clock_ms() - self.start >= LIST_SLICE_MS {
            http::sleep(0).await;
            self.start = clock_ms();
        }
    }

    /// Calls `step` until it answers that no work is left, a slice at a time.
    async fn steps(&mut self, step: &mut dyn FnMut() -> bool) {
        loop {
            self.turn_if_due().await;
            if !step() {
                break;
            }
        }
    }
}
