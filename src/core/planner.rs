//! Sending a submit's rows: chunks, pace, retries, token refresh, cancel. A pure state
//! machine the UI drives: it asks [`Planner::next_action`] what to do now, does it, and
//! reports back with [`Planner::on_response`] and friends. Time comes in as milliseconds and
//! randomness as a seed, so every run is reproducible in a test.

use crate::core::draft::RowId;
use crate::core::multistatus::RowOutcome;
use crate::core::record::Tolerance;

/// Milliseconds on whatever clock the caller uses (e.g. `performance.now()`).
pub type Millis = u64;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannerConfig {
    /// Rows per `PUT /tolerances-batch`.
    pub chunk_size: usize,
    /// Requests started per second, kept under the vendor's 25.
    pub requests_per_second: u32,
    /// Requests in flight at once.
    pub max_in_flight: usize,
    /// Tries per chunk (the first send included) before it is shown as failed.
    pub max_attempts: u32,
    pub base_backoff_ms: Millis,
    pub max_backoff_ms: Millis,
    /// The longest `Retry-After` honoured; longer ones are cut to it.
    pub retry_after_cap_ms: Millis,
    /// Seeds the jitter (the UI passes something random; tests a constant).
    pub jitter_seed: u64,
}

impl Default for PlannerConfig {
    fn default() -> Self {
        PlannerConfig {
            chunk_size: 500,
            requests_per_second: 20,
            max_in_flight: 4,
            max_attempts: 5,
            base_backoff_ms: 500,
            max_backoff_ms: 30_000,
            retry_after_cap_ms: 60_000,
            jitter_seed: 0x9E37_79B9_7F4A_7C15,
        }
    }
}

impl PlannerConfig {
    /// The time between two request starts; reads of the server (`editor::check`) keep it
    /// too.
    pub fn send_interval(&self) -> Millis {
        1000_u64.div_ceil(u64::from(self.requests_per_second.max(1)))
    }

    /// The wait before try `attempts + 1`: exponential backoff with "equal jitter" (half
    /// fixed, half drawn from `random`), never shorter than the server's `Retry-After`
    /// (itself capped).
    pub fn retry_delay(
        &self,
        attempts: u32,
        retry_after_ms: Option<Millis>,
        random: u64,
    ) -> Millis {
        let exponent = attempts.saturating_sub(1).min(20);
        let backoff = self
            .base_backoff_ms
            .saturating_mul(1 << exponent)
            .min(self.max_backoff_ms);
        let half = backoff / 2;
        let jittered = half + random % (half + 1);
        let asked = retry_after_ms.map_or(0, |r| r.min(self.retry_after_cap_ms));
        jittered.max(asked)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ChunkId(pub usize);

/// What the UI should do now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Send this chunk's records (see [`Planner::chunk`]), then report with `on_response`.
    Send(ChunkId),
    /// Nothing to send before this time; ask again then (or when a response arrives).
    Wait { until: Millis },
    /// Refresh the token once, then call [`Planner::on_token_refreshed`].
    RefreshToken,
    /// Ask the user to sign in again, then call [`Planner::on_signed_in`] (or `cancel`).
    AskSignIn,
    /// Waiting for responses to requests in flight (or for the user to sign in).
    Idle,
    /// Every chunk is answered, failed or cancelled.
    Done,
}

/// How a chunk's request ended, as the UI reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Response {
    /// A readable 207: the rows' outcomes come from the matcher.
    Answered,
    /// 401: the token expired.
    Unauthorized,
    /// 429, 502, 503, 504, a network error or a timeout: worth trying again.
    Retryable {
        trouble: Trouble,
        retry_after_ms: Option<Millis>,
    },
    /// Refused as a whole (other 4xx): not applied, not retried.
    Failed(Trouble),
    /// An answer that could not be read, or a 500: the rows may or may not be saved.
    Unconfirmed(Trouble),
}

/// What went wrong with a whole request, as shown on each of its rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trouble {
    pub status: Option<u16>,
    pub reason: String,
    pub activity_id: Option<String>,
}

impl Trouble {
    pub fn new(status: Option<u16>, reason: impl Into<String>) -> Self {
        Trouble {
            status,
            reason: reason.into(),
            activity_id: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChunkStatus {
    Queued,
    InFlight,
    RetryAt(Millis),
    Answered,
    /// Not applied; the reason for every row in it.
    Failed(Trouble),
    /// Sent, but what became of it is unknown.
    Unconfirmed(Trouble),
    /// Never sent (cancel): its rows are as they were.
    Cancelled,
}

impl ChunkStatus {
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            ChunkStatus::Answered
                | ChunkStatus::Failed(_)
                | ChunkStatus::Unconfirmed(_)
                | ChunkStatus::Cancelled
        )
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Chunk {
    pub id: ChunkId,
    pub rows: Vec<RowId>,
    /// What is sent, row for row; also what a saved row becomes clean against.
    pub records: Vec<Tolerance>,
    pub status: ChunkStatus,
    /// Sends so far, retries included.
    pub attempts: u32,
    /// The token generation it was last sent with.
    generation: u32,
    /// A try that may have been carried out (a timeout, a dropped connection, a 502 or a
    /// 504): from then on the chunk can end as unconfirmed, never as not sent or refused.
    maybe_applied: Option<Trouble>,
}

impl Chunk {
    pub fn keys(&self) -> Vec<i32> {
        self.records.iter().map(|r| r.key).collect()
    }

    /// What the chunk becomes when refused as a whole: failed, unless an earlier try may
    /// have saved its rows.
    fn refused(&self, mut trouble: Trouble) -> ChunkStatus {
        if self.maybe_applied.is_none() {
            return ChunkStatus::Failed(trouble);
        }
        trouble.reason = format!("{} (an earlier try may have saved them)", trouble.reason);
        ChunkStatus::Unconfirmed(trouble)
    }

    /// What the chunk becomes when it is not sent again (a cancel): its rows as they were,
    /// unless an earlier try may have saved them.
    fn not_sent_again(&self) -> ChunkStatus {
        match &self.maybe_applied {
            None => ChunkStatus::Cancelled,
            Some(earlier) => ChunkStatus::Unconfirmed(Trouble {
                reason: format!("{} (cancelled before it was tried again)", earlier.reason),
                ..earlier.clone()
            }),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Auth {
    Ok,
    NeedRefresh,
    Refreshing,
    NeedSignIn { asked: bool },
}

/// Counts for the progress bar and the summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    pub rows_total: usize,
    /// Rows whose chunk has a final answer (answered, failed or unconfirmed).
    pub rows_answered: usize,
    pub rows_cancelled: usize,
    pub chunks_total: usize,
    pub in_flight: usize,
    /// Chunks waiting to be tried again.
    pub retrying: usize,
}

#[derive(Debug, Clone)]
pub struct Planner {
    config: PlannerConfig,
    chunks: Vec<Chunk>,
    in_flight: usize,
    next_send_at: Millis,
    auth: Auth,
    generation: u32,
    /// One refresh per sign-in: a second 401 after it asks the user.
    refreshed: bool,
    cancelled: bool,
    rng: u64,
}

#[path = "planner_run.rs"]
mod run;
