//! Sign-in sessions: ID, access and refresh tokens, their expiry, and the sign-in throttle.
//!
//! Tokens are JWT-shaped (the app may read `exp` from the ID token) but the server never
//! trusts their content: it looks the whole string up. The third part is 32 random bytes
//! from the OS, which is what makes a token impossible to guess.

use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasher, RandomState};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::json;

use crate::random::random_bytes;

/// What a successful sign-in or refresh hands out.
#[derive(Debug, Clone)]
pub struct Tokens {
    pub id_token: String,
    pub access_token: String,
    pub refresh_token: String,
    pub expires_in: u64,
}

/// Who a valid bearer token belongs to.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: String,
    pub databases: Vec<String>,
    expires_at: Instant,
    refresh_token: String,
    refresh_valid: bool,
}

#[derive(Debug, PartialEq, Eq)]
pub enum TokenProblem {
    Unknown,
    Expired,
}

#[derive(Debug, Default)]
struct Inner {
    next_session: u64,
    sessions: HashMap<u64, Session>,
    /// ID and access tokens, both accepted as bearer tokens.
    tokens: HashMap<String, u64>,
    id_tokens: HashMap<u64, (String, String)>,
    /// Sign-in attempts in the last minute, by a keyed hash of the user name: a name of any
    /// length costs 8 bytes, and at most [`MAX_SIGN_IN_NAMES`] names are kept.
    logins: HashMap<u64, VecDeque<Instant>>,
    login_names: RandomState,
}

/// How many user names the sign-in throttle follows at once. A flood of distinct names (each
/// a guess at a different account) would otherwise grow the map without limit; past this,
/// names not already followed are refused until the oldest fall out of the minute. Refused,
/// not evicted: evicting would let a flood wipe a real account's count and reopen guessing.
pub const MAX_SIGN_IN_NAMES: usize = 1000;

#[derive(Debug)]
pub struct Sessions {
    lifetime: Duration,
    inner: Mutex<Inner>,
}

impl Sessions {
    pub fn new(lifetime_seconds: u64) -> Self {
        Sessions {
            lifetime: Duration::from_secs(lifetime_seconds),
            inner: Mutex::new(Inner::default()),
        }
    }

    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        // The map stays consistent even if a holder panicked: each change is one insert.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Counts a sign-in attempt by `user`; `Err(seconds)` once more than `per_minute` were
    /// made in the last minute, or while [`MAX_SIGN_IN_NAMES`] other names are followed.
    pub fn note_login(&self, user: &str, per_minute: u32) -> Result<(), u64> {
        let now = Instant::now();
        let window = Duration::from_secs(60);
        let mut inner = self.inner();
        let name = inner.login_names.hash_one(user);
        if !inner.logins.contains_key(&name) && inner.logins.len() >= MAX_SIGN_IN_NAMES {
            // Only when full, so the sweep costs nothing on an ordinary day.
            inner
                .logins
                .retain(|_, attempts| attempts.back().is_some_and(|at| now - *at < window));
            if inner.logins.len() >= MAX_SIGN_IN_NAMES {
                let soonest_free = inner
                    .logins
                    .values()
                    .filter_map(|attempts| attempts.back())
                    .map(|at| window.saturating_sub(now - *at))
                    .min()
                    .unwrap_or(window);
                return Err(soonest_free.as_secs().max(1));
            }
        }
        let attempts = inner.logins.entry(name).or_default();
        while attempts
            .front()
            .is_some_and(|at| now.duration_since(*at) >= window)
        {
            attempts.pop_front();
        }
        if attempts.len() >= per_minute as usize {
            let oldest = attempts.front().copied().unwrap_or(now);
            let wait = window.saturating_sub(now.duration_since(oldest));
            return Err(wait.as_secs().max(1));
        }
        attempts.push_back(now);
        Ok(())
    }

    /// How many user names the sign-in throttle holds now.
    pub fn followed_sign_in_names(&self) -> usize {
        self.inner().logins.len()
    }

    /// Starts a session for `user` with access to `databases`.
    pub fn start(&self, user: &str, databases: &[String]) -> Tokens {
        let refresh_token = token_string(user, "refresh", 30 * 86_400);
        let mut inner = self.inner();
        inner.next_session += 1;
        let id = inner.next_session;
        inner.sessions.insert(
            id,
            Session {
                user: user.to_string(),
                databases: databases.to_vec(),
                expires_at: Instant::now(),
                refresh_token: refresh_token.clone(),
                refresh_valid: true,
            },
        );
        self.renew(&mut inner, id)
    }

    /// New ID and access tokens for session `id`; the old ones stop working.
    fn renew(&self, inner: &mut Inner, id: u64) -> Tokens {
        if let Some((old_id, old_access)) = inner.id_tokens.remove(&id) {
            inner.tokens.remove(&old_id);
            inner.tokens.remove(&old_access);
        }
        let session = inner
            .sessions
            .get_mut(&id)
            .expect("renew is only called for a live session");
        session.expires_at = Instant::now() + self.lifetime;
        let lifetime = self.lifetime.as_secs();
        let tokens = Tokens {
            id_token: token_string(&session.user, "id", lifetime),
            access_token: token_string(&session.user, "access", lifetime),
            refresh_token: session.refresh_token.clone(),
            expires_in: lifetime,
        };
        inner.tokens.insert(tokens.id_token.clone(), id);
        inner.tokens.insert(tokens.access_token.clone(), id);
        inner
            .id_tokens
            .insert(id, (tokens.id_token.clone(), tokens.access_token.clone()));
        tokens
    }

    /// The session a bearer token belongs to, if the token is known and not expired.
    pub fn authenticate(&self, token: &str) -> Result<Session, TokenProblem> {
        let inner = self.inner();
        let session = inner
            .tokens
            .get(token)
            .and_then(|id| inner.sessions.get(id))
            .ok_or(TokenProblem::Unknown)?;
        if Instant::now() >= session.expires_at {
            return Err(TokenProblem::Expired);
        }
        Ok(session.clone())
    }

    /// New tokens for the session of `id_token` (expired or not) if `refresh_token` is its
    /// refresh token.
    pub fn refresh(&self, id_token: &str, refresh_token: &str) -> Option<Tokens> {
        let mut inner = self.inner();
        let id = *inner.tokens.get(id_token)?;
        let session = inner.sessions.get(&id)?;
        if !session.refresh_valid || session.refresh_token != refresh_token {
            return None;
        }
        Some(self.renew(&mut inner, id))
    }

    /// Expires every ID and access token now (a fault rule); refresh tokens too if asked.
    pub fn expire_all(&self, refresh_too: bool) {
        let now = Instant::now();
        for session in self.inner().sessions.values_mut() {
            session.expires_at = now;
            if refresh_too {
                session.refresh_valid = false;
            }
        }
    }
}

/// A JWT-shaped token: readable header and claims, random signature part.
fn token_string(user: &str, use_: &str, lifetime: u64) -> String {
    let now = crate::datetime::unix_now();
    let header = json!({"alg": "none", "typ": "JWT"});
    let claims = json!({
        "iss": "vbapi-sandbox",
        "sub": user,
        "username": user,
        "token_use": use_,
        "iat": now,
        "exp": now + lifetime,
    });
    format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string()),
        URL_SAFE_NO_PAD.encode(random_bytes::<32>())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_work_until_expired_and_refresh_renews_them() {
        let sessions = Sessions::new(3600);
        let tokens = sessions.start("demo", &["DEMO_LIVE".into()]);
        assert_eq!(tokens.id_token.split('.').count(), 3);
        assert_eq!(
            sessions.authenticate(&tokens.id_token).unwrap().user,
            "demo"
        );
        assert_eq!(
            sessions.authenticate("nope").unwrap_err(),
            TokenProblem::Unknown
        );
        sessions.expire_all(false);
        assert_eq!(
            sessions.authenticate(&tokens.id_token).unwrap_err(),
            TokenProblem::Expired
        );
        assert!(sessions.refresh(&tokens.id_token, "wrong").is_none());
        let renewed = sessions
            .refresh(&tokens.id_token, &tokens.refresh_token)
            .unwrap();
        assert_ne!(renewed.id_token, tokens.id_token);
        assert!(sessions.authenticate(&renewed.id_token).is_ok());
        assert!(sessions.authenticate(&tokens.id_token).is_err());
    }

    #[test]
    fn tokens_are_not_alike() {
        let sessions = Sessions::new(60);
        let a = sessions.start("demo", &[]);
        let b = sessions.start("demo", &[]);
        assert_ne!(a.id_token, b.id_token);
        assert_ne!(a.refresh_token, b.refresh_token);
    }

    #[test]
    fn sign_ins_are_throttled_per_user() {
        let sessions = Sessions::new(60);
        for _ in 0..3 {
            assert!(sessions.note_login("demo", 3).is_ok());
        }
        assert!(sessions.note_login("demo", 3).unwrap_err() >= 1);
        assert!(sessions.note_login("other", 3).is_ok());
    }

    #[test]
    fn a_flood_of_user_names_is_refused_once_the_throttle_is_full() {
        let sessions = Sessions::new(60);
        sessions.note_login("demo", 3).unwrap();
        let refused = (0..MAX_SIGN_IN_NAMES * 3)
            .filter(|n| {
                let name = format!("guess-{n}-{}", "x".repeat(1000));
                sessions.note_login(&name, 3).is_err()
            })
            .count();
        assert_eq!(refused, MAX_SIGN_IN_NAMES * 2 + 1);
        assert_eq!(sessions.followed_sign_in_names(), MAX_SIGN_IN_NAMES);
        // A name already followed keeps its own count.
        assert!(sessions.note_login("demo", 3).is_ok());
    }
}
