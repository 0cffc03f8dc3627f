//! What can go wrong talking to VBAPI, typed, with the words a user is shown.

use thiserror::Error;

use crate::core::envelope::{BodyError, ProblemDetails};
use crate::core::header_value::HeaderValueProblem;
use crate::core::multistatus::RowOutcome;
use crate::core::planner::{Millis, Response, Trouble};

/// The client's timeout, as the contract asks.
pub const TIMEOUT_MS: u32 = 30_000;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ApiError {
    /// No answer at all: offline, DNS, CORS refusal, connection reset.
    #[error("the API could not be reached: {0}")]
    Network(String),
    #[error("the API did not answer within {} seconds", TIMEOUT_MS / 1000)]
    Timeout,
    /// An answer with a status the call does not expect.
    #[error("the API answered HTTP {status}{}", problem_suffix(.problem.as_deref()))]
    Status {
        status: u16,
        /// Boxed: it is large and errors travel by value.
        problem: Option<Box<ProblemDetails>>,
        activity_id: Option<String>,
        /// From `Retry-After`, when it gave a number of seconds.
        retry_after_ms: Option<Millis>,
    },
    /// An answer whose body is not what the contract says.
    #[error(transparent)]
    UnexpectedBody(#[from] BodyError),
    /// The browser refused to build the request; nothing was sent.
    #[error("the request could not be made: {0}")]
    Request(RequestError),
}

/// Why a request could not be built.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RequestError {
    /// A header value the browser would refuse: it throws rather than fail the request, so
    /// it is checked before (`core::header_value`).
    #[error("the {header} header cannot carry its value: {problem}")]
    HeaderValue {
        header: &'static str,
        problem: HeaderValueProblem,
    },
    /// Anything else that stopped it: no timer or `AbortController`, a URL the browser
    /// refused, a body that could not be written.
    #[error("{0}")]
    Build(String),
}

fn problem_suffix(problem: Option<&ProblemDetails>) -> String {
    problem
        .and_then(ProblemDetails::summary)
        .map(|s| format!(": {s}"))
        .unwrap_or_default()
}

/// Why a sign-in failed, so each case gets its own plain message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInProblem {
    WrongCredentials,
    AccountLocked,
    /// Signed in, but not allowed (e.g. no access to the chosen database).
    NotAllowed,
    TooManyAttempts,
    Unreachable,
    Other,
}

impl ApiError {
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    pub fn activity_id(&self) -> Option<&str> {
        match self {
            ApiError::Status { activity_id, .. } => activity_id.as_deref(),
            _ => None,
        }
    }

    /// A sentence for the user, with the activityID to quote to support when there is one.
    pub fn user_message(&self) -> String {
        let text = match self {
            ApiError::Network(_) => {
                "The VBA API could not be reached. Check the connection and try again.".to_string()
            }
            ApiError::Timeout => "The VBA API did not answer within 30 seconds.".to_string(),
            ApiError::Status {
                status, problem, ..
            } => match problem.as_deref().and_then(ProblemDetails::summary) {
                Some(summary) => format!("{summary} (HTTP {status})"),
                None => format!("The VBA API answered with an error (HTTP {status})."),
            },
            ApiError::UnexpectedBody(err) => {
                format!("The VBA API's answer could not be read ({}).", err.reason)
            }
            ApiError::Request(reason) => format!("The request could not be made: {reason}"),
        };
        match self.activity_id() {
            Some(id) => format!("{text} Activity ID: {id}"),
            None => text,
        }
    }

    pub fn sign_in_problem(&self) -> SignInProblem {
        match self {
            ApiError::Network(_) | ApiError::Timeout => SignInProblem::Unreachable,
            ApiError::Status { status: 401, .. } => SignInProblem::WrongCredentials,
            ApiError::Status { status: 429, .. } => SignInProblem::TooManyAttempts,
            ApiError::Status {
                status: 403 | 423,
                problem,
                ..
            } => {
                let says_locked = problem.as_ref().is_some_and(|p| {
                    [&p.kind, &p.title, &p.detail]
                        .iter()
                        .filter_map(|t| t.as_deref())
                        .any(|t| t.to_ascii_lowercase().contains("lock"))
                });
                if says_locked {
                    SignInProblem::AccountLocked
                } else {
                    SignInProblem::NotAllowed
                }
            }
            _ => SignInProblem::Other,
        }
    }

    /// How the batch planner should take this failure of a chunk's request.
    pub fn planner_response(&self) -> Response {
        let trouble = Trouble {
            status: self.status(),
            reason: self.user_message(),
            activity_id: self.activity_id().map(str::to_string),
        };
        match self {
            ApiError::Network(_) | ApiError::Timeout => Response::Retryable {
                trouble,
                retry_after_ms: None,
            },
            ApiError::Status { status: 401, .. } => Response::Unauthorized,
            ApiError::Status {
                status: 429 | 502 | 503 | 504,
                retry_after_ms,
                ..
            } => Response::Retryable {
                trouble,
                retry_after_ms: *retry_after_ms,
            },
            // The server failed while carrying the request out: some of it may be applied.
            ApiError::Status { status: 500.., .. } => Response::Unconfirmed(trouble),
            ApiError::Status { .. } | ApiError::Request(_) => Response::Failed(trouble),
            // The request went through; what it did is unknown.
            ApiError::UnexpectedBody(_) => Response::Unconfirmed(trouble),
        }
    }

    /// The outcome shown on each row of a request that failed as a whole.
    pub fn row_outcome(&self) -> RowOutcome {
        match self.planner_response() {
            Response::Unconfirmed(t) => RowOutcome::unconfirmed(t.reason, t.activity_id),
            _ => RowOutcome::failed(
                self.status(),
                self.user_message(),
                self.activity_id().map(str::to_string),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(status: u16, title: &str) -> ApiError {
        ApiError::Status {
            status,
            problem: Some(Box::new(ProblemDetails {
                title: Some(title.into()),
                ..ProblemDetails::default()
            })),
            activity_id: Some("A:1".into()),
            retry_after_ms: Some(2_000),
        }
    }

    #[test]
    fn the_retry_policy_follows_the_contract() {
        for code in [429, 502, 503, 504] {
            let Response::Retryable {
                retry_after_ms,
                trouble,
            } = status(code, "x").planner_response()
            else {
                panic!("{code} must be retried");
            };
            assert_eq!(retry_after_ms, Some(2_000));
            assert_eq!(trouble.activity_id.as_deref(), Some("A:1"));
        }
        assert!(matches!(
            ApiError::Timeout.planner_response(),
            Response::Retryable { .. }
        ));
        assert!(matches!(
            ApiError::Network("reset".into()).planner_response(),
            Response::Retryable { .. }
        ));
        assert_eq!(status(401, "x").planner_response(), Response::Unauthorized);
        for code in [400, 403, 404, 409, 413] {
            assert!(
                matches!(status(code, "x").planner_response(), Response::Failed(_)),
                "{code} is not retried"
            );
        }
        // A 500 is not retried either, but the server may have applied part of it.
        for code in [500, 501] {
            assert!(
                matches!(
                    status(code, "x").planner_response(),
                    Response::Unconfirmed(_)
                ),
                "{code} may have been applied"
            );
            assert_eq!(
                status(code, "x").row_outcome().kind,
                crate::core::multistatus::OutcomeKind::Unconfirmed
            );
        }
        let body = ApiError::UnexpectedBody(BodyError::new("not JSON", "<html>"));
        assert!(matches!(body.planner_response(), Response::Unconfirmed(_)));
        assert_eq!(
            body.row_outcome().kind,
            crate::core::multistatus::OutcomeKind::Unconfirmed
        );
    }

    #[test]
    fn sign_in_failures_are_told_apart() {
        assert_eq!(
            status(401, "Unauthorized").sign_in_problem(),
            SignInProblem::WrongCredentials
        );
        assert_eq!(
            status(403, "Account locked").sign_in_problem(),
            SignInProblem::AccountLocked
        );
        assert_eq!(
            status(403, "Forbidden").sign_in_problem(),
            SignInProblem::NotAllowed
        );
        assert_eq!(
            status(429, "Slow down").sign_in_problem(),
            SignInProblem::TooManyAttempts
        );
        assert_eq!(
            ApiError::Timeout.sign_in_problem(),
            SignInProblem::Unreachable
        );
    }

    #[test]
    fn messages_carry_the_summary_status_and_activity_id() {
        let err = status(400, "One or more validation errors occurred.");
        assert_eq!(
            err.user_message(),
            "One or more validation errors occurred. (HTTP 400) Activity ID: A:1"
        );
        assert_eq!(
            err.to_string(),
            "the API answered HTTP 400: One or more validation errors occurred."
        );
        let outcome = err.row_outcome();
        assert_eq!(
            (outcome.status, outcome.activity_id.as_deref()),
            (Some(400), Some("A:1"))
        );
    }
}
