//! The planner's transitions.

use super::*;
use crate::core::multistatus::{BatchAnswer, Matched, OutcomeKind, match_answer};

impl Planner {
    /// Plans sending `rows` (already only the new and changed ones) in table order.
    pub fn new(config: PlannerConfig, rows: Vec<(RowId, Tolerance)>) -> Self {
        let chunk_size = config.chunk_size.max(1);
        let mut chunks = Vec::with_capacity(rows.len().div_ceil(chunk_size));
        let mut rows = rows.into_iter().peekable();
        while rows.peek().is_some() {
            let (ids, records) = rows.by_ref().take(chunk_size).unzip();
            chunks.push(Chunk {
                id: ChunkId(chunks.len()),
                rows: ids,
                records,
                status: ChunkStatus::Queued,
                attempts: 0,
                generation: 0,
                maybe_applied: None,
            });
        }
        let rng = config.jitter_seed;
        Planner {
            config,
            chunks,
            in_flight: 0,
            next_send_at: 0,
            auth: Auth::Ok,
            generation: 0,
            refreshed: false,
            cancelled: false,
            rng,
        }
    }

    pub fn chunk(&self, id: ChunkId) -> Option<&Chunk> {
        self.chunks.get(id.0)
    }

    pub fn chunks(&self) -> &[Chunk] {
        &self.chunks
    }

    /// Hands over the records of a chunk that has its final answer (nothing sends them
    /// again), so applying the answer need not copy them; empty for any other chunk.
    pub fn take_records(&mut self, id: ChunkId) -> Vec<Tolerance> {
        match self.chunks.get_mut(id.0) {
            Some(chunk) if chunk.status.is_final() => std::mem::take(&mut chunk.records),
            _ => Vec::new(),
        }
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancelled
    }

    /// Rows left unsent by a cancel, to be put back as they were.
    pub fn unsent_rows(&self) -> impl Iterator<Item = RowId> + '_ {
        self.chunks
            .iter()
            .filter(|c| c.status == ChunkStatus::Cancelled)
            .flat_map(|c| c.rows.iter().copied())
    }

    pub fn progress(&self) -> Progress {
        let mut progress = Progress {
            chunks_total: self.chunks.len(),
            in_flight: self.in_flight,
            ..Progress::default()
        };
        for chunk in &self.chunks {
            progress.rows_total += chunk.rows.len();
            match chunk.status {
                ChunkStatus::Cancelled => progress.rows_cancelled += chunk.rows.len(),
                ref s if s.is_final() => progress.rows_answered += chunk.rows.len(),
                ChunkStatus::RetryAt(_) => progress.retrying += 1,
                _ => {}
            }
        }
        progress
    }

    /// The outcome for every row of a chunk that ended without a readable answer (failed
    /// or unconfirmed); `None` for other chunks, whose rows get the matcher's outcomes.
    pub fn chunk_outcome(&self, id: ChunkId) -> Option<RowOutcome> {
        match &self.chunk(id)?.status {
            ChunkStatus::Failed(t) => Some(RowOutcome::failed(
                t.status,
                t.reason.clone(),
                t.activity_id.clone(),
            )),
            ChunkStatus::Unconfirmed(t) => Some(RowOutcome {
                status: t.status,
                ..RowOutcome::unconfirmed(t.reason.clone(), t.activity_id.clone())
            }),
            _ => None,
        }
    }

    /// The rows' outcomes from a readable answer to chunk `id` ([`match_answer`] on the
    /// keys it sent). When an earlier try of the chunk may have been applied, a refusal in
    /// this answer (an item's 4xx or 500, a `data: null` error) proves only that this try
    /// was not: such rows are unconfirmed, never "not applied".
    pub fn match_answer(&self, id: ChunkId, answer: &BatchAnswer) -> Matched {
        let Some(chunk) = self.chunk(id) else {
            return match_answer(&[], answer);
        };
        let mut matched = match_answer(&chunk.keys(), answer);
        if chunk.maybe_applied.is_some() {
            for outcome in &mut matched.rows {
                if outcome.kind == OutcomeKind::Failed {
                    *outcome = outcome.clone().earlier_try_may_have_saved();
                }
            }
        }
        matched
    }

    /// What to do at `now`. Call it after every event until it says `Wait`, `Idle` or `Done`.
    pub fn next_action(&mut self, now: Millis) -> Action {
        match self.auth {
            Auth::NeedRefresh => {
                self.auth = Auth::Refreshing;
                return Action::RefreshToken;
            }
            Auth::NeedSignIn { asked: false } => {
                self.auth = Auth::NeedSignIn { asked: true };
                return Action::AskSignIn;
            }
            Auth::Refreshing | Auth::NeedSignIn { asked: true } => return Action::Idle,
            Auth::Ok => {}
        }
        if !self.cancelled {
            let ready = self.chunks.iter().position(|c| match c.status {
                ChunkStatus::Queued => true,
                ChunkStatus::RetryAt(at) => at <= now,
                _ => false,
            });
            if let Some(index) = ready {
                if self.in_flight >= self.config.max_in_flight.max(1) {
                    return Action::Idle;
                }
                if now < self.next_send_at {
                    return Action::Wait {
                        until: self.next_send_at,
                    };
                }
                self.next_send_at = now + self.send_interval();
                self.in_flight += 1;
                let chunk = &mut self.chunks[index];
                chunk.status = ChunkStatus::InFlight;
                chunk.attempts += 1;
                chunk.generation = self.generation;
                return Action::Send(chunk.id);
            }
            let earliest_retry = self
                .chunks
                .iter()
                .filter_map(|c| match c.status {
                    ChunkStatus::RetryAt(at) => Some(at),
                    _ => None,
                })
                .min();
            if let Some(at) = earliest_retry
                && self.in_flight < self.config.max_in_flight.max(1)
            {
                return Action::Wait {
                    until: at.max(self.next_send_at),
                };
            }
        }
        if self.in_flight > 0 || any_unfinished(&self.chunks) {
            Action::Idle
        } else {
            Action::Done
        }
    }

    /// Reports how a sent chunk's request ended. Answers for chunks not in flight (a
    /// duplicate report) are ignored, and `false` is returned.
    pub fn on_response(&mut self, id: ChunkId, response: Response, now: Millis) -> bool {
        let Some(chunk) = self.chunks.get_mut(id.0) else {
            return false;
        };
        if chunk.status != ChunkStatus::InFlight {
            return false;
        }
        self.in_flight -= 1;
        match response {
            Response::Answered => chunk.status = ChunkStatus::Answered,
            Response::Failed(trouble) => chunk.status = chunk.refused(trouble),
            Response::Unconfirmed(trouble) => chunk.status = ChunkStatus::Unconfirmed(trouble),
            Response::Unauthorized => {
                // Not the chunk's fault: it goes again once signed in, without using a try.
                chunk.attempts = chunk.attempts.saturating_sub(1);
                let stale = chunk.generation != self.generation;
                chunk.status = if self.cancelled {
                    chunk.not_sent_again()
                } else {
                    ChunkStatus::Queued
                };
                if !stale && !self.cancelled && self.auth == Auth::Ok {
                    self.auth = if self.refreshed {
                        Auth::NeedSignIn { asked: false }
                    } else {
                        Auth::NeedRefresh
                    };
                }
            }
            Response::Retryable {
                mut trouble,
                retry_after_ms,
            } => {
                let attempts = chunk.attempts;
                let status = trouble.status;
                // 429 and 503 say the request was not carried out; after a timeout, a
                // dropped connection, a 502 or a 504 it may have been.
                let maybe_applied = !matches!(status, Some(429 | 503));
                if maybe_applied {
                    chunk.maybe_applied = Some(trouble.clone());
                }
                if attempts >= self.config.max_attempts.max(1) {
                    trouble.reason = format!("{} (gave up after {attempts} tries)", trouble.reason);
                    chunk.status = if maybe_applied {
                        ChunkStatus::Unconfirmed(trouble)
                    } else {
                        chunk.refused(trouble)
                    };
                } else if self.cancelled {
                    chunk.status = chunk.not_sent_again();
                } else {
                    let delay = self.retry_delay(attempts, retry_after_ms);
                    self.chunks[id.0].status = ChunkStatus::RetryAt(now + delay);
                    if status == Some(429) {
                        // The limit is per API key: hold every chunk, not just this one.
                        self.next_send_at = self.next_send_at.max(now + delay);
                    }
                }
            }
        }
        true
    }

    /// The token refresh asked for by [`Action::RefreshToken`] ended.
    pub fn on_token_refreshed(&mut self, ok: bool) {
        if self.auth == Auth::Refreshing {
            if ok {
                self.generation += 1;
                self.refreshed = true;
                self.auth = Auth::Ok;
            } else {
                self.auth = Auth::NeedSignIn { asked: false };
            }
        }
    }

    /// The user signed in again: resume where the batch stopped.
    pub fn on_signed_in(&mut self) {
        self.generation += 1;
        self.refreshed = false;
        self.auth = Auth::Ok;
    }

    /// Sends no further chunk. Requests in flight still get their answers; chunks waiting
    /// to be sent are cancelled and their rows left as they were, except those an earlier
    /// try may have saved: those end unconfirmed, and their ids are returned so that their
    /// rows get that outcome ([`Planner::chunk_outcome`]).
    pub fn cancel(&mut self) -> Vec<ChunkId> {
        self.cancelled = true;
        self.auth = Auth::Ok;
        let mut unconfirmed = Vec::new();
        for chunk in &mut self.chunks {
            if matches!(chunk.status, ChunkStatus::Queued | ChunkStatus::RetryAt(_)) {
                chunk.status = chunk.not_sent_again();
                if matches!(chunk.status, ChunkStatus::Unconfirmed(_)) {
                    unconfirmed.push(chunk.id);
                }
            }
        }
        unconfirmed
    }

    fn send_interval(&self) -> Millis {
        self.config.send_interval()
    }

    fn retry_delay(&mut self, attempts: u32, retry_after_ms: Option<Millis>) -> Millis {
        let random = self.next_random();
        self.config.retry_delay(attempts, retry_after_ms, random)
    }

    /// splitmix64: tiny, good enough for jitter, and reproducible from the seed.
    fn next_random(&mut self) -> u64 {
        self.rng = self.rng.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.rng;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// Chunks not final while nothing is in flight (only possible while signing in).
fn any_unfinished(chunks: &[Chunk]) -> bool {
    chunks.iter().any(|c| !c.status.is_final())
}

#[cfg(test)]
#[path = "planner_tests.rs"]
mod tests;
