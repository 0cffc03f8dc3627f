//! Reads under the rate limit the whole organisation's work shares, paced and retried by the
//! batch planner's rules ([`PlannerConfig`]): requests started per second and in flight at
//! once, 429 (with `Retry-After`), 502, 503, 504, a network error or a timeout tried again
//! with backoff, a 401 answered by one token refresh and then by "Sign in again". "Check
//! with server" reads one key a request with it (`editor::check`), the check before a
//! submit pages of the list (`editor::conflicts`).

use std::cell::Cell;
use std::rc::Rc;

use futures::stream::{self, StreamExt};
use leptos::prelude::*;

use crate::api::{self, ApiError, Connection};
use crate::core::key_pages::{PageAnswer, PageAsk};
use crate::core::planner::{Millis, PlannerConfig, Response};
use crate::core::record::Tolerance;
use crate::editor::session::Session;
use crate::editor::submit::refresh;
use crate::editor::time::{now_ms, sleep};

/// How often a waiting reader looks at whether it was stopped.
const POLL_MS: Millis = 100;

/// One read: a key (`GET /tolerances/{key}`) or a page of the list sorted by key. One type
/// for both, so the wasm holds one reading loop, not one per kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ask {
    Key(i32),
    Page(PageAsk),
}

/// What a read found.
#[derive(Debug)]
pub(crate) enum Found {
    /// The record under a key, or `None` (404).
    Record(Option<Tolerance>),
    Page(PageAnswer),
}

/// What reading some items came to.
pub(crate) struct Reads {
    pub(crate) done: Vec<(Ask, Found)>,
    /// Items that could not be read after their tries, with the reason in words.
    pub(crate) failed: Vec<(Ask, String)>,
}

pub(crate) struct Reader<'a> {
    session: Session,
    conn: &'a Connection,
    config: PlannerConfig,
    /// When the next request may start (the pace).
    next_start: Rc<Cell<Millis>>,
    /// The token was refreshed since the last read that went through: another 401 asks the
    /// user to sign in.
    refreshed: bool,
    /// The session the reading runs in; a new one after "Sign in again".
    sign_in: Rc<Cell<Option<u64>>>,
}

impl<'a> Reader<'a> {
    /// A reader in `session`'s current sign-in, which [`Self::sign_in`] follows through
    /// "Sign in again".
    pub(crate) fn new(session: Session, conn: &'a Connection) -> Self {
        Reader {
            session,
            conn,
            config: PlannerConfig::default(),
            next_start: Rc::new(Cell::new(0)),
            refreshed: false,
            sign_in: Rc::new(Cell::new(session.sign_in_now())),
        }
    }

    /// The sign-in the reading runs in: the one it began in, or the one "Sign in again"
    /// started (signing out, or in as another, is another one: a reading stops then).
    pub(crate) fn sign_in(&self) -> Rc<Cell<Option<u64>>> {
        self.sign_in.clone()
    }

    /// Reads every item (one request each), paced and retried. Returns early, with what it
    /// has, when `stopped`.
    pub(crate) async fn read_all(&mut self, items: &[Ask], stopped: &dyn Fn() -> bool) -> Reads {
        let mut reads = Reads {
            done: Vec::new(),
            failed: Vec::new(),
        };
        let mut todo: Vec<(Ask, u32)> = items.iter().map(|item| (*item, 1)).collect();
        while !todo.is_empty() && !stopped() {
            let results: Vec<_> = stream::iter(todo.drain(..))
                .map(|(item, attempt)| {
                    let result = self.read_one(item);
                    async move { (item, attempt, result.await) }
                })
                .buffer_unordered(self.config.max_in_flight.max(1))
                .collect()
                .await;
            let mut wait: Millis = 0;
            let mut unauthorized = false;
            for (item, attempt, result) in results {
                let err = match result {
                    Ok(value) => {
                        self.refreshed = false;
                        reads.done.push((item, value));
                        continue;
                    }
                    Err(err) => err,
                };
                match err.planner_response() {
                    Response::Unauthorized => {
                        unauthorized = true;
                        todo.push((item, attempt));
                    }
                    Response::Retryable { retry_after_ms, .. }
                        if attempt < self.config.max_attempts =>
                    {
                        let delay = self.config.retry_delay(attempt, retry_after_ms, now_ms());
                        wait = wait.max(delay);
                        todo.push((item, attempt + 1));
                    }
                    _ => reads.failed.push((item, err.user_message())),
                }
            }
            if unauthorized && !self.sign_in_again(stopped).await {
                reads.failed.extend(
                    todo.drain(..)
                        .map(|(item, _)| (item, "not signed in".to_string())),
                );
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
    async fn read_one(&self, item: Ask) -> Result<Found, ApiError> {
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
        match item {
            Ask::Key(key) => api::read_tolerance(self.conn, &tokens, key)
                .await
                .map(Found::Record),
            Ask::Page(ask) => api::read_tolerance_page(self.conn, &tokens, ask)
                .await
                .map(Found::Page),
        }
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
